/*
 * NBD server internals shared by the files under nbd/: the export and
 * client structures, non-blocking socket I/O for coroutines, and the
 * big-endian helpers of the wire format.
 */
#ifndef NBD_INTERNAL_H
#define NBD_INTERNAL_H

#include "qemu/osdep.h"
#include "qemu/coroutine.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"
#include "block/nbd.h"
#include "crypto/tlssession.h"

/* Requests one connection may have in flight before we stop reading. */
#define NBD_MAX_REQUESTS        16
/* Option payloads we read into memory; larger ones get ERR_TOO_BIG. */
#define NBD_MAX_OPT_PAYLOAD     (1024 * 1024)
/* A client must finish the handshake within this time. */
#define NBD_HANDSHAKE_TIMEOUT_NS (10 * 1000000000LL)
/* Request buffers up to this size are kept for reuse. */
#define NBD_POOL_BUF_MAX        (2 * 1024 * 1024)
/*
 * Payload bytes of READ and WRITE requests one client may have in the
 * server (buffered, being served or waiting to be sent).  Past it the
 * server reads no more requests from that client, which the protocol
 * allows; a client that never reads its replies then holds this much,
 * not NBD_MAX_REQUESTS * NBD_MAX_BUFFER_SIZE.  One request is always
 * admitted, so a single maximum-sized request still goes through.
 */
#define NBD_MAX_INFLIGHT_BYTES  (64 * 1024 * 1024)
/*
 * Reads of at least NBD_SPLICE_MIN bytes try the zero-copy reply
 * (server-cmds.c); the client's pipe for it asks for NBD_SPLICE_PIPE_SIZE
 * (Linux's default pipe-max-size), and larger reads are copied.
 */
#define NBD_SPLICE_MIN          (16 * 1024)
#define NBD_SPLICE_PIPE_SIZE    (1024 * 1024)
/*
 * Receive buffer of a connection in transmission without TLS: each
 * recv also takes up to this much of what follows (server.c).
 */
#define NBD_RECV_BUF_SIZE       (16 * 1024)
/* Replies without data waiting to go out together (server-cmds.c). */
#define NBD_REPLY_QUEUE_SIZE    4096
#define NBD_REPLY_QUEUE_ITEM    256     /* larger ones are sent at once */
#define NBD_REPLY_QUEUE_REQ     (16 * 1024)  /* nor those of larger requests */
/* Most extents in one base:allocation reply (1 MiB of descriptors). */
#define NBD_MAX_BLOCK_STATUS_EXTENTS (1024 * 1024 / 8)
/* Context id we hand out for base:allocation. */
#define NBD_META_ID_BASE_ALLOCATION 0

struct NBDExport {
    char *id;
    char *name;
    char *description;
    char *node_name;
    BlockBackend *blk;
    bool writable;
    bool shutting_down;
    int refcnt;              /* the list's reference + one per client */
    uint16_t eflags;         /* transmission flags (without SEND_DF) */
    QTAILQ_HEAD(, NBDClient) clients;
    QTAILQ_ENTRY(NBDExport) next;
};

typedef struct NBDRequest {
    NBDClient *client;
    uint16_t flags;
    uint16_t type;
    uint64_t handle;
    uint64_t offset;
    uint32_t len;
    uint32_t error;          /* NBD_E*: set when the request was refused */
    const char *errmsg;      /* static text for that refusal */
    void *buf;               /* pooled payload / result buffer */
    size_t buf_size;
    uint32_t charged;        /* bytes counted in client->inflight_bytes */
    struct NBDRequest *next_free;
} NBDRequest;

struct NBDClient {
    int fd;
    int refcnt;              /* main coroutine + one per request */
    bool dead;               /* socket shut down: all I/O fails */
    /* Negotiated state. */
    bool fixed_newstyle;
    bool no_zeroes;
    bool structured_reply;
    bool meta_base_allocation;
    char *meta_export;       /* export SET_META_CONTEXT was for */
    NBDExport *exp;
    /* Coroutines waiting for something; at most one each. */
    Coroutine *main_co;
    Coroutine *recv_co;      /* waits for the socket to become readable */
    Coroutine *send_co;      /* waits for the socket to become writable */
    /* TLS: gnutls may need the other direction than the caller's. */
    bool recv_wants_write;
    bool send_wants_read;
    bool fd_read, fd_write;  /* the interest registered with the loop */
    Coroutine *slot_co;      /* main co waiting for a free request slot */
    Coroutine *drain_co;     /* main co waiting for requests to finish */
    CoMutex send_lock;       /* one reply on the wire at a time */
    unsigned nb_requests;
    uint64_t inflight_bytes; /* payload bytes charged by requests */
    NBDRequest *free_reqs;
    unsigned nb_free_reqs;
    QEMUTimer *handshake_timer;
    /* TLS: the server's credentials (required), the session once started */
    QCryptoTLSCreds *tlscreds;
    char *tlsauthz;          /* the server's tls-authz, if any */
    QCryptoTLSSession *tls;
    uint8_t *tls_buf;        /* coalesces small iov pieces into one record */
    size_t tls_buf_size;
    /*
     * Zero-copy replies: a pipe from the page cache to the socket, used
     * only under send_lock and empty whenever that is free.  -1 until
     * the first such read; splice_cap is its capacity, or -1 when it
     * could not be made (then every read is copied).
     */
    int splice_pipe[2];
    int splice_cap;
    /*
     * Bytes received past what was asked for: [rbuf_pos, rbuf_end) of
     * rbuf, read before the socket.  NULL until transmission (no TLS).
     */
    uint8_t *rbuf;
    uint32_t rbuf_pos, rbuf_end;
    /*
     * Small replies queued to go out in one send: the first request to
     * queue one (reply_flusher) sends them all once the others that
     * finish in the same loop iteration have added theirs.
     */
    uint8_t reply_buf[NBD_REPLY_QUEUE_SIZE];
    uint32_t reply_len;
    bool reply_flusher;
    QTAILQ_ENTRY(NBDClient) next;      /* all clients */
    QTAILQ_ENTRY(NBDClient) exp_next;  /* clients of exp */
};

/* ---- server.c ---- */
void nbd_client_close(NBDClient *client);
void nbd_client_ref(NBDClient *client);
void nbd_client_unref(NBDClient *client);
/* Exports visible to new clients (not shutting down). */
NBDExport *nbd_export_lookup_visible(const char *name);
NBDExport *nbd_export_first_visible(void);
NBDExport *nbd_export_next_visible(NBDExport *exp);
/*
 * Export references: anyone who may yield while holding an export
 * pointer takes one (exports can be deleted meanwhile).  @sync: may
 * release the backend right away (control path, not in a coroutine).
 */
void nbd_export_ref(NBDExport *exp);
void nbd_export_unref(NBDExport *exp, bool sync);
/* Bind @client to @exp for transmission (takes an export reference). */
void nbd_client_attach_export(NBDClient *client, NBDExport *exp);

/* Full read/write; 0 or -errno (-EPIPE on EOF or a closed client). */
int coroutine_fn nbd_co_recv(NBDClient *client, void *buf, size_t len);
int coroutine_fn nbd_co_sendv(NBDClient *client, struct iovec *iov, int niov);
int coroutine_fn nbd_co_send(NBDClient *client, const void *buf, size_t len);
/* Move @len bytes from the pipe @pipe_fd to the socket (no TLS). */
int coroutine_fn nbd_co_splice_out(NBDClient *client, int pipe_fd, size_t len);
/* Read and throw away @len bytes. */
int coroutine_fn nbd_co_drop(NBDClient *client, uint64_t len);
/*
 * Park until the socket is ready: @sender picks the waiting slot (the
 * request reader or the reply sender), @want_write the readiness.
 */
void coroutine_fn nbd_co_wait_io(NBDClient *client, bool sender,
                                 bool want_write);

/* ---- server-tls.c ---- */
/*
 * STARTTLS accepted: run the TLS handshake on the client's socket.  0
 * when the session is up and the peer passed the credentials' checks,
 * -errno with @errp set otherwise (the caller hangs up).
 */
int coroutine_fn nbd_co_starttls(NBDClient *client, Error **errp);
/* nbd_co_recv / nbd_co_sendv over the TLS session. */
int coroutine_fn nbd_co_tls_recv(NBDClient *client, void *buf, size_t len);
int coroutine_fn nbd_co_tls_sendv(NBDClient *client, struct iovec *iov,
                                  int niov);
/* Drop the session (before the socket is closed). */
void nbd_client_tls_free(NBDClient *client);

/* ---- server-negotiate.c ---- */
/*
 * Run the handshake and option haggling.  Returns 1 when the client
 * entered transmission (client->exp set), 0 when it ended the session
 * cleanly, -errno on a protocol violation or I/O error.
 */
int coroutine_fn nbd_negotiate(NBDClient *client);

/* ---- server-cmds.c ---- */
/* The transmission phase: read requests until DISC, EOF or an error. */
void coroutine_fn nbd_transmission(NBDClient *client);
/* Close the client's zero-copy pipe, if any; the next read makes one. */
void nbd_client_drop_pipe(NBDClient *client);

/* ---- big-endian helpers ---- */
static inline void stw_be(void *p, uint16_t v)
{
    uint8_t *b = p;
    b[0] = v >> 8;
    b[1] = v;
}
static inline void stl_be(void *p, uint32_t v)
{
    uint8_t *b = p;
    b[0] = v >> 24;
    b[1] = v >> 16;
    b[2] = v >> 8;
    b[3] = v;
}
static inline void stq_be(void *p, uint64_t v)
{
    stl_be(p, v >> 32);
    stl_be((uint8_t *)p + 4, (uint32_t)v);
}
static inline uint16_t ldw_be(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t)(b[0] << 8 | b[1]);
}
static inline uint32_t ldl_be(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
           (uint32_t)b[2] << 8 | b[3];
}
static inline uint64_t ldq_be(const void *p)
{
    return (uint64_t)ldl_be(p) << 32 | ldl_be((const uint8_t *)p + 4);
}

#endif
