/*
 * Stream sockets from a typed address: the one place that creates,
 * binds, listens on and connects sockets, for the NBD server, the
 * monitor's chardevs and the NBD client.  Messages are QEMU 7.2's.
 */
#ifndef QEMU_SOCKETS_H
#define QEMU_SOCKETS_H

#include <sys/socket.h>
#include "qapi/error.h"
#include "qemu/qdict.h"

typedef enum SocketAddressType {
    SOCKET_ADDRESS_TYPE_INET,
    SOCKET_ADDRESS_TYPE_UNIX,
    SOCKET_ADDRESS_TYPE_VSOCK,
    SOCKET_ADDRESS_TYPE_FD,
    SOCKET_ADDRESS_TYPE__MAX,
} SocketAddressType;

/* QEMU's SocketAddress, the members that change what we do. */
typedef struct SocketAddress {
    SocketAddressType type;
    char *host;         /* inet: host name or address; vsock: cid */
    char *port;         /* inet, vsock */
    char *path;         /* unix */
    bool abstract;      /* unix: Linux abstract namespace */
    bool tight;         /* unix abstract: length of the name, not sun_path */
    char *str;          /* fd: a file descriptor number */
} SocketAddress;

/* QAPI's names of SocketAddressType, indexed by it. */
extern const char *const socket_address_type_names[SOCKET_ADDRESS_TYPE__MAX];

/*
 * A flat SocketAddress ("type" plus the members of that type) that the
 * QAPI schema has validated, so members have their types.
 */
SocketAddress *socket_address_from_qdict(QDict *flat);
void socket_address_free(SocketAddress *addr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SocketAddress, socket_address_free)

/*
 * A listening socket (blocking, close-on-exec) with a backlog of @num.
 * A stale unix socket file is replaced.  Returns the fd or -1.
 */
int socket_listen(const SocketAddress *addr, int num, Error **errp);

/*
 * A connected socket (blocking, close-on-exec).  @peer, if not NULL,
 * receives the address that accepted, to connect there again later
 * (peer_len 0 for an fd address, which cannot be reconnected).  For an
 * fd address the caller's descriptor itself is returned.
 */
int socket_connect(const SocketAddress *addr, struct sockaddr_storage *peer,
                   socklen_t *peer_len, Error **errp);

/* Accept a client: non-blocking and close-on-exec; -1 with errno set. */
int socket_accept(int listen_fd);

/*
 * socket_accept() failed with @err for want of descriptors or memory:
 * the client stays queued and the listening socket readable, so polling
 * it again at once would spin.  Callers stop polling it for
 * SOCKET_ACCEPT_BACKOFF_NS; clients that leave meanwhile free what the
 * next accept needs.
 */
bool socket_accept_exhausted(int err);
#define SOCKET_ACCEPT_BACKOFF_NS (100 * 1000000LL)

#endif /* QEMU_SOCKETS_H */
