/* Exception delivery for AArch64 guests at EL1 (ARM ARM DDI0487 D1.10).
 *
 * Measured on Unicorn 2.0.1 (cortex-a53, SCR_EL3 = NS|HCE|RW, HCR_EL2 = RW): the core resets
 * at EL1h with DAIF masked; SVC arrives as intno 2, HVC as intno 11 and SMC as intno 13, each
 * with the PC past the instruction (with SCR_EL3.HCE = 0 an HVC is UNDEFINED: intno 1, PC on
 * it); aborts as intno 3/4 with the PC on the faulting instruction. ESR/FAR are not written, so
 * mmuscope's long-descriptor walker supplies the fault status code.
 *
 * Same-EL delivery writes ESR/FAR/ELR/SPSR_EL1 and PSTATE and moves the PC (ENGINE.md 3).
 * EL0 -> EL1 cannot be done by a PSTATE write (SP and cached flags are not switched), so a
 * virtual IRQ is raised (HCR_EL2.IMO|VI) and taken natively to VBAR_EL1 + 0x480, where a block
 * hook turns it into the synchronous exception: HCR_EL2 restored, ESR/FAR written, PC moved to
 * VBAR_EL1 + 0x400. ELR_EL1 and SPSR_EL1 are the ones the IRQ entry saved.
 * The block hook stays on VBAR_EL1 + 0x480 for as long as VBAR_EL1 holds that value (it passes
 * real interrupts from EL0 through): a hook added at delivery time would miss a translation
 * block the engine already holds for the vector, and uc_ctl_remove_cache cannot drop it then,
 * because at EL0 the kernel's vector page does not translate for instruction fetch (measured:
 * Debian's arm64 kernel, once user space took timer interrupts, looped on spurious IRQs). */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

#define HCR_RW (1ull << 31)
#define HCR_IMO (1ull << 4)
#define HCR_VI (1ull << 7)
#define PSTATE_I (1u << 7)

#define EC_UNKNOWN 0x00
#define EC_SVC64 0x15
#define EC_IABT_LOW 0x20
#define EC_IABT_CUR 0x21
#define EC_DABT_LOW 0x24
#define EC_DABT_CUR 0x25
#define ESR_IL (1u << 25)
#define ISS_WNR (1u << 6)
/* ESR_EL1, FAR_EL1, ELR_EL1, SPSR_EL1 go through UC_ARM64_REG_CP_REG (op0 3, op1 0):
 * (5,2,0), (6,0,0), (4,0,1), (4,0,0) -- 2.0.1 has no named SPSR_EL1. */

static uint32_t current_el(Machine *m)
{
    return (reg32(m, UC_ARM64_REG_PSTATE) >> 2) & 3;
}

static void uncount_block_tail(Machine *m, uint64_t pc)
{
    if (!m->have_cur || pc < m->cur.va || pc >= m->cur.va + m->cur.size)
        return;
    uint32_t n = (uint32_t)((m->cur.va + m->cur.size - pc) / 4);
    m->insns -= n;
    if (machine_mmu_on(m))
        m->insns_mmu_on -= n;
}

static const char *ec_name(uint32_t ec)
{
    switch (ec) {
    case EC_SVC64: return "svc";
    case EC_IABT_LOW: case EC_IABT_CUR: return "prefetch_abort";
    case EC_DABT_LOW: case EC_DABT_CUR: return "data_abort";
    default: return "undefined";
    }
}

/* The CPU's virtual IRQ input: HCR_EL2 = RW, with IMO|VI while `level`. */
void a64_set_virq(Machine *m, bool level)
{
    a64_sysreg_write(m, 3, 4, 1, 1, 0, HCR_RW | (level ? HCR_IMO | HCR_VI : 0));
}

static void on_el0_vector(uc_engine *uc, uint64_t va, uint32_t size, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    if (!m->el0_pending || va != m->a64r.vbar + 0x480)
        return;
    m->el0_pending = false;
    a64_set_virq(m, m->gic.irq_line);
    a64_sysreg_write(m, 3, 0, 5, 2, 0, m->el0_pending_esr);
    a64_sysreg_write(m, 3, 0, 6, 0, 0, m->el0_pending_far);
    set_reg64(m, UC_ARM64_REG_PC, m->a64r.vbar + 0x400);
}

/* pc: the instruction that raised it; ret: ELR_EL1 (preferred return address). */
static void take(Machine *m, uint32_t ec, uint32_t iss, uint64_t pc, uint64_t ret, uint64_t far,
                 const FaultRecord *f)
{
    uint32_t el = current_el(m);
    bool lower = el == 0;
    if (lower && (ec == EC_IABT_CUR || ec == EC_DABT_CUR))
        ec--; /* the "lower EL" forms */
    uint32_t esr = ec << 26 | ESR_IL | (iss & 0x1ffffff);
    uint64_t vbar = m->a64r.vbar;
    uint32_t pstate = reg32(m, UC_ARM64_REG_PSTATE);
    uint64_t off = lower ? 0x400 : (pstate & 1) ? 0x200 : 0x000; /* SPSel */
    uint64_t vec = vbar + off;
    m->exceptions++;
    m->have_cur = false;
    if (el > 1 || !machine_fetchable_privileged(m, vec)) {
        event_emit(m->ev, Ev_Exception, pc, m->insns,
                   "\"type\":\"%s\",\"esr\":\"0x%08x\",\"far\":\"0x%016llx\",\"vector\":\"none\"", ec_name(ec), esr,
                   (unsigned long long)far);
        machine_stop(m, Exit_NoVector, "guest took a %s exception (ESR 0x%08x) at pc 0x%llx at EL%u with no "
                     "vector: VBAR_EL1 + 0x%llx = 0x%llx is not mapped to memory", ec_name(ec), esr,
                     (unsigned long long)pc, el, (unsigned long long)off, (unsigned long long)vec);
        return;
    }
    event_emit(m->ev, Ev_Exception, pc, m->insns,
               "\"type\":\"%s\",\"esr\":\"0x%08x\",\"far\":\"0x%016llx\",\"vector\":\"0x%016llx\",\"el\":%u%s%s%s",
               ec_name(ec), esr, (unsigned long long)far, (unsigned long long)vec, el, f ? ",\"fault\":\"" : "",
               f ? fault_type_name(f->type) : "", f ? "\"" : "");
    if (!lower) {
        a64_sysreg_write(m, 3, 0, 5, 2, 0, esr);
        a64_sysreg_write(m, 3, 0, 6, 0, 0, far);
        a64_sysreg_write(m, 3, 0, 4, 0, 1, ret);
        a64_sysreg_write(m, 3, 0, 4, 0, 0, pstate);
        set_reg32(m, UC_ARM64_REG_PSTATE, 0x3c5); /* EL1h, DAIF masked */
        set_reg64(m, UC_ARM64_REG_PC, vec);
        return;
    }
    /* EL0: through a virtual IRQ (see the top of the file) */
    m->el0_pending = true;
    m->el0_pending_esr = esr;
    m->el0_pending_far = far;
    set_reg64(m, UC_ARM64_REG_PC, ret);
    set_reg32(m, UC_ARM64_REG_PSTATE, pstate & ~PSTATE_I);
    a64_set_virq(m, true);
}

static void undefined(Machine *m, uint64_t pc)
{
    take(m, EC_UNKNOWN, 0, pc, pc, 0, NULL);
}

static void instruction_abort(Machine *m, uint64_t pc)
{
    Xlate x;
    machine_translate(m, pc, Access_Fetch, current_el(m) > 0, &x);
    if (x.ok) {
        event_emit(m->ev, Ev_Error, pc, m->insns,
                   "\"error\":\"walker_disagreement\",\"detail\":\"the engine took an instruction abort at "
                   "0x%llx where mmuscope's walker finds a mapping\"", (unsigned long long)pc);
        machine_stop(m, Exit_WalkerDisagreement, "engine took an instruction abort at 0x%llx where "
                     "mmuscope's walker finds a mapping", (unsigned long long)pc);
        return;
    }
    uncount_block_tail(m, pc);
    take(m, EC_IABT_CUR, fault_esr_fsc(&x.fault), pc, pc, pc, &x.fault);
}

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    Machine *m = user;
    uint64_t pc = machine_pc(m);
    if (m->probing) {
        m->probe_intno = intno;
        m->pending = Pending_DataAbort;
        uc_emu_stop(uc);
        return;
    }
    switch (intno) {
    case 2: { /* SVC, pc past it */
        uint32_t insn = 0;
        fetch_code(m, pc - 4, &insn, 4);
        take(m, EC_SVC64, (insn >> 5) & 0xffff, pc - 4, pc, 0, NULL);
        break;
    }
    case 11: /* HVC, pc past it */
    case 13: /* SMC */
        if ((intno == 11) == (m->cfg.psci == Psci_HVC)) {
            psci_call(m, pc - 4);
        } else {
            set_reg64(m, UC_ARM64_REG_PC, pc - 4);
            undefined(m, pc - 4);
        }
        break;
    case 1:
        undefined(m, pc);
        break;
    case 3: /* instruction abort, pc on the instruction */
        instruction_abort(m, pc);
        break;
    case 4: /* data abort: the VA is recovered in the run loop */
        m->pending = Pending_DataAbort;
        m->pending_pc = pc;
        m->pending_el = current_el(m);
        uc_emu_stop(uc);
        break;
    default:
        machine_stop(m, Exit_EngineError, "engine raised exception %u at pc 0x%llx", intno, (unsigned long long)pc);
    }
}

static void on_probe_access(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value, void *user)
{
    (void)uc;
    (void)value;
    Machine *m = user;
    if (!m->probing)
        return;
    Access a = {addr, size, type == UC_MEM_WRITE};
    int max = (int)(sizeof m->probe / sizeof *m->probe);
    m->probe[m->nprobe < max ? m->nprobe++ : max - 1] = a;
}

void a64_handle_pending_abort(Machine *m)
{
    uint64_t pc = m->pending_pc;
    uc_hook h;
    m->pending = Pending_None;
    /* Between the hook's uc_emu_stop and the engine's return, an interrupt whose line is up
     * is taken natively (measured: Debian's installer at EL0, insn 2,869,798,174: intno 4 at
     * EL0, then back from uc_emu_start at EL1 on the IRQ vector). The interrupt came first,
     * as on hardware: its handler returns to the instruction, which faults again then. */
    if (machine_pc(m) != pc || current_el(m) != m->pending_el) {
        uncount_block_tail(m, pc);
        m->have_cur = false;
        return;
    }
    m->probing = true;
    m->nprobe = 0;
    /* the same one-instruction re-run as AArch32 (exception.c explains why not count = 1) */
    uc_hook_add(m->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)on_probe_access, m, 1, 0);
    uc_ctl_remove_cache(m->uc, pc, pc + 4);
    /* no interrupt may be taken during the re-run: with the GIC's line up the engine would
     * enter the IRQ vector first and the re-run would stop inside the handler (measured:
     * Debian's installer was then resumed at EL1 on a user PC) */
    bool irq = m->gic.irq_line && !m->el0_pending;
    if (irq)
        a64_set_virq(m, false);
    uc_emu_start(m->uc, pc, pc + 4, 2000000, 0);
    if (irq)
        a64_set_virq(m, true);
    uc_ctl_remove_cache(m->uc, pc, pc + 4);
    uc_hook_del(m->uc, h);
    m->probing = false;
    bool reproduced = m->pending == Pending_DataAbort;
    m->pending = Pending_None;
    set_reg64(m, UC_ARM64_REG_PC, pc);
    if (reproduced && m->probe_intno == 3) {
        /* measured: an EL0 instruction fetch from a page not yet mapped can arrive as intno 4
         * (data abort) with the PC on the instruction; run again alone it is intno 3 */
        instruction_abort(m, pc);
        return;
    }
    if (!reproduced || m->nprobe == 0) {
        char dis[96];
        disasm_one(m, pc, false, dis, sizeof dis);
        machine_stop(m, Exit_EngineError, "data abort at pc 0x%llx (%s) could not be %s", (unsigned long long)pc,
                     dis[0] ? dis : "instruction unreadable", reproduced ? "attributed to an address" : "reproduced");
        return;
    }
    const Access *a = &m->probe[m->nprobe - 1];
    Xlate x;
    machine_translate_access(m, a->va, (unsigned)a->size, a->write ? Access_Write : Access_Read, current_el(m) > 0, &x);
    if (x.ok) {
        event_emit(m->ev, Ev_Error, pc, m->insns,
                   "\"error\":\"walker_disagreement\",\"detail\":\"the engine took a data abort for a %s of 0x%llx "
                   "where mmuscope's walker finds a permitted mapping\"", a->write ? "write" : "read",
                   (unsigned long long)a->va);
        machine_stop(m, Exit_WalkerDisagreement, "engine took a data abort at pc 0x%llx (%s of 0x%llx) where "
                     "mmuscope's walker finds a permitted mapping", (unsigned long long)pc,
                     a->write ? "write" : "read", (unsigned long long)a->va);
        return;
    }
    uncount_block_tail(m, pc);
    uint32_t iss = fault_esr_fsc(&x.fault) | (a->write ? ISS_WNR : 0);
    take(m, EC_DABT_CUR, iss, pc, pc, x.fault.va, &x.fault);
}

/* A permission fault the TLB model raises from a cached entry (tlb_glue.c), called from the
 * memory hook (data) or the block hook (fetch) with the PC on the instruction `pc`: delivered
 * like the engine's own aborts (ESR_EL1.EC 0x24/0x25 or 0x20/0x21, FSC from f, WnR). */
void a64_deliver_tlb_fault(Machine *m, uint64_t pc, const FaultRecord *f)
{
    uncount_block_tail(m, pc);
    if (f->access == Access_Fetch)
        take(m, EC_IABT_CUR, fault_esr_fsc(f), pc, pc, f->va, f);
    else
        take(m, EC_DABT_CUR, fault_esr_fsc(f) | (f->access == Access_Write ? ISS_WNR : 0), pc, pc, f->va, f);
}

void a64_handle_invalid_insn(Machine *m)
{
    uint64_t pc = machine_pc(m);
    uncount_block_tail(m, pc);
    undefined(m, pc);
}

/* VBAR_EL1 is about to become `vbar` (called from the MSR hook, at EL1): move the EL0 vector
 * hook there and drop any translation of the new vector made without it. */
void a64_vbar_changed(Machine *m, uint64_t vbar)
{
    if (m->el0_hook_set && m->el0_hook_vbar == vbar)
        return;
    if (m->el0_hook_set)
        uc_hook_del(m->uc, m->el0_hook);
    uint64_t irq = vbar + 0x480;
    m->el0_hook_set = uc_hook_add(m->uc, &m->el0_hook, UC_HOOK_BLOCK, (void *)on_el0_vector, m, irq, irq) == UC_ERR_OK;
    m->el0_hook_vbar = vbar;
    uc_ctl_remove_cache(m->uc, irq, irq + 4);
}

bool a64_exceptions_attach(Machine *m, char *err, size_t errlen)
{
    uc_hook h;
    uc_err e = uc_hook_add(m->uc, &h, UC_HOOK_INTR, (void *)on_intr, m, 1, 0);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot add the interrupt hook: %s", uc_strerror(e));
        return false;
    }
    return true;
}
