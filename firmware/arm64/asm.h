/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * asm.h - assembler macros of the armv8-head image (the roles of Linux's
 * arch/arm64/include/asm/assembler.h, our own definitions).
 */
#ifndef MMUSCOPE_ARM64_ASM_H
#define MMUSCOPE_ARM64_ASM_H

#include "hwdef.h"

/*
 * adr_l/ldr_l/str_l: a symbol's address relative to the PC (adrp + :lo12:),
 * +/- 4 GiB.  Before the MMU is on this yields the *physical* address (the
 * code runs at its load address), afterwards the virtual one.
 */
	.macro	adr_l, dst, sym
	adrp	\dst, \sym
	add	\dst, \dst, :lo12:\sym
	.endm

	.macro	ldr_l, dst, sym
	adrp	\dst, \sym
	ldr	\dst, [\dst, :lo12:\sym]
	.endm

	.macro	str_l, src, sym, tmp
	adrp	\tmp, \sym
	str	\src, [\tmp, :lo12:\sym]
	.endm

/* mov_q: a 64-bit constant in four halfwords (movz + 3 x movk) */
	.macro	mov_q, reg, val
	movz	\reg, #(((\val) >> 48) & 0xffff), lsl #48
	movk	\reg, #(((\val) >> 32) & 0xffff), lsl #32
	movk	\reg, #(((\val) >> 16) & 0xffff), lsl #16
	movk	\reg, #((\val) & 0xffff)
	.endm

/* dcache_line_size: the smallest D-cache line, CTR_EL0.DminLine = log2(words) */
	.macro	dcache_line_size, reg, tmp
	mrs	\tmp, ctr_el0
	ubfx	\tmp, \tmp, #16, #4
	mov	\reg, #4
	lsl	\reg, \reg, \tmp
	.endm

/* phys_to_pte: with 48-bit PAs the output address sits in place, [47:12] */
	.macro	phys_to_pte, pte, phys
	mov	\pte, \phys
	.endm

#define ENTRY(name)	.globl name; .type name, %function; name:
#define LOCAL(name)	.type name, %function; name:
#define END(name)	.size name, . - name

#endif
