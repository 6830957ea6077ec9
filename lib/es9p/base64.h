/* SPDX-License-Identifier: MIT */
/* Base64 (RFC 4648 standard alphabet) for ES9+ JSON fields (SGP.22 notes §5.3,
 * pitfall 14): strict padded output, lenient input. Internal. */
#ifndef ESIMLPA_ES9P_BASE64_H
#define ESIMLPA_ES9P_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Padded, no line breaks, into a malloc'd NUL-terminated string.
 * NULL when out of memory or when @len is absurdly large. */
char *esimlpa__b64_encode(const uint8_t *in, size_t len);

/* Decode @in_len characters of @in. White space (space, \t, \r, \n) is
 * skipped anywhere; '=' padding is optional but, when present, only at the
 * end and consistent with the length; any other character is rejected.
 * At most @max_out bytes are produced. On success *out is malloc'd (never
 * NULL, even for 0 bytes) and *out_len set. Returns ESIMLPA_OK,
 * ESIMLPA_EDECODE (bad character, bad padding, impossible length),
 * ESIMLPA_ETOOBIG (decoded data would exceed @max_out) or ESIMLPA_ENOMEM. */
int esimlpa__b64_decode(const char *in, size_t in_len, size_t max_out, uint8_t **out,
                        size_t *out_len);

/* The same, decoding the @len characters of @buf into @buf itself (no
 * allocation: the bytes never outgrow the text). On success the first
 * *out_len bytes of @buf are the data. */
int esimlpa__b64_decode_inplace(char *buf, size_t len, size_t max_out, size_t *out_len);

#endif
