/*
 * Character devices for monitors: listening sockets (unix, or tcp on
 * loopback) serving one client at a time on the main loop, as QEMU's
 * socket chardev with server=on.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "qemu/qdict.h"

typedef struct Chardev Chardev;

typedef enum ChrEvent {
    CHR_EVENT_OPENED,
    CHR_EVENT_CLOSED,
} ChrEvent;

typedef void ChrReadHandler(void *opaque, const char *buf, size_t len);
typedef void ChrEventHandler(void *opaque, ChrEvent event);

/*
 * Create from "socket,id=ID,path=P,server=on,wait=off" style options
 * (already parsed into a flat dict of strings).
 */
Chardev *qemu_chr_new_from_opts(QDict *opts, Error **errp);
Chardev *qemu_chr_find(const char *id);
/* A chardev serves one frontend; false if it already has one. */
bool qemu_chr_set_handlers(Chardev *chr, ChrReadHandler *read,
                           ChrEventHandler *event, void *opaque);
/* Queue @len bytes for the client (dropped when nobody is connected). */
void qemu_chr_write(Chardev *chr, const char *buf, size_t len);
/* Close every chardev, unlink unix socket paths. */
void qemu_chr_cleanup_all(void);

#endif
