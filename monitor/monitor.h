/*
 * QMP monitors of qemu-storage-daemon: protocol, dispatch, events.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "qemu/qdict.h"
#include "chardev/char.h"

/* --monitor [chardev=]ID[,mode=control][,pretty=on|off] */
bool monitor_new_from_opts(QDict *opts, Error **errp);
void monitor_cleanup(void);

/* A command handler: @args is borrowed, *ret a new reference. */
typedef void QmpCommandFunc(QDict *args, QObject **ret, Error **errp);

typedef struct QmpCommand {
    const char *name;
    QmpCommandFunc *fn;
} QmpCommand;

/* Every command the daemon implements, NULL-terminated (qmp-cmds.c). */
extern const QmpCommand qmp_command_table[];

/* Set by quit and by SIGTERM/SIGINT; the main loop then shuts down. */
extern bool qsd_exit_requested;

/* Events: install the emitter (rate limiting, delivery). */
void monitor_events_init(void);
/* Send an event envelope to every monitor in command mode. */
void monitor_broadcast_event(QDict *envelope);

/* VersionInfo of this build. */
QDict *qmp_version_info(void);

/* blockdev.c */
void qmp_blockdev_add(QDict *args, QObject **ret, Error **errp);
void qmp_blockdev_del(QDict *args, QObject **ret, Error **errp);
void qmp_blockdev_reopen(QDict *args, QObject **ret, Error **errp);
void qmp_query_named_block_nodes(QDict *args, QObject **ret, Error **errp);
void qmp_x_blockdev_change(QDict *args, QObject **ret, Error **errp);
void qmp_x_resync_child(QDict *args, QObject **ret, Error **errp);
void qmp_x_scrub_replicas(QDict *args, QObject **ret, Error **errp);
/* x-query-quorum: the driver's bdrv_get_specific_stats(). */
void qmp_x_query_driver_stats(QDict *args, QObject **ret, Error **errp);
/* --blockdev: @str is JSON ('{'...) or dotted keys. */
bool qsd_blockdev_add_str(const char *str, Error **errp);
/* Nodes created by blockdev-add hold a monitor reference. */
void blockdev_close_all(void);

/* job-qmp.c: jobs and block jobs. */
void qmp_query_jobs(QDict *args, QObject **ret, Error **errp);
void qmp_job_pause(QDict *args, QObject **ret, Error **errp);
void qmp_job_resume(QDict *args, QObject **ret, Error **errp);
void qmp_job_cancel(QDict *args, QObject **ret, Error **errp);
void qmp_job_complete(QDict *args, QObject **ret, Error **errp);
void qmp_job_dismiss(QDict *args, QObject **ret, Error **errp);
void qmp_job_finalize(QDict *args, QObject **ret, Error **errp);
void qmp_query_block_jobs(QDict *args, QObject **ret, Error **errp);
void qmp_block_job_set_speed(QDict *args, QObject **ret, Error **errp);
void qmp_block_job_cancel(QDict *args, QObject **ret, Error **errp);
void qmp_block_job_pause(QDict *args, QObject **ret, Error **errp);
void qmp_block_job_resume(QDict *args, QObject **ret, Error **errp);
void qmp_block_job_complete(QDict *args, QObject **ret, Error **errp);
void qmp_block_job_dismiss(QDict *args, QObject **ret, Error **errp);
void qmp_block_job_finalize(QDict *args, QObject **ret, Error **errp);
/* blockdev-mirror.c */
void qmp_blockdev_mirror(QDict *args, QObject **ret, Error **errp);
void qmp_drive_mirror(QDict *args, QObject **ret, Error **errp);

/* qmp-export.c: the NBD server and block exports. */
void qmp_nbd_server_start(QDict *args, QObject **ret, Error **errp);
void qmp_nbd_server_add(QDict *args, QObject **ret, Error **errp);
void qmp_nbd_server_remove(QDict *args, QObject **ret, Error **errp);
void qmp_nbd_server_stop(QDict *args, QObject **ret, Error **errp);
void qmp_block_export_add(QDict *args, QObject **ret, Error **errp);
void qmp_block_export_del(QDict *args, QObject **ret, Error **errp);
void qmp_query_block_exports(QDict *args, QObject **ret, Error **errp);
/* --nbd-server (NbdServerOptions) and --export (BlockExportOptions). */
bool qsd_nbd_server_add_str(const char *str, Error **errp);
bool qsd_export_add_str(const char *str, Error **errp);
/* Raise BLOCK_EXPORT_DELETED when an export is gone. */
void qsd_exports_init(void);
/* Stop the server and run the loop until every export and client is gone. */
void qsd_exports_shutdown(void);

/*
 * While a command runs the event loop (waiting for exports to go),
 * monitors queue their input instead of dispatching it, so replies
 * keep their order.
 */
void monitor_suspend_input(bool suspend);

#endif
