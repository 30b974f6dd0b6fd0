/*
 * Fuzz target for blkdebug's configuration: the config file parser
 * (QEMU's -readconfig syntax), the inline "inject-error.N.*" and
 * "set-state.N.*" options, and the rule engine they feed.
 *
 * An input is up to three parts separated by NUL bytes:
 *   1. the config file's contents,
 *   2. inline options as a key=value string ("inject-error.0.event=...",
 *      parsed by keyval_parse_flat() as blkdebug's options are),
 *   3. a sequence of events, one byte each: the byte picks the event
 *      that fires, then a request of the next byte's type at the offset
 *      of the following bytes is checked against the armed rules.
 */
#include "qemu/osdep.h"
#include "block/blkdebug.h"
#include "tests/fuzz/fuzz.h"
#include <sys/mman.h>

static int config_fd = -1;
static char config_path[64];

static void suspend_cb(void *opaque, const char *tag)
{
    (*(unsigned *)opaque)++;
}

static void run_events(BlkdebugRules *r, const uint8_t *p, size_t len)
{
    unsigned suspended = 0;

    for (size_t i = 0; i < len; i += 4) {
        uint64_t offset = 0;
        bool immediately = false;

        blkdebug_rules_event(r, p[i] % BLKDBG__MAX, suspend_cb, &suspended);
        if (i + 1 < len) {
            if (i + 3 < len) {
                offset = (uint64_t)(p[i + 2] | p[i + 3] << 8) << 9;
            }
            blkdebug_rules_check(r, offset, 4096,
                                 p[i + 1] % BLKDEBUG_IO_TYPE__MAX,
                                 &immediately);
        }
        if (p[i] & 0x80) {
            blkdebug_rules_add_breakpoint(r, BlkdebugEvent_str[p[i] % BLKDBG__MAX],
                                          "tag");
        }
        if ((p[i] & 0xc0) == 0x40) {
            blkdebug_rules_remove_breakpoints(r, "tag");
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *end = data + size;
    const uint8_t *conf_end = memchr(data, 0, size);
    const uint8_t *opts_end = NULL;
    g_autofree char *optstr = NULL;
    BlkdebugRules rules;
    QDict *options = NULL;
    Error *err = NULL;

    if (config_fd < 0) {
        config_fd = memfd_create("blkdebug.conf", MFD_CLOEXEC);
        if (config_fd < 0) {
            abort();
        }
        snprintf(config_path, sizeof(config_path), "/proc/self/fd/%d",
                 config_fd);
    }
    if (!conf_end) {
        conf_end = end;
    }
    if (ftruncate(config_fd, 0) < 0 ||
        pwrite(config_fd, data, conf_end - data, 0) != conf_end - data) {
        abort();
    }
    if (conf_end < end) {
        opts_end = memchr(conf_end + 1, 0, end - conf_end - 1);
        if (!opts_end) {
            opts_end = end;
        }
        optstr = g_strndup((const char *)conf_end + 1,
                           opts_end - conf_end - 1);
        options = keyval_parse_flat(optstr, NULL, NULL);
        if (!options) {
            return 0;
        }
    }
    if (!options) {
        options = qdict_new();
    }

    blkdebug_rules_init(&rules);
    if (blkdebug_read_config(&rules, config_path, options, &err) < 0) {
        error_free(err);
    } else if (opts_end && opts_end < end) {
        run_events(&rules, opts_end + 1, end - opts_end - 1);
    }
    blkdebug_rules_destroy(&rules);
    qobject_unref(options);
    return 0;
}
