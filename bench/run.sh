#!/usr/bin/env bash
# Speed of the full model against raw Unicorn, in one invocation: the same AArch64 image run
#   1. by mmuscope with the TLB and cycle model (the default),
#   2. by mmuscope with --core none (observer and exception glue only),
#   3. by bench/raw_unicorn: Unicorn with no hooks (the baseline),
# and prints MIPS for each and the ratios to the baseline. Each is run REPEAT times (default 3)
# and the fastest run counts. raw_unicorn gets mmuscope's own device tree (--dump-phys) and the
# same entry state. Before timing, a counting run of raw_unicorn (a block hook, not timed) must
# execute exactly as many instructions as mmuscope, or the script stops: equal work or nothing.
#
#   bench/run.sh [IMAGE.bin [--stop-at PC]]       (default: tests/guests/a64_memloop)
#   bench/run.sh armv8-head                        (the boot up to its first EL0 switch, see below)
#
# raw_unicorn has no UART model beyond a sink, no PSCI and no exception delivery: it stops at the
# guest's first exception. For a guest that takes exceptions, give --stop-at a PC both reach
# first; for armv8-head the default is 0xffff00008080284c, the MSR TTBR0_EL1 of its first
# switch_mm (475489 instructions: the boot, the page tables, paging_init and the vmalloc test).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
img=${1:-build/tests/guests/a64_memloop.bin}
stop=()
if [ "$img" = armv8-head ]; then
  img=build/firmware/arm64/armv8-head.bin
  stop=(--stop-at 0xffff00008080284c)
fi
if [ $# -ge 3 ] && [ "$2" = --stop-at ]; then stop=(--stop-at "$3"); fi
[ -f "$img" ] || { echo "bench/run.sh: $img: no such image" >&2; exit 2; }
repeat=${REPEAT:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mm=build/frontends/mmuscope
dtb_addr=0x88000000   # virt-a53: RAM 0x80000000 + 256 MiB / 2

mmrun() { # name, extra args...
  local name=$1; shift
  for i in $(seq "$repeat"); do
    $mm run --machine virt-a53 --timeout 0 "${stop[@]}" --stats "$tmp/$name.$i.json" "$@" "$img" \
      >/dev/null 2>"$tmp/$name.err" || { echo "bench/run.sh: mmuscope failed:" >&2; cat "$tmp/$name.err" >&2; exit 1; }
  done
}
mmrun full --dump-phys "$dtb_addr,65536,$tmp/dtb.bin"
mmrun none --core none

raw() { # output file, extra args...
  local out=$1; shift
  if ! build/bench/raw_unicorn "$img" 0x80800000 "${stop[@]}" --dtb "$tmp/dtb.bin,$dtb_addr" "$@" >"$out" 2>&1; then
    echo "bench/run.sh: $img: the raw Unicorn baseline failed, so there is nothing to compare with:" \
         "$(cat "$out") (raw_unicorn maps RAM, a UART sink and the placeholders only: no PSCI or exceptions;" \
         "give --stop-at a PC before the first exception)" >&2
    exit 1
  fi
}
raw "$tmp/count.out" --count
for i in $(seq "$repeat"); do raw "$tmp/raw.$i.out"; done

python3 - "$tmp" "$img" "$repeat" <<'PY'
import json, re, sys
d, img, rep = sys.argv[1], sys.argv[2], int(sys.argv[3])
full = [json.load(open(f"{d}/full.{i}.json")) for i in range(1, rep + 1)]
none = [json.load(open(f"{d}/none.{i}.json")) for i in range(1, rep + 1)]
raw = [float(re.search(r"([0-9.]+) s$", open(f"{d}/raw.{i}.out").read().strip()).group(1)) for i in range(1, rep + 1)]
n = full[0]["instructions"]
raw_n = int(re.search(r"(\d+) instructions", open(f"{d}/count.out").read()).group(1))
if raw_n != n or any(r["instructions"] != n for r in full + none):
    sys.exit(f"bench/run.sh: {img}: unequal work: mmuscope ran {[r['instructions'] for r in full + none]} "
             f"instructions, raw Unicorn {raw_n}; nothing compared")
raw_s = min(raw)
rows = [("mmuscope, TLB + cycle model (%s)" % full[0]["tlb"]["core"], min(r["wall_seconds"] for r in full)),
        ("mmuscope --core none", min(r["wall_seconds"] for r in none)),
        ("raw Unicorn 2.0.1, no hooks", raw_s)]
print(f"image {img}: {n} instructions (raw Unicorn counted {raw_n}), ended by {full[0]['exit_reason']}, "
      f"{full[0]['tlb']['cycles']} modelled cycles (CPI {full[0]['tlb']['cpi']:.3f}); fastest of {rep} runs each")
for name, s in rows:
    print(f"  {name:42s} {s:8.3f} s {n / s / 1e6:9.1f} MIPS  {raw_s / s * 100:6.1f}% of raw")
PY
