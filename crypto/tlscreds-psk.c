/*
 * tls-creds-psk: pre-shared keys from DIR/keys.psk, one "user:hexkey"
 * line per user (the format psktool writes).  A server hands the file
 * to gnutls, which looks the client's user up per handshake; a client
 * takes the key of its one user at load time.
 */
#include "qemu/osdep.h"
#include "crypto/tlscreds-priv.h"

/* The hex key of @user in @path; g_free() it. */
static char *psk_lookup_key(const char *path, const char *user, Error **errp)
{
    g_autofree char *contents = NULL;
    g_auto(GStrv) lines = NULL;
    size_t ulen = strlen(user);
    GError *gerr = NULL;

    if (!g_file_get_contents(path, &contents, NULL, &gerr)) {
        error_setg(errp, "Cannot read PSK file %s: %s", path, gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    lines = g_strsplit(contents, "\n", -1);
    for (int i = 0; lines[i]; i++) {
        if (!strncmp(lines[i], user, ulen) && lines[i][ulen] == ':') {
            return g_strdup(lines[i] + ulen + 1);
        }
    }
    error_setg(errp, "Username %s not found in PSK file %s", user, path);
    return NULL;
}

bool qcrypto_tls_creds_psk_load(QCryptoTLSCreds *creds, Error **errp)
{
    g_autofree char *path = NULL;
    g_autofree char *key = NULL;
    const char *user;
    gnutls_datum_t datum;
    int ret;

    if (creds->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER) {
        if (creds->username) {
            error_setg(errp, "username should not be set when "
                       "endpoint=server");
            return false;
        }
        if (!qcrypto_tls_creds_get_path(creds, QCRYPTO_TLS_CREDS_PSKFILE,
                                        true, &path, errp)) {
            return false;
        }
        ret = gnutls_psk_allocate_server_credentials(&creds->psk_server);
        if (ret < 0) {
            error_setg(errp, "Cannot allocate credentials: %s",
                       gnutls_strerror(ret));
            return false;
        }
        if (!qcrypto_tls_creds_load_dh(creds, errp)) {
            return false;
        }
        ret = gnutls_psk_set_server_credentials_file(creds->psk_server, path);
        if (ret < 0) {
            error_setg(errp, "Cannot load PSK file %s: %s", path,
                       gnutls_strerror(ret));
            return false;
        }
        if (creds->dh_params) {
            gnutls_psk_set_server_dh_params(creds->psk_server,
                                            creds->dh_params);
        } else {
            gnutls_psk_set_server_known_dh_params(creds->psk_server,
                                                  GNUTLS_SEC_PARAM_MEDIUM);
        }
        return true;
    }

    if (!qcrypto_tls_creds_get_path(creds, QCRYPTO_TLS_CREDS_PSKFILE, true,
                                    &path, errp)) {
        return false;
    }
    user = creds->username ? creds->username : QCRYPTO_TLS_CREDS_PSK_DEFAULT_USER;
    key = psk_lookup_key(path, user, errp);
    if (!key) {
        return false;
    }
    ret = gnutls_psk_allocate_client_credentials(&creds->psk_client);
    if (ret < 0) {
        error_setg(errp, "Cannot allocate credentials: %s",
                   gnutls_strerror(ret));
        return false;
    }
    datum.data = (unsigned char *)key;
    datum.size = strlen(key);
    ret = gnutls_psk_set_client_credentials(creds->psk_client, user, &datum,
                                            GNUTLS_PSK_KEY_HEX);
    if (ret < 0) {
        error_setg(errp, "Cannot set PSK client credentials: %s",
                   gnutls_strerror(ret));
        return false;
    }
    return true;
}
