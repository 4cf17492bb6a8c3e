/* mmuscope bench p2v: the P2V benchmark (docs/p2v.md).  Runs the p2v-a32 and p2v-t32
 * firmware images (firmware/p2v/) in-process on each chosen core preset, stops at every
 * phase function's entry (machine_continue_to) to take the instruction count, the model's
 * cycles and the D-TLB statistics there, reads the guest's own results (checksums and
 * PMCCNTR differences, p2v_results[]) from its memory after power-off, and prints and
 * writes the comparison: CSV, a gnuplot plot (PNG, SVG) and a markdown report. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "outfile.h"
#include "emu/machine.h"
#include "mmuscope_paths.h"

/* must match firmware/p2v/p2v.h and p2v64.h */
#define P2V_PAGE_OFFSET 0xC0000000u
#define P2V_PLAT_PHYS_OFFSET 0x80000000u
#define P2V_VARIANTS 4
#define P2V_WORKLOADS 2
#define P2V_RUNS 3
#define P2V_PHASES (P2V_WORKLOADS * P2V_VARIANTS * P2V_RUNS)
#define LOOP_N 1000
#define LIST_N 512

static const char *const variants[P2V_VARIANTS] = {"constant", "patched", "variable", "placed"};
static const char *const workloads[P2V_WORKLOADS] = {"loop", "list"};
static const char *const runs[P2V_RUNS] = {"warm", "a", "b"};
/* conversions per call: loop 2 per iteration, list 1 per step; b does twice a */
static const unsigned convs_a[P2V_WORKLOADS] = {2 * LOOP_N, LIST_N};

typedef struct Preset {
    const char *core, *machine;
    bool a64; /* AArch64 core: p2v-a64; else p2v-a32 and p2v-t32 */
} Preset;
static const Preset presets[] = {
    {"cortex-a7", "virt-a7", false},   {"cortex-a9", "virt-a9", false},   {"cortex-a15", "virt-a15", false},
    {"cortex-a53", "virt-a53", true}, {"cortex-a57", "virt-a53", true}, {"cortex-a72", "virt-a53", true},
};
#define NPRESETS (sizeof presets / sizeof presets[0])
#define KNOWN_CORES "cortex-a7, cortex-a9, cortex-a15, cortex-a53, cortex-a57, cortex-a72"
#define P2V_PAGE_OFFSET64 0xffff000000000000ull

/* What the host reads at a stop */
typedef struct Snap {
    uint64_t insns, cycles, dlookups, dmisses, mmisses;
} Snap;

typedef struct Phase {
    Snap d;                     /* from this phase's entry to the next one's */
    uint32_t checksum, gcycles; /* the guest's p2v_results[] */
} Phase;

typedef struct Result {
    const char *core, *isa;
    unsigned sites, patched;
    uint32_t fixup_gcycles;
    Snap fixup;
    Phase ph[P2V_PHASES];
    RunStats st;
} Result;

/* ---- the ELF's symbols ---- */
typedef struct Syms {
    uint8_t *buf;
    size_t len;
    bool is64;
    const uint8_t *sym; /* Elf32_Sym or Elf64_Sym array */
    size_t nsym;
    const char *str;
    size_t strsz;
} Syms;

static bool syms_load(Syms *s, const char *path)
{
    memset(s, 0, sizeof *s);
    FILE *f = fopen(path, "rb");
    if (!f) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        return false;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    if (n <= (long)sizeof(Elf64_Ehdr)) {
        fclose(f);
        cli_error("%s: not an ELF file", path);
        return false;
    }
    s->buf = malloc((size_t)n);
    s->len = (size_t)n;
    if (!s->buf || fread(s->buf, 1, s->len, f) != s->len) {
        fclose(f);
        cli_error("%s: read failed", path);
        return false;
    }
    fclose(f);
    if (memcmp(s->buf, ELFMAG, SELFMAG)) {
        cli_error("%s: not an ELF file", path);
        return false;
    }
    s->is64 = s->buf[EI_CLASS] == ELFCLASS64;
    uint64_t shoff, shnum;
    if (s->is64) {
        const Elf64_Ehdr *eh = (const Elf64_Ehdr *)s->buf;
        shoff = eh->e_shoff;
        shnum = eh->e_shnum;
    } else {
        const Elf32_Ehdr *eh = (const Elf32_Ehdr *)s->buf;
        shoff = eh->e_shoff;
        shnum = eh->e_shnum;
    }
    size_t shsz = s->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    if (shoff > s->len || shnum > (s->len - shoff) / shsz) {
        cli_error("%s: bad section header table", path);
        return false;
    }
    for (uint64_t i = 0; i < shnum; i++) {
        uint64_t type, off, size, link, loff, lsize;
        if (s->is64) {
            const Elf64_Shdr *sh = (const Elf64_Shdr *)(s->buf + shoff) + i;
            type = sh->sh_type, off = sh->sh_offset, size = sh->sh_size, link = sh->sh_link;
        } else {
            const Elf32_Shdr *sh = (const Elf32_Shdr *)(s->buf + shoff) + i;
            type = sh->sh_type, off = sh->sh_offset, size = sh->sh_size, link = sh->sh_link;
        }
        if (type != SHT_SYMTAB || link >= shnum)
            continue;
        if (s->is64) {
            const Elf64_Shdr *st = (const Elf64_Shdr *)(s->buf + shoff) + link;
            loff = st->sh_offset, lsize = st->sh_size;
        } else {
            const Elf32_Shdr *st = (const Elf32_Shdr *)(s->buf + shoff) + link;
            loff = st->sh_offset, lsize = st->sh_size;
        }
        if (off > s->len || size > s->len - off || loff > s->len || lsize > s->len - loff || !lsize)
            break;
        s->sym = s->buf + off;
        s->nsym = size / (s->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym));
        s->str = (const char *)(s->buf + loff);
        s->strsz = lsize;
        return true;
    }
    cli_error("%s: no symbol table", path);
    return false;
}

static bool sym_va(const Syms *s, const char *name, uint64_t *va, const char *path)
{
    for (size_t i = 0; i < s->nsym; i++) {
        uint64_t nm, val;
        if (s->is64) {
            const Elf64_Sym *e = (const Elf64_Sym *)s->sym + i;
            nm = e->st_name, val = e->st_value;
        } else {
            const Elf32_Sym *e = (const Elf32_Sym *)s->sym + i;
            nm = e->st_name, val = e->st_value;
        }
        if (nm < s->strsz && !strncmp(s->str + nm, name, s->strsz - nm) && strlen(name) < s->strsz - nm) {
            *va = val & ~1ull; /* Thumb functions carry bit 0 */
            return true;
        }
    }
    cli_error("%s: no symbol %s (an older p2v image? rebuild with ninja)", path, name);
    return false;
}

/* ---- running ---- */
static void snap(Machine *m, const RunStats *st, Snap *s)
{
    TlbModel *t = machine_tlb(m);
    memset(s, 0, sizeof *s);
    s->insns = st->insns;
    if (!t)
        return;
    s->cycles = tlb_cycles(t);
    TlbStruct *d = tlb_model_struct(t, "dtlb_load");
    if (!d)
        d = tlb_model_struct(t, "dtlb");
    if (d) {
        s->dlookups = tlb_struct_stats(d)->lookups;
        s->dmisses = tlb_struct_stats(d)->misses;
    }
    TlbStruct *u = tlb_model_struct(t, "main_tlb");
    if (u)
        s->mmisses = tlb_struct_stats(u)->misses;
}

static Snap snap_sub(Snap a, Snap b)
{
    return (Snap){a.insns - b.insns, a.cycles - b.cycles, a.dlookups - b.dlookups, a.dmisses - b.dmisses,
                  a.mmisses - b.mmisses};
}

static bool run_one(const Preset *p, const char *isa, const char *outdir, Result *r)
{
    char elf[1100], bin[1100], err[1024], cfgpath[1024];
    snprintf(elf, sizeof elf, "%s/p2v/p2v-%s.elf", MMUSCOPE_FIRMWARE_DIR, isa);
    snprintf(bin, sizeof bin, "%s/p2v/p2v-%s.bin", MMUSCOPE_FIRMWARE_DIR, isa);
    memset(r, 0, sizeof *r);
    r->core = p->core;
    r->isa = isa;

    Syms s;
    bool ok = syms_load(&s, elf);
    /* the stops, in the order the guest reaches them (physical before the MMU is on) */
    uint64_t stops[2 + P2V_PHASES + 1];
    uint64_t va = 0, results_va = 0, sites_va = 0, tb = 0, te = 0, fixcyc_va = 0;
    const uint64_t page_offset = p->a64 ? P2V_PAGE_OFFSET64 : P2V_PAGE_OFFSET;
    ok = ok && sym_va(&s, "__fixup_pv_table", &va, elf);
    stops[0] = va - page_offset + P2V_PLAT_PHYS_OFFSET;
    ok = ok && sym_va(&s, "__fixup_pv_table_return", &va, elf);
    stops[1] = va - page_offset + P2V_PLAT_PHYS_OFFSET;
    for (int w = 0, k = 0; ok && w < P2V_WORKLOADS; w++)
        for (int v = 0; ok && v < P2V_VARIANTS; v++)
            for (int q = 0; ok && q < P2V_RUNS; q++, k++) {
                char name[96];
                snprintf(name, sizeof name, "p2v_%s_%s_%s", workloads[w], variants[v], runs[q]);
                ok = sym_va(&s, name, &va, elf);
                stops[2 + k] = va;
            }
    ok = ok && sym_va(&s, "p2v_phases_end", &va, elf);
    stops[2 + P2V_PHASES] = va;
    ok = ok && sym_va(&s, "p2v_results", &results_va, elf) && sym_va(&s, "__pv_patched_sites", &sites_va, elf) &&
         sym_va(&s, "__pv_table_begin", &tb, elf) && sym_va(&s, "__pv_table_end", &te, elf) &&
         sym_va(&s, "__pv_fixup_cycles", &fixcyc_va, elf);
    free(s.buf);
    if (!ok)
        return false;
    r->sites = (unsigned)((te - tb) / (p->a64 ? 8 : 4));

    MachineConfig cfg;
    config_defaults(&cfg);
    if (!config_resolve(p->machine, cfgpath, sizeof cfgpath)) {
        cli_error("%s: no such machine", p->machine);
        return false;
    }
    if (!config_load(&cfg, cfgpath, err, sizeof err) || !config_set(&cfg, "machine.core", p->core, err, sizeof err) ||
        !config_set(&cfg, "limits.timeout", "60", err, sizeof err) || !config_validate(&cfg, err, sizeof err)) {
        cli_error("%s", err);
        return false;
    }
    if (cfg.ram_base != P2V_PLAT_PHYS_OFFSET) {
        cli_error("%s: ram_base 0x%llx: the constant variant needs PHYS_OFFSET 0x%x", cfgpath,
                  (unsigned long long)cfg.ram_base, P2V_PLAT_PHYS_OFFSET);
        return false;
    }
    EventSink sink;
    memset(&sink, 0, sizeof sink);
    Machine *m = machine_create(&cfg, &sink, err, sizeof err);
    if (!m) {
        cli_error("%s", err);
        return false;
    }
    if (!machine_load_image(m, bin, err, sizeof err)) {
        cli_error("%s", err);
        machine_destroy(m);
        return false;
    }

    /* the guest's UART goes to OUT/guest-CORE-ISA.log */
    char logpath[1200];
    snprintf(logpath, sizeof logpath, "%s/guest-%s-%s.log", outdir, p->core, isa);
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || saved < 0) {
        cli_error("%s: cannot write: %s", logpath, strerror(errno));
        if (fd >= 0)
            close(fd);
        if (saved >= 0)
            close(saved);
        machine_destroy(m);
        return false;
    }
    dup2(fd, STDOUT_FILENO);
    close(fd);

    Snap at[2 + P2V_PHASES + 1];
    size_t nstops = sizeof stops / sizeof stops[0];
    for (size_t i = 0; ok && i <= nstops; i++) {
        uint64_t to = i < nstops ? stops[i] : 0;
        machine_continue_to(m, to);
        machine_run(m, &r->st);
        if (i < nstops && r->st.reason != Exit_StopAt) {
            snprintf(err, sizeof err, "%s on %s: stopped before 0x%llx: %s: %s", isa, p->core,
                     (unsigned long long)to, exit_reason_name(r->st.reason), r->st.message);
            ok = false;
        } else if (i < nstops) {
            snap(m, &r->st, &at[i]);
        } else if (r->st.reason != Exit_PowerOff) {
            snprintf(err, sizeof err, "%s on %s: did not power off: %s: %s", isa, p->core,
                     exit_reason_name(r->st.reason), r->st.message);
            ok = false;
        }
    }
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    if (!ok) {
        cli_error("bench p2v: %s (guest output in %s)", err, logpath);
        machine_destroy(m);
        return false;
    }
    r->fixup = snap_sub(at[1], at[0]);
    for (int k = 0; k < P2V_PHASES; k++)
        r->ph[k].d = snap_sub(at[2 + k + 1], at[2 + k]);

    const PhysMem *pm = machine_physmem(m);
    uint64_t base = P2V_PLAT_PHYS_OFFSET - page_offset;
    const uint8_t *res = physmem_ptr(pm, results_va + base, P2V_PHASES * 8);
    const uint8_t *ps = physmem_ptr(pm, sites_va + base, 4);
    const uint8_t *fc = physmem_ptr(pm, fixcyc_va + base, 4);
    if (!res || !ps || !fc) {
        cli_error("bench p2v: %s: results not in RAM", elf);
        machine_destroy(m);
        return false;
    }
    for (int k = 0; k < P2V_PHASES; k++) {
        memcpy(&r->ph[k].checksum, res + 8 * k, 4);
        memcpy(&r->ph[k].gcycles, res + 8 * k + 4, 4);
    }
    memcpy(&r->patched, ps, 4); /* a64: the low half of a u64 (little-endian) */
    memcpy(&r->fixup_gcycles, fc, 4);
    machine_destroy(m);
    return true;
}

/* ---- reporting ---- */

/* the measured window of (workload w, variant v): run b minus run a = convs_a[w] conversions
 * from the state the warm run leaves */
typedef struct Window {
    Snap d;
    int64_t gcycles;
    unsigned convs;
} Window;

static Window window(const Result *r, int w, int v)
{
    int k = (w * P2V_VARIANTS + v) * P2V_RUNS;
    const Phase *a = &r->ph[k + 1], *b = &r->ph[k + 2];
    Window x;
    x.d = snap_sub(b->d, a->d);
    x.gcycles = (int64_t)b->gcycles - (int64_t)a->gcycles;
    x.convs = convs_a[w];
    return x;
}

static bool checksums_equal(const Result *r)
{
    for (int w = 0; w < P2V_WORKLOADS; w++)
        for (int v = 1; v < P2V_VARIANTS; v++)
            for (int q = 0; q < P2V_RUNS; q++)
                if (r->ph[(w * P2V_VARIANTS + v) * P2V_RUNS + q].checksum != r->ph[w * P2V_VARIANTS * P2V_RUNS + q].checksum)
                    return false;
    return true;
}

static void print_table(FILE *f, const Result *res, size_t n, bool md)
{
    const char *hdr[] = {"core", "isa", "workload", "variant", "insns", "cycles", "guest cycles", "cyc/conv",
                         "insns/conv", "loads/conv", "D-TLB lookups", "D-TLB misses", "main-TLB misses",
                         "vs constant"};
    size_t nh = sizeof hdr / sizeof hdr[0];
    if (md) {
        for (size_t i = 0; i < nh; i++)
            fprintf(f, "| %s ", hdr[i]);
        fprintf(f, "|\n");
        for (size_t i = 0; i < nh; i++)
            fprintf(f, "| --- ");
        fprintf(f, "|\n");
    } else {
        fprintf(f, "%-10s %-3s %-4s %-8s %8s %8s %8s %8s %10s %10s %8s %8s %8s %8s\n", "core", "isa", "wl",
                "variant", "insns", "cycles", "gcycles", "cyc/conv", "insns/conv", "loads/conv", "dtlb-lk",
                "dtlb-miss", "main-miss", "vs-const");
    }
    for (size_t i = 0; i < n; i++) {
        const Result *r = &res[i];
        for (int w = 0; w < P2V_WORKLOADS; w++) {
            Window c = window(r, w, 0);
            for (int v = 0; v < P2V_VARIANTS; v++) {
                Window x = window(r, w, v);
                double cpc = (double)x.d.cycles / x.convs, ipc = (double)x.d.insns / x.convs,
                       lpc = (double)x.d.dlookups / x.convs, rel = c.d.cycles ? (double)x.d.cycles / (double)c.d.cycles : 0;
                if (md)
                    fprintf(f, "| %s | %s | %s | %s | %llu | %llu | %lld | %.2f | %.2f | %.2f | %llu | %llu | %llu | %.3f |\n",
                            r->core, r->isa, workloads[w], variants[v], (unsigned long long)x.d.insns,
                            (unsigned long long)x.d.cycles, (long long)x.gcycles, cpc, ipc, lpc,
                            (unsigned long long)x.d.dlookups, (unsigned long long)x.d.dmisses,
                            (unsigned long long)x.d.mmisses, rel);
                else
                    fprintf(f, "%-10s %-3s %-4s %-8s %8llu %8llu %8lld %8.2f %10.2f %10.2f %8llu %8llu %8llu %8.3f\n",
                            r->core, r->isa, workloads[w], variants[v], (unsigned long long)x.d.insns,
                            (unsigned long long)x.d.cycles, (long long)x.gcycles, cpc, ipc, lpc,
                            (unsigned long long)x.d.dlookups, (unsigned long long)x.d.dmisses,
                            (unsigned long long)x.d.mmisses, rel);
            }
        }
    }
}

static void print_fixup(FILE *f, const Result *res, size_t n, bool md)
{
    if (md)
        fprintf(f, "| core | isa | sites found | patched | fixup insns | fixup cycles (model) | fixup cycles (PMCCNTR) | checksums equal |\n"
                   "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < n; i++) {
        const Result *r = &res[i];
        fprintf(f, md ? "| %s | %s | %u | %u | %llu | %llu | %u | %s |\n"
                      : "fixup: core=%s isa=%s sites=%u patched=%u insns=%llu cycles=%llu pmccntr=%u checksums_equal=%s\n",
                r->core, r->isa, r->sites, r->patched, (unsigned long long)r->fixup.insns,
                (unsigned long long)r->fixup.cycles, r->fixup_gcycles, checksums_equal(r) ? "yes" : "no");
    }
}

static bool write_csv(const char *path, const Result *res, size_t n)
{
    OutFile o;
    if (!out_open(&o, path))
        return false;
    FILE *f = o.f;
    fprintf(f, "core,isa,workload,variant,run,convs,checksum,guest_cycles,insns,cycles,dtlb_lookups,dtlb_misses,"
               "main_tlb_misses\n");
    for (size_t i = 0; i < n; i++) {
        const Result *r = &res[i];
        fprintf(f, "%s,%s,fixup,patched,boot,%u,,%u,%llu,%llu,%llu,%llu,%llu\n", r->core, r->isa, r->patched,
                r->fixup_gcycles, (unsigned long long)r->fixup.insns, (unsigned long long)r->fixup.cycles,
                (unsigned long long)r->fixup.dlookups, (unsigned long long)r->fixup.dmisses,
                (unsigned long long)r->fixup.mmisses);
        for (int w = 0, k = 0; w < P2V_WORKLOADS; w++)
            for (int v = 0; v < P2V_VARIANTS; v++)
                for (int q = 0; q < P2V_RUNS; q++, k++) {
                    const Phase *p = &r->ph[k];
                    fprintf(f, "%s,%s,%s,%s,%s,%u,0x%08x,%u,%llu,%llu,%llu,%llu,%llu\n", r->core, r->isa, workloads[w],
                            variants[v], runs[q], convs_a[w] * (q == 2 ? 2 : 1), p->checksum, p->gcycles,
                            (unsigned long long)p->d.insns, (unsigned long long)p->d.cycles,
                            (unsigned long long)p->d.dlookups, (unsigned long long)p->d.dmisses,
                            (unsigned long long)p->d.mmisses);
                }
    }
    return out_commit(&o, true);
}

/* cycles per conversion, one row per core/isa/workload, one column per variant */
static bool write_plot(const char *outdir, const Result *res, size_t n)
{
    char dat[1100], gp[1100];
    snprintf(dat, sizeof dat, "%s/p2v-plot.dat", outdir);
    snprintf(gp, sizeof gp, "%s/p2v.gp", outdir);
    FILE *f = fopen(dat, "w");
    if (!f) {
        cli_error("%s: cannot write: %s", dat, strerror(errno));
        return false;
    }
    fprintf(f, "# cycles per conversion (model), window b - a\n# label constant patched variable placed\n");
    for (size_t i = 0; i < n; i++)
        for (int w = 0; w < P2V_WORKLOADS; w++) {
            fprintf(f, "\"%s %s %s\"", res[i].core + strlen("cortex-"), res[i].isa, workloads[w]);
            for (int v = 0; v < P2V_VARIANTS; v++) {
                Window x = window(&res[i], w, v);
                fprintf(f, " %.3f", (double)x.d.cycles / x.convs);
            }
            fputc('\n', f);
        }
    fclose(f);
    f = fopen(gp, "w");
    if (!f) {
        cli_error("%s: cannot write: %s", gp, strerror(errno));
        return false;
    }
    for (int t = 0; t < 2; t++) {
        char out[4200];
        snprintf(out, sizeof out, "%s/p2v.%s", outdir, t ? "svg" : "png");
        fprintf(f, "set terminal %s size 1100,500\nset output ", t ? "svg" : "pngcairo");
        cli_gp_string(f, out);
        fputc('\n', f);
        fprintf(f, "set title 'mmuscope bench p2v: cycles per conversion (model)'\nset style data histograms\n"
                   "set style histogram clustered gap 1\nset style fill solid 0.8 border -1\nset boxwidth 0.9\n"
                   "set xtics rotate by -30\nset ylabel 'cycles / conversion'\nset yrange [0:*]\n"
                   "set offsets 0,0,2,0\nset key outside right top\nset grid ytics\nplot ");
        cli_gp_string(f, dat);
        fprintf(f, " using 2:xtic(1) title 'constant', '' using 3 title 'patched', "
                   "'' using 4 title 'variable', '' using 5 title 'placed'\n");
    }
    fclose(f);
    pid_t pid = fork();
    if (pid == 0) {
        int dn = open("/dev/null", O_WRONLY);
        if (dn >= 0) {
            dup2(dn, STDOUT_FILENO);
            dup2(dn, STDERR_FILENO);
        }
        execlp("gnuplot", "gnuplot", gp, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "mmuscope: warning: gnuplot %s failed (is gnuplot installed?); no PNG/SVG\n", gp);
        return true;
    }
    return true;
}

static bool write_md(const char *path, const Result *res, size_t n, const char *cmdline)
{
    OutFile o;
    if (!out_open(&o, path))
        return false;
    FILE *f = o.f;
    fprintf(f, "# P2V benchmark: runtime-patched vs variable-offset vs constant phys/virt conversion\n\n"
               "This file is generated by `mmuscope bench p2v` (mmuscope %s). Reproduce it with\n\n"
               "    ninja -C build && build/frontends/%s\n\n"
               "(it writes `p2v.md`, `p2v.csv`, `p2v.png`, `p2v.svg`, `p2v.gp` and the guests' UART logs "
               "`guest-CORE-ISA.log` into the `--out` directory; `docs/p2v.md` and `docs/p2v.svg` are "
               "that output, copied).\n\n",
            MMUSCOPE_VERSION, cmdline);
    fprintf(f,
            "## What runs\n\n"
            "Linux ARM patches the add/sub of `__virt_to_phys`/`__phys_to_virt` at boot "
            "(`CONFIG_ARM_PATCH_PHYS_VIRT`, `__fixup_pv_table`) instead of loading an offset variable, "
            "because the conversion is on the hot data path (seed 001). The firmware in `firmware/p2v/` "
            "(see its README section) builds one conversion-heavy workload four ways and runs all of them "
            "in one boot, after its own `__fixup_pv_table`:\n\n"
            "| variant | A32 / T32 conversion | AArch64 conversion |\n| --- | --- | --- |\n"
            "| constant | `sub rd, rn, #0xc0000000` (PHYS_OFFSET fixed at build time, 0x80000000) | "
            "`sub xd, xn, x5`, the 64-bit constant kept in x5 across the loop as a compiler does |\n"
            "| patched | `sub rd, rn, #0x81000000` listed in `.pv_table`; the fixup puts the offset's top "
            "byte in the A32 rotated imm8 / the T32 modified immediate | `movz x16; movk x16 x3` listed in "
            "`.pv_table`, the four imm16 fields patched with pv_offset; then `sub xd, xn, x16` |\n"
            "| variable | `ldr ip, [r4]` of `__pv_offset` + `sub rd, rn, ip` | `ldr x16, [x4]` + `sub` |\n"
            "| placed | as variable, the variable alone on a page after the list's 32 pages | same |\n\n"
            "`__pv_offset` itself lives on the first page of the list (a page the list walk uses anyway), "
            "so `variable` costs the load only; `placed` adds a 33rd data page to the walk, competing for "
            "the first-level D-TLB.\n\n"
            "Workloads: **loop**, pure conversions, two per iteration, a dependency chain "
            "(`v = p2v(p); sum += v; p = v2p(v + 0x40)`); **list**, a circular list of 512 nodes spread "
            "over 32 pages of 4 KiB whose links are physical addresses (`v = p2v(p); p = v->next; "
            "sum += v->data`). Each (workload, variant) function exists three times: warm (N), a (N) and "
            "b (2N), each called once; the host stops at every function's entry "
            "(`machine_continue_to`) and reads the instruction count, the model's cycles and the D-TLB "
            "statistics there. **b - a** is N conversions in the state a warm run leaves, with the call "
            "overhead cancelled. The guest reads PMCCNTR (MRC on AArch32, PMCCNTR_EL0 on AArch64) around "
            "each call; its differences are the \"guest cycles\" column (a read includes the rest of its "
            "own translation block, so it can differ from the host's figure by a few cycles).\n\n");
    fprintf(f, "## Per conversion (window b - a)\n\n"
               "insns, cycles (mmuscope's model), D-TLB lookups (the first-level data TLB: `dtlb_load` "
               "where loads have their own, else `dtlb`; the workloads store nothing, so these are the "
               "loads) and misses (first level and main TLB) from the host; \"vs constant\" = cycles / the "
               "constant variant's cycles.\n\n");
    print_table(f, res, n, true);
    fprintf(f, "\n## Extra cycles per conversion over the constant baseline\n\n"
               "| core | isa | workload | patched | variable | placed |\n| --- | --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; i < n; i++)
        for (int w = 0; w < P2V_WORKLOADS; w++) {
            Window c = window(&res[i], w, 0);
            fprintf(f, "| %s | %s | %s", res[i].core, res[i].isa, workloads[w]);
            for (int v = 1; v < P2V_VARIANTS; v++) {
                Window x = window(&res[i], w, v);
                fprintf(f, " | %+.2f", ((double)x.d.cycles - (double)c.d.cycles) / x.convs);
            }
            fprintf(f, " |\n");
        }
    fprintf(f, "\n## Boot-time patching (__fixup_pv_table)\n\n"
               "Sites found = `.pv_table` entries; patched = what the fixup counted. Instructions and "
               "model cycles from the function's entry to its return (host stops); PMCCNTR: the guest's "
               "reads around the call (MMU off).\n\n");
    print_fixup(f, res, n, true);
    fprintf(f, "\n![cycles per conversion](p2v.svg)\n");
    fprintf(f, "\n## Findings\n\n"
               "- Unicorn 2.0.1 ends its translation blocks at every 1 KiB boundary (QEMU's ARM "
               "TARGET_PAGE_BITS_MIN 10), and mmuscope's cost model charges `load_to_use` only when a load "
               "and the instruction consuming it are in the same block. A loop whose `ldr x16, [x4]` was the "
               "last word before such a boundary ran at 8 instead of 14 cycles per iteration on cortex-a53 "
               "(the block at the branch target held that one `ldr`). The workload functions are therefore "
               "128-byte aligned and at most 128 bytes long (`.org`), so no loop straddles a boundary.\n"
               "- The constant variant runs only at PHYS_OFFSET 0x80000000: at any other base its list "
               "walk would fault, as a kernel built without P2V patching does.\n");
    return out_commit(&o, true);
}

static void usage_bench(FILE *f)
{
    fputs("usage: mmuscope bench p2v [--core NAME]... [--out DIR]\n"
          "  runs p2v-a32 and p2v-t32 on cortex-a7/a9/a15 (virt-a7/a9/a15) and p2v-a64 on\n"
          "  cortex-a53/a57/a72 (virt-a53); default: all six\n"
          "  and writes DIR/p2v.csv, p2v.png, p2v.svg, p2v.md, guest-*.log (default DIR: p2v-out)\n",
          f);
}

int cmd_bench(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "p2v")) {
        usage_bench(stderr);
        cli_error("bench: %s", argc < 2 ? "missing benchmark name (p2v)" : "unknown benchmark (known: p2v)");
        return EXIT_USAGE;
    }
    const Preset *chosen[NPRESETS];
    size_t nchosen = 0;
    const char *outdir = "p2v-out";
    char cmdline[1024];
    size_t cl = (size_t)snprintf(cmdline, sizeof cmdline, "mmuscope bench p2v");
    for (int i = 2; i < argc; i++) {
        if (cl < sizeof cmdline)
            cl += (size_t)snprintf(cmdline + cl, sizeof cmdline - cl, " %s", argv[i]);
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage_bench(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--core") || !strcmp(argv[i], "--out")) {
            if (i + 1 >= argc) {
                cli_error("bench p2v: %s needs a value", argv[i]);
                return EXIT_USAGE;
            }
            const char *val = argv[++i];
            if (cl < sizeof cmdline)
                cl += (size_t)snprintf(cmdline + cl, sizeof cmdline - cl, " %s", val);
            if (!strcmp(argv[i - 1], "--out")) {
                outdir = val;
                continue;
            }
            const Preset *p = NULL;
            for (size_t j = 0; j < NPRESETS; j++)
                if (!strcmp(presets[j].core, val))
                    p = &presets[j];
            if (!p) {
                cli_error("bench p2v: unknown core '%s' (known: " KNOWN_CORES ")", val);
                return EXIT_USAGE;
            }
            bool dup = false;
            for (size_t j = 0; j < nchosen; j++)
                dup = dup || chosen[j] == p;
            if (!dup)
                chosen[nchosen++] = p;
        } else {
            usage_bench(stderr);
            cli_error("bench p2v: unknown argument '%s'", argv[i]);
            return EXIT_USAGE;
        }
    }
    if (!nchosen)
        for (size_t j = 0; j < NPRESETS; j++)
            chosen[nchosen++] = &presets[j];
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST) {
        cli_error("%s: cannot create: %s", outdir, strerror(errno));
        return EXIT_USAGE;
    }

    Result *res = calloc(nchosen * 2, sizeof *res);
    if (!res) {
        cli_error("bench p2v: out of memory");
        return EXIT_FAILURE_GENERIC;
    }
    size_t n = 0;
    static const char *const isas_v7[] = {"a32", "t32"}, *const isas_v8[] = {"a64"};
    for (size_t i = 0; i < nchosen; i++)
        for (int j = 0; j < (chosen[i]->a64 ? 1 : 2); j++) {
            if (!run_one(chosen[i], chosen[i]->a64 ? isas_v8[j] : isas_v7[j], outdir, &res[n])) {
                free(res);
                return EXIT_GUEST;
            }
            n++;
        }
    print_table(stdout, res, n, false);
    print_fixup(stdout, res, n, false);
    char path[1100];
    snprintf(path, sizeof path, "%s/p2v.csv", outdir);
    bool ok = write_csv(path, res, n) && write_plot(outdir, res, n);
    snprintf(path, sizeof path, "%s/p2v.md", outdir);
    ok = ok && write_md(path, res, n, cmdline);
    bool equal = true;
    for (size_t i = 0; i < n; i++)
        equal = equal && checksums_equal(&res[i]);
    free(res);
    if (!equal) {
        cli_error("bench p2v: the variants' checksums differ (see the guest logs in %s)", outdir);
        return EXIT_GUEST;
    }
    printf("wrote %s/p2v.csv, p2v.png, p2v.svg, p2v.md\n", outdir);
    return ok ? EXIT_OK : EXIT_FAILURE_GENERIC;
}
