#!/usr/bin/env python3
"""armv7-fault: aborts delivered by mmuscope carry the fault status the ARM ARM gives.

Expected DFSR/IFSR values are derived here from the short-descriptor fault encoding
(ARM ARM B3.13.3, Table B3-23 "Short-descriptor format FSR encodings"; B4.1.52 DFSR):
  DFSR[10,3:0] = FS, DFSR[7:4] = domain, DFSR[11] = WnR.
  FS 0b00101 translation fault, section (level 1); 0b01111 permission fault, page (level 2).
"""
import functools
import re

from harness import mmuscope, run_tests, symbols

PAGE_OFFSET = 0xC0000000
SYMS = symbols("armv7-fault")

FS_TRANSLATION_SECTION = 0b00101
FS_PERMISSION_PAGE = 0b01111
WNR = 1 << 11


def dfsr(fs, domain, write):
    return (fs & 0xF) | ((fs >> 4) << 10) | (domain << 4) | (WNR if write else 0)


# The guest's probes, in order (firmware/traps.c run_fault_tests):
# 1. LDR from 0xb0000000: L1[0xb00] is 0 -> translation fault, section; the domain field of a
#    level-1 translation fault is not defined by the descriptor, mmuscope reports 0.
# 2. STR to 0xf0004abc: small page with APX=1 AP=01 (PL1 read-only) in domain 0 (client)
#    -> permission fault, page, domain 0, WnR.
# 3. STR to 0xffff0000: the vectors page, APX=1 AP=11 (read-only at PL1 and PL0), domain 3
#    (DOMAIN_VECTORS, client in DACR 0x51) -> permission fault, page, domain 3, WnR.
EXPECTED_DABT = [
    (dfsr(FS_TRANSLATION_SECTION, 0, False), 0xB0000000),   # 0x00000005
    (dfsr(FS_PERMISSION_PAGE, 0, True), 0xF0004ABC),        # 0x0000080f
    (dfsr(FS_PERMISSION_PAGE, 3, True), 0xFFFF0000),        # 0x0000083f
]
assert [d for d, _ in EXPECTED_DABT] == [0x005, 0x80F, 0x83F]  # the arithmetic, by hand
# 5. branch to 0xb0100000: L1[0xb01] is 0 -> IFSR = translation fault, section = 0x5
EXPECTED_PABT = (FS_TRANSLATION_SECTION, 0xB0100000)


@functools.lru_cache(maxsize=None)
def run(machine, base):
    return mmuscope("--machine", machine, "--set", f"machine.ram_base=0x{base:08x}",
                    "--translate", "0xf0004abc,0xffff0000,0xb0100000", "armv7-fault")


def check_guest_report(machine, base):
    r = run(machine, base)
    assert r.status == 0, r
    got = [(int(a, 16), int(b, 16)) for a, b in
           re.findall(r"^data abort: DFSR=0x([0-9a-f]{8}) DFAR=0x([0-9a-f]{8})$", r.stdout, re.M)]
    assert got == EXPECTED_DABT, (got, r.stdout)
    pabt = re.findall(r"^prefetch abort: IFSR=0x([0-9a-f]{8}) IFAR=0x([0-9a-f]{8})$", r.stdout, re.M)
    assert [(int(a, 16), int(b, 16)) for a, b in pabt] == [EXPECTED_PABT], pabt
    und = re.findall(r"^undefined instruction: PC=0x([0-9a-f]{8}) insn=0x([0-9a-f]{8})", r.stdout, re.M)
    # the handler computes PC from LR_und - 4 (ARM ARM B1.9.6): the UDF's own address
    assert [(int(a, 16), int(b, 16)) for a, b in und] == [(SYMS["probe_undef_insn"], 0xE7F000F0)], und
    assert "fault tests: 5/5 passed" in r.stdout, r.stdout


def test_guest_sees_arm_arm_fsr_a15():
    """cortex-a15 at 0x80000000: DFSR/DFAR/IFSR/IFAR the guest reads match the ARM ARM"""
    check_guest_report("virt-a15", 0x80000000)


def test_guest_sees_arm_arm_fsr_a7():
    """cortex-a7 at 0x10000000: the same fault status words"""
    check_guest_report("virt-a7", 0x10000000)


def test_guest_sees_arm_arm_fsr_a9():
    """cortex-a9 (SMC conduit) at 0x80000000: the same fault status words"""
    check_guest_report("virt-a9", 0x80000000)


def test_exception_events():
    """exception events: type, FSR, FAR, faulting pc and the high vector taken (SCTLR.V = 1)"""
    r = run("virt-a15", 0x80000000)
    exc = r.of_kind("exception")
    got = [(e["type"], e["pc"], e["fsr"], e["far"], e["vector"]) for e in exc]
    h = lambda v: f"0x{v:08x}"  # noqa: E731
    # vectors at 0xffff0000: +0x04 undefined, +0x0c prefetch abort, +0x10 data abort (B1.8.1)
    want = [
        ("data_abort", h(SYMS["probe_read_insn"]), h(0x005), h(0xB0000000), "0xffff0010"),
        ("data_abort", h(SYMS["probe_write_insn"]), h(0x80F), h(0xF0004ABC), "0xffff0010"),
        ("data_abort", h(SYMS["probe_write_insn"]), h(0x83F), h(0xFFFF0000), "0xffff0010"),
        ("undefined", h(SYMS["probe_undef_insn"]), h(0), h(0), "0xffff0004"),
        ("prefetch_abort", h(0xB0100000), h(0x005), h(0xB0100000), "0xffff000c"),
    ]
    assert got == want, got
    assert [e.get("fault") for e in exc] == ["translation", "permission", "permission", None,
                                             "translation"], exc
    assert r.stats["exceptions"] == 5, r.stats
    # no walker disagreement or other error along the way
    assert not r.of_kind("error"), r.of_kind("error")


def test_translate_fault_pages():
    """--translate: the read-only page and the vectors page as the walker sees them at the end"""
    r = run("virt-a15", 0x80000000)
    lines = {l.split()[0]: l for l in r.stdout.splitlines() if l.startswith("0x") and " -> " in l}
    ro_pa = SYMS["ro_page"] - PAGE_OFFSET + 0x80000000 + 0xABC
    assert lines["0xf0004abc"].startswith(f"0xf0004abc -> 0x{ro_pa:08x} 4K-page pl1=ro pl0=-- "), lines
    assert " dom=0 " in lines["0xf0004abc"] and " ng " in lines["0xf0004abc"], lines
    vec_pa = SYMS["vectors_page"] - PAGE_OFFSET + 0x80000000
    assert lines["0xffff0000"].startswith(f"0xffff0000 -> 0x{vec_pa:08x} 4K-page pl1=ro "), lines
    assert " dom=3 " in lines["0xffff0000"], lines
    assert lines["0xb0100000"] == "0xb0100000 -> fault translation level 1", lines


run_tests([test_guest_sees_arm_arm_fsr_a15, test_guest_sees_arm_arm_fsr_a7,
           test_guest_sees_arm_arm_fsr_a9, test_exception_events, test_translate_fault_pages])
