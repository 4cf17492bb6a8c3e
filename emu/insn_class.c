/* Instruction classes for the cycle model, counted once per translation block with capstone:
 * ALU, multiply, load, store, branch, system, and loads whose result the next instruction
 * uses (load-to-use). The classes are the cycle model's (tlb/tlb.h TlbInsnClass). */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

static bool starts(const char *s, const char *p)
{
    return !strncmp(s, p, strlen(p));
}

static bool is_system(const char *mn)
{
    static const char *const sys[] = {"mcr", "mrc", "msr", "mrs", "sys", "tlbi", "dc", "ic", "at", "isb", "dsb",
                                      "dmb", "svc", "hvc", "smc", "eret", "wfi", "wfe", "cps", "srs", "rfe",
                                      "udf", "hlt", "brk", "bkpt", "clrex", NULL};
    for (int i = 0; sys[i]; i++)
        if (!strcmp(mn, sys[i]) || (starts(mn, sys[i]) && (mn[strlen(sys[i])] == '.' || mn[strlen(sys[i])] == 'r')))
            return true;
    return false;
}

/* A32/T32 mnemonics carry the condition ("mrcne", "ldrne.w"): drop it so the class tables
 * below see the base mnemonic. */
static const char *strip_cond(const cs_insn *in, char *buf, size_t n)
{
    const cs_detail *d = in->detail;
    if (!d || d->arm.cc == ARM_CC_INVALID || d->arm.cc == ARM_CC_AL)
        return in->mnemonic;
    static const char *const cc[] = {"eq", "ne", "hs", "cs", "lo", "cc", "mi", "pl", "vs",
                                     "vc", "hi", "ls", "ge", "lt", "gt", "le", NULL};
    snprintf(buf, n, "%s", in->mnemonic);
    char *dot = strchr(buf, '.');
    size_t end = dot ? (size_t)(dot - buf) : strlen(buf);
    if (end < 3)
        return in->mnemonic;
    for (int i = 0; cc[i]; i++) {
        if (!strncmp(buf + end - 2, cc[i], 2)) {
            memmove(buf + end - 2, buf + end, strlen(buf + end) + 1);
            return buf;
        }
    }
    return in->mnemonic;
}

static TlbInsnClass classify(const cs_insn *in, bool a64)
{
    char base[40];
    const char *mn = a64 ? in->mnemonic : strip_cond(in, base, sizeof base);
    const cs_detail *d = in->detail;
    if (is_system(mn))
        return TLB_C_SYSTEM;
    if (d) {
        for (int i = 0; i < d->groups_count; i++)
            if (d->groups[i] == CS_GRP_JUMP || d->groups[i] == CS_GRP_CALL || d->groups[i] == CS_GRP_RET)
                return TLB_C_BRANCH;
    }
    if (a64) {
        if (starts(mn, "ld") || starts(mn, "prfm"))
            return TLB_C_LOAD;
        if (starts(mn, "st"))
            return TLB_C_STORE;
        if (strstr(mn, "mul") || starts(mn, "madd") || starts(mn, "msub") || strstr(mn, "div") ||
            starts(mn, "smaddl") || starts(mn, "umaddl"))
            return TLB_C_MUL;
        return TLB_C_ALU;
    }
    if (starts(mn, "ldr") || starts(mn, "ldm") || starts(mn, "pop") || starts(mn, "ldrex") || starts(mn, "vldr") ||
        starts(mn, "vld") || starts(mn, "vpop") || starts(mn, "pld"))
        return TLB_C_LOAD;
    if (starts(mn, "str") || starts(mn, "stm") || starts(mn, "push") || starts(mn, "vstr") || starts(mn, "vst") ||
        starts(mn, "vpush"))
        return TLB_C_STORE;
    if (strstr(mn, "mul") || starts(mn, "mla") || starts(mn, "mls") || strstr(mn, "div") || starts(mn, "smla") ||
        starts(mn, "umla") || starts(mn, "umaal"))
        return TLB_C_MUL;
    if (starts(mn, "b") && (mn[1] == 0 || mn[1] == 'l' || mn[1] == 'x' || strlen(mn) == 3))
        return TLB_C_BRANCH; /* b, bl, blx, bx, beq ... without detail */
    return TLB_C_ALU;
}

/* Does `next` read a register that the load `ld` writes? */
static bool uses_result(csh h, const cs_insn *ld, const cs_insn *next)
{
    cs_regs r_rd, r_wr, n_rd, n_wr;
    uint8_t rr, rw, nr, nw;
    if (cs_regs_access(h, ld, r_rd, &rr, r_wr, &rw) != CS_ERR_OK ||
        cs_regs_access(h, next, n_rd, &nr, n_wr, &nw) != CS_ERR_OK)
        return false;
    for (int i = 0; i < rw; i++)
        for (int j = 0; j < nr; j++)
            if (r_wr[i] == n_rd[j])
                return true;
    return false;
}

void count_insn_classes(Machine *m, uint64_t va, uint32_t size, bool thumb, uint32_t counts[TLB_C_COUNT])
{
    memset(counts, 0, sizeof(uint32_t) * TLB_C_COUNT);
    uint8_t code[4096];
    if (!m->cs_ok || size == 0 || size > sizeof code || !fetch_code(m, va, code, size)) {
        counts[TLB_C_ALU] = m->a64 ? size / 4 : thumb ? size / 2 : size / 4; /* unreadable: all ALU */
        return;
    }
    csh h = m->a64 ? m->cs_a64 : thumb ? m->cs_thumb : m->cs_arm;
    cs_insn *in;
    size_t n = cs_disasm(h, code, size, va, 0, &in);
    for (size_t i = 0; i < n; i++) {
        TlbInsnClass c = classify(&in[i], m->a64);
        counts[c]++;
        if (c == TLB_C_LOAD && i + 1 < n && uses_result(h, &in[i], &in[i + 1]))
            counts[TLB_C_LOAD_USE]++;
    }
    if (n)
        cs_free(in, n);
}
