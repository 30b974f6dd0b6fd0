/*
 * Quorum's per-child dirty bitmaps and the file that keeps them
 * (include/block/quorum-dirty.h).
 *
 * File layout, all integers little-endian:
 *   0     "QRMDIRTY", u32 version (1), u32 granularity, u64 length,
 *         u32 slots (QUORUM_DIRTY_MAX_SLOTS), u32 0, u64 the position
 *         an interrupted scrub resumes at
 *   64    the slot table: per slot a NUL-padded name[40] and u64 flags
 *         (bit 0: in use, bit 1: detached)
 *   4096  slot k's bitmap at 4096 + k * stride, stride being the bitmap
 *         rounded up to 4 KiB (the file is sparse where slots are unused)
 * A set bit is written and fdatasync'ed before the write that set it is
 * acknowledged; a cleared bit may reach the file later (a stale set bit
 * costs a copy, a stale clear bit would lose data).
 */
#include "qemu/osdep.h"
#include "block/quorum-dirty.h"
#include "block/thread-pool.h"

#define QDL_MAGIC        "QRMDIRTY"
#define QDL_VERSION      1
#define QDL_HEADER_SIZE  4096
#define QDL_TABLE_OFFSET 64
#define QDL_SLOT_SIZE    48
#define QDL_F_IN_USE     1
#define QDL_F_DETACHED   2

G_STATIC_ASSERT(QDL_TABLE_OFFSET + QUORUM_DIRTY_MAX_SLOTS * QDL_SLOT_SIZE <=
                QDL_HEADER_SIZE);

typedef struct QuorumDirtySlot {
    char name[QUORUM_DIRTY_NAME_MAX];
    bool in_use;
    bool detached;
    BdrvDirtyBitmap *bitmap;
    int64_t lo, hi;             /* words changed since the last sync */
} QuorumDirtySlot;

struct QuorumDirtyLog {
    char *path;
    int fd;                     /* -1: in memory only */
    int64_t length;
    uint32_t granularity;
    int64_t nwords;
    int64_t stride;             /* file bytes per slot bitmap */
    QuorumDirtySlot slots[QUORUM_DIRTY_MAX_SLOTS];
    int ndetached;
    int64_t attached_dirty;     /* dirty bytes of attached slots */
    int64_t scrub_pos;          /* where an interrupted scrub resumes */
    uint64_t gen_set;           /* bumped by every change */
    uint64_t gen_done;          /* changes up to here are in the file */
    bool syncing;
    CoQueue sync_waiters;
};

/* One write-out: pieces of bitmaps, then fdatasync, in a worker. */
typedef struct QuorumDirtyPiece {
    off_t offset;
    size_t len;
    uint64_t *buf;
} QuorumDirtyPiece;

typedef struct QuorumDirtyWrite {
    int fd;
    int n;
    QuorumDirtyPiece pieces[QUORUM_DIRTY_MAX_SLOTS];
} QuorumDirtyWrite;

static int qdl_pwrite_all(int fd, const void *buf, size_t len, off_t offset)
{
    while (len > 0) {
        ssize_t r = pwrite(fd, buf, len, offset);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        buf = (const char *)buf + r;
        len -= r;
        offset += r;
    }
    return 0;
}

static int qdl_pread_all(int fd, void *buf, size_t len, off_t offset)
{
    while (len > 0) {
        ssize_t r = pread(fd, buf, len, offset);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (r == 0) {
            memset(buf, 0, len);        /* sparse tail */
            return 0;
        }
        buf = (char *)buf + r;
        len -= r;
        offset += r;
    }
    return 0;
}

static off_t qdl_bitmap_offset(QuorumDirtyLog *log, int k)
{
    return QDL_HEADER_SIZE + (off_t)k * log->stride;
}

/* The header and slot table, durable: slots change rarely (QMP, open). */
static int qdl_write_header(QuorumDirtyLog *log)
{
    g_autofree uint8_t *h = g_malloc0(QDL_HEADER_SIZE);
    uint32_t u32;
    uint64_t u64;

    if (log->fd < 0) {
        return 0;
    }
    memcpy(h, QDL_MAGIC, 8);
    u32 = GUINT32_TO_LE(QDL_VERSION);
    memcpy(h + 8, &u32, 4);
    u32 = GUINT32_TO_LE(log->granularity);
    memcpy(h + 12, &u32, 4);
    u64 = GUINT64_TO_LE(log->length);
    memcpy(h + 16, &u64, 8);
    u32 = GUINT32_TO_LE(QUORUM_DIRTY_MAX_SLOTS);
    memcpy(h + 24, &u32, 4);
    u64 = GUINT64_TO_LE(log->scrub_pos);
    memcpy(h + 32, &u64, 8);
    for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS; k++) {
        QuorumDirtySlot *sl = &log->slots[k];
        uint8_t *e = h + QDL_TABLE_OFFSET + k * QDL_SLOT_SIZE;

        if (!sl->in_use) {
            continue;
        }
        memcpy(e, sl->name, strnlen(sl->name, QUORUM_DIRTY_NAME_MAX));
        u64 = GUINT64_TO_LE(QDL_F_IN_USE | (sl->detached ? QDL_F_DETACHED : 0));
        memcpy(e + QUORUM_DIRTY_NAME_MAX, &u64, 8);
    }
    if (qdl_pwrite_all(log->fd, h, QDL_HEADER_SIZE, 0) < 0 ||
        fdatasync(log->fd) < 0) {
        return -errno;
    }
    return 0;
}

/* Read an existing file; -EINVAL with a message when it does not fit. */
static int qdl_load(QuorumDirtyLog *log, Error **errp)
{
    g_autofree uint8_t *h = g_malloc0(QDL_HEADER_SIZE);
    g_autofree uint64_t *words = g_new(uint64_t, MAX(log->nwords, 1));
    uint32_t version, granularity, nslots;
    uint64_t length;
    int ret;

    ret = qdl_pread_all(log->fd, h, QDL_HEADER_SIZE, 0);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read dirty-bitmap-file '%s'",
                         log->path);
        return ret;
    }
    memcpy(&version, h + 8, 4);
    memcpy(&granularity, h + 12, 4);
    memcpy(&length, h + 16, 8);
    memcpy(&nslots, h + 24, 4);
    memcpy(&log->scrub_pos, h + 32, 8);
    log->scrub_pos = GUINT64_FROM_LE(log->scrub_pos);
    /* Only a hint: one outside the node (a damaged file) starts over. */
    if (log->scrub_pos < 0 || log->scrub_pos > log->length) {
        log->scrub_pos = 0;
    }
    if (memcmp(h, QDL_MAGIC, 8) || GUINT32_FROM_LE(version) != QDL_VERSION ||
        GUINT32_FROM_LE(nslots) != QUORUM_DIRTY_MAX_SLOTS) {
        error_setg(errp, "'%s' is not a quorum dirty-bitmap-file", log->path);
        return -EINVAL;
    }
    if (GUINT32_FROM_LE(granularity) != log->granularity ||
        GUINT64_FROM_LE(length) != (uint64_t)log->length) {
        error_setg(errp, "dirty-bitmap-file '%s' was written for %" PRIu64
                   " bytes at granularity %" PRIu32 ", not %" PRId64
                   " bytes at %" PRIu32, log->path, GUINT64_FROM_LE(length),
                   GUINT32_FROM_LE(granularity), log->length,
                   log->granularity);
        return -EINVAL;
    }
    for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS; k++) {
        QuorumDirtySlot *sl = &log->slots[k];
        uint8_t *e = h + QDL_TABLE_OFFSET + k * QDL_SLOT_SIZE;
        uint64_t flags;

        memcpy(&flags, e + QUORUM_DIRTY_NAME_MAX, 8);
        flags = GUINT64_FROM_LE(flags);
        if (!(flags & QDL_F_IN_USE)) {
            continue;
        }
        memcpy(sl->name, e, QUORUM_DIRTY_NAME_MAX);
        sl->name[QUORUM_DIRTY_NAME_MAX - 1] = '\0';
        sl->in_use = true;
        /* Until a child takes the slot again, it is missing writes. */
        sl->detached = true;
        log->ndetached++;       /* its marks count once it is attached */
        sl->bitmap = bdrv_dirty_bitmap_new(log->length, log->granularity);
        ret = qdl_pread_all(log->fd, words, log->nwords * 8,
                            qdl_bitmap_offset(log, k));
        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not read dirty-bitmap-file "
                             "'%s'", log->path);
            return ret;
        }
        bdrv_dirty_bitmap_load_words(sl->bitmap, 0, log->nwords, words);
    }
    return 0;
}

QuorumDirtyLog *quorum_dirty_log_new(const char *path, int64_t length,
                                     uint32_t granularity, bool *created,
                                     Error **errp)
{
    QuorumDirtyLog *log = g_new0(QuorumDirtyLog, 1);
    struct stat st;

    log->fd = -1;
    log->length = length;
    log->granularity = granularity;
    log->nwords = DIV_ROUND_UP(DIV_ROUND_UP(length, granularity), 64);
    log->stride = QEMU_ALIGN_UP(MAX(log->nwords, 1) * 8, 4096);
    qemu_co_queue_init(&log->sync_waiters);
    *created = !path;           /* memory only: new with every open */
    if (!path) {
        return log;
    }
    log->path = g_strdup(path);
    log->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (log->fd < 0 || fstat(log->fd, &st) < 0) {
        error_setg_errno(errp, errno, "Could not open dirty-bitmap-file '%s'",
                         path);
        goto fail;
    }
    if (st.st_size == 0) {
        int ret = qdl_write_header(log);

        if (ret < 0) {
            error_setg_errno(errp, -ret, "Could not write dirty-bitmap-file "
                             "'%s'", path);
            goto fail;
        }
        *created = true;
        return log;
    }
    if (qdl_load(log, errp) < 0) {
        goto fail;
    }
    return log;

fail:
    quorum_dirty_log_free(log);
    return NULL;
}

void quorum_dirty_log_free(QuorumDirtyLog *log)
{
    if (!log) {
        return;
    }
    for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS; k++) {
        bdrv_release_dirty_bitmap(log->slots[k].bitmap);
    }
    if (log->fd >= 0) {
        close(log->fd);
    }
    g_free(log->path);
    g_free(log);
}

const char *quorum_dirty_log_path(const QuorumDirtyLog *log)
{
    return log->path;
}

/* Keep ndetached and attached_dirty in step with a slot's state. */
static void qdl_set_detached(QuorumDirtyLog *log, QuorumDirtySlot *sl,
                             bool detached)
{
    int64_t marks = sl->bitmap ? bdrv_get_dirty_count(sl->bitmap) : 0;

    if (sl->detached == detached) {
        return;
    }
    sl->detached = detached;
    log->ndetached += detached ? 1 : -1;
    log->attached_dirty += detached ? -marks : marks;
}

static QuorumDirtySlot *qdl_find(QuorumDirtyLog *log, const char *name)
{
    for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS; k++) {
        if (log->slots[k].in_use && !strcmp(log->slots[k].name, name)) {
            return &log->slots[k];
        }
    }
    return NULL;
}

static QuorumDirtySlot *qdl_slot_of(QuorumDirtyLog *log,
                                    BdrvDirtyBitmap *bitmap)
{
    for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS; k++) {
        if (log->slots[k].in_use && log->slots[k].bitmap == bitmap) {
            return &log->slots[k];
        }
    }
    abort();
}

BdrvDirtyBitmap *quorum_dirty_log_attach(QuorumDirtyLog *log,
                                         const char *name, bool *known,
                                         Error **errp)
{
    QuorumDirtySlot *sl = qdl_find(log, name);
    int ret;

    *known = sl != NULL;
    if (!sl) {
        if (strlen(name) >= QUORUM_DIRTY_NAME_MAX) {
            error_setg(errp, "Child name '%s' is too long for a "
                       "dirty-bitmap-file", name);
            return NULL;
        }
        for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS && !sl; k++) {
            if (!log->slots[k].in_use) {
                sl = &log->slots[k];
            }
        }
        if (!sl) {
            error_setg(errp, "A dirty-bitmap-file keeps at most %d children",
                       QUORUM_DIRTY_MAX_SLOTS);
            return NULL;
        }
        memset(sl, 0, sizeof(*sl));
        g_strlcpy(sl->name, name, sizeof(sl->name));
        sl->in_use = true;
        sl->bitmap = bdrv_dirty_bitmap_new(log->length, log->granularity);
        /* Whatever the file held at that place is stale: write zeroes. */
        sl->lo = 0;
        sl->hi = log->nwords;
        log->gen_set++;
    } else {
        qdl_set_detached(log, sl, false);
    }
    ret = qdl_write_header(log);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write dirty-bitmap-file '%s'",
                         log->path);
        return NULL;
    }
    return sl->bitmap;
}

void quorum_dirty_log_detach(QuorumDirtyLog *log, const char *name)
{
    QuorumDirtySlot *sl = qdl_find(log, name);

    if (!sl) {
        return;
    }
    if (log->fd < 0) {
        quorum_dirty_log_drop(log, name);
        return;
    }
    qdl_set_detached(log, sl, true);
    /* A failure leaves the slot attached in the file: it is then stale. */
    qdl_write_header(log);
}

void quorum_dirty_log_drop(QuorumDirtyLog *log, const char *name)
{
    QuorumDirtySlot *sl = qdl_find(log, name);

    if (!sl) {
        return;
    }
    qdl_set_detached(log, sl, true);     /* its marks no longer count */
    log->ndetached--;
    bdrv_release_dirty_bitmap(sl->bitmap);
    memset(sl, 0, sizeof(*sl));
    qdl_write_header(log);
}

static void qdl_changed(QuorumDirtyLog *log, QuorumDirtySlot *sl,
                        int64_t offset, int64_t bytes)
{
    int shift = __builtin_ctz(log->granularity);
    int64_t lo = (offset >> shift) / 64;
    int64_t hi = (((offset + bytes - 1) >> shift) / 64) + 1;

    if (sl->lo >= sl->hi) {
        sl->lo = lo;
        sl->hi = hi;
    } else {
        sl->lo = MIN(sl->lo, lo);
        sl->hi = MAX(sl->hi, hi);
    }
    sl->hi = MIN(sl->hi, log->nwords);
    log->gen_set++;
}

static void qdl_update(QuorumDirtyLog *log, QuorumDirtySlot *sl,
                       int64_t offset, int64_t bytes, bool set)
{
    int64_t before = bdrv_get_dirty_count(sl->bitmap);

    if (bytes <= 0 || offset >= log->length) {
        return;
    }
    bytes = MIN(bytes, log->length - offset);
    if (set) {
        bdrv_set_dirty_bitmap(sl->bitmap, offset, bytes);
    } else {
        bdrv_reset_dirty_bitmap(sl->bitmap, offset, bytes);
    }
    if (bdrv_get_dirty_count(sl->bitmap) != before) {
        if (!sl->detached) {
            log->attached_dirty += bdrv_get_dirty_count(sl->bitmap) - before;
        }
        qdl_changed(log, sl, offset, bytes);
    }
}

void quorum_dirty_log_mark(QuorumDirtyLog *log, BdrvDirtyBitmap *bitmap,
                           int64_t offset, int64_t bytes)
{
    qdl_update(log, qdl_slot_of(log, bitmap), offset, bytes, true);
}

void quorum_dirty_log_clear(QuorumDirtyLog *log, BdrvDirtyBitmap *bitmap,
                            int64_t offset, int64_t bytes)
{
    qdl_update(log, qdl_slot_of(log, bitmap), offset, bytes, false);
}

bool quorum_dirty_log_attached_clean(const QuorumDirtyLog *log)
{
    return !log->attached_dirty;
}

bool quorum_dirty_log_has_detached(const QuorumDirtyLog *log)
{
    return log->ndetached > 0;
}

void quorum_dirty_log_mark_detached(QuorumDirtyLog *log, int64_t offset,
                                    int64_t bytes)
{
    for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS && log->ndetached; k++) {
        if (log->slots[k].in_use && log->slots[k].detached) {
            qdl_update(log, &log->slots[k], offset, bytes, true);
        }
    }
}

static int qdl_write_fn(void *opaque)
{
    QuorumDirtyWrite *w = opaque;

    for (int i = 0; i < w->n; i++) {
        int ret = qdl_pwrite_all(w->fd, w->pieces[i].buf, w->pieces[i].len,
                                 w->pieces[i].offset);

        if (ret < 0) {
            return ret;
        }
    }
    return fdatasync(w->fd) < 0 ? -errno : 0;
}

/*
 * Write the changed words of every slot, as they are now: in a worker
 * from a coroutine, else right here (open and QMP time: a nested event
 * loop there would run monitor commands on a half-opened node).
 */
static int coroutine_fn qdl_write_out(QuorumDirtyLog *log)
{
    QuorumDirtyWrite w = { .fd = log->fd };
    int64_t saved_lo[QUORUM_DIRTY_MAX_SLOTS], saved_hi[QUORUM_DIRTY_MAX_SLOTS];
    uint64_t gen = log->gen_set;
    int ret;

    for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS; k++) {
        QuorumDirtySlot *sl = &log->slots[k];

        saved_lo[k] = sl->lo;
        saved_hi[k] = sl->hi;
        if (!sl->in_use || sl->lo >= sl->hi) {
            continue;
        }
        w.pieces[w.n].offset = qdl_bitmap_offset(log, k) + sl->lo * 8;
        w.pieces[w.n].len = (sl->hi - sl->lo) * 8;
        w.pieces[w.n].buf = g_new(uint64_t, sl->hi - sl->lo);
        bdrv_dirty_bitmap_store_words(sl->bitmap, sl->lo, sl->hi - sl->lo,
                                      w.pieces[w.n].buf);
        w.n++;
        sl->lo = sl->hi = 0;
    }
    if (qemu_in_coroutine()) {
        log->syncing = true;
        ret = thread_pool_submit_co(qdl_write_fn, &w);
        log->syncing = false;
    } else {
        ret = qdl_write_fn(&w);
    }
    if (ret == 0) {
        log->gen_done = MAX(log->gen_done, gen);
    } else {
        /* Not on disk: the words stay to be written. */
        for (int k = 0; k < QUORUM_DIRTY_MAX_SLOTS; k++) {
            QuorumDirtySlot *sl = &log->slots[k];

            if (saved_lo[k] >= saved_hi[k] || !sl->in_use) {
                continue;
            }
            if (sl->lo >= sl->hi) {
                sl->lo = saved_lo[k];
                sl->hi = saved_hi[k];
            } else {
                sl->lo = MIN(sl->lo, saved_lo[k]);
                sl->hi = MAX(sl->hi, saved_hi[k]);
            }
        }
    }
    for (int i = 0; i < w.n; i++) {
        g_free(w.pieces[i].buf);
    }
    qemu_co_queue_restart_all(&log->sync_waiters);
    return ret;
}

int coroutine_fn quorum_dirty_log_sync(QuorumDirtyLog *log)
{
    uint64_t need = log->gen_set;
    int ret = 0;

    if (log->fd < 0) {
        return 0;
    }
    /* A write-out in progress may have started before our marks. */
    while (log->gen_done < need) {
        if (log->syncing) {
            qemu_co_queue_wait(&log->sync_waiters);
            continue;
        }
        ret = qdl_write_out(log);
        if (ret < 0) {
            break;
        }
    }
    return ret;
}

int quorum_dirty_log_sync_now(QuorumDirtyLog *log)
{
    if (qemu_in_coroutine()) {
        return quorum_dirty_log_sync(log);
    }
    /* Outside coroutines nobody else can be writing out meanwhile. */
    assert(!log->syncing);
    return log->fd < 0 || log->gen_done >= log->gen_set ? 0 :
           qdl_write_out(log);
}

int64_t quorum_dirty_log_scrub_pos(const QuorumDirtyLog *log)
{
    return log->scrub_pos;
}

void quorum_dirty_log_set_scrub_pos(QuorumDirtyLog *log, int64_t pos)
{
    log->scrub_pos = pos;
    /* A failure only costs a scrub that starts further back. */
    qdl_write_header(log);
}
