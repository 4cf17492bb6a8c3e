/* Helpers shared by the TLB tests. */
#ifndef TESTS_TLB_UTIL_H
#define TESTS_TLB_UTIL_H
#include <stdlib.h>
#include "tap.h"
#include "tlb.h"

static inline TlbStructConfig tt_cfg(const char *name, unsigned entries, unsigned ways, TlbRepl r)
{
    TlbStructConfig c;
    memset(&c, 0, sizeof c);
    c.present = true;
    snprintf(c.name, sizeof c.name, "%s", name);
    c.entries = entries;
    c.ways = ways;
    c.repl = r;
    c.split = TLB_SPLIT_LARGEST;
    return c;
}

static inline TlbStruct *tt_struct(unsigned entries, unsigned ways, TlbRepl r, uint64_t seed)
{
    char err[256];
    TlbStructConfig c = tt_cfg("test", entries, ways, r);
    TlbStruct *t = tlb_struct_create(&c, seed, err, sizeof err);
    if (!t) {
        printf("Bail out! %s\n", err);
        exit(1);
    }
    return t;
}

/* A 4K non-global mapping of va for asid, PA = va + 0x40000000 */
static inline TlbMapping tt_page(uint64_t va, uint16_t asid)
{
    TlbMapping m;
    memset(&m, 0, sizeof m);
    m.va = va & ~0xfffull;
    m.pa = m.va + 0x40000000u;
    m.size = 0x1000;
    m.asid = asid;
    m.perms = TLB_P_EL1_R | TLB_P_EL1_W;
    m.level = 3;
    return m;
}

/* Look up; on a miss fill the 4K page. Returns 1 for a miss. */
static inline int tt_access(TlbStruct *t, uint64_t va, uint16_t asid)
{
    if (tlb_struct_lookup(t, va, asid, 0, NULL))
        return 0;
    TlbMapping m = tt_page(va, asid);
    tlb_struct_fill(t, &m, va);
    return 1;
}

#endif
