/* SPDX-License-Identifier: MIT */
/*
 * The in-process end-to-end fixture shared by rsp-e2e, rsp-renew,
 * log-redact and fuzz/record_seeds: the soft eUICC (tests/sim) with the test
 * PKI's NIST eUICC identity, and a libcurl transport that trusts only the
 * test CI and reaches the test SM-DP+ (tests/smdpp, started with tc_start).
 */
#ifndef ESIMLPA_TEST_INPROC_H
#define ESIMLPA_TEST_INPROC_H

#include <cjson/cJSON.h>
#include <esimlpa/esimlpa.h>

#include "softeuicc.h"
#include "test_client.h"

/*
 * HTTP transport for the test SM-DP+: it is named without a port (it
 * compares smdpAddress exactly) but listens on an ephemeral one, so this
 * adds the port to every URL for its host before libcurl sees it.
 */
struct inproc_http {
    struct esimlpa_http_transport pub;    /* post = inproc_http_post */
    struct esimlpa_http_transport *curl;  /* verifies TLS against the test CI */
    const char *host;
    unsigned port;
};

void inproc_http_init(struct inproc_http *w, struct tc *t);
void inproc_http_free(struct inproc_http *w);
/* The post callback; wrappers with extra behaviour call it for the real request. */
int inproc_http_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp);

/* Write @seed to @state, letting @edit change the JSON first (may be NULL). */
void inproc_state_write(const char *seed, const char *state, void (*edit)(cJSON *root, void *arg),
                        void *arg);
/* Edit: no profiles and no notifications (no ICCID shared with the orders). */
void inproc_state_empty(cJSON *root, void *arg);

/* Open the soft eUICC on @state (copied from @seed first when it is not NULL)
 * with the eUICC identity of the test PKI; exits on failure. */
struct softeuicc *inproc_card_open(struct tc *t, const char *state, const char *seed);

#endif
