/*
 * quorum-demo: read a range through a node graph and print the events
 * the read raised.  qemu-io prints no events (neither does QEMU's), so
 * `make demo` uses this to show what the quorum reported.
 *
 *   quorum-demo OPTIONS OFFSET LENGTH
 *
 * OPTIONS is a dotted option string, as for qemu-io --image-opts.
 * Exit status: 0 if the read succeeded, 1 otherwise.
 */
#include "qemu/osdep.h"
#include "qemu/option.h"
#include "sysemu/block-backend.h"
#include "qapi/qapi-events-block.h"

/* One line per event, in QMP's envelope minus the timestamp. */
static void print_event(const char *event, QDict *data, void *opaque)
{
    g_autofree char *json = qobject_to_json_qemu(data);

    printf("{\"event\": \"%s\", \"data\": %s}\n", event, json);
}

int main(int argc, char **argv)
{
    g_autofree uint8_t *buf = NULL;
    BlockBackend *blk;
    Error *err = NULL;
    QDict *opts;
    int64_t offset, bytes;
    int ret;

    error_set_progname(argv[0]);
    if (argc != 4) {
        fprintf(stderr, "usage: %s OPTIONS OFFSET LENGTH\n", argv[0]);
        return 2;
    }
    offset = cvtnum(argv[2]);
    bytes = cvtnum(argv[3]);
    if (offset < 0 || bytes <= 0 || bytes > 64 * MiB) {
        error_report("bad offset or length");
        return 2;
    }

    bdrv_init();
    qapi_event_set_emitter(print_event, NULL);
    opts = keyval_parse_flat(argv[1], NULL, &err);
    blk = opts ? blk_new_open(NULL, NULL, opts, BDRV_O_RDWR, &err) : NULL;
    if (!blk) {
        error_report_err(err);
        return 1;
    }
    buf = g_malloc(bytes);
    ret = blk_pread(blk, offset, bytes, buf, 0);
    if (ret < 0) {
        printf("read failed: %s\n", strerror(-ret));
    } else {
        printf("read %" PRId64 " bytes at offset %" PRId64 ", first byte "
               "0x%02x\n", bytes, offset, buf[0]);
    }
    /* Closing flushes; its events (if any) are not part of the read. */
    qapi_event_set_emitter(NULL, NULL);
    blk_unref(blk);
    return ret < 0;
}
