/*
 * qemu-io commands: the command table, the dispatcher and help, and the
 * commands that inspect or control the image (truncate, length, info,
 * alloc, map, blkdebug breakpoints).  Reads, writes, discards and their
 * asynchronous forms live in qemu-io-rw.c.
 *
 * Every line a command prints, the stream it goes to and the value it
 * returns follow QEMU 7.2's qemu-io: most complaints go to stdout, the
 * command dispatcher's own complaints to stderr, and errors carried in
 * an Error through error_report() with the "qemu-io: " prefix.
 */
#include "qemu/osdep.h"
#include <getopt.h>
#include "qemu-io.h"
#include "qemu/cutils.h"
#include "qapi/util.h"
#include "qemu/option.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"

/* The command table, built at start-up; qemu-io has one thread. */
static QemuIOCommand *cmdtab;
static int ncmds;

static int compare_cmdname(const void *a, const void *b)
{
    return strcmp(((const QemuIOCommand *)a)->name,
                  ((const QemuIOCommand *)b)->name);
}

void qemuio_add_command(const QemuIOCommand *cmd)
{
    cmdtab = g_renew(QemuIOCommand, cmdtab, ncmds + 1);
    cmdtab[ncmds++] = *cmd;
    /* help lists the commands in name order */
    qsort(cmdtab, ncmds, sizeof(*cmdtab), compare_cmdname);
}

void qemuio_command_usage(const QemuIOCommand *cmd)
{
    printf("%s %s -- %s\n", cmd->name, cmd->args, cmd->oneline);
}

static const QemuIOCommand *find_command(const char *name)
{
    for (int i = 0; i < ncmds; i++) {
        if (!strcmp(cmdtab[i].name, name) ||
            (cmdtab[i].altname && !strcmp(cmdtab[i].altname, name))) {
            return &cmdtab[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Helpers */

int qemuio_parse_num(const char *arg, int64_t *val)
{
    *val = cvtnum(arg);
    if (*val < 0) {
        print_cvtnum_err(*val, arg);
        return *val;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* truncate, length, info */

static int truncate_f(BlockBackend *blk, int argc, char **argv);

static const QemuIOCommand truncate_cmd = {
    .name = "truncate",
    .altname = "t",
    .cfunc = truncate_f,
    .perm = BLK_PERM_WRITE | BLK_PERM_RESIZE,
    .argmin = 1,
    .argmax = 3,
    .args = "[-m prealloc_mode] off",
    .oneline = "truncates the current file at the given offset",
};

static int truncate_f(BlockBackend *blk, int argc, char **argv)
{
    Error *local_err = NULL;
    int64_t offset;
    int c, ret;

    while ((c = getopt(argc, argv, "m:")) != -1) {
        switch (c) {
        case 'm':
            if (qapi_enum_lookup(PreallocMode_str, PREALLOC_MODE__MAX,
                                 optarg) < 0) {
                error_report("Invalid preallocation mode '%s'", optarg);
                return -EINVAL;
            }
            /*
             * The block layer has no preallocation parameter yet; "off"
             * is what every caller here uses.
             */
            break;
        default:
            qemuio_command_usage(&truncate_cmd);
            return -EINVAL;
        }
    }
    if (optind >= argc) {
        /* QEMU 7.2 dereferences a missing argument here and crashes. */
        qemuio_command_usage(&truncate_cmd);
        return -EINVAL;
    }

    offset = cvtnum(argv[optind]);
    if (offset < 0) {
        /* QEMU names argv[1] in this message, even after -m. */
        print_cvtnum_err(offset, argv[1]);
        return offset;
    }

    ret = blk_truncate(blk, offset, false, &local_err);
    if (ret < 0) {
        error_report_err(local_err);
        return ret;
    }
    return 0;
}

static int length_f(BlockBackend *blk, int argc, char **argv)
{
    int64_t size = blk_getlength(blk);
    char s1[64];

    if (size < 0) {
        printf("getlength: %s\n", strerror(-size));
        return size;
    }
    cvtstr(size, s1, sizeof(s1));
    printf("%s\n", s1);
    return 0;
}

static const QemuIOCommand length_cmd = {
    .name = "length",
    .altname = "l",
    .cfunc = length_f,
    .oneline = "gets the length of the current file",
};

static int info_f(BlockBackend *blk, int argc, char **argv)
{
    BlockDriverState *bs = blk_bs(blk);
    BlockDriverInfo bdi;
    char s1[64], s2[64];
    int ret;

    if (bs->drv && bs->drv->format_name) {
        printf("format name: %s\n", bs->drv->format_name);
    }
    if (bs->drv && bs->drv->protocol_name) {
        printf("format name: %s\n", bs->drv->protocol_name);
    }

    ret = bdrv_get_info(bs, &bdi);
    if (ret) {
        return ret;
    }
    cvtstr(bdi.cluster_size, s1, sizeof(s1));
    cvtstr(bdi.vm_state_offset, s2, sizeof(s2));
    printf("cluster size: %s\n", s1);
    printf("vm state offset: %s\n", s2);
    return 0;
}

static const QemuIOCommand info_cmd = {
    .name = "info",
    .altname = "i",
    .cfunc = info_f,
    .oneline = "prints information about the current file",
};

/* ------------------------------------------------------------------ */
/* alloc, map */

static int alloc_f(BlockBackend *blk, int argc, char **argv)
{
    BlockDriverState *bs = blk_bs(blk);
    int64_t offset, start, remaining, count, num, sum_alloc = 0;
    char s1[64];
    int ret;

    ret = qemuio_parse_num(argv[1], &offset);
    if (ret < 0) {
        return ret;
    }
    start = offset;
    if (argc == 3) {
        ret = qemuio_parse_num(argv[2], &count);
        if (ret < 0) {
            return ret;
        }
    } else {
        count = BDRV_SECTOR_SIZE;
    }

    remaining = count;
    while (remaining) {
        ret = bdrv_is_allocated(bs, offset, remaining, &num);
        if (ret < 0) {
            printf("is_allocated failed: %s\n", strerror(-ret));
            return ret;
        }
        offset += num;
        remaining -= num;
        if (ret) {
            sum_alloc += num;
        }
        if (num == 0) {
            /* end of the image: report only what exists */
            count -= remaining;
            remaining = 0;
        }
    }

    cvtstr(start, s1, sizeof(s1));
    printf("%" PRId64 "/%" PRId64 " bytes allocated at offset %s\n",
           sum_alloc, count, s1);
    return 0;
}

static const QemuIOCommand alloc_cmd = {
    .name = "alloc",
    .altname = "a",
    .cfunc = alloc_f,
    .argmin = 1,
    .argmax = 2,
    .args = "offset [count]",
    .oneline = "checks if offset is allocated in the file",
};

/* Length of the run starting at @offset with one allocation state. */
static int map_is_allocated(BlockDriverState *bs, int64_t offset,
                            int64_t bytes, int64_t *pnum)
{
    int64_t num;
    int ret, firstret;

    ret = bdrv_is_allocated(bs, offset, bytes, &num);
    if (ret < 0) {
        return ret;
    }
    firstret = ret;
    *pnum = num;

    while (bytes > 0 && ret == firstret) {
        offset += num;
        bytes -= num;
        ret = bdrv_is_allocated(bs, offset, bytes, &num);
        if (ret == firstret && num) {
            *pnum += num;
        } else {
            break;
        }
    }
    return firstret;
}

static int map_f(BlockBackend *blk, int argc, char **argv)
{
    int64_t offset = 0, bytes, num;
    char s1[64], s2[64];
    int ret;

    bytes = blk_getlength(blk);
    if (bytes < 0) {
        error_report("Failed to query image length: %s", strerror(-bytes));
        return bytes;
    }

    while (bytes) {
        ret = map_is_allocated(blk_bs(blk), offset, bytes, &num);
        if (ret < 0) {
            error_report("Failed to get allocation status: %s",
                         strerror(-ret));
            return ret;
        } else if (!num) {
            error_report("Unexpected end of image");
            return -EIO;
        }

        cvtstr(num, s1, sizeof(s1));
        cvtstr(offset, s2, sizeof(s2));
        printf("%s (0x%" PRIx64 ") bytes %s at offset %s (0x%" PRIx64 ")\n",
               s1, (uint64_t)num, ret ? "    allocated" : "not allocated",
               s2, (uint64_t)offset);
        offset += num;
        bytes -= num;
    }
    return 0;
}

static const QemuIOCommand map_cmd = {
    .name = "map",
    .cfunc = map_f,
    .argmin = 0,
    .argmax = 0,
    .args = "",
    .oneline = "prints the allocated areas of a file",
};

/* ------------------------------------------------------------------ */
/* blkdebug controls */

static int break_f(BlockBackend *blk, int argc, char **argv)
{
    int ret = bdrv_debug_breakpoint(blk_bs(blk), argv[1], argv[2]);

    if (ret < 0) {
        printf("Could not set breakpoint: %s\n", strerror(-ret));
    }
    return ret < 0 ? ret : 0;
}

static const QemuIOCommand break_cmd = {
    .name = "break",
    .cfunc = break_f,
    .argmin = 2,
    .argmax = 2,
    .args = "event tag",
    .oneline = "sets a breakpoint on event and tags the stopped request as tag",
};

static int remove_break_f(BlockBackend *blk, int argc, char **argv)
{
    int ret = bdrv_debug_remove_breakpoint(blk_bs(blk), argv[1]);

    if (ret < 0) {
        printf("Could not remove breakpoint %s: %s\n", argv[1],
               strerror(-ret));
    }
    return ret < 0 ? ret : 0;
}

static const QemuIOCommand remove_break_cmd = {
    .name = "remove_break",
    .cfunc = remove_break_f,
    .argmin = 1,
    .argmax = 1,
    .args = "tag",
    .oneline = "remove a breakpoint by tag",
};

static int resume_f(BlockBackend *blk, int argc, char **argv)
{
    int ret = bdrv_debug_resume(blk_bs(blk), argv[1]);

    if (ret < 0) {
        printf("Could not resume request: %s\n", strerror(-ret));
    }
    return ret < 0 ? ret : 0;
}

static const QemuIOCommand resume_cmd = {
    .name = "resume",
    .cfunc = resume_f,
    .argmin = 1,
    .argmax = 1,
    .args = "tag",
    .oneline = "resumes the request tagged as tag",
};

static int wait_break_f(BlockBackend *blk, int argc, char **argv)
{
    while (!bdrv_debug_is_suspended(blk_bs(blk), argv[1])) {
        main_loop_wait(true);
    }
    return 0;
}

static const QemuIOCommand wait_break_cmd = {
    .name = "wait_break",
    .cfunc = wait_break_f,
    .argmin = 1,
    .argmax = 1,
    .args = "tag",
    .oneline = "waits for the suspension of a request",
};

/* ------------------------------------------------------------------ */
/* help */

static void help_oneline(const char *name, const QemuIOCommand *cmd)
{
    printf("%s ", name);
    if (cmd->args) {
        printf("%s ", cmd->args);
    }
    printf("-- %s\n", cmd->oneline);
}

static int help_f(BlockBackend *blk, int argc, char **argv)
{
    const QemuIOCommand *cmd;

    if (argc < 2) {
        for (int i = 0; i < ncmds; i++) {
            help_oneline(cmdtab[i].name, &cmdtab[i]);
        }
        printf("\nUse 'help commandname' for extended help.\n");
        return 0;
    }

    cmd = find_command(argv[1]);
    if (!cmd) {
        printf("command %s not found\n", argv[1]);
        return -EINVAL;
    }
    /* the name as typed, so "help r" shows "r ..." */
    help_oneline(argv[1], cmd);
    if (cmd->help) {
        fputs(cmd->help, stdout);
    }
    return 0;
}

static const QemuIOCommand help_cmd = {
    .name = "help",
    .altname = "?",
    .cfunc = help_f,
    .argmin = 0,
    .argmax = 1,
    .flags = QEMUIO_CMD_GLOBAL,
    .args = "[command]",
    .oneline = "help for one or all commands",
};

/* ------------------------------------------------------------------ */
/* Dispatch */

/*
 * A command that needs more than the backend holds asks for it, as QEMU:
 * that fails on a read-only node.  The permission is kept afterwards.
 */
static int take_perm(BlockBackend *blk, uint64_t need)
{
    Error *local_err = NULL;
    uint64_t perm, shared;
    int ret;

    blk_get_perm(blk, &perm, &shared);
    if (!(need & ~perm)) {
        return 0;
    }
    ret = blk_set_perm(blk, perm | need, shared, &local_err);
    if (ret < 0) {
        error_report_err(local_err);
    }
    return ret;
}

static int run_command(BlockBackend *blk, const QemuIOCommand *cmd, int argc,
                       char **argv)
{
    int nargs = argc - 1;
    int ret;

    if (!(cmd->flags & (QEMUIO_CMD_GLOBAL | QEMUIO_CMD_NOFILE_OK)) && !blk) {
        fprintf(stderr, "no file open, try 'help open'\n");
        return -EINVAL;
    }
    if (nargs < cmd->argmin || (cmd->argmax != -1 && nargs > cmd->argmax)) {
        if (cmd->argmax == -1) {
            fprintf(stderr, "bad argument count %d to %s, expected at least "
                    "%d arguments\n", nargs, argv[0], cmd->argmin);
        } else if (cmd->argmin == cmd->argmax) {
            fprintf(stderr, "bad argument count %d to %s, expected %d "
                    "arguments\n", nargs, argv[0], cmd->argmin);
        } else {
            fprintf(stderr, "bad argument count %d to %s, expected between "
                    "%d and %d arguments\n", nargs, argv[0], cmd->argmin,
                    cmd->argmax);
        }
        return -EINVAL;
    }
    if (cmd->perm && blk) {
        ret = take_perm(blk, cmd->perm);
        if (ret < 0) {
            return ret;
        }
    }

    /* each command parses its own options from a fresh getopt state */
    optind = 0;
    return cmd->cfunc(blk, argc, argv);
}

int qemuio_command(BlockBackend *blk, const char *line)
{
    g_autofree char *input = g_strdup(line);
    g_autoptr(GPtrArray) args = g_ptr_array_new();
    const QemuIOCommand *cmd;
    char *p = input, *tok;

    /* words are separated by single spaces; empty words are skipped */
    while ((tok = strsep(&p, " ")) != NULL) {
        if (*tok) {
            g_ptr_array_add(args, tok);
        }
    }
    if (!args->len) {
        return 0;
    }
    g_ptr_array_add(args, NULL);

    cmd = find_command(args->pdata[0]);
    if (!cmd) {
        fprintf(stderr, "command \"%s\" not found\n", (char *)args->pdata[0]);
        return -EINVAL;
    }
    return run_command(blk, cmd, args->len - 1, (char **)args->pdata);
}

static void __attribute__((constructor)) qemuio_init_commands(void)
{
    static const QemuIOCommand *const cmds[] = {
        &help_cmd, &truncate_cmd, &length_cmd, &info_cmd, &alloc_cmd,
        &map_cmd, &break_cmd, &remove_break_cmd, &resume_cmd,
        &wait_break_cmd,
    };

    for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
        qemuio_add_command(cmds[i]);
    }
}
