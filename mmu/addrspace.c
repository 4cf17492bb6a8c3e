/* Address-space regions for the map: the walkers' enumerators give the regions, the walkers'
 * own walks give the descriptors and the table pages. See addrspace.h. */
#include "addrspace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Builder {
    const AsRegs *regs;
    const PhysMem *mem;
    AddrSpace *as;
    int cap_regions, cap_tables;
    bool failed;         /* out of memory */
    char *err;
    size_t errlen;
    bool have_err;
} Builder;

static void set_err(Builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_err(Builder *b, const char *fmt, ...)
{
    if (b->have_err)
        return;
    b->have_err = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err, b->errlen, fmt, ap);
    va_end(ap);
}

static AsRegion *new_region(Builder *b)
{
    AddrSpace *as = b->as;
    if (as->nregions == AS_MAX_REGIONS) {
        as->truncated = true;
        return NULL;
    }
    if (as->nregions == b->cap_regions) {
        int cap = b->cap_regions ? b->cap_regions * 2 : 64;
        AsRegion *n = realloc(as->regions, (size_t)cap * sizeof *n);
        if (!n) {
            b->failed = true;
            return NULL;
        }
        as->regions = n;
        b->cap_regions = cap;
    }
    AsRegion *r = &as->regions[as->nregions++];
    memset(r, 0, sizeof *r);
    return r;
}

/* Records the table at base (level, ttbr) as read by one walk. */
static void note_table(Builder *b, uint64_t base, uint32_t size, int level, int ttbr)
{
    AddrSpace *as = b->as;
    for (int i = 0; i < as->ntables; i++) {
        AsTable *t = &as->tables[i];
        if (t->pa == base) {
            if (t->level != level)
                set_err(b, "the table at 0x%llx is used at level %d and at level %d (the tables loop)",
                        (unsigned long long)base, t->level, level);
            t->uses++;
            return;
        }
    }
    if (as->ntables == AS_MAX_TABLES) {
        as->truncated = true;
        return;
    }
    if (as->ntables == b->cap_tables) {
        int cap = b->cap_tables ? b->cap_tables * 2 : 32;
        AsTable *n = realloc(as->tables, (size_t)cap * sizeof *n);
        if (!n) {
            b->failed = true;
            return;
        }
        as->tables = n;
        b->cap_tables = cap;
    }
    as->tables[as->ntables++] = (AsTable){.pa = base, .size = size, .level = level, .ttbr = ttbr, .uses = 1};
}

/* ---- short descriptors ---- */

/* The memory type token of a v7_short_format line: the word after "dom=N ". */
static void v7_memtype(const char *line, char *out, size_t n)
{
    const char *p = strstr(line, " dom=");
    out[0] = 0;
    if (!p || !(p = strchr(p + 1, ' ')))
        return;
    p++;
    size_t len = strcspn(p, " ");
    if (len >= n)
        len = n - 1;
    memcpy(out, p, len);
    out[len] = 0;
}

/* L1 table size for the TTBR: 16KB for TTBR1, 16KB >> TTBCR.N for TTBR0 (ARM ARM B3.5.4) */
static uint32_t v7_l1_size(const V7ShortRegs *r, bool ttbr1)
{
    return ttbr1 ? 0x4000u : 0x4000u >> (r->ttbcr & 7u);
}

static void v7_note_walk(Builder *b, const TranslationResult *t)
{
    const V7ShortRegs *r = &b->regs->v7;
    if (t->ndesc >= 1) {
        uint32_t s = v7_l1_size(r, t->ttbr1);
        note_table(b, t->desc_pa[0] & ~(uint64_t)(s - 1), s, 1, t->ttbr1);
    }
    if (t->ndesc >= 2) {
        uint64_t l2 = t->desc_pa[1] & ~(uint64_t)0x3ff;
        note_table(b, l2, 0x400, 2, t->ttbr1);
    }
}

static bool v7_region_cb(const MappedRegion *m, void *ctx)
{
    Builder *b = ctx;
    const V7ShortRegs *regs = &b->regs->v7;
    AsRegion *r = new_region(b);
    if (!r)
        return false;
    const TranslationResult *t = &m->attrs;
    r->va = m->va;
    r->pa = m->pa;
    r->length = m->length;
    v7_short_mapping_name(t, r->mapping, sizeof r->mapping);
    v7_short_format(t, r->line, sizeof r->line);
    bool flat = !strcmp(t->kind, "flat");
    r->map_size = flat ? 0 : t->size;
    r->ttbr = flat ? -1 : t->ttbr1;
    r->level = t->level;
    r->global = !t->ng;
    r->af = !(t->afe && !(t->ap & 1u));
    r->asid = t->ng ? (uint16_t)(regs->contextidr & 0xff) : 0;
    r->device = t->memtype != Mem_Normal;
    if (flat)
        snprintf(r->memtype, sizeof r->memtype, "strongly-ordered");
    else
        v7_memtype(r->line, r->memtype, sizeof r->memtype);
    r->ndesc = t->ndesc;
    for (int i = 0; i < t->ndesc && i < 2; i++) {
        r->desc[i] = t->desc[i];
        r->desc_pa[i] = t->desc_pa[i];
    }
    /* what each access would be allowed, asked of the walker (domains, AP, XN, PXN, WXN) */
    static const struct { AccessType a; bool priv; uint8_t bit; } q[] = {
        {Access_Read, true, AS_P_EL1_R}, {Access_Write, true, AS_P_EL1_W}, {Access_Fetch, true, AS_P_EL1_X},
        {Access_Read, false, AS_P_EL0_R}, {Access_Write, false, AS_P_EL0_W}, {Access_Fetch, false, AS_P_EL0_X}};
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        TranslationResult x;
        if (v7_short_translate(regs, b->mem, (uint32_t)m->va, q[i].a, q[i].priv, &x))
            r->perms |= q[i].bit;
    }
    if (!flat) {
        /* one walk per level-2 table the region spans (1MB each); sections: the L1 table */
        uint64_t step = t->level == 2 ? 0x100000u : m->length;
        uint64_t end = m->va + m->length;
        for (uint64_t va = m->va & ~(uint64_t)0xfffff; va < end; va += step) {
            TranslationResult w;
            v7_short_translate(regs, b->mem, (uint32_t)(va < m->va ? m->va : va), Access_Read, true, &w);
            v7_note_walk(b, &w);
        }
    }
    return !b->failed;
}

static void v7_build(Builder *b)
{
    const V7ShortRegs *r = &b->regs->v7;
    AddrSpace *as = b->as;
    unsigned n = r->ttbcr & 7u;
    as->granule = 4096;
    as->va_bits0 = (r->ttbcr & (1u << 4)) ? 0 : 32 - n;  /* PD0 */
    as->va_bits1 = (n == 0 || (r->ttbcr & (1u << 5))) ? 0 : 32; /* PD1; TTBR1 covers the rest */
    if (as->mmu_on) {
        /* a level-1 or level-2 table outside physical memory: found by walking one address per MB */
        for (uint32_t i = 0; i < 4096 && !b->have_err; i++) {
            TranslationResult t;
            v7_short_translate(r, b->mem, i << 20, Access_Read, true, &t);
            if (t.fault.type == Fault_SyncExternalOnWalk)
                set_err(b, "VA 0x%08x: the level-%d descriptor at 0x%llx (TTBR%d) is outside physical memory",
                        (unsigned)(i << 20), t.fault.level, (unsigned long long)t.fault.walk_pa, (int)t.ttbr1);
        }
    }
    v7_short_enumerate(r, b->mem, v7_region_cb, b);
}

/* ---- long descriptors ---- */

static unsigned log2u(uint64_t v)
{
    unsigned n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/* Size of the table read at `level` in walk t: the start table may be smaller than a granule
 * (ARM ARM D5.2.6: the start level resolves inputsize - shift(start) bits) */
static uint32_t ld_table_size(const LdResult *t, int level)
{
    unsigned g = log2u(t->granule), stride = g - 3;
    if (level != t->start_level)
        return t->granule;
    unsigned shift = g + (unsigned)(3 - level) * stride;
    unsigned bits = t->inputsize > shift ? t->inputsize - shift : 0;
    if (bits > stride)
        bits = stride;
    return 8u << bits;
}

static void ld_note_walk(Builder *b, const LdResult *t)
{
    uint64_t bases[5];
    for (int i = 0; i < t->ndesc && i < 5; i++) {
        int level = t->start_level + i;
        uint32_t s = ld_table_size(t, level);
        bases[i] = t->desc_pa[i] & ~(uint64_t)(s - 1);
        for (int j = 0; j < i; j++)
            if (bases[j] == bases[i])
                set_err(b, "the table at 0x%llx is read again at a lower level by the walk of VA 0x%llx (levels %d and %d): the tables loop",
                        (unsigned long long)bases[i], (unsigned long long)t->va, t->start_level + j, level);
        note_table(b, bases[i], s, level, t->ttbr1);
    }
}

static bool ld_region_cb(const LdMappedRegion *m, void *ctx)
{
    Builder *b = ctx;
    const LongDescRegs *regs = &b->regs->ld;
    AsRegion *r = new_region(b);
    if (!r)
        return false;
    const LdResult *t = &m->attrs;
    r->va = m->va;
    r->pa = m->pa;
    r->length = m->length;
    ld_mapping_name(t, r->mapping, sizeof r->mapping);
    ld_format(t, r->line, sizeof r->line);
    bool flat = !strcmp(t->kind, "flat");
    r->map_size = flat ? 0 : t->size;
    r->ttbr = flat ? -1 : t->ttbr1;
    r->level = t->level;
    r->global = !t->ng;
    r->af = t->af;
    r->asid = t->ng ? t->asid : 0;
    if (flat) {
        r->device = true; /* stage 1 off: data accesses are Device-nGnRnE (D5.2.9) */
        snprintf(r->memtype, sizeof r->memtype, "device-nGnRnE");
    } else {
        r->device = (t->mair_attr & 0xf0) == 0;
        ld_mair_name(t->mair_attr, r->memtype, sizeof r->memtype);
    }
    r->perms = (uint8_t)(t->el1_r * AS_P_EL1_R | t->el1_w * AS_P_EL1_W | t->el1_x * AS_P_EL1_X |
                         t->el0_r * AS_P_EL0_R | t->el0_w * AS_P_EL0_W | t->el0_x * AS_P_EL0_X);
    if (flat)
        r->perms = 0x3f;
    r->ndesc = t->ndesc > 5 ? 5 : t->ndesc;
    memcpy(r->desc, t->desc, sizeof r->desc);
    memcpy(r->desc_pa, t->desc_pa, sizeof r->desc_pa);
    if (!flat) {
        /* one walk per table the region's leaves sit in: a leaf table at level L spans
         * map_size << (granule bits - 3); a leaf in the start table needs one walk */
        unsigned stride = log2u(t->granule) - 3;
        uint64_t step = t->level > t->start_level && log2u(t->size) + stride < 64 ? t->size << stride : 0;
        uint64_t last = m->va + (m->length - 1);
        uint64_t va = step ? m->va & ~(step - 1) : m->va;
        for (;;) {
            LdResult w;
            ld_translate(regs, b->mem, va < m->va ? m->va : va, Access_Read, true, &w);
            ld_note_walk(b, &w);
            if (!step || last - va < step || b->failed)
                break;
            va += step;
        }
    }
    return !b->failed;
}

static void ld_build(Builder *b)
{
    const LongDescRegs *r = &b->regs->ld;
    AddrSpace *as = b->as;
    as->a64 = r->regime == Ld_AArch64;
    static const unsigned tg0[4] = {4096, 65536, 16384, 4096};
    as->granule = as->a64 ? tg0[(r->tcr >> LD_TCR_TG0_SHIFT) & 3] : 4096;
    unsigned t0sz = (unsigned)(r->tcr & (as->a64 ? 0x3f : 7)), t1sz = (unsigned)((r->tcr >> 16) & (as->a64 ? 0x3f : 7));
    unsigned top = as->a64 ? 64 : 32;
    as->va_bits0 = (r->tcr & LD_TCR_EPD0) ? 0 : top - t0sz;
    as->va_bits1 = (r->tcr & LD_TCR_EPD1) ? 0 : top - t1sz;
    if (!as->a64 && t0sz == 0 && t1sz == 0)
        as->va_bits1 = 0; /* LPAE: TTBR0 translates everything (B3.6.4) */
    if (as->mmu_on) {
        /* the start table of each half in use must be in memory */
        const uint64_t probe[2] = {0, as->a64 ? ~UINT64_C(0) : 0xffffffffu};
        for (int h = 0; h < 2; h++) {
            if (!(h ? as->va_bits1 : as->va_bits0))
                continue;
            LdResult t;
            ld_translate(r, b->mem, probe[h], Access_Read, true, &t);
            if (t.fault.type == Fault_SyncExternalOnWalk && t.fault.level == t.start_level)
                set_err(b, "TTBR%d's table (descriptor at 0x%llx) is outside physical memory", h,
                        (unsigned long long)t.fault.walk_pa);
        }
    }
    ld_enumerate(r, b->mem, ld_region_cb, b);
}

bool addrspace_build(const AsRegs *regs, const PhysMem *mem, AddrSpace *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    Builder b;
    memset(&b, 0, sizeof b);
    b.regs = regs;
    b.mem = mem;
    b.as = out;
    b.err = err;
    b.errlen = errlen;
    if (errlen)
        err[0] = 0;
    out->long_desc = regs->long_desc;
    if (regs->long_desc) {
        out->mmu_on = regs->ld.sctlr & LD_SCTLR_M;
        ld_build(&b);
    } else {
        out->mmu_on = regs->v7.sctlr & SCTLR_M;
        v7_build(&b);
    }
    if (b.failed)
        set_err(&b, "out of memory after %d regions", out->nregions);
    return !b.have_err;
}

void addrspace_free(AddrSpace *as)
{
    free(as->regions);
    free(as->tables);
    memset(as, 0, sizeof *as);
}

void addrspace_perm_string(uint8_t perms, bool el0, char out[4])
{
    uint8_t p = el0 ? perms >> 3 : perms;
    out[0] = (p & 1) ? 'r' : '-';
    out[1] = (p & 2) ? 'w' : '-';
    out[2] = (p & 4) ? 'x' : '-';
    out[3] = 0;
}

const AsTable *addrspace_table_at(const AddrSpace *as, uint64_t pa)
{
    for (int i = 0; i < as->ntables; i++)
        if (pa >= as->tables[i].pa && pa - as->tables[i].pa < as->tables[i].size)
            return &as->tables[i];
    return NULL;
}
