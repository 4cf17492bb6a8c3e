#!/usr/bin/env python3
"""The P2V benchmark (firmware/p2v/, `mmuscope bench p2v`, docs/p2v.md).

Every expected value below is derived by hand in the comments next to it, from the ARM ARM's
instruction encodings (A32 ADD/SUB (immediate) A1 with the modified immediate of A5.2.4;
T32 ADD/SUB (immediate) T3 with ThumbExpandImm of A6.3.2) and from the loops in
firmware/p2v/work-v7.S, counted instruction by instruction.
"""
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import FIRMWARE_DIR, mmuscope, one_line_error, raw, run_tests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from qemu_compare import uimage  # noqa: E402  the legacy uImage wrapper QEMU's -kernel accepts

PAGE_OFFSET = 0xC0000000
M32 = 0xFFFFFFFF


def ror32(v, n):
    n %= 32
    return ((v >> n) | (v << (32 - n))) & M32 if n else v


def a32_decode(w):
    """ADD/SUB (immediate), encoding A1: cond 001 opcode S Rn Rd rot:imm8 (value = imm8 ROR 2*rot).
    Returns (op, rd, rn, value)."""
    assert (w >> 28) == 0xE, hex(w)                 # cond AL
    assert (w >> 25) & 7 == 0b001, hex(w)           # data-processing, immediate
    opcode = (w >> 21) & 0xF                        # 0100 ADD, 0010 SUB
    assert (w >> 20) & 1 == 0, hex(w)               # S = 0
    op = {0b0100: "add", 0b0010: "sub"}[opcode]
    return op, (w >> 12) & 0xF, (w >> 16) & 0xF, ror32(w & 0xFF, 2 * ((w >> 8) & 0xF))


def t32_decode(insn):
    """ADD/SUB (immediate), encoding T3: hw1 = 11110 i 0 op(4) S Rn, hw2 = 0 imm3 Rd imm8.
    ThumbExpandImm(i:imm3:imm8): when i:imm3 != 0000 the value is ('1':imm8[6:0]) ROR i:imm3:imm8[7];
    i:imm3 = 0000 are the replicated forms (0 when imm8 = 0)."""
    hw1, hw2 = insn >> 16, insn & 0xFFFF
    assert hw1 >> 11 == 0b11110 and (hw1 >> 9) & 1 == 0 and hw2 >> 15 == 0, hex(insn)
    op = {0b1000: "add", 0b1101: "sub"}[(hw1 >> 5) & 0xF]
    assert (hw1 >> 4) & 1 == 0, hex(insn)           # S = 0
    imm12 = ((hw1 >> 10) & 1) << 11 | ((hw2 >> 12) & 7) << 8 | (hw2 & 0xFF)
    if imm12 >> 10 == 0:
        assert imm12 == 0, hex(insn)                # only the offset 0 would use this form
        value = 0
    else:
        value = ror32(0x80 | (imm12 & 0x7F), imm12 >> 7)
    return op, (hw2 >> 8) & 0xF, hw1 & 0xF, value


def a64_decode(words):
    """MOVZ/MOVK (wide immediate), 64-bit: sf 1, opc 10 (MOVZ) / 11 (MOVK), 100101, hw, imm16, Rd:
    0xd2800000 / 0xf2800000 | hw << 21 | imm16 << 5 | Rd.  Returns the 64-bit value the
    movz + 3 movk sequence leaves in its register, and that register."""
    value, regs = 0, set()
    for j, w in enumerate(words):
        top = w & 0xFF800000
        assert top == (0xD2800000 if j == 0 else 0xF2800000), hex(w)
        hw, imm16, rd = (w >> 21) & 3, (w >> 5) & 0xFFFF, w & 0x1F
        assert hw == 3 - j, hex(w)                  # lsl #48, #32, #16, #0 in that order
        value = (value & ~(0xFFFF << (16 * hw))) | imm16 << (16 * hw) if j else imm16 << (16 * hw)
        regs.add(rd)
    return value, regs


def boot(image, ram_base, machine="virt-a15"):
    r = mmuscope("--machine", machine, "--set", f"machine.ram_base={ram_base:#x}", image)
    assert r.status == 0, r
    assert "p2v: done" in r.stdout, r
    return r


def stubs(out):
    return [(int(a, 16), int(i, 16)) for a, i in re.findall(r"p2v: stub va=(0x[0-9a-f]+) insn=(0x[0-9a-f]+)", out)]


# PHYS_OFFSET - PAGE_OFFSET (mod 2^32) and the words the fixup must leave, by hand:
#   0x10000000: 0x10000000 - 0xC0000000 = 0x50000000, top byte 0x50
#   0x60000000: 0xA0000000, top byte 0xA0
#   0x80000000: 0xC0000000, top byte 0xC0
# A32: the placeholder is rot 4, imm8 0x81 (0x81 ROR 8 = 0x81000000); the fixup keeps rot 4 and
# puts the top byte in imm8, so "sub r3, r0, #delta" = cond E | 001 | 0010 | S0 | Rn 0 | Rd 3 |
# rot 4 | imm8 = 0xE24034<top>, and "add r0, r3, #delta" = 0xE28304<top> (opcode 0100, Rn 3, Rd 0).
A32_WORDS = {
    0x10000000: {0xE2403450, 0xE2830450},
    0x60000000: {0xE24034A0, 0xE28304A0},
    0x80000000: {0xE24034C0, 0xE28304C0},
}
# T32: hw1 "sub r3, r0" = 11110 0 0 1101 0 0000 = 0xF1A0, "add r0, r3" = 11110 0 0 1000 0 0011 = 0xF103.
# hw2 = 0 imm3 Rd imm8 with the top byte b as '1bcdefgh' ROR rot:
#   b = 0x50 = 0101 0000: highest set bit 6, '1bcdefgh' = b << 1 = 1010 0000, value = that << 23
#     = ROR 9: i = 0, imm3 = 100, a = 1, bcdefgh = 010 0000 -> imm8 = 0xA0; hw2 = 0x4<Rd>A0
#   b = 0xA0 = 1010 0000: bit 7, '1bcdefgh' = 1010 0000, ROR 8: imm3 = 100, a = 0, imm8 = 0x20
#   b = 0xC0 = 1100 0000: ROR 8, imm8 = 0x40
T32_WORDS = {
    0x10000000: {0xF1A043A0, 0xF10340A0},
    0x60000000: {0xF1A04320, 0xF1034020},
    0x80000000: {0xF1A04340, 0xF1034040},
}


def test_patched_immediates_a32():
    """p2v-a32: every patched stub holds PHYS_OFFSET - PAGE_OFFSET at 0x10000000, 0x60000000, 0x80000000"""
    for base, words in A32_WORDS.items():
        r = boot("p2v-a32", base)
        s = stubs(r.stdout)
        # 9 sites: the loop function has 2 stubs and the list function 1, each instantiated
        # warm/a/b for the patched variant: 3 * (2 + 1) = 9
        assert len(s) == 9, r
        assert re.search(r"p2v: fixup sites=9 patched=9 ", r.stdout), r
        assert {w for _, w in s} == words, (hex(base), [hex(w) for _, w in s])
        for _, w in s:
            op, rd, rn, value = a32_decode(w)
            assert value == (base - PAGE_OFFSET) & M32, hex(w)
            assert (op, rd, rn) in {("sub", 3, 0), ("add", 0, 3)}, hex(w)


def test_patched_immediates_t32():
    """p2v-t32: every patched T32 stub holds PHYS_OFFSET - PAGE_OFFSET at the three PHYS_OFFSETs"""
    for base, words in T32_WORDS.items():
        r = boot("p2v-t32", base, machine="virt-a7")
        s = stubs(r.stdout)
        assert len(s) == 9, r
        assert {w for _, w in s} == words, (hex(base), [hex(w) for _, w in s])
        for _, w in s:
            op, rd, rn, value = t32_decode(w)
            assert value == (base - PAGE_OFFSET) & M32, hex(w)
            assert (op, rd, rn) in {("sub", 3, 0), ("add", 0, 3)}, hex(w)


# AArch64: pv_offset = PHYS_OFFSET - PAGE_OFFSET (0xffff000000000000) mod 2^64, by hand:
#   0x10000000 -> 0x0001000010000000: chunks (hw 3..0) 0x0001 0x0000 0x1000 0x0000
#     movz x16, #1, lsl #48 = 0xd2800000 | 3 << 21 | 1 << 5 | 16 = 0xd2e00030
#     movk x16, #0, lsl #32 = 0xf2800000 | 2 << 21 | 16 = 0xf2c00010
#     movk x16, #0x1000, lsl #16 = 0xf2800000 | 1 << 21 | 0x1000 << 5 | 16 = 0xf2a20010
#     movk x16, #0 = 0xf2800010
#   0x60000000 -> 0x0001000060000000: third word 0xf2a00010 | 0x6000 << 5 = 0xf2ac0010
#   0x80000000 -> 0x0001000080000000: third word 0xf2a00010 | 0x8000 << 5 = 0xf2b00010
A64_WORDS = {
    0x10000000: (0xD2E00030, 0xF2C00010, 0xF2A20010, 0xF2800010),
    0x60000000: (0xD2E00030, 0xF2C00010, 0xF2AC0010, 0xF2800010),
    0x80000000: (0xD2E00030, 0xF2C00010, 0xF2B00010, 0xF2800010),
}


def test_patched_immediates_a64():
    """p2v-a64: every movz/movk sequence holds PHYS_OFFSET - PAGE_OFFSET at the three PHYS_OFFSETs"""
    for base, words in A64_WORDS.items():
        r = boot("p2v-a64", base, machine="virt-a53")
        seqs = re.findall(r"p2v: stub va=0x[0-9a-f]+ insn=(0x[0-9a-f]+),(0x[0-9a-f]+),(0x[0-9a-f]+),(0x[0-9a-f]+)",
                          r.stdout)
        assert len(seqs) == 9 and re.search(r"p2v: fixup sites=9 patched=9 ", r.stdout), r
        for seq in seqs:
            ws = tuple(int(w, 16) for w in seq)
            assert ws == words, (hex(base), [hex(w) for w in ws])
            value, regs = a64_decode(ws)
            assert value == (base - 0xFFFF000000000000) % (1 << 64) and regs == {16}, hex(value)


def phase_lines(out):
    return re.findall(r"p2v: variant=(\w+) isa=(\w+) workload=(\w+) run=(\w+) convs=(\d+) checksum=(0x[0-9a-f]+)", out)


# Checksums by hand (work-v7.S):
#   loop: p starts at PHYS_OFFSET + 0x100000, so v_0 = PAGE_OFFSET + 0x100000 = 0xC0100000 and
#         v_i = v_0 + 0x40 i; run a (1000 iterations): sum = 1000 v_0 + 0x40 * (999 * 1000 / 2),
#         run b (2000): 2000 v_0 + 0x40 * (1999 * 2000 / 2), mod 2^32 -- the same at any PHYS_OFFSET.
#   list: node visit i holds data i, 512 nodes: one lap = 511 * 512 / 2 = 130816 = 0x1FF00,
#         run b = two laps = 0x3FE00.
#   a64: the loop starts at PHYS_OFFSET + 0x200000 -> v_0 = 0xffff000000200000, whose low 32 bits
#         are 0x00200000 (the guest prints the low 32 bits of the sum); the list is the same.
def loop_sums(v0):
    a = (1000 * v0 + 0x40 * 499500) & M32
    b = (2000 * v0 + 0x40 * 1999000) & M32
    return {("loop", "warm"): a, ("loop", "a"): a, ("loop", "b"): b,
            ("list", "warm"): 0x1FF00, ("list", "a"): 0x1FF00, ("list", "b"): 0x3FE00}


EXPECTED = {"p2v-a32": loop_sums(0xC0100000), "p2v-t32": loop_sums(0xC0100000), "p2v-a64": loop_sums(0x00200000)}


def test_equal_checksums():
    """all variants give the hand-computed checksums, at every PHYS_OFFSET (constant only at 0x80000000)"""
    for image, machine in (("p2v-a32", "virt-a15"), ("p2v-t32", "virt-a9"), ("p2v-a64", "virt-a53")):
        for base in (0x10000000, 0x60000000, 0x80000000):
            r = boot(image, base, machine)
            lines = phase_lines(r.stdout)
            variants = {"patched", "variable", "placed"} | ({"constant"} if base == 0x80000000 else set())
            # 2 workloads x 3 runs per variant
            assert len(lines) == 6 * len(variants), r
            assert {l[0] for l in lines} == variants, r
            for variant, isa, wl, run, convs, cs in lines:
                assert int(cs, 16) == EXPECTED[image][(wl, run)], (image, hex(base), variant, wl, run, cs)
            assert "p2v: checksums equal=yes" in r.stdout, r
            if base != 0x80000000:
                assert "p2v: variant=constant skipped: built for PHYS_OFFSET 0x80000000" in r.stdout, r


def bench_rows(core):
    with tempfile.TemporaryDirectory() as d:
        p = raw("bench", "p2v", "--core", core, "--out", d)
        assert p.returncode == 0, (p.stdout, p.stderr)
        isa = "a64" if core in ("cortex-a53", "cortex-a57", "cortex-a72") else "a32"
        for f in ("p2v.csv", "p2v.md", "p2v.png", "p2v.svg", "guest-%s-%s.log" % (core, isa)):
            assert os.path.getsize(os.path.join(d, f)) > 0, f
        with open(os.path.join(d, "p2v.csv")) as f:
            return p.stdout, list(csv.DictReader(f))


def per_conv(rows, isa, wl, variant, key):
    """(run b - run a) / conversions of run a: N conversions, call overhead cancelled"""
    a = next(r for r in rows if (r["isa"], r["workload"], r["variant"], r["run"]) == (isa, wl, variant, "a"))
    b = next(r for r in rows if (r["isa"], r["workload"], r["variant"], r["run"]) == (isa, wl, variant, "b"))
    n = int(a["convs"])
    assert int(b["convs"]) == 2 * n
    diff = int(b[key]) - int(a[key])
    assert diff % n == 0, (isa, wl, variant, key, diff, n)
    return diff // n


# __fixup_pv_table, counted from its entry to its return (head-v7.S / head-v8.S), 9 sites:
#   A32: prologue push adr ldmia subs add*4 lsr str str mov lsr = 13; per site cmp bhs ldr add ldr
#        and teq teqne bne and teq bne bic orr str add b = 17; the last cmp bhs = 2; epilogue ldr
#        add str mov dsb mcr mcr dsb isb pop = 10:  13 + 9 * 17 + 2 + 10 = 178
#   T32: the same 13, plus the encoding of the top byte lsls beq clz lsl lsr bic add lsrs it
#        orrcs orr = 11; per site cmp bhs ldr bic add ldrh movw and movw teq itt movwne teqne bne
#        tst bne ldrh and orr strh add b = 22 (IT counts as an instruction); 2; 10:
#        13 + 11 + 9 * 22 + 2 + 10 = 234
#   A64: prologue adrp add str lsr adrp str adrp add adrp add mov mov movk = 13; per site
#        cmp b.hs ldr add mov = 5, per instruction of the sequence (4) ldr lsr lsr cmp mov mov csel
#        orr cmp b.ne and cmp b.ne lsr and and orr str subs b.ge = 20, then add b = 2: 87;
#        the last cmp b.hs = 2; epilogue adrp str dsb ic dsb isb ret = 7: 13 + 9 * 87 + 2 + 7 = 805
FIXUP_INSNS = {"a32": 178, "t32": 234, "a64": 805}


def test_bench_counts():
    """bench p2v: per-conversion instructions equal the sequences; variable = exactly one extra load"""
    # loop iteration (work-v7.S loop_fn), A32 and T32 alike:
    #   constant/patched: sub (conv) ; add sum ; add stride ; add (conv) ; subs ; bne = 6 insns,
    #     2 conversions -> 3 per conversion, no loads
    #   variable/placed: each conversion is ldr ip, [r4] + sub/add -> 8 insns -> 4 per conversion,
    #     1 load per conversion
    # list step (list_fn): conv ; ldr next ; ldr data ; add ; subs ; bne = 6 insns, 2 loads
    #   (constant/patched); variable/placed 7 insns, 3 loads.  One conversion per step.
    insns = {("loop", "constant"): 3, ("loop", "patched"): 3, ("loop", "variable"): 4, ("loop", "placed"): 4,
             ("list", "constant"): 6, ("list", "patched"): 6, ("list", "variable"): 7, ("list", "placed"): 7}
    loads = {("loop", "constant"): 0, ("loop", "patched"): 0, ("loop", "variable"): 1, ("loop", "placed"): 1,
             ("list", "constant"): 2, ("list", "patched"): 2, ("list", "variable"): 3, ("list", "placed"): 3}
    # AArch64 (work-v8.S): the constant is kept in x5 across the loop, so a conversion is one
    # sub/add as on A32; patched is movz + 3 movk + sub/add = 5 instructions: loop
    # (5 + 1 + 1 + 5 + 1 + 1) / 2 = 7, list 5 + 5 = 10; variable/placed as on A32 (ldr + sub).
    insns64 = {**insns, ("loop", "patched"): 7, ("list", "patched"): 10}
    # cortex-a15: loads have their own L1 TLB (dtlb_load), cortex-a7/a53 one dtlb; the workloads store nothing
    for core in ("cortex-a15", "cortex-a7", "cortex-a53"):
        out, rows = bench_rows(core)
        for isa in (("a64",) if core == "cortex-a53" else ("a32", "t32")):
            for (wl, v), n in (insns64 if isa == "a64" else insns).items():
                assert per_conv(rows, isa, wl, v, "insns") == n, (core, isa, wl, v)
                assert per_conv(rows, isa, wl, v, "dtlb_lookups") == loads[(wl, v)], (core, isa, wl, v)
                # the variable variant: exactly one load more than the constant one
                if v in ("variable", "placed"):
                    assert (per_conv(rows, isa, wl, v, "dtlb_lookups")
                            - per_conv(rows, isa, wl, "constant", "dtlb_lookups")) == 1
            fix = next(r for r in rows if r["isa"] == isa and r["workload"] == "fixup")
            assert int(fix["convs"]) == 9 and int(fix["insns"]) == FIXUP_INSNS[isa], fix
        assert re.search(r"fixup: core=%s isa=a(32|64) sites=9 patched=9 " % core, out), out
        assert "checksums_equal=no" not in out, out


def test_placed_competes_for_the_l1_dtlb():
    """cortex-a15: the list walk's 32 pages fit the 32-entry dtlb_load; the placed variable's page misses each step"""
    # cortex-a15.ini [dtlb_load] 32 entries, fully associative, LRU, 4K only.  The list visits
    # page i % 32 (32 pages, one 4 KiB entry each) and loads twice from it (next, data): after
    # the warm lap every load hits.  The variable variant's __pv_offset sits on list page 0:
    # still 32 pages, 0 misses.  The placed variant reads page P (its own, the 33rd) before each
    # node: pages P, n0, n0, P, n1, n1, ...  P is used every step and always hits; between two
    # visits of node page n_k come the 31 other node pages and P, 32 distinct pages, so n_k is
    # the LRU victim when the 33rd arrives: its first load misses, the second hits.
    # -> exactly 1 miss per conversion.
    out, rows = bench_rows("cortex-a15")
    for isa in ("a32", "t32"):
        assert per_conv(rows, isa, "list", "constant", "dtlb_misses") == 0
        assert per_conv(rows, isa, "list", "variable", "dtlb_misses") == 0
        assert per_conv(rows, isa, "list", "placed", "dtlb_misses") == 1


# QEMU 7.2 (an independent implementation) runs the same images at its virt board's RAM base,
# PHYS_OFFSET 0x40000000: PHYS_OFFSET - PAGE_OFFSET = 0x40000000 - 0xC0000000 = 0x80000000, top
# byte 0x80 = 1000 0000: A32 imm8 0x80 -> 0xE2403480 / 0xE2830480; T32 highest bit 7, ROR 8,
# bcdefgh = 000 0000 -> imm3 100, imm8 0x00 -> hw2 0x4300 (Rd 3) / 0x4000 (Rd 0).
# AArch64: 0x40000000 - 0xffff000000000000 = 0x0001000040000000, third word 0xf2a00010 | 0x4000 << 5.
QEMU_WORDS = {
    "p2v-a32": {"0xe2403480", "0xe2830480"},
    "p2v-t32": {"0xf1a04300", "0xf1034000"},
    "p2v-a64": {"0xd2e00030,0xf2c00010,0xf2a80010,0xf2800010"},
}


def strip_timing(out):
    """the lines of the report without what depends on the implementation's timing and CPU model"""
    out = re.sub(r" cycles=\d+", "", out.replace("\r", ""))
    out = re.sub(r" midr=0x[0-9a-f]+", "", out)
    return [l for l in out.splitlines() if l.startswith("p2v:")]


def test_same_report_in_qemu():
    """QEMU 7.2 prints the same patched words and checksums as mmuscope (cycles and MIDR aside)"""
    for image in ("p2v-a32", "p2v-t32", "p2v-a64"):
        binp = os.path.join(FIRMWARE_DIR, "p2v", image + ".bin")
        with tempfile.TemporaryDirectory() as d:
            if image == "p2v-a64":
                q = [shutil.which("qemu-system-aarch64"), "-cpu", "cortex-a53", "-kernel", binp]
                mm = ("--machine", "virt-a53")
            else:
                u = os.path.join(d, image + ".uimg")
                with open(binp, "rb") as f, open(u, "wb") as o:
                    o.write(uimage(f.read(), 0x40008000))
                q = [shutil.which("qemu-system-arm"), "-cpu", "cortex-a15", "-kernel", u]
                mm = ("--machine", "virt-a15")
            assert q[0], "qemu-system-arm / qemu-system-aarch64 not installed"
            qp = subprocess.run(q[:1] + ["-M", "virt", "-m", "256M", "-nographic", "-monitor", "none"] + q[1:],
                                capture_output=True, text=True, timeout=120, errors="replace")
        r = mmuscope(*mm, "--set", "machine.ram_base=0x40000000", binp)
        assert r.status == 0 and qp.returncode == 0, (r, qp.stdout, qp.stderr)
        lm, lq = strip_timing(r.stdout), strip_timing(qp.stdout)
        assert lm == lq and "p2v: done" in lm, (image, [(a, b) for a, b in zip(lm, lq) if a != b], len(lm), len(lq))
        assert {w for _, w in re.findall(r"p2v: stub va=(0x[0-9a-f]+) insn=([0-9a-fx,]+)", qp.stdout)} == QEMU_WORDS[image]
        assert "p2v: checksums equal=yes" in lq


def test_bad_input():
    """bench p2v: unknown core, unknown option, missing value, unknown benchmark -> one line, exit 2"""
    p = raw("bench", "p2v", "--core", "cortex-x9")
    assert p.returncode == 2, p
    assert "unknown core 'cortex-x9'" in one_line_error(p), p.stderr
    assert len([l for l in p.stderr.splitlines() if l.startswith("mmuscope:")]) == 1, p.stderr
    p = raw("bench", "p2v", "--core", "cortex-a7", "--bogus")
    assert p.returncode == 2 and "unknown argument '--bogus'" in one_line_error(p), p.stderr
    p = raw("bench", "p2v", "--core")
    assert p.returncode == 2 and "--core needs a value" in one_line_error(p), p.stderr
    p = raw("bench", "nosuch")
    assert p.returncode == 2 and "unknown benchmark" in one_line_error(p), p.stderr


run_tests([test_patched_immediates_a32, test_patched_immediates_t32, test_patched_immediates_a64, test_equal_checksums, test_bench_counts,
           test_placed_competes_for_the_l1_dtlb, test_same_report_in_qemu, test_bad_input])
