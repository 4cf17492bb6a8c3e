/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * p2v64.h - the AArch64 P2V benchmark image p2v-a64 (head-v8.S, work-v8.S,
 * p2v64.c, with ../arm64/printk.c and ../arm64/fdt64.c).  Names and values of
 * the translation registers come from ../arm64/hwdef.h (Linux's).
 *
 * Virtual layout (VA_BITS 48, 4 KiB granule; the linear map as Linux's:
 * __phys_to_virt(p) = p - PHYS_OFFSET + PAGE_OFFSET, PAGE_OFFSET 0xffff000000000000):
 *   TTBR1 0xffff000000000000 + n * 2 MiB, n < LINEAR_BLOCKS: 2 MiB blocks -> PHYS_OFFSET + n * 2 MiB,
 *         except n = 1 (the list region, 0xffff000000200000), a level-3 table of 4 KiB pages
 *   TTBR1 0xffff000049000000: the PL011 (physical 0x09000000), Device-nGnRnE, 2 MiB block
 *   TTBR1 0xffff000000800000: the image (TEXT_OFFSET 0x800000, virt-a53's load_offset)
 *   TTBR0: the identity 1 GiB block of the image, to turn the MMU on
 * The offset every conversion applies, pv_offset = PHYS_OFFSET - PAGE_OFFSET (mod 2^64),
 * e.g. 0x0001000080000000 for PHYS_OFFSET 0x80000000.
 */
#ifndef P2V64_H
#define P2V64_H

#include "hwdef.h"

#define P2V_TEXT_OFFSET		UL(0x800000)
#define LIST_VA			(PAGE_OFFSET + UL(0x200000))
#define LIST_PAGES		32
#define LIST_SLOT		16		/* node: { u64 next_phys; u64 data; } */
#define LIST_NODES		(LIST_PAGES * 16)	/* 512 */
#define LINEAR_BLOCKS		128		/* 256 MiB of lowmem */
#define UART_VIRT64		(PAGE_OFFSET + UL(0x49000000))

/* The constant variant: PHYS_OFFSET fixed at build time */
#define PLAT_PHYS_OFFSET	UL(0x80000000)

#define LOOP_N			1000
#define LOOP_STRIDE		0x40
#define LIST_N			LIST_NODES

#define P2V_VARIANTS		4
#define P2V_WORKLOADS		2
#define P2V_PHASES		(P2V_WORKLOADS * P2V_VARIANTS * 3)

#ifndef __ASSEMBLER__
struct p2v_result {
	u32 checksum;		/* low 32 bits of the sum */
	u32 cycles;		/* PMCCNTR_EL0 difference around the call (low 32 bits) */
};
extern struct p2v_result p2v_results[P2V_PHASES + 1];
extern u64 __pv_phys_pfn_offset, __pv_offset, __pv_patched_sites, __pv_fixup_cycles;
extern u64 __pv_table_begin[], __pv_table_end[];
extern u64 __pv_offset_placed;
void p2v_run_phases(u64 loop_phys, u64 list_phys, int constant);
#endif

#endif
