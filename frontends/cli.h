#ifndef FRONTENDS_CLI_H
#define FRONTENDS_CLI_H
/* Exit statuses of the mmuscope command */
enum { EXIT_OK = 0, EXIT_FAILURE_GENERIC = 1, EXIT_USAGE = 2, EXIT_LIMIT = 3, EXIT_GUEST = 4 };

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

int cmd_run(int argc, char **argv);
int cmd_boot_linux(int argc, char **argv);
int cmd_xcheck(int argc, char **argv);
int cmd_bench(int argc, char **argv);
/* cmd_trace.c: translation traces */
int cmd_trace(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
/* Prints "mmuscope: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A whole non-negative number (decimal, 0x hex or 0 octal) that fits 64 bits. */
bool cli_parse_u64(const char *s, uint64_t *v);
/* Writes s between two q characters, a q inside doubled: a CSV field (q '"', RFC 4180) or a
 * gnuplot single-quoted string (q '\''). */
void cli_write_quoted(FILE *f, const char *s, char q);
/* s as a gnuplot single-quoted string: paths, labels */
static inline void cli_gp_string(FILE *g, const char *s) { cli_write_quoted(g, s, '\''); }
#endif
