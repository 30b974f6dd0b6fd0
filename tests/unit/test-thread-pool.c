/*
 * The asynchronous back ends of the file driver: the thread pool
 * (results, worker limits, teardown) and the io_uring layer.
 */
#include "qemu/osdep.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "block/thread-pool.h"
#include "block/raw-aio.h"
#include "block/block_int.h"

typedef struct Work {
    int in;
    int out;                /* written by the worker */
    int delay_us;
    int cb_ret;             /* what the callback saw */
    bool completed;
} Work;

static int completed;

static int work_double(void *opaque)
{
    Work *w = opaque;

    if (w->delay_us) {
        g_usleep(w->delay_us);
    }
    w->out = w->in * 2;
    return w->in < 0 ? -EIO : w->in;
}

static void work_done(void *opaque, int ret)
{
    Work *w = opaque;

    g_assert_false(w->completed);
    w->completed = true;
    w->cb_ret = ret;
    completed++;
}

static void test_aio_many(void)
{
    enum { N = 2000 };
    Work *w = g_new0(Work, N);
    int i;

    completed = 0;
    for (i = 0; i < N; i++) {
        w[i].in = (i % 7 == 0) ? -i - 1 : i;
        w[i].delay_us = (i % 97 == 0) ? 200 : 0;
        thread_pool_submit_aio(work_double, &w[i], work_done, &w[i]);
    }
    /* Callbacks never run before the submission returns. */
    g_assert_cmpint(completed, ==, 0);
    AIO_WAIT_WHILE(completed < N);
    for (i = 0; i < N; i++) {
        g_assert_true(w[i].completed);
        g_assert_cmpint(w[i].out, ==, w[i].in * 2);
        g_assert_cmpint(w[i].cb_ret, ==, w[i].in < 0 ? -EIO : w[i].in);
    }
    g_assert_cmpint(thread_pool_in_flight(), ==, 0);
    g_assert_cmpint(thread_pool_nr_workers(), <=, 64);
    g_free(w);
}

typedef struct CoJob {
    int id;
    int rounds;
    int errors;
    bool finished;
} CoJob;

static int co_running;

static void coroutine_fn co_submitter(void *opaque)
{
    CoJob *job = opaque;
    int r;

    for (r = 0; r < job->rounds; r++) {
        Work w = {
            .in = job->id * 1000 + r,
            .delay_us = (r + job->id) % 13 == 0 ? 50 : 0,
        };
        int ret = thread_pool_submit_co(work_double, &w);

        if (ret != w.in || w.out != w.in * 2) {
            job->errors++;
        }
    }
    job->finished = true;
    co_running--;
}

static void test_co_many(void)
{
    enum { NCO = 300, ROUNDS = 20 };
    CoJob *jobs = g_new0(CoJob, NCO);
    int i;

    co_running = NCO;
    for (i = 0; i < NCO; i++) {
        jobs[i].id = i;
        jobs[i].rounds = ROUNDS;
        qemu_coroutine_enter(qemu_coroutine_create(co_submitter, &jobs[i]));
    }
    AIO_WAIT_WHILE(co_running > 0);
    for (i = 0; i < NCO; i++) {
        g_assert_true(jobs[i].finished);
        g_assert_cmpint(jobs[i].errors, ==, 0);
    }
    g_assert_cmpint(thread_pool_in_flight(), ==, 0);
    g_free(jobs);
}

static void coroutine_fn co_error(void *opaque)
{
    int *ret = opaque;
    Work w = { .in = -5 };

    *ret = thread_pool_submit_co(work_double, &w);
}

static void test_co_error(void)
{
    int ret = 1;

    qemu_coroutine_enter(qemu_coroutine_create(co_error, &ret));
    AIO_WAIT_WHILE(ret == 1);
    g_assert_cmpint(ret, ==, -EIO);
}

static void test_max_workers(void)
{
    enum { N = 64 };
    Work w[N];
    int i;

    thread_pool_cleanup();
    thread_pool_set_max_workers(2);
    memset(w, 0, sizeof(w));
    completed = 0;
    for (i = 0; i < N; i++) {
        w[i].in = i;
        w[i].delay_us = 100;
        thread_pool_submit_aio(work_double, &w[i], work_done, &w[i]);
        g_assert_cmpint(thread_pool_nr_workers(), <=, 2);
    }
    AIO_WAIT_WHILE(completed < N);
    g_assert_cmpint(thread_pool_nr_workers(), <=, 2);
    for (i = 0; i < N; i++) {
        g_assert_cmpint(w[i].out, ==, 2 * i);
    }
    thread_pool_cleanup();
    thread_pool_set_max_workers(64);
}

static void resubmit_cb(void *opaque, int ret)
{
    Work *w = opaque;

    /* Submitting from a completion reuses the element just freed. */
    if (w->in < 100) {
        w->in++;
        thread_pool_submit_aio(work_double, w, resubmit_cb, w);
    } else {
        w->completed = true;
    }
}

static void test_resubmit_from_cb(void)
{
    Work w = { .in = 0 };

    thread_pool_submit_aio(work_double, &w, resubmit_cb, &w);
    AIO_WAIT_WHILE(!w.completed);
    g_assert_cmpint(w.out, ==, 200);
}

static void test_cleanup(void)
{
    int base;
    Work w = { .in = 3 };

    thread_pool_cleanup();
    base = main_loop_pending_count();
    completed = 0;
    thread_pool_submit_aio(work_double, &w, work_done, &w);
    g_assert_cmpint(main_loop_pending_count(), ==, base + 1);
    g_assert_cmpint(thread_pool_nr_workers(), >=, 1);
    /* Cleanup waits for the request, then tears everything down. */
    thread_pool_cleanup();
    g_assert_true(w.completed);
    g_assert_cmpint(thread_pool_nr_workers(), ==, 0);
    g_assert_cmpint(thread_pool_in_flight(), ==, 0);
    g_assert_cmpint(main_loop_pending_count(), ==, base);
}

/* io_uring back end (block/io_uring.c), exercised directly on a file. */

typedef struct UringJob {
    int fd;
    int type;
    uint64_t offset;
    QEMUIOVector *qiov;
    int ret;
    bool finished;
} UringJob;

static int uring_running;

static void coroutine_fn uring_job_co(void *opaque)
{
    UringJob *j = opaque;

    j->ret = luring_co_submit(j->fd, j->offset, j->qiov, j->type);
    j->finished = true;
    uring_running--;
}

static void uring_run(UringJob *jobs, int n)
{
    int i;

    uring_running = n;
    for (i = 0; i < n; i++) {
        jobs[i].ret = 1;
        jobs[i].finished = false;
        qemu_coroutine_enter(qemu_coroutine_create(uring_job_co, &jobs[i]));
    }
    AIO_WAIT_WHILE(uring_running > 0);
    g_assert_cmpuint(luring_in_flight(), ==, 0);
}

static int uring_tmpfile(char **path)
{
    GError *gerr = NULL;
    int fd = g_file_open_tmp("test-io-uring-XXXXXX", path, &gerr);

    g_assert_no_error(gerr);
    return fd;
}

static void test_uring_rw_many(void)
{
    /* More requests than ring entries: exercises the overflow queue. */
    enum { N = 1500, SZ = 4096 };
    UringJob *jobs = g_new0(UringJob, N);
    QEMUIOVector *qiovs = g_new0(QEMUIOVector, N);
    uint8_t *buf = g_malloc(N * SZ);
    char *path;
    int fd = uring_tmpfile(&path);
    int i;

    g_assert_true(luring_init(NULL));
    for (i = 0; i < N; i++) {
        memset(buf + i * SZ, i & 0xff, SZ);
        /* Split every other buffer in two to use the vectored path. */
        qemu_iovec_init(&qiovs[i], 2);
        if (i & 1) {
            qemu_iovec_add(&qiovs[i], buf + i * SZ, 1000);
            qemu_iovec_add(&qiovs[i], buf + i * SZ + 1000, SZ - 1000);
        } else {
            qemu_iovec_add(&qiovs[i], buf + i * SZ, SZ);
        }
        jobs[i] = (UringJob) { .fd = fd, .type = QEMU_AIO_WRITE,
                               .offset = (uint64_t)i * SZ, .qiov = &qiovs[i] };
    }
    uring_run(jobs, N);
    for (i = 0; i < N; i++) {
        g_assert_cmpint(jobs[i].ret, ==, 0);
    }

    memset(buf, 0xaa, N * SZ);
    for (i = 0; i < N; i++) {
        jobs[i].type = QEMU_AIO_READ;
    }
    uring_run(jobs, N);
    for (i = 0; i < N; i++) {
        g_assert_cmpint(jobs[i].ret, ==, 0);
        g_assert_cmpint(buf[i * SZ], ==, i & 0xff);
        g_assert_cmpint(buf[i * SZ + SZ - 1], ==, i & 0xff);
        qemu_iovec_destroy(&qiovs[i]);
    }

    jobs[0] = (UringJob) { .fd = fd, .type = QEMU_AIO_FLUSH };
    uring_run(jobs, 1);
    g_assert_cmpint(jobs[0].ret, ==, 0);

    close(fd);
    unlink(path);
    g_free(path);
    g_free(buf);
    g_free(qiovs);
    g_free(jobs);
}

static void test_uring_eof(void)
{
    uint8_t data[1000], buf[4096];
    QEMUIOVector qiov;
    UringJob job;
    char *path;
    int fd = uring_tmpfile(&path);

    memset(data, 0x5c, sizeof(data));
    g_assert_cmpint(pwrite(fd, data, sizeof(data), 0), ==, sizeof(data));

    /* Crossing EOF: data, then zeroes. */
    memset(buf, 0xff, sizeof(buf));
    qemu_iovec_init_buf(&qiov, buf, sizeof(buf));
    job = (UringJob) { .fd = fd, .type = QEMU_AIO_READ, .offset = 0,
                       .qiov = &qiov };
    uring_run(&job, 1);
    g_assert_cmpint(job.ret, ==, 0);
    g_assert_true(memcmp(buf, data, sizeof(data)) == 0);
    g_assert_true(buffer_is_zero(buf + sizeof(data),
                                 sizeof(buf) - sizeof(data)));

    /* Entirely past EOF. */
    memset(buf, 0xff, sizeof(buf));
    job.offset = 1 << 20;
    uring_run(&job, 1);
    g_assert_cmpint(job.ret, ==, 0);
    g_assert_true(buffer_is_zero(buf, sizeof(buf)));

    close(fd);
    unlink(path);
    g_free(path);
}

static void test_uring_errors(void)
{
    uint8_t buf[512];
    QEMUIOVector qiov;
    UringJob job;
    int fd = open("/dev/null", O_RDONLY);

    qemu_iovec_init_buf(&qiov, buf, sizeof(buf));
    /* Writing to a read-only descriptor. */
    job = (UringJob) { .fd = fd, .type = QEMU_AIO_WRITE, .qiov = &qiov };
    uring_run(&job, 1);
    g_assert_cmpint(job.ret, ==, -EBADF);
    close(fd);

    job = (UringJob) { .fd = 10000, .type = QEMU_AIO_READ, .qiov = &qiov };
    uring_run(&job, 1);
    g_assert_cmpint(job.ret, ==, -EBADF);
}

static void test_uring_cleanup(void)
{
    int base;

    luring_cleanup();
    base = main_loop_pending_count();
    g_assert_true(luring_init(NULL));
    g_assert_cmpint(main_loop_pending_count(), >, base);
    luring_cleanup();
    g_assert_cmpint(main_loop_pending_count(), ==, base);
}

/* The file driver (block/file-posix.c) on top of both back ends. */

static BlockDriverState *file_open(const char *path, int flags,
                                   const char *locking, Error **errp)
{
    QDict *opts = qdict_new();

    qdict_put_str(opts, "driver", "file");
    qdict_put_str(opts, "filename", path);
    if (locking) {
        qdict_put_str(opts, "locking", locking);
    }
    return bdrv_open(NULL, NULL, opts, flags, errp);
}

static void test_file_locking(void)
{
    uint64_t cr = BLK_PERM_CONSISTENT_READ, w = BLK_PERM_WRITE;
    Error *err = NULL;
    char *path, *hint;
    BlockDriverState *a, *b;
    int fd = uring_tmpfile(&path);

    close(fd);
    /* Opening takes no lock: permissions come from parents, as QEMU. */
    a = file_open(path, BDRV_O_RDWR, NULL, &error_abort);
    b = file_open(path, BDRV_O_RDWR, NULL, &error_abort);
    /* Two plain writers share everything: no conflict. */
    g_assert_cmpint(a->drv->bdrv_check_perm(a, cr | w, BLK_PERM_ALL,
                                            &error_abort), ==, 0);
    a->drv->bdrv_set_perm(a, cr | w, BLK_PERM_ALL);
    g_assert_cmpint(b->drv->bdrv_check_perm(b, cr | w, BLK_PERM_ALL,
                                            &error_abort), ==, 0);
    b->drv->bdrv_set_perm(b, cr | w, BLK_PERM_ALL);
    bdrv_unref(b);

    /* A stops sharing write: a second writer is refused... */
    g_assert_cmpint(a->drv->bdrv_check_perm(a, cr | w, cr, &error_abort),
                    ==, 0);
    a->drv->bdrv_set_perm(a, cr | w, cr);
    b = file_open(path, BDRV_O_RDWR, NULL, &error_abort);
    g_assert_cmpint(b->drv->bdrv_check_perm(b, cr | w, BLK_PERM_ALL, &err),
                    <, 0);
    g_assert_cmpstr(error_get_pretty(err), ==, "Failed to get \"write\" lock");
    hint = g_strdup_printf("Is another process using the image [%s]?\n",
                           path);
    g_assert_cmpstr(error_get_hint(err), ==, hint);
    g_free(hint);
    error_free(err);
    err = NULL;
    b->drv->bdrv_abort_perm_update(b);
    bdrv_unref(b);

    /* ...a reader is not, but it cannot stop A from writing. */
    b = file_open(path, 0, NULL, &error_abort);
    g_assert_cmpint(b->drv->bdrv_check_perm(b, cr, cr, &err), <, 0);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Failed to get shared \"write\" lock");
    error_free(err);
    err = NULL;
    b->drv->bdrv_abort_perm_update(b);
    bdrv_unref(b);

    /* locking=off does not look. */
    b = file_open(path, BDRV_O_RDWR, "off", &error_abort);
    g_assert_cmpint(b->drv->bdrv_check_perm(b, cr | w, BLK_PERM_ALL,
                                            &error_abort), ==, 0);
    bdrv_unref(b);

    /* Once A shares again, writers are welcome. */
    g_assert_cmpint(a->drv->bdrv_check_perm(a, cr | w, BLK_PERM_ALL,
                                            &error_abort), ==, 0);
    a->drv->bdrv_set_perm(a, cr | w, BLK_PERM_ALL);
    b = file_open(path, BDRV_O_RDWR, NULL, &error_abort);
    g_assert_cmpint(b->drv->bdrv_check_perm(b, cr | w, BLK_PERM_ALL,
                                            &error_abort), ==, 0);
    b->drv->bdrv_set_perm(b, cr | w, BLK_PERM_ALL);
    bdrv_unref(b);
    bdrv_unref(a);
    unlink(path);
    g_free(path);
}

typedef struct ZeroJob {
    BdrvChild *child;
    int64_t offset, bytes;
    BdrvRequestFlags flags;
    int ret;
} ZeroJob;

static void coroutine_fn zero_job_co(void *opaque)
{
    ZeroJob *zj = opaque;

    zj->ret = bdrv_co_pwrite_zeroes(zj->child, zj->offset, zj->bytes,
                                    zj->flags);
}

static void test_file_status_and_zeroes(gconstpointer opaque)
{
    const char *aio = opaque;
    BlockDriverState *bs;
    ZeroJob zj;
    BdrvChild child;
    QDict *opts = qdict_new();
    int64_t pnum, map;
    BlockDriverState *file;
    uint8_t buf[8192];
    char *path;
    int fd = uring_tmpfile(&path);
    int ret;

    g_assert_cmpint(ftruncate(fd, 1024 * 1024), ==, 0);
    memset(buf, 0x42, sizeof(buf));
    g_assert_cmpint(pwrite(fd, buf, 8192, 64 * 1024), ==, 8192);
    close(fd);

    qdict_put_str(opts, "driver", "file");
    qdict_put_str(opts, "filename", path);
    qdict_put_str(opts, "aio", aio);
    bs = bdrv_open(NULL, NULL, opts, BDRV_O_RDWR, &error_abort);
    g_assert_cmpint(bdrv_getlength(bs), ==, 1024 * 1024);

    /* Hole, data, hole up to the end. */
    ret = bdrv_block_status(bs, 0, 1024 * 1024, &pnum, &map, &file);
    g_assert_cmpint(ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO), ==,
                    BDRV_BLOCK_ZERO);
    g_assert_cmpint(pnum, ==, 64 * 1024);
    ret = bdrv_block_status(bs, 64 * 1024, 1024 * 1024 - 64 * 1024, &pnum,
                            &map, &file);
    g_assert_cmpint(ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO |
                           BDRV_BLOCK_OFFSET_VALID), ==,
                    BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID);
    g_assert_cmpint(pnum, ==, 8192);
    g_assert_cmpint(map, ==, 64 * 1024);
    g_assert_true(file == bs);

    /* Data through the driver, then read back. */
    child = (BdrvChild) { .bs = bs, .perm = BLK_PERM_CONSISTENT_READ |
                                            BLK_PERM_WRITE };
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(bdrv_pread(&child, 64 * 1024, 8192, buf, 0), ==, 0);
    g_assert_cmpint(buf[0], ==, 0x42);
    g_assert_cmpint(buf[8191], ==, 0x42);
    memset(buf, 0x17, sizeof(buf));
    g_assert_cmpint(bdrv_pwrite(&child, 100, 5000, buf, 0), ==, 0);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(bdrv_pread(&child, 100, 5000, buf, 0), ==, 0);
    g_assert_cmpint(buf[0], ==, 0x17);
    g_assert_cmpint(buf[4999], ==, 0x17);
    g_assert_cmpint(bdrv_flush(bs), ==, 0);
    g_assert_cmpint(bdrv_get_allocated_file_size(bs), >, 0);

    /* Zeroing with unmap leaves a hole where the data was. */
    zj = (ZeroJob) { .child = &child, .offset = 64 * 1024, .bytes = 8192,
                     .flags = BDRV_REQ_MAY_UNMAP, .ret = 1 };
    qemu_coroutine_enter(qemu_coroutine_create(zero_job_co, &zj));
    AIO_WAIT_WHILE(zj.ret == 1);
    g_assert_cmpint(zj.ret, ==, 0);
    g_assert_cmpint(bdrv_pread(&child, 64 * 1024, 8192, buf, 0), ==, 0);
    g_assert_true(buffer_is_zero(buf, 8192));
    ret = bdrv_block_status(bs, 64 * 1024, 8192, &pnum, &map, &file);
    g_assert_cmpint(ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO), ==,
                    BDRV_BLOCK_ZERO);

    bdrv_unref(bs);
    unlink(path);
    g_free(path);
}

static void test_file_reopen(void)
{
    BlockDriverState *bs;
    BdrvChild child;
    QDict *opts;
    Error *err = NULL;
    uint8_t buf[4097];
    char *path;
    int fd = uring_tmpfile(&path);

    g_assert_cmpint(ftruncate(fd, 64 * 1024), ==, 0);
    close(fd);
    bs = file_open(path, 0, NULL, &error_abort);
    child = (BdrvChild) { .bs = bs, .perm = BLK_PERM_CONSISTENT_READ |
                                            BLK_PERM_WRITE };
    memset(buf, 0x33, sizeof(buf));
    g_assert_cmpint(bdrv_pwrite(&child, 0, 4096, buf, 0), <, 0);

    /* Read-write and O_DIRECT at once: a new descriptor. */
    opts = qdict_new();
    qdict_put_str(opts, "read-only", "off");
    qdict_put_str(opts, "cache.direct", "on");
    g_assert_cmpint(bdrv_reopen(bs, opts, &error_abort), ==, 0);
    g_assert_cmpint(bs->bl.request_alignment, >=, 512);
    g_assert_cmpint(bs->bl.min_mem_alignment, >=, 512);
    /* Misaligned on purpose: the driver bounces it. */
    g_assert_cmpint(bdrv_pwrite(&child, 0, 4095, buf + 1, 0), ==, 0);
    g_assert_cmpint(bdrv_pwrite(&child, 4095, 1, buf, 0), ==, 0);

    /* Only the cache mode: switched in place. */
    opts = qdict_new();
    qdict_put_str(opts, "cache.direct", "off");
    g_assert_cmpint(bdrv_reopen(bs, opts, &error_abort), ==, 0);
    memset(buf, 0, sizeof(buf));
    g_assert_cmpint(bdrv_pread(&child, 0, 4096, buf, 0), ==, 0);
    g_assert_cmpint(buf[4095], ==, 0x33);

    /* Options the driver cannot change stay put. */
    opts = qdict_new();
    qdict_put_str(opts, "aio", "io_uring");
    g_assert_cmpint(bdrv_reopen(bs, opts, &err), <, 0);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Cannot change the option 'aio'");
    error_free(err);
    err = NULL;
    opts = qdict_new();
    qdict_put_str(opts, "drop-cache", "foo");
    g_assert_cmpint(bdrv_reopen(bs, opts, &err), <, 0);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Parameter 'drop-cache' expects 'on' or 'off'");
    error_free(err);

    bdrv_unref(bs);
    unlink(path);
    g_free(path);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    bdrv_init();
    g_test_add_func("/thread-pool/aio-many", test_aio_many);
    g_test_add_func("/thread-pool/co-many", test_co_many);
    g_test_add_func("/thread-pool/co-error", test_co_error);
    g_test_add_func("/thread-pool/max-workers", test_max_workers);
    g_test_add_func("/thread-pool/resubmit-from-cb", test_resubmit_from_cb);
    g_test_add_func("/thread-pool/cleanup", test_cleanup);
    g_test_add_func("/io-uring/rw-many", test_uring_rw_many);
    g_test_add_func("/io-uring/eof", test_uring_eof);
    g_test_add_func("/io-uring/errors", test_uring_errors);
    g_test_add_func("/io-uring/cleanup", test_uring_cleanup);
    g_test_add_func("/file/locking", test_file_locking);
    g_test_add_func("/file/reopen", test_file_reopen);
    g_test_add_data_func("/file/threads/status", "threads",
                         test_file_status_and_zeroes);
    g_test_add_data_func("/file/io_uring/status", "io_uring",
                         test_file_status_and_zeroes);
    ret = g_test_run();
    thread_pool_cleanup();
    luring_cleanup();
    return ret;
}
