/* Long-descriptor TranslationTableWalk, stage 1, EL1&0 (AArch64) / PL1&0 (AArch32 LPAE).
 *
 * References:
 *   ARMv8-A ARM (DDI 0487): D5.2 the VMSAv8-64 translation table walk (granules, TxSZ and
 *     the initial lookup level, TTBR selection, TBI), D5.3 descriptor formats, D5.4 access
 *     permissions (APTable/UXNTable/PXNTable, WXN, the EL0-writable => PXN rule), D5.5
 *     memory attributes (MAIR), and the AArch64.TranslationTableWalk() /
 *     AArch64.CheckPermission() pseudocode.
 *   ARMv7-A ARM (DDI 0406C): B3.6 long-descriptor format (B3.6.4 TTBR0/TTBR1 selection,
 *     B3.6.6 lookup start level), B3.7 access permissions, and AArch32.TranslationTableWalkLD()
 *     / AArch32.CheckPermission() in DDI 0487 G.
 *
 * Behaviour that the architecture leaves open, and what this walker does:
 *   - AArch64 T0SZ/T1SZ outside 16..39 (CONSTRAINED UNPREDICTABLE in ARMv8.0): clamped to
 *     16..39, as if the value read were the nearest supported one.
 *   - Reserved TG0 (0b11) / TG1 (0b00) encodings: treated as 4K.
 *   - Reserved IPS encodings (0b111) and 0b110 (52 bits): 48 bits. The output address size
 *     in force is min(IPS, pa_range_bits) for AArch64 and min(40, pa_range_bits) for LPAE.
 *   - Bits of a TTBR below the table alignment (BADDR[x-1:1], RES0): treated as zero.
 *   - Address size faults: the TTBR base is checked first (level 0); a table, block or page
 *     address with bits set at or above the output size faults at the level of the
 *     descriptor that holds it. Address size is checked before the access flag.
 *   - No hardware AF/dirty update (ARMv8.1 TTHM): AF = 0 is an Access flag fault.
 *   - MMU off (AArch64): a VA with bits set at or above pa_range_bits (below the top byte
 *     when TBI applies) is an Address size fault at level 0, as AArch64.TranslateAddressS1Off().
 *   - No PAN, no HPD, no 52-bit PA (LPA), no FEAT_TTST, no stage 2, no big-endian tables
 *     (SCTLR.EE), no security state: NS/NSTable are only reported (ns = NSTable || NS).
 *   - The contiguous hint is reported only; the mapping size stays the single entry's.
 *   - asid: the current ASID, from the TTBR that TCR.A1 selects (TTBR1 when A1 = 1), 8 bits
 *     unless AArch64 TCR.AS = 1. It is reported for global mappings too.
 *   - MAIR encodings 0b0000ddxx with xx != 00 and 0bxxxx0000 with xxxx != 0 (UNPREDICTABLE):
 *     reported by their dd bits as Device memory / with an "nc" inner level respectively.
 *
 * Where QEMU as vendored in Unicorn 2 (target/arm/helper.c get_phys_addr_lpae) differs, this
 * walker follows the ARM ARM: that QEMU raises no Address size faults during a walk, accepts
 * block descriptors at level 0 (4K) and level 1 (16K/64K) instead of a Translation fault,
 * picks the TTBR by VA[55] even without TBI (a gap fault then names the other TTBR; the
 * fault is the same), and decodes the reserved TG0 = 0b11 as 64K.
 */
#include "long_desc.h"

#include <stdio.h>
#include <string.h>

#define GRAN_4K 12u
#define GRAN_16K 14u
#define GRAN_64K 16u

/* descriptor fields, DDI 0487 D5.3 (identical in ARMv7 LPAE, B3.6.1/B3.6.2) */
#define D_VALID (UINT64_C(1) << 0)
#define D_TABLE (UINT64_C(1) << 1)     /* with bit 0: table (level < 3) or page (level 3) */
#define D_NS (UINT64_C(1) << 5)
#define D_AF (UINT64_C(1) << 10)
#define D_NG (UINT64_C(1) << 11)
#define D_CONTIG (UINT64_C(1) << 52)
#define D_PXN (UINT64_C(1) << 53)
#define D_UXN (UINT64_C(1) << 54)       /* XN for LPAE */
#define T_PXNTABLE (UINT64_C(1) << 59)
#define T_UXNTABLE (UINT64_C(1) << 60)  /* XNTable for LPAE */
#define T_APTABLE0 (UINT64_C(1) << 61)  /* no EL0 access at subsequent levels */
#define T_APTABLE1 (UINT64_C(1) << 62)  /* no write access at subsequent levels */
#define T_NSTABLE (UINT64_C(1) << 63)

/* the mask of bits [hi:lo]; 0 when lo > hi */
static uint64_t mask_bits(unsigned hi, unsigned lo)
{
    uint64_t top = hi >= 63 ? ~UINT64_C(0) : (UINT64_C(1) << (hi + 1)) - 1;
    return top & ~((UINT64_C(1) << lo) - 1);
}

static unsigned field(uint64_t v, unsigned shift, unsigned width)
{
    return (unsigned)((v >> shift) & ((UINT64_C(1) << width) - 1));
}

/* ---------------------------------------------------------------------------
 * Walk parameters: TTBR selection, granule, input size, start level
 * ------------------------------------------------------------------------- */

typedef struct WalkParams {
    bool found;         /* va lies in a TTBR's range */
    bool disabled;      /* EPD0 / EPD1 */
    bool ttbr1;
    unsigned grain;     /* log2 granule: 12, 14, 16 */
    unsigned stride;    /* grain - 3 */
    unsigned inputsize;
    unsigned oasize;
    int start_level;
    uint64_t ttbr;
    uint64_t ia;        /* the input address the walk indexes with (top byte and sign removed) */
} WalkParams;

static unsigned PAMax(const LongDescRegs *regs);

static unsigned OutputSize(const LongDescRegs *regs)
{
    unsigned pa = PAMax(regs);
    if (regs->regime == Ld_AArch32_LPAE)
        return pa < 40 ? pa : 40;
    static const unsigned ips_bits[8] = {32, 36, 40, 42, 44, 48, 48, 48};
    unsigned ips = ips_bits[field(regs->tcr, LD_TCR_IPS_SHIFT, 3)];
    return ips < pa ? ips : pa;
}

/* AArch64 TG0: 00 4K, 01 64K, 10 16K; TG1: 01 16K, 10 4K, 11 64K (reserved -> 4K) */
static unsigned GrainTG0(unsigned tg)
{
    return tg == 1 ? GRAN_64K : tg == 2 ? GRAN_16K : GRAN_4K;
}

static unsigned GrainTG1(unsigned tg)
{
    return tg == 1 ? GRAN_16K : tg == 3 ? GRAN_64K : GRAN_4K;
}

/* The number of levels resolving inputsize bits: 1 + (inputsize - grain - 1) DIV stride;
 * the walk starts at 4 - levels. */
static int StartLevel(unsigned inputsize, unsigned grain)
{
    unsigned stride = grain - 3;
    return 4 - (int)(1 + (inputsize - grain - 1) / stride);
}

static void SetGeometry(WalkParams *p, unsigned inputsize, unsigned grain)
{
    p->inputsize = inputsize;
    p->grain = grain;
    p->stride = grain - 3;
    p->start_level = StartLevel(inputsize, grain);
}

/* DDI 0487 D5.2 (TTBR selection, TBI) and AArch64.TranslationTableWalk(): AddrTop is 55
 * when TBI applies to the half of the address space that VA[55] names, else 63; VA[top]
 * selects TTBR0/TTBR1 and VA[top:inputsize] must be all zeros / all ones. */
static void SelectAArch64(const LongDescRegs *regs, uint64_t va, WalkParams *p)
{
    bool upper55 = (va >> 55) & 1;
    bool tbi = (regs->tcr & (upper55 ? LD_TCR_TBI1 : LD_TCR_TBI0)) != 0;
    unsigned top = tbi ? 55 : 63;
    bool sel1 = (va >> top) & 1;
    unsigned txsz = field(regs->tcr, sel1 ? LD_TCR_T1SZ_SHIFT : LD_TCR_T0SZ_SHIFT, 6);
    if (txsz < 16)
        txsz = 16;
    if (txsz > 39)
        txsz = 39;
    unsigned inputsize = 64 - txsz;
    unsigned grain = sel1 ? GrainTG1(field(regs->tcr, LD_TCR_TG1_SHIFT, 2))
                          : GrainTG0(field(regs->tcr, LD_TCR_TG0_SHIFT, 2));
    SetGeometry(p, inputsize, grain);
    uint64_t hi = va & mask_bits(top, inputsize);
    p->ttbr1 = sel1;
    p->found = sel1 ? hi == mask_bits(top, inputsize) : hi == 0;
    p->disabled = (regs->tcr & (sel1 ? LD_TCR_EPD1 : LD_TCR_EPD0)) != 0;
    p->ttbr = sel1 ? regs->ttbr1 : regs->ttbr0;
    p->ia = va & mask_bits(inputsize - 1, 0);
}

/* ARMv7 B3.6.4 / AArch32.TranslationTableWalkLD(): TTBR0 when T0SZ == 0 or VA[31:32-T0SZ]
 * is zero; TTBR1 (overriding) when T1SZ > 0 and VA[31:32-T1SZ] is all ones, or when
 * T1SZ == 0 and TTBR0 did not match. Both T0SZ and T1SZ zero: TTBR0 for everything. */
static void SelectLPAE(const LongDescRegs *regs, uint64_t va, WalkParams *p)
{
    uint32_t a = (uint32_t)va;
    unsigned t0 = field(regs->tcr, LD_TCR_T0SZ_SHIFT, 3);
    unsigned t1 = field(regs->tcr, LD_TCR_T1SZ_SHIFT, 3);
    bool in0 = t0 == 0 || (a >> (32 - t0)) == 0;
    bool in1 = t1 == 0 ? !in0 : (a >> (32 - t1)) == (1u << t1) - 1u;
    p->found = in0 || in1;
    p->ttbr1 = in1;
    unsigned t = in1 ? t1 : t0;
    SetGeometry(p, 32 - t, GRAN_4K);
    p->disabled = (regs->tcr & (in1 ? LD_TCR_EPD1 : LD_TCR_EPD0)) != 0;
    p->ttbr = in1 ? regs->ttbr1 : regs->ttbr0;
    p->ia = a & (uint32_t)mask_bits(p->inputsize - 1, 0);
}

static void SelectTTBR(const LongDescRegs *regs, uint64_t va, WalkParams *p)
{
    memset(p, 0, sizeof *p);
    p->oasize = OutputSize(regs);
    if (regs->regime == Ld_AArch64)
        SelectAArch64(regs, va, p);
    else
        SelectLPAE(regs, va, p);
}

/* Lowest address bit that level `level` indexes: grain + (3 - level) * stride */
static unsigned LevelShift(const WalkParams *p, int level)
{
    return p->grain + (unsigned)(3 - level) * p->stride;
}

/* Index bits at `level`: [min(inputsize, shift + stride) - 1 : shift] */
static unsigned LevelIndexBits(const WalkParams *p, int level)
{
    unsigned lo = LevelShift(p, level);
    unsigned hi = lo + p->stride;
    if (hi > p->inputsize)
        hi = p->inputsize;
    return hi - lo;
}

/* Block descriptors allowed (ARMv8.0, no LPA): 4K at levels 1 and 2; 16K and 64K at
 * level 2 only. LPAE (always 4K): levels 1 and 2. */
static bool BlockAllowed(const WalkParams *p, int level)
{
    if (p->grain == GRAN_4K)
        return level == 1 || level == 2;
    return level == 2;
}

/* ---------------------------------------------------------------------------
 * The walk
 * ------------------------------------------------------------------------- */

static bool RaiseFault(LdResult *out, FaultType type, int level)
{
    out->fault.type = type;
    out->fault.level = level;
    out->level = level;
    return false;
}

static void InitResult(const LongDescRegs *regs, uint64_t va, AccessType access, LdResult *out)
{
    memset(out, 0, sizeof *out);
    if (regs->regime == Ld_AArch32_LPAE)
        va = (uint32_t)va;
    out->va = va;
    out->kind = "fault";
    out->regime = regs->regime;
    out->fault.type = Fault_None;
    out->fault.va = va;
    out->fault.access = access;
}

static bool FlatResult(LdResult *out)
{
    out->pa = out->va;
    out->kind = "flat";
    out->el1_r = out->el1_w = out->el1_x = true;
    out->el0_r = out->el0_w = out->el0_x = true;
    out->af = true;
    return true;
}

static uint16_t CurrentASID(const LongDescRegs *regs)
{
    uint64_t t = (regs->tcr & LD_TCR_A1) ? regs->ttbr1 : regs->ttbr0;
    if (regs->regime == Ld_AArch64 && (regs->tcr & LD_TCR_AS))
        return (uint16_t)(t >> 48);
    return (uint16_t)((t >> 48) & 0xffu);
}

/* Effective permissions (AArch64.CheckPermission / AArch32.CheckPermission, stage 1,
 * EL1&0, no PAN). ap bit 1: read-only; ap bit 0: EL0/PL0 access.
 *   AArch64: el0_x = !UXN && !(el0_w && WXN)            (EL0 execute-only possible)
 *            el1_x = !PXN && !(el1_w && WXN) && !el0_w  (EL0-writable => PXN)
 *   AArch32: pl0_x = pl0_r && !XN && !(pl0_w && WXN)
 *            pl1_x = !XN && !PXN && !(pl1_w && WXN) && !(pl0_w && UWXN) */
static void Permissions(const LongDescRegs *regs, LdResult *out)
{
    bool ro = out->ap & 2u, el0 = out->ap & 1u;
    bool wxn = regs->sctlr & LD_SCTLR_WXN;
    out->el1_r = true;
    out->el1_w = !ro;
    out->el0_r = el0;
    out->el0_w = el0 && !ro;
    if (regs->regime == Ld_AArch64) {
        out->el0_x = !out->xn && !(out->el0_w && wxn);
        out->el1_x = !out->pxn && !(out->el1_w && wxn) && !out->el0_w;
    } else {
        bool uwxn = regs->sctlr & LD_SCTLR_UWXN;
        out->el0_x = out->el0_r && !out->xn && !(out->el0_w && wxn);
        out->el1_x = !out->xn && !out->pxn && !(out->el1_w && wxn) && !(out->el0_w && uwxn);
    }
}

/* The walk proper. Generates address size, translation, external-abort-on-walk and
 * access flag faults; permissions are computed but checked by the caller. */
static bool TranslationTableWalk(const LongDescRegs *regs, const PhysMem *mem, LdResult *out)
{
    WalkParams p;
    SelectTTBR(regs, out->va, &p);
    out->ttbr1 = p.ttbr1;
    out->granule = 1u << p.grain;
    out->inputsize = p.inputsize;
    out->oasize = p.oasize;
    out->start_level = p.start_level;
    out->asid = CurrentASID(regs);
    /* Outside both TTBR ranges, or walks disabled: level 0 (AArch64), reported as level 1
     * by AArch32. */
    int nolevel = regs->regime == Ld_AArch64 ? 0 : 1;
    if (!p.found || p.disabled)
        return RaiseFault(out, Fault_Translation, nolevel);

    unsigned addr_hi = regs->regime == Ld_AArch64 ? 47 : 39; /* BADDR top bit */
    int level = p.start_level;
    unsigned top_bits = LevelIndexBits(&p, level);
    /* the start table holds 2^top_bits entries; BADDR[x-1:0] with x = top_bits + 3 is RES0 */
    unsigned x = top_bits + 3;
    if (p.ttbr & mask_bits(47, p.oasize))
        return RaiseFault(out, Fault_AddressSize, 0);
    uint64_t base = p.ttbr & mask_bits(addr_hi, x);

    bool no_write = false, no_el0 = false, xn_t = false, pxn_t = false, ns_t = false;
    uint64_t d = 0;
    for (;;) { /* at most 4 iterations: level increases each time and stops at 3 */
        unsigned shift = LevelShift(&p, level);
        uint64_t index = (p.ia >> shift) & ((UINT64_C(1) << LevelIndexBits(&p, level)) - 1);
        uint64_t dpa = base | index << 3;
        if (!physmem_read64(mem, dpa, &d)) {
            out->fault.walk_pa = dpa;
            return RaiseFault(out, Fault_SyncExternalOnWalk, level);
        }
        if (out->ndesc < 5) {
            out->desc_pa[out->ndesc] = dpa;
            out->desc[out->ndesc] = d;
            out->ndesc++;
        }
        if (!(d & D_VALID))
            return RaiseFault(out, Fault_Translation, level);
        if ((d & D_TABLE) && level < 3) { /* table descriptor */
            uint64_t next = d & mask_bits(47, p.grain);
            if (next & mask_bits(47, p.oasize))
                return RaiseFault(out, Fault_AddressSize, level);
            no_write |= (d & T_APTABLE1) != 0;
            no_el0 |= (d & T_APTABLE0) != 0;
            xn_t |= (d & T_UXNTABLE) != 0;
            pxn_t |= (d & T_PXNTABLE) != 0;
            ns_t |= (d & T_NSTABLE) != 0;
            base = next;
            level++;
            continue;
        }
        if (level == 3 && !(d & D_TABLE)) /* 0b01 at level 3: reserved */
            return RaiseFault(out, Fault_Translation, level);
        if (level < 3 && !BlockAllowed(&p, level)) /* block where the granule has none */
            return RaiseFault(out, Fault_Translation, level);
        break;
    }

    unsigned shift = LevelShift(&p, level);
    uint64_t oa = d & mask_bits(47, shift);
    out->level = level;
    out->kind = level == 3 ? "page" : "block";
    out->size = UINT64_C(1) << shift;
    out->pa = oa | (p.ia & mask_bits(shift - 1, 0));
    out->attrindx = (uint8_t)field(d, 2, 3);
    out->mair_attr = (uint8_t)(regs->mair >> (8u * out->attrindx));
    out->ns = ns_t || (d & D_NS);
    out->sh = (uint8_t)field(d, 8, 2);
    out->af = (d & D_AF) != 0;
    out->ng = (d & D_NG) != 0;
    out->contiguous = (d & D_CONTIG) != 0;
    out->xn = xn_t || (d & D_UXN);
    out->pxn = pxn_t || (d & D_PXN);
    unsigned ap = field(d, 6, 2);
    if (no_write)
        ap |= 2u;
    if (no_el0)
        ap &= ~1u;
    out->ap = (uint8_t)ap;
    Permissions(regs, out);
    if (oa & mask_bits(47, p.oasize))
        return RaiseFault(out, Fault_AddressSize, level);
    if (!out->af)
        return RaiseFault(out, Fault_AccessFlag, level);
    return true;
}

/* Implemented PA size (PAMax): pa_range_bits, 52 and unset treated as 48 */
static unsigned PAMax(const LongDescRegs *regs)
{
    unsigned pa = regs->pa_range_bits;
    return pa == 0 || pa > 48 ? 48 : pa;
}

/* MMU off. AArch64.TranslateAddressS1Off(): VA bits [top:PAMax] (top = 55 with TBI for
 * that half, else 63) must be zero, else an Address size fault at level 0; the PA is the
 * VA without its top byte. AArch32: the 32-bit VA is the PA. */
static bool TranslateS1Off(const LongDescRegs *regs, LdResult *out)
{
    if (regs->regime == Ld_AArch64) {
        uint64_t va = out->va;
        bool tbi = (regs->tcr & ((va >> 55) & 1 ? LD_TCR_TBI1 : LD_TCR_TBI0)) != 0;
        unsigned top = tbi ? 55 : 63;
        if (va & mask_bits(top, PAMax(regs)))
            return RaiseFault(out, Fault_AddressSize, 0);
        FlatResult(out);
        out->pa = va & mask_bits(55, 0);
        return true;
    }
    return FlatResult(out);
}

bool ld_translate(const LongDescRegs *regs, const PhysMem *mem, uint64_t va,
                  AccessType access, bool privileged, LdResult *out)
{
    InitResult(regs, va, access, out);
    if (!(regs->sctlr & LD_SCTLR_M))
        return TranslateS1Off(regs, out);
    if (!TranslationTableWalk(regs, mem, out))
        return false;
    bool ok;
    switch (access) {
    case Access_Write: ok = privileged ? out->el1_w : out->el0_w; break;
    case Access_Fetch: ok = privileged ? out->el1_x : out->el0_x; break;
    case Access_Read:
    default: ok = privileged ? out->el1_r : out->el0_r; break;
    }
    if (!ok)
        return RaiseFault(out, Fault_Permission, out->level);
    return true;
}

/* ---------------------------------------------------------------------------
 * Formatting
 * ------------------------------------------------------------------------- */

static void SizeName(uint64_t size, char *buf, size_t n)
{
    if (size >= (UINT64_C(1) << 30) && !(size & ((UINT64_C(1) << 30) - 1)))
        snprintf(buf, n, "%lluG", (unsigned long long)(size >> 30));
    else if (size >= (UINT64_C(1) << 20) && !(size & ((UINT64_C(1) << 20) - 1)))
        snprintf(buf, n, "%lluM", (unsigned long long)(size >> 20));
    else
        snprintf(buf, n, "%lluK", (unsigned long long)(size >> 10));
}

/* One level (inner or outer) of a Normal MAIR attribute, DDI 0487 D13.2.94 MAIR_EL1:
 *   0b00RW (RW != 00) write-through transient, 0b0100 non-cacheable,
 *   0b01RW (RW != 00) write-back transient, 0b10RW write-through, 0b11RW write-back;
 *   R = read-allocate, W = write-allocate. */
static const char *CacheLevelName(unsigned v)
{
    static const char *const names[16] = {
        "nc", "wt-wa-t", "wt-ra-t", "wt-rwa-t", "nc", "wb-wa-t", "wb-ra-t", "wb-rwa-t",
        "wt", "wt-wa", "wt-ra", "wt-rwa", "wb", "wb-wa", "wb-ra", "wb-rwa",
    };
    return names[v & 15u];
}

int ld_mair_name(uint8_t attr, char *buf, size_t n)
{
    if ((attr & 0xf0u) == 0) {
        static const char *const dev[4] = {"device-nGnRnE", "device-nGnRE", "device-nGRE", "device-GRE"};
        return snprintf(buf, n, "%s", dev[(attr >> 2) & 3u]);
    }
    return snprintf(buf, n, "normal-%s/%s", CacheLevelName(attr & 15u), CacheLevelName(attr >> 4));
}

int ld_mapping_name(const LdResult *r, char *buf, size_t n)
{
    if (r->fault.type != Fault_None)
        return snprintf(buf, n, "fault");
    if (r->kind && !strcmp(r->kind, "flat"))
        return snprintf(buf, n, "flat");
    char sz[24];
    SizeName(r->size, sz, sizeof sz);
    return snprintf(buf, n, "%s-%s", sz, r->kind ? r->kind : "?");
}

static void PermString(bool r, bool w, bool x, char s[4])
{
    s[0] = r ? 'r' : '-';
    s[1] = w ? 'w' : '-';
    s[2] = x ? 'x' : '-';
    s[3] = 0;
}

int ld_format(const LdResult *r, char *buf, size_t n)
{
    char va[24];
    if (r->regime == Ld_AArch64)
        snprintf(va, sizeof va, "0x%016llx", (unsigned long long)r->va);
    else
        snprintf(va, sizeof va, "0x%08x", (unsigned)r->va);
    if (r->fault.type != Fault_None)
        return snprintf(buf, n, "%s -> fault %s level %d", va, fault_type_name(r->fault.type),
                        r->fault.level);
    if (r->kind && !strcmp(r->kind, "flat"))
        return snprintf(buf, n, "%s -> 0x%08llx flat", va, (unsigned long long)r->pa);
    char name[32], mt[40], p1[4], p0[4];
    ld_mapping_name(r, name, sizeof name);
    ld_mair_name(r->mair_attr, mt, sizeof mt);
    PermString(r->el1_r, r->el1_w, r->el1_x, p1);
    PermString(r->el0_r, r->el0_w, r->el0_x, p0);
    const char *sh = r->sh == 3 ? " shared-inner" : r->sh == 2 ? " shared-outer" : "";
    return snprintf(buf, n, "%s -> 0x%08llx %s el1=%s el0=%s %s asid=%u %s%s%s", va,
                    (unsigned long long)r->pa, name, p1, p0, r->ng ? "ng" : "global",
                    (unsigned)r->asid, mt, sh, r->contiguous ? " contig" : "");
}

/* ---------------------------------------------------------------------------
 * Enumeration
 * ------------------------------------------------------------------------- */

typedef struct Enumerator {
    const LongDescRegs *regs;
    const PhysMem *mem;
    bool (*cb)(const LdMappedRegion *r, void *ctx);
    void *ctx;
    LdMappedRegion cur;
    bool have, stopped;
    int count;
    unsigned leaves;
} Enumerator;

static bool SameAttributes(const LdResult *a, const LdResult *b)
{
    return a->size == b->size && a->level == b->level && a->ttbr1 == b->ttbr1 &&
           a->granule == b->granule && a->ng == b->ng && a->contiguous == b->contiguous &&
           a->af == b->af && a->el1_r == b->el1_r && a->el1_w == b->el1_w &&
           a->el1_x == b->el1_x && a->el0_r == b->el0_r && a->el0_w == b->el0_w &&
           a->el0_x == b->el0_x && a->mair_attr == b->mair_attr && a->sh == b->sh &&
           a->ns == b->ns && a->fault.type == b->fault.type && !strcmp(a->kind, b->kind);
}

static void Flush(Enumerator *e)
{
    if (!e->have || e->stopped)
        return;
    e->count++;
    e->have = false;
    if (!e->cb(&e->cur, e->ctx))
        e->stopped = true;
}

static void Add(Enumerator *e, const LdResult *r, uint64_t va, uint64_t pa, uint64_t length)
{
    if (e->stopped)
        return;
    if (e->have && e->cur.va + e->cur.length == va && e->cur.pa + e->cur.length == pa &&
        SameAttributes(&e->cur.attrs, r)) {
        e->cur.length += length;
        return;
    }
    Flush(e);
    if (e->stopped)
        return;
    e->cur.va = va;
    e->cur.pa = pa;
    e->cur.length = length;
    e->cur.attrs = *r;
    e->have = true;
}

/* The VA a TTBR's input address ia stands for: TTBR1 addresses have all ones above
 * inputsize (AArch64: bits [63:inputsize]; LPAE: bits [31:inputsize]). */
static uint64_t VAOf(const LongDescRegs *regs, const WalkParams *p, uint64_t ia)
{
    if (!p->ttbr1)
        return ia;
    uint64_t hi = regs->regime == Ld_AArch64 ? mask_bits(63, p->inputsize)
                                              : mask_bits(31, p->inputsize) & 0xffffffffu;
    return hi | ia;
}

/* Visits the table at `base` (level `level`) covering input addresses from ia_base. */
static void EnumerateTable(Enumerator *e, const WalkParams *p, int level, uint64_t base,
                           uint64_t ia_base)
{
    unsigned shift = LevelShift(p, level);
    uint64_t entries = UINT64_C(1) << LevelIndexBits(p, level);
    for (uint64_t i = 0; i < entries && !e->stopped && e->leaves < LD_ENUM_MAX_LEAVES; i++) {
        uint64_t d;
        if (!physmem_read64(e->mem, base | i << 3, &d))
            return; /* the whole table is outside memory (tables are aligned) */
        if (!(d & D_VALID))
            continue;
        uint64_t ia = ia_base | i << shift;
        if ((d & D_TABLE) && level < 3) {
            uint64_t next = d & mask_bits(47, p->grain);
            if (!(next & mask_bits(47, p->oasize)))
                EnumerateTable(e, p, level + 1, next, ia);
            continue;
        }
        e->leaves++;
        uint64_t va = VAOf(e->regs, p, ia);
        WalkParams q;
        SelectTTBR(e->regs, va, &q);
        if (!q.found || q.ttbr1 != p->ttbr1) /* not reachable through this TTBR */
            continue;
        LdResult r;
        InitResult(e->regs, va, Access_Read, &r);
        bool ok = TranslationTableWalk(e->regs, e->mem, &r);
        if (ok || r.fault.type == Fault_AccessFlag)
            Add(e, &r, r.va, r.pa, r.size);
    }
}

int ld_enumerate(const LongDescRegs *regs, const PhysMem *mem,
                 bool (*cb)(const LdMappedRegion *r, void *ctx), void *ctx)
{
    Enumerator e;
    memset(&e, 0, sizeof e);
    e.regs = regs;
    e.mem = mem;
    e.cb = cb;
    e.ctx = ctx;
    if (!(regs->sctlr & LD_SCTLR_M)) {
        LdResult r;
        InitResult(regs, 0, Access_Read, &r);
        FlatResult(&r);
        Add(&e, &r, 0, 0, regs->regime == Ld_AArch64 ? UINT64_C(1) << PAMax(regs) : UINT64_C(1) << 32);
        Flush(&e);
        return e.count;
    }
    /* a VA in each half picks the TTBR parameters: 0 for TTBR0, all ones for TTBR1 */
    const uint64_t probes[2] = {0, regs->regime == Ld_AArch64 ? ~UINT64_C(0) : 0xffffffffu};
    for (int t = 0; t < 2 && !e.stopped; t++) {
        WalkParams p;
        SelectTTBR(regs, probes[t], &p);
        if (p.ttbr1 != (t == 1) || p.disabled) /* LPAE T0SZ = T1SZ = 0: TTBR0 only */
            continue;
        if (p.ttbr & mask_bits(47, p.oasize))
            continue;
        unsigned addr_hi = regs->regime == Ld_AArch64 ? 47 : 39;
        uint64_t base = p.ttbr & mask_bits(addr_hi, LevelIndexBits(&p, p.start_level) + 3);
        EnumerateTable(&e, &p, p.start_level, base, 0);
    }
    Flush(&e);
    return e.count;
}
