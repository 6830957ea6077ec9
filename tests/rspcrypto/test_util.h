/* SPDX-License-Identifier: MIT */
/* Tiny helpers for the rspcrypto test programs: checks that count failures, hex decoding. */
#ifndef RSPC_TEST_UTIL_H
#define RSPC_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int t_failures;
static int t_checks;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        t_checks++;                                                                  \
        if (!(cond)) {                                                               \
            t_failures++;                                                            \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_RC(expr, want)                                                            \
    do {                                                                                \
        int rc_ = (expr);                                                               \
        t_checks++;                                                                     \
        if (rc_ != (want)) {                                                            \
            t_failures++;                                                               \
            fprintf(stderr, "%s:%d: %s returned %d (%s), want %d\n", __FILE__, __LINE__, \
                    #expr, rc_, rspc_strerror(rc_), (int)(want));                       \
        }                                                                               \
    } while (0)

#define CHECK_MEM(got, got_len, want, want_len)                                          \
    do {                                                                                 \
        t_checks++;                                                                      \
        if ((got_len) != (want_len) || memcmp((got), (want), (want_len)) != 0) {         \
            t_failures++;                                                                \
            fprintf(stderr, "%s:%d: bytes differ: %s (%zu) vs %s (%zu)\n", __FILE__,     \
                    __LINE__, #got, (size_t)(got_len), #want, (size_t)(want_len));       \
        }                                                                                \
    } while (0)

/* Decode hex (spaces ignored) into a malloc()ed buffer; aborts on bad input (test bug). */
static inline uint8_t *t_hex(const char *s, size_t *len)
{
    size_t n = strlen(s), k = 0;
    uint8_t *out = malloc(n / 2 + 1);
    int hi = -1;
    if (!out)
        abort();
    for (size_t i = 0; i < n; i++) {
        int c = s[i], v;
        if (c == ' ')
            continue;
        if (c >= '0' && c <= '9') v = c - '0';
        else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        else abort();
        if (hi < 0) {
            hi = v;
        } else {
            out[k++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        abort();
    *len = k;
    return out;
}

static inline int t_done(const char *name)
{
    if (t_failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", name, t_failures, t_checks);
        return 1;
    }
    printf("%s: all %d checks passed\n", name, t_checks);
    return 0;
}

#endif
