/*
 * The edges of the node graph: attaching and detaching children (node
 * parents and root parents such as BlockBackends and exports),
 * replacing nodes, and the permissions every edge carries.  Opening
 * nodes is block.c.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"

static char *bdrv_child_get_parent_desc(BdrvChild *c)
{
    BlockDriverState *parent = c->opaque;

    return g_strdup_printf("node '%s'", bdrv_get_node_name(parent));
}

/* A driver that cares (quorum) acts; others tell their own parents. */
static void bdrv_child_cb_reconnected(BdrvChild *c)
{
    BlockDriverState *parent = c->opaque;

    if (parent->drv && parent->drv->bdrv_child_reconnected) {
        parent->drv->bdrv_child_reconnected(parent, c);
    } else {
        bdrv_parents_reconnected(parent);
    }
}

const BdrvChildClass child_of_bds = {
    .parent_is_bds = true,
    .get_parent_desc = bdrv_child_get_parent_desc,
    .reconnected = bdrv_child_cb_reconnected,
};

void bdrv_parents_reconnected(BlockDriverState *bs)
{
    BdrvChild *c, *next;

    QLIST_FOREACH_SAFE(c, &bs->parents, next_parent, next) {
        if (c->klass->reconnected) {
            c->klass->reconnected(c);
        }
    }
}

/*
 * What the parents take and share passes through, as QEMU's raw and
 * blkdebug: an unused node takes nothing from its child either, so a
 * job that does not share CONSISTENT_READ (a mirror's target) may hold
 * the child.
 */
void bdrv_default_perms(BlockDriverState *bs, BdrvChild *c, unsigned role,
                        uint64_t perm, uint64_t shared,
                        uint64_t *nperm, uint64_t *nshared)
{
    *nperm = perm & DEFAULT_PERM_PASSTHROUGH;
    *nshared = (shared & DEFAULT_PERM_PASSTHROUGH) | DEFAULT_PERM_UNCHANGED;
}

/* QEMU's names of the BLK_PERM_* bits, by bit number. */
static const char *const perm_names[] = {
    "consistent read", "write", "write unchanged", "resize",
};

char *bdrv_perm_names(uint64_t perm)
{
    GString *s = g_string_new(NULL);

    for (int i = 0; i < (int)ARRAY_SIZE(perm_names); i++) {
        if (perm & (1ULL << i)) {
            g_string_append_printf(s, "%s%s", s->len ? ", " : "",
                                   perm_names[i]);
        }
    }
    return g_string_free(s, false);
}

static char *bdrv_child_user_desc(BdrvChild *c)
{
    if (!c->klass->get_parent_desc) {
        return g_strdup("another user");
    }
    return c->klass->get_parent_desc(c);
}

/* May @b take what it takes while @a shares only what @a shares? */
static bool bdrv_a_allow_b(BdrvChild *a, BdrvChild *b, Error **errp)
{
    const char *name = bdrv_get_node_name(b->bs);
    g_autofree char *a_user = NULL;
    g_autofree char *b_user = NULL;
    g_autofree char *perms = NULL;

    if ((b->perm & a->shared_perm) == b->perm) {
        return true;
    }
    a_user = bdrv_child_user_desc(a);
    b_user = bdrv_child_user_desc(b);
    perms = bdrv_perm_names(b->perm & ~a->shared_perm);
    error_setg(errp, "Permission conflict on node '%s': permissions '%s' are "
               "both required by %s (uses node '%s' as '%s' child) and "
               "unshared by %s (uses node '%s' as '%s' child).",
               name, perms, b_user, name, b->name, a_user, name, a->name);
    return false;
}

/*
 * Two parents of one node that exclude each other, as QEMU checks them:
 * every ordered pair, newest parent first.  Nodes, exports, backends and
 * jobs alike.
 */
static bool bdrv_parent_perms_conflict(BlockDriverState *bs, Error **errp)
{
    BdrvChild *a, *b;

    QLIST_FOREACH(a, &bs->parents, next_parent) {
        QLIST_FOREACH(b, &bs->parents, next_parent) {
            if (a != b && !bdrv_a_allow_b(a, b, errp)) {
                return true;
            }
        }
    }
    return false;
}

/*
 * What the parents of @bs take together and let others take.  As in
 * QEMU, permissions come only from parents: a node nothing uses holds
 * none, whatever its read-only flag says.
 */
void bdrv_get_cumulative_perm(BlockDriverState *bs, uint64_t *perm,
                              uint64_t *shared)
{
    BdrvChild *p;

    *perm = 0;
    *shared = BLK_PERM_ALL;
    QLIST_FOREACH(p, &bs->parents, next_parent) {
        *perm |= p->perm;
        *shared &= p->shared_perm;
    }
}

/*
 * Check that the parents of @bs do not exclude each other, recompute what
 * they take in total, tell the driver (image locks follow the graph),
 * and push the consequences down to the children.  Dropping permissions
 * cannot fail.
 */
int bdrv_update_perms(BlockDriverState *bs, Error **errp)
{
    uint64_t perm, shared;
    BdrvChild *c;
    int ret;

    if (bdrv_parent_perms_conflict(bs, errp)) {
        return -EINVAL;
    }
    if (!bs->drv) {
        return 0;
    }
    bdrv_get_cumulative_perm(bs, &perm, &shared);
    if (bs->drv->bdrv_check_perm) {
        ret = bs->drv->bdrv_check_perm(bs, perm, shared, errp);
        if (ret < 0) {
            if (bs->drv->bdrv_abort_perm_update) {
                bs->drv->bdrv_abort_perm_update(bs);
            }
            return ret;
        }
        bs->drv->bdrv_set_perm(bs, perm, shared);
    }
    QLIST_FOREACH(c, &bs->children, next) {
        if (!bs->drv->bdrv_child_perm) {
            continue;
        }
        bs->drv->bdrv_child_perm(bs, c, c->role, perm, shared, &c->perm,
                                 &c->shared_perm);
        if (!bdrv_check_write_perm(c->bs, c->perm, errp)) {
            return -EPERM;
        }
        ret = bdrv_update_perms(c->bs, errp);
        if (ret < 0) {
            return ret;
        }
    }
    return 0;
}

bool bdrv_check_write_perm(BlockDriverState *bs, uint64_t perm, Error **errp)
{
    uint32_t align = MAX(bs->bl.request_alignment, 1);

    if (!(perm & (BLK_PERM_WRITE | BLK_PERM_WRITE_UNCHANGED))) {
        return true;
    }
    if ((perm & BLK_PERM_WRITE) && bdrv_is_read_only(bs)) {
        error_setg(errp, "Block node is read-only");
        return false;
    }
    /* A write could not extend the image to a whole block. */
    if (!(perm & BLK_PERM_RESIZE) &&
        (bs->total_sectors * BDRV_SECTOR_SIZE) % align) {
        error_setg(errp, "Cannot get 'write' permission without 'resize': "
                   "Image size is not a multiple of request alignment");
        return false;
    }
    return true;
}

/* Is @needle @haystack or below it? */
bool bdrv_is_descendant(BlockDriverState *haystack,
                               BlockDriverState *needle)
{
    BdrvChild *c;

    if (haystack == needle) {
        return true;
    }
    QLIST_FOREACH(c, &haystack->children, next) {
        if (bdrv_is_descendant(c->bs, needle)) {
            return true;
        }
    }
    return false;
}

/*
 * Attach @child_bs to a parent that is not a node (a BlockBackend, an
 * export, a job), taking @perm and sharing @shared: QEMU's
 * bdrv_root_attach_child().  @opaque is the parent, for @child_class.
 * The child's reference passes to the edge, also on failure.
 */
BdrvChild *bdrv_root_attach_child(BlockDriverState *child_bs,
                                  const char *child_name,
                                  const BdrvChildClass *child_class,
                                  unsigned role, uint64_t perm,
                                  uint64_t shared, void *opaque,
                                  Error **errp)
{
    BdrvChild *c;

    if (!bdrv_check_write_perm(child_bs, perm, errp)) {
        bdrv_unref(child_bs);
        return NULL;
    }
    c = g_new0(BdrvChild, 1);
    c->bs = child_bs;
    c->name = g_strdup(child_name);
    c->klass = child_class;
    c->role = role;
    c->opaque = opaque;
    c->perm = perm;
    c->shared_perm = shared;
    QLIST_INSERT_HEAD(&child_bs->parents, c, next_parent);
    if (bdrv_update_perms(child_bs, errp) < 0) {
        QLIST_REMOVE(c, next_parent);
        g_free(c->name);
        g_free(c);
        /* Back to what the remaining parents take. */
        bdrv_update_perms(child_bs, NULL);
        bdrv_unref(child_bs);
        return NULL;
    }
    return c;
}

/* Drop an edge from bdrv_root_attach_child() and its reference. */
void bdrv_root_unref_child(BdrvChild *child)
{
    BlockDriverState *bs;

    if (!child) {
        return;
    }
    bs = child->bs;
    QLIST_REMOVE(child, next_parent);
    if (bs->refcnt > 1) {
        bdrv_update_perms(bs, NULL);
    }
    g_free(child->name);
    g_free(child);
    bdrv_unref(bs);
}

int bdrv_replace_node(BlockDriverState *from, BlockDriverState *to,
                      Error **errp)
{
    g_autoptr(GSList) moved = NULL;
    BdrvChild *c, *next;
    int ret;

    if (from == to) {
        return 0;
    }
    QLIST_FOREACH_SAFE(c, &from->parents, next_parent, next) {
        if (c->klass->stay_at_node) {
            continue;
        }
        /* A node parent must not end up below itself. */
        if (c->klass->parent_is_bds && bdrv_is_descendant(to, c->opaque)) {
            error_setg(errp, "Making '%s' a %s child of '%s' would create "
                       "a cycle", to->node_name, c->name,
                       bdrv_get_node_name(c->opaque));
            ret = -EINVAL;
            goto undo;
        }
        QLIST_REMOVE(c, next_parent);
        c->bs = to;
        QLIST_INSERT_HEAD(&to->parents, c, next_parent);
        moved = g_slist_prepend(moved, c);
    }
    ret = bdrv_update_perms(to, errp);
    if (ret < 0) {
        goto undo;
    }
    bdrv_update_perms(from, NULL);
    /* Each edge holds a reference on its node. */
    for (GSList *l = moved; l; l = l->next) {
        bdrv_ref(to);
        bdrv_unref(from);
    }
    return 0;

undo:
    for (GSList *l = moved; l; l = l->next) {
        c = l->data;
        QLIST_REMOVE(c, next_parent);
        c->bs = from;
        QLIST_INSERT_HEAD(&from->parents, c, next_parent);
    }
    bdrv_update_perms(to, NULL);
    bdrv_update_perms(from, NULL);
    return ret;
}

/*
 * Point the edge @c at @to instead of its current node (a reopen that
 * names another "file"), keeping what the edge takes.  On failure the
 * edge stays where it was.
 */
int bdrv_child_change_bs(BdrvChild *c, BlockDriverState *to, Error **errp)
{
    BlockDriverState *from = c->bs;
    int ret;

    if (from == to) {
        return 0;
    }
    if (!bdrv_check_write_perm(to, c->perm, errp)) {
        return -EPERM;
    }
    bdrv_ref(to);
    QLIST_REMOVE(c, next_parent);
    c->bs = to;
    QLIST_INSERT_HEAD(&to->parents, c, next_parent);
    ret = bdrv_update_perms(to, errp);
    if (ret < 0) {
        QLIST_REMOVE(c, next_parent);
        c->bs = from;
        QLIST_INSERT_HEAD(&from->parents, c, next_parent);
        bdrv_update_perms(to, NULL);
        bdrv_unref(to);
        return ret;
    }
    bdrv_update_perms(from, NULL);
    bdrv_unref(from);
    return 0;
}

/* Change what a root edge takes; on failure nothing changes. */
int bdrv_child_set_perm(BdrvChild *c, uint64_t perm, uint64_t shared,
                        Error **errp)
{
    uint64_t old_perm = c->perm, old_shared = c->shared_perm;
    int ret;

    if (!bdrv_check_write_perm(c->bs, perm, errp)) {
        return -EPERM;
    }
    c->perm = perm;
    c->shared_perm = shared;
    ret = bdrv_update_perms(c->bs, errp);
    if (ret < 0) {
        c->perm = old_perm;
        c->shared_perm = old_shared;
        bdrv_update_perms(c->bs, NULL);
    }
    return ret;
}

/*
 * Attach @child_bs below the node @parent.  What the edge takes follows
 * from what @parent's own parents take now (nothing, while it has none),
 * through the driver's bdrv_child_perm.  The caller keeps its reference
 * on failure.
 */
BdrvChild *bdrv_attach_child(BlockDriverState *parent,
                             BlockDriverState *child_bs,
                             const char *child_name,
                             const BdrvChildClass *child_class,
                             unsigned role, Error **errp)
{
    BdrvChild *c, *last = NULL, *it;
    uint64_t perm = 0, shared = BLK_PERM_ALL;
    uint64_t parent_perm, parent_shared;

    if (bdrv_is_descendant(child_bs, parent)) {
        error_setg(errp, "Making '%s' a %s child of '%s' would create a cycle",
                   child_bs->node_name, child_name, parent->node_name);
        return NULL;
    }
    if (parent->drv && parent->drv->bdrv_child_perm) {
        /* The role and name are all bdrv_child_perm may look at. */
        BdrvChild tmp = { .bs = child_bs, .name = (char *)child_name,
                          .klass = child_class, .role = role,
                          .opaque = parent };

        bdrv_get_cumulative_perm(parent, &parent_perm, &parent_shared);
        parent->drv->bdrv_child_perm(parent, &tmp, role, parent_perm,
                                     parent_shared, &perm, &shared);
    }
    bdrv_ref(child_bs);
    c = bdrv_root_attach_child(child_bs, child_name, child_class, role,
                               perm, shared, parent, errp);
    if (!c) {
        return NULL;
    }
    /* The edge holds its own reference; the caller's passes to it. */
    bdrv_unref(child_bs);
    /* Append, so children keep their order. */
    QLIST_FOREACH(it, &parent->children, next) {
        last = it;
    }
    if (last) {
        QLIST_INSERT_AFTER(last, c, next);
    } else {
        QLIST_INSERT_HEAD(&parent->children, c, next);
    }
    return c;
}

void bdrv_unref_child(BlockDriverState *parent, BdrvChild *child)
{
    if (!child) {
        return;
    }
    QLIST_REMOVE(child, next);
    if (parent->file == child) {
        parent->file = NULL;
    }
    bdrv_root_unref_child(child);
}

void bdrv_add_child(BlockDriverState *parent, BlockDriverState *child,
                    const char *sync, Error **errp)
{
    if (!parent->drv || !parent->drv->bdrv_add_child) {
        error_setg(errp, "The node %s does not support adding a child",
                   bdrv_get_device_or_node_name(parent));
        return;
    }
    if (!QLIST_EMPTY(&child->parents)) {
        error_setg(errp, "The node %s already has a parent",
                   child->node_name);
        return;
    }
    parent->drv->bdrv_add_child(parent, child, sync, errp);
}

void bdrv_del_child(BlockDriverState *parent, BdrvChild *child, Error **errp)
{
    BdrvChild *tmp;

    QLIST_FOREACH(tmp, &parent->children, next) {
        if (tmp == child) {
            break;
        }
    }
    if (!tmp) {
        error_setg(errp, "The node %s does not have a child named %s",
                   bdrv_get_device_or_node_name(parent),
                   bdrv_get_device_or_node_name(child->bs));
        return;
    }
    if (!parent->drv || !parent->drv->bdrv_del_child) {
        error_setg(errp, "The node %s does not support removing a child",
                   bdrv_get_device_or_node_name(parent));
        return;
    }
    parent->drv->bdrv_del_child(parent, child, errp);
}

bool bdrv_resync_child(BlockDriverState *bs, const char *job_id,
                       const char *child, int64_t speed, Error **errp)
{
    BdrvChild *c;

    if (!bs->drv || !bs->drv->bdrv_resync_child) {
        error_setg(errp, "Node '%s' (driver '%s') cannot resync children",
                   bdrv_get_node_name(bs),
                   bs->drv ? bs->drv->format_name : "none");
        return false;
    }
    c = bdrv_find_child(bs, child);
    if (!c) {
        error_setg(errp, "Node '%s' does not have child '%s'",
                   bdrv_get_node_name(bs), child);
        return false;
    }
    return bs->drv->bdrv_resync_child(bs, job_id, c, speed, errp);
}

bool bdrv_scrub(BlockDriverState *bs, const char *job_id, bool repair,
                bool resume, int64_t speed, Error **errp)
{
    if (!bs->drv || !bs->drv->bdrv_scrub) {
        error_setg(errp, "Node '%s' (driver '%s') has no replicas to scrub",
                   bdrv_get_node_name(bs),
                   bs->drv ? bs->drv->format_name : "none");
        return false;
    }
    return bs->drv->bdrv_scrub(bs, job_id, repair, resume, speed, errp);
}
