/* ARMv7-A short-descriptor TranslationTableWalk, stage 1, PL1&0 regime.
 *
 * References are to the ARM Architecture Reference Manual, ARMv7-A and ARMv7-R
 * edition (DDI 0406C), chapter B3 "Virtual Memory System Architecture":
 *   B3.5   Short-descriptor translation table format (B3.5.1 descriptor formats,
 *          B3.5.4 selecting between TTBR0 and TTBR1)
 *   B3.7   Memory access control (B3.7.1 access permissions, Tables B3-8/B3-9;
 *          B3.7.2 execute-never restrictions; B3.7.3 domains)
 *   B3.8   Memory region attributes (Table B3-10 TEX/C/B with TRE=0, Table B3-11
 *          cache policy encoding, B3.8.3 TEX remap with PRRR/NMRR)
 *   B3.12  VMSA memory aborts (fault-checking sequence); the TranslationTableWalkSD(),
 *          CheckDomain() and CheckPermission() pseudocode.
 *
 * Behaviour that the architecture leaves open, and what this walker does:
 *   - L1 bits[1:0] = 0b11 without PXN support: B3.5.1 gives this encoding as a
 *     Section/Supersection with PXN = 1 only "if the implementation supports the PXN
 *     attribute"; otherwise it is Reserved (as it was in VMSAv6 and the pre-LPAE
 *     edition). A reserved descriptor type translates nothing, so we report a
 *     level-1 Translation fault, as QEMU (hence Unicorn, the engine this walker is
 *     compared against) does. With has_pxn it is a Section/Supersection, PXN = 1.
 *   - DACR 0b10 is Reserved (UNPREDICTABLE in CheckDomain()): treated as No access.
 *   - AP[2:0] = 0b100 with SCTLR.AFE = 0 is Reserved: treated as no access at any PL.
 *   - Reserved TEX/C/B encodings (TRE=0), the IMPLEMENTATION DEFINED TEX=001 C=1 B=0,
 *     and PRRR.TRn = 0b11: treated as Strongly-ordered (the most restrictive type).
 *   - Domain of a level-1 Translation fault on a fault/reserved descriptor, of a
 *     PD0/PD1 fault and of an external abort on the level-1 read: the FSR Domain field
 *     is UNKNOWN there (Table B3-23); we report 0. Supersections have domain 0.
 *   - SCTLR.WXN uses "writable at the PL of the access" (so PL0 fetches are XN when
 *     PL0 may write, PL1 fetches when PL1 may write), as in the AArch32
 *     CheckPermission() pseudocode; SCTLR.UWXN makes PL0-writable regions XN at PL1.
 *   - TTBCR.EAE (Long-descriptor format) is not handled here: the caller selects
 *     this walker only for the short-descriptor format.
 */
#include "v7_short.h"

#include <stdio.h>
#include <string.h>

/* TTBCR (B4.1.153), short-descriptor format */
#define TTBCR_N_MASK 0x7u
#define TTBCR_PD0 (1u << 4)
#define TTBCR_PD1 (1u << 5)

/* PRRR shareability bits (B4.1.127) */
#define PRRR_DS0 (1u << 16)
#define PRRR_DS1 (1u << 17)
#define PRRR_NS0 (1u << 18)
#define PRRR_NS1 (1u << 19)

#define SIZE_4K 0x1000u
#define SIZE_64K 0x10000u
#define SIZE_1M 0x100000u
#define SIZE_16M 0x1000000u

static uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((2u << (hi - lo)) - 1u);
}

static bool bit(uint32_t v, unsigned n)
{
    return (v >> n) & 1u;
}

/* ---------------------------------------------------------------------------
 * FaultRecord helpers
 * ------------------------------------------------------------------------- */

static bool RaiseFault(TranslationResult *out, FaultType type, int level, uint8_t domain)
{
    out->fault.type = type;
    out->fault.level = level;
    out->fault.domain = domain;
    out->level = level;
    return false;
}

/* ---------------------------------------------------------------------------
 * Translation table base (B3.5.4): TTBR0 when N == 0 or VA[31:32-N] == 0.
 *   TTBR0: descriptor address = TTBR0[31:14-N] : VA[31-N:20] : 00
 *   TTBR1: descriptor address = TTBR1[31:14]   : VA[31:20]   : 00
 * ------------------------------------------------------------------------- */

typedef struct TTBSelection {
    uint32_t l1_pa;
    bool ttbr1;
    bool walk_disabled; /* TTBCR.PD0 / PD1 */
} TTBSelection;

static TTBSelection SelectTTBR(const V7ShortRegs *regs, uint32_t va)
{
    unsigned n = regs->ttbcr & TTBCR_N_MASK;
    TTBSelection s;
    if (n == 0 || (va >> (32 - n)) == 0) {
        uint32_t base = regs->ttbr0 & ~((1u << (14 - n)) - 1u);
        uint32_t index = (va << n) >> (20 + n); /* VA[31-N:20] */
        s.l1_pa = base | index << 2;
        s.ttbr1 = false;
        s.walk_disabled = regs->ttbcr & TTBCR_PD0;
    } else {
        s.l1_pa = (regs->ttbr1 & 0xffffc000u) | (va >> 20) << 2;
        s.ttbr1 = true;
        s.walk_disabled = regs->ttbcr & TTBCR_PD1;
    }
    return s;
}

/* One descriptor read; an unbacked address is a synchronous external abort on
 * the translation table walk at that level. */
static bool FetchDescriptor(const PhysMem *mem, uint64_t pa, int level, uint8_t domain,
                            TranslationResult *out, uint32_t *desc)
{
    if (!physmem_read32(mem, pa, desc)) {
        out->fault.walk_pa = pa;
        return RaiseFault(out, Fault_SyncExternalOnWalk, level, domain);
    }
    if (out->ndesc < 2) {
        out->desc_pa[out->ndesc] = pa;
        out->desc[out->ndesc] = *desc;
        out->ndesc++;
    }
    return true;
}

/* ---------------------------------------------------------------------------
 * Memory region attributes (B3.8)
 * ------------------------------------------------------------------------- */

static void SetNormal(TranslationResult *out, Cacheability inner, Cacheability outer, bool s)
{
    out->memtype = Mem_Normal;
    out->inner = inner;
    out->outer = outer;
    out->shareable = s;
}

static void SetNonNormal(TranslationResult *out, MemType t, bool shareable)
{
    out->memtype = t;
    out->inner = Cache_NonCacheable;
    out->outer = Cache_NonCacheable;
    out->shareable = shareable;
}

/* Table B3-10, SCTLR.TRE == 0. Strongly-ordered and Shareable Device are always
 * shareable, Non-shareable Device never; Normal memory takes the S bit. */
static void DefaultTEXDecode(uint32_t tex, uint32_t cb, bool s, TranslationResult *out)
{
    if (tex & 4u) { /* TEX = 1BB, C:B = AA: outer policy BB, inner policy AA (Table B3-11) */
        SetNormal(out, (Cacheability)cb, (Cacheability)(tex & 3u), s);
        return;
    }
    switch (tex << 2 | cb) {
    case 0x0: SetNonNormal(out, Mem_StronglyOrdered, true); return;  /* 000 0 0 */
    case 0x1: SetNonNormal(out, Mem_Device, true); return;           /* 000 0 1 */
    case 0x2: SetNormal(out, Cache_WriteThrough, Cache_WriteThrough, s); return;   /* 000 1 0 */
    case 0x3: SetNormal(out, Cache_WriteBackNoWA, Cache_WriteBackNoWA, s); return; /* 000 1 1 */
    case 0x4: SetNormal(out, Cache_NonCacheable, Cache_NonCacheable, s); return;   /* 001 0 0 */
    case 0x7: SetNormal(out, Cache_WriteBackWA, Cache_WriteBackWA, s); return;     /* 001 1 1 */
    case 0x8: SetNonNormal(out, Mem_Device, false); return;          /* 010 0 0 */
    default: /* 001 0 1, 010 x1, 010 1x, 011 xx reserved; 001 1 0 IMPLEMENTATION DEFINED */
        SetNonNormal(out, Mem_StronglyOrdered, true);
        return;
    }
}

/* B3.8.3, SCTLR.TRE == 1: n = TEX[0]:C:B selects PRRR.TRn (type), NMRR.IRn/ORn
 * (inner/outer policy, Normal only), and PRRR.NS0/NS1 (Normal) or DS0/DS1 (Device)
 * according to the S bit. */
static void RemappedTEXDecode(const V7ShortRegs *regs, uint32_t tex, uint32_t cb, bool s,
                              TranslationResult *out)
{
    unsigned n = (tex & 1u) << 2 | cb;
    switch (bits(regs->prrr, 2 * n + 1, 2 * n)) {
    case 1:
        SetNonNormal(out, Mem_Device, (regs->prrr & (s ? PRRR_DS1 : PRRR_DS0)) != 0);
        return;
    case 2:
        SetNormal(out, (Cacheability)bits(regs->nmrr, 2 * n + 1, 2 * n),
                  (Cacheability)bits(regs->nmrr, 2 * n + 17, 2 * n + 16),
                  (regs->prrr & (s ? PRRR_NS1 : PRRR_NS0)) != 0);
        return;
    default: /* 0b00 Strongly-ordered; 0b11 reserved, treated as Strongly-ordered */
        SetNonNormal(out, Mem_StronglyOrdered, true);
        return;
    }
}

static void MemoryAttributes(const V7ShortRegs *regs, uint32_t tex, uint32_t c, uint32_t b,
                             bool s, TranslationResult *out)
{
    uint32_t cb = c << 1 | b;
    if (regs->sctlr & SCTLR_TRE)
        RemappedTEXDecode(regs, tex, cb, s, out);
    else
        DefaultTEXDecode(tex, cb, s, out);
}

/* ---------------------------------------------------------------------------
 * Descriptor decode (B3.5.1, Figures B3-4/B3-5)
 * ------------------------------------------------------------------------- */

/* Section/supersection: B[2] C[3] XN[4] Domain[8:5] AP[11:10] TEX[14:12] AP[2]=[15]
 * S[16] nG[17] supersection[18] NS[19]; PXN = bit[0] when implemented. */
static void DecodeSection(const V7ShortRegs *regs, uint32_t d, uint32_t va, TranslationResult *out)
{
    out->level = 1;
    out->ap = (uint8_t)(bit(d, 15) << 2 | bits(d, 11, 10));
    out->xn = bit(d, 4);
    out->pxn = regs->has_pxn && bit(d, 0);
    out->ng = bit(d, 17);
    if (bit(d, 18)) { /* Supersection: PA[39:36] = d[8:5], PA[35:32] = d[23:20], domain 0 */
        out->kind = "supersection";
        out->size = SIZE_16M;
        out->domain = 0;
        out->pa = (uint64_t)bits(d, 8, 5) << 36 | (uint64_t)bits(d, 23, 20) << 32 |
                  (d & 0xff000000u) | (va & 0x00ffffffu);
    } else {
        out->kind = "section";
        out->size = SIZE_1M;
        out->domain = (uint8_t)bits(d, 8, 5);
        out->pa = (d & 0xfff00000u) | (va & 0x000fffffu);
    }
    MemoryAttributes(regs, bits(d, 14, 12), bit(d, 3), bit(d, 2), bit(d, 16), out);
}

/* Large page: B[2] C[3] AP[5:4] AP[2]=[9] S[10] nG[11] TEX[14:12] XN[15] base[31:16].
 * Small page: XN[0] B[2] C[3] AP[5:4] TEX[8:6] AP[2]=[9] S[10] nG[11] base[31:12].
 * PXN comes from the page table (level 1) descriptor and is already set. */
static void DecodePage(const V7ShortRegs *regs, uint32_t d, uint32_t va, TranslationResult *out)
{
    uint32_t tex;
    out->level = 2;
    out->ap = (uint8_t)(bit(d, 9) << 2 | bits(d, 5, 4));
    out->ng = bit(d, 11);
    if ((d & 3u) == 1u) {
        out->kind = "large-page";
        out->size = SIZE_64K;
        out->xn = bit(d, 15);
        tex = bits(d, 14, 12);
        out->pa = (d & 0xffff0000u) | (va & 0x0000ffffu);
    } else {
        out->kind = "page";
        out->size = SIZE_4K;
        out->xn = bit(d, 0);
        tex = bits(d, 8, 6);
        out->pa = (d & 0xfffff000u) | (va & 0x00000fffu);
    }
    MemoryAttributes(regs, tex, bit(d, 3), bit(d, 2), bit(d, 10), out);
}

/* Level 2: the page table descriptor gives Domain[8:5], PXN[2] and the table
 * base [31:10]; the descriptor address is base : VA[19:12] : 00. */
static bool WalkLevel2(const V7ShortRegs *regs, const PhysMem *mem, uint32_t l1, uint32_t va,
                       TranslationResult *out)
{
    uint32_t l2;
    out->domain = (uint8_t)bits(l1, 8, 5);
    out->pxn = regs->has_pxn && bit(l1, 2);
    uint32_t l2_pa = (l1 & 0xfffffc00u) | bits(va, 19, 12) << 2;
    if (!FetchDescriptor(mem, l2_pa, 2, out->domain, out, &l2))
        return false;
    if ((l2 & 3u) == 0)
        return RaiseFault(out, Fault_Translation, 2, out->domain);
    DecodePage(regs, l2, va, out);
    return true;
}

/* The walk proper: descriptor fetch and decode. Generates only translation
 * faults and external aborts on the walk; access flag, domain and permission
 * checks follow in v7_short_translate(). */
static bool TranslationTableWalkSD(const V7ShortRegs *regs, const PhysMem *mem, uint32_t va,
                                   TranslationResult *out)
{
    uint32_t l1;
    TTBSelection ttb = SelectTTBR(regs, va);
    out->ttbr1 = ttb.ttbr1;
    if (ttb.walk_disabled)
        return RaiseFault(out, Fault_Translation, 1, 0);
    if (!FetchDescriptor(mem, ttb.l1_pa, 1, 0, out, &l1))
        return false;
    switch (l1 & 3u) {
    case 0: /* Invalid */
        return RaiseFault(out, Fault_Translation, 1, 0);
    case 1: /* Page table */
        return WalkLevel2(regs, mem, l1, va, out);
    case 3: /* Section/Supersection with PXN, or Reserved without PXN support */
        if (!regs->has_pxn)
            return RaiseFault(out, Fault_Translation, 1, 0);
        /* fall through */
    default:
        DecodeSection(regs, l1, va, out);
        return true;
    }
}

/* ---------------------------------------------------------------------------
 * Access control (B3.7)
 * ------------------------------------------------------------------------- */

typedef enum Perm { Perm_None, Perm_RO, Perm_RW } Perm;

/* Table B3-8 (AFE = 0), AP[2:0] -> PL1 / PL0:
 *   000 --/--  001 RW/--  010 RW/RO  011 RW/RW
 *   100 reserved (--/--)  101 RO/--  110 RO/RO  111 RO/RO
 * Table B3-9 (AFE = 1), AP[2:1] -> PL1 / PL0:
 *   00 RW/--  01 RW/RW  10 RO/--  11 RO/RO */
static void AccessPermissions(uint8_t ap, bool afe, Perm *pl1, Perm *pl0)
{
    static const Perm full[8][2] = {
        {Perm_None, Perm_None}, {Perm_RW, Perm_None}, {Perm_RW, Perm_RO}, {Perm_RW, Perm_RW},
        {Perm_None, Perm_None}, {Perm_RO, Perm_None}, {Perm_RO, Perm_RO}, {Perm_RO, Perm_RO},
    };
    static const Perm simplified[4][2] = {
        {Perm_RW, Perm_None}, {Perm_RW, Perm_RW}, {Perm_RO, Perm_None}, {Perm_RO, Perm_RO},
    };
    const Perm *p = afe ? simplified[(ap >> 1) & 3u] : full[ap & 7u];
    *pl1 = p[0];
    *pl0 = p[1];
}

typedef enum DomainAccess { Domain_NoAccess, Domain_Client, Domain_Manager } DomainAccess;

/* B3.7.3: DACR field D<n> = DACR[2n+1:2n]: 00 No access, 01 Client, 10 Reserved
 * (treated as No access), 11 Manager. */
static DomainAccess CheckDomain(uint32_t dacr, uint8_t domain)
{
    switch (bits(dacr, 2u * domain + 1u, 2u * domain)) {
    case 1: return Domain_Client;
    case 3: return Domain_Manager;
    default: return Domain_NoAccess;
    }
}

/* B3.7.2: a fetch needs read permission at the current PL and no XN; PXN (when
 * implemented) applies at PL1; SCTLR.WXN forces XN on regions writable at the
 * accessing PL, SCTLR.UWXN forces XN at PL1 on regions writable at PL0. */
static bool ExecuteNever(const V7ShortRegs *regs, const TranslationResult *r, bool privileged,
                         Perm pl1, Perm pl0)
{
    bool wxn = regs->sctlr & SCTLR_WXN, uwxn = regs->sctlr & SCTLR_UWXN;
    if (r->xn)
        return true;
    if (!privileged)
        return wxn && pl0 == Perm_RW;
    return r->pxn || (wxn && pl1 == Perm_RW) || (uwxn && pl0 == Perm_RW);
}

static bool CheckPermission(const V7ShortRegs *regs, const TranslationResult *r, AccessType access,
                            bool privileged)
{
    Perm pl1, pl0;
    AccessPermissions(r->ap, r->afe, &pl1, &pl0);
    Perm p = privileged ? pl1 : pl0;
    switch (access) {
    case Access_Write: return p == Perm_RW;
    case Access_Fetch: return p != Perm_None && !ExecuteNever(regs, r, privileged, pl1, pl0);
    case Access_Read: break;
    }
    return p != Perm_None;
}

/* ---------------------------------------------------------------------------
 * Public entry points
 * ------------------------------------------------------------------------- */

static void InitResult(const V7ShortRegs *regs, uint32_t va, AccessType access, TranslationResult *out)
{
    memset(out, 0, sizeof *out);
    out->va = va;
    out->kind = "fault";
    out->afe = (regs->sctlr & SCTLR_AFE) != 0;
    out->fault.type = Fault_None;
    out->fault.va = va;
    out->fault.access = access;
}

/* SCTLR.M == 0 (B3.2.1): flat mapping; data accesses are Strongly-ordered. */
static bool FlatResult(TranslationResult *out)
{
    out->pa = out->va;
    out->kind = "flat";
    out->size = 0;
    out->level = 0;
    out->ap = 3;
    SetNonNormal(out, Mem_StronglyOrdered, true);
    return true;
}

/* Fault priority, B3.12 (fault-checking sequence, short-descriptor format) and the
 * TranslationTableWalkSD()/TranslateAddressS1() pseudocode: external abort on the walk
 * and Translation faults (in walk order, level 1 before level 2), then the Access
 * flag fault (checked inside the walk), then the Domain fault (CheckDomain()), then
 * the Permission fault (CheckPermission(), Client domains only; a Manager domain
 * skips every permission and execute-never check, B3.7.2/B3.7.3).
 * Note: QEMU/Unicorn checks the domain right after the level-1 read, so for a page
 * table in a No-access domain it reports a page Domain fault even when the level-2
 * descriptor is invalid or unreadable; the architecture (and this walker) gives the
 * level-2 Translation fault / external abort. */
bool v7_short_translate(const V7ShortRegs *regs, const PhysMem *mem, uint32_t va,
                        AccessType access, bool privileged, TranslationResult *out)
{
    InitResult(regs, va, access, out);
    if (!(regs->sctlr & SCTLR_M))
        return FlatResult(out);
    if (!TranslationTableWalkSD(regs, mem, va, out))
        return false;
    if (out->afe && !(out->ap & 1u))
        return RaiseFault(out, Fault_AccessFlag, out->level, out->domain);
    switch (CheckDomain(regs->dacr, out->domain)) {
    case Domain_NoAccess: return RaiseFault(out, Fault_Domain, out->level, out->domain);
    case Domain_Manager: return true;
    case Domain_Client: break;
    }
    if (!CheckPermission(regs, out, access, privileged))
        return RaiseFault(out, Fault_Permission, out->level, out->domain);
    return true;
}

static const char *SizeName(uint32_t size)
{
    switch (size) {
    case SIZE_4K: return "4K";
    case SIZE_64K: return "64K";
    case SIZE_1M: return "1M";
    case SIZE_16M: return "16M";
    }
    return "?";
}

static const char *PermName(Perm p)
{
    return p == Perm_RW ? "rw" : p == Perm_RO ? "ro" : "--";
}

static const char *CacheName(Cacheability c)
{
    switch (c) {
    case Cache_NonCacheable: return "nc";
    case Cache_WriteBackWA: return "wb-wa";
    case Cache_WriteThrough: return "wt";
    case Cache_WriteBackNoWA: return "wb";
    }
    return "?";
}

static void MemTypeName(const TranslationResult *r, char *buf, size_t n)
{
    switch (r->memtype) {
    case Mem_StronglyOrdered: snprintf(buf, n, "strongly-ordered"); return;
    case Mem_Device: snprintf(buf, n, "device"); return;
    case Mem_Normal: snprintf(buf, n, "normal-%s/%s", CacheName(r->inner), CacheName(r->outer)); return;
    }
    snprintf(buf, n, "?");
}

/* " shared" reflects the effective shareability: Strongly-ordered and Shareable
 * Device memory are shareable whatever the S bit says (B3.8.2, B3.8.3). */
int v7_short_mapping_name(const TranslationResult *r, char *buf, size_t n)
{
    if (r->fault.type != Fault_None)
        return snprintf(buf, n, "fault");
    if (r->kind && !strcmp(r->kind, "flat"))
        return snprintf(buf, n, "flat");
    return snprintf(buf, n, "%s-%s", SizeName(r->size), r->kind ? r->kind : "?");
}

int v7_short_format(const TranslationResult *r, char *buf, size_t n)
{
    if (r->fault.type != Fault_None)
        return snprintf(buf, n, "0x%08x -> fault %s level %d", (unsigned)r->va,
                        fault_type_name(r->fault.type), r->fault.level);
    if (r->kind && !strcmp(r->kind, "flat"))
        return snprintf(buf, n, "0x%08x -> 0x%08llx flat", (unsigned)r->va, (unsigned long long)r->pa);
    Perm pl1, pl0;
    char mt[32];
    AccessPermissions(r->ap, r->afe, &pl1, &pl0);
    MemTypeName(r, mt, sizeof mt);
    return snprintf(buf, n, "0x%08x -> 0x%08llx %s-%s pl1=%s pl0=%s %s%s %s dom=%u %s%s",
                    (unsigned)r->va, (unsigned long long)r->pa, SizeName(r->size),
                    r->kind ? r->kind : "?", PermName(pl1), PermName(pl0), r->xn ? "xn" : "x",
                    r->pxn ? " pxn" : "", r->ng ? "ng" : "global", (unsigned)r->domain, mt,
                    r->shareable ? " shared" : "");
}

/* ---------------------------------------------------------------------------
 * Enumeration
 * ------------------------------------------------------------------------- */

typedef struct RegionMerger {
    bool (*cb)(const MappedRegion *r, void *ctx);
    void *ctx;
    MappedRegion cur;
    bool have, stopped;
    int count;
} RegionMerger;

static bool SameAttributes(const TranslationResult *a, const TranslationResult *b)
{
    return a->size == b->size && a->level == b->level && a->ttbr1 == b->ttbr1 &&
           a->domain == b->domain && a->ap == b->ap && a->xn == b->xn && a->pxn == b->pxn &&
           a->ng == b->ng && a->shareable == b->shareable && a->memtype == b->memtype &&
           a->inner == b->inner && a->outer == b->outer && a->afe == b->afe &&
           !strcmp(a->kind, b->kind);
}

static void MergerFlush(RegionMerger *m)
{
    if (!m->have || m->stopped)
        return;
    m->count++;
    m->have = false;
    if (!m->cb(&m->cur, m->ctx))
        m->stopped = true;
}

/* Adds the chunk [r->va, r->va + length) -> r->pa. */
static void MergerAdd(RegionMerger *m, const TranslationResult *r, uint64_t length)
{
    if (m->stopped)
        return;
    if (m->have && (uint64_t)m->cur.va + m->cur.length == r->va &&
        m->cur.pa + m->cur.length == r->pa && SameAttributes(&m->cur.attrs, r)) {
        m->cur.length += length;
        return;
    }
    MergerFlush(m);
    if (m->stopped)
        return;
    m->cur.va = r->va;
    m->cur.pa = r->pa;
    m->cur.length = length;
    m->cur.attrs = *r;
    m->have = true;
}

static bool WalkForEnumerate(const V7ShortRegs *regs, const PhysMem *mem, uint32_t va,
                             TranslationResult *r)
{
    InitResult(regs, va, Access_Read, r);
    return TranslationTableWalkSD(regs, mem, va, r);
}

/* One level-2 table: the 256 4K slots of the 1MB at va. */
static void EnumeratePageTable(const V7ShortRegs *regs, const PhysMem *mem, uint32_t va,
                               RegionMerger *m)
{
    for (uint32_t j = 0; j < 256 && !m->stopped; j++) {
        TranslationResult r;
        if (WalkForEnumerate(regs, mem, va | j << 12, &r))
            MergerAdd(m, &r, SIZE_4K);
    }
}

/* Walks the 4096 1MB slots of the VA space in order (each through the TTBR that
 * SelectTTBR() picks for it) and the 256 4K slots of every level-2 table. Slots
 * whose descriptors fault, or whose tables lie outside physical memory, are
 * skipped. Every loop is bounded, whatever the tables contain. With the MMU off
 * the whole 4GB is one flat region. */
int v7_short_enumerate(const V7ShortRegs *regs, const PhysMem *mem,
                       bool (*cb)(const MappedRegion *r, void *ctx), void *ctx)
{
    RegionMerger m;
    memset(&m, 0, sizeof m);
    m.cb = cb;
    m.ctx = ctx;
    if (!(regs->sctlr & SCTLR_M)) {
        TranslationResult r;
        InitResult(regs, 0, Access_Read, &r);
        FlatResult(&r);
        MergerAdd(&m, &r, 1ull << 32);
        MergerFlush(&m);
        return m.count;
    }
    for (uint32_t i = 0; i < 4096 && !m.stopped; i++) {
        TranslationResult r;
        uint32_t va = i << 20;
        bool ok = WalkForEnumerate(regs, mem, va, &r);
        if (r.ndesc >= 1 && (r.desc[0] & 3u) == 1u)
            EnumeratePageTable(regs, mem, va, &m);
        else if (ok)
            MergerAdd(&m, &r, SIZE_1M);
    }
    MergerFlush(&m);
    return m.count;
}
