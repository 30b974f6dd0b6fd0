/*
 * Event delivery with QEMU's rate limiting.  Which events are limited,
 * and by which data member, the schema says ('rate-limit' on the event,
 * see qapi/); this file knows no event by name.  A limited event goes
 * out at once when its (event, key) pair is quiet, and opens a window
 * of one second.  Events inside the window replace each other; the
 * newest goes out (with the timestamp it was raised with) when the
 * window ends, which opens the next window.  A window with nothing
 * pending closes.
 *
 * Windows run on the main loop's monotonic timers; timestamps are wall
 * clock time, as QEMU's.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "monitor/qapi-schema.h"
#include "qapi/qapi-events-block.h"
#include "qemu/main-loop.h"

#define EVENT_RATE_NS (1000 * 1000 * 1000LL)

typedef struct EventState {
    char *event;
    char *key;              /* value of the key member, NULL if global */
    QDict *pending;         /* envelope waiting for the window's end */
    QEMUTimer *timer;       /* ends the window */
} EventState;

/* Open windows (main loop thread only). */
static GPtrArray *event_states;

static QDict *event_envelope(const char *event, QDict *data)
{
    QDict *env = qdict_new();
    QDict *ts = qdict_new();
    int64_t us = g_get_real_time();

    qdict_put_int(ts, "seconds", us / 1000000);
    qdict_put_int(ts, "microseconds", us % 1000000);
    qdict_put_obj(env, "timestamp", ts);
    qdict_put_str(env, "event", event);
    qdict_put_obj(env, "data", qobject_ref(data));
    return env;
}

static void event_state_arm(EventState *st)
{
    timer_mod_ns(st->timer, get_clock_ns() + EVENT_RATE_NS);
}

/* The window of @st ended. */
static void event_window_end(void *opaque)
{
    EventState *st = opaque;

    if (st->pending) {
        monitor_broadcast_event(st->pending);
        qobject_unref(st->pending);
        st->pending = NULL;
        event_state_arm(st);
        return;
    }
    g_ptr_array_remove(event_states, st);
    timer_free(st->timer);
    g_free(st->event);
    g_free(st->key);
    g_free(st);
}

static void event_emit(const char *event, QDict *data, void *opaque)
{
    const QAPIEventSchema *schema = qapi_find_event_schema(event);
    QDict *env = event_envelope(event, data);
    const char *key = NULL;
    EventState *st = NULL;

    if (!schema || !schema->rate_limited) {
        monitor_broadcast_event(env);
        qobject_unref(env);
        return;
    }
    if (schema->rate_limit_key) {
        key = qdict_get_try_str(data, schema->rate_limit_key);
    }
    for (guint i = 0; i < event_states->len; i++) {
        EventState *s = g_ptr_array_index(event_states, i);
        if (!strcmp(s->event, event) && !g_strcmp0(s->key, key)) {
            st = s;
            break;
        }
    }
    if (st) {
        /* Inside the window: keep only the newest. */
        qobject_unref(st->pending);
        st->pending = env;
        return;
    }
    monitor_broadcast_event(env);
    qobject_unref(env);
    st = g_new0(EventState, 1);
    st->event = g_strdup(event);
    st->key = g_strdup(key);
    st->timer = timer_new_ns(event_window_end, st);
    g_ptr_array_add(event_states, st);
    event_state_arm(st);
}

void monitor_events_init(void)
{
    event_states = g_ptr_array_new();
    qapi_event_set_emitter(event_emit, NULL);
}
