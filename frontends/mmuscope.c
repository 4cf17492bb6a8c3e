/* mmuscope: the command-line entry point. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mmuscope_paths.h"

void cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("mmuscope: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_write_quoted(FILE *f, const char *s, char q)
{
    fputc(q, f);
    for (; *s; s++) {
        if (*s == q)
            fputc(q, f);
        fputc(*s, f);
    }
    fputc(q, f);
}

bool cli_parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    if (!s || !*s || *s == '-')
        return false;
    *v = strtoull(s, &end, 0);
    return !errno && end != s && !*end;
}

static void usage(FILE *f)
{
    fputs("usage: mmuscope run [--machine NAME|PATH] [--set SECTION.KEY=VALUE]... [--events FILE]\n"
          "                    [--stats FILE] [--translate VA[,VA...]] [--max-insns N]\n"
          "                    [--timeout SECONDS] [--stop-at PC] [--stop-on-console TEXT]\n"
          "                    [--dump-phys ADDR,LEN,FILE]\n"
          "                    [--snapshot exit|mmu_enable|pc:ADDR|insn:N --png FILE [--png-layout] [--png-hover VA]]...\n"
          "                    [--map [--map-frames N]] [--trace FILE] IMAGE\n"
          "       mmuscope boot-linux [--machine NAME|PATH] --kernel PATH [--initrd PATH] [--append ARGS]\n"
          "                    [--dtb PATH] [run's options except IMAGE]\n"
          "       mmuscope xcheck [--format v7|lpae|a64-4k|a64-16k|a64-64k|all] [--count N]\n"
          "                       [--seed S] [--include-deviations] [--verbose]\n"
          "       mmuscope bench p2v [--core NAME]... [--out DIR]\n"
          "       mmuscope trace info|stats FILE | dump [--from N] [--count M] FILE\n"
          "                      | export --format csv|perfetto [-o OUT] FILE\n"
          "       mmuscope replay [--core NAME|PATH] [--set SECTION.KEY=VALUE]... [--stats FILE] TRACE\n"
          "       mmuscope sweep --param SECTION.KEY=V1,V2,... [--param ...] [--core NAME|PATH] [--out PREFIX]\n"
          "                      [--jobs N] [--shard I/N] [--no-plot] TRACE...\n"
          "       mmuscope --version\n"
          "IMAGE is a path (ELF or raw binary) or the name of a built firmware image (armv7-head).\n"
          "Exit status: 0 guest powered off (or --stop-at reached), 2 bad usage or input, 3 limit reached,\n"
          "4 exception without a vector, bus error or engine failure.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        cli_error("missing command (try 'mmuscope run armv7-head')");
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("mmuscope %s\n", MMUSCOPE_VERSION);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "boot-linux"))
        return cmd_boot_linux(argc - 1, argv + 1);
    if (!strcmp(argv[1], "xcheck"))
        return cmd_xcheck(argc - 1, argv + 1);
    if (!strcmp(argv[1], "bench"))
        return cmd_bench(argc - 1, argv + 1);
    if (!strcmp(argv[1], "trace"))
        return cmd_trace(argc - 1, argv + 1);
    if (!strcmp(argv[1], "replay"))
        return cmd_replay(argc - 1, argv + 1);
    if (!strcmp(argv[1], "sweep"))
        return cmd_sweep(argc - 1, argv + 1);
    usage(stderr);
    cli_error("unknown command '%s'", argv[1]);
    return EXIT_USAGE;
}
