/*
 * quorum, the graph side: options, open and close, children added and
 * removed, permissions and limits, the dirty bitmaps' life, and the
 * statistics of x-query-quorum.  The request path is in block/quorum.c.
 */
#include "qemu/osdep.h"
#include "block/quorum-int.h"
#include "block/quorum-vote.h"
#include "qemu/option.h"

#define QUORUM_OPT_VOTE_THRESHOLD "vote-threshold"
#define QUORUM_OPT_BLKVERIFY      "blkverify"
#define QUORUM_OPT_REWRITE        "rewrite-corrupted"
#define QUORUM_OPT_READ_PATTERN   "read-pattern"
#define QUORUM_OPT_DIRTY_GRANULARITY "dirty-granularity"
#define QUORUM_OPT_DIRTY_FILE     "dirty-bitmap-file"
#define QUORUM_OPT_EARLY          "x-complete-at-threshold"
#define QUORUM_OPT_SELF_HEAL      "x-self-heal"
#define QUORUM_OPT_VOTE_GRANULARITY "vote-granularity"
#define QUORUM_DEFAULT_DIRTY_GRANULARITY (64 * KiB)

/* ---------- Statistics (x-query-quorum) ---------- */

QuorumChildStats *quorum_child_stats(BDRVQuorumState *s,
                                            BdrvChild *child)
{
    QuorumChildStats *st;

    if (!s->stats) {
        s->stats = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    }
    st = g_hash_table_lookup(s->stats, child);
    if (!st) {
        st = g_new0(QuorumChildStats, 1);
        g_hash_table_insert(s->stats, child, st);
    }
    return st;
}

void quorum_stats_record(BDRVQuorumState *s, BdrvChild *child,
                         QuorumOpType type, int ret,
                         int64_t sector_num, int64_t sectors_count)
{
    QuorumChildStats *st = quorum_child_stats(s, child);
    QuorumBadRange *r = &st->log[st->nb_logged++ % QUORUM_BAD_RANGE_LOG];

    if (ret < 0) {
        st->errors[type]++;
    } else {
        st->mismatches++;
    }
    *r = (QuorumBadRange) { type, -ret, sector_num, sectors_count };
}

bool quorum_child_is_dirty(BDRVQuorumState *s, BdrvChild *child,
                           int64_t offset, int64_t bytes)
{
    QuorumChildStats *st;
    int64_t start, count;

    /* The common case, without a hash lookup per child and request. */
    if (!s->dirty_log || quorum_dirty_log_attached_clean(s->dirty_log)) {
        return false;
    }
    st = quorum_child_stats(s, child);
    return st->dirty && bdrv_get_dirty_count(st->dirty) > 0 &&
           bdrv_dirty_bitmap_next_dirty_area(st->dirty, offset, bytes,
                                             &start, &count) &&
           start < offset + bytes;
}

/* QuorumStats (qapi/quorum.json), for x-query-quorum. */
QDict *quorum_get_specific_stats(BlockDriverState *bs)
{
    BDRVQuorumState *s = bs->opaque;
    QDict *out = qdict_new();
    QList *children;

    qdict_put_str(out, "node-name", bdrv_get_node_name(bs));
    qdict_put_int(out, "vote-threshold", s->threshold);
    qdict_put_int(out, "failures", s->failures);
    qdict_put_int(out, "dirty-granularity", s->dirty_granularity);
    qdict_put_int(out, "vote-granularity", s->vote_granularity);
    qdict_put_int(out, "scrub-position",
                  s->dirty_log ? quorum_dirty_log_scrub_pos(s->dirty_log) : 0);
    if (s->dirty_log && quorum_dirty_log_path(s->dirty_log)) {
        qdict_put_str(out, "dirty-bitmap-file",
                      quorum_dirty_log_path(s->dirty_log));
    }
    children = json_array();
    for (int i = 0; i < s->num_children; i++) {
        QuorumChildStats *st = quorum_child_stats(s, s->children[i]);
        uint64_t first = st->nb_logged > QUORUM_BAD_RANGE_LOG ?
                         st->nb_logged - QUORUM_BAD_RANGE_LOG : 0;
        QDict *c = qdict_new();
        QList *ranges = json_array();

        qdict_put_str(c, "child", s->children[i]->name);
        qdict_put_str(c, "node-name",
                      bdrv_get_node_name(s->children[i]->bs));
        qdict_put_int(c, "read-errors", st->errors[QUORUM_OP_TYPE_READ]);
        qdict_put_int(c, "write-errors", st->errors[QUORUM_OP_TYPE_WRITE]);
        qdict_put_int(c, "flush-errors", st->errors[QUORUM_OP_TYPE_FLUSH]);
        qdict_put_int(c, "mismatches", st->mismatches);
        qdict_put_int(c, "repaired-bytes", st->repaired_bytes);
        qdict_put_int(c, "repairs-skipped", st->repairs_skipped);
        for (uint64_t n = first; n < st->nb_logged; n++) {
            QuorumBadRange *r = &st->log[n % QUORUM_BAD_RANGE_LOG];
            QDict *d = qdict_new();

            qdict_put_str(d, "type", QuorumOpType_str(r->type));
            if (r->err) {
                qdict_put_str(d, "error", strerror(r->err));
            }
            qdict_put_int(d, "sector-num", r->sector_num);
            qdict_put_int(d, "sectors-count", r->sectors_count);
            json_array_append_new(ranges, d);
        }
        qdict_put_obj(c, "bad-ranges", ranges);
        qdict_put_int(c, "bad-ranges-dropped", first);
        qdict_put_int(c, "dirty-bytes",
                      st->dirty ? bdrv_get_dirty_count(st->dirty) : 0);
        qdict_put_str(c, "resync", st->resync ? "running" : "idle");
        if (st->resync) {
            qdict_put_str(c, "resync-job", st->resync->id);
        }
        qdict_put_int(c, "resynced-bytes", st->resynced_bytes);
        qdict_put_int(c, "lagged-writes", st->lagged_writes);
        qdict_put_int(c, "healed-errors", st->healed_errors);
        json_array_append_new(children, c);
    }
    qdict_put_obj(out, "children", children);
    return out;
}

/* ---------- Dirty tracking ---------- */

/* Give @child its dirty bitmap: clean, all dirty, or as the file says. */
static int quorum_attach_dirty(BlockDriverState *bs, BdrvChild *child,
                               bool trust_new, bool want_known,
                               bool all_dirty, Error **errp)
{
    BDRVQuorumState *s = bs->opaque;
    QuorumChildStats *st = quorum_child_stats(s, child);
    int64_t len = bdrv_getlength(child->bs);
    bool known;

    st->dirty = quorum_dirty_log_attach(s->dirty_log, child->name, &known,
                                        errp);
    if (!st->dirty) {
        return -EIO;
    }
    if (want_known && !known) {
        error_setg(errp, "dirty-bitmap-file '%s' holds nothing for child "
                   "'%s'", quorum_dirty_log_path(s->dirty_log), child->name);
        quorum_dirty_log_drop(s->dirty_log, child->name);
        st->dirty = NULL;
        return -ENOENT;
    }
    /* A child the file does not know missed who knows what. */
    if (all_dirty || (!known && !trust_new)) {
        quorum_dirty_log_mark(s->dirty_log, st->dirty, 0, len);
    }
    return 0;
}

/* Blocking: open and QMP time only. */
static int quorum_dirty_log_flush(BDRVQuorumState *s, Error **errp)
{
    int ret = quorum_dirty_log_sync_now(s->dirty_log);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not write dirty-bitmap-file '%s'",
                         quorum_dirty_log_path(s->dirty_log));
    }
    return ret;
}

/* ---------- Graph ---------- */

void quorum_refresh_flags(BlockDriverState *bs)
{
    BDRVQuorumState *s = bs->opaque;

    bs->supported_zero_flags = BDRV_REQ_FUA | BDRV_REQ_MAY_UNMAP |
                               BDRV_REQ_NO_FALLBACK;
    for (int i = 0; i < s->num_children; i++) {
        bs->supported_zero_flags &= s->children[i]->bs->supported_zero_flags;
    }
    bs->supported_zero_flags |= BDRV_REQ_WRITE_UNCHANGED;
}

void quorum_refresh_limits(BlockDriverState *bs, Error **errp)
{
    BDRVQuorumState *s = bs->opaque;
    BlockLimits *bl = &bs->bl;

    /* Byte-granular: children align requests themselves. */
    memset(bl, 0, sizeof(*bl));
    bl->request_alignment = 1;
    for (int i = 0; i < s->num_children; i++) {
        BlockLimits *c = &s->children[i]->bs->bl;

        bl->max_transfer = MIN_NON_ZERO(bl->max_transfer, c->max_transfer);
        bl->opt_mem_alignment = MAX(bl->opt_mem_alignment,
                                    c->opt_mem_alignment);
        bl->min_mem_alignment = MAX(bl->min_mem_alignment,
                                    c->min_mem_alignment);
        bl->max_iov = MIN_NON_ZERO(bl->max_iov, c->max_iov);
        bl->pdiscard_alignment = MAX(bl->pdiscard_alignment,
                                     c->pdiscard_alignment);
    }
}

void quorum_child_perm(BlockDriverState *bs, BdrvChild *c,
                       unsigned role, uint64_t perm, uint64_t shared,
                       uint64_t *nperm, uint64_t *nshared)
{
    BDRVQuorumState *s = bs->opaque;

    *nperm = perm & DEFAULT_PERM_PASSTHROUGH;
    /*
     * As QEMU: vote repair takes WRITE.  fifo's repair (ours) only
     * writes where its parents let it, so a read-only fifo quorum opens
     * as in QEMU.
     */
    if (s->rewrite_corrupted &&
        s->read_pattern == QUORUM_READ_PATTERN_QUORUM) {
        *nperm |= BLK_PERM_WRITE;
    }
    /* Sharing WRITE or RESIZE would let the replicas drift apart. */
    *nshared = (shared & (BLK_PERM_CONSISTENT_READ |
                          BLK_PERM_WRITE_UNCHANGED)) |
               DEFAULT_PERM_UNCHANGED;
}

void quorum_gather_child_options(BlockDriverState *bs, QDict *target,
                                 bool backing_overridden)
{
    BDRVQuorumState *s = bs->opaque;
    QList *list = json_array();

    /*
     * A gap-free list, not the child names: children.N names can have
     * gaps after x-blockdev-change, an option list cannot.
     */
    for (int i = 0; i < s->num_children; i++) {
        QDict *opts = s->children[i]->bs->full_open_options;

        json_array_append_new(list, opts ? qobject_ref(opts) : qdict_new());
    }
    qdict_put_obj(target, "children", list);
}

/*
 * A mirror of the quorum matches the quorum, so it may replace one of
 * its children (repairing a broken replica, as QEMU's iotest 041) if
 * nobody else uses that child: another parent might see its data change.
 * Deeper nodes may not: the children need not show the quorum's data.
 */
bool quorum_recurse_can_replace(BlockDriverState *bs,
                                BlockDriverState *to_replace)
{
    BDRVQuorumState *s = bs->opaque;

    for (int i = 0; i < s->num_children; i++) {
        if (s->children[i]->bs == to_replace) {
            return QLIST_FIRST(&to_replace->parents) == s->children[i] &&
                   !QLIST_NEXT(s->children[i], next_parent);
        }
    }
    return false;
}

void quorum_add_child(BlockDriverState *bs, BlockDriverState *child_bs,
                      const char *sync, Error **errp)
{
    BDRVQuorumState *s = bs->opaque;
    g_autofree char *name = NULL;
    int64_t len, child_len;
    BdrvChild *child;
    bool full = sync && !strcmp(sync, "full");
    bool from_file = sync && !strcmp(sync, "dirty-bitmap-file");

    if (sync && !full && !from_file && strcmp(sync, "none")) {
        error_setg(errp, "Parameter 'sync' does not accept value '%s'", sync);
        return;
    }
    if (from_file && !quorum_dirty_log_path(s->dirty_log)) {
        error_setg(errp, "sync=dirty-bitmap-file needs a quorum opened with "
                   "the option dirty-bitmap-file");
        return;
    }

    if (s->is_blkverify) {
        error_setg(errp, "Cannot add a child to a quorum in blkverify mode");
        return;
    }
    if (s->num_children == INT_MAX / (int)sizeof(BdrvChild *) ||
        s->next_child_index == UINT_MAX) {
        error_setg(errp, "Too many children");
        return;
    }
    /*
     * Children must be as long as each other, as at open.  A shorter one
     * would be written past its end (QEMU 7.2 accepts it and aborts on
     * that write); quorum never takes RESIZE to grow it.
     */
    len = bdrv_getlength(bs);
    child_len = bdrv_getlength(child_bs);
    if (len < 0 || child_len < 0) {
        error_setg_errno(errp, -(len < 0 ? len : child_len),
                         "Cannot get the length of node '%s'",
                         bdrv_get_node_name(len < 0 ? bs : child_bs));
        return;
    }
    if (child_len != len) {
        error_setg(errp, "Node '%s' is %" PRId64 " bytes long, but the "
                   "children of quorum '%s' are %" PRId64 " bytes long",
                   bdrv_get_node_name(child_bs), child_len,
                   bdrv_get_device_or_node_name(bs), len);
        return;
    }
    name = g_strdup_printf("children.%u", s->next_child_index);

    bdrv_drain(bs);
    bdrv_ref(child_bs);
    child = bdrv_attach_child(bs, child_bs, name, &child_of_bds,
                              BDRV_CHILD_DATA, errp);
    if (!child) {
        bdrv_unref(child_bs);
        return;
    }
    /* What the child missed while away, or all, or nothing (QEMU). */
    if (!sync) {
        warn_report("x-blockdev-change: quorum '%s' trusts its new child "
                    "'%s' to hold its data, as QEMU does; pass sync=full to "
                    "copy the data into it", bdrv_get_device_or_node_name(bs),
                    name);
    }
    if (!from_file) {
        quorum_dirty_log_drop(s->dirty_log, name);
    }
    if (quorum_attach_dirty(bs, child, true, from_file, full, errp) < 0 ||
        quorum_dirty_log_flush(s, errp) < 0) {
        quorum_dirty_log_detach(s->dirty_log, name);
        if (s->stats) {
            g_hash_table_remove(s->stats, child);
        }
        bdrv_unref_child(bs, child);
        return;
    }
    s->next_child_index++;
    s->children = g_renew(BdrvChild *, s->children, s->num_children + 1);
    s->children[s->num_children++] = child;
    quorum_refresh_flags(bs);
    quorum_refresh_limits(bs, NULL);
    quorum_resync_start_auto(bs, child);
}

void quorum_del_child(BlockDriverState *bs, BdrvChild *child,
                      Error **errp)
{
    BDRVQuorumState *s = bs->opaque;
    g_autofree char *last = NULL;
    int i;

    for (i = 0; i < s->num_children && s->children[i] != child; i++) {
        /* find it */
    }
    assert(i < s->num_children);    /* bdrv_del_child() checked */

    if (s->num_children <= s->threshold) {
        error_setg(errp, "The number of children cannot be lower than the "
                   "vote threshold %d", s->threshold);
        return;
    }
    if (quorum_child_stats(s, child)->resync) {
        error_setg(errp, "Child '%s' is being resynced by job '%s'",
                   child->name, quorum_child_stats(s, child)->resync->id);
        return;
    }
    /* num_children > threshold rules out blkverify (2 children, 2 votes). */
    assert(!s->is_blkverify);

    /* Only the newest name can be given out again. */
    last = g_strdup_printf("children.%u", s->next_child_index - 1);
    if (!strcmp(child->name, last)) {
        s->next_child_index--;
    }

    bdrv_drain(bs);
    memmove(&s->children[i], &s->children[i + 1],
            (s->num_children - i - 1) * sizeof(BdrvChild *));
    s->num_children--;
    /* With a file, what it misses from now on is recorded under its name. */
    quorum_dirty_log_detach(s->dirty_log, child->name);
    if (s->stats) {
        g_hash_table_remove(s->stats, child);
    }
    bdrv_unref_child(bs, child);
    quorum_refresh_flags(bs);
    quorum_refresh_limits(bs, NULL);
}

/* ---------- Open and close ---------- */

static const QemuOptDesc quorum_runtime_opt_desc[] = {
    { .name = QUORUM_OPT_VOTE_THRESHOLD, .type = QEMU_OPT_NUMBER,
      .help = "The number of vote needed for reaching quorum" },
    { .name = QUORUM_OPT_BLKVERIFY, .type = QEMU_OPT_BOOL,
      .help = "Trigger block verify mode if set" },
    { .name = QUORUM_OPT_REWRITE, .type = QEMU_OPT_BOOL,
      .help = "Rewrite corrupted block on read quorum" },
    { .name = QUORUM_OPT_READ_PATTERN, .type = QEMU_OPT_STRING,
      .help = "Allowed pattern: quorum, fifo. Quorum is default" },
    { .name = QUORUM_OPT_DIRTY_GRANULARITY, .type = QEMU_OPT_SIZE,
      .help = "Bytes per bit of the per-child dirty bitmaps" },
    { .name = QUORUM_OPT_DIRTY_FILE, .type = QEMU_OPT_STRING,
      .help = "File keeping the per-child dirty bitmaps across restarts" },
    { .name = QUORUM_OPT_EARLY, .type = QEMU_OPT_BOOL,
      .help = "Complete requests once vote-threshold children have" },
    { .name = QUORUM_OPT_SELF_HEAL, .type = QEMU_OPT_BOOL,
      .help = "Retry failed child requests and resync dirty children" },
    { .name = QUORUM_OPT_VOTE_GRANULARITY, .type = QEMU_OPT_SIZE,
      .help = "Vote on each block of this many bytes by itself" },
    { .name = NULL }
};

static const QemuOptsList quorum_runtime_opts = {
    .name = "quorum",
    .desc = quorum_runtime_opt_desc,
};

static int quorum_valid_threshold(int threshold, int num_children,
                                  Error **errp)
{
    if (threshold < 1) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "vote-threshold",
                   "a value >= 1");
        return -ERANGE;
    }
    if (threshold > num_children) {
        error_setg(errp, "threshold may not exceed children count");
        return -ERANGE;
    }
    return 0;
}

static int quorum_parse_read_pattern(const char *str)
{
    if (!str || !strcmp(str, "quorum")) {
        return QUORUM_READ_PATTERN_QUORUM;
    }
    if (!strcmp(str, "fifo")) {
        return QUORUM_READ_PATTERN_FIFO;
    }
    if (!strcmp(str, "round-robin")) {
        return QUORUM_READ_PATTERN_ROUND_ROBIN;
    }
    return -EINVAL;
}

static int quorum_open_dirty_log(BlockDriverState *bs, const char *path,
                                 Error **errp)
{
    BDRVQuorumState *s = bs->opaque;
    int64_t len = quorum_getlength(bs);
    bool created;

    if (len < 0) {
        return 0;   /* the open fails on it next, with QEMU's message */
    }
    s->dirty_log = quorum_dirty_log_new(path, len, s->dirty_granularity,
                                        &created, errp);
    if (!s->dirty_log) {
        return -EIO;
    }
    for (int i = 0; i < s->num_children; i++) {
        /* A new file: the children are consistent, as QEMU assumes. */
        if (quorum_attach_dirty(bs, s->children[i], created, false, false,
                                errp) < 0) {
            return -EIO;
        }
    }
    return quorum_dirty_log_flush(s, errp);
}

int quorum_open(BlockDriverState *bs, QDict *options, int flags,
                Error **errp)
{
    BDRVQuorumState *s = bs->opaque;
    g_autoptr(QemuOpts) opts = qemu_opts_create(&quorum_runtime_opts);
    uint64_t dirty_granularity;
    int n, ret;

    /* Checks in QEMU's order, so the first message is the same. */
    qdict_flatten(options);
    n = qdict_array_entries(options, "children.");
    if (n < 0) {
        error_setg(errp, "Option children is not a valid array");
        return -EINVAL;
    }
    if (n < 1) {
        error_setg(errp, "Number of provided children must be 1 or more");
        return -EINVAL;
    }
    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        return -EINVAL;
    }
    /* QEMU reads a u64 into an int: 4294967297 becomes 1. */
    s->threshold = (int)qemu_opt_get_number(opts, QUORUM_OPT_VOTE_THRESHOLD,
                                            0);
    ret = quorum_valid_threshold(s->threshold, n, errp);
    if (ret < 0) {
        return ret;
    }
    ret = quorum_parse_read_pattern(qemu_opt_get(opts,
                                                 QUORUM_OPT_READ_PATTERN));
    if (ret < 0) {
        error_setg(errp, "Please set read-pattern as fifo or quorum");
        return ret;
    }
    s->read_pattern = ret;

    /*
     * fifo never votes, so it ignores blkverify (as QEMU).  QEMU's fifo
     * ignores rewrite-corrupted too; ours rewrites the children that
     * failed before one answered (round-robin as well).
     */
    if (s->read_pattern == QUORUM_READ_PATTERN_QUORUM) {
        s->is_blkverify = qemu_opt_get_bool(opts, QUORUM_OPT_BLKVERIFY, false);
        if (s->is_blkverify && (n != 2 || s->threshold != 2)) {
            error_setg(errp, "blkverify=on can only be set if there are "
                       "exactly two files and vote-threshold is 2");
            return -EINVAL;
        }
    }
    s->rewrite_corrupted = qemu_opt_get_bool(opts, QUORUM_OPT_REWRITE, false);
    if (s->rewrite_corrupted && s->is_blkverify) {
        error_setg(errp,
                   "rewrite-corrupted=on cannot be used with blkverify=on");
        return -EINVAL;
    }

    s->complete_at_threshold = qemu_opt_get_bool(opts, QUORUM_OPT_EARLY,
                                                 false);
    s->self_heal = qemu_opt_get_bool(opts, QUORUM_OPT_SELF_HEAL, false);
    s->vote_granularity = qemu_opt_get_size(opts, QUORUM_OPT_VOTE_GRANULARITY,
                                            0);
    if (s->vote_granularity &&
        (s->vote_granularity < 512 || s->vote_granularity > 1 * GiB ||
         (s->vote_granularity & (s->vote_granularity - 1)))) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE,
                   QUORUM_OPT_VOTE_GRANULARITY,
                   "0 or a power of 2 between 512 and 1G");
        return -EINVAL;
    }
    /* Checked as read: the u32 field would make 4G + 512 pass as 512. */
    dirty_granularity = qemu_opt_get_size(opts, QUORUM_OPT_DIRTY_GRANULARITY,
                                          QUORUM_DEFAULT_DIRTY_GRANULARITY);
    if (dirty_granularity < 512 || dirty_granularity > 1 * GiB ||
        (dirty_granularity & (dirty_granularity - 1))) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE,
                   QUORUM_OPT_DIRTY_GRANULARITY,
                   "a power of 2 between 512 and 1G");
        return -EINVAL;
    }
    s->dirty_granularity = dirty_granularity;

    s->children = g_new0(BdrvChild *, n);
    for (int i = 0; i < n; i++) {
        g_autofree char *key = g_strdup_printf("children.%d", i);

        s->children[i] = bdrv_open_child(NULL, options, key, bs,
                                         &child_of_bds, BDRV_CHILD_DATA,
                                         false, errp);
        if (!s->children[i]) {
            ret = -EINVAL;
            goto fail;
        }
        s->num_children = i + 1;
    }
    s->next_child_index = n;
    bs->supported_write_flags = BDRV_REQ_WRITE_UNCHANGED;
    quorum_refresh_flags(bs);
    ret = quorum_open_dirty_log(bs, qemu_opt_get(opts, QUORUM_OPT_DIRTY_FILE),
                                errp);
    if (ret < 0) {
        goto fail;
    }
    return 0;

fail:
    for (int i = 0; i < s->num_children; i++) {
        bdrv_unref_child(bs, s->children[i]);
    }
    g_free(s->children);
    s->children = NULL;
    s->num_children = 0;
    return ret;
}

void quorum_close(BlockDriverState *bs)
{
    BDRVQuorumState *s = bs->opaque;

    /* block.c unrefs the children; we only own the array and buffers. */
    g_free(s->children);
    s->children = NULL;
    s->num_children = 0;
    while (s->nr_spare > 0) {
        qemu_vfree(s->spare_buf[--s->nr_spare]);
    }
    if (s->stats) {
        g_hash_table_destroy(s->stats);
        s->stats = NULL;
    }
    quorum_dirty_log_free(s->dirty_log);    /* owns the bitmaps */
    s->dirty_log = NULL;
}


const char *const quorum_strong_runtime_opts[] = {
    QUORUM_OPT_VOTE_THRESHOLD,
    QUORUM_OPT_BLKVERIFY,
    QUORUM_OPT_REWRITE,
    QUORUM_OPT_READ_PATTERN,
    QUORUM_OPT_DIRTY_GRANULARITY,
    QUORUM_OPT_DIRTY_FILE,
    QUORUM_OPT_EARLY,
    QUORUM_OPT_SELF_HEAL,
    QUORUM_OPT_VOTE_GRANULARITY,
    NULL
};
