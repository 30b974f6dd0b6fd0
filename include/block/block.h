/*
 * The block layer's public interface: the node graph and the request path.
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/qdict.h"
#include "qemu/iov.h"
#include "qemu/coroutine.h"

typedef struct BlockDriver BlockDriver;
typedef struct BlockDriverState BlockDriverState;
typedef struct BdrvChild BdrvChild;
typedef struct BdrvChildClass BdrvChildClass;

#define BDRV_SECTOR_BITS   9
#define BDRV_SECTOR_SIZE   (1ULL << BDRV_SECTOR_BITS)
/* Largest request the block layer accepts (as QEMU: INT_MAX aligned). */
#define BDRV_REQUEST_MAX_BYTES  (INT32_MAX & ~(BDRV_SECTOR_SIZE - 1))
#define BDRV_MAX_LENGTH  (INT64_MAX & ~(int64_t)(BDRV_SECTOR_SIZE - 1))

/* Open flags (bs->open_flags). */
enum {
    BDRV_O_NO_SHARE     = 0x0001,
    BDRV_O_RDWR         = 0x0002,
    BDRV_O_RESIZE       = 0x0004,
    BDRV_O_SNAPSHOT     = 0x0008,
    BDRV_O_TEMPORARY    = 0x0010,
    BDRV_O_NOCACHE      = 0x0020,  /* O_DIRECT: cache.direct=on */
    BDRV_O_NATIVE_AIO   = 0x0080,  /* aio=native */
    BDRV_O_NO_BACKING   = 0x0100,
    BDRV_O_NO_FLUSH     = 0x0200,  /* cache.no-flush=on */
    BDRV_O_COPY_ON_READ = 0x0400,  /* qemu-io -C: copy-on-read */
    BDRV_O_UNMAP        = 0x4000,  /* discard=unmap: pass discards down */
    BDRV_O_PROTOCOL     = 0x8000,  /* open a protocol node directly */
    BDRV_O_NO_IO        = 0x10000,
    BDRV_O_AUTO_RDONLY  = 0x20000,
    BDRV_O_IO_URING     = 0x40000, /* aio=io_uring */
};
#define BDRV_O_CACHE_MASK  (BDRV_O_NOCACHE | BDRV_O_NO_FLUSH)

/* Option names that map to flags, as QEMU. */
#define BDRV_OPT_CACHE_DIRECT   "cache.direct"
#define BDRV_OPT_CACHE_NO_FLUSH "cache.no-flush"
#define BDRV_OPT_READ_ONLY      "read-only"
#define BDRV_OPT_AUTO_READ_ONLY "auto-read-only"
#define BDRV_OPT_DISCARD        "discard"
#define BDRV_OPT_FORCE_SHARE    "force-share"

typedef enum BdrvRequestFlags {
    BDRV_REQ_COPY_ON_READ   = 0x1,
    BDRV_REQ_ZERO_WRITE     = 0x2,
    BDRV_REQ_MAY_UNMAP      = 0x4,
    BDRV_REQ_FUA            = 0x10,
    BDRV_REQ_WRITE_COMPRESSED = 0x20,
    BDRV_REQ_WRITE_UNCHANGED = 0x40,
    BDRV_REQ_SERIALISING    = 0x80,
    BDRV_REQ_NO_FALLBACK    = 0x100,
    BDRV_REQ_PREFETCH       = 0x200,
    BDRV_REQ_NO_WAIT        = 0x400,
    BDRV_REQ_MASK           = 0x7ff,
} BdrvRequestFlags;

/* block_status results, as QEMU's BDRV_BLOCK_*. */
#define BDRV_BLOCK_DATA         0x01
#define BDRV_BLOCK_ZERO         0x02
#define BDRV_BLOCK_OFFSET_VALID 0x04
#define BDRV_BLOCK_RAW          0x08
#define BDRV_BLOCK_ALLOCATED    0x10
#define BDRV_BLOCK_EOF          0x20
#define BDRV_BLOCK_RECURSE      0x40

/* Child roles (QEMU's BdrvChildRole). */
enum {
    BDRV_CHILD_DATA         = (1 << 0),
    BDRV_CHILD_METADATA     = (1 << 1),
    BDRV_CHILD_FILTERED     = (1 << 2),
    BDRV_CHILD_COW          = (1 << 3),
    BDRV_CHILD_PRIMARY      = (1 << 4),
    BDRV_CHILD_IMAGE        = BDRV_CHILD_DATA | BDRV_CHILD_METADATA,
};

/* Permissions, as QEMU's BLK_PERM_*. */
enum {
    BLK_PERM_CONSISTENT_READ = 0x01,
    BLK_PERM_WRITE           = 0x02,
    BLK_PERM_WRITE_UNCHANGED = 0x04,
    BLK_PERM_RESIZE          = 0x08,
    BLK_PERM_ALL             = 0x0f,
    DEFAULT_PERM_PASSTHROUGH = BLK_PERM_CONSISTENT_READ | BLK_PERM_WRITE
                               | BLK_PERM_WRITE_UNCHANGED | BLK_PERM_RESIZE,
    DEFAULT_PERM_UNCHANGED   = BLK_PERM_ALL & ~DEFAULT_PERM_PASSTHROUGH,
};

/* blkdebug events, fired by drivers at interesting points (BLKDBG_EVENT). */
typedef enum BlkdebugEvent {
#define BLKDBG_EVENT_DEF(sym, name) sym,
#include "block/blkdebug-events.def"
#undef BLKDBG_EVENT_DEF
    BLKDBG__MAX,
} BlkdebugEvent;
extern const char *const BlkdebugEvent_str[BLKDBG__MAX];
/* Returns the event for @name or -1. */
int blkdebug_event_from_name(const char *name);

/* QAPI's PreallocMode (file-posix create/truncate, qemu-img, qemu-io). */
typedef enum PreallocMode {
    PREALLOC_MODE_OFF,
    PREALLOC_MODE_METADATA,
    PREALLOC_MODE_FALLOC,
    PREALLOC_MODE_FULL,
    PREALLOC_MODE__MAX,
} PreallocMode;
extern const char *const PreallocMode_str[PREALLOC_MODE__MAX];

void bdrv_init(void);   /* registers every driver; call once at start */
void bdrv_register(BlockDriver *drv);
BlockDriver *bdrv_find_format(const char *format_name);
/* Iterate format names in registration order (for help lists). */
void bdrv_iterate_format(void (*it)(void *opaque, const char *name),
                         void *opaque);

/*
 * Open a node.  @filename may be NULL, a plain path, a protocol
 * filename ("null-co://", "blkdebug:cfg:img") or "json:{...}".
 * @options is consumed (ownership taken, may be NULL).
 */
BlockDriverState *bdrv_open(const char *filename, const char *reference,
                            QDict *options, int flags, Error **errp);
void bdrv_ref(BlockDriverState *bs);
void bdrv_unref(BlockDriverState *bs);

/* Open a child of @parent from the options under "@bdref_key." (or a
 * reference string in options[@bdref_key]). */
BdrvChild *bdrv_open_child(const char *filename, QDict *options,
                           const char *bdref_key, BlockDriverState *parent,
                           const BdrvChildClass *child_class,
                           unsigned role, bool allow_none, Error **errp);
BdrvChild *bdrv_attach_child(BlockDriverState *parent,
                             BlockDriverState *child_bs,
                             const char *child_name,
                             const BdrvChildClass *child_class,
                             unsigned role, Error **errp);
void bdrv_unref_child(BlockDriverState *parent, BdrvChild *child);
/* Edges from parents that are not nodes (BlockBackend, export, job). */
BdrvChild *bdrv_root_attach_child(BlockDriverState *child_bs,
                                  const char *child_name,
                                  const BdrvChildClass *child_class,
                                  unsigned role, uint64_t perm,
                                  uint64_t shared, void *opaque,
                                  Error **errp);
void bdrv_root_unref_child(BdrvChild *child);
int bdrv_child_set_perm(BdrvChild *c, uint64_t perm, uint64_t shared,
                        Error **errp);
/*
 * Make every parent of @from use @to instead (edges whose class says
 * stay_at_node are left alone); permissions are moved with them.
 * Nothing changes on failure.
 */
int bdrv_replace_node(BlockDriverState *from, BlockDriverState *to,
                      Error **errp);
/*
 * Hold new requests to @bs at its edges, and (in a coroutine) wait until
 * those in flight are done; nests.  bdrv_quiesce_end() lets them go.
 */
void coroutine_fn bdrv_co_quiesce_begin(BlockDriverState *bs);
void bdrv_quiesce_end(BlockDriverState *bs);

BlockDriverState *bdrv_find_node(const char *node_name);
/* Iterate named nodes (NULL starts): all nodes have a name. */
BlockDriverState *bdrv_next_node(BlockDriverState *bs);
/* Find by node name; "Cannot find device='X' nor node-name='X'". */
BlockDriverState *bdrv_lookup_bs(const char *device, const char *node_name,
                                 Error **errp);
const char *bdrv_get_node_name(const BlockDriverState *bs);
const char *bdrv_get_device_or_node_name(const BlockDriverState *bs);
const char *bdrv_get_format_name(BlockDriverState *bs);
bool bdrv_is_read_only(BlockDriverState *bs);
bool bdrv_has_parents(BlockDriverState *bs);

/* block/graph-query.c */
/* A parent that is not a node (BlockBackend, export) uses @bs. */
bool bdrv_has_blk(BlockDriverState *bs);
/* The node a filter driver passes requests to; NULL for non-filters. */
BlockDriverState *bdrv_filter_bs(BlockDriverState *bs);
/* @parent's child edge called @name ("file", "children.1"), or NULL. */
BdrvChild *bdrv_find_child(BlockDriverState *parent, const char *name);
/*
 * A new dict of the statistics @bs's driver keeps (QEMU's
 * bdrv_get_specific_stats), or NULL with @errp set when it keeps none.
 */
QDict *bdrv_get_specific_stats(BlockDriverState *bs, Error **errp);

/* Rebuild bs->filename / bs->full_open_options (json: form). */
void bdrv_refresh_filename(BlockDriverState *bs);

/* What qemu-io 'info' and qemu-img info's dirty-flag report. */
typedef struct BlockDriverInfo {
    int cluster_size;           /* 0: no clusters */
    int64_t vm_state_offset;
    bool is_dirty;
} BlockDriverInfo;

/* -ENOTSUP for drivers that have nothing to say (filters forward). */
int bdrv_get_info(BlockDriverState *bs, BlockDriverInfo *bdi);

int64_t bdrv_getlength(BlockDriverState *bs);
/* On-disk allocation of the node's files, or -ENOTSUP. */
int64_t bdrv_get_allocated_file_size(BlockDriverState *bs);

/* Coroutine request path, byte-based.  Returns 0 or -errno. */
int coroutine_fn bdrv_co_preadv(BdrvChild *child, int64_t offset,
                                int64_t bytes, QEMUIOVector *qiov,
                                BdrvRequestFlags flags);
int coroutine_fn bdrv_co_pwritev(BdrvChild *child, int64_t offset,
                                 int64_t bytes, QEMUIOVector *qiov,
                                 BdrvRequestFlags flags);
/*
 * Read into a pipe without copying, where the graph below @child allows
 * it (a raw format over a file whose range is in the page cache): 0 when
 * all @bytes are in @pipe_fd; -ENOTSUP when not here, the pipe as it
 * was; another -errno when it failed part-way, and then the pipe may
 * hold part of them.  Never waits for a disk.  With @pipe_fd -1 it only
 * asks whether it would (0) or not (-ENOTSUP), and moves nothing.
 */
int coroutine_fn bdrv_co_splice_read(BdrvChild *child, int64_t offset,
                                     int64_t bytes, int pipe_fd);
int coroutine_fn bdrv_co_pwrite_zeroes(BdrvChild *child, int64_t offset,
                                       int64_t bytes, BdrvRequestFlags flags);
int coroutine_fn bdrv_co_pdiscard(BdrvChild *child, int64_t offset,
                                  int64_t bytes);
/* Resize through @child, which must hold BLK_PERM_RESIZE. */
int coroutine_fn bdrv_co_truncate(BdrvChild *child, int64_t offset,
                                  bool exact, Error **errp);
int coroutine_fn bdrv_co_flush(BlockDriverState *bs);
int coroutine_fn bdrv_co_block_status(BlockDriverState *bs, bool want_zero,
                                      int64_t offset, int64_t bytes,
                                      int64_t *pnum, int64_t *map,
                                      BlockDriverState **file);

/* Synchronous wrappers: run the coroutine version and poll the loop. */
int bdrv_pread(BdrvChild *child, int64_t offset, int64_t bytes, void *buf,
               BdrvRequestFlags flags);
int bdrv_pwrite(BdrvChild *child, int64_t offset, int64_t bytes,
                const void *buf, BdrvRequestFlags flags);
int bdrv_flush(BlockDriverState *bs);
int bdrv_block_status(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum, int64_t *map, BlockDriverState **file);
/* Allocation in this node (for qemu-io alloc/map). */
int bdrv_is_allocated(BlockDriverState *bs, int64_t offset, int64_t bytes,
                      int64_t *pnum);

/* Fire a blkdebug event on @child's node (no-op unless a driver cares). */
void bdrv_debug_event(BlockDriverState *bs, BlkdebugEvent event);
#define BLKDBG_EVENT(child, evt) \
    do { if (child) { bdrv_debug_event((child)->bs, evt); } } while (0)
int bdrv_debug_breakpoint(BlockDriverState *bs, const char *event,
                          const char *tag);
int bdrv_debug_remove_breakpoint(BlockDriverState *bs, const char *tag);
int bdrv_debug_resume(BlockDriverState *bs, const char *tag);
bool bdrv_debug_is_suspended(BlockDriverState *bs, const char *tag);

/* Wait until no request is in flight on @bs (NULL: all nodes). */
void bdrv_drain(BlockDriverState *bs);
void bdrv_drain_all(void);
/* Flush and close every node (shutdown). */
void bdrv_close_all(void);

/* Aligned buffer suitable for @bs (O_DIRECT). */
void *qemu_blockalign(BlockDriverState *bs, size_t size);
void *qemu_try_blockalign(BlockDriverState *bs, size_t size);
size_t bdrv_opt_mem_align(BlockDriverState *bs);

/* Child list management for drivers such as quorum (x-blockdev-change). */
void bdrv_add_child(BlockDriverState *parent, BlockDriverState *child,
                    const char *sync, Error **errp);
void bdrv_del_child(BlockDriverState *parent, BdrvChild *child, Error **errp);
/* Start job @job_id copying into @bs's child @child what it missed. */
bool bdrv_resync_child(BlockDriverState *bs, const char *job_id,
                       const char *child, int64_t speed, Error **errp);
/* Start job @job_id scrubbing @bs's replicas. */
bool bdrv_scrub(BlockDriverState *bs, const char *job_id, bool repair,
                bool resume, int64_t speed, Error **errp);
/* @bs's connection came back: tell its parents (BdrvChildClass). */
void bdrv_parents_reconnected(BlockDriverState *bs);

/*
 * Image creation (qemu-img create): @opts holds the creation options
 * ("size", ...).  bdrv_create_file() picks the protocol from @filename.
 */
int bdrv_create(BlockDriver *drv, const char *filename, QDict *opts,
                Error **errp);
int bdrv_create_file(const char *filename, QDict *opts, Error **errp);
/* Protocol driver for a filename ("null-co://" -> null-co, else file). */
BlockDriver *bdrv_find_protocol(const char *filename, bool allow_protocol_prefix,
                                Error **errp);

/*
 * Change a node's options at run time, as QEMU's bdrv_reopen: @opts
 * (flat, consumed) may set read-only, cache.direct and cache.no-flush for
 * the node and, with a "child." prefix, for its children; flags not set
 * are inherited down the tree.  Any other option must keep its value
 * ("Cannot change the option 'x'").
 */
int bdrv_reopen(BlockDriverState *bs, QDict *opts, Error **errp);
/*
 * blockdev-reopen: reopen each @bs[i] with exactly the flat options
 * @opts[i] (consumed); options not given return to their defaults,
 * children given inline follow, children named by reference keep their
 * options, and "file" may name another node.  All nodes or none.
 */
int bdrv_reopen_multiple(BlockDriverState **bs, QDict **opts, size_t n,
                         Error **errp);

/* Parse "none", "writeback", ... into BDRV_O_* flags and writethrough. */
int bdrv_parse_cache_mode(const char *mode, int *flags, bool *writethrough);
/* Parse "threads", "native", "io_uring". */
int bdrv_parse_aio(const char *mode, int *flags);

#endif
