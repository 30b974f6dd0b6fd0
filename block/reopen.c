/*
 * Reopening nodes with new options, as QEMU's bdrv_reopen_multiple():
 * queue every node (and the children that come with it), prepare them
 * all, check the permissions the new flags leave, then commit all or
 * abort all.
 *
 * Two flavours, as QEMU's keep_old_opts:
 * - bdrv_reopen() (qemu-io's reopen): options not given keep their value,
 *   and every child follows its parent's flags;
 * - bdrv_reopen_multiple() (blockdev-reopen): each node gets exactly the
 *   options given, the rest return to their defaults; only children the
 *   node opened itself (given inline) are reopened with it, children it
 *   references by name keep their options, and the "file" option may
 *   name another node.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "qemu/option.h"

typedef struct ReopenEntry {
    BlockDriverState *bs;
    QDict *opts;                /* options still to be handled */
    QDict *given;               /* !keep_old: the node's new bs->options */
    int new_flags;
    bool keep_old;
    BlockDriverState *new_file; /* "file" names another node */
    bool prepared;
} ReopenEntry;

/* Options every driver accepts, handled here (QEMU's common_options). */
static const char *const reopen_common_opts[] = {
    "node-name", BDRV_OPT_DISCARD, BDRV_OPT_CACHE_DIRECT,
    BDRV_OPT_CACHE_NO_FLUSH, BDRV_OPT_READ_ONLY, BDRV_OPT_AUTO_READ_ONLY,
    "detect-zeroes", NULL,
};

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

/* discard and detect-zeroes, which blockdev-reopen may change. */
static bool reopen_take_discard(QDict *opts, int *flags, Error **errp)
{
    g_autofree char *d = NULL;
    QObject *v = qdict_get(opts, BDRV_OPT_DISCARD);

    *flags &= ~BDRV_O_UNMAP;
    if (v) {
        d = qobject_to_opt_string(v);
        if (!d || (strcmp(d, "ignore") && strcmp(d, "off") &&
                   strcmp(d, "unmap") && strcmp(d, "on"))) {
            error_setg(errp, "Invalid discard option");
            return false;
        }
        if (!strcmp(d, "unmap") || !strcmp(d, "on")) {
            *flags |= BDRV_O_UNMAP;
        }
        qdict_del(opts, BDRV_OPT_DISCARD);
    }
    /* The schema checked the value; bs->options reports it. */
    qdict_del(opts, "detect-zeroes");
    return true;
}

static ReopenEntry *reopen_queue_find(GArray *queue, void *bs)
{
    for (guint i = 0; i < queue->len; i++) {
        if (g_array_index(queue, ReopenEntry, i).bs == bs) {
            return &g_array_index(queue, ReopenEntry, i);
        }
    }
    return NULL;
}

/* Did @parent open child @c itself ("file.driver": ...), not by name? */
static bool bdrv_child_is_inline(BlockDriverState *parent, BdrvChild *c)
{
    g_autofree char *prefix = g_strdup_printf("%s.", c->name);
    const char *key;
    QObject *val;

    if (!parent->options) {
        return false;
    }
    qdict_foreach(parent->options, key, val) {
        if (g_str_has_prefix(key, prefix)) {
            return true;
        }
    }
    return false;
}

/* Is @key the name of a child of @bs, or one of its options? */
static bool bdrv_is_child_option(BlockDriverState *bs, const char *key)
{
    BdrvChild *c;

    QLIST_FOREACH(c, &bs->children, next) {
        size_t len = strlen(c->name);

        if (!strncmp(key, c->name, len) &&
            (key[len] == '\0' || key[len] == '.')) {
            return true;
        }
    }
    return false;
}

/* Copy the flag options @from sets into @to. */
static void reopen_copy_flag_opts(QDict *to, QDict *from)
{
    static const char *const keys[] = {
        BDRV_OPT_READ_ONLY, BDRV_OPT_CACHE_DIRECT, BDRV_OPT_CACHE_NO_FLUSH,
    };

    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        QObject *v = qdict_get(from, keys[i]);

        if (v) {
            qdict_put_obj(to, keys[i], qobject_ref(v));
        }
    }
}

/*
 * Queue @bs with @opts (consumed) and, as the flavour says, its
 * children.  @inherited_flags: the parent's new flags, or the defaults.
 */
static bool bdrv_reopen_queue(GArray *queue, BlockDriverState *bs,
                              QDict *opts, int inherited_flags,
                              bool keep_old, Error **errp)
{
    ReopenEntry e = { .bs = bs, .opts = opts, .keep_old = keep_old };
    BdrvChild *c;
    int flags = (bs->open_flags & ~(BDRV_O_RDWR | BDRV_O_CACHE_MASK)) |
                (inherited_flags & (BDRV_O_RDWR | BDRV_O_CACHE_MASK));

    if (reopen_queue_find(queue, bs)) {
        /* Named twice: the first set of options counts, as in QEMU. */
        qobject_unref(opts);
        return true;
    }
    if (!keep_old) {
        e.given = qdict_clone_shallow(opts);
        flags &= ~BDRV_O_AUTO_RDONLY;
    } else if (bs->drv->mutable_opts && bs->options) {
        /* The driver resets what it does not see: show it the old values. */
        for (int i = 0; bs->drv->mutable_opts[i]; i++) {
            const char *key = bs->drv->mutable_opts[i];
            QObject *old = qdict_get(bs->options, key);

            if (old && !qdict_haskey(opts, key)) {
                qdict_put_obj(opts, key, qobject_ref(old));
            }
        }
    }
    if (!reopen_take_bool(opts, BDRV_OPT_READ_ONLY, BDRV_O_RDWR, false,
                          &flags, errp) ||
        !reopen_take_bool(opts, BDRV_OPT_CACHE_DIRECT, BDRV_O_NOCACHE, true,
                          &flags, errp) ||
        !reopen_take_bool(opts, BDRV_OPT_CACHE_NO_FLUSH, BDRV_O_NO_FLUSH,
                          true, &flags, errp) ||
        (!keep_old &&
         (!reopen_take_bool(opts, BDRV_OPT_AUTO_READ_ONLY,
                            BDRV_O_AUTO_RDONLY, true, &flags, errp) ||
          !reopen_take_discard(opts, &flags, errp)))) {
        qobject_unref(opts);
        qobject_unref(e.given);
        return false;
    }
    e.new_flags = flags;
    g_array_append_val(queue, e);

    QLIST_FOREACH(c, &bs->children, next) {
        g_autofree char *prefix = g_strdup_printf("%s.", c->name);
        QDict *child_opts = NULL;
        bool child_keep_old = keep_old;

        if (!keep_old) {
            const char *ref = qdict_get_try_str(opts, c->name);

            /* A child given by name keeps its own options. */
            if (!bdrv_child_is_inline(bs, c)) {
                continue;
            }
            if (qdict_haskey(opts, c->name)) {
                if (g_strcmp0(ref, c->bs->node_name)) {
                    continue;   /* replaced by another node */
                }
                child_keep_old = true;
            }
        }
        qdict_extract_subqdict(opts, &child_opts, prefix);
        if (child_keep_old && !keep_old) {
            /* It keeps its flags but for those the parent sets now. */
            reopen_copy_flag_opts(child_opts, e.given);
        }
        if (!bdrv_reopen_queue(queue, c->bs, child_opts,
                               child_keep_old && !keep_old ?
                               c->bs->open_flags : flags,
                               child_keep_old, errp)) {
            return false;
        }
    }
    return true;
}

/*
 * blockdev-reopen: an option of the driver that is not given returns to
 * its default, which only the options handled here allow.
 */
static bool bdrv_reopen_reset_allowed(BlockDriverState *bs, QDict *opts,
                                      Error **errp)
{
    g_auto(GStrv) keys = NULL;

    if (!bs->options) {
        return true;
    }
    keys = qdict_qemu_keys(bs->options);
    for (int i = 0; keys[i]; i++) {
        if (!qdict_haskey(opts, keys[i]) &&
            !g_strv_contains(reopen_common_opts, keys[i]) &&
            !(bs->drv->mutable_opts &&
              g_strv_contains((const char *const *)bs->drv->mutable_opts,
                              keys[i])) &&
            !bdrv_is_child_option(bs, keys[i])) {
            error_setg(errp, "Option '%s' cannot be reset to its default "
                       "value", keys[i]);
            return false;
        }
    }
    return true;
}

/* blockdev-reopen: "file" may name another node. */
static bool bdrv_reopen_parse_file(ReopenEntry *e, Error **errp)
{
    BlockDriverState *bs = e->bs;
    const char *name = qdict_get_try_str(e->opts, "file");
    BlockDriverState *new_bs;

    if (!name || !bs->file) {
        return true;
    }
    new_bs = bdrv_lookup_bs(NULL, name, errp);
    if (!new_bs) {
        return false;
    }
    if (bdrv_is_descendant(new_bs, bs)) {
        error_setg(errp, "Making '%s' a file child of '%s' would create a "
                   "cycle", name, bs->node_name);
        return false;
    }
    if (new_bs != bs->file->bs) {
        e->new_file = new_bs;
    }
    qdict_del(e->opts, "file");
    return true;
}

/*
 * An option that is not reopened must keep the value it has; a child
 * option may name the child the node already has.
 */
static bool bdrv_reopen_check_unchanged(BlockDriverState *bs, QDict *opts,
                                        Error **errp)
{
    g_auto(GStrv) keys = qdict_qemu_keys(opts);

    for (int i = 0; keys[i]; i++) {
        QObject *val = qdict_get(opts, keys[i]);
        QObject *old = bs->options ? qdict_get(bs->options, keys[i]) : NULL;
        g_autofree char *a = qobject_to_opt_string(val);
        g_autofree char *b = old ? qobject_to_opt_string(old) : NULL;
        BdrvChild *c;

        QLIST_FOREACH(c, &bs->children, next) {
            if (!strcmp(c->name, keys[i])) {
                break;
            }
        }
        if (c && a && !strcmp(a, c->bs->node_name)) {
            continue;
        }
        if (!a || !b || strcmp(a, b)) {
            error_setg(errp, "Cannot change the option '%s'", keys[i]);
            return false;
        }
    }
    return true;
}

static int bdrv_reopen_prepare(GArray *queue, ReopenEntry *e, Error **errp)
{
    BlockDriverState *bs = e->bs;
    int ret;

    /* Checked in the block layer for every driver that lacks the hook. */
    if (!bs->drv->bdrv_reopen_prepare) {
        error_setg(errp, "Block format '%s' used by node '%s' does not "
                   "support reopening files", bs->drv->format_name,
                   bdrv_get_device_or_node_name(bs));
        return -ENOTSUP;
    }
    if (!e->keep_old && !bdrv_reopen_reset_allowed(bs, e->opts, errp)) {
        return -EINVAL;
    }
    ret = bs->drv->bdrv_reopen_prepare(bs, e->new_flags, e->opts, errp);
    if (ret < 0) {
        return ret;
    }
    e->prepared = true;
    if (!e->keep_old && !bdrv_reopen_parse_file(e, errp)) {
        return -EINVAL;
    }
    if (!bdrv_reopen_check_unchanged(bs, e->opts, errp)) {
        return -EINVAL;
    }
    return 0;
}

/* Will @bs be read-only once the queue is committed? */
static bool reopen_will_be_read_only(GArray *queue, BlockDriverState *bs)
{
    ReopenEntry *e = reopen_queue_find(queue, bs);

    return e ? !(e->new_flags & BDRV_O_RDWR) : bdrv_is_read_only(bs);
}

/*
 * A node that becomes read-only must have no parent that keeps writing
 * to it: one outside the queue that holds WRITE, or a node in the queue
 * that holds WRITE and stays writable.
 */
static int bdrv_reopen_check_perms(GArray *queue, Error **errp)
{
    for (guint i = 0; i < queue->len; i++) {
        ReopenEntry *e = &g_array_index(queue, ReopenEntry, i);
        BlockDriverState *n = e->bs;
        BdrvChild *p;

        if (e->new_file && (n->file->perm & BLK_PERM_WRITE) &&
            reopen_will_be_read_only(queue, e->new_file)) {
            error_setg(errp, "Block node is read-only");
            return -EPERM;
        }
        if ((e->new_flags & BDRV_O_RDWR) || bdrv_is_read_only(n)) {
            continue;
        }
        QLIST_FOREACH(p, &n->parents, next_parent) {
            ReopenEntry *pe = p->klass->parent_is_bds ?
                reopen_queue_find(queue, p->opaque) : NULL;

            if ((p->perm & BLK_PERM_WRITE) &&
                (!pe || (pe->new_flags & BDRV_O_RDWR))) {
                error_setg(errp, "Read-only block node '%s' cannot support "
                           "read-write users", n->node_name);
                return -EPERM;
            }
        }
    }
    return 0;
}

static void bdrv_reopen_commit(ReopenEntry *e)
{
    BlockDriverState *n = e->bs;

    n->open_flags = e->new_flags;
    n->read_only = !(e->new_flags & BDRV_O_RDWR);
    if (n->drv->bdrv_reopen_commit) {
        n->drv->bdrv_reopen_commit(n);
    }
    if (e->given) {
        BdrvChild *c;

        /* A child named as it is stays the parent's own (inline) child. */
        QLIST_FOREACH(c, &n->children, next) {
            g_autofree char *prefix = g_strdup_printf("%s.", c->name);
            const char *key;
            QObject *val;

            if (g_strcmp0(qdict_get_try_str(e->given, c->name),
                          c->bs->node_name) ||
                !bdrv_child_is_inline(n, c)) {
                continue;
            }
            qdict_del(e->given, c->name);
            qdict_foreach(n->options, key, val) {
                if (g_str_has_prefix(key, prefix)) {
                    qdict_put_obj(e->given, key, qobject_ref(val));
                }
            }
        }
        qobject_unref(n->options);
        n->options = e->given;
        e->given = NULL;
    }
}

static void reopen_queue_free(GArray *queue)
{
    for (guint i = 0; i < queue->len; i++) {
        ReopenEntry *e = &g_array_index(queue, ReopenEntry, i);

        qobject_unref(e->opts);
        qobject_unref(e->given);
    }
    g_array_free(queue, true);
}

/* Reopen what @queue holds (and free it): all nodes or none. */
static int bdrv_reopen_queue_run(GArray *queue, Error **errp)
{
    int ret = 0;
    guint i;

    bdrv_drain_all();
    for (i = 0; i < queue->len && ret == 0; i++) {
        ret = bdrv_reopen_prepare(queue, &g_array_index(queue, ReopenEntry, i),
                                  errp);
    }
    if (ret == 0) {
        ret = bdrv_reopen_check_perms(queue, errp);
    }
    if (ret < 0) {
        for (i = 0; i < queue->len; i++) {
            ReopenEntry *e = &g_array_index(queue, ReopenEntry, i);

            if (e->prepared && e->bs->drv->bdrv_reopen_abort) {
                e->bs->drv->bdrv_reopen_abort(e->bs);
            }
        }
        goto out;
    }
    for (i = 0; i < queue->len; i++) {
        bdrv_reopen_commit(&g_array_index(queue, ReopenEntry, i));
    }
    for (i = 0; i < queue->len; i++) {
        ReopenEntry *e = &g_array_index(queue, ReopenEntry, i);

        if (e->new_file) {
            /* Checked above; a lock held elsewhere can still refuse. */
            bdrv_child_change_bs(e->bs->file, e->new_file, NULL);
        }
        bdrv_refresh_limits(e->bs, NULL);
        bdrv_refresh_total_sectors(e->bs, -1);
        bdrv_update_perms(e->bs, NULL);
    }
out:
    reopen_queue_free(queue);
    return ret;
}

int bdrv_reopen(BlockDriverState *bs, QDict *opts, Error **errp)
{
    GArray *queue = g_array_new(false, true, sizeof(ReopenEntry));

    if (!opts) {
        opts = qdict_new();
    }
    if (!bdrv_reopen_queue(queue, bs, opts, bs->open_flags, true, errp)) {
        reopen_queue_free(queue);
        return -EINVAL;
    }
    return bdrv_reopen_queue_run(queue, errp);
}

int bdrv_reopen_multiple(BlockDriverState **bs, QDict **opts, size_t n,
                         Error **errp)
{
    GArray *queue = g_array_new(false, true, sizeof(ReopenEntry));
    size_t i;

    for (i = 0; i < n; i++) {
        /* Not given: read-write, no cache options (blockdev-add's). */
        if (!bdrv_reopen_queue(queue, bs[i], opts[i], BDRV_O_RDWR, false,
                               errp)) {
            break;
        }
    }
    if (i < n) {
        while (++i < n) {
            qobject_unref(opts[i]);
        }
        reopen_queue_free(queue);
        return -EINVAL;
    }
    return bdrv_reopen_queue_run(queue, errp);
}
