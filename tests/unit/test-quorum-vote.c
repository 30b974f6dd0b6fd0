/*
 * The quorum vote on its own: version lists, QEMU's tie rule, the error
 * vote, and that a hash collision never merges different data.
 */
#include "qemu/osdep.h"
#include "block/quorum-vote.h"

#define MAXC 8
#define LEN 64

/* Children's data: one letter per child, '-' for a failed read. */
typedef struct Votes {
    int n;
    uint8_t data[MAXC][LEN];
    QEMUIOVector qiov[MAXC];
    QEMUIOVector *qiovs[MAXC];
} Votes;

static void votes_init(Votes *v, const char *pattern)
{
    v->n = strlen(pattern);
    g_assert_cmpint(v->n, <=, MAXC);
    for (int i = 0; i < v->n; i++) {
        memset(v->data[i], pattern[i], LEN);
        qemu_iovec_init_buf(&v->qiov[i], v->data[i], LEN);
        v->qiovs[i] = pattern[i] == '-' ? NULL : &v->qiov[i];
    }
}

/* Run the vote and return the winner's letter; *votes its vote count. */
static char vote_letter(const char *pattern, QuorumHashFunc *hash, int *votes,
                        QuorumVote *out)
{
    Votes v;
    QuorumVote vote;
    char letter;
    int w;

    votes_init(&v, pattern);
    quorum_vote_init(&vote, v.n);
    w = quorum_vote_count(&vote, v.qiovs, hash);
    g_assert_cmpint(w, >=, 0);
    *votes = vote.versions[w].votes;
    letter = pattern[vote.versions[w].first];
    if (out) {
        *out = vote;
    } else {
        quorum_vote_destroy(&vote);
    }
    return letter;
}

static void test_unanimous(void)
{
    int votes;

    g_assert_cmpint(vote_letter("AAA", quorum_hash_sha256, &votes, NULL), ==,
                    'A');
    g_assert_cmpint(votes, ==, 3);
}

static void test_majority(void)
{
    QuorumVote vote;
    int votes;

    g_assert_cmpint(vote_letter("AAB", quorum_hash_sha256, &votes, &vote), ==,
                    'A');
    g_assert_cmpint(votes, ==, 2);
    g_assert_cmpint(vote.nb_versions, ==, 2);
    g_assert_cmpint(vote.version_of[0], ==, 0);
    g_assert_cmpint(vote.version_of[1], ==, 0);
    g_assert_cmpint(vote.version_of[2], ==, 1);
    g_assert_cmpint(vote.versions[1].first, ==, 2);
    quorum_vote_destroy(&vote);

    g_assert_cmpint(vote_letter("BAA", quorum_hash_sha256, &votes, NULL), ==,
                    'A');
    g_assert_cmpint(vote_letter("ABCBD", quorum_hash_sha256, &votes, NULL),
                    ==, 'B');
    g_assert_cmpint(votes, ==, 2);
}

/* QEMU: the tied version first seen at the highest child index wins. */
static void test_ties(void)
{
    int votes;

    g_assert_cmpint(vote_letter("AB", quorum_hash_sha256, &votes, NULL), ==,
                    'B');
    g_assert_cmpint(vote_letter("AABB", quorum_hash_sha256, &votes, NULL), ==,
                    'B');
    g_assert_cmpint(vote_letter("ABBA", quorum_hash_sha256, &votes, NULL), ==,
                    'B');
    g_assert_cmpint(vote_letter("ABAB", quorum_hash_sha256, &votes, NULL), ==,
                    'B');
    g_assert_cmpint(vote_letter("ABC", quorum_hash_sha256, &votes, NULL), ==,
                    'C');
    g_assert_cmpint(vote_letter("CBAAB", quorum_hash_sha256, &votes, NULL),
                    ==, 'A');
    g_assert_cmpint(votes, ==, 2);
}

static void test_failed_children(void)
{
    QuorumVote vote;
    int votes;

    g_assert_cmpint(vote_letter("-AB-B", quorum_hash_sha256, &votes, &vote),
                    ==, 'B');
    g_assert_cmpint(votes, ==, 2);
    g_assert_cmpint(vote.version_of[0], ==, -1);
    g_assert_cmpint(vote.version_of[3], ==, -1);
    g_assert_cmpint(vote.versions[1].first, ==, 2);
    quorum_vote_destroy(&vote);
}

static void test_nobody_voted(void)
{
    Votes v;
    QuorumVote vote;

    votes_init(&v, "---");
    quorum_vote_init(&vote, v.n);
    g_assert_cmpint(quorum_vote_count(&vote, v.qiovs, quorum_hash_sha256), ==,
                    -ENOENT);
    quorum_vote_destroy(&vote);
}

/* Every input hashes the same: only the byte comparison separates them. */
static int collide_hash(QEMUIOVector *qiov, uint8_t *digest)
{
    memset(digest, 0x42, QUORUM_HASH_SIZE);
    return 0;
}

/* Only the first byte counts: "same prefix" inputs collide. */
static int prefix_hash(QEMUIOVector *qiov, uint8_t *digest)
{
    memset(digest, 0, QUORUM_HASH_SIZE);
    iov_to_buf(qiov->iov, qiov->niov, 0, digest, 1);
    return 0;
}

static void test_collisions(void)
{
    QuorumVote vote;
    int votes;

    /* With a hash-only vote "ABA" would be one version of 3 votes. */
    g_assert_cmpint(vote_letter("ABA", collide_hash, &votes, &vote), ==, 'A');
    g_assert_cmpint(votes, ==, 2);
    g_assert_cmpint(vote.nb_versions, ==, 2);
    quorum_vote_destroy(&vote);

    g_assert_cmpint(vote_letter("ABCB", collide_hash, &votes, &vote), ==,
                    'B');
    g_assert_cmpint(votes, ==, 2);
    g_assert_cmpint(vote.nb_versions, ==, 3);
    quorum_vote_destroy(&vote);

    /* Same hash, different bytes late in the buffer. */
    {
        Votes v;

        votes_init(&v, "AAA");
        v.data[1][LEN - 1] = 'Z';
        v.data[2][LEN - 1] = 'Z';
        quorum_vote_init(&vote, v.n);
        g_assert_cmpint(quorum_vote_count(&vote, v.qiovs, prefix_hash), ==,
                        1);
        g_assert_cmpint(vote.versions[1].votes, ==, 2);
        g_assert_cmpint(vote.versions[1].first, ==, 1);
        g_assert_cmpint(vote.version_of[0], ==, 0);
        quorum_vote_destroy(&vote);
    }
}

static int failing_hash(QEMUIOVector *qiov, uint8_t *digest)
{
    return -EINVAL;
}

static void test_hash_failure(void)
{
    Votes v;
    QuorumVote vote;

    votes_init(&v, "AB");
    quorum_vote_init(&vote, v.n);
    g_assert_cmpint(quorum_vote_count(&vote, v.qiovs, failing_hash), ==,
                    -EINVAL);
    quorum_vote_destroy(&vote);
}

/* Scattered and flat buffers holding the same bytes are one version. */
static void test_scattered(void)
{
    uint8_t flat[LEN], a[10], b[LEN - 10];
    QEMUIOVector q0, q1;
    QEMUIOVector *qiovs[2] = { &q0, &q1 };
    QuorumVote vote;

    for (int i = 0; i < LEN; i++) {
        flat[i] = i;
    }
    memcpy(a, flat, 10);
    memcpy(b, flat + 10, LEN - 10);
    qemu_iovec_init(&q0, 2);
    qemu_iovec_add(&q0, a, sizeof(a));
    qemu_iovec_add(&q0, b, sizeof(b));
    qemu_iovec_init_buf(&q1, flat, LEN);
    quorum_vote_init(&vote, 2);
    g_assert_cmpint(quorum_vote_count(&vote, qiovs, quorum_hash_sha256), ==,
                    0);
    g_assert_cmpint(vote.versions[0].votes, ==, 2);
    quorum_vote_destroy(&vote);
    qemu_iovec_destroy(&q0);
}

static void test_error_vote(void)
{
    int r1[] = { -EIO, -EPIPE };
    int r2[] = { -EIO, -EIO, -EPIPE };
    int r3[] = { 0, 0, 0 };
    int r4[] = { 0, -EIO, -ENOSPC, -ENOSPC, -EIO };
    int r5[] = { -ENOSPC, 0, -EIO, 0 };
    int r6[] = { -EPIPE, -EIO, -EIO, -EPIPE, -ENOSPC };

    g_assert_cmpint(quorum_vote_error(r1, 2), ==, -EPIPE);
    g_assert_cmpint(quorum_vote_error(r2, 3), ==, -EIO);
    g_assert_cmpint(quorum_vote_error(r3, 3), ==, 0);
    g_assert_cmpint(quorum_vote_error(r4, 5), ==, -ENOSPC);
    g_assert_cmpint(quorum_vote_error(r5, 4), ==, -EIO);
    g_assert_cmpint(quorum_vote_error(r6, 5), ==, -EIO);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/quorum-vote/unanimous", test_unanimous);
    g_test_add_func("/quorum-vote/majority", test_majority);
    g_test_add_func("/quorum-vote/ties", test_ties);
    g_test_add_func("/quorum-vote/failed-children", test_failed_children);
    g_test_add_func("/quorum-vote/nobody-voted", test_nobody_voted);
    g_test_add_func("/quorum-vote/collisions", test_collisions);
    g_test_add_func("/quorum-vote/hash-failure", test_hash_failure);
    g_test_add_func("/quorum-vote/scattered", test_scattered);
    g_test_add_func("/quorum-vote/error-vote", test_error_vote);
    return g_test_run();
}
