/*
 * NBD server handshake: fixed newstyle negotiation and option haggling
 * (EXPORT_NAME, ABORT, LIST, STARTTLS, INFO, GO, STRUCTURED_REPLY,
 * LIST/SET_META_CONTEXT).  Every length the client sends is checked
 * against the payload actually received before it is used.
 */
#include "qemu/osdep.h"
#include "nbd/nbd-internal.h"
#include "block/block_int.h"

/* Bounds-checked reader over one option payload. */
typedef struct OptReader {
    const uint8_t *p;
    size_t left;
} OptReader;

static bool opt_get_u16(OptReader *r, uint16_t *v)
{
    if (r->left < 2) {
        return false;
    }
    *v = ldw_be(r->p);
    r->p += 2;
    r->left -= 2;
    return true;
}

static bool opt_get_u32(OptReader *r, uint32_t *v)
{
    if (r->left < 4) {
        return false;
    }
    *v = ldl_be(r->p);
    r->p += 4;
    r->left -= 4;
    return true;
}

/* A string of @len bytes, at most NBD_MAX_STRING_SIZE, NUL-free. */
static char *opt_get_string(OptReader *r, uint32_t len)
{
    char *s;

    if (len > r->left || len > NBD_MAX_STRING_SIZE ||
        memchr(r->p, '\0', len)) {
        return NULL;
    }
    s = g_strndup((const char *)r->p, len);
    r->p += len;
    r->left -= len;
    return s;
}

static int coroutine_fn nbd_send_rep(NBDClient *client, uint32_t opt,
                                     uint32_t type, const void *data,
                                     uint32_t len)
{
    uint8_t hdr[20];
    struct iovec iov[2] = {
        { .iov_base = hdr, .iov_len = sizeof(hdr) },
        { .iov_base = (void *)data, .iov_len = len },
    };

    stq_be(hdr, NBD_REP_MAGIC);
    stl_be(hdr + 8, opt);
    stl_be(hdr + 12, type);
    stl_be(hdr + 16, len);
    return nbd_co_sendv(client, iov, len ? 2 : 1);
}

static int coroutine_fn G_GNUC_PRINTF(4, 5)
nbd_send_rep_err(NBDClient *client, uint32_t opt, uint32_t type,
                 const char *fmt, ...)
{
    va_list ap;
    char *msg;
    size_t len;
    int ret;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    len = MIN(strlen(msg), NBD_MAX_STRING_SIZE);
    ret = nbd_send_rep(client, opt, type, msg, len);
    g_free(msg);
    return ret;
}

static int coroutine_fn nbd_reject_length(NBDClient *client, uint32_t opt)
{
    return nbd_send_rep_err(client, opt, NBD_REP_ERR_INVALID,
                            "option '%s' has unexpected length",
                            nbd_opt_lookup(opt));
}

static uint16_t nbd_client_eflags(NBDClient *client, NBDExport *exp)
{
    return exp->eflags | (client->structured_reply ? NBD_FLAG_SEND_DF : 0);
}

static int coroutine_fn nbd_handle_list(NBDClient *client, uint32_t len)
{
    g_autoptr(GPtrArray) reps = g_ptr_array_new_with_free_func(
        (GDestroyNotify)g_byte_array_unref);
    NBDExport *exp;
    int ret;

    if (len) {
        return nbd_reject_length(client, NBD_OPT_LIST);
    }
    /* Build every reply first: exports may go away while we send. */
    for (exp = nbd_export_first_visible(); exp;
         exp = nbd_export_next_visible(exp)) {
        size_t nlen = strlen(exp->name);
        GByteArray *b = g_byte_array_sized_new(4 + nlen);
        uint8_t be[4];

        stl_be(be, nlen);
        g_byte_array_append(b, be, 4);
        g_byte_array_append(b, (const uint8_t *)exp->name, nlen);
        if (exp->description) {
            g_byte_array_append(b, (const uint8_t *)exp->description,
                                strlen(exp->description));
        }
        g_ptr_array_add(reps, b);
    }
    for (guint i = 0; i < reps->len; i++) {
        GByteArray *b = g_ptr_array_index(reps, i);

        ret = nbd_send_rep(client, NBD_OPT_LIST, NBD_REP_SERVER, b->data,
                           b->len);
        if (ret < 0) {
            return ret;
        }
    }
    return nbd_send_rep(client, NBD_OPT_LIST, NBD_REP_ACK, NULL, 0);
}

static int coroutine_fn nbd_send_info(NBDClient *client, uint32_t opt,
                                      uint16_t info, const void *data,
                                      size_t len)
{
    g_autofree uint8_t *buf = g_malloc(2 + len);

    stw_be(buf, info);
    memcpy(buf + 2, data, len);
    return nbd_send_rep(client, opt, NBD_REP_INFO, buf, 2 + len);
}

static int coroutine_fn nbd_send_export_info(NBDClient *client, uint32_t opt,
                                             NBDExport *exp, bool want_name,
                                             bool want_desc)
{
    uint8_t buf[12];
    int64_t size;
    int ret;

    size = blk_getlength(exp->blk);
    if (size < 0) {
        return nbd_send_rep_err(client, opt, NBD_REP_ERR_PLATFORM,
                                "export '%s' has no length: %s", exp->name,
                                strerror(-size));
    }
    if (want_name) {
        ret = nbd_send_info(client, opt, NBD_INFO_NAME, exp->name,
                            strlen(exp->name));
        if (ret < 0) {
            return ret;
        }
    }
    if (want_desc && exp->description) {
        ret = nbd_send_info(client, opt, NBD_INFO_DESCRIPTION,
                            exp->description, strlen(exp->description));
        if (ret < 0) {
            return ret;
        }
    }
    /*
     * The block layer does read-modify-write for unaligned requests, so
     * the minimum is 1; preferred is what avoids that.
     */
    stl_be(buf, 1);
    stl_be(buf + 4, MAX(4096, blk_bs(exp->blk)->bl.request_alignment));
    stl_be(buf + 8, NBD_MAX_BUFFER_SIZE);
    ret = nbd_send_info(client, opt, NBD_INFO_BLOCK_SIZE, buf, 12);
    if (ret < 0) {
        return ret;
    }
    stq_be(buf, size);
    stw_be(buf + 8, nbd_client_eflags(client, exp));
    ret = nbd_send_info(client, opt, NBD_INFO_EXPORT, buf, 10);
    if (ret < 0) {
        return ret;
    }
    ret = nbd_send_rep(client, opt, NBD_REP_ACK, NULL, 0);
    return ret < 0 ? ret : 1;
}

/*
 * NBD_OPT_INFO and NBD_OPT_GO.  Returns 1 when GO succeeded, 0 when a
 * reply was sent and haggling goes on, -errno on I/O errors.
 */
static int coroutine_fn nbd_handle_info(NBDClient *client, uint32_t opt,
                                        const uint8_t *payload, uint32_t len)
{
    OptReader r = { payload, len };
    g_autofree char *name = NULL;
    uint32_t namelen;
    uint16_t nreq, info = 0;
    bool want_name = false, want_desc = false;
    NBDExport *exp;
    int ret;

    if (!opt_get_u32(&r, &namelen) || namelen > r.left ||
        !(name = opt_get_string(&r, namelen)) ||
        !opt_get_u16(&r, &nreq) || r.left != (size_t)nreq * 2) {
        return nbd_reject_length(client, opt);
    }
    while (nreq--) {
        opt_get_u16(&r, &info);
        if (info == NBD_INFO_NAME) {
            want_name = true;
        } else if (info == NBD_INFO_DESCRIPTION) {
            want_desc = true;
        }
        /* Block sizes are always sent; unknown requests are ignored. */
    }
    exp = nbd_export_lookup_visible(name);
    if (!exp) {
        return nbd_send_rep_err(client, opt, NBD_REP_ERR_UNKNOWN,
                                "export '%s' not present", name);
    }
    /* The sends below may yield; keep the export alive meanwhile. */
    nbd_export_ref(exp);
    /* 1: acknowledged, 0: refused with an error reply */
    ret = nbd_send_export_info(client, opt, exp, want_name, want_desc);
    if (ret == 1 && opt != NBD_OPT_GO) {
        ret = 0;
    } else if (ret == 1) {
        if (exp->shutting_down) {
            ret = -ESHUTDOWN;   /* deleted after our ACK: hang up */
        } else {
            /* Contexts chosen for another export do not carry over. */
            if (client->meta_export &&
                strcmp(client->meta_export, exp->name)) {
                client->meta_base_allocation = false;
            }
            nbd_client_attach_export(client, exp);
            ret = 1;
        }
    }
    nbd_export_unref(exp, false);
    return ret;
}

static int coroutine_fn nbd_handle_meta_context(NBDClient *client,
                                                uint32_t opt,
                                                const uint8_t *payload,
                                                uint32_t len)
{
    OptReader r = { payload, len };
    g_autofree char *name = NULL;
    uint32_t namelen, nqueries, qlen;
    bool match = false;
    NBDExport *exp;
    int ret;

    if (!client->structured_reply) {
        return nbd_send_rep_err(client, opt, NBD_REP_ERR_INVALID,
                                "request option '%s' when structured reply "
                                "is not negotiated", nbd_opt_lookup(opt));
    }
    if (!opt_get_u32(&r, &namelen) || namelen > r.left ||
        !(name = opt_get_string(&r, namelen)) ||
        !opt_get_u32(&r, &nqueries)) {
        return nbd_reject_length(client, opt);
    }
    for (uint32_t i = 0; i < nqueries; i++) {
        g_autofree char *q = NULL;

        if (!opt_get_u32(&r, &qlen) || qlen > r.left ||
            !(q = opt_get_string(&r, qlen))) {
            return nbd_reject_length(client, opt);
        }
        if (!strcmp(q, NBD_META_BASE_ALLOCATION) ||
            (opt == NBD_OPT_LIST_META_CONTEXT && !strcmp(q, "base:"))) {
            match = true;
        }
    }
    if (r.left) {
        return nbd_reject_length(client, opt);
    }
    exp = nbd_export_lookup_visible(name);
    if (!exp) {
        return nbd_send_rep_err(client, opt, NBD_REP_ERR_UNKNOWN,
                                "export '%s' not present", name);
    }
    if (opt == NBD_OPT_LIST_META_CONTEXT && nqueries == 0) {
        match = true;           /* an empty list asks for everything */
    }
    if (opt == NBD_OPT_SET_META_CONTEXT) {
        client->meta_base_allocation = match;
        g_free(client->meta_export);
        client->meta_export = g_strdup(exp->name);
    }
    if (match) {
        size_t clen = strlen(NBD_META_BASE_ALLOCATION);
        uint8_t buf[4 + 32];

        stl_be(buf, NBD_META_ID_BASE_ALLOCATION);
        memcpy(buf + 4, NBD_META_BASE_ALLOCATION, clen);
        ret = nbd_send_rep(client, opt, NBD_REP_META_CONTEXT, buf, 4 + clen);
        if (ret < 0) {
            return ret;
        }
    }
    return nbd_send_rep(client, opt, NBD_REP_ACK, NULL, 0);
}

/* NBD_OPT_EXPORT_NAME: no error reply exists, an unknown name closes. */
static int coroutine_fn nbd_handle_export_name(NBDClient *client,
                                               uint32_t len)
{
    char name[NBD_MAX_STRING_SIZE + 1];
    uint8_t buf[10 + 124] = { 0 };
    NBDExport *exp;
    int64_t size;
    int ret;

    if (len > NBD_MAX_STRING_SIZE) {
        return -EINVAL;
    }
    ret = nbd_co_recv(client, name, len);
    if (ret < 0) {
        return ret;
    }
    name[len] = '\0';
    exp = nbd_export_lookup_visible(name);
    if (!exp || strlen(name) != len) {
        return -ENOENT;
    }
    size = blk_getlength(exp->blk);
    if (size < 0) {
        return size;
    }
    if (client->meta_export && strcmp(client->meta_export, exp->name)) {
        client->meta_base_allocation = false;
    }
    stq_be(buf, size);
    stw_be(buf + 8, nbd_client_eflags(client, exp));
    /* Attached first: the send may yield and the export must stay. */
    nbd_client_attach_export(client, exp);
    ret = nbd_co_send(client, buf, client->no_zeroes ? 10 : sizeof(buf));
    return ret < 0 ? ret : 1;
}

/*
 * An option while TLS is required but not started.  Returns 1 for the
 * normal handling (ABORT), 0 when the option was dealt with here, or
 * -errno to hang up.  Like QEMU: others get ERR_TLS_REQD, and
 * EXPORT_NAME, which has no error reply, closes the connection.
 */
static int coroutine_fn nbd_negotiate_before_tls(NBDClient *client,
                                                 uint32_t opt, uint32_t len)
{
    Error *err = NULL;
    int ret;

    if (opt == NBD_OPT_ABORT) {
        return 1;
    }
    if (opt == NBD_OPT_EXPORT_NAME) {
        return -EINVAL;
    }
    ret = nbd_co_drop(client, len);
    if (ret < 0) {
        return ret;
    }
    if (opt != NBD_OPT_STARTTLS) {
        return nbd_send_rep_err(client, opt, NBD_REP_ERR_TLS_REQD,
                                "Option 0x%" PRIx32 " not permitted before "
                                "TLS", opt);
    }
    if (len) {
        return nbd_reject_length(client, opt);
    }
    ret = nbd_send_rep(client, opt, NBD_REP_ACK, NULL, 0);
    if (ret < 0) {
        return ret;
    }
    ret = nbd_co_starttls(client, &err);
    if (ret < 0) {
        /* The operator's only clue why a client was refused. */
        error_prepend(&err, "option negotiation failed: ");
        error_report_err(err);
        return ret;
    }
    return 0;
}

int coroutine_fn nbd_negotiate(NBDClient *client)
{
    uint8_t buf[18];
    uint32_t cflags;
    int ret;

    stq_be(buf, NBD_INIT_MAGIC);
    stq_be(buf + 8, NBD_OPTS_MAGIC);
    stw_be(buf + 16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
    ret = nbd_co_send(client, buf, 18);
    if (ret < 0) {
        return ret;
    }
    ret = nbd_co_recv(client, buf, 4);
    if (ret < 0) {
        return ret;
    }
    cflags = ldl_be(buf);
    if (cflags & ~(NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES)) {
        return -EINVAL;         /* the spec says: unknown flags, hang up */
    }
    client->fixed_newstyle = cflags & NBD_FLAG_C_FIXED_NEWSTYLE;
    client->no_zeroes = cflags & NBD_FLAG_C_NO_ZEROES;

    for (;;) {
        g_autofree uint8_t *payload = NULL;
        uint32_t opt, len;

        ret = nbd_co_recv(client, buf, 16);
        if (ret < 0) {
            return ret;
        }
        if (ldq_be(buf) != NBD_OPTS_MAGIC) {
            return -EINVAL;
        }
        opt = ldl_be(buf + 8);
        len = ldl_be(buf + 12);

        if (client->tlscreds && !client->tls) {
            /* TLS required: only STARTTLS and ABORT are let through. */
            ret = nbd_negotiate_before_tls(client, opt, len);
            if (ret < 0) {
                return ret;
            }
            if (ret == 0) {
                continue;
            }
        }
        if (opt == NBD_OPT_EXPORT_NAME) {
            return nbd_handle_export_name(client, len);
        }
        if (len > NBD_MAX_OPT_PAYLOAD) {
            ret = nbd_co_drop(client, len);
            if (ret == 0) {
                ret = nbd_send_rep_err(client, opt, NBD_REP_ERR_TOO_BIG,
                                       "option '%s' payload too large",
                                       nbd_opt_lookup(opt));
            }
            if (ret < 0) {
                return ret;
            }
            continue;
        }
        if (len) {
            payload = g_malloc(len);
            ret = nbd_co_recv(client, payload, len);
            if (ret < 0) {
                return ret;
            }
        }

        switch (opt) {
        case NBD_OPT_ABORT:
            /* Best effort: the client may already have hung up. */
            nbd_send_rep(client, opt, NBD_REP_ACK, NULL, 0);
            return 0;
        case NBD_OPT_LIST:
            ret = nbd_handle_list(client, len);
            break;
        case NBD_OPT_STARTTLS:
            if (len) {
                ret = nbd_reject_length(client, opt);
            } else if (client->tls) {
                ret = nbd_send_rep_err(client, opt, NBD_REP_ERR_INVALID,
                                       "TLS already enabled");
            } else {
                ret = nbd_send_rep_err(client, opt, NBD_REP_ERR_POLICY,
                                       "TLS not configured");
            }
            break;
        case NBD_OPT_INFO:
        case NBD_OPT_GO:
            ret = nbd_handle_info(client, opt, payload, len);
            if (ret > 0) {
                return ret;
            }
            break;
        case NBD_OPT_STRUCTURED_REPLY:
            if (len) {
                ret = nbd_reject_length(client, opt);
            } else if (client->structured_reply) {
                ret = nbd_send_rep_err(client, opt, NBD_REP_ERR_INVALID,
                                       "structured reply already negotiated");
            } else {
                client->structured_reply = true;
                ret = nbd_send_rep(client, opt, NBD_REP_ACK, NULL, 0);
            }
            break;
        case NBD_OPT_LIST_META_CONTEXT:
        case NBD_OPT_SET_META_CONTEXT:
            ret = nbd_handle_meta_context(client, opt, payload, len);
            break;
        default:
            if (!client->fixed_newstyle) {
                return -EINVAL;  /* plain newstyle has no error replies */
            }
            ret = nbd_send_rep_err(client, opt, NBD_REP_ERR_UNSUP,
                                   "Unsupported option %" PRIu32 " (%s)",
                                   opt, nbd_opt_lookup(opt));
            break;
        }
        if (ret < 0) {
            return ret;
        }
    }
}
