/*
 * NBD server and block exports of the storage daemon: the QMP commands
 * nbd-server-start/-stop, block-export-add/-del, query-block-exports,
 * the deprecated nbd-server-add/-remove, the --nbd-server and --export
 * options, the BLOCK_EXPORT_DELETED event and the shutdown of exports.
 * The server itself is nbd/; this file turns typed QAPI arguments into
 * its calls.
 */
#include "qemu/osdep.h"
#include "block/nbd.h"
#include "monitor/monitor.h"
#include "monitor/qapi-schema.h"
#include "qapi/qapi-events-block.h"
#include "qemu/cutils.h"
#include "qemu/main-loop.h"
#include "qemu/option.h"

/*
 * Start the server on a flat SocketAddress (@addr: type plus the
 * members of that type).  @from_cli: fd numbers are parsed as QEMU
 * does without a monitor; over QMP QEMU's storage daemon has no fd
 * passing at all.
 */
static void nbd_server_start_addr(QDict *addr, QDict *args, bool from_cli,
                                  Error **errp)
{
    g_autoptr(SocketAddress) saddr = socket_address_from_qdict(addr);
    const char *tls_creds = qdict_get_try_str(args, "tls-creds");
    const char *tls_authz = qdict_get_try_str(args, "tls-authz");
    int64_t max_conn = qdict_get_try_int(args, "max-connections", 0);

    if (saddr->type == SOCKET_ADDRESS_TYPE_FD && !from_cli) {
        error_setg(errp, "only QEMU supports file descriptor passing");
        return;
    }
    nbd_server_start(saddr, MIN(max_conn, INT_MAX), tls_creds, tls_authz,
                     errp);
}

void qmp_nbd_server_start(QDict *args, QObject **ret, Error **errp)
{
    QDict *legacy = qdict_get_qdict(args, "addr");
    QDict *addr = qdict_clone_shallow(qdict_get_qdict(legacy, "data"));

    /* {type, data: {...}} -> {type, ...} */
    qdict_put_str(addr, "type", qdict_get_str(legacy, "type"));
    nbd_server_start_addr(addr, args, false, errp);
    qobject_unref(addr);
}

/* Keep the monitors quiet while exports finish (QEMU's AIO_WAIT_WHILE). */
static void wait_for_exports(void)
{
    while (nbd_export_next(NULL) || nbd_server_client_count() > 0) {
        main_loop_wait(true);
    }
}

void qmp_nbd_server_stop(QDict *args, QObject **ret, Error **errp)
{
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);
    Error *err = NULL;

    /*
     * QEMU's order of BLOCK_EXPORT_DELETED: exports without clients go
     * at once, oldest first; those with clients go when their clients
     * are gone, newest first.  (The list is newest first.)
     */
    for (NBDExport *exp = nbd_export_next(NULL); exp;
         exp = nbd_export_next(exp)) {
        if (!nbd_export_shutting_down(exp)) {
            if (nbd_export_client_count(exp)) {
                g_ptr_array_add(ids, g_strdup(nbd_export_id(exp)));
            } else {
                g_ptr_array_insert(ids, 0, g_strdup(nbd_export_id(exp)));
            }
        }
    }
    if (nbd_server_is_running()) {
        for (guint i = 0; i < ids->len; i++) {
            nbd_export_del(g_ptr_array_index(ids, i), NBD_EXPORT_DEL_HARD,
                           NULL);
        }
    }
    nbd_server_stop(&err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    /* As QEMU: every BLOCK_EXPORT_DELETED precedes the reply. */
    monitor_suspend_input(true);
    wait_for_exports();
    monitor_suspend_input(false);
}

/* QEMU's blk_exp_add() checks before the iothread lookup. */
static bool export_precheck(const char *id, const char *node_name,
                            Error **errp)
{
    if (!id_wellformed(id)) {
        error_setg(errp, "Invalid block export id");
        return false;
    }
    if (nbd_export_find_id(id)) {
        error_setg(errp, "Block export id '%s' is already in use", id);
        return false;
    }
    return bdrv_lookup_bs(NULL, node_name, errp) != NULL;
}

/* @args: typed BlockExportOptions. */
static void block_export_add_typed(QDict *args, Error **errp)
{
    NBDExportOptions opts = {
        .id = qdict_get_str(args, "id"),
        .node_name = qdict_get_str(args, "node-name"),
        .name = qdict_get_try_str(args, "name"),
        .description = qdict_get_try_str(args, "description"),
        .writable = qdict_get_try_bool(args, "writable", false),
        .writethrough = qdict_get_try_bool(args, "writethrough", false),
    };
    const char *iothread = qdict_get_try_str(args, "iothread");
    QList *bitmaps = qdict_get_qlist(args, "bitmaps");

    if (iothread) {
        /* No iothreads exist here, so none is ever found. */
        if (export_precheck(opts.id, opts.node_name, errp)) {
            error_setg(errp, "iothread \"%s\" not found", iothread);
        }
        return;
    }
    if (bitmaps && json_array_size(bitmaps) > 0) {
        QObject *b = json_array_get(bitmaps, 0);
        error_setg(errp, "Bitmap '%s' is not found",
                   json_is_string(b) ? json_string_value(b) : "");
        return;
    }
    if (qdict_get_try_bool(args, "allocation-depth", false)) {
        error_setg(errp, "allocation-depth is not supported");
        return;
    }
    nbd_export_add(NULL, &opts, errp);
}

void qmp_block_export_add(QDict *args, QObject **ret, Error **errp)
{
    block_export_add_typed(args, errp);
}

static void export_del(const char *id, const char *mode, Error **errp)
{
    NBDExport *exp = nbd_export_find_id(id);

    if (exp && nbd_export_shutting_down(exp)) {
        error_setg(errp, "Export '%s' is already shutting down", id);
        return;
    }
    nbd_export_del(id, !g_strcmp0(mode, "hard") ? NBD_EXPORT_DEL_HARD
                                               : NBD_EXPORT_DEL_SAFE, errp);
}

void qmp_block_export_del(QDict *args, QObject **ret, Error **errp)
{
    export_del(qdict_get_str(args, "id"), qdict_get_try_str(args, "mode"),
               errp);
}

void qmp_query_block_exports(QDict *args, QObject **ret, Error **errp)
{
    QList *list = json_array();

    for (NBDExport *exp = nbd_export_next(NULL); exp;
         exp = nbd_export_next(exp)) {
        QDict *info = qdict_new();

        qdict_put_str(info, "type", "nbd");
        qdict_put_str(info, "id", nbd_export_id(exp));
        qdict_put_str(info, "node-name", nbd_export_node_name(exp));
        qdict_put_bool(info, "shutting-down", nbd_export_shutting_down(exp));
        json_array_append_new(list, info);
    }
    *ret = list;
}

/* Deprecated: the id and the name are both @name (default @device). */
void qmp_nbd_server_add(QDict *args, QObject **ret, Error **errp)
{
    const char *device = qdict_get_str(args, "device");
    const char *name = qdict_get_try_str(args, "name");
    BlockDriverState *bs;
    NBDExportOptions opts = {
        .id = name ? name : device,
        .node_name = device,
        .name = name ? name : device,
        .description = qdict_get_try_str(args, "description"),
        .writable = qdict_get_try_bool(args, "writable", false),
    };

    bs = bdrv_lookup_bs(device, device, errp);
    if (!bs) {
        return;
    }
    if (!nbd_server_is_running()) {
        error_setg(errp, "NBD server not running");
        return;
    }
    /* nbd-server-add downgrades instead of refusing. */
    if (bdrv_is_read_only(bs)) {
        opts.writable = false;
    }
    if (qdict_haskey(args, "bitmap")) {
        error_setg(errp, "Bitmap '%s' is not found",
                   qdict_get_str(args, "bitmap"));
        return;
    }
    nbd_export_add(NULL, &opts, errp);
}

void qmp_nbd_server_remove(QDict *args, QObject **ret, Error **errp)
{
    export_del(qdict_get_str(args, "name"), qdict_get_try_str(args, "mode"),
               errp);
}

/* Validate a dotted-keys option string against a schema type. */
static QDict *keyval_typed(const char *str, const char *implied,
                           const QAPIType *type, Error **errp)
{
    QDict *flat = keyval_parse(str, implied, NULL, errp);
    QObject *in, *typed;

    if (!flat) {
        return NULL;
    }
    in = qdict_crumple(flat, errp);
    qobject_unref(flat);
    if (!in) {
        return NULL;
    }
    typed = qapi_validate(type, in, true, errp);
    qobject_unref(in);
    return typed;
}

bool qsd_nbd_server_add_str(const char *str, Error **errp)
{
    QDict *args = keyval_typed(str, NULL, qapi_find_type("NbdServerOptions"),
                               errp);
    Error *err = NULL;

    if (!args) {
        return false;
    }
    nbd_server_start_addr(qdict_get_qdict(args, "addr"), args, true, &err);
    qobject_unref(args);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

bool qsd_export_add_str(const char *str, Error **errp)
{
    const QAPICommandSchema *schema =
        qapi_find_command_schema("block-export-add");
    QDict *args = keyval_typed(str, "type", schema->args, errp);
    Error *err = NULL;

    if (!args) {
        return false;
    }
    block_export_add_typed(args, &err);
    qobject_unref(args);
    if (err) {
        error_propagate(errp, err);
        return false;
    }
    return true;
}

static void export_deleted(const char *id, void *opaque)
{
    qapi_event_send_block_export_deleted(id);
}

void qsd_exports_init(void)
{
    nbd_set_export_deleted_notifier(export_deleted, NULL);
}

void qsd_exports_shutdown(void)
{
    if (nbd_server_is_running()) {
        nbd_server_stop(NULL);
    }
    wait_for_exports();
}
