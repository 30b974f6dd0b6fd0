/*
 * Argument validation against the generated schema tables, with the
 * messages and the order of checks of QEMU's QObject input visitor:
 * members in schema order (union base, then the variant), then the
 * first unexpected member as QEMU's GHashTable of unvisited keys
 * yields it.  Type errors name the full path ("children[0].size"),
 * enum and range errors the member alone, as QEMU does.
 */
#include "qemu/osdep.h"
#include "monitor/qapi-schema.h"
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "qapi/util.h"

typedef struct Visitor {
    bool keyval;
    GString *path;          /* full name of the current member */
} Visitor;

static QObject *visit(Visitor *v, const QAPIType *t, QObject *o,
                      const char *name, Error **errp);

const QAPICommandSchema *qapi_find_command_schema(const char *name)
{
    for (const QAPICommandSchema *c = qapi_command_schemas; c->name; c++) {
        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

const QAPIEventSchema *qapi_find_event_schema(const char *name)
{
    for (const QAPIEventSchema *e = qapi_event_schemas; e->name; e++) {
        if (!strcmp(e->name, name)) {
            return e;
        }
    }
    return NULL;
}

const QAPIType *qapi_find_type(const char *name)
{
    for (const QAPINamedType *t = qapi_named_types; t->name; t++) {
        if (!strcmp(t->name, name)) {
            return t->type;
        }
    }
    return NULL;
}

static const char *path_or_null(Visitor *v)
{
    return v->path->len ? v->path->str : "null";
}

static void type_error(Visitor *v, const char *expected, Error **errp)
{
    error_setg(errp, QERR_INVALID_PARAMETER_TYPE, path_or_null(v), expected);
}

/* Keyval scalars are strings; anything else is not a scalar. */
static const char *keyval_str(Visitor *v, QObject *o, Error **errp)
{
    if (!json_is_string(o)) {
        type_error(v, "scalar", errp);
        return NULL;
    }
    return json_string_value(o);
}

static QObject *visit_int(Visitor *v, const QAPIType *t, QObject *o,
                          const char *name, Error **errp)
{
    int64_t val;
    bool is_unsigned = t->kind != QAPI_KIND_INT;

    if (v->keyval) {
        const char *s = keyval_str(v, o, errp);
        uint64_t u;

        if (!s) {
            return NULL;
        }
        if (t->kind == QAPI_KIND_SIZE) {
            if (qemu_strtosz(s, NULL, &u) < 0) {
                error_setg(errp, QERR_INVALID_PARAMETER_VALUE,
                           path_or_null(v), "size");
                return NULL;
            }
            val = (int64_t)u;
        } else if (is_unsigned ? qemu_strtou64(s, NULL, 0, &u) < 0
                               : qemu_strtoi64(s, NULL, 0, &val) < 0) {
            error_setg(errp, QERR_INVALID_PARAMETER_VALUE, path_or_null(v),
                       "integer");
            return NULL;
        } else if (is_unsigned) {
            val = (int64_t)u;
        }
    } else {
        if (!json_is_integer(o) && t->kind == QAPI_KIND_UINT) {
            /* QEMU's qobject_input_type_uint64() reports a value error. */
            error_setg(errp, QERR_INVALID_PARAMETER_VALUE, path_or_null(v),
                       "uint64");
            return NULL;
        }
        if (!json_is_integer(o)) {
            type_error(v, "integer", errp);
            return NULL;
        }
        val = json_integer_value(o);
    }
    /* Narrow types: QEMU's visit_type_intN/uintN range check. */
    if (t->kind == QAPI_KIND_INT && (val < t->min || val > (int64_t)t->max)) {
        goto range;
    }
    if (t->kind == QAPI_KIND_UINT && t->max != UINT64_MAX &&
        (uint64_t)val > t->max) {
        goto range;
    }
    return json_integer(val);

range:
    error_setg(errp, QERR_INVALID_PARAMETER_VALUE, name ? name : "null",
               t->c_name);
    return NULL;
}

static QObject *visit_scalar(Visitor *v, const QAPIType *t, QObject *o,
                             const char *name, Error **errp)
{
    const char *s;

    switch (t->kind) {
    case QAPI_KIND_STR:
        if (!json_is_string(o)) {
            type_error(v, v->keyval ? "scalar" : "string", errp);
            return NULL;
        }
        return qobject_ref(o);
    case QAPI_KIND_INT:
    case QAPI_KIND_UINT:
    case QAPI_KIND_SIZE:
        return visit_int(v, t, o, name, errp);
    case QAPI_KIND_BOOL:
        if (v->keyval) {
            bool b;
            if (!(s = keyval_str(v, o, errp))) {
                return NULL;
            }
            if (!qemu_parse_bool(path_or_null(v), s, &b, errp)) {
                return NULL;
            }
            return json_boolean(b);
        }
        if (!json_is_boolean(o)) {
            type_error(v, "boolean", errp);
            return NULL;
        }
        return qobject_ref(o);
    case QAPI_KIND_NUMBER:
        if (v->keyval) {
            double d;
            char *end;
            if (!(s = keyval_str(v, o, errp))) {
                return NULL;
            }
            d = strtod(s, &end);
            if (!*s || *end) {
                error_setg(errp, QERR_INVALID_PARAMETER_VALUE,
                           path_or_null(v), "number");
                return NULL;
            }
            return json_real(d);
        }
        if (!json_is_number(o)) {
            type_error(v, "number", errp);
            return NULL;
        }
        return qobject_ref(o);
    case QAPI_KIND_NULL:
        if (!json_is_null(o)) {
            type_error(v, "null", errp);
            return NULL;
        }
        return qobject_ref(o);
    case QAPI_KIND_ANY:
        return qobject_ref(o);
    case QAPI_KIND_ENUM:
        if (!json_is_string(o)) {
            type_error(v, v->keyval ? "scalar" : "string", errp);
            return NULL;
        }
        s = json_string_value(o);
        if (qapi_enum_parse_param(name ? name : "null", t->enum_values, -1,
                                  s, errp) < 0) {
            return NULL;
        }
        return qobject_ref(o);
    default:
        g_assert_not_reached();
    }
}

/* Visit @members of dict @in into @out; @unvisited mirrors QEMU's table. */
static bool visit_members(Visitor *v, const QAPIMember *members, QDict *in,
                          QDict *out, GHashTable *unvisited, Error **errp)
{
    for (const QAPIMember *m = members; m && m->name; m++) {
        QObject *val = qdict_get(in, m->name);
        size_t len = v->path->len;
        QObject *res;

        if (len) {
            g_string_append_c(v->path, '.');
        }
        g_string_append(v->path, m->name);
        if (!val) {
            if (!m->optional) {
                error_setg(errp, QERR_MISSING_PARAMETER, v->path->str);
                g_string_truncate(v->path, len);
                return false;
            }
            g_string_truncate(v->path, len);
            continue;
        }
        g_hash_table_remove(unvisited, m->name);
        res = visit(v, m->type, val, m->name, errp);
        g_string_truncate(v->path, len);
        if (!res) {
            return false;
        }
        qdict_put_obj(out, m->name, res);
    }
    return true;
}

static QObject *visit_object(Visitor *v, const QAPIType *t, QObject *o,
                             Error **errp)
{
    g_autoptr(GHashTable) unvisited = NULL;
    char **keys;
    QDict *out;
    bool ok;

    if (!json_is_object(o)) {
        type_error(v, "object", errp);
        return NULL;
    }
    /* QEMU fills its table walking the dict in its own order. */
    unvisited = g_hash_table_new(g_str_hash, g_str_equal);
    keys = qdict_qemu_keys(o);
    for (int i = 0; keys[i]; i++) {
        g_hash_table_add(unvisited, keys[i]);
    }
    out = qdict_new();
    ok = visit_members(v, t->members, o, out, unvisited, errp);
    if (ok && t->kind == QAPI_KIND_UNION) {
        const char *tag = qdict_get_try_str(out, t->discriminator);
        const QAPIVariant *var = t->variants;

        while (var->name && strcmp(var->name, tag)) {
            var++;
        }
        if (var->name) {
            ok = visit_members(v, var->type->members, o, out, unvisited,
                               errp);
        }
    }
    if (ok) {
        GHashTableIter iter;
        const char *key;

        g_hash_table_iter_init(&iter, unvisited);
        if (g_hash_table_iter_next(&iter, (gpointer *)&key, NULL)) {
            size_t len = v->path->len;

            if (len) {
                g_string_append_c(v->path, '.');
            }
            g_string_append(v->path, key);
            error_setg(errp, "Parameter '%s' is unexpected", v->path->str);
            g_string_truncate(v->path, len);
            ok = false;
        }
    }
    g_strfreev(keys);
    if (!ok) {
        qobject_unref(out);
        return NULL;
    }
    return out;
}

static QObject *visit_list(Visitor *v, const QAPIType *t, QObject *o,
                           Error **errp)
{
    QList *out;
    size_t i;
    QObject *el;

    if (!json_is_array(o)) {
        type_error(v, "array", errp);
        return NULL;
    }
    out = json_array();
    json_array_foreach(o, i, el) {
        size_t len = v->path->len;
        QObject *res;

        g_string_append_printf(v->path, "[%zu]", i);
        res = visit(v, t->element, el, NULL, errp);
        g_string_truncate(v->path, len);
        if (!res) {
            qobject_unref(out);
            return NULL;
        }
        json_array_append_new(out, res);
    }
    return out;
}

static QObject *visit_alternate(Visitor *v, const QAPIType *t, QObject *o,
                                const char *name, Error **errp)
{
    for (const QAPIVariant *var = t->variants; var->name; var++) {
        QAPIKind k = var->type->kind;
        bool match;

        if (json_is_object(o)) {
            match = k == QAPI_KIND_STRUCT || k == QAPI_KIND_UNION;
        } else if (json_is_string(o)) {
            /*
             * A keyval string is a scalar: it may stand for any scalar
             * branch (numbers come as strings), never for an object.
             */
            match = k == QAPI_KIND_STR || k == QAPI_KIND_ENUM ||
                    (v->keyval && k != QAPI_KIND_STRUCT &&
                     k != QAPI_KIND_UNION && k != QAPI_KIND_LIST);
        } else if (json_is_integer(o)) {
            match = k == QAPI_KIND_INT || k == QAPI_KIND_UINT ||
                    k == QAPI_KIND_SIZE || k == QAPI_KIND_NUMBER;
        } else if (json_is_real(o)) {
            match = k == QAPI_KIND_NUMBER;
        } else if (json_is_boolean(o)) {
            match = k == QAPI_KIND_BOOL;
        } else if (json_is_null(o)) {
            match = k == QAPI_KIND_NULL;
        } else {
            match = k == QAPI_KIND_LIST;
        }
        if (match) {
            return visit(v, var->type, o, name, errp);
        }
    }
    /* QEMU's generated alternate visitor names the member alone. */
    error_setg(errp, QERR_INVALID_PARAMETER_TYPE, name ? name : "null",
               t->name);
    return NULL;
}

static QObject *visit(Visitor *v, const QAPIType *t, QObject *o,
                      const char *name, Error **errp)
{
    switch (t->kind) {
    case QAPI_KIND_STRUCT:
    case QAPI_KIND_UNION:
        return visit_object(v, t, o, errp);
    case QAPI_KIND_LIST:
        return visit_list(v, t, o, errp);
    case QAPI_KIND_ALTERNATE:
        return visit_alternate(v, t, o, name, errp);
    default:
        return visit_scalar(v, t, o, name, errp);
    }
}

QObject *qapi_validate(const QAPIType *type, QObject *in, bool keyval,
                       Error **errp)
{
    Visitor v = { .keyval = keyval, .path = g_string_new(NULL) };
    QObject *ret = visit(&v, type, in, NULL, errp);

    g_string_free(v.path, true);
    return ret;
}
