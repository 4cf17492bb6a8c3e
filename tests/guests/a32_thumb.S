/*
 * a32_thumb: exceptions taken from Thumb state, and the pc of an AArch32 stale_tlb_hit
 * (tests/integration/test_engine.py). Loaded raw
 * at 0x80008000 on virt-a15. The MMU is turned on with one short-descriptor section: VA =
 * PA 0x80000000..0x800fffff (AP = 11, domain 0 client); every other VA faults.
 * ARM ARM (DDI 0406C) B1.8.3 Table B1-7: LR_und = the instruction's address + 4 in ARM state
 * and + 2 in Thumb state, for 16-bit and 32-bit Thumb instructions alike (Linux's
 * __und_usr_thumb reads the first halfword of a T32 instruction at LR - 2).
 * The handler stores LR_und and SPSR's T bit at results[n] and returns past the instruction
 * (its width is known to this test: the handler adds results' `skip` word).
 * results: [0] count, then (LR, SPSR) for: 1. A32 UDF at a32_udf, 2. T16 UDF at t16_udf,
 * 3. T32 UDF.W at t32_udf.
 * Then a data abort in Thumb state: the T16 `ldr r0, [r1]` at t16_ldr with r1 = 0x40000000
 * takes a section translation fault; LR_abt = t16_ldr + 8 (Table B1-7, both states). The abort handler stores LR and SPSR.T in abort[0..1] and returns to the next
 * instruction (LR - 6, a T16 `movs r5, #0x5a`), which must run in Thumb state: abort[2] = r5.
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
	cps	#0x17				@ Abort mode: its own SP
	ldr	sp, =abt_stack_top
	cps	#0x13
	ldr	r0, =vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR
	isb
	ldr	r0, =ttb
	ldr	r1, =0x80000c02			@ section 0x800: PA 0x80000000, AP = 11, domain 0
	add	r2, r0, #(0x800 * 4)
	str	r1, [r2]
	mcr	p15, 0, r0, c2, c0, 0		@ TTBR0
	mov	r1, #0
	mcr	p15, 0, r1, c2, c0, 2		@ TTBCR = 0
	mov	r1, #1
	mcr	p15, 0, r1, c3, c0, 0		@ DACR: domain 0 client
	mcr	p15, 0, r1, c8, c7, 0		@ TLBIALL
	dsb
	isb
	mrc	p15, 0, r1, c1, c0, 0
	orr	r1, r1, #1			@ SCTLR.M
	mcr	p15, 0, r1, c1, c0, 0
	isb

	@ a stale TLB entry: VA 0x90000000 -> PA 0x80100000 is used, then its section descriptor is
	@ rewritten to PA 0x80200000 without TLBI, then used again from the middle of a block
	ldr	r2, =ttb
	add	r4, r2, #(0x900 * 4)
	ldr	r3, =0x80100c02
	str	r3, [r4]
	dsb
	isb
	mov	r1, #0x90000000
	ldr	r0, [r1]			@ cached in the modelled TLB
	ldr	r3, =0x80200c02
	str	r3, [r4]			@ no TLBI
	dsb
	isb					@ ends the block: the next starts at the first nop
	nop
	nop
	.globl	stale_ldr
stale_ldr:
	ldr	r0, [r1]			@ stale_tlb_hit, its pc this instruction
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
	mov	r1, #0x40000000			@ no section there
	movs	r5, #0
	.globl	t16_ldr
t16_ldr:
	ldr	r0, [r1]			@ alignment fault
	movs	r5, #0x5a			@ the abort handler returns here, in Thumb state
	ldr	r1, =abort
	str	r5, [r1, #8]
	bx	lr
	.ltorg
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

abt_handler:
	push	{r0-r2}
	ldr	r1, =abort
	str	lr, [r1]
	mrs	r2, spsr
	and	r2, r2, #0x20			@ T
	str	r2, [r1, #4]
	pop	{r0-r2}
	subs	pc, lr, #6			@ t16_ldr + 2: past the 16-bit load

	.ltorg
	.balign	32
vectors:
	b	.
	b	und_handler			@ +0x04 undefined
	b	.
	b	.
	b	abt_handler			@ +0x10 data abort
	.rept	3
	b	.
	.endr

	.balign	8
	.globl	results
results:
	.fill	7, 4, 0
	.globl	abort
abort:
	.fill	3, 4, 0
	.balign	8
	.fill	128, 1, 0
und_stack_top:
	.fill	128, 1, 0
abt_stack_top:
	.fill	128, 1, 0
	.balign	16384
ttb:
	.fill	4096, 4, 0
stack_top:
