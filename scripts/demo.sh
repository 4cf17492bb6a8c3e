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
echo
echo "== address-space maps (PNG, no display needed): demo-out/map-v7-{1,2,3}.png, demo-out/map-v8-{1,2}.png"
# the MCR that sets SCTLR.M is __turn_mmu_on + 8; before the MMU is on the PC runs at its PA
# (link VA - PAGE_OFFSET 0xc0000000 + PHYS_OFFSET 0x80000000)
mcr_va=$(llvm-nm build/firmware/armv7-head.elf | awk '$3 == "__turn_mmu_on" { print $1 }')
mcr_pa=$(printf '0x%x' $((0x$mcr_va + 8 - 0xc0000000 + 0x80000000)))
build/frontends/mmuscope run --snapshot "pc:$mcr_pa" --snapshot mmu_enable --snapshot exit \
  --png demo-out/map-v7.png armv7-head 2>&1 >/dev/null | grep '^mmuscope: snapshot'
build/frontends/mmuscope run --machine virt-a53 --snapshot mmu_enable --snapshot exit \
  --png demo-out/map-v8.png armv8-head 2>&1 >/dev/null | grep '^mmuscope: snapshot'
echo
echo "== Debian's arm64 Linux 6.1 (boot-linux, TLB model on, first 150 M instructions; log in demo-out/linux-arm64.txt, map of its address space in demo-out/map-linux.png)"
kernel=$(dpkg -L debian-installer-12-netboot-arm64 | grep 'text/debian-installer/arm64/linux$')
status=0
build/frontends/mmuscope boot-linux --kernel "$kernel" --max-insns 150000000 --stats demo-out/stats-linux.json \
  --snapshot exit --png demo-out/map-linux.png >demo-out/linux-arm64.txt 2>&1 || status=$?
if [ "$status" -ne 3 ]; then cat demo-out/linux-arm64.txt; exit 1; fi  # 3: the instruction limit, as asked
grep -E 'Booting Linux|Linux version|Memory:|arch_timer:|BogoMIPS|^mmuscope: ([0-9]+ (instructions|interrupts)|snapshot)|^  (itlb|dtlb|main_tlb|walk_cache) |maintenance:' demo-out/linux-arm64.txt
