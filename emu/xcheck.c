/* mmuscope xcheck: mmuscope's walkers against Unicorn's own MMU (docs/xcheck.md).
 *
 * One Unicorn instance per format: cortex-a15 at PL1 (Non-secure SVC) for short descriptors and
 * LPAE, cortex-a53 at EL1 (SCR_EL3 = NS|RW|HCE, HCR_EL2 = RW: shared/ENGINE.md section 1) for the
 * AArch64 granules. 2 GiB of RAM at PA 0; MMIO placeholders over every other address, so that any
 * VA is an engine region (ENGINE.md section 2) and an access to a physical hole is seen.
 *
 * The guest programs the MMU itself: a setup routine in the identity-mapped code page turns the
 * MMU off, writes TTBCR/TTBRs/DACR/PRRR/NMRR (MAIR0/1) or TCR/TTBR0/TTBR1/MAIR_EL1, invalidates
 * the TLB (TLBIALL / TLBI VMALLE1) and turns the MMU on again. It has to be the guest: Unicorn
 * 2.0.1's register writes (UC_ARM*_REG_CP_REG) call the raw write functions, which do not flush
 * QEMU's TLB, and its uc_ctl_flush_tlb() is UC_CTL_TB_FLUSH, a flush of translated blocks.
 *
 * Each check is one uc_emu_start of a 4-instruction slot ending at a registered exit:
 *     AT S1E1R/S1E0R/S1E1W/S1E0W (ATS1CPR/CUR/CPW/CUW); ISB; MRS PAR_EL1 (MRRC PAR); the access
 * (LDR/LDTR/STR/STTR; LDRD/LDRT/STRD/STRT). The engine exposes no fault status for an abort
 * (the UC_HOOK_INTR hook gets only the exception number and DFSR/ESR stay unwritten, ENGINE.md 3),
 * but the AT instruction runs the same QEMU walk (get_phys_addr) and leaves its result in PAR:
 * the PA, or the fault status code with type and level. So each load/store check compares
 *   - abort or not (the hook fired at the access instruction, or the slot reached its exit),
 *   - for a completed load, the value read with the word at the walker's PA (every 8-byte word of
 *     the data window holds tg_pattern(its PA), so the value names the PA that was read), and for
 *     a completed store, that the walker's PA now holds the value stored,
 *   - PAR: the PA (page) or the fault code (fault type and level) against the walker's, and for
 *     long descriptors PAR.ATTR (the MAIR byte AttrIndx selects).
 * Fetch checks start the engine at the VA: an abort (intno 3) or the global code hook seeing the
 * instruction there (it stops the engine before the instruction runs) against the walker's
 * Access_Fetch answer. PL0 fetches (AArch32) run in User mode (a CPSR write, which Unicorn
 * follows with a rebuild of QEMU's cached flags); AArch64 has no EL0 fetch check, because a PSTATE
 * write does not switch EL properly in 2.0.1 (ENGINE.md 3). */
#include "xcheck.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "mmu/fault.h"
#include "mmu/long_desc.h"
#include "mmu/physmem.h"
#include "mmu/v7_short.h"

enum { K_R1, K_R0, K_W1, K_W0, K_X1, K_X0, K_COUNT };

static const char *kind_name(bool a64, int k)
{
    static const char *const a64n[K_COUNT] = {"ldr", "ldtr", "str", "sttr", "fetch-el1", "fetch-el0"};
    static const char *const a32n[K_COUNT] = {"ldrd", "ldrt", "strd", "strt", "fetch-pl1", "fetch-pl0"};
    return (a64 ? a64n : a32n)[k];
}

/* Code page layout: setup at 0, slot k at 0x100 * (k + 1), each slot's exit 0x10 after it */
#define SLOT(k) (0x100u * ((unsigned)(k) + 1))
#define SLOT_AT(k) SLOT(k)               /* the AT instruction */
#define SLOT_ACCESS(k) (SLOT(k) + 0xcu)  /* the load or store */
#define SLOT_EXIT(k) (SLOT(k) + 0x10u)

/* llvm-mc -triple=aarch64 -show-encoding */
static const uint32_t a64_setup[] = {
    0xd5181005, /* msr sctlr_el1, x5   (MMU off) */
    0xd5033fdf, /* isb */
    0xd5182000, /* msr ttbr0_el1, x0 */
    0xd5182021, /* msr ttbr1_el1, x1 */
    0xd5182042, /* msr tcr_el1, x2 */
    0xd518a203, /* msr mair_el1, x3 */
    0xd5033fdf, /* isb */
    0xd508871f, /* tlbi vmalle1 */
    0xd5033f9f, /* dsb sy */
    0xd5033fdf, /* isb */
    0xd5181004, /* msr sctlr_el1, x4   (MMU on) */
    0xd5033fdf, /* isb */
};
static const uint32_t a64_slots[4][4] = {
    {0xd5087800, 0xd5033fdf, 0xd5387403, 0xf9400001}, /* at s1e1r, x0; isb; mrs x3, par_el1; ldr x1, [x0] */
    {0xd5087840, 0xd5033fdf, 0xd5387403, 0xf8400801}, /* at s1e0r, x0; ...; ldtr x1, [x0] */
    {0xd5087820, 0xd5033fdf, 0xd5387403, 0xf9000002}, /* at s1e1w, x0; ...; str x2, [x0] */
    {0xd5087860, 0xd5033fdf, 0xd5387403, 0xf8000802}, /* at s1e0w, x0; ...; sttr x2, [x0] */
};
/* llvm-mc -triple=armv7a -mattr=+virtualization -show-encoding */
static const uint32_t a32_setup_short[] = {
    0xee015f10, /* mcr p15, 0, r5, c1, c0, 0   SCTLR (MMU off) */
    0xf57ff06f, /* isb */
    0xee022f50, /* mcr p15, 0, r2, c2, c0, 2   TTBCR */
    0xee020f10, /* mcr p15, 0, r0, c2, c0, 0   TTBR0 */
    0xee021f30, /* mcr p15, 0, r1, c2, c0, 1   TTBR1 */
    0xee033f10, /* mcr p15, 0, r3, c3, c0, 0   DACR */
    0xee0a6f12, /* mcr p15, 0, r6, c10, c2, 0  PRRR / MAIR0 */
    0xee0a7f32, /* mcr p15, 0, r7, c10, c2, 1  NMRR / MAIR1 */
    0xf57ff06f, /* isb */
    0xee080f17, /* mcr p15, 0, r0, c8, c7, 0   TLBIALL */
    0xf57ff04f, /* dsb */
    0xf57ff06f, /* isb */
    0xee014f10, /* mcr p15, 0, r4, c1, c0, 0   SCTLR (MMU on) */
    0xf57ff06f, /* isb */
};
static const uint32_t a32_setup_lpae[] = {
    0xee015f10, /* mcr p15, 0, r5, c1, c0, 0   SCTLR (MMU off) */
    0xf57ff06f, /* isb */
    0xee022f50, /* mcr p15, 0, r2, c2, c0, 2   TTBCR */
    0xec410f02, /* mcrr p15, 0, r0, r1, c2     TTBR0 */
    0xec498f12, /* mcrr p15, 1, r8, r9, c2     TTBR1 */
    0xee033f10, /* mcr p15, 0, r3, c3, c0, 0   DACR */
    0xee0a6f12, /* mcr p15, 0, r6, c10, c2, 0  MAIR0 */
    0xee0a7f32, /* mcr p15, 0, r7, c10, c2, 1  MAIR1 */
    0xf57ff06f, /* isb */
    0xee080f17, /* mcr p15, 0, r0, c8, c7, 0   TLBIALL */
    0xf57ff04f, /* dsb */
    0xf57ff06f, /* isb */
    0xee014f10, /* mcr p15, 0, r4, c1, c0, 0   SCTLR (MMU on) */
    0xf57ff06f, /* isb */
};
static const uint32_t a32_slots[4][4] = {
    {0xee070f18, 0xf57ff06f, 0xec554f07, 0xe1c020d0}, /* ATS1CPR; isb; mrrc p15,0,r4,r5,c7 (PAR); ldrd r2, r3, [r0] */
    {0xee070f58, 0xf57ff06f, 0xec554f07, 0xe4b02000}, /* ATS1CUR; ...; ldrt r2, [r0] */
    {0xee070f38, 0xf57ff06f, 0xec554f07, 0xe1c060f0}, /* ATS1CPW; ...; strd r6, r7, [r0] */
    {0xee070f78, 0xf57ff06f, 0xec554f07, 0xe4a06000}, /* ATS1CUW; ...; strt r6, [r0] */
};

#define CPSR_SVC 0x1d3u /* SVC, A I F masked */
#define CPSR_USR 0x1d0u /* User, A I F masked */

typedef struct Xc {
    uc_engine *uc;
    bool a64;
    TgFormat f;
    TgLayout L;
    uint8_t *ram;
    PhysMem pm;
    uint8_t *filled;     /* one bit per 4K page of RAM: holds the pattern */
    uint64_t pool_dirty; /* bytes of the pool area the last set wrote */
    /* hook state */
    int intno;
    uint64_t int_pc;
    bool fetch_mode, fetched;
    uint64_t fetch_va;
    uint64_t holes;
} Xc;

/* What the engine did for one check */
typedef struct EngineOut {
    bool completed;   /* the access ran (the slot reached its exit / the fetch reached the VA) */
    bool aborted;     /* the access raised a data/prefetch abort */
    bool at_abort;    /* the AT instruction itself raised an abort */
    uint64_t par;
    uint64_t value;
    int intno;
    uint64_t pc;
    uint64_t holes;   /* placeholder accesses during the check */
} EngineOut;

/* ---------------------------------------------------------------------------
 * Engine
 * ------------------------------------------------------------------------- */

static void on_intr(uc_engine *uc, uint32_t intno, void *user)
{
    Xc *x = user;
    x->intno = (int)intno;
    uc_reg_read(uc, x->a64 ? UC_ARM64_REG_PC : UC_ARM_REG_PC, &x->int_pc);
    if (!x->a64)
        x->int_pc &= 0xffffffffu;
    uc_emu_stop(uc);
}

/* Global, so every instruction passes it: a fetch check stops before its instruction runs
 * (Unicorn checks for a stop request right after the code hook) */
static void on_code(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    (void)size;
    Xc *x = user;
    if (!x->fetch_mode)
        return;
    if (address == x->fetch_va)
        x->fetched = true;
    uc_emu_stop(uc);
}

static uint64_t hole_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    (void)off;
    (void)size;
    ((Xc *)user)->holes++;
    return 0;
}

static void hole_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc;
    (void)off;
    (void)size;
    (void)v;
    ((Xc *)user)->holes++;
}

static bool placeholder(Xc *x, uint64_t at, uint64_t size, char *err, size_t errlen)
{
    uc_err e = uc_mmio_map(x->uc, at, size, hole_read, x, hole_write, x);
    if (e == UC_ERR_OK)
        e = uc_mem_protect(x->uc, at, size, UC_PROT_ALL);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot map the placeholder 0x%llx+0x%llx: %s", (unsigned long long)at,
                 (unsigned long long)size, uc_strerror(e));
        return false;
    }
    return true;
}

static void set64(Xc *x, int reg, uint64_t v)
{
    uc_reg_write(x->uc, reg, &v);
}

static void set32(Xc *x, int reg, uint32_t v)
{
    uc_reg_write(x->uc, reg, &v);
}

static uint64_t get64(Xc *x, int reg)
{
    uint64_t v = 0;
    uc_reg_read(x->uc, reg, &v);
    return v;
}

static uint32_t get32(Xc *x, int reg)
{
    uint32_t v = 0;
    uc_reg_read(x->uc, reg, &v);
    return v;
}

static void write_code(Xc *x)
{
    uint8_t *c = x->ram + x->L.code_pa;
    memset(c, 0, 0x1000);
    if (x->a64) {
        memcpy(c, a64_setup, sizeof a64_setup);
        for (int k = 0; k < 4; k++)
            memcpy(c + SLOT(k), a64_slots[k], sizeof a64_slots[k]);
    } else {
        if (x->f == TG_LPAE)
            memcpy(c, a32_setup_lpae, sizeof a32_setup_lpae);
        else
            memcpy(c, a32_setup_short, sizeof a32_setup_short);
        for (int k = 0; k < 4; k++)
            memcpy(c + SLOT(k), a32_slots[k], sizeof a32_slots[k]);
    }
}

static uint64_t setup_exit(const Xc *x)
{
    return x->a64 ? sizeof a64_setup : x->f == TG_LPAE ? sizeof a32_setup_lpae : sizeof a32_setup_short;
}

static void xc_close(Xc *x)
{
    if (x->uc)
        uc_close(x->uc);
    if (x->ram)
        munmap(x->ram, x->L.ram_size);
    free(x->filled);
}

static bool xc_open(Xc *x, TgFormat f, char *err, size_t errlen)
{
    memset(x, 0, sizeof *x);
    x->f = f;
    x->a64 = f >= TG_A64_4K;
    tg_default_layout(&x->L);
    uc_err e = uc_open(x->a64 ? UC_ARCH_ARM64 : UC_ARCH_ARM, UC_MODE_ARM, &x->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot open the engine: %s", uc_strerror(e));
        return false;
    }
    e = uc_ctl(x->uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), x->a64 ? UC_CPU_ARM64_A53 : UC_CPU_ARM_CORTEX_A15);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "engine refuses the CPU model: %s", uc_strerror(e));
        return false;
    }
    x->ram = mmap(NULL, x->L.ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (x->ram == MAP_FAILED) {
        x->ram = NULL;
        snprintf(err, errlen, "cannot allocate 0x%llx bytes of guest RAM", (unsigned long long)x->L.ram_size);
        return false;
    }
    x->filled = calloc(x->L.ram_size >> 15, 1);
    if (!x->filled) {
        snprintf(err, errlen, "out of memory");
        return false;
    }
    e = uc_mem_map_ptr(x->uc, x->L.ram_base, x->L.ram_size, UC_PROT_ALL, x->ram);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot map RAM: %s", uc_strerror(e));
        return false;
    }
    physmem_add(&x->pm, x->L.ram_base, x->L.ram_size, x->ram);
    uint64_t end = x->L.ram_base + x->L.ram_size;
    if (x->a64) {
        if (!placeholder(x, end, (UINT64_C(1) << 48) - end, err, errlen) ||
            !placeholder(x, UINT64_C(1) << 48, UINT64_C(0xffff000000000000) - (UINT64_C(1) << 48), err, errlen) ||
            !placeholder(x, UINT64_C(0xffff000000000000), UINT64_C(1) << 48, err, errlen))
            return false;
        /* ENGINE.md section 1: EL1 in AArch64 needs SCR_EL3.RW; HCE lets HVC reach the hook */
        uc_arm64_cp_reg scr = {.crn = 1, .crm = 1, .op0 = 3, .op1 = 6, .op2 = 0, .val = 0x501};
        uc_arm64_cp_reg hcr = {.crn = 1, .crm = 1, .op0 = 3, .op1 = 4, .op2 = 0, .val = UINT64_C(1) << 31};
        uc_reg_write(x->uc, UC_ARM64_REG_CP_REG, &scr);
        uc_reg_write(x->uc, UC_ARM64_REG_CP_REG, &hcr);
        set32(x, UC_ARM64_REG_PSTATE, 0x3c5); /* EL1h, DAIF masked */
    } else {
        if (!placeholder(x, end, UINT64_C(0x100000000) - end, err, errlen))
            return false;
        set32(x, UC_ARM_REG_CPSR, CPSR_SVC);
    }
    write_code(x);
    uint64_t exits[5] = {setup_exit(x), SLOT_EXIT(0), SLOT_EXIT(1), SLOT_EXIT(2), SLOT_EXIT(3)};
    if (uc_ctl_exits_enable(x->uc) != UC_ERR_OK || uc_ctl_set_exits(x->uc, exits, 5) != UC_ERR_OK) {
        snprintf(err, errlen, "the engine refuses the exits list");
        return false;
    }
    uc_hook h;
    if (uc_hook_add(x->uc, &h, UC_HOOK_INTR, (void *)on_intr, x, 1, 0) != UC_ERR_OK ||
        uc_hook_add(x->uc, &h, UC_HOOK_CODE, (void *)on_code, x, 1, 0) != UC_ERR_OK) {
        snprintf(err, errlen, "cannot add the engine hooks");
        return false;
    }
    return true;
}

/* Writes the set's tables into RAM and lets the guest program the MMU */
static bool xc_load_set(Xc *x, const TgSet *s, char *err, size_t errlen)
{
    uint8_t *pool = x->ram + x->L.pool_pa;
    memcpy(pool, s->pool, s->pool_used);
    if (x->pool_dirty > s->pool_used)
        memset(pool + s->pool_used, 0, x->pool_dirty - s->pool_used);
    x->pool_dirty = s->pool_used;
    x->intno = -1;
    if (x->a64) {
        const LongDescRegs *r = &s->ld;
        set64(x, UC_ARM64_REG_X0, r->ttbr0);
        set64(x, UC_ARM64_REG_X1, r->ttbr1);
        set64(x, UC_ARM64_REG_X2, r->tcr);
        set64(x, UC_ARM64_REG_X3, r->mair);
        set64(x, UC_ARM64_REG_X4, r->sctlr);
        set64(x, UC_ARM64_REG_X5, r->sctlr & ~UINT64_C(1));
    } else if (x->f == TG_LPAE) {
        const LongDescRegs *r = &s->ld;
        set32(x, UC_ARM_REG_R0, (uint32_t)r->ttbr0);
        set32(x, UC_ARM_REG_R1, (uint32_t)(r->ttbr0 >> 32));
        set32(x, UC_ARM_REG_R8, (uint32_t)r->ttbr1);
        set32(x, UC_ARM_REG_R9, (uint32_t)(r->ttbr1 >> 32));
        set32(x, UC_ARM_REG_R2, (uint32_t)r->tcr);
        set32(x, UC_ARM_REG_R3, 0x55555555u);
        set32(x, UC_ARM_REG_R4, (uint32_t)r->sctlr);
        set32(x, UC_ARM_REG_R5, (uint32_t)r->sctlr & ~1u);
        set32(x, UC_ARM_REG_R6, (uint32_t)r->mair);
        set32(x, UC_ARM_REG_R7, (uint32_t)(r->mair >> 32));
    } else {
        const V7ShortRegs *r = &s->v7;
        set32(x, UC_ARM_REG_R0, r->ttbr0);
        set32(x, UC_ARM_REG_R1, r->ttbr1);
        set32(x, UC_ARM_REG_R2, r->ttbcr);
        set32(x, UC_ARM_REG_R3, r->dacr);
        set32(x, UC_ARM_REG_R4, r->sctlr);
        set32(x, UC_ARM_REG_R5, r->sctlr & ~1u);
        set32(x, UC_ARM_REG_R6, r->prrr);
        set32(x, UC_ARM_REG_R7, r->nmrr);
    }
    uc_err e = uc_emu_start(x->uc, x->L.code_pa, 0, 0, 0);
    uint64_t pc = x->a64 ? get64(x, UC_ARM64_REG_PC) : get32(x, UC_ARM_REG_PC);
    if (e != UC_ERR_OK || x->intno >= 0 || pc != setup_exit(x)) {
        snprintf(err, errlen, "the guest did not finish programming the MMU (%s, exception %d, pc 0x%llx)",
                 uc_strerror(e), x->intno, (unsigned long long)pc);
        return false;
    }
    return true;
}

/* The code page, the tables and the pattern again, after a store went where it should not have */
static bool xc_repair(Xc *x, const TgSet *s, char *err, size_t errlen)
{
    memset(x->filled, 0, x->L.ram_size >> 15);
    write_code(x);
    uc_ctl_remove_cache(x->uc, x->L.code_pa, x->L.code_pa + 0x1000);
    x->pool_dirty = x->L.pool_size;
    return xc_load_set(x, s, err, errlen);
}

static bool in_ram(const Xc *x, uint64_t pa, uint64_t len)
{
    return physmem_ptr(&x->pm, pa, len) != NULL;
}

/* Gives the page holding pa its pattern, when it is in the data window */
static void fill_page(Xc *x, uint64_t pa)
{
    if (pa == TG_NO_PA || pa < x->L.data_lo || pa >= x->L.data_hi)
        return;
    uint64_t page = pa >> 12;
    if (x->filled[page >> 3] & (1u << (page & 7)))
        return;
    x->filled[page >> 3] |= (uint8_t)(1u << (page & 7));
    uint8_t *p = x->ram + (page << 12);
    for (unsigned i = 0; i < 0x1000; i += 8) {
        uint64_t v = tg_pattern((page << 12) + i);
        memcpy(p + i, &v, 8);
    }
}

static uint64_t ram_read(const Xc *x, uint64_t pa, unsigned len)
{
    uint64_t v = 0;
    const uint8_t *p = physmem_ptr(&x->pm, pa, len);
    if (p)
        memcpy(&v, p, len); /* little-endian host */
    return v;
}

static void ram_write(Xc *x, uint64_t pa, unsigned len, uint64_t v)
{
    uint8_t *p = physmem_ptr(&x->pm, pa, len);
    if (p)
        memcpy(p, &v, len);
}

static void run_slot(Xc *x, int k, uint64_t va, uint64_t store, EngineOut *o)
{
    memset(o, 0, sizeof *o);
    x->intno = -1;
    uint64_t holes = x->holes;
    uc_err e;
    if (x->a64) {
        set64(x, UC_ARM64_REG_X0, va);
        set64(x, UC_ARM64_REG_X1, 0);
        set64(x, UC_ARM64_REG_X2, store);
        set64(x, UC_ARM64_REG_X3, 0);
        e = uc_emu_start(x->uc, SLOT(k), 0, 0, 0);
        o->pc = get64(x, UC_ARM64_REG_PC);
        o->par = get64(x, UC_ARM64_REG_X3);
        o->value = get64(x, UC_ARM64_REG_X1);
    } else {
        set32(x, UC_ARM_REG_R0, (uint32_t)va);
        set32(x, UC_ARM_REG_R2, 0);
        set32(x, UC_ARM_REG_R3, 0);
        set32(x, UC_ARM_REG_R4, 0);
        set32(x, UC_ARM_REG_R5, 0);
        set32(x, UC_ARM_REG_R6, (uint32_t)store);
        set32(x, UC_ARM_REG_R7, (uint32_t)(store >> 32));
        e = uc_emu_start(x->uc, SLOT(k), 0, 0, 0);
        o->pc = get32(x, UC_ARM_REG_PC);
        o->par = (uint64_t)get32(x, UC_ARM_REG_R5) << 32 | get32(x, UC_ARM_REG_R4);
        o->value = k == K_R1 ? (uint64_t)get32(x, UC_ARM_REG_R3) << 32 | get32(x, UC_ARM_REG_R2)
                             : get32(x, UC_ARM_REG_R2);
    }
    o->intno = x->intno;
    o->holes = x->holes - holes;
    o->completed = e == UC_ERR_OK && x->intno < 0 && o->pc == SLOT_EXIT(k);
    o->aborted = x->intno == 4 && x->int_pc == SLOT_ACCESS(k);
    o->at_abort = x->intno >= 0 && x->int_pc == SLOT_AT(k);
}

static void run_fetch(Xc *x, bool privileged, uint64_t va, EngineOut *o)
{
    memset(o, 0, sizeof *o);
    x->intno = -1;
    x->fetch_mode = true;
    x->fetched = false;
    x->fetch_va = va;
    uint64_t holes = x->holes;
    if (!x->a64 && !privileged)
        set32(x, UC_ARM_REG_CPSR, CPSR_USR);
    uc_err e = uc_emu_start(x->uc, va, 0, 0, 0);
    x->fetch_mode = false;
    if (!x->a64 && !privileged)
        set32(x, UC_ARM_REG_CPSR, CPSR_SVC);
    o->intno = x->intno;
    o->pc = x->a64 ? get64(x, UC_ARM64_REG_PC) : get32(x, UC_ARM_REG_PC);
    o->holes = x->holes - holes;
    o->completed = e == UC_ERR_OK && x->fetched && x->intno < 0;
    o->aborted = x->intno == 3;
}

/* ---------------------------------------------------------------------------
 * Walker
 * ------------------------------------------------------------------------- */

typedef struct Prediction {
    bool ok;
    uint64_t pa;
    FaultRecord fault;
    uint64_t size;     /* mapping size (short descriptors: PAR has PA[31:24] for supersections) */
    int level;         /* of the final descriptor */
    uint8_t mair_attr; /* long descriptors: the MAIR byte AttrIndx selects */
    char text[160];
} Prediction;

static void predict(const Xc *x, const TgSet *s, uint64_t va, AccessType a, bool priv, Prediction *p)
{
    memset(p, 0, sizeof *p);
    if (x->f == TG_V7) {
        TranslationResult r;
        p->ok = v7_short_translate(&s->v7, &x->pm, (uint32_t)va, a, priv, &r);
        p->pa = r.pa;
        p->fault = r.fault;
        p->size = r.size;
        p->level = r.level;
        v7_short_format(&r, p->text, sizeof p->text);
    } else {
        LdResult r;
        p->ok = ld_translate(&s->ld, &x->pm, va, a, priv, &r);
        p->pa = r.pa;
        p->fault = r.fault;
        p->size = r.size;
        p->level = r.level;
        p->mair_attr = r.mair_attr;
        ld_format(&r, p->text, sizeof p->text);
    }
}

static const char *const size_names[8] = {"4K", "16K", "64K", "1M", "2M", "16M", "32M", ">=512M"};

static unsigned size_bucket(uint64_t size)
{
    switch (size) {
    case 0x1000: return 0;
    case 0x4000: return 1;
    case 0x10000: return 2;
    case 0x100000: return 3;
    case 0x200000: return 4;
    case 0x1000000: return 5;
    case 0x2000000: return 6;
    default: return 7;
    }
}

/* The fault status code the walker's fault has in PAR: the long-descriptor FSC (PAR_EL1.FST,
 * 64-bit PAR.FST) or the short-descriptor FS[4:0] (32-bit PAR) */
static uint32_t walker_code(const Xc *x, const FaultRecord *f)
{
    if (x->f == TG_V7) {
        uint32_t ifsr = fault_v7_short_ifsr(f);
        return ((ifsr >> 10) & 1u) << 4 | (ifsr & 0xfu);
    }
    return fault_esr_fsc(f);
}

static bool par_fault(const Xc *x, uint64_t par, uint32_t *code)
{
    if (!(par & 1))
        return false;
    if (x->f == TG_V7) /* F, FS[3:0] at [4:1], FS[4] at [5] (QEMU do_ats_write; DDI 0406C B4.1.112) */
        *code = (uint32_t)(((par >> 5) & 1u) << 4 | ((par >> 1) & 0xfu));
    else               /* F, FST at [6:1] */
        *code = (uint32_t)((par >> 1) & 0x3fu);
    return true;
}

/* The PA bits PAR holds for a successful translation, compared at the granularity it reports */
static bool par_pa_matches(const Xc *x, uint64_t par, const Prediction *p)
{
    if (x->f == TG_V7) {
        if (par & 2) /* supersection: PA[31:24] */
            return (par & 0xff000000u) == (p->pa & 0xff000000u) && p->size == 0x1000000;
        return (par & 0xfffff000u) == (p->pa & 0xfffff000u);
    }
    uint64_t mask = x->f == TG_LPAE ? UINT64_C(0xfffffff000) : UINT64_C(0xfffffffff000);
    return (par & mask) == (p->pa & mask);
}

static const char *code_name(const Xc *x, uint32_t c, char *buf, size_t n)
{
    static const char *const lt[] = {"address_size", "translation", "access_flag", "permission"};
    if (x->f == TG_V7) {
        switch (c) {
        case 0x05: case 0x07: snprintf(buf, n, "translation level %d", c == 5 ? 1 : 2); break;
        case 0x03: case 0x06: snprintf(buf, n, "access_flag level %d", c == 3 ? 1 : 2); break;
        case 0x09: case 0x0b: snprintf(buf, n, "domain level %d", c == 9 ? 1 : 2); break;
        case 0x0d: case 0x0f: snprintf(buf, n, "permission level %d", c == 0xd ? 1 : 2); break;
        case 0x0c: case 0x0e: snprintf(buf, n, "external_walk level %d", c == 0xc ? 1 : 2); break;
        default: snprintf(buf, n, "FS 0x%02x", c);
        }
        return buf;
    }
    if (c < 0x10)
        snprintf(buf, n, "%s level %u", lt[c >> 2], c & 3u);
    else if ((c & 0x3c) == 0x14)
        snprintf(buf, n, "external_walk level %u", c & 3u);
    else
        snprintf(buf, n, "FSC 0x%02x", c);
    return buf;
}

/* ---------------------------------------------------------------------------
 * The run
 * ------------------------------------------------------------------------- */

#define SHOW_MAX 5
#define SHOW_MAX_VERBOSE 40

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void describe_engine(const Xc *x, int k, const EngineOut *o, char *buf, size_t n)
{
    char pr[48] = "";
    uint32_t code;
    size_t len = 0;
    if (k >= K_X1) {
        snprintf(buf, n, "%s", o->completed ? "fetched" : o->aborted ? "prefetch abort"
                                                                   : "no answer");
        return;
    }
    if (o->at_abort)
        len = (size_t)snprintf(buf, n, "AT raised exception %d", o->intno);
    else if (par_fault(x, o->par, &code))
        len = (size_t)snprintf(buf, n, "PAR fault %s", code_name(x, code, pr, sizeof pr));
    else
        len = (size_t)snprintf(buf, n, "PAR pa 0x%llx", (unsigned long long)(o->par & UINT64_C(0xfffffffff000)));
    if (len >= n)
        return;
    if (o->aborted)
        snprintf(buf + len, n - len, "; data abort");
    else if (!o->completed)
        snprintf(buf + len, n - len, "; stopped (exception %d, pc 0x%llx)", o->intno, (unsigned long long)o->pc);
    else if ((k == K_R1 || (k == K_R0 && x->a64)) && tg_pattern_inverse(o->value) < UINT64_C(1) << 40)
        snprintf(buf + len, n - len, "; read 0x%016llx (the pattern of pa 0x%llx)", (unsigned long long)o->value,
                 (unsigned long long)tg_pattern_inverse(o->value));
    else if (k == K_R1 || (k == K_R0 && x->a64))
        snprintf(buf + len, n - len, "; read 0x%016llx (no pattern word)", (unsigned long long)o->value);
    else if (k == K_R0)
        snprintf(buf + len, n - len, "; read 0x%08llx", (unsigned long long)o->value);
    else
        snprintf(buf + len, n - len, "; stored");
    if (o->holes)
        snprintf(buf + strlen(buf), n - strlen(buf), "; %llu access(es) to a physical hole",
                 (unsigned long long)o->holes);
}

bool xcheck_run(const XcheckOptions *o, XcheckResult *res, char *err, size_t errlen)
{
    memset(res, 0, sizeof *res);
    FILE *out = o->out ? o->out : stdout;
    Xc x;
    TgLayout layout;
    tg_default_layout(&layout);
    TgGen *g = tg_new((TgFormat)o->format, &layout, o->seed, o->include_deviations);
    if (!g) {
        snprintf(err, errlen, "cannot create the table generator");
        return false;
    }
    if (!xc_open(&x, (TgFormat)o->format, err, errlen)) {
        xc_close(&x);
        tg_free(g);
        return false;
    }
    const char *fname = tg_format_name((TgFormat)o->format);
    int nkinds = x.a64 ? K_X1 + 1 : K_COUNT;
    unsigned show_max = o->verbose ? SHOW_MAX_VERBOSE : SHOW_MAX, shown = 0;
    bool corrupt_pending = o->self_test_corrupt, ok = true;
    double t0 = now();
    TgSet s;
    uint64_t store_seq = 0;
    while (res->checks < o->count) {
        if (!tg_next(g, 32, &s)) {
            snprintf(err, errlen, "the generator failed on set %llu", (unsigned long long)res->sets);
            ok = false;
            break;
        }
        res->sets++;
        if (!xc_load_set(&x, &s, err, errlen)) {
            ok = false;
            break;
        }
        for (unsigned pi = 0; pi < s.nprobes && res->checks < o->count && ok; pi++) {
            const TgProbe *pr = &s.probes[pi];
            res->vas++;
            for (int k = 0; k < nkinds && res->checks < o->count; k++) {
                AccessType at = k <= K_R0 ? Access_Read : k <= K_W0 ? Access_Write : Access_Fetch;
                bool priv = k == K_R1 || k == K_W1 || k == K_X1;
                Prediction p;
                predict(&x, &s, pr->va, at, priv, &p);
                if (corrupt_pending && k == K_R1 && p.ok) { /* the self-test: a wrong PA, one word off */
                    p.pa ^= 8;
                    corrupt_pending = false;
                }
                fill_page(&x, p.ok ? p.pa : TG_NO_PA);
                fill_page(&x, pr->gen_pa);
                EngineOut e;
                uint64_t before = 0, store = 0;
                unsigned width = (k == K_R0 || k == K_W0) && !x.a64 ? 4 : 8;
                if (at == Access_Write) {
                    store = tg_pattern(UINT64_C(0xfeed000000000000) | store_seq++);
                    if (p.ok)
                        before = ram_read(&x, p.pa, width);
                }
                if (at == Access_Fetch)
                    run_fetch(&x, priv, pr->va, &e);
                else
                    run_slot(&x, k, pr->va, store, &e);
                res->checks++;
                res->hole_accesses += e.holes;

                /* the verdict */
                bool match;
                const char *why = "";
                uint32_t code = 0;
                if (at == Access_Fetch) {
                    match = p.ok ? e.completed : e.aborted;
                    why = p.ok ? "the engine did not fetch" : "the engine fetched";
                } else if (p.ok) {
                    match = e.completed && !e.at_abort;
                    why = "the engine aborted";
                    if (match && (par_fault(&x, e.par, &code) || !par_pa_matches(&x, e.par, &p))) {
                        match = false;
                        why = "AT/PAR disagrees";
                    }
                    if (match && x.f != TG_V7 && (uint8_t)(e.par >> 56) != p.mair_attr) {
                        match = false; /* 64-bit PAR.ATTR [63:56]: the MAIR byte of AttrIndx */
                        why = "PAR.ATTR is another MAIR byte";
                    }
                    if (match && !in_ram(&x, p.pa, width)) {
                        match = e.holes != 0;
                        why = "the engine did not reach the physical hole the walker names";
                    } else if (match && at == Access_Read) {
                        uint64_t want = ram_read(&x, p.pa, width);
                        match = e.value == want;
                        why = "a different value (another PA) was read";
                    } else if (match) {
                        uint64_t got = ram_read(&x, p.pa, width);
                        uint64_t want = width == 4 ? (uint32_t)store : store;
                        match = got == want;
                        why = "the walker's PA does not hold the value stored";
                    }
                } else {
                    match = e.aborted && !e.completed;
                    why = e.completed ? "the engine completed the access" : "the engine did not abort";
                    if (match && !e.at_abort) {
                        uint32_t wc = walker_code(&x, &p.fault);
                        if (!par_fault(&x, e.par, &code) || code != wc) {
                            match = false;
                            why = "AT/PAR gives another fault status";
                        }
                    } else if (match) {
                        match = false;
                        why = "AT raised an exception";
                    }
                }
                if (at == Access_Write && p.ok && in_ram(&x, p.pa, width))
                    ram_write(&x, p.pa, width, before);

                /* counts */
                if (at == Access_Read) {
                    res->loads++;
                    res->loads_ok += p.ok;
                } else if (at == Access_Write) {
                    res->stores++;
                    res->stores_ok += p.ok;
                } else {
                    res->fetches++;
                    res->fetches_ok += p.ok;
                }
                if (p.ok) {
                    res->ok_level[p.level & 3]++;
                    res->ok_size[size_bucket(p.size)]++;
                } else {
                    res->fault_level[p.fault.level & 3]++;
                }
                if (!p.ok) {
                    res->faults++;
                    if ((unsigned)p.fault.type < 8)
                        res->fault_types[p.fault.type]++;
                }
                if (p.ok && pr->dev == 0 && pr->gen_pa != TG_NO_PA && p.pa != pr->gen_pa && match)
                    res->gen_disagree++;
                if (p.ok && pr->dev == 0 && pr->gen_pa == TG_NO_PA && match)
                    res->gen_disagree++;
                unsigned dev = pr->dev;
                if (at != Access_Fetch)
                    dev &= ~(unsigned)TG_DEV_V7_WXN; /* WXN/UWXN only decide fetches */
                for (unsigned b = 0; b < TG_DEV_COUNT; b++)
                    if (dev & (1u << b)) {
                        res->dev_checks[b]++;
                        res->dev_mismatches[b] += !match;
                    }
                if (!match) {
                    res->mismatches++;
                    res->unexplained += dev == 0;
                    if (shown < show_max) {
                        char eng[200];
                        describe_engine(&x, k, &e, eng, sizeof eng);
                        char cats[128] = "";
                        for (unsigned b = 0; b < TG_DEV_COUNT; b++)
                            if (dev & (1u << b))
                                snprintf(cats + strlen(cats), sizeof cats - strlen(cats), "%s%s",
                                         *cats ? "," : " [deviation ", tg_deviation_name(b));
                        if (*cats)
                            snprintf(cats + strlen(cats), sizeof cats - strlen(cats), "]");
                        fprintf(out, "  mismatch: %s set %llu va 0x%llx %s%s: %s; walker: %s; engine: %s\n", fname,
                                (unsigned long long)res->sets, (unsigned long long)pr->va, kind_name(x.a64, k), cats,
                                why, p.text, eng);
                        shown++;
                    }
                    /* a store that went elsewhere, or an access the walker refused: restore memory */
                    if (at == Access_Write && (e.completed || !p.ok) && !xc_repair(&x, &s, err, errlen)) {
                        ok = false;
                        break;
                    }
                }
            }
        }
        if (!ok)
            break;
    }
    res->seconds = now() - t0;
    xc_close(&x);
    tg_free(g);

    fprintf(out, "%-8s table sets %llu, VA checks %llu (%llu VAs), loads %llu (%llu ok), stores %llu (%llu ok), "
                 "fetches %llu (%llu ok), faults %llu",
            fname, (unsigned long long)res->sets, (unsigned long long)res->checks, (unsigned long long)res->vas,
            (unsigned long long)res->loads, (unsigned long long)res->loads_ok, (unsigned long long)res->stores,
            (unsigned long long)res->stores_ok, (unsigned long long)res->fetches,
            (unsigned long long)res->fetches_ok, (unsigned long long)res->faults);
    const char *sep = " (";
    for (unsigned t = 1; t < 8; t++)
        if (res->fault_types[t]) {
            fprintf(out, "%s%s %llu", sep, fault_type_name((FaultType)t), (unsigned long long)res->fault_types[t]);
            sep = ", ";
        }
    fprintf(out, "%s, mismatches %llu", *sep == ',' ? ")" : "", (unsigned long long)res->mismatches);
    if (o->include_deviations)
        fprintf(out, " (unexplained %llu)", (unsigned long long)res->unexplained);
    fprintf(out, ", %.2f s, %.0f checks/s\n", res->seconds, res->seconds > 0 ? (double)res->checks / res->seconds : 0.0);
    if (o->include_deviations)
        for (unsigned b = 0; b < TG_DEV_COUNT; b++)
            if (res->dev_checks[b])
                fprintf(out, "         deviation %-16s checks %llu, mismatches %llu\n", tg_deviation_name(b),
                        (unsigned long long)res->dev_checks[b], (unsigned long long)res->dev_mismatches[b]);
    if (o->verbose) {
        fprintf(out, "         walker answers by level: ok L0 %llu L1 %llu L2 %llu L3 %llu; fault L0 %llu L1 %llu L2 %llu L3 %llu\n",
                (unsigned long long)res->ok_level[0], (unsigned long long)res->ok_level[1],
                (unsigned long long)res->ok_level[2], (unsigned long long)res->ok_level[3],
                (unsigned long long)res->fault_level[0], (unsigned long long)res->fault_level[1],
                (unsigned long long)res->fault_level[2], (unsigned long long)res->fault_level[3]);
        fprintf(out, "         permitted accesses by mapping size:");
        for (unsigned b = 0; b < 8; b++)
            if (res->ok_size[b])
                fprintf(out, " %s %llu", size_names[b], (unsigned long long)res->ok_size[b]);
        fprintf(out, "\n");
    }
    if (o->verbose || res->gen_disagree || res->hole_accesses)
        fprintf(out, "         walker PA != generator's PA: %llu; engine accesses to physical holes: %llu\n",
                (unsigned long long)res->gen_disagree, (unsigned long long)res->hole_accesses);
    fflush(out);
    return ok;
}
