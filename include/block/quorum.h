/*
 * What the quorum driver offers beyond the block layer's interface: the
 * scrub of a range, for the scrub job (x-quorum-scrub) and for the
 * offline check (qemu-img quorum-check).  See docs/self-healing.md.
 */
#ifndef BLOCK_QUORUM_H
#define BLOCK_QUORUM_H

#include "block/block_int.h"

/* Blocks a scrub votes on when the quorum has no vote-granularity. */
#define QUORUM_SCRUB_BLOCK 4096

/* One finding of a scrub: a child's range that lost, or failed. */
typedef struct QuorumScrubFinding {
    int child;                  /* index in the quorum */
    int64_t offset;
    int64_t bytes;
    int err;                    /* 0: lost the vote; else the read errno */
    bool repaired;
} QuorumScrubFinding;

typedef struct QuorumScrubRange {
    int64_t offset;
    int64_t bytes;
} QuorumScrubRange;

typedef struct QuorumScrubResult {
    GArray *findings;           /* QuorumScrubFinding, children highest
                                 * first, each in offset order */
    int64_t unrecoverable;      /* bytes of blocks without a majority */
    int64_t first_unrecoverable;
    GArray *no_majority;        /* if non-NULL: QuorumScrubRange of them */
} QuorumScrubResult;

/* Is @bs a quorum node? */
bool quorum_is_quorum(BlockDriverState *bs);
int quorum_num_children(BlockDriverState *bs);
BdrvChild *quorum_get_child(BlockDriverState *bs, int i);

/*
 * Read [offset, offset + bytes) on every child (not where a child is
 * known stale), vote on each block, and report each child's losing or
 * failing ranges (QUORUM_REPORT_BAD, x-query-quorum); with @repair
 * rewrite them with the majority's data.  At most 1 MiB.
 * -EAGAIN when a write to the quorum overlapped: nothing was reported,
 * do it again.  Other -errno: no child could be read.  @res->findings
 * must be an empty array of QuorumScrubFinding.
 */
int coroutine_fn quorum_co_scrub(BlockDriverState *bs, int64_t offset,
                                 int64_t bytes, bool repair,
                                 QuorumScrubResult *res);

#endif
