/* The random table-set generator (mmu/table_gen.c): deterministic per seed, everything inside its
 * physical window, descriptors well formed (fields where ARM ARM DDI 0406C B3.5.1 / B3.6.1 and
 * DDI 0487 D5.3 put them, RES0 bits zero), the code page identity-mapped in every set, and the
 * data pattern a bijection. The table scans below are this test's own: they decode descriptors by
 * hand from those sections, independently of mmu/v7_short.c and mmu/long_desc.c. */
#include <stdlib.h>
#include <sys/mman.h>

#include "table_gen.h"
#include "tap.h"

static TgLayout L;
static uint8_t *ram;
static PhysMem pm;

static uint32_t rd32(uint64_t pa)
{
    const uint8_t *p = ram + pa;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(uint64_t pa)
{
    return (uint64_t)rd32(pa) | (uint64_t)rd32(pa + 4) << 32;
}

static void load(const TgSet *s)
{
    memset(ram + L.pool_pa, 0, L.pool_size);
    memcpy(ram + L.pool_pa, s->pool, s->pool_used);
}

static bool in_pool(uint64_t pa, uint64_t len)
{
    return pa >= L.pool_pa && pa + len <= L.pool_pa + L.pool_size;
}

static bool in_data(uint64_t pa, uint64_t len)
{
    return pa >= L.data_lo && pa + len <= L.data_hi;
}

/* ---- what a scan found ---- */
typedef struct Scan {
    unsigned tables, leaves, bad_table, bad_leaf, bad_res0, bad_repeat, contig_runs, bad_contig;
} Scan;

/* ARMv7 short descriptors: level-1 table at t with n entries, entries [lo, n) walked */
static void scan_v7(uint64_t t, unsigned lo, unsigned n, Scan *sc)
{
    for (unsigned i = lo; i < n; i++) {
        uint32_t d = rd32(t + 4 * i);
        switch (d & 3u) {
        case 0: break;
        case 1: { /* page table: [31:10] */
            uint64_t l2 = d & 0xfffffc00u;
            sc->tables++;
            if (!in_pool(l2, 1024)) {
                sc->bad_table++;
                break;
            }
            if (d & 0x10u) /* SBZ [4] */
                sc->bad_res0++;
            for (unsigned j = 0; j < 256; j++) {
                uint32_t e = rd32(l2 + 4 * j);
                if ((e & 3u) == 1u) { /* large page [31:16], SBZ [8:6], repeated 16 times */
                    sc->leaves++;
                    if (!in_data(e & 0xffff0000u, 0x10000))
                        sc->bad_leaf++;
                    if (e & 0x1c0u)
                        sc->bad_res0++;
                    if (rd32(l2 + 4 * (j & ~15u)) != e)
                        sc->bad_repeat++;
                } else if (e & 2u) { /* small page [31:12] */
                    sc->leaves++;
                    if (!in_data(e & 0xfffff000u, 0x1000))
                        sc->bad_leaf++;
                }
            }
            break;
        }
        default:
            sc->leaves++;
            if (d & (1u << 18)) { /* supersection: PA[39:32] in [23:20] and [8:5] must stay 0 */
                if (!in_data(d & 0xff000000u, 0x1000000) || (d & 0x00f001e0u))
                    sc->bad_leaf++;
                if (rd32(t + 4 * (i & ~15u)) != d)
                    sc->bad_repeat++;
            } else if (!in_data(d & 0xfff00000u, 0x100000) && !(i == 0 && (d & 0xfff00000u) == 0)) {
                sc->bad_leaf++; /* the only section outside the data window: the code at VA 0 */
            }
        }
    }
}

typedef struct Geo {
    unsigned grain, stride, inputsize;
    int start;
} Geo;

/* DDI 0487 D5.2: start level = 4 - ceil((inputsize - grain) / stride) */
static Geo geo(unsigned grain, unsigned inputsize)
{
    Geo g = {grain, grain - 3, inputsize, 0};
    g.start = 4 - (int)((inputsize - grain + g.stride - 1) / g.stride);
    return g;
}

static unsigned shift_of(const Geo *g, int level)
{
    return g->grain + (unsigned)(3 - level) * g->stride;
}

static unsigned bits_of(const Geo *g, int level)
{
    unsigned lo = shift_of(g, level), hi = lo + g->stride;
    return (hi > g->inputsize ? g->inputsize : hi) - lo;
}

static void scan_ld(const Geo *g, int level, uint64_t t, bool lpae, Scan *sc)
{
    unsigned n = 1u << bits_of(g, level), shift = shift_of(g, level);
    uint64_t oa_mask = (lpae ? UINT64_C(0xffffffffff) : UINT64_C(0xffffffffffff)) & ~((UINT64_C(1) << shift) - 1);
    for (unsigned i = 0; i < n; i++) {
        uint64_t d = rd64(t + 8u * i);
        if (!(d & 1))
            continue;
        if ((d & 2) && level < 3) {
            uint64_t next = d & UINT64_C(0xfffffffff000) & ~((UINT64_C(1) << g->grain) - 1);
            sc->tables++;
            if (!in_pool(next, UINT64_C(1) << g->grain) || (d & UINT64_C(0x000f000000000000))) {
                sc->bad_table++;
                continue;
            }
            scan_ld(g, level + 1, next, lpae, sc);
            continue;
        }
        if (level == 3 && !(d & 2))
            continue; /* reserved 0b01: invalid */
        sc->leaves++;
        uint64_t oa = d & oa_mask;
        /* RES0: OA bits below the mapping size, [51:48] (no 52-bit PA), [50] GP */
        if (d & ((UINT64_C(1) << shift) - 1) & UINT64_C(0xfffffffff000))
            sc->bad_res0++;
        if (d & UINT64_C(0x000f000000000000))
            sc->bad_res0++;
        if (!in_data(oa, UINT64_C(1) << shift) && !(level == 3 && oa == 0))
            sc->bad_leaf++;
        if (!(level == 2 || (level == 1 && g->grain == 12) || level == 3))
            sc->bad_leaf++; /* a block where ARMv8.0 has none */
        if (d & (UINT64_C(1) << 52)) { /* contiguous: whole aligned runs of identical attributes */
            unsigned run = g->grain == 12 ? 16 : g->grain == 14 ? (level == 3 ? 128 : 32) : 32;
            unsigned first = i & ~(run - 1);
            if (i == first) {
                sc->contig_runs++;
                for (unsigned k = 0; k < run; k++) {
                    uint64_t e = rd64(t + 8u * (first + k));
                    if ((e & ~oa_mask) != (d & ~oa_mask) || (e & oa_mask) != oa + ((uint64_t)k << shift))
                        sc->bad_contig++;
                }
                if (oa & (((uint64_t)run << shift) - 1))
                    sc->bad_contig++;
            }
        }
    }
}

static Scan scan_set(const TgSet *s)
{
    Scan sc = {0};
    load(s);
    if (s->format == TG_V7) {
        unsigned n = s->v7.ttbcr & 7u;
        uint64_t t0 = s->v7.ttbr0 & ~((UINT64_C(1) << (14 - n)) - 1), t1 = s->v7.ttbr1 & 0xffffc000u;
        if (!in_pool(t0, 16384u >> n) || (n && !in_pool(t1, 16384)))
            sc.bad_table++;
        else {
            scan_v7(t0, 0, 4096u >> n, &sc);
            if (n)
                scan_v7(t1, 4096u >> n, 4096, &sc);
        }
        return sc;
    }
    bool lpae = s->format == TG_LPAE;
    for (int half = 0; half < 2; half++) {
        unsigned tsz = (unsigned)(s->ld.tcr >> (half ? 16 : 0)) & (lpae ? 7u : 63u);
        unsigned grain;
        if (lpae) {
            grain = 12;
            if (half == 1 && (s->ld.tcr & 0x70007u) == 0)
                continue; /* T0SZ = T1SZ = 0: TTBR0 for everything */
        } else {
            unsigned tg = (unsigned)(s->ld.tcr >> (half ? 30 : 14)) & 3u;
            grain = half ? (tg == 1 ? 14 : tg == 3 ? 16 : 12) : (tg == 1 ? 16 : tg == 2 ? 14 : 12);
        }
        Geo g = geo(grain, (lpae ? 32 : 64) - tsz);
        uint64_t ttbr = half ? s->ld.ttbr1 : s->ld.ttbr0;
        uint64_t t = ttbr & UINT64_C(0xfffffffffff0) & ~((UINT64_C(8) << bits_of(&g, g.start)) - 1);
        if (!in_pool(t, UINT64_C(8) << bits_of(&g, g.start)) || (ttbr & 0xf)) {
            sc.bad_table++;
            continue;
        }
        scan_ld(&g, g.start, t, lpae, &sc);
    }
    return sc;
}

static void test_names(void)
{
    tap_is_str(tg_format_name(TG_A64_16K), "a64-16k", "format name a64-16k");
    tap_ok(tg_format_parse("lpae") == TG_LPAE && tg_format_parse("v7") == TG_V7 &&
               tg_format_parse("a64-64k") == TG_A64_64K && tg_format_parse("a64-8k") == -1,
           "format names parse, unknown ones do not");
    tap_is_str(tg_deviation_name(0), "block-level", "deviation 0 is block-level");
    TgLayout bad = L;
    bad.data_lo = 0x1800000; /* overlaps the table pool [16M, 32M) */
    tap_ok(tg_new(TG_V7, &bad, 1, false) == NULL, "a layout whose data window overlaps the pool is refused");
}

static bool same_set(const TgSet *a, const TgSet *b)
{
    return a->pool_used == b->pool_used && !memcmp(a->pool, b->pool, a->pool_used) && a->nprobes == b->nprobes &&
           !memcmp(a->probes, b->probes, a->nprobes * sizeof *a->probes) && !memcmp(&a->v7, &b->v7, sizeof a->v7) &&
           !memcmp(&a->ld, &b->ld, sizeof a->ld);
}

static void test_deterministic(void)
{
    for (int f = 0; f < TG_FORMAT_COUNT; f++) {
        TgGen *a = tg_new((TgFormat)f, &L, 42, false), *b = tg_new((TgFormat)f, &L, 42, false);
        TgGen *c = tg_new((TgFormat)f, &L, 43, false);
        bool same = a && b && c, differ = false;
        for (int i = 0; i < 8 && same; i++) {
            TgSet sa, sb, sc;
            same = tg_next(a, 32, &sa) && tg_next(b, 32, &sb) && tg_next(c, 32, &sc) && same_set(&sa, &sb);
            differ |= !same_set(&sa, &sc);
        }
        tap_ok(same, "%s: the same seed gives the same 8 table sets, registers and probes", tg_format_name((TgFormat)f));
        tap_ok(differ, "%s: another seed gives other sets", tg_format_name((TgFormat)f));
        tg_free(a);
        tg_free(b);
        tg_free(c);
    }
}

static void test_window(void)
{
    for (int f = 0; f < TG_FORMAT_COUNT; f++) {
        TgGen *g = tg_new((TgFormat)f, &L, 7, false);
        Scan total = {0};
        unsigned code_ok = 0, probes_ok = 0, nprobes = 0, devs = 0, sets = 40;
        for (unsigned i = 0; i < sets && g; i++) {
            TgSet s;
            if (!tg_next(g, 64, &s))
                break;
            Scan sc = scan_set(&s);
            total.tables += sc.tables;
            total.leaves += sc.leaves;
            total.bad_table += sc.bad_table;
            total.bad_leaf += sc.bad_leaf;
            total.bad_res0 += sc.bad_res0;
            total.bad_repeat += sc.bad_repeat;
            total.contig_runs += sc.contig_runs;
            total.bad_contig += sc.bad_contig;
            devs |= s.dev;
            /* the code page: a privileged fetch of VA 0 reaches PA 0 (walked by the real walkers) */
            if (f == TG_V7) {
                TranslationResult r;
                code_ok += v7_short_translate(&s.v7, &pm, 0, Access_Fetch, true, &r) && r.pa == 0;
            } else {
                LdResult r;
                code_ok += ld_translate(&s.ld, &pm, 0, Access_Fetch, true, &r) && r.pa == 0;
            }
            for (unsigned k = 0; k < s.nprobes; k++) {
                const TgProbe *p = &s.probes[k];
                uint64_t va = p->va;
                bool low = (f < TG_A64_4K ? va : (va >> 55) & 1 ? UINT64_MAX : va & UINT64_C(0x00ffffffffffffff)) <
                           L.reserved_va_end;
                bool ok = !low && (va & 7) == 0 && (f >= TG_A64_4K || va <= 0xffffffffu) &&
                          (p->gen_pa == TG_NO_PA || in_data(p->gen_pa, 8)) && p->dev == 0;
                probes_ok += ok;
                nprobes++;
            }
        }
        const char *n = tg_format_name((TgFormat)f);
        tap_ok(total.tables > 40 && total.leaves > 200, "%s: 40 sets hold tables (%u) and leaves (%u)", n,
               total.tables, total.leaves);
        tap_is(total.bad_table, 0, "%s: every table lies in the pool [16M, 32M)", n);
        tap_is(total.bad_leaf, 0, "%s: every leaf maps into the data window [32M, 2G) at a level that has blocks", n);
        tap_is(total.bad_res0, 0, "%s: RES0/SBZ descriptor bits are zero", n);
        tap_is(total.bad_repeat, 0, "%s: supersections and large pages fill their 16 entries", n);
        if (f != TG_V7)
            tap_ok(total.contig_runs > 0 && total.bad_contig == 0,
                   "%s: contiguous runs (%u) are whole, aligned, uniform and consecutive", n, total.contig_runs);
        tap_is(code_ok, sets, "%s: every set maps the code page VA 0 -> PA 0 for privileged fetches", n);
        tap_is(probes_ok, nprobes, "%s: probes are aligned, out of the reserved VAs, their PAs in the window", n);
        tap_is(devs, 0, "%s: no deviation category without include_deviations", n);
        tg_free(g);
    }
}

static void test_deviations(void)
{
    static const unsigned want[TG_FORMAT_COUNT] = {
        TG_DEV_V7_DOMAIN | TG_DEV_V7_WXN | TG_DEV_V7_XP,
        TG_DEV_ADDR_SIZE,
        TG_DEV_BLOCK_LEVEL | TG_DEV_ADDR_SIZE | TG_DEV_TG0_RESERVED | TG_DEV_TTBR_VA55,
        TG_DEV_BLOCK_LEVEL | TG_DEV_ADDR_SIZE | TG_DEV_TTBR_VA55,
        TG_DEV_BLOCK_LEVEL | TG_DEV_ADDR_SIZE | TG_DEV_TTBR_VA55,
    };
    for (int f = 0; f < TG_FORMAT_COUNT; f++) {
        TgGen *g = tg_new((TgFormat)f, &L, 7, true);
        unsigned devs = 0, tg0_sets = 0, tg0_ok = 0;
        for (unsigned i = 0; i < 60 && g; i++) {
            TgSet s;
            if (!tg_next(g, 64, &s))
                break;
            for (unsigned k = 0; k < s.nprobes; k++)
                devs |= s.probes[k].dev;
            if (s.dev & TG_DEV_TG0_RESERVED) {
                /* TG0 = 0b11 sets use T0SZ = 34 (inputsize 30): two levels for 4K and 64K alike */
                tg0_sets++;
                tg0_ok += ((s.ld.tcr >> 14) & 3) == 3 && (s.ld.tcr & 63) == 34 && (s.ld.ttbr0 & 0xffff) == 0;
            }
        }
        tap_is(devs, want[f], "%s: include_deviations plants exactly this format's categories", tg_format_name((TgFormat)f));
        if (f == TG_A64_4K)
            tap_ok(tg0_sets > 0 && tg0_ok == tg0_sets, "a64-4k: TG0 = 0b11 sets (%u) have T0SZ 34 and a 64K-aligned TTBR0",
                   tg0_sets);
        tg_free(g);
    }
}

/* Hand-checked descriptors of seed 1's first sets */
static void test_hand_checked(void)
{
    TgGen *g = tg_new(TG_V7, &L, 1, false);
    TgSet s;
    tap_ok(g && tg_next(g, 32, &s), "v7 seed 1: a set");
    load(&s);
    unsigned n = s.v7.ttbcr & 7u;
    uint64_t t0 = s.v7.ttbr0 & ~((UINT64_C(1) << (14 - n)) - 1);
    /* code section, VA 0 -> PA 0: AP[2] [15] = 1, AP[1:0] [11:10] = 01, domain 0, C B = 11,
     * [1:0] = 10: 0x8000 | 0x400 | 0xc | 0x2 = 0x840e */
    tap_is(rd32(t0), 0x840e, "v7: TTBR0 entry 0 is the section 0x0000840e (PL1 read-only code)");
    /* entry 1 (VA 1M..2M, reserved) stays invalid */
    tap_is(rd32(t0 + 4), 0, "v7: TTBR0 entry 1 (reserved VA) is 0");
    /* SCTLR: the RES1 bits 0x00c50078 and M */
    tap_is(s.v7.sctlr & 0x00c50079u, 0x00c50079u, "v7: SCTLR has M and the ARMv7 RAO bits 0x00c50078");
    tap_is(s.v7.dacr & 1u, 1u, "v7: domain 0 (the code's) is Client or Manager: D0[0] = 1");
    tg_free(g);

    g = tg_new(TG_A64_4K, &L, 1, false);
    tap_ok(g && tg_next(g, 32, &s), "a64-4k seed 1: a set");
    load(&s);
    /* follow entry 0 from TTBR0 down to level 3: every table descriptor [1:0] = 11, PXNTable [59]
     * and UXNTable [60] clear on this path */
    unsigned t0sz = s.ld.tcr & 63u;
    Geo geo0 = geo(12, 64 - t0sz);
    uint64_t t = s.ld.ttbr0 & UINT64_C(0xfffffffff000);
    bool path_ok = true;
    for (int lv = geo0.start; lv < 3; lv++) {
        uint64_t d = rd64(t);
        path_ok &= (d & 3) == 3 && !(d & (UINT64_C(3) << 59));
        t = d & UINT64_C(0xfffffffff000);
    }
    uint64_t leaf = rd64(t);
    tap_ok(path_ok, "a64-4k: the code path's table descriptors (start level %d) have no PXNTable/UXNTable",
           geo0.start);
    /* page [1:0] 11, AP[2:1] [7:6] = 10, SH [9:8] = 11, AF [10], UXN [54], PXN [53] = 0, OA 0:
     * 0x3 | 0x80 | 0x300 | 0x400 = 0x783, plus bit 54; AttrIndx [4:2] and nG [11] are random */
    tap_is(leaf & ~UINT64_C(0x081c), UINT64_C(0x0040000000000783), "a64-4k: the code page descriptor 0x0040000000000783 (AttrIndx, nG masked)");
    tap_is(s.ld.tcr & (UINT64_C(3) << 14), 0, "a64-4k: TG0 = 00 (4K)");
    tap_ok(((s.ld.tcr >> 30) & 3) == 2 || ((s.ld.tcr >> 30) & 3) == 0, "a64-4k: TG1 = 10 (4K) or the reserved 00");
    tap_is(s.ld.sctlr & UINT64_C(0x30d00801), UINT64_C(0x30d00801), "a64-4k: SCTLR_EL1 has M and the RES1 bits");
    tg_free(g);
}

static void test_pattern(void)
{
    uint64_t bad = 0, dup = 0, prev = tg_pattern(0);
    for (uint64_t pa = 0; pa < 0x100000; pa += 8) {
        uint64_t v = tg_pattern(pa);
        bad += tg_pattern_inverse(v) != pa;
        dup += pa && v == prev;
        prev = v;
    }
    tap_is(bad, 0, "pattern: the inverse gives back each PA of the first MiB");
    tap_is(dup, 0, "pattern: neighbouring words differ");
    tap_is(tg_pattern_inverse(tg_pattern(UINT64_C(0x7ffffff8))), UINT64_C(0x7ffffff8), "pattern: the last word of 2 GiB");
}

int main(void)
{
    tg_default_layout(&L);
    ram = mmap(NULL, L.ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED)
        return 1;
    physmem_add(&pm, L.ram_base, L.ram_size, ram);
    test_names();
    test_deterministic();
    test_window();
    test_deviations();
    test_hand_checked();
    test_pattern();
    return tap_done();
}
