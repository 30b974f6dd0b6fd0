/*
 * The single-threaded event loop (epoll): fd handlers, bottom halves and
 * timers.  Everything in the block layer runs in this one thread; worker
 * threads (aio=threads) only hand completions back through an eventfd.
 */
#ifndef QEMU_MAIN_LOOP_H
#define QEMU_MAIN_LOOP_H

typedef void IOHandler(void *opaque);
typedef void QEMUBHFunc(void *opaque);
typedef void QEMUTimerCB(void *opaque);

typedef struct QEMUBH QEMUBH;
typedef struct QEMUTimer QEMUTimer;

void qemu_init_main_loop(void);

/* Register (or with both NULL, remove) handlers for @fd. */
void aio_set_fd_handler(int fd, IOHandler *io_read, IOHandler *io_write,
                        void *opaque);

QEMUBH *qemu_bh_new(QEMUBHFunc *cb, void *opaque);
void qemu_bh_schedule(QEMUBH *bh);
void qemu_bh_cancel(QEMUBH *bh);
void qemu_bh_delete(QEMUBH *bh);
/* Run @cb once from the loop; no handle to manage. */
void aio_bh_schedule_oneshot(QEMUBHFunc *cb, void *opaque);

/* Timers on the monotonic clock, in nanoseconds (get_clock_ns()). */
QEMUTimer *timer_new_ns(QEMUTimerCB *cb, void *opaque);
void timer_mod_ns(QEMUTimer *t, int64_t expire_ns);
void timer_del(QEMUTimer *t);
void timer_free(QEMUTimer *t);
bool timer_pending(QEMUTimer *t);

/*
 * Run one iteration: dispatch ready BHs, expired timers and fd events.
 * Returns true if progress was made.  With @blocking, waits for an event.
 */
bool main_loop_wait(bool blocking);

/*
 * The loop polls its descriptors for a while before it blocks
 * (util/main-loop.c).  The next window after a wait of @waited_ns (the
 * polling included) with a window of @window_ns: doubled, from 4 us, up
 * to 64 us when the event came after the window but within 64 us; zero
 * when it took longer; unchanged when polling caught it.
 */
int64_t main_loop_poll_window(int64_t window_ns, int64_t waited_ns);

/* Poll the loop until @cond becomes false. */
#define AIO_WAIT_WHILE(cond) do {          \
        while (cond) {                     \
            main_loop_wait(true);          \
        }                                  \
    } while (0)

/* Number of BHs, timers and fds registered (tests, leak checks). */
int main_loop_pending_count(void);

#endif
