#!/usr/bin/env python3
"""Debian 12's own Linux 6.1 kernels (debian-installer-12-netboot-arm64 / -armhf, installed by
scripts/setup.sh) booted by `mmuscope boot-linux` with the TLB model on.

Expected values come from the kernel's own boot protocol and messages, the machine description
(RAM 1 GiB at 0x80000000 by boot-linux's default, a 62.5 MHz system counter), Linux's documented
memory layout, and arithmetic in the comments; nothing is copied from a previous run.
"""
import re
import struct
import subprocess
import tempfile
import os
import sys

from harness import mmuscope, one_line_error, raw, run_tests

RAM_BASE, RAM_SIZE = 0x80000000, 1 << 30


def package_file(package, suffix):
    """The file of a Debian package whose path ends in suffix (dpkg -L, as the issue says)."""
    out = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True)
    assert out.returncode == 0, f"{package} is not installed: scripts/setup.sh installs it ({out.stderr.strip()})"
    hits = [p for p in out.stdout.split() if p.endswith(suffix)]
    assert hits, f"{package} has no file ending in {suffix}"
    return hits[0]


ARM64_IMAGE = package_file("debian-installer-12-netboot-arm64", "/text/debian-installer/arm64/linux")
ARMHF_ZIMAGE = package_file("debian-installer-12-netboot-armhf", "/text/debian-installer/armhf/vmlinuz")
TMP = tempfile.mkdtemp(prefix="mmuscope-linux-")

# instruction budgets: past the lines checked below with room to spare (the arm64 boot prints its
# BogoMIPS line near 100 M instructions; the armhf zImage decompresses for about 2 G first)
ARM64_INSNS = 150_000_000
ARMHF_INSNS = 2_200_000_000

_runs = {}


def arm64_run():
    if "arm64" not in _runs:
        _runs["arm64"] = mmuscope("--kernel", ARM64_IMAGE, "--max-insns", str(ARM64_INSNS), "--timeout", "900",
                                  command="boot-linux", timeout=1000)
    return _runs["arm64"]


def armhf_run():
    if "armhf" not in _runs:
        _runs["armhf"] = mmuscope("--machine", "virt-a15", "--kernel", ARMHF_ZIMAGE, "--max-insns",
                                  str(ARMHF_INSNS), "--timeout", "1500", command="boot-linux", timeout=1600)
    return _runs["armhf"]


def image_header():
    """arm64 booting.rst: text_offset at 8, image_size at 16, "ARM\\x64" at 0x38"""
    with open(ARM64_IMAGE, "rb") as f:
        h = f.read(64)
    assert h[0x38:0x3c] == b"ARM\x64"
    return struct.unpack_from("<QQ", h, 8)


def test_arm64_banner_and_memory():
    """arm64: the kernel prints its banner, the DT model and the Memory: line for 1 GiB"""
    r = arm64_run()
    assert r.status == 3, r  # the instruction limit, not a crash
    assert "Booting Linux on physical CPU 0x0000000000" in r.stdout, r
    assert re.search(r"Linux version 6\.1\.\S+ .*Debian", r.stdout), r
    assert "Machine model: virt-a53" in r.stdout, r  # the model string of our generated DTB
    m = re.search(r"Memory: (\d+)K/(\d+)K available", r.stdout)
    assert m, r
    assert int(m.group(2)) == RAM_SIZE // 1024 == 1048576  # 1 GiB in KiB


def test_arm64_mmu_enable_and_kernel_va():
    """arm64: one MMU enable from the loaded image, then fetches at KIMAGE_VADDR 0xffff800008000000"""
    r = arm64_run()
    text_offset, image_size = image_header()
    load = RAM_BASE + text_offset  # 2 MiB aligned base of RAM (0x80000000) + text_offset
    enables = r.of_kind("mmu_enable")
    assert len(enables) == 1, enables  # head.S __enable_mmu; no KASLR seed, so no second enable
    assert load <= int(enables[0]["pc"], 16) < load + image_size, enables
    first = r.of_kind("first_translated_fetch")[0]
    va, pa = int(first["va"], 16), int(first["pa"], 16)
    # Documentation/arch/arm64/memory.rst (6.1, 48-bit VA): modules end / kernel image start at
    # 0xffff800008000000; the image is mapped linearly, so va - KIMAGE_VADDR == pa - load
    assert 0xFFFF800008000000 <= va < 0xFFFF800008000000 + image_size, first
    assert va - 0xFFFF800008000000 == pa - load, first
    ttbr1 = [e for e in r.of_kind("sysreg_write") if e["reg"] == "TTBR1_EL1"]
    assert ttbr1 and all(RAM_BASE <= int(e["value"], 16) & ((1 << 48) - 1) < RAM_BASE + RAM_SIZE for e in ttbr1)


def test_arm64_timer_and_interrupts():
    """arm64: the 62.5 MHz virtual timer drives Linux's clock, BogoMIPS and interrupts"""
    r = arm64_run()
    assert "arch_timer: cp15 timer(s) running at 62.50MHz (virt)." in r.stdout, r
    # arm64 derives BogoMIPS from the counter: lpj = freq / HZ, BogoMIPS = lpj * HZ / 500000
    # = 62.5e6 / 5e5 = 125.00, whatever HZ is
    assert "125.00 BogoMIPS" in r.stdout, r
    assert r.stats["interrupts"] > 0, r.stats  # timer ticks acknowledged at the GIC
    stamps = [float(s) for s in re.findall(r"^\[\s*(\d+\.\d+)\]", r.stdout, re.M)]
    assert stamps[-1] > 0 and stamps == sorted(stamps)  # the clock advances and never goes back


def test_arm64_tlb_model_counts():
    """arm64: the TLB model saw the boot: walks, hits, TLBI VAALE1 on the fixmap, all in ASID 0"""
    r = arm64_run()
    tlb = r.stats["tlb"]
    assert r.stats["core"] == "cortex-a53" and r.stats["instructions"] >= ARM64_INSNS
    assert tlb["walks"] > 0 and tlb["structures"], tlb
    main = tlb["structures"]["main_tlb"]
    assert main["hits"] + main["misses"] == main["lookups"] and main["hits"] > main["misses"]
    assert r.stats["events"]["tlb_maintenance"] > 0
    # no user space yet: every lookup is kernel (ASID 0)
    assert [a["asid"] for a in tlb["per_asid"]] == [0], tlb["per_asid"]


def test_armhf_decompressor_then_kernel():
    """armhf: the zImage decompressor's MMU enable, then head.S's, then start_kernel's banner"""
    r = armhf_run()
    assert r.status == 3, r
    enables = r.of_kind("mmu_enable")
    assert len(enables) >= 2, enables
    # the decompressor runs where the zImage was loaded (RAM + 0x8000 upward, position-independent)
    # and turns the MMU on for its caches; head.S's __turn_mmu_on runs from the decompressed
    # kernel at PHYS_OFFSET + TEXT_OFFSET (0x80008000) upward, after the decompressor's
    disables = r.of_kind("mmu_disable")
    assert disables and int(enables[0]["insn"]) < int(disables[0]["insn"]) < int(enables[1]["insn"]), \
        (enables, disables)
    assert "Booting Linux on physical CPU 0x0" in r.stdout, r
    assert re.search(r"Linux version 6\.1\.\S+-armmp ", r.stdout), r
    assert "Machine model: virt-a15" in r.stdout, r
    # head.S (__v7_setup, __enable_mmu) loads swapper_pg_dir, a 16 KiB aligned table in RAM, into
    # TTBR1 and TTBR0 before its MMU enable (ARM ARM B4.1.154: TTBR0[31:14] with TTBCR.N = 0)
    ttbr = {e["reg"]: int(e["value"], 16) for e in r.of_kind("sysreg_write") if e["reg"] in ("TTBR0", "TTBR1")
            and int(enables[0]["insn"]) < int(e["insn"]) < int(enables[1]["insn"])}
    assert ttbr["TTBR0"] >> 14 == ttbr["TTBR1"] >> 14 and RAM_BASE <= ttbr["TTBR1"] < RAM_BASE + RAM_SIZE, ttbr
    # the decompressor runs identity-mapped; the first fetch with va != pa is the kernel's, at
    # PAGE_OFFSET 0xc0000000 (VMSPLIT_3G) + (pa - PHYS_OFFSET): the P2V offset the kernel patched
    first = r.of_kind("first_translated_fetch")[0]
    va, pa = int(first["va"], 16), int(first["pa"], 16)
    assert int(first["insn"]) > int(enables[1]["insn"]) and va - 0xC0000000 == pa - RAM_BASE, first


def test_armhf_timer_and_interrupts():
    """armhf: the kernel finds the generic timer through cp15 c14 (mmuscope's, 62.5 MHz), takes
    its delay-loop value from it, and takes timer interrupts through the GIC"""
    r = armhf_run()
    assert "arch_timer: cp15 timer(s) running at 62.50MHz (virt)." in r.stdout, r
    # lpj = CNTFRQ / HZ and BogoMIPS = lpj * HZ / 500000 = 62.5e6 / 5e5 = 125.00, whatever HZ is
    assert re.search(r"Calibrating delay loop \(skipped\), value calculated using timer frequency\.\. "
                     r"125\.00 BogoMIPS", r.stdout), r
    # the line comes at ~2.124 G instructions; the run goes on to 2.2 G: ~76 M instructions at
    # CPI ~1.4 is ~100 ms of model time at 1 GHz, i.e. ~25 ticks at HZ 250 (10 at HZ 100)
    assert r.stats["interrupts"] >= 10, r.stats


def test_bad_input():
    """boot-linux: wrong kernel formats, bad DTB, missing kernel: one-line errors, exit 2"""
    p = raw("boot-linux")
    assert p.returncode == 2 and "missing --kernel" in one_line_error(p), p
    p = raw("boot-linux", "--kernel", ARMHF_ZIMAGE)  # zImage on the AArch64 default machine
    assert p.returncode == 2 and "not an arm64 Image" in one_line_error(p), p
    p = raw("boot-linux", "--machine", "virt-a15", "--kernel", ARM64_IMAGE)
    assert p.returncode == 2 and "not an ARM zImage" in one_line_error(p) and "virt-a53" in one_line_error(p), p
    junk = os.path.join(TMP, "junk.dtb")
    with open(junk, "wb") as f:
        f.write(b"\0" * 64)
    p = raw("boot-linux", "--kernel", ARM64_IMAGE, "--dtb", junk)
    assert p.returncode == 2 and "not a flattened device tree" in one_line_error(p), p
    p = raw("boot-linux", "--kernel", ARM64_IMAGE, "--set", "machine.ram_size=64M")
    # the DTB goes to RAM + size/2 = 0x82000000, inside the ~32 MiB kernel at 0x80000000
    assert p.returncode == 2 and "overlaps the DTB" in one_line_error(p), p
    initrd = package_file("debian-installer-12-netboot-arm64", "/text/debian-installer/arm64/initrd.gz")
    assert os.path.getsize(initrd) > 34 << 20
    p = raw("boot-linux", "--kernel", ARM64_IMAGE, "--initrd", initrd, "--set", "machine.ram_size=72M")
    # 72 MiB: DTB at +36 MiB, initrd at +38 MiB; more than 34 MiB of initrd ends past 72 MiB
    assert p.returncode == 2 and "does not fit" in one_line_error(p), p


# two halves, so that meson runs the two boots on two cores at once
if sys.argv[1:] == ["armhf"]:
    run_tests([test_armhf_decompressor_then_kernel, test_armhf_timer_and_interrupts])
else:
    run_tests([test_arm64_banner_and_memory, test_arm64_mmu_enable_and_kernel_va, test_arm64_timer_and_interrupts,
               test_arm64_tlb_model_counts, test_bad_input])
