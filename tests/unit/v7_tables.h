/* Synthetic short-descriptor translation tables for the unit tests.
 *
 * The descriptor builders below encode fields exactly where the ARM ARM
 * (DDI 0406C) B3.5.1 puts them, Figures B3-4 (first level) and B3-5 (second level):
 *
 *   L1 section      [31:20] PA[31:20] [19] NS [18] 0 [17] nG [16] S [15] AP[2]
 *                   [14:12] TEX [11:10] AP[1:0] [9] IMP [8:5] Domain [4] XN
 *                   [3] C [2] B [1] 1 [0] PXN
 *   L1 supersection [31:24] PA[31:24] [23:20] PA[35:32] [19] NS [18] 1 [17] nG
 *                   [16] S [15] AP[2] [14:12] TEX [11:10] AP[1:0] [9] IMP
 *                   [8:5] PA[39:36] [4] XN [3] C [2] B [1] 1 [0] PXN
 *   L1 page table   [31:10] L2 table PA [9] IMP [8:5] Domain [4] SBZ [3] NS
 *                   [2] PXN [1:0] 01
 *   L2 large page   [31:16] PA[31:16] [15] XN [14:12] TEX [11] nG [10] S [9] AP[2]
 *                   [8:6] SBZ [5:4] AP[1:0] [3] C [2] B [1:0] 01
 *   L2 small page   [31:12] PA[31:12] [11] nG [10] S [9] AP[2] [8:6] TEX
 *                   [5:4] AP[1:0] [3] C [2] B [1] 1 [0] XN
 *
 * RAM: RAM_SIZE bytes of host memory registered at RAM_BASE (0x80000000). */
#ifndef TESTS_UNIT_V7_TABLES_H
#define TESTS_UNIT_V7_TABLES_H
#include <stdint.h>
#include <string.h>

#include "physmem.h"
#include "v7_short.h"

#define RAM_BASE 0x80000000u
#define RAM_SIZE 0x400000u /* 4 MiB: 0x80000000..0x803fffff */

static uint8_t ram[RAM_SIZE];
static PhysMem pm;

static inline void ram_reset(void)
{
    memset(ram, 0, sizeof ram);
    memset(&pm, 0, sizeof pm);
    physmem_add(&pm, RAM_BASE, RAM_SIZE, ram);
}

/* Little-endian store, independent of physmem.c */
static inline void put32(uint32_t pa, uint32_t v)
{
    uint32_t off = pa - RAM_BASE;
    ram[off] = (uint8_t)v;
    ram[off + 1] = (uint8_t)(v >> 8);
    ram[off + 2] = (uint8_t)(v >> 16);
    ram[off + 3] = (uint8_t)(v >> 24);
}

typedef struct Attrs {
    uint32_t ap;  /* AP[2:0] */
    uint32_t tex, c, b, xn, pxn, s, ng, dom;
} Attrs;
#define A(...) ((Attrs){__VA_ARGS__})

static inline uint32_t l1_section(uint32_t pa, Attrs a)
{
    return (pa & 0xfff00000u) | a.ng << 17 | a.s << 16 | (a.ap >> 2 & 1u) << 15 | a.tex << 12 |
           (a.ap & 3u) << 10 | a.dom << 5 | a.xn << 4 | a.c << 3 | a.b << 2 | 2u | a.pxn;
}

static inline uint32_t l1_supersection(uint64_t pa, Attrs a)
{
    return ((uint32_t)pa & 0xff000000u) | (uint32_t)(pa >> 32 & 0xfu) << 20 | 1u << 18 |
           a.ng << 17 | a.s << 16 | (a.ap >> 2 & 1u) << 15 | a.tex << 12 | (a.ap & 3u) << 10 |
           (uint32_t)(pa >> 36 & 0xfu) << 5 | a.xn << 4 | a.c << 3 | a.b << 2 | 2u | a.pxn;
}

static inline uint32_t l1_pagetable(uint32_t l2pa, uint32_t dom, uint32_t pxn)
{
    return (l2pa & 0xfffffc00u) | dom << 5 | pxn << 2 | 1u;
}

static inline uint32_t l2_large(uint32_t pa, Attrs a)
{
    return (pa & 0xffff0000u) | a.xn << 15 | a.tex << 12 | a.ng << 11 | a.s << 10 |
           (a.ap >> 2 & 1u) << 9 | (a.ap & 3u) << 4 | a.c << 3 | a.b << 2 | 1u;
}

static inline uint32_t l2_small(uint32_t pa, Attrs a)
{
    return (pa & 0xfffff000u) | a.ng << 11 | a.s << 10 | (a.ap >> 2 & 1u) << 9 | a.tex << 6 |
           (a.ap & 3u) << 4 | a.c << 3 | a.b << 2 | 2u | a.xn;
}

/* L1 table at L1_BASE (16KB aligned); entry for VA is at L1_BASE + VA[31:20]*4 */
#define L1_BASE 0x80000000u
static inline void map_l1(uint32_t va, uint32_t desc)
{
    put32(L1_BASE + (va >> 20) * 4u, desc);
}

/* Entry for VA in the L2 table at l2pa: l2pa + VA[19:12]*4 */
static inline void map_l2(uint32_t l2pa, uint32_t va, uint32_t desc)
{
    put32(l2pa + ((va >> 12) & 0xffu) * 4u, desc);
}

/* MMU on, N = 0, TTBR0 = L1_BASE, every domain Client (DACR 0b01 in every field),
 * TEX remap off, full AP model, PXN implemented. */
static inline V7ShortRegs regs_default(void)
{
    V7ShortRegs r;
    memset(&r, 0, sizeof r);
    r.sctlr = SCTLR_M;
    r.ttbr0 = L1_BASE;
    r.dacr = 0x55555555u;
    r.has_pxn = true;
    return r;
}

static inline TranslationResult xlate(const V7ShortRegs *r, uint32_t va, AccessType a, bool priv)
{
    TranslationResult t;
    v7_short_translate(r, &pm, va, a, priv, &t);
    return t;
}

#endif
