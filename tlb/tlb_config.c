/* Core presets: configs/cores/NAME.ini parsed with inih. */
#include <errno.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "tlb.h"

#ifndef TLB_CORES_DIR
#define TLB_CORES_DIR "configs/cores"
#endif

static const char *const repl_names[] = {"lru", "plru", "fifo", "random"};

const char *tlb_repl_name(TlbRepl r)
{
    return (unsigned)r < 4 ? repl_names[r] : "?";
}

static void struct_defaults(TlbStructConfig *s, const char *name)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->repl = TLB_REPL_LRU;
    s->split = TLB_SPLIT_LARGEST;
}

void tlb_config_init(TlbConfig *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "unnamed");
    c->asid_bits = 8;
    c->seed = 1;
    struct_defaults(&c->itlb, "itlb");
    struct_defaults(&c->dtlb, "dtlb");
    struct_defaults(&c->dtlb_load, "dtlb_load");
    struct_defaults(&c->dtlb_store, "dtlb_store");
    struct_defaults(&c->unified[0], "main_tlb");
    struct_defaults(&c->unified[1], "main_tlb2");
    struct_defaults(&c->unified[2], "main_tlb3");
    struct_defaults(&c->walk_cache, "walk_cache");
    struct_defaults(&c->ipa_cache, "ipa_cache");
    for (int i = 0; i < TLB_C_COUNT; i++)
        c->cost[i] = 1;
    c->cost[TLB_C_LOAD_USE] = 0;
    c->mem_latency = 0;
}

static bool parse_uint(const char *v, uint64_t max, uint64_t *out)
{
    char *end;
    if (!*v || *v == '-')
        return false;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (errno || *end || x > max)
        return false;
    *out = x;
    return true;
}

bool tlb_parse_page_sizes(const char *s, uint64_t *mask)
{
    uint64_t m = 0;
    char buf[256];
    if (strlen(s) >= sizeof buf)
        return false;
    strcpy(buf, s);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(tok, &end, 10);
        if (errno || end == tok || n == 0)
            return false;
        int unit;
        if (strcasecmp(end, "K") == 0 || strcasecmp(end, "KB") == 0)
            unit = 10;
        else if (strcasecmp(end, "M") == 0 || strcasecmp(end, "MB") == 0)
            unit = 20;
        else if (strcasecmp(end, "G") == 0 || strcasecmp(end, "GB") == 0)
            unit = 30;
        else
            return false;
        if (n & (n - 1))
            return false;
        int sh = __builtin_ctzll(n) + unit;
        if (sh < 10 || sh > 48)
            return false;
        m |= TLB_PS(sh);
    }
    if (!m)
        return false;
    *mask = m;
    return true;
}

struct pctx {
    TlbConfig *c;
    char msg[300];
    bool failed;
};

static TlbStructConfig *struct_by_section(TlbConfig *c, const char *sec)
{
    TlbStructConfig *all[] = {&c->itlb, &c->dtlb, &c->dtlb_load, &c->dtlb_store, &c->unified[0],
                              &c->unified[1], &c->unified[2], &c->walk_cache, &c->ipa_cache};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(all[i]->name, sec) == 0)
            return all[i];
    return NULL;
}

#define FAIL(...) do { snprintf(x->msg, sizeof x->msg, __VA_ARGS__); x->failed = true; return 0; } while (0)

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    struct pctx *x = user;
    TlbConfig *c = x->c;
    uint64_t u;
    if (x->failed)
        return 1;
    if (!*section)
        FAIL("key '%s' outside any [section]", name);
    if (strcmp(section, "core") == 0) {
        if (strcmp(name, "name") == 0) {
            if (strlen(value) >= sizeof c->name)
                FAIL("[core] name too long");
            snprintf(c->name, sizeof c->name, "%s", value);
        } else if (strcmp(name, "asid_bits") == 0) {
            if (!parse_uint(value, 16, &u) || (u != 8 && u != 16))
                FAIL("[core] asid_bits must be 8 or 16, not '%s'", value);
            c->asid_bits = (unsigned)u;
        } else if (strcmp(name, "seed") == 0) {
            if (!parse_uint(value, UINT64_MAX, &u))
                FAIL("[core] seed: '%s' is not a number", value);
            c->seed = u;
        } else {
            FAIL("unknown key '%s' in [core]", name);
        }
        return 1;
    }
    if (strcmp(section, "cycles") == 0) {
        static const char *const cls[TLB_C_COUNT] = {"alu", "mul", "load", "store", "branch", "system", "load_to_use"};
        if (!parse_uint(value, 100000, &u))
            FAIL("[cycles] %s: '%s' is not a cycle count", name, value);
        for (int i = 0; i < TLB_C_COUNT; i++)
            if (strcmp(name, cls[i]) == 0) {
                c->cost[i] = (unsigned)u;
                return 1;
            }
        if (strcmp(name, "mem_latency") == 0) {
            c->mem_latency = (unsigned)u;
            return 1;
        }
        FAIL("unknown key '%s' in [cycles]", name);
    }
    TlbStructConfig *s = struct_by_section(c, section);
    if (!s)
        FAIL("unknown section [%s]", section);
    s->present = true;
    if (strcmp(name, "entries") == 0) {
        if (!parse_uint(value, 1u << 20, &u) || u == 0)
            FAIL("[%s] entries: '%s' is not a number 1..1048576", section, value);
        s->entries = (unsigned)u;
    } else if (strcmp(name, "ways") == 0) {
        if (!parse_uint(value, 1u << 20, &u))
            FAIL("[%s] ways: '%s' is not a number (0 = fully associative)", section, value);
        s->ways = (unsigned)u;
    } else if (strcmp(name, "replacement") == 0) {
        int r = -1;
        for (int i = 0; i < 4; i++)
            if (strcasecmp(value, repl_names[i]) == 0)
                r = i;
        if (strcasecmp(value, "tree-plru") == 0 || strcasecmp(value, "pseudo-lru") == 0)
            r = TLB_REPL_PLRU;
        if (r < 0)
            FAIL("[%s] replacement must be lru, plru, fifo or random, not '%s'", section, value);
        s->repl = (TlbRepl)r;
    } else if (strcmp(name, "page_sizes") == 0) {
        if (!tlb_parse_page_sizes(value, &s->page_sizes))
            FAIL("[%s] page_sizes: '%s' is not a list like 4K,64K,1M,2M", section, value);
    } else if (strcmp(name, "split") == 0) {
        if (strcasecmp(value, "largest") == 0)
            s->split = TLB_SPLIT_LARGEST;
        else if (strcasecmp(value, "none") == 0)
            s->split = TLB_SPLIT_NONE;
        else
            FAIL("[%s] split must be largest or none, not '%s'", section, value);
    } else if (strcmp(name, "latency") == 0 || strcmp(name, "miss_penalty") == 0) {
        if (!parse_uint(value, 100000, &u))
            FAIL("[%s] %s: '%s' is not a cycle count", section, name, value);
        if (name[0] == 'l')
            s->latency = (unsigned)u;
        else
            s->miss_penalty = (unsigned)u;
    } else if (strcmp(name, "flush_on_tlbi") == 0) {
        if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0)
            s->flush_on_tlbi = true;
        else if (strcasecmp(value, "no") == 0 || strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0)
            s->flush_on_tlbi = false;
        else
            FAIL("[%s] flush_on_tlbi must be yes or no, not '%s'", section, value);
    } else {
        FAIL("unknown key '%s' in [%s]", name, section);
    }
    return 1;
}

static bool check_struct(const TlbStructConfig *s, const char *path, char *err, size_t errlen)
{
    if (!s->present)
        return true;
    if (!s->entries) {
        snprintf(err, errlen, "%s: [%s] has no entries", path, s->name);
        return false;
    }
    unsigned ways = s->ways ? s->ways : s->entries;
    if (ways > s->entries || s->entries % ways) {
        snprintf(err, errlen, "%s: [%s] ways %u does not divide entries %u", path, s->name, ways, s->entries);
        return false;
    }
    unsigned sets = s->entries / ways;
    if (sets & (sets - 1)) {
        snprintf(err, errlen, "%s: [%s] entries/ways = %u sets, must be a power of two", path, s->name, sets);
        return false;
    }
    if (s->repl == TLB_REPL_PLRU && ((ways & (ways - 1)) || ways > 64)) {
        snprintf(err, errlen, "%s: [%s] plru needs a power-of-two number of ways <= 64 (got %u)", path,
                 s->name, ways);
        return false;
    }
    return true;
}

bool tlb_config_load(TlbConfig *c, const char *path, char *err, size_t errlen)
{
    tlb_config_init(c);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open core preset: %s", path, strerror(errno));
        return false;
    }
    struct pctx x = {.c = c};
    int r = ini_parse_file(f, on_value, &x);
    fclose(f);
    if (x.failed) {
        snprintf(err, errlen, "%s:%d: %s", path, r, x.msg);
        return false;
    }
    if (r > 0) {
        snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)", path, r);
        return false;
    }
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot read core preset", path);
        return false;
    }
    if (!c->itlb.present) {
        snprintf(err, errlen, "%s: no [itlb] section", path);
        return false;
    }
    if (c->dtlb.present == (c->dtlb_load.present || c->dtlb_store.present) ||
        c->dtlb_load.present != c->dtlb_store.present) {
        snprintf(err, errlen, "%s: give either [dtlb] or both [dtlb_load] and [dtlb_store]", path);
        return false;
    }
    for (int i = 1; i < TLB_MAX_UNIFIED; i++)
        if (c->unified[i].present && !c->unified[i - 1].present) {
            snprintf(err, errlen, "%s: [%s] without [%s]", path, c->unified[i].name, c->unified[i - 1].name);
            return false;
        }
    const TlbStructConfig *all[] = {&c->itlb, &c->dtlb, &c->dtlb_load, &c->dtlb_store, &c->unified[0],
                                    &c->unified[1], &c->unified[2], &c->walk_cache, &c->ipa_cache};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!check_struct(all[i], path, err, errlen))
            return false;
    snprintf(c->source, sizeof c->source, "%s", path);
    return true;
}

bool tlb_config_load_preset(TlbConfig *c, const char *name_or_path, char *err, size_t errlen)
{
    size_t n = strlen(name_or_path);
    if (strchr(name_or_path, '/') || (n > 4 && strcmp(name_or_path + n - 4, ".ini") == 0))
        return tlb_config_load(c, name_or_path, err, errlen);
    char path[512];
    if (snprintf(path, sizeof path, "%s/%s.ini", TLB_CORES_DIR, name_or_path) >= (int)sizeof path) {
        snprintf(err, errlen, "%s: core name too long", name_or_path);
        return false;
    }
    return tlb_config_load(c, path, err, errlen);
}
