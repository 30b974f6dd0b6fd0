/*
 * Block events, as QEMU's generated qapi-events-block-core.h.
 *
 * An event is an (event name, data dict) pair handed to one pluggable
 * sink.  Without a sink events are dropped, as in QEMU's tools; the QMP
 * monitor installs one that adds timestamps and rate limiting.
 */
#ifndef QAPI_EVENTS_BLOCK_H
#define QAPI_EVENTS_BLOCK_H

#include "qemu/qdict.h"

typedef enum QuorumOpType {
    QUORUM_OP_TYPE_READ,
    QUORUM_OP_TYPE_WRITE,
    QUORUM_OP_TYPE_FLUSH,
} QuorumOpType;

/* "read", "write", "flush" (the QAPI enum's wire names). */
const char *QuorumOpType_str(QuorumOpType type);

/*
 * The sink.  @data is borrowed for the duration of the call; take a
 * reference (qobject_ref) to keep it.  Called synchronously from the
 * thread that raised the event.
 */
typedef void QAPIEventEmitter(const char *event, QDict *data, void *opaque);

/* Install @fn (NULL removes the sink). */
void qapi_event_set_emitter(QAPIEventEmitter *fn, void *opaque);

/*
 * QUORUM_REPORT_BAD {type, error?, node-name, sector-num, sectors-count}.
 * @error NULL leaves the member out.
 */
void qapi_event_send_quorum_report_bad(QuorumOpType type, const char *error,
                                       const char *node_name,
                                       int64_t sector_num,
                                       int64_t sectors_count);

/* QUORUM_FAILURE {reference, sector-num, sectors-count}. */
void qapi_event_send_quorum_failure(const char *reference, int64_t sector_num,
                                    int64_t sectors_count);

/* BLOCK_EXPORT_DELETED {id}: an export is completely gone. */
void qapi_event_send_block_export_deleted(const char *id);

/* JOB_STATUS_CHANGE {id, status}. */
void qapi_event_send_job_status_change(const char *id, const char *status);

/* BLOCK_JOB_@event with @data (taken) built by the caller in order. */
void qapi_event_send_block_job(const char *event, QDict *data);

#endif
