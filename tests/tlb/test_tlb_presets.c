/* Core presets load with the numbers their TRMs give; malformed files give FILE:LINE errors. */
#include <unistd.h>
#include "tlb_test_util.h"

static bool load(TlbConfig *c, const char *name)
{
    char err[512];
    bool ok = tlb_config_load_preset(c, name, err, sizeof err);
    if (!ok)
        printf("# %s\n", err);
    return ok;
}

static bool fa(const TlbStructConfig *s, unsigned n)
{
    return s->present && s->entries == n && (s->ways == 0 || s->ways == n);
}

static bool sa(const TlbStructConfig *s, unsigned n, unsigned w)
{
    return s->present && s->entries == n && s->ways == w;
}

static char dir[64];

/* Writes text to DIR/name and loads it; returns the error ("" on success). */
static const char *try_ini(const char *name, const char *text, char *err, size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    TlbConfig c;
    err[0] = 0;
    tlb_config_load(&c, path, err, n);
    unlink(path);
    return err;
}

int main(void)
{
    TlbConfig c;
    char err[512];

    tap_ok(load(&c, "cortex-a7"), "cortex-a7 loads");
    tap_ok(fa(&c.itlb, 10) && fa(&c.dtlb, 10), "A7: 10-entry I and D micro TLBs");
    tap_ok(sa(&c.unified[0], 256, 2), "A7: 256-entry 2-way main TLB");
    tap_ok(c.itlb.flush_on_tlbi && c.dtlb.flush_on_tlbi, "A7: micro TLBs flushed by main TLB maintenance");
    tap_is(c.cost[TLB_C_LOAD_USE], 3, "A7: load-to-use 3");

    tap_ok(load(&c, "cortex-a9"), "cortex-a9 loads");
    tap_ok(fa(&c.itlb, 32) && fa(&c.dtlb, 32), "A9: 32-entry I and D micro TLBs");
    tap_ok(c.unified[0].present, "A9: a main TLB");

    tap_ok(load(&c, "cortex-a15"), "cortex-a15 loads");
    tap_ok(fa(&c.itlb, 32) && c.itlb.page_sizes == TLB_PS(12), "A15: 32-entry I L1 TLB, 4K only");
    tap_ok(!c.dtlb.present && fa(&c.dtlb_load, 32) && fa(&c.dtlb_store, 32), "A15: two 32-entry D L1 TLBs (loads, stores)");
    tap_ok(c.dtlb_load.page_sizes == TLB_PS(12) && c.dtlb_store.page_sizes == TLB_PS(12), "A15: D L1 TLBs 4K only");
    tap_ok(sa(&c.unified[0], 512, 4), "A15: 512-entry 4-way L2 TLB");

    tap_ok(load(&c, "cortex-a53"), "cortex-a53 loads");
    tap_ok(fa(&c.itlb, 10) && fa(&c.dtlb, 10), "A53: 10-entry fully associative I and D micro TLBs");
    tap_ok(sa(&c.unified[0], 512, 4), "A53: 512-entry 4-way main TLB");
    tap_ok(sa(&c.walk_cache, 64, 4), "A53: 64-entry 4-way walk cache");
    tap_ok(!(c.unified[0].page_sizes & TLB_PS(30)) && (c.unified[0].page_sizes & TLB_PS(29)) &&
               c.unified[0].split == TLB_SPLIT_LARGEST,
           "A53: main TLB holds 512M, not 1G, and splits");
    tap_is(c.unified[0].latency, 2, "A53: micro miss, main hit = 2 cycles");
    tap_is(c.unified[0].miss_penalty + 2 * c.mem_latency, 20, "A53: main-TLB miss with a 2-read walk = 20 cycles");
    tap_is(c.asid_bits, 16, "A53: 16-bit ASIDs");

    tap_ok(load(&c, "cortex-a72"), "cortex-a72 loads");
    tap_ok(fa(&c.itlb, 48) && fa(&c.dtlb, 32), "A72: 48-entry I L1, 32-entry D L1");
    tap_ok(sa(&c.unified[0], 1024, 4), "A72: 1024-entry 4-way L2 TLB");

    const char *names[] = {"cortex-a7", "cortex-a9", "cortex-a15", "cortex-a53", "cortex-a72"};
    for (int i = 0; i < 5; i++) {
        TlbModel *m = NULL;
        if (load(&c, names[i]))
            m = tlb_model_create(&c, err, sizeof err);
        tap_ok(m != NULL && strcmp(tlb_model_config(m)->name, names[i]) == 0, "%s: model created", names[i]);
        tlb_model_destroy(m);
    }

    /* malformed files */
    snprintf(dir, sizeof dir, "/tmp/tlb-presets-XXXXXX");
    if (!mkdtemp(dir)) {
        printf("Bail out! mkdtemp\n");
        return 1;
    }
    try_ini("num.ini", "[core]\nname = x\n[itlb]\nentries = ten\n", err, sizeof err);
    tap_ok(strstr(err, "num.ini:4: [itlb] entries: 'ten' is not a number") != NULL, "bad number: %s", err);
    try_ini("syn.ini", "[core]\nname = x\nthis line has no equals sign\n", err, sizeof err);
    tap_ok(strstr(err, "syn.ini:3: syntax error") != NULL, "syntax error: %s", err);
    try_ini("sec.ini", "; comment\n[core]\nname = x\n\n[l9_tlb]\nentries = 4\n", err, sizeof err);
    tap_ok(strstr(err, "sec.ini:6: unknown section [l9_tlb]") != NULL, "unknown section: %s", err);
    try_ini("key.ini", "[itlb]\nentries = 8\nassoc = 2\n", err, sizeof err);
    tap_ok(strstr(err, "key.ini:3: unknown key 'assoc' in [itlb]") != NULL, "unknown key: %s", err);
    try_ini("repl.ini", "[itlb]\nentries = 8\nreplacement = mru\n", err, sizeof err);
    tap_ok(strstr(err, "repl.ini:3: [itlb] replacement must be") != NULL, "bad policy: %s", err);
    try_ini("ps.ini", "[main_tlb]\nentries = 8\npage_sizes = 4K,3M\n", err, sizeof err);
    tap_ok(strstr(err, "ps.ini:3: [main_tlb] page_sizes") != NULL, "bad page size: %s", err);
    try_ini("ways.ini", "[itlb]\nentries = 10\nways = 4\n[dtlb]\nentries = 8\n", err, sizeof err);
    tap_ok(strstr(err, "ways.ini: [itlb] ways 4 does not divide entries 10") != NULL, "inconsistent sizes: %s", err);
    try_ini("nod.ini", "[itlb]\nentries = 8\n", err, sizeof err);
    tap_ok(strstr(err, "nod.ini: give either [dtlb]") != NULL, "missing D side: %s", err);
    try_ini("ok.ini", "[core]\nname = tiny\n[itlb]\nentries = 4\n[dtlb]\nentries = 4\nways = 2\n", err, sizeof err);
    tap_is_str(err, "", "a minimal valid file loads");
    tap_ok(!tlb_config_load_preset(&c, "no-such-core", err, sizeof err) && strstr(err, "no-such-core.ini: cannot open"),
           "missing preset: %s", err);
    rmdir(dir);
    return tap_done();
}
