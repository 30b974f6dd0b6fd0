/*
 * Jobs: long-running operations (mirror, resync, scrub) with QEMU's job
 * state machine, the user verbs of its QMP commands and cooperative
 * pausing.  Single-threaded: every function runs in the main loop, and
 * a job's work runs in its own coroutine there.
 *
 * The life of a job, as QEMU's:
 *
 *   created -> running <-> paused         (pause/resume by user or graph)
 *              running -> ready <-> standby  (jobs that wait to complete)
 *   run() returned: waiting -> pending [-> job-finalize] -> concluded
 *   failed or cancelled:  aborting -> concluded
 *   concluded [-> job-dismiss] -> null (the job is gone)
 */
#ifndef QEMU_JOB_H
#define QEMU_JOB_H

#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"
#include "qapi/error.h"

/* QEMU's JobStatus, in schema order. */
typedef enum JobStatus {
    JOB_STATUS_UNDEFINED,
    JOB_STATUS_CREATED,
    JOB_STATUS_RUNNING,
    JOB_STATUS_PAUSED,
    JOB_STATUS_READY,
    JOB_STATUS_STANDBY,
    JOB_STATUS_WAITING,
    JOB_STATUS_PENDING,
    JOB_STATUS_ABORTING,
    JOB_STATUS_CONCLUDED,
    JOB_STATUS_NULL,
    JOB_STATUS__MAX,
} JobStatus;

/* QEMU's JobVerb: what a user command asks of a job. */
typedef enum JobVerb {
    JOB_VERB_CANCEL,
    JOB_VERB_PAUSE,
    JOB_VERB_RESUME,
    JOB_VERB_SET_SPEED,
    JOB_VERB_COMPLETE,
    JOB_VERB_FINALIZE,
    JOB_VERB_DISMISS,
    JOB_VERB__MAX,
} JobVerb;

/* QEMU 7.2's JobType, then ours. */
typedef enum JobType {
    JOB_TYPE_COMMIT,
    JOB_TYPE_STREAM,
    JOB_TYPE_MIRROR,
    JOB_TYPE_BACKUP,
    JOB_TYPE_CREATE,
    JOB_TYPE_AMEND,
    JOB_TYPE_SNAPSHOT_LOAD,
    JOB_TYPE_SNAPSHOT_SAVE,
    JOB_TYPE_SNAPSHOT_DELETE,
    JOB_TYPE_X_QUORUM_RESYNC,
    JOB_TYPE_X_QUORUM_SCRUB,
    JOB_TYPE__MAX,
} JobType;

const char *JobStatus_str(JobStatus s);
const char *JobVerb_str(JobVerb v);
const char *JobType_str(JobType t);

typedef struct Job Job;

/* Notifications for the layer above (block jobs send QMP events). */
typedef struct JobListener {
    void (*status_changed)(Job *job);   /* every transition */
    void (*ready)(Job *job);
    void (*pending)(Job *job);
    void (*finished)(Job *job);         /* completed or cancelled */
} JobListener;

typedef struct JobDriver {
    size_t instance_size;       /* the driver's struct, Job first */
    JobType job_type;

    /* The job's work, in its coroutine.  0, or -errno with *errp set. */
    int coroutine_fn (*run)(Job *job, Error **errp);
    /* A ready job asked to finish (job-complete). */
    void (*complete)(Job *job, Error **errp);
    /* After run(): may still fail the job (before commit/abort). */
    int (*prepare)(Job *job);
    void (*commit)(Job *job);           /* success */
    void (*abort)(Job *job);            /* failure or cancel */
    void (*clean)(Job *job);            /* either way, after the above */
    /*
     * A cancel request.  Returns whether it is forced after all; without
     * the hook every cancel is forced.  A ready mirror ends gracefully on
     * a soft cancel, as in QEMU.
     */
    bool (*cancel)(Job *job, bool force);
    void (*free)(Job *job);
} JobDriver;

enum {
    JOB_DEFAULT = 0,
    JOB_MANUAL_FINALIZE = 1 << 0,   /* auto-finalize=false */
    JOB_MANUAL_DISMISS = 1 << 1,    /* auto-dismiss=false */
};

struct Job {
    char *id;
    const JobDriver *driver;
    const JobListener *listener;
    void *opaque;               /* the listener's */
    int refcnt;
    JobStatus status;
    Coroutine *co;
    QEMUTimer *sleep_timer;     /* job_sleep_ns() */
    int pause_count;            /* > 0: pause at the next pause point */
    bool busy;                  /* false only while yielded to be entered */
    bool paused;                /* yielded at a pause point */
    bool user_paused;
    bool cancelled;             /* cancel requested */
    bool force_cancel;          /* ... and not a graceful completion */
    bool deferred_to_main_loop; /* run() returned */
    bool auto_finalize;
    bool auto_dismiss;
    uint64_t progress_current;
    uint64_t progress_total;
    int ret;
    Error *err;
    QLIST_ENTRY(Job) job_list;
};

/* A new job in state created; NULL and *errp with QEMU's messages. */
void *job_create(const char *job_id, const JobDriver *driver,
                 const JobListener *listener, void *opaque, int flags,
                 Error **errp);
/* Setting up a created job failed: straight to null, as QEMU. */
void job_early_fail(Job *job);
/* Start run() in a new coroutine: created -> running. */
void job_start(Job *job);
void job_ref(Job *job);
void job_unref(Job *job);

Job *job_get(const char *id);
/* All jobs, oldest first (NULL starts). */
Job *job_next(Job *job);

/* Is @verb allowed now?  QEMU's error when not. */
bool job_apply_verb(Job *job, JobVerb verb, Error **errp);

/* The user's commands (QMP job-* and block-job-*). */
void job_user_pause(Job *job, Error **errp);
void job_user_resume(Job *job, Error **errp);
void job_user_cancel(Job *job, bool force, Error **errp);
void job_complete(Job *job, Error **errp);
void job_finalize(Job *job, Error **errp);
void job_dismiss(Job **job, Error **errp);

/* Internal pauses (graph changes, drains); they nest. */
void job_pause(Job *job);
void job_resume(Job *job);
void job_cancel(Job *job, bool force);
/* Cancel every job and wait until all are gone (shutdown). */
void job_cancel_sync_all(void);

bool job_is_cancelled(Job *job);        /* forced, or failed soft */
bool job_cancel_requested(Job *job);
bool job_is_ready(Job *job);
bool job_is_completed(Job *job);

/* In the job's coroutine. */
void coroutine_fn job_pause_point(Job *job);
void coroutine_fn job_yield(Job *job);      /* until job_enter() */
void coroutine_fn job_sleep_ns(Job *job, int64_t ns);
void job_transition_to_ready(Job *job);
/* Wake a job that yielded or sleeps; no-op while it runs. */
void job_enter(Job *job);

void job_progress_update(Job *job, uint64_t done);
void job_progress_set_remaining(Job *job, uint64_t remaining);

#endif
