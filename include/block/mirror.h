/* The mirror job (block/mirror.c). */
#ifndef BLOCK_MIRROR_H
#define BLOCK_MIRROR_H

#include "block/blockjob.h"

/* QEMU's MirrorSyncMode (bitmap and incremental are not supported). */
typedef enum MirrorSyncMode {
    MIRROR_SYNC_MODE_TOP,
    MIRROR_SYNC_MODE_FULL,
    MIRROR_SYNC_MODE_NONE,
    MIRROR_SYNC_MODE__MAX,
} MirrorSyncMode;

/*
 * Start copying @bs to @target; on completion @target replaces
 * @to_replace (@bs itself, or a node below it such as a quorum child).
 * The arguments are checked by the caller (blockdev-mirror).
 */
bool mirror_start(const char *job_id, BlockDriverState *bs,
                  BlockDriverState *target, BlockDriverState *to_replace,
                  MirrorSyncMode sync, int64_t speed, uint32_t granularity,
                  int64_t buf_size, BlockdevOnError on_source_error,
                  BlockdevOnError on_target_error, int flags, Error **errp);

#endif
