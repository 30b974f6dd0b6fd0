/*
 * quorum's per-child dirty log (block/quorum-dirty.c): what a file keeps
 * across a reopen, detached slots, refusals, and detached bitmaps.
 */
#include "qemu/osdep.h"
#include "block/quorum-dirty.h"

#define LEN  (10 * 1024 * 1024 + 4096)     /* a short last granule */
#define GRAN 65536

static char *tmp_path(void)
{
    g_autofree char *dir = g_dir_make_tmp("quorum-dirty-XXXXXX", NULL);

    g_assert_nonnull(dir);
    return g_build_filename(dir, "q.dirty", NULL);
}

static void remove_path(char *path)
{
    g_autofree char *dir = g_path_get_dirname(path);

    unlink(path);
    rmdir(dir);
    g_free(path);
}

static void test_detached_bitmap(void)
{
    BdrvDirtyBitmap *b = bdrv_dirty_bitmap_new(LEN, GRAN);
    uint64_t words[3];

    /* Fixed length: marks past the end are clipped, not grown. */
    bdrv_set_dirty_bitmap(b, LEN - 1, 1 << 20);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, GRAN);
    bdrv_set_dirty_bitmap(b, LEN + GRAN, 1);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, GRAN);
    /* The short last granule counts as whole when it is reset. */
    bdrv_reset_dirty_bitmap(b, LEN - 4096, 4096);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 0);
    /* Words round-trip and recount; bits past the end are dropped. */
    g_assert_cmpint(bdrv_dirty_bitmap_nwords(b), ==, 3);    /* 161 bits */
    bdrv_set_dirty_bitmap(b, 0, GRAN);
    bdrv_set_dirty_bitmap(b, 64 * GRAN, 2 * GRAN);
    bdrv_dirty_bitmap_store_words(b, 0, 3, words);
    bdrv_release_dirty_bitmap(b);
    b = bdrv_dirty_bitmap_new(LEN, GRAN);
    words[2] = GUINT64_TO_LE(~0ULL);
    bdrv_dirty_bitmap_load_words(b, 0, 3, words);
    /* Granules 0, 64, 65, and 128..160 of the last word (161 in all). */
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, (3 + 33) * GRAN);
    g_assert_true(bdrv_dirty_bitmap_get(b, 65 * GRAN));
    g_assert_true(bdrv_dirty_bitmap_get(b, 160 * GRAN));
    bdrv_release_dirty_bitmap(b);
}

static void test_file_keeps_marks(void)
{
    char *path = tmp_path();
    Error *err = NULL;
    QuorumDirtyLog *log;
    BdrvDirtyBitmap *c0, *c1;
    bool created, known;

    log = quorum_dirty_log_new(path, LEN, GRAN, &created, &error_abort);
    g_assert_true(created);
    c0 = quorum_dirty_log_attach(log, "children.0", &known, &error_abort);
    g_assert_false(known);
    c1 = quorum_dirty_log_attach(log, "children.1", &known, &error_abort);
    quorum_dirty_log_mark(log, c1, 5 * GRAN + 100, 10);
    quorum_dirty_log_mark(log, c1, 100 * GRAN, 3 * GRAN);
    quorum_dirty_log_mark(log, c0, 0, 1);
    g_assert_cmpint(quorum_dirty_log_sync_now(log), ==, 0);
    /* A clear not yet synced is lost with the process: still dirty. */
    quorum_dirty_log_clear(log, c0, 0, GRAN);
    quorum_dirty_log_free(log);             /* as a SIGKILL: no sync */

    log = quorum_dirty_log_new(path, LEN, GRAN, &created, &error_abort);
    g_assert_false(created);
    c1 = quorum_dirty_log_attach(log, "children.1", &known, &error_abort);
    g_assert_true(known);
    g_assert_cmpint(bdrv_get_dirty_count(c1), ==, 4 * GRAN);
    g_assert_true(bdrv_dirty_bitmap_get(c1, 5 * GRAN));
    g_assert_true(bdrv_dirty_bitmap_get(c1, 102 * GRAN));
    c0 = quorum_dirty_log_attach(log, "children.0", &known, &error_abort);
    g_assert_cmpint(bdrv_get_dirty_count(c0), ==, GRAN);
    /* Synced clears stay cleared. */
    quorum_dirty_log_clear(log, c1, 0, LEN);
    g_assert_cmpint(quorum_dirty_log_sync_now(log), ==, 0);
    quorum_dirty_log_free(log);

    log = quorum_dirty_log_new(path, LEN, GRAN, &created, &error_abort);
    c1 = quorum_dirty_log_attach(log, "children.1", &known, &error_abort);
    g_assert_cmpint(bdrv_get_dirty_count(c1), ==, 0);
    quorum_dirty_log_free(log);

    /* Another size or granularity: refused, the file is left alone. */
    g_assert_null(quorum_dirty_log_new(path, LEN, 4096, &created, &err));
    g_assert_nonnull(strstr(error_get_pretty(err), "was written for"));
    error_free(err);
    err = NULL;
    g_assert_null(quorum_dirty_log_new(path, LEN * 2, GRAN, &created, &err));
    error_free(err);
    remove_path(path);
}

static void test_detached_slots_record_writes(void)
{
    char *path = tmp_path();
    QuorumDirtyLog *log;
    BdrvDirtyBitmap *c2;
    bool created, known;

    log = quorum_dirty_log_new(path, LEN, GRAN, &created, &error_abort);
    c2 = quorum_dirty_log_attach(log, "children.2", &known, &error_abort);
    g_assert_false(quorum_dirty_log_has_detached(log));
    /* The read path's fast check counts the marks of attached slots. */
    g_assert_true(quorum_dirty_log_attached_clean(log));
    quorum_dirty_log_mark(log, c2, 0, 1);
    g_assert_false(quorum_dirty_log_attached_clean(log));
    quorum_dirty_log_detach(log, "children.2");
    g_assert_true(quorum_dirty_log_attached_clean(log));
    c2 = quorum_dirty_log_attach(log, "children.2", &known, &error_abort);
    g_assert_false(quorum_dirty_log_attached_clean(log));
    quorum_dirty_log_clear(log, c2, 0, GRAN);
    g_assert_true(quorum_dirty_log_attached_clean(log));
    quorum_dirty_log_detach(log, "children.2");
    g_assert_true(quorum_dirty_log_has_detached(log));
    quorum_dirty_log_mark_detached(log, 7 * GRAN, 1);
    g_assert_cmpint(quorum_dirty_log_sync_now(log), ==, 0);
    quorum_dirty_log_free(log);

    /* Slots the children do not take again are detached after a reopen. */
    log = quorum_dirty_log_new(path, LEN, GRAN, &created, &error_abort);
    g_assert_true(quorum_dirty_log_has_detached(log));
    quorum_dirty_log_mark_detached(log, 9 * GRAN, 1);
    c2 = quorum_dirty_log_attach(log, "children.2", &known, &error_abort);
    g_assert_true(known);
    g_assert_false(quorum_dirty_log_has_detached(log));
    g_assert_cmpint(bdrv_get_dirty_count(c2), ==, 2 * GRAN);
    g_assert_false(quorum_dirty_log_attached_clean(log));
    /* Dropped: a new child of that name starts from nothing. */
    quorum_dirty_log_drop(log, "children.2");
    g_assert_true(quorum_dirty_log_attached_clean(log));
    c2 = quorum_dirty_log_attach(log, "children.2", &known, &error_abort);
    g_assert_false(known);
    g_assert_cmpint(bdrv_get_dirty_count(c2), ==, 0);
    quorum_dirty_log_free(log);
    remove_path(path);
}

static void test_limits_and_garbage(void)
{
    char *path = tmp_path();
    Error *err = NULL;
    QuorumDirtyLog *log;
    bool created, known;
    FILE *f;

    log = quorum_dirty_log_new(path, LEN, GRAN, &created, &error_abort);
    for (int i = 0; i < QUORUM_DIRTY_MAX_SLOTS; i++) {
        g_autofree char *name = g_strdup_printf("children.%d", i);

        g_assert_nonnull(quorum_dirty_log_attach(log, name, &known,
                                                 &error_abort));
    }
    g_assert_null(quorum_dirty_log_attach(log, "children.99", &known, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "A dirty-bitmap-file keeps at most 64 children");
    error_free(err);
    err = NULL;
    quorum_dirty_log_free(log);

    f = fopen(path, "w");
    fputs("not a dirty log at all", f);
    fclose(f);
    g_assert_null(quorum_dirty_log_new(path, LEN, GRAN, &created, &err));
    g_assert_nonnull(strstr(error_get_pretty(err),
                            "is not a quorum dirty-bitmap-file"));
    error_free(err);
    remove_path(path);

    /* In memory: no file, every reopen starts clean. */
    log = quorum_dirty_log_new(NULL, LEN, GRAN, &created, &error_abort);
    g_assert_true(created);
    g_assert_null(quorum_dirty_log_path(log));
    g_assert_nonnull(quorum_dirty_log_attach(log, "children.0", &known,
                                             &error_abort));
    quorum_dirty_log_detach(log, "children.0");
    g_assert_false(quorum_dirty_log_has_detached(log));
    g_assert_cmpint(quorum_dirty_log_sync_now(log), ==, 0);
    quorum_dirty_log_free(log);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/quorum-dirty/detached-bitmap", test_detached_bitmap);
    g_test_add_func("/quorum-dirty/file-keeps-marks", test_file_keeps_marks);
    g_test_add_func("/quorum-dirty/detached-slots",
                    test_detached_slots_record_writes);
    g_test_add_func("/quorum-dirty/limits-and-garbage",
                    test_limits_and_garbage);
    return g_test_run();
}
