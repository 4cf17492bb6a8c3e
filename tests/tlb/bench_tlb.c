/* Hit-path benchmark (built, not a test): lookups per second on the Cortex-A53 preset's
 * data side for (1) one page over and over (last-hit check), (2) 8 pages round robin
 * (micro-TLB scan), (3) 64 pages round robin (micro miss, main-TLB hit and refill). */
#include <stdio.h>
#include <time.h>
#include "tlb.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void run(TlbModel *m, const char *what, unsigned pages, unsigned long n)
{
    TlbResult r;
    for (unsigned p = 0; p < pages; p++) {
        uint64_t va = 0x400000 + (uint64_t)p * 0x1000;
        if (!tlb_lookup(m, TLB_SIDE_LOAD, va, 1, 0, &r)) {
            TlbMapping mp = {va, va + 0x80000000u, 0x1000, 1, 0, false, TLB_P_EL1_R | TLB_P_EL1_W, 0, 3};
            tlb_fill(m, TLB_SIDE_LOAD, va, &mp);
        }
    }
    uint64_t sum = 0;
    unsigned p = 0;
    double t0 = now();
    for (unsigned long i = 0; i < n; i++) {
        tlb_lookup(m, TLB_SIDE_LOAD, 0x400000 + (uint64_t)p * 0x1000 + (i & 0xff8), 1, 0, &r);
        sum += r.e.out_pa;
        if (++p == pages)
            p = 0;
    }
    double dt = now() - t0;
    printf("%-34s %8.1f M lookups/s  (%lu lookups, %.3f s, checksum %llx)\n", what, (double)n / dt / 1e6, n, dt,
           (unsigned long long)sum);
}

int main(int argc, char **argv)
{
    char err[512];
    TlbConfig c;
    if (!tlb_config_load_preset(&c, argc > 1 ? argv[1] : "cortex-a53", err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    TlbModel *m = tlb_model_create(&c, err, sizeof err);
    if (!m) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    printf("core %s\n", c.name);
    run(m, "same page (last-hit check)", 1, 100000000ul);
    run(m, "8 pages round robin (micro hits)", 8, 100000000ul);
    run(m, "64 pages round robin (main hits)", 64, 20000000ul);
    tlb_model_destroy(m);
    return 0;
}
