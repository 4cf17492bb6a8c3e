/*
 * a32_cycles: reads mmuscope's AArch32 cycle counter (MMIO page at cycles.base, default
 * 0x09010000; docs/cli.md) around a 100-iteration loop and stores ID, the two counts and the
 * instruction count at `results`; then reads PMCCNTR with MRC (A32) around the same loop, once
 * with a failing condition (the register must keep 0x5a) and once from Thumb, and stores those
 * at `mrc_results`. Loaded raw at 0x80008000, MMU off. (test_engine.py)
 */
	.syntax	unified
	.arch	armv7-a
	.arch_extension virt
	.arm
	.globl	_start
_start:
	movw	r4, #0x0000
	movt	r4, #0x0901
	ldr	r0, [r4, #0x10]		@ ID
	ldr	r1, [r4]		@ CYCLES_LO
	mov	r5, #100
1:	subs	r5, r5, #1
	bne	1b
	ldr	r2, [r4]		@ CYCLES_LO
	ldr	r3, [r4, #0x04]		@ CYCLES_HI (latched by the read before)
	ldr	r7, [r4, #0x08]		@ INSNS_LO
	adr	r6, results
	stm	r6, {r0, r1, r2, r3, r7}

	mrc	p15, 0, r8, c9, c13, 0	@ PMCCNTR
	mov	r5, #100
3:	subs	r5, r5, #1
	bne	3b
	mrc	p15, 0, r9, c9, c13, 0	@ PMCCNTR
	mov	r10, #0x5a
	cmp	r10, r10		@ Z = 1
	mrcne	p15, 0, r10, c9, c13, 0	@ not executed: r10 keeps 0x5a
	adr	r11, thumb_read + 1
	blx	r11			@ r12 = PMCCNTR read in Thumb state
	adr	r6, mrc_results
	stm	r6, {r8, r9, r10, r12}
	movw	r0, #8
	movt	r0, #0x8400
	hvc	#0
2:	b	2b

	.thumb
	.thumb_func
thumb_read:
	mrc	p15, 0, r12, c9, c13, 0
	bx	lr
	.arm

	.balign	16
	.globl	mrc_results
mrc_results:
	.space	16
	.globl	results
results:
	.space	20
