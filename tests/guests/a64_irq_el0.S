/*
 * a64_irq_el0: timer interrupts racing data aborts at EL0 (tests/integration/test_a64_irq.py).
 * Loaded raw at 0x80800000 on virt-a53, EL1h, MMU off.
 *
 * The EL0 program is a long block of NOPs that ends in a load from an unmapped VA, so most
 * timer deadlines are noticed at the start of that block: the GIC's line goes up and the same
 * block then faults. Architecturally the interrupt and the abort are separate events: the IRQ
 * is taken at a block boundary before the load, returns to it, and the load then takes its
 * data abort (lower EL, ESR EC 0x24). Nothing may arrive at the current-EL vectors.
 *
 * Tables (4 KiB granule, T0SZ = 25: 39-bit VAs, the walk starts at level 1):
 *   L1[0]  0x00000000 1 GiB block, Device-nGnRnE, XN  (GIC 0x08000000/0x08010000, PL011)
 *   L1[1]  invalid                                     (0x40000000: translation fault, level 1)
 *   L1[2]  -> l2
 *   l2[4]  0x80800000 2 MiB, EL1 RW, EL0 none, UXN     (this image, its data and stack)
 *   l2[5]  0x80a00000 2 MiB, AP=11 (RO at EL0 and EL1), PXN  (the EL0 program)
 * The sync handler (+0x400) checks each abort (EC 0x24, DFSC 0x05 = translation fault level 1,
 * FAR 0x40000000), steps over the load, and once FAULTS aborts and at least MIN_IRQS timer
 * interrupts have been seen powers off. The IRQ handler (+0x480) acknowledges PPI 27 and moves
 * CNTV_CVAL on by PERIOD.
 * results: [0] data aborts taken, [1] interrupts taken, [2] aborts with a wrong ESR/FAR,
 * [3] exceptions at a current-EL vector (each stores its ESR in [4] and ELR in [5]).
 */
	.equ	PERIOD, 625			// 10 us at 62.5 MHz: 10000 cycles at 1 GHz
	.equ	FAULTS, 3000
	.equ	MIN_IRQS, 20

	.include "a64_guest.inc"
	.section .text.boot, "ax"
	.globl	_start
_start:
	a64_entry vectors		// a64_guest.inc: SP, VBAR_EL1
	a64_mmu_on l1			// a64_guest.inc: MAIR, TCR (T0SZ 25, 4K), TTBR0 = l1, M|C|I

	a64_gic_timer_irq		// a64_guest.inc: GIC on, PPI 27 enabled

	adr	x20, results
	mrs	x0, cntvct_el0
	add	x0, x0, #PERIOD
	msr	cntv_cval_el0, x0
	mov	x0, #1
	msr	cntv_ctl_el0, x0		// ENABLE, IMASK clear

	ldr	x0, =el0_program
	msr	elr_el1, x0
	msr	spsr_el1, xzr			// EL0t, DAIF clear: IRQs taken at EL0
	eret

finish:
	mov	x0, #3
	msr	cntv_ctl_el0, x0		// IMASK: the PPI drops
	a64_system_off			// a64_guest.inc: PSCI SYSTEM_OFF
1:	b	1b

	.ltorg

	.balign	2048
vectors:
	.rept	4				// 0x000..0x180: current EL with SP_EL0
	b	bad
	.balign	0x80
	.endr
	.rept	4				// 0x200..0x380: current EL with SP_ELx
	b	bad
	.balign	0x80
	.endr
	.org	vectors + 0x400			// lower EL, AArch64, synchronous
	b	low_sync
	.org	vectors + 0x480			// lower EL, AArch64, IRQ
	b	low_irq
	.org	vectors + 0x500
	.rept	2
	b	bad
	.balign	0x80
	.endr
	.org	vectors + 0x800

low_sync:
	mrs	x9, esr_el1
	mrs	x10, far_el1
	ldr	x11, =0x92000005		// EC 0x24 << 26 | IL | DFSC 0b000101 (translation, level 1)
	cmp	x9, x11
	b.ne	1f
	movz	x11, #0x4000, lsl #16
	cmp	x10, x11
	b.eq	2f
1:	ldr	x12, [x20, #16]
	add	x12, x12, #1
	str	x12, [x20, #16]
2:	ldr	x12, [x20]
	add	x12, x12, #1
	str	x12, [x20]
	cmp	x12, #FAULTS
	b.lo	3f
	ldr	x13, [x20, #8]
	cmp	x13, #MIN_IRQS
	b.hs	finish
3:	mrs	x9, elr_el1			// step over the load
	add	x9, x9, #4
	msr	elr_el1, x9
	eret

low_irq:
	ldr	x9, =GICC
	ldr	w10, [x9, #0x0c]		// GICC_IAR
	and	w11, w10, #0x3ff
	cmp	w11, #27
	b.ne	bad
	ldr	x12, [x20, #8]
	add	x12, x12, #1
	str	x12, [x20, #8]
	mrs	x12, cntv_cval_el0
	add	x12, x12, #PERIOD
	msr	cntv_cval_el0, x12
	str	w10, [x9, #0x10]		// GICC_EOIR
	eret

bad:
	ldr	x12, [x20, #24]
	add	x12, x12, #1
	str	x12, [x20, #24]
	mrs	x12, esr_el1
	str	x12, [x20, #32]
	mrs	x12, elr_el1
	str	x12, [x20, #40]
	b	finish

	.data
	.balign	4096
l1:
	.quad	0x0060000000000405		// block 0x00000000, AttrIndx 1, AF, PXN|UXN
	.quad	0
	.quad	l2 + 3				// table
	.fill	509, 8, 0
l2:
	.fill	4, 8, 0
	.quad	0x0040000080800701		// 0x80800000: AttrIndx 0, SH inner, AF, UXN
	.quad	0x0020000080a007c1		// 0x80a00000: AP=11, AF, PXN
	.fill	506, 8, 0
	.globl	results
results:
	.fill	6, 8, 0
	.balign	16
	.fill	512, 8, 0
stack_top:

	.section .text.el0, "ax"
el0_program:
	movz	x1, #0x4000, lsl #16
1:	.rept	100
	nop
	.endr
	ldr	x2, [x1]			// translation fault, level 1
	b	1b
