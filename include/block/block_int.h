/*
 * Driver-facing internals: the BlockDriver table and node structures.
 */
#ifndef BLOCK_INT_H
#define BLOCK_INT_H

#include "block/block.h"
#include "qemu/option.h"
#include "qemu/main-loop.h"
#include "qemu/queue.h"

struct BdrvChildClass {
    /* Parent is a node (as opposed to a BlockBackend). */
    bool parent_is_bds;
    /* Name of the parent for messages. */
    char *(*get_parent_desc)(BdrvChild *c);
    /* bdrv_replace_node() leaves the edge where it is (a job's edges). */
    bool stay_at_node;
    /* The child's connection came back (bdrv_parents_reconnected()). */
    void (*reconnected)(BdrvChild *c);
};

extern const BdrvChildClass child_of_bds;

/* "write, resize": QEMU's names of the BLK_PERM_* bits in @perm. */
char *bdrv_perm_names(uint64_t perm);

struct BdrvChild {
    BlockDriverState *bs;         /* the child node */
    char *name;                   /* "file", "image", "children.0", ... */
    const BdrvChildClass *klass;
    unsigned role;                /* BDRV_CHILD_* */
    void *opaque;                 /* the parent (BlockDriverState or BlockBackend) */
    uint64_t perm;                /* permissions taken on bs */
    uint64_t shared_perm;
    QLIST_ENTRY(BdrvChild) next;        /* in parent->children */
    QLIST_ENTRY(BdrvChild) next_parent; /* in bs->parents */
};

typedef struct BlockLimits {
    uint32_t request_alignment;   /* bytes; 1 for byte-granular drivers */
    int64_t max_transfer;         /* bytes; 0 = no limit */
    uint32_t opt_mem_alignment;   /* buffer alignment for O_DIRECT */
    uint32_t min_mem_alignment;
    int64_t max_pwrite_zeroes;
    uint32_t pwrite_zeroes_alignment;
    int64_t max_pdiscard;
    uint32_t pdiscard_alignment;
    int max_iov;
} BlockLimits;

struct BlockDriver {
    const char *format_name;
    int instance_size;            /* size of bs->opaque */

    /* Protocol drivers: "file", "null-co"; prefix before "://" or ":". */
    const char *protocol_name;
    bool is_filter;
    /* Formats (raw) open through a "file" child; protocols do not. */
    bool is_format;

    /* Probing score for the first bytes of an image (formats only). */
    int (*bdrv_probe)(const uint8_t *buf, int buf_size, const char *filename);
    /* Turn a protocol filename into options ("blkdebug:cfg:img"). */
    void (*bdrv_parse_filename)(const char *filename, QDict *options,
                                Error **errp);
    /* Does the filename need the protocol prefix to be recognised? */
    bool bdrv_needs_filename;
    /*
     * Score (0 = no) for a plain @filename naming a host device; the
     * best scorer beats "file" in bdrv_find_protocol() (QEMU's
     * find_hdev_driver: /dev/null opens with host_device).
     */
    int (*bdrv_probe_device)(const char *filename);

    /* Open: consume the options you understand from @options. */
    int (*bdrv_open)(BlockDriverState *bs, QDict *options, int flags,
                     Error **errp);
    void (*bdrv_close)(BlockDriverState *bs);

    int coroutine_fn (*bdrv_co_preadv)(BlockDriverState *bs, int64_t offset,
                                       int64_t bytes, QEMUIOVector *qiov,
                                       BdrvRequestFlags flags);
    int coroutine_fn (*bdrv_co_pwritev)(BlockDriverState *bs, int64_t offset,
                                        int64_t bytes, QEMUIOVector *qiov,
                                        BdrvRequestFlags flags);
    /*
     * Optional: put [offset, offset+bytes) into the pipe @pipe_fd as
     * references to the host's page cache, no copy (splice(2)), without
     * ever waiting for a disk.  0 when all of it is in the pipe;
     * -ENOTSUP when nothing was tried (the pipe is as it was); another
     * -errno when it failed part-way, and the pipe may hold part of it.
     * @pipe_fd -1 only asks: 0 if it would be done now, else -ENOTSUP.
     */
    int coroutine_fn (*bdrv_co_splice_read)(BlockDriverState *bs,
                                            int64_t offset, int64_t bytes,
                                            int pipe_fd);
    int coroutine_fn (*bdrv_co_pwrite_zeroes)(BlockDriverState *bs,
                                              int64_t offset, int64_t bytes,
                                              BdrvRequestFlags flags);
    int coroutine_fn (*bdrv_co_pdiscard)(BlockDriverState *bs, int64_t offset,
                                         int64_t bytes);
    /* Whole flush handled by the driver (quorum); else the two below. */
    int coroutine_fn (*bdrv_co_flush)(BlockDriverState *bs);
    int coroutine_fn (*bdrv_co_flush_to_disk)(BlockDriverState *bs);
    int coroutine_fn (*bdrv_co_flush_to_os)(BlockDriverState *bs);
    /*
     * Status of [offset, offset+bytes): BDRV_BLOCK_* flags, *pnum bytes
     * with the same status, *map and *file where OFFSET_VALID.  *pnum may
     * run past @bytes (the whole extent); block/io.c clamps it.
     */
    int coroutine_fn (*bdrv_co_block_status)(BlockDriverState *bs,
                                             bool want_zero, int64_t offset,
                                             int64_t bytes, int64_t *pnum,
                                             int64_t *map,
                                             BlockDriverState **file);
    int64_t (*bdrv_getlength)(BlockDriverState *bs);
    int64_t (*bdrv_get_allocated_file_size)(BlockDriverState *bs);
    int (*bdrv_get_info)(BlockDriverState *bs, BlockDriverInfo *bdi);
    /*
     * Statistics the driver keeps, as a new dict whose members the QMP
     * schema declares (quorum: QuorumStats); see bdrv_get_specific_stats.
     */
    QDict *(*bdrv_get_specific_stats)(BlockDriverState *bs);
    void (*bdrv_refresh_limits)(BlockDriverState *bs, Error **errp);
    /* Fill bs->exact_filename, or leave empty to get a json: name. */
    void (*bdrv_refresh_filename)(BlockDriverState *bs);
    /* Put the child options into @target (quorum's "children" list). */
    void (*bdrv_gather_child_options)(BlockDriverState *bs, QDict *target,
                                      bool backing_overridden);
    /* Runtime options that define the node's data (json: filename). */
    const char *const *strong_runtime_opts;
    /* Permission this driver needs on @c given what its parents want. */
    void (*bdrv_child_perm)(BlockDriverState *bs, BdrvChild *c,
                            unsigned role, uint64_t perm, uint64_t shared,
                            uint64_t *nperm, uint64_t *nshared);
    /*
     * The permissions all parents of @bs take in total (cumulative perm,
     * cumulative shared) are about to change: check may refuse (file
     * image locking: 'Failed to get "write" lock'); then exactly one of
     * set (commit) or abort follows.  Called on open (after bdrv_open)
     * and whenever a parent attaches, detaches or changes its perms; on
     * close block.c calls set with (0, BLK_PERM_ALL) first.
     */
    int (*bdrv_check_perm)(BlockDriverState *bs, uint64_t perm,
                           uint64_t shared, Error **errp);
    void (*bdrv_set_perm)(BlockDriverState *bs, uint64_t perm,
                          uint64_t shared);
    void (*bdrv_abort_perm_update)(BlockDriverState *bs);

    /* Image creation (qemu-img create). */
    int (*bdrv_create)(const char *filename, QDict *opts, Error **errp);
    const QemuOptDesc *create_opts;
    int coroutine_fn (*bdrv_co_truncate)(BlockDriverState *bs, int64_t offset,
                                         bool exact, Error **errp);

    /* blkdebug hooks. */
    void (*bdrv_debug_event)(BlockDriverState *bs, BlkdebugEvent event);
    int (*bdrv_debug_breakpoint)(BlockDriverState *bs, const char *event,
                                 const char *tag);
    int (*bdrv_debug_remove_breakpoint)(BlockDriverState *bs,
                                        const char *tag);
    int (*bdrv_debug_resume)(BlockDriverState *bs, const char *tag);
    bool (*bdrv_debug_is_suspended)(BlockDriverState *bs, const char *tag);

    /*
     * Reopen with new open flags (read-only, cache modes).  @opts holds
     * this node's changed options; take the ones you handle out of it.
     * prepare may fail; then exactly one of commit or abort follows.
     * Drivers without prepare cannot be reopened.
     */
    int (*bdrv_reopen_prepare)(BlockDriverState *bs, int flags, QDict *opts,
                               Error **errp);
    void (*bdrv_reopen_commit)(BlockDriverState *bs);
    void (*bdrv_reopen_abort)(BlockDriverState *bs);
    /*
     * Options besides the common ones that blockdev-reopen may leave out
     * (they return to their defaults); prepare must handle them.
     */
    const char *const *mutable_opts;

    /*
     * May a mirror of @bs replace @to_replace, a node below it, without
     * changing what @bs shows its parents?  (QEMU's hook of that name.)
     */
    bool (*bdrv_recurse_can_replace)(BlockDriverState *bs,
                                     BlockDriverState *to_replace);

    /*
     * Run-time child changes (quorum).  @sync: what the parent may assume
     * about the new child's data (x-blockdev-change's "sync"; NULL when
     * not given).
     */
    void (*bdrv_add_child)(BlockDriverState *parent, BlockDriverState *child,
                           const char *sync, Error **errp);
    void (*bdrv_del_child)(BlockDriverState *parent, BdrvChild *child,
                           Error **errp);

    /*
     * Copy what @child missed back into it, in job @job_id (quorum's
     * resync; x-quorum-resync).
     */
    bool (*bdrv_resync_child)(BlockDriverState *bs, const char *job_id,
                              BdrvChild *child, int64_t speed, Error **errp);
    /* Start job @job_id scrubbing @bs's replicas (x-quorum-scrub). */
    bool (*bdrv_scrub)(BlockDriverState *bs, const char *job_id,
                       bool repair, bool resume, int64_t speed,
                       Error **errp);
    /*
     * @child's remote end is reachable again after a loss.  Drivers
     * without this pass the news on to their own parents.
     */
    void (*bdrv_child_reconnected)(BlockDriverState *bs, BdrvChild *child);

    /* Flags the driver handles natively; others are emulated. */
    BdrvRequestFlags supported_write_flags;
    BdrvRequestFlags supported_zero_flags;

    /* Registration list. */
    BlockDriver *next_driver;
};

/* A request registered by range on the node it runs on (block/io.c). */
typedef struct BdrvTrackedRequest {
    int64_t offset;             /* aligned range the request touches */
    int64_t bytes;
    bool is_write;              /* changes data: write, zeroes, discard */
    bool serialising;           /* conflicts with everything overlapping */
    CoQueue wait_queue;         /* requests waiting for this one */
    QLIST_ENTRY(BdrvTrackedRequest) next;
} BdrvTrackedRequest;

/*
 * Watches a range of a node for writes, so that a driver that writes back
 * data it read earlier (quorum's repair of a losing child) never lands
 * after a newer write to the same bytes.  See bdrv_write_watch_begin().
 */
typedef struct BdrvWriteWatch {
    int64_t offset;
    int64_t bytes;
    bool overlapped;            /* a write to the range ran since begin */
    bool fenced;                /* @fence holds off overlapping requests */
    BdrvTrackedRequest fence;
    QLIST_ENTRY(BdrvWriteWatch) next;
} BdrvWriteWatch;

/*
 * Block-status cache (block/io.c): a few ranges that the node's driver
 * reported as data stored in the node itself at the same offset.  Only
 * "data" is ever cached, so a stale entry can make a read do more work,
 * never skip one.  Write-zeroes, discard and truncate invalidate.
 */
#define BDRV_BSC_SLOTS 4
typedef struct BdrvDataRegion {
    int64_t start;
    int64_t end;                /* exclusive; empty when end <= start */
} BdrvDataRegion;

struct BlockDriverState {
    BlockDriver *drv;
    void *opaque;                 /* driver state, drv->instance_size bytes */
    int open_flags;               /* BDRV_O_* */
    bool read_only;
    bool probed;                  /* format guessed: restrict block 0 writes */
    int refcnt;
    char node_name[32];
    char filename[4096];          /* what the user would see */
    char exact_filename[4096];    /* plain filename, or empty */
    QDict *options;               /* all options this node was opened with */
    QDict *explicit_options;      /* options the user gave */
    QDict *full_open_options;     /* json: filename source */

    BlockLimits bl;
    int64_t total_sectors;        /* cached length in 512-byte sectors */
    uint64_t supported_write_flags;
    uint64_t supported_zero_flags;

    BdrvChild *file;              /* the protocol child of format drivers */
    QLIST_HEAD(, BdrvChild) children;
    QLIST_HEAD(, BdrvChild) parents;

    unsigned in_flight;           /* requests not yet completed */
    uint64_t write_gen;           /* bumped by every completed write */
    uint64_t flushed_gen;         /* write_gen at the last good flush */
    /*
     * Requests by range: every write, and reads while a serialising
     * request (read-modify-write, a repair fence) is in flight.
     */
    QLIST_HEAD(, BdrvTrackedRequest) tracked_requests;
    unsigned serialising_in_flight;
    QLIST_HEAD(, BdrvWriteWatch) write_watches;
    /* Jobs' dirty bitmaps of this node, marked by every completed write. */
    QLIST_HEAD(, BdrvDirtyBitmap) dirty_bitmaps;
    /*
     * While > 0 (bdrv_quiesce_begin()), new requests through an edge wait
     * in @quiesce_waiters; they look at the edge again when woken, so a
     * request held across bdrv_replace_node() goes to the new node.
     */
    int quiesce_counter;
    CoQueue quiesce_waiters;
    Coroutine *quiesce_drainer;   /* woken when in_flight drops to 0 */
    BdrvDataRegion bsc[BDRV_BSC_SLOTS]; /* known data, see BdrvDataRegion */
    unsigned bsc_next;            /* slot the next fill replaces */
    uint64_t bsc_gen;             /* bumped by every invalidation */
    QTAILQ_ENTRY(BlockDriverState) node_list;
};

/* Helpers for drivers. */
static inline BlockDriverState *child_bs(BdrvChild *c) { return c ? c->bs : NULL; }
/* The default permissions for a format driver's "file" child. */
void bdrv_default_perms(BlockDriverState *bs, BdrvChild *c, unsigned role,
                        uint64_t perm, uint64_t shared,
                        uint64_t *nperm, uint64_t *nshared);
/* What all parents of @bs take together, and let others take. */
void bdrv_get_cumulative_perm(BlockDriverState *bs, uint64_t *perm,
                              uint64_t *shared);
/* Recompute @bs's cumulative permissions and pass them to its driver. */
int bdrv_update_perms(BlockDriverState *bs, Error **errp);
/* Is @needle @haystack or one of the nodes below it? */
bool bdrv_is_descendant(BlockDriverState *haystack, BlockDriverState *needle);
/* Move edge @c to node @to, keeping its permissions. */
int bdrv_child_change_bs(BdrvChild *c, BlockDriverState *to, Error **errp);
/* May a parent take @perm on @bs?  QEMU's messages when not. */
bool bdrv_check_write_perm(BlockDriverState *bs, uint64_t perm, Error **errp);
/*
 * Write watches, for drivers that write back data they read (repairs).
 * begin: from now on, note any write to [offset, offset+bytes) of @bs;
 *   a write already in flight there counts too.
 * fence: if no write touched the range since begin, hold off every new
 *   overlapping request on @bs until end and return true; the caller may
 *   then write what it read.  Otherwise return false: what it read may be
 *   older than what a caller was told is written, so it must not write it.
 * end: drop the watch and its fence.  Never yields.
 */
void bdrv_write_watch_begin(BlockDriverState *bs, BdrvWriteWatch *w,
                            int64_t offset, int64_t bytes);
bool bdrv_write_watch_fence(BlockDriverState *bs, BdrvWriteWatch *w);
void bdrv_write_watch_end(BlockDriverState *bs, BdrvWriteWatch *w);
/*
 * Work on @bs that outlives its request (quorum's laggard children):
 * drains and quiesces wait for it as for a request.
 */
void bdrv_inc_in_flight(BlockDriverState *bs);
void bdrv_dec_in_flight(BlockDriverState *bs);
/* Forget what the block-status cache knows about [offset, offset+bytes). */
void bdrv_bsc_invalidate(BlockDriverState *bs, int64_t offset, int64_t bytes);
/* Recompute bs->bl from the children and the driver. */
bool bdrv_refresh_limits(BlockDriverState *bs, Error **errp);
/* Re-read the length from the driver into bs->total_sectors. */
int bdrv_refresh_total_sectors(BlockDriverState *bs, int64_t hint);

/* Driver registration: each driver file ends with block_init(fn). */
#define block_init(fn) \
    static void __attribute__((constructor)) do_block_init_ ## fn(void) { fn(); }

#endif
