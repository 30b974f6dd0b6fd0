/*
 * Names of blkdebug events (shared by the blkdebug driver and qemu-io).
 */
#include "qemu/osdep.h"
#include "block/block.h"
#include "qapi/util.h"

const char *const BlkdebugEvent_str[BLKDBG__MAX] = {
#define BLKDBG_EVENT_DEF(sym, name) [sym] = name,
#include "block/blkdebug-events.def"
#undef BLKDBG_EVENT_DEF
};

int blkdebug_event_from_name(const char *name)
{
    return qapi_enum_lookup(BlkdebugEvent_str, BLKDBG__MAX, name);
}
