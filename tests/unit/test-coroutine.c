/*
 * Coroutines: enter/yield order, nesting, pooling, wake-ups from the loop.
 */
#include "qemu/osdep.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"

static void coroutine_fn co_yield_twice(void *opaque)
{
    int *step = opaque;

    (*step)++;
    qemu_coroutine_yield();
    (*step)++;
    qemu_coroutine_yield();
    (*step)++;
}

static void test_enter_yield(void)
{
    int step = 0;
    Coroutine *co = qemu_coroutine_create(co_yield_twice, &step);

    g_assert_false(qemu_in_coroutine());
    qemu_coroutine_enter(co);
    g_assert_cmpint(step, ==, 1);
    g_assert_false(qemu_coroutine_entered(co));
    qemu_coroutine_enter(co);
    g_assert_cmpint(step, ==, 2);
    qemu_coroutine_enter(co);
    g_assert_cmpint(step, ==, 3);
}

static void coroutine_fn co_inner(void *opaque)
{
    GString *log = opaque;

    g_string_append_c(log, 'b');
    qemu_coroutine_yield();
    g_string_append_c(log, 'd');
}

static void coroutine_fn co_outer(void *opaque)
{
    GString *log = opaque;
    Coroutine *inner = qemu_coroutine_create(co_inner, log);

    g_assert_true(qemu_in_coroutine());
    g_string_append_c(log, 'a');
    qemu_coroutine_enter(inner);        /* nested: inner yields back to us */
    g_string_append_c(log, 'c');
    qemu_coroutine_enter(inner);
    g_string_append_c(log, 'e');
}

static void test_nesting(void)
{
    GString *log = g_string_new(NULL);

    qemu_coroutine_enter(qemu_coroutine_create(co_outer, log));
    g_assert_cmpstr(log->str, ==, "abcde");
    g_string_free(log, true);
}

static void coroutine_fn co_count(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_many(void)
{
    int n = 0;

    /* More than the pool holds, sequentially and all at once. */
    for (int i = 0; i < 1000; i++) {
        qemu_coroutine_enter(qemu_coroutine_create(co_count, &n));
    }
    g_assert_cmpint(n, ==, 1000);
}

typedef struct WakeState {
    Coroutine *co;
    int done;
} WakeState;

static void coroutine_fn co_wait_for_wake(void *opaque)
{
    WakeState *s = opaque;

    s->co = qemu_coroutine_self();
    qemu_coroutine_yield();
    s->done++;
}

static void coroutine_fn co_waker(void *opaque)
{
    WakeState *s = opaque;

    /* From coroutine context the wake-up must be deferred, not nested. */
    aio_co_wake(s->co);
    g_assert_cmpint(s->done, ==, 0);
}

static void test_wake_deferred(void)
{
    WakeState s = { 0 };

    qemu_coroutine_enter(qemu_coroutine_create(co_wait_for_wake, &s));
    qemu_coroutine_enter(qemu_coroutine_create(co_waker, &s));
    g_assert_cmpint(s.done, ==, 0);
    AIO_WAIT_WHILE(s.done == 0);
    g_assert_cmpint(s.done, ==, 1);
}

static void coroutine_fn co_sleeper(void *opaque)
{
    int64_t *elapsed = opaque;
    int64_t t0 = get_clock_ns();

    qemu_co_sleep_ns(20 * 1000 * 1000);
    *elapsed = get_clock_ns() - t0;
}

static void test_sleep(void)
{
    int64_t elapsed = -1;

    qemu_coroutine_enter(qemu_coroutine_create(co_sleeper, &elapsed));
    AIO_WAIT_WHILE(elapsed < 0);
    g_assert_cmpint(elapsed, >=, 20 * 1000 * 1000);
}

typedef struct MutexState {
    CoMutex lock;
    int inside;
    int max_inside;
    int finished;
} MutexState;

static void coroutine_fn co_locker(void *opaque)
{
    MutexState *s = opaque;

    qemu_co_mutex_lock(&s->lock);
    s->inside++;
    s->max_inside = MAX(s->max_inside, s->inside);
    qemu_co_sleep_ns(1000 * 1000);
    s->inside--;
    qemu_co_mutex_unlock(&s->lock);
    s->finished++;
}

static void test_mutex(void)
{
    MutexState s = { 0 };

    qemu_co_mutex_init(&s.lock);
    for (int i = 0; i < 5; i++) {
        qemu_coroutine_enter(qemu_coroutine_create(co_locker, &s));
    }
    AIO_WAIT_WHILE(s.finished < 5);
    g_assert_cmpint(s.max_inside, ==, 1);
}

/* trylock takes a free mutex and never one that is held. */
static void test_mutex_trylock(void)
{
    MutexState s = { 0 };

    qemu_co_mutex_init(&s.lock);
    g_assert_true(qemu_co_mutex_trylock(&s.lock));
    g_assert_false(qemu_co_mutex_trylock(&s.lock));
    /* A locker waits behind it, and gets it once it is released. */
    qemu_coroutine_enter(qemu_coroutine_create(co_locker, &s));
    g_assert_cmpint(s.inside, ==, 0);
    qemu_co_mutex_unlock(&s.lock);
    AIO_WAIT_WHILE(s.finished < 1);
    g_assert_cmpint(s.max_inside, ==, 1);
    g_assert_true(qemu_co_mutex_trylock(&s.lock));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop();
    g_test_add_func("/coroutine/enter-yield", test_enter_yield);
    g_test_add_func("/coroutine/nesting", test_nesting);
    g_test_add_func("/coroutine/many", test_many);
    g_test_add_func("/coroutine/wake-deferred", test_wake_deferred);
    g_test_add_func("/coroutine/sleep", test_sleep);
    g_test_add_func("/coroutine/mutex", test_mutex);
    g_test_add_func("/coroutine/mutex-trylock", test_mutex_trylock);
    return g_test_run();
}
