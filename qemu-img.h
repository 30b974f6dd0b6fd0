/*
 * Internal interface between the qemu-img source files.
 */
#ifndef QEMU_IMG_H
#define QEMU_IMG_H

#include "sysemu/block-backend.h"

/* Long-only option codes, shared by the subcommands. */
enum {
    OPTION_OUTPUT = 256,
    OPTION_BACKING_CHAIN,
    OPTION_OBJECT,
    OPTION_IMAGE_OPTS,
    OPTION_FLUSH_INTERVAL,
    OPTION_NO_DRAIN,
    OPTION_PATTERN,
    OPTION_PREALLOCATION,
    OPTION_SHRINK,
};

enum {
    OFORMAT_HUMAN,
    OFORMAT_JSON,
};

/* "qemu-img: MSG" plus the --help hint on stderr, then exit(1). */
void img_error_exit(const char *fmt, ...) G_GNUC_PRINTF(1, 2) QEMU_NORETURN;
/* The --help text (also -h of every command); exits 0. */
void img_help(void) QEMU_NORETURN;
/* Report getopt's ':' (missing argument) or '?' (unknown option). */
void img_bad_option(int c, char **argv) QEMU_NORETURN;

/* What most subcommands accept alike: -f, -U, --image-opts, --object. */
typedef struct ImgCommonOpts {
    const char *fmt;
    bool image_opts;
    bool force_share;
} ImgCommonOpts;

/*
 * Handle getopt's result @c if it is one of the common options, getopt's
 * complaint (':' or '?') or -h; returns false for anything else.
 */
bool img_common_option(int c, char **argv, ImgCommonOpts *o);

/* Open an image as QEMU's qemu-img does; errors are reported. */
BlockBackend *img_open(bool image_opts, const char *filename,
                       const char *fmt, int flags, bool writethrough,
                       bool force_share);
/* "human"/"json" (NULL: human) to OFORMAT_*, or -1 after reporting. */
int img_parse_output_format(const char *arg);

int img_create(int argc, char **argv);
int img_bench(int argc, char **argv);

#endif
