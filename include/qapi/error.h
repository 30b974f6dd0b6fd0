/*
 * Error reporting on the control path: functions take Error **errp last.
 */
#ifndef QAPI_ERROR_H
#define QAPI_ERROR_H

#include <stdarg.h>

typedef enum ErrorClass {
    ERROR_CLASS_GENERIC_ERROR = 0,
    ERROR_CLASS_COMMAND_NOT_FOUND,
    ERROR_CLASS_DEVICE_NOT_ACTIVE,
    ERROR_CLASS_DEVICE_NOT_FOUND,
    ERROR_CLASS_KVM_MISSING_CAP,
} ErrorClass;

typedef struct Error Error;

/* Sentinel: abort the process when an error is set. */
extern Error *error_abort;
/* Sentinel: print the error and exit(1). */
extern Error *error_fatal;

void error_setg_internal(Error **errp, const char *src, int line,
                         const char *fmt, ...) G_GNUC_PRINTF(4, 5);
void error_setg_errno_internal(Error **errp, const char *src, int line,
                               int os_errno, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);
void error_set_internal(Error **errp, const char *src, int line,
                        ErrorClass err_class, const char *fmt, ...)
    G_GNUC_PRINTF(5, 6);

#define error_setg(errp, ...) \
    error_setg_internal((errp), __FILE__, __LINE__, __VA_ARGS__)
/* Appends ": strerror(os_errno)" to the message. */
#define error_setg_errno(errp, os_errno, ...) \
    error_setg_errno_internal((errp), __FILE__, __LINE__, (os_errno), __VA_ARGS__)
#define error_set(errp, cls, ...) \
    error_set_internal((errp), __FILE__, __LINE__, (cls), __VA_ARGS__)

/* QEMU's QERR_ strings that tests compare against. */
#define QERR_INVALID_PARAMETER_VALUE "Parameter '%s' expects %s"
#define QERR_MISSING_PARAMETER "Parameter '%s' is missing"
#define QERR_INVALID_PARAMETER "Invalid parameter '%s'"
#define QERR_INVALID_PARAMETER_TYPE "Invalid parameter type for '%s', expected: %s"

const char *error_get_pretty(const Error *err);
ErrorClass error_get_class(const Error *err);
/* Extra text printed after the message (hints), may be NULL. */
const char *error_get_hint(const Error *err);
void error_append_hint(Error *const *errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void error_prepend(Error *const *errp, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void error_free(Error *err);
/* Move *local_err into *dst_errp (handles the sentinels). */
void error_propagate(Error **dst_errp, Error *local_err);

/* Print "progname: msg\n" (plus hint) to stderr. */
void error_report_err(Error *err);
void warn_report_err(Error *err);
void error_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void warn_report(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
void error_vreport(const char *fmt, va_list ap) G_GNUC_PRINTF(1, 0);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Error, error_free)

#endif
