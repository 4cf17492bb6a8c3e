/*
 * a64_tlb: stale TLB entries and the guest-visible cycle counter (tests/integration/
 * test_a64_tlb.py). Loaded raw at 0x80800000, entered at EL1h with the MMU off.
 * Tables as a64_exc.S (4 KiB granule, T0SZ = 25, walk from level 1), with
 *   l2[4]  0x80800000 2 MiB block: this image
 *   l2[7]  VA 0x80e00000 2 MiB block -> PA 0x81000000 at first, then rewritten to 0x81200000
 * Steps (each read is of VA 0x80e00000):
 *   1. read                         -> walks, fills the TLB with PA 0x81000000
 *   2. rewrite l2[7] to 0x81200000, no TLBI; read -> a stale hit (the model still has 0x81000000)
 *   3. TLBI VAE1 (ASID 0, VA 0x80e00000), DSB, ISB; read -> walks again: 0x81200000, no event
 *   4. rewrite l2[7] back to 0x81000000 with the TLBI this time; read -> no event
 * Around step 5 (a loop of 1000 iterations) PMCCNTR_EL0 is read twice; both values and the
 * values read in steps 1-4 are stored in `results`.
 *   6. (permission faults from a cached entry: tests/guests/a64_perm.S)
 *   7. ASID reuse: l2[7] made nG (bit 11) with the TLBI; TTBR0 = l1 | ASID 5; read (fills an
 *      ASID-5 entry for PA 0x81000000); TTBR0 = l1b | ASID 5, the same ASID with other tables
 *      (l1b/l2b: as l1/l2 but l2b[7] -> 0x81200000), ISB, no TLBI; read -> the model's entry
 *      still gives 0x81000000: a `stale_tlb_hit` with cause asid_reuse (and the engine, like
 *      hardware, still reads 0x1111); TLBI ASIDE1 (ASID 5); read -> 0x2222, no event.
 *      Both reads are stored in `results` after the cycle counts.
 */
	.include "a64_guest.inc"
	.section .text.boot, "ax"
	.globl	_start
_start:
	a64_mmu_on l1			// a64_guest.inc: MAIR, TCR (T0SZ 25, 4K), TTBR0 = l1, M|C|I

	/* what lives at the two physical pages, written through the identity map of l2[8]/l2[9] */
	movz	x1, #0x8100, lsl #16
	movz	x2, #0x1111
	str	x2, [x1]
	movz	x1, #0x8120, lsl #16
	movz	x2, #0x2222
	str	x2, [x1]

	adr	x20, results
	movz	x10, #0x80e0, lsl #16		// the VA under test
	adr	x11, l2 + 7 * 8			// its descriptor
	ldr	x12, =0x0060000081000701	// -> 0x81000000
	ldr	x13, =0x0060000081200701	// -> 0x81200000

	ldr	x2, [x10]			// 1
	str	x2, [x20], #8

	str	x13, [x11]			// 2: rewrite, forget the TLBI
	dsb	ish
	ldr	x2, [x10]
	str	x2, [x20], #8

	lsr	x3, x10, #12			// 3: TLBI VAE1, Xt = VA[55:12], ASID 0
	tlbi	vae1, x3
	dsb	ish
	isb
	ldr	x2, [x10]
	str	x2, [x20], #8

	str	x12, [x11]			// 4: rewrite with the TLBI
	dsb	ishst
	tlbi	vae1, x3
	dsb	ish
	isb
	ldr	x2, [x10]
	str	x2, [x20], #8

	mrs	x4, pmccntr_el0			// 5
	mov	x5, #1000
1:	add	x6, x6, #1
	subs	x5, x5, #1
	b.ne	1b
	mrs	x7, pmccntr_el0
	stp	x4, x7, [x20]
	b	3f				// end the block: the read above costs only its own
3:
	add	x20, x20, #16			// 7: after the two cycle counts
	ldr	x15, =0x0060000081000f01	// l2[7] nG -> 0x81000000
	str	x15, [x11]
	dsb	ishst
	tlbi	vae1, x3
	dsb	ish
	adr	x16, l1
	movk	x16, #5, lsl #48
	msr	ttbr0_el1, x16			// ASID 5, tables l1
	isb
	ldr	x2, [x10]			// fills ASID 5: 0x81000000
	adr	x17, l1b
	movk	x17, #5, lsl #48
	msr	ttbr0_el1, x17			// ASID 5 again, tables l1b: no TLBI
	isb
	ldr	x2, [x10]			// stale: still 0x81000000
	str	x2, [x20], #8
	movz	x18, #5, lsl #48
	tlbi	aside1, x18
	dsb	ish
	isb
	ldr	x2, [x10]			// walks l1b: 0x81200000
	str	x2, [x20], #8

	a64_system_off			// a64_guest.inc: PSCI SYSTEM_OFF
2:	b	2b
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
	.quad	0x0040000080800701		// 0x80800000: this image
	.fill	2, 8, 0
	.quad	0x0060000081000701		// 0x80e00000 -> 0x81000000 (rewritten by the test)
	.quad	0x0060000081000701		// 0x81000000 identity
	.quad	0x0060000081200701		// 0x81200000 identity
	.fill	502, 8, 0
	.balign	4096
l1b:
	.quad	0x0060000000000405
	.quad	0
	.quad	l2b + 3
	.fill	509, 8, 0
l2b:
	.fill	4, 8, 0
	.quad	0x0040000080800701		// 0x80800000: this image
	.fill	2, 8, 0
	.quad	0x0060000081200f01		// 0x80e00000 -> 0x81200000, nG
	.quad	0x0060000081000701		// 0x81000000 identity
	.quad	0x0060000081200701		// 0x81200000 identity
	.fill	502, 8, 0
	.globl	results
results:
	.fill	8, 8, 0
