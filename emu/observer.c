/* Observes the guest at translation-block granularity.
 *
 * Unicorn 2.0.1 has no MCR hook for AArch32, but QEMU ends a translation block after every
 * coprocessor register write, so "the block that just finished ended in an MCR/MCRR to cp15"
 * is visible at the start of the next block (shared/ENGINE.md section 4). Each block is decoded
 * once per translation generation (bumped by every write that can change translation) and
 * cached; the per-block cost is a cache probe and a few adds. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

static unsigned cache_index(uint64_t va, uint32_t size)
{
    return (unsigned)(((va >> 1) ^ (va >> 13) ^ size) & (BLOCK_CACHE_SIZE - 1));
}

static bool t32_is_wide(uint16_t hw1)
{
    return (hw1 >> 11) >= 0x1d; /* 0b11101, 0b11110, 0b11111: ARM ARM A6.1 */
}

/* Counts instructions in [from, to) and finds the last one. */
static uint32_t scan(Machine *m, uint64_t from, uint64_t to, bool thumb, uint64_t *last, bool *ok)
{
    *ok = true;
    if (to <= from) {
        *last = from;
        return 0;
    }
    if (!thumb) {
        *last = to - 4;
        return (uint32_t)((to - from) / 4);
    }
    uint32_t n = 0;
    uint64_t pc = from;
    *last = from;
    while (pc < to) {
        uint16_t hw;
        if (!fetch_code(m, pc, &hw, 2)) {
            *ok = false;
            return n + (uint32_t)((to - pc) / 2);
        }
        *last = pc;
        pc += t32_is_wide(hw) ? 4 : 2;
        n++;
    }
    return n;
}

uint32_t count_insns(Machine *m, uint64_t from, uint64_t to, bool thumb)
{
    uint64_t last;
    bool ok;
    return scan(m, from, to, thumb, &last, &ok);
}

static void decode_block(Machine *m, BlockInfo *b, uint64_t va, uint32_t size)
{
    memset(b, 0, sizeof *b);
    b->va = va;
    b->size = size;
    b->gen = m->gen;
    b->valid = true;
    b->thumb = reg32(m, UC_ARM_REG_CPSR) & (1u << 5);
    uint64_t last;
    bool ok;
    b->ninsns = scan(m, va, va + size, b->thumb, &last, &ok);
    b->last_pc = (uint32_t)last;
    uint32_t insn = 0;
    if (!ok || !fetch_code(m, last, &insn, 4)) {
        if (m->regs.sctlr & SCTLR_M) {
            TranslationResult r;
            v7_short_translate(&m->regs, &m->pm, (uint32_t)va, Access_Fetch, privileged_now(m), &r);
            event_emit(m->ev, Ev_Error, va, m->insns,
                       "\"error\":\"walker_disagreement\",\"detail\":\"the engine executes a block at "
                       "0x%llx that mmuscope's walker gives as %s fault level %d\"",
                       (unsigned long long)va, fault_type_name(r.fault.type), r.fault.level);
        }
        return;
    }
    if (b->thumb) {
        uint16_t hw[2];
        memcpy(hw, &insn, 4);
        if (t32_is_wide(hw[0]))
            b->ends_cp15 = cp15_decode_t32((uint32_t)hw[0] << 16 | hw[1], &b->op);
    } else {
        b->ends_cp15 = cp15_decode_a32(insn, &b->op);
    }
}

static uint32_t gpr(Machine *m, unsigned r)
{
    static const int map[16] = {
        UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,  UC_ARM_REG_R4,  UC_ARM_REG_R5,
        UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8,  UC_ARM_REG_R9,  UC_ARM_REG_R10, UC_ARM_REG_R11,
        UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};
    return reg32(m, map[r & 15]);
}

/* The block that just finished ended in an MCR/MCRR to cp15: report it. */
static void finish_cp15(Machine *m, const BlockInfo *b)
{
    const Cp15Op *op = &b->op;
    if (!b->thumb && op->cond != 0xE && !cond_passed(op->cond, reg32(m, UC_ARM_REG_CPSR)))
        return; /* condition failed: the write did not happen */
    uint64_t v = gpr(m, op->rt);
    if (op->is64)
        v |= (uint64_t)gpr(m, op->rt2) << 32;
    char nb[32], dis[80], asmj[100];
    const char *name = cp15_name(op, nb, sizeof nb);
    disasm_one(m, b->last_pc, b->thumb, dis, sizeof dis);
    json_escape(asmj, sizeof asmj, dis);
    int width = op->is64 ? 16 : 8;
    switch (op->cls) {
    case Cp15_Register:
        event_emit(m->ev, Ev_SysregWrite, b->last_pc, m->insns,
                   "\"reg\":\"%s\",\"value\":\"0x%0*llx\",\"asm\":\"%s\"", name, width,
                   (unsigned long long)v, asmj);
        break;
    case Cp15_Tlb:
        event_emit(m->ev, Ev_TlbMaintenance, b->last_pc, m->insns,
                   "\"op\":\"%s\",\"value\":\"0x%08llx\",\"asm\":\"%s\"", name, (unsigned long long)v, asmj);
        break;
    case Cp15_Cache:
        event_emit(m->ev, Ev_CacheMaintenance, b->last_pc, m->insns,
                   "\"op\":\"%s\",\"value\":\"0x%08llx\",\"asm\":\"%s\"", name, (unsigned long long)v, asmj);
        break;
    }
    if (!op->affects_translation)
        return;
    uint32_t before = m->regs.sctlr;
    machine_sync_regs(m);
    m->gen++;
    uint32_t after = m->regs.sctlr;
    if (!(before & SCTLR_M) && (after & SCTLR_M))
        event_emit(m->ev, Ev_MmuEnable, b->last_pc, m->insns, "\"sctlr\":\"0x%08x\",\"asm\":\"%s\"", after, asmj);
    else if ((before & SCTLR_M) && !(after & SCTLR_M))
        event_emit(m->ev, Ev_MmuDisable, b->last_pc, m->insns, "\"sctlr\":\"0x%08x\",\"asm\":\"%s\"", after, asmj);
}

static void check_first_translated(Machine *m, uint64_t va)
{
    TranslationResult r;
    if (!v7_short_translate(&m->regs, &m->pm, (uint32_t)va, Access_Fetch, privileged_now(m), &r))
        return;
    if (r.pa == va)
        return;
    m->first_translated_seen = true;
    event_emit(m->ev, Ev_FirstTranslatedFetch, va, m->insns,
               "\"va\":\"0x%08llx\",\"pa\":\"0x%08llx\",\"mapping\":\"%s\"", (unsigned long long)va,
               (unsigned long long)r.pa, r.kind);
}

static void check_time(Machine *m)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > m->deadline.tv_sec ||
        (now.tv_sec == m->deadline.tv_sec && now.tv_nsec >= m->deadline.tv_nsec))
        machine_stop(m, Exit_TimeLimit, "time limit of %g s reached after %llu instructions (pc 0x%x)",
                     m->cfg.timeout, (unsigned long long)m->insns, reg32(m, UC_ARM_REG_PC));
}

static void on_block(uc_engine *uc, uint64_t va, uint32_t size, void *user)
{
    (void)uc;
    Machine *m = user;
    if (m->probing)
        return;
    if (m->have_cur && m->cur.ends_cp15)
        finish_cp15(m, &m->cur);

    BlockInfo *b = &m->cache[cache_index(va, size)];
    if (!(b->valid && b->va == va && b->size == size && b->gen == m->gen))
        decode_block(m, b, va, size);
    m->cur = *b;
    m->have_cur = true;
    m->blocks++;
    m->insns += b->ninsns;
    if (m->regs.sctlr & SCTLR_M) {
        m->insns_mmu_on += b->ninsns;
        if (!m->first_translated_seen)
            check_first_translated(m, va);
    }
    if (m->max_insns && m->insns >= m->max_insns)
        machine_stop(m, Exit_InsnLimit, "instruction limit of %llu reached (pc 0x%llx)",
                     (unsigned long long)m->max_insns, (unsigned long long)va);
    if (m->has_deadline && (m->blocks & 0x3ff) == 0)
        check_time(m);
}

bool observer_attach(Machine *m, char *err, size_t errlen)
{
    uc_hook h;
    uc_err e = uc_hook_add(m->uc, &h, UC_HOOK_BLOCK, (void *)on_block, m, 1, 0);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot add the block hook: %s", uc_strerror(e));
        return false;
    }
    return true;
}
