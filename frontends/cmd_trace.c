/* mmuscope trace info|dump|stats|export, replay, sweep: translation traces offline
 * (docs/traces.md, docs/trace-format.md). */
#include <capstone/capstone.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "tlb/trace_format.h"

#define MAX_SETS 64
#define MAX_PARAMS 8
#define MAX_VALUES 64
#define MAX_TRACES 64

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of this thread: the replay's speed per core, whatever else runs on the machine */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const side_names[] = {"fetch", "load", "store"};
static const char *const op_names[] = {"ALL", "ASID", "VA", "VAA", "VAL", "VAAL"};
static const char *const ev_names[] = {"sysreg_write", "tlb_maintenance", "cache_maintenance", "address_translation",
                                       "mmu_enable", "mmu_disable", "first_translated_fetch", "exception", "psci",
                                       "stale_tlb_hit", "tlb_permission_fault", "bus_error", "error",
                                       "console_line"};
#define NEV (int)(sizeof ev_names / sizeof ev_names[0])

static const char *ev_name(unsigned k)
{
    return k < (unsigned)NEV ? ev_names[k] : "event";
}

/* A reader plus a replay through the recorded configuration (for cycles and hit/miss). */
typedef struct Walker {
    TraceReader *r;
    TlbModel *model;
    TraceReplay rp;
    uint64_t index;
} Walker;

static bool walker_open(Walker *w, const char *path, bool with_model)
{
    char err[1024];
    memset(w, 0, sizeof *w);
    w->r = trace_reader_open(path, err, sizeof err);
    if (!w->r) {
        cli_error("%s", err);
        return false;
    }
    if (with_model) {
        TlbConfig c;
        if (!trace_config_load(&c, trace_reader_header(w->r), NULL, NULL, 0, err, sizeof err) ||
            !(w->model = tlb_model_create(&c, err, sizeof err))) {
            cli_error("%s: %s", path, err);
            trace_reader_close(w->r);
            return false;
        }
        w->rp.m = w->model;
    }
    return true;
}

static void walker_close(Walker *w)
{
    tlb_model_destroy(w->model);
    trace_reader_close(w->r);
}

/* Next record, replayed; 1 record, 0 clean end, -1 damage (reported). */
static int walker_next(Walker *w, TraceRec *rec, uint64_t *walks_before)
{
    char err[1024];
    int k = trace_reader_next(w->r, rec, err, sizeof err);
    if (k < 0) {
        cli_error("%s", err);
        return -1;
    }
    if (k == 0)
        return 0;
    if (walks_before)
        *walks_before = 0;
    if (w->model)
        trace_replay_record(&w->rp, rec);
    w->index++;
    return 1;
}

typedef struct ModelFigures {
    uint64_t walks, descriptor_reads, wc_hits, cycles, insns;
    uint64_t main_lookups, main_hits, main_misses, main_evictions;
    uint64_t l1_misses; /* first-level misses, all sides */
} ModelFigures;

static void model_figures(TlbModel *m, ModelFigures *f)
{
    memset(f, 0, sizeof *f);
    TlbWalkStats w = tlb_walk_stats(m);
    f->walks = w.walks;
    f->descriptor_reads = w.descriptor_reads;
    f->wc_hits = w.walk_cache_hits;
    f->cycles = tlb_cycles(m);
    f->insns = tlb_instructions(m);
    TlbStruct *mt = tlb_model_struct(m, "main_tlb");
    if (mt) {
        const TlbStructStats *s = tlb_struct_stats(mt);
        f->main_lookups = s->lookups;
        f->main_hits = s->hits;
        f->main_misses = s->misses;
        f->main_evictions = s->evictions;
    }
    const char *l1[] = {"itlb", "dtlb", "dtlb_load", "dtlb_store"};
    for (int i = 0; i < 4; i++) {
        TlbStruct *t = tlb_model_struct(m, l1[i]);
        if (t)
            f->l1_misses += tlb_struct_stats(t)->misses;
    }
}

/* ------------------------------------------------------------------ trace info */
static int trace_info(const char *path)
{
    Walker w;
    if (!walker_open(&w, path, true)) {
        /* a trace without a usable preset still has an info page */
        char err[1024];
        TraceReader *r = trace_reader_open(path, err, sizeof err);
        if (!r)
            return EXIT_USAGE;
        memset(&w, 0, sizeof w);
        w.r = r;
    }
    const TraceHeader *h = trace_reader_header(w.r);
    printf("trace          %s\n", path);
    printf("format         version %u, %llu bytes\n", h->version, (unsigned long long)trace_reader_file_size(w.r));
    printf("machine        %s (cpu %s, %s)\n", h->machine, h->cpu, h->isa);
    printf("core preset    %s (%s)\n", h->core, h->core_source);
    printf("image          %s\n", h->image);
    printf("image sha256   %s\n", h->image_sha256);
    printf("engine         %s\n", h->engine);
    printf("recorded       %s\n", h->created);
    uint64_t side[TLB_SIDE_COUNT] = {0};
    int k;
    double t0 = now_s();
    if (w.model) {
        /* the whole-trace replay (as `replay`): every access is a lookup on its side */
        char err[1024];
        k = trace_replay_run(w.r, &w.rp, err, sizeof err);
        if (k < 0)
            cli_error("%s", err);
        for (int s = 0; s < TLB_SIDE_COUNT; s++)
            side[s] = tlb_accesses(w.model, (TlbSide)s);
    } else {
        TraceRec rec;
        while ((k = walker_next(&w, &rec, NULL)) > 0)
            if (rec.kind == TR_ACCESS)
                side[rec.side]++;
    }
    double dt = now_s() - t0;
    const TraceTotals *t = trace_reader_totals(w.r);
    printf("chunks         %llu%s\n", (unsigned long long)t->chunks, k == 0 ? " (end marker present, totals match)" : "");
    printf("records        %llu\n", (unsigned long long)t->records);
    printf("accesses       %llu (fetch %llu, load %llu, store %llu)\n", (unsigned long long)t->accesses,
           (unsigned long long)side[0], (unsigned long long)side[1], (unsigned long long)side[2]);
    printf("blocks         %llu\n", (unsigned long long)t->blocks);
    printf("instructions   %llu\n", (unsigned long long)t->insns);
    printf("tlb ops        %llu\n", (unsigned long long)t->tlbis);
    printf("events         %llu\n", (unsigned long long)t->events);
    if (t->accesses)
        printf("bytes/access   %.2f\n", (double)trace_reader_file_size(w.r) / (double)t->accesses);
    if (w.model && k == 0)
        printf("duration       %llu cycles on %s (CPI %.3f; replayed in %.3f s)\n",
               (unsigned long long)tlb_cycles(w.model), h->core,
               tlb_instructions(w.model) ? (double)tlb_cycles(w.model) / (double)tlb_instructions(w.model) : 0.0,
               dt);
    printf("status         %s\n", k == 0 ? "complete" : "DAMAGED (see the error above; the counts are what is intact)");
    walker_close(&w);
    return k == 0 ? EXIT_OK : EXIT_USAGE;
}

/* ------------------------------------------------------------------ trace dump */
static void disasm(csh cs, bool ok, const TraceBlock *b, char *out, size_t n)
{
    out[0] = 0;
    if (!ok || !b->word)
        return;
    uint8_t bytes[4];
    for (int i = 0; i < 4; i++)
        bytes[i] = (uint8_t)(b->word >> (8 * i));
    size_t len = b->thumb && (b->word & 0xffff) < 0xe800 ? 2 : 4;
    cs_insn *insn;
    cs_option(cs, CS_OPT_MODE, b->thumb ? CS_MODE_THUMB : CS_MODE_ARM);
    size_t c = cs_disasm(cs, bytes, len, b->va, 1, &insn);
    if (c) {
        snprintf(out, n, "%.31s%s%.60s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "", insn[0].op_str);
        cs_free(insn, c);
    }
}

static void size_name(unsigned lg, char *out, size_t n)
{
    if (lg >= 30)
        snprintf(out, n, "%lluG", 1ull << (lg - 30));
    else if (lg >= 20)
        snprintf(out, n, "%lluM", 1ull << (lg - 20));
    else
        snprintf(out, n, "%lluK", 1ull << (lg - 10));
}

static void fmt_rec(const TraceRec *rec, const Walker *w, csh cs, bool cs_ok, bool a64, char *line, size_t n)
{
    int vw = a64 ? 16 : 8;
    switch (rec->kind) {
    case TR_ACCESS: {
        const TraceXlate *x = rec->x;
        char tl[64];
        if (!w->model)
            tl[0] = 0;
        else if (w->rp.hit)
            snprintf(tl, sizeof tl, " hit %s", w->rp.hit_level == 0 ? "L1" : w->rp.hit_level == 1 ? "main" : "L3");
        else
            snprintf(tl, sizeof tl, " miss, walk %u read%s", w->rp.reads, w->rp.reads == 1 ? "" : "s");
        char sz[16] = "", ms[32];
        if (rec->side)
            snprintf(sz, sizeof sz, " (%u)", 1u << rec->size_log2);
        size_name(x->size_log2, ms, sizeof ms);
        if (x->mapped)
            snprintf(line, n, "%-6s 0x%0*llx%s -> 0x%llx %s L%d%s asid=%u%s", side_names[rec->side], vw,
                     (unsigned long long)rec->va, sz, (unsigned long long)(x->pa_base + (rec->va - x->va_base)), ms,
                     x->level, x->global ? " global" : "", w->rp.asid, tl);
        else
            snprintf(line, n, "%-6s 0x%0*llx%s -> fault (walk read %u descriptors)%s", side_names[rec->side], vw,
                     (unsigned long long)rec->va, sz, x->ndesc, tl);
        return;
    }
    case TR_BLOCK: {
        char d[96];
        disasm(cs, cs_ok, rec->b, d, sizeof d);
        snprintf(line, n, "block  0x%0*llx insns=%u%s  %s", vw, (unsigned long long)rec->b->va, rec->b->ninsns,
                 rec->b->el0 ? " EL0" : "", d);
        return;
    }
    case TR_CONTEXT:
        snprintf(line, n, "ctx    asid=%u %s mmu=%s", rec->asid, rec->el0 ? "EL0" : "EL1", rec->mmu_on ? "on" : "off");
        return;
    case TR_TLBI:
        snprintf(line, n, "tlbi   %s va=0x%llx asid=%u", op_names[rec->inv.op], (unsigned long long)rec->inv.va,
                 rec->inv.asid);
        return;
    case TR_EVENT:
        snprintf(line, n, "event  %s pc=0x%llx %s", ev_name(rec->ev_kind), (unsigned long long)rec->ev_pc, rec->ev_json);
        return;
    }
}

static int trace_dump(const char *path, uint64_t from, uint64_t count)
{
    Walker w;
    if (!walker_open(&w, path, true))
        return EXIT_USAGE;
    bool a64 = !strcmp(trace_reader_header(w.r)->isa, "a64");
    csh cs;
    bool cs_ok = cs_open(a64 ? CS_ARCH_ARM64 : CS_ARCH_ARM, a64 ? CS_MODE_ARM : CS_MODE_ARM, &cs) == CS_ERR_OK;
    TraceRec rec;
    int k;
    uint64_t shown = 0;
    char line[1024];
    printf("%10s %12s %12s  record\n", "index", "insn", "cycle");
    while (shown < count && (k = walker_next(&w, &rec, NULL)) > 0) {
        uint64_t i = w.index - 1;
        if (i < from)
            continue;
        fmt_rec(&rec, &w, cs, cs_ok, a64, line, sizeof line);
        printf("%10llu %12llu %12llu  %s\n", (unsigned long long)i, (unsigned long long)w.rp.insns,
               (unsigned long long)tlb_cycles(w.model), line);
        shown++;
    }
    if (shown < count && k < 0) {
        if (cs_ok)
            cs_close(&cs);
        walker_close(&w);
        return EXIT_USAGE;
    }
    if (cs_ok)
        cs_close(&cs);
    walker_close(&w);
    return EXIT_OK;
}

/* ------------------------------------------------------------------ trace stats */
static int trace_stats(const char *path)
{
    Walker w;
    if (!walker_open(&w, path, true))
        return EXIT_USAGE;
    const TraceHeader *h = trace_reader_header(w.r);
    uint64_t side[TLB_SIDE_COUNT] = {0}, sizes[64] = {0}, faults = 0, news = 0, evk[32] = {0}, ops[6] = {0};
    uint64_t el0_blocks = 0, asids[256] = {0}, asid_other = 0;
    TraceRec rec;
    int k;
    while ((k = walker_next(&w, &rec, NULL)) > 0) {
        switch (rec.kind) {
        case TR_ACCESS:
            side[rec.side]++;
            if (rec.x->mapped)
                sizes[rec.x->size_log2]++;
            else
                faults++;
            if (w.rp.asid < 256)
                asids[w.rp.asid]++;
            else
                asid_other++;
            break;
        case TR_BLOCK:
            el0_blocks += rec.b->el0;
            break;
        case TR_TLBI:
            ops[rec.inv.op]++;
            break;
        case TR_EVENT:
            evk[rec.ev_kind & 31]++;
            break;
        case TR_CONTEXT:
            news++;
            break;
        }
    }
    if (k < 0) {
        walker_close(&w);
        return EXIT_USAGE;
    }
    const TraceTotals *t = trace_reader_totals(w.r);
    printf("trace %s: %s on %s, %llu instructions, %llu accesses\n", path, h->machine, h->core,
           (unsigned long long)t->insns, (unsigned long long)t->accesses);
    printf("accesses by side: fetch %llu, load %llu, store %llu (fetch lookups are one per block page)\n",
           (unsigned long long)side[0], (unsigned long long)side[1], (unsigned long long)side[2]);
    printf("accesses by mapping size:");
    for (int s = 0; s < 64; s++)
        if (sizes[s]) {
            if (s >= 30)
                printf(" %lluG=%llu", 1ull << (s - 30), (unsigned long long)sizes[s]);
            else if (s >= 20)
                printf(" %lluM=%llu", 1ull << (s - 20), (unsigned long long)sizes[s]);
            else
                printf(" %lluK=%llu", 1ull << (s - 10), (unsigned long long)sizes[s]);
        }
    printf(" unmapped=%llu\n", (unsigned long long)faults);
    printf("accesses by ASID:");
    for (int a = 0; a < 256; a++)
        if (asids[a])
            printf(" %d=%llu", a, (unsigned long long)asids[a]);
    if (asid_other)
        printf(" other=%llu", (unsigned long long)asid_other);
    printf("\nblocks: %llu (%llu at EL0), context records %llu\n", (unsigned long long)t->blocks,
           (unsigned long long)el0_blocks, (unsigned long long)news);
    printf("TLB maintenance:");
    for (int i = 0; i < 6; i++)
        printf(" %s=%llu", op_names[i], (unsigned long long)ops[i]);
    printf("\nevents:");
    for (int i = 0; i < 32; i++)
        if (evk[i])
            printf(" %s=%llu", ev_name((unsigned)i), (unsigned long long)evk[i]);
    printf("\nreplayed through the recorded preset:\n");
    tlb_stats_print(w.model, stdout);
    walker_close(&w);
    return EXIT_OK;
}

/* ------------------------------------------------------------------ trace export */
static int export_csv(const char *path, FILE *o)
{
    Walker w;
    if (!walker_open(&w, path, true))
        return EXIT_USAGE;
    TraceRec rec;
    int k;
    fprintf(o, "index,insn,cycle,kind,side,va,size,pa,mapping_size,level,global,asid,tlb,walk_reads,detail\n");
    while ((k = walker_next(&w, &rec, NULL)) > 0) {
        fprintf(o, "%llu,%llu,%llu,", (unsigned long long)(w.index - 1), (unsigned long long)w.rp.insns,
                (unsigned long long)tlb_cycles(w.model));
        switch (rec.kind) {
        case TR_ACCESS: {
            const TraceXlate *x = rec.x;
            fprintf(o, "access,%s,0x%llx,%u,", side_names[rec.side], (unsigned long long)rec.va,
                    rec.side ? 1u << rec.size_log2 : 0);
            if (x->mapped)
                fprintf(o, "0x%llx,%llu,%d,%d,", (unsigned long long)(x->pa_base + (rec.va - x->va_base)),
                        1ull << x->size_log2, x->level, x->global);
            else
                fprintf(o, "fault,,,,");
            fprintf(o, "%u,%s,%u,\n", w.rp.asid, w.rp.hit ? (w.rp.hit_level == 0 ? "hit_l1" : "hit_main") : "miss",
                    w.rp.hit ? 0 : w.rp.reads);
            break;
        }
        case TR_BLOCK:
            fprintf(o, "block,,0x%llx,,,,,,,,,insns=%u\n", (unsigned long long)rec.b->va, rec.b->ninsns);
            break;
        case TR_CONTEXT:
            fprintf(o, "context,,,,,,,,%u,,,%s mmu_%s\n", rec.asid, rec.el0 ? "EL0" : "EL1", rec.mmu_on ? "on" : "off");
            break;
        case TR_TLBI:
            fprintf(o, "tlbi,,0x%llx,,,,,,%u,,,%s\n", (unsigned long long)rec.inv.va, rec.inv.asid,
                    op_names[rec.inv.op]);
            break;
        case TR_EVENT: {
            fprintf(o, "event,,0x%llx,,,,,,,,,\"%s ", (unsigned long long)rec.ev_pc, ev_name(rec.ev_kind));
            for (const char *p = rec.ev_json; *p; p++)
                fputs(*p == '"' ? "\"\"" : (char[]){*p, 0}, o);
            fputs("\"\n", o);
            break;
        }
        }
    }
    walker_close(&w);
    return k == 0 ? EXIT_OK : EXIT_USAGE;
}

/* Chrome trace-event JSON (ui.perfetto.dev, chrome://tracing). Time axis: model cycles shown
 * as microseconds (1 "us" = 1 cycle). */
static int export_perfetto(const char *path, FILE *o, uint64_t interval)
{
    Walker w;
    if (!walker_open(&w, path, true))
        return EXIT_USAGE;
    const TraceHeader *h = trace_reader_header(w.r);
    if (!interval) { /* about 2000 counter samples over the trace */
        const TraceTotals *et = NULL;
        (void)et;
        interval = 10000;
    }
    fprintf(o, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"machine\":\"%s\",\"core\":\"%s\",\"image_sha256\":\"%s\","
               "\"time_unit\":\"1 us on the axis = 1 model cycle\"},\n\"traceEvents\":[\n",
            h->machine, h->core, h->image_sha256);
    fprintf(o, "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"mmuscope %s\"}},\n", h->machine);
    fprintf(o, "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"MMU events\"}},\n");
    fprintf(o, "{\"ph\":\"M\",\"pid\":1,\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"TLB maintenance\"}}");
    TraceRec rec;
    int k;
    uint64_t next = interval, walks0 = 0, cyc0 = 0, ins0 = 0, l1m0 = 0;
    ModelFigures f;
    uint64_t misses_in = 0, walks_in = 0, last_walks = 0; /* misses: first-level TLB misses */
    while ((k = walker_next(&w, &rec, NULL)) > 0) {
        uint64_t cyc = tlb_cycles(w.model);
        if (rec.kind == TR_ACCESS && (!w.rp.hit || w.rp.hit_level > 0))
            misses_in++;
        if (rec.kind == TR_ACCESS && !w.rp.hit)
            walks_in++;
        if (rec.kind == TR_EVENT) {
            fprintf(o, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":1,\"ts\":%llu,\"name\":\"%s\",\"cat\":\"mmu\","
                       "\"args\":{\"pc\":\"0x%llx\",\"insn\":%llu%s%s}}",
                    (unsigned long long)cyc, ev_name(rec.ev_kind), (unsigned long long)rec.ev_pc,
                    (unsigned long long)rec.ev_insn, rec.ev_json[0] ? "," : "", rec.ev_json);
        } else if (rec.kind == TR_TLBI) {
            fprintf(o, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":2,\"ts\":%llu,\"name\":\"TLBI %s\",\"cat\":\"tlb\","
                       "\"args\":{\"va\":\"0x%llx\",\"asid\":%u}}",
                    (unsigned long long)cyc, op_names[rec.inv.op], (unsigned long long)rec.inv.va, rec.inv.asid);
        }
        if (w.rp.insns >= next) {
            uint64_t di = w.rp.insns - ins0, dc = cyc - cyc0;
            fprintf(o, ",\n{\"ph\":\"C\",\"pid\":1,\"ts\":%llu,\"name\":\"first-level TLB misses per %llu insns\","
                       "\"args\":{\"misses\":%llu}}",
                    (unsigned long long)cyc, (unsigned long long)interval, (unsigned long long)misses_in);
            fprintf(o, ",\n{\"ph\":\"C\",\"pid\":1,\"ts\":%llu,\"name\":\"walks per %llu insns\","
                       "\"args\":{\"walks\":%llu}}",
                    (unsigned long long)cyc, (unsigned long long)interval, (unsigned long long)walks_in);
            fprintf(o, ",\n{\"ph\":\"C\",\"pid\":1,\"ts\":%llu,\"name\":\"CPI\",\"args\":{\"cpi\":%.4f}}",
                    (unsigned long long)cyc, di ? (double)dc / (double)di : 0.0);
            last_walks += walks_in;
            walks_in = 0;
            misses_in = 0;
            cyc0 = cyc;
            ins0 = w.rp.insns;
            next = w.rp.insns + interval;
        }
    }
    model_figures(w.model, &f);
    (void)walks0;
    (void)l1m0;
    (void)last_walks;
    fprintf(o, ",\n{\"ph\":\"C\",\"pid\":1,\"ts\":%llu,\"name\":\"walks per %llu insns\",\"args\":{\"walks\":%llu}}",
            (unsigned long long)f.cycles, (unsigned long long)interval, (unsigned long long)walks_in);
    fprintf(o, "\n]}\n");
    walker_close(&w);
    return k == 0 ? EXIT_OK : EXIT_USAGE;
}

static int trace_usage(void)
{
    fputs("usage: mmuscope trace info FILE\n"
          "       mmuscope trace dump [--from N] [--count M] FILE\n"
          "       mmuscope trace stats FILE\n"
          "       mmuscope trace export --format csv|perfetto [--interval INSNS] [-o OUT] FILE\n",
          stderr);
    return EXIT_USAGE;
}

int cmd_trace(int argc, char **argv)
{
    if (argc < 2)
        return trace_usage();
    const char *sub = argv[1];
    static const struct option opts[] = {{"from", required_argument, 0, 'f'},   {"count", required_argument, 0, 'c'},
                                         {"format", required_argument, 0, 'F'}, {"interval", required_argument, 0, 'i'},
                                         {"output", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    uint64_t from = 0, count = UINT64_MAX, interval = 0;
    const char *format = NULL, *out = NULL;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc - 1, argv + 1, "o:", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
        case 'c':
        case 'i':
            if (!cli_parse_u64(optarg, c == 'f' ? &from : c == 'c' ? &count : &interval)) {
                cli_error("trace %s: '%s' is not a number", sub, optarg);
                return EXIT_USAGE;
            }
            break;
        case 'F': format = optarg; break;
        case 'o': out = optarg; break;
        default:
            trace_usage();
            cli_error("trace %s: unknown or incomplete option '%s'", sub, argv[optind]);
            return EXIT_USAGE;
        }
    }
    if (optind + 1 != argc - 1) {
        trace_usage();
        cli_error("trace %s: expected one trace FILE", sub);
        return EXIT_USAGE;
    }
    const char *path = argv[optind + 1];
    if (!strcmp(sub, "info"))
        return trace_info(path);
    if (!strcmp(sub, "dump"))
        return trace_dump(path, from, count);
    if (!strcmp(sub, "stats"))
        return trace_stats(path);
    if (!strcmp(sub, "export")) {
        if (!format || (strcmp(format, "csv") && strcmp(format, "perfetto"))) {
            cli_error("trace export: --format csv or --format perfetto");
            return EXIT_USAGE;
        }
        OutFile of = {0};
        if (out && !out_open(&of, out))
            return EXIT_USAGE;
        FILE *o = out ? of.f : stdout;
        int st = !strcmp(format, "csv") ? export_csv(path, o) : export_perfetto(path, o, interval);
        if (!out_commit(&of, st == EXIT_OK) && st == EXIT_OK)
            st = EXIT_FAILURE_GENERIC;
        return st;
    }
    trace_usage();
    cli_error("trace: unknown subcommand '%s' (info, dump, stats, export)", sub);
    return EXIT_USAGE;
}

/* ------------------------------------------------------------------ replay */
/* Replays path through the configuration c; fills figures; -1 on damage (reported). */
static int replay_one(const char *path, const TlbConfig *c, TlbModel **out, double *secs, uint64_t *accesses)
{
    char err[1024];
    TraceReader *r = trace_reader_open(path, err, sizeof err);
    if (!r) {
        cli_error("%s", err);
        return -1;
    }
    TlbModel *m = tlb_model_create(c, err, sizeof err);
    if (!m) {
        cli_error("%s", err);
        trace_reader_close(r);
        return -1;
    }
    TraceReplay rp = {.m = m};
    double t0 = cpu_s();
    int k = trace_replay_run(r, &rp, err, sizeof err);
    *secs = cpu_s() - t0;
    *accesses = rp.accesses;
    trace_reader_close(r);
    if (k < 0) {
        cli_error("%s", err);
        tlb_model_destroy(m);
        return -1;
    }
    *out = m;
    return 0;
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {{"core", required_argument, 0, 'c'}, {"set", required_argument, 0, 's'},
                                         {"stats", required_argument, 0, 'S'}, {0, 0, 0, 0}};
    const char *core = NULL, *stats = NULL, *sets[MAX_SETS];
    int nsets = 0, c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': core = optarg; break;
        case 'S': stats = optarg; break;
        case 's':
            if (nsets == MAX_SETS) {
                cli_error("replay: too many --set options");
                return EXIT_USAGE;
            }
            sets[nsets++] = optarg;
            break;
        default:
            cli_error("replay: unknown or incomplete option '%s' (usage: mmuscope replay [--core NAME|PATH] "
                      "[--set SECTION.KEY=VALUE]... [--stats FILE] TRACE)", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error("replay: expected one TRACE file");
        return EXIT_USAGE;
    }
    const char *path = argv[optind];
    char err[1024];
    TraceReader *r = trace_reader_open(path, err, sizeof err);
    if (!r) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    TlbConfig cfg;
    bool ok = trace_config_load(&cfg, trace_reader_header(r), core, sets, nsets, err, sizeof err);
    TraceHeader h = *trace_reader_header(r);
    h.core_ini = NULL;
    trace_reader_close(r);
    if (!ok) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    TlbModel *m;
    double secs;
    uint64_t acc;
    if (replay_one(path, &cfg, &m, &secs, &acc) < 0)
        return EXIT_USAGE;
    fprintf(stderr, "mmuscope: replay of %s (%s, recorded on %s) through %s: %llu accesses, %llu instructions, "
                    "%.3f s CPU, %.1f M accesses/s per core\n",
            path, h.machine, h.core, cfg.name, (unsigned long long)acc, (unsigned long long)tlb_instructions(m), secs,
            secs > 0 ? (double)acc / secs / 1e6 : 0.0);
    tlb_stats_print(m, stderr);
    int status = EXIT_OK;
    if (stats) {
        OutFile of;
        if (!out_open(&of, stats)) {
            tlb_model_destroy(m);
            return EXIT_USAGE;
        }
        FILE *f = of.f;
        uint64_t cyc = tlb_cycles(m), ins = tlb_instructions(m);
        fprintf(f, "{\n  \"trace\": \"%s\",\n  \"machine\": \"%s\",\n  \"cpu\": \"%s\",\n  \"recorded_core\": \"%s\",\n",
                path, h.machine, h.cpu, h.core);
        fprintf(f, "  \"instructions\": %llu,\n  \"accesses\": %llu,\n  \"replay_seconds\": %.6f,\n",
                (unsigned long long)ins, (unsigned long long)acc, secs);
        fprintf(f, "  \"core\": \"%s\",\n  \"cycles\": %llu,\n  \"cpi\": %.4f,\n  \"tlb\": ", cfg.name,
                (unsigned long long)cyc, ins ? (double)cyc / (double)ins : 0.0);
        tlb_stats_json(m, f);
        fprintf(f, "\n}\n");
        if (!out_commit(&of, true))
            status = EXIT_FAILURE_GENERIC;
    }
    tlb_model_destroy(m);
    return status;
}

/* ------------------------------------------------------------------ sweep */
typedef struct Param {
    char name[96];
    char *values[MAX_VALUES];
    int nvalues;
} Param;

/* A CSV field (RFC 4180): quoted when it holds a comma or a quote, a quote doubled */
static void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\""))
        cli_write_quoted(f, s, '"');
    else
        fputs(s, f);
}

static void csv_header(FILE *f, const Param *p, int np)
{
    fprintf(f, "trace,core");
    for (int i = 0; i < np; i++) {
        fputc(',', f);
        csv_field(f, p[i].name);
    }
    fprintf(f, ",accesses,instructions,l1_misses,main_lookups,main_hits,main_misses,main_evictions,walks,"
               "descriptor_reads,walk_cache_hits,cycles,cpi\n");
}

/* One (trace, configuration): the CSV row, or an error line starting with "error:" */
static void sweep_job(const char *trace, const char *core, const Param *p, int np, const int *idx, FILE *out)
{
    char err[1024];
    const char *sets[MAX_PARAMS];
    char buf[MAX_PARAMS][256];
    for (int i = 0; i < np; i++) {
        snprintf(buf[i], sizeof buf[i], "%.90s=%.150s", p[i].name, p[i].values[idx[i]]);
        sets[i] = buf[i];
    }
    TraceReader *r = trace_reader_open(trace, err, sizeof err);
    TlbConfig cfg;
    if (!r || !trace_config_load(&cfg, trace_reader_header(r), core, sets, np, err, sizeof err)) {
        fprintf(out, "error: %s\n", err);
        trace_reader_close(r);
        return;
    }
    trace_reader_close(r);
    TlbModel *m;
    double secs;
    uint64_t acc;
    if (replay_one(trace, &cfg, &m, &secs, &acc) < 0) {
        fprintf(out, "error: %s: damaged trace\n", trace);
        return;
    }
    ModelFigures f;
    model_figures(m, &f);
    csv_field(out, trace);
    fputc(',', out);
    csv_field(out, cfg.name);
    for (int i = 0; i < np; i++) {
        fputc(',', out);
        csv_field(out, p[i].values[idx[i]]);
    }
    fprintf(out, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%.4f\n", (unsigned long long)acc,
            (unsigned long long)f.insns, (unsigned long long)f.l1_misses, (unsigned long long)f.main_lookups,
            (unsigned long long)f.main_hits, (unsigned long long)f.main_misses, (unsigned long long)f.main_evictions,
            (unsigned long long)f.walks, (unsigned long long)f.descriptor_reads, (unsigned long long)f.wc_hits,
            (unsigned long long)f.cycles, f.insns ? (double)f.cycles / (double)f.insns : 0.0);
    tlb_model_destroy(m);
}

/* true when every value is a positive number; then *lo and *hi are the extremes */
static bool param_numeric(const Param *p, double *lo, double *hi)
{
    for (int v = 0; v < p->nvalues; v++) {
        char *end;
        double d = strtod(p->values[v], &end);
        if (*end || end == p->values[v] || d <= 0)
            return false;
        *lo = v == 0 || d < *lo ? d : *lo;
        *hi = v == 0 || d > *hi ? d : *hi;
    }
    return true;
}

#define PLOT_MAX_LINES 10

/* The points of one line: the jobs whose parameters other than i equal idx (all jobs of the trace
 * when idx is NULL), as "x walks cycles" rows in x order, x being the value of parameter i or, for
 * words (lru, plru ...), its position in the list. */
static void gp_block(FILE *g, const char *name, const Param *p, int np, int i, bool numeric, int ntraces, int t,
                     const int *idx, uint64_t njobs, const double *walks, const double *cycles, const bool *have)
{
    fprintf(g, "%s << EOD\n", name);
    for (int v = 0; v < p[i].nvalues; v++) {
        /* numeric values in increasing order: the v-th smallest (ties by position) */
        int at = v;
        if (numeric) {
            double want[MAX_VALUES];
            int order[MAX_VALUES];
            for (int k = 0; k < p[i].nvalues; k++) {
                want[k] = strtod(p[i].values[k], NULL);
                order[k] = k;
            }
            for (int k = 1; k < p[i].nvalues; k++)
                for (int m = k; m > 0 && want[order[m]] < want[order[m - 1]]; m--) {
                    int x = order[m];
                    order[m] = order[m - 1];
                    order[m - 1] = x;
                }
            at = order[v];
        }
        for (uint64_t j = 0; j < njobs; j++) {
            if (!have[j] || (int)(j % (uint64_t)ntraces) != t)
                continue;
            uint64_t conf = j / (uint64_t)ntraces;
            int ji[MAX_PARAMS];
            for (int k = np - 1; k >= 0; k--) {
                ji[k] = (int)(conf % (uint64_t)p[k].nvalues);
                conf /= (uint64_t)p[k].nvalues;
            }
            bool match = ji[i] == at;
            for (int k = 0; k < np && match && idx; k++)
                if (k != i && ji[k] != idx[k])
                    match = false;
            if (!match)
                continue;
            if (numeric)
                fprintf(g, "%s %.17g %.17g\n", p[i].values[at], walks[j], cycles[j]);
            else
                fprintf(g, "%d %.17g %.17g\n", at, walks[j], cycles[j]);
        }
    }
    fprintf(g, "EOD\n");
}

/* PREFIX.png and PREFIX.svg: walks and cycles against each parameter, through gnuplot. The
 * points are the jobs' walks and cycles, written into the script as data blocks. */
static bool plot(const char *prefix, const Param *p, int np, int ntraces, char **traces, uint64_t njobs,
                 const double *walks, const double *cycles, const bool *have)
{
    char gp[1100];
    snprintf(gp, sizeof gp, "%s.gp", prefix);
    FILE *g = fopen(gp, "w");
    if (!g)
        return false;
    /* the data: per parameter, one block per line (trace and combination of the other
     * parameters' values) when that is few enough to read, else one per trace (points: the other
     * parameters vary at each x) */
    int nlines[MAX_PARAMS];
    bool lines[MAX_PARAMS], numeric[MAX_PARAMS];
    double lo[MAX_PARAMS], hi[MAX_PARAMS];
    for (int i = 0; i < np; i++) {
        numeric[i] = param_numeric(&p[i], &lo[i], &hi[i]);
        uint64_t ncomb = 1;
        for (int j = 0; j < np; j++)
            if (j != i)
                ncomb *= (uint64_t)p[j].nvalues;
        lines[i] = ncomb * (uint64_t)ntraces <= PLOT_MAX_LINES;
        nlines[i] = (int)(lines[i] ? ncomb : 1);
        for (int t = 0; t < ntraces; t++)
            for (int c = 0; c < nlines[i]; c++) {
                int idx[MAX_PARAMS] = {0};
                uint64_t rest = (uint64_t)c;
                for (int j = np - 1; j >= 0; j--) {
                    if (j == i)
                        continue;
                    idx[j] = (int)(rest % (uint64_t)p[j].nvalues);
                    rest /= (uint64_t)p[j].nvalues;
                }
                char name[64];
                snprintf(name, sizeof name, "$p%d_t%d_c%d", i, t, c);
                gp_block(g, name, p, np, i, numeric[i], ntraces, t, lines[i] ? idx : NULL, njobs, walks, cycles,
                         have);
            }
    }
    for (int fmt = 0; fmt < 2; fmt++) {
        /* noenhanced: '_' in walk_cache.entries is not a subscript */
        fprintf(g, "set terminal %s noenhanced size 1000,%d\nset output ", fmt ? "svg" : "pngcairo", 400 * np);
        char out[1110];
        snprintf(out, sizeof out, "%s.%s", prefix, fmt ? "svg" : "png");
        cli_gp_string(g, out);
        fprintf(g, "\nset grid\nset key inside top right font ',9' samplen 2\nset format y '%%.3s%%c'\n"
                   "set multiplot layout %d,2\n", np);
        for (int i = 0; i < np; i++) {
            /* ticks at the swept values; sizes spanning a factor of 8 or more on a log2 axis */
            fprintf(g, "set xtics (");
            for (int v = 0; v < p[i].nvalues; v++) {
                if (v)
                    fprintf(g, ", ");
                if (numeric[i]) {
                    fprintf(g, "%s", p[i].values[v]);
                } else {
                    cli_gp_string(g, p[i].values[v]);
                    fprintf(g, " %d", v);
                }
            }
            bool log2x = numeric[i] && hi[i] >= 8 * lo[i];
            fprintf(g, ")\n%s\n", log2x ? "set logscale x 2" : "unset logscale x");
            /* a margin left and right of the first and last value */
            if (!numeric[i])
                fprintf(g, "set xrange [-0.5:%d.5]\n", p[i].nvalues - 1);
            else if (log2x)
                fprintf(g, "set xrange [%.17g:%.17g]\n", lo[i] / 1.15, hi[i] * 1.15);
            else if (hi[i] > lo[i])
                fprintf(g, "set xrange [%.17g:%.17g]\n", lo[i] - (hi[i] - lo[i]) * 0.05, hi[i] + (hi[i] - lo[i]) * 0.05);
            else
                fprintf(g, "set xrange [%.17g:%.17g]\n", lo[i] * 0.9, hi[i] * 1.1);
            /* room above the data for the key, a line of it per series */
            fprintf(g, "set offsets 0, 0, graph %.2f, 0\n", 0.1 + 0.12 * nlines[i] * ntraces);
            for (int which = 0; which < 2; which++) {
                char title[300];
                snprintf(title, sizeof title, "%s vs %.96s", which ? "cycles" : "TLB misses (walks)", p[i].name);
                fprintf(g, "set title ");
                cli_gp_string(g, title);
                fprintf(g, "\nset xlabel ");
                cli_gp_string(g, p[i].name);
                fprintf(g, "\nset ylabel '%s'\nplot ", which ? "cycles" : "walks");
                for (int t = 0; t < ntraces; t++)
                    for (int c = 0; c < nlines[i]; c++) {
                        /* the line's label: the trace (when several) and the other parameters */
                        char label[600] = "";
                        size_t ll = 0;
                        if (ntraces > 1 || !lines[i] || np == 1) {
                            const char *base = strrchr(traces[t], '/');
                            ll += (size_t)snprintf(label, sizeof label, "%s", base ? base + 1 : traces[t]);
                        }
                        if (lines[i]) {
                            uint64_t rest = (uint64_t)c;
                            int idx[MAX_PARAMS] = {0};
                            for (int j = np - 1; j >= 0; j--) {
                                if (j == i)
                                    continue;
                                idx[j] = (int)(rest % (uint64_t)p[j].nvalues);
                                rest /= (uint64_t)p[j].nvalues;
                            }
                            for (int j = 0; j < np && ll < sizeof label; j++)
                                if (j != i)
                                    ll += (size_t)snprintf(label + ll, sizeof label - ll, "%s%s=%s", ll ? " " : "",
                                                           p[j].name, p[j].values[idx[j]]);
                        }
                        fprintf(g, "%s$p%d_t%d_c%d using 1:%d with %s title ", t || c ? ", \\\n     " : "", i, t, c,
                                which ? 3 : 2, lines[i] ? "linespoints pt 7" : "points pt 7");
                        cli_gp_string(g, label);
                    }
                fprintf(g, "\n");
            }
        }
        fprintf(g, "unset multiplot\n");
    }
    fclose(g);
    /* gnuplot SCRIPT, without a shell (any path is fine); the first line it prints is shown */
    int fd[2];
    if (pipe(fd) != 0)
        return false;
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return false;
    }
    if (pid == 0) {
        dup2(fd[1], STDOUT_FILENO);
        dup2(fd[1], STDERR_FILENO);
        close(fd[0]);
        close(fd[1]);
        execlp("gnuplot", "gnuplot", gp, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    FILE *pp = fdopen(fd[0], "r");
    char line[512];
    bool any = false;
    while (pp && fgets(line, sizeof line, pp)) {
        if (!any)
            fprintf(stderr, "mmuscope: gnuplot: %s", line);
        any = true;
    }
    if (pp)
        fclose(pp);
    else
        close(fd[0]);
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return false;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int cmd_sweep(int argc, char **argv)
{
    static const struct option opts[] = {{"param", required_argument, 0, 'p'}, {"core", required_argument, 0, 'c'},
                                         {"out", required_argument, 0, 'o'},   {"jobs", required_argument, 0, 'j'},
                                         {"shard", required_argument, 0, 'S'}, {"no-plot", no_argument, 0, 'N'},
                                         {0, 0, 0, 0}};
    Param params[MAX_PARAMS];
    int np = 0, c;
    const char *core = NULL, *prefix = "sweep";
    uint64_t jobs = 0, shard_i = 0, shard_n = 1;
    bool no_plot = false;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'p': {
            const char *eq = strchr(optarg, '=');
            if (np == MAX_PARAMS || !eq || eq == optarg || (size_t)(eq - optarg) >= sizeof params[0].name || !eq[1]) {
                cli_error("sweep: --param wants SECTION.KEY=V1,V2,... (at most %d parameters)", MAX_PARAMS);
                return EXIT_USAGE;
            }
            Param *p = &params[np++];
            memset(p, 0, sizeof *p);
            memcpy(p->name, optarg, (size_t)(eq - optarg));
            char *list = (char *)eq + 1; /* the values stay in argv */
            for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (p->nvalues == MAX_VALUES) {
                    cli_error("sweep: more than %d values for %s", MAX_VALUES, p->name);
                    return EXIT_USAGE;
                }
                p->values[p->nvalues++] = tok;
            }
            if (!p->nvalues) {
                cli_error("sweep: --param %s has no values", p->name);
                return EXIT_USAGE;
            }
            break;
        }
        case 'c': core = optarg; break;
        case 'o': prefix = optarg; break;
        case 'N': no_plot = true; break;
        case 'j':
            if (!cli_parse_u64(optarg, &jobs) || jobs == 0 || jobs > 256) {
                cli_error("sweep: --jobs wants 1..256");
                return EXIT_USAGE;
            }
            break;
        case 'S': {
            char *sl = strchr(optarg, '/');
            if (!sl) {
                cli_error("sweep: --shard wants I/N (0 <= I < N)");
                return EXIT_USAGE;
            }
            *sl = 0;
            if (!cli_parse_u64(optarg, &shard_i) || !cli_parse_u64(sl + 1, &shard_n) || shard_n == 0 ||
                shard_i >= shard_n) {
                cli_error("sweep: --shard wants I/N (0 <= I < N)");
                return EXIT_USAGE;
            }
            break;
        }
        default:
            cli_error("sweep: unknown or incomplete option '%s' (usage: mmuscope sweep --param K=V1,V2... "
                      "[--param ...] [--core NAME] [--out PREFIX] [--jobs N] [--shard I/N] [--no-plot] TRACE...)",
                      argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (!np) {
        cli_error("sweep: give at least one --param SECTION.KEY=V1,V2,...");
        return EXIT_USAGE;
    }
    int ntraces = argc - optind;
    if (ntraces < 1 || ntraces > MAX_TRACES) {
        cli_error("sweep: expected 1..%d TRACE files", MAX_TRACES);
        return EXIT_USAGE;
    }
    char **traces = argv + optind;
    for (int t = 0; t < ntraces; t++)
        if (strpbrk(traces[t], "\n\r")) {
            cli_error("sweep: a trace path with a line break cannot go into a CSV row: %s", traces[t]);
            return EXIT_USAGE;
        }
    /* check every trace and every value before forking anything */
    uint64_t nconf = 1;
    for (int i = 0; i < np; i++)
        nconf *= (uint64_t)params[i].nvalues;
    for (int t = 0; t < ntraces; t++) {
        char err[1024];
        TraceReader *r = trace_reader_open(traces[t], err, sizeof err);
        if (!r) {
            cli_error("%s", err);
            return EXIT_USAGE;
        }
        for (int i = 0; i < np; i++)
            for (int v = 0; v < params[i].nvalues; v++) {
                char s[400];
                const char *sp = s;
                snprintf(s, sizeof s, "%.90s=%.290s", params[i].name, params[i].values[v]);
                TlbConfig cfg;
                if (!trace_config_load(&cfg, trace_reader_header(r), core, &sp, 1, err, sizeof err)) {
                    cli_error("%s", err);
                    trace_reader_close(r);
                    return EXIT_USAGE;
                }
            }
        trace_reader_close(r);
    }
    if (!jobs) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        jobs = n > 0 ? (uint64_t)n : 1;
    }
    uint64_t njobs = nconf * (uint64_t)ntraces;
    char csv[1100];
    snprintf(csv, sizeof csv, "%s.csv", prefix);
    OutFile of;
    if (!out_open(&of, csv))
        return EXIT_USAGE;
    FILE *out = of.f;
    csv_header(out, params, np);
    typedef struct Slot {
        pid_t pid;
        FILE *rd;
        uint64_t job;
    } Slot;
    Slot *running = calloc(jobs, sizeof *running);
    char **rows = calloc(njobs, sizeof *rows);
    uint64_t next = 0, done = 0, failed = 0, mine = 0;
    double t0 = now_s();
    for (uint64_t j = 0; j < njobs; j++)
        if (j % shard_n == shard_i)
            mine++;
    fflush(stdout);
    fflush(stderr);
    while (done < mine) {
        /* start jobs while there are free slots */
        for (uint64_t s = 0; s < jobs && next < njobs; s++) {
            if (running[s].pid)
                continue;
            while (next < njobs && next % shard_n != shard_i)
                next++;
            if (next >= njobs)
                break;
            int fd[2];
            if (pipe(fd) != 0) {
                cli_error("sweep: pipe: %s", strerror(errno));
                exit(EXIT_FAILURE_GENERIC); /* running jobs end on their own */
            }
            pid_t pid = fork();
            if (pid < 0) {
                cli_error("sweep: fork: %s", strerror(errno));
                exit(EXIT_FAILURE_GENERIC);
            }
            if (pid == 0) {
                close(fd[0]);
                FILE *w = fdopen(fd[1], "w");
                uint64_t conf = next / (uint64_t)ntraces;
                int idx[MAX_PARAMS];
                for (int i = np - 1; i >= 0; i--) {
                    idx[i] = (int)(conf % (uint64_t)params[i].nvalues);
                    conf /= (uint64_t)params[i].nvalues;
                }
                sweep_job(traces[next % (uint64_t)ntraces], core, params, np, idx, w);
                fclose(w);
                _exit(0);
            }
            close(fd[1]);
            running[s] = (Slot){pid, fdopen(fd[0], "r"), next};
            next++;
        }
        /* collect one finished job: read its row (small), then reap it */
        int status;
        pid_t pid = wait(&status);
        if (pid < 0)
            break;
        for (uint64_t s = 0; s < jobs; s++) {
            if (running[s].pid != pid)
                continue;
            char line[4096] = "";
            if (!running[s].rd || !fgets(line, sizeof line, running[s].rd) || strncmp(line, "error:", 6) == 0 ||
                !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                cli_error("sweep: job %llu failed: %s", (unsigned long long)running[s].job,
                          line[0] ? line : "no output\n");
                failed++;
            } else {
                rows[running[s].job] = strdup(line);
            }
            if (running[s].rd)
                fclose(running[s].rd);
            running[s].pid = 0;
            done++;
        }
    }
    /* the plot's points: walks and cycles, the 5th and 2nd fields from a row's end (a trace's
     * path may hold commas) */
    double *walks = calloc(njobs, sizeof *walks), *cycles = calloc(njobs, sizeof *cycles);
    bool *have = calloc(njobs, sizeof *have);
    for (uint64_t j = 0; j < njobs; j++)
        if (rows[j]) {
            fputs(rows[j], out);
            const char *f[5] = {0};
            int n = 0;
            for (const char *q = rows[j] + strlen(rows[j]); q > rows[j] && n < 5; q--)
                if (q[-1] == ',')
                    f[n++] = q;
            if (walks && cycles && have && n == 5) {
                walks[j] = strtod(f[4], NULL);
                cycles[j] = strtod(f[1], NULL);
                have[j] = true;
            }
            free(rows[j]);
        }
    free(rows);
    free(running);
    if (!out_commit(&of, true))
        return EXIT_FAILURE_GENERIC;
    fprintf(stderr, "mmuscope: sweep: %llu replays (%llu configurations x %d traces%s) on %llu processes in %.2f s: %s\n",
            (unsigned long long)mine, (unsigned long long)nconf, ntraces, shard_n > 1 ? ", this shard" : "",
            (unsigned long long)jobs, now_s() - t0, csv);
    int status = EXIT_OK;
    if (failed) {
        status = EXIT_FAILURE_GENERIC;
    } else if (!walks || !cycles || !have) {
        cli_error("sweep: out of memory for the plot; the CSV is complete: %s", csv);
        status = EXIT_FAILURE_GENERIC;
    } else if (!no_plot) {
        if (plot(prefix, params, np, ntraces, traces, njobs, walks, cycles, have)) {
            fprintf(stderr, "mmuscope: sweep: plots %s.png and %s.svg\n", prefix, prefix);
        } else {
            cli_error("sweep: gnuplot failed (is gnuplot installed?); the CSV is complete: %s", csv);
            status = EXIT_FAILURE_GENERIC;
        }
    }
    free(walks);
    free(cycles);
    free(have);
    return status;
}
