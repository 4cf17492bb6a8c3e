/* A GICv2 distributor and CPU interface for one CPU (ARM IHI 0048B, "ARM Generic Interrupt
 * Controller Architecture Specification v2"; register maps in 4.1.2 and 4.1.3), enough for
 * Linux's irq-gic driver: 96 interrupt IDs (16 SGIs, 16 PPIs, 64 SPIs), enable/pending/active
 * state, 8-bit priorities, PMR, running priority, IAR/EOIR/DIR with EOImode. Security
 * extensions and groups are not modelled (all interrupts are Group 0 as seen by a non-secure
 * kernel; IGROUPR reads as written).
 * The CPU's IRQ input is Unicorn's virtual IRQ: HCR_EL2.IMO|VI (shared/ENGINE.md section 3),
 * taken at EL1 to VBAR_EL1 + 0x280 when PSTATE.I is clear. AArch32 delivery is not wired yet. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

enum {
    GICD_CTLR = 0x000, GICD_TYPER = 0x004, GICD_IIDR = 0x008, GICD_IGROUPR = 0x080,
    GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180, GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280,
    GICD_ISACTIVER = 0x300, GICD_ICACTIVER = 0x380, GICD_IPRIORITYR = 0x400, GICD_ITARGETSR = 0x800,
    GICD_ICFGR = 0xc00, GICD_SGIR = 0xf00, GICD_CPENDSGIR = 0xf10, GICD_SPENDSGIR = 0xf20,
    GICD_PIDR2 = 0xfe8,
};
enum {
    GICC_CTLR = 0x00, GICC_PMR = 0x04, GICC_BPR = 0x08, GICC_IAR = 0x0c, GICC_EOIR = 0x10,
    GICC_RPR = 0x14, GICC_HPPIR = 0x18, GICC_ABPR = 0x1c, GICC_AIAR = 0x20, GICC_AEOIR = 0x24,
    GICC_AHPPIR = 0x28, GICC_APR0 = 0xd0, GICC_IIDR = 0xfc, GICC_DIR = 0x1000,
};

#define SPURIOUS 1023u
#define IDLE_PRIO 0x100u /* running priority with nothing active (reads as 0xff) */

static bool bit(const uint32_t *w, unsigned id) { return (w[id / 32] >> (id % 32)) & 1; }
static void set_bit(uint32_t *w, unsigned id, bool v)
{
    if (v)
        w[id / 32] |= 1u << (id % 32);
    else
        w[id / 32] &= ~(1u << (id % 32));
}

static bool is_pending(const Gic *g, unsigned id)
{
    return bit(g->pending, id) || bit(g->level, id);
}

/* The highest-priority pending, enabled, inactive interrupt (lowest ID on ties), or SPURIOUS. */
static unsigned best_pending(const Gic *g)
{
    unsigned best = SPURIOUS, prio = 0x100;
    for (unsigned id = 0; id < GIC_NIRQ; id++)
        if (bit(g->enabled, id) && is_pending(g, id) && !bit(g->active, id) && g->prio[id] < prio) {
            best = id;
            prio = g->prio[id];
        }
    return best;
}

static unsigned running_prio(const Gic *g)
{
    unsigned p = IDLE_PRIO;
    for (unsigned id = 0; id < GIC_NIRQ; id++)
        if (bit(g->active, id) && !bit(g->dropped, id) && g->prio[id] < p)
            p = g->prio[id];
    return p;
}

/* Recomputes the CPU's IRQ line (4.3: signalled when the best pending interrupt has higher
 * priority than both the priority mask and the running priority). */
void gic_update(Machine *m)
{
    Gic *g = &m->gic;
    bool irq = false;
    if ((g->dctlr & 1) && (g->cctlr & 1)) {
        unsigned id = best_pending(g);
        irq = id != SPURIOUS && g->prio[id] < g->pmr && g->prio[id] < running_prio(g);
    }
    if (irq != g->irq_line) {
        g->irq_line = irq;
        machine_set_irq(m, irq);
    }
}

void gic_set_level(Machine *m, unsigned id, bool level)
{
    if (id >= GIC_NIRQ || bit(m->gic.level, id) == level)
        return;
    set_bit(m->gic.level, id, level);
    gic_update(m);
}

static uint32_t read_bits(const uint32_t *w, uint64_t off, uint64_t base)
{
    uint64_t i = (off - base) / 4;
    return i < GIC_NIRQ / 32 ? w[i] : 0;
}

static uint64_t dist_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    Machine *m = user;
    Gic *g = &m->gic;
    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + GIC_NIRQ) {
        uint64_t v = 0;
        for (unsigned i = 0; i < size && off - GICD_IPRIORITYR + i < GIC_NIRQ; i++)
            v |= (uint64_t)g->prio[off - GICD_IPRIORITYR + i] << (8 * i);
        return v;
    }
    if (off >= GICD_ITARGETSR && off < GICD_ITARGETSR + GIC_NIRQ) {
        /* one CPU: every implemented interrupt targets CPU 0 (bit 0) */
        uint64_t v = 0;
        for (unsigned i = 0; i < size; i++)
            v |= 1ull << (8 * i);
        return v;
    }
    if (off >= GICD_ICFGR && off < GICD_ICFGR + GIC_NIRQ / 4)
        return g->icfg[(off - GICD_ICFGR) / 4];
    if (off >= GICD_IGROUPR && off < GICD_IGROUPR + GIC_NIRQ / 8)
        return g->group[(off - GICD_IGROUPR) / 4];
    if (off >= GICD_ISENABLER && off < GICD_ICENABLER + 0x80)
        return read_bits(g->enabled, off, off < GICD_ICENABLER ? GICD_ISENABLER : GICD_ICENABLER);
    if (off >= GICD_ISPENDR && off < GICD_ICPENDR + 0x80) {
        uint64_t i = (off - (off < GICD_ICPENDR ? GICD_ISPENDR : GICD_ICPENDR)) / 4;
        return i < GIC_NIRQ / 32 ? (g->pending[i] | g->level[i]) : 0;
    }
    if (off >= GICD_ISACTIVER && off < GICD_ICACTIVER + 0x80)
        return read_bits(g->active, off, off < GICD_ICACTIVER ? GICD_ISACTIVER : GICD_ICACTIVER);
    switch (off) {
    case GICD_CTLR: return g->dctlr;
    case GICD_TYPER: return GIC_NIRQ / 32 - 1; /* ITLinesNumber; CPUNumber 0 (one CPU), no security */
    case GICD_IIDR: return 0x0200043b;         /* implementer Arm (0x43b), as a GIC-400 reports */
    case GICD_PIDR2: return 0x2b;              /* ArchRev 2: GICv2 */
    default: return 0;
    }
}

static void write_bits(uint32_t *w, uint64_t off, uint64_t base, uint32_t v, bool set)
{
    uint64_t i = (off - base) / 4;
    if (i >= GIC_NIRQ / 32)
        return;
    if (set)
        w[i] |= v;
    else
        w[i] &= ~v;
}

static void dist_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc;
    Machine *m = user;
    Gic *g = &m->gic;
    if (off >= GICD_IPRIORITYR && off < GICD_IPRIORITYR + GIC_NIRQ) {
        for (unsigned i = 0; i < size && off - GICD_IPRIORITYR + i < GIC_NIRQ; i++)
            g->prio[off - GICD_IPRIORITYR + i] = (uint8_t)(v >> (8 * i));
    } else if (off >= GICD_ICFGR && off < GICD_ICFGR + GIC_NIRQ / 4) {
        uint64_t i = (off - GICD_ICFGR) / 4;
        if (i >= 2) /* SGIs (ICFGR0) are edge by definition, PPI configuration is read-only here */
            g->icfg[i] = (uint32_t)v & 0xaaaaaaaau;
    } else if (off >= GICD_IGROUPR && off < GICD_IGROUPR + GIC_NIRQ / 8) {
        g->group[(off - GICD_IGROUPR) / 4] = (uint32_t)v;
    } else if (off >= GICD_ISENABLER && off < GICD_ICENABLER + 0x80) {
        bool set = off < GICD_ICENABLER;
        write_bits(g->enabled, off, set ? GICD_ISENABLER : GICD_ICENABLER, (uint32_t)v, set);
    } else if (off >= GICD_ISPENDR && off < GICD_ICPENDR + 0x80) {
        bool set = off < GICD_ICPENDR;
        write_bits(g->pending, off, set ? GICD_ISPENDR : GICD_ICPENDR, (uint32_t)v, set);
    } else if (off >= GICD_ISACTIVER && off < GICD_ICACTIVER + 0x80) {
        bool set = off < GICD_ICACTIVER;
        write_bits(g->active, off, set ? GICD_ISACTIVER : GICD_ICACTIVER, (uint32_t)v, set);
    } else if (off == GICD_CTLR) {
        g->dctlr = (uint32_t)v & 1;
    } else if (off == GICD_SGIR) {
        /* TargetListFilter 0b10 "this CPU only", 0b00 with CPU 0 in the list: pend the SGI */
        unsigned filter = (unsigned)(v >> 24) & 3, targets = (unsigned)(v >> 16) & 0xff;
        if (filter == 2 || (filter == 0 && (targets & 1)))
            set_bit(g->pending, (unsigned)v & 15, true);
    }
    gic_update(m);
}

static uint64_t cpu_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    Gic *g = &m->gic;
    switch (off) {
    case GICC_CTLR: return g->cctlr;
    case GICC_PMR: return g->pmr;
    case GICC_BPR: return g->bpr;
    case GICC_ABPR: return g->abpr;
    case GICC_IAR:
    case GICC_AIAR: {
        /* acknowledge (4.4.4): the best pending interrupt above PMR becomes active */
        unsigned id = best_pending(g);
        if (id == SPURIOUS || !(g->dctlr & 1) || g->prio[id] >= g->pmr || g->prio[id] >= running_prio(g))
            return SPURIOUS;
        set_bit(g->active, id, true);
        set_bit(g->pending, id, false); /* a level-sensitive source stays pending through g->level */
        m->irqs_taken++;
        gic_update(m);
        return id; /* CPUID 0 for SGIs */
    }
    case GICC_RPR: {
        unsigned p = running_prio(g);
        return p == IDLE_PRIO ? 0xff : p;
    }
    case GICC_HPPIR:
    case GICC_AHPPIR: return best_pending(g);
    case GICC_APR0: return running_prio(g) == IDLE_PRIO ? 0 : 1;
    case GICC_IIDR: return 0x0202043b; /* GICv2, Arm */
    default: return 0;
    }
}

static void deactivate(Machine *m, unsigned id)
{
    if (id < GIC_NIRQ) {
        set_bit(m->gic.active, id, false);
        set_bit(m->gic.dropped, id, false);
    }
}

static void cpu_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    Gic *g = &m->gic;
    switch (off) {
    case GICC_CTLR: g->cctlr = (uint32_t)v & 0x201; break; /* EnableGrp0 (bit 0), EOImodeNS (bit 9) */
    case GICC_PMR: g->pmr = (uint32_t)v & 0xff; break;
    case GICC_BPR: g->bpr = (uint32_t)v & 7; break;
    case GICC_ABPR: g->abpr = (uint32_t)v & 7; break;
    case GICC_EOIR:
    case GICC_AEOIR:
        /* priority drop; with EOImode = 0 also deactivation, with EOImode = 1 the interrupt
         * stays active until GICC_DIR (4.4.5, 4.4.15) */
        if (!(g->cctlr & 0x200))
            deactivate(m, (unsigned)v & 0x3ff);
        else if (((unsigned)v & 0x3ff) < GIC_NIRQ)
            set_bit(g->dropped, (unsigned)v & 0x3ff, true);
        break;
    case GICC_DIR: deactivate(m, (unsigned)v & 0x3ff); break;
    default: break;
    }
    gic_update(m);
}

bool gic_attach(Machine *m, char *err, size_t errlen)
{
    if (!m->cfg.gic_dist_base)
        return true;
    Gic *g = &m->gic;
    memset(g, 0, sizeof *g);
    g->pmr = 0; /* reset: everything masked until the driver writes GICC_PMR */
    uc_err e = uc_mmio_map(m->uc, m->cfg.gic_dist_base, 0x10000, dist_read, m, dist_write, m);
    if (e == UC_ERR_OK)
        e = uc_mmio_map(m->uc, m->cfg.gic_cpu_base, 0x10000, cpu_read, m, cpu_write, m);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot map the GIC at 0x%llx/0x%llx: %s", (unsigned long long)m->cfg.gic_dist_base,
                 (unsigned long long)m->cfg.gic_cpu_base, uc_strerror(e));
        return false;
    }
    return true;
}
