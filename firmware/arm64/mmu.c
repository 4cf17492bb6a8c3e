/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mmu.c - building and printing VMSAv8-64 translation tables (4 KiB granule,
 * 4 levels; Linux: arch/arm64/mm/mmu.c __create_pgd_mapping, and the
 * descriptor dump of arch/arm64/mm/ptdump.c in a simpler form).
 *
 * Every table lives inside the kernel image (.bss or init_pg_dir), so its
 * virtual address is PA + kimage_voffset (__va_kimg).
 */
#include "mm.h"

#define PGTABLE_POOL_PAGES 20
static u64 pgtable_pool[PGTABLE_POOL_PAGES][PTRS_PER_PTE] __aligned(PAGE_SIZE);
unsigned pgtable_pool_used, pgtable_pool_size = PGTABLE_POOL_PAGES;

/* early_pgtable_alloc: one zeroed 4 KiB table from the pool; *pa = its physical address */
u64 *early_pgtable_alloc(phys_addr_t *pa)
{
	if (pgtable_pool_used == PGTABLE_POOL_PAGES)
		panic("early_pgtable_alloc: table pool exhausted");
	u64 *t = pgtable_pool[pgtable_pool_used++];
	memset(t, 0, PAGE_SIZE);
	*pa = __pa_symbol(t);
	return t;
}

static u64 *table_va(pteval_t desc)
{
	return __va_kimg(desc & PTE_ADDR_MASK);
}

/* the next-level table for va at this level, allocated if the entry is empty */
static u64 *next_table(u64 *t, unsigned idx, int alloc)
{
	pteval_t d = t[idx];

	if (!(d & PTE_VALID)) {
		if (!alloc)
			return NULL;
		phys_addr_t pa;
		early_pgtable_alloc(&pa);
		t[idx] = pa | PMD_TYPE_TABLE;
		return table_va(t[idx]);
	}
	if ((d & 3) != PMD_TYPE_TABLE)
		panic("create_pgd_mapping: a block descriptor is in the way");
	return table_va(d);
}

/*
 * create_pgd_mapping: [virt, virt + size) -> phys with level-3 pages and
 * protection prot, allocating L1..L3 tables as needed.  Only for ranges
 * that were unmapped (invalid -> valid needs no TLB maintenance; the caller
 * orders the stores before use with DSB ISHST + ISB).
 */
void create_pgd_mapping(u64 *pgd, phys_addr_t phys, u64 virt, u64 size, pteval_t prot)
{
	for (u64 off = 0; off < size; off += PAGE_SIZE) {
		u64 va = virt + off;
		u64 *pud = next_table(pgd, pgd_index(va), 1);
		u64 *pmd = next_table(pud, pud_index(va), 1);
		u64 *pte = next_table(pmd, pmd_index(va), 1);
		if (pte[pte_index(va)] & PTE_VALID)
			panic("create_pgd_mapping: page already mapped");
		pte[pte_index(va)] = (phys + off) | prot;
	}
	dsb(ishst);
}

/* the same with 2 MiB blocks at level 2 (prot includes PMD_TYPE_SECT); 2 MiB aligned */
void create_pgd_block_mapping(u64 *pgd, phys_addr_t phys, u64 virt, u64 size, pteval_t prot)
{
	for (u64 off = 0; off < size; off += SWAPPER_BLOCK_SIZE) {
		u64 va = virt + off;
		u64 *pud = next_table(pgd, pgd_index(va), 1);
		u64 *pmd = next_table(pud, pud_index(va), 1);
		if (pmd[pmd_index(va)] & PTE_VALID)
			panic("create_pgd_block_mapping: already mapped");
		pmd[pmd_index(va)] = (phys + off) | prot;
	}
	dsb(ishst);
}

/* the level-3 entry of va, or NULL */
u64 *lookup_pte(u64 *pgd, u64 va)
{
	u64 *pud = next_table(pgd, pgd_index(va), 0);
	u64 *pmd = pud ? next_table(pud, pud_index(va), 0) : NULL;
	u64 *pte = pmd ? next_table(pmd, pmd_index(va), 0) : NULL;
	return pte ? &pte[pte_index(va)] : NULL;
}

/*
 * Permissions of a block/page descriptor (D8.4.1, stage 1, EL1&0, SCTLR.WXN = 0):
 * AP[2:1] 00 EL1 RW / EL0 none, 01 RW / RW, 10 RO / none, 11 RO / RO.
 * EL1 may execute unless PXN, or unless EL0 can write it (AP = 01);
 * EL0 may execute unless UXN.
 */
const char *prot_str(pteval_t d, int level)
{
	static const char *const mt[8] = { "Normal", "Normal-Tagged", "Normal-NC",
					   "Device-nGnRnE", "Device-nGnRE", "Attr5", "Attr6", "Attr7" };
	static const char *const sh[4] = { "non-shareable", "SH?", "outer-shareable", "inner-shareable" };
	static char buf[96];
	unsigned ap = (d >> 6) & 3;
	int el0_r = ap & 1, el0_w = ap == 1, el1_w = !(ap & 2);
	int el1_x = !(d & PTE_PXN) && !el0_w, el0_x = !(d & PTE_UXN);
	char *p = buf;
	const char *s;

	(void)level;
	for (s = mt[(d >> 2) & 7]; *s; )
		*p++ = *s++;
	*p++ = ' ';
	for (s = sh[(d >> 8) & 3]; *s; )
		*p++ = *s++;
	for (s = d & PTE_AF ? " AF" : " af=0"; *s; )
		*p++ = *s++;
	for (s = d & PTE_NG ? " nG" : " global"; *s; )
		*p++ = *s++;
	for (s = " el1="; *s; )
		*p++ = *s++;
	*p++ = 'r';
	*p++ = el1_w ? 'w' : '-';
	*p++ = el1_x ? 'x' : '-';
	for (s = " el0="; *s; )
		*p++ = *s++;
	*p++ = el0_r ? 'r' : '-';
	*p++ = el0_w ? 'w' : '-';
	*p++ = el0_x ? 'x' : '-';
	*p = '\0';
	return buf;
}

static const char *const size_name[4] = { "512G", "1G", "2M", "4K" };

static void dump_level(const u64 *t, int level, u64 va_base, int depth, u64 skip_lo, u64 skip_hi)
{
	unsigned shift = PGDIR_SHIFT - 9 * level;
	u64 span = UL(1) << shift;
	char pad[16];
	int i;

	for (i = 0; i < 2 * depth + 2 && i < 15; i++)
		pad[i] = ' ';
	pad[i] = '\0';

	for (unsigned idx = 0; idx < PTRS_PER_PTE; idx++) {
		pteval_t d = t[idx];
		if (!(d & PTE_VALID))
			continue;
		u64 va = va_base + (u64)idx * span;
		if (level < 3 && (d & 3) == PMD_TYPE_TABLE) {
			u64 pa = d & PTE_ADDR_MASK;
			printk("%sL%d[%3u] = 0x%016lx table -> L%d 0x%016lx (VA 0x%016lx - 0x%016lx)%s\n",
			       pad, level, idx, d, level + 1, pa, va, va + span - 1,
			       pa >= skip_lo && pa < skip_hi ? ", init_pg_dir's: shown above" : "");
			if (!(pa >= skip_lo && pa < skip_hi))
				dump_level(table_va(d), level + 1, va, depth + 1, skip_lo, skip_hi);
			continue;
		}
		if (level == 0 || (level == 3 && (d & 3) != PTE_TYPE_PAGE) || (level < 3 && (d & 3) != PMD_TYPE_SECT)) {
			printk("%sL%d[%3u] = 0x%016lx reserved/invalid encoding\n", pad, level, idx, d);
			continue;
		}
		/* a run of blocks/pages with the same attributes and consecutive outputs */
		unsigned last = idx;
		while (last + 1 < PTRS_PER_PTE) {
			pteval_t n = t[last + 1];
			if ((n & ~PTE_ADDR_MASK) != (d & ~PTE_ADDR_MASK) ||
			    (n & PTE_ADDR_MASK) != (d & PTE_ADDR_MASK) + (u64)(last + 1 - idx) * span)
				break;
			last++;
		}
		u64 pa = d & PTE_ADDR_MASK, n = last - idx + 1;
		if (n == 1)
			printk("%sL%d[%3u] = 0x%016lx %s %s VA 0x%016lx -> PA 0x%016lx, %s\n", pad, level,
			       idx, d, size_name[level], level == 3 ? "page" : "block", va, pa,
			       prot_str(d, level));
		else
			printk("%sL%d[%u..%u] = 0x%016lx .. 0x%016lx: %lu x %s %s VA 0x%016lx - 0x%016lx "
			       "-> PA 0x%016lx - 0x%016lx, %s\n", pad, level, idx, last, d, t[last], n,
			       size_name[level], level == 3 ? "pages" : "blocks", va, va + n * span - 1, pa,
			       pa + n * span - 1, prot_str(d, level));
		idx = last;
	}
}

/* dump_pgtable: every valid descriptor reachable from an L0 table; tables inside
 * init_pg_dir are not entered again when reached from another root */
void dump_pgtable(const char *name, const u64 *pgd, u64 va_base)
{
	u64 lo = 0, hi = 0;
	phys_addr_t pa = __pa_symbol(pgd);
	phys_addr_t ipd = __pa_symbol(init_pg_dir), ipe = __pa_symbol(init_pg_end);

	if (pa < ipd || pa >= ipe) {
		lo = ipd;
		hi = ipe;
	}
	printk("%s: L0 table at 0x%016lx (virtual 0x%016lx)\n", name, pa, (u64)(uintptr_t)pgd);
	dump_level(pgd, 0, va_base, 0, lo, hi);
}
