/* SPDX-License-Identifier: MIT */
/* ES10b download answers (SGP.22 §5.7.1-5.7.14): the first byte picks
 * GetEUICCChallenge, AuthenticateServer, PrepareDownload, LoadBoundProfile-
 * Package (one answer per segment, split at FUZZ_ANSWER_SEP; the PIR
 * decoder runs on the first non-empty one), CancelSession, or the PIR and
 * smdpSigned2 decoders directly; the rest is the card's answer. */
#include <stdlib.h>
#include <string.h>

#include "es10/es10_download.h"
#include "fuzz_card.h"

enum { D_CHALLENGE, D_AUTH, D_PREPARE, D_LOAD, D_CANCEL, D_PIR, D_SIGNED2, D_COUNT };

static uint8_t signed1[] = { 0x30, 0x03, 0x80, 0x01, 0x01 };
static uint8_t sig[3 + 64] = { 0x5F, 0x37, 0x40 };
static uint8_t pkid[2 + 20] = { 0x04, 0x14 };
static uint8_t cert[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };
static uint8_t tid[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
static uint8_t hash_cc[32];
/* BF36 { BF23 {80 01 01}, A0 {87 8}, A1 {88 8}, A3 {86 8} } */
static const uint8_t bpp[] = {
    0xBF, 0x36, 0x29, 0xBF, 0x23, 0x03, 0x80, 0x01, 0x01,
    0xA0, 0x0A, 0x87, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
    0xA1, 0x0A, 0x88, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
    0xA3, 0x0A, 0x86, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
};

static void run(esimlpa_ctx *ctx, unsigned fn, const uint8_t *data, size_t size)
{
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    struct esimlpa__pir pir;
    memset(&pir, 0, sizeof pir);

    switch (fn) {
    case D_CHALLENGE: {
        uint8_t ch[16];
        esimlpa__es10_get_challenge(ctx, ch);
        break;
    }
    case D_AUTH: {
        struct esimlpa__device_info dev = { { 0x35, 0x29, 0x06, 0x11 }, { 0 }, 0 };
        struct esimlpa__auth_server_req in = {
            { signed1, sizeof signed1 }, { sig, sizeof sig }, { pkid, sizeof pkid },
            { cert, sizeof cert }, "MATCHING-1", &dev,
        };
        esimlpa__es10_authenticate_server(ctx, &in, &resp, &resp_len);
        break;
    }
    case D_PREPARE: {
        struct esimlpa__prepare_req in = {
            { signed1, sizeof signed1 }, { sig, sizeof sig }, hash_cc, { cert, sizeof cert },
        };
        esimlpa__es10_prepare_download(ctx, &in, &resp, &resp_len);
        break;
    }
    case D_LOAD:
        esimlpa__es10_load_bpp(ctx, bpp, sizeof bpp, NULL, NULL, &pir);
        esimlpa__pir_clear(&pir);
        break;
    case D_CANCEL:
        esimlpa__es10_cancel_session(ctx, tid, sizeof tid, 1, &resp, &resp_len);
        break;
    case D_PIR:
        esimlpa__pir_decode(ctx, data, size, &pir);
        esimlpa__pir_clear(&pir);
        break;
    case D_SIGNED2: {
        uint8_t t[16];
        size_t tl = 0;
        int cc = 0;
        if (esimlpa__smdp_signed2_parse(ctx, data, size, t, &tl, &cc) == 0 &&
            (tl < 1 || tl > 16))
            abort();
        break;
    }
    default: break;
    }
    free(resp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct fuzz_card c;
    fuzz_card_init(&c, FUZZ_CARD_ANSWERS);
    fuzz_card_split_answers(&c, data + 1, size - 1);
    esimlpa_ctx *ctx = fuzz_card_ctx(&c);
    if (!ctx)
        abort();
    run(ctx, data[0] % D_COUNT, data + 1, size - 1);
    esimlpa_ctx_free(ctx);
    return 0;
}
