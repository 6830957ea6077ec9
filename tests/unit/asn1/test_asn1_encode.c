/* SPDX-License-Identifier: MIT */
/* Encoding ES10 requests and comparing with known bytes (sgp22-notes §4.3,
 * §9, Appendix A), then decoding them back.
 *
 * BIT STRING choice: esimlpa__bits_set() writes DER (X.690 §11.2.2,
 * trailing zero bits removed, unused-bits count to match). So the install
 * filter is 81 02 07 80 (pySim), not euicc-go's 81 02 04 80, and the
 * eUICCMemoryReset of bits 0+1 is 82 02 06 C0, not euicc-go's 82 02 05 C0.
 * Both forms carry the same first data octet, which is what eUICCs and
 * LPAs test (notes §9); decoders here ignore the count. */
#include <DeleteProfileRequest.h>
#include <EnableProfileRequest.h>
#include <EuiccMemoryResetRequest.h>
#include <GetEuiccDataRequest.h>
#include <ListNotificationRequest.h>
#include <NotificationEvent.h>
#include <NotificationSentRequest.h>
#include <ProfileInfoListRequest.h>
#include <RetrieveNotificationsListRequest.h>
#include <SetDefaultDpAddressRequest.h>
#include <SetNicknameRequest.h>

#include "asn1_test_util.h"

#define ICCID_ZERO "00000000000000000000"
/* 89000123456789012341 in EF.ICCID coding (notes §10.5) */
#define ICCID_PYSIM "98001032547698103214"

static void set_os(OCTET_STRING_t *os, const char *hexstr)
{
    size_t n;
    uint8_t *b = hex(hexstr, &n);
    CHECK(OCTET_STRING_fromBuf(os, (const char *)b, (int)n) == 0);
    free(b);
}

/* Encode, compare, decode the expected bytes back and compare again. */
static void roundtrip(const asn_TYPE_descriptor_t *td, void *v, const char *want)
{
    CHECK(encodes_to(td, v, want));
    void *back = decode_strict(td, want);
    CHECK(back != NULL);
    if (back) {
        CHECK(reencodes_same(td, back, want));
        ASN_STRUCT_FREE(*(asn_TYPE_descriptor_t *)td, back);
    }
}

static void test_geteid(void)
{
    GetEuiccDataRequest_t r;
    memset(&r, 0, sizeof r);
    set_os(&r.tagList, "5A");
    roundtrip(&asn_DEF_GetEuiccDataRequest, &r, "BF3E035C015A");
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_GetEuiccDataRequest, &r);
}

static void test_enable_delete(void)
{
    EnableProfileRequest_t e;
    memset(&e, 0, sizeof e);
    e.profileIdentifier.present = EnableProfileRequest__profileIdentifier_PR_iccid;
    set_os(&e.profileIdentifier.choice.iccid, ICCID_ZERO);
    e.refreshFlag = 0;
    roundtrip(&asn_DEF_EnableProfileRequest, &e, "BF3111A00C5A0A" ICCID_ZERO "810100");
    e.refreshFlag = 1; /* TRUE is FF in DER */
    CHECK(encodes_to(&asn_DEF_EnableProfileRequest, &e, "BF3111A00C5A0A" ICCID_ZERO "8101FF"));
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_EnableProfileRequest, &e);

    /* by ISD-P AID */
    memset(&e, 0, sizeof e);
    e.profileIdentifier.present = EnableProfileRequest__profileIdentifier_PR_isdpAid;
    set_os(&e.profileIdentifier.choice.isdpAid, "A0000005591010FFFFFFFF8900001100");
    roundtrip(&asn_DEF_EnableProfileRequest, &e,
              "BF3117A0124F10A0000005591010FFFFFFFF8900001100810100");
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_EnableProfileRequest, &e);

    /* a 9-byte ICCID violates Iccid SIZE(10): refused before encoding */
    memset(&e, 0, sizeof e);
    e.profileIdentifier.present = EnableProfileRequest__profileIdentifier_PR_iccid;
    set_os(&e.profileIdentifier.choice.iccid, "000000000000000000");
    uint8_t *out = NULL;
    size_t n = 0;
    CHECK(esimlpa__der_encode(&asn_DEF_EnableProfileRequest, &e, &out, &n) == -1 && !out);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_EnableProfileRequest, &e);

    DeleteProfileRequest_t d;
    memset(&d, 0, sizeof d);
    d.present = DeleteProfileRequest_PR_iccid;
    set_os(&d.choice.iccid, ICCID_PYSIM);
    roundtrip(&asn_DEF_DeleteProfileRequest, &d, "BF330C5A0A" ICCID_PYSIM);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_DeleteProfileRequest, &d);
}

static void test_memory_reset(void)
{
    EuiccMemoryResetRequest_t r;
    memset(&r, 0, sizeof r);
    CHECK(esimlpa__bits_set(&r.resetOptions,
        1u << EuiccMemoryResetRequest__resetOptions_deleteOperationalProfiles |
        1u << EuiccMemoryResetRequest__resetOptions_deleteFieldLoadedTestProfiles, 3) == 0);
    roundtrip(&asn_DEF_EuiccMemoryResetRequest, &r, "BF3404820206C0");
    /* all three bits: lpac's bytes, which are DER too */
    CHECK(esimlpa__bits_set(&r.resetOptions, 7u, 3) == 0);
    roundtrip(&asn_DEF_EuiccMemoryResetRequest, &r, "BF3404820205E0");
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_EuiccMemoryResetRequest, &r);

    /* euicc-go's 05 C0 decodes to the same two bits */
    EuiccMemoryResetRequest_t *p = decode_strict(&asn_DEF_EuiccMemoryResetRequest, "BF3404820205C0");
    CHECK(p && esimlpa__bits_get(&p->resetOptions) == 3u);
    if (p)
        ASN_STRUCT_FREE(asn_DEF_EuiccMemoryResetRequest, p);
}

static void test_nickname(void)
{
    SetNicknameRequest_t r;
    memset(&r, 0, sizeof r);
    set_os(&r.iccid, ICCID_PYSIM);
    CHECK(OCTET_STRING_fromBuf(&r.profileNickname, "My \xC3\xA9SIM", -1) == 0);
    roundtrip(&asn_DEF_SetNicknameRequest, &r, "BF29165A0A" ICCID_PYSIM "9008" "4D7920C3A9" "53494D");
    /* empty nickname is allowed (notes §10.4) */
    CHECK(OCTET_STRING_fromBuf(&r.profileNickname, "", 0) == 0);
    roundtrip(&asn_DEF_SetNicknameRequest, &r, "BF290E5A0A" ICCID_PYSIM "9000");
    /* 65 bytes exceed SIZE(0..64) */
    char longname[66];
    memset(longname, 'x', 65);
    longname[65] = 0;
    CHECK(OCTET_STRING_fromBuf(&r.profileNickname, longname, -1) == 0);
    uint8_t *out = NULL;
    size_t n = 0;
    CHECK(esimlpa__der_encode(&asn_DEF_SetNicknameRequest, &r, &out, &n) == -1);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_SetNicknameRequest, &r);
}

static void test_notifications(void)
{
    RetrieveNotificationsListRequest_t r;
    memset(&r, 0, sizeof r);
    roundtrip(&asn_DEF_RetrieveNotificationsListRequest, &r, "BF2B00");
    r.searchCriteria = calloc(1, sizeof *r.searchCriteria);
    r.searchCriteria->present = RetrieveNotificationsListRequest__searchCriteria_PR_seqNumber;
    r.searchCriteria->choice.seqNumber = 1L << 30;
    roundtrip(&asn_DEF_RetrieveNotificationsListRequest, &r, "BF2B08A00680044000" "0000");
    r.searchCriteria->choice.seqNumber = 0; /* seqNumber 0 is valid (notes §9) */
    roundtrip(&asn_DEF_RetrieveNotificationsListRequest, &r, "BF2B05A003800100");
    r.searchCriteria->choice.seqNumber = 128;
    roundtrip(&asn_DEF_RetrieveNotificationsListRequest, &r, "BF2B06A00480020080");
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_RetrieveNotificationsListRequest, &r);

    NotificationSentRequest_t s = { .seqNumber = 5 };
    roundtrip(&asn_DEF_NotificationSentRequest, &s, "BF3003800105");
    s.seqNumber = 1L << 30;
    roundtrip(&asn_DEF_NotificationSentRequest, &s, "BF30068004" "40000000");

    ListNotificationRequest_t l;
    memset(&l, 0, sizeof l);
    roundtrip(&asn_DEF_ListNotificationRequest, &l, "BF2800");
    l.profileManagementOperation = calloc(1, sizeof *l.profileManagementOperation);
    CHECK(esimlpa__bits_set(l.profileManagementOperation,
                            1u << NotificationEvent_notificationInstall, 4) == 0);
    roundtrip(&asn_DEF_ListNotificationRequest, &l, "BF280481020780");
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ListNotificationRequest, &l);

    /* euicc-go's filter 04 80 still decodes to "install" */
    ListNotificationRequest_t *p = decode_strict(&asn_DEF_ListNotificationRequest, "BF280481020480");
    CHECK(p && p->profileManagementOperation &&
          esimlpa__bits_get(p->profileManagementOperation) == 1u);
    if (p)
        ASN_STRUCT_FREE(asn_DEF_ListNotificationRequest, p);
}

static void test_misc(void)
{
    SetDefaultDpAddressRequest_t a;
    memset(&a, 0, sizeof a);
    CHECK(OCTET_STRING_fromBuf(&a.defaultDpAddress, "example.com", -1) == 0);
    roundtrip(&asn_DEF_SetDefaultDpAddressRequest, &a, "BF3F0D800B6578616D706C652E636F6D");
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_SetDefaultDpAddressRequest, &a);

    /* GetProfilesInfo with euicc-go's tag list (notes §4.3) */
    ProfileInfoListRequest_t g;
    memset(&g, 0, sizeof g);
    roundtrip(&asn_DEF_ProfileInfoListRequest, &g, "BF2D00");
    g.tagList = calloc(1, sizeof *g.tagList);
    set_os(g.tagList, "5A4F9F70909192939495B7");
    roundtrip(&asn_DEF_ProfileInfoListRequest, &g, "BF2D0D5C0B5A4F9F70909192939495B7");
    g.searchCriteria = calloc(1, sizeof *g.searchCriteria);
    g.searchCriteria->present = ProfileInfoListRequest__searchCriteria_PR_iccid;
    set_os(&g.searchCriteria->choice.iccid, ICCID_PYSIM);
    roundtrip(&asn_DEF_ProfileInfoListRequest, &g,
              "BF2D1BA00C5A0A" ICCID_PYSIM "5C0B5A4F9F70909192939495B7");
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_ProfileInfoListRequest, &g);
}

int main(void)
{
    test_geteid();
    test_enable_delete();
    test_memory_reset();
    test_nickname();
    test_notifications();
    test_misc();
    if (failures) {
        fprintf(stderr, "test_asn1_encode: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_asn1_encode: ok\n");
    return 0;
}
