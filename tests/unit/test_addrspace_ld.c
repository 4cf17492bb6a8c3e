/* addrspace_build on synthetic long-descriptor tables (AArch64 4K granule, 48-bit VAs; and one
 * LPAE case): regions, permissions, memory types from MAIR, the table pages with their levels,
 * and a table loop reported as an error. Expected values worked out by hand from the
 * descriptors below and the ARM ARM (DDI 0487) D5.2 / D5.3 / D5.4. */
#include "addrspace.h"
#include "ld_tables.h"
#include "tap.h"

static AddrSpace as;
static char err[256];

static void build(const LongDescRegs *r, bool want_ok)
{
    addrspace_free(&as);
    AsRegs regs = {.long_desc = true, .ld = *r};
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

/* 4K granule, 48-bit VA: L0 index VA[47:39], L1 VA[38:30], L2 VA[29:21], L3 VA[20:12] */
static void tables_a64(void)
{
    ram_reset();
    /* TTBR0 = 0x80000000: L0[0] -> L1 0x80001000; L1[2] (VA 0x80000000 >> 30 = 2) -> L2 0x80002000 */
    put64(0x80000000u + 0 * 8, ld_table(0x80001000u, 0));
    put64(0x80001000u + 2 * 8, ld_table(0x80002000u, 0));
    /* L2[0], L2[1]: 2M blocks 0x80000000, 0x80200000, AttrIndx 5 (0xff Normal WB), AP 00 (EL1 RW) */
    put64(0x80002000u + 0 * 8, ld_block(0x80000000u, LA(.idx = 5, .sh = 3)));
    put64(0x80002000u + 1 * 8, ld_block(0x80200000u, LA(.idx = 5, .sh = 3)));
    /* L2[4] (VA 0x80800000) -> L3 0x80003000; L3[0]: page 0x09000000, AttrIndx 1 (0x04 Device-nGnRE),
     * PXN, UXN, nG */
    put64(0x80002000u + 4 * 8, ld_table(0x80003000u, 0));
    put64(0x80003000u + 0 * 8, ld_page(0x09000000u, LA(.idx = 1, .pxn = 1, .uxn = 1, .ng = 1)));
    /* TTBR1 = 0x80004000: VA 0xffff000080000000 has VA[47:39] = 0, VA[38:30] = 2.
     * L0[0] -> L1 0x80005000; L1[2]: 1G block 0x40000000, AttrIndx 5, AP 01 (EL1 and EL0 RW) */
    put64(0x80004000u + 0 * 8, ld_table(0x80005000u, 0));
    put64(0x80005000u + 2 * 8, ld_block(0x40000000u, LA(.idx = 5, .ap = 1)));
}

static void test_a64(void)
{
    tables_a64();
    LongDescRegs r = regs_a64();
    r.ttbr1 = 0x80004000u | UINT64_C(7) << 48; /* ASID 7 is ignored: TCR.A1 = 0 takes TTBR0's */
    r.ttbr0 = 0x80000000u | UINT64_C(3) << 48;   /* ASID 3 */
    build(&r, true);
    tap_is((uint64_t)as.nregions, 3, "3 regions");
    region(0, 0x80000000u, 0x80000000u, 0x400000u, "2M-block");
    region(1, 0x80800000u, 0x09000000u, 0x1000u, "4K-page");
    region(2, UINT64_C(0xffff000080000000), 0x40000000u, 0x40000000u, "1G-block");
    if (as.nregions < 3)
        return;
    /* AP[2:1] = 00: EL1 RW, EL0 none (D5.4.3 Table D5-34); PXN = 0: EL1 may execute */
    tap_is(as.regions[0].perms & 0x1f, 0x07, "kernel block: EL1 rwx, EL0 no read/write");
    /* PXN and UXN: no execution anywhere; AP 00: EL1 RW */
    tap_is(as.regions[1].perms, 0x03, "device page: EL1 rw-, EL0 ---");
    tap_ok(as.regions[1].device && !as.regions[0].device, "device flag from MAIR attr 0x04");
    tap_is_str(as.regions[1].memtype, "device-nGnRE", "MAIR attr 0x04");
    tap_is_str(as.regions[0].memtype, "normal-wb-rwa/wb-rwa", "MAIR attr 0xff");
    tap_ok(!as.regions[1].global && as.regions[1].asid == 3, "nG page with ASID 3 (TTBR0[63:48], TCR.A1 = 0)");
    /* AP 01: EL1 RW, EL0 RW (Table D5-34) */
    tap_is(as.regions[2].perms & 0x1b, 0x1b, "TTBR1 block: EL0 read/write");
    tap_ok(as.regions[0].ttbr == 0 && as.regions[2].ttbr == 1, "TTBR0 then TTBR1");
    tap_ok(as.regions[1].level == 3 && as.regions[2].level == 1, "levels: page at 3, 1G block at 1");
    /* leaf descriptor of region 1: 0x09000000 | UXN<<54 | PXN<<53 | nG<<11 | AF<<10 | idx 1<<2 | 3 */
    tap_is(as.regions[1].desc[3], UINT64_C(0x0060000009000c07), "page descriptor value");
    tap_is(as.regions[1].desc_pa[3], 0x80003000u, "page descriptor address (L3[0])");
    tap_ok(as.va_bits0 == 48 && as.va_bits1 == 48 && as.granule == 4096, "T0SZ = T1SZ = 16: 48-bit halves, 4K");
    /* six 4K tables: L0/L1/L2/L3 of TTBR0, L0/L1 of TTBR1 */
    tap_is((uint64_t)as.ntables, 6, "six table pages");
    static const struct { uint32_t pa; int level, ttbr; } want[] = {
        {0x80000000u, 0, 0}, {0x80001000u, 1, 0}, {0x80002000u, 2, 0},
        {0x80003000u, 3, 0}, {0x80004000u, 0, 1}, {0x80005000u, 1, 1}};
    for (int i = 0; i < 6; i++) {
        const AsTable *t = addrspace_table_at(&as, want[i].pa + 0xff8);
        tap_ok(t && t->pa == want[i].pa && t->size == 4096 && t->level == want[i].level && t->ttbr == want[i].ttbr,
               "table 0x%08x: level %d, TTBR%d, 4K", want[i].pa, want[i].level, want[i].ttbr);
    }
}

static void test_loop(void)
{
    tables_a64();
    LongDescRegs r = regs_a64();
    r.ttbr1 = 0x80004000u;
    /* L2[8] (VA 0x81000000) points back to the L1 table 0x80001000 as if it were an L3 table.
     * Its entry 2 (the L1 table descriptor 0x80002003) reads as a page at level 3:
     * VA 0x81000000 + 2 * 4K = 0x81002000 -> PA 0x80002000. The walk for it reads 0x80001000
     * at level 1 and at level 3. */
    put64(0x80002000u + 8 * 8, ld_table(0x80001000u, 0));
    build(&r, false);
    tap_ok(strstr(err, "0x80001000") && strstr(err, "loop"), "loop reported: %s", err);
    bool found = false;
    for (int i = 0; i < as.nregions; i++)
        found |= as.regions[i].va == 0x81002000u && as.regions[i].pa == 0x80002000u;
    tap_ok(found, "the looped page is still listed (0x81002000 -> 0x80002000)");
}

static void test_ttbr_outside(void)
{
    tables_a64();
    LongDescRegs r = regs_a64();
    r.ttbr1 = 0x40000000u; /* no memory there */
    build(&r, false);
    tap_ok(strstr(err, "TTBR1") && strstr(err, "outside physical memory"), "TTBR1 outside memory: %s", err);
    tap_is((uint64_t)as.nregions, 2, "TTBR0's regions still listed");
}

static void test_lpae(void)
{
    ram_reset();
    LongDescRegs r = regs_lpae();
    /* T0SZ = 0: start at level 1 with 4 entries (VA[31:30]); the start table is 4 * 8 = 32 bytes
     * (B3.6.6). L1[3] (VA 0xc0000000) -> L2 0x80001000; L2[0]: 2M block 0x80000000, idx 5 */
    put64(0x80000000u + 3 * 8, ld_table(0x80001000u, 0));
    put64(0x80001000u + 0 * 8, ld_block(0x80000000u, LA(.idx = 5)));
    build(&r, true);
    tap_is((uint64_t)as.nregions, 1, "LPAE: one region");
    region(0, 0xc0000000u, 0x80000000u, 0x200000u, "2M-block");
    const AsTable *t = addrspace_table_at(&as, 0x80000018u);
    tap_ok(t && t->pa == 0x80000000u && t->size == 32 && t->level == 1, "LPAE start table: 32 bytes at level 1");
    tap_ok(as.va_bits0 == 32 && as.va_bits1 == 0, "T0SZ = T1SZ = 0: TTBR0 translates all 32 bits");
}

static void test_a64_64k(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    /* 64K granule, T0SZ = 16: 48 - 16 = 32 bits above the page offset, 13 per level: levels
     * 1..3, the level-1 table resolves VA[47:42] = 6 bits, 64 entries = 512 bytes (D5.2.6).
     * L2 index VA[41:29], L3 index VA[28:16]. */
    r.tcr = TCR_T0SZ(16) | TCR_T1SZ(16) | TCR_TG0_64K | TCR_TG1_64K | TCR_IPS(5) | LD_TCR_EPD1; /* no TTBR1 walks */
    r.ttbr0 = 0x80000000u;
    put64(0x80000000u + 0 * 8, ld_table(0x80010000u, 0));
    /* VA 0x80000000: L2 index 0x80000000 >> 29 = 4: a 512 MiB block to PA 0x80000000 */
    put64(0x80010000u + 4 * 8, ld_block(0x80000000u, LA(.idx = 5)));
    /* VA 0xa0000000: L2 index 5 -> L3 table 0x80020000; L3 index (0xa0000000 >> 16) & 0x1fff = 0:
     * a 64 KiB page at PA 0x80030000 */
    put64(0x80010000u + 5 * 8, ld_table(0x80020000u, 0));
    put64(0x80020000u + 0 * 8, ld_page(0x80030000u, LA(.idx = 5)));
    build(&r, true);
    tap_is((uint64_t)as.nregions, 2, "64K granule: two regions");
    region(0, 0x80000000u, 0x80000000u, 0x20000000u, "512M-block");
    region(1, 0xa0000000u, 0x80030000u, 0x10000u, "64K-page");
    tap_is(as.granule, 65536, "granule 64K");
    tap_ok(as.va_bits0 == 48 && as.va_bits1 == 0, "EPD1: the TTBR1 half is unused");
    const AsTable *l1 = addrspace_table_at(&as, 0x80000000u), *l2 = addrspace_table_at(&as, 0x8001fff8u),
                  *l3 = addrspace_table_at(&as, 0x80020000u);
    tap_ok(l1 && l1->size == 512 && l1->level == 1, "level-1 start table: 512 bytes");
    tap_ok(l2 && l2->pa == 0x80010000u && l2->size == 65536 && l2->level == 2, "level-2 table 0x80010000, 64K");
    tap_ok(l3 && l3->pa == 0x80020000u && l3->size == 65536 && l3->level == 3, "level-3 table 0x80020000, 64K");
    tap_ok(addrspace_table_at(&as, 0x80000200u) == NULL, "0x80000200 is past the 512-byte start table");
}

int main(void)
{
    test_a64_64k();
    test_a64();
    test_loop();
    test_ttbr_outside();
    test_lpae();
    addrspace_free(&as);
    return tap_done();
}
