/*
 * Worker thread pool: blocking calls run in pthreads, completions are
 * handed back to the event loop through an eventfd.
 *
 * The loop thread never blocks on a lock here.  It pushes requests onto
 * a lock-free stack; workers move that stack (reversed, so FIFO) into a
 * list under a mutex only they take.  A worker that finds more work
 * waiting wakes that many sleeping colleagues (or starts a new one), so
 * a burst of submissions costs the loop thread at most one wakeup.  One
 * worker at a time may spin briefly for new work before it sleeps,
 * while that pays: queue depth 1 then needs no futex round trip.
 *
 * Finished requests go onto a second lock-free stack; the worker that
 * makes it non-empty kicks the eventfd.  The free list of request
 * elements is touched by the loop thread only, so the hot path does
 * not allocate.
 */
#include "qemu/osdep.h"
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <sys/eventfd.h>
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "block/thread-pool.h"

#define THREAD_POOL_DEFAULT_MAX  64
/* Idle workers leave after this long without work. */
#define THREAD_POOL_IDLE_NS      (10 * 1000000000LL)
/* How long the spinning worker polls for new work before sleeping. */
#ifndef THREAD_POOL_SPIN_NS
#define THREAD_POOL_SPIN_NS      (20 * 1000)
#endif

typedef struct ThreadPoolElement {
    ThreadPoolFunc *func;
    void *arg;
    ThreadPoolCompletionFunc *cb;
    void *opaque;
    int ret;
    struct ThreadPoolElement *next; /* stack, list or free list */
} ThreadPoolElement;

typedef struct ThreadPool {
    bool initialized;
    gint max_workers;               /* atomic */

    ThreadPoolElement *incoming;    /* lock-free LIFO, loop thread pushes */

    pthread_mutex_t take_lock;      /* workers only */
    ThreadPoolElement *taken;       /* FIFO drained from incoming */
    int nr_taken;                   /* its length, under take_lock */

    pthread_mutex_t sleep_lock;
    pthread_cond_t sleep_cond;      /* sleeping workers */
    pthread_cond_t exit_cond;       /* cleanup waits for workers to leave */
    gint sleepers;                  /* written under sleep_lock, atomic */
    int waking;                     /* signalled, not yet awake; sleep_lock */
    gint spinners;                  /* atomic, at most one */
    gint spin_skips;                /* atomic: chances to let pass */
    gint spin_misses;               /* atomic: spins in a row that found none */
    gint workers;                   /* written under sleep_lock, atomic */
    gint stopping;                  /* atomic boolean */

    ThreadPoolElement *done;        /* lock-free LIFO of finished requests */
    int efd;

    /* Loop thread only. */
    ThreadPoolElement *free_list;
    int in_flight;
} ThreadPool;

/* The one pool: see ThreadPool for which thread may touch which member. */
static ThreadPool pool = {
    .max_workers = THREAD_POOL_DEFAULT_MAX,
    .efd = -1,
};

static void *thread_pool_worker(void *opaque);

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static int64_t monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void stack_push(ThreadPoolElement **top, ThreadPoolElement *req,
                       ThreadPoolElement **old)
{
    ThreadPoolElement *head;

    do {
        head = g_atomic_pointer_get(top);
        req->next = head;
    } while (!g_atomic_pointer_compare_and_exchange(top, head, req));
    *old = head;
}

/* Take the whole stack at @top (newest first). */
static ThreadPoolElement *stack_take_all(ThreadPoolElement **top)
{
    ThreadPoolElement *head;

    do {
        head = g_atomic_pointer_get(top);
    } while (head && !g_atomic_pointer_compare_and_exchange(top, head, NULL));
    return head;
}

/* Start one more worker unless at the limit; any thread may call this. */
static void thread_pool_spawn(void)
{
    pthread_attr_t attr;
    pthread_t tid;
    sigset_t all, old;
    int rc;

    pthread_mutex_lock(&pool.sleep_lock);
    if (pool.workers >= pool.max_workers || pool.stopping) {
        pthread_mutex_unlock(&pool.sleep_lock);
        return;
    }
    g_atomic_int_inc(&pool.workers);
    pthread_mutex_unlock(&pool.sleep_lock);

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Signals are for the loop thread; workers never take them. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&tid, &attr, thread_pool_worker, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        pthread_mutex_lock(&pool.sleep_lock);
        if (g_atomic_int_dec_and_test(&pool.workers)) {
            fprintf(stderr, "thread pool: cannot create a worker: %s\n",
                    strerror(rc));
            abort();
        }
        pthread_cond_broadcast(&pool.exit_cond);
        pthread_mutex_unlock(&pool.sleep_lock);
    }
}

/*
 * @pending requests wait that nobody may be looking at: get workers on
 * them, all at once.  Waking one that wakes the next would start the
 * third of three requests (a quorum's three child writes) two wake-up
 * latencies late.  Workers already signalled count against @pending.
 */
static void thread_pool_kick(int pending)
{
    bool spawn = false;

    if (g_atomic_int_get(&pool.spinners) > 0) {
        pending--;              /* the spinner takes one */
    }
    if (pending <= 0) {
        return;
    }
    pthread_mutex_lock(&pool.sleep_lock);
    pending -= pool.waking;
    while (pending > 0 && pool.waking < pool.sleepers) {
        pthread_cond_signal(&pool.sleep_cond);
        pool.waking++;
        pending--;
    }
    spawn = pending > 0 && g_atomic_int_get(&pool.workers) <
                           g_atomic_int_get(&pool.max_workers);
    pthread_mutex_unlock(&pool.sleep_lock);
    if (spawn) {
        thread_pool_spawn();
    }
}

/*
 * Pop the oldest request; *more is how many others wait (at least 1 if
 * some were pushed since).
 */
static ThreadPoolElement *thread_pool_take(int *more)
{
    ThreadPoolElement *req;

    pthread_mutex_lock(&pool.take_lock);
    if (!pool.taken && g_atomic_pointer_get(&pool.incoming)) {
        ThreadPoolElement *list = stack_take_all(&pool.incoming);
        ThreadPoolElement *fifo = NULL;

        while (list) {
            ThreadPoolElement *next = list->next;
            list->next = fifo;
            fifo = list;
            list = next;
            pool.nr_taken++;
        }
        g_atomic_pointer_set(&pool.taken, fifo);
    }
    req = pool.taken;
    if (req) {
        g_atomic_pointer_set(&pool.taken, req->next);
        pool.nr_taken--;
    }
    *more = pool.nr_taken +
            (g_atomic_pointer_get(&pool.incoming) != NULL);
    pthread_mutex_unlock(&pool.take_lock);
    return req;
}

static bool thread_pool_has_work(void)
{
    return g_atomic_pointer_get(&pool.incoming) ||
           g_atomic_pointer_get(&pool.taken);
}

static void thread_pool_complete_one(ThreadPoolElement *req)
{
    ThreadPoolElement *old;

    stack_push(&pool.done, req, &old);
    if (!old) {
        /* The stack was empty: the loop may be asleep, wake it. */
        uint64_t one = 1;
        ssize_t r;

        do {
            r = write(pool.efd, &one, sizeof(one));
        } while (r < 0 && errno == EINTR);
    }
}

/* After this many misses in a row, spinning waits 2^N chances. */
#define THREAD_POOL_SPIN_MAX_BACKOFF 8

/*
 * Spin for new work if no one else does; true if some showed up.  Only
 * after short requests: when a request takes longer than the spin, the
 * next one is not worth burning a CPU for that the others could use.
 * And only while spinning pays: a loop thread that submits as soon as
 * a request completes (qemu-img bench at queue depth 1) comes back
 * within the spin, but one that first waits for a network round trip
 * (an NBD client at queue depth 1) does not, and each miss takes a CPU
 * from that client.  So after a miss the next 1, 2, 4 ... 256 chances
 * are let pass; a hit starts over.
 */
static bool thread_pool_spin(int64_t last_ns)
{
    int64_t deadline;
    bool found = false;
    int misses;

    if (last_ns > THREAD_POOL_SPIN_NS) {
        return false;
    }
    if (g_atomic_int_get(&pool.spin_skips) > 0) {
        g_atomic_int_add(&pool.spin_skips, -1);
        return false;
    }
    if (!g_atomic_int_compare_and_exchange(&pool.spinners, 0, 1)) {
        return false;
    }
    deadline = monotonic_ns() + THREAD_POOL_SPIN_NS;
    do {
        for (int i = 0; i < 64; i++) {
            if (thread_pool_has_work() || g_atomic_int_get(&pool.stopping)) {
                found = true;
                break;
            }
            cpu_relax();
        }
    } while (!found && monotonic_ns() < deadline);
    misses = found ? 0 : MIN(g_atomic_int_get(&pool.spin_misses) + 1,
                             THREAD_POOL_SPIN_MAX_BACKOFF);
    g_atomic_int_set(&pool.spin_misses, misses);
    g_atomic_int_set(&pool.spin_skips, misses ? 1 << (misses - 1) : 0);
    g_atomic_int_add(&pool.spinners, -1);
    return found;
}

static void *thread_pool_worker(void *opaque)
{
    int64_t last_ns = 0;

    for (;;) {
        ThreadPoolElement *req;
        int more;

        req = thread_pool_take(&more);
        if (req) {
            if (more) {
                thread_pool_kick(more);
            }
            int64_t start = monotonic_ns();

            req->ret = req->func(req->arg);
            last_ns = monotonic_ns() - start;
            thread_pool_complete_one(req);
            continue;
        }
        if (thread_pool_spin(last_ns)) {
            if (g_atomic_int_get(&pool.stopping)) {
                break;
            }
            continue;
        }

        pthread_mutex_lock(&pool.sleep_lock);
        if (pool.stopping) {
            pthread_mutex_unlock(&pool.sleep_lock);
            break;
        }
        g_atomic_int_inc(&pool.sleepers);
        /* Pairs with the push + sleepers check in the submitter. */
        if (!thread_pool_has_work()) {
            struct timespec ts;
            int64_t deadline = monotonic_ns() + THREAD_POOL_IDLE_NS;
            int rc;

            ts.tv_sec = deadline / 1000000000LL;
            ts.tv_nsec = deadline % 1000000000LL;
            rc = pthread_cond_timedwait(&pool.sleep_cond, &pool.sleep_lock,
                                        &ts);
            if (pool.waking > 0) {
                pool.waking--;
            }
            if (rc == ETIMEDOUT && !thread_pool_has_work()) {
                g_atomic_int_add(&pool.sleepers, -1);
                pthread_mutex_unlock(&pool.sleep_lock);
                break;
            }
        }
        g_atomic_int_add(&pool.sleepers, -1);
        pthread_mutex_unlock(&pool.sleep_lock);
    }

    pthread_mutex_lock(&pool.sleep_lock);
    g_atomic_int_add(&pool.workers, -1);
    pthread_cond_broadcast(&pool.exit_cond);
    pthread_mutex_unlock(&pool.sleep_lock);
    return NULL;
}

static void thread_pool_completion_handler(void *opaque)
{
    ThreadPoolElement *list, *rev = NULL;
    uint64_t cnt;

    if (read(pool.efd, &cnt, sizeof(cnt)) < 0) {
        /* EAGAIN: a previous pass already took what was signalled. */
    }
    list = stack_take_all(&pool.done);
    /* The stack is newest-first; complete in submission order. */
    while (list) {
        ThreadPoolElement *next = list->next;
        list->next = rev;
        rev = list;
        list = next;
    }
    while (rev) {
        ThreadPoolElement *req = rev;
        ThreadPoolCompletionFunc *cb = req->cb;
        void *opaque_cb = req->opaque;
        int ret = req->ret;

        rev = req->next;
        /* Recycle first: the callback may submit again right away. */
        req->next = pool.free_list;
        pool.free_list = req;
        pool.in_flight--;
        cb(opaque_cb, ret);
    }
}

static void thread_pool_init(void)
{
    pthread_condattr_t cattr;

    pthread_mutex_init(&pool.take_lock, NULL);
    pthread_mutex_init(&pool.sleep_lock, NULL);
    pthread_condattr_init(&cattr);
    pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
    pthread_cond_init(&pool.sleep_cond, &cattr);
    pthread_condattr_destroy(&cattr);
    pthread_cond_init(&pool.exit_cond, NULL);
    pool.incoming = NULL;
    pool.taken = NULL;
    pool.nr_taken = 0;
    pool.sleepers = 0;
    pool.waking = 0;
    pool.spinners = 0;
    pool.spin_skips = 0;
    pool.spin_misses = 0;
    pool.workers = 0;
    g_atomic_int_set(&pool.stopping, false);
    pool.done = NULL;
    pool.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (pool.efd < 0) {
        fprintf(stderr, "thread pool: eventfd: %s\n", strerror(errno));
        abort();
    }
    aio_set_fd_handler(pool.efd, thread_pool_completion_handler, NULL, NULL);
    pool.initialized = true;
}

void thread_pool_submit_aio(ThreadPoolFunc *func, void *arg,
                            ThreadPoolCompletionFunc *cb, void *opaque)
{
    ThreadPoolElement *req, *old;

    if (unlikely(!pool.initialized)) {
        thread_pool_init();
    }
    req = pool.free_list;
    if (likely(req)) {
        pool.free_list = req->next;
    } else {
        req = g_new(ThreadPoolElement, 1);
    }
    req->func = func;
    req->arg = arg;
    req->cb = cb;
    req->opaque = opaque;
    req->ret = -EINPROGRESS;
    pool.in_flight++;

    stack_push(&pool.incoming, req, &old);
    /*
     * If requests were already waiting, whoever takes the first of them
     * sees this one too and passes the word on.
     */
    if (!old || g_atomic_int_get(&pool.workers) == 0) {
        thread_pool_kick(1);
    }
}

typedef struct ThreadPoolCo {
    Coroutine *co;
    int ret;
    bool done;
} ThreadPoolCo;

static void thread_pool_co_cb(void *opaque, int ret)
{
    ThreadPoolCo *tpc = opaque;

    tpc->ret = ret;
    tpc->done = true;
    /* From the loop's fd handler this enters @co directly. */
    aio_co_wake(tpc->co);
}

int coroutine_fn thread_pool_submit_co(ThreadPoolFunc *func, void *arg)
{
    ThreadPoolCo tpc = {
        .co = qemu_coroutine_self(),
        .ret = -EINPROGRESS,
    };

    assert(qemu_in_coroutine());
    thread_pool_submit_aio(func, arg, thread_pool_co_cb, &tpc);
    while (!tpc.done) {
        qemu_coroutine_yield();
    }
    return tpc.ret;
}

void thread_pool_set_max_workers(int max)
{
    g_atomic_int_set(&pool.max_workers, MAX(max, 1));
}

int thread_pool_in_flight(void)
{
    return pool.in_flight;
}

int thread_pool_nr_workers(void)
{
    return pool.initialized ? g_atomic_int_get(&pool.workers) : 0;
}

void thread_pool_cleanup(void)
{
    if (!pool.initialized) {
        return;
    }
    AIO_WAIT_WHILE(pool.in_flight > 0);

    pthread_mutex_lock(&pool.sleep_lock);
    g_atomic_int_set(&pool.stopping, true);
    pthread_cond_broadcast(&pool.sleep_cond);
    while (pool.workers > 0) {
        pthread_cond_wait(&pool.exit_cond, &pool.sleep_lock);
    }
    pthread_mutex_unlock(&pool.sleep_lock);

    aio_set_fd_handler(pool.efd, NULL, NULL, NULL);
    close(pool.efd);
    pool.efd = -1;
    while (pool.free_list) {
        ThreadPoolElement *req = pool.free_list;
        pool.free_list = req->next;
        g_free(req);
    }
    pthread_cond_destroy(&pool.sleep_cond);
    pthread_cond_destroy(&pool.exit_cond);
    pthread_mutex_destroy(&pool.sleep_lock);
    pthread_mutex_destroy(&pool.take_lock);
    pool.initialized = false;
}
