/* SPDX-License-Identifier: MIT */
/* What the APDU layer offers the context (lib/core): opening, closing and
 * reopening the card session (ISO 7816-4 logical channel + SELECT ISD-R,
 * SGP.22 §5.7) and the PC/SC transport's knobs. Only public types here, so
 * lib/core does not see the APDU layer's internals. Not installed. */
#ifndef ESIMLPA_APDU_SESSION_H
#define ESIMLPA_APDU_SESSION_H

#include <esimlpa/ctx.h>
#include <esimlpa/transport.h>

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

/* The time one APDU may take on the built-in PC/SC transport (ctx option
 * apdu_timeout_ms); no effect on other transports. */
void esimlpa__pcsc_set_apdu_timeout(struct esimlpa_apdu_transport *tr, long ms);

/* 1 when @tr is the built-in PC/SC transport. */
int esimlpa__transport_is_pcsc(const struct esimlpa_apdu_transport *tr);
/* 1 (once) when the built-in PC/SC transport saw the card reset
 * (SCARD_W_RESET_CARD) since the last call; 0 for other transports. */
int esimlpa__pcsc_take_reset(struct esimlpa_apdu_transport *tr);

#endif
