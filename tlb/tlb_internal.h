/* Internals shared by the tlb/ sources; not part of the public API. */
#ifndef TLB_INTERNAL_H
#define TLB_INTERNAL_H
#include "tlb.h"

typedef struct TlbEntry {
    uint64_t vpn;       /* va >> shift */
    uint64_t pa;        /* base PA of the stored entry (walk cache: next table address) */
    uint64_t stamp;     /* LRU: last use; FIFO: fill order */
    uint32_t attrs;
    uint16_t asid, vmid;
    uint16_t tag2;      /* walk cache: fmt/ttbr/level tag; 0 in TLBs */
    uint8_t shift, perms, level;
    bool valid, global;
} TlbEntry;

struct TlbStruct {
    TlbStructConfig cfg;
    unsigned ways, sets;
    uint64_t set_mask;
    TlbEntry *e;            /* sets * ways, set-major */
    uint64_t *plru;         /* per-set tree bits */
    uint64_t clock;
    uint64_t rng;
    uint64_t present;       /* mask of shifts with at least one valid entry */
    uint32_t shift_count[64];
    int last;               /* index of the last hit, -1 none */
    TlbStructStats st;
};

int tlb_struct_find(TlbStruct *t, uint64_t va, uint16_t asid, uint16_t vmid, uint16_t tag2, int only_shift);
unsigned tlb_struct_victim(TlbStruct *t, unsigned set);
int tlb_struct_insert_raw(TlbStruct *t, uint64_t va, int shift, uint64_t pa, uint16_t asid, uint16_t vmid,
                          bool global, uint8_t perms, uint32_t attrs, uint8_t level, uint16_t tag2);
void tlb_struct_touch(TlbStruct *t, unsigned idx);
void tlb_struct_drop(TlbStruct *t, unsigned idx);
void tlb_struct_flush(TlbStruct *t, uint16_t vmid, bool any_vmid, unsigned *removed);

#endif
