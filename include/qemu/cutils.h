/*
 * String helpers with QEMU's semantics: number parsing (strtox family,
 * sizes with suffixes), modified UTF-8, and the human-readable size
 * formats that qemu-io and qemu-img print.
 *
 * The strtox functions return 0 or -EINVAL / -ERANGE.  When @endptr is
 * NULL the whole string must be consumed (trailing characters give
 * -EINVAL); otherwise *endptr is set to the first unparsed character.
 * Leading whitespace is accepted, as by the C library.
 */
#ifndef QEMU_CUTILS_H
#define QEMU_CUTILS_H

#include "qemu/osdep.h"

int qemu_strtoi64(const char *nptr, const char **endptr, int base,
                  int64_t *result);
/* Negative input wraps like strtoull ("-1" gives UINT64_MAX). */
int qemu_strtou64(const char *nptr, const char **endptr, int base,
                  uint64_t *result);
int qemu_strtod(const char *nptr, const char **endptr, double *result);
/* Also rejects inf and nan with -EINVAL. */
int qemu_strtod_finite(const char *nptr, const char **endptr,
                       double *result);

/*
 * Sizes: decimal integer (or 0x hex), optional fraction ("1.5k"), one
 * optional suffix B/K/M/G/T/P/E (any case; binary units).  Fractions
 * need a suffix bigger than B.  Negative values are -EINVAL, values of
 * 2^64 or more are -ERANGE.  A suffix on a hex number prints QEMU's
 * deprecation warning through warn_report().
 */
int qemu_strtosz(const char *nptr, const char **end, uint64_t *result);
/* The same with 'M' as the default unit. */
int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result);
/* The same with decimal units (k = 1000). */
int qemu_strtosz_metric(const char *nptr, const char **end,
                        uint64_t *result);

/*
 * qemu-io's error line for a failed cvtnum() (see qemu/option.h), on
 * stdout:
 *   -EINVAL: "Parsing error: non-numeric argument, or extraneous/
 *             unrecognized suffix -- ARG"
 *   -ERANGE: "Parsing error: argument too large -- ARG"
 *   other:   "Parsing error: ARG"
 */
void print_cvtnum_err(int64_t rc, const char *arg);

/*
 * qemu-io's human-readable amount: "%.3f" in the largest binary unit
 * that fits (" KiB" ... " EiB"), "%f" with " bytes" below 1 KiB; the
 * first ".000" and everything after it is dropped ("4 KiB", "1.500 KiB",
 * "0 bytes", "512.500000 bytes").  Used for sizes and rates.
 */
void cvtstr(double value, char *str, size_t size);

/*
 * QEMU's size_to_str() as qemu-img prints it: "%0.3g" in a binary unit
 * chosen so the number stays below 1000 ("512 B", "1 KiB", "1.5 KiB",
 * "3.3 MiB", and QEMU's quirk "1e+03 KiB" for 1023488).  g_free() it.
 */
char *qemu_size_to_str(uint64_t val);

/* If @str starts with @val, set *@ptr (if non-NULL) past it. */
bool strstart(const char *str, const char *val, const char **ptr);

/* QEMU identifiers: a letter, then letters, digits, '-', '.', '_'. */
bool id_wellformed(const char *id);

/*
 * Modified UTF-8 (QEMU's util/unicode.c semantics): "\xC0\x80" is
 * U+0000, other overlong forms, surrogates, noncharacters and values
 * above U+10FFFF are invalid.  mod_utf8_codepoint() reads at most @n
 * bytes, returns the code point or -1 and sets *@end past what it
 * consumed.  mod_utf8_encode() returns the length written (NUL added)
 * or -1.
 */
int mod_utf8_codepoint(const char *s, size_t n, char **end);
ssize_t mod_utf8_encode(char buf[], size_t bufsz, int codepoint);

#endif
