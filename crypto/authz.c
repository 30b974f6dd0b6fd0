/*
 * authz-simple and authz-list: property checks with the messages of
 * QEMU's keyval and JSON input visitors, and the decision.  Lookups by
 * id go through the object registry (crypto/tlscreds.c).
 */
#include "qemu/osdep.h"
#include "crypto/authz.h"
#include "crypto/tlscreds.h"
#include "qapi/util.h"

typedef struct QAuthZListRule {
    char *match;
    bool allow;             /* policy=allow */
    bool glob;              /* format=glob: '*' and '?' wildcards */
} QAuthZListRule;

struct QAuthZ {
    bool simple;            /* authz-simple, else authz-list */
    char *identity;         /* authz-simple */
    bool allow_default;     /* authz-list: policy */
    QAuthZListRule *rules;  /* authz-list */
    size_t nrules;
};

static const char *const policy_values[] = { "deny", "allow", NULL };
static const char *const format_values[] = { "exact", "glob", NULL };

bool qauthz_is_type(const char *type)
{
    return !strcmp(type, "authz-simple") || !strcmp(type, "authz-list");
}

/* ---------- keyval: "rules.0.match" keys into nested values ---------- */

static bool is_index(const char *s)
{
    return *s && strspn(s, "0123456789") == strlen(s);
}

/* Dicts whose keys are all indices become lists, as QEMU's keyval. */
static json_t *keyval_listify(json_t *d, const char *path, Error **errp)
{
    const char *key;
    json_t *val, *list;
    size_t n = 0, nidx = 0;

    json_object_foreach(d, key, val) {
        n++;
        nidx += is_index(key);
        if (json_is_object(val)) {
            g_autofree char *sub = path ? g_strdup_printf("%s.%s", path, key)
                                        : g_strdup(key);
            json_t *l = keyval_listify(val, sub, errp);

            if (!l) {
                return NULL;
            }
            if (l != val) {
                json_object_set_new(d, key, l);
            }
        }
    }
    if (!path || nidx == 0) {
        return d;
    }
    if (nidx != n) {
        error_setg(errp, "Parameters '%s.*' used inconsistently", path);
        return NULL;
    }
    list = json_array();
    for (size_t i = 0; i < n; i++) {
        char idx[24];

        snprintf(idx, sizeof(idx), "%zu", i);
        val = json_object_get(d, idx);
        if (!val) {
            error_setg(errp, "Parameter '%s.%s' missing", path, idx);
            json_decref(list);
            return NULL;
        }
        json_array_append(list, val);
    }
    return list;
}

static QDict *keyval_nest(QDict *flat, Error **errp)
{
    QDict *root = qdict_new();
    const char *key;
    QObject *val;

    qdict_foreach(flat, key, val) {
        g_auto(GStrv) parts = g_strsplit(key, ".", -1);
        GString *path = g_string_new(NULL);
        QDict *d = root;
        bool ok = true;

        for (int i = 0; parts[i] && ok; i++) {
            json_t *cur = json_object_get(d, parts[i]);

            g_string_append_printf(path, "%s%s", i ? "." : "", parts[i]);
            if (!parts[i + 1]) {
                ok = !cur;
                if (ok) {
                    json_object_set(d, parts[i], val);
                }
            } else if (!cur) {
                cur = json_object();
                json_object_set_new(d, parts[i], cur);
                d = cur;
            } else {
                ok = json_is_object(cur);
                d = cur;
            }
        }
        if (!ok) {
            error_setg(errp, "Parameters '%s.*' used inconsistently",
                       path->str);
        }
        g_string_free(path, true);
        if (!ok) {
            qobject_unref(root);
            return NULL;
        }
    }
    if (!keyval_listify(root, NULL, errp)) {
        qobject_unref(root);
        return NULL;
    }
    return root;
}

/* ---------- visiting, with QEMU's paths and messages ---------- */

typedef struct AuthZVisit {
    bool keyval;            /* "rules.0.x" and string scalars; else JSON */
} AuthZVisit;

static char *member_path(const char *prefix, const char *name)
{
    return prefix ? g_strdup_printf("%s.%s", prefix, name) : g_strdup(name);
}

static bool visit_str(AuthZVisit *v, QDict *d, const char *prefix,
                      const char *name, bool required, const char **out,
                      Error **errp)
{
    QObject *o = qdict_get(d, name);
    g_autofree char *path = member_path(prefix, name);

    *out = NULL;
    if (!o) {
        if (required) {
            error_setg(errp, QERR_MISSING_PARAMETER, path);
            return false;
        }
        return true;
    }
    if (!json_is_string(o)) {
        if (v->keyval) {
            error_setg(errp, "Parameters '%s.*' are unexpected", path);
        } else {
            error_setg(errp, QERR_INVALID_PARAMETER_TYPE, path, "string");
        }
        return false;
    }
    *out = json_string_value(o);
    return true;
}

/* An enum member; QEMU names only the member in a bad value's message. */
static bool visit_enum(AuthZVisit *v, QDict *d, const char *prefix,
                       const char *name, bool required,
                       const char *const *values, int *out, Error **errp)
{
    const char *s;

    if (!visit_str(v, d, prefix, name, required, &s, errp)) {
        return false;
    }
    if (!s) {
        return true;
    }
    *out = qapi_enum_parse_param(name, values, -1, s, errp);
    return *out >= 0;
}

static bool visit_end(QDict *d, const char *prefix,
                      const char *const *known, Error **errp)
{
    const char *key;
    QObject *val;

    qdict_foreach(d, key, val) {
        if (!g_strv_contains(known, key)) {
            g_autofree char *path = member_path(prefix, key);

            error_setg(errp, "Parameter '%s' is unexpected", path);
            return false;
        }
    }
    return true;
}

static bool visit_rule(AuthZVisit *v, QObject *o, const char *path,
                       QAuthZListRule *rule, Error **errp)
{
    static const char *const known[] = { "match", "policy", "format", NULL };
    const char *match;
    int policy = 0, format = 0;

    if (!json_is_object(o)) {
        error_setg(errp, QERR_INVALID_PARAMETER_TYPE, path, "object");
        return false;
    }
    if (!visit_str(v, o, path, "match", true, &match, errp) ||
        !visit_enum(v, o, path, "policy", true, policy_values, &policy,
                    errp) ||
        !visit_enum(v, o, path, "format", false, format_values, &format,
                    errp) ||
        !visit_end(o, path, known, errp)) {
        return false;
    }
    rule->match = g_strdup(match);
    rule->allow = policy == 1;
    rule->glob = format == 1;
    return true;
}

static bool authz_list_parse(AuthZVisit *v, QAuthZ *authz, QDict *opts,
                             Error **errp)
{
    static const char *const known[] = {
        "qom-type", "id", "policy", "rules", NULL,
    };
    int policy = 0;
    QObject *rules;

    if (!visit_enum(v, opts, NULL, "policy", false, policy_values, &policy,
                    errp)) {
        return false;
    }
    authz->allow_default = policy == 1;
    rules = qdict_get(opts, "rules");
    if (rules && !json_is_array(rules)) {
        error_setg(errp, QERR_INVALID_PARAMETER_TYPE, "rules", "array");
        return false;
    }
    if (rules) {
        authz->nrules = json_array_size(rules);
        authz->rules = g_new0(QAuthZListRule, authz->nrules);
    }
    for (size_t i = 0; i < authz->nrules; i++) {
        g_autofree char *path = g_strdup_printf(v->keyval ? "rules.%zu"
                                                : "rules[%zu]", i);

        if (!visit_rule(v, json_array_get(rules, i), path, &authz->rules[i],
                        errp)) {
            return false;
        }
    }
    return visit_end(opts, NULL, known, errp);
}

/* Types QEMU 7.2 knows by name but its storage daemon cannot create. */
/* Flat keyval strings or JSON: only keyval input has dotted keys. */
static bool opts_are_keyval(QDict *opts)
{
    const char *key;
    QObject *val;

    qdict_foreach(opts, key, val) {
        if (!json_is_string(val)) {
            return false;
        }
    }
    return true;
}

QAuthZ *qauthz_new(const char *type, QDict *opts, Error **errp)
{
    static const char *const simple_known[] = {
        "qom-type", "id", "identity", NULL,
    };
    AuthZVisit v = { .keyval = opts_are_keyval(opts) };
    g_autoptr(QObject) nested = NULL;
    QAuthZ *authz = g_new0(QAuthZ, 1);
    const char *identity;

    if (v.keyval) {
        nested = keyval_nest(opts, errp);
        if (!nested) {
            goto fail;
        }
        opts = nested;
    }
    if (!strcmp(type, "authz-simple")) {
        authz->simple = true;
        if (!visit_str(&v, opts, NULL, "identity", true, &identity, errp) ||
            !visit_end(opts, NULL, simple_known, errp)) {
            goto fail;
        }
        authz->identity = g_strdup(identity);
    } else if (!strcmp(type, "authz-list")) {
        if (!authz_list_parse(&v, authz, opts, errp)) {
            goto fail;
        }
    } else {
        error_setg(errp, "invalid object type: %s", type);
        goto fail;
    }
    return authz;

fail:
    qauthz_free(authz);
    return NULL;
}

void qauthz_free(QAuthZ *authz)
{
    if (!authz) {
        return;
    }
    for (size_t i = 0; i < authz->nrules; i++) {
        g_free(authz->rules[i].match);
    }
    g_free(authz->rules);
    g_free(authz->identity);
    g_free(authz);
}

bool qauthz_is_allowed(QAuthZ *authz, const char *identity)
{
    if (authz->simple) {
        return !strcmp(authz->identity, identity);
    }
    for (size_t i = 0; i < authz->nrules; i++) {
        QAuthZListRule *r = &authz->rules[i];
        bool hit = r->glob ? g_pattern_match_simple(r->match, identity)
                           : !strcmp(r->match, identity);

        if (hit) {
            return r->allow;
        }
    }
    return authz->allow_default;
}

bool qauthz_is_allowed_by_id(const char *authzid, const char *identity,
                             Error **errp)
{
    QAuthZ *authz;

    if (!user_creatable_type(authzid)) {
        error_setg(errp, "Cannot find QAuthZ object ID %s", authzid);
        return false;
    }
    authz = user_creatable_get_authz(authzid);
    if (!authz) {
        error_setg(errp, "Object '%s' is not a QAuthZ subclass", authzid);
        return false;
    }
    return qauthz_is_allowed(authz, identity);
}
