/*
 * Creating and resizing files for the file protocol driver: qemu-img
 * create's options, preallocation (off, falloc, full) and truncate.
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <linux/fs.h>
#include "block/block_int.h"
#include "block/thread-pool.h"
#include "block/raw-aio.h"
#include "qapi/util.h"
#include "file-posix-int.h"

const QemuOptDesc raw_create_opts_desc[] = {
    { .name = "size", .type = QEMU_OPT_SIZE,
      .help = "Virtual disk size" },
    { .name = "nocow", .type = QEMU_OPT_BOOL,
      .help = "Turn off copy-on-write (valid only on btrfs)" },
    { .name = "preallocation", .type = QEMU_OPT_STRING,
      .help = "Preallocation mode (allowed values: off, falloc, full)" },
    { .name = "extent_size_hint", .type = QEMU_OPT_SIZE,
      .help = "Extent size hint for the image file, 0 to disable" },
    { .name = NULL }
};

static const QemuOptsList raw_create_opts = {
    .name = "raw-create-opts",
    .desc = raw_create_opts_desc,
};

/* The first block allocated makes O_DIRECT alignment probing work. */
static void allocate_first_block(int fd, size_t max_size)
{
    size_t write_size = MIN(max_size, MAX(MAX_BLOCKSIZE,
                                          qemu_real_host_page_size()));
    size_t align = MAX(MAX_BLOCKSIZE, qemu_real_host_page_size());
    void *buf;
    ssize_t n;

    if (!write_size) {
        return;
    }
    buf = qemu_memalign(align, align);
    memset(buf, 0, write_size);
    do {
        n = pwrite(fd, buf, write_size, 0);
    } while (n == -1 && errno == EINTR);
    qemu_vfree(buf);
}

static int raw_regular_truncate(int fd, int64_t offset, PreallocMode prealloc,
                                Error **errp)
{
    struct stat st;
    int64_t current_length;
    char *buf = NULL;
    int result = 0;

    if (fstat(fd, &st) < 0) {
        result = -errno;
        error_setg_errno(errp, -result, "Could not stat file");
        return result;
    }
    current_length = st.st_size;
    if (current_length > offset && prealloc != PREALLOC_MODE_OFF) {
        error_setg(errp, "Cannot use preallocation for shrinking files");
        return -ENOTSUP;
    }

    switch (prealloc) {
    case PREALLOC_MODE_FALLOC:
        if (offset != current_length) {
            result = -posix_fallocate(fd, current_length,
                                      offset - current_length);
            if (result != 0) {
                error_setg_errno(errp, -result,
                                 "Could not preallocate new data");
            } else if (current_length == 0) {
                allocate_first_block(fd, offset);
            }
        }
        goto out;
    case PREALLOC_MODE_FULL: {
        int64_t left = offset - current_length;

        if (ftruncate(fd, offset) != 0) {
            result = -errno;
            error_setg_errno(errp, -result, "Could not resize file");
            goto out;
        }
        buf = g_malloc0(65536);
        if (lseek(fd, current_length, SEEK_SET) < 0) {
            result = -errno;
            error_setg_errno(errp, -result,
                             "Failed to seek to the old end of file");
            goto out;
        }
        while (left > 0) {
            ssize_t n = write(fd, buf, MIN(left, 65536));

            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                result = -errno;
                error_setg_errno(errp, -result,
                                 "Could not write zeros for preallocation");
                goto out;
            }
            left -= n;
        }
        if (fsync(fd) < 0) {
            result = -errno;
            error_setg_errno(errp, -result, "Could not flush file to disk");
        }
        goto out;
    }
    case PREALLOC_MODE_OFF:
        if (ftruncate(fd, offset) != 0) {
            result = -errno;
            error_setg_errno(errp, -result, "Could not resize file");
        } else if (current_length == 0 && offset > current_length) {
            allocate_first_block(fd, offset);
        }
        return result;
    default:
        error_setg(errp, "Unsupported preallocation mode: %s",
                   PreallocMode_str[prealloc]);
        return -ENOTSUP;
    }

out:
    if (result < 0 && ftruncate(fd, current_length) < 0) {
        error_report("Failed to restore old file length: %s",
                     strerror(errno));
    }
    g_free(buf);
    return result;
}

static int handle_aiocb_truncate(void *opaque)
{
    RawPosixAIOData *acb = opaque;

    return raw_regular_truncate(acb->fd, acb->offset, acb->prealloc,
                                acb->errp);
}

int coroutine_fn raw_co_truncate(BlockDriverState *bs, int64_t offset,
                                 bool exact, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    RawPosixAIOData acb = {
        .bs = bs,
        .fd = s->fd,
        .type = QEMU_AIO_TRUNCATE,
        .offset = offset,
        .prealloc = PREALLOC_MODE_OFF,
        .errp = errp,
    };
    struct stat st;

    if (fstat(s->fd, &st) < 0) {
        int ret = -errno;
        error_setg_errno(errp, -ret, "Failed to fstat() the file");
        return ret;
    }
    if (!S_ISREG(st.st_mode)) {
        error_setg(errp, "Resizing this file is not supported");
        return -ENOTSUP;
    }
    /* Always to exactly @offset. */
    return thread_pool_submit_co(handle_aiocb_truncate, &acb);
}

int raw_create(const char *filename, QDict *options, Error **errp)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&raw_create_opts);
    uint64_t total_size, extent_size_hint;
    uint64_t perm = BLK_PERM_WRITE | BLK_PERM_RESIZE;
    uint64_t shared = BLK_PERM_ALL & ~BLK_PERM_RESIZE;
    bool nocow, has_hint;
    Error *local_err = NULL;
    int prealloc, fd, result;

    if (g_str_has_prefix(filename, "file:")) {
        filename += strlen("file:");
    }
    if (options && !qemu_opts_absorb_qdict(opts, options, errp)) {
        return -EINVAL;
    }
    total_size = ROUND_UP(qemu_opt_get_size(opts, "size", 0),
                          BDRV_SECTOR_SIZE);
    nocow = qemu_opt_get_bool(opts, "nocow", false);
    prealloc = qapi_enum_parse(PreallocMode_str, PREALLOC_MODE__MAX,
                               qemu_opt_get(opts, "preallocation"),
                               PREALLOC_MODE_OFF, errp);
    if (prealloc < 0) {
        return -EINVAL;
    }
    has_hint = qemu_opt_has(opts, "extent_size_hint");
    extent_size_hint = qemu_opt_get_size(opts, "extent_size_hint", 1 * MiB);
    if (extent_size_hint > UINT32_MAX) {
        error_setg(errp, "Extent size hint is too large");
        return -EINVAL;
    }

    fd = raw_open_fd(filename, O_RDWR | O_CREAT, 0644, "create", errp);
    if (fd < 0) {
        return fd;
    }
    /*
     * Resizing must not be shared: after this, the file has the size
     * asked for.  Writes by others are fine.
     */
    result = raw_apply_lock_bytes(NULL, fd, perm, ~shared, false, errp);
    if (result < 0) {
        goto out_close;
    }
    result = raw_check_lock_bytes(fd, perm, shared, errp);
    if (result < 0) {
        error_append_hint(errp, "Is another process using the image [%s]?\n",
                          filename);
        goto out_unlock;
    }
    result = raw_regular_truncate(fd, 0, PREALLOC_MODE_OFF, errp);
    if (result < 0) {
        goto out_unlock;
    }
    if (nocow) {
        int attr;

        /* Only an optimisation (btrfs): failures do not matter. */
        if (ioctl(fd, FS_IOC_GETFLAGS, &attr) == 0) {
            attr |= FS_NOCOW_FL;
            ioctl(fd, FS_IOC_SETFLAGS, &attr);
        }
    }
    {
        struct fsxattr attr;
        int r = ioctl(fd, FS_IOC_FSGETXATTR, &attr);

        if (r == 0) {
            attr.fsx_xflags |= FS_XFLAG_EXTSIZE;
            attr.fsx_extsize = extent_size_hint;
            r = ioctl(fd, FS_IOC_FSSETXATTR, &attr);
        }
        if (r < 0 && has_hint && extent_size_hint) {
            warn_report("Failed to set extent size hint: %s",
                        strerror(errno));
        }
    }
    result = raw_regular_truncate(fd, total_size, prealloc, errp);

out_unlock:
    raw_apply_lock_bytes(NULL, fd, 0, 0, true, &local_err);
    if (local_err) {
        warn_report_err(local_err);
    }
out_close:
    if (close(fd) != 0 && result == 0) {
        result = -errno;
        error_setg_errno(errp, -result, "Could not close the new file");
    }
    return result;
}

const char *const raw_strong_runtime_opts[] = {
    "filename",
    NULL
};

/* Nothing beyond the defaults, but an answer (QEMU's file driver). */
