/* Replacement: capacity and conflict behaviour of LRU, FIFO vs LRU, tree-PLRU victims,
 * seeded random determinism. Expected numbers are worked out by hand in the comments. */
#include "tlb_test_util.h"

/* Cycles over P consecutive 4K pages `rounds` times after one warm-up round;
 * returns the misses of the steady-state rounds only. */
static unsigned cycle_misses(TlbStruct *t, unsigned pages, uint64_t stride, unsigned rounds)
{
    for (unsigned p = 0; p < pages; p++)
        tt_access(t, 0x10000000u + p * stride, 1);
    unsigned miss = 0;
    for (unsigned r = 0; r < rounds; r++)
        for (unsigned p = 0; p < pages; p++)
            miss += (unsigned)tt_access(t, 0x10000000u + p * stride, 1);
    return miss;
}

static unsigned seq_misses(TlbStruct *t, const char *seq)
{
    unsigned miss = 0;
    for (; *seq; seq++)
        miss += (unsigned)tt_access(t, (uint64_t)(*seq - 'A' + 1) << 12, 1);
    return miss;
}

int main(void)
{
    TlbStruct *t;

    /* Fully associative LRU, E entries, P pages cycled: with P <= E everything stays after
     * the warm-up round (0 misses); with P = E + 1 LRU always evicts exactly the page that
     * comes next, so every access misses: 5 rounds * P accesses. */
    t = tt_struct(10, 0, TLB_REPL_LRU, 1);
    tap_is(cycle_misses(t, 10, 0x1000, 5), 0, "E=10 LRU, P=10: 0 steady-state misses");
    tlb_struct_destroy(t);
    t = tt_struct(10, 0, TLB_REPL_LRU, 1);
    tap_is(cycle_misses(t, 11, 0x1000, 5), 55, "E=10 LRU, P=11: 5 rounds x 11 = 55 misses (1 per access)");
    tlb_struct_destroy(t);
    t = tt_struct(32, 0, TLB_REPL_LRU, 1);
    tap_is(cycle_misses(t, 32, 0x1000, 5), 0, "E=32 LRU, P=32: 0 steady-state misses");
    tlb_struct_destroy(t);
    t = tt_struct(32, 0, TLB_REPL_LRU, 1);
    tap_is(cycle_misses(t, 33, 0x1000, 5), 165, "E=32 LRU, P=33: 5 x 33 = 165 misses");
    tap_is(tlb_struct_stats(t)->evictions, 33 * 6 - 32, "E=32, P=33: every fill after the first 32 evicts (6*33-32 = 166)");
    tlb_struct_destroy(t);

    /* W-way set associative LRU with 8 sets (entries = 8W): pages 8 * 4K apart map to
     * the same set. W such pages fit (0 misses); W+1 thrash (every access misses). */
    for (unsigned w = 2; w <= 4; w += 2) {
        t = tt_struct(8 * w, w, TLB_REPL_LRU, 1);
        tap_is(cycle_misses(t, w, 8 * 0x1000, 5), 0, "%u-way LRU, %u pages in one set: 0 misses", w, w);
        tlb_struct_destroy(t);
        t = tt_struct(8 * w, w, TLB_REPL_LRU, 1);
        tap_is(cycle_misses(t, w + 1, 8 * 0x1000, 5), 5 * (w + 1), "%u-way LRU, %u pages in one set: %u misses (all)",
               w, w + 1, 5 * (w + 1));
        tap_is(tlb_struct_valid_count(t), w, "%u-way: only the %u ways of that set are used", w, w);
        tlb_struct_destroy(t);
        /* the same W+1 pages spread over sets (stride 4K) do fit */
        t = tt_struct(8 * w, w, TLB_REPL_LRU, 1);
        tap_is(cycle_misses(t, w + 1, 0x1000, 5), 0, "%u-way, %u pages in different sets: 0 misses", w, w + 1);
        tlb_struct_destroy(t);
    }
    /* direct mapped: two pages in one set thrash */
    t = tt_struct(8, 1, TLB_REPL_LRU, 1);
    tap_is(cycle_misses(t, 2, 8 * 0x1000, 5), 10, "direct mapped, 2 pages in one set: 10 misses");
    tlb_struct_destroy(t);

    /* FIFO vs LRU, 3 entries, sequence A B C A D A B:
     *   LRU : A m, B m, C m, A h, D m (evicts B, least recent), A h, B m (evicts C) -> 5 misses
     *   FIFO: A m, B m, C m, A h, D m (evicts A, first in), A m (evicts B), B m (evicts C) -> 6 */
    t = tt_struct(3, 0, TLB_REPL_LRU, 1);
    tap_is(seq_misses(t, "ABCADAB"), 5, "LRU, 3 entries, ABCADAB: 5 misses");
    tap_ok(tlb_struct_contains(t, 1 << 12, 1, 0) && !tlb_struct_contains(t, 3 << 12, 1, 0),
           "LRU keeps A, dropped C");
    tlb_struct_destroy(t);
    t = tt_struct(3, 0, TLB_REPL_FIFO, 1);
    tap_is(seq_misses(t, "ABCADAB"), 6, "FIFO, 3 entries, ABCADAB: 6 misses");
    tap_ok(tlb_struct_contains(t, 1 << 12, 1, 0) && tlb_struct_contains(t, 4 << 12, 1, 0) &&
               tlb_struct_contains(t, 2 << 12, 1, 0) && !tlb_struct_contains(t, 3 << 12, 1, 0),
           "FIFO holds D, A, B");
    tlb_struct_destroy(t);

    /* Tree-PLRU, 4 ways (one set). Node bits: root (ways 0-1 | 2-3), n2 (0|1), n3 (2|3);
     * a bit of 1 means "victim on the right"; touching a way points its path away.
     *   fill A,B,C,D into ways 0,1,2,3 (invalid ways first): bits root=0 n2=0 n3=0
     *   hit A (w0): root=1 n2=1;  hit B (w1): root=1 n2=0;  hit D (w3): root=0 n3=0
     *   victim: root 0 -> left, n2 0 -> way 0 = A  (true LRU would pick C)
     *   fill E -> way0: root=1 n2=1. victim: root 1 -> right, n3 0 -> way 2 = C
     *   fill F -> way2: root=0 n3=1. victim: root 0 -> left, n2 1 -> way 1 = B
     *   fill G -> way1: root=1 n2=0. victim: root 1 -> right, n3 1 -> way 3 = D
     *   fill H -> way3. Victims in order: A, C, B, D. */
    t = tt_struct(4, 0, TLB_REPL_PLRU, 1);
    seq_misses(t, "ABCDABD");
    const char *fills = "EFGH", *victims = "ACBD";
    for (int i = 0; i < 4; i++) {
        uint64_t v = (uint64_t)(victims[i] - 'A' + 1) << 12;
        tap_ok(tlb_struct_contains(t, v, 1, 0), "PLRU: %c present before filling %c", victims[i], fills[i]);
        seq_misses(t, (char[]){fills[i], 0});
        tap_ok(!tlb_struct_contains(t, v, 1, 0) && tlb_struct_valid_count(t) == 4,
               "PLRU: filling %c evicts %c", fills[i], victims[i]);
    }
    tlb_struct_destroy(t);
    /* the same accesses under true LRU evict C first */
    t = tt_struct(4, 0, TLB_REPL_LRU, 1);
    seq_misses(t, "ABCDABDE");
    tap_ok(!tlb_struct_contains(t, 3 << 12, 1, 0) && tlb_struct_contains(t, 1 << 12, 1, 0),
           "LRU on the same accesses evicts C, not A");
    tlb_struct_destroy(t);

    /* Seeded random: identical seeds give identical miss sequences; another seed differs */
    char trace[3][2001];
    uint64_t seeds[3] = {42, 42, 7};
    for (int k = 0; k < 3; k++) {
        t = tt_struct(8, 0, TLB_REPL_RANDOM, seeds[k]);
        uint64_t x = 12345; /* page pattern fixed by an LCG independent of the seed */
        for (int i = 0; i < 2000; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            trace[k][i] = tt_access(t, ((x >> 33) % 12) << 12, 1) ? 'm' : 'h';
        }
        trace[k][2000] = 0;
        tlb_struct_destroy(t);
    }
    tap_ok(strcmp(trace[0], trace[1]) == 0, "random replacement: same seed, same hit/miss sequence");
    tap_ok(strcmp(trace[0], trace[2]) != 0, "random replacement: another seed, another sequence");

    /* configuration errors */
    char err[256];
    TlbStructConfig bad = tt_cfg("bad", 10, 4, TLB_REPL_LRU);
    tap_ok(tlb_struct_create(&bad, 1, err, sizeof err) == NULL && strstr(err, "does not divide"),
           "10 entries, 4 ways refused: %s", err);
    bad = tt_cfg("bad", 10, 0, TLB_REPL_PLRU);
    tap_ok(tlb_struct_create(&bad, 1, err, sizeof err) == NULL && strstr(err, "plru"),
           "PLRU with 10 ways refused: %s", err);
    /* tlb_struct_entry, the viewers' read-out: a 4-entry fully associative LRU TLB after
     * accesses to pages 1, 2, 3 (ASID 7) and 1 again holds three valid entries (one free);
     * each is va = page << 12, PA = va + 0x40000000 (tt_page), 4 KiB, non-global, ASID 7;
     * LRU stamps order them by last use: 2 < 3 < 1. */
    t = tt_struct(4, 0, TLB_REPL_LRU, 1);
    tt_access(t, 0x1000, 7);
    tt_access(t, 0x2000, 7);
    tt_access(t, 0x3000, 7);
    tt_access(t, 0x1000, 7);
    {
        uint64_t stamp_of[4] = {0};
        unsigned valid = 0, ok = 0;
        for (unsigned i = 0; i < 5; i++) {
            TlbEntryView v;
            uint64_t st;
            if (!tlb_struct_entry(t, i, &v, &st))
                continue;
            valid++;
            unsigned page = (unsigned)(v.va >> 12);
            ok += v.pa == v.va + 0x40000000u && v.size == 0x1000 && !v.global && v.asid == 7 && page >= 1 && page <= 3;
            if (page >= 1 && page <= 3)
                stamp_of[page] = st;
        }
        tap_is(valid, 3, "tlb_struct_entry: 3 valid entries of 4 (index 4 is out of range)");
        tap_is(ok, 3, "tlb_struct_entry: va, pa, size, global, asid as filled");
        tap_ok(stamp_of[2] < stamp_of[3] && stamp_of[3] < stamp_of[1], "tlb_struct_entry: LRU stamps 2 < 3 < 1");
    }
    tlb_struct_destroy(t);

    /* An invalidated way is refilled before the oldest valid one, and a translation that was
     * dropped is filled anew, not found again (4-way fully associative LRU):
     *   fill A 0x1000, B 0x2000, C 0x3000, D 0x4000 (LRU order A B C D); TLBI VA C;
     *   look A up (order B D A); fill E 0x5000 -> C's invalid way (not B's, the oldest valid),
     *   nothing evicted; fill F 0x6000 -> evicts B, the least recently used valid entry;
     *   TLBI VA D, fill D again -> D's invalid way, 4 valid, no eviction, no second copy. */
    t = tt_struct(4, 0, TLB_REPL_LRU, 1);
    for (uint64_t va = 0x1000; va <= 0x4000; va += 0x1000)
        tt_access(t, va, 3);
    TlbInval inv = {TLB_INV_VA, 0x3000, 3, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 1, "LRU + invalidation: TLBI VA C removes 1");
    tap_is(tt_access(t, 0x1000, 3), 0, "LRU + invalidation: A hits");
    tt_access(t, 0x5000, 3);
    tap_is(tlb_struct_stats(t)->evictions, 0, "LRU + invalidation: E goes to C's invalid way, no eviction");
    tap_is(tlb_struct_contains(t, 0x2000, 3, 0), 1, "LRU + invalidation: B still there after E");
    tt_access(t, 0x6000, 3);
    tap_is(tlb_struct_contains(t, 0x2000, 3, 0) * 10 + tlb_struct_contains(t, 0x1000, 3, 0), 1,
           "LRU + invalidation: F evicts B (least recent valid), A stays");
    inv.va = 0x4000;
    tlb_struct_invalidate(t, &inv);
    tap_is(tt_access(t, 0x4000, 3), 1, "LRU + invalidation: D misses after TLBI VA D");
    tap_is(tlb_struct_valid_count(t), 4, "LRU + invalidation: 4 valid entries after refilling D");
    tap_is(tlb_struct_stats(t)->evictions, 1, "LRU + invalidation: refilling D evicted nothing");
    tlb_struct_destroy(t);

    /* A TLB conflict (two entries matching one VA: a 4K page 0x201000 filled at index 0, then a
     * 2M block 0x200000 at index 1, as after a table change without TLBI) resolves to the most
     * recent hits (tlb_struct_search_i): the last hit entry, then the one hit before it, else
     * the lowest index. */
    t = tt_struct(16, 0, TLB_REPL_LRU, 1);
    {
        TlbMapping pg = tt_page(0x201000, 1), blk = tt_page(0x200000, 1), c = tt_page(0x900000, 1);
        blk.size = 0x200000;
        blk.level = 2;
        tlb_struct_fill(t, &pg, pg.va);
        tlb_struct_fill(t, &blk, 0x250000);
        tlb_struct_fill(t, &c, c.va);
        TlbEntryView v;
        tlb_struct_lookup(t, 0x201000, 1, 0, &v);
        tap_is(v.size, 0x1000, "conflict: no recent hit, the lowest index (the 4K page)");
        tlb_struct_lookup(t, 0x250000, 1, 0, &v);
        tlb_struct_lookup(t, 0x201000, 1, 0, &v);
        tap_is(v.size, 0x200000, "conflict: the last hit entry (the 2M block) wins");
        tlb_struct_lookup(t, 0x900000, 1, 0, &v);
        tlb_struct_lookup(t, 0x201000, 1, 0, &v);
        tap_is(v.size, 0x200000, "conflict: the entry hit before the last one (the 2M block) wins");
        TlbInval inv = {TLB_INV_VA, 0x250000, 1, 0};
        tap_is(tlb_struct_invalidate(t, &inv), 1, "conflict: TLBI VA 0x250000 removes the block only");
        tap_is(tlb_struct_lookup(t, 0x201000, 1, 0, &v), 1, "conflict: after TLBI of the block the page hits");
        tap_is(v.size, 0x1000, "... the 4K page");
    }
    tlb_struct_destroy(t);

    return tap_done();
}
