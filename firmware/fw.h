/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fw.h - constants shared by the assembly head and the C part of the
 * mmuscope ARMv7 boot firmware.  Names follow the Linux kernel symbols
 * they mirror (arch/arm/include/asm/memory.h, pgtable-2level-hwdef.h,
 * domain.h, arch/arm/mm/proc-v7-2level.S) so the code can be read beside
 * the head.S walk-through.  This is an independent re-implementation.
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
#define PG_DIR_SIZE		_U(0x4000)	/* 4096 x 4-byte L1 entries */
#define PAGE_SHIFT		12
#define PAGE_SIZE		(_U(1) << PAGE_SHIFT)
#define SECTION_SHIFT		20
#define SECTION_SIZE		(_U(1) << SECTION_SHIFT)
#define PMD_ORDER		2		/* log2(sizeof(pmd entry)) */

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
