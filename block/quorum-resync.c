/*
 * Resync: a job that copies the quorum's voted data into the ranges a
 * child missed (its dirty bitmap), so that the child takes part in
 * reads again and a second fault in those ranges finds a good copy.
 *
 * Each step takes the next dirty area (at most QUORUM_RESYNC_CHUNK),
 * reads it through the quorum (the stale child does not vote there),
 * writes it into the child and flushes the child; only then are the bits
 * cleared.  A write watch spans the step: if a write to the quorum
 * overlapped the read, the copy could be older than what the write put
 * on the child, so the step is dropped and comes again later; if none
 * did, the watch's fence holds new overlapping requests off until the
 * bits are cleared.  No acknowledged write can be lost that way, and no
 * range is marked clean that the child does not hold.
 */
#include "qemu/osdep.h"
#include "block/blockjob.h"
#include "block/quorum-int.h"

#define QUORUM_RESYNC_CHUNK      (1 * MiB)
/* Persist cleared bits this often (a stale set bit only costs a copy). */
#define QUORUM_RESYNC_SYNC_EVERY (64 * MiB)

typedef struct QuorumResyncJob {
    BlockJob common;
    BdrvChild *child;           /* the quorum's edge to the stale child */
    QuorumChildStats *st;       /* its state: the dirty bitmap */
    void *buf;
    int64_t since_sync;         /* bytes cleared since the last persist */
    int64_t unreadable;         /* dirty bytes without a majority to copy */
    int64_t first_unreadable;
    int unreadable_err;
} QuorumResyncJob;

static QuorumResyncJob *to_resync(Job *job)
{
    return container_of(job, QuorumResyncJob, common.job);
}

/*
 * Copy [offset, offset + bytes) into the child.  -EAGAIN: a write
 * overlapped, nothing was cleared.  *@copied: bytes written.
 */
static int coroutine_fn quorum_resync_step(QuorumResyncJob *r, int64_t offset,
                                           int64_t bytes, int64_t *copied,
                                           bool *is_read)
{
    BlockDriverState *bs = r->common.root->bs;
    BDRVQuorumState *s = bs->opaque;
    uint32_t gran = s->dirty_granularity;
    BdrvWriteWatch watch;
    QEMUIOVector qiov;
    int64_t pnum = 0;
    bool zero = false;
    int ret;

    *copied = 0;
    *is_read = true;
    bdrv_write_watch_begin(bs, &watch, offset, bytes);
    /*
     * Where every child, the stale one included, reads as zeroes there
     * is nothing to copy (a fresh sparse replica, the unwritten part of
     * a volume).  Only whole granules, so that the bits can be cleared.
     */
    ret = bdrv_co_block_status(bs, true, offset, bytes, &pnum, NULL, NULL);
    if (ret >= 0 && (ret & BDRV_BLOCK_ZERO) && !(ret & BDRV_BLOCK_DATA)) {
        int64_t whole = offset + pnum >= bdrv_getlength(bs) ? pnum :
                        QEMU_ALIGN_DOWN(offset + pnum, gran) - offset;

        if (whole > 0) {
            bytes = whole;
            zero = true;
        }
    } else if (ret >= 0 && pnum > 0) {
        /* Data up to here: copy that much, look again after it. */
        bytes = MIN(bytes, QEMU_ALIGN_UP(offset + pnum, gran) - offset);
    }
    if (!zero) {
        qemu_iovec_init_buf(&qiov, r->buf, bytes);
        ret = bdrv_co_preadv(r->common.root, offset, bytes, &qiov, 0);
        if (ret < 0) {
            /* A vote that writes kept spoiling: not a missing majority. */
            if (watch.overlapped) {
                ret = -EAGAIN;
            }
            goto out;
        }
    }
    if (!bdrv_write_watch_fence(bs, &watch)) {
        ret = -EAGAIN;
        goto out;
    }
    ret = 0;
    *is_read = false;
    if (!zero) {
        ret = bdrv_co_pwritev(r->child, offset, bytes, &qiov,
                              BDRV_REQ_WRITE_UNCHANGED);
        if (ret == 0) {
            ret = bdrv_co_flush(r->child->bs);
        }
        if (ret < 0) {
            goto out;
        }
        *copied = bytes;
        r->st->resynced_bytes += bytes;
    }
    quorum_dirty_log_clear(s->dirty_log, r->st->dirty, offset, bytes);
    r->since_sync += bytes;
out:
    bdrv_write_watch_end(bs, &watch);
    return ret;
}

static int coroutine_fn quorum_resync_run(Job *job, Error **errp)
{
    QuorumResyncJob *r = to_resync(job);
    BlockDriverState *bs = r->common.root->bs;
    BDRVQuorumState *s = bs->opaque;
    BdrvDirtyBitmap *dirty = r->st->dirty;
    int64_t len = bdrv_getlength(bs);
    int64_t offset = 0;
    bool progress = false;
    int ret = 0;

    if (len < 0) {
        error_setg_errno(errp, -len, "could not get length of device");
        return len;
    }
    r->buf = qemu_try_blockalign(bs, QUORUM_RESYNC_CHUNK);
    if (!r->buf) {
        error_setg(errp, "Could not allocate the resync buffer");
        return -ENOMEM;
    }
    /* Let the command that started the job answer first. */
    job_sleep_ns(job, 0);
    for (;;) {
        int64_t start, count, copied, delay;
        bool is_read;

        job_progress_set_remaining(job, bdrv_get_dirty_count(dirty));
        if (job_is_cancelled(job)) {
            break;
        }
        if (!bdrv_get_dirty_count(dirty)) {
            ret = 0;    /* all copied, whatever the last step answered */
            break;
        }
        if (!bdrv_dirty_bitmap_next_dirty_area(dirty, offset,
                                               QUORUM_RESYNC_CHUNK,
                                               &start, &count)) {
            if (r->unreadable &&
                bdrv_get_dirty_count(dirty) <= r->unreadable) {
                break;          /* what is left has no source */
            }
            /* Round again for what writes made us skip; do not spin. */
            r->unreadable = 0;  /* counted again in the next round */
            offset = 0;
            job_sleep_ns(job, progress ? 0 : 10 * 1000 * 1000);
            progress = false;
            continue;
        }
        count = MIN(count, len - start);
        ret = quorum_resync_step(r, start, count, &copied, &is_read);
        if (ret == -EAGAIN) {
            offset = start + count;
            continue;
        }
        if (ret < 0 && is_read) {
            /*
             * No majority among the children that are clean there (a
             * write in flight at a crash reached only some): nothing to
             * copy from.  The range stays dirty; copy the rest.
             */
            if (!r->unreadable) {
                r->first_unreadable = start;
                r->unreadable_err = ret;
            }
            r->unreadable += count;
            ret = 0;
            offset = start + count;
            continue;
        }
        if (ret < 0) {
            BlockErrorAction action =
                block_job_error_action(&r->common, BLOCKDEV_ON_ERROR_REPORT,
                                       is_read, -ret);

            if (action == BLOCK_ERROR_ACTION_REPORT) {
                error_setg_errno(errp, -ret, "Resync of child '%s' failed at "
                                 "offset %" PRId64, r->child->name, start);
                break;
            }
            continue;
        }
        progress = true;
        offset = start;         /* the bits up to here are clean now */
        job_progress_update(job, count);
        if (r->since_sync >= QUORUM_RESYNC_SYNC_EVERY) {
            r->since_sync = 0;
            quorum_dirty_log_sync(s->dirty_log);
        }
        delay = block_job_ratelimit_delay(&r->common, copied);
        job_sleep_ns(job, delay);
    }
    if (ret == -EAGAIN) {
        ret = 0;        /* a step to come again: not an error of the job */
    }
    if (ret >= 0 && r->unreadable && !job_is_cancelled(job)) {
        error_setg(errp, "Resync of child '%s' left %" PRId64 " bytes from "
                   "offset %" PRId64 " dirty: no majority to copy from",
                   r->child->name, bdrv_get_dirty_count(dirty),
                   r->first_unreadable);
        ret = r->unreadable_err;
    }
    /* The cleared bits to the file: a restart then knows it is clean. */
    if (quorum_dirty_log_sync(s->dirty_log) < 0 && ret >= 0 &&
        !job_is_cancelled(job)) {
        error_setg(errp, "Could not write dirty-bitmap-file '%s'",
                   quorum_dirty_log_path(s->dirty_log));
        ret = -EIO;
    }
    return ret < 0 ? ret : 0;
}

static void quorum_resync_clean(Job *job)
{
    QuorumResyncJob *r = to_resync(job);

    if (r->st && r->st->resync == job) {
        r->st->resync = NULL;
    }
    r->st = NULL;
}

static void quorum_resync_free(Job *job)
{
    QuorumResyncJob *r = to_resync(job);

    quorum_resync_clean(job);
    qemu_vfree(r->buf);
    block_job_free(job);
}

static const JobDriver quorum_resync_job_driver = {
    .instance_size = sizeof(QuorumResyncJob),
    .job_type = JOB_TYPE_X_QUORUM_RESYNC,
    .run = quorum_resync_run,
    .clean = quorum_resync_clean,
    .free = quorum_resync_free,
};

bool quorum_resync_child(BlockDriverState *bs, const char *job_id,
                         BdrvChild *child, int64_t speed, Error **errp)
{
    BDRVQuorumState *s = bs->opaque;
    QuorumChildStats *st = quorum_child_stats(s, child);
    QuorumResyncJob *r;

    if (st->resync) {
        error_setg(errp, "Child '%s' of node '%s' is already being resynced "
                   "by job '%s'", child->name, bdrv_get_node_name(bs),
                   st->resync->id);
        return false;
    }
    if (!st->dirty) {
        error_setg(errp, "Child '%s' of node '%s' keeps no dirty bitmap",
                   child->name, bdrv_get_node_name(bs));
        return false;
    }
    /*
     * The job reads the quorum and writes data the quorum already shows
     * into a child: WRITE_UNCHANGED, and everybody else may do anything.
     */
    r = block_job_create(job_id, &quorum_resync_job_driver, bs,
                         BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE_UNCHANGED,
                         BLK_PERM_ALL, speed, 0, errp);
    if (!r) {
        return false;
    }
    r->child = child;
    r->st = st;
    st->resync = &r->common.job;
    job_start(&r->common.job);
    return true;
}

/* ---------- Automatic starts ---------- */

typedef struct QuorumResyncAuto {
    BlockDriverState *bs;
    char *child;
} QuorumResyncAuto;

/* A job id from the node and child names: "resync-q0-children.1". */
static char *quorum_resync_auto_id(BlockDriverState *bs, BdrvChild *child)
{
    g_autofree char *base = g_strdup_printf("resync-%s-%s",
                                            bdrv_get_node_name(bs),
                                            child->name);

    for (char *p = base; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '.' && *p != '_') {
            *p = '_';           /* "#block123" is no valid job id */
        }
    }
    for (int n = 1; ; n++) {
        char *id = n == 1 ? g_strdup(base) :
                   g_strdup_printf("%s-%d", base, n);

        if (!job_get(id)) {
            return id;
        }
        g_free(id);
    }
}

static void quorum_resync_auto_bh(void *opaque)
{
    QuorumResyncAuto *a = opaque;
    BdrvChild *child = a->bs->drv ? bdrv_find_child(a->bs, a->child) : NULL;
    BDRVQuorumState *s = a->bs->opaque;
    Error *err = NULL;

    /* The child may have gone, or be clean or in a resync by now. */
    if (child && s->dirty_log) {
        QuorumChildStats *st = quorum_child_stats(s, child);

        if (st->dirty && bdrv_get_dirty_count(st->dirty) && !st->resync) {
            g_autofree char *id = quorum_resync_auto_id(a->bs, child);

            if (!quorum_resync_child(a->bs, id, child, 0, &err)) {
                error_prepend(&err, "quorum: no resync of '%s': ",
                              child->name);
                error_report_err(err);
            }
        }
    }
    bdrv_unref(a->bs);
    g_free(a->child);
    g_free(a);
}

void quorum_resync_start_auto(BlockDriverState *bs, BdrvChild *child)
{
    BDRVQuorumState *s = bs->opaque;
    QuorumChildStats *st = quorum_child_stats(s, child);
    QuorumResyncAuto *a;

    if (!st->dirty || !bdrv_get_dirty_count(st->dirty) || st->resync) {
        return;
    }
    /* From the main loop, not from inside the child's I/O path. */
    a = g_new0(QuorumResyncAuto, 1);
    a->bs = bs;
    a->child = g_strdup(child->name);
    bdrv_ref(bs);
    aio_bh_schedule_oneshot(quorum_resync_auto_bh, a);
}
