/*
 * keyval_parse_flat(): qemu-io --image-opts / open -o strings, checked
 * against QEMU 7.2 (the dict QEMU builds shows through "doesn't support
 * the option 'X'", 'length' results and the json: filename).
 */
#include "qemu/osdep.h"
#include "qemu/qdict.h"

static void parse_ok(const char *str, const char *implied, const char *json)
{
    QDict *d = keyval_parse_flat(str, implied, &error_abort);
    g_autofree char *s = qobject_to_json_qemu(d);
    QDict *expect = qobject_from_json(json, &error_abort);
    g_autofree char *e = qobject_to_json_qemu(expect);

    g_assert_cmpstr(s, ==, e);
    qobject_unref(d);
    qobject_unref(expect);
}

static void test_plain(void)
{
    parse_ok("", NULL, "{}");
    parse_ok("driver=null-co", NULL, "{\"driver\": \"null-co\"}");
    parse_ok("driver=raw,file.driver=file,file.filename=t.raw", NULL,
             "{\"driver\": \"raw\", \"file.driver\": \"file\","
             " \"file.filename\": \"t.raw\"}");
    /* values stay strings; empty values are kept */
    parse_ok("driver=raw,size=", NULL, "{\"driver\": \"raw\", \"size\": \"\"}");
    /* a single trailing comma is ignored */
    parse_ok("driver=null-co,size=1k,", NULL,
             "{\"driver\": \"null-co\", \"size\": \"1k\"}");
    /* later duplicates win (observed: size=1k,size=2k gives 2 KiB) */
    parse_ok("driver=null-co,size=1k,size=2k", NULL,
             "{\"driver\": \"null-co\", \"size\": \"2k\"}");
    /* ",," in a value is a comma: "Unknown driver 'null-co,=x'" */
    parse_ok("driver=null-co,,=x", NULL, "{\"driver\": \"null-co,=x\"}");
    parse_ok("driver=null-co,,size=1k", NULL,
             "{\"driver\": \"null-co,size=1k\"}");
    /* '=' inside a value is kept */
    parse_ok("a=b=c", NULL, "{\"a\": \"b=c\"}");
    /* "=x": an empty key ("doesn't support the option ''") */
    parse_ok("driver=null-co,=x", NULL, "{\"driver\": \"null-co\", \"\": \"x\"}");
}

static void test_id(void)
{
    Error *err = NULL;

    /* "doesn't support the option 'id'": id is kept, and first */
    parse_ok("driver=null-co,id=foo", NULL,
             "{\"id\": \"foo\", \"driver\": \"null-co\"}");
    parse_ok("id=a,id=b", NULL, "{\"id\": \"a\"}");
    g_assert_null(keyval_parse_flat("driver=null-co,id=1x", NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'id' expects an identifier");
    g_assert_cmpstr(error_get_hint(err), ==,
                    "Identifiers consist of letters, digits, '-', '.', '_', "
                    "starting with a letter.\n");
    error_free(err);
}

static void test_implied(void)
{
    parse_ok("t.raw", "filename", "{\"filename\": \"t.raw\"}");
    parse_ok("t.raw,driver=raw", "filename",
             "{\"filename\": \"t.raw\", \"driver\": \"raw\"}");
    parse_ok("a,,b,x=1", "filename", "{\"filename\": \"a,b\", \"x\": \"1\"}");
}

/* flags print QEMU's deprecation warning; check the dict here */
static void test_flags_dict(void)
{
    if (g_test_subprocess()) {
        parse_ok("driver=null-co,read-zeroes", NULL,
                 "{\"driver\": \"null-co\", \"read-zeroes\": \"on\"}");
        parse_ok("driver=null-co,noread-zeroes", NULL,
                 "{\"driver\": \"null-co\", \"read-zeroes\": \"off\"}");
        parse_ok("null-co", NULL, "{\"null-co\": \"on\"}");
        parse_ok(",driver=null-co", NULL,
                 "{\"\": \"on\", \"driver\": \"null-co\"}");
        parse_ok("driver=null-co,x,,y=1", NULL,
                 "{\"driver\": \"null-co\", \"x\": \"on\", \"\": \"on\","
                 " \"y\": \"1\"}");
        parse_ok("driver=null-co,no", NULL,
                 "{\"driver\": \"null-co\", \"\": \"off\"}");
        parse_ok("help", NULL, "{\"help\": \"on\"}");
        /* only the first element can be implied */
        parse_ok("driver=raw,t.raw", "filename",
                 "{\"driver\": \"raw\", \"t.raw\": \"on\"}");
        parse_ok("driver=null-co,?", NULL,
                 "{\"driver\": \"null-co\", \"?\": \"on\"}");
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
}

/* the exact stderr of qemu-io --image-opts with flags */
static void test_flags_warnings(void)
{
    if (g_test_subprocess()) {
        QDict *d;

        error_set_progname("qemu-io");
        d = keyval_parse_flat("driver=null-co,read-zeroes", NULL, &error_abort);
        qobject_unref(d);
        d = keyval_parse_flat("driver=null-co,noread-zeroes", NULL,
                              &error_abort);
        qobject_unref(d);
        d = keyval_parse_flat("driver=null-co,x,,y=1", NULL, &error_abort);
        qobject_unref(d);
        d = keyval_parse_flat("driver=null-co,no", NULL, &error_abort);
        qobject_unref(d);
        /* help and ? are flags without a warning */
        d = keyval_parse_flat("help,driver=null-co,?", NULL, &error_abort);
        qobject_unref(d);
        /* id errors come before any warning */
        g_assert_null(keyval_parse_flat("x,id=1x", NULL, NULL));
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_passed();
    g_test_trap_assert_stderr(
        "qemu-io: warning: short-form boolean option 'read-zeroes' deprecated\n"
        "Please use read-zeroes=on instead\n"
        "qemu-io: warning: short-form boolean option 'noread-zeroes' "
        "deprecated\n"
        "Please use read-zeroes=off instead\n"
        "qemu-io: warning: short-form boolean option 'x' deprecated\n"
        "Please use x=on instead\n"
        "qemu-io: warning: short-form boolean option '' deprecated\n"
        "Please use =on instead\n"
        "qemu-io: warning: short-form boolean option 'no' deprecated\n"
        "Please use =off instead\n");
}

/* keyval_parse(): QEMU's keyval syntax, as --object and --export use it. */
static void keyval_bad(const char *str, const char *implied, const char *msg)
{
    Error *err = NULL;

    g_assert_null(keyval_parse(str, implied, NULL, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void test_strict(void)
{
    g_autoptr(QObject) d = NULL;
    bool help = true;

    d = keyval_parse("secret,id=x,data=a,,b,a.0=1,a.1.b-c=2,data=c",
                     "qom-type", &help, &error_abort);
    g_assert_false(help);
    g_assert_cmpint(qdict_size(d), ==, 5);
    g_assert_cmpstr(qdict_get_str(d, "qom-type"), ==, "secret");
    g_assert_cmpstr(qdict_get_str(d, "data"), ==, "c");
    g_assert_cmpstr(qdict_get_str(d, "a.1.b-c"), ==, "2");
    qobject_unref(g_steal_pointer(&d));
    d = keyval_parse("", "qom-type", &help, &error_abort);
    g_assert_cmpint(qdict_size(d), ==, 0);
    qobject_unref(g_steal_pointer(&d));
    /* "help" anywhere, and before the implied value. */
    d = keyval_parse("help,id=x", "qom-type", &help, &error_abort);
    g_assert_true(help);
    g_assert_false(qdict_haskey(d, "qom-type"));
    qobject_unref(g_steal_pointer(&d));
    d = keyval_parse("secret,?", "qom-type", &help, &error_abort);
    g_assert_true(help);
    g_assert_cmpstr(qdict_get_str(d, "qom-type"), ==, "secret");

    keyval_bad("help", NULL, "Help is not available for this option");
    keyval_bad("x", NULL, "Expected '=' after parameter 'x'");
    keyval_bad("a=1,noflag", "t", "Expected '=' after parameter 'noflag'");
    keyval_bad(",", "t", "Invalid parameter ''");
    /* The implied value runs to the first ',': ",," does not escape. */
    keyval_bad("a,,b=1", "t", "Invalid parameter ''");
    keyval_bad("1x=2", NULL, "Invalid parameter '1x'");
    keyval_bad("a.=2", NULL, "Invalid parameter 'a.'");
    keyval_bad("a..b=2", NULL, "Invalid parameter 'a..b'");
    keyval_bad("a.b=1,a=2", NULL, "Parameters 'a.*' used inconsistently");
    keyval_bad("a=1,a.b.c=2", NULL, "Parameters 'a.*' used inconsistently");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/keyval/plain", test_plain);
    g_test_add_func("/keyval/strict", test_strict);
    g_test_add_func("/keyval/id", test_id);
    g_test_add_func("/keyval/implied", test_implied);
    g_test_add_func("/keyval/flags-dict", test_flags_dict);
    g_test_add_func("/keyval/flags-warnings", test_flags_warnings);
    return g_test_run();
}
