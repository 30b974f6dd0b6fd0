/*
 * io_uring back end (aio=io_uring, and aio=native on this build).
 *
 * One ring serves the whole process.  A request lives on the stack of
 * the coroutine that waits for it, so the hot path allocates nothing.
 * SQEs prepared during a loop iteration are submitted together by a
 * bottom half (or as soon as a batch is full); completions are reaped
 * when the ring fd polls readable, and right after each submission,
 * because page-cache hits complete inside io_uring_enter() already.
 */
#include "qemu/osdep.h"
#include <liburing.h>
#include "qemu/main-loop.h"
#include "qemu/queue.h"
#include "block/raw-aio.h"

#define LURING_ENTRIES     256
/* Submit without waiting for the bottom half once this many are ready. */
#define LURING_BATCH_MAX   64
/* Submit/reap rounds per wakeup before giving the loop a turn. */
#define LURING_ROUNDS      8

typedef struct LuringAIOCB {
    Coroutine *co;
    int fd;
    int type;
    uint64_t offset;
    QEMUIOVector *qiov;
    size_t done;                /* bytes transferred so far */
    QEMUIOVector rest;          /* remainder after a short transfer */
    bool has_rest;
    int ret;                    /* -EINPROGRESS until complete */
    QTAILQ_ENTRY(LuringAIOCB) next; /* overflow queue */
} LuringAIOCB;

typedef struct LuringState {
    bool initialized;
    struct io_uring ring;
    unsigned in_queue;          /* prepared SQEs not yet submitted */
    unsigned in_flight;         /* submitted, no CQE seen yet */
    unsigned max_outstanding;   /* keeps the CQ from overflowing */
    QTAILQ_HEAD(, LuringAIOCB) overflow; /* waiting for ring space */
    QEMUBH *submit_bh;
} LuringState;

/* The ring: main loop thread only (completions arrive through an eventfd). */
static LuringState s;

static void luring_submit(void)
{
    int r;

    if (!s.in_queue) {
        return;
    }
    do {
        r = io_uring_submit(&s.ring);
    } while (r == -EINTR);
    if (r > 0) {
        s.in_queue -= MIN((unsigned)r, s.in_queue);
        s.in_flight += r;
    }
    if (s.in_queue && s.in_flight == 0) {
        /* -EAGAIN/-EBUSY with nothing in flight: retry next iteration. */
        qemu_bh_schedule(s.submit_bh);
    }
}

static void luring_prep(LuringAIOCB *acb, struct io_uring_sqe *sqe)
{
    QEMUIOVector *q = acb->has_rest ? &acb->rest : acb->qiov;
    uint64_t off = acb->offset + acb->done;

    switch (acb->type) {
    case QEMU_AIO_READ:
        if (q->niov == 1) {
            io_uring_prep_read(sqe, acb->fd, q->iov[0].iov_base,
                               q->iov[0].iov_len, off);
        } else {
            io_uring_prep_readv(sqe, acb->fd, q->iov, q->niov, off);
        }
        break;
    case QEMU_AIO_WRITE:
        if (q->niov == 1) {
            io_uring_prep_write(sqe, acb->fd, q->iov[0].iov_base,
                                q->iov[0].iov_len, off);
        } else {
            io_uring_prep_writev(sqe, acb->fd, q->iov, q->niov, off);
        }
        break;
    case QEMU_AIO_FLUSH:
        io_uring_prep_fsync(sqe, acb->fd, IORING_FSYNC_DATASYNC);
        break;
    default:
        abort();
    }
    io_uring_sqe_set_data(sqe, acb);
}

/* Put @acb into the SQ ring, or queue it until there is room. */
static bool luring_try_queue(LuringAIOCB *acb)
{
    struct io_uring_sqe *sqe;

    if (s.in_queue + s.in_flight >= s.max_outstanding) {
        return false;
    }
    sqe = io_uring_get_sqe(&s.ring);
    if (!sqe) {
        luring_submit();
        sqe = io_uring_get_sqe(&s.ring);
        if (!sqe) {
            return false;
        }
    }
    luring_prep(acb, sqe);
    s.in_queue++;
    return true;
}

static void luring_enqueue(LuringAIOCB *acb)
{
    if (!QTAILQ_EMPTY(&s.overflow) || !luring_try_queue(acb)) {
        QTAILQ_INSERT_TAIL(&s.overflow, acb, next);
        return;
    }
    if (s.in_queue >= LURING_BATCH_MAX) {
        luring_submit();
    } else {
        qemu_bh_schedule(s.submit_bh);
    }
}

static void luring_refill(void)
{
    LuringAIOCB *acb;

    while ((acb = QTAILQ_FIRST(&s.overflow))) {
        if (!luring_try_queue(acb)) {
            break;
        }
        QTAILQ_REMOVE(&s.overflow, acb, next);
    }
}

static void luring_finish(LuringAIOCB *acb, int ret)
{
    acb->ret = ret;
    /* From the fd handler or a BH this enters the coroutine directly. */
    aio_co_wake(acb->co);
}

static void luring_complete(LuringAIOCB *acb, int res)
{
    size_t total;

    if (res == -EINTR || res == -EAGAIN) {
        luring_enqueue(acb);
        return;
    }
    if (acb->type == QEMU_AIO_FLUSH) {
        luring_finish(acb, res < 0 ? res : 0);
        return;
    }
    total = acb->qiov->size;
    if (res < 0) {
        /* O_DIRECT may reject the unaligned rest of a short read: EOF. */
        if (!(res == -EINVAL && acb->type == QEMU_AIO_READ && acb->done)) {
            luring_finish(acb, res);
            return;
        }
        res = 0;
    }
    acb->done += res;
    if (acb->done < total) {
        if (res == 0) {
            if (acb->type == QEMU_AIO_READ) {
                /* End of file: the rest reads as zeroes. */
                qemu_iovec_memset(acb->qiov, acb->done, 0,
                                  total - acb->done);
                luring_finish(acb, 0);
            } else {
                luring_finish(acb, -ENOSPC);
            }
            return;
        }
        /* Short transfer: go on with the remainder (rare, may allocate). */
        if (acb->has_rest) {
            qemu_iovec_destroy(&acb->rest);
        }
        qemu_iovec_init_slice(&acb->rest, acb->qiov, acb->done,
                              total - acb->done);
        acb->has_rest = true;
        luring_enqueue(acb);
        return;
    }
    luring_finish(acb, 0);
}

/* Reap every CQE available; safe against nested reaping. */
static bool luring_reap(void)
{
    struct io_uring_cqe *cqe;
    bool progress = false;

    while (io_uring_peek_cqe(&s.ring, &cqe) == 0) {
        LuringAIOCB *acb = io_uring_cqe_get_data(cqe);
        int res = cqe->res;

        io_uring_cqe_seen(&s.ring, cqe);
        s.in_flight--;
        progress = true;
        luring_complete(acb, res);
    }
    return progress;
}

static void luring_process(void)
{
    int i;

    for (i = 0; i < LURING_ROUNDS; i++) {
        bool reaped = luring_reap();

        luring_refill();
        if (!s.in_queue) {
            break;
        }
        luring_submit();
        if (!reaped && !io_uring_cq_ready(&s.ring)) {
            break;
        }
    }
    if (s.in_queue) {
        qemu_bh_schedule(s.submit_bh);
    } else {
        qemu_bh_cancel(s.submit_bh);
    }
}

static void luring_ring_readable(void *opaque)
{
    luring_process();
}

static void luring_submit_bh(void *opaque)
{
    luring_process();
}

bool luring_init(Error **errp)
{
    struct io_uring_params p;
    int r;

    if (s.initialized) {
        return true;
    }
    memset(&p, 0, sizeof(p));
    /* Only the loop thread touches the ring: let the kernel know. */
    p.flags = IORING_SETUP_SINGLE_ISSUER;
    r = io_uring_queue_init_params(LURING_ENTRIES, &s.ring, &p);
    if (r == -EINVAL) {
        memset(&p, 0, sizeof(p));
        r = io_uring_queue_init_params(LURING_ENTRIES, &s.ring, &p);
    }
    if (r < 0) {
        error_setg_errno(errp, -r, "failed to init linux io_uring ring");
        return false;
    }
    s.max_outstanding = p.cq_entries;
    s.in_queue = 0;
    s.in_flight = 0;
    QTAILQ_INIT(&s.overflow);
    s.submit_bh = qemu_bh_new(luring_submit_bh, NULL);
    aio_set_fd_handler(s.ring.ring_fd, luring_ring_readable, NULL, NULL);
    s.initialized = true;
    return true;
}

int coroutine_fn luring_co_submit(int fd, uint64_t offset, QEMUIOVector *qiov,
                                  int type)
{
    LuringAIOCB acb = {
        .co = qemu_coroutine_self(),
        .fd = fd,
        .type = type,
        .offset = offset,
        .qiov = qiov,
        .ret = -EINPROGRESS,
    };

    assert(qemu_in_coroutine());
    if (!s.initialized && !luring_init(NULL)) {
        return -ENOSYS;
    }
    if (qiov && qiov->size == 0 && type != QEMU_AIO_FLUSH) {
        return 0;
    }
    luring_enqueue(&acb);
    while (acb.ret == -EINPROGRESS) {
        qemu_coroutine_yield();
    }
    if (acb.has_rest) {
        qemu_iovec_destroy(&acb.rest);
    }
    return acb.ret;
}

unsigned luring_in_flight(void)
{
    unsigned n = 0;
    LuringAIOCB *acb;

    if (!s.initialized) {
        return 0;
    }
    QTAILQ_FOREACH(acb, &s.overflow, next) {
        n++;
    }
    return n + s.in_queue + s.in_flight;
}

void luring_cleanup(void)
{
    if (!s.initialized) {
        return;
    }
    AIO_WAIT_WHILE(luring_in_flight() > 0);
    aio_set_fd_handler(s.ring.ring_fd, NULL, NULL, NULL);
    qemu_bh_delete(s.submit_bh);
    s.submit_bh = NULL;
    io_uring_queue_exit(&s.ring);
    s.initialized = false;
}
