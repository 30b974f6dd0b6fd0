/*
 * Questions asked of the node graph from outside the request path: who
 * uses a node, what a filter filters, a child by its name, and the
 * statistics a driver keeps.  The monitor answers its commands with
 * these, so it never needs to know which driver a node runs.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"

bool bdrv_has_blk(BlockDriverState *bs)
{
    BdrvChild *c;

    QLIST_FOREACH(c, &bs->parents, next_parent) {
        if (!c->klass->parent_is_bds) {
            return true;
        }
    }
    return false;
}

BlockDriverState *bdrv_filter_bs(BlockDriverState *bs)
{
    BdrvChild *c;

    if (!bs->drv || !bs->drv->is_filter) {
        return NULL;
    }
    QLIST_FOREACH(c, &bs->children, next) {
        if (c->role & BDRV_CHILD_FILTERED) {
            return c->bs;
        }
    }
    return bs->file ? bs->file->bs : child_bs(QLIST_FIRST(&bs->children));
}

BdrvChild *bdrv_find_child(BlockDriverState *parent, const char *name)
{
    BdrvChild *c;

    QLIST_FOREACH(c, &parent->children, next) {
        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

QDict *bdrv_get_specific_stats(BlockDriverState *bs, Error **errp)
{
    if (!bs->drv || !bs->drv->bdrv_get_specific_stats) {
        error_setg(errp, "Node '%s' (driver '%s') keeps no driver statistics",
                   bdrv_get_node_name(bs),
                   bs->drv ? bs->drv->format_name : "none");
        return NULL;
    }
    return bs->drv->bdrv_get_specific_stats(bs);
}
