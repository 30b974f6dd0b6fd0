/*
 * qemu-io: the command table shared by qemu-io.c (main, open, close,
 * quit, ...), qemu-io-cmds.c (dispatcher, help, inspection commands) and
 * qemu-io-rw.c (read, write, discard and their asynchronous forms).
 */
#ifndef QEMU_IO_H
#define QEMU_IO_H

#include "sysemu/block-backend.h"

/* Runs even with no file open, and without the argument count check. */
#define QEMUIO_CMD_GLOBAL     0x01
/* Runs with no file open (open, sleep, abort, sigraise). */
#define QEMUIO_CMD_NOFILE_OK  0x02

/* Returns 0 or -errno; a negative value makes qemu-io exit with 1. */
typedef int QemuIOCmdFunc(BlockBackend *blk, int argc, char **argv);

typedef struct QemuIOCommand {
    const char *name;
    const char *altname;      /* one-letter alias, or NULL */
    QemuIOCmdFunc *cfunc;
    int argmin;               /* -1: no lower bound */
    int argmax;               /* -1: no upper bound */
    int flags;                /* QEMUIO_CMD_* */
    const char *args;         /* synopsis after the name, or NULL */
    const char *oneline;
    const char *help;         /* extended help for "help NAME", or NULL */
    uint64_t perm;            /* BLK_PERM_* the command needs */
} QemuIOCommand;

/* Buffers are deliberately misaligned by 16 bytes (-m). */
extern bool qemuio_misalign;

void qemuio_add_command(const QemuIOCommand *cmd);
/* "name args -- oneline" on stdout. */
void qemuio_command_usage(const QemuIOCommand *cmd);
/* Split @line on spaces and run it against @blk (may be NULL). */
int qemuio_command(BlockBackend *blk, const char *line);

/*
 * A number as cvtnum() reads it ("4k", "0x200").  Prints the complaint
 * and returns cvtnum()'s -errno when @arg is not one.
 */
int qemuio_parse_num(const char *arg, int64_t *val);

#endif
