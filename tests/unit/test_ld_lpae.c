/* ARMv7 LPAE long-descriptor walk (DDI 0406C B3.6): TTBR0/TTBR1 split (B3.6.4), start level
 * (B3.6.6: level 1 when TxSZ is 0 or 1, else level 2), 1G/2M blocks and 4K pages, 40-bit
 * output addresses, faults and the long-descriptor DFSR/IFSR.
 *   inputsize = 32 - TxSZ; level 1 indexes VA[inputsize-1:30], level 2 VA[29:21] (or
 *   VA[inputsize-1:21] when the walk starts there), level 3 VA[20:12]. */
#include "ld_tables.h"
#include "tap.h"

static void expect(const LdResult *t, FaultType ft, int flevel, uint64_t pa, bool ttbr1,
                   const char *what)
{
    bool pass = t->fault.type == ft && (ft == Fault_None ? t->pa == pa && t->ttbr1 == ttbr1
                                                         : t->fault.level == flevel);
    if (ft == Fault_None)
        tap_ok(pass, "%s: pa 0x%llx via TTBR%d", what, (unsigned long long)pa, ttbr1);
    else
        tap_ok(pass, "%s: %s fault level %d", what, fault_type_name(ft), flevel);
    if (!pass)
        printf("#   got %s level %d pa 0x%llx ttbr1 %d\n", fault_type_name(t->fault.type),
               t->fault.level, (unsigned long long)t->pa, t->ttbr1);
}

static void test_t0sz0_t1sz0(void)
{
    ram_reset();
    LongDescRegs r = regs_lpae();
    r.ttbr1 = 0x80010000u; /* must never be used */
    /* L1 0x80000000 (4 entries): L1[3] -> L2 0x80001000; L1[0] 1G block -> 0xAB_C0000000 (40-bit) */
    put64(0x80000018u, ld_table(0x80001000u, 0));
    put64(0x80000000u, ld_block(UINT64_C(0xABC0000000), LA(.ap = 1)));
    /* L2[0] 2M block -> 0x80200000; L2[1] -> L3 0x80002000; L3[5] page -> 0x80345000 */
    put64(0x80001000u, ld_block(0x80200000u, LA()));
    put64(0x80001008u, ld_table(0x80002000u, 0));
    put64(0x80002028u, ld_page(0x80345000u, LA()));

    LdResult t = ldr(&r, 0xC0012345u);
    expect(&t, Fault_None, 0, 0x80212345u, false, "T0SZ=T1SZ=0: 0xc0012345 through TTBR0");
    tap_is((uint64_t)t.start_level, 1, "start level 1");
    tap_is(t.size, 0x200000, "2M block");
    tap_ok(t.ndesc == 2 && t.desc_pa[0] == 0x80000018u && t.desc_pa[1] == 0x80001000u,
           "desc_pa 0x80000018, 0x80001000");
    t = ldr(&r, 0xC0205678u);
    expect(&t, Fault_None, 0, 0x80345678u, false, "4K page via L1[3] L2[1] L3[5]");
    tap_is(t.desc_pa[2], 0x80002028u, "L3 desc_pa 0x80002028");
    t = ldr(&r, 0x12345678u);
    expect(&t, Fault_None, 0, UINT64_C(0xABD2345678), false, "1G block to 40-bit PA 0xabc0000000");
    tap_is(t.size, 0x40000000, "1G block size");
    tap_is(t.va, 0x12345678u, "va");
    t = ldr(&r, 0x40000000u); /* L1[1] = 0 */
    expect(&t, Fault_Translation, 1, 0, false, "invalid L1[1]");
    tap_is(fault_v7_long_dfsr(&t.fault), 0x205, "DFSR translation level 1 read = 0x205");
    t = ldr(&r, 0xC0400000u); /* L2[2] = 0 */
    expect(&t, Fault_Translation, 2, 0, false, "invalid L2[2]");
    tap_is(fault_v7_long_dfsr(&t.fault), 0x206, "DFSR translation level 2 read = 0x206");
    t = ldx(&r, 0xC0400000u, Access_Fetch, true);
    tap_is(fault_v7_long_ifsr(&t.fault), 0x206, "IFSR translation level 2 = 0x206");
    t = ldx(&r, 0xC0400000u, Access_Write, true);
    tap_is(fault_v7_long_dfsr(&t.fault), 0xa06, "DFSR translation level 2 write = 0xa06");

    /* bits [47:40] of an output address: address size fault */
    put64(0x80000008u, ld_block(UINT64_C(0x10000000000), LA())); /* L1[1] block, bit 40 */
    t = ldr(&r, 0x40000000u);
    expect(&t, Fault_AddressSize, 1, 0, false, "L1 block with PA bit 40");
    tap_is(fault_v7_long_dfsr(&t.fault), 0x201, "DFSR address size level 1 = 0x201");
    put64(0x80001010u, ld_table(UINT64_C(0x20000000000), 0)); /* L2[2] table, bit 41 */
    t = ldr(&r, 0xC0400000u);
    expect(&t, Fault_AddressSize, 2, 0, false, "L2 table address with bit 41");
    /* TTBR0 bits [47:40] not zero: address size fault, level 0 (the TTBR) */
    LongDescRegs s = r;
    s.ttbr0 |= UINT64_C(1) << 44;
    t = ldr(&s, 0xC0012345u);
    expect(&t, Fault_AddressSize, 0, 0, false, "TTBR0 bit 44");
    tap_is(fault_v7_long_dfsr(&t.fault), 0x200, "DFSR address size level 0 = 0x200");

    /* level-1 descriptor 0b01 at L1 is a block; 0b01 at L3 is reserved */
    put64(0x80002030u, ld_block(0x80346000u, LA())); /* L3[6] */
    t = ldr(&r, 0xC0206000u);
    expect(&t, Fault_Translation, 3, 0, false, "L3 descriptor 0b01");
    /* AF */
    put64(0x80002038u, ld_page(0x80347000u, LA(.noaf = 1))); /* L3[7] */
    t = ldr(&r, 0xC0207000u);
    expect(&t, Fault_AccessFlag, 3, 0, false, "AF = 0 page");
    tap_is(fault_v7_long_dfsr(&t.fault), 0x20b, "DFSR access flag level 3 = 0x20b");
    /* external abort: L2[3] -> 0x90000000 unbacked */
    put64(0x80001018u, ld_table(0x90000000u, 0));
    t = ldr(&r, 0xC0600000u);
    expect(&t, Fault_SyncExternalOnWalk, 3, 0, false, "L3 table unbacked");
    tap_is(t.fault.walk_pa, 0x90000000u, "walk_pa 0x90000000");
    tap_is(fault_v7_long_dfsr(&t.fault), 0x217, "DFSR external abort on walk level 3 = 0x217");

    /* TTBR0 alignment: with T0SZ = 0 the L1 table is 4 entries, 32 bytes (x = 5), so a TTBR0 of
     * 0x80000fe0 is a valid base; L1[3] is at 0x80000ff8 */
    s = r;
    s.ttbr0 = 0x80000fe0u;
    put64(0x80000ff8u, ld_block(0x40000000u, LA()));
    t = ldr(&s, 0xC0000123u);
    expect(&t, Fault_None, 0, 0x40000123u, false, "TTBR0 0x80000fe0 (32-byte aligned L1)");
    tap_is(t.desc_pa[0], 0x80000ff8u, "L1[3] at 0x80000ff8");
    /* AArch64: TTBR bits below the table alignment are RES0, ignored (4K, T0SZ=16: x = 12) */
    LongDescRegs a = regs_a64();
    a.ttbr0 = 0x80000ff8u;
    t = ldr(&a, UINT64_C(0x0000018000000000)); /* L0[3] = 0x80000018: the LPAE L1[3] table */
    tap_ok(t.ndesc >= 1 && t.desc_pa[0] == 0x80000018u, "AArch64 TTBR0 0x80000ff8 -> base 0x80000000");

    /* EPD0: translation fault level 1 */
    s = r;
    s.tcr |= LD_TCR_EPD0;
    t = ldr(&s, 0xC0012345u);
    expect(&t, Fault_Translation, 1, 0, false, "EPD0");
    tap_is((uint64_t)t.ndesc, 0, "EPD0: nothing read");
}

static void test_t1sz2(void)
{
    ram_reset();
    LongDescRegs r = regs_lpae();
    /* T0SZ = 0, T1SZ = 2: TTBR1 for VA[31:30] = 11 (0xc0000000 up), 30-bit input, start at
     * level 2 with VA[29:21] (512 entries, 4K table); TTBR0 for the rest, 32-bit input. */
    r.tcr = LD_TTBCR_EAE | 2u << 16;
    r.ttbr1 = 0x80004000u;
    put64(0x80004000u, ld_block(0x80200000u, LA()));       /* TTBR1 L2[0] */
    put64(0x80004008u, ld_block(0x80400000u, LA()));       /* TTBR1 L2[1] */
    put64(0x80000010u, ld_table(0x80001000u, 0));          /* TTBR0 L1[2] */
    put64(0x80001ff8u, ld_block(0x80600000u, LA()));       /* TTBR0 L2[511] */
    put64(0x80000018u, ld_block(0x40000000u, LA()));       /* TTBR0 L1[3]: unreachable */

    LdResult t = ldr(&r, 0xC0012345u);
    expect(&t, Fault_None, 0, 0x80212345u, true, "T1SZ=2: 0xc0012345 through TTBR1");
    tap_is((uint64_t)t.start_level, 2, "TTBR1 T1SZ=2: start level 2");
    tap_is(t.desc_pa[0], 0x80004000u, "TTBR1 L2[0] at 0x80004000");
    tap_is(t.inputsize, 30, "inputsize 30");
    t = ldr(&r, 0xC0212345u);
    expect(&t, Fault_None, 0, 0x80412345u, true, "T1SZ=2: 0xc0212345 -> L2[1]");
    tap_is(t.desc_pa[0], 0x80004008u, "TTBR1 L2[1] at 0x80004008");
    t = ldr(&r, 0xBFFFF000u);
    expect(&t, Fault_None, 0, 0x807FF000u, false, "T1SZ=2: 0xbffff000 through TTBR0");
    tap_is((uint64_t)t.start_level, 1, "TTBR0 T0SZ=0: start level 1");
    tap_is(t.desc_pa[0], 0x80000010u, "TTBR0 L1[2] at 0x80000010");

    /* T0SZ = 2, T1SZ = 2: TTBR0 below 0x40000000, TTBR1 from 0xc0000000, gap between */
    r.tcr = LD_TTBCR_EAE | 2u << 16 | 2u;
    r.ttbr0 = 0x80008000u;
    put64(0x80008000u, ld_block(0x80000000u, LA()));
    t = ldr(&r, 0x00001234u);
    expect(&t, Fault_None, 0, 0x80001234u, false, "T0SZ=2: 0x1234 through TTBR0, start level 2");
    tap_is((uint64_t)t.start_level, 2, "TTBR0 T0SZ=2: start level 2");
    t = ldr(&r, 0x80000000u);
    expect(&t, Fault_Translation, 1, 0, false, "T0SZ=T1SZ=2: 0x80000000 in the gap");
    tap_is((uint64_t)t.ndesc, 0, "gap: nothing read");
    tap_is(fault_v7_long_dfsr(&t.fault), 0x205, "gap DFSR = 0x205 (translation level 1)");
    t = ldr(&r, 0x40000000u);
    expect(&t, Fault_Translation, 1, 0, false, "0x40000000 in the gap");
    t = ldr(&r, 0xC0012345u);
    expect(&t, Fault_None, 0, 0x80212345u, true, "0xc0012345 still TTBR1");

    /* T0SZ = 1, T1SZ = 0: TTBR0 below 0x80000000 (31-bit, level 1, 2 entries), TTBR1
     * (32-bit input, level 1, 4 entries, indexed by VA[31:30]) for the rest */
    r.tcr = LD_TTBCR_EAE | 1u;
    r.ttbr0 = 0x80010000u;
    r.ttbr1 = 0x80020000u;
    put64(0x80010008u, ld_block(0x00000000u, LA())); /* TTBR0 L1[1] */
    put64(0x80020010u, ld_block(0x40000000u, LA())); /* TTBR1 L1[2] */
    t = ldr(&r, 0x40001234u);
    expect(&t, Fault_None, 0, 0x00001234u, false, "T0SZ=1 T1SZ=0: 0x40001234 TTBR0 L1[1]");
    t = ldr(&r, 0x80001234u);
    expect(&t, Fault_None, 0, 0x40001234u, true, "T0SZ=1 T1SZ=0: 0x80001234 TTBR1 L1[2]");
    tap_is(t.desc_pa[0], 0x80020010u, "TTBR1 L1[2] at 0x80020010");
    /* EPD1 */
    r.tcr |= LD_TCR_EPD1;
    t = ldr(&r, 0x80001234u);
    expect(&t, Fault_Translation, 1, 0, true, "EPD1: translation fault level 1");
}

int main(void)
{
    test_t0sz0_t1sz0();
    test_t1sz2();
    return tap_done();
}
