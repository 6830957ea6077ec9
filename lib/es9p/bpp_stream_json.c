/* SPDX-License-Identifier: MIT */
/* Streaming JSON + base64 scanner for getBoundProfilePackage (SGP.22
 * §6.5.2.2): the package is decoded while the body arrives, everything else
 * is kept as text for the ordinary checks (es9p_http.c). Base64 rules as
 * esimlpa__b64_decode: white space anywhere, optional '=' padding at the end
 * only (notes pitfall 14). */
#include "bpp_stream_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(struct esimlpa__bpp_json *j, const char *what)
{
    snprintf(j->why, sizeof j->why, "%s %s", j->name, what);
    j->failed = 1;
    return -1;
}

void esimlpa__bpp_json_init(struct esimlpa__bpp_json *j, const char *name, size_t max_out,
                            esimlpa__b64_sink_fn sink, void *user)
{
    memset(j, 0, sizeof *j);
    j->name = name;
    j->max_out = max_out;
    j->sink = sink;
    j->user = user;
}

void esimlpa__bpp_json_free(struct esimlpa__bpp_json *j)
{
    free(j->rest);
    j->rest = NULL;
    j->rest_len = j->rest_cap = 0;
}

static int rest_put(struct esimlpa__bpp_json *j, char ch)
{
    if (j->rest_len + 2 > j->rest_cap) {
        if (j->rest_len + 2 > ESIMLPA__BPP_JSON_REST_MAX) {
            snprintf(j->why, sizeof j->why, "response without %s larger than %zu bytes",
                     j->name, ESIMLPA__BPP_JSON_REST_MAX);
            j->failed = 1;
            return -1;
        }
        size_t cap = j->rest_cap ? j->rest_cap * 2 : 256;
        char *nr = realloc(j->rest, cap);
        if (!nr) {
            snprintf(j->why, sizeof j->why, "out of memory");
            j->failed = 1;
            return -1;
        }
        j->rest = nr;
        j->rest_cap = cap;
    }
    j->rest[j->rest_len++] = ch;
    j->rest[j->rest_len] = '\0';
    return 0;
}

static int flush(struct esimlpa__bpp_json *j)
{
    if (!j->nout)
        return 0;
    size_t n = j->nout;
    j->nout = 0;
    j->decoded += n;
    return j->sink ? j->sink(j->user, j->out, n) : 0;
}

static int put_byte(struct esimlpa__bpp_json *j, uint8_t b)
{
    if (j->decoded + j->nout >= j->max_out)
        return fail(j, "is too large");
    j->out[j->nout++] = b;
    return j->nout == sizeof j->out ? flush(j) : 0;
}

static int b64_value(unsigned c)
{
    if (c >= 'A' && c <= 'Z')
        return (int)(c - 'A');
    if (c >= 'a' && c <= 'z')
        return (int)(c - 'a' + 26);
    if (c >= '0' && c <= '9')
        return (int)(c - '0' + 52);
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* One character of the value, JSON escapes undone. */
static int b64_char(struct esimlpa__bpp_json *j, unsigned c)
{
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        return 0;
    if (c == '=') {
        if (j->nq < 2 || j->nq + j->npad >= 4)
            return fail(j, "is not valid base64");
        j->npad++;
        return 0;
    }
    int v = b64_value(c);
    if (v < 0 || j->npad)
        return fail(j, "is not valid base64");
    j->quad = j->quad << 6 | (unsigned)v;
    if (++j->nq < 4)
        return 0;
    j->nq = 0;
    int rc = put_byte(j, (uint8_t)(j->quad >> 16));
    if (!rc)
        rc = put_byte(j, (uint8_t)(j->quad >> 8));
    if (!rc)
        rc = put_byte(j, (uint8_t)j->quad);
    j->quad = 0;
    return rc;
}

/* The closing quote of the value: the last group, then the sink. */
static int b64_end(struct esimlpa__bpp_json *j)
{
    if (j->nq == 1 || (j->npad && j->nq + j->npad != 4))
        return fail(j, "is not valid base64");
    int rc = 0;
    if (j->nq >= 2) {
        unsigned q = j->quad << (6 * (4 - j->nq));
        rc = put_byte(j, (uint8_t)(q >> 16));
        if (!rc && j->nq == 3)
            rc = put_byte(j, (uint8_t)(q >> 8));
    }
    j->nq = j->npad = 0;
    j->quad = 0;
    return rc ? rc : flush(j);
}

static int hex_digit(unsigned c)
{
    if (c >= '0' && c <= '9')
        return (int)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F')
        return (int)(c - 'A' + 10);
    return -1;
}

static int value_char(struct esimlpa__bpp_json *j, unsigned c)
{
    if (j->vesc >= 2) {   /* \uXXXX: only ASCII can be base64 */
        int d = hex_digit(c);
        if (d < 0)
            return fail(j, "is not a valid JSON string");
        j->uval = j->uval << 4 | (unsigned)d;
        if (++j->vesc < 6)
            return 0;
        j->vesc = 0;
        return b64_char(j, j->uval < 0x80 ? j->uval : 0xFF);
    }
    if (j->vesc == 1) {
        j->vesc = 0;
        switch (c) {
        case 'u': j->vesc = 2; j->uval = 0; return 0;
        case 'n': return b64_char(j, '\n');
        case 'r': return b64_char(j, '\r');
        case 't': return b64_char(j, '\t');
        case '/': case '\\': case '"': case 'b': case 'f': return b64_char(j, c == '/' ? '/' : 0xFF);
        default: return fail(j, "is not a valid JSON string");
        }
    }
    if (c == '\\') {
        j->vesc = 1;
        return 0;
    }
    if (c == '"') {
        j->in_value = 0;
        int rc = b64_end(j);
        if (rc)
            return rc;
        /* The value reads "<N bytes>" (what tracing shows for a blob anyway). */
        char mark[32];
        int n = snprintf(mark, sizeof mark, "<%zu bytes>\"", j->decoded);
        for (int k = 0; k < n && !rc; k++)
            rc = rest_put(j, mark[k]);
        return rc;
    }
    return b64_char(j, c);
}

/* A body that is not one JSON object (the reason names no member). */
static int refuse(struct esimlpa__bpp_json *j, const char *why)
{
    snprintf(j->why, sizeof j->why, "%s", why);
    j->failed = 1;
    return -1;
}

/* One character outside the value: lexed for the member, kept as text. */
static int text_char(struct esimlpa__bpp_json *j, unsigned c)
{
    size_t nlen = strlen(j->name);
    if (j->in_str) {
        if (j->esc) {
            j->esc = 0;
            j->key_match = 0;   /* an escaped key is left to cJSON */
        } else if (c == '\\') {
            j->esc = 1;
            j->key_match = 0;
        } else if (c == '"') {
            j->in_str = 0;
            if (j->key_depth1 && j->key_match && j->key_pos == nlen)
                j->after_key = 1;
        } else if (j->key_match && j->key_pos < nlen && (unsigned char)j->name[j->key_pos] == c) {
            j->key_pos++;
        } else {
            j->key_match = 0;
        }
        return rest_put(j, (char)c);
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
        return rest_put(j, (char)c);
    /* Only one top-level object is an answer (es9p_http.c parse_json): a
     * second value, or a top-level array, must not feed its "keys" to the
     * sink (and on to the eUICC) before the whole body is refused. */
    if (j->ended)
        return refuse(j, "response body has data after the JSON value");
    if (j->depth == 0 && c != '{')
        return refuse(j, "response body is not a JSON object");
    if (j->after_key == 1) {
        j->after_key = c == ':' ? 2 : 0;
        if (c == ':')
            return rest_put(j, (char)c);
    } else if (j->after_key == 2) {
        j->after_key = 0;
        if (c == '"') {
            if (j->found)
                return fail(j, "appears twice");
            j->found = 1;
            j->in_value = 1;
            return rest_put(j, '"');
        }
    }
    switch (c) {
    case '"':
        j->in_str = 1;
        j->key_depth1 = j->depth == 1 && j->expect_key;
        j->key_pos = 0;
        j->key_match = j->key_depth1;
        j->expect_key = 0;
        break;
    case '{':
    case '[':
        j->depth++;
        j->expect_key = j->depth == 1 && c == '{';
        break;
    case '}':
    case ']':
        if (j->depth && --j->depth == 0)
            j->ended = 1;
        break;
    case ',':
        j->expect_key = j->depth == 1;
        break;
    default:
        break;
    }
    return rest_put(j, (char)c);
}

int esimlpa__bpp_json_feed(struct esimlpa__bpp_json *j, const uint8_t *p, size_t len)
{
    if (j->failed)
        return -1;
    for (size_t i = 0; i < len; i++) {
        int rc = j->in_value ? value_char(j, p[i]) : text_char(j, p[i]);
        if (rc)
            return rc;
    }
    /* What is decoded goes on now: a segment may be complete. */
    return flush(j);
}

int esimlpa__bpp_json_finish(struct esimlpa__bpp_json *j)
{
    if (j->failed)
        return -1;
    if (j->in_value)
        return fail(j, "is cut short");
    if (!j->rest && !(j->rest = calloc(1, 1))) {
        snprintf(j->why, sizeof j->why, "out of memory");
        j->failed = 1;
        return -1;
    }
    return 0;
}
