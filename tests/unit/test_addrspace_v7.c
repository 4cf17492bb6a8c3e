/* addrspace_build on synthetic short-descriptor tables: regions (VA, PA, length, mapping,
 * permissions, memory type, nG/ASID, TTBR), the table pages, a table outside RAM (an error,
 * not a hang) and the MMU off. Expected values worked out by hand from the descriptors below
 * and the ARM ARM (DDI 0406C) B3.5 / B3.7 / B3.8. */
#include "addrspace.h"
#include "tap.h"
#include "v7_tables.h"

static AddrSpace as;
static char err[256];

static void build(const V7ShortRegs *r, bool want_ok)
{
    addrspace_free(&as);
    AsRegs regs = {.long_desc = false, .v7 = *r};
    bool ok = addrspace_build(&regs, &pm, &as, err, sizeof err);
    tap_ok(ok == want_ok, "addrspace_build returns %s (err: %s)", want_ok ? "true" : "false", err);
}

static void region(int i, uint64_t va, uint64_t pa, uint64_t len, const char *mapping)
{
    const AsRegion *g = i < as.nregions ? &as.regions[i] : NULL;
    bool pass = g && g->va == va && g->pa == pa && g->length == len && !strcmp(g->mapping, mapping);
    tap_ok(pass, "region %d: va 0x%llx pa 0x%llx length 0x%llx %s", i, (unsigned long long)va,
           (unsigned long long)pa, (unsigned long long)len, mapping);
    if (!pass && g)
        printf("#   got va 0x%llx pa 0x%llx length 0x%llx %s\n", (unsigned long long)g->va,
               (unsigned long long)g->pa, (unsigned long long)g->length, g->mapping);
}

static void test_regions(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    r.contextidr = 5; /* ASID 5 */
    /* Normal WB-WA (TEX=001 C=1 B=1, B3.8.2 Table B3-10), AP=001: PL1 RW, PL0 no access (Table B3-6) */
    Attrs k = A(.ap = 1, .tex = 1, .c = 1, .b = 1);
    map_l1(0x80000000u, l1_section(0x80000000u, k));          /* identity MB */
    map_l1(0xc0000000u, l1_section(0x80000000u, k));          /* kernel: 2 MB to contiguous PA */
    map_l1(0xc0100000u, l1_section(0x80100000u, k));
    /* Shareable Device: TEX=000 C=0 B=1 (Table B3-10), XN */
    map_l1(0xf9000000u, l1_section(0x09000000u, A(.ap = 1, .b = 1, .xn = 1)));
    /* a level-2 table at 0x80010000 for the MB at 0xf0000000: two contiguous small pages
     * (AP=011 full access, nG), a hole, then one more page */
    map_l1(0xf0000000u, l1_pagetable(0x80010000u, 0, 0));
    Attrs u = A(.ap = 3, .tex = 1, .c = 1, .b = 1, .ng = 1);
    map_l2(0x80010000u, 0xf0000000u, l2_small(0x80020000u, u));
    map_l2(0x80010000u, 0xf0001000u, l2_small(0x80021000u, u));
    map_l2(0x80010000u, 0xf0003000u, l2_small(0x80030000u, u));
    build(&r, true);
    tap_is((uint64_t)as.nregions, 5, "5 regions (identity, kernel 2M merged, 8K pages, 4K page, device)");
    region(0, 0x80000000u, 0x80000000u, 0x100000u, "1M-section");
    region(1, 0xc0000000u, 0x80000000u, 0x200000u, "1M-section");
    region(2, 0xf0000000u, 0x80020000u, 0x2000u, "4K-page");
    region(3, 0xf0003000u, 0x80030000u, 0x1000u, "4K-page");
    region(4, 0xf9000000u, 0x09000000u, 0x100000u, "1M-section");
    if (as.nregions < 5)
        return;
    /* AP=001, XN=0, PXN=0: PL1 r w x (0x07), PL0 nothing */
    tap_is(as.regions[1].perms, 0x07, "kernel region: EL1 rwx, EL0 ---");
    /* AP=011: PL1 and PL0 read/write, XN=0: 0x3f */
    tap_is(as.regions[2].perms, 0x3f, "user pages: EL1 rwx, EL0 rwx");
    /* AP=001 with XN: PL1 r w only */
    tap_is(as.regions[4].perms, 0x03, "device region: EL1 rw-, EL0 ---");
    tap_ok(as.regions[4].device && !as.regions[1].device, "device flag on the device section only");
    tap_is_str(as.regions[4].memtype, "device", "device section memory type");
    tap_is_str(as.regions[1].memtype, "normal-wb-wa/wb-wa", "kernel memory type");
    tap_ok(!as.regions[2].global && as.regions[2].asid == 5, "pages are nG with ASID 5 (CONTEXTIDR)");
    tap_ok(as.regions[1].global && as.regions[1].asid == 0, "sections are global");
    tap_is((uint64_t)as.regions[2].level, 2, "pages: level-2 descriptor");
    /* the leaf descriptor of region 2: l2_small(0x80020000) = 0x80020000 | nG<<11 | TEX 001<<6 |
     * AP 11<<4 | C<<3 | B<<2 | 2 = 0x80020000 + 0x800 + 0x40 + 0x30 + 0x8 + 0x4 + 0x2 = 0x8002087e,
     * read from 0x80010000 + 0 * 4 */
    tap_is(as.regions[2].desc[1], 0x8002087eu, "page descriptor value");
    tap_is(as.regions[2].desc_pa[1], 0x80010000u, "page descriptor address");
    tap_is((uint64_t)as.regions[0].ttbr, 0, "N = 0: everything through TTBR0");
    /* tables: the 16K L1 at 0x80000000 and the 1K L2 at 0x80010000 */
    tap_is((uint64_t)as.ntables, 2, "two table pages");
    const AsTable *l1 = addrspace_table_at(&as, 0x80003ffcu), *l2 = addrspace_table_at(&as, 0x800103fcu);
    tap_ok(l1 && l1->pa == 0x80000000u && l1->size == 0x4000 && l1->level == 1, "L1 table 0x80000000, 16K, level 1");
    tap_ok(l2 && l2->pa == 0x80010000u && l2->size == 0x400 && l2->level == 2, "L2 table 0x80010000, 1K, level 2");
    tap_ok(addrspace_table_at(&as, 0x80010400u) == NULL, "0x80010400 is past the 1K L2 table");
}

static void test_ttbcr_n(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    /* N = 2: TTBR0 covers VA[31:30] = 0 (0..0x3fffffff) with a 4K L1 table, TTBR1 the rest.
     * TTBR1's L1 table at 0x80100000: entry for 0xc0000000 at + 0xc00 * 4. */
    r.ttbcr = 2;
    r.ttbr1 = 0x80100000u;
    Attrs k = A(.ap = 1, .tex = 1, .c = 1, .b = 1);
    put32(0x80000000u + (0x00100000u >> 20) * 4u, l1_section(0x80000000u, k));
    put32(0x80100000u + (0xc0000000u >> 20) * 4u, l1_section(0x80000000u, k));
    build(&r, true);
    tap_is((uint64_t)as.nregions, 2, "N=2: one region per TTBR");
    region(0, 0x00100000u, 0x80000000u, 0x100000u, "1M-section");
    region(1, 0xc0000000u, 0x80000000u, 0x100000u, "1M-section");
    if (as.nregions == 2)
        tap_ok(as.regions[0].ttbr == 0 && as.regions[1].ttbr == 1, "TTBR0 then TTBR1");
    tap_ok(as.va_bits0 == 30 && as.va_bits1 == 32, "TTBR0 translates 32 - N = 30 bits");
    const AsTable *t0 = addrspace_table_at(&as, 0x80000000u), *t1 = addrspace_table_at(&as, 0x80100000u);
    /* TTBR0's table is 16K >> 2 = 4K (B3.5.4) */
    tap_ok(t0 && t0->size == 0x1000 && t1 && t1->size == 0x4000, "TTBR0 L1 table 4K, TTBR1 L1 table 16K");
}

static void test_outside_ram(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    map_l1(0xc0000000u, l1_section(0x80000000u, A(.ap = 1)));
    /* a level-2 table at 0x10000000: no memory there (RAM is 0x80000000..0x803fffff) */
    map_l1(0xd0000000u, l1_pagetable(0x10000000u, 0, 0));
    build(&r, false);
    tap_ok(strstr(err, "outside physical memory") && strstr(err, "0xd0000000"), "error names the VA and the problem: %s", err);
    tap_is((uint64_t)as.nregions, 1, "the good section is still listed");

    /* TTBR0 itself outside memory */
    r.ttbr0 = 0x40000000u;
    build(&r, false);
    tap_ok(strstr(err, "outside physical memory") != NULL, "TTBR0 outside memory: %s", err);
}

static void test_mmu_off(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    r.sctlr = 0;
    build(&r, true);
    tap_is((uint64_t)as.nregions, 1, "MMU off: one region");
    region(0, 0, 0, 1ull << 32, "flat");
    tap_ok(as.nregions == 1 && as.regions[0].ttbr == -1 && as.ntables == 0, "flat: no TTBR, no tables");
}

int main(void)
{
    test_regions();
    test_ttbcr_n();
    test_outside_ram();
    test_mmu_off();
    addrspace_free(&as);
    return tap_done();
}
