/* One TLB-like structure: fixed entry array, sets x ways, replacement policies,
 * page-size splitting, architectural invalidation. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tlb_internal.h"

static bool is_pow2(unsigned x) { return x && !(x & (x - 1)); }

TlbStruct *tlb_struct_create(const TlbStructConfig *sc, uint64_t seed, char *err, size_t errlen)
{
    unsigned ways = sc->ways ? sc->ways : sc->entries;
    if (sc->entries == 0 || sc->entries > (1u << 20)) {
        snprintf(err, errlen, "[%s] entries must be 1..1048576 (got %u)", sc->name, sc->entries);
        return NULL;
    }
    if (ways > sc->entries || sc->entries % ways) {
        snprintf(err, errlen, "[%s] ways %u does not divide entries %u", sc->name, ways, sc->entries);
        return NULL;
    }
    unsigned sets = sc->entries / ways;
    if (!is_pow2(sets)) {
        snprintf(err, errlen, "[%s] entries/ways = %u sets, must be a power of two", sc->name, sets);
        return NULL;
    }
    if (sc->repl == TLB_REPL_PLRU && (!is_pow2(ways) || ways > 64)) {
        snprintf(err, errlen, "[%s] plru needs a power-of-two number of ways <= 64 (got %u)", sc->name, ways);
        return NULL;
    }
    TlbStruct *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "[%s] out of memory", sc->name);
        return NULL;
    }
    t->cfg = *sc;
    t->ways = ways;
    t->sets = sets;
    t->set_mask = sets - 1;
    t->e = calloc(sc->entries, sizeof *t->e);
    t->plru = calloc(sets, sizeof *t->plru);
    if (!t->e || !t->plru) {
        tlb_struct_destroy(t);
        snprintf(err, errlen, "[%s] out of memory", sc->name);
        return NULL;
    }
    t->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
    t->last = -1;
    t->prev = -1;
    t->mru = -1;
    t->epoch = 1;
    return t;
}

void tlb_struct_destroy(TlbStruct *t)
{
    if (!t)
        return;
    free(t->e);
    free(t->plru);
    free(t);
}

const TlbStructStats *tlb_struct_stats(const TlbStruct *t) { return &t->st; }
const TlbStructConfig *tlb_struct_config(const TlbStruct *t) { return &t->cfg; }

unsigned tlb_struct_valid_count(const TlbStruct *t)
{
    unsigned n = 0;
    for (unsigned i = 0; i < t->cfg.entries; i++)
        n += t->e[i].valid;
    return n;
}

bool tlb_struct_entry(const TlbStruct *t, unsigned i, TlbEntryView *out, uint64_t *stamp)
{
    if (i >= t->cfg.entries || !t->e[i].valid)
        return false;
    const TlbEntry *e = &t->e[i];
    memset(out, 0, sizeof *out);
    tlb_entry_view(e, e->vpn << e->shift, out); /* out_pa = the page's own PA */
    if (stamp)
        *stamp = e->stamp;
    return true;
}

static unsigned plru_victim(const TlbStruct *t, unsigned set)
{
    uint64_t b = t->plru[set];
    unsigned node = 1, lo = 0, n = t->ways;
    while (n > 1) {
        unsigned half = n / 2;
        if (b >> node & 1) {
            node = 2 * node + 1;
            lo += half;
        } else {
            node = 2 * node;
        }
        n = half;
    }
    return lo;
}

void tlb_struct_touch(TlbStruct *t, unsigned idx) { tlb_struct_touch_i(t, idx); }

int tlb_struct_find(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid, uint16_t tag2, int only_shift)
{
    return tlb_struct_find_i(t, va, asid, vmid, tag2, only_shift);
}

bool tlb_struct_lookup(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid, TlbEntryView *out)
{
    return tlb_struct_lookup_i(t, va, asid, vmid, out);
}

void tlb_struct_drop(TlbStruct *t, unsigned idx) { tlb_struct_drop_i(t, idx); }

bool tlb_struct_contains(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid)
{
    return tlb_struct_find(t, va, asid, vmid, 0, -1) >= 0;
}

static inline uint64_t rng_next(TlbStruct *t)
{
    /* xorshift64* */
    uint64_t x = t->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t->rng = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* The oldest stamp among ways [base, base + n) (LRU: last use; FIFO: fill order), the lowest
 * index among equals; the running minimum is kept in a register, not reloaded from the entry. */
static inline unsigned oldest(const TlbEntry *e, unsigned base, unsigned n)
{
    unsigned best = base;
    uint64_t bs = e[base].stamp;
    for (unsigned i = base + 1; i < base + n; i++)
        if (e[i].stamp < bs) {
            bs = e[i].stamp;
            best = i;
        }
    return best;
}

/* The victim in a set whose ways all hold valid entries. */
static unsigned victim_full(TlbStruct *t, unsigned base, unsigned set)
{
    switch (t->cfg.repl) {
    case TLB_REPL_PLRU:
        return base + plru_victim(t, set);
    case TLB_REPL_RANDOM:
        return base + (unsigned)(rng_next(t) % t->ways);
    default:
        return oldest(t->e, base, t->ways);
    }
}

unsigned tlb_struct_victim(TlbStruct *t, unsigned set)
{
    unsigned base = set * t->ways;
    for (unsigned w = 0; w < t->ways; w++)
        if (!t->e[base + w].valid)
            return base + w;
    return victim_full(t, base, set);
}

/* The way a translation that the set does not hold goes to: the first invalid way, else the
 * policy's victim. For LRU and FIFO that is the lowest stamp, the lowest way among equals: invalid
 * entries have stamp 0 (calloc, tlb_struct_drop_i) and valid ones >= 1 (every fill and touch
 * takes ++clock), and valid stamps are distinct; the minimum is taken without a branch per way. */
static inline unsigned way_for_new(TlbStruct *t, unsigned base, unsigned set)
{
    const TlbEntry *s = &t->e[base];
    if (t->cfg.repl != TLB_REPL_PLRU && t->cfg.repl != TLB_REPL_RANDOM) {
        /* two running minima, even and odd ways, halve the chain of dependent compares */
        unsigned n = t->ways, b0 = 0, b1 = 1;
        uint64_t s0 = s[0].stamp, s1 = n > 1 ? s[1].stamp : UINT64_MAX;
        unsigned w = 2;
        for (; w + 1 < n; w += 2) {
            uint64_t a = s[w].stamp, b = s[w + 1].stamp;
            bool la = a < s0, lb = b < s1;
            b0 = la ? w : b0;
            s0 = la ? a : s0;
            b1 = lb ? w + 1 : b1;
            s1 = lb ? b : s1;
        }
        if (w < n && s[w].stamp < s0) {
            b0 = w;
            s0 = s[w].stamp;
        }
        /* the lowest way among equal stamps (only invalid entries' zeros can be equal) */
        return base + (s1 < s0 || (s1 == s0 && b1 < b0) ? b1 : b0);
    }
    for (unsigned w = 0; w < t->ways; w++)
        if (!s[w].valid)
            return base + w;
    return victim_full(t, base, set);
}

/* Fills a translation that no entry holds. */
static inline int insert_new(TlbStruct *t, uint64_t vpn, int shift, uint64_t pa, uint16_t asid, uint16_t vmid,
                             bool global, uint8_t perms, uint32_t attrs, uint8_t level, uint16_t tag2)
{
    unsigned set = (unsigned)(vpn & t->set_mask);
    unsigned idx = way_for_new(t, set * t->ways, set);
    TlbEntry *e = &t->e[idx];
    if (e->valid) {
        t->st.evictions++;
        tlb_struct_drop_i(t, idx);
    }
    e->valid = true;
    e->shift = (uint8_t)shift;
    e->vpn = vpn;
    e->pa = pa;
    e->asid = global ? 0 : asid;
    e->vmid = vmid;
    e->global = global;
    e->perms = perms;
    e->attrs = attrs;
    e->level = level;
    e->tag2 = tag2;
    t->shift_count[shift]++;
    t->present |= 1ull << shift;
    return tlb_struct_filled_i(t, (int)idx, shift);
}

int tlb_struct_insert_raw(TlbStruct *t, uint64_t va, int shift, uint64_t pa, uint16_t asid, uint16_t vmid,
                          bool global, uint8_t perms, uint32_t attrs, uint8_t level, uint16_t tag2)
{
    uint64_t vpn = va >> shift;
    /* At most one entry holds a given translation (a fill that finds it refreshes it in place),
     * and it sits in the set vpn indexes: the hint, when it holds it, is that entry. */
    int idx = -1;
    unsigned h = t->hint[shift];
    if (tlb_same_translation(&t->e[h], shift, vpn, asid, vmid, global, tag2)) {
        idx = (int)h;
    } else {
        unsigned base = (unsigned)(vpn & t->set_mask) * t->ways;
        for (unsigned w = 0; w < t->ways; w++)
            if (tlb_same_translation(&t->e[base + w], shift, vpn, asid, vmid, global, tag2)) {
                idx = (int)(base + w);
                break;
            }
    }
    if (idx < 0)
        return insert_new(t, vpn, shift, pa, asid, vmid, global, perms, attrs, level, tag2);
    return tlb_struct_refresh_i(t, idx, shift, pa, perms, attrs, level);
}

int tlb_struct_insert_absent(TlbStruct *t, uint64_t va, int shift, uint64_t pa, uint16_t asid, uint16_t vmid,
                             bool global, uint8_t perms, uint32_t attrs, uint8_t level, uint16_t tag2)
{
    return insert_new(t, va >> shift, shift, pa, asid, vmid, global, perms, attrs, level, tag2);
}

bool tlb_struct_fill(TlbStruct *t, const TlbMapping *m, uint64_t va) { return tlb_struct_fill_i(t, m, va, false); }

void tlb_struct_flush(TlbStruct *t, uint16_t vmid, bool any_vmid, unsigned *removed)
{
    for (unsigned i = 0; i < t->cfg.entries; i++)
        if (t->e[i].valid && (any_vmid || t->e[i].vmid == vmid)) {
            tlb_struct_drop_i(t, i);
            t->st.invalidations++;
            (*removed)++;
        }
}

static inline bool inval_kills(const TlbEntry *e, const TlbInval *inv)
{
    if (!e->valid || e->vmid != inv->vmid)
        return false;
    bool covers = (inv->va >> e->shift) == e->vpn;
    switch (inv->op) {
    case TLB_INV_ALL: return true;
    case TLB_INV_ASID: return !e->global && e->asid == inv->asid;
    case TLB_INV_VA:
    case TLB_INV_VAL: return covers && (e->global || e->asid == inv->asid);
    case TLB_INV_VAA:
    case TLB_INV_VAAL: return covers;
    default: return false;
    }
}

/* Calls kill(t, i, inv) -> bool for the entries an operation by VA can remove: an entry of page
 * size 1 << sh covering inv->va sits in set (va >> sh) & set_mask (tlb_struct_insert_raw), so a
 * set-associative structure needs only those sets, one per page size it holds; a fully
 * associative one (or any other operation) needs every entry. The order in which entries are
 * dropped changes nothing (tlb_struct_drop's effects are sums and "if it was this entry"). */
unsigned tlb_struct_inval_scan(TlbStruct *t, const TlbInval *inv, bool by_va,
                               bool (*kill)(const TlbEntry *, const TlbInval *))
{
    unsigned removed = 0;
    if (!t->present)
        return 0; /* no valid entry */
    if (by_va && t->sets > 1) {
        uint64_t mask = t->present;
        while (mask) {
            int sh = __builtin_ctzll(mask);
            mask &= mask - 1;
            unsigned base = (unsigned)((inv->va >> sh) & t->set_mask) * t->ways;
            for (unsigned w = 0; w < t->ways; w++) {
                const TlbEntry *e = &t->e[base + w];
                if (e->shift == sh && kill(e, inv)) {
                    tlb_struct_drop_i(t, base + w);
                    t->st.invalidations++;
                    removed++;
                }
            }
        }
        return removed;
    }
    for (unsigned i = 0; i < t->cfg.entries; i++)
        if (kill(&t->e[i], inv)) {
            tlb_struct_drop_i(t, i);
            t->st.invalidations++;
            removed++;
        }
    return removed;
}

unsigned tlb_struct_invalidate(TlbStruct *t, const TlbInval *inv)
{
    unsigned removed = 0;
    if (t->cfg.flush_on_tlbi) {
        if (t->present)
            tlb_struct_flush(t, 0, true, &removed);
        return removed;
    }
    bool by_va = inv->op != TLB_INV_ALL && inv->op != TLB_INV_ASID;
    return tlb_struct_inval_scan(t, inv, by_va, inval_kills);
}

static const struct { const char *name; TlbInvalOp op; } op_names[] = {
    {"TLBIALL", TLB_INV_ALL},   {"TLBIASID", TLB_INV_ASID}, {"TLBIMVA", TLB_INV_VA},
    {"TLBIMVAA", TLB_INV_VAA},  {"TLBIMVAL", TLB_INV_VAL},  {"TLBIMVAAL", TLB_INV_VAAL},
    {"VMALLE1", TLB_INV_ALL},   {"ASIDE1", TLB_INV_ASID},   {"VAE1", TLB_INV_VA},
    {"VAAE1", TLB_INV_VAA},     {"VALE1", TLB_INV_VAL},     {"VAALE1", TLB_INV_VAAL},
    /* the unified/instruction/data AArch32 variants act on the whole (unified) model */
    {"ITLBIALL", TLB_INV_ALL},  {"DTLBIALL", TLB_INV_ALL},  {"ITLBIASID", TLB_INV_ASID},
    {"DTLBIASID", TLB_INV_ASID}, {"ITLBIMVA", TLB_INV_VA},  {"DTLBIMVA", TLB_INV_VA},
};

bool tlb_inval_op_from_name(const char *name, TlbInvalOp *op, bool *is)
{
    char buf[32];
    if (strncasecmp(name, "TLBI ", 5) == 0)
        name += 5;
    size_t n = strlen(name);
    if (n == 0 || n >= sizeof buf)
        return false;
    for (size_t i = 0; i <= n; i++)
        buf[i] = (char)((name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32 : name[i]);
    bool inner = false;
    if (n > 2 && strcmp(buf + n - 2, "IS") == 0) { /* TLBIASID ends in "ID", not "IS" */
        inner = true;
        buf[n - 2] = 0;
    }
    for (size_t i = 0; i < sizeof op_names / sizeof op_names[0]; i++)
        if (strcmp(buf, op_names[i].name) == 0) {
            *op = op_names[i].op;
            if (is)
                *is = inner;
            return true;
        }
    return false;
}

bool tlb_entry_permits(const TlbEntryView *e, int side, bool el0)
{
    /* side: 0 fetch, 1 load, 2 store (TlbSide order) */
    static const uint8_t need[2][3] = {
        {TLB_P_EL1_X, TLB_P_EL1_R, TLB_P_EL1_W},
        {TLB_P_EL0_X, TLB_P_EL0_R, TLB_P_EL0_W},
    };
    if (side < 0 || side > 2)
        return false;
    return (e->perms & need[el0][side]) != 0;
}
