/* The emulated board, as frontends see it: no engine types cross this header. */
#ifndef EMU_MACHINE_H
#define EMU_MACHINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "events.h"
#include "mmu/addrspace.h"
#include "mmu/physmem.h"
#include "mmu/v7_short.h"
#include "tlb/tlb.h"

typedef struct Machine Machine;

typedef enum ExitReason {
    Exit_None = 0,
    Exit_PowerOff,      /* PSCI SYSTEM_OFF */
    Exit_SystemReset,   /* PSCI SYSTEM_RESET */
    Exit_InsnLimit,
    Exit_StopAt,        /* the PC reached limits.stop_at (--stop-at) */
    Exit_TimeLimit,
    Exit_NoVector,      /* exception whose vector is not mapped / not memory */
    Exit_BusError,      /* physical access to an address with nothing behind it */
    Exit_WalkerDisagreement,
    Exit_EngineError,
} ExitReason;

typedef struct RunStats {
    uint64_t insns;
    uint64_t insns_mmu_on;
    uint64_t blocks;
    uint64_t exceptions;
    uint64_t irqs;          /* interrupts acknowledged at the GIC */
    uint64_t wfi_idle;      /* WFIs that waited for the timer (its count skipped ahead) */
    double wall_seconds;
    ExitReason reason;
    char message[512];
} RunStats;

const char *exit_reason_name(ExitReason r);
/* 0 for a clean power-off or reset, 3 for limits, 4 for guest/engine failures */
int exit_reason_status(ExitReason r);

Machine *machine_create(const MachineConfig *cfg, EventSink *events, char *err, size_t errlen);
void machine_destroy(Machine *m);
/* Loads an ELF (by physical addresses) or a raw image (at cfg->load_addr) and sets the
 * boot registers. */
bool machine_load_image(Machine *m, const char *path, char *err, size_t errlen);
/* boot-linux: a kernel per Linux's boot protocol (arm64 Image / ARM zImage), an optional
 * initrd, and the given device tree or one generated from the machine description. */
typedef struct LinuxBoot {
    const char *kernel, *initrd, *dtb;
    const char *append; /* new bootargs for a given DTB (NULL: keep its own) */
} LinuxBoot;
bool machine_load_linux(Machine *m, const LinuxBoot *lb, char *err, size_t errlen);
/* Runs until the guest powers off, a limit is hit or something fails. */
void machine_run(Machine *m, RunStats *st);
/* After a run that ended with Exit_StopAt (or before the first run): the next machine_run
 * stops before stop_at (0: no stop), counts (instructions, TLB model) carried on. False if
 * the last run ended for another reason. */
bool machine_continue_to(Machine *m, uint64_t stop_at);

/* One `--translate` line for va (no newline), from mmuscope's walker with the current
 * registers: short descriptors, LPAE or AArch64 as the guest has set them up. */
void machine_describe_va(Machine *m, uint64_t va, char *buf, size_t n);
bool machine_is_a64(const Machine *m);
/* The TLB and cycle model of the run (NULL with --core none). */
TlbModel *machine_tlb(Machine *m);
/* The guest's current translation registers (for the walker). */
void machine_v7_regs(Machine *m, V7ShortRegs *out);
const PhysMem *machine_physmem(const Machine *m);
uint64_t machine_entry(const Machine *m);

/* ---- watches: trigger points for snapshots and the live map (watch.c) ----
 * Watch_Pc: before the instruction at VA `value` first executes (a code hook on that address).
 * Watch_Insn: at the first block boundary with at least `value` instructions done.
 * Watch_MmuEnable: at the first block boundary with the MMU on.
 * Watch_Block: at every block boundary (the live map polls here).
 * All but Watch_Block fire once. The callback runs on the emulation thread, between
 * instructions; it may call machine_view and machine_request_stop. */
typedef enum WatchKind { Watch_Pc, Watch_Insn, Watch_MmuEnable, Watch_Block } WatchKind;
typedef void (*WatchFn)(Machine *m, void *ctx);
#define MACHINE_MAX_WATCHES 32
bool machine_add_watch(Machine *m, WatchKind kind, uint64_t value, WatchFn fn, void *ctx, char *err, size_t errlen);

/* What the map needs of the machine at a watch point (or after the run), in plain C. */
typedef struct MachineView {
    AsRegs regs;            /* the translation registers as mmuscope's walker uses them */
    const PhysMem *pm;
    TlbModel *tlb;          /* NULL with --core none */
    bool a64;
    uint64_t pc;
    uint64_t insns;         /* instructions done (exact at a Watch_Pc point) */
    uint64_t insns_mmu_on, blocks, exceptions;
    uint64_t ram_base, ram_size, uart_base;
    const char *machine, *cpu;
} MachineView;
void machine_view(Machine *m, MachineView *v);
/* Ends the run at the current point: exit reason stop_at (status 0) with `why` as its message. */
void machine_request_stop(Machine *m, const char *why);

#endif
