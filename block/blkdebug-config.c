/*
 * blkdebug configuration and rule engine.
 *
 * The config file has QEMU's -readconfig syntax: "[group]" or
 * "[group "id"]" headers followed by 'key = "value"' lines.  Inline
 * options ("inject-error.0.event=...") describe the same groups.  Every
 * section first becomes a validated option set, and only once all of them
 * parsed are they turned into rules, so errors come out in QEMU's order.
 */
#include "qemu/osdep.h"
#include "block/blkdebug.h"
#include "qemu/option.h"
#include "qemu/cutils.h"
#include "qapi/util.h"

const char *const BlkdebugIOType_str[BLKDEBUG_IO_TYPE__MAX] = {
    [BLKDEBUG_IO_TYPE_READ] = "read",
    [BLKDEBUG_IO_TYPE_WRITE] = "write",
    [BLKDEBUG_IO_TYPE_WRITE_ZEROES] = "write-zeroes",
    [BLKDEBUG_IO_TYPE_DISCARD] = "discard",
    [BLKDEBUG_IO_TYPE_FLUSH] = "flush",
    [BLKDEBUG_IO_TYPE_BLOCK_STATUS] = "block-status",
};

static const QemuOptDesc inject_error_desc[] = {
    { .name = "event", .type = QEMU_OPT_STRING },
    { .name = "state", .type = QEMU_OPT_NUMBER },
    { .name = "iotype", .type = QEMU_OPT_STRING },
    { .name = "errno", .type = QEMU_OPT_NUMBER },
    { .name = "sector", .type = QEMU_OPT_NUMBER },
    { .name = "once", .type = QEMU_OPT_BOOL },
    { .name = "immediately", .type = QEMU_OPT_BOOL },
    { .name = NULL }
};

static const QemuOptDesc set_state_desc[] = {
    { .name = "event", .type = QEMU_OPT_STRING },
    { .name = "state", .type = QEMU_OPT_NUMBER },
    { .name = "new_state", .type = QEMU_OPT_NUMBER },
    { .name = NULL }
};

static const QemuOptsList inject_error_list = {
    .name = "inject-error",
    .desc = inject_error_desc,
};

static const QemuOptsList set_state_list = {
    .name = "set-state",
    .desc = set_state_desc,
};

/* The sections read so far for one group, in definition order. */
typedef struct ConfigGroup {
    const QemuOptsList *list;
    BlkdebugAction action;
    GPtrArray *opts;            /* QemuOpts * */
    GPtrArray *ids;             /* char *, NULL for anonymous sections */
} ConfigGroup;

enum { GROUP_INJECT_ERROR, GROUP_SET_STATE, GROUP__MAX };

static void config_groups_init(ConfigGroup *g)
{
    g[GROUP_INJECT_ERROR] = (ConfigGroup) {
        .list = &inject_error_list,
        .action = BLKDEBUG_ACTION_INJECT_ERROR,
    };
    g[GROUP_SET_STATE] = (ConfigGroup) {
        .list = &set_state_list,
        .action = BLKDEBUG_ACTION_SET_STATE,
    };
    for (int i = 0; i < GROUP__MAX; i++) {
        g[i].opts = g_ptr_array_new_with_free_func(
            (GDestroyNotify)qemu_opts_del);
        g[i].ids = g_ptr_array_new_with_free_func(g_free);
    }
}

static void config_groups_destroy(ConfigGroup *g)
{
    for (int i = 0; i < GROUP__MAX; i++) {
        g_ptr_array_free(g[i].opts, true);
        g_ptr_array_free(g[i].ids, true);
    }
}

/* A new section in @g, as qemu_opts_create(list, id, fail_if_exists). */
static QemuOpts *config_group_add(ConfigGroup *g, const char *id,
                                  Error **errp)
{
    if (id) {
        if (!id_wellformed(id)) {
            error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "id",
                       "an identifier");
            error_append_hint(errp, "Identifiers consist of letters, digits, "
                              "'-', '.', '_', starting with a letter.\n");
            return NULL;
        }
        for (guint i = 0; i < g->ids->len; i++) {
            const char *other = g_ptr_array_index(g->ids, i);
            if (other && !strcmp(other, id)) {
                error_setg(errp, "Duplicate ID '%s' for %s", id,
                           g->list->name);
                return NULL;
            }
        }
    }
    g_ptr_array_add(g->opts, qemu_opts_create(g->list));
    g_ptr_array_add(g->ids, g_strdup(id));
    return g_ptr_array_index(g->opts, g->opts->len - 1);
}

/* Forget the section config_group_add() just returned. */
static void config_group_drop_last(ConfigGroup *g)
{
    g_ptr_array_remove_index(g->opts, g->opts->len - 1);
    g_ptr_array_remove_index(g->ids, g->ids->len - 1);
}

static ConfigGroup *config_group_find(ConfigGroup *g, const char *name,
                                      Error **errp)
{
    for (int i = 0; i < GROUP__MAX; i++) {
        if (!strcmp(g[i].list->name, name)) {
            return &g[i];
        }
    }
    error_setg(errp, "There is no option group '%s'", name);
    return NULL;
}

/* The first key of @d in QEMU's walk order (messages name it). */
static char *first_key(QDict *d)
{
    g_auto(GStrv) keys = qdict_qemu_keys(d);

    return g_strdup(keys[0]);
}

/* One section of the config file, as qemu_opts_from_qdict(). */
static bool config_file_section(ConfigGroup *groups, const char *name,
                                QDict *section, Error **errp)
{
    ConfigGroup *g = config_group_find(groups, name, errp);
    g_auto(GStrv) keys = NULL;
    QemuOpts *opts;

    if (!g) {
        return false;
    }
    opts = config_group_add(g, qdict_get_try_str(section, "id"), errp);
    if (!opts) {
        return false;
    }
    keys = qdict_qemu_keys(section);
    for (int i = 0; keys[i]; i++) {
        if (!strcmp(keys[i], "id")) {
            continue;
        }
        if (!qemu_opt_set(opts, keys[i], qdict_get_str(section, keys[i]),
                          errp)) {
            config_group_drop_last(g);
            return false;
        }
    }
    return true;
}

/*
 * Read the file line by line with QEMU's exact scanf patterns and buffer
 * sizes, so that odd input is accepted or refused just as QEMU does.
 */
static bool config_parse_file(ConfigGroup *groups, FILE *fp, Error **errp)
{
    char line[1024], prev_group[64], group[64], arg[64], value[1024];
    QDict *section = NULL;
    bool ok = false;

    prev_group[0] = group[0] = '\0';
    while (fgets(line, sizeof(line), fp)) {
        if (line[0] == '\n' || line[0] == '#') {
            continue;
        }
        if (line[0] == '[') {
            QDict *prev = section;

            if (sscanf(line, "[%63s \"%63[^\"]\"]", group, value) == 2) {
                section = qdict_new();
                qdict_put_str(section, "id", value);
            } else if (sscanf(line, "[%63[^]]]", group) == 1) {
                section = qdict_new();
            }
            if (section != prev) {
                if (prev) {
                    bool prev_ok = config_file_section(groups, prev_group,
                                                       prev, errp);
                    qobject_unref(prev);
                    if (!prev_ok) {
                        goto out;
                    }
                }
                strcpy(prev_group, group);
                continue;
            }
        }
        value[0] = '\0';
        if (sscanf(line, " %63s = \"%1023[^\"]\"", arg, value) == 2 ||
            sscanf(line, " %63s = \"\"", arg) == 1) {
            if (!section) {
                error_setg(errp, "no group defined");
                goto out;
            }
            qdict_put_str(section, arg, value);
            continue;
        }
        error_setg(errp, "parse error");
        goto out;
    }
    if (ferror(fp)) {
        error_setg_errno(errp, errno, "Cannot read config file");
        goto out;
    }
    /* QEMU names the last section after the last header it scanned. */
    ok = !section || config_file_section(groups, group, section, errp);
out:
    qobject_unref(section);
    return ok;
}

/*
 * Split "0.k", "1.k", ... of @src into a list of dicts (or scalars for
 * plain "N" keys), stopping at the first index that is missing or both.
 */
static GPtrArray *array_split(QDict *src)
{
    GPtrArray *list = g_ptr_array_new_with_free_func(
        (GDestroyNotify)json_decref);

    for (unsigned i = 0; ; i++) {
        g_autofree char *index = g_strdup_printf("%u", i);
        g_autofree char *prefix = g_strdup_printf("%u.", i);
        QObject *scalar = qdict_get(src, index);
        bool has_sub = false;
        const char *key;
        QObject *val;

        qdict_foreach(src, key, val) {
            if (g_str_has_prefix(key, prefix)) {
                has_sub = true;
                break;
            }
        }
        if (!scalar == !has_sub) {
            break;
        }
        if (has_sub) {
            QDict *sub = NULL;
            qdict_extract_subqdict(src, &sub, prefix);
            g_ptr_array_add(list, sub);
        } else {
            g_ptr_array_add(list, qobject_ref(scalar));
            qdict_del(src, index);
        }
    }
    return list;
}

/* The inline "<group>.*" options, as QEMU's config_parse_qdict_section(). */
static bool config_parse_inline(ConfigGroup *g, QDict *options, Error **errp)
{
    g_autofree char *prefix = g_strdup_printf("%s.", g->list->name);
    g_autoptr(GPtrArray) list = NULL;
    QDict *sub = NULL;
    QemuOpts *opts;
    size_t orig_size, left;
    bool ok = false;

    qdict_extract_subqdict(options, &sub, prefix);
    orig_size = qdict_size(sub);
    if (!orig_size) {
        ok = true;
        goto out;
    }

    /* A single anonymous section: "inject-error.event=..." */
    opts = config_group_add(g, NULL, errp);
    if (!qemu_opts_absorb_qdict(opts, sub, errp)) {
        goto out;
    }
    left = qdict_size(sub);
    if (left && left < orig_size) {
        g_autofree char *key = first_key(sub);
        error_setg(errp, "Unknown option '%s' for [%s]", key, g->list->name);
        goto out;
    }
    if (!left) {
        ok = true;
        goto out;
    }

    /* Enumerated sections: "inject-error.0.event=..." */
    config_group_drop_last(g);
    list = array_split(sub);
    if (qdict_size(sub)) {
        g_autofree char *key = first_key(sub);
        error_setg(errp, "Unused option '%s' for [%s]", key, g->list->name);
        goto out;
    }
    for (guint i = 0; i < list->len; i++) {
        QObject *section = g_ptr_array_index(list, i);
        g_autofree char *id = NULL;

        if (!qobject_is_dict(section)) {
            error_setg(errp, "[%s] section (index %u) does not consist of "
                       "keys", g->list->name, i);
            goto out;
        }
        id = g_strdup_printf("%s.%u", g->list->name, i);
        opts = config_group_add(g, id, errp);
        if (!opts) {
            goto out;
        }
        if (!qemu_opts_absorb_qdict(opts, section, errp)) {
            config_group_drop_last(g);
            goto out;
        }
        if (qdict_size(section)) {
            g_autofree char *key = first_key(section);
            error_setg(errp, "[%s] section doesn't support the option '%s'",
                       g->list->name, key);
            config_group_drop_last(g);
            goto out;
        }
    }
    ok = true;
out:
    qobject_unref(sub);
    return ok;
}

static void rule_free(BlkdebugRule *rule)
{
    QLIST_REMOVE(rule, next);
    if (rule->action == BLKDEBUG_ACTION_SUSPEND) {
        g_free(rule->options.suspend.tag);
    }
    g_free(rule);
}

/* Turn one validated section into a rule, as QEMU's add_rule(). */
static bool add_rule(BlkdebugRules *r, BlkdebugAction action, QemuOpts *opts,
                     Error **errp)
{
    const char *event_name = qemu_opt_get(opts, "event");
    const char *iotype_name;
    BlkdebugRule *rule;
    int event;

    if (!event_name) {
        error_setg(errp, "Missing event name for rule");
        return false;
    }
    event = qapi_enum_parse(BlkdebugEvent_str, BLKDBG__MAX, event_name, -1,
                            errp);
    if (event < 0) {
        return false;
    }

    rule = g_new0(BlkdebugRule, 1);
    rule->event = event;
    rule->action = action;
    rule->state = (int)qemu_opt_get_number(opts, "state", 0);

    switch (action) {
    case BLKDEBUG_ACTION_INJECT_ERROR: {
        /* Numbers wrap like QEMU's: sector=-1 means "any". */
        int64_t sector = (int64_t)qemu_opt_get_number(opts, "sector",
                                                      (uint64_t)-1);
        /*
         * The request returns -errno, and INT_MIN has no negation (QEMU
         * negates it anyway: "Unknown error -2147483648"): EIO, the
         * default, instead.
         */
        int error = (int)qemu_opt_get_number(opts, "errno", EIO);

        rule->options.inject.error = error == INT_MIN ? EIO : error;
        rule->options.inject.once = qemu_opt_get_bool(opts, "once", false);
        rule->options.inject.immediately =
            qemu_opt_get_bool(opts, "immediately", false);
        rule->options.inject.offset =
            sector == -1 ? -1 : (int64_t)((uint64_t)sector * BDRV_SECTOR_SIZE);

        iotype_name = qemu_opt_get(opts, "iotype");
        if (iotype_name) {
            int iotype = qapi_enum_parse(BlkdebugIOType_str,
                                         BLKDEBUG_IO_TYPE__MAX, iotype_name,
                                         -1, errp);
            if (iotype < 0) {
                g_free(rule);
                return false;
            }
            rule->options.inject.iotype_mask = 1ull << iotype;
        } else {
            /* Everything but block-status, as QEMU. */
            rule->options.inject.iotype_mask =
                (1ull << BLKDEBUG_IO_TYPE_READ) |
                (1ull << BLKDEBUG_IO_TYPE_WRITE) |
                (1ull << BLKDEBUG_IO_TYPE_WRITE_ZEROES) |
                (1ull << BLKDEBUG_IO_TYPE_DISCARD) |
                (1ull << BLKDEBUG_IO_TYPE_FLUSH);
        }
        break;
    }
    case BLKDEBUG_ACTION_SET_STATE:
        rule->options.set_state.new_state =
            (int)qemu_opt_get_number(opts, "new_state", 0);
        break;
    default:
        g_assert_not_reached();
    }

    /* Head insertion: later rules of an event are looked at first. */
    QLIST_INSERT_HEAD(&r->rules[event], rule, next);
    return true;
}

void blkdebug_rules_init(BlkdebugRules *r)
{
    r->state = 1;
    for (int i = 0; i < BLKDBG__MAX; i++) {
        QLIST_INIT(&r->rules[i]);
    }
    QTAILQ_INIT(&r->active_rules);
}

void blkdebug_rules_destroy(BlkdebugRules *r)
{
    BlkdebugRule *rule, *next;

    for (int i = 0; i < BLKDBG__MAX; i++) {
        QLIST_FOREACH_SAFE(rule, &r->rules[i], next, next) {
            rule_free(rule);
        }
    }
    QTAILQ_INIT(&r->active_rules);
}

int blkdebug_read_config(BlkdebugRules *r, const char *filename,
                         QDict *options, Error **errp)
{
    ConfigGroup groups[GROUP__MAX];
    FILE *f = NULL;
    int ret = -EINVAL;

    config_groups_init(groups);
    if (filename) {
        f = fopen(filename, "r");
        if (!f) {
            ret = -errno;
            error_setg_errno(errp, errno, "Could not read blkdebug config "
                             "file");
            goto out;
        }
        if (!config_parse_file(groups, f, errp)) {
            goto out;
        }
    }
    for (int i = 0; i < GROUP__MAX; i++) {
        if (!config_parse_inline(&groups[i], options, errp)) {
            goto out;
        }
    }
    for (int i = 0; i < GROUP__MAX; i++) {
        for (guint j = 0; j < groups[i].opts->len; j++) {
            if (!add_rule(r, groups[i].action,
                          g_ptr_array_index(groups[i].opts, j), errp)) {
                goto out;
            }
        }
    }
    ret = 0;
out:
    if (f) {
        fclose(f);
    }
    config_groups_destroy(groups);
    return ret;
}

int blkdebug_rules_event(BlkdebugRules *r, BlkdebugEvent event,
                         BlkdebugSuspendFunc *suspend, void *opaque)
{
    BlkdebugRule *rule, *next;
    int new_state = r->state;
    bool armed = false;
    int suspended = 0;

    assert((int)event >= 0 && event < BLKDBG__MAX);
    QLIST_FOREACH_SAFE(rule, &r->rules[event], next, next) {
        /* Rules are matched against the state before this event. */
        if (rule->state && rule->state != r->state) {
            continue;
        }
        switch (rule->action) {
        case BLKDEBUG_ACTION_INJECT_ERROR:
            /* The first matching rule replaces what earlier events armed. */
            if (!armed) {
                QTAILQ_INIT(&r->active_rules);
                armed = true;
            }
            QTAILQ_INSERT_HEAD(&r->active_rules, rule, active_next);
            break;
        case BLKDEBUG_ACTION_SET_STATE:
            new_state = rule->options.set_state.new_state;
            break;
        case BLKDEBUG_ACTION_SUSPEND:
            if (suspend) {
                suspend(opaque, rule->options.suspend.tag);
            }
            rule_free(rule);
            suspended++;
            break;
        default:
            g_assert_not_reached();
        }
    }
    r->state = new_state;
    return suspended;
}

int blkdebug_rules_check(BlkdebugRules *r, uint64_t offset, uint64_t bytes,
                         BlkdebugIOType iotype, bool *immediately)
{
    BlkdebugRule *rule;
    int error;

    QTAILQ_FOREACH(rule, &r->active_rules, active_next) {
        /* Compared unsigned, as QEMU: a negative sector never matches. */
        uint64_t inject_offset = rule->options.inject.offset;

        if ((inject_offset == (uint64_t)-1 ||
             (bytes && inject_offset >= offset &&
              inject_offset < offset + bytes)) &&
            (rule->options.inject.iotype_mask & (1ull << iotype))) {
            break;
        }
    }
    /* The first match decides, even when it injects nothing (errno=0). */
    if (!rule || !rule->options.inject.error) {
        return 0;
    }
    error = rule->options.inject.error;
    if (immediately) {
        *immediately = rule->options.inject.immediately;
    }
    if (rule->options.inject.once) {
        QTAILQ_REMOVE(&r->active_rules, rule, active_next);
        rule_free(rule);
    }
    return error;
}

int blkdebug_rules_add_breakpoint(BlkdebugRules *r, const char *event,
                                  const char *tag)
{
    int ev = blkdebug_event_from_name(event);
    BlkdebugRule *rule;

    if (ev < 0) {
        return -ENOENT;
    }
    rule = g_new0(BlkdebugRule, 1);
    rule->event = ev;
    rule->action = BLKDEBUG_ACTION_SUSPEND;
    rule->options.suspend.tag = g_strdup(tag);
    QLIST_INSERT_HEAD(&r->rules[ev], rule, next);
    return 0;
}

bool blkdebug_rules_remove_breakpoints(BlkdebugRules *r, const char *tag)
{
    BlkdebugRule *rule, *next;
    bool found = false;

    for (int i = 0; i < BLKDBG__MAX; i++) {
        QLIST_FOREACH_SAFE(rule, &r->rules[i], next, next) {
            if (rule->action == BLKDEBUG_ACTION_SUSPEND &&
                !strcmp(rule->options.suspend.tag, tag)) {
                rule_free(rule);
                found = true;
            }
        }
    }
    return found;
}
