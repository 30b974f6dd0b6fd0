/*
 * Stream sockets from a typed address (QEMU's util/qemu-sockets.c
 * interface): listen, connect and accept for unix, inet, vsock and fd
 * addresses.  Everything here blocks; callers that sit in the event
 * loop make the descriptors they keep non-blocking.
 */
#include "qemu/osdep.h"
#include <sys/un.h>
#include <netdb.h>
#include <linux/vm_sockets.h>
#include "qemu/cutils.h"
#include "qemu/sockets.h"

const char *const socket_address_type_names[SOCKET_ADDRESS_TYPE__MAX] = {
    [SOCKET_ADDRESS_TYPE_INET] = "inet",
    [SOCKET_ADDRESS_TYPE_UNIX] = "unix",
    [SOCKET_ADDRESS_TYPE_VSOCK] = "vsock",
    [SOCKET_ADDRESS_TYPE_FD] = "fd",
};

SocketAddress *socket_address_from_qdict(QDict *flat)
{
    SocketAddress *addr = g_new0(SocketAddress, 1);
    const char *type = qdict_get_str(flat, "type");

    for (addr->type = 0; addr->type < SOCKET_ADDRESS_TYPE__MAX;
         addr->type++) {
        if (!strcmp(type, socket_address_type_names[addr->type])) {
            break;
        }
    }
    assert(addr->type < SOCKET_ADDRESS_TYPE__MAX);
    addr->host = g_strdup(qdict_get_try_str(flat,
                          addr->type == SOCKET_ADDRESS_TYPE_VSOCK ?
                          "cid" : "host"));
    addr->port = g_strdup(qdict_get_try_str(flat, "port"));
    addr->path = g_strdup(qdict_get_try_str(flat, "path"));
    addr->abstract = qdict_get_try_bool(flat, "abstract", false);
    addr->tight = qdict_get_try_bool(flat, "tight", true);
    addr->str = g_strdup(qdict_get_try_str(flat, "str"));
    return addr;
}

void socket_address_free(SocketAddress *addr)
{
    if (!addr) {
        return;
    }
    g_free(addr->host);
    g_free(addr->port);
    g_free(addr->path);
    g_free(addr->str);
    g_free(addr);
}

/* The sockaddr of a unix address, abstract or not. */
static bool unix_sockaddr(const SocketAddress *addr, struct sockaddr_un *un,
                          socklen_t *len, Error **errp)
{
    size_t n = strlen(addr->path);

    /* Room for the leading NUL of an abstract name or the trailing one. */
    if (n + 1 > sizeof(un->sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", addr->path);
        error_append_hint(errp, "Path must be less than %zu bytes\n",
                          sizeof(un->sun_path));
        return false;
    }
    memset(un, 0, sizeof(*un));
    un->sun_family = AF_UNIX;
    *len = sizeof(*un);
    if (addr->abstract) {
        memcpy(un->sun_path + 1, addr->path, n);
        if (addr->tight) {
            *len = offsetof(struct sockaddr_un, sun_path) + 1 + n;
        }
    } else {
        memcpy(un->sun_path, addr->path, n);
    }
    return true;
}

/* A vsock cid or port as QEMU takes it: decimal, 32 bits, no '-'. */
static bool vsock_parse_u32(const char *str, unsigned int *val)
{
    uint64_t v;

    if (strchr(str, '-') || qemu_strtou64(str, NULL, 10, &v) < 0 ||
        v > UINT32_MAX) {
        return false;
    }
    *val = v;
    return true;
}

/* Checked, not strtoul(): port 4294967297 would be port 1. */
static bool vsock_sockaddr(const SocketAddress *addr, struct sockaddr_vm *vm,
                           Error **errp)
{
    memset(vm, 0, sizeof(*vm));
    vm->svm_family = AF_VSOCK;
    if (!vsock_parse_u32(addr->host, &vm->svm_cid)) {
        error_setg(errp, "Failed to parse cid '%s'", addr->host);
        return false;
    }
    if (!vsock_parse_u32(addr->port, &vm->svm_port)) {
        error_setg(errp, "Failed to parse port '%s'", addr->port);
        return false;
    }
    return true;
}

/* An fd address as QEMU reads it without a monitor: a number. */
static int socket_get_fd(const char *str, Error **errp)
{
    struct stat st;
    int64_t fd;

    if (qemu_strtoi64(str, NULL, 10, &fd) < 0 || fd < 0 || fd > INT_MAX) {
        error_setg(errp, "Unable to parse FD number %s", str);
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode)) {
        error_setg(errp, "File descriptor '%s' is not a socket", str);
        return -1;
    }
    return fd;
}

/* A socket bound to @sa, not listening yet; @path names a unix socket. */
static int bind_sa(const struct sockaddr *sa, socklen_t len, const char *path,
                   Error **errp)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        error_setg_errno(errp, errno, sa->sa_family == AF_UNIX ?
                         "Failed to create Unix socket" :
                         "Failed to create socket");
        return -1;
    }
    if (bind(fd, sa, len) < 0) {
        if (path) {
            error_setg_errno(errp, errno, "Failed to bind socket to %s",
                             path);
        } else {
            error_setg_errno(errp, errno, "Failed to bind socket");
        }
        close(fd);
        return -1;
    }
    return fd;
}

static int listen_sa(const struct sockaddr *sa, socklen_t len, int num,
                     Error **errp)
{
    int fd = bind_sa(sa, len, NULL, errp);

    if (fd >= 0 && listen(fd, num) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        close(fd);
        return -1;
    }
    return fd;
}

/*
 * A unix socket file is owner-only (0600) whatever the umask: whoever
 * may connect to the monitor or an export owns the daemon's data.  The
 * mode changes between bind() and listen(), so nobody can connect while
 * it is wider (connect() is refused until listen()).  No umask() dance:
 * it is process-wide and would narrow files that other threads create
 * meanwhile.  AT_SYMLINK_NOFOLLOW: a symlink put in its place by someone
 * who can write the directory is not followed.
 */
static int unix_listen(const SocketAddress *addr, int num, Error **errp)
{
    struct sockaddr_un un;
    socklen_t len;
    int fd;

    if (!unix_sockaddr(addr, &un, &len, errp)) {
        return -1;
    }
    if (addr->abstract) {
        /* No file: the abstract namespace has no permissions. */
        return listen_sa((struct sockaddr *)&un, len, num, errp);
    }
    /*
     * An empty path would bind an abstract name of NULs that anybody
     * may connect to.  QEMU invents /tmp/qemu-socket-XXXXXX; we have no
     * query-chardev to tell where, so refuse (docs/reliability.md).
     */
    if (!*addr->path) {
        error_setg(errp, QERR_MISSING_PARAMETER, "path");
        return -1;
    }
    /* A stale socket file from an earlier run would make bind fail. */
    if (unlink(addr->path) < 0 && errno != ENOENT) {
        error_setg_errno(errp, errno, "Failed to unlink socket %s",
                         addr->path);
        return -1;
    }
    fd = bind_sa((struct sockaddr *)&un, len, addr->path, errp);
    if (fd < 0) {
        return -1;
    }
    if (fchmodat(AT_FDCWD, addr->path, S_IRUSR | S_IWUSR,
                 AT_SYMLINK_NOFOLLOW) < 0) {
        error_setg_errno(errp, errno, "Failed to set the mode of socket %s",
                         addr->path);
        goto fail;
    }
    if (listen(fd, num) < 0) {
        error_setg_errno(errp, errno, "Failed to listen on socket");
        goto fail;
    }
    return fd;
fail:
    close(fd);
    unlink(addr->path);
    return -1;
}

/*
 * getaddrinfo(), but a numeric port above 65535 is refused as a bad
 * service: glibc keeps its low 16 bits, so that 65537 would be port 1
 * (QEMU listens and connects there).
 */
static int inet_getaddrinfo(const char *host, const char *port,
                            const struct addrinfo *hints,
                            struct addrinfo **res)
{
    uint64_t v;

    /* Not a number (a service name): getaddrinfo() decides. */
    if (port && qemu_strtou64(port, NULL, 10, &v) != -EINVAL && v > 65535) {
        return EAI_SERVICE;
    }
    return getaddrinfo(host, port, hints, res);
}

static int inet_listen(const SocketAddress *addr, int num, Error **errp)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC,
        .ai_socktype = SOCK_STREAM,
        .ai_flags = AI_PASSIVE,
    };
    const char *host = addr->host && *addr->host ? addr->host : NULL;
    const char *port = addr->port && *addr->port ? addr->port : NULL;
    struct addrinfo *res = NULL, *ai;
    int fd = -1, rc, saved_errno = 0, one = 1;

    /*
     * An empty host is loopback, where QEMU listens on every address:
     * reaching an export or a monitor from the network must be asked
     * for (docs/reliability.md).  One socket, so one address: IPv4's,
     * which "localhost" resolves to everywhere.  Neither host nor port
     * stays QEMU's resolution error.
     */
    rc = inet_getaddrinfo(host || !port ? host : "127.0.0.1", port, &hints,
                          &res);
    if (rc != 0) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   host ? host : "", port ? port : "", gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
                    ai->ai_protocol);
        if (fd < 0) {
            saved_errno = errno;
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
            listen(fd, num) == 0) {
            break;
        }
        saved_errno = errno;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, saved_errno, "Failed to bind socket");
    }
    return fd;
}

static int vsock_listen(const SocketAddress *addr, int num, Error **errp)
{
    struct sockaddr_vm vm;

    if (!vsock_sockaddr(addr, &vm, errp)) {
        return -1;
    }
    return listen_sa((struct sockaddr *)&vm, sizeof(vm), num, errp);
}

int socket_listen(const SocketAddress *addr, int num, Error **errp)
{
    int fd;

    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_UNIX:
        return unix_listen(addr, num, errp);
    case SOCKET_ADDRESS_TYPE_INET:
        return inet_listen(addr, num, errp);
    case SOCKET_ADDRESS_TYPE_VSOCK:
        return vsock_listen(addr, num, errp);
    case SOCKET_ADDRESS_TYPE_FD:
        fd = socket_get_fd(addr->str, errp);
        if (fd >= 0 && listen(fd, num) < 0) {
            error_setg_errno(errp, errno, "Failed to listen on fd socket");
            return -1;
        }
        return fd;
    default:
        g_assert_not_reached();
    }
}

/* -errno on failure; on success @peer holds @sa. */
static int connect_sa(const struct sockaddr *sa, socklen_t len,
                      struct sockaddr_storage *peer, socklen_t *peer_len)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, sa, len) < 0) {
        int err = errno;
        close(fd);
        return -err;
    }
    if (peer) {
        memcpy(peer, sa, len);
        *peer_len = len;
    }
    return fd;
}

static int inet_connect(const SocketAddress *addr,
                        struct sockaddr_storage *peer, socklen_t *peer_len,
                        Error **errp)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_ADDRCONFIG };
    struct addrinfo *res = NULL;
    int fd = -ECONNREFUSED;
    int rc = inet_getaddrinfo(addr->host, addr->port, &hints, &res);

    if (rc) {
        error_setg(errp, "address resolution failed for %s:%s: %s",
                   addr->host, addr->port, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        fd = connect_sa(ai->ai_addr, ai->ai_addrlen, peer, peer_len);
        if (fd >= 0) {
            break;
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, -fd, "Failed to connect to '%s:%s'",
                         addr->host, addr->port);
        return -1;
    }
    return fd;
}

int socket_connect(const SocketAddress *addr, struct sockaddr_storage *peer,
                   socklen_t *peer_len, Error **errp)
{
    union {
        struct sockaddr_un un;
        struct sockaddr_vm vm;
    } u;
    socklen_t len;
    int fd;

    switch (addr->type) {
    case SOCKET_ADDRESS_TYPE_UNIX:
        if (!unix_sockaddr(addr, &u.un, &len, errp)) {
            return -1;
        }
        fd = connect_sa((struct sockaddr *)&u.un, len, peer, peer_len);
        if (fd < 0) {
            error_setg_errno(errp, -fd, "Failed to connect to '%s'",
                             addr->path);
            return -1;
        }
        return fd;
    case SOCKET_ADDRESS_TYPE_INET:
        return inet_connect(addr, peer, peer_len, errp);
    case SOCKET_ADDRESS_TYPE_VSOCK:
        if (!vsock_sockaddr(addr, &u.vm, errp)) {
            return -1;
        }
        fd = connect_sa((struct sockaddr *)&u.vm, sizeof(u.vm), peer,
                        peer_len);
        if (fd < 0) {
            error_setg_errno(errp, -fd, "Failed to connect to '%s:%s'",
                             addr->host, addr->port);
            return -1;
        }
        return fd;
    case SOCKET_ADDRESS_TYPE_FD:
        fd = socket_get_fd(addr->str, errp);
        if (fd >= 0 && peer) {
            *peer_len = 0;
        }
        return fd;
    default:
        g_assert_not_reached();
    }
}

int socket_accept(int listen_fd)
{
    return accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
}

bool socket_accept_exhausted(int err)
{
    return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM;
}
