/*
 * a32_undef: the link value of Undefined Instruction exceptions taken from Thumb state
 * (tests/integration/test_engine.py). Loaded raw at 0x80008000 on virt-a15, MMU off.
 * ARM ARM (DDI 0406C) B1.8.3 Table B1-7: LR_und = the instruction's address + 4 in ARM state
 * and + 2 in Thumb state, for 16-bit and 32-bit Thumb instructions alike (Linux's
 * __und_usr_thumb reads the first halfword of a T32 instruction at LR - 2).
 * The handler stores LR_und and SPSR's T bit at results[n] and returns past the instruction
 * (its width is known to this test: the handler adds results' `skip` word).
 * results: [0] count, then (LR, SPSR) for: 1. A32 UDF at a32_udf, 2. T16 UDF at t16_udf,
 * 3. T32 UDF.W at t32_udf.
 */
	.syntax	unified
	.arch	armv7-a
	.arch_extension virt
	.arm
	.globl	_start
_start:
	ldr	sp, =stack_top
	cps	#0x1b				@ Undefined mode: its own SP
	ldr	sp, =und_stack_top
	cps	#0x13
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR
	isb
	ldr	r10, =results
	mov	r11, #0				@ bytes to skip past LR on return
	.globl	a32_udf
a32_udf:
	udf	#0				@ A32: LR = a32_udf + 4, the next instruction
	adr	r0, thumb_part + 1
	blx	r0
	movw	r0, #8
	movt	r0, #0x8400			@ PSCI SYSTEM_OFF
	hvc	#0
	b	.

	.thumb
	.thumb_func
thumb_part:
	mov	r11, #0				@ T16: LR = t16_udf + 2, the next instruction
	.globl	t16_udf
t16_udf:
	udf	#0
	mov	r11, #2				@ T32: LR = t32_udf + 2, the middle of it
	.globl	t32_udf
t32_udf:
	udf.w	#0
	bx	lr
	.arm

und_handler:
	push	{r0-r2}
	ldr	r0, [r10]
	add	r1, r0, #1
	str	r1, [r10]
	add	r1, r10, #4
	add	r1, r1, r0, lsl #3
	str	lr, [r1]
	mrs	r2, spsr
	and	r2, r2, #0x20			@ T
	str	r2, [r1, #4]
	pop	{r0-r2}
	add	lr, lr, r11
	movs	pc, lr

	.ltorg
	.balign	32
vectors:
	b	.
	b	und_handler			@ +0x04 undefined
	.rept	6
	b	.
	.endr

	.balign	8
	.globl	results
results:
	.fill	7, 4, 0
	.balign	8
	.fill	128, 1, 0
und_stack_top:
	.fill	128, 1, 0
stack_top:
