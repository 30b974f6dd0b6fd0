/*
 * QDict on jansson objects, with QEMU's semantics for the block layer
 * helpers (flatten, crumple, array entries).
 *
 * QEMU walks a QDict in hash-bucket order, and several helpers insert
 * into new dicts while walking; the results (which error is reported
 * first, member order of json: filenames) depend on that order.  So
 * every helper that walks a dict here walks it in QEMU's order
 * (qdict_qemu_keys()), while qdict_foreach() stays in insertion order.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/qdict.h"

#define QDICT_QEMU_BUCKETS 512

QDict *qdict_new(void)
{
    return json_object();
}

size_t qdict_size(const QDict *d)
{
    return json_object_size(d);
}

bool qdict_haskey(const QDict *d, const char *key)
{
    return json_object_get(d, key) != NULL;
}

QObject *qdict_get(const QDict *d, const char *key)
{
    return json_object_get(d, key);
}

QDict *qdict_get_qdict(const QDict *d, const char *key)
{
    QObject *o = json_object_get(d, key);

    return json_is_object(o) ? o : NULL;
}

QList *qdict_get_qlist(const QDict *d, const char *key)
{
    QObject *o = json_object_get(d, key);

    return json_is_array(o) ? o : NULL;
}

const char *qdict_get_try_str(const QDict *d, const char *key)
{
    QObject *o = json_object_get(d, key);

    return json_is_string(o) ? json_string_value(o) : NULL;
}

const char *qdict_get_str(const QDict *d, const char *key)
{
    const char *s = qdict_get_try_str(d, key);

    assert(s);
    return s;
}

bool qdict_get_try_bool(const QDict *d, const char *key, bool def)
{
    QObject *o = json_object_get(d, key);

    return json_is_boolean(o) ? json_is_true(o) : def;
}

int64_t qdict_get_try_int(const QDict *d, const char *key, int64_t def)
{
    QObject *o = json_object_get(d, key);

    return json_is_integer(o) ? json_integer_value(o) : def;
}

void qdict_put_obj(QDict *d, const char *key, QObject *value)
{
    int ret;

    assert(value);
    /* _nocheck: keys from the command line need not be valid UTF-8 */
    ret = json_object_set_new_nocheck(d, key, value);
    assert(ret == 0);
}

void qdict_put_str(QDict *d, const char *key, const char *value)
{
    qdict_put_obj(d, key, json_string_nocheck(value));
}

void qdict_put_int(QDict *d, const char *key, int64_t value)
{
    qdict_put_obj(d, key, json_integer(value));
}

void qdict_put_bool(QDict *d, const char *key, bool value)
{
    qdict_put_obj(d, key, json_boolean(value));
}

void qdict_put_null(QDict *d, const char *key)
{
    qdict_put_obj(d, key, json_null());
}

void qdict_del(QDict *d, const char *key)
{
    json_object_del(d, key);
}

unsigned qdict_qemu_bucket(const char *key)
{
    const unsigned char *p = (const unsigned char *)key;
    uint32_t value = 0x238F13AFu * (uint32_t)strlen(key);
    unsigned i;

    for (i = 0; p[i]; i++) {
        value += (uint32_t)p[i] << (i * 5 % 24);
    }
    return (1103515243u * value + 12345u) % QDICT_QEMU_BUCKETS;
}

typedef struct QemuOrderEntry {
    unsigned bucket;
    size_t seq;
    const char *key;
} QemuOrderEntry;

static int qemu_order_cmp(const void *a, const void *b)
{
    const QemuOrderEntry *x = a, *y = b;

    if (x->bucket != y->bucket) {
        return x->bucket < y->bucket ? -1 : 1;
    }
    /* newest first inside a bucket */
    return x->seq > y->seq ? -1 : x->seq < y->seq;
}

char **qdict_qemu_keys(const QDict *d)
{
    size_t n = json_object_size(d), i = 0;
    g_autofree QemuOrderEntry *ent = g_new(QemuOrderEntry, n + 1);
    char **keys = g_new(char *, n + 1);
    const char *key;
    json_t *val;

    json_object_foreach((json_t *)d, key, val) {
        ent[i].bucket = qdict_qemu_bucket(key);
        ent[i].seq = i;
        ent[i].key = key;
        i++;
    }
    qsort(ent, n, sizeof(*ent), qemu_order_cmp);
    for (i = 0; i < n; i++) {
        keys[i] = g_strdup(ent[i].key);
    }
    keys[n] = NULL;
    return keys;
}

QDict *qdict_clone_shallow(const QDict *src)
{
    g_auto(GStrv) keys = qdict_qemu_keys(src);
    QDict *dest = qdict_new();
    size_t i;

    /* Inserting in QEMU's walk order reproduces QEMU's clone exactly. */
    for (i = 0; keys[i]; i++) {
        qdict_put_obj(dest, keys[i], qobject_ref(qdict_get(src, keys[i])));
    }
    return dest;
}

void qdict_join(QDict *dest, QDict *src, bool overwrite)
{
    g_auto(GStrv) keys = qdict_qemu_keys(src);
    size_t i;

    for (i = 0; keys[i]; i++) {
        if (overwrite || !qdict_haskey(dest, keys[i])) {
            qdict_put_obj(dest, keys[i],
                          qobject_ref(qdict_get(src, keys[i])));
            qdict_del(src, keys[i]);
        }
    }
}

void qdict_copy_default(QDict *dst, QDict *src, const char *key)
{
    QObject *val;

    if (qdict_haskey(dst, key)) {
        return;
    }
    val = qdict_get(src, key);
    if (val) {
        qdict_put_obj(dst, key, qobject_ref(val));
    }
}

void qdict_set_default_str(QDict *dst, const char *key, const char *val)
{
    if (!qdict_haskey(dst, key)) {
        qdict_put_str(dst, key, val);
    }
}

static bool is_nonempty_container(const QObject *o)
{
    return (json_is_object(o) && json_object_size(o)) ||
           (json_is_array(o) && json_array_size(o));
}

static void flatten_dict(QDict *qdict, QDict *target, const char *prefix);

static void flatten_list(QList *list, QDict *target, const char *prefix)
{
    size_t i;

    for (i = 0; i < json_array_size(list); i++) {
        QObject *value = json_array_get(list, i);
        g_autofree char *key = g_strdup_printf("%s.%zu", prefix, i);

        if (json_is_object(value) && json_object_size(value)) {
            flatten_dict(value, target, key);
        } else if (json_is_array(value) && json_array_size(value)) {
            flatten_list(value, target, key);
        } else {
            qdict_put_obj(target, key, qobject_ref(value));
        }
    }
}

static void flatten_dict(QDict *qdict, QDict *target, const char *prefix)
{
    g_auto(GStrv) keys = qdict_qemu_keys(qdict);
    size_t i;

    for (i = 0; keys[i]; i++) {
        g_autofree char *new_key = NULL;
        const char *key = keys[i];
        QObject *value = qdict_get(qdict, keys[i]);

        if (!value) {
            continue;
        }
        if (prefix) {
            key = new_key = g_strdup_printf("%s.%s", prefix, keys[i]);
        }
        if (is_nonempty_container(value)) {
            /* keep @value alive while its parent entry goes away */
            qobject_ref(value);
            if (json_is_object(value)) {
                flatten_dict(value, target, key);
            } else {
                flatten_list(value, target, key);
            }
            if (target == qdict) {
                qdict_del(qdict, keys[i]);
            }
            qobject_unref(value);
        } else if (target != qdict) {
            qdict_put_obj(target, key, qobject_ref(value));
        }
    }
}

void qdict_flatten(QDict *d)
{
    flatten_dict(d, d, NULL);
}

void qdict_extract_subqdict(QDict *src, QDict **dst, const char *prefix)
{
    g_auto(GStrv) keys = qdict_qemu_keys(src);
    const char *rest;
    size_t i;

    *dst = qdict_new();
    for (i = 0; keys[i]; i++) {
        if (strstart(keys[i], prefix, &rest)) {
            qdict_put_obj(*dst, rest, qobject_ref(qdict_get(src, keys[i])));
            qdict_del(src, keys[i]);
        }
    }
}

static size_t count_prefixed(const QDict *src, const char *prefix)
{
    const char *key;
    json_t *val;
    size_t count = 0;

    json_object_foreach((json_t *)src, key, val) {
        if (strstart(key, prefix, NULL)) {
            count++;
        }
    }
    return count;
}

int qdict_array_entries(QDict *src, const char *subqdict)
{
    size_t len = strlen(subqdict);
    size_t entries = 0;
    unsigned i;

    assert(!len || subqdict[len - 1] == '.');

    for (i = 0; i < INT_MAX; i++) {
        g_autofree char *prefix = g_strdup_printf("%s%u.", subqdict, i);
        size_t sub = count_prefixed(src, prefix);
        bool scalar;

        prefix[strlen(prefix) - 1] = '\0';
        scalar = qdict_haskey(src, prefix);
        if (scalar && sub) {
            return -EINVAL;         /* "N" and "N.x" at once */
        }
        if (!scalar && !sub) {
            break;
        }
        entries += sub ? sub : 1;
    }

    /* Every key under @subqdict must belong to one of the entries. */
    entries += qdict_size(src) - count_prefixed(src, subqdict);
    if (entries != qdict_size(src)) {
        return -EINVAL;
    }
    return i;
}

/* "a.b.c" -> prefix "a", suffix "b.c"; ".." escapes a literal dot. */
static void split_flat_key(const char *key, char **prefix,
                           const char **suffix)
{
    const char *sep = key;
    size_t i, j;

    for (;;) {
        sep = strchr(sep, '.');
        if (!sep || sep[1] != '.') {
            break;
        }
        sep += 2;
    }
    if (sep) {
        *prefix = g_strndup(key, sep - key);
        *suffix = sep + 1;
    } else {
        *prefix = g_strdup(key);
        *suffix = NULL;
    }
    for (i = 0, j = 0; (*prefix)[i]; i++, j++) {
        if ((*prefix)[i] == '.') {
            i++;
        }
        (*prefix)[j] = (*prefix)[i];
    }
    (*prefix)[j] = '\0';
}

/* 1: all keys are integers, 0: none is, -1 (error set): mixed/gaps */
static int dict_is_list(const QDict *d, Error **errp)
{
    g_auto(GStrv) keys = qdict_qemu_keys(d);
    ssize_t len = 0, max = -1;
    int is_list = -1;
    int64_t val;
    size_t i;

    for (i = 0; keys[i]; i++) {
        int is_index = !qemu_strtoi64(keys[i], NULL, 10, &val);

        if (is_list == -1) {
            is_list = is_index;
        }
        if (is_list != is_index) {
            error_setg(errp, "Cannot mix list and non-list keys");
            return -1;
        }
        if (is_index) {
            len++;
            if (val > max) {
                max = val;
            }
        }
    }
    if (is_list == -1) {
        is_list = 0;
    }
    /* Not max + 1: an index of INT64_MAX would overflow. */
    if (len - 1 != max) {
        error_setg(errp, "List indices are not contiguous, "
                   "saw %zd elements but %zd largest index", len, max);
        return -1;
    }
    return is_list;
}

QObject *qdict_crumple(const QDict *src, Error **errp)
{
    g_auto(GStrv) keys = qdict_qemu_keys(src);
    g_auto(GStrv) two_keys = NULL;
    QDict *two_level = qdict_new();
    QDict *multi_level = NULL;
    QObject *dst = NULL;
    int is_list;
    size_t i;

    /* Step 1: split "a.rest" keys into a dict of dicts */
    for (i = 0; keys[i]; i++) {
        QObject *value = qdict_get(src, keys[i]);
        g_autofree char *prefix = NULL;
        const char *suffix;
        QObject *child;
        QDict *child_dict;

        if (is_nonempty_container(value)) {
            error_setg(errp, "Value %s is not flat", keys[i]);
            goto error;
        }
        split_flat_key(keys[i], &prefix, &suffix);
        child = qdict_get(two_level, prefix);
        child_dict = json_is_object(child) ? child : NULL;
        if (child && (!child_dict || !suffix)) {
            error_setg(errp, "Cannot mix scalar and non-scalar keys");
            goto error;
        }
        if (suffix) {
            if (!child_dict) {
                child_dict = qdict_new();
                qdict_put_obj(two_level, prefix, child_dict);
            }
            qdict_put_obj(child_dict, suffix, qobject_ref(value));
        } else {
            qdict_put_obj(two_level, prefix, qobject_ref(value));
        }
    }

    /* Step 2: crumple each sub-dict recursively */
    multi_level = qdict_new();
    two_keys = qdict_qemu_keys(two_level);
    for (i = 0; two_keys[i]; i++) {
        QObject *value = qdict_get(two_level, two_keys[i]);

        if (json_is_object(value) && json_object_size(value)) {
            QObject *child = qdict_crumple(value, errp);

            if (!child) {
                goto error;
            }
            qdict_put_obj(multi_level, two_keys[i], child);
        } else {
            qdict_put_obj(multi_level, two_keys[i], qobject_ref(value));
        }
    }
    qobject_unref(two_level);
    two_level = NULL;

    /* Step 3: integer keys make a list */
    is_list = dict_is_list(multi_level, errp);
    if (is_list < 0) {
        goto error;
    }
    if (!is_list) {
        return multi_level;
    }
    dst = json_array();
    for (i = 0; i < qdict_size(multi_level); i++) {
        g_autofree char *key = g_strdup_printf("%zu", i);
        QObject *child = qdict_get(multi_level, key);

        if (!child) {
            error_setg(errp, "Missing list index %zu", i);
            goto error;
        }
        json_array_append(dst, child);
    }
    qobject_unref(multi_level);
    return dst;

error:
    if (two_level) {
        qobject_unref(two_level);
    }
    if (multi_level) {
        qobject_unref(multi_level);
    }
    if (dst) {
        qobject_unref(dst);
    }
    return NULL;
}

char *qobject_to_opt_string(const QObject *o)
{
    if (json_is_string(o)) {
        return g_strdup(json_string_value(o));
    }
    if (json_is_integer(o)) {
        return g_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(o));
    }
    if (json_is_real(o)) {
        return g_strdup_printf("%.17g", json_real_value(o));
    }
    if (json_is_boolean(o)) {
        return g_strdup(json_is_true(o) ? "on" : "off");
    }
    return NULL;
}
