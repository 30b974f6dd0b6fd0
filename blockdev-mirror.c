/*
 * blockdev-mirror and drive-mirror: QEMU 7.2's checks, in its order and
 * with its messages, then mirror_start().  A check that QEMU makes after
 * creating the job (the speed) emits created/null as QEMU's does.
 */
#include "qemu/osdep.h"
#include "block/mirror.h"
#include "monitor/monitor.h"
#include "qapi/util.h"

#define MIRROR_DEFAULT_GRANULARITY  (64 * KiB)
#define MIRROR_DEFAULT_BUF_SIZE     (16 * MiB)

static const char *const sync_names[] = {
    "top", "full", "none", "incremental", "bitmap", NULL,
};

/* The schema has refused values that are not in @names. */
static int parse_name(QDict *args, const char *key,
                      const char *const *names, int def)
{
    const char *v = qdict_get_try_str(args, key);
    int i = v ? qapi_enum_lookup(names, -1, v) : -1;

    return i < 0 ? def : i;
}

/* A node without node parents: QEMU's qmp_get_root_bs(). */
static BlockDriverState *get_root_bs(const char *name, Error **errp)
{
    BlockDriverState *bs = bdrv_lookup_bs(name, name, errp);
    BdrvChild *c;

    if (!bs) {
        return NULL;
    }
    QLIST_FOREACH(c, &bs->parents, next_parent) {
        if (c->klass->parent_is_bds) {
            error_setg(errp, "Need a root block node");
            return NULL;
        }
    }
    return bs;
}

/*
 * May @to_replace be replaced by a copy of @bs without an abrupt change
 * of what anybody sees?  Itself; below a filter, what the filter's child
 * allows; otherwise what the driver says (quorum: a direct child nobody
 * else uses).  QEMU's bdrv_recurse_can_replace().
 */
static bool mirror_can_replace(BlockDriverState *bs,
                               BlockDriverState *to_replace)
{
    if (bs == to_replace) {
        return true;
    }
    if (!bs->drv) {
        return false;
    }
    if (bs->drv->bdrv_recurse_can_replace) {
        return bs->drv->bdrv_recurse_can_replace(bs, to_replace);
    }
    bs = bdrv_filter_bs(bs);
    return bs && mirror_can_replace(bs, to_replace);
}

static void blockdev_mirror_common(const char *job_id, BlockDriverState *bs,
                                   BlockDriverState *target, QDict *args,
                                   Error **errp)
{
    const char *replaces = qdict_get_try_str(args, "replaces");
    int64_t speed = qdict_get_try_int(args, "speed", 0);
    int64_t granularity = qdict_get_try_int(args, "granularity", 0);
    int64_t buf_size = qdict_get_try_int(args, "buf-size", 0);
    MirrorSyncMode sync = parse_name(args, "sync", sync_names,
                                     MIRROR_SYNC_MODE_FULL);
    BlockdevOnError on_source_error =
        parse_name(args, "on-source-error", BlockdevOnError_names,
                   BLOCKDEV_ON_ERROR_REPORT);
    BlockdevOnError on_target_error =
        parse_name(args, "on-target-error", BlockdevOnError_names,
                   BLOCKDEV_ON_ERROR_REPORT);
    BlockDriverState *to_replace = bs;
    int flags = JOB_DEFAULT;

    if (!qdict_get_try_bool(args, "auto-finalize", true)) {
        flags |= JOB_MANUAL_FINALIZE;
    }
    if (!qdict_get_try_bool(args, "auto-dismiss", true)) {
        flags |= JOB_MANUAL_DISMISS;
    }
    if (granularity != 0 && (granularity < 512 || granularity > 64 * MiB)) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "granularity",
                   "a value in range [512B, 64MB]");
        return;
    }
    if (granularity & (granularity - 1)) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "granularity",
                   "a power of 2");
        return;
    }
    /*
     * As QEMU, before the remaining checks: a second mirror into one
     * target gets this, not the permission conflict.
     */
    if (block_job_node_busy(target, errp)) {
        return;
    }
    /* No backing files here: top is full. */
    if (sync == MIRROR_SYNC_MODE_TOP) {
        sync = MIRROR_SYNC_MODE_FULL;
    }
    if (replaces) {
        int64_t bs_size = bdrv_getlength(bs), replace_size;

        to_replace = bdrv_find_node(replaces);
        if (!to_replace) {
            error_setg(errp, "Failed to find node with node-name='%s'",
                       replaces);
            return;
        }
        if (!mirror_can_replace(bs, to_replace)) {
            error_setg(errp, "Cannot replace '%s' by a node mirrored from "
                       "'%s', because it cannot be guaranteed that doing so "
                       "would not lead to an abrupt change of visible data",
                       replaces, bdrv_get_node_name(bs));
            return;
        }
        replace_size = bdrv_getlength(to_replace);
        if (bs_size != replace_size) {
            error_setg(errp, "cannot replace image with a mirror image of "
                       "different size");
            return;
        }
    }
    if (sync == MIRROR_SYNC_MODE__MAX || sync > MIRROR_SYNC_MODE_NONE) {
        error_setg(errp, "Sync mode '%s' not supported",
                   qdict_get_str(args, "sync"));
        return;
    }
    /* Ours: no filter node is inserted, and every copy is in the background. */
    if (qdict_haskey(args, "filter-node-name")) {
        error_setg(errp, "Parameter 'filter-node-name' is not supported");
        return;
    }
    if (!g_strcmp0(qdict_get_try_str(args, "copy-mode"), "write-blocking")) {
        error_setg(errp, "Parameter 'copy-mode' does not support "
                   "'write-blocking'");
        return;
    }
    if (buf_size < 0) {
        error_setg(errp, "Invalid parameter 'buf-size'");
        return;
    }
    if (bs == target) {
        error_setg(errp, "Can't mirror node into itself");
        return;
    }
    mirror_start(job_id, bs, target, to_replace, sync, speed,
                 granularity ? granularity : MIRROR_DEFAULT_GRANULARITY,
                 buf_size ? buf_size : MIRROR_DEFAULT_BUF_SIZE,
                 on_source_error, on_target_error, flags, errp);
}

void qmp_blockdev_mirror(QDict *args, QObject **ret, Error **errp)
{
    BlockDriverState *bs, *target;

    bs = get_root_bs(qdict_get_str(args, "device"), errp);
    if (!bs) {
        return;
    }
    target = bdrv_lookup_bs(qdict_get_str(args, "target"),
                            qdict_get_str(args, "target"), errp);
    if (!target) {
        return;
    }
    /* Without a job ID, QEMU takes the device's name: none for nodes. */
    blockdev_mirror_common(qdict_get_try_str(args, "job-id") ?: "", bs,
                           target, args, errp);
}

/* drive-mirror: the target is a raw file, opened or created first. */
void qmp_drive_mirror(QDict *args, QObject **ret, Error **errp)
{
    const char *filename = qdict_get_str(args, "target");
    const char *format = qdict_get_try_str(args, "format");
    const char *node_name = qdict_get_try_str(args, "node-name");
    const char *mode = qdict_get_try_str(args, "mode");
    BlockDriverState *bs, *target;
    QDict *opts;
    int64_t size;

    bs = get_root_bs(qdict_get_str(args, "device"), errp);
    if (!bs) {
        return;
    }
    if (format && strcmp(format, "raw")) {
        error_setg(errp, "Unknown driver '%s'", format);
        return;
    }
    size = bdrv_getlength(bs);
    if (size < 0) {
        error_setg_errno(errp, -size, "bdrv_getlength failed");
        return;
    }
    if (g_strcmp0(mode, "existing")) {
        QDict *copts = qdict_new();
        int r;

        qdict_put_int(copts, "size", size);
        r = bdrv_create_file(filename, copts, errp);
        qobject_unref(copts);
        if (r < 0) {
            return;
        }
    }
    opts = qdict_new();
    qdict_put_str(opts, "driver", "raw");
    if (node_name) {
        qdict_put_str(opts, "node-name", node_name);
    }
    target = bdrv_open(filename, NULL, opts, BDRV_O_RDWR, errp);
    if (!target) {
        return;
    }
    blockdev_mirror_common(qdict_get_try_str(args, "job-id") ?: "", bs,
                           target, args, errp);
    /* The job holds the target; without a job it goes. */
    bdrv_unref(target);
}
