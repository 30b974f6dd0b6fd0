/*
 * nbd client: options and filenames.  Legacy filenames and top-level
 * host/port/path are turned into server.*, which is then read into
 * BDRVNBDState the way QEMU's flat SocketAddress visitor would; the
 * remaining runtime options are checked here too.  Kept apart from the
 * connection code in nbd.c, which only sees the parsed state.
 */
#include "qemu/osdep.h"
#include "config-host.h"
#include "nbd-client.h"
#include "qapi/util.h"

#ifdef CONFIG_LIBNBD

#define NBD_DEFAULT_PORT       10809
#define NBD_MAX_STRING_SIZE    4096
#define EN_OPTSTR              ":exportname="

static const QemuOptDesc nbd_runtime_opt_desc[] = {
    { .name = "host", .type = QEMU_OPT_STRING, .help = "TCP host to connect to" },
    { .name = "port", .type = QEMU_OPT_STRING, .help = "TCP port to connect to" },
    { .name = "path", .type = QEMU_OPT_STRING,
      .help = "Unix socket path to connect to" },
    { .name = "export", .type = QEMU_OPT_STRING,
      .help = "Name of the NBD export to open" },
    { .name = "tls-creds", .type = QEMU_OPT_STRING,
      .help = "ID of the TLS credentials to use" },
    { .name = "tls-hostname", .type = QEMU_OPT_STRING,
      .help = "Override hostname for validating TLS x509 certificate" },
    { .name = "x-dirty-bitmap", .type = QEMU_OPT_STRING,
      .help = "experimental: expose named dirty bitmap in place of "
              "block status" },
    { .name = "reconnect-delay", .type = QEMU_OPT_NUMBER,
      .help = "seconds requests wait for a reconnect" },
    { .name = "open-timeout", .type = QEMU_OPT_NUMBER,
      .help = "seconds to retry the first connection" },
    { .name = "x-dead-link-timeout", .type = QEMU_OPT_NUMBER,
      .help = "seconds after which an unresponsive TCP peer is dropped" },
    { .name = NULL }
};

static const QemuOptsList nbd_runtime_opts = {
    .name = "nbd",
    .desc = nbd_runtime_opt_desc,
};

/* ---------- Filenames ---------- */

static void nbd_put_inet(QDict *options, const char *host, const char *port)
{
    qdict_put_str(options, "server.type", "inet");
    qdict_put_str(options, "server.host", host);
    qdict_put_str(options, "server.port", port);
}

/*
 * "nbd[+tcp|+unix]://[host[:port]][/export][?socket=path]", parsed by
 * GLib's g_uri_parse() with the rules of QEMU's nbd_parse_uri(): the
 * scheme compares case-sensitively, the export is the decoded path
 * without its leading '/', and the query has exactly one parameter
 * (socket=, decoded) for nbd+unix and none otherwise.
 */
static int nbd_parse_uri(const char *filename, QDict *options)
{
    g_autofree char *scheme = g_strndup(filename,
                                        strstr(filename, "://") - filename);
    g_autoptr(GUri) uri = g_uri_parse(filename, G_URI_FLAGS_ENCODED_QUERY,
                                      NULL);
    g_auto(GStrv) params = NULL;
    g_autofree char *socket_path = NULL;
    const char *host, *path, *query;
    int nparams = 0;
    bool is_unix;

    if (!strcmp(scheme, "nbd") || !strcmp(scheme, "nbd+tcp")) {
        is_unix = false;
    } else if (!strcmp(scheme, "nbd+unix")) {
        is_unix = true;
    } else {
        return -EINVAL;
    }
    if (!uri) {
        return -EINVAL;
    }

    path = g_uri_get_path(uri);
    if (*path == '/') {
        path++;
    }
    if (*path) {
        qdict_put_str(options, "export", path);
    }

    query = g_uri_get_query(uri);
    params = g_strsplit(query ? query : "", "&", -1);
    for (int i = 0; params[i]; i++) {
        const char *eq = strchr(params[i], '=');

        if (!params[i][0]) {
            continue;
        }
        nparams++;
        if (eq && eq - params[i] == strlen("socket") &&
            g_str_has_prefix(params[i], "socket")) {
            g_free(socket_path);
            socket_path = g_uri_unescape_string(eq + 1, NULL);
        }
    }
    if (nparams != is_unix) {
        return -EINVAL;
    }

    host = g_uri_get_host(uri);
    if (host && !*host) {
        host = NULL;
    }
    if (is_unix) {
        if (host || g_uri_get_port(uri) > 0 || !socket_path) {
            return -EINVAL;
        }
        qdict_put_str(options, "server.type", "unix");
        qdict_put_str(options, "server.path", socket_path);
    } else {
        g_autofree char *port = NULL;

        if (!host) {
            return -EINVAL;
        }
        /* GLib has taken the brackets off an IPv6 literal already. */
        port = g_strdup_printf("%d", g_uri_get_port(uri) > 0 ?
                               g_uri_get_port(uri) : NBD_DEFAULT_PORT);
        nbd_put_inet(options, host, port);
    }
    return 0;
}

/* QEMU's inet_parse() for "host:port", "[v6]:port". */
static bool nbd_inet_parse(const char *str, char **host, char **port,
                           Error **errp)
{
    const char *colon;

    if (str[0] == '[') {
        const char *rb = strchr(str, ']');
        if (!rb || rb[1] != ':' || !rb[2]) {
            error_setg(errp, "error parsing IPv6 address '%s'", str);
            return false;
        }
        *host = g_strndup(str + 1, rb - str - 1);
        *port = g_strdup(rb + 2);
        return true;
    }
    colon = strrchr(str, ':');
    if (!colon || !colon[1]) {
        error_setg(errp, "error parsing address '%s'", str);
        return false;
    }
    *host = g_strndup(str, colon - str);
    *port = g_strdup(colon + 1);
    return true;
}

void nbd_parse_filename(const char *filename, QDict *options,
                        Error **errp)
{
    g_autofree char *file = NULL;
    const char *key, *host_spec;
    char *export_name;
    QObject *val;

    qdict_foreach(options, key, val) {
        if (!strcmp(key, "host") || !strcmp(key, "port") ||
            !strcmp(key, "path") || !strcmp(key, "export") ||
            g_str_has_prefix(key, "server.")) {
            error_setg(errp, "Option '%s' cannot be used with a file name",
                       key);
            return;
        }
    }

    if (strstr(filename, "://")) {
        if (nbd_parse_uri(filename, options) < 0) {
            error_setg(errp, "No valid URL specified");
        }
        return;
    }

    file = g_strdup(filename);
    export_name = strstr(file, EN_OPTSTR);
    if (export_name) {
        if (export_name[strlen(EN_OPTSTR)] == '\0') {
            return;
        }
        *export_name = '\0';
        qdict_put_str(options, "export", export_name + strlen(EN_OPTSTR));
    }

    if (!g_str_has_prefix(file, "nbd:")) {
        error_setg(errp, "File name string for NBD must start with 'nbd:'");
        return;
    }
    host_spec = file + 4;
    if (!*host_spec) {
        return;
    }
    if (g_str_has_prefix(host_spec, "unix:")) {
        qdict_put_str(options, "server.type", "unix");
        qdict_put_str(options, "server.path", host_spec + 5);
    } else {
        g_autofree char *host = NULL;
        g_autofree char *port = NULL;
        if (nbd_inet_parse(host_spec, &host, &port, errp)) {
            nbd_put_inet(options, host, port);
        }
    }
}

void nbd_refresh_filename(BlockDriverState *bs)
{
    BDRVNBDState *s = bs->opaque;
    const char *path = NULL, *host = NULL;
    size_t len = 0;

    if (s->addr.type == SOCKET_ADDRESS_TYPE_UNIX) {
        path = s->addr.path;
    } else if (s->addr.type == SOCKET_ADDRESS_TYPE_INET && s->plain_inet) {
        host = s->addr.host;
    }
    if (path) {
        len = snprintf(bs->exact_filename, sizeof(bs->exact_filename),
                       s->export ? "nbd+unix:///%s?socket=%s"
                                 : "nbd+unix://%s?socket=%s",
                       s->export ? s->export : "", path);
    } else if (host) {
        len = snprintf(bs->exact_filename, sizeof(bs->exact_filename),
                       s->export ? "nbd://%s:%s/%s" : "nbd://%s:%s%s",
                       host, s->addr.port, s->export ? s->export : "");
    }
    if (len >= sizeof(bs->exact_filename)) {
        bs->exact_filename[0] = '\0';
    }
}

/* ---------- Options ---------- */

/* Legacy top-level host/port/path become server.* as in QEMU. */
static bool nbd_process_legacy_socket_options(QDict *options, QemuOpts *opts,
                                              Error **errp)
{
    const char *path = qemu_opt_get(opts, "path");
    const char *host = qemu_opt_get(opts, "host");
    const char *port = qemu_opt_get(opts, "port");
    const char *key;
    QObject *val;

    if (!path && !host && !port) {
        return true;
    }
    qdict_foreach(options, key, val) {
        if (g_str_has_prefix(key, "server.")) {
            error_setg(errp, "Cannot use 'server' and path/host/port at the "
                       "same time");
            return false;
        }
    }
    if (path && host) {
        error_setg(errp, "path and host may not be used at the same time");
        return false;
    }
    if (path) {
        if (port) {
            error_setg(errp, "port may not be used without host");
            return false;
        }
        qdict_put_str(options, "server.type", "unix");
        qdict_put_str(options, "server.path", path);
    } else if (host) {
        g_autofree char *def = g_strdup_printf("%d", NBD_DEFAULT_PORT);
        nbd_put_inet(options, host, port ? port : def);
    }
    return true;
}

typedef struct NBDAddrMember {
    const char *name;
    bool required;
    bool is_bool;
} NBDAddrMember;

/* Members of each SocketAddress variant, in QAPI schema order. */
static const NBDAddrMember nbd_inet_members[] = {
    { "host", true, false }, { "port", true, false },
    { "numeric", false, true }, { "to", false, false },
    { "ipv4", false, true }, { "ipv6", false, true },
    { "keep-alive", false, true }, { "mptcp", false, true }, { NULL },
};
static const NBDAddrMember nbd_unix_members[] = {
    { "path", true, false }, { "abstract", false, true },
    { "tight", false, true }, { NULL },
};
static const NBDAddrMember nbd_vsock_members[] = {
    { "cid", true, false }, { "port", true, false }, { NULL },
};
static const NBDAddrMember nbd_fd_members[] = {
    { "str", true, false }, { NULL },
};

/* Each SocketAddressType's members. */
static const NBDAddrMember *const nbd_addr_members[] = {
    [SOCKET_ADDRESS_TYPE_INET] = nbd_inet_members,
    [SOCKET_ADDRESS_TYPE_UNIX] = nbd_unix_members,
    [SOCKET_ADDRESS_TYPE_VSOCK] = nbd_vsock_members,
    [SOCKET_ADDRESS_TYPE_FD] = nbd_fd_members,
};

static char *nbd_addr_get(QDict *addr, const char *key)
{
    QObject *o = qdict_get(addr, key);

    return o ? qobject_to_opt_string(o) : NULL;
}

/* Visit "server.*" like QEMU's flat SocketAddress input visitor. */
static bool nbd_config(BDRVNBDState *s, QDict *options, Error **errp)
{
    g_autoptr(QObject) addr = NULL;
    const NBDAddrMember *members;
    g_autofree char *type = NULL;
    const char *key;
    QObject *val;
    bool ok = false;
    int t;

    qdict_extract_subqdict(options, &addr, "server.");
    if (!qdict_size(addr)) {
        error_setg(errp, "NBD server address missing");
        return false;
    }
    qdict_foreach(addr, key, val) {
        const char *dot = strchr(key, '.');
        if (dot) {
            g_autofree char *head = g_strndup(key, dot - key);
            if (qdict_haskey(addr, head)) {
                error_setg(errp, "Cannot mix scalar and non-scalar keys");
                return false;
            }
        }
    }
    type = nbd_addr_get(addr, "type");
    if (!type) {
        error_setg(errp, QERR_MISSING_PARAMETER, "type");
        return false;
    }
    t = qapi_enum_parse_param("type", socket_address_type_names,
                              SOCKET_ADDRESS_TYPE__MAX, type, errp);
    if (t < 0) {
        return false;
    }
    s->addr.type = t;
    members = nbd_addr_members[t];
    qdict_del(addr, "type");

    s->addr.tight = true;
    s->plain_inet = true;
    for (const NBDAddrMember *m = members; m->name; m++) {
        g_autofree char *v = nbd_addr_get(addr, m->name);
        bool b = false;

        if (!v) {
            if (m->required) {
                error_setg(errp, QERR_MISSING_PARAMETER, m->name);
                goto out;
            }
            continue;
        }
        qdict_del(addr, m->name);
        if (m->is_bool && !qemu_parse_bool(m->name, v, &b, errp)) {
            goto out;
        }
        if (!strcmp(m->name, "path")) {
            s->addr.path = g_steal_pointer(&v);
        } else if (!strcmp(m->name, "host") || !strcmp(m->name, "cid")) {
            s->addr.host = g_steal_pointer(&v);
        } else if (!strcmp(m->name, "str")) {
            s->addr.str = g_steal_pointer(&v);
        } else if (!strcmp(m->name, "port")) {
            s->addr.port = g_steal_pointer(&v);
        } else if (!strcmp(m->name, "abstract")) {
            s->addr.abstract = b;
        } else if (!strcmp(m->name, "tight")) {
            s->addr.tight = b;
        } else if (!strcmp(m->name, "to") || !strcmp(m->name, "ipv4") ||
                   !strcmp(m->name, "ipv6")) {
            s->plain_inet = false;
        }
    }
    qdict_foreach(addr, key, val) {
        g_autofree char *head = g_strndup(key, strcspn(key, "."));
        error_setg(errp, "Parameter '%s' is unexpected", head);
        goto out;
    }
    ok = true;
out:
    return ok;
}

/*
 * tls-creds: QEMU's lookup and messages; the TLS itself is libnbd's,
 * configured per handle in nbd_set_tls_options().
 */
static bool nbd_check_tls_creds(BDRVNBDState *s, const char *id,
                                Error **errp)
{
    s->tlscreds = qcrypto_tls_creds_lookup(id,
                                           QCRYPTO_TLS_CREDS_ENDPOINT_CLIENT,
                                           errp);
    if (!s->tlscreds) {
        return false;
    }
    if (s->tlscreds->type == QCRYPTO_TLS_CREDS_ANON) {
        /* libnbd offers certificates and PSK, not anonymous TLS. */
        error_setg(errp, "TLS credentials '%s': tls-creds-anon is not "
                   "supported by the nbd driver (libnbd)", id);
        g_clear_pointer(&s->tlscreds, qcrypto_tls_creds_unref);
        return false;
    }
    return true;
}

int nbd_process_options(BDRVNBDState *s, QDict *options, Error **errp)
{
    g_autoptr(QemuOpts) opts = qemu_opts_create(&nbd_runtime_opts);
    const char *v;

    if (!qemu_opts_absorb_qdict(opts, options, errp)) {
        return -EINVAL;
    }
    if (!nbd_process_legacy_socket_options(options, opts, errp)) {
        return -EINVAL;
    }
    if (!nbd_config(s, options, errp)) {
        return -EINVAL;
    }

    v = qemu_opt_get(opts, "export");
    if (v && strlen(v) > NBD_MAX_STRING_SIZE) {
        error_setg(errp, "export name too long to send to server");
        return -EINVAL;
    }
    s->export = g_strdup(v);

    v = qemu_opt_get(opts, "tls-creds");
    if (v) {
        s->tls_creds = g_strdup(v);
        if (!nbd_check_tls_creds(s, v, errp)) {
            return -EINVAL;
        }
        v = qemu_opt_get(opts, "tls-hostname");
        s->tls_hostname = g_strdup(v ? v : s->addr.type == SOCKET_ADDRESS_TYPE_INET ?
                                   s->addr.host : NULL);
    }

    v = qemu_opt_get(opts, "x-dirty-bitmap");
    if (v && strlen(v) > NBD_MAX_STRING_SIZE) {
        error_setg(errp, "x-dirty-bitmap query too long to send to server");
        return -EINVAL;
    }
    s->x_dirty_bitmap = g_strdup(v);
    s->meta_context = v ? g_strdup_printf("qemu:dirty-bitmap:%s", v)
                        : g_strdup("base:allocation");

    s->reconnect_delay = qemu_opt_get_number(opts, "reconnect-delay", 0);
    s->open_timeout = qemu_opt_get_number(opts, "open-timeout", 0);
    s->dead_link_timeout = qemu_opt_get_number(opts, "x-dead-link-timeout",
                                               0);
    if (s->dead_link_timeout > 3600) {
        error_setg(errp, "x-dead-link-timeout must be at most 3600 seconds");
        return -EINVAL;
    }
    return 0;
}

#endif /* CONFIG_LIBNBD */
