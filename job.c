/*
 * The job core: QEMU's job state machine and verbs, cooperative pausing,
 * and the end of a job (prepare, commit or abort, clean, conclude,
 * dismiss) in QEMU's order, so that JOB_STATUS_CHANGE and the block job
 * events come out as QEMU's do.  A job is its own transaction: there are
 * no grouped jobs (QMP 'transaction') here.
 */
#include "qemu/osdep.h"
#include "qemu/job.h"
#include "qemu/cutils.h"
#include "qapi/qapi-events-block.h"

/* Every job, oldest first; main loop thread only. */
static QLIST_HEAD(, Job) jobs = QLIST_HEAD_INITIALIZER(jobs);

static const char *const job_status_names[JOB_STATUS__MAX] = {
    "undefined", "created", "running", "paused", "ready", "standby",
    "waiting", "pending", "aborting", "concluded", "null",
};

static const char *const job_verb_names[JOB_VERB__MAX] = {
    "cancel", "pause", "resume", "set-speed", "complete", "finalize",
    "dismiss",
};

static const char *const job_type_names[JOB_TYPE__MAX] = {
    "commit", "stream", "mirror", "backup", "create", "amend",
    "snapshot-load", "snapshot-save", "snapshot-delete",
    "x-quorum-resync", "x-quorum-scrub",
};

const char *JobStatus_str(JobStatus s)
{
    assert((unsigned)s < JOB_STATUS__MAX);
    return job_status_names[s];
}

const char *JobVerb_str(JobVerb v)
{
    assert((unsigned)v < JOB_VERB__MAX);
    return job_verb_names[v];
}

const char *JobType_str(JobType t)
{
    assert((unsigned)t < JOB_TYPE__MAX);
    return job_type_names[t];
}

/* QEMU's transition table: may a job go from [row] to [column]? */
static const bool job_stt[JOB_STATUS__MAX][JOB_STATUS__MAX] = {
    /*                      U  C  R  P  Y  S  W  D  X  E  N */
    [JOB_STATUS_UNDEFINED] = {0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    [JOB_STATUS_CREATED]   = {0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1},
    [JOB_STATUS_RUNNING]   = {0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0},
    [JOB_STATUS_PAUSED]    = {0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0},
    [JOB_STATUS_READY]     = {0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 0},
    [JOB_STATUS_STANDBY]   = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
    [JOB_STATUS_WAITING]   = {0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0},
    [JOB_STATUS_PENDING]   = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0},
    [JOB_STATUS_ABORTING]  = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0},
    [JOB_STATUS_CONCLUDED] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1},
    [JOB_STATUS_NULL]      = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
};

/* QEMU's verb table: in which states does a job accept [row]? */
static const bool job_verb_table[JOB_VERB__MAX][JOB_STATUS__MAX] = {
    /*                      U  C  R  P  Y  S  W  D  X  E  N */
    [JOB_VERB_CANCEL]    = {0, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0},
    [JOB_VERB_PAUSE]     = {0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
    [JOB_VERB_RESUME]    = {0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
    [JOB_VERB_SET_SPEED] = {0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
    [JOB_VERB_COMPLETE]  = {0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
    [JOB_VERB_FINALIZE]  = {0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0},
    [JOB_VERB_DISMISS]   = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0},
};

static void job_state_transition(Job *job, JobStatus s1)
{
    JobStatus s0 = job->status;

    assert(job_stt[s0][s1]);
    job->status = s1;
    if (s1 != s0) {
        qapi_event_send_job_status_change(job->id, JobStatus_str(s1));
        if (job->listener && job->listener->status_changed) {
            job->listener->status_changed(job);
        }
    }
}

bool job_apply_verb(Job *job, JobVerb verb, Error **errp)
{
    if (job_verb_table[verb][job->status]) {
        return true;
    }
    error_setg(errp, "Job '%s' in state '%s' cannot accept command verb "
               "'%s'", job->id, JobStatus_str(job->status), JobVerb_str(verb));
    return false;
}

/* ---------- Life and lookup ---------- */

Job *job_get(const char *id)
{
    Job *job;

    QLIST_FOREACH(job, &jobs, job_list) {
        if (!strcmp(job->id, id)) {
            return job;
        }
    }
    return NULL;
}

Job *job_next(Job *job)
{
    return job ? QLIST_NEXT(job, job_list) : QLIST_FIRST(&jobs);
}

static void job_sleep_timer_cb(void *opaque)
{
    job_enter(opaque);
}

void *job_create(const char *job_id, const JobDriver *driver,
                 const JobListener *listener, void *opaque, int flags,
                 Error **errp)
{
    Job *job, *last = NULL, *it;

    if (!job_id) {
        error_setg(errp, "An explicit job ID is required");
        return NULL;
    }
    if (!id_wellformed(job_id)) {
        error_setg(errp, "Invalid job ID '%s'", job_id);
        return NULL;
    }
    if (job_get(job_id)) {
        error_setg(errp, "Job ID '%s' already in use", job_id);
        return NULL;
    }
    assert(driver->instance_size >= sizeof(Job));
    job = g_malloc0(driver->instance_size);
    job->id = g_strdup(job_id);
    job->driver = driver;
    job->listener = listener;
    job->opaque = opaque;
    job->refcnt = 1;
    /* Held until job_start(): a pause before then counts on top. */
    job->pause_count = 1;
    job->paused = true;
    job->auto_finalize = !(flags & JOB_MANUAL_FINALIZE);
    job->auto_dismiss = !(flags & JOB_MANUAL_DISMISS);
    job->sleep_timer = timer_new_ns(job_sleep_timer_cb, job);
    /* Oldest first, as query-jobs lists them. */
    QLIST_FOREACH(it, &jobs, job_list) {
        last = it;
    }
    if (last) {
        QLIST_INSERT_AFTER(last, job, job_list);
    } else {
        QLIST_INSERT_HEAD(&jobs, job, job_list);
    }
    job_state_transition(job, JOB_STATUS_CREATED);
    return job;
}

void job_ref(Job *job)
{
    job->refcnt++;
}

void job_unref(Job *job)
{
    if (--job->refcnt > 0) {
        return;
    }
    assert(job->status == JOB_STATUS_NULL);
    if (job->driver->free) {
        job->driver->free(job);
    }
    timer_free(job->sleep_timer);
    QLIST_REMOVE(job, job_list);
    error_free(job->err);
    g_free(job->id);
    g_free(job);
}

static bool job_started(Job *job)
{
    return job->co != NULL;
}

static bool job_should_pause(Job *job)
{
    return job->pause_count > 0;
}

bool job_is_cancelled(Job *job)
{
    /* A soft cancel of a ready job is a graceful end, not a cancel. */
    return job->cancelled && job->force_cancel;
}

bool job_cancel_requested(Job *job)
{
    return job->cancelled;
}

bool job_is_ready(Job *job)
{
    return job->status == JOB_STATUS_READY ||
           job->status == JOB_STATUS_STANDBY;
}

bool job_is_completed(Job *job)
{
    switch (job->status) {
    case JOB_STATUS_WAITING:
    case JOB_STATUS_PENDING:
    case JOB_STATUS_ABORTING:
    case JOB_STATUS_CONCLUDED:
    case JOB_STATUS_NULL:
        return true;
    default:
        return false;
    }
}

/* ---------- Running, yielding, pausing ---------- */

void job_enter(Job *job)
{
    if (!job_started(job) || job->deferred_to_main_loop || job->busy) {
        return;
    }
    timer_del(job->sleep_timer);
    job->busy = true;
    aio_co_wake(job->co);
}

/* Yield until job_enter(); with @deadline_ns >= 0, at the latest then. */
static void coroutine_fn job_do_yield(Job *job, int64_t deadline_ns)
{
    if (deadline_ns >= 0) {
        timer_mod_ns(job->sleep_timer, deadline_ns);
    }
    job->busy = false;
    qemu_coroutine_yield();
    assert(job->busy);
}

void coroutine_fn job_pause_point(Job *job)
{
    JobStatus status;

    if (!job_should_pause(job) || job_is_cancelled(job)) {
        return;
    }
    status = job->status;
    job_state_transition(job, status == JOB_STATUS_READY ?
                         JOB_STATUS_STANDBY : JOB_STATUS_PAUSED);
    job->paused = true;
    job_do_yield(job, -1);
    job->paused = false;
    job_state_transition(job, status);
}

void coroutine_fn job_yield(Job *job)
{
    if (job_is_cancelled(job)) {
        return;
    }
    if (!job_should_pause(job)) {
        job_do_yield(job, -1);
    }
    job_pause_point(job);
}

void coroutine_fn job_sleep_ns(Job *job, int64_t ns)
{
    if (job_is_cancelled(job)) {
        return;
    }
    if (!job_should_pause(job)) {
        job_do_yield(job, get_clock_ns() + ns);
    }
    job_pause_point(job);
}

void job_pause(Job *job)
{
    job->pause_count++;
    if (!job->paused) {
        job_enter(job);
    }
}

void job_resume(Job *job)
{
    assert(job->pause_count > 0);
    if (--job->pause_count) {
        return;
    }
    /* A sleeping job wakes on its timer, not earlier. */
    if (!timer_pending(job->sleep_timer)) {
        job_enter(job);
    }
}

void job_transition_to_ready(Job *job)
{
    job_state_transition(job, JOB_STATUS_READY);
    if (job->listener && job->listener->ready) {
        job->listener->ready(job);
    }
}

void job_progress_update(Job *job, uint64_t done)
{
    job->progress_current += done;
}

void job_progress_set_remaining(Job *job, uint64_t remaining)
{
    job->progress_total = job->progress_current + remaining;
}

/* ---------- The end of a job ---------- */

static void job_do_dismiss(Job *job)
{
    job->busy = false;
    job->paused = false;
    job->deferred_to_main_loop = true;
    job_state_transition(job, JOB_STATUS_NULL);
    job_unref(job);
}

void job_early_fail(Job *job)
{
    assert(job->status == JOB_STATUS_CREATED && !job_started(job));
    job_do_dismiss(job);
}

static void job_conclude(Job *job)
{
    job_state_transition(job, JOB_STATUS_CONCLUDED);
    if (job->auto_dismiss || !job_started(job)) {
        job_do_dismiss(job);
    }
}

/* A cancel or a failure becomes the job's result, once. */
static void job_update_rc(Job *job)
{
    if (!job->ret && job_is_cancelled(job)) {
        job->ret = -ECANCELED;
    }
    if (job->ret) {
        if (!job->err) {
            error_setg(&job->err, "%s", strerror(-job->ret));
        }
        job_state_transition(job, JOB_STATUS_ABORTING);
    }
}

static void job_finalize_single(Job *job)
{
    assert(job_is_completed(job));
    job_update_rc(job);
    if (!job->ret) {
        if (job->driver->commit) {
            job->driver->commit(job);
        }
    } else if (job->driver->abort) {
        job->driver->abort(job);
    }
    if (job->driver->clean) {
        job->driver->clean(job);
    }
    /* Only a job that ran says how it ended. */
    if (job_started(job) && job->listener && job->listener->finished) {
        job->listener->finished(job);
    }
    job_conclude(job);
}

static void job_do_finalize(Job *job)
{
    if (!job->ret && job->driver->prepare) {
        job->ret = job->driver->prepare(job);
        job_update_rc(job);
    }
    job_finalize_single(job);
}

static void job_completed(Job *job)
{
    assert(!job_is_completed(job));
    job_update_rc(job);
    if (job->ret) {
        job_finalize_single(job);
        return;
    }
    job_state_transition(job, JOB_STATUS_WAITING);
    job_state_transition(job, JOB_STATUS_PENDING);
    if (!job->auto_finalize) {
        if (job->listener && job->listener->pending) {
            job->listener->pending(job);
        }
        return;
    }
    job_do_finalize(job);
}

/* run() has returned: finish in the main loop, outside the coroutine. */
static void job_exit(void *opaque)
{
    Job *job = opaque;

    job_ref(job);
    job->busy = false;
    job_completed(job);
    job_unref(job);
}

static void coroutine_fn job_co_entry(void *opaque)
{
    Job *job = opaque;

    job_pause_point(job);
    job->ret = job->driver->run(job, &job->err);
    job->deferred_to_main_loop = true;
    job->busy = true;
    aio_bh_schedule_oneshot(job_exit, job);
}

void job_start(Job *job)
{
    assert(!job_started(job) && job->status == JOB_STATUS_CREATED);
    job->co = qemu_coroutine_create(job_co_entry, job);
    job->pause_count--;
    job->busy = true;
    job->paused = false;
    job_state_transition(job, JOB_STATUS_RUNNING);
    qemu_coroutine_enter(job->co);
}

/* ---------- User commands ---------- */

void job_user_pause(Job *job, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_PAUSE, errp)) {
        return;
    }
    if (job->user_paused) {
        error_setg(errp, "Job is already paused");
        return;
    }
    job->user_paused = true;
    job_pause(job);
}

void job_user_resume(Job *job, Error **errp)
{
    if (!job->user_paused || job->pause_count <= 0) {
        error_setg(errp, "Can't resume a job that was not paused");
        return;
    }
    if (!job_apply_verb(job, JOB_VERB_RESUME, errp)) {
        return;
    }
    job->user_paused = false;
    job_resume(job);
}

static void job_cancel_async(Job *job, bool force)
{
    force = job->driver->cancel ? job->driver->cancel(job, force) : true;
    if (job->user_paused) {
        /* The caller enters the job; only undo the user's pause here. */
        job->user_paused = false;
        assert(job->pause_count > 0);
        job->pause_count--;
    }
    /* A soft cancel after a forced one changes nothing. */
    if (!job->cancelled) {
        job->cancelled = true;
        job->force_cancel = force;
    } else if (force) {
        job->force_cancel = true;
    }
}

void job_cancel(Job *job, bool force)
{
    if (job->status == JOB_STATUS_CONCLUDED) {
        job_do_dismiss(job);
        return;
    }
    job_cancel_async(job, force);
    if (!job_started(job)) {
        job_completed(job);
    } else if (job->deferred_to_main_loop) {
        /* Waiting for job-finalize: a forced cancel aborts it now. */
        if (job_is_cancelled(job) && job->status == JOB_STATUS_PENDING) {
            job_finalize_single(job);
        }
    } else {
        job_enter(job);
    }
}

void job_user_cancel(Job *job, bool force, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_CANCEL, errp)) {
        return;
    }
    job_cancel(job, force);
}

void job_complete(Job *job, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_COMPLETE, errp)) {
        return;
    }
    if (job_cancel_requested(job) || !job->driver->complete) {
        error_setg(errp, "The active block job '%s' cannot be completed",
                   job->id);
        return;
    }
    job->driver->complete(job, errp);
}

void job_finalize(Job *job, Error **errp)
{
    if (!job_apply_verb(job, JOB_VERB_FINALIZE, errp)) {
        return;
    }
    job_do_finalize(job);
}

void job_dismiss(Job **jobptr, Error **errp)
{
    if (!job_apply_verb(*jobptr, JOB_VERB_DISMISS, errp)) {
        return;
    }
    job_do_dismiss(*jobptr);
    *jobptr = NULL;
}

void job_cancel_sync_all(void)
{
    Job *job;

    while ((job = QLIST_FIRST(&jobs))) {
        job_ref(job);
        if (job->status == JOB_STATUS_CONCLUDED) {
            job_do_dismiss(job);
        } else {
            job->auto_finalize = true;
            job->auto_dismiss = true;
            if (job->status == JOB_STATUS_PENDING) {
                job_do_finalize(job);
            } else if (!job_is_completed(job)) {
                job_cancel(job, true);
            }
            AIO_WAIT_WHILE(job->status != JOB_STATUS_NULL);
        }
        job_unref(job);
    }
}
