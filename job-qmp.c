/*
 * QMP commands of jobs and block jobs: query-jobs, job-*, query-block-jobs
 * and block-job-*, with QEMU 7.2's lookups and messages (job-* say "Job
 * not found"; block-job-* say "Block job 'x' not found" with class
 * DeviceNotActive).  Arguments arrive validated against qapi/job.json.
 */
#include "qemu/osdep.h"
#include "block/blockjob.h"
#include "monitor/monitor.h"

static Job *find_job(QDict *args, Error **errp)
{
    Job *job = job_get(qdict_get_str(args, "id"));

    if (!job) {
        error_setg(errp, "Job not found");
    }
    return job;
}

static BlockJob *find_block_job(const char *id, Error **errp)
{
    BlockJob *job = block_job_get(id);

    if (!job) {
        error_set(errp, ERROR_CLASS_DEVICE_NOT_ACTIVE,
                  "Block job '%s' not found", id);
    }
    return job;
}

void qmp_query_jobs(QDict *args, QObject **ret, Error **errp)
{
    QList *list = json_array();

    for (Job *job = job_next(NULL); job; job = job_next(job)) {
        json_array_append_new(list, job_query(job));
    }
    *ret = list;
}

void qmp_job_pause(QDict *args, QObject **ret, Error **errp)
{
    Job *job = find_job(args, errp);

    if (job) {
        job_user_pause(job, errp);
    }
}

/* A user resume also clears an error stop's I/O status. */
static void user_resume(Job *job, Error **errp)
{
    Error *err = NULL;

    job_user_resume(job, &err);
    if (err) {
        error_propagate(errp, err);
        return;
    }
    block_job_user_resume(container_of(job, BlockJob, job));
}

void qmp_job_resume(QDict *args, QObject **ret, Error **errp)
{
    Job *job = find_job(args, errp);

    if (job) {
        user_resume(job, errp);
    }
}

void qmp_job_cancel(QDict *args, QObject **ret, Error **errp)
{
    Job *job = find_job(args, errp);

    if (job) {
        job_user_cancel(job, true, errp);
    }
}

void qmp_job_complete(QDict *args, QObject **ret, Error **errp)
{
    Job *job = find_job(args, errp);

    if (job) {
        job_complete(job, errp);
    }
}

void qmp_job_finalize(QDict *args, QObject **ret, Error **errp)
{
    Job *job = find_job(args, errp);

    if (job) {
        job_finalize(job, errp);
    }
}

void qmp_job_dismiss(QDict *args, QObject **ret, Error **errp)
{
    Job *job = find_job(args, errp);

    if (job) {
        job_dismiss(&job, errp);
    }
}

void qmp_query_block_jobs(QDict *args, QObject **ret, Error **errp)
{
    QList *list = json_array();

    for (Job *job = job_next(NULL); job; job = job_next(job)) {
        json_array_append_new(list,
                              block_job_query(container_of(job, BlockJob,
                                                           job)));
    }
    *ret = list;
}

void qmp_block_job_set_speed(QDict *args, QObject **ret, Error **errp)
{
    BlockJob *job = find_block_job(qdict_get_str(args, "device"), errp);

    if (job) {
        block_job_set_speed(job, qdict_get_try_int(args, "speed", 0), errp);
    }
}

void qmp_block_job_cancel(QDict *args, QObject **ret, Error **errp)
{
    const char *device = qdict_get_str(args, "device");
    bool force = qdict_get_try_bool(args, "force", false);
    BlockJob *job = find_block_job(device, errp);

    if (!job) {
        return;
    }
    if (job->job.user_paused && !force) {
        error_setg(errp, "The block job for device '%s' is currently paused",
                   device);
        return;
    }
    job_user_cancel(&job->job, force, errp);
}

void qmp_block_job_pause(QDict *args, QObject **ret, Error **errp)
{
    BlockJob *job = find_block_job(qdict_get_str(args, "device"), errp);

    if (job) {
        job_user_pause(&job->job, errp);
    }
}

void qmp_block_job_resume(QDict *args, QObject **ret, Error **errp)
{
    BlockJob *job = find_block_job(qdict_get_str(args, "device"), errp);

    if (job) {
        user_resume(&job->job, errp);
    }
}

void qmp_block_job_complete(QDict *args, QObject **ret, Error **errp)
{
    BlockJob *job = find_block_job(qdict_get_str(args, "device"), errp);

    if (job) {
        job_complete(&job->job, errp);
    }
}

void qmp_block_job_finalize(QDict *args, QObject **ret, Error **errp)
{
    BlockJob *job = find_block_job(qdict_get_str(args, "id"), errp);

    if (job) {
        job_finalize(&job->job, errp);
    }
}

void qmp_block_job_dismiss(QDict *args, QObject **ret, Error **errp)
{
    BlockJob *job = find_block_job(qdict_get_str(args, "id"), errp);
    Job *j;

    if (job) {
        j = &job->job;
        job_dismiss(&j, errp);
    }
}
