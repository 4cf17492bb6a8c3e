/* Walk cache: a 4-level (VMSAv8 4K granule) walk through synthetic tables, and a
 * short-descriptor walk, counting the descriptors that remain to be read. */
#include "tlb_test_util.h"

/* Synthetic memory: 8 tables of 512 64-bit descriptors at PA 0x1000 * (1 + i). Descriptor
 * format (VMSAv8): bits[1:0] = 3 table (or page at level 3), 1 block, 0 invalid; address in
 * bits [47:12]. */
static uint64_t tables[8][512];
static unsigned reads;
static uint64_t full_pa[5]; /* the descriptors a walk without any walk cache reads, in order */

static uint64_t rd(uint64_t pa)
{
    reads++;
    unsigned t = (unsigned)(pa >> 12) - 1;
    return tables[t][(pa & 0xfff) / 8];
}

/* Walks va with the model's walk cache; returns the output PA (0 on a fault) and sets *n
 * to the descriptors read. */
static uint64_t walk(TlbModel *m, uint64_t va, uint16_t asid, unsigned *n)
{
    uint64_t table = 0x1000; /* TTBR0 */
    reads = 0;
    int level = tlb_walk_begin(m, va, TLB_FMT_4K, 0, 0, asid, 0, &table);
    uint64_t out = 0;
    for (; level <= 3; level++) {
        int sh = tlb_walk_level_shift(TLB_FMT_4K, level);
        uint64_t d = rd(table + ((va >> sh) & 511) * 8);
        if ((d & 3) == 0)
            break;
        uint64_t addr = d & 0x0000fffffffff000ull;
        if (level == 3 || (d & 3) == 1) {
            out = addr | (va & ((1ull << sh) - 1));
            break;
        }
        tlb_walk_cache_insert(m, va, TLB_FMT_4K, level, 0, asid, 0, addr);
        table = addr;
    }
    *n = reads;
    tlb_walk_end(m, reads, asid);
    return out;
}

int main(void)
{
    char err[256];
    TlbConfig c;
    if (!tlb_config_load_preset(&c, "cortex-a53", err, sizeof err)) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    TlbModel *m = tlb_model_create(&c, err, sizeof err);
    /* L0 @0x1000 [0] -> L1 @0x2000; L1[1] (VA 1G..2G) -> L2 @0x3000;
     * L2[1] (VA 0x40200000) -> L3 @0x4000; L2[2] (VA 0x40400000) -> L3 @0x5000;
     * L3 @0x4000 [0..511] -> pages 0x80000000 + i*4K; L3 @0x5000 [i] -> 0x90000000 + i*4K */
    tables[0][0] = 0x2000 | 3;
    tables[1][1] = 0x3000 | 3;
    tables[2][1] = 0x4000 | 3;
    tables[2][2] = 0x5000 | 3;
    for (int i = 0; i < 512; i++) {
        tables[3][i] = (0x80000000ull + (uint64_t)i * 0x1000) | 3;
        tables[4][i] = (0x90000000ull + (uint64_t)i * 0x1000) | 3;
    }
    unsigned n;
    uint64_t pa = walk(m, 0x40201123, 1, &n);
    tap_is(pa, 0x80001123, "cold walk translates 0x40201123 -> 0x80001123");
    tap_is(n, 4, "cold 4-level walk reads 4 descriptors");
    pa = walk(m, 0x40205008, 1, &n);
    tap_is(pa, 0x80005008, "second VA in the same 2M region");
    tap_is(n, 1, "walk cache holds the L2 table descriptor: exactly one descriptor (L3) read");
    pa = walk(m, 0x40403000, 1, &n);
    tap_is(pa, 0x90003000, "VA in the next 2M region");
    tap_is(n, 2, "L1 descriptor cached: L2 and L3 read (2)");
    pa = walk(m, 0x40403000, 2, &n);
    tap_is(n, 4, "another ASID does not use ASID 1's walk-cache entries (4 reads)");
    /* accounting: walks 4, reads 4+1+2+4 = 11 at mem_latency 4 */
    tap_is(tlb_cycles(m), 11 * 4, "walk cycles = 11 reads x mem_latency 4 = 44");

    uint64_t tpa = 0;
    tap_is(tlb_walk_begin(m, 0x40201000, TLB_FMT_4K, 1, 0, 1, 0, &tpa), 3,
           "a walk starting at level 1 (3-level regime) also resumes at level 3");
    tap_is(tpa, 0x4000, "from the L3 table 0x4000");
    tap_is(tlb_walk_begin(m, 0x40201000, TLB_FMT_4K, 0, 1, 1, 0, &tpa), 0, "TTBR1 walks do not use TTBR0's entries");

    /* short-descriptor: an L1 page-table descriptor for the 1M at 0xc0100000 points to the
     * L2 table at 0x80004400: the walk then reads only the L2 descriptor */
    tlb_walk_cache_insert(m, 0xc0100000, TLB_FMT_V7_SHORT, 1, 1, 0, 0, 0x80004400);
    tap_is(tlb_walk_begin(m, 0xc01ff000, TLB_FMT_V7_SHORT, 1, 1, 0, 0, &tpa), 2, "v7 short: resumes at level 2");
    tap_is(tpa, 0x80004400, "... from L2 table 0x80004400");
    tap_is(tlb_walk_begin(m, 0xc0200000, TLB_FMT_V7_SHORT, 1, 1, 0, 0, &tpa), 1, "next 1M: walk from level 1");

    /* tlb_walk: the same walks given the descriptors the whole walk reads (what mmuscope's
     * walker reports); it must leave the walk cache as the step-by-step calls above do. */
    TlbModel *m2 = tlb_model_create(&c, err, sizeof err);
    static const struct { uint64_t va; uint16_t asid; unsigned reads; } w2[] = {
        {0x40201123, 1, 4}, {0x40205008, 1, 1}, {0x40403000, 1, 2}, {0x40403000, 2, 4}};
    for (size_t i = 0; i < sizeof w2 / sizeof w2[0]; i++) {
        /* L0 @0x1000, L1 @0x2000, L2 @0x3000, L3 @0x4000 or 0x5000 (by the 2M region) */
        full_pa[0] = 0x1000 + ((w2[i].va >> 39) & 511) * 8;
        full_pa[1] = 0x2000 + ((w2[i].va >> 30) & 511) * 8;
        full_pa[2] = 0x3000 + ((w2[i].va >> 21) & 511) * 8;
        full_pa[3] = ((w2[i].va >> 21) & 511) == 1 ? 0x4000 : 0x5000;
        full_pa[3] += ((w2[i].va >> 12) & 511) * 8;
        tap_is(tlb_walk(m2, w2[i].va, TLB_FMT_4K, 0, 0, w2[i].asid, 0, full_pa, 4), w2[i].reads,
               "tlb_walk charges the reads the step-by-step walk made");
    }
    tap_is(tlb_cycles(m2), 11 * 4, "tlb_walk: the same 44 walk cycles");
    TlbWalkStats ws = tlb_walk_stats(m2);
    tap_is(ws.walks, 4, "tlb_walk: 4 walks");
    tap_is(ws.descriptor_reads, 11, "tlb_walk: 4 + 1 + 2 + 4 = 11 descriptor reads");
    tap_is(ws.walk_cache_hits, 2, "tlb_walk: walk-cache hits 2 (the 2nd and 3rd walks)");
    tpa = 0;
    tap_is(tlb_walk_begin(m2, 0x40201000, TLB_FMT_4K, 0, 0, 1, 0, &tpa), 3, "tlb_walk filled the L2 entry");
    tap_is(tpa, 0x4000, "... with the L3 table's address (the descriptor's table, low bits cleared)");
    tap_is(tlb_walk_begin(m2, 0x40400000, TLB_FMT_4K, 0, 0, 2, 0, &tpa), 3, "and ASID 2's own entry");
    tap_is(tpa, 0x5000, "... for the other L3 table");
    /* a walk that faults at its first read (ndesc 0) is still charged one read */
    tap_is(tlb_walk(m2, 0x7000000000ull, TLB_FMT_4K, 0, 0, 1, 0, full_pa, 0), 1, "faulting walk: 1 read");
    /* short descriptors: L1 table descriptor at 0x80000000 + 0xc01 * 4 points to the L2 table at
     * 0x80004400; the L2 descriptor's own address 0x800044fc has its low 10 bits cleared */
    uint64_t v7[2] = {0x80000000 + 0xc01 * 4, 0x80004400 + 0xff * 4};
    tap_is(tlb_walk(m2, 0xc01ff000, TLB_FMT_V7_SHORT, 1, 1, 0, 0, v7, 2), 2, "v7 short cold walk: 2 reads");
    tap_is(tlb_walk(m2, 0xc0100000, TLB_FMT_V7_SHORT, 1, 1, 0, 0, v7, 2), 1, "same 1M again: 1 read");
    tap_is(tlb_walk_begin(m2, 0xc0100000, TLB_FMT_V7_SHORT, 1, 1, 0, 0, &tpa), 2, "the L1 entry is there");
    tap_is(tpa, 0x80004400, "... pointing to the 1 KiB-aligned L2 table 0x80004400");
    tlb_model_destroy(m2);

    tap_is(tlb_walk_level_shift(TLB_FMT_4K, 0), 39, "4K granule L0 covers 512G");
    tap_is(tlb_walk_level_shift(TLB_FMT_64K, 2), 29, "64K granule L2 covers 512M");
    tap_is(tlb_walk_level_shift(TLB_FMT_16K, 2), 25, "16K granule L2 covers 32M");
    tlb_model_destroy(m);
    return tap_done();
}
