/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tlb-bench.h - what the C part (bench.c) and the two architecture parts
 * (head-v7.S + mmu-v7.c, head-v8.S + mmu-v8.c) of the tlb-bench firmware
 * share.  The benchmark itself is described at the top of bench.c.
 */
#ifndef TLB_BENCH_H
#define TLB_BENCH_H

#ifdef __ASSEMBLER__
#define _U(x)		x
#define _UL(x)		x
#else
#define _U(x)		x##u
#define _UL(x)		x##ul
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#endif

#define PAGE_SHIFT		12
#define PAGE_SIZE		(_UL(1) << PAGE_SHIFT)

/*
 * The test region: BENCH_PAGES distinct 4 KiB virtual pages at BENCH_VA,
 * each mapped by a last-level page descriptor.  Virtual page i maps to
 * physical page (i % BENCH_PHYS_PAGES) of bench_phys[] (aliasing: the TLB
 * caches virtual pages, so a few physical pages are enough).  The word the
 * benchmark touches in page i sits at offset (i / BENCH_PHYS_PAGES) * 8, so
 * no two virtual pages share a physical word and each can hold its own
 * "next" pointer.
 */
#define BENCH_VA		_UL(0x40000000)
#define BENCH_PAGES		4096		/* 16 MiB of virtual pages */
#define BENCH_PHYS_PAGES	16
#define BENCH_SLOT_SHIFT	3		/* 8-byte slots */

/* The board (mmuscope / QEMU "virt"): PL011 and mmuscope's AArch32 cycle counter page */
#define UART_PHYS		_UL(0x09000000)
#define UART_DR			0x00
#define UART_FR			0x18
#define UART_FR_TXFF		(1 << 5)
#define CYCLES_PHYS		_UL(0x09010000)	/* machine cycles.base default */
#define CYCLES_LO		0x00
#define CYCLES_ID		0x10
#define CYCLES_ID_VALUE		_U(0x43534d4d)

/* PSCI (Arm DEN 0022D) SMC32 function ids */
#define PSCI_0_2_FN_SYSTEM_OFF	_U(0x84000008)

#ifndef __ASSEMBLER__
typedef uint32_t u32;
typedef uint64_t u64;

/* ---- per architecture (head-v*.S, mmu-v*.c) ---- */
extern char bench_phys[BENCH_PHYS_PAGES][PAGE_SIZE];
/* prints the header line describing the ISA, the tables, the CPU and the timer */
void arch_describe(void);
/*
 * Pointer chase: touch the word at `start`, load the next address from it, and so on.
 * Runs one cold pass of n loads, then `passes` * n timed loads (out[0] = their cycles),
 * one more cold pass of n loads, then 2 * `passes` * n timed loads (out[1]), with no other
 * memory access in between (no stack, no calls): each timed window starts from the TLB
 * state one pass of the pattern leaves.
 */
void tlb_bench_measure(unsigned long start, unsigned long n, unsigned long passes, u64 out[2]);
void psci_system_off(bool smc) __attribute__((noreturn));

/* ---- bench.c ---- */
void tlb_bench_main(const void *dtb) __attribute__((noreturn));
int printk(const char *fmt, ...);
u64 div_u64_rem(u64 n, u32 d, u32 *rem);
#endif

#endif
