/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * entry.S - the exception vectors (Linux: arch/arm64/kernel/entry.S
 * "vectors"), kernel_entry/kernel_exit, the return to EL0 of a user task and
 * the EL0 program itself (mapped at USER_TEXT in both user address spaces).
 *
 * VBAR_EL1 (2 KiB aligned) holds 16 entries of 0x80 bytes (D1.10.2):
 *   0x000-0x180  current EL with SP_EL0 (EL1t)
 *   0x200-0x380  current EL with SP_ELx (EL1h): what the kernel runs in
 *   0x400-0x580  lower EL, AArch64: EL0 tasks
 *   0x600-0x780  lower EL, AArch32
 * each group: synchronous, IRQ, FIQ, SError.
 */
#include "asm.h"

/* kernel_entry: build a struct pt_regs on the stack (x0-x29, lr, sp, pc, pstate) */
	.macro	kernel_entry, el
	sub	sp, sp, #S_FRAME_SIZE
	stp	x0, x1, [sp, #16 * 0]
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	.if	\el == 0
	mrs	x21, sp_el0
	.else
	add	x21, sp, #S_FRAME_SIZE
	.endif
	mrs	x22, elr_el1
	mrs	x23, spsr_el1
	stp	lr, x21, [sp, #S_LR]
	stp	x22, x23, [sp, #S_PC]
	.endm

	.macro	ventry, label
	.balign	0x80
	b	\label
	.endm

	.text
	.balign	2048
	.globl	vectors
vectors:
	ventry	el1t_sync_invalid		// 0x000
	ventry	el1t_irq_invalid		// 0x080
	ventry	el1t_fiq_invalid		// 0x100
	ventry	el1t_error_invalid		// 0x180
	ventry	el1h_sync			// 0x200
	ventry	el1h_irq_invalid		// 0x280
	ventry	el1h_fiq_invalid		// 0x300
	ventry	el1h_error_invalid		// 0x380
	ventry	el0_sync			// 0x400
	ventry	el0_irq_invalid			// 0x480 (mmuscope enters EL1 from EL0 through here)
	ventry	el0_fiq_invalid			// 0x500
	ventry	el0_error_invalid		// 0x580
	ventry	el0_sync_compat_invalid		// 0x600
	ventry	el0_irq_compat_invalid		// 0x680
	ventry	el0_fiq_compat_invalid		// 0x700
	ventry	el0_error_compat_invalid	// 0x780
	.balign	0x80

/* The vectors nothing here should take: report and stop (traps.c: bad_mode). */
	.macro	inv_entry, el, reason
	kernel_entry \el
	mov	x0, sp
	mov	x1, #\reason
	mrs	x2, esr_el1
	bl	bad_mode
	b	.
	.endm

#define BAD_SYNC	0
#define BAD_IRQ		1
#define BAD_FIQ		2
#define BAD_ERROR	3
el1t_sync_invalid:	inv_entry 1, BAD_SYNC
el1t_irq_invalid:	inv_entry 1, BAD_IRQ
el1t_fiq_invalid:	inv_entry 1, BAD_FIQ
el1t_error_invalid:	inv_entry 1, BAD_ERROR
el1h_irq_invalid:	inv_entry 1, BAD_IRQ
el1h_fiq_invalid:	inv_entry 1, BAD_FIQ
el1h_error_invalid:	inv_entry 1, BAD_ERROR
el0_irq_invalid:	inv_entry 0, BAD_IRQ
el0_fiq_invalid:	inv_entry 0, BAD_FIQ
el0_error_invalid:	inv_entry 0, BAD_ERROR
el0_sync_compat_invalid: inv_entry 0, BAD_SYNC
el0_irq_compat_invalid:	inv_entry 0, BAD_IRQ
el0_fiq_compat_invalid:	inv_entry 0, BAD_FIQ
el0_error_compat_invalid: inv_entry 0, BAD_ERROR

/* A synchronous exception of the kernel itself: a bug here; traps.c reports it. */
el1h_sync:
	kernel_entry 1
	mov	x0, sp
	bl	el1h_sync_handler
	b	.

/*
 * el0_sync: a synchronous exception from the EL0 task.  el0_sync_handler
 * (traps.c) reports it and returns what run_user_task returns; the task is
 * not resumed: we go back to the kernel context run_user_task saved.
 */
el0_sync:
	kernel_entry 0
	mov	x0, sp
	bl	el0_sync_handler		// x0 = return value of run_user_task
	adr_l	x9, user_task_ctx
	ldp	x19, x20, [x9, #16 * 0]
	ldp	x21, x22, [x9, #16 * 1]
	ldp	x23, x24, [x9, #16 * 2]
	ldp	x25, x26, [x9, #16 * 3]
	ldp	x27, x28, [x9, #16 * 4]
	ldp	x29, x30, [x9, #16 * 5]
	ldr	x10, [x9, #16 * 6]
	mov	sp, x10
	ret

/*
 * u64 run_user_task(struct pt_regs *regs): save the kernel's callee-saved
 * registers and sp (cpu_switch_to's job), take an empty kernel stack for the
 * task, and kernel_exit to EL0 with regs: SP_EL0, ELR_EL1 = pc, SPSR_EL1 =
 * pstate (EL0t), x0-x30, then ERET.
 */
ENTRY(run_user_task)
	adr_l	x9, user_task_ctx
	stp	x19, x20, [x9, #16 * 0]
	stp	x21, x22, [x9, #16 * 1]
	stp	x23, x24, [x9, #16 * 2]
	stp	x25, x26, [x9, #16 * 3]
	stp	x27, x28, [x9, #16 * 4]
	stp	x29, x30, [x9, #16 * 5]
	mov	x10, sp
	str	x10, [x9, #16 * 6]

	adr_l	x10, user_task_stack_top	// SP_EL1 while the task runs
	mov	sp, x10

	ldp	x21, x22, [x0, #S_SP]		// sp, pc
	ldr	x23, [x0, #S_PSTATE]
	msr	sp_el0, x21
	msr	elr_el1, x22
	msr	spsr_el1, x23
	ldp	x2, x3, [x0, #16 * 1]
	ldp	x4, x5, [x0, #16 * 2]
	ldp	x6, x7, [x0, #16 * 3]
	ldp	x8, x9, [x0, #16 * 4]
	ldp	x10, x11, [x0, #16 * 5]
	ldp	x12, x13, [x0, #16 * 6]
	ldp	x14, x15, [x0, #16 * 7]
	ldp	x16, x17, [x0, #16 * 8]
	ldp	x18, x19, [x0, #16 * 9]
	ldp	x20, x21, [x0, #16 * 10]
	ldp	x22, x23, [x0, #16 * 11]
	ldp	x24, x25, [x0, #16 * 12]
	ldp	x26, x27, [x0, #16 * 13]
	ldp	x28, x29, [x0, #16 * 14]
	ldr	lr, [x0, #S_LR]
	ldp	x0, x1, [x0, #16 * 0]
	eret
END(run_user_task)

	.bss
	.balign	16
user_task_ctx:
	.space	16 * 7				// x19-x30, sp

/* ------------------------------------------------------------------------
 * The EL0 program, alone in its page (mapped EL0 read-only + executable,
 * PXN, at USER_TEXT).  x0 = USER_DATA, x1 = USER_KONLY.
 */
	.section ".user.text", "ax"
	.balign	4096
	.globl	el0_program, el0_fault_insn
el0_program:
	ldr	x2, [x0]			// this address space's data page: allowed
el0_fault_insn:
	str	x2, [x1]			// AP[1] = 0: permission fault, level 3
	b	.				// not reached: the kernel does not resume us
	.balign	4096
