/*
 * One TLS session over a non-blocking socket, driven by the caller's
 * event loop: every call returns -EAGAIN instead of blocking, and
 * qcrypto_tls_session_want_write() says which readiness to wait for
 * before calling again with the same arguments.
 */
#ifndef CRYPTO_TLSSESSION_H
#define CRYPTO_TLSSESSION_H

#include "crypto/tlscreds.h"

typedef struct QCryptoTLSSession QCryptoTLSSession;

/*
 * A session for @creds' endpoint over @fd (not owned; never closed
 * here).  Only server sessions are needed so far: the nbd client
 * driver's TLS is libnbd's.  @authzid (may be NULL) names the
 * authorization object that must admit the client certificate's DN;
 * it is looked up at the handshake, as QEMU does.
 */
QCryptoTLSSession *qcrypto_tls_session_new(QCryptoTLSCreds *creds,
                                           const char *authzid, int fd,
                                           Error **errp);
void qcrypto_tls_session_free(QCryptoTLSSession *sess);

/*
 * Advance the handshake: 0 when it is complete and the peer passed the
 * checks of the credentials (x509 verify-peer, then the authz object),
 * -EAGAIN to be called again when the socket is ready, -EIO with @errp
 * set on failure (-EACCES when the peer was refused), with QEMU's
 * texts ("TLS handshake failed: ...", "Verify failed: ...", "TLS x509
 * authz check for CN=mallory is denied").
 */
int qcrypto_tls_session_handshake(QCryptoTLSSession *sess, Error **errp);
/* After -EAGAIN: wait for writability (true) or readability (false). */
bool qcrypto_tls_session_want_write(QCryptoTLSSession *sess);

/*
 * Record I/O.  Bytes transferred (read: 0 at a clean end of stream),
 * -EAGAIN, or another -errno.  After -EAGAIN a write must be repeated
 * with the same data.
 */
ssize_t qcrypto_tls_session_read(QCryptoTLSSession *sess, void *buf,
                                 size_t len);
ssize_t qcrypto_tls_session_write(QCryptoTLSSession *sess, const void *buf,
                                  size_t len);
/* Most plaintext bytes worth handing to one write (one TLS record). */
size_t qcrypto_tls_session_record_size(QCryptoTLSSession *sess);

#endif
