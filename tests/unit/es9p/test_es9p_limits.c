/* SPDX-License-Identifier: MIT */
/* Limits of the ES9+/ES11 client (issue 4 item 7): each cap is hit with an
 * input just over it (refused with an error naming what was too big) and
 * just at it (accepted): response size, JSON nesting, eventEntries count,
 * eventId / rspServerAddress length, base64 output size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <esimlpa/esimlpa.h>
#include <esimlpa/activation.h>
#include <esimlpa/es9p.h>

#include "es9p/base64.h"
#include "es9p/es9p_internal.h"
#include "es9p/es9p_json.h"
#include "es9p_check.h"

#define TID "0123456789ABCDEF0123456789ABCDEF"
#define OK_HDR "\"header\":{\"functionExecutionStatus\":{\"status\":\"Executed-Success\"}}"

static const char *g_body;   /* answer of the fake server; owned by the test */

static int fake_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    (void)user, (void)url, (void)headers, (void)body, (void)body_len;
    size_t n = strlen(g_body);
    resp->status = 200;
    resp->body = malloc(n + 1);
    if (!resp->body)
        return ESIMLPA_ENOMEM;
    memcpy(resp->body, g_body, n + 1);
    resp->body_len = n;
    resp->admin_protocol = strdup("gsma/rsp/v2.2.0");
    return 0;
}

static int no_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                       size_t *resp_len)
{
    (void)user, (void)cmd, (void)cmd_len, (void)resp, (void)resp_len;
    return ESIMLPA_ETRANSPORT;
}

static struct esimlpa_apdu_transport g_apdu = {
    .version = ESIMLPA_APDU_TRANSPORT_VERSION, .transmit = no_transmit};
static struct esimlpa_http_transport g_http = {
    .version = ESIMLPA_HTTP_TRANSPORT_VERSION, .post = fake_post};
static esimlpa_ctx *g_ctx;

static struct esimlpa__es9p client(size_t max_response)
{
    struct esimlpa__es9p c;
    memset(&c, 0, sizeof c);
    c.ctx = g_ctx;
    c.http = &g_http;
    c.max_response = max_response;
    return c;
}

static int contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

/* POST with a JSON answer; returns the rc and frees the answer. */
static int post(struct esimlpa__es9p *c)
{
    cJSON *req = cJSON_CreateObject();
    cJSON *resp = NULL;
    int rc = esimlpa__es9p_post(c, "testFn", "testFn", "smdp.example.com", req, 1, &resp);
    cJSON_Delete(req);
    cJSON_Delete(resp);
    return rc;
}

/* Body of exactly @len bytes: OK header padded with spaces inside the object. */
static char *padded_body(size_t len)
{
    const char *core = "{" OK_HDR "}";
    size_t n = strlen(core);
    char *s = malloc(len + 1);
    memset(s, ' ', len);
    memcpy(s, core, n - 1);
    s[len - 1] = '}';
    s[len] = '\0';
    return s;
}

static void test_response_size(void)
{
    struct esimlpa__es9p c = client(200);
    char *b = padded_body(200);
    g_body = b;
    CHECK_INT(post(&c), ESIMLPA_OK);
    free(b);
    b = padded_body(201);
    g_body = b;
    CHECK_INT(post(&c), ESIMLPA_EHTTP_TOOBIG);
    CHECK(contains(esimlpa_ctx_last_error(g_ctx), "response larger than 200 bytes"));
    free(b);
}

/* {hdr,"x":[[...]]} with @depth levels in all (the outer object counts). */
static char *nested_body(unsigned depth)
{
    size_t cap = strlen(OK_HDR) + 2 * depth + 32;
    char *s = malloc(cap);
    size_t n = (size_t)snprintf(s, cap, "{" OK_HDR ",\"x\":");
    for (unsigned i = 1; i < depth; i++)
        s[n++] = '[';
    for (unsigned i = 1; i < depth; i++)
        s[n++] = ']';
    s[n++] = '}';
    s[n] = '\0';
    return s;
}

static void test_json_depth(void)
{
    struct esimlpa__es9p c = client(0);
    char *b = nested_body(ESIMLPA__ES9P_MAX_JSON_DEPTH);
    g_body = b;
    CHECK_INT(post(&c), ESIMLPA_OK);
    free(b);
    b = nested_body(ESIMLPA__ES9P_MAX_JSON_DEPTH + 1);
    g_body = b;
    CHECK_INT(post(&c), ESIMLPA_EES9_BADRESPONSE);
    CHECK(contains(esimlpa_ctx_last_error(g_ctx), "nests deeper than 16 levels"));
    free(b);
    /* Brackets inside strings do not count. */
    g_body = "{" OK_HDR ",\"x\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"}";
    CHECK_INT(post(&c), ESIMLPA_OK);
}

/* ES11 answer with @n events; event 0 gets @id and @addr if given. */
static char *events_body(size_t n, const char *id, const char *addr)
{
    size_t cap = 256 + n * 64 + (id ? strlen(id) : 0) + (addr ? strlen(addr) : 0);
    char *s = malloc(cap);
    size_t k = (size_t)snprintf(s, cap, "{" OK_HDR ",\"transactionId\":\"" TID "\",\"eventEntries\":[");
    for (size_t i = 0; i < n; i++)
        k += (size_t)snprintf(s + k, cap - k, "%s{\"eventId\":\"%s\",\"rspServerAddress\":\"%s\"}",
                              i ? "," : "", (i == 0 && id) ? id : "E",
                              (i == 0 && addr) ? addr : "a.example.com");
    snprintf(s + k, cap - k, "]}");
    return s;
}

static const uint8_t ASR[] = {0xBF, 0x38, 0x00};

static int es11(char *body, size_t *count)
{
    struct esimlpa__es9p c = client(0);
    struct esimlpa__es11_auth_client r;
    g_body = body;
    int rc = esimlpa__es11_authenticate_client(&c, "ds.example.com", TID, ASR, sizeof ASR, &r);
    *count = r.count;
    esimlpa__es11_auth_client_clear(&r);
    free(body);
    return rc;
}

static void test_event_entries(void)
{
    size_t n = 0;
    CHECK_INT(es11(events_body(ESIMLPA__ES11_MAX_EVENTS, NULL, NULL), &n), ESIMLPA_OK);
    CHECK_INT(n, ESIMLPA__ES11_MAX_EVENTS);
    CHECK_INT(es11(events_body(ESIMLPA__ES11_MAX_EVENTS + 1, NULL, NULL), &n),
              ESIMLPA_EES9_BADRESPONSE);
    CHECK_INT(n, 0);
    CHECK(contains(esimlpa_ctx_last_error(g_ctx),
                   "eventEntries has 1025 entries, more than the limit of 1024"));
}

static void test_event_strings(void)
{
    char id[ESIMLPA__ES11_MAX_EVENT_ID + 2];
    memset(id, 'M', sizeof id - 1);
    id[sizeof id - 1] = '\0';                     /* 256 characters */
    size_t n = 0;
    CHECK_INT(es11(events_body(1, id, NULL), &n), ESIMLPA_EES9_BADRESPONSE);
    CHECK(contains(esimlpa_ctx_last_error(g_ctx),
                   "eventEntries[0].eventId is longer than 255 characters"));
    id[ESIMLPA__ES11_MAX_EVENT_ID] = '\0';        /* 255 */
    CHECK_INT(es11(events_body(1, id, NULL), &n), ESIMLPA_OK);
    CHECK_INT(n, 1);

    /* rspServerAddress: 255 characters in labels of at most 63 pass, 256 not. */
    char addr[ESIMLPA_AC_MAX_ADDRESS + 2];
    for (size_t i = 0; i < sizeof addr - 1; i++)
        addr[i] = (i % 64 == 63) ? '.' : 'a';
    addr[ESIMLPA_AC_MAX_ADDRESS] = '\0';
    CHECK_INT(es11(events_body(1, NULL, addr), &n), ESIMLPA_OK);
    addr[ESIMLPA_AC_MAX_ADDRESS] = 'b';
    addr[ESIMLPA_AC_MAX_ADDRESS + 1] = '\0';
    CHECK_INT(es11(events_body(1, NULL, addr), &n), ESIMLPA_EES9_BADRESPONSE);
    CHECK(contains(esimlpa_ctx_last_error(g_ctx), "eventEntries[0].rspServerAddress"));
}

static void test_base64_cap(void)
{
    uint8_t data[48];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7);
    char *b = esimlpa__b64_encode(data, sizeof data);
    uint8_t *out = NULL;
    size_t n = 0;
    CHECK_INT(esimlpa__b64_decode(b, strlen(b), sizeof data, &out, &n), ESIMLPA_OK);
    CHECK_INT(n, sizeof data);
    CHECK(out && memcmp(out, data, sizeof data) == 0);
    free(out);
    out = NULL;
    CHECK_INT(esimlpa__b64_decode(b, strlen(b), sizeof data - 1, &out, &n), ESIMLPA_ETOOBIG);
    CHECK(out == NULL);
    /* In place: same checks, the text becomes the data. */
    char *t = strdup(b);
    CHECK_INT(esimlpa__b64_decode_inplace(t, strlen(t), sizeof data - 1, &n), ESIMLPA_ETOOBIG);
    CHECK_INT(esimlpa__b64_decode_inplace(t, strlen(t), sizeof data, &n), ESIMLPA_OK);
    CHECK_INT(n, sizeof data);
    CHECK(memcmp(t, data, sizeof data) == 0);
    free(t);
    t = strdup("QUJD\\/");   /* backslash: not base64 */
    CHECK_INT(esimlpa__b64_decode_inplace(t, strlen(t), 100, &n), ESIMLPA_EDECODE);
    free(t);
    free(b);

    /* Through the client: a blob field is capped by max_response too. */
    char *bb = esimlpa__b64_encode(data, sizeof data);   /* 64 characters */
    size_t cap = 400;
    char *body = malloc(cap);
    snprintf(body, cap, "{" OK_HDR ",\"blob\":\"%s\"}", bb);
    free(bb);
    struct esimlpa__es9p c = client(strlen(body));
    g_body = body;
    cJSON *req = cJSON_CreateObject(), *resp = NULL;
    CHECK_INT(esimlpa__es9p_post(&c, "testFn", "testFn", "smdp.example.com", req, 1, &resp),
              ESIMLPA_OK);
    struct esimlpa__bytes got = {0};
    CHECK_INT(esimlpa__es9p_get_b64(&c, "testFn", resp, "blob", &got), ESIMLPA_OK);
    CHECK_INT(got.len, sizeof data);
    esimlpa__bytes_clear(&got);
    c.max_response = sizeof data - 1;   /* smaller than the blob */
    CHECK_INT(esimlpa__es9p_get_b64(&c, "testFn", resp, "blob", &got), ESIMLPA_EES9_BADRESPONSE);
    CHECK(got.data == NULL);
    /* take_b64: same cap, then decodes in place and moves the buffer out. */
    CHECK_INT(esimlpa__es9p_take_b64(&c, "testFn", resp, "blob", &got), ESIMLPA_EES9_BADRESPONSE);
    CHECK(got.data == NULL);
    CHECK(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(resp, "blob")));
    c.max_response = sizeof data;
    CHECK_INT(esimlpa__es9p_take_b64(&c, "testFn", resp, "blob", &got), ESIMLPA_OK);
    CHECK_INT(got.len, sizeof data);
    CHECK(got.data && memcmp(got.data, data, sizeof data) == 0);
    CHECK(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(resp, "blob")));
    esimlpa__bytes_clear(&got);
    cJSON_Delete(resp);
    cJSON_Delete(req);
    free(body);
}

/* esimlpa__es9p_post_take: the blob is lifted from the raw body and
 * decoded in place; when it cannot be (cap, escapes, bad base64) it is
 * left for the ordinary decoder. */
static void test_post_take(void)
{
    uint8_t data[300];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 31 + 5);
    char *b = esimlpa__b64_encode(data, sizeof data);
    size_t cap = strlen(b) + 400;
    char *body = malloc(cap);
    snprintf(body, cap,
             "{\"x\":{\"blob\":\"nested\"},\"blobby\":\"no\"," OK_HDR ",\"blob\" : \"%s\",\"y\":1}", b);
    g_body = body;
    for (int round = 0; round < 3; round++) {
        if (round == 1) {   /* a '\\/' escape (legal JSON): left to cJSON */
            char *slash = strchr(body + 60, '/');
            CHECK(slash != NULL);   /* the encoding of this pattern has one */
            if (!slash)
                break;
            size_t off = (size_t)(slash - body);
            memmove(body + off + 1, body + off, strlen(body + off) + 1);
            body[off] = '\\';
        } else if (round == 2) {   /* not base64: left for the ordinary error */
            char *slash = strstr(body, "\\/");
            CHECK(slash != NULL);
            if (!slash)
                break;
            slash[0] = 'A';
            slash[1] = '!';
        }
        struct esimlpa__es9p c = client(0);
        cJSON *req = cJSON_CreateObject(), *resp = NULL;
        struct esimlpa__bytes got = {0};
        int rc = esimlpa__es9p_post_take(&c, "testFn", "testFn", "smdp.example.com", req, "blob",
                                         &resp, &got);
        CHECK_INT(rc, ESIMLPA_OK);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(resp, "blob");
        if (round == 0) {   /* lifted */
            CHECK_INT(got.len, sizeof data);
            CHECK(got.data && memcmp(got.data, data, sizeof data) == 0);
            CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "<300 bytes>") == 0);
        } else {            /* left in the JSON */
            CHECK(got.data == NULL && got.len == 0);
            CHECK(cJSON_IsString(v) && strlen(v->valuestring) == strlen(b) + (round == 2));
        }
        if (round == 2) {
            CHECK_INT(esimlpa__es9p_take_b64(&c, "testFn", resp, "blob", &got),
                      ESIMLPA_EES9_BADRESPONSE);
            CHECK(contains(esimlpa_ctx_last_error(g_ctx), "blob is not valid base64"));
        }
        /* the rest of the object is intact */
        const cJSON *y = cJSON_GetObjectItemCaseSensitive(resp, "y");
        CHECK(cJSON_IsNumber(y) && y->valueint == 1);
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(resp, "x");
        const cJSON *xb = cJSON_GetObjectItemCaseSensitive(x, "blob");
        CHECK(cJSON_IsString(xb) && strcmp(xb->valuestring, "nested") == 0);
        esimlpa__bytes_clear(&got);
        cJSON_Delete(resp);
        cJSON_Delete(req);
    }
    free(b);
    free(body);
}

int main(void)
{
    struct esimlpa_ctx_options o = {.version = ESIMLPA_CTX_OPTIONS_VERSION,
                                    .transport = &g_apdu};
    if (esimlpa_ctx_new(&o, &g_ctx) != ESIMLPA_OK) {
        fprintf(stderr, "cannot create a context\n");
        return 1;
    }
    test_response_size();
    test_json_depth();
    test_event_entries();
    test_event_strings();
    test_base64_cap();
    test_post_take();
    esimlpa_ctx_free(g_ctx);
    CHECK_DONE();
}
