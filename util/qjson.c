/*
 * JSON text <-> jansson values with QEMU's observable behaviour.
 *
 * Parsing follows QEMU's three stages so that malformed input yields
 * QEMU's exact messages: a lexer (with error recovery), a streamer that
 * cuts the token stream into values by bracket counting, and a
 * recursive-descent parser where the first error wins.  Extensions that
 * QEMU accepts are accepted too: single-quoted strings and the \'
 * escape.  Strings are stored in QEMU's modified UTF-8 ("\u0000" becomes
 * "\xC0\x80").
 *
 * Serialization is QEMU's JSON writer: ", " and ": " separators, dict
 * members in QEMU's hash order, control characters, DEL and non-ASCII
 * as \uXXXX (surrogate pairs beyond the BMP, U+FFFD for invalid bytes),
 * '/' not escaped, doubles as "%.17g".
 */
#include "qemu/osdep.h"
#include <math.h>
#include "qemu/cutils.h"
#include "qemu/qdict.h"

#define MAX_TOKEN_SIZE (64ULL << 20)
#define MAX_TOKEN_COUNT (2ULL << 20)
#define MAX_NESTING 1024

typedef enum TokType {
    TOK_ERROR = 0,
    TOK_LCURLY,
    TOK_RCURLY,
    TOK_LSQUARE,
    TOK_RSQUARE,
    TOK_COLON,
    TOK_COMMA,
    TOK_INTEGER,
    TOK_FLOAT,
    TOK_KEYWORD,
    TOK_STRING,
    TOK_END_OF_INPUT,
} TokType;

typedef struct JSONToken {
    TokType type;
    char *str;
} JSONToken;

/* Lexer states; a state is left by consuming a char or by lookahead. */
typedef enum LexState {
    LX_START,
    LX_RECOVERY,
    LX_DQ_STRING,
    LX_DQ_ESCAPE,
    LX_SQ_STRING,
    LX_SQ_ESCAPE,
    LX_ZERO,
    LX_DIGITS,
    LX_SIGN,
    LX_MANTISSA,
    LX_MANTISSA_DIGITS,
    LX_EXP_E,
    LX_EXP_SIGN,
    LX_EXP_DIGITS,
    LX_KEYWORD,
} LexState;

typedef struct JSONParseState {
    /* lexer */
    LexState state;
    GString *token;
    /* streamer */
    GPtrArray *tokens;          /* JSONToken * of the current value */
    int brace_count;
    int bracket_count;
    uint64_t token_size;
    /* results */
    QObject *result;
    Error *err;
} JSONParseState;

/* Parser context for one value's tokens. */
typedef struct JSONParserContext {
    GPtrArray *tokens;
    guint pos;
    Error *err;
} JSONParserContext;

static void token_free(gpointer p)
{
    JSONToken *t = p;

    g_free(t->str);
    g_free(t);
}

static void G_GNUC_PRINTF(2, 3) parse_error(JSONParserContext *ctxt,
                                            const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (ctxt->err) {
        return;                 /* the first error is the one reported */
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    error_setg(&ctxt->err, "JSON parse error, %s", msg);
    g_free(msg);
}

static JSONToken *peek_token(JSONParserContext *ctxt)
{
    return ctxt->pos < ctxt->tokens->len
        ? g_ptr_array_index(ctxt->tokens, ctxt->pos) : NULL;
}

static JSONToken *pop_token(JSONParserContext *ctxt)
{
    JSONToken *t = peek_token(ctxt);

    if (t) {
        ctxt->pos++;
    }
    return t;
}

static int hex4(const char *s)
{
    int cp = 0, i;

    for (i = 0; i < 4; i++) {
        if (!g_ascii_isxdigit(s[i])) {
            return -1;
        }
        cp = (cp << 4) | g_ascii_xdigit_value(s[i]);
    }
    return cp;
}

static QObject *parse_string(JSONParserContext *ctxt, JSONToken *token)
{
    const char *ptr = token->str;
    const char *tok_end = token->str + strlen(token->str);
    char quote = *ptr++;
    GString *str = g_string_new(NULL);
    char utf8[5];
    const char *beg;
    char *end;
    int cp, trailing;

    while (*ptr != quote) {
        if (*ptr != '\\') {
            cp = mod_utf8_codepoint(ptr, 6, &end);
            if (cp < 0) {
                parse_error(ctxt, "invalid UTF-8 sequence in string");
                goto fail;
            }
            g_string_append_len(str, ptr, end - ptr);
            ptr = end;
            continue;
        }
        beg = ptr++;
        switch (*ptr++) {
        case '"':
            g_string_append_c(str, '"');
            break;
        case '\'':
            g_string_append_c(str, '\'');
            break;
        case '\\':
            g_string_append_c(str, '\\');
            break;
        case '/':
            g_string_append_c(str, '/');
            break;
        case 'b':
            g_string_append_c(str, '\b');
            break;
        case 'f':
            g_string_append_c(str, '\f');
            break;
        case 'n':
            g_string_append_c(str, '\n');
            break;
        case 'r':
            g_string_append_c(str, '\r');
            break;
        case 't':
            g_string_append_c(str, '\t');
            break;
        case 'u':
            cp = hex4(ptr);
            if (cp < 0) {
                /* QEMU reports the six bytes from the backslash on */
                parse_error(ctxt, "%.*s is not a valid Unicode character",
                            (int)MIN(6, tok_end - beg), beg);
                goto fail;
            }
            ptr += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF &&
                ptr[0] == '\\' && ptr[1] == 'u') {
                cp = 0x10000 + ((cp & 0x3FF) << 10);
                trailing = hex4(ptr + 2);
                if (trailing >= 0xDC00 && trailing <= 0xDFFF) {
                    cp |= trailing & 0x3FF;
                    ptr += 6;
                } else {
                    cp = -1;
                }
            }
            if (mod_utf8_encode(utf8, sizeof(utf8), cp) < 0) {
                parse_error(ctxt, "%.*s is not a valid Unicode character",
                            (int)(ptr - beg), beg);
                goto fail;
            }
            g_string_append(str, utf8);
            break;
        default:
            parse_error(ctxt, "invalid escape sequence in string");
            goto fail;
        }
    }
    {
        QObject *ret = json_string_nocheck(str->str);

        g_string_free(str, true);
        return ret;
    }

fail:
    g_string_free(str, true);
    return NULL;
}

static QObject *parse_value(JSONParserContext *ctxt);

static int parse_pair(JSONParserContext *ctxt, QDict *dict)
{
    QObject *key, *value;
    JSONToken *token;
    int ret = -1;

    if (!peek_token(ctxt)) {
        parse_error(ctxt, "premature EOI");
        return -1;
    }
    key = parse_value(ctxt);
    if (!json_is_string(key)) {
        parse_error(ctxt, "key is not a string in object");
        goto out;
    }
    token = pop_token(ctxt);
    if (!token) {
        parse_error(ctxt, "premature EOI");
        goto out;
    }
    if (token->type != TOK_COLON) {
        parse_error(ctxt, "missing : in object pair");
        goto out;
    }
    value = parse_value(ctxt);
    if (!value) {
        parse_error(ctxt, "Missing value in dict");
        goto out;
    }
    if (qdict_haskey(dict, json_string_value(key))) {
        parse_error(ctxt, "duplicate key");
        qobject_unref(value);
        goto out;
    }
    qdict_put_obj(dict, json_string_value(key), value);
    ret = 0;
out:
    if (key) {
        qobject_unref(key);
    }
    return ret;
}

static QObject *parse_object(JSONParserContext *ctxt)
{
    QDict *dict = qdict_new();
    JSONToken *token;

    pop_token(ctxt);                /* '{' */
    token = peek_token(ctxt);
    if (!token) {
        parse_error(ctxt, "premature EOI");
        goto fail;
    }
    if (token->type == TOK_RCURLY) {
        pop_token(ctxt);
        return dict;
    }
    if (parse_pair(ctxt, dict) < 0) {
        goto fail;
    }
    for (;;) {
        token = pop_token(ctxt);
        if (!token) {
            parse_error(ctxt, "premature EOI");
            goto fail;
        }
        if (token->type == TOK_RCURLY) {
            return dict;
        }
        if (token->type != TOK_COMMA) {
            parse_error(ctxt, "expected separator in dict");
            goto fail;
        }
        if (parse_pair(ctxt, dict) < 0) {
            goto fail;
        }
    }

fail:
    qobject_unref(dict);
    return NULL;
}

static QObject *parse_array(JSONParserContext *ctxt)
{
    QList *list = json_array();
    JSONToken *token;
    QObject *obj;

    pop_token(ctxt);                /* '[' */
    token = peek_token(ctxt);
    if (!token) {
        parse_error(ctxt, "premature EOI");
        goto fail;
    }
    if (token->type == TOK_RSQUARE) {
        pop_token(ctxt);
        return list;
    }
    for (;;) {
        obj = parse_value(ctxt);
        if (!obj) {
            parse_error(ctxt, "expecting value");
            goto fail;
        }
        json_array_append_new(list, obj);
        token = pop_token(ctxt);
        if (!token) {
            parse_error(ctxt, "premature EOI");
            goto fail;
        }
        if (token->type == TOK_RSQUARE) {
            return list;
        }
        if (token->type != TOK_COMMA) {
            parse_error(ctxt, "expected separator in list");
            goto fail;
        }
    }

fail:
    qobject_unref(list);
    return NULL;
}

/*
 * Numbers as QEMU's QNum: int64 when it fits, else a double.  (QEMU
 * keeps non-negative values up to UINT64_MAX exact as QNUM_U64; jansson
 * has no unsigned integers, so those become doubles here.)  Non-finite
 * doubles (1e400) cannot live in jansson: they are kept as the string
 * QEMU would render for them, "inf".
 */
static QObject *parse_number(JSONToken *token)
{
    int64_t ival;
    double d;

    if (token->type == TOK_INTEGER &&
        qemu_strtoi64(token->str, NULL, 10, &ival) == 0) {
        return json_integer(ival);
    }
    d = strtod(token->str, NULL);
    return json_real(d) ?: json_string(isinf(d) ? "inf" : "nan");
}

static QObject *parse_value(JSONParserContext *ctxt)
{
    JSONToken *token = peek_token(ctxt);

    if (!token) {
        parse_error(ctxt, "premature EOI");
        return NULL;
    }
    switch (token->type) {
    case TOK_LCURLY:
        return parse_object(ctxt);
    case TOK_LSQUARE:
        return parse_array(ctxt);
    case TOK_STRING:
        pop_token(ctxt);
        return parse_string(ctxt, token);
    case TOK_INTEGER:
    case TOK_FLOAT:
        pop_token(ctxt);
        return parse_number(token);
    case TOK_KEYWORD:
        pop_token(ctxt);
        if (!strcmp(token->str, "true")) {
            return json_true();
        } else if (!strcmp(token->str, "false")) {
            return json_false();
        } else if (!strcmp(token->str, "null")) {
            return json_null();
        }
        parse_error(ctxt, "invalid keyword '%s'", token->str);
        return NULL;
    default:
        parse_error(ctxt, "expecting value");
        return NULL;
    }
}

/* One value (or error) per call; QEMU keeps the first and rejects more. */
static void emit_value(JSONParseState *s, QObject *json, Error *err)
{
    if (s->result) {
        qobject_unref(s->result);
        s->result = NULL;
        error_setg(&s->err, "Expecting at most one JSON value");
    }
    if (s->err) {
        if (json) {
            qobject_unref(json);
        }
        error_free(err);
        return;
    }
    s->result = json;
    s->err = err;
}

static void parse_tokens(JSONParseState *s)
{
    JSONParserContext ctxt = { .tokens = s->tokens };
    QObject *json = parse_value(&ctxt);

    if (ctxt.err && json) {
        qobject_unref(json);
        json = NULL;
    }
    emit_value(s, json, ctxt.err);
}

static void streamer_reset(JSONParseState *s)
{
    s->brace_count = 0;
    s->bracket_count = 0;
    s->token_size = 0;
    g_ptr_array_set_size(s->tokens, 0);
}

static void process_token(JSONParseState *s, TokType type)
{
    Error *err = NULL;
    JSONToken *token;

    switch (type) {
    case TOK_LCURLY:
        s->brace_count++;
        break;
    case TOK_RCURLY:
        s->brace_count--;
        break;
    case TOK_LSQUARE:
        s->bracket_count++;
        break;
    case TOK_RSQUARE:
        s->bracket_count--;
        break;
    case TOK_ERROR:
        error_setg(&err, "JSON parse error, stray '%s'", s->token->str);
        goto out_emit;
    case TOK_END_OF_INPUT:
        if (s->tokens->len == 0) {
            return;
        }
        parse_tokens(s);
        streamer_reset(s);
        return;
    default:
        break;
    }

    if (s->token_size + s->token->len + 1 > MAX_TOKEN_SIZE) {
        error_setg(&err, "JSON token size limit exceeded");
        goto out_emit;
    }
    if (s->tokens->len + 1 > MAX_TOKEN_COUNT) {
        error_setg(&err, "JSON token count limit exceeded");
        goto out_emit;
    }
    if (s->bracket_count + s->brace_count > MAX_NESTING) {
        error_setg(&err, "JSON nesting depth limit exceeded");
        goto out_emit;
    }

    token = g_new(JSONToken, 1);
    token->type = type;
    token->str = g_strndup(s->token->str, s->token->len);
    s->token_size += s->token->len;
    g_ptr_array_add(s->tokens, token);

    /* QEMU only checks the bracket count for going negative here. */
    if ((s->brace_count > 0 || s->bracket_count > 0) &&
        s->bracket_count >= 0) {
        return;
    }
    parse_tokens(s);
    streamer_reset(s);
    return;

out_emit:
    streamer_reset(s);
    emit_value(s, NULL, err);
}

#define LOOKAHEAD 0x100         /* or'ed in: char not consumed */
#define TOKEN(t) (0x200 | (t))  /* a complete token of type t */

/*
 * The next state for @ch; TOKEN() when a token ends (with LOOKAHEAD when
 * @ch belongs to the next token), TOK_ERROR as TOKEN(TOK_ERROR) when
 * @ch is not allowed (it is then part of the stray text).
 */
static int lex_next(LexState state, unsigned char ch)
{
    bool digit = ch >= '0' && ch <= '9';

    switch (state) {
    case LX_START:
        switch (ch) {
        case '"':
            return LX_DQ_STRING;
        case '\'':
            return LX_SQ_STRING;
        case '0':
            return LX_ZERO;
        case '-':
            return LX_SIGN;
        case '{':
            return TOKEN(TOK_LCURLY);
        case '}':
            return TOKEN(TOK_RCURLY);
        case '[':
            return TOKEN(TOK_LSQUARE);
        case ']':
            return TOKEN(TOK_RSQUARE);
        case ',':
            return TOKEN(TOK_COMMA);
        case ':':
            return TOKEN(TOK_COLON);
        case ' ': case '\t': case '\r': case '\n':
            return LX_START;
        }
        if (ch >= '1' && ch <= '9') {
            return LX_DIGITS;
        }
        if (ch >= 'a' && ch <= 'z') {
            return LX_KEYWORD;
        }
        return TOKEN(TOK_ERROR);
    case LX_RECOVERY:
        if (ch < 0x20 && ch != '\t') {
            return LX_START | LOOKAHEAD;
        }
        if (ch >= 0xFE || strchr("[]{}:,", ch)) {
            return LX_START | LOOKAHEAD;
        }
        return LX_RECOVERY;
    case LX_DQ_STRING:
    case LX_SQ_STRING:
        if (ch == (state == LX_DQ_STRING ? '"' : '\'')) {
            return TOKEN(TOK_STRING);
        }
        if (ch == '\\') {
            return state == LX_DQ_STRING ? LX_DQ_ESCAPE : LX_SQ_ESCAPE;
        }
        return ch >= 0x20 && ch <= 0xFD ? (int)state : TOKEN(TOK_ERROR);
    case LX_DQ_ESCAPE:
        return ch >= 0x20 && ch <= 0xFD ? LX_DQ_STRING : TOKEN(TOK_ERROR);
    case LX_SQ_ESCAPE:
        return ch >= 0x20 && ch <= 0xFD ? LX_SQ_STRING : TOKEN(TOK_ERROR);
    case LX_ZERO:
        if (digit) {
            return TOKEN(TOK_ERROR);
        }
        if (ch == '.') {
            return LX_MANTISSA;
        }
        return TOKEN(TOK_INTEGER) | LOOKAHEAD;
    case LX_DIGITS:
        if (digit) {
            return LX_DIGITS;
        }
        if (ch == 'e' || ch == 'E') {
            return LX_EXP_E;
        }
        if (ch == '.') {
            return LX_MANTISSA;
        }
        return TOKEN(TOK_INTEGER) | LOOKAHEAD;
    case LX_SIGN:
        if (ch == '0') {
            return LX_ZERO;
        }
        return ch >= '1' && ch <= '9' ? LX_DIGITS : TOKEN(TOK_ERROR);
    case LX_MANTISSA:
        return digit ? LX_MANTISSA_DIGITS : TOKEN(TOK_ERROR);
    case LX_MANTISSA_DIGITS:
        if (digit) {
            return LX_MANTISSA_DIGITS;
        }
        if (ch == 'e' || ch == 'E') {
            return LX_EXP_E;
        }
        return TOKEN(TOK_FLOAT) | LOOKAHEAD;
    case LX_EXP_E:
        if (ch == '-' || ch == '+') {
            return LX_EXP_SIGN;
        }
        return digit ? LX_EXP_DIGITS : TOKEN(TOK_ERROR);
    case LX_EXP_SIGN:
        return digit ? LX_EXP_DIGITS : TOKEN(TOK_ERROR);
    case LX_EXP_DIGITS:
        return digit ? LX_EXP_DIGITS : TOKEN(TOK_FLOAT) | LOOKAHEAD;
    case LX_KEYWORD:
        return ch >= 'a' && ch <= 'z'
            ? LX_KEYWORD : TOKEN(TOK_KEYWORD) | LOOKAHEAD;
    }
    g_assert_not_reached();
}

/* Feed one char; at the end, flush=true drives pending states home. */
static void lex_feed(JSONParseState *s, unsigned char ch, bool flush)
{
    bool consumed = false;
    int next;

    while (flush ? s->state != LX_START : !consumed) {
        next = lex_next(s->state, flush ? 0 : ch);
        consumed = !flush && !(next & LOOKAHEAD);
        next &= ~LOOKAHEAD;
        if (consumed) {
            g_string_append_c(s->token, ch);
        }
        if (next == TOKEN(TOK_ERROR)) {
            process_token(s, TOK_ERROR);
            g_string_truncate(s->token, 0);
            s->state = LX_RECOVERY;
        } else if (next & 0x200) {
            process_token(s, next & 0xFF);
            g_string_truncate(s->token, 0);
            s->state = LX_START;
        } else {
            if (next == LX_START || next == LX_RECOVERY) {
                g_string_truncate(s->token, 0);
            }
            s->state = next;
        }
    }
}

QObject *qobject_from_json(const char *str, Error **errp)
{
    JSONParseState s = {
        .state = LX_START,
        .token = g_string_new(NULL),
        .tokens = g_ptr_array_new_with_free_func(token_free),
    };
    const unsigned char *p;

    for (p = (const unsigned char *)str; *p; p++) {
        lex_feed(&s, *p, false);
    }
    lex_feed(&s, 0, true);
    process_token(&s, TOK_END_OF_INPUT);

    g_string_free(s.token, true);
    g_ptr_array_free(s.tokens, true);
    if (!s.result && !s.err) {
        error_setg(&s.err, "Expecting a JSON value");
    }
    if (s.err) {
        error_propagate(errp, s.err);
        return NULL;
    }
    return s.result;
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
