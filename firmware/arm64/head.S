/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * head.S - mmuscope's re-implementation of the path through Linux's
 * arch/arm64/kernel/head.S (the 5.x form with __create_page_tables, which is
 * what seed 000 describes) for the image armv8-head.  Each block names the
 * kernel symbol it stands for; the code is ours.
 *
 * Entry (Documentation/arch/arm64/booting.rst): EL1 (or EL2), MMU off,
 * D-cache off, x0 = physical address of the FDT, x1 = x2 = x3 = 0.  The image
 * is linked at KIMAGE_VADDR = 0xffff000080800000 and must be loaded at
 * physical 0x80800000 (seed 000); everything up to __primary_switched runs at
 * the physical address and reaches data with adrp (PC-relative), so it is
 * position-independent, but the page tables it builds are for that one load
 * address, which primary_entry checks.
 *
 * Register use until the MMU is on (Linux's where it has one):
 *   x19 = physical address of _text (run-time)
 *   x20 = boot CPU mode, BOOT_CPU_MODE_EL1/EL2     (Linux: x20)
 *   x21 = FDT pointer from x0                      (Linux: x21)
 *   x22 = the SCTLR_EL1 value __cpu_setup returned
 *   x28 = saved lr in __create_page_tables         (Linux: x28)
 */
#include "asm.h"

/* Print helpers (MMU off, physical PL011): the string must be PC-reachable. */
	.macro	early_puts, str
	adr_l	x0, \str
	bl	__early_puts
	.endm

	.macro	early_hex, reg
	mov	x0, \reg
	bl	__early_hex
	.endm

/*
 * compute_indices: the entries a level needs for the VA range vstart..vend
 * (vend inclusive).  The range may spill over count extra tables of this
 * level (set by the level above); their entries are numbered on as one
 * array of (count + 1) * 512.  On exit count = iend - istart, the number of
 * extra next-level tables.
 */
	.macro	compute_indices, vstart, vend, shift, istart, iend, count
	ubfx	\istart, \vstart, #\shift, #9		// VA[shift+8:shift] of the first byte
	ubfx	\iend, \vend, #\shift, #9		// ... and of the last byte
	add	\iend, \iend, \count, lsl #9		// + 512 for every table spilled into
	sub	\count, \iend, \istart
	.endm

/* populate_entries: tbl[index..eindex] = rtbl | flags, rtbl advancing by inc */
	.macro	populate_entries, tbl, rtbl, index, eindex, flags, inc, tmp
9:	phys_to_pte \tmp, \rtbl
	orr	\tmp, \tmp, \flags
	str	\tmp, [\tbl, \index, lsl #3]
	add	\rtbl, \rtbl, \inc
	add	\index, \index, #1
	cmp	\index, \eindex
	b.ls	9b
	.endm

/*
 * map_memory: map [vstart, vend) to phys with 2 MiB blocks, through a chain
 * of SWAPPER_PGTABLE_LEVELS tables that starts at tbl (L0) and continues
 * page after page (L1 at tbl + 4 KiB, L2 at tbl + 8 KiB when nothing
 * spills over).  Clobbers tbl, rtbl, vend, istart, iend, tmp, count, sv.
 */
	.macro	map_memory, tbl, rtbl, vstart, vend, flags, phys, istart, iend, tmp, count, sv
	sub	\vend, \vend, #1
	add	\rtbl, \tbl, #PAGE_SIZE
	mov	\count, #0

	compute_indices \vstart, \vend, PGDIR_SHIFT, \istart, \iend, \count
	mov	\sv, \rtbl
	populate_entries \tbl, \rtbl, \istart, \iend, #PMD_TYPE_TABLE, #PAGE_SIZE, \tmp
	mov	\tbl, \sv				// the L1 table(s)
	mov	\sv, \rtbl

	compute_indices \vstart, \vend, PUD_SHIFT, \istart, \iend, \count
	populate_entries \tbl, \rtbl, \istart, \iend, #PMD_TYPE_TABLE, #PAGE_SIZE, \tmp
	mov	\tbl, \sv				// the L2 table(s)

	compute_indices \vstart, \vend, SWAPPER_BLOCK_SHIFT, \istart, \iend, \count
	bic	\rtbl, \phys, #SWAPPER_BLOCK_SIZE - 1
	populate_entries \tbl, \rtbl, \istart, \iend, \flags, #SWAPPER_BLOCK_SIZE, \tmp
	.endm

/* ------------------------------------------------------------------------
 * The arm64 Image header (booting.rst, asm/image.h): the first 64 bytes.
 * A boot loader jumps to its first byte, code0.
 */
	.section ".head.text", "ax"
	.globl	_head
_head:
	nop					// code0 (Linux: efi_signature_nop)
	b	primary_entry			// code1
	.quad	__image_text_offset		// text_offset: from a 2 MiB aligned RAM base
	.quad	_kernel_size_le			// image_size: _end - _text, BSS included
	.quad	_kernel_flags_le		// flags: LE, 4K pages
	.quad	0				// res2
	.quad	0				// res3
	.quad	0				// res4
	.ascii	"ARM\x64"			// magic 0x644d5241
	.long	0				// res5 (no PE/COFF header)

/* ------------------------------------------------------------------------
 * primary_entry
 */
ENTRY(primary_entry)
	bl	preserve_boot_args		// x21 = FDT pointer
	bl	init_kernel_el			// w0 = boot CPU mode, EL1h from here
	mov	x20, x0
	adr	x19, _head			// where we run (physical)

	early_puts str_banner
	early_puts str_entry
	early_hex x19
	early_puts str_entry2
	early_hex x21
	early_puts str_nl

	mov_q	x0, KERNEL_PHYS			// the one load address the tables are for
	cmp	x19, x0
	b.ne	__error_load_address

	cmp	w20, #BOOT_CPU_MODE_EL2
	b.ne	1f
	early_puts str_el2
1:	early_puts str_el1
	mrs	x0, sctlr_el1
	bl	__early_hex
	early_puts str_el1_2

	bl	__create_page_tables
	bl	__cpu_setup			// x0 = SCTLR_EL1 value to write
	mov	x22, x0

	early_puts str_cpu_setup
	mrs	x0, mair_el1
	bl	__early_hex
	early_puts str_cpu_setup2
	mrs	x0, tcr_el1
	bl	__early_hex
	early_puts str_cpu_setup3
	mrs	x0, id_aa64mmfr0_el1
	bl	__early_hex
	early_puts str_close_nl
	b	__primary_switch
END(primary_entry)

/*
 * preserve_boot_args: x0..x3 to boot_args[] (read back by setup.c), written
 * with the MMU off, so the lines are invalidated: nothing stale may be hit
 * once the D-cache is on.
 */
LOCAL(preserve_boot_args)
	mov	x21, x0				// x21 = FDT
	adr_l	x0, boot_args
	stp	x21, x1, [x0]
	stp	x2, x3, [x0, #16]
	dmb	sy				// order the stores before dc ivac (MMU off)
	add	x1, x0, #0x20
	b	dcache_inval_poc		// tail call
END(preserve_boot_args)

/*
 * init_kernel_el: start at EL1 with the MMU-off SCTLR_EL1 value and PSTATE
 * EL1h, DAIF masked (eret to ourselves, as Linux does).  From EL2 (no VHE
 * here): EL1 is AArch64 (HCR_EL2.RW), EL1 may use the physical timer, then
 * the same eret drops to EL1.  Returns w0 = BOOT_CPU_MODE_EL1 or _EL2.
 */
LOCAL(init_kernel_el)
	mrs	x0, CurrentEL
	cmp	x0, #CurrentEL_EL2
	b.eq	init_el2
init_el1:
	mov_q	x0, INIT_SCTLR_EL1_MMU_OFF
	msr	sctlr_el1, x0
	isb
	mov_q	x0, INIT_PSTATE_EL1
	msr	spsr_el1, x0
	msr	elr_el1, lr
	mov	w0, #BOOT_CPU_MODE_EL1
	eret
init_el2:
	mov_q	x0, HCR_RW			// EL1 is AArch64, nothing trapped
	msr	hcr_el2, x0
	mov	x0, #3				// CNTHCTL_EL2.EL1PCEN | EL1PCTEN
	msr	cnthctl_el2, x0
	msr	cntvoff_el2, xzr
	mov_q	x0, INIT_SCTLR_EL1_MMU_OFF
	msr	sctlr_el1, x0
	mov_q	x0, INIT_PSTATE_EL1
	msr	spsr_el2, x0
	msr	elr_el2, lr
	mov	w0, #BOOT_CPU_MODE_EL2
	isb
	eret
END(init_kernel_el)

/* ------------------------------------------------------------------------
 * __create_page_tables (Linux 5.x head.S): clear init_pg_dir and build the
 * two maps seed 000 describes, each with three tables:
 *   identity (TTBR0): VA == PA for the whole image, _text .. _end
 *     L0 0x82500000 [0] -> L1 0x82501000 [2] -> L2 0x82502000 [4..18]
 *   kernel (TTBR1): KIMAGE_VADDR .. -> PA of _text ..
 *     L0 0x82503000 [0] -> L1 0x82504000 [2] -> L2 0x82505000 [4..18]
 * (0x80800000 >> 21 = 0x404, & 511 = 4; 0x825fffff >> 21 = 0x412, & 511 = 18;
 *  VA[38:30] of 0x80800000 = 2; VA[47:39] of 0xffff000080800000 = 0.)
 */
LOCAL(__create_page_tables)
	mov	x28, lr

	/* drop any cache line of the tables before writing them with the MMU off */
	adrp	x0, init_pg_dir
	adrp	x1, init_pg_end
	bl	dcache_inval_poc

	adrp	x0, init_pg_dir
	adrp	x1, init_pg_end
1:	stp	xzr, xzr, [x0], #16
	stp	xzr, xzr, [x0], #16
	stp	xzr, xzr, [x0], #16
	stp	xzr, xzr, [x0], #16
	cmp	x0, x1
	b.lo	1b

	mov_q	x7, SWAPPER_MM_MMUFLAGS		// 0x701: block, Normal, inner shareable, AF

	/* the identity map, for the instructions around SCTLR_EL1.M */
	adrp	x0, init_idmap_pg_dir
	adrp	x3, _text			// vstart = phys = PA of _text
	adrp	x6, _end			// vend = PA of _end
	map_memory x0, x1, x3, x6, x7, x3, x10, x11, x12, x13, x14

	/* the kernel map: KIMAGE_VADDR + (PA - PA of _text) */
	adrp	x0, init_kernel_pg_dir
	mov_q	x5, KIMAGE_VADDR		// vstart
	adrp	x3, _text			// phys
	adrp	x6, _end
	sub	x6, x6, x3			// image size ...
	add	x6, x6, x5			// ... vend = KIMAGE_VADDR + size
	map_memory x0, x1, x5, x6, x7, x3, x10, x11, x12, x13, x14

	/*
	 * The tables were written with non-cacheable accesses (MMU off):
	 * invalidate again, in case lines were allocated speculatively.
	 */
	dmb	sy
	adrp	x0, init_pg_dir
	adrp	x1, init_pg_end
	bl	dcache_inval_poc

	early_puts str_pgd
	adrp	x0, init_pg_dir
	bl	__early_hex
	early_puts str_dash
	adrp	x0, init_pg_end
	bl	__early_hex
	early_puts str_pgd2
	early_puts str_idmap
	adrp	x0, _text
	bl	__early_hex
	early_puts str_dash
	adrp	x0, _end
	bl	__early_hex
	early_puts str_to
	adrp	x0, _text
	bl	__early_hex
	early_puts str_idmap2
	adrp	x0, init_idmap_pg_dir
	bl	__early_hex
	early_puts str_close_nl
	early_puts str_kmap
	mov_q	x0, KIMAGE_VADDR
	bl	__early_hex
	early_puts str_dash
	adrp	x0, _end
	adrp	x1, _text
	sub	x0, x0, x1
	mov_q	x1, KIMAGE_VADDR
	add	x0, x0, x1
	bl	__early_hex
	early_puts str_to
	adrp	x0, _text
	bl	__early_hex
	early_puts str_kmap2
	adrp	x0, init_kernel_pg_dir
	bl	__early_hex
	early_puts str_close_nl
	ret	x28
END(__create_page_tables)

/* dcache_inval_poc(start = x0, end = x1): DC IVAC by line; both line aligned here */
ENTRY(dcache_inval_poc)
	dcache_line_size x2, x3
	sub	x3, x2, #1
	bic	x0, x0, x3
1:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
	dsb	sy
	ret
END(dcache_inval_poc)

/* ------------------------------------------------------------------------
 * __primary_switch: load both TTBRs, turn the MMU on (in the identity map),
 * then jump to the kernel's virtual address.
 */
LOCAL(__primary_switch)
	early_puts str_enable
	adrp	x0, init_idmap_pg_dir
	bl	__early_hex
	early_puts str_enable2
	adrp	x0, init_kernel_pg_dir
	bl	__early_hex
	early_puts str_enable3
	early_hex x22
	early_puts str_nl
	early_puts str_switch
	ldr	x0, =__primary_switched
	bl	__early_hex
	early_puts str_nl

	mov	x0, x22				// SCTLR_EL1
	adrp	x1, init_kernel_pg_dir		// TTBR1_EL1
	adrp	x2, init_idmap_pg_dir		// TTBR0_EL1
	bl	__enable_mmu
	/* MMU on, still at the physical (= identity-mapped) address */
	ldr	x8, =__primary_switched		// its link-time, virtual address
	adrp	x0, _text			// __pa(KERNEL_START), for kimage_voffset
	br	x8
END(__primary_switch)
	.ltorg

/*
 * __enable_mmu (in .idmap.text, like Linux): x0 = SCTLR_EL1, x1 = TTBR1_EL1,
 * x2 = TTBR0_EL1.  Refuses a CPU without the 4 KiB granule
 * (ID_AA64MMFR0_EL1.TGran4, signed: 0 = supported, 0xf = not).
 */
	.pushsection ".idmap.text", "ax"
ENTRY(__enable_mmu)
	mrs	x3, id_aa64mmfr0_el1
	ubfx	x3, x3, #ID_AA64MMFR0_TGRAN4_SHIFT, #4
	cmp	x3, #7				// 0..7: supported; 8..15 (negative): not
	b.hi	__no_granule_support
	msr	ttbr0_el1, x2			// load TTBR0
	msr	ttbr1_el1, x1			// load TTBR1 (load_ttbr1)
	isb
	msr	sctlr_el1, x0			// set_sctlr_el1: MMU on ...
	isb					// ... from the next instruction
	ic	iallu				// discard what was fetched with the MMU off
	dsb	nsh
	isb
	ret
END(__enable_mmu)
	.popsection

LOCAL(__no_granule_support)
	early_puts str_no_granule
	b	__park
END(__no_granule_support)

LOCAL(__error_load_address)
	early_puts str_bad_load
	early_hex x19
	early_puts str_bad_load2
	/* no DTB parsed yet: the conduit QEMU and mmuscope use on virt (DT method "hvc") */
	mov_q	x0, PSCI_0_2_FN_SYSTEM_OFF
	hvc	#0
	b	__park
END(__error_load_address)

LOCAL(__park)
1:	wfi
	b	1b
END(__park)

/* ------------------------------------------------------------------------
 * Early UART (MMU off, physical PL011).  Clobber x0, x9-x13 only.
 */
LOCAL(__early_putc)				// w0 = character
	mov	x9, #UART_PHYS
1:	ldr	w10, [x9, #UART_FR]
	tbnz	w10, #5, 1b			// FR.TXFF: transmit FIFO full
	str	w0, [x9, #UART_DR]
	ret
END(__early_putc)

LOCAL(__early_puts)				// x0 = string (LF -> CR LF)
	mov	x12, lr
	mov	x11, x0
1:	ldrb	w0, [x11], #1
	cbz	w0, 3f
	cmp	w0, #'\n'
	b.ne	2f
	mov	w0, #'\r'
	bl	__early_putc
	mov	w0, #'\n'
2:	bl	__early_putc
	b	1b
3:	ret	x12
END(__early_puts)

LOCAL(__early_hex)				// x0 = value, printed as 0x%016lx
	mov	x12, lr
	mov	x11, x0
	mov	w0, #'0'
	bl	__early_putc
	mov	w0, #'x'
	bl	__early_putc
	mov	x13, #60
1:	lsr	x0, x11, x13
	and	x0, x0, #0xf
	add	x10, x0, #'0'
	add	x0, x0, #'a' - 10
	cmp	x10, #'9'
	csel	x0, x10, x0, ls
	bl	__early_putc
	subs	x13, x13, #4
	b.ge	1b
	ret	x12
END(__early_hex)

/* ------------------------------------------------------------------------
 * __primary_switched: the first instructions at a virtual address.
 * x0 = physical address of _text.
 */
	.text
ENTRY(__primary_switched)
	adr_l	x4, __bss_start			// clear .bss (init_pg_dir is after __bss_stop)
	adr_l	x5, __bss_stop
1:	stp	xzr, xzr, [x4], #16
	cmp	x4, x5
	b.lo	1b
	dsb	ishst

	adr_l	x4, init_stack_top		// in .bss, so set after the clearing
	mov	sp, x4
	mov	x29, xzr
	mov	x30, xzr

	adr_l	x8, vectors			// load VBAR_EL1 with the virtual
	msr	vbar_el1, x8			// vector table address
	isb

	str_l	x21, __fdt_pointer, x5		// the FDT pointer from x0 at entry
	mov_q	x4, KIMAGE_VADDR
	sub	x4, x4, x0			// kimage_voffset = VA - PA of _text
	str_l	x4, kimage_voffset, x5
	str_l	x20, __boot_cpu_mode, x5
	bl	start_kernel
	b	__park
END(__primary_switched)

/* ------------------------------------------------------------------------
 * Data written with the MMU off: not .bss (cleared later), like Linux's
 * .mmuoff.data.write.  Cache-line (64 byte) aligned for dc ivac.
 */
	.section ".mmuoff.data.write", "aw"
	.balign	64
	.globl	boot_args
boot_args:
	.quad	0, 0, 0, 0
	.balign	64

	.section ".rodata.head", "a"
str_banner:	.asciz	"\n[head] mmuscope ARMv8 boot firmware (Linux arch/arm64/kernel/head.S re-implementation)\n"
str_entry:	.asciz	"[head] primary_entry: running at physical "
str_entry2:	.asciz	", x0 (FDT) = "
str_el2:	.asciz	"[head] init_kernel_el: entered at EL2, dropped to EL1 (HCR_EL2.RW = 1)\n"
str_el1:	.asciz	"[head] init_kernel_el: EL1h, SCTLR_EL1 = "
str_el1_2:	.asciz	" (MMU off)\n"
str_pgd:	.asciz	"[head] __create_page_tables: init_pg_dir "
str_pgd2:	.asciz	" cleared\n"
str_idmap:	.asciz	"[head] __create_page_tables: idmap  VA "
str_idmap2:	.asciz	" (TTBR0 root "
str_kmap:	.asciz	"[head] __create_page_tables: kernel VA "
str_kmap2:	.asciz	" (TTBR1 root "
str_to:		.asciz	" -> PA "
str_dash:	.asciz	" - "
str_cpu_setup:	.asciz	"[head] __cpu_setup: MAIR_EL1 = "
str_cpu_setup2:	.asciz	", TCR_EL1 = "
str_cpu_setup3:	.asciz	" (ID_AA64MMFR0_EL1 = "
str_enable:	.asciz	"[head] __enable_mmu: TTBR0_EL1 = "
str_enable2:	.asciz	", TTBR1_EL1 = "
str_enable3:	.asciz	", SCTLR_EL1 = "
str_switch:	.asciz	"[head] __primary_switch: MMU on, then br x8 = __primary_switched at "
str_close_nl:	.asciz	")\n"
str_nl:		.asciz	"\n"
str_no_granule:	.asciz	"[head] ERROR: __no_granule_support: this CPU has no 4 KiB granule (ID_AA64MMFR0_EL1.TGran4), parking\n"
str_bad_load:	.asciz	"[head] ERROR: loaded at physical "
str_bad_load2:	.asciz	", but seed 000's tables need 0x0000000080800000 (QEMU: use armv8-head-qemu.bin); PSCI SYSTEM_OFF via hvc #0\n"

/* Stacks: the kernel's (init_task) and the one the EL0 task enters EL1 on. */
	.bss
	.balign	16
init_stack:
	.space	16384				// THREAD_SIZE
	.globl	init_stack_top
init_stack_top:
user_task_stack:
	.space	4096
	.globl	user_task_stack_top
user_task_stack_top:
