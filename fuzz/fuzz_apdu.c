/* SPDX-License-Identifier: MIT */
/* APDU response reassembly (ISO 7816-4 61xx GET RESPONSE chains, 6Cxx
 * resend, MANAGE CHANNEL and SELECT answers): every transmit returns the
 * next record of the input (length byte, data + SW). The context is opened,
 * then one multi-block ES10 command is sent and its answer reassembled. */
#include <stdlib.h>
#include <string.h>

#include "apdu/apdu_internal.h"
#include "fuzz_card.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_card c;
    fuzz_card_init(&c, FUZZ_CARD_RAW);
    c.raw = data;
    c.raw_len = size;
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = &c.tr;
    o.store_data_mss = 32;   /* several STORE DATA blocks */
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&o, &ctx) != 0)
        abort();
    if (esimlpa_ctx_open(ctx) == 0) {
        uint8_t req[80];
        req[0] = 0xBF;
        req[1] = 0x2D;
        req[2] = sizeof req - 3;
        memset(req + 3, 0x5A, sizeof req - 3);
        for (int round = 0; round < 2; round++) {
            uint8_t *resp = NULL;
            size_t resp_len = 0;
            int rc = esimlpa__es10_transceive(ctx, "fuzz", req, sizeof req, &resp, &resp_len);
            if (rc == 0 && resp_len > ESIMLPA_ES10_MAX_RESPONSE)
                abort();
            if (rc != 0 && resp)
                abort();   /* failure must not hand out a buffer */
            if (resp_len)
                (void)resp[resp_len - 1];
            free(resp);
        }
    }
    esimlpa_ctx_free(ctx);
    return 0;
}
