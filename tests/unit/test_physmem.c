/* physmem: region bookkeeping, bounds, little-endian reads, no overflow near 2^64. */
#include <stdint.h>

#include "physmem.h"
#include "tap.h"

static uint8_t a[0x1000], b[0x1000], top[0x1000];

int main(void)
{
    PhysMem m;
    memset(&m, 0, sizeof m);

    tap_ok(physmem_add(&m, 0x80000000u, sizeof a, a), "add [0x80000000, +4K)");
    tap_ok(!physmem_add(&m, 0x80000000u, sizeof b, b), "same base again is an overlap");
    tap_ok(!physmem_add(&m, 0x7ffff001u, 0x1000, b), "region ending inside an existing one is an overlap");
    tap_ok(!physmem_add(&m, 0x80000fffu, 0x1000, b), "region starting on the last byte is an overlap");
    tap_ok(!physmem_add(&m, 0x7f000000u, 0x2000000, b), "region covering an existing one is an overlap");
    tap_ok(physmem_add(&m, 0x80001000u, sizeof b, b), "adjacent region [0x80001000, +4K) is accepted");
    tap_ok(!physmem_add(&m, 0x90000000u, 0, b), "empty region rejected");
    /* 0xffff_ffff_ffff_f000 + 0x2000 wraps past 2^64 */
    tap_ok(!physmem_add(&m, UINT64_C(0xfffffffffffff000), 0x2000, top), "region wrapping past 2^64 rejected");
    tap_ok(physmem_add(&m, UINT64_C(0xfffffffffffff000), 0x1000, top), "region ending exactly at 2^64 accepted");
    tap_is((uint64_t)m.n, 3, "three regions registered");

    /* bounds of physmem_ptr: [pa, pa+len) must lie in one region */
    tap_ok(physmem_ptr(&m, 0x80000000u, 0x1000) == a, "ptr to the whole first region");
    tap_ok(physmem_ptr(&m, 0x80000ffcu, 4) == a + 0xffc, "ptr to its last word");
    tap_ok(physmem_ptr(&m, 0x80000ffdu, 4) == NULL, "4 bytes straddling two adjacent regions: NULL");
    tap_ok(physmem_ptr(&m, 0x7fffffffu, 1) == NULL, "byte below the first region: NULL");
    tap_ok(physmem_ptr(&m, 0x80000000u, UINT64_MAX) == NULL, "huge length: NULL");
    tap_ok(physmem_ptr(&m, UINT64_MAX - 3, 4) == top + 0xffc, "last 4 bytes below 2^64");
    tap_ok(physmem_ptr(&m, UINT64_MAX - 2, 4) == NULL, "pa+len past 2^64: NULL, no wrap");
    tap_ok(physmem_ptr(&m, UINT64_MAX, UINT64_MAX) == NULL, "pa = len = 2^64-1: NULL");

    /* little-endian: bytes 78 56 34 12 f0 de bc 9a at 0x80000010 */
    const uint8_t bytes[8] = {0x78, 0x56, 0x34, 0x12, 0xf0, 0xde, 0xbc, 0x9a};
    memcpy(a + 0x10, bytes, sizeof bytes);
    uint32_t w = 0;
    uint64_t d = 0;
    tap_ok(physmem_read32(&m, 0x80000010u, &w), "read32 inside RAM succeeds");
    tap_is(w, 0x12345678u, "read32 is little-endian");
    tap_ok(physmem_read64(&m, 0x80000010u, &d), "read64 inside RAM succeeds");
    tap_is(d, UINT64_C(0x9abcdef012345678), "read64 is little-endian");
    tap_ok(!physmem_read32(&m, 0x10000000u, &w), "read32 from a hole fails");
    tap_ok(!physmem_read64(&m, 0x80000ffcu, &d), "read64 straddling two regions fails");
    tap_ok(!physmem_read32(&m, UINT64_MAX - 1, &w), "read32 at 2^64-2 fails without wrapping");

    PhysMem full;
    memset(&full, 0, sizeof full);
    bool all = true;
    for (int i = 0; i < PHYSMEM_MAX_REGIONS; i++)
        all = physmem_add(&full, 0x1000u * (uint64_t)(2 * i), 0x1000, b) && all;
    tap_ok(all, "PHYSMEM_MAX_REGIONS disjoint regions accepted");
    tap_ok(!physmem_add(&full, 0x100000u, 0x1000, b), "one more region: full");
    return tap_done();
}
