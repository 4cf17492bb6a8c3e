/* v7_short_format: the one-line rendering used by --translate (see v7_short.h).
 * Each expected line is composed by hand from the descriptor bits (ARM ARM DDI 0406C
 * B3.5.1 formats, Table B3-8/B3-9 permissions, Table B3-10/B3.8.3 memory types). */
#include "tap.h"
#include "v7_tables.h"

static void expect_line(const V7ShortRegs *r, uint32_t va, const char *want, const char *what)
{
    TranslationResult t;
    char buf[160];
    v7_short_translate(r, &pm, va, Access_Read, true, &t);
    int n = v7_short_format(&t, buf, sizeof buf);
    tap_is_str(buf, want, "%s", what);
    tap_is((uint64_t)n, strlen(want), "%s: return value is the length", what);
}

int main(void)
{
    ram_reset();
    V7ShortRegs r = regs_default();

    /* 0x8000140e: PA 0x800, TEX=001 (0x1000), AP[1:0]=01 (0x400), C, B, 0b10, domain 0, XN=0, S=0, nG=0.
     * AP=001 -> PL1 RW, PL0 none; TEX=001 C=1 B=1 -> Normal outer and inner WB-WA. */
    tap_is(l1_section(0x80000000u, A(.ap = 1, .tex = 1, .c = 1, .b = 1)), 0x8000140eu, "builder: 0x8000140e");
    map_l1(0xc0000000u, 0x8000140eu);
    expect_line(&r, 0xc0008000u, "0xc0008000 -> 0x80008000 1M-section pl1=rw pl0=-- x global dom=0 normal-wb-wa/wb-wa",
                "kernel section (TRE=0)");
    expect_line(&r, 0xb0000000u, "0xb0000000 -> fault translation level 1", "unmapped VA");

    /* Linux kernel section 0x80011c0e with the Linux remap: AP=011 RW/RW, index 7 Normal WB-WA, S=1 -> NS1=1 */
    V7ShortRegs lr = r;
    lr.sctlr |= SCTLR_TRE;
    lr.prrr = 0xff0a81a8u;
    lr.nmrr = 0x40e040e0u;
    map_l1(0xc0100000u, 0x80111c0eu);
    expect_line(&lr, 0xc0100000u,
                "0xc0100000 -> 0x80100000 1M-section pl1=rw pl0=rw x global dom=0 normal-wb-wa/wb-wa shared",
                "Linux mm_mmuflags section (TRE=1)");
    expect_line(&lr, 0xc0008000u, "0xc0008000 -> 0x80008000 1M-section pl1=rw pl0=-- x global dom=0 normal-wb-wa/wb-wa",
                "0x8000140e under the Linux remap: index 7, S=0 -> NS0=0");

    /* supersection 0x2_3400_0000, AP=011, TEX=000 C=0 B=0: Strongly-ordered, always shareable */
    for (uint32_t i = 0; i < 16; i++)
        map_l1(0x40000000u + (i << 20), l1_supersection(UINT64_C(0x234000000), A(.ap = 3)));
    expect_line(&r, 0x40abcdefu,
                "0x40abcdef -> 0x234abcdef 16M-supersection pl1=rw pl0=rw x global dom=0 strongly-ordered shared",
                "supersection above 4GB");

    /* small page in domain 1: AP=010 RW/RO, XN, nG, S, TEX=000 C=0 B=1 Shareable Device */
    map_l1(0x00200000u, l1_pagetable(0x80004000u, 1, 0));
    map_l2(0x80004000u, 0x00234000u, l2_small(0x85678000u, A(.ap = 2, .xn = 1, .ng = 1, .s = 1, .b = 1)));
    expect_line(&r, 0x00234abcu, "0x00234abc -> 0x85678abc 4K-page pl1=rw pl0=ro xn ng dom=1 device shared",
                "small page, device");

    /* large page under a PXN page table in domain 2: AP=101 RO/none, TEX=000 C=1 B=0 Normal WT, S=0 */
    map_l1(0x00300000u, l1_pagetable(0x80004400u, 2, 1));
    for (uint32_t i = 0; i < 16; i++)
        map_l2(0x80004400u, 0x00350000u + (i << 12), l2_large(0x8abc0000u, A(.ap = 5, .c = 1)));
    expect_line(&r, 0x0035f123u, "0x0035f123 -> 0x8abcf123 64K-large-page pl1=ro pl0=-- x pxn global dom=2 normal-wt/wt",
                "large page, pxn");
    V7ShortRegs np = r;
    np.has_pxn = false;
    expect_line(&np, 0x0035f123u, "0x0035f123 -> 0x8abcf123 64K-large-page pl1=ro pl0=-- x global dom=2 normal-wt/wt",
                "large page, PXN not implemented");

    /* Manager domain 3 (DACR[7:6]=11): AP=000 still printed as --/--; TEX=010 Non-shareable Device, S ignored */
    V7ShortRegs mr = r;
    mr.dacr = 0x55555555u | 3u << 6;
    map_l1(0x10000000u, l1_section(0x80000000u, A(.ap = 0, .dom = 3, .tex = 2, .s = 1)));
    expect_line(&mr, 0x10000000u, "0x10000000 -> 0x80000000 1M-section pl1=-- pl0=-- x global dom=3 device",
                "manager domain, AP=000");
    /* the same section with domain 3 a Client (default DACR): AP=000 -> Permission fault */
    expect_line(&r, 0x10000000u, "0x10000000 -> fault permission level 1", "client domain, AP=000");

    /* AFE=1: AP[2:1] model. AP=111 -> RO/RO; AP=011 -> RW/RW; AP=110 has AF=0 */
    V7ShortRegs ar = r;
    ar.sctlr |= SCTLR_AFE;
    map_l1(0x11000000u, l1_section(0x80000000u, A(.ap = 7, .tex = 1, .s = 1)));
    map_l1(0x11100000u, l1_section(0x80000000u, A(.ap = 3, .tex = 1)));
    map_l1(0x11200000u, l1_section(0x80000000u, A(.ap = 6, .tex = 1)));
    expect_line(&ar, 0x11000000u, "0x11000000 -> 0x80000000 1M-section pl1=ro pl0=ro x global dom=0 normal-nc/nc shared",
                "AFE=1 AP[2:1]=11");
    expect_line(&ar, 0x11100000u, "0x11100000 -> 0x80000000 1M-section pl1=rw pl0=rw x global dom=0 normal-nc/nc",
                "AFE=1 AP[2:1]=01");
    expect_line(&ar, 0x11200000u, "0x11200000 -> fault access_flag level 1", "AFE=1 AF=0");
    map_l2(0x80004000u, 0x00201000u, l2_small(0x85000000u, A(.ap = 2)));
    expect_line(&ar, 0x00201000u, "0x00201000 -> fault access_flag level 2", "AFE=1 AF=0 page");

    /* permission / domain / external faults as a privileged read */
    map_l1(0x12000000u, l1_section(0x80000000u, A(.ap = 0)));
    expect_line(&r, 0x12000000u, "0x12000000 -> fault permission level 1", "AP=000 client");
    V7ShortRegs dr = r;
    dr.dacr = 0x55555555u & ~(3u << 2); /* domain 1 No access */
    expect_line(&dr, 0x00234abcu, "0x00234abc -> fault domain level 2", "page in a No-access domain");
    V7ShortRegs er = r;
    er.ttbr0 = 0x10000000u;
    expect_line(&er, 0x00345678u, "0x00345678 -> fault external_walk level 1", "L1 table outside RAM");
    V7ShortRegs off = r;
    off.sctlr = 0;
    expect_line(&off, 0x12345678u, "0x12345678 -> 0x12345678 flat", "MMU off");

    /* snprintf semantics: truncated output, full length returned */
    TranslationResult t;
    char small[10];
    v7_short_translate(&r, &pm, 0xb0000000u, Access_Read, true, &t);
    int n = v7_short_format(&t, small, sizeof small);
    tap_is((uint64_t)n, strlen("0xb0000000 -> fault translation level 1"), "truncated: returns the full length");
    tap_is_str(small, "0xb000000", "truncated: NUL-terminated prefix");
    return tap_done();
}
