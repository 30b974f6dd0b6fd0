/*
 * Small OS helpers: aligned memory, clocks, program name.
 */
#include "qemu/osdep.h"
#include <time.h>

/* Set once from argv[0] at start-up, before any other thread. */
static char *progname;

void *qemu_try_memalign(size_t alignment, size_t size)
{
    void *ptr;

    if (alignment < sizeof(void *)) {
        alignment = sizeof(void *);
    }
    if (posix_memalign(&ptr, alignment, size ? size : 1)) {
        return NULL;
    }
    return ptr;
}

void *qemu_memalign(size_t alignment, size_t size)
{
    void *p = qemu_try_memalign(alignment, size);

    if (!p) {
        fprintf(stderr, "Failed to allocate %zu B: %s\n", size,
                strerror(errno));
        abort();
    }
    return p;
}

void qemu_vfree(void *ptr)
{
    free(ptr);
}

size_t qemu_real_host_page_size(void)
{
    static size_t sz;

    if (!sz) {
        sz = sysconf(_SC_PAGESIZE);
    }
    return sz;
}

int64_t get_clock_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void error_set_progname(const char *argv0)
{
    const char *p = strrchr(argv0, '/');

    g_free(progname);
    progname = g_strdup(p ? p + 1 : argv0);
    g_set_prgname(progname);
}

const char *error_get_progname(void)
{
    return progname;
}
