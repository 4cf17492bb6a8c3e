/* Synthetic long-descriptor translation tables for the unit tests.
 *
 * Descriptor layout, ARM ARM DDI 0487 D5.3 (VMSAv8-64) and DDI 0406C B3.6.1/B3.6.2 (LPAE):
 *
 *   invalid          [0] = 0
 *   table (L0..L2)   [1:0] = 11, [47:grain] next-level table address,
 *                    [59] PXNTable [60] UXNTable/XNTable [62:61] APTable [63] NSTable
 *   block (L1/L2)    [1:0] = 01, [47:n] output address
 *   page  (L3)       [1:0] = 11, [47:grain] output address
 *   block/page lower attributes: [4:2] AttrIndx [5] NS [7:6] AP[2:1] [9:8] SH [10] AF [11] nG
 *   block/page upper attributes: [52] Contiguous [53] PXN [54] UXN/XN
 *
 * Memory: RAM_SIZE bytes at RAM_BASE (0x80000000..0x803fffff) and HI_SIZE bytes at HI_BASE
 * (0x82500000..0x8250ffff, where the seed-000 tables live). */
#ifndef TESTS_UNIT_LD_TABLES_H
#define TESTS_UNIT_LD_TABLES_H
#include <stdint.h>
#include <string.h>

#include "long_desc.h"
#include "physmem.h"

#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x400000u
#define HI_BASE 0x82500000u
#define HI_SIZE 0x10000u

static uint8_t ram[RAM_SIZE];
static uint8_t hi_ram[HI_SIZE];
static PhysMem pm;

static inline void ram_reset(void)
{
    memset(ram, 0, sizeof ram);
    memset(hi_ram, 0, sizeof hi_ram);
    memset(&pm, 0, sizeof pm);
    physmem_add(&pm, RAM_BASE, RAM_SIZE, ram);
    physmem_add(&pm, HI_BASE, HI_SIZE, hi_ram);
}

/* Little-endian 64-bit store, independent of physmem.c */
static inline void put64(uint64_t pa, uint64_t v)
{
    uint8_t *p;
    if (pa >= RAM_BASE && pa + 8 <= (uint64_t)RAM_BASE + RAM_SIZE)
        p = ram + (pa - RAM_BASE);
    else if (pa >= HI_BASE && pa + 8 <= (uint64_t)HI_BASE + HI_SIZE)
        p = hi_ram + (pa - HI_BASE);
    else
        return;
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Leaf attributes. Zero-initialised fields give: AttrIndx 0, NS 0, AP 00, SH 00, AF = 1
 * (noaf = 0), global, not contiguous, PXN = UXN = 0. */
typedef struct LAttrs {
    uint64_t idx, ns, ap, sh, noaf, ng, contig, pxn, uxn;
} LAttrs;
#define LA(...) ((LAttrs){__VA_ARGS__})

static inline uint64_t leaf_attrs(LAttrs a)
{
    return a.idx << 2 | a.ns << 5 | a.ap << 6 | a.sh << 8 | (uint64_t)!a.noaf << 10 | a.ng << 11 |
           a.contig << 52 | a.pxn << 53 | a.uxn << 54;
}

static inline uint64_t ld_block(uint64_t pa, LAttrs a)
{
    return pa | leaf_attrs(a) | 1u;
}

static inline uint64_t ld_page(uint64_t pa, LAttrs a)
{
    return pa | leaf_attrs(a) | 3u;
}

/* Table attributes */
#define T_PXN (UINT64_C(1) << 59)
#define T_UXN (UINT64_C(1) << 60)
#define T_AP_NOEL0 (UINT64_C(1) << 61)
#define T_AP_RO (UINT64_C(1) << 62)
#define T_NS (UINT64_C(1) << 63)

static inline uint64_t ld_table(uint64_t next, uint64_t tattrs)
{
    return next | tattrs | 3u;
}

/* MAIR used by every test: attr0 0x00 Device-nGnRnE, attr1 0x04 Device-nGnRE,
 * attr2 0x08 Device-nGRE, attr3 0x0c Device-GRE, attr4 0x44 Normal NC/NC,
 * attr5 0xff Normal WB RWA/WB RWA, attr6 0xaa Normal WT RA/WT RA,
 * attr7 0xf4 outer WB RWA, inner NC. */
#define TEST_MAIR UINT64_C(0xf4aaff440c080400)

/* TCR_EL1 field builders */
#define TCR_T0SZ(n) ((uint64_t)(n))
#define TCR_T1SZ(n) ((uint64_t)(n) << 16)
#define TCR_TG0_4K (UINT64_C(0) << 14)
#define TCR_TG0_64K (UINT64_C(1) << 14)
#define TCR_TG0_16K (UINT64_C(2) << 14)
#define TCR_TG1_16K (UINT64_C(1) << 30)
#define TCR_TG1_4K (UINT64_C(2) << 30)
#define TCR_TG1_64K (UINT64_C(3) << 30)
#define TCR_IPS(n) ((uint64_t)(n) << 32)

/* AArch64, MMU on, T0SZ = T1SZ = 16, 4K granules, IPS = 0b101 (48 bits), 40-bit PA
 * implemented, TTBR0 = RAM_BASE, TTBR1 = 0 (tests set it). */
static inline LongDescRegs regs_a64(void)
{
    LongDescRegs r;
    memset(&r, 0, sizeof r);
    r.regime = Ld_AArch64;
    r.sctlr = LD_SCTLR_M;
    r.tcr = TCR_T0SZ(16) | TCR_T1SZ(16) | TCR_TG0_4K | TCR_TG1_4K | TCR_IPS(5);
    r.ttbr0 = RAM_BASE;
    r.mair = TEST_MAIR;
    r.pa_range_bits = 40;
    return r;
}

/* AArch32 LPAE: MMU on, TTBCR.EAE = 1, T0SZ = T1SZ = 0, TTBR0 = RAM_BASE, 40-bit PA. */
static inline LongDescRegs regs_lpae(void)
{
    LongDescRegs r;
    memset(&r, 0, sizeof r);
    r.regime = Ld_AArch32_LPAE;
    r.sctlr = LD_SCTLR_M;
    r.tcr = LD_TTBCR_EAE;
    r.ttbr0 = RAM_BASE;
    r.mair = TEST_MAIR;
    r.pa_range_bits = 40;
    return r;
}

static inline LdResult ldx(const LongDescRegs *r, uint64_t va, AccessType a, bool priv)
{
    LdResult t;
    ld_translate(r, &pm, va, a, priv, &t);
    return t;
}

static inline LdResult ldr(const LongDescRegs *r, uint64_t va)
{
    return ldx(r, va, Access_Read, true);
}

#endif
