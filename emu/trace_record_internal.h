/* The recorder's hooks, called from emu/tlb_glue.c only when m->trace is set. */
#ifndef EMU_TRACE_RECORD_INTERNAL_H
#define EMU_TRACE_RECORD_INTERNAL_H
#include <stdbool.h>
#include <stdint.h>

#include "tlb/tlb.h"

struct Machine;
struct BlockInfo;
typedef struct TraceRecorder TraceRecorder;

/* a TLB lookup the live model is about to make (side: TlbSide) */
void trace_rec_access(struct Machine *m, int side, uint64_t va, int size, uint16_t asid);
/* a store with the MMU off (physical address) */
void trace_rec_phys_store(struct Machine *m, uint64_t pa, int size);
/* a translation block about to be costed */
void trace_rec_block(struct Machine *m, const struct BlockInfo *b, bool el0, bool mmu_on);
void trace_rec_tlbi(struct Machine *m, const TlbInval *inv);

#endif
