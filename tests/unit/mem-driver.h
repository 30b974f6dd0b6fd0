/*
 * "test-mem": an in-memory protocol driver for unit tests.  A test reads
 * and corrupts a node's bytes directly, counts what reached the driver,
 * and makes reads, writes, flushes or block-status queries fail.
 *
 * Options (all optional):
 *   size=N           bytes of data (64 KiB)
 *   length=N         the node's length, at most size (size); a length
 *                    that is not whole sectors leaves the rest of the
 *                    buffer for the reads that block/io.c rounds up to
 *   align=N          request alignment (1); every request is checked
 *                    against it, max-transfer and the buffer
 *   max-transfer=N   largest request (0: none)
 *   async=on         every read, write and write-zeroes yields once and
 *                    completes from the event loop, so other requests
 *                    run in its middle
 *   write-zeroes=on  native write-zeroes (with MAY_UNMAP); off, block/io.c
 *                    writes zero buffers instead
 *   flush-always=on  every flush reaches the driver, as for a driver with
 *                    a cache of its own (flush_to_os); off, only a flush
 *                    after a write does (flush_to_disk: block/io.c skips
 *                    the others)
 */
#ifndef TESTS_UNIT_MEM_DRIVER_H
#define TESTS_UNIT_MEM_DRIVER_H

#include "block/block_int.h"

typedef struct BDRVTestMemState {
    uint8_t *data;              /* size bytes */
    int64_t size;
    int64_t length;             /* what bdrv_getlength() reports */
    uint32_t align;
    int64_t max_transfer;
    bool async;
    bool write_zeroes;
    bool flush_always;
    /* Set by the test: -errno for every such request, or 0. */
    int read_err, write_err, flush_err, status_err;
    /* Requests that reached the driver. */
    int reads, writes, zero_writes, flushes;
    int64_t largest;            /* largest read or write */
} BDRVTestMemState;

/* Register "test-mem"; once, before opening a node. */
void test_mem_register(void);
/* The state of a test-mem node (asserts that it is one). */
BDRVTestMemState *test_mem_state(BlockDriverState *bs);
/* The state of the test-mem node named @node_name. */
BDRVTestMemState *test_mem_find(const char *node_name);

#endif
