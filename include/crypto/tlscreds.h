/*
 * TLS credentials objects, as QEMU's tls-creds-psk, tls-creds-x509 and
 * tls-creds-anon, and the small object registry that --object and
 * object-add fill.
 *
 * A credentials object loads its files when it is created (QEMU's
 * "complete" step), so every file error shows up on the command line
 * that names the object, with QEMU's messages.  Consumers (the NBD
 * server, the nbd block driver) look objects up by id and hold a
 * reference while they use them.
 */
#ifndef CRYPTO_TLSCREDS_H
#define CRYPTO_TLSCREDS_H

#include "qemu/qdict.h"
#include "crypto/authz.h"
#include <gnutls/gnutls.h>

typedef enum QCryptoTLSCredsEndpoint {
    QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT,
    QCRYPTO_TLS_CREDS_ENDPOINT_SERVER,
} QCryptoTLSCredsEndpoint;

typedef enum QCryptoTLSCredsType {
    QCRYPTO_TLS_CREDS_ANON,
    QCRYPTO_TLS_CREDS_PSK,
    QCRYPTO_TLS_CREDS_X509,
} QCryptoTLSCredsType;

/* File names inside "dir", as QEMU and libnbd expect them. */
#define QCRYPTO_TLS_CREDS_DH_PARAMS          "dh-params.pem"
#define QCRYPTO_TLS_CREDS_PSKFILE            "keys.psk"
#define QCRYPTO_TLS_CREDS_X509_CA_CERT       "ca-cert.pem"
#define QCRYPTO_TLS_CREDS_X509_CA_CRL        "ca-crl.pem"
#define QCRYPTO_TLS_CREDS_X509_SERVER_CERT   "server-cert.pem"
#define QCRYPTO_TLS_CREDS_X509_SERVER_KEY    "server-key.pem"
#define QCRYPTO_TLS_CREDS_X509_CLIENT_CERT   "client-cert.pem"
#define QCRYPTO_TLS_CREDS_X509_CLIENT_KEY    "client-key.pem"

/* The PSK user a client presents when "username" is not given. */
#define QCRYPTO_TLS_CREDS_PSK_DEFAULT_USER   "qemu"

typedef struct QCryptoTLSCreds {
    char *id;
    QCryptoTLSCredsType type;
    QCryptoTLSCredsEndpoint endpoint;
    char *dir;
    char *priority;           /* NULL: "NORMAL" */
    bool verify_peer;         /* x509: ask for and check the peer's cert */
    char *username;           /* psk client; NULL: "qemu" */
    bool sanity_check;        /* x509: check our own certs at load */
    int refcnt;
    /* gnutls credentials; which member depends on type and endpoint */
    gnutls_psk_server_credentials_t psk_server;
    gnutls_psk_client_credentials_t psk_client;
    gnutls_certificate_credentials_t x509;
    gnutls_anon_server_credentials_t anon_server;
    gnutls_anon_client_credentials_t anon_client;
    gnutls_dh_params_t dh_params;   /* from dh-params.pem, if present */
} QCryptoTLSCreds;

/* ---------- Object registry (--object, object-add, object-del) ---------- */

/* The program whose --object rules apply (crypto/objects.c). */
typedef enum ObjectTool {
    OBJECT_TOOL_IO,         /* qemu-io: no iothread, no main-loop */
    OBJECT_TOOL_IMG,        /* qemu-img: no iothread */
    OBJECT_TOOL_DAEMON,     /* qemu-storage-daemon: every type */
} ObjectTool;

/* user_creatable_add_opts() with @tool's set of types. */
bool user_creatable_add_tool(const char *type, QDict *opts, ObjectTool tool,
                             Error **errp);
/*
 * An --object argument, as QEMU 7.2's tools take it: keyval
 * ("secret,id=s,data=x", qom-type implied) or JSON ("{...}").  "help"
 * prints the types @tool has (or TYPE,help its properties) and exits.
 * Errors have no "--object" prefix: the daemon adds its own.
 */
bool user_creatable_add_cmdline(const char *optarg, ObjectTool tool,
                                Error **errp);
/* The same for the daemon's set of types. */
bool user_creatable_add_str(const char *optarg, Error **errp);
/* The qom-type of object @id, NULL when there is none. */
const char *user_creatable_type(const char *id);
/* The authorization object @id; NULL if there is none of that id. */
QAuthZ *user_creatable_get_authz(const char *id);
/* Drop every object (process exit; leak checkers). */
void user_creatable_cleanup(void);

/* ---------- Credentials for consumers ---------- */

/*
 * The credentials with @id for use as @endpoint, with a new reference.
 * QEMU's messages: "No TLS credentials with id 'X'", "Object with id
 * 'X' is not TLS credentials", "Expected TLS credentials for a server
 * endpoint" (or client).
 */
QCryptoTLSCreds *qcrypto_tls_creds_lookup(const char *id,
                                          QCryptoTLSCredsEndpoint endpoint,
                                          Error **errp);
void qcrypto_tls_creds_ref(QCryptoTLSCreds *creds);
void qcrypto_tls_creds_unref(QCryptoTLSCreds *creds);
/* "DIR/NAME" (g_free it). */
char *qcrypto_tls_creds_path(QCryptoTLSCreds *creds, const char *name);
/* The gnutls priority string to use, with the key exchanges of @creds. */
char *qcrypto_tls_creds_priority(QCryptoTLSCreds *creds);

#endif
