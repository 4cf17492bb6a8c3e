/* Translation trace format: CRC-32, SHA-256, varints, writer, reader, replay step.
 * The byte layout is documented in docs/trace-format.md. */
#include "trace_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "tlb_internal.h"

#ifndef TLB_CORES_DIR
#define TLB_CORES_DIR "configs/cores"
#endif

/* ---------------------------------------------------------------- CRC-32 (IEEE 802.3) */
/* zlib's own: about four times the speed of a table-driven slicing-by-8 loop here (5.8 against
 * 1.4 GB/s on 64 KiB chunks), and the reader checks every chunk of a replay with it. */
uint32_t trace_crc32(uint32_t crc, const void *buf, size_t len)
{
    return len ? (uint32_t)crc32_z(crc, buf, len) : crc;
}

/* ---------------------------------------------------------------- SHA-256 (FIPS 180-4) */
static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block_c(uint32_t *hs, const uint8_t *b)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 | (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = hs[0], bb = hs[1], c = hs[2], d = hs[3], e = hs[4], f = hs[5], g = hs[6], h = hs[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = bb;
        bb = a;
        a = t1 + t2;
    }
    hs[0] += a; hs[1] += bb; hs[2] += c; hs[3] += d;
    hs[4] += e; hs[5] += f; hs[6] += g; hs[7] += h;
}

static void sha_blocks_c(uint32_t *hs, const uint8_t *b, size_t n)
{
    for (; n; n--, b += 64)
        sha_block_c(hs, b);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#include <immintrin.h>
/* The same compression with the SHA extensions (Intel SDM: SHA256RNDS2 does two rounds on the
 * state held as ABEF / CDGH, SHA256MSG1 and SHA256MSG2 the message schedule four words at a
 * time). About five times the portable loop; used when CPUID.(EAX=7,ECX=0):EBX bit 29 says so. */
__attribute__((target("sha,sse4.1,ssse3"))) static void sha_blocks_ni(uint32_t *hs, const uint8_t *b, size_t n)
{
    const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bll, 0x0405060700010203ll);
    __m128i dcba = _mm_loadu_si128((const __m128i *)hs), hgfe = _mm_loadu_si128((const __m128i *)(hs + 4));
    __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1), efgh = _mm_shuffle_epi32(hgfe, 0x1b);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8), cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);
    for (; n; n--, b += 64) {
        __m128i s0 = abef, s1 = cdgh, w[4];
        for (int i = 0; i < 16; i++) {
            __m128i x;
            if (i < 4) {
                x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(b + 16 * i)), bswap);
            } else { /* W[t-16] + s0(W[t-15]), + W[t-7], + s1(W[t-2]) */
                x = _mm_sha256msg1_epu32(w[i & 3], w[(i + 1) & 3]);
                x = _mm_add_epi32(x, _mm_alignr_epi8(w[(i + 3) & 3], w[(i + 2) & 3], 4));
                x = _mm_sha256msg2_epu32(x, w[(i + 3) & 3]);
            }
            w[i & 3] = x;
            __m128i k = _mm_add_epi32(x, _mm_loadu_si128((const __m128i *)(K256 + 4 * i)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(k, 0x0e));
        }
        abef = _mm_add_epi32(abef, s0);
        cdgh = _mm_add_epi32(cdgh, s1);
    }
    __m128i feba = _mm_shuffle_epi32(abef, 0x1b), dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    _mm_storeu_si128((__m128i *)hs, _mm_blend_epi16(feba, dchg, 0xf0));
    _mm_storeu_si128((__m128i *)(hs + 4), _mm_alignr_epi8(dchg, feba, 8));
}

static bool cpu_has_sha(void)
{
    unsigned a, b, c, d;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b >> 29 & 1);
}
#endif

static void (*sha_blocks)(uint32_t *hs, const uint8_t *b, size_t n);

void trace_sha256_use_portable(bool portable)
{
    sha_blocks = sha_blocks_c;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (!portable && cpu_has_sha())
        sha_blocks = sha_blocks_ni;
#endif
}


void trace_sha256_init(TraceSha256 *s)
{
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, iv, sizeof iv);
    s->len = 0;
    s->nbuf = 0;
}

void trace_sha256_update(TraceSha256 *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (!sha_blocks)
        trace_sha256_use_portable(false);
    s->len += len;
    while (len) {
        if (!s->nbuf && len >= 64) { /* whole blocks straight from the input */
            sha_blocks(s->h, p, len / 64);
            p += len & ~(size_t)63;
            len &= 63;
            continue;
        }
        size_t k = 64 - s->nbuf < len ? 64 - s->nbuf : len;
        memcpy(s->buf + s->nbuf, p, k);
        s->nbuf += k;
        p += k;
        len -= k;
        if (s->nbuf == 64) {
            sha_blocks(s->h, s->buf, 1);
            s->nbuf = 0;
        }
    }
}

void trace_sha256_final(TraceSha256 *s, uint8_t out[32])
{
    uint64_t bits = s->len * 8;
    uint8_t pad = 0x80;
    trace_sha256_update(s, &pad, 1);
    pad = 0;
    while (s->nbuf != 56)
        trace_sha256_update(s, &pad, 1);
    uint8_t l[8];
    for (int i = 0; i < 8; i++)
        l[i] = (uint8_t)(bits >> (56 - 8 * i));
    trace_sha256_update(s, l, 8);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)(s->h[i] >> (24 - 8 * j));
}

bool trace_sha256_file(const char *path, char hex[65], char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    TraceSha256 s;
    trace_sha256_init(&s);
    uint8_t buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        trace_sha256_update(&s, buf, n);
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        return false;
    }
    uint8_t d[32];
    trace_sha256_final(&s, d);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return true;
}

/* ---------------------------------------------------------------- varints */
size_t trace_put_varint(uint8_t *p, uint64_t v)
{
    size_t n = 0;
    while (v >= 0x80) {
        p[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    p[n++] = (uint8_t)v;
    return n;
}

static inline size_t get_varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    if (p < end && *p < 0x80) {
        *v = *p;
        return 1;
    }
    if (p + 1 < end && p[1] < 0x80) {
        *v = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
        return 2;
    }
    return trace_get_varint(p, end, v);
}

size_t trace_get_varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    if (end - p >= 4) { /* up to 4 bytes (28 bits) without a bounds check per byte */
        uint64_t x = p[0] & 0x7f;
        if (!(p[0] & 0x80)) {
            *v = x;
            return 1;
        }
        for (size_t i = 1; i < 4; i++) {
            x |= (uint64_t)(p[i] & 0x7f) << (7 * i);
            if (!(p[i] & 0x80)) {
                *v = x;
                return i + 1;
            }
        }
    }
    uint64_t x = 0;
    for (size_t i = 0; i < 10 && p + i < end; i++) {
        uint64_t b = p[i] & 0x7f;
        if (i == 9 && b > 1)
            return 0; /* more than 64 bits */
        x |= b << (7 * i);
        if (!(p[i] & 0x80)) {
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---------------------------------------------------------------- record opcodes */
/* 0x00..0x7f access: bits 1:0 side, 4:2 log2(size), 6:5 mode */
#define ACC_SAME 0  /* the translation of the previous access of this side */
#define ACC_SLOT 1  /* slot byte: the translation in that slot */
#define ACC_NEW 2   /* slot byte + translation: store it in that slot */
#define ACC_DELTA 3 /* slot byte + translation as a delta from the previous new one */
#define OP_BLOCK_NEW 0x80
#define OP_BLOCK_REF 0x81
#define OP_CONTEXT 0x82
#define OP_TLBI 0x83
#define OP_EVENT 0x84
#define OP_BLOCK_AGAIN 0x85 /* the block of the previous block record */

static inline unsigned xslot(uint64_t va_base, unsigned size_log2)
{
    return (unsigned)(((va_base >> 12) * 0x9e3779b97f4a7c15ull) >> 56) ^ size_log2;
}

#define bslot trace_block_slot

/* ---------------------------------------------------------------- writer */
struct TraceWriter {
    TraceWriterHot h;   /* first: the header's inline fast path reads it */
    FILE *f;
    bool failed;
    uint64_t bytes;
    bool have_new;      /* last_new: the last translation written in full or as a delta */
    TraceXlate last_new;
    bool ctx_set, ctx_in_chunk;
    uint16_t asid;
    uint8_t el0, mmu_on;
    TraceTotals tot;
    uint8_t xvalid[TRACE_XSLOTS], bvalid[TRACE_BSLOTS];
    uint64_t xid[TRACE_XSLOTS];  /* a caller's id for what xt[s] holds (0: none) */
    TraceXlate xt[TRACE_XSLOTS];
    TraceBlock bt[TRACE_BSLOTS];
    uint8_t buf[TRACE_CHUNK_MAX];
};

static void w_write(TraceWriter *w, const void *p, size_t n)
{
    if (fwrite(p, 1, n, w->f) != n)
        w->failed = true;
    w->bytes += n;
}

static void w_reset_tables(TraceWriter *w)
{
    memset(w->xvalid, 0, sizeof w->xvalid);
    memset(w->bvalid, 0, sizeof w->bvalid);
    memset(w->h.bver, 0, sizeof w->h.bver);
    for (int s = 0; s < TLB_SIDE_COUNT; s++) {
        w->h.last_slot[s] = -1;
        w->h.last_va[s] = 0;
        w->h.last_id[s] = 0;
    }
    w->h.last_bslot = -1;
    w->h.blk_at = -1;
    w->ctx_in_chunk = false;
    w->have_new = false;
}

static void w_context_rec(TraceWriter *w)
{
    uint8_t *p = w->h.buf + w->h.n;
    size_t k = 0;
    p[k++] = OP_CONTEXT;
    k += trace_put_varint(p + k, w->asid);
    p[k++] = (uint8_t)(w->el0 | w->mmu_on << 1);
    w->h.n += k;
    w->h.nrec++;
    w->h.blk_at = -1;
    w->ctx_in_chunk = true;
}

static void w_flush(TraceWriter *w)
{
    if (!w->h.nrec)
        return;
    uint8_t h[16];
    put32(h, TRACE_CHUNK_TAG);
    put32(h + 4, (uint32_t)w->h.n);
    put32(h + 8, w->h.nrec);
    put32(h + 12, trace_crc32(0, w->buf, w->h.n));
    w_write(w, h, sizeof h);
    w_write(w, w->buf, w->h.n);
    w->tot.chunks++;
    w->h.records += w->h.nrec;
    w->h.n = 0;
    w->h.nrec = 0;
    w_reset_tables(w);
}

/* Room for the largest record; starts a new chunk (with the current context) if needed. */
static inline uint8_t *w_begin(TraceWriter *w)
{
    if (w->h.n > TRACE_CHUNK_MAX - 640) {
        w_flush(w);
        if (w->ctx_set)
            w_context_rec(w);
    }
    return w->h.buf + w->h.n;
}

static inline void w_end(TraceWriter *w, size_t k)
{
    w->h.n += k;
    w->h.nrec++;
    w->h.blk_at = -1;
}

TraceWriter *trace_writer_open(FILE *f, const TraceHeader *h, char *err, size_t errlen)
{
    TraceWriter *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->f = f;
    w->h.buf = w->buf;
    w_reset_tables(w);
    char kv[2048];
    int n = snprintf(kv, sizeof kv,
                     "machine=%s\ncpu=%s\ncore=%s\ncore_source=%s\nimage=%s\nimage_sha256=%s\nengine=%s\nisa=%s\n"
                     "created=%s\n",
                     h->machine, h->cpu, h->core, h->core_source, h->image, h->image_sha256, h->engine, h->isa,
                     h->created);
    if (n < 0 || (size_t)n >= sizeof kv) {
        snprintf(err, errlen, "trace header too long");
        free(w);
        return NULL;
    }
    size_t ini = h->core_ini ? strlen(h->core_ini) : 0;
    size_t plen = (size_t)n + 1 + ini;
    uint8_t *payload = malloc(plen);
    if (!payload) {
        snprintf(err, errlen, "out of memory");
        free(w);
        return NULL;
    }
    memcpy(payload, kv, (size_t)n + 1); /* with its NUL: the preset text follows */
    if (ini)
        memcpy(payload + n + 1, h->core_ini, ini);
    uint8_t hd[16];
    memcpy(hd, TRACE_MAGIC, 8);
    put32(hd + 8, TRACE_VERSION);
    put32(hd + 12, (uint32_t)plen);
    w_write(w, hd, sizeof hd);
    w_write(w, payload, plen);
    uint8_t c[4];
    put32(c, trace_crc32(0, payload, plen));
    w_write(w, c, 4);
    free(payload);
    if (w->failed) {
        snprintf(err, errlen, "cannot write the trace header: %s", strerror(errno));
        free(w);
        return NULL;
    }
    return w;
}

static size_t put_xlate(uint8_t *p, const TraceXlate *x)
{
    size_t k = 0;
    p[k++] = (uint8_t)(x->mapped | x->global << 1 | x->ttbr1 << 2 | (x->fmt & 3) << 3);
    p[k++] = (uint8_t)(x->start_level + 1);
    p[k++] = (uint8_t)(x->level + 1);
    p[k++] = x->ndesc;
    p[k++] = x->perms;
    if (x->mapped) {
        p[k++] = x->size_log2;
        k += trace_put_varint(p + k, x->pa_base);
    }
    for (int i = 0; i < x->ndesc; i++)
        k += trace_put_varint(p + k, x->desc_pa[i]);
    return k;
}

/* VA delta from the previous access of the side: in units of the access size when aligned
 * to it (bit 0 clear), else in bytes (bit 0 set) */
static inline uint64_t va_delta(uint64_t va, uint64_t last, unsigned size_log2)
{
    int64_t d = (int64_t)(va - last);
    if (!(d & ((1ll << size_log2) - 1)))
        return trace_zigzag(d >> size_log2) << 1;
    return trace_zigzag(d) << 1 | 1;
}

/* A translation as the difference from the previous new one: a mask byte (bit 0: the five
 * header bytes and the size follow, bit 1: a PA delta follows, bit 2+i: a delta of descriptor
 * i follows), then those fields (deltas zigzag varints). Pages next to each other differ in
 * the PA and the last descriptor's address only. */
static size_t put_xlate_delta(uint8_t *p, const TraceXlate *x, const TraceXlate *o)
{
    size_t k = 1;
    uint8_t mask = 0;
    bool hdr = x->mapped != o->mapped || x->global != o->global || x->ttbr1 != o->ttbr1 || x->fmt != o->fmt ||
               x->start_level != o->start_level || x->level != o->level || x->ndesc != o->ndesc ||
               x->perms != o->perms || x->size_log2 != o->size_log2;
    if (hdr) {
        mask |= 1;
        p[k++] = (uint8_t)(x->mapped | x->global << 1 | x->ttbr1 << 2 | (x->fmt & 3) << 3);
        p[k++] = (uint8_t)(x->start_level + 1);
        p[k++] = (uint8_t)(x->level + 1);
        p[k++] = x->ndesc;
        p[k++] = x->perms;
        p[k++] = x->size_log2;
    }
    if (x->mapped && x->pa_base != o->pa_base) {
        mask |= 2;
        k += trace_put_varint(p + k, trace_zigzag((int64_t)(x->pa_base - o->pa_base)));
    }
    for (int i = 0; i < x->ndesc; i++)
        if (x->desc_pa[i] != o->desc_pa[i]) {
            mask |= (uint8_t)(4u << i);
            k += trace_put_varint(p + k, trace_zigzag((int64_t)(x->desc_pa[i] - o->desc_pa[i])));
        }
    p[0] = mask;
    return k;
}

void trace_w_access(TraceWriter *w, TlbSide side, uint64_t va, unsigned size_log2, const TraceXlate *x, uint64_t id)
{
    uint8_t *p = w_begin(w);
    unsigned s, mode;
    if (id && id == w->h.last_id[side] && w->h.last_slot[side] >= 0) {
        s = (unsigned)w->h.last_slot[side];
        mode = ACC_SAME;
    } else {
        s = xslot(x->va_base, x->size_log2);
        /* the same id is the same content: no comparison needed */
        if (w->xvalid[s] && ((id && w->xid[s] == id) || !memcmp(&w->xt[s], x, sizeof *x))) {
            mode = w->h.last_slot[side] == (int)s ? ACC_SAME : ACC_SLOT;
            w->xid[s] = id;
        } else {
            mode = ACC_NEW;
        }
    }
    if (mode == ACC_NEW && w->have_new)
        mode = ACC_DELTA;
    if (mode == ACC_SAME && side == TLB_SIDE_FETCH && w->h.blk_at >= 0 && va == w->h.blk_va && !size_log2) {
        w->buf[w->h.blk_at] |= TRACE_OP_WITH_FETCH; /* the fetch lookup of the block just written */
        w->h.blk_at = -1;
        w->h.last_va[side] = va;
        w->h.last_id[side] = id;
        w->h.nrec++; /* it counts as a record, as in version 1 */
        w->h.accesses++;
        return;
    }
    size_t k = 0;
    p[k++] = (uint8_t)(side | (size_log2 & 7) << 2 | mode << 5);
    if (mode != ACC_SAME)
        p[k++] = (uint8_t)s;
    if (mode >= ACC_NEW) {
        k += mode == ACC_NEW ? put_xlate(p + k, x) : put_xlate_delta(p + k, x, &w->last_new);
        w->last_new = *x;
        w->have_new = true;
        w->xt[s] = *x;
        w->xvalid[s] = 1;
        w->xid[s] = id;
        for (int o = 0; o < TLB_SIDE_COUNT; o++)
            if (w->h.last_slot[o] == (int)s)
                w->h.last_id[o] = 0; /* its slot now holds another translation */
    }
    k += trace_put_varint(p + k, va_delta(va, w->h.last_va[side], size_log2 & 7));
    w->h.last_va[side] = va;
    w->h.last_slot[side] = (int)s;
    w->h.last_id[side] = id;
    w->h.accesses++;
    w_end(w, k);
}

uint64_t trace_w_block(TraceWriter *w, const TraceBlock *b)
{
    uint8_t *p = w_begin(w);
    unsigned s = bslot(b->va);
    size_t k = 0;
    if (w->bvalid[s] && !memcmp(&w->bt[s], b, sizeof *b)) {
        if (w->h.last_bslot == (int)s) {
            p[k++] = OP_BLOCK_AGAIN;
        } else {
            p[k++] = OP_BLOCK_REF;
            p[k++] = (uint8_t)s;
        }
    } else {
        p[k++] = OP_BLOCK_NEW;
        p[k++] = (uint8_t)s;
        k += trace_put_varint(p + k, b->va);
        p[k++] = (uint8_t)(b->thumb | b->el0 << 1);
        for (int i = 0; i < TLB_C_COUNT; i++)
            k += trace_put_varint(p + k, b->classes[i]);
        put32(p + k, b->word);
        k += 4;
        w->bt[s] = *b;
        w->bvalid[s] = 1;
        w->h.bver[s] = ++w->h.bseq;
        w->h.bt_va[s] = b->va;
    }
    w->h.last_bslot = (int)s;
    w->h.last_bninsns = b->ninsns;
    w->h.blocks++;
    w->h.insns += b->ninsns;
    w_end(w, k);
    w->h.blk_at = (long)(p - w->h.buf);
    w->h.blk_va = b->va;
    return w->h.bver[s] << 8 | s;
}

void trace_w_context(TraceWriter *w, uint16_t asid, bool el0, bool mmu_on)
{
    if (w->ctx_set && w->ctx_in_chunk && w->asid == asid && w->el0 == el0 && w->mmu_on == mmu_on)
        return;
    w_begin(w);
    w->ctx_set = true;
    w->asid = asid;
    w->el0 = el0;
    w->mmu_on = mmu_on;
    w_context_rec(w);
}

void trace_w_tlbi(TraceWriter *w, const TlbInval *inv)
{
    uint8_t *p = w_begin(w);
    size_t k = 0;
    p[k++] = OP_TLBI;
    p[k++] = (uint8_t)inv->op;
    k += trace_put_varint(p + k, inv->va);
    k += trace_put_varint(p + k, inv->asid);
    k += trace_put_varint(p + k, inv->vmid);
    w->tot.tlbis++;
    w_end(w, k);
}

void trace_w_event(TraceWriter *w, unsigned kind, uint64_t pc, uint64_t insn, const char *json)
{
    uint8_t *p = w_begin(w);
    size_t len = json ? strlen(json) : 0;
    if (len > TRACE_EVENT_MAX)
        len = TRACE_EVENT_MAX;
    size_t k = 0;
    p[k++] = OP_EVENT;
    p[k++] = (uint8_t)kind;
    k += trace_put_varint(p + k, pc);
    k += trace_put_varint(p + k, insn);
    k += trace_put_varint(p + k, len);
    if (len)
        memcpy(p + k, json, len);
    k += len;
    w->tot.events++;
    w_end(w, k);
}

bool trace_writer_close(TraceWriter *w)
{
    w_flush(w);
    uint8_t p[128];
    size_t k = 8;
    const uint64_t v[7] = {w->h.records, w->h.accesses, w->h.blocks, w->h.insns,
                           w->tot.chunks, w->tot.events, w->tot.tlbis};
    for (int i = 0; i < 7; i++)
        k += trace_put_varint(p + k, v[i]);
    put32(p, TRACE_END_TAG);
    put32(p + 4, (uint32_t)(k - 8));
    put32(p + k, trace_crc32(0, p + 8, k - 8));
    w_write(w, p, k + 4);
    if (fflush(w->f) != 0)
        w->failed = true;
    bool ok = !w->failed;
    free(w);
    return ok;
}

void trace_writer_abandon(TraceWriter *w)
{
    free(w);
}

uint64_t trace_writer_bytes(const TraceWriter *w)
{
    return w->bytes + w->h.n;
}

/* ---------------------------------------------------------------- reader */
/* The reader reads the file through a window (pread), not a mapping: faulting a mapping in
 * page by page cost 0.4 s of a 1.4 s replay of a 407 MB trace, reading it 0.1 s. The window holds
 * the largest chunk; a larger one costs more first-touch page faults than it saves in reads. */
#define TRACE_WINDOW (1u << 17)

struct TraceReader {
    char path[512];
    int fd;
    uint8_t *win;                /* file bytes [win_pos, win_pos + win_len) */
    size_t win_pos, win_len;
    size_t size, pos;            /* pos: the next chunk header */
    TraceHeader h;
    const uint8_t *p, *end;      /* the current chunk's records */
    uint32_t chunk_recs, chunk_done;
    bool in_chunk, finished;
    TraceTotals tot, end_tot, chunk_tot; /* tot: complete chunks; chunk_tot: current chunk */
    int last_slot[TLB_SIDE_COUNT];
    uint64_t last_va[TLB_SIDE_COUNT];
    int last_bslot;
    bool have_new;
    bool fetch_due;              /* the block just returned carries its fetch lookup: next record */
    TraceXlate last_new;
    uint8_t xvalid[TRACE_XSLOTS], bvalid[TRACE_BSLOTS];
    TraceXlate xt[TRACE_XSLOTS];
    TraceBlock bt[TRACE_BSLOTS];
};

static void kv_get(const char *kv, const char *key, char *out, size_t n)
{
    size_t kl = strlen(key);
    out[0] = 0;
    for (const char *l = kv; l && *l;) {
        const char *nl = strchr(l, '\n');
        size_t ll = nl ? (size_t)(nl - l) : strlen(l);
        if (ll > kl && !strncmp(l, key, kl) && l[kl] == '=') {
            size_t vl = ll - kl - 1;
            if (vl >= n)
                vl = n - 1;
            memcpy(out, l + kl + 1, vl);
            out[vl] = 0;
            return;
        }
        l = nl ? nl + 1 : NULL;
    }
}

/* File bytes [pos, pos + n), n <= TRACE_WINDOW; NULL when they cannot be read (the caller has
 * checked that the file is that long). */
static const uint8_t *r_bytes(TraceReader *r, size_t pos, size_t n)
{
    if (pos >= r->win_pos && pos + n <= r->win_pos + r->win_len)
        return r->win + (pos - r->win_pos);
    size_t want = r->size - pos < TRACE_WINDOW ? r->size - pos : TRACE_WINDOW, got = 0;
    while (got < want) {
        ssize_t k = pread(r->fd, r->win + got, want - got, (off_t)(pos + got));
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    r->win_pos = pos;
    r->win_len = got;
    return got >= n ? r->win : NULL;
}

static bool read_all(int fd, void *buf, size_t n, size_t at)
{
    for (size_t got = 0; got < n;) {
        ssize_t k = pread(fd, (uint8_t *)buf + got, n - got, (off_t)(at + got));
        if (k <= 0)
            return false;
        got += (size_t)k;
    }
    return true;
}

TraceReader *trace_reader_open(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        close(fd);
        return NULL;
    }
    if (st.st_size < 24) {
        snprintf(err, errlen, "%s: not an mmuscope trace (%lld bytes, too short for a header)", path,
                 (long long)st.st_size);
        close(fd);
        return NULL;
    }
    TraceReader *r = calloc(1, sizeof *r);
    uint8_t *hd = NULL;
    if (!r || !(r->win = malloc(TRACE_WINDOW))) {
        free(r);
        close(fd);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    snprintf(r->path, sizeof r->path, "%s", path);
    r->fd = fd;
    r->size = (size_t)st.st_size;
    uint8_t h16[16];
    if (!read_all(fd, h16, 16, 0)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        goto fail;
    }
    if (memcmp(h16, TRACE_MAGIC, 8)) {
        snprintf(err, errlen, "%s: not an mmuscope trace (bad magic)", path);
        goto fail;
    }
    r->h.version = get32(h16 + 8);
    if (r->h.version != 1 && r->h.version != TRACE_VERSION) {
        snprintf(err, errlen, "%s: trace format version %u, this mmuscope reads versions 1 and %u", path,
                 r->h.version, TRACE_VERSION);
        goto fail;
    }
    uint32_t plen = get32(h16 + 12);
    if ((uint64_t)plen + 20 > r->size) {
        snprintf(err, errlen, "%s: truncated in the header (%u bytes announced, %zu in the file)", path, plen,
                 r->size);
        goto fail;
    }
    hd = malloc((size_t)plen + 5);
    if (!hd) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (!read_all(fd, hd, (size_t)plen + 4, 16)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        goto fail;
    }
    if (trace_crc32(0, hd, plen) != get32(hd + plen)) {
        snprintf(err, errlen, "%s: header CRC mismatch (corrupt header)", path);
        goto fail;
    }
    const uint8_t *nul = memchr(hd, 0, plen);
    if (!nul) {
        snprintf(err, errlen, "%s: malformed header (no terminator)", path);
        goto fail;
    }
    const char *kv = (const char *)hd;
    kv_get(kv, "machine", r->h.machine, sizeof r->h.machine);
    kv_get(kv, "cpu", r->h.cpu, sizeof r->h.cpu);
    kv_get(kv, "core", r->h.core, sizeof r->h.core);
    kv_get(kv, "core_source", r->h.core_source, sizeof r->h.core_source);
    kv_get(kv, "image", r->h.image, sizeof r->h.image);
    kv_get(kv, "image_sha256", r->h.image_sha256, sizeof r->h.image_sha256);
    kv_get(kv, "engine", r->h.engine, sizeof r->h.engine);
    kv_get(kv, "isa", r->h.isa, sizeof r->h.isa);
    kv_get(kv, "created", r->h.created, sizeof r->h.created);
    size_t ini = (size_t)(hd + plen - (nul + 1));
    if (ini) {
        r->h.core_ini = malloc(ini + 1);
        if (!r->h.core_ini) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        memcpy(r->h.core_ini, nul + 1, ini);
        r->h.core_ini[ini] = 0;
    }
    free(hd);
    r->pos = 20 + plen;
    return r;
fail:
    free(hd);
    trace_reader_close(r);
    return NULL;
}

const TraceHeader *trace_reader_header(const TraceReader *r)
{
    return &r->h;
}

const TraceTotals *trace_reader_totals(const TraceReader *r)
{
    return &r->tot;
}

const TraceTotals *trace_reader_end_totals(const TraceReader *r)
{
    return &r->end_tot;
}

uint64_t trace_reader_file_size(const TraceReader *r)
{
    return r->size;
}

void trace_reader_close(TraceReader *r)
{
    if (!r)
        return;
    close(r->fd);
    free(r->win);
    free(r->h.core_ini);
    free(r);
}

static int damage(TraceReader *r, char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen,
             "%s: %s at offset %zu; intact: %llu chunks, %llu records (%llu accesses, %llu instructions)", r->path,
             what, r->pos, (unsigned long long)r->tot.chunks, (unsigned long long)r->tot.records,
             (unsigned long long)r->tot.accesses, (unsigned long long)r->tot.insns);
    r->finished = true;
    return -1;
}

static void r_reset_tables(TraceReader *r)
{
    memset(r->xvalid, 0, sizeof r->xvalid);
    memset(r->bvalid, 0, sizeof r->bvalid);
    for (int s = 0; s < TLB_SIDE_COUNT; s++) {
        r->last_slot[s] = -1;
        r->last_va[s] = 0;
    }
    r->last_bslot = -1;
    r->have_new = false;
    r->fetch_due = false;
}

#define GETV(dst)                                        \
    do {                                                 \
        uint64_t v_;                                     \
        size_t n_ = get_varint(p, e, &v_);               \
        if (!n_)                                         \
            return false;                                \
        p += n_;                                         \
        dst = v_;                                        \
    } while (0)
#define GETB(dst)          \
    do {                   \
        if (p >= e)        \
            return false;  \
        dst = *p++;        \
    } while (0)

static bool get_xlate(const uint8_t **pp, const uint8_t *e, TraceXlate *x)
{
    const uint8_t *p = *pp;
    unsigned f, sl, l, nd, perms;
    memset(x, 0, sizeof *x);
    GETB(f);
    GETB(sl);
    GETB(l);
    GETB(nd);
    GETB(perms);
    if (f & ~0x1fu || sl > 5 || l > 5 || nd > 5)
        return false;
    x->mapped = f & 1;
    x->global = f >> 1 & 1;
    x->ttbr1 = f >> 2 & 1;
    x->fmt = f >> 3 & 3;
    x->start_level = (int8_t)(sl - 1);
    x->level = (int8_t)(l - 1);
    x->ndesc = (uint8_t)nd;
    x->perms = (uint8_t)perms;
    if (x->mapped) {
        unsigned s;
        GETB(s);
        if (s < 10 || s > 48)
            return false;
        x->size_log2 = (uint8_t)s;
        GETV(x->pa_base);
    }
    for (unsigned i = 0; i < nd; i++)
        GETV(x->desc_pa[i]);
    *pp = p;
    return true;
}

static bool get_xlate_delta(const uint8_t **pp, const uint8_t *e, const TraceXlate *o, TraceXlate *x)
{
    const uint8_t *p = *pp;
    unsigned mask;
    GETB(mask);
    *x = *o;
    x->va_base = 0;
    if (mask & 1) {
        unsigned f, sl, l, nd, perms, s;
        GETB(f);
        GETB(sl);
        GETB(l);
        GETB(nd);
        GETB(perms);
        GETB(s);
        if (f & ~0x1fu || sl > 5 || l > 5 || nd > 5 || ((f & 1) && (s < 10 || s > 48)) || (!(f & 1) && s))
            return false;
        x->mapped = f & 1;
        x->global = f >> 1 & 1;
        x->ttbr1 = f >> 2 & 1;
        x->fmt = f >> 3 & 3;
        x->start_level = (int8_t)(sl - 1);
        x->level = (int8_t)(l - 1);
        x->ndesc = (uint8_t)nd;
        x->perms = (uint8_t)perms;
        x->size_log2 = (uint8_t)s;
    }
    if (mask >> (2 + x->ndesc) || ((mask & 2) && !x->mapped))
        return false;
    if (!x->mapped)
        x->pa_base = 0;
    if (mask & 2) {
        uint64_t d;
        GETV(d);
        x->pa_base = o->pa_base + (uint64_t)trace_unzigzag(d);
    }
    for (int i = 0; i < 5; i++) {
        if (i >= x->ndesc) {
            x->desc_pa[i] = 0;
        } else if (mask & (4u << i)) {
            uint64_t d;
            GETV(d);
            x->desc_pa[i] = o->desc_pa[i] + (uint64_t)trace_unzigzag(d);
        }
    }
    *pp = p;
    return true;
}

/* Decodes one record at r->p; false if malformed. */
static bool decode(TraceReader *r, TraceRec *rec)
{
    const uint8_t *p = r->p, *e = r->end;
    unsigned op;
    GETB(op);
    if (op < 0x80) {
        unsigned side = op & 3, mode = op >> 5 & 3, s;
        if (side >= TLB_SIDE_COUNT)
            return false;
        rec->kind = TR_ACCESS;
        rec->side = (uint8_t)side;
        rec->size_log2 = (uint8_t)(op >> 2 & 7);
        if (mode == ACC_SAME) {
            if (r->last_slot[side] < 0)
                return false;
            s = (unsigned)r->last_slot[side];
        } else {
            GETB(s);
        }
        TraceXlate nx;
        if (mode == ACC_NEW) {
            if (!get_xlate(&p, e, &nx))
                return false;
        } else if (mode == ACC_DELTA) {
            if (!r->have_new || !get_xlate_delta(&p, e, &r->last_new, &nx))
                return false;
        } else if (!r->xvalid[s]) {
            return false;
        }
        uint64_t d;
        GETV(d);
        int64_t delta = trace_unzigzag(d >> 1);
        uint64_t va = r->last_va[side] + ((d & 1) ? (uint64_t)delta : (uint64_t)delta << rec->size_log2);
        if (mode >= ACC_NEW) {
            nx.va_base = nx.mapped ? va & ~((1ull << nx.size_log2) - 1) : va & ~0xfffull;
            if (xslot(nx.va_base, nx.size_log2) != s)
                return false;
            r->xt[s] = nx;
            r->xvalid[s] = 1;
            r->last_new = nx;
            r->have_new = true;
        }
        r->last_va[side] = va;
        r->last_slot[side] = (int)s;
        rec->va = va;
        rec->x = &r->xt[s];
        r->chunk_tot.accesses++;
    } else if ((op & ~TRACE_OP_WITH_FETCH) == OP_BLOCK_NEW || (op & ~TRACE_OP_WITH_FETCH) == OP_BLOCK_REF ||
               (op & ~TRACE_OP_WITH_FETCH) == OP_BLOCK_AGAIN) {
        if (op & TRACE_OP_WITH_FETCH) { /* version 2: the fetch lookup by the previous fetch's translation */
            if (r->h.version < 2 || r->last_slot[TLB_SIDE_FETCH] < 0 || r->chunk_done + 2 > r->chunk_recs)
                return false;
            r->fetch_due = true;
            op &= ~TRACE_OP_WITH_FETCH;
        }
        unsigned s;
        if (op == OP_BLOCK_AGAIN) {
            if (r->last_bslot < 0)
                return false;
            s = (unsigned)r->last_bslot;
        } else {
            GETB(s);
        }
        if (op == OP_BLOCK_NEW) {
            TraceBlock b;
            memset(&b, 0, sizeof b);
            unsigned fl;
            GETV(b.va);
            GETB(fl);
            if (fl > 3)
                return false;
            b.thumb = fl & 1;
            b.el0 = fl >> 1;
            uint64_t sum = 0;
            for (int i = 0; i < TLB_C_COUNT; i++) {
                uint64_t c;
                GETV(c);
                if (c > 0xffffffffu)
                    return false;
                b.classes[i] = (uint32_t)c;
                if (i != TLB_C_LOAD_USE)
                    sum += c;
            }
            if (sum > 0xffffffffu || e - p < 4 || bslot(b.va) != s)
                return false;
            b.ninsns = (uint32_t)sum;
            b.word = get32(p);
            p += 4;
            r->bt[s] = b;
            r->bvalid[s] = 1;
        } else if (!r->bvalid[s]) {
            return false;
        }
        r->last_bslot = (int)s;
        rec->kind = TR_BLOCK;
        rec->b = &r->bt[s];
        r->chunk_tot.blocks++;
        r->chunk_tot.insns += r->bt[s].ninsns;
        if (r->fetch_due)
            r->chunk_tot.accesses++;
    } else if (op == OP_CONTEXT) {
        uint64_t a;
        unsigned fl;
        GETV(a);
        GETB(fl);
        if (a > 0xffff || fl > 3)
            return false;
        rec->kind = TR_CONTEXT;
        rec->asid = (uint16_t)a;
        rec->el0 = fl & 1;
        rec->mmu_on = fl >> 1;
    } else if (op == OP_TLBI) {
        unsigned o;
        uint64_t va, asid, vmid;
        GETB(o);
        GETV(va);
        GETV(asid);
        GETV(vmid);
        if (o > TLB_INV_VAAL || asid > 0xffff || vmid > 0xffff)
            return false;
        rec->kind = TR_TLBI;
        rec->inv = (TlbInval){(TlbInvalOp)o, va, (uint16_t)asid, (uint16_t)vmid};
        r->chunk_tot.tlbis++;
    } else if (op == OP_EVENT) {
        unsigned k;
        uint64_t len;
        GETB(k);
        GETV(rec->ev_pc);
        GETV(rec->ev_insn);
        GETV(len);
        if (len > TRACE_EVENT_MAX || (uint64_t)(e - p) < len)
            return false;
        rec->kind = TR_EVENT;
        rec->ev_kind = (uint8_t)k;
        memcpy(rec->ev_json, p, len);
        rec->ev_json[len] = 0;
        p += len;
        r->chunk_tot.events++;
    } else {
        return false;
    }
    r->p = p;
    r->chunk_tot.records++;
    return true;
}

/* The current chunk is fully decoded: its totals join the intact ones. */
static void r_close_chunk(TraceReader *r)
{
    r->in_chunk = false;
    r->tot.records += r->chunk_tot.records;
    r->tot.accesses += r->chunk_tot.accesses;
    r->tot.blocks += r->chunk_tot.blocks;
    r->tot.insns += r->chunk_tot.insns;
    r->tot.events += r->chunk_tot.events;
    r->tot.tlbis += r->chunk_tot.tlbis;
    r->tot.chunks++;
    r->chunk_tot = (TraceTotals){0};
}

/* Opens the chunk at r->pos: 1 (r->p..r->end hold its chunk_recs records, tables reset), 0 at a
 * clean end (the end marker, totals equal, nothing after it), -1 on damage (reported). */
static int r_open_chunk(TraceReader *r, char *err, size_t errlen)
{
    if (r->pos == r->size)
        return damage(r, err, errlen, "trace cut short (no end marker)");
    if (r->size - r->pos < 8)
        return damage(r, err, errlen, "trace cut short inside a chunk header");
    const uint8_t *hd = r_bytes(r, r->pos, 8);
    if (!hd)
        return damage(r, err, errlen, "read error");
    uint32_t tag = get32(hd), len = get32(hd + 4);
    if (tag == TRACE_END_TAG) {
        if (len > 100 || r->size - r->pos < 12 + (uint64_t)len)
            return damage(r, err, errlen, "trace cut short inside the end marker");
        const uint8_t *p = r_bytes(r, r->pos, 12 + len);
        if (!p)
            return damage(r, err, errlen, "read error");
        p += 8;
        const uint8_t *e = p + len;
        if (trace_crc32(0, p, len) != get32(e))
            return damage(r, err, errlen, "end marker CRC mismatch");
        uint64_t v[7];
        for (int i = 0; i < 7; i++) {
            size_t n = trace_get_varint(p, e, &v[i]);
            if (!n)
                return damage(r, err, errlen, "malformed end marker");
            p += n;
        }
        r->end_tot = (TraceTotals){v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
        r->pos += 12 + len;
        r->finished = true;
        if (memcmp(&r->end_tot, &r->tot, sizeof r->tot))
            return damage(r, err, errlen, "end marker totals disagree with the chunks read");
        if (r->pos != r->size)
            return damage(r, err, errlen, "bytes after the end marker");
        return 0;
    }
    if (tag != TRACE_CHUNK_TAG)
        return damage(r, err, errlen, "bad chunk tag");
    if (r->size - r->pos < 16)
        return damage(r, err, errlen, "trace cut short inside a chunk header");
    hd = r_bytes(r, r->pos, 16);
    if (!hd)
        return damage(r, err, errlen, "read error");
    uint32_t nrec = get32(hd + 8), crc = get32(hd + 12);
    if (len > TRACE_CHUNK_MAX || nrec == 0 || nrec > 2 * len) /* a one-byte record can count as two */
        return damage(r, err, errlen, "malformed chunk header");
    if (r->size - r->pos - 16 < len)
        return damage(r, err, errlen, "trace cut short inside a chunk");
    const uint8_t *p = r_bytes(r, r->pos, 16 + len);
    if (!p)
        return damage(r, err, errlen, "read error");
    p += 16;
    if (trace_crc32(0, p, len) != crc)
        return damage(r, err, errlen, "chunk CRC mismatch");
    r->p = p;
    r->end = p + len;
    r->pos += 16 + len;
    r->chunk_recs = nrec;
    r->chunk_done = 0;
    r->in_chunk = true;
    r_reset_tables(r);
    return 1;
}

int trace_reader_next(TraceReader *r, TraceRec *rec, char *err, size_t errlen)
{
    if (r->finished)
        return r->end_tot.records == r->tot.records && r->pos == r->size ? 0 : -1;
    for (;;) {
        if (r->fetch_due) { /* the fetch lookup of the block record just returned */
            r->fetch_due = false;
            const TraceBlock *b = &r->bt[r->last_bslot];
            rec->kind = TR_ACCESS;
            rec->side = TLB_SIDE_FETCH;
            rec->size_log2 = 0;
            rec->va = b->va;
            rec->x = &r->xt[r->last_slot[TLB_SIDE_FETCH]];
            r->last_va[TLB_SIDE_FETCH] = b->va;
            r->chunk_done++;
            r->chunk_tot.records++;
            return 1;
        }
        if (r->in_chunk) {
            if (r->chunk_done < r->chunk_recs) {
                if (!decode(r, rec)) {
                    r->chunk_tot = (TraceTotals){0};
                    return damage(r, err, errlen, "undecodable record in a chunk whose CRC is right");
                }
                r->chunk_done++;
                return 1;
            }
            if (r->p != r->end)
                return damage(r, err, errlen, "chunk holds more bytes than its records");
            r_close_chunk(r);
        }
        int k = r_open_chunk(r, err, errlen);
        if (k <= 0)
            return k;
    }
}

/* ---------------------------------------------------------------- replay */
/* One lookup, the calls a live run makes (emu/tlb_glue.c): on a miss, the walk from the recorded
 * translation. */
static void replay_access(TraceReplay *rp, TlbSide side, uint64_t va, const TraceXlate *x, bool l1_missed)
{
    TlbResult res;
    if (l1_missed ? tlb_lookup_l1_missed(rp->m, side, va, rp->asid, &res)
                  : tlb_lookup(rp->m, side, va, rp->asid, 0, &res)) {
        rp->hit = true;
        rp->hit_level = res.level;
        return;
    }
    rp->hit = false;
    /* the miss path of emu/tlb_glue.c walk_and_fill, from the recorded walk */
    unsigned reads = tlb_walk(rp->m, va, (TlbWalkFmt)x->fmt, x->start_level, x->ttbr1, rp->asid, 0, x->desc_pa, x->ndesc);
    rp->reads = reads;
    if (!x->mapped)
        return;
    uint64_t size = 1ull << x->size_log2;
    TlbMapping map = {x->va_base, x->pa_base, size, rp->asid, 0, x->global, x->perms, 0, (uint8_t)x->level};
    tlb_fill_missed(rp->m, side, va, &map);
}

void trace_replay_record(TraceReplay *rp, const TraceRec *rec)
{
    switch (rec->kind) {
    case TR_ACCESS:
        rp->accesses++;
        replay_access(rp, (TlbSide)rec->side, rec->va, rec->x, false);
        return;
    case TR_BLOCK:
        tlb_block_cost(rp->m, rec->b->classes);
        rp->insns += rec->b->ninsns;
        return;
    case TR_CONTEXT:
        rp->asid = rec->asid;
        return;
    case TR_TLBI:
        tlb_invalidate(rp->m, &rec->inv);
        return;
    case TR_EVENT:
        return;
    }
}

/* The whole-trace replay: the same model calls as trace_replay_record on every record of
 * trace_reader_next, with the same final state, but
 *   - records decoded in one loop here, the common ones (an access by the side's previous or a
 *     slot's translation, a block by slot or again) without going through decode();
 *   - an access that hits the side's first-level entry under the conditions of TlbHot
 *     (tlb_internal.h) only counted, and the counts added when anything else touches the model;
 *   - a block's cost added once per chunk and slot with the number of times it ran (costs and
 *     instruction counts are sums, and nothing in the model reads them during a replay).
 * MMUSCOPE_REPLAY_SLOW=1 replays record by record instead (to compare the two). */
typedef struct FastReplay {
    TraceReplay *rp;
    TlbHot hot[TLB_SIDE_COUNT];
    uint64_t bn[TRACE_BSLOTS];      /* runs of each block slot not yet costed */
    uint8_t listed[TRACE_BSLOTS];   /* slot is in bdirty */
    uint16_t bdirty[TRACE_BSLOTS];  /* slots that ran in this chunk */
    unsigned nbdirty;
} FastReplay;

static inline void fr_flush_hits(FastReplay *f)
{
    for (int s = 0; s < TLB_SIDE_COUNT; s++)
        if (f->hot[s].n)
            tlb_hot_flush(f->rp->m, (TlbSide)s, &f->hot[s]);
}

/* The pending hits that must be counted before a lookup on side's path: those of the sides
 * sharing its first-level structure (the data sides share one unless it is split). Pending hits
 * of another side change only that side's own first-level structure (its LRU clock and stamp)
 * and counters that are sums, so they may wait. */
static inline void fr_flush_shared(FastReplay *f, TlbSide side)
{
    const TlbStruct *t = f->hot[side].t;
    for (int s = 0; s < TLB_SIDE_COUNT; s++)
        if (f->hot[s].n && f->hot[s].t == t)
            tlb_hot_flush(f->rp->m, (TlbSide)s, &f->hot[s]);
}

static void fr_disarm(FastReplay *f)
{
    for (int s = 0; s < TLB_SIDE_COUNT; s++)
        f->hot[s].epoch = 0;
}

static void fr_block_slot(FastReplay *f, TraceReader *r, unsigned s)
{
    uint64_t n = f->bn[s];
    if (!n)
        return;
    f->bn[s] = 0;
    const TraceBlock *b = &r->bt[s];
    tlb_block_cost_n(f->rp->m, b->classes, n);
    f->rp->insns += n * b->ninsns;
    r->chunk_tot.blocks += n;
    r->chunk_tot.insns += n * b->ninsns;
}

static void fr_blocks(FastReplay *f, TraceReader *r)
{
    for (unsigned i = 0; i < f->nbdirty; i++) {
        fr_block_slot(f, r, f->bdirty[i]);
        f->listed[f->bdirty[i]] = 0;
    }
    f->nbdirty = 0;
}

static inline void fr_block_run(FastReplay *f, unsigned s)
{
    f->bn[s]++;
    if (!f->listed[s]) {
        f->listed[s] = 1;
        f->bdirty[f->nbdirty++] = (uint16_t)s;
    }
}

static inline void fr_access(FastReplay *f, TlbSide side, uint64_t va, const TraceXlate *x)
{
    TlbHot *h = &f->hot[side];
    if (h->epoch == h->t->epoch && (va >> h->shift) == h->vpn) {
        h->n++;
        return;
    }
    fr_flush_shared(f, side);
    if (tlb_hot_lookup(f->rp->m, side, va, f->rp->asid, h))
        return; /* a first-level hit on another entry */
    replay_access(f->rp, side, va, x, true); /* tlb_hot_lookup found it missing there */
    tlb_hot_arm(f->rp->m, side, va, f->rp->asid, h);
}

/* A chunk's records; false at an undecodable one. */
static bool fr_chunk(FastReplay *f, TraceReader *r)
{
    TraceReplay *rp = f->rp;
    const uint8_t *p = r->p, *e = r->end;
    uint32_t left = r->chunk_recs;
    uint64_t nfast = 0, nacc = 0;
    TraceRec rec;
    while (left) {
        if (p >= e)
            break;
        unsigned op = *p;
        if (op < 0x40 && (op & 3) != 3) { /* access, mode 0 (same) or 1 (slot) */
            unsigned side = op & 3, sl = op >> 2 & 7, s;
            const uint8_t *q = p + 1;
            if (op < 0x20) {
                if (r->last_slot[side] < 0)
                    break;
                s = (unsigned)r->last_slot[side];
            } else {
                if (q >= e || !r->xvalid[*q])
                    break;
                s = *q++;
            }
            uint64_t d;
            size_t n = get_varint(q, e, &d);
            if (!n)
                break;
            p = q + n;
            int64_t delta = trace_unzigzag(d >> 1);
            uint64_t va = r->last_va[side] + ((d & 1) ? (uint64_t)delta : (uint64_t)delta << sl);
            r->last_va[side] = va;
            r->last_slot[side] = (int)s;
            nacc++;
            fr_access(f, (TlbSide)side, va, &r->xt[s]);
        } else if ((op | TRACE_OP_WITH_FETCH) == (OP_BLOCK_AGAIN | TRACE_OP_WITH_FETCH) ||
                   (op | TRACE_OP_WITH_FETCH) == (OP_BLOCK_REF | TRACE_OP_WITH_FETCH)) {
            unsigned s;
            if ((op & ~TRACE_OP_WITH_FETCH) == OP_BLOCK_AGAIN) {
                if (r->last_bslot < 0)
                    break;
                s = (unsigned)r->last_bslot;
                p++;
            } else {
                if (p + 1 >= e || !r->bvalid[p[1]])
                    break;
                s = p[1];
                p += 2;
                r->last_bslot = (int)s;
            }
            fr_block_run(f, s);
            if (op & TRACE_OP_WITH_FETCH) { /* and its fetch lookup, by the previous fetch's translation */
                int xs = r->last_slot[TLB_SIDE_FETCH];
                if (xs < 0 || r->h.version < 2 || left < 2)
                    break;
                left--; /* the two records it counts as */
                nfast++;
                uint64_t va = r->bt[s].va;
                r->last_va[TLB_SIDE_FETCH] = va;
                nacc++;
                fr_access(f, TLB_SIDE_FETCH, va, &r->xt[xs]);
            }
        } else {
            if ((op & ~TRACE_OP_WITH_FETCH) == OP_BLOCK_NEW && p + 1 < e)
                fr_block_slot(f, r, p[1]); /* its slot's block is about to change */
            r->p = p;
            r->chunk_done = r->chunk_recs - left;
            if (!decode(r, &rec))
                break;
            p = r->p;
            nfast--; /* decode counted the record itself */
            if (rec.kind == TR_ACCESS) {
                rp->accesses++;
                fr_access(f, (TlbSide)rec.side, rec.va, rec.x);
            } else if (rec.kind == TR_BLOCK) {
                fr_block_run(f, (unsigned)(rec.b - r->bt));
                r->chunk_tot.blocks--; /* counted again when the slot's runs are costed */
                r->chunk_tot.insns -= rec.b->ninsns;
                if (r->fetch_due) { /* a new block with its fetch lookup (decode counted the access) */
                    r->fetch_due = false;
                    left--;
                    nfast++;
                    r->last_va[TLB_SIDE_FETCH] = rec.b->va;
                    rp->accesses++;
                    fr_access(f, TLB_SIDE_FETCH, rec.b->va, &r->xt[r->last_slot[TLB_SIDE_FETCH]]);
                }
            } else if (rec.kind != TR_EVENT) {
                fr_flush_hits(f);
                if (rec.kind == TR_CONTEXT && rec.asid != rp->asid)
                    fr_disarm(f); /* the per-ASID counts of pending hits are the old ASID's */
                trace_replay_record(rp, &rec);
            }
        }
        nfast++;
        left--;
    }
    r->p = p;
    r->chunk_tot.records += nfast;
    r->chunk_tot.accesses += nacc;
    rp->accesses += nacc;
    fr_blocks(f, r); /* before the next chunk resets the block table */
    r->chunk_done = r->chunk_recs - left;
    return left == 0;
}

int trace_replay_run(TraceReader *r, TraceReplay *rp, char *err, size_t errlen)
{
    const char *slow = getenv("MMUSCOPE_REPLAY_SLOW");
    if (slow && *slow && strcmp(slow, "0")) {
        TraceRec rec;
        int k;
        while ((k = trace_reader_next(r, &rec, err, errlen)) > 0)
            trace_replay_record(rp, &rec);
        return k;
    }
    FastReplay *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->rp = rp;
    for (int s = 0; s < TLB_SIDE_COUNT; s++)
        tlb_hot_init(rp->m, (TlbSide)s, &f->hot[s]);
    int k;
    for (;;) {
        if (r->finished) {
            k = r->end_tot.records == r->tot.records && r->pos == r->size ? 0 : -1;
            break;
        }
        if (r->in_chunk) {
            if (!fr_chunk(f, r)) {
                r->chunk_tot = (TraceTotals){0};
                k = damage(r, err, errlen, "undecodable record in a chunk whose CRC is right");
                break;
            }
            if (r->p != r->end) {
                k = damage(r, err, errlen, "chunk holds more bytes than its records");
                break;
            }
            r_close_chunk(r);
        }
        k = r_open_chunk(r, err, errlen);
        if (k <= 0)
            break;
    }
    fr_flush_hits(f);
    free(f);
    return k;
}

/* ---------------------------------------------------------------- configurations */
static char *read_text(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open core preset: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    size_t k;
    while (s && (k = fread(s + n, 1, cap - n - 1, f)) > 0) {
        n += k;
        if (n + 1 == cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) {
                free(s);
                s = NULL;
            }
            s = t;
        }
    }
    fclose(f);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s[n] = 0;
    return s;
}

bool trace_config_load(TlbConfig *c, const TraceHeader *h, const char *name_or_path, const char *const *sets,
                       int nsets, char *err, size_t errlen)
{
    char path[512];
    if (name_or_path) {
        size_t n = strlen(name_or_path);
        if (strchr(name_or_path, '/') || (n > 4 && !strcmp(name_or_path + n - 4, ".ini")))
            snprintf(path, sizeof path, "%s", name_or_path);
        else
            snprintf(path, sizeof path, "%s/%s.ini", TLB_CORES_DIR, name_or_path);
        if (!nsets)
            return tlb_config_load(c, path, err, errlen);
    } else if (!h || !h->core_ini) {
        snprintf(err, errlen, "the trace carries no core preset: give --core NAME|PATH");
        return false;
    }
    char *text = name_or_path ? read_text(path, err, errlen) : strdup(h->core_ini);
    if (!text) {
        if (!name_or_path)
            snprintf(err, errlen, "out of memory");
        return false;
    }
    /* overrides: appended sections; the INI parser applies keys in order, so they win */
    size_t len = strlen(text), cap = len + 64;
    for (int i = 0; i < nsets; i++)
        cap += strlen(sets[i]) + 32;
    char *all = malloc(cap);
    if (!all) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return false;
    }
    memcpy(all, text, len + 1);
    free(text);
    for (int i = 0; i < nsets; i++) {
        const char *s = sets[i], *eq = strchr(s, '=');
        if (!strncmp(s, "tlb.", 4))
            s += 4;
        const char *dot = eq ? memchr(s, '.', (size_t)(eq - s)) : NULL;
        if (!eq || !dot || dot == s || dot + 1 == eq || memchr(s, '\n', strlen(s)) || memchr(dot + 1, '.', (size_t)(eq - dot - 1))) {
            snprintf(err, errlen, "--set %s: expected SECTION.KEY=VALUE (e.g. tlb.main_tlb.entries=256)", sets[i]);
            free(all);
            return false;
        }
        int sl = (int)(dot - s);
        const char *sec = s;
        if (sl == 4 && !strncmp(s, "main", 4))
            sec = "main_tlb", sl = 8;
        else if (sl == 5 && !strncmp(s, "main2", 5))
            sec = "main_tlb2", sl = 9;
        else if (sl == 5 && !strncmp(s, "main3", 5))
            sec = "main_tlb3", sl = 9;
        len += (size_t)sprintf(all + len, "\n[%.*s]\n%.*s = %s\n", sl, sec, (int)(eq - dot - 1), dot + 1, eq + 1);
    }
    const char *tmpdir = getenv("TMPDIR");
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s/mmuscope-core-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create a temporary file: %s", tmp, strerror(errno));
        free(all);
        return false;
    }
    bool wok = write(fd, all, len) == (ssize_t)len;
    close(fd);
    free(all);
    if (!wok) {
        unlink(tmp);
        snprintf(err, errlen, "%s: cannot write a temporary file", tmp);
        return false;
    }
    char e2[600];
    bool ok = tlb_config_load(c, tmp, e2, sizeof e2);
    unlink(tmp);
    const char *src = name_or_path ? path : "the preset recorded in the trace";
    if (!ok) {
        size_t tl = strlen(tmp);
        const char *msg = !strncmp(e2, tmp, tl) ? e2 + tl : e2;
        if (*msg == ':') { /* ":LINE: what" -> "what" */
            const char *c2 = strchr(msg + 1, ':');
            msg = c2 ? c2 + 1 : msg + 1;
            while (*msg == ' ')
                msg++;
        }
        snprintf(err, errlen, "%s with --set: %s", src, msg);
        return false;
    }
    snprintf(c->source, sizeof c->source, "%.*s", (int)sizeof c->source - 1, src);
    return true;
}
