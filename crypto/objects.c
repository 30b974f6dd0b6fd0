/*
 * --object for every tool: QEMU 7.2's user creatable types, the command
 * line syntax (keyval or JSON), "help", and the property checks of the
 * types that have no implementation of their own here (secret,
 * throttle-group, main-loop, ...).  TLS credentials and authorization
 * objects check their own properties (crypto/tlscreds.c, authz.c).
 *
 * The tools differ only where QEMU's do: the daemon has iothreads,
 * qemu-io and qemu-img do not; qemu-io processes --object before its
 * main loop exists, so a main-loop object fails there.
 */
#include "qemu/osdep.h"
#include "crypto/tlscreds-priv.h"
#include "qemu/option.h"
#include "qemu/cutils.h"
#include "qapi/util.h"

typedef enum ObjectPropKind {
    PROP_STR,
    PROP_BOOL,
    PROP_INT,
    PROP_SECRET_FORMAT,
    PROP_ANY,               /* a struct or list: not checked further */
} ObjectPropKind;

typedef struct ObjectProp {
    const char *name;
    const char *help;       /* the type as QEMU's help prints it */
    ObjectPropKind kind;
    bool required;
    bool read_only;         /* in the schema, but not writable */
} ObjectProp;

enum {
    OBJ_SCHEMA   = 1 << 0,  /* a value of QEMU's ObjectType enum */
    OBJ_QOM      = 1 << 1,  /* a registered type: listed by "help" */
    OBJ_DAEMON   = 1 << 2,  /* registered in the daemon only */
    OBJ_CHECKED  = 1 << 3,  /* crypto/ checks the properties itself */
};

typedef struct ObjectTypeInfo {
    const char *name;
    unsigned flags;
    const ObjectProp *props;    /* schema order, NULL-terminated */
} ObjectTypeInfo;

#define SECRET_COMMON \
    { "loaded", NULL, PROP_BOOL, .read_only = true }, \
    { "format", "QCryptoSecretFormat", PROP_SECRET_FORMAT }, \
    { "keyid", "string", PROP_STR }, \
    { "iv", "string", PROP_STR }
#define TLS_COMMON \
    { "verify-peer", "bool", PROP_BOOL }, \
    { "dir", "string", PROP_STR }, \
    { "endpoint", "QCryptoTLSCredsEndpoint", PROP_STR }, \
    { "priority", "string", PROP_STR }
#define EVENT_LOOP_BASE \
    { "aio-max-batch", "int", PROP_INT }, \
    { "thread-pool-min", "int", PROP_INT }, \
    { "thread-pool-max", "int", PROP_INT }
#define THROTTLE_X(n) \
    { "x-" n, "int", PROP_INT }, { "x-" n "-max", "int", PROP_INT }, \
    { "x-" n "-max-length", "int", PROP_INT }

static const ObjectProp authz_list_props[] = {
    { "policy", "QAuthZListPolicy" }, { "rules", "QAuthZListRule" }, { NULL },
};
static const ObjectProp authz_listfile_props[] = {
    { "filename", "string", PROP_STR, true },
    { "refresh", "bool", PROP_BOOL }, { NULL },
};
static const ObjectProp authz_pam_props[] = {
    { "service", "string", PROP_STR, true }, { NULL },
};
static const ObjectProp authz_simple_props[] = {
    { "identity", "string" }, { NULL },
};
static const ObjectProp iothread_props[] = {
    EVENT_LOOP_BASE,
    { "poll-max-ns", "int", PROP_INT }, { "poll-grow", "int", PROP_INT },
    { "poll-shrink", "int", PROP_INT }, { NULL },
};
static const ObjectProp main_loop_props[] = { EVENT_LOOP_BASE, { NULL } };
static const ObjectProp pr_manager_props[] = {
    { "path", "string", PROP_STR, true }, { NULL },
};
static const ObjectProp secret_props[] = {
    SECRET_COMMON,
    { "data", "string", PROP_STR }, { "file", "string", PROP_STR }, { NULL },
};
static const ObjectProp secret_keyring_props[] = {
    SECRET_COMMON, { "serial", "int32_t", PROP_INT, true }, { NULL },
};
static const ObjectProp thread_context_props[] = {
    { "cpu-affinity", "int", PROP_ANY }, { "node-affinity", "int", PROP_ANY },
    { NULL },
};
static const ObjectProp throttle_group_props[] = {
    { "limits", "ThrottleLimits", PROP_ANY },
    THROTTLE_X("iops-total"), THROTTLE_X("iops-read"),
    THROTTLE_X("iops-write"), THROTTLE_X("bps-total"),
    THROTTLE_X("bps-read"), THROTTLE_X("bps-write"),
    { "x-iops-size", "int", PROP_INT }, { NULL },
};
static const ObjectProp tls_cipher_suites_props[] = {
    TLS_COMMON, { "loaded", NULL, PROP_BOOL, .read_only = true }, { NULL },
};
static const ObjectProp tls_anon_props[] = { TLS_COMMON, { NULL } };
static const ObjectProp tls_psk_props[] = {
    TLS_COMMON, { "username", "string" }, { NULL },
};
static const ObjectProp tls_x509_props[] = {
    TLS_COMMON, { "sanity-check", "bool" }, { "passwordid", "string" },
    { NULL },
};

/* Alphabetical, as QEMU lists them. */
static const ObjectTypeInfo object_types[] = {
    { "authz-list", OBJ_SCHEMA | OBJ_QOM | OBJ_CHECKED, authz_list_props },
    /* The QOM name; the schema calls it authz-listfile. */
    { "authz-list-file", OBJ_QOM, authz_listfile_props },
    { "authz-listfile", OBJ_SCHEMA, authz_listfile_props },
    { "authz-pam", OBJ_SCHEMA, authz_pam_props },
    { "authz-simple", OBJ_SCHEMA | OBJ_QOM | OBJ_CHECKED,
      authz_simple_props },
    { "iothread", OBJ_SCHEMA | OBJ_DAEMON, iothread_props },
    { "main-loop", OBJ_SCHEMA | OBJ_QOM, main_loop_props },
    { "pr-manager-helper", OBJ_SCHEMA | OBJ_QOM, pr_manager_props },
    { "secret", OBJ_SCHEMA | OBJ_QOM, secret_props },
    { "secret_keyring", OBJ_SCHEMA | OBJ_QOM, secret_keyring_props },
    { "thread-context", OBJ_SCHEMA | OBJ_QOM, thread_context_props },
    { "throttle-group", OBJ_SCHEMA | OBJ_QOM, throttle_group_props },
    { "tls-cipher-suites", OBJ_SCHEMA | OBJ_QOM, tls_cipher_suites_props },
    { "tls-creds-anon", OBJ_SCHEMA | OBJ_QOM | OBJ_CHECKED, tls_anon_props },
    { "tls-creds-psk", OBJ_SCHEMA | OBJ_QOM | OBJ_CHECKED, tls_psk_props },
    { "tls-creds-x509", OBJ_SCHEMA | OBJ_QOM | OBJ_CHECKED, tls_x509_props },
};

static const ObjectTypeInfo *object_type_find(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(object_types); i++) {
        if (!strcmp(object_types[i].name, name)) {
            return &object_types[i];
        }
    }
    return NULL;
}

/* A type this tool can create (QOM registered), not only in the schema. */
static bool object_type_registered(const ObjectTypeInfo *t, ObjectTool tool)
{
    if (t->flags & OBJ_DAEMON) {
        return tool == OBJECT_TOOL_DAEMON;
    }
    return t->flags & OBJ_QOM;
}

bool object_type_in_schema(const char *type, Error **errp)
{
    const ObjectTypeInfo *t = object_type_find(type);

    if (!t || !(t->flags & OBJ_SCHEMA)) {
        error_setg(errp, "Parameter 'qom-type' does not accept value '%s'",
                   type);
        return false;
    }
    return true;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "--object help", and "--object TYPE,help" for a type we do not have. */
static void object_print_types(ObjectTool tool)
{
    printf("List of user creatable objects:\n");
    for (size_t i = 0; i < ARRAY_SIZE(object_types); i++) {
        if (object_type_registered(&object_types[i], tool)) {
            printf("  %s\n", object_types[i].name);
        }
    }
}

static void object_print_props(const ObjectTypeInfo *t)
{
    g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func(g_free);

    for (const ObjectProp *p = t->props; p->name; p++) {
        if (p->help) {
            g_ptr_array_add(lines, g_strdup_printf("  %s=<%s>", p->name,
                                                   p->help));
        }
    }
    g_ptr_array_sort(lines, cmp_str);
    printf("%s options:\n", t->name);
    for (guint i = 0; i < lines->len; i++) {
        printf("%s\n", (char *)g_ptr_array_index(lines, i));
    }
}

static bool object_check_prop(const ObjectProp *p, QObject *val, bool keyval,
                              Error **errp)
{
    const char *s = json_is_string(val) ? json_string_value(val) : NULL;
    int64_t i;
    bool b;

    switch (p->kind) {
    case PROP_STR:
    case PROP_SECRET_FORMAT:
        if (!s) {
            error_setg(errp, QERR_INVALID_PARAMETER_TYPE, p->name, "string");
            return false;
        }
        if (p->kind == PROP_SECRET_FORMAT) {
            static const char *const formats[] = { "raw", "base64", NULL };

            return qapi_enum_parse_param(p->name, formats, -1, s, errp) >= 0;
        }
        return true;
    case PROP_BOOL:
        if (keyval) {
            return qemu_parse_bool(p->name, s, &b, errp);
        }
        if (!json_is_boolean(val)) {
            error_setg(errp, QERR_INVALID_PARAMETER_TYPE, p->name, "boolean");
            return false;
        }
        return true;
    case PROP_INT:
        if (keyval && qemu_strtoi64(s, NULL, 0, &i) < 0) {
            error_setg(errp, "Parameter '%s' expects integer", p->name);
            return false;
        }
        if (!keyval && !json_is_integer(val)) {
            error_setg(errp, QERR_INVALID_PARAMETER_TYPE, p->name, "integer");
            return false;
        }
        return true;
    case PROP_ANY:
        return true;
    }
    g_assert_not_reached();
}

/*
 * The members of a type without its own checks, in QEMU's visiting order:
 * each member in schema order (missing, wrong type, bad enum value),
 * then the first key that is no member, then read-only properties.
 */
static bool object_check_props(const ObjectTypeInfo *t, QDict *opts,
                               Error **errp)
{
    bool keyval = true;
    const char *key;
    QObject *val;

    qdict_foreach(opts, key, val) {
        keyval &= json_is_string(val);
    }
    for (const ObjectProp *p = t->props; p->name; p++) {
        QObject *v = qdict_get(opts, p->name);

        if (!v) {
            if (p->required) {
                error_setg(errp, QERR_MISSING_PARAMETER, p->name);
                return false;
            }
            continue;
        }
        if (!object_check_prop(p, v, keyval, errp)) {
            return false;
        }
    }
    qdict_foreach(opts, key, val) {
        g_autofree char *member = g_strndup(key, strcspn(key, "."));
        bool known = !strcmp(member, "qom-type") || !strcmp(member, "id");

        for (const ObjectProp *p = t->props; p->name && !known; p++) {
            known = !strcmp(p->name, member);
        }
        if (!known) {
            error_setg(errp, "Parameter '%s' is unexpected", member);
            return false;
        }
    }
    for (const ObjectProp *p = t->props; p->name; p++) {
        if (p->read_only && qdict_haskey(opts, p->name)) {
            error_setg(errp, "Property '%s.%s' is not writable", t->name,
                       p->name);
            return false;
        }
    }
    return true;
}

bool object_type_check(const char *type, QDict *opts, Error **errp)
{
    const ObjectTypeInfo *t = object_type_find(type);

    assert(t);
    return (t->flags & OBJ_CHECKED) || object_check_props(t, opts, errp);
}

bool object_type_complete(const char *type, QDict *opts, ObjectTool tool,
                          Error **errp)
{
    const ObjectTypeInfo *t = object_type_find(type);

    if (!object_type_registered(t, tool)) {
        error_setg(errp, "invalid object type: %s", type);
        return false;
    }
    if (!strcmp(type, "main-loop") && tool == OBJECT_TOOL_IO) {
        /* qemu-io creates objects before its main loop. */
        error_setg(errp, "qemu aio context not ready");
        return false;
    }
    if (!strcmp(type, "secret")) {
        const char *file = qdict_get_try_str(opts, "file");
        g_autoptr(GError) gerr = NULL;
        g_autofree char *contents = NULL;

        if (qdict_haskey(opts, "data")) {
            return true;
        }
        if (!file) {
            error_setg(errp, "Either 'file' or 'data' must be provided");
            return false;
        }
        if (!g_file_get_contents(file, &contents, NULL, &gerr)) {
            error_setg(errp, "Unable to read %s: %s", file, gerr->message);
            return false;
        }
    }
    if (!strcmp(type, "tls-cipher-suites") &&
        !qdict_haskey(opts, "priority")) {
        error_setg(errp, "'priority' property is not set");
        return false;
    }
    return true;
}

bool user_creatable_add_cmdline(const char *optarg, ObjectTool tool,
                                Error **errp)
{
    g_autoptr(QObject) opts = NULL;
    const ObjectTypeInfo *t;
    const char *type;
    bool help = false;

    if (optarg[0] == '{') {
        opts = qobject_from_json(optarg, errp);
        if (!opts) {
            return false;
        }
        if (!qobject_is_dict(opts)) {
            error_setg(errp, "Invalid parameter type, expected: object");
            return false;
        }
        if (qdict_haskey(opts, "qom-type") &&
            !qdict_get_try_str(opts, "qom-type")) {
            error_setg(errp, QERR_INVALID_PARAMETER_TYPE, "qom-type",
                       "string");
            return false;
        }
    } else {
        opts = keyval_parse(optarg, "qom-type", &help, errp);
        if (!opts) {
            return false;
        }
    }
    type = qdict_get_try_str(opts, "qom-type");
    if (help) {
        t = type ? object_type_find(type) : NULL;
        if (t && object_type_registered(t, tool)) {
            object_print_props(t);
        } else {
            object_print_types(tool);
        }
        exit(EXIT_SUCCESS);
    }
    return user_creatable_add_tool(type, opts, tool, errp);
}
