/* The board: engine, RAM, devices, placeholders for virtual addresses, boot state. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "machine_internal.h"

uint32_t reg32(Machine *m, int reg)
{
    uint32_t v = 0;
    uc_reg_read(m->uc, reg, &v);
    return v;
}

void set_reg32(Machine *m, int reg, uint32_t v)
{
    uc_reg_write(m->uc, reg, &v);
}

/* The models reset in Non-secure SVC (measured: CPSR 0x1d3, the guest's cp15 writes land in
 * the sec = 0 bank), so that bank is the guest's. */
uint32_t cp15_read(Machine *m, int crn, int opc1, int crm, int opc2)
{
    uc_arm_cp_reg r = {.cp = 15, .is64 = 0, .sec = 0, .crn = (uint32_t)crn, .crm = (uint32_t)crm,
                       .opc1 = (uint32_t)opc1, .opc2 = (uint32_t)opc2, .val = 0};
    uc_reg_read(m->uc, UC_ARM_REG_CP_REG, &r);
    return (uint32_t)r.val;
}

void cp15_write(Machine *m, int crn, int opc1, int crm, int opc2, uint32_t v)
{
    uc_arm_cp_reg r = {.cp = 15, .is64 = 0, .sec = 0, .crn = (uint32_t)crn, .crm = (uint32_t)crm,
                       .opc1 = (uint32_t)opc1, .opc2 = (uint32_t)opc2, .val = v};
    uc_reg_write(m->uc, UC_ARM_REG_CP_REG, &r);
}

void machine_sync_regs(Machine *m)
{
    V7ShortRegs *r = &m->regs;
    r->sctlr = cp15_read(m, 1, 0, 0, 0);
    r->ttbr0 = cp15_read(m, 2, 0, 0, 0);
    r->ttbr1 = cp15_read(m, 2, 0, 0, 1);
    r->ttbcr = cp15_read(m, 2, 0, 0, 2);
    r->dacr = cp15_read(m, 3, 0, 0, 0);
    r->prrr = cp15_read(m, 10, 0, 2, 0);
    r->nmrr = cp15_read(m, 10, 0, 2, 1);
    r->contextidr = cp15_read(m, 13, 0, 0, 1);
    r->has_pxn = strcmp(m->cfg.cpu, "cortex-a9") != 0; /* PXN comes with LPAE: A7, A15 */
}

void machine_v7_regs(Machine *m, V7ShortRegs *out)
{
    machine_sync_regs(m);
    *out = m->regs;
}

const PhysMem *machine_physmem(const Machine *m)
{
    return &m->pm;
}

uint64_t machine_entry(const Machine *m)
{
    return m->entry;
}

bool privileged_now(Machine *m)
{
    return (reg32(m, UC_ARM_REG_CPSR) & 0x1f) != 0x10;
}

bool fetch_code(Machine *m, uint64_t va, void *buf, uint32_t len)
{
    uint8_t *out = buf;
    while (len) {
        uint32_t chunk = 0x1000 - (uint32_t)(va & 0xfff);
        if (chunk > len)
            chunk = len;
        uint64_t pa = va;
        if (m->regs.sctlr & SCTLR_M) {
            TranslationResult r;
            if (!v7_short_translate(&m->regs, &m->pm, (uint32_t)va, Access_Fetch, privileged_now(m), &r))
                return false;
            pa = r.pa;
        }
        const uint8_t *p = physmem_ptr(&m->pm, pa, chunk);
        if (!p)
            return false;
        memcpy(out, p, chunk);
        out += chunk;
        va += chunk;
        len -= chunk;
    }
    return true;
}

void disasm_one(Machine *m, uint64_t va, bool thumb, char *buf, size_t n)
{
    uint8_t code[4];
    cs_insn *insn;
    buf[0] = 0;
    if (!m->cs_ok || !fetch_code(m, va, code, 4))
        return;
    size_t c = cs_disasm(thumb ? m->cs_thumb : m->cs_arm, code, 4, va, 1, &insn);
    if (c) {
        snprintf(buf, n, "%s %s", insn[0].mnemonic, insn[0].op_str);
        cs_free(insn, c);
    }
}

void machine_stop(Machine *m, ExitReason r, const char *fmt, ...)
{
    if (m->reason == Exit_None) {
        m->reason = r;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(m->msg, sizeof m->msg, fmt, ap);
        va_end(ap);
    }
    uc_emu_stop(m->uc);
}

/* A placeholder fires only for a real physical access to a hole (shared/ENGINE.md section 2). */
static uint64_t hole_read(uc_engine *uc, uint64_t off, unsigned size, void *user)
{
    (void)uc;
    Machine *m = user;
    uint64_t pc = reg32(m, UC_ARM_REG_PC);
    event_emit(m->ev, Ev_BusError, pc, m->insns, "\"access\":\"read\",\"offset\":\"0x%llx\",\"size\":%u",
               (unsigned long long)off, size);
    machine_stop(m, Exit_BusError, "bus error: %u-byte read from a physical address with nothing behind it "
                 "(placeholder offset 0x%llx) near pc 0x%llx", size, (unsigned long long)off,
                 (unsigned long long)pc);
    return 0;
}

static void hole_write(uc_engine *uc, uint64_t off, unsigned size, uint64_t v, void *user)
{
    (void)uc;
    (void)v;
    Machine *m = user;
    uint64_t pc = reg32(m, UC_ARM_REG_PC);
    event_emit(m->ev, Ev_BusError, pc, m->insns, "\"access\":\"write\",\"offset\":\"0x%llx\",\"size\":%u",
               (unsigned long long)off, size);
    machine_stop(m, Exit_BusError, "bus error: %u-byte write to a physical address with nothing behind it "
                 "(placeholder offset 0x%llx) near pc 0x%llx", size, (unsigned long long)off,
                 (unsigned long long)pc);
}

typedef struct Span {
    uint64_t base, size;
} Span;

static int span_cmp(const void *a, const void *b)
{
    const Span *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

/* Covers every part of the 32-bit space that has no physical region with a placeholder. */
static bool map_placeholders(Machine *m, char *err, size_t errlen)
{
    Span s[2] = {{m->cfg.ram_base, m->cfg.ram_size}, {m->cfg.uart_base, 0x1000}};
    qsort(s, 2, sizeof *s, span_cmp);
    uint64_t at = 0;
    for (int i = 0; i <= 2; i++) {
        uint64_t end = i < 2 ? s[i].base : (1ull << 32);
        if (end > at) {
            uc_err e = uc_mmio_map(m->uc, at, end - at, hole_read, m, hole_write, m);
            if (e == UC_ERR_OK)
                e = uc_mem_protect(m->uc, at, end - at, UC_PROT_ALL);
            if (e != UC_ERR_OK) {
                snprintf(err, errlen, "cannot map the placeholder 0x%llx-0x%llx: %s", (unsigned long long)at,
                         (unsigned long long)end, uc_strerror(e));
                return false;
            }
        }
        if (i < 2)
            at = s[i].base + s[i].size;
    }
    return true;
}

static int cpu_model(const char *cpu)
{
    if (!strcmp(cpu, "cortex-a7")) return UC_CPU_ARM_CORTEX_A7;
    if (!strcmp(cpu, "cortex-a9")) return UC_CPU_ARM_CORTEX_A9;
    return UC_CPU_ARM_CORTEX_A15;
}

Machine *machine_create(const MachineConfig *cfg, EventSink *events, char *err, size_t errlen)
{
    Machine *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->cfg = *cfg;
    m->ev = events;
    m->max_insns = cfg->max_insns;
    uc_err e = uc_open(UC_ARCH_ARM, UC_MODE_ARM, &m->uc);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot open the engine: %s", uc_strerror(e));
        free(m);
        return NULL;
    }
    e = uc_ctl(m->uc, UC_CTL_WRITE(UC_CTL_CPU_MODEL, 1), cpu_model(cfg->cpu));
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "engine refuses CPU model %s: %s", cfg->cpu, uc_strerror(e));
        goto fail;
    }
    m->ram = mmap(NULL, cfg->ram_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m->ram == MAP_FAILED) {
        m->ram = NULL;
        snprintf(err, errlen, "cannot allocate 0x%llx bytes of guest RAM", (unsigned long long)cfg->ram_size);
        goto fail;
    }
    e = uc_mem_map_ptr(m->uc, cfg->ram_base, cfg->ram_size, UC_PROT_ALL, m->ram);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot map RAM at 0x%llx: %s", (unsigned long long)cfg->ram_base, uc_strerror(e));
        goto fail;
    }
    physmem_add(&m->pm, cfg->ram_base, cfg->ram_size, m->ram);
    if (!pl011_attach(m, err, errlen) || !map_placeholders(m, err, errlen) || !observer_attach(m, err, errlen) ||
        !exceptions_attach(m, err, errlen))
        goto fail;
    m->cs_ok = cs_open(CS_ARCH_ARM, CS_MODE_ARM, &m->cs_arm) == CS_ERR_OK &&
               cs_open(CS_ARCH_ARM, CS_MODE_THUMB, &m->cs_thumb) == CS_ERR_OK;
    machine_sync_regs(m);
    return m;
fail:
    machine_destroy(m);
    return NULL;
}

void machine_destroy(Machine *m)
{
    if (!m)
        return;
    if (m->cs_ok) {
        cs_close(&m->cs_arm);
        cs_close(&m->cs_thumb);
    }
    if (m->uc)
        uc_close(m->uc);
    if (m->ram)
        munmap(m->ram, m->cfg.ram_size);
    free(m);
}

bool machine_load_image(Machine *m, const char *path, char *err, size_t errlen)
{
    if (!load_image(m, path, err, errlen))
        return false;
    /* the DTB (up to 64 KiB) must not land on the image */
    uint64_t dtb_lo = m->cfg.dtb_addr, dtb_hi = dtb_lo + DTB_MAX_SIZE;
    if (m->image_lo < dtb_hi && dtb_lo < m->image_hi) {
        snprintf(err, errlen, "%s: image (0x%llx-0x%llx) overlaps the DTB at 0x%llx-0x%llx; "
                 "move it with --set machine.dtb_addr=ADDR", path, (unsigned long long)m->image_lo,
                 (unsigned long long)m->image_hi - 1, (unsigned long long)dtb_lo, (unsigned long long)dtb_hi - 1);
        return false;
    }
    if (!build_dtb(m, err, errlen))
        return false;
    set_reg32(m, UC_ARM_REG_R0, 0);
    set_reg32(m, UC_ARM_REG_R1, m->cfg.machine_id);
    set_reg32(m, UC_ARM_REG_R2, (uint32_t)m->cfg.dtb_addr);
    set_reg32(m, UC_ARM_REG_CPSR, 0x1d3 | (m->entry_thumb ? 0x20u : 0)); /* SVC, A, I, F masked */
    set_reg32(m, UC_ARM_REG_PC, (uint32_t)m->entry);
    machine_sync_regs(m);
    return true;
}

const char *exit_reason_name(ExitReason r)
{
    switch (r) {
    case Exit_None: return "none";
    case Exit_PowerOff: return "poweroff";
    case Exit_SystemReset: return "system_reset";
    case Exit_InsnLimit: return "insn_limit";
    case Exit_TimeLimit: return "time_limit";
    case Exit_NoVector: return "no_vector";
    case Exit_BusError: return "bus_error";
    case Exit_WalkerDisagreement: return "walker_disagreement";
    case Exit_EngineError: return "engine_error";
    }
    return "unknown";
}

int exit_reason_status(ExitReason r)
{
    switch (r) {
    case Exit_PowerOff:
    case Exit_SystemReset: return 0;
    case Exit_InsnLimit:
    case Exit_TimeLimit: return 3;
    default: return 4;
    }
}
