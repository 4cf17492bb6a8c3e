/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fw.h - constants shared by the assembly head and the C part of the
 * mmuscope ARMv7 boot firmware.  Names follow the Linux kernel symbols
 * they mirror (arch/arm/include/asm/memory.h, pgtable-2level-hwdef.h,
 * domain.h, arch/arm/mm/proc-v7-2level.S; with CONFIG_ARM_LPAE
 * pgtable-3level-hwdef.h, pgtable-3level.h and proc-v7-3level.S) so the
 * code can be read beside the head.S walk-through.  This is an
 * independent re-implementation.
 */
#ifndef MMUSCOPE_FW_H
#define MMUSCOPE_FW_H

#ifdef __ASSEMBLER__
#define _U(x)		x
#else
#define _U(x)		x##u
#endif

/* ---- memory.h: the virtual memory split -------------------------------- */
#define PAGE_OFFSET		_U(0xC0000000)	/* CONFIG_PAGE_OFFSET (VMSPLIT_3G) */
#define TEXT_OFFSET		_U(0x00008000)	/* textofs-y */
#define KERNEL_RAM_VADDR	(PAGE_OFFSET + TEXT_OFFSET)
#define PAGE_SHIFT		12
#define PAGE_SIZE		(_U(1) << PAGE_SHIFT)
#ifdef CONFIG_ARM_LPAE
/*
 * head.S, CONFIG_ARM_LPAE: PG_DIR_SIZE 0x5000 = one 4 KiB page holding the
 * 4-entry PGD (first level, 4 x 8 bytes, 1 GiB each) + four 4 KiB PMD
 * tables (second level, 512 x 8 bytes, 2 MiB each).  Sections are 2 MiB
 * blocks (pgtable-3level-hwdef.h SECTION_SHIFT 21), entries 8 bytes.
 */
#define PG_DIR_SIZE		_U(0x5000)
#define SECTION_SHIFT		21
#define PMD_ORDER		3		/* log2(sizeof(pmd entry)) */
#define PTRS_PER_PGD		4
#define PTRS_PER_PMD		512
#define PTRS_PER_PTE		512
#define PMD_TABLE_SIZE		_U(0x1000)	/* one PMD (or PTE) table: 512 x 8 bytes */
#else
#define PG_DIR_SIZE		_U(0x4000)	/* 4096 x 4-byte L1 entries */
#define SECTION_SHIFT		20
#define PMD_ORDER		2		/* log2(sizeof(pmd entry)) */
#endif
#define SECTION_SIZE		(_U(1) << SECTION_SHIFT)

/* Fixed virtual layout printed by start_kernel (Linux defaults). */
#define VECTORS_BASE		_U(0xFFFF0000)	/* CONFIG_VECTORS_BASE, high vectors */
#define FIXADDR_START		_U(0xFFC00000)
#define FIXADDR_END		_U(0xFFF00000)
#define VMALLOC_START		_U(0xF0000000)	/* our vmalloc-style test region */
#define VMALLOC_END		_U(0xFF800000)
#define LOWMEM_MAX		_U(0x2F800000)	/* 760 MiB: lowmem stops at VMALLOC_START - 8 MiB guard */

/* ---- the board: PL011 UART as on QEMU/mmuscope "virt" ------------------- */
#define UART_PHYS		_U(0x09000000)
#define UART_VIRT		_U(0xF9000000)	/* like CONFIG_DEBUG_UART_VIRT */
#define UART_DR			0x00
#define UART_FR			0x18
#define UART_FR_TXFF		(1 << 5)

/* ---- PSCI (DEN0022) ------------------------------------------------------ */
#define PSCI_0_2_FN_SYSTEM_OFF	_U(0x84000008)

#ifdef CONFIG_ARM_LPAE
/* ---- pgtable-3level-hwdef.h: long-descriptor bits (ARM ARM B3.6.1/B3.6.2) -----
 * 64-bit descriptors.  Bits 63:32 are written as a separate word in assembly,
 * so the upper-attribute bits also have _HI forms (bit n -> 1 << (n - 32)).
 *   bits[1:0]  0b11 table (level 1/2) or page (level 3), 0b01 block (level 1/2)
 *   [4:2]  AttrIndx (MAIR0/MAIR1 byte)    [7:6] AP[2:1]    [9:8] SH
 *   [10]   AF      [11] nG      [39:12] output address
 *   [52] Contiguous  [53] PXN  [54] XN (UXN)   [58:55] software
 */
#define PMD_TYPE_FAULT		(0 << 0)
#define PMD_TYPE_TABLE		(3 << 0)
#define PMD_TYPE_SECT		(1 << 0)
#define PMD_SECT_BUFFERABLE	(1 << 2)
#define PMD_SECT_CACHEABLE	(1 << 3)
#define PMD_SECT_USER		(1 << 6)	/* AP[1]: PL0 access */
#define PMD_SECT_RDONLY		(1 << 7)	/* AP[2]: read-only */
#define PMD_SECT_S		(3 << 8)	/* SH = 0b11, inner shareable */
#define PMD_SECT_AF		(1 << 10)
#define PMD_SECT_nG		(1 << 11)
#define PMD_SECT_PXN_HI		(1 << (53 - 32))
#define PMD_SECT_XN_HI		(1 << (54 - 32))
#define PMD_SECT_AP_WRITE	0		/* LPAE: AP[2] = 0 is writable */
#define PMD_SECT_AP_READ	0
#define PMD_DOMAIN(x)		0		/* no domains with long descriptors */
/* AttrIndx[2:0] (bits 4:2): the MAIR byte, pgtable-3level.h L_PTE_MT_* numbering */
#define PMD_SECT_ATTRINDX(n)	((n) << 2)
#define PMD_SECT_UNCACHED	PMD_SECT_ATTRINDX(0)	/* strongly ordered */
#define PMD_SECT_DEV_SHARED	PMD_SECT_ATTRINDX(4)	/* device */
#define PMD_SECT_WBWA		PMD_SECT_ATTRINDX(7)	/* normal inner/outer WBWA */
/* L_PGD_SWAPPER (pgtable-3level.h): software bit 55 of head.S's PGD entries */
#define L_PGD_SWAPPER_HI	(1 << (55 - 32))

/* proc-v7-3level.S: PMD_FLAGS_SMP = PMD_SECT_WBWA | PMD_SECT_S */
#define PMD_FLAGS_SMP		(PMD_SECT_WBWA | PMD_SECT_S)
/*
 * proc-v7.S __v7_proc mm_mmuflags / io_mmuflags, LPAE values:
 *   MM_MMUFLAGS = SECT(1) | AF(0x400) | WBWA(7 << 2 = 0x1c) | S(0x300) = 0x0000071d
 *                 AP[2:1] = 00: read/write at PL1, no PL0 access
 *   IO_MMUFLAGS = SECT(1) | AF(0x400)                            = 0x00000401
 *                 (AttrIndx 0 = MAIR0 byte 0 = 0x00, strongly ordered)
 */
#define MM_MMUFLAGS		(PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_AP_READ | \
				 PMD_SECT_AF | PMD_FLAGS_SMP)
#define IO_MMUFLAGS		(PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_AF)
/*
 * Our UART block: io_mmuflags + AttrIndx 4 (DEV_SHARED: MAIR1 byte 0 =
 * 0x04, Device memory, as the 2-level image's TEX(1)) = 0x00000411, and
 * XN in the upper word (head.S's DEBUG_LL mapping: "mov r7, #1 << (54 - 32)").
 */
#define UART_MMUFLAGS		(IO_MMUFLAGS | PMD_SECT_DEV_SHARED)
#define UART_MMUFLAGS_HI	PMD_SECT_XN_HI

/* level-3 page descriptors (pgtable-3level.h L_PTE_*) */
#define PTE_TYPE_PAGE		(3 << 0)
#define PTE_ATTRINDX(n)		((n) << 2)
#define PTE_EXT_USER		(1 << 6)	/* AP[1] */
#define PTE_EXT_RDONLY		(1 << 7)	/* AP[2] */
#define PTE_EXT_SHARED		(3 << 8)	/* SH inner shareable */
#define PTE_EXT_AF		(1 << 10)
#define PTE_EXT_NG		(1 << 11)
#define PTE_EXT_PXN_HI		PMD_SECT_PXN_HI
#define PTE_EXT_XN_HI		PMD_SECT_XN_HI

/* ---- proc-v7-3level.S ------------------------------------------------------ */
/*
 * MAIR0/MAIR1 (".equ PRRR, 0xeeaa4400 @ MAIR0", ".equ NMRR, 0xff000004 @ MAIR1"),
 * one byte per AttrIndx, pgtable-3level.h's memory types:
 *   0 UNCACHED 0x00  1 BUFFERABLE 0x44  2 WRITETHROUGH 0xaa  3 WRITEBACK 0xee
 *   4 DEV_SHARED 0x04  5, 6 unused 0x00  7 WRITEALLOC 0xff
 *   MAIR0 = byte3..0 = ee aa 44 00 = 0xeeaa4400, MAIR1 = ff 00 00 04 = 0xff000004
 */
#define MAIR0_VAL		_U(0xeeaa4400)
#define MAIR1_VAL		_U(0xff000004)
/*
 * TTBCR (long-descriptor form, B4.1.153): TTB_FLAGS_SMP = IRGN0 WBWA (1 << 8)
 * | ORGN0 WBWA (1 << 10) | SH0 inner shareable (3 << 12) = 0x3500; the same
 * for TTBR1 at << 16; EAE bit 31; T1SZ in [18:16].
 */
#define TTB_EAE			_U(0x80000000)
#define TTB_FLAGS_SMP		0x3500
/*
 * pgtable-3level-hwdef.h, VMSPLIT_3G (PAGE_OFFSET 0xC0000000):
 *   TTBR1_SIZE = ((PAGE_OFFSET >> 30) - 1) << 16 = (3 - 1) << 16 = 0x20000
 *     -> T1SZ = 2: TTBR1 translates the top 2^(32-2) bytes, 0xC0000000-0xFFFFFFFF,
 *        and its walk starts at level 2 (B3.6.6: T1SZ 2..7);
 *   TTBR1_OFFSET = 4096 * (1 + 3) = 0x4000: skip the PGD page and 3 PMDs,
 *     TTBR1 = the PMD table of the top GiB = swapper_pg_dir + 0x4000.
 * Only used if PHYS_OFFSET <= PAGE_OFFSET (else TTBR1 = swapper, T1SZ = 0).
 */
#define TTBR1_SIZE		_U(0x00020000)
#define TTBR1_OFFSET		_U(0x4000)
/*
 * v7_crval of proc-v7-3level.S: clear=0x0122c302, mmuset=0x30c03c7d.
 * As in the 2-level image we set all but V (bit 13): 0x30c01c7d.
 */
#define V7_CR_CLEAR		_U(0x0122c302)
#define V7_CR_MMUSET		_U(0x30c01c7d)
#define CR_M			(1 << 0)
#define CR_A			(1 << 1)
#define CR_V			(1 << 13)
/* ID_MMFR0.VMSA (bits 3:0) >= 5: long-descriptor translation tables (B4.1.89) */
#define ID_MMFR0_VMSA_LPAE	5

#else /* !CONFIG_ARM_LPAE */
/* ---- pgtable-2level-hwdef.h: first-level (PMD) descriptor bits ------------ */
#define PMD_TYPE_FAULT		(0 << 0)
#define PMD_TYPE_TABLE		(1 << 0)
#define PMD_TYPE_SECT		(2 << 0)
#define PMD_SECT_BUFFERABLE	(1 << 2)
#define PMD_SECT_CACHEABLE	(1 << 3)
#define PMD_SECT_XN		(1 << 4)
#define PMD_DOMAIN(x)		((x) << 5)
#define PMD_SECT_AP_WRITE	(1 << 10)
#define PMD_SECT_AP_READ	(1 << 11)
#define PMD_SECT_TEX(x)		((x) << 12)
#define PMD_SECT_APX		(1 << 15)
#define PMD_SECT_S		(1 << 16)
#define PMD_SECT_nG		(1 << 17)
#define PMD_SECT_AF		0		/* 2-level tables: no AF bit (SCTLR.AFE=0) */
#define PMD_SECT_WB		(PMD_SECT_CACHEABLE | PMD_SECT_BUFFERABLE)
#define PMD_SECT_WBWA		(PMD_SECT_TEX(1) | PMD_SECT_CACHEABLE | PMD_SECT_BUFFERABLE)

/* proc-v7-2level.S: PMD_FLAGS_SMP = PMD_SECT_WBWA|PMD_SECT_S (A7/A15 are MP cores) */
#define PMD_FLAGS_SMP		(PMD_SECT_WBWA | PMD_SECT_S)
/*
 * proc-v7.S __v7_proc: mm_mmuflags / io_mmuflags of struct proc_info_list.
 *   MM_MMUFLAGS = SECT | AP_WRITE | AP_READ | AF | WBWA | S  = 0x00011c0e
 *                 (TRE=1: TEX[0]C B = 111 -> PRRR/NMRR index 7 = Normal WBWA)
 *   IO_MMUFLAGS = SECT | AP_WRITE | AP_READ | AF            = 0x00000c02
 *                 (index 0 = strongly ordered)
 * AP_WRITE|AP_READ = AP[1:0]=0b11, APX=0: read/write at PL1 and PL0.
 */
#define MM_MMUFLAGS		(PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_AP_READ | \
				 PMD_SECT_AF | PMD_FLAGS_SMP)
#define IO_MMUFLAGS		(PMD_TYPE_SECT | PMD_SECT_AP_WRITE | PMD_SECT_AP_READ | PMD_SECT_AF)
/*
 * Our UART section: io_mmuflags + TEX(1) (TRE index 4 = DEV_SHARED, i.e.
 * Device memory, as Linux's MT_DEVICE gets on ARMv7) + XN.  = 0x00001c12.
 * (head.S's DEBUG_LL mapping uses plain io_mmuflags = strongly-ordered.)
 */
#define UART_MMUFLAGS		(IO_MMUFLAGS | PMD_SECT_TEX(1) | PMD_SECT_XN)

/* ---- second-level small page (hardware PTE) bits ------------------------- */
#define PTE_TYPE_SMALL		(2 << 0)
#define PTE_EXT_XN		(1 << 0)
#define PTE_BUFFERABLE		(1 << 2)
#define PTE_CACHEABLE		(1 << 3)
#define PTE_EXT_AP0		(1 << 4)
#define PTE_EXT_AP1		(1 << 5)
#define PTE_EXT_TEX(x)		((x) << 6)
#define PTE_EXT_APX		(1 << 9)
#define PTE_EXT_SHARED		(1 << 10)
#define PTE_EXT_NG		(1 << 11)

/* ---- domain.h ------------------------------------------------------------- */
#define DOMAIN_KERNEL		0
#define DOMAIN_USER		1
#define DOMAIN_IO		2
#define DOMAIN_VECTORS		3
#define DOMAIN_NOACCESS		0
#define DOMAIN_CLIENT		1
#define DOMAIN_MANAGER		1	/* !CONFIG_CPU_USE_DOMAINS (all ARMv7) */
#define domain_val(dom, type)	((type) << (2 * (dom)))
/*
 * DACR_INIT with CONFIG_CPU_SW_DOMAIN_PAN=y (multi_v7_defconfig):
 *   user=NOACCESS(0) kernel=MANAGER(=1, client) io=CLIENT vectors=CLIENT
 *   = 0b01_01_00_01 = 0x51.  (Without SW PAN, Linux uses 0x55.)
 * Every domain we use is therefore a *client*: AP bits are checked, which
 * is what makes the permission faults of armv7-fault happen.
 */
#define DACR_INIT		(domain_val(DOMAIN_USER, DOMAIN_NOACCESS) | \
				 domain_val(DOMAIN_KERNEL, DOMAIN_MANAGER) | \
				 domain_val(DOMAIN_IO, DOMAIN_CLIENT) | \
				 domain_val(DOMAIN_VECTORS, DOMAIN_CLIENT))

/* ---- proc-v7-2level.S ------------------------------------------------------ */
#define PRRR_VAL		_U(0xff0a81a8)
#define NMRR_VAL		_U(0x40e040e0)
/* TTB_FLAGS_SMP = TTB_IRGN_WBWA(1<<6)|TTB_S(1<<1)|TTB_NOS(1<<5)|TTB_RGN_OC_WBWA(1<<3) = 0x6a */
#define TTB_FLAGS_SMP		0x6a
/*
 * v7_crval: clear=0x2120c302 (AFE, VE, FI, RR, R/S, A ...),
 * mmuset=0x10c03c7d (M, C, Z, I, V, TRE, ...).  We set everything
 * Linux sets EXCEPT V (bit 13): Linux relies on the vectors page being
 * populated before the first exception; our head image never takes one and
 * armv7-fault turns V on itself once its vectors page exists.
 */
#define V7_CR_CLEAR		_U(0x2120c302)
#define V7_CR_MMUSET		_U(0x10c01c7d)
#define CR_M			(1 << 0)
#define CR_A			(1 << 1)
#define CR_V			(1 << 13)
#endif /* CONFIG_ARM_LPAE */

/* ---- processor modes -------------------------------------------------------- */
#define MODE_MASK		0x1f
#define SVC_MODE		0x13
#define ABT_MODE		0x17
#define HYP_MODE		0x1a
#define UND_MODE		0x1b
#define PSR_F_BIT		0x40
#define PSR_I_BIT		0x80
#define PSR_A_BIT		0x100

/* Placeholder of every P2V stub: imm8 0x81 rotated right by 8 (rot field 4). */
#define PV_STUB_PLACEHOLDER	_U(0x81000000)

#endif /* MMUSCOPE_FW_H */
