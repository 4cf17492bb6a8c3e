#!/usr/bin/env python3
"""The GICv2 and the generic timer on tests/guests/a64_irq.S: a guest programs the virtual timer
(PPI 27) through the GIC, sleeps in WFI and takes its interrupts at VBAR_EL1 + 0x280; the same on
AArch32 (a32_irq.S), and interrupts racing EL0 data aborts (a64_irq_el0.S).

Expected values: GIC register semantics from IHI 0048B, timer semantics from DDI 0487 D11, the
guest's own constants (PERIOD = 62500 ticks, COUNT = 5) and the machine's 62.5 MHz counter.
"""
import os
import struct
import subprocess
import tempfile

from harness import LLVM_NM, mmuscope, run_tests

GUEST_DIR = os.environ.get("MMUSCOPE_GUEST_DIR", "build/tests/guests")
IMAGE = os.path.join(GUEST_DIR, "a64_irq.bin")
TMP = tempfile.mkdtemp(prefix="mmuscope-irq-")
PERIOD, COUNT, FREQ = 62500, 5, 62_500_000


def results_addr(name="a64_irq"):
    out = subprocess.run([LLVM_NM, os.path.join(GUEST_DIR, name + ".elf")], capture_output=True, text=True,
                         check=True).stdout
    return next(int(l.split()[0], 16) for l in out.splitlines() if l.endswith(" results"))


def run(*extra):
    dump = os.path.join(TMP, "res.bin")
    if os.path.exists(dump):
        os.unlink(dump)
    r = mmuscope("--machine", "virt-a53", "--dump-phys", f"{results_addr():#x},48,{dump}", *extra, IMAGE)
    assert r.status == 0, r  # the guest powers off after COUNT interrupts
    with open(dump, "rb") as f:
        return r, struct.unpack("<6Q", f.read())


def test_timer_interrupts_through_the_gic():
    """five virtual-timer interrupts, ID 27 each, acknowledged at GICC_IAR, none spurious"""
    r, (taken, ids, first, last, freq, spurious) = run()
    assert r.status == 0, r  # the guest powers off after COUNT interrupts
    assert taken == COUNT and r.stats["interrupts"] == COUNT, (taken, r.stats)
    assert ids == 1 << 27  # only the virtual timer's PPI (arm,armv8-timer: virt = PPI 11 = ID 27)
    assert spurious == 0
    assert freq == FREQ  # CNTFRQ_EL0 as the machine sets it (timer.frequency)


def test_wfi_sleeps_until_the_deadline():
    """each WFI skips the counter to CVAL: the interrupts are PERIOD ticks apart"""
    r, (taken, ids, first, last, freq, spurious) = run()
    # the first deadline is CNTVCT at the start (a few ticks: ~100 cycles at 1 GHz -> ~6 ticks)
    # + PERIOD; each handler moves CVAL on by PERIOD, so the last interrupt comes 4 PERIODs later.
    # The handler reads CNTVCT a few instructions after the interrupt: at most ~60 cycles, 4 ticks.
    assert PERIOD <= first < PERIOD + 20, first
    assert 4 * PERIOD <= last - first < 4 * PERIOD + 10, (first, last)
    assert r.stats["wfi_idle"] == COUNT, r.stats  # nothing else wakes the core
    assert r.stats["instructions"] < 500  # idle time is skipped, not executed


def test_counter_follows_the_cycle_model():
    """machine.cpu_hz scales the counter: at 500 MHz a cycle is twice as many ticks"""
    r1, res1 = run()
    r2, res2 = run("--set", "machine.cpu_hz=500000000")
    # before the first WFI only executed cycles advance the counter: ticks = cycles * f / hz
    start1, start2 = res1[2] - PERIOD, res2[2] - PERIOD
    assert start2 >= 2 * start1 - 1 and start1 > 0, (start1, start2)


def test_aarch32_timer_interrupts():
    """tests/guests/a32_irq.S on virt-a15: the same GIC and virtual timer through cp15 c14
    (MRRC CNTVCT, MCRR CNTV_CVAL, MCR/MRC CNTV_CTL), IRQs taken at VBAR + 0x18 in IRQ mode"""
    dump = os.path.join(TMP, "a32.bin")
    image = os.path.join(GUEST_DIR, "a32_irq.bin")
    r = mmuscope("--machine", "virt-a15", "--dump-phys", f"{results_addr('a32_irq'):#x},32,{dump}", image)
    assert r.status == 0, r
    with open(dump, "rb") as f:
        taken, ids, first, last, freq, spurious, ctl, mode = struct.unpack("<8I", f.read())
    assert taken == COUNT and r.stats["interrupts"] == COUNT and spurious == 0, (taken, spurious, r.stats)
    assert ids == 1 << 27 and freq == FREQ
    # CNTV_CTL in the handler: ENABLE (bit 0) | ISTATUS (bit 2), IMASK clear (B4.1.31)
    assert ctl == 0b101, ctl
    assert mode == 0x13, hex(mode)  # SPSR_irq: interrupted in SVC mode (the WFI loop)
    # as on AArch64: the model's counter, first deadline = start (a few ticks) + PERIOD, then
    # PERIOD apart; each WFI skips to the deadline
    assert PERIOD <= first < PERIOD + 20, first
    assert last - first == 4 * PERIOD or 4 * PERIOD <= last - first < 4 * PERIOD + 10, (first, last)
    assert r.stats["wfi_idle"] == COUNT, r.stats


def test_interrupt_racing_an_el0_data_abort():
    """tests/guests/a64_irq_el0.S: timer deadlines noticed at the start of an EL0 block that then
    faults. The IRQ is taken first (at the block boundary), returns to the load, and the load
    takes its own data abort; nothing reaches the current-EL vectors. (Before the fix the engine
    took the IRQ while mmuscope was stopping for the abort, and mmuscope re-ran the user load at
    EL1: a PXN instruction abort, ESR 0x8600000e, the bug that stopped Debian's installer.)"""
    dump = os.path.join(TMP, "el0.bin")
    image = os.path.join(GUEST_DIR, "a64_irq_el0.bin")
    r = mmuscope("--machine", "virt-a53", "--dump-phys", f"{results_addr('a64_irq_el0'):#x},48,{dump}", image)
    assert r.status == 0, r
    with open(dump, "rb") as f:
        aborts, irqs, wrong, bad, bad_esr, bad_elr = struct.unpack("<6Q", f.read())
    assert bad == 0, (hex(bad_esr), hex(bad_elr))
    assert aborts == 3000 and wrong == 0, (aborts, wrong)  # FAULTS, each EC 0x24 DFSC 0x05 FAR 0x40000000
    # one deadline per PERIOD = 625 ticks = 10000 cycles at 1 GHz; the run is >= 3000 iterations
    # of ~105 instructions, so >= ~30 deadlines; the guest stops once it has seen 20
    assert irqs >= 20 and r.stats["interrupts"] == irqs, (irqs, r.stats)
    assert r.stats["exceptions"] == aborts, r.stats  # every abort delivered once, none doubled


run_tests([test_timer_interrupts_through_the_gic, test_wfi_sleeps_until_the_deadline,
           test_counter_follows_the_cycle_model, test_aarch32_timer_interrupts,
           test_interrupt_racing_an_el0_data_abort])
