/*
 * BlockBackend: the user-side root of a graph.  It checks requests against
 * the device length, applies writethrough, and offers AIO requests that
 * complete from the event loop.
 */
#include "qemu/osdep.h"
#include "sysemu/block-backend.h"
#include "block/block_int.h"

struct BlockBackend {
    BdrvChild *root;                /* opaque: this BlockBackend */
    bool enable_write_cache;
    unsigned in_flight;
    int refcnt;
};

struct BlockAIOCB {
    BlockBackend *blk;
    int64_t offset, bytes;
    QEMUIOVector *qiov;
    BdrvRequestFlags flags;
    BlockCompletionFunc *cb;
    void *opaque;
    int ret;
    bool has_returned;      /* submission returned; cb may run directly */
    int kind;
    QEMUBH *bh;             /* pooled with the AIOCB */
    BlockAIOCB *pool_next;
};

enum { AIO_READ, AIO_WRITE, AIO_ZERO, AIO_DISCARD, AIO_FLUSH };

/* Free AIO control blocks for reuse; main loop thread only. */
static BlockAIOCB *acb_pool;

/* Backends have no names here (no devices, no -drive). */
static char *blk_root_get_parent_desc(BdrvChild *child)
{
    return g_strdup("an unnamed block device");
}

static const BdrvChildClass child_root = {
    .parent_is_bds = false,
    .get_parent_desc = blk_root_get_parent_desc,
};

/* A backend over @bs taking @perm; the caller keeps its reference. */
static BlockBackend *blk_attach(BlockDriverState *bs, uint64_t perm,
                                uint64_t shared, Error **errp)
{
    BlockBackend *blk = g_new0(BlockBackend, 1);

    blk->refcnt = 1;
    blk->enable_write_cache = true;
    bdrv_ref(bs);
    blk->root = bdrv_root_attach_child(bs, "root", &child_root,
                                       BDRV_CHILD_DATA | BDRV_CHILD_PRIMARY,
                                       perm, shared, blk, errp);
    if (!blk->root) {
        g_free(blk);
        return NULL;
    }
    return blk;
}

BlockBackend *blk_new_open(const char *filename, const char *reference,
                           QDict *options, int flags, Error **errp)
{
    BlockDriverState *bs = bdrv_open(filename, reference, options, flags, errp);
    BlockBackend *blk;

    if (!bs) {
        return NULL;
    }
    /* A backend opened for writing takes WRITE; to resize, RESIZE. */
    blk = blk_attach(bs, BLK_PERM_CONSISTENT_READ |
                     ((flags & BDRV_O_RDWR) ? BLK_PERM_WRITE : 0) |
                     ((flags & BDRV_O_RESIZE) ? BLK_PERM_RESIZE : 0),
                     BLK_PERM_ALL, errp);
    bdrv_unref(bs);             /* the backend holds the node now */
    return blk;
}

BlockBackend *blk_new_with_bs(BlockDriverState *bs, uint64_t perm,
                              uint64_t shared_perm, Error **errp)
{
    return blk_attach(bs, perm, shared_perm, errp);
}

void blk_unref(BlockBackend *blk)
{
    if (!blk || --blk->refcnt > 0) {
        return;
    }
    blk_drain(blk);
    if (blk->root) {
        BlockDriverState *bs = blk->root->bs;
        bdrv_drain(bs);
        /* Unflushed data must reach the disk before the graph goes away. */
        bdrv_flush(bs);
        bdrv_root_unref_child(blk->root);
    }
    g_free(blk);
}

BlockDriverState *blk_bs(BlockBackend *blk)
{
    return blk->root ? blk->root->bs : NULL;
}

void blk_set_enable_write_cache(BlockBackend *blk, bool wce)
{
    blk->enable_write_cache = wce;
}

bool blk_enable_write_cache(BlockBackend *blk)
{
    return blk->enable_write_cache;
}

void blk_get_perm(BlockBackend *blk, uint64_t *perm, uint64_t *shared_perm)
{
    *perm = blk->root ? blk->root->perm : 0;
    *shared_perm = blk->root ? blk->root->shared_perm : BLK_PERM_ALL;
}

int blk_set_perm(BlockBackend *blk, uint64_t perm, uint64_t shared_perm,
                 Error **errp)
{
    if (!blk->root) {
        return 0;
    }
    if ((perm & BLK_PERM_RESIZE) && bdrv_is_read_only(blk->root->bs)) {
        error_setg(errp, "Block node is read-only");
        return -EPERM;
    }
    return bdrv_child_set_perm(blk->root, perm, shared_perm, errp);
}

int64_t blk_getlength(BlockBackend *blk)
{
    if (!blk->root) {
        return -ENOMEDIUM;
    }
    return bdrv_getlength(blk->root->bs);
}

static int blk_check_byte_request(BlockBackend *blk, int64_t offset,
                                  int64_t bytes)
{
    int64_t len;

    if (bytes < 0) {
        return -EIO;
    }
    if (!blk->root) {
        return -ENOMEDIUM;
    }
    if (offset < 0) {
        return -EIO;
    }
    len = bdrv_getlength(blk->root->bs);
    if (len < 0) {
        return len;
    }
    if (offset > len || len - offset < bytes) {
        return -EIO;
    }
    return 0;
}

int coroutine_fn blk_co_preadv(BlockBackend *blk, int64_t offset,
                               int64_t bytes, QEMUIOVector *qiov,
                               BdrvRequestFlags flags)
{
    int ret = blk_check_byte_request(blk, offset, bytes);

    if (ret < 0) {
        return ret;
    }
    blk->in_flight++;
    ret = bdrv_co_preadv(blk->root, offset, bytes, qiov, flags);
    blk->in_flight--;
    return ret;
}

int coroutine_fn blk_co_splice_read(BlockBackend *blk, int64_t offset,
                                    int64_t bytes, int pipe_fd)
{
    int ret = blk_check_byte_request(blk, offset, bytes);

    if (ret < 0) {
        return ret;
    }
    blk->in_flight++;
    ret = bdrv_co_splice_read(blk->root, offset, bytes, pipe_fd);
    blk->in_flight--;
    return ret;
}

int coroutine_fn blk_co_pwritev(BlockBackend *blk, int64_t offset,
                                int64_t bytes, QEMUIOVector *qiov,
                                BdrvRequestFlags flags)
{
    int ret = blk_check_byte_request(blk, offset, bytes);

    if (ret < 0) {
        return ret;
    }
    if (!blk->enable_write_cache) {
        flags |= BDRV_REQ_FUA;
    }
    blk->in_flight++;
    ret = bdrv_co_pwritev(blk->root, offset, bytes, qiov, flags);
    blk->in_flight--;
    return ret;
}

int coroutine_fn blk_co_pwrite_zeroes(BlockBackend *blk, int64_t offset,
                                      int64_t bytes, BdrvRequestFlags flags)
{
    return blk_co_pwritev(blk, offset, bytes, NULL,
                          flags | BDRV_REQ_ZERO_WRITE);
}

int coroutine_fn blk_co_pdiscard(BlockBackend *blk, int64_t offset,
                                 int64_t bytes)
{
    int ret = blk_check_byte_request(blk, offset, bytes);

    if (ret < 0) {
        return ret;
    }
    blk->in_flight++;
    ret = bdrv_co_pdiscard(blk->root, offset, bytes);
    blk->in_flight--;
    return ret;
}

int coroutine_fn blk_co_flush(BlockBackend *blk)
{
    int ret;

    if (!blk->root) {
        return -ENOMEDIUM;
    }
    blk->in_flight++;
    ret = bdrv_co_flush(blk->root->bs);
    blk->in_flight--;
    return ret;
}

/* ---------- AIO ---------- */

/*
 * AIO requests of every BlockBackend not yet called back.  A request
 * that finishes without yielding calls back from a BH, after its node
 * went idle: draining nodes alone would not wait for that.
 */
static unsigned blk_aio_pending;         /* main loop thread only */

static void blk_aio_complete(BlockAIOCB *acb)
{
    BlockBackend *blk = acb->blk;

    acb->cb(acb->opaque, acb->ret);
    blk->in_flight--;
    blk_aio_pending--;
    acb->pool_next = acb_pool;
    acb_pool = acb;
}

static void blk_aio_complete_bh(void *opaque)
{
    blk_aio_complete(opaque);
}

static void coroutine_fn blk_aio_entry(void *opaque)
{
    BlockAIOCB *acb = opaque;
    BlockBackend *blk = acb->blk;

    switch (acb->kind) {
    case AIO_READ:
        acb->ret = blk_co_preadv(blk, acb->offset, acb->bytes, acb->qiov,
                                 acb->flags);
        break;
    case AIO_WRITE:
        acb->ret = blk_co_pwritev(blk, acb->offset, acb->bytes, acb->qiov,
                                  acb->flags);
        break;
    case AIO_ZERO:
        acb->ret = blk_co_pwrite_zeroes(blk, acb->offset, acb->bytes,
                                        acb->flags);
        break;
    case AIO_DISCARD:
        acb->ret = blk_co_pdiscard(blk, acb->offset, acb->bytes);
        break;
    case AIO_FLUSH:
        acb->ret = blk_co_flush(blk);
        break;
    }
    if (acb->has_returned) {
        blk_aio_complete(acb);
    } else {
        /* Never call back before the submitter got its AIOCB. */
        qemu_bh_schedule(acb->bh);
    }
}

static BlockAIOCB *blk_aio_submit(BlockBackend *blk, int kind,
                                  int64_t offset, int64_t bytes,
                                  QEMUIOVector *qiov, BdrvRequestFlags flags,
                                  BlockCompletionFunc *cb, void *opaque)
{
    BlockAIOCB *acb = acb_pool;

    if (acb) {
        acb_pool = acb->pool_next;
    } else {
        acb = g_new0(BlockAIOCB, 1);
        acb->bh = qemu_bh_new(blk_aio_complete_bh, acb);
    }
    acb->blk = blk;
    acb->kind = kind;
    acb->offset = offset;
    acb->bytes = bytes;
    acb->qiov = qiov;
    acb->flags = flags;
    acb->cb = cb;
    acb->opaque = opaque;
    acb->has_returned = false;
    blk->in_flight++;
    blk_aio_pending++;
    qemu_coroutine_enter(qemu_coroutine_create(blk_aio_entry, acb));
    acb->has_returned = true;
    return acb;
}

BlockAIOCB *blk_aio_preadv(BlockBackend *blk, int64_t offset,
                           QEMUIOVector *qiov, BdrvRequestFlags flags,
                           BlockCompletionFunc *cb, void *opaque)
{
    return blk_aio_submit(blk, AIO_READ, offset, qiov->size, qiov, flags,
                          cb, opaque);
}

BlockAIOCB *blk_aio_pwritev(BlockBackend *blk, int64_t offset,
                            QEMUIOVector *qiov, BdrvRequestFlags flags,
                            BlockCompletionFunc *cb, void *opaque)
{
    return blk_aio_submit(blk, AIO_WRITE, offset, qiov->size, qiov, flags,
                          cb, opaque);
}

BlockAIOCB *blk_aio_pwrite_zeroes(BlockBackend *blk, int64_t offset,
                                  int64_t bytes, BdrvRequestFlags flags,
                                  BlockCompletionFunc *cb, void *opaque)
{
    return blk_aio_submit(blk, AIO_ZERO, offset, bytes, NULL, flags, cb,
                          opaque);
}

BlockAIOCB *blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb,
                          void *opaque)
{
    return blk_aio_submit(blk, AIO_FLUSH, 0, 0, NULL, 0, cb, opaque);
}

/* ---------- Synchronous ---------- */

typedef struct BlkSync {
    int ret;
    bool done;
} BlkSync;

static void blk_sync_cb(void *opaque, int ret)
{
    BlkSync *s = opaque;

    s->ret = ret;
    s->done = true;
}

static int blk_sync(BlockBackend *blk, int kind, int64_t offset,
                    int64_t bytes, QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    BlkSync s = { 0 };

    blk_aio_submit(blk, kind, offset, bytes, qiov, flags, blk_sync_cb, &s);
    AIO_WAIT_WHILE(!s.done);
    return s.ret;
}

static int blk_preadv(BlockBackend *blk, int64_t offset, int64_t bytes,
                      QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    return blk_sync(blk, AIO_READ, offset, bytes, qiov, flags);
}

static int blk_pwritev(BlockBackend *blk, int64_t offset, int64_t bytes,
                       QEMUIOVector *qiov, BdrvRequestFlags flags)
{
    return blk_sync(blk, AIO_WRITE, offset, bytes, qiov, flags);
}

int blk_pread(BlockBackend *blk, int64_t offset, int64_t bytes, void *buf,
              BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

    if (bytes < 0) {
        return -EIO;
    }
    qemu_iovec_init_buf(&qiov, buf, bytes);
    return blk_preadv(blk, offset, bytes, &qiov, flags);
}

int blk_pwrite(BlockBackend *blk, int64_t offset, int64_t bytes,
               const void *buf, BdrvRequestFlags flags)
{
    QEMUIOVector qiov;

    if (bytes < 0) {
        return -EIO;
    }
    qemu_iovec_init_buf(&qiov, (void *)buf, bytes);
    return blk_pwritev(blk, offset, bytes, &qiov, flags);
}

int blk_pwrite_zeroes(BlockBackend *blk, int64_t offset, int64_t bytes,
                      BdrvRequestFlags flags)
{
    return blk_sync(blk, AIO_ZERO, offset, bytes, NULL, flags);
}

int blk_pdiscard(BlockBackend *blk, int64_t offset, int64_t bytes)
{
    return blk_sync(blk, AIO_DISCARD, offset, bytes, NULL, 0);
}

int blk_flush(BlockBackend *blk)
{
    return blk_sync(blk, AIO_FLUSH, 0, 0, NULL, 0);
}

typedef struct BlkTruncate {
    BlockBackend *blk;
    int64_t offset;
    bool exact;
    Error **errp;
    int ret;
    bool done;
} BlkTruncate;

static void coroutine_fn blk_truncate_entry(void *opaque)
{
    BlkTruncate *t = opaque;

    t->ret = bdrv_co_truncate(t->blk->root, t->offset, t->exact, t->errp);
    t->done = true;
}

int blk_truncate(BlockBackend *blk, int64_t offset, bool exact, Error **errp)
{
    BlkTruncate t = { .blk = blk, .offset = offset, .exact = exact,
                      .errp = errp };

    if (!blk->root) {
        error_setg(errp, "No medium inserted");
        return -ENOMEDIUM;
    }
    qemu_coroutine_enter(qemu_coroutine_create(blk_truncate_entry, &t));
    AIO_WAIT_WHILE(!t.done);
    return t.ret;
}

void blk_drain(BlockBackend *blk)
{
    AIO_WAIT_WHILE(blk->in_flight > 0);
}

void blk_drain_all(void)
{
    /* As QEMU: every BlockBackend's requests, callbacks included. */
    AIO_WAIT_WHILE(blk_aio_pending > 0);
    bdrv_drain_all();
}

int blk_block_status(BlockBackend *blk, int64_t offset, int64_t bytes,
                     int64_t *pnum, int64_t *map, BlockDriverState **file)
{
    return bdrv_block_status(blk_bs(blk), offset, bytes, pnum, map, file);
}
