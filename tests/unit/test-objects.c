/*
 * --object (crypto/objects.c over util/keyval.c's keyval_parse): the
 * errors of QEMU 7.2's qemu-io, qemu-img and qemu-storage-daemon for the
 * same arguments, in QEMU's order, and each tool's set of types.
 */
#include "qemu/osdep.h"
#include "crypto/tlscreds.h"

static void check_err(const char *arg, ObjectTool tool, const char *msg)
{
    Error *err = NULL;

    g_assert_false(user_creatable_add_cmdline(arg, tool, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static void bad(const char *arg, const char *msg)
{
    check_err(arg, OBJECT_TOOL_IO, msg);
    check_err(arg, OBJECT_TOOL_IMG, msg);
    check_err(arg, OBJECT_TOOL_DAEMON, msg);
    g_assert_null(user_creatable_type("x"));
}

static void good(const char *arg, ObjectTool tool)
{
    g_assert_true(user_creatable_add_cmdline(arg, tool, &error_abort));
    user_creatable_cleanup();
}

static void test_syntax(void)
{
    bad("", "Parameter 'qom-type' is missing");
    bad("id=x", "Parameter 'qom-type' is missing");
    bad(",", "Invalid parameter ''");
    bad("secret,id=x,1a=2", "Invalid parameter '1a'");
    bad("secret,id=x,data=y,noflag", "Expected '=' after parameter 'noflag'");
    bad("secret,id=x,data=y,a=1,a.b=2", "Parameters 'a.*' used inconsistently");
    bad("{bad", "JSON parse error, invalid keyword 'bad'");
    bad("{\"qom-type\":\"secret\"}", "Parameter 'id' is missing");
    /* Only a leading '{' is JSON: "[1]" is an implied qom-type. */
    bad("[1]", "Parameter 'qom-type' does not accept value '[1]'");
    good("qom-type=secret,id=x,data=y", OBJECT_TOOL_IO);
    good("secret,id=x,data=a,,b,data=c", OBJECT_TOOL_IMG);
    good("{\"qom-type\":\"secret\",\"id\":\"x\",\"data\":\"y\"}",
         OBJECT_TOOL_DAEMON);
}

static void test_types(void)
{
    bad("foo,id=x", "Parameter 'qom-type' does not accept value 'foo'");
    bad("qom-type=help", "Parameter 'qom-type' does not accept value 'help'");
    /* The QOM name is listed by help, but is no schema value. */
    bad("authz-list-file,id=x,filename=/x",
        "Parameter 'qom-type' does not accept value 'authz-list-file'");
    bad("authz-pam,id=x", "Parameter 'service' is missing");
    bad("authz-pam,id=x,service=qemu", "invalid object type: authz-pam");
    bad("authz-listfile,id=x,filename=/x,refresh=maybe",
        "Parameter 'refresh' expects 'on' or 'off'");
    bad("authz-listfile,id=x,filename=/x,foo=1",
        "Parameter 'foo' is unexpected");
    bad("authz-listfile,id=x,filename=/x",
        "invalid object type: authz-listfile");
    /* iothreads exist in the daemon only; qemu-io has no main loop yet. */
    check_err("iothread,id=x", OBJECT_TOOL_IO, "invalid object type: iothread");
    check_err("iothread,id=x", OBJECT_TOOL_IMG,
              "invalid object type: iothread");
    good("iothread,id=x", OBJECT_TOOL_DAEMON);
    check_err("main-loop,id=x", OBJECT_TOOL_IO, "qemu aio context not ready");
    good("main-loop,id=x", OBJECT_TOOL_IMG);
    good("throttle-group,id=x,limits.iops-total=5", OBJECT_TOOL_IO);
}

static void test_members(void)
{
    bad("secret,data=y", "Parameter 'id' is missing");
    bad("secret,id=x,data=y,bogus=1", "Parameter 'bogus' is unexpected");
    bad("secret,id=x,data=y,a.b=1", "Parameter 'a' is unexpected");
    bad("secret,id=x,format=hex,data=y",
        "Parameter 'format' does not accept value 'hex'");
    bad("secret,id=x,data=y,loaded=x", "Parameter 'loaded' expects 'on' or 'off'");
    bad("secret,id=x,data=y,loaded=on", "Property 'secret.loaded' is not writable");
    bad("{\"qom-type\":\"secret\",\"id\":\"x\",\"data\":1}",
        "Invalid parameter type for 'data', expected: string");
    bad("secret,id=x", "Either 'file' or 'data' must be provided");
    bad("secret_keyring,id=x", "Parameter 'serial' is missing");
    bad("secret_keyring,id=x,serial=abc", "Parameter 'serial' expects integer");
    bad("pr-manager-helper,id=x", "Parameter 'path' is missing");
    bad("tls-cipher-suites,id=x", "'priority' property is not set");
    bad("tls-creds-anon,id=x,endpoint=bogus",
        "Parameter 'endpoint' does not accept value 'bogus'");
    bad("authz-simple,id=x", "Parameter 'identity' is missing");
}

static void test_id(void)
{
    Error *err = NULL;

    /* The members come first, then the id, then what completes it. */
    bad("secret,id=1x,bogus=1", "Parameter 'bogus' is unexpected");
    bad("secret,id=1x", "Parameter 'id' expects an identifier");
    bad("iothread,id=1x", "Parameter 'id' expects an identifier");
    bad("tls-creds-anon,id=1x,endpoint=bogus",
        "Parameter 'endpoint' does not accept value 'bogus'");
    g_assert_false(user_creatable_add_cmdline("secret,id=1x", OBJECT_TOOL_IO,
                                              &err));
    g_assert_cmpstr(error_get_hint(err), ==, "Identifiers consist of letters, "
                    "digits, '-', '.', '_', starting with a letter.\n");
    error_free(err);

    g_assert_true(user_creatable_add_cmdline("secret,id=x,data=y",
                                             OBJECT_TOOL_IO, &error_abort));
    g_assert_cmpstr(user_creatable_type("x"), ==, "secret");
    check_err("throttle-group,id=x", OBJECT_TOOL_IO,
              "attempt to add duplicate property 'x' to object "
              "(type 'container')");
    user_creatable_cleanup();
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/objects/syntax", test_syntax);
    g_test_add_func("/objects/types", test_types);
    g_test_add_func("/objects/members", test_members);
    g_test_add_func("/objects/id", test_id);
    return g_test_run();
}
