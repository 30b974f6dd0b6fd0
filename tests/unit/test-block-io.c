/*
 * The request path (block/io.c) over the in-memory driver test-mem
 * (mem-driver.h) with a request alignment: padding, read-modify-write
 * serialisation, end-of-node zero fill, max_transfer splitting,
 * write-zeroes fallback, FUA emulation and write watches.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "sysemu/block-backend.h"
#include "mem-driver.h"

/* test-mem's default size */
#define MEM_SIZE (64 * 1024)
/* MEM_SIZE - 1000: a length that is not whole sectors */
#define ODD_LENGTH "length=64536"

static BlockBackend *open_mem(const char *opts)
{
    Error *err = NULL;
    QDict *d = keyval_parse_flat(opts, NULL, &err);
    BlockBackend *blk;

    g_assert_nonnull(d);
    blk = blk_new_open(NULL, NULL, d, BDRV_O_RDWR, &err);
    if (!blk) {
        g_error("open %s: %s", opts, error_get_pretty(err));
    }
    return blk;
}

static void test_unaligned_rmw(void)
{
    BlockBackend *blk = open_mem("driver=test-mem,align=4096");
    BDRVTestMemState *m = test_mem_state(blk_bs(blk));
    uint8_t buf[5000], out[5000];

    memset(m->data, 0x11, MEM_SIZE);
    memset(buf, 0x22, sizeof(buf));
    g_assert_cmpint(blk_pwrite(blk, 1000, sizeof(buf), buf, 0), ==, 0);
    /* Untouched bytes around the write keep their value. */
    g_assert_cmpint(m->data[999], ==, 0x11);
    g_assert_cmpint(m->data[1000], ==, 0x22);
    g_assert_cmpint(m->data[5999], ==, 0x22);
    g_assert_cmpint(m->data[6000], ==, 0x11);
    g_assert_cmpint(blk_pread(blk, 1000, sizeof(out), out, 0), ==, 0);
    g_assert_cmpmem(out, sizeof(out), buf, sizeof(buf));
    blk_unref(blk);
}

typedef struct Writer {
    BlockBackend *blk;
    int64_t offset;
    uint8_t pattern;
    int done;
} Writer;

static void writer_cb(void *opaque, int ret)
{
    Writer *w = opaque;

    g_assert_cmpint(ret, ==, 0);
    w->done = 1;
}

/* Overlapping unaligned writes in flight at once must not lose data. */
static void test_rmw_serialised(void)
{
    BlockBackend *blk = open_mem("driver=test-mem,align=4096,async=on");
    BDRVTestMemState *m = test_mem_state(blk_bs(blk));
    enum { N = 8 };
    Writer w[N];
    QEMUIOVector qiov[N];
    uint8_t bufs[N][100];
    int done = 0;

    memset(m->data, 0, MEM_SIZE);
    for (int i = 0; i < N; i++) {
        /* All within the same 4 KiB block, disjoint bytes. */
        w[i] = (Writer) { .blk = blk, .offset = 10 + i * 200,
                          .pattern = 0x40 + i };
        memset(bufs[i], w[i].pattern, sizeof(bufs[i]));
        qemu_iovec_init_buf(&qiov[i], bufs[i], sizeof(bufs[i]));
        blk_aio_pwritev(blk, w[i].offset, &qiov[i], 0, writer_cb, &w[i]);
    }
    while (done < N) {
        main_loop_wait(true);
        done = 0;
        for (int i = 0; i < N; i++) {
            done += w[i].done;
        }
    }
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < 100; j++) {
            g_assert_cmpint(m->data[w[i].offset + j], ==, w[i].pattern);
        }
    }
    blk_unref(blk);
}

static void test_eof_and_splitting(void)
{
    BlockBackend *blk = open_mem("driver=test-mem,align=512,max-transfer=8192,"
                                 ODD_LENGTH);
    BDRVTestMemState *m = test_mem_state(blk_bs(blk));
    int64_t len = blk_getlength(blk);
    g_autofree uint8_t *buf = g_malloc(32768);

    /* Length is rounded up to whole sectors, as QEMU. */
    g_assert_cmpint(len, ==, QEMU_ALIGN_UP(MEM_SIZE - 1000, 512));
    memset(m->data, 0x33, MEM_SIZE);
    m->largest = 0;
    g_assert_cmpint(blk_pread(blk, 0, 32768, buf, 0), ==, 0);
    g_assert_cmpint(m->largest, <=, 8192);
    g_assert_cmpint(buf[32767], ==, 0x33);
    /* Beyond the device: refused by the backend. */
    g_assert_cmpint(blk_pread(blk, len - 512, 1024, buf, 0), ==, -EIO);
    g_assert_cmpint(blk_pread(blk, -1, 1, buf, 0), ==, -EIO);
    blk_unref(blk);
}

static void test_zeroes_and_fua(void)
{
    BlockBackend *blk = open_mem("driver=test-mem,align=512");
    BDRVTestMemState *m = test_mem_state(blk_bs(blk));
    uint8_t buf[512];

    memset(m->data, 0x55, MEM_SIZE);
    /* No native write-zeroes: emulated with zero buffers. */
    g_assert_cmpint(blk_pwrite_zeroes(blk, 512, 1024, 0), ==, 0);
    g_assert_cmpint(m->zero_writes, ==, 0);
    g_assert_cmpint(m->writes, ==, 1);
    g_assert_cmpint(m->data[511], ==, 0x55);
    g_assert_cmpint(m->data[512], ==, 0);
    g_assert_cmpint(m->data[1535], ==, 0);
    g_assert_cmpint(m->data[1536], ==, 0x55);
    /* ... unless the caller forbids the fallback. */
    g_assert_cmpint(blk_pwrite_zeroes(blk, 0, 512, BDRV_REQ_NO_FALLBACK),
                    ==, -ENOTSUP);
    /* Writethrough: every write is followed by a flush. */
    m->flushes = 0;
    blk_set_enable_write_cache(blk, false);
    memset(buf, 1, sizeof(buf));
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(m->flushes, ==, 1);
    /*
     * As QEMU, the write generation moves after the FUA flush, so the
     * next flush still goes down; one more with nothing written does not.
     */
    g_assert_cmpint(blk_flush(blk), ==, 0);
    g_assert_cmpint(m->flushes, ==, 2);
    g_assert_cmpint(blk_flush(blk), ==, 0);
    g_assert_cmpint(m->flushes, ==, 2);
    /* Compressed writes are not supported by any driver. */
    g_assert_cmpint(blk_pwrite(blk, 0, sizeof(buf), buf,
                               BDRV_REQ_WRITE_COMPRESSED), ==, -ENOTSUP);
    blk_unref(blk);
}

/* Writers need whole blocks when they cannot resize, as QEMU. */
static void test_write_needs_whole_blocks(void)
{
    Error *err = NULL;
    QDict *d = keyval_parse_flat("driver=test-mem,align=4096," ODD_LENGTH,
                                 NULL, &err);
    BlockBackend *blk = blk_new_open(NULL, NULL, d, BDRV_O_RDWR, &err);

    g_assert_null(blk);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Cannot get 'write' permission without 'resize': Image "
                    "size is not a multiple of request alignment");
    error_free(err);
    err = NULL;
    d = keyval_parse_flat("driver=test-mem,align=4096," ODD_LENGTH, NULL,
                          &err);
    blk = blk_new_open(NULL, NULL, d, 0, &err);
    g_assert_nonnull(blk);
    blk_unref(blk);
}

/* Start a slow write of 512 bytes of @pattern at @offset. */
static void start_write(Writer *w, QEMUIOVector *qiov, uint8_t *buf,
                        BlockBackend *blk, int64_t offset, uint8_t pattern)
{
    *w = (Writer) { .blk = blk, .offset = offset, .pattern = pattern };
    memset(buf, pattern, 512);
    qemu_iovec_init_buf(qiov, buf, 512);
    blk_aio_pwritev(blk, offset, qiov, 0, writer_cb, w);
}

static void wait_write(Writer *w)
{
    while (!w->done) {
        main_loop_wait(true);
    }
}

/*
 * Write watches (quorum's repair guard): a write that ran while the
 * watch was up, or was in flight when it began, voids the fence; a fence
 * holds new overlapping writes off until the watch ends.
 */
static void test_write_watch(void)
{
    BlockBackend *blk = open_mem("driver=test-mem,async=on");
    BDRVTestMemState *m = test_mem_state(blk_bs(blk));
    BlockDriverState *bs = blk_bs(blk);
    BdrvWriteWatch w1, w2;
    Writer wr;
    QEMUIOVector qiov;
    uint8_t buf[512];

    /* Nothing written: the fence goes up and holds a new write off. */
    bdrv_write_watch_begin(bs, &w1, 0, 4096);
    g_assert_true(bdrv_write_watch_fence(bs, &w1));
    m->writes = 0;
    start_write(&wr, &qiov, buf, blk, 1024, 0x61);
    for (int i = 0; i < 10; i++) {
        main_loop_wait(false);
    }
    g_assert_cmpint(m->writes, ==, 0);
    g_assert_false(wr.done);
    bdrv_write_watch_end(bs, &w1);
    wait_write(&wr);
    g_assert_cmpint(m->writes, ==, 1);
    g_assert_cmpint(m->data[1024], ==, 0x61);

    /* A write that ran and finished while the watch was up. */
    bdrv_write_watch_begin(bs, &w1, 0, 4096);
    start_write(&wr, &qiov, buf, blk, 4095, 0x62);
    wait_write(&wr);
    g_assert_false(bdrv_write_watch_fence(bs, &w1));
    bdrv_write_watch_end(bs, &w1);

    /* A write already in flight when the watch began. */
    start_write(&wr, &qiov, buf, blk, 512, 0x63);
    g_assert_false(wr.done);    /* yielded in the driver */
    bdrv_write_watch_begin(bs, &w1, 0, 1024);
    g_assert_false(bdrv_write_watch_fence(bs, &w1));
    bdrv_write_watch_end(bs, &w1);
    wait_write(&wr);

    /* Writes elsewhere do not matter. */
    bdrv_write_watch_begin(bs, &w1, 0, 4096);
    start_write(&wr, &qiov, buf, blk, 4096, 0x64);
    wait_write(&wr);
    g_assert_true(bdrv_write_watch_fence(bs, &w1));
    bdrv_write_watch_end(bs, &w1);

    /* Two repairs of one range: the second read may predate the first. */
    bdrv_write_watch_begin(bs, &w1, 0, 4096);
    bdrv_write_watch_begin(bs, &w2, 2048, 4096);
    g_assert_true(bdrv_write_watch_fence(bs, &w1));
    g_assert_false(bdrv_write_watch_fence(bs, &w2));
    bdrv_write_watch_end(bs, &w2);
    bdrv_write_watch_end(bs, &w1);
    g_assert_true(QLIST_EMPTY(&bs->write_watches));
    g_assert_true(QLIST_EMPTY(&bs->tracked_requests));
    g_assert_cmpint(bs->serialising_in_flight, ==, 0);
    blk_unref(blk);
}

typedef struct ChildWrite {
    BdrvChild *child;
    int64_t offset;
    int ret;
} ChildWrite;

static void coroutine_fn child_write_co(void *opaque)
{
    ChildWrite *w = opaque;
    uint8_t buf[512] = { 0 };
    QEMUIOVector qiov;

    qemu_iovec_init_buf(&qiov, buf, sizeof(buf));
    w->ret = bdrv_co_pwritev(w->child, w->offset, sizeof(buf), &qiov, 0);
}

/* Write 512 bytes at @offset through @c (null-co: no yield). */
static int child_write(BdrvChild *c, int64_t offset)
{
    ChildWrite w = { .child = c, .offset = offset, .ret = 1 };

    qemu_coroutine_enter(qemu_coroutine_create(child_write_co, &w));
    g_assert_cmpint(w.ret, !=, 1);
    return w.ret;
}

/*
 * A parent writes only with the permission it took (QEMU asserts it in
 * bdrv_co_write_req_prepare): WRITE for data, RESIZE past the end.
 */
static void test_write_needs_permission(void)
{
    static const BdrvChildClass klass = { .parent_is_bds = false };
    Error *err = NULL;
    QDict *d = keyval_parse_flat("driver=null-co,size=4096", NULL, &err);
    BlockDriverState *bs = bdrv_open(NULL, NULL, d, BDRV_O_RDWR, &err);
    BdrvChild *c;

    g_assert_nonnull(bs);
    bdrv_ref(bs);
    c = bdrv_root_attach_child(bs, "root", &klass, BDRV_CHILD_DATA,
                               BLK_PERM_CONSISTENT_READ, BLK_PERM_ALL, NULL,
                               &error_abort);
    g_assert_cmpint(child_write(c, 0), ==, -EPERM);
    g_assert_cmpint(bdrv_child_set_perm(c, BLK_PERM_CONSISTENT_READ |
                                        BLK_PERM_WRITE, BLK_PERM_ALL,
                                        &error_abort), ==, 0);
    g_assert_cmpint(child_write(c, 0), ==, 0);
    /* Past the end: it would grow the node. */
    g_assert_cmpint(child_write(c, 4096), ==, -EPERM);
    g_assert_cmpint(bdrv_getlength(bs), ==, 4096);
    g_assert_cmpint(bdrv_child_set_perm(c, BLK_PERM_CONSISTENT_READ |
                                        BLK_PERM_WRITE | BLK_PERM_RESIZE,
                                        BLK_PERM_ALL, &error_abort), ==, 0);
    g_assert_cmpint(child_write(c, 4096), ==, 0);
    g_assert_cmpint(bdrv_getlength(bs), ==, 4608);
    bdrv_root_unref_child(c);
    bdrv_unref(bs);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    test_mem_register();
    bdrv_init();
    g_test_add_func("/block-io/unaligned-rmw", test_unaligned_rmw);
    g_test_add_func("/block-io/rmw-serialised", test_rmw_serialised);
    g_test_add_func("/block-io/eof-and-splitting", test_eof_and_splitting);
    g_test_add_func("/block-io/zeroes-and-fua", test_zeroes_and_fua);
    g_test_add_func("/block-io/write-needs-whole-blocks",
                    test_write_needs_whole_blocks);
    g_test_add_func("/block-io/write-watch", test_write_watch);
    g_test_add_func("/block-io/write-needs-permission",
                    test_write_needs_permission);
    return g_test_run();
}
