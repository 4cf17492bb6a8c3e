/* Random translation-table sets for differential tests (see table_gen.h).
 *
 * Descriptor formats are the ARM ARM's: DDI 0406C B3.5.1 (short descriptors, Figures B3-4/B3-5),
 * B3.6.1/B3.6.2 (LPAE long descriptors) and DDI 0487 D5.3 (AArch64, VMSAv8-64 descriptors);
 * the walk geometry (granule, TxSZ, start level) is DDI 0487 D5.2 and DDI 0406C B3.6.6.
 *
 * EXCLUDED BY DEFAULT: table sets on which the ARM ARM and Unicorn 2.0.1 (whose walker is QEMU 5.0's
 * target/arm/helper.c get_phys_addr_v6 / get_phys_addr_lpae) are known to disagree. Each one is a
 * TG_DEV_* category, generated only with include_deviations, and measured by `mmuscope xcheck
 * --include-deviations` (counts in docs/xcheck.md):
 *   block-level   A block descriptor at level 0 with the 4K granule, or at level 0/1 with 16K and
 *                 level 1 with 64K. ARMv8.0 (no FEAT_LPA/LPA2) defines blocks only at levels 1-2
 *                 (4K) and 2 (16K/64K); elsewhere the entry is invalid: Translation fault (DDI 0487
 *                 D5.3.1). QEMU 5.0 accepts a block at any level below 3.
 *   address-size  A TTBR, table or output address with bits set at or above the output size
 *                 (min(TCR.IPS, PARange) for AArch64; 40 bits for LPAE): an Address size fault
 *                 (DDI 0487 AArch64.TranslationTableWalk() / AArch32.TranslationTableWalkLD(): the
 *                 TTBR, table and output address checks against the output size). QEMU 5.0
 *                 never raises one during a walk: it reads the table / accesses the address (LPAE:
 *                 bits [47:40] dropped).
 *   tg0-reserved  TCR_EL1.TG0 = 0b11, a reserved encoding; mmuscope's walker treats it as 4K, QEMU
 *                 5.0 as 64K (TG0[0] selects 64K). These sets use T0SZ = 34, where 4K and 64K
 *                 walks have the same two levels, so the identity-mapped code still runs.
 *   ttbr-va55     AArch64 VA[55] != VA[63] with TBI off for the half VA[55] names: the ARM ARM
 *                 picks the TTBR by VA[63], QEMU by VA[55]; both VAs are outside both ranges, so
 *                 the fault is a Translation fault at level 0 either way.
 *   v7-domain-order  Short descriptors: QEMU checks the domain right after the level-1 read, so
 *                 a page table in a No-access domain gives a Domain fault even when its level-2
 *                 entry is invalid or has AF = 0, a Manager domain skips the Access flag check, and
 *                 a section in a No-access domain with AF = 0 gives a Domain fault. The ARM ARM
 *                 (DDI 0406C B3.12.3 fault-checking sequence; AArch32.TranslationTableWalkSD in
 *                 DDI 0487) checks the level-2 descriptor and the Access flag first. Default sets
 *                 give No-access page tables only valid level-2 entries, and (with SCTLR.AFE) keep
 *                 AF = 1 on every entry in a No-access or Manager domain.
 *   v7-wxn        Short descriptors with SCTLR.WXN or UWXN set: QEMU's short-descriptor walker
 *                 ignores both (they apply to both formats, DDI 0406C B3.7.2); visible on fetches.
 *   v7-sctlr-xp   SCTLR written with XP [23] = 0. ARMv7 makes the bit RAO/SBOP (DDI 0406C B4.1.130:
 *                 the ARMv6 subpage format is gone); QEMU 5.0 stores it as written and then walks
 *                 with its ARMv5 (subpage AP) walker. Default sets write the ARMv7 RAO bits
 *                 0x00c50078 (Cortex-A15's reset value) with every SCTLR.
 * Also kept out of every set, because the result is architecturally UNPREDICTABLE or CONSTRAINED
 * UNPREDICTABLE (no right answer to compare with): non-zero RES0 bits in block/page output
 * addresses, misprogrammed contiguous runs (all runs are whole, aligned and uniform), supersections
 * and large pages not repeated in their 16 entries, TCR/TTBCR fields this walker does not model
 * (HPD, HA/HD, TBID, T2E), and tables outside RAM (external aborts on the walk).
 */
#include "table_gen.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * PRNG: xoshiro256** seeded by splitmix64 (Blackman & Vigna)
 * ------------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

typedef struct Region {
    uint64_t va, size;  /* canonical VA range (AArch64 TTBR1: top bits all ones) */
    uint64_t pa;        /* PA of va for leaves, TG_NO_PA otherwise */
    unsigned dev;
    bool leaf;
    uint8_t half;
} Region;

typedef struct Half {
    bool used, ttbr1;
    unsigned grain, stride, inputsize;
    int start_level;
    uint64_t va_base;        /* VA of entry 0 of the start table */
    uint64_t va_lo, va_hi;   /* reachable canonical VAs, inclusive */
    unsigned dev;            /* categories that apply to the whole half */
    bool tbi;
} Half;

struct TgGen {
    TgFormat f;
    TgLayout L;
    bool dev_on;
    uint64_t s[4];
    uint8_t *pool;
    uint64_t pool_used, pool_cap;
    TgProbe *probes;
    unsigned cap_probes;
    Region *reg;
    unsigned nreg, cap_reg;
    unsigned ntables, nleaves, set_dev, table_budget;
    Half h[2];
    unsigned oasize;         /* long descriptors: output size in force */
    bool tg0_trick;
};

static uint64_t next(TgGen *g)
{
    uint64_t *s = g->s;
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

/* uniform enough in [0, n), n > 0 */
static uint64_t rnd(TgGen *g, uint64_t n)
{
    return n ? next(g) % n : 0;
}

static bool chance(TgGen *g, unsigned percent)
{
    return rnd(g, 100) < percent;
}

/* ---------------------------------------------------------------------------
 * Pattern: splitmix64's finaliser is a bijection of 64-bit values
 * ------------------------------------------------------------------------- */

#define PAT_KEY UINT64_C(0x6d6d7573636f7065) /* "mmuscope" */
#define M1 UINT64_C(0xbf58476d1ce4e5b9)
#define M2 UINT64_C(0x94d049bb133111eb)

uint64_t tg_pattern(uint64_t pa)
{
    uint64_t z = pa ^ PAT_KEY;
    z = (z ^ (z >> 30)) * M1;
    z = (z ^ (z >> 27)) * M2;
    return z ^ (z >> 31);
}

static uint64_t unxorshift(uint64_t y, unsigned s)
{
    uint64_t x = y;
    for (unsigned i = s; i < 64; i += s)
        x = y ^ (x >> s);
    return x;
}

/* the multiplicative inverse of an odd number mod 2^64 (Newton: x <- x(2 - ax)) */
static uint64_t inv_odd(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

uint64_t tg_pattern_inverse(uint64_t v)
{
    uint64_t z = unxorshift(v, 31);
    z = unxorshift(z * inv_odd(M2), 27);
    z = unxorshift(z * inv_odd(M1), 30);
    return z ^ PAT_KEY;
}

/* ---------------------------------------------------------------------------
 * Names and layout
 * ------------------------------------------------------------------------- */

static const char *const format_names[TG_FORMAT_COUNT] = {"v7", "lpae", "a64-4k", "a64-16k", "a64-64k"};

const char *tg_format_name(TgFormat f)
{
    return (unsigned)f < TG_FORMAT_COUNT ? format_names[f] : "?";
}

int tg_format_parse(const char *name)
{
    for (int i = 0; i < TG_FORMAT_COUNT; i++)
        if (name && !strcmp(name, format_names[i]))
            return i;
    return -1;
}

const char *tg_deviation_name(unsigned i)
{
    static const char *const n[TG_DEV_COUNT] = {"block-level",     "address-size", "tg0-reserved", "ttbr-va55",
                                                "v7-domain-order", "v7-wxn",       "v7-sctlr-xp"};
    return i < TG_DEV_COUNT ? n[i] : "?";
}

void tg_default_layout(TgLayout *l)
{
    memset(l, 0, sizeof *l);
    l->ram_base = 0;
    l->ram_size = UINT64_C(0x80000000);
    l->code_pa = 0;
    l->code_size = 0x1000;
    l->reserved_va_end = 0x200000;
    l->pool_pa = 0x1000000;
    l->pool_size = 0x1000000;
    l->data_lo = 0x2000000;
    l->data_hi = UINT64_C(0x80000000);
}

/* ---------------------------------------------------------------------------
 * Pool and regions
 * ------------------------------------------------------------------------- */

/* PA of a zeroed, aligned block of the pool, or 0 when full */
static uint64_t pool_alloc(TgGen *g, uint64_t size, uint64_t align)
{
    uint64_t off = (g->pool_used + align - 1) & ~(align - 1);
    if (off + size > g->pool_cap)
        return 0;
    g->pool_used = off + size;
    return g->L.pool_pa + off;
}

static void put64(TgGen *g, uint64_t pa, uint64_t v)
{
    uint8_t *p = g->pool + (pa - g->L.pool_pa);
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put32(TgGen *g, uint64_t pa, uint32_t v)
{
    uint8_t *p = g->pool + (pa - g->L.pool_pa);
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get64(TgGen *g, uint64_t pa)
{
    const uint8_t *p = g->pool + (pa - g->L.pool_pa);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

/* Records a mapping (leaf), an invalid entry or a table reached through a deviation, clipped to the
 * VAs that reach it through its TTBR (an LPAE TTBR1 walk with T1SZ = 0 starts above TTBR0's range) */
static void add_region(TgGen *g, uint64_t va, uint64_t size, uint64_t pa, bool leaf, unsigned dev, int half)
{
    const Half *h = &g->h[half];
    uint64_t last = va + (size - 1);
    if (last < h->va_lo || va > h->va_hi)
        return;
    if (va < h->va_lo) {
        if (pa != TG_NO_PA)
            pa += h->va_lo - va;
        size -= h->va_lo - va;
        va = h->va_lo;
    }
    if (last > h->va_hi)
        size -= last - h->va_hi;
    if (g->nreg == g->cap_reg) {
        unsigned cap = g->cap_reg ? 2 * g->cap_reg : 1024;
        Region *r = realloc(g->reg, cap * sizeof *r);
        if (!r)
            return; /* the region is then only reachable by random probes */
        g->reg = r;
        g->cap_reg = cap;
    }
    g->reg[g->nreg++] = (Region){va, size, pa, dev, leaf, (uint8_t)half};
}

/* A random aligned PA for a mapping of `size` bytes inside the data window; false when none fits */
static bool pick_oa(TgGen *g, uint64_t size, uint64_t *pa)
{
    uint64_t lo = (g->L.data_lo + size - 1) & ~(size - 1);
    if (lo >= g->L.data_hi || g->L.data_hi - lo < size)
        return false;
    uint64_t slots = (g->L.data_hi - lo) / size;
    *pa = lo + rnd(g, slots) * size;
    return true;
}

/* ---------------------------------------------------------------------------
 * ARMv7 short descriptors (DDI 0406C B3.5.1)
 * ------------------------------------------------------------------------- */

#define V7_AFE (1u << 29)
#define V7_TRE (1u << 28)
#define V7_SCTLR_RES1 0x00c50078u

typedef struct V7Ctx {
    bool afe;
    uint32_t dacr;
} V7Ctx;

static unsigned v7_domain_kind(const V7Ctx *c, unsigned d) /* 0 no access, 1 client, 3 manager */
{
    unsigned v = (c->dacr >> (2 * d)) & 3u;
    return v == 2 ? 0 : v;
}

/* AP[2:0] with AP[0] the Access flag when AFE; af_ok false forces AF = 1 */
static uint32_t v7_ap(TgGen *g, const V7Ctx *c, bool allow_af0, bool *af0)
{
    uint32_t ap = (uint32_t)rnd(g, 8);
    *af0 = false;
    if (c->afe) {
        if (allow_af0 && chance(g, 12)) {
            ap &= ~1u;
            *af0 = true;
        } else {
            ap |= 1u;
        }
    }
    return ap;
}

/* Whether an entry in domain d with AF = 0 is a deviation (QEMU checks the domain first, and a
 * Manager domain skips the Access flag check) */
static bool v7_af0_deviates(const V7Ctx *c, unsigned d)
{
    unsigned k = v7_domain_kind(c, d);
    return k == 0 || k == 3;
}

static uint32_t v7_section(TgGen *g, const V7Ctx *c, uint32_t pa, unsigned dom, bool super, unsigned *dev)
{
    bool af0;
    bool allow = !c->afe || !v7_af0_deviates(c, super ? 0 : dom) || g->dev_on;
    uint32_t ap = v7_ap(g, c, allow, &af0);
    if (af0 && v7_af0_deviates(c, super ? 0 : dom))
        *dev |= TG_DEV_V7_DOMAIN;
    uint32_t d = 2u | (uint32_t)rnd(g, 2) /* PXN */ | (uint32_t)rnd(g, 2) << 2 /* B */ |
                 (uint32_t)rnd(g, 2) << 3 /* C */ | (uint32_t)chance(g, 30) << 4 /* XN */ |
                 (uint32_t)rnd(g, 2) << 9 /* IMP */ | (ap & 3u) << 10 | (uint32_t)rnd(g, 8) << 12 /* TEX */ |
                 (ap >> 2) << 15 | (uint32_t)rnd(g, 2) << 16 /* S */ | (uint32_t)rnd(g, 2) << 17 /* nG */ |
                 (uint32_t)rnd(g, 2) << 19 /* NS */;
    if (super) /* [18] = 1; PA[31:24]; PA[39:32] ([23:20], [8:5]) zero: the PA stays in RAM */
        return d | 1u << 18 | (pa & 0xff000000u);
    return d | dom << 5 | (pa & 0xfff00000u);
}

/* Level-2 entry: small page (4K) or one of a large page's 16 copies. */
static uint32_t v7_page(TgGen *g, const V7Ctx *c, uint32_t pa, bool large, bool allow_af0, bool *af0)
{
    uint32_t ap = v7_ap(g, c, allow_af0, af0);
    uint32_t common = (uint32_t)rnd(g, 2) << 2 | (uint32_t)rnd(g, 2) << 3 | (ap & 3u) << 4 | (ap >> 2) << 9 |
                      (uint32_t)rnd(g, 2) << 10 | (uint32_t)rnd(g, 2) << 11;
    if (large) /* [1:0] 01, SBZ [8:6], TEX [14:12], XN [15] */
        return 1u | common | (uint32_t)rnd(g, 8) << 12 | (uint32_t)chance(g, 30) << 15 | (pa & 0xffff0000u);
    /* [1] 1, XN [0], TEX [8:6] */
    return 2u | (uint32_t)chance(g, 30) | common | (uint32_t)rnd(g, 8) << 6 | (pa & 0xfffff000u);
}

/* A page table for the 1MB at va in domain dom: returns the L1 descriptor, or 0 when the pool is full */
static uint32_t v7_page_table(TgGen *g, const V7Ctx *c, uint32_t va, unsigned dom, int half)
{
    uint64_t t = pool_alloc(g, 1024, 1024);
    if (!t)
        return 0;
    g->ntables++;
    bool noacc = v7_domain_kind(c, dom) == 0;
    bool af0_dev = c->afe && v7_af0_deviates(c, dom);
    unsigned tdev = 0;
    /* default: a No-access page table has no invalid entry (QEMU would report its Domain fault) */
    bool fill_all = noacc && !g->dev_on;
    if (noacc && !fill_all)
        tdev = TG_DEV_V7_DOMAIN; /* its empty entries are probed through the container region */
    if (tdev)
        add_region(g, va, 0x100000, TG_NO_PA, false, tdev, half);
    for (unsigned i = 0; i < 256;) {
        if (!fill_all && !chance(g, 45)) {
            i++;
            continue;
        }
        uint32_t pva = va | i << 12;
        unsigned roll = (unsigned)rnd(g, 100);
        bool af0;
        unsigned dev = tdev;
        if (roll < 25 && (i & 15u) == 0) { /* large page: 16 identical entries (B3.5.1) */
            uint64_t pa;
            if (pick_oa(g, 0x10000, &pa)) {
                uint32_t d = v7_page(g, c, (uint32_t)pa, true, !af0_dev || g->dev_on, &af0);
                if (af0 && af0_dev)
                    dev |= TG_DEV_V7_DOMAIN;
                for (unsigned k = 0; k < 16; k++)
                    put32(g, t + 4 * (i + k), d);
                add_region(g, pva, 0x10000, pa, true, dev, half);
                g->nleaves++;
                i += 16;
                continue;
            }
        }
        if (roll < 80 || fill_all) {
            uint64_t pa;
            if (pick_oa(g, 0x1000, &pa)) {
                uint32_t d = v7_page(g, c, (uint32_t)pa, false, !af0_dev || g->dev_on, &af0);
                if (af0 && af0_dev)
                    dev |= TG_DEV_V7_DOMAIN;
                put32(g, t + 4 * i, d);
                add_region(g, pva, 0x1000, pa, true, dev, half);
                g->nleaves++;
            }
        } else { /* invalid: [1:0] = 00, other bits random */
            put32(g, t + 4 * i, (uint32_t)next(g) & ~3u);
            add_region(g, pva, 0x1000, TG_NO_PA, false, dev | (noacc ? TG_DEV_V7_DOMAIN : 0), half);
        }
        i++;
    }
    /* [31:10] table, [9] IMP, [8:5] domain, [4] SBZ, [3] NS, [2] PXN, [1:0] 01 */
    return (uint32_t)t | (uint32_t)rnd(g, 2) << 9 | dom << 5 | (uint32_t)rnd(g, 2) << 3 |
           (uint32_t)chance(g, 20) << 2 | 1u;
}

/* Fills `count` random entries of the L1 table at t (entries [lo, hi) reachable) */
static void v7_fill_l1(TgGen *g, const V7Ctx *c, uint64_t t, unsigned lo, unsigned hi, unsigned count, int half)
{
    bool *used = calloc(4096, 1);
    if (!used)
        return;
    for (unsigned n = 0; n < count && lo < hi;) {
        unsigned i = lo + (unsigned)rnd(g, hi - lo);
        unsigned run = 1 + (unsigned)rnd(g, 4); /* runs of neighbours: edges between entries */
        for (; run && i < hi && n < count; run--, i++, n++) {
            if (used[i])
                continue;
            uint32_t va = i << 20;
            unsigned roll = (unsigned)rnd(g, 100);
            unsigned dom = (unsigned)rnd(g, 16);
            unsigned dev = 0;
            uint64_t pa;
            unsigned base = i & ~15u;
            bool room = base >= lo && base + 16 <= hi;
            for (unsigned k = 0; room && k < 16; k++)
                room = !used[base + k];
            if (roll < 10 && room && pick_oa(g, 0x1000000, &pa)) { /* supersection, 16 copies */
                uint32_t d = v7_section(g, c, (uint32_t)pa, 0, true, &dev);
                for (unsigned k = 0; k < 16; k++) {
                    put32(g, t + 4 * (base + k), d);
                    used[base + k] = true;
                }
                add_region(g, (uint64_t)base << 20, 0x1000000, pa, true, dev, half);
                g->nleaves++;
            } else if (roll < 45 && pick_oa(g, 0x100000, &pa)) {
                put32(g, t + 4 * i, v7_section(g, c, (uint32_t)pa, dom, false, &dev));
                add_region(g, va, 0x100000, pa, true, dev, half);
                used[i] = true;
                g->nleaves++;
            } else if (roll < 82 && g->ntables < g->table_budget) {
                uint32_t d = v7_page_table(g, c, va, dom, half);
                if (d) {
                    put32(g, t + 4 * i, d);
                    used[i] = true;
                }
            } else { /* invalid: [1:0] = 00 */
                put32(g, t + 4 * i, (uint32_t)next(g) & ~3u);
                add_region(g, va, 0x100000, TG_NO_PA, false, 0, half);
                used[i] = true;
            }
        }
    }
    free(used);
}

static bool gen_v7(TgGen *g, TgSet *s)
{
    V7ShortRegs *r = &s->v7;
    memset(r, 0, sizeof *r);
    unsigned n = chance(g, 35) ? 0 : 1 + (unsigned)rnd(g, 7);
    r->ttbcr = n;
    if (n && chance(g, 10))
        r->ttbcr |= 1u << 5; /* PD1 */
    /* DACR: D0 (code, supersections) Client or Manager; the others any of the four */
    static const uint32_t dk[10] = {0, 0, 1, 1, 1, 1, 1, 2, 3, 3};
    uint32_t dacr = chance(g, 70) ? 1u : 3u;
    for (unsigned d = 1; d < 16; d++)
        dacr |= dk[rnd(g, 10)] << (2 * d);
    r->dacr = dacr;
    /* Cortex-A15's reset value 0x00c50078 holds the bits ARMv7 defines as RAO/RES1 (XP [23], U [22],
     * [18], [16], [6:3]); written as zero, QEMU 5.0 keeps XP = 0 and walks with the ARMv5 format */
    r->sctlr = V7_SCTLR_RES1 | SCTLR_M | (chance(g, 50) ? V7_AFE : 0) | (chance(g, 50) ? V7_TRE : 0) |
               (chance(g, 50) ? SCTLR_C : 0) | (1u << 12) * (unsigned)rnd(g, 2);
    if (g->dev_on && chance(g, 30)) {
        r->sctlr |= (chance(g, 60) ? SCTLR_WXN : 0) | (chance(g, 60) ? SCTLR_UWXN : 0);
        if (r->sctlr & (SCTLR_WXN | SCTLR_UWXN))
            g->set_dev |= TG_DEV_V7_WXN;
    }
    if (g->dev_on && chance(g, 10)) {
        r->sctlr &= ~(1u << 23); /* XP */
        g->set_dev |= TG_DEV_V7_XP;
    }
    r->prrr = (uint32_t)next(g);
    r->nmrr = (uint32_t)next(g);
    r->contextidr = (uint32_t)next(g);
    r->has_pxn = true;
    V7Ctx c = {(r->sctlr & V7_AFE) != 0, dacr};
    g->h[0] = (Half){.used = true, .va_lo = 0, .va_hi = (UINT64_C(1) << (32 - n)) - 1};
    g->h[1] = (Half){.used = n != 0, .ttbr1 = true, .va_lo = UINT64_C(1) << (32 - n), .va_hi = 0xffffffffu};

    uint32_t size0 = 16384u >> n;
    uint64_t t0 = pool_alloc(g, size0, size0);
    uint64_t t1 = n ? pool_alloc(g, 16384, 16384) : 0;
    if (!t0 || (n && !t1))
        return false;
    g->ntables += n ? 2 : 1;
    r->ttbr0 = (uint32_t)t0 | ((uint32_t)rnd(g, 128) & 0x7fu); /* [6:0]: walk attributes */
    r->ttbr1 = n ? (uint32_t)t1 | ((uint32_t)rnd(g, 128) & 0x7fu) : (uint32_t)rnd(g, 0x80);
    /* the code: a section VA 0 -> PA 0, domain 0, AP[2:0] = 101 (PL1 read-only; with AFE the
     * same bits are AP[2:1] = 10, AF = 1), XN = 0, PXN = 0, Normal write-back */
    put32(g, t0, 0u | 1u << 15 | 1u << 10 | 0x0cu | 2u);
    unsigned lo0 = (unsigned)((g->L.reserved_va_end + 0xfffff) >> 20), hi0 = 4096u >> n;
    v7_fill_l1(g, &c, t0, lo0, hi0, 16 + (unsigned)rnd(g, 24), 0);
    if (n)
        v7_fill_l1(g, &c, t1, hi0, 4096, 16 + (unsigned)rnd(g, 24), 1);
    return true;
}

/* ---------------------------------------------------------------------------
 * Long descriptors: LPAE (DDI 0406C B3.6) and AArch64 (DDI 0487 D5)
 * ------------------------------------------------------------------------- */

#define D_AF (UINT64_C(1) << 10)
#define D_CONTIG (UINT64_C(1) << 52)

static unsigned level_shift(const Half *h, int level)
{
    return h->grain + (unsigned)(3 - level) * h->stride;
}

static unsigned level_bits(const Half *h, int level)
{
    unsigned lo = level_shift(h, level), hi = lo + h->stride;
    if (hi > h->inputsize)
        hi = h->inputsize;
    return hi - lo;
}

/* ARMv8.0 / LPAE block levels: 4K at 1 and 2, 16K and 64K at 2 only */
static bool block_allowed(const Half *h, int level)
{
    return h->grain == 12 ? (level == 1 || level == 2) : level == 2;
}

static bool is_a64(const TgGen *g)
{
    return g->f >= TG_A64_4K;
}

/* Entries of a contiguous run (DDI 0487 D5.3.3 / DDI 0406C B3.6.1): 16 for 4K; 16K: 128 at
 * level 3, 32 at level 2; 64K: 32 */
static unsigned contig_run(const Half *h, int level)
{
    if (h->grain == 12)
        return 16;
    if (h->grain == 14)
        return level == 3 ? 128 : 32;
    return 32;
}

/* Leaf (block or page) descriptor without its output address */
static uint64_t leaf_attrs(TgGen *g, int level, bool af)
{
    uint64_t d = 1u | (level == 3 ? 2u : 0u);
    d |= rnd(g, 8) << 2;            /* AttrIndx */
    d |= rnd(g, 2) << 5;            /* NS */
    d |= rnd(g, 4) << 6;            /* AP[2:1] */
    d |= rnd(g, 4) << 8;            /* SH */
    d |= af ? D_AF : 0;
    d |= rnd(g, 2) << 11;           /* nG */
    d |= (uint64_t)chance(g, 20) << 53; /* PXN */
    d |= (uint64_t)chance(g, 25) << 54; /* UXN / XN */
    d |= rnd(g, 16) << 55;          /* software use */
    return d;
}

/* Table descriptor attributes: APTable, XNTable/UXNTable, PXNTable, NSTable, ignored bits */
static uint64_t table_attrs(TgGen *g, bool code_path)
{
    uint64_t d = 3u;
    d |= (next(g) & 0x3ff) << 2;               /* [11:2] ignored */
    d |= (next(g) & 0x7f) << 52;               /* [58:52] ignored */
    if (!code_path && chance(g, 15))
        d |= UINT64_C(1) << 59;                /* PXNTable */
    if (!code_path && chance(g, 15))
        d |= UINT64_C(1) << 60;                /* UXNTable / XNTable (LPAE: XN at PL1 too) */
    if (chance(g, 30))
        d |= (1 + rnd(g, 3)) << 61;            /* APTable */
    if (chance(g, 10))
        d |= UINT64_C(1) << 63;                /* NSTable */
    return d;
}

/* A random 8-byte-aligned address bit at or above the output size (address-size deviation) */
static uint64_t oa_high_bit(TgGen *g)
{
    unsigned top = 47;
    unsigned b = g->oasize + (unsigned)rnd(g, top - g->oasize + 1);
    return UINT64_C(1) << b;
}

static void build_table(TgGen *g, int hi, int level, uint64_t t, uint64_t va_base, unsigned dev, bool code_path);

/* A block or page descriptor at ea for PA pa (AF set 90% of the time); with deviations on, in
 * size_pct% of cases an output address beyond the output size (an address-size fault). */
static void put_leaf(TgGen *g, uint64_t ea, uint64_t va, uint64_t span, int hi, int level, uint64_t pa,
                     unsigned dev, unsigned size_pct)
{
    uint64_t d = leaf_attrs(g, level, chance(g, 90));
    uint64_t oa = pa;
    if (g->dev_on && chance(g, size_pct)) {
        oa |= oa_high_bit(g);
        dev |= TG_DEV_ADDR_SIZE;
    }
    put64(g, ea, d | oa);
    add_region(g, va, span, oa, true, dev, hi);
    g->nleaves++;
}

/* One entry at index i of the table at t (level, VA of the entry va, span bytes) */
static void build_entry(TgGen *g, int hi, int level, uint64_t t, unsigned i, uint64_t va, unsigned dev)
{
    Half *h = &g->h[hi];
    unsigned shift = level_shift(h, level);
    uint64_t span = UINT64_C(1) << shift;
    uint64_t ea = t + 8u * i;
    unsigned roll = (unsigned)rnd(g, 100);
    if (level < 3) {
        unsigned ptable = level == 0 ? 75 : level == 1 ? 45 : 35;
        if (roll < ptable && g->ntables < g->table_budget) {
            uint64_t gs = UINT64_C(1) << h->grain;
            uint64_t nt = pool_alloc(g, gs, gs);
            if (nt) {
                unsigned tdev = dev;
                uint64_t addr = nt;
                if (g->dev_on && chance(g, 4)) {
                    addr |= oa_high_bit(g) & ~(gs - 1);
                    tdev |= TG_DEV_ADDR_SIZE;
                }
                g->ntables++;
                put64(g, ea, table_attrs(g, false) | addr);
                if (tdev)
                    add_region(g, va, span, TG_NO_PA, false, tdev, hi);
                build_table(g, hi, level + 1, nt, va, tdev, false);
                return;
            }
        }
        roll = (unsigned)rnd(g, 100);
        bool allowed = block_allowed(h, level);
        uint64_t pa = 0;
        if (allowed && roll < 55 && pick_oa(g, span, &pa)) {
            put_leaf(g, ea, va, span, hi, level, pa, dev, 5);
            return;
        }
        if (!allowed && g->dev_on && roll < 30) {
            /* a block where the granule has none: aligned to its (huge) size, so at PA 0 */
            uint64_t d = leaf_attrs(g, level, true);
            put64(g, ea, d);
            add_region(g, va, span, 0, true, dev | TG_DEV_BLOCK_LEVEL, hi);
            g->nleaves++;
            return;
        }
        put64(g, ea, next(g) & ~UINT64_C(1)); /* invalid: bit 0 = 0 */
        add_region(g, va, span, TG_NO_PA, false, dev, hi);
        return;
    }
    uint64_t pa;
    if (roll < 75 && pick_oa(g, span, &pa)) {
        put_leaf(g, ea, va, span, hi, 3, pa, dev, 4);
        return;
    }
    if (roll < 88) /* 0b01 at level 3: reserved, invalid */
        put64(g, ea, (next(g) & ~UINT64_C(3)) | 1u);
    else
        put64(g, ea, next(g) & ~UINT64_C(1));
    add_region(g, va, span, TG_NO_PA, false, dev, hi);
}

/* A whole, aligned, uniform contiguous run of `run` leaves starting at index i */
static void build_contig(TgGen *g, int hi, int level, uint64_t t, unsigned i, unsigned run, uint64_t va_base,
                         unsigned dev)
{
    Half *h = &g->h[hi];
    unsigned shift = level_shift(h, level);
    uint64_t span = UINT64_C(1) << shift, pa;
    if (!pick_oa(g, span * run, &pa))
        return;
    uint64_t d = leaf_attrs(g, level, chance(g, 90)) | D_CONTIG;
    for (unsigned k = 0; k < run; k++) {
        put64(g, t + 8u * (i + k), d | (pa + k * span));
        g->nleaves++;
    }
    add_region(g, va_base + (uint64_t)i * span, span * run, pa, true, dev, hi);
}

static bool entry_reachable(const TgGen *g, const Half *h, uint64_t va, uint64_t span)
{
    uint64_t last = va + (span - 1);
    if (last < h->va_lo || va > h->va_hi)
        return false;
    if (!h->ttbr1 && va < g->L.reserved_va_end) /* the reserved low VAs (the code) */
        return false;
    return true;
}

static void build_table(TgGen *g, int hi, int level, uint64_t t, uint64_t va_base, unsigned dev, bool code_path)
{
    Half *h = &g->h[hi];
    unsigned nbits = level_bits(h, level), shift = level_shift(h, level);
    uint64_t n = UINT64_C(1) << nbits, span = UINT64_C(1) << shift;
    /* the code path: entry 0 of every level down to a level-3 page VA 0 -> PA 0 */
    if (code_path) {
        if (level < 3) {
            uint64_t gs = UINT64_C(1) << h->grain;
            /* tg0-reserved sets: 64K-aligned, so the 64K reading of TTBR0 finds the same entries */
            uint64_t align = g->tg0_trick ? 0x10000 : gs;
            uint64_t nt = pool_alloc(g, gs, align);
            if (!nt)
                return;
            g->ntables++;
            put64(g, t, table_attrs(g, true) | nt);
            build_table(g, hi, level + 1, nt, va_base, dev, true);
        } else {
            /* AP[2:1] = 10: EL1/PL1 read-only, no EL0 access; AF; PXN = 0; AArch64 UXN (bit 54 is
             * XN at every PL in LPAE, so 0 there) */
            uint64_t d = 3u | rnd(g, 8) << 2 | UINT64_C(2) << 6 | UINT64_C(3) << 8 | D_AF | rnd(g, 2) << 11 |
                         (uint64_t)is_a64(g) << 54;
            put64(g, t, d | g->L.code_pa);
        }
    }
    /* contiguous runs: sometimes one per table where leaves of this size exist */
    if ((level == 3 || block_allowed(h, level)) && chance(g, 20)) {
        unsigned run = contig_run(h, level);
        if (run <= n) {
            unsigned i = (unsigned)rnd(g, n / run) * run;
            bool ok = true;
            for (unsigned k = 0; k < run && ok; k++)
                ok = entry_reachable(g, h, va_base + (uint64_t)(i + k) * span, span) && get64(g, t + 8u * (i + k)) == 0 &&
                     !(code_path && i + k == 0);
            if (ok)
                build_contig(g, hi, level, t, i, run, va_base, dev);
        }
    }
    unsigned want = level == h->start_level ? 6 + (unsigned)rnd(g, 14) : 3 + (unsigned)rnd(g, 12);
    for (unsigned tries = 0, made = 0; made < want && tries < 4 * want; tries++) {
        unsigned i = (unsigned)rnd(g, n);
        unsigned run = 1 + (unsigned)rnd(g, 3); /* neighbours: edges between entries */
        for (; run && i < n && made < want; run--, i++) {
            uint64_t va = va_base + (uint64_t)i * span;
            if ((code_path && i == 0) || !entry_reachable(g, h, va, span) || get64(g, t + 8u * i) != 0)
                continue;
            build_entry(g, hi, level, t, i, va, dev);
            made++;
        }
    }
}

/* T0SZ/T1SZ (16..39) for a walk starting at `level` with this granule; false when none */
static bool pick_tsz(TgGen *g, unsigned grain, int level, unsigned *tsz)
{
    unsigned stride = grain - 3, list[24], k = 0;
    for (unsigned t = 16; t <= 39; t++)
        if (4 - (int)((64 - t - 4) / stride) == level)
            list[k++] = t;
    if (!k)
        return false;
    *tsz = list[rnd(g, k)];
    return true;
}

static void set_half(Half *h, bool ttbr1, unsigned grain, unsigned inputsize)
{
    h->ttbr1 = ttbr1;
    h->grain = grain;
    h->stride = grain - 3;
    h->inputsize = inputsize;
    h->start_level = 4 - (int)((inputsize - 4) / h->stride);
}

static bool gen_long(TgGen *g, TgSet *s)
{
    LongDescRegs *r = &s->ld;
    memset(r, 0, sizeof *r);
    memset(g->h, 0, sizeof g->h);
    r->pa_range_bits = 40; /* Cortex-A53 (ID_AA64MMFR0_EL1.PARange 0b0010) and Cortex-A15 (LPAE) */
    g->tg0_trick = false;
    if (is_a64(g)) {
        unsigned grain = g->f == TG_A64_4K ? 12 : g->f == TG_A64_16K ? 14 : 16;
        static const int lv_lo[3] = {0, 0, 1}, lv_hi[3] = {2, 3, 3}; /* 4K, 16K, 64K start levels */
        unsigned gi = grain == 12 ? 0 : grain == 14 ? 1 : 2;
        unsigned t0 = 25, t1 = 25;
        pick_tsz(g, grain, lv_lo[gi] + (int)rnd(g, (uint64_t)(lv_hi[gi] - lv_lo[gi] + 1)), &t0);
        pick_tsz(g, grain, lv_lo[gi] + (int)rnd(g, (uint64_t)(lv_hi[gi] - lv_lo[gi] + 1)), &t1);
        uint64_t tg0 = grain == 12 ? 0 : grain == 14 ? 2 : 1;
        uint64_t tg1 = grain == 12 ? 2 : grain == 14 ? 1 : 3;
        if (grain == 12 && chance(g, 10))
            tg1 = 0; /* reserved: 4K for both mmuscope and QEMU */
        if (grain == 12 && g->dev_on && chance(g, 15)) {
            tg0 = 3;      /* reserved: 64K for QEMU, 4K for mmuscope */
            t0 = 34;      /* inputsize 30: two levels (2, 3) for both 4K and 64K */
            g->tg0_trick = true;
            g->h[0].dev |= TG_DEV_TG0_RESERVED;
            g->set_dev |= TG_DEV_TG0_RESERVED;
        }
        uint64_t tcr = t0 | (next(g) & 0x3f00) /* IRGN0 ORGN0 SH0 */ | tg0 << 14 | (uint64_t)t1 << 16 |
                       rnd(g, 2) << 22 /* A1 */ | (uint64_t)chance(g, 8) << 23 /* EPD1 */ |
                       (next(g) & 0x3f000000) /* IRGN1 ORGN1 SH1 */ | tg1 << 30 | rnd(g, 6) << 32 /* IPS */ |
                       rnd(g, 2) << 36 /* AS */ | (uint64_t)chance(g, 25) << 37 | (uint64_t)chance(g, 25) << 38;
        r->regime = Ld_AArch64;
        r->tcr = tcr;
        static const unsigned ips_bits[8] = {32, 36, 40, 42, 44, 48, 48, 48};
        unsigned ips = ips_bits[(tcr >> 32) & 7];
        g->oasize = ips < 40 ? ips : 40;
        r->sctlr = UINT64_C(0x30d00800) | 1u | (chance(g, 50) ? 4u : 0) | (chance(g, 50) ? 0x1000u : 0) |
                   (chance(g, 30) ? LD_SCTLR_WXN : 0);
        set_half(&g->h[0], false, grain, 64 - t0);
        set_half(&g->h[1], true, grain, 64 - t1);
        g->h[0].used = g->h[1].used = true;
        g->h[0].va_lo = 0;
        g->h[0].va_hi = (UINT64_C(1) << g->h[0].inputsize) - 1;
        g->h[0].va_base = 0;
        g->h[1].va_lo = g->h[1].va_base = ~UINT64_C(0) << g->h[1].inputsize;
        g->h[1].va_hi = ~UINT64_C(0);
        g->h[0].tbi = (tcr >> 37) & 1;
        g->h[1].tbi = (tcr >> 38) & 1;
    } else {
        unsigned t0 = chance(g, 40) ? 0 : (unsigned)rnd(g, 8);
        unsigned t1 = chance(g, 40) ? 0 : (unsigned)rnd(g, 8);
        bool ttbr1_used = t0 || t1;
        uint64_t tcr = UINT64_C(1) << 31 /* EAE */ | t0 | (next(g) & 0x3f00) | (uint64_t)t1 << 16 |
                       rnd(g, 2) << 22 | (uint64_t)(ttbr1_used && chance(g, 8)) << 23 | (next(g) & 0x3f000000);
        r->regime = Ld_AArch32_LPAE;
        r->tcr = tcr;
        g->oasize = 40;
        r->sctlr = V7_SCTLR_RES1 | 1u | (chance(g, 50) ? 4u : 0) | (chance(g, 30) ? LD_SCTLR_WXN : 0) |
                   (chance(g, 30) ? LD_SCTLR_UWXN : 0);
        set_half(&g->h[0], false, 12, 32 - t0);
        g->h[0].used = true;
        g->h[0].va_lo = 0;
        g->h[0].va_hi = t0 ? (UINT64_C(1) << (32 - t0)) - 1
                           : t1 ? UINT64_C(0xffffffff) - (UINT64_C(1) << (32 - t1)) : UINT64_C(0xffffffff);
        if (t1) {
            set_half(&g->h[1], true, 12, 32 - t1);
            g->h[1].va_base = g->h[1].va_lo = UINT64_C(0x100000000) - (UINT64_C(1) << (32 - t1));
        } else {
            set_half(&g->h[1], true, 12, 32);
            g->h[1].va_base = 0;
            g->h[1].va_lo = UINT64_C(1) << (32 - t0);
        }
        g->h[1].used = ttbr1_used;
        g->h[1].va_hi = UINT64_C(0xffffffff);
    }
    r->mair = next(g);
    uint64_t ttbr[2] = {0, 0};
    for (int hi = 0; hi < 2; hi++) {
        Half *h = &g->h[hi];
        if (!h->used) {
            ttbr[hi] = rnd(g, 256) << 48;
            continue;
        }
        uint64_t size = (UINT64_C(8) << level_bits(h, h->start_level));
        uint64_t align = size < 64 ? 64 : size;
        if (g->tg0_trick && hi == 0)
            align = 0x10000;
        uint64_t t = pool_alloc(g, size, align);
        if (!t)
            return false;
        g->ntables++;
        uint64_t asid = is_a64(g) ? rnd(g, 0x10000) : rnd(g, 0x100);
        uint64_t base = t;
        if (hi == 1 && is_a64(g) && g->dev_on && chance(g, 5)) {
            base |= oa_high_bit(g) & ~(align - 1);
            h->dev |= TG_DEV_ADDR_SIZE;
        }
        ttbr[hi] = asid << 48 | base;
        build_table(g, hi, h->start_level, t, h->va_base, h->dev, hi == 0);
        g->set_dev |= h->dev;
    }
    r->ttbr0 = ttbr[0];
    r->ttbr1 = ttbr[1];
    return true;
}

/* ---------------------------------------------------------------------------
 * Probes
 * ------------------------------------------------------------------------- */

static const Region *find_region(const TgGen *g, uint64_t va)
{
    const Region *best = NULL;
    for (unsigned i = 0; i < g->nreg; i++) {
        const Region *r = &g->reg[i];
        if (va - r->va < r->size && (!best || r->size < best->size))
            best = r;
    }
    return best;
}

/* AArch64: the canonical VA (the half's top bits) of a probe VA whose top byte TBI ignores */
static uint64_t canonical(const TgGen *g, uint64_t va)
{
    if (!is_a64(g))
        return va & 0xffffffffu;
    bool upper = (va >> 55) & 1;
    if (g->h[upper].tbi)
        return upper ? va | UINT64_C(0xff00000000000000) : va & UINT64_C(0x00ffffffffffffff);
    return va;
}

/* A random 8-byte-aligned VA inside [va, va + size) whose PA (pa + offset) stays in the data window
 * when it can */
static uint64_t inside(TgGen *g, const Region *r)
{
    uint64_t lo = 0, hi = r->size;
    if (r->pa != TG_NO_PA) {
        uint64_t pa_lo = r->pa & ((UINT64_C(1) << 40) - 1); /* what QEMU reads for LPAE high bits */
        if (pa_lo < g->L.data_lo && pa_lo + r->size > g->L.data_lo)
            lo = g->L.data_lo - pa_lo;
        if (pa_lo + r->size > g->L.data_hi && g->L.data_hi > pa_lo + lo)
            hi = g->L.data_hi - pa_lo;
    }
    return r->va + lo + (rnd(g, (hi - lo) >> 3) << 3);
}

static bool in_reserved(const TgGen *g, uint64_t cva)
{
    return cva < g->L.reserved_va_end;
}

/* Gives a probe VA its TBI tag (random top byte) when the half ignores it */
static uint64_t tag(TgGen *g, uint64_t cva)
{
    if (!is_a64(g))
        return cva;
    bool upper = (cva >> 55) & 1;
    if (g->h[upper].tbi && chance(g, 50))
        return (cva & UINT64_C(0x00ffffffffffffff)) | rnd(g, 256) << 56;
    return cva;
}

static uint64_t random_va(TgGen *g)
{
    if (!is_a64(g))
        return next(g) & 0xfffffff8u;
    const Half *h = &g->h[rnd(g, 2)];
    uint64_t v = h->va_lo + (rnd(g, (h->va_hi - h->va_lo) >> 3) << 3);
    if (chance(g, 10)) { /* anywhere in 64 bits, VA[55] = VA[63] (see ttbr-va55) */
        v = next(g) & ~UINT64_C(7);
        v = (v & ~(UINT64_C(1) << 55)) | ((v >> 63) << 55);
    }
    return v;
}

/* Outside both TTBR ranges, or on the edge of one */
static uint64_t gap_va(TgGen *g)
{
    if (!is_a64(g)) {
        const Half *h0 = &g->h[0];
        uint64_t e = h0->va_hi + 1; /* first VA past TTBR0 */
        switch (rnd(g, 4)) {
        case 0: return (e - 8) & 0xffffffffu;
        case 1: return e & 0xffffffffu;
        case 2: return g->h[1].used ? g->h[1].va_lo & 0xffffffffu : e & 0xfffffff8u;
        default: return (e + (rnd(g, 1u << 20) << 3)) & 0xfffffff8u;
        }
    }
    const Half *h0 = &g->h[0], *h1 = &g->h[1];
    switch (rnd(g, 6)) {
    case 0: return h0->va_hi - 7;                        /* last word of TTBR0 */
    case 1: return h0->va_hi + 1;                        /* first word past it */
    case 2: return h1->va_lo;                            /* first word of TTBR1 */
    case 3: return h1->va_lo - 8;                        /* last word before it */
    case 4: { /* TTBR0-like VA with a bit set in [54:inputsize] */
        unsigned b = h0->inputsize + (unsigned)rnd(g, 55 - h0->inputsize);
        return (UINT64_C(1) << b) | (rnd(g, UINT64_C(1) << (h0->inputsize - 3)) << 3);
    }
    default: { /* TTBR1-like VA with a bit clear in [54:inputsize] */
        unsigned b = h1->inputsize + (unsigned)rnd(g, 55 - h1->inputsize);
        return ((~UINT64_C(0) << h1->inputsize) & ~(UINT64_C(1) << b)) |
               (rnd(g, UINT64_C(1) << (h1->inputsize - 3)) << 3);
    }
    }
}

static int by_size(const void *a, const void *b)
{
    const Region *x = *(const Region *const *)a, *y = *(const Region *const *)b;
    return x->size < y->size ? -1 : x->size > y->size;
}

/* A region picked so that every mapping size is as likely as any other (a page table has 256 or
 * 512 pages, a table one block: uniform picks would almost never probe the blocks) */
static const Region *pick_balanced(TgGen *g, const Region **v, unsigned n)
{
    unsigned start[32], nclass = 0;
    for (unsigned i = 0; i < n && nclass < 32; i++)
        if (i == 0 || v[i]->size != v[i - 1]->size)
            start[nclass++] = i;
    unsigned c = (unsigned)rnd(g, nclass);
    unsigned lo = start[c], hi = c + 1 < nclass ? start[c + 1] : n;
    return v[lo + rnd(g, hi - lo)];
}

static void make_probes(TgGen *g, TgSet *s, unsigned nprobes)
{
    unsigned nleaf = 0, ninv = 0;
    for (unsigned i = 0; i < g->nreg; i++)
        g->reg[i].leaf ? nleaf++ : ninv++;
    const Region **leaves = malloc((nleaf + 1) * sizeof *leaves), **invs = malloc((ninv + 1) * sizeof *invs);
    if (!leaves || !invs) {
        free(leaves);
        free(invs);
        nleaf = ninv = 0;
    } else {
        nleaf = ninv = 0;
        for (unsigned i = 0; i < g->nreg; i++)
            if (g->reg[i].leaf)
                leaves[nleaf++] = &g->reg[i];
            else
                invs[ninv++] = &g->reg[i];
    }
    if (nleaf)
        qsort(leaves, nleaf, sizeof *leaves, by_size);
    if (ninv)
        qsort(invs, ninv, sizeof *invs, by_size);
    for (unsigned k = 0; k < nprobes; k++) {
        TgProbe *p = &g->probes[k];
        uint64_t cva = 0;
        TgProbeKind kind = TG_PROBE_RANDOM;
        unsigned extra = 0;
        for (int attempt = 0; attempt < 16; attempt++) {
            unsigned roll = (unsigned)rnd(g, 100);
            if (roll < 50 && nleaf) {
                const Region *r = pick_balanced(g, leaves, nleaf);
                cva = inside(g, r);
                kind = TG_PROBE_LEAF;
            } else if (roll < 65 && nleaf) {
                const Region *r = pick_balanced(g, leaves, nleaf);
                cva = chance(g, 50) ? r->va : r->va + r->size - 8;
                kind = TG_PROBE_EDGE;
            } else if (roll < 80 && ninv) {
                cva = inside(g, pick_balanced(g, invs, ninv));
                kind = TG_PROBE_INVALID;
            } else if (roll < 90) {
                cva = gap_va(g);
                kind = TG_PROBE_GAP;
            } else {
                cva = random_va(g);
                kind = TG_PROBE_RANDOM;
            }
            if (!in_reserved(g, canonical(g, cva)))
                break;
            cva = g->L.reserved_va_end + (rnd(g, 4096) << 3);
        }
        uint64_t va = tag(g, cva);
        if (is_a64(g) && g->dev_on && chance(g, 5)) {
            /* ttbr-va55: flip VA[55] so that it differs from VA[63] */
            va ^= UINT64_C(1) << 55;
            bool sel55 = (va >> 55) & 1;
            if (!g->h[sel55].tbi && ((va >> 55) & 1) != (va >> 63))
                extra |= TG_DEV_TTBR_VA55;
            kind = TG_PROBE_GAP;
        }
        uint64_t c = canonical(g, va);
        const Region *r = find_region(g, c);
        p->va = va;
        p->kind = kind;
        p->dev = extra | (r ? r->dev : 0);
        bool upper = is_a64(g) ? (c >> 63) & 1 : (g->h[1].used && c >= g->h[1].va_lo);
        p->dev |= g->h[upper].dev | (g->set_dev & (TG_DEV_V7_WXN | TG_DEV_V7_XP));
        p->gen_pa = r && r->leaf && !(extra & TG_DEV_TTBR_VA55) && c - r->va < r->size ? r->pa + (c - r->va)
                                                                                    : TG_NO_PA;
        if (is_a64(g) && (va >> 55 & 1) != (c >> 63 & 1))
            p->gen_pa = TG_NO_PA; /* VA[55] names the other half: outside both ranges */
        if (p->dev & TG_DEV_ADDR_SIZE)
            p->gen_pa = TG_NO_PA;
    }
    free(leaves);
    free(invs);
    s->probes = g->probes;
    s->nprobes = nprobes;
}

/* ---------------------------------------------------------------------------
 * Public entry points
 * ------------------------------------------------------------------------- */

TgGen *tg_new(TgFormat format, const TgLayout *layout, uint64_t seed, bool include_deviations)
{
    if ((unsigned)format >= TG_FORMAT_COUNT || !layout)
        return NULL;
    const TgLayout *l = layout;
    /* the code page at PA 0 (so VA == PA is low enough for every T0SZ / TTBCR.N), tables and
     * data inside RAM, the pool 64K-aligned (the largest table alignment) */
    if (l->code_pa != 0 || l->code_size == 0 || l->code_size > 0x1000 || l->ram_base != 0 ||
        l->pool_pa % 0x10000 || l->pool_size < 0x100000 || l->pool_pa + l->pool_size > l->ram_base + l->ram_size ||
        l->data_lo >= l->data_hi || l->data_hi > l->ram_base + l->ram_size || l->data_hi > UINT64_C(0x100000000) ||
        l->reserved_va_end < 0x100000 || l->reserved_va_end > 0x1000000 || l->reserved_va_end % 0x100000 ||
        l->pool_pa < l->code_pa + l->code_size || (l->data_lo < l->pool_pa + l->pool_size && l->data_hi > l->pool_pa) ||
        l->data_lo - l->data_lo % 0x100000 != l->data_lo)
        return NULL;
    TgGen *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->f = format;
    g->L = *layout;
    g->dev_on = include_deviations;
    uint64_t x = seed ^ (UINT64_C(0x9e3779b97f4a7c15) * (uint64_t)(format + 1));
    for (int i = 0; i < 4; i++)
        g->s[i] = splitmix64(&x);
    g->pool_cap = l->pool_size;
    g->pool = calloc(1, l->pool_size);
    g->cap_probes = 4096;
    g->probes = calloc(g->cap_probes, sizeof *g->probes);
    if (!g->pool || !g->probes) {
        tg_free(g);
        return NULL;
    }
    return g;
}

void tg_free(TgGen *g)
{
    if (!g)
        return;
    free(g->pool);
    free(g->probes);
    free(g->reg);
    free(g);
}

bool tg_next(TgGen *g, unsigned nprobes, TgSet *out)
{
    if (!g || !out || nprobes == 0 || nprobes > g->cap_probes)
        return false;
    memset(g->pool, 0, g->pool_used);
    g->pool_used = 0;
    g->nreg = 0;
    g->ntables = g->nleaves = 0;
    g->set_dev = 0;
    /* tables per set: about 1 MiB of pool whatever the granule */
    g->table_budget = g->f == TG_V7 ? 48 : g->f == TG_A64_64K ? 16 : g->f == TG_A64_16K ? 32 : 48;
    memset(out, 0, sizeof *out);
    out->format = g->f;
    bool ok = g->f == TG_V7 ? gen_v7(g, out) : gen_long(g, out);
    if (!ok)
        return false;
    make_probes(g, out, nprobes);
    out->pool = g->pool;
    out->pool_used = g->pool_used;
    out->dev = g->set_dev;
    for (unsigned i = 0; i < out->nprobes; i++)
        out->dev |= out->probes[i].dev;
    out->ntables = g->ntables;
    out->nleaves = g->nleaves;
    return true;
}
