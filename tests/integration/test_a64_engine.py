#!/usr/bin/env python3
"""AArch64 engine glue on the hand-written guest tests/guests/a64_exc.S.

ESR values are built here from the ARM ARM (DDI0487, ESR_ELx): EC in [31:26], IL = bit 25,
ISS for data aborts: WnR = bit 6, DFSC in [5:0] with translation fault level n = 0b0001nn,
access flag fault 0b0010nn, permission fault 0b0011nn. EC 0x25 = data abort taken without a
change of EL, 0x24 = from a lower EL.
"""
import functools
import os
import struct
import subprocess
import tempfile

from harness import LLVM_NM, mmuscope, run_tests

GUEST_DIR = os.environ.get("MMUSCOPE_GUEST_DIR", "build/tests/guests")
TMP = tempfile.mkdtemp(prefix="mmuscope-a64-")


def esr_dabt(lower, dfsc, write):
    return (0x24 if lower else 0x25) << 26 | 1 << 25 | (1 << 6 if write else 0) | dfsc


TRANSLATION_L1 = 0b000101
PERMISSION_L2 = 0b001110
ACCESS_FLAG_L2 = 0b001010
assert esr_dabt(False, TRANSLATION_L1, False) == 0x96000005   # by hand: 0x25 << 26 = 0x94000000, + IL
assert esr_dabt(True, PERMISSION_L2, False) == 0x9200000E


def syms(name):
    out = subprocess.run([LLVM_NM, os.path.join(GUEST_DIR, name + ".elf")], capture_output=True,
                         text=True, check=True).stdout
    return {p[2]: int(p[0], 16) for p in (l.split() for l in out.splitlines()) if len(p) == 3}


@functools.lru_cache(maxsize=None)
def run_exc():
    s = syms("a64_exc")
    dump = os.path.join(TMP, "results.bin")
    r = mmuscope("--machine", "virt-a53", "--dump-phys", f"0x{s['count']:x},0xa0,{dump}",
                 "--translate", "0x80800000,0x40000000,0x80a00000,0x81000000",
                 os.path.join(GUEST_DIR, "a64_exc.bin"))
    with open(dump, "rb") as f:
        d = f.read()
    r.count = struct.unpack_from("<Q", d, 0)[0]
    r.results = [struct.unpack_from("<4Q", d, 8 + 32 * i) for i in range(min(r.count, 4))]
    assert s["pars"] == s["count"] + 0x88
    r.pars = struct.unpack_from("<3Q", d, 0x88)
    r.syms = s
    return r


# (ESR, FAR) of the four faults the guest takes, in order (see the header of a64_exc.S)
EXPECTED = [
    (esr_dabt(False, TRANSLATION_L1, False), 0x40000000),   # L1[1] invalid
    (esr_dabt(False, PERMISSION_L2, True), 0x80E00008),     # AP=10: EL1 read-only, a store
    (esr_dabt(False, ACCESS_FLAG_L2, False), 0x81000010),   # AF = 0
    (esr_dabt(True, PERMISSION_L2, False), 0x80C00018),     # EL0 reads AP=00 memory
]


def test_guest_reads_arm_arm_esr():
    """ESR_EL1/FAR_EL1 the guest reads in its handlers are the ARM ARM's values"""
    r = run_exc()
    assert r.status == 0, r
    assert r.count == 4, (hex(r.count), r)        # 0xbad: the IRQ vector was reached
    assert [(e, f) for e, f, _, _ in r.results] == EXPECTED, [tuple(map(hex, x)) for x in r.results]


def test_elr_and_spsr():
    """ELR_EL1 is the faulting instruction and SPSR_EL1 the interrupted PSTATE (EL1h or EL0t)"""
    r = run_exc()
    elrs = [x[2] for x in r.results]
    spsrs = [x[3] for x in r.results]
    # three EL1 faults at EL1h with DAIF masked (0x3c5); the EL0 one from EL0t (0)
    assert spsrs[:3] == [0x3C5] * 3 and spsrs[3] & 0xF == 0, [hex(x) for x in spsrs]
    # the EL0 program's load is its second instruction
    assert elrs[3] == 0x80A00004, [hex(x) for x in elrs]
    assert all(0x80800000 <= x < 0x80801000 for x in elrs[:3]), [hex(x) for x in elrs]


def test_exception_events():
    """exception events carry ESR, FAR, the vector (VBAR_EL1 + 0x200 / + 0x400) and the EL"""
    r = run_exc()
    vbar = r.syms["vectors"]
    exc = r.of_kind("exception")
    got = [(int(e["esr"], 16), int(e["far"], 16), int(e["vector"], 16), e["el"]) for e in exc]
    want = [(esr, far, vbar + (0x400 if i == 3 else 0x200), 0 if i == 3 else 1)
            for i, (esr, far) in enumerate(EXPECTED)]
    assert got == want, got


def test_sysreg_events():
    """MSR writes to the translation registers and TLBI VMALLE1 are reported with their PC"""
    r = run_exc()
    regs = {e["reg"]: e for e in r.of_kind("sysreg_write")}
    assert int(regs["TCR_EL1"]["value"], 16) == 0x803519, regs["TCR_EL1"]
    assert int(regs["MAIR_EL1"]["value"], 16) == 0xFF
    assert int(regs["TTBR0_EL1"]["value"], 16) == r.syms["l1"]
    assert int(regs["VBAR_EL1"]["value"], 16) == r.syms["vectors"]
    assert [e["op"] for e in r.of_kind("tlb_maintenance")] == ["VMALLE1"]
    on = r.of_kind("mmu_enable")
    assert len(on) == 1 and int(on[0]["sctlr"], 16) & 1 and on[0]["pc"] == regs["SCTLR_EL1"]["pc"], on
    assert r.of_kind("psci")[-1]["function"] == "SYSTEM_OFF"


def test_translate_64():
    """--translate with the final AArch64 registers: blocks, AP, and the level-1 fault"""
    r = run_exc()
    lines = {l.split()[0]: l for l in r.stdout.splitlines() if " -> " in l}
    assert lines["0x0000000080800000"].startswith("0x0000000080800000 -> 0x80800000 2M-block "), lines
    assert lines["0x0000000040000000"] == "0x0000000040000000 -> fault translation level 1", lines
    assert lines["0x0000000081000000"] == "0x0000000081000000 -> fault access_flag level 2", lines
    # AP=11: read-only at EL1 and EL0; PXN, so EL0 may execute it and EL1 may not
    assert " el1=r-- el0=r-x " in lines["0x0000000080a00000"], lines


def test_instruction_count():
    """instructions are counted per block, faulting instructions not retired"""
    r = run_exc()
    assert r.stats["exceptions"] == 4, r.stats
    assert 0 < r.stats["instructions_mmu_on"] < r.stats["instructions"], r.stats


def test_at_writes_par():
    """AT S1E1R/S1E1W give PAR_EL1 from mmuscope's walker (Unicorn's own AT leaves PAR alone)"""
    r = run_exc()
    ok, unmapped, ro = r.pars
    # PAR_EL1, DDI 0487 D13.2.112. F = 0: PA[47:12] = 0x80800, SH[8:7] = 0b11 (inner, l2[4]
    # SH = 3), NS (bit 9), bit 11 RES1, ATTR[63:56] = MAIR Attr0 = 0xff (the guest's MAIR)
    assert ok == 0xFF00000080800000 | 3 << 7 | 1 << 9 | 1 << 11, hex(ok)
    # F = 1, FST[6:1]: translation fault level 1 = 0b000101; permission fault level 2 = 0b001110
    assert unmapped == 1 | 0b000101 << 1 | 1 << 11, hex(unmapped)
    assert ro == 1 | 0b001110 << 1 | 1 << 11, hex(ro)


def test_access_crossing_into_a_faulting_page():
    """tests/guests/a64_cross.S: an 8-byte store whose second half is in a read-only block and an
    8-byte load whose second half is unmapped fault on the second page, not the first (which
    mmuscope's walker permits); FAR is the first byte of the faulting page (the engine splits
    the access there), and the failed store writes nothing."""
    s = syms("a64_cross")
    res, guard = os.path.join(TMP, "cross.bin"), os.path.join(TMP, "guard.bin")
    r = mmuscope("--machine", "virt-a53", "--dump-phys", f"0x{s['results']:x},40,{res}",
                 "--dump-phys", f"0x809ffff8,8,{guard}", os.path.join(GUEST_DIR, "a64_cross.bin"))
    assert r.status == 0, r
    with open(res, "rb") as f:
        count, esr1, far1, esr2, far2 = struct.unpack("<5Q", f.read())
    assert count == 2, (count, r)
    assert (esr1, far1) == (esr_dabt(False, PERMISSION_L2, True), 0x80A00000), (hex(esr1), hex(far1))
    # translation fault at level 2 (l2[6] invalid): DFSC 0b000110
    assert (esr2, far2) == (esr_dabt(False, 0b000110, False), 0x80C00000), (hex(esr2), hex(far2))
    with open(guard, "rb") as f:
        assert struct.unpack("<Q", f.read())[0] == 0x1122334455667788  # untouched by the store


run_tests([test_access_crossing_into_a_faulting_page, test_at_writes_par, test_guest_reads_arm_arm_esr, test_elr_and_spsr, test_exception_events, test_sysreg_events,
           test_translate_64, test_instruction_count])
