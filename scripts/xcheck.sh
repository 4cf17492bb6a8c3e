#!/usr/bin/env bash
# The long differential run of mmuscope's walkers against Unicorn's own MMU (docs/xcheck.md):
# COUNT VA checks per format (default 1,000,000) for each seed given (default 1), all five
# formats, then the same with the known engine deviations included, to measure them.
#
#   scripts/xcheck.sh [COUNT [SEED...]]        e.g. scripts/xcheck.sh 1000000 1 2 3
#
# Prints how many checks it ran and how many mismatched; exits 1 when a default run (no
# deviations) found a mismatch or a deviation run found one outside its categories.
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000000}
shift || true
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(1)
bin=build/frontends/mmuscope
[ -x "$bin" ] || ninja -C build >/dev/null
status=0
total=0
for seed in "${seeds[@]}"; do
  echo "== seed $seed: $count VA checks per format"
  if ! out=$("$bin" xcheck --format all --count "$count" --seed "$seed"); then status=1; fi
  echo "$out"
  n=$(echo "$out" | sed -n 's/^mmuscope xcheck: \([0-9]*\) VA checks.*/\1/p')
  total=$((total + n))
  echo "== seed $seed with the known engine deviations"
  out=$("$bin" xcheck --format all --count "$count" --seed "$seed" --include-deviations || true)
  echo "$out" | grep -v '^  mismatch:\|^            categories:' || true
  if echo "$out" | grep -q 'unexplained [1-9]'; then status=1; fi
  n=$(echo "$out" | sed -n 's/^mmuscope xcheck: \([0-9]*\) VA checks.*/\1/p')
  total=$((total + n))
done
echo "xcheck.sh: $total VA checks in all ($count per format and seed, ${#seeds[@]} seed(s), default and deviation runs); status $status"
exit $status
