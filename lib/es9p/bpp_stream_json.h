/* SPDX-License-Identifier: MIT */
/*
 * Incremental scanner of an ES9+ JSON answer that carries one large base64
 * member (getBoundProfilePackage's "boundProfilePackage", SGP.22 §6.5.2.2):
 * fed the body in pieces of any size, it decodes the member's base64 as it
 * arrives and hands the bytes to a sink, and keeps the rest of the object
 * (header, transactionId: small) with the member's value left as "" for the
 * ordinary checks. JSON escapes in the value (\/ , \n, \uXXXX) are undone
 * first; keys may come in any order. Internal.
 */
#ifndef ESIMLPA_ES9P_BPP_STREAM_JSON_H
#define ESIMLPA_ES9P_BPP_STREAM_JSON_H

#include <stddef.h>
#include <stdint.h>

/* The rest of the object is at most this long (everything but the value). */
#define ESIMLPA__BPP_JSON_REST_MAX ((size_t)64 << 10)

/* Receives decoded bytes; a non-zero return stops the feed and is returned. */
typedef int (*esimlpa__b64_sink_fn)(void *user, const uint8_t *p, size_t len);

struct esimlpa__bpp_json {
    const char *name;            /* the member, e.g. "boundProfilePackage" */
    esimlpa__b64_sink_fn sink;
    void *user;
    size_t max_out;              /* decoded bytes allowed */
    char *rest;                  /* NUL-terminated */
    size_t rest_len, rest_cap;
    /* lexer */
    unsigned depth;
    int in_str, esc;             /* inside a string (other than the value), after a backslash */
    int expect_key;              /* at depth 1, the next string is a key */
    int key_depth1;              /* the string being read is a depth-1 key */
    size_t key_pos;              /* characters of the key matched so far */
    int key_match;               /* the key read so far equals name's prefix */
    int after_key;               /* 1: the key was name, wait for ':'; 2: ':' seen */
    int in_value;                /* inside the member's value */
    int vesc;                    /* 0, 1 after '\\', 2..5 reading \u hex digits */
    unsigned uval;
    int found;                   /* the value was seen (complete when in_value is 0) */
    int ended;                   /* the top-level object closed */
    /* base64 */
    unsigned quad;
    int nq, npad;
    uint8_t out[3072];
    size_t nout;
    size_t decoded;              /* bytes handed to the sink */
    int failed;
    char why[96];                /* "boundProfilePackage is not valid base64", ... */
};

void esimlpa__bpp_json_init(struct esimlpa__bpp_json *j, const char *name, size_t max_out,
                            esimlpa__b64_sink_fn sink, void *user);
/* Feed @len body bytes. 0; -1 malformed (j->why); or the sink's value. */
int esimlpa__bpp_json_feed(struct esimlpa__bpp_json *j, const uint8_t *p, size_t len);
/* The body ended. 0; -1 if the value or the object is incomplete (j->why). */
int esimlpa__bpp_json_finish(struct esimlpa__bpp_json *j);
void esimlpa__bpp_json_free(struct esimlpa__bpp_json *j);

#endif
