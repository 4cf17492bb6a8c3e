/* mmuscope xcheck: the differential test of mmuscope's walkers against Unicorn's MMU
 * (emu/xcheck.c, docs/xcheck.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "emu/xcheck.h"

static void xcheck_usage(FILE *f)
{
    fputs("usage: mmuscope xcheck [--format v7|lpae|a64-4k|a64-16k|a64-64k|all] [--count N]\n"
          "                       [--seed S] [--include-deviations] [--verbose]\n"
          "Generates random translation-table sets, lets Unicorn's MMU load, store and fetch\n"
          "through chosen VAs and compares with mmuscope's walkers. --count: VA checks per format\n"
          "(default 10000); --seed: the generator's seed (default 1). Exit status: 0 no mismatch,\n"
          "1 mismatches, 2 bad usage, 4 the engine could not be set up or stopped answering.\n",
          f);
}

enum { OPT_DEVIATIONS = 256, OPT_CORRUPT };

int cmd_xcheck(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"count", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"include-deviations", no_argument, NULL, OPT_DEVIATIONS},
        {"verbose", no_argument, NULL, 'v'},
        {"self-test-corrupt", no_argument, NULL, OPT_CORRUPT}, /* hidden: proves a wrong answer is caught */
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    XcheckOptions o = {.format = -1, .count = 10000, .seed = 1, .out = stdout};
    bool all = true;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!strcmp(optarg, "all")) {
                all = true;
            } else {
                o.format = tg_format_parse(optarg);
                if (o.format < 0) {
                    xcheck_usage(stderr);
                    cli_error("xcheck: --format '%s' is not v7, lpae, a64-4k, a64-16k, a64-64k or all", optarg);
                    return EXIT_USAGE;
                }
                all = false;
            }
            break;
        case 'n':
            if (!cli_parse_u64(optarg, &o.count) || o.count == 0 || o.count > UINT64_C(1000000000)) {
                cli_error("xcheck: --count '%s' is not a number from 1 to 1000000000", optarg);
                return EXIT_USAGE;
            }
            break;
        case 's':
            if (!cli_parse_u64(optarg, &o.seed)) {
                cli_error("xcheck: --seed '%s' is not a non-negative number", optarg);
                return EXIT_USAGE;
            }
            break;
        case OPT_DEVIATIONS: o.include_deviations = true; break;
        case OPT_CORRUPT: o.self_test_corrupt = true; break;
        case 'v': o.verbose = true; break;
        case 'h': xcheck_usage(stdout); return EXIT_OK;
        case ':':
            cli_error("xcheck: option '%s' needs a value", argv[optind - 1]);
            return EXIT_USAGE;
        default:
            xcheck_usage(stderr);
            cli_error("xcheck: unknown option '%s'", argv[optind - 1]);
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        xcheck_usage(stderr);
        cli_error("xcheck: unexpected argument '%s'", argv[optind]);
        return EXIT_USAGE;
    }
    printf("mmuscope xcheck: seed %llu, %llu VA checks per format%s\n", (unsigned long long)o.seed,
           (unsigned long long)o.count, o.include_deviations ? ", known engine deviations included" : "");
    uint64_t mismatches = 0, checks = 0;
    int first = all ? 0 : o.format, last = all ? TG_FORMAT_COUNT - 1 : o.format;
    for (int f = first; f <= last; f++) {
        XcheckResult r;
        char err[256] = "";
        o.format = f;
        bool ok = xcheck_run(&o, &r, err, sizeof err);
        mismatches += r.mismatches;
        checks += r.checks;
        if (!ok) {
            cli_error("xcheck: %s: %s", tg_format_name((TgFormat)f), err);
            return EXIT_GUEST;
        }
    }
    printf("mmuscope xcheck: %llu VA checks, %llu mismatches\n", (unsigned long long)checks,
           (unsigned long long)mismatches);
    return mismatches ? EXIT_FAILURE_GENERIC : EXIT_OK;
}
