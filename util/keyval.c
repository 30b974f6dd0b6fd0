/*
 * QemuOpts-style option strings ("k=v,k2.sub=v2") into flat dicts, as
 * qemu_opts_parse_noisily() + qemu_opts_to_qdict() do for qemu-io's
 * --image-opts and "open -o" (QEMU 7.2 behaviour):
 *
 * - elements are separated by ','; in a value ",," stands for one ','
 *   (names end at the first ',' or '=', so they cannot contain either);
 * - an element without '=' is a flag: "k" is k=on, "nok" is k=off, and
 *   a deprecation warning is printed unless the name is "help" or "?";
 *   an empty element (",," between options, a leading ',') is the flag
 *   "" = on; a single trailing ',' is ignored;
 * - with an implied key, a first element without '=' is that key's
 *   value (escapes apply, and it runs to the first lone ',');
 * - "id=X" is taken out: the first one must be a well-formed identifier
 *   and is stored first as "id"; other "id" elements are dropped;
 * - a repeated key keeps its first position and takes the last value.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/qdict.h"
#include "qemu/option.h"

/* Copy a value up to the first lone ',', unescaping ",,". */
static const char *get_opt_value(const char *p, char **value)
{
    GString *s = g_string_new(NULL);

    for (;;) {
        size_t len = strcspn(p, ",");

        g_string_append_len(s, p, len);
        p += len;
        if (p[0] != ',' || p[1] != ',') {
            break;
        }
        g_string_append_c(s, ',');
        p += 2;
    }
    *value = g_string_free(s, false);
    return p;
}

bool is_help_option(const char *s)
{
    return !strcmp(s, "help") || !strcmp(s, "?");
}

/*
 * Parse one element at @params into *name / *value; returns where the
 * next element starts.  Sets *is_flag_help for a bare "help" or "?".
 */
const char *qemu_opt_parse_element(const char *params, const char *firstname,
                                   bool warn_on_flag, bool *is_flag_help,
                                   char **name, char **value)
{
    size_t len = strcspn(params, "=,");
    const char *prefix = "";
    bool is_help = false;
    const char *p;

    if (params[len] != '=') {
        if (firstname) {
            *name = g_strdup(firstname);
            p = get_opt_value(params, value);
        } else {
            *name = g_strndup(params, len);
            p = params + len;
            if (g_str_has_prefix(*name, "no")) {
                memmove(*name, *name + 2, strlen(*name + 2) + 1);
                *value = g_strdup("off");
                prefix = "no";
            } else {
                *value = g_strdup("on");
                is_help = is_help_option(*name);
            }
            if (!is_help && warn_on_flag) {
                warn_report("short-form boolean option '%s%s' deprecated",
                            prefix, *name);
                if (!strcmp(*name, "delay")) {
                    fprintf(stderr, "Please use nodelay=%s instead\n",
                            prefix[0] ? "on" : "off");
                } else {
                    fprintf(stderr, "Please use %s=%s instead\n",
                            *name, *value);
                }
            }
        }
    } else {
        *name = g_strndup(params, len);
        p = get_opt_value(params + len + 1, value);
    }
    if (is_flag_help) {
        *is_flag_help = is_help;
    }
    if (*p == ',') {
        p++;
    }
    return p;
}

bool has_help_option(const char *params)
{
    const char *p = params;

    while (*p) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;
        bool help = false;

        p = qemu_opt_parse_element(p, NULL, false, &help, &name, &value);
        if (help) {
            return true;
        }
    }
    return false;
}

QDict *keyval_parse_flat(const char *str, const char *implied_key,
                         Error **errp)
{
    g_autofree char *id = NULL;
    const char *firstname = implied_key;
    const char *p;
    QDict *d;

    /* The id is looked up (without implied key) before anything else. */
    for (p = str; *p;) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        p = qemu_opt_parse_element(p, NULL, false, NULL, &name, &value);
        if (!strcmp(name, "id")) {
            id = g_steal_pointer(&value);
            break;
        }
    }
    if (id && !id_wellformed(id)) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "id", "an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        return NULL;
    }

    d = qdict_new();
    if (id) {
        qdict_put_str(d, "id", id);
    }
    for (p = str; *p;) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        p = qemu_opt_parse_element(p, firstname, true, NULL, &name, &value);
        firstname = NULL;
        if (!strcmp(name, "id")) {
            continue;
        }
        qdict_put_str(d, name, value);
    }
    return d;
}

/*
 * QEMU's keyval syntax (--object, --export, --nbd-server), as opposed to
 * the QemuOpts one above: no flags, so an element without '=' is an
 * error unless it is the first one and there is an implied key, or it
 * is "help"/"?".  Key fragments between dots are QAPI names (a letter,
 * then letters, digits, '-', '_'), or indices after the first one.
 */
static size_t keyval_fragment_len(const char *s, bool first)
{
    size_t len = 0;

    if (!first && g_ascii_isdigit(*s)) {
        while (g_ascii_isdigit(s[len])) {
            len++;
        }
        return len;
    }
    if (!g_ascii_isalpha(*s)) {
        return 0;
    }
    while (g_ascii_isalnum(s[len]) || s[len] == '-' || s[len] == '_') {
        len++;
    }
    return len;
}

/* "a" and "a.b" cannot both be set: QEMU's "used inconsistently". */
static bool keyval_check_prefixes(QDict *d, const char *key, Error **errp)
{
    const char *other;
    QObject *val;

    qdict_foreach(d, other, val) {
        size_t n = strlen(other), m = strlen(key);
        const char *shorter = n < m ? other : key;
        size_t len = MIN(n, m);

        if (n != m && !strncmp(other, key, len) &&
            (n < m ? key : other)[len] == '.') {
            error_setg(errp, "Parameters '%s.*' used inconsistently", shorter);
            return false;
        }
    }
    return true;
}

QDict *keyval_parse(const char *str, const char *implied_key, bool *help,
                    Error **errp)
{
    g_autoptr(QObject) d = qdict_new();
    const char *p = str;
    bool want_help = false;

    while (*p) {
        size_t len = strcspn(p, "=,");
        g_autofree char *key = NULL;
        GString *val;

        if (len && p[len] != '=') {
            g_autofree char *word = g_strndup(p, len);

            if (is_help_option(word)) {
                want_help = true;
                p += len + (p[len] == ',');
                implied_key = NULL;
                continue;
            }
            if (implied_key) {
                /* The implied value ends at the first ',': no escapes. */
                qdict_put_str(d, implied_key, word);
                p += len + (p[len] == ',');
                implied_key = NULL;
                continue;
            }
        }
        implied_key = NULL;
        for (size_t i = 0, first = 1;; first = 0) {
            size_t n = keyval_fragment_len(p + i, first);

            if (!n || (i + n < len && p[i + n] != '.')) {
                error_setg(errp, "Invalid parameter '%.*s'", (int)len, p);
                return NULL;
            }
            i += n;
            if (i >= len) {
                break;
            }
            i++;        /* the dot */
        }
        key = g_strndup(p, len);
        if (p[len] != '=') {
            error_setg(errp, "Expected '=' after parameter '%s'", key);
            return NULL;
        }
        p += len + 1;
        val = g_string_new(NULL);
        while (*p) {
            if (*p == ',') {
                p++;
                if (*p != ',') {
                    break;
                }
            }
            g_string_append_c(val, *p++);
        }
        if (!keyval_check_prefixes(d, key, errp)) {
            g_string_free(val, true);
            return NULL;
        }
        qdict_put_str(d, key, val->str);
        g_string_free(val, true);
    }
    if (help) {
        *help = want_help;
    } else if (want_help) {
        error_setg(errp, "Help is not available for this option");
        return NULL;
    }
    return g_steal_pointer(&d);
}
