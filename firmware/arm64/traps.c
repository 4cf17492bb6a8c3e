/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * traps.c - the C side of the exception vectors (Linux: arch/arm64/kernel/
 * entry-common.c, traps.c, mm/fault.c's fault_info[]) and PSCI SYSTEM_OFF.
 *
 * ESR_ELx (DDI 0487, D17.2.37): EC = [31:26], IL = bit 25 (32-bit
 * instruction), ISS = [24:0].  For a data abort (EC 0x24 from a lower EL,
 * 0x25 without a change of EL) the ISS is: ISV [24], SAS [23:22], SSE [21],
 * SRT [20:16], SF [15], AR [14], VNCR [13], SET [12:11], FnV [10], EA [9],
 * CM [8], S1PTW [7], WnR [6], DFSC [5:0].  DFSC: 0b0000LL address size,
 * 0b0001LL translation, 0b0010LL access flag, 0b0011LL permission fault at
 * level LL; 0b010000 synchronous external abort; 0b100001 alignment fault.
 */
#include "kernel.h"

int psci_use_smc;

/* what the last EL0 exception looked like (setup.c checks it) */
struct el0_fault last_el0_fault;

const char *esr_class_str(u64 esr)
{
	switch ((esr >> 26) & 0x3f) {
	case 0x00: return "Unknown/Uncategorized";
	case 0x01: return "WFI/WFE";
	case 0x07: return "SVE/ASIMD/FP";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC (AArch64)";
	case 0x16: return "HVC (AArch64)";
	case 0x17: return "SMC (AArch64)";
	case 0x18: return "MSR/MRS (AArch64)";
	case 0x20: return "instruction abort from a lower EL";
	case 0x21: return "instruction abort without a change in EL";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort from a lower EL";
	case 0x25: return "data abort without a change in EL";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError interrupt";
	case 0x3c: return "BRK (AArch64)";
	default: return "other";
	}
}

const char *dfsc_str(u32 dfsc)
{
	static const char *const level[] = { "level 0", "level 1", "level 2", "level 3" };
	static char buf[48];
	const char *kind;

	switch (dfsc >> 2) {
	case 0x0: kind = "address size fault"; break;
	case 0x1: kind = "translation fault"; break;
	case 0x2: kind = "access flag fault"; break;
	case 0x3: kind = "permission fault"; break;
	case 0x5: kind = "synchronous external abort on translation table walk"; break;
	default:
		switch (dfsc) {
		case 0x10: return "synchronous external abort";
		case 0x21: return "alignment fault";
		case 0x30: return "TLB conflict abort";
		default: return "other";
		}
	}
	/* "<kind>, level n" without snprintf */
	size_t n = 0, k = strlen(kind);
	memcpy(buf, kind, k);
	n = k;
	buf[n++] = ',';
	buf[n++] = ' ';
	memcpy(buf + n, level[dfsc & 3], 7);
	n += 7;
	buf[n] = '\0';
	return buf;
}

static void show_abort(const char *who, u64 esr, u64 far, u64 elr, u64 spsr)
{
	u32 ec = (esr >> 26) & 0x3f, iss = esr & 0x1ffffff;

	printk("%s: ESR_EL1=0x%08lx FAR_EL1=0x%016lx ELR_EL1=0x%016lx SPSR_EL1=0x%08lx\n",
	       who, esr, far, elr, spsr);
	printk("  EC=0x%02x (%s), IL=%lu, ISS=0x%07x\n", ec, esr_class_str(esr), (esr >> 25) & 1, iss);
	if (ec == 0x24 || ec == 0x25)
		printk("  ISV=%u FnV=%u EA=%u CM=%u S1PTW=%u WnR=%u (%s) DFSC=0x%02x (%s)\n",
		       (iss >> 24) & 1, (iss >> 10) & 1, (iss >> 9) & 1, (iss >> 8) & 1,
		       (iss >> 7) & 1, (iss >> 6) & 1, (iss >> 6) & 1 ? "write" : "read",
		       iss & 0x3f, dfsc_str(iss & 0x3f));
}

/*
 * el0_sync_handler: the EL0 task took a synchronous exception.  Report it;
 * the task is not resumed (Linux would send SIGSEGV): entry.S returns to the
 * kernel context that started it, run_user_task() returning the ESR.
 */
u64 el0_sync_handler(struct pt_regs *regs)
{
	u64 esr = read_sysreg(esr_el1), far = read_sysreg(far_el1);

	last_el0_fault.esr = esr;
	last_el0_fault.far = far;
	last_el0_fault.elr = regs->pc;
	last_el0_fault.spsr = regs->pstate;
	last_el0_fault.x2 = regs->regs[2];
	last_el0_fault.count++;
	show_abort("el0_sync", esr, far, regs->pc, regs->pstate);
	printk("  EL0 task state: x0=0x%016lx x1=0x%016lx x2=0x%016lx sp_el0=0x%016lx\n",
	       regs->regs[0], regs->regs[1], regs->regs[2], regs->sp);
	return esr;
}

__noreturn void panic(const char *msg)
{
	printk("Kernel panic - not syncing: %s\n", msg);
	/*
	 * Stop for good, visibly: no vector table any more, then an undefined
	 * instruction (mmuscope ends with "exception with no vector", exit 4).
	 */
	write_sysreg(0, vbar_el1);
	isb();
	for (;;)
		__asm__ volatile("udf #0");
}

void el1h_sync_handler(struct pt_regs *regs)
{
	show_abort("el1h_sync (kernel bug)", read_sysreg(esr_el1), read_sysreg(far_el1), regs->pc,
		   regs->pstate);
	panic("unexpected synchronous exception at EL1");
}

void bad_mode(struct pt_regs *regs, int reason, u64 esr)
{
	static const char *const names[] = { "Synchronous Abort", "IRQ", "FIQ", "SError" };

	printk("Bad mode in %s handler detected: ESR_EL1=0x%08lx ELR_EL1=0x%016lx SPSR_EL1=0x%08lx\n",
	       names[reason & 3], esr, regs->pc, regs->pstate);
	panic("bad mode");
}

__noreturn void psci_system_off(void)
{
	register u64 x0 __asm__("x0") = PSCI_0_2_FN_SYSTEM_OFF;

	printk("PSCI: SYSTEM_OFF (function 0x%08lx) via %s #0\n", PSCI_0_2_FN_SYSTEM_OFF,
	       psci_use_smc ? "smc" : "hvc");
	if (psci_use_smc)
		__asm__ volatile("smc #0" : "+r"(x0) :: "x1", "x2", "x3", "x4", "x5", "x6", "x7",
				 "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
				 "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0) :: "x1", "x2", "x3", "x4", "x5", "x6", "x7",
				 "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17",
				 "memory");
	printk("PSCI: SYSTEM_OFF returned 0x%08lx\n", x0);
	panic("SYSTEM_OFF returned");
}
