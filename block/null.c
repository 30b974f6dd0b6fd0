/*
 * null-co / null-aio: a device of a given size that stores nothing.
 * Reads return zeroes only with read-zeroes=on; otherwise the caller's
 * buffer is left untouched, which is what makes it a zero-cost child for
 * benchmarks.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"

#define NULL_OPT_LATENCY "latency-ns"
#define NULL_OPT_ZEROES  "read-zeroes"

typedef struct BDRVNullState {
    int64_t length;
    int64_t latency_ns;
    bool read_zeroes;
    bool aio;                   /* null-aio: complete from the event loop */
} BDRVNullState;

static const QemuOptDesc null_runtime_opt_desc[] = {
    { .name = "filename", .type = QEMU_OPT_STRING, .help = "" },
    { .name = "size", .type = QEMU_OPT_SIZE, .help = "size of the null block" },
    { .name = NULL_OPT_LATENCY, .type = QEMU_OPT_NUMBER,
      .help = "nanoseconds (approximated) to wait before completing request" },
    { .name = NULL_OPT_ZEROES, .type = QEMU_OPT_BOOL,
      .help = "return zeroes when read" },
    { .name = NULL }
};

static const QemuOptsList null_runtime_opts = {
    .name = "null",
    .desc = null_runtime_opt_desc,
};

static void null_parse_filename(const char *filename, QDict *options,
                                Error **errp)
{
    /* The protocol prefix is the whole filename: "null-co://". */
    g_autofree char *expected = NULL;
    const char *name = qdict_get_try_str(options, "driver");

    expected = g_strdup_printf("%s://", name ? name : "null-co");
    if (strcmp(filename, expected)) {
        error_setg(errp, "The only allowed filename for this driver is '%s'",
                   expected);
    }
}

static int null_open_common(BlockDriverState *bs, QDict *options, bool aio,
                            Error **errp)
{
    BDRVNullState *s = bs->opaque;
    g_autoptr(QemuOpts) opts = qemu_opts_create(&null_runtime_opts);

    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        return -EINVAL;
    }
    s->length = qemu_opt_get_size(opts, "size", 1 * GiB);
    s->latency_ns = qemu_opt_get_number(opts, NULL_OPT_LATENCY, 0);
    if (s->latency_ns < 0) {
        error_setg(errp, "latency-ns is invalid");
        return -EINVAL;
    }
    s->read_zeroes = qemu_opt_get_bool(opts, NULL_OPT_ZEROES, false);
    s->aio = aio;
    bs->supported_write_flags = BDRV_REQ_FUA;
    /* No write-zeroes of its own: as QEMU, NO_FALLBACK zeroing fails. */
    return 0;
}

static int null_co_open(BlockDriverState *bs, QDict *options, int flags,
                        Error **errp)
{
    return null_open_common(bs, options, false, errp);
}

static int null_aio_open(BlockDriverState *bs, QDict *options, int flags,
                         Error **errp)
{
    return null_open_common(bs, options, true, errp);
}

static int64_t null_getlength(BlockDriverState *bs)
{
    BDRVNullState *s = bs->opaque;

    return s->length;
}

static void null_aio_wake(void *opaque)
{
    aio_co_wake(opaque);
}

/* What both variants do on completion: wait, as configured. */
static int coroutine_fn null_complete(BlockDriverState *bs)
{
    BDRVNullState *s = bs->opaque;

    if (s->latency_ns) {
        qemu_co_sleep_ns(s->latency_ns);
    } else if (s->aio) {
        aio_bh_schedule_oneshot(null_aio_wake, qemu_coroutine_self());
        qemu_coroutine_yield();
    }
    return 0;
}

static int coroutine_fn null_co_preadv(BlockDriverState *bs, int64_t offset,
                                       int64_t bytes, QEMUIOVector *qiov,
                                       BdrvRequestFlags flags)
{
    BDRVNullState *s = bs->opaque;

    if (s->read_zeroes) {
        qemu_iovec_memset(qiov, 0, 0, bytes);
    }
    return null_complete(bs);
}

static int coroutine_fn null_co_pwritev(BlockDriverState *bs, int64_t offset,
                                        int64_t bytes, QEMUIOVector *qiov,
                                        BdrvRequestFlags flags)
{
    return null_complete(bs);
}

static int coroutine_fn null_co_flush(BlockDriverState *bs)
{
    return null_complete(bs);
}

static int coroutine_fn null_co_block_status(BlockDriverState *bs,
                                             bool want_zero, int64_t offset,
                                             int64_t bytes, int64_t *pnum,
                                             int64_t *map,
                                             BlockDriverState **file)
{
    BDRVNullState *s = bs->opaque;
    int ret = BDRV_BLOCK_OFFSET_VALID;

    *pnum = bytes;
    *map = offset;
    *file = bs;
    if (s->read_zeroes) {
        ret |= BDRV_BLOCK_ZERO;
    }
    return ret;
}

static void null_refresh_filename(BlockDriverState *bs)
{
    const char *key;
    QObject *val;

    /* Only a plain device keeps the short "null-co://" name. */
    qdict_foreach(bs->full_open_options, key, val) {
        if (strcmp(key, "filename") && strcmp(key, "driver") &&
            strcmp(key, NULL_OPT_LATENCY)) {
            return;
        }
    }
    snprintf(bs->exact_filename, sizeof(bs->exact_filename), "%s://",
             bs->drv->format_name);
}

static int64_t null_allocated_file_size(BlockDriverState *bs)
{
    return 0;
}

static const char *const null_strong_runtime_opts[] = {
    "size",
    NULL_OPT_ZEROES,
    NULL
};

/* Nothing here depends on the open flags. */
static int null_reopen_prepare(BlockDriverState *bs, int flags, QDict *opts,
                              Error **errp)
{
    return 0;
}

/* Both registered at start-up (block_init); read-only after. */
static BlockDriver bdrv_null_co = {
    .format_name            = "null-co",
    .protocol_name          = "null-co",
    .instance_size          = sizeof(BDRVNullState),
    .bdrv_open              = null_co_open,
    .bdrv_reopen_prepare    = null_reopen_prepare,
    .bdrv_parse_filename    = null_parse_filename,
    .bdrv_getlength         = null_getlength,
    .bdrv_get_allocated_file_size = null_allocated_file_size,
    .bdrv_co_preadv         = null_co_preadv,
    .bdrv_co_pwritev        = null_co_pwritev,
    .bdrv_co_flush_to_disk  = null_co_flush,
    .bdrv_co_block_status   = null_co_block_status,
    .bdrv_refresh_filename  = null_refresh_filename,
    .strong_runtime_opts    = null_strong_runtime_opts,
};

static BlockDriver bdrv_null_aio = {
    .format_name            = "null-aio",
    .protocol_name          = "null-aio",
    .instance_size          = sizeof(BDRVNullState),
    .bdrv_open              = null_aio_open,
    .bdrv_reopen_prepare    = null_reopen_prepare,
    .bdrv_parse_filename    = null_parse_filename,
    .bdrv_getlength         = null_getlength,
    .bdrv_get_allocated_file_size = null_allocated_file_size,
    .bdrv_co_preadv         = null_co_preadv,
    .bdrv_co_pwritev        = null_co_pwritev,
    .bdrv_co_flush_to_disk  = null_co_flush,
    .bdrv_co_block_status   = null_co_block_status,
    .bdrv_refresh_filename  = null_refresh_filename,
    .strong_runtime_opts    = null_strong_runtime_opts,
};

static void bdrv_null_init(void)
{
    bdrv_register(&bdrv_null_co);
    bdrv_register(&bdrv_null_aio);
}

block_init(bdrv_null_init);
