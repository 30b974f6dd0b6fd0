/*
 * The "file" protocol driver: a regular file on a POSIX host.
 *
 * Data requests go to io_uring (aio=io_uring, and aio=native, which
 * QEMU implements with Linux AIO) or to the worker pool (aio=threads);
 * both paths keep their request state on the coroutine stack.  Other
 * operations (write-zeroes, discard, truncate) always use the pool.
 *
 * Image locking (QEMU's lock bytes) is block/file-posix-lock.c; create
 * and truncate are block/file-posix-create.c.
 *
 * The host_device driver (block/host-device.c) reuses most of this
 * through block/file-posix-int.h.
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include "block/block_int.h"
#include "block/thread-pool.h"
#include "block/raw-aio.h"
#include "qapi/util.h"
#include "file-posix-int.h"


const char *const PreallocMode_str[PREALLOC_MODE__MAX] = {
    [PREALLOC_MODE_OFF] = "off",
    [PREALLOC_MODE_METADATA] = "metadata",
    [PREALLOC_MODE_FALLOC] = "falloc",
    [PREALLOC_MODE_FULL] = "full",
};

static const QemuOptDesc raw_runtime_opts_desc[] = {
    { .name = "filename", .type = QEMU_OPT_STRING,
      .help = "File name of the image" },
    { .name = "aio", .type = QEMU_OPT_STRING,
      .help = "host AIO implementation (threads, native, io_uring)" },
    { .name = "aio-max-batch", .type = QEMU_OPT_NUMBER,
      .help = "AIO max batch size (0 = auto handled by AIO backend, "
              "default: 0)" },
    { .name = "locking", .type = QEMU_OPT_STRING,
      .help = "file locking mode (on/off/auto, default: auto)" },
    { .name = "pr-manager", .type = QEMU_OPT_STRING,
      .help = "id of persistent reservation manager object (default: none)" },
    { .name = "drop-cache", .type = QEMU_OPT_BOOL,
      .help = "invalidate page cache during live migration (default: on)" },
    { .name = "x-check-cache-dropped", .type = QEMU_OPT_BOOL,
      .help = "check that page cache was dropped on live migration "
              "(default: off)" },
    { .name = NULL }
};

static const QemuOptsList raw_runtime_opts = {
    .name = "raw",
    .desc = raw_runtime_opts_desc,
};

/* ---------- Helpers ---------- */

int raw_translate_err(int err)
{
    if (err == -ENODEV || err == -ENOSYS || err == -EOPNOTSUPP ||
        err == -ENOTTY) {
        err = -ENOTSUP;
    }
    return err;
}

static int do_fallocate(int fd, int mode, off_t offset, off_t len)
{
    do {
        if (fallocate(fd, mode, offset, len) == 0) {
            return 0;
        }
    } while (errno == EINTR);
    return raw_translate_err(-errno);
}

/* open(2) with QEMU's messages; returns the fd or -errno. */
int raw_open_fd(const char *filename, int flags, mode_t mode,
                const char *verb, Error **errp)
{
    int fd;

    do {
        fd = open(filename, flags | O_CLOEXEC, mode);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
        return fd;
    }
    if (errno == EINVAL && (flags & O_DIRECT)) {
        int probe = open(filename, (flags & ~O_DIRECT) | O_CLOEXEC, mode);

        if (probe >= 0) {
            close(probe);
            error_setg(errp, "Could not %s '%s': filesystem does not "
                       "support O_DIRECT", verb, filename);
            return -EINVAL;
        }
        errno = EINVAL;
    }
    fd = -errno;
    error_setg_errno(errp, errno, "Could not %s '%s'", verb, filename);
    return fd;
}

/* ---------- Open and close ---------- */

static void raw_parse_filename(const char *filename, QDict *options,
                               Error **errp)
{
    if (g_str_has_prefix(filename, "file:")) {
        filename += strlen("file:");
    }
    qdict_put_str(options, "filename", filename);
}

/* The runtime options other than filename, into @s. */
static bool raw_apply_runtime_opts(BDRVRawState *s, QemuOpts *opts, int flags,
                                   Error **errp)
{
    static const char *const aio_names[] = {
        [RAW_AIO_THREADS] = "threads",
        [RAW_AIO_NATIVE] = "native",
        [RAW_AIO_IO_URING] = "io_uring",
    };
    static const char *const locking_names[] = { "auto", "on", "off" };
    const char *str;
    RawAioMode aio_default;
    int aio, locking;

    /*
     * aio-max-batch, drop-cache and x-check-cache-dropped are checked
     * (QemuOpts) but change nothing: the ring batches per loop
     * iteration, and there is no migration whose cache they control.
     */
    aio_default = (flags & BDRV_O_NATIVE_AIO) ? RAW_AIO_NATIVE :
                  (flags & BDRV_O_IO_URING) ? RAW_AIO_IO_URING :
                  RAW_AIO_THREADS;
    aio = qapi_enum_parse(aio_names, ARRAY_SIZE(aio_names),
                          qemu_opt_get(opts, "aio"), aio_default, errp);
    if (aio < 0) {
        return false;
    }
    s->aio = aio;

    locking = qapi_enum_parse(locking_names, ARRAY_SIZE(locking_names),
                              qemu_opt_get(opts, "locking"), 0, errp);
    if (locking < 0) {
        return false;
    }
    /* OFD locks are always there on Linux: auto means on. */
    s->use_lock = locking != 2;

    str = qemu_opt_get(opts, "pr-manager");
    if (str) {
        /* There are no QOM objects here, hence never such a manager. */
        error_setg(errp, "No persistent reservation manager with id '%s'",
                   str);
        return false;
    }
    return true;
}

/* aio=native and aio=io_uring: what the opened fd allows. */
static bool raw_setup_aio(BDRVRawState *s, Error **errp)
{
    if (s->aio == RAW_AIO_NATIVE && !(s->open_flags & O_DIRECT)) {
        error_setg(errp, "aio=native was specified, but it requires "
                   "cache.direct=on, which was not specified.");
        return false;
    }
    if (s->aio == RAW_AIO_IO_URING) {
        if (!luring_init(errp)) {
            error_prepend(errp, "Unable to use io_uring: ");
            return false;
        }
        s->use_io_uring = true;
    } else if (s->aio == RAW_AIO_NATIVE) {
        /* Linux AIO's job is done by the ring here; threads if none. */
        s->use_io_uring = luring_init(NULL);
    }
    return true;
}

/* file wants a regular file, host_device (@device) a device node. */
static int raw_check_file_type(BlockDriverState *bs, const char *filename,
                               bool device, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    struct stat st;

    if (fstat(s->fd, &st) < 0) {
        int err = errno;

        error_setg_errno(errp, err, "Could not stat file");
        return -err;
    }
    if (!device && !S_ISREG(st.st_mode)) {
        error_setg(errp, "'%s' driver requires '%s' to be a regular file",
                   bs->drv->format_name, filename);
        return -EINVAL;
    }
    if (device && !S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) {
        error_setg(errp, "'%s' driver requires '%s' to be either "
                   "a character or block device",
                   bs->drv->format_name, filename);
        return -EINVAL;
    }
    s->is_blk = S_ISBLK(st.st_mode);
    return 0;
}

int raw_open_common(BlockDriverState *bs, QDict *options, int flags,
                    bool device, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    g_autoptr(QemuOpts) opts = qemu_opts_create(&raw_runtime_opts);
    const char *filename;
    int ret;

    s->fd = -1;
    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        ret = -EINVAL;
        goto fail;
    }
    filename = qemu_opt_get(opts, "filename");
    if (!filename) {
        error_setg(errp, "The 'file' block driver requires a file name");
        ret = -EINVAL;
        goto fail;
    }
    if (!raw_apply_runtime_opts(s, opts, flags, errp)) {
        ret = -EINVAL;
        goto fail;
    }

    s->open_flags = (flags & BDRV_O_RDWR) ? O_RDWR : O_RDONLY;
    if (flags & BDRV_O_NOCACHE) {
        s->open_flags |= O_DIRECT;
    }
    ret = raw_open_fd(filename, s->open_flags, 0644, "open", errp);
    if (ret < 0) {
        if (ret == -EROFS) {
            ret = -EACCES;
        }
        goto fail;
    }
    s->fd = ret;
    s->perm = 0;
    s->shared_perm = BLK_PERM_ALL;

    if (!raw_setup_aio(s, errp)) {
        ret = -EINVAL;
        goto fail;
    }
    ret = raw_check_file_type(bs, filename, device, errp);
    if (ret < 0) {
        goto fail;
    }
    s->has_discard = true;
    s->has_write_zeroes = true;
    s->has_fallocate = !device;
    s->needs_alignment = (flags & BDRV_O_NOCACHE) != 0;
    raw_update_inline(s);
    bs->supported_zero_flags = BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK;

    /*
     * No lock bytes yet: as in QEMU, a node holds permissions only for
     * its parents, and block.c tells them through check/set_perm.
     */
    g_strlcpy(bs->filename, filename, sizeof(bs->filename));
    return 0;

fail:
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    return ret;
}

static int raw_open(BlockDriverState *bs, QDict *options, int flags,
                    Error **errp)
{
    return raw_open_common(bs, options, flags, false, errp);
}

/* The file whose writes keep the loop thread under load (RAW_INLINE_OWNER_NS). */
static BDRVRawState *inline_owner;
static int64_t inline_owner_until;

void raw_close(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;

    if (s->batch_bh) {
        qemu_bh_delete(s->batch_bh);
        s->batch_bh = NULL;
    }
    if (inline_owner == s) {
        inline_owner = NULL;
        inline_owner_until = 0;     /* others may take the loop at once */
    }
    /* Closing the descriptor drops its OFD locks too. */
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

/* ---------- Reopen ---------- */

static const QemuOptDesc raw_reopen_opts_desc[] = {
    { .name = "drop-cache", .type = QEMU_OPT_BOOL },
    { .name = "x-check-cache-dropped", .type = QEMU_OPT_BOOL },
    { .name = NULL }
};

static const QemuOptsList raw_reopen_opts = {
    .name = "raw-reopen",
    .desc = raw_reopen_opts_desc,
};

/*
 * Only the cache options may change; whatever else is left in @opts is
 * reported by block.c ("Cannot change the option 'aio'").
 */
int raw_reopen_prepare(BlockDriverState *bs, int flags, QDict *opts,
                       Error **errp)
{
    BDRVRawState *s = bs->opaque;
    g_autoptr(QemuOpts) ropts = qemu_opts_create(&raw_reopen_opts);
    const int fcntl_flags = O_DIRECT | O_APPEND | O_NONBLOCK;
    int open_flags, fd;

    if (opts && !qemu_opts_absorb_qdict(ropts, opts, errp)) {
        return -EINVAL;
    }
    open_flags = (flags & BDRV_O_RDWR) ? O_RDWR : O_RDONLY;
    if (flags & BDRV_O_NOCACHE) {
        open_flags |= O_DIRECT;
    }
    s->reopen_open_flags = open_flags;
    s->reopen_fd = -1;
    s->reopen_old_fl = -1;
    if (open_flags == s->open_flags) {
        return 0;
    }
    if ((open_flags & ~fcntl_flags) == (s->open_flags & ~fcntl_flags)) {
        /* Same access mode: switch O_DIRECT in place, locks stay. */
        int fl = fcntl(s->fd, F_GETFL);

        if (fl >= 0 &&
            fcntl(s->fd, F_SETFL, (fl & ~O_DIRECT) |
                                  (open_flags & O_DIRECT)) == 0) {
            s->reopen_old_fl = fl;
            return 0;
        }
    }
    fd = raw_open_fd(bs->filename, open_flags, 0644, "open", errp);
    if (fd < 0) {
        return fd;
    }
    /* The old descriptor still holds ours: just take the same bytes. */
    if (s->use_lock &&
        raw_apply_lock_bytes(NULL, fd, s->perm, ~s->shared_perm, false,
                             errp) < 0) {
        close(fd);
        return -EINVAL;
    }
    s->reopen_fd = fd;
    return 0;
}

void raw_reopen_commit(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;

    if (s->reopen_fd >= 0) {
        /* The new description already holds the same lock bytes. */
        close(s->fd);
        s->fd = s->reopen_fd;
        s->reopen_fd = -1;
    }
    s->reopen_old_fl = -1;
    s->open_flags = s->reopen_open_flags;
    s->needs_alignment = (s->open_flags & O_DIRECT) != 0;
    raw_update_inline(s);
    /* O_DIRECT on or off changes the alignment the kernel wants. */
    raw_refresh_limits(bs, NULL);
}

void raw_reopen_abort(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;

    if (s->reopen_fd >= 0) {
        close(s->reopen_fd);
        s->reopen_fd = -1;
    }
    if (s->reopen_old_fl >= 0) {
        fcntl(s->fd, F_SETFL, s->reopen_old_fl);
        s->reopen_old_fl = -1;
    }
}

/* ---------- Limits ---------- */

/* O_DIRECT accepts the read?  Only EINVAL means misalignment. */
static bool raw_is_io_aligned(int fd, void *buf, size_t len)
{
    ssize_t ret = pread(fd, buf, len, 0);

    return ret >= 0 || errno != EINVAL;
}

static void raw_probe_alignment(BlockDriverState *bs, int fd, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    static const size_t alignments[] = { 1, 512, 1024, 2048, 4096 };
    size_t max_align = MAX(MAX_BLOCKSIZE, qemu_real_host_page_size());
    uint32_t req_align = 0;
    unsigned int sector_size;
    char *buf;

    if (!s->needs_alignment) {
        bs->bl.request_alignment = 1;
        s->buf_align = 1;
        return;
    }
    s->buf_align = 0;
    if (ioctl(fd, BLKSSZGET, &sector_size) >= 0) {
        req_align = sector_size;
    }
    {
        /* XFS_IOC_DIOINFO, declared here to spare the xfsprogs headers. */
        struct { uint32_t d_mem, d_miniosz, d_maxiosz; } da;

        if (ioctl(fd, _IOR('X', 30, da), &da) >= 0) {
            req_align = da.d_miniosz;
        }
    }
    if (!req_align) {
        buf = qemu_memalign(max_align, max_align);
        for (size_t i = 0; i < ARRAY_SIZE(alignments); i++) {
            if (raw_is_io_aligned(fd, buf, alignments[i])) {
                /* Byte granularity works: still use a safe value. */
                req_align = alignments[i] != 1 ? alignments[i] : max_align;
                break;
            }
        }
        qemu_vfree(buf);
    }
    buf = qemu_memalign(max_align, 2 * max_align);
    for (size_t i = 0; i < ARRAY_SIZE(alignments); i++) {
        if (raw_is_io_aligned(fd, buf + alignments[i], max_align)) {
            s->buf_align = alignments[i] != 1 ? alignments[i] : req_align;
            break;
        }
    }
    qemu_vfree(buf);

    if (!s->buf_align || !req_align) {
        error_setg(errp, "Could not find working O_DIRECT alignment");
        error_append_hint(errp, "Try cache.direct=off\n");
        return;
    }
    bs->bl.request_alignment = req_align;
}

void raw_refresh_limits(BlockDriverState *bs, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    Error *local_err = NULL;

    raw_probe_alignment(bs, s->fd, &local_err);
    if (local_err) {
        error_propagate(errp, local_err);
        return;
    }
    bs->bl.min_mem_alignment = s->buf_align;
    bs->bl.opt_mem_alignment = MAX(s->buf_align, qemu_real_host_page_size());
    bs->bl.max_iov = IOV_MAX;
}

/* ---------- Data path ---------- */

static ssize_t raw_do_rw(int fd, struct iovec *iov, int niov, off_t offset,
                         bool write)
{
    ssize_t r;

    do {
        if (niov == 1) {
            r = write ? pwrite(fd, iov[0].iov_base, iov[0].iov_len, offset)
                      : pread(fd, iov[0].iov_base, iov[0].iov_len, offset);
        } else {
            r = write ? pwritev(fd, iov, niov, offset)
                      : preadv(fd, iov, niov, offset);
        }
    } while (r < 0 && errno == EINTR);
    return r < 0 ? -errno : r;
}

/* Worker: transfer the whole vector, going on after short transfers. */
static int handle_aiocb_rw(void *opaque)
{
    RawPosixAIOData *acb = opaque;
    QEMUIOVector *qiov = acb->qiov;
    bool write = acb->type == QEMU_AIO_WRITE;
    struct iovec *iov = qiov->iov, *copy = NULL;
    int niov = qiov->niov;
    size_t done = 0;
    int ret = 0;

    while (done < qiov->size) {
        ssize_t r = raw_do_rw(acb->fd, iov, niov, acb->offset + done, write);

        if (r < 0) {
            /* O_DIRECT rejects the unaligned rest of a short read: EOF. */
            if (r == -EINVAL && !write && done &&
                (acb->bs->open_flags & BDRV_O_NOCACHE)) {
                break;
            }
            ret = r;
            goto out;
        }
        if (r == 0) {
            break;
        }
        done += r;
        if (done < qiov->size) {
            /* Rare: step over what was transferred in a private copy. */
            if (!copy) {
                copy = g_memdup2(iov, niov * sizeof(*iov));
                iov = copy;
            }
            while (r > 0) {
                if ((size_t)r >= iov->iov_len) {
                    r -= iov->iov_len;
                    iov++;
                    niov--;
                } else {
                    iov->iov_base = (char *)iov->iov_base + r;
                    iov->iov_len -= r;
                    r = 0;
                }
            }
        }
    }
    if (done < qiov->size) {
        if (write) {
            ret = -EINVAL;
        } else {
            /* Short read means end of file: the rest reads as zeroes. */
            qemu_iovec_memset(qiov, done, 0, qiov->size - done);
        }
    }
out:
    g_free(copy);
    return ret;
}

static bool raw_qiov_is_aligned(BlockDriverState *bs, QEMUIOVector *qiov)
{
    size_t align = bs->bl.min_mem_alignment ? bs->bl.min_mem_alignment : 1;

    for (int i = 0; i < qiov->niov; i++) {
        if ((uintptr_t)qiov->iov[i].iov_base % align ||
            qiov->iov[i].iov_len % align) {
            return false;
        }
    }
    return true;
}

/*
 * Largest request the loop thread transfers itself.  Bigger ones go to
 * the workers, where two CPUs can copy at once.
 */
#define RAW_INLINE_MAX (128 * KiB)

/*
 * aio=threads hands every request to a worker thread and back: two
 * wake-ups and context switches, which cost more than copying a few
 * KiB that sit in memory.  So small requests are tried in the loop
 * thread first where that cannot wait for a device: on tmpfs, whose
 * pages are memory, reads and writes; on other file systems, buffered
 * reads with RWF_NOWAIT, which the kernel answers only from the page
 * cache (EAGAIN otherwise; the worker then does the read), and on local
 * disk file systems whole-page writes (raw_can_write_inline).  Never
 * with O_DIRECT or io_uring.
 */
void raw_update_inline(BDRVRawState *s)
{
    struct statfs fs;
    struct stat st;
    bool is_tmpfs, is_reg;

    s->inline_rw = false;
    s->try_nowait = false;
    s->batch_writes = false;
    s->inline_writes = false;
    s->inline_writes_after = 0;
    s->splice_read = false;
    /* At open, and at reopen, which is drained: nothing queued. */
    assert(!s->batch_len);
    QTAILQ_INIT(&s->write_queue);
    if (s->fd < 0 || s->needs_alignment) {
        return;
    }
    is_tmpfs = fstatfs(s->fd, &fs) == 0 && fs.f_type == TMPFS_MAGIC;
    is_reg = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode);
    s->splice_read = is_reg;
    s->splice_cached_only = !is_tmpfs;
    if (s->use_io_uring) {
        return;
    }
    if (is_tmpfs) {
        s->inline_rw = true;
    } else {
        s->try_nowait = true;   /* until the kernel says EOPNOTSUPP */
        s->batch_writes = is_reg;
        s->inline_writes = s->batch_writes &&
                           (fs.f_type == EXT4_SUPER_MAGIC ||
                            fs.f_type == XFS_SUPER_MAGIC ||
                            fs.f_type == BTRFS_SUPER_MAGIC);
    }
}

/*
 * Buffered writes on a local disk file system, in the loop thread.
 * The kernel refuses RWF_NOWAIT for them (ext4, 6.18), so nothing says
 * beforehand that one will not wait; but a write of whole pages only
 * copies into the page cache and dirties it, unless the kernel throttles
 * writers (too many dirty pages) or the journal makes it wait.  Handing
 * it to a worker costs more than that copy: two wake-ups, on this
 * 2-core machine about 25 us per request, and ext4 4 KiB writes over
 * the NBD export ran 1.45x faster at QD1 and 1.4-1.6x at QD32 in the
 * loop.  So: whole pages, at most RAW_INLINE_MAX, on ext4, XFS or
 * btrfs (never NFS or FUSE, where a buffered write may wait for a
 * server), with no batch of the file's in the pool (no contention for
 * the inode's lock, no overtaking), and each write timed: one that took
 * longer than RAW_INLINE_WRITE_STALL_NS sends the file's writes back to
 * the pool for RAW_INLINE_WRITE_BACKOFF_NS, so a throttled file system
 * stalls the loop about once per back-off, not on every write.  Such a
 * "stall" is also what this guest sees when the host runs something else
 * on its CPU for a millisecond or two (no context switch in the guest),
 * which happens every few seconds under load; so the back-off is short,
 * and the file comes back to the loop when it ends (raw_write_batch_done).
 */
#define RAW_INLINE_WRITE_STALL_NS   (1000 * 1000)
#define RAW_INLINE_WRITE_BACKOFF_NS (100 * 1000 * 1000)

/*
 * Under load, one file at a time does costly writes in the loop thread.
 * A quorum's three child writes all ran there at queue depth 32, so with
 * writes that cost (ext4, random 4 KiB writes into the large page-cache
 * folios a file written in big chunks has: about 18 us each, against
 * 3 us sequential) the loop thread did three of them per request while
 * the other CPU idled (39 % of the machine).  So a file with more than
 * one write in flight whose writes average RAW_INLINE_SPREAD_NS or more
 * writes in the loop only if it is the owner, the last file to write
 * there under load, or if the owner has not for RAW_INLINE_OWNER_NS;
 * the other files' writes go to their batches in the pool, on the other
 * CPU.  Cheap writes stay in the loop (a batch's hand-off costs more),
 * and at queue depth 1 every file still writes there.  Loop thread
 * only, like all of this.
 */
#define RAW_INLINE_SPREAD_NS (8 * 1000)
#define RAW_INLINE_OWNER_NS  (1000 * 1000)

/* A moving average over about the last eight writes. */
static void raw_note_write_ns(BDRVRawState *s, int64_t ns)
{
    s->write_ns += (ns - s->write_ns) / 8;
}

/* May the file write in the loop now, batches and queue aside? */
static bool raw_file_may_write_inline(BDRVRawState *s)
{
    return s->inline_writes &&
           (s->writes_in_flight <= 1 || s == inline_owner ||
            s->write_ns < RAW_INLINE_SPREAD_NS ||
            get_clock_ns() >= inline_owner_until) &&
           (!s->inline_writes_after ||
            get_clock_ns() >= s->inline_writes_after);
}

static bool raw_write_fits_inline(uint64_t offset, uint64_t bytes)
{
    uint64_t page = qemu_real_host_page_size();

    return offset % page == 0 && bytes % page == 0 &&
           bytes <= RAW_INLINE_MAX;
}

static bool raw_can_write_inline(BDRVRawState *s, uint64_t offset,
                                 QEMUIOVector *qiov)
{
    return !s->batch_len && QTAILQ_EMPTY(&s->write_queue) &&
           raw_write_fits_inline(offset, qiov->size) &&
           raw_file_may_write_inline(s);
}

static int raw_write_inline(BDRVRawState *s, RawPosixAIOData *acb)
{
    int64_t start = get_clock_ns();
    int ret = handle_aiocb_rw(acb);
    int64_t end = get_clock_ns();

    s->inline_writes_after = end - start > RAW_INLINE_WRITE_STALL_NS ?
                             end + RAW_INLINE_WRITE_BACKOFF_NS : 0;
    raw_note_write_ns(s, end - start);
    if (s->writes_in_flight > 1) {
        inline_owner = s;
        inline_owner_until = end + RAW_INLINE_OWNER_NS;
    }
    return ret;
}

/*
 * Buffered writes to one regular file take the inode's lock in the
 * kernel, one at a time: with many in flight, all workers but one wait
 * for it, each wait a futex and two context switches (perf on ext4:
 * most of the daemon's time).  So a file has one batch of writes in the
 * pool at a time; the worker writes them one after the other, and what
 * arrives meanwhile queues for the next batch.  At queue depth 1 that
 * is the usual one round trip; at 32 it is one per batch.
 */
struct RawQueuedWrite {
    RawPosixAIOData *acb;       /* on the waiting coroutine's stack */
    Coroutine *co;
    int ret;
    int64_t ns;                 /* what the write took */
    QTAILQ_ENTRY(RawQueuedWrite) next;
};

/* In a worker: the batch is its own until raw_write_batch_done(). */
static int raw_write_batch_run(void *opaque)
{
    BDRVRawState *s = opaque;

    for (int i = 0; i < s->batch_len; i++) {
        int64_t start = get_clock_ns();

        s->batch[i]->ret = handle_aiocb_rw(s->batch[i]->acb);
        s->batch[i]->ns = get_clock_ns() - start;
    }
    return 0;
}

static void raw_write_batch_start(BDRVRawState *s);

/*
 * Under load the writes that arrive while a batch runs queue for the
 * next, so once a file's writes went to the pool (a back-off, the owner
 * rule) they stayed there as long as the load lasted, at about 25 % more
 * CPU per 64 KiB write over the NBD export (ext4, queue depth 16).  So
 * when a batch ends and the file may write in the loop again, the loop
 * writes what queued meanwhile, in order, and only the rest (a write
 * that does not fit, or all after a stall) goes on to a new batch.
 */
static void raw_write_batch_done(void *opaque, int ret)
{
    BDRVRawState *s = opaque;
    Coroutine *done[2 * RAW_WRITE_BATCH_MAX];
    RawQueuedWrite *w;
    int n = s->batch_len;

    for (int i = 0; i < n; i++) {
        done[i] = s->batch[i]->co;
        raw_note_write_ns(s, s->batch[i]->ns);
    }
    s->batch_len = 0;
    while (n < ARRAY_SIZE(done) && (w = QTAILQ_FIRST(&s->write_queue)) &&
           raw_write_fits_inline(w->acb->offset, w->acb->bytes) &&
           raw_file_may_write_inline(s)) {
        QTAILQ_REMOVE(&s->write_queue, w, next);
        w->ret = raw_write_inline(s, w->acb);
        done[n++] = w->co;
    }
    raw_write_batch_start(s);   /* before the wake-ups add more */
    for (int i = 0; i < n; i++) {
        aio_co_wake(done[i]);
    }
}

static void raw_write_batch_start(BDRVRawState *s)
{
    uint64_t bytes = 0;

    if (s->batch_len || QTAILQ_EMPTY(&s->write_queue)) {
        return;
    }
    while (!QTAILQ_EMPTY(&s->write_queue) &&
           s->batch_len < RAW_WRITE_BATCH_MAX &&
           (!s->batch_len || bytes < RAW_WRITE_BATCH_MAX_BYTES)) {
        RawQueuedWrite *w = QTAILQ_FIRST(&s->write_queue);

        QTAILQ_REMOVE(&s->write_queue, w, next);
        bytes += w->acb->bytes;
        s->batch[s->batch_len++] = w;
    }
    thread_pool_submit_aio(raw_write_batch_run, s, raw_write_batch_done, s);
}

static void raw_write_batch_bh(void *opaque)
{
    raw_write_batch_start(opaque);
}

/*
 * A batch starts when the loop iteration that queued its first write
 * ends (as QEMU defers submissions while plugged), not with that write:
 * the writes of every request read in the same iteration then go in one
 * batch, one hand-off, instead of one small batch for the first and a
 * second for the rest.  With the one-file rule above, over the NBD
 * export at queue depth 32 (ext4, quorum of three, random 4 KiB writes)
 * that took requests from 13,900-15,400/s at 87-98 us of CPU each to
 * 17,000-18,600/s at 72-73 us.
 */
static int coroutine_fn raw_co_queue_write(BDRVRawState *s,
                                           RawPosixAIOData *acb)
{
    RawQueuedWrite w = { .acb = acb, .co = qemu_coroutine_self() };

    QTAILQ_INSERT_TAIL(&s->write_queue, &w, next);
    if (!s->batch_len) {
        if (!s->batch_bh) {
            s->batch_bh = qemu_bh_new(raw_write_batch_bh, s);
        }
        qemu_bh_schedule(s->batch_bh);
    }
    qemu_coroutine_yield();
    return w.ret;
}

/* A read from the page cache only: true if it transferred everything. */
static bool raw_try_read_nowait(BDRVRawState *s, uint64_t offset,
                                QEMUIOVector *qiov)
{
    ssize_t r;

    do {
        r = preadv2(s->fd, qiov->iov, qiov->niov, offset, RWF_NOWAIT);
    } while (r < 0 && errno == EINTR);
    if (r < 0 && errno == EOPNOTSUPP) {
        s->try_nowait = false;
    }
    /* EAGAIN, a short read (EOF?) or an error: the worker starts over. */
    return r == (ssize_t)qiov->size;
}

/* aio=threads: in the loop thread, or through the pool. */
static int coroutine_fn raw_co_submit_rw(BlockDriverState *bs, uint64_t offset,
                                         QEMUIOVector *qiov, int type)
{
    BDRVRawState *s = bs->opaque;
    RawPosixAIOData acb = {
        .bs = bs,
        .fd = s->fd,
        .type = type,
        .offset = offset,
        .bytes = qiov->size,
        .qiov = qiov,
    };

    if (qiov->size <= RAW_INLINE_MAX &&
        (type == QEMU_AIO_READ || type == QEMU_AIO_WRITE)) {
        int ret = -EAGAIN;

        if (s->inline_rw) {
            ret = handle_aiocb_rw(&acb);
        } else if (s->try_nowait && type == QEMU_AIO_READ &&
                   raw_try_read_nowait(s, offset, qiov)) {
            ret = 0;
        } else if (type == QEMU_AIO_WRITE &&
                   raw_can_write_inline(s, offset, qiov)) {
            ret = raw_write_inline(s, &acb);
        }
        if (ret != -EAGAIN) {
            /*
             * Still complete in a later loop iteration, as a worker's
             * request would: what the caller does before its request
             * yields (a QMP reply before the events of the job it
             * started) keeps QEMU's order.  Costs a BH, no syscall.
             */
            aio_co_wake(qemu_coroutine_self());
            qemu_coroutine_yield();
            return ret;
        }
    }
    if (type == QEMU_AIO_WRITE && s->batch_writes) {
        return raw_co_queue_write(s, &acb);
    }
    return thread_pool_submit_co(handle_aiocb_rw, &acb);
}

static int coroutine_fn raw_co_submit(BlockDriverState *bs, uint64_t offset,
                                      QEMUIOVector *qiov, int type)
{
    BDRVRawState *s = bs->opaque;
    int writes = type == QEMU_AIO_WRITE;
    int ret;

    if (s->use_io_uring) {
        return luring_co_submit(s->fd, offset, qiov, type);
    }
    s->writes_in_flight += writes;
    ret = raw_co_submit_rw(bs, offset, qiov, type);
    s->writes_in_flight -= writes;
    return ret;
}

/* cachestat(2), Linux 6.5; Debian 12's headers predate it. */
#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
typedef struct RawCachestatRange {
    uint64_t off;
    uint64_t len;
} RawCachestatRange;
typedef struct RawCachestat {
    uint64_t nr_cache;
    uint64_t nr_dirty;
    uint64_t nr_writeback;
    uint64_t nr_evicted;
    uint64_t nr_recently_evicted;
} RawCachestat;

/* Is every page of [offset, offset+bytes) in the page cache? */
static bool raw_range_cached(BDRVRawState *s, uint64_t offset,
                             uint64_t bytes)
{
    uint64_t page = qemu_real_host_page_size();
    uint64_t first = offset / page;
    uint64_t end = DIV_ROUND_UP(offset + bytes, page);
    RawCachestatRange range = { .off = offset, .len = bytes };
    RawCachestat cs;

    if (syscall(__NR_cachestat, s->fd, &range, &cs, 0) < 0) {
        if (errno == ENOSYS) {
            s->splice_read = false;     /* no way to know: never splice */
        }
        return false;
    }
    return cs.nr_cache >= end - first;
}

/*
 * Zero-copy reads (bdrv_co_splice_read, the NBD server's): splice(2)
 * puts references to the page cache's pages into the pipe.  A page not
 * in the cache would make it read the disk in the loop thread, so
 * outside tmpfs the whole range must be cached (cachestat(2)) or the
 * caller reads the usual way; a kernel without cachestat never splices
 * such a file.  Pages evicted between the two calls are read from the
 * disk by the splice, in the loop thread: a rare, bounded wait.
 */
static int coroutine_fn raw_co_splice_read(BlockDriverState *bs,
                                           int64_t offset, int64_t bytes,
                                           int pipe_fd)
{
    BDRVRawState *s = bs->opaque;
    off_t pos = offset;

    if (!s->splice_read ||
        (s->splice_cached_only && !raw_range_cached(s, offset, bytes))) {
        return -ENOTSUP;
    }
    if (pipe_fd < 0) {
        return 0;                       /* only asked */
    }
    while (bytes > 0) {
        ssize_t n = splice(s->fd, &pos, pipe_fd, NULL, bytes,
                           SPLICE_F_NONBLOCK);

        if (n > 0) {
            bytes -= n;
        } else if (n == 0) {
            return -ENODATA;            /* end of file: the caller pads */
        } else if (errno == EINVAL && pos == offset) {
            s->splice_read = false;     /* a file system that cannot */
            return -ENOTSUP;
        } else if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

static int coroutine_fn raw_co_prw(BlockDriverState *bs, int64_t offset,
                                   int64_t bytes, QEMUIOVector *qiov,
                                   int type)
{
    BDRVRawState *s = bs->opaque;
    QEMUIOVector bounce_qiov;
    void *bounce;
    int ret;

    if (s->fd < 0) {
        return -EIO;
    }
    assert((uint64_t)bytes == qiov->size);
    if (likely(!s->needs_alignment || raw_qiov_is_aligned(bs, qiov))) {
        return raw_co_submit(bs, offset, qiov, type);
    }

    /* O_DIRECT with a buffer the kernel would refuse: go through ours. */
    bounce = qemu_try_memalign(bs->bl.opt_mem_alignment, bytes);
    if (!bounce) {
        return -ENOMEM;
    }
    qemu_iovec_init_buf(&bounce_qiov, bounce, bytes);
    if (type == QEMU_AIO_WRITE) {
        qemu_iovec_to_buf(qiov, 0, bounce, bytes);
    }
    ret = raw_co_submit(bs, offset, &bounce_qiov, type);
    if (ret == 0 && type == QEMU_AIO_READ) {
        qemu_iovec_from_buf(qiov, 0, bounce, bytes);
    }
    qemu_vfree(bounce);
    return ret;
}

int coroutine_fn raw_co_preadv(BlockDriverState *bs, int64_t offset,
                               int64_t bytes, QEMUIOVector *qiov,
                               BdrvRequestFlags flags)
{
    return raw_co_prw(bs, offset, bytes, qiov, QEMU_AIO_READ);
}

int coroutine_fn raw_co_pwritev(BlockDriverState *bs, int64_t offset,
                                int64_t bytes, QEMUIOVector *qiov,
                                BdrvRequestFlags flags)
{
    return raw_co_prw(bs, offset, bytes, qiov, QEMU_AIO_WRITE);
}

static int handle_aiocb_flush(void *opaque)
{
    RawPosixAIOData *acb = opaque;
    int ret;

    do {
        ret = fdatasync(acb->fd);
    } while (ret < 0 && errno == EINTR);
    return ret < 0 ? -errno : 0;
}

int coroutine_fn raw_co_flush_to_disk(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;
    RawPosixAIOData acb = { .bs = bs, .fd = s->fd, .type = QEMU_AIO_FLUSH };
    int ret;

    if (s->fd < 0) {
        return -EIO;
    }
    if (bs->open_flags & BDRV_O_NO_FLUSH) {
        return 0;
    }
    /*
     * After a failed fdatasync() the kernel may have dropped dirty pages
     * and a later one could succeed without them reaching the disk.
     */
    if (s->page_cache_inconsistent) {
        return -EIO;
    }
    if (s->use_io_uring) {
        ret = luring_co_submit(s->fd, 0, NULL, QEMU_AIO_FLUSH);
    } else {
        ret = thread_pool_submit_co(handle_aiocb_flush, &acb);
    }
    if (ret < 0 && ret != -EBADF && ret != -EINVAL) {
        s->page_cache_inconsistent = true;
    }
    return ret;
}

/* Zero a range without unmapping, as QEMU: ZERO_RANGE, hole+fill, extend. */
static int handle_aiocb_write_zeroes(void *opaque)
{
    RawPosixAIOData *acb = opaque;
    BDRVRawState *s = acb->bs->opaque;
    off_t len;
    int ret;

    if (s->has_write_zeroes) {
        ret = do_fallocate(s->fd, FALLOC_FL_ZERO_RANGE, acb->offset,
                           acb->bytes);
        if (ret == -ENOTSUP) {
            s->has_write_zeroes = false;
        } else if (ret == 0 || ret != -EINVAL) {
            return ret;
        }
        /* EINVAL: some file systems dislike unaligned ranges; go on. */
    }
    if (s->has_discard && s->has_fallocate) {
        ret = do_fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                           acb->offset, acb->bytes);
        if (ret == 0) {
            ret = do_fallocate(s->fd, 0, acb->offset, acb->bytes);
            if (ret == 0 || ret != -ENOTSUP) {
                return ret;
            }
            s->has_fallocate = false;
        } else if (ret != -EINVAL && ret != -ENOTSUP) {
            return ret;
        } else if (ret == -ENOTSUP) {
            s->has_discard = false;
        }
    }
    /* Past the end of the file, allocating is zeroing. */
    len = lseek(s->fd, 0, SEEK_END);
    if (s->has_fallocate && len >= 0 && (off_t)acb->offset >= len) {
        ret = do_fallocate(s->fd, 0, acb->offset, acb->bytes);
        if (ret == 0 || ret != -ENOTSUP) {
            return ret;
        }
        s->has_fallocate = false;
    }
    return -ENOTSUP;
}

static int handle_aiocb_write_zeroes_unmap(void *opaque)
{
    RawPosixAIOData *acb = opaque;
    BDRVRawState *s = acb->bs->opaque;
    int ret;

    /* A punched hole reads as zeroes and frees the space. */
    ret = do_fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       acb->offset, acb->bytes);
    switch (ret) {
    case -ENOTSUP:
    case -EINVAL:
    case -EBUSY:
        break;
    default:
        return ret;
    }
    return handle_aiocb_write_zeroes(acb);
}

static int coroutine_fn raw_co_pwrite_zeroes(BlockDriverState *bs,
                                             int64_t offset, int64_t bytes,
                                             BdrvRequestFlags flags)
{
    BDRVRawState *s = bs->opaque;
    RawPosixAIOData acb = {
        .bs = bs,
        .fd = s->fd,
        .type = QEMU_AIO_WRITE_ZEROES,
        .offset = offset,
        .bytes = bytes,
        .may_unmap = flags & BDRV_REQ_MAY_UNMAP,
    };

    if (s->fd < 0) {
        return -EIO;
    }
    return thread_pool_submit_co(acb.may_unmap ?
                                 handle_aiocb_write_zeroes_unmap :
                                 handle_aiocb_write_zeroes, &acb);
}

static int handle_aiocb_discard(void *opaque)
{
    RawPosixAIOData *acb = opaque;
    BDRVRawState *s = acb->bs->opaque;
    int ret;

    if (!s->has_discard) {
        return -ENOTSUP;
    }
    ret = do_fallocate(s->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                       acb->offset, acb->bytes);
    if (ret == -ENOTSUP) {
        s->has_discard = false;
    }
    return ret;
}

static int coroutine_fn raw_co_pdiscard(BlockDriverState *bs, int64_t offset,
                                        int64_t bytes)
{
    BDRVRawState *s = bs->opaque;
    RawPosixAIOData acb = {
        .bs = bs,
        .fd = s->fd,
        .type = QEMU_AIO_DISCARD,
        .offset = offset,
        .bytes = bytes,
    };

    if (s->fd < 0) {
        return -EIO;
    }
    return thread_pool_submit_co(handle_aiocb_discard, &acb);
}

/* ---------- Size, allocation ---------- */

int64_t raw_getlength(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;
    off_t size;

    if (s->fd < 0) {
        return -EIO;
    }
    size = lseek(s->fd, 0, SEEK_END);
    return size < 0 ? -errno : size;
}

int64_t raw_get_allocated_file_size(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;
    struct stat st;

    if (fstat(s->fd, &st) < 0) {
        return -errno;
    }
    return (int64_t)st.st_blocks * 512;
}

/*
 * Where does the extent containing @start end?  *data and *hole as
 * SEEK_DATA/SEEK_HOLE see it; -ENXIO for a trailing hole, -EBUSY when
 * the file system gives no usable answer.
 */
static int find_allocation(int fd, off_t start, off_t *data, off_t *hole)
{
    off_t offs;

    offs = lseek(fd, start, SEEK_DATA);
    if (offs < 0) {
        return -errno;
    }
    if (offs < start) {
        return -EIO;
    }
    if (offs > start) {
        /* In a hole; data follows at offs. */
        *hole = start;
        *data = offs;
        return 0;
    }
    offs = lseek(fd, start, SEEK_HOLE);
    if (offs < 0) {
        return -errno;
    }
    if (offs < start) {
        return -EIO;
    }
    if (offs > start) {
        *data = start;
        *hole = offs;
        return 0;
    }
    return -EBUSY;
}

static int coroutine_fn raw_co_block_status(BlockDriverState *bs,
                                            bool want_zero, int64_t offset,
                                            int64_t bytes, int64_t *pnum,
                                            int64_t *map,
                                            BlockDriverState **file)
{
    BDRVRawState *s = bs->opaque;
    uint32_t align = bs->bl.request_alignment ? bs->bl.request_alignment : 1;
    off_t data = 0, hole = 0;
    int ret;

    if (s->fd < 0) {
        return -EIO;
    }
    if (!want_zero) {
        *pnum = bytes;
        *map = offset;
        *file = bs;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    }
    ret = find_allocation(s->fd, offset, &data, &hole);
    if (ret == -ENXIO) {
        /* Trailing hole. */
        *pnum = bytes;
        ret = BDRV_BLOCK_ZERO;
    } else if (ret < 0) {
        /* No information: everything is data. */
        *pnum = bytes;
        ret = BDRV_BLOCK_DATA;
    } else if (data == offset) {
        /*
         * Data up to the hole; a partial block at EOF rounds up.  The
         * whole extent, past @bytes: block/io.c caches it and clamps.
         */
        *pnum = QEMU_ALIGN_UP(hole - offset, align);
        ret = BDRV_BLOCK_DATA;
    } else {
        *pnum = MIN(data - offset, bytes);
        ret = BDRV_BLOCK_ZERO;
    }
    *map = offset;
    *file = bs;
    return ret | BDRV_BLOCK_OFFSET_VALID;
}

int raw_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    return 0;
}

/* Registered at start-up (block_init); read-only after. */
static BlockDriver bdrv_file = {
    .format_name            = "file",
    .protocol_name          = "file",
    .instance_size          = sizeof(BDRVRawState),
    .bdrv_needs_filename    = true,
    .bdrv_parse_filename    = raw_parse_filename,
    .bdrv_open              = raw_open,
    .bdrv_close             = raw_close,
    .bdrv_create            = raw_create,
    .create_opts            = raw_create_opts_desc,
    .bdrv_co_preadv         = raw_co_preadv,
    .bdrv_co_splice_read    = raw_co_splice_read,
    .bdrv_co_pwritev        = raw_co_pwritev,
    .bdrv_co_pwrite_zeroes  = raw_co_pwrite_zeroes,
    .bdrv_co_pdiscard       = raw_co_pdiscard,
    .bdrv_co_flush_to_disk  = raw_co_flush_to_disk,
    .bdrv_co_block_status   = raw_co_block_status,
    .bdrv_co_truncate       = raw_co_truncate,
    .bdrv_getlength         = raw_getlength,
    .bdrv_get_allocated_file_size = raw_get_allocated_file_size,
    .bdrv_get_info          = raw_get_info,
    .bdrv_refresh_limits    = raw_refresh_limits,
    .bdrv_check_perm        = raw_check_perm,
    .bdrv_set_perm          = raw_set_perm,
    .bdrv_abort_perm_update = raw_abort_perm_update,
    .bdrv_reopen_prepare    = raw_reopen_prepare,
    .bdrv_reopen_commit     = raw_reopen_commit,
    .bdrv_reopen_abort      = raw_reopen_abort,
    .strong_runtime_opts    = raw_strong_runtime_opts,
    .supported_zero_flags   = BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK,
};

static void bdrv_file_init(void)
{
    bdrv_register(&bdrv_file);
}

block_init(bdrv_file_init);
