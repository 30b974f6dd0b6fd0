/*
 * Dirty bitmaps: which ranges of a node were written since a job (mirror,
 * resync) last copied them.  One bit per @granularity bytes; writes to
 * the node mark them when they complete (block/io.c), so a range read by
 * a job before a write finished is marked again after it.
 * Single-threaded: the main loop owns every bitmap.
 */
#ifndef BLOCK_DIRTY_BITMAP_H
#define BLOCK_DIRTY_BITMAP_H

#include "block/block_int.h"

typedef struct BdrvDirtyBitmap BdrvDirtyBitmap;

/* @granularity: a power of two, at least 512. */
BdrvDirtyBitmap *bdrv_create_dirty_bitmap(BlockDriverState *bs,
                                          uint32_t granularity,
                                          Error **errp);
/*
 * A bitmap of @length bytes that belongs to no node: writes do not mark
 * it (quorum's record of what each child missed).
 */
BdrvDirtyBitmap *bdrv_dirty_bitmap_new(int64_t length, uint32_t granularity);
void bdrv_release_dirty_bitmap(BdrvDirtyBitmap *bitmap);

/* Dirty bytes (whole granules, the last one clipped to the length). */
int64_t bdrv_get_dirty_count(const BdrvDirtyBitmap *bitmap);
bool bdrv_dirty_bitmap_get(const BdrvDirtyBitmap *bitmap, int64_t offset);
void bdrv_set_dirty_bitmap(BdrvDirtyBitmap *bitmap, int64_t offset,
                           int64_t bytes);
void bdrv_reset_dirty_bitmap(BdrvDirtyBitmap *bitmap, int64_t offset,
                             int64_t bytes);
/*
 * The first dirty range at or after @offset, at most @max_bytes long:
 * true with *start and *count set, false when nothing is dirty there.
 */
bool bdrv_dirty_bitmap_next_dirty_area(const BdrvDirtyBitmap *bitmap,
                                       int64_t offset, int64_t max_bytes,
                                       int64_t *start, int64_t *count);

/*
 * The bits as 64-bit little-endian words, for saving to a file: word k
 * holds granules 64k..64k+63, lowest bit first.  Loading recounts and
 * drops bits past the end.
 */
int64_t bdrv_dirty_bitmap_nwords(const BdrvDirtyBitmap *bitmap);
void bdrv_dirty_bitmap_store_words(const BdrvDirtyBitmap *bitmap,
                                   int64_t first, int64_t n, uint64_t *out);
void bdrv_dirty_bitmap_load_words(BdrvDirtyBitmap *bitmap, int64_t first,
                                  int64_t n, const uint64_t *in);

/* Mark every bitmap of @bs (the write path calls this). */
void bdrv_set_dirty(BlockDriverState *bs, int64_t offset, int64_t bytes);

#endif
