/*
 * "test-mem", the in-memory driver of the unit tests (mem-driver.h).
 */
#include "qemu/osdep.h"
#include "mem-driver.h"

static const QemuOptDesc mem_opt_desc[] = {
    { .name = "size", .type = QEMU_OPT_SIZE },
    { .name = "length", .type = QEMU_OPT_SIZE },
    { .name = "align", .type = QEMU_OPT_SIZE },
    { .name = "max-transfer", .type = QEMU_OPT_SIZE },
    { .name = "async", .type = QEMU_OPT_BOOL },
    { .name = "write-zeroes", .type = QEMU_OPT_BOOL },
    { .name = "flush-always", .type = QEMU_OPT_BOOL },
    { .name = NULL }
};

static const QemuOptsList mem_opts = { .name = "test-mem",
                                       .desc = mem_opt_desc };

static int mem_open(BlockDriverState *bs, QDict *options, int flags,
                    Error **errp)
{
    BDRVTestMemState *s = bs->opaque;
    g_autoptr(QemuOpts) opts = qemu_opts_create(&mem_opts);

    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        return -EINVAL;
    }
    s->size = qemu_opt_get_size(opts, "size", 64 * KiB);
    s->length = qemu_opt_get_size(opts, "length", s->size);
    if (s->length > s->size) {
        error_setg(errp, "length may not exceed size");
        return -EINVAL;
    }
    s->align = qemu_opt_get_size(opts, "align", 1);
    s->max_transfer = qemu_opt_get_size(opts, "max-transfer", 0);
    s->async = qemu_opt_get_bool(opts, "async", false);
    s->write_zeroes = qemu_opt_get_bool(opts, "write-zeroes", false);
    s->flush_always = qemu_opt_get_bool(opts, "flush-always", false);
    s->data = g_malloc0(s->size);
    if (s->write_zeroes) {
        bs->supported_zero_flags = BDRV_REQ_MAY_UNMAP;
    }
    return 0;
}

static void mem_close(BlockDriverState *bs)
{
    BDRVTestMemState *s = bs->opaque;

    g_free(s->data);
}

static void mem_refresh_limits(BlockDriverState *bs, Error **errp)
{
    BDRVTestMemState *s = bs->opaque;

    bs->bl.request_alignment = s->align;
    bs->bl.max_transfer = s->max_transfer;
}

static int64_t mem_getlength(BlockDriverState *bs)
{
    BDRVTestMemState *s = bs->opaque;

    return s->length;
}

/* What block/io.c promises a driver; a broken promise fails the test. */
static void mem_check(BDRVTestMemState *s, int64_t offset, int64_t bytes)
{
    g_assert_cmpint(offset % s->align, ==, 0);
    g_assert_cmpint(bytes % s->align, ==, 0);
    if (s->max_transfer) {
        g_assert_cmpint(bytes, <=, s->max_transfer);
    }
    g_assert_cmpint(offset, >=, 0);
    g_assert_cmpint(offset + bytes, <=, s->size);
}

static void mem_wake(void *opaque)
{
    aio_co_wake(opaque);
}

static void coroutine_fn mem_maybe_yield(BDRVTestMemState *s)
{
    if (s->async) {
        aio_bh_schedule_oneshot(mem_wake, qemu_coroutine_self());
        qemu_coroutine_yield();
    }
}

static int coroutine_fn mem_preadv(BlockDriverState *bs, int64_t offset,
                                   int64_t bytes, QEMUIOVector *qiov,
                                   BdrvRequestFlags flags)
{
    BDRVTestMemState *s = bs->opaque;

    s->reads++;
    mem_check(s, offset, bytes);
    s->largest = MAX(s->largest, bytes);
    mem_maybe_yield(s);
    if (s->read_err) {
        return s->read_err;
    }
    qemu_iovec_from_buf(qiov, 0, s->data + offset, bytes);
    return 0;
}

static int coroutine_fn mem_pwritev(BlockDriverState *bs, int64_t offset,
                                    int64_t bytes, QEMUIOVector *qiov,
                                    BdrvRequestFlags flags)
{
    BDRVTestMemState *s = bs->opaque;
    g_autofree uint8_t *tmp = g_malloc(bytes);

    s->writes++;
    mem_check(s, offset, bytes);
    s->largest = MAX(s->largest, bytes);
    /* Copy out first: an async request must write what it was given. */
    qemu_iovec_to_buf(qiov, 0, tmp, bytes);
    mem_maybe_yield(s);
    if (s->write_err) {
        return s->write_err;
    }
    memcpy(s->data + offset, tmp, bytes);
    return 0;
}

static int coroutine_fn mem_pwrite_zeroes(BlockDriverState *bs,
                                          int64_t offset, int64_t bytes,
                                          BdrvRequestFlags flags)
{
    BDRVTestMemState *s = bs->opaque;

    if (!s->write_zeroes) {
        return -ENOTSUP;
    }
    s->zero_writes++;
    mem_check(s, offset, bytes);
    mem_maybe_yield(s);
    if (s->write_err) {
        return s->write_err;
    }
    memset(s->data + offset, 0, bytes);
    return 0;
}

static int coroutine_fn mem_flush(BDRVTestMemState *s)
{
    s->flushes++;
    return s->flush_err;
}

/* Called for every flush, before block/io.c decides to skip the rest. */
static int coroutine_fn mem_flush_to_os(BlockDriverState *bs)
{
    BDRVTestMemState *s = bs->opaque;

    return s->flush_always ? mem_flush(s) : 0;
}

static int coroutine_fn mem_flush_to_disk(BlockDriverState *bs)
{
    BDRVTestMemState *s = bs->opaque;

    return s->flush_always ? 0 : mem_flush(s);
}

static int coroutine_fn mem_block_status(BlockDriverState *bs, bool want_zero,
                                         int64_t offset, int64_t bytes,
                                         int64_t *pnum, int64_t *map,
                                         BlockDriverState **file)
{
    BDRVTestMemState *s = bs->opaque;

    if (s->status_err) {
        return s->status_err;
    }
    mem_check(s, offset, bytes);
    *pnum = bytes;
    return buffer_is_zero(s->data + offset, bytes) ? BDRV_BLOCK_ZERO :
           BDRV_BLOCK_DATA;
}

static BlockDriver bdrv_test_mem = {
    .format_name            = "test-mem",
    .protocol_name          = "test-mem",
    .instance_size          = sizeof(BDRVTestMemState),
    .bdrv_open              = mem_open,
    .bdrv_close             = mem_close,
    .bdrv_refresh_limits    = mem_refresh_limits,
    .bdrv_getlength         = mem_getlength,
    .bdrv_co_preadv         = mem_preadv,
    .bdrv_co_pwritev        = mem_pwritev,
    .bdrv_co_pwrite_zeroes  = mem_pwrite_zeroes,
    .bdrv_co_flush_to_os    = mem_flush_to_os,
    .bdrv_co_flush_to_disk  = mem_flush_to_disk,
    .bdrv_co_block_status   = mem_block_status,
};

void test_mem_register(void)
{
    bdrv_register(&bdrv_test_mem);
}

BDRVTestMemState *test_mem_state(BlockDriverState *bs)
{
    g_assert(bs && bs->drv == &bdrv_test_mem);
    return bs->opaque;
}

BDRVTestMemState *test_mem_find(const char *node_name)
{
    return test_mem_state(bdrv_find_node(node_name));
}
