#!/usr/bin/env bash
# Quick start 2: set everything up, then run the whole test suite twice: in the normal build
# and in the ASan+UBSan build. Ends with one line "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --asan || { echo "0 passed, 1 failed"; exit 1; }
status=0
for dir in build build-asan; do
  echo "== meson test in $dir"
  meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
done
python3 scripts/count_results.py build/meson-logs/testlog.json build-asan/meson-logs/testlog.json || status=1
exit $status
