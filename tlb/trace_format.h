/* Translation traces (docs/trace-format.md): the input of the TLB model, recorded so that it
 * can be replayed through any other TLB configuration. Plain C, no engine types.
 *
 * A trace is a header, chunks (each with its length, record count and CRC32, decodable on its
 * own: the writer and the reader reset their tables at every chunk) and an end marker with
 * totals. The writer buffers one chunk in memory and writes it whole. */
#ifndef TLB_TRACE_FORMAT_H
#define TLB_TRACE_FORMAT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tlb.h"

#define TRACE_MAGIC "MMUTRACE"
#define TRACE_VERSION 2         /* written; version 1 (no block+fetch records) is read too */
#define TRACE_OP_WITH_FETCH 0x08 /* a block opcode with this bit: its fetch lookup follows (docs) */
#define TRACE_CHUNK_TAG 0x4b48434du /* "MCHK" little-endian */
#define TRACE_END_TAG 0x444e454du   /* "MEND" */
#define TRACE_CHUNK_MAX 65536       /* payload bytes of one chunk at most */
#define TRACE_XSLOTS 256            /* recent translations */
#define TRACE_BSLOTS 256            /* recent blocks */
#define TRACE_EVENT_MAX 480         /* bytes of an event's JSON members kept */

/* ---- building blocks (exposed for the unit tests) ---- */
uint32_t trace_crc32(uint32_t crc, const void *buf, size_t len); /* zlib's CRC-32; start with 0 */
typedef struct TraceSha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t nbuf;
} TraceSha256;
void trace_sha256_init(TraceSha256 *s);
void trace_sha256_update(TraceSha256 *s, const void *data, size_t len);
void trace_sha256_final(TraceSha256 *s, uint8_t out[32]);
/* The compression function: the SHA extensions when the CPU has them (the default), or the
 * portable C loop (true; for the tests, which check both). */
void trace_sha256_use_portable(bool portable);
/* SHA-256 of a file as 64 hex digits; false (and err) when it cannot be read */
bool trace_sha256_file(const char *path, char hex[65], char *err, size_t errlen);
/* LEB128 unsigned varint: bytes written (<= 10) / bytes read (0: truncated or too long) */
size_t trace_put_varint(uint8_t *p, uint64_t v);
size_t trace_get_varint(const uint8_t *p, const uint8_t *end, uint64_t *v);
static inline uint64_t trace_zigzag(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static inline int64_t trace_unzigzag(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/* ---- records ---- */

/* What the walker gave for a VA at the moment of an access: everything the TLB model's miss
 * path uses (tlb_walk_begin / tlb_walk_cache_insert / tlb_walk_end / tlb_fill). */
typedef struct TraceXlate {
    uint8_t mapped, global, ttbr1, fmt; /* fmt: TlbWalkFmt */
    int8_t start_level, level;
    uint8_t ndesc, perms;
    uint8_t size_log2;                  /* mapping size (mapped only) */
    uint8_t pad[7];
    uint64_t va_base, pa_base;          /* mapped: va/pa aligned to the size; else va page */
    uint64_t desc_pa[5];                /* descriptors the walk read, in level order */
} TraceXlate;

typedef struct TraceBlock {
    uint64_t va;
    uint32_t classes[TLB_C_COUNT];
    uint32_t ninsns;                    /* sum of the classes but LOAD_USE */
    uint32_t word;                      /* first instruction word (0 if unreadable) */
    uint8_t thumb, el0, pad[6];
} TraceBlock;

typedef enum TraceRecKind {
    TR_ACCESS,   /* a TLB lookup: side, va, size, the current translation */
    TR_BLOCK,    /* a translation block executed: its instruction classes */
    TR_CONTEXT,  /* the ASID the lookups use from now on, EL, MMU state */
    TR_TLBI,     /* TLB maintenance as the model applies it */
    TR_EVENT,    /* an MMU event of the run (sysreg write, exception, ...) */
} TraceRecKind;

typedef struct TraceRec {
    TraceRecKind kind;
    /* access */
    uint8_t side;        /* TlbSide */
    uint8_t size_log2;
    uint64_t va;
    const TraceXlate *x;
    /* block */
    const TraceBlock *b;
    /* context */
    uint16_t asid;
    uint8_t el0, mmu_on;
    /* tlbi */
    TlbInval inv;
    /* event */
    uint8_t ev_kind;
    uint64_t ev_pc, ev_insn;
    char ev_json[TRACE_EVENT_MAX + 1];
} TraceRec;

/* ---- header ---- */
typedef struct TraceHeader {
    uint32_t version;
    char machine[64], cpu[32], core[64], core_source[256], image[512];
    char image_sha256[65], engine[32], isa[8];  /* isa: "a32" or "a64" */
    char created[32];
    char *core_ini;      /* the preset file's text as recorded (malloc'd; NULL if none) */
} TraceHeader;

/* The slot of the block at va in the writer's and reader's block tables */
static inline unsigned trace_block_slot(uint64_t va)
{
    return (unsigned)(((va >> 1) * 0x9e3779b97f4a7c15ull) >> 56);
}

/* ---- writer ---- */
typedef struct TraceWriter TraceWriter;
/* The first member of a TraceWriter: what the inline fast path below touches. */
typedef struct TraceWriterHot {
    uint8_t *buf;
    size_t n;           /* bytes of the current chunk */
    uint32_t nrec;      /* records of the current chunk (added to records at its end) */
    int last_slot[TLB_SIDE_COUNT];
    uint64_t last_va[TLB_SIDE_COUNT], last_id[TLB_SIDE_COUNT];
    uint64_t records, accesses;
    int last_bslot;             /* the previous block record's slot (-1: none in this chunk) */
    uint32_t last_bninsns;
    uint64_t blocks, insns;
    long blk_at;                /* offset of the block record written last, when it is the last record
                                 * and carries no fetch yet; else -1 */
    uint64_t blk_va;            /* that block's VA */
    uint64_t bseq;              /* versions given to block slots so far */
    uint64_t bver[TRACE_BSLOTS]; /* the version of what each block slot holds; 0: nothing */
    uint64_t bt_va[TRACE_BSLOTS]; /* and its VA */
} TraceWriterHot;
TraceWriter *trace_writer_open(FILE *f, const TraceHeader *h, char *err, size_t errlen);
/* id: nonzero and the same only for the same translation content (lets the writer skip the
 * comparison when an access uses the translation of the previous one); 0 if unknown. */
void trace_w_access(TraceWriter *w, TlbSide side, uint64_t va, unsigned size_log2, const TraceXlate *x, uint64_t id);
/* Fast path of trace_w_access for an access with the translation (same id) of the previous
 * access of its side: writes it and returns true, or returns false (call trace_w_access). */
static inline bool trace_w_access_same(TraceWriter *w_, TlbSide side, uint64_t va, unsigned size_log2, uint64_t id)
{
    TraceWriterHot *w = (TraceWriterHot *)w_;
    if (!id || id != w->last_id[side] || w->n > TRACE_CHUNK_MAX - 640)
        return false;
    if (side == TLB_SIDE_FETCH && w->blk_at >= 0 && va == w->blk_va && !size_log2) {
        /* the fetch lookup of the block just written: a bit of its opcode */
        w->buf[w->blk_at] |= TRACE_OP_WITH_FETCH;
        w->blk_at = -1;
        w->last_va[side] = va;
        w->nrec++; /* it counts as a record, as in version 1 */
        w->accesses++;
        return true;
    }
    int64_t d = (int64_t)(va - w->last_va[side]);
    uint64_t v = !(d & ((1ll << size_log2) - 1)) ? trace_zigzag(d >> size_log2) << 1 : trace_zigzag(d) << 1 | 1;
    uint8_t *p = w->buf + w->n;
    size_t k = 0;
    p[k++] = (uint8_t)(side | size_log2 << 2); /* mode 0: the side's previous translation */
    while (v >= 0x80) {
        p[k++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[k++] = (uint8_t)v;
    w->last_va[side] = va;
    w->n += k;
    w->nrec++;
    w->accesses++;
    w->blk_at = -1;
    return true;
}
/* Writes a block record; returns a cookie for trace_w_block_held (nonzero), naming the slot that
 * now holds b and the version of its content. */
uint64_t trace_w_block(TraceWriter *w, const TraceBlock *b);
/* The block that an earlier trace_w_block returned `cookie` for (with ninsns instructions)
 * again, when the writer's table still holds it: written by slot (no comparison) and true;
 * false (nothing written) otherwise: call trace_w_block then. */
static inline bool trace_w_block_held(TraceWriter *w_, uint64_t cookie, uint32_t ninsns)
{
    TraceWriterHot *w = (TraceWriterHot *)w_;
    unsigned s = (unsigned)(cookie & 0xff);
    if (!cookie || w->bver[s] != cookie >> 8 || w->n > TRACE_CHUNK_MAX - 640)
        return false;
    w->blk_at = (long)w->n;
    w->blk_va = w->bt_va[s];
    if (w->last_bslot == (int)s) {
        w->buf[w->n++] = 0x85; /* OP_BLOCK_AGAIN */
    } else {
        w->buf[w->n] = 0x81; /* OP_BLOCK_REF, slot */
        w->buf[w->n + 1] = (uint8_t)s;
        w->n += 2;
        w->last_bslot = (int)s;
        w->last_bninsns = ninsns;
    }
    w->nrec++;
    w->blocks++;
    w->insns += ninsns;
    return true;
}
void trace_w_context(TraceWriter *w, uint16_t asid, bool el0, bool mmu_on);
void trace_w_tlbi(TraceWriter *w, const TlbInval *inv);
void trace_w_event(TraceWriter *w, unsigned kind, uint64_t pc, uint64_t insn, const char *json);
/* Flushes the last chunk and writes the end marker; false if any write failed. Frees w. */
bool trace_writer_close(TraceWriter *w);
/* Frees w without an end marker (the run failed). */
void trace_writer_abandon(TraceWriter *w);
uint64_t trace_writer_bytes(const TraceWriter *w);

/* ---- reader ---- */
typedef struct TraceTotals {
    uint64_t records, accesses, blocks, insns, chunks, events, tlbis;
} TraceTotals;

typedef struct TraceReader TraceReader;
/* Opens and checks the header; NULL and a one-line err ("FILE: problem") otherwise. */
TraceReader *trace_reader_open(const char *path, char *err, size_t errlen);
const TraceHeader *trace_reader_header(const TraceReader *r);
/* Next record: 1, 0 at a clean end (end marker seen and its totals match), -1 on damage
 * (err says what and where: how many chunks and records are intact). */
int trace_reader_next(TraceReader *r, TraceRec *rec, char *err, size_t errlen);
/* What has been read so far (complete chunks and records). */
const TraceTotals *trace_reader_totals(const TraceReader *r);
/* The end marker's totals (valid after trace_reader_next returned 0) */
const TraceTotals *trace_reader_end_totals(const TraceReader *r);
uint64_t trace_reader_file_size(const TraceReader *r);
void trace_reader_close(TraceReader *r);

/* ---- replay ---- */
/* The TLB model calls a live run makes for one record (emu/tlb_glue.c does the same). */
typedef struct TraceReplay {
    TlbModel *m;
    uint16_t asid;
    uint64_t accesses, insns;
    /* the last access: hit (and the level that hit: 0 first level, 1.. unified) or the walk's reads */
    bool hit;
    int hit_level;
    unsigned reads;
} TraceReplay;
void trace_replay_record(TraceReplay *rp, const TraceRec *rec);
/* Replays every record of r from where it stands (normally just opened) through rp->m: the
 * same final model state and rp->accesses/insns as trace_replay_record on each record of
 * trace_reader_next, faster (see trace_format.c). rp->hit, hit_level and reads are not kept.
 * Returns 0 at a clean end, -1 on damage (err as trace_reader_next's). */
int trace_replay_run(TraceReader *r, TraceReplay *rp, char *err, size_t errlen);

/* Loads the preset NAME|PATH, or the recorded preset text when name_or_path is NULL,
 * then applies SECTION.KEY=VALUE overrides (tlb. prefix allowed; "main" = main_tlb). */
bool trace_config_load(TlbConfig *c, const TraceHeader *h, const char *name_or_path, const char *const *sets,
                       int nsets, char *err, size_t errlen);

#endif
