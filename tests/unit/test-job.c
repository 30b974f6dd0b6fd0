/*
 * The job core (job.c): QEMU's state machine and verbs, pausing, the end
 * of a job in QEMU's order, and the JOB_STATUS_CHANGE events on the way.
 */
#include "qemu/osdep.h"
#include "qemu/job.h"
#include "qapi/qapi-events-block.h"

typedef struct TestJob {
    Job common;
    int steps;                  /* progress steps before run() ends */
    bool wait_ready;            /* go ready and wait for complete */
    bool should_complete;
    int fail;                   /* run() returns this (-errno) */
    bool soft_cancel_completes; /* a soft cancel of a ready job ends it */
    int commits, aborts, cleans, prepares, frees;
} TestJob;

static GString *statuses;
static int finished_events, ready_events, pending_events;
static TestJob *last_freed;

static void record(const char *event, QDict *data, void *opaque)
{
    if (!strcmp(event, "JOB_STATUS_CHANGE")) {
        g_string_append_printf(statuses, "%s%s", statuses->len ? " " : "",
                               qdict_get_str(data, "status"));
    }
}

static void test_ready(Job *job)
{
    ready_events++;
}

static void test_pending(Job *job)
{
    pending_events++;
}

static void test_finished(Job *job)
{
    finished_events++;
}

static const JobListener listener = {
    .ready = test_ready,
    .pending = test_pending,
    .finished = test_finished,
};

static int coroutine_fn test_run(Job *job, Error **errp)
{
    TestJob *s = container_of(job, TestJob, common);

    job_progress_set_remaining(job, s->steps);
    while (s->steps > 0 && !job_is_cancelled(job)) {
        s->steps--;
        job_progress_update(job, 1);
        job_sleep_ns(job, 1000 * 1000);
    }
    if (s->wait_ready && !job_is_cancelled(job)) {
        job_transition_to_ready(job);
        while (!s->should_complete && !job_is_cancelled(job)) {
            job_yield(job);
        }
    }
    if (s->fail) {
        error_setg(errp, "test job failed");
        return s->fail;
    }
    return 0;
}

static void test_complete(Job *job, Error **errp)
{
    TestJob *s = container_of(job, TestJob, common);

    s->should_complete = true;
    job_enter(job);
}

static bool test_cancel(Job *job, bool force)
{
    TestJob *s = container_of(job, TestJob, common);

    if (s->soft_cancel_completes && !force && job_is_ready(job)) {
        s->should_complete = true;
        job_enter(job);
        return false;
    }
    return true;
}

static int test_prepare(Job *job)
{
    container_of(job, TestJob, common)->prepares++;
    return 0;
}

static void test_commit(Job *job)
{
    container_of(job, TestJob, common)->commits++;
}

static void test_abort(Job *job)
{
    container_of(job, TestJob, common)->aborts++;
}

static void test_clean(Job *job)
{
    container_of(job, TestJob, common)->cleans++;
}

static void test_free(Job *job)
{
    TestJob *s = container_of(job, TestJob, common);

    /* The counters are checked after the job is gone: keep a copy. */
    s->frees++;
    *last_freed = *s;
}

static const JobDriver test_driver = {
    .instance_size = sizeof(TestJob),
    .job_type = JOB_TYPE_MIRROR,
    .run = test_run,
    .complete = test_complete,
    .cancel = test_cancel,
    .prepare = test_prepare,
    .commit = test_commit,
    .abort = test_abort,
    .clean = test_clean,
    .free = test_free,
};

static TestJob freed;

static TestJob *new_job(const char *id, int steps, int flags)
{
    TestJob *s = job_create(id, &test_driver, &listener, NULL, flags,
                            &error_abort);

    s->steps = steps;
    return s;
}

static void reset(void)
{
    g_string_truncate(statuses, 0);
    finished_events = ready_events = pending_events = 0;
    memset(&freed, 0, sizeof(freed));
    last_freed = &freed;
}

/* Run the loop until the job is gone (it was created with auto-dismiss). */
static void wait_gone(const char *id)
{
    while (job_get(id)) {
        main_loop_wait(true);
    }
}

static void wait_status(Job *job, JobStatus status)
{
    while (job->status != status) {
        main_loop_wait(true);
    }
}

static void test_lifecycle(void)
{
    reset();
    job_start(&new_job("j", 3, JOB_DEFAULT)->common);
    wait_gone("j");
    g_assert_cmpstr(statuses->str, ==,
                    "created running waiting pending concluded null");
    g_assert_cmpint(freed.prepares, ==, 1);
    g_assert_cmpint(freed.commits, ==, 1);
    g_assert_cmpint(freed.aborts, ==, 0);
    g_assert_cmpint(freed.cleans, ==, 1);
    g_assert_cmpint(freed.frees, ==, 1);
    g_assert_cmpint(freed.common.progress_current, ==, 3);
    g_assert_cmpint(freed.common.progress_total, ==, 3);
    g_assert_cmpint(finished_events, ==, 1);
}

static void test_create_errors(void)
{
    Error *err = NULL;
    TestJob *s;

    reset();
    g_assert_null(job_create(NULL, &test_driver, NULL, NULL, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "An explicit job ID is required");
    error_free(err);
    err = NULL;
    g_assert_null(job_create("1bad", &test_driver, NULL, NULL, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==, "Invalid job ID '1bad'");
    error_free(err);
    err = NULL;
    s = new_job("dup", 0, JOB_DEFAULT);
    g_assert_null(job_create("dup", &test_driver, NULL, NULL, 0, &err));
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Job ID 'dup' already in use");
    error_free(err);
    /* Cancelled before it started: gone at once, no finished event. */
    job_cancel(&s->common, true);
    g_assert_null(job_get("dup"));
    g_assert_cmpstr(statuses->str, ==, "created aborting concluded null");
    g_assert_cmpint(freed.aborts, ==, 1);
    g_assert_cmpint(finished_events, ==, 0);
}

static void test_pause_resume(void)
{
    TestJob *s;
    Error *err = NULL;

    reset();
    s = new_job("p", 1000, JOB_DEFAULT);
    job_start(&s->common);
    job_user_pause(&s->common, &error_abort);
    wait_status(&s->common, JOB_STATUS_PAUSED);
    job_user_pause(&s->common, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Job is already paused");
    error_free(err);
    err = NULL;
    /* Internal pauses nest with the user's. */
    job_pause(&s->common);
    job_user_resume(&s->common, &error_abort);
    for (int i = 0; i < 20; i++) {
        main_loop_wait(false);
    }
    g_assert_cmpint(s->common.status, ==, JOB_STATUS_PAUSED);
    job_resume(&s->common);
    wait_status(&s->common, JOB_STATUS_RUNNING);
    job_user_resume(&s->common, &err);
    g_assert_cmpstr(error_get_pretty(err), ==,
                    "Can't resume a job that was not paused");
    error_free(err);
    err = NULL;
    job_user_cancel(&s->common, true, &error_abort);
    wait_gone("p");
    g_assert_cmpstr(statuses->str, ==, "created running paused running "
                    "aborting concluded null");
    g_assert_cmpint(freed.commits, ==, 0);
    g_assert_cmpint(freed.aborts, ==, 1);
    g_assert_cmpint(freed.cleans, ==, 1);
    g_assert_cmpint(freed.common.ret, ==, -ECANCELED);
    g_assert_cmpint(finished_events, ==, 1);
}

static void test_ready_complete(void)
{
    TestJob *s;
    Error *err = NULL;

    reset();
    s = new_job("r", 2, JOB_DEFAULT);
    s->wait_ready = true;
    job_start(&s->common);
    job_complete(&s->common, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Job 'r' in state 'running' "
                    "cannot accept command verb 'complete'");
    error_free(err);
    err = NULL;
    wait_status(&s->common, JOB_STATUS_READY);
    g_assert_cmpint(ready_events, ==, 1);
    /* Paused while ready is standby. */
    job_user_pause(&s->common, &error_abort);
    wait_status(&s->common, JOB_STATUS_STANDBY);
    job_user_resume(&s->common, &error_abort);
    wait_status(&s->common, JOB_STATUS_READY);
    job_complete(&s->common, &error_abort);
    wait_gone("r");
    g_assert_cmpstr(statuses->str, ==, "created running ready standby ready "
                    "waiting pending concluded null");
    g_assert_cmpint(freed.commits, ==, 1);
}

static void test_soft_cancel_ready(void)
{
    TestJob *s;

    reset();
    s = new_job("s", 1, JOB_DEFAULT);
    s->wait_ready = true;
    s->soft_cancel_completes = true;
    job_start(&s->common);
    wait_status(&s->common, JOB_STATUS_READY);
    job_user_cancel(&s->common, false, &error_abort);
    wait_gone("s");
    /* As QEMU's mirror: a soft cancel of a ready job is a clean end. */
    g_assert_cmpstr(statuses->str, ==,
                    "created running ready waiting pending concluded null");
    g_assert_cmpint(freed.commits, ==, 1);
    g_assert_cmpint(freed.common.ret, ==, 0);
}

static void test_failure(void)
{
    TestJob *s;

    reset();
    s = new_job("f", 1, JOB_DEFAULT);
    s->fail = -EIO;
    job_start(&s->common);
    wait_gone("f");
    g_assert_cmpstr(statuses->str, ==,
                    "created running aborting concluded null");
    g_assert_cmpint(freed.prepares, ==, 0);
    g_assert_cmpint(freed.aborts, ==, 1);
    g_assert_cmpint(freed.common.ret, ==, -EIO);
    g_assert_cmpint(finished_events, ==, 1);
}

static void test_manual_finalize_dismiss(void)
{
    TestJob *s;
    Job *job;
    Error *err = NULL;

    reset();
    s = new_job("m", 1, JOB_MANUAL_FINALIZE | JOB_MANUAL_DISMISS);
    job = &s->common;
    job_start(job);
    wait_status(job, JOB_STATUS_PENDING);
    g_assert_cmpint(pending_events, ==, 1);
    g_assert_cmpint(s->commits, ==, 0);
    job_dismiss(&job, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Job 'm' in state 'pending' "
                    "cannot accept command verb 'dismiss'");
    error_free(err);
    err = NULL;
    job_user_pause(job, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Job 'm' in state 'pending' "
                    "cannot accept command verb 'pause'");
    error_free(err);
    err = NULL;
    job_finalize(job, &error_abort);
    g_assert_cmpint(job->status, ==, JOB_STATUS_CONCLUDED);
    g_assert_cmpint(s->commits, ==, 1);
    job_finalize(job, &err);
    g_assert_cmpstr(error_get_pretty(err), ==, "Job 'm' in state "
                    "'concluded' cannot accept command verb 'finalize'");
    error_free(err);
    job_dismiss(&job, &error_abort);
    g_assert_null(job);
    g_assert_null(job_get("m"));
    g_assert_cmpstr(statuses->str, ==,
                    "created running waiting pending concluded null");
}

static void test_cancel_pending(void)
{
    TestJob *s;

    reset();
    s = new_job("c", 1, JOB_MANUAL_FINALIZE);
    job_start(&s->common);
    wait_status(&s->common, JOB_STATUS_PENDING);
    job_user_cancel(&s->common, true, &error_abort);
    g_assert_null(job_get("c"));
    g_assert_cmpstr(statuses->str, ==, "created running waiting pending "
                    "aborting concluded null");
    g_assert_cmpint(freed.commits, ==, 0);
    g_assert_cmpint(freed.aborts, ==, 1);
}

static void test_cancel_paused_and_sync_all(void)
{
    TestJob *a, *b;

    reset();
    a = new_job("a", 1000, JOB_DEFAULT);
    b = new_job("b", 1000, JOB_MANUAL_DISMISS);
    job_start(&a->common);
    job_start(&b->common);
    g_assert_true(job_next(NULL) == &a->common);
    g_assert_true(job_next(&a->common) == &b->common);
    job_user_pause(&a->common, &error_abort);
    wait_status(&a->common, JOB_STATUS_PAUSED);
    job_cancel_sync_all();
    g_assert_null(job_next(NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    qemu_init_main_loop();
    statuses = g_string_new("");
    qapi_event_set_emitter(record, NULL);
    g_test_add_func("/job/lifecycle", test_lifecycle);
    g_test_add_func("/job/create-errors", test_create_errors);
    g_test_add_func("/job/pause-resume", test_pause_resume);
    g_test_add_func("/job/ready-complete", test_ready_complete);
    g_test_add_func("/job/soft-cancel-ready", test_soft_cancel_ready);
    g_test_add_func("/job/failure", test_failure);
    g_test_add_func("/job/manual-finalize-dismiss",
                    test_manual_finalize_dismiss);
    g_test_add_func("/job/cancel-pending", test_cancel_pending);
    g_test_add_func("/job/cancel-paused-and-sync-all",
                    test_cancel_paused_and_sync_all);
    return g_test_run();
}
