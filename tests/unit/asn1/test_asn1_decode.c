/* SPDX-License-Identifier: MIT */
/* Decoding real-shaped eUICC responses (sgp22-notes §4.3, §6.5, §9, §10):
 * values, unknown-TLV skipping (EXTENSIBILITY IMPLIED, runtime patch 0001),
 * rejection of truncated input and trailing bytes, and DER re-encoding. */
#include <AuthenticateServerResponse.h>
#include <BoundProfilePackage.h>
#include <EUICCInfo1.h>
#include <InitialiseSecureChannelRequest.h>
#include <ControlRefTemplate.h>
#include <NotificationSentRequest.h>
#include <EUICCInfo2.h>
#include <ListNotificationResponse.h>
#include <ProfileInfoListResponse.h>
#include <ProfileInstallationResult.h>
#include <RetrieveNotificationsListResponse.h>
#include <StoreMetadataRequest.h>
#include <NotificationConfigurationInformation.h>
#include <OperatorId.h>
#include <CertificationDataObject.h>
#include <OtherSignedNotification.h>
#include <PendingNotification.h>
#include <ProfileInfo.h>
#include <VendorSpecificExtension.h>

#include "asn1_test_util.h"

/* Test vectors; built with a small TLV script from the field values in
 * sgp22-notes (lengths computed, not typed). */
static const char V_euiccinfo2[] = "BF227D810302030182030203008303230623840D810108820400045BF8830224198505067F36F3C086030F0100870302030088020398A9160414F54172BDF98A95D65CBEB88A38A1C11D800A85C3AA160414F54172BDF98A95D65CBEB88A38A1C11D800A85C39902064004030100000C0F5359534D4F434F4D2D544553542D31";
static const char V_euiccinfo2_ext[] = "BF2281A7810302030182030203008303230623840D810108820400045BF8830224198505067F36F3C086030F0100870302030088020398A9160414F54172BDF98A95D65CBEB88A38A1C11D800A85C3AA160414F54172BDF98A95D65CBEB88A38A1C11D800A85C38B01019902064004030100000C0F5359534D4F434F4D2D544553542D31AC188002504C811268747470733A2F2F64732E6578616D706C658D020680AE030C0178BF300100";
static const char V_profiles[] = "BF2D82014AA0820146E31C5A0A98001032547698103214BF76009F7001019004686F6D65950102E381BC5A0A985832242042482669644F10A0000005591010FFFFFFFF89000011009F7001009106434D4C494E4B9207434D495F474453B61A3018800204708112636F6E73756D65722E7273702E776F726C64B71D800354F421810AFFFFFFFFFFFFFFFFFFFF820AFFFFFFFFFFFFFFFFFFFF99020640BF220D300B80032A0304A10404020102BF7633E231E123C1141111111111111111111111111111111111111111CA0B636F6D2E6578616D706C65E30ADB0800000000000000019F7B01FFE3675A0A989444999999990930F19F7F01AABF7633E231E123C1141111111111111111111111111111111111111111CA0B636F6D2E6578616D706C65E30ADB0800000000000000014F10A0000005591010FFFFFFFF89000012009F7001019209313920646967697473";
static const char V_profiles_dup[] = "BF2D20A01EE31C5A0A980010325476981032149F7001015A0A98001032547698103214";
static const char V_profiles_err[] = "BF2D0381017F";
static const char V_metadata_cmlink[] = "BF25818E5A0A985832242042482669649106434D4C494E4B9207434D495F474453B61A3018800204708112636F6E73756D65722E7273702E776F726C64B71D800354F421810AFFFFFFFFFFFFFFFFFFFF820AFFFFFFFFFFFFFFFFFFFFBF7633E231E123C1141111111111111111111111111111111111111111CA0B636F6D2E6578616D706C65E30ADB080000000000000001";
static const char V_notifs[] = "BF2B820144A0820140BF37819CBF2756801000112233445566778899AABBCCDDEEFFBF2F24800105810207800C0F7273702E6578616D706C652E636F6D5A0A98001032547698103214060388370AA216A0144F10A0000005591010FFFFFFFF890000110004005F37405A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A30819DBF2F27800106810204100C12636F6E73756D65722E7273702E776F726C645A0A985832242042482669645F3740A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A5A530163003020101300A06082A8648CE3D040302030300ABCD30163003020101300A06082A8648CE3D040302030300ABCD";
static const char V_pir_err[] = "BF376ABF2724800101BF2F0F800440000000810204800C03612E62060388370AA208A1068001058101085F374000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";
static const char V_listnotif[] = "BF2853A051BF2F24800105810207800C0F7273702E6578616D706C652E636F6D5A0A98001032547698103214BF2F27800106810204100C12636F6E73756D65722E7273702E776F726C645A0A98583224204248266964";

static const char V_bpp[] = "BF3682028EBF2381B6820101801000112233445566778899AABBCCDDEEFFA61880018881011084107273702E696E66696E656F6E2E636F6D5F494104111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111115F374022222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222222A01A8718333333333333333333333333333333333333333333333333A136882844444444444444444444444444444444444444444444444444444444444444444444444444444444880A45454545454545454545A22A872855555555555555555555555555555555555555555555555555555555555555555555555555555555A38201508682012C666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666666861E676767676767676767676767676767676767676767676767676767676767";

/* EUICCInfo1 of a production card (sgp22-notes §4.3, lpac issue #143). */
static const char V_euiccinfo1[] =
    "BF2035820302030" "0A916041481370F5125D0B1D408D4C3B232E6D25E795BEBFB"
    "AA16041481370F5125D0B1D408D4C3B232E6D25E795BEBFB";

static void test_euiccinfo1(void)
{
    EUICCInfo1_t *p = decode_strict(&asn_DEF_EUICCInfo1, V_euiccinfo1);
    CHECK(p != NULL);
    if (!p)
        return;
    CHECK(os_eq(&p->svn, "020300"));
    CHECK(p->euiccCiPKIdListForVerification.list.count == 1);
    CHECK(p->euiccCiPKIdListForSigning.list.count == 1);
    CHECK(os_eq(p->euiccCiPKIdListForSigning.list.array[0],
                "81370F5125D0B1D408D4C3B232E6D25E795BEBFB"));
    CHECK(reencodes_same(&asn_DEF_EUICCInfo1, p, V_euiccinfo1));
    ASN_STRUCT_FREE(asn_DEF_EUICCInfo1, p);
}

static void check_sysmo_info2(const EUICCInfo2_t *p)
{
    CHECK(os_eq(&p->profileVersion, "020301"));
    CHECK(os_eq(&p->svn, "020300"));
    CHECK(os_eq(&p->euiccFirmwareVer, "230623"));
    CHECK(os_eq(&p->extCardResource, "810108820400045BF883022419"));
    CHECK(p->uiccCapability.size == 4 && p->uiccCapability.bits_unused == 6);
    CHECK(p->ts102241Version && os_eq(p->ts102241Version, "0F0100"));
    CHECK(p->globalplatformVersion && os_eq(p->globalplatformVersion, "020300"));
    /* rspCapability 03 98: additionalProfile, testProfileSupport, deviceInfoExt */
    CHECK(esimlpa__bits_get(&p->rspCapability) == (1u | 1u << 3 | 1u << 4));
    CHECK(p->forbiddenProfilePolicyRules && esimlpa__bits_get(p->forbiddenProfilePolicyRules) == 2u);
    CHECK(os_eq(&p->ppVersion, "010000"));
    CHECK(os_str(&p->sasAcreditationNumber, "SYSMOCOM-TEST-1"));
    CHECK(p->euiccCiPKIdListForVerification.list.count == 1);
}

static void test_euiccinfo2(void)
{
    EUICCInfo2_t *p = decode_strict(&asn_DEF_EUICCInfo2, V_euiccinfo2);
    CHECK(p != NULL);
    if (p) {
        check_sysmo_info2(p);
        CHECK(p->euiccCategory == NULL && p->certificationDataObject == NULL);
        CHECK(reencodes_same(&asn_DEF_EUICCInfo2, p, V_euiccinfo2));
        ASN_STRUCT_FREE(asn_DEF_EUICCInfo2, p);
    }
    /* v2.2+ fields we do not model (8D, AE, BF30) are skipped. */
    p = decode_strict(&asn_DEF_EUICCInfo2, V_euiccinfo2_ext);
    CHECK(p != NULL);
    if (p) {
        check_sysmo_info2(p);
        CHECK(p->euiccCategory && *p->euiccCategory == 1);
        CHECK(p->certificationDataObject &&
              os_str(&p->certificationDataObject->discoveryBaseURL, "https://ds.example"));
        ASN_STRUCT_FREE(asn_DEF_EUICCInfo2, p);
    }
}

static void test_profiles(void)
{
    ProfileInfoListResponse_t *r = decode_strict(&asn_DEF_ProfileInfoListResponse, V_profiles);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK(r->present == ProfileInfoListResponse_PR_profileInfoListOk);
    CHECK(r->choice.profileInfoListOk.list.count == 3);
    if (r->choice.profileInfoListOk.list.count == 3) {
        ProfileInfo_t *a = r->choice.profileInfoListOk.list.array[0];
        ProfileInfo_t *b = r->choice.profileInfoListOk.list.array[1];
        ProfileInfo_t *c = r->choice.profileInfoListOk.list.array[2];
        /* E3 { 5A, BF76 00, 9F70 01 01, 90, 95 }: empty BF76 must not
         * hide the members after it (runtime patch 0001). */
        CHECK(a->iccid && os_eq(a->iccid, "98001032547698103214"));
        CHECK(a->profileState && *a->profileState == ProfileState_enabled);
        CHECK(a->profileNickname && os_str(a->profileNickname, "home"));
        CHECK(a->profileClass && *a->profileClass == ProfileClass_operational);
        CHECK(a->refArDo && a->refArDo->list.count == 0);
        /* CMLINK-like: every field, plus BF22, BF76 and an unknown 9F7B. */
        CHECK(b->isdpAid && os_eq(b->isdpAid, "A0000005591010FFFFFFFF8900001100"));
        CHECK(b->profileState && *b->profileState == ProfileState_disabled);
        CHECK(b->serviceProviderName && os_str(b->serviceProviderName, "CMLINK"));
        CHECK(b->profileName && os_str(b->profileName, "CMI_GDS"));
        CHECK(b->profileClass == NULL); /* absent: operational (§11 pitfall 7) */
        CHECK(b->notificationConfigurationInfo &&
              b->notificationConfigurationInfo->list.count == 1);
        if (b->notificationConfigurationInfo && b->notificationConfigurationInfo->list.count == 1) {
            NotificationConfigurationInformation_t *n = b->notificationConfigurationInfo->list.array[0];
            CHECK(esimlpa__bits_get(&n->profileManagementOperation) == 0xEu);
            CHECK(os_str(&n->notificationAddress, "consumer.rsp.world"));
        }
        CHECK(b->profileOwner && os_eq(&b->profileOwner->mccMnc, "54F421"));
        CHECK(b->profileOwner && b->profileOwner->gid1 && b->profileOwner->gid1->size == 10);
        CHECK(b->profilePolicyRules && esimlpa__bits_get(b->profilePolicyRules) == 2u);
        CHECK(b->serviceSpecificDataStoredInEuicc &&
              b->serviceSpecificDataStoredInEuicc->list.count == 1);
        CHECK(b->refArDo && b->refArDo->list.count == 1 &&
              b->refArDo->list.array[0]->size > 2 && b->refArDo->list.array[0]->buf[0] == 0xE2);
        /* 19-digit ICCID, unknown 9F7F before 9F70, BF76 before 4F
         * (out of order): all known members still decoded. */
        CHECK(c->iccid && os_eq(c->iccid, "98944499999999093" "0F1"));
        CHECK(c->isdpAid && os_eq(c->isdpAid, "A0000005591010FFFFFFFF8900001200"));
        CHECK(c->profileState && *c->profileState == ProfileState_enabled);
        CHECK(c->profileName && os_str(c->profileName, "19 digits"));
        CHECK(c->refArDo && c->refArDo->list.count == 1);
    }
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);

    r = decode_strict(&asn_DEF_ProfileInfoListResponse, V_profiles_err);
    CHECK(r && r->present == ProfileInfoListResponse_PR_profileInfoListError &&
          r->choice.profileInfoListError == ProfileInfoListError_undefinedError);
    if (r) {
        CHECK(reencodes_same(&asn_DEF_ProfileInfoListResponse, r, V_profiles_err));
        ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);
    }

    /* A repeated member is malformed, not an extension. */
    size_t n;
    uint8_t *b = hex(V_profiles_dup, &n);
    void *q = NULL;
    CHECK(esimlpa__der_decode(&asn_DEF_ProfileInfoListResponse, &q, b, n) == -1 && q == NULL);
    free(b);
}

static void test_metadata(void)
{
    StoreMetadataRequest_t *m = decode_strict(&asn_DEF_StoreMetadataRequest, V_metadata_cmlink);
    CHECK(m != NULL);
    if (!m)
        return;
    CHECK(os_eq(&m->iccid, "98583224204248266964"));
    CHECK(os_str(&m->serviceProviderName, "CMLINK"));
    CHECK(os_str(&m->profileName, "CMI_GDS"));
    CHECK(m->profileClass == NULL);
    CHECK(m->notificationConfigurationInfo && m->notificationConfigurationInfo->list.count == 1);
    CHECK(m->profileOwner != NULL);
    CHECK(m->refArDo && m->refArDo->list.count == 1);
    /* The whole BF25 survives a decode/encode cycle, BF76 included. */
    CHECK(reencodes_same(&asn_DEF_StoreMetadataRequest, m, V_metadata_cmlink));
    ASN_STRUCT_FREE(asn_DEF_StoreMetadataRequest, m);
}

static void test_notifications(void)
{
    RetrieveNotificationsListResponse_t *r =
        decode_strict(&asn_DEF_RetrieveNotificationsListResponse, V_notifs);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK(r->present == RetrieveNotificationsListResponse_PR_notificationList);
    CHECK(r->choice.notificationList.list.count == 2);
    if (r->choice.notificationList.list.count == 2) {
        PendingNotification_t *a = r->choice.notificationList.list.array[0];
        PendingNotification_t *b = r->choice.notificationList.list.array[1];
        CHECK(a->present == PendingNotification_PR_profileInstallationResult);
        CHECK(b->present == PendingNotification_PR_otherSignedNotification);
        if (a->present == PendingNotification_PR_profileInstallationResult) {
            ProfileInstallationResultData_t *d =
                &a->choice.profileInstallationResult.profileInstallationResultData;
            CHECK(d->notificationMetadata.seqNumber == 5);
            CHECK(esimlpa__bits_get(&d->notificationMetadata.profileManagementOperation) == 1u);
            CHECK(os_str(&d->notificationMetadata.notificationAddress, "rsp.example.com"));
            CHECK(d->smdpOid.size == 3 && memcmp(d->smdpOid.buf, "\x88\x37\x0A", 3) == 0); /* 2.999.10 */
            CHECK(d->finalResult.present == ProfileInstallationResultData__finalResult_PR_successResult);
            CHECK(a->choice.profileInstallationResult.euiccSignPIR.size == 64);
        }
        if (b->present == PendingNotification_PR_otherSignedNotification) {
            OtherSignedNotification_t *o = &b->choice.otherSignedNotification;
            CHECK(o->tbsOtherNotification.seqNumber == 6);
            /* euicc-go style 04 10: delete, unused count ignored */
            CHECK(esimlpa__bits_get(&o->tbsOtherNotification.profileManagementOperation) == 8u);
            CHECK(o->tbsOtherNotification.iccid != NULL);
            CHECK(o->euiccNotificationSignature.size == 64);
        }
    }
    CHECK(reencodes_same(&asn_DEF_RetrieveNotificationsListResponse, r, V_notifs));
    ASN_STRUCT_FREE(asn_DEF_RetrieveNotificationsListResponse, r);

    ProfileInstallationResult_t *p = decode_strict(&asn_DEF_ProfileInstallationResult, V_pir_err);
    CHECK(p != NULL);
    if (p) {
        ProfileInstallationResultData_t *d = &p->profileInstallationResultData;
        CHECK(d->notificationMetadata.seqNumber == 1L << 30);
        CHECK(d->notificationMetadata.iccid == NULL);
        CHECK(d->finalResult.present == ProfileInstallationResultData__finalResult_PR_errorResult);
        CHECK(d->finalResult.choice.errorResult.bppCommandId == BppCommandId_replaceSessionKeys + 1);
        CHECK(d->finalResult.choice.errorResult.errorReason == ErrorReason_scp03tSecurityError);
        ASN_STRUCT_FREE(asn_DEF_ProfileInstallationResult, p);
    }

    ListNotificationResponse_t *l = decode_strict(&asn_DEF_ListNotificationResponse, V_listnotif);
    CHECK(l && l->present == ListNotificationResponse_PR_notificationMetadataList);
    if (l) {
        CHECK(l->choice.notificationMetadataList.list.count == 2);
        CHECK(reencodes_same(&asn_DEF_ListNotificationResponse, l, V_listnotif));
        ASN_STRUCT_FREE(asn_DEF_ListNotificationResponse, l);
    }
}

/* Behaviours the ES10 layer must know about (documented by test). */
static void test_edge_cases(void)
{
    /* An unknown PendingNotification alternative (extensible CHOICE) is
     * skipped: the list item is there with present == NOTHING. */
    RetrieveNotificationsListResponse_t *r =
        decode_strict(&asn_DEF_RetrieveNotificationsListResponse, "BF2B05A003BF3F00");
    CHECK(r && r->choice.notificationList.list.count == 1 &&
          r->choice.notificationList.list.array[0]->present == PendingNotification_PR_NOTHING);
    if (r)
        ASN_STRUCT_FREE(asn_DEF_RetrieveNotificationsListResponse, r);

    /* AuthenticateResponseError: the code is a universal INTEGER (02) by
     * the tagging rules (notes §4.1); euicc-go's 81 form is refused. */
    AuthenticateServerResponse_t *a =
        decode_strict(&asn_DEF_AuthenticateServerResponse, "BF380AA1088003010203020107");
    CHECK(a && a->present == AuthenticateServerResponse_PR_authenticateResponseError &&
          a->choice.authenticateResponseError.authenticateErrorCode == AuthenticateErrorCode_ciPKUnknown);
    if (a)
        ASN_STRUCT_FREE(asn_DEF_AuthenticateServerResponse, a);
    size_t n;
    uint8_t *b = hex("BF380AA1088003010203810107", &n);
    void *q = NULL;
    CHECK(esimlpa__der_decode(&asn_DEF_AuthenticateServerResponse, &q, b, n) == -1);
    free(b);

    /* seqNumber beyond long is refused, not truncated. */
    b = hex("BF300B8009010000000000000000", &n);
    CHECK(esimlpa__der_decode(&asn_DEF_NotificationSentRequest, &q, b, n) == -1 && q == NULL);
    free(b);
}

/* BF36 with A2 (ReplaceSessionKeys), two 88 and two 86 (notes §6.1). */
static void test_bpp(void)
{
    BoundProfilePackage_t *b = decode_strict(&asn_DEF_BoundProfilePackage, V_bpp);
    CHECK(b != NULL);
    if (!b)
        return;
    InitialiseSecureChannelRequest_t *isc = &b->initialiseSecureChannelRequest;
    CHECK(isc->remoteOpId == RemoteOpId_installBoundProfilePackage);
    CHECK(os_eq(&isc->transactionId, "00112233445566778899AABBCCDDEEFF"));
    CHECK(os_eq(&isc->controlRefTemplate.keyType, "88"));
    CHECK(os_str(&isc->controlRefTemplate.hostId, "rsp.infineon.com"));
    CHECK(isc->smdpOtpk.size == 65 && isc->smdpSign.size == 64);
    CHECK(b->firstSequenceOf87.list.count == 1 && b->firstSequenceOf87.list.array[0]->size == 24);
    CHECK(b->sequenceOf88.list.count == 2 && b->sequenceOf88.list.array[1]->size == 10);
    CHECK(b->secondSequenceOf87 && b->secondSequenceOf87->list.count == 1);
    CHECK(b->sequenceOf86.list.count == 2 && b->sequenceOf86.list.array[0]->size == 300);
    CHECK(reencodes_same(&asn_DEF_BoundProfilePackage, b, V_bpp));
    ASN_STRUCT_FREE(asn_DEF_BoundProfilePackage, b);
}

int main(void)
{
    test_bpp();
    test_edge_cases();
    test_euiccinfo1();
    test_euiccinfo2();
    test_profiles();
    test_metadata();
    test_notifications();
    if (failures) {
        fprintf(stderr, "test_asn1_decode: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_asn1_decode: ok\n");
    return 0;
}
