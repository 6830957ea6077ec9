/* SPDX-License-Identifier: MIT */
/* The streaming getBoundProfilePackage scanner (lib/es9p/bpp_stream_json.c):
 * decoded bytes and the kept JSON are the same whether the body comes at
 * once, byte by byte or in random pieces; keys in any order; JSON escapes in
 * the base64; exact reasons for malformed values. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "es9p/base64.h"
#include "es9p/bpp_stream_json.h"
#include "es9p_check.h"

static unsigned g_seed = 777;
static unsigned rnd(unsigned n)
{
    g_seed = g_seed * 1103515245u + 12345u;
    return (g_seed >> 16) % n;
}

struct out {
    uint8_t p[300000];
    size_t n;
    size_t calls;
};

static int sink(void *user, const uint8_t *p, size_t len)
{
    struct out *o = user;
    if (o->n + len > sizeof o->p)
        return -7;
    memcpy(o->p + o->n, p, len);
    o->n += len;
    o->calls++;
    return 0;
}

/* Scan @body in pieces (mode 0 at once, 1 byte by byte, 2 random); the
 * scanner is left for the caller to inspect and free. */
static int scan(const char *body, int mode, struct esimlpa__bpp_json *j, struct out *o)
{
    size_t n = strlen(body);
    o->n = o->calls = 0;
    esimlpa__bpp_json_init(j, "boundProfilePackage", sizeof o->p, sink, o);
    int rc = 0;
    for (size_t off = 0; off < n && rc == 0;) {
        size_t k = mode == 0 ? n - off : mode == 1 ? 1 : 1 + rnd(50);
        if (k > n - off)
            k = n - off;
        rc = esimlpa__bpp_json_feed(j, (const uint8_t *)body + off, k);
        off += k;
    }
    return rc ? rc : esimlpa__bpp_json_finish(j);
}

/* base64 of @data with every '/' written as "\/" and a "\n" escape every
 * 76 characters when @escapes. */
static char *b64_json(const uint8_t *data, size_t n, int escapes)
{
    char *b = esimlpa__b64_encode(data, n);
    size_t len = strlen(b);
    char *out = malloc(len * 2 + len / 38 + 4);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (escapes && i && i % 76 == 0) {
            out[k++] = '\\';
            out[k++] = 'n';
        }
        if (escapes && b[i] == '/')
            out[k++] = '\\';
        out[k++] = b[i];
    }
    out[k] = '\0';
    free(b);
    return out;
}

static void roundtrip(size_t n, int escapes, int order)
{
    static uint8_t data[200000];
    for (size_t i = 0; i < n; i++)
        data[i] = (uint8_t)rnd(256);
    char *v = b64_json(data, n, escapes);
    static const char hdr[] =
        "\"header\":{\"functionExecutionStatus\":{\"status\":\"Executed-Success\"}}";
    char *body = malloc(strlen(v) + 300);
    if (order == 0)
        sprintf(body, "{%s,\"transactionId\":\"0A1B\",\"boundProfilePackage\":\"%s\"}", hdr, v);
    else if (order == 1)
        sprintf(body, "{ \"boundProfilePackage\" : \"%s\" ,\n %s, \"transactionId\":\"0A1B\"}", v,
                hdr);
    else   /* a nested member of the same name is not the package */
        sprintf(body, "{\"transactionId\":\"0A1B\",\"x\":{\"boundProfilePackage\":\"QUJD\"},"
                      "\"boundProfilePackage\":\"%s\",%s}", v, hdr);
    static struct out o;
    for (int mode = 0; mode < 3; mode++) {
        struct esimlpa__bpp_json j;
        CHECK_INT(scan(body, mode, &j, &o), 0);
        CHECK_INT(o.n, n);
        CHECK(memcmp(o.p, data, n) == 0);
        CHECK(j.found);
        if (mode == 1 && n > 3072)
            CHECK(o.calls > 1);   /* handed on while arriving, not at the end */
        cJSON *rest = cJSON_Parse(j.rest);
        CHECK(rest != NULL);
        const cJSON *tid = cJSON_GetObjectItemCaseSensitive(rest, "transactionId");
        CHECK(cJSON_IsString(tid) && strcmp(tid->valuestring, "0A1B") == 0);
        CHECK(cJSON_GetObjectItemCaseSensitive(rest, "header") != NULL);
        const cJSON *bpp = cJSON_GetObjectItemCaseSensitive(rest, "boundProfilePackage");
        char mark[40];
        snprintf(mark, sizeof mark, "<%zu bytes>", n);
        CHECK(cJSON_IsString(bpp) && strcmp(bpp->valuestring, mark) == 0);
        CHECK(j.rest_len < 400);   /* bounded: the package is not kept */
        cJSON_Delete(rest);
        esimlpa__bpp_json_free(&j);
    }
    free(body);
    free(v);
}

static struct out o;

static void refused(const char *body, const char *why)
{
    for (int mode = 0; mode < 3; mode++) {
        struct esimlpa__bpp_json j;
        CHECK_INT(scan(body, mode, &j, &o), -1);
        CHECK_STR(j.why, why);
        esimlpa__bpp_json_free(&j);
    }
}

int main(void)
{
    static const size_t sizes[] = { 1, 2, 3, 4, 5, 100, 3071, 3072, 3073, 8634, 104052 };
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        for (int order = 0; order < 3; order++)
            for (int esc = 0; esc < 2; esc++)
                roundtrip(sizes[i], esc, order);

    /* \u escapes and unpadded base64 ("ABC" is QUJD, "AB" is QUI). */
    struct esimlpa__bpp_json j;
    CHECK_INT(scan("{\"boundProfilePackage\":\"\\u0051UJDQUI\"}", 1, &j, &o), 0);
    CHECK(o.n == 5 && memcmp(o.p, "ABCAB", 5) == 0);
    esimlpa__bpp_json_free(&j);
    CHECK_INT(scan("{\"boundProfilePackage\":\"QUI=\"}", 1, &j, &o), 0);
    CHECK(o.n == 2 && memcmp(o.p, "AB", 2) == 0);
    esimlpa__bpp_json_free(&j);
    /* Absent or not a string: not found, left to the ordinary decoder. */
    CHECK_INT(scan("{\"header\":{},\"boundProfilePackage\":null}", 1, &j, &o), 0);
    CHECK(!j.found && o.n == 0);
    esimlpa__bpp_json_free(&j);
    CHECK_INT(scan("{\"bound\\u0050rofilePackage\":\"QUJD\"}", 1, &j, &o), 0);
    CHECK(!j.found && o.n == 0);
    esimlpa__bpp_json_free(&j);

    refused("{\"boundProfilePackage\":\"QU#D\"}", "boundProfilePackage is not valid base64");
    refused("{\"boundProfilePackage\":\"Q\"}", "boundProfilePackage is not valid base64");
    refused("{\"boundProfilePackage\":\"QUJD=\"}", "boundProfilePackage is not valid base64");
    refused("{\"boundProfilePackage\":\"QU==QUJD\"}", "boundProfilePackage is not valid base64");
    refused("{\"boundProfilePackage\":\"QUJD\\u00e9\"}", "boundProfilePackage is not valid base64");
    refused("{\"boundProfilePackage\":\"QUJD\\x\"}", "boundProfilePackage is not a valid JSON string");
    refused("{\"boundProfilePackage\":\"QUJDQUJD", "boundProfilePackage is cut short");
    refused("{\"boundProfilePackage\":\"QUJD\",\"boundProfilePackage\":\"QUJD\"}",
            "boundProfilePackage appears twice");
    /* Not one JSON object: refused before a "key" of a top-level array or of
     * a second value hands anything to the sink (the eUICC). */
    refused("[1,\"boundProfilePackage\":\"QUJD\"]", "response body is not a JSON object");
    CHECK_INT(o.n, 0);
    refused(" \"boundProfilePackage\":\"QUJD\"", "response body is not a JSON object");
    CHECK_INT(o.n, 0);
    refused("{\"header\":{}} {\"boundProfilePackage\":\"QUJD\"}",
            "response body has data after the JSON value");
    CHECK_INT(o.n, 0);
    refused("{\"boundProfilePackage\":\"QUJD\"}}", "response body has data after the JSON value");
    /* The rest of the object is bounded. */
    size_t big = ESIMLPA__BPP_JSON_REST_MAX + 10;
    char *pad = malloc(big + 64);
    strcpy(pad, "{\"x\":\"");
    memset(pad + 6, 'a', big);
    strcpy(pad + 6 + big, "\"}");
    refused(pad, "response without boundProfilePackage larger than 65536 bytes");
    free(pad);
    /* The decoded size is capped. */
    esimlpa__bpp_json_init(&j, "boundProfilePackage", 4, sink, &o);
    CHECK_INT(esimlpa__bpp_json_feed(&j, (const uint8_t *)"{\"boundProfilePackage\":\"QUJDQUJD\"}", 35),
              -1);
    CHECK_STR(j.why, "boundProfilePackage is too large");
    esimlpa__bpp_json_free(&j);

    printf("%d checks, %d failed\n", g_checks, g_failures);
    return g_failures ? 1 : 0;
}
