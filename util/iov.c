/*
 * Scatter-gather vectors.
 */
#include "qemu/osdep.h"
#include "qemu/iov.h"

static size_t iov_from_buf(const struct iovec *iov, unsigned int niov,
                           size_t offset, const void *buf, size_t bytes)
{
    size_t done = 0;

    for (unsigned i = 0; i < niov && done < bytes; i++) {
        if (offset < iov[i].iov_len) {
            size_t len = MIN(iov[i].iov_len - offset, bytes - done);
            memcpy((char *)iov[i].iov_base + offset, (const char *)buf + done,
                   len);
            done += len;
            offset = 0;
        } else {
            offset -= iov[i].iov_len;
        }
    }
    return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int niov,
                  size_t offset, void *buf, size_t bytes)
{
    size_t done = 0;

    for (unsigned i = 0; i < niov && done < bytes; i++) {
        if (offset < iov[i].iov_len) {
            size_t len = MIN(iov[i].iov_len - offset, bytes - done);
            memcpy((char *)buf + done, (char *)iov[i].iov_base + offset, len);
            done += len;
            offset = 0;
        } else {
            offset -= iov[i].iov_len;
        }
    }
    return done;
}

static size_t iov_memset(const struct iovec *iov, unsigned int niov,
                         size_t offset, int fillc, size_t bytes)
{
    size_t done = 0;

    for (unsigned i = 0; i < niov && done < bytes; i++) {
        if (offset < iov[i].iov_len) {
            size_t len = MIN(iov[i].iov_len - offset, bytes - done);
            memset((char *)iov[i].iov_base + offset, fillc, len);
            done += len;
            offset = 0;
        } else {
            offset -= iov[i].iov_len;
        }
    }
    return done;
}

void qemu_iovec_init(QEMUIOVector *qiov, int alloc_hint)
{
    memset(qiov, 0, sizeof(*qiov));
    if (alloc_hint < 1) {
        alloc_hint = 1;
    }
    qiov->iov = g_new(struct iovec, alloc_hint);
    qiov->nalloc = alloc_hint;
}

void qemu_iovec_init_buf(QEMUIOVector *qiov, void *buf, size_t len)
{
    memset(qiov, 0, sizeof(*qiov));
    qiov->local_iov.iov_base = buf;
    qiov->local_iov.iov_len = len;
    qiov->iov = &qiov->local_iov;
    qiov->niov = 1;
    qiov->nalloc = -1;
    qiov->size = len;
}

void qemu_iovec_add(QEMUIOVector *qiov, void *base, size_t len)
{
    assert(qiov->nalloc != -1);
    if (qiov->niov == qiov->nalloc) {
        qiov->nalloc = 2 * qiov->nalloc + 1;
        qiov->iov = g_renew(struct iovec, qiov->iov, qiov->nalloc);
    }
    qiov->iov[qiov->niov].iov_base = base;
    qiov->iov[qiov->niov].iov_len = len;
    qiov->size += len;
    qiov->niov++;
}

/* Append the bytes [offset, offset+bytes) of @src as iov elements. */
static void qemu_iovec_concat(QEMUIOVector *dst, QEMUIOVector *src,
                              size_t soffset, size_t sbytes)
{
    for (int i = 0; i < src->niov && sbytes; i++) {
        if (soffset < src->iov[i].iov_len) {
            size_t len = MIN(src->iov[i].iov_len - soffset, sbytes);
            qemu_iovec_add(dst, (char *)src->iov[i].iov_base + soffset, len);
            sbytes -= len;
            soffset = 0;
        } else {
            soffset -= src->iov[i].iov_len;
        }
    }
    assert(sbytes == 0);
}

void qemu_iovec_init_slice(QEMUIOVector *qiov, QEMUIOVector *source,
                           size_t offset, size_t len)
{
    size_t off = offset;

    assert(offset + len <= source->size);
    /* A slice inside a single element needs no allocation. */
    for (int i = 0; i < source->niov; i++) {
        if (off < source->iov[i].iov_len) {
            if (off + len <= source->iov[i].iov_len) {
                qemu_iovec_init_buf(qiov,
                                    (char *)source->iov[i].iov_base + off,
                                    len);
                return;
            }
            break;
        }
        off -= source->iov[i].iov_len;
    }
    qemu_iovec_init(qiov, source->niov);
    qemu_iovec_concat(qiov, source, offset, len);
}

void qemu_iovec_destroy(QEMUIOVector *qiov)
{
    if (qiov->nalloc != -1) {
        g_free(qiov->iov);
    }
    memset(qiov, 0, sizeof(*qiov));
}

size_t qemu_iovec_to_buf(QEMUIOVector *qiov, size_t offset,
                         void *buf, size_t bytes)
{
    return iov_to_buf(qiov->iov, qiov->niov, offset, buf, bytes);
}

size_t qemu_iovec_from_buf(QEMUIOVector *qiov, size_t offset,
                           const void *buf, size_t bytes)
{
    return iov_from_buf(qiov->iov, qiov->niov, offset, buf, bytes);
}

size_t qemu_iovec_memset(QEMUIOVector *qiov, size_t offset,
                         int fillc, size_t bytes)
{
    return iov_memset(qiov->iov, qiov->niov, offset, fillc, bytes);
}

void qemu_iovec_copy_data(QEMUIOVector *dst, QEMUIOVector *src)
{
    size_t off = 0;

    assert(dst->size == src->size);
    for (int i = 0; i < src->niov; i++) {
        qemu_iovec_from_buf(dst, off, src->iov[i].iov_base,
                            src->iov[i].iov_len);
        off += src->iov[i].iov_len;
    }
}

ssize_t qemu_iovec_compare(QEMUIOVector *a, QEMUIOVector *b)
{
    int ia = 0, ib = 0;
    size_t oa = 0, ob = 0, pos = 0;

    assert(a->size == b->size);
    while (ia < a->niov && ib < b->niov) {
        const uint8_t *pa = (const uint8_t *)a->iov[ia].iov_base + oa;
        const uint8_t *pb = (const uint8_t *)b->iov[ib].iov_base + ob;
        size_t len = MIN(a->iov[ia].iov_len - oa, b->iov[ib].iov_len - ob);

        if (memcmp(pa, pb, len)) {
            for (size_t i = 0; i < len; i++) {
                if (pa[i] != pb[i]) {
                    return pos + i;
                }
            }
        }
        pos += len;
        oa += len;
        ob += len;
        if (oa == a->iov[ia].iov_len) {
            ia++;
            oa = 0;
        }
        if (ob == b->iov[ib].iov_len) {
            ib++;
            ob = 0;
        }
    }
    return -1;
}

bool buffer_is_zero(const void *buf, size_t len)
{
    const uint8_t *p = buf;

    /* Check the first bytes cheaply, then compare the buffer to itself. */
    for (size_t i = 0; i < MIN(len, (size_t)16); i++) {
        if (p[i]) {
            return false;
        }
    }
    return len <= 16 || memcmp(p, p + 16, len - 16) == 0;
}

bool qemu_iovec_is_zero(QEMUIOVector *qiov, size_t offset, size_t bytes)
{
    for (int i = 0; i < qiov->niov && bytes; i++) {
        if (offset < qiov->iov[i].iov_len) {
            size_t len = MIN(qiov->iov[i].iov_len - offset, bytes);
            if (!buffer_is_zero((char *)qiov->iov[i].iov_base + offset, len)) {
                return false;
            }
            bytes -= len;
            offset = 0;
        } else {
            offset -= qiov->iov[i].iov_len;
        }
    }
    return true;
}
