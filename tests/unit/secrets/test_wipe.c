/* SPDX-License-Identifier: MIT */
/*
 * Secrets do not outlive their use (issue 11 item 5): every heap block the
 * library frees (or gives up in realloc) during a PrepareDownload (whose
 * request and answer carry hashCc, SGP.22 §2.2 notes) and during the
 * getBoundProfilePackage request (whose prepareDownloadResponse carries it
 * in euiccSigned2) is scanned for hashCc, raw and base64-encoded. The test
 * links with -Wl,--wrap=free,--wrap=realloc and routes cJSON's allocations
 * through the same scanner; its own card and HTTP transport keep no copies.
 */
#define _GNU_SOURCE
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <esimlpa/esimlpa.h>

#include "es10/es10_download.h"
#include "es9p/base64.h"
#include "es9p/es9p_internal.h"

void __real_free(void *p);
void *__real_realloc(void *p, size_t n);

static int armed, failures;
static const uint8_t *needle;
static size_t needle_len;
static const char *needle_b64;   /* a run of the base64 body that covers hashCc */
static int leaks;

static int holds_secret(const void *p, size_t n)
{
    if (!armed || !p)
        return 0;
    if (needle && memmem(p, n, needle, needle_len))
        return 1;
    return needle_b64 && memmem(p, n, needle_b64, strlen(needle_b64)) != NULL;
}

void __wrap_free(void *p)
{
    if (p && holds_secret(p, malloc_usable_size(p)))
        leaks++;
    __real_free(p);
}

void *__wrap_realloc(void *p, size_t n)
{
    size_t old = p ? malloc_usable_size(p) : 0;
    int had = p && holds_secret(p, old);
    void *q = __real_realloc(p, n);
    if (had && q != p)
        leaks++;   /* the old block, with the secret in it, went back unwiped */
    return q;
}

/* A card with no memory of its own: logical channel 1, any SELECT, and
 * PrepareDownload (BF21) answered with an euiccSigned2 that carries hashCc. */
static uint8_t answer[256];
static size_t answer_len;

static int card_connect(void *u) { (void)u; return 0; }
static void card_disconnect(void *u) { (void)u; }
static int card_transmit(void *u, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                         size_t *resp_len)
{
    (void)u;
    size_t n = 0;
    if (cmd_len >= 4 && cmd[1] == 0x70 && cmd[3] == 0x00) {
        resp[n++] = 0x01;
    } else if (cmd_len >= 5 && cmd[1] == 0xE2 && cmd[2] == 0x91) {   /* last STORE DATA block */
        memcpy(resp, answer, answer_len);
        n = answer_len;
    }
    resp[n++] = 0x90;
    resp[n++] = 0x00;
    *resp_len = n;
    return 0;
}

/* An HTTP transport that reads the body and keeps nothing. */
static int http_post(void *u, const char *url, const char *const *headers, const uint8_t *body,
                     size_t body_len, struct esimlpa_http_response *r)
{
    (void)u; (void)url; (void)headers; (void)body; (void)body_len;
    static const char reply[] = "{\"header\":{\"functionExecutionStatus\":{\"status\":\"Failed\","
                                "\"statusCodeData\":{\"subjectCode\":\"8.2\",\"reasonCode\":\"3.7\"}}}}";
    r->status = 200;
    r->body = malloc(sizeof reply);
    memcpy(r->body, reply, sizeof reply);
    r->body_len = sizeof reply - 1;
    r->admin_protocol = malloc(32);
    strcpy(r->admin_protocol, "gsma/rsp/v2.2.0");
    return 0;
}

static void *scan_malloc(size_t n) { return malloc(n); }
static void scan_free(void *p) { __wrap_free(p); }

#define CHECK(c) do { if (!(c)) { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); } } while (0)

int main(void)
{
    cJSON_Hooks hooks = { scan_malloc, scan_free };
    cJSON_InitHooks(&hooks);
    uint8_t hash_cc[32];
    for (int i = 0; i < 32; i++)
        hash_cc[i] = (uint8_t)(0xA5 ^ (i * 37));
    /* BF21 { A0 { 30 { 80 tid, 5F49 otpk, 04 20 hashCc }, 5F37 signature } } */
    uint8_t signed2[2 + 18 + 68 + 34], *p = signed2;
    *p++ = 0x30; *p++ = 18 + 68 + 34;
    *p++ = 0x80; *p++ = 16; memset(p, 0x11, 16); p += 16;
    *p++ = 0x5F; *p++ = 0x49; *p++ = 65; *p++ = 0x04; memset(p, 0x22, 64); p += 64;
    *p++ = 0x04; *p++ = 32; memcpy(p, hash_cc, 32); p += 32;
    size_t a0 = sizeof signed2 + 3 + 64;
    p = answer;
    *p++ = 0xBF; *p++ = 0x21; *p++ = 0x81; *p++ = (uint8_t)(3 + a0);
    *p++ = 0xA0; *p++ = 0x81; *p++ = (uint8_t)a0;
    memcpy(p, signed2, sizeof signed2); p += sizeof signed2;
    *p++ = 0x5F; *p++ = 0x37; *p++ = 64; memset(p, 0x33, 64); p += 64;
    answer_len = (size_t)(p - answer);

    struct esimlpa_apdu_transport tr = { .version = 1, .connect = card_connect,
                                         .disconnect = card_disconnect, .transmit = card_transmit };
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = 1;
    o.transport = &tr;
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&o, &ctx) != 0 || esimlpa_ctx_open(ctx) != 0) {
        fprintf(stderr, "cannot open the context\n");
        return 1;
    }

    /* 1. ES10b PrepareDownload: request and answer hold hashCc. */
    static const uint8_t s2[] = { 0x30, 0x15, 0x80, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                  13, 14, 15, 16, 0x01, 0x01, 0xFF };
    static uint8_t sig[67] = { 0x5F, 0x37, 0x40 };
    static const uint8_t cert[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
    struct esimlpa__prepare_req pr = {
        .smdp_signed2 = { s2, sizeof s2 }, .smdp_signature2 = { sig, sizeof sig },
        .hash_cc = hash_cc, .smdp_certificate = { cert, sizeof cert },
    };
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    needle = hash_cc;
    needle_len = sizeof hash_cc;
    armed = 1;
    int rc = esimlpa__es10_prepare_download(ctx, &pr, &resp, &resp_len);
    armed = 0;
    CHECK(rc == ESIMLPA_OK);
    CHECK(resp && resp_len > 0 && memmem(resp, resp_len, hash_cc, 32));
    printf("PrepareDownload: %d freed block(s) still held hashCc\n", leaks);
    CHECK(leaks == 0);

    /* 2. getBoundProfilePackage: the JSON body carries the answer in base64. */
    char *b64 = esimlpa__b64_encode(resp, resp_len);
    /* Base64 of the bytes around hashCc: 48 characters inside its encoding. */
    size_t at = (size_t)((uint8_t *)memmem(resp, resp_len, hash_cc, 32) - resp);
    size_t from = (at + 2) / 3 * 4;
    static char run[49];
    memcpy(run, b64 + from, 48);
    run[48] = '\0';
    needle_b64 = run;
    struct esimlpa_http_transport http = { .version = 1, .post = http_post };
    struct esimlpa__es9p c = { .ctx = ctx, .http = &http };
    struct esimlpa__bytes bpp;
    leaks = 0;
    armed = 1;
    rc = esimlpa__es9p_get_bound_profile_package(&c, "smdp.example.com",
                                                 "0102030405060708090A0B0C0D0E0F10", resp,
                                                 resp_len, &bpp);
    armed = 0;
    CHECK(rc != ESIMLPA_OK);   /* the server said Failed; the request was sent */
    printf("getBoundProfilePackage: %d freed block(s) still held hashCc\n", leaks);
    CHECK(leaks == 0);
    free(b64);
    free(resp);
    esimlpa_ctx_free(ctx);
    if (failures)
        return 1;
    printf("secrets wiped: ok\n");
    return 0;
}
