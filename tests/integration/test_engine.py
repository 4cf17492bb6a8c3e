#!/usr/bin/env python3
"""Engine glue on tiny hand-assembled guests: PSCI conduits, bus errors, vectors, counting."""
import os
import struct
import tempfile

from harness import mmuscope, one_line_error, run_tests

TMP = tempfile.mkdtemp(prefix="mmuscope-eng-")


def image(name, *words):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(struct.pack(f"<{len(words)}I", *words))
    return path


# A32 encodings (ARM ARM A8.8): MOVW r0,#imm16 = 0xE300_0000 | imm4:Rd:imm12,
# MOVT r0,#0x8400 = 0xE340_0000 | imm4=8:Rd=0:imm12=0x400 -> 0xE3480400.
MOVW_R0_8 = 0xE3000008      # r0 = 0x0008
MOVW_R0_0 = 0xE3000000      # r0 = 0x0000
MOVT_R0_8400 = 0xE3480400   # r0 |= 0x8400 << 16
HVC_0 = 0xE1400070          # HVC #0: cond 1110 0001 0100 imm12=0 0111 imm4=0
SMC_0 = 0xE1600070          # SMC #0: cond 1110 0001 0110 0000 0000 0000 0111 imm4=0
SVC_0 = 0xEF000000          # SVC #0
LOOP = 0xEAFFFFFE           # b .


def test_psci_system_off_hvc():
    """PSCI SYSTEM_OFF through HVC ends the run with exit 0"""
    r = mmuscope(image("off_hvc.bin", MOVW_R0_8, MOVT_R0_8400, HVC_0, LOOP))
    assert r.status == 0, r
    psci = r.of_kind("psci")
    assert [e["function"] for e in psci] == ["SYSTEM_OFF"], psci
    assert psci[0]["pc"] == "0x80008008" and psci[0]["conduit"] == "hvc", psci
    assert r.stats["exit_reason"] == "poweroff"
    # movw, movt, hvc: three instructions retired
    assert r.stats["instructions"] == 3, r.stats


def test_psci_version_then_off_smc():
    """PSCI_VERSION then SYSTEM_OFF through SMC on an SMC-conduit machine"""
    # r0 = 0x84000000 (PSCI_VERSION), smc; then r0 = 0x84000008, smc
    r = mmuscope("--set", "psci.conduit=smc",
                 image("ver_smc.bin", MOVW_R0_0, MOVT_R0_8400, SMC_0, MOVW_R0_8, MOVT_R0_8400, SMC_0, LOOP))
    assert r.status == 0, r
    assert [e["function"] for e in r.of_kind("psci")] == ["PSCI_VERSION", "SYSTEM_OFF"], r.events


def test_psci_wrong_conduit_is_undefined():
    """SMC on an HVC-conduit machine is an undefined instruction; no vector -> exit 4"""
    r = mmuscope(image("smc_on_hvc.bin", MOVW_R0_8, MOVT_R0_8400, SMC_0, LOOP))
    assert r.status == 4, r
    exc = r.of_kind("exception")
    assert exc and exc[0]["type"] == "undefined" and exc[0]["vector"] == "none", exc


def test_psci_on_a9_smc():
    """the virt-a9 machine (no Virtualization Extensions) powers off through SMC"""
    r = mmuscope("--machine", "virt-a9", image("a9.bin", MOVW_R0_8, MOVT_R0_8400, SMC_0, LOOP))
    assert r.status == 0, r


def test_svc_without_vector():
    """SVC with VBAR = 0 and no memory at 0x8: exception without a vector, exit 4"""
    r = mmuscope(image("svc.bin", SVC_0, LOOP))
    assert r.status == 4, r
    assert "svc" in one_line_error(r) and "0x8 " in one_line_error(r), r.stderr


def test_bus_error_on_hole():
    """a physical load from an address with nothing behind it is a bus error, exit 4"""
    # mov r0, #0 (0xE3A00000); ldr r1, [r0] (0xE5901000): MMU off, PA 0 has no RAM or device
    r = mmuscope(image("bus.bin", 0xE3A00000, 0xE5901000, LOOP))
    assert r.status == 4, r
    assert "bus error" in one_line_error(r), r.stderr
    assert r.stats["exit_reason"] == "bus_error"
    assert len(r.of_kind("bus_error")) == 1


def test_vbar_vector_taken():
    """an SVC goes to VBAR + 8 with LR = return address and SVC mode (then SYSTEM_OFF there)"""
    # 0x80008000: mov r0, #0x80000000 (0xE3A00102: imm8=2 ror 2 -> 0x80000000)
    #             add r0, r0, #0x8000  (0xE2800902: imm8=2 ror 18 -> 0x8000)
    #             add r0, r0, #0x40    (0xE2800040)
    #             mcr p15,0,r0,c12,c0,0 (VBAR = 0x80008040) = 0xEE0C0F10
    #             svc #0
    #             b .
    # 0x80008040 + 8 = 0x80008048: SVC vector: movw/movt r0 = SYSTEM_OFF; hvc
    words = [0xE3A00102, 0xE2800902, 0xE2800040, 0xEE0C0F10, SVC_0, LOOP]
    words += [LOOP] * (16 - len(words))          # pad to 0x80008040
    words += [LOOP, LOOP, MOVW_R0_8, MOVT_R0_8400, HVC_0, LOOP]
    r = mmuscope(image("vbar.bin", *words))
    assert r.status == 0, r
    vbar = [e for e in r.of_kind("sysreg_write") if e["reg"] == "VBAR"]
    assert vbar and vbar[0]["value"] == "0x80008040" and vbar[0]["pc"] == "0x8000800c", vbar
    exc = r.of_kind("exception")
    assert exc[0]["type"] == "svc" and exc[0]["vector"] == "0x80008048" and exc[0]["pc"] == "0x80008010", exc


def thumb_image(name, arm_words, halfwords):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(struct.pack(f"<{len(arm_words)}I", *arm_words))
        f.write(struct.pack(f"<{len(halfwords)}H", *halfwords))
    return path


def test_thumb_mcr_observed():
    """T32 MCRs: a DACR write (ends its block) and a DCCMVAC in mid-block, both reported"""
    # A32 at 0x80008000: add r0, pc, #1 (0xE28F0001: r0 = 0x80008008 + 1); bx r0 (0xE12FFF10)
    # T32 at 0x80008008 (ARM ARM A8.8.98 MCR T1: 1110 1110 opc1 0 CRn | Rt 1111 opc2 1 CRm):
    #   008 movs r1, #0x55                  0x2155
    #   00a mcr p15, 0, r1, c3, c0, 0       0xEE03 0x1F10   (DACR)
    #   00e movs r2, #0x40                  0x2240
    #   010 mcr p15, 0, r2, c7, c10, 1      0xEE07 0x2F3A   (DCCMVAC)
    #   014 movs r3, #1                     0x2301
    #   016 movw r0, #8                     0xF240 0x0008   (T3: imm4=0 i=0 imm3=0 imm8=8)
    #   01a movt r0, #0x8400                0xF2C8 0x4000   (T1: imm4=8 i=0 imm3=4 imm8=0)
    #   01e hvc #0                          0xF7E0 0x8000   (T1: 1111 0111 1110 imm4 | 1000 imm12)
    #   022 b .                             0xE7FE
    r = mmuscope(thumb_image("thumb.bin", [0xE28F0001, 0xE12FFF10],
                             [0x2155, 0xEE03, 0x1F10, 0x2240, 0xEE07, 0x2F3A, 0x2301,
                              0xF240, 0x0008, 0xF2C8, 0x4000, 0xF7E0, 0x8000, 0xE7FE]))
    assert r.status == 0, r
    dacr = [(e["pc"], e["value"]) for e in r.of_kind("sysreg_write") if e["reg"] == "DACR"]
    assert dacr == [("0x8000800a", "0x00000055")], r.events
    cm = [(e["pc"], e["op"], e["value"]) for e in r.of_kind("cache_maintenance")]
    assert cm == [("0x80008010", "DCCMVAC", "0x00000040")], r.events
    assert r.of_kind("psci")[0]["pc"] == "0x8000801e", r.events
    # 2 A32 + 8 T32 instructions up to and including the HVC
    assert r.stats["instructions"] == 10, r.stats


def test_mid_block_mcr_every_iteration():
    """an A32 DCCMVAC inside a loop body is reported once per iteration, first one included"""
    # 000 mov r1, #0x80000000         0xE3A01102
    # 004 mov r2, #4                  0xE3A02004
    # 008 mcr p15,0,r1,c7,c10,1       0xEE071F3A  (DCCMVAC r1)   <- loop, mid-block
    # 00c add r1, r1, #0x40           0xE2811040
    # 010 subs r2, r2, #1             0xE2522001
    # 014 bne 0x008                   0x1AFFFFFB  (offset (0x008 - 0x01c) / 4 = -5)
    # 018 movw r0,#8; movt r0,#0x8400; hvc #0; b .
    r = mmuscope(image("loop_mcr.bin", 0xE3A01102, 0xE3A02004, 0xEE071F3A, 0xE2811040, 0xE2522001,
                       0x1AFFFFFB, MOVW_R0_8, MOVT_R0_8400, HVC_0, LOOP))
    assert r.status == 0, r
    vals = [e["value"] for e in r.of_kind("cache_maintenance")]
    assert vals == ["0x80000000", "0x80000040", "0x80000080", "0x800000c0"], r.events
    # 2 + 4 * 4 + 3 instructions
    assert r.stats["instructions"] == 21, r.stats


def test_a32_cycle_counter():
    """the AArch32 cycle-counter page: ID, and a 100-iteration loop costs the preset's cycles"""
    import subprocess
    from harness import LLVM_NM
    gdir = os.environ.get("MMUSCOPE_GUEST_DIR", "build/tests/guests")
    nm = subprocess.run([LLVM_NM, os.path.join(gdir, "a32_cycles.elf")], capture_output=True, text=True,
                        check=True).stdout
    res = [int(l.split()[0], 16) for l in nm.splitlines() if l.endswith(" results")][0]
    dump = os.path.join(TMP, "cycles.bin")
    r = mmuscope("--dump-phys", f"0x{res:x},20,{dump}", os.path.join(gdir, "a32_cycles.bin"))
    assert r.status == 0, r
    with open(dump, "rb") as f:
        ident, c1, c2, c2_hi, insns = struct.unpack("<5I", f.read())
    assert ident == 0x43534D4D, hex(ident)          # "MMSC" read as a little-endian word
    # cortex-a15 preset: subs (ALU 1) + bne (branch 1) per iteration = 2; 100 iterations = 200,
    # plus the instructions sharing the second read's block (5 more at most, loads 1 each)
    assert 200 <= c2 - c1 <= 200 + 5 * 4, (c1, c2)
    assert c2_hi == 0
    # the instruction count read at the end: 5 + 200 + a few, never more than the run's total
    assert 205 <= insns <= r.stats["instructions"], (insns, r.stats["instructions"])
    assert r.stats["cycles"] >= c2


def test_a32_pmccntr_mrc():
    """MRC p15,0,Rt,c9,c13,0 (PMCCNTR) reads the model's cycle count in A32 and T32; a failed
    condition leaves Rt alone."""
    import subprocess
    from harness import LLVM_NM
    gdir = os.environ.get("MMUSCOPE_GUEST_DIR", "build/tests/guests")
    nm = subprocess.run([LLVM_NM, os.path.join(gdir, "a32_cycles.elf")], capture_output=True, text=True,
                        check=True).stdout
    res = [int(l.split()[0], 16) for l in nm.splitlines() if l.endswith(" mrc_results")][0]
    dump = os.path.join(TMP, "mrc.bin")
    r = mmuscope("--dump-phys", f"0x{res:x},16,{dump}", os.path.join(gdir, "a32_cycles.bin"))
    assert r.status == 0, r
    with open(dump, "rb") as f:
        r8, r9, r10, r12 = struct.unpack("<4I", f.read())
    # cortex-a15 preset costs (configs/cores/cortex-a15.ini): alu 1, branch 1, system 10.
    # Cycles are charged when a block starts, so a read includes its whole block.
    # r8 is read in the block [mrc r8; mov; subs; bne]; then 99 blocks [subs; bne] = 99 * 2 = 198;
    # then r9's block [mrc r9 (10); mov (1); cmp (1); mrcne (10, costed though not executed);
    # adr (1); blx (1)] = 24. r9 - r8 = 198 + 24 = 222. The engine's own PMCCNTR is disabled
    # at reset (PMCR.E = 0) and would read 0, so these values can only come from the model.
    assert r9 - r8 == 222, (r8, r9)
    assert r10 == 0x5A, hex(r10)  # mrcne with Z = 1: not executed
    # Thumb block [mrc r12 (10); bx lr (1)] = 11 cycles after r9's read.
    assert r12 - r9 == 11, (r9, r12)
    # without a model the counter reads 0
    r = mmuscope("--core", "none", "--dump-phys", f"0x{res:x},16,{dump}", os.path.join(gdir, "a32_cycles.bin"))
    assert r.status == 0, r
    with open(dump, "rb") as f:
        assert struct.unpack("<4I", f.read()) == (0, 0, 0x5A, 0)


def test_exceptions_from_thumb_state():
    """tests/guests/a32_thumb.S: LR_und = the instruction + 4 in ARM state, + 2 in Thumb state for
    16- and 32-bit instructions alike (ARM ARM B1.8.3 Table B1-7), SPSR.T as it was; a data
    abort in Thumb state has SPSR.T = 1 and returns to Thumb code"""
    import subprocess
    guests = os.environ.get("MMUSCOPE_GUEST_DIR", "build/tests/guests")
    nm = subprocess.run([os.environ.get("LLVM_NM", "llvm-nm"), os.path.join(guests, "a32_thumb.elf")],
                        capture_output=True, text=True, check=True).stdout
    sym = {p[2]: int(p[0], 16) for p in (l.split() for l in nm.splitlines()) if len(p) == 3}
    dump = os.path.join(TMP, "undef.bin")
    r = mmuscope("--machine", "virt-a15", "--dump-phys", f"{sym['results']:#x},40,{dump}",
                 os.path.join(guests, "a32_thumb.bin"))
    assert r.status == 0, r
    with open(dump, "rb") as f:
        count, *pairs = struct.unpack("<7I", f.read(28))
        abort_lr, abort_t, marker = struct.unpack("<3I", f.read(12))
    assert count == 3, (count, r)
    got = list(zip(pairs[0::2], pairs[1::2]))
    want = [(sym["a32_udf"] + 4, 0), (sym["t16_udf"] + 2, 0x20), (sym["t32_udf"] + 2, 0x20)]
    assert got == want, ([tuple(map(hex, g)) for g in got], [tuple(map(hex, w)) for w in want])
    assert (abort_lr, abort_t) == (sym["t16_ldr"] + 8, 0x20), (hex(abort_lr), abort_t)
    assert marker == 0x5A  # the T16 movs after the load ran, in Thumb state


def test_console_line_longer_than_the_buffer():
    """300 characters without a newline (as a full-screen program writes): the console_line
    events carry the bytes once each, cut at the 256-byte line buffer (a full buffer once
    overflowed the event's copy and repeated the line, escaped again, into the event file)"""
    words = [0xE3001000,             # movw r1, #0
             0xE3401900,             # movt r1, #0x0900: the PL011's DR
             0xE3A00041,             # mov r0, #'A'
             0xE3A02F4B,             # mov r2, #300 (imm8 0x4b rotated right by 30)
             0xE5810000,             # 1: str r0, [r1]
             0xE2522001,             # subs r2, r2, #1
             0x1AFFFFFC,             # bne 1b (-4 words from pc + 8)
             0xE3A0000A,             # mov r0, #10: newline
             0xE5810000,             # str r0, [r1]
             MOVW_R0_8, MOVT_R0_8400, HVC_0, LOOP]
    r = mmuscope(image("long_line.bin", *words))
    assert r.status == 0, r
    lines = [e["text"] for e in r.of_kind("console_line")]
    assert lines == ["A" * 256, "A" * 44], [len(t) for t in lines]  # 256 + 44 = 300
    assert r.stdout.count("A") == 300


def test_a32_stale_hit_names_its_instruction():
    """tests/guests/a32_thumb.S: a section descriptor rewritten (PA 0x80100000 -> 0x80200000)
    without TLBI, then used by an LDR two instructions into a block: the stale_tlb_hit event's
    pc is the LDR (on AArch32 the memory hook only sees the block start; mmuscope decodes the
    block), with the cached and the table PA"""
    import subprocess
    guests = os.environ.get("MMUSCOPE_GUEST_DIR", "build/tests/guests")
    nm = subprocess.run([os.environ.get("LLVM_NM", "llvm-nm"), os.path.join(guests, "a32_thumb.elf")],
                        capture_output=True, text=True, check=True).stdout
    sym = {p[2]: int(p[0], 16) for p in (l.split() for l in nm.splitlines()) if len(p) == 3}
    r = mmuscope("--machine", "virt-a15", os.path.join(guests, "a32_thumb.bin"))
    assert r.status == 0, r
    stale = r.of_kind("stale_tlb_hit")
    assert len(stale) == 1, stale
    e = stale[0]
    assert (int(e["va"], 16), int(e["cached_pa"], 16), int(e["table_pa"], 16), e["cause"]) == \
        (0x90000000, 0x80100000, 0x80200000, "descriptor_write"), e
    assert int(e["pc"], 16) == sym["stale_ldr"], (e["pc"], hex(sym["stale_ldr"]))


if __name__ == "__main__":
    run_tests([v for k, v in sorted(globals().items()) if k.startswith("test_")])
