#include "cp15.h"

#include <stdio.h>
#include <string.h>

typedef struct Cp15Entry {
    uint8_t opc1, crn, crm, opc2;
    Cp15Class cls;
    bool translation;
    const char *name;
} Cp15Entry;

/* ARM ARM B4.2: the cp15 registers and operations mmuscope names. */
static const Cp15Entry table32[] = {
    {2, 0, 0, 0, Cp15_Register, false, "CSSELR"},
    {0, 1, 0, 0, Cp15_Register, true, "SCTLR"},
    {0, 1, 0, 1, Cp15_Register, false, "ACTLR"},
    {0, 1, 0, 2, Cp15_Register, false, "CPACR"},
    {0, 2, 0, 0, Cp15_Register, true, "TTBR0"},
    {0, 2, 0, 1, Cp15_Register, true, "TTBR1"},
    {0, 2, 0, 2, Cp15_Register, true, "TTBCR"},
    {0, 3, 0, 0, Cp15_Register, true, "DACR"},
    {0, 5, 0, 0, Cp15_Register, false, "DFSR"},
    {0, 5, 0, 1, Cp15_Register, false, "IFSR"},
    {0, 6, 0, 0, Cp15_Register, false, "DFAR"},
    {0, 6, 0, 2, Cp15_Register, false, "IFAR"},
    {0, 7, 4, 0, Cp15_Register, false, "PAR"},
    {0, 10, 2, 0, Cp15_Register, true, "PRRR"},   /* MAIR0 when TTBCR.EAE */
    {0, 10, 2, 1, Cp15_Register, true, "NMRR"},   /* MAIR1 when TTBCR.EAE */
    {0, 12, 0, 0, Cp15_Register, false, "VBAR"},
    {0, 13, 0, 0, Cp15_Register, true, "FCSEIDR"},
    {0, 13, 0, 1, Cp15_Register, true, "CONTEXTIDR"},
    {0, 13, 0, 2, Cp15_Register, false, "TPIDRURW"},
    {0, 13, 0, 3, Cp15_Register, false, "TPIDRURO"},
    {0, 13, 0, 4, Cp15_Register, false, "TPIDRPRW"},
    /* TLB maintenance, B4.2.3 */
    {0, 8, 7, 0, Cp15_Tlb, true, "TLBIALL"},
    {0, 8, 7, 1, Cp15_Tlb, true, "TLBIMVA"},
    {0, 8, 7, 2, Cp15_Tlb, true, "TLBIASID"},
    {0, 8, 7, 3, Cp15_Tlb, true, "TLBIMVAA"},
    {0, 8, 7, 5, Cp15_Tlb, true, "TLBIMVAL"},
    {0, 8, 7, 7, Cp15_Tlb, true, "TLBIMVAAL"},
    {0, 8, 3, 0, Cp15_Tlb, true, "TLBIALLIS"},
    {0, 8, 3, 1, Cp15_Tlb, true, "TLBIMVAIS"},
    {0, 8, 3, 2, Cp15_Tlb, true, "TLBIASIDIS"},
    {0, 8, 3, 3, Cp15_Tlb, true, "TLBIMVAAIS"},
    {0, 8, 3, 5, Cp15_Tlb, true, "TLBIMVALIS"},
    {0, 8, 3, 7, Cp15_Tlb, true, "TLBIMVAALIS"},
    {0, 8, 5, 0, Cp15_Tlb, true, "ITLBIALL"},
    {0, 8, 5, 1, Cp15_Tlb, true, "ITLBIMVA"},
    {0, 8, 5, 2, Cp15_Tlb, true, "ITLBIASID"},
    {0, 8, 6, 0, Cp15_Tlb, true, "DTLBIALL"},
    {0, 8, 6, 1, Cp15_Tlb, true, "DTLBIMVA"},
    {0, 8, 6, 2, Cp15_Tlb, true, "DTLBIASID"},
    /* cache and branch predictor maintenance, barriers, B4.2.1 */
    {0, 7, 1, 0, Cp15_Cache, false, "ICIALLUIS"},
    {0, 7, 1, 6, Cp15_Cache, false, "BPIALLIS"},
    {0, 7, 5, 0, Cp15_Cache, false, "ICIALLU"},
    {0, 7, 5, 1, Cp15_Cache, false, "ICIMVAU"},
    {0, 7, 5, 4, Cp15_Cache, false, "CP15ISB"},
    {0, 7, 5, 6, Cp15_Cache, false, "BPIALL"},
    {0, 7, 5, 7, Cp15_Cache, false, "BPIMVA"},
    {0, 7, 6, 1, Cp15_Cache, false, "DCIMVAC"},
    {0, 7, 6, 2, Cp15_Cache, false, "DCISW"},
    {0, 7, 10, 1, Cp15_Cache, false, "DCCMVAC"},
    {0, 7, 10, 2, Cp15_Cache, false, "DCCSW"},
    {0, 7, 10, 4, Cp15_Cache, false, "CP15DSB"},
    {0, 7, 10, 5, Cp15_Cache, false, "CP15DMB"},
    {0, 7, 11, 1, Cp15_Cache, false, "DCCMVAU"},
    {0, 7, 14, 1, Cp15_Cache, false, "DCCIMVAC"},
    {0, 7, 14, 2, Cp15_Cache, false, "DCCISW"},
    {0, 7, 8, 0, Cp15_AddressTranslation, false, "ATS1CPR"},
    {0, 7, 8, 1, Cp15_AddressTranslation, false, "ATS1CPW"},
    {0, 7, 8, 2, Cp15_AddressTranslation, false, "ATS1CUR"},
    {0, 7, 8, 3, Cp15_AddressTranslation, false, "ATS1CUW"},
    {0, 14, 0, 0, Cp15_Register, false, "CNTFRQ"},
    {0, 14, 1, 0, Cp15_Register, false, "CNTKCTL"},
    {0, 14, 2, 0, Cp15_Register, false, "CNTP_TVAL"},
    {0, 14, 2, 1, Cp15_Register, false, "CNTP_CTL"},
    {0, 14, 3, 0, Cp15_Register, false, "CNTV_TVAL"},
    {0, 14, 3, 1, Cp15_Register, false, "CNTV_CTL"},
};

/* MCRR (64-bit) registers: opc1, CRm */
static const Cp15Entry table64[] = {
    {0, 0, 2, 0, Cp15_Register, true, "TTBR0"},
    {1, 0, 2, 0, Cp15_Register, true, "TTBR1"},
    {0, 0, 7, 0, Cp15_Register, false, "PAR"},
    {2, 0, 14, 0, Cp15_Register, false, "CNTP_CVAL"},
    {3, 0, 14, 0, Cp15_Register, false, "CNTV_CVAL"},
};

static void lookup(Cp15Op *op)
{
    const Cp15Entry *t = op->is64 ? table64 : table32;
    size_t n = op->is64 ? sizeof table64 / sizeof *table64 : sizeof table32 / sizeof *table32;
    op->name = NULL;
    op->cls = Cp15_Register;
    op->affects_translation = false;
    for (size_t i = 0; i < n; i++) {
        if (t[i].opc1 == op->opc1 && t[i].crm == op->crm &&
            (op->is64 || (t[i].crn == op->crn && t[i].opc2 == op->opc2))) {
            op->name = t[i].name;
            op->cls = t[i].cls;
            op->affects_translation = t[i].translation;
            return;
        }
    }
    if (!op->is64 && op->crn == 8) {
        op->cls = Cp15_Tlb;
        op->affects_translation = true;
    } else if (!op->is64 && op->crn == 7) {
        op->cls = Cp15_Cache;
    }
}

/* The MCR/MCRR fields below bit 28 are laid out alike in A32 (A1) and T32 (T1):
 * A8.8.98 MCR:  cond/1110 1110 opc1:3 0 CRn Rt 1111 opc2:3 1 CRm
 * A8.8.99 MCRR: cond/1110 1100 0100 Rt2 Rt 1111 opc1:4 CRm
 * (A32: cond in [31:28]; T32: hw1 << 16 | hw2 with 0b1110 in [31:28]). */
static bool decode_fields(uint32_t insn, Cp15Op *op)
{
    if ((insn & 0x0F100F10u) == 0x0E000F10u) {
        op->opc1 = (insn >> 21) & 7;
        op->crn = (insn >> 16) & 15;
        op->rt = (insn >> 12) & 15;
        op->opc2 = (insn >> 5) & 7;
        op->crm = insn & 15;
    } else if ((insn & 0x0FF00F00u) == 0x0C400F00u) {
        op->is64 = true;
        op->rt2 = (insn >> 16) & 15;
        op->rt = (insn >> 12) & 15;
        op->opc1 = (insn >> 4) & 15;
        op->crm = insn & 15;
    } else {
        return false;
    }
    lookup(op);
    return true;
}

bool cp15_decode_a32(uint32_t insn, Cp15Op *op)
{
    memset(op, 0, sizeof *op);
    op->cond = insn >> 28;
    if (op->cond == 0xF)
        return false; /* MCR2/MCRR2: not cp15 */
    return decode_fields(insn, op);
}

bool cp15_decode_t32(uint32_t insn, Cp15Op *op)
{
    memset(op, 0, sizeof *op);
    op->cond = 0xE;
    if (insn >> 28 != 0xE)
        return false; /* 0b1111: MCR2/MCRR2 */
    return decode_fields(insn, op);
}

const char *cp15_name(const Cp15Op *op, char *buf, int n)
{
    if (op->name)
        return op->name;
    if (op->is64)
        snprintf(buf, (size_t)n, "cp15:%u,c%u", op->opc1, op->crm);
    else
        snprintf(buf, (size_t)n, "cp15:%u,c%u,c%u,%u", op->opc1, op->crn, op->crm, op->opc2);
    return buf;
}

/* A8.3 conditional execution */
bool cond_passed(uint8_t cond, uint32_t cpsr)
{
    bool n = cpsr >> 31 & 1, z = cpsr >> 30 & 1, c = cpsr >> 29 & 1, v = cpsr >> 28 & 1;
    bool r;
    switch (cond >> 1) {
    case 0: r = z; break;
    case 1: r = c; break;
    case 2: r = n; break;
    case 3: r = v; break;
    case 4: r = c && !z; break;
    case 5: r = n == v; break;
    case 6: r = !z && n == v; break;
    default: return true; /* AL (and the unconditional space, handled elsewhere) */
    }
    return (cond & 1) ? !r : r;
}
