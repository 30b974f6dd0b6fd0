/*
 * qemu-img create: format an image with creation options (-o).
 *
 * The options of the format driver and of the protocol driver under it
 * are merged into one list, validated, echoed in the "Formatting" line
 * and handed to bdrv_create().
 */
#include "qemu/osdep.h"
#include <getopt.h>
#include "qapi/error.h"
#include "qemu/qdict.h"
#include "qemu/option.h"
#include "block/block_int.h"
#include "qemu-img.h"

/*
 * A -o argument must be non-empty, must not start with a comma and may
 * only end in escaped commas (",,").
 */
static bool option_list_is_valid(const char *s)
{
    size_t len = strlen(s), i;

    if (!s[0] || s[0] == ',') {
        return false;
    }
    for (i = len; i > 0 && s[i - 1] == ','; i--) {
        /* count trailing commas */
    }
    return (len - i) % 2 == 0;
}

bool img_accumulate_options(GString **options, const char *arg)
{
    if (!option_list_is_valid(arg)) {
        error_report("Invalid option list: %s", arg);
        return false;
    }
    if (!*options) {
        *options = g_string_new(arg);
    } else {
        g_string_append_printf(*options, ",%s", arg);
    }
    return true;
}

/* Append @descs to @merged, skipping names already present. */
static void merge_descs(GArray *merged, const QemuOptDesc *descs)
{
    for (; descs && descs->name; descs++) {
        guint i;
        bool dup = false;

        for (i = 0; i < merged->len; i++) {
            if (!strcmp(g_array_index(merged, QemuOptDesc, i).name,
                        descs->name)) {
                dup = true;
                break;
            }
        }
        if (!dup) {
            g_array_append_val(merged, *descs);
        }
    }
}

static GArray *merged_descs_new(void)
{
    /* Zero-terminated: the array doubles as a QemuOptDesc table. */
    return g_array_new(true, true, sizeof(QemuOptDesc));
}

static const QemuOptDesc *find_desc(GArray *descs, const char *name)
{
    guint i;

    for (i = 0; i < descs->len; i++) {
        const QemuOptDesc *d = &g_array_index(descs, QemuOptDesc, i);
        if (!strcmp(d->name, name)) {
            return d;
        }
    }
    return NULL;
}

int img_print_create_help(const char *filename, const char *fmt)
{
    g_autoptr(GArray) descs = merged_descs_new();
    QemuOptsList list = { .name = fmt };
    BlockDriver *drv, *proto;
    Error *err = NULL;

    drv = bdrv_find_format(fmt);
    if (!drv) {
        error_report("Unknown file format '%s'", fmt);
        return 1;
    }
    if (!drv->create_opts) {
        error_report("Format driver '%s' does not support image creation",
                     fmt);
        return 1;
    }
    merge_descs(descs, drv->create_opts);
    if (filename) {
        proto = bdrv_find_protocol(filename, true, &err);
        if (!proto) {
            error_report_err(err);
            return 1;
        }
        if (!proto->create_opts) {
            error_report("Protocol driver '%s' does not support image "
                         "creation", proto->format_name);
            return 1;
        }
        merge_descs(descs, proto->create_opts);
        printf("Supported options:\n");
    } else {
        printf("Supported %s options:\n", fmt);
    }
    list.desc = (const QemuOptDesc *)descs->data;
    qemu_opts_print_help(&list, false);
    if (!filename) {
        printf("\n"
               "The protocol level may support further options.\n"
               "Specify the target filename to include those options.\n");
    }
    return 0;
}

/* String values are echoed with commas escaped, as they were typed. */
static void print_escaped(const char *s)
{
    for (; *s; s++) {
        if (*s == ',') {
            putchar(',');
        }
        putchar(*s);
    }
}

/* The "name=value ..." part of the Formatting line, in list order. */
static void print_create_opts(GArray *descs, QemuOpts *opts)
{
    const char *sep = "";
    guint i;

    for (i = 0; i < descs->len; i++) {
        const QemuOptDesc *d = &g_array_index(descs, QemuOptDesc, i);
        bool set = qemu_opt_has(opts, d->name);
        const char *value = set ? qemu_opt_get(opts, d->name)
                                : d->def_value_str;

        if (!value) {
            continue;
        }
        printf("%s%s=", sep, d->name);
        if (d->type == QEMU_OPT_STRING) {
            print_escaped(value);
        } else if (set && d->type == QEMU_OPT_SIZE) {
            printf("%" PRId64, (int64_t)qemu_opt_get_size(opts, d->name, 0));
        } else if (set && d->type == QEMU_OPT_NUMBER) {
            printf("%" PRId64, (int64_t)qemu_opt_get_number(opts, d->name, 0));
        } else {
            printf("%s", value);
        }
        sep = " ";
    }
}

/*
 * The QDict handed to bdrv_create(): every option that was set, as the
 * string given (QEMU's qemu_opts_to_qdict() does the same).
 */
static QDict *create_opts_to_qdict(GArray *descs, QemuOpts *opts)
{
    QDict *qdict = qdict_new();
    guint i;

    for (i = 0; i < descs->len; i++) {
        const QemuOptDesc *d = &g_array_index(descs, QemuOptDesc, i);

        if (qemu_opt_has(opts, d->name)) {
            qdict_put_str(qdict, d->name, qemu_opt_get(opts, d->name));
        }
    }
    return qdict;
}

struct ImgCreateOpts {
    BlockDriver *drv;
    GArray *descs;              /* format's options, then protocol's */
    QemuOptsList list;          /* over descs */
    QemuOpts *opts;
};

void img_create_opts_free(ImgCreateOpts *c)
{
    if (c) {
        qemu_opts_del(c->opts);
        g_array_free(c->descs, true);
        g_free(c);
    }
}

ImgCreateOpts *img_create_opts_new(const char *filename, const char *fmt,
                                   const char *options, Error **errp)
{
    ImgCreateOpts *c;
    BlockDriver *drv, *proto;

    drv = bdrv_find_format(fmt);
    if (!drv) {
        error_setg(errp, "Unknown file format '%s'", fmt);
        return NULL;
    }
    proto = bdrv_find_protocol(filename, true, errp);
    if (!proto) {
        return NULL;
    }
    if (!drv->create_opts) {
        error_setg(errp, "Format driver '%s' does not support image creation",
                   drv->format_name);
        return NULL;
    }
    if (!proto->create_opts) {
        error_setg(errp, "Protocol driver '%s' does not support image "
                   "creation", proto->format_name);
        return NULL;
    }

    c = g_new0(ImgCreateOpts, 1);
    c->drv = drv;
    c->descs = merged_descs_new();
    merge_descs(c->descs, drv->create_opts);
    merge_descs(c->descs, proto->create_opts);
    c->list = (QemuOptsList) {
        .name = fmt,
        .desc = (const QemuOptDesc *)c->descs->data,
    };
    c->opts = qemu_opts_create(&c->list);
    if (options && !qemu_opts_do_parse(c->opts, options, NULL, errp)) {
        img_create_opts_free(c);
        return NULL;
    }
    return c;
}

QemuOpts *img_create_opts_get(ImgCreateOpts *c)
{
    return c->opts;
}

bool img_create_opts_known(ImgCreateOpts *c, const char *name)
{
    return find_desc(c->descs, name) != NULL;
}

int img_create_opts_run(ImgCreateOpts *c, const char *filename, Error **errp)
{
    QDict *qdict = create_opts_to_qdict(c->descs, c->opts);
    int ret = bdrv_create(c->drv, filename, qdict, errp);

    qobject_unref(qdict);
    return ret;
}

static void img_do_create(const char *filename, const char *fmt,
                          const char *base_filename, const char *base_fmt,
                          const char *options, int64_t img_size, bool quiet,
                          Error **errp)
{
    ImgCreateOpts *c;
    QemuOpts *opts;
    Error *err = NULL;
    int ret;

    c = img_create_opts_new(filename, fmt, options, errp);
    if (!c) {
        return;
    }
    opts = c->opts;

    if (!qemu_opt_has(opts, "size")) {
        if (img_size >= 0) {
            g_autofree char *s = g_strdup_printf("%" PRId64, img_size);
            qemu_opt_set(opts, "size", s, &error_abort);
        }
    } else if (img_size >= 0) {
        error_setg(errp, "The image size must be specified only once");
        goto out;
    }
    if (base_filename && !img_create_opts_known(c, "backing_file")) {
        error_setg(errp, "Backing file not supported for file format '%s'",
                   fmt);
        goto out;
    }
    if (base_fmt && !img_create_opts_known(c, "backing_fmt")) {
        error_setg(errp, "Backing file format not supported for file "
                   "format '%s'", fmt);
        goto out;
    }
    if (!qemu_opt_has(opts, "size")) {
        error_setg(errp, "Image creation needs a size parameter");
        goto out;
    }

    if (!quiet) {
        printf("Formatting '%s', fmt=%s ", filename, fmt);
        print_create_opts(c->descs, opts);
        printf("\n");
        fflush(stdout);
    }

    ret = img_create_opts_run(c, filename, &err);
    if (ret == -EFBIG) {
        /* A clearer message than whatever ftruncate() said. */
        error_free(err);
        err = NULL;
        error_setg(errp, "The image size is too large for file format '%s'",
                   fmt);
    } else if (ret < 0 && !err) {
        error_setg_errno(errp, -ret, "Could not create '%s'", filename);
    } else {
        error_propagate(errp, err);
    }

out:
    img_create_opts_free(c);
}

int img_create(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"help", no_argument, NULL, 'h'},
        {"object", required_argument, NULL, OPTION_OBJECT},
        {NULL, 0, NULL, 0}
    };
    ImgCommonOpts o = { .fmt = "raw" };
    const char *base_fmt = NULL, *base_filename = NULL, *filename;
    g_autoptr(GString) options = NULL;
    int64_t img_size = -1;
    bool quiet = false;
    Error *err = NULL;
    int c;

    for (;;) {
        c = getopt_long(argc, argv, ":F:b:f:ho:qu", long_options, NULL);
        if (c == -1) {
            break;
        }
        if (img_common_option(c, argv, &o)) {
            continue;
        }
        switch (c) {
        case 'F':
            base_fmt = optarg;
            break;
        case 'b':
            base_filename = optarg;
            break;
        case 'o':
            if (!img_accumulate_options(&options, optarg)) {
                return 1;
            }
            break;
        case 'q':
            quiet = true;
            break;
        case 'u':
            /* Only matters for backing files, which raw has none of. */
            break;
        }
    }

    filename = optind < argc ? argv[optind] : NULL;
    if (options && has_help_option(options->str)) {
        return img_print_create_help(filename, o.fmt);
    }
    if (optind >= argc) {
        img_error_exit("Expecting image file name");
    }
    optind++;

    if (optind < argc) {
        img_size = cvtnum_full("image size", argv[optind++], 0, INT64_MAX);
        if (img_size < 0) {
            return 1;
        }
    }
    if (optind != argc) {
        img_error_exit("Unexpected argument: %s", argv[optind]);
    }

    img_do_create(filename, o.fmt, base_filename, base_fmt,
                  options ? options->str : NULL, img_size, quiet, &err);
    if (err) {
        error_prepend(&err, "%s: ", filename);
        error_report_err(err);
        return 1;
    }
    return 0;
}
