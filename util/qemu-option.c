/*
 * Typed options (QEMU's QemuOpts) with QEMU 7.2's parsers and messages.
 *
 * Values are kept as the strings they were given in; they are validated
 * when set, and the getters parse them again.  A name set twice keeps
 * the last value.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/option.h"

typedef struct QemuOpt {
    char *name;
    char *str;
} QemuOpt;

struct QemuOpts {
    const QemuOptsList *list;
    GPtrArray *opts;            /* QemuOpt *, in the order they were set */
};

static void qemu_opt_free(gpointer p)
{
    QemuOpt *opt = p;

    g_free(opt->name);
    g_free(opt->str);
    g_free(opt);
}

QemuOpts *qemu_opts_create(const QemuOptsList *list)
{
    QemuOpts *opts = g_new0(QemuOpts, 1);

    opts->list = list;
    opts->opts = g_ptr_array_new_with_free_func(qemu_opt_free);
    return opts;
}

void qemu_opts_del(QemuOpts *opts)
{
    if (opts) {
        g_ptr_array_free(opts->opts, true);
        g_free(opts);
    }
}

/* A list without descriptions takes any option as a string. */
static bool opts_accepts_any(const QemuOptsList *list)
{
    return !list->desc || !list->desc[0].name;
}

static const QemuOptDesc *find_desc(const QemuOptsList *list,
                                    const char *name)
{
    const QemuOptDesc *desc;

    for (desc = list->desc; desc && desc->name; desc++) {
        if (!strcmp(desc->name, name)) {
            return desc;
        }
    }
    return NULL;
}

bool qemu_parse_bool(const char *name, const char *value, bool *ret,
                     Error **errp)
{
    if (!strcmp(value, "on") || !strcmp(value, "yes") ||
        !strcmp(value, "true") || !strcmp(value, "y")) {
        *ret = true;
        return true;
    }
    if (!strcmp(value, "off") || !strcmp(value, "no") ||
        !strcmp(value, "false") || !strcmp(value, "n")) {
        *ret = false;
        return true;
    }
    error_setg(errp, QERR_INVALID_PARAMETER_VALUE, name, "'on' or 'off'");
    return false;
}

bool qemu_parse_number(const char *name, const char *value, uint64_t *ret,
                       Error **errp)
{
    uint64_t number;
    int err;

    err = qemu_strtou64(value, NULL, 0, &number);
    if (err == -ERANGE) {
        error_setg(errp, "Value '%s' is too large for parameter '%s'",
                   value, name);
        return false;
    }
    if (err) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, name, "a number");
        return false;
    }
    *ret = number;
    return true;
}

bool qemu_parse_size(const char *name, const char *value, uint64_t *ret,
                     Error **errp)
{
    uint64_t size;
    int err;

    err = qemu_strtosz(value, NULL, &size);
    if (err == -ERANGE) {
        error_setg(errp, "Value '%s' is out of range for parameter '%s'",
                   value, name);
        return false;
    }
    if (err) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, name,
                   "a non-negative number below 2^64");
        error_append_hint(errp, "Optional suffix k, M, G, T, P or E means"
                          " kilo-, mega-, giga-, tera-, peta-\n"
                          "and exabytes, respectively.\n");
        return false;
    }
    *ret = size;
    return true;
}

static bool validate(const QemuOptDesc *desc, const char *name,
                     const char *value, Error **errp)
{
    bool b;
    uint64_t n;

    switch (desc ? desc->type : QEMU_OPT_STRING) {
    case QEMU_OPT_BOOL:
        return qemu_parse_bool(name, value, &b, errp);
    case QEMU_OPT_NUMBER:
        return qemu_parse_number(name, value, &n, errp);
    case QEMU_OPT_SIZE:
        return qemu_parse_size(name, value, &n, errp);
    case QEMU_OPT_STRING:
    default:
        return true;
    }
}

bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  Error **errp)
{
    const QemuOptDesc *desc = find_desc(opts->list, name);
    QemuOpt *opt;

    if (!desc && !opts_accepts_any(opts->list)) {
        error_setg(errp, QERR_INVALID_PARAMETER, name);
        return false;
    }
    if (!validate(desc, name, value, errp)) {
        return false;
    }
    opt = g_new(QemuOpt, 1);
    opt->name = g_strdup(name);
    opt->str = g_strdup(value);
    g_ptr_array_add(opts->opts, opt);
    return true;
}

static QemuOpt *find_opt(QemuOpts *opts, const char *name)
{
    guint i;

    for (i = opts->opts->len; i > 0; i--) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i - 1);

        if (!strcmp(opt->name, name)) {
            return opt;
        }
    }
    return NULL;
}

bool qemu_opts_absorb_qdict(QemuOpts *opts, QDict *qdict, Error **errp)
{
    g_auto(GStrv) keys = qdict_qemu_keys(qdict);
    size_t i;

    /* QEMU's walk order decides which bad option is reported. */
    for (i = 0; keys[i]; i++) {
        g_autofree char *value = NULL;

        if (!opts_accepts_any(opts->list) && !find_desc(opts->list, keys[i])) {
            continue;
        }
        if (strcmp(keys[i], "id") != 0) {
            /* dicts, lists and null are dropped without a word */
            value = qobject_to_opt_string(qdict_get(qdict, keys[i]));
            if (value && !qemu_opt_set(opts, keys[i], value, errp)) {
                return false;
            }
        }
        qdict_del(qdict, keys[i]);
    }
    return true;
}

bool qemu_opts_do_parse(QemuOpts *opts, const char *params,
                        const char *firstname, Error **errp)
{
    const char *p = params;

    while (*p) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        p = qemu_opt_parse_element(p, firstname, false, NULL, &name, &value);
        firstname = NULL;
        if (!strcmp(name, "id")) {
            continue;
        }
        if (!qemu_opt_set(opts, name, value, errp)) {
            return false;
        }
    }
    return true;
}

QDict *qemu_opts_to_qdict(QemuOpts *opts, QDict *qdict)
{
    guint i;

    if (!qdict) {
        qdict = qdict_new();
    }
    for (i = 0; i < opts->opts->len; i++) {
        QemuOpt *opt = g_ptr_array_index(opts->opts, i);

        qdict_put_str(qdict, opt->name, opt->str);
    }
    return qdict;
}

const char *qemu_opt_get(QemuOpts *opts, const char *name)
{
    QemuOpt *opt = find_opt(opts, name);
    const QemuOptDesc *desc;

    if (opt) {
        return opt->str;
    }
    desc = find_desc(opts->list, name);
    return desc ? desc->def_value_str : NULL;
}

bool qemu_opt_has(QemuOpts *opts, const char *name)
{
    return find_opt(opts, name) != NULL;
}

bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval)
{
    const char *str = qemu_opt_get(opts, name);
    bool ret = defval;

    if (str && !qemu_parse_bool(name, str, &ret, NULL)) {
        ret = defval;
    }
    return ret;
}

uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name,
                             uint64_t defval)
{
    const char *str = qemu_opt_get(opts, name);
    uint64_t ret = defval;

    if (str && !qemu_parse_number(name, str, &ret, NULL)) {
        ret = defval;
    }
    return ret;
}

uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name,
                           uint64_t defval)
{
    const char *str = qemu_opt_get(opts, name);
    uint64_t ret = defval;

    if (str && !qemu_parse_size(name, str, &ret, NULL)) {
        ret = defval;
    }
    return ret;
}

static const char *opt_type_name(QemuOptType type)
{
    switch (type) {
    case QEMU_OPT_BOOL:
        return "bool (on/off)";
    case QEMU_OPT_NUMBER:
        return "num";
    case QEMU_OPT_SIZE:
        return "size";
    case QEMU_OPT_STRING:
    default:
        return "str";
    }
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void qemu_opts_print_help(const QemuOptsList *list, bool print_caption)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);
    const QemuOptDesc *desc;
    guint i;

    for (desc = list->desc; desc && desc->name; desc++) {
        GString *s = g_string_new(NULL);

        g_string_append_printf(s, "  %s=<%s>", desc->name,
                               opt_type_name(desc->type));
        if (desc->help) {
            if (s->len < 24) {
                g_string_append_printf(s, "%*s", 24 - (int)s->len, "");
            }
            g_string_append_printf(s, " - %s", desc->help);
        }
        g_ptr_array_add(lines, g_string_free(s, false));
    }
    g_ptr_array_sort(lines, cmp_str);
    if (print_caption && lines->len > 0) {
        if (list->name) {
            printf("%s options:\n", list->name);
        } else {
            printf("Options:\n");
        }
    } else if (lines->len == 0) {
        if (list->name) {
            printf("There are no options for %s.\n", list->name);
        } else {
            printf("No options available.\n");
        }
    }
    for (i = 0; i < lines->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(lines, i));
    }
}
