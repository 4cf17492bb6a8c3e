/* mmuscope run: boot an image on a machine, report MMU events, stats and translations. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "map.h"
#include "emu/machine.h"
#include "emu/trace_record.h"
#include "mmu/v7_short.h"
#include "mmuscope_paths.h"

#define MAX_SETS 64
#define MAX_VAS 64

typedef struct DumpReq {
    uint64_t addr, len;
    const char *file;
} DumpReq;

typedef struct RunArgs {
    const char *machine;
    const char *sets[MAX_SETS];
    int nsets;
    const char *events, *stats, *image, *core;
    uint64_t vas[MAX_VAS];
    int nvas;
    const char *max_insns, *timeout, *stop_at, *stop_console;
    DumpReq dumps[8];
    int ndumps;
    const char *events_only;
    const char *trace;                          /* --trace FILE */
    bool linux;                                 /* boot-linux */
    const char *kernel, *initrd, *dtb, *append;
    MapOptions map;
} RunArgs;

static bool parse_vas(RunArgs *a, const char *list)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        uint64_t v;
        if (!cli_parse_u64(tok, &v)) {
            cli_error("--translate: '%s' is not a virtual address", tok);
            return false;
        }
        if (a->nvas == MAX_VAS) {
            cli_error("--translate: more than %d addresses", MAX_VAS);
            return false;
        }
        a->vas[a->nvas++] = v;
    }
    return true;
}

static bool parse_dump(RunArgs *a, char *spec)
{
    char *c1 = strchr(spec, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
    if (!c1 || !c2 || a->ndumps == 8) {
        cli_error("--dump-phys wants ADDR,LEN,FILE");
        return false;
    }
    *c1 = *c2 = 0;
    DumpReq *d = &a->dumps[a->ndumps];
    if (!cli_parse_u64(spec, &d->addr) || !cli_parse_u64(c1 + 1, &d->len) || !c2[1]) {
        cli_error("--dump-phys wants ADDR,LEN,FILE");
        return false;
    }
    d->file = c2 + 1;
    a->ndumps++;
    return true;
}

/* Appends the NAME of every NAME.bin in DIR to the comma-separated list AVAIL. */
static void list_images(const char *dir, char *avail, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".bin") && strlen(avail) + l + 3 < cap) {
            if (avail[0])
                strcat(avail, ", ");
            strncat(avail, e->d_name, l - 4);
        }
    }
    closedir(d);
}

/* An IMAGE is a path, or the name of a firmware image the build produced. */
static bool resolve_image(const char *arg, char *out, size_t n)
{
    if (access(arg, F_OK) == 0 || strchr(arg, '/')) {
        snprintf(out, n, "%s", arg);
        return true;
    }
    /* Images live in the firmware build directory or one of its subdirectories
     * (firmware/arm64/, firmware/tlb-bench/ build into their own). */
    snprintf(out, n, "%s/%s.bin", MMUSCOPE_FIRMWARE_DIR, arg);
    if (access(out, R_OK) == 0)
        return true;
    char avail[1024] = "";
    DIR *d = opendir(MMUSCOPE_FIRMWARE_DIR);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] != '.' && e->d_type == DT_DIR) {
                snprintf(out, n, "%s/%s/%s.bin", MMUSCOPE_FIRMWARE_DIR, e->d_name, arg);
                if (access(out, R_OK) == 0) {
                    closedir(d);
                    return true;
                }
            }
        }
        rewinddir(d);
        list_images(MMUSCOPE_FIRMWARE_DIR, avail, sizeof avail);
        while ((e = readdir(d))) {
            if (e->d_name[0] != '.' && e->d_type == DT_DIR) {
                char sub[600];
                snprintf(sub, sizeof sub, "%s/%s", MMUSCOPE_FIRMWARE_DIR, e->d_name);
                list_images(sub, avail, sizeof avail);
            }
        }
        closedir(d);
    }
    cli_error("%s: no such file, and no built firmware image of that name (built: %s)", arg,
              avail[0] ? avail : "none");
    return false;
}

static bool parse_args(int argc, char **argv, RunArgs *a)
{
    static const struct option opts[] = {
        {"machine", required_argument, 0, 'm'}, {"set", required_argument, 0, 's'},
        {"events", required_argument, 0, 'e'},  {"stats", required_argument, 0, 'S'},
        {"translate", required_argument, 0, 't'}, {"max-insns", required_argument, 0, 'n'},
        {"timeout", required_argument, 0, 'T'}, {"dump-phys", required_argument, 0, 'd'},
        {"core", required_argument, 0, 'c'}, {"stop-at", required_argument, 0, 'A'},
        {"kernel", required_argument, 0, 'K'}, {"initrd", required_argument, 0, 'I'},
        {"dtb", required_argument, 0, 'D'}, {"append", required_argument, 0, 'X'},
        {"events-only", required_argument, 0, 'O'},
        {"snapshot", required_argument, 0, 'W'}, {"png", required_argument, 0, 'P'},
        {"png-layout", no_argument, 0, 'L'}, {"map", no_argument, 0, 'M'},
        {"map-frames", required_argument, 0, 'F'}, {"png-hover", required_argument, 0, 'H'}, {"trace", required_argument, 0, 'R'},
        {"stop-on-console", required_argument, 0, 'C'},
        {0, 0, 0, 0}};
    const char *cmd = a->linux ? "boot-linux" : "run";
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'm': a->machine = optarg; break;
        case 's':
            if (a->nsets == MAX_SETS) {
                cli_error("too many --set options");
                return false;
            }
            a->sets[a->nsets++] = optarg;
            break;
        case 'e': a->events = optarg; break;
        case 'c': a->core = optarg; break;
        case 'S': a->stats = optarg; break;
        case 't':
            if (!parse_vas(a, optarg))
                return false;
            break;
        case 'n': a->max_insns = optarg; break;
        case 'T': a->timeout = optarg; break;
        case 'A': a->stop_at = optarg; break;
        case 'C': a->stop_console = optarg; break;
        case 'O': a->events_only = optarg; break;
        case 'R': a->trace = optarg; break;
        case 'd':
            if (!parse_dump(a, optarg))
                return false;
            break;
        case 'K': case 'I': case 'D': case 'X':
            if (!a->linux) {
                cli_error("run: %s belongs to boot-linux (mmuscope boot-linux --kernel PATH ...)", argv[optind - 1]);
                return false;
            }
            *(c == 'K' ? &a->kernel : c == 'I' ? &a->initrd : c == 'D' ? &a->dtb : &a->append) = optarg;
            break;
        case 'W':
            if (!map_add_when(&a->map, optarg))
                return false;
            break;
        case 'P':
            if (a->map.npng == MAP_MAX_SNAPSHOTS) {
                cli_error("--png: more than %d files", MAP_MAX_SNAPSHOTS);
                return false;
            }
            a->map.png[a->map.npng++] = optarg;
            break;
        case 'L': a->map.layout = true; break;
        case 'H':
            if (!cli_parse_u64(optarg, &a->map.hover_va)) {
                cli_error("--png-hover: '%s' is not a virtual address", optarg);
                return false;
            }
            a->map.has_hover = true;
            break;
        case 'M': a->map.live = true; break;
        case 'F':
            if (!cli_parse_u64(optarg, &a->map.max_frames) || !a->map.max_frames) {
                cli_error("--map-frames: '%s' is not a positive number", optarg);
                return false;
            }
            break;
        default:
            cli_error("%s: unknown or incomplete option '%s' (see mmuscope --help)", cmd, argv[optind - 1]);
            return false;
        }
    }
    if (a->linux) {
        if (optind != argc) {
            cli_error("boot-linux: unexpected argument '%s' (the kernel is given with --kernel)", argv[optind]);
            return false;
        }
        if (!a->kernel) {
            cli_error("boot-linux: missing --kernel PATH (an arm64 Image or an ARM zImage)");
            return false;
        }
        return true;
    }
    if (optind != argc - 1) {
        cli_error(optind >= argc ? "run: missing IMAGE" : "run: more than one IMAGE given");
        return false;
    }
    a->image = argv[optind];
    return true;
}

static bool build_config(const RunArgs *a, MachineConfig *cfg)
{
    char path[1024], err[1024];
    config_defaults(cfg);
    const char *name = a->machine ? a->machine : a->linux ? "virt-a53" : "virt-a15";
    if (!config_resolve(name, path, sizeof path)) {
        cli_error("%s: no such machine (neither a file nor %s/machines/%s.ini)", name, MMUSCOPE_CONFIG_DIR, name);
        return false;
    }
    if (!config_load(cfg, path, err, sizeof err)) {
        cli_error("%s", err);
        return false;
    }
    /* a distribution kernel and its installer initrd want more than the firmware's 256 MiB */
    if (a->linux && cfg->ram_size < (1ull << 30) && !config_set(cfg, "machine.ram_size", "1G", err, sizeof err)) {
        cli_error("%s", err);
        return false;
    }
    if (a->append && !config_set(cfg, "machine.bootargs", a->append, err, sizeof err)) {
        cli_error("--append: %s", err);
        return false;
    }
    for (int i = 0; i < a->nsets; i++) {
        char key[128];
        const char *eq = strchr(a->sets[i], '=');
        if (!eq || eq == a->sets[i] || (size_t)(eq - a->sets[i]) >= sizeof key) {
            cli_error("--set %s: expected SECTION.KEY=VALUE", a->sets[i]);
            return false;
        }
        memcpy(key, a->sets[i], (size_t)(eq - a->sets[i]));
        key[eq - a->sets[i]] = 0;
        if (!config_set(cfg, key, eq + 1, err, sizeof err)) {
            cli_error("--set: %s", err);
            return false;
        }
    }
    if (a->core && !config_set(cfg, "machine.core", a->core, err, sizeof err)) {
        cli_error("--core: %s", err);
        return false;
    }
    if (a->max_insns && !config_set(cfg, "limits.max_insns", a->max_insns, err, sizeof err)) {
        cli_error("--max-insns: %s", err);
        return false;
    }
    if (a->stop_at && !config_set(cfg, "limits.stop_at", a->stop_at, err, sizeof err)) {
        cli_error("--stop-at: %s", err);
        return false;
    }
    if (a->stop_console && !config_set(cfg, "limits.stop_console", a->stop_console, err, sizeof err)) {
        cli_error("--stop-on-console: %s", err);
        return false;
    }
    if (a->timeout && !config_set(cfg, "limits.timeout", a->timeout, err, sizeof err)) {
        cli_error("--timeout: %s", err);
        return false;
    }
    if (!config_validate(cfg, err, sizeof err)) {
        cli_error("%s", err);
        return false;
    }
    return true;
}

static void write_stats(FILE *f, Machine *m, const MachineConfig *cfg, const char *image, const RunStats *st,
                        const EventSink *ev)
{
    fprintf(f, "{\n  \"machine\": \"%s\",\n  \"cpu\": \"%s\",\n  \"image\": \"%s\",\n", cfg->name, cfg->cpu, image);
    fprintf(f, "  \"exit_reason\": \"%s\",\n  \"exit_status\": %d,\n", exit_reason_name(st->reason),
            exit_reason_status(st->reason));
    fprintf(f, "  \"instructions\": %llu,\n  \"instructions_mmu_on\": %llu,\n  \"blocks\": %llu,\n",
            (unsigned long long)st->insns, (unsigned long long)st->insns_mmu_on, (unsigned long long)st->blocks);
    fprintf(f, "  \"exceptions\": %llu,\n  \"interrupts\": %llu,\n  \"wfi_idle\": %llu,\n  \"wall_seconds\": %.6f,\n",
            (unsigned long long)st->exceptions, (unsigned long long)st->irqs, (unsigned long long)st->wfi_idle,
            st->wall_seconds);
    fprintf(f, "  \"events\": {");
    for (int k = 0; k < Ev_Count; k++)
        fprintf(f, "%s\"%s\": %llu", k ? ", " : "", event_kind_name((EventKind)k), (unsigned long long)ev->count[k]);
    fprintf(f, "}");
    TlbModel *t = machine_tlb(m);
    if (t) {
        uint64_t cyc = tlb_cycles(t);
        fprintf(f, ",\n  \"core\": \"%s\",\n  \"cycles\": %llu,\n  \"cpi\": %.4f,\n  \"tlb\": ",
                tlb_model_config(t)->name, (unsigned long long)cyc, st->insns ? (double)cyc / (double)st->insns : 0.0);
        tlb_stats_json(t, f);
    } else {
        fprintf(f, ",\n  \"core\": null");
    }
    fprintf(f, "\n}\n");
}

static void summary(Machine *m, const RunStats *st, const EventSink *ev)
{
    double mips = st->wall_seconds > 0 ? (double)st->insns / st->wall_seconds / 1e6 : 0;
    fprintf(stderr, "mmuscope: %s: %s\n", exit_reason_name(st->reason), st->message);
    fprintf(stderr, "mmuscope: %llu instructions (%llu with the MMU on), %llu exceptions, %.3f s, %.1f MIPS\n",
            (unsigned long long)st->insns, (unsigned long long)st->insns_mmu_on,
            (unsigned long long)st->exceptions, st->wall_seconds, mips);
    if (st->irqs || st->wfi_idle)
        fprintf(stderr, "mmuscope: %llu interrupts taken, %llu WFIs idled until the next timer event\n",
                (unsigned long long)st->irqs, (unsigned long long)st->wfi_idle);
    fprintf(stderr, "mmuscope: events:");
    for (int k = 0; k < Ev_Count; k++)
        if (ev->count[k])
            fprintf(stderr, " %s=%llu", event_kind_name((EventKind)k), (unsigned long long)ev->count[k]);
    fputc('\n', stderr);
    if (ev->count[Ev_Error])
        fprintf(stderr, "mmuscope: warning: %llu error events (walker/engine disagreements): see --events\n",
                (unsigned long long)ev->count[Ev_Error]);
    TlbModel *t = machine_tlb(m);
    if (t)
        tlb_stats_print(t, stderr);
}

static bool do_dumps(Machine *m, const RunArgs *a)
{
    const PhysMem *pm = machine_physmem(m);
    for (int i = 0; i < a->ndumps; i++) {
        const DumpReq *d = &a->dumps[i];
        const uint8_t *p = physmem_ptr(pm, d->addr, d->len);
        if (!p) {
            cli_error("--dump-phys: 0x%llx+0x%llx is not inside RAM", (unsigned long long)d->addr,
                      (unsigned long long)d->len);
            return false;
        }
        OutFile o;
        if (!out_open(&o, d->file))
            return false;
        fwrite(p, 1, d->len, o.f);
        if (!out_commit(&o, true))
            return false;
    }
    return true;
}

static int run_main(int argc, char **argv, bool linux)
{
    RunArgs a;
    memset(&a, 0, sizeof a);
    a.linux = linux;
    if (!parse_args(argc, argv, &a))
        return EXIT_USAGE;
    MachineConfig cfg;
    if (!build_config(&a, &cfg))
        return EXIT_USAGE;
    char image[1024], err[1024];
    const char *core = cfg.core[0] ? cfg.core : cfg.cpu;
    if (strcmp(core, "none")) { /* a bad preset is bad input: say so before anything runs */
        TlbConfig tc;
        if (!tlb_config_load_preset(&tc, core, err, sizeof err)) {
            cli_error("%s", err);
            return EXIT_USAGE;
        }
    }
    if (linux)
        snprintf(image, sizeof image, "%s", a.kernel);
    else if (!resolve_image(a.image, image, sizeof image))
        return EXIT_USAGE;
    if (!map_check(&a.map))
        return EXIT_USAGE;

    OutFile evf = {0}, stf = {0};
    EventSink sink;
    memset(&sink, 0, sizeof sink);
    if (a.events_only) { /* a boot-sized event file: only these kinds are written */
        char buf[512];
        snprintf(buf, sizeof buf, "%s", a.events_only);
        sink.skip = ~0u;
        for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int k = event_kind_from_name(tok);
            if (k < 0) {
                cli_error("--events-only: unknown event kind '%s' (see docs/cli.md)", tok);
                return EXIT_USAGE;
            }
            sink.skip &= ~(1u << k);
        }
    }
    if (a.events) {
        if (!out_open(&evf, a.events))
            return EXIT_USAGE;
        sink.out = evf.f;
    }
    Machine *m = machine_create(&cfg, &sink, err, sizeof err);
    if (!m) {
        cli_error("%s", err);
        out_commit(&evf, false);
        return EXIT_GUEST;
    }
    LinuxBoot lb = {a.kernel, a.initrd, a.dtb, a.append};
    if (linux ? !machine_load_linux(m, &lb, err, sizeof err) : !machine_load_image(m, image, err, sizeof err)) {
        cli_error("%s", err);
        machine_destroy(m);
        out_commit(&evf, false);
        return EXIT_USAGE;
    }
    OutFile trf = {0};
    if (a.trace) {
        if (!out_open(&trf, a.trace)) {
            machine_destroy(m);
            out_commit(&evf, false);
            return EXIT_USAGE;
        }
        if (!machine_trace_start(m, trf.f, image, err, sizeof err)) {
            cli_error("--trace %s: %s", a.trace, err);
            out_commit(&trf, false);
            machine_destroy(m);
            out_commit(&evf, false);
            return EXIT_USAGE;
        }
    }
    if (!map_prepare(&a.map, m, &sink, image)) {
        map_finish(&a.map, m, &sink);
        machine_trace_finish(m, false, err, sizeof err);
        out_commit(&trf, false);
        machine_destroy(m);
        out_commit(&evf, false);
        return EXIT_USAGE;
    }
    RunStats st;
    map_run(&a.map, m, &st);
    int status = exit_reason_status(st.reason);
    fflush(stdout);
    summary(m, &st, &sink);

    for (int i = 0; i < a.nvas; i++) {
        char line[256];
        if (!machine_is_a64(m) && a.vas[i] > 0xffffffffu) {
            printf("0x%llx -> not a 32-bit virtual address\n", (unsigned long long)a.vas[i]);
            continue;
        }
        machine_describe_va(m, a.vas[i], line, sizeof line);
        printf("%s\n", line);
    }
    fflush(stdout);
    bool ok = map_finish(&a.map, m, &sink);
    ok = do_dumps(m, &a) && ok;
    if (a.trace) { /* complete even when a limit ended the run: it holds what ran */
        if (!machine_trace_finish(m, true, err, sizeof err)) {
            cli_error("--trace %s: %s", a.trace, err);
            ok = false;
        }
        if (!out_commit(&trf, true))
            ok = false;
    }
    if (!out_commit(&evf, true))
        ok = false;
    if (a.stats) {
        if (out_open(&stf, a.stats)) {
            write_stats(stf.f, m, &cfg, image, &st, &sink);
            ok = out_commit(&stf, true) && ok;
        } else {
            ok = false;
        }
    }
    machine_destroy(m);
    if (!ok && status == 0)
        status = EXIT_FAILURE_GENERIC;
    if (status != 0)
        fprintf(stderr, "mmuscope: exit %d: %s\n", status, st.message[0] ? st.message : "output failed");
    return status;
}

int cmd_run(int argc, char **argv)
{
    return run_main(argc, argv, false);
}

int cmd_boot_linux(int argc, char **argv)
{
    return run_main(argc, argv, true);
}
