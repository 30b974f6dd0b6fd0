/*
 * Dirty bitmaps: a flat array of 64-bit words, one bit per granule.  A
 * 1 TiB node at 64 KiB granularity needs 2 MiB; jobs keep one each.
 */
#include "qemu/osdep.h"
#include "block/dirty-bitmap.h"

struct BdrvDirtyBitmap {
    BlockDriverState *bs;       /* NULL: detached, @length is fixed */
    int64_t length;
    uint32_t granularity;
    int shift;                  /* log2(granularity) */
    int64_t nbits;              /* granules covering the node (it may grow) */
    uint64_t *words;
    int64_t count;              /* set bits */
    QLIST_ENTRY(BdrvDirtyBitmap) list;
};

BdrvDirtyBitmap *bdrv_create_dirty_bitmap(BlockDriverState *bs,
                                          uint32_t granularity,
                                          Error **errp)
{
    BdrvDirtyBitmap *b;
    int64_t len = bdrv_getlength(bs);

    if (len < 0) {
        error_setg_errno(errp, -len, "could not get length of device");
        return NULL;
    }
    assert(granularity >= 512 && !(granularity & (granularity - 1)));
    b = g_new0(BdrvDirtyBitmap, 1);
    b->bs = bs;
    b->granularity = granularity;
    b->shift = __builtin_ctz(granularity);
    b->nbits = DIV_ROUND_UP(len, granularity);
    b->words = g_new0(uint64_t, DIV_ROUND_UP(MAX(b->nbits, 1), 64));
    QLIST_INSERT_HEAD(&bs->dirty_bitmaps, b, list);
    return b;
}

BdrvDirtyBitmap *bdrv_dirty_bitmap_new(int64_t length, uint32_t granularity)
{
    BdrvDirtyBitmap *b = g_new0(BdrvDirtyBitmap, 1);

    assert(length >= 0);
    assert(granularity >= 512 && !(granularity & (granularity - 1)));
    b->length = length;
    b->granularity = granularity;
    b->shift = __builtin_ctz(granularity);
    b->nbits = DIV_ROUND_UP(length, granularity);
    b->words = g_new0(uint64_t, DIV_ROUND_UP(MAX(b->nbits, 1), 64));
    return b;
}

void bdrv_release_dirty_bitmap(BdrvDirtyBitmap *bitmap)
{
    if (!bitmap) {
        return;
    }
    if (bitmap->bs) {
        QLIST_REMOVE(bitmap, list);
    }
    g_free(bitmap->words);
    g_free(bitmap);
}

int64_t bdrv_get_dirty_count(const BdrvDirtyBitmap *bitmap)
{
    return bitmap->count << bitmap->shift;
}

bool bdrv_dirty_bitmap_get(const BdrvDirtyBitmap *bitmap, int64_t offset)
{
    int64_t bit = offset >> bitmap->shift;

    return bit < bitmap->nbits &&
           (bitmap->words[bit / 64] >> (bit % 64)) & 1;
}

/* Grow to cover @nbits granules (a write past the old end). */
static void dirty_bitmap_grow(BdrvDirtyBitmap *b, int64_t nbits)
{
    int64_t old_words = DIV_ROUND_UP(MAX(b->nbits, 1), 64);
    int64_t new_words = DIV_ROUND_UP(nbits, 64);

    if (new_words > old_words) {
        b->words = g_renew(uint64_t, b->words, new_words);
        memset(b->words + old_words, 0,
               (new_words - old_words) * sizeof(uint64_t));
    }
    b->nbits = nbits;
}

/* Set (@set) or clear bits [first, last]. */
static void dirty_bitmap_update(BdrvDirtyBitmap *b, int64_t first,
                                int64_t last, bool set)
{
    for (int64_t bit = first; bit <= last; bit++) {
        uint64_t mask = 1ULL << (bit % 64);
        uint64_t *w = &b->words[bit / 64];

        if (!(bit % 64) && last - bit >= 63 && *w == (set ? ~0ULL : 0)) {
            bit += 63;          /* a whole word already as wanted */
            continue;
        }
        if (set && !(*w & mask)) {
            *w |= mask;
            b->count++;
        } else if (!set && (*w & mask)) {
            *w &= ~mask;
            b->count--;
        }
    }
}

void bdrv_set_dirty_bitmap(BdrvDirtyBitmap *bitmap, int64_t offset,
                           int64_t bytes)
{
    int64_t last;

    if (bytes <= 0) {
        return;
    }
    last = (offset + bytes - 1) >> bitmap->shift;
    if (last >= bitmap->nbits && !bitmap->bs) {
        last = bitmap->nbits - 1;   /* detached: fixed length */
        if (offset >> bitmap->shift > last) {
            return;
        }
    } else if (last >= bitmap->nbits) {
        dirty_bitmap_grow(bitmap, last + 1);
    }
    dirty_bitmap_update(bitmap, offset >> bitmap->shift, last, true);
}

/* Only whole granules inside the range become clean. */
void bdrv_reset_dirty_bitmap(BdrvDirtyBitmap *bitmap, int64_t offset,
                             int64_t bytes)
{
    int64_t first = DIV_ROUND_UP(offset, bitmap->granularity);
    int64_t end = offset + bytes;
    int64_t last;

    /* The node's last granule may be short: its end counts as whole. */
    if (end >= (bitmap->nbits << bitmap->shift) ||
        end >= (bitmap->bs ? bdrv_getlength(bitmap->bs) : bitmap->length)) {
        last = bitmap->nbits - 1;
    } else {
        last = (end >> bitmap->shift) - 1;
    }
    if (bytes > 0 && first <= last) {
        dirty_bitmap_update(bitmap, first, MIN(last, bitmap->nbits - 1),
                            false);
    }
}

bool bdrv_dirty_bitmap_next_dirty_area(const BdrvDirtyBitmap *bitmap,
                                       int64_t offset, int64_t max_bytes,
                                       int64_t *start, int64_t *count)
{
    int64_t bit = offset >> bitmap->shift;
    int64_t end;

    if (!bitmap->count) {
        return false;
    }
    while (bit < bitmap->nbits) {
        uint64_t w = bitmap->words[bit / 64] >> (bit % 64);

        if (w) {
            bit += __builtin_ctzll(w);
            break;
        }
        bit = QEMU_ALIGN_UP(bit + 1, 64);
    }
    if (bit >= bitmap->nbits) {
        return false;
    }
    end = bit + 1;
    while (end < bitmap->nbits &&
           ((end - bit) << bitmap->shift) < max_bytes &&
           (bitmap->words[end / 64] >> (end % 64)) & 1) {
        end++;
    }
    *start = MAX(bit << bitmap->shift, offset);
    *count = MIN((end << bitmap->shift) - *start, max_bytes);
    return true;
}

void bdrv_set_dirty(BlockDriverState *bs, int64_t offset, int64_t bytes)
{
    BdrvDirtyBitmap *b;
    int64_t len;

    if (QLIST_EMPTY(&bs->dirty_bitmaps)) {
        return;                 /* the common case: no job runs */
    }
    /* A truncate passes everything from its lower end on. */
    len = bdrv_getlength(bs);
    if (len < 0 || offset >= len) {
        return;
    }
    bytes = MIN(bytes, len - offset);
    QLIST_FOREACH(b, &bs->dirty_bitmaps, list) {
        bdrv_set_dirty_bitmap(b, offset, bytes);
    }
}

int64_t bdrv_dirty_bitmap_nwords(const BdrvDirtyBitmap *bitmap)
{
    return DIV_ROUND_UP(bitmap->nbits, 64);
}

void bdrv_dirty_bitmap_store_words(const BdrvDirtyBitmap *bitmap,
                                   int64_t first, int64_t n, uint64_t *out)
{
    assert(first >= 0 && n >= 0 && first + n <= bdrv_dirty_bitmap_nwords(bitmap));
    for (int64_t i = 0; i < n; i++) {
        out[i] = GUINT64_TO_LE(bitmap->words[first + i]);
    }
}

void bdrv_dirty_bitmap_load_words(BdrvDirtyBitmap *bitmap, int64_t first,
                                  int64_t n, const uint64_t *in)
{
    int64_t nwords = bdrv_dirty_bitmap_nwords(bitmap);

    assert(first >= 0 && n >= 0 && first + n <= nwords);
    for (int64_t i = 0; i < n; i++) {
        uint64_t w = GUINT64_FROM_LE(in[i]);

        if (first + i == nwords - 1 && bitmap->nbits % 64) {
            w &= (1ULL << (bitmap->nbits % 64)) - 1;    /* past the end */
        }
        bitmap->count += __builtin_popcountll(w) -
                         __builtin_popcountll(bitmap->words[first + i]);
        bitmap->words[first + i] = w;
    }
}
