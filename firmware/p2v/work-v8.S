/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * work-v8.S - the P2V workloads of p2v-a64, the AArch64 counterpart of
 * work-v7.S (same workloads, variants, phases and checksums; read that file's
 * comment first).  The conversions:
 *
 *   constant  pv_offset for PHYS_OFFSET = PLAT_PHYS_OFFSET at build time: the
 *             compiler keeps such a 64-bit constant in a register across a
 *             loop (x5, set once per call by movz/movk); one SUB/ADD (register).
 *   patched   movz x16 / movk x16 x 3 recorded in .pv_table and patched at
 *             boot with pv_offset's four 16-bit chunks (the alternative_cb
 *             movz/movk shape arm64 uses for kimage_voffset), then SUB/ADD:
 *             five instructions, no load.
 *   variable  LDR x16, [x4] of __pv_offset (a kimage_voffset-like variable on
 *             the list's first page), then SUB/ADD: two instructions, one load.
 *   placed    the same, reading __pv_offset_placed alone on the page after the
 *             LIST_PAGES list pages.
 */
#include "p2v64.h"

/* PLAT_PHYS_OFFSET - PAGE_OFFSET mod 2^64 = 0x0001000080000000 */
#define PLAT_PV_OFFSET	0x0001000080000000

	.macro	pv_conv v, dir, rd, rn
	.if	\v == 0
	\dir	\rd, \rn, x5
	.elseif	\v == 1
.Lpv_stub\@:
	movz	x16, #0, lsl #48
	movk	x16, #0, lsl #32
	movk	x16, #0, lsl #16
	movk	x16, #0
	.pushsection .pv_table, "a"
	.balign	8
	.quad	.Lpv_stub\@
	.popsection
	\dir	\rd, \rn, x16
	.else
	ldr	x16, [x4]			// __pv_offset (or __pv_offset_placed)
	\dir	\rd, \rn, x16
	.endif
	.endm

	.macro	setup v
	.if	\v == 3
	ldr	x4, =__pv_offset_placed
	.else
	ldr	x4, =__pv_offset
	.endif
	movz	x5, #(PLAT_PV_OFFSET >> 48) & 0xffff, lsl #48
	movk	x5, #(PLAT_PV_OFFSET >> 32) & 0xffff, lsl #32
	movk	x5, #(PLAT_PV_OFFSET >> 16) & 0xffff, lsl #16
	movk	x5, #PLAT_PV_OFFSET & 0xffff
	.endm

/*
 * Each workload function starts on a 128-byte boundary and fits in 128 bytes
 * (.org below fails otherwise), so no loop straddles a 1 KiB boundary: Unicorn 2.0.1 ends
 * its translation blocks there (ARM's TARGET_PAGE_BITS_MIN 10), and mmuscope
 * charges load_to_use only when the load and its consumer share a block; a
 * loop split there would lose that cost (measured: docs/p2v.md, "Findings").
 */
/* loop, n iterations (2n conversions): per iteration 4 + 2 * conversion instructions */
	.macro	loop_fn name, v, n
	.balign	128				// see the comment above loop_fn
	.globl	\name
	.type	\name, %function
\name:
	setup	\v
	mov	x1, #\n
	mov	x2, #0
.Lloop\@:
	pv_conv	\v, sub, x3, x0			// v = __phys_to_virt(p)
	add	x2, x2, x3			// sum += v
	add	x3, x3, #LOOP_STRIDE
	pv_conv	\v, add, x0, x3			// p = __virt_to_phys(v + LOOP_STRIDE)
	subs	x1, x1, #1
	b.ne	.Lloop\@
	mov	x0, x2
	ret
	.ltorg
	.org	\name + 128			/* pads to 128 bytes; an error if the function is longer */
	.size	\name, . - \name
	.endm

/* list, n steps: per step 5 + conversion instructions, 2 + conversion loads */
	.macro	list_fn name, v, n
	.balign	128				// see the comment above loop_fn
	.globl	\name
	.type	\name, %function
\name:
	setup	\v
	mov	x1, #\n
	mov	x2, #0
.Llist\@:
	pv_conv	\v, sub, x3, x0			// v = __phys_to_virt(p)
	ldr	x0, [x3]			// p = v->next_phys
	ldr	x6, [x3, #8]			// v->data
	add	x2, x2, x6
	subs	x1, x1, #1
	b.ne	.Llist\@
	mov	x0, x2
	ret
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
	.balign	4096
	.globl	p2v_work_start
p2v_work_start:
	variant_fns 0, constant
	variant_fns 1, patched
	variant_fns 2, variable
	variant_fns 3, placed

	.balign	32
	.globl	p2v_phases_end
	.type	p2v_phases_end, %function
p2v_phases_end:
	ret
	.size	p2v_phases_end, . - p2v_phases_end

/*
 * void p2v_run_phases(u64 loop_phys, u64 list_phys, int constant): as in
 * work-v7.S; every phase runs the same glue; slot k of p2v_results[] is
 * phase k (the end marker's is P2V_PHASES).
 */
	.macro	phase fn, arg, skipreg, slot
	cmp	\skipreg, #0
	b.eq	.Lskip\@
	mov	x0, \arg
	mrs	x21, pmccntr_el0
	bl	\fn
	mrs	x22, pmccntr_el0
	sub	x22, x22, x21
	str	w0, [x20, #(\slot * 8)]		// checksum (low 32 bits)
	str	w22, [x20, #(\slot * 8 + 4)]	// cycles
.Lskip\@:
	.endm

	.macro	phases_of wl, vname, arg, skipreg, slot
	phase	p2v_\wl\()_\vname\()_warm, \arg, \skipreg, \slot
	phase	p2v_\wl\()_\vname\()_a, \arg, \skipreg, (\slot + 1)
	phase	p2v_\wl\()_\vname\()_b, \arg, \skipreg, (\slot + 2)
	.endm

	.balign	32
	.globl	p2v_run_phases
	.type	p2v_run_phases, %function
p2v_run_phases:
	stp	x29, x30, [sp, #-64]!
	mov	x29, sp
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	mov	x23, x0
	mov	x24, x1
	mov	x19, x2				// 0: skip the constant variant
	ldr	x20, =p2v_results
	phases_of loop, constant, x23, x19, 0
	phases_of loop, patched, x23, sp, 3
	phases_of loop, variable, x23, sp, 6
	phases_of loop, placed, x23, sp, 9
	phases_of list, constant, x24, x19, 12
	phases_of list, patched, x24, sp, 15
	phases_of list, variable, x24, sp, 18
	phases_of list, placed, x24, sp, 21
	phase	p2v_phases_end, x23, sp, P2V_PHASES
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x29, x30, [sp], #64
	ret
	.size	p2v_run_phases, . - p2v_run_phases
	.ltorg

	.section .list, "aw", %nobits
	.globl	p2v_list, __pv_offset, __pv_offset_placed
p2v_list:
	.space	0xf00
__pv_offset:					// PHYS_OFFSET - PAGE_OFFSET (head-v8.S)
	.space	8
	.space	LIST_PAGES * PAGE_SIZE - 0xf08
__pv_offset_placed:
	.space	PAGE_SIZE

	.bss
	.balign	8
	.globl	p2v_results
p2v_results:
	.space	(P2V_PHASES + 1) * 8
