/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmu-v8.c - the translation tables of tlb-bench-v8: VMSAv8-64 stage 1,
 * 4 KiB granule, 48-bit VA (TCR_EL1.T0SZ = 16: levels 0 to 3), built in C
 * with the MMU off by __create_page_tables (head-v8.S calls it).  Names
 * follow Linux arch/arm64/include/asm/pgtable-hwdef.h.
 *
 *   init_pg_dir (L0)[0]  -> init_pud (L1)
 *   init_pud[0]  0x00000000-0x3fffffff  1 GiB block, Device-nGnRE, PXN/UXN:
 *                                       the PL011 at 0x09000000
 *   init_pud[1]  0x40000000-0x7fffffff  -> bench_pmd (L2): entries 0..7 ->
 *                                       bench_pte[0..7] (L3): the test region,
 *                                       4096 L3 pages, page i ->
 *                                       bench_phys[i % 16], Normal WBWA, inner
 *                                       shareable, EL1 RW, PXN/UXN
 *   init_pud[2]  0x80000000-0xbfffffff  1 GiB block, identity, Normal: this
 *                                       image, its tables, bench_phys, the DTB
 * A walk of a test page reads 4 descriptors (L0, L1, L2, L3).
 */
#include "tlb-bench.h"

#define PTRS_PER_PTE		512
#define PUD_SHIFT		30
#define PMD_SHIFT		21

/* pgtable-hwdef.h */
#define PMD_TYPE_TABLE		(3ul << 0)
#define PUD_TYPE_TABLE		(3ul << 0)
#define PUD_TYPE_SECT		(1ul << 0)
#define PTE_TYPE_PAGE		(3ul << 0)
#define PTE_ATTRINDX(t)		((unsigned long)(t) << 2)
#define PTE_SHARED		(3ul << 8)	/* SH[1:0]: inner shareable */
#define PTE_AF			(1ul << 10)
#define PTE_PXN			(1ul << 53)
#define PTE_UXN			(1ul << 54)
/* MAIR_EL1 indices set by head-v8.S */
#define MT_NORMAL		0
#define MT_DEVICE_nGnRE		1

typedef u64 pgd_t, pud_t, pmd_t, pte_t;

pgd_t init_pg_dir[PTRS_PER_PTE] __attribute__((aligned(PAGE_SIZE)));
static pud_t init_pud[PTRS_PER_PTE] __attribute__((aligned(PAGE_SIZE)));
static pmd_t bench_pmd[PTRS_PER_PTE] __attribute__((aligned(PAGE_SIZE)));
static pte_t bench_pte[BENCH_PAGES / PTRS_PER_PTE][PTRS_PER_PTE] __attribute__((aligned(PAGE_SIZE)));
char bench_phys[BENCH_PHYS_PAGES][PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

void __create_page_tables(void);
void __create_page_tables(void)
{
	init_pg_dir[0] = (u64)(uintptr_t)init_pud | PUD_TYPE_TABLE;
	init_pud[0] = 0x00000000ul | PUD_TYPE_SECT | PTE_ATTRINDX(MT_DEVICE_nGnRE) | PTE_AF | PTE_PXN | PTE_UXN;
	init_pud[BENCH_VA >> PUD_SHIFT] = (u64)(uintptr_t)bench_pmd | PUD_TYPE_TABLE;
	init_pud[2] = 0x80000000ul | PUD_TYPE_SECT | PTE_ATTRINDX(MT_NORMAL) | PTE_SHARED | PTE_AF;

	const u64 prot = PTE_TYPE_PAGE | PTE_ATTRINDX(MT_NORMAL) | PTE_SHARED | PTE_AF | PTE_PXN | PTE_UXN;
	for (unsigned t = 0; t < BENCH_PAGES / PTRS_PER_PTE; t++) {
		bench_pmd[((BENCH_VA >> PMD_SHIFT) & (PTRS_PER_PTE - 1)) + t] = (u64)(uintptr_t)bench_pte[t] |
										 PMD_TYPE_TABLE;
		for (unsigned j = 0; j < PTRS_PER_PTE; j++) {
			unsigned i = t * PTRS_PER_PTE + j;
			bench_pte[t][j] = (u64)(uintptr_t)bench_phys[i % BENCH_PHYS_PAGES] | prot;
		}
	}
}

void arch_describe(void)
{
	u64 midr, tcr;
	__asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
	__asm__ volatile("mrs %0, tcr_el1" : "=r"(tcr));
	printk("tlb-bench v8: AArch64 EL1, MIDR 0x%08x, 4 KiB granule, TCR_EL1 0x%llx (T0SZ %u: levels 0-3), "
	       "test region in L3 pages: a walk reads 4 descriptors\n",
	       (unsigned)midr, (unsigned long long)tcr, (unsigned)(tcr & 0x3f));
	printk("tlb-bench: timer=PMCCNTR_EL0 (MRS)\n");
}
