/* Long-descriptor fault codes (ESR_ELx.xFSC, DDI 0487 D13.2.37; AArch32 long-descriptor
 * DFSR/IFSR, DDI 0406C B4.1.52/B4.1.96 and Table B3-24), ld_format / ld_mapping_name lines and
 * the MAIR attribute names (DDI 0487 MAIR_EL1). */
#include "ld_tables.h"
#include "tap.h"

static FaultRecord rec(FaultType t, int level, AccessType a)
{
    FaultRecord f;
    memset(&f, 0, sizeof f);
    f.type = t;
    f.level = level;
    f.access = a;
    return f;
}

static void test_codes(void)
{
    FaultRecord f;
    /* ESR FSC: 0b0000LL address size, 0b0001LL translation, 0b0010LL AF, 0b0011LL permission,
     * 0b0101LL external abort on walk, 0b100001 alignment */
    static const struct { FaultType t; int level; uint32_t fsc; const char *what; } esr[] = {
        {Fault_AddressSize, 0, 0x00, "address size level 0"},
        {Fault_AddressSize, 3, 0x03, "address size level 3"},
        {Fault_Translation, 0, 0x04, "translation level 0"},
        {Fault_Translation, 1, 0x05, "translation level 1"},
        {Fault_Translation, 3, 0x07, "translation level 3"},
        {Fault_AccessFlag, 1, 0x09, "access flag level 1"},
        {Fault_AccessFlag, 2, 0x0a, "access flag level 2"},
        {Fault_Permission, 1, 0x0d, "permission level 1"},
        {Fault_Permission, 3, 0x0f, "permission level 3"},
        {Fault_SyncExternalOnWalk, 0, 0x14, "external abort on walk level 0"},
        {Fault_SyncExternalOnWalk, 3, 0x17, "external abort on walk level 3"},
        {Fault_Alignment, 0, 0x21, "alignment"},
        {Fault_None, 0, 0x00, "no fault"},
    };
    for (size_t i = 0; i < sizeof esr / sizeof esr[0]; i++) {
        f = rec(esr[i].t, esr[i].level, Access_Read);
        tap_is(fault_esr_fsc(&f), esr[i].fsc, "ESR FSC %s = 0x%02x", esr[i].what, esr[i].fsc);
    }
    /* LPAE DFSR = WnR<<11 | 1<<9 | STATUS */
    f = rec(Fault_Translation, 2, Access_Read);
    tap_is(fault_v7_long_dfsr(&f), 0x206, "DFSR translation level 2 read = 0x206");
    f = rec(Fault_Permission, 3, Access_Write);
    tap_is(fault_v7_long_dfsr(&f), 0xa0f, "DFSR permission level 3 write = 0xa0f");
    f = rec(Fault_AccessFlag, 1, Access_Write);
    tap_is(fault_v7_long_dfsr(&f), 0xa09, "DFSR access flag level 1 write = 0xa09");
    f = rec(Fault_Alignment, 0, Access_Write);
    tap_is(fault_v7_long_dfsr(&f), 0xa21, "DFSR alignment write = 0xa21");
    f = rec(Fault_Permission, 2, Access_Fetch);
    tap_is(fault_v7_long_dfsr(&f), 0x20e, "DFSR: a fetch is not a write = 0x20e");
    tap_is(fault_v7_long_ifsr(&f), 0x20e, "IFSR permission level 2 = 0x20e");
    f = rec(Fault_Permission, 2, Access_Write);
    tap_is(fault_v7_long_ifsr(&f), 0x20e, "IFSR has no WnR");
    f = rec(Fault_None, 0, Access_Write);
    tap_is(fault_v7_long_dfsr(&f), 0, "DFSR no fault = 0");
    tap_is(fault_v7_long_ifsr(&f), 0, "IFSR no fault = 0");
    /* the short-descriptor encodings are untouched */
    f = rec(Fault_Translation, 2, Access_Read);
    tap_is(fault_v7_short_dfsr(&f), 0x007, "short DFSR translation page still 0x007");
}

static void mair(uint8_t a, const char *want)
{
    char buf[64];
    ld_mair_name(a, buf, sizeof buf);
    tap_is_str(buf, want, "MAIR 0x%02x", a);
}

static void test_mair_names(void)
{
    mair(0x00, "device-nGnRnE");
    mair(0x04, "device-nGnRE");
    mair(0x08, "device-nGRE");
    mair(0x0c, "device-GRE");
    mair(0x44, "normal-nc/nc");
    mair(0xff, "normal-wb-rwa/wb-rwa");
    mair(0xee, "normal-wb-ra/wb-ra");
    mair(0xdd, "normal-wb-wa/wb-wa");
    mair(0xcc, "normal-wb/wb");
    mair(0xbb, "normal-wt-rwa/wt-rwa");
    mair(0xaa, "normal-wt-ra/wt-ra");
    mair(0x88, "normal-wt/wt");
    mair(0xf4, "normal-nc/wb-rwa");   /* inner = [3:0] = 0100 NC, outer = [7:4] = 1111 */
    mair(0x4f, "normal-wb-rwa/nc");
    mair(0x77, "normal-wb-rwa-t/wb-rwa-t");
    mair(0x33, "normal-wt-rwa-t/wt-rwa-t");
}

static void line(const LdResult *t, const char *want, const char *what)
{
    char buf[256];
    ld_format(t, buf, sizeof buf);
    tap_is_str(buf, want, "format: %s", what);
}

static void name(const LdResult *t, const char *want)
{
    char buf[64];
    ld_mapping_name(t, buf, sizeof buf);
    tap_is_str(buf, want, "mapping name %s", want);
}

static void test_format(void)
{
    ram_reset();
    LongDescRegs r = regs_a64();
    r.ttbr0 = UINT64_C(0x0005000080000000); /* ASID 5 */
    put64(0x80000000u, ld_table(0x80001000u, 0));
    put64(0x80001000u, ld_table(0x80002000u, 0));
    put64(0x80001008u, ld_block(0x40000000u, LA(.idx = 1, .ap = 0, .uxn = 1, .pxn = 1)));
    put64(0x80002000u, ld_table(0x80003000u, 0));
    put64(0x80002008u, ld_block(0x80400000u, LA(.idx = 5, .sh = 3, .ap = 3, .ng = 1)));
    put64(0x80003008u, ld_page(0x80345000u, LA(.idx = 7, .sh = 2, .ap = 0, .uxn = 1, .contig = 1)));

    LdResult t = ldr(&r, 0x1123);
    line(&t, "0x0000000000001123 -> 0x80345123 4K-page el1=rwx el0=--- global asid=5 normal-nc/wb-rwa shared-outer contig",
         "4K page");
    name(&t, "4K-page");
    t = ldr(&r, 0x201234);
    line(&t, "0x0000000000201234 -> 0x80401234 2M-block el1=r-x el0=r-x ng asid=5 normal-wb-rwa/wb-rwa shared-inner",
         "2M block");
    name(&t, "2M-block");
    t = ldr(&r, 0x40000010);
    line(&t, "0x0000000040000010 -> 0x40000010 1G-block el1=rw- el0=--- global asid=5 device-nGnRE",
         "1G block");
    name(&t, "1G-block");
    t = ldr(&r, 0x2000);
    line(&t, "0x0000000000002000 -> fault translation level 3", "translation fault");
    name(&t, "fault");
    t = ldr(&r, UINT64_C(0xFFFF000000000000));
    line(&t, "0xffff000000000000 -> fault external_walk level 0", "TTBR1 = 0: L0 read at PA 0 unbacked");
    t = ldx(&r, 0x201234, Access_Write, true);
    line(&t, "0x0000000000201234 -> fault permission level 2", "permission fault");
    LongDescRegs off = r;
    off.sctlr = 0;
    t = ldr(&off, 0x12345678);
    line(&t, "0x0000000012345678 -> 0x12345678 flat", "MMU off");
    name(&t, "flat");

    /* 16K and 64K names */
    ram_reset();
    r = regs_a64();
    r.tcr = TCR_T0SZ(33) | TCR_TG0_16K | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(5);
    /* 16K, 31-bit input: start L2 indexes VA[30:25] */
    put64(0x80000008u, ld_block(0x82000000u, LA(.idx = 4)));
    put64(0x80000000u, ld_table(0x80004000u, 0));
    put64(0x80004000u, ld_page(0x80008000u, LA(.idx = 4)));
    t = ldr(&r, 0x2000000);
    name(&t, "32M-block");
    t = ldr(&r, 0x10);
    name(&t, "16K-page");
    r.tcr = TCR_T0SZ(33) | TCR_TG0_64K | TCR_T1SZ(16) | TCR_TG1_4K | TCR_IPS(5);
    /* 64K, 31-bit input: start L2 indexes VA[30:29] */
    put64(0x80000008u, ld_block(0x20000000u, LA(.idx = 4)));
    put64(0x80000000u, ld_table(0x80010000u, 0));
    put64(0x80010000u, ld_page(0x80020000u, LA(.idx = 4)));
    t = ldr(&r, 0x20000000);
    name(&t, "512M-block");
    t = ldr(&r, 0x10);
    name(&t, "64K-page");

    /* LPAE: 0x%08x VA */
    ram_reset();
    r = regs_lpae();
    r.ttbr0 = UINT64_C(0x00AB000080000000);
    put64(0x80000018u, ld_table(0x80001000u, 0));
    put64(0x80001000u, ld_block(0x80200000u, LA(.idx = 1, .sh = 2, .ng = 1, .uxn = 1)));
    t = ldr(&r, 0xC0012345u);
    line(&t, "0xc0012345 -> 0x80212345 2M-block el1=rw- el0=--- ng asid=171 device-nGnRE shared-outer",
         "LPAE 2M block");
    t = ldr(&r, 0x00012345u);
    line(&t, "0x00012345 -> fault translation level 1", "LPAE fault");
}

int main(void)
{
    test_codes();
    test_mair_names();
    test_format();
    return tap_done();
}
