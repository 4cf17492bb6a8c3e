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


if __name__ == "__main__":
    run_tests([v for k, v in sorted(globals().items()) if k.startswith("test_")])
