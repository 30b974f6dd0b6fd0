/*
 * quorum: N replicas behind one node.  Writes go to every child; reads
 * go to every child and the children vote on the data (read-pattern
 * quorum), or go to the first child that works (read-pattern fifo).
 *
 * Behaviour and messages follow QEMU 7.2's driver=quorum.  One thing is
 * stronger: children are grouped into versions by hash *and* bytes, so a
 * hash collision can never decide a vote (see block/quorum-vote.c).
 *
 * This file is the request path; options, open, the graph and the
 * statistics are in block/quorum-graph.c, resync in quorum-resync.c.
 */
#include "qemu/osdep.h"
#include "block/quorum-int.h"
#include "block/quorum-vote.h"

/* Children handled without a heap array for the per-child state. */
#define QUORUM_INLINE_CHILDREN 8
/* Re-reads of a request whose vote a concurrent write spoiled. */
#define QUORUM_READ_RETRIES 3
/* x-complete-at-threshold: how far one child may fall behind. */
#define QUORUM_MAX_LAGS      256
#define QUORUM_MAX_LAG_BYTES (64 * MiB)
/* Largest bounce area kept around between reads. */
#define QUORUM_SPARE_MAX (16 * MiB)

typedef struct QuorumAIOCB QuorumAIOCB;

typedef struct QuorumChildRequest {
    QuorumAIOCB *acb;
    int idx;
    bool skip;                  /* reads: the child missed part of it */
    bool done;
    QuorumLag lag;              /* writes that ended without this child */
    QEMUIOVector qiov;          /* bounce view (reads, children 1..n-1) */
    int ret;
} QuorumChildRequest;

struct QuorumAIOCB {
    BlockDriverState *bs;
    Coroutine *co;              /* the request's own coroutine */
    int64_t offset;
    int64_t bytes;
    QEMUIOVector *qiov;         /* the caller's data */
    BdrvRequestFlags flags;
    bool is_read;
    int num_children;           /* snapshot: children cannot change now */
    QuorumChildRequest *qcrs;
    int count;                  /* child requests finished */
    int success_count;
    int rewrite_count;          /* correcting writes still running */
    BdrvWriteWatch *watch;      /* reads: writes that overlapped them */
    bool may_retry;             /* a vote lost to a write may be re-read */
    bool retry;                 /* ... and it was */
    bool reread;                /* x-self-heal read it again already */
    int vote_ret;
    /*
     * x-complete-at-threshold: the request may end before every child
     * has; the children then go on with @bounce (the data of a write,
     * the areas of a read) and the last one frees the request.
     */
    bool early;
    bool returned;
    bool waiting;               /* in quorum_fan_out() */
    int early_winner;           /* reads: a child whose version has won */
    void *bounce;
    size_t bounce_cap;
    QEMUIOVector bounce_qiov;
    QuorumChildRequest inline_qcrs[QUORUM_INLINE_CHILDREN];
};

/* ---------- Events ---------- */

void quorum_report_bad(BlockDriverState *bs, BdrvChild *child,
                       QuorumOpType type, int64_t offset, int64_t bytes,
                       int ret)
{
    int64_t start = offset / BDRV_SECTOR_SIZE;
    int64_t end = DIV_ROUND_UP(offset + bytes, BDRV_SECTOR_SIZE);

    quorum_stats_record(bs->opaque, child, type, ret, start, end - start);
    qapi_event_send_quorum_report_bad(type, ret < 0 ? strerror(-ret) : NULL,
                                      bdrv_get_node_name(child->bs), start,
                                      end - start);
}

static void quorum_report_failure(QuorumAIOCB *acb)
{
    int64_t start = acb->offset / BDRV_SECTOR_SIZE;
    int64_t end = DIV_ROUND_UP(acb->offset + acb->bytes, BDRV_SECTOR_SIZE);
    BDRVQuorumState *s = acb->bs->opaque;

    s->failures++;
    qapi_event_send_quorum_failure(bdrv_get_device_or_node_name(acb->bs),
                                   start, end - start);
}

static void quorum_report_bad_child(QuorumAIOCB *acb, int i, int ret)
{
    BDRVQuorumState *s = acb->bs->opaque;

    quorum_report_bad(acb->bs, s->children[i], acb->is_read ?
                      QUORUM_OP_TYPE_READ : QUORUM_OP_TYPE_WRITE,
                      acb->offset, acb->bytes, ret);
}

/*
 * x-self-heal: a read without a majority is read once more, from every
 * child, before it fails.  An error and a bit flipped on the way in the
 * same request are mostly chance, and a second look usually finds two
 * children that agree.  QEMU fails at once; so does the default.
 */
static bool quorum_heal_reread(QuorumAIOCB *acb)
{
    BDRVQuorumState *s = acb->bs->opaque;

    if (!s->self_heal || !acb->is_read || acb->reread) {
        return false;
    }
    acb->reread = acb->retry = true;
    return true;
}

/* A bounce area: a spare that fits, else a new one. */
void *quorum_get_bounce(BDRVQuorumState *s, BlockDriverState *bs,
                        size_t size, size_t *capacity)
{
    for (int i = s->nr_spare - 1; i >= 0; i--) {
        if (s->spare_size[i] >= size) {
            void *buf = s->spare_buf[i];

            *capacity = s->spare_size[i];
            s->nr_spare--;
            s->spare_buf[i] = s->spare_buf[s->nr_spare];
            s->spare_size[i] = s->spare_size[s->nr_spare];
            return buf;
        }
    }
    *capacity = size;
    return qemu_try_blockalign(bs, size);
}

/*
 * Keep @buf for the next request, within a count and size cap.  When
 * the spares are all taken, a bigger area replaces the smallest: after
 * a deep queue of small reads filled them, every 1 MiB read otherwise
 * allocated and freed its area, and faulted in fresh pages each time
 * (NBD export, quorum of three on tmpfs: 1,500 -> 150 reads/s).
 */
void quorum_put_bounce(BDRVQuorumState *s, void *buf, size_t capacity)
{
    if (capacity > QUORUM_SPARE_MAX) {
        qemu_vfree(buf);
        return;
    }
    if (s->nr_spare == QUORUM_SPARE_COUNT) {
        int min = 0;

        for (int i = 1; i < s->nr_spare; i++) {
            if (s->spare_size[i] < s->spare_size[min]) {
                min = i;
            }
        }
        if (s->spare_size[min] >= capacity) {
            qemu_vfree(buf);
            return;
        }
        qemu_vfree(s->spare_buf[min]);
        s->spare_buf[min] = buf;
        s->spare_size[min] = capacity;
        return;
    }
    s->spare_buf[s->nr_spare] = buf;
    s->spare_size[s->nr_spare] = capacity;
    s->nr_spare++;
}

/* ---------- Requests ---------- */

static void quorum_aio_init(QuorumAIOCB *acb, BlockDriverState *bs,
                            int64_t offset, int64_t bytes, QEMUIOVector *qiov,
                            BdrvRequestFlags flags, bool is_read)
{
    BDRVQuorumState *s = bs->opaque;
    int n = s->num_children;

    acb->bs = bs;
    acb->co = qemu_coroutine_self();
    acb->offset = offset;
    acb->bytes = bytes;
    acb->qiov = qiov;
    acb->flags = flags;
    acb->is_read = is_read;
    acb->num_children = n;
    acb->count = acb->success_count = acb->rewrite_count = 0;
    acb->vote_ret = 0;
    acb->watch = NULL;
    acb->may_retry = acb->retry = acb->reread = false;
    acb->early = s->complete_at_threshold;
    acb->returned = false;
    acb->waiting = false;
    acb->early_winner = -1;
    acb->bounce = NULL;
    acb->bounce_cap = 0;
    acb->qcrs = n <= QUORUM_INLINE_CHILDREN ? acb->inline_qcrs :
                g_new(QuorumChildRequest, n);
    for (int i = 0; i < n; i++) {
        acb->qcrs[i].acb = acb;
        acb->qcrs[i].idx = i;
        acb->qcrs[i].ret = 0;
        acb->qcrs[i].skip = false;
        acb->qcrs[i].done = false;
        acb->qcrs[i].lag.active = false;
    }
}

static void quorum_aio_free(QuorumAIOCB *acb)
{
    BDRVQuorumState *s = acb->bs->opaque;

    if (acb->bounce) {
        quorum_put_bounce(s, acb->bounce, acb->bounce_cap);
    }
    if (acb->qcrs != acb->inline_qcrs) {
        g_free(acb->qcrs);
    }
    if (acb->early) {
        g_free(acb);
    }
}

/* The request ends; children still running keep @acb and the node. */
static void quorum_aio_finalize(QuorumAIOCB *acb)
{
    if (acb->early && acb->count < acb->num_children) {
        acb->returned = true;
        bdrv_inc_in_flight(acb->bs);
        return;
    }
    quorum_aio_free(acb);
}

/*
 * x-complete-at-threshold: has the request what it needs already?  A
 * write may leave a child behind only while that child has fewer than
 * QUORUM_MAX_LAGS late writes and QUORUM_MAX_LAG_BYTES of their data:
 * a replica that cannot keep up at all slows the volume down again
 * rather than grow the daemon without bound.
 */
static bool quorum_early_ready(QuorumAIOCB *acb)
{
    BDRVQuorumState *s = acb->bs->opaque;

    if (!acb->early) {
        return false;
    }
    if (acb->is_read) {
        return acb->early_winner >= 0;
    }
    if (acb->success_count < s->threshold) {
        return false;
    }
    for (int i = 0; i < acb->num_children; i++) {
        QuorumChildStats *st = quorum_child_stats(s, s->children[i]);

        if (!acb->qcrs[i].done && (st->nr_lags >= QUORUM_MAX_LAGS ||
                                   st->lag_bytes >= QUORUM_MAX_LAG_BYTES)) {
            return false;
        }
    }
    return true;
}

/*
 * Start one coroutine per child and wait until all have finished, or
 * with x-complete-at-threshold until enough have.
 */
static void coroutine_fn quorum_fan_out(QuorumAIOCB *acb,
                                        CoroutineEntry *entry)
{
    for (int i = 0; i < acb->num_children; i++) {
        qemu_coroutine_enter(qemu_coroutine_create(entry, &acb->qcrs[i]));
    }
    while (acb->count < acb->num_children && !quorum_early_ready(acb)) {
        acb->waiting = true;
        qemu_coroutine_yield();
        acb->waiting = false;
    }
}

/*
 * A child request is over.  The last one wakes the request, or frees it
 * when it has ended already; one that completes the threshold wakes it.
 */
static void quorum_child_done(QuorumAIOCB *acb)
{
    bool last = ++acb->count == acb->num_children;

    if (acb->returned) {
        if (last) {
            BlockDriverState *bs = acb->bs;

            quorum_aio_free(acb);
            bdrv_dec_in_flight(bs);
        }
        return;
    }
    /*
     * Only a request waiting in quorum_fan_out() may be woken: once early
     * it may wait on something else.  acb may be gone once the request
     * coroutine ran: touch it last.
     */
    if (acb->waiting && (last || quorum_early_ready(acb))) {
        qemu_coroutine_enter_if_inactive(acb->co);
    }
}

/* Too few children succeeded: vote on the errors and report failure. */
static bool quorum_has_too_much_io_failed(QuorumAIOCB *acb)
{
    BDRVQuorumState *s = acb->bs->opaque;
    int rets_inline[QUORUM_INLINE_CHILDREN] = { 0 };
    int *rets = rets_inline;

    if (acb->success_count >= s->threshold) {
        return false;
    }
    if (quorum_heal_reread(acb)) {
        acb->vote_ret = -EAGAIN;
        return true;
    }
    if (acb->num_children > QUORUM_INLINE_CHILDREN) {
        rets = g_new(int, acb->num_children);
    }
    for (int i = 0; i < acb->num_children; i++) {
        rets[i] = acb->qcrs[i].ret;
    }
    acb->vote_ret = quorum_vote_error(rets, acb->num_children);
    if (rets != rets_inline) {
        g_free(rets);
    }
    quorum_report_failure(acb);
    return true;
}

/* ---------- Reads ---------- */

static QEMUIOVector *quorum_child_qiov(QuorumAIOCB *acb, int i)
{
    /*
     * Child 0 reads straight into the caller's buffer, unless it may
     * still be reading when the request ends.
     */
    return i == 0 && !acb->early ? acb->qiov : &acb->qcrs[i].qiov;
}

/* Early reads: does child @i's version have the votes already? */
static void quorum_early_vote(QuorumAIOCB *acb, int i)
{
    BDRVQuorumState *s = acb->bs->opaque;
    int votes = 0;

    for (int j = 0; j < acb->num_children; j++) {
        if (acb->qcrs[j].done && !acb->qcrs[j].ret &&
            (j == i || qemu_iovec_compare(quorum_child_qiov(acb, i),
                                          quorum_child_qiov(acb, j)) < 0)) {
            votes++;
        }
    }
    if (votes >= s->threshold && acb->early_winner < 0) {
        acb->early_winner = i;
    }
}

/*
 * Child @i's part of the request.  x-self-heal tries a failure once more
 * (a flaky link, a timeout): a read then need not lose the child's vote,
 * a write need not leave a dirty range and a resync behind.
 */
static int coroutine_fn quorum_child_rw(QuorumAIOCB *acb, int i)
{
    BDRVQuorumState *s = acb->bs->opaque;
    BdrvChild *child = s->children[i];
    int attempt, ret;

    for (attempt = 0; ; attempt++) {
        if (acb->is_read) {
            ret = bdrv_co_preadv(child, acb->offset, acb->bytes,
                                 quorum_child_qiov(acb, i), 0);
        } else if (acb->flags & BDRV_REQ_ZERO_WRITE) {
            ret = bdrv_co_pwrite_zeroes(child, acb->offset, acb->bytes,
                                        acb->flags);
        } else {
            ret = bdrv_co_pwritev(child, acb->offset, acb->bytes, acb->qiov,
                                  acb->flags);
        }
        if (ret == 0 || attempt >= s->self_heal) {
            break;
        }
    }
    if (ret == 0 && attempt) {
        quorum_child_stats(s, child)->healed_errors++;
    }
    return ret;
}

static void coroutine_fn quorum_read_entry(void *opaque)
{
    QuorumChildRequest *req = opaque;
    QuorumAIOCB *acb = req->acb;
    int i = req->idx;

    /* Stale data must not vote; it counts as an unreported failure. */
    if (req->skip) {
        req->ret = -EIO;
        quorum_child_done(acb);
        return;
    }
    req->ret = quorum_child_rw(acb, i);
    req->done = true;
    if (req->ret == 0) {
        acb->success_count++;
        if (acb->early && !acb->returned) {
            quorum_early_vote(acb, i);
        }
    } else if (!acb->returned) {
        quorum_report_bad_child(acb, i, req->ret);
    }
    quorum_child_done(acb);
}

static void coroutine_fn quorum_rewrite_entry(void *opaque)
{
    QuorumChildRequest *req = opaque;
    QuorumAIOCB *acb = req->acb;
    BDRVQuorumState *s = acb->bs->opaque;

    /*
     * Errors are ignored: this only tries to correct data that is already
     * known to be bad.  WRITE_UNCHANGED would be a lie here.
     */
    if (bdrv_co_pwritev(s->children[req->idx], acb->offset, acb->bytes,
                        acb->qiov, acb->flags & ~BDRV_REQ_WRITE_UNCHANGED)
        == 0) {
        quorum_child_stats(s, s->children[req->idx])->repaired_bytes +=
            acb->bytes;
    }
    if (--acb->rewrite_count == 0) {
        qemu_coroutine_enter_if_inactive(acb->co);
    }
}

static void quorum_blkverify_exit(void *opaque)
{
    fflush(stdout);
    fflush(stderr);
    /* As QEMU's exit(1), minus teardown of requests still in flight. */
    _exit(1);
}

/* Equality of two reads; in blkverify mode a mismatch ends the process. */
static bool quorum_compare(QuorumAIOCB *acb, QEMUIOVector *a,
                           QEMUIOVector *b)
{
    BDRVQuorumState *s = acb->bs->opaque;
    ssize_t offset = qemu_iovec_compare(a, b);

    if (offset >= 0 && s->is_blkverify) {
        fprintf(stderr, "quorum: offset=%" PRIu64 " bytes=%" PRIu64
                " contents mismatch at offset %" PRIu64 "\n",
                (uint64_t)acb->offset, (uint64_t)acb->bytes,
                (uint64_t)(acb->offset + offset));
        /*
         * End the process from the event loop, not from this coroutine's
         * stack; the request never completes.
         */
        aio_bh_schedule_oneshot(quorum_blkverify_exit, NULL);
        qemu_coroutine_yield();
        abort();                /* not reached */
    }
    return offset < 0;
}

/* Put child @i's data into the caller's buffer (if not there already). */
static void quorum_copy_to_caller(QuorumAIOCB *acb, int i)
{
    if (quorum_child_qiov(acb, i) != acb->qiov) {
        qemu_iovec_copy_data(acb->qiov, quorum_child_qiov(acb, i));
    }
}

/* One child's run of blocks that lost their votes. */
typedef struct QuorumBadRun {
    int child;
    int64_t offset;
    int64_t bytes;
} QuorumBadRun;

/*
 * vote-granularity (ours): vote on each block of the request by itself,
 * so that children bad in different blocks cannot fail a read whose
 * every block has a majority, and each bad range is reported as it is.
 * Blocks are aligned to the volume, not to the request.  Each child's
 * consecutive lost blocks are reported (and repaired) as one range,
 * children highest first as QEMU orders its reports.
 */
static int coroutine_fn quorum_vote_blocks(QuorumAIOCB *acb)
{
    BDRVQuorumState *s = acb->bs->opaque;
    int n = acb->num_children;
    int64_t end = acb->offset + acb->bytes;
    g_autofree QEMUIOVector *slices = g_new(QEMUIOVector, n);
    g_autofree QEMUIOVector **ptrs = g_new(QEMUIOVector *, n);
    g_autofree int64_t *run_start = g_new(int64_t, n);
    g_autoptr(GArray) runs = g_array_new(false, false, sizeof(QuorumBadRun));
    int ret = 0;

    for (int i = 0; i < n; i++) {
        run_start[i] = -1;
    }
    for (int64_t pos = acb->offset; pos < end; ) {
        int64_t next = MIN(QEMU_ALIGN_DOWN(pos, s->vote_granularity) +
                           s->vote_granularity, end);
        QuorumVote vote;
        int w;

        for (int i = 0; i < n; i++) {
            ptrs[i] = NULL;
            if (!acb->qcrs[i].ret) {
                qemu_iovec_init_slice(&slices[i], quorum_child_qiov(acb, i),
                                      pos - acb->offset, next - pos);
                ptrs[i] = &slices[i];
            }
        }
        quorum_vote_init(&vote, n);
        w = quorum_vote_count(&vote, ptrs, quorum_hash_sha256);
        if (w >= 0 && vote.versions[w].votes >= s->threshold) {
            int first = vote.versions[w].first;

            if (quorum_child_qiov(acb, first) != acb->qiov) {
                QEMUIOVector dst;

                qemu_iovec_init_slice(&dst, acb->qiov, pos - acb->offset,
                                      next - pos);
                qemu_iovec_copy_data(&dst, &slices[first]);
                qemu_iovec_destroy(&dst);
            }
            for (int i = 0; i < n; i++) {
                bool lost = vote.version_of[i] >= 0 &&
                            vote.version_of[i] != w;

                if (lost && run_start[i] < 0) {
                    run_start[i] = pos;
                } else if (!lost && run_start[i] >= 0) {
                    QuorumBadRun r = { i, run_start[i], pos - run_start[i] };

                    g_array_append_val(runs, r);
                    run_start[i] = -1;
                }
            }
        } else {
            ret = w == -ENOENT || w >= 0 ? -EIO : w;
        }
        quorum_vote_destroy(&vote);
        for (int i = 0; i < n; i++) {
            if (ptrs[i]) {
                qemu_iovec_destroy(&slices[i]);
            }
        }
        if (ret < 0) {
            /* As the whole-request vote: maybe a write spoiled it. */
            if ((acb->watch->overlapped && acb->may_retry) ||
                quorum_heal_reread(acb)) {
                acb->retry = true;
                return -EAGAIN;
            }
            quorum_report_failure(acb);
            return ret;
        }
        pos = next;
    }
    for (int i = 0; i < n; i++) {
        if (run_start[i] >= 0) {
            QuorumBadRun r = { i, run_start[i], end - run_start[i] };

            g_array_append_val(runs, r);
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        for (guint k = 0; k < runs->len; k++) {
            QuorumBadRun *r = &g_array_index(runs, QuorumBadRun, k);

            if (r->child == i) {
                quorum_report_bad(acb->bs, s->children[i],
                                  QUORUM_OP_TYPE_READ, r->offset, r->bytes,
                                  0);
            }
        }
    }
    if (!s->rewrite_corrupted || !runs->len) {
        return 0;
    }
    /* The same rule as whole-request repair: only through the fence. */
    if (!bdrv_write_watch_fence(acb->bs, acb->watch)) {
        for (guint k = 0; k < runs->len; k++) {
            QuorumBadRun *r = &g_array_index(runs, QuorumBadRun, k);

            quorum_child_stats(s, s->children[r->child])->repairs_skipped++;
        }
        return 0;
    }
    for (guint k = 0; k < runs->len; k++) {
        QuorumBadRun *r = &g_array_index(runs, QuorumBadRun, k);
        QEMUIOVector src;

        qemu_iovec_init_slice(&src, acb->qiov, r->offset - acb->offset,
                              r->bytes);
        if (bdrv_co_pwritev(s->children[r->child], r->offset, r->bytes,
                            &src, 0) == 0) {
            quorum_child_stats(s, s->children[r->child])->repaired_bytes +=
                r->bytes;
        }
        qemu_iovec_destroy(&src);
    }
    return 0;
}

/* Different data came back: vote on versions. */
static int coroutine_fn quorum_vote_versions(QuorumAIOCB *acb)
{
    BDRVQuorumState *s = acb->bs->opaque;
    int n = acb->num_children;
    QEMUIOVector *inline_qiovs[QUORUM_INLINE_CHILDREN];
    QEMUIOVector **qiovs = inline_qiovs;
    QuorumVote vote;
    int winner, ret = 0;

    if (s->vote_granularity &&
        QEMU_ALIGN_DOWN(acb->offset, s->vote_granularity) +
        s->vote_granularity < acb->offset + acb->bytes) {
        return quorum_vote_blocks(acb);
    }
    if (n > QUORUM_INLINE_CHILDREN) {
        qiovs = g_new(QEMUIOVector *, n);
    }
    for (int i = 0; i < n; i++) {
        qiovs[i] = acb->qcrs[i].ret ? NULL : quorum_child_qiov(acb, i);
    }
    quorum_vote_init(&vote, n);
    winner = quorum_vote_count(&vote, qiovs, quorum_hash_sha256);
    if (winner < 0) {
        ret = winner == -ENOENT ? -EIO : winner;
        goto out;
    }
    if (vote.versions[winner].votes < s->threshold) {
        /*
         * A write that overlapped the read can leave three versions (old,
         * new, and one torn while it was copied): no evidence that a
         * replica is bad.  Read again rather than fail; QEMU fails here.
         */
        if ((acb->watch->overlapped && acb->may_retry) ||
            quorum_heal_reread(acb)) {
            acb->retry = true;
            ret = -EAGAIN;
            goto out;
        }
        quorum_report_failure(acb);
        ret = -EIO;
        goto out;
    }
    quorum_copy_to_caller(acb, vote.versions[winner].first);

    /* As QEMU: newest losing version first, its children highest first. */
    for (int v = vote.nb_versions - 1; v >= 0; v--) {
        for (int i = n - 1; i >= 0 && v != winner; i--) {
            if (vote.version_of[i] == v) {
                quorum_report_bad(acb->bs, s->children[i],
                                  QUORUM_OP_TYPE_READ, acb->offset,
                                  acb->bytes, 0);
                acb->rewrite_count += s->rewrite_corrupted;
            }
        }
    }
    if (!acb->rewrite_count) {
        goto out;
    }
    /*
     * A write that overlapped the read may have landed on the losers
     * first: then they hold newer data than the winner, and rewriting
     * them would revert an acknowledged write.  Repair only when no write
     * touched the range, and hold new writes off until the repair is on
     * the children; the next read (or a scrub) repairs what is skipped.
     */
    if (!bdrv_write_watch_fence(acb->bs, acb->watch)) {
        for (int i = 0; i < n; i++) {
            if (vote.version_of[i] >= 0 && vote.version_of[i] != winner) {
                quorum_child_stats(s, s->children[i])->repairs_skipped++;
            }
        }
        acb->rewrite_count = 0;
        goto out;
    }
    /* Count first, then start: a rewrite may finish synchronously. */
    for (int v = vote.nb_versions - 1; v >= 0; v--) {
        for (int i = n - 1; i >= 0 && v != winner; i--) {
            if (vote.version_of[i] == v) {
                qemu_coroutine_enter(
                    qemu_coroutine_create(quorum_rewrite_entry,
                                          &acb->qcrs[i]));
            }
        }
    }
out:
    quorum_vote_destroy(&vote);
    if (qiovs != inline_qiovs) {
        g_free(qiovs);
    }
    return ret;
}

static int coroutine_fn quorum_vote(QuorumAIOCB *acb)
{
    int n = acb->num_children;
    int i, j;

    if (quorum_has_too_much_io_failed(acb)) {
        return acb->vote_ret;
    }
    for (i = 0; i < n && acb->qcrs[i].ret; i++) {
        /* first successful read */
    }
    assert(i < n);

    /* Fast path: everybody agrees with the first successful read. */
    for (j = i + 1; j < n; j++) {
        if (!acb->qcrs[j].ret &&
            !quorum_compare(acb, quorum_child_qiov(acb, i),
                            quorum_child_qiov(acb, j))) {
            break;
        }
    }
    if (j == n) {
        quorum_copy_to_caller(acb, i);
        return 0;
    }
    return quorum_vote_versions(acb);
}

static int coroutine_fn quorum_read_all(QuorumAIOCB *acb)
{
    BDRVQuorumState *s = acb->bs->opaque;
    int n = acb->num_children;
    size_t align = bdrv_opt_mem_align(acb->bs);
    size_t stride = QEMU_ALIGN_UP((size_t)acb->bytes, align);
    size_t capacity = 0;
    uint8_t *buf = NULL;
    BdrvWriteWatch watch;
    /* Child 0 reads into the caller's buffer, unless it may be late. */
    int first = acb->early ? 0 : 1;
    int ret;

    if (n > first) {
        if (stride > SIZE_MAX / (size_t)(n - first)) {
            return -ENOMEM;
        }
        buf = quorum_get_bounce(s, acb->bs, stride * (n - first), &capacity);
        if (!buf) {
            return -ENOMEM;
        }
    }
    for (int i = first; i < n; i++) {
        qemu_iovec_init_buf(&acb->qcrs[i].qiov, buf + (i - first) * stride,
                            acb->bytes);
    }

    for (int attempt = 0; ; attempt++) {
        /* Before the children read: a write from now on voids a repair. */
        acb->watch = &watch;
        acb->may_retry = attempt < QUORUM_READ_RETRIES;
        acb->retry = false;
        bdrv_write_watch_begin(acb->bs, &watch, acb->offset, acb->bytes);
        for (int i = 0; i < n; i++) {
            acb->qcrs[i].skip = quorum_child_is_dirty(s, s->children[i],
                                                      acb->offset,
                                                      acb->bytes);
        }
        quorum_fan_out(acb, quorum_read_entry);
        if (acb->count < n) {
            /*
             * x-complete-at-threshold: enough identical versions are in.
             * The late children are neither voted with nor repaired; the
             * bounce areas are theirs until they finish.
             */
            quorum_copy_to_caller(acb, acb->early_winner);
            bdrv_write_watch_end(acb->bs, &watch);
            acb->bounce = buf;
            acb->bounce_cap = capacity;
            return 0;
        }
        ret = quorum_vote(acb);
        while (acb->rewrite_count) {
            qemu_coroutine_yield();
        }
        bdrv_write_watch_end(acb->bs, &watch);
        if (!acb->retry) {
            break;
        }
        acb->count = acb->success_count = 0;
        acb->vote_ret = 0;
        acb->early_winner = -1;
        for (int i = 0; i < n; i++) {
            acb->qcrs[i].ret = 0;
            acb->qcrs[i].done = false;
        }
    }
    if (buf) {
        quorum_put_bounce(s, buf, capacity);
    }
    return ret;
}

/*
 * rewrite-corrupted=on: rewrite the children of a fifo or round-robin
 * read that failed before one answered (QEMU's fifo ignores the option
 * and leaves them: a FIXME there).  Only through the write watch's
 * fence, as read repair: a write that overlapped the read may be newer
 * than what was read.  Nothing votes: a child that answers with
 * corrupted data spreads it, which is why this is not the default.
 */
static void coroutine_fn quorum_repair_failed(QuorumAIOCB *acb,
                                              BdrvWriteWatch *watch)
{
    BDRVQuorumState *s = acb->bs->opaque;

    if (!bdrv_write_watch_fence(acb->bs, watch)) {
        for (int i = 0; i < acb->num_children; i++) {
            if (acb->qcrs[i].ret < 0) {
                quorum_child_stats(s, s->children[i])->repairs_skipped++;
            }
        }
        return;
    }
    for (int i = 0; i < acb->num_children; i++) {
        BdrvChild *c = s->children[i];

        if (acb->qcrs[i].ret < 0 && (c->perm & BLK_PERM_WRITE) &&
            bdrv_co_pwritev(c, acb->offset, acb->bytes, acb->qiov, 0) == 0) {
            quorum_child_stats(s, c)->repaired_bytes += acb->bytes;
        }
    }
}

/*
 * fifo: the first child that answers is right; round-robin: the same,
 * starting at the next child each time.  No vote; stale children are
 * skipped, failed ones are repaired from the answer.
 */
static int coroutine_fn quorum_read_fifo(QuorumAIOCB *acb)
{
    BDRVQuorumState *s = acb->bs->opaque;
    int n = acb->num_children;
    int first = 0, ret = -EIO;
    bool failed = false;
    BdrvWriteWatch watch;

    if (s->read_pattern == QUORUM_READ_PATTERN_ROUND_ROBIN) {
        first = s->next_read++ % n;
    }
    bdrv_write_watch_begin(acb->bs, &watch, acb->offset, acb->bytes);
    for (int k = 0; k < n; k++) {
        int i = (first + k) % n;

        if (quorum_child_is_dirty(s, s->children[i], acb->offset,
                                  acb->bytes)) {
            continue;
        }
        ret = bdrv_co_preadv(s->children[i], acb->offset, acb->bytes,
                             acb->qiov, 0);
        acb->qcrs[i].ret = ret;
        if (ret == 0) {
            break;
        }
        failed = true;
        quorum_report_bad_child(acb, i, ret);
    }
    if (ret == 0 && failed && s->rewrite_corrupted) {
        quorum_repair_failed(acb, &watch);
    }
    bdrv_write_watch_end(acb->bs, &watch);
    return ret;
}

static int coroutine_fn quorum_co_preadv(BlockDriverState *bs,
                                         int64_t offset, int64_t bytes,
                                         QEMUIOVector *qiov,
                                         BdrvRequestFlags flags)
{
    BDRVQuorumState *s = bs->opaque;
    QuorumAIOCB stack_acb;
    QuorumAIOCB *acb = &stack_acb;
    int ret;

    /* fifo reads one child at a time: it has nothing to end early. */
    if (s->complete_at_threshold &&
        s->read_pattern == QUORUM_READ_PATTERN_QUORUM) {
        acb = g_new(QuorumAIOCB, 1);
    }
    quorum_aio_init(acb, bs, offset, bytes, qiov, flags, true);
    acb->early = acb != &stack_acb;
    if (s->read_pattern == QUORUM_READ_PATTERN_QUORUM) {
        ret = quorum_read_all(acb);
    } else {
        ret = quorum_read_fifo(acb);
    }
    quorum_aio_finalize(acb);
    return ret;
}

/* ---------- Writes ---------- */

/* Granule-aligned [*start, *end) around a request. */
static void quorum_granules(BDRVQuorumState *s, int64_t offset, int64_t bytes,
                            int64_t *start, int64_t *end)
{
    *start = QEMU_ALIGN_DOWN(offset, s->dirty_granularity);
    *end = QEMU_ALIGN_UP(offset + bytes, s->dirty_granularity);
}

/* A write to @child overtakes the late writes to the same granules. */
static void quorum_overtake_lags(BDRVQuorumState *s, BdrvChild *child,
                                 int64_t offset, int64_t bytes)
{
    QuorumChildStats *st = quorum_child_stats(s, child);
    int64_t start, end;
    QuorumLag *lag;

    quorum_granules(s, offset, bytes, &start, &end);
    QLIST_FOREACH(lag, &st->lags, next) {
        if (lag->start < end && start < lag->end) {
            lag->overtaken = true;
        }
    }
}

/* The request ends before child @i has the write: dirty until it does. */
static void quorum_lag_begin(QuorumAIOCB *acb, int i)
{
    BDRVQuorumState *s = acb->bs->opaque;
    QuorumChildStats *st = quorum_child_stats(s, s->children[i]);
    QuorumLag *lag = &acb->qcrs[i].lag;

    quorum_granules(s, acb->offset, acb->bytes, &lag->start, &lag->end);
    lag->active = true;
    lag->overtaken = false;
    lag->was_clean = !quorum_child_is_dirty(s, s->children[i], lag->start,
                                            lag->end - lag->start);
    QLIST_INSERT_HEAD(&st->lags, lag, next);
    st->lagged_writes++;
    st->nr_lags++;
    st->lag_bytes += acb->bytes;
    quorum_dirty_log_mark(s->dirty_log, st->dirty, acb->offset, acb->bytes);
}

/* A late write has landed on its child, or failed there. */
static void coroutine_fn quorum_lag_end(QuorumAIOCB *acb, int i, int ret)
{
    BDRVQuorumState *s = acb->bs->opaque;
    QuorumChildStats *st = quorum_child_stats(s, s->children[i]);
    QuorumLag *lag = &acb->qcrs[i].lag;

    QLIST_REMOVE(lag, next);
    lag->active = false;
    st->nr_lags--;
    st->lag_bytes -= acb->bytes;
    if (ret < 0) {
        /* A resync may have cleared the range meanwhile: mark it again. */
        quorum_dirty_log_mark(s->dirty_log, st->dirty, acb->offset,
                              acb->bytes);
        quorum_dirty_log_sync(s->dirty_log);
    } else if (lag->was_clean && !lag->overtaken) {
        /* The file learns it lazily: a stale set bit costs a copy. */
        quorum_dirty_log_clear(s->dirty_log, st->dirty, lag->start,
                               lag->end - lag->start);
    }
}

static void coroutine_fn quorum_write_entry(void *opaque)
{
    QuorumChildRequest *req = opaque;
    QuorumAIOCB *acb = req->acb;
    BDRVQuorumState *s = acb->bs->opaque;
    BdrvChild *child = s->children[req->idx];

    if (s->complete_at_threshold) {
        quorum_overtake_lags(s, child, acb->offset, acb->bytes);
    }
    req->ret = quorum_child_rw(acb, req->idx);
    req->done = true;
    if (req->ret == 0) {
        acb->success_count++;
    } else {
        quorum_report_bad_child(acb, req->idx, req->ret);
    }
    if (req->lag.active) {
        quorum_lag_end(acb, req->idx, req->ret);
    }
    quorum_child_done(acb);
}

/*
 * Record which children missed a write that reached others: those that
 * failed it (when it succeeded: a failed write leaves the range
 * undefined, and marking would leave no child to read it from) and the
 * detached slots of the dirty-bitmap-file.  The record is durable before
 * the write is acknowledged; if it cannot be, the write fails.
 */
static int coroutine_fn quorum_mark_missed(QuorumAIOCB *acb, int ret,
                                           bool marked)
{
    BDRVQuorumState *s = acb->bs->opaque;

    if (ret == 0) {
        for (int i = 0; i < acb->num_children; i++) {
            QuorumChildStats *st;

            if (acb->qcrs[i].ret >= 0) {
                continue;       /* no lookup for children that took it */
            }
            st = quorum_child_stats(s, s->children[i]);
            if (st->dirty) {
                quorum_dirty_log_mark(s->dirty_log, st->dirty, acb->offset,
                                      acb->bytes);
                marked = true;
                if (s->self_heal) {
                    /* Runs after the mark is durable: from a BH. */
                    quorum_resync_start_auto(acb->bs, s->children[i]);
                }
            }
        }
    }
    if (quorum_dirty_log_has_detached(s->dirty_log)) {
        quorum_dirty_log_mark_detached(s->dirty_log, acb->offset, acb->bytes);
        marked = true;
    }
    if (marked && quorum_dirty_log_sync(s->dirty_log) < 0 && ret == 0) {
        ret = -EIO;
    }
    return ret;
}

static int coroutine_fn quorum_co_pwritev(BlockDriverState *bs,
                                          int64_t offset, int64_t bytes,
                                          QEMUIOVector *qiov,
                                          BdrvRequestFlags flags)
{
    BDRVQuorumState *s = bs->opaque;
    QuorumAIOCB stack_acb;
    QuorumAIOCB *acb = s->complete_at_threshold ? g_new(QuorumAIOCB, 1) :
                       &stack_acb;
    bool lagging = false;
    int ret;

    quorum_aio_init(acb, bs, offset, bytes, qiov, flags, false);
    if (acb->early && qiov) {
        /* Late children write after the caller's buffer is gone. */
        acb->bounce = quorum_get_bounce(s, bs, bytes, &acb->bounce_cap);
        if (!acb->bounce) {
            quorum_aio_free(acb);
            return -ENOMEM;
        }
        qemu_iovec_to_buf(qiov, 0, acb->bounce, bytes);
        qemu_iovec_init_buf(&acb->bounce_qiov, acb->bounce, bytes);
        acb->qiov = &acb->bounce_qiov;
    }
    quorum_fan_out(acb, quorum_write_entry);
    /* Enough children have it: the others are dirty there until then. */
    for (int i = 0; i < acb->num_children && acb->count < acb->num_children;
         i++) {
        if (!acb->qcrs[i].done) {
            quorum_lag_begin(acb, i);
            lagging = true;
        }
    }
    quorum_has_too_much_io_failed(acb);
    ret = acb->vote_ret;
    if (acb->success_count > 0) {
        ret = quorum_mark_missed(acb, ret, lagging);
    }
    quorum_aio_finalize(acb);
    return ret;
}

static int coroutine_fn quorum_co_pwrite_zeroes(BlockDriverState *bs,
                                                int64_t offset, int64_t bytes,
                                                BdrvRequestFlags flags)
{
    return quorum_co_pwritev(bs, offset, bytes, NULL,
                             flags | BDRV_REQ_ZERO_WRITE);
}

/* ---------- Flush, length, status ---------- */

/*
 * x-complete-at-threshold: flush every child at once, and end once
 * vote-threshold children that had no late write in flight have flushed.
 * Those hold every acknowledged write, so those writes are on disk on
 * enough children; the late children's ranges are in the dirty bitmaps,
 * durable already.  Fewer such children: wait for all, as usual.
 */
typedef struct QuorumFlush {
    BlockDriverState *bs;
    Coroutine *co;
    int n;
    int count;
    int success;
    int lagfree_success;
    int lagfree;
    bool waiting;
    bool returned;
    int *rets;
    bool *lagging;
} QuorumFlush;

typedef struct QuorumFlushChild {
    QuorumFlush *f;
    int idx;
} QuorumFlushChild;

static bool quorum_flush_ready(QuorumFlush *f)
{
    BDRVQuorumState *s = f->bs->opaque;

    return f->count == f->n ||
           (f->lagfree >= s->threshold && f->lagfree_success >= s->threshold);
}

static void quorum_flush_free(QuorumFlush *f)
{
    g_free(f->rets);
    g_free(f->lagging);
    g_free(f);
}

static void coroutine_fn quorum_flush_entry(void *opaque)
{
    QuorumFlushChild *fc = opaque;
    QuorumFlush *f = fc->f;
    BDRVQuorumState *s = f->bs->opaque;
    int i = fc->idx;

    g_free(fc);
    f->rets[i] = bdrv_co_flush(s->children[i]->bs);
    if (f->rets[i]) {
        quorum_report_bad(f->bs, s->children[i], QUORUM_OP_TYPE_FLUSH, 0, 0,
                          f->rets[i]);
    } else {
        f->success++;
        f->lagfree_success += !f->lagging[i];
    }
    if (++f->count == f->n && f->returned) {
        BlockDriverState *bs = f->bs;

        quorum_flush_free(f);
        bdrv_dec_in_flight(bs);
        return;
    }
    if (f->waiting && quorum_flush_ready(f)) {
        qemu_coroutine_enter_if_inactive(f->co);
    }
}

static int coroutine_fn quorum_co_flush_early(BlockDriverState *bs)
{
    BDRVQuorumState *s = bs->opaque;
    QuorumFlush *f = g_new0(QuorumFlush, 1);
    int ret = 0;

    f->bs = bs;
    f->co = qemu_coroutine_self();
    f->n = s->num_children;
    f->rets = g_new0(int, f->n);
    f->lagging = g_new0(bool, f->n);
    for (int i = 0; i < f->n; i++) {
        f->lagging[i] = !QLIST_EMPTY(&quorum_child_stats(s,
                                         s->children[i])->lags);
        f->lagfree += !f->lagging[i];
    }
    for (int i = 0; i < f->n; i++) {
        QuorumFlushChild *fc = g_new(QuorumFlushChild, 1);

        fc->f = f;
        fc->idx = i;
        qemu_coroutine_enter(qemu_coroutine_create(quorum_flush_entry, fc));
    }
    while (!quorum_flush_ready(f)) {
        f->waiting = true;
        qemu_coroutine_yield();
        f->waiting = false;
    }
    if (f->count < f->n) {
        f->returned = true;         /* the last child frees it */
        bdrv_inc_in_flight(bs);
        return 0;
    }
    if (f->success < s->threshold) {
        ret = quorum_vote_error(f->rets, f->n);
    }
    quorum_flush_free(f);
    return ret;
}

static int coroutine_fn quorum_co_flush(BlockDriverState *bs)
{
    BDRVQuorumState *s = bs->opaque;
    int rets_inline[QUORUM_INLINE_CHILDREN] = { 0 };
    int *rets = rets_inline;
    int n = s->num_children;
    int success_count = 0, ret = 0;

    if (s->complete_at_threshold) {
        return quorum_co_flush_early(bs);
    }
    if (n > QUORUM_INLINE_CHILDREN) {
        rets = g_new(int, n);
    }
    /* One child after the other; a failure is reported, never fatal alone. */
    for (int i = 0; i < n; i++) {
        rets[i] = bdrv_co_flush(s->children[i]->bs);
        if (rets[i]) {
            quorum_report_bad(bs, s->children[i], QUORUM_OP_TYPE_FLUSH, 0, 0,
                              rets[i]);
        } else {
            success_count++;
        }
    }
    if (success_count < s->threshold) {
        ret = quorum_vote_error(rets, n);
    }
    if (rets != rets_inline) {
        g_free(rets);
    }
    return ret;
}

int64_t quorum_getlength(BlockDriverState *bs)
{
    BDRVQuorumState *s = bs->opaque;
    int64_t len = bdrv_getlength(s->children[0]->bs);

    if (len < 0) {
        return len;
    }
    for (int i = 1; i < s->num_children; i++) {
        int64_t other = bdrv_getlength(s->children[i]->bs);

        if (other < 0) {
            return other;
        }
        if (other != len) {
            return -EIO;    /* replicas must be the same size */
        }
    }
    return len;
}

/* As QEMU for nodes without a primary child: the children's sum. */
static int64_t quorum_get_allocated_file_size(BlockDriverState *bs)
{
    BDRVQuorumState *s = bs->opaque;
    int64_t total = 0;

    for (int i = 0; i < s->num_children; i++) {
        int64_t size = bdrv_get_allocated_file_size(s->children[i]->bs);

        if (size < 0) {
            return size;
        }
        total += size;
    }
    return total;
}

static int coroutine_fn quorum_co_block_status(BlockDriverState *bs,
                                               bool want_zero, int64_t offset,
                                               int64_t count, int64_t *pnum,
                                               int64_t *map,
                                               BlockDriverState **file)
{
    BDRVQuorumState *s = bs->opaque;
    int64_t pnum_zero = count, pnum_data = 0;

    /* Zero only where every child reads zeroes; any data wins. */
    for (int i = 0; i < s->num_children; i++) {
        int64_t bytes;
        int ret = bdrv_co_block_status(s->children[i]->bs, want_zero, offset,
                                       count, &bytes, NULL, NULL);

        if (ret < 0) {
            quorum_report_bad(bs, s->children[i], QUORUM_OP_TYPE_READ,
                              offset, count, ret);
            pnum_data = count;
            break;
        }
        if (ret & BDRV_BLOCK_ZERO) {
            pnum_zero = MIN(pnum_zero, bytes);
        } else {
            pnum_data = MAX(pnum_data, bytes);
        }
    }
    if (pnum_data) {
        *pnum = pnum_data;
        return BDRV_BLOCK_DATA;
    }
    *pnum = pnum_zero;
    return BDRV_BLOCK_ZERO;
}


/*
 * Neither a protocol nor a format with a "file" child: block.c treats it
 * as a format-like node (probes its children, "Block format 'quorum'...").
 */
static BlockDriver bdrv_quorum = {
    .format_name                = "quorum",
    .instance_size              = sizeof(BDRVQuorumState),
    .bdrv_open                  = quorum_open,
    .bdrv_close                 = quorum_close,
    .bdrv_getlength             = quorum_getlength,
    .bdrv_get_allocated_file_size = quorum_get_allocated_file_size,
    .bdrv_get_specific_stats    = quorum_get_specific_stats,
    .bdrv_co_preadv             = quorum_co_preadv,
    .bdrv_co_pwritev            = quorum_co_pwritev,
    .bdrv_co_pwrite_zeroes      = quorum_co_pwrite_zeroes,
    .bdrv_co_flush              = quorum_co_flush,
    .bdrv_co_block_status       = quorum_co_block_status,
    .bdrv_refresh_limits        = quorum_refresh_limits,
    .bdrv_gather_child_options  = quorum_gather_child_options,
    .strong_runtime_opts        = quorum_strong_runtime_opts,
    .bdrv_child_perm            = quorum_child_perm,
    .bdrv_recurse_can_replace   = quorum_recurse_can_replace,
    .bdrv_add_child             = quorum_add_child,
    .bdrv_del_child             = quorum_del_child,
    .bdrv_resync_child          = quorum_resync_child,
    .bdrv_scrub                 = quorum_scrub_start,
    .bdrv_child_reconnected     = quorum_resync_start_auto,
    .supported_write_flags      = BDRV_REQ_WRITE_UNCHANGED,
    .supported_zero_flags       = BDRV_REQ_WRITE_UNCHANGED,
};

static void bdrv_quorum_init(void)
{
    bdrv_register(&bdrv_quorum);
}

block_init(bdrv_quorum_init);
