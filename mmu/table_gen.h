/* A seeded generator of random translation-table sets, for differential tests of the walkers
 * against another implementation of the architecture (emu/xcheck.c: Unicorn's own MMU).
 * Plain C, no engine types. Deterministic per (format, seed, options): its own PRNG
 * (xoshiro256** seeded through splitmix64), no global state.
 *
 * A table set is: the translation registers, an image of the table pool (the translation tables,
 * to be copied to layout.pool_pa), and a list of probe VAs. Every table set maps the layout's code
 * region identity (VA == PA) for privileged execution from TTBR0, keeps its random mappings out of
 * [0, reserved_va_end), and points every random leaf at [data_lo, data_hi) (unless a deviation
 * category says otherwise, see below). Probes are 8-byte aligned VAs inside mappings (anywhere,
 * and at their first and last word), in invalid entries, in the TTBR gap, at the edges of the
 * TTBR ranges, and at random. */
#ifndef MMU_TABLE_GEN_H
#define MMU_TABLE_GEN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "long_desc.h"
#include "v7_short.h"

typedef enum TgFormat {
    TG_V7 = 0,     /* ARMv7 short descriptors, PL1&0 */
    TG_LPAE,       /* ARMv7 long descriptors (TTBCR.EAE = 1), 4K granule */
    TG_A64_4K,     /* AArch64 EL1&0 stage 1 */
    TG_A64_16K,
    TG_A64_64K,
    TG_FORMAT_COUNT
} TgFormat;

/* "v7", "lpae", "a64-4k", "a64-16k", "a64-64k" */
const char *tg_format_name(TgFormat f);
/* -1 when the name is none of those */
int tg_format_parse(const char *name);

/* Categories of table sets on which the ARM ARM and Unicorn 2.0.1 (QEMU 5.0's walker) are known
 * to disagree. The generator produces them only when asked (include_deviations); each probe
 * carries the categories on its walk, so a mismatch can be attributed. The reasons are in
 * table_gen.c and docs/xcheck.md. */
enum {
    TG_DEV_BLOCK_LEVEL = 1u << 0, /* block descriptor at a level the granule has none */
    TG_DEV_ADDR_SIZE = 1u << 1,   /* table or output address at or above the output size */
    TG_DEV_TG0_RESERVED = 1u << 2,/* TCR_EL1.TG0 = 0b11 (reserved) */
    TG_DEV_TTBR_VA55 = 1u << 3,   /* VA[55] != VA[63] without TBI */
    TG_DEV_V7_DOMAIN = 1u << 4,   /* short descriptors: domain checked before the level-2 entry and AF */
    TG_DEV_V7_WXN = 1u << 5,      /* short descriptors: SCTLR.WXN / UWXN set */
    TG_DEV_V7_XP = 1u << 6,       /* short descriptors: SCTLR.XP (RAO in ARMv7) written as 0 */
    TG_DEV_COUNT = 7
};
/* "block-level", "address-size", "tg0-reserved", "ttbr-va55", "v7-domain-order", "v7-wxn", "v7-sctlr-xp" */
const char *tg_deviation_name(unsigned bit_index);

typedef struct TgLayout {
    uint64_t ram_base, ram_size; /* the physical window every table and leaf lies in */
    uint64_t code_pa, code_size; /* identity-mapped (VA == PA), privileged read-only, executable;
                                  * code_pa 0, code_size <= 4K */
    uint64_t reserved_va_end;    /* random mappings and probes stay out of [0, reserved_va_end) */
    uint64_t pool_pa, pool_size; /* translation tables are placed here */
    uint64_t data_lo, data_hi;   /* random leaves point into [data_lo, data_hi) */
} TgLayout;

/* The layout xcheck uses: 2 GiB of RAM at PA 0; code page at 0; 32 MiB reserved (VA and PA);
 * tables in [16 MiB, 32 MiB); data in [32 MiB, 2 GiB). */
void tg_default_layout(TgLayout *l);

typedef enum TgProbeKind {
    TG_PROBE_LEAF,      /* inside a mapping the generator made */
    TG_PROBE_EDGE,      /* first or last word of a mapping */
    TG_PROBE_INVALID,   /* inside an invalid entry */
    TG_PROBE_GAP,       /* outside both TTBR ranges, or a TTBR range edge */
    TG_PROBE_RANDOM,    /* anywhere */
    TG_PROBE_KIND_COUNT
} TgProbeKind;

typedef struct TgProbe {
    uint64_t va;
    uint64_t gen_pa;    /* the PA the generator meant this VA to reach, or TG_NO_PA */
    unsigned dev;       /* TG_DEV_* categories on this VA's walk (0: ARM ARM and engine agree) */
    TgProbeKind kind;
} TgProbe;

#define TG_NO_PA UINT64_MAX

typedef struct TgSet {
    TgFormat format;
    V7ShortRegs v7;      /* TG_V7 */
    LongDescRegs ld;     /* the others (mair = MAIR1:MAIR0 for LPAE) */
    const uint8_t *pool; /* image of [pool_pa, pool_pa + pool_used) */
    uint64_t pool_used;
    TgProbe *probes;
    unsigned nprobes;
    unsigned dev;        /* every category planted anywhere in this set */
    unsigned ntables, nleaves;
} TgSet;

typedef struct TgGen TgGen;

/* NULL when the layout cannot hold a table set (window too small, misaligned) or out of memory. */
TgGen *tg_new(TgFormat format, const TgLayout *layout, uint64_t seed, bool include_deviations);
void tg_free(TgGen *g);
/* Generates the next table set with `nprobes` probes (1..4096). `out` points into g and is
 * valid until the next call. */
bool tg_next(TgGen *g, unsigned nprobes, TgSet *out);

/* The 64-bit value xcheck stores at every 8-byte aligned physical address pa of its data window:
 * a bijection of pa, so a value read proves the address it came from. */
uint64_t tg_pattern(uint64_t pa);
/* The inverse: the pa whose pattern is v. */
uint64_t tg_pattern_inverse(uint64_t v);

#endif
