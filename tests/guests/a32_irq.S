/*
 * a32_irq: the GICv2 and the virtual timer as an AArch32 kernel uses them (tests/integration/
 * test_a64_irq.py), the twin of a64_irq.S. Loaded raw at 0x80008000 on virt-a15, SVC mode, MMU
 * off (the GIC at 0x08000000 and 0x08010000 by physical address).
 *   1. GICD_CTLR = 1, PPI 27 (virtual timer) enabled with priority 0xa0; GICC_PMR = 0xf0,
 *      GICC_CTLR = 1.
 *   2. VBAR = vectors; the IRQ handler at +0x18 reads GICC_IAR, records the ID and CNTVCT
 *      (MRRC p15, 1, c14), moves CNTV_CVAL (MRRC/MCRR p15, 3, c14) on by PERIOD, writes
 *      GICC_EOIR, returns with SUBS PC, LR, #4.
 *   3. CNTV_CVAL = CNTVCT + PERIOD, CNTV_CTL = ENABLE (MCR p15, 0, c14, c3, 1); CPSIE I; WFI
 *      until COUNT interrupts.
 *   4. mask the timer (IMASK), store the results, PSCI SYSTEM_OFF.
 * results (32-bit words at `results`): [0] interrupts taken, [1] the IDs or'ed together,
 * [2] CNTVCT (low word) at the first interrupt, [3] at the last, [4] CNTFRQ, [5] spurious IARs,
 * [6] CNTV_CTL read in the handler (ISTATUS = bit 2 must be set), [7] IRQ-mode SPSR's mode.
 */
	.syntax	unified
	.arch	armv7-a
	.arch_extension virt
	.arm
	.equ	GICD, 0x08000000
	.equ	GICC, 0x08010000
	.equ	PERIOD, 62500			@ 1 ms at 62.5 MHz
	.equ	COUNT, 5

	.globl	_start
_start:
	ldr	sp, =stack_top
	cps	#0x12				@ IRQ mode: its own SP
	ldr	sp, =irq_stack_top
	cps	#0x13				@ back to SVC
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR
	isb

	ldr	r1, =GICD
	mov	r0, #1
	str	r0, [r1, #0x000]		@ GICD_CTLR: enable
	mov	r0, #(1 << 27)
	str	r0, [r1, #0x100]		@ GICD_ISENABLER0: PPI 27
	mov	r0, #0xa0
	strb	r0, [r1, #(0x400 + 27)]		@ GICD_IPRIORITYR: byte 27
	ldr	r1, =GICC
	mov	r0, #0xf0
	str	r0, [r1, #0x04]			@ GICC_PMR
	mov	r0, #1
	str	r0, [r1, #0x00]			@ GICC_CTLR: enable

	ldr	r10, =results
	mrc	p15, 0, r0, c14, c0, 0		@ CNTFRQ
	str	r0, [r10, #16]
	mrrc	p15, 1, r0, r1, c14		@ CNTVCT
	ldr	r2, =PERIOD
	adds	r0, r0, r2
	adc	r1, r1, #0
	mcrr	p15, 3, r0, r1, c14		@ CNTV_CVAL
	mov	r0, #1
	mcr	p15, 0, r0, c14, c3, 1		@ CNTV_CTL: ENABLE, IMASK clear
	cpsie	i
1:	wfi
	ldr	r0, [r10]
	cmp	r0, #COUNT
	blo	1b
	cpsid	i
	mov	r0, #3
	mcr	p15, 0, r0, c14, c3, 1		@ IMASK: the PPI drops
	movw	r0, #8
	movt	r0, #0x8400			@ PSCI SYSTEM_OFF
	hvc	#0
	b	.

irq_handler:
	push	{r0-r5, lr}
	mrc	p15, 0, r0, c14, c3, 1		@ CNTV_CTL: ISTATUS set while the condition holds
	str	r0, [r10, #24]
	mrs	r0, spsr
	and	r0, r0, #0x1f
	str	r0, [r10, #28]
	ldr	r1, =GICC
	ldr	r2, [r1, #0x0c]			@ GICC_IAR
	ubfx	r3, r2, #0, #10
	ldr	r0, =1023
	cmp	r3, r0
	beq	2f
	ldr	r4, [r10]
	add	r4, r4, #1
	str	r4, [r10]
	ldr	r5, [r10, #4]
	mov	r0, #1
	orr	r5, r5, r0, lsl r3		@ ID bit (27 -> 1 << 27)
	str	r5, [r10, #4]
	mrrc	p15, 1, r0, r5, c14		@ CNTVCT
	cmp	r4, #1
	streq	r0, [r10, #8]
	str	r0, [r10, #12]
	mrrc	p15, 3, r0, r5, c14		@ CNTV_CVAL
	ldr	r4, =PERIOD
	adds	r0, r0, r4
	adc	r5, r5, #0
	mcrr	p15, 3, r0, r5, c14
	str	r2, [r1, #0x10]			@ GICC_EOIR
	pop	{r0-r5, lr}
	subs	pc, lr, #4
2:	ldr	r4, [r10, #20]
	add	r4, r4, #1
	str	r4, [r10, #20]
	pop	{r0-r5, lr}
	subs	pc, lr, #4

	.ltorg
	.balign	32
vectors:
	b	.				@ reset
	b	.				@ undefined
	b	.				@ SVC
	b	.				@ prefetch abort
	b	.				@ data abort
	b	.
	b	irq_handler			@ +0x18 IRQ
	b	.				@ FIQ

	.balign	8
	.globl	results
results:
	.fill	8, 4, 0
	.balign	8
	.fill	256, 1, 0
irq_stack_top:
	.fill	256, 1, 0
stack_top:
