#!/usr/bin/env python3
"""armv7-head booted by mmuscope at two PHYS_OFFSETs and on three CPU models.

Every expected value is computed here from the load address and from the ELF's own symbols
(llvm-nm), with the arithmetic in the comments; nothing is copied from a previous run.
"""
import functools
import os
import re
import struct
import tempfile

from harness import FIRMWARE_DIR, mmuscope, run_tests, symbols

PAGE_OFFSET = 0xC0000000
TEXT_OFFSET = 0x8000
SYMS = symbols("armv7-head")
TMP = tempfile.mkdtemp(prefix="mmuscope-boot-")


def pa(base, va):
    """__virt_to_phys for a kernel loaded at PHYS_OFFSET = base."""
    return (va - PAGE_OFFSET + base) & 0xFFFFFFFF


@functools.lru_cache(maxsize=None)
def boot(machine, base):
    """One run per (machine, PHYS_OFFSET), with a dump of the kernel image as patched."""
    dump = os.path.join(TMP, f"{machine}-{base:08x}.bin")
    start, end = SYMS["_text"], SYMS["__pv_table_end"]
    r = mmuscope("--machine", machine, "--set", f"machine.ram_base=0x{base:08x}",
                 "--translate", ",".join(hex(v) for v in (
                     0xC0008000, pa(base, SYMS["__idmap_text_start"]), 0xB0000000)),
                 "--dump-phys", f"0x{pa(base, start):x},0x{end - start:x},{dump}",
                 "armv7-head")
    with open(dump, "rb") as f:
        r.image = f.read()
    r.image_va = start
    return r


def uart(r, pattern):
    m = re.search(pattern, r.stdout, re.M)
    assert m, f"no line matching {pattern!r} in the UART output:\n{r.stdout}"
    return m


def check_uart(base):
    r = boot("virt-a15", base)
    assert r.status == 0, r
    assert int(uart(r, r"^\[head\] stext: running at physical 0x([0-9a-f]{8})$").group(1), 16) == \
        base + TEXT_OFFSET
    assert int(uart(r, r"^\[head\] PHYS_OFFSET discovered: 0x([0-9a-f]{8})$").group(1), 16) == base
    # .pv_table holds one 32-bit entry per stub
    nsites = (SYMS["__pv_table_end"] - SYMS["__pv_table_begin"]) // 4
    m = uart(r, r"^\[head\] __fixup_pv_table: patched (\d+) P2V sites "
                r"\(PHYS_OFFSET - PAGE_OFFSET = 0x([0-9a-f]{8})\)$")
    assert int(m.group(1)) == nsites, (m.group(0), nsites)
    assert int(m.group(2), 16) == (base - PAGE_OFFSET) & 0xFFFFFFFF
    # swapper_pg_dir = PHYS_OFFSET + 0x4000 (16 KiB below the kernel text, as Linux)
    assert int(uart(r, r"^\[head\] __create_page_tables: swapper_pg_dir at 0x([0-9a-f]{8})$")
               .group(1), 16) == base + 0x4000
    va = int(uart(r, r"^\[mmu\] __mmap_switched: MMU on, start_kernel running at virtual "
                     r"0x([0-9a-f]{8})$").group(1), 16)
    assert va >> 24 == 0xC0, hex(va)
    uart(r, r"^Virtual kernel memory layout:$")
    # lowmem: 256 MiB of RAM at PHYS_OFFSET seen at PAGE_OFFSET
    uart(r, r"^\s+lowmem\s+: 0xc0000000 - 0xd0000000\s+\( 256 MB\)$")
    assert int(uart(r, r"^PHYS_OFFSET: 0x([0-9a-f]{8}) ").group(1), 16) == base
    assert int(uart(r, r"^P2V: (\d+) sites patched").group(1)) == nsites
    uart(r, r"^vmalloc proof: PASS \(4/4 pages")
    uart(r, r"^PSCI: SYSTEM_OFF \(function 0x84000008\) via hvc #0$")
    assert r.stats["exit_reason"] == "poweroff", r.stats
    assert "poweroff" in r.stderr


def test_uart_at_0x80000000():
    """UART report at PHYS_OFFSET 0x80000000: discovered offset, P2V count, swapper, layout"""
    check_uart(0x80000000)


def test_uart_at_0x10000000():
    """the same image at PHYS_OFFSET 0x10000000 discovers and reports the new offset"""
    check_uart(0x10000000)


def check_events(base):
    r = boot("virt-a15", base)
    ev = r.events
    idx = {k: [i for i, e in enumerate(ev) if e["kind"] == k] for k in
           ("sysreg_write", "mmu_enable", "first_translated_fetch", "tlb_maintenance", "psci")}
    writes = [(i, ev[i]) for i in idx["sysreg_write"]]
    assert len(idx["mmu_enable"]) == 1, ev
    on = idx["mmu_enable"][0]
    before = {e["reg"]: e for i, e in writes if i < on}
    # __enable_mmu writes DACR_INIT of Linux's asm/domain.h (CONFIG_CPU_SW_DOMAIN_PAN):
    # domain_val(d, t) = t << 2d with KERNEL=0, USER=1, IO=2, VECTORS=3 and CLIENT=0b01,
    # NOACCESS=0b00: 0b01 << 0 | 0b00 << 2 | 0b01 << 4 | 0b01 << 6 = 0x51
    assert int(before["DACR"]["value"], 16) == 0x51, before.get("DACR")
    ttbr0 = int(before["TTBR0"]["value"], 16)
    # TTBR0[31:14] is the table base (TTBCR.N = 0): swapper_pg_dir = PHYS_OFFSET + 0x4000
    assert ttbr0 & ~0x3FFF == base + 0x4000, hex(ttbr0)
    assert int(before["TTBCR"]["value"], 16) & 7 == 0, before["TTBCR"]
    # SCTLR.M set by an instruction inside .idmap.text, executed at its physical address
    e_on = ev[on]
    pc = int(e_on["pc"], 16)
    lo, hi = pa(base, SYMS["__idmap_text_start"]), pa(base, SYMS["__idmap_text_end"])
    assert lo <= pc < hi, (hex(pc), hex(lo), hex(hi))
    assert int(e_on["sctlr"], 16) & 1, e_on
    # the SCTLR sysreg_write and mmu_enable are the same instruction
    sctlr = [e for i, e in writes if e["reg"] == "SCTLR"]
    assert sctlr and sctlr[0]["pc"] == e_on["pc"], sctlr
    # first translated fetch: after mmu_enable, at a 0xC0xxxxxx PC whose PA is the linear one
    assert len(idx["first_translated_fetch"]) == 1
    ft = ev[idx["first_translated_fetch"][0]]
    assert idx["first_translated_fetch"][0] > on
    va = int(ft["pc"], 16)
    assert va >> 24 == 0xC0, ft
    assert int(ft["pa"], 16) == pa(base, va), ft
    assert ft["mapping"] == "1M-section", ft
    # __mmap_switched is where __turn_mmu_on jumps: the first translated fetch
    assert va == SYMS["__mmap_switched"], (ft, hex(SYMS["__mmap_switched"]))
    # switch_mm to the second table: CONTEXTIDR (ASID 1), TTBR0, then TLBIALL
    after = [(i, e) for i, e in writes if i > on]
    ctx = [(i, e) for i, e in after if e["reg"] == "CONTEXTIDR"]
    t0 = [(i, e) for i, e in after if e["reg"] == "TTBR0"]
    assert ctx and int(ctx[0][1]["value"], 16) == 1, after
    assert t0 and t0[0][0] > ctx[0][0], after
    second = int(t0[0][1]["value"], 16) & ~0x3FFF
    assert second == pa(base, SYMS["second_pg_dir"]), (hex(second), hex(SYMS["second_pg_dir"]))
    tlbi = [i for i in idx["tlb_maintenance"] if i > t0[0][0]]
    assert tlbi and ev[tlbi[0]]["op"] == "TLBIALL", ev
    # and the run ends in PSCI SYSTEM_OFF, last
    assert idx["psci"] == [len(ev) - 1] and ev[-1]["function"] == "SYSTEM_OFF"
    # every event has kind and pc as hex strings
    for e in ev:
        assert re.fullmatch(r"0x[0-9a-f]+", e["pc"]), e


def test_events_at_0x80000000():
    """event sequence at 0x80000000: TTBR0, DACR, SCTLR.M inside .idmap.text, first 0xC0 fetch"""
    check_events(0x80000000)


def test_events_at_0x10000000():
    """event sequence at 0x10000000: the same, with every address moved by the new offset"""
    check_events(0x10000000)


def ror(v, n):
    n %= 32
    return ((v >> n) | (v << (32 - n))) & 0xFFFFFFFF if n else v


def check_stubs(base):
    r = boot("virt-a15", base)
    img, va0 = r.image, r.image_va
    word = lambda va: struct.unpack_from("<I", img, va - va0)[0]  # noqa: E731
    delta = (base - PAGE_OFFSET) & 0xFFFFFFFF
    begin, end = SYMS["__pv_table_begin"], SYMS["__pv_table_end"]
    assert end > begin
    kinds = set()
    for ent in range(begin, end, 4):
        stub = word(ent)
        insn = word(stub)
        # A32 data-processing immediate (A5.2.3): cond 001 opcode S Rn Rd imm12; ADD = 0100,
        # SUB = 0010. imm12 = rot:imm8, value = imm8 ROR (2 * rot) (A5.2.4).
        assert insn >> 28 == 0xE and (insn >> 25) & 7 == 1, hex(insn)
        opcode = (insn >> 21) & 0xF
        assert opcode in (0b0100, 0b0010), hex(insn)
        kinds.add(opcode)
        value = ror(insn & 0xFF, 2 * ((insn >> 8) & 0xF))
        # patched: the immediate is PHYS_OFFSET - PAGE_OFFSET (its top byte; the rest is 0)
        assert value == delta, (hex(stub), hex(insn), hex(value), hex(delta))
    assert kinds == {0b0100, 0b0010}, kinds  # both virt_to_phys (add) and phys_to_virt (sub)


def test_stubs_at_0x80000000():
    """patched P2V stubs hold PHYS_OFFSET - PAGE_OFFSET = 0xC0000000 (loaded at 0x80000000)"""
    check_stubs(0x80000000)


def test_stubs_at_0x10000000():
    """patched P2V stubs hold 0x50000000 when loaded at 0x10000000"""
    check_stubs(0x10000000)


def test_stubs_unpatched_in_elf():
    """the ELF on disk holds the placeholder 0x81000000 in every stub (so the test above can fail)"""
    elf = os.path.join(FIRMWARE_DIR, "armv7-head.elf")
    # find the file offset of _text through the program headers
    with open(elf, "rb") as f:
        data = f.read()
    e_phoff, = struct.unpack_from("<I", data, 28)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 42)
    segs = []
    for i in range(e_phnum):
        p_type, p_offset, p_vaddr, _, p_filesz = struct.unpack_from("<IIIII", data, e_phoff + i * e_phentsize)
        if p_type == 1:
            segs.append((p_vaddr, p_offset, p_filesz))

    def word(va):
        for v, o, n in segs:
            if v <= va < v + n:
                return struct.unpack_from("<I", data, o + va - v)[0]
        raise AssertionError(f"0x{va:x} not in a loadable segment")
    for ent in range(SYMS["__pv_table_begin"], SYMS["__pv_table_end"], 4):
        insn = word(word(ent))
        assert ror(insn & 0xFF, 2 * ((insn >> 8) & 0xF)) == 0x81000000, hex(insn)


def check_translate(base):
    r = boot("virt-a15", base)
    lines = [l for l in r.stdout.splitlines() if " -> " in l and l.startswith("0x")]
    want = {
        # PAGE_OFFSET + TEXT_OFFSET -> PHYS_OFFSET + 0x8000, one 1 MiB section
        "0xc0008000": f"0xc0008000 -> 0x{base + 0x8000:08x} 1M-section",
        # .idmap.text's section maps to itself (VA == PA)
        f"0x{pa(base, SYMS['__idmap_text_start']):08x}":
            f"0x{pa(base, SYMS['__idmap_text_start']):08x} -> "
            f"0x{pa(base, SYMS['__idmap_text_start']):08x} 1M-section",
        # nothing maps 0xb0000000: L1 entry 0xb00 is 0 -> translation fault, level 1 (section)
        "0xb0000000": "0xb0000000 -> fault translation level 1",
    }
    for va, prefix in want.items():
        got = [l for l in lines if l.startswith(va + " ")]
        assert len(got) == 1 and got[0].startswith(prefix), (va, got, lines)
    # the line format is exactly `0x<va> -> 0x<pa> <size> <attributes>` or the fault form
    for l in lines:
        assert re.fullmatch(r"0x[0-9a-f]{8} -> (0x[0-9a-f]{8,10} \S+( \S+)*|fault [a-z_]+ level \d)", l), l


def test_translate_at_0x80000000():
    """--translate at 0x80000000: 0xc0008000 section, idmap identity, 0xb0000000 L1 fault"""
    check_translate(0x80000000)


def test_translate_at_0x10000000():
    """--translate at 0x10000000: the same answers moved by the new PHYS_OFFSET"""
    check_translate(0x10000000)


def test_stats():
    """--stats: instruction counts add up and the exit reason is poweroff"""
    r = boot("virt-a15", 0x80000000)
    s = r.stats
    assert s["exit_reason"] == "poweroff", s
    assert 0 < s["instructions_mmu_on"] < s["instructions"], s
    assert s["exceptions"] == 0, s
    # the per-kind counts equal the events written
    for kind, n in s["events"].items():
        assert n == len(r.of_kind(kind)), (kind, n, len(r.of_kind(kind)))


def test_cortex_a7_hvc():
    """cortex-a7 (virt-a7, PSCI over HVC) boots the same image to SYSTEM_OFF"""
    r = boot("virt-a7", 0x80000000)
    assert r.status == 0, r
    # MIDR of Cortex-A7 r0p5: implementer 0x41, part 0xc07 (A7 TRM 4.3.1), as the guest reads it
    uart(r, r"^CPU: ARMv7 Processor \[410fc07\d\]")
    uart(r, r"via hvc #0$")
    assert r.of_kind("psci")[-1]["conduit"] == "hvc"


def test_cortex_a9_smc():
    """cortex-a9 (virt-a9, PSCI over SMC) boots at 0x10000000 to SYSTEM_OFF"""
    r = boot("virt-a9", 0x10000000)
    assert r.status == 0, r
    uart(r, r"^CPU: ARMv7 Processor \[410fc09\d\]")
    uart(r, r"^DTB: /psci method \"smc\"$")
    uart(r, r"via smc #0$")
    assert r.of_kind("psci")[-1]["conduit"] == "smc"
    assert int(uart(r, r"^\[head\] PHYS_OFFSET discovered: 0x([0-9a-f]{8})$").group(1), 16) == 0x10000000


def test_elf_boots_like_bin():
    """the ELF (loaded by p_paddr = VA - PAGE_OFFSET + 0x80000000) prints what the .bin prints"""
    r = mmuscope(os.path.join(FIRMWARE_DIR, "armv7-head.elf"))
    assert r.status == 0, r
    assert r.stdout == boot("virt-a15", 0x80000000).stdout.split("\n0xc0008000 -> ")[0] + "\n", r.stdout
    assert r.stats["instructions"] == boot("virt-a15", 0x80000000).stats["instructions"]


def test_cache_maintenance_seen_mid_block():
    """every DCCMVAC of the table clean is reported, though QEMU does not end a block on it"""
    r = boot("virt-a15", 0x80000000)
    # paging_init cleans second_pg_dir (16 KiB), vmalloc_pte and vectors_pte (1 KiB each) by
    # line; CTR.DminLine gives 64-byte lines on Cortex-A15: 16384/64 + 1024/64 + 1024/64 = 288
    vas = sorted(int(e["value"], 16) for e in r.of_kind("cache_maintenance") if e["op"] == "DCCMVAC")
    want = sorted([SYMS["second_pg_dir"] + 64 * i for i in range(256)] +
                  [SYMS["vmalloc_pte"] + 64 * i for i in range(16)] +
                  [SYMS["vectors_pte"] + 64 * i for i in range(16)])
    assert vas == want, (len(vas), len(want))


run_tests([test_uart_at_0x80000000, test_uart_at_0x10000000, test_events_at_0x80000000,
           test_events_at_0x10000000, test_stubs_at_0x80000000, test_stubs_at_0x10000000,
           test_stubs_unpatched_in_elf, test_translate_at_0x80000000, test_translate_at_0x10000000,
           test_stats, test_elf_boots_like_bin, test_cortex_a7_hvc, test_cortex_a9_smc, test_cache_maintenance_seen_mid_block])
