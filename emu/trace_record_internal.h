/* The recorder's hooks, called from emu/tlb_glue.c only when m->trace is set. The common
 * case (an access whose walk is cached, a loop re-running the same block) is inline here;
 * everything else goes to trace_record.c. */
#ifndef EMU_TRACE_RECORD_INTERNAL_H
#define EMU_TRACE_RECORD_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>

#include "tlb/tlb.h"
#include "tlb/trace_format.h"

struct Machine;
struct BlockInfo;

#define TRACE_XCACHE 4096
#define TRACE_WCACHE 1024

typedef struct TraceXEntry {
    uint64_t page, epoch, id; /* id: the walk that filled it (nonzero) */
    TraceXlate x;
} TraceXEntry;

/* The cached walks that read a descriptor from a RAM page: in epoch `epoch` (another epoch: none),
 * the cache slots of up to TRACE_DP_SLOTS of them, or `many`. A listed slot may since hold another
 * walk (slots are not unlisted when refilled); every valid walk that read from the page is listed
 * (or many is set). */
#define TRACE_DP_SLOTS 6
typedef struct TraceDescPage {
    uint64_t epoch;
    uint16_t n, many;
    uint16_t slot[TRACE_DP_SLOTS];
} TraceDescPage;

typedef struct TraceWEntry { /* a decoded block's record, built once per decode */
    uint64_t va, gen;
    uint32_t size;
    bool valid, el0;
    uint64_t cookie;    /* trace_w_block's answer for tb (0: none yet) */
    TraceBlock tb;
} TraceWEntry;

typedef struct TraceRecorder {
    TraceWriter *w;
    uint64_t gen, epoch;        /* epoch: cached walks of another epoch are void */
    bool have_regs;             /* AArch64: the walker's registers at the last new epoch */
    struct { uint64_t sctlr, tcr, ttbr0, ttbr1, mair; } regs;
    TraceDescPage *dp;          /* per RAM page: cached walks that read a descriptor there */
    uint64_t ram_base, ram_pages;
    bool el0, mmu_on;
    bool ctx_dirty;             /* el0/mmu_on changed since the last context given to the writer */
    bool slow;                  /* ctx_dirty or verify: every access through trace_rec_access_slow */
    uint16_t asid;
    /* per writer block slot (trace_block_slot): the decoded block last written there and the
     * writer's cookie for it, so that a block the writer's table still holds costs no lookup in wc */
    struct {
        uint64_t va, gen, cookie;
        uint32_t size, ninsns;
        bool el0;
    } bref[TRACE_BSLOTS];
    bool verify;
    uint64_t walks, verify_mismatches;
    TraceXEntry xc[TRACE_XCACHE];
    TraceWEntry wc[TRACE_WCACHE];
} TraceRecorder;

static inline unsigned trace_xc_index(uint64_t page)
{
    return (unsigned)(page ^ (page >> 12)) & (TRACE_XCACHE - 1);
}

void trace_rec_access_slow(struct Machine *m, int side, uint64_t va, int size, uint16_t asid);
void trace_rec_block_slow(struct Machine *m, const struct BlockInfo *b, bool el0, bool mmu_on);

void trace_rec_desc_store(TraceRecorder *rc, uint64_t page);

/* A store to physical pa: the cached walks that read a descriptor from its page are void (the
 * slots listed for the page, or every cached walk: a new epoch). Stores to pages no cached walk
 * read from (page tables being built, tables of other address spaces) void nothing. */
static inline void trace_rec_store_pa(TraceRecorder *rc, uint64_t pa, int size)
{
    uint64_t lo = (pa - rc->ram_base) >> 12, hi = (pa + (uint64_t)(size ? size - 1 : 0) - rc->ram_base) >> 12;
    if (pa < rc->ram_base || hi >= rc->ram_pages)
        return;
    if (rc->dp[lo].epoch == rc->epoch)
        trace_rec_desc_store(rc, lo);
    if (hi != lo && rc->dp[hi].epoch == rc->epoch)
        trace_rec_desc_store(rc, hi);
}

/* a TLB lookup the live model is about to make (side: TlbSide); gen: the machine's
 * translation generation */
static inline __attribute__((always_inline)) void trace_rec_access(struct Machine *m, TraceRecorder *rc,
                                                                    uint64_t gen, int side, uint64_t va, int size,
                                                                    uint16_t asid)
{
    uint64_t page = va >> 12;
    const TraceXEntry *e = &rc->xc[trace_xc_index(page)];
    if (__builtin_expect(rc->gen != gen || asid != rc->asid || rc->slow || e->epoch != rc->epoch || e->page != page,
                         0)) {
        trace_rec_access_slow(m, side, va, size, asid);
        return;
    }
    unsigned sl = size > 0 ? (unsigned)__builtin_ctz((unsigned)size) : 0;
    if (sl > 7)
        sl = 7;
    if (!trace_w_access_same(rc->w, (TlbSide)side, va, sl, e->id))
        trace_w_access(rc->w, (TlbSide)side, va, sl, &e->x, e->id);
    if (side == TLB_SIDE_STORE && e->x.mapped)
        trace_rec_store_pa(rc, e->x.pa_base + (va - e->x.va_base), size);
}

/* a store with the MMU off (physical address) */
static inline void trace_rec_phys_store(TraceRecorder *rc, uint64_t pa, int size)
{
    trace_rec_store_pa(rc, pa, size);
}

/* a translation block about to be costed (va, size, gen of its decode) */
static inline __attribute__((always_inline)) void trace_rec_block(struct Machine *m, TraceRecorder *rc,
                                                                   const struct BlockInfo *b, uint64_t va,
                                                                   uint64_t bgen, uint32_t bsize, bool el0,
                                                                   bool mmu_on)
{
    unsigned s = trace_block_slot(va);
    if (__builtin_expect(rc->bref[s].va == va && rc->bref[s].gen == bgen && rc->bref[s].size == bsize &&
                             rc->bref[s].el0 == el0 && el0 == rc->el0 && mmu_on == rc->mmu_on &&
                             trace_w_block_held(rc->w, rc->bref[s].cookie, rc->bref[s].ninsns),
                         1))
        return;
    trace_rec_block_slow(m, b, el0, mmu_on);
}

void trace_rec_tlbi(struct Machine *m, const TlbInval *inv);

#endif
