/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mm.h - page tables, fixmap and TLB maintenance of the armv8-head image
 * (Linux: asm/pgtable*.h, asm/fixmap.h, asm/tlbflush.h, asm/mmu_context.h).
 */
#ifndef MMUSCOPE_ARM64_MM_H
#define MMUSCOPE_ARM64_MM_H

#include "kernel.h"

#define pgd_index(va)	(((va) >> PGDIR_SHIFT) & (PTRS_PER_PTE - 1))
#define pud_index(va)	(((va) >> PUD_SHIFT) & (PTRS_PER_PTE - 1))
#define pmd_index(va)	(((va) >> PMD_SHIFT) & (PTRS_PER_PTE - 1))
#define pte_index(va)	(((va) >> PAGE_SHIFT) & (PTRS_PER_PTE - 1))

/*
 * Page protections (asm/pgtable-prot.h), with the descriptor bits of hwdef.h.
 * PROT_DEFAULT = PTE_TYPE_PAGE | PTE_AF | PTE_SHARED = 0x3 | 0x400 | 0x300 = 0x703.
 * Linux also sets PTE_WRITE (= DBM, bit 51), meaningful only with FEAT_HAFDBS,
 * which a Cortex-A53 lacks; it is left out here (bit 51 is RES0 in ARMv8.0).
 */
#define PROT_DEFAULT		(PTE_TYPE_PAGE | PTE_AF | PTE_SHARED)
/* kernel RW data:     0x703 | PXN | UXN                      = 0x0060000000000703 */
#define PAGE_KERNEL		(PROT_DEFAULT | PTE_PXN | PTE_UXN | PTE_ATTRINDX(MT_NORMAL))
/* kernel read-only:   + AP[2] (0x80)                         = 0x0060000000000783 */
#define PAGE_KERNEL_RO		(PAGE_KERNEL | PTE_RDONLY)
/* device (earlycon):  AttrIndx 4 (0x10)                      = 0x0060000000000713 */
#define PROT_DEVICE_nGnRE	(PROT_DEFAULT | PTE_PXN | PTE_UXN | PTE_ATTRINDX(MT_DEVICE_nGnRE))
/* user r-x:  + AP[1] (0x40) + AP[2] (0x80) + nG (0x800), PXN = 0x0020000000000fc3 */
#define PAGE_READONLY_EXEC	(PROT_DEFAULT | PTE_USER | PTE_RDONLY | PTE_NG | PTE_PXN | \
				 PTE_ATTRINDX(MT_NORMAL))
/* user rw-:  + AP[1] (0x40) + nG (0x800), PXN | UXN           = 0x0060000000000f43 */
#define PAGE_SHARED		(PROT_DEFAULT | PTE_USER | PTE_NG | PTE_PXN | PTE_UXN | \
				 PTE_ATTRINDX(MT_NORMAL))
/* kernel-only page in a user address space: AP = 00, nG      = 0x0060000000000f03 */
#define PAGE_KERNEL_NG		(PAGE_KERNEL | PTE_NG)
/*
 * map_kernel's 2 MiB blocks in swapper_pg_dir: head.S's SWAPPER_MM_MMUFLAGS plus UXN,
 * as Linux's PAGE_KERNEL_EXEC never lets EL0 execute kernel memory (with AP[1] = 0
 * and UXN = 0 a location is execute-only at EL0, D8.4.1): 0x0040000000000701.
 */
#define KERNEL_BLOCK_FLAGS	(SWAPPER_MM_MMUFLAGS | PTE_UXN)

/*
 * The fixmap (asm/fixmap.h): fixed virtual pages counted down from
 * FIXADDR_TOP, __fix_to_virt(x) = FIXADDR_TOP - x * 4 KiB.  It sits at the
 * top of the TTBR1 half so that it needs its own L0 entry, 511:
 *   FIXADDR_START = 0xffffffffffe00000 - 260 * 0x1000 = 0xffffffffffcfc000
 *   L0 (VA[47:39]) 511, L1 (VA[38:30]) 511, L2 (VA[29:21]) 510: one L3 table.
 * MAX_FDT_SIZE is 1 MiB (Linux: 2 MiB) so that the fixmap fits that table;
 * QEMU's virt DTB is exactly 1 MiB.
 */
#define FIXADDR_TOP		UL(0xffffffffffe00000)
#define MAX_FDT_SIZE		(UL(1) << 20)
enum fixed_addresses {
	FIX_HOLE,
	FIX_FDT_END,
	FIX_FDT = FIX_FDT_END + MAX_FDT_SIZE / PAGE_SIZE + 1,
	FIX_EARLYCON_MEM_BASE,
	__end_of_permanent_fixed_addresses
};
#define __fix_to_virt(x)	(FIXADDR_TOP - ((u64)(x) << PAGE_SHIFT))
#define FIXADDR_SIZE		((u64)__end_of_permanent_fixed_addresses << PAGE_SHIFT)
#define FIXADDR_START		(FIXADDR_TOP - FIXADDR_SIZE)

/* the test region of 4 KiB pages: Linux 6.x's VMALLOC_START for 48-bit VAs
 * (MODULES_END = 0xffff800000000000 + 128 MiB), L0 index 256 */
#define VMALLOC_START		UL(0xffff800008000000)

u64 *early_pgtable_alloc(phys_addr_t *pa);
void create_pgd_mapping(u64 *pgd, phys_addr_t phys, u64 virt, u64 size, pteval_t prot);
void create_pgd_block_mapping(u64 *pgd, phys_addr_t phys, u64 virt, u64 size, pteval_t prot);
u64 *lookup_pte(u64 *pgd, u64 va);
void dump_pgtable(const char *name, const u64 *pgd, u64 va_base);
const char *prot_str(pteval_t d, int level);
extern unsigned pgtable_pool_used, pgtable_pool_size;

/* TLB maintenance (asm/tlbflush.h): DSB ISHST before, DSB ISH + ISB after */
static inline void local_flush_tlb_all(void)
{
	dsb(ishst);
	__tlbi_all(vmalle1);
	dsb(ish);
	isb();
}

/* TLBI ASIDE1 operand: ASID in [63:48] */
static inline void flush_tlb_mm_asid(u16 asid)
{
	dsb(ishst);
	__tlbi(aside1, (u64)asid << 48);
	dsb(ish);
	isb();
}

/* TLBI VAE1 operand (__TLBI_VADDR): VA[55:12] in [43:0], ASID in [63:48] */
#define __TLBI_VADDR(va, asid)	((((va) >> 12) & ((UL(1) << 44) - 1)) | ((u64)(asid) << 48))
static inline void flush_tlb_page_asid(u16 asid, u64 va)
{
	dsb(ishst);
	__tlbi(vae1, __TLBI_VADDR(va, asid));
	dsb(ish);
	isb();
}

#endif
