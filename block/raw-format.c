/*
 * raw: the image is the bytes of its file child, optionally a window
 * [offset, offset+size) of it.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"

typedef struct BDRVRawState {
    uint64_t offset;
    uint64_t size;
    bool has_size;
    struct {                    /* between reopen prepare and commit */
        uint64_t offset;
        uint64_t size;
        bool has_size;
    } reopen;
} BDRVRawState;

static const QemuOptDesc raw_runtime_opt_desc[] = {
    { .name = "offset", .type = QEMU_OPT_SIZE, .help = "offset in the disk where the image starts" },
    { .name = "size", .type = QEMU_OPT_SIZE, .help = "virtual disk size" },
    { .name = NULL }
};

static const QemuOptsList raw_runtime_opts = {
    .name = "raw",
    .desc = raw_runtime_opt_desc,
};

static int raw_apply_options(BlockDriverState *bs, BDRVRawState *s,
                             uint64_t offset, bool has_size, uint64_t size,
                             Error **errp)
{
    int64_t real_size = bdrv_getlength(bs->file->bs);

    if (real_size < 0) {
        error_setg_errno(errp, -real_size, "Could not get image size");
        return real_size;
    }
    if (offset > (uint64_t)real_size) {
        error_setg(errp, "Offset (%" PRIu64 ") cannot be greater than "
                   "size of the containing file (%" PRId64 ")",
                   offset, real_size);
        return -EINVAL;
    }
    if (has_size && (uint64_t)real_size - offset < size) {
        error_setg(errp, "The sum of offset (%" PRIu64 ") and size "
                   "(%" PRIu64 ") has to be smaller or equal to the "
                   " actual size of the containing file (%" PRId64 ")",
                   offset, size, real_size);
        return -EINVAL;
    }
    /* A size that is not a sector multiple would be rounded up. */
    if (has_size && !QEMU_IS_ALIGNED(size, BDRV_SECTOR_SIZE)) {
        error_setg(errp, "Specified size is not multiple of %llu",
                   BDRV_SECTOR_SIZE);
        return -EINVAL;
    }
    s->offset = offset;
    s->has_size = has_size;
    s->size = has_size ? size : real_size - offset;
    return 0;
}

static int raw_open(BlockDriverState *bs, QDict *options, int flags,
                    Error **errp)
{
    BDRVRawState *s = bs->opaque;
    g_autoptr(QemuOpts) opts = qemu_opts_create(&raw_runtime_opts);
    BlockDriverState *file;

    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        return -EINVAL;
    }
    bs->file = bdrv_open_child(NULL, options, "file", bs, &child_of_bds,
                               BDRV_CHILD_IMAGE | BDRV_CHILD_PRIMARY |
                               BDRV_CHILD_FILTERED, false, errp);
    if (!bs->file) {
        return -EINVAL;
    }
    file = bs->file->bs;
    if (bs->probed && !bdrv_is_read_only(bs)) {
        /* Read-only users (qemu-img info) cannot damage anything. */
        fprintf(stderr,
                "WARNING: Image format was not specified for '%s' and probing "
                "guessed raw.\n"
                "         Automatically detecting the format is dangerous for "
                "raw images, write operations on block 0 will be restricted.\n"
                "         Specify the 'raw' format explicitly to remove the "
                "restrictions.\n", file->filename);
    }
    bs->supported_write_flags = BDRV_REQ_WRITE_UNCHANGED |
                                (BDRV_REQ_FUA & file->supported_write_flags);
    bs->supported_zero_flags = BDRV_REQ_WRITE_UNCHANGED |
        ((BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK) &
         file->supported_zero_flags);
    return raw_apply_options(bs, s, qemu_opt_get_size(opts, "offset", 0),
                             qemu_opt_has(opts, "size"),
                             qemu_opt_get_size(opts, "size", 0), errp);
}

static void raw_refresh_limits(BlockDriverState *bs, Error **errp)
{
    if (bs->probed) {
        /*
         * Sub-sector writes to a probed image go through read-modify-write
         * so that block 0 can be checked as a whole.
         */
        bs->bl.request_alignment = BDRV_SECTOR_SIZE;
    }
}

/* Map a request into the file; refuse what leaves the window. */
static int raw_adjust_offset(BlockDriverState *bs, int64_t *offset,
                             int64_t bytes, bool is_write)
{
    BDRVRawState *s = bs->opaque;

    if (s->has_size && (*offset > (int64_t)s->size ||
                        bytes > (int64_t)s->size - *offset)) {
        return is_write ? -ENOSPC : -EINVAL;
    }
    if (*offset > INT64_MAX - (int64_t)s->offset) {
        return -EINVAL;
    }
    *offset += s->offset;
    return 0;
}

static int coroutine_fn raw_co_preadv(BlockDriverState *bs, int64_t offset,
                                      int64_t bytes, QEMUIOVector *qiov,
                                      BdrvRequestFlags flags)
{
    int ret = raw_adjust_offset(bs, &offset, bytes, false);

    if (ret) {
        return ret;
    }
    BLKDBG_EVENT(bs->file, BLKDBG_READ_AIO);
    return bdrv_co_preadv(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn raw_co_splice_read(BlockDriverState *bs,
                                           int64_t offset, int64_t bytes,
                                           int pipe_fd)
{
    int ret = raw_adjust_offset(bs, &offset, bytes, false);

    if (ret) {
        return ret;
    }
    return bdrv_co_splice_read(bs->file, offset, bytes, pipe_fd);
}

/*
 * A probed raw image must not be turned into something that probes as
 * another format: writes to block 0 that look like a known header are
 * refused, as QEMU does.
 */
static bool raw_write_would_change_format(QEMUIOVector *qiov, int64_t offset)
{
    static const uint8_t qcow2_magic[4] = { 'Q', 'F', 'I', 0xfb };
    uint8_t head[4];

    if (offset != 0 || !qiov || qiov->size < sizeof(head)) {
        return false;
    }
    qemu_iovec_to_buf(qiov, 0, head, sizeof(head));
    return !memcmp(head, qcow2_magic, sizeof(head)) ||
           !memcmp(head, "KDMV", 4) || !memcmp(head, "QED", 4) ||
           !memcmp(head, "conectix", 4);
}

static int coroutine_fn raw_co_pwritev(BlockDriverState *bs, int64_t offset,
                                       int64_t bytes, QEMUIOVector *qiov,
                                       BdrvRequestFlags flags)
{
    int ret;

    if (bs->probed && raw_write_would_change_format(qiov, offset)) {
        return -EPERM;
    }
    ret = raw_adjust_offset(bs, &offset, bytes, true);
    if (ret) {
        return ret;
    }
    BLKDBG_EVENT(bs->file, BLKDBG_WRITE_AIO);
    return bdrv_co_pwritev(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn raw_co_pwrite_zeroes(BlockDriverState *bs,
                                             int64_t offset, int64_t bytes,
                                             BdrvRequestFlags flags)
{
    int ret = raw_adjust_offset(bs, &offset, bytes, true);

    if (ret) {
        return ret;
    }
    return bdrv_co_pwrite_zeroes(bs->file, offset, bytes, flags);
}

static int coroutine_fn raw_co_pdiscard(BlockDriverState *bs, int64_t offset,
                                        int64_t bytes)
{
    int ret = raw_adjust_offset(bs, &offset, bytes, true);

    if (ret) {
        return ret;
    }
    return bdrv_co_pdiscard(bs->file, offset, bytes);
}

static int coroutine_fn raw_co_block_status(BlockDriverState *bs,
                                            bool want_zero, int64_t offset,
                                            int64_t bytes, int64_t *pnum,
                                            int64_t *map,
                                            BlockDriverState **file)
{
    BDRVRawState *s = bs->opaque;

    *pnum = bytes;
    *file = bs->file->bs;
    *map = offset + s->offset;
    return BDRV_BLOCK_RAW | BDRV_BLOCK_OFFSET_VALID;
}

static int64_t raw_getlength(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;
    int64_t len;

    if (s->has_size) {
        return s->size;
    }
    len = bdrv_getlength(bs->file->bs);
    if (len < 0) {
        return len;
    }
    return len > (int64_t)s->offset ? len - (int64_t)s->offset : 0;
}

static int coroutine_fn raw_co_truncate(BlockDriverState *bs, int64_t offset,
                                        bool exact, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    int ret;

    if (s->has_size) {
        error_setg(errp, "Cannot resize fixed-size raw disks");
        return -ENOTSUP;
    }
    ret = bdrv_co_truncate(bs->file, offset + s->offset, exact, errp);
    if (ret == 0) {
        s->size = offset;
    }
    return ret;
}

static int raw_get_info(BlockDriverState *bs, BlockDriverInfo *bdi)
{
    return bdrv_get_info(bs->file->bs, bdi);
}

static int raw_probe(const uint8_t *buf, int buf_size, const char *filename)
{
    /* Anything is raw, with the lowest confidence. */
    return 1;
}

static int raw_create(const char *filename, QDict *opts, Error **errp)
{
    return bdrv_create_file(filename, opts, errp);
}

static const QemuOptDesc raw_create_opts[] = {
    { .name = "size", .type = QEMU_OPT_SIZE, .help = "Virtual disk size" },
    { .name = NULL }
};

static const char *const raw_strong_runtime_opts[] = {
    "offset",
    "size",
    NULL
};

/* offset and size may change; what is left out returns to its default. */
static int raw_reopen_prepare(BlockDriverState *bs, int flags, QDict *opts,
                              Error **errp)
{
    BDRVRawState *s = bs->opaque;
    BDRVRawState new = { 0 };
    g_autoptr(QemuOpts) ropts = qemu_opts_create(&raw_runtime_opts);
    int ret;

    if (!qemu_opts_absorb_qdict(ropts, opts, errp)) {
        return -EINVAL;
    }
    ret = raw_apply_options(bs, &new, qemu_opt_get_size(ropts, "offset", 0),
                            qemu_opt_has(ropts, "size"),
                            qemu_opt_get_size(ropts, "size", 0), errp);
    if (ret < 0) {
        return ret;
    }
    s->reopen.offset = new.offset;
    s->reopen.size = new.size;
    s->reopen.has_size = new.has_size;
    return 0;
}

static void raw_reopen_commit(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;

    s->offset = s->reopen.offset;
    s->size = s->reopen.size;
    s->has_size = s->reopen.has_size;
}

static const char *const raw_mutable_opts[] = { "offset", "size", NULL };

/* Registered at start-up (block_init); read-only after. */
static BlockDriver bdrv_raw = {
    .format_name            = "raw",
    .instance_size          = sizeof(BDRVRawState),
    .is_format              = true,
    .bdrv_probe             = raw_probe,
    .bdrv_open              = raw_open,
    .bdrv_reopen_prepare    = raw_reopen_prepare,
    .bdrv_reopen_commit     = raw_reopen_commit,
    .mutable_opts           = raw_mutable_opts,
    .bdrv_refresh_limits    = raw_refresh_limits,
    .bdrv_co_preadv         = raw_co_preadv,
    .bdrv_co_splice_read    = raw_co_splice_read,
    .bdrv_co_pwritev        = raw_co_pwritev,
    .bdrv_co_pwrite_zeroes  = raw_co_pwrite_zeroes,
    .bdrv_co_pdiscard       = raw_co_pdiscard,
    .bdrv_co_block_status   = raw_co_block_status,
    .bdrv_co_truncate       = raw_co_truncate,
    .bdrv_getlength         = raw_getlength,
    .bdrv_get_info          = raw_get_info,
    .bdrv_create            = raw_create,
    .create_opts            = raw_create_opts,
    .bdrv_child_perm        = bdrv_default_perms,
    .strong_runtime_opts    = raw_strong_runtime_opts,
};

static void bdrv_raw_init(void)
{
    bdrv_register(&bdrv_raw);
}

block_init(bdrv_raw_init);
