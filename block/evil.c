/*
 * evil (ours): a filter that corrupts what is read through it, in the
 * spirit of nbdkit's evil filter, to give replicas silent corruption in
 * tests.  Writes, flushes and the rest pass through untouched.
 *
 *   driver=evil,file=CHILD,mode=stuck-bits|cosmic-rays,
 *     probability=P (per bit, default 1e-8),seed=N (default 0)
 *
 * stuck-bits: a fixed set of bits reads as a fixed value, the same on
 *   every read (a bad cell): which bits and their values follow from the
 *   seed and the bit's position alone, so reads of any size and alignment
 *   agree with each other.
 * cosmic-rays: each read flips bits afresh, from a generator seeded once.
 *
 * Bits are picked by geometric skips over 64 KiB blocks, each with its
 * own generator for stuck-bits: a read costs O(corrupted bits), not
 * O(bits).
 */
#include "qemu/osdep.h"
#include <math.h>
#include "block/block_int.h"

#define EVIL_BLOCK (64 * 1024)

typedef enum EvilMode {
    EVIL_STUCK_BITS,
    EVIL_COSMIC_RAYS,
} EvilMode;

typedef struct BDRVEvilState {
    EvilMode mode;
    double probability;
    uint64_t seed;
    GRand *rays;                /* cosmic-rays: one stream per node */
} BDRVEvilState;

static const QemuOptDesc evil_runtime_opt_desc[] = {
    { .name = "mode", .type = QEMU_OPT_STRING,
      .help = "stuck-bits (default) or cosmic-rays" },
    { .name = "probability", .type = QEMU_OPT_STRING,
      .help = "Probability that a bit is corrupted (0 to 1, default 1e-8)" },
    { .name = "seed", .type = QEMU_OPT_NUMBER,
      .help = "Seed of the corruption (default 0)" },
    { .name = NULL }
};

static const QemuOptsList evil_runtime_opts = {
    .name = "evil",
    .desc = evil_runtime_opt_desc,
};

static int evil_open(BlockDriverState *bs, QDict *options, int flags,
                     Error **errp)
{
    BDRVEvilState *s = bs->opaque;
    g_autoptr(QemuOpts) opts = qemu_opts_create(&evil_runtime_opts);
    const char *mode, *prob;
    char *end;

    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        return -EINVAL;
    }
    mode = qemu_opt_get(opts, "mode");
    if (!mode || !strcmp(mode, "stuck-bits")) {
        s->mode = EVIL_STUCK_BITS;
    } else if (!strcmp(mode, "cosmic-rays")) {
        s->mode = EVIL_COSMIC_RAYS;
    } else {
        error_setg(errp, "Parameter 'mode' does not accept value '%s'", mode);
        return -EINVAL;
    }
    prob = qemu_opt_get(opts, "probability");
    s->probability = 1e-8;
    if (prob) {
        errno = 0;
        s->probability = g_ascii_strtod(prob, &end);
        if (errno || end == prob || *end || !(s->probability >= 0) ||
            s->probability > 1) {
            error_setg(errp, "Parameter 'probability' expects a number "
                       "from 0 to 1");
            return -EINVAL;
        }
    }
    s->seed = qemu_opt_get_number(opts, "seed", 0);
    s->rays = g_rand_new_with_seed((guint32)(s->seed ^ (s->seed >> 32)));
    bs->file = bdrv_open_child(NULL, options, "file", bs, &child_of_bds,
                               BDRV_CHILD_FILTERED | BDRV_CHILD_PRIMARY,
                               false, errp);
    if (!bs->file) {
        g_rand_free(s->rays);
        return -EINVAL;
    }
    bs->supported_write_flags = BDRV_REQ_WRITE_UNCHANGED |
        (BDRV_REQ_FUA & bs->file->bs->supported_write_flags);
    bs->supported_zero_flags = BDRV_REQ_WRITE_UNCHANGED |
        ((BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP | BDRV_REQ_NO_FALLBACK) &
         bs->file->bs->supported_zero_flags);
    return 0;
}

static void evil_close(BlockDriverState *bs)
{
    BDRVEvilState *s = bs->opaque;

    g_rand_free(s->rays);
}

/* Bits to skip before the next corrupted one (geometric distribution). */
static uint64_t evil_skip(GRand *r, double p)
{
    double u = g_rand_double(r);

    if (p >= 1) {
        return 0;
    }
    return (uint64_t)floor(log1p(-u) / log1p(-p));
}

/* Corrupt @buf, which holds bytes [offset, offset + bytes) of the node. */
static void evil_corrupt(BDRVEvilState *s, QEMUIOVector *qiov, int64_t offset,
                         int64_t bytes)
{
    int64_t first = offset / EVIL_BLOCK;
    int64_t last = (offset + bytes - 1) / EVIL_BLOCK;

    if (s->probability <= 0) {
        return;
    }
    for (int64_t b = first; b <= last; b++) {
        GRand *r = s->rays;
        uint64_t bit = 0, nbits = EVIL_BLOCK * 8ULL;

        if (s->mode == EVIL_STUCK_BITS) {
            /* The block's own stream: the same bits on every read. */
            r = g_rand_new_with_seed_array((const guint32[]) {
                (guint32)s->seed, (guint32)(s->seed >> 32),
                (guint32)b, (guint32)(b >> 32) }, 4);
        }
        for (;;) {
            uint64_t skip = evil_skip(r, s->probability);
            gboolean value = g_rand_boolean(r);
            int64_t pos;
            uint8_t byte;

            if (skip >= nbits - bit) {
                break;
            }
            bit += skip;
            pos = b * EVIL_BLOCK + bit / 8;
            if (pos >= offset && pos < offset + bytes) {
                qemu_iovec_to_buf(qiov, pos - offset, &byte, 1);
                if (s->mode == EVIL_STUCK_BITS) {
                    byte = value ? byte | (1 << (bit % 8)) :
                                   byte & ~(1 << (bit % 8));
                } else {
                    byte ^= 1 << (bit % 8);
                }
                qemu_iovec_from_buf(qiov, pos - offset, &byte, 1);
            }
            bit++;
        }
        if (r != s->rays) {
            g_rand_free(r);
        }
    }
}

static int coroutine_fn evil_co_preadv(BlockDriverState *bs, int64_t offset,
                                       int64_t bytes, QEMUIOVector *qiov,
                                       BdrvRequestFlags flags)
{
    int ret = bdrv_co_preadv(bs->file, offset, bytes, qiov, flags);

    if (ret == 0) {
        evil_corrupt(bs->opaque, qiov, offset, bytes);
    }
    return ret;
}

static int coroutine_fn evil_co_pwritev(BlockDriverState *bs, int64_t offset,
                                        int64_t bytes, QEMUIOVector *qiov,
                                        BdrvRequestFlags flags)
{
    return bdrv_co_pwritev(bs->file, offset, bytes, qiov, flags);
}

static int coroutine_fn evil_co_pwrite_zeroes(BlockDriverState *bs,
                                              int64_t offset, int64_t bytes,
                                              BdrvRequestFlags flags)
{
    return bdrv_co_pwrite_zeroes(bs->file, offset, bytes, flags);
}

static int coroutine_fn evil_co_flush(BlockDriverState *bs)
{
    return bdrv_co_flush(bs->file->bs);
}

static int coroutine_fn evil_co_block_status(BlockDriverState *bs,
                                             bool want_zero, int64_t offset,
                                             int64_t bytes, int64_t *pnum,
                                             int64_t *map,
                                             BlockDriverState **file)
{
    /*
     * Data everywhere: a hole or zero range below would let a reader
     * skip the read that the corruption lives in.
     */
    *pnum = bytes;
    *map = offset;
    *file = bs->file->bs;
    return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
}

static int64_t evil_getlength(BlockDriverState *bs)
{
    return bdrv_getlength(bs->file->bs);
}

static const char *const evil_strong_runtime_opts[] = {
    "mode", "probability", "seed", NULL
};

/* Registered at start-up (block_init); read-only after. */
static BlockDriver bdrv_evil = {
    .format_name            = "evil",
    .instance_size          = sizeof(BDRVEvilState),
    .is_filter              = true,
    .bdrv_open              = evil_open,
    .bdrv_close             = evil_close,
    .bdrv_child_perm        = bdrv_default_perms,
    .bdrv_getlength         = evil_getlength,
    .bdrv_co_preadv         = evil_co_preadv,
    .bdrv_co_pwritev        = evil_co_pwritev,
    .bdrv_co_pwrite_zeroes  = evil_co_pwrite_zeroes,
    .bdrv_co_flush          = evil_co_flush,
    .bdrv_co_block_status   = evil_co_block_status,
    .strong_runtime_opts    = evil_strong_runtime_opts,
};

static void bdrv_evil_init(void)
{
    bdrv_register(&bdrv_evil);
}

block_init(bdrv_evil_init);
