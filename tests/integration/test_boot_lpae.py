#!/usr/bin/env python3
"""armv7-lpae-head (and armv7-lpae-fault): Linux's LPAE boot path, 3-level long descriptors.

Booted by mmuscope on cortex-a15 (virt-a15) and cortex-a7 (virt-a7) at PHYS_OFFSET 0x80000000
and 0x40000000, once at 0xd0000000 (PHYS_OFFSET > PAGE_OFFSET, where Linux gives up the TTBR
split), and on cortex-a9 (virt-a9, no LPAE). Every expected value is computed here from the load
address, the ELF's symbols (llvm-nm) and the ARM ARM / Linux rules written in the comments;
nothing is copied from a previous run.
"""
import functools
import os
import re
import struct
import tempfile

from harness import mmuscope, run_tests, symbols

PAGE_OFFSET = 0xC0000000
TEXT_OFFSET = 0x8000
# head.S with CONFIG_ARM_LPAE: PG_DIR_SIZE = 0x5000 = 1 page of PGD (4 x 8-byte entries) + 4 PMD
# pages; swapper_pg_dir = KERNEL_RAM_VADDR - PG_DIR_SIZE = 0xC0008000 - 0x5000 = 0xC0003000.
PG_DIR_SIZE = 0x5000
SWAPPER_OFF = TEXT_OFFSET - PG_DIR_SIZE                     # 0x3000
assert SWAPPER_OFF == 0x3000
SECTION_SHIFT = 21                                          # 2 MiB blocks at level 2
SYMS = symbols("armv7-lpae-head")
FSYMS = symbols("armv7-lpae-fault")
TMP = tempfile.mkdtemp(prefix="mmuscope-lpae-")

# ---- descriptor bits, ARM ARM B3.6.1/B3.6.2 (long-descriptor format) ----
TYPE_TABLE = 0b11          # level 1/2 table (and level 3 page)
TYPE_BLOCK = 0b01          # level 1/2 block
ATTRINDX = lambda n: n << 2  # noqa: E731  MAIR byte n (bits 4:2)
AP_RDONLY = 1 << 7         # AP[2]
AP_USER = 1 << 6           # AP[1]
SH_INNER = 0b11 << 8       # SH[1:0] = 11 inner shareable
AF = 1 << 10
NG = 1 << 11
XN = 1 << 54
L_PGD_SWAPPER = 1 << 55    # Linux pgtable-3level.h: software bit (58:55 are ignored by the walker)
# Linux proc-v7.S mm_mmuflags with LPAE: PMD_TYPE_SECT | PMD_SECT_AF | PMD_SECT_WBWA (AttrIndx 7)
# | PMD_SECT_S; AP[2:1] = 00 (PL1 read/write, PL0 none), nG = 0:
MM_MMUFLAGS = TYPE_BLOCK | ATTRINDX(7) | SH_INNER | AF
assert MM_MMUFLAGS == 0x71D                                  # 1 + 0x1c + 0x300 + 0x400
# io_mmuflags (SECT | AF) + AttrIndx 4 (MAIR1 byte 0 = 0x04, Device) + XN, as head.S's DEBUG_LL map
UART_BLOCK = 0x09000000 | TYPE_BLOCK | ATTRINDX(4) | AF | XN
assert UART_BLOCK == 0x0040000009000411
UART_VIRT = 0xF9000000

# ---- TTBCR (B4.1.153, EAE = 1 form), derived by hand ----
# T0SZ = 0: TTBR0 covers what TTBR1 does not. T1SZ: TTBR1 must translate exactly the kernel's
# 1 GiB 0xC0000000-0xFFFFFFFF = 2^30 bytes = 2^(32 - T1SZ) -> T1SZ = 2 (Linux: TTBR1_SIZE =
# ((PAGE_OFFSET >> 30) - 1) << 16 = (3 - 1) << 16). Walk attributes (Linux TTB_FLAGS_SMP) for both
# halves: IRGN = 01 (inner WBWA), ORGN = 01 (outer WBWA), SH = 11 (inner shareable).
#   EAE[31]=1  SH1[29:28]=11 ORGN1[27:26]=01 IRGN1[25:24]=01  T1SZ[18:16]=010
#   SH0[13:12]=11 ORGN0[11:10]=01 IRGN0[9:8]=01  T0SZ[2:0]=000
TTBCR = (1 << 31) | (3 << 28) | (1 << 26) | (1 << 24) | (2 << 16) | (3 << 12) | (1 << 10) | (1 << 8)
assert TTBCR == 0xB5023500
TTBCR_NOSPLIT = TTBCR & ~(7 << 16)                          # T1SZ = 0 when PHYS_OFFSET > PAGE_OFFSET
# ---- MAIR0/MAIR1 (B4.1.104), Linux's memory types by AttrIndx (pgtable-3level.h) ----
# attribute byte = outer[7:4] inner[3:0]: 0000 0000 strongly ordered; 0100 normal non-cacheable;
# 1010 write-through read-allocate; 1110 write-back read-allocate; 1111 write-back read+write
# allocate; 0000 0100 Device.
MAIR_BYTES = [0x00,   # 0 UNCACHED (strongly ordered)
              0x44,   # 1 BUFFERABLE (normal, inner/outer non-cacheable)
              0xAA,   # 2 WRITETHROUGH
              0xEE,   # 3 WRITEBACK
              0x04,   # 4 DEV_SHARED (Device)
              0x00,   # 5 unused
              0x00,   # 6 unused
              0xFF]   # 7 WRITEALLOC
MAIR0 = sum(b << (8 * i) for i, b in enumerate(MAIR_BYTES[:4]))
MAIR1 = sum(b << (8 * i) for i, b in enumerate(MAIR_BYTES[4:]))
assert (MAIR0, MAIR1) == (0xEEAA4400, 0xFF000004)
# v7_crval of proc-v7-3level.S: clear 0x0122c302; mmuset 0x30c03c7d, the image leaves out V (bit 13)
CR_CLEAR, CR_SET = 0x0122C302, 0x30C01C7D


def pa(base, va):
    """__virt_to_phys for a kernel loaded at PHYS_OFFSET = base."""
    return (va - PAGE_OFFSET + base) & 0xFFFFFFFF


def ttbr1_for(base):
    """Linux v7_ttb_setup: with PHYS_OFFSET <= PAGE_OFFSET, TTBR1 = swapper_pg_dir + TTBR1_OFFSET
    = 4096 * (1 + 3) (skip the PGD page and the PMDs of the low 3 GiB: the PMD of the top GiB,
    where a T1SZ = 2 walk starts, at level 2); otherwise TTBR1 = swapper_pg_dir, T1SZ = 0."""
    swapper = base + SWAPPER_OFF
    return swapper + 0x4000 if base <= PAGE_OFFSET else swapper


@functools.lru_cache(maxsize=None)
def boot(machine, base, image="armv7-lpae-head"):
    syms = SYMS if image == "armv7-lpae-head" else FSYMS
    tag = f"{image}-{machine}-{base:08x}"
    swp, tbl = os.path.join(TMP, tag + "-swapper.bin"), os.path.join(TMP, tag + "-second.bin")
    start = syms["second_pg_dir"]
    r = mmuscope("--machine", machine, "--set", f"machine.ram_base=0x{base:08x}",
                 "--translate", ",".join(hex(v) for v in (
                     0xC0008000, pa(base, syms["__idmap_text_start"]), 0xB0000000, 0xF0000000,
                     0xFFFF0000, UART_VIRT)),
                 "--dump-phys", f"0x{base + SWAPPER_OFF:x},0x{PG_DIR_SIZE:x},{swp}",
                 "--dump-phys", f"0x{pa(base, start):x},0x{syms['_end'] - start:x},{tbl}",
                 image)
    for attr, path in (("swapper", swp), ("second", tbl)):
        with open(path, "rb") as f:
            data = f.read()
        setattr(r, attr, list(struct.unpack(f"<{len(data) // 8}Q", data[:len(data) // 8 * 8])))
    r.second_va = start
    r.syms = syms
    return r


def uart(r, pattern):
    m = re.search(pattern, r.stdout, re.M)
    assert m, f"no line matching {pattern!r} in the UART output:\n{r.stdout}"
    return m


def dtb_of(r):
    m = uart(r, r"^\[head\] __vet_atags: DTB magic 0xd00dfeed at 0x([0-9a-f]{8}), totalsize (\d+)$")
    return int(m.group(1), 16), int(m.group(2))


def check_uart(machine, base):
    r = boot(machine, base)
    assert r.status == 0, r
    assert int(uart(r, r"^\[head\] stext: running at physical 0x([0-9a-f]{8})$").group(1), 16) == \
        base + TEXT_OFFSET
    assert int(uart(r, r"^\[head\] PHYS_OFFSET discovered: 0x([0-9a-f]{8})$").group(1), 16) == base
    nsites = (SYMS["__pv_table_end"] - SYMS["__pv_table_begin"]) // 4
    m = uart(r, r"^\[head\] __fixup_pv_table: patched (\d+) P2V sites "
                r"\(PHYS_OFFSET - PAGE_OFFSET = 0x([0-9a-f]{8})\)$")
    assert int(m.group(1)) == nsites and int(m.group(2), 16) == (base - PAGE_OFFSET) & 0xFFFFFFFF
    # swapper_pg_dir = PHYS_OFFSET + TEXT_OFFSET - 0x5000 = PHYS_OFFSET + 0x3000
    uart(r, rf"^\[head\] __create_page_tables: LPAE, swapper_pg_dir at 0x{base + 0x3000:08x}, "
            r"PG_DIR_SIZE 0x5000$")
    # pgd[3] -> the 4th PMD page (+0x1000 * 4) | table | L_PGD_SWAPPER; PMD entry 0xc0000000 >> 21
    # = 0x600 maps PHYS_OFFSET with mm_mmuflags
    uart(r, rf"^\[head\] __create_page_tables: pgd\[3\] = 0x{(base + 0x7000) | 3 | L_PGD_SWAPPER:016x}, "
            rf"pmd\[0x600\] \(0xc0000000\) = 0x{base | MM_MMUFLAGS:016x}$")
    uart(r, rf"^\[head\] __v7_setup: LPAE TTBCR=0x{TTBCR:08x} TTBR1=0x{ttbr1_for(base):08x} "
            rf"MAIR0=0x{MAIR0:08x} MAIR1=0x{MAIR1:08x}$")
    sctlr = int(uart(r, r"^\[head\] __turn_mmu_on: SCTLR=0x([0-9a-f]{8}), enabling MMU").group(1), 16)
    assert sctlr & CR_SET == CR_SET and sctlr & CR_CLEAR == 0, hex(sctlr)
    va = int(uart(r, r"^\[mmu\] __mmap_switched: MMU on, start_kernel running at virtual "
                     r"0x([0-9a-f]{8})$").group(1), 16)
    assert va >> 24 == 0xC0, hex(va)
    uart(r, r"^Booting mmuscope armv7-lpae-head on physical CPU 0x0$")
    # __pv_offset is 64-bit with LPAE: PHYS_OFFSET - PAGE_OFFSET sign-extended (negative here)
    uart(r, rf"^PHYS_OFFSET: 0x{base:08x} \(__pv_phys_pfn_offset=0x{base >> 12:05x}, "
            rf"__pv_offset=0x{(base - PAGE_OFFSET) & (2**64 - 1):016x}\)$")
    uart(r, rf"^MMU: LPAE, long-descriptor tables \(ID_MMFR0=0x[0-9a-f]{{8}}, VMSA=5\), "
            rf"TTBCR=0x{TTBCR:08x} EAE=1 T0SZ=0 T1SZ=2$")
    # lowmem: the DTB's 256 MiB at PHYS_OFFSET, seen at PAGE_OFFSET
    uart(r, r"^\s+lowmem\s+: 0xc0000000 - 0xd0000000\s+\( 256 MB\)$")
    # switch_mm: TTBR0 = second PGD | ASID 1 << 48; TTBR1 = the second PMD of the top GiB
    ttbr0 = pa(base, SYMS["second_pg_dir"]) | 1 << 48
    ttbr1 = pa(base, SYMS["second_pmd"] + 3 * 0x1000)
    uart(r, rf"^switch_mm: TTBR0=0x{ttbr0:016x} \(ASID 1 in TTBR0\[55:48\]\) TTBR1=0x{ttbr1:016x} "
            rf"TTBCR=0x{TTBCR:08x} CONTEXTIDR=0x00000000$")
    uart(r, r"^vmalloc proof: PASS \(4/4 pages, mapping order 2,0,3,1, ASID 1\)$")
    uart(r, r"^PSCI: SYSTEM_OFF \(function 0x84000008\) via hvc #0$")
    assert r.stats["exit_reason"] == "poweroff", r.stats


def test_uart_a15_80000000():
    """virt-a15 at 0x80000000: report lines (LPAE swapper, TTBCR/TTBR1/MAIR, switch_mm, proof)"""
    check_uart("virt-a15", 0x80000000)


def test_uart_a15_40000000():
    """virt-a15 at 0x40000000 (QEMU virt's RAM base): the same with the new PHYS_OFFSET"""
    check_uart("virt-a15", 0x40000000)


def test_uart_a7_80000000():
    """virt-a7 at 0x80000000: cortex-a7 boots the LPAE image the same way"""
    check_uart("virt-a7", 0x80000000)
    uart(boot("virt-a7", 0x80000000), r"^CPU: ARMv7 Processor \[410fc07\d\]")  # A7 MIDR part 0xc07


def test_uart_a7_40000000():
    """virt-a7 at 0x40000000"""
    check_uart("virt-a7", 0x40000000)


def check_events(machine, base):
    r = boot(machine, base)
    ev = r.events
    on = [i for i, e in enumerate(ev) if e["kind"] == "mmu_enable"]
    assert len(on) == 1, on
    on = on[0]
    writes = [(i, e) for i, e in enumerate(ev) if e["kind"] == "sysreg_write"]
    before = [(i, e) for i, e in writes if i < on]
    by = {}
    for i, e in before:
        by.setdefault(e["reg"], []).append((i, e))
    # TTBCR with EAE = 1 and T1SZ = 2 (derived above), written once before the MMU goes on
    assert [int(e["value"], 16) for _, e in by["TTBCR"]] == [TTBCR], by.get("TTBCR")
    i_ttbcr = by["TTBCR"][0][0]
    # TTBR1 and TTBR0 are 64-bit MCRR writes: 16 hex digits, ASID 0 in [55:48]
    (i_t1, t1), = by["TTBR1"]
    (i_t0, t0), = by["TTBR0"]
    assert t1["value"] == f"0x{ttbr1_for(base):016x}" and t1["asm"].startswith("mcrr"), t1
    # TTBR0 = swapper_pg_dir = PHYS_OFFSET + 0x3000, nothing else (walk attributes are in TTBCR)
    assert t0["value"] == f"0x{base + 0x3000:016x}" and t0["asm"].startswith("mcrr"), t0
    # MAIR0/MAIR1 share PRRR/NMRR's encoding (c10, c2, 0/1); they are MAIRs once TTBCR.EAE = 1,
    # so they must be written after the TTBCR write; mmuscope names them by TTBCR.EAE.
    (i_m0, m0), = by["MAIR0"]
    (i_m1, m1), = by["MAIR1"]
    assert "PRRR" not in by and "NMRR" not in by, by
    assert int(m0["value"], 16) == MAIR0 and int(m1["value"], 16) == MAIR1, (m0, m1)
    assert i_ttbcr < i_m0 and i_ttbcr < i_m1 and i_t1 < i_t0 < on
    assert "DACR" not in by, by["DACR"]   # no domains with LPAE: __enable_mmu does not load DACR
    # SCTLR.M = 1, set inside .idmap.text at its physical address
    e_on = ev[on]
    pc = int(e_on["pc"], 16)
    assert pa(base, SYMS["__idmap_text_start"]) <= pc < pa(base, SYMS["__idmap_text_end"]), e_on
    sctlr = [e for _, e in writes if e["reg"] == "SCTLR"]
    assert sctlr[0]["pc"] == e_on["pc"] and int(sctlr[0]["value"], 16) & 1, sctlr
    # first translated fetch: __mmap_switched through a 2 MiB block
    ft, = r.of_kind("first_translated_fetch")
    assert int(ft["va"], 16) == SYMS["__mmap_switched"] and ft["mapping"] == "2M-block", ft
    assert int(ft["pa"], 16) == pa(base, SYMS["__mmap_switched"]), ft
    # switch_mm: TTBR1 -> second PMD 3, then TTBR0 = second PGD | ASID 1 << 48 (not CONTEXTIDR),
    # then TLBIALL
    after = [(i, e) for i, e in writes if i > on]
    t1a = [(i, e) for i, e in after if e["reg"] == "TTBR1"]
    t0a = [(i, e) for i, e in after if e["reg"] == "TTBR0"]
    assert [e["value"] for _, e in t1a] == [f"0x{pa(base, SYMS['second_pmd'] + 0x3000):016x}"], t1a
    assert [e["value"] for _, e in t0a] == [f"0x{1 << 48 | pa(base, SYMS['second_pg_dir']):016x}"], t0a
    assert t1a[0][0] < t0a[0][0]
    assert not [e for _, e in after if e["reg"] == "CONTEXTIDR"]
    tlbi = [i for i, e in enumerate(ev) if e["kind"] == "tlb_maintenance" and i > t0a[0][0]]
    assert tlbi and ev[tlbi[0]]["op"] == "TLBIALL"
    assert ev[-1]["kind"] == "psci" and ev[-1]["function"] == "SYSTEM_OFF"


def test_events_a15_80000000():
    """virt-a15 at 0x80000000: TTBCR/TTBR1/MAIR0/MAIR1/TTBR0 (MCRR) writes, SCTLR.M in idmap"""
    check_events("virt-a15", 0x80000000)


def test_events_a15_40000000():
    """virt-a15 at 0x40000000: the same writes with the new PHYS_OFFSET"""
    check_events("virt-a15", 0x40000000)


def test_events_a7_80000000():
    """virt-a7 at 0x80000000: the same writes on cortex-a7"""
    check_events("virt-a7", 0x80000000)


def test_events_a7_40000000():
    """virt-a7 at 0x40000000"""
    check_events("virt-a7", 0x40000000)


def expected_swapper(r, base):
    """The 0x5000 bytes of swapper_pg_dir as 64-bit entries: index -> value (others zero)."""
    want = {}
    # PGD (entries 0..3): table descriptors to the 4 PMD pages at +0x1000 * (i + 1), with
    # L_PGD_SWAPPER; the rest of the PGD page stays zero
    for i in range(4):
        want[i] = (base + SWAPPER_OFF + 0x1000 * (i + 1)) | TYPE_TABLE | L_PGD_SWAPPER
    pmd0 = 0x1000 // 8            # the PMDs, one 2048-entry array indexed by VA >> 21

    def block(va, pa_):
        want[pmd0 + (va >> SECTION_SHIFT)] = (pa_ & ~((1 << SECTION_SHIFT) - 1)) | MM_MMUFLAGS
    # identity block of .idmap.text (VA == PA)
    idpa = pa(base, SYMS["__idmap_text_start"])
    block(idpa, idpa)
    # the kernel: PAGE_OFFSET.. -> PHYS_OFFSET.. up to _end - 1, 2 MiB at a time
    for va in range(PAGE_OFFSET, SYMS["_end"], 1 << SECTION_SHIFT):
        block(va, pa(base, va))
    # the DTB at its lowmem address: the block holding it and the next if it crosses (at most 2)
    dtb, size = dtb_of(r)
    first, last = dtb >> SECTION_SHIFT, (dtb + size - 1) >> SECTION_SHIFT
    for s in range(first, min(last, first + 1) + 1):
        block((s << SECTION_SHIFT) - base + PAGE_OFFSET, s << SECTION_SHIFT)
    # the UART at 0xf9000000: Device, XN
    want[pmd0 + (UART_VIRT >> SECTION_SHIFT)] = UART_BLOCK
    return want


def check_swapper(machine, base):
    r = boot(machine, base)
    want = expected_swapper(r, base)
    got = {i: v for i, v in enumerate(r.swapper) if v}
    assert len(r.swapper) == PG_DIR_SIZE // 8
    assert got == want, {i: (hex(got.get(i, 0)), hex(want.get(i, 0)))
                         for i in set(got) | set(want) if got.get(i) != want.get(i)}
    # concretely for the kernel's block: PMD 3 entry 0 (0xc0000000 >> 21 = 0x600, minus 3 * 512)
    assert r.swapper[0x1000 // 8 + 0x600] == base | 0x71D


def test_swapper_a15_80000000():
    """--dump-phys of swapper_pg_dir at 0x80003000: PGD -> 4 PMDs, blocks for idmap/kernel/DTB/UART"""
    check_swapper("virt-a15", 0x80000000)


def test_swapper_a15_40000000():
    """--dump-phys of swapper_pg_dir at 0x40003000: exactly the expected descriptors"""
    check_swapper("virt-a15", 0x40000000)


def test_swapper_a7_40000000():
    """--dump-phys of swapper_pg_dir on cortex-a7 at 0x40003000"""
    check_swapper("virt-a7", 0x40000000)


def test_second_tables_a15_80000000():
    """paging_init's LPAE tables: new PGD, 4 PMDs, level-3 tables for vmalloc and the vectors page"""
    base = 0x80000000
    r = boot("virt-a15", base)
    va0 = r.second_va

    def entry(va):
        return r.second[(va - va0) // 8]
    # PGD: 4 table descriptors to the 4 new PMD pages (no software bit this time)
    for i in range(4):
        assert entry(SYMS["second_pg_dir"] + 8 * i) == pa(base, SYMS["second_pmd"] + 0x1000 * i) | 3
    pmd = SYMS["second_pmd"]
    seen = set()

    def want_pmd(va, value):
        addr = pmd + 8 * (va >> SECTION_SHIFT)
        seen.add(addr)
        assert entry(addr) == value, (hex(va), hex(entry(addr)), hex(value))
    for i in range(128):    # lowmem: 256 MiB / 2 MiB = 128 blocks
        want_pmd(PAGE_OFFSET + (i << SECTION_SHIFT), (base + (i << SECTION_SHIFT)) | MM_MMUFLAGS)
    idpa = pa(base, SYMS["__idmap_text_start"]) & ~((1 << SECTION_SHIFT) - 1)
    want_pmd(idpa, idpa | MM_MMUFLAGS)
    want_pmd(UART_VIRT, UART_BLOCK)
    want_pmd(0xF0000000, pa(base, SYMS["vmalloc_pte"]) | TYPE_TABLE)
    want_pmd(0xFFFF0000, pa(base, SYMS["vectors_pte"]) | TYPE_TABLE)
    for a in range(pmd, pmd + 4 * 0x1000, 8):
        if a not in seen:
            assert entry(a) == 0, hex(a)
    # vmalloc ptes: page i -> backing page order[i]; page | AttrIndx 7 | SH | AF | nG | XN
    kernel_ng = TYPE_TABLE | ATTRINDX(7) | SH_INNER | AF | NG | XN   # 0b11 = page at level 3
    assert kernel_ng == 0x0040000000000F1F
    for i, k in enumerate((2, 0, 3, 1)):
        assert entry(SYMS["vmalloc_pte"] + 8 * i) == \
            pa(base, SYMS["vmalloc_backing"] + 0x1000 * k) | kernel_ng
    # vectors page: (0xffff0000 >> 12) & 511 = 0x1f0; AP[2:1] = 11 (RO at PL1 and PL0), global
    vec = TYPE_TABLE | ATTRINDX(7) | AP_USER | AP_RDONLY | SH_INNER | AF
    assert vec == 0x7DF
    assert entry(SYMS["vectors_pte"] + 8 * 0x1F0) == pa(base, SYMS["vectors_page"]) | vec


def check_translate(machine, base):
    r = boot(machine, base)
    lines = [l for l in r.stdout.splitlines() if l.startswith("0x") and " -> " in l]
    idpa = pa(base, SYMS["__idmap_text_start"])
    # after switch_mm: ASID 1 (TTBR0[55:48], TTBCR.A1 = 0); AttrIndx 7 = MAIR 0xff = normal
    # write-back read/write-allocate inner and outer; SH 11; AP 00 + XN 0 + PXN 0 = PL1 rwx.
    normal = "el1=rwx el0=--- global asid=1 normal-wb-rwa/wb-rwa shared-inner"
    want = {
        0xC0008000: f"0xc0008000 -> 0x{base + 0x8000:08x} 2M-block {normal}",
        idpa: f"0x{idpa:08x} -> 0x{idpa:08x} 2M-block {normal}",
        # VA < 0xc0000000 -> TTBR0; its PGD entry 2 points at a PMD whose entry
        # (0xb0000000 >> 21) & 511 = 0x180 is invalid -> translation fault at level 2
        0xB0000000: "0xb0000000 -> fault translation level 2",
        # vmalloc page 0 -> backing page 2, level 3, nG, XN (el1 rw-)
        0xF0000000: f"0xf0000000 -> 0x{pa(base, SYMS['vmalloc_backing'] + 0x2000):08x} 4K-page "
                    "el1=rw- el0=--- ng asid=1 normal-wb-rwa/wb-rwa shared-inner",
        # the vectors page: AP[2:1] = 11, executable
        0xFFFF0000: f"0xffff0000 -> 0x{pa(base, SYMS['vectors_page']):08x} 4K-page "
                    "el1=r-x el0=r-x global asid=1 normal-wb-rwa/wb-rwa shared-inner",
        # MAIR byte 0x04 = Device-nGnRE; XN
        UART_VIRT: "0xf9000000 -> 0x09000000 2M-block el1=rw- el0=--- global asid=1 device-nGnRE",
    }
    for va, line in want.items():
        got = [l for l in lines if l.startswith(f"0x{va:08x} ")]
        assert got == [line], (hex(va), got, line)


def test_translate_a15_80000000():
    """--translate at 0x80000000: kernel VA, identity VA, unmapped VA (level 2), vmalloc, vectors"""
    check_translate("virt-a15", 0x80000000)


def test_translate_a15_40000000():
    """--translate at 0x40000000: the same answers moved by the new PHYS_OFFSET"""
    check_translate("virt-a15", 0x40000000)


def test_translate_a7_80000000():
    """--translate on cortex-a7 at 0x80000000"""
    check_translate("virt-a7", 0x80000000)


def test_no_split_above_page_offset():
    """PHYS_OFFSET 0xd0000000 > PAGE_OFFSET: Linux's rule keeps T1SZ = 0 and TTBR1 = swapper"""
    base = 0xD0000000
    r = boot("virt-a15", base)
    assert r.status == 0, r
    by = {}
    for e in r.of_kind("sysreg_write"):     # the first (head.S) write of each
        by.setdefault(e["reg"], e)
    # TTBCR: the same walk attributes, T1SZ = 0 (= 0xb5003500); TTBR1 = swapper itself
    assert int(by["TTBCR"]["value"], 16) == TTBCR_NOSPLIT == 0xB5003500, by
    assert by["TTBR1"]["value"] == f"0x{base + 0x3000:016x}", by
    uart(r, r"^vmalloc proof: PASS")
    # switch_mm follows the same rule: TTBR1 = the second PGD (no PMD offset)
    uart(r, rf"^switch_mm: TTBR0=0x{1 << 48 | pa(base, SYMS['second_pg_dir']):016x} \(ASID 1 in "
            rf"TTBR0\[55:48\]\) TTBR1=0x{pa(base, SYMS['second_pg_dir']):016x} "
            rf"TTBCR=0x{TTBCR_NOSPLIT:08x} ")
    # with T0SZ = T1SZ = 0, TTBR0 walks all of it: the kernel via pgd[3] like the identity block
    assert [l for l in r.stdout.splitlines() if l.startswith("0xc0008000 ")] == \
        ["0xc0008000 -> 0xd0008000 2M-block el1=rwx el0=--- global asid=1 normal-wb-rwa/wb-rwa "
         "shared-inner"]
    check_swapper("virt-a15", base)


def test_cortex_a9_no_lpae():
    """virt-a9 (ID_MMFR0.VMSA = 3): a clear error, PSCI SYSTEM_OFF over SMC, MMU never enabled"""
    r = boot("virt-a9", 0x80000000)
    assert r.status == 0, r
    # Cortex-A9 TRM: ID_MMFR0 = 0x00100103, VMSA support [3:0] = 3 (VMSAv7 with TEX remap and
    # the access flag); the long-descriptor format needs 5 (ARM ARM B4.1.89)
    uart(r, r"^\[head\] __error_lpae: Kernel with LPAE support, but CPU does not support LPAE "
            r"\(ID_MMFR0\.VMSA=3, need 5\)$")
    # the A9 has no Virtualization Extensions (ID_PFR1[15:12] = 0): no HVC, so SMC
    uart(r, r"^\[head\] __error_lpae: PSCI SYSTEM_OFF \(function 0x84000008\) via smc #0$")
    assert not re.search(r"__create_page_tables|__mmap_switched", r.stdout), r.stdout
    assert not r.of_kind("mmu_enable") and not r.of_kind("sysreg_write"), r.events
    psci, = r.of_kind("psci")
    assert psci["function"] == "SYSTEM_OFF" and psci["conduit"] == "smc", psci
    assert r.stats["instructions_mmu_on"] == 0, r.stats


# ---- armv7-lpae-fault: long-format DFSR/IFSR ----
# ARM ARM B4.1.52 DFSR / B4.1.96 IFSR with TTBCR.EAE = 1 and table B3-24 (long-descriptor FSR
# encodings): bit 9 (LPAE) = 1, STATUS[5:0]: 0b0001LL translation, 0b0010LL access flag,
# 0b0011LL permission fault at level LL; DFSR bit 11 = WnR.
LPAE_BIT, WNR = 1 << 9, 1 << 11


def lpae_fsr(kind, level, write=False):
    return LPAE_BIT | ({"translation": 0b000100, "access_flag": 0b001000,
                        "permission": 0b001100}[kind] | level) | (WNR if write else 0)


EXPECTED_DABT = [
    # LDR 0xb0000000: TTBR0 PGD[2] -> PMD entry 0x180 invalid: translation, level 2
    (lpae_fsr("translation", 2), 0xB0000000),
    # STR 0xf0004abc: level-3 page with AP[2:1] = 10 (PL1 read-only): permission, level 3, write
    (lpae_fsr("permission", 3, True), 0xF0004ABC),
    # STR 0xffff0000: vectors page AP[2:1] = 11 (read-only): permission, level 3, write
    (lpae_fsr("permission", 3, True), 0xFFFF0000),
    # LDR 0xf0005000: valid page with AF = 0: access flag, level 3
    (lpae_fsr("access_flag", 3), 0xF0005000),
]
assert [d for d, _ in EXPECTED_DABT] == [0x206, 0xA0F, 0xA0F, 0x20B]   # by hand
# BLX 0xb0100000: TTBR0, PMD entry 0x180 invalid: prefetch abort, translation, level 2
EXPECTED_PABT = (lpae_fsr("translation", 2), 0xB0100000)
assert EXPECTED_PABT[0] == 0x206


def check_fault(machine, base):
    r = boot(machine, base, "armv7-lpae-fault")
    assert r.status == 0, r
    got = [(int(a, 16), int(b, 16)) for a, b in
           re.findall(r"^data abort: DFSR=0x([0-9a-f]{8}) DFAR=0x([0-9a-f]{8})$", r.stdout, re.M)]
    assert got == EXPECTED_DABT, (got, r.stdout)
    pabt = re.findall(r"^prefetch abort: IFSR=0x([0-9a-f]{8}) IFAR=0x([0-9a-f]{8})$", r.stdout, re.M)
    assert [(int(a, 16), int(b, 16)) for a, b in pabt] == [EXPECTED_PABT], pabt
    assert "fault tests: 6/6 passed" in r.stdout, r.stdout
    # mmuscope's own exception events carry the same long-format status
    exc = [(e["type"], int(e["fsr"], 16), int(e["far"], 16)) for e in r.of_kind("exception")]
    assert exc == [("data_abort", *EXPECTED_DABT[0]), ("data_abort", *EXPECTED_DABT[1]),
                   ("data_abort", *EXPECTED_DABT[2]), ("undefined", 0, 0),
                   ("prefetch_abort", *EXPECTED_PABT), ("data_abort", *EXPECTED_DABT[3])], exc
    # the read-only page's PTE in the dumped table: AP[2] set, XN, nG
    pte = r.second[(FSYMS["vmalloc_pte"] + 8 * 4 - r.second_va) // 8]
    assert pte == pa(base, FSYMS["ro_page"]) | 0x0040000000000F9F, hex(pte)
    # and the AF = 0 one: the same page without bit 10
    pte = r.second[(FSYMS["vmalloc_pte"] + 8 * 5 - r.second_va) // 8]
    assert pte == pa(base, FSYMS["ro_page"]) | (0x0040000000000F1F & ~AF), hex(pte)


def test_fault_a15_80000000():
    """armv7-lpae-fault on virt-a15: DFSR 0x206/0xa0f/0xa0f/0x20b, IFSR 0x206 (long format)"""
    check_fault("virt-a15", 0x80000000)


def test_fault_a7_40000000():
    """armv7-lpae-fault on virt-a7 at 0x40000000: the same status values"""
    check_fault("virt-a7", 0x40000000)


run_tests([test_uart_a15_80000000, test_uart_a15_40000000, test_uart_a7_80000000,
           test_uart_a7_40000000, test_events_a15_80000000, test_events_a15_40000000,
           test_events_a7_80000000, test_events_a7_40000000, test_swapper_a15_80000000,
           test_swapper_a15_40000000, test_swapper_a7_40000000, test_second_tables_a15_80000000,
           test_translate_a15_80000000, test_translate_a15_40000000, test_translate_a7_80000000,
           test_no_split_above_page_offset, test_cortex_a9_no_lpae, test_fault_a15_80000000,
           test_fault_a7_40000000])
