#!/usr/bin/env bash
# Speed of the full model against raw Unicorn, in one invocation: the same image run
#   1. by mmuscope with the TLB and cycle model (the default),
#   2. by mmuscope with --core none (observer and exception glue only),
#   3. by bench/raw_unicorn: Unicorn with no hooks (the baseline),
# and prints MIPS for each and the ratios to the baseline. Instruction counts come from run 1
# (the guest is deterministic). Usage: bench/run.sh [IMAGE.bin]   (default: a64_memloop)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >/dev/null
img=${1:-build/tests/guests/a64_memloop.bin}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mm=build/frontends/mmuscope
$mm run --machine virt-a53 --timeout 0 --stats "$tmp/full.json" "$img" >/dev/null 2>"$tmp/full.err" || { cat "$tmp/full.err" >&2; exit 1; }
$mm run --machine virt-a53 --timeout 0 --core none --stats "$tmp/none.json" "$img" >/dev/null 2>"$tmp/none.err" || { cat "$tmp/none.err" >&2; exit 1; }
if ! build/bench/raw_unicorn "$img" 0x80800000 >"$tmp/raw.out" 2>&1; then
  echo "bench/run.sh: $img: the raw Unicorn baseline failed, so there is nothing to compare with:" \
       "$(cat "$tmp/raw.out") (raw_unicorn maps RAM and the placeholders only: no UART, DTB or PSCI)" >&2
  exit 1
fi
python3 - "$tmp" "$img" <<'PY'
import json, re, sys
d, img = sys.argv[1], sys.argv[2]
full = json.load(open(f"{d}/full.json")); none = json.load(open(f"{d}/none.json"))
raw_s = float(re.search(r"([0-9.]+) s$", open(f"{d}/raw.out").read().strip()).group(1))
n = full["instructions"]
rows = [("mmuscope, TLB + cycle model (%s)" % full["core"], full["wall_seconds"]),
        ("mmuscope --core none", none["wall_seconds"]),
        ("raw Unicorn 2.0.1, no hooks", raw_s)]
print(f"image {img}: {n} instructions, {full['cycles']} modelled cycles (CPI {full['cpi']:.3f})")
for name, s in rows:
    print(f"  {name:42s} {s:8.3f} s {n / s / 1e6:9.1f} MIPS  {raw_s / s * 100:6.1f}% of raw")
PY
