/*
 * Fuzz harness for the NBD server's packet parsing: one input is the
 * byte stream a client sends (handshake, options, requests).  It is fed
 * through a socketpair to a server exporting null-co nodes while the
 * replies are drained, until the server hangs up.
 *
 * Built two ways:
 *   - with -DNBD_FUZZ_LIBFUZZER and -fsanitize=fuzzer: LLVMFuzzerTestOneInput
 *   - otherwise a stdin/file driven program:
 *       fuzz-nbd-server [FILE...]            run each file (stdin if none)
 *       fuzz-nbd-server --mutate N SEED FILE...
 *                                            N random mutations of the files
 * Exit status 0 means every input ran to the end; a crash or sanitizer
 * report is the failure.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/nbd.h"
#include <sys/socket.h>
#include <signal.h>

static bool initialized;
static bool verbose;      /* NBD_FUZZ_VERBOSE=1: bytes in/out per input */

static void fuzz_init(void)
{
    static const char *const nodes[][2] = {
        { "", "driver=null-co,size=1M,read-zeroes=on" },
        { "disk", "driver=null-co,size=64M,read-zeroes=on" },
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

#ifdef NBD_FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one(data, size);
    return 0;
}
#else

static GByteArray *read_all(FILE *f)
{
    GByteArray *b = g_byte_array_new();
    uint8_t buf[65536];
    size_t n;

    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        g_byte_array_append(b, buf, n);
    }
    return b;
}

static GByteArray *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    GByteArray *b;

    if (!f) {
        perror(path);
        exit(2);
    }
    b = read_all(f);
    fclose(f);
    return b;
}

/* Byte flips, truncation, splices: cheap mutations of a valid session. */
static void mutate(GByteArray *b, GRand *r)
{
    int rounds = g_rand_int_range(r, 1, 8);

    for (int i = 0; i < rounds && b->len; i++) {
        guint pos = g_rand_int_range(r, 0, b->len);

        switch (g_rand_int_range(r, 0, 5)) {
        case 0:
            b->data[pos] ^= 1 << g_rand_int_range(r, 0, 8);
            break;
        case 1:
            b->data[pos] = g_rand_int_range(r, 0, 256);
            break;
        case 2:
            g_byte_array_set_size(b, pos);
            break;
        case 3: {
            /* big-endian length fields love 0xff */
            guint n = MIN(4, b->len - pos);
            memset(b->data + pos, 0xff, n);
            break;
        }
        default: {
            guint len = g_rand_int_range(r, 1, 64);
            guint src = g_rand_int_range(r, 0, b->len);

            uint8_t copy[64];

            len = MIN(len, b->len - src);
            memcpy(copy, b->data + src, len);   /* append may realloc */
            g_byte_array_append(b, copy, len);
            break;
        }
        }
    }
}

int main(int argc, char **argv)
{
    int first = 1;
    long mutations = 0;
    guint32 seed = 1;

    error_set_progname(argv[0]);
    if (argc > 3 && !strcmp(argv[1], "--mutate")) {
        mutations = atol(argv[2]);
        seed = strtoul(argv[3], NULL, 0);
        first = 4;
    }
    if (first >= argc) {
        GByteArray *b = read_all(stdin);

        fuzz_one(b->data, b->len);
        g_byte_array_free(b, true);
        return 0;
    }
    if (!mutations) {
        for (int i = first; i < argc; i++) {
            GByteArray *b = read_file(argv[i]);

            fuzz_one(b->data, b->len);
            g_byte_array_free(b, true);
        }
        printf("%d inputs ran\n", argc - first);
        return 0;
    }
    {
        GRand *r = g_rand_new_with_seed(seed);

        for (long i = 0; i < mutations; i++) {
            GByteArray *b = read_file(argv[first + i % (argc - first)]);

            mutate(b, r);
            fuzz_one(b->data, b->len);
            g_byte_array_free(b, true);
        }
        g_rand_free(r);
        printf("%ld mutated inputs ran (seed %u)\n", mutations, seed);
    }
    return 0;
}
#endif
