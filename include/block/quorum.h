/*
 * Quorum statistics for x-query-quorum: unthrottled per-child counters
 * and a bounded log of bad ranges, kept by the quorum driver.
 */
#ifndef BLOCK_QUORUM_H
#define BLOCK_QUORUM_H

#include "block/block.h"

/* Newest bad ranges kept per child. */
#define QUORUM_BAD_RANGE_LOG 64

/*
 * Fill *out with a QuorumStats dict (qapi/quorum.json).  Fails with
 * "Node 'X' is not a quorum node" for other drivers.
 */
bool quorum_query_stats(BlockDriverState *bs, QDict **out, Error **errp);

#endif
