/* Physical memory as the table walkers see it: a few host-backed regions.
 * Plain C, no engine types. Reads are little-endian. */
#ifndef MMU_PHYSMEM_H
#define MMU_PHYSMEM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PHYSMEM_MAX_REGIONS 8

typedef struct PhysRegion {
    uint64_t base;
    uint64_t size;
    uint8_t *host;
} PhysRegion;

typedef struct PhysMem {
    PhysRegion r[PHYSMEM_MAX_REGIONS];
    int n;
} PhysMem;

/* false when full or overlapping an existing region */
bool physmem_add(PhysMem *m, uint64_t base, uint64_t size, uint8_t *host);
/* Host pointer for [pa, pa+len) when it lies wholly inside one region, else NULL. */
uint8_t *physmem_ptr(const PhysMem *m, uint64_t pa, uint64_t len);
/* false when [pa, pa+4/8) is not wholly inside one region */
bool physmem_read32(const PhysMem *m, uint64_t pa, uint32_t *out);
bool physmem_read64(const PhysMem *m, uint64_t pa, uint64_t *out);

#endif
