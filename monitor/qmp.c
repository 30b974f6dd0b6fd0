/*
 * QMP monitors: one per --monitor, each on its own chardev.  A monitor
 * starts in capabilities negotiation on every new connection, frames
 * its input with json-stream.c and answers each value with one reply
 * line, in QEMU's checks, classes, texts and member order.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "monitor/monitor.h"
#include "monitor/json-stream.h"
#include "monitor/qapi-schema.h"
#include "qemu/main-loop.h"
#include "qemu/option.h"
#include "qemu/queue.h"

typedef struct Monitor {
    Chardev *chr;
    JSONStream *stream;
    bool negotiated;        /* qmp_capabilities done */
    bool oob;               /* oob capability enabled */
    bool pretty;
    GString *deferred;      /* input that arrived while suspended */
    QTAILQ_ENTRY(Monitor) next;
} Monitor;

/* All of these belong to the main loop thread, which runs every command. */
static QTAILQ_HEAD(, Monitor) monitors = QTAILQ_HEAD_INITIALIZER(monitors);
/* The monitor whose command runs (qmp_capabilities needs it). */
static Monitor *cur_mon;
/* A command is running the event loop: queue input (nesting depth). */
static int input_suspended;
/* quit was asked for: the daemon's main loop ends. */
bool qsd_exit_requested;

static const char *const error_class_names[] = {
    [ERROR_CLASS_GENERIC_ERROR] = "GenericError",
    [ERROR_CLASS_COMMAND_NOT_FOUND] = "CommandNotFound",
    [ERROR_CLASS_DEVICE_NOT_ACTIVE] = "DeviceNotActive",
    [ERROR_CLASS_DEVICE_NOT_FOUND] = "DeviceNotFound",
    [ERROR_CLASS_KVM_MISSING_CAP] = "KVMMissingCap",
};

/* Lines end in \r\n, also inside pretty output, as QEMU's monitor_puts. */
static void monitor_send(Monitor *mon, QObject *obj)
{
    g_autofree char *json = mon->pretty ? qobject_to_json_qemu_pretty(obj)
                                        : qobject_to_json_qemu(obj);
    g_autoptr(GString) out = g_string_sized_new(strlen(json) + 2);

    for (const char *p = json; *p; p++) {
        if (*p == '\n') {
            g_string_append_c(out, '\r');
        }
        g_string_append_c(out, *p);
    }
    g_string_append(out, "\r\n");
    qemu_chr_write(mon->chr, out->str, out->len);
}

static QDict *error_response(Error *err)
{
    QDict *rsp = qdict_new();
    QDict *e = qdict_new();

    qdict_put_str(e, "class", error_class_names[error_get_class(err)]);
    qdict_put_str(e, "desc", error_get_pretty(err));
    qdict_put_obj(rsp, "error", e);
    error_free(err);
    return rsp;
}

void monitor_broadcast_event(QDict *envelope)
{
    Monitor *mon;

    QTAILQ_FOREACH(mon, &monitors, next) {
        if (mon->negotiated) {
            monitor_send(mon, envelope);
        }
    }
}

QDict *qmp_version_info(void)
{
    QDict *info = qdict_new();
    QDict *triple = qdict_new();
    unsigned major = 0, minor = 0, micro = 0;

    sscanf(QEMU_VERSION, "%u.%u.%u", &major, &minor, &micro);
    qdict_put_int(triple, "major", major);
    qdict_put_int(triple, "minor", minor);
    qdict_put_int(triple, "micro", micro);
    qdict_put_obj(info, "qemu", triple);
    qdict_put_str(info, "package", QEMU_PKGVERSION);
    return info;
}

static void monitor_greet(Monitor *mon)
{
    QDict *greeting = qdict_new();
    QDict *qmp = qdict_new();
    QList *caps = json_array();

    json_array_append_new(caps, json_string("oob"));
    qdict_put_obj(qmp, "version", qmp_version_info());
    qdict_put_obj(qmp, "capabilities", caps);
    qdict_put_obj(greeting, "QMP", qmp);
    monitor_send(mon, greeting);
    qobject_unref(greeting);
}

static const QmpCommand *find_command(Monitor *mon, const char *name)
{
    for (const QmpCommand *c = qmp_command_table; c->name; c++) {
        if (!strcmp(c->name, name)) {
            /* Before negotiation only qmp_capabilities exists. */
            if (!mon->negotiated && strcmp(name, "qmp_capabilities")) {
                return NULL;
            }
            return c;
        }
    }
    return NULL;
}

/* QEMU's qmp_dispatch_check_obj(): walk the request in QEMU's order. */
static bool check_request(QDict *req, bool allow_oob, Error **errp)
{
    g_auto(GStrv) keys = qdict_qemu_keys(req);
    const char *exec_key = NULL;

    for (int i = 0; keys[i]; i++) {
        const char *k = keys[i];
        QObject *v = qdict_get(req, k);

        if (!strcmp(k, "execute") ||
            (!strcmp(k, "exec-oob") && allow_oob)) {
            if (!json_is_string(v)) {
                error_setg(errp, "QMP input member '%s' must be a string", k);
                return false;
            }
            if (exec_key) {
                error_setg(errp, "QMP input member '%s' clashes with '%s'",
                           k, exec_key);
                return false;
            }
            exec_key = k;
        } else if (!strcmp(k, "arguments")) {
            if (!json_is_object(v)) {
                error_setg(errp,
                           "QMP input member 'arguments' must be an object");
                return false;
            }
        } else if (strcmp(k, "id")) {
            error_setg(errp, "QMP input member '%s' is unexpected", k);
            return false;
        }
    }
    if (!exec_key) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return false;
    }
    return true;
}

static const QAPIMember no_members[] = { { NULL } };
static const QAPIType no_args = {
    .name = "empty", .kind = QAPI_KIND_STRUCT, .members = no_members,
};

static QDict *dispatch(Monitor *mon, QObject *request)
{
    QDict *req = qobject_is_dict(request) ? request : NULL;
    QObject *id = req ? qdict_get(req, "id") : NULL;
    const QAPICommandSchema *schema;
    const QmpCommand *cmd;
    Error *err = NULL;
    QObject *ret = NULL, *args = NULL, *typed;
    const char *name;
    bool oob = false;
    QDict *rsp;

    if (!req) {
        error_setg(&err, "QMP input must be a JSON object");
        goto out;
    }
    if (!check_request(req, mon->oob, &err)) {
        goto out;
    }
    name = qdict_get_try_str(req, "execute");
    if (!name) {
        name = qdict_get_str(req, "exec-oob");
        oob = true;
    }
    cmd = find_command(mon, name);
    if (!cmd) {
        error_set(&err, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "The command %s has not been found", name);
        goto out;
    }
    if (oob) {
        /* None of our commands may run out of band. */
        error_setg(&err, "The command %s does not support OOB", name);
        goto out;
    }
    schema = qapi_find_command_schema(name);
    assert(schema);
    args = qdict_get(req, "arguments");
    args = args ? qobject_ref(args) : qdict_new();
    typed = qapi_validate(schema->args ? schema->args : &no_args, args,
                          false, &err);
    if (!typed) {
        goto out;
    }
    qobject_unref(args);
    args = typed;
    cur_mon = mon;
    cmd->fn(args, &ret, &err);
    cur_mon = NULL;

out:
    qobject_unref(args);
    if (err) {
        rsp = error_response(err);
        qobject_unref(ret);
    } else {
        rsp = qdict_new();
        qdict_put_obj(rsp, "return", ret ? ret : qdict_new());
    }
    if (id) {
        qdict_put_obj(rsp, "id", qobject_ref(id));
    }
    return rsp;
}

static void monitor_handle(void *opaque, QObject *obj, Error *err)
{
    Monitor *mon = opaque;
    QDict *rsp;

    if (err) {
        /* Parse errors carry no id: there is no request to take it from. */
        rsp = error_response(err);
    } else {
        rsp = dispatch(mon, obj);
        qobject_unref(obj);
        if (!mon->negotiated) {
            QDict *e = qdict_get_qdict(rsp, "error");
            if (e && !g_strcmp0(qdict_get_try_str(e, "class"),
                                "CommandNotFound")) {
                qdict_put_str(e, "desc", "Expecting capabilities negotiation "
                              "with 'qmp_capabilities'");
            }
        }
    }
    monitor_send(mon, rsp);
    qobject_unref(rsp);
}

/* Feed what was queued while input was suspended, in arrival order. */
static void monitor_drain(Monitor *mon)
{
    while (!input_suspended && mon->deferred->len) {
        GString *in = mon->deferred;

        mon->deferred = g_string_new(NULL);
        json_stream_feed(mon->stream, in->str, in->len);
        g_string_free(in, true);
    }
}

static void monitor_drain_all(void *opaque)
{
    Monitor *mon;

    QTAILQ_FOREACH(mon, &monitors, next) {
        monitor_drain(mon);
    }
}

void monitor_suspend_input(bool suspend)
{
    input_suspended += suspend ? 1 : -1;
    assert(input_suspended >= 0);
    if (!input_suspended) {
        aio_bh_schedule_oneshot(monitor_drain_all, NULL);
    }
}

static void monitor_read(void *opaque, const char *buf, size_t len)
{
    Monitor *mon = opaque;

    if (input_suspended || mon->deferred->len) {
        g_string_append_len(mon->deferred, buf, len);
        monitor_drain(mon);
        return;
    }
    json_stream_feed(mon->stream, buf, len);
}

static void monitor_event(void *opaque, ChrEvent event)
{
    Monitor *mon = opaque;

    json_stream_reset(mon->stream);
    g_string_truncate(mon->deferred, 0);
    mon->negotiated = false;
    mon->oob = false;
    if (event == CHR_EVENT_OPENED) {
        monitor_greet(mon);
    }
}

/* qmp_capabilities needs the monitor it runs on. */
void qmp_qmp_capabilities(QDict *args, QObject **ret, Error **errp);
void qmp_qmp_capabilities(QDict *args, QObject **ret, Error **errp)
{
    Monitor *mon = cur_mon;
    QList *enable = qdict_get_qlist(args, "enable");

    if (mon->negotiated) {
        error_set(errp, ERROR_CLASS_COMMAND_NOT_FOUND,
                  "Capabilities negotiation is already complete, command "
                  "ignored");
        return;
    }
    mon->oob = enable && json_array_size(enable) > 0;
    mon->negotiated = true;
}

bool monitor_new_from_opts(QDict *opts, Error **errp)
{
    const char *id = qdict_get_try_str(opts, "chardev");
    const char *mode = qdict_get_try_str(opts, "mode");
    const char *pretty = qdict_get_try_str(opts, "pretty");
    bool pretty_on = false;
    Chardev *chr;
    Monitor *mon;

    /* Typed first, as QEMU's MonitorOptions visitor. */
    if (pretty && !qemu_parse_bool("pretty", pretty, &pretty_on, errp)) {
        return false;
    }
    if (mode && strcmp(mode, "control")) {
        error_setg(errp, "Only QMP is supported");
        return false;
    }
    if (!id) {
        error_setg(errp, "Parameter 'chardev' is missing");
        return false;
    }
    chr = qemu_chr_find(id);
    if (!chr) {
        error_setg(errp, "chardev \"%s\" not found", id);
        return false;
    }
    mon = g_new0(Monitor, 1);
    mon->chr = chr;
    mon->pretty = pretty_on;
    mon->stream = json_stream_new(monitor_handle, mon);
    mon->deferred = g_string_new(NULL);
    if (!qemu_chr_set_handlers(chr, monitor_read, monitor_event, mon)) {
        json_stream_free(mon->stream);
        g_string_free(mon->deferred, true);
        g_free(mon);
        error_setg(errp, "chardev '%s' is already in use", id);
        return false;
    }
    QTAILQ_INSERT_TAIL(&monitors, mon, next);
    return true;
}

void monitor_cleanup(void)
{
    Monitor *mon, *next;

    QTAILQ_FOREACH_SAFE(mon, &monitors, next, next) {
        QTAILQ_REMOVE(&monitors, mon, next);
        json_stream_free(mon->stream);
        g_string_free(mon->deferred, true);
        g_free(mon);
    }
}
