/*
 * Server sockets for QMP.  While a client is connected the listener is
 * not polled, so a second client waits in the backlog, as in QEMU.
 * Output is buffered and written when the socket is writable; reading
 * pauses while more than OUTPUT_HIGH_WATER bytes wait, so a client that
 * never reads cannot make the daemon grow without bound.
 */
#include "qemu/osdep.h"
#include <sys/socket.h>
#include <sys/un.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include "chardev/char.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"

#define OUTPUT_HIGH_WATER (1 * MiB)
#define READ_CHUNK 4096

struct Chardev {
    char *id;
    char *path;             /* unix socket to unlink at exit */
    int listen_fd;
    int fd;                 /* connected client or -1 */
    GString *out;
    size_t out_pos;
    bool in_callback;
    ChrReadHandler *read;
    ChrEventHandler *event;
    void *opaque;
    QTAILQ_ENTRY(Chardev) next;
};

static QTAILQ_HEAD(, Chardev) chardevs = QTAILQ_HEAD_INITIALIZER(chardevs);

static void chr_accept(void *opaque);
static void chr_update_handlers(Chardev *chr);

Chardev *qemu_chr_find(const char *id)
{
    Chardev *chr;

    QTAILQ_FOREACH(chr, &chardevs, next) {
        if (!strcmp(chr->id, id)) {
            return chr;
        }
    }
    return NULL;
}

const char *qemu_chr_get_id(Chardev *chr)
{
    return chr->id;
}

static void chr_disconnect(Chardev *chr)
{
    if (chr->fd < 0) {
        return;
    }
    aio_set_fd_handler(chr->fd, NULL, NULL, NULL);
    close(chr->fd);
    chr->fd = -1;
    g_string_truncate(chr->out, 0);
    chr->out_pos = 0;
    if (chr->event) {
        chr->event(chr->opaque, CHR_EVENT_CLOSED);
    }
    chr_update_handlers(chr);
}

static void chr_flush(Chardev *chr)
{
    while (chr->fd >= 0 && chr->out_pos < chr->out->len) {
        ssize_t n = send(chr->fd, chr->out->str + chr->out_pos,
                         chr->out->len - chr->out_pos, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        if (n <= 0) {
            /* Peer gone: what it did not take is lost, as in QEMU. */
            g_string_truncate(chr->out, 0);
            chr->out_pos = 0;
            return;
        }
        chr->out_pos += n;
    }
    if (chr->out_pos == chr->out->len) {
        g_string_truncate(chr->out, 0);
        chr->out_pos = 0;
    }
}

size_t qemu_chr_pending_output(Chardev *chr)
{
    return chr->out->len - chr->out_pos;
}

static void chr_read(void *opaque)
{
    Chardev *chr = opaque;
    char buf[READ_CHUNK];
    ssize_t n;

    n = recv(chr->fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
        return;
    }
    if (n <= 0) {
        chr_disconnect(chr);
        return;
    }
    if (chr->read) {
        chr->in_callback = true;
        chr->read(chr->opaque, buf, n);
        chr->in_callback = false;
    }
    chr_update_handlers(chr);
}

static void chr_write_ready(void *opaque)
{
    Chardev *chr = opaque;

    chr_flush(chr);
    chr_update_handlers(chr);
}

static void chr_update_handlers(Chardev *chr)
{
    if (chr->fd >= 0) {
        bool pending = qemu_chr_pending_output(chr) > 0;
        bool can_read = qemu_chr_pending_output(chr) < OUTPUT_HIGH_WATER;

        aio_set_fd_handler(chr->fd, can_read ? chr_read : NULL,
                           pending ? chr_write_ready : NULL, chr);
        aio_set_fd_handler(chr->listen_fd, NULL, NULL, NULL);
    } else {
        aio_set_fd_handler(chr->listen_fd, chr_accept, NULL, chr);
    }
}

static void chr_accept(void *opaque)
{
    Chardev *chr = opaque;
    int fd = accept4(chr->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (fd < 0) {
        return;
    }
    chr->fd = fd;
    chr_update_handlers(chr);
    if (chr->event) {
        chr->event(chr->opaque, CHR_EVENT_OPENED);
    }
    chr_update_handlers(chr);
}

void qemu_chr_write(Chardev *chr, const char *buf, size_t len)
{
    if (chr->fd < 0) {
        return;
    }
    g_string_append_len(chr->out, buf, len);
    chr_flush(chr);
    if (!chr->in_callback) {
        chr_update_handlers(chr);
    }
}

bool qemu_chr_set_handlers(Chardev *chr, ChrReadHandler *read,
                           ChrEventHandler *event, void *opaque)
{
    if (chr->read) {
        return false;
    }
    chr->read = read;
    chr->event = event;
    chr->opaque = opaque;
    if (chr->fd >= 0 && event) {
        /* wait=on accepted the client before anybody listened. */
        event(opaque, CHR_EVENT_OPENED);
        chr_update_handlers(chr);
    }
    return true;
}

static int listen_unix(const char *path, Error **errp)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(un.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    strcpy(un.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to create Unix socket");
        return -1;
    }
    unlink(path);   /* a stale socket from an earlier run, as QEMU */
    if (bind(fd, (struct sockaddr *)&un, sizeof(un)) < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket to %s", path);
        close(fd);
        return -1;
    }
    if (listen(fd, 1) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        close(fd);
        return -1;
    }
    return fd;
}

static int listen_tcp(const char *host, const char *port, Error **errp)
{
    struct addrinfo hints = { .ai_flags = AI_PASSIVE,
                              .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    int fd = -1, on = 1, rc;

    rc = getaddrinfo(host && *host ? host : NULL, port, &hints, &res);
    if (rc) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   host ? host : "", port, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, 1) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    if (fd < 0) {
        error_setg_errno(errp, errno, "Failed to bind socket");
    }
    freeaddrinfo(res);
    return fd;
}

static bool opt_bool(QDict *opts, const char *key, bool def, Error **errp)
{
    const char *v = qdict_get_try_str(opts, key);

    if (!v) {
        return def;
    }
    if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true")) {
        return true;
    }
    if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false")) {
        return false;
    }
    error_setg(errp, "Parameter '%s' expects 'on' or 'off'", key);
    return def;
}

Chardev *qemu_chr_new_from_opts(QDict *opts, Error **errp)
{
    const char *backend = qdict_get_try_str(opts, "backend");
    const char *id = qdict_get_try_str(opts, "id");
    const char *path = qdict_get_try_str(opts, "path");
    const char *host = qdict_get_try_str(opts, "host");
    const char *port = qdict_get_try_str(opts, "port");
    Error *local_err = NULL;
    bool server, wait;
    Chardev *chr;
    int fd;

    if (!id) {
        error_setg(errp, "chardev: no id specified");
        return NULL;
    }
    if (!backend || strcmp(backend, "socket")) {
        error_setg(errp, "'%s' is not a valid char driver name",
                   backend ? backend : "");
        return NULL;
    }
    if (qemu_chr_find(id)) {
        error_setg(errp, "duplicate yank instance");
        return NULL;
    }
    server = opt_bool(opts, "server", false, &local_err);
    if (!local_err) {
        wait = opt_bool(opts, "wait", true, &local_err);
    }
    if (local_err) {
        error_propagate(errp, local_err);
        return NULL;
    }
    if (!server) {
        error_setg(errp, "chardev '%s': only server=on sockets are "
                   "supported", id);
        return NULL;
    }
    if (path) {
        fd = listen_unix(path, errp);
    } else if (port) {
        fd = listen_tcp(host, port, errp);
    } else {
        error_setg(errp, "Unable to parse FD number ");
        return NULL;
    }
    if (fd < 0) {
        return NULL;
    }
    chr = g_new0(Chardev, 1);
    chr->id = g_strdup(id);
    chr->path = g_strdup(path);
    chr->listen_fd = fd;
    chr->fd = -1;
    chr->out = g_string_new(NULL);
    QTAILQ_INSERT_TAIL(&chardevs, chr, next);

    if (wait) {
        /* server=on,wait=on: block until the first client arrives. */
        fprintf(stderr, "%s: waiting for connection on: disconnected:%s%s%s\n",
                error_get_progname(), path ? "unix:" : "tcp:",
                path ? path : (host ? host : ""), path ? ",server=on" : "");
        chr->fd = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
        if (chr->fd >= 0) {
            fcntl(chr->fd, F_SETFL, fcntl(chr->fd, F_GETFL) | O_NONBLOCK);
        }
    }
    chr_update_handlers(chr);
    return chr;
}

void qemu_chr_cleanup_all(void)
{
    Chardev *chr, *next;

    QTAILQ_FOREACH_SAFE(chr, &chardevs, next, next) {
        if (chr->fd >= 0) {
            chr_flush(chr);
            aio_set_fd_handler(chr->fd, NULL, NULL, NULL);
            close(chr->fd);
        }
        aio_set_fd_handler(chr->listen_fd, NULL, NULL, NULL);
        close(chr->listen_fd);
        if (chr->path) {
            unlink(chr->path);
        }
        QTAILQ_REMOVE(&chardevs, chr, next);
        g_string_free(chr->out, true);
        g_free(chr->id);
        g_free(chr->path);
        g_free(chr);
    }
}
