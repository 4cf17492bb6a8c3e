/* Memory region attributes: TEX/C/B with SCTLR.TRE = 0 (ARM ARM DDI 0406C B3.8.2,
 * Table B3-10, cache policies Table B3-11) and TEX remap with TRE = 1 (B3.8.3,
 * PRRR B4.1.127, NMRR B4.1.111), plus S and nG from every descriptor type. */
#include "tap.h"
#include "v7_tables.h"

typedef struct Want {
    MemType type;
    Cacheability inner, outer;
    bool shareable;
} Want;

static const char *mt_name(MemType t)
{
    return t == Mem_StronglyOrdered ? "SO" : t == Mem_Device ? "Device" : "Normal";
}

static void check(const V7ShortRegs *r, uint32_t va, Want w, const char *what)
{
    TranslationResult t = xlate(r, va, Access_Read, true);
    bool pass = t.fault.type == Fault_None && t.memtype == w.type && t.shareable == w.shareable &&
                (w.type != Mem_Normal || (t.inner == w.inner && t.outer == w.outer));
    tap_ok(pass, "%s -> %s inner %d outer %d %s", what, mt_name(w.type), (int)w.inner, (int)w.outer,
           w.shareable ? "shareable" : "non-shareable");
    if (!pass)
        printf("#   got %s inner %d outer %d shareable %d (fault %s)\n", mt_name(t.memtype), (int)t.inner,
               (int)t.outer, t.shareable, fault_type_name(t.fault.type));
}

#define NC Cache_NonCacheable
#define WBWA Cache_WriteBackWA
#define WT Cache_WriteThrough
#define WB Cache_WriteBackNoWA

static void section_case(const V7ShortRegs *r, uint32_t *va, uint32_t tex, uint32_t c, uint32_t b, uint32_t s,
                         Want w, const char *why)
{
    char what[96];
    map_l1(*va, l1_section(0x80000000u, A(.ap = 3, .tex = tex, .c = c, .b = b, .s = s)));
    snprintf(what, sizeof what, "TEX=%u%u%u C=%u B=%u S=%u (%s)", tex >> 2 & 1, tex >> 1 & 1, tex & 1, c, b, s, why);
    check(r, *va, w, what);
    *va += 0x100000u;
}

/* Table B3-10 (TRE = 0):
 *   000 0 0  Strongly-ordered            always Shareable
 *   000 0 1  Shareable Device            always Shareable
 *   000 1 0  Normal, O&I Write-Through, no Write-Allocate     S bit
 *   000 1 1  Normal, O&I Write-Back, no Write-Allocate        S bit
 *   001 0 0  Normal, O&I Non-cacheable                        S bit
 *   001 1 1  Normal, O&I Write-Back, Write-Allocate           S bit
 *   010 0 0  Non-shareable Device        never Shareable
 *   1BB A A  Normal, Outer policy BB, Inner policy AA          S bit
 *            (Table B3-11: 00 NC, 01 WB-WA, 10 WT, 11 WB no WA)
 *   001 0 1, 010 0 1, 010 1 x, 011 x x: Reserved; 001 1 0: IMPLEMENTATION DEFINED
 *            (this walker: Strongly-ordered) */
static void test_tre0(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    uint32_t va = 0x10000000u;
    for (uint32_t s = 0; s < 2; s++) {
        section_case(&r, &va, 0, 0, 0, s, (Want){Mem_StronglyOrdered, NC, NC, true}, "Strongly-ordered");
        section_case(&r, &va, 0, 0, 1, s, (Want){Mem_Device, NC, NC, true}, "Shareable Device");
        section_case(&r, &va, 0, 1, 0, s, (Want){Mem_Normal, WT, WT, s}, "Normal WT");
        section_case(&r, &va, 0, 1, 1, s, (Want){Mem_Normal, WB, WB, s}, "Normal WB no WA");
        section_case(&r, &va, 1, 0, 0, s, (Want){Mem_Normal, NC, NC, s}, "Normal NC");
        section_case(&r, &va, 1, 1, 1, s, (Want){Mem_Normal, WBWA, WBWA, s}, "Normal WB-WA");
        section_case(&r, &va, 2, 0, 0, s, (Want){Mem_Device, NC, NC, false}, "Non-shareable Device");
    }
    section_case(&r, &va, 4, 0, 0, 0, (Want){Mem_Normal, NC, NC, false}, "1BB=100 AA=00: outer NC inner NC");
    section_case(&r, &va, 5, 1, 0, 1, (Want){Mem_Normal, WT, WBWA, true}, "BB=01 outer WB-WA, AA=10 inner WT");
    section_case(&r, &va, 6, 0, 1, 0, (Want){Mem_Normal, WBWA, WT, false}, "BB=10 outer WT, AA=01 inner WB-WA");
    section_case(&r, &va, 7, 1, 1, 1, (Want){Mem_Normal, WB, WB, true}, "BB=11 outer WB, AA=11 inner WB");
    section_case(&r, &va, 4, 1, 1, 0, (Want){Mem_Normal, WB, NC, false}, "BB=00 outer NC, AA=11 inner WB");
    section_case(&r, &va, 7, 0, 0, 0, (Want){Mem_Normal, NC, WB, false}, "BB=11 outer WB, AA=00 inner NC");
    section_case(&r, &va, 1, 0, 1, 0, (Want){Mem_StronglyOrdered, NC, NC, true}, "reserved");
    section_case(&r, &va, 1, 1, 0, 0, (Want){Mem_StronglyOrdered, NC, NC, true}, "IMPLEMENTATION DEFINED");
    section_case(&r, &va, 2, 0, 1, 0, (Want){Mem_StronglyOrdered, NC, NC, true}, "reserved");
    section_case(&r, &va, 2, 1, 0, 0, (Want){Mem_StronglyOrdered, NC, NC, true}, "reserved");
    section_case(&r, &va, 3, 1, 1, 0, (Want){Mem_StronglyOrdered, NC, NC, true}, "reserved");
}

/* Linux proc-v7-2level: PRRR = 0xff0a81a8, NMRR = 0x40e040e0.
 * PRRR[15:0] = 0x81a8 = 10 00 00 01 10 10 10 00 (TR7..TR0):
 *   TR0=00 SO, TR1=10 Normal, TR2=10 Normal, TR3=10 Normal, TR4=01 Device,
 *   TR5=00 SO, TR6=00 SO, TR7=10 Normal
 * PRRR[19:16] = 0xa = 1010: NS1=1, NS0=0, DS1=1, DS0=0
 * NMRR[15:0] = 0x40e0 = 01 00 00 00 11 10 00 00 (IR7..IR0):
 *   IR0=00, IR1=00 NC, IR2=10 WT, IR3=11 WB, IR4=00, IR5=00, IR6=00, IR7=01 WB-WA
 * NMRR[31:16] = 0x40e0: OR<n> = IR<n>
 * Index n = TEX[0]:C:B. Normal: S=0 -> NS0=0 non-shareable, S=1 -> NS1=1 shareable.
 * Device: S=0 -> DS0=0 non-shareable, S=1 -> DS1=1 shareable. SO always shareable. */
static void test_tre1_linux(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    r.sctlr |= SCTLR_TRE;
    r.prrr = 0xff0a81a8u;
    r.nmrr = 0x40e040e0u;
    uint32_t va = 0x10000000u;
    static const Want linux_s0[8] = {
        {Mem_StronglyOrdered, NC, NC, true}, {Mem_Normal, NC, NC, false}, {Mem_Normal, WT, WT, false},
        {Mem_Normal, WB, WB, false},         {Mem_Device, NC, NC, false}, {Mem_StronglyOrdered, NC, NC, true},
        {Mem_StronglyOrdered, NC, NC, true}, {Mem_Normal, WBWA, WBWA, false},
    };
    for (uint32_t s = 0; s < 2; s++) {
        for (uint32_t n = 0; n < 8; n++) {
            Want w = linux_s0[n];
            if (s && w.type != Mem_StronglyOrdered)
                w.shareable = true; /* NS1 = 1, DS1 = 1 */
            char why[32];
            snprintf(why, sizeof why, "Linux remap index %u", n);
            section_case(&r, &va, n >> 2, n >> 1 & 1, n & 1, s, w, why);
        }
    }
    /* TEX[2:1] are not used for the index (they are OS bits under remap) */
    section_case(&r, &va, 7, 1, 1, 0, (Want){Mem_Normal, WBWA, WBWA, false}, "TEX[2:1]=11 ignored, index 7");
    section_case(&r, &va, 6, 0, 1, 0, (Want){Mem_Normal, NC, NC, false}, "TEX[2:1]=11 ignored, index 1");

    /* Linux's mm_mmuflags section 0x11c0e over PA 0x80000000: descriptor 0x80011c0e =
     * S (bit 16), TEX=001 (0x1000), AP[1:0]=11 (0xc00), C (0x8), B (0x4), 0b10:
     * index TEX[0]:C:B = 111 -> Normal WB-WA/WB-WA, S=1 -> NS1 = 1 shareable */
    map_l1(0xc0000000u, 0x80011c0eu);
    check(&r, 0xc0000000u, (Want){Mem_Normal, WBWA, WBWA, true}, "Linux kernel section 0x80011c0e");

    /* Inner and outer from different NMRR fields: n=3 (TEX0=0 C=1 B=1).
     * PRRR: TR3=10 at [7:6] -> 0x80, NS0=1 at bit 18 -> 0x40000: 0x00040080.
     * NMRR: IR3=01 at [7:6] -> 0x40, OR3=10 at [23:22] -> 0x800000: 0x00800040. */
    r.prrr = 0x00040080u;
    r.nmrr = 0x00800040u;
    section_case(&r, &va, 0, 1, 1, 0, (Want){Mem_Normal, WBWA, WT, true}, "IR3=01 OR3=10 NS0=1");
    r.prrr = 0x000000c0u; /* TR3 = 11: reserved -> Strongly-ordered here */
    section_case(&r, &va, 0, 1, 1, 0, (Want){Mem_StronglyOrdered, NC, NC, true}, "TR3=11 reserved");
}

static void test_pages_and_bits(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();
    map_l1(0x00200000u, l1_pagetable(0x80004000u, 0, 0));
    /* small page: TEX at [8:6]; TEX=101 C=0 B=1: outer BB=01 WB-WA, inner AA=01 WB-WA; S, nG */
    map_l2(0x80004000u, 0x00201000u, l2_small(0x85000000u, A(.ap = 3, .tex = 5, .b = 1, .s = 1, .ng = 1)));
    /* large page: TEX at [14:12]; TEX=110 C=1 B=0: outer BB=10 WT, inner AA=10 WT */
    for (uint32_t i = 0; i < 16; i++)
        map_l2(0x80004000u, 0x00210000u + (i << 12), l2_large(0x86000000u, A(.ap = 3, .tex = 6, .c = 1)));
    check(&r, 0x00201000u, (Want){Mem_Normal, WBWA, WBWA, true}, "small page TEX=101 C=0 B=1 S=1");
    check(&r, 0x00213000u, (Want){Mem_Normal, WT, WT, false}, "large page TEX=110 C=1 B=0 S=0");
    TranslationResult t = xlate(&r, 0x00201000u, Access_Read, true);
    tap_ok(t.ng, "small page nG (bit 11)");
    t = xlate(&r, 0x00213000u, Access_Read, true);
    tap_ok(!t.ng && !t.shareable, "large page global, S=0");
    map_l2(0x80004000u, 0x00220000u, l2_small(0x85000000u, A(.ap = 3, .s = 1)) | 1u << 11);
    t = xlate(&r, 0x00220000u, Access_Read, true);
    tap_ok(t.ng, "small page with raw bit 11 set: nG");
    for (uint32_t i = 0; i < 16; i++)
        map_l2(0x80004000u, 0x00230000u + (i << 12), l2_large(0x86000000u, A(.ap = 3, .ng = 1, .s = 1, .c = 1, .b = 1)));
    t = xlate(&r, 0x00230000u, Access_Read, true);
    tap_ok(t.ng && t.shareable, "large page nG (bit 11) and S (bit 10)");
    map_l1(0x10000000u, l1_section(0x80000000u, A(.ap = 3, .ng = 1, .s = 1, .c = 1)));
    t = xlate(&r, 0x10000000u, Access_Read, true);
    tap_ok(t.ng && t.shareable, "section nG (bit 17) and S (bit 16)");
    for (uint32_t i = 0; i < 16; i++)
        map_l1(0x20000000u + (i << 20), l1_supersection(0x90000000u, A(.ap = 3, .ng = 1, .tex = 1, .c = 1, .b = 1)));
    t = xlate(&r, 0x20000000u, Access_Read, true);
    tap_ok(t.ng && !t.shareable && t.memtype == Mem_Normal && t.inner == WBWA, "supersection nG, TEX=001 C=1 B=1");
}

int main(void)
{
    test_tre0();
    test_tre1_linux();
    test_pages_and_bits();
    return tap_done();
}
