/*
 * The command table and the protocol-level commands.  Every entry has
 * a schema in the qapi/ schema files; tests/qmp proves
 * the two lists are the same.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "monitor/qapi-schema.h"

void qmp_qmp_capabilities(QDict *args, QObject **ret, Error **errp);

static void qmp_query_version(QDict *args, QObject **ret, Error **errp)
{
    *ret = qmp_version_info();
}

static void qmp_query_commands(QDict *args, QObject **ret, Error **errp)
{
    QList *list = json_array();

    /* QEMU lists the newest registration first. */
    for (const QmpCommand *c = qmp_command_table; c->name; c++) {
        QDict *info = qdict_new();

        qdict_put_str(info, "name", c->name);
        json_array_insert_new(list, 0, info);
    }
    *ret = list;
}

static void qmp_quit(QDict *args, QObject **ret, Error **errp)
{
    qsd_exit_requested = true;
}

/* Registration order as QEMU's qsd (query-commands reverses it). */
const QmpCommand qmp_command_table[] = {
    { "query-named-block-nodes", qmp_query_named_block_nodes },
    { "blockdev-add", qmp_blockdev_add },
    { "blockdev-reopen", qmp_blockdev_reopen },
    { "blockdev-del", qmp_blockdev_del },
    { "x-blockdev-change", qmp_x_blockdev_change },
    { "x-query-quorum", qmp_x_query_driver_stats },
    { "x-quorum-resync", qmp_x_resync_child },
    { "x-quorum-scrub", qmp_x_scrub_replicas },
    { "nbd-server-start", qmp_nbd_server_start },
    { "nbd-server-add", qmp_nbd_server_add },
    { "nbd-server-remove", qmp_nbd_server_remove },
    { "nbd-server-stop", qmp_nbd_server_stop },
    { "block-export-add", qmp_block_export_add },
    { "block-export-del", qmp_block_export_del },
    { "query-block-exports", qmp_query_block_exports },
    { "query-jobs", qmp_query_jobs },
    { "job-pause", qmp_job_pause },
    { "job-resume", qmp_job_resume },
    { "job-cancel", qmp_job_cancel },
    { "job-complete", qmp_job_complete },
    { "job-dismiss", qmp_job_dismiss },
    { "job-finalize", qmp_job_finalize },
    { "query-block-jobs", qmp_query_block_jobs },
    { "block-job-set-speed", qmp_block_job_set_speed },
    { "block-job-cancel", qmp_block_job_cancel },
    { "block-job-pause", qmp_block_job_pause },
    { "block-job-resume", qmp_block_job_resume },
    { "block-job-complete", qmp_block_job_complete },
    { "block-job-dismiss", qmp_block_job_dismiss },
    { "block-job-finalize", qmp_block_job_finalize },
    { "blockdev-mirror", qmp_blockdev_mirror },
    { "drive-mirror", qmp_drive_mirror },
    { "qmp_capabilities", qmp_qmp_capabilities },
    { "query-version", qmp_query_version },
    { "query-commands", qmp_query_commands },
    { "quit", qmp_quit },
    { NULL }
};
