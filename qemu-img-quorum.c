/*
 * qemu-img quorum-check (ours): scrub a quorum of images that no daemon
 * holds, with the same core as the x-quorum-scrub job, and report the
 * bad ranges of each child.  See docs/qemu-img.md for the exit codes:
 * 0 clean, 2 bad ranges that all had a majority (repaired with
 * --repair), 3 ranges without a majority or repairs that failed,
 * 1 usage and open errors.
 */
#include "qemu/osdep.h"
#include <getopt.h>
#include "qemu-img.h"
#include "block/quorum.h"
#include "qemu/main-loop.h"

#define QC_CHUNK (1 * MiB)

typedef struct QuorumCheckCo {
    BlockDriverState *bs;
    int64_t offset;
    int64_t bytes;
    bool repair;
    QuorumScrubResult *res;
    int ret;
    bool done;
} QuorumCheckCo;

static void coroutine_fn quorum_check_entry(void *opaque)
{
    QuorumCheckCo *c = opaque;

    do {
        c->ret = quorum_co_scrub(c->bs, c->offset, c->bytes, c->repair,
                                 c->res);
    } while (c->ret == -EAGAIN);    /* nobody else writes: cannot last */
    c->done = true;
}

static void quorum_check_usage(void)
{
    printf("Usage: qemu-img quorum-check [--repair] [-p] "
           "[--output=human|json]\n"
           "                            [--object OBJECTDEF] "
           "[--image-opts] FILENAME\n"
           "\n"
           "Reads every block of every child of the quorum FILENAME "
           "(quorum options\n"
           "with --image-opts, or a json: filename), votes on each, and "
           "reports the\n"
           "ranges where a child lost the vote or could not be read.  "
           "--repair rewrites\n"
           "them with the majority's data.  Exit codes: 0 clean, 2 bad "
           "ranges found\n"
           "(all repaired with --repair), 3 ranges without a majority or "
           "failed repairs,\n"
           "1 other errors.\n");
    exit(0);
}

/* Merge @f into @list (ranges of one child arrive in offset order). */
static void add_range(GArray *list, const QuorumScrubFinding *f)
{
    if (list->len) {
        QuorumScrubFinding *last = &g_array_index(list, QuorumScrubFinding,
                                                  list->len - 1);

        if (last->offset + last->bytes == f->offset &&
            last->err == f->err && last->repaired == f->repaired) {
            last->bytes += f->bytes;
            return;
        }
    }
    g_array_append_val(list, *f);
}

static void print_human(BlockDriverState *bs, int64_t len, GArray **found,
                        GArray *no_majority, bool repair)
{
    int n = quorum_num_children(bs);

    printf("Quorum '%s': %d children, %" PRId64 " bytes checked\n",
           bdrv_get_device_or_node_name(bs), n, len);
    for (int i = 0; i < n; i++) {
        BdrvChild *c = quorum_get_child(bs, i);
        int64_t total = 0;

        for (guint k = 0; k < found[i]->len; k++) {
            total += g_array_index(found[i], QuorumScrubFinding, k).bytes;
        }
        printf("%s (%s): %u bad ranges, %" PRId64 " bytes\n", c->name,
               bdrv_get_node_name(c->bs), found[i]->len, total);
        for (guint k = 0; k < found[i]->len; k++) {
            QuorumScrubFinding *f = &g_array_index(found[i],
                                                   QuorumScrubFinding, k);

            printf("  offset %" PRId64 " length %" PRId64 ": %s%s\n",
                   f->offset, f->bytes,
                   f->err ? strerror(f->err) : "lost the vote",
                   !repair ? "" : f->repaired ? ", repaired" :
                   ", not repaired");
        }
    }
    for (guint k = 0; k < no_majority->len; k++) {
        QuorumScrubRange *r = &g_array_index(no_majority, QuorumScrubRange,
                                             k);

        printf("No majority: offset %" PRId64 " length %" PRId64 "\n",
               r->offset, r->bytes);
    }
}

static void print_json(BlockDriverState *bs, int64_t len, GArray **found,
                       GArray *no_majority, bool repair, const char *result)
{
    int n = quorum_num_children(bs);
    QDict *out = qdict_new();
    QList *children = json_array();
    QList *none = json_array();
    g_autofree char *text = NULL;

    qdict_put_str(out, "node", bdrv_get_device_or_node_name(bs));
    qdict_put_int(out, "length", len);
    for (int i = 0; i < n; i++) {
        BdrvChild *c = quorum_get_child(bs, i);
        QDict *d = qdict_new();
        QList *ranges = json_array();

        qdict_put_str(d, "child", c->name);
        qdict_put_str(d, "node-name", bdrv_get_node_name(c->bs));
        for (guint k = 0; k < found[i]->len; k++) {
            QuorumScrubFinding *f = &g_array_index(found[i],
                                                   QuorumScrubFinding, k);
            QDict *r = qdict_new();

            qdict_put_int(r, "offset", f->offset);
            qdict_put_int(r, "length", f->bytes);
            if (f->err) {
                qdict_put_str(r, "error", strerror(f->err));
            }
            if (repair) {
                qdict_put_bool(r, "repaired", f->repaired);
            }
            json_array_append_new(ranges, r);
        }
        qdict_put_obj(d, "bad-ranges", ranges);
        json_array_append_new(children, d);
    }
    qdict_put_obj(out, "children", children);
    for (guint k = 0; k < no_majority->len; k++) {
        QuorumScrubRange *r = &g_array_index(no_majority, QuorumScrubRange,
                                             k);
        QDict *d = qdict_new();

        qdict_put_int(d, "offset", r->offset);
        qdict_put_int(d, "length", r->bytes);
        json_array_append_new(none, d);
    }
    qdict_put_obj(out, "no-majority", none);
    qdict_put_str(out, "result", result);
    text = qobject_to_json_qemu_pretty((QObject *)out);
    printf("%s\n", text);
    qobject_unref(out);
}

int img_quorum_check(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"repair", no_argument, NULL, 'r'},
        {"output", required_argument, NULL, OPTION_OUTPUT},
        {"object", required_argument, NULL, OPTION_OBJECT},
        {"image-opts", no_argument, NULL, OPTION_IMAGE_OPTS},
        {NULL, 0, NULL, 0}
    };
    ImgCommonOpts o = { .fmt = NULL };
    ImgProgress progress = { .min_skip = 1.0f };
    const char *output = NULL;
    g_autoptr(GArray) no_majority = NULL;
    GArray **found = NULL;
    bool repair = false, failed_repair = false, bad = false;
    BlockBackend *blk;
    BlockDriverState *bs;
    int64_t len;
    int c, n, oformat, ret = 1;
    const char *result;

    for (;;) {
        c = getopt_long(argc, argv, ":hp", long_options, NULL);
        if (c == -1) {
            break;
        }
        if (c == 'h') {
            quorum_check_usage();
        }
        if (img_common_option(c, argv, &o)) {
            continue;
        }
        switch (c) {
        case 'r':
            repair = true;
            break;
        case 'p':
            progress.enabled = true;
            break;
        case OPTION_OUTPUT:
            output = optarg;
            break;
        }
    }
    if (optind != argc - 1) {
        img_error_exit("Expecting one image file name");
    }
    oformat = img_parse_output_format(output);
    if (oformat < 0) {
        return 1;
    }
    if (oformat == OFORMAT_JSON) {
        progress.enabled = false;       /* stdout is the report */
    }
    blk = img_open(o.image_opts, argv[optind], NULL,
                   repair ? BDRV_O_RDWR : 0, false, false);
    if (!blk) {
        return 1;
    }
    bs = blk_bs(blk);
    if (!quorum_is_quorum(bs)) {
        error_report("Image '%s' is not a quorum (driver '%s')",
                     argv[optind], bs->drv ? bs->drv->format_name : "none");
        goto out;
    }
    len = bdrv_getlength(bs);
    if (len < 0) {
        error_report("Could not get the length of '%s': %s", argv[optind],
                     strerror(-len));
        goto out;
    }
    n = quorum_num_children(bs);
    found = g_new(GArray *, n);
    for (int i = 0; i < n; i++) {
        found[i] = g_array_new(false, false, sizeof(QuorumScrubFinding));
    }
    no_majority = g_array_new(false, false, sizeof(QuorumScrubRange));
    img_progress_print(&progress, 0, 100);
    for (int64_t offset = 0; offset < len; offset += QC_CHUNK) {
        QuorumScrubResult res = {
            .findings = g_array_new(false, false, sizeof(QuorumScrubFinding)),
            .no_majority = no_majority,
        };
        QuorumCheckCo co = {
            .bs = bs, .offset = offset, .bytes = MIN(QC_CHUNK, len - offset),
            .repair = repair, .res = &res,
        };

        qemu_coroutine_enter(qemu_coroutine_create(quorum_check_entry, &co));
        AIO_WAIT_WHILE(!co.done);
        for (guint k = 0; k < res.findings->len; k++) {
            QuorumScrubFinding *f = &g_array_index(res.findings,
                                                   QuorumScrubFinding, k);

            add_range(found[f->child], f);
            bad = true;
            failed_repair |= repair && !f->repaired;
        }
        g_array_free(res.findings, true);
        if (co.ret < 0) {
            img_progress_end(&progress);
            error_report("Could not read offset %" PRId64 " of any child: %s",
                         offset, strerror(-co.ret));
            ret = 3;
            goto out;
        }
        img_progress_print(&progress, (float)co.bytes / len * 100, 100);
    }
    img_progress_end(&progress);
    if (no_majority->len || failed_repair) {
        ret = 3;
        result = "unrecoverable";
    } else if (bad) {
        ret = 2;
        result = repair ? "repaired" : "repairable";
    } else {
        ret = 0;
        result = "clean";
    }
    if (oformat == OFORMAT_JSON) {
        print_json(bs, len, found, no_majority, repair, result);
    } else {
        print_human(bs, len, found, no_majority, repair);
        printf("Result: %s\n", result);
    }
out:
    for (int i = 0; found && i < quorum_num_children(bs); i++) {
        g_array_free(found[i], true);
    }
    g_free(found);
    blk_unref(blk);
    return ret;
}
