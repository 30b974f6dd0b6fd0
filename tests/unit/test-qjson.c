/*
 * JSON parsing and serialization against QEMU 7.2's observed behaviour.
 * The case table was produced by running the real binaries:
 * qemu-io 'json:INPUT' for the parse errors ("Could not parse the JSON
 * options: MSG"), and qemu-storage-daemon's QMP, which echoes a
 * command's "id" through QEMU's JSON writer, for the serializations.
 * Parsing is jansson's; the cases marked "differs from QEMU 7.2" assert
 * our message instead (docs/architecture.md, Decisions).
 */
#include "qemu/osdep.h"
#include "qemu/qdict.h"

typedef struct JSONCase {
    const char *input;
    const char *error;      /* QEMU's message, NULL when it parses */
    const char *output;     /* QEMU's compact serialization */
} JSONCase;

static const JSONCase json_cases[] = {
    { "{bad", "JSON parse error, invalid keyword 'bad'", NULL },
    { "[1]", NULL, "[1]" },
    { "", "Expecting a JSON value", NULL },
    { "   ", "Expecting a JSON value", NULL },
    { "{\"driver\":\"null-co\"} x", "Expecting at most one JSON value", NULL },
    { "{\"driver\":\"null-co\"}{}", "Expecting at most one JSON value", NULL },
    { "\"abc\"", NULL, "\"abc\"" },
    { "{\"driver\":\"null-co\",}", "JSON parse error, expecting value", NULL },
    { "{\"driver\":\"null-co\",\"a\":1,\"a\":2}", "JSON parse error, duplicate key", NULL },
    { "{\"a", "JSON parse error, stray '\"a'", NULL },
    { "{\"a\":@}", "JSON parse error, stray '@'", NULL },
    /* differs from QEMU 7.2: "stray '@'"; jansson reports the key position */
    { "{@", "JSON parse error, string or '}' expected near '@'", NULL },
    /* differs from QEMU 7.2: "stray '01'" (jansson stops at the 0) */
    { "{\"a\":01}", "JSON parse error, stray '0'", NULL },
    /* differs from QEMU 7.2: "stray '-}'" (QEMU includes the next byte) */
    { "{\"a\":-}", "JSON parse error, stray '-'", NULL },
    /* differs from QEMU 7.2: "stray '1.}'" */
    { "{\"a\":1.}", "JSON parse error, stray '1.'", NULL },
    /* differs from QEMU 7.2: "stray '1e}'" */
    { "{\"a\":1e}", "JSON parse error, stray '1e'", NULL },
    { "{\"a\":\"\\x\"}", "JSON parse error, invalid escape sequence in string", NULL },
    /* differs from QEMU 7.2: "\u12\" is not a valid Unicode character" */
    { "{\"a\":\"\\u12\"}", "JSON parse error, invalid escape sequence in string", NULL },
    /* differs from QEMU 7.2: "\ud800 is not a valid Unicode character"; jansson's text */
    { "{\"a\":\"\\ud800\"}", "JSON parse error, invalid Unicode '\\uD800' near '\"\\ud800\"'", NULL },
    /* differs from QEMU 7.2: "\ud800 is not a valid Unicode character"; jansson's text */
    { "{\"a\":\"\\ud800\\u0041\"}", "JSON parse error, invalid Unicode '\\uD800\\u0041' near '\"\\ud800\\u0041\"'", NULL },
    /* differs from QEMU 7.2: "\udc00 is not a valid Unicode character"; jansson's text */
    { "{\"a\":\"\\udc00\"}", "JSON parse error, invalid Unicode '\\uDC00' near '\"\\udc00\"'", NULL },
    { "{\"a\" 1}", "JSON parse error, missing : in object pair", NULL },
    { "{1:2}", "JSON parse error, key is not a string in object", NULL },
    { "{\"a\":1]", "JSON parse error, expected separator in dict", NULL },
    { "}", "JSON parse error, expecting value", NULL },
    { "]", "JSON parse error, expecting value", NULL },
    { "{\"a\":[1 2]}", "JSON parse error, expected separator in list", NULL },
    { "{\"a\":tru}", "JSON parse error, invalid keyword 'tru'", NULL },
    { "{\"a\":1}}", "Expecting at most one JSON value", NULL },
    /*
     * differs from QEMU 7.2: QEMU rejects noncharacters ("\uFFFF is not a
     * valid Unicode character"); jansson accepts them and QEMU's writer,
     * which we follow, prints them as U+FFFD
     */
    { "{\"a\":\"\\uFFFF\"}", NULL, "{\"a\": \"\\uFFFD\"}" },
    /* differs from QEMU 7.2: accepted (noncharacter, see \uFFFF) */
    { "{\"a\":\"\\uFDD0\"}", NULL, "{\"a\": \"\\uFFFD\"}" },
    { "{\"a\":1,}", "JSON parse error, expecting value", NULL },
    { "{,}", "JSON parse error, expecting value", NULL },
    { "{\"a\"}", "JSON parse error, missing : in object pair", NULL },
    { "{\"a\":}", "JSON parse error, expecting value", NULL },
    { "{\"a\":1 \"b\":2}", "JSON parse error, expected separator in dict", NULL },
    { "[", "JSON parse error, premature EOI", NULL },
    { "{", "JSON parse error, premature EOI", NULL },
    { "{\"a\":[", "JSON parse error, premature EOI", NULL },
    { "{\"a\":\"b\"", "JSON parse error, premature EOI", NULL },
    { "nul", "JSON parse error, invalid keyword 'nul'", NULL },
    /* differs from QEMU 7.2: "stray 'T'" (jansson reads the whole word) */
    { "TRUE", "JSON parse error, stray 'TRUE'", NULL },
    { "{\"a\":%d}", "JSON parse error, stray '%'", NULL },
    { "{\"a\":1}x", "Expecting at most one JSON value", NULL },
    { "x{\"a\":1}", "JSON parse error, invalid keyword 'x'", NULL },
    { "1", NULL, "1" },
    { "1 2", "Expecting at most one JSON value", NULL },
    { "null", NULL, "null" },
    { "{\"a\":\"\\u0000\"}", NULL, "{\"a\": \"\\u0000\"}" },
    { "{\"a\":\"\\uD83D\\uDE00x\"}", NULL, "{\"a\": \"\\uD83D\\uDE00x\"}" },
    /* differs from QEMU 7.2: single-quoted strings are a QEMU extension */
    { "{'a':'b\"c'}", "JSON parse error, string or '}' expected near '''", NULL },
    /* differs from QEMU 7.2: as above */
    { "{'a':'b\\'c'}", "JSON parse error, string or '}' expected near '''", NULL },
    /* differs from QEMU 7.2: the \' escape is a QEMU extension */
    { "{\"a\":\"\\'\"}", "JSON parse error, invalid escape sequence in string", NULL },
    { "{\"a\":-0}", NULL, "{\"a\": 0}" },
    { "{\"a\":0.5e-3}", NULL, "{\"a\": 0.00050000000000000001}" },
    { "{\"a\":1E+2}", NULL, "{\"a\": 100}" },
    { "{\"a\":-12.75}", NULL, "{\"a\": -12.75}" },
    { "{\"a\":9223372036854775807}", NULL, "{\"a\": 9223372036854775807}" },
    { "{\"a\":-9223372036854775808}", NULL, "{\"a\": -9223372036854775808}" },
    /* differs from QEMU 7.2: QEMU falls back to a double; jansson refuses */
    { "{\"a\":-9223372036854775809}", "JSON parse error, too big negative integer near '-9223372036854775809'", NULL },
    { "{\"a\":[]}", NULL, "{\"a\": []}" },
    { "{\"a\":{}}", NULL, "{\"a\": {}}" },
    { "{\"a\":[[],{}]}", NULL, "{\"a\": [[], {}]}" },
    { "{\"a\":{\"b\":{\"c\":[1,{\"d\":\"e\"}]}}}", NULL, "{\"a\": {\"b\": {\"c\": [1, {\"d\": \"e\"}]}}}" },
    { "{\"b\":1,\"a\":2,\"c\":3}", NULL, "{\"a\": 2, \"b\": 1, \"c\": 3}" },
    { "\011{ \"a\" :\0121 }\015\012", NULL, "{\"a\": 1}" },
    { "{\"a\":\"\\/\\b\\f\\n\\r\\t\"}", NULL, "{\"a\": \"/\\b\\f\\n\\r\\t\"}" },
    { "{\"a\":\"\303\251\"}", NULL, "{\"a\": \"\\u00E9\"}" },
    { "{\"a\":\"\\u00e9\\u20ac\"}", NULL, "{\"a\": \"\\u00E9\\u20AC\"}" },
    { "{\"a\":1e", "JSON parse error, stray '1e'", NULL },
    /* differs from QEMU 7.2: "stray '\"x\\'" */
    { "{\"a\":\"x\\", "JSON parse error, invalid escape sequence in string", NULL },
    { "[}]", "JSON parse error, expecting value", NULL },
    { "{]}", "JSON parse error, expecting value", NULL },
    { "[1}", "JSON parse error, expected separator in list", NULL },
    { "{\"a\":[}]}", "JSON parse error, expecting value", NULL },
    { "{\"a\":1}[", "Expecting at most one JSON value", NULL },
    { "[[[", "JSON parse error, premature EOI", NULL },
    { "]]", "JSON parse error, expecting value", NULL },
    { "{\"a\":0x10}", "JSON parse error, expected separator in dict", NULL },
    { "{\"a\":.5}", "JSON parse error, stray '.'", NULL },
    { "{\"a\":+1}", "JSON parse error, stray '+'", NULL },
    { "{\"\":1}", NULL, "{\"\": 1}" },
    { "{\"a\":true,\"b\":false,\"c\":null}", NULL, "{\"a\": true, \"b\": false, \"c\": null}" },
    { "{{}:1}", "JSON parse error, key is not a string in object", NULL },
    { "{\"a\":{\"a\":1,\"a\":2}}", "JSON parse error, duplicate key", NULL },
    { "{\"a\":1} ", NULL, "{\"a\": 1}" },
    { " {\"a\":1}", NULL, "{\"a\": 1}" },
    { "{\"a\":\"\177\"}", NULL, "{\"a\": \"\\u007F\"}" },
    { "{\"a\":\"\\u007f\"}", NULL, "{\"a\": \"\\u007F\"}" },
    /* differs from QEMU 7.2: "stray 'R'" (jansson reads the whole word) */
    { "{\"a\": tRue}", "JSON parse error, stray 'tRue'", NULL },
    { "{\"a\":1}\012{\"b\":2}", "Expecting at most one JSON value", NULL },
    { "{\"a\":\"b\"}]", "Expecting at most one JSON value", NULL },
    /* differs from QEMU 7.2: "\u12G4 is not a valid Unicode character" */
    { "{\"a\":\"\\u12G4\"}", "JSON parse error, invalid escape sequence in string", NULL },
    /* differs from QEMU 7.2: "\uD800 is not a valid Unicode character" */
    { "{\"a\":\"\\uD800\\uZZZZ\"}", "JSON parse error, invalid escape sequence in string", NULL },
    /* differs from QEMU 7.2: accepted (noncharacter U+10FFFF, see \uFFFF) */
    { "{\"a\":\"\\uDBFF\\uDFFF\"}", NULL, "{\"a\": \"\\uFFFD\"}" },
    /* bytes that cannot be typed into the table generator */
    { "{\"a\":\"\xc3\"}", "JSON parse error, invalid UTF-8 sequence in string",
      NULL },
    /* differs from QEMU 7.2: "stray '\"\xff'" */
    { "{\"a\":\"\xff\"}", "JSON parse error, invalid UTF-8 sequence in string",
      NULL },
    /* differs from QEMU 7.2: "stray '\"\x01'"; jansson's text */
    { "{\"a\":\"\x01\"}", "JSON parse error, control character 0x1 near '\"'",
      NULL },
};

static void test_parse_table(void)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(json_cases); i++) {
        const JSONCase *c = &json_cases[i];
        Error *err = NULL;
        QObject *o = qobject_from_json(c->input, &err);

        if (c->error) {
            if (o || !err) {
                g_error("'%s' parsed, QEMU says: %s", c->input, c->error);
            }
            g_assert_cmpstr(error_get_pretty(err), ==, c->error);
            error_free(err);
        } else {
            g_autofree char *s = NULL;

            if (!o) {
                g_error("'%s' failed: %s", c->input, error_get_pretty(err));
            }
            s = qobject_to_json_qemu(o);
            g_assert_cmpstr(s, ==, c->output);
            qobject_unref(o);
        }
    }
}

/* The parse result types the block layer cares about. */
static void test_parse_types(void)
{
    QObject *o;

    o = qobject_from_json("{\"i\": 5, \"s\": \"5\", \"b\": true, "
                          "\"d\": 1.5, \"n\": null, \"l\": [], \"o\": {}}",
                          &error_abort);
    g_assert_true(qobject_is_dict(o));
    g_assert_cmpint(qdict_get_try_int(o, "i", 0), ==, 5);
    g_assert_cmpstr(qdict_get_try_str(o, "s"), ==, "5");
    g_assert_true(qdict_get_try_bool(o, "b", false));
    g_assert_true(json_is_real(qdict_get(o, "d")));
    g_assert_true(json_is_null(qdict_get(o, "n")));
    g_assert_nonnull(qdict_get_qlist(o, "l"));
    g_assert_nonnull(qdict_get_qdict(o, "o"));
    qobject_unref(o);

    /* \u0000 is kept as modified UTF-8, as QEMU does */
    o = qobject_from_json("\"a\\u0000b\"", &error_abort);
    g_assert_cmpstr(json_string_value(o), ==, "a\xc0\x80" "b");
    qobject_unref(o);

    /* caller-level rule: json: needs an object (block.c's check) */
    o = qobject_from_json("[1]", &error_abort);
    g_assert_false(qobject_is_dict(o));
    qobject_unref(o);
}

static QDict *dict_of(const char *const *keys)
{
    QDict *d = qdict_new();

    for (; *keys; keys++) {
        qdict_put_int(d, *keys, 1);
    }
    return d;
}

static void assert_order(const char *const *insert, const char *expect)
{
    QDict *d = dict_of(insert);
    g_auto(GStrv) keys = qdict_qemu_keys(d);
    g_autofree char *joined = g_strjoinv(", ", keys);

    g_assert_cmpstr(joined, ==, expect);
    qobject_unref(d);
}

/* Orders verified against QEMU (shared/reference/qemu-quorum.md §2). */
static void test_member_order(void)
{
    static const char *const report_bad[] = {
        "type", "error", "node-name", "sector-num", "sectors-count", NULL };
    static const char *const failure[] = {
        "reference", "sector-num", "sectors-count", NULL };
    static const char *const envelope[] = {
        "event", "data", "timestamp", NULL };
    static const char *const timestamp[] = {
        "seconds", "microseconds", NULL };
    static const char *const filename[] = {
        "driver", "children", "vote-threshold", "blkverify",
        "rewrite-corrupted", "read-pattern", NULL };

    assert_order(report_bad,
                 "node-name, sectors-count, sector-num, type, error");
    assert_order(failure, "reference, sectors-count, sector-num");
    assert_order(envelope, "timestamp, event, data");
    assert_order(timestamp, "seconds, microseconds");
    assert_order(filename, "read-pattern, children, driver, blkverify, "
                 "rewrite-corrupted, vote-threshold");
}

/* Keys sharing a bucket: the newest comes first, replacing keeps place. */
static void test_bucket_collisions(void)
{
    g_autofree char *a = NULL, *b = NULL;
    char k1[16], k2[16];
    unsigned i, j;
    QDict *d;

    for (i = 0;; i++) {
        snprintf(k1, sizeof(k1), "k%u", i);
        for (j = 0; j < i; j++) {
            snprintf(k2, sizeof(k2), "k%u", j);
            if (qdict_qemu_bucket(k1) == qdict_qemu_bucket(k2)) {
                goto found;
            }
        }
    }
found:
    d = qdict_new();
    qdict_put_int(d, k1, 1);
    qdict_put_int(d, k2, 2);
    a = qobject_to_json_qemu(d);
    qdict_put_int(d, k1, 3);            /* replace: position kept */
    b = qobject_to_json_qemu(d);
    {
        g_autofree char *e1 = g_strdup_printf("{\"%s\": 2, \"%s\": 1}", k2, k1);
        g_autofree char *e2 = g_strdup_printf("{\"%s\": 2, \"%s\": 3}", k2, k1);

        g_assert_cmpstr(a, ==, e1);
        g_assert_cmpstr(b, ==, e2);
    }
    qobject_unref(d);
}

/* Observed: qemu-img info --output=json on a file named a\xe9\xc3b\xc0\x80c */
static void test_string_escapes(void)
{
    QObject *s = json_string_nocheck("a\xe9\xc3" "b\xc0\x80" "c");
    g_autofree char *out = qobject_to_json_qemu(s);
    QObject *s2 = json_string("\xc3\xa9\"\\x\ty\x7f\xf0\x9f\x98\x80z/");
    g_autofree char *out2 = qobject_to_json_qemu(s2);

    g_assert_cmpstr(out, ==, "\"a\\uFFFD\\uFFFDb\\u0000c\"");
    g_assert_cmpstr(out2, ==,
                    "\"\\u00E9\\\"\\\\x\\ty\\u007F\\uD83D\\uDE00z/\"");
    qobject_unref(s);
    qobject_unref(s2);
}

/* qemu-img info --output=json of a qcow2 image with one snapshot */
static void test_pretty_info(void)
{
    static const char expect[] =
        "{\n"
        "    \"snapshots\": [\n"
        "        {\n"
        "            \"icount\": 0,\n"
        "            \"vm-clock-nsec\": 0,\n"
        "            \"name\": \"s1\",\n"
        "            \"date-sec\": 1795676146,\n"
        "            \"date-nsec\": 143788000,\n"
        "            \"vm-clock-sec\": 0,\n"
        "            \"id\": \"1\",\n"
        "            \"vm-state-size\": 0\n"
        "        }\n"
        "    ],\n"
        "    \"virtual-size\": 1048576,\n"
        "    \"filename\": \"/tmp/orc/t.qcow2\",\n"
        "    \"cluster-size\": 65536,\n"
        "    \"format\": \"qcow2\",\n"
        "    \"actual-size\": 208896,\n"
        "    \"format-specific\": {\n"
        "        \"type\": \"qcow2\",\n"
        "        \"data\": {\n"
        "            \"compat\": \"1.1\",\n"
        "            \"compression-type\": \"zlib\",\n"
        "            \"lazy-refcounts\": false,\n"
        "            \"refcount-bits\": 16,\n"
        "            \"corrupt\": false,\n"
        "            \"extended-l2\": false\n"
        "        }\n"
        "    },\n"
        "    \"dirty-flag\": false\n"
        "}";
    QObject *o = qobject_from_json(
        "{\"virtual-size\": 1048576, \"filename\": \"/tmp/orc/t.qcow2\","
        " \"cluster-size\": 65536, \"format\": \"qcow2\","
        " \"actual-size\": 208896, \"dirty-flag\": false,"
        " \"format-specific\": {\"type\": \"qcow2\", \"data\": {"
        "  \"compat\": \"1.1\", \"compression-type\": \"zlib\","
        "  \"lazy-refcounts\": false, \"refcount-bits\": 16,"
        "  \"corrupt\": false, \"extended-l2\": false}},"
        " \"snapshots\": [{\"id\": \"1\", \"name\": \"s1\","
        "  \"vm-state-size\": 0, \"date-sec\": 1795676146,"
        "  \"date-nsec\": 143788000, \"vm-clock-sec\": 0,"
        "  \"vm-clock-nsec\": 0, \"icount\": 0}]}", &error_abort);
    g_autofree char *out = qobject_to_json_qemu_pretty(o);

    g_assert_cmpstr(out, ==, expect);
    qobject_unref(o);
}

/* qemu-storage-daemon --monitor pretty=on echo of an "id" */
static void test_pretty_empty(void)
{
    QObject *o = qobject_from_json("{\"e\":{},\"l\":[],\"n\":[1,{\"x\":[]}],"
                                   "\"s\":\"v\"}", &error_abort);
    g_autofree char *out = qobject_to_json_qemu_pretty(o);
    g_autofree char *compact = qobject_to_json_qemu(o);

    g_assert_cmpstr(out, ==,
                    "{\n"
                    "    \"n\": [\n"
                    "        1,\n"
                    "        {\n"
                    "            \"x\": [\n"
                    "            ]\n"
                    "        }\n"
                    "    ],\n"
                    "    \"s\": \"v\",\n"
                    "    \"e\": {\n"
                    "    },\n"
                    "    \"l\": [\n"
                    "    ]\n"
                    "}");
    g_assert_cmpstr(compact, ==,
                    "{\"n\": [1, {\"x\": []}], \"s\": \"v\", \"e\": {}, \"l\": []}");
    qobject_unref(o);
}

/* json: filenames as qemu-img info prints them */
static void test_json_filename(void)
{
    QObject *o = qobject_from_json("{\"driver\":\"null-co\",\"size\":512,"
                                   "\"read-zeroes\":true}", &error_abort);
    g_autofree char *out = qobject_to_json_qemu(o);

    g_assert_cmpstr(out, ==, "{\"read-zeroes\": true, \"driver\": \"null-co\","
                    " \"size\": 512}");
    qobject_unref(o);
}

static void test_doubles(void)
{
    /* QMP echo: 0.1 -> 0.10000000000000001, 1e300, -0.0 -> -0, 100.0 -> 100 */
    QObject *o = qobject_from_json("[0.1, 1e300, -0.0, 100.0, 2.5]",
                                   &error_abort);
    g_autofree char *out = qobject_to_json_qemu(o);

    g_assert_cmpstr(out, ==, "[0.10000000000000001, 1.0000000000000001e+300,"
                    " -0, 100, 2.5]");
    qobject_unref(o);
}

static void assert_parse_error(const char *input, const char *msg)
{
    Error *err = NULL;

    g_assert_null(qobject_from_json(input, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static char *nested(const char *open, const char *close, int depth)
{
    GString *s = g_string_new(NULL);
    int i;

    for (i = 0; i < depth; i++) {
        g_string_append(s, open);
    }
    for (i = 0; close && i < depth; i++) {
        g_string_append(s, close);
    }
    return g_string_free(s, false);
}

/* QEMU allows 1024 levels; jansson 2048, so the limit is checked apart */
static void test_nesting_limit(void)
{
    static const char msg[] = "JSON nesting depth limit exceeded";
    g_autofree char *open1025 = nested("[", NULL, 1025);
    g_autofree char *ok1024 = nested("[", "]", 1024);
    g_autofree char *closed1025 = nested("[", "]", 1025);
    g_autofree char *dict1100 = nested("{\"a\":", NULL, 1100);
    g_autofree char *deep = nested("[", NULL, 100000);
    g_autofree char *deep_closed = nested("{\"a\":[", "]}", 100000);
    g_autofree char *in_str = g_strdup_printf("[\"%s\\\"\"]", closed1025);
    QObject *o;

    assert_parse_error(open1025, msg);
    assert_parse_error(closed1025, msg);
    assert_parse_error(dict1100, msg);
    /* jansson gives up at its own limit: no deep recursion, no crash */
    assert_parse_error(deep, msg);
    assert_parse_error(deep_closed, msg);

    o = qobject_from_json(ok1024, &error_abort);
    g_assert_true(qobject_is_list(o));
    qobject_unref(o);
    /* brackets inside strings do not count */
    o = qobject_from_json(in_str, &error_abort);
    g_assert_true(qobject_is_list(o));
    qobject_unref(o);
}

/* Inputs QEMU 7.2 accepts and jansson does not (documented differences) */
static void test_jansson_differences(void)
{
    /* differs from QEMU 7.2: QEMU keeps it as an unsigned 64-bit number */
    assert_parse_error("{\"a\":18446744073709551615}",
                       "JSON parse error, too big integer near "
                       "'18446744073709551615'");
    /* differs from QEMU 7.2: QEMU stores inf */
    assert_parse_error("{\"a\":1e400}",
                       "JSON parse error, real number overflow near '1e400'");
    /* differs from QEMU 7.2: QEMU accepts a key holding U+0000 */
    assert_parse_error("{\"\\u0000\":1}",
                       "JSON parse error, NUL byte in object key not "
                       "supported near '\"\\u0000\"'");
}

/* Error mapping for inputs outside the table, checked against QEMU 7.2 */
static void test_error_mapping(void)
{
    assert_parse_error("{\"a\":1", "JSON parse error, premature EOI");
    assert_parse_error("{\"a\":", "JSON parse error, premature EOI");
    assert_parse_error("[1,", "JSON parse error, premature EOI");
    assert_parse_error("{\"a\"", "JSON parse error, premature EOI");
    assert_parse_error("{\"a\":tr", "JSON parse error, invalid keyword 'tr'");
    assert_parse_error("{\"a\":-", "JSON parse error, stray '-'");
    assert_parse_error("{\"a\":\"b", "JSON parse error, stray '\"b'");
    assert_parse_error("{\"a\":1} @", "Expecting at most one JSON value");
    assert_parse_error("{\"a\" x}", "JSON parse error, missing : in object pair");
    assert_parse_error("{\"a\":1 x}",
                       "JSON parse error, expected separator in dict");
    assert_parse_error("{true:1}",
                       "JSON parse error, key is not a string in object");
    assert_parse_error("\n\t\r ", "Expecting a JSON value");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qjson/parse-table", test_parse_table);
    g_test_add_func("/qjson/parse-types", test_parse_types);
    g_test_add_func("/qjson/member-order", test_member_order);
    g_test_add_func("/qjson/bucket-collisions", test_bucket_collisions);
    g_test_add_func("/qjson/string-escapes", test_string_escapes);
    g_test_add_func("/qjson/pretty-info", test_pretty_info);
    g_test_add_func("/qjson/pretty-empty", test_pretty_empty);
    g_test_add_func("/qjson/json-filename", test_json_filename);
    g_test_add_func("/qjson/doubles", test_doubles);
    g_test_add_func("/qjson/nesting-limit", test_nesting_limit);
    g_test_add_func("/qjson/jansson-differences", test_jansson_differences);
    g_test_add_func("/qjson/error-mapping", test_error_mapping);
    return g_test_run();
}
