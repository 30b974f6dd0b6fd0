/*
 * Block jobs on top of job.c: node edges, speed, error policies and
 * QEMU's BLOCK_JOB_* events (READY, COMPLETED, CANCELLED, ERROR,
 * PENDING), whose common members {type, device, len, offset, speed}
 * come in QEMU's order.  @device is the job's id, as in QEMU.
 */
#include "qemu/osdep.h"
#include "block/blockjob.h"
#include "qapi/qapi-events-block.h"

#define BLOCK_JOB_SLICE_NS (100 * 1000 * 1000LL)

const char *const BlockdevOnError_names[BLOCKDEV_ON_ERROR__MAX + 1] = {
    "report", "ignore", "enospc", "stop", "auto", NULL,
};

static const char *const iostatus_names[] = { "ok", "failed", "nospace" };

static BlockJob *to_block_job(Job *job)
{
    return container_of(job, BlockJob, job);
}

/* {type, device, len, offset, speed}: what every BLOCK_JOB_* starts with. */
static QDict *block_job_event_data(BlockJob *bjob)
{
    QDict *d = qdict_new();

    qdict_put_str(d, "type", JobType_str(bjob->job.driver->job_type));
    qdict_put_str(d, "device", bjob->job.id);
    qdict_put_int(d, "len", bjob->job.progress_total);
    qdict_put_int(d, "offset", bjob->job.progress_current);
    qdict_put_int(d, "speed", bjob->speed);
    return d;
}

/* @error of a failed job, as QEMU words it. */
static void block_job_put_error(QDict *d, Job *job)
{
    if (job->ret) {
        qdict_put_str(d, "error", job->err ? error_get_pretty(job->err) :
                      strerror(-job->ret));
    }
}

static void block_job_on_ready(Job *job)
{
    qapi_event_send_block_job("BLOCK_JOB_READY",
                              block_job_event_data(to_block_job(job)));
}

static void block_job_on_pending(Job *job)
{
    QDict *d = qdict_new();

    qdict_put_str(d, "type", JobType_str(job->driver->job_type));
    qdict_put_str(d, "id", job->id);
    qapi_event_send_block_job("BLOCK_JOB_PENDING", d);
}

static void block_job_on_finished(Job *job)
{
    QDict *d = block_job_event_data(to_block_job(job));

    if (job_is_cancelled(job)) {
        qapi_event_send_block_job("BLOCK_JOB_CANCELLED", d);
        return;
    }
    block_job_put_error(d, job);
    qapi_event_send_block_job("BLOCK_JOB_COMPLETED", d);
}

static const JobListener block_job_listener = {
    .ready = block_job_on_ready,
    .pending = block_job_on_pending,
    .finished = block_job_on_finished,
};

/*
 * QEMU's jobs take their permissions through BlockBackends of their own:
 * a conflict names them as such, using the node as 'root'.
 */
static char *child_job_get_parent_desc(BdrvChild *c)
{
    return g_strdup("an unnamed block device");
}

static const BdrvChildClass child_job = {
    .parent_is_bds = false,
    .get_parent_desc = child_job_get_parent_desc,
    .stay_at_node = true,
};

BdrvChild *block_job_add_bdrv(BlockJob *job, BlockDriverState *bs,
                              uint64_t perm, uint64_t shared, Error **errp)
{
    BdrvChild *c;

    bdrv_ref(bs);
    c = bdrv_root_attach_child(bs, "root", &child_job, BDRV_CHILD_DATA, perm,
                               shared, job, errp);
    if (c) {
        job->nodes = g_slist_prepend(job->nodes, c);
    }
    return c;
}

bool block_job_node_busy(BlockDriverState *bs, Error **errp)
{
    BdrvChild *c;

    QLIST_FOREACH(c, &bs->parents, next_parent) {
        if (c->klass == &child_job) {
            BlockJob *job = c->opaque;

            error_setg(errp, "Node '%s' is busy: block device is in use by "
                       "block job: %s", bdrv_get_device_or_node_name(bs),
                       JobType_str(job->job.driver->job_type));
            return true;
        }
    }
    return false;
}

static void block_job_remove_bdrv(BlockJob *job, BdrvChild *c)
{
    if (c && g_slist_find(job->nodes, c)) {
        job->nodes = g_slist_remove(job->nodes, c);
        if (job->root == c) {
            job->root = NULL;
        }
        bdrv_root_unref_child(c);
    }
}

void block_job_remove_all_bdrv(BlockJob *job)
{
    while (job->nodes) {
        block_job_remove_bdrv(job, job->nodes->data);
    }
}

void block_job_free(Job *job)
{
    block_job_remove_all_bdrv(to_block_job(job));
}

void *block_job_create(const char *job_id, const JobDriver *driver,
                       BlockDriverState *bs, uint64_t perm, uint64_t shared,
                       int64_t speed, int flags, Error **errp)
{
    BlockJob *bjob;

    bjob = job_create(job_id, driver, &block_job_listener, NULL, flags,
                      errp);
    if (!bjob) {
        return NULL;
    }
    /* As QEMU: checked once the job exists, which then goes at once. */
    if (speed < 0) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "speed",
                   "a non-negative value");
        job_early_fail(&bjob->job);
        return NULL;
    }
    bjob->speed = speed;
    bjob->root = block_job_add_bdrv(bjob, bs, perm, shared, errp);
    if (!bjob->root) {
        job_early_fail(&bjob->job);
        return NULL;
    }
    return bjob;
}

BlockJob *block_job_get(const char *id)
{
    Job *job = job_get(id);

    /* Every job here is a block job. */
    return job ? to_block_job(job) : NULL;
}

bool block_job_set_speed(BlockJob *job, int64_t speed, Error **errp)
{
    if (!job_apply_verb(&job->job, JOB_VERB_SET_SPEED, errp)) {
        return false;
    }
    if (speed < 0) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "speed",
                   "a non-negative value");
        return false;
    }
    job->speed = speed;
    /* A job sleeping for the old limit re-plans with the new one. */
    job->slice_start_ns = job->slice_end_ns = 0;
    job->slice_dispatched = 0;
    if (speed == 0 || !job->job.paused) {
        job_enter(&job->job);
    }
    return true;
}

/*
 * QEMU's rate limit: each 100 ms slice may carry speed/10 bytes.  Past
 * that, the slice is stretched by the excess and the job waits until it
 * ends, so a large request is paid for by the time after it.
 */
int64_t block_job_ratelimit_delay(BlockJob *job, uint64_t n)
{
    int64_t now = get_clock_ns();
    uint64_t quota;

    if (!job->speed) {
        return 0;
    }
    quota = MAX((uint64_t)job->speed * BLOCK_JOB_SLICE_NS / 1000000000, 1);
    if (job->slice_end_ns < now) {
        job->slice_start_ns = now;
        job->slice_end_ns = now + BLOCK_JOB_SLICE_NS;
        job->slice_dispatched = 0;
    }
    job->slice_dispatched += n;
    if (job->slice_dispatched < quota) {
        return 0;
    }
    job->slice_end_ns = job->slice_start_ns +
        (int64_t)((double)job->slice_dispatched / quota * BLOCK_JOB_SLICE_NS);
    return job->slice_end_ns - now;
}

BlockErrorAction block_job_error_action(BlockJob *job, BlockdevOnError on_err,
                                        bool is_read, int error)
{
    BlockErrorAction action;
    QDict *d;

    switch (on_err) {
    case BLOCKDEV_ON_ERROR_ENOSPC:
    case BLOCKDEV_ON_ERROR_AUTO:
        action = (error == ENOSPC) ? BLOCK_ERROR_ACTION_STOP :
                                     BLOCK_ERROR_ACTION_REPORT;
        break;
    case BLOCKDEV_ON_ERROR_STOP:
        action = BLOCK_ERROR_ACTION_STOP;
        break;
    case BLOCKDEV_ON_ERROR_IGNORE:
        action = BLOCK_ERROR_ACTION_IGNORE;
        break;
    default:
        action = BLOCK_ERROR_ACTION_REPORT;
        break;
    }
    if (job_is_cancelled(&job->job)) {
        return action;          /* as QEMU: no event once cancelled */
    }
    d = qdict_new();
    qdict_put_str(d, "device", job->job.id);
    qdict_put_str(d, "operation", is_read ? "read" : "write");
    qdict_put_str(d, "action", action == BLOCK_ERROR_ACTION_IGNORE ?
                  "ignore" : action == BLOCK_ERROR_ACTION_REPORT ?
                  "report" : "stop");
    qapi_event_send_block_job("BLOCK_JOB_ERROR", d);
    if (action == BLOCK_ERROR_ACTION_STOP) {
        if (!job->job.user_paused) {
            job_pause(&job->job);
            /* A user pause, so that block-job-resume resumes it. */
            job->job.user_paused = true;
        }
        if (job->iostatus == BLOCK_DEVICE_IO_STATUS_OK) {
            job->iostatus = error == ENOSPC ? BLOCK_DEVICE_IO_STATUS_NOSPACE :
                                              BLOCK_DEVICE_IO_STATUS_FAILED;
        }
    }
    return action;
}

void block_job_user_resume(BlockJob *job)
{
    job->iostatus = BLOCK_DEVICE_IO_STATUS_OK;
}

QDict *block_job_query(BlockJob *bjob)
{
    Job *job = &bjob->job;
    QDict *d = qdict_new();

    qdict_put_str(d, "type", JobType_str(job->driver->job_type));
    qdict_put_str(d, "device", job->id);
    qdict_put_int(d, "len", job->progress_total);
    qdict_put_int(d, "offset", job->progress_current);
    qdict_put_bool(d, "busy", job->busy);
    qdict_put_bool(d, "paused", job->pause_count > 0);
    qdict_put_int(d, "speed", bjob->speed);
    qdict_put_str(d, "io-status", iostatus_names[bjob->iostatus]);
    qdict_put_bool(d, "ready", job_is_ready(job));
    qdict_put_str(d, "status", JobStatus_str(job->status));
    qdict_put_bool(d, "auto-finalize", job->auto_finalize);
    qdict_put_bool(d, "auto-dismiss", job->auto_dismiss);
    block_job_put_error(d, job);
    return d;
}

QDict *job_query(Job *job)
{
    QDict *d = qdict_new();

    qdict_put_str(d, "id", job->id);
    qdict_put_str(d, "type", JobType_str(job->driver->job_type));
    qdict_put_str(d, "status", JobStatus_str(job->status));
    qdict_put_int(d, "current-progress", job->progress_current);
    qdict_put_int(d, "total-progress", job->progress_total);
    block_job_put_error(d, job);
    return d;
}
