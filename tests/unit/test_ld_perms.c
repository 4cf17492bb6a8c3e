/* Long-descriptor permissions and attributes, AArch64 (DDI 0487 D5.4) and LPAE
 * (DDI 0406C B3.7 with the long-descriptor format).
 *
 * AArch64 stage 1, EL1&0, AP[2:1]:  00 EL1 RW / EL0 --   01 EL1 RW / EL0 RW
 *                                   10 EL1 RO / EL0 --   11 EL1 RO / EL0 RO
 *   EL0 execute: !UXN && !(EL0 writable && WXN)  (no read needed: execute-only)
 *   EL1 execute: !PXN && !(EL1 writable && WXN) && !(EL0 writable)
 *   APTable[1] (bit 62): no writes below; APTable[0] (bit 61): no EL0 access below;
 *   UXNTable (60) / PXNTable (59): UXN / PXN for everything below.
 * AArch32 LPAE: PL0 execute also needs PL0 read; XN applies at both PLs; no implicit PXN,
 *   SCTLR.UWXN makes PL0-writable memory PL1-XN.
 *
 * Layout (4K granule, T0SZ = 16): L0 0x80000000, L0[0] -> L1 0x80001000,
 * L1[0] -> L2 0x80002000, L2[0] -> L3 0x80003000; the page for VA n<<12 is L3[n]. */
#include "ld_tables.h"
#include "tap.h"

static LongDescRegs r;

static void setup(uint64_t t1, uint64_t t2, uint64_t t3)
{
    ram_reset();
    r = regs_a64();
    put64(0x80000000u, ld_table(0x80001000u, t1));
    put64(0x80001000u, ld_table(0x80002000u, t2));
    put64(0x80002000u, ld_table(0x80003000u, t3));
}

static void page(unsigned n, LAttrs a)
{
    put64(0x80003000u + n * 8u, ld_page(0x80100000u + n * 0x1000u, a));
}

static void perms(uint64_t va, const char *el1, const char *el0, const char *what)
{
    LdResult t = ldr(&r, va);
    char g1[4] = {t.el1_r ? 'r' : '-', t.el1_w ? 'w' : '-', t.el1_x ? 'x' : '-', 0};
    char g0[4] = {t.el0_r ? 'r' : '-', t.el0_w ? 'w' : '-', t.el0_x ? 'x' : '-', 0};
    bool pass = t.fault.type == Fault_None && !strcmp(g1, el1) && !strcmp(g0, el0);
    tap_ok(pass, "%s: el1=%s el0=%s", what, el1, el0);
    if (!pass)
        printf("#   got el1=%s el0=%s fault %s\n", g1, g0, fault_type_name(t.fault.type));
}

static void access(uint64_t va, AccessType a, bool priv, bool allowed, const char *what)
{
    LdResult t = ldx(&r, va, a, priv);
    bool pass = allowed ? t.fault.type == Fault_None
                        : t.fault.type == Fault_Permission && t.fault.level == t.level;
    tap_ok(pass, "%s: %s", what, allowed ? "permitted" : "permission fault");
    if (!pass)
        printf("#   got %s level %d\n", fault_type_name(t.fault.type), t.fault.level);
}

static void test_ap(void)
{
    setup(0, 0, 0);
    page(0, LA(.ap = 0));
    page(1, LA(.ap = 1));
    page(2, LA(.ap = 2));
    page(3, LA(.ap = 3));
    page(4, LA(.ap = 0, .uxn = 1, .pxn = 1));
    page(5, LA(.ap = 1, .uxn = 1));
    page(6, LA(.ap = 3, .pxn = 1));
    perms(0x0000, "rwx", "--x", "AP=00: EL0 execute-only (UXN=0)");
    perms(0x1000, "rw-", "rwx", "AP=01: EL0-writable so EL1 not executable (implicit PXN)");
    perms(0x2000, "r-x", "--x", "AP=10");
    perms(0x3000, "r-x", "r-x", "AP=11");
    perms(0x4000, "rw-", "---", "AP=00 UXN PXN");
    perms(0x5000, "rw-", "rw-", "AP=01 UXN");
    perms(0x6000, "r--", "r-x", "AP=11 PXN");

    access(0x0000, Access_Read, false, false, "EL0 read of AP=00");
    access(0x0000, Access_Fetch, false, true, "EL0 fetch of AP=00 UXN=0 (execute-only)");
    access(0x0000, Access_Write, true, true, "EL1 write of AP=00");
    access(0x2000, Access_Write, true, false, "EL1 write of AP=10");
    access(0x3000, Access_Write, false, false, "EL0 write of AP=11");
    access(0x3000, Access_Read, false, true, "EL0 read of AP=11");
    access(0x1000, Access_Fetch, true, false, "EL1 fetch of EL0-writable page");
    access(0x1000, Access_Write, false, true, "EL0 write of AP=01");
    access(0x6000, Access_Fetch, true, false, "EL1 fetch with PXN");
    access(0x6000, Access_Fetch, false, true, "EL0 fetch with PXN only");
    access(0x5000, Access_Fetch, false, false, "EL0 fetch with UXN");

    LdResult t = ldx(&r, 0x2000, Access_Write, true);
    tap_is(fault_esr_fsc(&t.fault), 0x0f, "ESR FSC permission level 3 = 0x0f");
    tap_is(t.fault.va, 0x2000, "fault.va");
    tap_ok(t.fault.access == Access_Write, "fault.access write");
}

static void test_wxn(void)
{
    setup(0, 0, 0);
    page(0, LA(.ap = 0));
    page(1, LA(.ap = 1));
    page(2, LA(.ap = 2));
    r.sctlr |= LD_SCTLR_WXN;
    perms(0x0000, "rw-", "--x", "WXN, AP=00: EL1 writable -> EL1 XN; EL0 not writable");
    perms(0x1000, "rw-", "rw-", "WXN, AP=01: EL0 writable -> EL0 XN");
    perms(0x2000, "r-x", "--x", "WXN, AP=10: read-only stays executable");
    access(0x0000, Access_Fetch, true, false, "WXN: EL1 fetch of writable page");
}

static void test_table_inheritance(void)
{
    /* APTable[1] (no write) on the L1 table descriptor: AP=01 behaves as 11 */
    setup(0, T_AP_RO, 0);
    page(1, LA(.ap = 1));
    page(0, LA(.ap = 0));
    perms(0x1000, "r-x", "r-x", "APTable=1x: AP=01 -> RO/RO (and EL1 executable again)");
    perms(0x0000, "r-x", "--x", "APTable=1x: AP=00 -> RO/--");
    access(0x1000, Access_Write, true, false, "APTable=1x: EL1 write faults");

    /* APTable[0] (no EL0) on the L2 table descriptor: AP=01 behaves as 00, AP=11 as 10 */
    setup(0, 0, T_AP_NOEL0);
    page(1, LA(.ap = 1));
    page(3, LA(.ap = 3));
    perms(0x1000, "rwx", "--x", "APTable=x1: AP=01 -> RW/--");
    perms(0x3000, "r-x", "--x", "APTable=x1: AP=11 -> RO/--");
    access(0x3000, Access_Read, false, false, "APTable=x1: EL0 read faults");

    /* both, on different levels */
    setup(T_AP_NOEL0, T_AP_RO, 0);
    page(1, LA(.ap = 1));
    perms(0x1000, "r-x", "--x", "APTable x1 at L0 and 1x at L1: AP=01 -> RO/--");

    /* UXNTable at L0, PXNTable at L2 */
    setup(T_UXN, 0, 0);
    page(3, LA(.ap = 3));
    perms(0x3000, "r-x", "r--", "UXNTable at L0: EL0 XN");
    setup(0, 0, T_PXN);
    page(3, LA(.ap = 3));
    perms(0x3000, "r--", "r-x", "PXNTable at L2: EL1 XN");
    LdResult t = ldr(&r, 0x3000);
    tap_ok(t.pxn && !t.xn, "pxn reported, xn not");

    /* NSTable */
    setup(0, T_NS, 0);
    page(3, LA(.ap = 3));
    t = ldr(&r, 0x3000);
    tap_ok(t.ns, "NSTable -> ns");
    setup(0, 0, 0);
    page(3, LA(.ap = 3, .ns = 1));
    t = ldr(&r, 0x3000);
    tap_ok(t.ns, "NS bit -> ns");
    page(4, LA(.ap = 3));
    t = ldr(&r, 0x4000);
    tap_ok(!t.ns, "no NS -> secure");
}

static void test_asid_ng_contig_attrs(void)
{
    setup(0, 0, 0);
    page(0, LA(.ng = 1, .idx = 4, .sh = 3));
    page(1, LA(.contig = 1, .idx = 7, .sh = 2));
    r.ttbr0 = UINT64_C(0xABCD000080000000);
    r.ttbr1 = UINT64_C(0x1234000090000000);
    LdResult t = ldr(&r, 0);
    tap_ok(t.ng, "nG set");
    tap_is(t.asid, 0xCD, "TCR.AS=0: 8-bit ASID from TTBR0[55:48] = 0xcd");
    r.tcr |= LD_TCR_AS;
    t = ldr(&r, 0);
    tap_is(t.asid, 0xABCD, "TCR.AS=1: 16-bit ASID 0xabcd");
    r.tcr |= LD_TCR_A1;
    t = ldr(&r, 0);
    tap_is(t.asid, 0x1234, "TCR.A1=1: ASID from TTBR1 = 0x1234 (the walk still uses TTBR0)");
    tap_ok(!t.ttbr1, "walk used TTBR0");
    r.tcr &= ~LD_TCR_AS;
    t = ldr(&r, 0);
    tap_is(t.asid, 0x34, "TCR.A1=1 AS=0: 0x34");
    tap_is(t.attrindx, 4, "AttrIndx 4");
    tap_is(t.mair_attr, 0x44, "MAIR byte 4 = 0x44");
    tap_is(t.sh, 3, "SH = 11 inner shareable");

    t = ldr(&r, 0x1000);
    tap_ok(t.contiguous, "contiguous hint reported");
    tap_is(t.size, 0x1000, "contiguous: size stays 4K");
    tap_ok(!t.ng, "global");
    tap_is(t.mair_attr, 0xf4, "MAIR byte 7 = 0xf4");
    tap_is(t.sh, 2, "SH = 10 outer shareable");
}

/* LPAE: T0SZ = T1SZ = 0 -> TTBR0 for all 4G, start level 1 (L1 VA[31:30], 4 entries),
 * L2 VA[29:21], L3 VA[20:12]. L1 0x80000000, L1[3] -> L2 0x80001000,
 * L2[1] -> L3 0x80002000. */
static void lpae_setup(void)
{
    ram_reset();
    r = regs_lpae();
    put64(0x80000018u, ld_table(0x80001000u, 0));
    put64(0x80001008u, ld_table(0x80002000u, 0));
}

static void lpae_page(unsigned n, LAttrs a)
{
    put64(0x80002000u + n * 8u, ld_page(0x80100000u + n * 0x1000u, a));
}

static void test_lpae_perms(void)
{
    lpae_setup();
    /* VA for L3[n] = 3<<30 | 1<<21 | n<<12 = 0xC0200000 + n*0x1000 */
    lpae_page(0, LA(.ap = 0));
    lpae_page(1, LA(.ap = 1));
    lpae_page(2, LA(.ap = 2));
    lpae_page(3, LA(.ap = 3));
    lpae_page(4, LA(.ap = 3, .uxn = 1));
    lpae_page(5, LA(.ap = 3, .pxn = 1));
    perms(0xC0200000u, "rwx", "---", "LPAE AP=00: no PL0 execute without PL0 read");
    perms(0xC0201000u, "rwx", "rwx", "LPAE AP=01: no implicit PXN in AArch32");
    perms(0xC0202000u, "r-x", "---", "LPAE AP=10");
    perms(0xC0203000u, "r-x", "r-x", "LPAE AP=11");
    perms(0xC0204000u, "r--", "r--", "LPAE XN: XN at PL1 and PL0");
    perms(0xC0205000u, "r--", "r-x", "LPAE PXN");
    access(0xC0200000u, Access_Fetch, false, false, "LPAE PL0 fetch of AP=00");
    r.sctlr |= LD_SCTLR_UWXN;
    perms(0xC0201000u, "rw-", "rwx", "LPAE UWXN: PL0-writable -> PL1 XN");
    r.sctlr |= LD_SCTLR_WXN;
    perms(0xC0201000u, "rw-", "rw-", "LPAE WXN+UWXN");
    r.sctlr &= ~(uint64_t)(LD_SCTLR_WXN | LD_SCTLR_UWXN);

    /* XNTable / PXNTable / APTable on the L2 table descriptor (L1[3]) */
    put64(0x80000018u, ld_table(0x80001000u, T_UXN));
    perms(0xC0203000u, "r--", "r--", "LPAE XNTable");
    put64(0x80000018u, ld_table(0x80001000u, T_PXN));
    perms(0xC0203000u, "r--", "r-x", "LPAE PXNTable");
    put64(0x80000018u, ld_table(0x80001000u, T_AP_RO | T_AP_NOEL0));
    perms(0xC0201000u, "r-x", "---", "LPAE APTable 11: AP=01 -> RO/--");

    /* write at PL1 to AP=10: DFSR permission level 3 write = LPAE | WnR | 0b001111 */
    LdResult t = ldx(&r, 0xC0202000u, Access_Write, true);
    tap_ok(t.fault.type == Fault_Permission && t.fault.level == 3, "LPAE permission fault level 3");
    tap_is(fault_v7_long_dfsr(&t.fault), 0xa0f, "LPAE DFSR permission level 3 write = 0xa0f");

    /* ASID from TTBR0[55:48] (8 bits; TCR.AS does not exist) */
    r.ttbr0 = UINT64_C(0x00AB000080000000);
    r.ttbr1 = UINT64_C(0x00CD000090000000);
    t = ldr(&r, 0xC0203000u);
    tap_is(t.asid, 0xAB, "LPAE ASID 0xab from TTBR0");
    r.tcr |= LD_TCR_A1;
    t = ldr(&r, 0xC0203000u);
    tap_is(t.asid, 0xCD, "LPAE TTBCR.A1: ASID 0xcd from TTBR1");
}

int main(void)
{
    test_ap();
    test_wxn();
    test_table_inheritance();
    test_asid_ng_contig_attrs();
    test_lpae_perms();
    return tap_done();
}
