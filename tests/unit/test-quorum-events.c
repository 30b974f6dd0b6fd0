/*
 * The events quorum emits, exactly (members, their order, event order),
 * per scenario.  Children are "test-mem" nodes (mem-driver.h): in
 * memory, their data corrupted directly by the test, failing reads,
 * writes, flushes or block-status queries on demand.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "block/quorum-vote.h"
#include "block/quorum-int.h"
#include "sysemu/block-backend.h"
#include "qapi/qapi-events-block.h"
#include "mem-driver.h"

static BDRVTestMemState *mem(const char *node_name)
{
    return test_mem_find(node_name);
}

/* ---------- Recording events ---------- */

static GString *events;

static void record_event(const char *event, QDict *data, void *opaque)
{
    g_autofree char *json = qobject_to_json_qemu(data);

    g_string_append_printf(events, "%s %s\n", event, json);
}

/* Compare and reset the recorded events. */
static void assert_events(const char *expected)
{
    g_assert_cmpstr(events->str, ==, expected);
    g_string_truncate(events, 0);
}

/*
 * A quorum "q" over children c0..c{n-1} of 64 KiB, extra options
 * appended; write cache on so that writes do not flush.  Children
 * zero natively and see every flush, written to or not, so a flush
 * error shows whenever quorum flushes.
 */
static BlockBackend *open_quorum(int n, const char *extra)
{
    g_autoptr(GString) str = g_string_new("driver=quorum,node-name=q");
    QDict *opts;
    BlockBackend *blk;
    Error *err = NULL;

    for (int i = 0; i < n; i++) {
        g_string_append_printf(str, ",children.%d.driver=test-mem"
                               ",children.%d.node-name=c%d"
                               ",children.%d.write-zeroes=on"
                               ",children.%d.flush-always=on",
                               i, i, i, i, i);
    }
    g_string_append_printf(str, ",%s", extra);
    opts = keyval_parse_flat(str->str, NULL, &error_abort);
    blk = blk_new_open(NULL, NULL, opts, BDRV_O_RDWR, &err);
    if (!blk) {
        g_error("open %s: %s", str->str, error_get_pretty(err));
    }
    blk_set_enable_write_cache(blk, true);
    g_string_truncate(events, 0);
    return blk;
}

static void close_quorum(BlockBackend *blk)
{
    /* The final flush may fail on purpose; its events are not ours. */
    qapi_event_set_emitter(NULL, NULL);
    blk_unref(blk);
    qapi_event_set_emitter(record_event, NULL);
    g_string_truncate(events, 0);
}

static void fill(const char *node, int64_t off, int64_t len, int c)
{
    memset(mem(node)->data + off, c, len);
}

static void write_pattern(BlockBackend *blk, int64_t off, int64_t len, int c)
{
    g_autofree uint8_t *buf = g_malloc(len);

    memset(buf, c, len);
    g_assert_cmpint(blk_pwrite(blk, off, len, buf, 0), ==, 0);
}

/* Read through the quorum; returns the result, checks the pattern on 0. */
static int read_check(BlockBackend *blk, int64_t off, int64_t len, int c)
{
    g_autofree uint8_t *buf = g_malloc(len);
    int ret = blk_pread(blk, off, len, buf, 0);

    if (ret == 0) {
        for (int64_t i = 0; i < len; i++) {
            g_assert_cmpint(buf[i], ==, c);
        }
    }
    return ret;
}

/*
 * Bounce areas: when the spares are all small (a deep queue of 4 KiB
 * reads left them), a bigger area replaces the smallest instead of
 * being freed, so 1 MiB reads after them stop allocating (and faulting
 * in) a fresh area each.
 */
static void test_bounce_spares(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");
    BlockDriverState *bs = blk_bs(blk);
    BDRVQuorumState *s = bs->opaque;
    void *small[QUORUM_SPARE_COUNT];
    void *big, *again;
    bool kept;
    size_t cap;

    for (int i = 0; i < QUORUM_SPARE_COUNT; i++) {
        small[i] = quorum_get_bounce(s, bs, 4096, &cap);
        g_assert_nonnull(small[i]);
    }
    for (int i = 0; i < QUORUM_SPARE_COUNT; i++) {
        quorum_put_bounce(s, small[i], 4096);
    }
    g_assert_cmpint(s->nr_spare, ==, QUORUM_SPARE_COUNT);
    big = quorum_get_bounce(s, bs, 2 * MiB, &cap);
    g_assert_cmpuint(cap, ==, 2 * MiB);
    quorum_put_bounce(s, big, cap);
    kept = false;
    for (int i = 0; i < s->nr_spare; i++) {
        kept |= s->spare_buf[i] == big && s->spare_size[i] == 2 * MiB;
    }
    g_assert_true(kept);
    again = quorum_get_bounce(s, bs, 2 * MiB, &cap);
    g_assert_true(again == big);
    quorum_put_bounce(s, again, cap);
    g_assert_cmpint(s->nr_spare, ==, QUORUM_SPARE_COUNT);
    close_quorum(blk);
}

/* ---------- Scenarios ---------- */

static void test_all_agree(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");

    write_pattern(blk, 0, 4096, 0x11);
    g_assert_cmpint(read_check(blk, 0, 4096, 0x11), ==, 0);
    assert_events("");
    close_quorum(blk);
}

static void test_one_bad_child(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");

    write_pattern(blk, 0, 8192, 0x11);
    fill("c2", 4096, 1, 0x66);
    g_assert_cmpint(read_check(blk, 0, 8192, 0x11), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 16, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    /* Outside the corrupted range nobody is reported. */
    g_assert_cmpint(read_check(blk, 0, 4096, 0x11), ==, 0);
    assert_events("");
    close_quorum(blk);
}

/* Child 0 serves the caller's buffer: it losing must not leak. */
static void test_child0_bad(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");

    write_pattern(blk, 0, 512, 0x11);
    fill("c0", 0, 512, 0x22);
    g_assert_cmpint(read_check(blk, 0, 512, 0x11), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    close_quorum(blk);
}

static void test_two_bad_different(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");

    write_pattern(blk, 0, 512, 0x11);
    fill("c1", 0, 512, 0x22);
    fill("c2", 0, 512, 0x33);
    /* Three versions of one vote each: below the threshold. */
    g_assert_cmpint(read_check(blk, 0, 512, 0), ==, -EIO);
    assert_events("QUORUM_FAILURE {\"reference\": \"q\", "
                  "\"sectors-count\": 1, \"sector-num\": 0}\n");
    close_quorum(blk);
}

static void test_two_bad_same(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");

    write_pattern(blk, 0, 512, 0x11);
    fill("c1", 0, 512, 0x22);
    fill("c2", 0, 512, 0x22);
    /* The corrupted majority wins, the good child is the one reported. */
    g_assert_cmpint(read_check(blk, 0, 512, 0x22), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    close_quorum(blk);
}

/* Losers in QEMU's order: newest version first, highest child first. */
static void test_report_order(void)
{
    BlockBackend *blk = open_quorum(5, "vote-threshold=1");

    write_pattern(blk, 0, 512, 0x11);
    fill("c1", 0, 512, 0x22);
    fill("c3", 0, 512, 0x33);
    fill("c4", 0, 512, 0x22);
    /* A{c0,c2} B{c1,c4} C{c3}: the A/B tie goes to B, created later */
    g_assert_cmpint(read_check(blk, 0, 512, 0x22), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c3\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    close_quorum(blk);
}

static void test_data_tie(void)
{
    BlockBackend *blk = open_quorum(4, "vote-threshold=2");

    fill("c0", 0, 512, 0xa);
    fill("c1", 0, 512, 0xa);
    fill("c2", 0, 512, 0xb);
    fill("c3", 0, 512, 0xb);
    g_assert_cmpint(read_check(blk, 0, 512, 0xb), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    close_quorum(blk);
}

static void test_read_error(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");

    write_pattern(blk, 0, 1024, 0x11);
    mem("c1")->read_err = -EIO;
    g_assert_cmpint(read_check(blk, 0, 1024, 0x11), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 2, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n");
    close_quorum(blk);
}

/* Errors first (as they complete), then the failure, then the errno vote. */
static void test_read_errors_failure(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");

    mem("c0")->read_err = -EIO;
    mem("c2")->read_err = -EPIPE;
    g_assert_cmpint(read_check(blk, 512, 512, 0), ==, -EPIPE);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 1, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 1, \"sector-num\": 1, "
                  "\"type\": \"read\", \"error\": \"Broken pipe\"}\n"
                  "QUORUM_FAILURE {\"reference\": \"q\", "
                  "\"sectors-count\": 1, \"sector-num\": 1}\n");
    close_quorum(blk);
}

/* A read error plus a data mismatch: errors first, then the loser. */
static void test_error_and_mismatch(void)
{
    BlockBackend *blk = open_quorum(4, "vote-threshold=2");

    write_pattern(blk, 0, 512, 0x11);
    mem("c0")->read_err = -ENOSPC;
    fill("c3", 0, 512, 0x22);
    g_assert_cmpint(read_check(blk, 0, 512, 0x11), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": "
                  "\"No space left on device\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c3\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    close_quorum(blk);
}

static void test_write_errors(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");
    uint8_t buf[512] = { 0 };

    mem("c2")->write_err = -ENOSPC;
    g_assert_cmpint(blk_pwrite(blk, 0, 512, buf, 0), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"write\", \"error\": "
                  "\"No space left on device\"}\n");

    mem("c0")->write_err = -EIO;
    g_assert_cmpint(blk_pwrite(blk, 4096, 512, buf, 0), ==, -ENOSPC);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 8, "
                  "\"type\": \"write\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 1, \"sector-num\": 8, "
                  "\"type\": \"write\", \"error\": "
                  "\"No space left on device\"}\n"
                  "QUORUM_FAILURE {\"reference\": \"q\", "
                  "\"sectors-count\": 1, \"sector-num\": 8}\n");

    /* Write-zeroes takes the same path. */
    g_assert_cmpint(blk_pwrite_zeroes(blk, 0, 1024, 0), ==, -ENOSPC);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 2, \"sector-num\": 0, "
                  "\"type\": \"write\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 2, \"sector-num\": 0, "
                  "\"type\": \"write\", \"error\": "
                  "\"No space left on device\"}\n"
                  "QUORUM_FAILURE {\"reference\": \"q\", "
                  "\"sectors-count\": 2, \"sector-num\": 0}\n");
    close_quorum(blk);
}

/* Flush: 0/0 sectors, one event per child, never a failure event. */
static void test_flush_errors(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");

    mem("c1")->flush_err = -EIO;
    g_assert_cmpint(blk_flush(blk), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 0, \"sector-num\": 0, "
                  "\"type\": \"flush\", \"error\": \"Input/output error\"}\n");
    mem("c0")->flush_err = -EPIPE;
    mem("c2")->flush_err = -EPIPE;
    g_assert_cmpint(blk_flush(blk), ==, -EPIPE);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 0, \"sector-num\": 0, "
                  "\"type\": \"flush\", \"error\": \"Broken pipe\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 0, \"sector-num\": 0, "
                  "\"type\": \"flush\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 0, \"sector-num\": 0, "
                  "\"type\": \"flush\", \"error\": \"Broken pipe\"}\n");
    close_quorum(blk);
}

/* sector-num = offset / 512, sectors-count covers every touched sector. */
static void test_unaligned_sectors(void)
{
    BlockBackend *blk = open_quorum(2, "vote-threshold=1");

    mem("c1")->read_err = -EIO;
    g_assert_cmpint(read_check(blk, 512, 1000, 0), ==, 0);
    g_assert_cmpint(read_check(blk, 700, 100, 0), ==, 0);
    g_assert_cmpint(read_check(blk, 511, 2, 0), ==, 0);
    g_assert_cmpint(read_check(blk, 1, 4096, 0), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 2, \"sector-num\": 1, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 1, \"sector-num\": 1, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 2, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 9, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n");
    close_quorum(blk);
}

static void test_rewrite_corrupted(void)
{
    BlockBackend *blk = open_quorum(4, "vote-threshold=2,"
                                    "rewrite-corrupted=on");

    write_pattern(blk, 0, 4096, 0x11);
    fill("c2", 100, 10, 0x22);
    mem("c3")->read_err = -EIO;
    fill("c3", 0, 4096, 0x33);
    g_assert_cmpint(read_check(blk, 0, 4096, 0x11), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c3\", "
                  "\"sectors-count\": 8, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 8, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    /* c2 lost the vote and was rewritten; c3 failed and was not. */
    for (int i = 0; i < 4096; i++) {
        g_assert_cmpint(mem("c2")->data[i], ==, 0x11);
        g_assert_cmpint(mem("c3")->data[i], ==, 0x33);
    }
    g_assert_cmpint(read_check(blk, 0, 4096, 0x11), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c3\", "
                  "\"sectors-count\": 8, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n");
    mem("c3")->read_err = 0;
    close_quorum(blk);
}

/* Some children complete later, from the event loop. */
static void test_async_children(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2,"
                                    "rewrite-corrupted=on");

    mem("c0")->async = true;
    mem("c2")->async = true;
    write_pattern(blk, 0, 2048, 0x11);
    fill("c2", 0, 1, 0x22);
    mem("c1")->read_err = -EIO;
    g_assert_cmpint(read_check(blk, 0, 2048, 0), ==, -EIO);
    /* c1 fails inline, before the async children complete */
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 4, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_FAILURE {\"reference\": \"q\", "
                  "\"sectors-count\": 4, \"sector-num\": 0}\n");
    mem("c1")->read_err = 0;
    g_assert_cmpint(read_check(blk, 0, 2048, 0x11), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 4, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    g_assert_cmpint(mem("c2")->data[0], ==, 0x11);
    mem("c0")->write_err = -EIO;
    g_assert_cmpint(read_check(blk, 0, 2048, 0x11), ==, 0);
    write_pattern(blk, 0, 512, 0x44);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"write\", \"error\": \"Input/output error\"}\n");
    mem("c0")->write_err = 0;
    close_quorum(blk);
}

static void test_fifo(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=3,read-pattern=fifo");

    fill("c1", 0, 512, 0x22);
    fill("c2", 0, 512, 0x33);
    /* No vote: child 0 answers alone. */
    g_assert_cmpint(read_check(blk, 0, 512, 0), ==, 0);
    assert_events("");
    mem("c0")->read_err = -EIO;
    g_assert_cmpint(read_check(blk, 0, 512, 0x22), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n");
    /* All fail: the last error, and still no QUORUM_FAILURE. */
    mem("c1")->read_err = -EPIPE;
    mem("c2")->read_err = -ENOSPC;
    g_assert_cmpint(read_check(blk, 0, 512, 0), ==, -ENOSPC);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": \"Broken pipe\"}\n"
                  "QUORUM_REPORT_BAD {\"node-name\": \"c2\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\", \"error\": "
                  "\"No space left on device\"}\n");
    close_quorum(blk);
}

static void test_block_status_error(void)
{
    BlockBackend *blk = open_quorum(2, "vote-threshold=1");
    int64_t pnum;
    int ret;

    mem("c0")->status_err = -EIO;
    ret = blk_block_status(blk, 4096, 8192, &pnum, NULL, NULL);
    g_assert_cmpint(ret & BDRV_BLOCK_DATA, ==, BDRV_BLOCK_DATA);
    g_assert_cmpint(pnum, ==, 8192);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c0\", "
                  "\"sectors-count\": 16, \"sector-num\": 8, "
                  "\"type\": \"read\", \"error\": \"Input/output error\"}\n");
    close_quorum(blk);
}

/*
 * This test is linked with -Wl,--wrap=quorum_hash_sha256 (meson.build):
 * the driver's calls land here, so a test can make every input collide
 * without any hook in the driver.
 */
int __real_quorum_hash_sha256(QEMUIOVector *qiov, uint8_t *digest);
int __wrap_quorum_hash_sha256(QEMUIOVector *qiov, uint8_t *digest);
static bool hash_collides;
static unsigned hash_calls;

int __wrap_quorum_hash_sha256(QEMUIOVector *qiov, uint8_t *digest)
{
    hash_calls++;
    if (hash_collides) {
        memset(digest, 0, QUORUM_HASH_SIZE);
        return 0;
    }
    return __real_quorum_hash_sha256(qiov, digest);
}

/* Every input collides: bytes must still keep the versions apart. */
static void test_forced_collisions(void)
{
    BlockBackend *blk = open_quorum(3, "vote-threshold=2");
    unsigned calls = hash_calls;

    hash_collides = true;
    write_pattern(blk, 0, 512, 0x11);
    fill("c1", 0, 512, 0x22);
    g_assert_cmpint(read_check(blk, 0, 512, 0x11), ==, 0);
    assert_events("QUORUM_REPORT_BAD {\"node-name\": \"c1\", "
                  "\"sectors-count\": 1, \"sector-num\": 0, "
                  "\"type\": \"read\"}\n");
    fill("c2", 0, 512, 0x33);
    /* A hash-only vote would see one version with 3 votes here. */
    g_assert_cmpint(read_check(blk, 0, 512, 0), ==, -EIO);
    assert_events("QUORUM_FAILURE {\"reference\": \"q\", "
                  "\"sectors-count\": 1, \"sector-num\": 0}\n");
    /* The votes above really went through the wrapped hash. */
    g_assert_cmpuint(hash_calls, >, calls);
    hash_collides = false;
    close_quorum(blk);
}

/* blkverify: a mismatch prints QEMU's line and ends the process. */
static void test_blkverify_mismatch(void)
{
    if (g_test_subprocess()) {
        BlockBackend *blk = open_quorum(2, "vote-threshold=2,blkverify=on");

        fill("c1", 1024 + 300, 1, 0x5a);
        read_check(blk, 1024, 2048, 0);
        return;
    }
    g_test_trap_subprocess(NULL, 0, 0);
    g_test_trap_assert_failed();
    /* Globs: sanitizer builds add their own lines around it. */
    g_test_trap_assert_stderr("*quorum: offset=1024 bytes=2048 contents "
                              "mismatch at offset 1324\n*");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    bdrv_init();
    test_mem_register();
    events = g_string_new("");
    qapi_event_set_emitter(record_event, NULL);

    g_test_add_func("/quorum-events/all-agree", test_all_agree);
    g_test_add_func("/quorum-events/one-bad-child", test_one_bad_child);
    g_test_add_func("/quorum-events/child0-bad", test_child0_bad);
    g_test_add_func("/quorum-events/two-bad-different",
                    test_two_bad_different);
    g_test_add_func("/quorum-events/two-bad-same", test_two_bad_same);
    g_test_add_func("/quorum-events/report-order", test_report_order);
    g_test_add_func("/quorum-events/data-tie", test_data_tie);
    g_test_add_func("/quorum-events/read-error", test_read_error);
    g_test_add_func("/quorum-events/read-errors-failure",
                    test_read_errors_failure);
    g_test_add_func("/quorum-events/error-and-mismatch",
                    test_error_and_mismatch);
    g_test_add_func("/quorum-events/write-errors", test_write_errors);
    g_test_add_func("/quorum-events/flush-errors", test_flush_errors);
    g_test_add_func("/quorum-events/unaligned-sectors",
                    test_unaligned_sectors);
    g_test_add_func("/quorum-events/rewrite-corrupted",
                    test_rewrite_corrupted);
    g_test_add_func("/quorum-events/async-children", test_async_children);
    g_test_add_func("/quorum-events/fifo", test_fifo);
    g_test_add_func("/quorum-events/block-status-error",
                    test_block_status_error);
    g_test_add_func("/quorum-events/forced-collisions",
                    test_forced_collisions);
    g_test_add_func("/quorum-events/blkverify-mismatch",
                    test_blkverify_mismatch);
    g_test_add_func("/quorum-events/bounce-spares", test_bounce_spares);
    return g_test_run();
}
