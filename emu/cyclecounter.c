/* The guest-visible cycle counter: the cycle model's count, readable by benchmarks inside the
 * guest.
 * - AArch32: a 4 KiB MMIO page at cycles.base (default 0x09010000), 32-bit registers:
 *     0x00 CYCLES_LO  0x04 CYCLES_HI (latched when CYCLES_LO is read)
 *     0x08 INSNS_LO   0x0c INSNS_HI  (latched when INSNS_LO is read)
 *     0x10 ID = 0x4353'4d4d ("MMSC" in memory order)
 *   Writes are ignored. Unicorn 2.0.1 has no MRC hook, so PMCCNTR via MRC is not offered.
 * - AArch64: MRS PMCCNTR_EL0 (op0 3, op1 3, CRn 9, CRm 13, op2 0) returns the count.
 * Cycles are charged when a translation block starts, so a read includes the cost of the rest
 * of its own block. With --core none there is no model and the counter reads 0. */
#include <stdio.h>

#include "machine_internal.h"

#define CC_ID 0x43534d4du

static uint64_t now_cycles(Machine *m)
{
    TlbModel *t = machine_tlb(m);
    return t ? tlb_cycles(t) : 0;
}

static uint64_t cc_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    switch (off) {
    case 0x00: m->cc_latch = now_cycles(m); return (uint32_t)m->cc_latch;
    case 0x04: return (uint32_t)(m->cc_latch >> 32);
    case 0x08: m->cc_ilatch = m->insns; return (uint32_t)m->cc_ilatch;
    case 0x0c: return (uint32_t)(m->cc_ilatch >> 32);
    case 0x10: return CC_ID;
    default: return 0;
    }
}

static void cc_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc, (void)off, (void)size, (void)v, (void)user;
}

static uint32_t on_mrs(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
    (void)uc;
    Machine *m = user;
    if (cp->op0 == 3 && cp->op1 == 3 && cp->crn == 9 && cp->crm == 13 && cp->op2 == 0) {
        set_reg64(m, reg, now_cycles(m));
        return 1; /* skip the instruction: we wrote its result */
    }
    return 0;
}

bool cyclecounter_attach(Machine *m, char *err, size_t errlen)
{
    uc_err e;
    if (m->a64) {
        uc_hook h;
        e = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)on_mrs, m, 1, 0, UC_ARM64_INS_MRS);
        if (e != UC_ERR_OK) {
            snprintf(err, errlen, "cannot add the MRS hook: %s", uc_strerror(e));
            return false;
        }
        return true;
    }
    if (!m->cfg.cycles_base)
        return true;
    e = uc_mmio_map(m->uc, m->cfg.cycles_base, 0x1000, cc_read, m, cc_write, m);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot map the cycle counter at 0x%llx: %s", (unsigned long long)m->cfg.cycles_base,
                 uc_strerror(e));
        return false;
    }
    return true;
}
