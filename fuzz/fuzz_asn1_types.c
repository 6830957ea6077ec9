/* SPDX-License-Identifier: MIT */
/* Every type of asn1/rsp.asn and pkix-stub.asn (and the runtime's primitive
 * types) decoded from hostile DER with the library's strict decoder, then
 * constraint-checked and re-encoded as the library does with values it
 * forwards (issue 11 item 3). In the fuzzing build the asn1c runtime keeps
 * its assert()s, so an assert a card's or server's DER can reach is a crash
 * here. Byte 0 picks the type, the rest is the DER. LoadCRLResponse is
 * left out: its generated header does not compile with -Werror (a struct
 * declared in a parameter list); the library does not use it. */
#include <stdlib.h>

#include "asn1util/asn1util.h"

#include <ANY.h>
#include <AuthenticateErrorCode.h>
#include <AuthenticateResponseError.h>
#include <AuthenticateResponseOk.h>
#include <AuthenticateServerRequest.h>
#include <AuthenticateServerResponse.h>
#include <BIT_STRING.h>
#include <BOOLEAN.h>
#include <BoundProfilePackage.h>
#include <BppCommandId.h>
#include <BppSegment86.h>
#include <BppSegment87.h>
#include <BppSegment88.h>
#include <CancelSessionReason.h>
#include <CancelSessionRequest.h>
#include <CancelSessionResponse.h>
#include <CancelSessionResponseOk.h>
#include <Certificate.h>
#include <CertificateList.h>
#include <CertificationDataObject.h>
#include <ConfigureISDPRequest.h>
#include <ControlRefTemplate.h>
#include <CtxParams1.h>
#include <CtxParamsForCommonAuthentication.h>
#include <DeleteProfileRequest.h>
#include <DeleteProfileResponse.h>
#include <DeviceCapabilities.h>
#include <DeviceInfo.h>
#include <DisableProfileRequest.h>
#include <DisableProfileResponse.h>
#include <DownloadErrorCode.h>
#include <DpProprietaryData.h>
#include <EUICCInfo1.h>
#include <EUICCInfo2.h>
#include <EUICCSigned2.h>
#include <EnableProfileRequest.h>
#include <EnableProfileResponse.h>
#include <ErrorReason.h>
#include <ErrorResult.h>
#include <EuiccCancelSessionSigned.h>
#include <EuiccConfiguredAddressesRequest.h>
#include <EuiccConfiguredAddressesResponse.h>
#include <EuiccMemoryResetRequest.h>
#include <EuiccMemoryResetResponse.h>
#include <EuiccSigned1.h>
#include <EventEntries.h>
#include <GetEuiccChallengeRequest.h>
#include <GetEuiccChallengeResponse.h>
#include <GetEuiccDataRequest.h>
#include <GetEuiccDataResponse.h>
#include <GetEuiccInfo1Request.h>
#include <GetEuiccInfo2Request.h>
#include <GetRatRequest.h>
#include <GetRatResponse.h>
#include <Iccid.h>
#include <IconType.h>
#include <InitialiseSecureChannelRequest.h>
#include <ListNotificationRequest.h>
#include <ListNotificationResponse.h>
#include <LoadCRLRequest.h>
#include <NativeInteger.h>
#include <NotificationConfigurationInformation.h>
#include <NotificationEvent.h>
#include <NotificationMetadata.h>
#include <NotificationSentRequest.h>
#include <NotificationSentResponse.h>
#include <OBJECT_IDENTIFIER.h>
#include <OCTET_STRING.h>
#include <Octet1.h>
#include <Octet16.h>
#include <Octet32.h>
#include <Octet4.h>
#include <Octet8.h>
#include <OctetTo16.h>
#include <OperatorId.h>
#include <OtherSignedNotification.h>
#include <PendingNotification.h>
#include <PprIds.h>
#include <PrepareDownloadRequest.h>
#include <PrepareDownloadResponse.h>
#include <PrepareDownloadResponseError.h>
#include <PrepareDownloadResponseOk.h>
#include <ProfileClass.h>
#include <ProfileInfo.h>
#include <ProfileInfoListError.h>
#include <ProfileInfoListRequest.h>
#include <ProfileInfoListResponse.h>
#include <ProfileInstallationResult.h>
#include <ProfileInstallationResultData.h>
#include <ProfilePolicyAuthorisationRule.h>
#include <ProfileState.h>
#include <RemoteOpId.h>
#include <ReplaceSessionKeysRequest.h>
#include <RetrieveNotificationsListRequest.h>
#include <RetrieveNotificationsListResponse.h>
#include <RspCapability.h>
#include <RulesAuthorisationTable.h>
#include <ServerSigned1.h>
#include <SetDefaultDpAddressRequest.h>
#include <SetDefaultDpAddressResponse.h>
#include <SetNicknameRequest.h>
#include <SetNicknameResponse.h>
#include <SmdpSigned2.h>
#include <StoreMetadataRequest.h>
#include <SubjectKeyIdentifier.h>
#include <SuccessResult.h>
#include <TransactionId.h>
#include <UICCCapability.h>
#include <UTF8String.h>
#include <UTF8String64.h>
#include <VendorSpecificExtension.h>
#include <VersionType.h>

static asn_TYPE_descriptor_t *const types[] = {
    &asn_DEF_ANY,
    &asn_DEF_AuthenticateErrorCode,
    &asn_DEF_AuthenticateResponseError,
    &asn_DEF_AuthenticateResponseOk,
    &asn_DEF_AuthenticateServerRequest,
    &asn_DEF_AuthenticateServerResponse,
    &asn_DEF_BIT_STRING,
    &asn_DEF_BOOLEAN,
    &asn_DEF_BoundProfilePackage,
    &asn_DEF_BppCommandId,
    &asn_DEF_BppSegment86,
    &asn_DEF_BppSegment87,
    &asn_DEF_BppSegment88,
    &asn_DEF_CancelSessionReason,
    &asn_DEF_CancelSessionRequest,
    &asn_DEF_CancelSessionResponse,
    &asn_DEF_CancelSessionResponseOk,
    &asn_DEF_Certificate,
    &asn_DEF_CertificateList,
    &asn_DEF_CertificationDataObject,
    &asn_DEF_ConfigureISDPRequest,
    &asn_DEF_ControlRefTemplate,
    &asn_DEF_CtxParams1,
    &asn_DEF_CtxParamsForCommonAuthentication,
    &asn_DEF_DeleteProfileRequest,
    &asn_DEF_DeleteProfileResponse,
    &asn_DEF_DeviceCapabilities,
    &asn_DEF_DeviceInfo,
    &asn_DEF_DisableProfileRequest,
    &asn_DEF_DisableProfileResponse,
    &asn_DEF_DownloadErrorCode,
    &asn_DEF_DpProprietaryData,
    &asn_DEF_EUICCInfo1,
    &asn_DEF_EUICCInfo2,
    &asn_DEF_EUICCSigned2,
    &asn_DEF_EnableProfileRequest,
    &asn_DEF_EnableProfileResponse,
    &asn_DEF_ErrorReason,
    &asn_DEF_ErrorResult,
    &asn_DEF_EuiccCancelSessionSigned,
    &asn_DEF_EuiccConfiguredAddressesRequest,
    &asn_DEF_EuiccConfiguredAddressesResponse,
    &asn_DEF_EuiccMemoryResetRequest,
    &asn_DEF_EuiccMemoryResetResponse,
    &asn_DEF_EuiccSigned1,
    &asn_DEF_EventEntries,
    &asn_DEF_GetEuiccChallengeRequest,
    &asn_DEF_GetEuiccChallengeResponse,
    &asn_DEF_GetEuiccDataRequest,
    &asn_DEF_GetEuiccDataResponse,
    &asn_DEF_GetEuiccInfo1Request,
    &asn_DEF_GetEuiccInfo2Request,
    &asn_DEF_GetRatRequest,
    &asn_DEF_GetRatResponse,
    &asn_DEF_Iccid,
    &asn_DEF_IconType,
    &asn_DEF_InitialiseSecureChannelRequest,
    &asn_DEF_ListNotificationRequest,
    &asn_DEF_ListNotificationResponse,
    &asn_DEF_LoadCRLRequest,
    &asn_DEF_NativeInteger,
    &asn_DEF_NotificationConfigurationInformation,
    &asn_DEF_NotificationEvent,
    &asn_DEF_NotificationMetadata,
    &asn_DEF_NotificationSentRequest,
    &asn_DEF_NotificationSentResponse,
    &asn_DEF_OBJECT_IDENTIFIER,
    &asn_DEF_OCTET_STRING,
    &asn_DEF_Octet1,
    &asn_DEF_Octet16,
    &asn_DEF_Octet32,
    &asn_DEF_Octet4,
    &asn_DEF_Octet8,
    &asn_DEF_OctetTo16,
    &asn_DEF_OperatorId,
    &asn_DEF_OtherSignedNotification,
    &asn_DEF_PendingNotification,
    &asn_DEF_PprIds,
    &asn_DEF_PrepareDownloadRequest,
    &asn_DEF_PrepareDownloadResponse,
    &asn_DEF_PrepareDownloadResponseError,
    &asn_DEF_PrepareDownloadResponseOk,
    &asn_DEF_ProfileClass,
    &asn_DEF_ProfileInfo,
    &asn_DEF_ProfileInfoListError,
    &asn_DEF_ProfileInfoListRequest,
    &asn_DEF_ProfileInfoListResponse,
    &asn_DEF_ProfileInstallationResult,
    &asn_DEF_ProfileInstallationResultData,
    &asn_DEF_ProfilePolicyAuthorisationRule,
    &asn_DEF_ProfileState,
    &asn_DEF_RemoteOpId,
    &asn_DEF_ReplaceSessionKeysRequest,
    &asn_DEF_RetrieveNotificationsListRequest,
    &asn_DEF_RetrieveNotificationsListResponse,
    &asn_DEF_RspCapability,
    &asn_DEF_RulesAuthorisationTable,
    &asn_DEF_ServerSigned1,
    &asn_DEF_SetDefaultDpAddressRequest,
    &asn_DEF_SetDefaultDpAddressResponse,
    &asn_DEF_SetNicknameRequest,
    &asn_DEF_SetNicknameResponse,
    &asn_DEF_SmdpSigned2,
    &asn_DEF_StoreMetadataRequest,
    &asn_DEF_SubjectKeyIdentifier,
    &asn_DEF_SuccessResult,
    &asn_DEF_TransactionId,
    &asn_DEF_UICCCapability,
    &asn_DEF_UTF8String,
    &asn_DEF_UTF8String64,
    &asn_DEF_VendorSpecificExtension,
    &asn_DEF_VersionType,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    asn_TYPE_descriptor_t *td = types[data[0] % (sizeof types / sizeof types[0])];
    void *s = NULL;
    if (esimlpa__der_decode(td, &s, data + 1, size - 1) != 0) {
        if (s)
            abort(); /* a refused input leaves nothing behind */
        return 0;
    }
    uint8_t *out = NULL;
    size_t out_len = 0;
    if (esimlpa__der_encode(td, s, &out, &out_len) == 0) {
        /* Our own encoding of an accepted value must decode again. */
        void *again = NULL;
        if (esimlpa__der_decode(td, &again, out, out_len) != 0)
            abort();
        ASN_STRUCT_FREE(*td, again);
        free(out);
    }
    ASN_STRUCT_FREE(*td, s);
    return 0;
}
