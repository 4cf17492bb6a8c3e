/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * memory.h - C side of the P2V scheme (arch/arm/include/asm/memory.h,
 * CONFIG_ARM_PATCH_PHYS_VIRT; with CONFIG_ARM_LPAE the same 32-bit stubs,
 * as physical addresses here never exceed 32 bits).
 *
 * Every __virt_to_phys()/__phys_to_virt() expands to ONE instruction,
 *     add rd, rn, #0x81000000     (virt -> phys)
 *     sub rd, rn, #0x81000000     (phys -> virt)
 * whose address is recorded in section .pv_table.  __fixup_pv_table in
 * head.S rewrites the imm8 (0x81) of each with the top byte of
 * PHYS_OFFSET - PAGE_OFFSET, keeping the rotation (<<24), before the MMU
 * is turned on.  Nothing ever loads __pv_offset on these paths.
 */
#ifndef MMUSCOPE_MEMORY_H
#define MMUSCOPE_MEMORY_H

#include <stdint.h>
#include "fw.h"

typedef uint32_t phys_addr_t;

/* __pv_stub: emit the instruction and register it in .pv_table. */
#define __pv_stub(from, to, instr)					\
	__asm__("@ __pv_stub\n"						\
		"1:	" instr "	%0, %1, %2\n"			\
		"	.pushsection .pv_table, \"a\"\n"		\
		"	.balign 4\n"					\
		"	.long	1b\n"					\
		"	.popsection\n"					\
		: "=r" (to)						\
		: "r" (from), "I" (PV_STUB_PLACEHOLDER))

static inline __attribute__((always_inline)) phys_addr_t __virt_to_phys(uintptr_t x)
{
	phys_addr_t t;
	__pv_stub(x, t, "add");
	return t;
}

static inline __attribute__((always_inline)) uintptr_t __phys_to_virt(phys_addr_t x)
{
	uintptr_t t;
	__pv_stub(x, t, "sub");
	return t;
}

#define virt_to_phys(p)	__virt_to_phys((uintptr_t)(p))
#define phys_to_virt(a)	((void *)__phys_to_virt(a))

/* Set by head.S (.data) and __mmap_switched (.bss). */
#ifdef CONFIG_ARM_LPAE
/*
 * LPAE: Linux's __pv_offset is a 64-bit phys_addr_t (head.S stores its high
 * word).  phys_addr_t itself stays 32 bits here: every RAM and device address
 * of the boards we run on is below 4 GiB, and the 64-bit quantities (table
 * descriptors, TTBR0/TTBR1, PAR) are handled as uint64_t where they occur.
 */
extern uint32_t __pv_phys_pfn_offset, __pv_patched_sites;
extern uint64_t __pv_offset;
#else
extern uint32_t __pv_phys_pfn_offset, __pv_offset, __pv_patched_sites;
#endif
extern uint32_t processor_id, __machine_arch_type, __atags_pointer;
#define PHYS_OFFSET	((phys_addr_t)__pv_phys_pfn_offset << PAGE_SHIFT)

/* Linker script symbols. */
extern char _text[], _etext[], __init_begin[], __init_end[], _sdata[], _edata[];
extern char __bss_start[], __bss_stop[], _end[], swapper_pg_dir[];
extern char __pv_table_begin[], __pv_table_end[];
extern char __idmap_text_start[], __idmap_text_end[];

#define __init		__attribute__((section(".init.text")))
#define __aligned(n)	__attribute__((aligned(n)))

#endif
