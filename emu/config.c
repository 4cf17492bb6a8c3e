#include "config.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmuscope_paths.h"

void config_defaults(MachineConfig *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "unnamed");
    snprintf(c->cpu, sizeof c->cpu, "cortex-a15");
    c->ram_base = 0x80000000u;
    c->ram_size = 256u << 20;
    c->load_offset = 0x8000;
    c->machine_id = 0xffffffffu;
    c->uart_base = 0x09000000u;
    c->cycles_base = 0x09010000u;
    c->psci = Psci_HVC;
    /* QEMU's virt board: GICv2 at 0x08000000 / 0x08010000, a 62.5 MHz system counter */
    c->gic_dist_base = 0x08000000u;
    c->gic_cpu_base = 0x08010000u;
    c->timer_freq = 62500000u;
    c->cpu_hz = 1000000000u;
}

static bool parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (!*s || *s == '-')
        return false;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s)
        return false;
    /* size suffixes: K, M, G (binary) */
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10, end++;
    else if (*end == 'M' || *end == 'm') shift = 20, end++;
    else if (*end == 'G' || *end == 'g') shift = 30, end++;
    if (*end)
        return false;
    if (shift && v > (~0ull >> shift))
        return false;
    *out = (uint64_t)v << shift;
    return true;
}

static bool copy_str(char *dst, size_t n, const char *v)
{
    if (strlen(v) >= n)
        return false;
    strcpy(dst, v);
    return true;
}

static const char *const known_cpus[] = {"cortex-a7", "cortex-a9", "cortex-a15",
                                         "cortex-a53", "cortex-a57", "cortex-a72", NULL};

bool config_set(MachineConfig *c, const char *key, const char *v, char *err, size_t errlen)
{
    uint64_t n = 0;
#define NUM(field)                                                                    \
    do {                                                                              \
        if (!parse_u64(v, &n)) {                                                      \
            snprintf(err, errlen, "%s: '%s' is not a number", key, v);                \
            return false;                                                             \
        }                                                                             \
        field = n;                                                                    \
    } while (0)
    if (!strcmp(key, "machine.name")) {
        if (!copy_str(c->name, sizeof c->name, v)) goto toolong;
    } else if (!strcmp(key, "machine.cpu")) {
        bool ok = false;
        for (int i = 0; known_cpus[i]; i++)
            ok |= !strcmp(v, known_cpus[i]);
        if (!ok) {
            snprintf(err, errlen, "%s: unknown CPU '%s' (cortex-a7, cortex-a9, cortex-a15, cortex-a53, "
                     "cortex-a57, cortex-a72)", key, v);
            return false;
        }
        copy_str(c->cpu, sizeof c->cpu, v);
    } else if (!strcmp(key, "machine.core")) {
        if (!copy_str(c->core, sizeof c->core, v)) goto toolong;
    } else if (!strcmp(key, "cycles.base")) NUM(c->cycles_base);
    else if (!strcmp(key, "machine.ram_base")) NUM(c->ram_base);
    else if (!strcmp(key, "machine.ram_size")) NUM(c->ram_size);
    else if (!strcmp(key, "machine.load_addr")) NUM(c->load_addr);
    else if (!strcmp(key, "machine.load_offset")) NUM(c->load_offset);
    else if (!strcmp(key, "machine.dtb_addr")) NUM(c->dtb_addr);
    else if (!strcmp(key, "machine.machine_id")) {
        NUM(n);
        if (n > 0xffffffffu) {
            snprintf(err, errlen, "%s: %s does not fit in 32 bits", key, v);
            return false;
        }
        c->machine_id = (uint32_t)n;
    } else if (!strcmp(key, "machine.bootargs")) {
        if (!copy_str(c->bootargs, sizeof c->bootargs, v)) goto toolong;
    } else if (!strcmp(key, "uart.base")) NUM(c->uart_base);
    else if (!strcmp(key, "gic.dist_base")) NUM(c->gic_dist_base);
    else if (!strcmp(key, "gic.cpu_base")) NUM(c->gic_cpu_base);
    else if (!strcmp(key, "timer.frequency")) NUM(c->timer_freq);
    else if (!strcmp(key, "machine.cpu_hz")) NUM(c->cpu_hz);
    else if (!strcmp(key, "psci.conduit")) {
        if (!strcmp(v, "smc")) c->psci = Psci_SMC;
        else if (!strcmp(v, "hvc")) c->psci = Psci_HVC;
        else {
            snprintf(err, errlen, "%s: '%s' is neither smc nor hvc", key, v);
            return false;
        }
    } else if (!strcmp(key, "limits.max_insns")) NUM(c->max_insns);
    else if (!strcmp(key, "limits.stop_at")) NUM(c->stop_at);
    else if (!strcmp(key, "limits.stop_console")) {
        if (!copy_str(c->stop_console, sizeof c->stop_console, v)) goto toolong;
    }
    else if (!strcmp(key, "limits.timeout")) {
        char *end;
        errno = 0;
        double d = strtod(v, &end);
        if (errno || end == v || *end || d < 0) {
            snprintf(err, errlen, "%s: '%s' is not a number of seconds", key, v);
            return false;
        }
        c->timeout = d;
    } else {
        snprintf(err, errlen, "unknown key '%s'", key);
        return false;
    }
    return true;
#undef NUM
toolong:
    snprintf(err, errlen, "%s: value too long", key);
    return false;
}

struct ini_ctx {
    MachineConfig *c;
    char *err;
    size_t errlen;
    const char *path;
    bool failed;
};

/* inih reports the line of the first handler failure as its return value, so the handler
 * keeps only the message and config_load prefixes "FILE:LINE". */
static int on_ini_value(void *user, const char *section, const char *name, const char *value)
{
    struct ini_ctx *x = user;
    char key[128];
    if (x->failed)
        return 1; /* report only the first problem */
    if (!*section) {
        snprintf(x->err, x->errlen, "key '%s' outside any [section]", name);
        x->failed = true;
        return 0;
    }
    snprintf(key, sizeof key, "%s.%s", section, name);
    if (!config_set(x->c, key, value, x->err, x->errlen)) {
        x->failed = true;
        return 0;
    }
    return 1;
}

bool config_load(MachineConfig *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open machine description: %s", path, strerror(errno));
        return false;
    }
    char msg[512] = "";
    struct ini_ctx x = {c, msg, sizeof msg, path, false};
    int r = ini_parse_file(f, on_ini_value, &x);
    fclose(f);
    if (x.failed) {
        snprintf(err, errlen, "%s:%d: %s", path, r, msg);
        return false;
    }
    if (r > 0) {
        snprintf(err, errlen, "%s:%d: syntax error (expected [section] or key = value)", path, r);
        return false;
    }
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot read machine description", path);
        return false;
    }
    copy_str(c->source, sizeof c->source, path);
    return true;
}

bool config_validate(MachineConfig *c, char *err, size_t errlen)
{
    const char *src = c->source[0] ? c->source : "machine";
    if (c->ram_size < (1u << 20) || (c->ram_size & 0xfff)) {
        snprintf(err, errlen, "%s: machine.ram_size 0x%llx must be a multiple of 4 KiB and at least 1 MiB",
                 src, (unsigned long long)c->ram_size);
        return false;
    }
    if (c->ram_base & 0xfff) {
        snprintf(err, errlen, "%s: machine.ram_base 0x%llx is not 4 KiB aligned", src,
                 (unsigned long long)c->ram_base);
        return false;
    }
    if (c->ram_base + c->ram_size > (1ull << 32) || c->ram_base + c->ram_size < c->ram_base) {
        snprintf(err, errlen, "%s: RAM 0x%llx+0x%llx does not fit in the 32-bit physical space", src,
                 (unsigned long long)c->ram_base, (unsigned long long)c->ram_size);
        return false;
    }
    if (c->cycles_base && ((c->cycles_base & 0xfff) || c->cycles_base == c->uart_base ||
                           (c->cycles_base < c->ram_base + c->ram_size && c->cycles_base + 0x1000 > c->ram_base))) {
        snprintf(err, errlen, "%s: cycles.base 0x%llx must be a 4 KiB aligned page outside RAM and the UART", src,
                 (unsigned long long)c->cycles_base);
        return false;
    }
    if (c->uart_base & 0xfff) {
        snprintf(err, errlen, "%s: uart.base 0x%llx is not 4 KiB aligned", src, (unsigned long long)c->uart_base);
        return false;
    }
    if (c->uart_base < c->ram_base + c->ram_size && c->uart_base + 0x1000 > c->ram_base) {
        snprintf(err, errlen, "%s: uart.base 0x%llx lies inside RAM", src, (unsigned long long)c->uart_base);
        return false;
    }
    if (c->gic_dist_base) {
        const uint64_t g[2] = {c->gic_dist_base, c->gic_cpu_base};
        for (int i = 0; i < 2; i++) {
            if ((g[i] & 0xffff) || (g[i] < c->ram_base + c->ram_size && g[i] + 0x10000 > c->ram_base) ||
                (c->uart_base >= g[i] && c->uart_base < g[i] + 0x10000) ||
                (c->cycles_base >= g[i] && c->cycles_base < g[i] + 0x10000)) {
                snprintf(err, errlen, "%s: gic.%s 0x%llx must be 64 KiB aligned, outside RAM, the UART and the "
                         "cycle counter", src, i ? "cpu_base" : "dist_base", (unsigned long long)g[i]);
                return false;
            }
        }
        if (c->gic_dist_base == c->gic_cpu_base) {
            snprintf(err, errlen, "%s: gic.dist_base and gic.cpu_base are the same", src);
            return false;
        }
    }
    if (!c->timer_freq || c->timer_freq > 0xffffffffu || !c->cpu_hz) {
        snprintf(err, errlen, "%s: timer.frequency and machine.cpu_hz must be non-zero (and the frequency 32-bit)",
                 src);
        return false;
    }
    if (!c->load_addr)
        c->load_addr = c->ram_base + c->load_offset;
    if (!c->dtb_addr)
        c->dtb_addr = c->ram_base + ((c->ram_size / 2) & ~0xfffffull);
    if (c->load_addr < c->ram_base || c->load_addr >= c->ram_base + c->ram_size) {
        snprintf(err, errlen, "%s: load address 0x%llx is outside RAM 0x%llx-0x%llx", src,
                 (unsigned long long)c->load_addr, (unsigned long long)c->ram_base,
                 (unsigned long long)(c->ram_base + c->ram_size - 1));
        return false;
    }
    if (c->dtb_addr < c->ram_base || c->dtb_addr + DTB_MAX_SIZE > c->ram_base + c->ram_size) {
        snprintf(err, errlen, "%s: DTB address 0x%llx (64 KiB) is outside RAM", src,
                 (unsigned long long)c->dtb_addr);
        return false;
    }
    return true;
}

bool config_resolve(const char *name_or_path, char *out, size_t outlen)
{
    if (strchr(name_or_path, '/') || access(name_or_path, R_OK) == 0) {
        snprintf(out, outlen, "%s", name_or_path);
        return true;
    }
    snprintf(out, outlen, "%s/machines/%s.ini", MMUSCOPE_CONFIG_DIR, name_or_path);
    return access(out, R_OK) == 0;
}
