/*
 * Worker threads for blocking system calls (aio=threads).
 *
 * The pool is process-wide and belongs to the single event-loop thread:
 * only that thread submits, and completions come back to it through an
 * eventfd registered with the loop.  Workers are started on demand (up
 * to a maximum) and exit after sitting idle for a while.
 */
#ifndef BLOCK_THREAD_POOL_H
#define BLOCK_THREAD_POOL_H

#include "qemu/osdep.h"
#include "qemu/coroutine.h"

/* Runs in a worker thread; returns 0/positive or -errno. */
typedef int ThreadPoolFunc(void *opaque);
/* Runs in the event loop with what the ThreadPoolFunc returned. */
typedef void ThreadPoolCompletionFunc(void *opaque, int ret);

/*
 * Run @func(@arg) in a worker and yield until it has finished; returns
 * its result.  @arg must stay valid until then (the caller's stack is).
 */
int coroutine_fn thread_pool_submit_co(ThreadPoolFunc *func, void *arg);

/*
 * Run @func(@arg) in a worker; @cb(@opaque, ret) is called from the
 * event loop afterwards, never before this returns.
 */
void thread_pool_submit_aio(ThreadPoolFunc *func, void *arg,
                            ThreadPoolCompletionFunc *cb, void *opaque);

/* Upper bound for the number of workers (default 64, minimum 1). */
void thread_pool_set_max_workers(int max);
/* Requests submitted and not completed yet (queued, running or ready). */
int thread_pool_in_flight(void);
/* Workers currently alive (tests). */
int thread_pool_nr_workers(void);

/*
 * Wait for every request, stop all workers and free the pool's memory;
 * the next submission starts a fresh pool.  For process exit and tests.
 */
void thread_pool_cleanup(void);

#endif
