/* The Generic Timer (ARM ARM DDI 0487 D11) for AArch64 guests, driven by mmuscope's clock
 * instead of the host's: the system counter advances with the cycle model (cycles * CNTFRQ /
 * machine.cpu_hz; instructions when no model runs), plus whatever idle time a WFI skipped, so
 * a run is deterministic. MRS of CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0 and the EL1 physical and
 * virtual timers' CTL/CVAL/TVAL return this model's values; MSR to the timers is taken here.
 * A timer whose condition is met (ENABLE, CVAL <= count) asserts its PPI at the GIC while
 * IMASK is clear: 30 for the physical timer, 27 for the virtual one (the DTB says so). */
#include <stdio.h>

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
