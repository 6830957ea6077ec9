/* SPDX-License-Identifier: MIT */
/* Soft eUICC: route a reassembled ES10 command to its handler by outer tag. */
#ifndef SOFTEUICC_ES10_DISPATCH_H
#define SOFTEUICC_ES10_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

#include "der.h"

struct softeuicc;

/* Handle one ES10 request (a complete TLV). Writes the ES10 response into out
 * and returns 0x9000, or returns another SW (out is then ignored):
 * 6A80 malformed request, 6A88 unknown function tag. */
unsigned es10_dispatch(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out);

#endif
