/* SPDX-License-Identifier: MIT */
/* APDU layer, as used by the ES10 layer. Not installed. */
#ifndef ESIMLPA_APDU_INTERNAL_H
#define ESIMLPA_APDU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../core/ctx_internal.h"
#include "apdu_session.h"

/* Largest ES10 response accepted (a BPP PIR, a profile list with icons). */
#define ESIMLPA_ES10_MAX_RESPONSE (64u * 1024u)


/*
 * One ES10 command: send the DER request as STORE DATA blocks of ctx->mss
 * bytes (P1 0x11 / 0x91 on the last block, P2 = block number from 0), follow
 * 61xx with GET RESPONSE and 6Cxx with a resend, and return the whole
 * response data (without SW) in a malloc'd buffer (*resp may be NULL with
 * *resp_len 0 when the card answered only 9000). SW1 91 counts as success.
 * Any other SW maps to a named error (esimlpa__sw_to_error). @what names the
 * ES10 function for error messages ("GetEID").
 */
int esimlpa__es10_transceive(esimlpa_ctx *ctx, const char *what,
                             const uint8_t *req, size_t req_len,
                             uint8_t **resp, size_t *resp_len);


/* Map a status word to an ESIMLPA_E* code (ESIMLPA_OK for 9000/91xx). */
int esimlpa__sw_to_error(uint16_t sw);

#endif
