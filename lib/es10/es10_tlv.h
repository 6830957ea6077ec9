/* SPDX-License-Identifier: MIT */
/* Writing BER-TLV by hand (definite lengths, DER length form) for requests
 * that embed raw signed blobs, and reading small INTEGER contents. Not
 * installed. */
#ifndef ESIMLPA_ES10_TLV_H
#define ESIMLPA_ES10_TLV_H

#include <stddef.h>
#include <stdint.h>

/* Size of a TLV with a @tag_len-byte tag and @len value bytes. */
size_t esimlpa__tlv_size(size_t tag_len, size_t len);

/* A buffer of a size known in advance; writes past it are dropped and
 * make finish() fail, so a size mistake can never overflow. */
struct esimlpa__tlvbuf {
    uint8_t *p;
    size_t cap, used;
    int overflow;
};

int esimlpa__tlvbuf_init(struct esimlpa__tlvbuf *b, size_t cap);
/* Tag (1..3 bytes, as a number: 0x80, 0xBF38) and DER length. */
void esimlpa__tlvbuf_hdr(struct esimlpa__tlvbuf *b, unsigned tag, size_t len);
void esimlpa__tlvbuf_raw(struct esimlpa__tlvbuf *b, const uint8_t *p, size_t len);
void esimlpa__tlvbuf_tlv(struct esimlpa__tlvbuf *b, unsigned tag, const uint8_t *v, size_t len);
/* 0 with the buffer handed over if exactly cap bytes were written, else -1
 * (buffer freed). */
int esimlpa__tlvbuf_finish(struct esimlpa__tlvbuf *b, uint8_t **out, size_t *out_len);

/* INTEGER contents of 1..4 bytes (two's complement) -> *out. -1 otherwise. */
int esimlpa__tlv_small_int(const uint8_t *v, size_t len, long *out);

#endif
