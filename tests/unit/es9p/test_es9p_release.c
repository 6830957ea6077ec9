/* SPDX-License-Identifier: MIT */
/* A version-4 HTTP transport hands out response bodies from its own pool
 * (not malloc) and gets each back through its release() callback, exactly
 * once per post(), on success, HTTP errors and transport failures alike.
 * Version-3 transports keep the old rule: the library free()s the body and
 * never reads the release member (which a version-3 struct does not have). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <esimlpa/esimlpa.h>

#include "es9p/es9p_internal.h"
#include "es9p/es9p_json.h"
#include "es9p_check.h"

/* The transport's allocator: two fixed slots, never malloc. */
#define SLOTS 2
struct pool {
    char mem[SLOTS][512];
    int used[SLOTS];
    unsigned allocs, releases, bad_releases;
};

static char *pool_take(struct pool *p, const char *text)
{
    for (int i = 0; i < SLOTS; i++) {
        if (!p->used[i]) {
            p->used[i] = 1;
            p->allocs++;
            snprintf(p->mem[i], sizeof p->mem[i], "%s", text);
            return p->mem[i];
        }
    }
    return NULL;
}

static void pool_give(struct pool *p, void *ptr)
{
    if (!ptr)
        return;
    for (int i = 0; i < SLOTS; i++) {
        if (ptr == p->mem[i] && p->used[i]) {
            p->used[i] = 0;
            p->releases++;
            return;
        }
    }
    p->bad_releases++;   /* not ours, or given back twice */
}

struct pool_http {
    struct pool pool;
    long status;
    int fail;            /* post() returns this after filling the response */
    unsigned release_calls;
};

static int pool_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    (void)url, (void)headers, (void)body, (void)body_len;
    struct pool_http *h = user;
    const char *json = "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Executed-Success\"}},"
                       "\"transactionId\":\"0102030405060708090A0B0C0D0E0F10\"}";
    resp->status = h->status;
    resp->body = (uint8_t *)pool_take(&h->pool, json);
    resp->body_len = strlen(json);
    resp->admin_protocol = pool_take(&h->pool, "gsma/rsp/v2.2.0");
    return h->fail;
}

static void pool_release(void *user, struct esimlpa_http_response *resp)
{
    struct pool_http *h = user;
    h->release_calls++;
    pool_give(&h->pool, resp->body);
    pool_give(&h->pool, resp->admin_protocol);
}

/* Version 3: malloc'd members, freed by the library. */
static unsigned g_v3_release_calls;
static int malloc_post(void *user, const char *url, const char *const *headers,
                       const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    (void)user, (void)url, (void)headers, (void)body, (void)body_len;
    const char *json = "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Executed-Success\"}}}";
    resp->status = 200;
    resp->body = (uint8_t *)strdup(json);
    resp->body_len = strlen(json);
    resp->admin_protocol = strdup("gsma/rsp/v2.2.0");
    return 0;
}
static void must_not_release(void *user, struct esimlpa_http_response *resp)
{
    (void)user, (void)resp;
    g_v3_release_calls++;
}

static int no_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                       size_t *resp_len)
{
    (void)user, (void)cmd, (void)cmd_len, (void)resp, (void)resp_len;
    return ESIMLPA_ETRANSPORT;
}

static int post(esimlpa_ctx *ctx, struct esimlpa_http_transport *t)
{
    struct esimlpa__es9p c;
    memset(&c, 0, sizeof c);
    c.ctx = ctx;
    c.http = t;
    cJSON *req = cJSON_CreateObject(), *resp = NULL;
    int rc = esimlpa__es9p_post(&c, "initiateAuthentication", "initiateAuthentication",
                                "smdp.example.com", req, 1, &resp);
    cJSON_Delete(req);
    cJSON_Delete(resp);
    return rc;
}

int main(void)
{
    struct esimlpa_apdu_transport apdu = {.version = ESIMLPA_APDU_TRANSPORT_VERSION,
                                          .transmit = no_transmit};
    struct esimlpa_ctx_options o = {.version = ESIMLPA_CTX_OPTIONS_VERSION, .transport = &apdu};
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&o, &ctx) != ESIMLPA_OK)
        return 1;

    struct pool_http h;
    memset(&h, 0, sizeof h);
    struct esimlpa_http_transport t = {.version = 4, .user = &h, .post = pool_post,
                                       .release = pool_release};
    CHECK_INT(ESIMLPA_HTTP_TRANSPORT_VERSION, 5);

    /* Success: the body was parsed, then given back once. */
    h.status = 200;
    CHECK_INT(post(ctx, &t), ESIMLPA_OK);
    CHECK_INT(h.release_calls, 1);
    /* HTTP error status. */
    h.status = 500;
    CHECK_INT(post(ctx, &t), ESIMLPA_EHTTP_STATUS);
    CHECK_INT(h.release_calls, 2);
    /* Transport failure after post() had filled the response. */
    h.status = 200;
    h.fail = ESIMLPA_EHTTP_CLOSED;
    CHECK_INT(post(ctx, &t), ESIMLPA_EHTTP_CLOSED);
    CHECK_INT(h.release_calls, 3);
    /* Every slot came back, each exactly once, none freed by the library. */
    CHECK_INT(h.pool.allocs, 6);
    CHECK_INT(h.pool.releases, 6);
    CHECK_INT(h.pool.bad_releases, 0);
    CHECK(!h.pool.used[0] && !h.pool.used[1]);

    /* Version 3: release is not part of the struct and never called. */
    struct esimlpa_http_transport v3 = {.version = 3, .post = malloc_post,
                                        .release = must_not_release};
    CHECK_INT(post(ctx, &v3), ESIMLPA_OK);
    CHECK_INT(g_v3_release_calls, 0);
    /* Version 4 without release: free() as before. */
    struct esimlpa_http_transport v4m = {.version = 4, .post = malloc_post};
    CHECK_INT(post(ctx, &v4m), ESIMLPA_OK);

    esimlpa_ctx_free(ctx);
    CHECK_DONE();
}
