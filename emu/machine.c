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

/* Unicorn takes the Thumb state from bit 0 of a PC write: a plain write from Thumb code would
 * switch to ARM state (measured: Debian's armhf user space died of SIGILL that way). */
void a32_set_pc(Machine *m, uint32_t pc, bool thumb)
{
    set_reg32(m, UC_ARM_REG_PC, pc | (thumb ? 1u : 0u));
}

int a32_gpr_reg(unsigned r)
{
    static const int map[16] = {
        UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,  UC_ARM_REG_R4,  UC_ARM_REG_R5,
        UC_ARM_REG_R6, UC_ARM_REG_R7, UC_ARM_REG_R8,  UC_ARM_REG_R9,  UC_ARM_REG_R10, UC_ARM_REG_R11,
        UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR, UC_ARM_REG_PC};
    return map[r & 15];
}

uint64_t reg64(Machine *m, int reg)
{
    uint64_t v = 0;
    uc_reg_read(m->uc, reg, &v);
    return v;
}

void set_reg64(Machine *m, int reg, uint64_t v)
{
    uc_reg_write(m->uc, reg, &v);
}

uint64_t machine_pc(Machine *m)
{
    return m->a64 ? reg64(m, UC_ARM64_REG_PC) : reg32(m, UC_ARM_REG_PC);
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
    if (m->a64) {
        a64_sync_regs(m);
        return;
    }
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

void machine_describe_va(Machine *m, uint64_t va, char *buf, size_t n)
{
    machine_sync_regs(m);
    machine_translate_line(m, va, buf, n);
}

bool machine_is_a64(const Machine *m)
{
    return m->a64;
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
    if (m->a64)
        return (reg32(m, UC_ARM64_REG_PSTATE) & 0xc) != 0; /* CurrentEL != EL0 */
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
        if (machine_mmu_on(m)) {
            Xlate x;
            machine_translate(m, va, Access_Fetch, privileged_now(m), &x);
            if (!x.ok)
                return false;
            pa = x.pa;
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
    size_t c = cs_disasm(m->a64 ? m->cs_a64 : thumb ? m->cs_thumb : m->cs_arm, code, 4, va, 1, &insn);
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
    uint64_t pc = machine_pc(m);
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
    uint64_t pc = machine_pc(m);
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

static bool placeholder(Machine *m, uint64_t at, uint64_t size, char *err, size_t errlen)
{
    uc_err e = uc_mmio_map(m->uc, at, size, hole_read, m, hole_write, m);
    if (e == UC_ERR_OK)
        e = uc_mem_protect(m->uc, at, size, UC_PROT_ALL);
    if (e != UC_ERR_OK) {
        snprintf(err, errlen, "cannot map the placeholder 0x%llx-0x%llx: %s", (unsigned long long)at,
                 (unsigned long long)(at + size - 1), uc_strerror(e));
        return false;
    }
    return true;
}

/* Covers every part of the virtual address space that has no physical region with a
 * placeholder: the 32-bit space for AArch32; for AArch64 the low 48-bit half (TTBR0) and the
 * high half 0xffff000000000000.. (TTBR1). */
static bool map_placeholders(Machine *m, char *err, size_t errlen)
{
    Span s[5] = {{m->cfg.ram_base, m->cfg.ram_size}, {m->cfg.uart_base, 0x1000}};
    int n = 2;
    if (!m->a64 && m->cfg.cycles_base)
        s[n++] = (Span){m->cfg.cycles_base, 0x1000};
    if (m->cfg.gic_dist_base) {
        s[n++] = (Span){m->cfg.gic_dist_base, 0x10000};
        s[n++] = (Span){m->cfg.gic_cpu_base, 0x10000};
    }
    qsort(s, (size_t)n, sizeof *s, span_cmp);
    uint64_t top = m->a64 ? (1ull << 48) : (1ull << 32);
    uint64_t at = 0;
    for (int i = 0; i <= n; i++) {
        uint64_t end = i < n ? s[i].base : top;
        if (end > at && !placeholder(m, at, end - at, err, errlen))
            return false;
        if (i < n)
            at = s[i].base + s[i].size;
    }
    if (m->a64 && !placeholder(m, 0xffff000000000000ull, 1ull << 48, err, errlen))
        return false;
    return true;
}

static bool cpu_is_a64(const char *cpu)
{
    return !strcmp(cpu, "cortex-a53") || !strcmp(cpu, "cortex-a57") || !strcmp(cpu, "cortex-a72");
}

static int cpu_model(const char *cpu)
{
    if (!strcmp(cpu, "cortex-a53")) return UC_CPU_ARM64_A53;
    if (!strcmp(cpu, "cortex-a57")) return UC_CPU_ARM64_A57;
    if (!strcmp(cpu, "cortex-a72")) return UC_CPU_ARM64_A72;
    if (!strcmp(cpu, "cortex-a7")) return UC_CPU_ARM_CORTEX_A7;
    if (!strcmp(cpu, "cortex-a9")) return UC_CPU_ARM_CORTEX_A9;
    return UC_CPU_ARM_CORTEX_A15;
}

/* AArch64: the GIC's output is Unicorn's virtual IRQ, HCR_EL2.IMO|VI (shared/ENGINE.md
 * section 3), masked by PSTATE.I at EL1. While an EL0 exception is being delivered through
 * the same line (a64_exception.c) its vector hook restores the line from gic.irq_line. */
void machine_set_irq(Machine *m, bool level)
{
    if (!m->a64 || m->el0_pending)
        return;
    a64_set_virq(m, level);
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
    m->gt.due = UINT64_MAX;
    m->a64 = cpu_is_a64(cfg->cpu);
    uc_err e = uc_open(m->a64 ? UC_ARCH_ARM64 : UC_ARCH_ARM, UC_MODE_ARM, &m->uc);
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
    if (m->a64) {
        /* shared/ENGINE.md section 1: without SCR_EL3.RW, EL1 is treated as AArch32 and 48-bit
         * walks fault. HCE is also set: with it HVC reaches the interrupt hook (intno 11);
         * without it an HVC at EL1 is UNDEFINED (measured, a64_exception.c). */
        a64_sysreg_write(m, 3, 6, 1, 1, 0, 0x501); /* SCR_EL3 = HCE | RW | NS */
        a64_set_virq(m, false); /* HCR_EL2 = RW */
        /* CNTFRQ_EL0, as firmware at EL3 would set it (gtimer.c answers reads itself) */
        a64_sysreg_write(m, 3, 3, 14, 0, 0, cfg->timer_freq);
    } else {
        /* CNTFRQ (MCR p15, 0, Rt, c14, c0, 0): AArch32 guests read the engine's own register */
        uc_arm_cp_reg f = {.cp = 15, .is64 = 0, .sec = 0, .crn = 14, .crm = 0, .opc1 = 0, .opc2 = 0,
                           .val = cfg->timer_freq};
        uc_reg_write(m->uc, UC_ARM_REG_CP_REG, &f);
    }
    if (!pl011_attach(m, err, errlen) || !gic_attach(m, err, errlen) || !cyclecounter_attach(m, err, errlen) ||
        !map_placeholders(m, err, errlen) ||
        !observer_attach(m, err, errlen) || !tlb_glue_attach(m, err, errlen) ||
        !(m->a64 ? a64_exceptions_attach(m, err, errlen) && a64_sysreg_attach(m, err, errlen)
                 : exceptions_attach(m, err, errlen)))
        goto fail;
    m->cs_ok = cs_open(CS_ARCH_ARM, CS_MODE_ARM, &m->cs_arm) == CS_ERR_OK &&
               cs_open(CS_ARCH_ARM, CS_MODE_THUMB, &m->cs_thumb) == CS_ERR_OK &&
               cs_open(CS_ARCH_ARM64, CS_MODE_ARM, &m->cs_a64) == CS_ERR_OK;
    if (m->cs_ok) { /* instruction groups and register access for the cycle model's classes */
        cs_option(m->cs_arm, CS_OPT_DETAIL, CS_OPT_ON);
        cs_option(m->cs_thumb, CS_OPT_DETAIL, CS_OPT_ON);
        cs_option(m->cs_a64, CS_OPT_DETAIL, CS_OPT_ON);
    }
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
        cs_close(&m->cs_a64);
    }
    tlb_glue_destroy(m);
    if (m->uc)
        uc_close(m->uc);
    if (m->ram)
        munmap(m->ram, m->cfg.ram_size);
    free(m);
}

/* Linux's boot registers: arm64 booting.rst (x0 = DTB, x1..x3 = 0, MMU off, EL1 here, DAIF
 * masked); ARM booting.rst (r0 = 0, r1 = machine type, r2 = DTB, SVC mode, IRQs/FIQs masked). */
static void set_boot_regs(Machine *m)
{
    if (m->a64) {
        set_reg64(m, UC_ARM64_REG_X0, m->cfg.dtb_addr);
        set_reg64(m, UC_ARM64_REG_X1, 0);
        set_reg64(m, UC_ARM64_REG_X2, 0);
        set_reg64(m, UC_ARM64_REG_X3, 0);
        set_reg32(m, UC_ARM64_REG_PSTATE, 0x3c5);
        set_reg64(m, UC_ARM64_REG_PC, m->entry);
        machine_sync_regs(m);
        return;
    }
    set_reg32(m, UC_ARM_REG_R0, 0);
    set_reg32(m, UC_ARM_REG_R1, m->cfg.machine_id);
    set_reg32(m, UC_ARM_REG_R2, (uint32_t)m->cfg.dtb_addr);
    set_reg32(m, UC_ARM_REG_CPSR, 0x1d3 | (m->entry_thumb ? 0x20u : 0)); /* SVC, A, I, F masked */
    set_reg32(m, UC_ARM_REG_PC, (uint32_t)m->entry);
    machine_sync_regs(m);
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
    set_boot_regs(m);
    return true;
}

bool machine_load_linux(Machine *m, const LinuxBoot *lb, char *err, size_t errlen)
{
    if (!load_linux_kernel(m, lb->kernel, err, errlen))
        return false;
    uint64_t dtb_lo = m->cfg.dtb_addr;
    if (dtb_lo < m->image_hi && m->image_lo < dtb_lo + DTB_MAX_SIZE) {
        snprintf(err, errlen, "%s: kernel (0x%llx-0x%llx) overlaps the DTB at 0x%llx; move it with --set "
                 "machine.dtb_addr=ADDR or give more RAM", lb->kernel, (unsigned long long)m->image_lo,
                 (unsigned long long)m->image_hi - 1, (unsigned long long)dtb_lo);
        return false;
    }
    /* the initrd 2 MiB above the DTB (which may grow to 1 MiB when the user gives one) */
    if (lb->initrd && !load_initrd(m, lb->initrd, dtb_lo + 0x200000, err, errlen))
        return false;
    if (lb->dtb ? !load_dtb_file(m, lb->dtb, lb->append, err, errlen) : !build_dtb(m, err, errlen))
        return false;
    set_boot_regs(m);
    return true;
}

const char *exit_reason_name(ExitReason r)
{
    switch (r) {
    case Exit_None: return "none";
    case Exit_PowerOff: return "poweroff";
    case Exit_SystemReset: return "system_reset";
    case Exit_InsnLimit: return "insn_limit";
    case Exit_StopAt: return "stop_at";
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
    case Exit_SystemReset:
    case Exit_StopAt: return 0;
    case Exit_InsnLimit:
    case Exit_TimeLimit: return 3;
    default: return 4;
    }
}

/* Lets a run that ended at limits.stop_at go on to another PC (0: to the end): the next
 * machine_run continues from where it stopped, with every count kept. */
bool machine_continue_to(Machine *m, uint64_t stop_at)
{
    if (m->reason != Exit_StopAt && m->reason != Exit_None)
        return false;
    m->reason = Exit_None;
    m->msg[0] = '\0';
    m->cfg.stop_at = stop_at;
    return true;
}
