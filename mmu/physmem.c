/* Physical memory as the table walkers see it (see physmem.h).
 * All range arithmetic is done as offsets from a region's base so that
 * nothing overflows when pa + len would pass 2^64. */
#include "physmem.h"

/* Last byte of a region; regions are never empty and never wrap. */
static uint64_t region_last(const PhysRegion *r)
{
    return r->base + (r->size - 1);
}

bool physmem_add(PhysMem *m, uint64_t base, uint64_t size, uint8_t *host)
{
    if (!m || !host || size == 0 || m->n < 0 || m->n >= PHYSMEM_MAX_REGIONS)
        return false;
    uint64_t last = base + (size - 1);
    if (last < base) /* [base, base+size) would wrap past 2^64 */
        return false;
    for (int i = 0; i < m->n; i++) {
        const PhysRegion *r = &m->r[i];
        if (!(last < r->base || region_last(r) < base))
            return false;
    }
    m->r[m->n].base = base;
    m->r[m->n].size = size;
    m->r[m->n].host = host;
    m->n++;
    return true;
}

/* true when [pa, pa+len) lies inside r; len 0 asks only that pa is inside. */
static bool region_holds(const PhysRegion *r, uint64_t pa, uint64_t len)
{
    if (pa < r->base)
        return false;
    uint64_t off = pa - r->base;
    if (off >= r->size)
        return false;
    return len <= r->size - off;
}

uint8_t *physmem_ptr(const PhysMem *m, uint64_t pa, uint64_t len)
{
    if (!m)
        return NULL;
    for (int i = 0; i < m->n && i < PHYSMEM_MAX_REGIONS; i++) {
        const PhysRegion *r = &m->r[i];
        if (region_holds(r, pa, len))
            return r->host + (pa - r->base);
    }
    return NULL;
}

static bool read_le(const PhysMem *m, uint64_t pa, unsigned bytes, uint64_t *out)
{
    const uint8_t *p = physmem_ptr(m, pa, bytes);
    if (!p)
        return false;
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = (v << 8) | p[i];
    *out = v;
    return true;
}

bool physmem_read32(const PhysMem *m, uint64_t pa, uint32_t *out)
{
    uint64_t v;
    if (!read_le(m, pa, 4, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

bool physmem_read64(const PhysMem *m, uint64_t pa, uint64_t *out)
{
    return read_le(m, pa, 8, out);
}
