/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * entry-armv.S - the exception vector page (Linux: __vectors_start in
 * arch/arm/kernel/entry-armv.S, copied to the vectors page by
 * early_trap_init()) and the abort/undef entry code of armv7-fault.
 *
 * The block __vectors_start..__vectors_end is position independent: eight
 * real branches to stubs inside the block, each stub loading the absolute
 * address of its handler from a literal inside the block.  It is copied to
 * the page mapped at 0xffff0000 (SCTLR.V=1).
 */
#include "fw.h"

	.syntax	unified
	.arch	armv7-a
	.arm
	.text

	.align	5
	.globl	__vectors_start, __vectors_end
__vectors_start:
	b	vector_rst			@ 0x00 reset
	b	vector_und			@ 0x04 undefined instruction
	b	vector_swi			@ 0x08 supervisor call
	b	vector_pabt			@ 0x0c prefetch abort
	b	vector_dabt			@ 0x10 data abort
	b	vector_addrexcptn		@ 0x14 (hyp trap / unused)
	b	vector_irq			@ 0x18 IRQ
	b	vector_fiq			@ 0x1c FIQ
vector_und:	ldr	pc, .Lh_und
vector_pabt:	ldr	pc, .Lh_pabt
vector_dabt:	ldr	pc, .Lh_dabt
vector_rst:	mov	r0, #0
		ldr	pc, .Lh_bad
vector_swi:	mov	r0, #2
		ldr	pc, .Lh_bad
vector_addrexcptn: mov	r0, #5
		ldr	pc, .Lh_bad
vector_irq:	mov	r0, #6
		ldr	pc, .Lh_bad
vector_fiq:	mov	r0, #7
		ldr	pc, .Lh_bad
.Lh_und:	.long	__und_handler
.Lh_pabt:	.long	__pabt_handler
.Lh_dabt:	.long	__dabt_handler
.Lh_bad:	.long	__bad_handler
__vectors_end:

/*
 * Data abort (ABT mode).  ARM state: LR_abt = faulting instruction + 8.
 * Report DFSR/DFAR, then resume at the instruction after the faulting one.
 */
	.align	2
__dabt_handler:
	sub	lr, lr, #8			@ address of the faulting instruction
	push	{r0-r3, ip, lr}
	mov	r0, lr
	mrc	p15, 0, r1, c5, c0, 0		@ DFSR
	mrc	p15, 0, r2, c6, c0, 0		@ DFAR
	mrs	r3, spsr
	bl	do_DataAbort
	pop	{r0-r3, ip, lr}
	add	lr, lr, #4			@ skip it
	movs	pc, lr				@ return, CPSR <- SPSR_abt

/* Undefined instruction (UND mode): LR_und = instruction + 4 (ARM). */
__und_handler:
	push	{r0-r3, ip, lr}
	sub	r0, lr, #4
	ldr	r1, [r0]			@ the instruction word
	mrs	r2, spsr
	bl	do_undefinstr
	pop	{r0-r3, ip, lr}
	movs	pc, lr				@ resume after it

/*
 * Prefetch abort (ABT mode): LR_abt = aborted instruction + 4.  There is
 * no "next instruction" to go to: do_PrefetchAbort returns a fixup address
 * (see probe_exec) or 0 to halt.
 */
__pabt_handler:
	sub	lr, lr, #4
	push	{r0-r3, ip, lr}
	mov	r0, lr
	mrc	p15, 0, r1, c5, c0, 1		@ IFSR
	mrc	p15, 0, r2, c6, c0, 2		@ IFAR
	mrs	r3, spsr
	bl	do_PrefetchAbort
	cmp	r0, #0
	beq	__halt
	str	r0, [sp, #20]			@ replace the saved lr
	pop	{r0-r3, ip, lr}
	movs	pc, lr

__bad_handler:					@ r0 = vector number
	mrs	r1, spsr
	mov	r2, lr
	ldr	sp, =abt_stack_top		@ any mode: borrow the abort stack
	bl	do_bad_exception
__halt:
	wfi
	b	__halt

/* setup_mode_stacks: sp for ABT and UND (Linux: cpu_init()). */
	.globl	setup_mode_stacks
setup_mode_stacks:
	mrs	r0, cpsr
	cps	#ABT_MODE
	ldr	sp, =abt_stack_top
	cps	#UND_MODE
	ldr	sp, =und_stack_top
	msr	cpsr_c, r0			@ back to SVC, masks unchanged
	bx	lr

/*
 * Fault probes.  Each faulting instruction has a global label so a test
 * can check the PC the handler reports.
 */
	.globl	probe_read, probe_read_insn
probe_read:					@ u32 probe_read(u32 va): 0xdeadbeef if it aborted
	mov	r1, r0
	movw	r0, #0xbeef
	movt	r0, #0xdead
probe_read_insn:
	ldr	r0, [r1]
	bx	lr

	.globl	probe_write, probe_write_insn
probe_write:					@ void probe_write(u32 va, u32 val)
probe_write_insn:
	str	r1, [r0]
	bx	lr

	.globl	probe_undef, probe_undef_insn
probe_undef:
probe_undef_insn:
	.inst	0xe7f000f0			@ UDF #0 (permanently undefined)
	bx	lr

	.globl	probe_exec, probe_exec_resume
probe_exec:					@ void probe_exec(u32 va): branch to va
	push	{r4, lr}
	ldr	r1, =probe_exec_resume
	ldr	r2, =pabt_fixup
	str	r1, [r2]
	blx	r0
probe_exec_resume:
	ldr	r2, =pabt_fixup
	mov	r1, #0
	str	r1, [r2]
	pop	{r4, pc}
	.ltorg

	.bss
	.align	3
	.space	1024
abt_stack_top:
	.space	1024
und_stack_top:
	.globl	pabt_fixup
	.align	2
pabt_fixup:
	.space	4
