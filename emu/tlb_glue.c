/* Puts every instruction fetch and every load/store of the run through the TLB model
 * (tlb/), walking with mmuscope's own walker on a miss, and charges the cycle model.
 *
 * - Fetches: one lookup per executed translation block (its first page; a block that crosses
 *   a page boundary also looks up its last page).
 * - Loads/stores: UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE on every access (virtual addresses).
 * - With the MMU off there is no translation and no lookup; instructions are still costed.
 * - Stale entries: every fill records the PA of the final descriptor it came from. A store to
 *   a page holding recorded descriptors checks the descriptor it wrote; the TLB entries derived
 *   from it become suspects, and the next hit on a suspect re-walks: a different answer is a
 *   `stale_tlb_hit` event (the model keeps using the cached entry, as hardware would). The
 *   record is a fixed-size table (a newer fill may evict an older record, so a stale hit can
 *   go unreported, never the reverse).
 * - ASID reuse: each ASID remembers the table roots (TTBR0/TTBR1 base addresses) it was last
 *   used with. When it comes back with other roots and no TLBI ALL/ASID has removed its entries
 *   since, the ASID becomes a suspect: every hit on one of its non-global entries re-walks, and a
 *   different answer is a `stale_tlb_hit` with "cause":"asid_reuse" (once per page and ASID,
 *   while the suspicion lasts). A TLBI that removes the ASID's entries ends the suspicion. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine_internal.h"
#include "trace_record_internal.h"

#define RMAP_SLOTS 8192
#define MAX_SUSPECTS 64
#define NASIDS 65536
#define MAX_REPORTED 64

typedef struct RmapEntry {
    uint64_t desc_pa; /* 0: empty */
    uint64_t va, size;
    uint16_t asid;
    bool global;
} RmapEntry;

/* What a delivered permission fault's interrupted access did, undone at the next block
 * (perm_fault_from_hit). */
typedef struct PermUndo {
    bool pending;
    bool regs;                  /* AArch64 load: restore x[] and q[] */
    int nbytes;                 /* store: bytes to put back */
    uint8_t *host[16];
    uint8_t old[16];
    uint64_t x[31];
    uint8_t q[32][16];
} PermUndo;

typedef struct Reported {
    uint64_t page;
    uint16_t asid;
} Reported;

struct TlbGlue {
    TlbModel *model;
    uint64_t asid_gen;
    uint16_t asid;
    uint8_t *pt_pages;          /* one byte per RAM page: holds a recorded final descriptor */
    uint64_t ram_base, ram_pages;
    RmapEntry rmap[RMAP_SLOTS];
    RmapEntry suspects[MAX_SUSPECTS];
    int nsuspects;
    uint64_t stale_hits;
    uint64_t *asid_roots;       /* per ASID: signature of the roots it was last used with, 0 none */
    uint8_t *asid_suspect;      /* per ASID: its roots changed with no TLBI since */
    unsigned nasid_suspects;
    Reported reported[MAX_REPORTED]; /* asid_reuse reports */
    unsigned nreported;
    bool el0;                   /* the current block runs at EL0/PL0 (set per block) */
    bool check_perms;           /* long-descriptor regime: entries carry final permissions */
    PermUndo undo;
};

static unsigned rmap_slot(uint64_t desc_pa)
{
    return (unsigned)((desc_pa >> 3) ^ (desc_pa >> 15)) & (RMAP_SLOTS - 1);
}

/* The ASID is in use with table roots r0 (TTBR0) and r1 (TTBR1): a change of roots since its
 * last use, with no TLBI in between, makes it a suspect. */
static void note_roots(TlbGlue *g, uint16_t asid, uint64_t r0, uint64_t r1)
{
    uint64_t sig = (r0 * 0x9e3779b97f4a7c15ull ^ r1) | 1; /* | 1: 0 means "not used yet" */
    if (g->asid_roots[asid] && g->asid_roots[asid] != sig && !g->asid_suspect[asid]) {
        g->asid_suspect[asid] = 1;
        g->nasid_suspects++;
    }
    g->asid_roots[asid] = sig;
}

static void clear_asid_suspects(TlbGlue *g, int asid) /* -1: all */
{
    if (!g->nasid_suspects)
        return;
    if (asid < 0) {
        memset(g->asid_suspect, 0, NASIDS);
        g->nasid_suspects = 0;
    } else if (g->asid_suspect[asid]) {
        g->asid_suspect[asid] = 0;
        g->nasid_suspects--;
    }
    g->nreported = 0;
}

static bool a32_access_pc(Machine *m, uint64_t va, bool write, uint64_t *pc);

/* The instruction an access belongs to, for its event: AArch64's memory hooks see it; a fetch
 * is its own; on AArch32 the hook sees the block start (ENGINE.md), so the block is decoded,
 * and when that cannot decide, the block start it is. */
static uint64_t access_pc(Machine *m, TlbSide side, uint64_t va)
{
    uint64_t pc = machine_pc(m);
    if (side == TLB_SIDE_FETCH)
        return va;
    if (!m->a64)
        a32_access_pc(m, va, side == TLB_SIDE_STORE, &pc);
    return pc;
}

/* Re-walks va: if the tables no longer give the hit's PA, counts and reports a stale hit. */
static bool report_if_stale(Machine *m, TlbSide side, uint64_t va, uint16_t asid, const TlbResult *r,
                            const char *cause)
{
    Xlate x;
    machine_translate(m, va, Access_Read, true, &x);
    if (x.mapped && x.pa == r->e.out_pa)
        return false;
    m->tlbg->stale_hits++;
    char now[40];
    if (x.mapped)
        snprintf(now, sizeof now, "\"0x%llx\"", (unsigned long long)x.pa);
    else
        snprintf(now, sizeof now, "\"fault\"");
    event_emit(m->ev, Ev_StaleTlbHit, access_pc(m, side, va), m->insns,
               "\"va\":\"0x%llx\",\"cached_pa\":\"0x%llx\",\"table_pa\":%s,\"asid\":%u,\"tlb_level\":%d,"
               "\"cause\":\"%s\"",
               (unsigned long long)va, (unsigned long long)r->e.out_pa, now, asid, r->level, cause);
    return true;
}

/* A hit on a non-global entry of an ASID whose roots changed without TLBI: re-walk. */
static void check_asid_reuse(Machine *m, TlbSide side, uint64_t va, uint16_t asid, const TlbResult *r)
{
    TlbGlue *g = m->tlbg;
    uint64_t page = va >> 12;
    for (unsigned i = 0; i < g->nreported && i < MAX_REPORTED; i++)
        if (g->reported[i].page == page && g->reported[i].asid == asid)
            return;
    if (report_if_stale(m, side, va, asid, r, "asid_reuse"))
        g->reported[g->nreported++ % MAX_REPORTED] = (Reported){page, asid};
}

static uint16_t current_asid(Machine *m)
{
    TlbGlue *g = m->tlbg;
    if (g->asid_gen == m->gen + 1)
        return g->asid;
    uint16_t asid;
    uint64_t r0, r1; /* the table roots */
    if (m->a64) {
        uint64_t ttbr = (m->a64r.tcr & (1ull << 22)) ? m->a64r.ttbr1 : m->a64r.ttbr0; /* TCR.A1 */
        asid = (uint16_t)(ttbr >> 48);
        if (!(m->a64r.tcr & (1ull << 36))) /* TCR.AS = 0: 8-bit ASIDs */
            asid &= 0xff;
        r0 = m->a64r.ttbr0 & 0x0000fffffffffffeull; /* BADDR (CnP cleared), no ASID */
        r1 = m->a64r.ttbr1 & 0x0000fffffffffffeull;
    } else if (m->regs.ttbcr & (1u << 31)) {
        Xlate x;
        machine_translate(m, 0, Access_Read, true, &x); /* the LPAE walker reads the 64-bit TTBR */
        asid = x.asid;
        r0 = x.ndesc ? x.desc_pa[0] : 0; /* the walk of VA 0 starts at TTBR0's root */
        r1 = 0;
    } else {
        asid = (uint16_t)(m->regs.contextidr & 0xff);
        r0 = m->regs.ttbr0 & ~0x7full;
        r1 = m->regs.ttbr1 & ~0x7full;
    }
    g->asid = asid;
    g->asid_gen = m->gen + 1;
    note_roots(g, asid, r0, r1);
    return asid;
}

static void note_fill(TlbGlue *g, const Xlate *x, uint64_t base, uint16_t asid)
{
    if (x->ndesc == 0)
        return;
    uint64_t dpa = x->desc_pa[x->ndesc - 1];
    uint64_t page = (dpa - g->ram_base) >> 12;
    if (dpa < g->ram_base || page >= g->ram_pages)
        return;
    g->pt_pages[page] = 1;
    RmapEntry *e = &g->rmap[rmap_slot(dpa)];
    *e = (RmapEntry){dpa | 1, base, x->size, asid, x->global}; /* | 1: never 0 */
}

/* Walks va with mmuscope's walker and fills the side's TLBs; returns the PA (or va when
 * there is no mapping) and sets *mapped. */
static uint64_t walk_and_fill(Machine *m, TlbSide side, uint64_t va, AccessType a, uint16_t asid, bool *mapped)
{
    TlbGlue *g = m->tlbg;
    Xlate x;
    machine_translate(m, va, a, privileged_now(m), &x);
    *mapped = x.mapped;
    tlb_walk(g->model, va, (TlbWalkFmt)x.fmt, x.start_level, x.ttbr1, asid, 0, x.desc_pa, x.ndesc);
    if (!x.mapped)
        return va;
    uint64_t off = va & (x.size - 1);
    TlbMapping map = {va - off, x.pa - off, x.size, asid, 0, x.global, x.perms, 0, (uint8_t)x.level};
    tlb_fill_missed(g->model, side, va, &map); /* every caller's tlb_lookup missed */
    note_fill(g, &x, va - off, asid);
    return x.pa;
}

/* A hit on an entry that does not permit the access: hardware raises a permission fault from
 * the entry without walking (the Arm ARM lets a TLB hold entries that cause permission faults;
 * Linux arm64 relies on it and invalidates after relaxing a descriptor). When the current tables
 * deny the access too, the engine raises that fault itself (and mmuscope delivers it): only an
 * entry stricter than the current tables (the descriptor gained permissions without a TLBI) is
 * left to this function, and it delivers the fault the engine would not raise.
 *
 * Measured on Unicorn 2.0.1 (shared/ENGINE.md): a UC_HOOK_MEM_READ/WRITE callback cannot stop
 * the access it reports. When it writes the PC (or calls uc_emu_stop), the access still
 * completes -- a store reaches memory; an A64 load writes its destination register (an A32 LDR
 * does not: it loads into a temporary first) -- and the translation block ends right after it
 * (QEMU's exit check follows every guest load/store): no base-register writeback, no later
 * instruction. After a PC write execution continues at the new PC in the same uc_emu_start.
 * So the fault is delivered from the hook (the PC moves to the vector), what the access did is
 * recorded here before it happens, and undone at the start of the next block, before any other
 * guest instruction runs: the bytes a store overwrote (RAM only: a store to a device has had
 * its effect) and, on AArch64, the general and SIMD registers a load may have written.
 * A fetch is checked in the block hook before the block runs: a PC write there skips the block.
 * AArch32 data accesses: the hook cannot read the PC (a32_access_pc finds the instruction).
 * Not delivered (the event says "delivered":false and the engine performs the access, which the
 * architecture also allows, as an entry may be evicted at any time): a fetch fault on the second
 * page of a block that crosses a page (AArch32 only: an A64 block never crosses a page), an
 * AArch32 data access whose instruction a32_access_pc cannot decide (including any block with
 * an IT instruction: the engine does not end a block inside an IT block), accesses of more than
 * 16 bytes. */

/* The engine's ids of X0..X30 and Q0..Q31 with pointers into u (X29 and X30 are not numbered
 * after X28 in unicorn/arm64.h). */
static int a64_reg_list(PermUndo *u, int ids[63], void *vals[63])
{
    for (int i = 0; i < 31; i++) {
        ids[i] = i == 29 ? UC_ARM64_REG_X29 : i == 30 ? UC_ARM64_REG_X30 : UC_ARM64_REG_X0 + i;
        vals[i] = &u->x[i];
    }
    for (int i = 0; i < 32; i++) {
        ids[31 + i] = UC_ARM64_REG_Q0 + i;
        vals[31 + i] = u->q[i];
    }
    return 63;
}

/* Records the bytes the store about to happen will overwrite (va .. va + size, through the
 * current tables, which the engine uses). */
static void save_store(Machine *m, PermUndo *u, uint64_t va, int size)
{
    u->nbytes = 0;
    uint64_t page = UINT64_MAX, pa = 0;
    for (int i = 0; i < size; i++) {
        if ((va + (uint64_t)i) >> 12 != page) {
            Xlate x;
            page = (va + (uint64_t)i) >> 12;
            machine_translate(m, va + (uint64_t)i, Access_Write, !m->tlbg->el0, &x);
            pa = x.ok ? x.pa - (uint64_t)i : UINT64_MAX;
        }
        uint8_t *h = pa == UINT64_MAX ? NULL : physmem_ptr(&m->pm, pa + (uint64_t)i, 1);
        if (!h)
            continue; /* not RAM: a device write cannot be taken back */
        u->host[u->nbytes] = h;
        u->old[u->nbytes++] = *h;
    }
}

/* The start of the block after a delivered permission fault: take back what the interrupted
 * access did. */
static void perm_undo_apply(Machine *m)
{
    PermUndo *u = &m->tlbg->undo;
    u->pending = false;
    for (int i = 0; i < u->nbytes; i++)
        *u->host[i] = u->old[i];
    if (u->regs) {
        int ids[63];
        void *vals[63];
        uc_reg_write_batch(m->uc, ids, (void *const *)vals, a64_reg_list(u, ids, vals));
    }
}

/* The value of AArch32 register `r` (a capstone id) as an address operand of the instruction
 * at `pc`; false for registers that cannot be one. */
static bool a32_reg_value(Machine *m, unsigned r, uint64_t pc, bool thumb, uint32_t *v)
{
    if (r == ARM_REG_PC) {
        *v = (uint32_t)((pc & ~3ull) + (thumb ? 4 : 8)); /* Align(PC, 4) as a base (A32/T32) */
        return true;
    }
    int n = r == ARM_REG_SP ? 13 : r == ARM_REG_LR ? 14 : r >= ARM_REG_R0 && r <= ARM_REG_R12 ? (int)(r - ARM_REG_R0) : -1;
    if (n < 0)
        return false;
    *v = reg32(m, a32_gpr_reg((unsigned)n));
    return true;
}

/* The bytes [*lo, *lo + *len) that a load/store instruction accesses with the current registers,
 * whether it writes, and the registers its address comes from (capstone ids, 0 = none); false
 * if it is not one mmuscope can place. */
static bool a32_insn_access(Machine *m, const cs_insn *in, bool thumb, uint32_t *lo, uint32_t *len, bool *write,
                            unsigned addr_regs[2])
{
    const cs_arm *a = &in->detail->arm;
    const char *mn = in->mnemonic;
    bool vec = mn[0] == 'v';
    const char *op = vec ? mn + 1 : mn;
    if (!strncmp(op, "push", 4) || !strncmp(op, "pop", 3)) {
        *write = op[1] == 'u';
    } else if (op[0] == 's' && op[1] == 't') {
        *write = true;
    } else if (op[0] == 'l' && op[1] == 'd') {
        *write = false;
    } else {
        return false;
    }
    uint32_t base;
    switch (in->id) {
    case ARM_INS_LDM: case ARM_INS_LDMIB: case ARM_INS_LDMDA: case ARM_INS_LDMDB:
    case ARM_INS_STM: case ARM_INS_STMIB: case ARM_INS_STMDA: case ARM_INS_STMDB:
    case ARM_INS_VLDMIA: case ARM_INS_VLDMDB: case ARM_INS_VSTMIA: case ARM_INS_VSTMDB:
    case ARM_INS_PUSH: case ARM_INS_POP: case ARM_INS_VPUSH: case ARM_INS_VPOP: {
        bool sp = in->id == ARM_INS_PUSH || in->id == ARM_INS_POP || in->id == ARM_INS_VPUSH || in->id == ARM_INS_VPOP;
        int first = sp ? 0 : 1;
        if (a->op_count <= first || (!sp && a->operands[0].type != ARM_OP_REG))
            return false;
        addr_regs[0] = sp ? ARM_REG_SP : (unsigned)a->operands[0].reg;
        addr_regs[1] = 0;
        if (!a32_reg_value(m, addr_regs[0], in->address, thumb, &base))
            return false;
        uint32_t total = 0;
        for (int i = first; i < a->op_count; i++)
            total += a->operands[i].type == ARM_OP_REG && a->operands[i].reg >= ARM_REG_D0 &&
                     a->operands[i].reg <= ARM_REG_D31 ? 8 : 4;
        bool ib = in->id == ARM_INS_LDMIB || in->id == ARM_INS_STMIB;
        bool da = in->id == ARM_INS_LDMDA || in->id == ARM_INS_STMDA;
        bool db = in->id == ARM_INS_LDMDB || in->id == ARM_INS_STMDB || in->id == ARM_INS_VLDMDB ||
                  in->id == ARM_INS_VSTMDB || in->id == ARM_INS_PUSH || in->id == ARM_INS_VPUSH;
        *lo = ib ? base + 4 : da ? base - total + 4 : db ? base - total : base; /* B9.3.x LDM/STM forms */
        *len = total;
        return true;
    }
    default:
        break;
    }
    int mi = -1;
    for (int i = 0; i < a->op_count; i++)
        if (a->operands[i].type == ARM_OP_MEM)
            mi = i;
    if (mi < 0)
        return false;
    const arm_op_mem *mem = &a->operands[mi].mem;
    addr_regs[0] = mem->base;
    addr_regs[1] = mem->index;
    if (!a32_reg_value(m, mem->base, in->address, thumb, &base))
        return false;
    uint32_t addr = base;
    bool post = a->writeback && mi + 1 < a->op_count; /* [Rn], #imm / [Rn], Rm: the base itself */
    if (!post) {
        if (mem->index != ARM_REG_INVALID) {
            uint32_t idx;
            if (!a32_reg_value(m, mem->index, in->address, thumb, &idx))
                return false;
            if (a->operands[mi].shift.type != ARM_SFT_INVALID && a->operands[mi].shift.type != ARM_SFT_LSL)
                return false;
            idx <<= a->operands[mi].shift.value & 31;
            addr = mem->scale < 0 || a->operands[mi].subtracted ? addr - idx : addr + idx;
        } else {
            int32_t d = mem->disp;
            addr = a->operands[mi].subtracted && d > 0 ? addr - (uint32_t)d : addr + (uint32_t)d;
        }
    }
    switch (in->id) {
    case ARM_INS_LDRD: case ARM_INS_STRD: case ARM_INS_LDREXD: case ARM_INS_STREXD: *len = 8; break;
    case ARM_INS_LDRB: case ARM_INS_STRB: case ARM_INS_LDRSB: case ARM_INS_LDRBT: case ARM_INS_STRBT:
    case ARM_INS_LDRSBT: case ARM_INS_LDREXB: case ARM_INS_STREXB: *len = 1; break;
    case ARM_INS_LDRH: case ARM_INS_STRH: case ARM_INS_LDRSH: case ARM_INS_LDRHT: case ARM_INS_STRHT:
    case ARM_INS_LDRSHT: case ARM_INS_LDREXH: case ARM_INS_STREXH: *len = 2; break;
    case ARM_INS_VLDR: case ARM_INS_VSTR:
        *len = a->operands[0].type == ARM_OP_REG && a->operands[0].reg >= ARM_REG_D0 &&
               a->operands[0].reg <= ARM_REG_D31 ? 8 : 4;
        break;
    default: *len = 4; break;
    }
    *lo = addr;
    return true;
}

/* AArch32: the instruction of the running block that made the access (va, size, write). Unicorn
 * 2.0.1 does not update the PC before an A32/T32 load or store (measured: the memory hook reads
 * the block's first address), so it is found by decoding the block. Candidates: the loads/stores
 * of that direction whose bytes, computed from the current registers, hold va. The faulting
 * instruction f is one (the engine stops right after its access, before any writeback, and no
 * later instruction has run). The first candidate c1 is f unless an instruction between c1 and
 * the last candidate rewrites a register c1's address comes from: if none does and c1 came
 * before f, c1 made the same access through the same entry and would have faulted first.
 * false when it cannot be decided (the fault is then not delivered) or the block holds an IT
 * instruction (the engine does not end a block inside an IT block). */
static bool a32_access_pc(Machine *m, uint64_t va, bool write, uint64_t *pc)
{
    if (!m->have_cur || !m->cs_ok)
        return false;
    const BlockInfo *b = &m->cur;
    uint8_t code[4096];
    if (b->size == 0 || b->size > sizeof code || !fetch_code(m, b->va, code, b->size))
        return false;
    csh h = b->thumb ? m->cs_thumb : m->cs_arm;
    cs_insn *in;
    size_t n = cs_disasm(h, code, b->size, b->va, 0, &in);
    size_t first = SIZE_MAX, last = 0;
    unsigned ar[2] = {0, 0}; /* the first candidate's address registers */
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        uint32_t lo, len;
        bool w;
        unsigned regs[2];
        if (in[i].id == ARM_INS_IT)
            ok = false;
        else if (a32_insn_access(m, &in[i], b->thumb, &lo, &len, &w, regs) && w == write && (uint32_t)va - lo < len) {
            if (first == SIZE_MAX) {
                first = i;
                ar[0] = regs[0];
                ar[1] = regs[1];
            }
            last = i;
        }
    }
    ok = ok && first != SIZE_MAX;
    if (ok && last > first) {
        for (size_t k = first; k < last && ok; k++) {
            cs_regs rd, wr;
            uint8_t nrd, nwr;
            if (cs_regs_access(h, &in[k], rd, &nrd, wr, &nwr) != CS_ERR_OK) {
                ok = false;
                break;
            }
            for (unsigned j = 0; j < nwr; j++)
                if ((ar[0] && wr[j] == ar[0]) || (ar[1] && wr[j] == ar[1]))
                    ok = false;
        }
    }
    if (ok)
        *pc = in[first].address;
    if (n)
        cs_free(in, n);
    return ok;
}

/* pc: the instruction; size: bytes of a data access (0: fetch). */
static void deliver(Machine *m, uint64_t pc, const FaultRecord *f, int size)
{
    PermUndo *u = &m->tlbg->undo;
    u->nbytes = 0;
    u->regs = false;
    if (f->access == Access_Write) {
        save_store(m, u, f->va, size);
    } else if (f->access == Access_Read && m->a64) {
        int ids[63];
        void *vals[63];
        uc_reg_read_batch(m->uc, ids, vals, a64_reg_list(u, ids, vals));
        u->regs = true;
    }
    u->pending = f->access != Access_Fetch;
    if (m->a64)
        a64_deliver_tlb_fault(m, pc, f);
    else
        deliver_tlb_fault(m, pc, f);
}

/* Returns whether the fault was delivered. */
static bool perm_fault_from_hit(Machine *m, TlbSide side, uint64_t va, int size, bool first_page,
                                const TlbResult *r)
{
    if (m->tlbg->undo.pending)
        return false; /* the engine re-reporting the access already faulted (unaligned halves) */
    FaultRecord f = {.type = Fault_Permission, .level = r->e.level, .va = va,
                     .access = side == TLB_SIDE_FETCH ? Access_Fetch : side == TLB_SIDE_STORE ? Access_Write
                                                                                               : Access_Read};
    Xlate now;
    machine_translate(m, va, f.access, !m->tlbg->el0, &now);
    if (!now.ok)
        return false;
    uint32_t code;
    const char *reg;
    if (m->a64) {
        code = fault_esr_fsc(&f);
        reg = side == TLB_SIDE_FETCH ? "IFSC" : "DFSC";
    } else if (m->regs.ttbcr & (1u << 31)) {
        code = side == TLB_SIDE_FETCH ? fault_v7_long_ifsr(&f) : fault_v7_long_dfsr(&f);
        reg = side == TLB_SIDE_FETCH ? "IFSR" : "DFSR";
    } else {
        code = side == TLB_SIDE_FETCH ? fault_v7_short_ifsr(&f) : fault_v7_short_dfsr(&f);
        reg = side == TLB_SIDE_FETCH ? "IFSR" : "DFSR";
    }
    static const char *const sides[] = {"fetch", "read", "write"};
    int w = m->a64 ? 16 : 8;
    uint64_t pc = machine_pc(m);
    bool can = first_page && size <= 16;
    if (can && !m->a64 && side != TLB_SIDE_FETCH)
        can = a32_access_pc(m, va, side == TLB_SIDE_STORE, &pc);
    event_emit(m->ev, Ev_TlbPermissionFault, pc, m->insns,
               "\"va\":\"0x%0*llx\",\"access\":\"%s\",\"el\":%d,\"cached_perms\":\"0x%02x\",\"level\":%d,"
               "\"tlb_level\":%d,\"%s\":\"0x%x\",\"delivered\":%s",
               w, (unsigned long long)va, sides[side], m->tlbg->el0 ? 0 : 1, r->e.perms, r->e.level, r->level,
               reg, code, can ? "true" : "false");
    if (can)
        deliver(m, pc, &f, size);
    return can;
}

static void check_suspect(Machine *m, TlbSide side, uint64_t va, uint16_t asid, const TlbResult *r)
{
    TlbGlue *g = m->tlbg;
    for (int i = 0; i < g->nsuspects; i++) {
        RmapEntry *s = &g->suspects[i];
        if (va < s->va || va - s->va >= s->size || (!s->global && s->asid != asid))
            continue;
        report_if_stale(m, side, va, asid, r, "descriptor_write");
        g->suspects[i] = g->suspects[--g->nsuspects];
        return;
    }
}

/* What a hit can reveal: a permission fault from the entry, a stale entry (rewritten
 * descriptor or reused ASID). Each check is one flag test unless its situation exists. */
static inline bool check_hit(Machine *m, TlbSide side, uint64_t va, int size, bool first_page, uint16_t asid,
                             const TlbResult *r)
{
    TlbGlue *g = m->tlbg;
    if (g->check_perms && !tlb_entry_permits(&r->e, side, g->el0) &&
        perm_fault_from_hit(m, side, va, size, first_page, r))
        return true; /* delivered: the access does not happen */
    if (g->nsuspects)
        check_suspect(m, side, va, asid, r);
    if (g->nasid_suspects && !r->e.global && g->asid_suspect[asid])
        check_asid_reuse(m, side, va, asid, r);
    return false;
}

/* A store to physical pa: did it rewrite a descriptor some TLB entry came from? */
static void note_store(TlbGlue *g, uint64_t pa, int size)
{
    uint64_t page = (pa - g->ram_base) >> 12;
    if (pa < g->ram_base || page >= g->ram_pages || !g->pt_pages[page])
        return;
    for (uint64_t d = pa & ~7ull; d < pa + (uint64_t)size; d += 8) {
        for (uint64_t dd = d; dd < d + 8; dd += 4) { /* short descriptors are 4 bytes */
            RmapEntry *e = &g->rmap[rmap_slot(dd)];
            if (e->desc_pa != (dd | 1))
                continue;
            if (g->nsuspects < MAX_SUSPECTS)
                g->suspects[g->nsuspects++] = *e;
            e->desc_pa = 0;
        }
    }
}

static void on_access(uc_engine *uc, uc_mem_type type, uint64_t va, int size, int64_t value, void *user)
{
    (void)uc;
    (void)value;
    Machine *m = user;
    if (m->probing)
        return;
    TlbGlue *g = m->tlbg;
    bool write = type == UC_MEM_WRITE;
    uint64_t pa = va;
    if (machine_mmu_on(m)) {
        TlbSide side = write ? TLB_SIDE_STORE : TLB_SIDE_LOAD;
        uint16_t asid = current_asid(m);
        if (m->trace)
            trace_rec_access(m, m->trace, m->gen, side, va, size, asid);
        TlbResult r;
        if (tlb_lookup(g->model, side, va, asid, 0, &r)) {
            pa = r.e.out_pa;
            check_hit(m, side, va, size, true, asid, &r);
        } else {
            bool mapped;
            pa = walk_and_fill(m, side, va, write ? Access_Write : Access_Read, asid, &mapped);
        }
    } else if (write && m->trace) {
        trace_rec_phys_store(m->trace, va, size);
    }
    if (write && !g->undo.pending) /* pending: the store is taken back */
        note_store(g, pa, size);
}

void tlb_glue_block(Machine *m, const BlockInfo *b)
{
    TlbGlue *g = m->tlbg;
    if (g->undo.pending)
        perm_undo_apply(m);
    tlb_block_cost(g->model, b->classes);
    if (!machine_mmu_on(m)) {
        if (m->trace)
            trace_rec_block(m, m->trace, b, b->va, b->gen, b->size, false, false);
        return;
    }
    uint16_t asid = current_asid(m);
    g->el0 = !privileged_now(m); /* mode changes end a translation block */
    if (m->trace)
        trace_rec_block(m, m->trace, b, b->va, b->gen, b->size, g->el0, true);
    /* Short descriptors: the domain is checked against DACR at access time and the entries'
     * permissions were computed under the DACR of their fill, so hits are not checked there. */
    g->check_perms = m->a64 || (m->regs.ttbcr & (1u << 31));
    uint64_t pages[2] = {b->va, b->va + (b->size ? b->size - 1 : 0)};
    int n = (pages[0] >> 12) == (pages[1] >> 12) ? 1 : 2;
    for (int i = 0; i < n; i++) {
        TlbResult r;
        if (m->trace)
            trace_rec_access(m, m->trace, m->gen, TLB_SIDE_FETCH, pages[i], 0, asid);
        if (tlb_lookup(g->model, TLB_SIDE_FETCH, pages[i], asid, 0, &r)) {
            if (check_hit(m, TLB_SIDE_FETCH, pages[i], 0, i == 0, asid, &r))
                return; /* a permission fault was delivered: the block does not run */
        } else {
            bool mapped;
            walk_and_fill(m, TLB_SIDE_FETCH, pages[i], Access_Fetch, asid, &mapped);
        }
    }
}

bool tlbi_decode(const Machine *m, const char *op, uint64_t value, TlbInval *inv)
{
    memset(inv, 0, sizeof *inv);
    bool is;
    if (!tlb_inval_op_from_name(op, &inv->op, &is))
        return false; /* ITLB*/ /*DTLB* forms and the like: not modelled separately */
    if (m->a64) {
        /* TLBI VAE1 and friends: Xt[43:0] = VA[55:12], Xt[63:48] = ASID (D5.10.2) */
        uint64_t va = (value & ((1ull << 44) - 1)) << 12;
        if (va & (1ull << 55))
            va |= 0xff00000000000000ull; /* sign-extend from bit 55 (TTBR1 addresses) */
        inv->va = va;
        inv->asid = (uint16_t)(value >> 48);
        if (!(m->a64r.tcr & (1ull << 36)))
            inv->asid &= 0xff;
    } else {
        /* TLBIMVA: MVA[31:12] | ASID[7:0]; TLBIASID: ASID[7:0]; TLBIMVAA: MVA (B4.2.3) */
        inv->va = value & ~0xfffull;
        inv->asid = (uint16_t)(value & 0xff);
    }
    return true;
}

void tlb_glue_maintenance(Machine *m, const TlbInval *op)
{
    TlbGlue *g = m->tlbg;
    if (!g)
        return;
    const TlbInval inv = *op;
    if (m->trace)
        trace_rec_tlbi(m, &inv);
    tlb_invalidate(g->model, &inv);
    if (inv.op == TLB_INV_ALL)
        clear_asid_suspects(g, -1);
    else if (inv.op == TLB_INV_ASID)
        clear_asid_suspects(g, inv.asid);
    /* suspects the operation removed from the TLBs can no longer hit */
    for (int i = 0; i < g->nsuspects; i++) {
        RmapEntry *s = &g->suspects[i];
        bool gone = inv.op == TLB_INV_ALL ||
                    (inv.op == TLB_INV_ASID && !s->global && s->asid == inv.asid) ||
                    ((inv.op == TLB_INV_VA || inv.op == TLB_INV_VAL) && inv.va - s->va < s->size &&
                     (s->global || s->asid == inv.asid)) ||
                    ((inv.op == TLB_INV_VAA || inv.op == TLB_INV_VAAL) && inv.va - s->va < s->size);
        if (gone)
            g->suspects[i--] = g->suspects[--g->nsuspects];
    }
}

bool tlb_glue_attach(Machine *m, char *err, size_t errlen)
{
    const char *core = m->cfg.core[0] ? m->cfg.core : m->cfg.cpu;
    if (!strcmp(core, "none"))
        return true;
    TlbConfig c;
    if (!tlb_config_load_preset(&c, core, err, errlen))
        return false;
    TlbGlue *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    g->model = tlb_model_create(&c, err, errlen);
    g->ram_base = m->cfg.ram_base;
    g->ram_pages = m->cfg.ram_size >> 12;
    g->pt_pages = calloc(g->ram_pages ? g->ram_pages : 1, 1);
    g->asid_roots = calloc(NASIDS, sizeof *g->asid_roots);
    g->asid_suspect = calloc(NASIDS, 1);
    if (!g->model || !g->pt_pages || !g->asid_roots || !g->asid_suspect) {
        if (!g->model && !err[0])
            snprintf(err, errlen, "cannot create the TLB model");
        tlb_model_destroy(g->model);
        free(g->pt_pages);
        free(g->asid_roots);
        free(g->asid_suspect);
        free(g);
        return false;
    }
    m->tlbg = g;
    uc_hook h;
    uc_err e = uc_hook_add(m->uc, &h, UC_HOOK_MEM_READ | UC_HOOK_MEM_WRITE, (void *)on_access, m, 1, 0);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot add the memory hook: %s", uc_strerror(e));
        return false;
    }
    return true;
}

void tlb_glue_destroy(Machine *m)
{
    TlbGlue *g = m->tlbg;
    if (!g)
        return;
    tlb_model_destroy(g->model);
    free(g->pt_pages);
    free(g->asid_roots);
    free(g->asid_suspect);
    free(g);
    m->tlbg = NULL;
}

TlbModel *machine_tlb(Machine *m)
{
    return m->tlbg ? m->tlbg->model : NULL;
}

uint64_t machine_stale_hits(Machine *m)
{
    return m->tlbg ? m->tlbg->stale_hits : 0;
}
