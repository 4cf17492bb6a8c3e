/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel.h - tiny freestanding runtime of the mmuscope firmware. */
#ifndef MMUSCOPE_KERNEL_H
#define MMUSCOPE_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void uart_putc(int c);
void uart_puts(const char *s);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);

void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
size_t strlen(const char *s);

/* fdt.c */
struct fdt_info {
	int valid;
	uint32_t totalsize, version;
	uint32_t addr_cells, size_cells;
	int have_memory;
	uint64_t mem_base, mem_size;
	int have_psci;
	char psci_method[8];
};
int fdt_scan(const void *blob, struct fdt_info *info);

/* traps.c / entry-armv.S (armv7-fault) */
void early_trap_init(void *vectors_lowmem_alias);
void run_fault_tests(void);
extern char __vectors_start[], __vectors_end[];

/* cp15 helpers */
#define read_cp15(op1, crn, crm, op2) ({ uint32_t __v;				\
	__asm__ volatile("mrc p15, " #op1 ", %0, " #crn ", " #crm ", " #op2	\
			 : "=r" (__v) :: "memory"); __v; })
#define write_cp15(v, op1, crn, crm, op2)					\
	__asm__ volatile("mcr p15, " #op1 ", %0, " #crn ", " #crm ", " #op2	\
			 :: "r" ((uint32_t)(v)) : "memory")
#define dsb()	__asm__ volatile("dsb" ::: "memory")
#define isb()	__asm__ volatile("isb" ::: "memory")

#endif
