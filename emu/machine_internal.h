/* Machine internals shared by the emu/ files. Engine types live here and only here. */
#ifndef EMU_MACHINE_INTERNAL_H
#define EMU_MACHINE_INTERNAL_H
#include <capstone/capstone.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "cp15.h"
#include "machine.h"

#define BLOCK_CACHE_SIZE 4096

/* What we learn about a translation block the first time we see it. */
#define MCR_SITE_MAX 4096

typedef struct BlockInfo {
    uint64_t va;
    uint32_t size;
    uint64_t gen;        /* translation generation it was decoded under */
    uint32_t ninsns;
    uint32_t last_pc;    /* address of its last instruction */
    bool thumb;
    bool valid;
    bool ends_cp15;      /* last instruction is an MCR/MCRR to cp15 */
    Cp15Op op;
} BlockInfo;

typedef struct Pl011 {
    uint32_t cr, lcr_h, ibrd, fbrd, ifls, imsc, dmacr;
    char line[256];
    size_t len;
} Pl011;

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
    csh cs_arm, cs_thumb;
    bool cs_ok;
    Pl011 uart;
    uint64_t entry;
    bool entry_thumb;
    uint64_t image_lo, image_hi;  /* physical extent of everything the loader placed */

    /* observer */
    BlockInfo cache[BLOCK_CACHE_SIZE];
    uint64_t gen;
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

    /* stop */
    ExitReason reason;
    char msg[512];

    /* exceptions */
    PendingKind pending;
    uint64_t pending_pc;
    bool probing;
    Access probe[8];
    int nprobe;
    uint64_t last_vector;
    uint64_t same_vector_repeats;
};

void machine_stop(Machine *m, ExitReason r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
uint32_t reg32(Machine *m, int reg);
void set_reg32(Machine *m, int reg, uint32_t v);
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

/* loader.c */
bool load_image(Machine *m, const char *path, char *err, size_t errlen);
/* dtb.c */
bool build_dtb(Machine *m, char *err, size_t errlen);
/* pl011.c */
bool pl011_attach(Machine *m, char *err, size_t errlen);
void pl011_flush(Machine *m);
/* psci.c: handles the call in r0..r3 at pc (conduit instruction address) */
void psci_call(Machine *m, uint64_t pc);
/* observer.c */
bool observer_attach(Machine *m, char *err, size_t errlen);
uint32_t count_insns(Machine *m, uint64_t from, uint64_t to, bool thumb);
/* T32: true when the halfword starts a 32-bit instruction. */
bool t32_is_wide(uint16_t hw1);
/* exception.c */
typedef enum ExcType { Exc_Undefined, Exc_SVC, Exc_PrefetchAbort, Exc_DataAbort } ExcType;
bool exceptions_attach(Machine *m, char *err, size_t errlen);
/* Takes the exception to the guest's vector; stops the machine when there is none. */
void take_exception(Machine *m, ExcType t, uint64_t pc, const FaultRecord *f);
void handle_pending_abort(Machine *m);
void handle_invalid_insn(Machine *m);

#endif
