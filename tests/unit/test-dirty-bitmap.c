/*
 * Dirty bitmaps (block/dirty-bitmap.c) and the write path marking them.
 */
#include "qemu/osdep.h"
#include "block/dirty-bitmap.h"
#include "sysemu/block-backend.h"

static BlockBackend *open_null(int64_t size)
{
    Error *err = NULL;
    g_autofree char *opts = g_strdup_printf("driver=null-co,size=%" PRId64,
                                            size);
    QDict *d = keyval_parse_flat(opts, NULL, &err);
    BlockBackend *blk = blk_new_open(NULL, NULL, d, BDRV_O_RDWR, &err);

    g_assert_nonnull(blk);
    return blk;
}

static void test_set_reset_next(void)
{
    BlockBackend *blk = open_null(1 << 20);
    BdrvDirtyBitmap *b = bdrv_create_dirty_bitmap(blk_bs(blk), 65536,
                                                  &error_abort);
    int64_t start, count;

    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 0);
    g_assert_false(bdrv_dirty_bitmap_next_dirty_area(b, 0, INT64_MAX,
                                                     &start, &count));
    /* One byte dirties its whole granule; a range spans granules. */
    bdrv_set_dirty_bitmap(b, 70000, 1);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 65536);
    bdrv_set_dirty_bitmap(b, 65536 * 3 - 1, 2);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 3 * 65536);
    g_assert_true(bdrv_dirty_bitmap_next_dirty_area(b, 0, INT64_MAX,
                                                    &start, &count));
    g_assert_cmpint(start, ==, 65536);
    g_assert_cmpint(count, ==, 3 * 65536);
    g_assert_true(bdrv_dirty_bitmap_next_dirty_area(b, 0, 65536,
                                                    &start, &count));
    g_assert_cmpint(count, ==, 65536);
    /* Resetting clears only whole granules. */
    bdrv_reset_dirty_bitmap(b, 65536 + 1, 2 * 65536);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 2 * 65536);
    g_assert_true(bdrv_dirty_bitmap_get(b, 65536));
    g_assert_false(bdrv_dirty_bitmap_get(b, 2 * 65536));
    g_assert_true(bdrv_dirty_bitmap_get(b, 3 * 65536));
    bdrv_reset_dirty_bitmap(b, 0, 1 << 20);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 0);
    /* Across a word boundary of the bitmap (64 granules). */
    bdrv_release_dirty_bitmap(b);
    b = bdrv_create_dirty_bitmap(blk_bs(blk), 512, &error_abort);
    bdrv_set_dirty_bitmap(b, 0, 1 << 20);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 1 << 20);
    bdrv_reset_dirty_bitmap(b, 512 * 60, 512 * 10);
    g_assert_true(bdrv_dirty_bitmap_next_dirty_area(b, 512 * 59, INT64_MAX,
                                                    &start, &count));
    g_assert_cmpint(start, ==, 512 * 59);
    g_assert_cmpint(count, ==, 512);
    g_assert_true(bdrv_dirty_bitmap_next_dirty_area(b, 512 * 60, INT64_MAX,
                                                    &start, &count));
    g_assert_cmpint(start, ==, 512 * 70);
    g_assert_cmpint(count, ==, (1 << 20) - 512 * 70);
    bdrv_release_dirty_bitmap(b);
    blk_unref(blk);
}

static void test_writes_mark(void)
{
    BlockBackend *blk = open_null(1 << 20);
    BdrvDirtyBitmap *b = bdrv_create_dirty_bitmap(blk_bs(blk), 4096,
                                                  &error_abort);
    uint8_t buf[512] = { 0 };

    g_assert_cmpint(blk_pwrite(blk, 8192, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 4096);
    g_assert_true(bdrv_dirty_bitmap_get(b, 8192));
    g_assert_cmpint(blk_pwrite_zeroes(blk, 0, 4096, 0), ==, 0);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 8192);
    /* Reads do not. */
    g_assert_cmpint(blk_pread(blk, 65536, sizeof(buf), buf, 0), ==, 0);
    g_assert_cmpint(bdrv_get_dirty_count(b), ==, 8192);
    bdrv_release_dirty_bitmap(b);
    blk_unref(blk);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    bdrv_init();
    g_test_add_func("/dirty-bitmap/set-reset-next", test_set_reset_next);
    g_test_add_func("/dirty-bitmap/writes-mark", test_writes_mark);
    return g_test_run();
}
