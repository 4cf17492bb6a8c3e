/* The run loop: uc_emu_start until the guest powers off, a limit is hit or something fails. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "machine_internal.h"

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Unicorn returns from uc_emu_start after a WFI (the PC past it) when nothing can wake the core
 * (measured, AArch64 and AArch32). With an interrupt already pending the core resumes; with a
 * timer armed the system counter skips the idle time to its deadline, as a real core would
 * sleep until it fires. */
static bool after_wfi(Machine *m)
{
    uint32_t insn = 0;
    uint16_t hw = 0;
    uint64_t pc = machine_pc(m);
    if (m->a64)
        return fetch_code(m, pc - 4, &insn, 4) && insn == 0xd503207fu; /* A64 WFI */
    if (reg32(m, UC_ARM_REG_CPSR) & (1u << 5)) /* T32: WFI (0xbf30) or WFI.W (0xf3af 0x8003) */
        return (fetch_code(m, pc - 2, &hw, 2) && hw == 0xbf30) ||
               (fetch_code(m, pc - 4, &insn, 4) && insn == 0x8003f3afu);
    return fetch_code(m, pc - 4, &insn, 4) && (insn & 0x0fffffffu) == 0x0320f003u && insn >> 28 != 0xf; /* A32 */
}

static bool wfi_wakes(Machine *m)
{
    if (!after_wfi(m))
        return false;
    if (m->gic.irq_line)
        return true;
    if (!gtimer_idle(m))
        return false;
    m->wfi_count++;
    return m->gic.irq_line;
}

void machine_run(Machine *m, RunStats *st)
{
    double t0 = now_seconds();
    if (m->cfg.timeout > 0) {
        clock_gettime(CLOCK_MONOTONIC, &m->deadline);
        double whole = (double)(long long)m->cfg.timeout;
        m->deadline.tv_sec += (time_t)whole;
        m->deadline.tv_nsec += (long)((m->cfg.timeout - whole) * 1e9);
        if (m->deadline.tv_nsec >= 1000000000L) {
            m->deadline.tv_sec++;
            m->deadline.tv_nsec -= 1000000000L;
        }
        m->has_deadline = true;
    }
    m->progress = isatty(STDERR_FILENO);
    while (m->reason == Exit_None) {
        uint64_t pc = machine_pc(m);
        bool thumb = !m->a64 && (reg32(m, UC_ARM_REG_CPSR) & (1u << 5));
        if (m->cfg.stop_at && pc == m->cfg.stop_at) {
            machine_stop(m, Exit_StopAt, "reached --stop-at pc 0x%llx (not executed)", (unsigned long long)pc);
            break;
        }
        /* Unicorn's `until`: checked as each instruction is translated, it ends the block before
         * that address, so a stop costs nothing while the guest runs */
        uc_err e = uc_emu_start(m->uc, pc | thumb, m->cfg.stop_at ? m->cfg.stop_at : UINT64_MAX, 0, 0);
        if (m->reason != Exit_None)
            break;
        if (e == UC_ERR_OK && m->cfg.stop_at && machine_pc(m) == m->cfg.stop_at && m->pending == Pending_None)
            continue; /* reported at the top of the loop */
        if (m->pending == Pending_DataAbort) {
            if (m->a64)
                a64_handle_pending_abort(m);
            else
                handle_pending_abort(m);
        } else if (e == UC_ERR_INSN_INVALID) {
            if (m->a64)
                a64_handle_invalid_insn(m);
            else
                handle_invalid_insn(m);
        } else if (e == UC_ERR_OK && wfi_wakes(m)) {
            continue;
        } else if (e != UC_ERR_OK) {
            machine_stop(m, Exit_EngineError, "engine stopped: %s at pc 0x%llx", uc_strerror(e),
                         (unsigned long long)machine_pc(m));
        } else {
            machine_stop(m, Exit_EngineError,
                         "engine stopped at pc 0x%llx with nothing left to run (a WFI that no interrupt can end?)",
                         (unsigned long long)machine_pc(m));
        }
    }
    pl011_flush(m);
    if (m->progress_shown)
        fputc('\n', stderr);
    memset(st, 0, sizeof *st);
    st->insns = m->insns;
    st->insns_mmu_on = m->insns_mmu_on;
    st->blocks = m->blocks;
    st->exceptions = m->exceptions;
    st->irqs = m->irqs_taken;
    st->wfi_idle = m->wfi_count;
    st->wall_seconds = now_seconds() - t0;
    st->reason = m->reason;
    snprintf(st->message, sizeof st->message, "%s", m->msg);
}
