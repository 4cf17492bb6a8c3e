/* v7_short_enumerate: merging of contiguous runs, ascending VA order, TTBR0/TTBR1
 * split, early stop, tables outside RAM, and robustness on random tables (every
 * loop bounded; results consistent with v7_short_translate). */
#include <stdlib.h>

#include "tap.h"
#include "v7_tables.h"

#define MAX_REGIONS 8192

typedef struct Collect {
    MappedRegion r[MAX_REGIONS];
    int n;
    int stop_after; /* 0: never stop */
} Collect;

static Collect col;

static bool collect_cb(const MappedRegion *r, void *ctx)
{
    Collect *c = ctx;
    if (c->n < MAX_REGIONS)
        c->r[c->n] = *r;
    c->n++;
    return !(c->stop_after && c->n >= c->stop_after);
}

static int run(const V7ShortRegs *r, int stop_after)
{
    memset(&col, 0, sizeof col);
    col.stop_after = stop_after;
    return v7_short_enumerate(r, &pm, collect_cb, &col);
}

static void expect_region(int i, uint32_t va, uint64_t pa, uint64_t len, const char *kind)
{
    const MappedRegion *m = &col.r[i];
    bool pass = i < col.n && m->va == va && m->pa == pa && m->length == len && !strcmp(m->attrs.kind, kind);
    tap_ok(pass, "region %d: va 0x%08x pa 0x%llx length 0x%llx %s", i, (unsigned)va, (unsigned long long)pa,
           (unsigned long long)len, kind);
    if (!pass && i < col.n)
        printf("#   got va 0x%08x pa 0x%llx length 0x%llx %s\n", (unsigned)m->va, (unsigned long long)m->pa,
               (unsigned long long)m->length, m->attrs.kind);
}

static void test_merging(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    Attrs k = A(.ap = 1, .tex = 1, .c = 1, .b = 1);
    /* three adjacent sections to contiguous PAs: one region of 3MB */
    map_l1(0xc0000000u, l1_section(0x80000000u, k));
    map_l1(0xc0100000u, l1_section(0x80100000u, k));
    map_l1(0xc0200000u, l1_section(0x80200000u, k));
    /* gap at 0xc0300000, then 0xc0400000 -> 0x90000000 */
    map_l1(0xc0400000u, l1_section(0x90000000u, k));
    /* VA contiguous, PA not (0x90200000 != 0x90100000): new region */
    map_l1(0xc0500000u, l1_section(0x90200000u, k));
    /* VA and PA contiguous, but XN differs: new region */
    map_l1(0xc0600000u, l1_section(0x90300000u, A(.ap = 1, .tex = 1, .c = 1, .b = 1, .xn = 1)));
    /* supersection over 16 entries: one 16MB region */
    for (uint32_t i = 0; i < 16; i++)
        map_l1(0xd0000000u + (i << 20), l1_supersection(UINT64_C(0x234000000), A(.ap = 3)));
    /* L1[0x001] -> L2 at 0x80004000: small pages 0..3 to 0x85000000.. (one 16KB region),
     * a large page for VA 0x00110000 (L2 indices 0x10..0x1f) to 0x86000000 (64KB region),
     * then a small page at 0x00120000 to 0x86010000: PA-contiguous, but another kind */
    map_l1(0x00100000u, l1_pagetable(0x80004000u, 0, 0));
    for (uint32_t j = 0; j < 4; j++)
        map_l2(0x80004000u, 0x00100000u + (j << 12), l2_small(0x85000000u + (j << 12), A(.ap = 3)));
    for (uint32_t j = 0; j < 16; j++)
        map_l2(0x80004000u, 0x00110000u + (j << 12), l2_large(0x86000000u, A(.ap = 3)));
    map_l2(0x80004000u, 0x00120000u, l2_small(0x86010000u, A(.ap = 3)));

    int n = run(&r, 0);
    tap_is((uint64_t)n, 8, "8 regions reported");
    tap_is((uint64_t)col.n, 8, "callback called 8 times");
    expect_region(0, 0x00100000u, 0x85000000u, 0x4000, "page");
    expect_region(1, 0x00110000u, 0x86000000u, 0x10000, "large-page");
    expect_region(2, 0x00120000u, 0x86010000u, 0x1000, "page");
    expect_region(3, 0xc0000000u, 0x80000000u, 0x300000, "section");
    expect_region(4, 0xc0400000u, 0x90000000u, 0x100000, "section");
    expect_region(5, 0xc0500000u, 0x90200000u, 0x100000, "section");
    expect_region(6, 0xc0600000u, 0x90300000u, 0x100000, "section");
    expect_region(7, 0xd0000000u, UINT64_C(0x234000000), 0x1000000, "supersection");
    tap_ok(col.r[6].attrs.xn && !col.r[5].attrs.xn, "region 6 is XN, region 5 is not");

    n = run(&r, 1);
    tap_ok(n == 1 && col.n == 1, "callback returning false stops after one region");
    n = run(&r, 4);
    tap_ok(n == 4 && col.n == 4, "callback returning false on the 4th stops there");

    /* an L2 table outside RAM is skipped; everything else is still reported */
    map_l1(0x00200000u, l1_pagetable(0x20000000u, 0, 0));
    /* 0xffffffff with PXN: bits[1:0]=11 section-type, bit 18 set -> supersection with
     * PA[31:24]=0xff, PA[35:32]=[23:20]=0xf, PA[39:36]=[8:5]=0xf; the single entry at
     * L1[0x003] maps VA 0x00300000.. to 0xff_ff00_0000 | VA[23:0] = 0xff_ff30_0000 */
    map_l1(0x00300000u, 0xffffffffu);
    n = run(&r, 0);
    tap_is((uint64_t)n, 9, "L2 table outside RAM skipped; 0xffffffff is a supersection -> 9 regions");
    expect_region(3, 0x00300000u, UINT64_C(0xffff300000), 0x100000, "supersection");
    r.has_pxn = false; /* the same descriptor is reserved without PXN */
    n = run(&r, 0);
    tap_is((uint64_t)n, 8, "without PXN the 0b11 descriptor is not a mapping");
    r = regs_default();
    r.ttbr0 = 0x10000000u;
    tap_is((uint64_t)run(&r, 0), 0, "L1 table outside RAM: no regions");
}

static void test_split(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    const uint32_t t1 = 0x80180000u;
    r.ttbcr = 1; /* VA < 0x80000000 -> TTBR0 (2048-entry table), others TTBR1 */
    r.ttbr1 = t1;
    map_l1(0x01000000u, l1_section(0x81000000u, A(.ap = 3)));      /* TTBR0 idx 0x010 */
    map_l1(0x90000000u, l1_section(0x82000000u, A(.ap = 3)));      /* TTBR0 idx 0x900: beyond N=1's table */
    put32(t1 + 0x010u * 4u, l1_section(0x83000000u, A(.ap = 3))); /* TTBR1 idx 0x010: VA below the split */
    put32(t1 + 0x900u * 4u, l1_section(0x91000000u, A(.ap = 3))); /* TTBR1 idx 0x900 */
    int n = run(&r, 0);
    tap_is((uint64_t)n, 2, "N=1: two regions");
    expect_region(0, 0x01000000u, 0x81000000u, 0x100000, "section");
    expect_region(1, 0x90000000u, 0x91000000u, 0x100000, "section");
    tap_ok(!col.r[0].attrs.ttbr1 && col.r[1].attrs.ttbr1, "first from TTBR0, second from TTBR1");
    r.ttbcr = 1u | 1u << 5; /* PD1 */
    n = run(&r, 0);
    tap_ok(n == 1 && col.r[0].va == 0x01000000u, "PD1: only the TTBR0 region");

    r = regs_default();
    r.sctlr = 0;
    n = run(&r, 0);
    tap_ok(n == 1 && col.r[0].va == 0 && col.r[0].pa == 0 && col.r[0].length == UINT64_C(0x100000000) &&
               !strcmp(col.r[0].attrs.kind, "flat"),
           "MMU off: one flat 4GB region");
}

/* xorshift32, deterministic */
static uint32_t rng_state;
static uint32_t rnd(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

static uint32_t random_base(void)
{
    switch (rnd() % 4) {
    case 0: return rnd();                                  /* anywhere */
    case 1: return RAM_BASE + (rnd() % RAM_SIZE);          /* inside RAM */
    case 2: return RAM_BASE + RAM_SIZE - (rnd() % 0x4000); /* straddling the end of RAM */
    default: return RAM_BASE;
    }
}

static void fill_random(bool bias)
{
    for (uint32_t off = 0; off < RAM_SIZE; off += 4) {
        uint32_t d = rnd();
        /* bias: L1/L2 entries pointing into RAM, so that walks go deep */
        if (bias && (d & 3u) == 1u && (rnd() & 1u))
            d = (d & 0x3ffu) | ((RAM_BASE + rnd() % RAM_SIZE) & 0xfffffc00u);
        put32(RAM_BASE + off, d);
    }
}

static V7ShortRegs random_regs(void)
{
    V7ShortRegs r;
    memset(&r, 0, sizeof r);
    static const uint32_t optional[] = {SCTLR_AFE, SCTLR_TRE, SCTLR_WXN, SCTLR_UWXN};
    r.sctlr = SCTLR_M;
    for (size_t i = 0; i < 4; i++)
        if (rnd() & 1u)
            r.sctlr |= optional[i];
    r.ttbcr = rnd() & 0x37u; /* N and PD0/PD1 */
    r.ttbr0 = random_base();
    r.ttbr1 = random_base();
    r.dacr = rnd();
    r.prrr = rnd();
    r.nmrr = rnd();
    r.has_pxn = rnd() & 1u;
    return r;
}

typedef struct Check {
    V7ShortRegs manager; /* the regime, all domains Manager, AFE off: no access faults */
    uint64_t next_va;
    int bad;
    int count;
} Check;

static bool check_cb(const MappedRegion *m, void *ctx)
{
    Check *c = ctx;
    c->count++;
    uint64_t end = (uint64_t)m->va + m->length;
    if (m->va < c->next_va || m->length == 0 || (m->length & 0xfffu) || end > UINT64_C(0x100000000))
        c->bad++;
    c->next_va = end;
    TranslationResult a, b;
    if (!v7_short_translate(&c->manager, &pm, m->va, Access_Read, true, &a) || a.pa != m->pa)
        c->bad++;
    if (!v7_short_translate(&c->manager, &pm, (uint32_t)(end - 1), Access_Read, true, &b) ||
        b.pa != m->pa + m->length - 1)
        c->bad++;
    return true;
}

static bool well_formed(bool ok, const TranslationResult *t)
{
    if (t->ndesc < 0 || t->ndesc > 2)
        return false;
    if (ok)
        return t->fault.type == Fault_None && t->kind != NULL;
    return t->fault.type != Fault_None && (t->fault.level == 1 || t->fault.level == 2) && t->kind != NULL;
}

static void test_random(void)
{
    for (uint32_t seed = 1; seed <= 16; seed++) {
        rng_state = seed * 2654435761u;
        ram_reset();
        fill_random(seed % 3 != 0);
        V7ShortRegs r = random_regs();
        /* make sure most seeds walk tables in RAM */
        if (seed & 1u) {
            r.ttbr0 = RAM_BASE + (rnd() % 64u) * 0x4000u + (r.ttbr0 & 0x3fffu);
            r.ttbcr &= ~(1u << 4);
        }
        if (seed & 2u) {
            r.ttbr1 = RAM_BASE + (rnd() % 64u) * 0x4000u + (r.ttbr1 & 0x3fffu);
            r.ttbcr &= ~(1u << 5);
        }

        Check c;
        memset(&c, 0, sizeof c);
        c.manager = r;
        c.manager.dacr = 0xffffffffu;
        c.manager.sctlr &= ~SCTLR_AFE;
        int n = v7_short_enumerate(&r, &pm, check_cb, &c);
        tap_ok(n == c.count && c.bad == 0, "seed %u: %d regions, ascending, disjoint, agreeing with translate", seed, n);

        int bad = 0;
        for (uint32_t i = 0; i < 4096; i++) {
            uint32_t va = i << 20 | (rnd() & 0xfffffu);
            for (int a = 0; a < 3; a++) {
                for (int priv = 0; priv < 2; priv++) {
                    TranslationResult t;
                    bool ok = v7_short_translate(&r, &pm, va, (AccessType)a, priv, &t);
                    if (!well_formed(ok, &t))
                        bad++;
                    char line[160];
                    if (v7_short_format(&t, line, sizeof line) <= 0)
                        bad++;
                }
            }
        }
        tap_ok(bad == 0, "seed %u: 4096 section VAs x 6 accesses translate and format cleanly", seed);
    }
}

int main(void)
{
    test_merging();
    test_split();
    test_random();
    return tap_done();
}
