/*
 * Private to the nbd client driver: the state shared by block/nbd.c
 * (connection and requests) and block/nbd-opts.c (options and
 * filenames), which parses into it.  Not the server's nbd/nbd-internal.h.
 */
#ifndef BLOCK_NBD_CLIENT_H
#define BLOCK_NBD_CLIENT_H

#include "block/block_int.h"
#include "crypto/tlscreds.h"
#include "qemu/sockets.h"

struct nbd_handle;              /* libnbd's; only nbd.c needs its API */
struct NBDReq;

typedef enum NBDClientState {
    NBD_CLIENT_CONNECTED,
    NBD_CLIENT_CONNECTING_WAIT,     /* requests wait for the reconnect */
    NBD_CLIENT_CONNECTING_NOWAIT,   /* requests fail at once */
    NBD_CLIENT_QUIT,
} NBDClientState;

typedef struct BDRVNBDState BDRVNBDState;

struct BDRVNBDState {
    BlockDriverState *bs;
    struct nbd_handle *nbd;     /* NULL while disconnected */
    NBDClientState state;
    int fd;                     /* registered with the event loop, or -1 */
    unsigned fd_dir;            /* LIBNBD_AIO_DIRECTION_* registered */
    bool connecting;            /* s->nbd is a reconnection attempt */

    SocketAddress addr;         /* server.*: what the user gave */
    bool plain_inet;            /* no ipv4/ipv6/to: filename can show it */
    struct sockaddr_storage sa; /* connected at open, reused to reconnect */
    socklen_t sa_len;
    char *export;
    char *tls_creds;
    char *tls_hostname;
    QCryptoTLSCreds *tlscreds;  /* our reference while open */
    char *x_dirty_bitmap;
    char *meta_context;         /* what block status asks for */
    uint64_t reconnect_delay;
    uint64_t open_timeout;
    uint64_t dead_link_timeout; /* s: a silent TCP peer counts as gone */
    char *server_msg;           /* last handshake error text of the server */
    bool info_bs_seen;          /* NBD_INFO_BLOCK_SIZE seen in the handshake */
    uint32_t info_bs[3];        /* ... as sent: min, preferred, max */

    /*
     * What the server offered at the first handshake.  @size is negative
     * (-EFBIG, or -EPERM for 2^64-1) when the server's does not fit the
     * block layer; nbd_getlength() then fails the open.
     */
    int64_t size;
    bool can_flush, can_fua, can_trim, can_zero, can_fast_zero;
    bool read_only;
    bool base_allocation;
    uint32_t min_block, max_block;

    QTAILQ_HEAD(, NBDReq) inflight;
    QTAILQ_HEAD(, NBDReq) completed;   /* done, owner not yet woken */
    CoQueue reconnect_waiters;
    QEMUTimer *reconnect_timer;        /* next attempt */
    QEMUTimer *delay_timer;            /* reconnect-delay expiry */
    QEMUTimer *attempt_timer;          /* a hung attempt is dropped */
};

/* nbd-opts.c */
void nbd_parse_filename(const char *filename, QDict *options, Error **errp);
void nbd_refresh_filename(BlockDriverState *bs);
int nbd_process_options(BDRVNBDState *s, QDict *options, Error **errp);

#endif /* BLOCK_NBD_CLIENT_H */
