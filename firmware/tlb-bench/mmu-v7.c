/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmu-v7.c - the translation tables of tlb-bench-v7: ARMv7 short
 * descriptors (ARM ARM B3.5), built in C with the MMU off by
 * __create_page_tables (head-v7.S calls it).  Names follow Linux
 * arch/arm/include/asm/pgtable-2level-hwdef.h.
 *
 *   0x80000000-0xbfffffff  1 MiB sections, identity, Normal WBWA, PL1 RW:
 *                          this image, its tables, bench_phys, the DTB
 *   0x09000000-0x090fffff  1 MiB section, identity, Device, XN: the PL011
 *                          (0x09000000) and mmuscope's cycle counter page
 *                          (0x09010000)
 *   0x40000000-0x40ffffff  the test region: 16 L1 page-table entries, each
 *                          pointing to a 256-entry L2 table of 4 KiB small
 *                          pages; page i -> bench_phys[i % 16], Normal
 *                          WBWA, PL1 RW, XN.  A walk reads 2 descriptors.
 */
#include "tlb-bench.h"

#define PTRS_PER_PGD		4096
#define PTRS_PER_PTE		256
#define SECTION_SHIFT		20

/* pgtable-2level-hwdef.h: first-level descriptors */
#define PMD_TYPE_TABLE		(1u << 0)
#define PMD_TYPE_SECT		(2u << 0)
#define PMD_SECT_BUFFERABLE	(1u << 2)
#define PMD_SECT_CACHEABLE	(1u << 3)
#define PMD_SECT_XN		(1u << 4)
#define PMD_DOMAIN(x)		((u32)(x) << 5)
#define PMD_SECT_AP_WRITE	(1u << 10)	/* AP[1:0] = 01: PL1 read/write, PL0 no access */
#define PMD_SECT_TEX(x)		((u32)(x) << 12)
#define PMD_SECT_S		(1u << 16)
/* TEX 001 C 1 B 1: Normal, outer and inner write-back write-allocate (SCTLR.TRE = 0) */
#define PMD_SECT_WBWA		(PMD_SECT_TEX(1) | PMD_SECT_CACHEABLE | PMD_SECT_BUFFERABLE)
/* TEX 000 C 0 B 1: Shareable Device */
#define PMD_SECT_DEV_SHARED	(PMD_SECT_BUFFERABLE)

/* second-level (small page) descriptors */
#define PTE_EXT_XN		(1u << 0)
#define PTE_TYPE_SMALL		(2u << 0)
#define PTE_BUFFERABLE		(1u << 2)
#define PTE_CACHEABLE		(1u << 3)
#define PTE_EXT_AP0		(1u << 4)	/* AP[1:0] = 01: PL1 read/write */
#define PTE_EXT_TEX(x)		((u32)(x) << 6)
#define PTE_EXT_SHARED		(1u << 10)

#define DOMAIN_KERNEL		0

typedef u32 pmd_t;
typedef u32 pte_t;

pmd_t swapper_pg_dir[PTRS_PER_PGD] __attribute__((aligned(16384)));
static pte_t bench_pte[BENCH_PAGES / PTRS_PER_PTE][PTRS_PER_PTE] __attribute__((aligned(1024)));
char bench_phys[BENCH_PHYS_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void create_section(u32 va, u32 pa, u32 prot)
{
	swapper_pg_dir[va >> SECTION_SHIFT] = (pa & ~((1u << SECTION_SHIFT) - 1)) | prot | PMD_TYPE_SECT |
					      PMD_DOMAIN(DOMAIN_KERNEL);
}

void __create_page_tables(void);
void __create_page_tables(void)
{
	const u32 mem = PMD_SECT_AP_WRITE | PMD_SECT_WBWA | PMD_SECT_S;
	for (u32 mb = 0x800; mb < 0xc00; mb++)
		create_section(mb << SECTION_SHIFT, mb << SECTION_SHIFT, mem);
	create_section(UART_PHYS, UART_PHYS, PMD_SECT_AP_WRITE | PMD_SECT_DEV_SHARED | PMD_SECT_XN);

	const u32 pte_prot = PTE_TYPE_SMALL | PTE_EXT_AP0 | PTE_EXT_TEX(1) | PTE_CACHEABLE | PTE_BUFFERABLE |
			     PTE_EXT_SHARED | PTE_EXT_XN;
	for (u32 t = 0; t < BENCH_PAGES / PTRS_PER_PTE; t++) {
		swapper_pg_dir[(BENCH_VA >> SECTION_SHIFT) + t] = (u32)(uintptr_t)bench_pte[t] | PMD_TYPE_TABLE |
								   PMD_DOMAIN(DOMAIN_KERNEL);
		for (u32 j = 0; j < PTRS_PER_PTE; j++) {
			u32 i = t * PTRS_PER_PTE + j;
			bench_pte[t][j] = (u32)(uintptr_t)bench_phys[i % BENCH_PHYS_PAGES] | pte_prot;
		}
	}
}

void arch_describe(void)
{
	u32 midr, ttbcr, id;
	__asm__ volatile("mrc p15, 0, %0, c0, c0, 0" : "=r"(midr));
	__asm__ volatile("mrc p15, 0, %0, c2, c0, 2" : "=r"(ttbcr));
	id = *(volatile u32 *)(CYCLES_PHYS + CYCLES_ID);
	printk("tlb-bench v7: ARMv7-A A32, MIDR 0x%08x, short-descriptor tables (TTBCR 0x%x), test region in "
	       "4 KiB small pages: a walk reads 2 descriptors\n", midr, ttbcr);
	printk("tlb-bench: timer=PMCCNTR (MRC p15, 0, Rt, c9, c13, 0, 32 bits); counter page 0x%08lx id 0x%08x%s\n",
	       (unsigned long)CYCLES_PHYS, id, id == CYCLES_ID_VALUE ? " (mmuscope)" : " (not mmuscope's)");
}
