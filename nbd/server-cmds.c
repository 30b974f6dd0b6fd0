/*
 * NBD server transmission phase: read requests, run each in its own
 * coroutine against the export's BlockBackend, send simple or
 * structured replies one at a time.
 *
 * A request the server refuses (bad flags, range past the end, a
 * read-only export, too large) gets an error reply and the connection
 * stays up; only a broken stream (bad magic, EOF, a failed send) ends
 * it, because after that we cannot tell where the next request starts.
 */
#include "qemu/osdep.h"
#include "nbd/nbd-internal.h"
#include "block/block_int.h"
#include "qemu/iov.h"

/* ---------- Request pool ---------- */

static NBDRequest *nbd_request_get(NBDClient *client)
{
    NBDRequest *req = client->free_reqs;

    if (req) {
        client->free_reqs = req->next_free;
        client->nb_free_reqs--;
    } else {
        req = g_new0(NBDRequest, 1);
    }
    req->client = client;
    req->error = 0;
    req->errmsg = NULL;
    req->charged = 0;
    return req;
}

static void nbd_request_put(NBDRequest *req)
{
    NBDClient *client = req->client;

    client->inflight_bytes -= req->charged;
    req->charged = 0;

    /* Keep small buffers for the next request; big ones go. */
    if (req->buf_size > NBD_POOL_BUF_MAX ||
        client->nb_free_reqs >= NBD_MAX_REQUESTS) {
        qemu_vfree(req->buf);
        req->buf = NULL;
        req->buf_size = 0;
    }
    if (client->nb_free_reqs >= NBD_MAX_REQUESTS) {
        g_free(req);
        return;
    }
    req->next_free = client->free_reqs;
    client->free_reqs = req;
    client->nb_free_reqs++;
}

static bool nbd_request_buf(NBDRequest *req, size_t size)
{
    if (req->buf_size >= size) {
        return true;
    }
    qemu_vfree(req->buf);
    req->buf = qemu_try_blockalign(blk_bs(req->client->exp->blk),
                                   MAX(size, 4096));
    req->buf_size = req->buf ? MAX(size, 4096) : 0;
    return req->buf != NULL;
}

/* ---------- Replies ---------- */

/* Under the send lock: send the queued replies, and those queued meanwhile. */
static int coroutine_fn nbd_co_flush_replies(NBDClient *client)
{
    while (client->reply_len) {
        uint32_t n = client->reply_len;
        struct iovec iov = { .iov_base = client->reply_buf, .iov_len = n };
        int ret = nbd_co_sendv(client, &iov, 1);

        if (ret < 0) {
            return ret;
        }
        /* Replies queued while it waited sit after the ones it sent. */
        memmove(client->reply_buf, client->reply_buf + n,
                client->reply_len - n);
        client->reply_len -= n;
    }
    return 0;
}

/*
 * Send @req's reply @iov (header first) under the send lock.  A reply
 * that fails half-way leaves the stream unusable, so the client is
 * closed.
 *
 * A reply without data (writes, flushes, trims, errors) to a request
 * of at most NBD_REPLY_QUEUE_REQ bytes is queued instead, when other
 * requests are in flight: those that finish in the same loop iteration
 * add theirs, and the first one sends them all in one sendmsg.  At
 * queue depth 32 that is one system call for several replies, and the
 * client wakes up once for them (4 KiB writes: our CPU per request
 * down 10-30 %).  Not for larger writes: a client given several
 * replies at once sends several 64 KiB payloads at once, and spent
 * 15-35 % more CPU per request on them.  The reply is then on its way
 * when this returns, not necessarily sent; a client in transmission
 * finishes every request's coroutine before it goes, and the one that
 * sends waits for the queue to be empty.
 */
static int coroutine_fn nbd_co_send_locked(NBDRequest *req,
                                           struct iovec *iov, int niov)
{
    NBDClient *client = req->client;
    size_t len = 0;
    int ret;

    for (int i = 0; i < niov; i++) {
        len += iov[i].iov_len;
    }
    if (client->dead) {
        return -EPIPE;
    }
    if (len <= NBD_REPLY_QUEUE_ITEM && req->len <= NBD_REPLY_QUEUE_REQ &&
        client->reply_len + len <= NBD_REPLY_QUEUE_SIZE &&
        (client->reply_flusher || client->nb_requests > 1)) {
        iov_to_buf(iov, niov, 0, client->reply_buf + client->reply_len, len);
        client->reply_len += len;
        if (client->reply_flusher) {
            return 0;
        }
        client->reply_flusher = true;
        /* The others that finish in this iteration queue theirs. */
        aio_co_wake(qemu_coroutine_self());
        qemu_coroutine_yield();
        qemu_co_mutex_lock(&client->send_lock);
        ret = nbd_co_flush_replies(client);
        client->reply_flusher = false;
    } else {
        qemu_co_mutex_lock(&client->send_lock);
        ret = nbd_co_flush_replies(client);     /* older, and small */
        if (ret == 0) {
            ret = nbd_co_sendv(client, iov, niov);
        }
    }
    qemu_co_mutex_unlock(&client->send_lock);
    if (ret < 0) {
        nbd_client_close(client);
    }
    return ret;
}

static int coroutine_fn nbd_co_send_simple(NBDRequest *req, uint32_t error,
                                           void *data, size_t len)
{
    uint8_t hdr[NBD_SIMPLE_REPLY_SIZE];
    struct iovec iov[2] = {
        { .iov_base = hdr, .iov_len = sizeof(hdr) },
        { .iov_base = data, .iov_len = len },
    };

    stl_be(hdr, NBD_SIMPLE_REPLY_MAGIC);
    stl_be(hdr + 4, error);
    stq_be(hdr + 8, req->handle);
    return nbd_co_send_locked(req, iov, len ? 2 : 1);
}

/* One structured chunk: header, an optional fixed part, optional data. */
static int coroutine_fn nbd_co_send_chunk(NBDRequest *req, uint16_t flags,
                                          uint16_t type,
                                          void *part, size_t part_len,
                                          void *data, size_t data_len)
{
    uint8_t hdr[NBD_STRUCTURED_REPLY_SIZE];
    struct iovec iov[3];
    int niov = 0;

    stl_be(hdr, NBD_STRUCTURED_REPLY_MAGIC);
    stw_be(hdr + 4, flags);
    stw_be(hdr + 6, type);
    stq_be(hdr + 8, req->handle);
    stl_be(hdr + 16, part_len + data_len);
    iov[niov++] = (struct iovec) { hdr, sizeof(hdr) };
    if (part_len) {
        iov[niov++] = (struct iovec) { part, part_len };
    }
    if (data_len) {
        iov[niov++] = (struct iovec) { data, data_len };
    }
    return nbd_co_send_locked(req, iov, niov);
}

static int coroutine_fn nbd_co_send_error_chunk(NBDRequest *req,
                                                uint32_t error,
                                                const char *msg)
{
    uint8_t part[6];
    size_t len = msg ? strlen(msg) : 0;

    assert(error);
    stl_be(part, error);
    stw_be(part + 4, len);
    return nbd_co_send_chunk(req, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_ERROR,
                             part, sizeof(part), (void *)msg, len);
}

/* Reply without payload: structured when it carries an error message. */
static int coroutine_fn nbd_co_send_generic(NBDRequest *req, uint32_t error,
                                            const char *msg)
{
    if (error && req->client->structured_reply) {
        return nbd_co_send_error_chunk(req, error, msg);
    }
    return nbd_co_send_simple(req, error, NULL, 0);
}

/* ---------- Commands ---------- */

static int coroutine_fn nbd_co_send_data(NBDRequest *req, uint64_t start,
                                         uint32_t len, bool final)
{
    uint8_t part[8];

    stq_be(part, req->offset + start);
    return nbd_co_send_chunk(req, final ? NBD_REPLY_FLAG_DONE : 0,
                             NBD_REPLY_TYPE_OFFSET_DATA, part, sizeof(part),
                             (uint8_t *)req->buf + start, len);
}

/* ---------- Zero-copy read replies ---------- */

void nbd_client_drop_pipe(NBDClient *client)
{
    if (client->splice_pipe[0] >= 0) {
        close(client->splice_pipe[0]);
        close(client->splice_pipe[1]);
    }
    client->splice_pipe[0] = client->splice_pipe[1] = -1;
    if (client->splice_cap > 0) {
        client->splice_cap = 0;
    }
}

/* The client's pipe, made on first use: false if there is none. */
static bool nbd_client_get_pipe(NBDClient *client)
{
    int size;

    if (client->splice_pipe[0] >= 0) {
        return true;
    }
    if (client->splice_cap < 0 ||
        pipe2(client->splice_pipe, O_NONBLOCK | O_CLOEXEC) < 0) {
        client->splice_pipe[0] = client->splice_pipe[1] = -1;
        client->splice_cap = -1;
        return false;
    }
    /* Over the user's pipe quota this fails; the default size serves. */
    fcntl(client->splice_pipe[1], F_SETPIPE_SZ, NBD_SPLICE_PIPE_SIZE);
    size = fcntl(client->splice_pipe[1], F_GETPIPE_SZ);
    if (size <= 0) {
        nbd_client_drop_pipe(client);
        client->splice_cap = -1;
        return false;
    }
    client->splice_cap = size;
    return true;
}

/*
 * Send [start, start+len) of a read's range without copying it: the
 * block layer puts the page cache's pages in the client's pipe
 * (blk_co_splice_read: a raw format over a file, the range cached) and
 * splice(2) hands them on to the socket, so the data never passes
 * through our memory.  Measured over a unix socket, 64 KiB reads of a
 * cached raw file: daemon CPU per request from 26-30 us to 17-19 us.
 * Below NBD_SPLICE_MIN the two extra system calls cost more than the
 * copy they save.
 *
 * All under the send lock, so the pipe is only ever this reply's and is
 * empty again when the lock is free.  Returns false, having sent
 * nothing, when the range did not go into the pipe whole (no such
 * graph, not cached, an error): the caller then reads it the usual way,
 * which gives a failing read its usual reply.  Returns true once the
 * reply was sent, or its sending failed and the client was closed.
 */
static bool coroutine_fn nbd_co_splice_reply(NBDRequest *req,
                                             uint64_t start, uint32_t len,
                                             bool final)
{
    NBDClient *client = req->client;
    uint8_t hdr[NBD_STRUCTURED_REPLY_SIZE + 8];
    struct iovec iov = { .iov_base = hdr };
    int ret;

    if (client->tls || len < NBD_SPLICE_MIN || client->splice_cap < 0) {
        return false;
    }
    /*
     * With the pipe made and the lock free, go straight on: the splice
     * checks the graph and the page cache itself, once.  Otherwise ask
     * first, without the lock: a graph that cannot splice (a quorum) or
     * a range not cached must not wait for the replies before it to go
     * out before it even starts reading, nor make a pipe.  Asked again
     * under the lock, where the answer counts.
     */
    if (client->splice_pipe[0] < 0 ||
        !qemu_co_mutex_trylock(&client->send_lock)) {
        if (blk_co_splice_read(client->exp->blk, req->offset + start, len,
                               -1) < 0) {
            return false;
        }
        qemu_co_mutex_lock(&client->send_lock);
    }
    if (!nbd_client_get_pipe(client) || len > (uint32_t)client->splice_cap) {
        qemu_co_mutex_unlock(&client->send_lock);
        return false;
    }
    ret = blk_co_splice_read(client->exp->blk, req->offset + start, len,
                             client->splice_pipe[1]);
    if (ret < 0) {
        if (ret != -ENOTSUP) {
            nbd_client_drop_pipe(client);   /* it may hold part of it */
        }
        qemu_co_mutex_unlock(&client->send_lock);
        return false;
    }
    if (client->structured_reply) {
        stl_be(hdr, NBD_STRUCTURED_REPLY_MAGIC);
        stw_be(hdr + 4, final ? NBD_REPLY_FLAG_DONE : 0);
        stw_be(hdr + 6, NBD_REPLY_TYPE_OFFSET_DATA);
        stq_be(hdr + 8, req->handle);
        stl_be(hdr + 16, 8 + len);
        stq_be(hdr + 20, req->offset + start);
        iov.iov_len = NBD_STRUCTURED_REPLY_SIZE + 8;
    } else {
        stl_be(hdr, NBD_SIMPLE_REPLY_MAGIC);
        stl_be(hdr + 4, 0);
        stq_be(hdr + 8, req->handle);
        iov.iov_len = NBD_SIMPLE_REPLY_SIZE;
    }
    ret = nbd_co_sendv(client, &iov, 1);
    if (ret == 0) {
        ret = nbd_co_splice_out(client, client->splice_pipe[0], len);
    }
    if (ret < 0) {
        nbd_client_drop_pipe(client);
    }
    qemu_co_mutex_unlock(&client->send_lock);
    if (ret < 0) {
        nbd_client_close(client);
    }
    return true;
}

/* Read [start, end) of the request into its buffer and send it. */
static int coroutine_fn nbd_co_read_and_send(NBDRequest *req, uint64_t start,
                                             uint64_t end, bool final)
{
    BlockBackend *blk = req->client->exp->blk;
    NBDClient *client = req->client;
    QEMUIOVector qiov;
    int ret;

    /* Zero-copy in chunks the pipe holds; what does not go is copied. */
    while (start < end) {
        uint32_t n = MIN(end - start, client->splice_cap > 0 ?
                         (uint32_t)client->splice_cap : NBD_SPLICE_PIPE_SIZE);

        if (!nbd_co_splice_reply(req, start, n, final && start + n == end)) {
            break;
        }
        if (client->dead) {
            return -EPIPE;
        }
        start += n;
    }
    if (start == end) {
        return 0;
    }
    qemu_iovec_init_buf(&qiov, (uint8_t *)req->buf + start, end - start);
    ret = blk_co_preadv(blk, req->offset + start, end - start, &qiov, 0);
    if (ret < 0) {
        nbd_co_send_error_chunk(req, nbd_errno_from_system(ret),
                                "reading from file failed");
        return ret;
    }
    return nbd_co_send_data(req, start, end - start, final);
}

/*
 * Structured read without DF: zero ranges (per block status) go out as
 * holes, runs of data as one OFFSET_DATA chunk each.  The last chunk
 * carries DONE; nothing can fail after it is sent.
 */
static void coroutine_fn nbd_co_sparse_read(NBDRequest *req)
{
    BlockDriverState *bs = blk_bs(req->client->exp->blk);
    uint64_t off = 0, data_start = 0;
    bool in_data = false;

    while (off < req->len) {
        int64_t pnum = 0;
        int ret = bdrv_co_block_status(bs, true, req->offset + off,
                                       req->len - off, &pnum, NULL, NULL);

        if (ret < 0 || pnum <= 0) {
            /* Unknown status reads as data. */
            ret = BDRV_BLOCK_DATA;
            pnum = req->len - off;
        }
        if (ret & BDRV_BLOCK_ZERO) {
            uint8_t part[12];

            if (in_data) {
                if (nbd_co_read_and_send(req, data_start, off, false) < 0) {
                    return;
                }
                in_data = false;
            }
            stq_be(part, req->offset + off);
            stl_be(part + 8, pnum);
            if (nbd_co_send_chunk(req, off + pnum == req->len ?
                                  NBD_REPLY_FLAG_DONE : 0,
                                  NBD_REPLY_TYPE_OFFSET_HOLE,
                                  part, sizeof(part), NULL, 0) < 0) {
                return;
            }
        } else if (!in_data) {
            in_data = true;
            data_start = off;
        }
        off += pnum;
    }
    if (in_data) {
        nbd_co_read_and_send(req, data_start, req->len, true);
    }
}

static void coroutine_fn nbd_co_cmd_read(NBDRequest *req)
{
    NBDClient *client = req->client;
    QEMUIOVector qiov;
    int ret = 0;

    if (client->structured_reply && !(req->flags & NBD_CMD_FLAG_DF) &&
        req->len) {
        nbd_co_sparse_read(req);
        return;
    }
    if (req->len && nbd_co_splice_reply(req, 0, req->len, true)) {
        return;
    }
    if (req->len) {
        qemu_iovec_init_buf(&qiov, req->buf, req->len);
        ret = blk_co_preadv(client->exp->blk, req->offset, req->len,
                            &qiov, 0);
    }
    if (ret < 0) {
        nbd_co_send_generic(req, nbd_errno_from_system(ret),
                            "reading from file failed");
    } else if (!client->structured_reply) {
        nbd_co_send_simple(req, 0, req->buf, req->len);
    } else if (req->len) {
        nbd_co_send_data(req, 0, req->len, true);
    } else {
        nbd_co_send_chunk(req, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_NONE,
                          NULL, 0, NULL, 0);
    }
}

static uint32_t nbd_status_flags(int ret)
{
    return (ret & BDRV_BLOCK_DATA ? 0 : NBD_STATE_HOLE) |
           (ret & BDRV_BLOCK_ZERO ? NBD_STATE_ZERO : 0);
}

static void coroutine_fn nbd_co_cmd_block_status(NBDRequest *req)
{
    BlockDriverState *bs = blk_bs(req->client->exp->blk);
    unsigned max = req->flags & NBD_CMD_FLAG_REQ_ONE ?
                   1 : NBD_MAX_BLOCK_STATUS_EXTENTS;
    unsigned n = 0, cap = 64;
    g_autofree uint8_t *ext = g_malloc(4 + cap * 8);
    uint64_t off = 0;

    stl_be(ext, NBD_META_ID_BASE_ALLOCATION);
    while (off < req->len) {
        int64_t pnum = 0;
        int ret = bdrv_co_block_status(bs, true, req->offset + off,
                                       req->len - off, &pnum, NULL, NULL);
        uint32_t flags;
        uint8_t *last = ext + 4 + (n - 1) * 8;

        if (ret < 0) {
            nbd_co_send_error_chunk(req, nbd_errno_from_system(ret),
                                    "can't get block status");
            return;
        }
        if (pnum <= 0) {
            break;
        }
        flags = nbd_status_flags(ret);
        if (n > 0 && ldl_be(last + 4) == flags) {
            /* Same status: extend (lengths stay below the request's). */
            stl_be(last, ldl_be(last) + pnum);
        } else {
            if (n == max) {
                break;
            }
            if (n == cap) {
                cap *= 2;
                ext = g_realloc(ext, 4 + cap * 8);
            }
            stl_be(ext + 4 + n * 8, pnum);
            stl_be(ext + 4 + n * 8 + 4, flags);
            n++;
        }
        off += pnum;
    }
    if (n == 0) {
        nbd_co_send_error_chunk(req, NBD_EINVAL, "no block status available");
        return;
    }
    nbd_co_send_chunk(req, NBD_REPLY_FLAG_DONE, NBD_REPLY_TYPE_BLOCK_STATUS,
                      ext, 4 + n * 8, NULL, 0);
}

static void coroutine_fn nbd_co_request(void *opaque)
{
    NBDRequest *req = opaque;
    NBDClient *client = req->client;
    BlockBackend *blk = client->exp->blk;
    BdrvRequestFlags flags = 0;
    QEMUIOVector qiov;
    int ret = 0;

    if (req->error) {
        nbd_co_send_generic(req, req->error, req->errmsg);
        goto out;
    }
    if (req->flags & NBD_CMD_FLAG_FUA) {
        flags |= BDRV_REQ_FUA;
    }
    switch (req->type) {
    case NBD_CMD_READ:
        nbd_co_cmd_read(req);
        goto out;
    case NBD_CMD_BLOCK_STATUS:
        nbd_co_cmd_block_status(req);
        goto out;
    case NBD_CMD_WRITE:
        if (req->len) {
            qemu_iovec_init_buf(&qiov, req->buf, req->len);
            ret = blk_co_pwritev(blk, req->offset, req->len, &qiov, flags);
        }
        nbd_co_send_generic(req, nbd_errno_from_system(ret),
                            "writing to file failed");
        break;
    case NBD_CMD_WRITE_ZEROES:
        if (!(req->flags & NBD_CMD_FLAG_NO_HOLE)) {
            flags |= BDRV_REQ_MAY_UNMAP;
        }
        if (req->flags & NBD_CMD_FLAG_FAST_ZERO) {
            flags |= BDRV_REQ_NO_FALLBACK;
        }
        if (req->len) {
            ret = blk_co_pwrite_zeroes(blk, req->offset, req->len, flags);
        }
        nbd_co_send_generic(req, nbd_errno_from_system(ret),
                            "writing to file failed");
        break;
    case NBD_CMD_TRIM:
        if (req->len) {
            ret = blk_co_pdiscard(blk, req->offset, req->len);
            if (ret == -ENOTSUP) {
                ret = 0;        /* trim is only a hint */
            }
        }
        if (ret == 0 && (req->flags & NBD_CMD_FLAG_FUA)) {
            ret = blk_co_flush(blk);
        }
        nbd_co_send_generic(req, nbd_errno_from_system(ret),
                            "discard failed");
        break;
    case NBD_CMD_FLUSH:
        ret = blk_co_flush(blk);
        nbd_co_send_generic(req, nbd_errno_from_system(ret), "flush failed");
        break;
    case NBD_CMD_CACHE:
        /* A hint; our block layer has no read-ahead cache to fill. */
        nbd_co_send_generic(req, 0, NULL);
        break;
    default:
        abort();    /* refused in nbd_co_receive_request */
    }
out:
    nbd_request_put(req);
    client->nb_requests--;
    if (client->slot_co) {
        Coroutine *co = client->slot_co;

        client->slot_co = NULL;
        aio_co_wake(co);
    }
    if (client->drain_co && client->nb_requests == 0) {
        Coroutine *co = client->drain_co;

        client->drain_co = NULL;
        aio_co_wake(co);
    }
    nbd_client_unref(client);
}

/* ---------- Receiving ---------- */

static void nbd_refuse(NBDRequest *req, uint32_t error, const char *msg)
{
    if (!req->error) {
        req->error = error;
        req->errmsg = msg;
    }
}

/*
 * Read one request (and a WRITE's payload).  Returns 0 with the request
 * to run (possibly refused, see req->error), 1 for NBD_CMD_DISC, and
 * -errno when the stream is broken.
 */
static int coroutine_fn nbd_co_receive_request(NBDClient *client,
                                               NBDRequest *req)
{
    NBDExport *exp = client->exp;
    uint8_t hdr[NBD_REQUEST_SIZE];
    uint16_t valid_flags = NBD_CMD_FLAG_FUA;
    int64_t size;
    int ret;

    ret = nbd_co_recv(client, hdr, sizeof(hdr));
    if (ret < 0) {
        return ret;
    }
    if (ldl_be(hdr) != NBD_REQUEST_MAGIC) {
        return -EINVAL;
    }
    req->flags = ldw_be(hdr + 4);
    req->type = ldw_be(hdr + 6);
    req->handle = ldq_be(hdr + 8);
    req->offset = ldq_be(hdr + 16);
    req->len = ldl_be(hdr + 24);

    if (req->type == NBD_CMD_DISC) {
        return 1;
    }
    if ((req->type == NBD_CMD_READ || req->type == NBD_CMD_WRITE) &&
        req->len <= NBD_MAX_BUFFER_SIZE) {
        /* Before a WRITE's payload: a client over budget waits unread. */
        while (client->inflight_bytes &&
               client->inflight_bytes + req->len > NBD_MAX_INFLIGHT_BYTES &&
               !client->dead) {
            client->slot_co = qemu_coroutine_self();
            qemu_coroutine_yield();
        }
        if (client->dead) {
            return -EPIPE;
        }
        req->charged = req->len;
        client->inflight_bytes += req->len;
    }
    if (req->type == NBD_CMD_WRITE) {
        /* The payload follows whatever we think of the request. */
        if (req->len > NBD_MAX_BUFFER_SIZE) {
            nbd_refuse(req, NBD_EOVERFLOW, "request too large");
        } else if (!nbd_request_buf(req, req->len)) {
            nbd_refuse(req, NBD_ENOMEM, "out of memory");
        }
        if (req->error) {
            ret = nbd_co_drop(client, req->len);
        } else {
            ret = nbd_co_recv(client, req->buf, req->len);
        }
        if (ret < 0) {
            return ret;
        }
    }

    switch (req->type) {
    case NBD_CMD_READ:
        if (client->structured_reply) {
            valid_flags |= NBD_CMD_FLAG_DF;
        }
        if (req->len > NBD_MAX_BUFFER_SIZE) {
            nbd_refuse(req, NBD_EOVERFLOW, "request too large");
        } else if (!nbd_request_buf(req, req->len)) {
            nbd_refuse(req, NBD_ENOMEM, "out of memory");
        }
        break;
    case NBD_CMD_WRITE_ZEROES:
        valid_flags |= NBD_CMD_FLAG_NO_HOLE | NBD_CMD_FLAG_FAST_ZERO;
        /* fall through */
    case NBD_CMD_WRITE:
    case NBD_CMD_TRIM:
        if (!exp->writable) {
            nbd_refuse(req, NBD_EPERM, "export is read-only");
        }
        break;
    case NBD_CMD_BLOCK_STATUS:
        valid_flags |= NBD_CMD_FLAG_REQ_ONE;
        if (!client->meta_base_allocation) {
            nbd_refuse(req, NBD_EINVAL, "CMD_BLOCK_STATUS not negotiated");
        } else if (!req->len) {
            nbd_refuse(req, NBD_EINVAL, "need non-zero length");
        }
        break;
    case NBD_CMD_FLUSH:
    case NBD_CMD_CACHE:
        break;
    default:
        nbd_refuse(req, NBD_EINVAL, "invalid request type received");
        return 0;
    }
    if (req->flags & ~valid_flags) {
        nbd_refuse(req, NBD_EINVAL, "unsupported flags");
    }
    if (req->type != NBD_CMD_FLUSH) {
        size = blk_getlength(exp->blk);
        if (size < 0) {
            nbd_refuse(req, nbd_errno_from_system(size), "export has no length");
        } else if (req->offset > (uint64_t)size ||
                   req->len > (uint64_t)size - req->offset) {
            bool write = req->type == NBD_CMD_WRITE ||
                         req->type == NBD_CMD_WRITE_ZEROES;

            nbd_refuse(req, write ? NBD_ENOSPC : NBD_EINVAL,
                       "operation past EOF");
        }
    }
    return 0;
}

void coroutine_fn nbd_transmission(NBDClient *client)
{
    for (;;) {
        NBDRequest *req;
        Coroutine *co;
        int ret;

        while (client->nb_requests >= NBD_MAX_REQUESTS && !client->dead) {
            client->slot_co = qemu_coroutine_self();
            qemu_coroutine_yield();
        }
        if (client->dead) {
            break;
        }
        req = nbd_request_get(client);
        ret = nbd_co_receive_request(client, req);
        if (ret != 0) {
            nbd_request_put(req);
            break;
        }
        client->nb_requests++;
        nbd_client_ref(client);
        /*
         * At once: a client found dead later (a failed send, EOF) has
         * every request it sent whole under way, and its writes land.
         */
        co = qemu_coroutine_create(nbd_co_request, req);
        qemu_coroutine_enter(co);
    }
    /* DISC, EOF or a broken stream: finish what is in flight first. */
    while (client->nb_requests > 0 && !client->dead) {
        client->drain_co = qemu_coroutine_self();
        qemu_coroutine_yield();
    }
}
