#!/usr/bin/env python3
"""armv8-head (seed 000, AArch64) booted by mmuscope on virt-a53, and the same image in QEMU.

Every expected value is derived here: from seed 000's layout (RAM 0x80000000, image at 0x80800000,
30 MiB to 0x82600000, init_pg_dir at 0x82500000), from the ARM ARM (DDI 0487) bit layouts cited
next to each assertion, from Linux's choices the image follows (MAIR indices, SWAPPER_MM_MMUFLAGS),
or from the ELF's own symbols (llvm-nm); nothing is copied from a previous run.
"""
import functools
import os
import re
import shutil
import struct
import subprocess
import tempfile

from harness import FIRMWARE_DIR, LLVM_NM, mmuscope, run_tests, symbols

IMAGE = "armv8-head"
SYMS = symbols("arm64/" + IMAGE)
TMP = tempfile.mkdtemp(prefix="mmuscope-v8-")

# seed 000: the image at PA 0x80800000 runs at VA 0xffff000080800000, so VA - PA is constant
KIMAGE_VADDR = 0xFFFF000080800000
KERNEL_PHYS = 0x80800000
KIMAGE_VOFFSET = KIMAGE_VADDR - KERNEL_PHYS                 # 0xffff000000000000
INIT_PG_DIR = 0x82500000
IMAGE_END = 0x82600000                                       # 0x80800000 + 30 MiB
MB2 = 1 << 21

# user layout of the demonstration (docs/armv8-head.md): one L3 table at L2[2] (0x400000 >> 21 = 2)
USER_TEXT, USER_DATA, USER_KONLY = 0x400000, 0x410000, 0x411000

TRANSLATE = [KIMAGE_VADDR, KERNEL_PHYS + 0x100, 0xFFFF000082400000, 0xFFFF000082600000,
             0xFFFFFFFFFFCFD000, 0xFFFF800008000000]


@functools.lru_cache(maxsize=None)
def disassembly():
    """VA -> instruction text of the ELF (llvm-objdump next to llvm-nm)"""
    objdump = os.path.join(os.path.dirname(LLVM_NM), "llvm-objdump") if os.path.dirname(LLVM_NM) else "llvm-objdump"
    out = subprocess.run([objdump, "-d", "--no-show-raw-insn", os.path.join(FIRMWARE_DIR, "arm64", IMAGE + ".elf")],
                         capture_output=True, text=True, check=True).stdout
    code = {}
    for line in out.splitlines():
        m = re.match(r"\s*([0-9a-f]{16}):\s+(\S.*)$", line)
        if m:
            code[int(m.group(1), 16)] = " ".join(m.group(2).split("//")[0].split())
    return code


def pa(va):
    return va - KIMAGE_VOFFSET


def idx(va, level):
    """VMSAv8-64, 4K granule, 48-bit VA (D8.2): L0 = VA[47:39], L1 = [38:30], L2 = [29:21], L3 = [20:12]"""
    return (va >> (39 - 9 * level)) & 0x1FF


@functools.lru_cache(maxsize=None)
def boot(*extra):
    dump = os.path.join(TMP, "init_pg_dir-%d.bin" % len(extra))
    r = mmuscope("--machine", "virt-a53", *extra,
                 "--translate", ",".join(hex(v) for v in TRANSLATE),
                 "--dump-phys", f"0x{INIT_PG_DIR:x},0x6000,{dump}", IMAGE)
    r.uart = r.stdout.replace("\r", "")
    if os.path.exists(dump):
        with open(dump, "rb") as f:
            r.dump = f.read()
    return r


def uart(r, pattern):
    m = re.search(pattern, r.uart, re.M)
    assert m, f"no line matching {pattern!r} in the UART output:\n{r.uart}"
    return m


def h(m, group=1):
    return int(m.group(group), 16)


# ---- architectural values, bit by bit ------------------------------------------------------

# MAIR_EL1 (D17.2.97): Attr<n> = byte n. Linux 6.x indices: MT_NORMAL 0 = 0xff (Normal inner/outer
# WB RW-allocate), MT_NORMAL_TAGGED 1 = 0xff until MTE is found, MT_NORMAL_NC 2 = 0x44,
# MT_DEVICE_nGnRnE 3 = 0x00, MT_DEVICE_nGnRE 4 = 0x04
MAIR = 0xFF << 0 | 0xFF << 8 | 0x44 << 16 | 0x00 << 24 | 0x04 << 32
assert MAIR == 0x000000040044FFFF


def tcr(parange, asid16):
    """TCR_EL1 (D17.2.131) as __cpu_setup builds it"""
    v = 16                # T0SZ [5:0] = 64 - 48
    v |= 0b01 << 8        # IRGN0: inner WBWA
    v |= 0b01 << 10       # ORGN0: outer WBWA
    v |= 0b11 << 12       # SH0: inner shareable
    v |= 0b00 << 14       # TG0: 4 KiB
    v |= 16 << 16         # T1SZ [21:16]
    v |= 0 << 22          # A1 = 0: the ASID is TTBR0_EL1[63:48]
    v |= 0b01 << 24       # IRGN1
    v |= 0b01 << 26       # ORGN1
    v |= 0b11 << 28       # SH1
    v |= 0b10 << 30       # TG1: 4 KiB (TG1 encodes 4K as 0b10)
    v |= min(parange, 5) << 32   # IPS [34:32] = PARange, at most 48 bits (0b101)
    v |= asid16 << 36     # AS: 16-bit ASIDs
    v |= 1 << 37          # TBI0
    return v


assert tcr(2, 1) == 0x00000032B5103510   # Cortex-A53: PARange 0b0010 (40 bits), ASIDBits 0b0010

# SCTLR_EL1 (D17.2.118): M(0) C(2) SA(3) SA0(4) SED(8) I(12) DZE(14) UCT(15) nTWE(18) UCI(26) and
# the bits that are RES1 in ARMv8.0: 11, 20, 22, 23, 28, 29
SCTLR_ON = sum(1 << b for b in (0, 2, 3, 4, 8, 12, 14, 15, 18, 26, 11, 20, 22, 23, 28, 29))
SCTLR_OFF = sum(1 << b for b in (11, 20, 22, 23, 28, 29))
assert (SCTLR_ON, SCTLR_OFF) == (0x34D4D91D, 0x30D00800)

# ESR_EL1 of the EL0 task's store to the kernel-only page (D17.2.37, ISS for a Data Abort):
#   EC [31:26] = 0b100100 (0x24) Data Abort from a lower Exception level  -> 0x90000000
#   IL [25]    = 1, a 32-bit instruction                                  -> 0x02000000
#   ISV [24]   = 0: no instruction syndrome in ESR_EL1 (only some stage-2 aborts report one, in ESR_EL2)
#   FnV [10] = EA [9] = CM [8] = S1PTW [7] = 0
#   WnR [6]    = 1, a write (STR)                                         -> 0x00000040
#   DFSC [5:0] = 0b0011LL permission fault, LL = 3 (level-3 page)         -> 0x0000000f
ESR_EL0_STORE = 0x24 << 26 | 1 << 25 | 0 << 24 | 1 << 6 | 0b001111
assert ESR_EL0_STORE == 0x9200004F

# Block descriptor of head.S (D8.3.1, stage 1, 4K granule, level 2):
#   [1:0] = 0b01 block, [4:2] AttrIndx = 0 (MT_NORMAL), [7:6] AP = 00 (EL1 RW, EL0 none),
#   [9:8] SH = 0b11 (inner shareable), [10] AF = 1, [11] nG = 0, [47:21] output address,
#   [53] PXN = [54] UXN = 0 (Linux's SWAPPER_MM_MMUFLAGS)
BLOCK_ATTRS = 0b01 | 0 << 2 | 0b00 << 6 | 0b11 << 8 | 1 << 10
assert BLOCK_ATTRS == 0x701
TABLE = 0b11   # [1:0] = 0b11 table descriptor at levels 0-2, next-level table address in [47:12]


def expected_chain(root, vstart, vend):
    """What map_memory writes: {table PA: {index: descriptor}} for L0 at root, L1 at root + 4K,
    L2 at root + 8K, 2 MiB blocks for PA KERNEL_PHYS.. (vend exclusive)"""
    l1, l2 = root + 0x1000, root + 0x2000
    want = {root: {idx(vstart, 0): l1 | TABLE}, l1: {idx(vstart, 1): l2 | TABLE}, l2: {}}
    for i, va in enumerate(range(vstart, vend, MB2)):
        want[l2][idx(va, 2)] = (KERNEL_PHYS + i * MB2) | BLOCK_ATTRS
    return want


# ---- tests ----------------------------------------------------------------------------------

def test_head_report():
    """[head] lines: load address, FDT in x0, init_pg_dir, both maps, MAIR/TCR, TTBRs, SCTLR"""
    r = boot()
    assert r.status == 0, r
    assert h(uart(r, r"^\[head\] primary_entry: running at physical 0x([0-9a-f]{16}), "
                     r"x0 \(FDT\) = 0x([0-9a-f]{16})$")) == KERNEL_PHYS
    # mmuscope puts the DTB at RAM base + half the RAM (emu/config.c): 0x80000000 + 256 MiB / 2
    assert h(uart(r, r"x0 \(FDT\) = 0x([0-9a-f]{16})$")) == 0x88000000
    assert h(uart(r, r"^\[head\] init_kernel_el: EL1h, SCTLR_EL1 = 0x([0-9a-f]{16}) \(MMU off\)$")) == SCTLR_OFF
    m = uart(r, r"^\[head\] __create_page_tables: init_pg_dir 0x([0-9a-f]{16}) - 0x([0-9a-f]{16}) cleared$")
    assert (h(m, 1), h(m, 2)) == (INIT_PG_DIR, INIT_PG_DIR + 6 * 0x1000)
    m = uart(r, r"^\[head\] __create_page_tables: idmap  VA 0x(\w+) - 0x(\w+) -> PA 0x(\w+) \(TTBR0 root 0x(\w+)\)$")
    assert [h(m, i) for i in (1, 2, 3, 4)] == [KERNEL_PHYS, IMAGE_END, KERNEL_PHYS, INIT_PG_DIR]
    m = uart(r, r"^\[head\] __create_page_tables: kernel VA 0x(\w+) - 0x(\w+) -> PA 0x(\w+) \(TTBR1 root 0x(\w+)\)$")
    assert [h(m, i) for i in (1, 2, 3, 4)] == [KIMAGE_VADDR, IMAGE_END + KIMAGE_VOFFSET, KERNEL_PHYS,
                                               INIT_PG_DIR + 0x3000]
    m = uart(r, r"^\[head\] __cpu_setup: MAIR_EL1 = 0x(\w+), TCR_EL1 = 0x(\w+) \(ID_AA64MMFR0_EL1 = 0x(\w+)\)$")
    mmfr0 = h(m, 3)
    # ID_AA64MMFR0_EL1 (D17.2.64): PARange [3:0], ASIDBits [7:4] (0b0010 = 16 bits)
    assert h(m, 1) == MAIR and h(m, 2) == tcr(mmfr0 & 0xF, int((mmfr0 >> 4) & 0xF == 2)), m.group(0)
    m = uart(r, r"^\[head\] __enable_mmu: TTBR0_EL1 = 0x(\w+), TTBR1_EL1 = 0x(\w+), SCTLR_EL1 = 0x(\w+)$")
    assert [h(m, i) for i in (1, 2, 3)] == [INIT_PG_DIR, INIT_PG_DIR + 0x3000, SCTLR_ON]
    assert h(uart(r, r"^\[head\] __primary_switch: MMU on, then br x8 = __primary_switched at 0x(\w+)$")) == \
        SYMS["__primary_switched"]


def test_l0_index_line():
    """the printed L0 index arithmetic: VA[47:39] of 0xffff000080800000 is 0, of the fixmap 511"""
    r = boot()
    # 0xffff000080800000 >> 39: 0xffff0000_80800000 >> 32 = 0xffff0000, >> 7 more = 0x1fffe00
    # (the low word 0x80800000 < 2^39 adds nothing); 0x1fffe00 & 0x1ff = 0
    assert KIMAGE_VADDR >> 39 == 0x1FFFE00 and idx(KIMAGE_VADDR, 0) == 0
    m = uart(r, r"^  kernel 0x([0-9a-f]{16}): \(VA >> 39\) = 0x([0-9a-f]+), & 0x1ff = (\d+) -> TTBR1 L0\[(\d+)\]; "
                r"L1\[(\d+)\] L2\[(\d+)\]$")
    assert (h(m, 1), h(m, 2), int(m.group(3)), int(m.group(4))) == (KIMAGE_VADDR, 0x1FFFE00, 0, 0)
    # VA[38:30] = 0x80800000 >> 30 = 2; VA[29:21] = (0x80800000 >> 21) & 0x1ff = 0x404 & 0x1ff = 4
    assert (int(m.group(5)), int(m.group(6))) == (2, 4)
    uart(r, r"^  seed 000 says TTBR1 L0 entry\[511\]: that needs VA\[47:39\] = 0x1ff, i\.e\. VA >= 0xffffff8000000000")
    # the fixmap: 0xffffffffffe00000 - 260 pages = 0xffffffffffcfc000, VA[47:39] = 0x1ff = 511
    fix = 0xFFFFFFFFFFE00000 - 260 * 0x1000
    m = uart(r, r"^  fixmap 0x([0-9a-f]{16}): \(VA >> 39\) = 0x([0-9a-f]+), & 0x1ff = (\d+) -> L0\[511\]")
    assert (h(m, 1), h(m, 2), int(m.group(3))) == (fix, fix >> 39, 511) and fix >> 39 == 0x1FFFFFF


def test_ttbr_writes_in_idmap():
    """TTBR0 = 0x82500000 and TTBR1 = 0x82503000 written by __enable_mmu (PA in .idmap.text), then SCTLR.M"""
    r = boot()
    ev = r.events
    on = [i for i, e in enumerate(ev) if e["kind"] == "mmu_enable"]
    assert len(on) == 1, on
    before = [e for e in ev[:on[0]] if e["kind"] == "sysreg_write"]
    last = {e["reg"]: e for e in before}
    lo, hi = pa(SYMS["__idmap_text_start"]), pa(SYMS["__idmap_text_end"])
    for reg, want in (("TTBR0_EL1", INIT_PG_DIR), ("TTBR1_EL1", INIT_PG_DIR + 0x3000)):
        e = last[reg]
        assert int(e["value"], 16) == want, e
        assert lo <= int(e["pc"], 16) < hi, (e, hex(lo), hex(hi))
        # __enable_mmu itself: the writes are its 4th and 5th instructions (mrs, ubfx, cmp, b.hi first)
        assert int(e["pc"], 16) - pa(SYMS["__enable_mmu"]) in (4 * 4, 5 * 4), e
    assert int(last["MAIR_EL1"]["value"], 16) == MAIR
    assert int(last["TCR_EL1"]["value"], 16) == tcr(2, 1)
    # before any of it, __cpu_setup drops every TLB entry, before the MMU is on
    tlbi = [e for e in ev[:on[0]] if e["kind"] == "tlb_maintenance"]
    assert [e["op"] for e in tlbi] == ["VMALLE1"], tlbi


def test_mmu_enable_then_high_half():
    """SCTLR_EL1.M = 1 is written at an identity-mapped PC; the first translated fetch is __primary_switched"""
    r = boot()
    ev = r.events
    i_on = next(i for i, e in enumerate(ev) if e["kind"] == "mmu_enable")
    e_on = ev[i_on]
    sctlr = int(e_on["sctlr"], 16)
    assert sctlr == SCTLR_ON and sctlr & 1, e_on
    pc = int(e_on["pc"], 16)
    # an identity-mapped PC: inside the image's physical range (VA == PA there) and in .idmap.text
    assert KERNEL_PHYS <= pc < IMAGE_END and pa(SYMS["__idmap_text_start"]) <= pc < pa(SYMS["__idmap_text_end"])
    sw = [e for e in ev if e["kind"] == "sysreg_write" and e["reg"] == "SCTLR_EL1"]
    assert sw[-1]["pc"] == e_on["pc"], sw
    ft = [(i, e) for i, e in enumerate(ev) if e["kind"] == "first_translated_fetch"]
    assert len(ft) == 1 and ft[0][0] > i_on, ft
    e = ft[0][1]
    va = int(e["va"], 16)
    assert va == SYMS["__primary_switched"] and va >> 48 == 0xFFFF, e
    assert int(e["pa"], 16) == pa(va) and e["mapping"] == "2M-block", e


def test_init_pg_dir_tables():
    """--dump-phys of init_pg_dir: exactly seed 000's descriptors in the six tables, nothing else"""
    r = boot()
    assert len(r.dump) == 0x6000
    tables = {INIT_PG_DIR + 0x1000 * t: struct.unpack_from("<512Q", r.dump, 0x1000 * t) for t in range(6)}
    want = {}
    want.update(expected_chain(INIT_PG_DIR, KERNEL_PHYS, IMAGE_END))              # identity, TTBR0
    want.update(expected_chain(INIT_PG_DIR + 0x3000, KIMAGE_VADDR, KIMAGE_VADDR + IMAGE_END - KERNEL_PHYS))
    # the seed's own numbers, from the indices: L0[0] -> 0x82501000, L1[2] -> 0x82502000,
    # L2[4..18] blocks 0x80800000 .. 0x82400000; the TTBR1 chain 0x82503000 -> 0x82504000 -> 0x82505000
    assert want[0x82500000] == {0: 0x82501003} and want[0x82501000] == {2: 0x82502003}
    assert want[0x82503000] == {0: 0x82504003} and want[0x82504000] == {2: 0x82505003}
    assert sorted(want[0x82502000]) == list(range(4, 19)) == sorted(want[0x82505000])
    assert want[0x82502000][4] == 0x80800701 and want[0x82502000][18] == 0x82400701
    for base, entries in tables.items():
        got = {i: d for i, d in enumerate(entries) if d}
        assert got == want[base], (hex(base), {i: hex(d) for i, d in got.items()})


def test_translate():
    """--translate with the final registers: kernel block, identity 0x80800100, end of image, fixmap, vmalloc"""
    r = boot()
    lines = {l.split(" -> ")[0]: l for l in r.uart.splitlines() if re.match(r"0x[0-9a-f]{16} -> ", l)}

    def t(va):
        return lines[f"0x{va:016x}"]
    # TTBR1 (VA[63:48] all ones): PA = VA - KIMAGE_VOFFSET, in a 2 MiB block, not executable at EL0
    assert t(KIMAGE_VADDR).startswith(f"0x{KIMAGE_VADDR:016x} -> 0x80800000 2M-block el1=rwx el0=--- global")
    # TTBR0 holds init_pg_dir's identity map again (cpu_install_idmap): VA 0x80800100 -> itself
    assert t(KERNEL_PHYS + 0x100).startswith("0x0000000080800100 -> 0x80800100 2M-block el1=rwx")
    # the last block, L2[18]: 0x82400000 - 0x825fffff
    assert t(0xFFFF000082400000).startswith("0xffff000082400000 -> 0x82400000 2M-block")
    # one past _end: L2[(0x82600000 >> 21) & 0x1ff] = L2[19] is empty: translation fault, level 2
    assert t(0xFFFF000082600000) == "0xffff000082600000 -> fault translation level 2"
    # FIX_EARLYCON_MEM_BASE = 259: 0xffffffffffe00000 - 259 * 0x1000 = 0xffffffffffcfd000 -> PL011
    assert re.match(r"0xffffffffffcfd000 -> 0x0*9000000 4K-page el1=rw- el0=--- global asid=\d+ device",
                    t(0xFFFFFFFFFFCFD000)), t(0xFFFFFFFFFFCFD000)
    # vmalloc page 0 is backing page 2 (mapping order 2, 0, 3, 1)
    backing = pa(SYMS["vmalloc_backing"]) + 2 * 0x1000
    assert t(0xFFFF800008000000).startswith(f"0xffff800008000000 -> 0x{backing:08x} 4K-page el1=rw- el0=---")


def test_el0_fault():
    """the EL0 store to the kernel-only page: ESR 0x9200004f, FAR, ELR in the guest's report and in --events"""
    r = boot()
    fault_pc = USER_TEXT + SYMS["el0_fault_insn"] - SYMS["__user_text_start"]
    assert fault_pc == USER_TEXT + 4        # ldr x2, [x0] then the str
    reports = re.findall(r"^el0_sync: ESR_EL1=0x([0-9a-f]{8}) FAR_EL1=0x([0-9a-f]{16}) "
                         r"ELR_EL1=0x([0-9a-f]{16}) SPSR_EL1=0x([0-9a-f]{8})$", r.uart, re.M)
    assert len(reports) == 2, reports       # one EL0 task in mm_a, one in mm_b
    for esr, far, elr, spsr in reports:
        assert int(esr, 16) == ESR_EL0_STORE and int(far, 16) == USER_KONLY and int(elr, 16) == fault_pc
        assert int(spsr, 16) & 0xF == 0     # SPSR_EL1.M[3:0] = 0b0000: EL0t
    assert len(re.findall(r"^  EC=0x24 \(data abort from a lower EL\), IL=1, ISS=0x000004f$", r.uart, re.M)) == 2
    assert len(re.findall(r"WnR=1 \(write\) DFSC=0x0f \(permission fault, level 3\)$", r.uart, re.M)) == 2
    exc = r.of_kind("exception")
    assert len(exc) == 2 and r.stats["exceptions"] == 2, exc
    for e in exc:
        assert e["type"] == "data_abort" and e["el"] == 0 and e["fault"] == "permission", e
        assert int(e["esr"], 16) == ESR_EL0_STORE and int(e["far"], 16) == USER_KONLY, e
        assert int(e["pc"], 16) == fault_pc, e
        # VBAR_EL1 + 0x400: lower EL using AArch64, synchronous (D1.10.2)
        assert int(e["vector"], 16) == SYMS["vectors"] + 0x400, e
    # what the task had loaded before faulting: its own address space's page (mm_a after the remap, mm_b)
    loads = re.findall(r"EL0 task state: x0=0x0*410000 x1=0x0*411000 x2=0x([0-9a-f]{16})", r.uart)
    assert [int(x, 16) >> 48 for x in loads] == [0xA2A2, 0xBBBB], loads


def test_asids_and_tlbi_order():
    """TTBR0 ASID switches and TLBI VMALLE1/VAE1/ASIDE1 in the order the demonstration needs"""
    r = boot()
    pgd = {m.group(1): h(m, 3) for m in re.finditer(r"^mm: (mm_\w) \(ASID (\d)\): pgd at 0x([0-9a-f]{16});",
                                                     r.uart, re.M)}
    assert set(pgd) == {"mm_a", "mm_b", "mm_c"}, pgd
    on = next(i for i, e in enumerate(r.events) if e["kind"] == "mmu_enable")
    seq = []
    for e in r.events[on:]:
        if e["kind"] == "sysreg_write" and e["reg"] in ("TTBR0_EL1", "TTBR1_EL1"):
            seq.append((e["reg"], int(e["value"], 16)))
        elif e["kind"] == "tlb_maintenance":
            seq.append((e["op"], int(e["value"], 16)))
        elif e["kind"] == "exception":
            seq.append(("exception", int(e["far"], 16)))

    def ttbr0(mm, asid):            # TTBR0_EL1: BADDR [47:1], ASID [63:48] (TCR_EL1.A1 = 0)
        return ("TTBR0_EL1", pgd[mm] | asid << 48)
    reserved, swapper = pa(SYMS["reserved_pg_dir"]), pa(SYMS["swapper_pg_dir"])
    # TLBI VAE1 operand: VA[55:12] in [43:0], ASID in [63:48]: 0x410000 >> 12 = 0x410, ASID 1
    vae1 = 0x410 | 1 << 48
    want = [
        ("TTBR1_EL1", reserved), ("VMALLE1", 0), ("TTBR1_EL1", swapper),      # cpu_replace_ttbr1
        ttbr0("mm_a", 1), ttbr0("mm_b", 2), ttbr0("mm_a", 1),                # nG pages, no TLBI
        ("VAE1", vae1),                                                     # break-before-make
        ("exception", USER_KONLY),                                          # EL0 task in mm_a
        ttbr0("mm_b", 2), ("exception", USER_KONLY),                        # EL0 task in mm_b
        ttbr0("mm_a", 1), ("ASIDE1", 2 << 48), ttbr0("mm_c", 2),            # ASID 2 reused
        ("TTBR0_EL1", reserved), ("VMALLE1", 0), ("TTBR0_EL1", INIT_PG_DIR),  # cpu_install_idmap
    ]
    assert seq == want, [(k, hex(v)) for k, v in seq]
    # the barriers around each TLBI executed with the MMU on, read from the ELF at the event's PC
    # (PCs of the identity-mapped idmap_cpu_replace_ttbr1 are physical: + KIMAGE_VOFFSET):
    # the nearest DSB before it is DSB ISHST (the table stores are complete), and it is followed
    # by DSB ISH (the invalidation is complete) and ISB (no instruction fetched with the old state)
    code = disassembly()
    for e in r.events[on:]:
        if e["kind"] != "tlb_maintenance":
            continue
        pc = int(e["pc"], 16)
        pc = pc + KIMAGE_VOFFSET if pc < 1 << 48 else pc
        assert code[pc].startswith("tlbi"), (hex(pc), code[pc])
        before = next(code[pc - 4 * k] for k in range(1, 8) if code[pc - 4 * k].startswith("dsb"))
        assert before == "dsb ishst", (e, before)
        assert (code[pc + 4], code[pc + 8]) == ("dsb ish", "isb"), (e, code[pc + 4], code[pc + 8])
    # the reads per ASID the guest checked itself: page_a, page_b, page_a, page_a2 (after VAE1),
    # page_a again through ASID 2 reused for mm_c (after ASIDE1)
    reads = re.findall(r"^  read 0x0*410000 = 0x([0-9a-f]{16}) .* = (page_\w+) (OK|MISMATCH)$", r.uart, re.M)
    assert [(int(v, 16) >> 48, n, ok) for v, n, ok in reads] == [
        (0xAAAA, "page_a", "OK"), (0xBBBB, "page_b", "OK"), (0xAAAA, "page_a", "OK"),
        (0xA2A2, "page_a2", "OK"), (0xAAAA, "page_a", "OK")], reads
    # mmuscope's TLB model saw no stale entry used and no cached-permission mismatch
    assert not r.of_kind("stale_tlb_hit") and not r.of_kind("tlb_permission_fault"), r.stats["events"]


def test_end_state_and_psci():
    """11/11 guest checks, PSCI SYSTEM_OFF over hvc (the DTB's /psci method), exit status 0"""
    r = boot()
    assert r.status == 0 and r.stats["exit_reason"] == "poweroff", r
    uart(r, r"^armv8-head: 11/11 checks passed$")
    uart(r, r"^DTB: /psci method \"hvc\"$")
    uart(r, r"^PSCI: SYSTEM_OFF \(function 0x84000008\) via hvc #0$")
    assert r.events[-1]["kind"] == "psci" and r.events[-1]["function"] == "SYSTEM_OFF", r.events[-1]
    assert r.events[-1]["conduit"] == "hvc"
    assert not r.of_kind("bus_error") and not r.of_kind("error"), r.stats["events"]
    for kind, n in r.stats["events"].items():
        assert n == len(r.of_kind(kind)), (kind, n)
    m = uart(r, r"^cpu_install_idmap: AT S1E1R 0x0*80800100: PAR_EL1 0x([0-9a-f]{16}), PA 0x([0-9a-f]{16})$")
    # PAR_EL1 (D17.2.112): F = bit 0 = 0, PA[47:12] = 0x80800, ATTR [63:56] = MAIR Attr0 = 0xff
    assert h(m) & 1 == 0 and h(m) & 0x0000FFFFFFFFF000 == KERNEL_PHYS and h(m) >> 56 == 0xFF
    assert h(m, 2) == KERNEL_PHYS + 0x100


def test_smc_conduit():
    """with psci.conduit=smc the DTB says "smc" and the guest powers off with SMC"""
    r = boot("--set", "psci.conduit=smc")
    assert r.status == 0, r
    uart(r, r"^DTB: /psci method \"smc\"$")
    uart(r, r"^PSCI: SYSTEM_OFF \(function 0x84000008\) via smc #0$")
    assert r.events[-1]["kind"] == "psci" and r.events[-1]["conduit"] == "smc"


def test_cortex_a72_ips():
    """cortex-a72: TCR_EL1.IPS follows its ID_AA64MMFR0_EL1.PARange (not a fixed value)"""
    r = boot("--set", "machine.cpu=cortex-a72")
    assert r.status == 0, r
    m = uart(r, r"^\[head\] __cpu_setup: MAIR_EL1 = 0x(\w+), TCR_EL1 = 0x(\w+) \(ID_AA64MMFR0_EL1 = 0x(\w+)\)$")
    mmfr0 = h(m, 3)
    assert mmfr0 & 0xF != 2, hex(mmfr0)     # a different PARange than the A53's, or this proves nothing
    assert h(m, 2) == tcr(mmfr0 & 0xF, int((mmfr0 >> 4) & 0xF == 2))
    uart(r, r"^armv8-head: 11/11 checks passed$")


def test_cortex_a57_boots():
    """cortex-a57 (configs/cores/cortex-a57.ini): Unicorn's A57 has PARange 0b0100 (44 bits, the
    A57 TRM's ID_AA64MMFR0_EL1 reset value 0x00001124), so TCR_EL1.IPS = 4; the boot passes"""
    r = boot("--set", "machine.cpu=cortex-a57")
    assert r.status == 0, r
    m = uart(r, r"^\[head\] __cpu_setup: MAIR_EL1 = 0x(\w+), TCR_EL1 = 0x(\w+) \(ID_AA64MMFR0_EL1 = 0x(\w+)\)$")
    assert h(m, 3) & 0xF == 4, hex(h(m, 3))
    assert (h(m, 2) >> 32) & 7 == 4, hex(h(m, 2))
    uart(r, r"^armv8-head: 11/11 checks passed$")


def test_stop_at():
    """--stop-at PC ends the run (exit 0, exit_reason stop_at) before the first execution of PC: at
    the MSR TTBR0_EL1 of switch_mm (found in the full run's events, inside the ELF's switch_mm) the
    count is that event's instruction number minus one, and nothing after it was observed"""
    full = boot()
    ev = next(e for e in full.events if e["kind"] == "sysreg_write" and e["reg"] == "TTBR0_EL1"
              and int(e["pc"], 16) >= 0xffff000000000000)
    pc = int(ev["pc"], 16)
    assert SYMS["switch_mm"] <= pc < SYMS["check_user_data"], hex(pc)
    r = mmuscope("--machine", "virt-a53", "--stop-at", hex(pc), IMAGE)
    assert r.status == 0 and r.stats["exit_reason"] == "stop_at", r
    assert r.stats["instructions"] == ev["insn"] - 1, (r.stats["instructions"], ev["insn"])
    assert all(e["insn"] < ev["insn"] for e in r.events), r.events[-1]
    assert f"reached --stop-at pc {hex(pc)} (not executed)" in r.stderr, r.stderr
    bad = mmuscope("--machine", "virt-a53", "--stop-at", "switch_mm", IMAGE)
    assert bad.status == 2 and "--stop-at: limits.stop_at: 'switch_mm' is not a number" in bad.stderr, bad.stderr


def test_wrong_load_address():
    """loaded at 0x40800000 (RAM at 0x40000000) the image refuses, before touching any table"""
    r = mmuscope("--machine", "virt-a53", "--set", "machine.ram_base=0x40000000", IMAGE)
    r.uart = r.stdout.replace("\r", "")
    assert r.status == 0, r
    uart(r, r"^\[head\] ERROR: loaded at physical 0x0000000040800000, but seed 000's tables need "
            r"0x0000000080800000 \(QEMU: use armv8-head-qemu\.bin\); PSCI SYSTEM_OFF via hvc #0$")
    assert not r.of_kind("mmu_enable") and not r.of_kind("tlb_maintenance"), r.stats["events"]


def test_elf_boots_like_bin():
    """the ELF (loaded by p_paddr, entered at its physical e_entry) prints what the Image prints"""
    r = mmuscope("--machine", "virt-a53", os.path.join(FIRMWARE_DIR, "arm64", IMAGE + ".elf"))
    assert r.status == 0, r
    assert r.stdout.replace("\r", "") == boot().uart.split("\n0xffff000080800000 -> ")[0] + "\n"


def test_same_report_as_qemu():
    """QEMU 7.2 runs armv8-head-qemu.bin: same report line for line but the size of QEMU's DTB"""
    qemu = shutil.which("qemu-system-aarch64")
    assert qemu, "qemu-system-aarch64 is needed (Debian package qemu-system-arm)"
    img = os.path.join(FIRMWARE_DIR, "arm64", "armv8-head-qemu.bin")
    q = subprocess.run([qemu, "-M", "virt", "-cpu", "cortex-a53", "-m", "2G", "-nographic", "-monitor", "none",
                        "-kernel", img], capture_output=True, text=True, timeout=120, errors="replace")
    assert q.returncode == 0, q.stderr
    lq = q.stdout.replace("\r", "").splitlines()
    # QEMU's virt board: RAM 0x40000000, 2 GiB; it puts the DTB after image_size: 0x82600000
    m = mmuscope("--machine", "virt-a53", "--set", "machine.ram_base=0x40000000", "--set", "machine.ram_size=2G",
                 "--set", "machine.dtb_addr=0x82600000", img)
    assert m.status == 0, m
    lm = m.stdout.replace("\r", "").splitlines()
    assert len(lm) == len(lq) > 100, (len(lm), len(lq))
    diff = [(a, b) for a, b in zip(lm, lq) if a != b]
    # QEMU pads its DTB to 1 MiB (totalsize 1048576, 256 fixmap pages); mmuscope's is a few hundred bytes
    assert len(diff) == 2, diff
    assert diff[0][0].startswith("DTB: at phys 0x0000000082600000") and "totalsize 1048576" in diff[0][1], diff
    assert "L3[254] = 0x0060000082600783" in diff[1][0] and "L3[254..509]" in diff[1][1], diff
    assert "armv8-head: 11/11 checks passed" in lq


run_tests([test_head_report, test_l0_index_line, test_ttbr_writes_in_idmap, test_mmu_enable_then_high_half,
           test_init_pg_dir_tables, test_translate, test_el0_fault, test_asids_and_tlbi_order,
           test_end_state_and_psci, test_smc_conduit, test_cortex_a72_ips, test_cortex_a57_boots, test_stop_at, test_wrong_load_address,
           test_elf_boots_like_bin, test_same_report_as_qemu])
