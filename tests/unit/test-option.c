/*
 * QemuOpts: typed validation with QEMU 7.2's messages, observed through
 * raw's size/offset options, null-co's options, quorum's runtime options
 * and qemu-img create -o.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"

static const QemuOptDesc test_desc[] = {
    { .name = "size", .type = QEMU_OPT_SIZE, .help = "Virtual disk size" },
    { .name = "vote-threshold", .type = QEMU_OPT_NUMBER,
      .help = "The number of vote needed for reaching quorum" },
    { .name = "blkverify", .type = QEMU_OPT_BOOL,
      .help = "Trigger block verify mode if set" },
    { .name = "read-pattern", .type = QEMU_OPT_STRING,
      .help = "Allowed pattern: quorum, fifo. Quorum is default" },
    { .name = "latency-ns", .type = QEMU_OPT_NUMBER, .def_value_str = "7" },
    { .name = "zeroes", .type = QEMU_OPT_BOOL, .def_value_str = "on" },
    { .name = "offset", .type = QEMU_OPT_SIZE, .def_value_str = "1k" },
    { /* end */ }
};
static const QemuOptsList test_list = { .name = "test", .desc = test_desc };
static const QemuOptsList any_list = { .name = "any" };

static const char size_hint[] =
    "Optional suffix k, M, G, T, P or E means kilo-, mega-, giga-, tera-, "
    "peta-\nand exabytes, respectively.\n";

static void set_err(const char *name, const char *value, const char *msg,
                    const char *hint)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&test_list);
    Error *err = NULL;

    g_assert_false(qemu_opt_set(opts, name, value, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_assert_cmpstr(error_get_hint(err), ==, hint);
    g_assert_false(qemu_opt_has(opts, name));
    error_free(err);
}

static void test_bool(void)
{
    static const char *const yes[] = { "on", "yes", "true", "y" };
    static const char *const no[] = { "off", "no", "false", "n" };
    static const char *const bad[] = { "ON", "TRUE", "Y", "1", "0", "",
                                       "enable" };
    size_t i;
    bool b;

    for (i = 0; i < ARRAY_SIZE(yes); i++) {
        b = false;
        g_assert_true(qemu_parse_bool("x", yes[i], &b, &error_abort));
        g_assert_true(b);
    }
    for (i = 0; i < ARRAY_SIZE(no); i++) {
        b = true;
        g_assert_true(qemu_parse_bool("x", no[i], &b, &error_abort));
        g_assert_false(b);
    }
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        set_err("blkverify", bad[i],
                "Parameter 'blkverify' expects 'on' or 'off'", NULL);
    }
}

static void test_number(void)
{
    uint64_t n;

    g_assert_true(qemu_parse_number("n", "0x10", &n, &error_abort));
    g_assert_cmpuint(n, ==, 16);
    g_assert_true(qemu_parse_number("n", "010", &n, &error_abort));
    g_assert_cmpuint(n, ==, 8);
    g_assert_true(qemu_parse_number("n", " 5", &n, &error_abort));
    g_assert_cmpuint(n, ==, 5);
    /* "-1" wraps: null-co then says "latency-ns is invalid" */
    g_assert_true(qemu_parse_number("n", "-1", &n, &error_abort));
    g_assert_cmpuint(n, ==, UINT64_MAX);
    /* 4294967297 is accepted (quorum then truncates it to 1) */
    g_assert_true(qemu_parse_number("n", "4294967297", &n, &error_abort));
    g_assert_cmpuint(n, ==, 4294967297ULL);
    set_err("latency-ns", "abc", "Parameter 'latency-ns' expects a number",
            NULL);
    set_err("latency-ns", "1k", "Parameter 'latency-ns' expects a number",
            NULL);
    set_err("vote-threshold", "2.5",
            "Parameter 'vote-threshold' expects a number", NULL);
    set_err("vote-threshold", "", "Parameter 'vote-threshold' expects a number",
            NULL);
    set_err("latency-ns", "99999999999999999999",
            "Value '99999999999999999999' is too large for parameter "
            "'latency-ns'", NULL);
}

static void test_size(void)
{
    static const char *const bad[] = { "abc", "1Q", "-5", "1e3", "1 k",
                                       "1kk", ".5k", "", "0x", "-0" };
    uint64_t n;
    size_t i;

    g_assert_true(qemu_parse_size("size", "1.5k", &n, &error_abort));
    g_assert_cmpuint(n, ==, 1536);
    g_assert_true(qemu_parse_size("size", "18446744073709551615", &n,
                                  &error_abort));
    g_assert_cmpuint(n, ==, UINT64_MAX);
    for (i = 0; i < ARRAY_SIZE(bad); i++) {
        set_err("size", bad[i],
                "Parameter 'size' expects a non-negative number below 2^64",
                size_hint);
    }
    set_err("size", "16E", "Value '16E' is out of range for parameter 'size'",
            NULL);
    set_err("size", "18446744073709551616",
            "Value '18446744073709551616' is out of range for parameter "
            "'size'", NULL);
}

static void test_set_get(void)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&test_list);
    g_autoptr(QemuOpts) any = qemu_opts_create(&any_list);
    Error *err = NULL;

    /* defaults from def_value_str, else the caller's default */
    g_assert_cmpuint(qemu_opt_get_number(opts, "latency-ns", 1), ==, 7);
    g_assert_true(qemu_opt_get_bool(opts, "zeroes", false));
    g_assert_cmpuint(qemu_opt_get_size(opts, "offset", 0), ==, 1024);
    g_assert_cmpstr(qemu_opt_get(opts, "offset"), ==, "1k");
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 99), ==, 99);
    g_assert_cmpuint(qemu_opt_get_number(opts, "vote-threshold", 0), ==, 0);
    g_assert_false(qemu_opt_get_bool(opts, "blkverify", false));
    g_assert_null(qemu_opt_get(opts, "read-pattern"));
    g_assert_false(qemu_opt_has(opts, "size"));

    g_assert_true(qemu_opt_set(opts, "size", "1k", &error_abort));
    g_assert_true(qemu_opt_set(opts, "size", "2k", &error_abort));
    g_assert_true(qemu_opt_has(opts, "size"));
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 2048);
    g_assert_true(qemu_opt_set(opts, "zeroes", "off", &error_abort));
    g_assert_false(qemu_opt_get_bool(opts, "zeroes", true));
    g_assert_true(qemu_opt_set(opts, "read-pattern", "fifo", &error_abort));
    g_assert_cmpstr(qemu_opt_get(opts, "read-pattern"), ==, "fifo");

    /* qemu-img create -o bogus=1: "Invalid parameter 'bogus'" */
    g_assert_false(qemu_opt_set(opts, "bogus", "1", &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'bogus'");
    error_free(err);

    /* a list without descriptions takes anything as a string */
    g_assert_true(qemu_opt_set(any, "whatever", "x", &error_abort));
    g_assert_cmpstr(qemu_opt_get(any, "whatever"), ==, "x");
}

static void test_absorb(void)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&test_list);
    QDict *d = qobject_from_json(
        "{\"vote-threshold\": 2, \"blkverify\": true, \"size\": 1536.0,"
        " \"read-pattern\": \"fifo\", \"children.0\": \"a\","
        " \"zeroes\": {}, \"driver\": \"quorum\"}", &error_abort);
    g_autofree char *rest = NULL;

    /* JSON numbers and bools go through their string forms */
    g_assert_true(qemu_opts_absorb_qdict(opts, d, &error_abort));
    g_assert_cmpuint(qemu_opt_get_number(opts, "vote-threshold", 0), ==, 2);
    g_assert_cmpstr(qemu_opt_get(opts, "blkverify"), ==, "on");
    g_assert_true(qemu_opt_get_bool(opts, "blkverify", false));
    g_assert_cmpstr(qemu_opt_get(opts, "size"), ==, "1536");
    g_assert_cmpstr(qemu_opt_get(opts, "read-pattern"), ==, "fifo");
    /* a dict for a described option is dropped silently (QEMU does) */
    g_assert_false(qemu_opt_has(opts, "zeroes"));
    /* unknown keys stay for the caller to report */
    rest = qobject_to_json_qemu(d);
    g_assert_cmpstr(rest, ==, "{\"driver\": \"quorum\", \"children.0\": \"a\"}");
    qobject_unref(d);
}

static void absorb_err(const char *json, const char *msg, const char *hint)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&test_list);
    QDict *d = qobject_from_json(json, &error_abort);
    Error *err = NULL;

    g_assert_false(qemu_opts_absorb_qdict(opts, d, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    g_assert_cmpstr(error_get_hint(err), ==, hint);
    error_free(err);
    qobject_unref(d);
}

/* json: values observed with raw's size and quorum's options */
static void test_absorb_errors(void)
{
    const char *bad_size =
        "Parameter 'size' expects a non-negative number below 2^64";

    absorb_err("{\"size\": 1e20}", bad_size, size_hint);
    absorb_err("{\"size\": 1.5}", bad_size, size_hint);
    absorb_err("{\"size\": 0.5}", bad_size, size_hint);
    absorb_err("{\"size\": true}", bad_size, size_hint);
    absorb_err("{\"size\": -1}", bad_size, size_hint);
    absorb_err("{\"vote-threshold\": 2.5}",
               "Parameter 'vote-threshold' expects a number", NULL);
    absorb_err("{\"vote-threshold\": true}",
               "Parameter 'vote-threshold' expects a number", NULL);
    absorb_err("{\"blkverify\": 1}",
               "Parameter 'blkverify' expects 'on' or 'off'", NULL);
}

static void test_absorb_accepts(void)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&test_list);
    QDict *d = qobject_from_json("{\"vote-threshold\": \"2\", \"size\": 1e3,"
                                 " \"offset\": \"1k\"}", &error_abort);

    /* "2" and 2 both work; 1e3 is the double 1000 -> "1000" */
    g_assert_true(qemu_opts_absorb_qdict(opts, d, &error_abort));
    g_assert_cmpuint(qemu_opt_get_number(opts, "vote-threshold", 0), ==, 2);
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 1000);
    g_assert_cmpuint(qemu_opt_get_size(opts, "offset", 0), ==, 1024);
    g_assert_cmpuint(qdict_size(d), ==, 0);
    qobject_unref(d);
}

/* qemu-img create -f raw -o ... (observed) */
static void test_do_parse(void)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&test_list);
    g_autoptr(QemuOpts) bad = qemu_opts_create(&test_list);
    g_autoptr(QemuOpts) flag = qemu_opts_create(&test_list);
    Error *err = NULL;
    QDict *d;
    g_autofree char *s = NULL;

    g_assert_true(qemu_opts_do_parse(opts, "size=1k,id=x,size=2k,"
                                     "read-pattern=a,,b", NULL, &error_abort));
    g_assert_cmpuint(qemu_opt_get_size(opts, "size", 0), ==, 2048);
    g_assert_cmpstr(qemu_opt_get(opts, "read-pattern"), ==, "a,b");
    g_assert_false(qemu_opt_has(opts, "id"));
    d = qemu_opts_to_qdict(opts, NULL);
    s = qobject_to_json_qemu(d);
    g_assert_cmpstr(s, ==, "{\"read-pattern\": \"a,b\", \"size\": \"2k\"}");
    qobject_unref(d);

    g_assert_false(qemu_opts_do_parse(bad, "size=abc,bogus=1", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'size' expects a non-negative number below 2^64");
    error_free(err);
    err = NULL;
    g_assert_false(qemu_opts_do_parse(bad, "bogus=1", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid parameter 'bogus'");
    error_free(err);
    err = NULL;
    /* "nosize" is size=off; "size=1k,,x" makes the value "1k,x" */
    g_assert_false(qemu_opts_do_parse(bad, "nosize", NULL, &err));
    error_free(err);
    err = NULL;
    g_assert_false(qemu_opts_do_parse(bad, "size=1k,,x", NULL, &err));
    error_free(err);

    /* implied first value, and a bare flag meaning "on" (no warning) */
    g_assert_true(qemu_opts_do_parse(flag, "1k,,x,blkverify", "read-pattern",
                                     &error_abort));
    g_assert_cmpstr(qemu_opt_get(flag, "read-pattern"), ==, "1k,x");
    g_assert_true(qemu_opt_get_bool(flag, "blkverify", false));
}

static void test_help(void)
{
    static const QemuOptDesc raw_desc[] = {
        { .name = "size", .type = QEMU_OPT_SIZE, .help = "Virtual disk size" },
        { .name = "preallocation", .type = QEMU_OPT_STRING,
          .help = "Preallocation mode (allowed values: off, falloc, full)" },
        { .name = "nocow", .type = QEMU_OPT_BOOL,
          .help = "Turn off copy-on-write (valid only on btrfs)" },
        { .name = "extent_size_hint", .type = QEMU_OPT_SIZE,
          .help = "Extent size hint for the image file, 0 to disable" },
        { /* end */ }
    };
    static const QemuOptsList raw_list = { .name = "raw", .desc = raw_desc };

    g_assert_true(has_help_option("size=1k,help"));
    g_assert_true(has_help_option("?"));
    g_assert_false(has_help_option("size=help"));
    g_assert_false(has_help_option("nohelp"));
    g_assert_true(is_help_option("help"));
    g_assert_false(is_help_option("Help"));

    if (g_test_subprocess()) {
        qemu_opts_print_help(&raw_list, false);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    /* qemu-img create -f raw -o help (after its "Supported options:") */
    g_test_trap_assert_stdout(
        "  extent_size_hint=<size> - Extent size hint for the image file, 0 "
        "to disable\n"
        "  nocow=<bool (on/off)>  - Turn off copy-on-write (valid only on "
        "btrfs)\n"
        "  preallocation=<str>    - Preallocation mode (allowed values: off, "
        "falloc, full)\n"
        "  size=<size>            - Virtual disk size\n");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/option/bool", test_bool);
    g_test_add_func("/option/number", test_number);
    g_test_add_func("/option/size", test_size);
    g_test_add_func("/option/set-get", test_set_get);
    g_test_add_func("/option/absorb", test_absorb);
    g_test_add_func("/option/absorb-errors", test_absorb_errors);
    g_test_add_func("/option/absorb-accepts", test_absorb_accepts);
    g_test_add_func("/option/do-parse", test_do_parse);
    g_test_add_func("/option/help", test_help);
    return g_test_run();
}
