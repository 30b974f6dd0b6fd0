/*
 * Option dictionaries, as QEMU's QDict/QList/QObject, stored as jansson
 * values.  Values parsed from dotted keys are strings; values from JSON
 * keep their JSON type.
 */
#ifndef QEMU_QDICT_H
#define QEMU_QDICT_H

#include <jansson.h>
#include "qapi/error.h"

typedef json_t QObject;
typedef json_t QDict;
typedef json_t QList;

static inline QObject *qobject_ref(QObject *o) { return json_incref(o); }
static inline void qobject_unref(QObject *o) { json_decref(o); }
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QObject, qobject_unref)

static inline bool qobject_is_dict(const QObject *o) { return o && json_is_object(o); }
static inline bool qobject_is_list(const QObject *o) { return o && json_is_array(o); }
static inline bool qobject_is_str(const QObject *o) { return o && json_is_string(o); }

QDict *qdict_new(void);
size_t qdict_size(const QDict *d);
bool qdict_haskey(const QDict *d, const char *key);
QObject *qdict_get(const QDict *d, const char *key);       /* borrowed */
QDict *qdict_get_qdict(const QDict *d, const char *key);   /* borrowed or NULL */
QList *qdict_get_qlist(const QDict *d, const char *key);   /* borrowed or NULL */
const char *qdict_get_try_str(const QDict *d, const char *key);
const char *qdict_get_str(const QDict *d, const char *key);
bool qdict_get_try_bool(const QDict *d, const char *key, bool def);
int64_t qdict_get_try_int(const QDict *d, const char *key, int64_t def);
void qdict_put_obj(QDict *d, const char *key, QObject *value); /* steals */
void qdict_put_str(QDict *d, const char *key, const char *value);
void qdict_put_int(QDict *d, const char *key, int64_t value);
void qdict_put_bool(QDict *d, const char *key, bool value);
void qdict_put_null(QDict *d, const char *key);
void qdict_del(QDict *d, const char *key);
/* Only copies the top level; nested values are shared (refcounted). */
QDict *qdict_clone_shallow(const QDict *src);
/*
 * Move entries of @src into @dest (as QEMU: moved entries are deleted
 * from @src); keys already in @dest are left alone, and stay in @src,
 * unless @overwrite.
 */
void qdict_join(QDict *dest, QDict *src, bool overwrite);
/* If @dst lacks @key, copy @src's value for @key (if any) into @dst. */
void qdict_copy_default(QDict *dst, QDict *src, const char *key);
void qdict_set_default_str(QDict *dst, const char *key, const char *val);

/* Nested dicts become "a.b" keys, lists become "a.0", "a.1", ... */
void qdict_flatten(QDict *d);
/*
 * Move every "prefixKEY" entry of @src into a new dict as "KEY".
 * *dst is always a new reference (possibly empty).
 */
void qdict_extract_subqdict(QDict *src, QDict **dst, const char *prefix);
/*
 * Count the consecutive array entries "prefix0", "prefix1", ...  Each
 * entry is either a scalar "prefixN" or a group of "prefixN.xxx" keys.
 * Returns -EINVAL if an entry is both, if there are keys "prefixX" that
 * do not belong to the array (gaps, non-numbers).
 */
int qdict_array_entries(QDict *src, const char *subqdict);
/* Turn flat "a.b" keys back into nested dicts (lists from "a.0"). */
QObject *qdict_crumple(const QDict *src, Error **errp);

/* Iteration in insertion order. */
#define qdict_foreach(d, key, val) json_object_foreach((QDict *)(d), key, val)

/* Render a scalar as QEMU's QemuOpts would see it ("on"/"off" for bools). */
char *qobject_to_opt_string(const QObject *o);

/*
 * Parse a JSON text of any type with jansson (strict JSON: no
 * single-quoted strings, integers must fit int64).  On failure *errp
 * holds QEMU's message where one maps cheaply, e.g. "JSON parse error,
 * invalid keyword 'bad'", "JSON parse error, stray '@'", "JSON parse
 * error, premature EOI", "Expecting a JSON value" (empty), "Expecting
 * at most one JSON value", else "JSON parse error, " + jansson's text
 * (differences: docs/architecture.md, Decisions).  The json: caller
 * reproduces QEMU with error_prepend(errp, "Could not parse the JSON
 * options: ") and, when the result is no dict, its own error "Invalid
 * JSON object given".
 */
QObject *qobject_from_json(const char *str, Error **errp);
/*
 * Serialize like QEMU's qobject_to_json(): ", " and ": " separators and
 * dict members in QEMU's QDict hash order, so json: filenames and event
 * payloads match QEMU byte for byte.
 */
char *qobject_to_json_qemu(const QObject *o);
/* The same with QEMU's pretty printing (4-space indent). */
char *qobject_to_json_qemu_pretty(const QObject *o);
/* QEMU's QDict bucket for a key (tdb hash mod 512). */
unsigned qdict_qemu_bucket(const char *key);
/*
 * The keys of @d (copies, NULL-terminated; g_strfreev() them) in QEMU's
 * QDict iteration order: buckets ascending, newest key first inside a
 * bucket.  Use it wherever QEMU's walk order is visible.
 */
char **qdict_qemu_keys(const QDict *d);

/*
 * Parse a QemuOpts-style string "k=v,k2.sub=v2" (",," escapes a comma)
 * into a flat dict of strings, as qemu-io's --image-opts / open -o do.
 * A leading bare word is stored under @implied_key when non-NULL
 * ("file.raw" with implied "filename").  Other bare words are flags
 * ("k" -> k=on, "nok" -> k=off) and print QEMU's deprecation warning to
 * stderr.  "id=X" must be an identifier (error "Parameter 'id' expects
 * an identifier" with a hint) and is stored first.  Later duplicates
 * win.  Full rules in util/keyval.c.
 */
QDict *keyval_parse_flat(const char *str, const char *implied_key,
                         Error **errp);

/*
 * QEMU's keyval_parse() (--object): "k=v,k2.sub=v2" into a flat dict of
 * strings with the dotted keys kept.  No flags: an element without '='
 * is "Expected '=' after parameter 'k'", except the first one when
 * @implied_key is given (its value runs to the first ',') and "help" or
 * "?", which set *@help (an error when @help is NULL).  Keys are QAPI
 * names or, after a dot, indices ("Invalid parameter 'k'"); "a" with
 * "a.b" is "Parameters 'a.*' used inconsistently"; the last of repeated
 * keys wins.
 */
QDict *keyval_parse(const char *str, const char *implied_key, bool *help,
                    Error **errp);

#endif
