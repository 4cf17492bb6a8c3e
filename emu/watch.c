/* Watches: the points where the map frontend takes a snapshot (a PC, an instruction count,
 * the MMU switching on) or polls the live window (every block boundary), and the plain-C view
 * of the machine it renders from. A PC watch is a code hook bounded to that one address, so it
 * costs nothing elsewhere; the others are checked by the block hook only when one exists. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

static void fire(Machine *m, struct WatchEntry *w)
{
    if (w->kind != Watch_Block)
        w->fired = true;
    w->fn(m, w->ctx);
}

static void on_watch_pc(uc_engine *uc, uint64_t pc, uint32_t size, void *user)
{
    (void)uc;
    (void)size;
    struct WatchEntry *w = user;
    Machine *m = w->m;
    if (m->probing || w->fired || m->reason != Exit_None)
        return;
    m->in_pc_watch = true;
    m->watch_pc = pc;
    fire(m, w);
    m->in_pc_watch = false;
}

bool machine_add_watch(Machine *m, WatchKind kind, uint64_t value, WatchFn fn, void *ctx, char *err, size_t errlen)
{
    if (m->nwatches == MACHINE_MAX_WATCHES) {
        snprintf(err, errlen, "more than %d watch points", MACHINE_MAX_WATCHES);
        return false;
    }
    struct WatchEntry *w = &m->watches[m->nwatches];
    *w = (struct WatchEntry){.m = m, .kind = kind, .value = value, .fn = fn, .ctx = ctx};
    if (kind == Watch_Pc) {
        if (!m->a64 && value > 0xffffffffu) {
            snprintf(err, errlen, "pc 0x%llx is not a 32-bit address", (unsigned long long)value);
            return false;
        }
        uint64_t a = m->a64 ? value : value & ~UINT64_C(1);
        uc_hook h;
        uc_err e = uc_hook_add(m->uc, &h, UC_HOOK_CODE, (void *)on_watch_pc, w, a, a);
        if (e != UC_ERR_OK) {
            snprintf(err, errlen, "cannot watch pc 0x%llx: %s", (unsigned long long)value, uc_strerror(e));
            return false;
        }
    } else {
        m->block_watches = true;
    }
    m->nwatches++;
    return true;
}

void watch_block(Machine *m)
{
    bool pending = false; /* a block-boundary watch is still to fire */
    for (int i = 0; i < m->nwatches && m->reason == Exit_None; i++) {
        struct WatchEntry *w = &m->watches[i];
        if (w->fired || w->kind == Watch_Pc)
            continue;
        pending = true;
        switch (w->kind) {
        case Watch_Pc: break;
        case Watch_Insn:
            if (m->insns >= w->value)
                fire(m, w);
            break;
        case Watch_MmuEnable:
            if (machine_mmu_on(m))
                fire(m, w);
            break;
        case Watch_Block: fire(m, w); break;
        }
    }
    if (!pending)
        m->block_watches = false; /* all fired: the block hook stops calling here */
}

void machine_view(Machine *m, MachineView *v)
{
    memset(v, 0, sizeof *v);
    /* the walker's own shadows: what mmuscope translates with at this point */
    v->regs.long_desc = machine_long_regs(m, &v->regs.ld);
    v->regs.v7 = m->regs;
    v->pm = &m->pm;
    v->tlb = machine_tlb(m);
    v->a64 = m->a64;
    v->insns = m->insns;
    if (m->in_pc_watch) {
        v->pc = m->watch_pc;
        /* the block hook counted the whole block: take off what has not run yet */
        if (m->have_cur && m->watch_pc >= m->cur.va && m->watch_pc < m->cur.va + m->cur.size)
            v->insns = m->insns - m->cur.ninsns + count_insns(m, m->cur.va, m->watch_pc, m->cur.thumb);
    } else {
        v->pc = machine_pc(m);
    }
    v->insns_mmu_on = m->insns_mmu_on;
    v->blocks = m->blocks;
    v->exceptions = m->exceptions;
    v->ram_base = m->cfg.ram_base;
    v->ram_size = m->cfg.ram_size;
    v->uart_base = m->cfg.uart_base;
    v->machine = m->cfg.name;
    v->cpu = m->cfg.cpu;
}

void machine_request_stop(Machine *m, const char *why)
{
    machine_stop(m, Exit_StopAt, "%s at pc 0x%llx", why, (unsigned long long)machine_pc(m));
}
