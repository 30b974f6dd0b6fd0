/*
 * The request path: bounds, alignment, request flags emulation, flush
 * ordering, block status, and the synchronous wrappers.
 *
 * Byte-granular drivers (null-co, quorum, raw over a buffered file) go
 * straight to the driver.  Drivers with a request_alignment above one
 * (O_DIRECT files, blkdebug align=) get head/tail padding here, with
 * read-modify-write requests serialised against overlapping requests.
 * Writes are tracked by range so that write watches (repairs) can tell
 * whether a write overlapped what they read.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "block/dirty-bitmap.h"

/* Largest buffer used to emulate write-zeroes. */
#define MAX_ZERO_BOUNCE (1 * MiB)

static int bdrv_check_request(int64_t offset, int64_t bytes, Error **errp)
{
    if (offset < 0) {
        error_setg(errp, "offset is negative: %" PRIi64, offset);
        return -EIO;
    }
    if (bytes < 0) {
        error_setg(errp, "bytes is negative: %" PRIi64, bytes);
        return -EIO;
    }
    if (bytes > BDRV_MAX_LENGTH || offset > BDRV_MAX_LENGTH - bytes) {
        error_setg(errp, "request out of range");
        return -EIO;
    }
    return 0;
}

void bdrv_inc_in_flight(BlockDriverState *bs)
{
    bs->in_flight++;
}

void bdrv_dec_in_flight(BlockDriverState *bs)
{
    if (--bs->in_flight == 0 && bs->quiesce_drainer) {
        Coroutine *co = bs->quiesce_drainer;

        bs->quiesce_drainer = NULL;
        aio_co_wake(co);
    }
}

size_t bdrv_opt_mem_align(BlockDriverState *bs)
{
    return bs && bs->bl.opt_mem_alignment ? bs->bl.opt_mem_alignment :
           qemu_real_host_page_size();
}

void *qemu_blockalign(BlockDriverState *bs, size_t size)
{
    return qemu_memalign(bdrv_opt_mem_align(bs), size);
}

void *qemu_try_blockalign(BlockDriverState *bs, size_t size)
{
    return qemu_try_memalign(bdrv_opt_mem_align(bs), size);
}

/* ---------- Serialisation of padded requests ---------- */

static bool tracked_overlaps(BdrvTrackedRequest *a, int64_t offset,
                             int64_t bytes)
{
    return offset < a->offset + a->bytes && a->offset < offset + bytes;
}

static void tracked_request_insert(BlockDriverState *bs,
                                   BdrvTrackedRequest *req,
                                   int64_t offset, int64_t bytes,
                                   bool is_write, bool serialising)
{
    req->offset = offset;
    req->bytes = bytes;
    req->is_write = is_write;
    req->serialising = serialising;
    qemu_co_queue_init(&req->wait_queue);
    QLIST_INSERT_HEAD(&bs->tracked_requests, req, next);
    if (serialising) {
        bs->serialising_in_flight++;
    }
}

/* A write to [offset, offset+bytes) may run: tell the watches (but @self). */
static void write_watches_mark(BlockDriverState *bs, int64_t offset,
                               int64_t bytes, BdrvWriteWatch *self)
{
    BdrvWriteWatch *w;

    QLIST_FOREACH(w, &bs->write_watches, next) {
        if (w != self && offset < w->offset + w->bytes &&
            w->offset < offset + bytes) {
            w->overlapped = true;
        }
    }
}

/*
 * Register [offset, offset+bytes) and wait until no conflicting request is
 * in flight: serialising requests conflict with everything overlapping,
 * others only with serialising ones.
 */
static void coroutine_fn tracked_request_begin(BlockDriverState *bs,
                                               BdrvTrackedRequest *req,
                                               int64_t offset, int64_t bytes,
                                               bool is_write, bool serialising)
{
    BdrvTrackedRequest *other;
    bool waited;

    do {
        waited = false;
        if (!serialising && !bs->serialising_in_flight) {
            break;              /* nothing can conflict: skip the scan */
        }
        QLIST_FOREACH(other, &bs->tracked_requests, next) {
            if ((serialising || other->serialising) &&
                tracked_overlaps(other, offset, bytes)) {
                qemu_co_queue_wait(&other->wait_queue);
                waited = true;
                break;
            }
        }
    } while (waited);
    tracked_request_insert(bs, req, offset, bytes, is_write, serialising);
    if (is_write) {
        write_watches_mark(bs, offset, bytes, NULL);
    }
}

static void tracked_request_end(BlockDriverState *bs, BdrvTrackedRequest *req)
{
    if (req->serialising) {
        bs->serialising_in_flight--;
    }
    QLIST_REMOVE(req, next);
    qemu_co_queue_restart_all(&req->wait_queue);
}

/* ---------- Write watches ---------- */

void bdrv_write_watch_begin(BlockDriverState *bs, BdrvWriteWatch *w,
                            int64_t offset, int64_t bytes)
{
    BdrvTrackedRequest *req;

    w->offset = offset;
    w->bytes = bytes;
    w->overlapped = false;
    w->fenced = false;
    /* A write in flight may land on some children before the read. */
    QLIST_FOREACH(req, &bs->tracked_requests, next) {
        if (req->is_write && tracked_overlaps(req, offset, bytes)) {
            w->overlapped = true;
            break;
        }
    }
    QLIST_INSERT_HEAD(&bs->write_watches, w, next);
}

bool bdrv_write_watch_fence(BlockDriverState *bs, BdrvWriteWatch *w)
{
    assert(!w->fenced);
    if (w->overlapped) {
        return false;
    }
    /*
     * Every write that overlapped since begin marked the watch, so none
     * is in flight now and the fence goes in without waiting (waiting
     * would let a write slip in).  Reads in flight may finish: they see
     * the old data or the repaired, both what the vote saw.  The fence
     * counts as a write for other watches, so that they do not repair
     * the same range with what they read before it.
     */
    tracked_request_insert(bs, &w->fence, w->offset, w->bytes, true, true);
    write_watches_mark(bs, w->offset, w->bytes, w);
    w->fenced = true;
    return true;
}

void bdrv_write_watch_end(BlockDriverState *bs, BdrvWriteWatch *w)
{
    if (w->fenced) {
        tracked_request_end(bs, &w->fence);
        w->fenced = false;
    }
    QLIST_REMOVE(w, next);
}

/* ---------- Quiescing ---------- */

/*
 * Requests come in through edges; while the node is quiesced they wait
 * here, before they count as in flight, and read the edge again when
 * woken: bdrv_replace_node() may have moved it meanwhile.
 */
static BlockDriverState *coroutine_fn bdrv_wait_unquiesced(BdrvChild *child)
{
    while (child->bs->quiesce_counter) {
        qemu_co_queue_wait(&child->bs->quiesce_waiters);
    }
    return child->bs;
}

void coroutine_fn bdrv_co_quiesce_begin(BlockDriverState *bs)
{
    bs->quiesce_counter++;
    /* The last request to finish wakes us (bdrv_dec_in_flight). */
    while (bs->in_flight) {
        assert(!bs->quiesce_drainer);
        bs->quiesce_drainer = qemu_coroutine_self();
        qemu_coroutine_yield();
    }
}

void bdrv_quiesce_end(BlockDriverState *bs)
{
    assert(bs->quiesce_counter > 0);
    if (--bs->quiesce_counter == 0) {
        qemu_co_queue_restart_all(&bs->quiesce_waiters);
    }
}

/* ---------- Reads ---------- */

/* Aligned read, zero-filling what lies past the end of the node. */
static int coroutine_fn bdrv_aligned_preadv(BlockDriverState *bs,
                                            int64_t offset, int64_t bytes,
                                            QEMUIOVector *qiov)
{
    BlockDriver *drv = bs->drv;
    int64_t total = bs->total_sectors * BDRV_SECTOR_SIZE;
    int64_t max_transfer = bs->bl.max_transfer;
    int64_t readable, done = 0;
    int ret;

    if (offset >= total) {
        qemu_iovec_memset(qiov, 0, 0, bytes);
        return 0;
    }
    /* Whole blocks past the end are read; the driver pads with zeroes. */
    readable = MIN(bytes, QEMU_ALIGN_UP(total - offset,
                                        MAX(bs->bl.request_alignment, 1)));
    if (!max_transfer) {
        max_transfer = BDRV_REQUEST_MAX_BYTES;
    }
    if (readable <= max_transfer && readable == bytes) {
        return drv->bdrv_co_preadv(bs, offset, bytes, qiov, 0);
    }
    while (done < readable) {
        QEMUIOVector part;
        int64_t n = MIN(readable - done, max_transfer);

        qemu_iovec_init_slice(&part, qiov, done, n);
        ret = drv->bdrv_co_preadv(bs, offset + done, n, &part, 0);
        qemu_iovec_destroy(&part);
        if (ret < 0) {
            return ret;
        }
        done += n;
    }
    if (readable < bytes) {
        qemu_iovec_memset(qiov, readable, 0, bytes - readable);
    }
    return 0;
}

int coroutine_fn bdrv_co_preadv(BdrvChild *child, int64_t offset,
                                int64_t bytes, QEMUIOVector *qiov,
                                BdrvRequestFlags flags)
{
    BlockDriverState *bs = bdrv_wait_unquiesced(child);
    uint32_t align;
    int64_t head, tail;
    BdrvTrackedRequest req;
    int ret;

    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    ret = bdrv_check_request(offset, bytes, NULL);
    if (ret < 0) {
        return ret;
    }
    if (bytes == 0) {
        return 0;
    }
    if (!bs->drv->bdrv_co_preadv) {
        return -ENOTSUP;
    }

    bdrv_inc_in_flight(bs);
    align = bs->bl.request_alignment ? bs->bl.request_alignment : 1;
    head = offset % align;
    tail = (offset + bytes) % align;
    if (align == 1 || (!head && !tail)) {
        if (bs->serialising_in_flight) {
            tracked_request_begin(bs, &req, offset, bytes, false, false);
            ret = bdrv_aligned_preadv(bs, offset, bytes, qiov);
            tracked_request_end(bs, &req);
        } else {
            ret = bdrv_aligned_preadv(bs, offset, bytes, qiov);
        }
    } else {
        /* Read the covering aligned range into a bounce buffer. */
        int64_t aoff = offset - head;
        int64_t alen = QEMU_ALIGN_UP(offset + bytes, align) - aoff;
        void *buf = qemu_try_blockalign(bs, alen);
        QEMUIOVector bqiov;

        if (!buf) {
            ret = -ENOMEM;
            goto out;
        }
        qemu_iovec_init_buf(&bqiov, buf, alen);
        tracked_request_begin(bs, &req, aoff, alen, false, false);
        ret = bdrv_aligned_preadv(bs, aoff, alen, &bqiov);
        tracked_request_end(bs, &req);
        if (ret == 0) {
            qemu_iovec_from_buf(qiov, 0, (char *)buf + head, bytes);
        }
        qemu_vfree(buf);
    }
out:
    bdrv_dec_in_flight(bs);
    return ret;
}

/* ---------- Writes ---------- */

static int coroutine_fn bdrv_co_do_zero_pwritev(BlockDriverState *bs,
                                                int64_t offset, int64_t bytes,
                                                BdrvRequestFlags flags);

/*
 * Write-zeroes through the driver in pieces it accepts (alignment and
 * maximum from bs->bl), falling back to writing zero buffers.
 */
static int coroutine_fn bdrv_driver_pwrite_zeroes(BlockDriverState *bs,
                                                  int64_t offset,
                                                  int64_t bytes,
                                                  BdrvRequestFlags flags)
{
    BlockDriver *drv = bs->drv;
    int64_t max_zeroes = MIN_NON_ZERO(bs->bl.max_pwrite_zeroes, INT64_MAX);
    int64_t max_transfer = MIN_NON_ZERO(bs->bl.max_transfer, MAX_ZERO_BOUNCE);
    uint32_t align = MAX(bs->bl.pwrite_zeroes_alignment,
                         bs->bl.request_alignment);
    int64_t head = offset % align;
    int64_t tail = (offset + bytes) % align;
    bool need_flush = false;
    void *buf = NULL;
    int ret = 0;

    if (!(bs->supported_zero_flags & BDRV_REQ_FUA) && (flags & BDRV_REQ_FUA)) {
        flags &= ~BDRV_REQ_FUA;
        need_flush = true;
    }
    max_zeroes = MAX(QEMU_ALIGN_DOWN(max_zeroes, align), align);
    while (bytes > 0 && ret == 0) {
        int64_t num = bytes;

        if (head) {
            /* Unaligned head: a piece up to the next boundary. */
            num = MIN(MIN(bytes, max_transfer), align - head);
            head = (head + num) % align;
        } else if (tail && num > align) {
            /* Leave the unaligned tail for a piece of its own. */
            num -= tail;
        }
        num = MIN(num, max_zeroes);

        ret = -ENOTSUP;
        if (drv->bdrv_co_pwrite_zeroes) {
            ret = drv->bdrv_co_pwrite_zeroes(bs, offset, num,
                                             flags & (bs->supported_zero_flags |
                                                      BDRV_REQ_MAY_UNMAP |
                                                      BDRV_REQ_NO_FALLBACK));
        }
        if (ret == -ENOTSUP && !(flags & BDRV_REQ_NO_FALLBACK)) {
            int64_t done = 0;

            if (!buf) {
                buf = qemu_try_blockalign(bs, MIN(num, max_transfer));
                if (!buf) {
                    ret = -ENOMEM;
                    break;
                }
                memset(buf, 0, MIN(num, max_transfer));
            }
            ret = 0;
            while (done < num && ret == 0) {
                int64_t n = MIN(num - done, max_transfer);
                QEMUIOVector qiov;

                qemu_iovec_init_buf(&qiov, buf, n);
                ret = drv->bdrv_co_pwritev(bs, offset + done, n, &qiov,
                                           flags & bs->supported_write_flags &
                                           BDRV_REQ_FUA);
                done += n;
            }
        }
        offset += num;
        bytes -= num;
    }
    qemu_vfree(buf);
    if (ret == 0 && need_flush) {
        ret = bdrv_co_flush(bs);
    }
    return ret;
}

/* Aligned write of data (qiov) or zeroes (qiov NULL). */
static int coroutine_fn bdrv_aligned_pwritev(BlockDriverState *bs,
                                             int64_t offset, int64_t bytes,
                                             QEMUIOVector *qiov,
                                             BdrvRequestFlags flags)
{
    BlockDriver *drv = bs->drv;
    int64_t max_transfer = bs->bl.max_transfer;
    int ret;

    bdrv_debug_event(bs, (flags & BDRV_REQ_ZERO_WRITE) ? BLKDBG_PWRITEV_ZERO :
                     BLKDBG_PWRITEV);
    if (flags & BDRV_REQ_ZERO_WRITE) {
        /* May unmap: forget the range as data, also once it is done. */
        bdrv_bsc_invalidate(bs, offset, bytes);
        ret = bdrv_driver_pwrite_zeroes(bs, offset, bytes, flags);
        bdrv_bsc_invalidate(bs, offset, bytes);
    } else {
        bool emulate_fua = (flags & BDRV_REQ_FUA) &&
                           !(bs->supported_write_flags & BDRV_REQ_FUA);
        BdrvRequestFlags dflags = flags & bs->supported_write_flags;

        if (!max_transfer) {
            max_transfer = BDRV_REQUEST_MAX_BYTES;
        }
        if (bytes <= max_transfer) {
            ret = drv->bdrv_co_pwritev(bs, offset, bytes, qiov, dflags);
        } else {
            int64_t done = 0;
            ret = 0;
            while (done < bytes && ret == 0) {
                QEMUIOVector part;
                int64_t n = MIN(bytes - done, max_transfer);

                qemu_iovec_init_slice(&part, qiov, done, n);
                ret = drv->bdrv_co_pwritev(bs, offset + done, n, &part,
                                           dflags);
                qemu_iovec_destroy(&part);
                done += n;
            }
        }
        if (ret == 0 && emulate_fua) {
            ret = bdrv_co_flush(bs);
        }
    }
    bs->write_gen++;
    bdrv_debug_event(bs, BLKDBG_PWRITEV_DONE);
    if (ret == 0) {
        int64_t end = offset + bytes;
        if (end > bs->total_sectors * (int64_t)BDRV_SECTOR_SIZE) {
            bs->total_sectors = DIV_ROUND_UP(end, BDRV_SECTOR_SIZE);
        }
    }
    return ret;
}

/*
 * Unaligned write: read the partial head and tail blocks, merge, write
 * the aligned range.  The request is serialising for its duration.
 */
static int coroutine_fn bdrv_co_pwritev_rmw(BlockDriverState *bs,
                                            int64_t offset, int64_t bytes,
                                            QEMUIOVector *qiov,
                                            BdrvRequestFlags flags,
                                            uint32_t align)
{
    int64_t head = offset % align;
    int64_t aoff = offset - head;
    int64_t aend = QEMU_ALIGN_UP(offset + bytes, align);
    int64_t alen = aend - aoff;
    BdrvTrackedRequest req;
    QEMUIOVector bqiov;
    uint8_t *buf;
    int ret;

    buf = qemu_try_blockalign(bs, alen);
    if (!buf) {
        return -ENOMEM;
    }
    tracked_request_begin(bs, &req, aoff, alen, true, true);

    qemu_iovec_init_buf(&bqiov, buf, align);
    if (head) {
        /* Head and tail in one block: one read, both sets of events. */
        bool merged = (offset + bytes) % align && alen == align;

        bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_HEAD);
        if (merged) {
            bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_TAIL);
        }
        ret = bdrv_aligned_preadv(bs, aoff, align, &bqiov);
        if (ret < 0) {
            goto out;
        }
        bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_AFTER_HEAD);
        if (merged) {
            bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_AFTER_TAIL);
        }
    }
    if ((offset + bytes) % align && (aend - align > aoff || !head)) {
        qemu_iovec_init_buf(&bqiov, buf + alen - align, align);
        bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_TAIL);
        ret = bdrv_aligned_preadv(bs, aend - align, align, &bqiov);
        if (ret < 0) {
            goto out;
        }
        bdrv_debug_event(bs, BLKDBG_PWRITEV_RMW_AFTER_TAIL);
    }
    if (qiov) {
        qemu_iovec_to_buf(qiov, 0, buf + head, bytes);
    } else {
        memset(buf + head, 0, bytes);
    }
    qemu_iovec_init_buf(&bqiov, buf, alen);
    ret = bdrv_aligned_pwritev(bs, aoff, alen, &bqiov,
                               flags & ~BDRV_REQ_ZERO_WRITE);
out:
    tracked_request_end(bs, &req);
    qemu_vfree(buf);
    return ret;
}

static int coroutine_fn bdrv_co_do_pwritev(BlockDriverState *bs,
                                           int64_t offset, int64_t bytes,
                                           QEMUIOVector *qiov,
                                           BdrvRequestFlags flags)
{
    uint32_t align;
    BdrvTrackedRequest req;
    int ret;

    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    if (bs->read_only) {
        return -EPERM;
    }
    ret = bdrv_check_request(offset, bytes, NULL);
    if (ret < 0) {
        return ret;
    }
    if (flags & BDRV_REQ_WRITE_COMPRESSED) {
        /* No driver here stores compressed clusters. */
        return -ENOTSUP;
    }
    if (bytes == 0 && !(flags & BDRV_REQ_ZERO_WRITE)) {
        return 0;
    }
    if (!bs->drv->bdrv_co_pwritev && !(flags & BDRV_REQ_ZERO_WRITE)) {
        return -ENOTSUP;
    }

    bdrv_inc_in_flight(bs);
    align = bs->bl.request_alignment ? bs->bl.request_alignment : 1;
    if (align == 1 || (QEMU_IS_ALIGNED(offset, align) &&
                       QEMU_IS_ALIGNED(bytes, align))) {
        /* Always tracked: write watches look for writes in flight. */
        tracked_request_begin(bs, &req, offset, bytes, true, false);
        ret = bdrv_aligned_pwritev(bs, offset, bytes, qiov, flags);
        tracked_request_end(bs, &req);
    } else if (flags & BDRV_REQ_ZERO_WRITE) {
        ret = bdrv_co_do_zero_pwritev(bs, offset, bytes, flags);
    } else {
        ret = bdrv_co_pwritev_rmw(bs, offset, bytes, qiov, flags, align);
    }
    /* Once done: a job that copied the range before must copy it again. */
    bdrv_set_dirty(bs, offset, bytes);
    bdrv_dec_in_flight(bs);
    return ret;
}

/* Unaligned write-zeroes: pad head and tail, zero the aligned middle. */
static int coroutine_fn bdrv_co_do_zero_pwritev(BlockDriverState *bs,
                                                int64_t offset, int64_t bytes,
                                                BdrvRequestFlags flags)
{
    uint32_t align = bs->bl.request_alignment;
    int64_t first_aligned = QEMU_ALIGN_UP(offset, align);
    int64_t last_aligned = QEMU_ALIGN_DOWN(offset + bytes, align);
    int ret = 0;

    flags &= ~BDRV_REQ_ZERO_WRITE;
    if (first_aligned >= last_aligned) {
        /* Everything is within partial blocks. */
        return bdrv_co_pwritev_rmw(bs, offset, bytes, NULL, flags, align);
    }
    if (offset < first_aligned) {
        ret = bdrv_co_pwritev_rmw(bs, offset, first_aligned - offset, NULL,
                                  flags, align);
        if (ret < 0) {
            return ret;
        }
    }
    {
        BdrvTrackedRequest req;
        tracked_request_begin(bs, &req, first_aligned,
                              last_aligned - first_aligned, true, false);
        ret = bdrv_aligned_pwritev(bs, first_aligned,
                                   last_aligned - first_aligned, NULL,
                                   flags | BDRV_REQ_ZERO_WRITE);
        tracked_request_end(bs, &req);
        if (ret < 0) {
            return ret;
        }
    }
    if (last_aligned < offset + bytes) {
        ret = bdrv_co_pwritev_rmw(bs, last_aligned,
                                  offset + bytes - last_aligned, NULL,
                                  flags, align);
    }
    return ret;
}

/*
 * A parent writes through @child only with the permission it took: WRITE,
 * or WRITE_UNCHANGED for data that stays the same, and RESIZE to write
 * past the end (which grows the node).  QEMU asserts this in
 * bdrv_co_write_req_prepare(); a request that breaks it fails here.
 */
static int bdrv_check_write_req(BdrvChild *child, int64_t offset,
                                int64_t bytes, BdrvRequestFlags flags)
{
    BlockDriverState *bs = child->bs;
    int64_t end = bytes > INT64_MAX - offset ? INT64_MAX : offset + bytes;

    if (!(child->perm & BLK_PERM_WRITE) &&
        !((flags & BDRV_REQ_WRITE_UNCHANGED) &&
          (child->perm & BLK_PERM_WRITE_UNCHANGED))) {
        return -EPERM;
    }
    if (end > bs->total_sectors * BDRV_SECTOR_SIZE &&
        !(child->perm & BLK_PERM_RESIZE)) {
        return -EPERM;
    }
    return 0;
}

/*
 * Only the plain case: an aligned range inside the node, no request it
 * must wait for.  Everything else (padding, serialised requests, drivers
 * that copy or vote) takes bdrv_co_preadv(), which the caller falls back
 * to.
 */
int coroutine_fn bdrv_co_splice_read(BdrvChild *child, int64_t offset,
                                     int64_t bytes, int pipe_fd)
{
    BlockDriverState *bs = bdrv_wait_unquiesced(child);
    uint32_t align;
    int ret;

    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    ret = bdrv_check_request(offset, bytes, NULL);
    if (ret < 0) {
        return ret;
    }
    align = bs->bl.request_alignment ? bs->bl.request_alignment : 1;
    if (!bs->drv->bdrv_co_splice_read || bytes == 0 ||
        offset % align || bytes % align || bs->serialising_in_flight ||
        offset + bytes > bs->total_sectors * BDRV_SECTOR_SIZE) {
        return -ENOTSUP;
    }
    bdrv_inc_in_flight(bs);
    ret = bs->drv->bdrv_co_splice_read(bs, offset, bytes, pipe_fd);
    bdrv_dec_in_flight(bs);
    return ret;
}

int coroutine_fn bdrv_co_pwritev(BdrvChild *child, int64_t offset,
                                 int64_t bytes, QEMUIOVector *qiov,
                                 BdrvRequestFlags flags)
{
    int ret;

    bdrv_wait_unquiesced(child);
    ret = bdrv_check_write_req(child, offset, bytes, flags);
    if (ret < 0) {
        return ret;
    }
    if (flags & BDRV_REQ_ZERO_WRITE) {
        qiov = NULL;
    }
    return bdrv_co_do_pwritev(child->bs, offset, bytes, qiov, flags);
}

int coroutine_fn bdrv_co_pwrite_zeroes(BdrvChild *child, int64_t offset,
                                       int64_t bytes, BdrvRequestFlags flags)
{
    return bdrv_co_pwritev(child, offset, bytes, NULL,
                           flags | BDRV_REQ_ZERO_WRITE);
}

/*
 * Discard in pieces the driver accepts: unaligned head and tail pieces on
 * their own, the middle in aligned chunks no larger than max_pdiscard.
 * Pieces the driver cannot discard are simply kept (-ENOTSUP is fine).
 */
static int coroutine_fn bdrv_co_pdiscard_pieces(BlockDriverState *bs,
                                                int64_t offset, int64_t bytes)
{
    uint32_t ralign = bs->bl.request_alignment;
    uint32_t align = MAX(bs->bl.pdiscard_alignment, ralign);
    int64_t max_pdiscard = MIN_NON_ZERO(bs->bl.max_pdiscard, INT64_MAX);
    int64_t head = offset % align;
    int64_t tail = (offset + bytes) % align;

    max_pdiscard = MAX(QEMU_ALIGN_DOWN(max_pdiscard, align), align);
    while (bytes > 0) {
        int64_t num = bytes;
        int ret;

        if (head) {
            num = MIN(bytes, align - head);
            if (!QEMU_IS_ALIGNED(num, ralign)) {
                num %= ralign;
            }
            head = (head + num) % align;
        } else if (tail) {
            if (num > align) {
                num -= tail;
            } else if (!QEMU_IS_ALIGNED(tail, ralign) && tail > ralign) {
                tail %= ralign;
                num -= tail;
            }
        }
        num = MIN(num, max_pdiscard);
        if (QEMU_IS_ALIGNED(offset, ralign) && QEMU_IS_ALIGNED(num, ralign)) {
            ret = bs->drv->bdrv_co_pdiscard(bs, offset, num);
            if (ret < 0 && ret != -ENOTSUP) {
                return ret;
            }
        }
        offset += num;
        bytes -= num;
    }
    return 0;
}

int coroutine_fn bdrv_co_pdiscard(BdrvChild *child, int64_t offset,
                                  int64_t bytes)
{
    BlockDriverState *bs = bdrv_wait_unquiesced(child);
    BdrvTrackedRequest req;
    int ret;

    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    ret = bdrv_check_request(offset, bytes, NULL);
    if (ret < 0) {
        return ret;
    }
    if (bs->read_only || !(child->perm & BLK_PERM_WRITE)) {
        return -EPERM;
    }
    /* Discards are advisory: ignored unless discard=unmap. */
    if (!(bs->open_flags & BDRV_O_UNMAP) || !bs->drv->bdrv_co_pdiscard ||
        bytes == 0) {
        return 0;
    }
    bdrv_inc_in_flight(bs);
    tracked_request_begin(bs, &req, offset, bytes, true, false);
    bdrv_bsc_invalidate(bs, offset, bytes);
    ret = bdrv_co_pdiscard_pieces(bs, offset, bytes);
    bdrv_set_dirty(bs, offset, bytes);
    bdrv_bsc_invalidate(bs, offset, bytes);
    tracked_request_end(bs, &req);
    bs->write_gen++;
    bdrv_dec_in_flight(bs);
    return ret;
}

/* ---------- Truncate ---------- */

/* Resize the node below @child, which must hold RESIZE. */
int coroutine_fn bdrv_co_truncate(BdrvChild *child, int64_t offset,
                                  bool exact, Error **errp)
{
    BlockDriverState *bs = bdrv_wait_unquiesced(child);
    BdrvTrackedRequest req;
    int64_t from;
    int ret;

    if (!bs->drv) {
        error_setg(errp, "No medium inserted");
        return -ENOMEDIUM;
    }
    if (!bs->drv->bdrv_co_truncate) {
        error_setg(errp, "Image format driver does not support resize");
        return -ENOTSUP;
    }
    if (bs->read_only) {
        error_setg(errp, "Image is read-only");
        return -EACCES;
    }
    if (!(child->perm & BLK_PERM_RESIZE)) {
        error_setg(errp, "Cannot resize node '%s' without the 'resize' "
                   "permission", bdrv_get_node_name(bs));
        return -EPERM;
    }
    if (offset < 0) {
        error_setg(errp, "Image size cannot be negative");
        return -EINVAL;
    }
    bdrv_inc_in_flight(bs);
    /* Everything from the lower of both ends on changes. */
    from = MIN(offset, MAX(bdrv_getlength(bs), 0));
    tracked_request_begin(bs, &req, from, INT64_MAX - from, true, false);
    ret = bs->drv->bdrv_co_truncate(bs, offset, exact, errp);
    if (ret == 0) {
        bdrv_refresh_total_sectors(bs, offset);
        bdrv_set_dirty(bs, from, INT64_MAX - from);
    }
    tracked_request_end(bs, &req);
    bs->write_gen++;
    bdrv_dec_in_flight(bs);
    return ret;
}

/* ---------- Flush ---------- */

int coroutine_fn bdrv_co_flush(BlockDriverState *bs)
{
    BlockDriver *drv = bs->drv;
    BdrvChild *primary = bs->file;
    BdrvChild *c;
    uint64_t current_gen;
    int ret = 0;

    if (!drv || bs->read_only) {
        return 0;
    }
    bdrv_inc_in_flight(bs);
    current_gen = bs->write_gen;

    if (drv->bdrv_co_flush) {
        ret = drv->bdrv_co_flush(bs);
        goto out;
    }
    BLKDBG_EVENT(primary, BLKDBG_FLUSH_TO_OS);
    if (drv->bdrv_co_flush_to_os) {
        ret = drv->bdrv_co_flush_to_os(bs);
        if (ret < 0) {
            goto out;
        }
    }
    if (bs->open_flags & BDRV_O_NO_FLUSH) {
        goto flush_children;
    }
    /* Nothing written since the last successful flush. */
    if (bs->flushed_gen == current_gen) {
        goto flush_children;
    }
    BLKDBG_EVENT(primary, BLKDBG_FLUSH_TO_DISK);
    if (drv->bdrv_co_flush_to_disk) {
        ret = drv->bdrv_co_flush_to_disk(bs);
        if (ret < 0) {
            goto out;
        }
    }
flush_children:
    QLIST_FOREACH(c, &bs->children, next) {
        if (c->perm & (BLK_PERM_WRITE | BLK_PERM_WRITE_UNCHANGED)) {
            int r = bdrv_co_flush(c->bs);
            if (!ret) {
                ret = r;
            }
        }
    }
out:
    if (ret == 0) {
        bs->flushed_gen = current_gen;
    }
    bdrv_dec_in_flight(bs);
    return ret;
}

/* ---------- Block-status cache ---------- */

/*
 * Asking a file where its data lies costs two lseek() calls, and on tmpfs
 * SEEK_HOLE walks the page cache (about a millisecond over a 256 MiB
 * file).  Reads through an NBD export ask before every read, so each node
 * remembers a few ranges its driver reported as plain data
 * (BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID at the same offset of the
 * node itself), as QEMU 6.2+ remembers one.  Nothing else is cached:
 * a stale "data" costs a read, a stale "zero" would hide one.
 *
 * Writing data cannot turn data into a hole, so plain writes keep the
 * cache; write-zeroes and discard may (they may unmap), and truncation
 * may, so they invalidate, before and after the driver runs.  The
 * generation keeps a status query that yields across an invalidation
 * from filling in what it learnt before it.  Changes made behind the
 * block layer's back (another process writing the file) are not seen,
 * as in QEMU; they can only make us read, never skip.
 */

void bdrv_bsc_invalidate(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    int64_t end = bytes > INT64_MAX - offset ? INT64_MAX : offset + bytes;

    bs->bsc_gen++;
    for (int i = 0; i < BDRV_BSC_SLOTS; i++) {
        BdrvDataRegion *r = &bs->bsc[i];

        if (r->start < end && offset < r->end) {
            r->start = r->end = 0;
        }
    }
}

/* Is @offset in a known data range?  Then *pnum is its length from there. */
static bool bdrv_bsc_lookup(BlockDriverState *bs, int64_t offset,
                            int64_t *pnum)
{
    for (int i = 0; i < BDRV_BSC_SLOTS; i++) {
        BdrvDataRegion *r = &bs->bsc[i];

        if (r->start <= offset && offset < r->end) {
            *pnum = r->end - offset;
            return true;
        }
    }
    return false;
}

static void bdrv_bsc_fill(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    BdrvDataRegion *slot = NULL;

    /* A range overlapping a known one supersedes it (the newer answer). */
    for (int i = 0; i < BDRV_BSC_SLOTS; i++) {
        if (bs->bsc[i].start < offset + bytes && offset < bs->bsc[i].end) {
            slot = &bs->bsc[i];
            break;
        }
    }
    if (!slot) {
        slot = &bs->bsc[bs->bsc_next];
        bs->bsc_next = (bs->bsc_next + 1) % BDRV_BSC_SLOTS;
    }
    slot->start = offset;
    slot->end = offset + bytes;
}

/* ---------- Block status ---------- */

int coroutine_fn bdrv_co_block_status(BlockDriverState *bs, bool want_zero,
                                      int64_t offset, int64_t bytes,
                                      int64_t *pnum, int64_t *map,
                                      BlockDriverState **file)
{
    int64_t total, local_map = 0;
    BlockDriverState *local_file = NULL;
    int ret;

    *pnum = 0;
    if (map) {
        *map = 0;
    }
    if (file) {
        *file = NULL;
    }
    if (!bs->drv) {
        return -ENOMEDIUM;
    }
    total = bdrv_getlength(bs);
    if (total < 0) {
        return total;
    }
    if (offset < 0 || bytes < 0) {
        return -EINVAL;
    }
    if (offset >= total) {
        return BDRV_BLOCK_EOF;
    }
    bytes = MIN(bytes, total - offset);
    if (bytes == 0) {
        return BDRV_BLOCK_EOF;
    }

    if (!bs->drv->bdrv_co_block_status) {
        /* Everything is data, stored where the caller asked. */
        *pnum = bytes;
        ret = BDRV_BLOCK_DATA | BDRV_BLOCK_ALLOCATED;
        if (offset + bytes == total) {
            ret |= BDRV_BLOCK_EOF;
        }
        if (bs->drv->protocol_name) {
            ret |= BDRV_BLOCK_OFFSET_VALID;
            local_map = offset;
            local_file = bs;
        }
        goto out;
    }

    {
        /* Ask the driver about whole aligned blocks only. */
        uint32_t align = bs->bl.request_alignment ? bs->bl.request_alignment : 1;
        int64_t aligned_offset = QEMU_ALIGN_DOWN(offset, align);
        int64_t aligned_bytes = QEMU_ALIGN_UP(offset + bytes, align) -
                                aligned_offset;

        if (want_zero && bdrv_bsc_lookup(bs, aligned_offset, pnum)) {
            ret = BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
            local_map = aligned_offset;
            local_file = bs;
        } else {
            uint64_t gen = bs->bsc_gen;

            bdrv_inc_in_flight(bs);
            ret = bs->drv->bdrv_co_block_status(bs, want_zero, aligned_offset,
                                                aligned_bytes, pnum,
                                                &local_map, &local_file);
            bdrv_dec_in_flight(bs);
            if (ret < 0) {
                *pnum = 0;
                return ret;
            }
            assert(*pnum > 0);
            /* *pnum may run past the request: the whole extent, cached. */
            if (want_zero && gen == bs->bsc_gen &&
                ret == (BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID) &&
                local_file == bs && local_map == aligned_offset) {
                bdrv_bsc_fill(bs, aligned_offset, *pnum);
            }
        }
        *pnum = MIN(*pnum, aligned_bytes);
        *pnum -= offset - aligned_offset;
        if (*pnum > bytes) {
            *pnum = bytes;
        }
        if (ret & BDRV_BLOCK_OFFSET_VALID) {
            local_map += offset - aligned_offset;
        }
    }
    assert(*pnum > 0 && *pnum <= bytes);
    if (ret & BDRV_BLOCK_RAW) {
        /* The driver maps 1:1 onto local_file: ask it instead. */
        assert((ret & BDRV_BLOCK_OFFSET_VALID) && local_file);
        ret = bdrv_co_block_status(local_file, want_zero, local_map, *pnum,
                                   pnum, &local_map, &local_file);
        goto out;
    }
    if (ret & (BDRV_BLOCK_DATA | BDRV_BLOCK_ZERO)) {
        ret |= BDRV_BLOCK_ALLOCATED;
    }
    if (want_zero && (ret & BDRV_BLOCK_OFFSET_VALID) && local_file &&
        local_file != bs && (ret & BDRV_BLOCK_DATA) &&
        !(ret & BDRV_BLOCK_ZERO)) {
        int64_t file_pnum;
        int ret2 = bdrv_co_block_status(local_file, want_zero, local_map,
                                        *pnum, &file_pnum, NULL, NULL);
        if (ret2 >= 0) {
            if ((ret2 & BDRV_BLOCK_EOF) &&
                (!file_pnum || (ret2 & BDRV_BLOCK_ZERO))) {
                /* Past the end of the file reads as zeroes. */
                ret |= BDRV_BLOCK_ZERO;
            } else {
                *pnum = file_pnum;
                ret |= (ret2 & BDRV_BLOCK_ZERO);
            }
        }
    }
    if (offset + *pnum == total) {
        ret |= BDRV_BLOCK_EOF;
    }
out:
    if (map) {
        *map = local_map;
    }
    if (file) {
        *file = local_file;
    }
    return ret;
}

/* ---------- Synchronous wrappers ---------- */

typedef struct SyncCo {
    BdrvChild *child;
    BlockDriverState *bs;
    int64_t offset, bytes;
    QEMUIOVector *qiov;
    BdrvRequestFlags flags;
    int64_t *pnum, *map;
    BlockDriverState **file;
    bool want_zero;
    int ret;
    bool done;
} SyncCo;

static void coroutine_fn sync_preadv_entry(void *opaque)
{
    SyncCo *s = opaque;

    s->ret = bdrv_co_preadv(s->child, s->offset, s->bytes, s->qiov, s->flags);
    s->done = true;
}

static void coroutine_fn sync_pwritev_entry(void *opaque)
{
    SyncCo *s = opaque;

    s->ret = bdrv_co_pwritev(s->child, s->offset, s->bytes, s->qiov, s->flags);
    s->done = true;
}

static void coroutine_fn sync_flush_entry(void *opaque)
{
    SyncCo *s = opaque;

    s->ret = bdrv_co_flush(s->bs);
    s->done = true;
}

static void coroutine_fn sync_block_status_entry(void *opaque)
{
    SyncCo *s = opaque;

    s->ret = bdrv_co_block_status(s->bs, s->want_zero, s->offset, s->bytes,
                                  s->pnum, s->map, s->file);
    s->done = true;
}

static int sync_run(CoroutineEntry *entry, SyncCo *s)
{
    if (qemu_in_coroutine()) {
        entry(s);
    } else {
        qemu_coroutine_enter(qemu_coroutine_create(entry, s));
        AIO_WAIT_WHILE(!s->done);
    }
    return s->ret;
}

int bdrv_pread(BdrvChild *child, int64_t offset, int64_t bytes, void *buf,
               BdrvRequestFlags flags)
{
    QEMUIOVector qiov;
    SyncCo s = { .child = child, .offset = offset, .bytes = bytes,
                 .qiov = &qiov, .flags = flags };

    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, buf, bytes);
    return sync_run(sync_preadv_entry, &s);
}

int bdrv_pwrite(BdrvChild *child, int64_t offset, int64_t bytes,
                const void *buf, BdrvRequestFlags flags)
{
    QEMUIOVector qiov;
    SyncCo s = { .child = child, .offset = offset, .bytes = bytes,
                 .qiov = &qiov, .flags = flags };

    if (bytes < 0) {
        return -EINVAL;
    }
    qemu_iovec_init_buf(&qiov, (void *)buf, bytes);
    return sync_run(sync_pwritev_entry, &s);
}

int bdrv_flush(BlockDriverState *bs)
{
    SyncCo s = { .bs = bs };

    return sync_run(sync_flush_entry, &s);
}

int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum, int64_t *map, BlockDriverState **file)
{
    SyncCo s = { .bs = bs, .offset = offset, .bytes = bytes, .pnum = pnum,
                 .map = map, .file = file, .want_zero = true };

    return sync_run(sync_block_status_entry, &s);
}

int bdrv_is_allocated(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum)
{
    int64_t dummy;
    SyncCo s = { .bs = bs, .offset = offset, .bytes = bytes,
                 .pnum = pnum ? pnum : &dummy, .want_zero = false };
    int ret = sync_run(sync_block_status_entry, &s);

    if (ret < 0) {
        return ret;
    }
    return !!(ret & BDRV_BLOCK_ALLOCATED);
}

/* ---------- Drain ---------- */

void bdrv_drain(BlockDriverState *bs)
{
    if (!bs) {
        bdrv_drain_all();
        return;
    }
    AIO_WAIT_WHILE(bs->in_flight > 0);
}

void bdrv_drain_all(void)
{
    BlockDriverState *bs = NULL;

    while ((bs = bdrv_next_node(bs))) {
        AIO_WAIT_WHILE(bs->in_flight > 0);
    }
}
