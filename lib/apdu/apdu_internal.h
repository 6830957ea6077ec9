/* SPDX-License-Identifier: MIT */
/* APDU layer, as used by the ES10 layer. Not installed. */
#ifndef ESIMLPA_APDU_INTERNAL_H
#define ESIMLPA_APDU_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "../core/ctx_internal.h"

/* Largest ES10 response accepted (a BPP PIR, a profile list with icons). */
#define ESIMLPA_ES10_MAX_RESPONSE (64u * 1024u)

/* Connect, open a logical channel (MANAGE CHANNEL or tr->open_logical_channel)
 * and SELECT the ISD-R. On failure everything opened is closed again. */
int esimlpa__apdu_open(esimlpa_ctx *ctx);
/* Close the channel and disconnect; errors are ignored. With a REFRESH
 * pending (needs_reopen) the card is reset first where the transport can. */
void esimlpa__apdu_close(esimlpa_ctx *ctx);
/* Reopen the session on a connected context: reconnect the transport (with
 * @power_cycle: reset the card), open a channel and select the ISD-R AID in
 * use. @channel_lost: the card was reset, its channel is gone already. */
int esimlpa__apdu_reopen(esimlpa_ctx *ctx, int power_cycle, int channel_lost);

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

/* The time one APDU may take on the built-in PC/SC transport (ctx option
 * apdu_timeout_ms); no effect on other transports. */
void esimlpa__pcsc_set_apdu_timeout(struct esimlpa_apdu_transport *tr, long ms);

/* 1 when @tr is the built-in PC/SC transport. */
int esimlpa__transport_is_pcsc(const struct esimlpa_apdu_transport *tr);
/* 1 (once) when the built-in PC/SC transport saw the card reset
 * (SCARD_W_RESET_CARD) since the last call; 0 for other transports. */
int esimlpa__pcsc_take_reset(struct esimlpa_apdu_transport *tr);

/* Map a status word to an ESIMLPA_E* code (ESIMLPA_OK for 9000/91xx). */
int esimlpa__sw_to_error(uint16_t sw);

#endif
