/* ld_enumerate: merging of contiguous runs, TTBR0 then TTBR1 in ascending VA order,
 * unreachable entries, tables outside memory, early stop, MMU off, and a self-referencing
 * table (bounded: the walk depth is fixed and the leaf count capped). */
#include "ld_tables.h"
#include "tap.h"

#define MAX_REGIONS 64

typedef struct Collect {
    LdMappedRegion r[MAX_REGIONS];
    int n;
    int stop_after;
} Collect;

static Collect col;

static bool collect_cb(const LdMappedRegion *r, void *ctx)
{
    Collect *c = ctx;
    if (c->n < MAX_REGIONS)
        c->r[c->n] = *r;
    c->n++;
    return !(c->stop_after && c->n >= c->stop_after);
}

static int run(const LongDescRegs *r, int stop_after)
{
    memset(&col, 0, sizeof col);
    col.stop_after = stop_after;
    return ld_enumerate(r, &pm, collect_cb, &col);
}

static void expect_region(int i, uint64_t va, uint64_t pa, uint64_t len)
{
    const LdMappedRegion *m = &col.r[i];
    bool pass = i < col.n && i < MAX_REGIONS && m->va == va && m->pa == pa && m->length == len;
    tap_ok(pass, "region %d: va 0x%llx pa 0x%llx length 0x%llx", i, (unsigned long long)va,
           (unsigned long long)pa, (unsigned long long)len);
    if (!pass && i < col.n && i < MAX_REGIONS)
        printf("#   got va 0x%llx pa 0x%llx length 0x%llx\n", (unsigned long long)m->va,
               (unsigned long long)m->pa, (unsigned long long)m->length);
}

/* the seed-000 layout (see test_ld_walk.c): L2[4..18] 2M blocks 0x80800000..0x825fffff
 * through TTBR0 (identity) and TTBR1 (0xffff000080800000..) */
static void seed_layout(void)
{
    ram_reset();
    put64(0x82500000u, ld_table(0x82501000u, 0));
    put64(0x82501010u, ld_table(0x82502000u, 0));
    put64(0x82503000u, ld_table(0x82504000u, 0));
    put64(0x82504010u, ld_table(0x82505000u, 0));
    for (uint64_t i = 4; i <= 18; i++) {
        put64(0x82502000u + i * 8, ld_block(0x80000000u + i * 0x200000u, LA(.idx = 5)));
        put64(0x82505000u + i * 8, ld_block(0x80000000u + i * 0x200000u, LA(.idx = 5, .uxn = 1)));
    }
}

static void test_seed(void)
{
    seed_layout();
    LongDescRegs r = regs_a64();
    r.ttbr0 = 0x82500000u;
    r.ttbr1 = 0x82503000u;
    int n = run(&r, 0);
    tap_is((uint64_t)n, 2, "seed: 2 regions");
    /* 15 blocks of 2M = 0x1e00000 */
    expect_region(0, 0x80800000u, 0x80800000u, 0x1e00000u);
    expect_region(1, UINT64_C(0xFFFF000080800000), 0x80800000u, 0x1e00000u);
    tap_ok(!col.r[0].attrs.ttbr1 && col.r[1].attrs.ttbr1, "region 0 TTBR0, region 1 TTBR1");
    tap_is_str(col.r[0].attrs.kind, "block", "region attrs kind block");

    /* attributes break runs: L2[10] nG; PA break: L2[14] -> 0x90000000; AF = 0 at L2[16] */
    put64(0x82502000u + 10 * 8, ld_block(0x81400000u, LA(.idx = 5, .ng = 1)));
    put64(0x82502000u + 14 * 8, ld_block(0x90000000u, LA(.idx = 5)));
    put64(0x82502000u + 16 * 8, ld_block(0x82000000u, LA(.idx = 5, .noaf = 1)));
    n = run(&r, 0);
    tap_is((uint64_t)n, 8, "seed modified: 8 regions");
    expect_region(0, 0x80800000u, 0x80800000u, 6 * 0x200000u);    /* 4..9 */
    expect_region(1, 0x81400000u, 0x81400000u, 0x200000u);        /* 10 nG */
    expect_region(2, 0x81600000u, 0x81600000u, 3 * 0x200000u);    /* 11..13 */
    expect_region(3, 0x81C00000u, 0x90000000u, 0x200000u);        /* 14 */
    expect_region(4, 0x81E00000u, 0x81E00000u, 0x200000u);        /* 15 */
    expect_region(5, 0x82000000u, 0x82000000u, 0x200000u);        /* 16 AF = 0 */
    expect_region(6, 0x82200000u, 0x82200000u, 2 * 0x200000u);    /* 17..18 */
    expect_region(7, UINT64_C(0xFFFF000080800000), 0x80800000u, 0x1e00000u);
    tap_ok(col.r[1].attrs.ng && !col.r[0].attrs.ng, "region 1 is nG");
    tap_ok(!col.r[5].attrs.af && col.r[5].attrs.fault.type == Fault_AccessFlag,
           "AF = 0 region reported with af false");

    /* every region agrees with ld_translate */
    bool agree = true;
    for (int i = 0; i < col.n && i < MAX_REGIONS; i++) {
        LdResult t = ldr(&r, col.r[i].va + col.r[i].length - 1);
        if (i != 5 && (t.fault.type != Fault_None || t.pa != col.r[i].pa + col.r[i].length - 1))
            agree = false;
    }
    tap_ok(agree, "last byte of every region translates to the region's PA");

    n = run(&r, 3);
    tap_is((uint64_t)n, 3, "stop after 3: returns 3");
    tap_is((uint64_t)col.n, 3, "stop after 3: 3 callbacks");

    /* EPD1: TTBR1 not enumerated */
    r.tcr |= LD_TCR_EPD1;
    n = run(&r, 0);
    tap_is((uint64_t)n, 7, "EPD1: the 7 TTBR0 regions only");
}

static void test_bad_tables(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    put64(0x80000000u, ld_table(0x80001000u, 0));
    put64(0x80001000u, ld_table(0xF0000000u, 0));           /* L1[0]: table outside memory */
    put64(0x80001008u, ld_table(UINT64_C(0x100000000000), 0)); /* L1[1]: above 40 bits */
    put64(0x80001010u, ld_block(0x40000000u, LA()));        /* L1[2]: 1G block */
    put64(0x80001018u, ld_block(UINT64_C(0x40000000000), LA())); /* L1[3]: block above 40 bits */
    r.ttbr1 = 0x90000000u;                                   /* TTBR1 outside memory */
    int n = run(&r, 0);
    tap_is((uint64_t)n, 1, "bad tables: only the 1G block");
    expect_region(0, 0x80000000u, 0x40000000u, 0x40000000u);
}

static void test_self_reference(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    /* every L0 entry points at the L0 table itself: each level re-reads it */
    for (uint64_t i = 0; i < 512; i++)
        put64(0x80000000u + i * 8, ld_table(0x80000000u, 0));
    int n = run(&r, 0);
    tap_ok(n > 0, "self-referencing table: enumeration ends (%d regions)", n);
}

static void test_mmu_off_and_lpae(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    r.sctlr = 0;
    int n = run(&r, 0);
    tap_is((uint64_t)n, 1, "MMU off: one region");
    expect_region(0, 0, 0, UINT64_C(1) << 40); /* pa_range_bits 40 */
    tap_is_str(col.r[0].attrs.kind, "flat", "kind flat");

    r = regs_lpae();
    r.sctlr = 0;
    n = run(&r, 0);
    expect_region(0, 0, 0, UINT64_C(1) << 32);

    /* LPAE T0SZ = 0, T1SZ = 2: TTBR0 L1[3] (VA 0xc0000000..) is unreachable, TTBR1 maps
     * 0xc0000000 and 0xc0200000 with 2M blocks at level 2 */
    ram_reset();
    r = regs_lpae();
    r.tcr = LD_TTBCR_EAE | 2u << 16;
    r.ttbr1 = 0x80004000u;
    put64(0x80000008u, ld_block(0x40000000u, LA()));   /* TTBR0 L1[1] */
    put64(0x80000018u, ld_block(0x00000000u, LA()));   /* TTBR0 L1[3]: unreachable */
    put64(0x80004000u, ld_block(0x80200000u, LA()));   /* TTBR1 L2[0] */
    put64(0x80004008u, ld_block(0x80400000u, LA()));   /* TTBR1 L2[1] */
    n = run(&r, 0);
    tap_is((uint64_t)n, 2, "LPAE split: 2 regions");
    expect_region(0, 0x40000000u, 0x40000000u, 0x40000000u);
    expect_region(1, 0xC0000000u, 0x80200000u, 0x400000u);
    tap_ok(col.r[1].attrs.ttbr1, "second region via TTBR1");

    /* LPAE T0SZ = T1SZ = 0: TTBR0 only, L1[3] reachable */
    r.tcr = LD_TTBCR_EAE;
    n = run(&r, 0);
    tap_is((uint64_t)n, 2, "LPAE T0SZ=T1SZ=0: 2 regions from TTBR0");
    expect_region(1, 0xC0000000u, 0x00000000u, 0x40000000u);
}

/* Deterministic pseudo-random numbers (64-bit LCG, Knuth MMIX constants) */
static uint64_t rng_state = 0x123456789abcdefull;
static uint64_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state ^ (rng_state >> 29);
}

typedef struct RandomCheck {
    const LongDescRegs *r;
    int seen, bad, unordered;
    uint64_t next_va;
} RandomCheck;

/* Every region: first and last byte translate (EL1 read) to the region's PA, with no fault
 * or only the Access flag fault; regions come in ascending, non-overlapping VA order. */
static bool check_cb(const LdMappedRegion *m, void *ctx)
{
    RandomCheck *c = ctx;
    LdResult a = ldr(c->r, m->va), b = ldr(c->r, m->va + m->length - 1);
    bool ga = a.pa == m->pa && (a.fault.type == Fault_None || a.fault.type == Fault_AccessFlag);
    bool gb = b.pa == m->pa + m->length - 1 &&
              (b.fault.type == Fault_None || b.fault.type == Fault_AccessFlag);
    if (!ga || !gb)
        c->bad++;
    if (c->seen && m->va < c->next_va)
        c->unordered++;
    c->next_va = m->va + m->length;
    c->seen++;
    return true;
}

/* Random tables in the first 64K of RAM: ~1 in 8 entries valid, table/page/block pointers
 * into that 64K (or anywhere, rarely), random attributes and registers. Nothing may crash,
 * every result must be self-consistent, and every enumerated region must agree with
 * ld_translate. */
static void test_random(void)
{
    int bad_walk = 0, bad_region = 0, regions = 0, walks = 0;
    for (int round = 0; round < 40; round++) {
        ram_reset();
        for (uint64_t off = 0; off < 0x10000; off += 8) {
            uint64_t d = 0;
            uint64_t k = rnd();
            if ((k & 7) == 0) {
                uint64_t target = (k >> 8) & 1 ? RAM_BASE + ((k >> 16) & 0xf000) : (rnd() & UINT64_C(0xfffffffff000));
                d = target | (rnd() & UINT64_C(0xfff8000000000ffc)) | ((k >> 3) & 3) | 1;
            }
            put64(RAM_BASE + off, d);
        }
        LongDescRegs r = round & 1 ? regs_lpae() : regs_a64();
        uint64_t k = rnd();
        if (r.regime == Ld_AArch64) {
            r.tcr = (k & 0x3f) | ((k >> 6) & 3) << 14 | ((k >> 8) & 0x3f) << 16 | ((k >> 14) & 3) << 30 |
                    ((k >> 16) & 7) << 32 | ((k >> 19) & 7) << 36;
            if (round % 4 == 0) /* keep the sizes in range half the time */
                r.tcr = (r.tcr & ~UINT64_C(0x3f003f)) | TCR_T0SZ(16 + (k >> 24) % 24) | TCR_T1SZ(16 + (k >> 32) % 24);
        } else {
            r.tcr = LD_TTBCR_EAE | (k & 7) | ((k >> 3) & 7) << 16;
        }
        r.ttbr0 = RAM_BASE + (rnd() & 0xf000);
        r.ttbr1 = RAM_BASE + (rnd() & 0xf000);
        r.sctlr = LD_SCTLR_M | (rnd() & (LD_SCTLR_WXN | LD_SCTLR_UWXN));
        for (int i = 0; i < 500; i++) {
            uint64_t va = rnd();
            if (i & 1)
                va = (va >> 20 & 1) ? (va | UINT64_C(0xffff000000000000)) : (va & UINT64_C(0xffffffffffff));
            AccessType a = (AccessType)(rnd() % 3);
            LdResult t;
            bool ok = ld_translate(&r, &pm, va, a, rnd() & 1, &t);
            walks++;
            bool good = t.ndesc >= 0 && t.ndesc <= 4 && t.fault.level >= 0 && t.fault.level <= 3 &&
                        ok == (t.fault.type == Fault_None);
            if (ok)
                good = good && t.level >= t.start_level && t.level <= 3 && t.size >= t.granule &&
                       (t.size & (t.size - 1)) == 0 && (t.pa & (t.size - 1)) == (t.va & (t.size - 1)) &&
                       (!strcmp(t.kind, "page") ? t.level == 3 : !strcmp(t.kind, "block"));
            if (!good)
                bad_walk++;
        }
        RandomCheck rc = {&r, 0, 0, 0, 0};
        int n = ld_enumerate(&r, &pm, check_cb, &rc);
        regions += n;
        bad_region += rc.bad;
        if (rc.seen != n || rc.unordered)
            bad_region++;
    }
    tap_is((uint64_t)bad_walk, 0, "random tables: %d walks self-consistent", walks);
    tap_is((uint64_t)bad_region, 0, "random tables: %d enumerated regions agree with ld_translate", regions);
}

int main(void)
{
    test_seed();
    test_bad_tables();
    test_self_reference();
    test_mmu_off_and_lpae();
    test_random();
    return tap_done();
}
