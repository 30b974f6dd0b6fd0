/*
 * The "host_device" protocol driver: a block or character device on a
 * POSIX host.  It shares the file driver's state and data path
 * (block/file-posix-int.h) and differs in probing, in discard and
 * write-zeroes (ioctls on block devices) and in truncate, which can
 * only keep or shrink the device's size.
 */
#include "qemu/osdep.h"
#include <sys/ioctl.h>
#include <linux/fs.h>
#include "block/block_int.h"
#include "block/thread-pool.h"
#include "block/raw-aio.h"
#include "file-posix-int.h"

static int hdev_probe_device(const char *filename)
{
    struct stat st;

    /* A dedicated CD-ROM driver would take precedence. */
    if (g_str_has_prefix(filename, "/dev/cdrom")) {
        return 50;
    }
    if (stat(filename, &st) >= 0 &&
        (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
        return 100;
    }
    return 0;
}

static void hdev_parse_filename(const char *filename, QDict *options,
                                Error **errp)
{
    if (g_str_has_prefix(filename, "host_device:")) {
        filename += strlen("host_device:");
    }
    qdict_put_str(options, "filename", filename);
}

static int hdev_open(BlockDriverState *bs, QDict *options, int flags,
                     Error **errp)
{
    return raw_open_common(bs, options, flags, true, errp);
}

static int handle_hdev_ioctl_range(void *opaque)
{
    RawPosixAIOData *acb = opaque;
    uint64_t range[2] = { acb->offset, acb->bytes };
    unsigned long req = acb->type == QEMU_AIO_DISCARD ? BLKDISCARD
                                                      : BLKZEROOUT;

    if (ioctl(acb->fd, req, range) == 0) {
        return 0;
    }
    return raw_translate_err(-errno);
}

static int coroutine_fn hdev_co_pdiscard(BlockDriverState *bs, int64_t offset,
                                         int64_t bytes)
{
    BDRVRawState *s = bs->opaque;
    RawPosixAIOData acb = {
        .bs = bs, .fd = s->fd, .type = QEMU_AIO_DISCARD,
        .offset = offset, .bytes = bytes,
    };
    int ret;

    if (!s->is_blk || !s->has_discard) {
        return -ENOTSUP;
    }
    ret = thread_pool_submit_co(handle_hdev_ioctl_range, &acb);
    if (ret == -ENOTSUP) {
        s->has_discard = false;
    }
    return ret;
}

static int coroutine_fn hdev_co_pwrite_zeroes(BlockDriverState *bs,
                                              int64_t offset, int64_t bytes,
                                              BdrvRequestFlags flags)
{
    BDRVRawState *s = bs->opaque;
    RawPosixAIOData acb = {
        .bs = bs, .fd = s->fd, .type = QEMU_AIO_WRITE_ZEROES,
        .offset = offset, .bytes = bytes,
    };
    int ret;

    /* BLKZEROOUT may unmap by itself; the block layer falls back. */
    if (!s->is_blk || !s->has_write_zeroes) {
        return -ENOTSUP;
    }
    ret = thread_pool_submit_co(handle_hdev_ioctl_range, &acb);
    if (ret == -ENOTSUP) {
        s->has_write_zeroes = false;
    }
    return ret;
}

static int coroutine_fn hdev_co_truncate(BlockDriverState *bs, int64_t offset,
                                         bool exact, Error **errp)
{
    int64_t cur_length = raw_getlength(bs);

    if (cur_length < 0) {
        error_setg_errno(errp, -cur_length, "Failed to get device length");
        return cur_length;
    }
    if (offset != cur_length && exact) {
        error_setg(errp, "Cannot resize device files");
        return -ENOTSUP;
    } else if (offset > cur_length) {
        error_setg(errp, "Cannot grow device files");
        return -EINVAL;
    }
    return 0;
}

/* Registered at start-up (block_init); read-only after. */
static BlockDriver bdrv_host_device = {
    .format_name            = "host_device",
    .protocol_name          = "host_device",
    .instance_size          = sizeof(BDRVRawState),
    .bdrv_needs_filename    = true,
    .bdrv_probe_device      = hdev_probe_device,
    .bdrv_parse_filename    = hdev_parse_filename,
    .bdrv_open              = hdev_open,
    .bdrv_close             = raw_close,
    .bdrv_co_preadv         = raw_co_preadv,
    .bdrv_co_pwritev        = raw_co_pwritev,
    .bdrv_co_pwrite_zeroes  = hdev_co_pwrite_zeroes,
    .bdrv_co_pdiscard       = hdev_co_pdiscard,
    .bdrv_co_flush_to_disk  = raw_co_flush_to_disk,
    .bdrv_co_truncate       = hdev_co_truncate,
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

static void bdrv_host_device_init(void)
{
    bdrv_register(&bdrv_host_device);
}

block_init(bdrv_host_device_init);
