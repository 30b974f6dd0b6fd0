/*
 * qemu-img bench: keep @depth asynchronous requests in flight until
 * @count have completed, optionally flushing every N writes.
 *
 * This is the project's speed yardstick, so the loop does no work per
 * request beyond issuing it: buffers and I/O vectors are set up once,
 * one slot per request in flight.
 */
#include "qemu/osdep.h"
#include <getopt.h>
#include "qapi/error.h"
#include "qemu/option.h"
#include "qemu/cutils.h"
#include "qemu/main-loop.h"
#include "block/block.h"
#include "sysemu/block-backend.h"
#include "qemu-img.h"

typedef struct BenchData BenchData;

typedef struct BenchSlot {
    BenchData *b;
    QEMUIOVector qiov;
} BenchSlot;

struct BenchData {
    BlockBackend *blk;
    int64_t image_size;
    bool write;
    int bufsize;
    int step;
    int nrreq;              /* requests in flight at most */
    int n;                  /* requests not yet completed */
    int in_flight;
    int flush_interval;
    bool drain_on_flush;
    bool in_flush;
    bool failed;            /* a request failed: drain, then exit 1 */
    int64_t offset;         /* of the next request */
    uint8_t *buf;
    BenchSlot *slots;
    int *free_slots;        /* stack of idle slot indexes */
    int nr_free;
};

static void bench_cb(void *opaque, int ret);

static void bench_request_cb(void *opaque, int ret)
{
    BenchSlot *slot = opaque;
    BenchData *b = slot->b;

    b->free_slots[b->nr_free++] = slot - b->slots;
    bench_cb(b, ret);
}

static void bench_undrained_flush_cb(void *opaque, int ret)
{
    if (ret < 0) {
        error_report("Failed flush request: %s", strerror(-ret));
        exit(EXIT_FAILURE);
    }
}

static void bench_cb(void *opaque, int ret)
{
    BenchData *b = opaque;

    if (ret < 0 || b->failed) {
        /*
         * As QEMU: report the first failure and give up; unlike QEMU, let
         * the requests in flight finish before returning.
         */
        if (!b->failed) {
            error_report("Failed request: %s", strerror(-ret));
            b->failed = true;
        }
        if (b->in_flight > 0) {
            b->in_flight--;
        }
        return;
    }

    if (b->in_flush) {
        /* A draining flush finished: the queue is empty, start again. */
        assert(b->in_flight == 0);
        b->in_flush = false;
    } else if (b->in_flight > 0) {
        int remaining = b->n - b->in_flight;

        b->n--;
        b->in_flight--;

        if (b->flush_interval && remaining % b->flush_interval == 0) {
            if (!b->in_flight || !b->drain_on_flush) {
                BlockCompletionFunc *cb = bench_undrained_flush_cb;

                if (b->drain_on_flush) {
                    b->in_flush = true;
                    cb = bench_cb;
                }
                if (!blk_aio_flush(b->blk, cb, b)) {
                    error_report("Failed to issue flush request");
                    exit(EXIT_FAILURE);
                }
            }
            if (b->drain_on_flush) {
                return;
            }
        }
    }

    while (b->n > b->in_flight && b->in_flight < b->nrreq) {
        int64_t offset = b->offset;
        BenchSlot *slot;
        BlockAIOCB *acb;

        /*
         * Count the request and advance the offset before issuing it:
         * the completion may run before blk_aio_*() returns to us.
         */
        assert(b->nr_free > 0);
        slot = &b->slots[b->free_slots[--b->nr_free]];
        b->in_flight++;
        /* As QEMU: wrap at the end; a request may still cross it. */
        b->offset += b->step;
        if (b->image_size > 0) {
            b->offset %= b->image_size;
        }
        if (b->write) {
            acb = blk_aio_pwritev(b->blk, offset, &slot->qiov, 0,
                                  bench_request_cb, slot);
        } else {
            acb = blk_aio_preadv(b->blk, offset, &slot->qiov, 0,
                                 bench_request_cb, slot);
        }
        if (!acb) {
            error_report("Failed to issue request");
            exit(EXIT_FAILURE);
        }
    }
}

/* QEMU parses these counts as unsigned longs in any base, up to @max. */
static bool parse_count(const char *s, uint64_t max, int *ret)
{
    uint64_t v;

    if (qemu_strtou64(s, NULL, 0, &v) < 0 || v > max) {
        return false;
    }
    *ret = v;
    return true;
}

/* qemu-img bench's command line. */
typedef struct BenchOpts {
    ImgCommonOpts o;
    const char *filename;
    bool is_write;
    bool writethrough;
    bool drain_on_flush;
    int count;
    int depth;
    int bufsize;
    int step;                   /* 0: bufsize */
    int flush_interval;
    int pattern;
    int flags;                  /* BDRV_O_* */
    int64_t offset;
} BenchOpts;

/* false after reporting a bad option (exit status 1). */
static bool bench_parse_options(int argc, char **argv, BenchOpts *b)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"flush-interval", required_argument, NULL, OPTION_FLUSH_INTERVAL},
        {"image-opts", no_argument, NULL, OPTION_IMAGE_OPTS},
        {"pattern", required_argument, NULL, OPTION_PATTERN},
        {"no-drain", no_argument, NULL, OPTION_NO_DRAIN},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0}
    };
    int64_t sval;
    int c;

    for (;;) {
        c = getopt_long(argc, argv, ":hc:d:f:ni:o:qs:S:t:wU", long_options,
                        NULL);
        if (c == -1) {
            break;
        }
        if (img_common_option(c, argv, &b->o)) {
            continue;
        }
        switch (c) {
        case 'c':
            if (!parse_count(optarg, INT_MAX, &b->count)) {
                error_report("Invalid request count specified");
                return false;
            }
            break;
        case 'd':
            /*
             * QEMU 7.2 accepts 0 and then waits forever; we refuse it.
             */
            if (!parse_count(optarg, INT_MAX, &b->depth) || b->depth == 0) {
                error_report("Invalid queue depth specified");
                return false;
            }
            break;
        case 'n':
            b->flags |= BDRV_O_NATIVE_AIO;
            break;
        case 'i':
            if (bdrv_parse_aio(optarg, &b->flags) < 0) {
                error_report("Invalid aio option: %s", optarg);
                return false;
            }
            break;
        case 'o':
            b->offset = cvtnum_full("offset", optarg, 0, INT64_MAX);
            if (b->offset < 0) {
                return false;
            }
            break;
        case 'q':
            /* QEMU prints the bench lines even with -q. */
            break;
        case 's':
            sval = cvtnum_full("buffer size", optarg, 0, INT_MAX);
            if (sval < 0) {
                return false;
            }
            b->bufsize = sval;
            break;
        case 'S':
            sval = cvtnum_full("step_size", optarg, 0, INT_MAX);
            if (sval < 0) {
                return false;
            }
            b->step = sval;
            break;
        case 't':
            if (bdrv_parse_cache_mode(optarg, &b->flags,
                                      &b->writethrough) < 0) {
                error_report("Invalid cache mode");
                return false;
            }
            break;
        case 'w':
            b->flags |= BDRV_O_RDWR;
            b->is_write = true;
            break;
        case OPTION_PATTERN:
            if (!parse_count(optarg, 0xff, &b->pattern)) {
                error_report("Invalid pattern byte specified");
                return false;
            }
            break;
        case OPTION_FLUSH_INTERVAL:
            if (!parse_count(optarg, INT_MAX, &b->flush_interval)) {
                error_report("Invalid flush interval specified");
                return false;
            }
            break;
        case OPTION_NO_DRAIN:
            b->drain_on_flush = false;
            break;
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    b->filename = argv[argc - 1];

    if (!b->is_write && b->flush_interval) {
        error_report("--flush-interval is only available in write tests");
        return false;
    }
    if (b->flush_interval && b->flush_interval < b->depth) {
        error_report("Flush interval can't be smaller than depth");
        return false;
    }
    return true;
}

/* One buffer and I/O vector per request in flight, set up once. */
static bool bench_setup_slots(BenchData *data, size_t nslots, int pattern)
{
    size_t bufsize = data->bufsize;

    data->buf = qemu_try_blockalign(blk_bs(data->blk),
                                    MAX(nslots * bufsize, 1));
    if (!data->buf) {
        error_report("Could not allocate %zu bytes of request buffers",
                     nslots * bufsize);
        return false;
    }
    memset(data->buf, pattern, nslots * bufsize);
    data->slots = g_new0(BenchSlot, nslots);
    data->free_slots = g_new(int, nslots);
    for (size_t i = 0; i < nslots; i++) {
        data->slots[i].b = data;
        qemu_iovec_init_buf(&data->slots[i].qiov, data->buf + i * bufsize,
                            bufsize);
        data->free_slots[i] = nslots - 1 - i;
    }
    data->nr_free = nslots;
    data->nrreq = MIN(data->nrreq, (int)nslots);
    return true;
}

int img_bench(int argc, char **argv)
{
    BenchOpts b = {
        .o = { .fmt = NULL },
        .drain_on_flush = true,
        .count = 75000,
        .depth = 64,
        .bufsize = 4096,
    };
    int64_t image_size, t0, t1;
    BlockBackend *blk = NULL;
    BenchData data = { 0 };
    size_t nslots;
    int ret = 1;

    if (!bench_parse_options(argc, argv, &b)) {
        return 1;
    }
    blk = img_open(b.o.image_opts, b.filename, b.o.fmt, b.flags,
                   b.writethrough, b.o.force_share);
    if (!blk) {
        return 1;
    }
    image_size = blk_getlength(blk);
    if (image_size < 0) {
        /* QEMU 7.2 fails silently here. */
        goto out;
    }

    data = (BenchData) {
        .blk = blk,
        .image_size = image_size,
        .write = b.is_write,
        .bufsize = b.bufsize,
        .step = b.step ? b.step : b.bufsize,
        .nrreq = b.depth,
        .n = b.count,
        .flush_interval = b.flush_interval,
        .drain_on_flush = b.drain_on_flush,
        .offset = b.offset,
    };
    /* Never more slots than requests: -d 1000000 -c 10 stays cheap. */
    nslots = MAX(MIN(b.depth, b.count), 1);
    if (!bench_setup_slots(&data, nslots, b.pattern)) {
        goto out;
    }

    printf("Sending %d %s requests, %d bytes each, %d in parallel "
           "(starting at offset %" PRId64 ", step size %d)\n",
           b.count, b.is_write ? "write" : "read", b.bufsize, b.depth,
           b.offset, data.step);
    if (b.flush_interval) {
        printf("Sending flush every %d requests\n", b.flush_interval);
    }

    t0 = get_clock_ns();
    bench_cb(&data, 0);
    while (data.n > 0 && !(data.failed && data.in_flight == 0)) {
        main_loop_wait(true);
    }
    if (data.failed) {
        goto out;
    }
    t1 = get_clock_ns();
    printf("Run completed in %3.3f seconds.\n", (t1 - t0) / 1e9);
    ret = 0;

out:
    g_free(data.slots);
    g_free(data.free_slots);
    qemu_vfree(data.buf);
    blk_unref(blk);
    return ret;
}
