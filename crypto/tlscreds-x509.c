/*
 * tls-creds-x509: certificates from DIR (ca-cert.pem, optional
 * ca-crl.pem, server-cert.pem/server-key.pem or client-cert.pem/
 * client-key.pem, optional dh-params.pem).
 *
 * With sanity-check=on (the default) our own certificates are checked
 * at load time as QEMU does, so a wrong file is reported when the
 * object is created rather than as an obscure handshake failure later:
 * validity dates, CA basic constraints, key usage, key purpose, and
 * that our certificate chains to the CA.
 */
#include "qemu/osdep.h"
#include "crypto/tlscreds-priv.h"
#include <gnutls/x509.h>

#define X509_MAX_CA_CERTS 16

/* "The CA certificate", "The server certificate", "The client ..." */
static const char *cert_role(bool is_server, bool is_ca)
{
    return is_ca ? "CA" : is_server ? "server" : "client";
}

static bool check_times(gnutls_x509_crt_t cert, const char *file,
                        bool is_server, bool is_ca, Error **errp)
{
    time_t now = time(NULL);

    if (gnutls_x509_crt_get_expiration_time(cert) < now) {
        error_setg(errp, "The %s certificate %s has expired",
                   cert_role(is_server, is_ca), file);
        return false;
    }
    if (gnutls_x509_crt_get_activation_time(cert) > now) {
        error_setg(errp, "The %s certificate %s is not yet active",
                   cert_role(is_server, is_ca), file);
        return false;
    }
    return true;
}

static bool check_basic_constraints(gnutls_x509_crt_t cert, const char *file,
                                    bool is_server, bool is_ca, Error **errp)
{
    int st = gnutls_x509_crt_get_basic_constraints(cert, NULL, NULL, NULL);

    if (st > 0 && !is_ca) {
        error_setg(errp, "The certificate %s basic constraints show a CA, "
                   "but we need one for a %s", file,
                   is_server ? "server" : "client");
        return false;
    }
    if (st == 0 && is_ca) {
        error_setg(errp, "The certificate %s basic constraints do not show "
                   "a CA", file);
        return false;
    }
    if (st == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        if (is_ca) {
            error_setg(errp, "The certificate %s is missing basic "
                       "constraints for a CA", file);
            return false;
        }
    } else if (st < 0) {
        error_setg(errp, "Unable to query certificate %s basic constraints: "
                   "%s", file, gnutls_strerror(st));
        return false;
    }
    return true;
}

/* Only a critical key usage extension can forbid a use. */
static bool check_key_usage(gnutls_x509_crt_t cert, const char *file,
                            bool is_ca, Error **errp)
{
    unsigned int usage = 0, critical = 0;
    int st = gnutls_x509_crt_get_key_usage(cert, &usage, &critical);

    if (st == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
        return true;
    }
    if (st < 0) {
        error_setg(errp, "Unable to query certificate %s key usage: %s",
                   file, gnutls_strerror(st));
        return false;
    }
    if (!critical) {
        return true;
    }
    if (is_ca && !(usage & GNUTLS_KEY_KEY_CERT_SIGN)) {
        error_setg(errp, "Certificate %s usage does not permit certificate "
                   "signing", file);
        return false;
    }
    if (!is_ca && !(usage & GNUTLS_KEY_DIGITAL_SIGNATURE)) {
        error_setg(errp, "Certificate %s usage does not permit digital "
                   "signature", file);
        return false;
    }
    if (!is_ca && !(usage & GNUTLS_KEY_KEY_ENCIPHERMENT)) {
        error_setg(errp, "Certificate %s usage does not permit key "
                   "encipherment", file);
        return false;
    }
    return true;
}

static bool check_key_purpose(gnutls_x509_crt_t cert, const char *file,
                              bool is_server, Error **errp)
{
    bool allow_server = false, allow_client = false, critical = false;

    for (unsigned i = 0;; i++) {
        char oid[256];
        size_t size = sizeof(oid);
        unsigned int crit = 0;
        int st = gnutls_x509_crt_get_key_purpose_oid(cert, i, oid, &size,
                                                     &crit);

        if (st == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE) {
            if (i == 0) {
                return true;    /* no purposes: any use */
            }
            break;
        }
        if (st < 0) {
            error_setg(errp, "Unable to query certificate %s key purpose: %s",
                       file, gnutls_strerror(st));
            return false;
        }
        critical |= crit;
        if (!strcmp(oid, GNUTLS_KP_TLS_WWW_SERVER)) {
            allow_server = true;
        } else if (!strcmp(oid, GNUTLS_KP_TLS_WWW_CLIENT)) {
            allow_client = true;
        } else if (!strcmp(oid, GNUTLS_KP_ANY)) {
            allow_server = allow_client = true;
        }
    }
    if (critical && is_server && !allow_server) {
        error_setg(errp, "Certificate %s purpose does not allow use with a "
                   "TLS server", file);
        return false;
    }
    if (critical && !is_server && !allow_client) {
        error_setg(errp, "Certificate %s purpose does not allow use with a "
                   "TLS client", file);
        return false;
    }
    return true;
}

static bool check_cert(gnutls_x509_crt_t cert, const char *file,
                       bool is_server, bool is_ca, Error **errp)
{
    return check_times(cert, file, is_server, is_ca, errp) &&
           check_basic_constraints(cert, file, is_server, is_ca, errp) &&
           check_key_usage(cert, file, is_ca, errp) &&
           (is_ca || check_key_purpose(cert, file, is_server, errp));
}

static bool check_chain(gnutls_x509_crt_t cert, const char *file,
                        gnutls_x509_crt_t *cas, unsigned ncas,
                        const char *cafile, bool is_server, Error **errp)
{
    unsigned int status = 0;
    const char *why = "Invalid certificate";

    if (gnutls_x509_crt_list_verify(&cert, 1, cas, ncas, NULL, 0, 0,
                                    &status) < 0) {
        error_setg(errp, "Unable to verify %s certificate %s against CA "
                   "certificate %s", is_server ? "server" : "client", file,
                   cafile);
        return false;
    }
    if (!status) {
        return true;
    }
    /* The last matching reason wins, as in QEMU. */
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
    error_setg(errp, "Our own certificate %s failed validation against %s: "
               "%s", file, cafile, why);
    return false;
}

static gnutls_x509_crt_t load_cert(const char *file, bool is_server,
                                   Error **errp)
{
    g_autofree char *pem = NULL;
    gnutls_x509_crt_t cert = NULL;
    GError *gerr = NULL;
    gnutls_datum_t data;
    int ret;

    if (!g_file_get_contents(file, &pem, NULL, &gerr)) {
        error_setg(errp, "Cannot load CA cert list %s: %s", file,
                   gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    data.data = (unsigned char *)pem;
    data.size = strlen(pem);
    ret = gnutls_x509_crt_init(&cert);
    if (ret == 0) {
        ret = gnutls_x509_crt_import(cert, &data, GNUTLS_X509_FMT_PEM);
    }
    if (ret < 0) {
        error_setg(errp, "Unable to import %s certificate %s: %s",
                   is_server ? "server" : "client", file,
                   gnutls_strerror(ret));
        gnutls_x509_crt_deinit(cert);
        return NULL;
    }
    return cert;
}

static bool load_ca_list(const char *file, gnutls_x509_crt_t *cas,
                         unsigned *ncas, Error **errp)
{
    g_autofree char *pem = NULL;
    GError *gerr = NULL;
    gnutls_datum_t data;
    unsigned max = X509_MAX_CA_CERTS;

    *ncas = 0;
    if (!g_file_get_contents(file, &pem, NULL, &gerr)) {
        error_setg(errp, "Cannot load CA cert list %s: %s", file,
                   gerr->message);
        g_error_free(gerr);
        return false;
    }
    data.data = (unsigned char *)pem;
    data.size = strlen(pem);
    if (gnutls_x509_crt_list_import(cas, &max, &data, GNUTLS_X509_FMT_PEM,
                                    0) < 0) {
        error_setg(errp, "Unable to import CA certificate list %s", file);
        return false;
    }
    *ncas = max;
    return true;
}

static bool sanity_check(bool is_server, const char *cafile,
                         const char *certfile, Error **errp)
{
    gnutls_x509_crt_t cas[X509_MAX_CA_CERTS];
    gnutls_x509_crt_t cert = NULL;
    unsigned ncas = 0;
    bool ok = false;

    if (certfile && access(certfile, R_OK) == 0) {
        cert = load_cert(certfile, is_server, errp);
        if (!cert) {
            goto out;
        }
    }
    if (access(cafile, R_OK) == 0 && !load_ca_list(cafile, cas, &ncas, errp)) {
        goto out;
    }
    if (cert && !check_cert(cert, certfile, is_server, false, errp)) {
        goto out;
    }
    for (unsigned i = 0; i < ncas; i++) {
        if (!check_cert(cas[i], cafile, is_server, true, errp)) {
            goto out;
        }
    }
    if (cert && ncas &&
        !check_chain(cert, certfile, cas, ncas, cafile, is_server, errp)) {
        goto out;
    }
    ok = true;
out:
    if (cert) {
        gnutls_x509_crt_deinit(cert);
    }
    for (unsigned i = 0; i < ncas; i++) {
        gnutls_x509_crt_deinit(cas[i]);
    }
    return ok;
}

bool qcrypto_tls_creds_x509_load(QCryptoTLSCreds *creds,
                                 const char *passwordid, Error **errp)
{
    bool server = creds->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER;
    g_autofree char *cacert = NULL, *cacrl = NULL, *cert = NULL;
    g_autofree char *key = NULL, *password = NULL;
    bool ok = false;
    int ret;

    /* Servers need their certificate; a client's is optional. */
    if (!qcrypto_tls_creds_get_path(creds, QCRYPTO_TLS_CREDS_X509_CA_CERT,
                                    true, &cacert, errp) ||
        (server &&
         (!qcrypto_tls_creds_get_path(creds, QCRYPTO_TLS_CREDS_X509_CA_CRL,
                                      false, &cacrl, errp) ||
          !qcrypto_tls_creds_get_path(creds,
                                      QCRYPTO_TLS_CREDS_X509_SERVER_CERT,
                                      true, &cert, errp) ||
          !qcrypto_tls_creds_get_path(creds,
                                      QCRYPTO_TLS_CREDS_X509_SERVER_KEY,
                                      true, &key, errp))) ||
        (!server &&
         (!qcrypto_tls_creds_get_path(creds,
                                      QCRYPTO_TLS_CREDS_X509_CLIENT_CERT,
                                      false, &cert, errp) ||
          !qcrypto_tls_creds_get_path(creds,
                                      QCRYPTO_TLS_CREDS_X509_CLIENT_KEY,
                                      false, &key, errp)))) {
        goto out;
    }
    if (creds->sanity_check && !sanity_check(server, cacert, cert, errp)) {
        goto out;
    }
    ret = gnutls_certificate_allocate_credentials(&creds->x509);
    if (ret < 0) {
        error_setg(errp, "Cannot allocate credentials: '%s'",
                   gnutls_strerror(ret));
        goto out;
    }
    ret = gnutls_certificate_set_x509_trust_file(creds->x509, cacert,
                                                 GNUTLS_X509_FMT_PEM);
    if (ret < 0) {
        error_setg(errp, "Cannot load CA certificate '%s': %s", cacert,
                   gnutls_strerror(ret));
        goto out;
    }
    if (cert && key) {
        if (passwordid) {
            password = qcrypto_secret_lookup(passwordid, errp);
            if (!password) {
                goto out;
            }
        }
        ret = gnutls_certificate_set_x509_key_file2(creds->x509, cert, key,
                                                    GNUTLS_X509_FMT_PEM,
                                                    password, 0);
        if (ret < 0) {
            error_setg(errp, "Cannot load certificate '%s' & key '%s': %s",
                       cert, key, gnutls_strerror(ret));
            goto out;
        }
    }
    if (cacrl) {
        ret = gnutls_certificate_set_x509_crl_file(creds->x509, cacrl,
                                                   GNUTLS_X509_FMT_PEM);
        if (ret < 0) {
            error_setg(errp, "Cannot load CRL '%s': %s", cacrl,
                       gnutls_strerror(ret));
            goto out;
        }
    }
    if (server) {
        if (!qcrypto_tls_creds_load_dh(creds, errp)) {
            goto out;
        }
        if (creds->dh_params) {
            gnutls_certificate_set_dh_params(creds->x509, creds->dh_params);
        } else {
            gnutls_certificate_set_known_dh_params(creds->x509,
                                                   GNUTLS_SEC_PARAM_MEDIUM);
        }
    }
    ok = true;
out:
    return ok;
}
