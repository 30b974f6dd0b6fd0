/*
 * NBD server: the listening socket, exports, client lifetimes and the
 * non-blocking socket I/O every client coroutine uses.
 *
 * Everything runs on the event loop thread.  A client is a main
 * coroutine (handshake, then reading requests) plus one coroutine per
 * request in flight; a coroutine that would block on the socket parks
 * itself in recv_co / send_co and the fd handler wakes it.
 */
#include "qemu/osdep.h"
#include "nbd/nbd-internal.h"
#include "block/block_int.h"
#include "qemu/cutils.h"
#include "crypto/tlscreds.h"
#include "qemu/sockets.h"
#include <netinet/in.h>
#include <netinet/tcp.h>

struct NBDServer {
    int listen_fd;           /* -1 for the private server of add_client_fd */
    bool accepting;          /* listen_fd registered with the loop */
    QEMUTimer *accept_timer; /* armed while accepting is backed off */
    int max_connections;     /* 0: unlimited */
    char *unix_path;         /* unlinked on stop */
    QCryptoTLSCreds *tlscreds;   /* NULL: plaintext; else TLS required */
    char *tlsauthz;              /* authz object id, looked up per client */
};

/* The server, its clients and exports: main loop thread only. */
static NBDServer *nbd_server;
static QTAILQ_HEAD(, NBDClient) clients = QTAILQ_HEAD_INITIALIZER(clients);
static int nb_clients;
static QTAILQ_HEAD(, NBDExport) exports = QTAILQ_HEAD_INITIALIZER(exports);
static NBDExportDeletedFunc *export_deleted_fn;
static void *export_deleted_opaque;

static void nbd_accept(void *opaque);

/* ---------- Socket I/O ---------- */

static void nbd_client_fd_ready(void *opaque);

/*
 * Register the socket's interest with the loop, skipping the system call
 * when it does not change.  With keep_read, read interest outlives the
 * wait that asked for it: the receiving coroutine parks again after
 * nearly every request, and dropping and re-adding the interest each
 * time cost two epoll_ctl calls per request.  Interest nobody waits for
 * is dropped the first time it fires (nbd_client_fd_ready), so a
 * readable socket cannot keep the loop spinning.
 */
static void nbd_client_update_fd(NBDClient *client, bool keep_read)
{
    if (client->fd < 0) {
        return;
    }
    bool want_read = (client->recv_co && !client->recv_wants_write) ||
                     (client->send_co && client->send_wants_read) ||
                     (keep_read && client->fd_read && !client->dead);
    bool want_write = (client->send_co && !client->send_wants_read) ||
                      (client->recv_co && client->recv_wants_write);

    if (want_read == client->fd_read && want_write == client->fd_write) {
        return;
    }
    client->fd_read = want_read;
    client->fd_write = want_write;
    aio_set_fd_handler(client->fd,
                       want_read ? nbd_client_fd_ready : NULL,
                       want_write ? nbd_client_fd_ready : NULL,
                       client);
}

void coroutine_fn nbd_co_wait_io(NBDClient *client, bool sender,
                                 bool want_write)
{
    if (sender) {
        assert(!client->send_co);
        client->send_co = qemu_coroutine_self();
        client->send_wants_read = !want_write;
    } else {
        assert(!client->recv_co);
        client->recv_co = qemu_coroutine_self();
        client->recv_wants_write = want_write;
    }
    nbd_client_update_fd(client, true);
    qemu_coroutine_yield();
}

static void nbd_client_fd_ready(void *opaque)
{
    NBDClient *client = opaque;
    Coroutine *recv_co = client->recv_co;
    Coroutine *send_co = client->send_co;
    bool read_waited = (recv_co && !client->recv_wants_write) ||
                       (send_co && client->send_wants_read);

    /* A spurious wake-up only makes the coroutine retry its syscall. */
    client->recv_co = NULL;
    client->send_co = NULL;
    nbd_client_update_fd(client, read_waited);
    nbd_client_ref(client);
    if (recv_co) {
        aio_co_wake(recv_co);
    }
    if (send_co) {
        aio_co_wake(send_co);
    }
    nbd_client_unref(client);
}

/*
 * Transmission without TLS: receive through a buffer (nbd_co_recv).  Not
 * during negotiation, where bytes after NBD_OPT_STARTTLS belong to the
 * TLS handshake.
 */
static void nbd_client_buffer_recv(NBDClient *client)
{
    if (!client->tls && !client->rbuf) {
        client->rbuf = g_malloc(NBD_RECV_BUF_SIZE);
        client->rbuf_pos = client->rbuf_end = 0;
    }
}

/*
 * Each recv(2) costs more here than copying what it brings: on this
 * kind of guest a system call is some microseconds, and at queue depth
 * 32 a client's requests arrive back to back.  So a connection in
 * transmission reads what it was asked for and, in the same call, up
 * to NBD_RECV_BUF_SIZE of what follows (the next headers, the start of
 * a payload) into its buffer, which the next reads take first.  A
 * header and a 4 KiB payload then come in one call, and a burst of
 * read requests in one for all; bytes taken that way are copied once
 * more, which the buffer's size keeps small.
 */
int coroutine_fn nbd_co_recv(NBDClient *client, void *buf, size_t len)
{
    uint8_t *p = buf;

    if (client->tls) {
        return nbd_co_tls_recv(client, buf, len);
    }
    if (len && client->rbuf && client->rbuf_pos < client->rbuf_end) {
        size_t n = MIN(len, client->rbuf_end - client->rbuf_pos);

        memcpy(p, client->rbuf + client->rbuf_pos, n);
        client->rbuf_pos += n;
        p += n;
        len -= n;
    }
    while (len > 0) {
        struct iovec iov[2] = {
            { .iov_base = p, .iov_len = len },
            { .iov_base = client->rbuf, .iov_len = NBD_RECV_BUF_SIZE },
        };
        struct msghdr msg = { .msg_iov = iov,
                              .msg_iovlen = client->rbuf ? 2 : 1 };
        ssize_t n;

        if (client->dead) {
            return -EPIPE;
        }
        n = recvmsg(client->fd, &msg, MSG_DONTWAIT);
        if (n > 0 && (size_t)n > len) {
            client->rbuf_pos = 0;       /* it was empty: we got here */
            client->rbuf_end = n - len;
            len = 0;
        } else if (n > 0) {
            p += n;
            len -= n;
        } else if (n == 0) {
            return -EPIPE;              /* the peer went away */
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            nbd_co_wait_io(client, false, false);
        } else if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

int coroutine_fn nbd_co_sendv(NBDClient *client, struct iovec *iov, int niov)
{
    if (client->tls) {
        return nbd_co_tls_sendv(client, iov, niov);
    }
    while (niov > 0) {
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = niov };
        ssize_t n;

        if (client->dead) {
            return -EPIPE;
        }
        n = sendmsg(client->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n >= 0) {
            /* Skip what went out; the caller's iov array is scratch. */
            while (niov > 0 && (size_t)n >= iov->iov_len) {
                n -= iov->iov_len;
                iov++;
                niov--;
            }
            if (niov > 0) {
                iov->iov_base = (uint8_t *)iov->iov_base + n;
                iov->iov_len -= n;
            }
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            nbd_co_wait_io(client, true, true);
        } else if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

int coroutine_fn nbd_co_splice_out(NBDClient *client, int pipe_fd, size_t len)
{
    assert(!client->tls);
    while (len > 0) {
        ssize_t n;

        if (client->dead) {
            return -EPIPE;
        }
        n = splice(pipe_fd, NULL, client->fd, NULL, len,
                   SPLICE_F_NONBLOCK | SPLICE_F_MORE);
        if (n > 0) {
            len -= n;
        } else if (n == 0) {
            return -EIO;                /* the pipe was short: our bug */
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            nbd_co_wait_io(client, true, true);
        } else if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}

int coroutine_fn nbd_co_send(NBDClient *client, const void *buf, size_t len)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };

    return nbd_co_sendv(client, &iov, 1);
}

int coroutine_fn nbd_co_drop(NBDClient *client, uint64_t len)
{
    uint8_t scratch[4096];

    while (len > 0) {
        size_t chunk = MIN(len, sizeof(scratch));
        int ret = nbd_co_recv(client, scratch, chunk);

        if (ret < 0) {
            return ret;
        }
        len -= chunk;
    }
    return 0;
}

/* ---------- Clients ---------- */

static void nbd_wake_bh(void *opaque)
{
    aio_co_wake(opaque);
}

/* Wake a parked coroutine from a bottom half: never re-entrantly. */
static void nbd_wake_later(Coroutine **pco)
{
    Coroutine *co = *pco;

    if (co) {
        *pco = NULL;
        aio_bh_schedule_oneshot(nbd_wake_bh, co);
    }
}

/*
 * Hard disconnect: the socket is shut down and every parked coroutine
 * wakes up to find its I/O failing.  Requests already in the block
 * layer finish and drop their replies.
 */
void nbd_client_close(NBDClient *client)
{
    if (client->dead) {
        return;
    }
    client->dead = true;
    if (client->fd >= 0) {
        shutdown(client->fd, SHUT_RDWR);
    }
    if (client->handshake_timer) {
        timer_del(client->handshake_timer);
    }
    nbd_wake_later(&client->recv_co);
    nbd_wake_later(&client->send_co);
    nbd_wake_later(&client->slot_co);
    nbd_wake_later(&client->drain_co);
    nbd_client_update_fd(client, false);
}

void nbd_client_ref(NBDClient *client)
{
    client->refcnt++;
}

static void nbd_server_update_accept(void);

void nbd_client_unref(NBDClient *client)
{
    NBDRequest *req;

    assert(client->refcnt > 0);
    if (--client->refcnt > 0) {
        return;
    }
    assert(client->nb_requests == 0);
    nbd_client_tls_free(client);
    if (client->fd >= 0) {
        aio_set_fd_handler(client->fd, NULL, NULL, NULL);
        close(client->fd);
    }
    timer_free(client->handshake_timer);
    nbd_client_drop_pipe(client);
    g_free(client->rbuf);
    while ((req = client->free_reqs)) {
        client->free_reqs = req->next_free;
        qemu_vfree(req->buf);
        g_free(req);
    }
    QTAILQ_REMOVE(&clients, client, next);
    nb_clients--;
    if (client->exp) {
        NBDExport *exp = client->exp;

        QTAILQ_REMOVE(&exp->clients, client, exp_next);
        nbd_export_unref(exp, false);
    }
    g_free(client->meta_export);
    g_free(client);
    nbd_server_update_accept();
}

void nbd_client_attach_export(NBDClient *client, NBDExport *exp)
{
    assert(!client->exp);
    client->exp = exp;
    exp->refcnt++;
    QTAILQ_INSERT_TAIL(&exp->clients, client, exp_next);
}

static void nbd_handshake_timeout(void *opaque)
{
    nbd_client_close(opaque);
}

static void coroutine_fn nbd_client_co_main(void *opaque)
{
    NBDClient *client = opaque;
    int ret;

    ret = nbd_negotiate(client);
    timer_del(client->handshake_timer);
    if (ret > 0) {
        nbd_client_buffer_recv(client);
        nbd_transmission(client);
    }
    nbd_client_close(client);
    client->main_co = NULL;
    nbd_client_unref(client);
}

void nbd_server_add_client_fd(int fd)
{
    NBDClient *client = g_new0(NBDClient, 1);
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0) {
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }
    client->fd = fd;
    client->refcnt = 1;
    client->splice_pipe[0] = client->splice_pipe[1] = -1;
    if (nbd_server && nbd_server->tlscreds) {
        client->tlscreds = nbd_server->tlscreds;
        qcrypto_tls_creds_ref(client->tlscreds);
        client->tlsauthz = g_strdup(nbd_server->tlsauthz);
    }
    qemu_co_mutex_init(&client->send_lock);
    QTAILQ_INSERT_TAIL(&clients, client, next);
    nb_clients++;
    client->handshake_timer = timer_new_ns(nbd_handshake_timeout, client);
    timer_mod_ns(client->handshake_timer,
                 get_clock_ns() + NBD_HANDSHAKE_TIMEOUT_NS);
    client->main_co = qemu_coroutine_create(nbd_client_co_main, client);
    qemu_coroutine_enter(client->main_co);
}

int nbd_server_client_count(void)
{
    return nb_clients;
}

/* ---------- Listening ---------- */

static void nbd_server_update_accept(void)
{
    NBDServer *s = nbd_server;
    bool want;

    if (!s || s->listen_fd < 0) {
        return;
    }
    want = (s->max_connections <= 0 || nb_clients < s->max_connections) &&
           !timer_pending(s->accept_timer);
    if (want != s->accepting) {
        aio_set_fd_handler(s->listen_fd, want ? nbd_accept : NULL, NULL, s);
        s->accepting = want;
    }
}

static void nbd_accept_resume(void *opaque)
{
    nbd_server_update_accept();
}

static void nbd_accept(void *opaque)
{
    NBDServer *s = opaque;
    int fd, one = 1;

    fd = socket_accept(s->listen_fd);
    if (fd < 0) {
        if (socket_accept_exhausted(errno)) {
            timer_mod_ns(s->accept_timer,
                         get_clock_ns() + SOCKET_ACCEPT_BACKOFF_NS);
            nbd_server_update_accept();
        }
        return;     /* else EAGAIN, or the client gave up already */
    }
    /* Replies are written whole; do not let Nagle delay them. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    nbd_server_add_client_fd(fd);
    nbd_server_update_accept();
}

/* QEMU's checks and messages for the server's tls-creds. */
static bool nbd_check_tls_creds(const char *tls_creds, Error **errp)
{
    QCryptoTLSCreds *creds;

    if (!tls_creds) {
        return true;
    }
    creds = qcrypto_tls_creds_lookup(tls_creds,
                                     QCRYPTO_TLS_CREDS_ENDPOINT_SERVER, errp);
    qcrypto_tls_creds_unref(creds);
    return creds != NULL;
}

NBDServer *nbd_server_start_fd(int listen_fd, int max_connections,
                               const char *tls_creds, const char *tls_authz,
                               Error **errp)
{
    NBDServer *s;

    if (nbd_server) {
        error_setg(errp, "NBD server already running");
        return NULL;
    }
    if (!nbd_check_tls_creds(tls_creds, errp)) {
        return NULL;
    }
    if (listen_fd >= 0 &&
        fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK) < 0) {
        error_setg_errno(errp, errno, "Failed to set socket non-blocking");
        return NULL;
    }
    s = g_new0(NBDServer, 1);
    s->listen_fd = listen_fd;
    s->max_connections = max_connections;
    s->accept_timer = timer_new_ns(nbd_accept_resume, NULL);
    if (tls_creds) {
        s->tlscreds = qcrypto_tls_creds_lookup(
            tls_creds, QCRYPTO_TLS_CREDS_ENDPOINT_SERVER, &error_abort);
    }
    /* Not looked up here: QEMU finds the object at each handshake. */
    s->tlsauthz = g_strdup(tls_authz);
    nbd_server = s;
    nbd_server_update_accept();
    return s;
}

NBDServer *nbd_server_start(const SocketAddress *addr, int max_connections,
                            const char *tls_creds, const char *tls_authz,
                            Error **errp)
{
    NBDServer *s;
    int fd;

    if (nbd_server) {
        error_setg(errp, "NBD server already running");
        return NULL;
    }
    if (max_connections < 0) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "max-connections",
                   "a non-negative value");
        return NULL;
    }
    if (!nbd_check_tls_creds(tls_creds, errp)) {
        return NULL;
    }
    if (addr->type == SOCKET_ADDRESS_TYPE_UNIX &&
        (!addr->path || !*addr->path)) {
        error_setg(errp, QERR_MISSING_PARAMETER, "path");
        return NULL;
    }
    fd = socket_listen(addr, SOMAXCONN, errp);
    if (fd < 0) {
        return NULL;
    }
    s = nbd_server_start_fd(fd, max_connections, tls_creds, tls_authz,
                            errp);
    if (!s) {
        /* An fd address stays the caller's. */
        if (addr->type != SOCKET_ADDRESS_TYPE_FD) {
            close(fd);
        }
        return NULL;
    }
    if (addr->type == SOCKET_ADDRESS_TYPE_UNIX && !addr->abstract) {
        s->unix_path = g_strdup(addr->path);
    }
    return s;
}

bool nbd_server_is_running(void)
{
    return nbd_server != NULL;
}

void nbd_server_stop(Error **errp)
{
    NBDServer *s = nbd_server;
    NBDExport *exp, *next_exp;
    NBDClient *client, *next_client;

    if (!s) {
        error_setg(errp, "NBD server not running");
        return;
    }
    if (s->accepting) {
        aio_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    }
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
    }
    if (s->unix_path) {
        unlink(s->unix_path);
    }
    nbd_server = NULL;
    QTAILQ_FOREACH_SAFE(exp, &exports, next, next_exp) {
        if (!exp->shutting_down) {
            nbd_export_del(exp->id, NBD_EXPORT_DEL_HARD, &error_abort);
        }
    }
    /* Clients still haggling over options. */
    QTAILQ_FOREACH_SAFE(client, &clients, next, next_client) {
        nbd_client_close(client);
    }
    timer_free(s->accept_timer);
    g_free(s->unix_path);
    qcrypto_tls_creds_unref(s->tlscreds);
    g_free(s->tlsauthz);
    g_free(s);
}

/* ---------- Exports ---------- */

void nbd_set_export_deleted_notifier(NBDExportDeletedFunc *fn, void *opaque)
{
    export_deleted_fn = fn;
    export_deleted_opaque = opaque;
}

NBDExport *nbd_export_find_id(const char *id)
{
    NBDExport *exp;

    QTAILQ_FOREACH(exp, &exports, next) {
        if (!strcmp(exp->id, id)) {
            return exp;
        }
    }
    return NULL;
}

static NBDExport *nbd_export_find_name(const char *name)
{
    NBDExport *exp;

    QTAILQ_FOREACH(exp, &exports, next) {
        if (!strcmp(exp->name, name)) {
            return exp;
        }
    }
    return NULL;
}

NBDExport *nbd_export_lookup_visible(const char *name)
{
    NBDExport *exp = nbd_export_find_name(name);

    return exp && !exp->shutting_down ? exp : NULL;
}

NBDExport *nbd_export_next_visible(NBDExport *exp)
{
    do {
        exp = exp ? QTAILQ_NEXT(exp, next) : QTAILQ_FIRST(&exports);
    } while (exp && exp->shutting_down);
    return exp;
}

NBDExport *nbd_export_first_visible(void)
{
    return nbd_export_next_visible(NULL);
}

NBDExport *nbd_export_next(NBDExport *exp)
{
    return exp ? QTAILQ_NEXT(exp, next) : QTAILQ_FIRST(&exports);
}

const char *nbd_export_id(NBDExport *exp)
{
    return exp->id;
}

const char *nbd_export_name(NBDExport *exp)
{
    return exp->name;
}

const char *nbd_export_node_name(NBDExport *exp)
{
    return exp->node_name;
}

bool nbd_export_shutting_down(NBDExport *exp)
{
    return exp->shutting_down;
}

int nbd_export_client_count(NBDExport *exp)
{
    NBDClient *client;
    int n = 0;

    QTAILQ_FOREACH(client, &exp->clients, exp_next) {
        n++;
    }
    return n;
}

NBDExport *nbd_export_add(BlockDriverState *bs, const NBDExportOptions *opts,
                          Error **errp)
{
    const char *id, *name, *node_name;
    uint64_t perm = BLK_PERM_CONSISTENT_READ;
    BlockBackend *blk;
    NBDExport *exp;

    /* QEMU's order of checks (blk_exp_add, then the NBD part). */
    id = opts->id ? opts->id : bs ? bdrv_get_node_name(bs) : opts->node_name;
    if (!id || !id_wellformed(id)) {
        error_setg(errp, "Invalid block export id");
        return NULL;
    }
    if (nbd_export_find_id(id)) {
        error_setg(errp, "Block export id '%s' is already in use", id);
        return NULL;
    }
    if (!bs) {
        bs = bdrv_lookup_bs(NULL, opts->node_name, errp);
        if (!bs) {
            return NULL;
        }
    }
    if (opts->writable) {
        if (bdrv_is_read_only(bs)) {
            error_setg(errp, "Cannot export read-only node as writable");
            return NULL;
        }
        perm |= BLK_PERM_WRITE;
    }
    if (!nbd_server) {
        error_setg(errp, "NBD server not running");
        return NULL;
    }
    node_name = bdrv_get_node_name(bs);
    name = opts->name ? opts->name : node_name;
    if (strlen(name) > NBD_MAX_STRING_SIZE) {
        error_setg(errp, "export name '%s' too long", name);
        return NULL;
    }
    if (opts->description &&
        strlen(opts->description) > NBD_MAX_STRING_SIZE) {
        error_setg(errp, "description '%s' too long", opts->description);
        return NULL;
    }
    if (nbd_export_find_name(name)) {
        error_setg(errp, "NBD server already has export named '%s'", name);
        return NULL;
    }
    blk = blk_new_with_bs(bs, perm, BLK_PERM_ALL, errp);
    if (!blk) {
        return NULL;
    }
    blk_set_enable_write_cache(blk, !opts->writethrough);

    exp = g_new0(NBDExport, 1);
    exp->id = g_strdup(id);
    exp->name = g_strdup(name);
    exp->description = g_strdup(opts->description);
    exp->node_name = g_strdup(node_name);
    exp->blk = blk;
    exp->writable = opts->writable;
    exp->refcnt = 1;
    QTAILQ_INIT(&exp->clients);
    /*
     * Every connection shares this one backend in this one process, so
     * a flush on any connection covers writes completed on all of them:
     * multi-conn is safe for writable exports too.  CACHE is accepted
     * as the hint it is.
     */
    exp->eflags = NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH |
                  NBD_FLAG_CAN_MULTI_CONN | NBD_FLAG_SEND_CACHE;
    if (opts->writable) {
        exp->eflags |= NBD_FLAG_SEND_FUA | NBD_FLAG_SEND_TRIM |
                       NBD_FLAG_SEND_WRITE_ZEROES | NBD_FLAG_SEND_FAST_ZERO;
    } else {
        exp->eflags |= NBD_FLAG_READ_ONLY;
    }
    /* Newest first, as query-block-exports lists them. */
    QTAILQ_INSERT_HEAD(&exports, exp, next);
    return exp;
}

static void nbd_export_delete(NBDExport *exp)
{
    char *id = exp->id;

    assert(QTAILQ_EMPTY(&exp->clients));
    QTAILQ_REMOVE(&exports, exp, next);
    blk_unref(exp->blk);
    g_free(exp->name);
    g_free(exp->description);
    g_free(exp->node_name);
    g_free(exp);
    if (export_deleted_fn) {
        export_deleted_fn(id, export_deleted_opaque);
    }
    g_free(id);
}

static void nbd_export_delete_bh(void *opaque)
{
    nbd_export_delete(opaque);
}

/*
 * @sync: called from the control path, where the backend may be
 * released (and drained) right away; otherwise we may be inside a
 * request coroutine and leave that to a bottom half.
 */
void nbd_export_ref(NBDExport *exp)
{
    exp->refcnt++;
}

void nbd_export_unref(NBDExport *exp, bool sync)
{
    assert(exp->refcnt > 0);
    if (--exp->refcnt > 0) {
        return;
    }
    if (sync) {
        nbd_export_delete(exp);
    } else {
        aio_bh_schedule_oneshot(nbd_export_delete_bh, exp);
    }
}

void nbd_export_del(const char *id, NBDExportDelMode mode, Error **errp)
{
    NBDExport *exp = nbd_export_find_id(id);
    NBDClient *client, *next;

    if (!exp || exp->shutting_down) {
        error_setg(errp, "Export '%s' is not found", id);
        return;
    }
    if (mode == NBD_EXPORT_DEL_SAFE && !QTAILQ_EMPTY(&exp->clients)) {
        error_setg(errp, "export '%s' still in use", id);
        error_append_hint(errp, "Use mode='hard' to force client disconnect\n");
        return;
    }
    exp->shutting_down = true;
    QTAILQ_FOREACH_SAFE(client, &exp->clients, exp_next, next) {
        nbd_client_close(client);
    }
    nbd_export_unref(exp, true);
}
