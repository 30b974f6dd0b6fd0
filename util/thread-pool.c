/*
 * Worker thread pool: blocking calls run in pthreads, completions are
 * handed back to the event loop through an eventfd.
 *
 * Locking: the request FIFO and the worker counters are under
 * pool.lock.  Finished requests are pushed onto a lock-free stack; the
 * worker that makes it non-empty kicks the eventfd.  The free list of
 * request elements and everything else is touched by the loop thread
 * only, so the hot path neither allocates nor takes a second lock.
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

typedef struct ThreadPoolElement {
    ThreadPoolFunc *func;
    void *arg;
    ThreadPoolCompletionFunc *cb;
    void *opaque;
    int ret;
    struct ThreadPoolElement *next; /* queue, done stack or free list */
} ThreadPoolElement;

typedef struct ThreadPool {
    bool initialized;
    pthread_mutex_t lock;
    pthread_cond_t work_cond;       /* workers wait for requests */
    pthread_cond_t exit_cond;       /* cleanup waits for workers to leave */
    ThreadPoolElement *queue_head;  /* FIFO of requests not yet picked */
    ThreadPoolElement **queue_tail;
    int queued;
    int idle;                       /* workers blocked on work_cond */
    int workers;                    /* workers alive */
    int max_workers;
    bool stopping;

    ThreadPoolElement *done;        /* lock-free LIFO, atomics only */
    int efd;

    /* Loop thread only. */
    ThreadPoolElement *free_list;
    int in_flight;
} ThreadPool;

static ThreadPool pool = {
    .max_workers = THREAD_POOL_DEFAULT_MAX,
    .efd = -1,
};

static void thread_pool_complete_one(ThreadPoolElement *req)
{
    ThreadPoolElement *head = __atomic_load_n(&pool.done, __ATOMIC_RELAXED);

    do {
        req->next = head;
    } while (!__atomic_compare_exchange_n(&pool.done, &head, req, true,
                                          __ATOMIC_RELEASE,
                                          __ATOMIC_RELAXED));
    if (!head) {
        /* The stack was empty: the loop may be asleep, wake it. */
        uint64_t one = 1;
        ssize_t r;

        do {
            r = write(pool.efd, &one, sizeof(one));
        } while (r < 0 && errno == EINTR);
    }
}

static void *thread_pool_worker(void *opaque)
{
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        ThreadPoolElement *req;

        while (!pool.queue_head && !pool.stopping) {
            struct timespec ts;
            int64_t deadline;
            int rc;

            clock_gettime(CLOCK_MONOTONIC, &ts);
            deadline = ts.tv_sec * 1000000000LL + ts.tv_nsec +
                       THREAD_POOL_IDLE_NS;
            ts.tv_sec = deadline / 1000000000LL;
            ts.tv_nsec = deadline % 1000000000LL;
            pool.idle++;
            rc = pthread_cond_timedwait(&pool.work_cond, &pool.lock, &ts);
            pool.idle--;
            if (rc == ETIMEDOUT && !pool.queue_head) {
                goto out;
            }
        }
        if (pool.stopping) {
            break;
        }
        req = pool.queue_head;
        pool.queue_head = req->next;
        if (!pool.queue_head) {
            pool.queue_tail = &pool.queue_head;
        }
        pool.queued--;
        pthread_mutex_unlock(&pool.lock);

        req->ret = req->func(req->arg);
        thread_pool_complete_one(req);

        pthread_mutex_lock(&pool.lock);
    }
out:
    pool.workers--;
    pthread_cond_broadcast(&pool.exit_cond);
    pthread_mutex_unlock(&pool.lock);
    return NULL;
}

/* Called with pool.lock held; false if no thread could be created. */
static bool thread_pool_spawn(void)
{
    pthread_attr_t attr;
    pthread_t tid;
    sigset_t all, old;
    int rc;

    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* Signals are for the loop thread; workers never take them. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&tid, &attr, thread_pool_worker, NULL);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (rc == 0) {
        pool.workers++;
    }
    return rc == 0;
}

static void thread_pool_completion_handler(void *opaque)
{
    ThreadPoolElement *list, *rev = NULL;
    uint64_t cnt;

    if (read(pool.efd, &cnt, sizeof(cnt)) < 0) {
        /* EAGAIN: a previous pass already took what was signalled. */
    }
    list = __atomic_exchange_n(&pool.done, NULL, __ATOMIC_ACQUIRE);
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

    pthread_mutex_init(&pool.lock, NULL);
    pthread_condattr_init(&cattr);
    pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
    pthread_cond_init(&pool.work_cond, &cattr);
    pthread_condattr_destroy(&cattr);
    pthread_cond_init(&pool.exit_cond, NULL);
    pool.queue_head = NULL;
    pool.queue_tail = &pool.queue_head;
    pool.queued = 0;
    pool.idle = 0;
    pool.workers = 0;
    pool.stopping = false;
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
    ThreadPoolElement *req;

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
    req->next = NULL;
    pool.in_flight++;

    pthread_mutex_lock(&pool.lock);
    *pool.queue_tail = req;
    pool.queue_tail = &req->next;
    pool.queued++;
    /* Idle workers that were signalled but did not run yet still count
     * as idle; only start a thread if they cannot cover the queue. */
    if (pool.queued > pool.idle && pool.workers < pool.max_workers) {
        if (!thread_pool_spawn() && pool.workers == 0) {
            fprintf(stderr, "thread pool: cannot create a worker\n");
            abort();
        }
    }
    if (pool.idle > 0) {
        pthread_cond_signal(&pool.work_cond);
    }
    pthread_mutex_unlock(&pool.lock);
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
    if (!pool.initialized) {
        pool.max_workers = MAX(max, 1);
        return;
    }
    pthread_mutex_lock(&pool.lock);
    pool.max_workers = MAX(max, 1);
    pthread_mutex_unlock(&pool.lock);
}

int thread_pool_in_flight(void)
{
    return pool.in_flight;
}

int thread_pool_nr_workers(void)
{
    int n;

    if (!pool.initialized) {
        return 0;
    }
    pthread_mutex_lock(&pool.lock);
    n = pool.workers;
    pthread_mutex_unlock(&pool.lock);
    return n;
}

void thread_pool_cleanup(void)
{
    if (!pool.initialized) {
        return;
    }
    AIO_WAIT_WHILE(pool.in_flight > 0);

    pthread_mutex_lock(&pool.lock);
    pool.stopping = true;
    pthread_cond_broadcast(&pool.work_cond);
    while (pool.workers > 0) {
        pthread_cond_wait(&pool.exit_cond, &pool.lock);
    }
    pthread_mutex_unlock(&pool.lock);

    aio_set_fd_handler(pool.efd, NULL, NULL, NULL);
    close(pool.efd);
    pool.efd = -1;
    while (pool.free_list) {
        ThreadPoolElement *req = pool.free_list;
        pool.free_list = req->next;
        g_free(req);
    }
    pthread_cond_destroy(&pool.work_cond);
    pthread_cond_destroy(&pool.exit_cond);
    pthread_mutex_destroy(&pool.lock);
    pool.initialized = false;
}
