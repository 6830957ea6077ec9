/* SPDX-License-Identifier: MIT */
/* Strict decoding of every ES10 response: for each function a good response
 * is accepted, and empty, wrong-tag, truncated, trailing-byte and garbage
 * variants fail with ESIMLPA_EDECODE / ESIMLPA_EUNEXPECTED naming the
 * function, leaving no output (and, under ASan, no leak). Also: a response
 * longer than 256 bytes arrives through GET RESPONSE, and card status words
 * surface as their own errors. */
#include "es10_test.h"

#include <stdlib.h>

#define ICCID_A "89000123456789012341"
#define ICCID_A_BCD "98001032547698103214"
#define CERT "30( 30(0500) 30(0500) 03(00) )"

struct fn_case {
    const char *name;     /* ES10 function name expected in the error text */
    const char *req;
    const char *good;
    int (*call)(esimlpa_ctx *ctx);
};

static int c_eid(esimlpa_ctx *ctx)
{
    char eid[ESIMLPA_EID_LEN + 1];
    return esimlpa_eid_get(ctx, eid);
}

static int c_info1(esimlpa_ctx *ctx)
{
    struct esimlpa_euicc_info1 *i = (void *)1;
    int rc = esimlpa_euicc_info1_get(ctx, &i);
    if (rc != ESIMLPA_OK && i != NULL)
        t_failures++;
    esimlpa_euicc_info1_free(rc == ESIMLPA_OK ? i : NULL);
    return rc;
}

static int c_info2(esimlpa_ctx *ctx)
{
    struct esimlpa_euicc_info2 *i = (void *)1;
    int rc = esimlpa_euicc_info2_get(ctx, &i);
    if (rc != ESIMLPA_OK && i != NULL)
        t_failures++;
    esimlpa_euicc_info2_free(rc == ESIMLPA_OK ? i : NULL);
    return rc;
}

static int c_addr(esimlpa_ctx *ctx)
{
    struct esimlpa_configured_addresses *a = (void *)1;
    int rc = esimlpa_configured_addresses_get(ctx, &a);
    if (rc != ESIMLPA_OK && a != NULL)
        t_failures++;
    esimlpa_configured_addresses_free(rc == ESIMLPA_OK ? a : NULL);
    return rc;
}

static int c_setdp(esimlpa_ctx *ctx)
{
    return esimlpa_default_dp_address_set(ctx, "a.b");
}

static int c_list(esimlpa_ctx *ctx)
{
    struct esimlpa_profile_list *l = (void *)1;
    int rc = esimlpa_profiles_list(ctx, NULL, &l);
    if (rc != ESIMLPA_OK && l != NULL)
        t_failures++;
    esimlpa_profile_list_free(rc == ESIMLPA_OK ? l : NULL);
    return rc;
}

static const struct esimlpa_profile_id id_a = { .kind = ESIMLPA_ID_ICCID, .iccid = ICCID_A };

static int c_enable(esimlpa_ctx *ctx) { return esimlpa_profile_enable(ctx, &id_a, 0); }
static int c_disable(esimlpa_ctx *ctx) { return esimlpa_profile_disable(ctx, &id_a, 0); }
static int c_delete(esimlpa_ctx *ctx) { return esimlpa_profile_delete(ctx, &id_a); }
static int c_nick(esimlpa_ctx *ctx) { return esimlpa_profile_nickname_set(ctx, ICCID_A, "n"); }
static int c_reset(esimlpa_ctx *ctx)
{
    return esimlpa_euicc_memory_reset(ctx, ESIMLPA_RESET_OPERATIONAL_PROFILES);
}

static int c_nlist(esimlpa_ctx *ctx)
{
    struct esimlpa_notification_list *l = (void *)1;
    int rc = esimlpa_notifications_list(ctx, 0, &l);
    if (rc != ESIMLPA_OK && l != NULL)
        t_failures++;
    esimlpa_notification_list_free(rc == ESIMLPA_OK ? l : NULL);
    return rc;
}

static int c_retrieve(esimlpa_ctx *ctx)
{
    struct esimlpa_pending_notification_list *l = (void *)1;
    int rc = esimlpa_notifications_retrieve(ctx, -1, &l);
    if (rc != ESIMLPA_OK && l != NULL)
        t_failures++;
    esimlpa_pending_notification_list_free(rc == ESIMLPA_OK ? l : NULL);
    return rc;
}

static int c_remove(esimlpa_ctx *ctx) { return esimlpa_notification_remove(ctx, 3); }

static int c_rat(esimlpa_ctx *ctx)
{
    struct esimlpa_rat *r = (void *)1;
    int rc = esimlpa_rat_get(ctx, &r);
    if (rc != ESIMLPA_OK && r != NULL)
        t_failures++;
    esimlpa_rat_free(rc == ESIMLPA_OK ? r : NULL);
    return rc;
}

static const struct fn_case cases[] = {
    { "GetEID", "BF3E035C015A", "BF3E ( 5A ( 89049044900000000000000000102355 ) )", c_eid },
    { "GetEUICCInfo1", "BF2000", "BF20 ( 82(020300) A9( 04(0102) ) AA( 04(0102) ) )", c_info1 },
    { "GetEUICCInfo2", "BF2200",
      "BF22 ( 81(020300) 82(020200) 83(010000) 84(810108) 85(0780) 88(0398) A9( 04(0102) ) AA()"
      " 04(000000) 0C('SAS') )", c_info2 },
    { "GetEuiccConfiguredAddresses", "BF3C00", "BF3C ( 80('dp.example') 81('ds.example') )", c_addr },
    { "SetDefaultDpAddress", "BF3F ( 80('a.b') )", "BF3F 03 80 01 00", c_setdp },
    { "GetProfilesInfo", "BF2D00",
      "BF2D ( A0 ( E3 ( 5A(" ICCID_A_BCD ") 9F70(01) 91('SP') 92('Name') B6( 30(80(0780) 81('n.example')) )"
      " B7( 80(54F421) ) ) ) )", c_list },
    { "EnableProfile", "BF31 ( A0 ( 5A(" ICCID_A_BCD ") ) 81 01 00 )", "BF31 03 80 01 00", c_enable },
    { "DisableProfile", "BF32 ( A0 ( 5A(" ICCID_A_BCD ") ) 81 01 00 )", "BF32 03 80 01 00", c_disable },
    { "DeleteProfile", "BF33 ( 5A(" ICCID_A_BCD ") )", "BF33 03 80 01 00", c_delete },
    { "SetNickname", "BF29 ( 5A(" ICCID_A_BCD ") 90('n') )", "BF29 03 80 01 00", c_nick },
    { "eUICCMemoryReset", "BF34 04 82 02 07 80", "BF34 03 80 01 00", c_reset },
    { "ListNotification", "BF2800",
      "BF28 ( A0 ( BF2F ( 80(01) 81(0780) 0C('n.example') 5A(" ICCID_A_BCD ") ) ) )", c_nlist },
    { "RetrieveNotificationsList", "BF2B00",
      "BF2B ( A0 ( 30 ( BF2F ( 80(01) 81(0640) 0C('n.example') ) 5F37(01) " CERT " " CERT " ) ) )",
      c_retrieve },
    { "RemoveNotificationFromList", "BF30 03 80 01 03", "BF30 03 80 01 00", c_remove },
    { "GetRAT", "BF4300", "BF43 ( A0 ( 30 ( 80(0640) A1( 30( 80(54F421) ) ) 82(0780) ) ) )", c_rat },
};

static char *to_hex(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (!s)
        exit(99);
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02X", p[i]);
    s[2 * n] = '\0';
    return s;
}

/* One variant of the good response, expected to fail with @want. */
static void variant(const struct fn_case *c, const char *label, const uint8_t *resp,
                    size_t len, int want)
{
    struct fake_card *fc = fake_card_new();
    esimlpa_ctx *ctx = t_open(fc);
    char *hex = to_hex(resp, len);
    fake_card_expect(fc, c->req, hex);
    int before = t_failures;
    int rc = c->call(ctx);
    if (rc != want) {
        fprintf(stderr, "%s/%s: rc %d (%s), want %d  [%s]\n", c->name, label, rc,
                esimlpa_error_name(rc), want, esimlpa_ctx_last_error(ctx));
        t_failures++;
    } else if (want != ESIMLPA_OK && !strstr(esimlpa_ctx_last_error(ctx), c->name)) {
        fprintf(stderr, "%s/%s: error text \"%s\" does not name the function\n", c->name, label,
                esimlpa_ctx_last_error(ctx));
        t_failures++;
    }
    if (!fake_card_ok(fc)) {
        fprintf(stderr, "%s/%s: card script not followed\n", c->name, label);
        t_failures++;
    }
    if (t_failures != before)
        fprintf(stderr, "FAIL %s/%s\n", c->name, label);
    free(hex);
    esimlpa_ctx_free(ctx);
    fake_card_free(fc);
}

static void t_case(const struct fn_case *c)
{
    uint8_t good[1024], buf[1100];
    size_t n = t_bytes(c->good, good, sizeof good);
    int before = t_failures;

    variant(c, "good", good, n, ESIMLPA_OK);
    variant(c, "empty", good, 0, ESIMLPA_EDECODE);
    /* Wrong outer tag: same content under BF7F. */
    memcpy(buf, good, n);
    buf[1] = 0x7F;
    variant(c, "wrong-tag", buf, n, ESIMLPA_EUNEXPECTED);
    static const uint8_t garbage[] = { 0xFF, 0x00, 0x13, 0x37 };
    variant(c, "garbage", garbage, sizeof garbage, ESIMLPA_EUNEXPECTED);
    static const uint8_t one[] = { 0xBF };
    variant(c, "one-byte", one, 1, ESIMLPA_EUNEXPECTED);
    /* Truncated at every length from the tag on. */
    for (size_t cut = 2; cut < n; cut++) {
        char label[32];
        snprintf(label, sizeof label, "truncated-%zu", cut);
        variant(c, label, good, cut, ESIMLPA_EDECODE);
    }
    memcpy(buf, good, n);
    buf[n] = 0x00;
    variant(c, "trailing-00", buf, n + 1, ESIMLPA_EDECODE);
    memcpy(buf, good, n);
    memcpy(buf + n, good, n);
    variant(c, "doubled", buf, 2 * n, ESIMLPA_EDECODE);
    /* Right tag, absurd length. */
    memcpy(buf, good, 2);
    memcpy(buf + 2, "\x84\xFF\xFF\xFF\xFF\x00", 6);
    variant(c, "huge-length", buf, 8, ESIMLPA_EDECODE);
    /* Right tag, content replaced by garbage of the same length. */
    memcpy(buf, good, n);
    for (size_t i = 3; i < n; i++)
        buf[i] = 0xFF;
    variant(c, "content-garbage", buf, n, ESIMLPA_EDECODE);
    fprintf(stderr, "%s %s\n", t_failures == before ? "ok  " : "FAIL", c->name);
}

/* Responses above 256 bytes come back in 61xx pieces (notes §3.3). */
static void t_long_response(esimlpa_ctx *ctx, struct fake_card *fc)
{
    char spec[4096];
    int k = snprintf(spec, sizeof spec, "BF2D ( A0 ( E3 ( 5A(" ICCID_A_BCD ") 93(01) 94(");
    for (int i = 0; i < 1000; i++)
        k += snprintf(spec + k, sizeof spec - (size_t)k, "%02X", i & 0xFF);
    snprintf(spec + k, sizeof spec - (size_t)k, ") ) ) )");
    fake_card_expect(fc, "BF2D00", spec);
    struct esimlpa_profile_list *l = NULL;
    CHECK_INT(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_OK);
    CHECK(l && l->count == 1 && l->profiles[0].icon_len == 1000 && l->profiles[0].icon[999] == 0xE7);
    esimlpa_profile_list_free(l);
    struct esimlpa_ctx_stats st = { .struct_size = sizeof st };
    esimlpa_ctx_stats_read(ctx, &st);
    CHECK(st.get_responses >= 4);
}

/* A status word other than 9000 surfaces as the APDU layer's error. */
static void t_status_words(esimlpa_ctx *ctx, struct fake_card *fc)
{
    char eid[ESIMLPA_EID_LEN + 1];
    fake_card_expect_sw(fc, "BF3E035C015A", "", 0x6A80);
    fake_card_expect_sw(fc, "BF3E035C015A", "", 0x6F00);
    CHECK_INT(esimlpa_eid_get(ctx, eid), ESIMLPA_ESW_WRONG_DATA);
    CHECK_INT(esimlpa_ctx_last_sw(ctx), 0x6A80);
    CHECK_INT(esimlpa_eid_get(ctx, eid), ESIMLPA_ESW_TECHNICAL);
}

/* Decoded values out of their ranges are refused too. */
static void t_bad_values(esimlpa_ctx *ctx, struct fake_card *fc)
{
    struct esimlpa_profile_list *l = NULL;
    struct esimlpa_notification_list *nl = NULL;
    fake_card_expect(fc, "BF2D00", "BF2D ( A0 ( E3 ( 5A(" ICCID_A_BCD ") 9F70(02) ) ) )");
    fake_card_expect(fc, "BF2D00", "BF2D ( A0 ( E3 ( 5A(" ICCID_A_BCD ") 95(03) ) ) )");
    fake_card_expect(fc, "BF2D00", "BF2D ( A0 ( E3 ( 5A(9800103254) ) ) )");
    fake_card_expect(fc, "BF2D00", "BF2D ( A0 ( E3 ( B7( 80(54F4) ) ) ) )");
    fake_card_expect(fc, "BF2D00", "BF2D ( A0 ( E3 ( 91('a' 00 'b') ) ) )");
    fake_card_expect(fc, "BF2800", "BF28 ( A0 ( BF2F ( 80(FF) 81(0780) 0C('x') ) ) )");
    fake_card_expect(fc, "BF2D00", "BF2D 03 81 01 00");
    for (int i = 0; i < 5; i++) {
        CHECK_INT(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_EDECODE);
        CHECK(l == NULL);
    }
    CHECK_INT(esimlpa_notifications_list(ctx, 0, &nl), ESIMLPA_EDECODE);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "seqNumber") != NULL);
    CHECK_INT(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_EUNEXPECTED);
}

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        t_case(&cases[i]);
    RUN(t_long_response);
    RUN(t_status_words);
    RUN(t_bad_values);
    if (t_failures)
        fprintf(stderr, "%d check(s) failed\n", t_failures);
    return t_failures ? 1 : 0;
}
