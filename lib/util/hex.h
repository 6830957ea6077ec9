/* SPDX-License-Identifier: MIT */
/* Hex encoding helpers (internal). Uppercase on output, either case on input. */
#ifndef ESIMLPA_UTIL_HEX_H
#define ESIMLPA_UTIL_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Value of one hex digit, or -1 if @c is not one. */
int esimlpa__hex_nibble(char c);

/* Encode @len bytes as uppercase hex into @out (capacity @out_size, incl. the
 * NUL). Returns ESIMLPA_OK, or ESIMLPA_ETOOLONG if @out is too small (then
 * @out holds "" when out_size > 0). */
int esimlpa__hex_encode(const uint8_t *in, size_t len, char *out, size_t out_size);

/* Same, into a malloc'd string (free with free()); NULL when out of memory. */
char *esimlpa__hex_alloc(const uint8_t *in, size_t len);

/* Decode a hex string (even length, no separators) into @out (capacity
 * @out_size); *out_len receives the byte count. ESIMLPA_EINVAL for odd length
 * or a non-hex character, ESIMLPA_ETOOLONG if @out is too small. Nothing
 * meaningful is left in @out on failure. */
int esimlpa__hex_decode(const char *hex, uint8_t *out, size_t out_size, size_t *out_len);

/* Same as esimlpa__hex_decode for the first @hex_len characters of @hex. */
int esimlpa__hex_decode_n(const char *hex, size_t hex_len, uint8_t *out, size_t out_size,
                          size_t *out_len);

#endif
