/* Machine internals shared by the emu/ files. Engine types live here and only here. */
#ifndef EMU_MACHINE_INTERNAL_H
#define EMU_MACHINE_INTERNAL_H
#include <capstone/capstone.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "cp15.h"
#include "machine.h"
#include "mmu/long_desc.h"
#include "tlb/tlb.h"

/* AArch64 EL1 translation and exception registers as the guest last wrote them (shadow kept
 * from the MSR hook; a64_sysreg.c). */
typedef struct A64Regs {
    uint64_t sctlr, tcr, ttbr0, ttbr1, mair, contextidr, vbar;
} A64Regs;

/* The result of mmuscope's walker for one VA, whatever the descriptor format. */
typedef struct Xlate {
    bool ok;            /* mapped and permitted */
    bool mmu_on;
    uint64_t pa;
    FaultRecord fault;  /* when !ok */
    char mapping[32];   /* "1M-section", "4K-page", "2M-block", "flat", "fault" */
    /* the walk, for the TLB model (valid when a final descriptor was found) */
    bool mapped;        /* a final descriptor exists (even if this access is not permitted) */
    uint64_t size;      /* bytes of the mapping */
    int level, start_level;
    int fmt;            /* 0 short descriptors, 1 4K, 2 16K, 3 64K granule (TlbWalkFmt order) */
    bool ttbr1, global;
    uint16_t asid;
    uint8_t perms;      /* bit 0..5: EL1 r w x, EL0 r w x (TLB_P_* order) */
    uint8_t mair_attr, sh; /* long descriptors: the MAIR byte and SH[1:0] of the mapping */
    int ndesc;
    uint64_t desc_pa[5];
} Xlate;

#define BLOCK_CACHE_BITS 16
#define BLOCK_CACHE_SIZE (1u << BLOCK_CACHE_BITS)
#define CODE_REGION_SLOTS 1024

/* What we learn about a translation block the first time we see it. */
#define MCR_SITE_MAX 4096
#define MRC_HOOK_MAX 512

typedef struct BlockInfo {
    uint64_t va;
    uint32_t size;
    uint64_t gen;        /* translation generation it was decoded under */
    uint32_t ninsns;
    uint64_t last_pc;    /* address of its last instruction */
    bool thumb;
    bool valid;
    bool ends_cp15;      /* last instruction is an MCR/MCRR to cp15 */
    uint32_t classes[TLB_C_COUNT]; /* instruction classes for the cycle model (with a TLB model) */
    Cp15Op op;
} BlockInfo;

typedef struct Pl011 {
    uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, dmacr, ris;
    char line[256];
    size_t len;
} Pl011;

/* GICv2 state (gic.c) */
#define GIC_NIRQ 96
typedef struct Gic {
    uint32_t dctlr, cctlr, pmr, bpr, abpr;
    uint32_t enabled[GIC_NIRQ / 32], pending[GIC_NIRQ / 32], level[GIC_NIRQ / 32];
    uint32_t active[GIC_NIRQ / 32], dropped[GIC_NIRQ / 32], group[GIC_NIRQ / 32];
    uint32_t icfg[GIC_NIRQ / 16];
    uint8_t prio[GIC_NIRQ];
    bool irq_line;
} Gic;

/* Generic Timer state (gtimer.c): [0] EL1 physical, [1] virtual */
/* What an AArch32 MRC/MRRC site reads (cyclecounter.c) */
typedef enum CounterRead { Read_None, Read_Pmccntr, Read_Timer32, Read_Timer64 } CounterRead;
typedef struct GTimer {
    uint32_t ctl;
    uint64_t cval;
} GTimer;
typedef struct GTimers {
    GTimer t[2];
    uint64_t skipped;     /* counter ticks added by WFI idle skips */
    uint64_t due;         /* timebase value at which a timer condition becomes true */
} GTimers;

typedef enum PendingKind { Pending_None, Pending_DataAbort, Pending_PrefetchAbort } PendingKind;

typedef struct Access {
    uint64_t va;
    int size;
    bool write;
} Access;

struct Machine {
    uc_engine *uc;
    MachineConfig cfg;
    EventSink *ev;
    uint8_t *ram;
    PhysMem pm;
    csh cs_arm, cs_thumb, cs_a64;
    bool cs_ok;
    Pl011 uart;
    Gic gic;
    GTimers gt;
    uint64_t irqs_taken, wfi_count;
    uint64_t entry;
    bool entry_thumb;
    bool a64;                     /* an AArch64 CPU (cortex-a53/a57/a72) */
    struct TlbGlue *tlbg;
    struct TraceRecorder *trace;  /* --trace (trace_record.c), NULL when not recording */
    uint64_t cc_latch, cc_ilatch;  /* cycle counter device latches */
    /* AArch32 MRC PMCCNTR sites (cyclecounter.c): hooked address list, and the read in flight */
    uint32_t mrc_hooked[MRC_HOOK_MAX]; /* pc | thumb of hooked addresses (sites and the next insn) */
    unsigned n_mrc_hooked;
    bool mrc_armed;
    uint32_t mrc_next;
    uint8_t mrc_rt, mrc_rt2;
    uint8_t mrc_kind;               /* CounterRead */
    uc_arm64_cp_reg mrc_cp;         /* Read_Timer*: the register, in AArch64 terms */
    A64Regs a64r;
    uint64_t el0_pending_esr, el0_pending_far; /* EL0 -> EL1 delivery in flight (a64_exception.c) */
    bool el0_pending;
    uc_hook el0_hook;            /* on VBAR_EL1 + 0x480 while VBAR_EL1 = el0_hook_vbar */
    bool el0_hook_set;
    uint64_t el0_hook_vbar;
    uint64_t image_lo, image_hi;  /* physical extent of everything the loader placed */
    uint64_t initrd_addr, initrd_size; /* boot-linux --initrd (0 size: none) */

    /* observer */
    BlockInfo cache[BLOCK_CACHE_SIZE];
    uint64_t gen;
    /* which 2 MiB VA regions (hashed) hold blocks decoded in this generation: a TLBI by VA
     * outside them cannot change code we have decoded, so it does not start a new one */
    uint8_t code_region[CODE_REGION_SLOTS];
    BlockInfo cur;               /* the block now executing (copy) */
    bool have_cur;
    V7ShortRegs regs;            /* shadow of the translation registers */
    bool first_translated_seen;
    /* MCRs that do not end their block (QEMU's ARM_CP_NOP ops: cache maintenance, barriers)
     * are watched by UC_HOOK_CODE hooks bounded to their address, one per site. */
    uint32_t mcr_sites[MCR_SITE_MAX];   /* pc | thumb */
    unsigned n_mcr_sites;
    bool mcr_sites_full;
    bool sync_pending;                  /* a watched mid-block MCR changed translation state */
    uint32_t sync_pc;
    uint64_t insns, insns_mmu_on, blocks, exceptions;
    uint64_t max_insns;
    struct timespec deadline;
    bool has_deadline;
    bool progress, progress_shown;  /* stderr is a terminal: progress line */
    double progress_start, progress_last;

    /* watches (watch.c) */
    struct WatchEntry {
        Machine *m;
        WatchKind kind;
        uint64_t value;
        WatchFn fn;
        void *ctx;
        bool fired;
    } watches[MACHINE_MAX_WATCHES];
    int nwatches;
    bool block_watches;          /* a watch is checked at block boundaries */
    bool in_pc_watch;
    uint64_t watch_pc;

    /* stop */
    ExitReason reason;
    char msg[512];

    /* exceptions */
    PendingKind pending;
    uint64_t pending_pc;
    uint32_t pending_el; /* AArch64: the EL the pending abort was raised at */
    bool probing;
    Access probe[8];
    uint32_t probe_intno;        /* the exception the one-instruction re-run raised */
    int nprobe;
    uint64_t last_vector;
    uint64_t same_vector_repeats;
};

void machine_stop(Machine *m, ExitReason r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
uint32_t reg32(Machine *m, int reg);
void set_reg32(Machine *m, int reg, uint32_t v);
/* AArch32 PC write in the given instruction set (ARM or Thumb) */
void a32_set_pc(Machine *m, uint32_t pc, bool thumb);
/* The engine's register id for AArch32 general-purpose register r (0..15: R0..R12, SP, LR, PC) */
int a32_gpr_reg(unsigned r);
uint32_t cp15_read(Machine *m, int crn, int opc1, int crm, int opc2);
void cp15_write(Machine *m, int crn, int opc1, int crm, int opc2, uint32_t v);
/* Re-reads the translation registers into m->regs. */
void machine_sync_regs(Machine *m);
/* Reads guest code at a virtual address through mmuscope's walker (as an instruction fetch
 * at the current privilege). false when the walker finds no mapping or no memory. */
bool fetch_code(Machine *m, uint64_t va, void *buf, uint32_t len);
/* Disassembles one instruction for events ("" when it cannot). */
void disasm_one(Machine *m, uint64_t va, bool thumb, char *buf, size_t n);
bool privileged_now(Machine *m);

/* watch.c: the watches checked at a block boundary (called by the block hook) */
void watch_block(Machine *m);
/* translate.c: LPAE or AArch64 registers for the long-descriptor walker; false for short descriptors */
bool machine_long_regs(Machine *m, LongDescRegs *r);
/* translate.c: mmuscope's walker for the current regime (short, LPAE or AArch64) */
void machine_translate(Machine *m, uint64_t va, AccessType a, bool privileged, Xlate *x);
/* The same for an access of `size` bytes: every page it touches (the first fault wins) */
void machine_translate_access(Machine *m, uint64_t va, unsigned size, AccessType a, bool privileged, Xlate *x);
/* Privileged fetch of va possible (mapped, RAM behind it): exception vectors */
bool machine_fetchable_privileged(Machine *m, uint64_t va);
/* One --translate line (no newline) for va as a privileged read. */
void machine_translate_line(Machine *m, uint64_t va, char *buf, size_t n);
bool machine_mmu_on(Machine *m);
uint64_t machine_pc(Machine *m);
uint64_t reg64(Machine *m, int reg);
void set_reg64(Machine *m, int reg, uint64_t v);
/* insn_class.c */
void count_insn_classes(Machine *m, uint64_t va, uint32_t size, bool thumb, uint32_t counts[TLB_C_COUNT]);
/* tlb_glue.c */
typedef struct TlbGlue TlbGlue;
bool tlb_glue_attach(Machine *m, char *err, size_t errlen);
void tlb_glue_destroy(Machine *m);
void tlb_glue_block(Machine *m, const BlockInfo *b);
/* Applies a decoded TLB maintenance operation to the model (observer_tlb_maintenance calls it). */
void tlb_glue_maintenance(Machine *m, const TlbInval *op);
/* The operation and operand of a TLBI by name (VA sign-extended, ASID); false if not one. */
bool tlbi_decode(const Machine *m, const char *op, uint64_t value, TlbInval *inv);
/* cyclecounter.c */
bool cyclecounter_attach(Machine *m, char *err, size_t errlen);
/* Hooks the MRC PMCCNTR instructions of a freshly decoded AArch32 block; true when hooks were
 * added (the caller drops the block from the engine's cache and restarts it). */
bool cyclecounter_watch_block(Machine *m, const BlockInfo *b);
/* A block starts at va: a PMCCNTR read in flight that did not reach its next instruction
 * (an exception) is dropped. */
void cyclecounter_block_start(Machine *m, uint64_t va);
/* a64_sysreg.c */
bool a64_sysreg_attach(Machine *m, char *err, size_t errlen);
void a64_sync_regs(Machine *m);
uint64_t a64_sysreg_read(Machine *m, int op0, int op1, int crn, int crm, int op2);
void a64_sysreg_write(Machine *m, int op0, int op1, int crn, int crm, int op2, uint64_t v);
/* a64_exception.c */
bool a64_exceptions_attach(Machine *m, char *err, size_t errlen);
void a64_vbar_changed(Machine *m, uint64_t vbar);
void a64_set_virq(Machine *m, bool level);
void a64_handle_pending_abort(Machine *m);
void a64_handle_invalid_insn(Machine *m);
/* A permission fault from a TLB entry (tlb_glue.c), the PC on the instruction pc */
void a64_deliver_tlb_fault(Machine *m, uint64_t pc, const FaultRecord *f);

/* loader.c */
bool load_image(Machine *m, const char *path, char *err, size_t errlen);
/* boot-linux: an arm64 Image (AArch64 machines) or an ARM zImage (AArch32 ones) */
bool load_linux_kernel(Machine *m, const char *path, char *err, size_t errlen);
bool load_initrd(Machine *m, const char *path, uint64_t pa, char *err, size_t errlen);
bool load_dtb_file(Machine *m, const char *path, const char *bootargs, char *err, size_t errlen);
bool dtb_from_file(Machine *m, const char *path, const uint8_t *d, size_t len, const char *bootargs, char *err,
                   size_t errlen);
/* dtb.c */
bool build_dtb(Machine *m, char *err, size_t errlen);
/* pl011.c */
bool pl011_attach(Machine *m, char *err, size_t errlen);
void pl011_flush(Machine *m);
/* psci.c: handles the call in r0..r3 at pc (conduit instruction address) */
void psci_call(Machine *m, uint64_t pc);
/* gic.c, gtimer.c, irq.c */
bool gic_attach(Machine *m, char *err, size_t errlen);
void gic_update(Machine *m);
void gic_set_level(Machine *m, unsigned id, bool level);
bool gtimer_a32_reg(bool is64, unsigned opc1, unsigned crn, unsigned crm, unsigned opc2, uc_arm64_cp_reg *cp);
uint64_t gtimer_count(Machine *m);
void gtimer_update(Machine *m);
void gtimer_check(Machine *m);
bool gtimer_idle(Machine *m);
bool gtimer_read(Machine *m, const uc_arm64_cp_reg *cp, uint64_t *v);
bool gtimer_write(Machine *m, const uc_arm64_cp_reg *cp);
/* Drives the CPU's IRQ input (AArch64: HCR_EL2.IMO|VI, a virtual IRQ taken at EL1). */
void machine_set_irq(Machine *m, bool level);

/* observer.c */
bool observer_attach(Machine *m, char *err, size_t errlen);
/* Starts a new translation generation: every decoded block is decoded again when next run. */
void observer_new_generation(Machine *m);
/* A TLB maintenance operation `op` (its TLBI name) with register operand `value`: decoded once,
 * applied to the TLB model and to the decoded-block cache. */
void observer_tlb_maintenance(Machine *m, const char *op, uint64_t value);
uint32_t count_insns(Machine *m, uint64_t from, uint64_t to, bool thumb);
/* T32: true when the halfword starts a 32-bit instruction. */
bool t32_is_wide(uint16_t hw1);
/* exception.c */
typedef enum ExcType { Exc_Undefined, Exc_SVC, Exc_PrefetchAbort, Exc_DataAbort, Exc_IRQ } ExcType;
bool exceptions_attach(Machine *m, char *err, size_t errlen);
/* Takes the exception to the guest's vector; stops the machine when there is none. */
void take_exception(Machine *m, ExcType t, uint64_t pc, const FaultRecord *f);
void handle_pending_abort(Machine *m);
void handle_invalid_insn(Machine *m);
/* AArch32: called at the start of the block at pc; takes the IRQ there when the GIC's line is
 * up and CPSR.I is clear (true: the PC moved to the vector, the block does not run). */
bool a32_irq_check(Machine *m, uint64_t pc);
/* A permission fault from a TLB entry (tlb_glue.c), the PC on the instruction pc */
void deliver_tlb_fault(Machine *m, uint64_t pc, const FaultRecord *f);

#endif
