/*
 * a32_perm: permission faults raised from a cached TLB entry, AArch32 with the long-descriptor
 * (LPAE) format (tests/integration/test_tlb_perm.py). Loaded raw at 0x80008000 on virt-a15,
 * entered in SVC mode with the MMU off.
 * TTBCR.EAE = 1, T0SZ = 0 (TTBR0 covers 4 GiB, the walk starts at level 1), MAIR0 Attr0 =
 * Normal WB, Attr1 = Device:
 *   l1[0]  0x00000000 1 GiB block, Device, XN             (the PL011)
 *   l1[2]  -> l2
 *   l2[0]  0x80000000 2 MiB, PL1 RW, PL0 none              (this image)
 *   l2[1]  0x80200000 2 MiB, AP=11 (read-only at PL0 and PL1), PXN  (the PL0 program)
 *   l2[7]  0x80e00000 2 MiB, PL1 RW, XN; made PL1 read-only, then RW again without TLBI
 *   l2[8]  0x81000000 2 MiB, PL1 RW, PL0 none, XN; made PL0 RW (AP=01) without TLBI
 *   l2[9]  0x81200000 2 MiB, PL1 RW, XN; made executable (XN = PXN = 0) without TLBI
 * The scenarios of a64_perm.S: a PL1 store, a PL0 load into r2 = 0x5a5a, a PL1 instruction
 * fetch, each through an entry cached before the descriptor gained the permission. The abort
 * handlers record DFSR/DFAR (IFSR/IFAR), LR, SPSR, the word at the fault address and r2, then
 * TLBIMVA (the address, ASID 0), DSB, ISB and return to the faulting instruction (SUBS PC, LR,
 * #8 for a data abort, #4 for a prefetch abort): the retry walks and succeeds.
 * The handlers clobber r8-r12; the scenarios use r0-r7.
 * mmuscope finds the faulting instruction of an AArch32 data access by decoding its block
 * (docs/tlb.md): scenario 1's block holds two stores to [r4] (perm_store and the one after it,
 * with r4 unchanged between them: the first one is the one that faulted), and scenario 2 keeps
 * its address in r1 so that its store does not also match the fault address.
 * Records: `results`, 8 words per exception: FSR, FAR, LR, SPSR, [FAR], r2, 0, 0.
 * `final`: [0x80e00000] after the retry, the count of times the instruction after the store
 * ran, r2 after the PL0 load, the count of times the instruction after it ran, r0 returned by
 * the function at 0x81200000, the exception count; then scenario 4 (a fault mmuscope does not
 * deliver because it cannot decide which store of its block made it: the store happens, as if
 * the entry had been evicted): [0x80e00000] after it and the exception count again.
 */
	.syntax	unified
	.arch	armv7-a
	.arch_extension virt
	.arm
	.text
	.globl	_start
_start:
	adr	r0, vectors
	mcr	p15, 0, r0, c12, c0, 0		@ VBAR
	mov	r0, #0xff			@ MAIR0: Attr0 = Normal WB, Attr1 = Device
	mcr	p15, 0, r0, c10, c2, 0
	mov	r0, #0x80000000			@ TTBCR: EAE, T0SZ = 0
	mcr	p15, 0, r0, c2, c0, 2
	ldr	r0, =l1
	mov	r1, #0				@ ASID 0
	mcrr	p15, 0, r0, r1, c2		@ TTBR0
	mcr	p15, 0, r0, c8, c7, 0		@ TLBIALL
	dsb	ish
	isb
	mrc	p15, 0, r0, c1, c0, 0
	movw	r1, #0x1005			@ M | C | I
	orr	r0, r0, r1
	mcr	p15, 0, r0, c1, c0, 0
	isb

	ldr	r7, =final
	mov	r6, #0
	/* 1: PL1 store through a cached read-only entry */
	mov	r4, #0x80000000
	orr	r4, r4, #0x00e00000		@ the VA 0x80e00000
	ldr	r5, =l2 + 7 * 8			@ its descriptor (low word)
	movw	r2, #0x1111
	str	r2, [r4]			@ while it is writable
	movw	r0, #0x0781			@ AP[2:1] = 0b10: PL1 read-only
	movt	r0, #0x80e0
	str	r0, [r5]
	dsb	ishst
	mcr	p15, 0, r4, c8, c7, 1		@ TLBIMVA: VA[31:12] | ASID 0
	dsb	ish
	isb
	ldr	r2, [r4]			@ fills a read-only entry
	movw	r0, #0x0701			@ AP[2:1] = 0b00: PL1 read/write, no TLBI
	movt	r0, #0x80e0
	str	r0, [r5]
	dsb	ish
	isb
	movw	r2, #0x2222
	.globl	perm_store
perm_store:
	str	r2, [r4]			@ the entry denies it: permission fault
	add	r6, r6, #1			@ runs once, after the retry
	ldr	r3, [r4]
	str	r3, [r4]			@ the same store again (a second candidate, see below)
	stm	r7, {r3, r6}

	/* 2: PL0 load through a cached PL0-no-access entry */
	mov	r1, #0x81000000
	ldr	r3, =l2 + 8 * 8
	movw	r2, #0x3333
	str	r2, [r1]			@ fills an entry: PL1 RW, PL0 none
	movw	r0, #0x0741			@ AP[2:1] = 0b01: PL1 and PL0 read/write, no TLBI
	movt	r0, #0x8100
	str	r0, [r3]
	dsb	ish
	isb
	mov	r0, #0x10			@ USR
	msr	spsr_cxsf, r0
	ldr	lr, =pl0_program
	movs	pc, lr

back_in_svc:					@ from the PL0 program's SVC: r2, r3 as it left them
	str	r2, [r7, #8]
	str	r3, [r7, #12]

	/* 3: PL1 fetch through a cached not-executable entry */
	mov	r4, #0x81000000
	orr	r4, r4, #0x00200000		@ 0x81200000
	adr	r1, xfunc
	ldm	r1, {r2, r3}
	stm	r4, {r2, r3}			@ the function's two instructions; fills an XN entry
	mcr	p15, 0, r4, c7, c11, 1		@ DCCMVAU
	dsb	ish
	mcr	p15, 0, r4, c7, c5, 1		@ ICIMVAU
	dsb	ish
	ldr	r5, =l2 + 9 * 8 + 4		@ the descriptor's high word: XN (bit 54), PXN (53)
	mov	r0, #0				@ executable, no TLBI
	str	r0, [r5]
	dsb	ish
	isb
	.globl	perm_call
perm_call:
	blx	r4				@ r0 = 0x4242 once the retry runs it
	ldr	r1, =count
	ldr	r1, [r1]
	str	r0, [r7, #16]
	str	r1, [r7, #20]

	/* 4: scenario 1 again, in a block where the faulting store cannot be told apart */
	mov	r4, #0x80000000
	orr	r4, r4, #0x00e00000		@ 0x80e00000
	ldr	r5, =l2 + 7 * 8
	movw	r0, #0x0781			@ PL1 read-only, with the TLBI
	movt	r0, #0x80e0
	str	r0, [r5]
	dsb	ishst
	mcr	p15, 0, r4, c8, c7, 1		@ TLBIMVA
	dsb	ish
	isb
	ldr	r2, [r4]			@ fills a read-only entry
	movw	r0, #0x0701			@ read/write again, no TLBI
	movt	r0, #0x80e0
	str	r0, [r5]
	dsb	ish
	isb
	movw	r2, #0x4444
	.globl	ambiguous_store
ambiguous_store:
	str	r2, [r4]			@ the entry denies it, but see below: not delivered
	add	r4, r4, #0			@ rewrites r4 (with its own value)
	str	r2, [r4]			@ so this store is a candidate mmuscope cannot rule out
	mcr	p15, 0, r4, c8, c7, 1		@ TLBIMVA
	dsb	ish
	isb
	ldr	r3, [r4]
	ldr	r1, =count
	ldr	r1, [r1]
	str	r3, [r7, #24]
	str	r1, [r7, #28]

	movw	r0, #8				@ PSCI SYSTEM_OFF
	movt	r0, #0x8400
	hvc	#0
1:	b	1b

xfunc:
	movw	r0, #0x4242
	bx	lr
	.ltorg

/* Record FSR, FAR, LR, SPSR, [FAR], r2 at results[count]; TLBIMVA FAR; DSB; ISB.
 * fsr/far: the cp15 opc2 of the status and address registers. Clobbers r8-r12. */
	.macro	record_and_invalidate fsr_opc2, far_opc2
	ldr	r8, =count
	ldr	r9, [r8]
	add	r10, r9, #1
	str	r10, [r8]
	ldr	r8, =results
	add	r8, r8, r9, lsl #5
	mrc	p15, 0, r10, c5, c0, \fsr_opc2
	mrc	p15, 0, r11, c6, c0, \far_opc2
	mrs	r12, spsr
	stm	r8, {r10, r11, lr}
	str	r12, [r8, #12]
	ldr	r12, [r11]
	str	r12, [r8, #16]
	str	r2, [r8, #20]
	mcr	p15, 0, r11, c8, c7, 1		@ TLBIMVA: the page of FAR, ASID 0
	dsb	ish
	isb
	.endm

	.balign	32
vectors:
	b	bad				@ 0x00 reset
	b	bad				@ 0x04 undefined
	b	svc_entry			@ 0x08 SVC
	b	pabt_entry			@ 0x0c prefetch abort
	b	dabt_entry			@ 0x10 data abort
	b	bad				@ 0x14
	b	bad				@ 0x18 IRQ
	b	bad				@ 0x1c FIQ

svc_entry:					@ the PL0 program is done; SVC mode, as before
	b	back_in_svc
pabt_entry:
	record_and_invalidate 1, 2		@ IFSR, IFAR
	subs	pc, lr, #4			@ retry the instruction
dabt_entry:
	record_and_invalidate 0, 0		@ DFSR, DFAR
	subs	pc, lr, #8			@ retry the instruction
bad:
	ldr	r8, =count
	movw	r9, #0xbad
	str	r9, [r8]
	movw	r0, #8
	movt	r0, #0x8400
	hvc	#0
	b	bad
	.ltorg

	.balign	4096
l1:
	.word	0x00000405, 0x00600000		@ block 0x00000000, AttrIndx 1, AF, XN|PXN
	.word	0, 0
	.word	l2 + 3, 0			@ table
	.word	0, 0
	.balign	4096
l2:
	.word	0x80000701, 0x00000000		@ 0x80000000: AttrIndx 0, SH inner, AF, PL1 RW
	.word	0x802007c1, 0x00200000		@ 0x80200000: AP=11, AF, PXN
	.fill	5 * 2, 4, 0
	.word	0x80e00701, 0x00600000		@ 0x80e00000: PL1 RW, XN|PXN
	.word	0x81000701, 0x00600000		@ 0x81000000: PL1 RW, PL0 none, XN|PXN
	.word	0x81200701, 0x00600000		@ 0x81200000: PL1 RW, XN|PXN
	.fill	502 * 2, 4, 0
	.globl	count
count:	.word	0
	.globl	results
results:
	.fill	3 * 8, 4, 0
	.globl	final
final:
	.fill	8, 4, 0

	.section .text.el0, "ax"
pl0_program:
	mov	r1, #0x81000000
	movw	r2, #0x5a5a
	mov	r3, #0
	.globl	pl0_load
pl0_load:
	ldr	r2, [r1]			@ the entry denies PL0: permission fault, r2 kept
	add	r3, r3, #1			@ runs once, after the retry
	svc	#0
