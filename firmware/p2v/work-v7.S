/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * work-v7.S - the P2V workloads of p2v-a32 / p2v-t32, each built in the four
 * ways the benchmark compares (the only difference is the conversion macro):
 *
 *   constant  CONFIG_ARM_PATCH_PHYS_VIRT=n: PHYS_OFFSET is PLAT_PHYS_OFFSET
 *             (0x80000000) at build time; one ADD/SUB #imm, never patched.
 *             (Runs correctly only at PHYS_OFFSET 0x80000000.)
 *   patched   Linux's __pv_stub: one ADD/SUB #0x81000000 whose address is
 *             recorded in .pv_table; __fixup_pv_table (head-v7.S) puts the
 *             top byte of PHYS_OFFSET - PAGE_OFFSET in its immediate.
 *   variable  the offset loaded from __pv_offset at every conversion, then a
 *             register ADD/SUB: LDR + ADD/SUB.  __pv_offset sits in the first
 *             page of the list region, a page the list walk touches anyway.
 *   placed    the same two instructions, reading __pv_offset_placed, alone on
 *             the page after the LIST_PAGES list pages: one more page the list
 *             walk needs in the micro-TLB.
 * The address of the variable is put in r4 once per call, as compiled code
 * keeps a global's address in a register across a loop.
 *
 * Workloads (r0 = a physical address, returns the checksum in r0):
 *   loop: LOOP-style pure conversions, two per iteration, a dependency chain
 *         v = __phys_to_virt(p); sum += v; p = __virt_to_phys(v + LOOP_STRIDE)
 *         checksum = sum of the N virtual addresses (independent of PHYS_OFFSET)
 *   list: walk a circular list whose links are physical addresses:
 *         v = __phys_to_virt(p); p = v->next_phys; sum += v->data
 * Each (workload, variant) is instantiated three times, "warm" (N), "a" (N),
 * "b" (2N), each function called once (the host stops at their entries).
 * b - a is N iterations from the state a warm run leaves, the call overhead
 * cancelling.
 */
#include "p2v.h"

	.syntax	unified
	.arch	armv7-a
#ifdef CONFIG_THUMB2_KERNEL
	.thumb
#else
	.arm
#endif

/* PHYS_OFFSET - PAGE_OFFSET for the constant variant, mod 2^32: 0xC0000000 */
#define PLAT_PV_OFFSET	((PLAT_PHYS_OFFSET - PAGE_OFFSET) & 0xffffffff)

/* v: 0 constant, 1 patched, 2 variable, 3 placed.  dir: sub = phys->virt, add = virt->phys */
	.macro	pv_conv v, dir, rd, rn
	.if	\v == 0
	\dir	\rd, \rn, #PLAT_PV_OFFSET
	.elseif	\v == 1
.Lpv_stub\@:					@ __pv_stub
	\dir	\rd, \rn, #PV_STUB_PLACEHOLDER
	.pushsection .pv_table, "a"
	.balign	4
	.long	.Lpv_stub\@
	.popsection
	.else
	ldr	ip, [r4]			@ __pv_offset (or __pv_offset_placed)
	\dir	\rd, \rn, ip
	.endif
	.endm

	.macro	offset_addr v
	.if	\v == 3
	ldr	r4, =__pv_offset_placed
	.else
	ldr	r4, =__pv_offset
	.endif
	.endm

/*
 * Each workload function starts on a 128-byte boundary and fits in 128 bytes
 * (.org below fails otherwise), so no loop straddles a 1 KiB boundary: Unicorn 2.0.1 ends
 * its translation blocks there (ARM's TARGET_PAGE_BITS_MIN 10), and mmuscope
 * charges load_to_use only when the load and its consumer share a block; a
 * loop split there would lose that cost (measured: docs/p2v.md, "Findings").
 */
/* loop, n iterations (2n conversions); per iteration 4 + 2 * conversion instructions */
	.macro	loop_fn name, v, n
	.balign	128				@ see the comment above loop_fn
	.globl	\name
	.type	\name, %function
\name:
	push	{r4, lr}
	offset_addr \v
	movw	r1, #\n
	mov	r2, #0
.Lloop\@:
	pv_conv	\v, sub, r3, r0			@ v = __phys_to_virt(p)
	add	r2, r2, r3			@ sum += v
	add	r3, r3, #LOOP_STRIDE
	pv_conv	\v, add, r0, r3			@ p = __virt_to_phys(v + LOOP_STRIDE)
	subs	r1, r1, #1
	bne	.Lloop\@
	mov	r0, r2
	pop	{r4, pc}
	.ltorg
	.org	\name + 128			/* pads to 128 bytes; an error if the function is longer */
	.size	\name, . - \name
	.endm

/* list, n steps (n conversions); per step 5 + conversion instructions, 2 + conversion loads */
	.macro	list_fn name, v, n
	.balign	128				@ see the comment above loop_fn
	.globl	\name
	.type	\name, %function
\name:
	push	{r4, r5, lr}
	offset_addr \v
	movw	r1, #\n
	mov	r2, #0
.Llist\@:
	pv_conv	\v, sub, r3, r0			@ v = __phys_to_virt(p)
	ldr	r0, [r3]			@ p = v->next_phys
	ldr	r5, [r3, #4]			@ v->data
	add	r2, r2, r5
	subs	r1, r1, #1
	bne	.Llist\@
	mov	r0, r2
	pop	{r4, r5, pc}
	.ltorg
	.org	\name + 128			/* pads to 128 bytes; an error if the function is longer */
	.size	\name, . - \name
	.endm

	.macro	variant_fns v, vname
	loop_fn	p2v_loop_\vname\()_warm, \v, LOOP_N
	loop_fn	p2v_loop_\vname\()_a, \v, LOOP_N
	loop_fn	p2v_loop_\vname\()_b, \v, (2 * LOOP_N)
	list_fn	p2v_list_\vname\()_warm, \v, LIST_N
	list_fn	p2v_list_\vname\()_a, \v, LIST_N
	list_fn	p2v_list_\vname\()_b, \v, (2 * LIST_N)
	.endm

	.text
	.balign	4096				@ all workload code in a few pages of its own
	.globl	p2v_work_start
p2v_work_start:
	variant_fns 0, constant
	variant_fns 1, patched
	variant_fns 2, variable
	variant_fns 3, placed

/* the end marker: the host's last stop */
	.balign	32
	.globl	p2v_phases_end
	.type	p2v_phases_end, %function
p2v_phases_end:
	bx	lr
	.size	p2v_phases_end, . - p2v_phases_end

/*
 * void p2v_run_phases(u32 loop_phys, u32 list_phys, int constant): every phase
 * once, in the order of P2V_PHASES (workload, variant, warm/a/b), recording the
 * checksum and the PMCCNTR difference around the call in p2v_results[].  The
 * same code between any two calls, so b - a has no call overhead.  constant == 0
 * (PHYS_OFFSET is not PLAT_PHYS_OFFSET): the constant variant is not run (its
 * list walk would fault, as such a kernel would) and its results stay 0.
 */
	/*
	 * One phase.  skipreg == 0 skips it (r9: the constant variant off its
	 * PHYS_OFFSET; sp is never 0).  Every phase runs the same instructions
	 * between two calls, whether it is skipped or not.
	 */
	.macro	phase fn, arg, skipreg
	cmp	\skipreg, #0
	it	eq
	addeq	r8, r8, #8			@ result left 0
	beq	.Lskip\@
	mov	r0, \arg
	mrc	p15, 0, r4, c9, c13, 0		@ PMCCNTR
	bl	\fn
	mrc	p15, 0, r5, c9, c13, 0		@ PMCCNTR
	sub	r5, r5, r4
	str	r0, [r8], #4			@ checksum
	str	r5, [r8], #4			@ cycles
.Lskip\@:
	.endm

	.macro	phases_of wl, vname, arg
	.ifc	\vname, constant
	phase	p2v_\wl\()_\vname\()_warm, \arg, r9
	phase	p2v_\wl\()_\vname\()_a, \arg, r9
	phase	p2v_\wl\()_\vname\()_b, \arg, r9
	.else
	phase	p2v_\wl\()_\vname\()_warm, \arg, sp
	phase	p2v_\wl\()_\vname\()_a, \arg, sp
	phase	p2v_\wl\()_\vname\()_b, \arg, sp
	.endif
	.endm

	.balign	32
	.globl	p2v_run_phases
	.type	p2v_run_phases, %function
p2v_run_phases:
	push	{r4-r10, lr}
	mov	r6, r0
	mov	r7, r1
	mov	r9, r2
	ldr	r8, =p2v_results
	phases_of loop, constant, r6
	phases_of loop, patched, r6
	phases_of loop, variable, r6
	phases_of loop, placed, r6
	phases_of list, constant, r7
	phases_of list, patched, r7
	phases_of list, variable, r7
	phases_of list, placed, r7
	phase	p2v_phases_end, r6, sp		@ the last stop, after the same glue
	pop	{r4-r10, pc}
	.size	p2v_run_phases, . - p2v_run_phases
	.ltorg

/*
 * The list region (NOLOAD, LIST_VA = PAGE_OFFSET + 1 MiB, 4 KiB pages):
 * LIST_PAGES pages whose first 128 bytes hold list nodes, __pv_offset near the
 * end of the first page, and __pv_offset_placed alone on the next page.
 */
	.section .list, "aw", %nobits
	.globl	p2v_list, __pv_offset, __pv_offset_placed
p2v_list:
	.space	0xf00
__pv_offset:					@ PHYS_OFFSET - PAGE_OFFSET (head-v7.S)
	.space	4
	.space	LIST_PAGES * PAGE_SIZE - 0xf04
__pv_offset_placed:
	.space	PAGE_SIZE

	.bss
	.align	3
	.globl	p2v_results
p2v_results:
	.space	(P2V_PHASES + 1) * 8		@ + the end marker's slot
