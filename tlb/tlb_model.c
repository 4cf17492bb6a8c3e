/* The hierarchy: per-side paths of structures, walk cache, maintenance, cycles, statistics. */
#include <stdlib.h>
#include <string.h>
#include "tlb_internal.h"

static TlbStruct *mk(const TlbStructConfig *sc, uint64_t seed, char *err, size_t errlen, bool *ok)
{
    if (!sc->present || !*ok)
        return NULL;
    TlbStruct *t = tlb_struct_create(sc, seed, err, errlen);
    if (!t)
        *ok = false;
    return t;
}

TlbModel *tlb_model_create(const TlbConfig *c, char *err, size_t errlen)
{
    TlbModel *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->cfg = *c;
    bool ok = true;
    /* each structure gets its own seed derived from the preset seed */
    m->itlb = mk(&c->itlb, c->seed * 11 + 1, err, errlen, &ok);
    m->dtlb = mk(&c->dtlb, c->seed * 11 + 2, err, errlen, &ok);
    m->dtlb_load = mk(&c->dtlb_load, c->seed * 11 + 3, err, errlen, &ok);
    m->dtlb_store = mk(&c->dtlb_store, c->seed * 11 + 4, err, errlen, &ok);
    for (int i = 0; i < TLB_MAX_UNIFIED; i++)
        m->unified[i] = mk(&c->unified[i], c->seed * 11 + 5 + (uint64_t)i, err, errlen, &ok);
    m->walk_cache = mk(&c->walk_cache, c->seed * 11 + 9, err, errlen, &ok);
    m->ipa_cache = mk(&c->ipa_cache, c->seed * 11 + 10, err, errlen, &ok);
    if (!ok || !m->itlb || (!m->dtlb && !(m->dtlb_load && m->dtlb_store))) {
        if (ok)
            snprintf(err, errlen, "%s: needs [itlb] and [dtlb] (or [dtlb_load] and [dtlb_store])",
                     c->source[0] ? c->source : c->name);
        tlb_model_destroy(m);
        return NULL;
    }
    TlbStruct *first[TLB_SIDE_COUNT] = {m->itlb, m->dtlb ? m->dtlb : m->dtlb_load, m->dtlb ? m->dtlb : m->dtlb_store};
    for (int s = 0; s < TLB_SIDE_COUNT; s++) {
        m->path[s][0] = first[s];
        m->path_len[s] = 1;
        for (int i = 0; i < TLB_MAX_UNIFIED && m->unified[i]; i++)
            m->path[s][m->path_len[s]++] = m->unified[i];
    }
    m->asid_mask = c->asid_bits == 16 ? 0xffff : 0xff;
    return m;
}

void tlb_model_destroy(TlbModel *m)
{
    if (!m)
        return;
    tlb_struct_destroy(m->itlb);
    tlb_struct_destroy(m->dtlb);
    tlb_struct_destroy(m->dtlb_load);
    tlb_struct_destroy(m->dtlb_store);
    for (int i = 0; i < TLB_MAX_UNIFIED; i++)
        tlb_struct_destroy(m->unified[i]);
    tlb_struct_destroy(m->walk_cache);
    tlb_struct_destroy(m->ipa_cache);
    free(m);
}

const TlbConfig *tlb_model_config(const TlbModel *m) { return &m->cfg; }

TlbStruct *tlb_model_struct(TlbModel *m, const char *name)
{
    static const char *const names[] = {"itlb", "dtlb", "dtlb_load", "dtlb_store", "main_tlb",
                                        "main_tlb2", "main_tlb3", "walk_cache", "ipa_cache"};
    TlbStruct *all[] = {m->itlb, m->dtlb, m->dtlb_load, m->dtlb_store, m->unified[0],
                        m->unified[1], m->unified[2], m->walk_cache, m->ipa_cache};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return all[i];
    return NULL;
}

static inline TlbAsidStats *asid_slot(TlbModel *m, uint16_t asid)
{
    return &m->asid[asid < TLB_ASID_SLOTS ? asid : TLB_ASID_SLOTS];
}

/* tlb_lookup from the second level on, the first-level structure p[0] having missed (its lookup
 * and miss counted); as: the ASID's counters. */
static bool lookup_upper(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, uint16_t vmid, TlbResult *out)
{
    TlbStruct *const *p = m->path[side];
    TlbAsidStats *as = asid_slot(m, asid);
    unsigned cyc = p[0]->cfg.miss_penalty;
    int n = m->path_len[side];
    for (int k = 1; k < n; k++) {
        cyc += p[k]->cfg.latency;
        if (tlb_struct_lookup_i(p[k], va, asid, vmid, &out->e)) {
            TlbMapping mp = {out->e.va, out->e.pa, out->e.size, out->e.asid, out->e.vmid, out->e.global,
                             out->e.perms, out->e.attrs, out->e.level};
            for (int j = 0; j < k; j++) /* each missed just now */
                tlb_struct_fill_i(p[j], &mp, va, true);
            as->hits++;
            out->hit = true;
            out->level = k;
            out->cycles = cyc;
            m->tlb_cycles += cyc;
            m->cycles += cyc;
            return true;
        }
        cyc += p[k]->cfg.miss_penalty;
    }
    out->hit = false;
    out->level = -1;
    out->cycles = cyc;
    memset(&out->e, 0, sizeof out->e);
    m->tlb_cycles += cyc;
    m->cycles += cyc;
    return false;
}

bool tlb_lookup(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, uint16_t vmid, TlbResult *out)
{
    asid &= m->asid_mask;
    TlbStruct *const *p = m->path[side];
    TlbAsidStats *as = asid_slot(m, asid);
    m->accesses[side]++;
    as->lookups++;
    /* fast path: first-level hit costs nothing beyond the instruction's base cost */
    if (tlb_struct_lookup_i(p[0], va, asid, vmid, &out->e)) {
        m->first_level_hits[side]++;
        as->hits++;
        out->hit = true;
        out->level = 0;
        out->cycles = 0;
        return true;
    }
    return lookup_upper(m, side, va, asid, vmid, out);
}

bool tlb_lookup_l1_missed(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, TlbResult *out)
{
    asid &= m->asid_mask;
    TlbStruct *t = m->path[side][0];
    /* what tlb_lookup counts before and in its first-level lookup when that misses */
    m->accesses[side]++;
    asid_slot(m, asid)->lookups++;
    t->st.lookups++;
    t->st.misses++;
    return lookup_upper(m, side, va, asid, 0, out);
}

void tlb_hot_init(TlbModel *m, TlbSide side, TlbHot *h)
{
    *h = (TlbHot){.t = m->path[side][0]};
}

void tlb_hot_arm(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, TlbHot *h)
{
    TlbStruct *t = m->path[side][0];
    asid &= m->asid_mask;
    h->t = t;
    h->epoch = 0;
    int i = t->last;
    if (i < 0 || i != t->mru)
        return;
    const TlbEntry *e = &t->e[i];
    /* what tlb_struct_lookup's first test (entry_matches on t->last, vmid 0, tag2 0) asks */
    if (!e->valid || (va >> e->shift) != e->vpn || e->vmid != 0 || e->tag2 != 0 || !(e->global || e->asid == asid))
        return;
    h->epoch = t->epoch;
    h->vpn = e->vpn;
    h->shift = e->shift;
    h->idx = (unsigned)i;
    h->asid = asid;
}

bool tlb_hot_lookup(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, TlbHot *h)
{
    asid &= m->asid_mask;
    TlbStruct *t = m->path[side][0];
    /* tlb_struct_lookup's search, without its side effects yet */
    int i = tlb_struct_search_i(t, va, asid, 0);
    if (i < 0)
        return false;
    const TlbEntry *e = &t->e[i];
    /* tlb_lookup's first-level hit */
    TlbAsidStats *as = asid_slot(m, asid);
    m->accesses[side]++;
    as->lookups++;
    t->st.lookups++;
    tlb_struct_hit_i(t, i);
    t->st.hits++;
    tlb_struct_touch_i(t, (unsigned)i);
    m->first_level_hits[side]++;
    as->hits++;
    h->t = t;
    h->epoch = t->epoch;
    h->vpn = e->vpn;
    h->shift = e->shift;
    h->idx = (unsigned)i;
    h->asid = asid;
    return true;
}

void tlb_hot_flush(TlbModel *m, TlbSide side, TlbHot *h)
{
    uint64_t n = h->n;
    if (!n)
        return;
    h->n = 0;
    TlbStruct *t = h->t;
    TlbAsidStats *as = asid_slot(m, h->asid);
    m->accesses[side] += n;
    m->first_level_hits[side] += n;
    as->lookups += n;
    as->hits += n;
    t->st.lookups += n;
    t->st.hits += n;
    if (t->cfg.repl == TLB_REPL_LRU) {
        t->clock += n;
        t->e[h->idx].stamp = t->clock;
    }
}

void tlb_fill(TlbModel *m, TlbSide side, uint64_t va, const TlbMapping *map)
{
    TlbMapping mp = *map;
    mp.asid &= m->asid_mask;
    for (int k = 0; k < m->path_len[side]; k++)
        tlb_struct_fill_i(m->path[side][k], &mp, va, false);
}

void tlb_fill_missed(TlbModel *m, TlbSide side, uint64_t va, const TlbMapping *map)
{
    TlbMapping mp = *map;
    mp.asid &= m->asid_mask;
    for (int k = 0; k < m->path_len[side]; k++)
        tlb_struct_fill_i(m->path[side][k], &mp, va, true);
}

/* ---- walk cache ---- */

static inline int level_shift(TlbWalkFmt fmt, int level)
{
    switch (fmt) {
    case TLB_FMT_V7_SHORT: return level == 1 ? 20 : level == 2 ? 12 : -1;
    case TLB_FMT_4K: return level >= 0 && level <= 3 ? 12 + 9 * (3 - level) : -1;
    case TLB_FMT_16K: return level >= 0 && level <= 3 ? 14 + 11 * (3 - level) : -1;
    case TLB_FMT_64K: return level >= 1 && level <= 3 ? 16 + 13 * (3 - level) : -1;
    }
    return -1;
}

int tlb_walk_level_shift(TlbWalkFmt fmt, int level) { return level_shift(fmt, level); }

/* the low bits of a table's address: short L1 16 KiB, short L2 1 KiB, long: the granule */
static inline uint64_t table_mask(TlbWalkFmt fmt, int level)
{
    if (fmt == TLB_FMT_V7_SHORT)
        return level == 1 ? 0x3fff : 0x3ff;
    return fmt == TLB_FMT_16K ? 0x3fff : fmt == TLB_FMT_64K ? 0xffff : 0xfff;
}

static inline uint16_t wc_tag(TlbWalkFmt fmt, int ttbr, int level)
{
    return (uint16_t)(0x8000u | (unsigned)fmt << 8 | (unsigned)(ttbr & 1) << 4 | (unsigned)(level & 0xf));
}

/* tlb_walk_begin with asid masked */
static inline int walk_begin(TlbModel *m, uint64_t va, TlbWalkFmt fmt, int start_level, int ttbr,
                             uint16_t asid, uint16_t vmid, uint64_t *table_pa)
{
    TlbStruct *wc = m->walk_cache;
    if (!wc)
        return start_level;
    int deepest = fmt == TLB_FMT_V7_SHORT ? 1 : 2; /* last level holding table descriptors */
    m->wc_lookups++;
    wc->st.lookups++;
    for (int l = deepest; l >= start_level; l--) {
        int sh = level_shift(fmt, l);
        if (sh < 0)
            continue;
        int i = tlb_struct_find_hinted(wc, va, asid, vmid, wc_tag(fmt, ttbr, l), sh);
        if (i >= 0) {
            tlb_struct_touch_i(wc, (unsigned)i);
            wc->st.hits++;
            m->wc_hits++;
            m->wc_levels_skipped += (uint64_t)(l + 1 - start_level);
            *table_pa = wc->e[i].pa;
            return l + 1;
        }
    }
    wc->st.misses++;
    return start_level;
}

int tlb_walk_begin(TlbModel *m, uint64_t va, TlbWalkFmt fmt, int start_level, int ttbr,
                   uint16_t asid, uint16_t vmid, uint64_t *table_pa)
{
    return walk_begin(m, va, fmt, start_level, ttbr, asid & m->asid_mask, vmid, table_pa);
}

/* tlb_walk_cache_insert with asid masked */
static inline void wc_insert(TlbModel *m, uint64_t va, TlbWalkFmt fmt, int level, int ttbr,
                             uint16_t asid, uint16_t vmid, uint64_t next_table_pa)
{
    TlbStruct *wc = m->walk_cache;
    int sh = level_shift(fmt, level);
    if (!wc || sh < 0)
        return;
    uint16_t tag = wc_tag(fmt, ttbr, level);
    unsigned h = wc->hint[sh]; /* usually the entry this level's last walk filled or found */
    if (tlb_same_translation(&wc->e[h], sh, va >> sh, asid, vmid, false, tag))
        tlb_struct_refresh_i(wc, (int)h, sh, next_table_pa, 0, 0, (uint8_t)level);
    else
        tlb_struct_insert_raw(wc, va & ~((1ull << sh) - 1), sh, next_table_pa, asid, vmid, false, 0, 0,
                              (uint8_t)level, tag);
}

void tlb_walk_cache_insert(TlbModel *m, uint64_t va, TlbWalkFmt fmt, int level, int ttbr,
                           uint16_t asid, uint16_t vmid, uint64_t next_table_pa)
{
    wc_insert(m, va, fmt, level, ttbr, asid & m->asid_mask, vmid, next_table_pa);
}

/* tlb_walk_end with asid masked */
static inline unsigned walk_end(TlbModel *m, unsigned descriptors_read, uint16_t asid)
{
    unsigned cyc = descriptors_read * m->cfg.mem_latency;
    m->walks++;
    asid_slot(m, asid)->walks++;
    m->descriptor_reads += descriptors_read;
    m->walk_cycles += cyc;
    m->cycles += cyc;
    return cyc;
}

unsigned tlb_walk_end(TlbModel *m, unsigned descriptors_read, uint16_t asid)
{
    return walk_end(m, descriptors_read, asid & m->asid_mask);
}

unsigned tlb_walk(TlbModel *m, uint64_t va, TlbWalkFmt fmt, int start_level, int ttbr, uint16_t asid,
                  uint16_t vmid, const uint64_t *desc_pa, unsigned ndesc)
{
    asid &= m->asid_mask;
    uint64_t table_pa = 0;
    int next = walk_begin(m, va, fmt, start_level, ttbr, asid, vmid, &table_pa);
    int last = start_level + (ndesc ? (int)ndesc : 1) - 1;
    unsigned reads = next > last ? 1 : (unsigned)(last - next + 1);
    for (unsigned i = 0; i + 1 < ndesc; i++) /* level start + i points to desc_pa[i + 1]'s table */
        wc_insert(m, va, fmt, start_level + (int)i, ttbr, asid, vmid,
                  desc_pa[i + 1] & ~table_mask(fmt, start_level + (int)i + 1));
    walk_end(m, reads, asid);
    return reads;
}

/* ---- maintenance ---- */

static bool wc_kills(const TlbEntry *e, const TlbInval *inv)
{
    if (!e->valid || e->vmid != inv->vmid)
        return false;
    switch (inv->op) {
    case TLB_INV_ALL: return true;
    case TLB_INV_ASID: return e->asid == inv->asid;
    /* intermediate descriptors are not ASID-specific in the architecture: any entry
     * used for translating the VA goes, whatever ASID it was cached under */
    default: return (inv->va >> e->shift) == e->vpn;
    }
}

static unsigned wc_invalidate(TlbStruct *wc, const TlbInval *inv)
{
    if (inv->op == TLB_INV_VAL || inv->op == TLB_INV_VAAL)
        return 0; /* last-level forms may leave intermediate entries */
    bool by_va = inv->op != TLB_INV_ALL && inv->op != TLB_INV_ASID;
    return tlb_struct_inval_scan(wc, inv, by_va, wc_kills);
}

unsigned tlb_invalidate(TlbModel *m, const TlbInval *inv)
{
    TlbInval x = *inv;
    x.asid &= m->asid_mask;
    unsigned removed = 0;
    TlbStruct *tl[] = {m->itlb, m->dtlb, m->dtlb_load, m->dtlb_store, m->unified[0], m->unified[1], m->unified[2]};
    for (size_t i = 0; i < sizeof tl / sizeof tl[0]; i++)
        if (tl[i])
            removed += tlb_struct_invalidate(tl[i], &x);
    if (m->walk_cache)
        removed += wc_invalidate(m->walk_cache, &x);
    if ((unsigned)x.op < 6)
        m->inval_ops[x.op]++;
    m->inval_removed += removed;
    return removed;
}

/* ---- cycles ---- */

uint64_t tlb_block_cost(TlbModel *m, const uint32_t counts[TLB_C_COUNT])
{
    uint64_t c = 0, n = 0;
    for (int i = 0; i < TLB_C_COUNT; i++) {
        c += (uint64_t)counts[i] * m->cfg.cost[i];
        m->class_counts[i] += counts[i];
        if (i != TLB_C_LOAD_USE)
            n += counts[i];
    }
    m->cycles += c;
    m->block_cycles += c;
    m->instructions += n;
    return c;
}

void tlb_block_cost_n(TlbModel *m, const uint32_t counts[TLB_C_COUNT], uint64_t n)
{
    uint64_t c = 0, k = 0;
    for (int i = 0; i < TLB_C_COUNT; i++) {
        c += (uint64_t)counts[i] * m->cfg.cost[i];
        m->class_counts[i] += n * counts[i];
        if (i != TLB_C_LOAD_USE)
            k += counts[i];
    }
    m->cycles += n * c;
    m->block_cycles += n * c;
    m->instructions += n * k;
}

void tlb_add_cycles(TlbModel *m, uint64_t cycles)
{
    m->cycles += cycles;
    m->extra_cycles += cycles;
}

uint64_t tlb_cycles(const TlbModel *m) { return m->cycles; }
uint64_t tlb_instructions(const TlbModel *m) { return m->instructions; }
uint64_t tlb_accesses(const TlbModel *m, TlbSide side) { return (unsigned)side < TLB_SIDE_COUNT ? m->accesses[side] : 0; }
TlbWalkStats tlb_walk_stats(const TlbModel *m)
{
    return (TlbWalkStats){m->walks, m->descriptor_reads, m->wc_hits};
}

/* ---- statistics ---- */

static const char *const side_names[TLB_SIDE_COUNT] = {"fetch", "load", "store"};
static const char *const op_names[6] = {"all", "asid", "va", "vaa", "val", "vaal"};
static const char *const class_names[TLB_C_COUNT] = {"alu", "mul", "load", "store", "branch", "system", "load_use"};

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(f, "\\%c", *s);
        else if ((unsigned char)*s < 0x20)
            fprintf(f, "\\u%04x", (unsigned char)*s);
        else
            fputc(*s, f);
    }
    fputc('"', f);
}

static double cpi(const TlbModel *m)
{
    return m->instructions ? (double)m->cycles / (double)m->instructions : 0.0;
}

void tlb_stats_json(const TlbModel *m, FILE *f)
{
    fprintf(f, "{\"core\": ");
    json_str(f, m->cfg.name);
    fprintf(f, ", \"cycles\": %llu, \"instructions\": %llu, \"cpi\": %.4f",
            (unsigned long long)m->cycles, (unsigned long long)m->instructions, cpi(m));
    fprintf(f, ", \"cycles_by_source\": {\"blocks\": %llu, \"tlb\": %llu, \"walks\": %llu, \"other\": %llu}",
            (unsigned long long)m->block_cycles, (unsigned long long)m->tlb_cycles,
            (unsigned long long)m->walk_cycles, (unsigned long long)m->extra_cycles);
    fprintf(f, ", \"instruction_classes\": {");
    for (int i = 0; i < TLB_C_COUNT; i++)
        fprintf(f, "%s\"%s\": %llu", i ? ", " : "", class_names[i], (unsigned long long)m->class_counts[i]);
    fprintf(f, "}, \"accesses\": {");
    for (int s = 0; s < TLB_SIDE_COUNT; s++)
        fprintf(f, "%s\"%s\": %llu", s ? ", " : "", side_names[s], (unsigned long long)m->accesses[s]);
    fprintf(f, "}, \"structures\": {");
    const char *names[] = {"itlb", "dtlb", "dtlb_load", "dtlb_store", "main_tlb", "main_tlb2", "main_tlb3",
                           "walk_cache", "ipa_cache"};
    TlbStruct *all[] = {m->itlb, m->dtlb, m->dtlb_load, m->dtlb_store, m->unified[0], m->unified[1],
                        m->unified[2], m->walk_cache, m->ipa_cache};
    bool first = true;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const TlbStruct *t = all[i];
        if (!t)
            continue;
        fprintf(f, "%s\"%s\": {\"entries\": %u, \"ways\": %u, \"replacement\": \"%s\", \"lookups\": %llu, "
                   "\"hits\": %llu, \"misses\": %llu, \"fills\": %llu, \"evictions\": %llu, "
                   "\"invalidations\": %llu, \"valid\": %u}",
                first ? "" : ", ", names[i], t->cfg.entries, t->ways, tlb_repl_name(t->cfg.repl),
                (unsigned long long)t->st.lookups, (unsigned long long)t->st.hits,
                (unsigned long long)t->st.misses, (unsigned long long)t->st.fills,
                (unsigned long long)t->st.evictions, (unsigned long long)t->st.invalidations,
                tlb_struct_valid_count(t));
        first = false;
    }
    fprintf(f, "}, \"walks\": %llu, \"descriptor_reads\": %llu, \"walk_cache_lookups\": %llu, "
               "\"walk_cache_hits\": %llu, \"walk_cache_levels_skipped\": %llu",
            (unsigned long long)m->walks, (unsigned long long)m->descriptor_reads,
            (unsigned long long)m->wc_lookups, (unsigned long long)m->wc_hits,
            (unsigned long long)m->wc_levels_skipped);
    fprintf(f, ", \"maintenance\": {");
    for (int i = 0; i < 6; i++)
        fprintf(f, "%s\"%s\": %llu", i ? ", " : "", op_names[i], (unsigned long long)m->inval_ops[i]);
    fprintf(f, ", \"entries_removed\": %llu}", (unsigned long long)m->inval_removed);
    fprintf(f, ", \"per_asid\": [");
    first = true;
    for (int a = 0; a <= TLB_ASID_SLOTS; a++) {
        const TlbAsidStats *s = &m->asid[a];
        if (!s->lookups && !s->walks)
            continue;
        fprintf(f, "%s{\"asid\": ", first ? "" : ", ");
        if (a < TLB_ASID_SLOTS)
            fprintf(f, "%d", a);
        else
            fprintf(f, "\"other\"");
        fprintf(f, ", \"lookups\": %llu, \"hits\": %llu, \"walks\": %llu}", (unsigned long long)s->lookups,
                (unsigned long long)s->hits, (unsigned long long)s->walks);
        first = false;
    }
    fprintf(f, "]}");
}

void tlb_stats_print(const TlbModel *m, FILE *f)
{
    fprintf(f, "TLB model %s: %llu cycles, %llu instructions, CPI %.3f\n", m->cfg.name,
            (unsigned long long)m->cycles, (unsigned long long)m->instructions, cpi(m));
    fprintf(f, "  cycles: blocks %llu, TLB lookups %llu, walks %llu, other %llu\n",
            (unsigned long long)m->block_cycles, (unsigned long long)m->tlb_cycles,
            (unsigned long long)m->walk_cycles, (unsigned long long)m->extra_cycles);
    fprintf(f, "  %-11s %7s %5s %-7s %12s %12s %12s %8s %10s %10s\n", "structure", "entries", "ways", "repl",
            "lookups", "hits", "misses", "hit%", "evictions", "invalid.");
    const char *names[] = {"itlb", "dtlb", "dtlb_load", "dtlb_store", "main_tlb", "main_tlb2", "main_tlb3",
                           "walk_cache", "ipa_cache"};
    TlbStruct *all[] = {m->itlb, m->dtlb, m->dtlb_load, m->dtlb_store, m->unified[0], m->unified[1],
                        m->unified[2], m->walk_cache, m->ipa_cache};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        const TlbStruct *t = all[i];
        if (!t)
            continue;
        double hp = t->st.lookups ? 100.0 * (double)t->st.hits / (double)t->st.lookups : 0.0;
        fprintf(f, "  %-11s %7u %5u %-7s %12llu %12llu %12llu %7.2f%% %10llu %10llu\n", names[i], t->cfg.entries,
                t->ways, tlb_repl_name(t->cfg.repl), (unsigned long long)t->st.lookups,
                (unsigned long long)t->st.hits, (unsigned long long)t->st.misses, hp,
                (unsigned long long)t->st.evictions, (unsigned long long)t->st.invalidations);
    }
    fprintf(f, "  walks %llu, descriptor reads %llu, walk-cache hits %llu of %llu\n",
            (unsigned long long)m->walks, (unsigned long long)m->descriptor_reads,
            (unsigned long long)m->wc_hits, (unsigned long long)m->wc_lookups);
    fprintf(f, "  maintenance:");
    for (int i = 0; i < 6; i++)
        fprintf(f, " %s=%llu", op_names[i], (unsigned long long)m->inval_ops[i]);
    fprintf(f, " (entries removed %llu)\n", (unsigned long long)m->inval_removed);
    int shown = 0;
    for (int a = 0; a <= TLB_ASID_SLOTS; a++) {
        const TlbAsidStats *s = &m->asid[a];
        if (!s->lookups && !s->walks)
            continue;
        if (!shown++)
            fprintf(f, "  %-8s %12s %12s %10s\n", "asid", "lookups", "hits", "walks");
        char an[16];
        if (a < TLB_ASID_SLOTS)
            snprintf(an, sizeof an, "%d", a);
        else
            snprintf(an, sizeof an, "other");
        fprintf(f, "  %-8s %12llu %12llu %10llu\n", an, (unsigned long long)s->lookups,
                (unsigned long long)s->hits, (unsigned long long)s->walks);
    }
}
