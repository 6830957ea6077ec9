/* SPDX-License-Identifier: MIT */
/*
 * Real-card manners against the scripted transport: probing the known ISD-R
 * AIDs (standard first, the one that answers is kept), a caller-given AID
 * tried alone, and the fallback to 120-byte STORE DATA blocks when a card
 * refuses a 255-byte first block (6700 / 6A80 / 6601).
 */
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "apdu/apdu_internal.h"
#include "check.h"
#include "fake_transport.h"

#define STD "A0000005591010FFFFFFFF8900000100"
#define ESIMME "A0000005591010000000008900000300"
#define FIVEBER "A0000005591010FFFFFFFF8900050500"
#define XESIM "A0000005591010FFFFFFFF8900000177"
#define LINKS "A000000559104C696E6B736669656C64"
#define ESTK_AUX "A06573746B6D65FFFFFFFF4953442D52"
#define ESTK_SE0 "A06573746B6D65FFFF4953442D522030"
#define ESTK_SE1 "A06573746B6D65FFFF4953442D522031"
#define MC_OPEN "0070000001"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static esimlpa_ctx *new_ctx(struct fake *f, const uint8_t *aid, size_t aid_len)
{
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = &f->tr;
    o.isd_r_aid = aid;
    o.isd_r_aid_len = aid_len;
    esimlpa_ctx *ctx = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    return ctx;
}

static char *aid_hex(const esimlpa_ctx *ctx)
{
    static char hex[2 * ESIMLPA_AID_MAX + 1];
    uint8_t aid[ESIMLPA_AID_MAX];
    size_t len = 0;
    hex[0] = '\0';
    if (esimlpa_ctx_isd_r_aid(ctx, aid, &len) != ESIMLPA_OK)
        return hex;
    for (size_t i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02X", aid[i]);
    return hex;
}

/* Only the 5ber AID answers: standard and eSIM.me are tried first, 5ber is
 * kept, and reopening selects it alone. */
static void test_probe_finds_5ber(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" STD, "6A82", 0 },
        { "01A4040010" ESIMME, "6A82", 0 },
        { "01A4040010" FIVEBER, "9000", 0 },
        { "0070800100", "9000", 0 },       /* reconnect: the old channel is closed */
        { MC_OPEN, "029000", 0 },
        { "02A4040010" FIVEBER, "9000", 0 },
        { "0070800200", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    esimlpa_ctx *ctx = new_ctx(&f, NULL, 0);
    uint8_t aid[ESIMLPA_AID_MAX];
    size_t len = 0;
    CHECK_INT(esimlpa_ctx_isd_r_aid(ctx, aid, &len), ESIMLPA_ESTATE);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    CHECK_STR(aid_hex(ctx), FIVEBER);
    CHECK_INT(esimlpa_ctx_isd_r_aid(ctx, aid, &len), ESIMLPA_OK);
    CHECK_INT(len, 16);
    CHECK_STR(esimlpa_isd_r_aid_name(aid, len), "5ber");
    /* A version-1 transport (the fake) cannot reset the card. */
    CHECK_INT(esimlpa_ctx_reconnect(ctx, 1), ESIMLPA_EUNSUPPORTED);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "reset: this transport cannot reset the card");
    CHECK_INT(esimlpa_ctx_reconnect(ctx, 0), ESIMLPA_OK);
    CHECK_INT(ctx->channel, 2);
    esimlpa_ctx_free(ctx);
    CHECK(fake_done(&f));
}

/* No ISD-R anywhere: every known AID is tried once, in order; one line. */
static void test_probe_none(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" STD, "6A82", 0 },
        { "01A4040010" ESIMME, "6A82", 0 },
        { "01A4040010" FIVEBER, "6A82", 0 },
        { "01A4040010" XESIM, "6A82", 0 },
        { "01A4040010" LINKS, "6A82", 0 },
        { "01A4040010" ESTK_AUX, "6A82", 0 },
        { "01A4040010" ESTK_SE0, "6A82", 0 },
        { "01A4040010" ESTK_SE1, "6A82", 0 },
        { "0070800100", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    esimlpa_ctx *ctx = new_ctx(&f, NULL, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ENOISDR);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "SELECT ISD-R: status word 6A82 (not found) at the standard AID and the 7 known "
              "removable-eUICC AIDs: not an eUICC");
    CHECK_INT(esimlpa_ctx_last_sw(ctx), 0x6A82);
    CHECK(fake_done(&f));
    esimlpa_ctx_free(ctx);
}

/* A given AID is the only one tried; its failure names it. */
static void test_given_aid(void)
{
    static const uint8_t wrong[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x01 };
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010A0000005591010FFFFFFFF8900000101", "6A82", 0 },
        { "0070800100", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    esimlpa_ctx *ctx = new_ctx(&f, wrong, sizeof wrong);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ENOISDR);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "SELECT ISD-R A0000005591010FFFFFFFF8900000101: status word 6A82 (not found): "
              "no ISD-R at this AID");
    CHECK(fake_done(&f));
    esimlpa_ctx_free(ctx);
    CHECK(esimlpa_isd_r_aid_name(wrong, sizeof wrong) == NULL);

    /* Bad lengths are refused when the context is made. */
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = &f.tr;
    o.isd_r_aid = wrong;
    o.isd_r_aid_len = 4;
    esimlpa_ctx *bad = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &bad), ESIMLPA_EBADAID);
    CHECK(bad == NULL);
}

/* 6700 / 6A80 / 6601 on a 255-byte first block: the command is sent again in
 * 120-byte blocks, and the context keeps 120 for the next command. */
static void test_mss_fallback(void)
{
    static const char *const refusals[] = { "6700", "6A80", "6601" };
    for (size_t r = 0; r < COUNT(refusals); r++) {
        uint8_t req[300];
        for (size_t i = 0; i < sizeof req; i++)
            req[i] = (uint8_t)i;
        const struct fake_step steps[] = {
            { MC_OPEN, "019000", 0 },
            { "01A4040010" STD, "9000", 0 },
            { fake_cat("81E21100FF", fake_pattern_hex(255, 0), NULL), refusals[r], 0 },
            { fake_cat("81E2110078", fake_pattern_hex(120, 0), NULL), "9000", 0 },
            { fake_cat("81E2110178", fake_pattern_hex(120, 120), NULL), "9000", 0 },
            { fake_cat("81E291023C", fake_pattern_hex(60, 240), NULL), "AB9000", 0 },
            /* the next command: 120-byte blocks straight away */
            { fake_cat("81E2910078", fake_pattern_hex(120, 0), NULL), "9000", 0 },
            { "0070800100", "9000", 0 },
        };
        struct fake f;
        fake_init(&f, steps, COUNT(steps));
        esimlpa_ctx *ctx = new_ctx(&f, NULL, 0);
        CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
        uint8_t *resp = NULL;
        size_t len = 0;
        CHECK_INT(esimlpa__es10_transceive(ctx, "Big", req, sizeof req, &resp, &len), ESIMLPA_OK);
        CHECK_INT(len, 1);
        CHECK(resp && resp[0] == 0xAB);
        free(resp);
        CHECK_INT(ctx->mss, 120);
        CHECK_INT(esimlpa__es10_transceive(ctx, "Next", req, 120, &resp, &len), ESIMLPA_OK);
        esimlpa_ctx_free(ctx);
        CHECK(fake_done(&f));
    }
}

/* Refused again at 120 bytes: one retry only, the card's answer reported. */
static void test_mss_fallback_once(void)
{
    uint8_t req[200];
    for (size_t i = 0; i < sizeof req; i++)
        req[i] = (uint8_t)i;
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" STD, "9000", 0 },
        { fake_cat("81E29100C8", fake_pattern_hex(200, 0), NULL), "6601", 0 },
        { fake_cat("81E2110078", fake_pattern_hex(120, 0), NULL), "6601", 0 },
        { "0070800100", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    esimlpa_ctx *ctx = new_ctx(&f, NULL, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "Big", req, sizeof req, &resp, &len), ESIMLPA_ESW);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "STORE DATA (Big): status word 6601 (transport or checksum error (try a smaller "
              "STORE DATA size))");
    CHECK(resp == NULL);
    esimlpa_ctx_free(ctx);
    CHECK(fake_done(&f));
}

int main(void)
{
    test_probe_finds_5ber();
    test_probe_none();
    test_given_aid();
    test_mss_fallback();
    test_mss_fallback_once();
    fake_pool_free();
    return check_report("test_card_manners");
}
