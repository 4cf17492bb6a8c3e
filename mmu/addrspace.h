/* The address space of the current translation regime as a list of regions, for the map
 * frontend: every contiguous VA range with the same attributes and contiguous PA, and the
 * translation-table pages the walks for them read. Built from the walkers' own enumerators
 * (v7_short_enumerate, ld_enumerate) and walks (v7_short_translate, ld_translate): no third
 * walker. Plain C, no engine types. */
#ifndef MMU_ADDRSPACE_H
#define MMU_ADDRSPACE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "long_desc.h"
#include "physmem.h"
#include "v7_short.h"

/* The registers of a regime: short descriptors (long_desc false) or LPAE / AArch64. */
typedef struct AsRegs {
    bool long_desc;
    V7ShortRegs v7;
    LongDescRegs ld;
} AsRegs;

/* Permission bits of a region: the same order as the TLB model's TLB_P_* */
#define AS_P_EL1_R (1u << 0)
#define AS_P_EL1_W (1u << 1)
#define AS_P_EL1_X (1u << 2)
#define AS_P_EL0_R (1u << 3)
#define AS_P_EL0_W (1u << 4)
#define AS_P_EL0_X (1u << 5)

typedef struct AsRegion {
    uint64_t va;          /* first byte */
    uint64_t length;      /* bytes (may be 2^48 etc.; va + length may wrap to 0 at the top) */
    uint64_t pa;          /* PA of va */
    uint64_t map_size;    /* bytes of one mapping: 4K, 64K, 1M, 16M, 2M, 1G ...; 0 when flat */
    char mapping[24];     /* "1M-section", "4K-page", "2M-block", "flat" */
    uint8_t perms;        /* AS_P_* */
    bool device;          /* Device or Strongly-ordered memory */
    char memtype[24];     /* "normal-wb-rwa/wb-rwa", "device-nGnRE", "strongly-ordered" ... */
    bool global;          /* nG = 0 */
    bool af;              /* access flag set (a region whose AF = 0 is listed, af false) */
    uint16_t asid;        /* ASID the walk used (non-global regions) */
    int ttbr;             /* 0 or 1; -1 with the MMU off */
    int level;            /* level of the final descriptor */
    int ndesc;            /* descriptors of the first mapping's walk */
    uint64_t desc[5], desc_pa[5];
    char line[160];       /* the --translate line of the region's first address */
} AsRegion;

typedef struct AsTable {
    uint64_t pa;          /* table base */
    uint32_t size;        /* bytes: 16K/1K for short descriptors, granule (or smaller start table) */
    int level;
    int ttbr;             /* 0 or 1 (the TTBR whose walk reached it first) */
    uint32_t uses;        /* walks (one per table-sized step of each region) that read it */
} AsTable;

#define AS_MAX_REGIONS 65536
#define AS_MAX_TABLES 4096

typedef struct AddrSpace {
    bool long_desc, a64, mmu_on;
    unsigned va_bits0, va_bits1; /* VA bits translated by TTBR0 / TTBR1 (0: the half is unused) */
    unsigned granule;            /* 4096/16384/65536 for long descriptors, 4096 for short */
    AsRegion *regions;
    int nregions;
    AsTable *tables;
    int ntables;
    bool truncated;             /* more than AS_MAX_REGIONS regions or AS_MAX_TABLES tables */
} AddrSpace;

/* Builds the region list. On bad tables (a TTBR that points outside physical memory, a table
 * that is its own descendant) returns false with one line in err, and as much of *out as was
 * found (free it with addrspace_free either way). Every loop is bounded by the enumerators'
 * limits and AS_MAX_*. */
bool addrspace_build(const AsRegs *regs, const PhysMem *mem, AddrSpace *out, char *err, size_t errlen);
void addrspace_free(AddrSpace *as);

/* "rwx" style strings for EL1 (PL1) and EL0 (PL0) from AS_P_* bits */
void addrspace_perm_string(uint8_t perms, bool el0, char out[4]);
/* The table that holds pa, or NULL */
const AsTable *addrspace_table_at(const AddrSpace *as, uint64_t pa);

#endif
