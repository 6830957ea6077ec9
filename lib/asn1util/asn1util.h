/* SPDX-License-Identifier: MIT */
/* Strict helpers around the asn1c runtime (codec layer, lib/asn1/).
 *
 * - esimlpa__der_decode(): BER decode with a bounded stack, whole input
 *   consumed, nothing left allocated on failure.
 * - esimlpa__der_encode(): DER encode into a malloc'd buffer.
 * - BIT STRING named bits (SGP.22 NotificationEvent, UICCCapability, ...):
 *   set with DER-minimal unused bits, read ignoring the unused-bits octet
 *   (sgp22-notes §9: eUICCs disagree on that octet).
 * - OCTET STRING / UTF8String to a C string with a length cap.
 *
 * All functions return 0 on success and -1 on failure; callers map -1 to
 * ESIMLPA_EDECODE / ESIMLPA_EENCODE / ESIMLPA_ENOMEM as fits.
 * Not installed; no printing. */
#ifndef ESIMLPA_ASN1UTIL_H
#define ESIMLPA_ASN1UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <BIT_STRING.h>
#include <OCTET_STRING.h>
#include <constr_TYPE.h>

/* Stack budget (bytes) handed to the asn1c BER decoders: deep nesting past
 * this fails with RC_FAIL instead of overflowing the stack. */
#define ESIMLPA_ASN1_MAX_STACK 30000

/* Decode one complete value of type td from buf[0..len).
 * Fails (-1) on malformed input, on a truncated value and on trailing bytes.
 * On success *out holds a new structure the caller frees with
 * ASN_STRUCT_FREE(*td, *out); on failure *out is NULL. */
int esimlpa__der_decode(const asn_TYPE_descriptor_t *td, void **out,
                        const uint8_t *buf, size_t len);

/* DER-encode sptr (type td) into a new malloc'd buffer (*out, *out_len).
 * Also checks the type's constraints first. On failure *out is NULL. */
int esimlpa__der_encode(const asn_TYPE_descriptor_t *td, const void *sptr,
                        uint8_t **out, size_t *out_len);

/* Set bs to the named bits in mask (bit n of mask = named bit n, i.e.
 * ASN.1 bit number n, MSB first in the first content octet). Trailing zero
 * bits are dropped and bits_unused set as DER requires for named-bit lists
 * (X.690 §11.2.2): install-only NotificationEvent encodes as 07 80.
 * Bits at or above nbits_declared (max 32) are rejected. Frees any old
 * contents of bs. Returns -1 on bad arguments or out of memory. */
int esimlpa__bits_set(BIT_STRING_t *bs, unsigned mask, unsigned nbits_declared);

/* The named bits of bs as a mask (bit n = ASN.1 bit n; only bits 0..31).
 * The unused-bits count is ignored on purpose (sgp22-notes §9). NULL -> 0. */
unsigned esimlpa__bits_get(const BIT_STRING_t *bs);

/* Copy an OCTET STRING / UTF8String into a new NUL-terminated string.
 * Fails if longer than max_len bytes or if it contains a NUL byte.
 * On failure *out is NULL. Caller frees with free(). */
int esimlpa__octets_to_cstr(const OCTET_STRING_t *os, size_t max_len, char **out);

#endif
