/* Drawing the address-space map with SDL2's renderer API (a window's renderer, or the
 * software renderer on a surface for PNG files) and SDL2_ttf text.
 *
 * Columns: the virtual address space (regions in VA order, gaps collapsed and labelled, the
 * TTBR0 half then the TTBR1 half), the physical ranges they map to (and the table pages),
 * joined by links; on the right the table tree, the TLB structures, the counters and the
 * newest MMU events. Row heights grow with log2 of the range size, so a 4 KiB page and a
 * 1 GiB block are both readable in one picture. */
#include <SDL_image.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "map.h"

/* ---- colours ---- */
static const SDL_Color C_BG = {22, 24, 30, 255}, C_PANEL = {32, 35, 44, 255}, C_TEXT = {225, 228, 232, 255},
                       C_DIM = {150, 156, 168, 255}, C_GAP = {60, 64, 76, 255}, C_TABLE = {255, 221, 51, 255},
                       C_WARN = {255, 110, 90, 255}, C_RAM = {38, 74, 56, 255}, C_DEV = {74, 44, 92, 255},
                       C_NONE = {92, 36, 36, 255}, C_HI = {255, 255, 255, 255};

typedef struct PermClass {
    const char *label;
    SDL_Color c;
} PermClass;

enum { PC_RWX, PC_RW, PC_RX, PC_R, PC_EL0, PC_DEVICE, PC_FLAT, PC_NONE, PC_COUNT };
static const PermClass perm_classes[PC_COUNT] = {
    [PC_RWX] = {"EL1 rwx (W+X)", {226, 74, 66, 255}},  [PC_RW] = {"EL1 rw-", {66, 133, 244, 255}},
    [PC_RX] = {"EL1 r-x", {52, 178, 90, 255}},         [PC_R] = {"EL1 r--", {0, 168, 160, 255}},
    [PC_EL0] = {"EL0 accessible", {245, 170, 20, 255}}, [PC_DEVICE] = {"device memory", {176, 82, 210, 255}},
    [PC_FLAT] = {"MMU off (flat)", {120, 124, 136, 255}}, [PC_NONE] = {"no access", {84, 84, 90, 255}},
};

enum { SZ_4K, SZ_64K, SZ_1M, SZ_BIG, SZ_COUNT };
static const PermClass size_classes[SZ_COUNT] = {
    [SZ_4K] = {"4K page", {250, 250, 250, 255}},
    [SZ_64K] = {"16K/64K page", {150, 200, 255, 255}},
    [SZ_1M] = {"1M section/2M block", {255, 150, 40, 255}},
    [SZ_BIG] = {"16M..1G (super)section/block", {255, 70, 170, 255}},
};

static int perm_class(const AsRegion *r)
{
    if (r->ttbr < 0)
        return PC_FLAT;
    if (r->device)
        return PC_DEVICE;
    if (r->perms & (AS_P_EL0_R | AS_P_EL0_W | AS_P_EL0_X))
        return PC_EL0;
    bool rd = r->perms & AS_P_EL1_R, w = r->perms & AS_P_EL1_W, x = r->perms & AS_P_EL1_X;
    if (w && x)
        return PC_RWX;
    if (w)
        return PC_RW;
    if (x)
        return PC_RX;
    return rd ? PC_R : PC_NONE;
}

static int size_class(uint64_t s)
{
    if (s <= 0x1000)
        return SZ_4K;
    if (s <= 0x10000)
        return SZ_64K;
    if (s <= 0x200000)
        return SZ_1M;
    return SZ_BIG;
}

static SDL_Color region_color(const AsRegion *r)
{
    SDL_Color c = perm_classes[perm_class(r)].c;
    if (!r->af) { /* access flag clear: paler */
        c.r = (Uint8)((c.r + 255) / 2);
        c.g = (Uint8)((c.g + 255) / 2);
        c.b = (Uint8)((c.b + 255) / 2);
    }
    return c;
}

/* ---- primitives ---- */
static void set_color(SDL_Renderer *rd, SDL_Color c)
{
    SDL_SetRenderDrawColor(rd, c.r, c.g, c.b, c.a);
}

static void fill(SDL_Renderer *rd, int x, int y, int w, int h, SDL_Color c)
{
    SDL_Rect r = {x, y, w, h};
    set_color(rd, c);
    SDL_RenderFillRect(rd, &r);
}

static void frame(SDL_Renderer *rd, int x, int y, int w, int h, SDL_Color c)
{
    SDL_Rect r = {x, y, w, h};
    set_color(rd, c);
    SDL_RenderDrawRect(rd, &r);
}

/* Rendered strings are kept as textures between frames (the live window redraws mostly the
 * same text 30+ times a second); the cache belongs to one renderer and is emptied when full
 * or when the renderer changes. */
#define TEXT_CACHE 2048
typedef struct TextEntry {
    SDL_Texture *t;
    TTF_Font *f;
    SDL_Color c;
    uint32_t hash;
    int w, h;
    char s[160];
} TextEntry;
static TextEntry tcache[TEXT_CACHE];
static SDL_Renderer *tcache_owner;
static int tcache_used;

static void text_cache_clear(void)
{
    for (int i = 0; i < TEXT_CACHE; i++)
        if (tcache[i].t)
            SDL_DestroyTexture(tcache[i].t);
    memset(tcache, 0, sizeof tcache);
    tcache_used = 0;
}

void map_text_cache_release(void)
{
    text_cache_clear();
    tcache_owner = NULL;
}

static uint32_t str_hash(const char *s, const TTF_Font *f, SDL_Color c)
{
    uint32_t h = 2166136261u ^ (uint32_t)(uintptr_t)f ^ (uint32_t)(c.r << 16 | c.g << 8 | c.b);
    for (; *s; s++)
        h = (h ^ (uint8_t)*s) * 16777619u;
    return h;
}

/* Draws text at (x, y) clipped to maxw pixels (0: no clip); returns the width drawn. */
static int text(SDL_Renderer *rd, TTF_Font *f, int x, int y, int maxw, SDL_Color c, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
static int text(SDL_Renderer *rd, TTF_Font *f, int x, int y, int maxw, SDL_Color c, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!buf[0])
        return 0;
    if (tcache_owner != rd) {
        text_cache_clear();
        tcache_owner = rd;
    }
    uint32_t hsh = str_hash(buf, f, c);
    bool cacheable = strlen(buf) < sizeof tcache[0].s;
    TextEntry *e = NULL;
    if (cacheable) {
        for (unsigned i = 0; i < 8; i++) { /* open addressing, 8 probes */
            TextEntry *p = &tcache[(hsh + i) % TEXT_CACHE];
            if (p->t && p->hash == hsh && p->f == f && !memcmp(&p->c, &c, sizeof c) && !strcmp(p->s, buf)) {
                e = p;
                break;
            }
        }
    }
    SDL_Texture *t;
    int w, h;
    if (e) {
        t = e->t;
        w = e->w;
        h = e->h;
    } else {
        SDL_Surface *s = TTF_RenderUTF8_Blended(f, buf, c);
        if (!s)
            return 0;
        t = SDL_CreateTextureFromSurface(rd, s);
        w = s->w;
        h = s->h;
        SDL_FreeSurface(s);
        if (!t)
            return 0;
        if (cacheable) {
            if (tcache_used > TEXT_CACHE * 3 / 4)
                text_cache_clear();
            TextEntry *slot = NULL;
            for (unsigned i = 0; i < 8 && !slot; i++)
                if (!tcache[(hsh + i) % TEXT_CACHE].t)
                    slot = &tcache[(hsh + i) % TEXT_CACHE];
            if (slot) {
                *slot = (TextEntry){.t = t, .f = f, .c = c, .hash = hsh, .w = w, .h = h};
                snprintf(slot->s, sizeof slot->s, "%s", buf);
                tcache_used++;
                e = slot;
            }
        }
    }
    int dw = maxw > 0 && w > maxw ? maxw : w;
    SDL_Rect src = {0, 0, dw, h}, dst = {x, y, dw, h};
    SDL_RenderCopy(rd, t, &src, &dst);
    if (!e)
        SDL_DestroyTexture(t);
    return dw;
}

static void human_size(uint64_t n, char *buf, size_t len)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (u < 6 && n >= 1024 && n % 1024 == 0) {
        n /= 1024;
        u++;
    }
    if (n >= 1024 && u < 6) { /* not a round number: one decimal */
        double d = (double)n;
        while (d >= 1024 && u < 6) {
            d /= 1024;
            u++;
        }
        snprintf(buf, len, "%.1f %s", d, unit[u]);
        return;
    }
    snprintf(buf, len, "%llu %s", (unsigned long long)n, unit[u]);
}

static void fmt_va(const MapSnap *s, uint64_t va, char *buf, size_t n)
{
    if (s->a64)
        snprintf(buf, n, "0x%04llx_%04llx_%08llx", (unsigned long long)(va >> 48),
                 (unsigned long long)(va >> 32 & 0xffff), (unsigned long long)(va & 0xffffffffu));
    else
        snprintf(buf, n, "0x%08llx", (unsigned long long)va);
}

static int log2_floor(uint64_t v)
{
    int n = 0;
    while (v > 1) {
        v >>= 1;
        n++;
    }
    return n;
}

/* Row height for a range of len bytes: 18 px for 4 KiB, +4 px per doubling, at most 60 */
static int row_height(uint64_t len)
{
    int l = len ? log2_floor(len) : 32;
    int h = 18 + 4 * (l - 12);
    return h < 18 ? 18 : h > 60 ? 60 : h;
}

/* ---- the VA column ---- */
typedef struct Row {
    int kind;       /* 0 region, 1 gap, 2 TTBR header */
    int region;     /* index in as.regions */
    uint64_t a, b;  /* gap: [a, b); header: first VA of the half */
    int ttbr;
    int h, y;
} Row;

#define VA_X 16
#define VA_LABEL_W 176
#define VA_BOX_W 250
#define PA_X 660
#define PA_BOX_W 170
#define TOP 78
#define RIGHT_X 1030

static int build_va_rows(const MapSnap *s, Row *rows, int cap)
{
    int n = 0, last_ttbr = -2;
    const AsRegion *prev = NULL;
    for (int i = 0; i < s->as.nregions && n + 3 < cap; i++) {
        const AsRegion *r = &s->as.regions[i];
        if (r->ttbr != last_ttbr && r->ttbr >= 0) {
            rows[n++] = (Row){.kind = 2, .ttbr = r->ttbr, .a = r->va, .h = 22};
            prev = NULL;
        } else if (prev && prev->va + prev->length != r->va) {
            rows[n++] = (Row){.kind = 1, .a = prev->va + prev->length, .b = r->va, .ttbr = r->ttbr, .h = 16};
        }
        last_ttbr = r->ttbr;
        rows[n++] = (Row){.kind = 0, .region = i, .ttbr = r->ttbr, .h = row_height(r->length)};
        prev = r;
    }
    return n;
}

/* Lays rows out from y0 within avail pixels (scaled to fit, times zoom, minus pan). */
static void place_rows(Row *rows, int n, int y0, int avail, double zoom, int pan)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += rows[i].h;
    double sc = total > avail ? (double)avail / total : 1.0;
    sc *= zoom;
    double y = y0 - pan;
    for (int i = 0; i < n; i++) {
        int h = (int)(rows[i].h * sc);
        if (h < 2)
            h = 2;
        rows[i].y = (int)y;
        rows[i].h = h;
        y += h;
    }
}

/* ---- the PA column: the merged physical ranges of every mapping and table page ---- */
typedef struct PaRange {
    uint64_t lo, hi; /* [lo, hi) */
    int kind;        /* 0 ram, 1 device, 2 nothing */
    int y, h;
    bool gap_before;
} PaRange;

static int pa_kind(const MapSnap *s, uint64_t pa)
{
    for (int i = 0; i < s->pm_n; i++)
        if (pa >= s->pm_base[i] && pa - s->pm_base[i] < s->pm_size[i])
            return 0;
    if (s->uart_base && pa >= s->uart_base && pa < s->uart_base + 0x1000)
        return 1;
    return 2;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The PA column: every mapped range and table page, cut at each range's start and end, so
 * each piece gets its own row (log-scaled like the VA rows) and links land apart. */
static int build_pa(const MapSnap *s, PaRange *pr, int cap)
{
    static PaRange in[MAP_LAYOUT_MAX];
    static uint64_t cut[2 * MAP_LAYOUT_MAX];
    int n = 0, nc = 0;
    bool flat = s->as.nregions == 1 && s->as.regions[0].ttbr < 0;
    if (flat || !s->as.mmu_on) {
        for (int i = 0; i < s->pm_n && n < MAP_LAYOUT_MAX; i++)
            in[n++] = (PaRange){.lo = s->pm_base[i], .hi = s->pm_base[i] + s->pm_size[i]};
        if (s->uart_base && n < MAP_LAYOUT_MAX)
            in[n++] = (PaRange){.lo = s->uart_base, .hi = s->uart_base + 0x1000};
    } else {
        for (int i = 0; i < s->as.nregions && n < MAP_LAYOUT_MAX; i++)
            in[n++] = (PaRange){.lo = s->as.regions[i].pa, .hi = s->as.regions[i].pa + s->as.regions[i].length};
    }
    for (int i = 0; i < s->as.ntables && n < MAP_LAYOUT_MAX; i++)
        in[n++] = (PaRange){.lo = s->as.tables[i].pa, .hi = s->as.tables[i].pa + s->as.tables[i].size};
    for (int i = 0; i < n; i++) {
        cut[nc++] = in[i].lo;
        cut[nc++] = in[i].hi;
    }
    qsort(cut, (size_t)nc, sizeof *cut, cmp_u64);
    int m = 0;
    for (int i = 0; i + 1 < nc && m < cap; i++) {
        if (cut[i] == cut[i + 1])
            continue;
        bool covered = false;
        for (int j = 0; j < n && !covered; j++)
            covered = in[j].lo <= cut[i] && cut[i + 1] <= in[j].hi;
        if (!covered)
            continue;
        pr[m] = (PaRange){.lo = cut[i], .hi = cut[i + 1]};
        pr[m].gap_before = m > 0 && pr[m - 1].hi != cut[i];
        m++;
    }
    for (int i = 0; i < m; i++) {
        pr[i].kind = pa_kind(s, pr[i].lo);
        pr[i].h = row_height(pr[i].hi - pr[i].lo) + (pr[i].gap_before ? 14 : 0);
    }
    return m;
}

/* y of pa inside the PA rows (linear within a range), -1 when not shown */
static int pa_y(const PaRange *pr, int n, uint64_t pa)
{
    for (int i = 0; i < n; i++) {
        if (pa >= pr[i].lo && pa < pr[i].hi) {
            int top = pr[i].y + (pr[i].gap_before ? 14 : 0), h = pr[i].h - (pr[i].gap_before ? 14 : 0);
            return top + (int)((double)(pa - pr[i].lo) / (double)(pr[i].hi - pr[i].lo) * h);
        }
    }
    return -1;
}

/* ---- events: "key":"value" pairs to "key=value", the asm last ---- */
static void pretty_fields(const char *f, char *out, size_t n, char *asm_out, size_t an)
{
    size_t o = 0;
    asm_out[0] = 0;
    out[0] = 0;
    const char *p = f;
    while (*p && o + 4 < n) {
        if (*p != '"') {
            p++;
            continue;
        }
        const char *k = ++p;
        while (*p && *p != '"')
            p++;
        size_t kl = (size_t)(p - k);
        if (*p)
            p++;
        if (*p == ':')
            p++;
        const char *v;
        size_t vl;
        if (*p == '"') {
            v = ++p;
            while (*p && !(*p == '"' && p[-1] != '\\'))
                p++;
            vl = (size_t)(p - v);
            if (*p)
                p++;
        } else {
            v = p;
            while (*p && *p != ',')
                p++;
            vl = (size_t)(p - v);
        }
        if (kl == 3 && !strncmp(k, "asm", 3)) {
            snprintf(asm_out, an, "%.*s", (int)vl, v);
            continue;
        }
        o += (size_t)snprintf(out + o, n - o, "%s%.*s=%.*s", o ? " " : "", (int)kl, k, (int)vl, v);
    }
}

static void draw_tooltip(MapRenderer *mr, SDL_Renderer *rd, int w, int h, const MapSnap *s, const AsRegion *r, int mx,
                         int my)
{
    char lines[10][200], a[40], b[40], sz[32], p1[4], p0[4];
    int n = 0;
    fmt_va(s, r->va, a, sizeof a);
    fmt_va(s, r->va + r->length - 1, b, sizeof b);
    human_size(r->length, sz, sizeof sz);
    snprintf(lines[n++], sizeof lines[0], "VA %s .. %s (%s)", a, b, sz);
    snprintf(lines[n++], sizeof lines[0], "PA 0x%llx .. 0x%llx", (unsigned long long)r->pa,
             (unsigned long long)(r->pa + r->length - 1));
    addrspace_perm_string(r->perms, false, p1);
    addrspace_perm_string(r->perms, true, p0);
    snprintf(lines[n++], sizeof lines[0], "%s  EL1 %s  EL0 %s  %s", r->mapping, p1, p0, r->memtype);
    if (r->ttbr >= 0)
        snprintf(lines[n++], sizeof lines[0], "TTBR%d  level %d  %s%s%s", r->ttbr, r->level,
                 r->global ? "global" : "nG, ASID ", r->global ? "" : "", r->af ? "" : "  AF=0");
    if (!r->global && r->ttbr >= 0)
        snprintf(lines[n - 1] + strlen(lines[n - 1]), 40, "%u", (unsigned)r->asid);
    for (int i = 0; i < r->ndesc && n < 9; i++)
        snprintf(lines[n++], sizeof lines[0], "  desc L%d @0x%llx = 0x%0*llx", r->level - (r->ndesc - 1 - i),
                 (unsigned long long)r->desc_pa[i], s->regs.long_desc ? 16 : 8, (unsigned long long)r->desc[i]);
    snprintf(lines[n++], sizeof lines[0], "%s", r->line);
    int tw = 0, lh = TTF_FontLineSkip(mr->small);
    for (int i = 0; i < n; i++) {
        int lw;
        TTF_SizeUTF8(mr->small, lines[i], &lw, NULL);
        if (lw > tw)
            tw = lw;
    }
    int bw = tw + 16, bh = n * lh + 12, x = mx + 16, y = my + 16;
    if (x + bw > w)
        x = w - bw - 4;
    if (y + bh > h)
        y = h - bh - 4;
    fill(rd, x, y, bw, bh, (SDL_Color){12, 12, 16, 240});
    frame(rd, x, y, bw, bh, C_HI);
    for (int i = 0; i < n; i++)
        text(rd, mr->small, x + 8, y + 6 + i * lh, 0, i == n - 1 ? C_DIM : C_TEXT, "%s", lines[i]);
}

void map_draw(MapRenderer *mr, SDL_Renderer *rd, int w, int h, const MapSnap *s, const MapViewState *vs,
              MapLayout *lay)
{
    memset(lay, 0, sizeof *lay);
    SDL_SetRenderDrawBlendMode(rd, SDL_BLENDMODE_BLEND);
    set_color(rd, C_BG);
    SDL_RenderClear(rd);
    int lh = TTF_FontLineSkip(mr->small);

    /* ---- header ---- */
    text(rd, mr->bold, 16, 8, 0, C_TEXT, "%s", s->title);
    char regs[300];
    if (s->regs.long_desc) {
        const LongDescRegs *l = &s->regs.ld;
        snprintf(regs, sizeof regs, "%s  SCTLR 0x%llx  TCR 0x%llx  TTBR0 0x%llx  TTBR1 0x%llx  MAIR 0x%llx  granule %uK",
                 s->a64 ? "AArch64" : "LPAE", (unsigned long long)l->sctlr, (unsigned long long)l->tcr,
                 (unsigned long long)l->ttbr0, (unsigned long long)l->ttbr1, (unsigned long long)l->mair,
                 s->as.granule / 1024);
    } else {
        const V7ShortRegs *v = &s->regs.v7;
        snprintf(regs, sizeof regs, "short descriptors  SCTLR 0x%08x  TTBCR 0x%x  TTBR0 0x%08x  TTBR1 0x%08x  DACR 0x%08x  CONTEXTIDR 0x%x",
                 v->sctlr, v->ttbcr, v->ttbr0, v->ttbr1, v->dacr, v->contextidr);
    }
    text(rd, mr->small, 16, 32, 0, C_DIM, "%s  |  MMU %s  |  %s", regs, s->as.mmu_on ? "on" : "off", s->trigger);
    char cnt[300];
    int co = snprintf(cnt, sizeof cnt, "pc 0x%llx  insns %llu (%llu MMU on)  blocks %llu  exceptions %llu",
                      (unsigned long long)s->pc, (unsigned long long)s->insns, (unsigned long long)s->insns_mmu_on,
                      (unsigned long long)s->blocks, (unsigned long long)s->exceptions);
    if (s->have_tlb) {
        uint64_t hits = 0, misses = 0;
        for (int i = 0; i < s->ntlb; i++)
            if (!strcmp(s->tlb[i].name, "itlb") || !strncmp(s->tlb[i].name, "dtlb", 4)) {
                hits += s->tlb[i].hits;
                misses += s->tlb[i].misses;
            }
        snprintf(cnt + co, sizeof cnt - (size_t)co, "  cycles %llu  L1 TLB hits %llu misses %llu  walks %llu",
                 (unsigned long long)s->cycles, (unsigned long long)hits, (unsigned long long)misses,
                 (unsigned long long)s->walks);
    }
    text(rd, mr->small, 16, 50, 0, C_TEXT, "%s", cnt);

    /* ---- VA column ---- */
    int bottom = h - 24;
    static Row rows[2048];
    int nrows = build_va_rows(s, rows, 2048);
    int y0 = TOP + 20;
    text(rd, mr->bold, VA_X, TOP, 0, vs->focus == 0 && vs->live ? C_TABLE : C_TEXT, "Virtual address space");
    place_rows(rows, nrows, y0, bottom - y0, vs->zoom[0], vs->pan[0]);
    lay->ttbr_y[0] = lay->ttbr_y[1] = -1;
    lay->va_top = y0;
    for (int i = 0; i < nrows; i++)
        if (rows[i].kind == 2 && rows[i].ttbr >= 0 && rows[i].ttbr < 2)
            lay->ttbr_y[rows[i].ttbr] = rows[i].y;
    static PaRange pr[MAP_LAYOUT_MAX];
    int npr = build_pa(s, pr, MAP_LAYOUT_MAX);
    {   /* PA rows */
        static Row tmp[MAP_LAYOUT_MAX];
        for (int i = 0; i < npr; i++)
            tmp[i] = (Row){.h = pr[i].h};
        place_rows(tmp, npr, y0, bottom - y0, vs->zoom[1], vs->pan[1]);
        for (int i = 0; i < npr; i++) {
            pr[i].y = tmp[i].y;
            pr[i].h = tmp[i].h;
        }
    }
    SDL_Rect clip = {0, y0, RIGHT_X - 10, bottom - y0};
    SDL_RenderSetClipRect(rd, &clip);
    int box_x = VA_X + VA_LABEL_W;
    const AsRegion *hover = NULL;
    for (int i = 0; i < nrows; i++) {
        Row *rw = &rows[i];
        if (rw->y > bottom || rw->y + rw->h < y0)
            continue;
        if (rw->kind == 2) {
            bool sel = vs->live && vs->ttbr_sel == rw->ttbr;
            fill(rd, VA_X, rw->y + 2, VA_LABEL_W + VA_BOX_W, rw->h - 4, sel ? (SDL_Color){70, 70, 40, 255} : C_PANEL);
            if (rw->h >= 14) {
                unsigned bits = rw->ttbr ? s->as.va_bits1 : s->as.va_bits0;
                text(rd, mr->bold, VA_X + 4, rw->y + 3, 0, C_TEXT, "TTBR%d half (%u-bit)", rw->ttbr, bits);
            }
            continue;
        }
        if (rw->kind == 1) {
            char sz[32];
            human_size(rw->b - rw->a, sz, sizeof sz);
            for (int x = box_x; x < box_x + VA_BOX_W; x += 8)
                fill(rd, x, rw->y + rw->h / 2, 4, 1, C_GAP);
            if (rw->h >= 12)
                text(rd, mr->small, box_x + 40, rw->y + (rw->h - lh) / 2, 0, C_DIM, "gap %s", sz);
            continue;
        }
        const AsRegion *r = &s->as.regions[rw->region];
        SDL_Color c = region_color(r);
        int by = rw->y + 1, bh = rw->h - 2;
        fill(rd, box_x, by, VA_BOX_W, bh, c);
        fill(rd, box_x, by, 8, bh, size_classes[size_class(r->map_size ? r->map_size : r->length)].c);
        if (!r->global) /* nG: a dashed white top edge */
            for (int x = box_x + 10; x < box_x + VA_BOX_W; x += 6)
                fill(rd, x, by, 3, 2, C_HI);
        if (lay->nregion < MAP_LAYOUT_MAX) {
            int k = lay->nregion++;
            lay->region_index[k] = rw->region;
            lay->region_box[k] = (MapRect){box_x, by, VA_BOX_W, bh};
            lay->region_swatch[k] = (MapRect){box_x + VA_BOX_W - 14, by + (bh > 6 ? 2 : 0), 12, bh > 6 ? bh - 4 : bh};
            lay->region_color[k] = c;
        }
        if (vs->mouse_x >= box_x && vs->mouse_x < box_x + VA_BOX_W && vs->mouse_y >= by && vs->mouse_y < by + bh) {
            hover = r;
            frame(rd, box_x - 1, by - 1, VA_BOX_W + 2, bh + 2, C_HI);
        }
        if (bh >= lh) {
            char va[40], sz[32], p1[4], p0[4];
            fmt_va(s, r->va, va, sizeof va);
            human_size(r->length, sz, sizeof sz);
            text(rd, mr->small, VA_X, by + (bh - lh) / 2, VA_LABEL_W - 4, C_TEXT, "%s", va);
            addrspace_perm_string(r->perms, false, p1);
            addrspace_perm_string(r->perms, true, p0);
            SDL_Color tc = perm_class(r) == PC_EL0 || r->ttbr < 0 ? (SDL_Color){16, 16, 16, 255} : C_HI;
            if (r->ttbr < 0)
                text(rd, mr->small, box_x + 12, by + (bh - lh) / 2, VA_BOX_W - 30, tc, "flat  %s", sz);
            else
                text(rd, mr->small, box_x + 12, by + (bh - lh) / 2, VA_BOX_W - 30, tc, "%s %s/%s %s%s", sz, p1, p0,
                     r->mapping, r->global ? "" : " nG");
        }
    }
    text(rd, mr->bold, PA_X, TOP, 0, vs->focus == 1 && vs->live ? C_TABLE : C_TEXT, "Physical");
    /* PA rows */
    for (int i = 0; i < npr; i++) {
        PaRange *p = &pr[i];
        int y = p->y + (p->gap_before ? 14 : 0), hh = p->h - (p->gap_before ? 14 : 0);
        if (p->y > bottom || p->y + p->h < y0)
            continue;
        if (p->gap_before) {
            char sz[32];
            human_size(p->lo - pr[i - 1].hi, sz, sizeof sz);
            for (int x = PA_X; x < PA_X + PA_BOX_W; x += 8)
                fill(rd, x, p->y + 7, 4, 1, C_GAP);
            if (p->h >= 20)
                text(rd, mr->small, PA_X + PA_BOX_W + 6, p->y - 1, 0, C_DIM, "gap %s", sz);
        }
        SDL_Color kc = p->kind == 0 ? C_RAM : p->kind == 1 ? C_DEV : C_NONE;
        fill(rd, PA_X, y + 1, PA_BOX_W, hh - 2, kc);
        if (lay->npa < MAP_LAYOUT_MAX) {
            int k = lay->npa++;
            lay->pa_lo[k] = p->lo;
            lay->pa_hi[k] = p->hi;
            lay->pa_box[k] = (MapRect){PA_X, y + 1, PA_BOX_W, hh - 2};
            snprintf(lay->pa_kind[k], sizeof lay->pa_kind[k], "%s", p->kind == 0 ? "ram" : p->kind == 1 ? "device" : "none");
        }
        if (hh >= lh) {
            char sz[32];
            human_size(p->hi - p->lo, sz, sizeof sz);
            text(rd, mr->small, PA_X + PA_BOX_W + 6, y + (hh - lh) / 2, 0, C_TEXT, "0x%08llx %s %s",
                 (unsigned long long)p->lo, sz, p->kind == 0 ? "RAM" : p->kind == 1 ? "UART" : "(nothing)");
        }
    }
    /* table pages: yellow marks on the PA rows */
    for (int i = 0; i < s->as.ntables; i++) {
        int ya = pa_y(pr, npr, s->as.tables[i].pa), yb = pa_y(pr, npr, s->as.tables[i].pa + s->as.tables[i].size - 1);
        if (ya < 0)
            continue;
        fill(rd, PA_X + 20, ya, PA_BOX_W - 40, yb - ya + 1 < 3 ? 3 : yb - ya + 1, C_TABLE);
    }
    /* links VA -> PA */
    for (int k = 0; k < lay->nregion; k++) {
        const AsRegion *r = &s->as.regions[lay->region_index[k]];
        if (r->ttbr < 0)
            continue;
        int ya = pa_y(pr, npr, r->pa), yb = pa_y(pr, npr, r->pa + r->length - 1);
        if (ya < 0)
            continue;
        SDL_Color c = lay->region_color[k];
        c.a = hover && hover != r ? 50 : 170;
        set_color(rd, c);
        int x0 = box_x + VA_BOX_W, y0l = lay->region_box[k].y + lay->region_box[k].h / 2;
        int ym = (ya + yb) / 2;
        SDL_RenderDrawLine(rd, x0, y0l, PA_X - 14, ym);
        SDL_RenderDrawLine(rd, x0, y0l + 1, PA_X - 14, ym + 1);
        fill(rd, PA_X - 14, ya, 10, yb - ya + 1 < 2 ? 2 : yb - ya + 1, c);
    }
    SDL_RenderSetClipRect(rd, NULL);
    if (!s->as_ok)
        text(rd, mr->bold, VA_X, bottom + 2, RIGHT_X - 30, C_WARN, "tables: %s", s->as_err);
    else if (s->as.truncated)
        text(rd, mr->small, VA_X, bottom + 4, 0, C_WARN, "(truncated: more than %d regions)", AS_MAX_REGIONS);

    /* ---- right: legend ---- */
    int rx = RIGHT_X, ry = TOP;
    fill(rd, rx - 10, TOP - 4, w - rx + 4, bottom - TOP + 8, C_PANEL);
    text(rd, mr->bold, rx, ry, 0, C_TEXT, "Legend");
    ry += 20;
    for (int i = 0; i < PC_COUNT + SZ_COUNT + 1; i++) {
        int col = i % 3, x = rx + col * 185, y = ry + (i / 3) * (lh + 2);
        SDL_Color c;
        const char *label;
        if (i < PC_COUNT) {
            c = perm_classes[i].c;
            label = perm_classes[i].label;
        } else if (i < PC_COUNT + SZ_COUNT) {
            c = size_classes[i - PC_COUNT].c;
            label = size_classes[i - PC_COUNT].label;
        } else {
            c = C_TABLE;
            label = "table page (PA)";
        }
        fill(rd, x, y + 2, 14, lh - 4, c);
        text(rd, mr->small, x + 18, y, 165, C_TEXT, "%s", label);
        if (lay->nlegend < 16) {
            int k = lay->nlegend++;
            snprintf(lay->legend_label[k], sizeof lay->legend_label[k], "%s", label);
            lay->legend_color[k] = c;
            lay->legend_box[k] = (MapRect){x, y + 2, 14, lh - 4};
        }
    }
    ry += ((PC_COUNT + SZ_COUNT + 1 + 2) / 3) * (lh + 2) + 2;
    text(rd, mr->small, rx, ry, 0, C_DIM, "left stripe: mapping size; dashed top: nG; pale: AF=0; rwx/rwx = EL1/EL0");
    ry += lh + 8;

    /* ---- table tree ---- */
    text(rd, mr->bold, rx, ry, 0, C_TEXT, "Translation tables (%d pages)", s->as.ntables);
    ry += 20;
    int tree_top = ry, tree_h = 230, minl = 9, maxl = -1;
    for (int i = 0; i < s->as.ntables; i++) {
        if (s->as.tables[i].level < minl)
            minl = s->as.tables[i].level;
        if (s->as.tables[i].level > maxl)
            maxl = s->as.tables[i].level;
    }
    if (s->as.ntables == 0)
        text(rd, mr->small, rx, ry, 0, C_DIM, s->as.mmu_on ? "(no tables reached)" : "MMU off: no tables in use");
    int per_col = tree_h / (lh + 4);
    for (int l = minl; l <= maxl; l++) {
        int col = l - minl, shown = 0, more = 0;
        int cx = rx + col * 140;
        text(rd, mr->small, cx, tree_top, 0, C_DIM, "level %d", l);
        for (int t = 0; t < 2; t++)
            for (int i = 0; i < s->as.ntables; i++) {
                const AsTable *tb = &s->as.tables[i];
                if (tb->level != l || tb->ttbr != t)
                    continue;
                if (shown + 1 >= per_col) {
                    more++;
                    continue;
                }
                int y = tree_top + (shown + 1) * (lh + 4);
                fill(rd, cx, y, 128, lh + 1, t ? (SDL_Color){70, 60, 30, 255} : (SDL_Color){40, 60, 80, 255});
                text(rd, mr->small, cx + 4, y, 124, C_TEXT, "%s0x%llx", t ? "1:" : "0:", (unsigned long long)tb->pa);
                if (lay->ntable < MAP_LAYOUT_MAX) {
                    lay->table_pa[lay->ntable] = tb->pa;
                    lay->table_box[lay->ntable++] = (MapRect){cx, y, 128, lh + 1};
                }
                shown++;
            }
        if (more)
            text(rd, mr->small, cx, tree_top + per_col * (lh + 4), 0, C_DIM, "+%d more", more);
    }
    /* parent -> child edges, from the walks of the regions' first addresses */
    for (int i = 0; i < s->as.nregions && i < 4096; i++) {
        const AsRegion *r = &s->as.regions[i];
        for (int d = 1; d < r->ndesc; d++) {
            int pi = -1, ci = -1;
            for (int k = 0; k < lay->ntable; k++) {
                const AsTable *tk = addrspace_table_at(&s->as, lay->table_pa[k]);
                if (!tk)
                    continue;
                if (r->desc_pa[d - 1] >= tk->pa && r->desc_pa[d - 1] < tk->pa + tk->size)
                    pi = k;
                if (r->desc_pa[d] >= tk->pa && r->desc_pa[d] < tk->pa + tk->size)
                    ci = k;
            }
            if (pi >= 0 && ci >= 0) {
                set_color(rd, (SDL_Color){200, 200, 200, 120});
                MapRect a = lay->table_box[pi], b = lay->table_box[ci];
                SDL_RenderDrawLine(rd, a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2);
            }
        }
    }
    ry = tree_top + tree_h + 8;

    /* ---- TLB ---- */
    if (s->have_tlb) {
        text(rd, mr->bold, rx, ry, 0, C_TEXT, "TLB model: %s", s->core);
        ry += 20;
        for (int i = 0; i < s->ntlb; i++) {
            const MapTlbInfo *t = &s->tlb[i];
            char ways[16];
            if (t->ways == 0 || t->ways == t->entries)
                snprintf(ways, sizeof ways, "fully");
            else
                snprintf(ways, sizeof ways, "%u-way", t->ways);
            text(rd, mr->small, rx, ry, 0, C_TEXT, "%-10s %4u %-6s", t->name, t->entries, ways);
            int bx = rx + 200, bw = 140;
            fill(rd, bx, ry + 3, bw, lh - 6, C_GAP);
            if (t->entries)
                fill(rd, bx, ry + 3, (int)((double)bw * t->valid / t->entries), lh - 6, (SDL_Color){90, 200, 120, 255});
            text(rd, mr->small, bx + bw + 6, ry, 0, C_TEXT, "%u/%u valid  hit %llu  miss %llu", t->valid, t->entries,
                 (unsigned long long)t->hits, (unsigned long long)t->misses);
            ry += lh + 1;
            /* the entries, set-major, 128 to a row: colour = mapping size (the legend's),
             * faded with age (least recently used darkest), a hollow cell = non-global (nG) */
            unsigned n = t->entries < MAP_TLB_CELLS ? t->entries : MAP_TLB_CELLS, per_row = 96;
            for (unsigned e = 0; e < n; e++) {
                int cx = rx + 8 + (int)(e % per_row) * 5, cy = ry + (int)(e / per_row) * 5;
                if (!t->cell_shift[e]) {
                    fill(rd, cx, cy, 4, 4, C_GAP);
                    continue;
                }
                SDL_Color c = size_classes[size_class(1ull << t->cell_shift[e])].c;
                int k = 255 - t->cell_age[e] * 2 / 3; /* newest full colour, oldest a third */
                c.r = (uint8_t)(c.r * k / 255), c.g = (uint8_t)(c.g * k / 255), c.b = (uint8_t)(c.b * k / 255);
                fill(rd, cx, cy, 4, 4, c);
                if (t->cell_ng[e])
                    fill(rd, cx + 1, cy + 1, 2, 2, C_BG);
            }
            ry += (int)((n + per_row - 1) / per_row) * 5 + 5;
        }
        ry += 6;
    } else {
        text(rd, mr->small, rx, ry, 0, C_DIM, "no TLB model (--core none)");
        ry += lh + 6;
    }

    /* ---- events ---- */
    text(rd, mr->bold, rx, ry, 0, C_TEXT, "MMU events, newest first (%llu in all, cache maintenance left out)",
         (unsigned long long)s->ev_total);
    ry += 20;
    for (int i = 0; i < s->nev && ry + lh <= bottom; i++) {
        const EventRecord *e = &s->ev[i];
        char f[256], as[96];
        pretty_fields(e->fields, f, sizeof f, as, sizeof as);
        int x = rx;
        x += text(rd, mr->small, x, ry, 0, C_DIM, "%9llu 0x%llx ", (unsigned long long)e->insn, (unsigned long long)e->pc);
        SDL_Color kc = e->kind == Ev_MmuEnable ? C_TABLE
                       : (e->kind == Ev_Exception || e->kind == Ev_StaleTlbHit || e->kind == Ev_Error) ? C_WARN
                                                                                                     : C_TEXT;
        x += text(rd, mr->small, x, ry, 0, kc, "%s ", event_kind_name(e->kind));
        x += text(rd, mr->small, x, ry, w - x - 8, C_TEXT, "%s", f);
        ry += lh;
        if (as[0] && ry + lh <= bottom) {
            text(rd, mr->small, rx + 120, ry, w - rx - 130, C_DIM, "%s", as);
            ry += lh;
        }
    }

    /* ---- status line ---- */
    if (vs->live)
        text(rd, mr->small, 16, h - 20, 0, C_DIM,
             "%s  %.0f fps  frame %llu  |  space pause  s step  +/- zoom  arrows pan  tab TTBR0/1  m VA/PA  q quit",
             vs->finished ? "guest finished" : vs->paused ? "PAUSED" : "running", vs->fps,
             (unsigned long long)vs->frames);
    else
        text(rd, mr->small, 16, h - 20, 0, C_DIM, "snapshot taken in %.1f ms; rendered by mmuscope with SDL2", s->build_ms);
    if (hover)
        draw_tooltip(mr, rd, w, h, s, hover, vs->mouse_x, vs->mouse_y);
}

bool map_renderer_init(MapRenderer *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, errlen, "cannot start SDL2_ttf: %s", TTF_GetError());
        return false;
    }
    r->font = TTF_OpenFont(MAP_FONT, 14);
    r->small = TTF_OpenFont(MAP_FONT, 12);
    r->bold = TTF_OpenFont(MAP_FONT_BOLD, 14);
    if (!r->font || !r->small || !r->bold) {
        snprintf(err, errlen, "%s: cannot open the font: %s (Debian package fonts-dejavu-core)", MAP_FONT, TTF_GetError());
        map_renderer_free(r);
        return false;
    }
    return true;
}

void map_renderer_free(MapRenderer *r)
{
    if (r->font)
        TTF_CloseFont(r->font);
    if (r->small)
        TTF_CloseFont(r->small);
    if (r->bold)
        TTF_CloseFont(r->bold);
    memset(r, 0, sizeof *r);
}

static void json_rect(FILE *f, MapRect r)
{
    fprintf(f, "[%d, %d, %d, %d]", r.x, r.y, r.w, r.h);
}

static bool write_layout(const MapSnap *s, const MapLayout *lay, const char *path)
{
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return false;
    fprintf(f, "{\n  \"width\": %d, \"height\": %d,\n  \"trigger\": \"%s\", \"pc\": \"0x%llx\", \"insns\": %llu, \"mmu_on\": %s,\n",
            MAP_WIDTH, MAP_HEIGHT, s->trigger, (unsigned long long)s->pc, (unsigned long long)s->insns,
            s->as.mmu_on ? "true" : "false");
    fprintf(f, "  \"regions\": [");
    for (int k = 0; k < lay->nregion; k++) {
        const AsRegion *r = &s->as.regions[lay->region_index[k]];
        char p1[4], p0[4];
        addrspace_perm_string(r->perms, false, p1);
        addrspace_perm_string(r->perms, true, p0);
        fprintf(f, "%s\n    {\"va\": \"0x%llx\", \"pa\": \"0x%llx\", \"length\": \"0x%llx\", \"mapping\": \"%s\", \"ttbr\": %d, "
                   "\"el1\": \"%s\", \"el0\": \"%s\", \"memtype\": \"%s\", \"global\": %s, \"box\": ",
                k ? "," : "", (unsigned long long)r->va, (unsigned long long)r->pa, (unsigned long long)r->length,
                r->mapping, r->ttbr, p1, p0, r->memtype, r->global ? "true" : "false");
        json_rect(f, lay->region_box[k]);
        fprintf(f, ", \"swatch\": ");
        json_rect(f, lay->region_swatch[k]);
        fprintf(f, ", \"color\": [%d, %d, %d]}", lay->region_color[k].r, lay->region_color[k].g, lay->region_color[k].b);
    }
    fprintf(f, "\n  ],\n  \"pa_rows\": [");
    for (int k = 0; k < lay->npa; k++) {
        fprintf(f, "%s\n    {\"lo\": \"0x%llx\", \"hi\": \"0x%llx\", \"kind\": \"%s\", \"box\": ", k ? "," : "",
                (unsigned long long)lay->pa_lo[k], (unsigned long long)lay->pa_hi[k], lay->pa_kind[k]);
        json_rect(f, lay->pa_box[k]);
        fputc('}', f);
    }
    fprintf(f, "\n  ],\n  \"tables\": [");
    for (int k = 0; k < s->as.ntables; k++) {
        const AsTable *t = &s->as.tables[k];
        fprintf(f, "%s\n    {\"pa\": \"0x%llx\", \"size\": %u, \"level\": %d, \"ttbr\": %d}", k ? "," : "",
                (unsigned long long)t->pa, t->size, t->level, t->ttbr);
    }
    fprintf(f, "\n  ],\n  \"legend\": [");
    for (int k = 0; k < lay->nlegend; k++) {
        fprintf(f, "%s\n    {\"label\": \"%s\", \"color\": [%d, %d, %d], \"box\": ", k ? "," : "", lay->legend_label[k],
                lay->legend_color[k].r, lay->legend_color[k].g, lay->legend_color[k].b);
        json_rect(f, lay->legend_box[k]);
        fputc('}', f);
    }
    fprintf(f, "\n  ],\n  \"tables_error\": \"%s\"\n}\n", s->as_ok ? "" : s->as_err);
    bool ok = !ferror(f);
    if (fclose(f) != 0)
        ok = false;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return false;
    }
    return true;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

bool map_write_png(MapRenderer *mr, const MapSnap *s, const char *path, const char *layout_path,
                   const uint64_t *hover_va, double *render_ms, char *err, size_t errlen)
{
    double t0 = now_ms();
    SDL_Surface *surf = SDL_CreateRGBSurfaceWithFormat(0, MAP_WIDTH, MAP_HEIGHT, 32, SDL_PIXELFORMAT_ARGB8888);
    if (!surf) {
        snprintf(err, errlen, "%s: cannot create a surface: %s", path, SDL_GetError());
        return false;
    }
    SDL_Renderer *rd = SDL_CreateSoftwareRenderer(surf);
    if (!rd) {
        snprintf(err, errlen, "%s: cannot create a software renderer: %s", path, SDL_GetError());
        SDL_FreeSurface(surf);
        return false;
    }
    static MapLayout lay;
    MapViewState vs = {.zoom = {1, 1}, .mouse_x = -1, .mouse_y = -1};
    map_draw(mr, rd, MAP_WIDTH, MAP_HEIGHT, s, &vs, &lay);
    if (hover_va) { /* again, with the mouse on the middle of the region that holds the VA */
        for (int k = 0; k < lay.nregion; k++) {
            const AsRegion *r = &s->as.regions[lay.region_index[k]];
            if (*hover_va >= r->va && *hover_va - r->va < r->length) {
                vs.mouse_x = lay.region_box[k].x + lay.region_box[k].w / 2;
                vs.mouse_y = lay.region_box[k].y + lay.region_box[k].h / 2;
                map_draw(mr, rd, MAP_WIDTH, MAP_HEIGHT, s, &vs, &lay);
                break;
            }
        }
    }
    SDL_RenderPresent(rd);
    if (render_ms)
        *render_ms = now_ms() - t0;
    char tmp[1100];
    snprintf(tmp, sizeof tmp, "%s.part", path);
    bool ok = IMG_SavePNG(surf, tmp) == 0;
    if (!ok)
        snprintf(err, errlen, "%s: cannot write the PNG: %s", path, IMG_GetError());
    map_text_cache_release();
    SDL_DestroyRenderer(rd);
    SDL_FreeSurface(surf);
    if (ok && rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot move into place: %s", path, strerror(errno));
        ok = false;
    }
    if (!ok)
        unlink(tmp);
    if (ok && layout_path && !write_layout(s, &lay, layout_path)) {
        snprintf(err, errlen, "%s: cannot write the layout: %s", layout_path, strerror(errno));
        ok = false;
    }
    return ok;
}
