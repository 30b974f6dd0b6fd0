/*
 * blkdebug config parser and rule engine, without a node graph.
 * Expected messages were taken from QEMU 7.2 runs (qemu-img info on
 * blkdebug:CFG:IMG with the same input).
 */
#include "qemu/osdep.h"
#include "block/blkdebug.h"

typedef struct Fixture {
    BlkdebugRules rules;
    char *path;                 /* temporary config file */
} Fixture;

static void fixture_setup(Fixture *f, gconstpointer data)
{
    int fd = g_file_open_tmp("blkdebug-cfg-XXXXXX", &f->path, NULL);

    g_assert_cmpint(fd, >=, 0);
    close(fd);
    blkdebug_rules_init(&f->rules);
}

static void fixture_teardown(Fixture *f, gconstpointer data)
{
    blkdebug_rules_destroy(&f->rules);
    unlink(f->path);
    g_free(f->path);
}

/* Write @text as the config file and read it, plus inline @json options. */
static int read_cfg(Fixture *f, const char *text, const char *json,
                    Error **errp)
{
    QDict *options = json ? qobject_from_json(json, &error_abort) : qdict_new();
    int ret;

    if (json) {
        qdict_flatten(options);
    }
    g_assert_true(g_file_set_contents(f->path, text ? text : "", -1, NULL));
    ret = blkdebug_read_config(&f->rules, text ? f->path : NULL, options,
                               errp);
    qobject_unref(options);
    return ret;
}

static void check_error(Fixture *f, const char *text, const char *json,
                        const char *msg)
{
    Error *err = NULL;

    g_assert_cmpint(read_cfg(f, text, json, &err), <, 0);
    g_assert_nonnull(err);
    g_assert_cmpstr(error_get_pretty(err), ==, msg);
    error_free(err);
}

static int count_rules(BlkdebugRules *r, BlkdebugEvent ev)
{
    BlkdebugRule *rule;
    int n = 0;

    QLIST_FOREACH(rule, &r->rules[ev], next) {
        n++;
    }
    return n;
}

static void test_file_ok(Fixture *f, gconstpointer data)
{
    BlkdebugRule *rule;

    g_assert_cmpint(read_cfg(f,
        "# comment\n"
        "\n"
        "[inject-error]\n"
        "event = \"read_aio\"\n"
        "errno = \"28\"\n"
        "sector = \"2\"\n"
        "once = \"on\"\n"
        "iotype = \"write\"\n"
        "[inject-error \"second\"]\n"
        "  event = \"read_aio\"   trailing words are ignored\n"
        "[set-state]\n"
        "event = \"write_aio\"\n"
        "state = \"1\"\n"
        "new_state = \"2\"\n", NULL, &error_abort), ==, 0);

    g_assert_cmpint(f->rules.state, ==, 1);
    g_assert_cmpint(count_rules(&f->rules, BLKDBG_READ_AIO), ==, 2);
    g_assert_cmpint(count_rules(&f->rules, BLKDBG_WRITE_AIO), ==, 1);

    /* Later sections come first in an event's list. */
    rule = QLIST_FIRST(&f->rules.rules[BLKDBG_READ_AIO]);
    g_assert_cmpint(rule->options.inject.error, ==, EIO);
    g_assert_cmpint(rule->options.inject.offset, ==, -1);
    g_assert_false(rule->options.inject.once);
    g_assert_cmphex(rule->options.inject.iotype_mask, ==, 0x1f);
    rule = QLIST_NEXT(rule, next);
    g_assert_cmpint(rule->options.inject.error, ==, 28);
    g_assert_cmpint(rule->options.inject.offset, ==, 1024);
    g_assert_true(rule->options.inject.once);
    g_assert_cmphex(rule->options.inject.iotype_mask, ==,
                    1 << BLKDEBUG_IO_TYPE_WRITE);

    rule = QLIST_FIRST(&f->rules.rules[BLKDBG_WRITE_AIO]);
    g_assert_cmpint(rule->action, ==, BLKDEBUG_ACTION_SET_STATE);
    g_assert_cmpint(rule->state, ==, 1);
    g_assert_cmpint(rule->options.set_state.new_state, ==, 2);
}

static void test_file_errors(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        { "[foo]\nevent = \"read_aio\"\n", "There is no option group 'foo'" },
        /* The last section is checked too. */
        { "[inject-error]\nevent = \"read_aio\"\n[foo]\n",
          "There is no option group 'foo'" },
        { "event = \"read_aio\"\n", "no group defined" },
        { "[]\n", "no group defined" },
        /* QEMU names the last section after the last header it scanned. */
        { "[inject-error]\nevent = \"read_aio\"\n[]\n",
          "There is no option group ']'" },
        { "  \n", "parse error" },
        { "[inject-error]\nbar = \"1\"\n", "Invalid parameter 'bar'" },
        { "[inject-error]\nevent=\"read_aio\"\n",
          "Invalid parameter 'event=\"read_aio\"'" },
        { "[inject-error]\nevent = \"nope\"\n", "invalid parameter value: nope" },
        { "[inject-error]\nevent = \"\"\n", "invalid parameter value: " },
        { "[inject-error]\n", "Missing event name for rule" },
        { "[set-state]\nstate = \"1\"\n", "Missing event name for rule" },
        { "[inject-error]\nevent = \"read_aio\"\niotype = \"read,write\"\n",
          "invalid parameter value: read,write" },
        { "[inject-error]\nevent = \"read_aio\"\nonce = \"maybe\"\n",
          "Parameter 'once' expects 'on' or 'off'" },
        { "[inject-error]\nevent = \"read_aio\"\nerrno = \"x\"\n",
          "Parameter 'errno' expects a number" },
        /* The first bad key in QEMU's dict order is reported. */
        { "[inject-error]\nevent = \"read_aio\"\nstate = \"abc\"\n"
          "errno = \"x\"\nonce = \"x\"\nsector = \"x\"\nimmediately = \"x\"\n",
          "Parameter 'immediately' expects 'on' or 'off'" },
        { "[inject-error \"a\"]\nevent = \"read_aio\"\n"
          "[inject-error \"a\"]\nevent = \"read_aio\"\n",
          "Duplicate ID 'a' for inject-error" },
        { "[inject-error \"1a\"]\nevent = \"read_aio\"\n",
          "Parameter 'id' expects an identifier" },
        /* Values are checked for every section before any rule is made. */
        { "[inject-error]\nevent = \"x\"\n[set-state]\nevent = \"read_aio\"\n"
          "new_state = \"x\"\n", "Parameter 'new_state' expects a number" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        check_error(f, cases[i].text, NULL, cases[i].msg);
        /* A failed read leaves no rule behind for the caller to free. */
        blkdebug_rules_destroy(&f->rules);
        blkdebug_rules_init(&f->rules);
    }
}

static void test_missing_file(Fixture *f, gconstpointer data)
{
    QDict *options = qdict_new();
    Error *err = NULL;

    g_assert_cmpint(blkdebug_read_config(&f->rules, "/nonexistent/cfg",
                                         options, &err), ==, -ENOENT);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Could not read blkdebug config file: No such file or "
                    "directory");
    error_free(err);
    qobject_unref(options);
}

static void test_inline(Fixture *f, gconstpointer data)
{
    BlkdebugRule *rule;

    g_assert_cmpint(read_cfg(f, "[inject-error]\nevent = \"read_aio\"\n",
        "{\"inject-error\": [{\"event\": \"read_aio\", \"errno\": 28},"
        "                    {\"event\": \"flush_to_disk\", \"once\": true}],"
        " \"set-state.event\": \"none\", \"set-state.new_state\": \"3\","
        " \"other\": \"kept\"}", &error_abort), ==, 0);
    g_assert_cmpint(count_rules(&f->rules, BLKDBG_READ_AIO), ==, 2);
    /* The inline rule came after the file's, so it is first. */
    rule = QLIST_FIRST(&f->rules.rules[BLKDBG_READ_AIO]);
    g_assert_cmpint(rule->options.inject.error, ==, 28);
    rule = QLIST_FIRST(&f->rules.rules[BLKDBG_FLUSH_TO_DISK]);
    g_assert_true(rule->options.inject.once);
    rule = QLIST_FIRST(&f->rules.rules[BLKDBG_NONE]);
    g_assert_cmpint(rule->options.set_state.new_state, ==, 3);
}

static void test_inline_errors(Fixture *f, gconstpointer data)
{
    static const struct {
        const char *json, *msg;
    } cases[] = {
        { "{\"inject-error.event\": \"read_aio\","
          " \"inject-error.0.event\": \"read_aio\"}",
          "Unknown option '0.event' for [inject-error]" },
        { "{\"inject-error.1.event\": \"read_aio\"}",
          "Unused option '1.event' for [inject-error]" },
        { "{\"inject-error.0\": \"read_aio\"}",
          "[inject-error] section (index 0) does not consist of keys" },
        { "{\"inject-error.0.foo\": \"read_aio\"}",
          "[inject-error] section doesn't support the option 'foo'" },
        { "{\"inject-error.0.event\": \"read_aio\", \"inject-error.0.once\": 1}",
          "Parameter 'once' expects 'on' or 'off'" },
        { "{\"inject-error.0.event\": \"x\", \"set-state.0.event\": \"y\"}",
          "invalid parameter value: x" },
        { "{\"set-state.0.event\": \"read_aio\","
          " \"set-state.0.new_state\": \"x\"}",
          "Parameter 'new_state' expects a number" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        check_error(f, NULL, cases[i].json, cases[i].msg);
        blkdebug_rules_destroy(&f->rules);
        blkdebug_rules_init(&f->rules);
    }
    /* Inline sections are named "<group>.N" and may clash with the file's. */
    check_error(f, "[inject-error \"inject-error.0\"]\nevent = \"none\"\n",
                "{\"inject-error.0.event\": \"read_aio\"}",
                "Duplicate ID 'inject-error.0' for inject-error");
}

/* ---------- Rule engine ---------- */

static int check(Fixture *f, uint64_t offset, uint64_t bytes,
                 BlkdebugIOType type)
{
    bool immediately;

    return blkdebug_rules_check(&f->rules, offset, bytes, type, &immediately);
}

static void test_arm_and_match(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(read_cfg(f,
        "[inject-error]\nevent = \"read_aio\"\nsector = \"1\"\n"
        "[inject-error]\nevent = \"write_aio\"\niotype = \"write\"\n"
        "errno = \"28\"\n", NULL, &error_abort), ==, 0);

    /* Nothing is armed before its event. */
    g_assert_cmpint(check(f, 0, 4096, BLKDEBUG_IO_TYPE_READ), ==, 0);

    blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO, NULL, NULL);
    g_assert_cmpint(check(f, 0, 512, BLKDEBUG_IO_TYPE_READ), ==, 0);
    g_assert_cmpint(check(f, 512, 512, BLKDEBUG_IO_TYPE_READ), ==, EIO);
    g_assert_cmpint(check(f, 0, 1024, BLKDEBUG_IO_TYPE_WRITE), ==, EIO);
    g_assert_cmpint(check(f, 500, 13, BLKDEBUG_IO_TYPE_DISCARD), ==, EIO);
    g_assert_cmpint(check(f, 1024, 512, BLKDEBUG_IO_TYPE_READ), ==, 0);
    /* Flushes have no range: only "any sector" rules hit them. */
    g_assert_cmpint(check(f, 0, 0, BLKDEBUG_IO_TYPE_FLUSH), ==, 0);
    /* block-status is not in the default mask. */
    g_assert_cmpint(check(f, 512, 512, BLKDEBUG_IO_TYPE_BLOCK_STATUS), ==, 0);
    /* Still armed: rules stay until an event arms others. */
    g_assert_cmpint(check(f, 512, 512, BLKDEBUG_IO_TYPE_READ), ==, EIO);

    blkdebug_rules_event(&f->rules, BLKDBG_WRITE_AIO, NULL, NULL);
    g_assert_cmpint(check(f, 512, 512, BLKDEBUG_IO_TYPE_READ), ==, 0);
    g_assert_cmpint(check(f, 512, 512, BLKDEBUG_IO_TYPE_WRITE), ==, 28);

    /* An event without inject-error rules leaves the armed set alone. */
    blkdebug_rules_event(&f->rules, BLKDBG_FLUSH_TO_DISK, NULL, NULL);
    g_assert_cmpint(check(f, 512, 512, BLKDEBUG_IO_TYPE_WRITE), ==, 28);
}

static void test_once_and_order(Fixture *f, gconstpointer data)
{
    bool immediately = false;

    g_assert_cmpint(read_cfg(f,
        "[inject-error]\nevent = \"read_aio\"\nerrno = \"28\"\nsector = \"0\"\n"
        "once = \"on\"\nimmediately = \"on\"\n"
        "[inject-error]\nevent = \"read_aio\"\nerrno = \"5\"\n",
        NULL, &error_abort), ==, 0);
    blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO, NULL, NULL);
    /* The first rule defined wins. */
    g_assert_cmpint(blkdebug_rules_check(&f->rules, 0, 512,
                                         BLKDEBUG_IO_TYPE_READ, &immediately),
                    ==, 28);
    g_assert_true(immediately);
    /* ... once: it is gone for good, also from its event's list. */
    g_assert_cmpint(check(f, 0, 512, BLKDEBUG_IO_TYPE_READ), ==, EIO);
    g_assert_cmpint(count_rules(&f->rules, BLKDBG_READ_AIO), ==, 1);
    blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO, NULL, NULL);
    g_assert_cmpint(check(f, 0, 512, BLKDEBUG_IO_TYPE_READ), ==, EIO);
}

static void test_errno_zero_shadows(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(read_cfg(f,
        "[inject-error]\nevent = \"read_aio\"\nerrno = \"0\"\n"
        "[inject-error]\nevent = \"read_aio\"\n", NULL, &error_abort), ==, 0);
    blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO, NULL, NULL);
    g_assert_cmpint(check(f, 0, 512, BLKDEBUG_IO_TYPE_READ), ==, 0);
}

static void test_negative_sector(Fixture *f, gconstpointer data)
{
    g_assert_cmpint(read_cfg(f,
        "[inject-error]\nevent = \"read_aio\"\nsector = \"-2\"\n",
        NULL, &error_abort), ==, 0);
    blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO, NULL, NULL);
    g_assert_cmpint(check(f, 0, UINT64_MAX / 2, BLKDEBUG_IO_TYPE_READ), ==, 0);
}

static void test_states(Fixture *f, gconstpointer data)
{
    /* State rules see the state from before the event. */
    g_assert_cmpint(read_cfg(f,
        "[inject-error]\nevent = \"read_aio\"\nstate = \"2\"\n"
        "[set-state]\nevent = \"read_aio\"\nstate = \"1\"\nnew_state = \"2\"\n"
        "[set-state]\nevent = \"write_aio\"\nnew_state = \"7\"\n",
        NULL, &error_abort), ==, 0);
    blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO, NULL, NULL);
    g_assert_cmpint(f->rules.state, ==, 2);
    g_assert_cmpint(check(f, 0, 512, BLKDEBUG_IO_TYPE_READ), ==, 0);
    blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO, NULL, NULL);
    g_assert_cmpint(check(f, 0, 512, BLKDEBUG_IO_TYPE_READ), ==, EIO);
    blkdebug_rules_event(&f->rules, BLKDBG_WRITE_AIO, NULL, NULL);
    g_assert_cmpint(f->rules.state, ==, 7);
}

static void record_tag(void *opaque, const char *tag)
{
    g_string_append_printf(opaque, "%s;", tag);
}

static void test_breakpoints(Fixture *f, gconstpointer data)
{
    g_autoptr(GString) seen = g_string_new("");

    g_assert_cmpint(read_cfg(f, NULL, NULL, &error_abort), ==, 0);
    g_assert_cmpint(blkdebug_rules_add_breakpoint(&f->rules, "nope", "A"),
                    ==, -ENOENT);
    g_assert_cmpint(blkdebug_rules_add_breakpoint(&f->rules, "read_aio", "A"),
                    ==, 0);
    g_assert_cmpint(blkdebug_rules_add_breakpoint(&f->rules, "read_aio", "B"),
                    ==, 0);
    g_assert_cmpint(blkdebug_rules_add_breakpoint(&f->rules, "write_aio", "A"),
                    ==, 0);

    /* Newest breakpoint first; each fires once. */
    g_assert_cmpint(blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO,
                                         record_tag, seen), ==, 2);
    g_assert_cmpstr(seen->str, ==, "B;A;");
    g_assert_cmpint(blkdebug_rules_event(&f->rules, BLKDBG_READ_AIO,
                                         record_tag, seen), ==, 0);

    g_assert_true(blkdebug_rules_remove_breakpoints(&f->rules, "A"));
    g_assert_false(blkdebug_rules_remove_breakpoints(&f->rules, "A"));
    g_assert_cmpint(blkdebug_rules_event(&f->rules, BLKDBG_WRITE_AIO,
                                         record_tag, seen), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
#define ADD(path, fn) \
    g_test_add("/blkdebug/" path, Fixture, NULL, fixture_setup, fn, \
               fixture_teardown)
    ADD("config/file", test_file_ok);
    ADD("config/file-errors", test_file_errors);
    ADD("config/missing-file", test_missing_file);
    ADD("config/inline", test_inline);
    ADD("config/inline-errors", test_inline_errors);
    ADD("rules/arm-and-match", test_arm_and_match);
    ADD("rules/once-and-order", test_once_and_order);
    ADD("rules/errno-zero", test_errno_zero_shadows);
    ADD("rules/negative-sector", test_negative_sector);
    ADD("rules/states", test_states);
    ADD("rules/breakpoints", test_breakpoints);
#undef ADD
    return g_test_run();
}
