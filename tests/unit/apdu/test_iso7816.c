/* SPDX-License-Identifier: MIT */
/*
 * ISO 7816 layer against a scripted fake transport: channel setup, CLA
 * coding, STORE DATA segmentation, 61xx/6Cxx handling, status-word errors.
 * Expected APDUs from SGP.22 notes §3 and Appendix A.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "apdu/apdu_internal.h"
#include "check.h"
#include "fake_transport.h"

#define ISDR "A0000005591010FFFFFFFF8900000100"
#define MC_OPEN "0070000001"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t challenge_req[] = { 0xBF, 0x2E, 0x00 };

static esimlpa_ctx *new_ctx(struct fake *f, unsigned mss)
{
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = &f->tr;
    o.store_data_mss = mss;
    esimlpa_ctx *ctx = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    return ctx;
}

static int contains(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

/* Channel 1: MANAGE CHANNEL, SELECT with CLA 01, GetEUICCChallenge, close. */
static void test_open_and_challenge(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "01 9000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "81E2910003BF2E00", "BF2E1280 10 FDC5A60071053ABB4C0F91BC0620BCFD 9000", 0 },
        { "0070800100", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    esimlpa_ctx *ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "");
    CHECK_INT(ctx->channel, 1);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ESTATE);

    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "GetEUICCChallenge", challenge_req, 3, &resp, &len),
              ESIMLPA_OK);
    CHECK_INT(len, 21);
    CHECK(resp && resp[0] == 0xBF && resp[1] == 0x2E && resp[20] == 0xFD);
    CHECK_INT(esimlpa_ctx_last_sw(ctx), 0x9000);
    free(resp);

    struct esimlpa_ctx_stats st = { .struct_size = sizeof st };
    esimlpa_ctx_stats_read(ctx, &st);
    CHECK_INT(st.apdus, 3);
    CHECK_INT(st.store_data_blocks, 1);
    CHECK_INT(st.get_responses, 0);
    CHECK_INT(st.bytes_sent, 5 + 21 + 8);
    CHECK_INT(st.bytes_received, 3 + 2 + 23);
    CHECK_INT(st.struct_size, sizeof st);
    /* A program built with an older, smaller struct (here: up to
     * bytes_received): that many bytes and not one more. */
    union {
        struct esimlpa_ctx_stats s;
        unsigned char b[sizeof(struct esimlpa_ctx_stats) + 16];
    } small;
    const size_t cut = offsetof(struct esimlpa_ctx_stats, store_data_blocks);
    memset(&small, 0xA5, sizeof small);
    small.s.struct_size = cut;
    esimlpa_ctx_stats_read(ctx, &small.s);
    CHECK_INT(small.s.struct_size, cut);
    CHECK_INT(small.s.apdus, 3);
    CHECK_INT(small.s.bytes_received, 3 + 2 + 23);
    int guard_ok = 1;
    for (size_t i = cut; i < sizeof small.b; i++)
        guard_ok &= small.b[i] == 0xA5;
    CHECK(guard_ok);
    /* Programs built before the size rule: the version-1 layout, byte for byte. */
    union {
        struct esimlpa_ctx_stats_v1 s;
        unsigned char b[sizeof(struct esimlpa_ctx_stats_v1) + 16];
    } old;
    memset(&old, 0xA5, sizeof old);
    esimlpa_ctx_stats_get(ctx, &old.s);
    CHECK_INT(sizeof old.s, 5 * sizeof(unsigned long));
    CHECK_INT(old.s.apdus, 3);
    CHECK_INT(old.s.bytes_sent, 5 + 21 + 8);
    CHECK_INT(old.s.bytes_received, 3 + 2 + 23);
    CHECK_INT(old.s.store_data_blocks, 1);
    CHECK_INT(old.s.get_responses, 0);
    guard_ok = 1;
    for (size_t i = sizeof old.s; i < sizeof old.b; i++)
        guard_ok &= old.b[i] == 0xA5;
    CHECK(guard_ok);

    esimlpa_ctx_close(ctx);
    CHECK_INT(f.disconnects, 1);
    CHECK_INT(f.connects, 1);
    CHECK(f.min_capacity >= ESIMLPA_APDU_MAX_RESPONSE);
    CHECK(fake_done(&f));
    /* Closing again is harmless and sends nothing. */
    esimlpa_ctx_close(ctx);
    CHECK_INT(f.disconnects, 1);
    esimlpa_ctx_free(ctx);
}

/* CLA coding per channel (notes §3.1, pitfall 2). */
static void test_channel_cla(void)
{
    static const struct { unsigned ch; const char *sel_cla, *sd_cla; } cases[] = {
        { 2, "02", "82" }, { 3, "03", "83" }, { 4, "40", "C0" }, { 5, "41", "C1" },
        { 19, "4F", "CF" },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        char chx[3], close_cmd[16];
        snprintf(chx, sizeof chx, "%02X", cases[i].ch);
        snprintf(close_cmd, sizeof close_cmd, "007080%s00", chx);
        const struct fake_step steps[] = {
            { MC_OPEN, fake_cat(chx, "9000", NULL), 0 },
            { fake_cat(cases[i].sel_cla, "A4040010" ISDR, NULL), "9000", 0 },
            { fake_cat(cases[i].sd_cla, "E2910003BF2E00", NULL), "9000", 0 },
            { close_cmd, "9000", 0 },
        };
        struct fake f;
        fake_init(&f, steps, COUNT(steps));
        esimlpa_ctx *ctx = new_ctx(&f, 0);
        CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
        uint8_t *resp = (uint8_t *)"x";
        size_t len = 99;
        CHECK_INT(esimlpa__es10_transceive(ctx, "GetEUICCChallenge", challenge_req, 3, &resp,
                                           &len), ESIMLPA_OK);
        CHECK(resp == NULL);   /* 9000 without data */
        CHECK_INT(len, 0);
        esimlpa_ctx_free(ctx);  /* closes the channel */
        CHECK(fake_done(&f));
    }
}

/* Opened context on channel 1 over a script whose first two steps open it. */
static esimlpa_ctx *open_ch1(struct fake *f, const struct fake_step *steps, size_t n,
                             unsigned mss)
{
    fake_init(f, steps, n);
    esimlpa_ctx *ctx = new_ctx(f, mss);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    return ctx;
}

/* 300-byte request, MSS 120 -> 3 blocks; 61xx chaining collects 272 bytes. */
static void test_segmentation_and_get_response(void)
{
    uint8_t req[300];
    for (size_t i = 0; i < sizeof req; i++)
        req[i] = (uint8_t)i;
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { fake_cat("81E2110078", fake_pattern_hex(120, 0), NULL), "9000", 0 },
        { fake_cat("81E2110178", fake_pattern_hex(120, 120), NULL), "9000", 0 },
        { fake_cat("81E291023C", fake_pattern_hex(60, 240), NULL), "6100", 0 },
        { "81C0000000", fake_cat(fake_pattern_hex(256, 0), "6110", NULL), 0 },
        { "81C0000010", fake_cat(fake_pattern_hex(16, 0), "9000", NULL), 0 },
    };
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 120);
    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "AuthenticateServer", req, sizeof req, &resp, &len),
              ESIMLPA_OK);
    CHECK_INT(len, 272);
    int ok = resp != NULL;
    for (size_t i = 0; ok && i < 272; i++)
        ok = resp[i] == (uint8_t)(i < 256 ? i : i - 256);
    CHECK(ok);
    free(resp);
    struct esimlpa_ctx_stats st = { .struct_size = sizeof st };
    esimlpa_ctx_stats_read(ctx, &st);
    CHECK_INT(st.store_data_blocks, 3);
    CHECK_INT(st.get_responses, 2);
    CHECK(fake_done(&f));
    fake_allow_extra(&f); /* close not scripted */
    esimlpa_ctx_free(ctx);
}

/* Data from an intermediate block is kept; P2 restarts at 0 for each command. */
static void test_intermediate_data_and_block_numbers(void)
{
    const uint8_t req[4] = { 0xBF, 0x2E, 0x01, 0x00 };
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "81E2110002BF2E", "AA9000", 0 },
        { "81E291010201 00", "BB9000", 0 },
        { "81E2110002BF2E", "9000", 0 },
        { "81E29101020100", "CC9000", 0 },
        { "0070800100", "9000", 0 },
    };
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 2);
    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "T", req, sizeof req, &resp, &len), ESIMLPA_OK);
    CHECK_INT(len, 2);
    CHECK(resp && resp[0] == 0xAA && resp[1] == 0xBB);
    free(resp);
    CHECK_INT(esimlpa__es10_transceive(ctx, "T", req, sizeof req, &resp, &len), ESIMLPA_OK);
    CHECK_INT(len, 1);
    CHECK(resp && resp[0] == 0xCC);
    free(resp);
    esimlpa_ctx_free(ctx);
    CHECK(fake_done(&f));
}

/* 6Cxx: resend the same command with Le = xx (STORE DATA and GET RESPONSE). */
static void test_6cxx(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "81E2910003BF2E00", "6C14", 0 },
        { "81E2910003BF2E0014", fake_cat(fake_pattern_hex(20, 1), "9000", NULL), 0 },
        { "81E2910003BF2E00", "6100", 0 },
        { "81C0000000", "6C10", 0 },
        { "81C0000010", fake_cat(fake_pattern_hex(16, 7), "9000", NULL), 0 },
    };
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 0);
    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "X", challenge_req, 3, &resp, &len), ESIMLPA_OK);
    CHECK_INT(len, 20);
    CHECK(resp && resp[0] == 1 && resp[19] == 20);
    free(resp);
    CHECK_INT(esimlpa__es10_transceive(ctx, "X", challenge_req, 3, &resp, &len), ESIMLPA_OK);
    CHECK_INT(len, 16);
    CHECK(resp && resp[0] == 7);
    free(resp);
    CHECK(fake_done(&f));
    fake_allow_extra(&f);
    esimlpa_ctx_free(ctx);
}

/* SW1 91 (proactive command pending) is success (pitfall 3). */
static void test_91xx(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "81E2910014BF3111A00C5A0A00000000000000000000810100", "BF31038001009110", 0 },
    };
    const uint8_t req[] = { 0xBF, 0x31, 0x11, 0xA0, 0x0C, 0x5A, 0x0A, 0, 0, 0, 0, 0, 0, 0, 0,
                            0, 0, 0x81, 0x01, 0x00 };
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 0);
    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "EnableProfile", req, sizeof req, &resp, &len),
              ESIMLPA_OK);
    CHECK_INT(len, 6);
    CHECK_INT(esimlpa_ctx_last_sw(ctx), 0x9110);
    free(resp);
    CHECK(fake_done(&f));
    fake_allow_extra(&f);
    esimlpa_ctx_free(ctx);
}

/* Every mapped SW gives its code, sets last_sw and names the step. */
static void test_sw_errors(void)
{
    static const struct { const char *sw; uint16_t v; int code; } cases[] = {
        { "6A80", 0x6A80, ESIMLPA_ESW_WRONG_DATA },
        { "6700", 0x6700, ESIMLPA_ESW_WRONG_LENGTH },
        { "6985", 0x6985, ESIMLPA_ESW_CONDITIONS },
        { "6D00", 0x6D00, ESIMLPA_ESW_INS_UNSUPPORTED },
        { "6E00", 0x6E00, ESIMLPA_ESW_CLA_UNSUPPORTED },
        { "6A86", 0x6A86, ESIMLPA_ESW_WRONG_P1P2 },
        { "6B00", 0x6B00, ESIMLPA_ESW_WRONG_P1P2 },
        { "6F00", 0x6F00, ESIMLPA_ESW_TECHNICAL },
        { "6982", 0x6982, ESIMLPA_ESW_SECURITY },
        { "6581", 0x6581, ESIMLPA_ESW_MEMORY },
        { "6A84", 0x6A84, ESIMLPA_ESW_MEMORY },
        { "6A82", 0x6A82, ESIMLPA_ESW_NOT_FOUND },
        { "6A81", 0x6A81, ESIMLPA_ENOCHANNEL },
        { "6601", 0x6601, ESIMLPA_ESW },
        { "6283", 0x6283, ESIMLPA_ESW },
        { "9001", 0x9001, ESIMLPA_ESW },
    };
    for (size_t i = 0; i < COUNT(cases); i++) {
        const struct fake_step steps[] = {
            { MC_OPEN, "019000", 0 },
            { "01A4040010" ISDR, "9000", 0 },
            { "81E2910003BF2E00", fake_cat("DEAD", cases[i].sw, NULL), 0 },
        };
        struct fake f;
        esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 0);
        uint8_t *resp = (uint8_t *)"x";
        size_t len = 5;
        CHECK_INT(esimlpa__es10_transceive(ctx, "EnableProfile", challenge_req, 3, &resp, &len),
                  cases[i].code);
        CHECK(resp == NULL);
        CHECK_INT(len, 0);
        CHECK_INT(esimlpa_ctx_last_sw(ctx), cases[i].v);
        CHECK_INT(esimlpa__sw_to_error(cases[i].v), cases[i].code);
        char want[64];
        snprintf(want, sizeof want, "STORE DATA (EnableProfile): status word %s", cases[i].sw);
        CHECK(contains(esimlpa_ctx_last_error(ctx), want));
        CHECK(fake_done(&f));
        fake_allow_extra(&f);
        esimlpa_ctx_free(ctx);
    }
    CHECK_INT(esimlpa__sw_to_error(0x9000), ESIMLPA_OK);
    CHECK_INT(esimlpa__sw_to_error(0x9100), ESIMLPA_OK);
    CHECK_INT(esimlpa__sw_to_error(0x91FF), ESIMLPA_OK);
}

static void test_wrong_data_text(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "81E2910003BF2E00", "6A80", 0 },
    };
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 0);
    uint8_t *resp;
    size_t len;
    CHECK_INT(esimlpa__es10_transceive(ctx, "EnableProfile", challenge_req, 3, &resp, &len),
              ESIMLPA_ESW_WRONG_DATA);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "STORE DATA (EnableProfile): status word 6A80 (wrong data)");
    fake_allow_extra(&f);
    esimlpa_ctx_free(ctx);
}

/* A response shorter than SW1 SW2 is malformed. */
static void test_truncated(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "81E2910003BF2E00", "90", 0 },
        { "81E2910003BF2E00", "", 0 },
    };
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 0);
    uint8_t *resp;
    size_t len;
    CHECK_INT(esimlpa__es10_transceive(ctx, "GetEID", challenge_req, 3, &resp, &len),
              ESIMLPA_EDECODE);
    CHECK(contains(esimlpa_ctx_last_error(ctx), "truncated response"));
    CHECK(contains(esimlpa_ctx_last_error(ctx), "GetEID"));
    CHECK_INT(esimlpa__es10_transceive(ctx, "GetEID", challenge_req, 3, &resp, &len),
              ESIMLPA_EDECODE);
    CHECK(fake_done(&f));
    fake_allow_extra(&f);
    esimlpa_ctx_free(ctx);
}

/* Transport errors pass through with the step named. */
static void test_card_removed(void)
{
    uint8_t req[10];
    memset(req, 0x11, sizeof req);
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "81E211000511111111 11", "9000", 0 },
        { "81E291010511111111 11", "", ESIMLPA_ECARDREMOVED },
        { "81E2910003BF2E00", "", ESIMLPA_ETIMEOUT },
        { "81E2910003BF2E00", "", 7 },   /* positive: not a valid code */
    };
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 5);
    uint8_t *resp;
    size_t len;
    CHECK_INT(esimlpa__es10_transceive(ctx, "LoadBoundProfilePackage", req, sizeof req, &resp,
                                       &len), ESIMLPA_ECARDREMOVED);
    CHECK(contains(esimlpa_ctx_last_error(ctx), "STORE DATA (LoadBoundProfilePackage)"));
    CHECK(contains(esimlpa_ctx_last_error(ctx), esimlpa_strerror(ESIMLPA_ECARDREMOVED)));
    CHECK_INT(esimlpa__es10_transceive(ctx, "GetEID", challenge_req, 3, &resp, &len),
              ESIMLPA_ETIMEOUT);
    CHECK_INT(esimlpa__es10_transceive(ctx, "GetEID", challenge_req, 3, &resp, &len),
              ESIMLPA_ETRANSPORT);
    CHECK(fake_done(&f));
    fake_allow_extra(&f);
    esimlpa_ctx_free(ctx);
}

/* 64 KiB is the cap: 257 chunks of 256 bytes are refused. */
static void test_response_cap(void)
{
    size_t n = 2 + 1 + 256;
    struct fake_step *steps = calloc(n, sizeof *steps);
    const char *chunk = fake_cat(fake_pattern_hex(256, 0), "6100", NULL);
    steps[0] = (struct fake_step){ MC_OPEN, "019000", 0 };
    steps[1] = (struct fake_step){ "01A4040010" ISDR, "9000", 0 };
    steps[2] = (struct fake_step){ "81E2910003BF2E00", chunk, 0 };
    for (size_t i = 3; i < n; i++)
        steps[i] = (struct fake_step){ "81C0000000", chunk, 0 };
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, n, 0);
    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "ListNotification", challenge_req, 3, &resp, &len),
              ESIMLPA_ETOOBIG);
    CHECK(resp == NULL);
    CHECK(contains(esimlpa_ctx_last_error(ctx), "larger than 65536"));
    CHECK(fake_done(&f));
    fake_allow_extra(&f);
    esimlpa_ctx_free(ctx);
    free(steps);
}

/* More than 256 STORE DATA blocks is refused before anything is sent. */
static void test_too_many_blocks(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "0070800100", "9000", 0 },
    };
    uint8_t req[257];
    memset(req, 0, sizeof req);
    struct fake f;
    esimlpa_ctx *ctx = open_ch1(&f, steps, COUNT(steps), 1);
    uint8_t *resp;
    size_t len;
    CHECK_INT(esimlpa__es10_transceive(ctx, "Big", req, sizeof req, &resp, &len),
              ESIMLPA_ETOOLONG);
    CHECK_INT(esimlpa__es10_transceive(ctx, "Empty", req, 0, &resp, &len), ESIMLPA_EINVAL);
    esimlpa_ctx_free(ctx);
    CHECK(fake_done(&f));
}

/* SELECT 6A82: not an eUICC; the channel is closed and the card released. */
static void test_select_not_found(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "029000", 0 },
        { "02A4040010" ISDR, "6A82", 0 },
        /* then the known removable-eUICC AIDs (test_card_manners.c) */
        { "02A4040010A0000005591010000000008900000300", "6A82", 0 },
        { "02A4040010A0000005591010FFFFFFFF8900050500", "6A82", 0 },
        { "02A4040010A0000005591010FFFFFFFF8900000177", "6A82", 0 },
        { "02A4040010A000000559104C696E6B736669656C64", "6A82", 0 },
        { "02A4040010A06573746B6D65FFFFFFFF4953442D52", "6A82", 0 },
        { "02A4040010A06573746B6D65FFFF4953442D522030", "6A82", 0 },
        { "02A4040010A06573746B6D65FFFF4953442D522031", "6A82", 0 },
        { "0070800200", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    esimlpa_ctx *ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ENOISDR);
    CHECK_INT(esimlpa_ctx_last_sw(ctx), 0x6A82);
    CHECK(contains(esimlpa_ctx_last_error(ctx), "SELECT ISD-R"));
    CHECK(contains(esimlpa_ctx_last_error(ctx), "6A82"));
    CHECK_INT(f.disconnects, 1);
    CHECK(!ctx->open && !ctx->connected);
    CHECK(fake_done(&f));
    uint8_t *resp;
    size_t len;
    CHECK_INT(esimlpa__es10_transceive(ctx, "GetEID", challenge_req, 3, &resp, &len),
              ESIMLPA_ESTATE);
    esimlpa_ctx_free(ctx);
    CHECK_INT(f.disconnects, 1);
}

/* SELECT answered 61xx: the FCI is fetched with GET RESPONSE and discarded. */
static void test_select_61xx(void)
{
    const struct fake_step steps[] = {
        { MC_OPEN, "019000", 0 },
        { "01A4040010" ISDR, "6105", 0 },
        { "01C0000005", "6F03820123 9000", 0 },
        { "0070800100", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    esimlpa_ctx *ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    esimlpa_ctx_free(ctx);
    CHECK(fake_done(&f));
}

/* MANAGE CHANNEL failures. */
static void test_manage_channel_errors(void)
{
    const struct fake_step s1[] = { { MC_OPEN, "6A81", 0 } };
    struct fake f;
    fake_init(&f, s1, COUNT(s1));
    esimlpa_ctx *ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ENOCHANNEL);
    CHECK(contains(esimlpa_ctx_last_error(ctx), "MANAGE CHANNEL"));
    CHECK_INT(f.disconnects, 1);
    CHECK(fake_done(&f));
    esimlpa_ctx_free(ctx);

    const struct fake_step s2[] = { { MC_OPEN, "9000", 0 } };
    fake_init(&f, s2, COUNT(s2));
    ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_EDECODE);
    esimlpa_ctx_free(ctx);

    const struct fake_step s3[] = { { MC_OPEN, "149000", 0 } };  /* channel 20 */
    fake_init(&f, s3, COUNT(s3));
    ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_EDECODE);
    esimlpa_ctx_free(ctx);

    /* Connect failure comes back as is, with the step. */
    fake_init(&f, NULL, 0);
    f.connect_rc = ESIMLPA_ENOCARD;
    ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ENOCARD);
    CHECK(contains(esimlpa_ctx_last_error(ctx), "connect"));
    CHECK_INT(f.disconnects, 1);
    esimlpa_ctx_free(ctx);
    CHECK_INT(f.disconnects, 1);
}

/* tr->open_logical_channel: no MANAGE CHANNEL or SELECT through transmit. */
static void test_transport_channel(void)
{
    const struct fake_step steps[] = {
        { "82E2910003BF2E00", "BF2E00 9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    fake_use_channel_callbacks(&f, 2);
    esimlpa_ctx *ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    CHECK_INT(f.channel_opens, 1);
    CHECK_INT(f.aid_len, 16);
    CHECK(f.aid[0] == 0xA0 && f.aid[15] == 0x00 && f.aid[14] == 0x01);
    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "X", challenge_req, 3, &resp, &len), ESIMLPA_OK);
    CHECK_INT(len, 3);
    free(resp);
    esimlpa_ctx_close(ctx);
    CHECK_INT(f.channel_closes, 1);
    CHECK_INT(f.closed_channel, 2);
    CHECK_INT(f.disconnects, 1);
    CHECK(fake_done(&f));
    esimlpa_ctx_free(ctx);

    /* A failing open_logical_channel passes its error through. */
    fake_init(&f, NULL, 0);
    fake_use_channel_callbacks(&f, 2);
    f.channel_rc = ESIMLPA_ENOCHANNEL;
    ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ENOCHANNEL);
    CHECK_INT(f.disconnects, 1);
    esimlpa_ctx_free(ctx);

    /* An out-of-range channel from the transport is refused. */
    fake_init(&f, NULL, 0);
    fake_use_channel_callbacks(&f, 20);
    ctx = new_ctx(&f, 0);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ETRANSPORT);
    esimlpa_ctx_free(ctx);
}

int main(void)
{
    test_open_and_challenge();
    test_channel_cla();
    test_segmentation_and_get_response();
    test_intermediate_data_and_block_numbers();
    test_6cxx();
    test_91xx();
    test_sw_errors();
    test_wrong_data_text();
    test_truncated();
    test_card_removed();
    test_response_cap();
    test_too_many_blocks();
    test_select_not_found();
    test_select_61xx();
    test_manage_channel_errors();
    test_transport_channel();
    fake_pool_free();
    return check_report("test_iso7816");
}
