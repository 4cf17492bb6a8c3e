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
/* 64-bit cp15 registers (MRRC/MCRR): TTBR0 (op1 0, c2), TTBR1 (op1 1, c2), PAR (op1 0, c7) */
#define read_cp15_64(op1, crm) ({ uint32_t __lo, __hi;				\
	__asm__ volatile("mrrc p15, " #op1 ", %0, %1, " #crm			\
			 : "=r" (__lo), "=r" (__hi) :: "memory");		\
	(uint64_t)__hi << 32 | __lo; })
#define write_cp15_64(v, op1, crm) do { uint64_t __v = (v);			\
	__asm__ volatile("mcrr p15, " #op1 ", %0, %1, " #crm			\
			 :: "r" ((uint32_t)__v), "r" ((uint32_t)(__v >> 32))	\
			 : "memory"); } while (0)
#define dsb()	__asm__ volatile("dsb" ::: "memory")
#define isb()	__asm__ volatile("isb" ::: "memory")

#endif
