/* SPDX-License-Identifier: MIT */
/* Soft eUICC: card side of ISO 7816-4 (sgp22-notes §3): logical channels,
 * SELECT ISD-R, STORE DATA reassembly, GET RESPONSE chaining. */
#ifndef SOFTEUICC_CARD_ISO_H
#define SOFTEUICC_CARD_ISO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ISO_CHANNELS 20
#define ISO_MAX_COMMAND (64 * 1024)   /* cap of one reassembled ES10 command */

struct iso_channel {
    bool open;
    bool isdr;                 /* ISD-R selected on this channel */
    uint8_t *cmd;              /* STORE DATA blocks received so far */
    size_t cmd_len;
    bool cmd_active;
    unsigned next_block;
    uint8_t *resp;             /* response waiting for GET RESPONSE */
    size_t resp_len, resp_off;
};

struct iso_card {
    struct iso_channel ch[ISO_CHANNELS];
};

struct softeuicc;

/* Decode the logical channel from CLA (sgp22-notes §3.1). -1 if invalid. */
int iso_cla_channel(uint8_t cla, bool *proprietary);

void iso_init(struct iso_card *c);
void iso_reset(struct iso_card *c);      /* also frees buffers */
void iso_process(struct softeuicc *se, const uint8_t *cmd, size_t len,
                 uint8_t *resp, size_t *resp_len);

#endif
