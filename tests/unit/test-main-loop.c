/*
 * Event loop: bottom halves, timers, fd handlers.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include <sys/eventfd.h>

static void bh_count(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_bh(void)
{
    int n = 0;
    QEMUBH *bh = qemu_bh_new(bh_count, &n);

    qemu_bh_schedule(bh);
    qemu_bh_schedule(bh);          /* scheduling twice runs once */
    main_loop_wait(false);
    g_assert_cmpint(n, ==, 1);
    qemu_bh_schedule(bh);
    qemu_bh_cancel(bh);
    main_loop_wait(false);
    g_assert_cmpint(n, ==, 1);
    qemu_bh_delete(bh);
    aio_bh_schedule_oneshot(bh_count, &n);
    main_loop_wait(false);
    g_assert_cmpint(n, ==, 2);
}

static void timer_log(void *opaque)
{
    GString *s = opaque;

    g_string_append_c(s, 'x');
}

typedef struct Order {
    GString *log;
    char c;
} Order;

static void timer_order(void *opaque)
{
    Order *o = opaque;

    g_string_append_c(o->log, o->c);
}

static void test_timers(void)
{
    GString *log = g_string_new(NULL);
    int64_t now = get_clock_ns();
    Order a = { log, 'a' }, b = { log, 'b' }, c = { log, 'c' };
    QEMUTimer *ta = timer_new_ns(timer_order, &a);
    QEMUTimer *tb = timer_new_ns(timer_order, &b);
    QEMUTimer *tc = timer_new_ns(timer_order, &c);
    QEMUTimer *td = timer_new_ns(timer_log, log);

    timer_mod_ns(tc, now + 3000000);
    timer_mod_ns(ta, now + 1000000);
    timer_mod_ns(tb, now + 2000000);
    timer_mod_ns(td, now + 1500000);
    timer_del(td);
    g_assert_false(timer_pending(td));
    AIO_WAIT_WHILE(timer_pending(tc));
    g_assert_cmpstr(log->str, ==, "abc");
    timer_free(ta);
    timer_free(tb);
    timer_free(tc);
    timer_free(td);
    g_string_free(log, true);
}

static void fd_read(void *opaque)
{
    int *fd = opaque;
    uint64_t v;

    g_assert_cmpint(read(*fd, &v, sizeof(v)), ==, sizeof(v));
    g_assert_cmpuint(v, ==, 3);
    *fd = -1;
}

static void test_fd(void)
{
    int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int watch = efd;
    uint64_t v = 3;

    aio_set_fd_handler(efd, fd_read, NULL, &watch);
    g_assert_cmpint(write(efd, &v, sizeof(v)), ==, sizeof(v));
    AIO_WAIT_WHILE(watch != -1);
    aio_set_fd_handler(efd, NULL, NULL, NULL);
    close(efd);
}

/* The polling window grows while events come soon, and stops for long waits. */
static void test_poll_window(void)
{
    const int64_t us = 1000;

    /* An idle loop never starts polling. */
    g_assert_cmpint(main_loop_poll_window(0, 100 * 1000 * us), ==, 0);
    g_assert_cmpint(main_loop_poll_window(0, 65 * us), ==, 0);
    /* An event soon after blocking starts it, then doubles it. */
    g_assert_cmpint(main_loop_poll_window(0, 30 * us), ==, 4 * us);
    g_assert_cmpint(main_loop_poll_window(4 * us, 30 * us), ==, 8 * us);
    g_assert_cmpint(main_loop_poll_window(32 * us, 40 * us), ==, 64 * us);
    g_assert_cmpint(main_loop_poll_window(64 * us, 64 * us), ==, 64 * us);
    /* Polling caught it: as it is. */
    g_assert_cmpint(main_loop_poll_window(16 * us, 10 * us), ==, 16 * us);
    /* A long wait drops the window at once. */
    g_assert_cmpint(main_loop_poll_window(64 * us, 65 * us), ==, 0);
    g_assert_cmpint(main_loop_poll_window(8 * us, 1000 * us), ==, 0);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop();
    g_test_add_func("/main-loop/bh", test_bh);
    g_test_add_func("/main-loop/timers", test_timers);
    g_test_add_func("/main-loop/fd", test_fd);
    g_test_add_func("/main-loop/poll-window", test_poll_window);
    return g_test_run();
}
