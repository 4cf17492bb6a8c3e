/* Differential test of mmuscope's walkers (mmu/v7_short.c, mmu/long_desc.c) against Unicorn's own
 * MMU: random table sets from mmu/table_gen.c are written into guest RAM, the guest loads, stores
 * and fetches through chosen VAs, and what the engine did (the value read, the fault taken, the
 * AT/PAR result) is compared with the walker's prediction. See docs/xcheck.md. */
#ifndef EMU_XCHECK_H
#define EMU_XCHECK_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/table_gen.h"

typedef struct XcheckOptions {
    int format;               /* TgFormat */
    uint64_t count;           /* VA checks to run */
    uint64_t seed;
    bool include_deviations;
    bool verbose;
    bool self_test_corrupt;   /* flip the walker's answer (the PA) for one load: must be caught */
    FILE *out;                /* the report */
} XcheckOptions;

typedef struct XcheckResult {
    uint64_t sets, vas, checks;
    uint64_t loads, loads_ok, stores, stores_ok, fetches, fetches_ok;
    uint64_t faults;                  /* checks where the walker predicted a fault */
    uint64_t fault_types[8];          /* by FaultType */
    uint64_t mismatches, unexplained; /* unexplained: on no deviation category */
    uint64_t dev_checks[TG_DEV_COUNT], dev_mismatches[TG_DEV_COUNT];
    uint64_t gen_disagree;            /* walker PA != the PA the generator meant (no deviation) */
    uint64_t hole_accesses;           /* engine accesses to physical addresses with nothing behind */
    uint64_t ok_level[4], fault_level[4]; /* level of the final descriptor / of the fault (walker) */
    uint64_t ok_size[8];              /* successful checks by mapping size: 4K 16K 64K 1M 2M 16M 32M >=512M */
    double seconds;
} XcheckResult;

/* Runs one format and prints its report to o->out. Returns false (and err) when the engine could
 * not be set up or stopped answering; res holds what was counted until then. */
bool xcheck_run(const XcheckOptions *o, XcheckResult *res, char *err, size_t errlen);

#endif
