/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * setup.c - start_kernel() of the mmuscope ARMv7 firmware: what Linux does
 * in setup_arch()/paging_init()/mem_init(), reduced to a demonstration:
 *   - report what head.S discovered (PHYS_OFFSET, P2V patch sites),
 *   - parse the DTB (/memory, /psci),
 *   - print the "Virtual kernel memory layout" block,
 *   - build a second L1 table at run time (lowmem sections, the UART,
 *     a coarse L2 table with the vectors page and a non-contiguous
 *     vmalloc-style region with nG pages), switch to it under ASID 1,
 *   - prove the vmalloc mapping, and power off through PSCI.
 * Built twice: armv7-head, and armv7-fault (-DFW_FAULT) which then takes
 * deliberate aborts through a high-vectors table (traps.c); and twice more
 * with -DCONFIG_ARM_LPAE (armv7-lpae-head, armv7-lpae-fault), where the
 * second table is in long-descriptor form: a 4-entry PGD, four PMD tables of
 * 2 MiB blocks, and level-3 page tables for the vmalloc region and the
 * vectors page; the ASID goes in TTBR0[55:48] instead of CONTEXTIDR.
 */
#include "kernel.h"
#include "memory.h"

#ifdef CONFIG_ARM_LPAE
#define FW_LPAE "lpae-"
#else
#define FW_LPAE ""
#endif
#ifdef FW_FAULT
#define FW_IMAGE_NAME "armv7-" FW_LPAE "fault"
#else
#define FW_IMAGE_NAME "armv7-" FW_LPAE "head"
#endif

#define DEFAULT_RAM_SIZE	(128u << 20)
#define VMALLOC_PAGES		4

#ifdef CONFIG_ARM_LPAE
/*
 * Level-3 page descriptors (pgtable-3level.h): AttrIndx 7 = MAIR1 byte 3 =
 * 0xff, Normal inner/outer write-back write-allocate; SH inner shareable; AF.
 * Kernel-RW page, nG, XN:  PAGE(3) | 7 << 2 | SH(0x300) | AF(0x400) | nG(0x800)
 *                          = 0xf1f, XN = bit 54  -> 0x0040000000000f1f
 */
#define PTE_KERNEL_NG	((uint64_t)PTE_EXT_XN_HI << 32 | PTE_TYPE_PAGE | PTE_ATTRINDX(7) | \
			 PTE_EXT_SHARED | PTE_EXT_AF | PTE_EXT_NG)
/* Kernel read-only page: AP[2] = 1 (0x80), AP[1] = 0: PL1 RO, PL0 none -> 0x0040000000000f9f */
#define PTE_KERNEL_RO_NG (PTE_KERNEL_NG | PTE_EXT_RDONLY)
/* Vectors page (L_PTE_USER|L_PTE_RDONLY): AP[2:1] = 11, RO at PL1 and PL0, global, executable = 0x7df */
#define PTE_VECTORS	((uint64_t)(PTE_TYPE_PAGE | PTE_ATTRINDX(7) | PTE_EXT_USER | PTE_EXT_RDONLY | \
				    PTE_EXT_SHARED | PTE_EXT_AF))
typedef uint64_t pmdval_t;
#define PMDS		(PTRS_PER_PGD * PTRS_PER_PMD)	/* 2048 x 2 MiB = 4 GiB */
#define PTE_INDEX(va)	(((va) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))

/*
 * Run-time page tables and pages, all in .bss (global: tests find them with nm).
 * The PGD holds 4 entries of 8 bytes; with TTBCR.T0SZ = 0 the walk starts at
 * level 1 and TTBR0 must be aligned to the table's 32 bytes (B3.6.6, x = 5).
 * PMD and PTE tables are 512 x 8 bytes = 4 KiB, 4 KiB aligned.
 */
uint64_t second_pg_dir[PTRS_PER_PGD] __aligned(32);
uint64_t second_pmd[PTRS_PER_PGD][PTRS_PER_PMD] __aligned(4096);
uint64_t vmalloc_pte[PTRS_PER_PTE] __aligned(4096);
uint64_t vectors_pte[PTRS_PER_PTE] __aligned(4096);
#else
/* Kernel-RW normal memory page, non-global (nG), XN:  small | XN | WBWA (TEX1 C B) | AP0 | S | nG */
#define PTE_KERNEL_NG	(PTE_TYPE_SMALL | PTE_EXT_XN | PTE_EXT_TEX(1) | PTE_CACHEABLE | \
			 PTE_BUFFERABLE | PTE_EXT_AP0 | PTE_EXT_SHARED | PTE_EXT_NG)
/* Kernel read-only page (APX=1 AP=01: PL1 RO, PL0 none), non-global, XN */
#define PTE_KERNEL_RO_NG (PTE_KERNEL_NG | PTE_EXT_APX)
/* Vectors page as Linux maps it (L_PTE_USER|L_PTE_RDONLY): APX=1 AP=11, global, executable */
#define PTE_VECTORS	(PTE_TYPE_SMALL | PTE_EXT_TEX(1) | PTE_CACHEABLE | PTE_BUFFERABLE | \
			 PTE_EXT_AP0 | PTE_EXT_AP1 | PTE_EXT_APX | PTE_EXT_SHARED)

/* Run-time page tables and pages, all in .bss (global: tests find them with nm). */
uint32_t second_pg_dir[4096] __aligned(16384);
uint32_t vmalloc_pte[256] __aligned(1024);
uint32_t vectors_pte[256] __aligned(1024);
#endif
uint8_t vmalloc_backing[VMALLOC_PAGES][PAGE_SIZE] __aligned(PAGE_SIZE);
uint8_t vectors_page[PAGE_SIZE] __aligned(PAGE_SIZE);
#ifdef FW_FAULT
uint8_t ro_page[PAGE_SIZE] __aligned(PAGE_SIZE);
#endif
/* vmalloc page i is backed by backing page vmalloc_order[i] */
static const unsigned vmalloc_order[VMALLOC_PAGES] = { 2, 0, 3, 1 };

/* head.S/__mmap_switched write these */
uint32_t processor_id, __machine_arch_type, __atags_pointer;

struct meminfo {
	phys_addr_t ram_base;
	uint32_t ram_size;
	phys_addr_t lowmem_start, lowmem_end;	/* mapped by the second table */
	uintptr_t high_memory;
	int psci_smc;
};

static void clean_dcache_area(const void *p, uint32_t size)
{
	uint32_t ctr = read_cp15(0, c0, c0, 1);
	uint32_t line = 4u << ((ctr >> 16) & 0xf);		/* DminLine */
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(line - 1);
	for (; a < (uintptr_t)p + size; a += line)
		write_cp15(a, 0, c7, c10, 1);			/* DCCMVAC */
	dsb();
}

static uint32_t kb_roundup(uintptr_t b, uintptr_t t) { return (uint32_t)((t - b + 1023) >> 10); }

static __init void print_layout(const struct meminfo *mi)
{
	printk("Virtual kernel memory layout:\n"
	       "    vector  : 0x%08x - 0x%08x   (%4u kB)\n"
	       "    fixmap  : 0x%08x - 0x%08x   (%4u kB)\n"
	       "    vmalloc : 0x%08x - 0x%08x   (%4u MB)\n"
	       "    lowmem  : 0x%08x - 0x%08x   (%4u MB)\n"
	       "      .text : 0x%08x - 0x%08x   (%4u kB)\n"
	       "      .init : 0x%08x - 0x%08x   (%4u kB)\n"
	       "      .data : 0x%08x - 0x%08x   (%4u kB)\n"
	       "       .bss : 0x%08x - 0x%08x   (%4u kB)\n",
	       VECTORS_BASE, VECTORS_BASE + PAGE_SIZE, PAGE_SIZE >> 10,
	       FIXADDR_START, FIXADDR_END, (FIXADDR_END - FIXADDR_START) >> 10,
	       VMALLOC_START, VMALLOC_END, (VMALLOC_END - VMALLOC_START) >> 20,
	       PAGE_OFFSET, (uint32_t)mi->high_memory, (uint32_t)(mi->high_memory - PAGE_OFFSET) >> 20,
	       (uint32_t)_text, (uint32_t)_etext, kb_roundup((uintptr_t)_text, (uintptr_t)_etext),
	       (uint32_t)__init_begin, (uint32_t)__init_end,
	       kb_roundup((uintptr_t)__init_begin, (uintptr_t)__init_end),
	       (uint32_t)_sdata, (uint32_t)_edata, kb_roundup((uintptr_t)_sdata, (uintptr_t)_edata),
	       (uint32_t)__bss_start, (uint32_t)__bss_stop,
	       kb_roundup((uintptr_t)__bss_start, (uintptr_t)__bss_stop));
	printk("Physical: PHYS_OFFSET 0x%08x, kernel 0x%08x - 0x%08x, swapper_pg_dir 0x%08x\n",
	       (uint32_t)PHYS_OFFSET, virt_to_phys(_text), virt_to_phys(_end),
	       virt_to_phys(swapper_pg_dir));
	printk("Physical: lowmem 0x%08x - 0x%08x, uart 0x%08x at virtual 0x%08x\n",
	       mi->lowmem_start, mi->lowmem_end, UART_PHYS, UART_VIRT);
}

static __init void show_pv_stubs(void)
{
	const uint32_t *tbl = (const uint32_t *)__pv_table_begin;
	uint32_t n = (uint32_t)(__pv_table_end - __pv_table_begin) / 4;
	int shown_add = 0, shown_sub = 0;

	printk("P2V: %u sites patched, .pv_table 0x%08x - 0x%08x (%u entries)\n",
	       __pv_patched_sites, (uint32_t)__pv_table_begin, (uint32_t)__pv_table_end, n);
	for (uint32_t i = 0; i < n && !(shown_add && shown_sub); i++) {
		uint32_t insn = *(const uint32_t *)tbl[i];
		int is_add = ((insn >> 21) & 0x7f) == 0x14;	/* I=1, opcode ADD */
		if ((is_add && shown_add) || (!is_add && shown_sub))
			continue;
		uint32_t rot = ((insn >> 8) & 0xf) * 2, imm8 = insn & 0xff;
		uint32_t imm = rot ? (imm8 >> rot) | (imm8 << (32 - rot)) : imm8;
		printk("P2V: stub at 0x%08x: %08x = %s r%u, r%u, #0x%08x\n", tbl[i], insn,
		       is_add ? "add" : "sub", (insn >> 12) & 0xf, (insn >> 16) & 0xf, imm);
		if (is_add)
			shown_add = 1;
		else
			shown_sub = 1;
	}
}

static __init void setup_memory(struct meminfo *mi)
{
	struct fdt_info fi;
	const void *dtb = __atags_pointer ? phys_to_virt(__atags_pointer) : 0;

	mi->ram_base = PHYS_OFFSET;
	mi->ram_size = DEFAULT_RAM_SIZE;
	mi->psci_smc = 0;
	if (dtb && fdt_scan(dtb, &fi) == 0) {
		printk("DTB: at phys 0x%08x (virtual 0x%08x), totalsize %u, version %u\n",
		       __atags_pointer, (uint32_t)(uintptr_t)dtb, fi.totalsize, fi.version);
		printk("DTB: #address-cells=%u #size-cells=%u\n", fi.addr_cells, fi.size_cells);
		if (fi.have_memory) {
			mi->ram_base = (phys_addr_t)fi.mem_base;
			mi->ram_size = fi.mem_size > 0xffffffffu ? 0xfff00000u : (uint32_t)fi.mem_size;
			printk("DTB: /memory reg: base 0x%08x size 0x%08x (%u MiB)\n",
			       mi->ram_base, mi->ram_size, mi->ram_size >> 20);
		} else {
			printk("DTB: no /memory node, assuming %u MiB at PHYS_OFFSET\n",
			       DEFAULT_RAM_SIZE >> 20);
		}
		if (fi.have_psci) {
			mi->psci_smc = !strcmp(fi.psci_method, "smc");
			printk("DTB: /psci method \"%s\"\n", fi.psci_method);
		} else {
			printk("DTB: no /psci method, assuming \"hvc\"\n");
		}
	} else {
		printk("DTB: none (r2=0x%08x), assuming RAM 0x%08x + %u MiB and PSCI method \"hvc\"\n",
		       __atags_pointer, (uint32_t)PHYS_OFFSET, DEFAULT_RAM_SIZE >> 20);
	}

	/* lowmem: the part of RAM from PHYS_OFFSET up, at most LOWMEM_MAX, whole sections */
	phys_addr_t start = mi->ram_base > PHYS_OFFSET ? mi->ram_base : PHYS_OFFSET;
	uint32_t end_off = mi->ram_base + mi->ram_size - PHYS_OFFSET;
	if (mi->ram_base + mi->ram_size <= PHYS_OFFSET)
		end_off = SECTION_SIZE;		/* nonsense DT: keep at least the kernel */
	if (end_off > LOWMEM_MAX)
		end_off = LOWMEM_MAX;
	mi->lowmem_start = (start + SECTION_SIZE - 1) & ~(SECTION_SIZE - 1);
	mi->lowmem_end = (PHYS_OFFSET + end_off) & ~(SECTION_SIZE - 1);
	mi->high_memory = __phys_to_virt(mi->lowmem_end);
}

#ifdef CONFIG_ARM_LPAE
/*
 * paging_init(), LPAE form: a new 4-entry PGD pointing at four new PMD tables
 * (2 MiB blocks), with level-3 tables for the vmalloc region and the vectors
 * page.  Returns the PGD's physical address.
 */
static __init phys_addr_t paging_init(const struct meminfo *mi)
{
	pmdval_t *pmd = &second_pmd[0][0];	/* one 2048-entry array: index VA >> 21 */
	phys_addr_t pgd_phys = virt_to_phys(second_pg_dir);

	printk("paging_init: second PGD at 0x%08x (phys 0x%08x), LPAE: %u PMD tables at 0x%08x "
	       "(phys 0x%08x)\n", (uint32_t)(uintptr_t)second_pg_dir, pgd_phys, PTRS_PER_PGD,
	       (uint32_t)(uintptr_t)pmd, virt_to_phys(pmd));
	for (unsigned i = 0; i < PTRS_PER_PGD; i++) {
		second_pg_dir[i] = virt_to_phys(second_pmd[i]) | PMD_TYPE_TABLE;
		printk("  pgd[%u] = 0x%016llx (PMD for 0x%08x - 0x%08x)\n", i, second_pg_dir[i],
		       i << 30, (i << 30) + 0x3fffffffu);
	}

	/* map_lowmem: 2 MiB blocks, as mm_mmuflags */
	uint32_t nsect = 0;
	for (phys_addr_t pa = mi->lowmem_start; pa < mi->lowmem_end; pa += SECTION_SIZE, nsect++)
		pmd[__phys_to_virt(pa) >> SECTION_SHIFT] = pa | MM_MMUFLAGS;
	uintptr_t lm_va = __phys_to_virt(mi->lowmem_start);
	printk("  lowmem : pmd[0x%03x..0x%03x] = 0x%016llx.. (%u blocks of 2 MiB, 0x%08x -> 0x%08x)\n",
	       lm_va >> SECTION_SHIFT, (lm_va >> SECTION_SHIFT) + nsect - 1,
	       pmd[lm_va >> SECTION_SHIFT], nsect, (uint32_t)lm_va, mi->lowmem_start);

	/* the identity block of .idmap.text (idmap_pgd), unless that slot is kernel space */
	phys_addr_t id_pa = virt_to_phys(__idmap_text_start);
	uint32_t id_idx = id_pa >> SECTION_SHIFT;
	if (!pmd[id_idx]) {
		pmd[id_idx] = (id_pa & ~(SECTION_SIZE - 1)) | MM_MMUFLAGS;
		printk("  idmap  : pmd[0x%03x] = 0x%016llx (0x%08x -> 0x%08x, .idmap.text at VA == PA)\n",
		       id_idx, pmd[id_idx], id_idx << SECTION_SHIFT, id_idx << SECTION_SHIFT);
	} else {
		printk("  idmap  : pmd[0x%03x] already used, no identity block\n", id_idx);
	}

	/* devicemaps_init: the UART, Device (AttrIndx 4) + XN */
	pmd[UART_VIRT >> SECTION_SHIFT] = (uint64_t)UART_MMUFLAGS_HI << 32 | UART_PHYS | UART_MMUFLAGS;
	printk("  uart   : pmd[0x%03x] = 0x%016llx (0x%08x -> 0x%08x, device, XN)\n",
	       UART_VIRT >> SECTION_SHIFT, pmd[UART_VIRT >> SECTION_SHIFT], UART_VIRT, UART_PHYS);

	/* vmalloc-style region: a level-3 table, pages scattered over the backing buffer */
	pmd[VMALLOC_START >> SECTION_SHIFT] = virt_to_phys(vmalloc_pte) | PMD_TYPE_TABLE;
	printk("  vmalloc: pmd[0x%03x] = 0x%016llx (level-3 table at 0x%08x)\n",
	       VMALLOC_START >> SECTION_SHIFT, pmd[VMALLOC_START >> SECTION_SHIFT],
	       (uint32_t)(uintptr_t)vmalloc_pte);
	for (unsigned i = 0; i < VMALLOC_PAGES; i++) {
		phys_addr_t pa = virt_to_phys(vmalloc_backing[vmalloc_order[i]]);
		vmalloc_pte[i] = pa | PTE_KERNEL_NG;
		printk("    pte[%u] 0x%08x -> 0x%08x = 0x%016llx (backing page %u, nG)\n", i,
		       VMALLOC_START + i * PAGE_SIZE, pa, vmalloc_pte[i], vmalloc_order[i]);
	}
#ifdef FW_FAULT
	vmalloc_pte[VMALLOC_PAGES] = virt_to_phys(ro_page) | PTE_KERNEL_RO_NG;
	printk("    pte[%u] 0x%08x -> 0x%08x = 0x%016llx (read-only page, AP[2:1]=10, nG)\n",
	       VMALLOC_PAGES, VMALLOC_START + VMALLOC_PAGES * PAGE_SIZE,
	       virt_to_phys(ro_page), vmalloc_pte[VMALLOC_PAGES]);
	/* and one with AF = 0: the first access takes an Access flag fault (no hardware AF) */
	vmalloc_pte[VMALLOC_PAGES + 1] = (virt_to_phys(ro_page) | PTE_KERNEL_NG) & ~(uint64_t)PTE_EXT_AF;
	printk("    pte[%u] 0x%08x -> 0x%08x = 0x%016llx (AF=0, nG)\n",
	       VMALLOC_PAGES + 1, VMALLOC_START + (VMALLOC_PAGES + 1) * PAGE_SIZE,
	       virt_to_phys(ro_page), vmalloc_pte[VMALLOC_PAGES + 1]);
#endif

	/* the vectors page at 0xffff0000: its own level-3 table */
	pmd[VECTORS_BASE >> SECTION_SHIFT] = virt_to_phys(vectors_pte) | PMD_TYPE_TABLE;
	vectors_pte[PTE_INDEX(VECTORS_BASE)] = virt_to_phys(vectors_page) | PTE_VECTORS;
	printk("  vectors: pmd[0x%03x] = 0x%016llx, pte[0x%03x] 0x%08x -> 0x%08x = 0x%016llx (RO, global)\n",
	       VECTORS_BASE >> SECTION_SHIFT, pmd[VECTORS_BASE >> SECTION_SHIFT],
	       PTE_INDEX(VECTORS_BASE), VECTORS_BASE, virt_to_phys(vectors_page),
	       vectors_pte[PTE_INDEX(VECTORS_BASE)]);

	/* make the tables visible to the table walker */
	clean_dcache_area(second_pg_dir, sizeof(second_pg_dir));
	clean_dcache_area(second_pmd, sizeof(second_pmd));
	clean_dcache_area(vmalloc_pte, sizeof(vmalloc_pte));
	clean_dcache_area(vectors_pte, sizeof(vectors_pte));
	return pgd_phys;
}

/*
 * switch_mm, LPAE form (cpu_v7_switch_mm of proc-v7-3level.S): the ASID goes
 * in TTBR0[55:48] (TTBCR.A1 = 0), written with one MCRR together with the
 * PGD address; CONTEXTIDR is not touched.  Our kernel half lives in the new
 * tables too, so TTBR1 is moved first, by Linux's rule (v7_ttb_setup): with
 * the 3G split (T1SZ != 0) TTBR1 is the PMD of the top GiB, pgd[3]'s table;
 * without it, the PGD itself.  Lowmem is mapped alike in both, so the code
 * we run from stays put.  Then every TLB entry goes (the swapper's are
 * global) and the branch predictor.
 */
static __init void switch_mm(phys_addr_t pgd_phys, uint32_t asid)
{
	uint32_t t1sz = (read_cp15(0, c2, c0, 2) >> 16) & 7;
	uint64_t ttbr1 = t1sz ? second_pg_dir[3] & 0xfffffff000ull : pgd_phys;
	uint64_t ttbr0 = pgd_phys | (uint64_t)(asid & 0xff) << 48;

	dsb();
	write_cp15_64(ttbr1, 1, c2);			/* TTBR1 */
	isb();
	write_cp15_64(ttbr0, 0, c2);			/* TTBR0, ASID in [55:48] */
	isb();
	write_cp15(0, 0, c8, c7, 0);			/* TLBIALL */
	write_cp15(0, 0, c7, c5, 6);			/* BPIALL */
	dsb();
	isb();
}

/* ATS1CPR with TTBCR.EAE = 1: the PAR is in its 64-bit format (PAR.LPAE, bit 11), read with MRRC */
typedef uint64_t par_t;
#define PAR_F(par)	((uint32_t)(par) & 1)
#define PAR_PA(par)	((phys_addr_t)((par) & 0xfffffff000ull))
static uint64_t ats1cpr(uintptr_t va)
{
	write_cp15(va, 0, c7, c8, 0);			/* ATS1CPR: PL1 read translation */
	isb();
	return read_cp15_64(0, c7);			/* PAR, 64-bit */
}
#define CURRENT_ASID()	((uint32_t)(read_cp15_64(0, c2) >> 48) & 0xff)
#else /* !CONFIG_ARM_LPAE */
/* paging_init(): build second_pg_dir; returns its physical address. */
static __init phys_addr_t paging_init(const struct meminfo *mi)
{
	uint32_t *pgd = second_pg_dir;
	phys_addr_t pgd_phys = virt_to_phys(pgd);

	printk("paging_init: second L1 table at 0x%08x (phys 0x%08x)\n",
	       (uint32_t)(uintptr_t)pgd, pgd_phys);

	/* map_lowmem: 1 MiB sections, as mm_mmuflags, domain kernel */
	uint32_t nsect = 0;
	for (phys_addr_t pa = mi->lowmem_start; pa < mi->lowmem_end; pa += SECTION_SIZE, nsect++)
		pgd[__phys_to_virt(pa) >> SECTION_SHIFT] =
			pa | MM_MMUFLAGS | PMD_DOMAIN(DOMAIN_KERNEL);
	uintptr_t lm_va = __phys_to_virt(mi->lowmem_start);
	printk("  lowmem : L1[0x%03x..0x%03x] = 0x%08x.. (%u sections, 0x%08x -> 0x%08x)\n",
	       lm_va >> SECTION_SHIFT, (lm_va >> SECTION_SHIFT) + nsect - 1,
	       pgd[lm_va >> SECTION_SHIFT], nsect, (uint32_t)lm_va, mi->lowmem_start);

	/*
	 * The identity section for .idmap.text, as Linux keeps it in idmap_pgd
	 * (identity_mapping_add) for soft_restart and cpu_resume: __turn_mmu_on
	 * stays reachable at VA == PA after the switch.  Skipped if that slot is
	 * already taken (a PHYS_OFFSET so high that PA == some kernel VA).
	 */
	phys_addr_t id_pa = virt_to_phys(__idmap_text_start);
	uint32_t id_idx = id_pa >> SECTION_SHIFT;
	if (!pgd[id_idx]) {
		pgd[id_idx] = (id_pa & ~(SECTION_SIZE - 1)) | MM_MMUFLAGS | PMD_DOMAIN(DOMAIN_KERNEL);
		printk("  idmap  : L1[0x%03x] = 0x%08x (0x%08x -> 0x%08x, .idmap.text at VA == PA)\n",
		       id_idx, pgd[id_idx], id_idx << SECTION_SHIFT, id_idx << SECTION_SHIFT);
	} else {
		printk("  idmap  : L1[0x%03x] already used, no identity section\n", id_idx);
	}

	/* devicemaps_init: the UART, Device + XN, domain io */
	pgd[UART_VIRT >> SECTION_SHIFT] = UART_PHYS | UART_MMUFLAGS | PMD_DOMAIN(DOMAIN_IO);
	printk("  uart   : L1[0x%03x] = 0x%08x (0x%08x -> 0x%08x, device, XN, domain io)\n",
	       UART_VIRT >> SECTION_SHIFT, pgd[UART_VIRT >> SECTION_SHIFT], UART_VIRT, UART_PHYS);

	/* vmalloc-style region: coarse L2 table, pages scattered over the backing buffer */
	pgd[VMALLOC_START >> SECTION_SHIFT] =
		virt_to_phys(vmalloc_pte) | PMD_TYPE_TABLE | PMD_DOMAIN(DOMAIN_KERNEL);
	printk("  vmalloc: L1[0x%03x] = 0x%08x (coarse L2 at 0x%08x, domain kernel)\n",
	       VMALLOC_START >> SECTION_SHIFT, pgd[VMALLOC_START >> SECTION_SHIFT],
	       (uint32_t)(uintptr_t)vmalloc_pte);
	for (unsigned i = 0; i < VMALLOC_PAGES; i++) {
		phys_addr_t pa = virt_to_phys(vmalloc_backing[vmalloc_order[i]]);
		vmalloc_pte[i] = pa | PTE_KERNEL_NG;
		printk("    L2[%u] 0x%08x -> 0x%08x = 0x%08x (backing page %u, nG)\n", i,
		       VMALLOC_START + i * PAGE_SIZE, pa, vmalloc_pte[i], vmalloc_order[i]);
	}
#ifdef FW_FAULT
	vmalloc_pte[VMALLOC_PAGES] = virt_to_phys(ro_page) | PTE_KERNEL_RO_NG;
	printk("    L2[%u] 0x%08x -> 0x%08x = 0x%08x (read-only page, APX=1 AP=01, nG)\n",
	       VMALLOC_PAGES, VMALLOC_START + VMALLOC_PAGES * PAGE_SIZE,
	       virt_to_phys(ro_page), vmalloc_pte[VMALLOC_PAGES]);
#endif

	/* the vectors page at 0xffff0000: its own coarse L2 table, domain vectors */
	pgd[VECTORS_BASE >> SECTION_SHIFT] =
		virt_to_phys(vectors_pte) | PMD_TYPE_TABLE | PMD_DOMAIN(DOMAIN_VECTORS);
	vectors_pte[(VECTORS_BASE >> PAGE_SHIFT) & 0xff] = virt_to_phys(vectors_page) | PTE_VECTORS;
	printk("  vectors: L1[0x%03x] = 0x%08x, L2[0x%02x] 0x%08x -> 0x%08x = 0x%08x (RO, global)\n",
	       VECTORS_BASE >> SECTION_SHIFT, pgd[VECTORS_BASE >> SECTION_SHIFT],
	       (VECTORS_BASE >> PAGE_SHIFT) & 0xff, VECTORS_BASE, virt_to_phys(vectors_page),
	       vectors_pte[(VECTORS_BASE >> PAGE_SHIFT) & 0xff]);

	/* make the tables visible to the table walker */
	clean_dcache_area(second_pg_dir, sizeof(second_pg_dir));
	clean_dcache_area(vmalloc_pte, sizeof(vmalloc_pte));
	clean_dcache_area(vectors_pte, sizeof(vectors_pte));
	return pgd_phys;
}

/*
 * cpu_v7_switch_mm-like: ASID 1 in CONTEXTIDR, then TTBR0, then drop every
 * TLB entry (the swapper's idmap/DTB entries are global) and the branch
 * predictor.  We run from lowmem, mapped identically in both tables.
 */
static __init void switch_mm(phys_addr_t pgd_phys, uint32_t asid)
{
	dsb();
	write_cp15(asid & 0xff, 0, c13, c0, 1);		/* CONTEXTIDR: PROCID 0, ASID */
	isb();
	write_cp15(pgd_phys | TTB_FLAGS_SMP, 0, c2, c0, 0);	/* TTBR0 */
	isb();
	write_cp15(0, 0, c8, c7, 0);			/* TLBIALL */
	write_cp15(0, 0, c7, c5, 6);			/* BPIALL */
	dsb();
	isb();
}

typedef uint32_t par_t;
#define PAR_F(par)	((par) & 1)
#define PAR_PA(par)	((par) & ~0xfffu)
static uint32_t ats1cpr(uintptr_t va)
{
	write_cp15(va, 0, c7, c8, 0);			/* ATS1CPR: PL1 read translation */
	isb();
	return read_cp15(0, c7, c4, 0);			/* PAR */
}
#define CURRENT_ASID()	(read_cp15(0, c13, c0, 1) & 0xff)
#endif /* CONFIG_ARM_LPAE */

static __init int vmalloc_proof(void)
{
	int ok = 0;

	for (unsigned i = 0; i < VMALLOC_PAGES; i++) {
		uintptr_t va = VMALLOC_START + i * PAGE_SIZE;
		volatile uint32_t *vp = (volatile uint32_t *)va;
		unsigned k = vmalloc_order[i];
		uint32_t expect = 0x600d0000u | k;
		uint32_t got = vp[0];
		par_t par = ats1cpr(va);
		phys_addr_t pa = PAR_PA(par) | (va & 0xfff);
		const volatile uint32_t *alias = phys_to_virt(pa);

		/* and the other direction: write through vmalloc, read the lowmem alias */
		vp[2] = 0xa5a50000u | i;
		dsb();
		uint32_t back = ((volatile uint32_t *)vmalloc_backing[k])[2];
		int good = got == expect && !PAR_F(par) && pa == virt_to_phys(vmalloc_backing[k]) &&
			   alias[0] == got && back == (0xa5a50000u | i);
		ok += good;
		printk("vmalloc: 0x%08x -> phys 0x%08x (ATS1CPR PAR.F=%u, lowmem alias 0x%08x): "
		       "read 0x%08x expect 0x%08x, write-back 0x%08x %s\n",
		       (uint32_t)va, pa, PAR_F(par), (uint32_t)(uintptr_t)alias, got, expect, back,
		       good ? "OK" : "MISMATCH");
	}
	printk("vmalloc proof: %s (%u/%u pages, mapping order %u,%u,%u,%u, ASID %u)\n",
	       ok == VMALLOC_PAGES ? "PASS" : "FAIL", ok, VMALLOC_PAGES, vmalloc_order[0],
	       vmalloc_order[1], vmalloc_order[2], vmalloc_order[3], CURRENT_ASID());
	return ok == VMALLOC_PAGES;
}

static __attribute__((noreturn)) void psci_system_off(int smc)
{
	register uint32_t r0 __asm__("r0") = PSCI_0_2_FN_SYSTEM_OFF;

	printk("PSCI: SYSTEM_OFF (function 0x%08x) via %s #0\n", PSCI_0_2_FN_SYSTEM_OFF,
	       smc ? "smc" : "hvc");
	if (smc)
		__asm__ volatile(".arch_extension sec\n\tsmc #0"
				 : "+r"(r0) :: "r1", "r2", "r3", "ip", "memory");
	else
		__asm__ volatile(".arch_extension virt\n\thvc #0"
				 : "+r"(r0) :: "r1", "r2", "r3", "ip", "memory");
	printk("PSCI: SYSTEM_OFF returned 0x%08x, halting in wfi\n", r0);
	for (;;)
		__asm__ volatile("wfi");
}

__init __attribute__((noreturn)) void start_kernel(void)
{
	struct meminfo mi;
	uintptr_t pc;

	__asm__ volatile("adr %0, ." : "=r"(pc));
	printk("[mmu] __mmap_switched: MMU on, start_kernel running at virtual 0x%08x\n",
	       (uint32_t)pc);
	printk("Booting mmuscope " FW_IMAGE_NAME " on physical CPU 0x%x\n",
	       read_cp15(0, c0, c0, 5) & 0xffffff);
	printk("CPU: ARMv7 Processor [%08x] revision %u (ARMv7), cr=%08x\n", processor_id,
	       processor_id & 0xf, read_cp15(0, c1, c0, 0));
	printk("Machine: id 0x%08x, DTB pointer 0x%08x\n", __machine_arch_type, __atags_pointer);
#ifdef CONFIG_ARM_LPAE
	printk("PHYS_OFFSET: 0x%08x (__pv_phys_pfn_offset=0x%05x, __pv_offset=0x%016llx)\n",
	       (uint32_t)PHYS_OFFSET, __pv_phys_pfn_offset, __pv_offset);
	printk("MMU: LPAE, long-descriptor tables (ID_MMFR0=0x%08x, VMSA=%u), TTBCR=0x%08x EAE=%u "
	       "T0SZ=%u T1SZ=%u\n", read_cp15(0, c0, c1, 4), read_cp15(0, c0, c1, 4) & 0xf,
	       read_cp15(0, c2, c0, 2), read_cp15(0, c2, c0, 2) >> 31, read_cp15(0, c2, c0, 2) & 7,
	       (read_cp15(0, c2, c0, 2) >> 16) & 7);
	printk("MMU: TTBR0=0x%016llx TTBR1=0x%016llx MAIR0=0x%08x MAIR1=0x%08x\n",
	       read_cp15_64(0, c2), read_cp15_64(1, c2), read_cp15(0, c10, c2, 0),
	       read_cp15(0, c10, c2, 1));
#else
	printk("PHYS_OFFSET: 0x%08x (__pv_phys_pfn_offset=0x%05x, __pv_offset=0x%08x)\n",
	       (uint32_t)PHYS_OFFSET, __pv_phys_pfn_offset, __pv_offset);
#endif
	show_pv_stubs();

	setup_memory(&mi);
	print_layout(&mi);

	/* fill the backing pages through their lowmem alias */
	for (unsigned k = 0; k < VMALLOC_PAGES; k++) {
		uint32_t *w = (uint32_t *)vmalloc_backing[k];
		w[0] = 0x600d0000u | k;
		w[1] = virt_to_phys(w);
	}
#ifdef FW_FAULT
	((uint32_t *)ro_page)[0xabc / 4] = 0x0ddba11u;
#endif
	early_trap_init(vectors_page);

	phys_addr_t pgd_phys = paging_init(&mi);
	switch_mm(pgd_phys, 1);
#ifdef CONFIG_ARM_LPAE
	printk("switch_mm: TTBR0=0x%016llx (ASID %u in TTBR0[55:48]) TTBR1=0x%016llx TTBCR=0x%08x "
	       "CONTEXTIDR=0x%08x\n", read_cp15_64(0, c2), CURRENT_ASID(), read_cp15_64(1, c2),
	       read_cp15(0, c2, c0, 2), read_cp15(0, c13, c0, 1));
#else
	printk("switch_mm: TTBR0=0x%08x CONTEXTIDR=0x%08x TTBCR=0x%08x DACR=0x%08x\n",
	       read_cp15(0, c2, c0, 0), read_cp15(0, c13, c0, 1), read_cp15(0, c2, c0, 2),
	       read_cp15(0, c3, c0, 0));
#endif
	vmalloc_proof();

#ifdef FW_FAULT
	run_fault_tests();
#endif
	psci_system_off(mi.psci_smc);
}
