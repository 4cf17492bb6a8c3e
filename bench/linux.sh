#!/usr/bin/env bash
# Debian's real kernels under mmuscope, measured (the README's and docs/linux.md's figures):
# for each kernel, the instruction count at each boot milestone (from console_line and MMU
# events), wall time, MIPS, TLB hit rates, walks, and TLB maintenance operations by kind.
#   arm64: Debian 12's `linux` Image with the installer's initrd, on virt-a53 / cortex-a53,
#          until the installer's first screen ("Select a language")
#   armhf: Debian 12's `vmlinuz` zImage with the installer's initrd, on virt-a15 / cortex-a15,
#          until the same screen
# Each run is limited to MAX_INSNS instructions (default 30 G) and TIMEOUT seconds (3600).
#
#   bench/linux.sh [arm64|armhf]...        (both by default; 10-30 minutes each on this machine)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
export MAX_INSNS=${MAX_INSNS:-30000000000} TIMEOUT=${TIMEOUT:-3600} WHICH="${*:-arm64 armhf}"
exec python3 - <<'EOF'
import json, os, re, subprocess, sys, tempfile, time

mm = "build/frontends/mmuscope"
tmp = tempfile.mkdtemp(prefix="mmuscope-bench-linux-")


def pkg_file(pkg, suffix):
    out = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True).stdout
    hits = [l for l in out.splitlines() if l.endswith(suffix)]
    if not hits:
        sys.exit(f"bench/linux.sh: {pkg} has no {suffix} (scripts/setup.sh installs it)")
    return hits[0]


SCREEN = "Select a language"
KERNELS = {
    "arm64": dict(machine="virt-a53", pkg="debian-installer-12-netboot-arm64",
                  kernel="text/debian-installer/arm64/linux", initrd="text/debian-installer/arm64/initrd.gz",
                  milestones=["Booting Linux on physical CPU", "Memory:", "arch_timer:", "BogoMIPS",
                              "Run /init as init process", SCREEN]),
    "armhf": dict(machine="virt-a15", pkg="debian-installer-12-netboot-armhf",
                  kernel="text/debian-installer/armhf/vmlinuz", initrd="text/debian-installer/armhf/initrd.gz",
                  milestones=["Booting Linux on physical CPU", "Memory:", "arch_timer:", "BogoMIPS",
                              "Run /init as init process", SCREEN]),
}


def run(name, k):
    ev, st = os.path.join(tmp, name + ".jsonl"), os.path.join(tmp, name + ".json")
    cmd = [mm, "boot-linux", "--machine", k["machine"], "--kernel", pkg_file(k["pkg"], k["kernel"]),
           "--initrd", pkg_file(k["pkg"], k["initrd"]), "--max-insns", os.environ["MAX_INSNS"],
           "--timeout", os.environ["TIMEOUT"], "--stop-on-console", SCREEN, "--events", ev,
           "--events-only", "console_line,mmu_enable,mmu_disable,tlb_maintenance", "--stats", st]
    t0 = time.monotonic()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - t0
    stats = json.load(open(st))
    print(f"== {name}: {' '.join(cmd[1:3])} ... on {k['machine']} / {stats.get('core', '?')}")
    why = [l for l in p.stderr.splitlines() if re.match(r"mmuscope: [a-z_]+: ", l)]
    print(f"   exit: {why[0][len('mmuscope: '):] if why else stats['exit_reason']}")
    rows, ops, seen = [], {}, set()
    mmu = 0
    for line in open(ev):
        e = json.loads(line)
        if e["kind"] in ("mmu_enable", "mmu_disable"):
            mmu += 1
            rows.append((f"{e['kind']} #{mmu} at pc {e['pc']}", e["insn"]))
        elif e["kind"] == "tlb_maintenance":
            ops[e["op"]] = ops.get(e["op"], 0) + 1
        elif e["kind"] == "console_line":
            for m in k["milestones"]:
                if m not in seen and m in e["text"]:
                    seen.add(m)
                    text = re.sub(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b[()][0-9A-B]|[\x0e\x0f]", "", e["text"]).strip()
                    if m == SCREEN:
                        text = "the installer's first screen: [!!] " + SCREEN
                    rows.append((text[:90], e["insn"]))
    print(f"   {'milestone':<92} {'instructions':>15}")
    for text, insn in rows:
        print(f"   {text:<92} {insn:>15,}")
    for m in k["milestones"]:
        if m not in seen:
            print(f"   (not reached: \"{m}\")")
    n = stats["instructions"]
    print(f"   {n:,} instructions in {wall:.1f} s wall ({stats['wall_seconds']:.1f} s in the run loop): "
          f"{n / stats['wall_seconds'] / 1e6:.1f} MIPS; {stats['exceptions']:,} exceptions, "
          f"{stats['interrupts']:,} interrupts, CPI {stats['cpi']}")
    t = stats["tlb"]
    print("   " + ", ".join(f"{s} {v['lookups']:,} lookups {100 * v['hits'] / max(v['lookups'], 1):.2f}% hits"
                          for s, v in t["structures"].items()))
    print(f"   walks {t['walks']:,}, descriptor reads {t['descriptor_reads']:,}, walk-cache hits "
          f"{t['walk_cache_hits']:,} of {t['walk_cache_lookups']:,}; ASIDs seen {len(t['per_asid'])}")
    print("   TLB maintenance: " + ", ".join(f"{o} {c:,}" for o, c in sorted(ops.items(), key=lambda x: -x[1])))
    sys.stdout.flush()


for name in os.environ["WHICH"].split():
    if name not in KERNELS:
        sys.exit(f"bench/linux.sh: unknown kernel '{name}' (arm64 or armhf)")
    run(name, KERNELS[name])
EOF
