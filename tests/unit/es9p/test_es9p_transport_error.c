/* SPDX-License-Identifier: MIT */
/* A transport failure is reported with the transport's own detail
 * (esimlpa_http_transport.last_error, version >= 2), and a version 1
 * transport, which has no such member, is still accepted and never asked. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include <esimlpa/esimlpa.h>

#include "es9p/es9p_internal.h"
#include "es9p/es9p_json.h"
#include "es9p_check.h"

static int g_detail_calls;

static int failing_post(void *user, const char *url, const char *const *headers,
                        const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    (void)user, (void)url, (void)headers, (void)body, (void)body_len, (void)resp;
    return ESIMLPA_EHTTP_CERT;
}

static const char *detail(void *user)
{
    (void)user;
    g_detail_calls++;
    return "SSL certificate problem: certificate has expired\n";
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

    /* Version 2 with last_error: the detail is appended, newline dropped. */
    struct esimlpa_http_transport v2 = {.version = 2, .post = failing_post, .last_error = detail};
    CHECK_INT(post(ctx, &v2), ESIMLPA_EHTTP_CERT);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "initiateAuthentication: POST https://smdp.example.com/gsma/rsp2/es9plus/"
              "initiateAuthentication failed: server certificate not trusted, expired or for "
              "another host (SSL certificate problem: certificate has expired)");
    CHECK_INT(g_detail_calls, 1);

    /* Version 2 without last_error: the plain text. */
    struct esimlpa_http_transport v2n = {.version = 2, .post = failing_post};
    CHECK_INT(post(ctx, &v2n), ESIMLPA_EHTTP_CERT);
    const char *e = esimlpa_ctx_last_error(ctx);
    CHECK(e && strstr(e, "for another host") && !strstr(e, "("));

    /* Version 1: the member is not part of its struct and must not be read. */
    struct esimlpa_http_transport v1 = {.version = 1, .post = failing_post, .last_error = detail};
    g_detail_calls = 0;
    CHECK_INT(post(ctx, &v1), ESIMLPA_EHTTP_CERT);
    CHECK_INT(g_detail_calls, 0);

    /* Unknown future versions are refused. */
    struct esimlpa_http_transport v3 = {.version = ESIMLPA_HTTP_TRANSPORT_VERSION + 1,
                                        .post = failing_post};
    CHECK_INT(post(ctx, &v3), ESIMLPA_EINVAL);

    esimlpa_ctx_free(ctx);
    CHECK_DONE();
}
