#!/usr/bin/env bash
# Translation traces, measured (docs/traces.md "Performance"):
#   - recording overhead: the same run with and without --trace, fastest of REPEAT (default 3),
#     and the ratio; times are CPU seconds (user + system of the mmuscope process), which other
#     load on the machine disturbs far less than wall-clock time;
#   - trace size: bytes per recorded access (the whole file over the accesses it holds);
#   - replay speed: accesses per second per core through the recorded preset (fastest of REPEAT):
#     the replay's own figure, its accesses over the CPU seconds of the replaying thread; and the
#     share of accesses that miss the first-level (micro) TLB, each of which takes the model's
#     miss path (main TLB, walk cache, fills).
# Targets (issue 5): recording overhead <= 30%, replay >= 100 M accesses/s per core.
# Images: armv8-head, a64_memloop (40M instructions: the worst case, two memory accesses per six
# instructions in six-instruction blocks) and tlb-bench-v8. With --linux (or LINUX=1) also the
# Debian arm64 kernel, 150M instructions of its boot (needs debian-installer-12-netboot-arm64).
#
#   bench/trace.sh [--linux]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
[ "${1:-}" = --linux ] && LINUX=1
export REPEAT=${REPEAT:-3} LINUX=${LINUX:-0}
exec python3 - <<'EOF'
import os, re, resource, subprocess, sys, tempfile

mm = "build/frontends/mmuscope"
repeat = int(os.environ["REPEAT"])
tmp = tempfile.mkdtemp(prefix="mmuscope-bench-trace-")
cases = [
    ("armv8-head", ["run", "--machine", "virt-a53", "armv8-head"]),
    ("a64_memloop 40M", ["run", "--machine", "virt-a53", "--max-insns", "40000000",
                         "build/tests/guests/a64_memloop.bin"]),
    ("tlb-bench-v8", ["run", "--machine", "virt-a53", "tlb-bench-v8"]),
]
if os.environ["LINUX"] == "1":
    out = subprocess.run(["dpkg", "-L", "debian-installer-12-netboot-arm64"], capture_output=True, text=True).stdout
    kern = [l for l in out.splitlines() if l.endswith("text/debian-installer/arm64/linux")]
    if not kern:
        sys.exit("bench/trace.sh: --linux needs debian-installer-12-netboot-arm64 (scripts/setup.sh installs it)")
    cases.append(("Debian arm64 Linux 150M", ["boot-linux", "--kernel", kern[0], "--max-insns", "150000000"]))


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(args):
    t = cpu()
    p = subprocess.run([mm, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    dt = cpu() - t
    if p.returncode not in (0, 3):
        sys.exit(f"bench/trace.sh: {' '.join(args)} failed:\n{p.stderr}")
    return dt, p.stderr


print(f"{'run (CPU seconds)':26} {'plain s':>8} {'--trace s':>9} {'overhead':>8} {'accesses':>11} {'bytes':>11} "
      f"{'B/access':>8} {'L1 miss':>7} {'replay M acc/s/core':>19}")
results = []
for name, args in cases:
    tr = os.path.join(tmp, "t.trace")
    plain, traced = float("inf"), float("inf")
    for _ in range(repeat):  # interleaved, so that a change in the machine's load hits both alike
        plain = min(plain, timed(args)[0])
        traced = min(traced, timed(args[:1] + ["--trace", tr] + args[1:])[0])
    info = subprocess.run([mm, "trace", "info", tr], capture_output=True, text=True).stdout
    acc = int(re.search(r"^accesses\s+(\d+)", info, re.M).group(1))
    size = os.path.getsize(tr)
    best = 0.0
    for _ in range(repeat):
        p = subprocess.run([mm, "replay", tr], capture_output=True, text=True)
        m = re.search(r"([\d.]+) M accesses/s per core", p.stderr)
        best = max(best, float(m.group(1)))
    # first-level (micro TLB) misses over all accesses: each one goes down the model's miss path
    l1 = sum(int(x) for x in re.findall(r"^  (?:itlb|dtlb|dtlb_load|dtlb_store) +\d+ +\d+ +\S+ +\d+ +\d+ +(\d+)",
                                        p.stderr, re.M))
    ovh = 100 * (traced / plain - 1)
    print(f"{name:26} {plain:8.3f} {traced:9.3f} {ovh:7.1f}% {acc:11d} {size:11d} "
          f"{size / acc:8.2f} {100 * l1 / acc:6.2f}% {best:19.1f}")
    results.append((name, ovh, best))
    os.unlink(tr)
os.rmdir(tmp)
print("targets: recording overhead <= 30% (" +
      ", ".join(f"{n}: {'met' if o <= 30 else 'NOT met'}" for n, o, _ in results) + ")")
print("         replay >= 100 M accesses/s per core (" +
      ", ".join(f"{n}: {'met' if r >= 100 else 'NOT met'}" for n, _, r in results) + ")")
EOF
