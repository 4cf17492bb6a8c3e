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
