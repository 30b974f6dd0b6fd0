/*
 * The quorum driver's state, shared by block/quorum.c (requests, graph)
 * and block/quorum-resync.c (the resync job).  Single-threaded: the main
 * loop owns every quorum.
 */
#ifndef BLOCK_QUORUM_INT_H
#define BLOCK_QUORUM_INT_H

#include "block/block_int.h"
#include "block/quorum-dirty.h"
#include "qapi/qapi-events-block.h"
#include "qemu/job.h"

#define QUORUM_SPARE_COUNT 32       /* bounce areas kept: a deep queue */

typedef enum QuorumReadPattern {
    QUORUM_READ_PATTERN_QUORUM,
    QUORUM_READ_PATTERN_FIFO,
    QUORUM_READ_PATTERN_ROUND_ROBIN,    /* ours */
} QuorumReadPattern;

typedef struct BDRVQuorumState {
    BdrvChild **children;
    int num_children;
    unsigned next_child_index;  /* name of the next added child */
    int threshold;              /* votes needed for a read or write */
    bool is_blkverify;          /* mismatch: print and exit(1) */
    bool rewrite_corrupted;     /* rewrite losing children after a vote */
    QuorumReadPattern read_pattern;
    unsigned next_read;         /* round-robin: where the next read starts */
    /* Bounce areas of finished reads, reused: one per request in flight. */
    void *spare_buf[QUORUM_SPARE_COUNT];
    size_t spare_size[QUORUM_SPARE_COUNT];
    int nr_spare;
    GHashTable *stats;          /* BdrvChild * -> QuorumChildStats * */
    uint64_t failures;          /* QUORUM_FAILURE raised */
    uint32_t dirty_granularity;
    QuorumDirtyLog *dirty_log;  /* per-child dirty bitmaps, maybe a file */
    bool complete_at_threshold; /* x-complete-at-threshold */
    bool self_heal;             /* x-self-heal */
    int64_t vote_granularity;   /* 0: one vote per request, as QEMU */
} BDRVQuorumState;

/* Newest bad ranges kept per child. */
#define QUORUM_BAD_RANGE_LOG 64

typedef struct QuorumBadRange {
    QuorumOpType type;
    int err;                    /* errno, 0 for a lost vote */
    int64_t sector_num;
    int64_t sectors_count;
} QuorumBadRange;

/*
 * x-complete-at-threshold: a write acknowledged before this child had it.
 * Its granules are dirty for the child until the write lands there; they
 * are cleared then only if they were clean before and no later write to
 * them reached the child first (@overtaken).
 */
typedef struct QuorumLag {
    bool active;
    bool overtaken;
    bool was_clean;
    int64_t start, end;         /* whole granules */
    QLIST_ENTRY(QuorumLag) next;
} QuorumLag;

/* Unthrottled: every event counts, even when rate limiting merged it. */
typedef struct QuorumChildStats {
    uint64_t errors[3];         /* by QuorumOpType */
    uint64_t mismatches;
    uint64_t repaired_bytes;
    uint64_t repairs_skipped;   /* a write overlapped the read */
    QuorumBadRange log[QUORUM_BAD_RANGE_LOG];   /* ring */
    uint64_t nb_logged;
    /*
     * Ranges this child missed (a failed write, a write while it was
     * away): they take no part in reads until a resync copies them.
     */
    BdrvDirtyBitmap *dirty;
    Job *resync;               /* the resync job copying into it */
    uint64_t resynced_bytes;
    QLIST_HEAD(, QuorumLag) lags;   /* writes it has yet to finish */
    int nr_lags;
    int64_t lag_bytes;
    uint64_t lagged_writes;     /* acknowledged before it had them */
    uint64_t healed_errors;     /* x-self-heal: failed, then went through */
} QuorumChildStats;

/* The child's state, created on first use. */
QuorumChildStats *quorum_child_stats(BDRVQuorumState *s, BdrvChild *child);
/* Does @child hold ranges it missed in [offset, offset + bytes)? */
bool quorum_child_is_dirty(BDRVQuorumState *s, BdrvChild *child,
                           int64_t offset, int64_t bytes);
/* Start a resync of @child if it has dirty bytes and none runs. */
void quorum_resync_start_auto(BlockDriverState *bs, BdrvChild *child);
bool quorum_resync_child(BlockDriverState *bs, const char *job_id,
                         BdrvChild *child, int64_t speed, Error **errp);
/* x-quorum-scrub: start the scrub job (block/quorum-scrub.c). */
bool quorum_scrub_start(BlockDriverState *bs, const char *job_id,
                        bool repair, bool resume, int64_t speed,
                        Error **errp);

/* block/quorum.c and block/quorum-graph.c, for each other. */
int64_t quorum_getlength(BlockDriverState *bs);
void quorum_stats_record(BDRVQuorumState *s, BdrvChild *child,
                         QuorumOpType type, int ret,
                         int64_t sector_num, int64_t sectors_count);
void quorum_add_child(BlockDriverState *bs, BlockDriverState *child_bs,
                      const char *sync, Error **errp);
void quorum_child_perm(BlockDriverState *bs, BdrvChild *c,
                       unsigned role, uint64_t perm, uint64_t shared,
                       uint64_t *nperm, uint64_t *nshared);
void quorum_close(BlockDriverState *bs);
void quorum_del_child(BlockDriverState *bs, BdrvChild *child,
                      Error **errp);
void quorum_gather_child_options(BlockDriverState *bs, QDict *target,
                                 bool backing_overridden);
QDict *quorum_get_specific_stats(BlockDriverState *bs);
int quorum_open(BlockDriverState *bs, QDict *options, int flags,
                Error **errp);
bool quorum_recurse_can_replace(BlockDriverState *bs,
                                BlockDriverState *to_replace);
void quorum_refresh_limits(BlockDriverState *bs, Error **errp);
void quorum_refresh_flags(BlockDriverState *bs);
extern const char *const quorum_strong_runtime_opts[];
/*
 * Bounce areas, kept between requests: fresh ones cost page faults and
 * munmap()s (a scrub with new 4 MiB areas read tmpfs at 30 MiB/s).
 */
void *quorum_get_bounce(BDRVQuorumState *s, BlockDriverState *bs,
                        size_t size, size_t *capacity);
void quorum_put_bounce(BDRVQuorumState *s, void *buf, size_t capacity);
/* QUORUM_REPORT_BAD for @child, counted in x-query-quorum. */
void quorum_report_bad(BlockDriverState *bs, BdrvChild *child,
                       QuorumOpType type, int64_t offset, int64_t bytes,
                       int ret);

#endif
