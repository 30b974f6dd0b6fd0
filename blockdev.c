/*
 * Block commands of the QMP monitor: blockdev-add/-del/-reopen,
 * query-named-block-nodes, x-blockdev-change and the driver statistics
 * query.  Arguments arrive validated and typed.  Nothing here knows a
 * driver: what differs between drivers is asked of the block layer.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "monitor/monitor.h"
#include "monitor/qapi-schema.h"

/*
 * Nodes created by blockdev-add: the monitor holds their reference.
 * Main loop thread only, as every monitor command.
 */
static GPtrArray *monitor_nodes;

static bool monitor_owns(BlockDriverState *bs)
{
    return monitor_nodes && g_ptr_array_find(monitor_nodes, bs, NULL);
}

/* @options: typed BlockdevOptions (consumed). */
static bool blockdev_add_typed(QDict *options, Error **errp)
{
    BlockDriverState *bs;

    qdict_flatten(options);
    if (!qdict_get_try_str(options, "node-name")) {
        qobject_unref(options);
        error_setg(errp, "'node-name' must be specified for the root node");
        return false;
    }
    /* QEMU's bds_tree_init() defaults, inherited by inline children. */
    qdict_set_default_str(options, BDRV_OPT_CACHE_DIRECT, "off");
    qdict_set_default_str(options, BDRV_OPT_CACHE_NO_FLUSH, "off");
    qdict_set_default_str(options, BDRV_OPT_READ_ONLY, "off");
    bs = bdrv_open(NULL, NULL, options, 0, errp);
    if (!bs) {
        return false;
    }
    if (!monitor_nodes) {
        monitor_nodes = g_ptr_array_new();
    }
    g_ptr_array_add(monitor_nodes, bs);
    return true;
}

void qmp_blockdev_add(QDict *args, QObject **ret, Error **errp)
{
    blockdev_add_typed(qobject_ref(args), errp);
}

bool qsd_blockdev_add_str(const char *str, Error **errp)
{
    const QAPICommandSchema *schema = qapi_find_command_schema("blockdev-add");
    QObject *in, *typed;
    bool keyval = str[0] != '{';

    if (keyval) {
        QDict *flat = keyval_parse_flat(str, "driver", errp);
        if (!flat) {
            return false;
        }
        in = qdict_crumple(flat, errp);
        qobject_unref(flat);
    } else {
        in = qobject_from_json(str, errp);
        if (in && !qobject_is_dict(in)) {
            qobject_unref(in);
            error_setg(errp, "Invalid JSON object given");
            return false;
        }
    }
    if (!in) {
        return false;
    }
    typed = qapi_validate(schema->args, in, keyval, errp);
    qobject_unref(in);
    return typed && blockdev_add_typed(typed, errp);
}

/*
 * blockdev-reopen: every node of the list gets exactly the options given
 * (QEMU 7.2's checks, all nodes or none).  An empty list changes nothing;
 * QEMU 7.2 aborts on it.
 */
void qmp_blockdev_reopen(QDict *args, QObject **ret, Error **errp)
{
    QObject *list = qdict_get(args, "options");
    size_t n = json_array_size(list), i;
    g_autofree BlockDriverState **bs = g_new0(BlockDriverState *, n);
    g_autofree QDict **opts = g_new0(QDict *, n);

    for (i = 0; i < n; i++) {
        QDict *o = json_array_get(list, i);
        const char *name = qdict_get_try_str(o, "node-name");

        if (!name) {
            error_setg(errp, "node-name not specified");
            goto fail;
        }
        bs[i] = bdrv_find_node(name);
        if (!bs[i]) {
            error_setg(errp, "Failed to find node with node-name='%s'", name);
            goto fail;
        }
        opts[i] = qobject_ref(o);
        qdict_flatten(opts[i]);
    }
    bdrv_reopen_multiple(bs, opts, n, errp);
    return;

fail:
    while (i-- > 0) {
        qobject_unref(opts[i]);
    }
}

void qmp_blockdev_del(QDict *args, QObject **ret, Error **errp)
{
    const char *name = qdict_get_str(args, "node-name");
    BlockDriverState *bs = bdrv_find_node(name);

    if (!bs) {
        error_setg(errp, "Failed to find node with node-name='%s'", name);
        return;
    }
    if (bdrv_has_blk(bs)) {
        error_setg(errp, "Node %s is in use", name);
        return;
    }
    if (!monitor_owns(bs)) {
        error_setg(errp, "Node %s is not owned by the monitor", name);
        return;
    }
    if (bs->refcnt > 1 || bdrv_has_parents(bs)) {
        error_setg(errp, "Block device %s is in use",
                   bdrv_get_device_or_node_name(bs));
        return;
    }
    g_ptr_array_remove(monitor_nodes, bs);
    bdrv_unref(bs);
}

/*
 * ImageInfo; unless @flat, a filter shows what it filters as
 * "backing-image" (QEMU's query-named-block-nodes "flat" argument).
 */
static QDict *image_info(BlockDriverState *bs, bool flat)
{
    QDict *image = qdict_new();
    BlockDriverInfo bdi;
    BlockDriverState *below = bdrv_filter_bs(bs);
    int64_t len = bdrv_getlength(bs);
    int64_t alloc = bdrv_get_allocated_file_size(bs);

    qdict_put_str(image, "filename", bs->filename);
    qdict_put_str(image, "format", bdrv_get_format_name(bs));
    /* QEMU reports the dirty flag only where bdrv_get_info() answers. */
    if (bdrv_get_info(bs, &bdi) == 0) {
        qdict_put_bool(image, "dirty-flag", bdi.is_dirty);
    }
    if (alloc >= 0) {
        qdict_put_int(image, "actual-size", alloc);
    }
    qdict_put_int(image, "virtual-size", len < 0 ? 0 : len);
    if (below && !flat) {
        qdict_put_obj(image, "backing-image", image_info(below, false));
    }
    return image;
}

static QDict *block_device_info(BlockDriverState *bs, bool flat)
{
    QDict *info = qdict_new();
    QDict *cache = qdict_new();
    const char *dz = bs->options ?
        qdict_get_try_str(bs->options, "detect-zeroes") : NULL;
    int depth = 0;
    static const char *const throttle_members[] = {
        "bps", "bps_rd", "bps_wr", "iops", "iops_rd", "iops_wr",
    };

    /* Insertion in QAPI member order: QEMU's bucket ties follow it. */
    for (BlockDriverState *b = flat ? NULL : bdrv_filter_bs(bs); b;
         b = bdrv_filter_bs(b)) {
        depth++;
    }
    qdict_put_str(info, "file", bs->filename);
    qdict_put_str(info, "node-name", bdrv_get_node_name(bs));
    qdict_put_bool(info, "ro", bdrv_is_read_only(bs));
    qdict_put_str(info, "drv", bdrv_get_format_name(bs));
    qdict_put_int(info, "backing_file_depth", depth);
    qdict_put_bool(info, "encrypted", false);
    qdict_put_str(info, "detect_zeroes", dz ? dz : "off");
    for (size_t i = 0; i < ARRAY_SIZE(throttle_members); i++) {
        qdict_put_int(info, throttle_members[i], 0);
    }
    qdict_put_obj(info, "image", image_info(bs, flat));
    qdict_put_bool(cache, "writeback", true);
    qdict_put_bool(cache, "direct", !!(bs->open_flags & BDRV_O_NOCACHE));
    qdict_put_bool(cache, "no-flush", !!(bs->open_flags & BDRV_O_NO_FLUSH));
    qdict_put_obj(info, "cache", cache);
    qdict_put_int(info, "write_threshold", 0);
    return info;
}

void qmp_query_named_block_nodes(QDict *args, QObject **ret, Error **errp)
{
    QList *list = json_array();
    bool flat = qdict_get_try_bool(args, "flat", false);

    /* Newest first, as QEMU. */
    for (BlockDriverState *bs = bdrv_next_node(NULL); bs;
         bs = bdrv_next_node(bs)) {
        bdrv_refresh_filename(bs);  /* children may have changed */
        json_array_insert_new(list, 0, block_device_info(bs, flat));
    }
    *ret = list;
}

void qmp_x_blockdev_change(QDict *args, QObject **ret, Error **errp)
{
    const char *parent = qdict_get_str(args, "parent");
    const char *child = qdict_get_try_str(args, "child");
    const char *node = qdict_get_try_str(args, "node");
    const char *sync = qdict_get_try_str(args, "sync");
    BlockDriverState *parent_bs, *new_bs;
    BdrvChild *c;

    parent_bs = bdrv_lookup_bs(parent, parent, errp);
    if (!parent_bs) {
        return;
    }
    if (!child == !node) {
        error_setg(errp, child ? "The parameters child and node are in "
                   "conflict" : "Either child or node must be specified");
        return;
    }
    if (child) {
        c = bdrv_find_child(parent_bs, child);
        if (!c) {
            error_setg(errp, "Node '%s' does not have child '%s'", parent,
                       child);
            return;
        }
        bdrv_del_child(parent_bs, c, errp);
        return;
    }
    new_bs = bdrv_find_node(node);
    if (!new_bs) {
        error_setg(errp, "Node '%s' not found", node);
        return;
    }
    bdrv_add_child(parent_bs, new_bs, sync, errp);
}

/* Ours (x-quorum-scrub): scrub the replicas of a node, through its driver. */
void qmp_x_scrub_replicas(QDict *args, QObject **ret, Error **errp)
{
    const char *name = qdict_get_str(args, "node-name");
    BlockDriverState *bs = bdrv_lookup_bs(name, name, errp);

    if (bs) {
        bdrv_scrub(bs, qdict_get_str(args, "job-id"),
                   qdict_get_try_bool(args, "repair", false),
                   qdict_get_try_bool(args, "resume", false),
                   qdict_get_try_int(args, "speed", 0), errp);
    }
}

/* Ours (x-quorum-resync): resync a child, through its parent's driver. */
void qmp_x_resync_child(QDict *args, QObject **ret, Error **errp)
{
    const char *name = qdict_get_str(args, "node-name");
    BlockDriverState *bs = bdrv_lookup_bs(name, name, errp);

    if (bs) {
        bdrv_resync_child(bs, qdict_get_str(args, "job-id"),
                          qdict_get_str(args, "child"),
                          qdict_get_try_int(args, "speed", 0), errp);
    }
}

/*
 * The statistics the node's driver keeps, whatever the driver (QEMU's
 * bdrv_get_specific_stats()).  One driver keeps statistics today, so
 * the command keeps the name and return type it was introduced with
 * (see "The monitor and the block layer" in docs/architecture.md).
 */
void qmp_x_query_driver_stats(QDict *args, QObject **ret, Error **errp)
{
    const char *name = qdict_get_str(args, "node-name");
    BlockDriverState *bs = bdrv_lookup_bs(name, name, errp);

    if (bs) {
        *ret = bdrv_get_specific_stats(bs, errp);
    }
}

void blockdev_close_all(void)
{
    if (!monitor_nodes) {
        return;
    }
    /* Newest first: a parent goes before the children it references. */
    while (monitor_nodes->len) {
        BlockDriverState *bs = g_ptr_array_steal_index(monitor_nodes,
                                                        monitor_nodes->len - 1);
        bdrv_unref(bs);
    }
}
