/* SPDX-License-Identifier: MIT */
/* ES10c.GetProfilesInfo (SGP.22 §5.7.15): ProfileInfoListRequest (BF2D) with
 * an optional search criterion and tag list; ProfileInfo (E3) entries. */
#include <stdlib.h>
#include <string.h>

#include <NotificationConfigurationInformation.h>
#include <OperatorId.h>
#include <ProfileInfo.h>
#include <ProfileInfoListRequest.h>
#include <ProfileInfoListResponse.h>

#include "es10_common.h"
#include "../asn1util/asn1util.h"

/* UTF8String sizes count characters: allow 4 bytes each. */
#define NICKNAME_MAX_BYTES (64 * 4)
#define SPN_MAX_BYTES (32 * 4)
#define PROFILE_NAME_MAX_BYTES (64 * 4)
#define TAG_LIST_MAX 255

static const struct esimlpa__result_map list_errors[] = {
    { 1, ESIMLPA_EINCORRECT_INPUT, "incorrectInputValues" },
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static void profile_info_clear(struct esimlpa_profile_info *p)
{
    free(p->nickname);
    free(p->service_provider_name);
    free(p->profile_name);
    free(p->icon);
    for (size_t i = 0; i < p->n_notification_configs; i++)
        free(p->notification_configs[i].address);
    free(p->notification_configs);
    memset(p, 0, sizeof *p);
}

void esimlpa_profile_list_free(struct esimlpa_profile_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        profile_info_clear(&list->profiles[i]);
    free(list->profiles);
    free(list);
}

/* Build the request. The search criterion is an explicitly tagged CHOICE
 * (A0 { 5A | 4F | 95 }); the tag list is 5C <concatenated tag bytes>. */
static int build_request(esimlpa_ctx *ctx, const char *what,
                         const struct esimlpa_profile_filter *f,
                         uint8_t **der, size_t *der_len)
{
    ProfileInfoListRequest_t req;
    struct ProfileInfoListRequest__searchCriteria sc;
    OCTET_STRING_t tag_list;
    uint8_t iccid[10], tags[TAG_LIST_MAX];
    size_t n_tag_bytes = 0;
    memset(&req, 0, sizeof req);
    memset(&sc, 0, sizeof sc);
    memset(&tag_list, 0, sizeof tag_list);

    if (f) {
        switch (f->by) {
        case ESIMLPA_FILTER_NONE:
            break;
        case ESIMLPA_FILTER_ICCID:
            if (!memchr(f->iccid, '\0', sizeof f->iccid) ||
                esimlpa_iccid_encode(f->iccid, iccid) != ESIMLPA_OK)
                return esimlpa__fail(ctx, ESIMLPA_EBADICCID, "%s: malformed ICCID in filter",
                                     what);
            sc.present = ProfileInfoListRequest__searchCriteria_PR_iccid;
            sc.choice.iccid.buf = iccid;
            sc.choice.iccid.size = 10;
            req.searchCriteria = &sc;
            break;
        case ESIMLPA_FILTER_AID:
            if (f->aid_len < 1 || f->aid_len > ESIMLPA_AID_MAX)
                return esimlpa__fail(ctx, ESIMLPA_EBADAID, "%s: filter AID of %zu bytes",
                                     what, f->aid_len);
            sc.present = ProfileInfoListRequest__searchCriteria_PR_isdpAid;
            sc.choice.isdpAid.buf = (uint8_t *)f->aid;
            sc.choice.isdpAid.size = (int)f->aid_len;
            req.searchCriteria = &sc;
            break;
        case ESIMLPA_FILTER_CLASS:
            if ((int)f->profile_class < ESIMLPA_CLASS_TEST ||
                (int)f->profile_class > ESIMLPA_CLASS_OPERATIONAL)
                return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: unknown profile class %d",
                                     what, (int)f->profile_class);
            sc.present = ProfileInfoListRequest__searchCriteria_PR_profileClass;
            sc.choice.profileClass = (long)f->profile_class;
            req.searchCriteria = &sc;
            break;
        default:
            return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: unknown filter kind %d",
                                 what, (int)f->by);
        }
        if (f->n_tags && !f->tags)
            return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: tag list is NULL", what);
        for (size_t i = 0; i < f->n_tags; i++) {
            unsigned t = f->tags[i];
            size_t n = t > 0xFFFF ? 3 : t > 0xFF ? 2 : 1;
            if (t == 0 || t > 0xFFFFFF)
                return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: bad tag 0x%X in tag list",
                                     what, t);
            if (n_tag_bytes + n > sizeof tags)
                return esimlpa__fail(ctx, ESIMLPA_ETOOLONG, "%s: tag list too long", what);
            for (size_t k = 0; k < n; k++)
                tags[n_tag_bytes++] = (uint8_t)(t >> (8 * (n - 1 - k)));
        }
        if (n_tag_bytes) {
            tag_list.buf = tags;
            tag_list.size = (int)n_tag_bytes;
            req.tagList = &tag_list;
        }
    }
    /* Stack-owned members: encode only, never ASN_STRUCT_FREE. */
    return esimlpa__es10_encode(ctx, what, &asn_DEF_ProfileInfoListRequest, &req, der, der_len);
}

static int decode_profile(esimlpa_ctx *ctx, const char *what, const ProfileInfo_t *in,
                          struct esimlpa_profile_info *p)
{
    int rc;
    p->icon_type = ESIMLPA_ICON_NONE;
    p->profile_class = ESIMLPA_CLASS_OPERATIONAL;   /* ASN.1 DEFAULT (notes §11 #7) */
    if (in->iccid && (rc = esimlpa__es10_iccid(ctx, what, in->iccid, p->iccid)) != ESIMLPA_OK)
        return rc;
    if (in->isdpAid) {
        if (in->isdpAid->size < 1 || in->isdpAid->size > ESIMLPA_AID_MAX)
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: isdpAid of %d bytes", what,
                                 in->isdpAid->size);
        memcpy(p->aid, in->isdpAid->buf, (size_t)in->isdpAid->size);
        p->aid_len = (size_t)in->isdpAid->size;
    }
    if (in->profileState) {
        if (*in->profileState != 0 && *in->profileState != 1)
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: profileState %ld", what,
                                 *in->profileState);
        p->state = *in->profileState ? ESIMLPA_PROFILE_ENABLED : ESIMLPA_PROFILE_DISABLED;
        p->has_state = 1;
    }
    if ((rc = esimlpa__es10_string(ctx, what, "profileNickname", in->profileNickname,
                                   NICKNAME_MAX_BYTES, &p->nickname)) != ESIMLPA_OK ||
        (rc = esimlpa__es10_string(ctx, what, "serviceProviderName", in->serviceProviderName,
                                   SPN_MAX_BYTES, &p->service_provider_name)) != ESIMLPA_OK ||
        (rc = esimlpa__es10_string(ctx, what, "profileName", in->profileName,
                                   PROFILE_NAME_MAX_BYTES, &p->profile_name)) != ESIMLPA_OK)
        return rc;
    struct esimlpa__metadata_fields mf = {
        in->iconType, in->icon, in->profileClass,
        in->notificationConfigurationInfo ? in->notificationConfigurationInfo->list.array : NULL,
        in->notificationConfigurationInfo ? in->notificationConfigurationInfo->list.count : 0,
        in->profileOwner, in->profilePolicyRules,
    };
    return esimlpa__es10_metadata_fields(ctx, what, &mf, p);
}

int esimlpa_profiles_list(esimlpa_ctx *ctx, const struct esimlpa_profile_filter *filter,
                          struct esimlpa_profile_list **out)
{
    static const char what[] = "GetProfilesInfo";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!out)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no output pointer", what);
    *out = NULL;
    uint8_t *der = NULL;
    size_t der_len = 0;
    if ((rc = build_request(ctx, what, filter, &der, &der_len)) != ESIMLPA_OK)
        return rc;
    ProfileInfoListResponse_t *r = NULL;
    rc = esimlpa__es10_exchange(ctx, what, der, der_len, 0xBF2D,
                                &asn_DEF_ProfileInfoListResponse, (void **)&r, NULL, NULL);
    free(der);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa_profile_list *list = NULL;
    switch (r->present) {
    case ProfileInfoListResponse_PR_profileInfoListError:
        rc = esimlpa__es10_result(ctx, what, r->choice.profileInfoListError, list_errors);
        if (rc == ESIMLPA_OK)   /* an "error" of 0 is not a success either */
            rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: error response with code 0",
                               what);
        break;
    case ProfileInfoListResponse_PR_profileInfoListOk: {
        int n = r->choice.profileInfoListOk.list.count;
        rc = esimlpa__es10_count_ok(ctx, what, "profileInfoListOk", n, ESIMLPA__ES10_MAX_PROFILES);
        if (rc != ESIMLPA_OK)
            break;
        list = calloc(1, sizeof *list);
        if (list && n > 0)
            list->profiles = calloc((size_t)n, sizeof *list->profiles);
        if (!list || (n > 0 && !list->profiles)) {
            rc = esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
            break;
        }
        for (int i = 0; i < n && rc == ESIMLPA_OK; i++) {
            list->count = (size_t)i + 1;   /* so a partial entry is freed too */
            rc = decode_profile(ctx, what, r->choice.profileInfoListOk.list.array[i],
                                &list->profiles[i]);
        }
        break;
    }
    default:
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: unknown response alternative", what);
        break;
    }
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListResponse, r);
    if (rc != ESIMLPA_OK) {
        esimlpa_profile_list_free(list);
        return rc;
    }
    *out = list;
    return ESIMLPA_OK;
}
