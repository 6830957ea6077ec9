/* SPDX-License-Identifier: MIT */
/* ISO 7816-4 exchange helpers shared by iso7816.c and isdr_session.c (not installed). */
#ifndef ESIMLPA_ISO7816_INTERNAL_H
#define ESIMLPA_ISO7816_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "apdu_internal.h"

#define MAX_CHANNEL 19

/* A growing response buffer, capped at ESIMLPA_ES10_MAX_RESPONSE. */
struct rbuf {
    uint8_t *p;
    size_t len, cap;
};

/* CLA of @cla on logical channel @ch (ISO 7816-4 §5.4.1). */
uint8_t esimlpa__cla_for_channel(uint8_t cla, uint8_t ch);
/* Generic ISO 7816-4 meaning of a status word, for error texts. */
const char *esimlpa__sw_text(uint16_t sw);
/* Record "STEP: status word XXXX (meaning)" and return its error code. */
int esimlpa__sw_fail(esimlpa_ctx *ctx, const char *step, uint16_t sw);
/* One command APDU through the transport, with counters, trace and last_sw. */
int esimlpa__xmit(esimlpa_ctx *ctx, const char *step, const uint8_t *cmd, size_t cmd_len,
                  uint8_t *resp, size_t *resp_len);
/* One command with its whole response (61xx GET RESPONSE, 6Cxx resend) into
 * @acc; *sw_out gets the final status word. */
int esimlpa__exchange(esimlpa_ctx *ctx, const char *step, const uint8_t *cmd, size_t cmd_len,
                      struct rbuf *acc, uint16_t *sw_out);

#endif
