/*
 * qemu-img convert: copy one or more images (concatenated) into a new or
 * an existing target.
 *
 * Up to -m coroutines copy in parallel.  Each takes the next range under
 * a lock, classified by the source's block status: data is read and
 * written, zeroes become holes.  Inside data, runs of zeroes of at least
 * -S bytes are not written either (or are written as zeroes when the
 * target is not known to read as zeroes).  Unless -W is given, writes
 * reach the target in order.  Progress (-p) counts the data ranges, as
 * QEMU 7.2 does, so the printed percentages are the same.
 */
#include "qemu/osdep.h"
#include <getopt.h>
#include "qapi/error.h"
#include "qemu/option.h"
#include "qemu/cutils.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"
#include "sysemu/block-backend.h"
#include "qemu-img.h"

#define CONVERT_BUF_SIZE        (2 * MiB)   /* data read per request */
#define CONVERT_MAX_BUF_SIZE    (16 * MiB)
#define CONVERT_MAX_COROUTINES  16
#define CONVERT_STATUS_MAX      ((int64_t)BDRV_REQUEST_MAX_BYTES)

typedef enum ConvertStatus {
    CONVERT_DATA,
    CONVERT_ZERO,
} ConvertStatus;

typedef struct ConvertSource {
    BlockBackend *blk;
    int64_t start;          /* offset of its first byte in the target */
    int64_t len;            /* in whole sectors, as QEMU counts them */
    int64_t align;          /* its request alignment, in bytes */
} ConvertSource;

typedef struct ImgConvertState {
    ConvertSource *src;
    int src_num;
    int64_t total;          /* bytes to copy: the sources' sum */
    BlockBackend *target;

    int64_t min_sparse;     /* bytes; 0 (-S 0) writes everything */
    int64_t buf_size;       /* largest data range of one request */
    int64_t align;          /* zero runs in data are cut at this */
    bool has_zero_init;     /* the target reads as zeroes already */
    bool copy_data;         /* -C: data ranges are copied unexamined */
    bool salvage;
    bool quiet;
    bool wr_in_order;

    int num_co;
    int running;
    Coroutine *co[CONVERT_MAX_COROUTINES];
    int64_t wait_offset[CONVERT_MAX_COROUTINES]; /* -1: not waiting */

    CoMutex lock;           /* over offset, status and status_end */
    int64_t offset;         /* the next range to hand out */
    int64_t status_end;     /* @status is known up to here */
    ConvertStatus status;
    int64_t wr_offset;      /* in order: all before it is written */

    int64_t allocated;      /* bytes that count for progress */
    int64_t allocated_done;
    ImgProgress progress;
    int ret;                /* -EINPROGRESS while copying */
} ImgConvertState;

typedef struct ConvertWorker {
    ImgConvertState *s;
    int index;
} ConvertWorker;

static ConvertSource *convert_find_source(ImgConvertState *s, int64_t offset)
{
    int i;

    for (i = 0; i < s->src_num - 1; i++) {
        if (offset < s->src[i].start + s->src[i].len) {
            break;
        }
    }
    return &s->src[i];
}

/*
 * Block status of the source at @soff, @bytes at most.  With --salvage a
 * failing query is retried on shorter ranges down to one sector, which is
 * then taken as data.
 */
static int coroutine_fn convert_co_status(ImgConvertState *s,
                                          ConvertSource *src, int64_t soff,
                                          int64_t bytes, int64_t *pnum)
{
    BlockDriverState *file;
    int64_t map;
    int ret;

    for (;;) {
        ret = bdrv_co_block_status(blk_bs(src->blk), true, soff, bytes,
                                   pnum, &map, &file);
        if (ret >= 0) {
            return ret;
        }
        if (!s->salvage) {
            error_report("error while reading block status at offset %"
                         PRIu64 ": %s", (uint64_t)soff, strerror(-ret));
            return ret;
        }
        if (bytes == BDRV_SECTOR_SIZE) {
            if (!s->quiet) {
                warn_report("error while reading block status at offset %"
                            PRIu64 ": %s", (uint64_t)soff, strerror(-ret));
            }
            *pnum = BDRV_SECTOR_SIZE;
            return BDRV_BLOCK_DATA;
        }
        bytes = DIV_ROUND_UP(bytes / BDRV_SECTOR_SIZE, 4) * BDRV_SECTOR_SIZE;
    }
}

/*
 * Length of the next range at @offset and its status (in s->status).
 * The status of a whole extent is fetched once and cached; data ranges
 * are cut to the buffer size.  Returns bytes or -errno.
 */
static int64_t coroutine_fn convert_next_range(ImgConvertState *s,
                                               int64_t offset)
{
    ConvertSource *src = convert_find_source(s, offset);
    int64_t n = MIN(s->total - offset, CONVERT_STATUS_MAX);

    if (s->status_end <= offset) {
        int64_t soff = offset - src->start;
        int64_t count, tail;
        int ret;

        ret = convert_co_status(s, src, soff, MIN(n, src->len - soff),
                                &count);
        if (ret < 0) {
            return ret;
        }
        n = ROUND_UP(count, BDRV_SECTOR_SIZE);
        /* End on the source's alignment so that reads need no padding. */
        tail = (soff + n) % src->align;
        if (n > tail) {
            n -= tail;
        }
        s->status = (ret & BDRV_BLOCK_ZERO) ? CONVERT_ZERO : CONVERT_DATA;
        s->status_end = offset + n;
    }
    n = MIN(n, s->status_end - offset);
    if (s->status == CONVERT_DATA) {
        n = MIN(n, s->buf_size);
    }
    return n;
}

/*
 * Read [@offset, +@bytes) of the concatenated sources into @buf.  With
 * --salvage a failing read is retried sector by sector and unreadable
 * sectors read as zeroes.
 */
static int coroutine_fn convert_co_read(ImgConvertState *s, int64_t offset,
                                        int64_t bytes, uint8_t *buf)
{
    int64_t single_until = 0;   /* salvage: one sector at a time until */

    while (bytes > 0) {
        ConvertSource *src = convert_find_source(s, offset);
        int64_t soff = offset - src->start;
        int64_t n = MIN(bytes, src->len - soff);
        QEMUIOVector qiov;
        int ret;

        if (offset < single_until) {
            n = BDRV_SECTOR_SIZE;
        }
        qemu_iovec_init_buf(&qiov, buf, n);
        ret = blk_co_preadv(src->blk, soff, n, &qiov, 0);
        if (ret < 0) {
            if (!s->salvage) {
                return ret;
            }
            if (n > BDRV_SECTOR_SIZE) {
                single_until = offset + n;
                continue;
            }
            if (!s->quiet) {
                warn_report("error while reading offset %" PRIu64 ": %s",
                            (uint64_t)soff, strerror(-ret));
            }
            memset(buf, 0, n);
        }
        offset += n;
        bytes -= n;
        buf += n;
    }
    return 0;
}

/*
 * Of the sectors at @buf (@n of them, the first at sector @sector), how
 * many from the first on are all zero or all non-zero (*pnum)?  Returns
 * true for data.  A run that does not reach the end is cut to end on
 * @align sectors: data grows to the boundary, zeroes shrink to it, and a
 * run of zeroes shorter than what is left to the boundary counts as data
 * (the write would have to cover it anyway).
 */
static bool convert_sector_run(const uint8_t *buf, int64_t n, int64_t sector,
                               int64_t align, int64_t *pnum)
{
    bool zero = buffer_is_zero(buf, BDRV_SECTOR_SIZE);
    int64_t i, tail;

    for (i = 1; i < n; i++) {
        if (buffer_is_zero(buf + i * BDRV_SECTOR_SIZE,
                           BDRV_SECTOR_SIZE) != zero) {
            break;
        }
    }
    if (i < n) {
        tail = (sector + i) % align;
        if (tail) {
            if (zero && i <= tail) {
                zero = false;
            }
            i = zero ? i - tail : MIN(i + align - tail, n);
        }
    }
    *pnum = i;
    return !zero;
}

/*
 * Like convert_sector_run(), but a data run swallows runs of zeroes that
 * are shorter than @min sectors and followed by more data, so that small
 * holes do not split a write.
 */
static bool convert_data_run(const uint8_t *buf, int64_t n, int64_t sector,
                             int64_t min, int64_t align, int64_t *pnum)
{
    int64_t used, checked, run;

    min = MIN(min, n);
    if (!convert_sector_run(buf, n, sector, align, pnum)) {
        return false;
    }
    used = checked = *pnum;
    while (checked < n) {
        bool data = convert_sector_run(buf + checked * BDRV_SECTOR_SIZE,
                                       n - checked, sector + checked, align,
                                       &run);

        checked += run;
        if (data) {
            used = checked;
        } else if (run >= min) {
            break;
        }
    }
    *pnum = used;
    return true;
}

static int coroutine_fn convert_co_write(ImgConvertState *s, int64_t offset,
                                         int64_t bytes, uint8_t *buf,
                                         ConvertStatus status)
{
    int64_t min = s->min_sparse / BDRV_SECTOR_SIZE;
    int64_t align = s->align / BDRV_SECTOR_SIZE;
    int ret;

    while (bytes > 0) {
        int64_t n = bytes / BDRV_SECTOR_SIZE;

        if (status == CONVERT_DATA &&
            (!s->min_sparse || s->copy_data ||
             convert_data_run(buf, n, offset / BDRV_SECTOR_SIZE, min, align,
                              &n))) {
            QEMUIOVector qiov;

            qemu_iovec_init_buf(&qiov, buf, n * BDRV_SECTOR_SIZE);
            ret = blk_co_pwritev(s->target, offset, n * BDRV_SECTOR_SIZE,
                                 &qiov, 0);
            if (ret < 0) {
                return ret;
            }
        } else if (!s->has_zero_init) {
            ret = blk_co_pwrite_zeroes(s->target, offset,
                                       n * BDRV_SECTOR_SIZE,
                                       BDRV_REQ_MAY_UNMAP);
            if (ret < 0) {
                return ret;
            }
        }
        offset += n * BDRV_SECTOR_SIZE;
        bytes -= n * BDRV_SECTOR_SIZE;
        buf += n * BDRV_SECTOR_SIZE;
    }
    return 0;
}

static void convert_wait_turn(ImgConvertState *s, int index, int64_t offset)
{
    while (s->wr_offset != offset && s->ret == -EINPROGRESS) {
        s->wait_offset[index] = offset;
        qemu_coroutine_yield();
    }
    s->wait_offset[index] = -1;
}

/* Everything before @end is written: wake the one that writes @end. */
static void convert_pass_turn(ImgConvertState *s, int64_t end)
{
    int i;

    s->wr_offset = end;
    for (i = 0; i < s->num_co; i++) {
        if (s->co[i] && s->wait_offset[i] == end) {
            aio_co_wake(s->co[i]);
            break;
        }
    }
}

static void coroutine_fn convert_co_copy(void *opaque)
{
    ConvertWorker *w = opaque;
    ImgConvertState *s = w->s;
    uint8_t *buf;
    int ret;

    s->running++;
    buf = qemu_blockalign(blk_bs(s->target), s->buf_size);
    /*
     * A source that leaves reads untouched (null-co without read-zeroes)
     * then yields zeroes, not whatever the allocator had there.
     */
    memset(buf, 0, s->buf_size);

    for (;;) {
        int64_t offset, n;
        ConvertStatus status;

        qemu_co_mutex_lock(&s->lock);
        if (s->ret != -EINPROGRESS || s->offset >= s->total) {
            qemu_co_mutex_unlock(&s->lock);
            break;
        }
        n = convert_next_range(s, s->offset);
        if (n < 0) {
            qemu_co_mutex_unlock(&s->lock);
            s->ret = n;
            break;
        }
        offset = s->offset;
        status = s->status;
        if (!s->min_sparse && status == CONVERT_ZERO) {
            /* -S 0: zeroes are written as data, one buffer at a time. */
            n = MIN(n, s->buf_size);
        }
        /* Let the others go on beyond this range while we copy it. */
        s->offset += n;
        qemu_co_mutex_unlock(&s->lock);

        if (status == CONVERT_DATA || !s->min_sparse) {
            s->allocated_done += n;
            img_progress_print(&s->progress,
                               100.0 * s->allocated_done / s->allocated, 0);
        }

        if (status == CONVERT_DATA) {
            ret = convert_co_read(s, offset, n, buf);
            if (ret < 0) {
                error_report("error while reading at byte %lld: %s",
                             (long long)offset, strerror(-ret));
                s->ret = ret;
            }
        } else if (!s->min_sparse) {
            memset(buf, 0, n);
            status = CONVERT_DATA;
        }

        if (s->wr_in_order) {
            convert_wait_turn(s, w->index, offset);
        }
        if (s->ret == -EINPROGRESS) {
            ret = convert_co_write(s, offset, n, buf, status);
            if (ret < 0) {
                error_report("error while writing at byte %lld: %s",
                             (long long)offset, strerror(-ret));
                s->ret = ret;
            }
        }
        if (s->wr_in_order) {
            convert_pass_turn(s, offset + n);
        }
    }

    qemu_vfree(buf);
    s->co[w->index] = NULL;
    s->running--;
    /* The last one out decides: others may still be writing till then. */
    if (!s->running && s->ret == -EINPROGRESS) {
        s->ret = 0;
    }
}

/* The pre-pass for -p: how much of the image is data. */
static void coroutine_fn convert_co_count(void *opaque)
{
    ImgConvertState *s = opaque;
    int64_t offset = 0, n;

    s->allocated = 0;
    while (offset < s->total) {
        n = convert_next_range(s, offset);
        if (n < 0) {
            s->ret = n;
            return;
        }
        if (s->status == CONVERT_DATA || !s->min_sparse) {
            s->allocated += n;
        }
        offset += n;
    }
    s->ret = 0;
}

static int convert_do_copy(ImgConvertState *s)
{
    ConvertWorker workers[CONVERT_MAX_COROUTINES];
    Coroutine *co;
    int i;

    s->ret = -EINPROGRESS;
    co = qemu_coroutine_create(convert_co_count, s);
    qemu_coroutine_enter(co);
    AIO_WAIT_WHILE(s->ret == -EINPROGRESS);
    if (s->ret < 0) {
        return s->ret;
    }

    s->status_end = 0;
    s->offset = 0;
    s->wr_offset = 0;
    s->ret = -EINPROGRESS;
    qemu_co_mutex_init(&s->lock);
    for (i = 0; i < s->num_co; i++) {
        workers[i] = (ConvertWorker) { .s = s, .index = i };
        s->wait_offset[i] = -1;
        s->co[i] = qemu_coroutine_create(convert_co_copy, &workers[i]);
    }
    for (i = 0; i < s->num_co; i++) {
        qemu_coroutine_enter(s->co[i]);
    }
    AIO_WAIT_WHILE(s->running > 0);
    return s->ret;
}

/*
 * Does a target we just created read as zeroes?  Only a new regular file
 * is known to (QEMU's bdrv_has_zero_init() answers 1 for "file" alone),
 * seen through raw and filters.
 */
static bool convert_new_target_is_zero(BlockDriverState *bs)
{
    while (bs && (bs->drv->is_format || bs->drv->is_filter) && bs->file) {
        bs = bs->file->bs;
    }
    return bs && !strcmp(bs->drv->format_name, "file");
}

/* -m: a number in any base from 1 to 16, as QEMU parses it. */
static bool convert_parse_coroutines(const char *arg, int *num)
{
    int64_t v;

    if (qemu_strtoi64(arg, NULL, 0, &v) < 0 || v < 1 ||
        v > CONVERT_MAX_COROUTINES) {
        error_report("Invalid number of coroutines. Allowed number of "
                     "coroutines is between 1 and %d",
                     CONVERT_MAX_COROUTINES);
        return false;
    }
    *num = v;
    return true;
}

/* -S: a byte count in whole sectors up to the largest buffer. */
static bool convert_parse_sparse(const char *arg, int64_t *min_sparse)
{
    int64_t v = cvtnum_full("buffer size for sparse output", arg, 0,
                            INT64_MAX);

    if (v < 0) {
        return false;
    }
    if (!QEMU_IS_ALIGNED(v, BDRV_SECTOR_SIZE) || v > CONVERT_MAX_BUF_SIZE) {
        error_report("Invalid buffer size for sparse output specified. "
                     "Valid sizes are multiples of %llu up to %llu. Select "
                     "0 to disable sparse detection (fully allocates "
                     "output).", BDRV_SECTOR_SIZE,
                     (unsigned long long)CONVERT_MAX_BUF_SIZE);
        return false;
    }
    *min_sparse = v;
    return true;
}

/*
 * Create the target: the -o options, the sources' total size, and the
 * old-style -B/-F that no format of ours accepts.
 */
static int convert_create(const char *filename, const char *fmt,
                          const char *options, int64_t size,
                          const char *base, const char *base_fmt,
                          bool compressed)
{
    g_autofree char *size_str = g_strdup_printf("%" PRId64, size);
    ImgCreateOpts *c;
    Error *err = NULL;
    int ret = -1;

    c = img_create_opts_new(filename, fmt, options, &err);
    if (!c) {
        error_report_err(err);
        return -1;
    }
    /* The size is the sources', whatever -o said. */
    qemu_opt_set(img_create_opts_get(c), "size", size_str, &error_abort);
    if (base && !img_create_opts_known(c, "backing_file")) {
        error_report("Backing file not supported for file format '%s'", fmt);
        goto out;
    }
    if (base_fmt && !img_create_opts_known(c, "backing_fmt")) {
        error_report("Backing file format not supported for file format "
                     "'%s'", fmt);
        goto out;
    }
    if (compressed) {
        /* No format of ours writes compressed clusters. */
        error_report("Compression not supported for this file format");
        goto out;
    }
    if (img_create_opts_run(c, filename, &err) < 0) {
        error_prepend(&err, "%s: error while converting %s: ", filename, fmt);
        error_report_err(err);
        goto out;
    }
    ret = 0;
out:
    img_create_opts_free(c);
    return ret;
}

/*
 * Open the sources (read-only, writes by others refused as QEMU's
 * BDRV_O_NO_SHARE does) and add up their sizes.
 */
static int convert_open_sources(ImgConvertState *s, char **names,
                                ImgCommonOpts *o, const char *src_cache)
{
    bool writethrough = false;
    int flags = 0, i;

    if (bdrv_parse_cache_mode(src_cache, &flags, &writethrough) < 0) {
        error_report("Invalid source cache option: %s", src_cache);
        return -1;
    }
    s->src = g_new0(ConvertSource, s->src_num);
    for (i = 0; i < s->src_num; i++) {
        ConvertSource *src = &s->src[i];
        BlockDriverState *bs;
        int64_t len;

        src->blk = img_open(o->image_opts, names[i], o->fmt, flags,
                            writethrough, o->force_share);
        if (!src->blk) {
            return -1;
        }
        if (!o->force_share) {
            uint64_t perm, shared;
            Error *err = NULL;

            blk_get_perm(src->blk, &perm, &shared);
            if (blk_set_perm(src->blk, perm, BLK_PERM_CONSISTENT_READ |
                             BLK_PERM_WRITE_UNCHANGED, &err) < 0) {
                error_prepend(&err, "Could not open '%s': ", names[i]);
                error_report_err(err);
                return -1;
            }
        }
        len = blk_getlength(src->blk);
        if (len < 0) {
            error_report("Could not get size of %s: %s", names[i],
                         strerror(-len));
            return -1;
        }
        bs = blk_bs(src->blk);
        src->start = s->total;
        src->len = ROUND_UP(len, BDRV_SECTOR_SIZE);
        src->align = ROUND_UP(MAX(bs->bl.request_alignment, 1),
                              BDRV_SECTOR_SIZE);
        s->total += src->len;
    }
    return 0;
}

static uint64_t pow2floor(uint64_t v)
{
    return v ? 1ULL << (63 - __builtin_clzll(v)) : 0;
}

/* qemu-img convert's command line, beside what ImgConvertState keeps. */
typedef struct ConvertOpts {
    ImgCommonOpts o;
    const char *out_fmt;
    const char *cache;
    const char *src_cache;
    const char *base;
    const char *base_fmt;
    const char *snapshot;
    GString *options;           /* -o, accumulated */
    bool skip_create;
    bool tgt_image_opts;
    bool explicit_sparse;
    bool compressed;
    bool bitmaps;
    bool skip_broken;
    bool progress;
    int64_t rate_limit;
} ConvertOpts;

/* getopt and QEMU's checks, in QEMU's order; false: exit status 1. */
static bool convert_parse_options(int argc, char **argv, ConvertOpts *co,
                                  ImgConvertState *s)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"object", required_argument, NULL, OPTION_OBJECT},
        {"image-opts", no_argument, NULL, OPTION_IMAGE_OPTS},
        {"force-share", no_argument, NULL, 'U'},
        {"target-image-opts", no_argument, NULL, OPTION_TARGET_IMAGE_OPTS},
        {"salvage", no_argument, NULL, OPTION_SALVAGE},
        {"target-is-zero", no_argument, NULL, OPTION_TARGET_IS_ZERO},
        {"bitmaps", no_argument, NULL, OPTION_BITMAPS},
        {"skip-broken-bitmaps", no_argument, NULL, OPTION_SKIP_BROKEN},
        {NULL, 0, NULL, 0}
    };
    int c;

    for (;;) {
        c = getopt_long(argc, argv, ":hf:O:B:CcF:o:l:S:pt:T:qnm:WUr:",
                        long_options, NULL);
        if (c == -1) {
            break;
        }
        if (img_common_option(c, argv, &co->o)) {
            continue;
        }
        switch (c) {
        case 'O':
            co->out_fmt = optarg;
            break;
        case 'B':
            co->base = optarg;
            break;
        case 'C':
            s->copy_data = true;
            break;
        case 'c':
            co->compressed = true;
            break;
        case 'F':
            co->base_fmt = optarg;
            break;
        case 'o':
            if (!img_accumulate_options(&co->options, optarg)) {
                return false;
            }
            break;
        case 'l':
            co->snapshot = optarg;
            break;
        case 'S':
            if (!convert_parse_sparse(optarg, &s->min_sparse)) {
                return false;
            }
            co->explicit_sparse = true;
            break;
        case 'p':
            co->progress = true;
            break;
        case 't':
            co->cache = optarg;
            break;
        case 'T':
            co->src_cache = optarg;
            break;
        case 'q':
            s->quiet = true;
            break;
        case 'n':
            co->skip_create = true;
            break;
        case 'm':
            if (!convert_parse_coroutines(optarg, &s->num_co)) {
                return false;
            }
            break;
        case 'W':
            s->wr_in_order = false;
            break;
        case 'r':
            co->rate_limit = cvtnum_full("rate limit", optarg, 0, INT64_MAX);
            if (co->rate_limit < 0) {
                return false;
            }
            break;
        case OPTION_TARGET_IMAGE_OPTS:
            co->tgt_image_opts = true;
            break;
        case OPTION_SALVAGE:
            s->salvage = true;
            break;
        case OPTION_TARGET_IS_ZERO:
            s->has_zero_init = true;
            break;
        case OPTION_BITMAPS:
            co->bitmaps = true;
            break;
        case OPTION_SKIP_BROKEN:
            co->skip_broken = true;
            break;
        }
    }

    if (!co->out_fmt && !co->tgt_image_opts) {
        co->out_fmt = "raw";
    }
    if (co->skip_broken && !co->bitmaps) {
        error_report("Use of --skip-broken-bitmaps requires --bitmaps");
        return false;
    }
    if (co->compressed && s->copy_data) {
        error_report("Cannot enable copy offloading when -c is used");
        return false;
    }
    if (co->explicit_sparse && s->copy_data) {
        error_report("Cannot enable copy offloading when -S is used");
        return false;
    }
    if (s->copy_data && s->salvage) {
        error_report("Cannot use copy offloading in salvaging mode");
        return false;
    }
    if (co->tgt_image_opts && !co->skip_create) {
        error_report("--target-image-opts requires use of -n flag");
        return false;
    }
    if (co->skip_create && co->options) {
        error_report("-o has no effect when skipping image creation");
        return false;
    }
    if (s->has_zero_init && !co->skip_create) {
        error_report("--target-is-zero requires use of -n flag");
        return false;
    }
    return true;
}

/* What the sources ask for that no format of ours has; false if any. */
static bool convert_check_source_features(ImgConvertState *s,
                                          const ConvertOpts *co)
{
    if (co->snapshot) {
        if (s->src_num > 1) {
            error_report("No support for concatenating multiple snapshot");
            return false;
        }
        /* No format of ours has internal snapshots. */
        error_report("Failed to load snapshot: Block format '%s' used by "
                     "device '' does not support temporarily loading "
                     "internal snapshots",
                     bdrv_get_format_name(blk_bs(s->src[0].blk)));
        return false;
    }
    if (co->bitmaps) {
        if (s->src_num > 1) {
            error_report("Copying bitmaps only possible with single source");
        } else {
            error_report("Source lacks bitmap support");
        }
        return false;
    }
    return true;
}

/* Open the (created or, with -n, existing) target and size the copy. */
static bool convert_open_target(ImgConvertState *s, const ConvertOpts *co,
                                const char *out_filename)
{
    bool writethrough = false;
    BlockDriverState *out_bs;
    int flags;

    flags = s->min_sparse ? (BDRV_O_RDWR | BDRV_O_UNMAP) : BDRV_O_RDWR;
    if (bdrv_parse_cache_mode(co->cache, &flags, &writethrough) < 0) {
        error_report("Invalid cache option: %s", co->cache);
        return false;
    }
    if (flags & BDRV_O_NOCACHE) {
        /* O_DIRECT may need the file grown to the sector size. */
        flags |= BDRV_O_RESIZE;
    }
    s->target = img_open(co->skip_create && co->tgt_image_opts, out_filename,
                         co->out_fmt, flags, writethrough, false);
    if (!s->target) {
        return false;
    }
    out_bs = blk_bs(s->target);
    if (co->compressed) {
        error_report("Compression not supported for this file format");
        return false;
    }

    s->buf_size = MIN(CONVERT_MAX_BUF_SIZE,
                      MAX(s->buf_size, (int64_t)out_bs->bl.pdiscard_alignment));
    /* Cut zero runs where the target's writes would need no RMW. */
    s->align = MAX((int64_t)pow2floor(s->min_sparse / BDRV_SECTOR_SIZE),
                   DIV_ROUND_UP((int64_t)out_bs->bl.request_alignment,
                                BDRV_SECTOR_SIZE)) * BDRV_SECTOR_SIZE;
    if (!s->align) {
        s->align = BDRV_SECTOR_SIZE;
    }

    if (co->skip_create) {
        int64_t out_len = blk_getlength(s->target);

        if (out_len < 0) {
            error_report("unable to get output image length: %s",
                         strerror(-out_len));
            return false;
        }
        if (ROUND_UP(out_len, BDRV_SECTOR_SIZE) < s->total) {
            error_report("output file is smaller than input file");
            return false;
        }
    } else if (s->min_sparse && !s->has_zero_init) {
        s->has_zero_init = convert_new_target_is_zero(out_bs);
    }
    return true;
}

int img_convert(int argc, char **argv)
{
    ConvertOpts co = {
        .o = { .fmt = NULL },
        .cache = "unsafe",
        .src_cache = "writeback",
    };
    ImgConvertState s = {
        .min_sparse = 8 * BDRV_SECTOR_SIZE,
        .buf_size = CONVERT_BUF_SIZE,
        .wr_in_order = true,
        .num_co = 8,
        .progress = { .min_skip = 1.0f },
    };
    const char *out_filename;
    int i, ret = -1;

    if (!convert_parse_options(argc, argv, &co, &s)) {
        ret = 1;
        goto out_opts;
    }
    s.src_num = argc - optind - 1;
    out_filename = s.src_num >= 1 ? argv[argc - 1] : NULL;
    if (co.options && has_help_option(co.options->str)) {
        if (!co.out_fmt) {
            error_report("Option help requires a format be specified");
            ret = 1;
        } else {
            ret = img_print_create_help(out_filename, co.out_fmt);
        }
        goto out_opts;
    }
    if (s.src_num < 1) {
        error_report("Must specify image file name");
        ret = 1;
        goto out_opts;
    }
    if (co.rate_limit) {
        /* Our block layer has no throttling to implement it with. */
        error_report("Rate limiting (-r) is not supported");
        ret = 1;
        goto out_opts;
    }

    s.progress.enabled = co.progress && !s.quiet;
    img_progress_print(&s.progress, 0, 100);

    if (convert_open_sources(&s, argv + optind, &co.o, co.src_cache) < 0 ||
        !convert_check_source_features(&s, &co)) {
        goto out;
    }
    if (!co.skip_create) {
        if (s.src_num > 1 && co.base) {
            error_report("Having a backing file for the target makes no "
                         "sense when concatenating multiple input images");
            goto out;
        }
        if (convert_create(out_filename, co.out_fmt,
                           co.options ? co.options->str : NULL, s.total,
                           co.base, co.base_fmt, co.compressed) < 0) {
            goto out;
        }
    }
    if (!convert_open_target(&s, &co, out_filename)) {
        goto out;
    }
    ret = convert_do_copy(&s) < 0 ? -1 : 0;

out:
    if (ret == 0) {
        img_progress_print(&s.progress, 100, 0);
    }
    img_progress_end(&s.progress);
    if (s.target) {
        blk_unref(s.target);
    }
    for (i = 0; s.src && i < s.src_num; i++) {
        if (s.src[i].blk) {
            blk_unref(s.src[i].blk);
        }
    }
    g_free(s.src);
    ret = ret < 0 ? 1 : 0;
out_opts:
    if (co.options) {
        g_string_free(co.options, true);
    }
    return ret;
}
