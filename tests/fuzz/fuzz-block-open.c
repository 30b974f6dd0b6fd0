/*
 * Fuzz target for option strings and json: filenames: what qemu-io and
 * qemu-img do with "json:{...}", "null-co://", --image-opts strings and
 * "open -o" options before any I/O.
 *
 * An input is up to three lines:
 *   1. a filename for blk_new_open() ("json:{...}", "blkdebug::null-co://",
 *      a path; empty for none),
 *   2. an option string ("driver=raw,file.driver=null-co,size=1M"),
 *      parsed by keyval_parse_flat() as --image-opts is, and also by
 *      keyval_parse() and qdict_crumple() as --object and --blockdev are,
 *   3. options for bdrv_reopen() of the opened node, as qemu-io's
 *      "reopen -o".
 * The node is opened read-write, its filename refreshed (the json:
 * writer), its first 4 KiB read.  Everything runs in the sandbox of
 * fuzz.h, so a file or an NBD server named by the input is never opened:
 * only drivers that need neither (null-co, null-aio, raw, blkdebug
 * without a config file, quorum) get past their open.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/block_int.h"
#include "sysemu/block-backend.h"
#include "tests/fuzz/fuzz.h"

static void fuzz_init(void)
{
    static bool initialized;

    if (!initialized) {
        initialized = true;
        qemu_init_main_loop();
        bdrv_init();
    }
}

/* --object's and --blockdev's parsers on the same string. */
static void parse_other_ways(const char *str)
{
    QDict *flat = keyval_parse(str, NULL, NULL, NULL);
    QObject *crumpled;

    qobject_unref(flat);
    flat = keyval_parse_flat(str, "driver", NULL);
    if (flat) {
        crumpled = qdict_crumple(flat, NULL);
        qobject_unref(crumpled);
        qobject_unref(flat);
    }
}

static void open_one(const char *filename, const char *optstr,
                     const char *reopen_str)
{
    QDict *options = NULL;
    BlockBackend *blk;
    BlockDriverState *bs;
    uint8_t buf[4096];
    int64_t len;

    if (optstr && *optstr) {
        options = keyval_parse_flat(optstr, NULL, NULL);
        if (!options) {
            return;
        }
    }
    blk = blk_new_open(filename && *filename ? filename : NULL, NULL,
                       options, BDRV_O_RDWR, NULL);
    if (!blk) {
        return;
    }
    bs = blk_bs(blk);
    bdrv_refresh_filename(bs);
    len = blk_getlength(blk);
    if (len > 0) {
        blk_pread(blk, 0, MIN(len, (int64_t)sizeof(buf)), buf, 0);
    }
    if (reopen_str && *reopen_str) {
        QDict *opts = keyval_parse_flat(reopen_str, NULL, NULL);

        if (opts) {
            bdrv_reopen(bs, opts, NULL);
            bdrv_refresh_filename(bs);
        }
    }
    blk_unref(blk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *str = g_strndup((const char *)data, size);
    g_auto(GStrv) lines = NULL;

    /* Bytes after a NUL are not part of any string. */
    if (strlen(str) != size) {
        return 0;
    }
    fuzz_init();
    lines = g_strsplit(str, "\n", 3);
    fuzz_sandbox_enter();
    if (lines[0] && lines[1]) {
        parse_other_ways(lines[1]);
    }
    open_one(lines[0], lines[0] ? lines[1] : NULL,
             lines[0] && lines[1] ? lines[2] : NULL);
    /* Deferred work (bottom halves, null-aio completions) ends here. */
    while (main_loop_wait(false)) {
        /* nothing */
    }
    fuzz_sandbox_leave();
    return 0;
}
