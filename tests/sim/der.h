/* SPDX-License-Identifier: MIT */
/* Soft eUICC: a tiny DER writer (growable buffer, nested TLVs) and a strict
 * wrapper around the asn1c BER decoder for ES10 requests.
 * The writer gives byte-exact control over what is signed (NotificationMetadata,
 * SGP.22 §5.7.9) and lets GetProfilesInfo emit only the requested tags. */
#ifndef SOFTEUICC_DER_H
#define SOFTEUICC_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <BIT_STRING.h>
#include <OCTET_STRING.h>
#include <constr_TYPE.h>

struct dbuf {
    uint8_t *p;
    size_t len, cap;
    bool oom;          /* sticky: an allocation failed */
    size_t stack[16];  /* start offsets of open constructed TLVs */
    int depth;
};

void dbuf_init(struct dbuf *b);
void dbuf_free(struct dbuf *b);
void dbuf_put(struct dbuf *b, const void *data, size_t len);
/* Tag is given as its encoded bytes, up to 3 (e.g. 0xBF2F, 0x5A, 0x9F70). */
void dbuf_tlv(struct dbuf *b, unsigned tag, const void *val, size_t len);
void dbuf_tlv_str(struct dbuf *b, unsigned tag, const char *s);
/* Minimal two's complement INTEGER (X.690 §8.3). */
void dbuf_tlv_int(struct dbuf *b, unsigned tag, long v);
/* BIT STRING of named bits (bit n = mask bit n) with DER-minimal unused bits. */
void dbuf_tlv_bits(struct dbuf *b, unsigned tag, unsigned mask);
/* Open / close a constructed TLV; close writes the (minimal) length. */
void dbuf_open(struct dbuf *b, unsigned tag);
void dbuf_close(struct dbuf *b);
/* 0 if the buffer is complete and no allocation failed. */
int dbuf_ok(const struct dbuf *b);

/* Strict decode: whole input consumed, ASN.1 constraints met (sizes),
 * bounded stack, freed on failure.
 * Returns 0 and *out, or -1 with *out == NULL. */
int sim_decode(const asn_TYPE_descriptor_t *td, void **out,
               const uint8_t *buf, size_t len);
/* Named bits of a BIT STRING (unused-bits octet ignored, sgp22-notes §9). */
unsigned sim_bits_get(const BIT_STRING_t *bs);

/* Read one TLV header at buf[0..len): tag bytes value (as above), header size
 * and value length. Returns -1 if malformed or truncated. */
int sim_tlv_header(const uint8_t *buf, size_t len, unsigned *tag,
                   size_t *hdr_len, size_t *val_len);

/* Walk the TLVs of a constructed value: returns 1 with *t filled and *off
 * advanced, 0 at the end, -1 if malformed. Pointers point into buf. */
struct sim_tlv {
    unsigned tag;
    const uint8_t *tlv, *val;
    size_t tlv_len, val_len;
};
int sim_tlv_next(const uint8_t *buf, size_t len, size_t *off, struct sim_tlv *t);

#endif
