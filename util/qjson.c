/*
 * JSON text <-> jansson values with QEMU's observable behaviour.
 *
 * Parsing is jansson's (json_loadb).  Its failures are mapped to QEMU's
 * messages by a small classifier that looks at jansson's error text and
 * at the input up to the error position; it does not parse anything
 * itself.  Behaviour that QEMU's own parser has and jansson lacks is
 * listed under "Decisions" in docs/architecture.md.  "\u0000" is stored
 * as QEMU does, in modified UTF-8 ("\xC0\x80").
 *
 * Serialization is QEMU's JSON writer: ", " and ": " separators, dict
 * members in QEMU's hash order, control characters, DEL and non-ASCII
 * as \uXXXX (surrogate pairs beyond the BMP, U+FFFD for invalid bytes),
 * '/' not escaped, doubles as "%.17g".  No library can reproduce QEMU's
 * member order, so this half stays hand-written.
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"
#include "qemu/qdict.h"

/* QEMU rejects input nested deeper than this (jansson allows 2048). */
#define MAX_NESTING 1024

/* Deepest bracket nesting within str[0, len), skipping strings. */
static int json_depth(const char *str, size_t len)
{
    bool in_str = false;
    int depth = 0, max = 0;
    size_t i;

    for (i = 0; i < len; i++) {
        if (in_str) {
            if (str[i] == '\\') {
                i++;
            } else if (str[i] == '"') {
                in_str = false;
            }
        } else if (str[i] == '"') {
            in_str = true;
        } else if (str[i] == '[' || str[i] == '{') {
            max = MAX(max, ++depth);
        } else if (str[i] == ']' || str[i] == '}') {
            depth--;
        }
    }
    return max;
}

/* jansson's message prefixes and the QEMU text for the same mistake */
static const struct {
    const char *jansson;
    const char *qemu;
} json_error_map[] = {
    { "duplicate object key", "JSON parse error, duplicate key" },
    { "maximum parsing depth", "JSON nesting depth limit exceeded" },
    { "':' expected", "JSON parse error, missing : in object pair" },
    { "'}' expected", "JSON parse error, expected separator in dict" },
    { "']' expected", "JSON parse error, expected separator in list" },
    { "unexpected token", "JSON parse error, expecting value" },
    { "invalid escape", "JSON parse error, invalid escape sequence in string" },
    { "unable to decode byte",
      "JSON parse error, invalid UTF-8 sequence in string" },
};

/*
 * Report jansson's failure @e on @str with QEMU's wording where that is
 * cheap to tell.  "near" is the token jansson stopped at (jansson leaves
 * it out when it is longer than 20 bytes).
 */
static void json_error(const char *str, size_t len, const json_error_t *e,
                       Error **errp)
{
    size_t pos = MIN((size_t)MAX(e->position, 0), len);
    const char *text = e->text;
    const char *near = strstr(text, " near '");
    bool bad_token = g_str_has_prefix(text, "invalid token") ||
                     g_str_has_prefix(text, "premature end of input");
    bool bad_key = g_str_has_prefix(text, "string or '}' expected");
    g_autofree char *tok = NULL;
    bool word, keyword;
    size_t i;

    if (near && g_str_has_suffix(near, "'")) {
        near += strlen(" near '");
        tok = g_strndup(near, strlen(near) - 1);
    }
    word = tok && *tok && !tok[strspn(tok, "abcdefghijklmnopqrstuvwxyz")];
    keyword = word && (!strcmp(tok, "true") || !strcmp(tok, "false") ||
                       !strcmp(tok, "null"));

    if (strspn(str, " \t\r\n") == len) {
        error_setg(errp, "Expecting a JSON value");
    } else if (json_depth(str, pos) > MAX_NESTING) {
        error_setg(errp, "JSON nesting depth limit exceeded");
    } else if (g_str_has_prefix(text, "end of file expected")) {
        error_setg(errp, "Expecting at most one JSON value");
    } else if (g_str_has_suffix(text, " near end of file")) {
        error_setg(errp, "JSON parse error, premature EOI");
    } else if (word && !keyword && (bad_token || bad_key)) {
        error_setg(errp, "JSON parse error, invalid keyword '%s'", tok);
    } else if (tok && bad_token) {
        error_setg(errp, "JSON parse error, stray '%s'", tok);
    } else if (tok && bad_key && *tok && strchr(",:]}", *tok)) {
        error_setg(errp, "JSON parse error, expecting value");
    } else if (tok && bad_key && (keyword || strchr("-0123456789[{", *tok))) {
        error_setg(errp, "JSON parse error, key is not a string in object");
    } else {
        for (i = 0; i < G_N_ELEMENTS(json_error_map); i++) {
            if (g_str_has_prefix(text, json_error_map[i].jansson)) {
                error_setg(errp, "%s", json_error_map[i].qemu);
                return;
            }
        }
        /* jansson's own text, lower-case like QEMU's ("NUL" kept) */
        error_setg(errp, "JSON parse error, %c%s",
                   g_ascii_isupper(text[1]) ? text[0]
                   : g_ascii_tolower(text[0]), text + 1);
    }
}

/* Store NULs from "\u0000" as QEMU does (C0 80), so C callers see them. */
static void json_nul_to_mod_utf8(QObject *o)
{
    const char *key, *s;
    QObject *v;
    GString *buf;
    size_t i, len;

    switch (json_typeof(o)) {
    case JSON_OBJECT:
        json_object_foreach(o, key, v) {
            json_nul_to_mod_utf8(v);
        }
        break;
    case JSON_ARRAY:
        json_array_foreach(o, i, v) {
            json_nul_to_mod_utf8(v);
        }
        break;
    case JSON_STRING:
        s = json_string_value(o);
        len = json_string_length(o);
        if (!memchr(s, 0, len)) {
            break;
        }
        buf = g_string_sized_new(len + 8);
        for (i = 0; i < len; i++) {
            if (s[i]) {
                g_string_append_c(buf, s[i]);
            } else {
                g_string_append_len(buf, "\xC0\x80", 2);
            }
        }
        json_string_setn_nocheck(o, buf->str, buf->len);
        g_string_free(buf, true);
        break;
    default:
        break;
    }
}

QObject *qobject_from_json(const char *str, Error **errp)
{
    size_t len = strlen(str);
    json_error_t e;
    QObject *o;

    o = json_loadb(str, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES |
                   JSON_ALLOW_NUL, &e);
    if (!o) {
        json_error(str, len, &e, errp);
        return NULL;
    }
    /* jansson nests deeper than QEMU; 2 * MAX_NESTING chars are needed */
    if (len > 2 * MAX_NESTING && json_depth(str, len) > MAX_NESTING) {
        json_decref(o);
        error_setg(errp, "JSON nesting depth limit exceeded");
        return NULL;
    }
    if (strstr(str, "\\u0000")) {
        json_nul_to_mod_utf8(o);
    }
    return o;
}

/* Writer */

static void write_str(GString *out, const char *str)
{
    const char *p;
    char *end;
    int cp;

    g_string_append_c(out, '"');
    for (p = str; *p; p = end) {
        cp = mod_utf8_codepoint(p, 6, &end);
        if (end == p) {
            end++;                  /* cannot happen for *p != 0 */
        }
        switch (cp) {
        case '"':
            g_string_append(out, "\\\"");
            break;
        case '\\':
            g_string_append(out, "\\\\");
            break;
        case '\b':
            g_string_append(out, "\\b");
            break;
        case '\f':
            g_string_append(out, "\\f");
            break;
        case '\n':
            g_string_append(out, "\\n");
            break;
        case '\r':
            g_string_append(out, "\\r");
            break;
        case '\t':
            g_string_append(out, "\\t");
            break;
        default:
            if (cp < 0) {
                cp = 0xFFFD;
            }
            if (cp > 0xFFFF) {
                g_string_append_printf(out, "\\u%04X\\u%04X",
                                       0xD800 + ((cp - 0x10000) >> 10),
                                       0xDC00 + ((cp - 0x10000) & 0x3FF));
            } else if (cp < 0x20 || cp >= 0x7F) {
                g_string_append_printf(out, "\\u%04X", cp);
            } else {
                g_string_append_c(out, cp);
            }
        }
    }
    g_string_append_c(out, '"');
}

static void write_indent(GString *out, bool pretty, int depth)
{
    if (pretty) {
        g_string_append_printf(out, "\n%*s", depth * 4, "");
    }
}

static void write_value(GString *out, const QObject *o, bool pretty,
                        int depth)
{
    size_t i;

    switch (json_typeof(o)) {
    case JSON_OBJECT: {
        g_auto(GStrv) keys = qdict_qemu_keys(o);

        g_string_append_c(out, '{');
        for (i = 0; keys[i]; i++) {
            if (i) {
                g_string_append_c(out, ',');
                if (!pretty) {
                    g_string_append_c(out, ' ');
                }
            }
            write_indent(out, pretty, depth + 1);
            write_str(out, keys[i]);
            g_string_append(out, ": ");
            write_value(out, json_object_get(o, keys[i]), pretty, depth + 1);
        }
        write_indent(out, pretty, depth);
        g_string_append_c(out, '}');
        break;
    }
    case JSON_ARRAY:
        g_string_append_c(out, '[');
        for (i = 0; i < json_array_size(o); i++) {
            if (i) {
                g_string_append_c(out, ',');
                if (!pretty) {
                    g_string_append_c(out, ' ');
                }
            }
            write_indent(out, pretty, depth + 1);
            write_value(out, json_array_get(o, i), pretty, depth + 1);
        }
        write_indent(out, pretty, depth);
        g_string_append_c(out, ']');
        break;
    case JSON_STRING:
        write_str(out, json_string_value(o));
        break;
    case JSON_INTEGER:
        g_string_append_printf(out, "%" JSON_INTEGER_FORMAT,
                               json_integer_value(o));
        break;
    case JSON_REAL:
        g_string_append_printf(out, "%.17g", json_real_value(o));
        break;
    case JSON_TRUE:
        g_string_append(out, "true");
        break;
    case JSON_FALSE:
        g_string_append(out, "false");
        break;
    case JSON_NULL:
        g_string_append(out, "null");
        break;
    }
}

char *qobject_to_json_qemu(const QObject *o)
{
    GString *out = g_string_new(NULL);

    write_value(out, o, false, 0);
    return g_string_free(out, false);
}

char *qobject_to_json_qemu_pretty(const QObject *o)
{
    GString *out = g_string_new(NULL);

    write_value(out, o, true, 0);
    return g_string_free(out, false);
}
