/*
 * Server sockets for QMP.  While a client is connected the listener is
 * not polled, so a second client waits in the backlog, as in QEMU.
 * Output is buffered and written when the socket is writable; reading
 * pauses while more than OUTPUT_HIGH_WATER bytes wait, so a client that
 * never reads cannot make the daemon grow without bound.
 */
#include "qemu/osdep.h"
#include "chardev/char.h"
#include "qemu/option.h"
#include "qemu/sockets.h"
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
    QEMUTimer *accept_timer;    /* armed while accepting is backed off */
    QTAILQ_ENTRY(Chardev) next;
};

/*
 * A descriptor kept in reserve for the monitors: when NBD clients have
 * used up every other one, an administrator can still connect and act
 * (stop the export, raise a limit).  Main loop thread only.
 */
static int chr_spare_fd = -1;

static void chr_spare_refill(void)
{
    if (chr_spare_fd < 0) {
        chr_spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
}

/* Every chardev; main loop thread only. */
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

static void chr_disconnect(Chardev *chr)
{
    if (chr->fd < 0) {
        return;
    }
    aio_set_fd_handler(chr->fd, NULL, NULL, NULL);
    close(chr->fd);
    chr->fd = -1;
    chr_spare_refill();
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

/* Output the client has not taken yet; reading stops while it is large. */
static size_t qemu_chr_pending_output(Chardev *chr)
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
        aio_set_fd_handler(chr->listen_fd,
                           timer_pending(chr->accept_timer) ? NULL : chr_accept,
                           NULL, chr);
    }
}

static void chr_accept_resume(void *opaque)
{
    chr_update_handlers(opaque);
}

static void chr_accept(void *opaque)
{
    Chardev *chr = opaque;
    int fd = socket_accept(chr->listen_fd);

    if (fd < 0 && (errno == EMFILE || errno == ENFILE) && chr_spare_fd >= 0) {
        close(chr_spare_fd);
        chr_spare_fd = -1;
        fd = socket_accept(chr->listen_fd);
    }
    if (fd < 0) {
        if (socket_accept_exhausted(errno)) {
            timer_mod_ns(chr->accept_timer,
                         get_clock_ns() + SOCKET_ACCEPT_BACKOFF_NS);
            chr_update_handlers(chr);
        }
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

/* An unset key means @def; otherwise QEMU's boolean spellings. */
static bool opt_bool(QDict *opts, const char *key, bool def, bool *ret,
                     Error **errp)
{
    const char *v = qdict_get_try_str(opts, key);

    if (!v) {
        *ret = def;
        return true;
    }
    return qemu_parse_bool(key, v, ret, errp);
}

Chardev *qemu_chr_new_from_opts(QDict *opts, Error **errp)
{
    const char *backend = qdict_get_try_str(opts, "backend");
    const char *id = qdict_get_try_str(opts, "id");
    const char *path = qdict_get_try_str(opts, "path");
    const char *host = qdict_get_try_str(opts, "host");
    const char *port = qdict_get_try_str(opts, "port");
    g_autoptr(SocketAddress) addr = NULL;
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
    if (!opt_bool(opts, "server", false, &server, errp) ||
        !opt_bool(opts, "wait", true, &wait, errp)) {
        return NULL;
    }
    if (!server) {
        error_setg(errp, "chardev '%s': only server=on sockets are "
                   "supported", id);
        return NULL;
    }
    addr = g_new0(SocketAddress, 1);
    if (path) {
        addr->type = SOCKET_ADDRESS_TYPE_UNIX;
        addr->path = g_strdup(path);
    } else if (host) {
        /* A port without a host is no inet address in QEMU either. */
        if (!port) {
            error_setg(errp, "chardev: socket: no port given");
            return NULL;
        }
        addr->type = SOCKET_ADDRESS_TYPE_INET;
        addr->host = g_strdup(host);
        addr->port = g_strdup(port);
    } else {
        error_setg(errp, "Unable to parse FD number ");
        return NULL;
    }
    /* One client at a time: others wait in a backlog of one. */
    fd = socket_listen(addr, 1, errp);
    if (fd < 0) {
        return NULL;
    }
    chr = g_new0(Chardev, 1);
    chr->id = g_strdup(id);
    chr->path = g_strdup(path);
    chr->listen_fd = fd;
    chr->fd = -1;
    chr->out = g_string_new(NULL);
    chr->accept_timer = timer_new_ns(chr_accept_resume, chr);
    QTAILQ_INSERT_TAIL(&chardevs, chr, next);
    chr_spare_refill();

    if (wait) {
        /* server=on,wait=on: block until the first client arrives. */
        fprintf(stderr, "%s: waiting for connection on: disconnected:%s%s%s\n",
                error_get_progname(), path ? "unix:" : "tcp:",
                path ? path : (host ? host : ""), path ? ",server=on" : "");
        chr->fd = socket_accept(fd);
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
        timer_free(chr->accept_timer);
        g_string_free(chr->out, true);
        g_free(chr->id);
        g_free(chr->path);
        g_free(chr);
    }
    if (chr_spare_fd >= 0) {
        close(chr_spare_fd);
        chr_spare_fd = -1;
    }
}
