/*
 * Scatter-gather buffers.
 */
#ifndef QEMU_IOV_H
#define QEMU_IOV_H

#include <sys/uio.h>

typedef struct QEMUIOVector {
    struct iovec *iov;
    int niov;
    int nalloc;          /* -1 for an external (non-owned) array */
    size_t size;         /* total bytes */
    struct iovec local_iov; /* used by qemu_iovec_init_buf */
} QEMUIOVector;

void qemu_iovec_init(QEMUIOVector *qiov, int alloc_hint);
/* A one-element vector over @buf without allocation. */
void qemu_iovec_init_buf(QEMUIOVector *qiov, void *buf, size_t len);
void qemu_iovec_add(QEMUIOVector *qiov, void *base, size_t len);
/* Init @qiov as a view of [offset, offset+len) of @source. */
void qemu_iovec_init_slice(QEMUIOVector *qiov, QEMUIOVector *source,
                           size_t offset, size_t len);
void qemu_iovec_destroy(QEMUIOVector *qiov);

size_t iov_to_buf(const struct iovec *iov, unsigned int niov,
                  size_t offset, void *buf, size_t bytes);

size_t qemu_iovec_to_buf(QEMUIOVector *qiov, size_t offset,
                         void *buf, size_t bytes);
size_t qemu_iovec_from_buf(QEMUIOVector *qiov, size_t offset,
                           const void *buf, size_t bytes);
size_t qemu_iovec_memset(QEMUIOVector *qiov, size_t offset,
                         int fillc, size_t bytes);
/* Copy all of @src into @dst (same total size). */
void qemu_iovec_copy_data(QEMUIOVector *dst, QEMUIOVector *src);
/* Offset of the first differing byte, or -1 if equal. */
ssize_t qemu_iovec_compare(QEMUIOVector *a, QEMUIOVector *b);
bool qemu_iovec_is_zero(QEMUIOVector *qiov, size_t offset, size_t bytes);
bool buffer_is_zero(const void *buf, size_t len);

#endif
