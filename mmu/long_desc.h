/* Long-descriptor TranslationTableWalk, stage 1, EL1&0 / PL1&0 regime:
 * ARMv7-A with LPAE (ARM ARM DDI 0406C B3.6) and ARMv8-A AArch64 (DDI 0487 D5).
 * Plain C, no engine types; reads tables through PhysMem. */
#ifndef MMU_LONG_DESC_H
#define MMU_LONG_DESC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "fault.h"
#include "physmem.h"

/* SCTLR / SCTLR_EL1 bits the walker uses */
#define LD_SCTLR_M    (1u << 0)
#define LD_SCTLR_WXN  (1u << 19)
#define LD_SCTLR_UWXN (1u << 20) /* AArch32 only */

/* TCR_EL1 (D13.2.120) / TTBCR with EAE = 1 (B4.1.153) fields */
#define LD_TCR_T0SZ_SHIFT 0
#define LD_TCR_EPD0 (UINT64_C(1) << 7)
#define LD_TCR_TG0_SHIFT 14       /* AArch64: 00 4K, 01 64K, 10 16K */
#define LD_TCR_T1SZ_SHIFT 16
#define LD_TCR_A1   (UINT64_C(1) << 22)
#define LD_TCR_EPD1 (UINT64_C(1) << 23)
#define LD_TCR_TG1_SHIFT 30       /* AArch64: 01 16K, 10 4K, 11 64K */
#define LD_TCR_IPS_SHIFT 32       /* AArch64: 000 32, 001 36, 010 40, 011 42, 100 44, 101 48, 110 52 */
#define LD_TCR_AS   (UINT64_C(1) << 36) /* AArch64: 16-bit ASID */
#define LD_TCR_TBI0 (UINT64_C(1) << 37)
#define LD_TCR_TBI1 (UINT64_C(1) << 38)
#define LD_TTBCR_EAE (UINT64_C(1) << 31) /* AArch32 */

typedef enum LdRegime { Ld_AArch32_LPAE, Ld_AArch64 } LdRegime;

typedef struct LongDescRegs {
    LdRegime regime;
    uint64_t sctlr;     /* SCTLR (AArch32) or SCTLR_EL1: M, WXN, UWXN(AArch32 only) used */
    uint64_t tcr;       /* TTBCR with EAE=1 (AArch32) or TCR_EL1 */
    uint64_t ttbr0, ttbr1; /* 64-bit; ASID in [63:48] (AArch64, 8 or 16 bits per TCR.AS) or [55:48] (LPAE) */
    uint64_t mair;      /* MAIR_EL1, or MAIR1 << 32 | MAIR0 for LPAE */
    unsigned pa_range_bits; /* implemented PA size: 32/36/40/42/44/48/52(treat as 48); 40 for A7/A15 LPAE, 40 for A53 */
} LongDescRegs;

typedef struct LdResult {
    uint64_t va, pa;
    uint64_t size;        /* bytes of the final mapping: 4K,16K,64K pages, 2M/32M/512M/1G blocks ... */
    int level;            /* level of the final descriptor (0..3) */
    int start_level;      /* level the walk started at */
    unsigned granule;     /* 4096, 16384, 65536 */
    const char *kind;     /* "page", "block", "flat" (MMU off), "fault" */
    bool ttbr1;
    uint16_t asid;        /* from the TTBR that was used (TCR.A1 selects which TTBR holds the ASID) */
    bool ng, contiguous, af;
    /* effective permissions after APTable/UXNTable/PXNTable inheritance and WXN */
    bool el1_r, el1_w, el1_x, el0_r, el0_w, el0_x;   /* for AArch32 LPAE: PL1 / PL0 */
    uint8_t attrindx, mair_attr;   /* AttrIndx and the MAIR byte it selects */
    uint8_t sh;                    /* SH[1:0] */
    bool ns;
    int ndesc;                     /* descriptors read, in walk order (one per level) */
    uint64_t desc_pa[5];
    uint64_t desc[5];
    FaultRecord fault;             /* fault.type == Fault_None on success; fault.level = level of the fault */
    /* additions */
    LdRegime regime;
    unsigned inputsize;            /* VA bits translated by the TTBR used (64 - TxSZ / 32 - TxSZ) */
    unsigned oasize;               /* output address size in force: min(IPS/40, pa_range_bits) */
    uint8_t ap;                    /* AP[2:1] of the final descriptor after APTable (bit1 = RO, bit0 = EL0) */
    bool xn, pxn;                  /* UXN/XN and PXN after XNTable/PXNTable inheritance (not WXN) */
} LdResult;

/* Walks for va. MMU off (SCTLR.M = 0): flat, pa = va, kind "flat" (AArch64: pa = va without
 * the top byte when TBI applies; a VA above pa_range_bits is an address size fault, level 0).
 * Checks permissions for `access` at EL1/PL1 (privileged) or EL0/PL0. Returns true when
 * permitted, else out->fault. For Ld_AArch32_LPAE only va[31:0] is used. */
bool ld_translate(const LongDescRegs *regs, const PhysMem *mem, uint64_t va,
                  AccessType access, bool privileged, LdResult *out);

/* One line, no newline, the same shape as v7_short_format:
 *   "0x<va> -> 0x<pa> <size>-<kind> el1=<rwx|r-x|...> el0=<...> <global|ng> asid=<n> <memtype>[ shared-inner|shared-outer][ contig]"
 *   size 4K,16K,64K,2M,32M,512M,1G; memtype from the MAIR byte: "device-nGnRnE", "device-nGnRE",
 *   "device-nGRE", "device-GRE", "normal-<inner>/<outer>" with wb-rwa, wb-ra, wb-wa, wb,
 *   wt-rwa, wt-ra, wt-wa, wt, nc (a "-t" suffix marks the transient encodings).
 *   VA printed 0x%016llx for AArch64, 0x%08x for LPAE; PA 0x%08llx.
 * or "0x<va> -> fault <fault_type_name> level <n>"; or "0x<va> -> 0x<pa> flat". */
int ld_format(const LdResult *r, char *buf, size_t n);
/* "4K-page", "2M-block", "flat", "fault" */
int ld_mapping_name(const LdResult *r, char *buf, size_t n);
/* The memory type name of a MAIR attribute byte, as ld_format writes it. */
int ld_mair_name(uint8_t attr, char *buf, size_t n);

/* A run of virtual addresses mapped contiguously with identical attributes. */
typedef struct LdMappedRegion {
    uint64_t va;
    uint64_t pa;
    uint64_t length;   /* bytes */
    LdResult attrs;    /* attributes of the first mapping of the run (a read at EL1) */
} LdMappedRegion;

/* At most this many leaf descriptors are visited by one ld_enumerate call. */
#define LD_ENUM_MAX_LEAVES (1u << 22)

/* Enumerates every mapped region reachable from TTBR0 then TTBR1, in ascending VA order,
 * merging adjacent mappings whose PA is contiguous and attributes equal. Descends only
 * through valid table descriptors (invalid subtrees, tables outside PhysMem or above the
 * output size are skipped whole). Each leaf is re-walked with ld_translate's walk (an EL1
 * read, no permission check): leaves that walk cleanly or fault only on AF = 0 are reported
 * (attrs.af / attrs.fault tell them apart); address size faults and leaves not reachable
 * through this TTBR (LPAE split) are skipped. At most LD_ENUM_MAX_LEAVES leaves are visited.
 * MMU off: one flat region from 0 (2^32 bytes for LPAE, 2^pa_range_bits for AArch64).
 * Returns the number of regions reported; stops early when cb returns false. */
int ld_enumerate(const LongDescRegs *regs, const PhysMem *mem,
                 bool (*cb)(const LdMappedRegion *r, void *ctx), void *ctx);

#endif
