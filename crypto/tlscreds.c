/*
 * User-creatable objects (--object, object-add) and the TLS credentials
 * types among them: property checks in QEMU's order and with its
 * messages, the id registry, lookups for consumers.
 *
 * Authorization objects (authz-simple, authz-list) are real too
 * (crypto/authz.c).  Objects of types we do not implement (secret,
 * throttle-group, ...) are kept as their option dict, so ids stay
 * unique across all types and a secret can serve as an x509 key
 * password.
 */
#include "qemu/osdep.h"
#include "crypto/tlscreds-priv.h"
#include "crypto/authz.h"
#include "qemu/cutils.h"
#include "qemu/option.h"
#include "qapi/util.h"

typedef struct UserObject {
    char *id;
    char *type;
    QDict *opts;              /* types we only record */
    QCryptoTLSCreds *creds;   /* tls-creds-*: the registry's reference */
    QAuthZ *authz;            /* authz-simple, authz-list */
} UserObject;

/* --object and object-add objects; main loop thread only. */
static GPtrArray *user_objects;

static UserObject *user_object_find(const char *id)
{
    if (!user_objects || !id) {
        return NULL;
    }
    for (guint i = 0; i < user_objects->len; i++) {
        UserObject *o = g_ptr_array_index(user_objects, i);

        if (!strcmp(o->id, id)) {
            return o;
        }
    }
    return NULL;
}

static void user_object_free(gpointer p)
{
    UserObject *o = p;

    if (o->creds) {
        qcrypto_tls_creds_unref(o->creds);
    }
    qauthz_free(o->authz);
    qobject_unref(o->opts);
    g_free(o->id);
    g_free(o->type);
    g_free(o);
}

/* ---------- Property parsing ---------- */

/* QEMU's keyval bool spellings; QMP sends JSON bools. */
static bool prop_get_bool(QDict *opts, const char *key, bool *val,
                          Error **errp)
{
    QObject *o = qdict_get(opts, key);

    if (!o) {
        return true;
    }
    if (json_is_boolean(o)) {
        *val = json_is_true(o);
        return true;
    }
    if (!json_is_string(o)) {
        error_setg(errp, QERR_INVALID_PARAMETER_TYPE, key, "boolean");
        return false;
    }
    return qemu_parse_bool(key, json_string_value(o), val, errp);
}

static bool prop_get_str(QDict *opts, const char *key, char **val,
                         Error **errp)
{
    QObject *o = qdict_get(opts, key);

    if (!o) {
        return true;
    }
    if (!json_is_string(o)) {
        error_setg(errp, QERR_INVALID_PARAMETER_TYPE, key, "string");
        return false;
    }
    g_free(*val);
    *val = g_strdup(json_string_value(o));
    return true;
}

/* QAPI's QCryptoTLSCredsEndpoint, indexed by the enum. */
static const char *const endpoint_names[] = {
    [QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT] = "client",
    [QCRYPTO_TLS_CREDS_ENDPOINT_SERVER] = "server",
};

/*
 * Properties in the order QEMU's schema lists them (TlsCredsProperties,
 * then the type's own), which is the order its checks fail in.
 */
static bool tls_creds_parse(QCryptoTLSCreds *creds, const char *type,
                            QDict *opts, char **passwordid, Error **errp)
{
    static const char *const common[] = {
        "qom-type", "id", "verify-peer", "dir", "endpoint", "priority",
        "loaded", NULL,
    };
    g_autofree char *endpoint = NULL;
    const char *key;
    QObject *val;
    bool loaded = false;

    if (!prop_get_bool(opts, "verify-peer", &creds->verify_peer, errp) ||
        !prop_get_str(opts, "dir", &creds->dir, errp) ||
        !prop_get_str(opts, "endpoint", &endpoint, errp) ||
        !prop_get_str(opts, "priority", &creds->priority, errp)) {
        return false;
    }
    if (endpoint) {
        int e = qapi_enum_parse_param("endpoint", endpoint_names,
                                      ARRAY_SIZE(endpoint_names), endpoint,
                                      errp);
        if (e < 0) {
            return false;
        }
        creds->endpoint = e;
    }
    if (!prop_get_bool(opts, "loaded", &loaded, errp)) {
        return false;
    }
    if (creds->type == QCRYPTO_TLS_CREDS_PSK &&
        !prop_get_str(opts, "username", &creds->username, errp)) {
        return false;
    }
    if (creds->type == QCRYPTO_TLS_CREDS_X509 &&
        (!prop_get_bool(opts, "sanity-check", &creds->sanity_check, errp) ||
         !prop_get_str(opts, "passwordid", passwordid, errp))) {
        return false;
    }
    qdict_foreach(opts, key, val) {
        bool known = g_strv_contains(common, key) ||
            (creds->type == QCRYPTO_TLS_CREDS_PSK && !strcmp(key, "username")) ||
            (creds->type == QCRYPTO_TLS_CREDS_X509 &&
             (!strcmp(key, "sanity-check") || !strcmp(key, "passwordid")));

        if (!known) {
            error_setg(errp, "Parameter '%s' is unexpected", key);
            return false;
        }
    }
    /* A read-only property: QEMU refuses it when it is set. */
    if (qdict_haskey(opts, "loaded")) {
        error_setg(errp, "Property '%s.loaded' is not writable", type);
        return false;
    }
    return true;
}

/* ---------- Registry ---------- */

static bool tls_creds_type(const char *type, QCryptoTLSCredsType *t)
{
    if (!strcmp(type, "tls-creds-psk")) {
        *t = QCRYPTO_TLS_CREDS_PSK;
    } else if (!strcmp(type, "tls-creds-x509")) {
        *t = QCRYPTO_TLS_CREDS_X509;
    } else if (!strcmp(type, "tls-creds-anon")) {
        *t = QCRYPTO_TLS_CREDS_ANON;
    } else {
        return false;
    }
    return true;
}

/* Properties only; loading comes after the id is known to be free. */
static QCryptoTLSCreds *tls_creds_new(const char *id, const char *type,
                                      QCryptoTLSCredsType t, QDict *opts,
                                      char **passwordid, Error **errp)
{
    QCryptoTLSCreds *creds = g_new0(QCryptoTLSCreds, 1);

    creds->id = g_strdup(id);
    creds->type = t;
    creds->endpoint = QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT;
    creds->verify_peer = true;
    creds->sanity_check = true;
    creds->refcnt = 1;
    if (!tls_creds_parse(creds, type, opts, passwordid, errp)) {
        qcrypto_tls_creds_unref(creds);
        return NULL;
    }
    return creds;
}

static bool tls_creds_load(QCryptoTLSCreds *creds, const char *passwordid,
                           Error **errp)
{
    switch (creds->type) {
    case QCRYPTO_TLS_CREDS_PSK:
        return qcrypto_tls_creds_psk_load(creds, errp);
    case QCRYPTO_TLS_CREDS_X509:
        return qcrypto_tls_creds_x509_load(creds, passwordid, errp);
    case QCRYPTO_TLS_CREDS_ANON:
        if (creds->endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT) {
            if (gnutls_anon_allocate_client_credentials(&creds->anon_client)) {
                error_setg(errp, "Cannot allocate credentials");
                return false;
            }
            return true;
        }
        if (gnutls_anon_allocate_server_credentials(&creds->anon_server)) {
            error_setg(errp, "Cannot allocate credentials");
            return false;
        }
        if (!qcrypto_tls_creds_load_dh(creds, errp)) {
            return false;
        }
        if (creds->dh_params) {
            gnutls_anon_set_server_dh_params(creds->anon_server,
                                             creds->dh_params);
        } else {
            gnutls_anon_set_server_known_dh_params(creds->anon_server,
                                                   GNUTLS_SEC_PARAM_MEDIUM);
        }
        return true;
    }
    return false;
}

bool user_creatable_add_tool(const char *type, QDict *opts, ObjectTool tool,
                             Error **errp)
{
    g_autofree char *passwordid = NULL;
    QCryptoTLSCredsType t;
    const char *id;
    UserObject *o;

    if (!type) {
        type = qdict_get_try_str(opts, "qom-type");
        if (!type) {
            error_setg(errp, QERR_MISSING_PARAMETER, "qom-type");
            return false;
        }
    }
    if (!object_type_in_schema(type, errp)) {
        return false;
    }
    id = qdict_get_try_str(opts, "id");
    if (!id) {
        error_setg(errp, QERR_MISSING_PARAMETER, "id");
        return false;
    }
    /*
     * QEMU's order: the properties, the id, whether this program has
     * the type, its completion (loading files), then the id's use.
     */
    o = g_new0(UserObject, 1);
    if (tls_creds_type(type, &t)) {
        o->creds = tls_creds_new(id, type, t, opts, &passwordid, errp);
        if (!o->creds) {
            goto fail;
        }
    } else if (qauthz_is_type(type)) {
        o->authz = qauthz_new(type, opts, errp);
        if (!o->authz) {
            goto fail;
        }
    } else {
        if (!object_type_check(type, opts, errp)) {
            goto fail;
        }
        o->opts = qdict_clone_shallow(opts);
    }
    if (!id_wellformed(id)) {
        error_setg(errp, QERR_INVALID_PARAMETER_VALUE, "id", "an identifier");
        error_append_hint(errp, "Identifiers consist of letters, digits, "
                          "'-', '.', '_', starting with a letter.\n");
        goto fail;
    }
    if (!object_type_complete(type, opts, tool, errp)) {
        goto fail;
    }
    if (user_object_find(id)) {
        error_setg(errp, "attempt to add duplicate property '%s' to object "
                   "(type 'container')", id);
        goto fail;
    }
    if (o->creds && !tls_creds_load(o->creds, passwordid, errp)) {
        goto fail;
    }
    o->id = g_strdup(id);
    o->type = g_strdup(type);
    if (!user_objects) {
        user_objects = g_ptr_array_new_with_free_func(user_object_free);
    }
    g_ptr_array_add(user_objects, o);
    return true;

fail:
    user_object_free(o);
    return false;
}

bool user_creatable_add_str(const char *optarg, Error **errp)
{
    return user_creatable_add_cmdline(optarg, OBJECT_TOOL_DAEMON, errp);
}

const char *user_creatable_type(const char *id)
{
    UserObject *o = user_object_find(id);

    return o ? o->type : NULL;
}

QAuthZ *user_creatable_get_authz(const char *id)
{
    UserObject *o = user_object_find(id);

    return o ? o->authz : NULL;
}

void user_creatable_cleanup(void)
{
    if (user_objects) {
        g_ptr_array_free(user_objects, true);
        user_objects = NULL;
    }
}

char *qcrypto_secret_lookup(const char *id, Error **errp)
{
    UserObject *o = user_object_find(id);
    const char *data, *file;
    char *contents = NULL;
    GError *gerr = NULL;

    if (!o || !o->opts || strcmp(o->type, "secret")) {
        error_setg(errp, "No secret with id '%s'", id);
        return NULL;
    }
    data = qdict_get_try_str(o->opts, "data");
    file = qdict_get_try_str(o->opts, "file");
    if (data) {
        return g_strdup(data);
    }
    if (file && !g_file_get_contents(file, &contents, NULL, &gerr)) {
        error_setg(errp, "Unable to read %s: %s", file, gerr->message);
        g_error_free(gerr);
        return NULL;
    }
    if (!contents) {
        error_setg(errp, "Either 'data' or 'file' must be provided");
    }
    return contents;
}

/* ---------- Consumers ---------- */

QCryptoTLSCreds *qcrypto_tls_creds_lookup(const char *id,
                                          QCryptoTLSCredsEndpoint endpoint,
                                          Error **errp)
{
    UserObject *o = user_object_find(id);

    if (!o) {
        error_setg(errp, "No TLS credentials with id '%s'", id);
        return NULL;
    }
    if (!o->creds) {
        error_setg(errp, "Object with id '%s' is not TLS credentials", id);
        return NULL;
    }
    if (o->creds->endpoint != endpoint) {
        error_setg(errp, "Expected TLS credentials for a %s endpoint",
                   endpoint == QCRYPTO_TLS_CREDS_ENDPOINT_SERVER ?
                   "server" : "client");
        return NULL;
    }
    qcrypto_tls_creds_ref(o->creds);
    return o->creds;
}

void qcrypto_tls_creds_ref(QCryptoTLSCreds *creds)
{
    creds->refcnt++;
}

void qcrypto_tls_creds_unref(QCryptoTLSCreds *creds)
{
    if (!creds) {
        return;
    }
    assert(creds->refcnt > 0);
    if (--creds->refcnt > 0) {
        return;
    }
    qcrypto_tls_creds_unload(creds);
    g_free(creds->id);
    g_free(creds->dir);
    g_free(creds->priority);
    g_free(creds->username);
    g_free(creds);
}

char *qcrypto_tls_creds_path(QCryptoTLSCreds *creds, const char *name)
{
    /* No normalisation: QEMU prints "DIR/NAME" even for "DIR/". */
    return g_strdup_printf("%s/%s", creds->dir ? creds->dir : "", name);
}

bool qcrypto_tls_creds_get_path(QCryptoTLSCreds *creds, const char *name,
                                bool required, char **path, Error **errp)
{
    *path = NULL;
    if (!creds->dir) {
        if (required) {
            error_setg(errp, "Missing 'dir' property value");
            return false;
        }
        return true;
    }
    *path = qcrypto_tls_creds_path(creds, name);
    if (access(*path, R_OK) < 0) {
        if (errno == ENOENT && !required) {
            g_clear_pointer(path, g_free);
            return true;
        }
        error_setg(errp, "Unable to access credentials %s: %s", *path,
                   strerror(errno));
        g_clear_pointer(path, g_free);
        return false;
    }
    return true;
}

bool qcrypto_tls_creds_load_dh(QCryptoTLSCreds *creds, Error **errp)
{
    g_autofree char *path = NULL;
    g_autofree char *pem = NULL;
    GError *gerr = NULL;
    gnutls_datum_t data;
    gsize len;
    int ret;

    if (!qcrypto_tls_creds_get_path(creds, QCRYPTO_TLS_CREDS_DH_PARAMS,
                                    false, &path, errp)) {
        return false;
    }
    if (!path) {
        return true;            /* gnutls' well-known groups serve */
    }
    if (!g_file_get_contents(path, &pem, &len, &gerr)) {
        error_setg(errp, "Cannot load DH parameters from %s: %s", path,
                   gerr->message);
        g_error_free(gerr);
        return false;
    }
    data.data = (unsigned char *)pem;
    data.size = len;
    ret = gnutls_dh_params_init(&creds->dh_params);
    if (ret == 0) {
        ret = gnutls_dh_params_import_pkcs3(creds->dh_params, &data,
                                            GNUTLS_X509_FMT_PEM);
    }
    if (ret < 0) {
        error_setg(errp, "Unable to load DH parameters from %s: %s", path,
                   gnutls_strerror(ret));
        return false;
    }
    return true;
}

char *qcrypto_tls_creds_priority(QCryptoTLSCreds *creds)
{
    const char *base = creds->priority ? creds->priority : "NORMAL";

    switch (creds->type) {
    case QCRYPTO_TLS_CREDS_PSK:
        return g_strdup_printf("%s:+ECDHE-PSK:+DHE-PSK:+PSK", base);
    case QCRYPTO_TLS_CREDS_ANON:
        return g_strdup_printf("%s:+ANON-ECDH:+ANON-DH", base);
    default:
        return g_strdup(base);
    }
}

void qcrypto_tls_creds_unload(QCryptoTLSCreds *creds)
{
    if (creds->psk_server) {
        gnutls_psk_free_server_credentials(creds->psk_server);
        creds->psk_server = NULL;
    }
    if (creds->psk_client) {
        gnutls_psk_free_client_credentials(creds->psk_client);
        creds->psk_client = NULL;
    }
    if (creds->x509) {
        gnutls_certificate_free_credentials(creds->x509);
        creds->x509 = NULL;
    }
    if (creds->anon_server) {
        gnutls_anon_free_server_credentials(creds->anon_server);
        creds->anon_server = NULL;
    }
    if (creds->anon_client) {
        gnutls_anon_free_client_credentials(creds->anon_client);
        creds->anon_client = NULL;
    }
    if (creds->dh_params) {
        gnutls_dh_params_deinit(creds->dh_params);
        creds->dh_params = NULL;
    }
}
