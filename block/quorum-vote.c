/*
 * Quorum vote: version lists, the tie rule and the error vote.
 */
#include "qemu/osdep.h"
#include "block/quorum-vote.h"
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

int quorum_hash_sha256(QEMUIOVector *qiov, uint8_t *digest)
{
    gnutls_hash_hd_t dig;

    if (gnutls_hash_init(&dig, GNUTLS_DIG_SHA256) < 0) {
        return -EINVAL;
    }
    for (int i = 0; i < qiov->niov; i++) {
        if (gnutls_hash(dig, qiov->iov[i].iov_base, qiov->iov[i].iov_len) < 0) {
            gnutls_hash_deinit(dig, NULL);
            return -EINVAL;
        }
    }
    gnutls_hash_deinit(dig, digest);
    return 0;
}

void quorum_vote_init(QuorumVote *v, int n)
{
    v->n = n;
    v->nb_versions = 0;
    v->versions = g_new(QuorumVersion, n);
    v->version_of = g_new(int, n);
    for (int i = 0; i < n; i++) {
        v->version_of[i] = -1;
    }
}

void quorum_vote_destroy(QuorumVote *v)
{
    g_free(v->versions);
    g_free(v->version_of);
    v->versions = NULL;
    v->version_of = NULL;
}

/* Ties go to the version created last, so scan with ">=". */
static int quorum_vote_winner(QuorumVote *v)
{
    int best = -ENOENT;

    for (int i = 0; i < v->nb_versions; i++) {
        if (best < 0 || v->versions[i].votes >= v->versions[best].votes) {
            best = i;
        }
    }
    return best;
}

int quorum_vote_count(QuorumVote *v, QEMUIOVector **qiovs,
                      QuorumHashFunc *hash)
{
    uint8_t digest[QUORUM_HASH_SIZE];

    for (int i = 0; i < v->n; i++) {
        QuorumVersion *ver = NULL;
        int ret;

        if (!qiovs[i]) {
            continue;
        }
        ret = hash(qiovs[i], digest);
        if (ret < 0) {
            return ret;
        }
        for (int k = 0; k < v->nb_versions; k++) {
            QuorumVersion *cand = &v->versions[k];

            /* Equal digests only nominate; equal bytes decide. */
            if (!memcmp(cand->digest, digest, QUORUM_HASH_SIZE) &&
                qemu_iovec_compare(qiovs[cand->first], qiovs[i]) < 0) {
                ver = cand;
                v->version_of[i] = k;
                break;
            }
        }
        if (!ver) {
            ver = &v->versions[v->nb_versions];
            memcpy(ver->digest, digest, QUORUM_HASH_SIZE);
            ver->first = i;
            ver->votes = 0;
            v->version_of[i] = v->nb_versions++;
        }
        ver->votes++;
    }
    return quorum_vote_winner(v);
}

int quorum_vote_error(const int *rets, int n)
{
    int best = 0, best_votes = 0;

    /*
     * A value is "created" at its first occurrence; among values with the
     * most votes the one created last wins.  n is small: quadratic is fine.
     */
    for (int i = 0; i < n; i++) {
        int votes = 0;
        bool seen_before = false;

        if (!rets[i]) {
            continue;
        }
        for (int j = 0; j < i && !seen_before; j++) {
            seen_before = rets[j] == rets[i];
        }
        if (seen_before) {
            continue;
        }
        for (int j = i; j < n; j++) {
            votes += rets[j] == rets[i];
        }
        if (votes >= best_votes) {
            best = rets[i];
            best_votes = votes;
        }
    }
    return best;
}
