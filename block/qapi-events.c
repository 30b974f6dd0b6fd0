/*
 * Block events: build the data dict in schema order and pass it to the
 * installed sink.  Member order on the wire comes from
 * qobject_to_json_qemu(), which reproduces QEMU's dict order.
 */
#include "qemu/osdep.h"
#include "qapi/qapi-events-block.h"

/* Set once by the daemon at start-up; events are sent from the main loop. */
static QAPIEventEmitter *event_emitter;
static void *event_emitter_opaque;

static const char *const quorum_op_type_names[] = {
    [QUORUM_OP_TYPE_READ] = "read",
    [QUORUM_OP_TYPE_WRITE] = "write",
    [QUORUM_OP_TYPE_FLUSH] = "flush",
};

const char *QuorumOpType_str(QuorumOpType type)
{
    assert((unsigned)type < ARRAY_SIZE(quorum_op_type_names));
    return quorum_op_type_names[type];
}

void qapi_event_set_emitter(QAPIEventEmitter *fn, void *opaque)
{
    event_emitter = fn;
    event_emitter_opaque = opaque;
}

static void qapi_event_emit(const char *event, QDict *data)
{
    if (event_emitter) {
        event_emitter(event, data, event_emitter_opaque);
    }
    qobject_unref(data);
}

void qapi_event_send_quorum_report_bad(QuorumOpType type, const char *error,
                                       const char *node_name,
                                       int64_t sector_num,
                                       int64_t sectors_count)
{
    QDict *data;

    if (!event_emitter) {
        return;     /* nobody listens: do not even build the dict */
    }
    data = qdict_new();
    qdict_put_str(data, "type", QuorumOpType_str(type));
    if (error) {
        qdict_put_str(data, "error", error);
    }
    qdict_put_str(data, "node-name", node_name);
    qdict_put_int(data, "sector-num", sector_num);
    qdict_put_int(data, "sectors-count", sectors_count);
    qapi_event_emit("QUORUM_REPORT_BAD", data);
}

void qapi_event_send_quorum_failure(const char *reference, int64_t sector_num,
                                    int64_t sectors_count)
{
    QDict *data;

    if (!event_emitter) {
        return;
    }
    data = qdict_new();
    qdict_put_str(data, "reference", reference);
    qdict_put_int(data, "sector-num", sector_num);
    qdict_put_int(data, "sectors-count", sectors_count);
    qapi_event_emit("QUORUM_FAILURE", data);
}

void qapi_event_send_block_export_deleted(const char *id)
{
    QDict *data;

    if (!event_emitter) {
        return;
    }
    data = qdict_new();
    qdict_put_str(data, "id", id);
    qapi_event_emit("BLOCK_EXPORT_DELETED", data);
}

void qapi_event_send_job_status_change(const char *id, const char *status)
{
    QDict *data;

    if (!event_emitter) {
        return;
    }
    data = qdict_new();
    qdict_put_str(data, "id", id);
    qdict_put_str(data, "status", status);
    qapi_event_emit("JOB_STATUS_CHANGE", data);
}

/*
 * BLOCK_JOB_* events share {type, device, len, offset, speed} in this
 * order; the caller builds that part, this adds the rest and sends.
 */
void qapi_event_send_block_job(const char *event, QDict *data)
{
    if (!event_emitter) {
        qobject_unref(data);
        return;
    }
    qapi_event_emit(event, data);
}
