/*
 * A gnutls session over a caller-owned non-blocking socket.  gnutls
 * reads and writes the fd through our push/pull functions (MSG_DONTWAIT,
 * and MSG_NOSIGNAL so a vanished peer is EPIPE rather than a signal);
 * GNUTLS_E_AGAIN comes back to the caller as -EAGAIN together with the
 * direction gnutls is waiting for, so the caller's event loop waits.
 */
#include "qemu/osdep.h"
#include "crypto/tlssession.h"
#include "crypto/authz.h"
#include <gnutls/x509.h>
#include <sys/socket.h>

struct QCryptoTLSSession {
    QCryptoTLSCreds *creds;
    char *authzid;          /* tls-authz: asked after x509 verification */
    gnutls_session_t handle;
    int fd;
    bool handshake_done;
};

static ssize_t tls_push(gnutls_transport_ptr_t opaque, const void *buf,
                        size_t len)
{
    QCryptoTLSSession *sess = opaque;
    ssize_t n = send(sess->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

    if (n < 0) {
        gnutls_transport_set_errno(sess->handle, errno);
    }
    return n;
}

static ssize_t tls_vec_push(gnutls_transport_ptr_t opaque,
                            const giovec_t *iov, int iovcnt)
{
    QCryptoTLSSession *sess = opaque;
    struct msghdr msg = { .msg_iov = (struct iovec *)iov,
                          .msg_iovlen = iovcnt };
    ssize_t n = sendmsg(sess->fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);

    if (n < 0) {
        gnutls_transport_set_errno(sess->handle, errno);
    }
    return n;
}

static ssize_t tls_pull(gnutls_transport_ptr_t opaque, void *buf, size_t len)
{
    QCryptoTLSSession *sess = opaque;
    ssize_t n = recv(sess->fd, buf, len, MSG_DONTWAIT);

    if (n < 0) {
        gnutls_transport_set_errno(sess->handle, errno);
    }
    return n;
}

QCryptoTLSSession *qcrypto_tls_session_new(QCryptoTLSCreds *creds,
                                           const char *authzid, int fd,
                                           Error **errp)
{
    QCryptoTLSSession *sess;
    g_autofree char *prio = NULL;
    const char *errpos = NULL;
    int ret;

    if (creds->endpoint != QCRYPTO_TLS_CREDS_ENDPOINT_SERVER) {
        error_setg(errp, "Expected TLS credentials for a server endpoint");
        return NULL;
    }
    sess = g_new0(QCryptoTLSSession, 1);
    sess->fd = fd;
    ret = gnutls_init(&sess->handle, GNUTLS_SERVER | GNUTLS_NONBLOCK);
    if (ret < 0) {
        error_setg(errp, "Cannot initialize TLS session: %s",
                   gnutls_strerror(ret));
        g_free(sess);
        return NULL;
    }
    sess->creds = creds;
    qcrypto_tls_creds_ref(creds);
    sess->authzid = g_strdup(authzid);

    prio = qcrypto_tls_creds_priority(creds);
    ret = gnutls_priority_set_direct(sess->handle, prio, &errpos);
    if (ret < 0) {
        error_setg(errp, "Unable to set TLS session priority %s: %s", prio,
                   gnutls_strerror(ret));
        goto fail;
    }
    switch (creds->type) {
    case QCRYPTO_TLS_CREDS_PSK:
        ret = gnutls_credentials_set(sess->handle, GNUTLS_CRD_PSK,
                                     creds->psk_server);
        break;
    case QCRYPTO_TLS_CREDS_ANON:
        ret = gnutls_credentials_set(sess->handle, GNUTLS_CRD_ANON,
                                     creds->anon_server);
        break;
    case QCRYPTO_TLS_CREDS_X509:
        ret = gnutls_credentials_set(sess->handle, GNUTLS_CRD_CERTIFICATE,
                                     creds->x509);
        if (ret == 0 && creds->verify_peer) {
            /* Asked for, then checked after the handshake, as QEMU. */
            gnutls_certificate_server_set_request(sess->handle,
                                                  GNUTLS_CERT_REQUEST);
        }
        break;
    }
    if (ret < 0) {
        error_setg(errp, "Cannot set session credentials: %s",
                   gnutls_strerror(ret));
        goto fail;
    }
    gnutls_transport_set_ptr(sess->handle, sess);
    gnutls_transport_set_push_function(sess->handle, tls_push);
    gnutls_transport_set_vec_push_function(sess->handle, tls_vec_push);
    gnutls_transport_set_pull_function(sess->handle, tls_pull);
    return sess;

fail:
    qcrypto_tls_session_free(sess);
    return NULL;
}

void qcrypto_tls_session_free(QCryptoTLSSession *sess)
{
    if (!sess) {
        return;
    }
    gnutls_deinit(sess->handle);
    qcrypto_tls_creds_unref(sess->creds);
    g_free(sess->authzid);
    g_free(sess);
}

/* The distinguished name of @cert as gnutls formats it ("CN=alice"). */
static char *tls_cert_dn(gnutls_x509_crt_t cert, Error **errp)
{
    size_t len = 256;
    char *dn = g_malloc(len);
    int ret;

    ret = gnutls_x509_crt_get_dn(cert, dn, &len);
    if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER) {
        dn = g_realloc(dn, len);
        ret = gnutls_x509_crt_get_dn(cert, dn, &len);
    }
    if (ret < 0) {
        error_setg(errp, "Cannot get client distinguished name: %s",
                   gnutls_strerror(ret));
        g_free(dn);
        return NULL;
    }
    return dn;
}

/* tls-authz, on the client certificate's DN, with QEMU's messages. */
static bool tls_check_authz(QCryptoTLSSession *sess, gnutls_x509_crt_t cert,
                            Error **errp)
{
    g_autofree char *dn = tls_cert_dn(cert, errp);
    Error *err = NULL;

    if (!dn) {
        return false;
    }
    if (qauthz_is_allowed_by_id(sess->authzid, dn, &err)) {
        return true;
    }
    if (err) {
        error_propagate(errp, err);
    } else {
        error_setg(errp, "TLS x509 authz check for %s is denied", dn);
    }
    return false;
}

/*
 * The checks QEMU makes once the handshake is through: x509 with
 * verify-peer only, and tls-authz only there (as in QEMU 7.2, PSK and
 * anonymous sessions are never asked).
 */
static bool tls_check_peer(QCryptoTLSSession *sess, Error **errp)
{
    const gnutls_datum_t *certs;
    unsigned int status = 0, ncerts = 0;
    time_t now = time(NULL);
    int ret;

    if (sess->creds->type != QCRYPTO_TLS_CREDS_X509 ||
        !sess->creds->verify_peer) {
        return true;
    }
    ret = gnutls_certificate_verify_peers2(sess->handle, &status);
    if (ret < 0) {
        error_setg(errp, "Verify failed: %s", gnutls_strerror(ret));
        return false;
    }
    if (status) {
        const char *why = "Invalid certificate";

        if (status & GNUTLS_CERT_INVALID) {
            why = "The certificate is not trusted";
        }
        if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
            why = "The certificate hasn't got a known issuer";
        }
        if (status & GNUTLS_CERT_REVOKED) {
            why = "The certificate has been revoked";
        }
        if (status & GNUTLS_CERT_INSECURE_ALGORITHM) {
            why = "The certificate uses an insecure algorithm";
        }
        error_setg(errp, "%s", why);
        return false;
    }
    certs = gnutls_certificate_get_peers(sess->handle, &ncerts);
    if (!certs || !ncerts) {
        error_setg(errp, "No certificate peers");
        return false;
    }
    for (unsigned i = 0; i < ncerts; i++) {
        gnutls_x509_crt_t cert;
        bool ok = false;

        if (gnutls_x509_crt_init(&cert) < 0) {
            error_setg(errp, "Cannot initialize certificate");
            return false;
        }
        if (gnutls_x509_crt_import(cert, &certs[i], GNUTLS_X509_FMT_DER) < 0) {
            error_setg(errp, "Cannot import certificate");
        } else if (gnutls_x509_crt_get_expiration_time(cert) < now) {
            error_setg(errp, "The peer certificate has expired");
        } else if (gnutls_x509_crt_get_activation_time(cert) > now) {
            error_setg(errp, "The peer certificate is not yet active");
        } else {
            /* The first certificate is the peer's own. */
            ok = i > 0 || !sess->authzid || tls_check_authz(sess, cert, errp);
        }
        gnutls_x509_crt_deinit(cert);
        if (!ok) {
            return false;
        }
    }
    return true;
}

int qcrypto_tls_session_handshake(QCryptoTLSSession *sess, Error **errp)
{
    int ret;

    if (sess->handshake_done) {
        return 0;
    }
    do {
        ret = gnutls_handshake(sess->handle);
    } while (ret < 0 && ret != GNUTLS_E_AGAIN && !gnutls_error_is_fatal(ret));
    if (ret == GNUTLS_E_AGAIN) {
        return -EAGAIN;
    }
    if (ret < 0) {
        error_setg(errp, "TLS handshake failed: %s", gnutls_strerror(ret));
        return -EIO;
    }
    if (!tls_check_peer(sess, errp)) {
        return -EACCES;
    }
    sess->handshake_done = true;
    return 0;
}

bool qcrypto_tls_session_want_write(QCryptoTLSSession *sess)
{
    return gnutls_record_get_direction(sess->handle) == 1;
}

static ssize_t tls_errno(ssize_t ret)
{
    switch (ret) {
    case GNUTLS_E_AGAIN:
    case GNUTLS_E_INTERRUPTED:
        return -EAGAIN;
    case GNUTLS_E_PREMATURE_TERMINATION:
        return -ECONNABORTED;
    default:
        return -EIO;
    }
}

ssize_t qcrypto_tls_session_read(QCryptoTLSSession *sess, void *buf,
                                 size_t len)
{
    ssize_t ret = gnutls_record_recv(sess->handle, buf, len);

    return ret >= 0 ? ret : tls_errno(ret);
}

ssize_t qcrypto_tls_session_write(QCryptoTLSSession *sess, const void *buf,
                                  size_t len)
{
    ssize_t ret = gnutls_record_send(sess->handle, buf, len);

    return ret >= 0 ? ret : tls_errno(ret);
}

size_t qcrypto_tls_session_record_size(QCryptoTLSSession *sess)
{
    return gnutls_record_get_max_size(sess->handle);
}
