/*
 * Mirror: copy a node to a target while the node is in use, then let the
 * target take its place (or another node's: @replaces, as QEMU's repair
 * of a broken quorum child).
 *
 * A dirty bitmap on the source drives the copy.  sync=full starts with
 * all of it dirty, sync=none with nothing; every write to the source
 * marks its range once it completes, so a range copied while a write was
 * in flight is copied again.  When nothing is dirty and nothing is in
 * flight the job is ready; job-complete ends it, and in the same main
 * loop turn (nothing else runs in between) the target replaces the node
 * in every parent.  A soft cancel of a ready job ends it without the
 * switch, as in QEMU.
 */
#include "qemu/osdep.h"
#include "block/blockjob.h"
#include "block/dirty-bitmap.h"
#include "block/mirror.h"

#define MIRROR_SLICE_NS       (100 * 1000 * 1000LL)
#define MIRROR_MAX_IN_FLIGHT  16
#define MIRROR_MAX_CHUNK      (1 * MiB)     /* one copy operation at most */

typedef struct MirrorBlockJob {
    BlockJob common;
    BdrvChild *target;
    BlockDriverState *to_replace;   /* referenced while the job lives */
    BdrvDirtyBitmap *dirty;     /* on the source */
    MirrorSyncMode sync;
    uint32_t granularity;
    int64_t buf_size;
    BlockdevOnError on_source_error;
    BlockdevOnError on_target_error;
    bool should_complete;
    bool synced;                /* ready was reached once */
    bool quiesced;              /* source held from the end of run() */
    int in_flight;
    int64_t bytes_in_flight;
    int ret;                    /* first reported error */
    bool waiting_for_op;        /* the job yields until an op finishes */
} MirrorBlockJob;

typedef struct MirrorOp {
    MirrorBlockJob *s;
    int64_t offset;
    int64_t bytes;
    bool zero;                  /* the source reads as zeroes there */
} MirrorOp;

static MirrorBlockJob *to_mirror(Job *job)
{
    return container_of(job, MirrorBlockJob, common.job);
}

/* An op failed: the range stays dirty; the policy decides the rest. */
static void mirror_op_error(MirrorOp *op, bool is_read, int ret)
{
    MirrorBlockJob *s = op->s;
    BlockErrorAction action;

    bdrv_set_dirty_bitmap(s->dirty, op->offset, op->bytes);
    action = block_job_error_action(&s->common, is_read ? s->on_source_error :
                                    s->on_target_error, is_read, -ret);
    if (action == BLOCK_ERROR_ACTION_REPORT && s->ret >= 0) {
        s->ret = ret;
    }
}

static void coroutine_fn mirror_op_co(void *opaque)
{
    MirrorOp *op = opaque;
    MirrorBlockJob *s = op->s;
    BlockDriverState *src = s->common.root->bs;
    int ret;

    if (op->zero) {
        /* As QEMU's mirror (unmap=true): holes stay holes if they can. */
        ret = bdrv_co_pwrite_zeroes(s->target, op->offset, op->bytes,
                                    BDRV_REQ_MAY_UNMAP);
        if (ret < 0) {
            mirror_op_error(op, false, ret);
        }
    } else {
        void *buf = qemu_try_blockalign(src, op->bytes);
        QEMUIOVector qiov;

        if (!buf) {
            ret = -ENOMEM;
            mirror_op_error(op, true, ret);
            goto out;
        }
        qemu_iovec_init_buf(&qiov, buf, op->bytes);
        ret = bdrv_co_preadv(s->common.root, op->offset, op->bytes, &qiov, 0);
        if (ret < 0) {
            mirror_op_error(op, true, ret);
        } else {
            ret = bdrv_co_pwritev(s->target, op->offset, op->bytes, &qiov, 0);
            if (ret < 0) {
                mirror_op_error(op, false, ret);
            }
        }
        qemu_vfree(buf);
    }
out:
    if (ret >= 0) {
        job_progress_update(&s->common.job, op->bytes);
    }
    s->in_flight--;
    s->bytes_in_flight -= op->bytes;
    g_free(op);
    if (s->waiting_for_op) {
        s->waiting_for_op = false;
        job_enter(&s->common.job);
    }
}

/* The target's cache to disk; a failure follows on-target-error. */
static int coroutine_fn mirror_flush(MirrorBlockJob *s)
{
    int ret = bdrv_co_flush(s->target->bs);

    if (ret < 0 &&
        block_job_error_action(&s->common, s->on_target_error, false,
                               -ret) == BLOCK_ERROR_ACTION_REPORT &&
        s->ret >= 0) {
        s->ret = ret;
    }
    return ret;
}

/* Wait until one op finishes. */
static void coroutine_fn mirror_wait_for_op(MirrorBlockJob *s)
{
    s->waiting_for_op = true;
    job_yield(&s->common.job);
    s->waiting_for_op = false;
}

static void mirror_start_op(MirrorBlockJob *s, int64_t offset, int64_t bytes,
                            bool zero)
{
    MirrorOp *op = g_new0(MirrorOp, 1);

    op->s = s;
    op->offset = offset;
    op->bytes = bytes;
    op->zero = zero;
    s->in_flight++;
    s->bytes_in_flight += bytes;
    qemu_coroutine_enter(qemu_coroutine_create(mirror_op_co, op));
}

/*
 * Take the first dirty area (contiguous, at most buf-size), and copy it in
 * ops split by the source's block status, as QEMU's mirror_iteration():
 * zero extents of whole granules are written as zeroes, data extents are
 * read and written, at most 1 MiB per op; all count against the speed
 * limit.  Returns how long to wait
 * before the next iteration to keep to the job's speed.
 */
static int64_t coroutine_fn mirror_iteration(MirrorBlockJob *s)
{
    BlockDriverState *src = s->common.root->bs;
    int64_t len = bdrv_getlength(src);
    int64_t start, count, offset, end, delay = 0;

    if (!bdrv_dirty_bitmap_next_dirty_area(s->dirty, 0, s->buf_size,
                                           &start, &count)) {
        return 0;
    }
    end = MIN(start + count, len);
    bdrv_reset_dirty_bitmap(s->dirty, start, count);
    for (offset = start; offset < end; ) {
        int64_t pnum = 0, map, io;
        BlockDriverState *file;
        bool zero = false;
        int ret;

        while (s->in_flight >= MIRROR_MAX_IN_FLIGHT) {
            mirror_wait_for_op(s);
        }
        ret = bdrv_co_block_status(src, true, offset, end - offset, &pnum,
                                   &map, &file);
        io = QEMU_ALIGN_DOWN(pnum, s->granularity);
        if (ret < 0 || io < s->granularity) {
            io = s->granularity;
        } else if (!(ret & BDRV_BLOCK_DATA) && (ret & BDRV_BLOCK_ZERO)) {
            zero = true;
        }
        io = MIN(MIN(io, end - offset), MIRROR_MAX_CHUNK);
        mirror_start_op(s, offset, io, zero);
        delay = block_job_ratelimit_delay(&s->common, io);
        offset += io;
    }
    return delay;
}

static int coroutine_fn mirror_run(Job *job, Error **errp)
{
    MirrorBlockJob *s = to_mirror(job);
    BlockDriverState *src = s->common.root->bs;
    int64_t len = bdrv_getlength(src);
    int64_t target_len = bdrv_getlength(s->target->bs);

    if (len < 0 || target_len < 0) {
        error_setg_errno(errp, -(len < 0 ? len : target_len),
                         "could not get length of device");
        return len < 0 ? len : target_len;
    }
    if (target_len != len) {
        error_setg(errp, "Source and target image have different sizes");
        return -EINVAL;
    }
    if (s->sync == MIRROR_SYNC_MODE_FULL) {
        bdrv_set_dirty_bitmap(s->dirty, 0, len);
    }
    /*
     * Let the command that started the job answer before the first
     * read, however fast the source is (QEMU's mirror yields here too).
     */
    job_sleep_ns(job, 0);
    for (;;) {
        int64_t cnt, delay = 0;

        if (s->ret < 0 || job_is_cancelled(job)) {
            break;
        }
        cnt = bdrv_get_dirty_count(s->dirty);
        job_progress_set_remaining(job, s->bytes_in_flight + cnt);
        if (cnt > 0 && s->in_flight < MIRROR_MAX_IN_FLIGHT &&
            s->bytes_in_flight < s->buf_size) {
            delay = mirror_iteration(s);
            if (delay) {
                job_sleep_ns(job, delay);
            }
            continue;
        }
        if (cnt > 0 || s->in_flight > 0) {
            if (s->in_flight > 0) {
                mirror_wait_for_op(s);
            } else {
                job_pause_point(job);   /* stopped on an error */
                job_sleep_ns(job, 0);
            }
            continue;
        }
        /* Nothing dirty, nothing in flight: in sync once on disk. */
        if (!s->synced) {
            if (mirror_flush(s) < 0) {
                continue;
            }
            s->synced = true;
            job_transition_to_ready(job);
        }
        /* A soft cancel of a ready mirror ends it, without the switch. */
        if (s->should_complete || job_cancel_requested(job)) {
            /*
             * Hold the source's users until the switch (in prepare, maybe
             * only at job-finalize), and copy what they wrote meanwhile.
             */
            bdrv_co_quiesce_begin(src);
            if (bdrv_get_dirty_count(s->dirty) > 0 || mirror_flush(s) < 0) {
                bdrv_quiesce_end(src);
                continue;
            }
            s->quiesced = true;
            break;
        }
        /* Poll for new writes, as QEMU does, until completed. */
        job_sleep_ns(job, MIRROR_SLICE_NS);
    }
    while (s->in_flight > 0) {
        mirror_wait_for_op(s);
    }
    if (s->ret < 0) {
        return s->ret;
    }
    return 0;
}

static void mirror_complete(Job *job, Error **errp)
{
    MirrorBlockJob *s = to_mirror(job);

    if (!s->synced) {
        error_setg(errp, "The active block job '%s' cannot be completed",
                   job->id);
        return;
    }
    s->should_complete = true;
    job_enter(job);
}

static bool mirror_cancel(Job *job, bool force)
{
    MirrorBlockJob *s = to_mirror(job);

    /* A soft cancel of a ready mirror ends it without the switch. */
    if (!force && s->synced) {
        s->should_complete = false;
        job_enter(job);
        return false;
    }
    return true;
}

/* The switch: @to_replace's parents use the target from now on. */
static int mirror_prepare(Job *job)
{
    MirrorBlockJob *s = to_mirror(job);
    Error *err = NULL;

    /*
     * Nothing writes the target any more.  Let go of what the job took
     * on it first, as QEMU does: the parents that move over (a quorum,
     * which does not share WRITE) would conflict with it.
     */
    bdrv_child_set_perm(s->target, 0, BLK_PERM_ALL, NULL);
    if (!s->should_complete || job_cancel_requested(job)) {
        return 0;
    }
    if (bdrv_replace_node(s->to_replace, s->target->bs, &err) < 0) {
        error_propagate(&job->err, err);
        return -EPERM;
    }
    return 0;
}

static void mirror_clean(Job *job)
{
    MirrorBlockJob *s = to_mirror(job);

    bdrv_release_dirty_bitmap(s->dirty);
    s->dirty = NULL;
    /* Held requests go on, to the target if the switch was made. */
    if (s->quiesced) {
        s->quiesced = false;
        bdrv_quiesce_end(s->common.root->bs);
    }
    /* As QEMU: a job that has ended holds no node, dismissed or not. */
    s->target = NULL;
    block_job_remove_all_bdrv(&s->common);
}

static void mirror_free(Job *job)
{
    MirrorBlockJob *s = to_mirror(job);

    bdrv_release_dirty_bitmap(s->dirty);
    block_job_free(job);
    bdrv_unref(s->to_replace);
}

static const JobDriver mirror_job_driver = {
    .instance_size = sizeof(MirrorBlockJob),
    .job_type = JOB_TYPE_MIRROR,
    .run = mirror_run,
    .complete = mirror_complete,
    .cancel = mirror_cancel,
    .prepare = mirror_prepare,
    .clean = mirror_clean,
    .free = mirror_free,
};

bool mirror_start(const char *job_id, BlockDriverState *bs,
                  BlockDriverState *target, BlockDriverState *to_replace,
                  MirrorSyncMode sync, int64_t speed, uint32_t granularity,
                  int64_t buf_size, BlockdevOnError on_source_error,
                  BlockdevOnError on_target_error, int flags, Error **errp)
{
    MirrorBlockJob *s;

    /*
     * The job reads the source and lets everybody else use it.  It owns
     * the target, as QEMU's: while it is being filled nobody else may
     * write it, nor read it as if it were consistent.
     */
    s = block_job_create(job_id, &mirror_job_driver, bs,
                         BLK_PERM_CONSISTENT_READ, BLK_PERM_ALL,
                         speed, flags, errp);
    if (!s) {
        return false;
    }
    s->target = block_job_add_bdrv(&s->common, target, BLK_PERM_WRITE,
                                   BLK_PERM_WRITE_UNCHANGED, errp);
    if (!s->target) {
        goto fail;
    }
    s->dirty = bdrv_create_dirty_bitmap(bs, granularity, errp);
    if (!s->dirty) {
        goto fail;
    }
    bdrv_ref(to_replace);
    s->to_replace = to_replace;
    s->sync = sync;
    s->granularity = granularity;
    s->buf_size = buf_size;
    s->on_source_error = on_source_error;
    s->on_target_error = on_target_error;
    job_start(&s->common.job);
    return true;

fail:
    job_early_fail(&s->common.job);     /* created -> null, edges freed */
    return false;
}
