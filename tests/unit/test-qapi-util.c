/*
 * qapi/util.h: the one string -> enum parser, with the two messages
 * QEMU 7.2 prints ("invalid parameter value: X" from qapi_enum_parse,
 * "Parameter 'P' does not accept value 'X'" from its input visitors).
 */
#include "qemu/osdep.h"
#include "qapi/util.h"

static const char *const sparse[] = { [0] = "off", [2] = "falloc",
                                      [3] = "full" };
static const char *const terminated[] = { "deny", "allow", NULL };

static void test_lookup(void)
{
    g_assert_cmpint(qapi_enum_lookup(sparse, ARRAY_SIZE(sparse), "off"), ==, 0);
    g_assert_cmpint(qapi_enum_lookup(sparse, ARRAY_SIZE(sparse), "full"), ==,
                    3);
    /* A hole has no name and matches nothing, not even "". */
    g_assert_cmpint(qapi_enum_lookup(sparse, ARRAY_SIZE(sparse), ""), ==, -1);
    g_assert_cmpint(qapi_enum_lookup(sparse, ARRAY_SIZE(sparse), "Off"), ==,
                    -1);
    /* n < 0: up to the NULL entry. */
    g_assert_cmpint(qapi_enum_lookup(terminated, -1, "allow"), ==, 1);
    g_assert_cmpint(qapi_enum_lookup(terminated, -1, "glob"), ==, -1);
    /* A bounded search stops at n even before a later match. */
    g_assert_cmpint(qapi_enum_lookup(terminated, 1, "allow"), ==, -1);
}

static void test_parse(void)
{
    Error *err = NULL;

    g_assert_cmpint(qapi_enum_parse(sparse, ARRAY_SIZE(sparse), NULL, 2,
                                    &error_abort), ==, 2);
    g_assert_cmpint(qapi_enum_parse(sparse, ARRAY_SIZE(sparse), "falloc", 0,
                                    &error_abort), ==, 2);
    g_assert_cmpint(qapi_enum_parse(sparse, ARRAY_SIZE(sparse), "metadata",
                                    0, &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "invalid parameter value: metadata");
    error_free(err);
}

static void test_parse_param(void)
{
    Error *err = NULL;

    g_assert_cmpint(qapi_enum_parse_param("policy", terminated, -1, "deny",
                                          &error_abort), ==, 0);
    g_assert_cmpint(qapi_enum_parse_param("policy", terminated, -1, "maybe",
                                          &err), ==, -1);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'policy' does not accept value 'maybe'");
    error_free(err);
    /* NULL errp: still -1, nothing to report to. */
    g_assert_cmpint(qapi_enum_parse_param("policy", terminated, -1, "",
                                          NULL), ==, -1);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qapi-util/lookup", test_lookup);
    g_test_add_func("/qapi-util/parse", test_parse);
    g_test_add_func("/qapi-util/parse-param", test_parse_param);
    return g_test_run();
}
