/*
 * Event delivery with QEMU's rate limiting.  QUORUM_REPORT_BAD is
 * limited per node-name, QUORUM_FAILURE globally, both to one per
 * second: the first event of a quiet period goes out at once and opens
 * a window; events inside the window replace each other, and the last
 * one goes out (with the timestamp it was raised with) when the window
 * ends, which opens the next window.  A window with nothing pending
 * closes.
 *
 * The clock is injectable: in test mode it is virtual and moves only
 * through monitor_event_clock_step(), so tests never sleep.
 */
#include "qemu/osdep.h"
#include "monitor/monitor.h"
#include "qapi/qapi-events-block.h"
#include "qemu/main-loop.h"

#define EVENT_RATE_NS (1000 * 1000 * 1000LL)

typedef struct EventState {
    char *event;
    char *key;              /* node-name, or NULL for a global limit */
    QDict *pending;         /* envelope waiting for the window's end */
    int64_t deadline;       /* end of the current window */
    QEMUTimer *timer;       /* real clock only */
} EventState;

static bool clock_virtual;
static int64_t virtual_now = 1000 * EVENT_RATE_NS;
static GPtrArray *event_states;

static int64_t event_clock_ns(void)
{
    return clock_virtual ? virtual_now : get_clock_ns();
}

static int64_t event_wall_us(void)
{
    return clock_virtual ? virtual_now / 1000 : g_get_real_time();
}

static QDict *event_envelope(const char *event, QDict *data)
{
    QDict *env = qdict_new();
    QDict *ts = qdict_new();
    int64_t us = event_wall_us();

    qdict_put_int(ts, "seconds", us / 1000000);
    qdict_put_int(ts, "microseconds", us % 1000000);
    qdict_put_obj(env, "timestamp", ts);
    qdict_put_str(env, "event", event);
    qdict_put_obj(env, "data", qobject_ref(data));
    return env;
}

static void event_state_arm(EventState *st)
{
    st->deadline = event_clock_ns() + EVENT_RATE_NS;
    if (st->timer) {
        timer_mod_ns(st->timer, st->deadline);
    }
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
    if (st->timer) {
        timer_free(st->timer);
    }
    g_free(st->event);
    g_free(st->key);
    g_free(st);
}

static const char *event_throttle_key(const char *event, QDict *data,
                                      bool *throttled)
{
    *throttled = true;
    if (!strcmp(event, "QUORUM_REPORT_BAD")) {
        return qdict_get_try_str(data, "node-name");
    }
    if (!strcmp(event, "QUORUM_FAILURE")) {
        return NULL;
    }
    *throttled = false;
    return NULL;
}

static void event_emit(const char *event, QDict *data, void *opaque)
{
    QDict *env = event_envelope(event, data);
    const char *key;
    bool throttled;
    EventState *st = NULL;

    key = event_throttle_key(event, data, &throttled);
    if (!throttled) {
        monitor_broadcast_event(env);
        qobject_unref(env);
        return;
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
    if (!clock_virtual) {
        st->timer = timer_new_ns(event_window_end, st);
    }
    g_ptr_array_add(event_states, st);
    event_state_arm(st);
}

void monitor_event_clock_step(int64_t ns)
{
    int64_t target = virtual_now + ns;

    assert(clock_virtual);
    for (;;) {
        EventState *due = NULL;

        /* Earliest deadline first; ties in creation order. */
        for (guint i = 0; i < event_states->len; i++) {
            EventState *s = g_ptr_array_index(event_states, i);
            if (s->deadline <= target && (!due || s->deadline < due->deadline)) {
                due = s;
            }
        }
        if (!due) {
            break;
        }
        virtual_now = MAX(virtual_now, due->deadline);
        event_window_end(due);
    }
    virtual_now = target;
}

void monitor_events_init(bool virtual_clock)
{
    clock_virtual = virtual_clock;
    event_states = g_ptr_array_new();
    qapi_event_set_emitter(event_emit, NULL);
}
