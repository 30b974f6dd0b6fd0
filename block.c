/*
 * The nodes of the graph: drivers, names, opening nodes from options
 * (and their children), sizes.  Edges and permissions live in
 * block/graph.c, user-visible filenames in block/filename.c.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "qemu/option.h"
#include "qemu/cutils.h"
#include "qapi/util.h"

/* Registered drivers: filled by block_init() before main(), then read. */
static BlockDriver *first_drv;
/* Main loop thread only: every node, and the #blockNNN counter. */
static QTAILQ_HEAD(, BlockDriverState) all_nodes =
    QTAILQ_HEAD_INITIALIZER(all_nodes);
static uint64_t node_id_counter;

static BlockDriverState *bdrv_open_inherit(const char *filename,
                                           const char *reference,
                                           QDict *options, int flags,
                                           Error **errp);

/* ---------- Drivers ---------- */

void bdrv_register(BlockDriver *drv)
{
    BlockDriver **p = &first_drv;

    /* Keep registration order stable for help output. */
    while (*p) {
        p = &(*p)->next_driver;
    }
    drv->next_driver = NULL;
    *p = drv;
}

void bdrv_init(void)
{
    qemu_init_main_loop();
}

BlockDriver *bdrv_find_format(const char *format_name)
{
    for (BlockDriver *drv = first_drv; drv; drv = drv->next_driver) {
        if (!strcmp(drv->format_name, format_name)) {
            return drv;
        }
    }
    return NULL;
}

void bdrv_iterate_format(void (*it)(void *opaque, const char *name),
                         void *opaque)
{
    for (BlockDriver *drv = first_drv; drv; drv = drv->next_driver) {
        it(opaque, drv->format_name);
    }
}

static bool drv_is_protocol(const BlockDriver *drv)
{
    return drv->protocol_name != NULL;
}

/* "null-co://" -> "null-co"; plain paths have no prefix. */
static char *filename_protocol(const char *filename)
{
    const char *p = strchr(filename, ':');
    const char *slash = strchr(filename, '/');

    if (!p || p == filename || (slash && slash < p)) {
        return NULL;
    }
    return g_strndup(filename, p - filename);
}

BlockDriver *bdrv_find_protocol(const char *filename,
                                bool allow_protocol_prefix, Error **errp)
{
    g_autofree char *proto = NULL;

    if (allow_protocol_prefix) {
        proto = filename_protocol(filename);
    }
    if (!proto) {
        BlockDriver *drv;
        int best = 0;

        /* Device nodes (/dev/...) belong to a device driver, as QEMU. */
        for (BlockDriver *d = first_drv; d; d = d->next_driver) {
            if (d->bdrv_probe_device) {
                int score = d->bdrv_probe_device(filename);
                if (score > best) {
                    best = score;
                    drv = d;
                }
            }
        }
        if (best) {
            return drv;
        }
        drv = bdrv_find_format("file");
        if (!drv) {
            error_setg(errp, "Unknown protocol 'file'");
        }
        return drv;
    }
    for (BlockDriver *drv = first_drv; drv; drv = drv->next_driver) {
        if (drv->protocol_name && !strcmp(drv->protocol_name, proto)) {
            return drv;
        }
    }
    error_setg(errp, "Unknown protocol '%s'", proto);
    return NULL;
}

int bdrv_create(BlockDriver *drv, const char *filename, QDict *opts,
                Error **errp)
{
    if (!drv->bdrv_create) {
        error_setg(errp, "Driver '%s' does not support image creation",
                   drv->format_name);
        return -ENOTSUP;
    }
    return drv->bdrv_create(filename, opts, errp);
}

int bdrv_create_file(const char *filename, QDict *opts, Error **errp)
{
    BlockDriver *drv = bdrv_find_protocol(filename, true, errp);

    if (!drv) {
        return -ENOENT;
    }
    return bdrv_create(drv, filename, opts, errp);
}

int bdrv_parse_cache_mode(const char *mode, int *flags, bool *writethrough)
{
    *flags &= ~BDRV_O_CACHE_MASK;
    if (!strcmp(mode, "off") || !strcmp(mode, "none")) {
        *writethrough = false;
        *flags |= BDRV_O_NOCACHE;
    } else if (!strcmp(mode, "directsync")) {
        *writethrough = true;
        *flags |= BDRV_O_NOCACHE;
    } else if (!strcmp(mode, "writeback")) {
        *writethrough = false;
    } else if (!strcmp(mode, "unsafe")) {
        *writethrough = false;
        *flags |= BDRV_O_NO_FLUSH;
    } else if (!strcmp(mode, "writethrough")) {
        *writethrough = true;
    } else {
        return -1;
    }
    return 0;
}

int bdrv_parse_aio(const char *mode, int *flags)
{
    /* threads is the default: neither flag. */
    *flags &= ~(BDRV_O_NATIVE_AIO | BDRV_O_IO_URING);
    if (!strcmp(mode, "native")) {
        *flags |= BDRV_O_NATIVE_AIO;
    } else if (!strcmp(mode, "io_uring")) {
        *flags |= BDRV_O_IO_URING;
    } else if (strcmp(mode, "threads")) {
        return -1;
    }
    return 0;
}

/* ---------- Nodes ---------- */

BlockDriverState *bdrv_find_node(const char *node_name)
{
    BlockDriverState *bs;

    QTAILQ_FOREACH(bs, &all_nodes, node_list) {
        if (!strcmp(bs->node_name, node_name)) {
            return bs;
        }
    }
    return NULL;
}

BlockDriverState *bdrv_next_node(BlockDriverState *bs)
{
    return bs ? QTAILQ_NEXT(bs, node_list) : QTAILQ_FIRST(&all_nodes);
}

BlockDriverState *bdrv_lookup_bs(const char *device, const char *node_name,
                                 Error **errp)
{
    BlockDriverState *bs = NULL;

    if (node_name) {
        bs = bdrv_find_node(node_name);
    }
    if (!bs) {
        error_setg(errp, "Cannot find device='%s' nor node-name='%s'",
                   device ? device : "", node_name ? node_name : "");
    }
    return bs;
}

const char *bdrv_get_node_name(const BlockDriverState *bs)
{
    return bs->node_name;
}

const char *bdrv_get_device_or_node_name(const BlockDriverState *bs)
{
    return bs->node_name;
}

const char *bdrv_get_format_name(BlockDriverState *bs)
{
    return bs->drv ? bs->drv->format_name : NULL;
}

bool bdrv_is_read_only(BlockDriverState *bs)
{
    return bs->read_only;
}

bool bdrv_has_parents(BlockDriverState *bs)
{
    return !QLIST_EMPTY(&bs->parents);
}

static bool bdrv_assign_node_name(BlockDriverState *bs, const char *node_name,
                                  Error **errp)
{
    g_autofree char *gen = NULL;

    if (!node_name) {
        gen = g_strdup_printf("#block%03" PRIu64, ++node_id_counter);
        node_name = gen;
    } else if (!id_wellformed(node_name)) {
        error_setg(errp, "Invalid node-name: '%s'", node_name);
        return false;
    }
    if (strlen(node_name) >= sizeof(bs->node_name)) {
        error_setg(errp, "Node name too long");
        return false;
    }
    if (bdrv_find_node(node_name)) {
        error_setg(errp, "Duplicate nodes with node-name='%s'", node_name);
        return false;
    }
    g_strlcpy(bs->node_name, node_name, sizeof(bs->node_name));
    /* Visible from now on, so children cannot reuse or reference it. */
    QTAILQ_INSERT_TAIL(&all_nodes, bs, node_list);
    return true;
}

static BlockDriverState *bdrv_new(void)
{
    BlockDriverState *bs = g_new0(BlockDriverState, 1);

    bs->refcnt = 1;
    QLIST_INIT(&bs->children);
    QLIST_INIT(&bs->parents);
    QLIST_INIT(&bs->tracked_requests);
    QLIST_INIT(&bs->write_watches);
    qemu_co_queue_init(&bs->quiesce_waiters);
    return bs;
}

void bdrv_ref(BlockDriverState *bs)
{
    bs->refcnt++;
}

/* Undo what opening did after the driver's own close (or failed open). */
static void bdrv_drop_driver(BlockDriverState *bs)
{
    BdrvChild *c, *next;

    QLIST_FOREACH_SAFE(c, &bs->children, next, next) {
        bdrv_unref_child(bs, c);
    }
    bs->file = NULL;
    g_free(bs->opaque);
    bs->opaque = NULL;
    bs->drv = NULL;
}

static void bdrv_close(BlockDriverState *bs)
{
    if (bs->drv) {
        bdrv_drain(bs);
        if (bs->drv->bdrv_close) {
            bs->drv->bdrv_close(bs);
        }
    }
    bdrv_drop_driver(bs);
    if (bs->options) {
        qobject_unref(bs->options);
    }
    if (bs->explicit_options) {
        qobject_unref(bs->explicit_options);
    }
    if (bs->full_open_options) {
        qobject_unref(bs->full_open_options);
    }
    bs->options = bs->explicit_options = bs->full_open_options = NULL;
}

void bdrv_unref(BlockDriverState *bs)
{
    if (!bs) {
        return;
    }
    assert(bs->refcnt > 0);
    if (--bs->refcnt == 0) {
        bdrv_close(bs);
        if (QTAILQ_IN_USE(bs, node_list)) {
            QTAILQ_REMOVE(&all_nodes, bs, node_list);
        }
        g_free(bs);
    }
}

void bdrv_close_all(void)
{
    BlockDriverState *bs;

    bdrv_drain_all();
    QTAILQ_FOREACH(bs, &all_nodes, node_list) {
        if (bs->drv) {
            bdrv_flush(bs);
        }
    }
}

/* ---------- Opening children ---------- */

/* Options a child inherits from its parent when it does not set them. */
static void bdrv_inherit_options(QDict *child_opts, QDict *parent_opts)
{
    static const char *const inherited[] = {
        BDRV_OPT_CACHE_DIRECT, BDRV_OPT_CACHE_NO_FLUSH, BDRV_OPT_READ_ONLY,
        BDRV_OPT_AUTO_READ_ONLY, BDRV_OPT_FORCE_SHARE, NULL,
    };

    if (!parent_opts) {
        return;
    }
    for (int i = 0; inherited[i]; i++) {
        QObject *v = qdict_get(parent_opts, inherited[i]);
        if (v && !qdict_haskey(child_opts, inherited[i])) {
            qdict_put_obj(child_opts, inherited[i], qobject_ref(v));
        }
    }
}

BdrvChild *bdrv_open_child(const char *filename, QDict *options,
                           const char *bdref_key, BlockDriverState *parent,
                           const BdrvChildClass *child_class,
                           unsigned role, bool allow_none, Error **errp)
{
    BlockDriverState *bs = NULL;
    QDict *image_options = NULL;
    g_autofree char *bdref_key_dot = g_strdup_printf("%s.", bdref_key);
    g_autofree char *reference = NULL;
    const char *ref;
    int flags;
    BdrvChild *c;

    qdict_extract_subqdict(options, &image_options, bdref_key_dot);
    ref = qdict_get_try_str(options, bdref_key);
    if (ref) {
        reference = g_strdup(ref);
    }
    /* QEMU ignores a reference that is not a string. */
    qdict_del(options, bdref_key);

    if (!filename && !reference && !qdict_size(image_options)) {
        qobject_unref(image_options);
        if (!allow_none) {
            error_setg(errp, "A block device must be specified for \"%s\"",
                       bdref_key);
        }
        return NULL;
    }

    /*
     * The primary child of a format is opened as a protocol node; data
     * children of other drivers (quorum) are probed like top-level nodes.
     */
    flags = parent->open_flags & ~(BDRV_O_PROTOCOL | BDRV_O_SNAPSHOT |
                                   BDRV_O_COPY_ON_READ);
    if (role & BDRV_CHILD_PRIMARY) {
        flags |= BDRV_O_PROTOCOL;
    }
    if (!reference) {
        bdrv_inherit_options(image_options, parent->options);
    }
    bs = bdrv_open_inherit(filename, reference, image_options, flags, errp);
    if (!bs) {
        return NULL;
    }
    c = bdrv_attach_child(parent, bs, bdref_key, child_class, role, errp);
    if (!c) {
        bdrv_unref(bs);
    }
    return c;
}

/* ---------- Opening ---------- */

/* The first key in QEMU's dict order, so messages name the same key. */
static const char *qdict_first_key_qemu_order(QDict *d)
{
    const char *key, *best = NULL;
    QObject *val;
    unsigned best_bucket = UINT_MAX;

    /* Within a bucket QEMU lists the newest entry first. */
    qdict_foreach(d, key, val) {
        unsigned b = qdict_qemu_bucket(key);
        if (b <= best_bucket) {
            best_bucket = b;
            best = key;
        }
    }
    return best;
}

static const QemuOptDesc bdrv_runtime_opt_desc[] = {
    { .name = "node-name", .type = QEMU_OPT_STRING },
    { .name = "driver", .type = QEMU_OPT_STRING },
    { .name = BDRV_OPT_READ_ONLY, .type = QEMU_OPT_BOOL },
    { .name = BDRV_OPT_AUTO_READ_ONLY, .type = QEMU_OPT_BOOL },
    { .name = BDRV_OPT_CACHE_DIRECT, .type = QEMU_OPT_BOOL },
    { .name = BDRV_OPT_CACHE_NO_FLUSH, .type = QEMU_OPT_BOOL },
    { .name = BDRV_OPT_DISCARD, .type = QEMU_OPT_STRING },
    { .name = BDRV_OPT_FORCE_SHARE, .type = QEMU_OPT_BOOL },
    { .name = "detect-zeroes", .type = QEMU_OPT_STRING },
    { .name = NULL }
};

static const QemuOptsList bdrv_runtime_opts = {
    .name = "bdrv_common",
    .desc = bdrv_runtime_opt_desc,
};

/*
 * Resolve "json:" filenames and protocol filenames into options, pick the
 * driver.  On return *pdrv is the driver to use, or NULL to probe.
 */
static bool bdrv_fill_options(QDict *options, const char **pfilename,
                              int *flags, BlockDriver **pdrv, Error **errp)
{
    const char *filename = *pfilename;
    const char *drvname;
    BlockDriver *drv = NULL;
    bool protocol = *flags & BDRV_O_PROTOCOL;

    if (filename && g_str_has_prefix(filename, "json:")) {
        Error *local_err = NULL;
        QObject *json = qobject_from_json(filename + 5, &local_err);

        if (!json) {
            error_setg(errp, "Could not parse the JSON options: %s",
                       error_get_pretty(local_err));
            error_free(local_err);
            return false;
        }
        if (!qobject_is_dict(json)) {
            qobject_unref(json);
            error_setg(errp, "Invalid JSON object given");
            return false;
        }
        qdict_flatten(json);
        /* Explicit options take precedence over the json: ones. */
        qdict_join(options, json, false);
        qobject_unref(json);
        *pfilename = filename = NULL;
    }

    drvname = qdict_get_try_str(options, "driver");
    if (!drvname && qdict_haskey(options, "driver")) {
        error_setg(errp, "Invalid parameter type for 'driver', expected: string");
        return false;
    }
    if (drvname) {
        drv = bdrv_find_format(drvname);
        if (!drv) {
            error_setg(errp, "Unknown driver '%s'", drvname);
            return false;
        }
        protocol = drv_is_protocol(drv);
        if (protocol) {
            *flags |= BDRV_O_PROTOCOL;
        } else {
            *flags &= ~BDRV_O_PROTOCOL;
        }
    }

    if (protocol) {
        if (filename && qdict_haskey(options, "filename")) {
            error_setg(errp, "Can't specify 'file' and 'filename' options at "
                       "the same time");
            return false;
        }
        if (!drv) {
            if (filename) {
                drv = bdrv_find_protocol(filename, true, errp);
                if (!drv) {
                    return false;
                }
            } else {
                const char *fn = qdict_get_try_str(options, "filename");
                if (!fn) {
                    error_setg(errp, "Must specify either driver or file");
                    return false;
                }
                drv = bdrv_find_protocol(fn, false, errp);
                if (!drv) {
                    return false;
                }
            }
            qdict_put_str(options, "driver", drv->format_name);
        }
        if (filename) {
            if (drv->bdrv_parse_filename) {
                Error *local_err = NULL;
                drv->bdrv_parse_filename(filename, options, &local_err);
                if (local_err) {
                    error_propagate(errp, local_err);
                    return false;
                }
            } else {
                qdict_put_str(options, "filename", filename);
            }
            *pfilename = NULL;
        }
    }
    *pdrv = drv;
    return true;
}

/* Pick a format from the first bytes of @file_bs (only raw exists). */
static BlockDriver *bdrv_probe_format(BlockDriverState *file_bs, Error **errp)
{
    BlockDriver *best = NULL;
    int best_score = 0;
    uint8_t buf[2048];
    int64_t len = bdrv_getlength(file_bs);
    int n = len < 0 ? 0 : (int)MIN(len, (int64_t)sizeof(buf));

    memset(buf, 0, sizeof(buf));
    if (n > 0) {
        BdrvChild tmp = { .bs = file_bs };
        int ret = bdrv_pread(&tmp, 0, n, buf, 0);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not read image for "
                             "determining its format");
            return NULL;
        }
    }
    for (BlockDriver *drv = first_drv; drv; drv = drv->next_driver) {
        if (drv->bdrv_probe) {
            int score = drv->bdrv_probe(buf, n, file_bs->filename);
            if (score > best_score) {
                best_score = score;
                best = drv;
            }
        }
    }
    if (!best) {
        error_setg(errp, "Could not determine image format: No compatible "
                   "driver found");
    }
    return best;
}

/*
 * Limits every node starts from: byte granularity for requests, and the
 * memory constraints of its children (a buffer good for the child must be
 * good for us).  The driver then refines them.
 */
bool bdrv_refresh_limits(BlockDriverState *bs, Error **errp)
{
    BlockDriver *drv = bs->drv;
    BdrvChild *c;
    bool have_limits = false;

    memset(&bs->bl, 0, sizeof(bs->bl));
    bs->bl.request_alignment = 1;
    QLIST_FOREACH(c, &bs->children, next) {
        BlockLimits *cl = &c->bs->bl;

        if (!(c->role & (BDRV_CHILD_DATA | BDRV_CHILD_FILTERED |
                         BDRV_CHILD_METADATA))) {
            continue;
        }
        bs->bl.max_transfer = MIN_NON_ZERO(bs->bl.max_transfer,
                                           cl->max_transfer);
        bs->bl.opt_mem_alignment = MAX(bs->bl.opt_mem_alignment,
                                       cl->opt_mem_alignment);
        bs->bl.min_mem_alignment = MAX(bs->bl.min_mem_alignment,
                                       cl->min_mem_alignment);
        bs->bl.max_iov = MIN_NON_ZERO(bs->bl.max_iov, cl->max_iov);
        have_limits = true;
    }
    if (!have_limits) {
        bs->bl.min_mem_alignment = 512;
        bs->bl.opt_mem_alignment = qemu_real_host_page_size();
        bs->bl.max_iov = IOV_MAX;
    }
    if (drv && drv->bdrv_refresh_limits) {
        Error *local_err = NULL;

        drv->bdrv_refresh_limits(bs, &local_err);
        if (local_err) {
            error_propagate(errp, local_err);
            return false;
        }
    }
    return true;
}

/* QAPI's BlockdevDetectZeroesOptions. */
static const char *const detect_zeroes_names[] = { "off", "on", "unmap" };

/* The common options' effect on the BDRV_O_* @flags, checked. */
static int bdrv_open_flags_from_opts(QemuOpts *opts, int *pflags,
                                     Error **errp)
{
    int flags = *pflags;

    if (qemu_opt_has(opts, BDRV_OPT_READ_ONLY)) {
        if (qemu_opt_get_bool(opts, BDRV_OPT_READ_ONLY, false)) {
            flags &= ~BDRV_O_RDWR;
        } else {
            flags |= BDRV_O_RDWR;
        }
    }
    if ((flags & BDRV_O_COPY_ON_READ) && !(flags & BDRV_O_RDWR)) {
        error_setg(errp, "Can't use copy-on-read on read-only device");
        return -EINVAL;
    }
    if (flags & BDRV_O_SNAPSHOT) {
        /* Never write into an image the user asked to protect. */
        error_setg(errp, "snapshot=on (qemu-io -s) is not supported: no "
                   "temporary overlay format is available");
        return -ENOTSUP;
    }
    if (qemu_opt_get_bool(opts, BDRV_OPT_FORCE_SHARE, false) &&
        (flags & BDRV_O_RDWR)) {
        error_setg(errp, "force-share=on can only be used with read-only "
                   "images");
        return -EINVAL;
    }
    if (qemu_opt_get_bool(opts, BDRV_OPT_AUTO_READ_ONLY, false)) {
        flags |= BDRV_O_AUTO_RDONLY;
    }
    if (qemu_opt_has(opts, BDRV_OPT_CACHE_DIRECT)) {
        flags &= ~BDRV_O_NOCACHE;
        if (qemu_opt_get_bool(opts, BDRV_OPT_CACHE_DIRECT, false)) {
            flags |= BDRV_O_NOCACHE;
        }
    }
    if (qemu_opt_has(opts, BDRV_OPT_CACHE_NO_FLUSH)) {
        flags &= ~BDRV_O_NO_FLUSH;
        if (qemu_opt_get_bool(opts, BDRV_OPT_CACHE_NO_FLUSH, false)) {
            flags |= BDRV_O_NO_FLUSH;
        }
    }
    if (qemu_opt_has(opts, BDRV_OPT_DISCARD)) {
        const char *d = qemu_opt_get(opts, BDRV_OPT_DISCARD);
        if (strcmp(d, "ignore") && strcmp(d, "off") && strcmp(d, "unmap") &&
            strcmp(d, "on")) {
            error_setg(errp, "Invalid discard option");
            return -EINVAL;
        }
        flags &= ~BDRV_O_UNMAP;
        if (!strcmp(d, "unmap") || !strcmp(d, "on")) {
            flags |= BDRV_O_UNMAP;
        }
    }
    if (qemu_opt_has(opts, "detect-zeroes") &&
        qapi_enum_parse_param("detect-zeroes", detect_zeroes_names,
                              ARRAY_SIZE(detect_zeroes_names),
                              qemu_opt_get(opts, "detect-zeroes"), errp) < 0) {
        return -EINVAL;
    }
    *pflags = flags;
    return 0;
}

static int bdrv_open_common(BlockDriverState *bs, BlockDriver *drv,
                            QDict *options, int flags, Error **errp)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&bdrv_runtime_opts);
    const char *node_name;
    int ret;

    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        return -EINVAL;
    }
    node_name = qemu_opt_get(opts, "node-name");
    if (!bdrv_assign_node_name(bs, node_name, errp)) {
        return -EINVAL;
    }

    ret = bdrv_open_flags_from_opts(opts, &flags, errp);
    if (ret < 0) {
        return ret;
    }

    bs->drv = drv;
    bs->open_flags = flags;
    bs->read_only = !(flags & BDRV_O_RDWR);
    bs->opaque = g_malloc0(MAX(drv->instance_size, 1));
    bs->supported_write_flags = drv->supported_write_flags;
    bs->supported_zero_flags = drv->supported_zero_flags;

    ret = drv->bdrv_open(bs, options, flags, errp);
    if (ret < 0) {
        goto fail;
    }
    if (!bdrv_refresh_limits(bs, errp)) {
        ret = -EINVAL;
        goto fail_close;
    }
    ret = bdrv_refresh_total_sectors(bs, -1);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not refresh total sector count");
        goto fail_close;
    }
    return 0;

fail_close:
    if (drv->bdrv_close) {
        drv->bdrv_close(bs);
    }
fail:
    bdrv_drop_driver(bs);
    return ret;
}

/*
 * A format node opens (or finds) its protocol child before its driver,
 * so that probing can look at it; the driver then picks it up by name
 * from options["file"].  *@pdrv is the format, probed when NULL.  On
 * success *@pfile_bs holds a reference (or NULL: no file given).
 */
static bool bdrv_open_file_for_format(const char *filename, QDict *options,
                                      int flags, BlockDriver **pdrv,
                                      bool *probed,
                                      BlockDriverState **pfile_bs,
                                      Error **errp)
{
    /* @filename may live in @options, which change below. */
    g_autofree char *fname = g_strdup(filename);
    const char *file_ref = qdict_get_try_str(options, "file");
    BlockDriverState *file_bs = NULL;
    QDict *file_opts = NULL;

    qdict_extract_subqdict(options, &file_opts, "file.");
    if (file_ref) {
        if (qdict_size(file_opts)) {
            qobject_unref(file_opts);
            error_setg(errp, "Cannot reference an existing block device "
                       "with additional options or a new filename");
            return false;
        }
        qobject_unref(file_opts);
        file_bs = bdrv_lookup_bs(file_ref, file_ref, errp);
        if (!file_bs) {
            return false;
        }
        bdrv_ref(file_bs);
    } else if (fname || qdict_size(file_opts)) {
        bdrv_inherit_options(file_opts, options);
        file_bs = bdrv_open_inherit(fname, NULL, file_opts,
                                    (flags | BDRV_O_PROTOCOL) &
                                    ~(BDRV_O_SNAPSHOT | BDRV_O_COPY_ON_READ),
                                    errp);
        if (!file_bs) {
            return false;
        }
    } else {
        qobject_unref(file_opts);
    }
    if (!*pdrv) {
        if (!file_bs) {
            error_setg(errp, "Must specify either driver or file");
            return false;
        }
        *pdrv = bdrv_probe_format(file_bs, errp);
        if (!*pdrv) {
            bdrv_unref(file_bs);
            return false;
        }
        *probed = true;
        qdict_put_str(options, "driver", (*pdrv)->format_name);
    }
    if (file_bs) {
        qdict_put_str(options, "file", bdrv_get_node_name(file_bs));
    }
    *pfile_bs = file_bs;
    return true;
}

/* Options no layer took, named as QEMU names the first of them. */
static bool bdrv_check_leftover_options(BlockDriver *drv, QDict *options,
                                        Error **errp)
{
    const char *key;

    if (!qdict_size(options)) {
        return true;
    }
    key = qdict_first_key_qemu_order(options);
    if (drv_is_protocol(drv)) {
        error_setg(errp, "Block protocol '%s' doesn't support the option "
                   "'%s'", drv->format_name, key);
    } else {
        error_setg(errp, "Block format '%s' does not support the option "
                   "'%s'", drv->format_name, key);
    }
    return false;
}

static BlockDriverState *bdrv_open_inherit(const char *filename,
                                           const char *reference,
                                           QDict *options, int flags,
                                           Error **errp)
{
    BlockDriverState *bs = NULL, *file_bs = NULL;
    BlockDriver *drv = NULL;
    QDict *orig_options = NULL;
    int ret;

    if (reference) {
        bool options_non_empty = options && qdict_size(options);

        qobject_unref(options);
        if (filename || options_non_empty) {
            error_setg(errp, "Cannot reference an existing block device with "
                       "additional options or a new filename");
            return NULL;
        }
        bs = bdrv_lookup_bs(reference, reference, errp);
        if (bs) {
            bdrv_ref(bs);
        }
        return bs;
    }

    if (!options) {
        options = qdict_new();
    }
    if (!bdrv_fill_options(options, &filename, &flags, &drv, errp)) {
        goto fail;
    }

    bs = bdrv_new();
    /* What the user asked for, before drivers consume the options. */
    orig_options = qdict_clone_shallow(options);

    if (!(flags & BDRV_O_PROTOCOL) && (!drv || !drv_is_protocol(drv)) &&
        (!drv || drv->is_format)) {
        if (!bdrv_open_file_for_format(filename, options, flags, &drv,
                                       &bs->probed, &file_bs, errp)) {
            goto fail;
        }
        filename = NULL;
    }
    if (filename) {
        /* Non-protocol driver given a filename it cannot use. */
        qdict_put_str(options, "filename", filename);
    }

    ret = bdrv_open_common(bs, drv, options, flags, errp);
    if (ret < 0) {
        goto fail;
    }
    /* The driver took its own reference on the file child. */
    if (file_bs) {
        bdrv_unref(file_bs);
        file_bs = NULL;
    }
    qdict_del(options, "driver");
    if (!bdrv_check_leftover_options(drv, options, errp)) {
        goto fail;
    }
    qobject_unref(options);
    bs->explicit_options = orig_options;
    bs->options = qobject_ref(orig_options);
    bdrv_refresh_filename(bs);
    return bs;

fail:
    if (file_bs) {
        bdrv_unref(file_bs);
    }
    qobject_unref(options);
    if (orig_options) {
        qobject_unref(orig_options);
    }
    if (bs) {
        bdrv_unref(bs);
    }
    return NULL;
}

BlockDriverState *bdrv_open(const char *filename, const char *reference,
                            QDict *options, int flags, Error **errp)
{
    return bdrv_open_inherit(filename, reference, options, flags, errp);
}

/* ---------- Sizes ---------- */

int bdrv_refresh_total_sectors(BlockDriverState *bs, int64_t hint)
{
    int64_t len;

    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    /* After a truncate: what was data may now be a hole, or gone. */
    bdrv_bsc_invalidate(bs, 0, INT64_MAX);
    if (hint >= 0) {
        bs->total_sectors = DIV_ROUND_UP(hint, BDRV_SECTOR_SIZE);
        return 0;
    }
    if (!bs->drv->bdrv_getlength) {
        if (bs->file) {
            len = bdrv_getlength(bs->file->bs);
        } else {
            return -ENOTSUP;
        }
    } else {
        len = bs->drv->bdrv_getlength(bs);
    }
    if (len < 0) {
        return len;
    }
    bs->total_sectors = DIV_ROUND_UP(len, BDRV_SECTOR_SIZE);
    return 0;
}

int64_t bdrv_getlength(BlockDriverState *bs)
{
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    /* Cached at open and kept current by writes and truncate. */
    if (bs->total_sectors > INT64_MAX / BDRV_SECTOR_SIZE) {
        return -EFBIG;
    }
    return bs->total_sectors * BDRV_SECTOR_SIZE;
}

int bdrv_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    memset(bdi, 0, sizeof(*bdi));
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (bs->drv->bdrv_get_info) {
        return bs->drv->bdrv_get_info(bs, bdi);
    }
    if (bs->drv->is_filter && bs->file) {
        return bdrv_get_info(bs->file->bs, bdi);
    }
    return -ENOTSUP;
}

int64_t bdrv_get_allocated_file_size(BlockDriverState *bs)
{
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (bs->drv->bdrv_get_allocated_file_size) {
        return bs->drv->bdrv_get_allocated_file_size(bs);
    }
    if (bs->file) {
        return bdrv_get_allocated_file_size(bs->file->bs);
    }
    return -ENOTSUP;
}

/* ---------- blkdebug hooks: find the first node that handles them ---------- */

static BlockDriverState *bdrv_debug_find(BlockDriverState *bs,
                                         size_t hook_offset)
{
    while (bs && bs->drv) {
        void *fn = *(void **)((char *)bs->drv + hook_offset);
        if (fn) {
            return bs;
        }
        bs = bs->file ? bs->file->bs :
             (QLIST_FIRST(&bs->children) ? QLIST_FIRST(&bs->children)->bs :
              NULL);
    }
    return NULL;
}

void bdrv_debug_event(BlockDriverState *bs, BlkdebugEvent event)
{
    if (bs && bs->drv && bs->drv->bdrv_debug_event) {
        bs->drv->bdrv_debug_event(bs, event);
    }
}

int bdrv_debug_breakpoint(BlockDriverState *bs, const char *event,
                          const char *tag)
{
    bs = bdrv_debug_find(bs, offsetof(BlockDriver, bdrv_debug_breakpoint));
    return bs ? bs->drv->bdrv_debug_breakpoint(bs, event, tag) : -ENOTSUP;
}

int bdrv_debug_remove_breakpoint(BlockDriverState *bs, const char *tag)
{
    bs = bdrv_debug_find(bs,
                         offsetof(BlockDriver, bdrv_debug_remove_breakpoint));
    return bs ? bs->drv->bdrv_debug_remove_breakpoint(bs, tag) : -ENOTSUP;
}

int bdrv_debug_resume(BlockDriverState *bs, const char *tag)
{
    bs = bdrv_debug_find(bs, offsetof(BlockDriver, bdrv_debug_resume));
    return bs ? bs->drv->bdrv_debug_resume(bs, tag) : -ENOTSUP;
}

bool bdrv_debug_is_suspended(BlockDriverState *bs, const char *tag)
{
    bs = bdrv_debug_find(bs, offsetof(BlockDriver, bdrv_debug_is_suspended));
    return bs ? bs->drv->bdrv_debug_is_suspended(bs, tag) : false;
}
