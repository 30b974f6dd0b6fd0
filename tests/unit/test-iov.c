/*
 * Scatter-gather helpers.
 */
#include "qemu/osdep.h"
#include "qemu/iov.h"

static void make_qiov(QEMUIOVector *q, uint8_t *buf, const size_t *lens,
                      int n)
{
    qemu_iovec_init(q, 1);
    for (int i = 0; i < n; i++) {
        qemu_iovec_add(q, buf, lens[i]);
        buf += lens[i];
    }
}

static void test_to_from_buf(void)
{
    uint8_t store[100], out[100], in[100];
    static const size_t lens[] = { 1, 10, 0, 39, 50 };
    QEMUIOVector q;

    for (int i = 0; i < 100; i++) {
        in[i] = i;
    }
    make_qiov(&q, store, lens, ARRAY_SIZE(lens));
    g_assert_cmpuint(q.size, ==, 100);
    g_assert_cmpuint(qemu_iovec_from_buf(&q, 0, in, 100), ==, 100);
    g_assert_cmpmem(store, 100, in, 100);
    memset(out, 0, sizeof(out));
    g_assert_cmpuint(qemu_iovec_to_buf(&q, 5, out, 60), ==, 60);
    g_assert_cmpmem(out, 60, in + 5, 60);
    /* Past the end copies nothing. */
    g_assert_cmpuint(qemu_iovec_to_buf(&q, 100, out, 10), ==, 0);
    qemu_iovec_memset(&q, 95, 0xee, 50);
    g_assert_cmpint(store[94], ==, 94);
    g_assert_cmpint(store[95], ==, 0xee);
    g_assert_cmpint(store[99], ==, 0xee);
    qemu_iovec_destroy(&q);
}

static void test_slice(void)
{
    uint8_t store[64];
    static const size_t lens[] = { 16, 16, 32 };
    QEMUIOVector q, s;

    make_qiov(&q, store, lens, ARRAY_SIZE(lens));
    /* Inside one element: no allocation, a single iov. */
    qemu_iovec_init_slice(&s, &q, 18, 10);
    g_assert_cmpint(s.niov, ==, 1);
    g_assert_true(s.iov[0].iov_base == store + 18);
    qemu_iovec_destroy(&s);
    /* Across elements. */
    qemu_iovec_init_slice(&s, &q, 10, 30);
    g_assert_cmpint(s.niov, ==, 3);
    g_assert_cmpuint(s.size, ==, 30);
    g_assert_true(s.iov[0].iov_base == store + 10);
    g_assert_cmpuint(s.iov[2].iov_len, ==, 8);
    qemu_iovec_destroy(&s);
    qemu_iovec_destroy(&q);
}

static void test_compare(void)
{
    uint8_t a[40], b[40];
    static const size_t la[] = { 7, 33 }, lb[] = { 20, 20 };
    QEMUIOVector qa, qb;

    memset(a, 1, sizeof(a));
    memset(b, 1, sizeof(b));
    make_qiov(&qa, a, la, 2);
    make_qiov(&qb, b, lb, 2);
    g_assert_cmpint(qemu_iovec_compare(&qa, &qb), ==, -1);
    b[25] = 2;
    g_assert_cmpint(qemu_iovec_compare(&qa, &qb), ==, 25);
    b[3] = 2;
    g_assert_cmpint(qemu_iovec_compare(&qa, &qb), ==, 3);
    qemu_iovec_destroy(&qa);
    qemu_iovec_destroy(&qb);
}

static void test_zero(void)
{
    uint8_t buf[4096] = { 0 };
    QEMUIOVector q;

    g_assert_true(buffer_is_zero(buf, sizeof(buf)));
    g_assert_true(buffer_is_zero(buf, 0));
    buf[4095] = 1;
    g_assert_false(buffer_is_zero(buf, sizeof(buf)));
    g_assert_true(buffer_is_zero(buf, 4095));
    qemu_iovec_init_buf(&q, buf, sizeof(buf));
    g_assert_false(qemu_iovec_is_zero(&q, 0, 4096));
    g_assert_true(qemu_iovec_is_zero(&q, 100, 3995));
}

static void test_copy_data(void)
{
    uint8_t a[30], b[30];
    static const size_t la[] = { 3, 27 }, lb[] = { 29, 1 };
    QEMUIOVector qa, qb;

    for (int i = 0; i < 30; i++) {
        a[i] = i * 3;
    }
    memset(b, 0, sizeof(b));
    make_qiov(&qa, a, la, 2);
    make_qiov(&qb, b, lb, 2);
    qemu_iovec_copy_data(&qb, &qa);
    g_assert_cmpmem(a, 30, b, 30);
    qemu_iovec_destroy(&qa);
    qemu_iovec_destroy(&qb);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/iov/to-from-buf", test_to_from_buf);
    g_test_add_func("/iov/slice", test_slice);
    g_test_add_func("/iov/compare", test_compare);
    g_test_add_func("/iov/zero", test_zero);
    g_test_add_func("/iov/copy-data", test_copy_data);
    return g_test_run();
}
