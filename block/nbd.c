/*
 * nbd: a client for NBD servers built on libnbd.
 *
 * Options as QEMU 7.2's BlockdevOptionsNbd (server.*, export, tls-creds,
 * tls-hostname, x-dirty-bitmap, reconnect-delay, open-timeout) plus the
 * legacy filenames "nbd:unix:PATH[:exportname=E]", "nbd:HOST:PORT[...]",
 * "nbd[+tcp]://HOST[:PORT]/E" and "nbd+unix:///E?socket=PATH".
 *
 * Requests run asynchronously: each one is a coroutine that submits a
 * libnbd aio command and yields; the event loop watches the libnbd socket
 * in the direction libnbd asks for and feeds readiness back with
 * nbd_aio_notify_read/write.  Completion callbacks only record the result;
 * the coroutines are woken after libnbd returns, never from inside it.
 *
 * A lost connection fails the requests in flight with -EIO and starts
 * reconnecting in the background (one attempt per second).  Requests that
 * arrive meanwhile wait up to reconnect-delay seconds for the connection
 * to come back (QEMU's semantics); without reconnect-delay they fail at
 * once.
 *
 * Option and filename parsing live in nbd-opts.c; the state they fill in
 * is declared in nbd-client.h.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "config-host.h"
#include "crypto/tlscreds.h"
#include "nbd-client.h"

#ifdef CONFIG_LIBNBD

#include <libnbd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#define NBD_MAX_BUFFER_SIZE    (32 * MiB)
/* How often a lost connection is tried again. */
#define NBD_RECONNECT_INTERVAL_NS  (1000LL * 1000 * 1000)
/* Give up on one reconnection attempt after this long. */
#define NBD_ATTEMPT_TIMEOUT_NS     (5000LL * 1000 * 1000)
#define NBD_SERVER_MSG_PREFIX  "handshake: server error message: "
/* libnbd's debug line with NBD_INFO_BLOCK_SIZE as the server sent it. */
#define NBD_BLOCK_SIZE_DEBUG_FMT "server block size constraints: min: %" \
                                 SCNu32 " preferred: %" SCNu32 " max: %" SCNu32

typedef enum NBDReqType {
    NBD_REQ_READ,
    NBD_REQ_WRITE,
    NBD_REQ_ZERO,
    NBD_REQ_TRIM,
    NBD_REQ_FLUSH,
    NBD_REQ_STATUS,
} NBDReqType;

/* One command; lives on the stack of the coroutine that waits for it. */
typedef struct NBDReq {
    BDRVNBDState *s;
    Coroutine *co;
    NBDReqType type;
    void *buf;
    uint64_t offset;
    uint64_t bytes;
    uint32_t flags;             /* LIBNBD_CMD_FLAG_* */
    int ret;
    bool done;
    bool waiting;               /* yielded: needs a wake-up */
    bool in_list;
    /* block status: the first extent */
    bool have_extent;
    uint64_t extent_len;
    uint32_t extent_flags;
    QTAILQ_ENTRY(NBDReq) next;  /* s->inflight, then s->completed */
} NBDReq;

static void nbd_update_fd(BDRVNBDState *s);
static void nbd_after_io(BDRVNBDState *s);

/*
 * The text of libnbd's last error, never NULL: libnbd can fail without
 * setting one (1.14's nbd_get_size() on a size above INT64_MAX).
 */
static const char *nbd_error_text(void)
{
    const char *msg = nbd_get_error();
    int err = nbd_get_errno();

    if (msg) {
        return msg;
    }
    return err ? strerror(err) : "unknown libnbd error";
}

/*
 * Map the credentials onto libnbd: TLS required; PSK as the keys.psk
 * file and user name; x509 as the certificate directory (the same file
 * names as QEMU's) and verify-peer.  libnbd before 1.22 cannot be given
 * a host name for a socket we connected ourselves, so there only the
 * CA check applies, not the name match.
 */
static int nbd_set_tls_options(BDRVNBDState *s, struct nbd_handle *h)
{
    QCryptoTLSCreds *creds = s->tlscreds;
    g_autofree char *pskfile = NULL;

    if (nbd_set_tls(h, LIBNBD_TLS_REQUIRE) < 0) {
        return -1;
    }
    if (creds->type == QCRYPTO_TLS_CREDS_PSK) {
        pskfile = qcrypto_tls_creds_path(creds, QCRYPTO_TLS_CREDS_PSKFILE);
        if (nbd_set_tls_psk_file(h, pskfile) < 0 ||
            nbd_set_tls_username(h, creds->username ? creds->username :
                                 QCRYPTO_TLS_CREDS_PSK_DEFAULT_USER) < 0) {
            return -1;
        }
        return 0;
    }
    if (nbd_set_tls_certificates(h, creds->dir) < 0 ||
        nbd_set_tls_verify_peer(h, creds->verify_peer) < 0) {
        return -1;
    }
#ifdef LIBNBD_HAVE_NBD_SET_TLS_HOSTNAME
    if (s->tls_hostname && nbd_set_tls_hostname(h, s->tls_hostname) < 0) {
        return -1;
    }
#endif
    return 0;
}

/*
 * x-dead-link-timeout: a link that drops packets silently would hold the
 * requests in flight (and a quorum waiting for them) until TCP gives up,
 * minutes later.  Keepalive probes and TCP_USER_TIMEOUT make the kernel
 * fail the connection after the timeout instead; the requests then fail
 * and the child reconnects as after any other loss.
 */
static void nbd_tune_socket(BDRVNBDState *s)
{
    int fd, on = 1, idle, cnt = 3;
    unsigned user_ms;

    if (!s->dead_link_timeout || !s->nbd) {
        return;
    }
    fd = nbd_aio_get_fd(s->nbd);
    if (fd < 0) {
        return;
    }
    idle = MAX(1, (int)s->dead_link_timeout / 2);
    user_ms = s->dead_link_timeout * 1000;
    /* Not TCP (unix socket): nothing to do; errors are ignored. */
    if (setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) < 0) {
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &on, sizeof(on));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
    setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &user_ms, sizeof(user_ms));
}

/* ---------- Connecting ---------- */

static int nbd_debug_cb(void *opaque, const char *context, const char *msg)
{
    BDRVNBDState *s = opaque;

    if (g_str_has_prefix(msg, NBD_SERVER_MSG_PREFIX)) {
        g_free(s->server_msg);
        s->server_msg = g_strdup(msg + strlen(NBD_SERVER_MSG_PREFIX));
    } else if (sscanf(msg, NBD_BLOCK_SIZE_DEBUG_FMT, &s->info_bs[0],
                      &s->info_bs[1], &s->info_bs[2]) == 3) {
        s->info_bs_seen = true;
    }
    return 0;
}

static struct nbd_handle *nbd_new_handle(BDRVNBDState *s, bool capture,
                                         Error **errp)
{
    struct nbd_handle *h = nbd_create();

    if (!h) {
        error_setg(errp, "%s", nbd_error_text());
        return NULL;
    }
    if (nbd_set_export_name(h, s->export ? s->export : "") < 0 ||
        nbd_add_meta_context(h, s->meta_context) < 0 ||
        (s->tlscreds && nbd_set_tls_options(s, h) < 0)) {
        error_setg(errp, "%s", nbd_error_text());
        nbd_close(h);
        return NULL;
    }
    if (capture) {
        /* The server's reason for a refusal only shows in debug output. */
        nbd_set_debug_callback(h, (nbd_debug_callback) {
                                   .callback = nbd_debug_cb, .user_data = s });
        nbd_set_debug(h, true);
    }
    return h;
}

/*
 * Blocking connect for open(); remembers the address for reconnects.
 * An fd address is the user's descriptor: libnbd gets a duplicate.
 */
static int nbd_socket_connect(BDRVNBDState *s, Error **errp)
{
    int fd = socket_connect(&s->addr, &s->sa, &s->sa_len, errp);

    if (fd < 0) {
        return -EINVAL;
    }
    if (s->addr.type == SOCKET_ADDRESS_TYPE_FD) {
        fd = dup(fd);
        if (fd < 0) {
            error_setg_errno(errp, errno, "Could not duplicate fd %s",
                             s->addr.str);
            return -EINVAL;
        }
    }
    return fd;
}

/*
 * libnbd's TLS failures in QEMU's words; false when @msg is not one.
 * "nbd_connect_socket: gnutls_handshake: TEXT (a/b)" becomes "TLS
 * handshake failed: TEXT".
 */
static bool nbd_tls_error(const char *msg, Error **errp)
{
    const char *p;

    if (strstr(msg, "server requires TLS encryption first")) {
        error_setg(errp, "TLS negotiation required before option 7 (go)");
        error_append_hint(errp, "Did you forget a valid tls-creds?\n");
        return true;
    }
    if (strstr(msg, "server refused TLS")) {
        error_setg(errp, "Denied by server for option 5 (starttls)");
        return true;
    }
    p = strstr(msg, "gnutls_handshake: ");
    if (p) {
        g_autofree char *text = g_strdup(p + strlen("gnutls_handshake: "));
        char *paren = strrchr(text, '(');

        if (paren && paren > text && paren[-1] == ' ') {
            paren[-1] = '\0';  /* libnbd's "(code/fatal)" suffix */
        }
        error_setg(errp, "TLS handshake failed: %s", text);
        return true;
    }
    return false;
}

/* QEMU's text for a refused NBD_OPT_GO, with the server's reason. */
static void nbd_handshake_error(BDRVNBDState *s, int err, Error **errp)
{
    switch (err) {
    case ENOENT:
        error_setg(errp, "Requested export not available");
        break;
    case EPERM:
        error_setg(errp, "Denied by server for option 7 (go)");
        break;
    case ESHUTDOWN:
        error_setg(errp, "Server shutting down before option 7 (go)");
        break;
    default:
        if (!nbd_tls_error(nbd_error_text(), errp)) {
            error_setg(errp, "%s", nbd_error_text());
            return;
        }
        break;
    }
    if (s->server_msg) {
        error_append_hint(errp, "server reported: %s\n", s->server_msg);
    }
}

/*
 * libnbd (before 1.22) checks the server's certificate only against the
 * host name it connected to itself: x509 with verify-peer then has to
 * let libnbd connect by name (inet), and cannot be verified at all on
 * a UNIX socket, which we refuse rather than connect unverified.
 */
static bool nbd_tls_connect_by_name(BDRVNBDState *s)
{
#ifdef LIBNBD_HAVE_NBD_SET_TLS_HOSTNAME
    return false;
#else
    return s->tlscreds && s->tlscreds->type == QCRYPTO_TLS_CREDS_X509 &&
           s->tlscreds->verify_peer;
#endif
}

static bool nbd_tls_check_hostname(BDRVNBDState *s, Error **errp)
{
    if (!s->tlscreds || s->tlscreds->type != QCRYPTO_TLS_CREDS_X509 ||
        !s->tlscreds->verify_peer) {
        return true;
    }
    if (!s->tls_hostname) {
        error_setg(errp, "No hostname for certificate validation");
        return false;
    }
    if (nbd_tls_connect_by_name(s) &&
        (s->addr.type != SOCKET_ADDRESS_TYPE_INET ||
         strcmp(s->tls_hostname, s->addr.host))) {
        error_setg(errp, "Cannot verify the server certificate for '%s': "
                   "this libnbd checks only the name of a TCP server it "
                   "connects to", s->tls_hostname);
        error_append_hint(errp, "Use server.type=inet with the certificate's "
                          "host name, or verify-peer=off on the client's "
                          "tls-creds-x509\n");
        return false;
    }
    return true;
}

static bool nbd_is_power_of_2(uint32_t v)
{
    return v && !(v & (v - 1));
}

/*
 * The export size as the server sent it.  libnbd 1.14 hands a size
 * above INT64_MAX back as a negative number without setting an error;
 * later versions fail with EOVERFLOW, and then all we know is that it
 * is too large (-EFBIG).
 */
static int nbd_server_size(struct nbd_handle *h, uint64_t *size,
                           Error **errp)
{
    int64_t r = nbd_get_size(h);

    if (r >= 0 || !nbd_get_error()) {
        *size = r;
        return 0;
    }
    if (nbd_get_errno() == EOVERFLOW) {
        return -EFBIG;
    }
    error_setg(errp, "%s", nbd_error_text());
    return -EIO;
}

/*
 * Size and block sizes of a new connection, refused as QEMU 7.2 refuses
 * them in its handshake, with its words: a minimum block size that is
 * not a power of two (QEMU sets no upper bound), a preferred one that is
 * not a power of two or below the minimum, a maximum below the minimum,
 * and an export size that is not a multiple of the minimum (QEMU checks
 * that only when the block sizes come before the export's size; we do
 * whatever the order).
 *
 * libnbd 1.14 silently drops constraints it finds improper (a minimum
 * above 64 KiB, a maximum not a multiple of the minimum, ...), so the
 * values come from its debug output during the handshake; without that
 * line, from nbd_get_block_size().
 *
 * A size the block layer cannot hold is not refused here but through
 * nbd_getlength(), which makes the open fail as in QEMU: "Could not
 * refresh total sector count: File too large" (QEMU 7.2 reads 2^64-1
 * as -1, so "Operation not permitted" there, kept for compatibility).
 */
static int nbd_check_export(BDRVNBDState *s, struct nbd_handle *h,
                            Error **errp)
{
    uint64_t size = 0;
    uint32_t min, pref, max;
    int ret = nbd_server_size(h, &size, errp);

    if (ret == -EIO) {
        return ret;
    }
    if (s->info_bs_seen) {
        min = s->info_bs[0];
        pref = s->info_bs[1];
        max = s->info_bs[2];
    } else {
        min = MAX(nbd_get_block_size(h, LIBNBD_SIZE_MINIMUM), 0);
        pref = MAX(nbd_get_block_size(h, LIBNBD_SIZE_PREFERRED), 0);
        max = MAX(nbd_get_block_size(h, LIBNBD_SIZE_MAXIMUM), 0);
    }
    if (s->info_bs_seen || min) {
        if (!nbd_is_power_of_2(min)) {
            error_setg(errp, "server minimum block size %" PRIu32
                       " is not a power of two", min);
            return -EINVAL;
        }
        if (!nbd_is_power_of_2(pref) || pref < min) {
            error_setg(errp, "server preferred block size %" PRIu32
                       " is not valid", pref);
            return -EINVAL;
        }
        if (max < min) {
            error_setg(errp, "server maximum block size %" PRIu32
                       " is not valid", max);
            return -EINVAL;
        }
        if (ret == 0 && size % min) {
            error_setg(errp, "export size %" PRIu64 " is not multiple of "
                       "minimum block size %" PRIu32, size, min);
            return -EINVAL;
        }
    }
    s->min_block = min;
    s->max_block = max;
    if (ret < 0 || size > BDRV_MAX_LENGTH) {
        s->size = size == UINT64_MAX ? -EPERM : -EFBIG;
    } else {
        s->size = size;
    }
    return 0;
}

static int nbd_connect_once(BDRVNBDState *s, Error **errp)
{
    struct nbd_handle *h;
    int fd, ret;

    g_clear_pointer(&s->server_msg, g_free);
    s->info_bs_seen = false;
    if (!nbd_tls_check_hostname(s, errp)) {
        return -EINVAL;
    }
    if (nbd_tls_connect_by_name(s)) {
        h = nbd_new_handle(s, true, errp);
        if (!h) {
            return -EIO;
        }
        s->sa_len = 1;          /* reconnects go by name as well */
        ret = nbd_connect_tcp(h, s->addr.host, s->addr.port);
        goto connected;
    }
    fd = nbd_socket_connect(s, errp);
    if (fd < 0) {
        return fd;
    }
    h = nbd_new_handle(s, true, errp);
    if (!h) {
        close(fd);
        return -EIO;
    }
    /* libnbd owns @fd from here on. */
    ret = nbd_connect_socket(h, fd);
connected:
    if (ret < 0) {
        int err = nbd_get_errno();
        nbd_handshake_error(s, err, errp);
        nbd_close(h);
        return -(err ? err : EIO);
    }
    nbd_set_debug(h, false);

    ret = nbd_check_export(s, h, errp);
    if (ret < 0) {
        goto fail;
    }
    if (s->x_dirty_bitmap && nbd_can_meta_context(h, s->meta_context) != 1) {
        error_setg_errno(errp, EINVAL, "Could not open image");
        ret = -EINVAL;
        goto fail;
    }
    s->read_only = nbd_is_read_only(h) == 1;
    s->can_flush = nbd_can_flush(h) == 1;
    s->can_fua = nbd_can_fua(h) == 1;
    s->can_trim = nbd_can_trim(h) == 1;
    s->can_zero = nbd_can_zero(h) == 1;
    s->can_fast_zero = nbd_can_fast_zero(h) == 1;
    s->base_allocation = nbd_can_meta_context(h, s->meta_context) == 1;
    s->nbd = h;
    return 0;

fail:
    nbd_close(h);
    return ret;
}

/* Stop watching the socket and drop the handle. */
static void nbd_drop_handle(BDRVNBDState *s)
{
    struct nbd_handle *h = s->nbd;

    if (s->fd >= 0) {
        aio_set_fd_handler(s->fd, NULL, NULL, NULL);
        s->fd = -1;
        s->fd_dir = 0;
    }
    if (s->attempt_timer) {
        timer_del(s->attempt_timer);
    }
    s->nbd = NULL;
    s->connecting = false;
    if (h) {
        /* May run completion callbacks of commands still queued. */
        nbd_close(h);
    }
}

/* Complete @req; its coroutine is woken by nbd_wake_completed(). */
static void nbd_req_finish(NBDReq *req, int ret)
{
    BDRVNBDState *s = req->s;

    if (req->done) {
        return;
    }
    req->done = true;
    req->ret = ret;
    if (req->in_list) {
        QTAILQ_REMOVE(&s->inflight, req, next);
        req->in_list = false;
    }
    if (req->waiting) {
        QTAILQ_INSERT_TAIL(&s->completed, req, next);
        req->in_list = true;
    }
}

static void nbd_wake_completed(BDRVNBDState *s)
{
    NBDReq *req;

    while ((req = QTAILQ_FIRST(&s->completed))) {
        QTAILQ_REMOVE(&s->completed, req, next);
        req->in_list = false;
        req->waiting = false;
        aio_co_wake(req->co);
    }
}

static void nbd_schedule_reconnect(BDRVNBDState *s, int64_t delay_ns)
{
    if (s->state != NBD_CLIENT_QUIT && s->sa_len) {
        timer_mod_ns(s->reconnect_timer, get_clock_ns() + delay_ns);
    }
}

/* The server went away: fail what is in flight and start over. */
static void nbd_connection_lost(BDRVNBDState *s)
{
    NBDReq *req, *next;

    if (s->state != NBD_CLIENT_CONNECTED) {
        return;
    }
    nbd_drop_handle(s);
    QTAILQ_FOREACH_SAFE(req, &s->inflight, next, next) {
        nbd_req_finish(req, -EIO);
    }
    if (s->reconnect_delay) {
        s->state = NBD_CLIENT_CONNECTING_WAIT;
        timer_mod_ns(s->delay_timer, get_clock_ns() +
                     (int64_t)MIN(s->reconnect_delay, INT64_MAX / 2000000000) *
                     1000000000LL);
    } else {
        s->state = NBD_CLIENT_CONNECTING_NOWAIT;
    }
    nbd_schedule_reconnect(s, 0);
    nbd_wake_completed(s);
}

static void nbd_reconnected(BDRVNBDState *s)
{
    struct nbd_handle *h = s->nbd;

    s->connecting = false;
    timer_del(s->attempt_timer);
    if (nbd_get_size(h) != s->size ||
        (nbd_is_read_only(h) == 1 && !s->read_only)) {
        /* Not the export we had: keep failing rather than mix data. */
        nbd_drop_handle(s);
        nbd_schedule_reconnect(s, NBD_RECONNECT_INTERVAL_NS);
        return;
    }
    s->state = NBD_CLIENT_CONNECTED;
    nbd_tune_socket(s);
    timer_del(s->delay_timer);
    qemu_co_queue_restart_all(&s->reconnect_waiters);
    /* A quorum above may copy what this replica missed meanwhile. */
    bdrv_parents_reconnected(s->bs);
}

static void nbd_reconnect_attempt(void *opaque)
{
    BDRVNBDState *s = opaque;
    struct nbd_handle *h;

    if (s->state == NBD_CLIENT_CONNECTED || s->state == NBD_CLIENT_QUIT ||
        s->nbd) {
        return;
    }
    h = nbd_new_handle(s, false, NULL);
    if (!h) {
        nbd_schedule_reconnect(s, NBD_RECONNECT_INTERVAL_NS);
        return;
    }
    s->nbd = h;
    s->connecting = true;
    if ((nbd_tls_connect_by_name(s) ?
         nbd_aio_connect_tcp(h, s->addr.host, s->addr.port) :
         nbd_aio_connect(h, (struct sockaddr *)&s->sa, s->sa_len)) < 0) {
        nbd_drop_handle(s);
        nbd_schedule_reconnect(s, NBD_RECONNECT_INTERVAL_NS);
        return;
    }
    timer_mod_ns(s->attempt_timer, get_clock_ns() + NBD_ATTEMPT_TIMEOUT_NS);
    nbd_after_io(s);
}

static void nbd_attempt_timeout(void *opaque)
{
    BDRVNBDState *s = opaque;

    if (s->connecting) {
        nbd_drop_handle(s);
        nbd_schedule_reconnect(s, NBD_RECONNECT_INTERVAL_NS);
    }
}

/* reconnect-delay has passed: waiting requests and new ones fail. */
static void nbd_delay_expired(void *opaque)
{
    BDRVNBDState *s = opaque;

    if (s->state == NBD_CLIENT_CONNECTING_WAIT) {
        s->state = NBD_CLIENT_CONNECTING_NOWAIT;
        qemu_co_queue_restart_all(&s->reconnect_waiters);
    }
}

/* ---------- Event loop ---------- */

static void nbd_fd_read(void *opaque)
{
    BDRVNBDState *s = opaque;

    if (s->nbd) {
        nbd_aio_notify_read(s->nbd);
    }
    nbd_after_io(s);
}

static void nbd_fd_write(void *opaque)
{
    BDRVNBDState *s = opaque;

    if (s->nbd) {
        nbd_aio_notify_write(s->nbd);
    }
    nbd_after_io(s);
}

/* Watch the socket in the direction libnbd wants. */
static void nbd_update_fd(BDRVNBDState *s)
{
    int fd = s->nbd ? nbd_aio_get_fd(s->nbd) : -1;
    unsigned dir = s->nbd ? nbd_aio_get_direction(s->nbd) : 0;

    if (fd != s->fd) {
        if (s->fd >= 0) {
            aio_set_fd_handler(s->fd, NULL, NULL, NULL);
        }
        s->fd = fd;
        s->fd_dir = 0;
    }
    if (fd < 0 || dir == s->fd_dir) {
        return;
    }
    aio_set_fd_handler(fd, dir & LIBNBD_AIO_DIRECTION_READ ? nbd_fd_read : NULL,
                       dir & LIBNBD_AIO_DIRECTION_WRITE ? nbd_fd_write : NULL,
                       s);
    s->fd_dir = dir;
}

/* After libnbd made progress: notice state changes, wake finished work. */
static void nbd_after_io(BDRVNBDState *s)
{
    if (s->nbd) {
        bool dead = nbd_aio_is_dead(s->nbd) == 1 ||
                    nbd_aio_is_closed(s->nbd) == 1;

        if (s->connecting) {
            if (dead) {
                nbd_drop_handle(s);
                nbd_schedule_reconnect(s, NBD_RECONNECT_INTERVAL_NS);
            } else if (nbd_aio_is_ready(s->nbd) == 1) {
                nbd_reconnected(s);
            }
        } else if (dead) {
            nbd_connection_lost(s);
        }
    }
    nbd_update_fd(s);
    nbd_wake_completed(s);
}

/* ---------- Requests ---------- */

static int nbd_req_complete_cb(void *opaque, int *error)
{
    NBDReq *req = opaque;
    int err = *error;

    /* libnbd fails commands of a dead connection with ENOTCONN. */
    if (err == ENOTCONN || err == ECONNRESET || err == EPIPE) {
        err = EIO;
    }
    nbd_req_finish(req, -err);
    return 1;
}

static int nbd_req_extent_cb(void *opaque, const char *metacontext,
                             uint64_t offset, uint32_t *entries,
                             size_t nr_entries, int *error)
{
    NBDReq *req = opaque;

    if (req->have_extent || nr_entries < 2 ||
        strcmp(metacontext, req->s->meta_context)) {
        return 0;
    }
    req->have_extent = true;
    req->extent_len = entries[0];
    req->extent_flags = entries[1];
    return 0;
}

/* Wait until connected; -EIO once reconnect-delay is over. */
static int coroutine_fn nbd_co_wait_connected(BDRVNBDState *s)
{
    for (;;) {
        switch (s->state) {
        case NBD_CLIENT_CONNECTED:
            return 0;
        case NBD_CLIENT_CONNECTING_WAIT:
            qemu_co_queue_wait(&s->reconnect_waiters);
            break;
        default:
            return -EIO;
        }
    }
}

static int coroutine_fn nbd_co_request(BDRVNBDState *s, NBDReq *req)
{
    nbd_completion_callback cb = { .callback = nbd_req_complete_cb,
                                   .user_data = req };
    int64_t cookie = -1;
    int ret;

    ret = nbd_co_wait_connected(s);
    if (ret < 0) {
        return ret;
    }
    req->s = s;
    req->co = qemu_coroutine_self();
    req->done = req->waiting = false;
    QTAILQ_INSERT_TAIL(&s->inflight, req, next);
    req->in_list = true;

    switch (req->type) {
    case NBD_REQ_READ:
        cookie = nbd_aio_pread(s->nbd, req->buf, req->bytes, req->offset,
                               cb, 0);
        break;
    case NBD_REQ_WRITE:
        cookie = nbd_aio_pwrite(s->nbd, req->buf, req->bytes, req->offset,
                                cb, req->flags);
        break;
    case NBD_REQ_ZERO:
        cookie = nbd_aio_zero(s->nbd, req->bytes, req->offset, cb,
                              req->flags);
        break;
    case NBD_REQ_TRIM:
        cookie = nbd_aio_trim(s->nbd, req->bytes, req->offset, cb,
                              req->flags);
        break;
    case NBD_REQ_FLUSH:
        cookie = nbd_aio_flush(s->nbd, cb, 0);
        break;
    case NBD_REQ_STATUS:
        cookie = nbd_aio_block_status(s->nbd, req->bytes, req->offset,
                                      (nbd_extent_callback) {
                                          .callback = nbd_req_extent_cb,
                                          .user_data = req },
                                      cb, req->flags);
        break;
    }
    if (cookie < 0 && !req->done) {
        int err = nbd_get_errno();
        bool dead = nbd_aio_is_dead(s->nbd) == 1 ||
                    nbd_aio_is_closed(s->nbd) == 1;

        nbd_req_finish(req, dead || !err ? -EIO : -err);
    }
    /* Submitting may have finished other requests or the connection. */
    nbd_after_io(s);
    while (!req->done) {
        req->waiting = true;
        qemu_coroutine_yield();
    }
    return req->ret;
}

static int coroutine_fn nbd_co_preadv(BlockDriverState *bs, int64_t offset,
                                      int64_t bytes, QEMUIOVector *qiov,
                                      BdrvRequestFlags flags)
{
    BDRVNBDState *s = bs->opaque;
    NBDReq req = { .type = NBD_REQ_READ, .offset = offset };
    int64_t slop = 0;
    void *bounce = NULL;
    int ret;

    /* The block layer rounds an odd size up: the tail reads as zeroes. */
    if (offset + bytes > s->size) {
        slop = offset + bytes - MAX(offset, s->size);
        qemu_iovec_memset(qiov, bytes - slop, 0, slop);
    }
    req.bytes = bytes - slop;
    if (!req.bytes) {
        return 0;
    }
    if (qiov->niov == 1) {
        req.buf = qiov->iov[0].iov_base;
    } else {
        bounce = g_try_malloc(req.bytes);
        if (!bounce) {
            return -ENOMEM;
        }
        req.buf = bounce;
    }
    ret = nbd_co_request(s, &req);
    if (bounce) {
        if (ret == 0) {
            qemu_iovec_from_buf(qiov, 0, bounce, req.bytes);
        }
        g_free(bounce);
    }
    return ret;
}

static int coroutine_fn nbd_co_pwritev(BlockDriverState *bs, int64_t offset,
                                       int64_t bytes, QEMUIOVector *qiov,
                                       BdrvRequestFlags flags)
{
    BDRVNBDState *s = bs->opaque;
    NBDReq req = { .type = NBD_REQ_WRITE, .offset = offset, .bytes = bytes };
    void *bounce = NULL;
    int ret;

    if (!bytes) {
        return 0;
    }
    if (flags & BDRV_REQ_FUA) {
        req.flags |= LIBNBD_CMD_FLAG_FUA;
    }
    if (qiov->niov == 1) {
        req.buf = qiov->iov[0].iov_base;
    } else {
        bounce = g_try_malloc(bytes);
        if (!bounce) {
            return -ENOMEM;
        }
        qemu_iovec_to_buf(qiov, 0, bounce, bytes);
        req.buf = bounce;
    }
    ret = nbd_co_request(s, &req);
    g_free(bounce);
    return ret;
}

/* Zero and trim lengths are 32-bit on the wire: split big ones. */
static int coroutine_fn nbd_co_ranged(BDRVNBDState *s, NBDReqType type,
                                      int64_t offset, int64_t bytes,
                                      uint32_t flags)
{
    uint64_t max = QEMU_ALIGN_DOWN(UINT32_MAX, MAX(s->min_block, 1));
    int ret = 0;

    while (bytes > 0 && ret == 0) {
        NBDReq req = { .type = type, .offset = offset, .flags = flags,
                       .bytes = MIN((uint64_t)bytes, max) };

        ret = nbd_co_request(s, &req);
        offset += req.bytes;
        bytes -= req.bytes;
    }
    return ret;
}

static int coroutine_fn nbd_co_pwrite_zeroes(BlockDriverState *bs,
                                             int64_t offset, int64_t bytes,
                                             BdrvRequestFlags flags)
{
    BDRVNBDState *s = bs->opaque;
    uint32_t nflags = 0;

    if (!s->can_zero) {
        return -ENOTSUP;
    }
    if (flags & BDRV_REQ_FUA) {
        nflags |= LIBNBD_CMD_FLAG_FUA;
    }
    if (!(flags & BDRV_REQ_MAY_UNMAP)) {
        nflags |= LIBNBD_CMD_FLAG_NO_HOLE;
    }
    if (flags & BDRV_REQ_NO_FALLBACK) {
        if (!s->can_fast_zero) {
            return -ENOTSUP;
        }
        nflags |= LIBNBD_CMD_FLAG_FAST_ZERO;
    }
    return nbd_co_ranged(s, NBD_REQ_ZERO, offset, bytes, nflags);
}

static int coroutine_fn nbd_co_pdiscard(BlockDriverState *bs, int64_t offset,
                                        int64_t bytes)
{
    BDRVNBDState *s = bs->opaque;

    if (!s->can_trim || !bytes) {
        return 0;
    }
    return nbd_co_ranged(s, NBD_REQ_TRIM, offset, bytes, 0);
}

static int coroutine_fn nbd_co_flush(BlockDriverState *bs)
{
    BDRVNBDState *s = bs->opaque;
    NBDReq req = { .type = NBD_REQ_FLUSH };

    if (!s->can_flush) {
        return 0;
    }
    return nbd_co_request(s, &req);
}

static int coroutine_fn nbd_co_block_status(BlockDriverState *bs,
                                            bool want_zero, int64_t offset,
                                            int64_t bytes, int64_t *pnum,
                                            int64_t *map,
                                            BlockDriverState **file)
{
    BDRVNBDState *s = bs->opaque;
    NBDReq req = { .type = NBD_REQ_STATUS, .offset = offset,
                   .flags = LIBNBD_CMD_FLAG_REQ_ONE };
    int ret;

    if (!s->base_allocation) {
        *pnum = bytes;
        *map = offset;
        *file = bs;
        return BDRV_BLOCK_DATA | BDRV_BLOCK_OFFSET_VALID;
    }
    if (offset >= s->size) {
        /* The rounded-up tail past an odd size. */
        *pnum = bytes;
        return BDRV_BLOCK_ZERO;
    }
    req.bytes = MIN(bytes, s->size - offset);
    req.bytes = MIN(req.bytes, QEMU_ALIGN_DOWN(INT_MAX,
                                               bs->bl.request_alignment));
    ret = nbd_co_request(s, &req);
    if (ret < 0) {
        return ret;
    }
    if (!req.have_extent || !req.extent_len) {
        return -EIO;
    }
    *pnum = MIN(req.extent_len, req.bytes);
    *map = offset;
    *file = bs;
    return (req.extent_flags & LIBNBD_STATE_HOLE ? 0 : BDRV_BLOCK_DATA) |
           (req.extent_flags & LIBNBD_STATE_ZERO ? BDRV_BLOCK_ZERO : 0) |
           BDRV_BLOCK_OFFSET_VALID;
}

/* ---------- Open and close ---------- */

static void nbd_free_state(BDRVNBDState *s)
{
    nbd_drop_handle(s);
    g_clear_pointer(&s->reconnect_timer, timer_free);
    g_clear_pointer(&s->delay_timer, timer_free);
    g_clear_pointer(&s->attempt_timer, timer_free);
    g_clear_pointer(&s->addr.path, g_free);
    g_clear_pointer(&s->addr.host, g_free);
    g_clear_pointer(&s->addr.port, g_free);
    g_clear_pointer(&s->addr.str, g_free);
    g_clear_pointer(&s->export, g_free);
    g_clear_pointer(&s->tls_creds, g_free);
    g_clear_pointer(&s->tls_hostname, g_free);
    g_clear_pointer(&s->tlscreds, qcrypto_tls_creds_unref);
    g_clear_pointer(&s->x_dirty_bitmap, g_free);
    g_clear_pointer(&s->meta_context, g_free);
    g_clear_pointer(&s->server_msg, g_free);
}

static int nbd_open(BlockDriverState *bs, QDict *options, int flags,
                    Error **errp)
{
    BDRVNBDState *s = bs->opaque;
    int64_t deadline;
    int ret;

    s->bs = bs;
    s->fd = -1;
    s->state = NBD_CLIENT_QUIT;
    QTAILQ_INIT(&s->inflight);
    QTAILQ_INIT(&s->completed);
    qemu_co_queue_init(&s->reconnect_waiters);

    ret = nbd_process_options(s, options, errp);
    if (ret < 0) {
        goto fail;
    }

    /* open-timeout: keep trying until it has passed. */
    deadline = get_clock_ns() +
               (int64_t)MIN(s->open_timeout, 1000000) * 1000000000LL;
    for (;;) {
        Error *local_err = NULL;
        int64_t left;

        ret = nbd_connect_once(s, &local_err);
        if (ret == 0) {
            break;
        }
        left = deadline - get_clock_ns();
        if (!s->open_timeout || left <= 0) {
            error_propagate(errp, local_err);
            goto fail;
        }
        error_free(local_err);
        g_usleep(MIN(left, 100 * 1000 * 1000LL) / 1000);
    }

    if (s->read_only && (flags & BDRV_O_RDWR)) {
        if (!(flags & BDRV_O_AUTO_RDONLY)) {
            error_setg_errno(errp, EACCES, "Could not open image");
            ret = -EACCES;
            goto fail;
        }
        bs->read_only = true;
        bs->open_flags &= ~BDRV_O_RDWR;
    }
    if (s->can_fua) {
        bs->supported_write_flags = BDRV_REQ_FUA;
        bs->supported_zero_flags |= BDRV_REQ_FUA;
    }
    if (s->can_zero) {
        bs->supported_zero_flags |= BDRV_REQ_MAY_UNMAP;
        if (s->can_fast_zero) {
            bs->supported_zero_flags |= BDRV_REQ_NO_FALLBACK;
        }
    }

    s->reconnect_timer = timer_new_ns(nbd_reconnect_attempt, s);
    s->delay_timer = timer_new_ns(nbd_delay_expired, s);
    s->attempt_timer = timer_new_ns(nbd_attempt_timeout, s);
    s->state = NBD_CLIENT_CONNECTED;
    nbd_tune_socket(s);
    nbd_update_fd(s);
    return 0;

fail:
    nbd_free_state(s);
    return ret;
}

static void nbd_close_drv(BlockDriverState *bs)
{
    BDRVNBDState *s = bs->opaque;

    if (s->nbd && !s->connecting && nbd_aio_is_ready(s->nbd) == 1) {
        /* NBD_CMD_DISC: a polite goodbye; libnbd sends it right away. */
        nbd_aio_disconnect(s->nbd, 0);
    }
    s->state = NBD_CLIENT_QUIT;
    qemu_co_queue_restart_all(&s->reconnect_waiters);
    nbd_free_state(s);
}

static void nbd_refresh_limits(BlockDriverState *bs, Error **errp)
{
    BDRVNBDState *s = bs->opaque;
    uint32_t min = s->min_block;
    uint32_t max = MIN_NON_ZERO((uint32_t)NBD_MAX_BUFFER_SIZE, s->max_block);

    /*
     * Without an advertised minimum: byte granularity when the size is
     * odd or block status is on (its extents need not be aligned), else
     * stay with sectors for old servers.
     */
    if (!min) {
        min = (!QEMU_IS_ALIGNED(s->size, BDRV_SECTOR_SIZE) ||
               s->base_allocation) ? 1 : BDRV_SECTOR_SIZE;
    }
    bs->bl.request_alignment = min;
    /*
     * A server's maximum need only be at least its minimum, not a
     * multiple; a minimum above our 32 MiB cap is the transfer size.
     */
    max = MAX(QEMU_ALIGN_DOWN(max, min), min);
    bs->bl.max_pdiscard = QEMU_ALIGN_DOWN(INT_MAX, min);
    bs->bl.max_pwrite_zeroes = max;
    bs->bl.max_transfer = max;
}

static int64_t nbd_getlength(BlockDriverState *bs)
{
    BDRVNBDState *s = bs->opaque;

    return s->size;
}

static int coroutine_fn nbd_co_truncate(BlockDriverState *bs, int64_t offset,
                                        bool exact, Error **errp)
{
    BDRVNBDState *s = bs->opaque;

    if (offset != s->size && exact) {
        error_setg(errp, "Cannot resize NBD nodes");
        return -ENOTSUP;
    }
    if (offset > s->size) {
        error_setg(errp, "Cannot grow NBD nodes");
        return -EINVAL;
    }
    return 0;
}

static const char *const nbd_strong_runtime_opts[] = {
    "path", "host", "port", "export", "tls-creds", "tls-hostname",
    "server.type", "server.path", "server.abstract", "server.tight",
    "server.host", "server.port", "server.numeric", "server.to",
    "server.ipv4", "server.ipv6", "server.keep-alive", "server.mptcp",
    "server.cid", "server.str",
    NULL
};

#define NBD_DRIVER_COMMON                                   \
    .format_name            = "nbd",                        \
    .instance_size          = sizeof(BDRVNBDState),         \
    .bdrv_parse_filename    = nbd_parse_filename,           \
    .bdrv_open              = nbd_open,                     \
    .bdrv_close             = nbd_close_drv,                \
    .bdrv_co_preadv         = nbd_co_preadv,                \
    .bdrv_co_pwritev        = nbd_co_pwritev,               \
    .bdrv_co_pwrite_zeroes  = nbd_co_pwrite_zeroes,         \
    .bdrv_co_pdiscard       = nbd_co_pdiscard,              \
    .bdrv_co_flush_to_os    = nbd_co_flush,                 \
    .bdrv_co_block_status   = nbd_co_block_status,          \
    .bdrv_refresh_limits    = nbd_refresh_limits,           \
    .bdrv_co_truncate       = nbd_co_truncate,              \
    .bdrv_getlength         = nbd_getlength,                \
    .bdrv_refresh_filename  = nbd_refresh_filename,         \
    .strong_runtime_opts    = nbd_strong_runtime_opts

/* The three are registered at start-up (block_init); read-only after. */
static BlockDriver bdrv_nbd = {
    NBD_DRIVER_COMMON,
    .protocol_name = "nbd",
};

static BlockDriver bdrv_nbd_tcp = {
    NBD_DRIVER_COMMON,
    .protocol_name = "nbd+tcp",
};

static BlockDriver bdrv_nbd_unix = {
    NBD_DRIVER_COMMON,
    .protocol_name = "nbd+unix",
};

static void bdrv_nbd_init(void)
{
    bdrv_register(&bdrv_nbd);
    bdrv_register(&bdrv_nbd_tcp);
    bdrv_register(&bdrv_nbd_unix);
}

block_init(bdrv_nbd_init);

#endif /* CONFIG_LIBNBD */
