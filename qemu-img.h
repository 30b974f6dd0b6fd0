/*
 * Internal interface between the qemu-img source files.
 */
#ifndef QEMU_IMG_H
#define QEMU_IMG_H

#include "sysemu/block-backend.h"
#include "qemu/option.h"

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
    OPTION_TARGET_IMAGE_OPTS,
    OPTION_TARGET_IS_ZERO,
    OPTION_SALVAGE,
    OPTION_BITMAPS,
    OPTION_SKIP_BROKEN,
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

/*
 * The -p progress line "    (P/100%)\r", as QEMU's qemu-progress: it is
 * printed at 0 and 100 and whenever it moved by more than @min_skip.
 */
typedef struct ImgProgress {
    bool enabled;
    float min_skip;
    float current;
    float last_print;
} ImgProgress;

/* @max 0: set the percentage to @delta; else advance by @delta% of @max. */
void img_progress_print(ImgProgress *p, float delta, int max);
/* The final newline (when enabled). */
void img_progress_end(ImgProgress *p);

/* -o: "Invalid option list: ..." is reported for a malformed list. */
bool img_accumulate_options(GString **options, const char *arg);
/* -o help: the creation options of @fmt (and of @filename's protocol). */
int img_print_create_help(const char *filename, const char *fmt);

/*
 * The creation options of format @fmt over the protocol of @filename,
 * parsed from @options (may be NULL).  Errors are QEMU's for an unknown
 * format or protocol, drivers that cannot create and bad options.
 */
typedef struct ImgCreateOpts ImgCreateOpts;
ImgCreateOpts *img_create_opts_new(const char *filename, const char *fmt,
                                   const char *options, Error **errp);
QemuOpts *img_create_opts_get(ImgCreateOpts *c);
/* Is option @name one that this format/protocol pair knows? */
bool img_create_opts_known(ImgCreateOpts *c, const char *name);
/* bdrv_create() with every option that was set; 0 or -errno. */
int img_create_opts_run(ImgCreateOpts *c, const char *filename, Error **errp);
void img_create_opts_free(ImgCreateOpts *c);

int img_create(int argc, char **argv);
int img_bench(int argc, char **argv);
int img_convert(int argc, char **argv);
int img_quorum_check(int argc, char **argv);

#endif
