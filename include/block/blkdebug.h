/*
 * blkdebug rule engine: the configuration (file and inline options) and
 * the rules it produces, kept apart from the driver so that it can be
 * tested without a node graph.
 */
#ifndef BLOCK_BLKDEBUG_H
#define BLOCK_BLKDEBUG_H

#include "block/block.h"
#include "qemu/queue.h"

/* Request types an inject-error rule may be limited to (QAPI names). */
typedef enum BlkdebugIOType {
    BLKDEBUG_IO_TYPE_READ,
    BLKDEBUG_IO_TYPE_WRITE,
    BLKDEBUG_IO_TYPE_WRITE_ZEROES,
    BLKDEBUG_IO_TYPE_DISCARD,
    BLKDEBUG_IO_TYPE_FLUSH,
    BLKDEBUG_IO_TYPE_BLOCK_STATUS,
    BLKDEBUG_IO_TYPE__MAX,
} BlkdebugIOType;

extern const char *const BlkdebugIOType_str[BLKDEBUG_IO_TYPE__MAX];

typedef enum BlkdebugAction {
    BLKDEBUG_ACTION_INJECT_ERROR,
    BLKDEBUG_ACTION_SET_STATE,
    BLKDEBUG_ACTION_SUSPEND,
    BLKDEBUG_ACTION__MAX,
} BlkdebugAction;

typedef struct BlkdebugRule {
    BlkdebugEvent event;
    BlkdebugAction action;
    int state;                      /* only in this state; 0 = any */
    union {
        struct {
            uint64_t iotype_mask;   /* 1 << BlkdebugIOType */
            int error;              /* positive errno; 0 injects nothing */
            bool immediately;       /* fail without a trip through the loop */
            bool once;              /* the rule goes away after it fired */
            int64_t offset;         /* byte offset, or -1 for any */
        } inject;
        struct {
            int new_state;
        } set_state;
        struct {
            char *tag;
        } suspend;
    } options;
    QLIST_ENTRY(BlkdebugRule) next;
    QTAILQ_ENTRY(BlkdebugRule) active_next;
} BlkdebugRule;

typedef struct BlkdebugRules {
    int state;                      /* starts at 1 */
    QLIST_HEAD(, BlkdebugRule) rules[BLKDBG__MAX];
    /* inject-error rules armed by the last event that had any */
    QTAILQ_HEAD(, BlkdebugRule) active_rules;
} BlkdebugRules;

void blkdebug_rules_init(BlkdebugRules *r);
void blkdebug_rules_destroy(BlkdebugRules *r);

/*
 * Read the rules of the config file @filename (may be NULL) and of the
 * "inject-error.*" / "set-state.*" entries of @options (consumed), with
 * QEMU's messages.  Returns 0 or -errno.
 */
int blkdebug_read_config(BlkdebugRules *r, const char *filename,
                         QDict *options, Error **errp);

/*
 * Fire @event: arm the matching inject-error rules, apply set-state
 * rules and hand every matching breakpoint to @suspend (the rule is then
 * removed).  Returns how many breakpoints fired.
 */
typedef void BlkdebugSuspendFunc(void *opaque, const char *tag);
int blkdebug_rules_event(BlkdebugRules *r, BlkdebugEvent event,
                         BlkdebugSuspendFunc *suspend, void *opaque);

/*
 * The error (positive errno) an armed rule injects into a request of
 * @iotype on [offset, offset + bytes), or 0.  A "once" rule is consumed.
 */
int blkdebug_rules_check(BlkdebugRules *r, uint64_t offset, uint64_t bytes,
                         BlkdebugIOType iotype, bool *immediately);

/* Breakpoints: -ENOENT for an unknown event. */
int blkdebug_rules_add_breakpoint(BlkdebugRules *r, const char *event,
                                  const char *tag);
/* Drop the breakpoints named @tag that have not fired; false if none. */
bool blkdebug_rules_remove_breakpoints(BlkdebugRules *r, const char *tag);

#endif
