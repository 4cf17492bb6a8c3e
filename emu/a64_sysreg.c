/* AArch64 system-register writes and system instructions (TLBI, DC, IC, AT), observed with
 * Unicorn's UC_HOOK_INSN for MSR and SYS (shared/ENGINE.md section 4). Measured on 2.0.1: the
 * hook runs before the instruction with the value to be written in cp_reg->val and the PC on
 * the instruction; returning 0 lets it execute. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

typedef enum A64Class { A64_Register, A64_Tlb, A64_Cache, A64_At } A64Class;

typedef struct A64Name {
    uint8_t op0, op1, crn, crm, op2;
    A64Class cls;
    bool translation; /* a register the walker reads (TLBIs: observer_tlb_maintenance) */
    const char *name;
} A64Name;

/* ARM ARM DDI0487 D13 (system registers) and C5.5 (TLBI, DC, IC, AT encodings). */
static const A64Name names[] = {
    {2, 0, 0, 2, 2, A64_Register, false, "MDSCR_EL1"},
    {3, 3, 4, 2, 1, A64_Register, false, "DAIF"},
    {3, 0, 1, 0, 0, A64_Register, true, "SCTLR_EL1"},
    {3, 0, 1, 0, 2, A64_Register, false, "CPACR_EL1"},
    {3, 0, 2, 0, 0, A64_Register, true, "TTBR0_EL1"},
    {3, 0, 2, 0, 1, A64_Register, true, "TTBR1_EL1"},
    {3, 0, 2, 0, 2, A64_Register, true, "TCR_EL1"},
    {3, 0, 4, 0, 0, A64_Register, false, "SPSR_EL1"},
    {3, 0, 4, 0, 1, A64_Register, false, "ELR_EL1"},
    {3, 0, 4, 1, 0, A64_Register, false, "SP_EL0"},
    {3, 0, 5, 2, 0, A64_Register, false, "ESR_EL1"},
    {3, 0, 6, 0, 0, A64_Register, false, "FAR_EL1"},
    {3, 0, 10, 2, 0, A64_Register, true, "MAIR_EL1"},
    {3, 0, 10, 3, 0, A64_Register, false, "AMAIR_EL1"},
    {3, 0, 12, 0, 0, A64_Register, false, "VBAR_EL1"},
    {3, 0, 13, 0, 1, A64_Register, true, "CONTEXTIDR_EL1"},
    {3, 0, 13, 0, 4, A64_Register, false, "TPIDR_EL1"},
    {3, 0, 14, 1, 0, A64_Register, false, "CNTKCTL_EL1"},
    {3, 3, 14, 2, 0, A64_Register, false, "CNTP_TVAL_EL0"},
    {3, 3, 14, 2, 1, A64_Register, false, "CNTP_CTL_EL0"},
    {3, 3, 14, 2, 2, A64_Register, false, "CNTP_CVAL_EL0"},
    {3, 3, 14, 3, 0, A64_Register, false, "CNTV_TVAL_EL0"},
    {3, 3, 14, 3, 1, A64_Register, false, "CNTV_CTL_EL0"},
    {3, 3, 14, 3, 2, A64_Register, false, "CNTV_CVAL_EL0"},
    {3, 4, 1, 0, 0, A64_Register, false, "SCTLR_EL2"},
    {3, 4, 1, 1, 0, A64_Register, false, "HCR_EL2"},
    {3, 4, 4, 0, 0, A64_Register, false, "SPSR_EL2"},
    {3, 4, 4, 0, 1, A64_Register, false, "ELR_EL2"},
    {3, 4, 12, 0, 0, A64_Register, false, "VBAR_EL2"},
    {3, 4, 14, 1, 0, A64_Register, false, "CNTHCTL_EL2"},
    {3, 4, 14, 0, 3, A64_Register, false, "CNTVOFF_EL2"},
    /* TLBI, op0 = 1, CRn = 8 */
    {1, 0, 8, 7, 0, A64_Tlb, false, "VMALLE1"},
    {1, 0, 8, 7, 1, A64_Tlb, false, "VAE1"},
    {1, 0, 8, 7, 2, A64_Tlb, false, "ASIDE1"},
    {1, 0, 8, 7, 3, A64_Tlb, false, "VAAE1"},
    {1, 0, 8, 7, 5, A64_Tlb, false, "VALE1"},
    {1, 0, 8, 7, 7, A64_Tlb, false, "VAALE1"},
    {1, 0, 8, 3, 0, A64_Tlb, false, "VMALLE1IS"},
    {1, 0, 8, 3, 1, A64_Tlb, false, "VAE1IS"},
    {1, 0, 8, 3, 2, A64_Tlb, false, "ASIDE1IS"},
    {1, 0, 8, 3, 3, A64_Tlb, false, "VAAE1IS"},
    {1, 0, 8, 3, 5, A64_Tlb, false, "VALE1IS"},
    {1, 0, 8, 3, 7, A64_Tlb, false, "VAALE1IS"},
    /* cache maintenance, op0 = 1, CRn = 7 */
    {1, 0, 7, 1, 0, A64_Cache, false, "IC IALLUIS"},
    {1, 0, 7, 5, 0, A64_Cache, false, "IC IALLU"},
    {1, 3, 7, 5, 1, A64_Cache, false, "IC IVAU"},
    {1, 0, 7, 6, 1, A64_Cache, false, "DC IVAC"},
    {1, 0, 7, 6, 2, A64_Cache, false, "DC ISW"},
    {1, 0, 7, 10, 2, A64_Cache, false, "DC CSW"},
    {1, 0, 7, 14, 2, A64_Cache, false, "DC CISW"},
    {1, 3, 7, 4, 1, A64_Cache, false, "DC ZVA"},
    {1, 3, 7, 10, 1, A64_Cache, false, "DC CVAC"},
    {1, 3, 7, 11, 1, A64_Cache, false, "DC CVAU"},
    {1, 3, 7, 14, 1, A64_Cache, false, "DC CIVAC"},
    /* address translation */
    {1, 0, 7, 8, 0, A64_At, false, "AT S1E1R"},
    {1, 0, 7, 8, 1, A64_At, false, "AT S1E1W"},
    {1, 0, 7, 8, 2, A64_At, false, "AT S1E0R"},
    {1, 0, 7, 8, 3, A64_At, false, "AT S1E0W"},
};

static const A64Name *lookup(const uc_arm64_cp_reg *r)
{
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const A64Name *n = &names[i];
        if (n->op0 == r->op0 && n->op1 == r->op1 && n->crn == r->crn && n->crm == r->crm && n->op2 == r->op2)
            return n;
    }
    return NULL;
}

uint64_t a64_sysreg_read(Machine *m, int op0, int op1, int crn, int crm, int op2)
{
    uc_arm64_cp_reg r = {.crn = (uint32_t)crn, .crm = (uint32_t)crm, .op0 = (uint32_t)op0,
                         .op1 = (uint32_t)op1, .op2 = (uint32_t)op2, .val = 0};
    uc_reg_read(m->uc, UC_ARM64_REG_CP_REG, &r);
    return r.val;
}

void a64_sysreg_write(Machine *m, int op0, int op1, int crn, int crm, int op2, uint64_t v)
{
    uc_arm64_cp_reg r = {.crn = (uint32_t)crn, .crm = (uint32_t)crm, .op0 = (uint32_t)op0,
                         .op1 = (uint32_t)op1, .op2 = (uint32_t)op2, .val = v};
    uc_reg_write(m->uc, UC_ARM64_REG_CP_REG, &r);
}

void a64_sync_regs(Machine *m)
{
    A64Regs *r = &m->a64r;
    r->sctlr = a64_sysreg_read(m, 3, 0, 1, 0, 0);
    r->ttbr0 = a64_sysreg_read(m, 3, 0, 2, 0, 0);
    r->ttbr1 = a64_sysreg_read(m, 3, 0, 2, 0, 1);
    r->tcr = a64_sysreg_read(m, 3, 0, 2, 0, 2);
    r->mair = a64_sysreg_read(m, 3, 0, 10, 2, 0);
    r->contextidr = a64_sysreg_read(m, 3, 0, 13, 0, 1);
    r->vbar = a64_sysreg_read(m, 3, 0, 12, 0, 0);
}

/* Applies a write to the shadow before the engine performs it, and reports MMU on/off. */
static void shadow_write(Machine *m, const A64Name *n, uint64_t v, uint64_t pc, const char *asmj)
{
    A64Regs *r = &m->a64r;
    uint64_t before = r->sctlr;
    if (!strcmp(n->name, "SCTLR_EL1")) r->sctlr = v;
    else if (!strcmp(n->name, "TTBR0_EL1")) r->ttbr0 = v;
    else if (!strcmp(n->name, "TTBR1_EL1")) r->ttbr1 = v;
    else if (!strcmp(n->name, "TCR_EL1")) r->tcr = v;
    else if (!strcmp(n->name, "MAIR_EL1")) r->mair = v;
    else if (!strcmp(n->name, "CONTEXTIDR_EL1")) r->contextidr = v;
    else if (!strcmp(n->name, "VBAR_EL1")) r->vbar = v;
    observer_new_generation(m);
    if (!(before & 1) && (r->sctlr & 1))
        event_emit(m->ev, Ev_MmuEnable, pc, m->insns, "\"sctlr\":\"0x%016llx\",\"asm\":\"%s\"",
                   (unsigned long long)r->sctlr, asmj);
    else if ((before & 1) && !(r->sctlr & 1))
        event_emit(m->ev, Ev_MmuDisable, pc, m->insns, "\"sctlr\":\"0x%016llx\",\"asm\":\"%s\"",
                   (unsigned long long)r->sctlr, asmj);
}

/* AT S1E1R/W, S1E0R/W (DDI 0487 C5.5): Unicorn 2.0.1 executes them without writing PAR_EL1
 * (shared/ENGINE.md, measured), and Linux's is_spurious_el1_translation_fault() trusts PAR.F:
 * a stale PAR made it treat a real kernel fault as spurious and retry it for ever. PAR_EL1
 * (D13.2.112): F = 0: PA[47:12], SH[8:7], NS (9), bit 11 RES1, ATTR[63:56]; F = 1: FST[6:1]. */
static void address_translate(Machine *m, const A64Name *n, uint64_t va)
{
    bool write = n->op2 & 1, el0 = n->op2 & 2;
    Xlate x;
    machine_translate(m, va, write ? Access_Write : Access_Read, !el0, &x);
    uint64_t par = 1ull << 11;
    if (x.ok)
        par |= (x.pa & 0x0000fffffffff000ull) | (uint64_t)(x.sh & 3) << 7 | 1ull << 9 | (uint64_t)x.mair_attr << 56;
    else
        par |= 1 | (uint64_t)(fault_esr_fsc(&x.fault) & 0x3f) << 1;
    a64_sysreg_write(m, 3, 0, 7, 4, 0, par);
}

static uint32_t on_sys(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
    (void)uc;
    (void)reg;
    Machine *m = user;
    if (m->probing)
        return 0;
    uint64_t pc = machine_pc(m);
    const A64Name *n = lookup(cp);
    char nb[48], dis[96], asmj[120];
    const char *name = n ? n->name : nb;
    if (!n)
        snprintf(nb, sizeof nb, "S%u_%u_C%u_C%u_%u", cp->op0, cp->op1, cp->crn, cp->crm, cp->op2);
    A64Class cls = n ? n->cls : (cp->op0 == 1 && cp->crn == 8 ? A64_Tlb : cp->op0 == 1 ? A64_Cache : A64_Register);
    static const EventKind kind_of[] = {[A64_Register] = Ev_SysregWrite, [A64_Tlb] = Ev_TlbMaintenance,
                                        [A64_Cache] = Ev_CacheMaintenance, [A64_At] = Ev_AddressTranslation};
    asmj[0] = 0;
    /* disassembled only for events that are written: a boot does millions of DC CVAUs */
    if (event_wanted(m->ev, kind_of[cls]) || (n && n->translation && (event_wanted(m->ev, Ev_MmuEnable) || event_wanted(m->ev, Ev_MmuDisable)))) {
        disasm_one(m, pc, false, dis, sizeof dis);
        json_escape(asmj, sizeof asmj, dis);
    }
    switch (cls) {
    case A64_Register:
        event_emit(m->ev, Ev_SysregWrite, pc, m->insns, "\"reg\":\"%s\",\"value\":\"0x%016llx\",\"asm\":\"%s\"",
                   name, (unsigned long long)cp->val, asmj);
        break;
    case A64_Tlb:
        event_emit(m->ev, Ev_TlbMaintenance, pc, m->insns, "\"op\":\"%s\",\"value\":\"0x%016llx\",\"asm\":\"%s\"",
                   name, (unsigned long long)cp->val, asmj);
        observer_tlb_maintenance(m, name, cp->val);
        break;
    case A64_Cache:
        event_emit(m->ev, Ev_CacheMaintenance, pc, m->insns,
                   "\"op\":\"%s\",\"value\":\"0x%016llx\",\"asm\":\"%s\"", name, (unsigned long long)cp->val, asmj);
        break;
    case A64_At:
        event_emit(m->ev, Ev_AddressTranslation, pc, m->insns,
                   "\"op\":\"%s\",\"value\":\"0x%016llx\",\"asm\":\"%s\"", name, (unsigned long long)cp->val, asmj);
        if (n) {
            address_translate(m, n, cp->val);
            return 1; /* PAR_EL1 written by mmuscope's walker; the engine's AT leaves PAR alone */
        }
        break;
    }
    if (n && n->translation)
        shadow_write(m, n, cp->val, pc, asmj);
    else if (n && !strcmp(n->name, "VBAR_EL1")) {
        m->a64r.vbar = cp->val;
        a64_vbar_changed(m, cp->val);
    }
    if (gtimer_write(m, cp))
        return 1; /* the timers are mmuscope's (gtimer.c): the engine's copy is not used */
    return 0; /* let the instruction execute */
}

bool a64_sysreg_attach(Machine *m, char *err, size_t errlen)
{
    uc_hook h;
    uc_err e = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)on_sys, m, 1, 0, UC_ARM64_INS_MSR);
    if (e == UC_ERR_OK)
        e = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)on_sys, m, 1, 0, UC_ARM64_INS_SYS);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot add the MSR/SYS hooks: %s", uc_strerror(e));
        return false;
    }
    return true;
}
