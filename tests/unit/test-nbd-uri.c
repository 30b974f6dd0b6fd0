/*
 * The nbd driver's URI filenames (block/nbd-opts.c on g_uri_parse()):
 * the options they give and the URIs QEMU 7.2 refuses with "No valid
 * URL specified" (checked with qemu-io -f raw -c quit URI).
 */
#include "qemu/osdep.h"
#include "../../block/nbd-client.h"

static QDict *parse(const char *uri, Error **errp)
{
    QDict *d = qdict_new();

    nbd_parse_filename(uri, d, errp);
    return d;
}

static void check(const char *uri, const char *type, const char *a,
                  const char *b, const char *export)
{
    g_autoptr(QObject) d = parse(uri, &error_abort);

    g_assert_cmpstr(qdict_get_try_str(d, "server.type"), ==, type);
    if (!strcmp(type, "unix")) {
        g_assert_cmpstr(qdict_get_try_str(d, "server.path"), ==, a);
    } else {
        g_assert_cmpstr(qdict_get_try_str(d, "server.host"), ==, a);
        g_assert_cmpstr(qdict_get_try_str(d, "server.port"), ==, b);
    }
    g_assert_cmpstr(qdict_get_try_str(d, "export"), ==, export);
}

static void bad(const char *uri)
{
    Error *err = NULL;
    g_autoptr(QObject) d = parse(uri, &err);

    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, "No valid URL specified");
    error_free(err);
}

static void test_tcp(void)
{
    check("nbd://127.0.0.1:1/exp", "inet", "127.0.0.1", "1", "exp");
    check("nbd+tcp://h", "inet", "h", "10809", NULL);
    check("nbd://h/", "inet", "h", "10809", NULL);
    /* The path is decoded; only its first '/' goes. */
    check("nbd://h:2/e%20x", "inet", "h", "2", "e x");
    check("nbd://h:2//e", "inet", "h", "2", "/e");
    check("nbd://[::1]:3/e", "inet", "::1", "3", "e");
    check("nbd://h:4/e#frag", "inet", "h", "4", "e");
    /* As QEMU's parser: user info is dropped, port 0 is the default. */
    check("nbd://user@h:5/e", "inet", "h", "5", "e");
    check("nbd://h:0/e", "inet", "h", "10809", "e");
}

static void test_unix(void)
{
    check("nbd+unix:///e?socket=/tmp/s", "unix", "/tmp/s", NULL, "e");
    check("nbd+unix:///?socket=/a%2Fb", "unix", "/a/b", NULL, NULL);
    check("nbd+unix:///e?socket=/x&&", "unix", "/x", NULL, "e");
}

static void test_bad(void)
{
    bad("nbd://");
    bad("nbd://:1/e");
    bad("NBD://h/e");
    bad("nbd+ssh://h/e");
    bad("nbd://h:x/e");
    bad("nbd://h:65536/e");
    bad("nbd://h:1/%zz");
    bad("nbd://h:1/e?socket=/x");
    bad("nbd+unix:///e");
    bad("nbd+unix://h/e?socket=/x");
    bad("nbd+unix:///e?socket=/x&b=1");
    bad("nbd+unix:///e?sock=/x");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/nbd-uri/tcp", test_tcp);
    g_test_add_func("/nbd-uri/unix", test_unix);
    g_test_add_func("/nbd-uri/bad", test_bad);
    return g_test_run();
}
