/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * head-v8.S - entry of tlb-bench-v8 (AArch64, EL1): the steps of Linux
 * arch/arm64/kernel/head.S and arch/arm64/mm/proc.S a benchmark needs,
 * under the same names, then the timed pointer-chase loop and the PSCI call.
 *
 * Entry (Linux Documentation/arm64/booting.rst): MMU off, EL1 here,
 * x0 = physical address of the DTB.  The image runs where it is linked
 * (tlb-bench-v8.ld: 0x80800000) and keeps VA == PA for its code and data.
 */
#include "tlb-bench.h"

/* SCTLR_EL1 bits (ARM ARM D17.2.118) */
#define SCTLR_ELx_M	(1 << 0)
#define SCTLR_ELx_A	(1 << 1)
#define SCTLR_ELx_C	(1 << 2)
#define SCTLR_ELx_I	(1 << 12)

/*
 * MAIR_EL1: attribute 0 = MT_NORMAL (0xff, write-back write-allocate),
 * attribute 1 = MT_DEVICE_nGnRE (0x04).  The indices are this image's;
 * mmu-v8.c uses the same.
 */
#define MAIR_EL1_SET	0x04ff

/*
 * TCR_EL1 (D17.2.131): T0SZ = 16 (48-bit VA, a 4-level walk from level 0,
 * Linux's default VA_BITS=48), IRGN0/ORGN0 = WBWA, SH0 = inner shareable,
 * TG0 = 4 KiB, EPD1 = 1 (no TTBR1 walks); IPS from ID_AA64MMFR0_EL1.PARange.
 */
#define TCR_T0SZ	16
#define TCR_IRGN0_WBWA	(1 << 8)
#define TCR_ORGN0_WBWA	(1 << 10)
#define TCR_SH0_INNER	(3 << 12)
#define TCR_EPD1	(1 << 23)
#define TCR_IPS_SHIFT	32

	.section .head.text, "ax"
	.globl	stext
	.type	stext, %function
stext:
	mov	x21, x0				// FDT pointer (Linux: x21)
	/* the image is not position independent: it must run where it is linked */
	adr	x1, stext
	ldr	x2, =stext
	cmp	x1, x2
	b.ne	__error_p

	ldr	x0, =init_stack_top
	mov	sp, x0

	/* __clear_bss (Linux: in __primary_switched) */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_stop
1:	cmp	x1, x2
	b.hs	2f
	str	xzr, [x1], #8
	b	1b
2:
	bl	__create_page_tables		// mmu-v8.c, MMU off
	bl	__cpu_setup
	bl	__enable_mmu
	mov	x0, x21
	b	tlb_bench_main			// bench.c, never returns
	.ltorg
	.size	stext, . - stext

/*
 * __error_p: linked for another address.  Say so on the UART (physical
 * address, MMU off) and power off through HVC (virt-a53's conduit).
 */
__error_p:
	adr	x1, 9f
	ldr	x2, =UART_PHYS
3:	ldrb	w3, [x1], #1
	cbz	w3, 4f
	str	w3, [x2, #UART_DR]
	b	3b
4:	ldr	w0, =PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
	udf	#0
9:	.asciz	"tlb-bench: error: loaded at the wrong address (must run at 0x80800000)\r\n"
	.balign	4
	.ltorg

	.text
/*
 * __cpu_setup (proc.S): invalidate the local TLB, MAIR_EL1, TCR_EL1 (IPS from
 * PARange, as tcr_compute_pa_size does); and enable the cycle counter as a
 * real benchmark must (PMCR_EL0.E, PMCNTENSET_EL0.C).
 */
	.type	__cpu_setup, %function
__cpu_setup:
	tlbi	vmalle1
	dsb	nsh
	ldr	x0, =MAIR_EL1_SET
	msr	mair_el1, x0
	mrs	x1, id_aa64mmfr0_el1
	and	x1, x1, #0xf			// PARange
	cmp	x1, #5
	mov	x2, #5
	csel	x1, x1, x2, ls			// at most 48 bits without FEAT_LPA
	ldr	x0, =(TCR_T0SZ | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_EPD1)
	bfi	x0, x1, #TCR_IPS_SHIFT, #3
	msr	tcr_el1, x0
	mov	x0, #((1 << 2) | (1 << 0))	// PMCR_EL0: C (reset the cycle counter), E (enable)
	msr	pmcr_el0, x0
	mov	x0, #(1 << 31)			// PMCNTENSET_EL0: C
	msr	pmcntenset_el0, x0
	isb
	ret
	.size	__cpu_setup, . - __cpu_setup

/* __enable_mmu: TTBR0_EL1 = init_pg_dir, SCTLR_EL1.M/C/I; VA == PA, no trampoline */
	.type	__enable_mmu, %function
__enable_mmu:
	adrp	x0, init_pg_dir
	msr	ttbr0_el1, x0
	isb
	mrs	x0, sctlr_el1
	bic	x0, x0, #SCTLR_ELx_A
	ldr	x1, =(SCTLR_ELx_M | SCTLR_ELx_C | SCTLR_ELx_I)
	orr	x0, x0, x1
	msr	sctlr_el1, x0
	isb
	ic	iallu
	dsb	nsh
	isb
	ret
	.size	__enable_mmu, . - __enable_mmu
	.ltorg

/*
 * void tlb_bench_measure(unsigned long start, unsigned long n,
 *                        unsigned long passes, u64 out[2])
 * See tlb-bench.h.  Both timed windows run the same code (chase_timed), so
 * whatever the counter reads add is the same in both.  No stack or other data
 * access between the first cold pass and the last timed load.
 */
	.balign	256				// this and the loops below: one page
	.globl	tlb_bench_measure
	.type	tlb_bench_measure, %function
tlb_bench_measure:
	mov	x9, x30
	mov	x10, x0				// start
	mov	x11, x1				// n
	mov	x12, x3				// out
	mul	x13, x1, x2			// passes * n
	bl	chase				// cold pass (x0, x1 as given)
	mov	x0, x10
	mov	x1, x13
	bl	chase_timed			// passes * n loads
	mov	x14, x0
	mov	x0, x10
	mov	x1, x11
	bl	chase				// cold pass
	mov	x0, x10
	lsl	x1, x13, #1
	bl	chase_timed			// 2 * passes * n loads
	stp	x14, x0, [x12]			// out[0] = window(P), out[1] = window(2P)
	ret	x9
	.size	tlb_bench_measure, . - tlb_bench_measure

/* x0 = start, x1 = loads (> 0): the pointer chase */
	.type	chase, %function
chase:
1:	ldr	x0, [x0]
	subs	x1, x1, #1
	b.ne	1b
	ret
	.size	chase, . - chase

/* x0 = start, x1 = loads (> 0); returns the cycles the loads took (PMCCNTR_EL0) */
	.type	chase_timed, %function
chase_timed:
	mrs	x2, pmccntr_el0
1:	ldr	x0, [x0]
	subs	x1, x1, #1
	b.ne	1b
	mrs	x3, pmccntr_el0
	sub	x0, x3, x2
	ret
	.size	chase_timed, . - chase_timed

/* void psci_system_off(bool smc): PSCI SYSTEM_OFF over SMC or HVC (the DTB's /psci method) */
	.globl	psci_system_off
	.type	psci_system_off, %function
psci_system_off:
	mov	w1, w0
	ldr	w0, =PSCI_0_2_FN_SYSTEM_OFF
	cbnz	w1, 1f
	hvc	#0
	udf	#0				// SYSTEM_OFF does not return
1:	smc	#0
	udf	#0
	.size	psci_system_off, . - psci_system_off
	.ltorg

	.bss
	.balign	16
init_stack:
	.space	16384
init_stack_top:
