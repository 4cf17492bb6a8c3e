/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * head-v7.S - entry of the P2V benchmark images p2v-a32 and p2v-t32: the
 * steps of Linux arch/arm/kernel/head.S a CONFIG_ARM_PATCH_PHYS_VIRT kernel
 * takes before start_kernel, under the same names (our own code):
 * PHYS_OFFSET discovery, __fixup_pv_table / __fixup_a_pv_table (bracketed by
 * PMCCNTR reads), __create_page_tables, __v7_setup, __enable_mmu,
 * __turn_mmu_on, __mmap_switched.
 *
 * p2v-t32 is built with -DCONFIG_THUMB2_KERNEL: as in Linux the entry is
 * ARM (a boot loader enters in ARM state) and switches to Thumb; every P2V
 * stub is a 32-bit T32 ADD/SUB (immediate, encoding T3) and
 * __fixup_a_pv_table rewrites its modified immediate.
 *
 * Entry: MMU and caches off, r0 = 0, r1 = machine id, r2 = DTB physical
 * address, at PHYS_OFFSET + TEXT_OFFSET for any 16 MiB-aligned PHYS_OFFSET.
 * Everything up to __turn_mmu_on is position independent.
 *   r6 = DTB (physical)  r8 = PHYS_OFFSET  r11 = PHYS_OFFSET - PAGE_OFFSET
 */
#include "p2v.h"

	.syntax	unified
	.arch	armv7-a
	.arch_extension sec
	.arch_extension virt

#ifdef CONFIG_THUMB2_KERNEL
#define THUMB(x...)	x
#define ARM(x...)
#else
#define THUMB(x...)
#define ARM(x...)	x
#endif

	.section .head.text, "ax"
	.arm
	.globl	stext
	.type	stext, %function
stext:
	/* safe_svcmode_maskall: HYP -> SVC by an ERET, else SVC with A/I/F masked */
	mrs	r3, cpsr
	and	r3, r3, #MODE_MASK
	teq	r3, #HYP_MODE
	bne	1f
	mov	r3, #(PSR_A_BIT | PSR_I_BIT | PSR_F_BIT | SVC_MODE)
	msr	spsr_cxsf, r3
	adr	r3, 2f
	msr	elr_hyp, r3
	eret
1:	cpsid	aif, #SVC_MODE
2:
 THUMB(	adr	r9, 3f + 1 )			@ Linux: THUMB( badr r9, 1f ; bx r9 ; .thumb )
 THUMB(	bx	r9 )
 THUMB(	.thumb )
3:	mov	r6, r2				@ DTB pointer

	/* PHYS_OFFSET discovery: run-time minus link-time address of a probe word */
	adr	r3, __phys_offset_probe
	ldmia	r3, {r0, r8}			@ r0 = link VA of the probe, r8 = PAGE_OFFSET
	sub	r11, r3, r0			@ PHYS_OFFSET - PAGE_OFFSET
	add	r8, r8, r11			@ PHYS_OFFSET
	ldr	sp, =init_stack_top
	add	sp, sp, r11			@ its physical alias
	lsr	r0, r11, #24			@ 16 MiB aligned: the delta is its top byte
	lsl	r0, r0, #24
	teq	r0, r11
	bne	__error_p

	/* the cycle counter, as a benchmark must enable it: PMCR.E|C, PMCNTENSET.C */
	mov	r0, #((1 << 2) | (1 << 0))
	mcr	p15, 0, r0, c9, c12, 0
	mov	r0, #(1 << 31)
	mcr	p15, 0, r0, c9, c12, 1
	isb

	mrc	p15, 0, r9, c9, c13, 0		@ PMCCNTR before
	bl	__fixup_pv_table
	.globl	__fixup_pv_table_return
__fixup_pv_table_return:			@ the host stops here to count the fixup
	mrc	p15, 0, r10, c9, c13, 0		@ PMCCNTR after
	sub	r10, r10, r9
	ldr	r0, =__pv_fixup_cycles
	add	r0, r0, r11
	str	r10, [r0]

	bl	__create_page_tables		@ r4 = swapper_pg_dir (physical)
	bl	__v7_setup
	ldr	r13, =__mmap_switched		@ virtual address
	b	__enable_mmu
	.ltorg
	.size	stext, . - stext

	.align	2
__phys_offset_probe:
	.long	.
	.long	PAGE_OFFSET

/* __error_p: not 16 MiB aligned.  Message on the physical UART, PSCI off (HVC). */
__error_p:
	adr	r1, 9f
	ldr	r2, =UART_PHYS
4:	ldrb	r3, [r1], #1
	cmp	r3, #0
	beq	5f
	str	r3, [r2, #UART_DR]
	b	4b
5:	ldr	r0, =PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
	udf	#0
9:	.asciz	"p2v: error: PHYS_OFFSET is not 16 MiB aligned\r\n"
	.align	2
	.ltorg

/*
 * __fixup_pv_table: store __pv_phys_pfn_offset and __pv_offset (physical
 * addresses: MMU off), then __fixup_a_pv_table patches every stub listed in
 * .pv_table with the top byte of PHYS_OFFSET - PAGE_OFFSET (r3), and counts
 * them in __pv_patched_sites.  Clobbers r0-r3, ip.
 */
	.type	__fixup_pv_table, %function
__fixup_pv_table:
	push	{r4-r7, lr}
	adr	r0, 1f
	ldmia	r0, {r3-r7}
	subs	r3, r0, r3			@ PHYS_OFFSET - PAGE_OFFSET
	add	r4, r4, r3			@ .pv_table start, physical
	add	r5, r5, r3			@ .pv_table end, physical
	add	r6, r6, r3			@ &__pv_phys_pfn_offset, physical
	add	r7, r7, r3			@ &__pv_offset, physical
	lsr	r0, r8, #PAGE_SHIFT
	str	r0, [r6]			@ __pv_phys_pfn_offset
	str	r3, [r7]			@ __pv_offset
	mov	r2, #0				@ sites patched
	lsr	r6, r3, #24			@ the offset's top byte
#ifdef CONFIG_THUMB2_KERNEL
	/*
	 * __fixup_a_pv_table, Thumb-2: the stub is ADD/SUB (immediate) T3,
	 *   hw1 = 11110 i 0 op(4) S Rn   (ADD op 1000, SUB op 1101)
	 *   hw2 = 0 imm3 Rd imm8
	 * with a modified immediate i:imm3:imm8 (ARM ARM A6.3.2): value =
	 * ('1':imm8[6:0]) ROR (i:imm3:imm8[7]).  A top byte b != 0 with its
	 * highest set bit at position k (0..7) is ('1'...) << (24 + k - 7) =
	 * ROR (15 - k), so rot = 15 - k in 8..15: i = 0, imm3 = rot >> 1 (bit
	 * 14 always set), imm8[7] = rot & 1, imm8[6:0] = (b << (7 - k)) & 0x7f.
	 * b == 0 (PHYS_OFFSET == PAGE_OFFSET) is imm12 = 0, the value 0.
	 * Placeholder 0x81000000: k = 7, rot 8: imm3 = 4, imm8 = 0x01.
	 * r6 becomes the new hw2 bits (imm3, imm8); Rd (hw2[11:8]) is kept.
	 */
	lsls	r6, r6, #24
	beq	2f				@ b == 0: imm3 = imm8 = 0
	clz	r7, r6				@ 7 - k
	lsl	r6, r6, r7			@ '1bcdefgh' at bits 31..24
	lsr	r6, r6, #24
	bic	r6, r6, #0x80			@ imm8[6:0]
	add	r7, r7, #8			@ rot = 15 - k = 8 + (7 - k)
	lsrs	r7, r7, #1			@ imm3 = rot >> 1, C = rot & 1
	it	cs
	orrcs	r6, r6, #0x80			@ imm8[7]
	orr	r6, r6, r7, lsl #12		@ imm3
2:	cmp	r4, r5
	bhs	3f
	ldr	r7, [r4], #4			@ link address of the stub
	bic	r7, r7, #1			@ (a Thumb label may carry bit 0)
	add	r7, r7, r3			@ physical
	ldrh	ip, [r7]			@ hw1
	movw	r1, #0xfbe0			@ all but i (10), S (4), Rn (3:0)
	and	r0, ip, r1
	movw	r1, #0xf100			@ ADD (immediate) T3
	teq	r0, r1
	itt	ne
	movwne	r1, #0xf1a0			@ SUB (immediate) T3
	teqne	r0, r1
	bne	__error_stub
	tst	ip, #0x0400			@ i must be 0 (rot 8..15)
	bne	__error_stub
	ldrh	ip, [r7, #2]			@ hw2
	and	ip, ip, #0x8f00			@ keep bit 15 and Rd
	orr	ip, ip, r6			@ new imm3:imm8
	strh	ip, [r7, #2]
	add	r2, r2, #1
	b	2b
#else
	/*
	 * __fixup_a_pv_table, ARM: the stub is ADD/SUB (immediate) A1 with the
	 * 12-bit modified immediate rot:imm8 = 0x4:0x81 (0x81 ROR 8 =
	 * 0x81000000).  Keep the rotation (value = imm8 << 24) and put the
	 * offset's top byte in imm8.
	 */
2:	cmp	r4, r5
	bhs	3f
	ldr	r7, [r4], #4			@ link address of the stub
	add	r7, r7, r3			@ physical
	ldr	ip, [r7]
	and	r0, ip, #0x0fe00000		@ opcode and I bit
	teq	r0, #0x02800000			@ ADD (immediate)
	teqne	r0, #0x02400000			@ SUB (immediate)
	bne	__error_stub
	and	r0, ip, #0x00000f00		@ rotation field 4
	teq	r0, #0x00000400
	bne	__error_stub
	bic	ip, ip, #0x000000ff
	orr	ip, ip, r6			@ imm8 = offset bits 31-24
	str	ip, [r7]
	add	r2, r2, #1
	b	2b
#endif
3:	ldr	r0, =__pv_patched_sites
	add	r0, r0, r3
	str	r2, [r0]
	mov	r0, #0				@ the patched words are code:
	dsb
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	mcr	p15, 0, r0, c7, c5, 6		@ BPIALL
	dsb
	isb
	pop	{r4-r7, pc}
	.size	__fixup_pv_table, . - __fixup_pv_table

	.align	2
1:	.long	.
	.long	__pv_table_begin
	.long	__pv_table_end
	.long	__pv_phys_pfn_offset
	.long	__pv_offset
	.ltorg

__error_stub:
	adr	r1, 9f
	ldr	r2, =UART_PHYS
4:	ldrb	r3, [r1], #1
	cmp	r3, #0
	beq	5f
	str	r3, [r2, #UART_DR]
	b	4b
5:	ldr	r0, =PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
	udf	#0
9:	.asciz	"p2v: error: .pv_table entry is not an add/sub #imm stub\r\n"
	.align	2
	.ltorg

/*
 * __create_page_tables (MMU off, physical addresses): swapper_pg_dir at
 * PHYS_OFFSET + 0x4000 cleared; the identity section of the running MiB
 * (for __turn_mmu_on); LINEAR_MB sections PAGE_OFFSET + n MiB -> PHYS_OFFSET
 * + n MiB (mm_mmuflags: Normal WBWA, PL1 RW), except MiB 1 (the list region),
 * a page table of 4 KiB small pages at PHYS_OFFSET + 0x3000; the UART MiB at
 * 0xF9000000, Device, XN.  Returns r4 = swapper_pg_dir (physical).
 * Short descriptors, TTBCR = 0, TEX remap off (SCTLR.TRE = 0): TEX 001 C B = WBWA.
 */
#define SECT_MEM	(PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_WBWA | PMD_SECT_S)
#define SECT_DEV	(PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_BUFFERABLE | PMD_SECT_XN)
#define PTE_MEM		(PTE_TYPE_SMALL | PTE_EXT_AP0 | PTE_EXT_TEX(1) | PTE_CACHEABLE | \
			 PTE_BUFFERABLE | PTE_EXT_SHARED | PTE_EXT_XN)
	.type	__create_page_tables, %function
__create_page_tables:
	add	r4, r8, #0x4000			@ swapper_pg_dir (physical)
	mov	r0, r4
	mov	r3, #0
	add	r5, r4, #0x4000
1:	str	r3, [r0], #4			@ clear the 16 KiB L1 table
	cmp	r0, r5
	blo	1b
	ldr	r7, =SECT_MEM
	/* identity section of the code that turns the MMU on */
	adr	r0, __create_page_tables
	lsr	r0, r0, #SECTION_SHIFT
	orr	r3, r7, r0, lsl #SECTION_SHIFT
	str	r3, [r4, r0, lsl #2]
	/* the linear map */
	mov	r1, #0				@ n (MiB)
	lsr	r2, r8, #SECTION_SHIFT		@ PHYS_OFFSET in MiB
	add	r5, r4, #(PAGE_OFFSET >> (SECTION_SHIFT - 2))
2:	add	r0, r2, r1
	orr	r3, r7, r0, lsl #SECTION_SHIFT
	str	r3, [r5, r1, lsl #2]
	add	r1, r1, #1
	cmp	r1, #LINEAR_MB
	blo	2b
	/* MiB 1: the list region in 4 KiB small pages */
	add	r0, r8, #LIST_PTE_OFFSET	@ list_pte (physical, 1 KiB aligned)
	orr	r3, r0, #PMD_TYPE_TABLE
	str	r3, [r5, #4]
	add	r1, r8, #SECTION_SIZE		@ physical address of MiB 1
	ldr	r2, =PTE_MEM
	orr	r1, r1, r2
	mov	r2, #256
3:	str	r1, [r0], #4
	add	r1, r1, #PAGE_SIZE
	subs	r2, r2, #1
	bne	3b
	/* the UART */
	ldr	r3, =(UART_PHYS | SECT_DEV)
	ldr	r0, =(UART_VIRT >> SECTION_SHIFT)
	str	r3, [r4, r0, lsl #2]
	bx	lr
	.size	__create_page_tables, . - __create_page_tables
	.ltorg

/* __v7_setup (2-level, TEX remap off): invalidate, TTBCR = 0, TTBR0, DACR; r0 = SCTLR */
	.type	__v7_setup, %function
__v7_setup:
	mov	r0, #0
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	mcr	p15, 0, r0, c8, c7, 0		@ TLBIALL
	dsb
	isb
	mcr	p15, 0, r0, c2, c0, 2		@ TTBCR = 0
	orr	r0, r4, #TTB_FLAGS_SMP
	mcr	p15, 0, r0, c2, c0, 0		@ TTBR0
	mov	r0, #1				@ domain 0 client
	mcr	p15, 0, r0, c3, c0, 0		@ DACR
	mrc	p15, 0, r0, c1, c0, 0
	bic	r0, r0, #(CR_A)
	bic	r0, r0, #(1 << 28)		@ TRE off
	bic	r0, r0, #(1 << 29)		@ AFE off
	orr	r0, r0, #(CR_M | (1 << 2))	@ M, C
	orr	r0, r0, #((1 << 11) | (1 << 12))	@ Z, I
 THUMB(	orr	r0, r0, #(1 << 30) )		@ TE: exceptions in Thumb
	bx	lr
	.size	__v7_setup, . - __v7_setup

/* __enable_mmu / __turn_mmu_on: r0 = SCTLR, r13 = virtual address to continue at */
	.section .idmap.text, "ax"
 ARM(	.arm )
 THUMB(	.thumb )
	.type	__enable_mmu, %function
__enable_mmu:
	mcr	p15, 0, r0, c1, c0, 0		@ SCTLR: MMU on
	isb
	mov	r3, r3
	mov	r3, r13
	bx	r3
	.size	__enable_mmu, . - __enable_mmu

	.text
 ARM(	.arm )
 THUMB(	.thumb )
	.globl	__mmap_switched
	.type	__mmap_switched, %function
__mmap_switched:
	ldr	r0, =__bss_start
	ldr	r1, =__bss_stop
	mov	r2, #0
1:	cmp	r0, r1
	itt	lo
	strlo	r2, [r0], #4
	blo	1b
	ldr	sp, =init_stack_top
	mov	r0, r6				@ DTB (physical)
	mov	r1, r8				@ PHYS_OFFSET
	b	start_kernel
	.size	__mmap_switched, . - __mmap_switched
	.ltorg

/* void psci_system_off(int smc) */
	.globl	psci_system_off
	.type	psci_system_off, %function
psci_system_off:
	mov	r1, r0
	ldr	r0, =PSCI_0_2_FN_SYSTEM_OFF
	cmp	r1, #0
	bne	1f
	hvc	#0
	udf	#0
1:	smc	#0
	udf	#0
	.size	psci_system_off, . - psci_system_off
	.ltorg

	.data
	.align	2
	.globl	__pv_phys_pfn_offset, __pv_patched_sites, __pv_fixup_cycles
__pv_phys_pfn_offset:	.long	0
__pv_patched_sites:	.long	0
__pv_fixup_cycles:	.long	0		@ PMCCNTR around __fixup_pv_table

	.bss
	.align	3
init_stack:
	.space	8192
init_stack_top:
