/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * p2v.h - what the parts of the P2V benchmark firmware (head-v7.S,
 * work-v7.S, p2v.c) share.  The benchmark is described in docs/p2v.md and at
 * the top of work-v7.S.
 *
 * Virtual layout (Linux's VMSPLIT_3G: PAGE_OFFSET 0xC0000000 maps PHYS_OFFSET):
 *   0xC0003000  list_pte: the level-2 table of the list MiB (256 x 4 bytes)
 *   0xC0004000  swapper_pg_dir (16 KiB, as Linux: KERNEL_RAM_VADDR - 0x4000)
 *   0xC0008000  the image (stext), < 1 MiB with its .bss
 *   0xC0100000  the list region: LIST_PAGES pages of list nodes, then the
 *               page of __pv_offset_placed; this MiB is mapped with 4 KiB
 *               small pages, so each page is its own TLB entry
 *   0xC0000000 + n MiB (n != 1, n < LINEAR_MB): 1 MiB sections -> PHYS_OFFSET + n MiB
 *   0xF9000000  the PL011 and mmuscope's cycle-counter page (physical 0x09000000)
 */
#ifndef P2V_H
#define P2V_H

#include "fw.h"			/* PAGE_OFFSET, UART_*, PSCI, SCTLR/TTB values */

#define LIST_PTE_OFFSET		_U(0x3000)	/* from PHYS_OFFSET / PAGE_OFFSET */
#define LIST_VA			_U(0xC0100000)
#define LIST_PAGES		32		/* = the 32-entry L1 D-TLBs (A9, A15) */
#define LIST_SLOT		8		/* node: { u32 next_phys; u32 data; } */
#define LIST_NODES_PER_PAGE	16		/* nodes use the first 128 bytes of a page */
#define LIST_NODES		(LIST_PAGES * LIST_NODES_PER_PAGE)	/* 512 */
#define PLACED_PAGE_VA		(LIST_VA + LIST_PAGES * PAGE_SIZE)	/* 0xC0120000 */
#define LINEAR_MB		256		/* lowmem mapped at boot: 256 MiB */

/* The constant variant: CONFIG_ARM_PATCH_PHYS_VIRT=n, PHYS_OFFSET = PLAT_PHYS_OFFSET */
#define PLAT_PHYS_OFFSET	_U(0x80000000)

/* Workload sizes (see work-v7.S): LOOP_N iterations = 2 * LOOP_N conversions */
#define LOOP_N			1000
#define LOOP_STRIDE		0x40
#define LIST_N			LIST_NODES	/* one lap of the list */

/* The phases the driver runs, in order: for each workload (loop, list), for each
 * variant (constant, patched, variable, placed): warm (N), A (N), B (2N). */
#define P2V_VARIANTS		4
#define P2V_WORKLOADS		2
#define P2V_PHASES		(P2V_WORKLOADS * P2V_VARIANTS * 3)

#ifndef __ASSEMBLER__
#include <stdint.h>
struct p2v_result {
	uint32_t checksum;
	uint32_t cycles;	/* PMCCNTR difference around the call */
};
extern struct p2v_result p2v_results[P2V_PHASES];
extern uint32_t __pv_phys_pfn_offset, __pv_offset, __pv_patched_sites, __pv_fixup_cycles;
extern uint32_t __pv_table_begin[], __pv_table_end[];
extern uint32_t __pv_offset_placed;	/* in the list region's last page */
void p2v_run_phases(uint32_t loop_phys, uint32_t list_phys, int constant);
void psci_system_off(int smc) __attribute__((noreturn));
#endif

#endif
