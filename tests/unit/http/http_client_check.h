/* SPDX-License-Identifier: MIT */
/* Shared by the curl transport's unit tests (test_http_curl.c,
 * test_http_ahead.c): the failure counter and checks, and the request and
 * headers they post to the in-process test server. */
#ifndef ESIMLPA_TEST_HTTP_CLIENT_CHECK_H
#define ESIMLPA_TEST_HTTP_CLIENT_CHECK_H

#include <stdio.h>

#include "testpki.h"

static int failures;

#define CHECK(cond)                                                             \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            failures++;                                                         \
        }                                                                       \
    } while (0)
#define CHECK_RC(expr, want)                                                    \
    do {                                                                        \
        int rc_ = (expr);                                                       \
        if (rc_ != (want)) {                                                    \
            fprintf(stderr, "%s:%d: %s = %d, want %d\n", __FILE__, __LINE__,   \
                    #expr, rc_, (int)(want));                                   \
            failures++;                                                         \
        }                                                                       \
    } while (0)

static const char *const JSON_REQ = "{\"euiccChallenge\":\"AAECAwQFBgcICQoLDA0ODw==\","
                                    "\"smdpAddress\":\"" TESTPKI_HOST "\"}";
static const char *const JSON_RESP = "{\"header\":{\"functionExecutionStatus\":"
                                     "{\"status\":\"Executed-Success\"}},\"transactionId\":\"0A0B\"}";
static const char *const HEADERS[] = {
    "Content-Type: application/json",
    "X-Admin-Protocol: gsma/rsp/v2.2.2",
    "User-Agent: gsma-rsp-lpad",
    NULL,
};

#endif
