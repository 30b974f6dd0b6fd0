/*
 * qemu-io: exercise the block layer from the command line.
 *
 * Command line, option handling, the command loop, and the commands about
 * the image and the process (open, close, reopen, quit, sleep, sigraise,
 * abort), with QEMU 7.2's qemu-io output: messages, streams and exit
 * status.  The I/O and inspection commands live in qemu-io-cmds.c.
 *
 * Deliberate difference: -V prints our own version and copyright lines.
 */
#include "qemu/osdep.h"
#include <getopt.h>
#include <signal.h>
#include <sys/epoll.h>
#include "config-host.h"
#include "qemu-io.h"
#include "crypto/tlscreds.h"
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"

/* qemu-io has one thread: these are the main loop's. */
static BlockBackend *qemuio_blk;
static bool quit_qemu_io;
static bool image_opts;
static GPtrArray *cmdline;     /* -c commands, in order */

/* ------------------------------------------------------------------ */
/* Option strings */

/*
 * Merge a QemuOpts-style string into @opts the way QEMU's merging option
 * lists do ("open -o", "reopen -o"): an "id" is refused, later keys
 * replace earlier ones.  Prints the complaint.
 */
static bool qemuio_merge_opts(QDict *opts, const char *str)
{
    Error *local_err = NULL;
    QDict *d;

    for (const char *p = str; *p;) {
        g_autofree char *name = NULL;
        g_autofree char *value = NULL;

        p = qemu_opt_parse_element(p, NULL, false, NULL, &name, &value);
        if (!strcmp(name, "id")) {
            error_report(QERR_INVALID_PARAMETER, "id");
            return false;
        }
    }
    d = keyval_parse_flat(str, NULL, &local_err);
    if (!d) {
        error_report_err(local_err);
        return false;
    }
    qdict_join(opts, d, true);
    qobject_unref(d);
    return true;
}

/* "on"/"unmap" pass discards down, "off"/"ignore" drop them, as QEMU. */
static int parse_discard_flags(const char *mode, int *flags)
{
    if (!strcmp(mode, "off") || !strcmp(mode, "ignore")) {
        *flags &= ~BDRV_O_UNMAP;
    } else if (!strcmp(mode, "on") || !strcmp(mode, "unmap")) {
        *flags |= BDRV_O_UNMAP;
    } else {
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* open, close, quit */

static int openfile(const char *name, int flags, bool writethrough,
                    bool force_share, QDict *opts)
{
    Error *local_err = NULL;

    if (qemuio_blk) {
        error_report("file open already, try 'help close'");
        qobject_unref(opts);
        return 1;
    }

    if (force_share) {
        if (!opts) {
            opts = qdict_new();
        }
        if (qdict_haskey(opts, BDRV_OPT_FORCE_SHARE)) {
            const char *fs = qdict_get_try_str(opts, BDRV_OPT_FORCE_SHARE);

            if (!fs || strcmp(fs, "on")) {
                error_report("-U conflicts with image options");
                qobject_unref(opts);
                return 1;
            }
        }
        qdict_put_str(opts, BDRV_OPT_FORCE_SHARE, "on");
    }

    qemuio_blk = blk_new_open(name, NULL, opts, flags, &local_err);
    if (!qemuio_blk) {
        error_prepend(&local_err, "can't open%s%s: ", name ? " device " : "",
                      name ? name : "");
        error_report_err(local_err);
        return 1;
    }
    blk_set_enable_write_cache(qemuio_blk, !writethrough);
    return 0;
}

static int open_f(BlockBackend *blk, int argc, char **argv);

static const QemuIOCommand open_cmd = {
    .name = "open",
    .altname = "o",
    .cfunc = open_f,
    .argmin = 1,
    .argmax = -1,
    .flags = QEMUIO_CMD_NOFILE_OK,
    .args = "[-rsCnkU] [-t cache] [-d discard] [-o options] [path]",
    .oneline = "open the file specified by path",
    .help =
    "\n"
    " opens a new file in the requested mode\n"
    "\n"
    " Example:\n"
    " 'open -n -o driver=raw /tmp/data' - opens raw data file read-write, uncached\n"
    "\n"
    " Opens a file for subsequent use by all of the other qemu-io commands.\n"
    " -r, -- open file read-only\n"
    " -s, -- use snapshot file\n"
    " -C, -- use copy-on-read\n"
    " -n, -- disable host cache, short for -t none\n"
    " -U, -- force shared permissions\n"
    " -k, -- use kernel AIO implementation (Linux only, prefer use of -i)\n"
    " -i, -- use AIO mode (threads, native or io_uring)\n"
    " -t, -- use the given cache mode for the image\n"
    " -d, -- use the given discard mode for the image\n"
    " -o, -- options to be given to the block driver\n",
};

static int open_f(BlockBackend *blk, int argc, char **argv)
{
    int flags = BDRV_O_UNMAP;
    bool readonly = false, writethrough = true, force_share = false;
    QDict *opts = NULL;
    int c, ret;

    while ((c = getopt(argc, argv, "snCro:ki:t:d:U")) != -1) {
        switch (c) {
        case 's':
            flags |= BDRV_O_SNAPSHOT;
            break;
        case 'n':
            flags |= BDRV_O_NOCACHE;
            writethrough = false;
            break;
        case 'C':
            flags |= BDRV_O_COPY_ON_READ;
            break;
        case 'r':
            readonly = true;
            break;
        case 'k':
            flags |= BDRV_O_NATIVE_AIO;
            break;
        case 't':
            if (bdrv_parse_cache_mode(optarg, &flags, &writethrough) < 0) {
                error_report("Invalid cache option: %s", optarg);
                goto fail;
            }
            break;
        case 'd':
            if (parse_discard_flags(optarg, &flags) < 0) {
                error_report("Invalid discard option: %s", optarg);
                goto fail;
            }
            break;
        case 'i':
            if (bdrv_parse_aio(optarg, &flags) < 0) {
                error_report("Invalid aio option: %s", optarg);
                goto fail;
            }
            break;
        case 'o':
            if (image_opts) {
                printf("--image-opts and 'open -o' are mutually exclusive\n");
                goto fail;
            }
            if (!opts) {
                opts = qdict_new();
            }
            if (!qemuio_merge_opts(opts, optarg)) {
                goto fail;
            }
            break;
        case 'U':
            force_share = true;
            break;
        default:
            qemuio_command_usage(&open_cmd);
            goto fail;
        }
    }

    if (!readonly) {
        flags |= BDRV_O_RDWR;
    }

    /* With --image-opts the path argument is itself an option string. */
    if (image_opts && optind == argc - 1) {
        if (!opts) {
            opts = qdict_new();
        }
        if (!qemuio_merge_opts(opts, argv[optind])) {
            goto fail;
        }
        optind++;
    }

    if (optind == argc - 1) {
        ret = openfile(argv[optind], flags, writethrough, force_share, opts);
    } else if (optind == argc) {
        ret = openfile(NULL, flags, writethrough, force_share, opts);
    } else {
        qemuio_command_usage(&open_cmd);
        goto fail;
    }
    return ret ? -EINVAL : 0;

fail:
    qobject_unref(opts);
    return -EINVAL;
}

static int close_f(BlockBackend *blk, int argc, char **argv)
{
    blk_unref(qemuio_blk);
    qemuio_blk = NULL;
    return 0;
}

static const QemuIOCommand close_cmd = {
    .name = "close",
    .altname = "c",
    .cfunc = close_f,
    .oneline = "close the current open file",
};

static int quit_f(BlockBackend *blk, int argc, char **argv)
{
    quit_qemu_io = true;
    return 0;
}

static const QemuIOCommand quit_cmd = {
    .name = "quit",
    .altname = "q",
    .cfunc = quit_f,
    .argmin = -1,
    .argmax = -1,
    .flags = QEMUIO_CMD_GLOBAL,
    .oneline = "exit the program",
};

/* ------------------------------------------------------------------ */
/* reopen */

static int reopen_f(BlockBackend *blk, int argc, char **argv);

static const QemuIOCommand reopen_cmd = {
    .name = "reopen",
    .cfunc = reopen_f,
    .argmin = 0,
    .argmax = -1,
    .args = "[(-r|-w)] [-c cache] [-o options]",
    .oneline = "reopens an image with new options",
    .help =
    "\n"
    " Changes the open options of an already opened image\n"
    "\n"
    " Example:\n"
    " 'reopen -o lazy-refcounts=on' - activates lazy refcount writeback on a qcow2 image\n"
    "\n"
    " -r, -- Reopen the image read-only\n"
    " -w, -- Reopen the image read-write\n"
    " -c, -- Change the cache mode to the given value\n"
    " -o, -- Changes block driver options (cf. 'open' command)\n"
    "\n",
};

static int reopen_f(BlockBackend *blk, int argc, char **argv)
{
    BlockDriverState *bs = blk_bs(blk);
    int flags = bs->open_flags;
    bool writethrough = !blk_enable_write_cache(blk);
    bool has_rw = false, has_cache = false;
    QDict *opts = qdict_new();
    Error *local_err = NULL;
    int c;

    while ((c = getopt(argc, argv, "c:o:rw")) != -1) {
        switch (c) {
        case 'c':
            if (bdrv_parse_cache_mode(optarg, &flags, &writethrough) < 0) {
                error_report("Invalid cache option: %s", optarg);
                goto fail;
            }
            has_cache = true;
            break;
        case 'o':
            if (!qemuio_merge_opts(opts, optarg)) {
                goto fail;
            }
            break;
        case 'r':
        case 'w':
            if (has_rw) {
                error_report("Only one -r/-w option may be given");
                goto fail;
            }
            flags = c == 'r' ? flags & ~BDRV_O_RDWR : flags | BDRV_O_RDWR;
            has_rw = true;
            break;
        default:
            qemuio_command_usage(&reopen_cmd);
            goto fail;
        }
    }
    if (optind != argc) {
        qemuio_command_usage(&reopen_cmd);
        goto fail;
    }

    /*
     * Going read-only: give up the write permission first, as QEMU does
     * (even if the checks below then refuse the request).
     */
    if (!(flags & BDRV_O_RDWR)) {
        uint64_t perm, shared;

        bdrv_drain(bs);
        blk_get_perm(blk, &perm, &shared);
        blk_set_perm(blk, perm & ~(BLK_PERM_WRITE | BLK_PERM_WRITE_UNCHANGED),
                     shared, &error_abort);
    }

    if (qdict_haskey(opts, BDRV_OPT_READ_ONLY)) {
        if (has_rw) {
            error_report("Cannot set both -r/-w and '" BDRV_OPT_READ_ONLY "'");
            goto fail;
        }
    } else {
        qdict_put_bool(opts, BDRV_OPT_READ_ONLY, !(flags & BDRV_O_RDWR));
    }
    if (qdict_haskey(opts, BDRV_OPT_CACHE_DIRECT) ||
        qdict_haskey(opts, BDRV_OPT_CACHE_NO_FLUSH)) {
        if (has_cache) {
            error_report("Cannot set both -c and the cache options");
            goto fail;
        }
    } else {
        qdict_put_bool(opts, BDRV_OPT_CACHE_DIRECT, flags & BDRV_O_NOCACHE);
        qdict_put_bool(opts, BDRV_OPT_CACHE_NO_FLUSH, flags & BDRV_O_NO_FLUSH);
    }

    /* bdrv_reopen() consumes @opts */
    if (bdrv_reopen(bs, opts, &local_err) < 0) {
        error_report_err(local_err);
        return -EINVAL;
    }
    blk_set_enable_write_cache(blk, !writethrough);
    return 0;

fail:
    qobject_unref(opts);
    return -EINVAL;
}

/* ------------------------------------------------------------------ */
/* abort, sigraise, sleep */

static int abort_f(BlockBackend *blk, int argc, char **argv)
{
    abort();
}

static const QemuIOCommand abort_cmd = {
    .name = "abort",
    .cfunc = abort_f,
    .flags = QEMUIO_CMD_NOFILE_OK,
    .oneline = "simulate a program crash using abort(3)",
};

static int sigraise_f(BlockBackend *blk, int argc, char **argv)
{
    int64_t sig;
    int ret = qemuio_parse_num(argv[1], &sig);

    if (ret < 0) {
        return ret;
    }
    if (sig > NSIG) {
        printf("signal argument '%s' is too large to be a valid signal\n",
               argv[1]);
        return -EINVAL;
    }
    /* the signal may end the process: get the output out first */
    fflush(stdout);
    fflush(stderr);
    raise(sig);
    return 0;
}

static const QemuIOCommand sigraise_cmd = {
    .name = "sigraise",
    .cfunc = sigraise_f,
    .argmin = 1,
    .argmax = 1,
    .flags = QEMUIO_CMD_NOFILE_OK,
    .args = "signal",
    .oneline = "raises a signal",
    .help =
    "\n"
    " raises the given signal\n"
    "\n"
    " Example:\n"
    " 'sigraise 15' - raises SIGTERM\n"
    "\n"
    " Invokes raise(signal), where \"signal\" is the mandatory integer argument\n"
    " given to sigraise.\n"
    "\n",
};

static void sleep_cb(void *opaque)
{
    *(bool *)opaque = true;
}

static int sleep_f(BlockBackend *blk, int argc, char **argv)
{
    bool expired = false;
    QEMUTimer *timer;
    char *end;
    long ms;

    ms = strtol(argv[1], &end, 0);
    if (ms < 0 || *end) {
        printf("%s is not a valid number\n", argv[1]);
        return -EINVAL;
    }

    /* The loop keeps running meanwhile: AIO completions print. */
    timer = timer_new_ns(sleep_cb, &expired);
    timer_mod_ns(timer, get_clock_ns() + (int64_t)ms * 1000000);
    while (!expired) {
        main_loop_wait(true);
    }
    timer_free(timer);
    return 0;
}

static const QemuIOCommand sleep_cmd = {
    .name = "sleep",
    .cfunc = sleep_f,
    .argmin = 1,
    .argmax = 1,
    .flags = QEMUIO_CMD_NOFILE_OK,
    .oneline = "waits for the given value in milliseconds",
};

/* ------------------------------------------------------------------ */
/* --object and -T */

/* --object: crypto/objects.c, with qemu-io's set of types. */
static void process_object(const char *str)
{
    Error *err = NULL;

    if (!user_creatable_add_cmdline(str, OBJECT_TOOL_IO, &err)) {
        error_report_err(err);
        exit(1);
    }
}

/* -T: we have no trace events; warn about names as QEMU does. */
static void trace_enable(const char *pattern, const char *file, int line)
{
    const char *name = pattern[0] == '-' ? pattern + 1 : pattern;

    if (strpbrk(name, "*?")) {
        return;     /* a pattern that matches nothing is fine */
    }
    if (file) {
        fprintf(stderr, "%s:%s:%d: warning: trace event '%s' does not exist\n",
                error_get_progname(), file, line, name);
    } else {
        warn_report("trace event '%s' does not exist", name);
    }
}

static void trace_opt_parse(const char *str)
{
    Error *local_err = NULL;
    const char *key, *enable, *events;
    QDict *opts;
    QObject *val;

    opts = keyval_parse_flat(str, "enable", &local_err);
    if (!opts) {
        error_report_err(local_err);
        exit(1);
    }
    qdict_foreach(opts, key, val) {
        if (strcmp(key, "enable") && strcmp(key, "events") &&
            strcmp(key, "file")) {
            error_report(QERR_INVALID_PARAMETER, key);
            exit(1);
        }
    }

    enable = qdict_get_try_str(opts, "enable");
    if (enable && is_help_option(enable)) {
        exit(0);    /* the list of our trace events is empty */
    }
    if (enable) {
        trace_enable(enable, NULL, 0);
    }

    events = qdict_get_try_str(opts, "events");
    if (events) {
        g_autofree char *contents = NULL;
        g_auto(GStrv) lines = NULL;

        if (!g_file_get_contents(events, &contents, NULL, NULL)) {
            fprintf(stderr, "%s:%s: %s\n", error_get_progname(), events,
                    strerror(errno));
            exit(1);
        }
        lines = g_strsplit(contents, "\n", -1);
        for (int i = 0; lines[i]; i++) {
            if (lines[i][0] && lines[i][0] != '#') {
                trace_enable(lines[i], events, i + 1);
            }
        }
    }
    qobject_unref(opts);
}

/* ------------------------------------------------------------------ */
/* Command loop */

static int run_cmd(const char *line)
{
    return qemuio_command(qemuio_blk, line);
}

static void stdin_ready(void *opaque)
{
    /* one line per prompt: stop watching until the next prompt */
    aio_set_fd_handler(STDIN_FILENO, NULL, NULL, NULL);
    *(bool *)opaque = true;
}

/* epoll refuses regular files and /dev/null: those are always ready. */
static bool stdin_pollable(void)
{
    struct epoll_event ev = { .events = EPOLLIN };
    int fd = epoll_create1(EPOLL_CLOEXEC);
    bool ok;

    if (fd < 0) {
        return false;
    }
    ok = epoll_ctl(fd, EPOLL_CTL_ADD, STDIN_FILENO, &ev) == 0;
    close(fd);
    return ok;
}

#define MAX_LINE 1024

static int command_loop(void)
{
    bool pollable, tty;
    char line[MAX_LINE];
    int ret, last_error = 0;

    if (cmdline) {
        for (guint i = 0; !quit_qemu_io && i < cmdline->len; i++) {
            ret = run_cmd(g_ptr_array_index(cmdline, i));
            if (ret < 0) {
                last_error = ret;
            }
        }
        return last_error;
    }

    tty = isatty(STDIN_FILENO);
    pollable = stdin_pollable();
    while (!quit_qemu_io) {
        bool ready = false;
        char *nl;

        printf("%s> ", error_get_progname());
        fflush(stdout);

        /* AIO completions keep being reported while we wait for input. */
        if (pollable) {
            aio_set_fd_handler(STDIN_FILENO, stdin_ready, NULL, &ready);
            while (!ready) {
                main_loop_wait(true);
            }
        } else {
            main_loop_wait(false);
        }

        if (!fgets(line, sizeof(line), stdin)) {
            if (tty) {
                printf("\n");
            }
            break;
        }
        nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
        }
        ret = run_cmd(line);
        if (ret < 0) {
            last_error = ret;
        }
    }
    return last_error;
}

/* ------------------------------------------------------------------ */
/* main */

static void usage(const char *name)
{
    printf(
"Usage: %s [OPTIONS]... [-c STRING]... [file]\n"
"QEMU Disk exerciser\n"
"\n"
"  --object OBJECTDEF   define an object such as 'secret' for\n"
"                       passwords and/or encryption keys\n"
"  --image-opts         treat file as option string\n"
"  -c, --cmd STRING     execute command with its arguments\n"
"                       from the given string\n"
"  -f, --format FMT     specifies the block driver to use\n"
"  -r, --read-only      export read-only\n"
"  -s, --snapshot       use snapshot file\n"
"  -n, --nocache        disable host cache, short for -t none\n"
"  -C, --copy-on-read   enable copy-on-read\n"
"  -m, --misalign       misalign allocations for O_DIRECT\n"
"  -k, --native-aio     use kernel AIO implementation\n"
"                       (Linux only, prefer use of -i)\n"
"  -i, --aio=MODE       use AIO mode (threads, native or io_uring)\n"
"  -t, --cache=MODE     use the given cache mode for the image\n"
"  -d, --discard=MODE   use the given discard mode for the image\n"
"  -T, --trace [[enable=]<pattern>][,events=<file>][,file=<file>]\n"
"                       specify tracing options\n"
"                       see qemu-img(1) man page for full description\n"
"  -U, --force-share    force shared permissions\n"
"  -h, --help           display this help and exit\n"
"  -V, --version        output version information and exit\n"
"\n"
"See '%s -c help' for information on available commands.\n"
"\n"
"See <https://qemu.org/contribute/report-a-bug> for how to report bugs.\n"
"More information on the QEMU project at <https://qemu.org>.\n",
           name, name);
}

enum {
    OPTION_OBJECT = 256,
    OPTION_IMAGE_OPTS = 257,
};

/* qemu-io's command line (image_opts and cmdline are file globals). */
typedef struct QemuIOOpts {
    int flags;                  /* BDRV_O_* */
    bool readonly;
    bool writethrough;
    bool force_share;
    const char *format;
} QemuIOOpts;

/* getopt; exits on a bad option, after --help and --version. */
static void parse_options(int argc, char **argv, const char *prog,
                          QemuIOOpts *io)
{
    static const struct option lopt[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "cmd", required_argument, NULL, 'c' },
        { "format", required_argument, NULL, 'f' },
        { "read-only", no_argument, NULL, 'r' },
        { "snapshot", no_argument, NULL, 's' },
        { "nocache", no_argument, NULL, 'n' },
        { "copy-on-read", no_argument, NULL, 'C' },
        { "misalign", no_argument, NULL, 'm' },
        { "native-aio", no_argument, NULL, 'k' },
        { "aio", required_argument, NULL, 'i' },
        { "discard", required_argument, NULL, 'd' },
        { "cache", required_argument, NULL, 't' },
        { "trace", required_argument, NULL, 'T' },
        { "object", required_argument, NULL, OPTION_OBJECT },
        { "image-opts", no_argument, NULL, OPTION_IMAGE_OPTS },
        { "force-share", no_argument, NULL, 'U' },
        { NULL, 0, NULL, 0 }
    };
    int c;

    while ((c = getopt_long(argc, argv, "hVc:d:f:rsnCmki:t:T:U", lopt,
                            NULL)) != -1) {
        switch (c) {
        case 's':
            io->flags |= BDRV_O_SNAPSHOT;
            break;
        case 'n':
            io->flags |= BDRV_O_NOCACHE;
            io->writethrough = false;
            break;
        case 'C':
            io->flags |= BDRV_O_COPY_ON_READ;
            break;
        case 'd':
            if (parse_discard_flags(optarg, &io->flags) < 0) {
                error_report("Invalid discard option: %s", optarg);
                exit(1);
            }
            break;
        case 'f':
            io->format = optarg;
            break;
        case 'c':
            if (!cmdline) {
                cmdline = g_ptr_array_new();
            }
            g_ptr_array_add(cmdline, optarg);
            break;
        case 'r':
            io->readonly = true;
            break;
        case 'm':
            qemuio_misalign = true;
            break;
        case 'k':
            io->flags |= BDRV_O_NATIVE_AIO;
            break;
        case 'i':
            if (bdrv_parse_aio(optarg, &io->flags) < 0) {
                error_report("Invalid aio option: %s", optarg);
                exit(1);
            }
            break;
        case 't':
            if (bdrv_parse_cache_mode(optarg, &io->flags,
                                      &io->writethrough) < 0) {
                error_report("Invalid cache option: %s", optarg);
                exit(1);
            }
            break;
        case 'T':
            trace_opt_parse(optarg);
            break;
        case 'V':
            /* Ours, not QEMU's: we must not claim to be QEMU 7.2. */
            printf("%s version %s (quorum-block)\n"
                   "Copyright (c) 2024 The quorum-block developers\n",
                   prog, QEMU_VERSION);
            exit(0);
        case 'h':
            usage(prog);
            exit(0);
        case 'U':
            io->force_share = true;
            break;
        case OPTION_OBJECT:
            process_object(optarg);
            break;
        case OPTION_IMAGE_OPTS:
            image_opts = true;
            break;
        default:
            usage(prog);
            exit(1);
        }
    }
}

/* The image named on the command line, if any; exits if it fails. */
static void open_image_arg(const char *arg, const QemuIOOpts *io)
{
    QDict *opts = NULL;

    if (image_opts) {
        Error *local_err = NULL;

        opts = keyval_parse_flat(arg, NULL, &local_err);
        if (!opts) {
            error_report_err(local_err);
            exit(1);
        }
        arg = NULL;
    } else if (io->format) {
        opts = qdict_new();
        qdict_put_str(opts, "driver", io->format);
    }
    if (openfile(arg, io->flags, io->writethrough, io->force_share, opts)) {
        exit(1);
    }
}

int main(int argc, char **argv)
{
    QemuIOOpts io = { .flags = BDRV_O_UNMAP, .writethrough = true };
    const char *prog;
    int ret;

    signal(SIGPIPE, SIG_IGN);
    error_set_progname(argv[0]);
    prog = error_get_progname();
    qemu_init_main_loop();
    bdrv_init();

    parse_options(argc, argv, prog, &io);
    if (argc - optind > 1) {
        usage(prog);
        exit(1);
    }
    if (io.format && image_opts) {
        error_report("--image-opts and -f are mutually exclusive");
        exit(1);
    }

    qemuio_add_command(&quit_cmd);
    qemuio_add_command(&open_cmd);
    qemuio_add_command(&close_cmd);
    qemuio_add_command(&reopen_cmd);
    qemuio_add_command(&abort_cmd);
    qemuio_add_command(&sleep_cmd);
    qemuio_add_command(&sigraise_cmd);

    if (!io.readonly) {
        io.flags |= BDRV_O_RDWR;
    }
    if (argc - optind == 1) {
        open_image_arg(argv[optind], &io);
    }

    ret = command_loop();

    /* Outstanding AIO requests complete (and report) before we exit. */
    bdrv_drain_all();
    blk_unref(qemuio_blk);
    fflush(stdout);
    return ret < 0 ? 1 : 0;
}
