/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * head.S - mmuscope's re-implementation of the ARMv7 path through Linux
 * arch/arm/kernel/head.S, head-common.S and arch/arm/mm/proc-v7.S, in both
 * of Linux's forms: the classic 2-level short-descriptor tables
 * (proc-v7-2level.S; images armv7-head/armv7-fault) and, built with
 * -DCONFIG_ARM_LPAE, the 3-level long-descriptor tables of the Large
 * Physical Address Extension (proc-v7-3level.S, pgtable-3level*.h; images
 * armv7-lpae-head/armv7-lpae-fault).  Each block names the kernel symbol it
 * stands for.
 *
 * Entry (Linux ARM boot protocol): MMU and D-cache off, r0 = 0,
 * r1 = machine id, r2 = physical address of the DTB (or 0 / garbage).
 * The image is linked at KERNEL_RAM_VADDR = 0xC0008000 and entered at its
 * first byte (stext) at PHYS_OFFSET + TEXT_OFFSET, PHYS_OFFSET being any
 * 16 MiB-aligned address.  Everything up to __turn_mmu_on is
 * position-independent.
 *
 * Register use until the MMU is on (AAPCS: helpers clobber r0-r3, ip):
 *   r4  = physical address of swapper_pg_dir        (Linux: r4)
 *   r5  = machine id (boot r1)                       (Linux keeps it in r1)
 *   r6  = DTB physical address or 0 (boot r2)        (Linux keeps it in r2)
 *   r8  = PHYS_OFFSET                                (Linux: r8)
 *   r9  = MIDR, "processor id"                       (Linux: r9)
 *   r11 = PHYS_OFFSET - PAGE_OFFSET, the P2V delta   (Linux: r3 in __fixup_pv_table)
 *   sp  = a scratch stack in the not-yet-zeroed BSS (physical address)
 */
#include "fw.h"

	.syntax	unified
	.arch	armv7-a
	.arch_extension sec
	.arch_extension virt
	.arm

/*
 * head.S: ".globl swapper_pg_dir ; .equ swapper_pg_dir, KERNEL_RAM_VADDR -
 * PG_DIR_SIZE": 0xC0004000 (2-level) or 0xC0003000 (LPAE, PG_DIR_SIZE 0x5000).
 */
	.globl	swapper_pg_dir
	.equ	swapper_pg_dir, KERNEL_RAM_VADDR - PG_DIR_SIZE

	.section .head.text, "ax"

/* ------------------------------------------------------------------------
 * stext - first byte of the raw image.
 */
	.globl	stext
	.type	stext, %function
stext:
	/*
	 * safe_svcmode_maskall: if a bootloader left us in HYP, drop to SVC
	 * with an ERET; otherwise just force SVC with A/I/F masked.
	 */
	mrs	r3, cpsr
	and	r3, r3, #MODE_MASK
	mov	r7, #0				@ r7 = "entered in HYP" flag
	teq	r3, #HYP_MODE
	bne	1f
	mov	r7, #1
	mov	r3, #(PSR_A_BIT | PSR_I_BIT | PSR_F_BIT | SVC_MODE)
	msr	spsr_cxsf, r3			@ SPSR of the current (HYP) mode
	adr	r3, 2f
	msr	elr_hyp, r3
	eret
1:	cpsid	aif, #SVC_MODE
2:
	mrc	p15, 0, r9, c0, c0, 0		@ get processor id (MIDR)
	mov	r5, r1				@ machine id
	mov	r6, r2				@ atags/DTB pointer

	/*
	 * PHYS_OFFSET discovery (head.S, CONFIG_ARM_PATCH_PHYS_VIRT):
	 *   adr  r3, 2f ; ldmia r3, {r4, r8}
	 *   sub  r4, r3, r4    @ (PHYS_OFFSET - PAGE_OFFSET)
	 *   add  r8, r8, r4    @ PHYS_OFFSET
	 * The first word of __phys_offset_probe holds its own link-time
	 * address; adr gives its run-time (physical) address.
	 */
	adr	r3, __phys_offset_probe
	ldmia	r3, {r0, r8}			@ r0 = link VA of probe, r8 = PAGE_OFFSET
	sub	r11, r3, r0			@ r11 = PHYS_OFFSET - PAGE_OFFSET
	add	r8, r8, r11			@ r8  = PHYS_OFFSET

	/* early scratch stack: top of init_thread_stack, via its physical alias */
	ldr	sp, =init_thread_stack_top
	add	sp, sp, r11

	ldr	r0, =str_banner
	bl	__early_puts
	cmp	r7, #0
	ldrne	r0, =str_hyp
	blne	__early_puts
	ldr	r0, =str_entered
	bl	__early_puts
	adr	r0, stext
	bl	__early_hex
	bl	__early_nl
	ldr	r0, =str_phys_offset
	bl	__early_puts
	mov	r0, r8
	bl	__early_hex
	bl	__early_nl

	/* PHYS_OFFSET must be 16 MiB aligned: the delta fits an 8-bit rotated imm */
	mov	r0, r11, lsr #24
	teq	r11, r0, lsl #24
	ldrne	r0, =str_err_align
	bne	__error

#ifdef CONFIG_ARM_LPAE
	/*
	 * head.S: an LPAE kernel needs the long-descriptor format,
	 * ID_MMFR0.VMSA (bits 3:0) >= 5, else __error_lpae.  (Linux checks
	 * this right after __lookup_processor_type; we do it once the UART
	 * helpers can print, i.e. after PHYS_OFFSET is known.)
	 */
	mrc	p15, 0, r3, c0, c1, 4		@ read ID_MMFR0
	and	r3, r3, #0xf			@ extract VMSA support
	cmp	r3, #ID_MMFR0_VMSA_LPAE		@ long-descriptor translation table format?
	blo	__error_lpae			@ only classic page table format
#endif

	bl	__vet_atags			@ r6 = DTB phys or 0
	bl	__fixup_pv_table
	bl	__create_page_tables		@ r4 = swapper_pg_dir (phys)

	/*
	 * head.S: "ldr r13, =__mmap_switched @ address to jump to after
	 * mmu has been enabled", then the per-CPU setup (proc_info->__cpu_flush
	 * = __v7_setup) which returns the SCTLR value in r0, then __enable_mmu.
	 */
	bl	__v7_setup			@ r0 = new SCTLR value
	mov	r7, r0
	ldr	r0, =str_mmu_on
	bl	__early_puts
	mov	r0, r7
	bl	__early_hex
	ldr	r0, =str_mmu_on2
	bl	__early_puts
	mov	r0, r7
	ldr	r13, =__mmap_switched		@ absolute (virtual) address
	b	__enable_mmu
	.size	stext, . - stext

	.align	2
	.type	__phys_offset_probe, %object
__phys_offset_probe:
	.long	.				@ link-time address of this word
	.long	PAGE_OFFSET
	.size	__phys_offset_probe, . - __phys_offset_probe

/* ------------------------------------------------------------------------
 * __error: print the message in r0 and park the CPU.
 */
__error:
	bl	__early_puts
1:	wfi
	b	1b

#ifdef CONFIG_ARM_LPAE
/*
 * __error_lpae: Linux prints "Error: Kernel with LPAE support, but CPU does
 * not support LPAE." and parks in __error.  We print the same with the
 * VMSA value (r3), then power off through PSCI SYSTEM_OFF so that an
 * emulator run ends instead of hanging.  The DTB's /psci method is not
 * parsed this early; the conduit follows from the CPU: without the
 * Virtualization Extensions (ID_PFR1[15:12] == 0) HVC is UNDEFINED, so SMC;
 * with them, HVC (QEMU's and mmuscope's virt boards).  If SYSTEM_OFF
 * returns, a permanently undefined instruction ends the run with a fault.
 */
__error_lpae:
	mov	r4, r3
	ldr	r0, =str_err_lpae
	bl	__early_puts
	mov	r0, r4
	bl	__early_dec
	ldr	r0, =str_err_lpae2
	bl	__early_puts
	mrc	p15, 0, r4, c0, c1, 1		@ ID_PFR1
	and	r4, r4, #0xf000			@ Virtualization Extensions field
	cmp	r4, #0
	ldreq	r0, =str_err_psci_smc
	ldrne	r0, =str_err_psci_hvc
	bl	__early_puts
	ldr	r0, =PSCI_0_2_FN_SYSTEM_OFF
	cmp	r4, #0
	bne	1f
	smc	#0
	b	2f
1:	hvc	#0
2:	.inst	0xe7f000f0			@ UDF #0: SYSTEM_OFF returned
	b	2b
#endif

/* ------------------------------------------------------------------------
 * __vet_atags (head-common.S): keep r6 only if it points at something that
 * looks like a DTB (4-byte aligned, inside the future lowmem window,
 * big-endian magic 0xd00dfeed); otherwise r6 = 0, as Linux zeroes r2.
 * The magic is read from the physical address with the MMU off, exactly
 * as Linux does.
 */
__vet_atags:
	push	{r4, lr}
	tst	r6, #3
	bne	1f
	subs	r0, r6, r8			@ offset of the blob from PHYS_OFFSET
	bcc	1f				@ below PHYS_OFFSET: not in lowmem
	cmp	r0, #LOWMEM_MAX
	bhs	1f
	ldr	r0, [r6]
	ldr	r1, =0xedfe0dd0			@ 0xd00dfeed as a little-endian load
	cmp	r0, r1
	bne	1f
	ldr	r0, =str_dtb_ok
	bl	__early_puts
	mov	r0, r6
	bl	__early_hex
	ldr	r0, [r6, #4]			@ fdt totalsize (big-endian)
	rev	r4, r0
	ldr	r0, =str_dtb_size
	bl	__early_puts
	mov	r0, r4
	bl	__early_dec
	bl	__early_nl
	pop	{r4, pc}
1:	ldr	r0, =str_dtb_none
	bl	__early_puts
	mov	r0, r6
	bl	__early_hex
	ldr	r0, =str_dtb_none2
	bl	__early_puts
	mov	r6, #0
	pop	{r4, pc}

/* ------------------------------------------------------------------------
 * __fixup_pv_table (head.S / phys2virt.S): store __pv_phys_pfn_offset and
 * __pv_offset, then walk .pv_table and patch every P2V stub.
 *
 * As in Linux the descriptor below starts with ".long ." so that the
 * link-time addresses it holds can be turned into physical ones by adding
 * (run-time address - link-time address) of the descriptor itself.
 */
__fixup_pv_table:
	push	{r4-r7, r10, lr}
	adr	r0, 1f
	ldmia	r0, {r3-r7}
	subs	r3, r0, r3			@ PHYS_OFFSET - PAGE_OFFSET
	add	r4, r4, r3			@ adjust table start address
	add	r5, r5, r3			@ adjust table end address
	add	r6, r6, r3			@ adjust __pv_phys_pfn_offset address
	add	r7, r7, r3			@ adjust __pv_offset address
	mov	r0, r8, lsr #PAGE_SHIFT		@ convert PHYS_OFFSET to PFN
	str	r0, [r6]			@ __pv_phys_pfn_offset
#ifdef CONFIG_ARM_LPAE
	/*
	 * LPAE: __pv_offset is a 64-bit phys_addr_t.  Its high word is the
	 * sign of PHYS_OFFSET - PAGE_OFFSET: all ones when the subs above
	 * borrowed (C clear, PHYS_OFFSET < PAGE_OFFSET), else 0.
	 */
	str	r3, [r7]			@ save to __pv_offset low bits
	mvn	r0, #0
	strcc	r0, [r7, #4]			@ save to __pv_offset high bits
#else
	str	r3, [r7]			@ __pv_offset (32-bit: non-LPAE)
#endif
	mov	r10, r3, lsr #24		@ new imm8: top byte of the delta
	ldr	r0, =__pv_patched_sites		@ count lives in .data: BSS gets
	add	r0, r0, r3			@ cleared later by __mmap_switched
	push	{r0}
	mov	r2, #0				@ r2 = sites patched
	/*
	 * __fixup_a_pv_table, ARM flavour: each .pv_table entry is the link
	 * address of an "add|sub rd, rn, #0x81000000" instruction.  Its
	 * 12-bit modified immediate is rot:imm8 = 0x4:0x81; keep the rotation
	 * (value = imm8 ROR 8 = imm8 << 24) and replace imm8 by r10.
	 */
2:	cmp	r4, r5
	bhs	3f
	ldr	r1, [r4], #4			@ link address of the stub
	add	r1, r1, r3			@ its physical address
	ldr	ip, [r1]
	and	r0, ip, #0x0fe00000		@ cond/S/regs masked: opcode + I bit
	teq	r0, #0x02800000			@ ADD (immediate)
	teqne	r0, #0x02400000			@ SUB (immediate)
	ldrne	r0, =str_err_stub
	bne	__error
	and	r0, ip, #0x00000f00		@ rotation field must be 4 (<<24)
	teq	r0, #0x00000400
	ldrne	r0, =str_err_stub
	bne	__error
	bic	ip, ip, #0x000000ff
	orr	ip, ip, r10			@ mask in offset bits 31-24
	str	ip, [r1]
	add	r2, r2, #1
	b	2b
3:	pop	{r0}
	str	r2, [r0]			@ __pv_patched_sites
	mov	r4, r2
	/* the patched words are code: drop stale I-cache / branch predictor lines */
	mov	r0, #0
	dsb
	mcr	p15, 0, r0, c7, c5, 0		@ ICIALLU
	mcr	p15, 0, r0, c7, c5, 6		@ BPIALL
	dsb
	isb
	ldr	r0, =str_pv_done
	bl	__early_puts
	mov	r0, r4
	bl	__early_dec
	ldr	r0, =str_pv_done2
	bl	__early_puts
	mov	r0, r10, lsl #24		@ the immediate now in every stub
	bl	__early_hex
	ldr	r0, =str_pv_done3
	bl	__early_puts
	pop	{r4-r7, r10, pc}

	.align	2
1:	.long	.
	.long	__pv_table_begin
	.long	__pv_table_end
	.long	__pv_phys_pfn_offset
	.long	__pv_offset

/* ------------------------------------------------------------------------
 * __create_page_tables (head.S): swapper_pg_dir lives at
 * PHYS_OFFSET + TEXT_OFFSET - PG_DIR_SIZE (the "pgtbl" macro), i.e.
 * VA 0xC0004000 (classic MMU) or 0xC0003000 (LPAE).  Returns r4 = its
 * physical address.
 *
 * LPAE layout of the 0x5000 bytes (all 64-bit entries, little-endian):
 *   +0x0000  PGD: 4 table descriptors, entry i -> +0x1000 * (i + 1)
 *   +0x1000  PMD 0: VA 0x00000000-0x3FFFFFFF, 512 x 2 MiB blocks
 *   +0x2000  PMD 1: VA 0x40000000-0x7FFFFFFF
 *   +0x3000  PMD 2: VA 0x80000000-0xBFFFFFFF
 *   +0x4000  PMD 3: VA 0xC0000000-0xFFFFFFFF  (= TTBR1 with the 3G split)
 * After the PGD is built, r4 points at PMD 0, so the four PMDs form one
 * 2048-entry array indexed by VA >> SECTION_SHIFT(21), entries
 * 1 << PMD_ORDER(3) bytes apart: the section loops below are the classic
 * ones with the LPAE constants, writing the low word of each entry (the
 * high word, cleared, holds XN/PXN/Contiguous = 0).
 */
__create_page_tables:
	push	{r5-r7, lr}
	add	r4, r8, #TEXT_OFFSET - PG_DIR_SIZE	@ pgtbl r4, r8

	/* clear the swapper page table: 16K (classic) or 20K (LPAE) */
	mov	r0, r4
	mov	r3, #0
	add	r7, r0, #PG_DIR_SIZE
1:	str	r3, [r0], #4
	str	r3, [r0], #4
	str	r3, [r0], #4
	str	r3, [r0], #4
	teq	r0, r7
	bne	1b

#ifdef CONFIG_ARM_LPAE
	/*
	 * Build the PGD table (first level) to point to the PMD tables.  A
	 * PGD entry is 64 bits: table type 0b11, next-level address, and
	 * L_PGD_SWAPPER (software bit 55) in the top word.
	 */
	mov	r0, r4
	add	r3, r4, #PMD_TABLE_SIZE		@ first PMD table address
	orr	r3, r3, #PMD_TYPE_TABLE		@ PGD table type
	mov	r5, #PTRS_PER_PGD		@ (Linux uses r6; ours holds the DTB)
	mov	r7, #L_PGD_SWAPPER_HI
2:	str	r3, [r0], #4			@ set bottom PGD entry bits
	str	r7, [r0], #4			@ set top PGD entry bits
	add	r3, r3, #PMD_TABLE_SIZE		@ next PMD table
	subs	r5, r5, #1
	bne	2b
	add	r4, r4, #PMD_TABLE_SIZE		@ point to the PMD tables
	ldr	r7, =MM_MMUFLAGS		@ proc_info mm_mmuflags (0x71d)
#else
	ldr	r7, =MM_MMUFLAGS		@ proc_info mm_mmuflags (0x11c0e)
#endif

	/*
	 * Identity mapping for __turn_mmu_on: map every section touched by
	 * .idmap.text at VA == PA (the linker script keeps it inside one
	 * 1 MiB section; the loop copes with two anyway).
	 */
	adr	r5, __idmap_text_start_pa
	ldmia	r5, {r0, r1, r2}		@ r0 = link VA of the word, r1/r2 = idmap bounds
	sub	r0, r5, r0			@ delta
	add	r1, r1, r0			@ _pa(__idmap_text_start)
	add	r2, r2, r0			@ _pa(__idmap_text_end)
	sub	r2, r2, #1
	mov	r1, r1, lsr #SECTION_SHIFT
	mov	r2, r2, lsr #SECTION_SHIFT
2:	orr	r3, r7, r1, lsl #SECTION_SHIFT	@ flags + section base
	str	r3, [r4, r1, lsl #PMD_ORDER]	@ identity mapping
	cmp	r1, r2
	addlo	r1, r1, #1			@ next section
	blo	2b

	/*
	 * Map our RAM from the start to the end of the kernel .bss:
	 * VA PAGE_OFFSET.. -> PA PHYS_OFFSET.. in 1 MiB sections.
	 */
	add	r0, r4, #PAGE_OFFSET >> (SECTION_SHIFT - PMD_ORDER)
	ldr	r5, =(_end - 1)			@ (Linux uses r6; ours holds the DTB)
	orr	r3, r8, r7
	add	r5, r4, r5, lsr #(SECTION_SHIFT - PMD_ORDER)
3:	str	r3, [r0], #1 << PMD_ORDER
	add	r3, r3, #1 << SECTION_SHIFT
	cmp	r0, r5
	bls	3b

	/*
	 * Then map the boot parameters (the DTB vetted in r6) at their lowmem
	 * address phys_to_virt(r6): the section holding r6, plus the next one
	 * only if the blob's totalsize crosses into it (at most 2, like Linux).
	 */
	cmp	r6, #0
	beq	5f
	ldr	r0, [r6, #4]
	rev	r0, r0				@ fdt totalsize
	add	r2, r6, r0
	sub	r2, r2, #1
	mov	r1, r6, lsr #SECTION_SHIFT
	mov	r2, r2, lsr #SECTION_SHIFT
	add	r0, r1, #1
	cmp	r2, r0
	movhi	r2, r0				@ at most 2 sections
	sub	r0, r6, r11			@ phys_to_virt(r6)
	mov	r0, r0, lsr #SECTION_SHIFT	@ its L1 index
4:	orr	r3, r7, r1, lsl #SECTION_SHIFT
	str	r3, [r4, r0, lsl #PMD_ORDER]
	add	r0, r0, #1
	cmp	r1, r2
	addlo	r1, r1, #1
	blo	4b
5:
	/*
	 * DEBUG_LL-style UART mapping: PA UART_PHYS -> VA UART_VIRT, one
	 * section, Device (TEX=1 under TRE; LPAE: AttrIndx 4) and XN (LPAE:
	 * bit 54, in the top word).
	 */
	ldr	r0, =UART_PHYS | UART_MMUFLAGS
	add	r1, r4, #(UART_VIRT >> (SECTION_SHIFT - PMD_ORDER)) & 0xff00
	add	r1, r1, #(UART_VIRT >> (SECTION_SHIFT - PMD_ORDER)) & 0x00ff
	str	r0, [r1]
#ifdef CONFIG_ARM_LPAE
	mov	r0, #UART_MMUFLAGS_HI		@ XN
	str	r0, [r1, #4]

	sub	r4, r4, #PMD_TABLE_SIZE		@ point to the PGD table
	ldr	r0, =str_pgtbl_lpae
	bl	__early_puts
	mov	r0, r4
	bl	__early_hex
	ldr	r0, =str_pgtbl_lpae2
	bl	__early_puts
	/* "pgd[3] = 0x<hi><lo>" and the block that maps the kernel's first 2 MiB */
	ldr	r0, =str_pgtbl_pgd
	bl	__early_puts
	ldr	r0, [r4, #3 * 8 + 4]
	bl	__early_hex
	ldr	r0, [r4, #3 * 8]
	bl	__early_hex8
	ldr	r0, =str_pgtbl_pmd
	bl	__early_puts
	add	r5, r4, #PMD_TABLE_SIZE + (PAGE_OFFSET >> (SECTION_SHIFT - PMD_ORDER))
	ldr	r0, [r5, #4]
	bl	__early_hex
	ldr	r0, [r5]
	bl	__early_hex8
	bl	__early_nl
#else
	ldr	r0, =str_pgtbl
	bl	__early_puts
	mov	r0, r4
	bl	__early_hex
	bl	__early_nl
#endif
	pop	{r5-r7, pc}

	.align	2
__idmap_text_start_pa:
	.long	.
	.long	__idmap_text_start
	.long	__idmap_text_end

/* ------------------------------------------------------------------------
 * v7_invalidate_l1 (cache-v7.S): invalidate the L1 data cache by set/way,
 * so that nothing stale is hit once SCTLR.C goes on.
 */
v7_invalidate_l1:
	push	{r4-r7, lr}
	mov	r0, #0
	mcr	p15, 2, r0, c0, c0, 0		@ CSSELR: level 1, data/unified
	isb
	mrc	p15, 1, r0, c0, c0, 0		@ CCSIDR
	ubfx	r1, r0, #13, #15		@ r1 = NumSets - 1
	ubfx	r2, r0, #3, #10			@ r2 = Associativity - 1
	and	r3, r0, #7
	add	r3, r3, #4			@ r3 = log2(line length in bytes)
	clz	r4, r2				@ r4 = bit position of the way field
1:	mov	r5, r1				@ set counter
2:	mov	r6, r2, lsl r4			@ way (lsl 32 -> 0 for direct-mapped)
	orr	r6, r6, r5, lsl r3		@ | set
	mcr	p15, 0, r6, c7, c6, 2		@ DCISW
	subs	r5, r5, #1
	bge	2b
	subs	r2, r2, #1
	bge	1b
	dsb
	isb
	pop	{r4-r7, pc}

/* ------------------------------------------------------------------------
 * __v7_setup (proc-v7.S, via __v7_ca15mp_setup): invalidate L1, I-cache,
 * TLBs; v7_ttb_setup (TTBCR = 0, TTBR1 = swapper | TTB_FLAGS_SMP);
 * PRRR/NMRR; return the new SCTLR value in r0 (v7_crval).
 */
__v7_setup:
	push	{r4, lr}
	bl	v7_invalidate_l1
	mov	r2, #0
	mcr	p15, 0, r2, c7, c5, 0		@ I+BTB cache invalidate
	dsb
	mcr	p15, 0, r2, c8, c7, 0		@ invalidate I + D TLBs
#ifdef CONFIG_ARM_LPAE
	/*
	 * v7_ttb_setup (proc-v7-3level.S).  r1 = swapper_pg_dir's pfn
	 * (Linux: r8 = r4 >> 12).  The 3G/1G TTBR split is used only if
	 * PHYS_OFFSET <= PAGE_OFFSET, compared as pfn(phys swapper) <=
	 * pfn(virt swapper); otherwise TTBR1 = swapper with T1SZ = 0 and
	 * TTBR0 translates everything.
	 */
	mov	r1, r4, lsr #12			@ swapper_pg_dir pfn
	ldr	r3, =swapper_pg_dir		@ swapper_pg_dir virtual address
	cmp	r1, r3, lsr #12			@ PHYS_OFFSET > PAGE_OFFSET?
	mov	r3, #TTB_EAE			@ for TTB control register
	orr	r3, r3, #TTB_FLAGS_SMP		@ TTBR0 walks: IRGN0/ORGN0 WBWA, SH0 inner
	orr	r3, r3, #TTB_FLAGS_SMP << 16	@ TTBR1 walks: IRGN1/ORGN1 WBWA, SH1 inner
	orrls	r3, r3, #TTBR1_SIZE		@ TTBCR.T1SZ = 2
	mcr	p15, 0, r3, c2, c0, 2		@ TTBCR
	mov	ip, r1, lsr #20			@ TTBR1 bits 63:32 (pfn >> 20)
	mov	r1, r1, lsl #12			@ TTBR1 bits 31:0
	addls	r1, r1, #TTBR1_OFFSET		@ only L2: skip the PGD page and 3 PMDs
	mcrr	p15, 1, r1, ip, c2		@ load TTBR1 (64-bit)
	push	{r1, r3}
	ldr	r3, =MAIR0_VAL			@ PRRR is MAIR0 with TTBCR.EAE = 1
	ldr	r0, =MAIR1_VAL			@ NMRR is MAIR1
	mcr	p15, 0, r3, c10, c2, 0		@ write MAIR0
	mcr	p15, 0, r0, c10, c2, 1		@ write MAIR1
	dsb					@ complete invalidations
	ldr	r0, =str_ttb_setup
	bl	__early_puts
	ldr	r0, [sp, #4]			@ TTBCR
	bl	__early_hex
	ldr	r0, =str_ttb_setup2
	bl	__early_puts
	ldr	r0, [sp]			@ TTBR1 (bits 63:32 are 0 below 4 GiB)
	bl	__early_hex
	ldr	r0, =str_ttb_setup3
	bl	__early_puts
	mrc	p15, 0, r0, c10, c2, 0		@ read MAIR0 back
	bl	__early_hex
	ldr	r0, =str_ttb_setup4
	bl	__early_puts
	mrc	p15, 0, r0, c10, c2, 1		@ read MAIR1 back
	bl	__early_hex
	bl	__early_nl
	add	sp, sp, #8
#else
	mcr	p15, 0, r2, c2, c0, 2		@ TTB control register: N=0, short descriptors
	orr	r0, r4, #TTB_FLAGS_SMP
	mcr	p15, 0, r0, c2, c0, 1		@ load TTB1 (unused with N=0, as Linux)
	ldr	r3, =PRRR_VAL			@ PRRR
	ldr	r0, =NMRR_VAL			@ NMRR
	mcr	p15, 0, r3, c10, c2, 0		@ write PRRR
	mcr	p15, 0, r0, c10, c2, 1		@ write NMRR
	dsb					@ complete invalidations
#endif
	ldr	r3, =V7_CR_CLEAR
	ldr	r1, =V7_CR_MMUSET
	mrc	p15, 0, r0, c1, c0, 0		@ read control register
	bic	r0, r0, r3			@ clear bits them
	orr	r0, r0, r1			@ set them
	pop	{r4, pc}

/* ------------------------------------------------------------------------
 * __enable_mmu (head.S): alignment checking off, load DACR and TTBR0, then
 * into the identity-mapped __turn_mmu_on.  r0 = SCTLR, r4 = swapper (phys),
 * r13 = virtual address of __mmap_switched.
 */
__enable_mmu:
	bic	r0, r0, #CR_A
#ifdef CONFIG_ARM_LPAE
	/*
	 * No domains with long descriptors (Linux does not write DACR here);
	 * TTBR0 is 64 bits, written with MCRR: the PGD's physical address,
	 * ASID 0 in [55:48]; the walk attributes are in TTBCR.
	 */
	mov	ip, #0				@ high TTBR0
	mcrr	p15, 0, r4, ip, c2		@ load TTBR0
#else
	mov	ip, #DACR_INIT			@ 0x51
	mcr	p15, 0, ip, c3, c0, 0		@ load domain access register
	orr	r3, r4, #TTB_FLAGS_SMP		@ walks: inner/outer WBWA, shareable
	mcr	p15, 0, r3, c2, c0, 0		@ load page table pointer (TTBR0)
#endif
	isb
	b	__turn_mmu_on

/* ------------------------------------------------------------------------
 * Early UART helpers (DEBUG_LL addruart/senduart/waituart), MMU off, so
 * the PL011 is addressed physically.  AAPCS: clobber r0-r3, ip.
 * String arguments are *link-time* addresses; r11 converts them.
 */
__early_putc:					@ r0 = character
	mov	ip, #UART_PHYS
1:	ldr	r3, [ip, #UART_FR]
	tst	r3, #UART_FR_TXFF
	bne	1b
	str	r0, [ip, #UART_DR]
	bx	lr

__early_puts:					@ r0 = link address of a NUL-terminated string
	push	{r4, lr}
	add	r4, r0, r11
1:	ldrb	r0, [r4], #1
	cmp	r0, #0
	popeq	{r4, pc}
	cmp	r0, #'\n'
	bne	2f
	mov	r0, #'\r'			@ LF -> CR LF
	bl	__early_putc
	mov	r0, #'\n'
2:	bl	__early_putc
	b	1b

__early_nl:
	ldr	r0, =str_nl
	b	__early_puts

__early_hex:					@ r0 = value, printed as 0x%08x
	push	{r4, r5, r6, lr}
	mov	r4, r0
	mov	r0, #'0'
	bl	__early_putc
	mov	r0, #'x'
	bl	__early_putc
	mov	r5, #8
1:	mov	r4, r4, ror #28
	and	r0, r4, #0xf
	cmp	r0, #10
	addlo	r0, r0, #'0'
	addhs	r0, r0, #'a' - 10
	bl	__early_putc
	subs	r5, r5, #1
	bne	1b
	pop	{r4, r5, r6, pc}

#ifdef CONFIG_ARM_LPAE
__early_hex8:					@ r0 = value, printed as %08x (no 0x)
	push	{r4, r5, r6, lr}
	mov	r4, r0
	mov	r5, #8
1:	mov	r4, r4, ror #28
	and	r0, r4, #0xf
	cmp	r0, #10
	addlo	r0, r0, #'0'
	addhs	r0, r0, #'a' - 10
	bl	__early_putc
	subs	r5, r5, #1
	bne	1b
	pop	{r4, r5, r6, pc}
#endif

__early_dec:					@ r0 = value, printed as %u (no divide)
	push	{r4-r7, lr}
	mov	r4, r0
	adr	r5, __pow10
	mov	r7, #0				@ "printed a digit" flag
1:	ldr	r6, [r5], #4
	cmp	r6, #1
	moveq	r7, #1				@ always print the last digit
	mov	r0, #'0'
2:	cmp	r4, r6
	subhs	r4, r4, r6
	addhs	r0, r0, #1
	bhs	2b
	cmp	r0, #'0'
	movne	r7, #1
	cmp	r7, #0
	blne	__early_putc
	cmp	r6, #1
	bne	1b
	pop	{r4-r7, pc}

	.align	2
__pow10:
	.long	1000000000, 100000000, 10000000, 1000000, 100000
	.long	10000, 1000, 100, 10, 1

	.ltorg

/* ------------------------------------------------------------------------
 * __turn_mmu_on - in .idmap.text, mapped VA == PA by __create_page_tables,
 * so the instruction after the SCTLR write is fetched through the new
 * mapping from the same address.  Then jump to the virtual address in r13.
 */
	.pushsection .idmap.text, "ax"
	.align	5
	.globl	__turn_mmu_on
	.type	__turn_mmu_on, %function
__turn_mmu_on:
	mov	r0, r0
	isb
	mcr	p15, 0, r0, c1, c0, 0		@ write control reg: M=1, C=1, I=1, Z=1, TRE=1
	mrc	p15, 0, r3, c0, c0, 0		@ read id reg
	isb
	mov	r3, r3
	mov	r3, r13
	bx	r3				@ to __mmap_switched at its virtual address
	.globl	__turn_mmu_on_end
__turn_mmu_on_end:
	.size	__turn_mmu_on, . - __turn_mmu_on
	.popsection

/* ------------------------------------------------------------------------
 * __mmap_switched (head-common.S) - first instruction run at a virtual
 * address.  Clear .bss, set the init stack, record processor id, machine
 * type and the DTB pointer, and call start_kernel.
 */
	.text
	.globl	__mmap_switched
	.type	__mmap_switched, %function
__mmap_switched:
	ldr	r0, =__bss_start
	ldr	r1, =__bss_stop
	mov	r2, #0
1:	cmp	r0, r1
	strlo	r2, [r0], #4
	blo	1b
	ldr	sp, =init_thread_stack_top
	ldr	r0, =processor_id
	str	r9, [r0]			@ save processor ID
	ldr	r0, =__machine_arch_type
	str	r5, [r0]			@ save machine type
	ldr	r0, =__atags_pointer
	str	r6, [r0]			@ save atags/DTB pointer (0 if vetted out)
	mov	fp, #0
	b	start_kernel
	.size	__mmap_switched, . - __mmap_switched
	.ltorg

/* ------------------------------------------------------------------------
 * Data written by the head before the MMU is on (.data, not .bss).
 */
	.data
	.align	2
	.globl	__pv_phys_pfn_offset, __pv_offset, __pv_patched_sites
__pv_phys_pfn_offset:	.long	0		@ PHYS_OFFSET >> PAGE_SHIFT
#ifdef CONFIG_ARM_LPAE
	.align	3
__pv_offset:		.long	0, 0		@ PHYS_OFFSET - PAGE_OFFSET, 64-bit phys_addr_t
#else
__pv_offset:		.long	0		@ PHYS_OFFSET - PAGE_OFFSET (mod 2^32)
#endif
__pv_patched_sites:	.long	0		@ how many stubs __fixup_pv_table patched

	.bss
	.align	3
	.globl	init_thread_stack, init_thread_stack_top
init_thread_stack:
	.space	8192				@ THREAD_SIZE
init_thread_stack_top:

	.section .rodata.str1.1, "aMS", %progbits, 1
str_banner:	.asciz	"\n[head] mmuscope ARMv7 boot firmware (Linux arch/arm/kernel/head.S re-implementation)\n"
str_hyp:	.asciz	"[head] entered in HYP mode: dropped to SVC\n"
str_entered:	.asciz	"[head] stext: running at physical "
str_phys_offset:.asciz	"[head] PHYS_OFFSET discovered: "
str_err_align:	.asciz	"[head] ERROR: PHYS_OFFSET is not 16 MiB aligned, halting\n"
str_err_stub:	.asciz	"[head] ERROR: .pv_table entry is not an add/sub #imm stub, halting\n"
str_dtb_ok:	.asciz	"[head] __vet_atags: DTB magic 0xd00dfeed at "
str_dtb_size:	.asciz	", totalsize "
str_dtb_none:	.asciz	"[head] __vet_atags: no valid DTB (r2="
str_dtb_none2:	.asciz	"), continuing without\n"
str_pv_done:	.asciz	"[head] __fixup_pv_table: patched "
str_pv_done2:	.asciz	" P2V sites (PHYS_OFFSET - PAGE_OFFSET = "
str_pv_done3:	.asciz	")\n"
str_pgtbl:	.asciz	"[head] __create_page_tables: swapper_pg_dir at "
#ifdef CONFIG_ARM_LPAE
str_pgtbl_lpae:	.asciz	"[head] __create_page_tables: LPAE, swapper_pg_dir at "
str_pgtbl_lpae2:.asciz	", PG_DIR_SIZE 0x5000\n"
str_pgtbl_pgd:	.asciz	"[head] __create_page_tables: pgd[3] = "
str_pgtbl_pmd:	.asciz	", pmd[0x600] (0xc0000000) = "
str_ttb_setup:	.asciz	"[head] __v7_setup: LPAE TTBCR="
str_ttb_setup2:	.asciz	" TTBR1="
str_ttb_setup3:	.asciz	" MAIR0="
str_ttb_setup4:	.asciz	" MAIR1="
str_err_lpae:	.asciz	"[head] __error_lpae: Kernel with LPAE support, but CPU does not support LPAE (ID_MMFR0.VMSA="
str_err_lpae2:	.asciz	", need 5)\n"
str_err_psci_smc:.asciz	"[head] __error_lpae: PSCI SYSTEM_OFF (function 0x84000008) via smc #0\n"
str_err_psci_hvc:.asciz	"[head] __error_lpae: PSCI SYSTEM_OFF (function 0x84000008) via hvc #0\n"
#endif
str_mmu_on:	.asciz	"[head] __turn_mmu_on: SCTLR="
str_mmu_on2:	.asciz	", enabling MMU, jumping to __mmap_switched\n"
str_nl:		.asciz	"\n"
