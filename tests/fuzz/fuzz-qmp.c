/*
 * Fuzz target for the QMP monitor: one input is what a client sends on
 * a freshly connected monitor socket (the greeting is sent first), read
 * line by line, each line in pieces of 4096, 1, 3, 17, 256 and 2 bytes
 * in turn, with the main loop running a little after each line.  It goes
 * through the daemon's real JSON framing, request checks, schema
 * validation and command dispatch; the commands run against the block
 * layer, with an NBD server running (no listening socket).
 *
 * The monitor's chardev is replaced at link time by the one below (no
 * socket; replies are counted, or printed with QMP_FUZZ_VERBOSE=1), and
 * everything runs in the sandbox of fuzz.h: blockdev-add of a file or an
 * nbd node, drive-mirror's target and nbd-server-start's socket all
 * fail as they would without permission.  After each input the daemon
 * goes back to its start state: jobs cancelled, exports and the server
 * stopped, every node the monitor added closed.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/job.h"
#include "block/block_int.h"
#include "block/nbd.h"
#include "monitor/monitor.h"
#include "chardev/char.h"
#include "tests/fuzz/fuzz.h"
#include <signal.h>

/* A command or job may keep the loop busy; this many iterations, then reset. */
#define FUZZ_LOOP_MAX 10000
/* Loop iterations after each line of input, at most. */
#define FUZZ_LOOP_PER_LINE 100

struct Chardev {
    ChrReadHandler *read;
    ChrEventHandler *event;
    void *opaque;
    size_t written;
};

static Chardev fuzz_chr;
static bool verbose;

Chardev *qemu_chr_new_from_opts(QDict *opts, Error **errp)
{
    error_setg(errp, "the fuzzer has only the chardev 'fuzz'");
    return NULL;
}

Chardev *qemu_chr_find(const char *id)
{
    return !strcmp(id, "fuzz") ? &fuzz_chr : NULL;
}

bool qemu_chr_set_handlers(Chardev *chr, ChrReadHandler *read,
                           ChrEventHandler *event, void *opaque)
{
    if (chr->read) {
        return false;
    }
    chr->read = read;
    chr->event = event;
    chr->opaque = opaque;
    return true;
}

void qemu_chr_write(Chardev *chr, const char *buf, size_t len)
{
    chr->written += len;
    if (verbose) {
        fwrite(buf, 1, len, stderr);
    }
}

void qemu_chr_cleanup_all(void)
{
}

static void fuzz_init(void)
{
    static bool initialized;
    QDict *opts;

    if (initialized) {
        return;
    }
    initialized = true;
    signal(SIGPIPE, SIG_IGN);
    verbose = getenv("QMP_FUZZ_VERBOSE") != NULL;
    qemu_init_main_loop();
    bdrv_init();
    monitor_events_init();
    qsd_exports_init();
    opts = qdict_new();
    qdict_put_str(opts, "chardev", "fuzz");
    monitor_new_from_opts(opts, &error_abort);
    qobject_unref(opts);
}

/* Run what the input started (jobs, bottom halves), for a while. */
static void run_loop(void)
{
    for (int i = 0; i < FUZZ_LOOP_MAX && main_loop_wait(false); i++) {
        /* nothing */
    }
}

/* Back to the start state: no jobs, exports, nodes; a running server. */
static void fuzz_reset(void)
{
    job_cancel_sync_all();
    qsd_exports_shutdown();
    blockdev_close_all();
    run_loop();
    qsd_exit_requested = false;
    if (bdrv_next_node(NULL)) {
        fprintf(stderr, "fuzz-qmp: node '%s' outlived its input\n",
                bdrv_get_node_name(bdrv_next_node(NULL)));
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    fuzz_sandbox_enter();
    nbd_server_start_fd(-1, 0, NULL, NULL, &error_abort);
    fuzz_chr.event(fuzz_chr.opaque, CHR_EVENT_OPENED);
    /*
     * Line by line, as a client that waits for each reply, with the loop
     * running a little after each line so that jobs move on between
     * commands; and each line in pieces of varying size, so that values
     * and tokens span reads.
     */
    for (size_t off = 0, i = 0; off < size;) {
        static const size_t piece[] = { 4096, 1, 3, 17, 256, 2 };
        const uint8_t *nl = memchr(data + off, '\n', size - off);
        size_t end = nl ? nl - data + 1 : size;

        while (off < end) {
            size_t n = piece[i++ % ARRAY_SIZE(piece)];

            n = MIN(n, end - off);

            fuzz_chr.read(fuzz_chr.opaque, (const char *)data + off, n);
            off += n;
        }
        for (int k = 0; k < FUZZ_LOOP_PER_LINE && main_loop_wait(false);
             k++) {
            /* nothing */
        }
    }
    run_loop();
    fuzz_chr.event(fuzz_chr.opaque, CHR_EVENT_CLOSED);
    fuzz_reset();
    fuzz_sandbox_leave();
    if (verbose) {
        fprintf(stderr, "\ninput %zu bytes, replies %zu bytes\n", size,
                fuzz_chr.written);
    }
    fuzz_chr.written = 0;
    return 0;
}
