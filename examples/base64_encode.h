/* SPDX-License-Identifier: MIT */
/* Base64 (RFC 4648 §4, with padding) for icons and notifications in JSON;
 * shared by esimlpa and esimlpa-lpac. */
#ifndef ESIMLPA_EXAMPLES_BASE64_ENCODE_H
#define ESIMLPA_EXAMPLES_BASE64_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* A malloc'd NUL-terminated string, NULL when out of memory. */
char *base64_encode(const uint8_t *p, size_t n);

#endif
