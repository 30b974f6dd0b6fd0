/*
 * What each quorum child missed: one dirty bitmap per child, optionally
 * kept in a file (the quorum option dirty-bitmap-file) so that it
 * survives a restart.  See docs/self-healing.md.
 *
 * The file holds a header, a table of up to QUORUM_DIRTY_MAX_SLOTS
 * slots named after the children ("children.N"), and one bitmap per
 * slot.  A slot outlives its child: while the child is detached, every
 * write marks it, so the child can come back knowing what it missed.
 *
 * Single-threaded: the main loop owns every log; only the file writes of
 * quorum_dirty_log_sync() run in a worker thread, on a snapshot.
 */
#ifndef BLOCK_QUORUM_DIRTY_H
#define BLOCK_QUORUM_DIRTY_H

#include "block/dirty-bitmap.h"
#include "qemu/coroutine.h"

#define QUORUM_DIRTY_MAX_SLOTS 64
#define QUORUM_DIRTY_NAME_MAX  40

typedef struct QuorumDirtyLog QuorumDirtyLog;

/*
 * A log for a quorum of @length bytes.  @path NULL: in memory only.  An
 * existing file must have been written for the same length and
 * granularity; a missing or empty one is created (*@created true).
 */
QuorumDirtyLog *quorum_dirty_log_new(const char *path, int64_t length,
                                     uint32_t granularity, bool *created,
                                     Error **errp);
void quorum_dirty_log_free(QuorumDirtyLog *log);
const char *quorum_dirty_log_path(const QuorumDirtyLog *log);

/*
 * The bitmap of child @name, attached (no longer marked as detached).
 * *@known says whether the log already had a slot for it; a new slot
 * starts clean.
 */
BdrvDirtyBitmap *quorum_dirty_log_attach(QuorumDirtyLog *log,
                                         const char *name, bool *known,
                                         Error **errp);
/*
 * Child @name leaves the quorum.  With a file its slot stays, detached:
 * quorum_dirty_log_mark_detached() marks it from now on.  Without one
 * the slot goes.
 */
void quorum_dirty_log_detach(QuorumDirtyLog *log, const char *name);
/* Forget child @name's slot altogether (sync=full or none re-adds). */
void quorum_dirty_log_drop(QuorumDirtyLog *log, const char *name);

/* Set or clear bits of an attached bitmap; durable at the next sync. */
void quorum_dirty_log_mark(QuorumDirtyLog *log, BdrvDirtyBitmap *bitmap,
                           int64_t offset, int64_t bytes);
void quorum_dirty_log_clear(QuorumDirtyLog *log, BdrvDirtyBitmap *bitmap,
                            int64_t offset, int64_t bytes);
/* A write to the quorum: every detached slot missed it. */
void quorum_dirty_log_mark_detached(QuorumDirtyLog *log, int64_t offset,
                                    int64_t bytes);
/* No attached child has a dirty byte (the read path's fast check). */
bool quorum_dirty_log_attached_clean(const QuorumDirtyLog *log);
/* Whether some detached slot exists (the write path's fast check). */
bool quorum_dirty_log_has_detached(const QuorumDirtyLog *log);

/*
 * Make every mark made so far durable in the file (pwrite + fdatasync in
 * a worker); clears made so far go along.  Concurrent callers share one
 * write.  0 at once without a file or when nothing changed.
 */
int coroutine_fn quorum_dirty_log_sync(QuorumDirtyLog *log);
/*
 * Where an interrupted scrub resumes (0: from the start); kept in the
 * file's header.  Setting it writes the header (blocking, rarely).
 */
int64_t quorum_dirty_log_scrub_pos(const QuorumDirtyLog *log);
void quorum_dirty_log_set_scrub_pos(QuorumDirtyLog *log, int64_t pos);

/* The same from anywhere, waiting in the event loop outside coroutines. */
int quorum_dirty_log_sync_now(QuorumDirtyLog *log);

#endif
