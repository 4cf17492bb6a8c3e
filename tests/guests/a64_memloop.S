/*
 * a64_memloop: a memory-heavy loop for bench/ (and a smoke test): with the MMU on (identity
 * 2 MiB blocks as a64_exc.S), sweep a 64 KiB array 4 KiB-page by page, one load and one store
 * per 64-byte line, for ITERATIONS passes (x19, default below), then PSCI SYSTEM_OFF.
 * Per line: ldr, add, str, add, cmp, b.ne = 6 instructions, 2 memory accesses.
 */
	.equ	ITERATIONS, 10000
	.include "a64_guest.inc"
	.section .text.boot, "ax"
	.globl	_start
_start:
	a64_mmu_on l1			// a64_guest.inc: MAIR, TCR (T0SZ 25, 4K), TTBR0 = l1, M|C|I

	ldr	x19, =ITERATIONS
	movz	x20, #0x80c0, lsl #16		// the array, 64 KiB at 0x80c00000
pass:
	mov	x1, x20
	add	x2, x20, #0x10000
line:
	ldr	x3, [x1]
	add	x3, x3, #1
	str	x3, [x1], #64
	add	x4, x4, #1
	cmp	x1, x2
	b.ne	line
	subs	x19, x19, #1
	b.ne	pass

	a64_system_off			// a64_guest.inc: PSCI SYSTEM_OFF
1:	b	1b
	.ltorg

	.data
	.balign	4096
l1:
	.quad	0x0060000000000405
	.quad	0
	.quad	l2 + 3
	.fill	509, 8, 0
l2:
	.fill	4, 8, 0
	.quad	0x0040000080800701		// 0x80800000
	.fill	1, 8, 0
	.quad	0x0060000080c00701		// 0x80c00000: the array
	.fill	505, 8, 0
