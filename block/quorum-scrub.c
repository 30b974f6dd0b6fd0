/*
 * Scrub: read every range of every child, vote on each block, report
 * the losers and optionally rewrite them with the majority's data,
 * before anybody reads them (QEMU repairs only what is read).  The core,
 * quorum_co_scrub(), serves the scrub job (x-quorum-scrub) and the
 * offline check (qemu-img quorum-check).
 *
 * A write to the quorum that overlaps the reads makes children differ
 * for a moment without any of them being bad: such a range is not
 * reported, it is scrubbed again (the write watch of block/io.c).  A
 * repair is written only through the watch's fence, as read repair.
 */
#include "qemu/osdep.h"
#include "block/blockjob.h"
#include "block/quorum.h"
#include "block/quorum-int.h"
#include "block/quorum-vote.h"

#define QUORUM_SCRUB_CHUNK       (1 * MiB)
#define QUORUM_SCRUB_MAX_BUSY    100    /* retries of a range under writes */
#define QUORUM_SCRUB_SAVE_EVERY  (64 * MiB)

bool quorum_is_quorum(BlockDriverState *bs)
{
    return bs->drv && !strcmp(bs->drv->format_name, "quorum");
}

int quorum_num_children(BlockDriverState *bs)
{
    return ((BDRVQuorumState *)bs->opaque)->num_children;
}

BdrvChild *quorum_get_child(BlockDriverState *bs, int i)
{
    return ((BDRVQuorumState *)bs->opaque)->children[i];
}

typedef struct ScrubRead {
    BlockDriverState *bs;
    BdrvChild *child;
    int64_t offset;
    QEMUIOVector qiov;
    int ret;
    int *pending;
    bool *waiting;              /* the scrub yields for the reads */
    Coroutine *co;
} ScrubRead;

static void coroutine_fn quorum_scrub_read_entry(void *opaque)
{
    ScrubRead *r = opaque;

    r->ret = bdrv_co_preadv(r->child, r->offset, r->qiov.size, &r->qiov, 0);
    /*
     * A read that completes without yielding (null-co) ends while the
     * scrub still runs: waking it then would resume it later, in the
     * middle of something else (job_sleep_ns()).
     */
    if (--*r->pending == 0 && *r->waiting) {
        aio_co_wake(r->co);
    }
}

/* Add @child's range to the findings, merged with its previous one. */
static void scrub_add(GArray *found, int child, int64_t offset, int64_t bytes,
                      int err)
{
    if (found->len) {
        QuorumScrubFinding *last = &g_array_index(found, QuorumScrubFinding,
                                                  found->len - 1);

        if (last->child == child && last->err == err &&
            last->offset + last->bytes == offset) {
            last->bytes += bytes;
            return;
        }
    }
    g_array_append_val(found, ((QuorumScrubFinding) {
        .child = child, .offset = offset, .bytes = bytes, .err = err }));
}

static gint scrub_finding_cmp(gconstpointer a, gconstpointer b)
{
    const QuorumScrubFinding *x = a, *y = b;

    /* Children highest first, as QEMU orders its reports; then offset. */
    if (x->child != y->child) {
        return y->child - x->child;
    }
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int coroutine_fn quorum_co_scrub(BlockDriverState *bs, int64_t offset,
                                 int64_t bytes, bool repair,
                                 QuorumScrubResult *res)
{
    BDRVQuorumState *s = bs->opaque;
    int n = s->num_children;
    int64_t block = s->vote_granularity ? s->vote_granularity :
                    QUORUM_SCRUB_BLOCK;
    g_autofree ScrubRead *reads = g_new0(ScrubRead, n);
    g_autofree QEMUIOVector **ptrs = g_new0(QEMUIOVector *, n);
    g_autofree QEMUIOVector *slices = g_new(QEMUIOVector, n);
    g_autoptr(GArray) found = g_array_new(false, false,
                                          sizeof(QuorumScrubFinding));
    size_t stride = QEMU_ALIGN_UP(bytes, bdrv_opt_mem_align(bs));
    /* n read areas, then the majority's data, block by block */
    size_t capacity;
    uint8_t *buf = quorum_get_bounce(s, bs, stride * (n + 1), &capacity);
    uint8_t *maj = buf ? buf + n * stride : NULL;
    BdrvWriteWatch watch;
    int pending = 0, readable = 0, ret = 0;
    bool differ = false, waiting = false;

    assert(bytes <= QUORUM_SCRUB_CHUNK);
    if (!buf) {
        return -ENOMEM;
    }
    bdrv_write_watch_begin(bs, &watch, offset, bytes);
    for (int i = 0; i < n; i++) {
        reads[i].ret = -ESTALE;
        /* A child known stale here is resync's business, not a finding. */
        if (quorum_child_is_dirty(s, s->children[i], offset, bytes)) {
            continue;
        }
        reads[i] = (ScrubRead) {
            .bs = bs, .child = s->children[i], .offset = offset,
            .pending = &pending, .waiting = &waiting,
            .co = qemu_coroutine_self(),
        };
        qemu_iovec_init_buf(&reads[i].qiov, buf + i * stride, bytes);
        pending++;
    }
    for (int i = 0, started = pending; i < n && started; i++) {
        if (reads[i].co) {
            started--;
            qemu_coroutine_enter(qemu_coroutine_create(
                quorum_scrub_read_entry, &reads[i]));
        }
    }
    while (pending) {
        waiting = true;
        qemu_coroutine_yield();
        waiting = false;
    }
    for (int i = 0; i < n; i++) {
        if (!reads[i].ret) {
            ptrs[i] = &reads[i].qiov;
            readable++;
        }
    }
    if (!readable) {
        ret = -EIO;
        goto out;
    }
    /* The common case: every child that answered holds the same data. */
    for (int i = 0, first = -1; i < n; i++) {
        if (ptrs[i] && first < 0) {
            first = i;
            memcpy(maj, buf + i * stride, bytes);
        } else if (ptrs[i] && qemu_iovec_compare(ptrs[first], ptrs[i]) >= 0) {
            differ = true;
        }
    }
    for (int64_t pos = offset; differ && pos < offset + bytes; ) {
        int64_t next = MIN(QEMU_ALIGN_DOWN(pos, block) + block,
                           offset + bytes);
        QEMUIOVector *bp[n];
        QuorumVote vote;
        int w;

        for (int i = 0; i < n; i++) {
            bp[i] = NULL;
            if (ptrs[i]) {
                qemu_iovec_init_slice(&slices[i], ptrs[i], pos - offset,
                                      next - pos);
                bp[i] = &slices[i];
            }
        }
        quorum_vote_init(&vote, n);
        w = quorum_vote_count(&vote, bp, quorum_hash_sha256);
        if (w >= 0 && vote.versions[w].votes >= s->threshold) {
            for (int i = 0; i < n; i++) {
                if (vote.version_of[i] >= 0 && vote.version_of[i] != w) {
                    scrub_add(found, i, pos, next - pos, 0);
                }
            }
            qemu_iovec_to_buf(&slices[vote.versions[w].first], 0,
                              maj + (pos - offset), next - pos);
        } else if (w >= 0 || w == -ENOENT) {
            if (!res->unrecoverable) {
                res->first_unrecoverable = pos;
            }
            res->unrecoverable += next - pos;
            if (res->no_majority) {
                QuorumScrubRange *last = res->no_majority->len ?
                    &g_array_index(res->no_majority, QuorumScrubRange,
                                   res->no_majority->len - 1) : NULL;

                if (last && last->offset + last->bytes == pos) {
                    last->bytes += next - pos;
                } else {
                    g_array_append_val(res->no_majority, ((QuorumScrubRange) {
                        .offset = pos, .bytes = next - pos }));
                }
            }
        } else {
            ret = w;
        }
        quorum_vote_destroy(&vote);
        for (int i = 0; i < n; i++) {
            if (bp[i]) {
                qemu_iovec_destroy(&slices[i]);
            }
        }
        if (ret < 0) {
            goto out;
        }
        pos = next;
    }
    /* A read error is a finding too: the range can be rewritten. */
    for (int i = 0; i < n; i++) {
        if (reads[i].ret < 0 && reads[i].ret != -ESTALE) {
            scrub_add(found, i, offset, bytes, -reads[i].ret);
        }
    }
    if (watch.overlapped) {
        /* Maybe nobody is bad: the children saw different moments. */
        res->unrecoverable = 0;
        ret = -EAGAIN;
        goto out;
    }
    g_array_sort(found, scrub_finding_cmp);
    for (guint k = 0; k < found->len; k++) {
        QuorumScrubFinding *f = &g_array_index(found, QuorumScrubFinding, k);

        quorum_report_bad(bs, s->children[f->child], QUORUM_OP_TYPE_READ,
                          f->offset, f->bytes, -f->err);
    }
    /*
     * Only ranges with a majority: a lost vote's range had one; a read
     * error's range (the whole request) only if every block had one.
     */
    if (repair && found->len && bdrv_write_watch_fence(bs, &watch)) {
        for (guint k = 0; k < found->len; k++) {
            QuorumScrubFinding *f = &g_array_index(found, QuorumScrubFinding,
                                                   k);
            QEMUIOVector data;

            if (f->err && res->unrecoverable) {
                continue;
            }
            qemu_iovec_init_buf(&data, maj + (f->offset - offset), f->bytes);
            if (bdrv_co_pwritev(s->children[f->child], f->offset, f->bytes,
                                &data, BDRV_REQ_WRITE_UNCHANGED) == 0) {
                f->repaired = true;
                quorum_child_stats(s, s->children[f->child])->repaired_bytes
                    += f->bytes;
            }
        }
    }
    g_array_append_vals(res->findings, found->data, found->len);
out:
    bdrv_write_watch_end(bs, &watch);
    quorum_put_bounce(s, buf, capacity);
    return ret;
}

/* ---------- The job ---------- */

typedef struct QuorumScrubJob {
    BlockJob common;
    bool repair;
    int64_t start;
    int64_t bad_bytes;
    int64_t repaired_bytes;
    int64_t unrecoverable;
    int64_t first_unrecoverable;
    int64_t busy_skipped;       /* ranges always under writes */
} QuorumScrubJob;

static QuorumScrubJob *to_scrub(Job *job)
{
    return container_of(job, QuorumScrubJob, common.job);
}

static int coroutine_fn quorum_scrub_run(Job *job, Error **errp)
{
    QuorumScrubJob *j = to_scrub(job);
    BlockDriverState *bs = j->common.root->bs;
    BDRVQuorumState *s = bs->opaque;
    int64_t len = bdrv_getlength(bs);
    int64_t offset = j->start, since_save = 0;
    int busy = 0;
    int ret = 0;

    if (len < 0) {
        error_setg_errno(errp, -len, "could not get length of device");
        return len;
    }
    offset = MIN(offset, len);
    job_progress_set_remaining(job, len - offset);
    job_sleep_ns(job, 0);
    while (offset < len && !job_is_cancelled(job)) {
        int64_t bytes = MIN(QUORUM_SCRUB_CHUNK, len - offset);
        QuorumScrubResult res = {
            .findings = g_array_new(false, false, sizeof(QuorumScrubFinding)),
        };

        ret = quorum_co_scrub(bs, offset, bytes, j->repair, &res);
        if (ret == -EAGAIN && ++busy < QUORUM_SCRUB_MAX_BUSY) {
            g_array_free(res.findings, true);
            job_sleep_ns(job, 1000 * 1000);     /* let the writes pass */
            continue;
        }
        for (guint k = 0; k < res.findings->len; k++) {
            QuorumScrubFinding *f = &g_array_index(res.findings,
                                                   QuorumScrubFinding, k);

            j->bad_bytes += f->bytes;
            j->repaired_bytes += f->repaired ? f->bytes : 0;
        }
        g_array_free(res.findings, true);
        if (ret == -EAGAIN) {
            j->busy_skipped += bytes;
        } else if (ret < 0) {
            error_setg_errno(errp, -ret, "Scrub of node '%s' could not read "
                             "offset %" PRId64, bdrv_get_node_name(bs),
                             offset);
            break;
        }
        if (res.unrecoverable && !j->unrecoverable) {
            j->first_unrecoverable = res.first_unrecoverable;
        }
        j->unrecoverable += res.unrecoverable;
        ret = 0;
        busy = 0;
        offset += bytes;
        since_save += bytes;
        job_progress_update(job, bytes);
        if (since_save >= QUORUM_SCRUB_SAVE_EVERY) {
            since_save = 0;
            quorum_dirty_log_set_scrub_pos(s->dirty_log, offset);
        }
        job_sleep_ns(job, block_job_ratelimit_delay(&j->common,
                                                    bytes * s->num_children));
    }
    /* Where to resume: here if cancelled, from the start if done. */
    quorum_dirty_log_set_scrub_pos(s->dirty_log, offset < len ? offset : 0);
    if (ret >= 0 && j->unrecoverable && !job_is_cancelled(job)) {
        error_setg(errp, "Scrub of node '%s' found %" PRId64 " bytes from "
                   "offset %" PRId64 " without a majority",
                   bdrv_get_node_name(bs), j->unrecoverable,
                   j->first_unrecoverable);
        ret = -EIO;
    }
    return ret;
}

static const JobDriver quorum_scrub_job_driver = {
    .instance_size = sizeof(QuorumScrubJob),
    .job_type = JOB_TYPE_X_QUORUM_SCRUB,
    .run = quorum_scrub_run,
    .free = block_job_free,
};

bool quorum_scrub_start(BlockDriverState *bs, const char *job_id,
                        bool repair, bool resume, int64_t speed,
                        Error **errp)
{
    BDRVQuorumState *s = bs->opaque;
    QuorumScrubJob *j;

    if (!quorum_is_quorum(bs)) {
        error_setg(errp, "Node '%s' is not a quorum", bdrv_get_node_name(bs));
        return false;
    }
    /* Repairs rewrite children with what the quorum shows already. */
    j = block_job_create(job_id, &quorum_scrub_job_driver, bs,
                         BLK_PERM_CONSISTENT_READ |
                         (repair ? BLK_PERM_WRITE_UNCHANGED : 0),
                         BLK_PERM_ALL, speed, 0, errp);
    if (!j) {
        return false;
    }
    j->repair = repair;
    j->start = resume ? quorum_dirty_log_scrub_pos(s->dirty_log) : 0;
    job_start(&j->common.job);
    return true;
}
