/*
 * Private to the file and host_device protocol drivers: the state
 * shared by block/file-posix.c and block/host-device.c, which reuses
 * the file driver's callbacks for everything but open, discard,
 * write-zeroes and truncate.
 */
#ifndef BLOCK_FILE_POSIX_INT_H
#define BLOCK_FILE_POSIX_INT_H

#include "block/block_int.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"

/* The largest logical block size alignment probing considers. */
#define MAX_BLOCKSIZE        4096

typedef enum {
    RAW_AIO_THREADS,
    RAW_AIO_NATIVE,
    RAW_AIO_IO_URING,
} RawAioMode;

typedef struct RawQueuedWrite RawQueuedWrite;

/* A batch of writes stops at this many, or at this many bytes. */
#define RAW_WRITE_BATCH_MAX       32
#define RAW_WRITE_BATCH_MAX_BYTES (1 * MiB)

typedef struct BDRVRawState {
    int fd;
    int open_flags;             /* O_* flags of fd */
    RawAioMode aio;
    bool use_io_uring;          /* data path through the ring */
    bool use_lock;
    uint64_t perm;              /* committed permissions */
    uint64_t shared_perm;
    uint64_t locked_perm;       /* bytes 100+N we hold */
    uint64_t locked_shared_perm; /* bytes 200+N we hold (unshared bits) */
    bool needs_alignment;       /* O_DIRECT */
    size_t buf_align;
    bool has_discard;
    bool has_write_zeroes;
    bool has_fallocate;
    bool page_cache_inconsistent; /* an fdatasync failed: data may be lost */
    bool is_blk;                /* block device (else character device) */
    bool inline_rw;             /* tmpfs: small reads and writes in the loop */
    bool try_nowait;            /* small reads try RWF_NOWAIT in the loop */
    bool inline_writes;         /* ext4/XFS/btrfs: small writes in the loop */
    bool splice_read;           /* a regular file: zero-copy reads */
    bool splice_cached_only;    /* not tmpfs: only of ranges in the cache */
    int64_t inline_writes_after; /* 0, or in the pool until this time */
    /*
     * Buffered writes to a regular file: one batch at a time in the
     * pool (the worker's while batch_len > 0), the rest queued behind it
     * (loop thread only).
     */
    bool batch_writes;
    QTAILQ_HEAD(, RawQueuedWrite) write_queue;
    RawQueuedWrite *batch[RAW_WRITE_BATCH_MAX];
    int batch_len;
    QEMUBH *batch_bh;           /* starts a batch when the loop iteration ends */
    int writes_in_flight;       /* in raw_co_submit now (loop thread) */
    int64_t write_ns;           /* what a buffered write took, moving average */

    /* Between reopen prepare and commit/abort. */
    int reopen_fd;              /* new descriptor, or -1 to keep fd */
    int reopen_open_flags;
    int reopen_old_fl;          /* F_GETFL of fd before a fcntl switch */
} BDRVRawState;

/* One blocking operation for the worker pool; lives on the caller's stack. */
typedef struct RawPosixAIOData {
    BlockDriverState *bs;
    int fd;
    int type;                   /* QEMU_AIO_* */
    uint64_t offset;
    uint64_t bytes;
    QEMUIOVector *qiov;
    bool may_unmap;
    PreallocMode prealloc;      /* truncate */
    Error **errp;               /* truncate */
} RawPosixAIOData;

extern const char *const raw_strong_runtime_opts[];

int raw_translate_err(int err);
/* open(2) with QEMU's "Could not @verb '@filename'" message. */
int raw_open_fd(const char *filename, int flags, mode_t mode,
                const char *verb, Error **errp);
int raw_open_common(BlockDriverState *bs, QDict *options, int flags,
                    bool device, Error **errp);
void raw_close(BlockDriverState *bs);
void raw_update_inline(BDRVRawState *s);
int coroutine_fn raw_co_preadv(BlockDriverState *bs, int64_t offset,
                               int64_t bytes, QEMUIOVector *qiov,
                               BdrvRequestFlags flags);
int coroutine_fn raw_co_pwritev(BlockDriverState *bs, int64_t offset,
                                int64_t bytes, QEMUIOVector *qiov,
                                BdrvRequestFlags flags);
int coroutine_fn raw_co_flush_to_disk(BlockDriverState *bs);
int64_t raw_getlength(BlockDriverState *bs);
int64_t raw_get_allocated_file_size(BlockDriverState *bs);
int raw_get_info(BlockDriverState *bs, BlockDriverInfo *bdi);
void raw_refresh_limits(BlockDriverState *bs, Error **errp);
int raw_check_perm(BlockDriverState *bs, uint64_t perm,
                   uint64_t shared, Error **errp);
void raw_set_perm(BlockDriverState *bs, uint64_t perm, uint64_t shared);
void raw_abort_perm_update(BlockDriverState *bs);
int raw_reopen_prepare(BlockDriverState *bs, int flags, QDict *opts,
                       Error **errp);
void raw_reopen_commit(BlockDriverState *bs);
void raw_reopen_abort(BlockDriverState *bs);

/* file-posix-lock.c: QEMU's lock bytes for permission bits */
int raw_apply_lock_bytes(BDRVRawState *s, int fd, uint64_t perm_bits,
                         uint64_t unshared_bits, bool unlock, Error **errp);
int raw_check_lock_bytes(int fd, uint64_t perm, uint64_t shared,
                         Error **errp);

/* file-posix-create.c */
extern const QemuOptDesc raw_create_opts_desc[];
int coroutine_fn raw_co_truncate(BlockDriverState *bs, int64_t offset,
                                 bool exact, Error **errp);
int raw_create(const char *filename, QDict *options, Error **errp);

#endif
