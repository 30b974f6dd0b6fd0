/*
 * The event loop: epoll for file descriptors, a list of scheduled bottom
 * halves, and a sorted list of timers.  Single-threaded by design.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"
#include <sys/epoll.h>

typedef struct FdHandler {
    int fd;
    IOHandler *io_read;
    IOHandler *io_write;
    void *opaque;
} FdHandler;

struct QEMUBH {
    QEMUBHFunc *cb;
    void *opaque;
    bool scheduled;
    bool oneshot;
    QTAILQ_ENTRY(QEMUBH) next;
};

struct QEMUTimer {
    QEMUTimerCB *cb;
    void *opaque;
    int64_t expire;             /* -1 when not pending */
    QTAILQ_ENTRY(QEMUTimer) next;
};

/*
 * The main loop's own state: only its thread touches it (worker threads
 * signal it through eventfds).
 */
static int epfd = -1;
static GHashTable *fd_handlers;     /* fd -> FdHandler */
static QTAILQ_HEAD(, QEMUBH) bh_list = QTAILQ_HEAD_INITIALIZER(bh_list);
static QTAILQ_HEAD(, QEMUTimer) timers = QTAILQ_HEAD_INITIALIZER(timers);
static int n_bhs, n_timers;

void qemu_init_main_loop(void)
{
    if (epfd >= 0) {
        return;
    }
    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) {
        perror("epoll_create1");
        abort();
    }
    fd_handlers = g_hash_table_new_full(g_direct_hash, g_direct_equal,
                                        NULL, g_free);
}

void aio_set_fd_handler(int fd, IOHandler *io_read, IOHandler *io_write,
                        void *opaque)
{
    FdHandler *h;
    struct epoll_event ev = { 0 };

    qemu_init_main_loop();
    h = g_hash_table_lookup(fd_handlers, GINT_TO_POINTER(fd));
    if (!io_read && !io_write) {
        if (h) {
            epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
            g_hash_table_remove(fd_handlers, GINT_TO_POINTER(fd));
        }
        return;
    }
    ev.events = (io_read ? EPOLLIN | EPOLLHUP | EPOLLERR : 0) |
                (io_write ? EPOLLOUT | EPOLLERR : 0);
    ev.data.fd = fd;
    if (h) {
        epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
    } else {
        h = g_new0(FdHandler, 1);
        h->fd = fd;
        g_hash_table_insert(fd_handlers, GINT_TO_POINTER(fd), h);
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            perror("epoll_ctl");
            abort();
        }
    }
    h->io_read = io_read;
    h->io_write = io_write;
    h->opaque = opaque;
}

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = g_new0(QEMUBH, 1);

    bh->cb = cb;
    bh->opaque = opaque;
    n_bhs++;
    return bh;
}

void qemu_bh_schedule(QEMUBH *bh)
{
    if (!bh->scheduled) {
        bh->scheduled = true;
        /* Newest first, as QEMU: completions show in the same order. */
        QTAILQ_INSERT_HEAD(&bh_list, bh, next);
    }
}

void qemu_bh_cancel(QEMUBH *bh)
{
    if (bh->scheduled) {
        bh->scheduled = false;
        QTAILQ_REMOVE(&bh_list, bh, next);
    }
}

void qemu_bh_delete(QEMUBH *bh)
{
    qemu_bh_cancel(bh);
    n_bhs--;
    g_free(bh);
}

void aio_bh_schedule_oneshot(QEMUBHFunc *cb, void *opaque)
{
    QEMUBH *bh = qemu_bh_new(cb, opaque);

    bh->oneshot = true;
    qemu_bh_schedule(bh);
}

/* Run the BHs scheduled so far; ones they schedule run next round. */
static bool bh_poll(void)
{
    QTAILQ_HEAD(, QEMUBH) ready;
    QEMUBH *bh;
    bool progress = false;

    if (QTAILQ_EMPTY(&bh_list)) {
        return false;
    }
    QTAILQ_INIT(&ready);
    /* Move the current list aside. */
    while ((bh = QTAILQ_FIRST(&bh_list))) {
        QTAILQ_REMOVE(&bh_list, bh, next);
        QTAILQ_INSERT_TAIL(&ready, bh, next);
    }
    while ((bh = QTAILQ_FIRST(&ready))) {
        QTAILQ_REMOVE(&ready, bh, next);
        bh->scheduled = false;
        progress = true;
        if (bh->oneshot) {
            QEMUBHFunc *cb = bh->cb;
            void *opaque = bh->opaque;
            n_bhs--;
            g_free(bh);
            cb(opaque);
        } else {
            bh->cb(bh->opaque);
        }
    }
    return progress;
}

QEMUTimer *timer_new_ns(QEMUTimerCB *cb, void *opaque)
{
    QEMUTimer *t = g_new0(QEMUTimer, 1);

    t->cb = cb;
    t->opaque = opaque;
    t->expire = -1;
    n_timers++;
    return t;
}

bool timer_pending(QEMUTimer *t)
{
    return t->expire >= 0;
}

void timer_del(QEMUTimer *t)
{
    if (timer_pending(t)) {
        QTAILQ_REMOVE(&timers, t, next);
        t->expire = -1;
    }
}

void timer_mod_ns(QEMUTimer *t, int64_t expire_ns)
{
    QEMUTimer *it;

    timer_del(t);
    t->expire = MAX(expire_ns, 0);
    QTAILQ_FOREACH(it, &timers, next) {
        if (it->expire > t->expire) {
            /* insert before it */
            t->next.tqe_next = it;
            t->next.tqe_prev = it->next.tqe_prev;
            *it->next.tqe_prev = t;
            it->next.tqe_prev = &t->next.tqe_next;
            return;
        }
    }
    QTAILQ_INSERT_TAIL(&timers, t, next);
}

void timer_free(QEMUTimer *t)
{
    if (t) {
        timer_del(t);
        n_timers--;
        g_free(t);
    }
}

static bool timers_run(void)
{
    int64_t now = get_clock_ns();
    QEMUTimer *t;
    bool progress = false;

    while ((t = QTAILQ_FIRST(&timers)) && t->expire <= now) {
        timer_del(t);
        t->cb(t->opaque);
        progress = true;
    }
    return progress;
}

static int timeout_ms(bool blocking)
{
    QEMUTimer *t = QTAILQ_FIRST(&timers);
    int64_t delta;

    if (!blocking || !QTAILQ_EMPTY(&bh_list)) {
        return 0;
    }
    if (!t) {
        return -1;
    }
    delta = t->expire - get_clock_ns();
    if (delta <= 0) {
        return 0;
    }
    return (int)MIN(DIV_ROUND_UP(delta, 1000000), INT_MAX);
}

/*
 * Adaptive polling.  A request that arrives while the loop sleeps in
 * epoll_wait() waits for its wake-up: on this 2-core VM that is tens of
 * microseconds, as much as the NBD round trip itself.  So before it
 * blocks, the loop polls its descriptors for up to poll_ns.  The window
 * follows what the last waits took: a wait that ended within
 * MAIN_LOOP_POLL_MAX_NS grows it (doubling from
 * MAIN_LOOP_POLL_START_NS), one that took longer drops it to zero, so
 * an idle loop, or one whose clients pause between requests, never
 * polls.  QEMU's iothreads poll the same way (poll-max-ns, 32 us by
 * default); its main loop does not.  Our limit is larger because a
 * queue-depth-1 NBD client sends its next request about 40 us after
 * our reply here.
 */
#define MAIN_LOOP_POLL_START_NS  (4 * 1000)
#define MAIN_LOOP_POLL_MAX_NS    (64 * 1000)

static int64_t poll_ns;

int64_t main_loop_poll_window(int64_t window_ns, int64_t waited_ns)
{
    if (waited_ns > MAIN_LOOP_POLL_MAX_NS) {
        return 0;
    }
    if (waited_ns > window_ns) {
        return MIN(window_ns ? window_ns * 2 : MAIN_LOOP_POLL_START_NS,
                   MAIN_LOOP_POLL_MAX_NS);
    }
    return window_ns;
}

static int main_loop_epoll(struct epoll_event *events, int max, int timeout)
{
    int64_t start, waited;
    int n = 0;

    if (timeout == 0) {
        return epoll_wait(epfd, events, max, 0);
    }
    start = get_clock_ns();
    if (poll_ns) {
        int64_t end = start + poll_ns;

        do {
            n = epoll_wait(epfd, events, max, 0);
        } while (n == 0 && get_clock_ns() < end);
        if (n != 0) {
            return n;           /* polling paid: keep the window */
        }
    }
    n = epoll_wait(epfd, events, max, timeout);
    waited = get_clock_ns() - start;
    poll_ns = main_loop_poll_window(poll_ns, waited);
    return n;
}

bool main_loop_wait(bool blocking)
{
    struct epoll_event events[64];
    bool progress;
    int n, timeout;

    qemu_init_main_loop();
    progress = bh_poll();
    timeout = timeout_ms(blocking && !progress);
    if (timeout != 0 || g_hash_table_size(fd_handlers) > 0) {
        if (timeout < 0 && g_hash_table_size(fd_handlers) == 0) {
            /* Nothing could ever wake us: do not hang. */
            return progress;
        }
        n = main_loop_epoll(events, ARRAY_SIZE(events), timeout);
        for (int i = 0; i < n; i++) {
            FdHandler *h = g_hash_table_lookup(fd_handlers,
                                               GINT_TO_POINTER(events[i].data.fd));
            if (!h) {
                continue;
            }
            if (h->io_read &&
                (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
                h->io_read(h->opaque);
                progress = true;
                /* The handler may have removed itself. */
                h = g_hash_table_lookup(fd_handlers,
                                        GINT_TO_POINTER(events[i].data.fd));
            }
            if (h && h->io_write && (events[i].events & (EPOLLOUT | EPOLLERR))) {
                h->io_write(h->opaque);
                progress = true;
            }
        }
    }
    progress |= timers_run();
    progress |= bh_poll();
    return progress;
}

int main_loop_pending_count(void)
{
    return n_bhs + n_timers + (fd_handlers ? g_hash_table_size(fd_handlers) : 0);
}
