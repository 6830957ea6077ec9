/* SPDX-License-Identifier: MIT */
/* Minimal checks for the ES9+ unit tests: count failures, report them with
 * their line, exit non-zero at the end (CHECK_DONE). */
#ifndef ES9P_CHECK_H
#define ES9P_CHECK_H

#include <stdio.h>
#include <string.h>

static int g_checks, g_failures;

#define CHECK(cond)                                                              \
    do {                                                                         \
        g_checks++;                                                              \
        if (!(cond)) {                                                           \
            g_failures++;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                        \
    } while (0)

#define CHECK_INT(got, want)                                                     \
    do {                                                                         \
        long long g_ = (long long)(got), w_ = (long long)(want);                 \
        g_checks++;                                                              \
        if (g_ != w_) {                                                          \
            g_failures++;                                                        \
            fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, \
                    g_, w_);                                                     \
        }                                                                        \
    } while (0)

#define CHECK_STR(got, want)                                                     \
    do {                                                                         \
        const char *g_ = (got), *w_ = (want);                                    \
        g_checks++;                                                              \
        if (!g_ || !w_ || strcmp(g_, w_) != 0) {                                 \
            g_failures++;                                                        \
            fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, \
                    g_ ? g_ : "(null)", w_ ? w_ : "(null)");                     \
        }                                                                        \
    } while (0)

/* @hay contains @needle. */
#define CHECK_HAS(hay, needle)                                                   \
    do {                                                                         \
        const char *h_ = (hay), *n_ = (needle);                                  \
        g_checks++;                                                              \
        if (!h_ || !strstr(h_, n_)) {                                            \
            g_failures++;                                                        \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
                    h_ ? h_ : "(null)", n_);                                     \
        }                                                                        \
    } while (0)

#define CHECK_DONE()                                                             \
    do {                                                                         \
        printf("%d checks, %d failures\n", g_checks, g_failures);                \
        return g_failures ? 1 : 0;                                               \
    } while (0)

#endif
