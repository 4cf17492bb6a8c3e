/* The Generic Timer (ARM ARM DDI 0487 D11) for AArch64 guests, driven by mmuscope's clock
 * instead of the host's: the system counter advances with the cycle model (cycles * CNTFRQ /
 * machine.cpu_hz; instructions when no model runs), plus whatever idle time a WFI skipped, so
 * a run is deterministic. MRS of CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0 and the EL1 physical and
 * virtual timers' CTL/CVAL/TVAL return this model's values; MSR to the timers is taken here.
 * A timer whose condition is met (ENABLE, CVAL <= count) asserts its PPI at the GIC while
 * IMASK is clear: 30 for the physical timer, 27 for the virtual one (the DTB says so).
 * AArch32 guests reach the same registers through cp15 c14 (ARM ARM DDI 0406C B4.1.21-34):
 * MRC/MCR p15, 0, Rt, c14, CRm, opc2 and MRRC/MCRR p15, opc1, Rt, Rt2, c14; cyclecounter.c
 * replaces the engine's read results with gtimer_read's, observer.c passes writes on. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

#define PPI_PHYS 30
#define PPI_VIRT 27

/* the clock the counter follows: model cycles, or instructions */
static uint64_t timebase(Machine *m)
{
    TlbModel *t = machine_tlb(m);
    return t ? tlb_cycles(t) : m->insns;
}

uint64_t gtimer_count(Machine *m)
{
    return (uint64_t)((unsigned __int128)timebase(m) * m->cfg.timer_freq / m->cfg.cpu_hz) + m->gt.skipped;
}

static bool condition_met(const GTimer *t, uint64_t count)
{
    return (t->ctl & 1) && count >= t->cval;
}

/* Re-evaluates both timers: PPI levels, and the timebase value at which the next one fires. */
void gtimer_update(Machine *m)
{
    uint64_t count = gtimer_count(m);
    m->gt.due = UINT64_MAX;
    for (int i = 0; i < 2; i++) {
        GTimer *t = &m->gt.t[i];
        bool met = condition_met(t, count);
        gic_set_level(m, i ? PPI_VIRT : PPI_PHYS, met && !(t->ctl & 2));
        if ((t->ctl & 1) && !met) {
            /* first timebase value whose count reaches cval */
            uint64_t ticks = t->cval - m->gt.skipped;
            if (t->cval < m->gt.skipped)
                ticks = 0;
            unsigned __int128 tb = ((unsigned __int128)ticks * m->cfg.cpu_hz + m->cfg.timer_freq - 1) / m->cfg.timer_freq;
            uint64_t due = tb > UINT64_MAX ? UINT64_MAX : (uint64_t)tb;
            if (due < m->gt.due)
                m->gt.due = due;
        }
    }
}

void gtimer_check(Machine *m)
{
    if (m->gt.due != UINT64_MAX && timebase(m) >= m->gt.due)
        gtimer_update(m);
}

bool gtimer_idle(Machine *m)
{
    /* WFI with nothing pending: jump the counter to the earliest enabled, unmasked deadline */
    uint64_t count = gtimer_count(m), next = UINT64_MAX;
    for (int i = 0; i < 2; i++) {
        const GTimer *t = &m->gt.t[i];
        if ((t->ctl & 3) == 1 && t->cval > count && t->cval < next)
            next = t->cval;
    }
    if (next == UINT64_MAX)
        return false;
    m->gt.skipped += next - count;
    gtimer_update(m);
    return true;
}

/* op0 3, op1 3, CRn 14: CRm 0 op2 0 CNTFRQ, op2 1 CNTPCT, op2 2 CNTVCT; CRm 2 physical timer,
 * CRm 3 virtual timer: op2 0 TVAL, 1 CTL, 2 CVAL (D13.8) */
bool gtimer_read(Machine *m, const uc_arm64_cp_reg *cp, uint64_t *v)
{
    if (cp->op0 != 3 || cp->op1 != 3 || cp->crn != 14)
        return false;
    uint64_t count = gtimer_count(m);
    if (cp->crm == 0) {
        switch (cp->op2) {
        case 0: *v = m->cfg.timer_freq; return true;
        case 1:
        case 2: *v = count; return true; /* CNTVOFF_EL2 = 0 */
        default: return false;
        }
    }
    if (cp->crm != 2 && cp->crm != 3)
        return false;
    const GTimer *t = &m->gt.t[cp->crm - 2];
    switch (cp->op2) {
    case 0: *v = (uint64_t)(int64_t)(int32_t)(uint32_t)(t->cval - count); return true;
    case 1: *v = t->ctl | (condition_met(t, count) ? 4u : 0u); return true; /* ISTATUS */
    case 2: *v = t->cval; return true;
    default: return false;
    }
}

/* AArch32 cp15 c14 in AArch64 terms: the 32-bit registers keep CRm/opc2 (CNTFRQ c0,0;
 * CNTP_TVAL/CTL c2,0/1; CNTV_TVAL/CTL c3,0/1); the 64-bit ones by opc1: 0 CNTPCT, 1 CNTVCT,
 * 2 CNTP_CVAL, 3 CNTV_CVAL. False for anything else (CNTKCTL, the PL2 registers). */
bool gtimer_a32_reg(bool is64, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2, uc_arm64_cp_reg *cp)
{
    memset(cp, 0, sizeof *cp);
    cp->op0 = 3;
    cp->op1 = 3;
    cp->crn = 14;
    if (is64) {
        if (crm != 14 || opc1 > 3)
            return false;
        static const uint8_t crm_of[] = {0, 0, 2, 3}, op2_of[] = {1, 2, 2, 2};
        cp->crm = crm_of[opc1];
        cp->op2 = op2_of[opc1];
        return true;
    }
    if (crn != 14 || opc1 != 0 || !((crm == 0 && opc2 == 0) || ((crm == 2 || crm == 3) && opc2 <= 1)))
        return false;
    cp->crm = crm;
    cp->op2 = opc2;
    return true;
}

bool gtimer_write(Machine *m, const uc_arm64_cp_reg *cp)
{
    if (cp->op0 != 3 || cp->op1 != 3 || cp->crn != 14 || (cp->crm != 2 && cp->crm != 3))
        return false;
    GTimer *t = &m->gt.t[cp->crm - 2];
    switch (cp->op2) {
    case 0: t->cval = gtimer_count(m) + (uint64_t)(int64_t)(int32_t)(uint32_t)cp->val; break;
    case 1: t->ctl = (uint32_t)cp->val & 3; break;
    case 2: t->cval = cp->val; break;
    default: return false;
    }
    gtimer_update(m);
    return true;
}
