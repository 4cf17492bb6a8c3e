/* Page-size splitting: mappings larger than a structure holds. */
#include "tlb_test_util.h"

int main(void)
{
    char err[256];
    TlbEntryView e;

    /* A15-like L1: 32 entries, 4K only. A 1 MiB section VA 0x80000000 -> PA 0x40000000,
     * looked up at 0x80012345: one 4K entry VA 0x80012000 -> PA 0x40012000. */
    TlbStructConfig c = tt_cfg("l1", 32, 0, TLB_REPL_LRU);
    c.page_sizes = TLB_PS(12);
    TlbStruct *t = tlb_struct_create(&c, 1, err, sizeof err);
    TlbMapping sec = {0x80000000, 0x40000000, 0x100000, 1, 0, true, TLB_P_EL1_R | TLB_P_EL1_X, 0, 1};
    tap_ok(tlb_struct_fill(t, &sec, 0x80012345), "1M section accepted by a 4K-only TLB");
    tap_is(tlb_struct_valid_count(t), 1, "exactly one entry stored");
    tap_ok(tlb_struct_lookup(t, 0x80012fff, 3, 0, &e), "hit inside the stored 4K");
    tap_is(e.size, 0x1000, "entry size 4K");
    tap_is(e.va, 0x80012000, "entry VA 0x80012000 (the 4K covering the access)");
    tap_is(e.pa, 0x40012000, "entry PA 0x40012000");
    tap_is(e.out_pa, 0x40012fff, "translated 0x80012fff -> 0x40012fff");
    tap_ok(e.global && e.level == 1, "global and level-1 descriptor kept");
    tap_ok(!tlb_struct_lookup(t, 0x80013000, 3, 0, &e), "the next 4K of the section misses");
    tlb_struct_destroy(t);

    /* A53-like main TLB: 512 entries 4-way, every size but 1G. A 1 GiB block
     * VA 0x40000000 -> PA 0x80000000, accessed at 0x60001234 (upper half): stored as the
     * 512 MiB block VA 0x60000000 -> PA 0xA0000000. */
    c = tt_cfg("main", 512, 4, TLB_REPL_LRU);
    tap_ok(tlb_parse_page_sizes("4K,16K,64K,1M,2M,16M,32M,512M", &c.page_sizes), "page size list parsed");
    t = tlb_struct_create(&c, 1, err, sizeof err);
    TlbMapping blk = {0x40000000, 0x80000000, 0x40000000, 2, 0, false, TLB_P_EL1_R, 0x44, 1};
    tap_ok(tlb_struct_fill(t, &blk, 0x60001234), "1G block accepted");
    tap_ok(tlb_struct_lookup(t, 0x60001234, 2, 0, &e), "hit");
    tap_is(e.size, 0x20000000, "stored as 512M");
    tap_is(e.va, 0x60000000, "entry VA 0x60000000");
    tap_is(e.pa, 0xa0000000, "entry PA 0xA0000000");
    tap_is(e.out_pa, 0xa0001234, "translated PA 0xA0001234");
    tap_is(e.attrs, 0x44, "attributes kept");
    tap_ok(tlb_struct_lookup(t, 0x7fffffff, 2, 0, &e), "end of the 512M half hits");
    tap_ok(!tlb_struct_lookup(t, 0x40000000, 2, 0, &e), "the lower 512M half is not stored");
    /* mixed sizes in a set-associative structure: a 4K page next to the 512M block */
    TlbMapping pg = tt_page(0x00401000, 2);
    tlb_struct_fill(t, &pg, pg.va);
    tap_ok(tlb_struct_lookup(t, 0x00401008, 2, 0, &e) && e.size == 0x1000, "4K entry found next to a 512M one");
    tap_ok(tlb_struct_lookup(t, 0x60000000, 2, 0, &e) && e.size == 0x20000000, "512M entry still found");
    tlb_struct_destroy(t);

    /* split = none: a mapping larger than every held size is not cached */
    c = tt_cfg("nosplit", 8, 0, TLB_REPL_LRU);
    c.page_sizes = TLB_PS(12);
    c.split = TLB_SPLIT_NONE;
    t = tlb_struct_create(&c, 1, err, sizeof err);
    tap_ok(!tlb_struct_fill(t, &sec, 0x80000000) && tlb_struct_valid_count(t) == 0, "split=none: section not cached");
    /* a mapping smaller than every held size is never cached */
    TlbStructConfig c2 = tt_cfg("big", 8, 0, TLB_REPL_LRU);
    c2.page_sizes = TLB_PS(20);
    TlbStruct *t2 = tlb_struct_create(&c2, 1, err, sizeof err);
    tap_ok(!tlb_struct_fill(t2, &pg, pg.va), "4K page not cached in a 1M-only structure");
    tlb_struct_destroy(t);
    tlb_struct_destroy(t2);

    /* whole hierarchy with the A15 preset: a load through a 1M section leaves one 4K entry
     * in the load L1 TLB and the 1M entry in the L2 TLB */
    TlbConfig cfg;
    if (!tlb_config_load_preset(&cfg, "cortex-a15", err, sizeof err)) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    TlbModel *m = tlb_model_create(&cfg, err, sizeof err);
    TlbResult r;
    tap_ok(!tlb_lookup(m, TLB_SIDE_LOAD, 0x80012345, 1, 0, &r), "A15: cold load misses");
    tlb_fill(m, TLB_SIDE_LOAD, 0x80012345, &sec);
    TlbStruct *l1 = tlb_model_struct(m, "dtlb_load"), *l2 = tlb_model_struct(m, "main_tlb");
    tap_ok(tlb_struct_lookup(l1, 0x80012345, 1, 0, &e) && e.size == 0x1000, "A15 load L1 TLB holds a 4K entry");
    tap_ok(tlb_struct_lookup(l2, 0x80012345, 1, 0, &e) && e.size == 0x100000, "A15 L2 TLB holds the 1M entry");
    tap_ok(tlb_lookup(m, TLB_SIDE_STORE, 0x80055000, 1, 0, &r) && r.level == 1, "a store elsewhere in the section hits the L2 TLB");
    tap_ok(tlb_struct_lookup(tlb_model_struct(m, "dtlb_store"), 0x80055000, 1, 0, &e) && e.va == 0x80055000 &&
               e.size == 0x1000,
           "... and refills the store L1 TLB with the 4K covering it");
    tap_is(tlb_struct_valid_count(l1), 1, "the load L1 TLB is separate (still 1 entry)");
    tlb_model_destroy(m);

    /* A53 hierarchy: a fetch fill goes to the I micro TLB and the main TLB, not the D micro
     * TLB; a load then hits the main TLB (2 cycles) and gets the stored permissions. */
    if (!tlb_config_load_preset(&cfg, "cortex-a53", err, sizeof err)) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    m = tlb_model_create(&cfg, err, sizeof err);
    TlbMapping code = tt_page(0x10000, 3);
    code.perms = TLB_P_EL1_R | TLB_P_EL1_X | TLB_P_EL0_R | TLB_P_EL0_X;
    tlb_fill(m, TLB_SIDE_FETCH, 0x10000, &code);
    tap_ok(tlb_struct_contains(tlb_model_struct(m, "itlb"), 0x10000, 3, 0) &&
               !tlb_struct_contains(tlb_model_struct(m, "dtlb"), 0x10000, 3, 0),
           "A53: fetch fill lands in the I micro TLB, not the D one");
    tap_ok(tlb_lookup(m, TLB_SIDE_LOAD, 0x10004, 3, 0, &r) && r.level == 1 && r.cycles == 2,
           "A53: a load of the code page hits the main TLB for 2 cycles");
    tap_is(r.e.perms, TLB_P_EL1_R | TLB_P_EL1_X | TLB_P_EL0_R | TLB_P_EL0_X,
           "the hit returns the walker's permissions (no write: the caller raises the fault on a store)");
    tap_ok(tlb_lookup(m, TLB_SIDE_STORE, 0x10008, 3, 0, &r) && r.level == 0,
           "A53 has one D micro TLB for loads and stores: the store hits it");
    /* a 1G block in the A53: micro TLB (all sizes) keeps 1G, main TLB keeps 512M */
    TlbMapping gig = {0x80000000, 0x80000000, 0x40000000, 3, 0, true, TLB_P_EL1_R, 0, 1};
    tlb_fill(m, TLB_SIDE_LOAD, 0x9fffff00, &gig);
    tap_ok(tlb_struct_lookup(tlb_model_struct(m, "main_tlb"), 0x9fffff00, 3, 0, &e) && e.size == 0x20000000 &&
               e.va == 0x80000000,
           "A53 main TLB: 1G block stored as the 512M at 0x80000000");
    tap_ok(tlb_struct_lookup(tlb_model_struct(m, "dtlb"), 0x9fffff00, 3, 0, &e) && e.size == 0x40000000,
           "A53 micro TLB (page sizes not restricted in the preset) holds the 1G entry");
    tlb_model_destroy(m);
    return tap_done();
}
