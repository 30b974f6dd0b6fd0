/*
 * NBD: wire constants of the NBD protocol (doc/proto.md of the NBD
 * project) and the server interface the storage daemon drives.
 *
 * All values on the wire are big-endian.  The server runs entirely on
 * the single-threaded event loop: one coroutine per connection reads
 * requests, one coroutine per request does the I/O and sends the reply.
 */
#ifndef BLOCK_NBD_H
#define BLOCK_NBD_H

#include "block/block.h"
#include "sysemu/block-backend.h"
#include "qemu/sockets.h"

/* ---------- Handshake ---------- */

#define NBD_INIT_MAGIC          0x4e42444d41474943ULL  /* "NBDMAGIC" */
#define NBD_OPTS_MAGIC          0x49484156454F5054ULL  /* "IHAVEOPT" */
#define NBD_CLIENT_MAGIC        0x0000420281861253ULL  /* oldstyle */
#define NBD_REP_MAGIC           0x0003e889045565a9ULL

/* Handshake flags (server -> client, 16 bits). */
#define NBD_FLAG_FIXED_NEWSTYLE (1 << 0)
#define NBD_FLAG_NO_ZEROES      (1 << 1)

/* Client flags (client -> server, 32 bits). */
#define NBD_FLAG_C_FIXED_NEWSTYLE (1 << 0)
#define NBD_FLAG_C_NO_ZEROES      (1 << 1)

/* Options. */
#define NBD_OPT_EXPORT_NAME       1
#define NBD_OPT_ABORT             2
#define NBD_OPT_LIST              3
#define NBD_OPT_PEEK_EXPORT       4   /* withdrawn */
#define NBD_OPT_STARTTLS          5
#define NBD_OPT_INFO              6
#define NBD_OPT_GO                7
#define NBD_OPT_STRUCTURED_REPLY  8
#define NBD_OPT_LIST_META_CONTEXT 9
#define NBD_OPT_SET_META_CONTEXT  10
#define NBD_OPT_EXTENDED_HEADERS  11

/* Option replies. */
#define NBD_REP_ERR(v)          ((UINT32_C(1) << 31) | (v))
#define NBD_REP_ACK             1
#define NBD_REP_SERVER          2
#define NBD_REP_INFO            3
#define NBD_REP_META_CONTEXT    4
#define NBD_REP_ERR_UNSUP       NBD_REP_ERR(1)
#define NBD_REP_ERR_POLICY      NBD_REP_ERR(2)
#define NBD_REP_ERR_INVALID     NBD_REP_ERR(3)
#define NBD_REP_ERR_PLATFORM    NBD_REP_ERR(4)
#define NBD_REP_ERR_TLS_REQD    NBD_REP_ERR(5)
#define NBD_REP_ERR_UNKNOWN     NBD_REP_ERR(6)
#define NBD_REP_ERR_SHUTDOWN    NBD_REP_ERR(7)
#define NBD_REP_ERR_BLOCK_SIZE_REQD NBD_REP_ERR(8)
#define NBD_REP_ERR_TOO_BIG     NBD_REP_ERR(9)

/* NBD_OPT_INFO / NBD_OPT_GO information types. */
#define NBD_INFO_EXPORT         0
#define NBD_INFO_NAME           1
#define NBD_INFO_DESCRIPTION    2
#define NBD_INFO_BLOCK_SIZE     3

/* Transmission flags (16 bits, per export). */
#define NBD_FLAG_HAS_FLAGS         (1 << 0)
#define NBD_FLAG_READ_ONLY         (1 << 1)
#define NBD_FLAG_SEND_FLUSH        (1 << 2)
#define NBD_FLAG_SEND_FUA          (1 << 3)
#define NBD_FLAG_ROTATIONAL        (1 << 4)
#define NBD_FLAG_SEND_TRIM         (1 << 5)
#define NBD_FLAG_SEND_WRITE_ZEROES (1 << 6)
#define NBD_FLAG_SEND_DF           (1 << 7)
#define NBD_FLAG_CAN_MULTI_CONN    (1 << 8)
#define NBD_FLAG_SEND_RESIZE       (1 << 9)
#define NBD_FLAG_SEND_CACHE        (1 << 10)
#define NBD_FLAG_SEND_FAST_ZERO    (1 << 11)

/* ---------- Transmission ---------- */

#define NBD_REQUEST_MAGIC           0x25609513
#define NBD_SIMPLE_REPLY_MAGIC      0x67446698
#define NBD_STRUCTURED_REPLY_MAGIC  0x668e33ef

#define NBD_REQUEST_SIZE            28   /* magic, flags, type, handle, offset, length */
#define NBD_SIMPLE_REPLY_SIZE       16
#define NBD_STRUCTURED_REPLY_SIZE   20

/* Command flags. */
#define NBD_CMD_FLAG_FUA        (1 << 0)
#define NBD_CMD_FLAG_NO_HOLE    (1 << 1)
#define NBD_CMD_FLAG_DF         (1 << 2)
#define NBD_CMD_FLAG_REQ_ONE    (1 << 3)
#define NBD_CMD_FLAG_FAST_ZERO  (1 << 4)

/* Commands. */
#define NBD_CMD_READ            0
#define NBD_CMD_WRITE           1
#define NBD_CMD_DISC            2
#define NBD_CMD_FLUSH           3
#define NBD_CMD_TRIM            4
#define NBD_CMD_CACHE           5
#define NBD_CMD_WRITE_ZEROES    6
#define NBD_CMD_BLOCK_STATUS    7

/* Structured reply flags and chunk types. */
#define NBD_REPLY_FLAG_DONE     (1 << 0)
#define NBD_REPLY_TYPE_NONE         0
#define NBD_REPLY_TYPE_OFFSET_DATA  1
#define NBD_REPLY_TYPE_OFFSET_HOLE  2
#define NBD_REPLY_TYPE_BLOCK_STATUS 5
#define NBD_REPLY_TYPE_ERROR        ((1 << 15) + 1)
#define NBD_REPLY_TYPE_ERROR_OFFSET ((1 << 15) + 2)

/* base:allocation status flags. */
#define NBD_STATE_HOLE          (1 << 0)
#define NBD_STATE_ZERO          (1 << 1)
#define NBD_META_BASE_ALLOCATION "base:allocation"

/* Error values on the wire (not the host's errno). */
#define NBD_SUCCESS     0
#define NBD_EPERM       1
#define NBD_EIO         5
#define NBD_ENOMEM      12
#define NBD_EINVAL      22
#define NBD_ENOSPC      28
#define NBD_EOVERFLOW   75
#define NBD_ENOTSUP     95
#define NBD_ESHUTDOWN   108

/* Limits. */
#define NBD_MAX_STRING_SIZE     4096             /* names, descriptions */
#define NBD_MAX_BUFFER_SIZE     (32 * 1024 * 1024) /* largest READ/WRITE payload */
#define NBD_DEFAULT_PORT        10809

/* Host errno (positive or negative) to the NBD wire value. */
uint32_t nbd_errno_from_system(int err);
/* Names for messages and traces ("NBD_OPT_GO" -> "go", as QEMU). */
const char *nbd_opt_lookup(uint32_t opt);

/* ---------- Server interface ---------- */

typedef struct NBDServer NBDServer;
typedef struct NBDExport NBDExport;
typedef struct NBDClient NBDClient;

/*
 * Start the (one) NBD server listening on @addr (an inet address
 * without a port means 10809).  @max_connections 0 means unlimited.  @tls_creds names
 * server TLS credentials (checked now); @tls_authz names the
 * authorization object a client certificate must pass, looked up at
 * each handshake as QEMU does (x509 with verify-peer only).
 * Messages as QEMU: "NBD server already running".
 */
NBDServer *nbd_server_start(const SocketAddress *addr, int max_connections,
                            const char *tls_creds, const char *tls_authz,
                            Error **errp);
/*
 * Serve an already-listening socket (the daemon's addr.type=fd); the
 * server takes ownership of @listen_fd.  With -1 nothing listens and
 * clients come only through nbd_server_add_client_fd() (tests, fuzzing).
 */
NBDServer *nbd_server_start_fd(int listen_fd, int max_connections,
                               const char *tls_creds, const char *tls_authz,
                               Error **errp);
/*
 * Stop listening, delete every export (clients are disconnected; each
 * export raises its deleted notification) and free the server.
 * "NBD server not running" when there is none.
 */
void nbd_server_stop(Error **errp);
bool nbd_server_is_running(void);
/* Number of connected clients, all exports (tests). */
int nbd_server_client_count(void);

/*
 * Hand one connected socket to the server as a new client (tests, the
 * fuzz harness, a daemon passing on a socket).  Takes ownership of @fd.
 */
void nbd_server_add_client_fd(int fd);

typedef struct NBDExportOptions {
    const char *id;           /* block export id; NULL: the node name */
    const char *node_name;    /* the node, when nbd_export_add() gets no bs */
    const char *name;         /* NBD export name; NULL: the node name */
    const char *description;  /* NULL: none */
    bool writable;
    bool writethrough;        /* every write acknowledged only when stable */
} NBDExportOptions;

/*
 * Export @bs (or, with @bs NULL, the node @opts->node_name).  Checks in
 * QEMU's order with its messages: "Invalid block export id", "Block
 * export id 'X' is already in use", "Cannot find device='' nor
 * node-name='X'", "Cannot export read-only node as writable", "NBD
 * server not running", "export name 'X' too long", "description 'X'
 * too long", "NBD server already has export named 'X'".  The export
 * takes its own reference to the node.
 */
NBDExport *nbd_export_add(BlockDriverState *bs, const NBDExportOptions *opts,
                          Error **errp);

typedef enum NBDExportDelMode {
    NBD_EXPORT_DEL_SAFE,      /* refuse while clients are connected */
    NBD_EXPORT_DEL_HARD,      /* disconnect the clients */
} NBDExportDelMode;

/*
 * Delete the export with block export id @id.  "Export 'X' is not found";
 * in safe mode with clients "export 'X' still in use" (hint: use
 * mode='hard').  Without clients the export is gone (and the deleted
 * notification raised) before this returns; otherwise when the last
 * client has gone.
 */
void nbd_export_del(const char *id, NBDExportDelMode mode, Error **errp);

NBDExport *nbd_export_find_id(const char *id);
/* Exports, newest first (as query-block-exports); NULL starts. */
NBDExport *nbd_export_next(NBDExport *exp);
const char *nbd_export_id(NBDExport *exp);
const char *nbd_export_name(NBDExport *exp);
const char *nbd_export_node_name(NBDExport *exp);
bool nbd_export_shutting_down(NBDExport *exp);
int nbd_export_client_count(NBDExport *exp);

/*
 * BLOCK_EXPORT_DELETED hook: called with the export id once an export
 * is completely gone (clients disconnected, backend released).
 */
typedef void NBDExportDeletedFunc(const char *id, void *opaque);
void nbd_set_export_deleted_notifier(NBDExportDeletedFunc *fn, void *opaque);

#endif
