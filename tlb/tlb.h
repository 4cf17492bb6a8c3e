/* TLB hierarchy and cycle model. Plain C, no engine types.
 *
 * A TlbStruct is one cache of translations (micro-TLB, main TLB, walk cache, IPA cache):
 * fixed arrays allocated at create time, set index from VA bits, LRU / tree-PLRU / FIFO /
 * seeded-random replacement. A TlbModel strings structures into a hierarchy per access side
 * (fetch, load, store), adds a walk cache and keeps the cycle count and statistics.
 * Core presets are INI files (configs/cores/NAME.ini), see docs/tlb.md. */
#ifndef TLB_TLB_H
#define TLB_TLB_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- permissions kept in an entry (what the walker decided; the caller checks) ---- */
#define TLB_P_EL1_R (1u << 0)
#define TLB_P_EL1_W (1u << 1)
#define TLB_P_EL1_X (1u << 2)
#define TLB_P_EL0_R (1u << 3)
#define TLB_P_EL0_W (1u << 4)
#define TLB_P_EL0_X (1u << 5)

typedef enum TlbRepl { TLB_REPL_LRU, TLB_REPL_PLRU, TLB_REPL_FIFO, TLB_REPL_RANDOM } TlbRepl;

/* How a mapping larger than every size a structure holds is stored.
 * LARGEST: the entry of the largest held size <= the mapping that covers the looked-up VA
 * (A15 L1: a 1 MiB section becomes one 4K entry; A53 main TLB: 1 GiB becomes 512 MiB).
 * NONE: such mappings are not cached in that structure. */
typedef enum TlbSplit { TLB_SPLIT_LARGEST, TLB_SPLIT_NONE } TlbSplit;

/* Page sizes are a mask of log2(size) bits: bit 12 = 4K, bit 20 = 1M, bit 30 = 1G ... */
#define TLB_PS(shift) (1ull << (shift))

typedef struct TlbStructConfig {
    bool present;
    char name[24];
    unsigned entries;
    unsigned ways;          /* 0 = fully associative (ways = entries); 1 = direct mapped */
    TlbRepl repl;
    uint64_t page_sizes;    /* TLB_PS() mask; 0 = all sizes */
    TlbSplit split;
    unsigned latency;       /* cycles added when this structure is probed after a lower-level miss */
    unsigned miss_penalty;  /* cycles added when this structure misses */
    bool flush_on_tlbi;     /* any TLB maintenance empties it (micro TLBs of A7/A53) */
} TlbStructConfig;

/* Instruction classes of the block cost model */
typedef enum TlbInsnClass {
    TLB_C_ALU, TLB_C_MUL, TLB_C_LOAD, TLB_C_STORE, TLB_C_BRANCH, TLB_C_SYSTEM,
    TLB_C_LOAD_USE, /* loads whose result the next instruction consumes (adds load_to_use each) */
    TLB_C_COUNT
} TlbInsnClass;

#define TLB_MAX_UNIFIED 3

typedef struct TlbConfig {
    char name[32];
    char source[256];       /* file it came from */
    unsigned asid_bits;     /* 8 or 16 */
    uint64_t seed;          /* random replacement seed */
    TlbStructConfig itlb, dtlb, dtlb_load, dtlb_store;
    TlbStructConfig unified[TLB_MAX_UNIFIED]; /* [main_tlb], [main_tlb2], [main_tlb3] in lookup order */
    TlbStructConfig walk_cache, ipa_cache;
    unsigned cost[TLB_C_COUNT]; /* alu, mul, load, store, branch, system, load_to_use */
    unsigned mem_latency;       /* per descriptor read a walk makes */
} TlbConfig;

/* Loads an INI preset. On failure err gets one line "FILE:LINE: what" (or "FILE: what"
 * when the problem is not tied to a line) and false is returned. */
bool tlb_config_load(TlbConfig *c, const char *path, char *err, size_t errlen);
/* NAME (looked up as configs/cores/NAME.ini) or a path containing '/' or ending in .ini */
bool tlb_config_load_preset(TlbConfig *c, const char *name_or_path, char *err, size_t errlen);
/* Defaults used before a file is parsed (no structures, costs 1, asid_bits 8). */
void tlb_config_init(TlbConfig *c);
/* Parses "4K,64K,1M" into a TLB_PS mask; false on a bad item. */
bool tlb_parse_page_sizes(const char *s, uint64_t *mask);
const char *tlb_repl_name(TlbRepl r);

/* ---- one structure ---- */

/* What the walker found, given to fill. va/pa/size describe the whole mapping
 * (va and pa aligned to size). */
typedef struct TlbMapping {
    uint64_t va, pa, size;
    uint16_t asid, vmid;
    bool global;            /* nG == 0 */
    uint8_t perms;          /* TLB_P_* */
    uint32_t attrs;         /* opaque to the model (memory type etc.) */
    uint8_t level;          /* level of the final descriptor */
} TlbMapping;

/* A hit: the entry as stored (after splitting) and the translated address */
typedef struct TlbEntryView {
    uint64_t va, pa, size;  /* the stored entry */
    uint64_t out_pa;        /* translated address for the looked-up VA */
    uint16_t asid, vmid;
    bool global;
    uint8_t perms, level;
    uint32_t attrs;
} TlbEntryView;

typedef struct TlbStructStats {
    uint64_t lookups, hits, misses, fills, evictions, invalidations;
} TlbStructStats;

typedef struct TlbStruct TlbStruct;

TlbStruct *tlb_struct_create(const TlbStructConfig *sc, uint64_t seed, char *err, size_t errlen);
void tlb_struct_destroy(TlbStruct *t);
bool tlb_struct_lookup(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid, TlbEntryView *out);
/* Inserts the part of m that covers va (split per the config). Returns false when the
 * structure holds no size that fits, or va lies outside m. */
bool tlb_struct_fill(TlbStruct *t, const TlbMapping *m, uint64_t va);
/* Whether va translates in t for asid/vmid, without touching replacement state or stats. */
bool tlb_struct_contains(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid);
unsigned tlb_struct_valid_count(const TlbStruct *t);
/* Entry i (set-major: set * ways + way) for viewers: false when i is out of range or the entry
 * is invalid. *stamp is its replacement stamp (LRU: last use; FIFO: fill order), larger is
 * newer; nothing in the structure changes. */
bool tlb_struct_entry(const TlbStruct *t, unsigned i, TlbEntryView *out, uint64_t *stamp);
const TlbStructStats *tlb_struct_stats(const TlbStruct *t);
const TlbStructConfig *tlb_struct_config(const TlbStruct *t);

/* Whether a hit on e permits the access: fetch needs X, load R, store W, at EL0 (PL0) or
 * EL1 (PL1). A false answer is the permission fault hardware raises from the TLB entry itself,
 * without a walk (e.level is the level to report). */
bool tlb_entry_permits(const TlbEntryView *e, int side, bool el0);

/* ---- maintenance ---- */
typedef enum TlbInvalOp {
    TLB_INV_ALL,    /* TLBIALL(IS), TLBI VMALLE1(IS): everything of this VMID */
    TLB_INV_ASID,   /* TLBIASID(IS), TLBI ASIDE1(IS): non-global entries of the ASID */
    TLB_INV_VA,     /* TLBIMVA(IS), TLBI VAE1(IS): VA for the ASID, and global entries at VA */
    TLB_INV_VAA,    /* TLBIMVAA(IS), TLBI VAAE1(IS): VA, any ASID */
    TLB_INV_VAL,    /* TLBIMVAL(IS), TLBI VALE1(IS): as VA, last level only: walk cache kept */
    TLB_INV_VAAL,   /* TLBIMVAAL(IS), TLBI VAALE1(IS): as VAA, walk cache kept */
} TlbInvalOp;

typedef struct TlbInval {
    TlbInvalOp op;
    uint64_t va;
    uint16_t asid, vmid;
} TlbInval;

/* "TLBIALL", "TLBIMVAIS", "VMALLE1", "VAE1IS", "TLBI VALE1" ... -> op; false if unknown.
 * *is tells whether it is an Inner Shareable form (same effect on this single-core model). */
bool tlb_inval_op_from_name(const char *name, TlbInvalOp *op, bool *is);
/* Removes the matching entries from one TLB structure; returns how many. */
unsigned tlb_struct_invalidate(TlbStruct *t, const TlbInval *inv);

/* ---- walk cache ---- */
typedef enum TlbWalkFmt {
    TLB_FMT_V7_SHORT,   /* levels 1..2, an L1 table descriptor covers 1 MiB */
    TLB_FMT_4K,         /* LPAE / VMSAv8 4K granule: level L covers 2^(12 + 9*(3-L)) */
    TLB_FMT_16K,        /* 2^(14 + 11*(3-L)) */
    TLB_FMT_64K,        /* 2^(16 + 13*(3-L)) */
} TlbWalkFmt;
/* log2 of the VA range one descriptor at `level` maps (-1 for a bad level) */
int tlb_walk_level_shift(TlbWalkFmt fmt, int level);

/* ---- the hierarchy ---- */
typedef enum TlbSide { TLB_SIDE_FETCH, TLB_SIDE_LOAD, TLB_SIDE_STORE, TLB_SIDE_COUNT } TlbSide;

typedef struct TlbResult {
    bool hit;
    int level;              /* 0 = first-level (micro/L1) TLB, 1.. = unified levels; -1 miss */
    TlbEntryView e;
    unsigned cycles;        /* cycles this lookup added (beyond a first-level hit) */
} TlbResult;

typedef struct TlbModel TlbModel;

TlbModel *tlb_model_create(const TlbConfig *c, char *err, size_t errlen);
void tlb_model_destroy(TlbModel *m);
const TlbConfig *tlb_model_config(const TlbModel *m);
/* "itlb", "dtlb", "dtlb_load", "dtlb_store", "main_tlb", "main_tlb2", "main_tlb3",
 * "walk_cache", "ipa_cache" -> the structure, or NULL when not configured */
TlbStruct *tlb_model_struct(TlbModel *m, const char *name);

/* Looks va up along the side's path (first-level TLB, then unified levels). A hit below
 * the first level refills the levels above it. Returns true on a hit; on a miss the
 * caller walks (see tlb_walk_*) and calls tlb_fill. Adds the cycles to the running count.
 * out must not be NULL; asid is masked to asid_bits. */
bool tlb_lookup(TlbModel *m, TlbSide side, uint64_t va, uint16_t asid, uint16_t vmid, TlbResult *out);
/* Fills every level of the side's path with the mapping that covers va. */
void tlb_fill(TlbModel *m, TlbSide side, uint64_t va, const TlbMapping *map);
/* tlb_fill after tlb_lookup(m, side, va, map->asid, map->vmid) missed, with nothing filled
 * since (walk-cache calls allowed): the same result, without searching each level for an entry
 * already holding the mapping (the miss says none does). */
void tlb_fill_missed(TlbModel *m, TlbSide side, uint64_t va, const TlbMapping *map);

/* Walk cache: returns the level the walk must read next and sets *table_pa to that level's
 * table address when a cached entry serves the levels above it; returns start_level (and
 * leaves *table_pa) when nothing is cached. ttbr is 0 or 1. */
int tlb_walk_begin(TlbModel *m, uint64_t va, TlbWalkFmt fmt, int start_level, int ttbr,
                   uint16_t asid, uint16_t vmid, uint64_t *table_pa);
/* Records a table descriptor read at `level` that points to next_table_pa. */
void tlb_walk_cache_insert(TlbModel *m, uint64_t va, TlbWalkFmt fmt, int level, int ttbr,
                           uint16_t asid, uint16_t vmid, uint64_t next_table_pa);
/* Ends a walk (counted per ASID): descriptors_read memory reads at mem_latency each;
 * returns the cycles added. */
unsigned tlb_walk_end(TlbModel *m, unsigned descriptors_read, uint16_t asid);

/* The model's side of a walk that read the descriptors desc_pa[0..ndesc) from start_level
 * down (ndesc 0: it faulted before reading one): the walk cache serves the levels above the one
 * tlb_walk_begin returns, every table descriptor read (all but the last) is recorded in it
 * (tlb_walk_cache_insert of the next table's address) and the walk is charged (tlb_walk_end)
 * for the reads the cache did not serve, at least one. Returns those reads. */
unsigned tlb_walk(TlbModel *m, uint64_t va, TlbWalkFmt fmt, int start_level, int ttbr, uint16_t asid,
                  uint16_t vmid, const uint64_t *desc_pa, unsigned ndesc);

/* Maintenance over all structures (TLBs and walk cache, per the op); returns entries removed. */
unsigned tlb_invalidate(TlbModel *m, const TlbInval *inv);

/* Cost of a translation block from its per-class instruction counts; adds it (and the
 * instruction count, all classes but TLB_C_LOAD_USE) to the running totals. */
uint64_t tlb_block_cost(TlbModel *m, const uint32_t counts[TLB_C_COUNT]);
/* Adds cycles from elsewhere (e.g. exceptions) to the running count. */
void tlb_add_cycles(TlbModel *m, uint64_t cycles);
uint64_t tlb_cycles(const TlbModel *m);
uint64_t tlb_instructions(const TlbModel *m);
/* lookups made on side (every access the model was asked about) */
uint64_t tlb_accesses(const TlbModel *m, TlbSide side);
/* Walks, descriptors they read, and walk-cache hits so far (the "walks", "descriptor_reads"
 * and "walk_cache_hits" of tlb_stats_json). */
typedef struct TlbWalkStats {
    uint64_t walks, descriptor_reads, walk_cache_hits;
} TlbWalkStats;
TlbWalkStats tlb_walk_stats(const TlbModel *m);

/* Statistics: a JSON object ("{...}", no trailing newline) to embed as a value, and a
 * readable table. */
#define TLB_ASID_SLOTS 256
void tlb_stats_json(const TlbModel *m, FILE *f);
void tlb_stats_print(const TlbModel *m, FILE *f);

#endif
