/*
 * Thread pool: results, ordering-free completion, worker limits, teardown.
 */
#include "qemu/osdep.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "block/thread-pool.h"

typedef struct Work {
    int in;
    int out;                /* written by the worker */
    int delay_us;
    int cb_ret;             /* what the callback saw */
    bool completed;
} Work;

static int completed;

static int work_double(void *opaque)
{
    Work *w = opaque;

    if (w->delay_us) {
        g_usleep(w->delay_us);
    }
    w->out = w->in * 2;
    return w->in < 0 ? -EIO : w->in;
}

static void work_done(void *opaque, int ret)
{
    Work *w = opaque;

    g_assert_false(w->completed);
    w->completed = true;
    w->cb_ret = ret;
    completed++;
}

static void test_aio_many(void)
{
    enum { N = 2000 };
    Work *w = g_new0(Work, N);
    int i;

    completed = 0;
    for (i = 0; i < N; i++) {
        w[i].in = (i % 7 == 0) ? -i - 1 : i;
        w[i].delay_us = (i % 97 == 0) ? 200 : 0;
        thread_pool_submit_aio(work_double, &w[i], work_done, &w[i]);
    }
    /* Callbacks never run before the submission returns. */
    g_assert_cmpint(completed, ==, 0);
    AIO_WAIT_WHILE(completed < N);
    for (i = 0; i < N; i++) {
        g_assert_true(w[i].completed);
        g_assert_cmpint(w[i].out, ==, w[i].in * 2);
        g_assert_cmpint(w[i].cb_ret, ==, w[i].in < 0 ? -EIO : w[i].in);
    }
    g_assert_cmpint(thread_pool_in_flight(), ==, 0);
    g_assert_cmpint(thread_pool_nr_workers(), <=, 64);
    g_free(w);
}

typedef struct CoJob {
    int id;
    int rounds;
    int errors;
    bool finished;
} CoJob;

static int co_running;

static void coroutine_fn co_submitter(void *opaque)
{
    CoJob *job = opaque;
    int r;

    for (r = 0; r < job->rounds; r++) {
        Work w = {
            .in = job->id * 1000 + r,
            .delay_us = (r + job->id) % 13 == 0 ? 50 : 0,
        };
        int ret = thread_pool_submit_co(work_double, &w);

        if (ret != w.in || w.out != w.in * 2) {
            job->errors++;
        }
    }
    job->finished = true;
    co_running--;
}

static void test_co_many(void)
{
    enum { NCO = 300, ROUNDS = 20 };
    CoJob *jobs = g_new0(CoJob, NCO);
    int i;

    co_running = NCO;
    for (i = 0; i < NCO; i++) {
        jobs[i].id = i;
        jobs[i].rounds = ROUNDS;
        qemu_coroutine_enter(qemu_coroutine_create(co_submitter, &jobs[i]));
    }
    AIO_WAIT_WHILE(co_running > 0);
    for (i = 0; i < NCO; i++) {
        g_assert_true(jobs[i].finished);
        g_assert_cmpint(jobs[i].errors, ==, 0);
    }
    g_assert_cmpint(thread_pool_in_flight(), ==, 0);
    g_free(jobs);
}

static void coroutine_fn co_error(void *opaque)
{
    int *ret = opaque;
    Work w = { .in = -5 };

    *ret = thread_pool_submit_co(work_double, &w);
}

static void test_co_error(void)
{
    int ret = 1;

    qemu_coroutine_enter(qemu_coroutine_create(co_error, &ret));
    AIO_WAIT_WHILE(ret == 1);
    g_assert_cmpint(ret, ==, -EIO);
}

static void test_max_workers(void)
{
    enum { N = 64 };
    Work w[N];
    int i;

    thread_pool_cleanup();
    thread_pool_set_max_workers(2);
    memset(w, 0, sizeof(w));
    completed = 0;
    for (i = 0; i < N; i++) {
        w[i].in = i;
        w[i].delay_us = 100;
        thread_pool_submit_aio(work_double, &w[i], work_done, &w[i]);
        g_assert_cmpint(thread_pool_nr_workers(), <=, 2);
    }
    AIO_WAIT_WHILE(completed < N);
    g_assert_cmpint(thread_pool_nr_workers(), <=, 2);
    for (i = 0; i < N; i++) {
        g_assert_cmpint(w[i].out, ==, 2 * i);
    }
    thread_pool_cleanup();
    thread_pool_set_max_workers(64);
}

static void resubmit_cb(void *opaque, int ret)
{
    Work *w = opaque;

    /* Submitting from a completion reuses the element just freed. */
    if (w->in < 100) {
        w->in++;
        thread_pool_submit_aio(work_double, w, resubmit_cb, w);
    } else {
        w->completed = true;
    }
}

static void test_resubmit_from_cb(void)
{
    Work w = { .in = 0 };

    thread_pool_submit_aio(work_double, &w, resubmit_cb, &w);
    AIO_WAIT_WHILE(!w.completed);
    g_assert_cmpint(w.out, ==, 200);
}

static void test_cleanup(void)
{
    int base;
    Work w = { .in = 3 };

    thread_pool_cleanup();
    base = main_loop_pending_count();
    completed = 0;
    thread_pool_submit_aio(work_double, &w, work_done, &w);
    g_assert_cmpint(main_loop_pending_count(), ==, base + 1);
    g_assert_cmpint(thread_pool_nr_workers(), >=, 1);
    /* Cleanup waits for the request, then tears everything down. */
    thread_pool_cleanup();
    g_assert_true(w.completed);
    g_assert_cmpint(thread_pool_nr_workers(), ==, 0);
    g_assert_cmpint(thread_pool_in_flight(), ==, 0);
    g_assert_cmpint(main_loop_pending_count(), ==, base);
}

int main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop();
    g_test_add_func("/thread-pool/aio-many", test_aio_many);
    g_test_add_func("/thread-pool/co-many", test_co_many);
    g_test_add_func("/thread-pool/co-error", test_co_error);
    g_test_add_func("/thread-pool/max-workers", test_max_workers);
    g_test_add_func("/thread-pool/resubmit-from-cb", test_resubmit_from_cb);
    g_test_add_func("/thread-pool/cleanup", test_cleanup);
    ret = g_test_run();
    thread_pool_cleanup();
    return ret;
}
