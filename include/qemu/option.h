/*
 * Typed option descriptions, as QEMU's QemuOptsList: drivers declare what
 * they accept and the values are validated with QEMU's messages.
 */
#ifndef QEMU_OPTION_H
#define QEMU_OPTION_H

#include "qemu/qdict.h"

typedef enum QemuOptType {
    QEMU_OPT_STRING = 0,
    QEMU_OPT_BOOL,
    QEMU_OPT_NUMBER,
    QEMU_OPT_SIZE,
} QemuOptType;

typedef struct QemuOptDesc {
    const char *name;
    QemuOptType type;
    const char *help;
    const char *def_value_str;
} QemuOptDesc;

typedef struct QemuOptsList {
    const char *name;
    const QemuOptDesc *desc;   /* terminated by { .name = NULL } */
} QemuOptsList;

typedef struct QemuOpts QemuOpts;

QemuOpts *qemu_opts_create(const QemuOptsList *list);
void qemu_opts_del(QemuOpts *opts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(QemuOpts, qemu_opts_del)

/*
 * Take every key of @qdict that @opts' list describes, validate and
 * remove it from @qdict.  Unknown keys stay in @qdict (callers report
 * them).  Messages as QEMU: "Parameter 'x' expects a number", ...
 */
bool qemu_opts_absorb_qdict(QemuOpts *opts, QDict *qdict, Error **errp);
/* Set one option from a string, validating it. */
bool qemu_opt_set(QemuOpts *opts, const char *name, const char *value,
                  Error **errp);

const char *qemu_opt_get(QemuOpts *opts, const char *name);
bool qemu_opt_has(QemuOpts *opts, const char *name);
bool qemu_opt_get_bool(QemuOpts *opts, const char *name, bool defval);
uint64_t qemu_opt_get_number(QemuOpts *opts, const char *name, uint64_t defval);
uint64_t qemu_opt_get_size(QemuOpts *opts, const char *name, uint64_t defval);

/*
 * Parse "k=v,..." into typed @opts like QEMU's qemu_opts_do_parse()
 * (qemu-img create -o): no flag warnings, "id" elements are dropped,
 * unknown names give "Invalid parameter 'x'" unless the list has no
 * descriptions.  @firstname is the implied key of a leading bare value.
 */
bool qemu_opts_do_parse(QemuOpts *opts, const char *params,
                        const char *firstname, Error **errp);
/* Every option as a string entry of @qdict (a new dict when NULL). */
QDict *qemu_opts_to_qdict(QemuOpts *opts, QDict *qdict);
/* QEMU's option list help ("  size=<size>            - ..."), stdout. */
void qemu_opts_print_help(const QemuOptsList *list, bool print_caption);
/* "help" or "?" */
bool is_help_option(const char *s);
/* A bare "help" or "?" element in an option string. */
bool has_help_option(const char *params);
/*
 * Internal to util/keyval.c and util/qemu-option.c: split one element of
 * an option string (see keyval_parse_flat() for the rules).
 */
const char *qemu_opt_parse_element(const char *params, const char *firstname,
                                   bool warn_on_flag, bool *is_flag_help,
                                   char **name, char **value);

/* QEMU's value parsers with QEMU's error texts. */
bool qemu_parse_bool(const char *name, const char *value, bool *ret,
                     Error **errp);
bool qemu_parse_number(const char *name, const char *value, uint64_t *ret,
                       Error **errp);
/* Size with optional k/M/G/T/P/E suffix (binary units); error has hint. */
bool qemu_parse_size(const char *name, const char *value, uint64_t *ret,
                     Error **errp);

/*
 * qemu-io's number parsing: "4k", "1M", "512", "0x200", "1.5k"; returns
 * the value or -EINVAL (bad text, negative) / -ERANGE (above INT64_MAX).
 * Print the error with print_cvtnum_err() from qemu/cutils.h.
 */
int64_t cvtnum(const char *s);
/*
 * qemu-img's cvtnum_full(): the value, or -errno after printing QEMU's
 * two error_report() lines ("Invalid NAME specified. You may use k, M,
 * G, T, P or E suffixes for" / "kilobytes, megabytes, ...") or its one
 * range line ("Invalid NAME specified. Must be between MIN and MAX.").
 */
int64_t cvtnum_full(const char *name, const char *value, int64_t min,
                    int64_t max);
/*
 * qemu-io's sizes: "512 bytes", "1.500 KiB", "64 KiB" (cvtstr() in
 * qemu/cutils.h).  g_free() it.  qemu-img's "512 B" form is
 * qemu_size_to_str().
 */
char *size_to_str(uint64_t val);

#endif
