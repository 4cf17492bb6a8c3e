/*
 * a64_irq: the GICv2 and the virtual timer as a kernel uses them (tests/integration/
 * test_a64_irq.py). Loaded raw at 0x80800000 on virt-a53, EL1h, MMU off (the GIC at 0x08000000
 * and 0x08010000, the PL011 at 0x09000000 are reached by physical address).
 *   1. GICD_CTLR = 1, PPI 27 (virtual timer) enabled with priority 0xa0; GICC_PMR = 0xf0,
 *      GICC_CTLR = 1.
 *   2. VBAR_EL1 = vectors; the IRQ handler at +0x280 reads GICC_IAR, records the ID and
 *      CNTVCT_EL0, moves CNTV_CVAL_EL0 on by PERIOD, writes GICC_EOIR, returns.
 *   3. CNTV_CVAL = CNTVCT + PERIOD, CNTV_CTL = ENABLE; unmask IRQs; WFI until COUNT interrupts.
 *   4. mask the timer (IMASK), store the results, PSCI SYSTEM_OFF.
 * results (at the symbol `results`): [0] interrupts taken, [1] the IDs or'ed together,
 * [2] CNTVCT at the first interrupt, [3] CNTVCT at the last, [4] CNTFRQ_EL0, [5] spurious IARs.
 */
	.equ	PERIOD, 62500			// 1 ms at 62.5 MHz
	.equ	COUNT, 5

	.include "a64_guest.inc"
	.section .text.boot, "ax"
	.globl	_start
_start:
	a64_entry vectors		// a64_guest.inc: SP, VBAR_EL1
	isb

	a64_gic_timer_irq		// a64_guest.inc: GIC on, PPI 27 enabled

	adr	x20, results
	str	xzr, [x20]
	mrs	x0, cntfrq_el0
	str	x0, [x20, #32]
	mrs	x0, cntvct_el0
	ldr	x1, =PERIOD
	add	x0, x0, x1
	msr	cntv_cval_el0, x0
	mov	x0, #1
	msr	cntv_ctl_el0, x0		// ENABLE, IMASK clear
	msr	daifclr, #2			// unmask IRQ
1:	wfi
	ldr	x0, [x20]
	cmp	x0, #COUNT
	b.lo	1b
	msr	daifset, #2
	mov	x0, #3
	msr	cntv_ctl_el0, x0		// IMASK: the PPI drops
	ldr	x0, =0x84000008			// PSCI SYSTEM_OFF
	hvc	#0
	b	.

irq_handler:
	ldr	x1, =GICC
	ldr	w2, [x1, #0x0c]			// GICC_IAR
	and	w3, w2, #0x3ff
	cmp	w3, #1023
	b.eq	2f
	ldr	x4, [x20]
	add	x4, x4, #1
	str	x4, [x20]
	ldr	x5, [x20, #8]
	mov	x6, #1
	lsl	x6, x6, x3
	orr	x5, x5, x6			// ID bit (27 -> 1 << 27)
	str	x5, [x20, #8]
	mrs	x6, cntvct_el0
	cmp	x4, #1
	b.ne	3f
	str	x6, [x20, #16]
3:	str	x6, [x20, #24]
	mrs	x0, cntv_cval_el0
	ldr	x7, =PERIOD
	add	x0, x0, x7
	msr	cntv_cval_el0, x0
	str	w2, [x1, #0x10]			// GICC_EOIR
	eret
2:	ldr	x4, [x20, #40]
	add	x4, x4, #1
	str	x4, [x20, #40]
	eret

	.balign	2048
vectors:
	.rept	5
	b	.
	.balign	128
	.endr
	b	irq_handler			// +0x280: IRQ, current EL with SPx
	.balign	128
	.rept	10
	b	.
	.balign	128
	.endr

	.data
	.balign	8
	.globl	results
results:
	.fill	6, 8, 0
	.balign	16
	.fill	1024, 1, 0
stack_top:
