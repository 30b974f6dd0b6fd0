/*
 * Coroutines: cooperative threads on the single-threaded event loop.
 *
 * A driver that fans out to N children starts N coroutines and yields
 * until a counter drops to zero; no callback chains spread over files.
 */
#ifndef QEMU_COROUTINE_H
#define QEMU_COROUTINE_H

typedef struct Coroutine Coroutine;
typedef void coroutine_fn CoroutineEntry(void *opaque);

/* Coroutines come from a pool: creating one on the hot path is cheap. */
Coroutine *qemu_coroutine_create(CoroutineEntry *entry, void *opaque);
/* Switch into @co; returns when it yields or terminates. */
void qemu_coroutine_enter(Coroutine *co);
/* Enter @co only if it is not already running (and not the caller). */
void qemu_coroutine_enter_if_inactive(Coroutine *co);
void coroutine_fn qemu_coroutine_yield(void);
Coroutine *qemu_coroutine_self(void);
bool qemu_in_coroutine(void);
bool qemu_coroutine_entered(Coroutine *co);

/*
 * Wake @co from the event loop (a bottom half), never re-entrantly.
 * Safe to call from completion callbacks that may run inside the
 * coroutine's own call chain.
 */
void aio_co_wake(Coroutine *co);

/* Sleep in a coroutine for @ns nanoseconds of the monotonic clock. */
void coroutine_fn qemu_co_sleep_ns(int64_t ns);

/* FIFO queue of waiting coroutines. */
typedef struct CoQueue {
    GQueue waiters;
} CoQueue;

void qemu_co_queue_init(CoQueue *q);
void coroutine_fn qemu_co_queue_wait(CoQueue *q);
/* Wake all waiters (scheduled through aio_co_wake). */
void qemu_co_queue_restart_all(CoQueue *q);

typedef struct CoMutex {
    bool locked;
    CoQueue waiters;
} CoMutex;

void qemu_co_mutex_init(CoMutex *m);
void coroutine_fn qemu_co_mutex_lock(CoMutex *m);
void coroutine_fn qemu_co_mutex_unlock(CoMutex *m);
/* Take @m if it is free, without waiting: true if taken. */
bool qemu_co_mutex_trylock(CoMutex *m);

#endif
