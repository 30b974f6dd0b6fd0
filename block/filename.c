/*
 * The filename a node shows the user (bdrv_refresh_filename): the plain
 * name when the node adds nothing to its child's, otherwise a json:
 * filename of the driver, its strong options and its children.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"

static bool bdrv_is_strong_opt(BlockDriver *drv, const char *key)
{
    if (!drv->strong_runtime_opts) {
        return false;
    }
    for (int i = 0; drv->strong_runtime_opts[i]; i++) {
        const char *opt = drv->strong_runtime_opts[i];
        size_t len = strlen(opt);

        /* "inject-error." names a whole family of options. */
        if (len && opt[len - 1] == '.' ? !strncmp(opt, key, len)
                                       : !strcmp(opt, key)) {
            return true;
        }
    }
    return false;
}

/*
 * Copy the strong options the user gave into @d.  Returns true if any
 * other than "filename" was there (those demand a json: filename).
 */
static bool append_strong_runtime_options(QDict *d, BlockDriverState *bs)
{
    const char *key;
    QObject *val;
    bool found_any = false;

    if (!bs->options) {
        return false;
    }
    qdict_foreach(bs->options, key, val) {
        if (bdrv_is_strong_opt(bs->drv, key)) {
            qdict_put_obj(d, key, qobject_ref(val));
            if (strcmp(key, "filename")) {
                found_any = true;
            }
        }
    }
    return found_any;
}

static void bdrv_default_gather_child_options(BlockDriverState *bs,
                                              QDict *target)
{
    BdrvChild *c;

    QLIST_FOREACH(c, &bs->children, next) {
        if (c->bs->full_open_options) {
            qdict_put_obj(target, c->name,
                          qobject_ref(c->bs->full_open_options));
        }
    }
}

void bdrv_refresh_filename(BlockDriverState *bs)
{
    BlockDriver *drv = bs->drv;
    BdrvChild *c;
    QDict *opts;
    bool strong;

    if (!drv) {
        return;
    }
    QLIST_FOREACH(c, &bs->children, next) {
        bdrv_refresh_filename(c->bs);
    }

    opts = qdict_new();
    strong = append_strong_runtime_options(opts, bs);
    if (drv->bdrv_gather_child_options) {
        drv->bdrv_gather_child_options(bs, opts, false);
    } else {
        bdrv_default_gather_child_options(bs, opts);
    }
    qdict_put_str(opts, "driver", drv->format_name);
    if (bs->full_open_options) {
        qobject_unref(bs->full_open_options);
    }
    bs->full_open_options = opts;

    bs->exact_filename[0] = '\0';
    if (drv->bdrv_refresh_filename) {
        drv->bdrv_refresh_filename(bs);
    } else if (drv->protocol_name && !drv->is_format) {
        const char *fn = qdict_get_try_str(opts, "filename");
        if (!strong && fn) {
            g_strlcpy(bs->exact_filename, fn, sizeof(bs->exact_filename));
        }
    } else if (bs->file && !strong &&
               QLIST_FIRST(&bs->children) == bs->file &&
               !QLIST_NEXT(bs->file, next)) {
        /* No options of our own: the file's name says it all. */
        g_strlcpy(bs->exact_filename, bs->file->bs->exact_filename,
                  sizeof(bs->exact_filename));
    }

    if (bs->exact_filename[0]) {
        g_strlcpy(bs->filename, bs->exact_filename, sizeof(bs->filename));
    } else {
        g_autofree char *json = qobject_to_json_qemu(opts);
        if (snprintf(bs->filename, sizeof(bs->filename), "json:%s", json) >=
            (int)sizeof(bs->filename)) {
            strcpy(bs->filename + sizeof(bs->filename) - 4, "...");
        }
    }
}
