/*
 * The QMP schema as C tables (generated from qapi/ by
 * scripts/qapi-gen.py into build/qapi-schema.c) and the one validator
 * that checks arguments against them with QEMU's input-visitor texts.
 */
#ifndef MONITOR_QAPI_SCHEMA_H
#define MONITOR_QAPI_SCHEMA_H

#include "qemu/qdict.h"

typedef enum QAPIKind {
    QAPI_KIND_STR,
    QAPI_KIND_INT,      /* signed, range [min, max] */
    QAPI_KIND_UINT,     /* unsigned; uint64 takes negative JSON as QEMU */
    QAPI_KIND_SIZE,
    QAPI_KIND_BOOL,
    QAPI_KIND_NUMBER,
    QAPI_KIND_NULL,
    QAPI_KIND_ANY,
    QAPI_KIND_ENUM,
    QAPI_KIND_STRUCT,
    QAPI_KIND_UNION,
    QAPI_KIND_ALTERNATE,
    QAPI_KIND_LIST,
} QAPIKind;

typedef struct QAPIType QAPIType;

typedef struct QAPIMember {
    const char *name;
    const QAPIType *type;
    bool optional;
} QAPIMember;

typedef struct QAPIVariant {
    const char *name;       /* discriminator value / alternate branch */
    const QAPIType *type;
} QAPIVariant;

struct QAPIType {
    const char *name;
    QAPIKind kind;
    int64_t min;            /* INT kinds */
    uint64_t max;
    const char *c_name;     /* "int32_t" in range errors */
    const char *const *enum_values;
    const QAPIMember *members;          /* struct; union base */
    const char *discriminator;          /* union */
    const QAPIVariant *variants;        /* union, alternate */
    const QAPIType *element;            /* list */
};

typedef struct QAPICommandSchema {
    const char *name;
    const QAPIType *args;   /* NULL: no arguments */
    const QAPIType *ret;
} QAPICommandSchema;

typedef struct QAPIEventSchema {
    const char *name;
    const QAPIType *data;
    /*
     * 'rate-limit' in the schema: at most one event per second goes out,
     * per value of the data member @rate_limit_key (NULL: one limit for
     * all events of this name).
     */
    bool rate_limited;
    const char *rate_limit_key;
} QAPIEventSchema;

typedef struct QAPINamedType {
    const char *name;
    const QAPIType *type;
} QAPINamedType;

extern const QAPICommandSchema qapi_command_schemas[];
extern const QAPINamedType qapi_named_types[];
extern const QAPIEventSchema qapi_event_schemas[];

const QAPICommandSchema *qapi_find_command_schema(const char *name);
const QAPIEventSchema *qapi_find_event_schema(const char *name);
/* A struct, union, enum or alternate of the schema by its name. */
const QAPIType *qapi_find_type(const char *name);

/*
 * Check @in against @type as QEMU's QObject input visitor would (or,
 * with @keyval, the keyval visitor: scalars are strings converted to
 * the member's type).  Returns a new reference to the typed value, or
 * NULL with *errp set to QEMU's message.
 */
QObject *qapi_validate(const QAPIType *type, QObject *in, bool keyval,
                       Error **errp);

#endif
