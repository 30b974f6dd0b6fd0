/*
 * Fuzz harness for the NBD server's packet parsing: one input is the
 * byte stream a client sends (handshake, options, requests).  It is fed
 * through a socketpair to a server exporting null-co nodes while the
 * replies are drained, until the server hangs up.
 *
 * A libFuzzer target (build-fuzz/), or with standalone.c a program that
 * runs the files it is given (build/, build-san/); see docs/testing.md.
 * The seed corpus, tests/fuzz/corpus/nbd-server, comes from
 * gen-nbd-corpus.py.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/nbd.h"
#include "tests/fuzz/fuzz.h"
#include <sys/socket.h>
#include <signal.h>

static bool initialized;
static bool verbose;      /* NBD_FUZZ_VERBOSE=1: bytes in/out per input */

static void fuzz_init(void)
{
    /*
     * Small: a 109-byte input of pipelined 32 MiB reads of a 64 MiB
     * export took 1 s with ASan, 10 s on a loaded machine (-timeout).
     */
    static const char *const nodes[][2] = {
        { "", "driver=null-co,size=1M,read-zeroes=on" },
        { "disk", "driver=null-co,size=4M,read-zeroes=on" },
        { "ro", "driver=null-co,size=4096,read-zeroes=on" },
    };

    if (initialized) {
        return;
    }
    initialized = true;
    signal(SIGPIPE, SIG_IGN);
    verbose = getenv("NBD_FUZZ_VERBOSE") != NULL;
    bdrv_init();
    qemu_init_main_loop();
    nbd_server_start_fd(-1, 0, NULL, NULL, &error_abort);
    for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
        NBDExportOptions opts = {
            .name = nodes[i][0], .id = i ? nodes[i][0] : "default",
            .writable = i < 2,
        };
        QDict *o = keyval_parse_flat(nodes[i][1], NULL, &error_abort);
        BlockDriverState *bs = bdrv_open(NULL, NULL, o,
                                         opts.writable ? BDRV_O_RDWR : 0,
                                         &error_abort);

        nbd_export_add(bs, &opts, &error_abort);
        bdrv_unref(bs);
    }
}

/* Feed @data to one client and drain its replies until it is gone. */
static void fuzz_one(const uint8_t *data, size_t size)
{
    int sv[2];
    size_t sent = 0;
    bool shut = false, eof = false;
    char sink[65536];
    unsigned idle = 0;
    size_t received = 0;

    fuzz_init();
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
                   sv) < 0) {
        abort();
    }
    nbd_server_add_client_fd(sv[0]);
    while (!eof || nbd_server_client_count() > 0) {
        bool progress = false;
        ssize_t n;

        if (sent < size) {
            n = send(sv[1], data + sent, size - sent, MSG_NOSIGNAL);
            if (n > 0) {
                sent += n;
                progress = true;
            } else if (n < 0 && errno != EAGAIN) {
                sent = size;        /* the server hung up early */
            }
        }
        if (sent == size && !shut) {
            shutdown(sv[1], SHUT_WR);
            shut = true;
        }
        while (!eof) {
            n = recv(sv[1], sink, sizeof(sink), 0);
            if (n > 0) {
                received += n;
                progress = true;
                continue;
            }
            if (n == 0 || errno != EAGAIN) {
                eof = true;     /* the server closed its end */
            }
            break;
        }
        progress |= main_loop_wait(false);
        if (!progress && ++idle > 100000) {
            fprintf(stderr, "fuzz-nbd-server: server stopped making "
                    "progress\n");
            abort();
        }
        if (progress) {
            idle = 0;
        }
    }
    close(sv[1]);
    if (verbose) {
        fprintf(stderr, "input %zu bytes (%zu consumed), reply %zu bytes\n",
                size, sent, received);
    }
    /* Let deferred work (bottom halves) finish before the next input. */
    while (main_loop_wait(false)) {
        /* nothing */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_sandbox_enter();
    fuzz_one(data, size);
    fuzz_sandbox_leave();
    return 0;
}
