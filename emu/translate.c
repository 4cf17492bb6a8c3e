/* mmuscope's walker for whatever regime the guest is in: ARMv7 short descriptors, ARMv7 LPAE
 * (TTBCR.EAE = 1) or AArch64 EL1&0 stage 1. One entry point for the observer, exception
 * delivery, code fetches and --translate. */
#include <stdio.h>
#include <string.h>

#include "machine_internal.h"

#define TTBCR_EAE (1u << 31)

static uint64_t cp15_read64(Machine *m, int opc1, int crm)
{
    uc_arm_cp_reg r = {.cp = 15, .is64 = 1, .sec = 0, .crn = 0, .crm = (uint32_t)crm,
                       .opc1 = (uint32_t)opc1, .opc2 = 0, .val = 0};
    uc_reg_read(m->uc, UC_ARM_REG_CP_REG, &r);
    return r.val;
}

/* PA size of the model (ID_AA64MMFR0_EL1.PARange): A53 40 bits, A57/A72 44 bits (their TRMs);
 * the LPAE cores (A7, A15) 40 bits. */
static unsigned pa_bits(const Machine *m)
{
    return (!strcmp(m->cfg.cpu, "cortex-a57") || !strcmp(m->cfg.cpu, "cortex-a72")) ? 44 : 40;
}

bool machine_long_regs(Machine *m, LongDescRegs *r)
{
    memset(r, 0, sizeof *r);
    r->pa_range_bits = pa_bits(m);
    if (m->a64) {
        r->regime = Ld_AArch64;
        r->sctlr = m->a64r.sctlr;
        r->tcr = m->a64r.tcr;
        r->ttbr0 = m->a64r.ttbr0;
        r->ttbr1 = m->a64r.ttbr1;
        r->mair = m->a64r.mair;
        return true;
    }
    if (!(m->regs.ttbcr & TTBCR_EAE))
        return false;
    r->regime = Ld_AArch32_LPAE;
    r->sctlr = m->regs.sctlr;
    r->tcr = m->regs.ttbcr;
    r->ttbr0 = cp15_read64(m, 0, 2);
    r->ttbr1 = cp15_read64(m, 1, 2);
    r->mair = (uint64_t)m->regs.nmrr << 32 | m->regs.prrr; /* MAIR1:MAIR0 share PRRR/NMRR's encodings */
    return true;
}

bool machine_mmu_on(Machine *m)
{
    return m->a64 ? (m->a64r.sctlr & 1) : (m->regs.sctlr & SCTLR_M);
}

void machine_translate(Machine *m, uint64_t va, AccessType a, bool privileged, Xlate *x)
{
    memset(x, 0, sizeof *x);
    x->mmu_on = machine_mmu_on(m);
    LongDescRegs lr;
    if (machine_long_regs(m, &lr)) {
        LdResult r;
        x->ok = ld_translate(&lr, &m->pm, va, a, privileged, &r);
        x->pa = r.pa;
        x->fault = r.fault;
        ld_mapping_name(&r, x->mapping, sizeof x->mapping);
        x->mapped = r.kind && (!strcmp(r.kind, "page") || !strcmp(r.kind, "block")) &&
                    (r.fault.type == Fault_None || r.fault.type == Fault_Permission);
        x->size = r.size;
        x->level = r.level;
        x->start_level = r.start_level;
        x->fmt = r.granule == 16384 ? 2 : r.granule == 65536 ? 3 : 1;
        x->ttbr1 = r.ttbr1;
        x->global = !r.ng;
        x->asid = r.asid;
        x->perms = (uint8_t)(r.el1_r | r.el1_w << 1 | r.el1_x << 2 | r.el0_r << 3 | r.el0_w << 4 | r.el0_x << 5);
        x->ndesc = r.ndesc > 5 ? 5 : r.ndesc;
        memcpy(x->desc_pa, r.desc_pa, sizeof x->desc_pa);
        x->mair_attr = r.mair_attr;
        x->sh = r.sh;
        return;
    }
    TranslationResult r;
    x->ok = v7_short_translate(&m->regs, &m->pm, (uint32_t)va, a, privileged, &r);
    x->pa = r.pa;
    x->fault = r.fault;
    v7_short_mapping_name(&r, x->mapping, sizeof x->mapping);
    x->mapped = r.kind && (!strcmp(r.kind, "page") || !strcmp(r.kind, "large-page") || !strcmp(r.kind, "section") ||
                           !strcmp(r.kind, "supersection")) &&
                (r.fault.type == Fault_None || r.fault.type == Fault_Permission || r.fault.type == Fault_Domain);
    x->size = r.size;
    x->level = r.level;
    x->start_level = 1;
    x->fmt = 0;
    x->ttbr1 = r.ttbr1;
    x->global = !r.ng;
    x->asid = (uint16_t)(m->regs.contextidr & 0xff);
    x->perms = 0;
    if (x->mapped) { /* what an access would be allowed, asked of the walker itself */
        static const struct { AccessType a; bool priv; uint8_t bit; } q[] = {
            {Access_Read, true, 1}, {Access_Write, true, 2}, {Access_Fetch, true, 4},
            {Access_Read, false, 8}, {Access_Write, false, 16}, {Access_Fetch, false, 32}};
        for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
            TranslationResult t;
            if (v7_short_translate(&m->regs, &m->pm, (uint32_t)va, q[i].a, q[i].priv, &t))
                x->perms |= q[i].bit;
        }
    }
    x->ndesc = r.ndesc > 2 ? 2 : r.ndesc;
    for (int i = 0; i < x->ndesc; i++)
        x->desc_pa[i] = r.desc_pa[i];
}

/* An access of `size` bytes at va: translated page by page (an unaligned access may cross into
 * the next page, which can fault where the first does not: measured, Debian's installer, a
 * libc 8-byte store at 0x...7ff9). *x is the first page's translation, or the first faulting
 * page's; x->fault.va then holds the first byte in that page (QEMU splits such an access at
 * the boundary, so that is the FAR it would report). */
void machine_translate_access(Machine *m, uint64_t va, unsigned size, AccessType a, bool privileged, Xlate *x)
{
    machine_translate(m, va, a, privileged, x);
    if (!x->ok)
        x->fault.va = va;
    if (!x->ok || !x->mmu_on || size <= 1)
        return;
    uint64_t last = va + size - 1, page = x->size ? x->size : 4096;
    if ((va & ~(page - 1)) == (last & ~(page - 1)))
        return;
    Xlate next;
    uint64_t next_va = (va | (page - 1)) + 1;
    machine_translate(m, next_va, a, privileged, &next);
    if (!next.ok) {
        *x = next;
        x->fault.va = next_va;
    }
}

/* Whether va can be fetched privileged (an exception vector: fetched at EL1/PL1 whatever the
 * exception comes from): mapped for a privileged fetch, and backed by RAM. */
bool machine_fetchable_privileged(Machine *m, uint64_t va)
{
    Xlate x;
    machine_translate(m, va, Access_Fetch, true, &x);
    return (x.ok || !x.mmu_on) && physmem_ptr(&m->pm, x.mmu_on ? x.pa : va, 4) != NULL;
}

void machine_translate_line(Machine *m, uint64_t va, char *buf, size_t n)
{
    LongDescRegs lr;
    if (machine_long_regs(m, &lr)) {
        LdResult r;
        ld_translate(&lr, &m->pm, va, Access_Read, true, &r);
        ld_format(&r, buf, n);
        return;
    }
    TranslationResult r;
    v7_short_translate(&m->regs, &m->pm, (uint32_t)va, Access_Read, true, &r);
    v7_short_format(&r, buf, n);
}
