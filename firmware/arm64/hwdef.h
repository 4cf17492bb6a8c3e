/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hwdef.h - constants of the armv8-head image, shared by assembly and C.
 *
 * The names are Linux's (arch/arm64/include/asm/{memory,pgtable-hwdef,
 * pgtable-prot,sysreg,kernel-pgtable}.h); the values are derived here from
 * the ARM ARM (DDI 0487) and from seed 000's layout, with the arithmetic in
 * the comments.  Nothing below is copied from Linux.
 */
#ifndef MMUSCOPE_ARM64_HWDEF_H
#define MMUSCOPE_ARM64_HWDEF_H

#ifdef __ASSEMBLER__
#define _AC(x, y)	x
#else
#define _AC(x, y)	(x##y)
#endif
#define UL(x)		_AC(x, UL)
#define BIT(n)		(UL(1) << (n))

/* ---- granule and levels: 4 KiB pages, 48-bit VAs, 4 levels (L0..L3) ----- */
#define PAGE_SHIFT		12
#define PAGE_SIZE		(UL(1) << PAGE_SHIFT)
#define VA_BITS			48
#define PTRS_PER_PTE		512			/* 4096 / 8: every level */
#define PGDIR_SHIFT		39			/* L0: VA[47:39] */
#define PUD_SHIFT		30			/* L1: VA[38:30], 1 GiB per entry */
#define PMD_SHIFT		21			/* L2: VA[29:21], 2 MiB per entry */
/* kernel-pgtable.h: with 4K pages head.S maps 2 MiB blocks at L2, so it
 * needs L0, L1 and L2: SWAPPER_PGTABLE_LEVELS = 4 - 1 = 3 tables per map. */
#define SWAPPER_BLOCK_SHIFT	PMD_SHIFT
#define SWAPPER_BLOCK_SIZE	(UL(1) << SWAPPER_BLOCK_SHIFT)
#define SWAPPER_PGTABLE_LEVELS	3

/* ---- seed 000's layout ---------------------------------------------------- */
#define KERNEL_PHYS		UL(0x80800000)		/* where the image must be loaded */
#define PAGE_OFFSET		UL(0xffff000000000000)	/* -(1 << 48): start of the TTBR1 half */
/* VA = PA - 0x80000000 + 0xffff000080000000 = PA + 0xffff000000000000 */
#define KIMAGE_VADDR		UL(0xffff000080800000)
#define KIMAGE_VOFFSET		(KIMAGE_VADDR - KERNEL_PHYS)	/* 0xffff000000000000 */
#define KERNEL_IMAGE_SIZE	UL(0x01e00000)		/* 30 MiB: _end = 0x82600000 */
#define INIT_PG_DIR_OFFSET	UL(0x01d00000)		/* 0x80800000 + 0x1d00000 = 0x82500000 */
#define INIT_DIR_SIZE		UL(0x6000)		/* 2 maps x SWAPPER_PGTABLE_LEVELS pages */
#define IDMAP_DIR_OFFSET	UL(0x0000)		/* TTBR0: L0 +0x0000, L1 +0x1000, L2 +0x2000 */
#define KERNEL_DIR_OFFSET	UL(0x3000)		/* TTBR1: L0 +0x3000, L1 +0x4000, L2 +0x5000 */
/* arm64 Image header (Documentation/arch/arm64/booting.rst): text_offset from
 * a 2 MiB aligned RAM base.  mmuscope's virt-a53 RAM starts at 0x80000000
 * (0x80000000 + 0x800000 = 0x80800000); QEMU's virt RAM at 0x40000000, hence
 * the armv8-head-qemu image with 0x40800000 (0x40000000 + 0x40800000). */
#define TEXT_OFFSET		UL(0x00800000)
#define TEXT_OFFSET_QEMU	UL(0x40800000)

/* ---- the board ------------------------------------------------------------- */
#define UART_PHYS		UL(0x09000000)		/* PL011 of QEMU's and mmuscope's virt */
#define UART_DR			0x00
#define UART_FR			0x18
#define UART_FR_TXFF		(1 << 5)
#define PSCI_0_2_FN_SYSTEM_OFF	UL(0x84000008)

/* ---- memory types (asm/memory.h, Linux 5.12 and later, 6.x) ---------------- */
#define MT_NORMAL		0
#define MT_NORMAL_TAGGED	1
#define MT_NORMAL_NC		2
#define MT_DEVICE_nGnRnE	3
#define MT_DEVICE_nGnRE		4
/* MAIR_ELx.Attr<n> encodings (D17.2.97): 0x00 Device-nGnRnE, 0x04 Device-nGnRE,
 * 0x44 Normal inner/outer Non-cacheable, 0xff Normal inner/outer Write-Back
 * non-transient Read/Write-Allocate.  MT_NORMAL_TAGGED is 0xff (plain Normal)
 * until MTE is found (0xf0); a Cortex-A53 has no MTE. */
#define MAIR_ATTR_DEVICE_nGnRnE	UL(0x00)
#define MAIR_ATTR_DEVICE_nGnRE	UL(0x04)
#define MAIR_ATTR_NORMAL_NC	UL(0x44)
#define MAIR_ATTR_NORMAL	UL(0xff)
#define MAIR_ATTRIDX(attr, idx)	((attr) << ((idx) * 8))
/* byte 4..0 = 04 00 44 ff ff  ->  0x000000040044ffff */
#define MAIR_EL1_SET							\
	(MAIR_ATTRIDX(MAIR_ATTR_DEVICE_nGnRnE, MT_DEVICE_nGnRnE) |	\
	 MAIR_ATTRIDX(MAIR_ATTR_DEVICE_nGnRE, MT_DEVICE_nGnRE) |	\
	 MAIR_ATTRIDX(MAIR_ATTR_NORMAL_NC, MT_NORMAL_NC) |		\
	 MAIR_ATTRIDX(MAIR_ATTR_NORMAL, MT_NORMAL) |			\
	 MAIR_ATTRIDX(MAIR_ATTR_NORMAL, MT_NORMAL_TAGGED))

/* ---- translation table descriptors (D8.3, VMSAv8-64, 4K granule) ----------
 *   [1:0] 0b11 table (L0-L2) / page (L3), 0b01 block (L1, L2), bit 0 = valid
 *   [4:2] AttrIndx   [5] NS   [7:6] AP[2:1]   [9:8] SH   [10] AF   [11] nG
 *   [47:12] (table/page) or [47:21] (L2 block) output address
 *   [52] Contiguous   [53] PXN   [54] UXN (XN)   [58:55] software
 */
#define PMD_TYPE_TABLE		UL(3)
#define PMD_TYPE_SECT		UL(1)
#define PTE_TYPE_PAGE		UL(3)
#define PTE_VALID		BIT(0)
#define PTE_ATTRINDX(t)		(UL(t) << 2)
#define PTE_USER		BIT(6)		/* AP[1]: EL0 access */
#define PTE_RDONLY		BIT(7)		/* AP[2]: read-only */
#define PTE_SHARED		(UL(3) << 8)	/* SH = 0b11, inner shareable */
#define PTE_AF			BIT(10)
#define PTE_NG			BIT(11)
#define PTE_PXN			BIT(53)
#define PTE_UXN			BIT(54)
#define PMD_ATTRINDX(t)		PTE_ATTRINDX(t)
#define PMD_SECT_S		PTE_SHARED
#define PMD_SECT_AF		PTE_AF
#define PTE_ADDR_MASK		UL(0x0000fffffffff000)	/* [47:12] */
/* SWAPPER_MM_MMUFLAGS (kernel-pgtable.h, 4K): PMD_ATTRINDX(MT_NORMAL) |
 * PMD_TYPE_SECT | PMD_SECT_AF | PMD_SECT_S = 0x0 | 0x1 | 0x400 | 0x300 = 0x701:
 * AP[2:1] = 00 (EL1 read/write, no EL0 access), PXN = UXN = 0, global. */
#define SWAPPER_MM_MMUFLAGS	(PMD_ATTRINDX(MT_NORMAL) | PMD_TYPE_SECT | PMD_SECT_AF | PMD_SECT_S)

/* ---- TCR_EL1 (D17.2.131) --------------------------------------------------- */
#define TCR_T0SZ(x)		((UL(64) - (x)) << 0)
#define TCR_T1SZ(x)		((UL(64) - (x)) << 16)
#define TCR_TxSZ(x)		(TCR_T0SZ(x) | TCR_T1SZ(x))
#define TCR_IRGN0_WBWA		(UL(1) << 8)
#define TCR_ORGN0_WBWA		(UL(1) << 10)
#define TCR_SH0_INNER		(UL(3) << 12)
#define TCR_TG0_4K		(UL(0) << 14)
#define TCR_IRGN1_WBWA		(UL(1) << 24)
#define TCR_ORGN1_WBWA		(UL(1) << 26)
#define TCR_SH1_INNER		(UL(3) << 28)
#define TCR_TG1_4K		(UL(2) << 30)
#define TCR_IPS_SHIFT		32
#define TCR_A1			BIT(22)
#define TCR_ASID16		BIT(36)
#define TCR_TBI0		BIT(37)
#define TCR_CACHE_FLAGS		(TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA)
#define TCR_SMP_FLAGS		(TCR_SH0_INNER | TCR_SH1_INNER)
#define TCR_TG_FLAGS		(TCR_TG0_4K | TCR_TG1_4K)
/*
 * What __cpu_setup starts from (IPS and AS are added from ID_AA64MMFR0_EL1):
 *   T0SZ 16 (0x10) | T1SZ 16 (0x10 << 16) | IRGN0/ORGN0 WBWA (0x500) | SH0 inner (0x3000)
 *   | TG0 4K (0) | IRGN1/ORGN1 WBWA (0x05000000) | SH1 inner (0x30000000) | TG1 4K (0x80000000)
 *   | TBI0 (1 << 37)  =  0x00000020b5103510
 * Linux also sets TCR_A1 (the ASID comes from TTBR1); this image keeps A1 = 0 and
 * puts the ASID in TTBR0 (see switch_mm in setup.c and docs/armv8-head.md).
 */
#define TCR_EL1_SET		(TCR_TxSZ(VA_BITS) | TCR_CACHE_FLAGS | TCR_SMP_FLAGS | \
				 TCR_TG_FLAGS | TCR_TBI0)

/* ---- ID_AA64MMFR0_EL1 (D17.2.64) ------------------------------------------- */
#define ID_AA64MMFR0_PARANGE_SHIFT	0	/* 0:32 1:36 2:40 3:42 4:44 5:48 6:52 bits */
#define ID_AA64MMFR0_PARANGE_48		5
#define ID_AA64MMFR0_ASIDBITS_SHIFT	4	/* 0: 8 bits, 2: 16 bits */
#define ID_AA64MMFR0_ASIDBITS_16	2
#define ID_AA64MMFR0_TGRAN4_SHIFT	28	/* 0: 4K supported, 0xf: not (signed field) */

/* ---- SCTLR_EL1 (D17.2.118) ------------------------------------------------- */
#define SCTLR_ELx_M		BIT(0)
#define SCTLR_ELx_C		BIT(2)
#define SCTLR_ELx_SA		BIT(3)
#define SCTLR_EL1_SA0		BIT(4)
#define SCTLR_EL1_SED		BIT(8)
#define SCTLR_EL1_EOS		BIT(11)		/* RES1 in ARMv8.0 */
#define SCTLR_ELx_I		BIT(12)
#define SCTLR_EL1_DZE		BIT(14)
#define SCTLR_EL1_UCT		BIT(15)
#define SCTLR_EL1_nTWE		BIT(18)
#define SCTLR_EL1_TSCXT		BIT(20)		/* RES1 in ARMv8.0 */
#define SCTLR_EL1_EIS		BIT(22)		/* RES1 in ARMv8.0 */
#define SCTLR_EL1_SPAN		BIT(23)		/* RES1 in ARMv8.0 */
#define SCTLR_EL1_UCI		BIT(26)
#define SCTLR_EL1_nTLSMD	BIT(28)		/* RES1 in ARMv8.0 */
#define SCTLR_EL1_LSMAOE	BIT(29)		/* RES1 in ARMv8.0 */
#define SCTLR_EL1_RES1_V80	(SCTLR_EL1_EOS | SCTLR_EL1_TSCXT | SCTLR_EL1_EIS | SCTLR_EL1_SPAN | \
				 SCTLR_EL1_nTLSMD | SCTLR_EL1_LSMAOE)	/* 0x30d00800 */
/*
 * INIT_SCTLR_EL1_MMU_ON of Linux 6.x restricted to what an ARMv8.0 core (Cortex-A53)
 * implements: M | C | SA | SA0 | SED | I | DZE | UCT | nTWE | UCI and the bits that
 * are RES1 in v8.0 (Linux names them EOS, TSCXT, EIS, SPAN, nTLSMD, LSMAOE):
 *   0x1 | 0x4 | 0x8 | 0x10 | 0x100 | 0x1000 | 0x4000 | 0x8000 | 0x40000 | 0x4000000
 *   | 0x30d00800  =  0x34d4d91d
 * Left out: IESB (bit 21, v8.2), ITFSB (37, MTE), EPAN (57, v8.7), which are RES0 on
 * the A53.
 */
#define INIT_SCTLR_EL1_MMU_ON	(SCTLR_ELx_M | SCTLR_ELx_C | SCTLR_ELx_SA | SCTLR_EL1_SA0 | \
				 SCTLR_EL1_SED | SCTLR_ELx_I | SCTLR_EL1_DZE | SCTLR_EL1_UCT | \
				 SCTLR_EL1_nTWE | SCTLR_EL1_UCI | SCTLR_EL1_RES1_V80)
#define INIT_SCTLR_EL1_MMU_OFF	SCTLR_EL1_RES1_V80	/* little-endian, MMU and caches off */

/* ---- PSTATE / SPSR ---------------------------------------------------------- */
#define PSR_MODE_EL0t		UL(0x0)
#define PSR_MODE_EL1h		UL(0x5)
#define PSR_F_BIT		UL(0x40)
#define PSR_I_BIT		UL(0x80)
#define PSR_A_BIT		UL(0x100)
#define PSR_D_BIT		UL(0x200)
#define INIT_PSTATE_EL1		(PSR_D_BIT | PSR_A_BIT | PSR_I_BIT | PSR_F_BIT | PSR_MODE_EL1h)	/* 0x3c5 */
#define CurrentEL_EL1		(UL(1) << 2)
#define CurrentEL_EL2		(UL(2) << 2)
#define BOOT_CPU_MODE_EL1	0xe11
#define BOOT_CPU_MODE_EL2	0xe12
#define HCR_RW			BIT(31)

/* ---- struct pt_regs layout (entry.S <-> traps.c) ---------------------------- */
#define S_X0			0
#define S_LR			(30 * 8)
#define S_SP			(31 * 8)
#define S_PC			(32 * 8)
#define S_PSTATE		(33 * 8)
#define S_FRAME_SIZE		(34 * 8)	/* 272, a multiple of 16 */

/* ---- user address spaces (setup.c, entry.S) --------------------------------- */
#define USER_TEXT		UL(0x0000000000400000)	/* EL0 code: L2[2], L3[0x000] */
#define USER_DATA		UL(0x0000000000410000)	/* per-ASID data page: L3[0x010] */
#define USER_KONLY		UL(0x0000000000411000)	/* kernel-only page (AP[1] = 0): L3[0x011] */

#endif
