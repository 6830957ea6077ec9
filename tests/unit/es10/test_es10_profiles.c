/* SPDX-License-Identifier: MIT */
/* ES10c through a real context and a scripted card: GetProfilesInfo (filter,
 * tag list, unknown tags, absent class), Enable/Disable/Delete/SetNickname/
 * eUICCMemoryReset request bytes, every eUICC result code, and argument
 * checks that must fail before any APDU. */
#include "es10_test.h"

#include <stdlib.h>

#define ZERO_ICCID "00000000000000000000"
#define ICCID_A "89000123456789012341"       /* notes §10.5: 98 00 10 32 54 76 98 10 32 14 */
#define ICCID_A_BCD "98001032547698103214"

static const char profile_list[] =
    "BF2D ( A0 ("
    /* CMLINK-like: enabled, no 95 (operational by DEFAULT), refArDo BF76 extension */
    " E3 ( 5A(" ICCID_A_BCD ") 4F(A0000005591010FFFFFFFF8900001000) 9F70(01) 90('work')"
    "      91('CMLINK') 92('CMI_GDS') B6( 30( 80(0470) 81('consumer.rsp.world') ) )"
    "      B7( 80(54F421) 81(FFFFFFFFFFFFFFFFFFFF) 82(FFFFFFFFFFFFFFFFFFFF) ) 99(0640)"
    "      BF76( E2( E1( C1(0102030405060708090A0B0C0D0E0F1011121314) ) E3( DB(0000000000000001) ) ) ) )"
    /* Redtea-like: disabled, icon, explicit test class, one config per event, unknown 9F7F at the end */
    " E3 ( 5A(98582254820070719989) 4F(A0000005591010FFFFFFFF8900001100) 9F70(00)"
    "      91('Redtea Mobile') 92('RedteaGO') 93(01) 94(89504E470D0A1A0A) 95(00)"
    "      B6( 30( 80(0640) 81('rsp-eu.redteamobile.com') ) 30( 80(0520) 81('rsp-eu.redteamobile.com') ) )"
    "      9F7F(00) )"
    /* unknown tag in the middle, provisioning class, state absent */
    " E3 ( 5A(98940000000000000010) DF40(01) 95(01) )"
    ") )";

static void t_list_all(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF2D 00", profile_list);
    struct esimlpa_profile_list *l = NULL;
    CHECK_INT(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_OK);
    if (!l) {
        fprintf(stderr, "  %s\n", esimlpa_ctx_last_error(ctx));
        return;
    }
    CHECK_INT(l->count, 3);
    if (l->count != 3) {
        esimlpa_profile_list_free(l);
        return;
    }
    const struct esimlpa_profile_info *p = &l->profiles[0];
    CHECK_STR(p->iccid, ICCID_A);
    CHECK_INT(p->aid_len, 16);
    CHECK_INT(p->aid[15], 0x00);
    CHECK_INT(p->aid[14], 0x10);
    CHECK_INT(p->has_state, 1);
    CHECK_INT(p->state, ESIMLPA_PROFILE_ENABLED);
    CHECK_STR(p->nickname, "work");
    CHECK_STR(p->service_provider_name, "CMLINK");
    CHECK_STR(p->profile_name, "CMI_GDS");
    CHECK_INT(p->icon_type, ESIMLPA_ICON_NONE);
    CHECK(p->icon == NULL);
    CHECK_INT(p->profile_class, ESIMLPA_CLASS_OPERATIONAL);
    CHECK_INT(p->n_notification_configs, 1);
    if (p->n_notification_configs == 1) {
        CHECK_INT(p->notification_configs[0].events,
                  ESIMLPA_EVENT_ENABLE | ESIMLPA_EVENT_DISABLE | ESIMLPA_EVENT_DELETE);
        CHECK_STR(p->notification_configs[0].address, "consumer.rsp.world");
    }
    CHECK_INT(p->has_owner, 1);
    CHECK_STR(p->owner.mcc_mnc, "45412");
    CHECK_INT(p->owner.gid1_len, 10);
    CHECK_INT(p->owner.gid2[9], 0xFF);
    CHECK_INT(p->ppr, ESIMLPA_PPR1);

    p = &l->profiles[1];
    CHECK_STR(p->iccid, "89852245280007179998");
    CHECK_INT(p->state, ESIMLPA_PROFILE_DISABLED);
    CHECK_INT(p->has_state, 1);
    CHECK(p->nickname == NULL);
    CHECK_STR(p->service_provider_name, "Redtea Mobile");
    CHECK_INT(p->icon_type, ESIMLPA_ICON_PNG);
    CHECK_INT(p->icon_len, 8);
    CHECK(p->icon && p->icon[1] == 'P');
    CHECK_INT(p->profile_class, ESIMLPA_CLASS_TEST);
    CHECK_INT(p->n_notification_configs, 2);
    if (p->n_notification_configs == 2) {
        CHECK_INT(p->notification_configs[0].events, ESIMLPA_EVENT_ENABLE);
        CHECK_INT(p->notification_configs[1].events, ESIMLPA_EVENT_DISABLE);
    }
    CHECK_INT(p->has_owner, 0);
    CHECK_INT(p->ppr, 0);

    p = &l->profiles[2];
    CHECK_STR(p->iccid, "89490000000000000001");
    CHECK_INT(p->has_state, 0);
    CHECK_INT(p->profile_class, ESIMLPA_CLASS_PROVISIONING);
    CHECK_INT(p->aid_len, 0);
    esimlpa_profile_list_free(l);
}

static void t_list_empty_and_filters(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF2D ( A0 ( 5A(" ICCID_A_BCD ") ) )", "BF2D 02 A0 00");
    fake_card_expect(fc, "BF2D ( A0 ( 4F(A0000005591010FFFFFFFF8900001000) ) 5C(5A 9F70 90) )",
                     "BF2D ( A0 ( E3 ( 5A(" ICCID_A_BCD ") 9F70(00) 90('') ) ) )");
    fake_card_expect(fc, "BF2D ( A0 ( 95(00) ) )", "BF2D 02 A0 00");
    fake_card_expect(fc, "BF2D ( 5C(5A 4F 9F70 90 91 92 93 94 95 B7) )", "BF2D 02 A0 00");

    struct esimlpa_profile_filter f;
    struct esimlpa_profile_list *l = NULL;
    memset(&f, 0, sizeof f);
    f.by = ESIMLPA_FILTER_ICCID;
    strcpy(f.iccid, ICCID_A);
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_OK);
    CHECK(l && l->count == 0);
    esimlpa_profile_list_free(l);

    static const uint8_t aid[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };
    static const unsigned tags3[] = { 0x5A, 0x9F70, 0x90 };
    memset(&f, 0, sizeof f);
    f.by = ESIMLPA_FILTER_AID;
    memcpy(f.aid, aid, sizeof aid);
    f.aid_len = sizeof aid;
    f.tags = tags3;
    f.n_tags = 3;
    l = NULL;
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_OK);
    CHECK(l && l->count == 1);
    if (l && l->count == 1) {
        CHECK_STR(l->profiles[0].nickname, "");
        CHECK_INT(l->profiles[0].profile_class, ESIMLPA_CLASS_OPERATIONAL);
    }
    esimlpa_profile_list_free(l);

    memset(&f, 0, sizeof f);
    f.by = ESIMLPA_FILTER_CLASS;
    f.profile_class = ESIMLPA_CLASS_TEST;
    l = NULL;
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_OK);
    esimlpa_profile_list_free(l);

    /* euicc-go's tag list (notes §4.3). */
    static const unsigned tags10[] = { 0x5A, 0x4F, 0x9F70, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0xB7 };
    memset(&f, 0, sizeof f);
    f.tags = tags10;
    f.n_tags = 10;
    l = NULL;
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_OK);
    esimlpa_profile_list_free(l);
}

static void t_list_errors(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF2D00", "BF2D 03 81 01 01");
    fake_card_expect(fc, "BF2D00", "BF2D 03 81 01 7F");
    fake_card_expect(fc, "BF2D00", "BF2D 03 81 01 02");
    struct esimlpa_profile_list *l = (void *)1;
    CHECK_INT(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_EINCORRECT_INPUT);
    CHECK(l == NULL);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 1);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "GetProfilesInfo: eUICC result 1 (incorrectInputValues)");
    CHECK_INT(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_EEUICC_UNDEFINED);
    CHECK_INT(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_EEUICC_UNKNOWN_RESULT);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 2);
}

static void t_list_bad_args(esimlpa_ctx *ctx, struct fake_card *fc)
{
    struct esimlpa_profile_filter f;
    struct esimlpa_profile_list *l = NULL;
    memset(&f, 0, sizeof f);
    f.by = ESIMLPA_FILTER_ICCID;
    strcpy(f.iccid, "8900A");
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_EBADICCID);
    memset(&f, 0, sizeof f);
    f.by = ESIMLPA_FILTER_AID;
    f.aid_len = 17;
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_EBADAID);
    memset(&f, 0, sizeof f);
    f.by = ESIMLPA_FILTER_CLASS;
    f.profile_class = (enum esimlpa_profile_class)7;
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_EINVAL);
    static const unsigned zero_tag[] = { 0 };
    memset(&f, 0, sizeof f);
    f.tags = zero_tag;
    f.n_tags = 1;
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_EINVAL);
    f.tags = NULL;
    CHECK_INT(esimlpa_profiles_list(ctx, &f, &l), ESIMLPA_EINVAL);
    CHECK(l == NULL);
    CHECK_INT(fake_card_requests(fc), 0);
}

/* Request bytes from notes Appendix A. */
static void t_ops_requests(esimlpa_ctx *ctx, struct fake_card *fc)
{
    struct esimlpa_profile_id zero = { .kind = ESIMLPA_ID_ICCID, .iccid = ZERO_ICCID };
    struct esimlpa_profile_id byaid = { .kind = ESIMLPA_ID_AID, .aid_len = 16,
        .aid = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89,
                 0x00, 0x00, 0x10, 0x00 } };
    fake_card_expect(fc, "BF3111 A00C 5A0A 00000000000000000000 810100", "BF31 03 80 01 00");
    fake_card_expect(fc, "BF3211 A00C 5A0A 00000000000000000000 810100", "BF32 03 80 01 00");
    fake_card_expect(fc, "BF330C 5A0A 00000000000000000000", "BF33 03 80 01 00");
    fake_card_expect(fc, "BF31 ( A0 ( 4F(A0000005591010FFFFFFFF8900001000) ) 81 01 FF )",
                     "BF31 03 80 01 00");
    fake_card_expect(fc, "BF32 ( A0 ( 4F(A0000005591010FFFFFFFF8900001000) ) 81 01 FF )",
                     "BF32 03 80 01 00");
    fake_card_expect(fc, "BF33 ( 4F(A0000005591010FFFFFFFF8900001000) )", "BF33 03 80 01 00");
    fake_card_expect(fc, "BF291B 5A0A 00000000000000000000 900D 65756963632D676F2D74657374",
                     "BF29 03 80 01 00");
    fake_card_expect(fc, "BF29 ( 5A(" ICCID_A_BCD ") 90() )", "BF29 03 80 01 00");
    /* ResetOptions DER-minimal (notes §9; euicc-go would send 05 C0). */
    fake_card_expect(fc, "BF34 04 82 02 06 C0", "BF34 03 80 01 00");
    fake_card_expect(fc, "BF34 04 82 02 05 E0", "BF34 03 80 01 00");
    fake_card_expect(fc, "BF34 04 82 02 05 20", "BF34 03 80 01 00");

    CHECK_INT(esimlpa_profile_enable(ctx, &zero, 0), ESIMLPA_OK);
    CHECK_INT(esimlpa_profile_disable(ctx, &zero, 0), ESIMLPA_OK);
    CHECK_INT(esimlpa_profile_delete(ctx, &zero), ESIMLPA_OK);
    CHECK_INT(esimlpa_profile_enable(ctx, &byaid, 1), ESIMLPA_OK);
    CHECK_INT(esimlpa_profile_disable(ctx, &byaid, 1), ESIMLPA_OK);
    CHECK_INT(esimlpa_profile_delete(ctx, &byaid), ESIMLPA_OK);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ZERO_ICCID, "euicc-go-test"), ESIMLPA_OK);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, ""), ESIMLPA_OK);
    CHECK_INT(esimlpa_euicc_memory_reset(ctx, ESIMLPA_RESET_OPERATIONAL_PROFILES |
                                              ESIMLPA_RESET_TEST_PROFILES), ESIMLPA_OK);
    CHECK_INT(esimlpa_euicc_memory_reset(ctx, ESIMLPA_RESET_OPERATIONAL_PROFILES |
                                              ESIMLPA_RESET_TEST_PROFILES |
                                              ESIMLPA_RESET_DEFAULT_DP_ADDRESS), ESIMLPA_OK);
    CHECK_INT(esimlpa_euicc_memory_reset(ctx, ESIMLPA_RESET_DEFAULT_DP_ADDRESS), ESIMLPA_OK);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), -1);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "");
}

/* 91xx after an enable with refresh counts as success (notes §11 #3). */
static void t_enable_91xx(esimlpa_ctx *ctx, struct fake_card *fc)
{
    struct esimlpa_profile_id id = { .kind = ESIMLPA_ID_ICCID, .iccid = ICCID_A };
    fake_card_expect_sw(fc, "BF31 ( A0 ( 5A(" ICCID_A_BCD ") ) 81 01 FF )", "BF31 03 80 01 00",
                        0x9110);
    CHECK_INT(esimlpa_profile_enable(ctx, &id, 1), ESIMLPA_OK);
}

struct rc_case {
    long result;
    int code;
    const char *name;
};

enum op { OP_ENABLE, OP_DISABLE, OP_DELETE, OP_NICKNAME, OP_RESET };

static const char *op_name[] = { "EnableProfile", "DisableProfile", "DeleteProfile",
                                 "SetNickname", "eUICCMemoryReset" };

static void run_cases(esimlpa_ctx *ctx, struct fake_card *fc, enum op op,
                      const struct rc_case *cases, size_t n)
{
    static const char *req[] = {
        "BF31 ( A0 ( 5A(" ICCID_A_BCD ") ) 81 01 00 )",
        "BF32 ( A0 ( 5A(" ICCID_A_BCD ") ) 81 01 00 )",
        "BF33 ( 5A(" ICCID_A_BCD ") )",
        "BF29 ( 5A(" ICCID_A_BCD ") 90('n') )",
        "BF34 04 82 02 07 80",
    };
    static const char *tag[] = { "BF31", "BF32", "BF33", "BF29", "BF34" };
    struct esimlpa_profile_id id = { .kind = ESIMLPA_ID_ICCID, .iccid = ICCID_A };
    for (size_t i = 0; i < n; i++) {
        char resp[64];
        snprintf(resp, sizeof resp, "%s ( 80 ( %02lX ) )", tag[op], cases[i].result);
        fake_card_expect(fc, req[op], resp);
        int rc = 0;
        switch (op) {
        case OP_ENABLE: rc = esimlpa_profile_enable(ctx, &id, 0); break;
        case OP_DISABLE: rc = esimlpa_profile_disable(ctx, &id, 0); break;
        case OP_DELETE: rc = esimlpa_profile_delete(ctx, &id); break;
        case OP_NICKNAME: rc = esimlpa_profile_nickname_set(ctx, ICCID_A, "n"); break;
        case OP_RESET: rc = esimlpa_euicc_memory_reset(ctx, ESIMLPA_RESET_OPERATIONAL_PROFILES); break;
        }
        CHECK_INT(rc, cases[i].code);
        CHECK_INT(esimlpa_ctx_last_result_code(ctx), cases[i].result);
        char want[160];
        snprintf(want, sizeof want, "%s: eUICC result %ld (%s)", op_name[op], cases[i].result,
                 cases[i].name);
        CHECK_STR(esimlpa_ctx_last_error(ctx), want);
    }
}

#define UNKNOWN "not defined by SGP.22"

static void t_enable_results(esimlpa_ctx *ctx, struct fake_card *fc)
{
    static const struct rc_case c[] = {
        { 1, ESIMLPA_EICCID_OR_AID_NOT_FOUND, "iccidOrAidNotFound" },
        { 2, ESIMLPA_EPROFILE_NOT_DISABLED, "profileNotInDisabledState" },
        { 3, ESIMLPA_EDISALLOWED_BY_POLICY, "disallowedByPolicy" },
        { 4, ESIMLPA_EWRONG_PROFILE_REENABLING, "wrongProfileReenabling" },
        { 5, ESIMLPA_ECAT_BUSY, "catBusy" },
        { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
        { 6, ESIMLPA_EEUICC_UNKNOWN_RESULT, UNKNOWN },
    };
    run_cases(ctx, fc, OP_ENABLE, c, sizeof c / sizeof c[0]);
    CHECK_STR(esimlpa_strerror(ESIMLPA_EPROFILE_NOT_DISABLED), "profile not in disabled state");
}

static void t_disable_results(esimlpa_ctx *ctx, struct fake_card *fc)
{
    static const struct rc_case c[] = {
        { 1, ESIMLPA_EICCID_OR_AID_NOT_FOUND, "iccidOrAidNotFound" },
        { 2, ESIMLPA_EPROFILE_NOT_ENABLED, "profileNotInEnabledState" },
        { 3, ESIMLPA_EDISALLOWED_BY_POLICY, "disallowedByPolicy" },
        { 5, ESIMLPA_ECAT_BUSY, "catBusy" },
        { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
        { 4, ESIMLPA_EEUICC_UNKNOWN_RESULT, UNKNOWN },
    };
    run_cases(ctx, fc, OP_DISABLE, c, sizeof c / sizeof c[0]);
}

static void t_delete_results(esimlpa_ctx *ctx, struct fake_card *fc)
{
    static const struct rc_case c[] = {
        { 1, ESIMLPA_EICCID_OR_AID_NOT_FOUND, "iccidOrAidNotFound" },
        { 2, ESIMLPA_EPROFILE_NOT_DISABLED, "profileNotInDisabledState" },
        { 3, ESIMLPA_EDISALLOWED_BY_POLICY, "disallowedByPolicy" },
        { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
        { 5, ESIMLPA_EEUICC_UNKNOWN_RESULT, UNKNOWN },
    };
    run_cases(ctx, fc, OP_DELETE, c, sizeof c / sizeof c[0]);
}

static void t_nickname_results(esimlpa_ctx *ctx, struct fake_card *fc)
{
    static const struct rc_case c[] = {
        { 1, ESIMLPA_EICCID_NOT_FOUND, "iccidNotFound" },
        { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
        { 2, ESIMLPA_EEUICC_UNKNOWN_RESULT, UNKNOWN },
    };
    run_cases(ctx, fc, OP_NICKNAME, c, sizeof c / sizeof c[0]);
}

static void t_reset_results(esimlpa_ctx *ctx, struct fake_card *fc)
{
    static const struct rc_case c[] = {
        { 1, ESIMLPA_ENOTHING_TO_DELETE, "nothingToDelete" },
        { 5, ESIMLPA_ECAT_BUSY, "catBusy" },
        { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
        { 3, ESIMLPA_EEUICC_UNKNOWN_RESULT, UNKNOWN },
    };
    run_cases(ctx, fc, OP_RESET, c, sizeof c / sizeof c[0]);
}

/* Malformed arguments fail before any APDU, with a named error. */
static void t_bad_args(esimlpa_ctx *ctx, struct fake_card *fc)
{
    struct esimlpa_profile_id short_iccid = { .kind = ESIMLPA_ID_ICCID, .iccid = "8901234" };
    struct esimlpa_profile_id alpha_iccid = { .kind = ESIMLPA_ID_ICCID,
                                              .iccid = "8900012345678901234X" };
    struct esimlpa_profile_id short_aid = { .kind = ESIMLPA_ID_AID, .aid_len = 3 };
    struct esimlpa_profile_id bad_kind = { .kind = 7 };
    struct esimlpa_profile_id unterminated;
    memset(&unterminated, '9', sizeof unterminated);
    unterminated.kind = ESIMLPA_ID_ICCID;

    CHECK_INT(esimlpa_profile_enable(ctx, &short_iccid, 0), ESIMLPA_EBADICCID);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "EnableProfile") != NULL);
    CHECK_INT(esimlpa_profile_disable(ctx, &alpha_iccid, 0), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_profile_delete(ctx, &short_aid), ESIMLPA_EBADAID);
    CHECK_INT(esimlpa_profile_delete(ctx, &bad_kind), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_profile_enable(ctx, &unterminated, 0), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_profile_enable(ctx, NULL, 0), ESIMLPA_EINVAL);

    char n65[66], n64[65];
    memset(n65, 'x', 65);
    n65[65] = '\0';
    memset(n64, 'x', 64);
    n64[64] = '\0';
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, n65), ESIMLPA_ETOOLONG);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "SetNickname") != NULL);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, "12", "x"), ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, "\xC3\x28"), ESIMLPA_EBADTEXT);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, "\xED\xA0\x80"), ESIMLPA_EBADTEXT);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, "\x1b[2J"), ESIMLPA_EBADTEXT);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, "a\nb"), ESIMLPA_EBADTEXT);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, "c1 \xC2\x9B"), ESIMLPA_EBADTEXT);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, NULL, "x"), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_euicc_memory_reset(ctx, 0), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_euicc_memory_reset(ctx, 0x8), ESIMLPA_EINVAL);
    CHECK_INT(fake_card_requests(fc), 0);

    /* The longest allowed nickname (64 bytes, multi-byte UTF-8 counted in bytes) goes through. */
    fake_card_expect(fc, "BF29 ( 5A(" ICCID_A_BCD ") 90('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx') )", "BF29 03 80 01 00");
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, n64), ESIMLPA_OK);
    fake_card_expect(fc, "BF29 ( 5A(" ICCID_A_BCD ") 90(C3A9 E282AC F09F9880) )",
                     "BF29 03 80 01 00");
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID_A, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"),
              ESIMLPA_OK);
}

int main(void)
{
    RUN(t_list_all);
    RUN(t_list_empty_and_filters);
    RUN(t_list_errors);
    RUN(t_list_bad_args);
    RUN(t_ops_requests);
    RUN(t_enable_91xx);
    RUN(t_enable_results);
    RUN(t_disable_results);
    RUN(t_delete_results);
    RUN(t_nickname_results);
    RUN(t_reset_results);
    RUN(t_bad_args);
    if (t_failures)
        fprintf(stderr, "%d check(s) failed\n", t_failures);
    return t_failures ? 1 : 0;
}
