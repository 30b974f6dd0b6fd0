/*
 * Internals shared by crypto/tlscreds*.c: file lookup inside "dir",
 * DH parameters and the per-type load/unload steps.
 */
#ifndef CRYPTO_TLSCREDS_PRIV_H
#define CRYPTO_TLSCREDS_PRIV_H

#include "crypto/tlscreds.h"

/*
 * "DIR/NAME" in *@path when the file is readable.  A missing file is an
 * error only when @required ("Unable to access credentials ..."); no
 * dir at all is "Missing 'dir' property value" when @required.
 */
bool qcrypto_tls_creds_get_path(QCryptoTLSCreds *creds, const char *name,
                                bool required, char **path, Error **errp);
/* dh-params.pem if the directory has one (server endpoints). */
bool qcrypto_tls_creds_load_dh(QCryptoTLSCreds *creds, Error **errp);
/*
 * crypto/objects.c, for the registry: "Parameter 'qom-type' does not
 * accept value" unless @type is in QEMU's schema; the properties of
 * types without checks of their own; and the last checks before the
 * object exists (the type in this tool, secret files, ...).
 */
bool object_type_in_schema(const char *type, Error **errp);
bool object_type_check(const char *type, QDict *opts, Error **errp);
bool object_type_complete(const char *type, QDict *opts, ObjectTool tool,
                          Error **errp);
/* The data of secret object @id (x509 passwordid). */
char *qcrypto_secret_lookup(const char *id, Error **errp);

bool qcrypto_tls_creds_psk_load(QCryptoTLSCreds *creds, Error **errp);
bool qcrypto_tls_creds_x509_load(QCryptoTLSCreds *creds,
                                 const char *passwordid, Error **errp);
/* Frees whatever gnutls state the load left, any type. */
void qcrypto_tls_creds_unload(QCryptoTLSCreds *creds);

#endif
