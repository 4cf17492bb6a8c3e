/* Short-descriptor walk: every descriptor type, TTBR0/TTBR1 selection for
 * TTBCR.N = 0..7, PD0/PD1, supersection PA[39:32], large/small page index
 * arithmetic, translation faults and external aborts on the walk.
 * Expected values are worked out by hand from ARM ARM (DDI 0406C) B3.5. */
#include "tap.h"
#include "v7_tables.h"

static void test_flat(void)
{
    V7ShortRegs r = regs_default();
    r.sctlr = 0; /* SCTLR.M = 0: B3.2 "MMU disabled", VA = PA */
    TranslationResult t;
    bool ok = v7_short_translate(&r, &pm, 0x12345678u, Access_Write, false, &t);
    tap_ok(ok, "MMU off: permitted");
    tap_is(t.pa, 0x12345678u, "MMU off: pa = va");
    tap_is_str(t.kind, "flat", "MMU off: kind flat");
    tap_is(t.size, 0, "MMU off: size 0");
    tap_is((uint64_t)t.ndesc, 0, "MMU off: no descriptor read");
}

static void test_section(void)
{
    V7ShortRegs r = regs_default();
    /* Section PA 0x90000000, AP=011: 0x90000000 | AP[1:0]=11 at [11:10] (0xc00) | 0b10 */
    uint32_t d = l1_section(0x90000000u, A(.ap = 3));
    tap_is(d, 0x90000c02u, "builder: section 0x90000000 AP=011 is 0x90000c02");
    map_l1(0x00100000u, d);
    /* VA 0x00112345: L1 index VA[31:20] = 0x001 -> 0x80000000 + 4; PA = 0x900:VA[19:0] */
    TranslationResult t = xlate(&r, 0x00112345u, Access_Read, true);
    tap_ok(t.fault.type == Fault_None, "section: no fault");
    tap_is(t.pa, 0x90012345u, "section: PA[31:20] from descriptor, PA[19:0] = VA[19:0]");
    tap_is_str(t.kind, "section", "section: kind");
    tap_is(t.size, 0x100000u, "section: 1MB");
    tap_is((uint64_t)t.level, 1, "section: level 1");
    tap_is((uint64_t)t.ndesc, 1, "section: one descriptor read");
    tap_is(t.desc_pa[0], 0x80000004u, "section: descriptor address TTBR0 + 0x001*4");
    tap_is(t.desc[0], 0x90000c02u, "section: descriptor value recorded");
    tap_is(t.ap, 3, "section: AP[2:0] = 011");
    tap_ok(!t.ttbr1, "section: walked from TTBR0");
}

static void test_supersection(void)
{
    V7ShortRegs r = regs_default();
    /* PA 0x2_3400_0000: PA[31:24]=0x34 -> 0x34000000, PA[35:32]=0x2 at [23:20] -> 0x00200000,
     * PA[39:36]=0 at [8:5], bit 18 -> 0x00040000, AP=011 -> 0xc00, 0b10: 0x34240c02.
     * Repeated in the 16 entries for VA 0x40000000..0x40ffffff (indices 0x400..0x40f). */
    uint32_t d = l1_supersection(UINT64_C(0x234000000), A(.ap = 3));
    tap_is(d, 0x34240c02u, "builder: supersection 0x2_3400_0000 is 0x34240c02");
    for (uint32_t i = 0; i < 16; i++)
        map_l1(0x40000000u + (i << 20), d);
    /* VA 0x40abcdef: index 0x40a -> 0x80000000 + 0x1028; PA = 0x2_34 : VA[23:0] */
    TranslationResult t = xlate(&r, 0x40abcdefu, Access_Read, true);
    tap_ok(t.fault.type == Fault_None, "supersection: no fault");
    tap_is(t.pa, UINT64_C(0x234abcdef), "supersection: PA 0x2_34ab_cdef (PA[35:32] from [23:20])");
    tap_is(t.desc_pa[0], 0x80001028u, "supersection: descriptor at index 0x40a");
    tap_is_str(t.kind, "supersection", "supersection: kind");
    tap_is(t.size, 0x1000000u, "supersection: 16MB");

    /* PA 0xa5_7800_0000: [31:24]=0x78, PA[35:32]=5 -> 0x00500000, PA[39:36]=0xa at [8:5] -> 0x140,
     * bit 18, AP 0xc00, 0b10: 0x78000000|0x00500000|0x40000|0xc00|0x140|2 = 0x78540d42.
     * Bits [8:5] = 0xa would be domain 10 in a section; make domain 10 No access
     * (DACR[21:20] = 00) to show a supersection's domain is 0 (B3.5.1). */
    d = l1_supersection(UINT64_C(0xa578000000), A(.ap = 3));
    tap_is(d, 0x78540d42u, "builder: supersection 0xa5_7800_0000 is 0x78540d42");
    for (uint32_t i = 0; i < 16; i++)
        map_l1(0x41000000u + (i << 20), d);
    r.dacr = 0x55555555u & ~(3u << 20);
    t = xlate(&r, 0x41fedcbau, Access_Read, true);
    tap_ok(t.fault.type == Fault_None, "supersection with [8:5]=0xa and domain 10 no-access: permitted");
    tap_is(t.pa, UINT64_C(0xa578fedcba), "supersection: PA[39:36] from [8:5] -> 0xa5_78fe_dcba");
    tap_is(t.domain, 0, "supersection: domain 0");
}

#define L2A 0x80004000u

static void map_tables(void)
{
    /* L1[0x002] -> L2 table at 0x80004000, domain 1: 0x80004000 | 1<<5 | 0b01 = 0x80004021 */
    map_l1(0x00200000u, l1_pagetable(L2A, 1, 0));
    /* VA 0x00234xxx: L2 index VA[19:12] = 0x34 -> 0x80004000 + 0xd0.
     * Small page PA 0x85678000, AP=011: 0x85678000 | 0x30 | 0b10 = 0x85678032 */
    map_l2(L2A, 0x00234000u, l2_small(0x85678000u, A(.ap = 3)));
    /* Large page PA 0x8abc0000 for VA 0x00250000..0x0025ffff: replicated in L2 indices
     * 0x50..0x5f; 0x8abc0000 | AP 0x30 | 0b01 = 0x8abc0031 */
    for (uint32_t i = 0; i < 16; i++)
        map_l2(L2A, 0x00250000u + (i << 12), l2_large(0x8abc0000u, A(.ap = 3)));
}

static void test_pages(void)
{
    V7ShortRegs r = regs_default();
    map_tables();
    tap_is(l1_pagetable(L2A, 1, 0), 0x80004021u, "builder: page table descriptor 0x80004021");
    tap_is(l2_small(0x85678000u, A(.ap = 3)), 0x85678032u, "builder: small page 0x85678032");
    tap_is(l2_large(0x8abc0000u, A(.ap = 3)), 0x8abc0031u, "builder: large page 0x8abc0031");

    TranslationResult t = xlate(&r, 0x00234abcu, Access_Read, true);
    tap_ok(t.fault.type == Fault_None, "small page: no fault");
    tap_is(t.pa, 0x85678abcu, "small page: PA[31:12] from descriptor, PA[11:0] = VA[11:0]");
    tap_is((uint64_t)t.ndesc, 2, "small page: two descriptors read");
    tap_is(t.desc_pa[0], 0x80000008u, "small page: L1 descriptor at TTBR0 + 0x002*4");
    tap_is(t.desc_pa[1], 0x800040d0u, "small page: L2 descriptor at table + VA[19:12]*4 = +0xd0");
    tap_is(t.desc[0], 0x80004021u, "small page: L1 descriptor value");
    tap_is(t.desc[1], 0x85678032u, "small page: L2 descriptor value");
    tap_is((uint64_t)t.level, 2, "small page: level 2");
    tap_is_str(t.kind, "page", "small page: kind");
    tap_is(t.size, 0x1000u, "small page: 4KB");
    tap_is(t.domain, 1, "small page: domain from the L1 page table descriptor");

    /* VA 0x0025f123: L2 index 0x5f -> +0x17c; PA = 0x8abc:VA[15:0] = 0x8abcf123 */
    t = xlate(&r, 0x0025f123u, Access_Read, true);
    tap_ok(t.fault.type == Fault_None, "large page: no fault");
    tap_is(t.pa, 0x8abcf123u, "large page, 16th replica: PA[15:0] = VA[15:0]");
    tap_is(t.desc_pa[1], 0x8000417cu, "large page: descriptor for VA[19:12]=0x5f at +0x17c");
    tap_is_str(t.kind, "large-page", "large page: kind");
    tap_is(t.size, 0x10000u, "large page: 64KB");
    t = xlate(&r, 0x00250004u, Access_Read, true);
    tap_is(t.pa, 0x8abc0004u, "large page, 1st replica (index 0x50): PA 0x8abc0004");
    tap_is(t.desc_pa[1], 0x80004140u, "large page: descriptor for index 0x50 at +0x140");
    t = xlate(&r, 0x00258765u, Access_Read, true);
    tap_is(t.pa, 0x8abc8765u, "large page, 9th replica (index 0x58): PA 0x8abc8765");
    tap_is(t.desc_pa[1], 0x80004160u, "large page: descriptor for index 0x58 at +0x160");
}

static void test_translation_faults(void)
{
    V7ShortRegs r = regs_default();
    map_tables();
    /* L1 index 0xb00 is zero: bits[1:0] = 00 -> Translation fault, section (level 1) */
    TranslationResult t = xlate(&r, 0xb0000000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_Translation && t.fault.level == 1, "L1 fault descriptor: translation level 1");
    tap_is((uint64_t)t.ndesc, 1, "L1 fault descriptor: the descriptor was read");
    tap_is(t.fault.va, 0xb0000000u, "fault records the VA");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x005, "L1 translation fault DFSR 0x005");

    /* Fault descriptor with ignored bits 0xdeadbee0 ([8:5] = 7): domain reported 0 (UNKNOWN in the ARM ARM) */
    map_l1(0xb0100000u, 0xdeadbee0u);
    t = xlate(&r, 0xb0100000u, Access_Write, true);
    tap_ok(t.fault.type == Fault_Translation && t.fault.level == 1, "L1 descriptor 0xdeadbee0: translation level 1");
    tap_is(t.fault.domain, 0, "L1 translation fault: domain 0 by convention");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x805, "L1 translation fault on a write: DFSR 0x805");

    /* L2 index 0x60 of the table at 0x80004000 is zero -> Translation fault, page (level 2) */
    t = xlate(&r, 0x00260000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_Translation && t.fault.level == 2, "L2 fault descriptor: translation level 2");
    tap_is(t.fault.domain, 1, "L2 translation fault: domain of the L1 page table descriptor");
    tap_is((uint64_t)t.ndesc, 2, "L2 translation fault: both descriptors read");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x017, "L2 translation fault DFSR 0b00111 | 1<<4 = 0x017");

    /* bits[1:0] = 0b11: Section with PXN=1 when PXN is implemented, Reserved otherwise */
    uint32_t d = l1_section(0x90000000u, A(.ap = 3, .pxn = 1));
    tap_is(d, 0x90000c03u, "builder: section with PXN is 0x90000c03");
    map_l1(0x00300000u, d);
    t = xlate(&r, 0x00312345u, Access_Read, true);
    tap_ok(t.fault.type == Fault_None && t.pxn && t.pa == 0x90012345u, "0b11 with has_pxn: section, PXN set");
    r.has_pxn = false;
    t = xlate(&r, 0x00312345u, Access_Read, true);
    tap_ok(t.fault.type == Fault_Translation && t.fault.level == 1, "0b11 without PXN support: reserved -> translation level 1");
}

static void test_external_aborts(void)
{
    V7ShortRegs r = regs_default();
    map_tables();
    /* TTBR0 = 0x10000000 (no memory there): L1 descriptor for VA 0x00345678 at 0x10000000 + 3*4 */
    r.ttbr0 = 0x10000000u;
    TranslationResult t = xlate(&r, 0x00345678u, Access_Read, true);
    tap_ok(t.fault.type == Fault_SyncExternalOnWalk && t.fault.level == 1, "L1 table outside RAM: external abort level 1");
    tap_is(t.fault.walk_pa, 0x1000000cu, "external abort L1: walk_pa = 0x1000000c");
    tap_is((uint64_t)t.ndesc, 0, "external abort L1: no descriptor read");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x00c, "external abort L1: DFSR 0x00c");

    /* L1[0x004] -> L2 table at 0x20000000 (no memory), domain 3: 0x20000000 | 3<<5 | 1 = 0x20000061.
     * VA 0x00456789: L2 index 0x56 -> 0x20000000 + 0x158 */
    r = regs_default();
    map_l1(0x00400000u, l1_pagetable(0x20000000u, 3, 0));
    tap_is(l1_pagetable(0x20000000u, 3, 0), 0x20000061u, "builder: page table 0x20000061");
    t = xlate(&r, 0x00456789u, Access_Write, true);
    tap_ok(t.fault.type == Fault_SyncExternalOnWalk && t.fault.level == 2, "L2 table outside RAM: external abort level 2");
    tap_is(t.fault.walk_pa, 0x20000158u, "external abort L2: walk_pa = 0x20000158");
    tap_is((uint64_t)t.ndesc, 1, "external abort L2: the L1 descriptor was read");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x83e, "external abort L2, dom 3, write: 0b01110 | 0x30 | 0x800 = 0x83e");
}

/* B3.5.4: TTBR0 is used when N == 0 or VA[31:32-N] == 0. TTBR0 table base
 * TTBR0[31:14-N] (aligned to 16KB >> N), index VA[31-N:20]; TTBR1 base
 * TTBR1[31:14], index VA[31:20]. Each TTBR0 table is placed at 0x80100000 +
 * (0x4000 >> N): aligned to 16KB >> N but not to twice that, with TTBR0[6:0] =
 * 0x5b (attribute bits, below every N's base field) and TTBR1[13:0] = 0x19. */
static void check_ttb(const V7ShortRegs *r, unsigned n, uint32_t va, bool want_ttbr1, uint32_t want_desc_pa,
                      uint32_t section_pa)
{
    map_l1(0, 0); /* keep the default table clean */
    put32(want_desc_pa, l1_section(section_pa, A(.ap = 3)));
    TranslationResult t = xlate(r, va, Access_Read, true);
    tap_ok(t.fault.type == Fault_None && t.ttbr1 == want_ttbr1, "N=%u VA 0x%08x walks %s", n, (unsigned)va,
           want_ttbr1 ? "TTBR1" : "TTBR0");
    tap_is(t.desc_pa[0], want_desc_pa, "N=%u VA 0x%08x: descriptor at 0x%08x", n, (unsigned)va,
           (unsigned)want_desc_pa);
    tap_is(t.pa, section_pa | (va & 0xfffffu), "N=%u VA 0x%08x: PA", n, (unsigned)va);
}

static void test_ttbcr_n(void)
{
    const uint32_t t1 = 0x80180000u;
    for (unsigned n = 0; n < 8; n++) {
        ram_reset();
        V7ShortRegs r = regs_default();
        uint32_t t0 = 0x80100000u + (0x4000u >> n);
        r.ttbcr = n;
        r.ttbr0 = t0 | 0x5bu;
        r.ttbr1 = t1 | 0x19u;
        if (n == 0) {
            /* N = 0: TTBR0 for every VA; index VA[31:20] */
            check_ttb(&r, n, 0x00000000u, false, t0, 0xa0000000u);
            check_ttb(&r, n, 0x80000000u, false, t0 + 0x800u * 4u, 0xa0100000u);
            check_ttb(&r, n, 0xffffffffu, false, t0 + 0xfffu * 4u, 0xa0200000u);
            continue;
        }
        uint32_t boundary = 1u << (32 - n); /* first VA with VA[31:32-N] != 0 */
        /* VA 0 -> TTBR0 entry 0 */
        check_ttb(&r, n, 0x00000000u, false, t0, 0xa0000000u);
        /* VA boundary-1 -> last TTBR0 entry: index 2^(12-N)-1 at t0 + (0x4000>>N) - 4 */
        check_ttb(&r, n, boundary - 1u, false, t0 + (0x4000u >> n) - 4u, 0xa0100000u);
        /* VA boundary -> TTBR1, index boundary>>20 = 2^(12-N) at t1 + (0x4000>>N) */
        check_ttb(&r, n, boundary, true, t1 + (0x4000u >> n), 0xa0200000u);
        /* VA 0xffffffff -> TTBR1 index 0xfff at t1 + 0x3ffc */
        check_ttb(&r, n, 0xffffffffu, true, t1 + 0x3ffcu, 0xa0300000u);
    }
}

/* TTBCR.PD0/PD1 (bits 4, 5): a walk that would use TTBR0/TTBR1 is not performed
 * and gives a Translation fault, level 1 (B4.1.153). */
static void test_pd(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    const uint32_t t1 = 0x80180000u;
    r.ttbcr = 1; /* N=1: TTBR1 for VA >= 0x80000000 */
    r.ttbr1 = t1;
    map_l1(0x10000000u, l1_section(0x90000000u, A(.ap = 3)));          /* TTBR0 index 0x100 */
    put32(t1 + 0x900u * 4u, l1_section(0x91000000u, A(.ap = 3)));     /* TTBR1 index 0x900 */
    map_l1(0x90000000u, l1_section(0x92000000u, A(.ap = 3)));          /* TTBR0 index 0x900 (N=0) */

    r.ttbcr = 1u | 1u << 4; /* PD0 */
    TranslationResult t = xlate(&r, 0x10000000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_Translation && t.fault.level == 1 && t.ndesc == 0,
           "PD0: TTBR0 walk disabled -> translation level 1, nothing read");
    t = xlate(&r, 0x90000000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_None && t.ttbr1 && t.pa == 0x91000000u, "PD0: TTBR1 walks still work");

    r.ttbcr = 1u | 1u << 5; /* PD1 */
    t = xlate(&r, 0x90000000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_Translation && t.fault.level == 1 && t.ndesc == 0,
           "PD1: TTBR1 walk disabled -> translation level 1, nothing read");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x005, "PD1 fault: DFSR 0x005");
    t = xlate(&r, 0x10000000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_None && !t.ttbr1 && t.pa == 0x90000000u, "PD1: TTBR0 walks still work");

    r.ttbcr = 1u << 5; /* N=0, PD1: TTBR1 is never used, so PD1 has no effect */
    t = xlate(&r, 0x90000000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_None && !t.ttbr1 && t.pa == 0x92000000u, "N=0: PD1 ignored, TTBR0 used for 0x90000000");
}

int main(void)
{
    ram_reset();
    test_flat();
    test_section();
    test_supersection();
    ram_reset();
    test_pages();
    ram_reset();
    test_translation_faults();
    ram_reset();
    test_external_aborts();
    test_ttbcr_n();
    test_pd();
    return tap_done();
}
