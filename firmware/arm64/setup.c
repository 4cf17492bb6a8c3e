/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * setup.c - start_kernel() of the armv8-head image: what Linux does in
 * setup_arch() (early_fixmap_init, earlycon, setup_machine_fdt,
 * paging_init) and later (switch_mm, ret_to_user, the EL0 abort path,
 * cpu_install_idmap on the way to power-off), reduced to a demonstration
 * that prints every step:
 *   - paging_init: swapper_pg_dir with the kernel map again (same blocks,
 *     plus UXN) and the fixmap (PL011 page and FDT pages) under L0[511];
 *     TTBR1 replaced from the identity map; init_pg_dir stays exactly as
 *     head.S built it (its TTBR0 half is reinstalled at the end),
 *   - the boot report: where we run, the L0 index arithmetic, the DTB, the
 *     tables (all six of init_pg_dir, and every one built here), the layout,
 *   - a test region of 4 KiB pages (vmalloc-style, L0[256]),
 *   - two user address spaces sharing VAs through nG pages and ASIDs 1 and 2,
 *     TLBI VAE1 (break-before-make), an EL0 task in each that faults on a
 *     kernel-only page, TLBI ASIDE1 before an ASID is reused,
 *   - cpu_install_idmap, PSCI SYSTEM_OFF.
 */
#include "mm.h"

/* head.S's __primary_switched writes these (after clearing .bss) */
u64 __fdt_pointer, kimage_voffset, __boot_cpu_mode;

/* page-sized objects, all in .bss */
u64 reserved_pg_dir[PTRS_PER_PTE] __aligned(PAGE_SIZE);	/* all invalid: "no tables" */
static u64 swapper_pg_dir[PTRS_PER_PTE] __aligned(PAGE_SIZE);
static u64 bm_pud[PTRS_PER_PTE] __aligned(PAGE_SIZE);
static u64 bm_pmd[PTRS_PER_PTE] __aligned(PAGE_SIZE);
static u64 bm_pte[PTRS_PER_PTE] __aligned(PAGE_SIZE);
static u8 page_a[PAGE_SIZE] __aligned(PAGE_SIZE);	/* USER_DATA of mm_a ... */
static u8 page_a2[PAGE_SIZE] __aligned(PAGE_SIZE);	/* ... after the remap */
static u8 page_b[PAGE_SIZE] __aligned(PAGE_SIZE);	/* USER_DATA of mm_b */
static u8 konly_page[PAGE_SIZE] __aligned(PAGE_SIZE);	/* USER_KONLY: kernel-only */
#define VMALLOC_PAGES 4
static u8 vmalloc_backing[VMALLOC_PAGES][PAGE_SIZE] __aligned(PAGE_SIZE);
static const unsigned vmalloc_order[VMALLOC_PAGES] = { 2, 0, 3, 1 };

static int checks_passed, checks_total;

static void check(int ok, const char *what)
{
	checks_total++;
	checks_passed += ok != 0;
	printk("  check: %s: %s\n", what, ok ? "PASS" : "FAIL");
}

/* ------------------------------------------------------------------------
 * paging_init: swapper_pg_dir and the fixmap, then TTBR1 := swapper_pg_dir.
 * Nothing can be printed before it: the PL011 is reachable only through the
 * fixmap (head.S's tables map the image and nothing else).
 */
static void __set_fixmap(enum fixed_addresses idx, phys_addr_t phys, pteval_t prot)
{
	bm_pte[pte_index(__fix_to_virt(idx))] = (phys & PTE_ADDR_MASK) | prot;
	dsb(ishst);
	isb();
}

static void early_fixmap_init(void)
{
	u64 addr = FIXADDR_START;

	swapper_pg_dir[pgd_index(addr)] = __pa_symbol(bm_pud) | PMD_TYPE_TABLE;
	bm_pud[pud_index(addr)] = __pa_symbol(bm_pmd) | PMD_TYPE_TABLE;
	bm_pmd[pmd_index(addr)] = __pa_symbol(bm_pte) | PMD_TYPE_TABLE;
}

/*
 * cpu_replace_ttbr1: idmap_cpu_replace_ttbr1 runs at its physical address,
 * through the identity map TTBR0 still holds (head.S's, as Linux's
 * cpu_install_idmap would install), since TTBR1 changes under it.
 */
static void cpu_replace_ttbr1(phys_addr_t pgd_phys)
{
	void (*replace_phys)(u64) = (void (*)(u64))(uintptr_t)__pa_symbol(idmap_cpu_replace_ttbr1);

	replace_phys(pgd_phys);
}

static u64 boot_ttbr1, boot_ttbr0;

static void paging_init(void)
{
	boot_ttbr0 = read_sysreg(ttbr0_el1);
	boot_ttbr1 = read_sysreg(ttbr1_el1);
	/* map_kernel: the image again, same 2 MiB blocks, now never executable at EL0 */
	create_pgd_block_mapping(swapper_pg_dir, __pa_symbol(_text), KIMAGE_VADDR,
				 (u64)(_end - _text), KERNEL_BLOCK_FLAGS);
	early_fixmap_init();
	__set_fixmap(FIX_EARLYCON_MEM_BASE, UART_PHYS, PROT_DEVICE_nGnRE);
	cpu_replace_ttbr1(__pa_symbol(swapper_pg_dir));
	earlycon_base = (volatile u32 *)__fix_to_virt(FIX_EARLYCON_MEM_BASE);
}

/* ------------------------------------------------------------------------
 * The FDT through the fixmap (fixmap_remap_fdt + setup_machine_fdt).
 */
static void *fixmap_remap_fdt(phys_addr_t dt_phys, u32 size)
{
	u64 base = dt_phys & ~(PAGE_SIZE - 1);
	u64 npages = (dt_phys + size - base + PAGE_SIZE - 1) >> PAGE_SHIFT;

	for (u64 i = 0; i < npages; i++)
		__set_fixmap(FIX_FDT - i, base + i * PAGE_SIZE, PAGE_KERNEL_RO);
	return (void *)(uintptr_t)(__fix_to_virt(FIX_FDT) + (dt_phys & (PAGE_SIZE - 1)));
}

struct machine {
	u64 mem_base, mem_size;
	int have_mem;
};

static void setup_machine_fdt(phys_addr_t dt_phys, struct machine *mach)
{
	struct fdt_info fi;
	u32 size;

	psci_use_smc = 0;
	if (!dt_phys || (dt_phys & 7)) {
		printk("DTB: none (x0 = 0x%016lx), assuming PSCI method \"hvc\"\n", dt_phys);
		return;
	}
	/* first the header's page(s), then everything totalsize says */
	void *dt = fixmap_remap_fdt(dt_phys, 40);
	if (fdt_check_header(dt, &size)) {
		printk("DTB: no FDT magic at 0x%016lx, assuming PSCI method \"hvc\"\n", dt_phys);
		return;
	}
	if (size > MAX_FDT_SIZE) {
		printk("DTB: totalsize %u exceeds MAX_FDT_SIZE %lu, ignored; PSCI method \"hvc\"\n",
		       size, MAX_FDT_SIZE);
		return;
	}
	dt = fixmap_remap_fdt(dt_phys, size);
	u64 npages = (dt_phys + size - (dt_phys & ~(PAGE_SIZE - 1)) + PAGE_SIZE - 1) >> PAGE_SHIFT;
	if (fdt_scan(dt, size, &fi)) {
		printk("DTB: at 0x%016lx is malformed, assuming PSCI method \"hvc\"\n", dt_phys);
		return;
	}
	printk("DTB: at phys 0x%016lx, fixmap 0x%016lx (FIX_FDT, %lu pages), totalsize %u, version %u\n",
	       dt_phys, (u64)(uintptr_t)dt, npages, fi.totalsize, fi.version);
	printk("DTB: #address-cells=%u #size-cells=%u\n", fi.addr_cells, fi.size_cells);
	if (fi.have_memory) {
		mach->mem_base = fi.mem_base;
		mach->mem_size = fi.mem_size;
		mach->have_mem = 1;
		printk("DTB: /memory reg: base 0x%016lx size 0x%016lx (%lu MiB)\n", fi.mem_base,
		       fi.mem_size, fi.mem_size >> 20);
	} else {
		printk("DTB: no /memory node\n");
	}
	if (fi.have_psci) {
		psci_use_smc = !strcmp(fi.psci_method, "smc");
		printk("DTB: /psci method \"%s\"\n", fi.psci_method);
	} else {
		printk("DTB: no /psci method, assuming \"hvc\"\n");
	}
}

/* ------------------------------------------------------------------------
 * The report of what head.S built.
 */
static void print_l0_index(void)
{
	u64 k = KIMAGE_VADDR, f = FIXADDR_START;

	printk("L0 index (4K granule, 48-bit VA: L0 = VA[47:39], L1 = VA[38:30], L2 = VA[29:21], "
	       "L3 = VA[20:12]):\n");
	printk("  kernel 0x%016lx: (VA >> 39) = 0x%lx, & 0x1ff = %lu -> TTBR1 L0[%lu]; "
	       "L1[%lu] L2[%lu]\n", k, k >> 39, (k >> 39) & 0x1ff, pgd_index(k), pud_index(k),
	       pmd_index(k));
	printk("  seed 000 says TTBR1 L0 entry[511]: that needs VA[47:39] = 0x1ff, i.e. VA >= "
	       "0xffffff8000000000; the kernel's VA[47:39] is 0x%03lx, so head.S writes L0[%lu]\n",
	       (k >> 39) & 0x1ff, pgd_index(k));
	printk("  fixmap 0x%016lx: (VA >> 39) = 0x%lx, & 0x1ff = %lu -> L0[%lu] (this one is 511)\n",
	       f, f >> 39, (f >> 39) & 0x1ff, pgd_index(f));
}

static u64 kb(u64 lo, u64 hi)
{
	return (hi - lo + 1023) >> 10;
}

static void print_layout(void)
{
	u64 text = (u64)(uintptr_t)_text, end = (u64)(uintptr_t)_end;

	printk("Virtual kernel memory layout:\n");
	printk("    fixmap  : 0x%016lx - 0x%016lx   (%6lu KB)   L0[%lu] L1[%lu] L2[%lu]\n",
	       FIXADDR_START, FIXADDR_TOP, kb(FIXADDR_START, FIXADDR_TOP), pgd_index(FIXADDR_START),
	       pud_index(FIXADDR_START), pmd_index(FIXADDR_START));
	printk("    vmalloc : 0x%016lx - 0x%016lx   (%6lu KB)   L0[%lu] L1[%lu] L2[%lu]\n",
	       VMALLOC_START, VMALLOC_START + VMALLOC_PAGES * PAGE_SIZE,
	       kb(0, VMALLOC_PAGES * PAGE_SIZE), pgd_index(VMALLOC_START), pud_index(VMALLOC_START),
	       pmd_index(VMALLOC_START));
	printk("    kernel  : 0x%016lx - 0x%016lx   (%6lu MB)   L0[%lu] L1[%lu] L2[%lu..%lu]\n",
	       text, end, (end - text) >> 20, pgd_index(text), pud_index(text), pmd_index(text),
	       pmd_index(end - 1));
	printk("      .text : 0x%016lx - 0x%016lx   (%6lu KB)\n", text, (u64)(uintptr_t)_etext,
	       kb(text, (u64)(uintptr_t)_etext));
	printk("    .rodata : 0x%016lx - 0x%016lx   (%6lu KB)\n", (u64)(uintptr_t)__start_rodata,
	       (u64)(uintptr_t)__end_rodata, kb((u64)(uintptr_t)__start_rodata, (u64)(uintptr_t)__end_rodata));
	printk("      .data : 0x%016lx - 0x%016lx   (%6lu KB)\n", (u64)(uintptr_t)_sdata,
	       (u64)(uintptr_t)_edata, kb((u64)(uintptr_t)_sdata, (u64)(uintptr_t)_edata));
	printk("       .bss : 0x%016lx - 0x%016lx   (%6lu KB)\n", (u64)(uintptr_t)__bss_start,
	       (u64)(uintptr_t)__bss_stop, kb((u64)(uintptr_t)__bss_start, (u64)(uintptr_t)__bss_stop));
	printk("  init_pg_dir: 0x%016lx - 0x%016lx (%6lu KB)\n", (u64)(uintptr_t)init_pg_dir,
	       (u64)(uintptr_t)init_pg_end, kb((u64)(uintptr_t)init_pg_dir, (u64)(uintptr_t)init_pg_end));
	printk("    user    : 0x0000000000000000 - 0x0001000000000000   (%6lu TB)   TTBR0, T0SZ = 16\n",
	       (UL(1) << 48) >> 40);
	printk("Physical: kernel 0x%016lx - 0x%016lx, init_pg_dir 0x%016lx, kimage_voffset 0x%016lx\n",
	       __pa_symbol(_text), __pa_symbol(_end), __pa_symbol(init_pg_dir), kimage_voffset);
}

/* ------------------------------------------------------------------------
 * A test region of 4 KiB pages: four pages at VMALLOC_START backed by
 * scattered pages of the image, read through both mappings.
 */
static void vmalloc_test(void)
{
	int ok = 0;

	for (unsigned k = 0; k < VMALLOC_PAGES; k++)
		((volatile u64 *)vmalloc_backing[k])[0] = UL(0x600d000000000000) | __pa_symbol(vmalloc_backing[k]);
	for (unsigned i = 0; i < VMALLOC_PAGES; i++)
		create_pgd_mapping(swapper_pg_dir, __pa_symbol(vmalloc_backing[vmalloc_order[i]]),
				   VMALLOC_START + i * PAGE_SIZE, PAGE_SIZE, PAGE_KERNEL);
	isb();
	for (unsigned i = 0; i < VMALLOC_PAGES; i++) {
		u64 va = VMALLOC_START + i * PAGE_SIZE;
		phys_addr_t want = __pa_symbol(vmalloc_backing[vmalloc_order[i]]);
		u64 got = *(volatile u64 *)va, par = at_s1e1r(va);
		int good = got == (UL(0x600d000000000000) | want) && !PAR_F(par) && PAR_PA(par) == want;
		ok += good;
		printk("vmalloc: 0x%016lx -> PA 0x%016lx (AT S1E1R PAR_EL1 0x%016lx) read 0x%016lx %s\n",
		       va, PAR_PA(par), par, got, good ? "OK" : "MISMATCH");
	}
	check(ok == VMALLOC_PAGES, "vmalloc region: 4/4 pages, mapping order 2,0,3,1");
}

/* ------------------------------------------------------------------------
 * Two user address spaces.
 */
struct mm_struct {
	const char *name;
	u64 *pgd;
	phys_addr_t pgd_pa;
	u16 asid;
};

static u64 marker(const u8 *page, u64 tag)
{
	return tag << 48 | __pa_symbol(page);
}

static void build_user_mm(struct mm_struct *mm, const char *name, u16 asid, const u8 *data)
{
	mm->name = name;
	mm->asid = asid;
	mm->pgd = early_pgtable_alloc(&mm->pgd_pa);
	create_pgd_mapping(mm->pgd, __pa_symbol(__user_text_start), USER_TEXT, PAGE_SIZE,
			   PAGE_READONLY_EXEC);
	create_pgd_mapping(mm->pgd, __pa_symbol(data), USER_DATA, PAGE_SIZE, PAGE_SHARED);
	create_pgd_mapping(mm->pgd, __pa_symbol(konly_page), USER_KONLY, PAGE_SIZE, PAGE_KERNEL_NG);
	isb();
	printk("mm: %s (ASID %u): pgd at 0x%016lx; 0x%016lx -> 0x%016lx (EL0 text), 0x%016lx -> "
	       "0x%016lx (data), 0x%016lx -> 0x%016lx (kernel-only)\n", name, asid, mm->pgd_pa,
	       USER_TEXT, __pa_symbol(__user_text_start), USER_DATA, __pa_symbol(data), USER_KONLY,
	       __pa_symbol(konly_page));
}

/*
 * cpu_do_switch_mm: one TTBR0_EL1 write holds the new table and, with
 * TCR_EL1.A1 = 0, the new ASID in [63:48] (16 bits with TCR_EL1.AS = 1).
 * Linux keeps A1 = 1 (ASID in TTBR1) and therefore needs two writes with a
 * reserved TTBR0 in between; with one write there is no window in which the
 * new ASID meets the old table.  No TLB maintenance: the user pages are nG,
 * so their TLB entries are tagged with their ASID.
 */
static void cpu_do_switch_mm(phys_addr_t pgd_phys, u16 asid)
{
	write_sysreg(pgd_phys | (u64)asid << 48, ttbr0_el1);
	isb();
}

static void switch_mm(const struct mm_struct *mm)
{
	cpu_do_switch_mm(mm->pgd_pa, mm->asid);
	printk("switch_mm: %s: TTBR0_EL1 = 0x%016lx (BADDR 0x%016lx, ASID %lu)\n", mm->name,
	       read_sysreg(ttbr0_el1), read_sysreg(ttbr0_el1) & PTE_ADDR_MASK,
	       read_sysreg(ttbr0_el1) >> 48);
}

/* the EL1 view of USER_DATA in the current address space, and the EL0 view (AT S1E0R) */
static void check_user_data(const char *page_name, const u8 *page, u64 tag)
{
	u64 got = *(volatile u64 *)USER_DATA, par = at_s1e0r(USER_DATA);
	u64 want = marker(page, tag);
	int ok = got == want && !PAR_F(par) && PAR_PA(par) == __pa_symbol(page);

	printk("  read 0x%016lx = 0x%016lx (AT S1E0R: PAR_EL1 0x%016lx, PA 0x%016lx) = %s %s\n",
	       USER_DATA, got, par, PAR_PA(par), page_name, ok ? "OK" : "MISMATCH");
	check(ok, page_name);
}

/*
 * The EL0 task: ERET to el0_program at USER_TEXT with x0 = USER_DATA and
 * x1 = USER_KONLY.  It loads from its data page, then stores to the
 * kernel-only page: a permission fault at level 3 from EL0.  Expected
 * (ESR_ELx, D17.2.37): EC 0x24 (data abort from a lower EL) << 26 =
 * 0x90000000, IL (bit 25) = 0x02000000, ISV = 0 (ESR_EL1), WnR (bit 6) =
 * 0x40, DFSC 0b001111 (permission fault, level 3) = 0x0f: 0x9200004f.
 */
#define ESR_EL0_PERM_L3_WRITE	((UL(0x24) << 26) | BIT(25) | BIT(6) | UL(0x0f))

static void run_el0(const struct mm_struct *mm, const u8 *page, u64 tag)
{
	struct pt_regs regs;
	u64 entry = USER_TEXT + (u64)(el0_program - __user_text_start);
	u64 fault_pc = USER_TEXT + (u64)(el0_fault_insn - __user_text_start);

	memset(&regs, 0, sizeof(regs));
	regs.regs[0] = USER_DATA;
	regs.regs[1] = USER_KONLY;
	regs.pc = entry;
	regs.sp = 0;			/* the program uses no stack */
	regs.pstate = PSR_MODE_EL0t;	/* EL0t, DAIF clear */
	printk("ret_to_user: %s: ERET to EL0, ELR_EL1 = 0x%016lx, SPSR_EL1 = 0x%08lx (EL0t), "
	       "x0 = 0x%016lx, x1 = 0x%016lx\n", mm->name, regs.pc, regs.pstate, regs.regs[0],
	       regs.regs[1]);
	int before = last_el0_fault.count;
	u64 esr = run_user_task(&regs);
	printk("back at EL1 (CurrentEL %lu) after the EL0 task's abort\n", read_sysreg(CurrentEL) >> 2);
	check(last_el0_fault.count == before + 1 && esr == ESR_EL0_PERM_L3_WRITE &&
	      last_el0_fault.far == USER_KONLY && last_el0_fault.elr == fault_pc &&
	      (last_el0_fault.spsr & 0xf) == PSR_MODE_EL0t,
	      "EL0 store to the kernel-only page: ESR_EL1 0x9200004f, FAR_EL1 = USER_KONLY, "
	      "ELR_EL1 = the store");
	check(last_el0_fault.x2 == marker(page, tag), "the EL0 task read its own address space's data page");
}

static void cpu_install_idmap(void)
{
	/* cpu_set_reserved_ttbr0: no user mapping may be walked while TTBR0 changes */
	write_sysreg(__pa_symbol(reserved_pg_dir), ttbr0_el1);
	isb();
	local_flush_tlb_all();
	/* cpu_switch_mm(idmap_pg_dir, &init_mm): ASID 0 */
	cpu_do_switch_mm(__pa_symbol(init_idmap_pg_dir), 0);
}

/* ------------------------------------------------------------------------ */
__init void start_kernel(void)
{
	u64 pc, mpidr, midr, mmfr0, tcr;
	struct machine mach = { 0 };
	struct mm_struct mm_a, mm_b, mm_c;

	paging_init();
	__asm__ volatile("adr %0, ." : "=r"(pc));
	printk("[mmu] __primary_switched: MMU on, start_kernel running at virtual 0x%016lx\n", pc);
	mpidr = read_sysreg(mpidr_el1);
	midr = read_sysreg(midr_el1);
	mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	tcr = read_sysreg(tcr_el1);
	printk("Booting mmuscope armv8-head on physical CPU 0x%010lx [0x%08lx]\n",
	       mpidr & UL(0xff00ffffff), midr);
	printk("CPU: boot mode %s, CurrentEL %lu, SCTLR_EL1 0x%016lx\n",
	       __boot_cpu_mode == BOOT_CPU_MODE_EL2 ? "EL2" : "EL1", read_sysreg(CurrentEL) >> 2,
	       read_sysreg(sctlr_el1));
	printk("CPU: ID_AA64MMFR0_EL1 0x%016lx: PARange %lu, ASIDBits %lu, TGran4 %lu\n", mmfr0,
	       mmfr0 & 0xf, (mmfr0 >> 4) & 0xf, (mmfr0 >> 28) & 0xf);
	printk("MMU: TCR_EL1 0x%016lx: T0SZ %lu T1SZ %lu TG0 %lu TG1 %lu IPS %lu AS %lu A1 %lu TBI0 %lu\n",
	       tcr, tcr & 0x3f, (tcr >> 16) & 0x3f, (tcr >> 14) & 3, (tcr >> 30) & 3,
	       (tcr >> 32) & 7, (tcr >> 36) & 1, (tcr >> 22) & 1, (tcr >> 37) & 1);
	printk("MMU: MAIR_EL1 0x%016lx: Attr0 0x%02lx Normal, Attr1 0x%02lx Normal-Tagged (no MTE), "
	       "Attr2 0x%02lx Normal-NC, Attr3 0x%02lx Device-nGnRnE, Attr4 0x%02lx Device-nGnRE\n",
	       read_sysreg(mair_el1), read_sysreg(mair_el1) & 0xff, (read_sysreg(mair_el1) >> 8) & 0xff,
	       (read_sysreg(mair_el1) >> 16) & 0xff, (read_sysreg(mair_el1) >> 24) & 0xff,
	       (read_sysreg(mair_el1) >> 32) & 0xff);
	printk("Boot: x0..x3 = 0x%016lx 0x%016lx 0x%016lx 0x%016lx, kimage_voffset 0x%016lx\n",
	       boot_args[0], boot_args[1], boot_args[2], boot_args[3], kimage_voffset);
	print_l0_index();

	setup_machine_fdt(__fdt_pointer, &mach);
	if (mach.have_mem) {
		int inside = __pa_symbol(_text) >= mach.mem_base &&
			     __pa_symbol(_end) <= mach.mem_base + mach.mem_size;
		printk("Memory: 0x%016lx - 0x%016lx %s the image 0x%016lx - 0x%016lx\n", mach.mem_base,
		       mach.mem_base + mach.mem_size, inside ? "holds" : "does NOT hold",
		       __pa_symbol(_text), __pa_symbol(_end));
	}

	printk("init_pg_dir (head.S): 0x%016lx - 0x%016lx; TTBR0_EL1 was 0x%016lx, TTBR1_EL1 was 0x%016lx\n",
	       __pa_symbol(init_pg_dir), __pa_symbol(init_pg_end), boot_ttbr0, boot_ttbr1);
	dump_pgtable("init_pg_dir TTBR0 (identity map)", (const u64 *)init_idmap_pg_dir, 0);
	dump_pgtable("init_pg_dir TTBR1 (kernel map)", (const u64 *)init_kernel_pg_dir, PAGE_OFFSET);
	printk("paging_init: swapper_pg_dir at 0x%016lx: map_kernel L0[%lu] -> L1[%lu] -> L2[%lu..%lu] "
	       "(blocks | UXN), fixmap L0[%lu] (bm_pud 0x%016lx, bm_pmd 0x%016lx, bm_pte 0x%016lx)\n",
	       __pa_symbol(swapper_pg_dir), pgd_index(KIMAGE_VADDR), pud_index(KIMAGE_VADDR),
	       pmd_index(KIMAGE_VADDR), pmd_index((u64)(uintptr_t)_end - 1), pgd_index(FIXADDR_START),
	       __pa_symbol(bm_pud), __pa_symbol(bm_pmd), __pa_symbol(bm_pte));
	printk("cpu_replace_ttbr1: from the identity map at 0x%016lx: TTBR1_EL1 0x%016lx -> "
	       "reserved_pg_dir 0x%016lx, TLBI VMALLE1, -> 0x%016lx\n",
	       __pa_symbol(idmap_cpu_replace_ttbr1), boot_ttbr1, __pa_symbol(reserved_pg_dir),
	       read_sysreg(ttbr1_el1));
	printk("earlycon: pl011 at MMIO 0x%016lx, fixmap 0x%016lx (FIX_EARLYCON_MEM_BASE, Device-nGnRE)\n",
	       UART_PHYS, __fix_to_virt(FIX_EARLYCON_MEM_BASE));

	vmalloc_test();
	dump_pgtable("swapper_pg_dir (TTBR1)", swapper_pg_dir, PAGE_OFFSET);
	print_layout();

	/* ---- two address spaces sharing USER_DATA through nG pages and ASIDs ---- */
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++) {
		((u64 *)page_a)[i] = marker(page_a, 0xaaaa);
		((u64 *)page_a2)[i] = marker(page_a2, 0xa2a2);
		((u64 *)page_b)[i] = marker(page_b, 0xbbbb);
		((u64 *)konly_page)[i] = 0;
	}
	build_user_mm(&mm_a, "mm_a", 1, page_a);
	build_user_mm(&mm_b, "mm_b", 2, page_b);
	dump_pgtable("mm_a (TTBR0, ASID 1)", mm_a.pgd, 0);
	dump_pgtable("mm_b (TTBR0, ASID 2)", mm_b.pgd, 0);

	switch_mm(&mm_a);
	check_user_data("page_a", page_a, 0xaaaa);
	switch_mm(&mm_b);
	check_user_data("page_b", page_b, 0xbbbb);
	printk("switch_mm back to mm_a without TLB maintenance: the nG entries of ASID 1 and 2 "
	       "for 0x%016lx coexist\n", USER_DATA);
	switch_mm(&mm_a);
	check_user_data("page_a", page_a, 0xaaaa);

	/* break-before-make of one page in mm_a: invalid, TLBI VAE1, then the new page */
	u64 *pte = lookup_pte(mm_a.pgd, USER_DATA);
	*pte = 0;
	flush_tlb_page_asid(mm_a.asid, USER_DATA);
	*pte = __pa_symbol(page_a2) | PAGE_SHARED;
	dsb(ishst);
	isb();
	printk("flush_tlb_page: mm_a 0x%016lx page_a -> page_a2: pte = 0, DSB ISHST, TLBI VAE1 "
	       "0x%016lx, DSB ISH, ISB, pte = 0x%016lx\n", USER_DATA,
	       __TLBI_VADDR(USER_DATA, mm_a.asid), *pte);
	check_user_data("page_a2", page_a2, 0xa2a2);

	run_el0(&mm_a, page_a2, 0xa2a2);
	switch_mm(&mm_b);
	run_el0(&mm_b, page_b, 0xbbbb);

	/* mm_b exits; ASID 2 is reused for mm_c: its old entries must go first */
	switch_mm(&mm_a);
	flush_tlb_mm_asid(mm_b.asid);
	printk("flush_tlb_mm: mm_b exits, ASID %u to be reused: DSB ISHST, TLBI ASIDE1 0x%016lx, "
	       "DSB ISH, ISB\n", mm_b.asid, (u64)mm_b.asid << 48);
	build_user_mm(&mm_c, "mm_c", 2, page_a);
	switch_mm(&mm_c);
	check_user_data("page_a", page_a, 0xaaaa);

	/* reboot/suspend path: the identity map back in TTBR0 */
	cpu_install_idmap();
	u64 par = at_s1e1r(KERNEL_PHYS + 0x100);
	printk("cpu_install_idmap: TTBR0_EL1 = reserved_pg_dir 0x%016lx, TLBI VMALLE1, TTBR0_EL1 = "
	       "0x%016lx (init_pg_dir identity map, ASID 0)\n", __pa_symbol(reserved_pg_dir),
	       read_sysreg(ttbr0_el1));
	printk("cpu_install_idmap: AT S1E1R 0x%016lx: PAR_EL1 0x%016lx, PA 0x%016lx\n",
	       KERNEL_PHYS + 0x100, par, PAR_PA(par) | ((KERNEL_PHYS + 0x100) & (PAGE_SIZE - 1)));
	check(!PAR_F(par) && PAR_PA(par) == KERNEL_PHYS, "VA 0x80800100 translates to itself again");

	printk("page tables: %u of %u pool pages used\n", pgtable_pool_used, pgtable_pool_size);
	printk("armv8-head: %d/%d checks passed\n", checks_passed, checks_total);
	psci_system_off();
}
