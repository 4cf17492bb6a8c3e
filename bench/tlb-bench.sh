#!/usr/bin/env bash
# The TLB curves of every core preset, measured by the guest (firmware/tlb-bench, docs/tlb.md
# "tlb-bench"): runs tlb-bench-v7 (AArch32) and tlb-bench-v8 (AArch64) with each preset of
# configs/cores/ as the TLB model (--core NAME). A preset runs on its own CPU when that CPU has
# the image's ISA (cortex-a7/a9/a15 on virt-a7/a9/a15, cortex-a53/a57/a72 on virt-a53 with
# machine.cpu set), otherwise as a TLB model on virt-a15 (v7) or virt-a53 (v8): --core takes
# any preset on any machine.
#
# Usage: bench/tlb-bench.sh [OUTDIR] [EXTRA BOOTARGS]   (OUTDIR default build/tlb-bench)
# Writes OUTDIR/tlb-bench.csv (one row per point), OUTDIR/tlb-bench.md (the tables of
# docs/tlb.md), OUTDIR/<image>-<preset>.txt and .json (UART output and --stats of each run),
# and OUTDIR/tlb-bench.png when gnuplot is installed (Debian package gnuplot-nox).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/tlb-bench}
extra=${2:-}
mm=build/frontends/mmuscope
if [ ! -d build ]; then
  echo "tlb-bench.sh: no build directory: run scripts/setup.sh (or meson setup build) first" >&2
  exit 2
fi
ninja -C build >/dev/null
mkdir -p "$out"

aarch32_machine() { # CPU name -> machine, for the AArch32 CPUs mmuscope has
  case $1 in cortex-a7) echo virt-a7 ;; cortex-a9) echo virt-a9 ;; cortex-a15) echo virt-a15 ;; *) return 1 ;; esac
}

runs=()
for ini in configs/cores/*.ini; do
  preset=$(basename "$ini" .ini)
  for image in tlb-bench-v7 tlb-bench-v8; do
    if [ "$image" = tlb-bench-v7 ]; then
      if machine=$(aarch32_machine "$preset"); then args=(--machine "$machine")
      else machine=virt-a15; args=(--machine virt-a15); fi
      cpu=$(sed -n 's/^cpu *= *//p' "configs/machines/$machine.ini")
    else
      machine=virt-a53
      case $preset in cortex-a53|cortex-a57|cortex-a72) cpu=$preset ;; *) cpu=cortex-a53 ;; esac
      args=(--machine virt-a53 --set "machine.cpu=$cpu")
    fi
    [ -n "$extra" ] && args+=(--set "machine.bootargs=$extra")
    base=$out/$image-$preset
    if ! $mm run "${args[@]}" --core "$preset" --stats "$base.json" "$image" >"$base.txt" 2>"$base.err"; then
      echo "tlb-bench.sh: $image on $preset ($machine, $cpu) failed: $(tail -n 1 "$base.err")" >&2
      exit 1
    fi
    if ! grep -q '^tlb-bench: done' "$base.txt"; then
      echo "tlb-bench.sh: $image on $preset: $(grep -m1 'tlb-bench: error' "$base.txt" || echo 'no result')" >&2
      exit 1
    fi
    runs+=("$image,$preset,$machine,$cpu,$base.txt")
    echo "tlb-bench.sh: $image on $preset ($machine, cpu $cpu): $(grep -c '^stride\|^collide' "$base.txt") points"
  done
done

python3 - "$out" "${runs[@]}" <<'PY'
import re, sys
out, runs = sys.argv[1], [r.split(",", 4) for r in sys.argv[2:]]
sweep_re = re.compile(r"^stride (\d+) pages: ([0-9.]+) cycles/access, (\d+) cycles/pass$")
coll_re = re.compile(r"^collide (\d+) pages stride (\d+) fill (\d+): ([0-9.]+) cycles/access, (\d+) cycles/pass$")
rows, data = [], {}
for image, preset, machine, cpu, path in runs:
    d = data.setdefault((image, preset), {"sweep": {}, "collide": {}})
    for line in open(path):
        line = line.rstrip("\r\n")
        if m := sweep_re.match(line):
            n, cpa, cpp = int(m[1]), m[2], int(m[3])
            rows.append((image, preset, machine, cpu, "sweep", n, 1, 0, n, cpp, cpa))
            d["sweep"][n] = cpa
        elif m := coll_re.match(line):
            k, s, f, cpa, cpp = int(m[1]), int(m[2]), int(m[3]), m[4], int(m[5])
            rows.append((image, preset, machine, cpu, "collide", k, s, f, k + f, cpp, cpa))
            d["collide"][(s, k)] = cpa
with open(f"{out}/tlb-bench.csv", "w") as f:
    f.write("image,preset,machine,cpu,kind,pages,page_stride,fill,accesses_per_pass,cycles_per_pass,"
            "cycles_per_access\n")
    for r in rows:
        f.write(",".join(map(str, r)) + "\n")
def core_order(p):  # cortex-a7, a9, a15, a53, a72: by the number
    digits = "".join(c for c in p if c.isdigit())
    return (int(digits) if digits else 0, p)
order = sorted(data, key=lambda ip: (ip[0], core_order(ip[1])))
# the collision curve plotted: the largest stride measured (256 by default: one set everywhere)
cstride = max((s for d in data.values() for s, _ in d["collide"]), default=None)
# gnuplot input: one block per (image, preset), columns pages cycles/access
for kind in ("sweep", "collide"):
    with open(f"{out}/{kind}.dat", "w") as f:
        for image, preset in order:
            d = data[(image, preset)]
            f.write(f"# {image} {preset}\n")
            pts = sorted(d["sweep"].items()) if kind == "sweep" else \
                sorted((k, v) for (s, k), v in d["collide"].items() if s == cstride)
            for x, y in pts:
                f.write(f"{x} {y}\n")
            f.write("\n\n")
presets = sorted({p for _, p in data}, key=core_order)
images = sorted({i for i, _ in data})
cols = [(p, i) for p in presets for i in images if (i, p) in data]
short = lambda p, i: f"{p.replace('cortex-', '')} {i.replace('tlb-bench-', '')}"  # noqa: E731
head = "| {} | " + " | ".join(short(p, i) for p, i in cols) + " |\n|---:|" + "---:|" * len(cols) + "\n"
with open(f"{out}/tlb-bench.md", "w") as f:
    ns = sorted(set().union(*(d["sweep"] for d in data.values())))
    if ns:
        f.write("Sweep: cycles per access against N pages\n\n" + head.format("N"))
    for n in ns:
        f.write(f"| {n} | " + " | ".join(data[(i, p)]["sweep"].get(n, "") for p, i in cols) + " |\n")
    keys = sorted(set().union(*(d["collide"] for d in data.values())))
    for s in sorted({s for s, _ in keys}, reverse=True):
        f.write(f"\nCollision: cycles per access, k pages {s} pages apart + the fill pages\n\n" + head.format("k"))
        for k in sorted(k for ss, k in keys if ss == s):
            f.write(f"| {k} | " + " | ".join(data[(i, p)]["collide"].get((s, k), "") for p, i in cols) + " |\n")
# the plot: four panels (sweep and collision, per image), one line per preset; gnuplot draws it
# if it is installed
def gq(s):  # a gnuplot single-quoted string: any path
    return "'" + s.replace("'", "''") + "'"


def plot(dat, image):
    return "plot " + ", \\\n     ".join(
        f'{gq(out + "/" + dat)} index {i} using 1:2 with linespoints title "{p}"'
        for i, (im, p) in enumerate(order) if im == image)
panels = []
for image in images if any(d["sweep"] for d in data.values()) else []:
    panels.append(f"""set title "{image}: cycles per access against N pages (one word per 4 KiB page)"
set logscale x 2
set xlabel "pages (N)"
{plot("sweep.dat", image)}
""")
for image in images if cstride else []:
    panels.append(f"""set title "{image}: k pages {cstride} pages apart + the fill pages"
unset logscale x
set xlabel "colliding pages (k)"
{plot("collide.dat", image)}
""")
with open(f"{out}/plot.gp", "w") as f:
    f.write(f"""set terminal pngcairo size 1600,1000 font ",10"
set output {gq(out + "/tlb-bench.png")}
set multiplot layout 2,2
set key top left
set grid
set ylabel "cycles / access"
""" + "".join(panels) + "unset multiplot\n")
print(f"tlb-bench.sh: {len(rows)} points in {out}/tlb-bench.csv, tables in {out}/tlb-bench.md")
PY

if command -v gnuplot >/dev/null 2>&1; then
  gnuplot "$out/plot.gp"
  echo "tlb-bench.sh: plot in $out/tlb-bench.png"
else
  echo "tlb-bench.sh: gnuplot not installed (Debian package gnuplot-nox): no plot ($out/plot.gp is its input)"
fi
