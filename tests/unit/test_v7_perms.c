/* Access control: AP decode (AFE=0 and AFE=1), Access flag, domains, XN/PXN/WXN/UWXN,
 * fault priority and the resulting DFSR/IFSR values. Expected values from the ARM ARM
 * (DDI 0406C) B3.7 and the fault-checking sequence of B3.12. */
#include "tap.h"
#include "v7_tables.h"

static const char *acc_name(AccessType a)
{
    return a == Access_Read ? "read" : a == Access_Write ? "write" : "fetch";
}

/* Translate one access and compare: want_ok, or the fault type and level. */
static void expect(const V7ShortRegs *r, uint32_t va, AccessType a, bool priv, FaultType want, int level,
                   const char *what)
{
    TranslationResult t;
    bool ok = v7_short_translate(r, &pm, va, a, priv, &t);
    bool pass = want == Fault_None ? ok && t.fault.type == Fault_None
                                   : !ok && t.fault.type == want && t.fault.level == level;
    tap_ok(pass, "%s: %s %s -> %s%s", what, priv ? "PL1" : "PL0", acc_name(a),
           want == Fault_None ? "ok" : fault_type_name(want), want == Fault_None ? "" : (level == 1 ? " L1" : " L2"));
    if (!pass)
        printf("#   got %s level %d (ok=%d)\n", fault_type_name(t.fault.type), t.fault.level, ok);
}

/* Table B3-8, SCTLR.AFE = 0 (PL1 / PL0):
 *   000 none/none  001 RW/none  010 RW/RO  011 RW/RW
 *   100 reserved (this walker: none/none)  101 RO/none  110 RO/RO  111 RO/RO
 * columns: PL1 read, PL1 write, PL0 read, PL0 write */
static const bool full_model[8][4] = {
    {0, 0, 0, 0}, {1, 1, 0, 0}, {1, 1, 1, 0}, {1, 1, 1, 1},
    {0, 0, 0, 0}, {1, 0, 0, 0}, {1, 0, 1, 0}, {1, 0, 1, 0},
};

static void test_ap_full(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    for (uint32_t ap = 0; ap < 8; ap++) {
        uint32_t va = 0x10000000u + (ap << 20);
        map_l1(va, l1_section(0x80000000u, A(.ap = ap)));
        char what[40];
        snprintf(what, sizeof what, "AFE=0 AP=%u%u%u section", ap >> 2 & 1, ap >> 1 & 1, ap & 1);
        for (int k = 0; k < 4; k++) {
            bool priv = k < 2;
            AccessType a = (k & 1) ? Access_Write : Access_Read;
            expect(&r, va, a, priv, full_model[ap][k] ? Fault_None : Fault_Permission, 1, what);
        }
    }
    /* the same decode for a small page: permission faults are level 2 */
    map_l1(0x00200000u, l1_pagetable(0x80004000u, 0, 0));
    map_l2(0x80004000u, 0x00201000u, l2_small(0x85000000u, A(.ap = 5))); /* 101: RO/none */
    expect(&r, 0x00201000u, Access_Read, true, Fault_None, 0, "AFE=0 AP=101 page");
    expect(&r, 0x00201000u, Access_Write, true, Fault_Permission, 2, "AFE=0 AP=101 page");
    expect(&r, 0x00201000u, Access_Read, false, Fault_Permission, 2, "AFE=0 AP=101 page");
}

/* Table B3-9, SCTLR.AFE = 1: AP[0] is the Access flag, AP[2:1] selects
 *   00 RW/none  01 RW/RW  10 RO/none  11 RO/RO
 * AP[0] = 0 -> Access flag fault (section FS 0b00011 / page 0b00110). */
static const bool simplified_model[4][4] = {
    {1, 1, 0, 0}, {1, 1, 1, 1}, {1, 0, 0, 0}, {1, 0, 1, 0},
};

static void test_ap_simplified(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    r.sctlr |= SCTLR_AFE;
    for (uint32_t ap21 = 0; ap21 < 4; ap21++) {
        uint32_t va = 0x10000000u + (ap21 << 20);
        map_l1(va, l1_section(0x80000000u, A(.ap = ap21 << 1 | 1u)));          /* AF = 1 */
        map_l1(va + 0x01000000u, l1_section(0x80000000u, A(.ap = ap21 << 1))); /* AF = 0 */
        char what[48];
        snprintf(what, sizeof what, "AFE=1 AP[2:1]=%u%u AF=1 section", ap21 >> 1, ap21 & 1);
        for (int k = 0; k < 4; k++) {
            bool priv = k < 2;
            AccessType a = (k & 1) ? Access_Write : Access_Read;
            expect(&r, va, a, priv, simplified_model[ap21][k] ? Fault_None : Fault_Permission, 1, what);
        }
        snprintf(what, sizeof what, "AFE=1 AP[2:1]=%u%u AF=0 section", ap21 >> 1, ap21 & 1);
        expect(&r, va + 0x01000000u, Access_Read, true, Fault_AccessFlag, 1, what);
    }
    /* Access flag fault on a small page, domain 6: DFSR = 0b00110 | 6<<4 = 0x066 */
    map_l1(0x00200000u, l1_pagetable(0x80004000u, 6, 0));
    map_l2(0x80004000u, 0x00203000u, l2_small(0x85000000u, A(.ap = 2))); /* AP[2:1]=01, AF=0 */
    TranslationResult t = xlate(&r, 0x00203000u, Access_Read, false);
    tap_ok(t.fault.type == Fault_AccessFlag && t.fault.level == 2, "AFE=1 small page AF=0: access flag level 2");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x066, "access flag page, dom 6: DFSR 0x066");
    /* AFE=0: the same descriptor's AP=010 is RW/RO, no access flag */
    r.sctlr &= ~SCTLR_AFE;
    expect(&r, 0x00203000u, Access_Read, false, Fault_None, 0, "AFE=0 AP=010 page (no access flag)");
}

/* B3.7.3: DACR D<n> = 00 No access (Domain fault), 01 Client (AP checked),
 * 10 Reserved (treated as No access here), 11 Manager (no AP/XN checks).
 * DACR = D3=11, D2=10, D1=00, D0=01, others 00 -> 0b11100001 = 0xe1. */
static void test_domains(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    r.dacr = 0xe1u;
    map_l1(0x10000000u, l1_section(0x80000000u, A(.ap = 3, .dom = 1)));
    map_l1(0x10100000u, l1_section(0x80000000u, A(.ap = 3, .dom = 2)));
    map_l1(0x10200000u, l1_section(0x80000000u, A(.ap = 0, .dom = 3, .xn = 1)));
    map_l1(0x10300000u, l1_section(0x80000000u, A(.ap = 0, .dom = 0)));
    map_l1(0x00200000u, l1_pagetable(0x80004000u, 1, 0));
    map_l2(0x80004000u, 0x00200000u, l2_small(0x85000000u, A(.ap = 3)));
    map_l1(0x00300000u, l1_pagetable(0x80004400u, 3, 0));
    map_l2(0x80004400u, 0x00300000u, l2_small(0x85000000u, A(.ap = 5, .xn = 1)));

    TranslationResult t = xlate(&r, 0x10000000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_Domain && t.fault.level == 1, "domain 1 No access: domain fault section");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x019, "domain fault section, dom 1: DFSR 0b01001 | 0x10 = 0x019");
    t = xlate(&r, 0x10100000u, Access_Write, true);
    tap_ok(t.fault.type == Fault_Domain && t.fault.level == 1, "domain 2 Reserved: treated as No access");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x829, "domain fault section, dom 2, write: DFSR 0x829");
    expect(&r, 0x10200000u, Access_Write, false, Fault_None, 0, "Manager domain, AP=000");
    expect(&r, 0x10200000u, Access_Fetch, false, Fault_None, 0, "Manager domain, AP=000 XN=1 (XN not checked)");
    expect(&r, 0x10300000u, Access_Read, true, Fault_Permission, 1, "Client domain 0, AP=000");
    t = xlate(&r, 0x00200000u, Access_Read, true);
    tap_ok(t.fault.type == Fault_Domain && t.fault.level == 2, "page in domain 1: domain fault page");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x01b, "domain fault page, dom 1: DFSR 0b01011 | 0x10 = 0x01b");
    expect(&r, 0x00300000u, Access_Write, false, Fault_None, 0, "Manager domain page, AP=101");
    expect(&r, 0x00300000u, Access_Fetch, false, Fault_None, 0, "Manager domain page, XN=1");
}

/* Priority (B3.12 fault-checking sequence; TranslationTableWalkSD() checks the
 * Access flag before TranslateAddressS1() calls CheckDomain() and CheckPermission()):
 * external abort/translation > access flag > domain > permission. */
static void test_priority(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    r.dacr = 0xc0u | 0x1u; /* D3 Manager, D0 Client, D1/D2 No access */
    r.sctlr |= SCTLR_AFE;
    map_l1(0x10000000u, l1_section(0x80000000u, A(.ap = 0, .dom = 1)));     /* AF=0, no-access domain */
    map_l1(0x10100000u, l1_section(0x80000000u, A(.ap = 0, .dom = 3)));     /* AF=0, manager domain */
    map_l1(0x00200000u, l1_pagetable(0x80004000u, 2, 0));                   /* no-access domain, empty L2 */
    map_l1(0x00300000u, l1_pagetable(0x20000000u, 2, 0));                   /* no-access domain, L2 outside RAM */
    expect(&r, 0x10000000u, Access_Read, true, Fault_AccessFlag, 1, "AF=0 in a No-access domain (access flag first)");
    expect(&r, 0x10100000u, Access_Read, true, Fault_AccessFlag, 1, "AF=0 in a Manager domain");
    expect(&r, 0x00200000u, Access_Read, true, Fault_Translation, 2, "L2 fault under a No-access domain");
    expect(&r, 0x00300000u, Access_Read, true, Fault_SyncExternalOnWalk, 2, "L2 outside RAM under a No-access domain");
    r.sctlr &= ~SCTLR_AFE;
    map_l1(0x10200000u, l1_section(0x80000000u, A(.ap = 0, .dom = 1)));
    expect(&r, 0x10200000u, Access_Write, false, Fault_Domain, 1, "AP=000 in a No-access domain (domain first)");
}

static void test_execute_never(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    map_l1(0x10000000u, l1_section(0x80000000u, A(.ap = 3, .xn = 1)));
    map_l1(0x10100000u, l1_section(0x80000000u, A(.ap = 3, .pxn = 1)));
    map_l1(0x10200000u, l1_section(0x80000000u, A(.ap = 1)));
    map_l1(0x00200000u, l1_pagetable(0x80004000u, 5, 0));
    map_l2(0x80004000u, 0x00200000u, l2_small(0x85000000u, A(.ap = 3, .xn = 1)));
    for (uint32_t i = 0; i < 16; i++) /* large page XN at bit 15, VA 0x00210000.. */
        map_l2(0x80004000u, 0x00210000u + (i << 12), l2_large(0x86000000u, A(.ap = 3, .xn = 1)));
    map_l2(0x80004000u, 0x00220000u, l2_small(0x85000000u, A(.ap = 7)));
    map_l1(0x00300000u, l1_pagetable(0x80004400u, 0, 1)); /* PXN in the page table descriptor */
    map_l2(0x80004400u, 0x00300000u, l2_small(0x85000000u, A(.ap = 3)));

    expect(&r, 0x10000000u, Access_Read, true, Fault_None, 0, "XN section");
    expect(&r, 0x10000000u, Access_Fetch, true, Fault_Permission, 1, "XN section");
    TranslationResult t = xlate(&r, 0x10000000u, Access_Fetch, false);
    tap_is(fault_v7_short_ifsr(&t.fault), 0x00d, "XN section fetch: IFSR 0x00d (permission, section)");
    t = xlate(&r, 0x00200000u, Access_Fetch, true);
    tap_ok(t.fault.type == Fault_Permission && t.fault.level == 2, "XN small page (bit 0): fetch -> permission level 2");
    tap_is(fault_v7_short_ifsr(&t.fault), 0x00f, "XN small page fetch: IFSR 0x00f (permission, page)");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x05f, "same record as DFSR: 0b01111 | dom 5 << 4 = 0x05f");
    expect(&r, 0x0021f000u, Access_Fetch, false, Fault_Permission, 2, "XN large page (bit 15)");
    expect(&r, 0x0021f000u, Access_Read, false, Fault_None, 0, "XN large page");
    t = xlate(&r, 0x00220000u, Access_Write, true);
    tap_ok(t.fault.type == Fault_Permission && t.fault.level == 2, "write to RO page: permission level 2");
    tap_is(fault_v7_short_dfsr(&t.fault), 0x85f, "write permission fault page, dom 5: DFSR 0x85f");
    expect(&r, 0x00220000u, Access_Fetch, false, Fault_None, 0, "RO/RO page, XN=0");

    /* PXN (has_pxn): XN at PL1 only */
    expect(&r, 0x10100000u, Access_Fetch, true, Fault_Permission, 1, "PXN section");
    expect(&r, 0x10100000u, Access_Fetch, false, Fault_None, 0, "PXN section");
    expect(&r, 0x10100000u, Access_Read, true, Fault_None, 0, "PXN section");
    expect(&r, 0x00300000u, Access_Fetch, true, Fault_Permission, 2, "PXN from page table descriptor");
    expect(&r, 0x00300000u, Access_Fetch, false, Fault_None, 0, "PXN from page table descriptor");
    r.has_pxn = false; /* bit 2 of a page table descriptor is SBZ without PXN: ignored */
    t = xlate(&r, 0x00300000u, Access_Fetch, true);
    tap_ok(t.fault.type == Fault_None && !t.pxn, "no PXN support: page table bit 2 ignored, PL1 fetch ok");
    r.has_pxn = true;

    /* a fetch needs read permission: AP=001 is RW/none */
    expect(&r, 0x10200000u, Access_Fetch, false, Fault_Permission, 1, "AP=001 (no PL0 read)");
    expect(&r, 0x10200000u, Access_Fetch, true, Fault_None, 0, "AP=001");
}

/* SCTLR.WXN: regions writable at the accessing PL are XN; SCTLR.UWXN: regions
 * writable at PL0 are XN for PL1 (B3.7.2, SCTLR B4.1.130). */
static void test_wxn(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    map_l1(0x10000000u, l1_section(0x80000000u, A(.ap = 3))); /* RW/RW */
    map_l1(0x10100000u, l1_section(0x80000000u, A(.ap = 2))); /* RW/RO */
    map_l1(0x10200000u, l1_section(0x80000000u, A(.ap = 7))); /* RO/RO */
    map_l1(0x10300000u, l1_section(0x80000000u, A(.ap = 1))); /* RW/none */
    expect(&r, 0x10000000u, Access_Fetch, true, Fault_None, 0, "no WXN, RW/RW");
    r.sctlr |= SCTLR_WXN;
    expect(&r, 0x10000000u, Access_Fetch, true, Fault_Permission, 1, "WXN, RW/RW");
    expect(&r, 0x10000000u, Access_Fetch, false, Fault_Permission, 1, "WXN, RW/RW");
    expect(&r, 0x10100000u, Access_Fetch, true, Fault_Permission, 1, "WXN, RW/RO");
    expect(&r, 0x10100000u, Access_Fetch, false, Fault_None, 0, "WXN, RW/RO (PL0 cannot write)");
    expect(&r, 0x10200000u, Access_Fetch, true, Fault_None, 0, "WXN, RO/RO");
    expect(&r, 0x10200000u, Access_Fetch, false, Fault_None, 0, "WXN, RO/RO");
    expect(&r, 0x10000000u, Access_Read, true, Fault_None, 0, "WXN, RW/RW data access unaffected");
    r.sctlr = SCTLR_M | SCTLR_UWXN;
    expect(&r, 0x10000000u, Access_Fetch, true, Fault_Permission, 1, "UWXN, RW/RW");
    expect(&r, 0x10000000u, Access_Fetch, false, Fault_None, 0, "UWXN, RW/RW");
    expect(&r, 0x10300000u, Access_Fetch, true, Fault_None, 0, "UWXN, RW/none (PL0 cannot write)");
    expect(&r, 0x10100000u, Access_Fetch, true, Fault_None, 0, "UWXN, RW/RO (PL0 cannot write)");
}

int main(void)
{
    test_ap_full();
    test_ap_simplified();
    test_domains();
    test_priority();
    test_execute_never();
    test_wxn();
    return tap_done();
}
