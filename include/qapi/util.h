/*
 * String <-> enum: one parser for every table of names (QAPI enums, driver
 * options, command line choices), with the two messages QEMU 7.2 prints.
 *
 * A table is an array of names indexed by the enum value.  @n is its
 * length; a negative @n means the array ends with a NULL entry.  NULL
 * entries inside a table (values without a name) never match.
 */
#ifndef QAPI_UTIL_H
#define QAPI_UTIL_H

#include "qemu/osdep.h"
#include "qapi/error.h"

/* The index of @value in @names, or -1. */
int qapi_enum_lookup(const char *const *names, int n, const char *value);

/*
 * QEMU's qapi_enum_parse(): @def when @value is NULL, else its index;
 * an unknown value is "invalid parameter value: VALUE" and -1.
 */
int qapi_enum_parse(const char *const *names, int n, const char *value,
                    int def, Error **errp);

/*
 * An enum member as QEMU's input visitors report it: an unknown value is
 * "Parameter 'PARAM' does not accept value 'VALUE'" and -1.
 */
int qapi_enum_parse_param(const char *param, const char *const *names, int n,
                          const char *value, Error **errp);

#endif
