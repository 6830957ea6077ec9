/* SPDX-License-Identifier: MIT */
/* ES10c profile operations (SGP.22 §5.7.16 EnableProfile, §5.7.17
 * DisableProfile, §5.7.18 DeleteProfile, §5.7.19 eUICCMemoryReset,
 * §5.7.21 SetNickname). Each eUICC result code maps to its own error. */
#include <stdlib.h>
#include <string.h>

#include <DeleteProfileRequest.h>
#include <DeleteProfileResponse.h>
#include <DisableProfileRequest.h>
#include <DisableProfileResponse.h>
#include <EnableProfileRequest.h>
#include <EnableProfileResponse.h>
#include <EuiccMemoryResetRequest.h>
#include <EuiccMemoryResetResponse.h>
#include <SetNicknameRequest.h>
#include <SetNicknameResponse.h>

#include "es10_common.h"
#include "../asn1util/asn1util.h"
#include "util/util_internal.h"

#define NICKNAME_MAX 64   /* bytes of UTF-8 (es10.h contract) */

static const struct esimlpa__result_map enable_results[] = {
    { 1, ESIMLPA_EICCID_OR_AID_NOT_FOUND, "iccidOrAidNotFound" },
    { 2, ESIMLPA_EPROFILE_NOT_DISABLED, "profileNotInDisabledState" },
    { 3, ESIMLPA_EDISALLOWED_BY_POLICY, "disallowedByPolicy" },
    { 4, ESIMLPA_EWRONG_PROFILE_REENABLING, "wrongProfileReenabling" },
    { 5, ESIMLPA_ECAT_BUSY, "catBusy" },
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static const struct esimlpa__result_map disable_results[] = {
    { 1, ESIMLPA_EICCID_OR_AID_NOT_FOUND, "iccidOrAidNotFound" },
    { 2, ESIMLPA_EPROFILE_NOT_ENABLED, "profileNotInEnabledState" },
    { 3, ESIMLPA_EDISALLOWED_BY_POLICY, "disallowedByPolicy" },
    { 5, ESIMLPA_ECAT_BUSY, "catBusy" },
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static const struct esimlpa__result_map delete_results[] = {
    { 1, ESIMLPA_EICCID_OR_AID_NOT_FOUND, "iccidOrAidNotFound" },
    { 2, ESIMLPA_EPROFILE_NOT_DISABLED, "profileNotInDisabledState" },
    { 3, ESIMLPA_EDISALLOWED_BY_POLICY, "disallowedByPolicy" },
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static const struct esimlpa__result_map reset_results[] = {
    { 1, ESIMLPA_ENOTHING_TO_DELETE, "nothingToDelete" },
    { 5, ESIMLPA_ECAT_BUSY, "catBusy" },
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static const struct esimlpa__result_map nickname_results[] = {
    { 1, ESIMLPA_EICCID_NOT_FOUND, "iccidNotFound" },
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

/* Enable and Disable share their request shape:
 * BF31|BF32 { A0 { 5A iccid | 4F isdpAid }, 81 refreshFlag }. The two
 * generated types have identical layouts, so one builder fills either. */
#define FILL_SWITCH_REQ(req, prefix, idbuf, idlen, is_aid, refresh)                   \
    do {                                                                                \
        memset(&(req), 0, sizeof(req));                                                 \
        if (is_aid) {                                                                   \
            (req).profileIdentifier.present = prefix##__profileIdentifier_PR_isdpAid;   \
            (req).profileIdentifier.choice.isdpAid.buf = (idbuf);                       \
            (req).profileIdentifier.choice.isdpAid.size = (int)(idlen);                 \
        } else {                                                                        \
            (req).profileIdentifier.present = prefix##__profileIdentifier_PR_iccid;     \
            (req).profileIdentifier.choice.iccid.buf = (idbuf);                         \
            (req).profileIdentifier.choice.iccid.size = (int)(idlen);                   \
        }                                                                               \
        (req).refreshFlag = (refresh) ? 1 : 0;                                          \
    } while (0)

int esimlpa_profile_enable(esimlpa_ctx *ctx, const struct esimlpa_profile_id *id, int refresh)
{
    static const char what[] = "EnableProfile";
    uint8_t idbuf[ESIMLPA_AID_MAX];
    size_t idlen;
    int is_aid;
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK ||
        (rc = esimlpa__es10_profile_id(ctx, what, id, idbuf, &idlen, &is_aid)) != ESIMLPA_OK)
        return rc;
    EnableProfileRequest_t req;
    FILL_SWITCH_REQ(req, EnableProfileRequest, idbuf, idlen, is_aid, refresh);
    EnableProfileResponse_t *r = NULL;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_EnableProfileRequest, &req, 0xBF31,
                            &asn_DEF_EnableProfileResponse, (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_result(ctx, what, r->enableResult, enable_results);
    ASN_STRUCT_FREE(asn_DEF_EnableProfileResponse, r);
    /* refreshFlag TRUE: the eUICC asks the terminal for a REFRESH (SGP.22
     * §3.2.1, §3.2.2; a UICC reset) and may refuse commands until then. */
    if (rc == ESIMLPA_OK && refresh)
        ctx->needs_reopen = ESIMLPA__REOPEN_REFRESH;
    return rc;
}

int esimlpa_profile_disable(esimlpa_ctx *ctx, const struct esimlpa_profile_id *id, int refresh)
{
    static const char what[] = "DisableProfile";
    uint8_t idbuf[ESIMLPA_AID_MAX];
    size_t idlen;
    int is_aid;
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK ||
        (rc = esimlpa__es10_profile_id(ctx, what, id, idbuf, &idlen, &is_aid)) != ESIMLPA_OK)
        return rc;
    DisableProfileRequest_t req;
    FILL_SWITCH_REQ(req, DisableProfileRequest, idbuf, idlen, is_aid, refresh);
    DisableProfileResponse_t *r = NULL;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_DisableProfileRequest, &req, 0xBF32,
                            &asn_DEF_DisableProfileResponse, (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_result(ctx, what, r->disableResult, disable_results);
    ASN_STRUCT_FREE(asn_DEF_DisableProfileResponse, r);
    /* refreshFlag TRUE: the eUICC asks the terminal for a REFRESH (SGP.22
     * §3.2.1, §3.2.2; a UICC reset) and may refuse commands until then. */
    if (rc == ESIMLPA_OK && refresh)
        ctx->needs_reopen = ESIMLPA__REOPEN_REFRESH;
    return rc;
}

int esimlpa_profile_delete(esimlpa_ctx *ctx, const struct esimlpa_profile_id *id)
{
    static const char what[] = "DeleteProfile";
    uint8_t idbuf[ESIMLPA_AID_MAX];
    size_t idlen;
    int is_aid;
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK ||
        (rc = esimlpa__es10_profile_id(ctx, what, id, idbuf, &idlen, &is_aid)) != ESIMLPA_OK)
        return rc;
    /* BF33 { 5A iccid | 4F isdpAid }: a CHOICE, no A0 and no refreshFlag. */
    DeleteProfileRequest_t req;
    memset(&req, 0, sizeof req);
    if (is_aid) {
        req.present = DeleteProfileRequest_PR_isdpAid;
        req.choice.isdpAid.buf = idbuf;
        req.choice.isdpAid.size = (int)idlen;
    } else {
        req.present = DeleteProfileRequest_PR_iccid;
        req.choice.iccid.buf = idbuf;
        req.choice.iccid.size = (int)idlen;
    }
    DeleteProfileResponse_t *r = NULL;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_DeleteProfileRequest, &req, 0xBF33,
                            &asn_DEF_DeleteProfileResponse, (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_result(ctx, what, r->deleteResult, delete_results);
    ASN_STRUCT_FREE(asn_DEF_DeleteProfileResponse, r);
    return rc;
}

/* 1 if s[0..n) is well-formed UTF-8 (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF). */
static int utf8_valid(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint8_t c = s[i];
        size_t k;
        uint32_t cp;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            k = 1; cp = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2; cp = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3; cp = c & 0x07u;
        } else {
            return 0;
        }
        if (n - i - 1 < k)
            return 0;
        for (size_t j = 1; j <= k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3Fu);
        }
        if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k + 1;
    }
    return 1;
}

int esimlpa_profile_nickname_set(esimlpa_ctx *ctx, const char *iccid, const char *nickname)
{
    static const char what[] = "SetNickname";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    uint8_t iccid_bytes[10];
    if (!iccid || !nickname)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: %s is NULL", what,
                             iccid ? "nickname" : "ICCID");
    if (esimlpa_iccid_encode(iccid, iccid_bytes) != ESIMLPA_OK)
        return esimlpa__fail(ctx, ESIMLPA_EBADICCID, "%s: malformed ICCID \"%.24s\"",
                             what, iccid);
    size_t n = strlen(nickname);
    if (n > NICKNAME_MAX)
        return esimlpa__fail(ctx, ESIMLPA_ETOOLONG, "%s: nickname of %zu bytes (at most %d)",
                             what, n, NICKNAME_MAX);
    /* SGP.22 profileNickname is a UTF8String shown to the user by every LPA:
     * no control characters (escape sequences, new lines) on the card. */
    if (esimlpa__text_has_controls(nickname, n))
        return esimlpa__fail(ctx, ESIMLPA_EBADTEXT, "%s: nickname %s", what,
                             utf8_valid((const uint8_t *)nickname, n)
                                 ? "holds control characters"
                                 : "is not valid UTF-8");
    /* BF29 { 5A iccid, 90 nickname }; "" clears it (notes §10.4). */
    SetNicknameRequest_t req;
    memset(&req, 0, sizeof req);
    req.iccid.buf = iccid_bytes;
    req.iccid.size = 10;
    req.profileNickname.buf = (uint8_t *)nickname;
    req.profileNickname.size = (int)n;
    SetNicknameResponse_t *r = NULL;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_SetNicknameRequest, &req, 0xBF29,
                            &asn_DEF_SetNicknameResponse, (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_result(ctx, what, r->setNicknameResult, nickname_results);
    ASN_STRUCT_FREE(asn_DEF_SetNicknameResponse, r);
    return rc;
}

int esimlpa_euicc_memory_reset(esimlpa_ctx *ctx, unsigned options)
{
    static const char what[] = "eUICCMemoryReset";
    const unsigned all = ESIMLPA_RESET_OPERATIONAL_PROFILES | ESIMLPA_RESET_TEST_PROFILES |
                         ESIMLPA_RESET_DEFAULT_DP_ADDRESS;
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (options == 0 || (options & ~all))
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: reset options 0x%X (valid: 0x1..0x%X)",
                             what, options, all);
    /* BF34 { 82 resetOptions }: DER-minimal named bits (operational + test:
     * 82 02 06 C0; all three: 82 02 05 E0). */
    EuiccMemoryResetRequest_t req;
    memset(&req, 0, sizeof req);
    if (esimlpa__bits_set(&req.resetOptions, options, 3) != 0)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    EuiccMemoryResetResponse_t *r = NULL;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_EuiccMemoryResetRequest, &req, 0xBF34,
                            &asn_DEF_EuiccMemoryResetResponse, (void **)&r, NULL, NULL);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_EuiccMemoryResetRequest, &req);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_result(ctx, what, r->resetResult, reset_results);
    ASN_STRUCT_FREE(asn_DEF_EuiccMemoryResetResponse, r);
    return rc;
}
