/*
 * Splits a QMP byte stream into JSON values with QEMU's framing rules:
 * its lexer's token boundaries and error recovery, its streamer's
 * bracket counting and limits.  Each complete value is parsed by
 * jansson (qobject_from_json); this file only finds where values end.
 */
#ifndef MONITOR_JSON_STREAM_H
#define MONITOR_JSON_STREAM_H

#include "qemu/qdict.h"

/* @obj or @err is set; both are the callee's. */
typedef void JSONStreamEmit(void *opaque, QObject *obj, Error *err);

typedef struct JSONStream JSONStream;

JSONStream *json_stream_new(JSONStreamEmit *emit, void *opaque);
void json_stream_feed(JSONStream *js, const char *buf, size_t len);
/* Forget everything (new connection). */
void json_stream_reset(JSONStream *js);
void json_stream_free(JSONStream *js);

#endif
