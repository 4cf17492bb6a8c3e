/* Maintenance: TLBIALL / TLBIASID / TLBIMVA / TLBIMVAA and the AArch64 names, walk-cache
 * treatment of the last-level forms, and "an ASID change does not flush". */
#include "tlb_test_util.h"

/* Entries used below (16-entry fully associative, LRU):
 *   A  va 0x1000 asid 1 nG      B  va 0x2000 asid 2 nG
 *   C  va 0x1000 asid 2 nG      D  va 0x4000 asid 1 nG
 *   G  va 0x3000 global         H  va 0x1000 ... (none)        */
static TlbStruct *setup(void)
{
    TlbStruct *t = tt_struct(16, 0, TLB_REPL_LRU, 1);
    TlbMapping m;
    m = tt_page(0x1000, 1); tlb_struct_fill(t, &m, m.va);
    m = tt_page(0x2000, 2); tlb_struct_fill(t, &m, m.va);
    m = tt_page(0x1000, 2); m.pa = 0x77001000; tlb_struct_fill(t, &m, m.va);
    m = tt_page(0x4000, 1); tlb_struct_fill(t, &m, m.va);
    m = tt_page(0x3000, 9); m.global = true; tlb_struct_fill(t, &m, m.va);
    return t;
}

static TlbConfig small_config(void)
{
    TlbConfig c;
    tlb_config_init(&c);
    c.itlb = tt_cfg("itlb", 8, 0, TLB_REPL_LRU);
    c.dtlb = tt_cfg("dtlb", 8, 0, TLB_REPL_LRU);
    c.unified[0] = tt_cfg("main_tlb", 64, 4, TLB_REPL_LRU);
    c.walk_cache = tt_cfg("walk_cache", 16, 4, TLB_REPL_LRU);
    c.asid_bits = 16;
    return c;
}

int main(void)
{
    TlbStruct *t;
    TlbInval inv;
    char err[256];

    t = setup();
    tap_is(tlb_struct_valid_count(t), 5, "setup: 5 entries");
    inv = (TlbInval){TLB_INV_ASID, 0, 1, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 2, "TLBIASID 1 removes A and D (2 entries)");
    tap_ok(!tlb_struct_contains(t, 0x1000, 1, 0) && !tlb_struct_contains(t, 0x4000, 1, 0), "A and D gone");
    tap_ok(tlb_struct_contains(t, 0x2000, 2, 0) && tlb_struct_contains(t, 0x1000, 2, 0), "ASID 2's B and C stay");
    tap_ok(tlb_struct_contains(t, 0x3000, 1, 0), "global G stays (TLBIASID leaves global entries)");
    tlb_struct_destroy(t);

    t = setup();
    inv = (TlbInval){TLB_INV_VA, 0x1abc, 1, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 1, "TLBIMVA 0x1abc ASID 1 removes only A");
    tap_ok(!tlb_struct_contains(t, 0x1000, 1, 0) && tlb_struct_contains(t, 0x1000, 2, 0),
           "C (same VA, ASID 2) stays");
    inv = (TlbInval){TLB_INV_VA, 0x3000, 7, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 1, "TLBIMVA 0x3000 with ASID 7 removes the global entry at that VA");
    tap_ok(!tlb_struct_contains(t, 0x3000, 9, 0), "G gone");
    tlb_struct_destroy(t);

    t = setup();
    inv = (TlbInval){TLB_INV_VAA, 0x1000, 0, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 2, "TLBIMVAA 0x1000 removes A and C (every ASID)");
    tap_is(tlb_struct_valid_count(t), 3, "B, D, G remain");
    inv = (TlbInval){TLB_INV_ALL, 0, 0, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 3, "TLBIALL removes the other 3");
    tap_is(tlb_struct_valid_count(t), 0, "empty after TLBIALL");
    tap_is(tlb_struct_stats(t)->invalidations, 5, "5 invalidations counted");
    tlb_struct_destroy(t);

    /* VMID: TLBIALL of VMID 0 leaves VMID 1's entries */
    t = tt_struct(4, 0, TLB_REPL_LRU, 1);
    TlbMapping m = tt_page(0x5000, 1);
    m.vmid = 1;
    tlb_struct_fill(t, &m, m.va);
    inv = (TlbInval){TLB_INV_ALL, 0, 0, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 0, "TLBIALL of VMID 0 keeps a VMID 1 entry");
    tlb_struct_destroy(t);

    /* operation names */
    TlbInvalOp op;
    bool is;
    tap_ok(tlb_inval_op_from_name("TLBIMVAIS", &op, &is) && op == TLB_INV_VA && is, "TLBIMVAIS = VA, IS");
    tap_ok(tlb_inval_op_from_name("TLBIASID", &op, &is) && op == TLB_INV_ASID && !is, "TLBIASID = ASID, not IS");
    tap_ok(tlb_inval_op_from_name("TLBIASIDIS", &op, &is) && op == TLB_INV_ASID && is, "TLBIASIDIS");
    tap_ok(tlb_inval_op_from_name("TLBI VAALE1IS", &op, &is) && op == TLB_INV_VAAL && is, "TLBI VAALE1IS");
    tap_ok(tlb_inval_op_from_name("vmalle1", &op, &is) && op == TLB_INV_ALL && !is, "vmalle1");
    tap_ok(tlb_inval_op_from_name("VALE1", &op, &is) && op == TLB_INV_VAL, "VALE1");
    tap_ok(!tlb_inval_op_from_name("TLBIFOO", &op, &is), "unknown name refused");

    /* Walk cache vs last-level invalidation, on a model with a walk cache.
     * A 4K-granule level-2 table descriptor for VA 0x40201000 (ASID 5) points to the L3
     * table at 0x9000; the leaf mapping is in the TLBs too. */
    TlbConfig c = small_config();
    TlbModel *mdl = tlb_model_create(&c, err, sizeof err);
    tap_ok(mdl != NULL, "model created");
    if (!mdl) {
        printf("# %s\n", err);
        return tap_done();
    }
    const uint64_t va = 0x40201000;
    uint64_t tpa = 0;
    tlb_walk_cache_insert(mdl, va, TLB_FMT_4K, 2, 0, 5, 0, 0x9000);
    m = tt_page(va, 5);
    tlb_fill(mdl, TLB_SIDE_LOAD, va, &m);
    inv = (TlbInval){TLB_INV_VAL, va, 5, 0};
    tlb_invalidate(mdl, &inv);
    TlbResult r;
    tap_ok(!tlb_lookup(mdl, TLB_SIDE_LOAD, va, 5, 0, &r), "VALE1 removes the leaf entry");
    tap_is(tlb_walk_begin(mdl, va, TLB_FMT_4K, 0, 0, 5, 0, &tpa), 3, "VALE1 keeps the walk cache: walk resumes at level 3");
    tap_is(tpa, 0x9000, "... from the cached L3 table 0x9000");
    inv = (TlbInval){TLB_INV_VAAL, va, 0, 0};
    tlb_invalidate(mdl, &inv);
    tap_is(tlb_walk_begin(mdl, va, TLB_FMT_4K, 0, 0, 5, 0, &tpa), 3, "VAALE1 keeps the walk cache too");
    inv = (TlbInval){TLB_INV_VA, va + 0x800, 5, 0};
    tlb_invalidate(mdl, &inv);
    tpa = 0;
    tap_is(tlb_walk_begin(mdl, va, TLB_FMT_4K, 0, 0, 5, 0, &tpa), 0, "VAE1 drops the walk-cache entry: walk from level 0");
    tlb_walk_cache_insert(mdl, va, TLB_FMT_4K, 2, 0, 5, 0, 0x9000);
    inv = (TlbInval){TLB_INV_VA, va, 6, 0};
    tlb_invalidate(mdl, &inv);
    tap_is(tlb_walk_begin(mdl, va, TLB_FMT_4K, 0, 0, 5, 0, &tpa), 0,
           "VAE1 with another ASID drops it too (intermediate entries are not ASID-specific)");
    tlb_walk_cache_insert(mdl, va, TLB_FMT_4K, 2, 0, 5, 0, 0x9000);
    inv = (TlbInval){TLB_INV_VA, va + 0x200000, 5, 0};
    tlb_invalidate(mdl, &inv);
    tap_is(tlb_walk_begin(mdl, va, TLB_FMT_4K, 0, 0, 5, 0, &tpa), 3, "VAE1 of a VA in another 2M region keeps it");
    inv = (TlbInval){TLB_INV_ASID, 0, 5, 0};
    tlb_invalidate(mdl, &inv);
    tap_is(tlb_walk_begin(mdl, va, TLB_FMT_4K, 0, 0, 5, 0, &tpa), 0, "ASIDE1 5 drops ASID 5's walk-cache entries");

    /* An ASID change does not flush: fill VA 0x8000 for ASID 1 and for ASID 2 with
     * different PAs; switching back to ASID 1 hits with ASID 1's PA. */
    TlbMapping m1 = tt_page(0x8000, 1), m2 = tt_page(0x8000, 2);
    m2.pa = 0x55558000;
    tap_ok(!tlb_lookup(mdl, TLB_SIDE_LOAD, 0x8010, 1, 0, &r), "ASID 1: first access misses");
    tlb_fill(mdl, TLB_SIDE_LOAD, 0x8010, &m1);
    tap_ok(!tlb_lookup(mdl, TLB_SIDE_LOAD, 0x8010, 2, 0, &r), "ASID 2 (after the switch): misses, nG entry of ASID 1 does not match");
    tlb_fill(mdl, TLB_SIDE_LOAD, 0x8010, &m2);
    tap_ok(tlb_lookup(mdl, TLB_SIDE_LOAD, 0x8010, 1, 0, &r) && r.level == 0, "back to ASID 1: micro-TLB hit, nothing flushed");
    tap_is(r.e.out_pa, 0x40008010, "... with ASID 1's PA");
    tap_ok(tlb_lookup(mdl, TLB_SIDE_LOAD, 0x8010, 2, 0, &r), "ASID 2's entry still there");
    tap_is(r.e.out_pa, 0x55558010, "... with ASID 2's PA");
    tap_is(r.e.perms, TLB_P_EL1_R | TLB_P_EL1_W, "a hit returns the stored permissions (EL1 rw, EL0 none)");
    /* ... and a hit checks them without a walk: EL1 read/write allowed, EL1 fetch and every
     * EL0 access is the permission fault hardware raises from the entry */
    tap_ok(tlb_entry_permits(&r.e, TLB_SIDE_LOAD, false) && tlb_entry_permits(&r.e, TLB_SIDE_STORE, false),
           "EL1 load and store permitted by an EL1-rw entry");
    tap_ok(!tlb_entry_permits(&r.e, TLB_SIDE_FETCH, false), "EL1 fetch from a non-executable entry: permission fault");
    tap_ok(!tlb_entry_permits(&r.e, TLB_SIDE_LOAD, true) && !tlb_entry_permits(&r.e, TLB_SIDE_STORE, true),
           "EL0 load/store on an EL1-only entry: permission fault");
    TlbEntryView ro = r.e;
    ro.perms = TLB_P_EL1_R | TLB_P_EL0_R | TLB_P_EL0_X;
    tap_ok(!tlb_entry_permits(&ro, TLB_SIDE_STORE, false) && tlb_entry_permits(&ro, TLB_SIDE_FETCH, true) &&
           !tlb_entry_permits(&ro, TLB_SIDE_FETCH, false),
           "read-only, EL0-executable (PXN) entry: EL1 store and EL1 fetch fault, EL0 fetch allowed");

    /* flush_on_tlbi: a micro TLB configured like A7/A53 empties on any maintenance */
    tlb_model_destroy(mdl);
    c = small_config();
    c.dtlb.flush_on_tlbi = true;
    mdl = tlb_model_create(&c, err, sizeof err);
    tlb_fill(mdl, TLB_SIDE_LOAD, 0x8000, &m1);
    tlb_fill(mdl, TLB_SIDE_LOAD, 0x8000, &m2);
    inv = (TlbInval){TLB_INV_VA, 0x1000, 1, 0};
    tlb_invalidate(mdl, &inv);
    tap_is(tlb_struct_valid_count(tlb_model_struct(mdl, "dtlb")), 0, "flush_on_tlbi micro TLB emptied by an unrelated TLBIMVA");
    tap_is(tlb_struct_valid_count(tlb_model_struct(mdl, "main_tlb")), 2, "main TLB keeps both entries");
    tap_ok(tlb_lookup(mdl, TLB_SIDE_LOAD, 0x8000, 1, 0, &r) && r.level == 1, "next access refills from the main TLB");
    tlb_model_destroy(mdl);

    /* By-VA operations on a set-associative structure holding two page sizes: 64 entries, 4 ways,
     * so 16 sets, set = (va >> size_shift) & 15. Entries (ASID 1 unless said):
     *   P 4K  at 0x1000      set (0x1000 >> 12) & 15 = 1
     *   Q 2M  at 0x200000    set (0x200000 >> 21) & 15 = 1
     *   R 4K  at 0x201000    set 0x201 & 15 = 1
     *   S 4K  at 0x11000     set 0x11 & 15 = 1
     *   T 2M  at 0x1e00000   set (0x1e00000 >> 21) & 15 = 0xf, ASID 2
     * TLBIMVAA 0x201abc covers R (0x201abc >> 12 = 0x201) and Q (0x201abc >> 21 = 1), not P
     * (0x1) nor S (0x11). For T's VA 0x1e00123 the 4K set would be 0x1e00 & 15 = 0 and the 2M
     * set is 15: only the 2M one holds T. */
    t = tt_struct(64, 4, TLB_REPL_LRU, 1);
    {
        TlbMapping m;
        m = tt_page(0x1000, 1); tlb_struct_fill(t, &m, m.va);
        m = tt_page(0x200000, 1); m.size = 0x200000; m.level = 2; tlb_struct_fill(t, &m, m.va);
        m = tt_page(0x201000, 1); tlb_struct_fill(t, &m, m.va);
        m = tt_page(0x11000, 1); tlb_struct_fill(t, &m, m.va);
        m = tt_page(0x1e00000, 2); m.size = 0x200000; m.level = 2; tlb_struct_fill(t, &m, m.va);
    }
    tap_is(tlb_struct_valid_count(t), 5, "set-associative: 5 entries (4 in set 1, 1 in set 15)");
    inv = (TlbInval){TLB_INV_VAA, 0x201abc, 0, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 2, "TLBIMVAA 0x201abc removes the 4K page R and the 2M block Q");
    tap_ok(tlb_struct_contains(t, 0x1000, 1, 0) && tlb_struct_contains(t, 0x11000, 1, 0),
           "P and S, same set, other VAs, stay");
    tap_ok(!tlb_struct_contains(t, 0x201000, 1, 0) && !tlb_struct_contains(t, 0x3ff000, 1, 0), "R and Q gone");
    inv = (TlbInval){TLB_INV_VA, 0x1e00123, 1, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 0, "TLBIMVA 0x1e00123 ASID 1 leaves T (ASID 2, not global)");
    inv = (TlbInval){TLB_INV_VAL, 0x1e00123, 2, 0};
    tap_is(tlb_struct_invalidate(t, &inv), 1, "TLBIMVAL 0x1e00123 ASID 2 removes the 2M block T (set 15, not set 0)");
    tap_is(tlb_struct_valid_count(t), 2, "P and S left");
    tap_is(tlb_struct_stats(t)->invalidations, 3, "3 invalidations counted");
    tlb_struct_destroy(t);
    return tap_done();
}
