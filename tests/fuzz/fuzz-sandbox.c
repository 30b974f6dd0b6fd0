/*
 * The sandbox of fuzz.h: link-time wrappers (-Wl,--wrap=SYMBOL) that
 * refuse the system calls through which an input could reach the
 * machine: files, sockets, NBD servers.  The drivers' error paths run
 * as they would for a file that does not let us in.  And a coroutine
 * sleeps at most 100 us (null-co's latency-ns=1e18 must not hang).
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "tests/fuzz/fuzz.h"
#include <sys/socket.h>
#include "qemu/coroutine.h"

#define FUZZ_MAX_SLEEP_NS 100000

static bool sandboxed;

void fuzz_sandbox_enter(void)
{
    sandboxed = true;
}

void fuzz_sandbox_leave(void)
{
    sandboxed = false;
}

static bool refuse(void)
{
    if (sandboxed) {
        errno = EACCES;
    }
    return sandboxed;
}

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_open64(const char *path, int flags, ...);
int __wrap_open64(const char *path, int flags, ...);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__real_fopen64(const char *path, const char *mode);
FILE *__wrap_fopen64(const char *path, const char *mode);
int __real_bind(int fd, const struct sockaddr *sa, socklen_t len);
int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len);
int __real_connect(int fd, const struct sockaddr *sa, socklen_t len);
int __wrap_connect(int fd, const struct sockaddr *sa, socklen_t len);
int __real_unlink(const char *path);
int __wrap_unlink(const char *path);

static mode_t open_mode(int flags, va_list ap)
{
    return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, int) : 0;
}

/* open() and open64(): the mode only exists when the flags create. */
#define SANDBOX_OPEN(name)                                      \
int __wrap_##name(const char *path, int flags, ...)             \
{                                                               \
    va_list ap;                                                 \
    mode_t mode;                                                \
                                                                \
    if (refuse()) {                                             \
        return -1;                                              \
    }                                                           \
    va_start(ap, flags);                                        \
    mode = open_mode(flags, ap);                                \
    va_end(ap);                                                 \
    return __real_##name(path, flags, mode);                    \
}

SANDBOX_OPEN(open)
SANDBOX_OPEN(open64)

FILE *__wrap_fopen(const char *path, const char *mode)
{
    return refuse() ? NULL : __real_fopen(path, mode);
}

FILE *__wrap_fopen64(const char *path, const char *mode)
{
    return refuse() ? NULL : __real_fopen64(path, mode);
}

int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
    return refuse() ? -1 : __real_bind(fd, sa, len);
}

int __wrap_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
    return refuse() ? -1 : __real_connect(fd, sa, len);
}

int __wrap_unlink(const char *path)
{
    return refuse() ? -1 : __real_unlink(path);
}

#ifdef CONFIG_LIBNBD
struct nbd_handle;
struct nbd_handle *__real_nbd_create(void);
struct nbd_handle *__wrap_nbd_create(void);

struct nbd_handle *__wrap_nbd_create(void)
{
    return refuse() ? NULL : __real_nbd_create();
}
#endif

void coroutine_fn __real_qemu_co_sleep_ns(int64_t ns);
void coroutine_fn __wrap_qemu_co_sleep_ns(int64_t ns);

void coroutine_fn __wrap_qemu_co_sleep_ns(int64_t ns)
{
    __real_qemu_co_sleep_ns(sandboxed ? MIN(ns, FUZZ_MAX_SLEEP_NS) : ns);
}
