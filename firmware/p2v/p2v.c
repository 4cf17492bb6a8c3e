// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * p2v.c - start_kernel of the P2V benchmark images (p2v-a32, p2v-t32): build
 * the list, run every phase (work-v7.S), print one machine-readable line per
 * phase, power off.  printk and the FDT walker are ../printk.c and ../fdt.c.
 *
 * Lines (stable; tests and `mmuscope bench p2v` parse them):
 *   p2v: isa=ISA PHYS_OFFSET=0x... __pv_offset=0x... midr=0x...
 *   p2v: fixup sites=N patched=N cycles=C          (PMCCNTR around __fixup_pv_table)
 *   p2v: stub va=0x... insn=0x...                  (each patched stub after the fixup;
 *                                                   T32: hw1 in the top half)
 *   p2v: variant=V isa=ISA workload=W run=R convs=N checksum=0x... cycles=C
 *   p2v: checksums equal=yes|no
 *   p2v: done
 */
#include "kernel.h"
#include "p2v.h"

#ifdef CONFIG_THUMB2_KERNEL
#define ISA "t32"
#else
#define ISA "a32"
#endif

struct node {
	uint32_t next_phys;
	uint32_t data;
};

static const char *const variant_names[P2V_VARIANTS] = {"constant", "patched", "variable", "placed"};
static const char *const workload_names[P2V_WORKLOADS] = {"loop", "list"};
static const char *const run_names[3] = {"warm", "a", "b"};

/* visit i (0..LIST_NODES-1) goes to page i % LIST_PAGES, slot i / LIST_PAGES */
static struct node *list_node(uint32_t i)
{
	return (struct node *)(LIST_VA + (i % LIST_PAGES) * PAGE_SIZE + (i / LIST_PAGES) * LIST_SLOT);
}

static uint32_t virt_to_phys_c(const void *v, uint32_t phys_offset)
{
	return (uint32_t)(uintptr_t)v - PAGE_OFFSET + phys_offset;
}

void start_kernel(uint32_t dtb_phys, uint32_t phys_offset);
void start_kernel(uint32_t dtb_phys, uint32_t phys_offset)
{
	uint32_t midr = read_cp15(0, c0, c0, 0);
	printk("p2v: isa=" ISA " PHYS_OFFSET=0x%08x __pv_offset=0x%08x midr=0x%08x\n", phys_offset, __pv_offset,
	       midr);
	uint32_t sites = (uint32_t)(__pv_table_end - __pv_table_begin);
	printk("p2v: fixup sites=%u patched=%u cycles=%u\n", sites, __pv_patched_sites, __pv_fixup_cycles);
	for (uint32_t i = 0; i < sites; i++) {
		uintptr_t a = __pv_table_begin[i] & ~1u;
#ifdef CONFIG_THUMB2_KERNEL
		const volatile uint16_t *h = (const volatile uint16_t *)a;
		uint32_t insn = (uint32_t)h[0] << 16 | h[1];
#else
		uint32_t insn = *(const volatile uint32_t *)a;
#endif
		printk("p2v: stub va=0x%08x insn=0x%08x\n", (uint32_t)a, insn);
	}

	/* the list: visit i links to visit i + 1 (circular), data = i */
	for (uint32_t i = 0; i < LIST_NODES; i++) {
		struct node *n = list_node(i);
		n->next_phys = virt_to_phys_c(list_node((i + 1) % LIST_NODES), phys_offset);
		n->data = i;
	}
	__pv_offset_placed = __pv_offset;
	dsb();

	uint32_t loop_phys = phys_offset + 0x00100000;	/* only converted, never dereferenced */
	int constant = phys_offset == PLAT_PHYS_OFFSET;
	if (!constant)
		printk("p2v: variant=constant skipped: built for PHYS_OFFSET 0x%08x\n", PLAT_PHYS_OFFSET);
	p2v_run_phases(loop_phys, virt_to_phys_c(list_node(0), phys_offset), constant);

	static const uint32_t convs[P2V_WORKLOADS][3] = {
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
				printk("p2v: variant=%s isa=" ISA " workload=%s run=%s convs=%u checksum=0x%08x "
				       "cycles=%u\n",
				       variant_names[v], workload_names[w], run_names[r], convs[w][r],
				       p2v_results[k].checksum, p2v_results[k].cycles);
				/* the constant variant's result of the same run (else the patched one) */
				unsigned k0 = w * P2V_VARIANTS * 3 + (constant ? 0 : 3) + r;
				if (p2v_results[k].checksum != p2v_results[k0].checksum)
					equal = 0;
			}
	printk("p2v: checksums equal=%s\n", equal ? "yes" : "no");

	struct fdt_info fi;
	int smc = 0;
	if (dtb_phys - phys_offset < (uint32_t)LINEAR_MB << 20 &&
	    fdt_scan((const void *)(uintptr_t)(dtb_phys - phys_offset + PAGE_OFFSET), &fi) == 0 && fi.have_psci)
		smc = !strcmp(fi.psci_method, "smc");
	printk("p2v: done\n");
	psci_system_off(smc);
}
