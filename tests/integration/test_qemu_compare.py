#!/usr/bin/env python3
"""Our firmware in mmuscope and in QEMU 7.2 (an independent implementation of the ARM MMU):
the guest's own report -- page-table descriptors it reads back, TTBR/TTBCR/MAIR values, PAR
results of ATS1CPR, fault status registers of deliberate aborts -- must be the same line for
line, except the lines scripts/qemu_compare.py lists with their reason (device tree size and
cells, MIDR)."""
import os
import subprocess
import sys

from harness import run_tests

SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "qemu_compare.py")


def compare(*args):
    p = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    for line in p.stdout.splitlines():
        if " on " in line:
            assert "0 unexplained" in line and "QEMU exit 0" in line and "mmuscope exit 0" in line, line
    return p.stdout


def test_armv7_images_on_a15():
    """armv7-head, armv7-fault, armv7-lpae-head, armv7-lpae-fault on cortex-a15: same report as QEMU"""
    out = compare("armv7-head", "armv7-fault", "armv7-lpae-head", "armv7-lpae-fault")
    assert out.count(" on cortex-a15") == 4, out


def test_armv7_images_on_a7():
    """armv7-head and armv7-lpae-head on cortex-a7: same report as QEMU"""
    out = compare("--cpu", "cortex-a7", "armv7-head", "armv7-lpae-head")
    assert out.count(" on cortex-a7") == 2, out


def test_armv8_head_on_a53():
    """armv8-head (its -qemu build, booted by QEMU as an arm64 Image) on cortex-a53: 128 lines, all
    identical but the two that depend on the size of QEMU's 1 MiB device tree"""
    out = compare("armv8-head")
    assert "armv8-head on cortex-a53:" in out and "2 differ for known reasons" in out, out


if __name__ == "__main__":
    run_tests([v for k, v in sorted(globals().items()) if k.startswith("test_")])
