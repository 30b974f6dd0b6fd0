/*
 * Asynchronous I/O back ends of the file protocol driver.
 */
#ifndef BLOCK_RAW_AIO_H
#define BLOCK_RAW_AIO_H

#include "qemu/osdep.h"
#include "qemu/coroutine.h"
#include "qemu/iov.h"
#include "qapi/error.h"

/* Request types, as QEMU's QEMU_AIO_*. */
#define QEMU_AIO_READ     0x0001
#define QEMU_AIO_WRITE    0x0002
#define QEMU_AIO_IOCTL    0x0004
#define QEMU_AIO_FLUSH    0x0008
#define QEMU_AIO_DISCARD  0x0010
#define QEMU_AIO_WRITE_ZEROES 0x0020
#define QEMU_AIO_TRUNCATE 0x0080

/*
 * io_uring: one ring for the process (the event loop is single-threaded),
 * created on first use.  Submissions made during one loop iteration go
 * to the kernel in one io_uring_enter().
 */
bool luring_init(Error **errp);
/*
 * Read/write @qiov at @offset of @fd, or fdatasync @fd (QEMU_AIO_FLUSH,
 * @qiov NULL).  Handles short transfers: a read that hits end of file
 * is padded with zeroes.  Returns 0 or -errno.
 */
int coroutine_fn luring_co_submit(int fd, uint64_t offset, QEMUIOVector *qiov,
                                  int type);
/* Requests not completed yet (tests). */
unsigned luring_in_flight(void);
/* Wait for all requests, then close the ring (process exit, tests). */
void luring_cleanup(void);

#endif
