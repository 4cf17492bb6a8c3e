/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * head-v8.S - entry of p2v-a64 (AArch64): what an arm64 kernel does before
 * start_kernel, cut to what the benchmark needs (our own code): EL2 -> EL1,
 * PHYS_OFFSET discovery, __fixup_pv_table (bracketed by PMCCNTR_EL0 reads),
 * __create_page_tables (p2v64.c, MMU off), __cpu_setup, __enable_mmu, and
 * __mmap_switched at the link address in the linear map.
 *
 * Entry (arm64 boot protocol): MMU off, x0 = DTB physical address, at
 * PHYS_OFFSET + TEXT_OFFSET (0x800000, the Image header's text_offset) for any
 * 2 MiB-aligned PHYS_OFFSET.  Position
 * independent (adr/adrp) until __enable_mmu.
 *   x21 = DTB  x27 = PHYS_OFFSET  x28 = PHYS_OFFSET - PAGE_OFFSET (pv_offset)
 */
#include "p2v64.h"

	.section .head.text, "ax"
	.globl	stext
	.type	stext, %function
stext:
	/*
	 * The arm64 Image header (Documentation/arch/arm64/booting.rst), so that
	 * QEMU's -kernel and mmuscope load it at a 2 MiB-aligned RAM base +
	 * text_offset, as Linux's head.S starts with it.
	 */
	b	primary_entry			// code0
	.long	0				// code1
	.quad	P2V_TEXT_OFFSET			// text_offset
	.quad	__image_size			// image_size (p2v-v8.ld: _end - _text)
	.quad	(1 << 1)			// flags: little-endian, 4 KiB pages, base near DRAM start
	.quad	0, 0, 0				// res2..res4
	.ascii	"ARM\x64"			// magic
	.long	0				// res5
primary_entry:
	mov	x21, x0
	mrs	x1, CurrentEL
	cmp	x1, #CurrentEL_EL2
	b.ne	1f
	mov	x1, #HCR_RW			// EL1 is AArch64
	msr	hcr_el2, x1
	mov	x1, #INIT_PSTATE_EL1
	msr	spsr_el2, x1
	adr	x1, 1f
	msr	elr_el2, x1
	eret
1:	adr	x1, __phys_offset_probe
	ldr	x2, [x1]			// link address of the probe
	sub	x28, x1, x2			// PHYS_OFFSET - PAGE_OFFSET
	mov	x27, #PAGE_OFFSET
	add	x27, x27, x28			// PHYS_OFFSET
	tst	x27, #0x1fffff			// 2 MiB blocks map it
	b.ne	__error_p
	adrp	x1, init_stack_top
	add	sp, x1, :lo12:init_stack_top

	mov	x1, #((1 << 2) | (1 << 0))	// PMCR_EL0: C, E
	msr	pmcr_el0, x1
	mov	x1, #(1 << 31)			// PMCNTENSET_EL0.C
	msr	pmcntenset_el0, x1
	isb

	mrs	x19, pmccntr_el0
	bl	__fixup_pv_table
	.globl	__fixup_pv_table_return
__fixup_pv_table_return:
	mrs	x20, pmccntr_el0
	sub	x20, x20, x19
	adrp	x1, __pv_fixup_cycles
	str	x20, [x1, :lo12:__pv_fixup_cycles]

	mov	x0, x27
	bl	__create_page_tables		// p2v64.c
	bl	__cpu_setup
	ldr	x1, =__mmap_switched		// virtual
	b	__enable_mmu
	.ltorg
	.size	stext, . - stext

	.balign	8
__phys_offset_probe:
	.quad	.

__error_p:
	adr	x1, 9f
	mov	x2, #UART_PHYS
4:	ldrb	w3, [x1], #1
	cbz	w3, 5f
	str	w3, [x2, #UART_DR]
	b	4b
5:	ldr	x0, =PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
	udf	#0
9:	.asciz	"p2v: error: PHYS_OFFSET is not 2 MiB aligned\r\n"
	.balign	4
	.ltorg

/*
 * __fixup_pv_table: __pv_phys_pfn_offset and __pv_offset (physical addresses:
 * MMU off), then every .pv_table entry: the link address of a
 *     movz x16, #0, lsl #48 ; movk x16, #0, lsl #32 ; movk x16, #0, lsl #16 ; movk x16, #0
 * sequence (the shape of arm64's alternative_cb sequences for kimage_voffset),
 * whose imm16 fields (bits 20:5) get the four 16-bit chunks of pv_offset.
 * MOVZ (64-bit) = 0xd2800000, MOVK = 0xf2800000, | hw << 21 | imm16 << 5 | Rd:
 * bits 31:21 are 0x694 | hw (MOVZ) or 0x794 | hw (MOVK).
 */
	.type	__fixup_pv_table, %function
__fixup_pv_table:
	adrp	x1, __pv_offset
	add	x1, x1, :lo12:__pv_offset
	str	x28, [x1]
	lsr	x2, x27, #PAGE_SHIFT
	adrp	x1, __pv_phys_pfn_offset
	str	x2, [x1, :lo12:__pv_phys_pfn_offset]
	adrp	x3, __pv_table_begin
	add	x3, x3, :lo12:__pv_table_begin
	adrp	x4, __pv_table_end
	add	x4, x4, :lo12:__pv_table_end
	mov	x5, #0				// sites patched
	mov	w11, #0x001f			// keeps all but imm16
	movk	w11, #0xffe0, lsl #16
1:	cmp	x3, x4
	b.hs	3f
	ldr	x6, [x3], #8			// link address of the sequence
	add	x6, x6, x28			// physical
	mov	x7, #48				// shift of the chunk, hw = shift / 16
2:	ldr	w9, [x6]
	lsr	w12, w9, #21
	lsr	x14, x7, #4			// hw
	cmp	x7, #48
	mov	w15, #0x794			// MOVK
	mov	w13, #0x694			// MOVZ first
	csel	w15, w13, w15, eq
	orr	w15, w15, w14
	cmp	w12, w15
	b.ne	__error_stub
	and	w12, w9, #0x1f
	cmp	w12, #16			// Rd = x16
	b.ne	__error_stub
	lsr	x10, x28, x7
	and	x10, x10, #0xffff
	and	w9, w9, w11
	orr	w9, w9, w10, lsl #5
	str	w9, [x6], #4
	subs	x7, x7, #16
	b.ge	2b
	add	x5, x5, #1
	b	1b
3:	adrp	x1, __pv_patched_sites
	str	x5, [x1, :lo12:__pv_patched_sites]
	dsb	ish				// the patched words are code
	ic	iallu
	dsb	ish
	isb
	ret
	.size	__fixup_pv_table, . - __fixup_pv_table

__error_stub:
	adr	x1, 9f
	mov	x2, #UART_PHYS
4:	ldrb	w3, [x1], #1
	cbz	w3, 5f
	str	w3, [x2, #UART_DR]
	b	4b
5:	ldr	x0, =PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
	udf	#0
9:	.asciz	"p2v: error: .pv_table entry is not a movz/movk x16 sequence\r\n"
	.balign	4
	.ltorg

/* __cpu_setup: MAIR, TCR (48-bit VAs both halves, 4K, IPS 40 bits), TTBRs; x0 = SCTLR */
	.type	__cpu_setup, %function
__cpu_setup:
	tlbi	vmalle1
	dsb	nsh
	ldr	x1, =MAIR_EL1_SET
	msr	mair_el1, x1
	ldr	x1, =(TCR_EL1_SET | (UL(2) << TCR_IPS_SHIFT))
	msr	tcr_el1, x1
	adrp	x1, idmap_pg_dir
	msr	ttbr0_el1, x1
	adrp	x1, swapper_pg_dir
	msr	ttbr1_el1, x1
	isb
	ldr	x0, =INIT_SCTLR_EL1_MMU_ON
	ret
	.size	__cpu_setup, . - __cpu_setup
	.ltorg

/* __enable_mmu: x0 = SCTLR, x1 = virtual address to go on at */
	.type	__enable_mmu, %function
__enable_mmu:
	msr	sctlr_el1, x0
	isb
	ic	iallu
	dsb	nsh
	isb
	br	x1
	.size	__enable_mmu, . - __enable_mmu

	.text
	.type	__mmap_switched, %function
__mmap_switched:
	ldr	x0, =__bss_start
	ldr	x1, =__bss_stop
1:	cmp	x0, x1
	b.hs	2f
	str	xzr, [x0], #8
	b	1b
2:	ldr	x0, =init_stack_top
	mov	sp, x0
	ldr	x0, =UART_VIRT64
	ldr	x1, =earlycon_base
	str	x0, [x1]
	mov	x0, x21				// DTB (physical)
	mov	x1, x27				// PHYS_OFFSET
	b	start_kernel
	.size	__mmap_switched, . - __mmap_switched
	.ltorg

/* void psci_system_off(void): SMC or HVC per psci_use_smc */
	.globl	psci_system_off
	.type	psci_system_off, %function
psci_system_off:
	ldr	x1, =psci_use_smc
	ldr	w1, [x1]
	ldr	x0, =PSCI_0_2_FN_SYSTEM_OFF
	cbnz	w1, 1f
	hvc	#0
	udf	#0
1:	smc	#0
	udf	#0
	.size	psci_system_off, . - psci_system_off
	.ltorg

	.data
	.balign	8
	.globl	__pv_phys_pfn_offset, __pv_patched_sites, __pv_fixup_cycles, psci_use_smc
__pv_phys_pfn_offset:	.quad	0
__pv_patched_sites:	.quad	0
__pv_fixup_cycles:	.quad	0		// PMCCNTR_EL0 around __fixup_pv_table
psci_use_smc:		.long	0

	.bss
	.balign	16
init_stack:
	.space	16384
init_stack_top:
