/*
 * a64_perm: permission faults raised from a cached TLB entry (tests/integration/
 * test_tlb_perm.py). Loaded raw at 0x80800000, entered at EL1h with the MMU off.
 * Tables as a64_exc.S (4 KiB granule, T0SZ = 25, walk from level 1):
 *   L1[0]  0x00000000 1 GiB block, Device-nGnRnE, XN  (the PL011)
 *   L1[2]  -> l2
 *   l2[4]  0x80800000 2 MiB, EL1 RW, EL0 none, UXN     (this image)
 *   l2[5]  0x80a00000 2 MiB, AP=11 (RO at EL0 and EL1), PXN  (the EL0 program)
 *   l2[7]  0x80e00000 2 MiB, EL1 RW; made EL1 read-only, then RW again without TLBI
 *   l2[8]  0x81000000 2 MiB, EL1 RW, EL0 none; made EL0 RW (AP=01) without TLBI
 *   l2[9]  0x81200000 2 MiB, EL1 RW, PXN|UXN; made EL1-executable (PXN = 0) without TLBI
 * Three scenarios, each: an access fills a TLB entry, the descriptor gains a permission with no
 * TLBI, an access the cached entry does not permit -> the permission fault a real TLB raises
 * from the entry. The handlers record ESR/FAR/ELR/SPSR_EL1, the word at FAR and x2 as they find
 * them, then TLBI VAE1 (FAR >> 12, ASID 0), DSB, ISB and ERET to the same instruction: the
 * retry walks the new descriptor and succeeds.
 *   1. EL1 store to 0x80e00000 (entry: EL1 read-only)
 *   2. EL0 load of 0x81000000 (entry: EL0 no access) into x2 = 0x5a5a
 *   3. EL1 instruction fetch at 0x81200000 (entry: not executable): a function copied there
 * The handlers clobber x9-x13; the scenarios keep their state in other registers.
 * Records: `results`, 8 quads per exception: ESR, FAR, ELR, SPSR, [FAR], x2, 0, 0.
 * `final`: [0x80e00000] after the retry, the count of times the instruction after the store
 * ran, x2 after the EL0 load, the count of times the instruction after it ran, x0 returned by
 * the function at 0x81200000, and the exception count.
 */
	.include "a64_guest.inc"
	.section .text.boot, "ax"
	.globl	_start
_start:
	adr	x0, vectors
	msr	vbar_el1, x0
	a64_mmu_on l1			// a64_guest.inc: MAIR, TCR (T0SZ 25, 4K), TTBR0 = l1, M|C|I

	adr	x20, final
	mov	x19, #0
	/* 1: EL1 store through a cached read-only entry */
	movz	x24, #0x80e0, lsl #16		// the VA
	adr	x25, l2 + 7 * 8			// its descriptor
	ldr	x26, =0x0060000080e00781	// AP[2:1] = 0b10: EL1 read-only
	ldr	x27, =0x0060000080e00701	// AP[2:1] = 0b00: EL1 read/write
	movz	x2, #0x1111
	str	x2, [x24]			// while it is writable
	str	x26, [x25]			// read-only, with the TLBI
	dsb	ishst
	lsr	x3, x24, #12
	tlbi	vae1, x3
	dsb	ish
	isb
	ldr	x2, [x24]			// fills a read-only entry
	str	x27, [x25]			// read/write again, no TLBI
	dsb	ish
	isb
	movz	x2, #0x2222
	.globl	perm_store
perm_store:
	str	x2, [x24]			// the entry denies it: permission fault
	add	x19, x19, #1			// runs once, after the retry
	ldr	x3, [x24]
	stp	x3, x19, [x20]

	/* 2: EL0 load through a cached EL0-no-access entry */
	movz	x24, #0x8100, lsl #16
	adr	x25, l2 + 8 * 8
	ldr	x27, =0x0060000081000741	// AP[2:1] = 0b01: EL1 and EL0 read/write
	movz	x2, #0x3333
	str	x2, [x24]			// fills an entry: EL1 RW, EL0 none
	str	x27, [x25]			// EL0 may now read, no TLBI
	dsb	ish
	isb
	ldr	x0, =el0_program
	msr	elr_el1, x0
	msr	spsr_el1, xzr			// EL0t
	eret

back_in_el1:					// from the EL0 program's SVC: x2, x21 as it left them
	stp	x2, x21, [x20, #16]

	/* 3: EL1 fetch through a cached not-executable entry */
	movz	x4, #0x8120, lsl #16
	adr	x1, xfunc
	ldp	w2, w3, [x1]
	stp	w2, w3, [x4]			// the function's two instructions; fills an XN entry
	dc	cvau, x4
	dsb	ish
	ic	ivau, x4
	dsb	ish
	adr	x25, l2 + 9 * 8
	ldr	x27, =0x0040000081200701	// PXN = 0: EL1 may execute it, no TLBI
	str	x27, [x25]
	dsb	ish
	isb
	.globl	perm_call
perm_call:
	blr	x4				// x0 = 0x4242 once the retry runs it
	adr	x9, count
	ldr	x10, [x9]
	stp	x0, x10, [x20, #32]

	a64_system_off			// a64_guest.inc: PSCI SYSTEM_OFF
1:	b	1b

xfunc:
	movz	x0, #0x4242
	ret
	.ltorg

/* Record ESR, FAR, ELR, SPSR, [FAR], x2 at results[count]; TLBI VAE1 for FAR; DSB; ISB.
 * Clobbers x9-x13. */
	.macro	record_and_invalidate
	adr	x9, count
	ldr	x10, [x9]
	add	x11, x10, #1
	str	x11, [x9]
	adr	x9, results
	add	x9, x9, x10, lsl #6
	mrs	x11, esr_el1
	mrs	x12, far_el1
	stp	x11, x12, [x9]
	mrs	x11, elr_el1
	mrs	x13, spsr_el1
	stp	x11, x13, [x9, #16]
	ldr	x13, [x12]
	stp	x13, x2, [x9, #32]
	lsr	x12, x12, #12			// Xt = VA[55:12], ASID 0
	tlbi	vae1, x12
	dsb	ish
	isb
	.endm

	.balign	2048
vectors:
	.balign	0x80				// 0x000 current EL, SP_EL0
	b	bad
	.org	vectors + 0x200			// 0x200 current EL, SP_ELx, synchronous
	record_and_invalidate
	eret					// retry the instruction
	.org	vectors + 0x400			// 0x400 lower EL, AArch64, synchronous
	mrs	x9, esr_el1
	lsr	x9, x9, #26
	cmp	x9, #0x15			// SVC: the EL0 program is done
	b.eq	1f
	record_and_invalidate
	eret
1:	adr	x11, back_in_el1
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
	.quad	0
	.quad	0x0060000080e00701		// 0x80e00000: EL1 RW, XN
	.quad	0x0060000081000701		// 0x81000000: EL1 RW, EL0 none, XN
	.quad	0x0060000081200701		// 0x81200000: EL1 RW, XN
	.fill	502, 8, 0
	.globl	count
count:	.quad	0
	.globl	results
results:
	.fill	3 * 8, 8, 0
	.globl	final
final:
	.fill	6, 8, 0

	.section .text.el0, "ax"
el0_program:
	movz	x1, #0x8100, lsl #16
	movz	x2, #0x5a5a
	mov	x21, #0
	.globl	el0_load
el0_load:
	ldr	x2, [x1]			// the entry denies EL0: permission fault, x2 kept
	add	x21, x21, #1			// runs once, after the retry
	svc	#0
