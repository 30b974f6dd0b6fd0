/*
 * blkdebug: a filter that injects errors into requests and suspends them
 * at breakpoints, driven by the events other drivers fire
 * (BLKDBG_EVENT).  The rules themselves live in blkdebug-config.c.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "block/blkdebug.h"
#include "qemu/cutils.h"
#include "qapi/util.h"

typedef struct BlkdebugSuspendedReq {
    Coroutine *co;
    char *tag;
    QLIST_ENTRY(BlkdebugSuspendedReq) next;
} BlkdebugSuspendedReq;

typedef struct BDRVBlkdebugState {
    /* Limits to impose, 0 when not given. */
    uint64_t align;
    uint64_t max_transfer;
    uint64_t opt_write_zero;
    uint64_t max_write_zero;
    uint64_t opt_discard;
    uint64_t max_discard;
    char *config_file;          /* for blkdebug_refresh_filename() */
    uint64_t take_child_perms;
    uint64_t unshare_child_perms;

    BlkdebugRules rules;
    QLIST_HEAD(, BlkdebugSuspendedReq) suspended_reqs;
} BDRVBlkdebugState;

static const QemuOptDesc blkdebug_runtime_desc[] = {
    { .name = "config", .type = QEMU_OPT_STRING,
      .help = "Path to the configuration file" },
    { .name = "x-image", .type = QEMU_OPT_STRING,
      .help = "[internal use only, will be removed]" },
    { .name = "align", .type = QEMU_OPT_SIZE,
      .help = "Required alignment in bytes" },
    { .name = "max-transfer", .type = QEMU_OPT_SIZE,
      .help = "Maximum transfer size in bytes" },
    { .name = "opt-write-zero", .type = QEMU_OPT_SIZE,
      .help = "Optimum write zero alignment in bytes" },
    { .name = "max-write-zero", .type = QEMU_OPT_SIZE,
      .help = "Maximum write zero size in bytes" },
    { .name = "opt-discard", .type = QEMU_OPT_SIZE,
      .help = "Optimum discard alignment in bytes" },
    { .name = "max-discard", .type = QEMU_OPT_SIZE,
      .help = "Maximum discard size in bytes" },
    { .name = NULL }
};

static const QemuOptsList blkdebug_runtime_opts = {
    .name = "blkdebug",
    .desc = blkdebug_runtime_desc,
};

/* "blkdebug:CONFIG:IMAGE"; CONFIG may be empty. */
static void blkdebug_parse_filename(const char *filename, QDict *options,
                                    Error **errp)
{
    const char *colon;

    if (!strstart(filename, "blkdebug:", &filename)) {
        /* No prefix: every option but the image name is in @options. */
        qdict_put_str(options, "x-image", filename);
        return;
    }
    colon = strchr(filename, ':');
    if (!colon) {
        error_setg(errp, "blkdebug requires both config file and image path");
        return;
    }
    if (colon != filename) {
        g_autofree char *config = g_strndup(filename, colon - filename);
        qdict_put_str(options, "config", config);
    }
    qdict_put_str(options, "x-image", colon + 1);
}

/* QAPI's BlockPermission: the name of permission bit i. */
static const char *const blkdebug_perm_names[] = {
    "consistent-read", "write", "write-unchanged", "resize",
};

/*
 * A BlockPermission list under @prefix ("take-child-perms."), with the
 * messages of QEMU's input visitor.
 */
static int blkdebug_parse_perm_list(uint64_t *dest, QDict *options,
                                    const char *prefix, Error **errp)
{
    QDict *sub = NULL;
    QObject *list = NULL;
    int ret = 0;

    *dest = 0;
    qdict_extract_subqdict(options, &sub, prefix);
    if (!qdict_size(sub)) {
        goto out;
    }
    list = qdict_crumple(sub, errp);
    if (!list) {
        ret = -EINVAL;
        goto out;
    }
    if (!qobject_is_list(list)) {
        error_setg(errp, QERR_INVALID_PARAMETER_TYPE, "<anonymous>", "array");
        ret = -EINVAL;
        goto out;
    }
    for (size_t i = 0; i < json_array_size(list); i++) {
        json_t *elem = json_array_get(list, i);
        int bit;

        if (!json_is_string(elem)) {
            g_autofree char *where = g_strdup_printf("[%zu]", i);
            error_setg(errp, QERR_INVALID_PARAMETER_TYPE, where, "string");
            ret = -EINVAL;
            goto out;
        }
        /* QEMU's visitor has no name for the list it walks. */
        bit = qapi_enum_parse_param("null", blkdebug_perm_names,
                                    ARRAY_SIZE(blkdebug_perm_names),
                                    json_string_value(elem), errp);
        if (bit < 0) {
            ret = -EINVAL;
            goto out;
        }
        *dest |= 1ull << bit;
    }
out:
    qobject_unref(list);
    qobject_unref(sub);
    return ret;
}

static int blkdebug_parse_perms(BDRVBlkdebugState *s, QDict *options,
                                Error **errp)
{
    int ret;

    ret = blkdebug_parse_perm_list(&s->take_child_perms, options,
                                   "take-child-perms.", errp);
    if (ret < 0) {
        return ret;
    }
    return blkdebug_parse_perm_list(&s->unshare_child_perms, options,
                                    "unshare-child-perms.", errp);
}

/* Size options the constraints check: 0 (unset) or below INT_MAX, aligned. */
static bool blkdebug_check_limit(const char *name, uint64_t value,
                                 uint64_t align, Error **errp)
{
    if (value && (value >= INT_MAX || !QEMU_IS_ALIGNED(value, align))) {
        error_setg(errp, "Cannot meet constraints with %s %" PRIu64, name,
                   value);
        return false;
    }
    return true;
}

static int blkdebug_open(BlockDriverState *bs, QDict *options, int flags,
                         Error **errp)
{
    BDRVBlkdebugState *s = bs->opaque;
    g_autoptr(QemuOpts) opts = qemu_opts_create(&blkdebug_runtime_opts);
    uint64_t align;
    int ret;

    blkdebug_rules_init(&s->rules);
    QLIST_INIT(&s->suspended_reqs);

    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        ret = -EINVAL;
        goto out;
    }

    s->config_file = g_strdup(qemu_opt_get(opts, "config"));
    ret = blkdebug_read_config(&s->rules, s->config_file, options, errp);
    if (ret < 0) {
        goto out;
    }

    /* Before the child is opened: its permissions depend on them. */
    ret = blkdebug_parse_perms(s, options, errp);
    if (ret < 0) {
        goto out;
    }

    bs->file = bdrv_open_child(qemu_opt_get(opts, "x-image"), options,
                               "image", bs, &child_of_bds,
                               BDRV_CHILD_FILTERED | BDRV_CHILD_PRIMARY,
                               false, errp);
    if (!bs->file) {
        ret = -EINVAL;
        goto out;
    }
    /* take-child-perms=write on a read-only image: QEMU's perm check. */
    if ((s->take_child_perms & (BLK_PERM_WRITE | BLK_PERM_WRITE_UNCHANGED)) &&
        bdrv_is_read_only(bs->file->bs)) {
        error_setg(errp, "Block node is read-only");
        ret = -EPERM;
        goto out;
    }

    bs->supported_write_flags = BDRV_REQ_WRITE_UNCHANGED |
        (BDRV_REQ_FUA & bs->file->bs->supported_write_flags);
    bs->supported_zero_flags = BDRV_REQ_WRITE_UNCHANGED |
        ((BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK) &
         bs->file->bs->supported_zero_flags);

    ret = -EINVAL;
    s->align = qemu_opt_get_size(opts, "align", 0);
    if (s->align && (s->align >= INT_MAX || (s->align & (s->align - 1)))) {
        error_setg(errp, "Cannot meet constraints with align %" PRIu64,
                   s->align);
        goto out;
    }
    align = MAX(s->align, bs->file->bs->bl.request_alignment);

    s->max_transfer = qemu_opt_get_size(opts, "max-transfer", 0);
    if (!blkdebug_check_limit("max-transfer", s->max_transfer, align, errp)) {
        goto out;
    }
    s->opt_write_zero = qemu_opt_get_size(opts, "opt-write-zero", 0);
    if (!blkdebug_check_limit("opt-write-zero", s->opt_write_zero, align,
                              errp)) {
        goto out;
    }
    s->max_write_zero = qemu_opt_get_size(opts, "max-write-zero", 0);
    if (!blkdebug_check_limit("max-write-zero", s->max_write_zero,
                              MAX(s->opt_write_zero, align), errp)) {
        goto out;
    }
    s->opt_discard = qemu_opt_get_size(opts, "opt-discard", 0);
    if (!blkdebug_check_limit("opt-discard", s->opt_discard, align, errp)) {
        goto out;
    }
    s->max_discard = qemu_opt_get_size(opts, "max-discard", 0);
    if (!blkdebug_check_limit("max-discard", s->max_discard,
                              MAX(s->opt_discard, align), errp)) {
        goto out;
    }

    /* Rules for the "none" event are armed from the start. */
    bdrv_debug_event(bs, BLKDBG_NONE);
    ret = 0;
out:
    if (ret < 0) {
        /* The block layer drops the child; the rest is ours. */
        blkdebug_rules_destroy(&s->rules);
        g_free(s->config_file);
        s->config_file = NULL;
    }
    return ret;
}

static void blkdebug_close(BlockDriverState *bs)
{
    BDRVBlkdebugState *s = bs->opaque;
    BlkdebugSuspendedReq *r, *next;

    blkdebug_rules_destroy(&s->rules);
    /* Requests still suspended are never resumed, as in QEMU. */
    QLIST_FOREACH_SAFE(r, &s->suspended_reqs, next, next) {
        QLIST_REMOVE(r, next);
        g_free(r->tag);
        g_free(r);
    }
    g_free(s->config_file);
    s->config_file = NULL;
}

/* Nothing to change: options that differ are refused by the block layer. */
static int blkdebug_reopen_prepare(BlockDriverState *bs, int flags,
                                   QDict *opts, Error **errp)
{
    return 0;
}

static void blkdebug_refresh_limits(BlockDriverState *bs, Error **errp)
{
    BDRVBlkdebugState *s = bs->opaque;
    const BlockLimits *child = &bs->file->bs->bl;

    /* block.c merged the child's memory and transfer limits already. */
    bs->bl.pdiscard_alignment = MAX(bs->bl.pdiscard_alignment,
                                    child->pdiscard_alignment);

    if (s->align) {
        bs->bl.request_alignment = s->align;
    }
    if (s->max_transfer) {
        bs->bl.max_transfer = s->max_transfer;
    }
    if (s->opt_write_zero) {
        bs->bl.pwrite_zeroes_alignment = s->opt_write_zero;
    }
    if (s->max_write_zero) {
        bs->bl.max_pwrite_zeroes = s->max_write_zero;
    }
    if (s->opt_discard) {
        bs->bl.pdiscard_alignment = s->opt_discard;
    }
    if (s->max_discard) {
        bs->bl.max_pdiscard = s->max_discard;
    }
}

static void blkdebug_child_perm(BlockDriverState *bs, BdrvChild *c,
                                unsigned role, uint64_t perm, uint64_t shared,
                                uint64_t *nperm, uint64_t *nshared)
{
    BDRVBlkdebugState *s = bs->opaque;

    bdrv_default_perms(bs, c, role, perm, shared, nperm, nshared);
    *nperm |= s->take_child_perms;
    *nshared &= ~s->unshare_child_perms;
}

/*
 * Fail the request if an armed rule says so.  Unless the rule asks for
 * "immediately", the error is returned from a later loop iteration, as
 * an asynchronous completion would be.
 */
static int coroutine_fn rule_check(BlockDriverState *bs, uint64_t offset,
                                   uint64_t bytes, BlkdebugIOType iotype)
{
    BDRVBlkdebugState *s = bs->opaque;
    bool immediately = false;
    int error;

    error = blkdebug_rules_check(&s->rules, offset, bytes, iotype,
                                 &immediately);
    if (!error) {
        return 0;
    }
    if (!immediately) {
        aio_co_wake(qemu_coroutine_self());
        qemu_coroutine_yield();
    }
    return -error;
}

/* What the block layer promises for data requests, checked. */
static void blkdebug_assert_request(BlockDriverState *bs, int64_t offset,
                                    int64_t bytes)
{
    assert(QEMU_IS_ALIGNED(offset, bs->bl.request_alignment));
    assert(QEMU_IS_ALIGNED(bytes, bs->bl.request_alignment));
    if (bs->bl.max_transfer) {
        assert(bytes <= bs->bl.max_transfer);
    }
}

static int coroutine_fn blkdebug_co_preadv(BlockDriverState *bs,
                                           int64_t offset, int64_t bytes,
                                           QEMUIOVector *qiov,
                                           BdrvRequestFlags flags)
{
    int err;

    blkdebug_assert_request(bs, offset, bytes);

    err = rule_check(bs, offset, bytes, BLKDEBUG_IO_TYPE_READ);
    if (err) {
        return err;
    }
    return bdrv_co_preadv(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn blkdebug_co_pwritev(BlockDriverState *bs,
                                            int64_t offset, int64_t bytes,
                                            QEMUIOVector *qiov,
                                            BdrvRequestFlags flags)
{
    int err;

    blkdebug_assert_request(bs, offset, bytes);

    err = rule_check(bs, offset, bytes, BLKDEBUG_IO_TYPE_WRITE);
    if (err) {
        return err;
    }
    return bdrv_co_pwritev(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn blkdebug_co_flush(BlockDriverState *bs)
{
    int err = rule_check(bs, 0, 0, BLKDEBUG_IO_TYPE_FLUSH);

    if (err) {
        return err;
    }
    return bdrv_co_flush(bs->file->bs);
}

static int coroutine_fn blkdebug_co_pwrite_zeroes(BlockDriverState *bs,
                                                  int64_t offset,
                                                  int64_t bytes,
                                                  BdrvRequestFlags flags)
{
    uint32_t align = MAX(bs->bl.request_alignment,
                         bs->bl.pwrite_zeroes_alignment);
    int err;

    /*
     * Refuse requests smaller than the preferred alignment so that the
     * block layer's fallback to writes gets exercised; those must not
     * cross an alignment boundary.
     */
    if (bytes < align) {
        assert(QEMU_IS_ALIGNED(offset, align) ||
               QEMU_IS_ALIGNED(offset + bytes, align) ||
               DIV_ROUND_UP(offset, align) ==
               DIV_ROUND_UP(offset + bytes, align));
        return -ENOTSUP;
    }
    assert(QEMU_IS_ALIGNED(offset, align));
    assert(QEMU_IS_ALIGNED(bytes, align));
    if (bs->bl.max_pwrite_zeroes) {
        assert(bytes <= bs->bl.max_pwrite_zeroes);
    }

    err = rule_check(bs, offset, bytes, BLKDEBUG_IO_TYPE_WRITE_ZEROES);
    if (err) {
        return err;
    }
    return bdrv_co_pwrite_zeroes(bs->file, offset, bytes, flags);
}

static int coroutine_fn blkdebug_co_pdiscard(BlockDriverState *bs,
                                             int64_t offset, int64_t bytes)
{
    uint32_t align = bs->bl.pdiscard_alignment;
    int err;

    /* Requests below the minimum alignment are dropped, as QEMU. */
    if (bytes < bs->bl.request_alignment) {
        assert(!align ||
               QEMU_IS_ALIGNED(offset, align) ||
               QEMU_IS_ALIGNED(offset + bytes, align) ||
               DIV_ROUND_UP(offset, align) ==
               DIV_ROUND_UP(offset + bytes, align));
        return -ENOTSUP;
    }
    assert(QEMU_IS_ALIGNED(offset, bs->bl.request_alignment));
    assert(QEMU_IS_ALIGNED(bytes, bs->bl.request_alignment));
    if (align && bytes >= align) {
        assert(QEMU_IS_ALIGNED(offset, align));
        assert(QEMU_IS_ALIGNED(bytes, align));
    }
    if (bs->bl.max_pdiscard) {
        assert(bytes <= bs->bl.max_pdiscard);
    }

    err = rule_check(bs, offset, bytes, BLKDEBUG_IO_TYPE_DISCARD);
    if (err) {
        return err;
    }
    return bdrv_co_pdiscard(bs->file, offset, bytes);
}

static int coroutine_fn blkdebug_co_block_status(BlockDriverState *bs,
                                                 bool want_zero,
                                                 int64_t offset,
                                                 int64_t bytes,
                                                 int64_t *pnum,
                                                 int64_t *map,
                                                 BlockDriverState **file)
{
    int err;

    assert(QEMU_IS_ALIGNED(offset | bytes, bs->bl.request_alignment));

    err = rule_check(bs, offset, bytes, BLKDEBUG_IO_TYPE_BLOCK_STATUS);
    if (err) {
        return err;
    }
    /* Everything maps 1:1 onto the image. */
    *pnum = bytes;
    *map = offset;
    *file = bs->file->bs;
    return BDRV_BLOCK_RAW | BDRV_BLOCK_OFFSET_VALID;
}

static int64_t blkdebug_getlength(BlockDriverState *bs)
{
    return bdrv_getlength(bs->file->bs);
}

static int64_t blkdebug_get_allocated_file_size(BlockDriverState *bs)
{
    /* A protocol driver: QEMU does not look into the image here. */
    return -ENOTSUP;
}

static void blkdebug_refresh_filename(BlockDriverState *bs)
{
    BDRVBlkdebugState *s = bs->opaque;
    const char *key;
    QObject *val;
    int ret;

    if (!bs->file->bs->exact_filename[0]) {
        return;
    }
    /* Any option but these makes a plain "blkdebug:" name lossy. */
    qdict_foreach(bs->full_open_options, key, val) {
        if (strcmp(key, "config") && strcmp(key, "image") &&
            strcmp(key, "x-image") && strcmp(key, "driver")) {
            return;
        }
    }
    ret = snprintf(bs->exact_filename, sizeof(bs->exact_filename),
                   "blkdebug:%s:%s", s->config_file ? s->config_file : "",
                   bs->file->bs->exact_filename);
    if (ret >= (int)sizeof(bs->exact_filename)) {
        /* A truncated name would be a wrong one. */
        bs->exact_filename[0] = '\0';
    }
}

/* ---------- Events and breakpoints ---------- */

static void blkdebug_suspend(void *opaque, const char *tag)
{
    BDRVBlkdebugState *s = opaque;
    BlkdebugSuspendedReq *r = g_new(BlkdebugSuspendedReq, 1);

    r->co = qemu_coroutine_self();
    r->tag = g_strdup(tag);
    QLIST_INSERT_HEAD(&s->suspended_reqs, r, next);
    printf("blkdebug: Suspended request '%s'\n", tag);
}

static void blkdebug_debug_event(BlockDriverState *bs, BlkdebugEvent event)
{
    BDRVBlkdebugState *s = bs->opaque;
    int suspended;

    /* Breakpoints can only hold a request that runs in a coroutine. */
    suspended = blkdebug_rules_event(&s->rules, event,
                                     qemu_in_coroutine() ? blkdebug_suspend :
                                     NULL, s);
    if (!qemu_in_coroutine()) {
        return;
    }
    /* One resume per breakpoint that fired. */
    while (suspended-- > 0) {
        qemu_coroutine_yield();
    }
}

static int blkdebug_debug_breakpoint(BlockDriverState *bs, const char *event,
                                     const char *tag)
{
    BDRVBlkdebugState *s = bs->opaque;

    return blkdebug_rules_add_breakpoint(&s->rules, event, tag);
}

/* Resume the latest request suspended at @tag, or all of them. */
static int resume_req_by_tag(BDRVBlkdebugState *s, const char *tag, bool all)
{
    BlkdebugSuspendedReq *r;

retry:
    QLIST_FOREACH(r, &s->suspended_reqs, next) {
        if (!strcmp(r->tag, tag)) {
            Coroutine *co = r->co;

            printf("blkdebug: Resuming request '%s'\n", r->tag);
            QLIST_REMOVE(r, next);
            g_free(r->tag);
            g_free(r);
            qemu_coroutine_enter(co);
            if (all) {
                goto retry;
            }
            return 0;
        }
    }
    /* Also reached after resuming "all": QEMU then reports -ENOENT too. */
    return -ENOENT;
}

static int blkdebug_debug_resume(BlockDriverState *bs, const char *tag)
{
    return resume_req_by_tag(bs->opaque, tag, false);
}

static int blkdebug_debug_remove_breakpoint(BlockDriverState *bs,
                                            const char *tag)
{
    BDRVBlkdebugState *s = bs->opaque;
    int ret = blkdebug_rules_remove_breakpoints(&s->rules, tag) ? 0 : -ENOENT;

    if (resume_req_by_tag(s, tag, true) == 0) {
        ret = 0;
    }
    return ret;
}

static bool blkdebug_debug_is_suspended(BlockDriverState *bs, const char *tag)
{
    BDRVBlkdebugState *s = bs->opaque;
    BlkdebugSuspendedReq *r;

    QLIST_FOREACH(r, &s->suspended_reqs, next) {
        if (!strcmp(r->tag, tag)) {
            return true;
        }
    }
    return false;
}

static const char *const blkdebug_strong_runtime_opts[] = {
    "config",
    "inject-error.",
    "set-state.",
    "align",
    "max-transfer",
    "opt-write-zero",
    "max-write-zero",
    "opt-discard",
    "max-discard",
    NULL
};

/* Registered at start-up (block_init); read-only after. */
static BlockDriver bdrv_blkdebug = {
    .format_name            = "blkdebug",
    .protocol_name          = "blkdebug",
    .instance_size          = sizeof(BDRVBlkdebugState),
    .is_filter              = true,

    .bdrv_parse_filename    = blkdebug_parse_filename,
    .bdrv_open              = blkdebug_open,
    .bdrv_close             = blkdebug_close,
    .bdrv_reopen_prepare    = blkdebug_reopen_prepare,
    .bdrv_child_perm        = blkdebug_child_perm,

    .bdrv_getlength         = blkdebug_getlength,
    .bdrv_get_allocated_file_size = blkdebug_get_allocated_file_size,
    .bdrv_refresh_filename  = blkdebug_refresh_filename,
    .bdrv_refresh_limits    = blkdebug_refresh_limits,

    .bdrv_co_preadv         = blkdebug_co_preadv,
    .bdrv_co_pwritev        = blkdebug_co_pwritev,
    .bdrv_co_flush_to_disk  = blkdebug_co_flush,
    .bdrv_co_pwrite_zeroes  = blkdebug_co_pwrite_zeroes,
    .bdrv_co_pdiscard       = blkdebug_co_pdiscard,
    .bdrv_co_block_status   = blkdebug_co_block_status,

    .bdrv_debug_event       = blkdebug_debug_event,
    .bdrv_debug_breakpoint  = blkdebug_debug_breakpoint,
    .bdrv_debug_remove_breakpoint = blkdebug_debug_remove_breakpoint,
    .bdrv_debug_resume      = blkdebug_debug_resume,
    .bdrv_debug_is_suspended = blkdebug_debug_is_suspended,

    .strong_runtime_opts    = blkdebug_strong_runtime_opts,
};

static void bdrv_blkdebug_init(void)
{
    bdrv_register(&bdrv_blkdebug);
}

block_init(bdrv_blkdebug_init);
