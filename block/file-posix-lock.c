/*
 * Image locking of the file protocol driver, as QEMU's so that both
 * exclude each other: an OFD read lock on byte 100+N while this process
 * holds permission bit N, and on byte 200+N while it does not share
 * bit N.  The block layer's permission callbacks turn into these.
 */
#include "qemu/osdep.h"
#include "block/block_int.h"
#include "file-posix-int.h"

#define RAW_LOCK_PERM_BASE   100
#define RAW_LOCK_SHARED_BASE 200
/* One lock byte per BLK_PERM_* bit. */
#define RAW_LOCK_NBITS       4

static int raw_lock_byte(int fd, int64_t off, int type)
{
    struct flock fl = {
        .l_whence = SEEK_SET,
        .l_start = off,
        .l_len = 1,
        .l_type = type,
    };

    if (fcntl(fd, F_OFD_SETLK, &fl) == -1) {
        return -errno;
    }
    return 0;
}

/* 0 if nobody else holds a lock on @off, -EAGAIN if someone does. */
static int raw_test_byte(int fd, int64_t off)
{
    struct flock fl = {
        .l_whence = SEEK_SET,
        .l_start = off,
        .l_len = 1,
        .l_type = F_WRLCK,
    };

    if (fcntl(fd, F_OFD_GETLK, &fl) == -1) {
        return -errno;
    }
    return fl.l_type == F_UNLCK ? 0 : -EAGAIN;
}

static void raw_lock_error(Error **errp, int err, const char *msg)
{
    if (err == EAGAIN) {
        error_setg(errp, "%s", msg);
    } else {
        error_setg_errno(errp, err, "%s", msg);
    }
}

/*
 * Hold the lock bytes for @perm_bits and @unshared_bits.  With @unlock,
 * also drop the bytes held (per @s, or all when @s is NULL) outside them.
 */
int raw_apply_lock_bytes(BDRVRawState *s, int fd, uint64_t perm_bits,
                         uint64_t unshared_bits, bool unlock, Error **errp)
{
    uint64_t held_perm, held_shared;

    if (s) {
        held_perm = s->locked_perm;
        held_shared = s->locked_shared_perm;
    } else {
        held_perm = held_shared = unlock ? BLK_PERM_ALL : 0;
    }
    for (int pass = 0; pass < 2; pass++) {
        int base = pass ? RAW_LOCK_SHARED_BASE : RAW_LOCK_PERM_BASE;
        uint64_t want = pass ? unshared_bits : perm_bits;
        uint64_t *held = pass ? &held_shared : &held_perm;
        uint64_t *track = s ? (pass ? &s->locked_shared_perm
                                    : &s->locked_perm) : NULL;

        for (int i = 0; i < RAW_LOCK_NBITS; i++) {
            uint64_t bit = 1ULL << i;
            char msg[64];
            int ret;

            if ((want & bit) && !(*held & bit)) {
                ret = raw_lock_byte(fd, base + i, F_RDLCK);
                if (ret) {
                    snprintf(msg, sizeof(msg), "Failed to lock byte %d",
                             base + i);
                    raw_lock_error(errp, -ret, msg);
                    return ret;
                }
                if (track) {
                    *track |= bit;
                }
            } else if (unlock && (*held & bit) && !(want & bit)) {
                ret = raw_lock_byte(fd, base + i, F_UNLCK);
                if (ret) {
                    error_setg_errno(errp, -ret, "Failed to unlock byte %d",
                                     base + i);
                    return ret;
                }
                if (track) {
                    *track &= ~bit;
                }
            }
        }
    }
    return 0;
}

/* Does anybody else conflict with us taking @perm and sharing @shared? */
int raw_check_lock_bytes(int fd, uint64_t perm, uint64_t shared,
                         Error **errp)
{
    char msg[64];
    int ret;

    for (int i = 0; i < RAW_LOCK_NBITS; i++) {
        if ((perm & (1ULL << i)) &&
            (ret = raw_test_byte(fd, RAW_LOCK_SHARED_BASE + i))) {
            g_autofree char *name = bdrv_perm_names(1ULL << i);

            snprintf(msg, sizeof(msg), "Failed to get \"%s\" lock", name);
            raw_lock_error(errp, -ret, msg);
            return ret;
        }
    }
    for (int i = 0; i < RAW_LOCK_NBITS; i++) {
        if (!(shared & (1ULL << i)) &&
            (ret = raw_test_byte(fd, RAW_LOCK_PERM_BASE + i))) {
            g_autofree char *name = bdrv_perm_names(1ULL << i);

            snprintf(msg, sizeof(msg), "Failed to get shared \"%s\" lock",
                     name);
            raw_lock_error(errp, -ret, msg);
            return ret;
        }
    }
    return 0;
}

int raw_check_perm(BlockDriverState *bs, uint64_t perm,
                   uint64_t shared, Error **errp)
{
    BDRVRawState *s = bs->opaque;
    int ret;

    if (!s->use_lock) {
        return 0;
    }
    if ((s->perm | perm) == s->perm &&
        (s->shared_perm & shared) == s->shared_perm) {
        /* Only unlocking ahead: cannot conflict. */
        return 0;
    }
    ret = raw_apply_lock_bytes(s, s->fd, s->perm | perm,
                               ~s->shared_perm | ~shared, false, errp);
    if (!ret) {
        ret = raw_check_lock_bytes(s->fd, perm, shared, errp);
        if (!ret) {
            return 0;
        }
        error_append_hint(errp, "Is another process using the image [%s]?\n",
                          bs->filename);
    }
    /* Back to what we had before. */
    raw_apply_lock_bytes(s, s->fd, s->perm, ~s->shared_perm, true, NULL);
    return ret;
}

void raw_set_perm(BlockDriverState *bs, uint64_t perm, uint64_t shared)
{
    BDRVRawState *s = bs->opaque;

    if (s->use_lock) {
        Error *local_err = NULL;

        raw_apply_lock_bytes(s, s->fd, perm, ~shared, true, &local_err);
        if (local_err) {
            warn_report_err(local_err);
        }
    }
    s->perm = perm;
    s->shared_perm = shared;
}

void raw_abort_perm_update(BlockDriverState *bs)
{
    BDRVRawState *s = bs->opaque;

    if (s->use_lock) {
        raw_apply_lock_bytes(s, s->fd, s->perm, ~s->shared_perm, true, NULL);
    }
}
