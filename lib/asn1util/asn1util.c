/* SPDX-License-Identifier: MIT */
/* Strict wrappers around the asn1c runtime; see asn1util.h. */
#include "asn1util.h"

#include <stdlib.h>
#include <string.h>

#include <asn_application.h>
#include <ber_decoder.h>
#include <constraints.h>
#include <der_encoder.h>

int esimlpa__der_decode(const asn_TYPE_descriptor_t *td, void **out,
                        const uint8_t *buf, size_t len)
{
    if (!out)
        return -1;
    *out = NULL;
    if (!td || (!buf && len))
        return -1;
    /* Must live on this stack frame: the runtime measures stack use as
     * the distance from this object (asn_internal.h). */
    asn_codec_ctx_t cctx = { .max_stack_size = ESIMLPA_ASN1_MAX_STACK };
    asn_TYPE_descriptor_t *t = (asn_TYPE_descriptor_t *)td;
    void *s = NULL;
    asn_dec_rval_t rv = ber_decode(&cctx, t, &s, buf, len);
    if (rv.code != RC_OK || rv.consumed != len) {
        if (s)
            ASN_STRUCT_FREE(*t, s);
        return -1;
    }
    *out = s;
    return 0;
}

int esimlpa__der_encode(const asn_TYPE_descriptor_t *td, const void *sptr,
                        uint8_t **out, size_t *out_len)
{
    if (!out || !out_len)
        return -1;
    *out = NULL;
    *out_len = 0;
    if (!td || !sptr)
        return -1;
    asn_TYPE_descriptor_t *t = (asn_TYPE_descriptor_t *)td;
    void *s = (void *)sptr;
    if (asn_check_constraints(t, s, NULL, NULL) != 0)
        return -1;
    asn_enc_rval_t er = der_encode(t, s, NULL, NULL); /* size only */
    if (er.encoded < 0)
        return -1;
    size_t n = (size_t)er.encoded;
    uint8_t *b = malloc(n ? n : 1);
    if (!b)
        return -1;
    er = der_encode_to_buffer(t, s, b, n);
    if (er.encoded < 0 || (size_t)er.encoded != n) {
        free(b);
        return -1;
    }
    *out = b;
    *out_len = n;
    return 0;
}

int esimlpa__bits_set(BIT_STRING_t *bs, unsigned mask, unsigned nbits_declared)
{
    if (!bs || nbits_declared > 32)
        return -1;
    if (nbits_declared < 32 && (mask >> nbits_declared) != 0)
        return -1;
    unsigned top = 0; /* number of significant bits: highest set bit + 1 */
    for (unsigned i = 0; i < 32; i++)
        if (mask & (1u << i))
            top = i + 1;
    size_t nbytes = (top + 7) / 8;
    /* Never NULL, even when empty: the runtime's BIT STRING constraint
     * check treats a NULL buffer as "value not given". */
    uint8_t *b = calloc(nbytes ? nbytes : 1, 1);
    if (!b)
        return -1;
    for (unsigned i = 0; i < top; i++)
        if (mask & (1u << i))
            b[i / 8] |= (uint8_t)(0x80u >> (i % 8));
    free(bs->buf);
    bs->buf = b;
    bs->size = (int)nbytes;
    bs->bits_unused = nbytes ? (int)(nbytes * 8 - top) : 0;
    return 0;
}

unsigned esimlpa__bits_get(const BIT_STRING_t *bs)
{
    if (!bs || !bs->buf || bs->size <= 0)
        return 0;
    unsigned mask = 0;
    size_t n = (size_t)bs->size < 4 ? (size_t)bs->size : 4;
    for (size_t i = 0; i < n * 8; i++)
        if (bs->buf[i / 8] & (0x80u >> (i % 8)))
            mask |= 1u << i;
    return mask;
}

int esimlpa__octets_to_cstr(const OCTET_STRING_t *os, size_t max_len, char **out)
{
    if (!out)
        return -1;
    *out = NULL;
    if (!os || os->size < 0 || (os->size > 0 && !os->buf))
        return -1;
    size_t n = (size_t)os->size;
    if (n > max_len || (n && memchr(os->buf, 0, n)))
        return -1;
    char *s = malloc(n + 1);
    if (!s)
        return -1;
    if (n)
        memcpy(s, os->buf, n);
    s[n] = '\0';
    *out = s;
    return 0;
}
