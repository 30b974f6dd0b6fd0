/*
 * file-posix with aio=threads on a disk file system: which thread does a
 * buffered write.  Whole-page writes up to 128 KiB run in the loop
 * thread; others go to the worker pool; a loop-thread write that took
 * over 1 ms sends the file's writes to the pool for a second.
 *
 * pwrite64() and pwritev64() are wrapped at link time (meson.build) to note
 * the thread of each write and, when asked, to make one write slow:
 * nothing test-only is compiled into the block layer.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "sysemu/block-backend.h"
#include <linux/magic.h>
#include <sys/statfs.h>
#include <sys/uio.h>

/* With _FILE_OFFSET_BITS=64 the block layer calls the *64 names. */
ssize_t __real_pwrite64(int fd, const void *buf, size_t n, off_t off);
ssize_t __real_pwritev64(int fd, const struct iovec *iov, int niov,
                         off_t off);

static pthread_t loop_thread;
static int writes_in_loop, writes_elsewhere;
static int slow_next;           /* the next write sleeps 2 ms */

static void note_write(void)
{
    if (pthread_equal(pthread_self(), loop_thread)) {
        g_atomic_int_inc(&writes_in_loop);
    } else {
        g_atomic_int_inc(&writes_elsewhere);
    }
    if (g_atomic_int_compare_and_exchange(&slow_next, 1, 0)) {
        g_usleep(2000);
    }
}

ssize_t __wrap_pwrite64(int fd, const void *buf, size_t n, off_t off);
ssize_t __wrap_pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    note_write();
    return __real_pwrite64(fd, buf, n, off);
}

ssize_t __wrap_pwritev64(int fd, const struct iovec *iov, int niov,
                         off_t off);
ssize_t __wrap_pwritev64(int fd, const struct iovec *iov, int niov,
                         off_t off)
{
    note_write();
    return __real_pwritev64(fd, iov, niov, off);
}

static char *dir, *path;

/* A file on ext4, XFS or btrfs, or NULL (the test is skipped). */
static BlockBackend *open_file(void)
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
    return blk;
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
    g_usleep(1100 * 1000);              /* the back-off is one second */
    write_at(blk, 16384, 4096);
    expect(3, 2);
    /* A fast write does not extend the back-off. */
    write_at(blk, 20480, 4096);
    expect(4, 2);
    blk_unref(blk);
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
    g_test_add_func("/file-posix/which-writes-run-in-the-loop",
                    test_which_writes_run_in_the_loop);
    g_test_add_func("/file-posix/slow-write-backs-off",
                    test_slow_write_backs_off);
    ret = g_test_run();
    unlink(path);
    rmdir(dir);
    g_free(path);
    g_free(dir);
    return ret;
}
