/*
 * Coroutines on ucontext stacks with sigsetjmp/siglongjmp switching.
 *
 * makecontext/setcontext are only used to start a new stack: swapcontext
 * saves the signal mask with a system call, which would cost a syscall per
 * switch.  Later switches use sigsetjmp(env, 0), which does not.
 * Terminated coroutines go back to a pool so that a request path that
 * creates one per request does not allocate or mmap.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include <setjmp.h>
#include <ucontext.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__has_feature)
#if defined(__SANITIZE_ADDRESS__)
#define CO_ASAN 1
#elif __has_feature(address_sanitizer)
#define CO_ASAN 1
#endif
#endif
#ifdef CO_ASAN
#include <sanitizer/asan_interface.h>
#endif
#ifdef CONFIG_VALGRIND_H
/* Without this, memcheck takes a switch to another stack for overflow. */
#include <valgrind/valgrind.h>
#endif

#define COROUTINE_STACK_SIZE (256 * 1024)
#define POOL_MAX 256

enum {
    CO_ENTER = 1,
    CO_YIELD = 2,
    CO_TERMINATE = 3,
};

struct Coroutine {
    CoroutineEntry *entry;
    void *entry_arg;
    Coroutine *caller;          /* who entered us; NULL when not running */
    bool scheduled;             /* a wake-up is queued in the loop */
    void *stack;
    size_t stack_size;
    sigjmp_buf env;
    Coroutine *pool_next;
#ifdef CO_ASAN
    void *fake_stack;
#endif
#ifdef CONFIG_VALGRIND_H
    unsigned valgrind_stack_id;
#endif
};

/*
 * Coroutines run in the main loop thread only: the leader (that thread's
 * own stack), the one running now, the pool and the trampoline state.
 */
static Coroutine leader;
static Coroutine *current;
static Coroutine *pool;
static unsigned pool_size;
static sigjmp_buf *trampoline_return;
static Coroutine *trampoline_co;
static Coroutine *trampoline_creator;   /* whose stack we jump back to */

static inline Coroutine *co_current(void)
{
    if (!current) {
        current = &leader;
    }
    return current;
}

static void start_switch(Coroutine *from, Coroutine *to, int action)
{
#ifdef CO_ASAN
    const void *bottom = to->stack;
    size_t size = to->stack_size;

    if (to == &leader) {
        bottom = leader.stack;
        size = leader.stack_size;
    }
    if (action == CO_TERMINATE) {
        /* Its fake stack dies now; a pooled reuse starts afresh. */
        from->fake_stack = NULL;
    }
    __sanitizer_start_switch_fiber(action == CO_TERMINATE ? NULL :
                                   &from->fake_stack, bottom, size);
#endif
}

static void finish_switch(Coroutine *co)
{
#ifdef CO_ASAN
    const void *bottom_old;
    size_t size_old;

    __sanitizer_finish_switch_fiber(co->fake_stack, &bottom_old, &size_old);
    if (!leader.stack) {
        leader.stack = (void *)bottom_old;
        leader.stack_size = size_old;
    }
#endif
}

static int co_switch(Coroutine *from, Coroutine *to, int action)
{
    int ret;

    current = to;
    ret = sigsetjmp(from->env, 0);
    if (ret == 0) {
        start_switch(from, to, action);
        siglongjmp(to->env, action);
    }
    finish_switch(from);
    return ret;
}

static void co_trampoline(void)
{
    Coroutine *self = trampoline_co;

    finish_switch(self);
    /* Save a jump target and go back to qemu_coroutine_new(). */
    if (!sigsetjmp(self->env, 0)) {
        start_switch(self, trampoline_creator, CO_YIELD);
        siglongjmp(*trampoline_return, 1);
    }
    finish_switch(self);
    for (;;) {
        self->entry(self->entry_arg);
        co_switch(self, self->caller, CO_TERMINATE);
    }
}

static Coroutine *coroutine_new(void)
{
    Coroutine *co = g_new0(Coroutine, 1);
    ucontext_t uc;
    sigjmp_buf old_env;
    void *stack;

    co->stack_size = COROUTINE_STACK_SIZE;
    stack = mmap(NULL, co->stack_size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (stack == MAP_FAILED) {
        abort();
    }
    /* Guard page at the bottom catches overflow. */
    mprotect(stack, qemu_real_host_page_size(), PROT_NONE);
    co->stack = stack;
#ifdef CONFIG_VALGRIND_H
    co->valgrind_stack_id =
        VALGRIND_STACK_REGISTER(stack, (char *)stack + co->stack_size);
#endif

    if (getcontext(&uc) == -1) {
        abort();
    }
    uc.uc_link = NULL;   /* the trampoline never returns */
    uc.uc_stack.ss_sp = co->stack;
    uc.uc_stack.ss_size = co->stack_size;
    uc.uc_stack.ss_flags = 0;
    makecontext(&uc, co_trampoline, 0);

    trampoline_return = &old_env;
    trampoline_co = co;
    trampoline_creator = co_current();
    if (!sigsetjmp(old_env, 0)) {
        start_switch(co_current(), co, CO_ENTER);
        /*
         * setcontext rather than swapcontext: the trampoline jumps back
         * with siglongjmp, and ASan only warns about swapcontext.
         */
        setcontext(&uc);
    }
    finish_switch(co_current());
    return co;
}

Coroutine *qemu_coroutine_create(CoroutineEntry *entry, void *opaque)
{
    Coroutine *co = pool;

    if (co) {
        pool = co->pool_next;
        pool_size--;
    } else {
        co = coroutine_new();
    }
    co->entry = entry;
    co->entry_arg = opaque;
    co->caller = NULL;
    co->scheduled = false;
    co->pool_next = NULL;
    return co;
}

static void coroutine_delete(Coroutine *co)
{
    if (pool_size < POOL_MAX) {
        co->pool_next = pool;
        pool = co;
        pool_size++;
        return;
    }
#ifdef CONFIG_VALGRIND_H
    VALGRIND_STACK_DEREGISTER(co->valgrind_stack_id);
#endif
    munmap(co->stack, co->stack_size);
    g_free(co);
}

void qemu_coroutine_enter(Coroutine *co)
{
    Coroutine *self = co_current();
    int ret;

    if (co->caller) {
        fprintf(stderr, "Co-routine re-entered recursively\n");
        abort();
    }
    co->caller = self;
    co->scheduled = false;
    ret = co_switch(self, co, CO_ENTER);
    switch (ret) {
    case CO_YIELD:
        return;
    case CO_TERMINATE:
        coroutine_delete(co);
        return;
    default:
        abort();
    }
}

void qemu_coroutine_enter_if_inactive(Coroutine *co)
{
    if (!co->caller) {
        qemu_coroutine_enter(co);
    }
}

void coroutine_fn qemu_coroutine_yield(void)
{
    Coroutine *self = co_current();
    Coroutine *to = self->caller;

    if (!to) {
        fprintf(stderr, "Co-routine is yielding to no one\n");
        abort();
    }
    self->caller = NULL;
    co_switch(self, to, CO_YIELD);
}

Coroutine *qemu_coroutine_self(void)
{
    return co_current();
}

bool qemu_in_coroutine(void)
{
    return co_current() != &leader;
}

bool qemu_coroutine_entered(Coroutine *co)
{
    return co->caller != NULL;
}

/*
 * Coroutines woken from coroutine context, entered from a bottom half
 * (main loop thread only).
 */
static GQueue wake_queue = G_QUEUE_INIT;
static QEMUBH *wake_bh;

static void co_wake_bh(void *opaque)
{
    Coroutine *co;

    while ((co = g_queue_pop_head(&wake_queue))) {
        co->scheduled = false;
        qemu_coroutine_enter(co);
    }
}

void aio_co_wake(Coroutine *co)
{
    if (co->scheduled) {
        fprintf(stderr, "Coroutine woken twice\n");
        abort();
    }
    if (!qemu_in_coroutine() && !co->caller) {
        qemu_coroutine_enter(co);
        return;
    }
    if (!wake_bh) {
        wake_bh = qemu_bh_new(co_wake_bh, NULL);
    }
    co->scheduled = true;
    g_queue_push_tail(&wake_queue, co);
    qemu_bh_schedule(wake_bh);
}

static void co_sleep_cb(void *opaque)
{
    aio_co_wake(opaque);
}

void coroutine_fn qemu_co_sleep_ns(int64_t ns)
{
    QEMUTimer *t = timer_new_ns(co_sleep_cb, qemu_coroutine_self());

    timer_mod_ns(t, get_clock_ns() + ns);
    qemu_coroutine_yield();
    timer_free(t);
}

void qemu_co_queue_init(CoQueue *q)
{
    g_queue_init(&q->waiters);
}

void coroutine_fn qemu_co_queue_wait(CoQueue *q)
{
    g_queue_push_tail(&q->waiters, qemu_coroutine_self());
    qemu_coroutine_yield();
}

static bool qemu_co_queue_next(CoQueue *q)
{
    Coroutine *co = g_queue_pop_head(&q->waiters);

    if (!co) {
        return false;
    }
    aio_co_wake(co);
    return true;
}

void qemu_co_queue_restart_all(CoQueue *q)
{
    while (qemu_co_queue_next(q)) {
        /* nothing */
    }
}

void qemu_co_mutex_init(CoMutex *m)
{
    m->locked = false;
    qemu_co_queue_init(&m->waiters);
}

void coroutine_fn qemu_co_mutex_lock(CoMutex *m)
{
    while (m->locked) {
        qemu_co_queue_wait(&m->waiters);
    }
    m->locked = true;
}

bool qemu_co_mutex_trylock(CoMutex *m)
{
    if (m->locked) {
        return false;
    }
    m->locked = true;
    return true;
}

void coroutine_fn qemu_co_mutex_unlock(CoMutex *m)
{
    m->locked = false;
    qemu_co_queue_next(&m->waiters);
}
