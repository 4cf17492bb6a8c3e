/*
 * a64_cross: unaligned accesses that cross from a permitted page into one that faults
 * (tests/integration/test_a64_engine.py). Loaded raw at 0x80800000, EL1h, MMU off; SCTLR_EL1.A
 * stays 0, so unaligned accesses to Normal memory are allowed and only the second page faults.
 *
 * Tables (4 KiB granule, T0SZ = 25, walk from level 1):
 *   L1[2]  -> l2
 *   l2[4]  0x80800000 2 MiB, EL1 RW, UXN      (this image, and the bytes before 0x80a00000)
 *   l2[5]  0x80a00000 2 MiB, AP=10 (EL1 RO)    (a store's second half: permission fault, level 2)
 *   l2[6]  invalid                             (a load's second half: translation fault, level 2)
 * 1. str x0 (8 bytes) at 0x809ffffc: bytes 0x809ffffc..0x80a00003, the second half read-only.
 * 2. ldr x1 (8 bytes) at 0x80bffffa: bytes 0x80bffffa..0x80c00001, the second half unmapped.
 * The synchronous handler (+0x200) stores ESR_EL1 and FAR_EL1 at results[n] and steps over the
 * instruction. results: [0] count, then (ESR, FAR) pairs; `guard` is the doubleword at
 * 0x809ffff8 (0x1122334455667788 before; the failed store must leave it so).
 */
	.include "a64_guest.inc"
	.section .text.boot, "ax"
	.globl	_start
_start:
	a64_entry vectors		// a64_guest.inc: SP, VBAR_EL1
	a64_mmu_on l1			// a64_guest.inc: MAIR, TCR (T0SZ 25, 4K), TTBR0 = l1, M|C|I

	ldr	x3, =0x809ffff8
	ldr	x0, =0x1122334455667788
	str	x0, [x3]			// the guard, and the page before the boundary is mapped
	ldr	x0, =0xaaaaaaaaaaaaaaaa
	ldr	x1, =0x809ffffc
	str	x0, [x1]			// 1: crosses into the read-only block
	ldr	x1, =0x80bffffa
	ldr	x2, [x1]			// 2: crosses into the unmapped block
	a64_system_off			// a64_guest.inc: PSCI SYSTEM_OFF
1:	b	1b

	.ltorg

	.balign	2048
vectors:
	.rept	4
	b	.
	.balign	0x80
	.endr
	adr	x9, results			// 0x200 current EL, SP_ELx, synchronous
	ldr	x10, [x9]
	add	x11, x10, #1
	str	x11, [x9]
	add	x9, x9, #8
	add	x9, x9, x10, lsl #4
	mrs	x11, esr_el1
	mrs	x12, far_el1
	stp	x11, x12, [x9]
	mrs	x11, elr_el1
	add	x11, x11, #4
	msr	elr_el1, x11
	eret
	.org	vectors + 0x800

	.data
	.balign	4096
l1:
	.quad	0
	.quad	0
	.quad	l2 + 3				// table
	.fill	509, 8, 0
l2:
	.fill	4, 8, 0
	.quad	0x0040000080800701		// 0x80800000: AttrIndx 0, SH inner, AF, UXN, EL1 RW
	.quad	0x0060000080a00781		// 0x80a00000: AP=10 (EL1 RO), XN
	.fill	506, 8, 0
	.globl	results
results:
	.fill	5, 8, 0
	.balign	16
	.fill	512, 8, 0
stack_top:
