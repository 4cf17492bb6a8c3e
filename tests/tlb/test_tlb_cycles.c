/* Cycle accounting on the Cortex-A53 preset, computed by hand:
 *   costs: alu 1, mul 3, load 1, store 1, branch 1, system 10, load_to_use 3
 *   micro-TLB hit: +0; micro miss, main hit: +2 (main latency); main miss: +2 + 12 (main
 *   miss_penalty), then the walk: 4 per descriptor read. */
#include "tlb_test_util.h"

int main(void)
{
    char err[512];
    TlbConfig c;
    if (!tlb_config_load_preset(&c, "cortex-a53", err, sizeof err)) {
        printf("Bail out! %s\n", err);
        return 1;
    }
    TlbModel *m = tlb_model_create(&c, err, sizeof err);
    TlbResult r;

    /* Block of 10 ALU + 2 loads: 10*1 + 2*1 = 12 */
    uint32_t counts[TLB_C_COUNT] = {0};
    counts[TLB_C_ALU] = 10;
    counts[TLB_C_LOAD] = 2;
    tap_is(tlb_block_cost(m, counts), 12, "block 10 ALU + 2 loads = 12 cycles");
    /* The page is in the main TLB but not the micro TLB */
    TlbMapping pg = tt_page(0x00400000, 1);
    tlb_struct_fill(tlb_model_struct(m, "main_tlb"), &pg, pg.va);
    tap_ok(tlb_lookup(m, TLB_SIDE_LOAD, 0x00400010, 1, 0, &r) && r.level == 1, "load 1: micro miss, main hit");
    tap_is(r.cycles, 2, "... costs 2");
    tap_ok(tlb_lookup(m, TLB_SIDE_LOAD, 0x00400020, 1, 0, &r) && r.level == 0, "load 2: micro hit (refilled)");
    tap_is(r.cycles, 0, "... costs 0");
    tap_is(tlb_cycles(m), 10 * 1 + 2 * 1 + 2, "total = 10*alu + 2*load + 2 = 14");
    tap_is(tlb_instructions(m), 12, "12 instructions");

    /* A full miss: +2 (main probed) +12 (main miss) = 14, then a 2-descriptor walk 2*4 = 8 */
    tap_ok(!tlb_lookup(m, TLB_SIDE_LOAD, 0x00800000, 1, 0, &r), "cold VA misses everywhere");
    tap_is(r.cycles, 14, "micro miss + main miss = 2 + 12 = 14");
    tap_is(tlb_walk_end(m, 2, 1), 8, "2-descriptor walk = 2 * mem_latency 4 = 8");
    tap_is(tlb_cycles(m), 14 + 14 + 8, "total 36");

    /* One more block: 1 mul, 1 store, 1 branch, 1 system, 1 load used by the next instruction:
     * 3 + 1 + 1 + 10 + 1 (load) + 3 (load-to-use) = 19 */
    memset(counts, 0, sizeof counts);
    counts[TLB_C_MUL] = 1;
    counts[TLB_C_STORE] = 1;
    counts[TLB_C_BRANCH] = 1;
    counts[TLB_C_SYSTEM] = 1;
    counts[TLB_C_LOAD] = 1;
    counts[TLB_C_LOAD_USE] = 1;
    tap_is(tlb_block_cost(m, counts), 19, "mul+store+branch+system+load with load-use = 19");
    tap_is(tlb_cycles(m), 55, "total 55");
    tap_is(tlb_instructions(m), 17, "17 instructions (load-use is not an instruction)");
    tlb_add_cycles(m, 5);
    tap_is(tlb_cycles(m), 60, "tlb_add_cycles adds 5");

    /* statistics output */
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    tlb_stats_json(m, f);
    fclose(f);
    tap_ok(strstr(buf, "\"cycles\": 60") && strstr(buf, "\"instructions\": 17") && strstr(buf, "\"cpi\": 3.5294"),
           "JSON has cycles, instructions and CPI 60/17 = 3.5294");
    tap_ok(strstr(buf, "\"main_tlb\": {\"entries\": 512, \"ways\": 4") != NULL, "JSON has the main TLB");
    tap_ok(strstr(buf, "\"dtlb\": {\"entries\": 10, \"ways\": 10, \"replacement\": \"lru\", \"lookups\": 3, \"hits\": 1, "
                       "\"misses\": 2") != NULL,
           "JSON dtlb: 3 lookups, 1 hit, 2 misses");
    tap_ok(strstr(buf, "{\"asid\": 1, \"lookups\": 3, \"hits\": 2, \"walks\": 1}") != NULL, "JSON per-ASID row");
    int depth = 0, ok = 1;
    for (char *p = buf; *p; p++) {
        depth += (*p == '{' || *p == '[') - (*p == '}' || *p == ']');
        if (depth < 0)
            ok = 0;
    }
    tap_ok(ok && depth == 0 && buf[0] == '{' && buf[strlen(buf) - 1] == '}', "JSON braces balance");
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    tlb_stats_print(m, f);
    fclose(f);
    tap_ok(strstr(buf, "TLB model cortex-a53: 60 cycles, 17 instructions, CPI 3.529") != NULL, "summary table header");
    fputs("# ", stdout);
    for (char *p = buf; *p; p++) {
        putchar(*p);
        if (*p == '\n' && p[1])
            fputs("# ", stdout);
    }
    free(buf);

    /* ASIDs above 255 land in the "other" slot (16-bit ASIDs on A53) */
    tlb_lookup(m, TLB_SIDE_FETCH, 0x1000, 300, 0, &r);
    buf = NULL;
    f = open_memstream(&buf, &len);
    tlb_stats_json(m, f);
    fclose(f);
    tap_ok(strstr(buf, "{\"asid\": \"other\", \"lookups\": 1") != NULL, "ASID 300 counted under other");
    free(buf);
    tlb_model_destroy(m);
    return tap_done();
}
