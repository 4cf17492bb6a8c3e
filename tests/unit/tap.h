/* Minimal TAP producer for the unit tests: "ok N - desc" / "not ok N - desc",
 * the plan "1..N" printed last by tap_done(), whose result is the exit status. */
#ifndef TESTS_UNIT_TAP_H
#define TESTS_UNIT_TAP_H
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_count, tap_failed;

static inline void tap_vresult(bool pass, const char *fmt, va_list ap)
{
    tap_count++;
    if (!pass)
        tap_failed++;
    printf("%sok %d - ", pass ? "" : "not ", tap_count);
    vprintf(fmt, ap);
    printf("\n");
}

#if defined(__GNUC__)
#define TAP_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TAP_PRINTF(a, b)
#endif

static inline TAP_PRINTF(2, 3) bool tap_ok(bool pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vresult(pass, fmt, ap);
    va_end(ap);
    return pass;
}

static inline TAP_PRINTF(3, 4) bool tap_is(uint64_t got, uint64_t want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tap_vresult(got == want, fmt, ap);
    va_end(ap);
    if (got != want)
        printf("#   got 0x%" PRIx64 ", expected 0x%" PRIx64 "\n", got, want);
    return got == want;
}

static inline TAP_PRINTF(3, 4) bool tap_is_str(const char *got, const char *want, const char *fmt, ...)
{
    bool pass = got && want && strcmp(got, want) == 0;
    va_list ap;
    va_start(ap, fmt);
    tap_vresult(pass, fmt, ap);
    va_end(ap);
    if (!pass)
        printf("#   got      \"%s\"\n#   expected \"%s\"\n", got ? got : "(null)", want ? want : "(null)");
    return pass;
}

static inline void tap_diag(const char *msg)
{
    printf("# %s\n", msg);
}

static inline int tap_done(void)
{
    printf("1..%d\n", tap_count);
    return tap_failed ? 1 : 0;
}

#endif
