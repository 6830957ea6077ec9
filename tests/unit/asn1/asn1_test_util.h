/* SPDX-License-Identifier: MIT */
/* Small helpers shared by the codec tests: hex, checks, strict round trip. */
#ifndef ASN1_TEST_UTIL_H
#define ASN1_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asn1util/asn1util.h"

static int failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK(%s) failed\n", \
    __FILE__, __LINE__, #c); failures++; } } while (0)

/* Parse hex (spaces allowed) into a malloc'd buffer; aborts on bad input. */
static inline uint8_t *hex(const char *s, size_t *len)
{
    size_t n = strlen(s), k = 0;
    uint8_t *b = malloc(n / 2 + 1);
    int hi = -1;
    if (!b)
        abort();
    for (; *s; s++) {
        int v;
        if (*s == ' ')
            continue;
        if (*s >= '0' && *s <= '9') v = *s - '0';
        else if (*s >= 'A' && *s <= 'F') v = *s - 'A' + 10;
        else if (*s >= 'a' && *s <= 'f') v = *s - 'a' + 10;
        else abort();
        if (hi < 0) hi = v;
        else { b[k++] = (uint8_t)(hi << 4 | v); hi = -1; }
    }
    if (hi >= 0)
        abort();
    *len = k;
    return b;
}

static inline void print_hex(const char *what, const uint8_t *b, size_t n)
{
    fprintf(stderr, "  %s: ", what);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%02X", b[i]);
    fprintf(stderr, "\n");
}

/* Encode sptr and compare with the expected hex. Returns 1 if equal. */
static inline int encodes_to(const asn_TYPE_descriptor_t *td, const void *sptr, const char *want_hex)
{
    size_t wn, n = 0;
    uint8_t *want = hex(want_hex, &wn), *out = NULL;
    int ok = esimlpa__der_encode(td, sptr, &out, &n) == 0 && n == wn && memcmp(out, want, n) == 0;
    if (!ok) {
        fprintf(stderr, "encoding of %s differs\n", td->name);
        print_hex("want", want, wn);
        if (out)
            print_hex("got ", out, n);
        else
            fprintf(stderr, "  got : (encode failed)\n");
    }
    free(want);
    free(out);
    return ok;
}

/* Decode hex as td; also checks that every strict prefix and the input
 * with a trailing byte are rejected. Returns the structure or NULL. */
static inline void *decode_strict(const asn_TYPE_descriptor_t *td, const char *hexstr)
{
    size_t n;
    uint8_t *b = hex(hexstr, &n);
    void *p = NULL;
    if (esimlpa__der_decode(td, &p, b, n) != 0) {
        fprintf(stderr, "decoding %s failed\n", td->name);
        free(b);
        return NULL;
    }
    for (size_t k = 0; k < n; k++) {
        void *q = NULL;
        if (esimlpa__der_decode(td, &q, b, k) == 0) {
            fprintf(stderr, "%s: truncated input (%zu of %zu bytes) accepted\n", td->name, k, n);
            failures++;
            ASN_STRUCT_FREE(*(asn_TYPE_descriptor_t *)td, q);
            break;
        }
    }
    uint8_t *t = malloc(n + 1);
    memcpy(t, b, n);
    t[n] = 0x00;
    void *q = NULL;
    if (esimlpa__der_decode(td, &q, t, n + 1) == 0) {
        fprintf(stderr, "%s: trailing byte accepted\n", td->name);
        failures++;
        ASN_STRUCT_FREE(*(asn_TYPE_descriptor_t *)td, q);
    }
    free(t);
    free(b);
    return p;
}

/* Re-encode a decoded value; 1 if it gives back the same bytes. */
static inline int reencodes_same(const asn_TYPE_descriptor_t *td, const void *p, const char *hexstr)
{
    return encodes_to(td, p, hexstr);
}

static inline int os_eq(const OCTET_STRING_t *os, const char *hexstr)
{
    size_t n;
    uint8_t *b = hex(hexstr, &n);
    int ok = os && (size_t)os->size == n && memcmp(os->buf, b, n) == 0;
    free(b);
    return ok;
}

static inline int os_str(const OCTET_STRING_t *os, const char *s)
{
    return os && (size_t)os->size == strlen(s) && memcmp(os->buf, s, os->size) == 0;
}

#endif
