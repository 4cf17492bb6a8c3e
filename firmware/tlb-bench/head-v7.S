/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * head-v7.S - entry of tlb-bench-v7 (ARMv7-A, A32): the steps of Linux
 * arch/arm/kernel/head.S and arch/arm/mm/proc-v7.S a benchmark needs, under
 * the same names, then the timed pointer-chase loop and the PSCI call.
 *
 * Entry (Linux ARM boot protocol): MMU and D-cache off, r0 = 0, r1 = machine
 * id, r2 = physical address of the DTB.  The image runs where it is linked
 * (tlb-bench-v7.ld: 0x80008000, RAM base + TEXT_OFFSET of mmuscope's
 * virt machines) and keeps VA == PA for its own code and data.
 */
#include "tlb-bench.h"

	.syntax	unified
	.arch	armv7-a
	.arch_extension sec
	.arch_extension virt
	.arm

#define PSR_MODE_MASK	0x1f
#define SVC_MODE	0x13
#define HYP_MODE	0x1a
#define PSR_AIF		0x1c0

/* SCTLR bits (ARM ARM B4.1.130) */
#define CR_M		(1 << 0)	/* MMU enable */
#define CR_A		(1 << 1)	/* alignment check */
#define CR_C		(1 << 2)	/* D-cache */
#define CR_Z		(1 << 11)	/* branch prediction */
#define CR_I		(1 << 12)	/* I-cache */
#define CR_TRE		(1 << 28)	/* TEX remap */
#define CR_AFE		(1 << 29)	/* access flag enable */

/* proc-v7-2level.S: TTB_FLAGS_SMP = TTB_IRGN_WBWA | TTB_S | TTB_NOS | TTB_RGN_OC_WBWA */
#define TTB_FLAGS_SMP	((1 << 6) | (1 << 1) | (1 << 5) | (1 << 3))
/* domain 0 (DOMAIN_KERNEL) = client: every descriptor here is in domain 0 */
#define DACR_VALUE	0x00000001

	.section .head.text, "ax"
	.globl	stext
	.type	stext, %function
stext:
	/* safe_svcmode_maskall: leave HYP by an ERET, else force SVC with A/I/F masked */
	mrs	r3, cpsr
	and	r3, r3, #PSR_MODE_MASK
	teq	r3, #HYP_MODE
	bne	1f
	mov	r3, #(PSR_AIF | SVC_MODE)
	msr	spsr_cxsf, r3
	adr	r3, 2f
	msr	elr_hyp, r3
	eret
1:	cpsid	aif, #SVC_MODE
2:	mov	r6, r2				@ DTB pointer (Linux keeps it in r2)

	/* the image is not position independent: it must run where it is linked */
	adr	r3, stext
	ldr	r4, =stext
	teq	r3, r4
	bne	__error_p

	ldr	sp, =init_stack_top

	/* __clear_bss (Linux: in __mmap_switched) */
	ldr	r1, =__bss_start
	ldr	r2, =__bss_stop
	mov	r3, #0
3:	cmp	r1, r2
	strlo	r3, [r1], #4
	blo	3b

	bl	__create_page_tables		@ mmu-v7.c, MMU off
	bl	__v7_setup
	/* __enable_mmu / __turn_mmu_on: VA == PA here, so no trampoline is needed */
	mrc	p15, 0, r0, c1, c0, 0
	bic	r0, r0, #(CR_A | CR_TRE | CR_AFE)
	orr	r0, r0, #(CR_M | CR_C)
	orr	r0, r0, #(CR_Z | CR_I)
	mcr	p15, 0, r0, c1, c0, 0		@ write SCTLR: MMU on
	isb
	mov	r0, r6
	b	tlb_bench_main			@ bench.c, never returns
	.ltorg
	.size	stext, . - stext

/*
 * __error_p: linked for another address.  Say so on the UART (physical
 * address, MMU off) and power off through HVC (the virt machines' default).
 */
__error_p:
	adr	r1, 9f
	ldr	r2, =UART_PHYS
4:	ldrb	r3, [r1], #1
	cmp	r3, #0
	strne	r3, [r2, #UART_DR]
	bne	4b
	ldr	r0, =PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
	udf	#0
9:	.asciz	"tlb-bench: error: loaded at the wrong address (must run at 0x80008000)\r\n"
	.balign	4
	.ltorg

	.text
/*
 * __v7_setup (proc-v7.S, 2-level part): invalidate the TLBs and caches the
 * MMU is about to use, TTBCR = 0 (TTBR0 translates everything, short
 * descriptors), TTBR0 = swapper_pg_dir | TTB_FLAGS_SMP, DACR; and enable the
 * cycle counter as a real benchmark must (PMCR.E, PMCNTENSET.C).
 */
	.type	__v7_setup, %function
__v7_setup:
	mov	r0, #0
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	mcr	p15, 0, r0, c8, c7, 0		@ TLBIALL
	dsb
	isb
	mcr	p15, 0, r0, c2, c0, 2		@ TTBCR = 0
	ldr	r0, =swapper_pg_dir
	orr	r0, r0, #TTB_FLAGS_SMP
	mcr	p15, 0, r0, c2, c0, 0		@ TTBR0
	ldr	r0, =DACR_VALUE
	mcr	p15, 0, r0, c3, c0, 0		@ DACR
	mov	r0, #((1 << 2) | (1 << 0))	@ PMCR: C (reset the cycle counter), E (enable)
	mcr	p15, 0, r0, c9, c12, 0
	mov	r0, #(1 << 31)			@ PMCNTENSET: C (cycle counter)
	mcr	p15, 0, r0, c9, c12, 1
	isb
	bx	lr
	.size	__v7_setup, . - __v7_setup
	.ltorg

/*
 * void tlb_bench_measure(unsigned long start, unsigned long n,
 *                        unsigned long passes, u64 out[2])
 * See tlb-bench.h.  Both timed windows run the same code (chase_timed), so
 * whatever the counter reads add is the same in both.  No stack or other data
 * access between the first cold pass and the last timed load.
 */
	.balign	256				@ this and the loops below: one page
	.globl	tlb_bench_measure
	.type	tlb_bench_measure, %function
tlb_bench_measure:
	push	{r4-r8, lr}
	mov	r4, r0				@ start
	mov	r5, r1				@ n
	mov	r8, r3				@ out
	mul	r6, r1, r2			@ passes * n
	mov	r1, r5
	bl	chase				@ cold pass
	mov	r0, r4
	mov	r1, r6
	bl	chase_timed			@ passes * n loads
	mov	r7, r0
	mov	r0, r4
	mov	r1, r5
	bl	chase				@ cold pass
	mov	r0, r4
	lsl	r1, r6, #1
	bl	chase_timed			@ 2 * passes * n loads
	mov	r1, #0
	str	r7, [r8]			@ out[0] = window(P), 32-bit counter
	str	r1, [r8, #4]
	str	r0, [r8, #8]			@ out[1] = window(2P)
	str	r1, [r8, #12]
	pop	{r4-r8, pc}
	.size	tlb_bench_measure, . - tlb_bench_measure

/* r0 = start, r1 = loads (> 0): the pointer chase */
	.type	chase, %function
chase:
1:	ldr	r0, [r0]
	subs	r1, r1, #1
	bne	1b
	bx	lr
	.size	chase, . - chase

/* r0 = start, r1 = loads (> 0); returns the cycles the loads took (PMCCNTR, 32 bits) */
	.type	chase_timed, %function
chase_timed:
	mrc	p15, 0, r2, c9, c13, 0		@ PMCCNTR
1:	ldr	r0, [r0]
	subs	r1, r1, #1
	bne	1b
	mrc	p15, 0, r3, c9, c13, 0		@ PMCCNTR
	sub	r0, r3, r2
	bx	lr
	.size	chase_timed, . - chase_timed

/* void psci_system_off(bool smc): PSCI SYSTEM_OFF over SMC or HVC (the DTB's /psci method) */
	.globl	psci_system_off
	.type	psci_system_off, %function
psci_system_off:
	mov	r1, r0
	ldr	r0, =PSCI_0_2_FN_SYSTEM_OFF
	cmp	r1, #0
	bne	1f
	hvc	#0
	udf	#0				@ SYSTEM_OFF does not return
1:	smc	#0
	udf	#0
	.size	psci_system_off, . - psci_system_off
	.ltorg

	.bss
	.balign	8
init_stack:
	.space	16384
init_stack_top:
