/* The trace recorder: for every TLB lookup of the run, the translation mmuscope's walker gives
 * at that moment (whatever the live TLB model answers), so that a replay through another TLB
 * configuration can walk where this one hit.
 *
 * Walking on every access would cost too much, so the recorder keeps its own cache of walker
 * answers per 4 KiB VA page. It is exact, not a model: it is emptied whenever the answer could
 * change, i.e. on a new translation generation (any translation-register write, TLBI that
 * touches decoded code, ...: m->gen), and a cached walk is void after a store to a page it read a
 * descriptor from (trace_rec_desc_store). MMUSCOPE_TRACE_VERIFY=1 re-walks every access and counts disagreements. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "machine_internal.h"
#include "trace_record.h"
#include "trace_record_internal.h"
#include "tlb/trace_format.h"

static void fill_xlate(TraceRecorder *rc, Machine *m, uint64_t va, TraceXlate *t)
{
    Xlate x;
    machine_translate(m, va, Access_Read, true, &x);
    memset(t, 0, sizeof *t);
    t->mapped = x.mapped;
    t->global = x.global;
    t->ttbr1 = x.ttbr1;
    t->fmt = (uint8_t)x.fmt;
    t->start_level = (int8_t)x.start_level;
    t->level = (int8_t)x.level;
    t->ndesc = (uint8_t)x.ndesc;
    t->perms = x.perms;
    if (x.mapped && x.size) {
        t->size_log2 = (uint8_t)__builtin_ctzll(x.size);
        t->va_base = va & ~(x.size - 1);
        t->pa_base = x.pa - (va & (x.size - 1));
    } else {
        t->mapped = 0;
        t->va_base = va & ~0xfffull;
    }
    for (int i = 0; i < x.ndesc && i < 5; i++)
        t->desc_pa[i] = x.desc_pa[i];
    rc->walks++;
}

static bool reads_page(const TraceRecorder *rc, const TraceXlate *x, uint64_t page)
{
    for (int i = 0; i < x->ndesc && i < 5; i++)
        if (x->desc_pa[i] >= rc->ram_base && (x->desc_pa[i] - rc->ram_base) >> 12 == page)
            return true;
    return false;
}

/* The walk now cached in slot `slot` (of the current epoch) joins the lists of the RAM pages its
 * descriptors came from. */
static void dp_add(TraceRecorder *rc, const TraceXlate *x, unsigned slot)
{
    for (int i = 0; i < x->ndesc && i < 5; i++) {
        uint64_t pa = x->desc_pa[i], page = (pa - rc->ram_base) >> 12;
        if (pa < rc->ram_base || page >= rc->ram_pages)
            continue;
        TraceDescPage *d = &rc->dp[page];
        if (d->epoch != rc->epoch) {
            d->epoch = rc->epoch;
            d->n = 0;
            d->many = 0;
        }
        if (d->many || (d->n && d->slot[d->n - 1] == slot))
            continue;
        if (d->n == TRACE_DP_SLOTS) { /* drop the slots that hold no walk reading this page now */
            unsigned k = 0;
            for (unsigned j = 0; j < d->n; j++) {
                const TraceXEntry *o = &rc->xc[d->slot[j]];
                if (d->slot[j] != slot && o->epoch == rc->epoch && reads_page(rc, &o->x, page))
                    d->slot[k++] = d->slot[j];
            }
            d->n = (uint16_t)k;
            if (k == TRACE_DP_SLOTS) {
                d->many = 1;
                continue;
            }
        }
        d->slot[d->n++] = (uint16_t)slot;
    }
}

/* A store to a RAM page that cached walks of this epoch read from: those walks are void. */
void trace_rec_desc_store(TraceRecorder *rc, uint64_t page)
{
    TraceDescPage *d = &rc->dp[page];
    if (d->many) {
        rc->epoch++; /* every cached walk, and every list */
        return;
    }
    for (unsigned j = 0; j < d->n; j++) {
        TraceXEntry *e = &rc->xc[d->slot[j]];
        if (e->epoch == rc->epoch && reads_page(rc, &e->x, page))
            e->epoch = 0; /* epochs start at 1: never valid again */
    }
    d->epoch = 0;
}

/* A new translation generation (a translation-register write, a TLBI near decoded code...)
 * voids the cached walks only when a register the walker reads changed. AArch64: SCTLR, TCR,
 * TTBR0/1, MAIR (the shadow a64_sysreg.c keeps); AArch32 reads its LPAE TTBRs from the engine,
 * so every new generation voids them there. */
static void new_gen(TraceRecorder *rc, Machine *m)
{
    rc->gen = m->gen;
    if (m->a64) {
        const A64Regs *r = &m->a64r;
        if (rc->have_regs && r->sctlr == rc->regs.sctlr && r->tcr == rc->regs.tcr && r->ttbr0 == rc->regs.ttbr0 &&
            r->ttbr1 == rc->regs.ttbr1 && r->mair == rc->regs.mair)
            return;
        rc->regs.sctlr = r->sctlr;
        rc->regs.tcr = r->tcr;
        rc->regs.ttbr0 = r->ttbr0;
        rc->regs.ttbr1 = r->ttbr1;
        rc->regs.mair = r->mair;
        rc->have_regs = true;
    }
    rc->epoch++;
}

static const TraceXEntry *xlate(TraceRecorder *rc, Machine *m, uint64_t va)
{
    if (rc->gen != m->gen)
        new_gen(rc, m);
    uint64_t page = va >> 12;
    TraceXEntry *e = &rc->xc[trace_xc_index(page)];
    if (e->epoch != rc->epoch || e->page != page) {
        e->epoch = rc->epoch;
        e->page = page;
        fill_xlate(rc, m, va, &e->x);
        dp_add(rc, &e->x, (unsigned)(e - rc->xc));
        e->id = rc->walks;
    } else if (rc->verify) {
        TraceXlate now;
        fill_xlate(rc, m, va, &now);
        if (memcmp(&now, &e->x, sizeof now)) {
            if (rc->verify_mismatches++ < 10)
                fprintf(stderr, "mmuscope: trace verify: cached walk of 0x%llx differs from the tables\n",
                        (unsigned long long)va);
            e->x = now;
            dp_add(rc, &e->x, (unsigned)(e - rc->xc));
            e->id = rc->walks;
        }
    }
    return e;
}

#define phys_store trace_rec_store_pa

void trace_rec_access_slow(Machine *m, int side, uint64_t va, int size, uint16_t asid)
{
    TraceRecorder *rc = m->trace;
    const TraceXEntry *e = xlate(rc, m, va);
    const TraceXlate *x = &e->x;
    if (asid != rc->asid || rc->ctx_dirty) { /* the writer repeats it at each chunk itself */
        trace_w_context(rc->w, asid, rc->el0, rc->mmu_on);
        rc->asid = asid;
        rc->ctx_dirty = false;
        rc->slow = rc->verify;
    }
    unsigned sl = size > 0 ? (unsigned)__builtin_ctz((unsigned)size) : 0;
    if (sl > 7)
        sl = 7;
    if (!trace_w_access_same(rc->w, (TlbSide)side, va, sl, e->id))
        trace_w_access(rc->w, (TlbSide)side, va, sl, x, e->id);
    if (side == TLB_SIDE_STORE && x->mapped)
        phys_store(rc, x->pa_base + (va - x->va_base), size);
}

void trace_rec_block_slow(Machine *m, const BlockInfo *b, bool el0, bool mmu_on)
{
    TraceRecorder *rc = m->trace;
    if (el0 != rc->el0 || mmu_on != rc->mmu_on) {
        rc->el0 = el0;
        rc->mmu_on = mmu_on;
        rc->ctx_dirty = true;
        rc->slow = true;
    }
    TraceWEntry *we = &rc->wc[(b->va >> 1 ^ b->va >> 11) & (TRACE_WCACHE - 1)];
    if (!we->valid || we->va != b->va || we->gen != b->gen || we->size != b->size || we->el0 != el0) {
        TraceBlock tb;
        memset(&tb, 0, sizeof tb);
        tb.va = b->va;
        memcpy(tb.classes, b->classes, sizeof tb.classes);
        uint32_t n = 0;
        for (int i = 0; i < TLB_C_COUNT; i++)
            if (i != TLB_C_LOAD_USE)
                n += b->classes[i];
        tb.ninsns = n;
        tb.thumb = b->thumb;
        tb.el0 = el0;
        uint32_t word = 0;
        if (b->thumb) {
            uint16_t hw = 0;
            if (fetch_code(m, b->va, &hw, 2)) {
                word = hw;
                uint16_t hw2 = 0;
                if (hw >= 0xe800 && fetch_code(m, b->va + 2, &hw2, 2))
                    word |= (uint32_t)hw2 << 16;
            }
        } else if (!fetch_code(m, b->va, &word, 4)) {
            word = 0;
        }
        tb.word = word;
        *we = (TraceWEntry){b->va, b->gen, b->size, true, el0, 0, tb};
    }
    /* the writer's block table may still hold it: by slot, no comparison */
    if (!trace_w_block_held(rc->w, we->cookie, we->tb.ninsns))
        we->cookie = trace_w_block(rc->w, &we->tb);
    unsigned s = (unsigned)(we->cookie & 0xff); /* = trace_block_slot(b->va) */
    rc->bref[s].va = b->va;
    rc->bref[s].gen = b->gen;
    rc->bref[s].size = b->size;
    rc->bref[s].el0 = el0;
    rc->bref[s].ninsns = we->tb.ninsns;
    rc->bref[s].cookie = we->cookie;
}

void trace_rec_tlbi(Machine *m, const TlbInval *inv)
{
    trace_w_tlbi(m->trace->w, inv);
}

static void event_tap(void *ctx, int kind, uint64_t pc, uint64_t insn, const char *fields, va_list ap)
{
    Machine *m = ctx;
    if (!m->trace)
        return;
    char buf[TRACE_EVENT_MAX + 1] = "";
    if (fields && vsnprintf(buf, sizeof buf, fields, ap) >= (int)sizeof buf)
        snprintf(buf, sizeof buf, "\"truncated\":true"); /* never a cut JSON member */
    trace_w_event(m->trace->w, (unsigned)kind, pc, insn, buf);
}

bool machine_trace_start(Machine *m, FILE *f, const char *image, char *err, size_t errlen)
{
    TlbModel *model = machine_tlb(m);
    if (!model) {
        snprintf(err, errlen, "--trace records the input of the TLB model: it needs a core preset, not --core none");
        return false;
    }
    TraceHeader h;
    memset(&h, 0, sizeof h);
    h.version = TRACE_VERSION;
    const TlbConfig *tc = tlb_model_config(model);
    snprintf(h.machine, sizeof h.machine, "%s", m->cfg.name);
    snprintf(h.cpu, sizeof h.cpu, "%s", m->cfg.cpu);
    snprintf(h.core, sizeof h.core, "%s", tc->name);
    snprintf(h.core_source, sizeof h.core_source, "%s", tc->source);
    snprintf(h.image, sizeof h.image, "%s", image);
    if (!trace_sha256_file(image, h.image_sha256, err, errlen))
        return false;
    unsigned maj = 0, min = 0;
    uc_version(&maj, &min);
    snprintf(h.engine, sizeof h.engine, "unicorn %u.%u.%u", maj, min, UC_API_PATCH);
    snprintf(h.isa, sizeof h.isa, "%s", m->a64 ? "a64" : "a32");
    time_t now = time(NULL);
    struct tm tmv;
    gmtime_r(&now, &tmv);
    strftime(h.created, sizeof h.created, "%Y-%m-%dT%H:%M:%SZ", &tmv);
    /* the preset's text, so that a replay can use exactly the recorded configuration */
    FILE *pf = fopen(tc->source, "rb");
    if (pf) {
        h.core_ini = calloc(1, 65537);
        if (h.core_ini)
            fread(h.core_ini, 1, 65536, pf);
        fclose(pf);
    }
    TraceRecorder *rc = calloc(1, sizeof *rc);
    if (!rc) {
        free(h.core_ini);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    rc->ram_base = m->cfg.ram_base;
    rc->ram_pages = m->cfg.ram_size >> 12;
    rc->dp = calloc(rc->ram_pages ? rc->ram_pages : 1, sizeof *rc->dp);
    rc->epoch = 1;
    rc->gen = m->gen;
    rc->ctx_dirty = true;
    const char *v = getenv("MMUSCOPE_TRACE_VERIFY");
    rc->verify = v && *v && strcmp(v, "0");
    rc->slow = true; /* ctx_dirty */
    rc->w = rc->dp ? trace_writer_open(f, &h, err, errlen) : NULL;
    free(h.core_ini);
    if (!rc->w) {
        if (!rc->dp)
            snprintf(err, errlen, "out of memory");
        free(rc->dp);
        free(rc);
        return false;
    }
    m->trace = rc;
    m->ev->tap = event_tap;
    m->ev->tap_ctx = m;
    /* cache maintenance: hundreds of thousands in a Linux boot, nothing the TLB model or the
     * timeline needs (still counted by --stats); MMUSCOPE_TRACE_CACHE_OPS=1 records them */
    const char *co = getenv("MMUSCOPE_TRACE_CACHE_OPS");
    m->ev->tap_skip = co && *co && strcmp(co, "0") ? 0 : 1u << Ev_CacheMaintenance;
    return true;
}

bool machine_trace_finish(Machine *m, bool complete, char *err, size_t errlen)
{
    TraceRecorder *rc = m->trace;
    if (!rc)
        return true;
    m->trace = NULL;
    m->ev->tap = NULL;
    bool ok = true;
    if (complete) {
        ok = trace_writer_close(rc->w);
        if (!ok)
            snprintf(err, errlen, "write failed (disk full?)");
    } else {
        trace_writer_abandon(rc->w);
    }
    const char *sv = getenv("MMUSCOPE_TRACE_STATS");
    if (rc->verify || (sv && *sv && strcmp(sv, "0")))
        fprintf(stderr, "mmuscope: trace%s: %llu walks by the recorder, %llu cached walks differed from the tables\n",
                rc->verify ? " verify" : "", (unsigned long long)rc->walks,
                (unsigned long long)rc->verify_mismatches);
    free(rc->dp);
    free(rc);
    return ok;
}
