/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kernel.h - the freestanding runtime of the armv8-head image (C side). */
#ifndef MMUSCOPE_ARM64_KERNEL_H
#define MMUSCOPE_ARM64_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "hwdef.h"

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
typedef u64 phys_addr_t;
typedef u64 pteval_t;

#define __init		__attribute__((section(".init.text")))
#define __aligned(n)	__attribute__((aligned(n)))
#define __noreturn	__attribute__((noreturn))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- printk.c ---- */
void uart_putc(int c);
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);
extern volatile u32 *earlycon_base;	/* the PL011 through the fixmap, NULL before it exists */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ---- fdt64.c ---- */
struct fdt_info {
	u32 totalsize, version;
	u32 addr_cells, size_cells;
	int have_memory;
	u64 mem_base, mem_size;
	int have_psci;
	char psci_method[8];
};
int fdt_check_header(const void *blob, u32 *totalsize);
int fdt_scan(const void *blob, u32 mapped, struct fdt_info *info);

/* ---- head.S / entry.S / proc.S / the linker script ---- */
extern u64 boot_args[4];
extern u64 __fdt_pointer, kimage_voffset, __boot_cpu_mode;
extern char _text[], _stext[], _etext[], __start_rodata[], __end_rodata[], _sdata[], _edata[];
extern char __bss_start[], __bss_stop[], _end[], __idmap_text_start[], __idmap_text_end[];
extern char init_pg_dir[], init_pg_end[], init_idmap_pg_dir[], init_kernel_pg_dir[];
extern char __user_text_start[], el0_program[], el0_fault_insn[];
extern char vectors[], __primary_switched[], __enable_mmu[], idmap_cpu_replace_ttbr1[];
extern u64 reserved_pg_dir[PTRS_PER_PTE];

struct pt_regs {
	u64 regs[31];
	u64 sp;
	u64 pc;
	u64 pstate;
};
_Static_assert(sizeof(struct pt_regs) == S_FRAME_SIZE, "pt_regs layout of entry.S");
u64 run_user_task(struct pt_regs *regs);

/* ---- traps.c ---- */
struct el0_fault {			/* the last EL0 exception, as el0_sync_handler saw it */
	u64 esr, far, elr, spsr, x2;
	int count;
};
extern struct el0_fault last_el0_fault;
u64 el0_sync_handler(struct pt_regs *regs);
void el1h_sync_handler(struct pt_regs *regs);
void bad_mode(struct pt_regs *regs, int reason, u64 esr);
const char *esr_class_str(u64 esr);
const char *dfsc_str(u32 dfsc);
__noreturn void panic(const char *msg);
extern int psci_use_smc;
__noreturn void psci_system_off(void);

/* ---- address conversion: only the kernel image is mapped linearly ---- */
#define __pa_symbol(x)	((phys_addr_t)(uintptr_t)(x) - kimage_voffset)
#define __va_kimg(pa)	((void *)(uintptr_t)((pa) + kimage_voffset))

/* ---- system registers and barriers ---- */
#define read_sysreg(r) ({ u64 __v; __asm__ volatile("mrs %0, " #r : "=r"(__v) :: "memory"); __v; })
#define write_sysreg(v, r) \
	__asm__ volatile("msr " #r ", %x0" :: "rZ"((u64)(v)) : "memory")
#define isb()		__asm__ volatile("isb" ::: "memory")
#define dsb(opt)	__asm__ volatile("dsb " #opt ::: "memory")
#define __tlbi(op, arg)	__asm__ volatile("tlbi " #op ", %0" :: "r"((u64)(arg)) : "memory")
#define __tlbi_all(op)	__asm__ volatile("tlbi " #op ::: "memory")

/* AT S1E1R / S1E0R: the MMU's own translation of a VA, result in PAR_EL1 */
static inline u64 at_s1e1r(u64 va)
{
	__asm__ volatile("at s1e1r, %0" :: "r"(va) : "memory");
	isb();
	return read_sysreg(par_el1);
}
static inline u64 at_s1e0r(u64 va)
{
	__asm__ volatile("at s1e0r, %0" :: "r"(va) : "memory");
	isb();
	return read_sysreg(par_el1);
}
/* PAR_EL1 (D17.2.112): F = bit 0; on success PA = [47:12], ATTR = [63:56], SH = [8:7] */
#define PAR_F(par)	((par) & 1)
#define PAR_PA(par)	((par) & PTE_ADDR_MASK)

#endif
