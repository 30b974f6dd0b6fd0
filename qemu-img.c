/*
 * qemu-img: create, inspect, compare and benchmark images.
 *
 * Output, streams and exit codes follow QEMU 7.2's qemu-img for the
 * subcommands we implement (create, info, map, compare, bench).
 */
#include "qemu/osdep.h"
#include <getopt.h>
#include "config-host.h"
#include "qapi/error.h"
#include "qemu/qdict.h"
#include "qemu/option.h"
#include "qemu/cutils.h"
#include "qapi/util.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"
#include "sysemu/block-backend.h"
#include "qemu-img.h"
#include "crypto/tlscreds.h"

#define BDRV_DEFAULT_CACHE "writeback"

void G_GNUC_PRINTF(1, 2) QEMU_NORETURN img_error_exit(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_vreport(fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'qemu-img --help' for more information\n");
    exit(EXIT_FAILURE);
}

void QEMU_NORETURN img_bad_option(int c, char **argv)
{
    /* argv[optind - 1] is the word getopt choked on, as QEMU prints it. */
    if (c == ':') {
        img_error_exit("missing argument for option '%s'", argv[optind - 1]);
    }
    img_error_exit("unrecognized option '%s'", argv[optind - 1]);
}

bool img_common_option(int c, char **argv, ImgCommonOpts *o)
{
    switch (c) {
    case ':':
    case '?':
        img_bad_option(c, argv);
    case 'h':
        img_help();
    case 'f':
        o->fmt = optarg;
        return true;
    case 'U':
        o->force_share = true;
        return true;
    case OPTION_OBJECT: {
        Error *err = NULL;

        if (!user_creatable_add_cmdline(optarg, OBJECT_TOOL_IMG, &err)) {
            error_report_err(err);
            exit(1);
        }
        return true;
    }
    case OPTION_IMAGE_OPTS:
        o->image_opts = true;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------------ */
/* Help and version */

static void add_format_name(void *opaque, const char *name)
{
    g_ptr_array_add(opaque, (gpointer)name);
}

static gint cmp_str_ptr(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_version(void)
{
    printf("qemu-img version " QEMU_VERSION QEMU_PKGVERSION
           " (quorum-block; modelled on QEMU 7.2)\n"
           "Copyright (c) the quorum-block developers\n");
}

void img_help(void)
{
    GPtrArray *fmts = g_ptr_array_new();
    const char *prev = NULL;
    guint i;

    print_version();
    printf("usage: qemu-img [standard options] command [command options]\n"
           "Disk image utility of the quorum-block project\n"
           "\n"
           "    '-h', '--help'       show this text and exit\n"
           "    '-V', '--version'    show the version and exit\n"
           "    '-T', '--trace'      accepted for compatibility; tracing is not "
           "implemented\n"
           "\n"
           "Command syntax:\n"
           "  bench [-c count] [-d depth] [-f fmt] "
           "[--flush-interval=flush_interval] [-i aio] [-n] [--no-drain] "
           "[-o offset] [--pattern=pattern] [-q] [-s buffer_size] "
           "[-S step_size] [-t cache] [-w] [-U] filename\n"
           "  compare [--object objectdef] [--image-opts] [-f fmt] [-F fmt] "
           "[-T src_cache] [-p] [-q] [-s] [-U] filename1 filename2\n"
           "  convert [--object objectdef] [--image-opts] "
           "[--target-image-opts] [--target-is-zero] [-U] [-C] [-p] [-q] "
           "[-n] [-f fmt] [-t cache] [-T src_cache] [-O output_fmt] "
           "[-o options] [-S sparse_size] [-m num_coroutines] [-W] "
           "[--salvage] filename [filename2 [...]] output_filename\n"
           "  create [--object objectdef] [-q] [-f fmt] "
           "[-b backing_file [-F backing_fmt]] [-u] [-o options] "
           "filename [size]\n"
           "  info [--object objectdef] [--image-opts] [-f fmt] "
           "[--output=ofmt] [--backing-chain] [-U] filename\n"
           "  map [--object objectdef] [--image-opts] [-f fmt] "
           "[--start-offset=offset] [--max-length=len] [--output=ofmt] "
           "[-U] filename\n"
           "\n"
           "Command parameters:\n"
           "  'filename' names an image: a path, a protocol string such as "
           "'null-co://',\n"
           "    a 'json:{...}' description, or with --image-opts a "
           "key=value list\n"
           "  'fmt' names the image format; when it is left out the format "
           "is probed\n"
           "  'cache' and 'src_cache' are one of 'none', 'writeback' "
           "(the default),\n"
           "    'writethrough', 'directsync' and 'unsafe'\n"
           "  'size', 'offset' and the lengths take a byte count with an "
           "optional suffix\n"
           "    k/K, M, G, T, P or E (powers of 1024)\n"
           "  'options' is a comma separated list of name=value creation "
           "options;\n"
           "    '-o help' lists the ones the format accepts\n"
           "  'ofmt' is 'human' (the default) or 'json'\n"
           "  '-q' suppresses everything but errors; '-U' opens images "
           "with force-share\n"
           "\n"
           "Parameters to compare subcommand:\n"
           "  '-f' and '-F' give the formats of the first and second image\n"
           "  '-s' (strict) also fails on a size or allocation difference\n"
           "  '-p' shows progress\n"
           "\n"
           "Parameters to convert subcommand:\n"
           "  '-n' writes into an existing target instead of creating it\n"
           "  '-S' is the least run of zeroes (default 4k) that becomes a hole "
           "in the\n"
           "    target; 0 writes every byte\n"
           "  '-m' requests run in parallel (1 to 16, default 8); '-W' lets "
           "them write\n"
           "    out of order\n"
           "  '-C' copies data ranges without looking for zeroes in them\n"
           "  '--salvage' reads unreadable sectors as zeroes\n"
           "  '--target-is-zero' (with -n) skips writing zeroes\n"
           "\n"
           "Supported formats:");
    bdrv_iterate_format(add_format_name, fmts);
    g_ptr_array_sort(fmts, cmp_str_ptr);
    for (i = 0; i < fmts->len; i++) {
        const char *name = g_ptr_array_index(fmts, i);
        if (prev && !strcmp(prev, name)) {
            continue;
        }
        printf(" %s", name);
        prev = name;
    }
    printf("\n\n"
           "Commands other than the ones above are not implemented.\n");
    g_ptr_array_free(fmts, true);
    exit(EXIT_SUCCESS);
}

/* ------------------------------------------------------------------ */
/* Opening images */

BlockBackend *img_open(bool image_opts, const char *filename,
                       const char *fmt, int flags, bool writethrough,
                       bool force_share)
{
    Error *err = NULL;
    QDict *options;
    BlockBackend *blk;

    if (image_opts) {
        const char *fs;

        if (fmt) {
            error_report("--image-opts and --format are mutually exclusive");
            return NULL;
        }
        options = keyval_parse_flat(filename, "file", &err);
        if (!options) {
            error_report_err(err);
            return NULL;
        }
        if (force_share) {
            fs = qdict_get_try_str(options, BDRV_OPT_FORCE_SHARE);
            if (qdict_haskey(options, BDRV_OPT_FORCE_SHARE) &&
                (!fs || strcmp(fs, "on"))) {
                error_report("--force-share/-U conflicts with image options");
                qobject_unref(options);
                return NULL;
            }
            qdict_put_str(options, BDRV_OPT_FORCE_SHARE, "on");
        }
        blk = blk_new_open(NULL, NULL, options, flags, &err);
    } else {
        options = qdict_new();
        if (fmt) {
            qdict_put_str(options, "driver", fmt);
        }
        if (force_share) {
            qdict_put_bool(options, BDRV_OPT_FORCE_SHARE, true);
        }
        blk = blk_new_open(filename, NULL, options, flags, &err);
    }
    if (!blk) {
        error_prepend(&err, "Could not open '%s': ", filename);
        error_report_err(err);
        return NULL;
    }
    blk_set_enable_write_cache(blk, !writethrough);
    return blk;
}

int img_parse_output_format(const char *arg)
{
    if (!arg || !strcmp(arg, "human")) {
        return OFORMAT_HUMAN;
    }
    if (!strcmp(arg, "json")) {
        return OFORMAT_JSON;
    }
    error_report("--output must be used with human or json as argument.");
    return -1;
}

/* ------------------------------------------------------------------ */
/* info */

static QDict *img_collect_info(BlockDriverState *bs, Error **errp)
{
    QDict *info;
    BlockDriverInfo bdi;
    int64_t size, actual;

    bdrv_refresh_filename(bs);
    size = bdrv_getlength(bs);
    if (size < 0) {
        error_setg_errno(errp, -size, "Can't get image size '%s'",
                         bs->exact_filename);
        return NULL;
    }
    actual = bdrv_get_allocated_file_size(bs);

    info = qdict_new();
    qdict_put_str(info, "filename", bs->filename);
    qdict_put_str(info, "format", bdrv_get_format_name(bs));
    /* QEMU reports the dirty flag only where bdrv_get_info() answers. */
    if (bdrv_get_info(bs, &bdi) == 0) {
        qdict_put_bool(info, "dirty-flag", bdi.is_dirty);
    }
    if (actual >= 0) {
        qdict_put_int(info, "actual-size", actual);
    }
    qdict_put_int(info, "virtual-size", size);
    return info;
}

static void img_dump_info_human(QDict *info)
{
    int64_t vsize = qdict_get_try_int(info, "virtual-size", 0);
    g_autofree char *vstr = qemu_size_to_str(vsize);
    g_autofree char *dstr = NULL;

    if (qdict_haskey(info, "actual-size")) {
        dstr = qemu_size_to_str(qdict_get_try_int(info, "actual-size", 0));
    } else {
        dstr = g_strdup("unavailable");
    }
    printf("image: %s\n"
           "file format: %s\n"
           "virtual size: %s (%" PRId64 " bytes)\n"
           "disk size: %s\n",
           qdict_get_str(info, "filename"), qdict_get_str(info, "format"),
           vstr, vsize, dstr);
}

static int img_info(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, OPTION_OUTPUT},
        {"backing-chain", no_argument, NULL, OPTION_BACKING_CHAIN},
        {"object", required_argument, NULL, OPTION_OBJECT},
        {"image-opts", no_argument, NULL, OPTION_IMAGE_OPTS},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0}
    };
    ImgCommonOpts o = { .fmt = NULL };
    const char *output = NULL, *filename;
    bool chain = false;
    int oformat;
    BlockBackend *blk;
    QDict *info;
    Error *err = NULL;
    int c;

    for (;;) {
        c = getopt_long(argc, argv, ":f:hU", long_options, NULL);
        if (c == -1) {
            break;
        }
        if (img_common_option(c, argv, &o)) {
            continue;
        }
        switch (c) {
        case OPTION_OUTPUT:
            output = optarg;
            break;
        case OPTION_BACKING_CHAIN:
            chain = true;
            break;
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    filename = argv[optind];
    oformat = img_parse_output_format(output);
    if (oformat < 0) {
        return 1;
    }

    blk = img_open(o.image_opts, filename, o.fmt,
                   BDRV_O_NO_BACKING | BDRV_O_NO_IO, false, o.force_share);
    if (!blk) {
        return 1;
    }
    info = img_collect_info(blk_bs(blk), &err);
    blk_unref(blk);
    if (!info) {
        error_report_err(err);
        return 1;
    }

    if (oformat == OFORMAT_JSON) {
        QObject *top = info;
        g_autofree char *str = NULL;

        if (chain) {
            /* No format of ours has a backing file: a chain of one. */
            top = json_array();
            json_array_append_new(top, info);
        }
        str = qobject_to_json_qemu_pretty(top);
        printf("%s\n", str);
        qobject_unref(top);
    } else {
        img_dump_info_human(info);
        qobject_unref(info);
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* map */

typedef struct MapEntry {
    int64_t start;
    int64_t length;
    int64_t offset;
    int64_t depth;
    bool has_offset;
    bool present;
    bool zero;
    bool data;
    const char *filename;   /* NULL when there is no valid offset */
} MapEntry;

static int map_get_status(BlockDriverState *bs, int64_t offset,
                          int64_t bytes, MapEntry *e)
{
    BlockDriverState *file = NULL;
    int64_t pnum = 0, map = 0;
    int ret;

    ret = bdrv_block_status(bs, offset, bytes, &pnum, &map, &file);
    if (ret < 0) {
        return ret;
    }
    assert(pnum > 0);
    if (!(ret & (BDRV_BLOCK_ZERO | BDRV_BLOCK_DATA))) {
        /* Neither data nor zeroes, and no backing file to look into. */
        ret = 0;
    }

    *e = (MapEntry) {
        .start = offset,
        .length = pnum,
        .depth = 0,         /* no backing files: everything is at depth 0 */
        .present = !!(ret & BDRV_BLOCK_ALLOCATED),
        .zero = !!(ret & BDRV_BLOCK_ZERO),
        .data = !!(ret & BDRV_BLOCK_DATA),
        .has_offset = !!(ret & BDRV_BLOCK_OFFSET_VALID),
        .offset = map,
    };
    if (e->has_offset && file) {
        bdrv_refresh_filename(file);
        e->filename = file->filename;
    }
    return 0;
}

static bool map_mergeable(const MapEntry *a, const MapEntry *b)
{
    if (a->length == 0 || a->zero != b->zero || a->data != b->data ||
        a->depth != b->depth || a->present != b->present ||
        a->has_offset != b->has_offset ||
        !a->filename != !b->filename) {
        return false;
    }
    if (a->filename && strcmp(a->filename, b->filename)) {
        return false;
    }
    return !a->has_offset || a->offset + a->length == b->offset;
}

static int map_dump(int oformat, const MapEntry *e, bool more)
{
    if (oformat == OFORMAT_HUMAN) {
        if (e->data && !e->has_offset) {
            error_report("File contains external, encrypted or compressed "
                         "clusters.");
            return -1;
        }
        /* Only data is listed; holes and zeroes are left out. */
        if (e->data && !e->zero) {
            printf("%#-16" PRIx64 "%#-16" PRIx64 "%#-16" PRIx64 "%s\n",
                   (uint64_t)e->start, (uint64_t)e->length,
                   (uint64_t)(e->has_offset ? e->offset : 0),
                   e->filename ? e->filename : "");
        }
        return 0;
    }
    printf("{ \"start\": %" PRId64 ", \"length\": %" PRId64 ", "
           "\"depth\": %" PRId64 ", \"present\": %s, \"zero\": %s, "
           "\"data\": %s", e->start, e->length, e->depth,
           e->present ? "true" : "false", e->zero ? "true" : "false",
           e->data ? "true" : "false");
    if (e->has_offset) {
        printf(", \"offset\": %" PRId64, e->offset);
    }
    putchar('}');
    if (more) {
        puts(",");
    }
    return 0;
}

static int img_map(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, OPTION_OUTPUT},
        {"object", required_argument, NULL, OPTION_OBJECT},
        {"image-opts", no_argument, NULL, OPTION_IMAGE_OPTS},
        {"force-share", no_argument, NULL, 'U'},
        {"start-offset", required_argument, NULL, 's'},
        {"max-length", required_argument, NULL, 'l'},
        {NULL, 0, NULL, 0}
    };
    ImgCommonOpts o = { .fmt = NULL };
    const char *output = NULL, *filename;
    int64_t start_offset = 0, max_length = -1, length;
    int oformat;
    BlockBackend *blk;
    BlockDriverState *bs;
    MapEntry curr = { .length = 0 }, next;
    int c, ret = 0;

    for (;;) {
        c = getopt_long(argc, argv, ":f:hU", long_options, NULL);
        if (c == -1) {
            break;
        }
        if (img_common_option(c, argv, &o)) {
            continue;
        }
        switch (c) {
        case OPTION_OUTPUT:
            output = optarg;
            break;
        case 's':
            start_offset = cvtnum_full("start offset", optarg, 0, INT64_MAX);
            if (start_offset < 0) {
                return 1;
            }
            break;
        case 'l':
            max_length = cvtnum_full("max length", optarg, 0, INT64_MAX);
            if (max_length < 0) {
                return 1;
            }
            break;
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    filename = argv[optind];
    oformat = img_parse_output_format(output);
    if (oformat < 0) {
        return 1;
    }

    blk = img_open(o.image_opts, filename, o.fmt, 0, false, o.force_share);
    if (!blk) {
        return 1;
    }
    bs = blk_bs(blk);

    if (oformat == OFORMAT_HUMAN) {
        printf("%-16s%-16s%-16s%s\n", "Offset", "Length", "Mapped to", "File");
    } else {
        putchar('[');
    }

    length = blk_getlength(blk);
    if (length < 0) {
        error_report("Failed to get size for '%s'", filename);
        ret = 1;
        goto out;
    }
    if (max_length != -1) {
        /* As QEMU, the end may wrap negative: then nothing is mapped. */
        length = MIN((int64_t)((uint64_t)start_offset + max_length), length);
    }

    curr.start = start_offset;
    while (curr.start + curr.length < length) {
        int64_t offset = curr.start + curr.length;

        ret = map_get_status(bs, offset, length - offset, &next);
        if (ret < 0) {
            error_report("Could not read file metadata: %s", strerror(-ret));
            ret = 1;
            goto out;
        }
        if (map_mergeable(&curr, &next)) {
            curr.length += next.length;
            continue;
        }
        if (curr.length > 0 && map_dump(oformat, &curr, true) < 0) {
            ret = 1;
            goto out;
        }
        curr = next;
    }
    ret = map_dump(oformat, &curr, false) < 0 ? 1 : 0;

out:
    if (oformat == OFORMAT_JSON) {
        puts("]");
    }
    blk_unref(blk);
    return ret;
}

/* ------------------------------------------------------------------ */
/* compare */

#define COMPARE_BUF_SIZE (2 * MiB)

void img_progress_print(ImgProgress *p, float delta, int max)
{
    float current;

    if (!p->enabled) {
        return;
    }
    /* Float arithmetic as QEMU's, so that the printed values agree. */
    current = max == 0 ? delta : p->current + delta / 100 * max;
    p->current = current = MIN(current, 100.0f);
    if (current > p->last_print + p->min_skip ||
        current < p->last_print - p->min_skip ||
        current == 0.0f || current == 100.0f) {
        p->last_print = current;
        printf("    (%3.2f/100%%)\r", current);
        fflush(stdout);
    }
}

void img_progress_end(ImgProgress *p)
{
    if (p->enabled) {
        printf("\n");
    }
}

/*
 * Length of the prefix of @a/@b (in 512-byte steps) that compares the
 * same way as the first sector; returns whether that prefix differs.
 */
static bool compare_sectors(const uint8_t *a, const uint8_t *b, int64_t bytes,
                            int64_t *pnum)
{
    int64_t i = MIN(bytes, (int64_t)BDRV_SECTOR_SIZE);
    bool differ = memcmp(a, b, i) != 0;

    while (i < bytes) {
        int64_t len = MIN(bytes - i, (int64_t)BDRV_SECTOR_SIZE);

        if ((memcmp(a + i, b + i, len) != 0) != differ) {
            break;
        }
        i += len;
    }
    *pnum = i;
    return differ;
}

/* Offset of the first 512-byte block that holds a non-zero byte, or -1. */
static int64_t find_nonzero_sector(const uint8_t *buf, int64_t bytes)
{
    int64_t i;

    for (i = 0; i < bytes; i += BDRV_SECTOR_SIZE) {
        if (!buffer_is_zero(buf + i, MIN(bytes - i,
                                         (int64_t)BDRV_SECTOR_SIZE))) {
            return i;
        }
    }
    return -1;
}

/* The two images of qemu-img compare and what the walk over them needs. */
typedef struct ImgCompare {
    BlockBackend *blk[2];
    const char *filename[2];
    uint8_t *buf[2];
    bool quiet;
    bool strict;
    ImgProgress progress;
    double base;                /* larger size: 100 % of the progress */
} ImgCompare;

static int compare_read(ImgCompare *cmp, int i, int64_t offset,
                        int64_t bytes)
{
    int ret = blk_pread(cmp->blk[i], offset, bytes, cmp->buf[i], 0);

    if (ret < 0) {
        error_report("Error while reading offset %" PRId64 " of %s: %s",
                     offset, cmp->filename[i], strerror(-ret));
        return 4;
    }
    return 0;
}

/* Image @i must read as zeroes in the range: 0, 1 if not, 4 on error. */
static int check_empty(ImgCompare *cmp, int i, int64_t offset,
                       int64_t bytes)
{
    int64_t idx;
    int ret = compare_read(cmp, i, offset, bytes);

    if (ret) {
        return ret;
    }
    idx = find_nonzero_sector(cmp->buf[i], bytes);
    if (idx >= 0) {
        if (!cmp->quiet) {
            printf("Content mismatch at offset %" PRId64 "!\n", offset + idx);
        }
        return 1;
    }
    return 0;
}

/* Block status of image @i without where its data lives; 3 on error. */
static int compare_status(ImgCompare *cmp, int i, int64_t offset,
                          int64_t bytes, int64_t *pnum)
{
    BlockDriverState *file;
    int64_t map;
    int ret = bdrv_block_status(blk_bs(cmp->blk[i]), offset, bytes, pnum,
                                &map, &file);

    if (ret < 0) {
        error_report("Sector allocation test failed for %s",
                     cmp->filename[i]);
        return -1;
    }
    return ret & ~(BDRV_BLOCK_OFFSET_VALID | BDRV_BLOCK_RAW);
}

/* Both allocated: the bytes must be equal. */
static int compare_data(ImgCompare *cmp, int64_t offset, int64_t chunk)
{
    int64_t same;
    bool differ;
    int ret;

    ret = compare_read(cmp, 0, offset, chunk);
    if (!ret) {
        ret = compare_read(cmp, 1, offset, chunk);
    }
    if (ret) {
        return ret;
    }
    differ = compare_sectors(cmp->buf[0], cmp->buf[1], chunk, &same);
    if (differ || same != chunk) {
        if (!cmp->quiet) {
            printf("Content mismatch at offset %" PRId64 "!\n",
                   offset + (differ ? 0 : same));
        }
        return 1;
    }
    return 0;
}

/* The range both images have: qemu-img compare's exit status, or 0. */
static int compare_common(ImgCompare *cmp, int64_t total)
{
    int64_t offset = 0;

    while (offset < total) {
        int64_t pnum1, pnum2, chunk;
        int st1, st2, ret = 0;
        bool alloc1, alloc2, both_zero;

        st1 = compare_status(cmp, 0, offset, total - offset, &pnum1);
        if (st1 < 0) {
            return 3;
        }
        st2 = compare_status(cmp, 1, offset, total - offset, &pnum2);
        if (st2 < 0) {
            return 3;
        }
        alloc1 = st1 & BDRV_BLOCK_ALLOCATED;
        alloc2 = st2 & BDRV_BLOCK_ALLOCATED;
        chunk = MIN(pnum1, pnum2);

        if (cmp->strict && st1 != st2) {
            if (!cmp->quiet) {
                printf("Strict mode: Offset %" PRId64
                       " block status mismatch!\n", offset);
            }
            return 1;
        }
        /* Where both read as zeroes there is nothing to read. */
        both_zero = (st1 & BDRV_BLOCK_ZERO) && (st2 & BDRV_BLOCK_ZERO);
        if (!both_zero && alloc1 && alloc2) {
            chunk = MIN(chunk, COMPARE_BUF_SIZE);
            ret = compare_data(cmp, offset, chunk);
        } else if (!both_zero && alloc1 != alloc2) {
            /* One side is unallocated: the other must read as zeroes. */
            chunk = MIN(chunk, COMPARE_BUF_SIZE);
            ret = check_empty(cmp, alloc1 ? 0 : 1, offset, chunk);
        }
        if (ret) {
            return ret;
        }
        offset += chunk;
        img_progress_print(&cmp->progress, chunk / cmp->base * 100, 100);
    }
    return 0;
}

/* Past the end of the smaller image @i's partner must read as zeroes. */
static int compare_tail(ImgCompare *cmp, int i, int64_t offset, int64_t end)
{
    if (!cmp->quiet) {
        printf("Warning: Image size mismatch!\n");
    }
    while (offset < end) {
        int64_t chunk;
        int st = compare_status(cmp, i, offset, end - offset, &chunk);

        if (st < 0) {
            return 3;
        }
        if (st & BDRV_BLOCK_ALLOCATED) {
            int ret;

            chunk = MIN(chunk, COMPARE_BUF_SIZE);
            ret = check_empty(cmp, i, offset, chunk);
            if (ret) {
                return ret;
            }
        }
        offset += chunk;
        img_progress_print(&cmp->progress, chunk / cmp->base * 100, 100);
    }
    return 0;
}

static int img_compare(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"object", required_argument, NULL, OPTION_OBJECT},
        {"image-opts", no_argument, NULL, OPTION_IMAGE_OPTS},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0}
    };
    ImgCommonOpts o = { .fmt = NULL };
    const char *fmt2 = NULL, *cache = BDRV_DEFAULT_CACHE;
    bool writethrough = false;
    ImgCompare cmp = { .progress = { .enabled = false, .min_skip = 2.0f } };
    int64_t size1, size2;
    int flags = 0, c, ret;

    for (;;) {
        c = getopt_long(argc, argv, ":hf:F:T:pqsU", long_options, NULL);
        if (c == -1) {
            break;
        }
        if (img_common_option(c, argv, &o)) {
            continue;
        }
        switch (c) {
        case 'F':
            fmt2 = optarg;
            break;
        case 'T':
            cache = optarg;
            break;
        case 'p':
            cmp.progress.enabled = true;
            break;
        case 'q':
            cmp.quiet = true;
            break;
        case 's':
            cmp.strict = true;
            break;
        }
    }
    if (cmp.quiet) {
        cmp.progress.enabled = false;
    }
    if (optind != argc - 2) {
        img_error_exit("Expecting two image file names");
    }
    cmp.filename[0] = argv[optind];
    cmp.filename[1] = argv[optind + 1];

    if (bdrv_parse_cache_mode(cache, &flags, &writethrough) < 0) {
        error_report("Invalid source cache option: %s", cache);
        ret = 2;
        goto out;
    }
    /* -f names the first image's format, -F the second's. */
    cmp.blk[0] = img_open(o.image_opts, cmp.filename[0], o.fmt, flags,
                          writethrough, o.force_share);
    if (!cmp.blk[0]) {
        ret = 2;
        goto out;
    }
    cmp.blk[1] = img_open(o.image_opts, cmp.filename[1], fmt2, flags,
                          writethrough, o.force_share);
    if (!cmp.blk[1]) {
        ret = 2;
        goto out;
    }
    cmp.buf[0] = qemu_blockalign(blk_bs(cmp.blk[0]), COMPARE_BUF_SIZE);
    cmp.buf[1] = qemu_blockalign(blk_bs(cmp.blk[1]), COMPARE_BUF_SIZE);

    size1 = blk_getlength(cmp.blk[0]);
    if (size1 < 0) {
        error_report("Can't get size of %s: %s", cmp.filename[0],
                     strerror(-size1));
        ret = 4;
        goto out;
    }
    size2 = blk_getlength(cmp.blk[1]);
    if (size2 < 0) {
        error_report("Can't get size of %s: %s", cmp.filename[1],
                     strerror(-size2));
        ret = 4;
        goto out;
    }
    cmp.base = MAX(size1, size2);
    img_progress_print(&cmp.progress, 0, 100);

    if (cmp.strict && size1 != size2) {
        if (!cmp.quiet) {
            printf("Strict mode: Image size mismatch!\n");
        }
        ret = 1;
        goto out;
    }
    ret = compare_common(&cmp, MIN(size1, size2));
    if (!ret && size1 != size2) {
        ret = compare_tail(&cmp, size1 > size2 ? 0 : 1, MIN(size1, size2),
                           MAX(size1, size2));
    }
    if (!ret && !cmp.quiet) {
        printf("Images are identical.\n");
    }

out:
    qemu_vfree(cmp.buf[0]);
    qemu_vfree(cmp.buf[1]);
    if (cmp.blk[1]) {
        blk_unref(cmp.blk[1]);
    }
    if (cmp.blk[0]) {
        blk_unref(cmp.blk[0]);
    }
    img_progress_end(&cmp.progress);
    return ret;
}

/* ------------------------------------------------------------------ */
/* check: no driver of ours implements consistency checks */

static int img_check(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"format", required_argument, NULL, 'f'},
        {"repair", required_argument, NULL, 'r'},
        {"output", required_argument, NULL, OPTION_OUTPUT},
        {"object", required_argument, NULL, OPTION_OBJECT},
        {"image-opts", no_argument, NULL, OPTION_IMAGE_OPTS},
        {"force-share", no_argument, NULL, 'U'},
        {NULL, 0, NULL, 0}
    };
    ImgCommonOpts o = { .fmt = NULL };
    const char *output = NULL, *cache = BDRV_DEFAULT_CACHE;
    bool writethrough = false;
    BlockBackend *blk;
    int flags = 0, c;

    for (;;) {
        c = getopt_long(argc, argv, ":hf:r:T:qU", long_options, NULL);
        if (c == -1) {
            break;
        }
        if (img_common_option(c, argv, &o)) {
            continue;
        }
        switch (c) {
        case 'r':
            flags |= BDRV_O_RDWR;
            if (strcmp(optarg, "leaks") && strcmp(optarg, "all")) {
                img_error_exit("Unknown option value for -r (expecting "
                               "'leaks' or 'all'): %s", optarg);
            }
            break;
        case OPTION_OUTPUT:
            output = optarg;
            break;
        case 'T':
            cache = optarg;
            break;
        case 'q':
            break;
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    if (img_parse_output_format(output) < 0) {
        return 1;
    }
    if (bdrv_parse_cache_mode(cache, &flags, &writethrough) < 0) {
        error_report("Invalid source cache option: %s", cache);
        return 1;
    }
    blk = img_open(o.image_opts, argv[optind], o.fmt, flags, writethrough,
                   o.force_share);
    if (!blk) {
        return 1;
    }
    blk_unref(blk);
    error_report("This image format does not support checks");
    return 63;
}

/* ------------------------------------------------------------------ */
/* resize */

static int img_resize(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"object", required_argument, NULL, OPTION_OBJECT},
        {"image-opts", no_argument, NULL, OPTION_IMAGE_OPTS},
        {"preallocation", required_argument, NULL, OPTION_PREALLOCATION},
        {"shrink", no_argument, NULL, OPTION_SHRINK},
        {NULL, 0, NULL, 0}
    };
    ImgCommonOpts o = { .fmt = NULL };
    const char *size, *filename, *prealloc = "off";
    bool quiet = false, shrink = false;
    BlockBackend *blk = NULL;
    Error *err = NULL;
    uint64_t n;
    int64_t current, total;
    int relative = 0, c, ret = 1;

    /* The size comes last and may be "-1M": keep it away from getopt. */
    if (argc < 3) {
        img_error_exit("Not enough arguments");
    }
    size = argv[--argc];

    for (;;) {
        c = getopt_long(argc, argv, ":f:hq", long_options, NULL);
        if (c == -1) {
            break;
        }
        if (img_common_option(c, argv, &o)) {
            continue;
        }
        switch (c) {
        case 'q':
            quiet = true;
            break;
        case OPTION_PREALLOCATION:
            if (qapi_enum_lookup(PreallocMode_str, PREALLOC_MODE__MAX,
                                 optarg) < 0) {
                error_report("Invalid preallocation mode '%s'", optarg);
                return 1;
            }
            prealloc = optarg;
            break;
        case OPTION_SHRINK:
            shrink = true;
            break;
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting image file name and size");
    }
    filename = argv[optind];

    if (size[0] == '+' || size[0] == '-') {
        relative = size[0] == '+' ? 1 : -1;
        size++;
    }
    if (!qemu_parse_size("size", size, &n, &err)) {
        error_report_err(err);
        return 1;
    }

    blk = img_open(o.image_opts, filename, o.fmt, BDRV_O_RDWR | BDRV_O_RESIZE,
                   false, false);
    if (!blk) {
        return 1;
    }
    current = blk_getlength(blk);
    if (current < 0) {
        error_report("Failed to inquire current image length: %s",
                     strerror(-current));
        goto out;
    }
    /* Unsigned arithmetic: wraps like QEMU's without undefined behaviour. */
    total = relative ? (int64_t)((uint64_t)current + n * (uint64_t)relative)
                     : (int64_t)n;
    if (total <= 0) {
        error_report("New image size must be positive");
        goto out;
    }
    if (total <= current && strcmp(prealloc, "off")) {
        error_report("Preallocation can only be used for growing images");
        goto out;
    }
    if (total < current && !shrink) {
        error_report("Use the --shrink option to perform a shrink operation.");
        warn_report("Shrinking an image will delete all data beyond the "
                    "shrunken image's end. Before performing such an "
                    "operation, make sure there is no important data "
                    "there.");
        goto out;
    }
    if (strcmp(prealloc, "off")) {
        /* blk_truncate() has no preallocation mode (yet). */
        error_report("Unsupported preallocation mode: %s", prealloc);
        goto out;
    }
    if (blk_truncate(blk, total, true, &err) < 0) {
        error_report_err(err);
        goto out;
    }
    if (!quiet) {
        printf("Image resized.\n");
    }
    ret = 0;

out:
    blk_unref(blk);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Commands we do not implement */

static int img_unsupported(int argc, char **argv)
{
    error_report("Command '%s' is not implemented", argv[0]);
    return 1;
}

typedef struct ImgCmd {
    const char *name;
    int (*handler)(int argc, char **argv);
} ImgCmd;

static const ImgCmd img_cmds[] = {
    { "amend", img_unsupported },
    { "bench", img_bench },
    { "bitmap", img_unsupported },
    { "check", img_check },
    { "commit", img_unsupported },
    { "compare", img_compare },
    { "convert", img_convert },
    { "create", img_create },
    { "dd", img_unsupported },
    { "info", img_info },
    { "map", img_map },
    { "measure", img_unsupported },
    { "quorum-check", img_quorum_check },       /* ours */
    { "snapshot", img_unsupported },
    { "rebase", img_unsupported },
    { "resize", img_resize },
    { NULL, NULL },
};

int main(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"trace", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0}
    };
    const ImgCmd *cmd;
    const char *cmdname;
    int c;

    error_set_progname(argv[0]);
    qemu_init_main_loop();
    bdrv_init();

    if (argc < 2) {
        img_error_exit("Not enough arguments");
    }

    /* '+': options after the command name belong to the command. */
    for (;;) {
        c = getopt_long(argc, argv, "+:hVT:", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case ':':
        case '?':
            img_bad_option(c, argv);
        case 'h':
            img_help();
        case 'V':
            print_version();
            return 0;
        case 'T':
            /* Tracing is not implemented; accept the option and go on. */
            break;
        }
    }
    if (optind >= argc) {
        img_error_exit("Not enough arguments");
    }

    cmdname = argv[optind];
    /* The command parses from its own name on; optind 0 resets getopt. */
    argc -= optind;
    argv += optind;
    optind = 0;

    for (cmd = img_cmds; cmd->name; cmd++) {
        if (!strcmp(cmdname, cmd->name)) {
            int ret = cmd->handler(argc, argv);

            fflush(stdout);
            return ret;
        }
    }
    img_error_exit("Command not found: %s", cmdname);
}
