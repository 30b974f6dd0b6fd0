/*
 * NBD server TLS: the STARTTLS handshake and record I/O over the
 * client's non-blocking socket.  Like the plaintext path, a coroutine
 * that would block parks itself (nbd_co_wait_io) for the readiness
 * gnutls asks for, and retries the same call when woken.
 */
#include "qemu/osdep.h"
#include "nbd/nbd-internal.h"

int coroutine_fn nbd_co_starttls(NBDClient *client, Error **errp)
{
    int ret;

    assert(client->tlscreds && !client->tls);
    client->tls = qcrypto_tls_session_new(client->tlscreds, client->tlsauthz,
                                          client->fd, errp);
    if (!client->tls) {
        return -EIO;
    }
    for (;;) {
        if (client->dead) {
            error_setg(errp, "TLS handshake failed: connection closed");
            return -EPIPE;
        }
        ret = qcrypto_tls_session_handshake(client->tls, errp);
        if (ret != -EAGAIN) {
            break;
        }
        nbd_co_wait_io(client, false,
                       qcrypto_tls_session_want_write(client->tls));
    }
    if (ret == 0) {
        /* Replies gather header and payload into full records. */
        client->tls_buf_size = qcrypto_tls_session_record_size(client->tls);
        client->tls_buf = g_malloc(client->tls_buf_size);
    }
    return ret;
}

int coroutine_fn nbd_co_tls_recv(NBDClient *client, void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n;

        if (client->dead) {
            return -EPIPE;
        }
        n = qcrypto_tls_session_read(client->tls, p, len);
        if (n > 0) {
            p += n;
            len -= n;
        } else if (n == 0) {
            return -EPIPE;
        } else if (n == -EAGAIN) {
            nbd_co_wait_io(client, false,
                           qcrypto_tls_session_want_write(client->tls));
        } else {
            return n;
        }
    }
    return 0;
}

/* One record's worth: gnutls wants the same arguments after -EAGAIN. */
static int coroutine_fn nbd_co_tls_write(NBDClient *client, const void *buf,
                                         size_t len, size_t *done)
{
    for (;;) {
        ssize_t n;

        if (client->dead) {
            return -EPIPE;
        }
        n = qcrypto_tls_session_write(client->tls, buf, len);
        if (n >= 0) {
            *done = n;
            return 0;
        }
        if (n != -EAGAIN) {
            return n;
        }
        nbd_co_wait_io(client, true,
                       qcrypto_tls_session_want_write(client->tls));
    }
}

int coroutine_fn nbd_co_tls_sendv(NBDClient *client, struct iovec *iov,
                                  int niov)
{
    while (niov > 0) {
        size_t done = 0, fill = 0;
        int ret;

        if (iov->iov_len == 0) {
            iov++;
            niov--;
            continue;
        }
        if (iov->iov_len >= client->tls_buf_size || niov == 1) {
            /* Big payloads go straight from the caller's buffer. */
            ret = nbd_co_tls_write(client, iov->iov_base, iov->iov_len,
                                   &done);
            if (ret < 0) {
                return ret;
            }
            iov->iov_base = (uint8_t *)iov->iov_base + done;
            iov->iov_len -= done;
            continue;
        }
        /* Small pieces (reply headers) share a record with what follows. */
        while (niov > 0 && fill < client->tls_buf_size) {
            size_t n = MIN(iov->iov_len, client->tls_buf_size - fill);

            memcpy(client->tls_buf + fill, iov->iov_base, n);
            fill += n;
            iov->iov_base = (uint8_t *)iov->iov_base + n;
            iov->iov_len -= n;
            if (iov->iov_len == 0) {
                iov++;
                niov--;
            }
        }
        for (size_t off = 0; off < fill; off += done) {
            ret = nbd_co_tls_write(client, client->tls_buf + off, fill - off,
                                   &done);
            if (ret < 0) {
                return ret;
            }
        }
    }
    return 0;
}

void nbd_client_tls_free(NBDClient *client)
{
    g_clear_pointer(&client->tls, qcrypto_tls_session_free);
    g_clear_pointer(&client->tlscreds, qcrypto_tls_creds_unref);
    g_clear_pointer(&client->tlsauthz, g_free);
    g_clear_pointer(&client->tls_buf, g_free);
}
