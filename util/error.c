/*
 * Error objects for the control path, and error_report().
 */
#include "qemu/osdep.h"
#include "qapi/error.h"

struct Error {
    char *msg;
    ErrorClass err_class;
    GString *hint;
    const char *src;
    int line;
};

/* Never written: their addresses are sentinels for any thread. */
Error *error_abort;
Error *error_fatal;

static void error_handle(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "Unexpected error at %s:%d:\n", err->src, err->line);
        error_report_err(err);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    assert(*errp == NULL);
    *errp = err;
}

static void error_setv(Error **errp, const char *src, int line,
                       ErrorClass err_class, const char *fmt, va_list ap,
                       int os_errno)
{
    Error *err;
    int saved_errno = errno;

    if (!errp) {
        return;
    }
    err = g_new0(Error, 1);
    err->msg = g_strdup_vprintf(fmt, ap);
    if (os_errno) {
        char *m = err->msg;
        err->msg = g_strdup_printf("%s: %s", m, strerror(os_errno));
        g_free(m);
    }
    err->err_class = err_class;
    err->src = src;
    err->line = line;
    error_handle(errp, err);
    errno = saved_errno;
}

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, ERROR_CLASS_GENERIC_ERROR, fmt, ap, 0);
    va_end(ap);
}

void error_setg_errno_internal(Error **errp, const char *src, int line,
                               int os_errno, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, ERROR_CLASS_GENERIC_ERROR, fmt, ap,
               os_errno < 0 ? -os_errno : os_errno);
    va_end(ap);
}

void error_set_internal(Error **errp, const char *src, int line,
                        ErrorClass err_class, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_setv(errp, src, line, err_class, fmt, ap, 0);
    va_end(ap);
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

ErrorClass error_get_class(const Error *err)
{
    return err->err_class;
}

const char *error_get_hint(const Error *err)
{
    return err->hint ? err->hint->str : NULL;
}

void error_append_hint(Error *const *errp, const char *fmt, ...)
{
    va_list ap;
    Error *err;

    if (!errp || errp == &error_abort || errp == &error_fatal || !*errp) {
        return;
    }
    err = *errp;
    if (!err->hint) {
        err->hint = g_string_new(NULL);
    }
    va_start(ap, fmt);
    g_string_append_vprintf(err->hint, fmt, ap);
    va_end(ap);
}

static void error_vprepend(Error *const *errp, const char *fmt, va_list ap)
{
    GString *s;

    if (!errp || !*errp) {
        return;
    }
    s = g_string_new(NULL);
    g_string_append_vprintf(s, fmt, ap);
    g_string_append(s, (*errp)->msg);
    g_free((*errp)->msg);
    (*errp)->msg = g_string_free(s, false);
}

void error_prepend(Error *const *errp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vprepend(errp, fmt, ap);
    va_end(ap);
}

void error_free(Error *err)
{
    if (err) {
        g_free(err->msg);
        if (err->hint) {
            g_string_free(err->hint, true);
        }
        g_free(err);
    }
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    error_handle(dst_errp, local_err);
}

static void print_prefix(void)
{
    const char *p = error_get_progname();

    if (p) {
        fprintf(stderr, "%s: ", p);
    }
}

void error_vreport(const char *fmt, va_list ap)
{
    print_prefix();
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vreport(fmt, ap);
    va_end(ap);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    print_prefix();
    fputs("warning: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void error_report_err(Error *err)
{
    error_report("%s", err->msg);
    if (err->hint) {
        fputs(err->hint->str, stderr);
    }
    error_free(err);
}

void warn_report_err(Error *err)
{
    warn_report("%s", err->msg);
    if (err->hint) {
        fputs(err->hint->str, stderr);
    }
    error_free(err);
}
