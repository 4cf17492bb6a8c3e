/* Long-descriptor walk, AArch64: descriptor types per granule, start levels, TTBR0/TTBR1
 * selection (the seed-000 layout), gap, EPD, TBI, address size faults and external aborts
 * on the walk. Expected values are worked out by hand from DDI 0487 D5.2/D5.3:
 *   4K  granule: L0 VA[47:39] L1 VA[38:30] L2 VA[29:21] L3 VA[20:12]
 *   16K granule: L0 VA[47]    L1 VA[46:36] L2 VA[35:25] L3 VA[24:14]
 *   64K granule:              L1 VA[47:42] L2 VA[41:29] L3 VA[28:16]
 *   descriptor address = table base + index * 8. */
#include "ld_tables.h"
#include "tap.h"

static void expect_ok(const LdResult *t, uint64_t pa, uint64_t size, int level, const char *kind,
                      const char *what)
{
    bool pass = t->fault.type == Fault_None && t->pa == pa && t->size == size && t->level == level &&
                t->kind && !strcmp(t->kind, kind);
    tap_ok(pass, "%s: pa 0x%llx size 0x%llx level %d %s", what, (unsigned long long)pa,
           (unsigned long long)size, level, kind);
    if (!pass)
        printf("#   got fault %s level %d, pa 0x%llx size 0x%llx level %d %s\n",
               fault_type_name(t->fault.type), t->fault.level, (unsigned long long)t->pa,
               (unsigned long long)t->size, t->level, t->kind ? t->kind : "(null)");
}

static void expect_fault(const LdResult *t, FaultType type, int level, const char *what)
{
    bool pass = t->fault.type == type && t->fault.level == level;
    tap_ok(pass, "%s: %s fault at level %d", what, fault_type_name(type), level);
    if (!pass)
        printf("#   got %s level %d\n", fault_type_name(t->fault.type), t->fault.level);
}

static void test_4k(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    /* L0 0x80000000, L1 0x80001000, L2 0x80002000, L3 0x80003000 */
    put64(0x80000008u, ld_table(0x80001000u, 0));                 /* L0[1] */
    put64(0x80001010u, ld_table(0x80002000u, 0));                 /* L1[2] */
    put64(0x80002018u, ld_table(0x80003000u, 0));                 /* L2[3] */
    put64(0x80003020u, ld_page(0x80345000u, LA(.idx = 5)));       /* L3[4] */
    /* VA = 1<<39 | 2<<30 | 3<<21 | 4<<12 | 0x123 */
    LdResult t = ldr(&r, UINT64_C(0x0000008080604123));
    expect_ok(&t, 0x80345123u, 0x1000, 3, "page", "4K: L0-L1-L2-L3 page");
    tap_is((uint64_t)t.start_level, 0, "4K T0SZ=16: start level 0");
    tap_is(t.granule, 4096, "granule 4096");
    tap_is((uint64_t)t.ndesc, 4, "4 descriptors read");
    tap_is(t.desc_pa[0], 0x80000008u, "desc_pa[0] = L0 base + 1*8");
    tap_is(t.desc_pa[1], 0x80001010u, "desc_pa[1] = L1 base + 2*8");
    tap_is(t.desc_pa[2], 0x80002018u, "desc_pa[2] = L2 base + 3*8");
    tap_is(t.desc_pa[3], 0x80003020u, "desc_pa[3] = L3 base + 4*8");
    tap_is(t.desc[3], 0x80345000u | 5u << 2 | 1u << 10 | 3u, "desc[3] is the page descriptor");
    tap_is(t.attrindx, 5, "AttrIndx 5");
    tap_is(t.mair_attr, 0xff, "MAIR byte 5 = 0xff");

    /* L2[5] 2M block: VA 1<<39 | 2<<30 | 5<<21 | 0x1234 */
    put64(0x80002028u, ld_block(0x80400000u, LA(.idx = 1)));
    t = ldr(&r, UINT64_C(0x0000008080A01234));
    expect_ok(&t, 0x80401234u, 0x200000, 2, "block", "4K: L2 2M block");
    tap_is((uint64_t)t.ndesc, 3, "3 descriptors read for an L2 block");

    /* L1[3] 1G block: VA 1<<39 | 3<<30 | 0x12345 */
    put64(0x80001018u, ld_block(0x40000000u, LA()));
    t = ldr(&r, UINT64_C(0x00000080C0012345));
    expect_ok(&t, 0x40012345u, 0x40000000, 1, "block", "4K: L1 1G block");

    /* L0[2] block: not allowed with 4K -> translation fault level 0; VA 2<<39 */
    put64(0x80000010u, ld_block(0x0u, LA()));
    t = ldr(&r, UINT64_C(0x0000010000000000));
    expect_fault(&t, Fault_Translation, 0, "4K: L0 block");
    tap_is_str(t.kind, "fault", "kind fault");

    /* L3[6] = 0b01: reserved -> translation fault level 3 */
    put64(0x80003030u, ld_block(0x80346000u, LA()));
    t = ldr(&r, UINT64_C(0x0000008080606000));
    expect_fault(&t, Fault_Translation, 3, "4K: L3 descriptor 0b01 (reserved)");

    /* invalid at each level */
    t = ldr(&r, UINT64_C(0x0000018000000000)); /* L0[3] = 0 */
    expect_fault(&t, Fault_Translation, 0, "4K: invalid L0");
    t = ldr(&r, UINT64_C(0x0000008000000000)); /* L1[0] = 0 */
    expect_fault(&t, Fault_Translation, 1, "4K: invalid L1");
    t = ldr(&r, UINT64_C(0x0000008080000000)); /* L2[0] = 0 */
    expect_fault(&t, Fault_Translation, 2, "4K: invalid L2");
    t = ldr(&r, UINT64_C(0x0000008080608000)); /* L3[8] = 0 */
    expect_fault(&t, Fault_Translation, 3, "4K: invalid L3");

    /* AF = 0 on a block: access flag fault at level 2 */
    put64(0x80002030u, ld_block(0x80600000u, LA(.noaf = 1))); /* L2[6] */
    t = ldr(&r, UINT64_C(0x0000008080C00000));
    expect_fault(&t, Fault_AccessFlag, 2, "4K: AF = 0 block");
    tap_is(fault_esr_fsc(&t.fault), 0x0a, "ESR FSC access flag level 2 = 0b001010");
    tap_ok(!t.af && !strcmp(t.kind, "block"), "the block is decoded, af false");
    /* AF = 0 on a page: level 3 */
    put64(0x80003038u, ld_page(0x80347000u, LA(.noaf = 1))); /* L3[7] */
    t = ldr(&r, UINT64_C(0x0000008080607000));
    expect_fault(&t, Fault_AccessFlag, 3, "4K: AF = 0 page");
}

static void test_16k(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    r.tcr = TCR_T0SZ(16) | TCR_TG0_16K | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(5);
    /* L0 0x80000000 (2 entries), L1 0x80004000, L2 0x80008000, L3 0x8000c000 */
    put64(0x80000008u, ld_table(0x80004000u, 0)); /* L0[1] */
    put64(0x80004008u, ld_table(0x80008000u, 0)); /* L1[1] */
    put64(0x80008010u, ld_table(0x8000c000u, 0)); /* L2[2] */
    put64(0x8000c018u, ld_page(0x81234000u, LA())); /* L3[3] */
    /* VA = 1<<47 | 1<<36 | 2<<25 | 3<<14 | 0x123 */
    LdResult t = ldr(&r, UINT64_C(0x000080100400C123));
    expect_ok(&t, 0x81234123u, 0x4000, 3, "page", "16K: L0-L1-L2-L3 page");
    tap_is(t.granule, 16384, "granule 16384");
    tap_is((uint64_t)t.start_level, 0, "16K T0SZ=16: start level 0");
    tap_is(t.desc_pa[0], 0x80000008u, "16K desc_pa[0]");
    tap_is(t.desc_pa[1], 0x80004008u, "16K desc_pa[1]");
    tap_is(t.desc_pa[2], 0x80008010u, "16K desc_pa[2]");
    tap_is(t.desc_pa[3], 0x8000c018u, "16K desc_pa[3]");

    /* L2[4] 32M block: VA 1<<47 | 1<<36 | 4<<25 | 0x5678 */
    put64(0x80008020u, ld_block(0x82000000u, LA()));
    t = ldr(&r, UINT64_C(0x0000801008005678));
    expect_ok(&t, 0x82005678u, 0x2000000, 2, "block", "16K: L2 32M block");

    /* L1[2] block: not allowed with 16K; VA 1<<47 | 2<<36 */
    put64(0x80004010u, ld_block(0x0u, LA()));
    t = ldr(&r, UINT64_C(0x0000802000000000));
    expect_fault(&t, Fault_Translation, 1, "16K: L1 block");

    /* L0[0] block: translation fault level 0 */
    put64(0x80000000u, ld_block(0x0u, LA()));
    t = ldr(&r, 0x1000);
    expect_fault(&t, Fault_Translation, 0, "16K: L0 block");

    /* L3 0b01 reserved: L3[5] */
    put64(0x8000c028u, ld_block(0x81238000u, LA()));
    t = ldr(&r, UINT64_C(0x0000801004014000));
    expect_fault(&t, Fault_Translation, 3, "16K: L3 descriptor 0b01");

    /* the same tables through TTBR1 with TG1 = 0b01 (16K; TG1 encodes differently from
     * TG0): VA 0xffff_8010_0400_c123 has the same L0..L3 indexes 1, 1, 2, 3 */
    r.tcr = TCR_T0SZ(16) | TCR_TG0_4K | TCR_T1SZ(16) | TCR_TG1_16K | TCR_IPS(5);
    r.ttbr1 = RAM_BASE;
    r.ttbr0 = 0x90000000u;
    t = ldr(&r, UINT64_C(0xFFFF80100400C123));
    expect_ok(&t, 0x81234123u, 0x4000, 3, "page", "16K via TTBR1 (TG1=01)");
    tap_ok(t.ttbr1 && t.granule == 16384 && t.desc_pa[3] == 0x8000c018u, "TTBR1, 16K, L3[3]");
}

static void test_64k(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    r.tcr = TCR_T0SZ(16) | TCR_TG0_64K | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(5);
    /* L1 0x80000000 (64 entries), L2 0x80010000, L3 0x80020000 */
    put64(0x80000008u, ld_table(0x80010000u, 0)); /* L1[1] */
    put64(0x80010010u, ld_table(0x80020000u, 0)); /* L2[2] */
    put64(0x80020018u, ld_page(0x80350000u, LA())); /* L3[3] */
    /* VA = 1<<42 | 2<<29 | 3<<16 | 0x1234 */
    LdResult t = ldr(&r, UINT64_C(0x0000040040031234));
    expect_ok(&t, 0x80351234u, 0x10000, 3, "page", "64K: L1-L2-L3 page");
    tap_is(t.granule, 65536, "granule 65536");
    tap_is((uint64_t)t.start_level, 1, "64K T0SZ=16: start level 1");
    tap_is((uint64_t)t.ndesc, 3, "64K: 3 descriptors");
    tap_is(t.desc_pa[0], 0x80000008u, "64K desc_pa[0]");
    tap_is(t.desc_pa[1], 0x80010010u, "64K desc_pa[1]");
    tap_is(t.desc_pa[2], 0x80020018u, "64K desc_pa[2]");

    /* L2[4] 512M block: VA 1<<42 | 4<<29 | 0x123456 */
    put64(0x80010020u, ld_block(0xA0000000u, LA()));
    t = ldr(&r, UINT64_C(0x0000040080123456));
    expect_ok(&t, 0xA0123456u, 0x20000000, 2, "block", "64K: L2 512M block");

    /* L1[2] block: not allowed with 64K (no LPA) */
    put64(0x80000010u, ld_block(0x0u, LA()));
    t = ldr(&r, UINT64_C(0x0000080000000000));
    expect_fault(&t, Fault_Translation, 1, "64K: L1 block");

    /* through TTBR1 with TG1 = 0b11 (64K): VA 0xffff_0400_4003_1234, indexes 1, 2, 3 */
    r.tcr = TCR_T0SZ(16) | TCR_TG0_4K | TCR_T1SZ(16) | TCR_TG1_64K | TCR_IPS(5);
    r.ttbr1 = RAM_BASE;
    r.ttbr0 = 0x90000000u;
    t = ldr(&r, UINT64_C(0xFFFF040040031234));
    expect_ok(&t, 0x80351234u, 0x10000, 3, "page", "64K via TTBR1 (TG1=11)");
    tap_ok(t.ttbr1 && t.granule == 65536 && t.start_level == 1, "TTBR1, 64K, start level 1");
    /* TG1 = 0b10 is 4K: the same VA now walks 4 levels from L0 index VA[47:39] = 8 */
    r.tcr = TCR_T0SZ(16) | TCR_TG0_64K | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(5);
    t = ldr(&r, UINT64_C(0xFFFF040040031234));
    tap_ok(t.granule == 4096 && t.start_level == 0 && t.ndesc >= 1 && t.desc_pa[0] == 0x80000040u,
           "TG1=10: 4K, L0 index 8 at 0x80000040");
    /* T1SZ = 25 with 4K: 39-bit TTBR1 range from 0xffffff8000000000, start level 1 */
    r.tcr = TCR_T0SZ(16) | TCR_TG0_4K | TCR_T1SZ(25) | TCR_TG1_4K | TCR_IPS(5);
    t = ldr(&r, UINT64_C(0xFFFFFF8000000000));
    tap_ok(t.ttbr1 && t.start_level == 1 && t.fault.type == Fault_Translation && t.fault.level == 1 &&
               t.desc_pa[0] == RAM_BASE,
           "T1SZ=25: start level 1, L1[0]");
    t = ldr(&r, UINT64_C(0xFFFFFF0000000000));
    expect_fault(&t, Fault_Translation, 0, "T1SZ=25: 0xffffff0000000000 below the TTBR1 range");
}

/* Start level = 4 - (1 + (inputsize - grain - 1) DIV (grain - 3)), inputsize = 64 - T0SZ:
 *   4K  (12, 9):  T0SZ 16 -> 48: 1+35/9=4 -> L0; 25 -> 39: 1+26/9=3 -> L1;
 *                 33 -> 31: 1+18/9=3 -> L1; 39 -> 25: 1+12/9=2 -> L2
 *   16K (14, 11): 16 -> 1+33/11=4 -> L0; 25 -> 1+24/11=3 -> L1; 33 -> 1+16/11=2 -> L2;
 *                 39 -> 1+10/11=1 -> L3
 *   64K (16, 13): 16 -> 1+31/13=3 -> L1; 25 -> 1+22/13=2 -> L2; 33 -> 1+14/13=2 -> L2;
 *                 39 -> 1+8/13=1 -> L3
 * With all-zero tables the walk faults (translation) at the start level, reading the
 * start table's entry 0 for VA 0. */
static void test_start_levels(void)
{
    static const struct { uint64_t tg; unsigned t0sz; int level; const char *g; } cases[] = {
        {TCR_TG0_4K, 16, 0, "4K"},  {TCR_TG0_4K, 25, 1, "4K"},  {TCR_TG0_4K, 33, 1, "4K"},
        {TCR_TG0_4K, 39, 2, "4K"},  {TCR_TG0_16K, 16, 0, "16K"}, {TCR_TG0_16K, 25, 1, "16K"},
        {TCR_TG0_16K, 33, 2, "16K"}, {TCR_TG0_16K, 39, 3, "16K"}, {TCR_TG0_64K, 16, 1, "64K"},
        {TCR_TG0_64K, 25, 2, "64K"}, {TCR_TG0_64K, 33, 2, "64K"}, {TCR_TG0_64K, 39, 3, "64K"},
    };
    ram_reset();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        LongDescRegs r = regs_a64();
        r.tcr = TCR_T0SZ(cases[i].t0sz) | cases[i].tg | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(5);
        LdResult t = ldr(&r, 0);
        tap_ok(t.start_level == cases[i].level && t.fault.type == Fault_Translation &&
                   t.fault.level == cases[i].level && t.ndesc == 1 && t.desc_pa[0] == RAM_BASE,
               "%s T0SZ=%u: start level %d", cases[i].g, cases[i].t0sz, cases[i].level);
    }
    /* 4K, T0SZ = 39: 25-bit input, start L2 indexes VA[24:21] (16 entries); a 4K-granule
     * L2 block there: VA 0x1234567 -> L2[9] at base + 0x48 */
    ram_reset();
    LongDescRegs r = regs_a64();
    r.tcr = TCR_T0SZ(39) | TCR_TG0_4K | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(5);
    put64(0x80000048u, ld_block(0x80200000u, LA()));
    LdResult t = ldr(&r, 0x1234567);
    expect_ok(&t, 0x80234567u, 0x200000, 2, "block", "4K T0SZ=39: L2 block from the start table");
    tap_is(t.desc_pa[0], 0x80000048u, "T0SZ=39 desc_pa = base + 9*8");
    t = ldr(&r, 0x2000000); /* VA[63:25] not zero: outside TTBR0 range, gap */
    expect_fault(&t, Fault_Translation, 0, "4K T0SZ=39: VA 0x2000000 beyond TTBR0 range");

    /* 16K T0SZ=39: 25 bits, start L3 indexes VA[24:14] (2048 entries): VA 0x1ffc123 ->
     * L3[0x7ff] at base + 0x3ff8 */
    ram_reset();
    r.tcr = TCR_T0SZ(39) | TCR_TG0_16K | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(5);
    put64(0x80003ff8u, ld_page(0x81000000u, LA()));
    t = ldr(&r, 0x1ffc123);
    expect_ok(&t, 0x81000123u, 0x4000, 3, "page", "16K T0SZ=39: page from the start table");
}

/* seed-000: TTBR0 L0/L1/L2 at 0x82500000/1000/2000, L0[0] -> L1, L1[2] -> L2 (VA[38:30] of
 * 0x80000000 is 2), L2[4..18] 2M blocks 0x80800000..0x825fffff (VA[29:21] of 0x80800000 is 4).
 * TTBR1 L0/L1/L2 at 0x82503000/4000/5000 map 0xffff000080800000.. to 0x80800000..: with
 * T1SZ = 16 the L0 index is VA[47:39] = 0 (not 511), L1 index 2, L2 index 4.. */
static void seed_layout(void)
{
    ram_reset();
    put64(0x82500000u, ld_table(0x82501000u, 0));
    put64(0x82501010u, ld_table(0x82502000u, 0));
    put64(0x82503000u, ld_table(0x82504000u, 0));
    put64(0x82504010u, ld_table(0x82505000u, 0));
    for (uint64_t i = 4; i <= 18; i++) {
        put64(0x82502000u + i * 8, ld_block(0x80000000u + i * 0x200000u, LA(.idx = 5, .sh = 3)));
        put64(0x82505000u + i * 8, ld_block(0x80000000u + i * 0x200000u, LA(.idx = 5, .sh = 3, .uxn = 1)));
    }
}

static void test_seed(void)
{
    seed_layout();
    LongDescRegs r = regs_a64();
    r.ttbr0 = 0x82500000u;
    r.ttbr1 = 0x82503000u;
    LdResult t = ldr(&r, 0x80800000u);
    expect_ok(&t, 0x80800000u, 0x200000, 2, "block", "seed TTBR0 identity 0x80800000");
    tap_ok(!t.ttbr1, "seed: TTBR0 used");
    tap_ok(t.ndesc == 3 && t.desc_pa[0] == 0x82500000u && t.desc_pa[1] == 0x82501010u &&
               t.desc_pa[2] == 0x82502020u,
           "seed TTBR0 desc_pa = 0x82500000, 0x82501010, 0x82502020");

    t = ldr(&r, UINT64_C(0xFFFF000080800000));
    expect_ok(&t, 0x80800000u, 0x200000, 2, "block", "seed TTBR1 0xffff000080800000");
    tap_ok(t.ttbr1, "seed: TTBR1 used");
    tap_ok(t.ndesc == 3 && t.desc_pa[0] == 0x82503000u && t.desc_pa[1] == 0x82504010u &&
               t.desc_pa[2] == 0x82505020u,
           "seed TTBR1 desc_pa = 0x82503000 (L0 index 0), 0x82504010, 0x82505020");

    /* 0xffff000081234567: L2 index VA[29:21] = 0x01234567 >> 21 = 9 */
    t = ldr(&r, UINT64_C(0xFFFF000081234567));
    expect_ok(&t, 0x81234567u, 0x200000, 2, "block", "seed TTBR1 0xffff000081234567");
    tap_is(t.desc_pa[2], 0x82505048u, "L2 entry 9 at 0x82505048");
    /* last mapped 2M (index 18) and the one after (index 19, invalid) */
    t = ldr(&r, 0x825fffffu);
    expect_ok(&t, 0x825fffffu, 0x200000, 2, "block", "seed 0x825fffff last byte");
    t = ldr(&r, 0x82600000u);
    expect_fault(&t, Fault_Translation, 2, "seed 0x82600000 (L2[19] invalid)");
    t = ldr(&r, 0x80600000u);
    expect_fault(&t, Fault_Translation, 2, "seed 0x80600000 (L2[3] invalid)");

    /* gap between the ranges: VA[63:48] neither all zeros nor all ones */
    t = ldr(&r, UINT64_C(0x0001000000000000));
    expect_fault(&t, Fault_Translation, 0, "gap 0x0001000000000000 (TTBR0 side)");
    tap_ok(!t.ttbr1 && t.ndesc == 0, "gap: no descriptor read, TTBR0 side");
    t = ldr(&r, UINT64_C(0xFFFEFFFFFFFFF000));
    expect_fault(&t, Fault_Translation, 0, "gap 0xfffeffffffff f000 (TTBR1 side)");
    tap_ok(t.ttbr1 && t.ndesc == 0, "gap: no descriptor read, TTBR1 side");
    tap_is(fault_esr_fsc(&t.fault), 0x04, "ESR FSC translation level 0 = 0x04");

    /* EPD0 / EPD1 */
    LongDescRegs e = r;
    e.tcr |= LD_TCR_EPD0;
    t = ldr(&e, 0x80800000u);
    expect_fault(&t, Fault_Translation, 0, "EPD0: TTBR0 walk disabled");
    tap_is((uint64_t)t.ndesc, 0, "EPD0: nothing read");
    t = ldr(&e, UINT64_C(0xFFFF000080800000));
    expect_ok(&t, 0x80800000u, 0x200000, 2, "block", "EPD0 leaves TTBR1 walks alone");
    e = r;
    e.tcr |= LD_TCR_EPD1;
    t = ldr(&e, UINT64_C(0xFFFF000080800000));
    expect_fault(&t, Fault_Translation, 0, "EPD1: TTBR1 walk disabled");
    t = ldr(&e, 0x80800000u);
    expect_ok(&t, 0x80800000u, 0x200000, 2, "block", "EPD1 leaves TTBR0 walks alone");

    /* TBI: top byte ignored for selection and walk */
    t = ldr(&r, UINT64_C(0x5A00000080800000));
    expect_fault(&t, Fault_Translation, 0, "tagged VA without TBI0: gap fault");
    e = r;
    e.tcr |= LD_TCR_TBI0;
    t = ldr(&e, UINT64_C(0x5A00000080800000));
    expect_ok(&t, 0x80800000u, 0x200000, 2, "block", "TBI0: tag 0x5a ignored");
    tap_is(t.va, UINT64_C(0x5A00000080800000), "TBI0: va keeps its tag");
    t = ldr(&e, UINT64_C(0x12FF000080800000));
    expect_fault(&t, Fault_Translation, 0, "TBI0 only: VA[55]=1 uses TBI1 (clear): gap");
    e.tcr = r.tcr | LD_TCR_TBI1;
    t = ldr(&e, UINT64_C(0x12FF000080800000));
    expect_ok(&t, 0x80800000u, 0x200000, 2, "block", "TBI1: tag 0x12 ignored, TTBR1");
    tap_ok(t.ttbr1, "TBI1: TTBR1 selected by VA[55]");
}

static void test_addr_size_and_external(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    put64(0x80000000u, ld_table(0x80001000u, 0));           /* L0[0] */
    put64(0x80001000u, ld_table(0x80002000u, 0));           /* L1[0] */
    put64(0x80001008u, ld_table(UINT64_C(0x1000000000), 0)); /* L1[1] -> 2^36 */
    put64(0x80001010u, ld_table(0xF0000000u, 0));           /* L1[2] -> unbacked */
    put64(0x80001018u, ld_block(UINT64_C(0xFF40000000), LA())); /* L1[3]: 1G block at 2^40 - 3G */
    put64(0x80002000u, ld_block(UINT64_C(0x100000000), LA())); /* L2[0] -> 4G */

    /* 40-bit implemented PA, IPS 48: 4G is fine */
    LdResult t = ldr(&r, 0x1234);
    expect_ok(&t, UINT64_C(0x100001234), 0x200000, 2, "block", "L2 block to 4G, 40-bit PA");
    tap_is(t.oasize, 40, "oasize min(48, 40) = 40");
    /* IPS 32 bits: the block's output address bit 32 -> address size fault at level 2 */
    LongDescRegs s = r;
    s.tcr = (r.tcr & ~TCR_IPS(7)) | TCR_IPS(0);
    t = ldr(&s, 0x1234);
    expect_fault(&t, Fault_AddressSize, 2, "IPS=32: block at 4G");
    tap_is(fault_esr_fsc(&t.fault), 0x02, "ESR FSC address size level 2 = 0x02");
    /* pa_range 36 bits: L1[1] table address 2^36 -> address size fault at level 1 */
    s = r;
    s.pa_range_bits = 36;
    t = ldr(&s, 0x40000000u);
    expect_fault(&t, Fault_AddressSize, 1, "36-bit PA: table address 2^36");
    t = ldr(&r, 0x40000000u); /* 40 bits: fine, but nothing there -> external abort at L2 */
    expect_fault(&t, Fault_SyncExternalOnWalk, 2, "table at 2^36 unbacked");
    tap_is(t.fault.walk_pa, UINT64_C(0x1000000000), "walk_pa = 0x1000000000 (L2 index 0)");
    /* table pointer outside memory */
    t = ldr(&r, 0x80000000u + 0x1000);
    expect_fault(&t, Fault_SyncExternalOnWalk, 2, "table at 0xf0000000 unbacked");
    tap_is(t.fault.walk_pa, 0xF0000000u, "walk_pa 0xf0000000");
    tap_is(fault_esr_fsc(&t.fault), 0x16, "ESR FSC external abort on walk level 2 = 0b010110");
    /* 1G block near the top of 40 bits */
    t = ldr(&r, UINT64_C(0xC0000010));
    expect_ok(&t, UINT64_C(0xFF40000010), 0x40000000, 1, "block", "1G block at 0xff40000000");
    /* IPS 36: the same block faults at level 1 */
    s = r;
    s.tcr = (r.tcr & ~TCR_IPS(7)) | TCR_IPS(1);
    t = ldr(&s, UINT64_C(0xC0000010));
    expect_fault(&t, Fault_AddressSize, 1, "IPS=36: block at 0xff40000000");
    /* TTBR0 base above the output size: level 0 */
    s = r;
    s.ttbr0 = UINT64_C(0x10000000000); /* bit 40 */
    t = ldr(&s, 0x1234);
    expect_fault(&t, Fault_AddressSize, 0, "TTBR0 base at 2^40");
    tap_is(fault_esr_fsc(&t.fault), 0x00, "ESR FSC address size level 0 = 0x00");
    /* TTBR0 unbacked: external abort at the start level, walk_pa = base + index */
    s = r;
    s.ttbr0 = 0x90000000u;
    t = ldr(&s, UINT64_C(0x0000008000000000)); /* L0[1] */
    expect_fault(&t, Fault_SyncExternalOnWalk, 0, "TTBR0 unbacked");
    tap_is(t.fault.walk_pa, 0x90000008u, "walk_pa 0x90000008");
    /* TTBR ASID and CnP bits are not part of the base */
    s = r;
    s.ttbr0 = UINT64_C(0x00AB000080000001);
    t = ldr(&s, 0x1234);
    expect_ok(&t, UINT64_C(0x100001234), 0x200000, 2, "block", "TTBR0 with ASID and CnP set");
    /* MMU off: flat (AArch64.TranslateAddressS1Off: VA bits [63:PAMax] must be zero, or
     * [55:PAMax] with TBI, else address size fault level 0) */
    s = r;
    s.sctlr = 0;
    t = ldr(&s, UINT64_C(0x123456789));
    tap_ok(t.fault.type == Fault_None && t.pa == UINT64_C(0x123456789) && !strcmp(t.kind, "flat"),
           "MMU off: flat pa = va");
    t = ldr(&s, UINT64_C(0xFF23456789)); /* below 2^40 */
    tap_ok(t.fault.type == Fault_None && t.pa == UINT64_C(0xFF23456789), "MMU off: 0xff23456789 < 2^40");
    t = ldr(&s, UINT64_C(0x10000000000)); /* 2^40, PA range 40 bits */
    expect_fault(&t, Fault_AddressSize, 0, "MMU off: VA 2^40 above the 40-bit PA range");
    t = ldr(&s, UINT64_C(0x5A00000012345678));
    expect_fault(&t, Fault_AddressSize, 0, "MMU off: tagged VA without TBI0");
    s.tcr |= LD_TCR_TBI0;
    t = ldr(&s, UINT64_C(0x5A00000012345678));
    tap_ok(t.fault.type == Fault_None && t.pa == 0x12345678u, "MMU off, TBI0: tag dropped, pa 0x12345678");
    s = regs_lpae();
    s.sctlr = 0;
    t = ldr(&s, 0xFFFFF000u);
    tap_ok(t.fault.type == Fault_None && t.pa == 0xFFFFF000u, "LPAE MMU off: flat 0xfffff000");
}

int main(void)
{
    test_4k();
    test_16k();
    test_64k();
    test_start_levels();
    test_seed();
    test_addr_size_and_external();
    return tap_done();
}
