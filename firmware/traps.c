/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * traps.c - early_trap_init() (arch/arm/kernel/traps.c) and, for the
 * armv7-fault image, the abort handlers and the deliberate faults.
 *
 * Expected fault status values (ARMv7-A ARM, B4.1.52 DFSR and table
 * B3-23 "Short-descriptor format FSR encodings"; TTBCR.EAE=0 so
 * DFSR[9]=0; FS = DFSR[10,3:0]; Domain = DFSR[7:4]; WnR = DFSR[11]):
 *
 *  1. LDR from 0xB0000000.  second_pg_dir[0xB00] is 0 (fault entry):
 *     translation fault, first level (section)   FS = 0b00101
 *     read: WnR = 0.  Domain: table B3-23 marks it not valid for a
 *     first-level translation fault (UNKNOWN); an L1 fault descriptor has
 *     no domain field, QEMU reports 0.       => DFSR = 0x00000005
 *                                               DFAR = 0xb0000000
 *  2. STR to 0xF0004ABC: L1[0xF00] is a page table in domain 0 (kernel,
 *     client in DACR 0x51), L2[4] is a small page with APX=1 AP[1:0]=01
 *     (PL1 read-only, PL0 no access, SCTLR.AFE=0): permission fault,
 *     second level (page)                        FS = 0b01111
 *     domain 0, write: WnR = 1 (bit 11)      => DFSR = 0x0000080f
 *                                               DFAR = 0xf0004abc
 *  3. STR to 0xFFFF0000, the vectors page: L1[0xFFF] is a page table in
 *     domain 3 (DOMAIN_VECTORS, client), L2[0xF0] has APX=1 AP=11
 *     (read-only at every level): permission fault, page, FS = 0b01111,
 *     domain 3 -> DFSR[7:4] = 3, WnR = 1     => DFSR = 0x0000083f
 *                                               DFAR = 0xffff0000
 *  4. UDF #0 (0xe7f000f0) -> undefined instruction vector (0xffff0004).
 *  5. BLX to 0xB0100000 (L1 fault entry): prefetch abort, IFSR FS =
 *     0b00101 (translation, section)         => IFSR = 0x00000005
 *                                               IFAR = 0xb0100000
 * A section permission fault would read FS = 0b01101 (0x00d).
 *
 * armv7-lpae-fault (CONFIG_ARM_LPAE, TTBCR.EAE = 1): the DFSR/IFSR take the
 * long-descriptor format (ARM ARM B4.1.52/B4.1.96 and table B3-24 "Long-
 * descriptor format FSR encodings"): bit 9 (LPAE) = 1, STATUS[5:0] =
 * type:level with 0b0001LL translation, 0b0010LL access flag, 0b0011LL
 * permission fault at level LL; WnR = bit 11; no domain field.  TTBCR.T0SZ
 * = 0, T1SZ = 2: VAs below 0xC0000000 are walked from TTBR0's 4-entry PGD
 * (level 1), the others from TTBR1's PMD (level 2).
 *
 *  1. LDR from 0xB0000000: TTBR0, pgd[2] -> PMD 2, entry (0xB0000000 >> 21)
 *     & 511 = 0x180 is 0: translation fault, level 2, STATUS = 0b000110,
 *     read                                  => DFSR = 0x00000206
 *                                              DFAR = 0xb0000000
 *  2. STR to 0xF0004ABC: TTBR1 PMD entry 0x180 -> level-3 table, pte[4]
 *     has AP[2:1] = 0b10 (PL1 read-only): permission fault, level 3,
 *     STATUS = 0b001111, WnR = 1              => DFSR = 0x00000a0f
 *                                              DFAR = 0xf0004abc
 *  3. STR to 0xFFFF0000, the vectors page: pte[0x1f0] has AP[2:1] = 0b11
 *     (read-only at PL1 and PL0): permission fault, level 3, write
 *                                          => DFSR = 0x00000a0f
 *                                              DFAR = 0xffff0000
 *  4. UDF #0 (0xe7f000f0) -> undefined instruction vector (0xffff0004).
 *  5. BLX to 0xB0100000 (TTBR0, PMD 2 entry 0x180 = 0): prefetch abort,
 *     IFSR translation fault level 2         => IFSR = 0x00000206
 *                                              IFAR = 0xb0100000
 *  6. LDR from 0xF0005000: pte[5] is a valid page with AF = 0 (bit 10):
 *     access flag fault, level 3, STATUS = 0b001011, read
 *                                          => DFSR = 0x0000020b
 *                                              DFAR = 0xf0005000
 */
#include "kernel.h"
#include "memory.h"

extern void setup_mode_stacks(void);
extern uint32_t probe_read(uint32_t va);
extern void probe_write(uint32_t va, uint32_t val);
extern void probe_undef(void);
extern void probe_exec(uint32_t va);
extern char probe_read_insn[], probe_write_insn[], probe_undef_insn[];
extern uint8_t ro_page[];

static volatile uint32_t last_fsr, last_far, last_pc, n_dabt, n_pabt, n_und;

/* Copy the vector block into the vectors page through its lowmem alias. */
void early_trap_init(void *vectors_alias)
{
	uint32_t n = (uint32_t)(__vectors_end - __vectors_start);
	uint32_t ctr = read_cp15(0, c0, c0, 1);
	uint32_t line = 4u << ((ctr >> 16) & 0xf);

	memcpy(vectors_alias, __vectors_start, n);
	/* flush_icache_range: clean D to PoU, then invalidate I and the predictor */
	for (uintptr_t a = (uintptr_t)vectors_alias & ~(uintptr_t)(line - 1);
	     a < (uintptr_t)vectors_alias + n; a += line)
		write_cp15(a, 0, c7, c11, 1);		/* DCCMVAU */
	dsb();
	write_cp15(0, 0, c7, c5, 0);			/* ICIALLU */
	write_cp15(0, 0, c7, c5, 6);			/* BPIALL */
	dsb();
	isb();
	printk("early_trap_init: %u bytes of vectors copied to the vectors page (lowmem 0x%08x, phys 0x%08x)\n",
	       n, (uint32_t)(uintptr_t)vectors_alias, virt_to_phys(vectors_alias));
}

#ifdef CONFIG_ARM_LPAE
/* Long-descriptor FSR STATUS[5:0] (table B3-24); levels in STATUS[1:0] */
static const char *fsr_name(uint32_t status)
{
	switch (status >> 2) {
	case 0x0: return "address size fault";
	case 0x1: return "translation fault";
	case 0x2: return "access flag fault";
	case 0x3: return "permission fault";
	case 0x5: return "synchronous external abort on translation table walk";
	default: break;
	}
	switch (status) {
	case 0x10: return "synchronous external abort";
	case 0x21: return "alignment fault";
	case 0x22: return "debug event";
	case 0x30: return "TLB conflict abort";
	default:   return "other";
	}
}
#else
static const char *fsr_name(uint32_t fs)
{
	switch (fs) {
	case 0x01: return "alignment fault";
	case 0x02: return "debug event";
	case 0x03: return "access flag fault, section";
	case 0x04: return "cache maintenance fault";
	case 0x05: return "translation fault, section";
	case 0x06: return "access flag fault, page";
	case 0x07: return "translation fault, page";
	case 0x08: return "synchronous external abort";
	case 0x09: return "domain fault, section";
	case 0x0b: return "domain fault, page";
	case 0x0c: return "external abort on translation, first level";
	case 0x0d: return "permission fault, section";
	case 0x0e: return "external abort on translation, second level";
	case 0x0f: return "permission fault, page";
	default:   return "other";
	}
}
#endif

static void record(uint32_t pc, uint32_t fsr, uint32_t far)
{
	last_pc = pc;
	last_fsr = fsr;
	last_far = far;
}

void do_DataAbort(uint32_t pc, uint32_t dfsr, uint32_t dfar, uint32_t spsr)
{
	n_dabt++;
	record(pc, dfsr, dfar);
	printk("data abort: DFSR=0x%08x DFAR=0x%08x\n", dfsr, dfar);
#ifdef CONFIG_ARM_LPAE
	uint32_t status = dfsr & 0x3f;
	printk("  pc=0x%08x spsr=0x%08x LPAE=%u STATUS=0x%02x (%s, level %u) %s\n", pc, spsr,
	       (dfsr >> 9) & 1, status, fsr_name(status), status & 3,
	       dfsr & (1 << 11) ? "write" : "read");
#else
	uint32_t fs = (dfsr & 0xf) | ((dfsr >> 6) & 0x10);
	printk("  pc=0x%08x spsr=0x%08x FS=0x%02x (%s) domain=%u %s\n", pc, spsr, fs,
	       fsr_name(fs), (dfsr >> 4) & 0xf, dfsr & (1 << 11) ? "write" : "read");
#endif
}

void do_undefinstr(uint32_t pc, uint32_t insn, uint32_t spsr)
{
	n_und++;
	record(pc, 0, 0);
	printk("undefined instruction: PC=0x%08x insn=0x%08x spsr=0x%08x\n", pc, insn, spsr);
}

extern uint32_t pabt_fixup;

uint32_t do_PrefetchAbort(uint32_t pc, uint32_t ifsr, uint32_t ifar, uint32_t spsr)
{
	n_pabt++;
	record(pc, ifsr, ifar);
	printk("prefetch abort: IFSR=0x%08x IFAR=0x%08x\n", ifsr, ifar);
#ifdef CONFIG_ARM_LPAE
	uint32_t status = ifsr & 0x3f;
	printk("  pc=0x%08x spsr=0x%08x LPAE=%u STATUS=0x%02x (%s, level %u), resuming at 0x%08x\n",
	       pc, spsr, (ifsr >> 9) & 1, status, fsr_name(status), status & 3, pabt_fixup);
#else
	uint32_t fs = (ifsr & 0xf) | ((ifsr >> 6) & 0x10);
	printk("  pc=0x%08x spsr=0x%08x FS=0x%02x (%s), resuming at 0x%08x\n", pc, spsr, fs,
	       fsr_name(fs), pabt_fixup);
#endif
	return pabt_fixup;
}

void do_bad_exception(uint32_t vec, uint32_t spsr, uint32_t lr)
{
	printk("unexpected exception: vector %u (offset 0x%02x) spsr=0x%08x lr=0x%08x, halting\n",
	       vec, vec * 4, spsr, lr);
}

#ifdef FW_FAULT
/* The expected fault status values, derived in the comment at the top. */
#ifdef CONFIG_ARM_LPAE
#define FSR_TEST1	0x00000206u	/* LPAE | translation fault, level 2 */
#define FSR_TEST2	0x00000a0fu	/* LPAE | WnR | permission fault, level 3 */
#define FSR_TEST3	0x00000a0fu	/* LPAE | WnR | permission fault, level 3 */
#define FSR_TEST5	0x00000206u	/* LPAE | translation fault, level 2 */
#define FSR_TEST6	0x0000020bu	/* LPAE | access flag fault, level 3 */
#define NR_FAULT_TESTS_STR "6"
#else
#define FSR_TEST1	0x00000005u	/* translation fault, section */
#define FSR_TEST2	0x0000080fu	/* WnR | permission fault, page, domain 0 */
#define FSR_TEST3	0x0000083fu	/* WnR | domain 3 | permission fault, page */
#define FSR_TEST5	0x00000005u	/* translation fault, section */
#define NR_FAULT_TESTS_STR "5"
#endif

static int check(int n, const char *what, uint32_t cnt_before, volatile uint32_t *cnt,
		 uint32_t pc, uint32_t fsr, uint32_t far)
{
	int ok = *cnt == cnt_before + 1 && last_pc == pc && last_fsr == fsr && last_far == far;
	printk("fault test %d: %s: FSR=0x%08x (expected 0x%08x) FAR=0x%08x (expected 0x%08x) "
	       "pc=0x%08x: %s\n", n, what, last_fsr, fsr, last_far, far, last_pc,
	       ok ? "PASS" : "FAIL");
	return ok;
}

void run_fault_tests(void)
{
	int pass = 0;
	uint32_t c, v;

	setup_mode_stacks();
	uint32_t sctlr = read_cp15(0, c1, c0, 0) | CR_V;
	write_cp15(sctlr, 0, c1, c0, 0);
	isb();
	printk("traps: high vectors enabled (SCTLR.V=1, SCTLR=0x%08x), vector table at 0x%08x\n",
	       read_cp15(0, c1, c0, 0), VECTORS_BASE);

	/* 1: read of an unmapped VA, L1 entry is a fault entry */
	c = n_dabt;
	v = probe_read(0xB0000000u);
	pass += check(1, "read unmapped 0xb0000000", c, &n_dabt, (uint32_t)probe_read_insn,
		      FSR_TEST1, 0xb0000000u) && v == 0xdeadbeefu;

	/* 2: write to a PL1 read-only small page */
	v = probe_read(0xF0004ABCu);		/* reading it is allowed */
	c = n_dabt;
	probe_write(0xF0004ABCu, 0x12345678u);
	pass += check(2, "write read-only page 0xf0004abc", c, &n_dabt,
		      (uint32_t)probe_write_insn, FSR_TEST2, 0xf0004abcu) &&
		v == 0x0ddba11u && ((volatile uint32_t *)ro_page)[0xabc / 4] == 0x0ddba11u;

	/* 3: write to the (read-only, domain 3) vectors page */
	c = n_dabt;
	probe_write(VECTORS_BASE, 0);
	pass += check(3, "write vectors page 0xffff0000", c, &n_dabt,
		      (uint32_t)probe_write_insn, FSR_TEST3, 0xffff0000u);

	/* 4: undefined instruction */
	c = n_und;
	probe_undef();
	pass += check(4, "undefined instruction", c, &n_und, (uint32_t)probe_undef_insn, 0, 0);

	/* 5: prefetch abort: execute from an unmapped VA */
	c = n_pabt;
	probe_exec(0xB0100000u);
	pass += check(5, "execute unmapped 0xb0100000", c, &n_pabt, 0xb0100000u,
		      FSR_TEST5, 0xb0100000u);

#ifdef CONFIG_ARM_LPAE
	/* 6: read of a valid page whose AF is 0 (no hardware access flag management) */
	c = n_dabt;
	v = probe_read(VMALLOC_START + 5 * PAGE_SIZE);
	pass += check(6, "read AF=0 page 0xf0005000", c, &n_dabt, (uint32_t)probe_read_insn,
		      FSR_TEST6, VMALLOC_START + 5 * PAGE_SIZE) && v == 0xdeadbeefu;
#endif

	printk("fault tests: %d/" NR_FAULT_TESTS_STR " passed\n", pass);
}
#endif
