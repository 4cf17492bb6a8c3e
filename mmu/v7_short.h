/* ARMv7-A short-descriptor TranslationTableWalk (ARM ARM B3.5), stage 1, PL1&0 regime.
 * Plain C, no engine types; reads tables through PhysMem. */
#ifndef MMU_V7_SHORT_H
#define MMU_V7_SHORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fault.h"
#include "physmem.h"

/* SCTLR bits the walker uses */
#define SCTLR_M   (1u << 0)
#define SCTLR_A   (1u << 1)
#define SCTLR_C   (1u << 2)
#define SCTLR_V   (1u << 13)
#define SCTLR_WXN (1u << 19)
#define SCTLR_UWXN (1u << 20)
#define SCTLR_TRE (1u << 28)
#define SCTLR_AFE (1u << 29)

typedef struct V7ShortRegs {
    uint32_t sctlr, ttbcr, ttbr0, ttbr1, dacr, prrr, nmrr, contextidr;
    bool has_pxn; /* PXN bit implemented (LPAE-capable cores: A7, A15; not A9) */
} V7ShortRegs;

typedef enum MemType { Mem_StronglyOrdered, Mem_Device, Mem_Normal } MemType;

/* Cacheability of one level (inner or outer) of Normal memory */
typedef enum Cacheability { Cache_NonCacheable, Cache_WriteBackWA, Cache_WriteThrough, Cache_WriteBackNoWA } Cacheability;

typedef struct TranslationResult {
    uint32_t va;
    uint64_t pa;          /* up to 40 bits (supersections) */
    uint32_t size;        /* bytes: 0x1000, 0x10000, 0x100000, 0x1000000 */
    int level;            /* level of the final descriptor: 1 (section/supersection) or 2 (page) */
    const char *kind;     /* "page", "large-page", "section", "supersection" ("flat" with the
                           * MMU off; "fault" when the walk found no final descriptor) */
    bool ttbr1;           /* walk started from TTBR1 */
    uint8_t domain;
    uint8_t ap;           /* AP[2:0] as in the descriptor (AP[2] << 2 | AP[1:0]) */
    bool xn, pxn, ng, shareable;
    MemType memtype;
    Cacheability inner, outer;
    int ndesc;            /* descriptors read, in order */
    uint64_t desc_pa[2];
    uint32_t desc[2];
    FaultRecord fault;    /* fault.type == Fault_None when translation succeeded */
    bool afe;             /* SCTLR.AFE at walk time: AP[0] is the Access flag and AP[2:1]
                           * the simplified permission model (ARM ARM B3.7.1, Table B3-9) */
} TranslationResult;

/* Walks the tables for `va`. When SCTLR.M is 0 the result is the flat mapping
 * (pa = va, kind "flat", size 0). Checks domain and permissions for `access`
 * at PL1 (privileged) or PL0. Returns true when the access is permitted;
 * otherwise out->fault says why. */
bool v7_short_translate(const V7ShortRegs *regs, const PhysMem *mem, uint32_t va,
                        AccessType access, bool privileged, TranslationResult *out);

/* One line, no newline, as `--translate` prints it:
 *   "0x%08x -> 0x%08llx <size>-<kind> pl1=<rw|ro|--> pl0=<rw|ro|--> <x|xn> [pxn] <global|ng> dom=<n> <memtype>"
 *   size: 4K, 64K, 1M, 16M; memtype: strongly-ordered, device, normal-<inner>/<outer> with
 *   wb-wa, wt, wb, nc; plus " shared" when shareable.
 * or, on a fault: "0x%08x -> fault <fault_type_name> level <n>".
 * or, with the MMU off (kind "flat"): "0x%08x -> 0x%08llx flat".
 * Returns what snprintf returns. */
int v7_short_format(const TranslationResult *r, char *buf, size_t n);

/* The mapping size and kind as v7_short_format writes it: "4K-page", "64K-large-page",
 * "1M-section", "16M-supersection"; "flat" with the MMU off, "fault" on a fault. */
int v7_short_mapping_name(const TranslationResult *r, char *buf, size_t n);

/* A run of virtual addresses mapped contiguously with identical attributes. */
typedef struct MappedRegion {
    uint32_t va;
    uint64_t pa;
    uint64_t length;       /* bytes */
    TranslationResult attrs; /* attributes of the first page of the run */
} MappedRegion;

/* Enumerates every mapped region of the current regime in ascending VA order,
 * merging adjacent mappings whose PA is contiguous and attributes equal.
 * Returns the number of regions reported; stops early when cb returns false. */
int v7_short_enumerate(const V7ShortRegs *regs, const PhysMem *mem,
                       bool (*cb)(const MappedRegion *r, void *ctx), void *ctx);

#endif
