// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * p2v64.c - the C part of p2v-a64: __create_page_tables (run with the MMU
 * off: every global is reached PC-relative, adrp, so at its physical address)
 * and start_kernel (MMU on, at the link address), which prints the same lines
 * as p2v.c (see there) with isa=a64; a stub line shows the four patched
 * instructions of the movz/movk sequence.
 */
#include "kernel.h"
#include "p2v64.h"

typedef u64 pte_t;
/* the tables: TTBR0 (identity) L0, L1; TTBR1 L0, L1, the linear L2, the list L3, the UART L2 */
pte_t idmap_pg_dir[PTRS_PER_PTE] __aligned(PAGE_SIZE) __attribute__((section(".pgtbl")));
pte_t idmap_l1[PTRS_PER_PTE] __aligned(PAGE_SIZE) __attribute__((section(".pgtbl")));
pte_t swapper_pg_dir[PTRS_PER_PTE] __aligned(PAGE_SIZE) __attribute__((section(".pgtbl")));
static pte_t swapper_l1[PTRS_PER_PTE] __aligned(PAGE_SIZE) __attribute__((section(".pgtbl")));
static pte_t linear_l2[PTRS_PER_PTE] __aligned(PAGE_SIZE) __attribute__((section(".pgtbl")));
static pte_t list_l3[PTRS_PER_PTE] __aligned(PAGE_SIZE) __attribute__((section(".pgtbl")));
static pte_t uart_l2[PTRS_PER_PTE] __aligned(PAGE_SIZE) __attribute__((section(".pgtbl")));

#define TABLE(t)	((u64)(uintptr_t)(t) | PMD_TYPE_TABLE)
#define BLOCK_NORMAL	SWAPPER_MM_MMUFLAGS				/* AttrIndx 0 Normal, AF, SH inner */
#define PAGE_NORMAL	(PTE_ATTRINDX(MT_NORMAL) | PTE_TYPE_PAGE | PTE_AF | PTE_SHARED | PTE_UXN | PTE_PXN)
#define BLOCK_DEVICE	(PMD_ATTRINDX(MT_DEVICE_nGnRnE) | PMD_TYPE_SECT | PMD_SECT_AF | PTE_UXN | PTE_PXN)

static void clear(pte_t *t)
{
	for (unsigned i = 0; i < PTRS_PER_PTE; i++)
		t[i] = 0;
}

void __create_page_tables(u64 phys_offset);
void __create_page_tables(u64 phys_offset)
{
	pte_t *all[] = {idmap_pg_dir, idmap_l1, swapper_pg_dir, swapper_l1, linear_l2, list_l3, uart_l2};
	for (unsigned i = 0; i < ARRAY_SIZE(all); i++)
		clear(all[i]);
	u64 pa = (u64)(uintptr_t)&__create_page_tables;	/* running here, MMU off */
	idmap_pg_dir[(pa >> PGDIR_SHIFT) & 511] = TABLE(idmap_l1);
	idmap_l1[(pa >> PUD_SHIFT) & 511] = (pa & ~((UL(1) << PUD_SHIFT) - 1)) | BLOCK_NORMAL;

	swapper_pg_dir[(PAGE_OFFSET >> PGDIR_SHIFT) & 511] = TABLE(swapper_l1);
	swapper_l1[0] = TABLE(linear_l2);
	for (unsigned n = 0; n < LINEAR_BLOCKS; n++)
		linear_l2[n] = (phys_offset + ((u64)n << PMD_SHIFT)) | BLOCK_NORMAL;
	linear_l2[(LIST_VA - PAGE_OFFSET) >> PMD_SHIFT] = TABLE(list_l3);
	for (unsigned j = 0; j < PTRS_PER_PTE; j++)
		list_l3[j] = (phys_offset + (LIST_VA - PAGE_OFFSET) + ((u64)j << PAGE_SHIFT)) | PAGE_NORMAL;
	swapper_l1[(UART_VIRT64 - PAGE_OFFSET) >> PUD_SHIFT] = TABLE(uart_l2);
	uart_l2[(UART_VIRT64 >> PMD_SHIFT) & 511] = UART_PHYS | BLOCK_DEVICE;
}

struct node {
	u64 next_phys;
	u64 data;
};

static const char *const variant_names[P2V_VARIANTS] = {"constant", "patched", "variable", "placed"};
static const char *const workload_names[P2V_WORKLOADS] = {"loop", "list"};
static const char *const run_names[3] = {"warm", "a", "b"};

static struct node *list_node(u32 i)
{
	return (struct node *)(LIST_VA + (i % LIST_PAGES) * PAGE_SIZE + (i / LIST_PAGES) * LIST_SLOT);
}

static u64 linear_to_phys(const void *v, u64 phys_offset)
{
	return (u64)(uintptr_t)v - PAGE_OFFSET + phys_offset;
}

void start_kernel(u64 dtb_phys, u64 phys_offset);
void start_kernel(u64 dtb_phys, u64 phys_offset)
{
	printk("p2v: isa=a64 PHYS_OFFSET=0x%08llx __pv_offset=0x%016llx midr=0x%08llx\n",
	       (unsigned long long)phys_offset, (unsigned long long)__pv_offset,
	       (unsigned long long)read_sysreg(midr_el1));
	u64 sites = (u64)(__pv_table_end - __pv_table_begin);
	printk("p2v: fixup sites=%llu patched=%llu cycles=%llu\n", (unsigned long long)sites,
	       (unsigned long long)__pv_patched_sites, (unsigned long long)__pv_fixup_cycles);
	for (u64 i = 0; i < sites; i++) {
		const volatile u32 *w = (const volatile u32 *)(uintptr_t)__pv_table_begin[i];
		printk("p2v: stub va=0x%016llx insn=0x%08x,0x%08x,0x%08x,0x%08x\n",
		       (unsigned long long)__pv_table_begin[i], w[0], w[1], w[2], w[3]);
	}

	for (u32 i = 0; i < LIST_NODES; i++) {
		struct node *n = list_node(i);
		n->next_phys = linear_to_phys(list_node((i + 1) % LIST_NODES), phys_offset);
		n->data = i;
	}
	__pv_offset_placed = __pv_offset;
	__asm__ volatile("dsb ish" ::: "memory");

	int constant = phys_offset == PLAT_PHYS_OFFSET;
	if (!constant)
		printk("p2v: variant=constant skipped: built for PHYS_OFFSET 0x%08llx\n",
		       (unsigned long long)PLAT_PHYS_OFFSET);
	p2v_run_phases(phys_offset + (LIST_VA - PAGE_OFFSET), linear_to_phys(list_node(0), phys_offset), constant);

	static const u32 convs[P2V_WORKLOADS][3] = {
		{2 * LOOP_N, 2 * LOOP_N, 4 * LOOP_N},
		{LIST_N, LIST_N, 2 * LIST_N},
	};
	int equal = 1;
	unsigned k = 0;
	for (unsigned w = 0; w < P2V_WORKLOADS; w++)
		for (unsigned v = 0; v < P2V_VARIANTS; v++)
			for (unsigned r = 0; r < 3; r++, k++) {
				if (v == 0 && !constant)
					continue;
				printk("p2v: variant=%s isa=a64 workload=%s run=%s convs=%u checksum=0x%08x cycles=%u\n",
				       variant_names[v], workload_names[w], run_names[r], convs[w][r],
				       p2v_results[k].checksum, p2v_results[k].cycles);
				unsigned k0 = w * P2V_VARIANTS * 3 + (constant ? 0 : 3) + r;
				if (p2v_results[k].checksum != p2v_results[k0].checksum)
					equal = 0;
			}
	printk("p2v: checksums equal=%s\n", equal ? "yes" : "no");

	struct fdt_info fi;
	if (dtb_phys - phys_offset < ((u64)LINEAR_BLOCKS << PMD_SHIFT) &&
	    fdt_scan((const void *)(uintptr_t)(dtb_phys - phys_offset + PAGE_OFFSET),
		     (u32)(((u64)LINEAR_BLOCKS << PMD_SHIFT) - (dtb_phys - phys_offset)), &fi) == 0 && fi.have_psci)
		psci_use_smc = !strcmp(fi.psci_method, "smc");
	printk("p2v: done\n");
	psci_system_off();
}
