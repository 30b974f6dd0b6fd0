/*
 * Block jobs: jobs that work on nodes (mirror, resync, scrub).  They hold
 * their nodes through root edges with the permissions they need, send
 * QEMU's BLOCK_JOB_* events, obey a speed limit and apply QEMU's
 * on-error policies.  Single-threaded, as job.c.
 */
#ifndef BLOCK_BLOCKJOB_H
#define BLOCK_BLOCKJOB_H

#include "qemu/job.h"
#include "block/block_int.h"

/* QEMU's BlockdevOnError. */
typedef enum BlockdevOnError {
    BLOCKDEV_ON_ERROR_REPORT,
    BLOCKDEV_ON_ERROR_IGNORE,
    BLOCKDEV_ON_ERROR_ENOSPC,
    BLOCKDEV_ON_ERROR_STOP,
    BLOCKDEV_ON_ERROR_AUTO,
    BLOCKDEV_ON_ERROR__MAX,
} BlockdevOnError;

/* QEMU's BlockErrorAction. */
typedef enum BlockErrorAction {
    BLOCK_ERROR_ACTION_IGNORE,
    BLOCK_ERROR_ACTION_REPORT,
    BLOCK_ERROR_ACTION_STOP,
} BlockErrorAction;

/* QEMU's BlockDeviceIoStatus. */
typedef enum BlockDeviceIoStatus {
    BLOCK_DEVICE_IO_STATUS_OK,
    BLOCK_DEVICE_IO_STATUS_FAILED,
    BLOCK_DEVICE_IO_STATUS_NOSPACE,
} BlockDeviceIoStatus;

extern const char *const BlockdevOnError_names[BLOCKDEV_ON_ERROR__MAX + 1];

typedef struct BlockJob {
    Job job;
    BdrvChild *root;            /* the node the job is about */
    GSList *nodes;              /* every edge the job holds, root included */
    int64_t speed;              /* bytes/s, 0 for no limit */
    int64_t slice_start_ns;     /* rate limit: the current slice */
    int64_t slice_end_ns;
    uint64_t slice_dispatched;
    BlockDeviceIoStatus iostatus;
} BlockJob;

/*
 * A block job on @bs, holding it with @perm and sharing @shared.
 * @speed: bytes/s (0 unlimited); @flags: JOB_MANUAL_*.
 */
void *block_job_create(const char *job_id, const JobDriver *driver,
                       BlockDriverState *bs, uint64_t perm, uint64_t shared,
                       int64_t speed, int flags, Error **errp);
/*
 * Hold another node (a target) with @perm, sharing @shared; the edge
 * goes with the job.  Other parents of the node that exclude it, or
 * that it excludes, make this fail.
 */
BdrvChild *block_job_add_bdrv(BlockJob *job, BlockDriverState *bs,
                              uint64_t perm, uint64_t shared, Error **errp);
/*
 * Does a job hold @bs?  Then it is busy for another job, with QEMU's
 * message (its op blockers).
 */
bool block_job_node_busy(BlockDriverState *bs, Error **errp);
/* Drop every edge (a job that has finished its work on the graph). */
void block_job_remove_all_bdrv(BlockJob *job);
/* JobDriver.free of every block job driver (frees the edges). */
void block_job_free(Job *job);

BlockJob *block_job_get(const char *id);
bool block_job_set_speed(BlockJob *job, int64_t speed, Error **errp);
/* How long to wait before dispatching @n more bytes at the job's speed. */
int64_t block_job_ratelimit_delay(BlockJob *job, uint64_t n);

/* QEMU's error policy: the action, a BLOCK_JOB_ERROR, a stop if asked. */
BlockErrorAction block_job_error_action(BlockJob *job, BlockdevOnError on_err,
                                        bool is_read, int error);
/* A user resume after a stop clears the I/O status. */
void block_job_user_resume(BlockJob *job);

/* query-block-jobs' BlockJobInfo and query-jobs' JobInfo. */
QDict *block_job_query(BlockJob *job);
QDict *job_query(Job *job);

#endif
