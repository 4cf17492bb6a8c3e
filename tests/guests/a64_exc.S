/*
 * a64_exc: a minimal AArch64 guest for mmuscope's exception delivery (tests/integration/
 * test_a64_engine.py). Loaded raw at 0x80800000, entered at EL1h with the MMU off.
 *
 * Static tables, 4 KiB granule, TCR_EL1.T0SZ = 25 (39-bit VAs, walk starts at level 1):
 *   L1[0]  0x00000000 1 GiB block, Device-nGnRnE, XN  (the PL011 at 0x09000000)
 *   L1[1]  invalid                                     (0x40000000: translation fault, level 1)
 *   L1[2]  -> l2                                       (0x80000000..0xbfffffff)
 *   l2[4]  0x80800000 2 MiB, EL1 RW, EL0 none, UXN     (this image, its data and stack)
 *   l2[5]  0x80a00000 2 MiB, AP=11 (RO at EL0 and EL1), PXN  (the EL0 program)
 *   l2[6]  0x80c00000 2 MiB, EL1 RW, EL0 none, XN      (kernel-only data the EL0 program reads)
 *   l2[7]  0x80e00000 2 MiB, AP=10 (EL1 RO), XN       (write: permission fault, level 2)
 *   l2[8]  0x81000000 2 MiB, AF = 0                    (read: access flag fault, level 2)
 * Each fault's ESR_EL1/FAR_EL1/ELR_EL1/SPSR_EL1 as the guest reads them are stored in `results`
 * (4 x 8 bytes per exception); the test dumps them with --dump-phys.
 */
	.include "a64_guest.inc"
	.section .text.boot, "ax"
	.globl	_start
_start:
	a64_entry vectors		// a64_guest.inc: SP, VBAR_EL1
	a64_mmu_on l1			// a64_guest.inc: MAIR, TCR (T0SZ 25, 4K), TTBR0 = l1, M|C|I

	movz	x1, #0x4000, lsl #16		// 1: read 0x40000000 (unmapped)
	ldr	x2, [x1]
	movz	x1, #0x80e0, lsl #16		// 2: write 0x80e00008 (read-only at EL1)
	str	x2, [x1, #8]
	movz	x1, #0x8100, lsl #16		// 3: read 0x81000010 (AF = 0)
	ldr	x2, [x1, #16]

	ldr	x0, =0x80a00000			// 4: EL0 program reads kernel-only 0x80c00000
	msr	elr_el1, x0
	msr	spsr_el1, xzr			// EL0t
	eret

back_in_el1:
	adr	x9, pars			// 5: AT S1E1R / S1E1W, PAR_EL1 into pars[0..2]
	ldr	x1, =0x80800123			//    mapped (l2[4])
	at	s1e1r, x1
	isb
	mrs	x2, par_el1
	movz	x1, #0x4000, lsl #16		//    unmapped (L1[1])
	at	s1e1r, x1
	isb
	mrs	x3, par_el1
	movz	x1, #0x80e0, lsl #16		//    EL1 read-only (l2[7]), as a write
	at	s1e1w, x1
	isb
	mrs	x4, par_el1
	stp	x2, x3, [x9]
	str	x4, [x9, #16]
	a64_system_off			// a64_guest.inc: PSCI SYSTEM_OFF
1:	b	1b

	.ltorg

/* Record ESR, FAR, ELR, SPSR at results[count]. Clobbers x9-x12. */
	.macro	record
	adr	x9, count
	ldr	x10, [x9]
	add	x11, x10, #1
	str	x11, [x9]
	adr	x9, results
	add	x9, x9, x10, lsl #5
	mrs	x11, esr_el1
	mrs	x12, far_el1
	stp	x11, x12, [x9]
	mrs	x11, elr_el1
	mrs	x12, spsr_el1
	stp	x11, x12, [x9, #16]
	.endm

	.balign	2048
vectors:
	.balign	0x80				// 0x000 current EL, SP_EL0
	b	bad
	.balign	0x200				// 0x200 current EL, SP_ELx, synchronous
vectors_cur_sync:
	record
	mrs	x11, elr_el1			// skip the faulting instruction
	add	x11, x11, #4
	msr	elr_el1, x11
	eret
	.org	vectors + 0x400			// 0x400 lower EL, AArch64, synchronous
vectors_low_sync:
	record
	adr	x11, back_in_el1
	msr	elr_el1, x11
	mov	x11, #0x3c5			// EL1h, DAIF masked
	msr	spsr_el1, x11
	eret
	.org	vectors + 0x480			// 0x480 lower EL, IRQ: must never be reached
	b	bad
	.org	vectors + 0x800
bad:	a64_fail_off count		// a64_guest.inc: 0xbad, PSCI SYSTEM_OFF

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
	.quad	0x0060000080c00701		// 0x80c00000: AP=00, XN
	.quad	0x0060000080e00781		// 0x80e00000: AP=10 (EL1 read-only)
	.quad	0x0060000081000301		// 0x81000000: AF = 0
	.fill	503, 8, 0
	.globl	count
count:	.quad	0
	.globl	results
results:
	.fill	4 * 4, 8, 0
	.globl	pars
pars:	.fill	3, 8, 0
	.balign	16
	.fill	512, 8, 0
stack_top:

	.section .text.el0, "ax"
el0_program:
	movz	x1, #0x80c0, lsl #16
	ldr	x2, [x1, #0x18]			// permission fault at EL0 (AP=00)
	b	el0_program
