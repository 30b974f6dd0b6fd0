/*
 * QMP stream framing.  The states and transitions are QEMU 7.2's JSON
 * lexer (facts: which bytes end which token, which bytes an error
 * skips); values are then handed to jansson whole.  Nothing here
 * interprets a value beyond its token boundaries.
 */
#include "qemu/osdep.h"
#include "monitor/json-stream.h"
#include "qemu/cutils.h"

#define MAX_TOKEN_SIZE  (64 << 20)
#define MAX_TOKEN_COUNT (2 << 20)
#define MAX_NESTING     1024

typedef enum LexState {
    LX_START,
    LX_WS,
    LX_DQ, LX_DQ_ESC,
    LX_SQ, LX_SQ_ESC,
    LX_ZERO, LX_NONZERO, LX_NEG,
    LX_MANT, LX_MANT_DIGITS, LX_EXP_E, LX_EXP_SIGN, LX_EXP_DIGITS,
    LX_KEYWORD,
    LX_RECOVERY,
} LexState;

typedef enum TokType {
    TOK_NONE,       /* keep going, char consumed */
    TOK_LOOKAHEAD,  /* token ended before this char: emit, re-feed char */
    TOK_DONE,       /* token ended with this char (consumed) */
    TOK_ERROR,      /* char consumed, token is an error */
} TokType;

typedef enum TokKind {
    K_PUNCT, K_STRING, K_SQ_STRING, K_INTEGER, K_FLOAT, K_KEYWORD, K_SKIP,
} TokKind;

struct JSONStream {
    JSONStreamEmit *emit;
    void *opaque;
    LexState state;
    GString *token;
    TokKind kind;
    /* streamer */
    GString *msg;           /* JSON text of the value so far */
    int brace, bracket;
    size_t ntokens;
    size_t size;
};

JSONStream *json_stream_new(JSONStreamEmit *emit, void *opaque)
{
    JSONStream *js = g_new0(JSONStream, 1);

    js->emit = emit;
    js->opaque = opaque;
    js->token = g_string_new(NULL);
    js->msg = g_string_new(NULL);
    return js;
}

static void stream_reset(JSONStream *js)
{
    js->brace = js->bracket = 0;
    js->ntokens = 0;
    js->size = 0;
    g_string_truncate(js->msg, 0);
}

void json_stream_reset(JSONStream *js)
{
    stream_reset(js);
    g_string_truncate(js->token, 0);
    js->state = LX_START;
}

void json_stream_free(JSONStream *js)
{
    if (js) {
        g_string_free(js->token, true);
        g_string_free(js->msg, true);
        g_free(js);
    }
}

static void emit_error(JSONStream *js, const char *fmt, const char *arg)
{
    Error *err = NULL;

    error_setg(&err, fmt, arg);
    stream_reset(js);
    js->emit(js->opaque, NULL, err);
}

/* QEMU accepts 'single-quoted' strings; hand jansson the "" form. */
static void append_sq_string(GString *out, const char *tok, size_t len)
{
    g_string_append_c(out, '"');
    for (size_t i = 1; i + 1 < len; i++) {
        if (tok[i] == '\\' && tok[i + 1] == '\'') {
            g_string_append_c(out, '\'');
            i++;
        } else if (tok[i] == '\\') {
            g_string_append_c(out, '\\');
            g_string_append_c(out, tok[++i]);
        } else if (tok[i] == '"') {
            g_string_append(out, "\\\"");
        } else {
            g_string_append_c(out, tok[i]);
        }
    }
    g_string_append_c(out, '"');
}

/*
 * The streamer already enforced QEMU's nesting limit; qobject_from_json()
 * refuses some shallower values (seen from depth 600 on), so parse
 * those with jansson directly.
 */
static QObject *parse_value_err(GString *msg, Error **errp)
{
    Error *err = NULL;
    QObject *obj = qobject_from_json(msg->str, &err);

    if (!obj && !strcmp(error_get_pretty(err), "JSON nesting depth limit "
                        "exceeded")) {
        obj = json_loadb(msg->str, msg->len, JSON_DECODE_ANY |
                         JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
        if (obj) {
            error_free(err);
            err = NULL;
        }
    }
    error_propagate(errp, err);
    return obj;
}

static void process_token(JSONStream *js, TokKind kind, const GString *tok)
{
    Error *err = NULL;
    QObject *obj;

    if (kind == K_PUNCT) {
        switch (tok->str[0]) {
        case '{': js->brace++; break;
        case '}': js->brace--; break;
        case '[': js->bracket++; break;
        case ']': js->bracket--; break;
        }
    }
    if (js->size + tok->len + 1 > MAX_TOKEN_SIZE) {
        emit_error(js, "JSON token size limit exceeded%s", "");
        return;
    }
    if (js->ntokens + 1 > MAX_TOKEN_COUNT) {
        emit_error(js, "JSON token count limit exceeded%s", "");
        return;
    }
    if (js->brace + js->bracket > MAX_NESTING) {
        emit_error(js, "JSON nesting depth limit exceeded%s", "");
        return;
    }
    js->ntokens++;
    js->size += tok->len;
    if (kind == K_SQ_STRING) {
        append_sq_string(js->msg, tok->str, tok->len);
    } else if (kind == K_INTEGER) {
        int64_t v;
        /* QEMU turns integers beyond int64 into doubles; so does this. */
        g_string_append_len(js->msg, tok->str, tok->len);
        if (qemu_strtoi64(tok->str, NULL, 10, &v) == -ERANGE) {
            g_string_append(js->msg, ".0");
        }
    } else {
        g_string_append_len(js->msg, tok->str, tok->len);
    }
    g_string_append_c(js->msg, ' ');

    if ((js->brace > 0 || js->bracket > 0) && js->brace >= 0 &&
        js->bracket >= 0) {
        return;
    }
    obj = parse_value_err(js->msg, &err);
    stream_reset(js);
    js->emit(js->opaque, obj, err);
}

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* One transition: returns what happened to the token. */
static TokType step(JSONStream *js, unsigned char c)
{
    switch (js->state) {
    case LX_START:
        if (c == '"') {
            js->state = LX_DQ;
        } else if (c == '\'') {
            js->state = LX_SQ;
        } else if (c == '0') {
            js->state = LX_ZERO;
        } else if (c >= '1' && c <= '9') {
            js->state = LX_NONZERO;
        } else if (c == '-') {
            js->state = LX_NEG;
        } else if (c >= 'a' && c <= 'z') {
            js->state = LX_KEYWORD;
        } else if (is_ws(c)) {
            js->state = LX_WS;
        } else if (strchr("{}[]:,", c) && c) {
            js->kind = K_PUNCT;
            return TOK_DONE;
        } else {
            return TOK_ERROR;
        }
        return TOK_NONE;
    case LX_WS:
        if (is_ws(c)) {
            return TOK_NONE;
        }
        js->kind = K_SKIP;
        return TOK_LOOKAHEAD;
    case LX_DQ:
    case LX_SQ:
        if (c == '\\') {
            js->state = js->state == LX_DQ ? LX_DQ_ESC : LX_SQ_ESC;
        } else if (c == (js->state == LX_DQ ? '"' : '\'')) {
            js->kind = js->state == LX_DQ ? K_STRING : K_SQ_STRING;
            return TOK_DONE;
        } else if (c < 0x20 || c >= 0xfe) {
            return TOK_ERROR;
        }
        return TOK_NONE;
    case LX_DQ_ESC:
    case LX_SQ_ESC:
        /* Any escape lexes; the parser judges it, as in QEMU. */
        if (c < 0x20 || c >= 0xfe) {
            return TOK_ERROR;
        }
        js->state = js->state == LX_DQ_ESC ? LX_DQ : LX_SQ;
        return TOK_NONE;
    case LX_NEG:
        if (c == '0') {
            js->state = LX_ZERO;
        } else if (c >= '1' && c <= '9') {
            js->state = LX_NONZERO;
        } else {
            return TOK_ERROR;
        }
        return TOK_NONE;
    case LX_ZERO:
    case LX_NONZERO:
        if (is_digit(c)) {
            /* "01" is an error token in QEMU's lexer. */
            return js->state == LX_NONZERO ? TOK_NONE : TOK_ERROR;
        } else if (c == '.') {
            js->state = LX_MANT;
        } else if ((c == 'e' || c == 'E') && js->state == LX_NONZERO) {
            js->state = LX_EXP_E;   /* "0e1" is 0 then a keyword in QEMU */
        } else {
            js->kind = K_INTEGER;
            return TOK_LOOKAHEAD;
        }
        return TOK_NONE;
    case LX_MANT:
        if (!is_digit(c)) {
            return TOK_ERROR;
        }
        js->state = LX_MANT_DIGITS;
        return TOK_NONE;
    case LX_MANT_DIGITS:
        if (is_digit(c)) {
            return TOK_NONE;
        } else if (c == 'e' || c == 'E') {
            js->state = LX_EXP_E;
            return TOK_NONE;
        }
        js->kind = K_FLOAT;
        return TOK_LOOKAHEAD;
    case LX_EXP_E:
        if (c == '-' || c == '+') {
            js->state = LX_EXP_SIGN;
        } else if (is_digit(c)) {
            js->state = LX_EXP_DIGITS;
        } else {
            return TOK_ERROR;
        }
        return TOK_NONE;
    case LX_EXP_SIGN:
        if (!is_digit(c)) {
            return TOK_ERROR;
        }
        js->state = LX_EXP_DIGITS;
        return TOK_NONE;
    case LX_EXP_DIGITS:
        if (is_digit(c)) {
            return TOK_NONE;
        }
        js->kind = K_FLOAT;
        return TOK_LOOKAHEAD;
    case LX_KEYWORD:
        if (c >= 'a' && c <= 'z') {
            return TOK_NONE;
        }
        js->kind = K_KEYWORD;
        return TOK_LOOKAHEAD;
    case LX_RECOVERY:
        /* Skip to a structural char, a control char but tab, or 0xFE/FF. */
        if ((c < 0x20 && c != '\t') || c >= 0xfe || (c && strchr("[]{}:,", c))) {
            js->state = LX_START;
            return TOK_LOOKAHEAD;
        }
        return TOK_NONE;
    }
    g_assert_not_reached();
}

static void feed_char(JSONStream *js, unsigned char c)
{
    for (;;) {
        LexState before = js->state;
        TokType t = step(js, c);

        if (t == TOK_NONE || t == TOK_DONE || t == TOK_ERROR) {
            if (before != LX_RECOVERY) {
                g_string_append_c(js->token, c);
            }
        }
        if (t == TOK_DONE || (t == TOK_LOOKAHEAD && before != LX_RECOVERY)) {
            if (js->kind != K_SKIP) {
                process_token(js, js->kind, js->token);
            }
            g_string_truncate(js->token, 0);
            js->state = LX_START;
        } else if (t == TOK_ERROR) {
            emit_error(js, "JSON parse error, stray '%s'", js->token->str);
            g_string_truncate(js->token, 0);
            js->state = LX_RECOVERY;
        }
        if (t != TOK_LOOKAHEAD) {
            break;
        }
    }
    if (js->token->len > MAX_TOKEN_SIZE) {
        /* A single token this large can only be an attack. */
        emit_error(js, "JSON token size limit exceeded%s", "");
        g_string_truncate(js->token, 0);
        js->state = LX_START;
    }
}

void json_stream_feed(JSONStream *js, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        feed_char(js, buf[i]);
    }
}
