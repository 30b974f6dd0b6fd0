/*
 * Number parsing and human-readable sizes; expectations come from
 * QEMU 7.2: qemu-io 'read OFF LEN' (cvtnum), qemu-img create SIZE
 * (cvtnum_full), --image-opts size=... (strtosz), qemu-io's statistics
 * line (size_to_str) and qemu-img info's "virtual size" (qemu_size_to_str).
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/option.h"

typedef struct SizeCase {
    const char *in;
    int ret;
    uint64_t val;
} SizeCase;

/* all observed through --image-opts raw size= or qemu-io offsets */
static const SizeCase size_cases[] = {
    { "0", 0, 0 },
    { "512", 0, 512 },
    { "1k", 0, 1024 },
    { "1K", 0, 1024 },
    { "1b", 0, 1 },
    { "1B", 0, 1 },
    { "1.5k", 0, 1536 },
    { "1.5K", 0, 1536 },
    { "4.5k", 0, 4608 },
    { "1.5M", 0, 1572864 },
    { "0.5k", 0, 512 },
    { "0.0001k", 0, 0 },
    { "1.9999999999999999k", 0, 2048 },
    /* The fraction rounds to 1.0; QEMU 7.2 (x86-64) drops it. */
    { "1.99999999999999999999k", 0, 1024 },
    { "0.99999999999999999999", 0, 0 },
    { "7.99999999999999999999E", 0, 7ULL << 60 },
    { "1.k", 0, 1024 },
    { "1.", 0, 1 },
    { "0x10", 0, 16 },
    { "0x400", 0, 1024 },
    { " 1k", 0, 1024 },
    { " 0x10", 0, 16 },
    { "00100", 0, 100 },
    { "010", 0, 10 },
    { "1E", 0, 1ULL << 60 },
    { "15E", 0, 15ULL << 60 },
    { "15.9999E", 0, 18446628781559090944ULL },
    { "7.99999E", 0, 9223360507639729792ULL },
    { "18446744073709551615", 0, UINT64_MAX },
    { "16E", -ERANGE, 0 },
    { "18446744073709551616", -ERANGE, 0 },
    { "0x10000000000000000", -ERANGE, 0 },
    { "", -EINVAL, 0 },
    { "abc", -EINVAL, 0 },
    { "1Q", -EINVAL, 0 },
    { "-1", -EINVAL, 0 },
    { "-5", -EINVAL, 0 },
    { "-0", -EINVAL, 0 },
    { "1e3", -EINVAL, 0 },
    { "1.5", -EINVAL, 0 },
    { "1.5b", -EINVAL, 0 },
    { "1.5e3k", -EINVAL, 0 },
    { ".5k", -EINVAL, 0 },
    { "0x", -EINVAL, 0 },
    { "0x1.5", -EINVAL, 0 },
    { "1 k", -EINVAL, 0 },
    { "1k ", -EINVAL, 0 },
    { "1kk", -EINVAL, 0 },
    { "inf", -EINVAL, 0 },
    { "nan", -EINVAL, 0 },
};

static void test_strtosz(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(size_cases); i++) {
        const SizeCase *c = &size_cases[i];
        uint64_t val = 0xdead;
        int ret = qemu_strtosz(c->in, NULL, &val);

        if (ret != c->ret) {
            g_error("qemu_strtosz(\"%s\") = %d, expected %d", c->in, ret,
                    c->ret);
        }
        if (ret == 0) {
            g_assert_cmpuint(val, ==, c->val);
        } else {
            g_assert_cmpuint(val, ==, 0xdead);
        }
    }
}

static void test_strtosz_variants(void)
{
    const char *end;
    uint64_t v;

    g_assert_cmpint(qemu_strtosz("12k,rest", &end, &v), ==, 0);
    g_assert_cmpuint(v, ==, 12288);
    g_assert_cmpstr(end, ==, ",rest");
    g_assert_cmpint(qemu_strtosz_MiB("2", NULL, &v), ==, 0);
    g_assert_cmpuint(v, ==, 2 * MiB);
    g_assert_cmpint(qemu_strtosz_metric("2k", NULL, &v), ==, 0);
    g_assert_cmpuint(v, ==, 2000);
}

static void test_strtox(void)
{
    const char *end;
    int64_t i;
    uint64_t u;
    double d;

    g_assert_cmpint(qemu_strtoi64("-12", NULL, 10, &i), ==, 0);
    g_assert_cmpint(i, ==, -12);
    g_assert_cmpint(qemu_strtoi64("12x", NULL, 10, &i), ==, -EINVAL);
    g_assert_cmpint(qemu_strtoi64("12x", &end, 10, &i), ==, 0);
    g_assert_cmpstr(end, ==, "x");
    g_assert_cmpint(qemu_strtoi64("", NULL, 10, &i), ==, -EINVAL);
    g_assert_cmpint(qemu_strtoi64("99999999999999999999", NULL, 10, &i),
                    ==, -ERANGE);
    g_assert_cmpint(qemu_strtou64("0x10", NULL, 0, &u), ==, 0);
    g_assert_cmpuint(u, ==, 16);
    g_assert_cmpint(qemu_strtou64("010", NULL, 0, &u), ==, 0);
    g_assert_cmpuint(u, ==, 8);
    /* wraps like strtoull; QemuOpts numbers take "-1" this way */
    g_assert_cmpint(qemu_strtou64("-1", NULL, 0, &u), ==, 0);
    g_assert_cmpuint(u, ==, UINT64_MAX);
    g_assert_cmpint(qemu_strtou64("18446744073709551616", NULL, 0, &u),
                    ==, -ERANGE);
    g_assert_cmpint(qemu_strtod("1.5", NULL, &d), ==, 0);
    g_assert_cmpfloat(d, ==, 1.5);
    g_assert_cmpint(qemu_strtod_finite("inf", NULL, &d), ==, -EINVAL);
}

/* qemu-io 'read -- ARG 512' on QEMU 7.2 */
static void test_cvtnum(void)
{
    g_assert_cmpint(cvtnum("abc"), ==, -EINVAL);
    g_assert_cmpint(cvtnum("-1"), ==, -EINVAL);
    g_assert_cmpint(cvtnum("1e3"), ==, -EINVAL);
    g_assert_cmpint(cvtnum("1.5"), ==, -EINVAL);
    g_assert_cmpint(cvtnum(""), ==, -EINVAL);
    g_assert_cmpint(cvtnum("1.5k"), ==, 1536);
    g_assert_cmpint(cvtnum("0x200"), ==, 512);
    g_assert_cmpint(cvtnum("1.k"), ==, 1024);
    g_assert_cmpint(cvtnum("9223372036854775807"), ==, INT64_MAX);
    g_assert_cmpint(cvtnum("9223372036854775808"), ==, -ERANGE);
    g_assert_cmpint(cvtnum("18446744073709551616"), ==, -ERANGE);
    g_assert_cmpint(cvtnum("16E"), ==, -ERANGE);
    g_assert_cmpint(cvtnum("8E"), ==, -ERANGE);
}

static void test_print_cvtnum_err(void)
{
    if (g_test_subprocess()) {
        print_cvtnum_err(-EINVAL, "abc");
        print_cvtnum_err(-ERANGE, "16E");
        print_cvtnum_err(-EIO, "x");
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stdout(
        "Parsing error: non-numeric argument, or extraneous/unrecognized "
        "suffix -- abc\n"
        "Parsing error: argument too large -- 16E\n"
        "Parsing error: x\n");
    g_test_trap_assert_stderr("");
}

/* qemu-img create -f raw x SIZE */
static void test_cvtnum_full(void)
{
    if (g_test_subprocess()) {
        error_set_progname("qemu-img");
        g_assert_cmpint(cvtnum_full("image size", "1.5M", 0, INT64_MAX), ==,
                        1572864);
        g_assert_cmpint(cvtnum_full("image size", "-1", 0, INT64_MAX), ==,
                        -EINVAL);
        g_assert_cmpint(cvtnum_full("image size", "16E", 0, INT64_MAX), ==,
                        -ERANGE);
        g_assert_cmpint(cvtnum_full("image size", "9223372036854775808", 0,
                                    INT64_MAX), ==, -ERANGE);
        g_assert_cmpint(cvtnum_full("image size", "9223372036854775807", 0,
                                    INT64_MAX), ==, INT64_MAX);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr(
        "qemu-img: Invalid image size specified. You may use k, M, G, T, P "
        "or E suffixes for\n"
        "qemu-img: kilobytes, megabytes, gigabytes, terabytes, petabytes and "
        "exabytes.\n"
        "qemu-img: Invalid image size specified. Must be between 0 and "
        "9223372036854775807.\n"
        "qemu-img: Invalid image size specified. Must be between 0 and "
        "9223372036854775807.\n");
}

static void test_hex_suffix_warning(void)
{
    if (g_test_subprocess()) {
        uint64_t v;

        error_set_progname("qemu-io");
        g_assert_cmpint(qemu_strtosz("0x1k", NULL, &v), ==, 0);
        g_assert_cmpuint(v, ==, 1024);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr("qemu-io: warning: Using a multiplier suffix on "
                              "hex numbers is deprecated: 0x1k\n");
}

/* the size in qemu-io's "N bytes, 1 ops; ..." line, QEMU 7.2 */
static void test_size_to_str(void)
{
    static const struct {
        uint64_t val;
        const char *str;
    } cases[] = {
        { 0, "0 bytes" }, { 1, "1 bytes" }, { 512, "512 bytes" },
        { 1000, "1000 bytes" }, { 1023, "1023 bytes" }, { 1024, "1 KiB" },
        { 1025, "1.001 KiB" }, { 1536, "1.500 KiB" }, { 1537, "1.501 KiB" },
        { 2047, "1.999 KiB" }, { 4096, "4 KiB" }, { 65536, "64 KiB" },
        { 1048575, "1023.999 KiB" }, { 1048576, "1 MiB" },
        { 3460300, "3.300 MiB" }, { 10485760, "10 MiB" },
        { 1073741823, "1024 MiB" }, { 1073741824, "1 GiB" },
        { 1099511627776ULL, "1 TiB" }, { 1125899906842624ULL, "1 PiB" },
        { 1152921504606846975ULL, "1 EiB" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *s = size_to_str(cases[i].val);

        g_assert_cmpstr(s, ==, cases[i].str);
    }
}

/* rates in the same line: "(0 bytes/sec and ...)", "3.136 MiB/sec" */
static void test_cvtstr(void)
{
    char buf[64];

    cvtstr(0.0, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "0 bytes");
    cvtstr(512.5, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "512.500000 bytes");
    cvtstr(3.136 * MiB, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "3.136 MiB");
    cvtstr(41.285 * KiB, buf, sizeof(buf));
    g_assert_cmpstr(buf, ==, "41.285 KiB");
}

/* qemu-img info "virtual size: X (N bytes)", QEMU 7.2 */
static void test_qemu_size_to_str(void)
{
    static const struct {
        uint64_t val;
        const char *str;
    } cases[] = {
        { 0, "0 B" }, { 512, "512 B" }, { 1024, "1 KiB" },
        { 1536, "1.5 KiB" }, { 2048, "2 KiB" }, { 1048576, "1 MiB" },
        { 1022976, "999 KiB" }, { 1023488, "1e+03 KiB" },
        { 3460608, "3.3 MiB" }, { 1152921504606846976ULL, "1 EiB" },
    };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        g_autofree char *s = qemu_size_to_str(cases[i].val);

        g_assert_cmpstr(s, ==, cases[i].str);
    }
}

static void test_misc(void)
{
    const char *rest;

    g_assert_true(strstart("file.filename", "file.", &rest));
    g_assert_cmpstr(rest, ==, "filename");
    g_assert_false(strstart("fil", "file.", NULL));
    g_assert_true(id_wellformed("a"));
    g_assert_true(id_wellformed("drive0-x.y_z"));
    g_assert_false(id_wellformed("1x"));
    g_assert_false(id_wellformed(""));
    g_assert_false(id_wellformed("a b"));
    g_assert_false(id_wellformed("#block1"));
}

static void test_utf8(void)
{
    char buf[8];
    char *end;
    const char *s;

    s = "\xc3\xa9";
    g_assert_cmpint(mod_utf8_codepoint(s, 6, &end), ==, 0xE9);
    g_assert_true(end == s + 2);
    s = "\xc0\x80";                     /* modified UTF-8 NUL */
    g_assert_cmpint(mod_utf8_codepoint(s, 6, &end), ==, 0);
    s = "\xe9\xc3";                     /* truncated: stops before \xc3 */
    g_assert_cmpint(mod_utf8_codepoint(s, 6, &end), ==, -1);
    g_assert_true(end == s + 1);
    s = "\x80";
    g_assert_cmpint(mod_utf8_codepoint(s, 6, &end), ==, -1);
    g_assert_true(end == s + 1);
    s = "\xc1\x81";                     /* overlong */
    g_assert_cmpint(mod_utf8_codepoint(s, 6, &end), ==, -1);
    s = "\xed\xa0\x80";                 /* surrogate */
    g_assert_cmpint(mod_utf8_codepoint(s, 6, &end), ==, -1);
    s = "\xf0\x9f\x98\x80";
    g_assert_cmpint(mod_utf8_codepoint(s, 6, &end), ==, 0x1F600);
    g_assert_cmpint(mod_utf8_encode(buf, sizeof(buf), 0), ==, 2);
    g_assert_cmpstr(buf, ==, "\xc0\x80");
    g_assert_cmpint(mod_utf8_encode(buf, sizeof(buf), 0x20AC), ==, 3);
    g_assert_cmpstr(buf, ==, "\xe2\x82\xac");
    g_assert_cmpint(mod_utf8_encode(buf, sizeof(buf), 0xFFFF), ==, -1);
    g_assert_cmpint(mod_utf8_encode(buf, sizeof(buf), 0xD800), ==, -1);
    g_assert_cmpint(mod_utf8_encode(buf, sizeof(buf), 0x110000), ==, -1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/cutils/strtosz", test_strtosz);
    g_test_add_func("/cutils/strtosz-variants", test_strtosz_variants);
    g_test_add_func("/cutils/strtox", test_strtox);
    g_test_add_func("/cutils/cvtnum", test_cvtnum);
    g_test_add_func("/cutils/print-cvtnum-err", test_print_cvtnum_err);
    g_test_add_func("/cutils/cvtnum-full", test_cvtnum_full);
    g_test_add_func("/cutils/hex-suffix-warning", test_hex_suffix_warning);
    g_test_add_func("/cutils/size-to-str", test_size_to_str);
    g_test_add_func("/cutils/cvtstr", test_cvtstr);
    g_test_add_func("/cutils/qemu-size-to-str", test_qemu_size_to_str);
    g_test_add_func("/cutils/misc", test_misc);
    g_test_add_func("/cutils/utf8", test_utf8);
    return g_test_run();
}
