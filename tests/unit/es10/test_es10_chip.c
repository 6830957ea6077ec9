/* SPDX-License-Identifier: MIT */
/* ES10 chip information through a real context and a scripted card:
 * GetEID, GetEUICCInfo1/2, configured addresses, SetDefaultDpAddress, GetRAT,
 * and the open-context requirement. */
#include "es10_test.h"

#include <stdlib.h>

#define CI_SKI "F54172BDF98A95D65CBEB88A38A1C11D800A85C3"

static void t_eid(esimlpa_ctx *ctx, struct fake_card *fc)
{
    /* Request bytes: sgp22-notes Appendix A (81 E2 91 00 06 BF3E035C015A). */
    fake_card_expect(fc, "BF3E 03 5C 01 5A", "BF3E ( 5A ( 89049044900000000000000000102355 ) )");
    char eid[ESIMLPA_EID_LEN + 1];
    CHECK_INT(esimlpa_eid_get(ctx, eid), ESIMLPA_OK);
    CHECK_STR(eid, "89049044900000000000000000102355");
    CHECK_STR(esimlpa_ctx_last_error(ctx), "");
}

static void t_eid_bad_digits(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF3E035C015A", "BF3E ( 5A ( 8904904490000000000000000010235A ) )");
    char eid[ESIMLPA_EID_LEN + 1];
    CHECK_INT(esimlpa_eid_get(ctx, eid), ESIMLPA_EDECODE);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "GetEID") != NULL);
}

static void t_info1(esimlpa_ctx *ctx, struct fake_card *fc)
{
    /* Production card trace (lpac #143, notes §4.3). */
    static const char resp[] = "BF20 35 82 03 020300 A9 16 04 14 81370F5125D0B1D408D4C3B232E6D25E795BEBFB"
                               " AA 16 04 14 81370F5125D0B1D408D4C3B232E6D25E795BEBFB";
    fake_card_expect(fc, "BF20 00", resp);
    struct esimlpa_euicc_info1 *i1 = NULL;
    CHECK_INT(esimlpa_euicc_info1_get(ctx, &i1), ESIMLPA_OK);
    if (!i1)
        return;
    CHECK_INT(i1->svn.major, 2);
    CHECK_INT(i1->svn.minor, 3);
    CHECK_INT(i1->svn.revision, 0);
    CHECK_INT(i1->n_ci_pkid_verification, 1);
    CHECK_INT(i1->n_ci_pkid_signing, 1);
    CHECK_INT(i1->ci_pkid_verification[0].len, 20);
    CHECK_INT(i1->ci_pkid_verification[0].bytes[0], 0x81);
    CHECK_INT(i1->ci_pkid_signing[0].bytes[19], 0xFB);
    CHECK_INT(i1->raw_len, 56);
    CHECK(i1->raw && i1->raw[0] == 0xBF && i1->raw[1] == 0x20 && i1->raw[55] == 0xFB);
    esimlpa_euicc_info1_free(i1);
}

/* sysmoEUICC1-C2T (notes §10.7), with euiccCategory, a certification data
 * object and an unknown later-version field (8E) appended. */
static const char info2_sysmo[] =
    "BF22 ( 81(020301) 82(020300) 83(230623) 84(810108820400045BF883022419)"
    " 85(067F36F3C0) 86(0F0100) 87(020300) 88(0398)"
    " A9(04(" CI_SKI ")) AA(04(" CI_SKI ") 04(0102030405060708090A0B0C0D0E0F1011121314))"
    " 8B(02) 99(0640) 04(010000) 0C('SYSMOCOM-TEST-1')"
    " AC(80('PLATFORM-1') 81('https://ds.example')) 8E(01) )";

static void t_info2(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF22 00", info2_sysmo);
    struct esimlpa_euicc_info2 *i2 = NULL;
    CHECK_INT(esimlpa_euicc_info2_get(ctx, &i2), ESIMLPA_OK);
    if (!i2) {
        fprintf(stderr, "  %s\n", esimlpa_ctx_last_error(ctx));
        return;
    }
    CHECK_INT(i2->profile_version.major, 2);
    CHECK_INT(i2->profile_version.minor, 3);
    CHECK_INT(i2->profile_version.revision, 1);
    CHECK_INT(i2->svn.minor, 3);
    CHECK_INT(i2->firmware_version.major, 35);
    CHECK_INT(i2->firmware_version.minor, 6);
    CHECK_INT(i2->firmware_version.revision, 35);
    CHECK_INT(i2->has_ts102241_version, 1);
    CHECK_INT(i2->ts102241_version.major, 15);
    CHECK_INT(i2->has_globalplatform_version, 1);
    CHECK_INT(i2->globalplatform_version.minor, 3);
    CHECK_INT(i2->pp_version.major, 1);
    CHECK_INT(i2->installed_apps, 8);
    CHECK_INT(i2->free_nvram, 285688);
    CHECK_INT(i2->free_ram, 9241);
    CHECK_INT(i2->uicc_capability, 0x3cf6cfe);
    CHECK_INT(i2->rsp_capability, 0x19);   /* bits 0, 3, 4 */
    CHECK_INT(i2->forbidden_ppr, ESIMLPA_PPR1);
    CHECK_INT(i2->euicc_category, 2);
    CHECK_STR(i2->sas_accreditation_number, "SYSMOCOM-TEST-1");
    CHECK_INT(i2->n_ci_pkid_verification, 1);
    CHECK_INT(i2->n_ci_pkid_signing, 2);
    CHECK_INT(i2->ci_pkid_verification[0].bytes[0], 0xF5);
    CHECK_INT(i2->ci_pkid_signing[1].bytes[0], 0x01);
    CHECK_STR(i2->platform_label, "PLATFORM-1");
    CHECK_STR(i2->discovery_base_url, "https://ds.example");
    CHECK(i2->raw_len > 100 && i2->raw[0] == 0xBF && i2->raw[1] == 0x22);
    esimlpa_euicc_info2_free(i2);
}

/* Minimal EUICCInfo2: optional fields absent report -1 / has_* = 0. */
static void t_info2_minimal(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF2200",
                     "BF22 ( 81(020300) 82(020200) 83(010000) 84() 85(00) 88(00)"
                     " A9() AA() 04(000000) 0C() )");
    struct esimlpa_euicc_info2 *i2 = NULL;
    CHECK_INT(esimlpa_euicc_info2_get(ctx, &i2), ESIMLPA_OK);
    if (!i2)
        return;
    CHECK_INT(i2->has_ts102241_version, 0);
    CHECK_INT(i2->has_globalplatform_version, 0);
    CHECK_INT(i2->installed_apps, -1);
    CHECK_INT(i2->free_nvram, -1);
    CHECK_INT(i2->free_ram, -1);
    CHECK_INT(i2->euicc_category, -1);
    CHECK_INT(i2->uicc_capability, 0);
    CHECK_INT(i2->forbidden_ppr, 0);
    CHECK_INT(i2->n_ci_pkid_signing, 0);
    CHECK_STR(i2->sas_accreditation_number, "");
    CHECK(i2->platform_label == NULL && i2->discovery_base_url == NULL);
    esimlpa_euicc_info2_free(i2);
}

static void t_info2_bad_version(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF2200",
                     "BF22 ( 81(0203) 82(020200) 83(010000) 84() 85(00) 88(00)"
                     " A9() AA() 04(000000) 0C() )");
    struct esimlpa_euicc_info2 *i2 = (void *)1;
    CHECK_INT(esimlpa_euicc_info2_get(ctx, &i2), ESIMLPA_EDECODE);
    CHECK(i2 == NULL);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "profileVersion") != NULL);
}

static void t_addresses(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF3C 00", "BF3C ( 80('smdp.example.com') 81('testrootsmds.gsma.com') )");
    fake_card_expect(fc, "BF3C00", "BF3C 17 81 15 'testrootsmds.gsma.com'");
    struct esimlpa_configured_addresses *a = NULL;
    CHECK_INT(esimlpa_configured_addresses_get(ctx, &a), ESIMLPA_OK);
    if (a) {
        CHECK_STR(a->default_dp_address, "smdp.example.com");
        CHECK_STR(a->root_ds_address, "testrootsmds.gsma.com");
        esimlpa_configured_addresses_free(a);
    }
    a = NULL;
    CHECK_INT(esimlpa_configured_addresses_get(ctx, &a), ESIMLPA_OK);
    if (a) {
        CHECK(a->default_dp_address == NULL);
        CHECK_STR(a->root_ds_address, "testrootsmds.gsma.com");
        esimlpa_configured_addresses_free(a);
    }
}

static void t_set_default_dp(esimlpa_ctx *ctx, struct fake_card *fc)
{
    /* Appendix A: BF3F0D 80 0B 6578616D706C652E636F6D. */
    fake_card_expect(fc, "BF3F0D800B6578616D706C652E636F6D", "BF3F 03 80 01 00");
    fake_card_expect(fc, "BF3F 02 80 00", "BF3F 03 80 01 00");
    fake_card_expect(fc, "BF3F ( 80('x.example') )", "BF3F 03 80 01 7F");
    CHECK_INT(esimlpa_default_dp_address_set(ctx, "example.com"), ESIMLPA_OK);
    CHECK_INT(esimlpa_default_dp_address_set(ctx, ""), ESIMLPA_OK);
    CHECK_INT(esimlpa_default_dp_address_set(ctx, "x.example"), ESIMLPA_EEUICC_UNDEFINED);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 127);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "SetDefaultDpAddress: eUICC result 127 (undefinedError)");
    /* Argument errors: no APDU. */
    unsigned before = fake_card_requests(fc);
    char longaddr[300];
    memset(longaddr, 'a', sizeof longaddr - 1);
    longaddr[sizeof longaddr - 1] = '\0';
    CHECK_INT(esimlpa_default_dp_address_set(ctx, longaddr), ESIMLPA_ETOOLONG);
    CHECK_INT(esimlpa_default_dp_address_set(ctx, NULL), ESIMLPA_EINVAL);
    /* Not an activation-code SM-DP+ address (FQDN[:port]): refused, no APDU. */
    CHECK_INT(esimlpa_default_dp_address_set(ctx, "http://evil/"), ESIMLPA_EBADADDRESS);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "SetDefaultDpAddress: SM-DP+ address must not contain a scheme (like https://)");
    CHECK_INT(esimlpa_default_dp_address_set(ctx, "[::1]"), ESIMLPA_EBADADDRESS);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "SetDefaultDpAddress: SM-DP+ address has an invalid character '['");
    CHECK_INT(esimlpa_default_dp_address_set(ctx, "evil.example/x"), ESIMLPA_EBADADDRESS);
    CHECK_INT(esimlpa_default_dp_address_set(ctx, "a b.example"), ESIMLPA_EBADADDRESS);
    CHECK_INT(esimlpa_default_dp_address_set(ctx, "smdp.example:99999"), ESIMLPA_EBADADDRESS);
    CHECK_STR(esimlpa_error_name(ESIMLPA_EBADADDRESS), "ESIMLPA_EBADADDRESS");
    CHECK_INT(fake_card_requests(fc), before);
}

static void t_rat(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF43 00",
                     "BF43 ( A0 ( 30 ( 80(0640) A1( 30(80(54F421) 81(FFFF) 82(01)) 30(80(130014)) )"
                     " 82(0780) )  30 ( 80(0520) A1() 82(00) ) ) )");
    struct esimlpa_rat *rat = NULL;
    CHECK_INT(esimlpa_rat_get(ctx, &rat), ESIMLPA_OK);
    if (!rat) {
        fprintf(stderr, "  %s\n", esimlpa_ctx_last_error(ctx));
        return;
    }
    CHECK_INT(rat->count, 2);
    if (rat->count == 2) {
        CHECK_INT(rat->rules[0].ppr_ids, ESIMLPA_PPR1);
        CHECK_INT(rat->rules[0].consent_required, 1);
        CHECK_INT(rat->rules[0].n_operators, 2);
        if (rat->rules[0].n_operators == 2) {
            CHECK_STR(rat->rules[0].operators[0].mcc_mnc, "45412");
            CHECK_INT(rat->rules[0].operators[0].has_gid1, 1);
            CHECK_INT(rat->rules[0].operators[0].gid1_len, 2);
            CHECK_INT(rat->rules[0].operators[0].has_gid2, 1);
            CHECK_INT(rat->rules[0].operators[0].gid2[0], 1);
            CHECK_STR(rat->rules[0].operators[1].mcc_mnc, "310410");
            CHECK_INT(rat->rules[0].operators[1].has_gid1, 0);
        }
        CHECK_INT(rat->rules[1].ppr_ids, ESIMLPA_PPR2);
        CHECK_INT(rat->rules[1].consent_required, 0);
        CHECK_INT(rat->rules[1].n_operators, 0);
    }
    esimlpa_rat_free(rat);
}

static void t_not_open(void)
{
    struct fake_card *fc = fake_card_new();
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = fake_card_transport(fc);
    esimlpa_ctx *ctx = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    char eid[ESIMLPA_EID_LEN + 1];
    struct esimlpa_profile_list *pl = NULL;
    struct esimlpa_profile_id id = { .kind = ESIMLPA_ID_ICCID, .iccid = "89000123456789012341" };
    CHECK_INT(esimlpa_eid_get(ctx, eid), ESIMLPA_ESTATE);
    CHECK_INT(esimlpa_profiles_list(ctx, NULL, &pl), ESIMLPA_ESTATE);
    CHECK_INT(esimlpa_profile_enable(ctx, &id, 0), ESIMLPA_ESTATE);
    CHECK_INT(esimlpa_notification_remove(ctx, 1), ESIMLPA_ESTATE);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "not open") != NULL);
    CHECK_INT(fake_card_requests(fc), 0);
    /* NULL context: EINVAL, no crash. */
    CHECK_INT(esimlpa_eid_get(NULL, eid), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_rat_get(NULL, NULL), ESIMLPA_EINVAL);
    /* Closed again after an open. */
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    esimlpa_ctx_close(ctx);
    CHECK_INT(esimlpa_eid_get(ctx, eid), ESIMLPA_ESTATE);
    esimlpa_ctx_free(ctx);
    fake_card_free(fc);
    fprintf(stderr, "ok   t_not_open (if no failure above)\n");
}

/* NULL out-pointers on an open context are refused before any APDU. */
static void t_null_outputs(esimlpa_ctx *ctx, struct fake_card *fc)
{
    CHECK_INT(esimlpa_eid_get(ctx, NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_euicc_info1_get(ctx, NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_euicc_info2_get(ctx, NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_configured_addresses_get(ctx, NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_profiles_list(ctx, NULL, NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_notifications_list(ctx, 0, NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_notifications_retrieve(ctx, -1, NULL), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_rat_get(ctx, NULL), ESIMLPA_EINVAL);
    CHECK_INT(fake_card_requests(fc), 0);
    /* The free functions are NULL-safe. */
    esimlpa_euicc_info1_free(NULL);
    esimlpa_euicc_info2_free(NULL);
    esimlpa_configured_addresses_free(NULL);
    esimlpa_profile_list_free(NULL);
    esimlpa_notification_list_free(NULL);
    esimlpa_pending_notification_list_free(NULL);
    esimlpa_rat_free(NULL);
}

int main(void)
{
    RUN(t_eid);
    RUN(t_eid_bad_digits);
    RUN(t_info1);
    RUN(t_info2);
    RUN(t_info2_minimal);
    RUN(t_info2_bad_version);
    RUN(t_addresses);
    RUN(t_set_default_dp);
    RUN(t_rat);
    RUN(t_null_outputs);
    t_not_open();
    if (t_failures)
        fprintf(stderr, "%d check(s) failed\n", t_failures);
    return t_failures ? 1 : 0;
}
