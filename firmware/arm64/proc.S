/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc.S - the parts of Linux's arch/arm64/mm/proc.S the image needs:
 * __cpu_setup (MAIR_EL1, TCR_EL1, the SCTLR_EL1 value) and
 * idmap_cpu_replace_ttbr1 (change TTBR1 from the identity map).
 */
#include "asm.h"

	.text
/*
 * __cpu_setup: called with the MMU off.  Returns x0 = the SCTLR_EL1 value
 * __enable_mmu writes.  Clobbers x1, x5, x6, x9, x16, x17.
 */
ENTRY(__cpu_setup)
	tlbi	vmalle1				// no translation of an earlier life survives
	dsb	nsh

	mov	x1, #3 << 20
	msr	cpacr_el1, x1			// FPEN = 0b11: FP/ASIMD not trapped
	mov	x1, #1 << 12
	msr	mdscr_el1, x1			// TDCC: no DCC access from EL0
	isb

	mov_q	x17, MAIR_EL1_SET		// 0x000000040044ffff
	mov_q	x16, TCR_EL1_SET		// T0SZ = T1SZ = 16, 4K/4K, WBWA, inner shareable, TBI0

	mrs	x9, id_aa64mmfr0_el1
	/*
	 * tcr_compute_pa_size: IPS = PARange, at most 48 bits (TCR.IPS is 3 bits;
	 * 0b110 = 52 bits needs 64K pages or LPA2).  Cortex-A53: PARange 2 = 40 bits.
	 */
	ubfx	x5, x9, #ID_AA64MMFR0_PARANGE_SHIFT, #4
	mov	x6, #ID_AA64MMFR0_PARANGE_48
	cmp	x5, x6
	csel	x5, x6, x5, hi
	bfi	x16, x5, #TCR_IPS_SHIFT, #3
	/*
	 * 16-bit ASIDs if the CPU has them (ID_AA64MMFR0_EL1.ASIDBits = 0b0010);
	 * Linux sets TCR_ASID16 unconditionally, where the bit is RES0 without them.
	 */
	ubfx	x5, x9, #ID_AA64MMFR0_ASIDBITS_SHIFT, #4
	cmp	x5, #ID_AA64MMFR0_ASIDBITS_16
	b.ne	1f
	orr	x16, x16, #TCR_ASID16
1:
	msr	mair_el1, x17
	msr	tcr_el1, x16

	mov_q	x0, INIT_SCTLR_EL1_MMU_ON	// 0x34d4d91d
	ret
END(__cpu_setup)

/*
 * idmap_cpu_replace_ttbr1(x0 = new TTBR1_EL1): called at its *physical*
 * address (setup.c: cpu_replace_ttbr1), running through the identity map in
 * TTBR0, because the TTBR1 tables change under it: first TTBR1 = the empty
 * reserved_pg_dir and every TLB entry dropped (no walk or TLB entry of the
 * old tables may survive: break-before-make for the whole TTBR1 half), then
 * the new TTBR1.  Touches no memory; interrupts masked throughout.
 */
	.pushsection ".idmap.text", "ax"
ENTRY(idmap_cpu_replace_ttbr1)
	mrs	x2, daif
	msr	daifset, #0xf

	dsb	ishst				// the new tables are written
	adrp	x1, reserved_pg_dir		// __idmap_cpu_set_reserved_ttbr1
	msr	ttbr1_el1, x1
	isb
	tlbi	vmalle1
	dsb	ish
	isb

	msr	ttbr1_el1, x0
	isb

	msr	daif, x2
	ret
END(idmap_cpu_replace_ttbr1)
	.popsection
