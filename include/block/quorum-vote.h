/*
 * The quorum vote, free of any block-layer state so that it can be unit
 * tested: which children agree, which version wins, which errno wins.
 *
 * QEMU groups children by the SHA-256 of their data.  We do the same but
 * confirm every membership by comparing bytes, so a hash collision can
 * never merge two different versions: the hash only narrows the search.
 */
#ifndef BLOCK_QUORUM_VOTE_H
#define BLOCK_QUORUM_VOTE_H

#include "qemu/osdep.h"
#include "qemu/iov.h"

#define QUORUM_HASH_SIZE 32

/* Digest @qiov into @digest (QUORUM_HASH_SIZE bytes).  0 or -errno. */
typedef int QuorumHashFunc(QEMUIOVector *qiov, uint8_t *digest);

/* SHA-256 through gnutls, as the original quorum series. */
int quorum_hash_sha256(QEMUIOVector *qiov, uint8_t *digest);

typedef struct QuorumVersion {
    uint8_t digest[QUORUM_HASH_SIZE];
    int first;          /* lowest child index voting for it: the content */
    int votes;
} QuorumVersion;

/*
 * One data vote over @n children.  Versions are kept in creation order
 * (the order children first showed them); version_of[i] is child i's
 * version or -1 if the child did not vote (its read failed).
 */
typedef struct QuorumVote {
    int n;
    int nb_versions;
    QuorumVersion *versions;
    int *version_of;
} QuorumVote;

void quorum_vote_init(QuorumVote *v, int n);
void quorum_vote_destroy(QuorumVote *v);

/*
 * Count the votes of every child whose qiovs[i] is non-NULL, hashing with
 * @hash.  Returns the winning version: most votes, ties going to the
 * version created last (QEMU's rule).  -errno if hashing failed, -ENOENT
 * if nobody voted.
 */
int quorum_vote_count(QuorumVote *v, QEMUIOVector **qiovs,
                      QuorumHashFunc *hash);

/*
 * The error vote: the most common non-zero value of rets[0..n-1], ties
 * going to the value first seen at the highest index.  0 if all are 0.
 */
int quorum_vote_error(const int *rets, int n);

#endif
