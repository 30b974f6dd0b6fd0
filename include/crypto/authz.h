/*
 * Authorization objects, as QEMU's authz-simple and authz-list: they
 * decide whether an identity a TLS session proved (the distinguished
 * name of an x509 client certificate, as gnutls_x509_crt_get_dn()
 * formats it) may go on.  A TLS server names one by id (tls-authz)
 * and looks it up at each handshake.
 *
 * authz-simple admits exactly one identity.  authz-list walks its
 * rules in order; the first whose "match" fits (exact string, or a
 * glob with '*' and '?') decides, else its "policy" does (default
 * deny).
 */
#ifndef CRYPTO_AUTHZ_H
#define CRYPTO_AUTHZ_H

#include "qemu/qdict.h"

typedef struct QAuthZ QAuthZ;

/* Is @type an authorization object we implement (simple, list)? */
bool qauthz_is_type(const char *type);

/*
 * The object of @type from @opts (qom-type and id are the caller's):
 * flat keyval strings ("rules.0.match") or nested JSON values.  QEMU's
 * checks and messages, in its order: "Parameter 'identity' is missing",
 * "Parameter 'rules.0.policy' is missing", "Parameter 'policy' does not
 * accept value 'x'", "Parameter 'x' is unexpected".  The types QEMU
 * 7.2 cannot create (authz-listfile, authz-pam) are crypto/objects.c's.
 */
QAuthZ *qauthz_new(const char *type, QDict *opts, Error **errp);
void qauthz_free(QAuthZ *authz);

bool qauthz_is_allowed(QAuthZ *authz, const char *identity);

/*
 * The decision of the object @authzid, found in the object registry.
 * false with @errp set when it is not there ("Cannot find QAuthZ
 * object ID X") or not an authorization object ("Object 'X' is not a
 * QAuthZ subclass"); false with @errp untouched when it says no.
 */
bool qauthz_is_allowed_by_id(const char *authzid, const char *identity,
                             Error **errp);

#endif
