/*
 * QDict helpers with QEMU's semantics (block-qdict.c behaviour as seen
 * from QEMU 7.2: json: filenames, quorum's children.N arrays).
 */
#include "qemu/osdep.h"
#include "qemu/qdict.h"

static QDict *parse(const char *json)
{
    return qobject_from_json(json, &error_abort);
}

static void assert_json(const QObject *o, const char *expect)
{
    g_autofree char *s = qobject_to_json_qemu(o);

    g_assert_cmpstr(s, ==, expect);
}

static void test_basics(void)
{
    QDict *d = qdict_new();

    g_assert_cmpuint(qdict_size(d), ==, 0);
    qdict_put_str(d, "s", "str");
    qdict_put_int(d, "i", -7);
    qdict_put_bool(d, "b", true);
    qdict_put_null(d, "n");
    qdict_put_obj(d, "d", qdict_new());
    qdict_put_obj(d, "l", json_array());
    g_assert_cmpuint(qdict_size(d), ==, 6);
    g_assert_true(qdict_haskey(d, "s"));
    g_assert_false(qdict_haskey(d, "x"));
    g_assert_null(qdict_get(d, "x"));
    g_assert_cmpstr(qdict_get_str(d, "s"), ==, "str");
    g_assert_cmpstr(qdict_get_try_str(d, "s"), ==, "str");
    /* typed getters only accept their own type, like QEMU */
    g_assert_null(qdict_get_try_str(d, "i"));
    g_assert_cmpint(qdict_get_try_int(d, "i", 1), ==, -7);
    g_assert_cmpint(qdict_get_try_int(d, "s", 1), ==, 1);
    g_assert_cmpint(qdict_get_try_int(d, "x", 42), ==, 42);
    g_assert_true(qdict_get_try_bool(d, "b", false));
    g_assert_false(qdict_get_try_bool(d, "s", false));
    g_assert_nonnull(qdict_get_qdict(d, "d"));
    g_assert_null(qdict_get_qdict(d, "l"));
    g_assert_nonnull(qdict_get_qlist(d, "l"));
    g_assert_null(qdict_get_qlist(d, "d"));

    /* replacing keeps the entry, deleting removes it */
    qdict_put_str(d, "s", "other");
    g_assert_cmpstr(qdict_get_str(d, "s"), ==, "other");
    g_assert_cmpuint(qdict_size(d), ==, 6);
    qdict_del(d, "s");
    qdict_del(d, "nonexistent");
    g_assert_false(qdict_haskey(d, "s"));

    /* keys need not be UTF-8 (command-line input) */
    qdict_put_str(d, "k\xff", "v\xfe");
    g_assert_cmpstr(qdict_get_str(d, "k\xff"), ==, "v\xfe");
    qobject_unref(d);
}

static void test_defaults(void)
{
    QDict *dst = parse("{\"a\": \"1\"}");
    QDict *src = parse("{\"a\": \"2\", \"b\": \"3\"}");

    qdict_copy_default(dst, src, "a");
    qdict_copy_default(dst, src, "b");
    qdict_copy_default(dst, src, "c");
    qdict_set_default_str(dst, "a", "x");
    qdict_set_default_str(dst, "d", "4");
    assert_json(dst, "{\"d\": \"4\", \"a\": \"1\", \"b\": \"3\"}");
    assert_json(src, "{\"a\": \"2\", \"b\": \"3\"}");
    qobject_unref(dst);
    qobject_unref(src);
}

static void test_clone_shallow(void)
{
    QDict *src = parse("{\"a\": {\"x\": 1}, \"b\": 2}");
    QDict *c = qdict_clone_shallow(src);

    assert_json(c, "{\"a\": {\"x\": 1}, \"b\": 2}");
    g_assert_true(qdict_get(c, "a") == qdict_get(src, "a"));
    qdict_del(c, "b");
    g_assert_true(qdict_haskey(src, "b"));
    qobject_unref(c);
    qobject_unref(src);
}

static void test_join(void)
{
    QDict *dest = parse("{\"a\": 1, \"b\": 2}");
    QDict *src = parse("{\"b\": 3, \"c\": 4}");

    /* entries that move are taken out of @src, as in QEMU */
    qdict_join(dest, src, false);
    assert_json(dest, "{\"a\": 1, \"b\": 2, \"c\": 4}");
    assert_json(src, "{\"b\": 3}");
    qdict_join(dest, src, true);
    assert_json(dest, "{\"a\": 1, \"b\": 3, \"c\": 4}");
    g_assert_cmpuint(qdict_size(src), ==, 0);
    qobject_unref(dest);
    qobject_unref(src);
}

static void test_flatten(void)
{
    QDict *d = parse("{\"driver\": \"quorum\", \"children\": ["
                     " {\"driver\": \"raw\", \"file\": {\"filename\": \"a\"}},"
                     " \"node1\", [5, []]],"
                     " \"e\": {}, \"l\": [], \"x\": {\"y\": {\"z\": true}}}");
    QDict *mixed;

    qdict_flatten(d);
    g_assert_cmpuint(qdict_size(d), ==, 9);
    g_assert_cmpstr(qdict_get_str(d, "driver"), ==, "quorum");
    g_assert_cmpstr(qdict_get_str(d, "children.0.driver"), ==, "raw");
    g_assert_cmpstr(qdict_get_str(d, "children.0.file.filename"), ==, "a");
    g_assert_cmpstr(qdict_get_str(d, "children.1"), ==, "node1");
    g_assert_cmpint(qdict_get_try_int(d, "children.2.0", 0), ==, 5);
    /* empty containers are kept as they are */
    g_assert_nonnull(qdict_get_qlist(d, "children.2.1"));
    g_assert_nonnull(qdict_get_qdict(d, "e"));
    g_assert_nonnull(qdict_get_qlist(d, "l"));
    g_assert_true(qdict_get_try_bool(d, "x.y.z", false));
    g_assert_false(qdict_haskey(d, "children"));
    qobject_unref(d);

    /* json: accepts nested and dotted keys mixed (observed in 7.2) */
    mixed = parse("{\"children.0\": {\"file.filename\": \"f\"}}");
    qdict_flatten(mixed);
    assert_json(mixed, "{\"children.0.file.filename\": \"f\"}");
    qobject_unref(mixed);
}

static void test_extract_subqdict(void)
{
    QDict *src = parse("{\"file.driver\": \"file\", \"file.filename\": \"x\","
                       " \"driver\": \"raw\", \"filex\": 1}");
    QDict *dst = NULL, *none = NULL;

    qdict_extract_subqdict(src, &dst, "file.");
    assert_json(dst, "{\"driver\": \"file\", \"filename\": \"x\"}");
    assert_json(src, "{\"driver\": \"raw\", \"filex\": 1}");
    qdict_extract_subqdict(src, &none, "nothing.");
    g_assert_nonnull(none);
    g_assert_cmpuint(qdict_size(none), ==, 0);
    qobject_unref(src);
    qobject_unref(dst);
    qobject_unref(none);
}

static int entries(const char *json)
{
    QDict *d = parse(json);
    int ret = qdict_array_entries(d, "children.");

    qobject_unref(d);
    return ret;
}

/* quorum_open: "Option children is not a valid array" exactly when < 0 */
static void test_array_entries(void)
{
    g_assert_cmpint(entries("{}"), ==, 0);
    g_assert_cmpint(entries("{\"driver\": \"quorum\"}"), ==, 0);
    g_assert_cmpint(entries("{\"children.0\": \"a\", \"children.1\": \"b\","
                            " \"vote-threshold\": \"2\"}"), ==, 2);
    g_assert_cmpint(entries("{\"children.0.driver\": \"raw\","
                            " \"children.0.file.filename\": \"x\","
                            " \"children.1\": \"n\", \"other\": 1}"), ==, 2);
    /* observed invalid: a non-number, a gap, both forms, leading zero */
    g_assert_cmpint(entries("{\"children.x\": \"a\"}"), ==, -EINVAL);
    g_assert_cmpint(entries("{\"children.0\": \"a\", \"children.2\": \"b\"}"),
                    ==, -EINVAL);
    g_assert_cmpint(entries("{\"children.1\": \"a\"}"), ==, -EINVAL);
    g_assert_cmpint(entries("{\"children.0\": \"a\", \"children.0.driver\":"
                            " \"raw\"}"), ==, -EINVAL);
    g_assert_cmpint(entries("{\"children.00\": \"a\"}"), ==, -EINVAL);
    g_assert_cmpint(entries("{\"children.0\": \"a\", \"children.\": \"b\"}"),
                    ==, -EINVAL);
    /* "children" itself is not under "children." */
    g_assert_cmpint(entries("{\"children\": \"a\"}"), ==, 0);
}

static void crumple_ok(const char *flat, const char *expect)
{
    QDict *d = parse(flat);
    QObject *o = qdict_crumple(d, &error_abort);

    assert_json(o, expect);
    qobject_unref(o);
    qobject_unref(d);
}

static void crumple_err(const char *flat, const char *msg)
{
    QDict *d = parse(flat);
    Error *err = NULL;

    g_assert_null(qdict_crumple(d, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
    qobject_unref(d);
}

static void test_crumple(void)
{
    crumple_ok("{}", "{}");
    crumple_ok("{\"driver\": \"quorum\", \"children.0.driver\": \"raw\","
               " \"children.0.file.filename\": \"a\", \"children.1\": \"n\"}",
               "{\"children\": [{\"driver\": \"raw\", \"file\": "
               "{\"filename\": \"a\"}}, \"n\"], \"driver\": \"quorum\"}");
    crumple_ok("{\"0\": 1, \"1\": 2}", "[1, 2]");
    crumple_ok("{\"a..b.c\": 1}", "{\"a.b\": {\"c\": 1}}");
    crumple_ok("{\"a\": {}, \"b\": []}", "{\"a\": {}, \"b\": []}");
    crumple_err("{\"a\": 1, \"a.b\": 2}",
                "Cannot mix scalar and non-scalar keys");
    crumple_err("{\"a.0\": 1, \"a.x\": 2}", "Cannot mix list and non-list keys");
    crumple_err("{\"a.0\": 1, \"a.2\": 2}",
                "List indices are not contiguous, saw 2 elements but "
                "2 largest index");
    crumple_err("{\"a\": {\"b\": 1}}", "Value a is not flat");
    crumple_err("{\"a\": [1]}", "Value a is not flat");
}

static void test_opt_string(void)
{
    QObject *o = parse("[\"s\", 5, -3, 1.5, 1e20, true, false, null, {}, []]");
    static const char *const expect[] = {
        "s", "5", "-3", "1.5", "1e+20", "on", "off", NULL, NULL, NULL };
    size_t i;

    for (i = 0; i < ARRAY_SIZE(expect); i++) {
        g_autofree char *s = qobject_to_opt_string(json_array_get(o, i));

        g_assert_cmpstr(s, ==, expect[i]);
    }
    qobject_unref(o);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qdict/basics", test_basics);
    g_test_add_func("/qdict/defaults", test_defaults);
    g_test_add_func("/qdict/clone-shallow", test_clone_shallow);
    g_test_add_func("/qdict/join", test_join);
    g_test_add_func("/qdict/flatten", test_flatten);
    g_test_add_func("/qdict/extract-subqdict", test_extract_subqdict);
    g_test_add_func("/qdict/array-entries", test_array_entries);
    g_test_add_func("/qdict/crumple", test_crumple);
    g_test_add_func("/qdict/opt-string", test_opt_string);
    return g_test_run();
}
