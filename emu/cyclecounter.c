/* The guest-visible cycle counter: the cycle model's count, readable by benchmarks inside the
 * guest.
 * - AArch32: a 4 KiB MMIO page at cycles.base (default 0x09010000), 32-bit registers:
 *     0x00 CYCLES_LO  0x04 CYCLES_HI (latched when CYCLES_LO is read)
 *     0x08 INSNS_LO   0x0c INSNS_HI  (latched when INSNS_LO is read)
 *     0x10 ID = 0x4353'4d4d ("MMSC" in memory order)
 *   Writes are ignored.
 * - AArch32: MRC p15, 0, Rt, c9, c13, 0 (PMCCNTR, A32 or T32) reads the low 32 bits of the count.
 *   The generic timer's MRC/MRRC reads (cp15 c14: counters, CTL, TVAL, CVAL) are taken the same
 *   way and answered by gtimer.c.
 *   Unicorn 2.0.1 has no MRC hook, so each such instruction is found when its block is first
 *   decoded, and two UC_HOOK_CODE hooks bounded to single addresses are added: one on the MRC
 *   (which notes Rt and whether an A32 condition passes) and one on the next instruction, which
 *   runs after the MRC has written the engine's own value and replaces it with the model's. An
 *   exception between the two drops the read. Thumb IT blocks are not tracked (a conditional T32
 *   MRC counts as executed); PMUSERENR is not consulted (the engine decides whether PL0 may read).
 * - AArch64: MRS PMCCNTR_EL0 (op0 3, op1 3, CRn 9, CRm 13, op2 0) returns the count.
 * Cycles are charged when a translation block starts, so a read includes the cost of the rest
 * of its own block. With --core none there is no model and the counter reads 0. */
#include <stdio.h>

#include "machine_internal.h"

#define CC_ID 0x43534d4du

static uint64_t now_cycles(Machine *m)
{
    TlbModel *t = machine_tlb(m);
    return t ? tlb_cycles(t) : 0;
}

static uint64_t cc_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    switch (off) {
    case 0x00: m->cc_latch = now_cycles(m); return (uint32_t)m->cc_latch;
    case 0x04: return (uint32_t)(m->cc_latch >> 32);
    case 0x08: m->cc_ilatch = m->insns; return (uint32_t)m->cc_ilatch;
    case 0x0c: return (uint32_t)(m->cc_ilatch >> 32);
    case 0x10: return CC_ID;
    default: return 0;
    }
}

static void cc_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc, (void)off, (void)size, (void)v, (void)user;
}

static uint32_t on_mrs(uc_engine *uc, uc_arm64_reg reg, const uc_arm64_cp_reg *cp, void *user)
{
    (void)uc;
    Machine *m = user;
    if (cp->op0 == 3 && cp->op1 == 3 && cp->crn == 9 && cp->crm == 13 && cp->op2 == 0) {
        set_reg64(m, reg, now_cycles(m));
        return 1; /* skip the instruction: we wrote its result */
    }
    uint64_t v;
    if (gtimer_read(m, cp, &v)) {
        set_reg64(m, reg, v);
        return 1;
    }
    return 0;
}

/* Which counter an MRC/MRRC reads: PMCCNTR (MRC p15, 0, Rt, c9, c13, 0) or a generic timer
 * register (cp15 c14, gtimer.c). Encodings (ARM ARM A8.8.108 MRC, A8.8.109 MRRC), the same in
 * A32 (cond in [31:28]) and T32 (hw1 << 16 | hw2, 0b1110 in [31:28]):
 *   MRC:  cond 1110 opc1:3 1 CRn Rt 1111 opc2:3 1 CRm
 *   MRRC: cond 1100 0101 Rt2 Rt 1111 opc1:4 CRm */
static CounterRead classify_read(uint32_t insn, bool thumb, uint8_t *rt, uint8_t *rt2, uint8_t *cond,
                                 uc_arm64_cp_reg *cp)
{
    if (thumb ? insn >> 28 != 0xE : insn >> 28 == 0xF)
        return Read_None;
    *cond = thumb ? 0xE : (uint8_t)(insn >> 28);
    *rt = (insn >> 12) & 15;
    *rt2 = (insn >> 16) & 15;
    if ((insn & 0x0F100F10u) == 0x0E100F10u) {
        if (*rt == 15) /* Rt = 15 transfers flags: not a counter read */
            return Read_None;
        unsigned opc1 = (insn >> 21) & 7, crn = (insn >> 16) & 15, opc2 = (insn >> 5) & 7, crm = insn & 15;
        if (opc1 == 0 && crn == 9 && crm == 13 && opc2 == 0)
            return Read_Pmccntr;
        return gtimer_a32_reg(false, opc1, crn, crm, opc2, cp) ? Read_Timer32 : Read_None;
    }
    if ((insn & 0x0FF00F00u) == 0x0C500F00u && *rt != 15 && *rt2 != 15)
        return gtimer_a32_reg(true, (insn >> 4) & 15, 0, insn & 15, 0, cp) ? Read_Timer64 : Read_None;
    return Read_None;
}

static bool read_insn(Machine *m, uint64_t pc, bool thumb, uint32_t *insn)
{
    if (thumb) {
        uint16_t hw[2];
        if (!fetch_code(m, pc, hw, 4))
            return false;
        *insn = (uint32_t)hw[0] << 16 | hw[1];
        return true;
    }
    return fetch_code(m, pc, insn, 4);
}

static void on_mrc_hook(uc_engine *uc, uint64_t pc, uint32_t size, void *user)
{
    (void)uc;
    (void)size;
    Machine *m = user;
    if (m->probing)
        return;
    if (m->mrc_armed && (uint32_t)pc == m->mrc_next) {
        m->mrc_armed = false; /* the MRC has written the engine's value: replace it */
        uint64_t v = 0;
        if (m->mrc_kind == Read_Pmccntr)
            v = now_cycles(m);
        else
            gtimer_read(m, &m->mrc_cp, &v);
        set_reg32(m, a32_gpr_reg(m->mrc_rt), (uint32_t)v); /* Rt, Rt2 != 15 (classify_read) */
        if (m->mrc_kind == Read_Timer64)
            set_reg32(m, a32_gpr_reg(m->mrc_rt2), (uint32_t)(v >> 32));
    }
    uint32_t cpsr = reg32(m, UC_ARM_REG_CPSR);
    bool thumb = cpsr & (1u << 5);
    uint32_t insn;
    uint8_t rt, rt2, cond;
    uc_arm64_cp_reg cp;
    CounterRead kind;
    if (!read_insn(m, pc, thumb, &insn) || (kind = classify_read(insn, thumb, &rt, &rt2, &cond, &cp)) == Read_None)
        return;
    if (cond != 0xE && !cond_passed(cond, cpsr))
        return;
    m->mrc_armed = true;
    m->mrc_kind = kind;
    m->mrc_cp = cp;
    m->mrc_rt = rt;
    m->mrc_rt2 = rt2;
    m->mrc_next = (uint32_t)pc + 4;
}

/* Adds a hook on pc unless there is one; true when added. */
static bool hook_once(Machine *m, uint32_t pc, bool thumb)
{
    uint32_t key = pc | (thumb ? 1u : 0u);
    for (unsigned i = 0; i < m->n_mrc_hooked; i++)
        if (m->mrc_hooked[i] == key)
            return false;
    if (m->n_mrc_hooked == MRC_HOOK_MAX)
        return false;
    uc_hook h;
    if (uc_hook_add(m->uc, &h, UC_HOOK_CODE, (void *)on_mrc_hook, m, pc, pc) != UC_ERR_OK)
        return false;
    m->mrc_hooked[m->n_mrc_hooked++] = key;
    return true;
}

bool cyclecounter_watch_block(Machine *m, const BlockInfo *b)
{
    bool added = false;
    for (uint64_t pc = b->va; pc <= b->last_pc;) {
        uint32_t insn;
        bool wide = true;
        if (b->thumb) {
            uint16_t hw1;
            if (!fetch_code(m, pc, &hw1, 2))
                break;
            wide = t32_is_wide(hw1);
        }
        uint8_t rt, rt2, cond;
        uc_arm64_cp_reg cp;
        if (wide && read_insn(m, pc, b->thumb, &insn) && classify_read(insn, b->thumb, &rt, &rt2, &cond, &cp)) {
            if (m->n_mrc_hooked + 2 > MRC_HOOK_MAX) {
                event_emit(m->ev, Ev_Error, pc, m->insns,
                           "\"error\":\"mrc_site_limit\",\"detail\":\"more than %d MRC/MRRC sites of PMCCNTR "
                           "and the generic timer; later ones read the engine's values\"", MRC_HOOK_MAX / 2);
                return added;
            }
            added |= hook_once(m, (uint32_t)pc, b->thumb);
            added |= hook_once(m, (uint32_t)pc + 4, b->thumb);
        }
        pc += wide ? 4 : 2;
    }
    return added;
}

void cyclecounter_block_start(Machine *m, uint64_t va)
{
    if (m->mrc_armed && (uint32_t)va != m->mrc_next)
        m->mrc_armed = false;
}

bool cyclecounter_attach(Machine *m, char *err, size_t errlen)
{
    uc_err e;
    if (m->a64) {
        uc_hook h;
        e = uc_hook_add(m->uc, &h, UC_HOOK_INSN, (void *)on_mrs, m, 1, 0, UC_ARM64_INS_MRS);
        if (e != UC_ERR_OK) {
            snprintf(err, errlen, "cannot add the MRS hook: %s", uc_strerror(e));
            return false;
        }
        return true;
    }
    if (!m->cfg.cycles_base)
        return true;
    e = uc_mmio_map(m->uc, m->cfg.cycles_base, 0x1000, cc_read, m, cc_write, m);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot map the cycle counter at 0x%llx: %s", (unsigned long long)m->cfg.cycles_base,
                 uc_strerror(e));
        return false;
    }
    return true;
}
