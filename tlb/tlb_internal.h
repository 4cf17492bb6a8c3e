/* Internals shared by the tlb/ sources; not part of the public API. */
#ifndef TLB_INTERNAL_H
#define TLB_INTERNAL_H
#include "tlb.h"

typedef struct TlbEntry {
    uint64_t vpn;       /* va >> shift */
    uint64_t pa;        /* base PA of the stored entry (walk cache: next table address) */
    uint64_t stamp;     /* LRU: last use; FIFO: fill order */
    uint32_t attrs;
    uint16_t asid, vmid;
    uint16_t tag2;      /* walk cache: fmt/ttbr/level tag; 0 in TLBs */
    uint8_t shift, perms, level;
    bool valid, global;
} TlbEntry;

struct TlbStruct {
    TlbStructConfig cfg;
    unsigned ways, sets;
    uint64_t set_mask;
    TlbEntry *e;            /* sets * ways, set-major */
    uint64_t *plru;         /* per-set tree bits */
    uint64_t clock;
    uint64_t rng;
    uint64_t present;       /* mask of shifts with at least one valid entry */
    uint32_t shift_count[64];
    int last;               /* index of the last hit, -1 none */
    int prev;               /* the entry hit before it (another one), -1 none */
    int mru;                /* the entry last touched or filled, -1 none (or dropped since) */
    uint64_t epoch;         /* changes whenever mru changes or an entry is filled or dropped */
    /* hint[sh]: the entry last filled, or found by tlb_struct_find_hinted, with page size 1 << sh.
     * Only a guess, checked before use (never maintained on drops): a fill whose translation is
     * already present, or a walk-cache search, that finds it there skips scanning the set. */
    uint32_t hint[64];
    TlbStructStats st;
};

int tlb_struct_find(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid, uint16_t tag2, int only_shift);
unsigned tlb_struct_victim(TlbStruct *t, unsigned set);
int tlb_struct_insert_raw(TlbStruct *t, uint64_t va, int shift, uint64_t pa, uint16_t asid, uint16_t vmid,
                          bool global, uint8_t perms, uint32_t attrs, uint8_t level, uint16_t tag2);
/* tlb_struct_insert_raw for a translation known to be absent: the structure has been searched
 * for an entry matching an address the translation covers, with its ASID and VMID, and none
 * matched (so none holds the translation: such an entry would have matched), with nothing
 * filled since. Skips the search for it. */
int tlb_struct_insert_absent(TlbStruct *t, uint64_t va, int shift, uint64_t pa, uint16_t asid, uint16_t vmid,
                             bool global, uint8_t perms, uint32_t attrs, uint8_t level, uint16_t tag2);
void tlb_struct_touch(TlbStruct *t, unsigned idx);
void tlb_struct_drop(TlbStruct *t, unsigned idx);
void tlb_struct_flush(TlbStruct *t, uint16_t vmid, bool any_vmid, unsigned *removed);
/* Drops every entry e that kill(e, inv) selects; by_va: only entries covering inv->va can be
 * selected (then only the sets that VA indexes are scanned). Returns how many were dropped. */
unsigned tlb_struct_inval_scan(TlbStruct *t, const TlbInval *inv, bool by_va,
                               bool (*kill)(const TlbEntry *, const TlbInval *));


/* ---- the hot parts of tlb_struct.c, inline here so that tlb_model.c and trace_format.c use them
 * without a call (tlb_struct_find, _touch, _drop and tlb_struct_lookup are these) ---- */

/* Tree-PLRU over `ways` leaves; node bits in heap order (node 1 = root), bit set means
 * "the next victim is in the right half". Touching way w makes every node on its path
 * point away from w. */
static inline void tlb_plru_touch(TlbStruct *t, unsigned set, unsigned way)
{
    uint64_t b = t->plru[set];
    unsigned node = 1, lo = 0, n = t->ways;
    while (n > 1) {
        unsigned half = n / 2;
        if (way < lo + half) {            /* w in left half: point right */
            b |= 1ull << node;
            node = 2 * node;
        } else {                          /* w in right half: point left */
            b &= ~(1ull << node);
            node = 2 * node + 1;
            lo += half;
        }
        n = half;
    }
    t->plru[set] = b;
}

static inline void tlb_struct_touch_i(TlbStruct *t, unsigned idx)
{
    if (t->mru != (int)idx) {
        t->mru = (int)idx;
        t->epoch++;
    }
    switch (t->cfg.repl) {
    case TLB_REPL_LRU:
        t->e[idx].stamp = ++t->clock;
        break;
    case TLB_REPL_PLRU:
        tlb_plru_touch(t, idx / t->ways, idx % t->ways);
        break;
    default:
        break;
    }
}

static inline bool tlb_entry_matches(const TlbEntry *e, uint64_t va, uint16_t asid, uint16_t vmid, uint16_t tag2)
{
    return e->valid && (va >> e->shift) == e->vpn && e->vmid == vmid && e->tag2 == tag2 &&
           (e->global || e->asid == asid);
}

static inline int tlb_struct_find_i(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid, uint16_t tag2, int only_shift)
{
    if (t->sets == 1) {
        unsigned n = t->cfg.entries;
        for (unsigned i = 0; i < n; i++) {
            const TlbEntry *e = &t->e[i];
            if (tlb_entry_matches(e, va, asid, vmid, tag2) && (only_shift < 0 || e->shift == only_shift))
                return (int)i;
        }
        return -1;
    }
    uint64_t mask = t->present;
    if (only_shift >= 0)
        mask &= 1ull << only_shift;
    while (mask) {
        int sh = __builtin_ctzll(mask);
        mask &= mask - 1;
        unsigned base = (unsigned)((va >> sh) & t->set_mask) * t->ways;
        for (unsigned w = 0; w < t->ways; w++) {
            const TlbEntry *e = &t->e[base + w];
            if (e->shift == sh && tlb_entry_matches(e, va, asid, vmid, tag2))
                return (int)(base + w);
        }
    }
    return -1;
}

/* tlb_struct_find_i(t, va, asid, vmid, tag2, sh) for a structure in which at most one entry can
 * match (the walk cache: its entries are never global, so a match is the unique entry holding
 * that translation): tries t->hint[sh] first. */
static inline int tlb_struct_find_hinted(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid, uint16_t tag2, int sh)
{
    unsigned h = t->hint[sh];
    const TlbEntry *e = &t->e[h];
    if (e->shift == sh && tlb_entry_matches(e, va, asid, vmid, tag2))
        return (int)h;
    int i = tlb_struct_find_i(t, va, asid, vmid, tag2, sh);
    if (i >= 0)
        t->hint[sh] = (uint32_t)i;
    return i;
}

static inline void tlb_entry_view(const TlbEntry *e, uint64_t va, TlbEntryView *out)
{
    uint64_t size = 1ull << e->shift;
    out->va = e->vpn << e->shift;
    out->pa = e->pa;
    out->size = size;
    out->out_pa = e->pa | (va & (size - 1));
    out->asid = e->asid;
    out->vmid = e->vmid;
    out->global = e->global;
    out->perms = e->perms;
    out->level = e->level;
    out->attrs = e->attrs;
}

/* The entry a lookup of (va, asid, vmid) hits, -1 for a miss: the last hit entry if it matches,
 * else the one hit before it, else the first match of tlb_struct_find. More than one entry can
 * match only when a translation changed without the TLB maintenance the architecture requires
 * (a TLB conflict, CONSTRAINED UNPREDICTABLE in the ARM ARM); the most recent hits win then. */
static inline int tlb_struct_search_i(const TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid)
{
    int i = t->last;
    if (i >= 0 && tlb_entry_matches(&t->e[i], va, asid, vmid, 0))
        return i;
    i = t->prev;
    if (i >= 0 && tlb_entry_matches(&t->e[i], va, asid, vmid, 0))
        return i;
    return tlb_struct_find_i((TlbStruct *)t, va, asid, vmid, 0, -1);
}

/* entry i was hit: it becomes the last hit, the previous last one prev */
static inline void tlb_struct_hit_i(TlbStruct *t, int i)
{
    if (i != t->last) {
        t->prev = t->last;
        t->last = i;
    }
}

static inline bool tlb_struct_lookup_i(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid, TlbEntryView *out)
{
    t->st.lookups++;
    int i = tlb_struct_search_i(t, va, asid, vmid);
    if (i < 0) {
        t->st.misses++;
        return false;
    }
    tlb_struct_hit_i(t, i);
    t->st.hits++;
    tlb_struct_touch_i(t, (unsigned)i);
    if (out)
        tlb_entry_view(&t->e[i], va, out);
    return true;
}

static inline void tlb_struct_drop_i(TlbStruct *t, unsigned idx)
{
    TlbEntry *e = &t->e[idx];
    if (!e->valid)
        return;
    e->valid = false;
    e->stamp = 0; /* invalid entries are the oldest (way_for_new in tlb_struct.c) */
    t->epoch++;
    if (t->mru == (int)idx)
        t->mru = -1;
    if (--t->shift_count[e->shift] == 0)
        t->present &= ~(1ull << e->shift);
    if (t->last == (int)idx)
        t->last = -1;
    if (t->prev == (int)idx)
        t->prev = -1;
}

static inline bool tlb_same_translation(const TlbEntry *e, int shift, uint64_t vpn, uint16_t asid, uint16_t vmid,
                                        bool global, uint16_t tag2)
{
    return e->vpn == vpn && e->valid && e->shift == shift && e->vmid == vmid && e->tag2 == tag2 &&
           e->global == global && (global || e->asid == asid);
}

/* What every fill ends with: e = t->e[idx] now holds the translation and is the most recent. */
static inline int tlb_struct_filled_i(TlbStruct *t, int idx, int shift)
{
    t->e[idx].stamp = ++t->clock; /* LRU: most recent; FIFO: fill order */
    if (t->cfg.repl == TLB_REPL_PLRU)
        tlb_plru_touch(t, (unsigned)idx / t->ways, (unsigned)idx % t->ways);
    t->st.fills++;
    t->hint[shift] = (uint32_t)idx;
    t->mru = idx; /* the stamp and the PLRU bits above made it the most recently used */
    t->epoch++;
    return idx;
}

/* A fill that finds its translation in entry idx: what dropping and refilling it leaves (its key
 * fields, its page size count and the structure's size mask stay as they are). */
static inline int tlb_struct_refresh_i(TlbStruct *t, int idx, int shift, uint64_t pa, uint8_t perms, uint32_t attrs,
                                       uint8_t level)
{
    TlbEntry *e = &t->e[idx];
    if (t->last == idx)
        t->last = -1;
    if (t->prev == idx)
        t->prev = -1;
    e->pa = pa;
    e->perms = perms;
    e->attrs = attrs;
    e->level = level;
    return tlb_struct_filled_i(t, idx, shift);
}

/* tlb_struct_fill; absent: no entry holds the mapping (tlb_struct_insert_absent's condition) */
static inline bool tlb_struct_fill_i(TlbStruct *t, const TlbMapping *m, uint64_t va, bool absent)
{
    if (!m->size || (m->size & (m->size - 1)))
        return false;
    int msh = __builtin_ctzll(m->size);
    uint64_t sizes = t->cfg.page_sizes ? t->cfg.page_sizes : ~0ull;
    int sh = -1;
    if (sizes >> msh & 1)
        sh = msh;
    else if (t->cfg.split == TLB_SPLIT_LARGEST) {
        uint64_t below = sizes & ((1ull << msh) - 1);
        if (below)
            sh = 63 - __builtin_clzll(below);
    }
    if (sh < 0)
        return false;
    uint64_t mbase_va = m->va & ~(m->size - 1);
    uint64_t part_va = va & ~((1ull << sh) - 1);
    if ((va & ~(m->size - 1)) != mbase_va)
        return false; /* va outside the mapping */
    uint64_t part_pa = (m->pa & ~(m->size - 1)) + (part_va - mbase_va);
    if (absent)
        tlb_struct_insert_absent(t, part_va, sh, part_pa, m->asid, m->vmid, m->global, m->perms, m->attrs,
                                 m->level, 0);
    else
        tlb_struct_insert_raw(t, part_va, sh, part_pa, m->asid, m->vmid, m->global, m->perms, m->attrs,
                              m->level, 0);
    return true;
}

#define TLB_MAX_PATH (1 + TLB_MAX_UNIFIED)

typedef struct TlbAsidStats {
    uint64_t lookups, hits, walks;
} TlbAsidStats;

struct TlbModel {
    TlbConfig cfg;
    TlbStruct *itlb, *dtlb, *dtlb_load, *dtlb_store, *unified[TLB_MAX_UNIFIED], *walk_cache, *ipa_cache;
    TlbStruct *path[TLB_SIDE_COUNT][TLB_MAX_PATH];
    int path_len[TLB_SIDE_COUNT];
    uint16_t asid_mask;
    uint64_t cycles, instructions;
    uint64_t tlb_cycles, walk_cycles, block_cycles, extra_cycles;
    uint64_t accesses[TLB_SIDE_COUNT], first_level_hits[TLB_SIDE_COUNT];
    uint64_t walks, descriptor_reads, wc_lookups, wc_hits, wc_levels_skipped;
    uint64_t inval_ops[6], inval_removed;
    uint64_t class_counts[TLB_C_COUNT];
    TlbAsidStats asid[TLB_ASID_SLOTS + 1]; /* last slot: "other" */
};

/* ---- the replay's exact shortcut for repeated first-level hits ----
 *
 * When a side's first-level structure t has entry i as both its last hit (t->last) and its most
 * recently touched or filled entry (t->mru), a tlb_lookup of a VA inside that entry with the same
 * ASID hits entry i at level 0 (tlb_struct_lookup tries t->last first) and then touches it again.
 * Touching the entry that is already the most recently used one changes no replacement decision:
 *   - LRU: the entry's stamp becomes ++clock; it already held the largest stamp in the structure
 *     (every touch and fill takes ++clock), so the order of all stamps stays the same. The
 *     shortcut still advances clock and the stamp by the number of hits, so even the stamps that
 *     viewers show (tlb_struct_entry) are what the one-by-one lookups leave.
 *   - tree-PLRU: plru_touch(way) sets every node on the way's path to point away from it, a value
 *     that depends on the way only; the last touch or fill in that set was this way, so the bits
 *     are already those values: touching it again writes the same bits.
 *   - FIFO: a touch changes nothing (the stamp is the fill order, set by a fill only).
 *   - random: a touch changes nothing (the generator advances only when a victim is chosen).
 * A fill, a drop (eviction, invalidation) or a touch of another entry changes t->epoch, which
 * disarms the shortcut. What is left of such a hit is counters (sums: per side, per ASID, per
 * structure), so n hits can be added at once: tlb_hot_flush. */
typedef struct TlbHot {
    TlbStruct *t;       /* the side's first-level structure */
    uint64_t epoch;     /* t->epoch when armed; 0 = disarmed (t->epoch starts at 1) */
    uint64_t vpn;       /* the entry: va >> shift == vpn */
    unsigned shift, idx;
    uint16_t asid;      /* masked, for the per-ASID counts */
    uint64_t n;         /* hits not yet added to the counters */
} TlbHot;

/* h for side, disarmed */
void tlb_hot_init(TlbModel *m, TlbSide side, TlbHot *h);
/* After a tlb_lookup of (va, asid) on side: arms h when the conditions above hold. Call with
 * h->n == 0 (flushed). */
void tlb_hot_arm(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, TlbHot *h);
/* Adds the h->n pending hits of side to the counters (and LRU clock/stamp) and zeroes h->n.
 * Must run before any other call that changes the model. */
void tlb_hot_flush(TlbModel *m, TlbSide side, TlbHot *h);
/* A lookup that hits the side's first-level structure: exactly what tlb_lookup does then (every
 * counter, t->last, the touch), and h armed on that entry; true. On a miss there nothing has
 * changed and false is returned: call tlb_lookup. Call with every TlbHot flushed. */
bool tlb_hot_lookup(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, TlbHot *h);
/* tlb_lookup(m, side, va, asid, 0, out) when its first-level lookup is known to miss: call only
 * right after tlb_hot_lookup(m, side, va, asid, h) returned false (nothing changed since), so
 * that the first-level structure is not searched twice. */
bool tlb_lookup_l1_missed(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, TlbResult *out);
/* tlb_block_cost n times over */
void tlb_block_cost_n(TlbModel *m, const uint32_t counts[TLB_C_COUNT], uint64_t n);

#endif
