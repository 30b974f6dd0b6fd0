/*
 * String -> enum lookups with QEMU's messages (see qapi/util.h).
 */
#include "qemu/osdep.h"
#include "qapi/util.h"

int qapi_enum_lookup(const char *const *names, int n, const char *value)
{
    for (int i = 0; n < 0 ? names[i] != NULL : i < n; i++) {
        if (names[i] && !strcmp(names[i], value)) {
            return i;
        }
    }
    return -1;
}

int qapi_enum_parse(const char *const *names, int n, const char *value,
                    int def, Error **errp)
{
    int i;

    if (!value) {
        return def;
    }
    i = qapi_enum_lookup(names, n, value);
    if (i < 0) {
        error_setg(errp, "invalid parameter value: %s", value);
    }
    return i;
}

int qapi_enum_parse_param(const char *param, const char *const *names, int n,
                          const char *value, Error **errp)
{
    int i = qapi_enum_lookup(names, n, value);

    if (i < 0) {
        error_setg(errp, "Parameter '%s' does not accept value '%s'", param,
                   value);
    }
    return i;
}
