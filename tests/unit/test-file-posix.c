/*
 * file-posix with aio=threads on a disk file system: which thread does a
 * buffered write.  Whole-page writes up to 128 KiB run in the loop
 * thread; others go to the worker pool; a loop-thread write that took
 * over 1 ms sends the file's writes to the pool for 100 ms.  Writes
 * queued in one loop iteration go to the pool in one batch, and under
 * load only one file at a time does costly writes in the loop thread.
 *
 * pwrite64() and pwritev64() are wrapped at link time (meson.build) to note
 * the thread of each write and, when asked, to make writes slow or hold
 * a worker's write; clock_gettime() is wrapped so that a test moves the
 * block layer's clock on instead of sleeping (no timing in the results):
 * nothing test-only is compiled into the block layer.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "block/file-posix-int.h"
#include "qemu/main-loop.h"
#include "sysemu/block-backend.h"
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/uio.h>

/* With _FILE_OFFSET_BITS=64 the block layer calls the *64 names. */
ssize_t __real_pwrite64(int fd, const void *buf, size_t n, off_t off);
ssize_t __real_pwritev64(int fd, const struct iovec *iov, int niov,
                         off_t off);

#define MAX_FD 1024

static pthread_t loop_thread;
static int writes_in_loop, writes_elsewhere;
static int fd_in_loop[MAX_FD], fd_elsewhere[MAX_FD];
static int slow_next;           /* the next write sleeps 2 ms */
static int64_t write_cost_ns;   /* every write moves the clock on this much */
static int64_t clock_offset_ns; /* added to CLOCK_MONOTONIC */
static int64_t clock_frozen_ns; /* if not 0, CLOCK_MONOTONIC stands here */
static GMutex gate_lock;
static GCond gate_cond;
static bool gate_closed;        /* workers' writes wait for the test */

static void note_write(int fd)
{
    bool in_loop = pthread_equal(pthread_self(), loop_thread);

    g_atomic_int_inc(in_loop ? &writes_in_loop : &writes_elsewhere);
    if (fd >= 0 && fd < MAX_FD) {
        g_atomic_int_inc(in_loop ? &fd_in_loop[fd] : &fd_elsewhere[fd]);
    }
    if (g_atomic_int_compare_and_exchange(&slow_next, 1, 0)) {
        g_usleep(2000);
    }
    __atomic_fetch_add(&clock_offset_ns,
                       __atomic_load_n(&write_cost_ns, __ATOMIC_SEQ_CST),
                       __ATOMIC_SEQ_CST);
    if (!in_loop) {
        g_mutex_lock(&gate_lock);
        while (gate_closed) {
            g_cond_wait(&gate_cond, &gate_lock);
        }
        g_mutex_unlock(&gate_lock);
    }
}

static void gate_set(bool closed)
{
    g_mutex_lock(&gate_lock);
    gate_closed = closed;
    g_cond_broadcast(&gate_cond);
    g_mutex_unlock(&gate_lock);
}

int __real_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts);
int __wrap_clock_gettime(clockid_t clk, struct timespec *ts)
{
    int ret = __real_clock_gettime(clk, ts);

    if (ret == 0 && clk == CLOCK_MONOTONIC) {
        int64_t frozen = __atomic_load_n(&clock_frozen_ns, __ATOMIC_SEQ_CST);
        int64_t ns = __atomic_load_n(&clock_offset_ns, __ATOMIC_SEQ_CST);

        ns += frozen ? frozen : ts->tv_sec * 1000000000LL + ts->tv_nsec;
        ts->tv_sec = ns / 1000000000;
        ts->tv_nsec = ns % 1000000000;
    }
    return ret;
}

/* Only clock_advance() and writes move the clock: no real time counts. */
static void clock_freeze(bool freeze)
{
    struct timespec ts;

    __real_clock_gettime(CLOCK_MONOTONIC, &ts);
    __atomic_store_n(&clock_frozen_ns,
                     freeze ? ts.tv_sec * 1000000000LL + ts.tv_nsec : 0,
                     __ATOMIC_SEQ_CST);
}

static void clock_advance(int64_t ns)
{
    __atomic_fetch_add(&clock_offset_ns, ns, __ATOMIC_SEQ_CST);
}

ssize_t __wrap_pwrite64(int fd, const void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    note_write(fd);
    return __real_pwrite64(fd, buf, n, off);
}

ssize_t __wrap_pwritev64(int fd, const struct iovec *iov, int niov,
                         off_t off);
ssize_t __wrap_pwritev64(int fd, const struct iovec *iov, int niov,
                         off_t off)
{
    note_write(fd);
    return __real_pwritev64(fd, iov, niov, off);
}

static char *dir, *path, *path2;

/* The file PATH on ext4, XFS or btrfs, or NULL (the test is skipped). */
static BlockBackend *open_path(const char *path)
{
    g_autofree char *opts = NULL;
    struct statfs fs;
    Error *err = NULL;
    BlockBackend *blk;
    QDict *d;

    if (statfs(dir, &fs) < 0 ||
        (fs.f_type != EXT4_SUPER_MAGIC && fs.f_type != XFS_SUPER_MAGIC &&
         fs.f_type != BTRFS_SUPER_MAGIC)) {
        g_test_skip("/var/tmp is not on ext4, XFS or btrfs");
        return NULL;
    }
    g_assert_true(g_file_set_contents(path, "", 0, NULL));
    g_assert_cmpint(truncate(path, 4 * MiB), ==, 0);
    opts = g_strdup_printf("driver=file,filename=%s,aio=threads", path);
    d = keyval_parse_flat(opts, NULL, &error_abort);
    blk = blk_new_open(NULL, NULL, d, BDRV_O_RDWR, &err);
    if (!blk) {
        g_error("open %s: %s", opts, error_get_pretty(err));
    }
    writes_in_loop = writes_elsewhere = 0;
    memset(fd_in_loop, 0, sizeof(fd_in_loop));
    memset(fd_elsewhere, 0, sizeof(fd_elsewhere));
    return blk;
}

static BlockBackend *open_file(void)
{
    return open_path(path);
}

static BDRVRawState *raw_state(BlockBackend *blk)
{
    return blk_bs(blk)->opaque;
}

static void write_at(BlockBackend *blk, int64_t off, int64_t len)
{
    g_autofree uint8_t *buf = g_malloc0(len);

    g_assert_cmpint(blk_pwrite(blk, off, len, buf, 0), ==, 0);
}

static void expect(int in_loop, int elsewhere)
{
    g_test_message("writes in the loop %d, elsewhere %d",
                   g_atomic_int_get(&writes_in_loop),
                   g_atomic_int_get(&writes_elsewhere));
    g_assert_cmpint(g_atomic_int_get(&writes_in_loop), ==, in_loop);
    g_assert_cmpint(g_atomic_int_get(&writes_elsewhere), ==, elsewhere);
}

static void test_which_writes_run_in_the_loop(void)
{
    BlockBackend *blk = open_file();

    if (!blk) {
        return;
    }
    write_at(blk, 0, 4096);
    expect(1, 0);
    write_at(blk, 64 * KiB, 128 * KiB);
    expect(2, 0);
    /* Larger than 128 KiB, or not whole pages: a worker. */
    write_at(blk, 1 * MiB, 256 * KiB);
    expect(2, 1);
    write_at(blk, 512, 512);
    expect(2, 2);
    write_at(blk, 4096, 6144);
    expect(2, 3);
    blk_unref(blk);
}

static void test_slow_write_backs_off(void)
{
    BlockBackend *blk = open_file();

    if (!blk) {
        return;
    }
    write_at(blk, 0, 4096);
    expect(1, 0);
    g_atomic_int_set(&slow_next, 1);
    write_at(blk, 4096, 4096);          /* in the loop, and slow */
    expect(2, 0);
    write_at(blk, 8192, 4096);          /* so the pool takes this one */
    write_at(blk, 12288, 4096);
    expect(2, 2);
    clock_advance(110 * 1000 * 1000);   /* the back-off is 100 ms */
    write_at(blk, 16384, 4096);
    expect(3, 2);
    /* A fast write does not extend the back-off. */
    write_at(blk, 20480, 4096);
    expect(4, 2);
    blk_unref(blk);
}

/* Writes started together, in one loop iteration, as a client's burst. */
typedef struct Burst {
    QEMUIOVector qiov[8];
    uint8_t *buf;
    int pending;
} Burst;

static void burst_done(void *opaque, int ret)
{
    Burst *b = opaque;

    g_assert_cmpint(ret, ==, 0);
    b->pending--;
}

static void burst_start(Burst *b, BlockBackend *blk, int n, int64_t len)
{
    g_assert_cmpint(n, <=, ARRAY_SIZE(b->qiov));
    b->buf = g_malloc0(n * len);
    for (int i = 0; i < n; i++) {
        qemu_iovec_init_buf(&b->qiov[i], b->buf + i * len, len);
        b->pending++;
        blk_aio_pwritev(blk, i * len, &b->qiov[i], 0, burst_done, b);
    }
}

static void burst_wait(Burst *b)
{
    while (b->pending) {
        main_loop_wait(true);
    }
    g_free(b->buf);
    b->buf = NULL;
}

static void expect_fd(BlockBackend *blk, int in_loop, int elsewhere)
{
    int fd = raw_state(blk)->fd;

    g_assert_cmpint(fd, <, MAX_FD);
    g_test_message("fd %d: writes in the loop %d, elsewhere %d", fd,
                   g_atomic_int_get(&fd_in_loop[fd]),
                   g_atomic_int_get(&fd_elsewhere[fd]));
    g_assert_cmpint(g_atomic_int_get(&fd_in_loop[fd]), ==, in_loop);
    g_assert_cmpint(g_atomic_int_get(&fd_elsewhere[fd]), ==, elsewhere);
}

static void test_one_iteration_one_batch(void)
{
    BlockBackend *blk = open_file();
    Burst b = { 0 };
    BDRVRawState *s;

    if (!blk) {
        return;
    }
    s = raw_state(blk);
    /* 256 KiB: too big for the loop thread, so all four queue. */
    gate_set(true);
    burst_start(&b, blk, 4, 256 * KiB);
    g_assert_cmpint(s->batch_len, ==, 0);   /* the batch waits for ... */
    main_loop_wait(false);                  /* ... the iteration's end */
    g_assert_cmpint(s->batch_len, ==, 4);
    gate_set(false);
    burst_wait(&b);
    expect(0, 4);
    g_assert_cmpint(s->batch_len, ==, 0);
    blk_unref(blk);
}

/*
 * A slow write in the loop (the @in_loop'th) starts the back-off;
 * @first then goes to the pool and is held there (the gate is closed)
 * as the file's running batch.
 */
static void hold_a_batch(BlockBackend *blk, Burst *first, int in_loop)
{
    g_atomic_int_set(&slow_next, 1);
    write_at(blk, 4096, 4096);          /* slow: the back-off starts */
    expect(in_loop, 0);
    gate_set(true);
    burst_start(first, blk, 1, 4096);   /* to the pool, held there */
    main_loop_wait(false);
    g_assert_cmpint(raw_state(blk)->batch_len, ==, 1);
}

/*
 * Writes that queued behind a batch come back to the loop when the
 * batch ends and the back-off is over, instead of starting the next
 * batch: under load a file would otherwise stay in the pool.
 */
static void test_back_to_the_loop_after_a_batch(void)
{
    BlockBackend *blk = open_file();
    Burst first = { 0 }, more = { 0 };
    BDRVRawState *s;

    if (!blk) {
        return;
    }
    s = raw_state(blk);
    write_at(blk, 0, 4096);
    expect(1, 0);
    hold_a_batch(blk, &first, 2);
    burst_start(&more, blk, 3, 4096);   /* queue behind it */
    main_loop_wait(false);
    g_assert_cmpint(s->batch_len, ==, 1);
    clock_advance(110 * 1000 * 1000);   /* the back-off is over */
    gate_set(false);
    burst_wait(&first);
    burst_wait(&more);
    expect(2 + 3, 1);
    g_assert_cmpint(s->batch_len, ==, 0);
    /* And the next ones run there too. */
    write_at(blk, 0, 4096);
    expect(6, 1);
    blk_unref(blk);
}

/*
 * The loop takes back only the queued writes before the first that does
 * not fit it (256 KiB here); that one and all behind it, even small
 * ones, go on to a batch, so none overtakes another.
 */
static void test_back_to_the_loop_stops_at_a_big_write(void)
{
    BlockBackend *blk = open_file();
    Burst first = { 0 }, small = { 0 }, big = { 0 }, last = { 0 };

    if (!blk) {
        return;
    }
    hold_a_batch(blk, &first, 1);
    burst_start(&small, blk, 1, 4096);  /* queued behind it, in order */
    burst_start(&big, blk, 1, 256 * KiB);
    burst_start(&last, blk, 1, 4096);
    clock_advance(110 * 1000 * 1000);   /* the back-off is over */
    gate_set(false);
    burst_wait(&first);
    burst_wait(&small);
    burst_wait(&big);
    burst_wait(&last);
    expect(1 + 1, 1 + 2);
    blk_unref(blk);
}

/*
 * A queued write that stalls in the loop when the batch ends starts the
 * back-off again: the writes behind it go on to a batch.
 */
static void test_back_to_the_loop_stops_at_a_stall(void)
{
    BlockBackend *blk = open_file();
    Burst first = { 0 }, more = { 0 };

    if (!blk) {
        return;
    }
    hold_a_batch(blk, &first, 1);
    burst_start(&more, blk, 3, 4096);   /* queued behind it, in order */
    main_loop_wait(false);
    /* The held write is past its slow check: the next slow one is ours. */
    while (g_atomic_int_get(&writes_elsewhere) < 1) {
        g_usleep(100);
    }
    clock_advance(110 * 1000 * 1000);   /* the back-off is over */
    g_atomic_int_set(&slow_next, 1);    /* the first taken back stalls */
    gate_set(false);
    burst_wait(&first);
    burst_wait(&more);
    expect(1 + 1, 1 + 2);
    blk_unref(blk);
}

static void test_one_file_writes_in_the_loop_under_load(void)
{
    BlockBackend *a = open_file(), *b;
    Burst ba = { 0 }, bb = { 0 };

    if (!a) {
        return;
    }
    b = open_path(path2);
    clock_freeze(true);
    /* Costly writes: 100 us each, over RAW_INLINE_SPREAD_NS on average. */
    write_cost_ns = 100 * 1000;
    /* One at a time, every file writes in the loop. */
    write_at(a, 0, 4096);
    write_at(b, 0, 4096);
    expect_fd(a, 1, 0);
    expect_fd(b, 1, 0);
    /*
     * Four writes at once on each: a's second write makes a the owner,
     * so all of a's run in the loop; b's first one too (nothing else of
     * b's in flight), the other three queue for the pool.
     */
    burst_start(&ba, a, 4, 4096);
    burst_start(&bb, b, 4, 4096);
    burst_wait(&ba);
    burst_wait(&bb);
    expect_fd(a, 5, 0);
    expect_fd(b, 2, 3);
    /* An owner that stopped writing for a millisecond lets b take over. */
    clock_advance(2 * 1000 * 1000);
    burst_start(&bb, b, 4, 4096);
    burst_wait(&bb);
    expect_fd(b, 6, 3);
    burst_start(&ba, a, 4, 4096);
    burst_wait(&ba);
    expect_fd(a, 6, 3);
    /*
     * Cheap writes stay in the loop: a, costly, owns it again, and b,
     * whose average falls under RAW_INLINE_SPREAD_NS, writes there too.
     */
    write_cost_ns = 0;
    for (int i = 0; i < 32; i++) {
        write_at(b, 0, 4096);
    }
    g_test_message("b's writes average %" PRId64 " ns", raw_state(b)->write_ns);
    g_assert_cmpint(raw_state(b)->write_ns, <, 8000);
    g_assert_cmpint(raw_state(a)->write_ns, >=, 8000);
    clock_advance(2 * 1000 * 1000);
    burst_start(&ba, a, 4, 4096);
    burst_start(&bb, b, 4, 4096);
    burst_wait(&ba);
    burst_wait(&bb);
    expect_fd(a, 6 + 4, 3);
    expect_fd(b, 6 + 32 + 4, 3);
    /* Closing the owner frees the loop for costly writes at once. */
    write_cost_ns = 100 * 1000;
    clock_advance(2 * 1000 * 1000);
    burst_start(&ba, a, 4, 4096);       /* a owns the loop again */
    burst_wait(&ba);
    expect_fd(a, 6 + 4 + 4, 3);
    write_at(b, 0, 4096);
    g_assert_cmpint(raw_state(b)->write_ns, >=, 8000);
    blk_unref(a);
    burst_start(&bb, b, 4, 4096);
    burst_wait(&bb);
    expect_fd(b, 6 + 32 + 4 + 1 + 4, 3);
    write_cost_ns = 0;
    clock_freeze(false);
    blk_unref(b);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    bdrv_init();
    loop_thread = pthread_self();
    dir = g_strdup("/var/tmp/test-file-posix-XXXXXX");
    g_assert_nonnull(g_mkdtemp(dir));
    path = g_build_filename(dir, "f.raw", NULL);
    path2 = g_build_filename(dir, "g.raw", NULL);
    g_test_add_func("/file-posix/which-writes-run-in-the-loop",
                    test_which_writes_run_in_the_loop);
    g_test_add_func("/file-posix/slow-write-backs-off",
                    test_slow_write_backs_off);
    g_test_add_func("/file-posix/back-to-the-loop-after-a-batch",
                    test_back_to_the_loop_after_a_batch);
    g_test_add_func("/file-posix/back-to-the-loop-stops-at-a-big-write",
                    test_back_to_the_loop_stops_at_a_big_write);
    g_test_add_func("/file-posix/back-to-the-loop-stops-at-a-stall",
                    test_back_to_the_loop_stops_at_a_stall);
    g_test_add_func("/file-posix/one-iteration-one-batch",
                    test_one_iteration_one_batch);
    g_test_add_func("/file-posix/one-file-writes-in-the-loop-under-load",
                    test_one_file_writes_in_the_loop_under_load);
    ret = g_test_run();
    unlink(path);
    unlink(path2);
    rmdir(dir);
    g_free(path);
    g_free(path2);
    g_free(dir);
    return ret;
}
