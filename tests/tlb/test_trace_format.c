/* Trace format building blocks: CRC-32, SHA-256, varints, and the writer/reader round trip,
 * truncation and bit flips. Expected values are the published check values (cited inline). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "trace_format.h"
#include "tlb_test_util.h"

/* CRC-32 bit by bit (the definition: reflected, polynomial 0xEDB88320, init and xorout ~0),
 * independent of the table-driven code under test */
static uint32_t crc_bitwise(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & -(c & 1));
    }
    return ~c;
}

static void hex(const uint8_t *d, char *out)
{
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

static void test_crc(void)
{
    /* "123456789" -> 0xCBF43926: the CRC-32 check value (zlib, ISO-HDLC in the CRC catalogue) */
    tap_is(trace_crc32(0, "123456789", 9), 0xcbf43926u, "crc32(\"123456789\") = 0xcbf43926");
    tap_is(trace_crc32(0, "", 0), 0, "crc32 of nothing = 0");
    tap_is(trace_crc32(trace_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u, "crc32 continues across calls");
    uint8_t buf[1000];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    bool all = true;
    for (size_t n = 0; n <= sizeof buf; n += 37)
        all &= trace_crc32(0, buf + (n % 7), n - (n % 7)) == crc_bitwise(buf + (n % 7), n - (n % 7));
    tap_ok(all, "zlib's crc32 = bit-by-bit crc32 at 28 lengths and unaligned starts");
}

static void test_sha(const char *impl)
{
    /* FIPS 180-2 appendix B.1 / B.2 examples, and the empty message */
    struct { const char *msg, *want; } v[] = {
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
    };
    for (size_t i = 0; i < 3; i++) {
        TraceSha256 s;
        uint8_t d[32];
        char h[65];
        trace_sha256_init(&s);
        /* fed one byte at a time for the long one: the buffering path */
        if (i == 2)
            for (const char *p = v[i].msg; *p; p++)
                trace_sha256_update(&s, p, 1);
        else
            trace_sha256_update(&s, v[i].msg, strlen(v[i].msg));
        trace_sha256_final(&s, d);
        hex(d, h);
        tap_ok(!strcmp(h, v[i].want), "%s sha256(\"%.10s...\") = %.16s...", impl, v[i].msg, v[i].want);
    }
    /* one million 'a' (FIPS 180-2 B.3) */
    TraceSha256 s;
    uint8_t d[32], a[1000];
    char h[65];
    memset(a, 'a', sizeof a);
    trace_sha256_init(&s);
    for (int i = 0; i < 1000; i++)
        trace_sha256_update(&s, a, sizeof a);
    trace_sha256_final(&s, d);
    hex(d, h);
    tap_ok(!strcmp(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"), "%s sha256(10^6 x 'a')",
           impl);
}

static void test_varint(void)
{
    uint8_t b[16];
    /* LEB128 as in the protobuf encoding docs: 1 -> 01, 150 -> 96 01, 300 -> ac 02 */
    tap_ok(trace_put_varint(b, 1) == 1 && b[0] == 1, "varint 1 = 01");
    tap_ok(trace_put_varint(b, 150) == 2 && b[0] == 0x96 && b[1] == 0x01, "varint 150 = 96 01");
    tap_ok(trace_put_varint(b, 300) == 2 && b[0] == 0xac && b[1] == 0x02, "varint 300 = ac 02");
    /* 2^64-1: 64 bits / 7 per byte = 10 bytes, the last holding the top bit */
    size_t n = trace_put_varint(b, UINT64_MAX);
    tap_ok(n == 10 && b[9] == 0x01, "varint 2^64-1 is 10 bytes ending in 01");
    uint64_t v = 0;
    tap_ok(trace_get_varint(b, b + 10, &v) == 10 && v == UINT64_MAX, "and reads back");
    tap_is(trace_get_varint(b, b + 9, &v), 0, "a varint cut short reads as an error");
    uint8_t over[11];
    memset(over, 0xff, sizeof over);
    over[10] = 0;
    tap_is(trace_get_varint(over, over + 11, &v), 0, "an 11-byte varint is an error");
    over[9] = 0x02; /* 10 bytes but bit 64 set */
    tap_is(trace_get_varint(over, over + 10, &v), 0, "a varint above 2^64-1 is an error");
    /* zigzag (protobuf docs): 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, 2147483647 -> 4294967294 */
    tap_ok(trace_zigzag(0) == 0 && trace_zigzag(-1) == 1 && trace_zigzag(1) == 2 && trace_zigzag(-2) == 3 &&
               trace_zigzag(2147483647) == 4294967294u,
           "zigzag 0,-1,1,-2,2^31-1 -> 0,1,2,3,2^32-2");
    tap_ok(trace_unzigzag(trace_zigzag(INT64_MIN)) == INT64_MIN && trace_unzigzag(trace_zigzag(INT64_MAX)) == INT64_MAX,
           "zigzag round trip at the int64 limits");
}

/* ---- round trip ---- */
typedef struct Gen {
    uint64_t s;
} Gen;
static uint64_t rnd(Gen *g)
{
    g->s ^= g->s << 13;
    g->s ^= g->s >> 7;
    g->s ^= g->s << 17;
    return g->s;
}

#define NREC 60000
typedef struct Want {
    TraceRecKind kind;
    uint8_t side, size_log2;
    uint64_t va;
    TraceXlate x;
    TraceBlock b;
    uint16_t asid;
    uint8_t el0, mmu_on;
    TlbInval inv;
    char json[64];
} Want;

static Want *want;

static void make_xlate(Gen *g, uint64_t va, TraceXlate *x)
{
    memset(x, 0, sizeof *x);
    x->mapped = rnd(g) % 8 != 0;
    x->fmt = (uint8_t)(rnd(g) % 4);
    x->start_level = (int8_t)(rnd(g) % 3);
    x->level = (int8_t)(x->start_level + rnd(g) % 2);
    x->ndesc = (uint8_t)(1 + rnd(g) % 4);
    x->perms = (uint8_t)(rnd(g) & 0x3f);
    x->global = rnd(g) & 1;
    x->ttbr1 = rnd(g) & 1;
    for (int i = 0; i < x->ndesc; i++)
        x->desc_pa[i] = (rnd(g) & 0xffffffff8ull);
    if (x->mapped) {
        x->size_log2 = (rnd(g) & 1) ? 12 : 21;
        x->va_base = va & ~((1ull << x->size_log2) - 1);
        x->pa_base = (rnd(g) & 0xffffffffffull) & ~((1ull << x->size_log2) - 1);
    } else {
        x->va_base = va & ~0xfffull;
    }
}

static bool write_trace(const char *path, uint64_t *nrec_out)
{
    FILE *f = fopen(path, "wb");
    TraceHeader h;
    memset(&h, 0, sizeof h);
    snprintf(h.machine, sizeof h.machine, "unit");
    snprintf(h.core, sizeof h.core, "cortex-a53");
    snprintf(h.isa, sizeof h.isa, "a64");
    h.core_ini = "[core]\nname = unit\n";
    char err[256];
    TraceWriter *w = trace_writer_open(f, &h, err, sizeof err);
    if (!w)
        return false;
    Gen g = {88172645463325252ull};
    TraceXlate pool[40];
    uint64_t pool_va[40];
    for (int i = 0; i < 40; i++) {
        pool_va[i] = (rnd(&g) & 0xffffffffff000ull) | (i % 2 ? 0xffff000000000000ull : 0);
        make_xlate(&g, pool_va[i], &pool[i]);
    }
    TraceBlock blocks[20];
    for (int i = 0; i < 20; i++) {
        memset(&blocks[i], 0, sizeof blocks[i]);
        blocks[i].va = 0x80800000 + 64 * (rnd(&g) % 1000);
        uint32_t n = 0;
        for (int k = 0; k < TLB_C_COUNT; k++) {
            blocks[i].classes[k] = (uint32_t)(rnd(&g) % 5);
            if (k != TLB_C_LOAD_USE)
                n += blocks[i].classes[k];
        }
        blocks[i].ninsns = n;
        blocks[i].word = (uint32_t)rnd(&g);
    }
    uint64_t n = 0, cookie[20] = {0};
    /* the translation of the blocks' code: a 2 MiB mapping holding every block */
    TraceXlate bx;
    make_xlate(&g, 0x80800000, &bx);
    bx.mapped = 1;
    bx.size_log2 = 21;
    bx.va_base = 0x80800000;
    bx.pa_base = 0x40800000;
    for (int i = 0; i < NREC; i++) {
        Want *wt = &want[n];
        memset(wt, 0, sizeof *wt);
        unsigned k = (unsigned)(rnd(&g) % 100);
        if (k < 70) {
            int p = (int)(rnd(&g) % (k < 40 ? 2 : 40)); /* mostly the same two translations */
            uint64_t off = rnd(&g) % (pool[p].mapped ? (1ull << pool[p].size_log2) : 4096);
            uint64_t va = (pool[p].mapped ? pool[p].va_base : pool_va[p] & ~0xfffull) + off;
            wt->kind = TR_ACCESS;
            wt->side = (uint8_t)(rnd(&g) % 3);
            wt->size_log2 = wt->side ? (uint8_t)(rnd(&g) % 4) : 0;
            wt->va = va;
            wt->x = pool[p];
            trace_w_access(w, (TlbSide)wt->side, va, wt->size_log2, &pool[p], 0);
        } else if (k < 90) {
            int b = (int)(rnd(&g) % 20);
            wt->kind = TR_BLOCK;
            wt->b = blocks[b];
            /* half of them by the cookie of an earlier trace_w_block of the same block (refused
             * once its slot holds another block or a new chunk began) */
            if (!(cookie[b] && !(rnd(&g) % 2) && trace_w_block_held(w, cookie[b], blocks[b].ninsns)))
                cookie[b] = trace_w_block(w, &blocks[b]);
            if (rnd(&g) % 3) {
                /* its fetch lookup at the block's VA: when the previous fetch had the same
                 * translation, the writer folds it into the block record (version 2) */
                Want *wf = &want[++n];
                memset(wf, 0, sizeof *wf);
                wf->kind = TR_ACCESS;
                wf->side = TLB_SIDE_FETCH;
                wf->va = blocks[b].va;
                wf->x = bx;
                trace_w_access(w, TLB_SIDE_FETCH, blocks[b].va, 0, &bx, 0);
            }
        } else if (k < 95) {
            wt->kind = TR_CONTEXT;
            wt->asid = (uint16_t)i; /* always a change: the writer drops repeats of the current context */
            wt->el0 = rnd(&g) & 1;
            wt->mmu_on = 1;
            trace_w_context(w, wt->asid, wt->el0, wt->mmu_on);
        } else if (k < 98) {
            wt->kind = TR_TLBI;
            wt->inv = (TlbInval){(TlbInvalOp)(rnd(&g) % 6), rnd(&g) & 0xfffffffff000ull, (uint16_t)(rnd(&g) % 256), 0};
            trace_w_tlbi(w, &wt->inv);
        } else {
            wt->kind = TR_EVENT;
            snprintf(wt->json, sizeof wt->json, "\"reg\":\"TTBR0_EL1\",\"value\":\"0x%llx\"",
                     (unsigned long long)(rnd(&g) & 0xffffff));
            trace_w_event(w, 0, 0x80801000, (uint64_t)i, wt->json);
        }
        n++;
    }
    *nrec_out = n;
    bool ok = trace_writer_close(w);
    fclose(f);
    return ok;
}

/* Reads path and compares with want, skipping the context records the writer repeats at each
 * chunk start. Returns the number of wanted records matched before the end; *status the
 * reader's last result; *bad whether a delivered record differed. */
static uint64_t read_back(const char *path, uint64_t nwant, int *status, bool *bad, char *err, size_t errlen)
{
    *bad = false;
    TraceReader *r = trace_reader_open(path, err, errlen);
    if (!r) {
        *status = -2;
        return 0;
    }
    TraceRec rec;
    uint64_t i = 0;
    uint16_t asid = 0;
    uint8_t el0 = 0;
    int k;
    while ((k = trace_reader_next(r, &rec, err, errlen)) > 0) {
        if (i >= nwant) {
            *bad = true;
            break;
        }
        const Want *wt = &want[i];
        if (rec.kind == TR_CONTEXT && i > 0 && rec.asid == asid && rec.el0 == el0 &&
            !(wt->kind == TR_CONTEXT && wt->asid == asid && wt->el0 == el0))
            continue; /* the writer repeats the current context at each chunk start */
        bool same = rec.kind == wt->kind;
        if (same && rec.kind == TR_ACCESS)
            same = rec.side == wt->side && rec.size_log2 == wt->size_log2 && rec.va == wt->va &&
                   !memcmp(rec.x, &wt->x, sizeof wt->x);
        else if (same && rec.kind == TR_BLOCK)
            same = !memcmp(rec.b, &wt->b, sizeof wt->b);
        else if (same && rec.kind == TR_CONTEXT) {
            same = rec.asid == wt->asid && rec.el0 == wt->el0 && rec.mmu_on == wt->mmu_on;
            asid = rec.asid;
            el0 = rec.el0;
        } else if (same && rec.kind == TR_TLBI)
            same = rec.inv.op == wt->inv.op && rec.inv.va == wt->inv.va && rec.inv.asid == wt->inv.asid &&
                   rec.inv.vmid == wt->inv.vmid;
        else if (same && rec.kind == TR_EVENT)
            same = !strcmp(rec.ev_json, wt->json) && rec.ev_pc == 0x80801000;
        if (!same) {
            if (getenv("TRACE_UNIT_DEBUG"))
                printf("# record %llu: kind %d, wanted %d; va %llx/%llx side %d/%d size %d/%d\n", (unsigned long long)i,
                       rec.kind, wt->kind, (unsigned long long)rec.va, (unsigned long long)wt->va, rec.side, wt->side,
                       rec.size_log2, wt->size_log2);
            *bad = true;
            break;
        }
        i++;
    }
    *status = k;
    trace_reader_close(r);
    return i;
}

/* ---- trace_replay_run against trace_replay_record on every record ---- */
static TlbModel *replay_model(TlbRepl r, bool split, char *err, size_t errlen)
{
    TlbConfig c;
    tlb_config_init(&c);
    snprintf(c.name, sizeof c.name, "unit-%s", tlb_repl_name(r));
    c.itlb = tt_cfg("itlb", 4, 0, r);
    if (split) {
        c.dtlb_load = tt_cfg("dtlb_load", 4, 2, r);
        c.dtlb_store = tt_cfg("dtlb_store", 4, 0, r);
    } else {
        c.dtlb = tt_cfg("dtlb", 8, 2, r);
    }
    c.unified[0] = tt_cfg("main_tlb", 32, 4, r);
    c.unified[0].latency = 2;
    c.unified[0].miss_penalty = 3;
    c.walk_cache = tt_cfg("walk_cache", 8, 0, r);
    c.mem_latency = 20;
    c.asid_bits = 8;
    c.seed = 5;
    return tlb_model_create(&c, err, errlen);
}

/* Everything the model holds: statistics and every entry with its replacement stamp. */
static char *model_state(TlbModel *m)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tlb_stats_json(m, f);
    static const char *const names[] = {"itlb", "dtlb", "dtlb_load", "dtlb_store", "main_tlb", "walk_cache"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        TlbStruct *t = tlb_model_struct(m, names[k]);
        for (unsigned i = 0; t && i < tlb_struct_config(t)->entries; i++) {
            TlbEntryView e;
            uint64_t stamp;
            if (tlb_struct_entry(t, i, &e, &stamp))
                fprintf(f, "\n%s[%u] %llx %llx %llx %u %u %u %llu", names[k], i, (unsigned long long)e.va,
                        (unsigned long long)e.pa, (unsigned long long)e.size, e.asid, e.global, e.perms,
                        (unsigned long long)stamp);
        }
    }
    fclose(f);
    return buf;
}

/* 1: clean end, -1: damage; *state the model afterwards, err the reader's message */
static int replay_file(const char *path, bool fast, TlbRepl r, bool split, char **state, uint64_t *acc,
                       uint64_t *insns, char *err, size_t errlen)
{
    TraceReader *rd = trace_reader_open(path, err, errlen);
    if (!rd)
        return -2;
    TraceReplay rp = {.m = replay_model(r, split, err, errlen)};
    int k;
    if (fast) {
        k = trace_replay_run(rd, &rp, err, errlen);
    } else {
        TraceRec rec;
        while ((k = trace_reader_next(rd, &rec, err, errlen)) > 0)
            trace_replay_record(&rp, &rec);
    }
    trace_reader_close(rd);
    *state = model_state(rp.m);
    *acc = rp.accesses;
    *insns = rp.insns;
    tlb_model_destroy(rp.m);
    return k;
}

static void test_replay_fast(const char *path)
{
    /* the shortcut's claim (tlb_internal.h, TlbHot) for every replacement policy, with a shared
     * and with split data TLBs: the same statistics, entries and stamps as the record-by-record
     * replay */
    static const TlbRepl pol[] = {TLB_REPL_LRU, TLB_REPL_PLRU, TLB_REPL_FIFO, TLB_REPL_RANDOM};
    for (int split = 0; split < 2; split++)
        for (size_t i = 0; i < sizeof pol / sizeof pol[0]; i++) {
            char e1[512], e2[512], *s1, *s2;
            uint64_t a1, a2, n1, n2;
            int k1 = replay_file(path, false, pol[i], split, &s1, &a1, &n1, e1, sizeof e1);
            int k2 = replay_file(path, true, pol[i], split, &s2, &a2, &n2, e2, sizeof e2);
            tap_ok(k1 == 0 && k2 == 0 && !strcmp(s1, s2) && a1 == a2 && n1 == n2 && strstr(s1, "\"hits\": "),
                   "%s%s: trace_replay_run leaves the model as record-by-record replay does (%llu accesses)",
                   tlb_repl_name(pol[i]), split ? ", split data TLBs" : "", (unsigned long long)a2);
            free(s1);
            free(s2);
        }
}

static void test_round_trip(void)
{
    char path[] = "/tmp/mmuscope-trace-unit-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    want = calloc(2 * NREC, sizeof *want);
    uint64_t n = 0;
    tap_ok(write_trace(path, &n), "wrote %d records", NREC);
    FILE *f = fopen(path, "rb");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    uint8_t *orig = malloc((size_t)size);
    tap_ok(fread(orig, 1, (size_t)size, f) == (size_t)size, "trace is %ld bytes", size);
    fclose(f);
    char err[1024];
    int st;
    bool bad;
    uint64_t got = read_back(path, n, &st, &bad, err, sizeof err);
    tap_ok(st == 0 && !bad && got == n, "every record reads back as written, clean end (%llu of %llu)%s%s",
           (unsigned long long)got, (unsigned long long)n, st ? ": " : "", st ? err : "");
    TraceReader *r = trace_reader_open(path, err, sizeof err);
    TraceRec rec;
    while (trace_reader_next(r, &rec, err, sizeof err) > 0)
        ;
    const TraceTotals *t = trace_reader_end_totals(r);
    tap_ok(t->chunks > 3, "the trace spans several chunks (%llu)", (unsigned long long)t->chunks);
    tap_ok(!strcmp(trace_reader_header(r)->machine, "unit") &&
               !strcmp(trace_reader_header(r)->core_ini, "[core]\nname = unit\n"),
           "header fields and the preset text read back");
    trace_reader_close(r);

    test_replay_fast(path);

    /* truncations: a prefix of the records, then a report naming what is intact */
    Gen g = {7};
    int trunc_ok = 0, trunc_n = 40;
    for (int i = 0; i < trunc_n; i++) {
        long cut = (long)(rnd(&g) % (uint64_t)size);
        f = fopen(path, "wb");
        fwrite(orig, 1, (size_t)cut, f);
        fclose(f);
        got = read_back(path, n, &st, &bad, err, sizeof err);
        bool ok = !bad && got < n && st < 0 && (st == -2 || strstr(err, "intact:"));
        if (st == -1) { /* the whole-trace replay stops with the same report */
            char e1[1024], e2[1024], *s1, *s2;
            uint64_t a, b;
            int k1 = replay_file(path, false, TLB_REPL_LRU, false, &s1, &a, &b, e1, sizeof e1);
            int k2 = replay_file(path, true, TLB_REPL_LRU, false, &s2, &a, &b, e2, sizeof e2);
            ok &= k1 == -1 && k2 == -1 && !strcmp(e1, e2) && !strcmp(e1, err);
            free(s1);
            free(s2);
        }
        trunc_ok += ok;
        if (!ok)
            printf("# cut at %ld: status %d bad %d got %llu: %s\n", cut, st, bad, (unsigned long long)got, err);
    }
    tap_is((uint64_t)trunc_ok, (uint64_t)trunc_n, "%d random truncations: a clean prefix, then 'intact: ...'", trunc_n);
    /* bit flips: never a wrong record, always reported */
    int flip_ok = 0, flip_n = 200;
    for (int i = 0; i < flip_n; i++) {
        uint8_t *copy = malloc((size_t)size);
        memcpy(copy, orig, (size_t)size);
        long at = (long)(rnd(&g) % (uint64_t)size);
        copy[at] ^= (uint8_t)(1u << (rnd(&g) % 8));
        f = fopen(path, "wb");
        fwrite(copy, 1, (size_t)size, f);
        fclose(f);
        free(copy);
        got = read_back(path, n, &st, &bad, err, sizeof err);
        bool ok = !bad && st != 0;
        flip_ok += ok;
        if (!ok)
            printf("# flip at %ld: status %d bad %d got %llu\n", at, st, bad, (unsigned long long)got);
    }
    tap_is((uint64_t)flip_ok, (uint64_t)flip_n, "%d single-bit flips: each detected, no wrong record delivered", flip_n);
    /* garbage and empty files */
    f = fopen(path, "wb");
    fclose(f);
    tap_ok(!trace_reader_open(path, err, sizeof err) && strstr(err, "too short"), "an empty file: %s", err);
    f = fopen(path, "wb");
    for (int i = 0; i < 4096; i++)
        fputc((int)(rnd(&g) & 0xff), f);
    fclose(f);
    tap_ok(!trace_reader_open(path, err, sizeof err) && strstr(err, "bad magic"), "random bytes: %s", err);
    unlink(path);
    free(orig);
    free(want);
}

int main(void)
{
    test_crc();
    trace_sha256_use_portable(true);
    test_sha("portable");
    trace_sha256_use_portable(false); /* the SHA extensions when the CPU has them */
    test_sha("default");
    test_varint();
    test_round_trip();
    return tap_done();
}
