/*
 * Names of blkdebug events (shared by the blkdebug driver and qemu-io).
 */
#include "qemu/osdep.h"
#include "block/block.h"

const char *const BlkdebugEvent_str[BLKDBG__MAX] = {
#define BLKDBG_EVENT_DEF(sym, name) [sym] = name,
#include "block/blkdebug-events.def"
#undef BLKDBG_EVENT_DEF
};

int blkdebug_event_from_name(const char *name)
{
    for (int i = 0; i < BLKDBG__MAX; i++) {
        if (!strcmp(BlkdebugEvent_str[i], name)) {
            return i;
        }
    }
    return -1;
}
