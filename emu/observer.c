/* Observes the guest at translation-block granularity.
 *
 * Unicorn 2.0.1 has no MCR hook for AArch32. QEMU ends a translation block after a coprocessor
 * register write, so "the block that just finished ended in an MCR/MCRR to cp15" is visible at
 * the start of the next block (shared/ENGINE.md section 4) -- but NOT for the ops QEMU defines
 * as ARM_CP_NOP (cache maintenance by MVA and set/way, BPIALL, the CP15 barriers): those return
 * early in do_coproc_insn and the block goes on. Such a mid-block MCR is found when its block is
 * first decoded; mmuscope then adds a UC_HOOK_CODE hook bounded to that one address, drops the
 * block from Unicorn's cache and restarts it (a PC write in the block hook, which runs before
 * the block's exit-request check), so even that first execution is seen.
 *
 * Each block is decoded once per translation generation (bumped by every write that can change
 * translation) and cached; the per-block cost is a cache probe and a few adds. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

static unsigned cache_index(uint64_t va, uint32_t size)
{
    uint64_t h = (va ^ ((uint64_t)size << 48)) * 0x9e3779b97f4a7c15ull; /* Fibonacci hashing */
    return (unsigned)(h >> (64 - BLOCK_CACHE_BITS));
}

bool t32_is_wide(uint16_t hw1)
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

static unsigned region_slot(uint64_t va)
{
    uint64_t r = va >> 21;
    return (unsigned)((r ^ (r >> 10) ^ (r >> 20) ^ (r >> 30)) & (CODE_REGION_SLOTS - 1));
}

void observer_new_generation(Machine *m)
{
    m->gen++;
    memset(m->code_region, 0, sizeof m->code_region);
}

void observer_tlb_maintenance(Machine *m, const char *op, uint64_t value)
{
    TlbInval inv;
    if (!tlbi_decode(m, op, value, &inv)) {
        observer_new_generation(m); /* an operation we cannot place: assume the worst */
        return;
    }
    tlb_glue_maintenance(m, &inv);
    /* Invalidating one VA can change the translation of that VA only (and, when it was in a
     * block mapping, of that block: 2 MiB here; a TLBI inside a 1 GiB block that the guest then
     * splits is the one case this misses). Linux's boot does tens of thousands of TLBI VAALE1
     * on the fixmap while it patches text; none of them needs the decoded blocks again. */
    if (inv.op == TLB_INV_ALL || inv.op == TLB_INV_ASID || m->code_region[region_slot(inv.va)])
        observer_new_generation(m);
}

static void decode_block(Machine *m, BlockInfo *b, uint64_t va, uint32_t size)
{
    m->code_region[region_slot(va)] = 1;
    m->code_region[region_slot(va + size - 1)] = 1;
    memset(b, 0, sizeof *b);
    b->va = va;
    b->size = size;
    b->gen = m->gen;
    b->valid = true;
    if (m->a64) { /* A64: fixed 4-byte instructions; system instructions are hooked directly */
        b->ninsns = size / 4;
        b->last_pc = va + size - 4;
        if (m->tlbg)
            count_insn_classes(m, va, size, false, b->classes);
        return;
    }
    b->thumb = reg32(m, UC_ARM_REG_CPSR) & (1u << 5);
    uint64_t last;
    bool ok;
    b->ninsns = scan(m, va, va + size, b->thumb, &last, &ok);
    b->last_pc = (uint32_t)last;
    if (m->tlbg)
        count_insn_classes(m, va, size, b->thumb, b->classes);
    uint32_t insn = 0;
    if (!ok || !fetch_code(m, last, &insn, 4)) {
        if (machine_mmu_on(m)) {
            Xlate x;
            machine_translate(m, va, Access_Fetch, privileged_now(m), &x);
            event_emit(m->ev, Ev_Error, va, m->insns,
                       "\"error\":\"walker_disagreement\",\"detail\":\"the engine executes a block at "
                       "0x%llx that mmuscope's walker gives as %s fault level %d\"",
                       (unsigned long long)va, fault_type_name(x.fault.type), x.fault.level);
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
    return reg32(m, a32_gpr_reg(r));
}

/* Emits the event for an MCR/MCRR to cp15 at pc; the registers hold the value written. */
static void report_cp15(Machine *m, uint32_t pc, bool thumb, const Cp15Op *op, char *asmj, size_t asmn)
{
    uint64_t v = gpr(m, op->rt);
    if (op->is64)
        v |= (uint64_t)gpr(m, op->rt2) << 32;
    char nb[32], dis[80];
    const char *name = cp15_name(op, nb, sizeof nb);
    uc_arm64_cp_reg timer;
    if (gtimer_a32_reg(op->is64, op->opc1, op->crn, op->crm, op->opc2, &timer)) {
        timer.val = v; /* the generic timer is mmuscope's (gtimer.c) */
        gtimer_write(m, &timer);
    }
    /* c10, c2, 0/1 are PRRR/NMRR with short descriptors and MAIR0/MAIR1 with TTBCR.EAE = 1
     * (ARM ARM B4.1.104, B4.1.128) */
    if (!op->is64 && op->crn == 10 && op->crm == 2 && op->opc1 == 0 && op->opc2 <= 1 &&
        (m->regs.ttbcr & (1u << 31)))
        name = op->opc2 ? "MAIR1" : "MAIR0";
    asmj[0] = 0;
    static const EventKind kind_of[] = {[Cp15_Register] = Ev_SysregWrite, [Cp15_Tlb] = Ev_TlbMaintenance,
                                        [Cp15_Cache] = Ev_CacheMaintenance,
                                        [Cp15_AddressTranslation] = Ev_AddressTranslation};
    if (event_wanted(m->ev, kind_of[op->cls]) || (op->affects_translation && (event_wanted(m->ev, Ev_MmuEnable) || event_wanted(m->ev, Ev_MmuDisable)))) {
        /* disassembled only for events that are written */
        disasm_one(m, pc, thumb, dis, sizeof dis);
        json_escape(asmj, asmn, dis);
    }
    int width = op->is64 ? 16 : 8;
    switch (op->cls) {
    case Cp15_Register:
        event_emit(m->ev, Ev_SysregWrite, pc, m->insns, "\"reg\":\"%s\",\"value\":\"0x%0*llx\",\"asm\":\"%s\"",
                   name, width, (unsigned long long)v, asmj);
        break;
    case Cp15_Tlb:
        event_emit(m->ev, Ev_TlbMaintenance, pc, m->insns, "\"op\":\"%s\",\"value\":\"0x%08llx\",\"asm\":\"%s\"",
                   name, (unsigned long long)v, asmj);
        observer_tlb_maintenance(m, name, v);
        break;
    case Cp15_Cache:
        event_emit(m->ev, Ev_CacheMaintenance, pc, m->insns,
                   "\"op\":\"%s\",\"value\":\"0x%08llx\",\"asm\":\"%s\"", name, (unsigned long long)v, asmj);
        break;
    case Cp15_AddressTranslation:
        event_emit(m->ev, Ev_AddressTranslation, pc, m->insns,
                   "\"op\":\"%s\",\"value\":\"0x%08llx\",\"asm\":\"%s\"", name, (unsigned long long)v, asmj);
        break;
    }
}

/* After a write that can change translation: re-read the registers, report MMU on/off. */
static void after_translation_write(Machine *m, uint32_t pc, const char *asmj)
{
    uint32_t before = m->regs.sctlr;
    machine_sync_regs(m);
    observer_new_generation(m);
    uint32_t after = m->regs.sctlr;
    if (!(before & SCTLR_M) && (after & SCTLR_M))
        event_emit(m->ev, Ev_MmuEnable, pc, m->insns, "\"sctlr\":\"0x%08x\",\"asm\":\"%s\"", after, asmj);
    else if ((before & SCTLR_M) && !(after & SCTLR_M))
        event_emit(m->ev, Ev_MmuDisable, pc, m->insns, "\"sctlr\":\"0x%08x\",\"asm\":\"%s\"", after, asmj);
}

/* The block that just finished ended in an MCR/MCRR to cp15: report it. */
static void finish_cp15(Machine *m, const BlockInfo *b)
{
    const Cp15Op *op = &b->op;
    if (!b->thumb && op->cond != 0xE && !cond_passed(op->cond, reg32(m, UC_ARM_REG_CPSR)))
        return; /* condition failed: the write did not happen */
    char asmj[100];
    report_cp15(m, b->last_pc, b->thumb, op, asmj, sizeof asmj);
    if (op->affects_translation && op->cls != Cp15_Tlb) /* TLB ops: observer_tlb_maintenance */
        after_translation_write(m, b->last_pc, asmj);
}

/* UC_HOOK_CODE bounded to one mid-block MCR: runs before it executes. */
static void on_mcr_site(uc_engine *uc, uint64_t pc, uint32_t size, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    if (m->probing)
        return;
    bool thumb = reg32(m, UC_ARM_REG_CPSR) & (1u << 5);
    uint32_t insn = 0;
    if (!fetch_code(m, pc, &insn, 4))
        return;
    Cp15Op op;
    bool is_cp15;
    if (thumb) {
        uint16_t hw[2];
        memcpy(hw, &insn, 4);
        is_cp15 = t32_is_wide(hw[0]) && cp15_decode_t32((uint32_t)hw[0] << 16 | hw[1], &op);
    } else {
        is_cp15 = cp15_decode_a32(insn, &op);
    }
    if (!is_cp15)
        return; /* other code at this VA now (another address space) */
    /* Thumb IT blocks are not tracked: a conditional T32 MCR is reported as executed. */
    if (!thumb && op.cond != 0xE && !cond_passed(op.cond, reg32(m, UC_ARM_REG_CPSR)))
        return;
    char asmj[100];
    report_cp15(m, (uint32_t)pc, thumb, &op, asmj, sizeof asmj);
    if (op.affects_translation && op.cls != Cp15_Tlb) {
        /* the write happens after this hook: apply it at the next block */
        m->sync_pending = true;
        m->sync_pc = (uint32_t)pc;
    }
}

/* Watches a mid-block MCR site; true when a hook was added now. */
static bool watch_mcr_site(Machine *m, uint32_t pc, bool thumb)
{
    uint32_t key = pc | (thumb ? 1u : 0u);
    for (unsigned i = 0; i < m->n_mcr_sites; i++)
        if (m->mcr_sites[i] == key)
            return false;
    if (m->n_mcr_sites == MCR_SITE_MAX) {
        if (!m->mcr_sites_full) {
            m->mcr_sites_full = true;
            event_emit(m->ev, Ev_Error, pc, m->insns,
                       "\"error\":\"mcr_site_limit\",\"detail\":\"more than %d MCR sites that do not end "
                       "their block; later ones are not reported\"", MCR_SITE_MAX);
        }
        return false;
    }
    uc_hook h;
    if (uc_hook_add(m->uc, &h, UC_HOOK_CODE, (void *)on_mcr_site, m, pc, pc) != UC_ERR_OK)
        return false;
    m->mcr_sites[m->n_mcr_sites++] = key;
    return true;
}

/* Finds the cp15 MCRs before the last instruction of a block; true when new hooks were added. */
static bool watch_mid_block_mcrs(Machine *m, const BlockInfo *b)
{
    bool added = false;
    uint64_t pc = b->va;
    while (pc < b->last_pc) {
        uint32_t insn;
        Cp15Op op;
        if (!fetch_code(m, pc, &insn, 4) && !(b->thumb && fetch_code(m, pc, &insn, 2)))
            break;
        if (b->thumb) {
            uint16_t hw[2];
            memcpy(hw, &insn, 4);
            bool wide = t32_is_wide(hw[0]);
            if (wide && cp15_decode_t32((uint32_t)hw[0] << 16 | hw[1], &op))
                added |= watch_mcr_site(m, (uint32_t)pc, true);
            pc += wide ? 4 : 2;
        } else {
            if (cp15_decode_a32(insn, &op))
                added |= watch_mcr_site(m, (uint32_t)pc, false);
            pc += 4;
        }
    }
    return added;
}

static void check_first_translated(Machine *m, uint64_t va)
{
    Xlate x;
    machine_translate(m, va, Access_Fetch, privileged_now(m), &x);
    if (!x.ok || x.pa == va)
        return;
    m->first_translated_seen = true;
    int w = m->a64 ? 16 : 8;
    event_emit(m->ev, Ev_FirstTranslatedFetch, va, m->insns,
               "\"va\":\"0x%0*llx\",\"pa\":\"0x%08llx\",\"mapping\":\"%s\"", w, (unsigned long long)va,
               (unsigned long long)x.pa, x.mapping);
}

/* On a terminal, a progress line every second: instructions, MIPS, modelled cycles. */
static void progress(Machine *m, const struct timespec *now)
{
    if (!m->progress)
        return;
    double t = (double)now->tv_sec + (double)now->tv_nsec * 1e-9;
    if (m->progress_start == 0) {
        m->progress_start = m->progress_last = t;
        return;
    }
    if (t - m->progress_last < 1.0)
        return;
    m->progress_last = t;
    TlbModel *tm = machine_tlb(m);
    fprintf(stderr, "\rmmuscope: %llu instructions, %.1f MIPS, %llu cycles   ", (unsigned long long)m->insns,
            (double)m->insns / (t - m->progress_start) / 1e6, (unsigned long long)(tm ? tlb_cycles(tm) : 0));
    m->progress_shown = true;
}

static void check_time(Machine *m)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    progress(m, &now);
    if (!m->has_deadline)
        return;
    if (now.tv_sec > m->deadline.tv_sec ||
        (now.tv_sec == m->deadline.tv_sec && now.tv_nsec >= m->deadline.tv_nsec))
        machine_stop(m, Exit_TimeLimit, "time limit of %g s reached after %llu instructions (pc 0x%llx)",
                     m->cfg.timeout, (unsigned long long)m->insns, (unsigned long long)machine_pc(m));
}

static void on_block(uc_engine *uc, uint64_t va, uint32_t size, void *user)
{
    (void)uc;
    Machine *m = user;
    if (m->probing)
        return;
    if (m->have_cur && m->cur.ends_cp15)
        finish_cp15(m, &m->cur);
    m->have_cur = false;
    if (m->sync_pending) {
        m->sync_pending = false;
        after_translation_write(m, m->sync_pc, "");
    }
    if (m->block_watches)
        watch_block(m);
    if (m->gic.irq_line && !m->a64 && a32_irq_check(m, va))
        return;

    BlockInfo *b = &m->cache[cache_index(va, size)];
    bool fresh = false;
    if (!(b->valid && b->va == va && b->size == size && b->gen == m->gen)) {
        fresh = true;
        decode_block(m, b, va, size);
        if (b->valid && !m->a64 && (watch_mid_block_mcrs(m, b) | cyclecounter_watch_block(m, b))) {
            /* retranslate this block with its new code hooks and run it again from the start:
             * the PC write stops the block before its first instruction (see the top). The
             * range includes the instruction after the block (an MRC's second hook). */
            uc_ctl_remove_cache(m->uc, va, va + size + 4);
            a32_set_pc(m, (uint32_t)va, b->thumb);
            return;
        }
    }
    if (m->mrc_armed)
        cyclecounter_block_start(m, va);
    m->cur = *b;
    m->have_cur = true;
    m->blocks++;
    m->insns += b->ninsns;
    if (m->tlbg)
        tlb_glue_block(m, b);
    if (m->gt.due != UINT64_MAX)
        gtimer_check(m);
    if (machine_mmu_on(m)) {
        m->insns_mmu_on += b->ninsns;
        /* once per decoded block: a block whose fetch was identity-mapped stays so until the
         * translation generation changes, which re-decodes it */
        if (!m->first_translated_seen && fresh)
            check_first_translated(m, va);
    }
    if (m->max_insns && m->insns >= m->max_insns)
        machine_stop(m, Exit_InsnLimit, "instruction limit of %llu reached (pc 0x%llx)",
                     (unsigned long long)m->max_insns, (unsigned long long)va);
    if ((m->has_deadline || m->progress) && (m->blocks & 0x3ff) == 0)
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
