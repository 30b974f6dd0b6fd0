/*
 * Common includes and helper macros; every .c file includes this first.
 */
#ifndef QEMU_OSDEP_H
#define QEMU_OSDEP_H

#define _GNU_SOURCE 1
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <assert.h>
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <glib.h>

/* Marks functions that may only be called from coroutine context. */
#define coroutine_fn

#ifndef MIN
#define MIN(a, b) (((a) < (b)) ? (a) : (b))
#endif
#ifndef MAX
#define MAX(a, b) (((a) > (b)) ? (a) : (b))
#endif
#define MIN_NON_ZERO(a, b) ((a) == 0 ? (b) : ((b) == 0 ? (a) : MIN(a, b)))

#define QEMU_ALIGN_DOWN(n, m) ((n) / (m) * (m))
#define QEMU_ALIGN_UP(n, m) QEMU_ALIGN_DOWN((n) + (m) - 1, (m))
#define QEMU_IS_ALIGNED(n, m) (((n) % (m)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define ROUND_UP(n, d) QEMU_ALIGN_UP(n, d)
#define ARRAY_SIZE(x) (sizeof(x) / sizeof((x)[0]))

#ifndef container_of
#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))
#endif

#define QEMU_NORETURN __attribute__((noreturn))
#define G_GNUC_PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))
#define QEMU_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define KiB (INT64_C(1) << 10)
#define MiB (INT64_C(1) << 20)
#define GiB (INT64_C(1) << 30)
#define TiB (INT64_C(1) << 40)

/* Page-aligned buffers for O_DIRECT. */
void *qemu_memalign(size_t alignment, size_t size);
void *qemu_try_memalign(size_t alignment, size_t size);
void qemu_vfree(void *ptr);
size_t qemu_real_host_page_size(void);

/* Monotonic nanosecond clock; the event loop's timers use it. */
int64_t get_clock_ns(void);

/* Program name used by error_report(): "qemu-io", "qemu-img", ... */
void error_set_progname(const char *argv0);
const char *error_get_progname(void);

#endif
