/*
 * Number parsing and human-readable sizes with QEMU's observable
 * semantics (QEMU 7.2 is the reference; see tests/unit/test-cutils.c).
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "qapi/error.h"

/*
 * Shared tail of the strtox wrappers: no digits is -EINVAL, leftovers
 * are -EINVAL when the caller wants the whole string, else the errno of
 * the C library call (0 or ERANGE) decides.
 */
static int strtox_result(const char *nptr, const char *ep,
                         const char **endptr, int libc_errno)
{
    if (endptr) {
        *endptr = ep;
    }
    if (libc_errno == 0 && ep == nptr) {
        return -EINVAL;
    }
    if (!endptr && *ep) {
        return -EINVAL;
    }
    return -libc_errno;
}

int qemu_strtoi64(const char *nptr, const char **endptr, int base,
                  int64_t *result)
{
    char *ep;

    if (!nptr) {
        if (endptr) {
            *endptr = nptr;
        }
        return -EINVAL;
    }
    errno = 0;
    *result = strtoll(nptr, &ep, base);
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtou64(const char *nptr, const char **endptr, int base,
                  uint64_t *result)
{
    char *ep;

    if (!nptr) {
        if (endptr) {
            *endptr = nptr;
        }
        return -EINVAL;
    }
    errno = 0;
    *result = strtoull(nptr, &ep, base);
    if (errno == ERANGE) {
        *result = UINT64_MAX;
    }
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtod(const char *nptr, const char **endptr, double *result)
{
    char *ep;

    if (!nptr) {
        if (endptr) {
            *endptr = nptr;
        }
        return -EINVAL;
    }
    errno = 0;
    *result = strtod(nptr, &ep);
    return strtox_result(nptr, ep, endptr, errno);
}

int qemu_strtod_finite(const char *nptr, const char **endptr, double *result)
{
    double tmp;
    int ret;

    ret = qemu_strtod(nptr, endptr, &tmp);
    if (!ret && (isinf(tmp) || isnan(tmp))) {
        if (endptr) {
            *endptr = nptr;
        }
        ret = -EINVAL;
    }
    if (ret != -EINVAL) {
        *result = tmp;
    }
    return ret;
}

static int64_t suffix_mul(char suffix, int64_t unit)
{
    switch (g_ascii_toupper(suffix)) {
    case 'B':
        return 1;
    case 'K':
        return unit;
    case 'M':
        return unit * unit;
    case 'G':
        return unit * unit * unit;
    case 'T':
        return unit * unit * unit * unit;
    case 'P':
        return unit * unit * unit * unit * unit;
    case 'E':
        return unit * unit * unit * unit * unit * unit;
    }
    return -1;
}

/*
 * The integer part is exact; a fraction is kept as a 64-bit binary
 * fraction so that "1.5k" and "0.0001k" round exactly as QEMU does
 * (half rounds up).
 */
static int do_strtosz(const char *nptr, const char **end,
                      const char default_suffix, int64_t unit,
                      uint64_t *result)
{
    int retval;
    const char *endptr, *f;
    bool hex = false;
    uint64_t val, valf = 0;
    int64_t mul;

    retval = qemu_strtou64(nptr, &endptr, 10, &val);
    if (retval) {
        goto out;
    }
    if (memchr(nptr, '-', endptr - nptr) != NULL) {
        endptr = nptr;
        retval = -EINVAL;
        goto out;
    }
    if (val == 0 && (*endptr == 'x' || *endptr == 'X')) {
        retval = qemu_strtou64(nptr, &endptr, 16, &val);
        if (retval) {
            goto out;
        }
        if (*endptr == '.') {
            endptr = nptr;
            retval = -EINVAL;
            goto out;
        }
        hex = true;
    } else if (*endptr == '.') {
        double fraction;

        f = endptr;
        retval = qemu_strtod_finite(f, &endptr, &fraction);
        if (retval) {
            /* "1." or "1.k": skip the lone point */
            endptr++;
        } else if (memchr(f, 'e', endptr - f) || memchr(f, 'E', endptr - f)) {
            endptr = nptr;
            retval = -EINVAL;
            goto out;
        } else if (fraction < 1.0) {
            /*
             * Not a fraction that strtod() rounds up to 1.0
             * (".99999999999999999999"): converting 2^64 is undefined
             * (clang gives 2^63).  QEMU 7.2, built by GCC for x86-64,
             * gets 0 there: valf stays 0 as in QEMU.
             */
            valf = (uint64_t)(fraction * 0x1p64);
        }
    }
    mul = suffix_mul(*endptr, unit);
    if (mul > 0) {
        if (hex) {
            warn_report("Using a multiplier suffix on hex numbers "
                        "is deprecated: %s", nptr);
        }
        endptr++;
    } else {
        mul = suffix_mul(default_suffix, unit);
        assert(mul > 0);
    }
    if (mul == 1) {
        if (valf != 0) {
            endptr = nptr;
            retval = -EINVAL;
            goto out;
        }
    } else {
        unsigned __int128 whole, frac, total;

        whole = (unsigned __int128)val * (uint64_t)mul;
        frac = (unsigned __int128)valf * (uint64_t)mul;
        total = whole + (frac >> 64) + ((uint64_t)frac >> 63);
        if (total >> 64) {
            retval = -ERANGE;
            goto out;
        }
        val = (uint64_t)total;
    }
    retval = 0;

out:
    if (end) {
        *end = endptr;
    } else if (*endptr) {
        retval = -EINVAL;
    }
    if (retval == 0) {
        *result = val;
    }
    return retval;
}

int qemu_strtosz(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'B', 1024, result);
}

int qemu_strtosz_MiB(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'M', 1024, result);
}

int qemu_strtosz_metric(const char *nptr, const char **end, uint64_t *result)
{
    return do_strtosz(nptr, end, 'B', 1000, result);
}

int64_t cvtnum(const char *s)
{
    uint64_t value;
    int err;

    err = qemu_strtosz(s, NULL, &value);
    if (err < 0) {
        return err;
    }
    if (value > INT64_MAX) {
        return -ERANGE;
    }
    return value;
}

void print_cvtnum_err(int64_t rc, const char *arg)
{
    switch (rc) {
    case -EINVAL:
        printf("Parsing error: non-numeric argument,"
               " or extraneous/unrecognized suffix -- %s\n", arg);
        break;
    case -ERANGE:
        printf("Parsing error: argument too large -- %s\n", arg);
        break;
    default:
        printf("Parsing error: %s\n", arg);
    }
}

int64_t cvtnum_full(const char *name, const char *value, int64_t min,
                    int64_t max)
{
    uint64_t res;
    int err;

    err = qemu_strtosz(value, NULL, &res);
    if (err < 0 && err != -ERANGE) {
        error_report("Invalid %s specified. You may use "
                     "k, M, G, T, P or E suffixes for", name);
        error_report("kilobytes, megabytes, gigabytes, terabytes, "
                     "petabytes and exabytes.");
        return err;
    }
    /* Unsigned comparisons on purpose: qemu-img compares this way. */
    if (err == -ERANGE || res > (uint64_t)max || res < (uint64_t)min) {
        error_report("Invalid %s specified. Must be between %" PRId64
                     " and %" PRId64 ".", name, min, max);
        return -ERANGE;
    }
    return res;
}

void cvtstr(double value, char *str, size_t size)
{
    static const struct {
        int shift;
        const char *suffix;
    } units[] = {
        { 60, " EiB" }, { 50, " PiB" }, { 40, " TiB" },
        { 30, " GiB" }, { 20, " MiB" }, { 10, " KiB" },
    };
    const char *suffix = " bytes";
    char *trim;
    size_t i;

    for (i = 0; i < ARRAY_SIZE(units); i++) {
        double unit = (double)(1ULL << units[i].shift);

        if (value >= unit) {
            suffix = units[i].suffix;
            snprintf(str, size - 4, "%.3f", value / unit);
            break;
        }
    }
    if (i == ARRAY_SIZE(units)) {
        snprintf(str, size - 6, "%f", value);
    }
    trim = strstr(str, ".000");
    if (trim) {
        strcpy(trim, suffix);
    } else {
        strcat(str, suffix);
    }
}

char *size_to_str(uint64_t val)
{
    char buf[64];

    cvtstr((double)val, buf, sizeof(buf));
    return g_strdup(buf);
}

char *qemu_size_to_str(uint64_t val)
{
    static const char *const prefixes[] = { "", "Ki", "Mi", "Gi", "Ti",
                                            "Pi", "Ei" };
    double scaled = val / (1000.0 / 1024.0);
    int exp = 0, i;

    /* frexp()'s exponent, without libm: scaled is 0 or >= 1 */
    while (scaled >= 1.0) {
        scaled /= 2;
        exp++;
    }
    i = (exp - 1) / 10;
    return g_strdup_printf("%0.3g %sB", (double)val / (1ULL << (i * 10)),
                           prefixes[i]);
}

bool strstart(const char *str, const char *val, const char **ptr)
{
    size_t len = strlen(val);

    if (strncmp(str, val, len) != 0) {
        return false;
    }
    if (ptr) {
        *ptr = str + len;
    }
    return true;
}

bool id_wellformed(const char *id)
{
    size_t i;

    if (!g_ascii_isalpha(id[0])) {
        return false;
    }
    for (i = 1; id[i]; i++) {
        if (!g_ascii_isalnum(id[i]) && !strchr("-._", id[i])) {
            return false;
        }
    }
    return true;
}

static bool is_valid_codepoint(int codepoint)
{
    if ((unsigned)codepoint > 0x10FFFFu) {
        return false;
    }
    if ((codepoint & 0xFFFFF800) == 0xD800) {
        return false;               /* surrogate */
    }
    if ((codepoint >= 0xFDD0 && codepoint <= 0xFDEF) ||
        (codepoint & 0xFFFE) == 0xFFFE) {
        return false;               /* noncharacter */
    }
    return true;
}

int mod_utf8_codepoint(const char *s, size_t n, char **end)
{
    static const int min_cp[5] = { 0x80, 0x800, 0x10000, 0x200000,
                                   0x4000000 };
    const unsigned char *p = (const unsigned char *)s;
    unsigned byte, mask, len, i;
    int cp;

    if (n == 0 || *p == 0) {
        *end = (char *)s;
        return -1;
    }
    byte = *p++;
    if (byte < 0x80) {
        cp = byte;
    } else if (byte >= 0xFE || (byte & 0x40) == 0) {
        cp = -1;                    /* impossible or continuation byte */
    } else {
        len = 0;
        for (mask = 0x80; byte & mask; mask >>= 1) {
            len++;
        }
        cp = byte & (mask - 1);
        for (i = 1; i < len; i++) {
            byte = i < n ? *p : 0;
            if ((byte & 0xC0) != 0x80) {
                cp = -1;            /* truncated: stop before this byte */
                goto out;
            }
            p++;
            cp = (cp << 6) | (byte & 0x3F);
        }
        if (!is_valid_codepoint(cp)) {
            cp = -1;
        } else if (cp < min_cp[len - 2] && !(cp == 0 && len == 2)) {
            cp = -1;                /* overlong, except "\xC0\x80" */
        }
    }
out:
    *end = (char *)p;
    return cp;
}

ssize_t mod_utf8_encode(char buf[], size_t bufsz, int codepoint)
{
    assert(bufsz >= 5);

    if (!is_valid_codepoint(codepoint)) {
        return -1;
    }
    if (codepoint > 0 && codepoint <= 0x7F) {
        buf[0] = codepoint;
        buf[1] = 0;
        return 1;
    }
    if (codepoint <= 0x7FF) {
        buf[0] = 0xC0 | (codepoint >> 6);
        buf[1] = 0x80 | (codepoint & 0x3F);
        buf[2] = 0;
        return 2;
    }
    if (codepoint <= 0xFFFF) {
        buf[0] = 0xE0 | (codepoint >> 12);
        buf[1] = 0x80 | ((codepoint >> 6) & 0x3F);
        buf[2] = 0x80 | (codepoint & 0x3F);
        buf[3] = 0;
        return 3;
    }
    buf[0] = 0xF0 | (codepoint >> 18);
    buf[1] = 0x80 | ((codepoint >> 12) & 0x3F);
    buf[2] = 0x80 | ((codepoint >> 6) & 0x3F);
    buf[3] = 0x80 | (codepoint & 0x3F);
    buf[4] = 0;
    return 4;
}
