#!/usr/bin/env bash
# Quick start 1: set everything up, then boot our Linux-faithful ARMv7 head.S and report
# every MMU step. Output files land in demo-out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
mkdir -p demo-out
echo
echo "== mmuscope run armv7-head (guest UART on stdout, mmuscope's report on stderr)"
build/frontends/mmuscope run --events demo-out/events.jsonl --stats demo-out/stats.json \
  --translate 0xc0008000,0x80008000,0xf9000000,0xf0000000,0xffff0000,0xb0000000 armv7-head
echo
echo "== MMU events (demo-out/events.jsonl), cache maintenance left out"
python3 scripts/show_events.py demo-out/events.jsonl
echo
echo "== mmuscope run --machine virt-a53 armv8-head (seed 000's arm64 head.S; full report in demo-out/armv8-head.txt)"
build/frontends/mmuscope run --machine virt-a53 --events demo-out/events-v8.jsonl --stats demo-out/stats-v8.json \
  --translate 0xffff000080800000,0xffff800008000000,0xffffffffffcfd000,0x411000 armv8-head \
  >demo-out/armv8-head.txt 2>&1 || { cat demo-out/armv8-head.txt; exit 1; }
grep -E '^\[head\]|check:|checks passed|^mmuscope: (poweroff|[0-9]+ instructions)|^0x[0-9a-f]+ ->' demo-out/armv8-head.txt
