/*
 * Reopening nodes with new flags (read-only, cache modes), as QEMU's
 * bdrv_reopen: prepare every node of the subtree, then commit or abort.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "qemu/option.h"

typedef struct ReopenEntry {
    BlockDriverState *bs;
    QDict *opts;                /* this node's changed options */
    int new_flags;
    bool prepared;
} ReopenEntry;

/* Read a boolean option out of @opts into @flag of *flags. */
static bool reopen_take_bool(QDict *opts, const char *key, int flag,
                             bool set_means_flag, int *flags, Error **errp)
{
    QObject *v = qdict_get(opts, key);
    g_autofree char *str = NULL;
    bool b;

    if (!v) {
        return true;
    }
    str = qobject_to_opt_string(v);
    if (!str || !qemu_parse_bool(key, str, &b, errp)) {
        if (!str) {
            error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
        }
        return false;
    }
    qdict_del(opts, key);
    if (b == set_means_flag) {
        *flags |= flag;
    } else {
        *flags &= ~flag;
    }
    return true;
}

static bool bdrv_reopen_queue(GArray *queue, BlockDriverState *bs,
                              QDict *opts, int inherited_flags,
                              Error **errp)
{
    ReopenEntry e = { .bs = bs, .opts = opts };
    BdrvChild *c;
    int flags = (bs->open_flags & ~(BDRV_O_RDWR | BDRV_O_CACHE_MASK)) |
                (inherited_flags & (BDRV_O_RDWR | BDRV_O_CACHE_MASK));

    if (!reopen_take_bool(opts, BDRV_OPT_READ_ONLY, BDRV_O_RDWR, false,
                          &flags, errp) ||
        !reopen_take_bool(opts, BDRV_OPT_CACHE_DIRECT, BDRV_O_NOCACHE, true,
                          &flags, errp) ||
        !reopen_take_bool(opts, BDRV_OPT_CACHE_NO_FLUSH, BDRV_O_NO_FLUSH,
                          true, &flags, errp)) {
        qobject_unref(opts);
        return false;
    }
    e.new_flags = flags;
    g_array_append_val(queue, e);

    QLIST_FOREACH(c, &bs->children, next) {
        g_autofree char *prefix = g_strdup_printf("%s.", c->name);
        QDict *child_opts = NULL;

        qdict_extract_subqdict(opts, &child_opts, prefix);
        if (!bdrv_reopen_queue(queue, c->bs, child_opts, flags, errp)) {
            return false;
        }
    }
    return true;
}

static bool reopen_queue_contains(GArray *queue, void *bs)
{
    for (guint i = 0; i < queue->len; i++) {
        if (g_array_index(queue, ReopenEntry, i).bs == bs) {
            return true;
        }
    }
    return false;
}

/* An option that is not reopened must keep the value it has. */
static bool bdrv_reopen_check_unchanged(BlockDriverState *bs, QDict *opts,
                                        Error **errp)
{
    const char *key;
    QObject *val;

    qdict_foreach(opts, key, val) {
        QObject *old = bs->options ? qdict_get(bs->options, key) : NULL;
        g_autofree char *a = qobject_to_opt_string(val);
        g_autofree char *b = old ? qobject_to_opt_string(old) : NULL;

        if (!a || !b || strcmp(a, b)) {
            error_setg(errp, "Cannot change the option '%s'", key);
            return false;
        }
    }
    return true;
}

int bdrv_reopen(BlockDriverState *bs, QDict *opts, Error **errp)
{
    GArray *queue = g_array_new(false, true, sizeof(ReopenEntry));
    int ret = -EINVAL;
    guint i;

    if (!opts) {
        opts = qdict_new();
    }
    bdrv_drain_all();
    if (!bdrv_reopen_queue(queue, bs, opts, bs->open_flags, errp)) {
        goto out;
    }
    for (i = 0; i < queue->len; i++) {
        ReopenEntry *e = &g_array_index(queue, ReopenEntry, i);
        BlockDriverState *n = e->bs;

        if (!n->drv->bdrv_reopen_prepare) {
            error_setg(errp, "Block format '%s' used by node '%s' does not "
                       "support reopening files", n->drv->format_name,
                       n->node_name);
            goto abort;
        }
        if (!(e->new_flags & BDRV_O_RDWR) && !bdrv_is_read_only(n)) {
            BdrvChild *p;

            /* Parents outside this reopen must not be writing. */
            QLIST_FOREACH(p, &n->parents, next_parent) {
                if ((p->perm & BLK_PERM_WRITE) &&
                    !reopen_queue_contains(queue, p->opaque)) {
                    error_setg(errp, "Read-only block node '%s' cannot "
                               "support read-write users", n->node_name);
                    ret = -EPERM;
                    goto abort;
                }
            }
        }
        ret = n->drv->bdrv_reopen_prepare(n, e->new_flags, e->opts, errp);
        if (ret < 0) {
            goto abort;
        }
        e->prepared = true;
        if (!bdrv_reopen_check_unchanged(n, e->opts, errp)) {
            ret = -EINVAL;
            goto abort;
        }
    }
    for (i = 0; i < queue->len; i++) {
        ReopenEntry *e = &g_array_index(queue, ReopenEntry, i);
        BlockDriverState *n = e->bs;

        n->open_flags = e->new_flags;
        n->read_only = !(e->new_flags & BDRV_O_RDWR);
        if (n->drv->bdrv_reopen_commit) {
            n->drv->bdrv_reopen_commit(n);
        }
        bdrv_refresh_limits(n, NULL);
        bdrv_update_perms(n, NULL);
    }
    ret = 0;
    goto out;

abort:
    for (i = 0; i < queue->len; i++) {
        ReopenEntry *e = &g_array_index(queue, ReopenEntry, i);
        if (e->prepared && e->bs->drv->bdrv_reopen_abort) {
            e->bs->drv->bdrv_reopen_abort(e->bs);
        }
    }
out:
    for (i = 0; i < queue->len; i++) {
        qobject_unref(g_array_index(queue, ReopenEntry, i).opts);
    }
    g_array_free(queue, true);
    return ret;
}
