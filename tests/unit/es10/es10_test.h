/* SPDX-License-Identifier: MIT */
/* Test support for the ES10 layer: a scripted in-process card behind a real
 * esimlpa_ctx, a hex/TLV notation for test data, and check macros. */
#ifndef ES10_TEST_H
#define ES10_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

extern int t_failures;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);    \
            t_failures++;                                                               \
        }                                                                               \
    } while (0)

#define CHECK_INT(got, want)                                                            \
    do {                                                                                \
        long long g_ = (long long)(got), w_ = (long long)(want);                        \
        if (g_ != w_) {                                                                 \
            fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got,  \
                    g_, w_);                                                            \
            t_failures++;                                                               \
        }                                                                               \
    } while (0)

#define CHECK_STR(got, want)                                                            \
    do {                                                                                \
        const char *g_ = (got), *w_ = (want);                                           \
        if (!g_ || strcmp(g_, w_) != 0) {                                               \
            fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__,     \
                    #got, g_ ? g_ : "(null)", w_);                                      \
            t_failures++;                                                               \
        }                                                                               \
    } while (0)

/*
 * Test data notation: hex byte pairs (spaces ignored), 'text' for ASCII
 * bytes, and TAG ( ... ) to wrap the bytes inside the parentheses with a
 * DER length. Example: "BF3E ( 5A ( 89049044900000000000000000102355 ) )".
 * Returns the number of bytes written to out; aborts on a bad spec.
 */
size_t t_bytes(const char *spec, uint8_t *out, size_t cap);

/* ---------- the scripted card ---------- */

struct fake_card;

struct fake_card *fake_card_new(void);
void fake_card_free(struct fake_card *fc);
struct esimlpa_apdu_transport *fake_card_transport(struct fake_card *fc);

/* Expect the next ES10 request (after STORE DATA reassembly) to be exactly
 * @req_spec and answer with @resp_spec followed by @sw (0x9000 usually).
 * A response above 256 bytes is served with 61xx + GET RESPONSE. */
void fake_card_expect_sw(struct fake_card *fc, const char *req_spec, const char *resp_spec,
                         uint16_t sw);
#define fake_card_expect(fc, req, resp) fake_card_expect_sw(fc, req, resp, 0x9000)

/* Number of ES10 requests received so far. */
unsigned fake_card_requests(const struct fake_card *fc);
/* 1 if every expectation was met exactly (no surprise or mismatched request). */
int fake_card_ok(const struct fake_card *fc);

/* 1 while a logical channel opened by MANAGE CHANNEL is not closed again. */
int fake_card_channel_open(const struct fake_card *fc);

/* A context with the fake card, opened (MANAGE CHANNEL + SELECT ISD-R). */
esimlpa_ctx *t_open(struct fake_card *fc);

/* Run one test function with a fresh card and context; checks that every
 * scripted exchange was used. */
#define RUN(fn)                                                                         \
    do {                                                                                \
        struct fake_card *fc_ = fake_card_new();                                        \
        esimlpa_ctx *ctx_ = t_open(fc_);                                                \
        int before_ = t_failures;                                                       \
        fn(ctx_, fc_);                                                                  \
        if (!fake_card_ok(fc_)) {                                                       \
            fprintf(stderr, "%s: card script not followed\n", #fn);                     \
            t_failures++;                                                               \
        }                                                                               \
        esimlpa_ctx_free(ctx_);                                                         \
        if (fake_card_channel_open(fc_)) {                                              \
            fprintf(stderr, "%s: logical channel left open\n", #fn);                   \
            t_failures++;                                                               \
        }                                                                               \
        fake_card_free(fc_);                                                            \
        fprintf(stderr, "%s %s\n", t_failures == before_ ? "ok  " : "FAIL", #fn);       \
    } while (0)

#endif
