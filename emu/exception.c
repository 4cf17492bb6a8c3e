/* Exception delivery for AArch32 guests (ARM ARM B1.8).
 *
 * Unicorn swallows synchronous exceptions (shared/ENGINE.md section 3); measured on 2.0.1 with
 * cortex-a7/a15: SVC arrives as intno 2 and SMC as intno 13 with the PC already past the
 * instruction; prefetch/data aborts as intno 3/4 with the PC on the faulting instruction;
 * UNDEF (and HVC, which these models do not implement) never reach the hook: uc_emu_start
 * returns UC_ERR_INSN_INVALID with the PC on the instruction. The fault status is not exposed,
 * so mmuscope's own walker supplies DFSR/IFSR, and the faulting VA of a data abort is recovered
 * by re-running the instruction once with a memory hook. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

#define CPSR_T (1u << 5)
#define CPSR_F (1u << 6)
#define CPSR_I (1u << 7)
#define CPSR_A (1u << 8)
#define CPSR_E (1u << 9)
#define CPSR_J (1u << 24)
#define CPSR_IT 0x0600fc00u
#define SCTLR_EE (1u << 25)
#define SCTLR_TE (1u << 30)

static const struct {
    const char *name;
    uint32_t offset, mode;
} exc_info[] = {
    [Exc_Undefined] = {"undefined", 0x04, 0x1b},
    [Exc_SVC] = {"svc", 0x08, 0x13},
    [Exc_PrefetchAbort] = {"prefetch_abort", 0x0c, 0x17},
    [Exc_DataAbort] = {"data_abort", 0x10, 0x17},
    [Exc_IRQ] = {"irq", 0x18, 0x12},
};

/* Takes back the instructions of the current block from `pc` on: they did not complete. */
static void uncount_from(Machine *m, uint64_t pc)
{
    if (!m->have_cur || pc < m->cur.va || pc >= m->cur.va + m->cur.size)
        return;
    uint32_t n = count_insns(m, pc, m->cur.va + m->cur.size, m->cur.thumb);
    m->insns -= n;
    if (m->regs.sctlr & SCTLR_M)
        m->insns_mmu_on -= n;
}

void take_exception(Machine *m, ExcType t, uint64_t pc, const FaultRecord *f)
{
    uint32_t cpsr = reg32(m, UC_ARM_REG_CPSR);
    bool thumb = cpsr & CPSR_T;
    uint32_t sctlr = m->regs.sctlr;
    uint64_t lr;
    switch (t) {
    case Exc_Undefined:
        /* +2 in Thumb state whether the instruction is 16 or 32 bits wide (ARM ARM B1.8.3,
         * Table B1-7): Linux's __und_usr_thumb reads the first halfword at LR - 2 (measured:
         * with +4 every VFP instruction of Debian's armhf user space was a SIGILL) */
        lr = pc + (thumb ? 2 : 4);
        break;
    case Exc_SVC: lr = pc + (thumb ? 2 : 4); break;
    case Exc_PrefetchAbort: lr = pc + 4; break;
    case Exc_IRQ: lr = pc + 4; break; /* pc: the next instruction to execute (B1.8.10) */
    default: lr = pc + 8; break;
    }
    uint64_t base = (sctlr & SCTLR_V) ? 0xffff0000u : (cp15_read(m, 12, 0, 0, 0) & ~0x1fu);
    uint64_t vec = base + exc_info[t].offset;
    uint32_t fsr = 0;
    uint64_t far = 0;
    bool lpae = m->regs.ttbcr & (1u << 31); /* TTBCR.EAE: long-descriptor FSR format */
    if (t == Exc_DataAbort) {
        fsr = lpae ? fault_v7_long_dfsr(f) : fault_v7_short_dfsr(f);
        far = f->va;
    } else if (t == Exc_PrefetchAbort) {
        fsr = lpae ? fault_v7_long_ifsr(f) : fault_v7_short_ifsr(f);
        far = f->va;
    }
    if (t != Exc_IRQ) /* interrupts are counted by the GIC (acknowledged ones) */
        m->exceptions++;
    m->have_cur = false;
    if (vec == m->last_vector && t == Exc_PrefetchAbort && pc == vec) {
        machine_stop(m, Exit_NoVector, "prefetch abort on the %s vector itself at 0x%llx", exc_info[t].name,
                     (unsigned long long)vec);
        return;
    }
    if (!machine_fetchable_privileged(m, vec)) {
        event_emit(m->ev, Ev_Exception, pc, m->insns,
                   "\"type\":\"%s\",\"fsr\":\"0x%08x\",\"far\":\"0x%08llx\",\"vector\":\"none\"",
                   exc_info[t].name, fsr, (unsigned long long)far);
        machine_stop(m, Exit_NoVector,
                     "guest took a %s exception at pc 0x%llx%s with no vector: 0x%llx is not mapped to memory",
                     exc_info[t].name, (unsigned long long)pc,
                     t >= Exc_PrefetchAbort ? (t == Exc_DataAbort ? " (data abort)" : " (prefetch abort)") : "",
                     (unsigned long long)vec);
        return;
    }
    if (t != Exc_IRQ) /* AArch64's are taken by the engine unseen: neither reports them */
        event_emit(m->ev, Ev_Exception, pc, m->insns,
                   "\"type\":\"%s\",\"fsr\":\"0x%08x\",\"far\":\"0x%08llx\",\"vector\":\"0x%08llx\"%s%s%s",
                   exc_info[t].name, fsr, (unsigned long long)far, (unsigned long long)vec,
                   f ? ",\"fault\":\"" : "", f ? fault_type_name(f->type) : "", f ? "\"" : "");
    m->last_vector = vec;
    if (t == Exc_DataAbort) {
        cp15_write(m, 5, 0, 0, 0, fsr);
        cp15_write(m, 6, 0, 0, 0, (uint32_t)far);
    } else if (t == Exc_PrefetchAbort) {
        cp15_write(m, 5, 0, 0, 1, fsr);
        cp15_write(m, 6, 0, 0, 2, (uint32_t)far);
    }
    uint32_t ncpsr = (cpsr & ~(0x1fu | CPSR_T | CPSR_J | CPSR_IT | CPSR_E)) | exc_info[t].mode | CPSR_I;
    if (t == Exc_PrefetchAbort || t == Exc_DataAbort || t == Exc_IRQ)
        ncpsr |= CPSR_A;
    if (sctlr & SCTLR_TE)
        ncpsr |= CPSR_T;
    if (sctlr & SCTLR_EE)
        ncpsr |= CPSR_E;
    set_reg32(m, UC_ARM_REG_CPSR, ncpsr);
    set_reg32(m, UC_ARM_REG_SPSR, cpsr);
    set_reg32(m, UC_ARM_REG_LR, (uint32_t)lr);
    a32_set_pc(m, (uint32_t)vec, ncpsr & CPSR_T);
}

/* The GIC's output on an AArch32 CPU: Unicorn 2.0.1 has no IRQ input for one, so the line is
 * sampled at each block start and the exception taken there by register writes (as for the
 * synchronous ones; a PC write in the block hook stops the block before its first instruction).
 * An interrupt is therefore seen at most one block late. */
bool a32_irq_check(Machine *m, uint64_t pc)
{
    if (reg32(m, UC_ARM_REG_CPSR) & CPSR_I)
        return false;
    take_exception(m, Exc_IRQ, pc, NULL);
    return true;
}

static FaultRecord walk_fault(Machine *m, uint64_t va, unsigned size, AccessType a, bool *mapped)
{
    Xlate x;
    machine_translate_access(m, va, size, a, privileged_now(m), &x);
    *mapped = x.ok;
    return x.fault;
}

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    Machine *m = user;
    uint64_t pc = reg32(m, UC_ARM_REG_PC);
    bool thumb = reg32(m, UC_ARM_REG_CPSR) & CPSR_T;
    if (m->probing) {
        m->pending = Pending_DataAbort; /* reproduced */
        uc_emu_stop(uc);
        return;
    }
    switch (intno) {
    case 2: /* SVC, pc is past it */
        take_exception(m, Exc_SVC, pc - (thumb ? 2 : 4), NULL);
        break;
    case 13: /* SMC, pc is past it */
        if (m->cfg.psci == Psci_SMC)
            psci_call(m, pc - 4);
        else
            take_exception(m, Exc_Undefined, pc - 4, NULL);
        break;
    case 3: { /* prefetch abort, pc on the instruction */
        bool mapped;
        FaultRecord f = walk_fault(m, pc, 1, Access_Fetch, &mapped);
        if (mapped) {
            event_emit(m->ev, Ev_Error, pc, m->insns,
                       "\"error\":\"walker_disagreement\",\"detail\":\"the engine took a prefetch abort "
                       "at 0x%llx where mmuscope's walker finds a mapping\"", (unsigned long long)pc);
            machine_stop(m, Exit_WalkerDisagreement,
                         "engine took a prefetch abort at 0x%llx where mmuscope's walker finds a mapping",
                         (unsigned long long)pc);
            return;
        }
        uncount_from(m, pc);
        take_exception(m, Exc_PrefetchAbort, pc, &f);
        break;
    }
    case 4: /* data abort: the VA is recovered in the run loop */
        m->pending = Pending_DataAbort;
        m->pending_pc = pc;
        uc_emu_stop(uc);
        break;
    default:
        machine_stop(m, Exit_EngineError, "engine raised exception %u at pc 0x%llx", intno,
                     (unsigned long long)pc);
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
    if (m->nprobe < (int)(sizeof m->probe / sizeof *m->probe))
        m->probe[m->nprobe++] = a;
    else
        m->probe[sizeof m->probe / sizeof *m->probe - 1] = a;
}

void handle_pending_abort(Machine *m)
{
    uint64_t pc = m->pending_pc;
    bool thumb = reg32(m, UC_ARM_REG_CPSR) & CPSR_T;
    uc_hook h;
    m->pending = Pending_None;
    m->probing = true;
    m->nprobe = 0;
    uc_hook_add(m->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)on_probe_access, m, 1, 0);
    /* Re-run just this instruction. Not with count = 1 (shared/ENGINE.md section 3): the next
     * uc_emu_start with count = 0 then deletes Unicorn's count hook and flushes every translated
     * block (tb_flush -> tcg_region_reset_all), which measured ~0.4 s per abort here. Instead the
     * block at pc is dropped and retranslated with `until` = the next instruction, where the
     * translator stops (arm_tr_translate_insn checks uc_addr_is_exit); that block is dropped
     * again afterwards so normal execution never meets the stop. A 2 s timeout bounds a
     * non-faulting branch (only possible when the engine and our walker disagree). */
    uint64_t len = 4;
    if (thumb) {
        uint16_t hw = 0;
        len = fetch_code(m, pc, &hw, 2) && !t32_is_wide(hw) ? 2 : 4;
    }
    uc_ctl_remove_cache(m->uc, pc, pc + len);
    uc_emu_start(m->uc, pc | thumb, pc + len, 2000000, 0);
    uc_ctl_remove_cache(m->uc, pc, pc + len);
    uc_hook_del(m->uc, h);
    m->probing = false;
    bool reproduced = m->pending == Pending_DataAbort;
    m->pending = Pending_None;
    if (!reproduced || m->nprobe == 0) {
        machine_stop(m, Exit_EngineError, "data abort at pc 0x%llx could not be %s", (unsigned long long)pc,
                     reproduced ? "attributed to an address" : "reproduced");
        return;
    }
    a32_set_pc(m, (uint32_t)pc, thumb);
    const Access *a = &m->probe[m->nprobe - 1];
    bool mapped;
    FaultRecord f = walk_fault(m, a->va, (unsigned)a->size, a->write ? Access_Write : Access_Read, &mapped);
    if (mapped) {
        if (a->size > 1 && (a->va & (uint64_t)(a->size - 1))) {
            memset(&f, 0, sizeof f);
            f.type = Fault_Alignment;
            f.va = a->va;
            f.access = a->write ? Access_Write : Access_Read;
        } else {
            event_emit(m->ev, Ev_Error, pc, m->insns,
                       "\"error\":\"walker_disagreement\",\"detail\":\"the engine took a data abort for a %s "
                       "of 0x%llx where mmuscope's walker finds a permitted mapping\"",
                       a->write ? "write" : "read", (unsigned long long)a->va);
            machine_stop(m, Exit_WalkerDisagreement,
                         "engine took a data abort at pc 0x%llx (%s of 0x%llx) where mmuscope's walker finds a "
                         "permitted mapping", (unsigned long long)pc, a->write ? "write" : "read",
                         (unsigned long long)a->va);
            return;
        }
    }
    uncount_from(m, pc);
    take_exception(m, Exc_DataAbort, pc, &f);
}

/* A permission fault the TLB model raises from a cached entry (tlb_glue.c), called from the
 * memory hook (data) or the block hook (fetch) with the PC on the instruction `pc`. */
void deliver_tlb_fault(Machine *m, uint64_t pc, const FaultRecord *f)
{
    uncount_from(m, pc);
    take_exception(m, f->access == Access_Fetch ? Exc_PrefetchAbort : Exc_DataAbort, pc, f);
}

static bool is_hvc(uint32_t insn, bool thumb)
{
    if (thumb) /* T1: 1111 0111 1110 imm4 | 1000 imm12 */
        return (insn & 0xFFF0F000u) == 0xF7E08000u;
    return (insn & 0x0FF000F0u) == 0x01400070u; /* A1: cond 0001 0100 imm12 0111 imm4 */
}

void handle_invalid_insn(Machine *m)
{
    uint64_t pc = reg32(m, UC_ARM_REG_PC);
    bool thumb = reg32(m, UC_ARM_REG_CPSR) & CPSR_T;
    uint32_t insn = 0;
    if (!fetch_code(m, pc, &insn, 4)) {
        machine_stop(m, Exit_EngineError, "engine stopped on an invalid instruction at pc 0x%llx that "
                     "mmuscope cannot read", (unsigned long long)pc);
        return;
    }
    if (thumb)
        insn = (insn << 16) | (insn >> 16);
    uncount_from(m, pc);
    if (m->cfg.psci == Psci_HVC && is_hvc(insn, thumb)) {
        /* the instruction completes: count it back */
        m->insns++;
        if (m->regs.sctlr & SCTLR_M)
            m->insns_mmu_on++;
        m->have_cur = false;
        a32_set_pc(m, (uint32_t)pc + 4, thumb);
        psci_call(m, pc);
        return;
    }
    take_exception(m, Exc_Undefined, pc, NULL);
}

bool exceptions_attach(Machine *m, char *err, size_t errlen)
{
    uc_hook h;
    uc_err e = uc_hook_add(m->uc, &h, UC_HOOK_INTR, (void *)on_intr, m, 1, 0);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot add the interrupt hook: %s", uc_strerror(e));
        return false;
    }
    return true;
}
