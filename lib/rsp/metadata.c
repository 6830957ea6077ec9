/* SPDX-License-Identifier: MIT */
/* Profile metadata of a download: StoreMetadataRequest (BF25, SGP.22 §5.5.3,
 * notes §10.2) from authenticateClient and from the BPP, and the PPR/RAT
 * check (notes §10.9). */
#include <stdlib.h>
#include <string.h>

#include <NotificationConfigurationInformation.h>
#include <OperatorId.h>
#include <StoreMetadataRequest.h>

#include "rsp_internal.h"
#include "../asn1util/asn1util.h"
#include "../es10/es10_common.h"

/* UTF8String sizes count characters: allow 4 bytes each. */
#define SPN_MAX_BYTES (32 * 4)
#define PROFILE_NAME_MAX_BYTES (64 * 4)

void esimlpa__profile_info_clear(struct esimlpa_profile_info *p)
{
    if (!p)
        return;
    free(p->nickname);
    free(p->service_provider_name);
    free(p->profile_name);
    free(p->icon);
    for (size_t i = 0; i < p->n_notification_configs; i++)
        free(p->notification_configs[i].address);
    free(p->notification_configs);
    memset(p, 0, sizeof *p);
}

static int decode(esimlpa_ctx *ctx, const char *what, const StoreMetadataRequest_t *in,
                  struct esimlpa_profile_info *p)
{
    int rc;
    p->icon_type = ESIMLPA_ICON_NONE;
    p->profile_class = ESIMLPA_CLASS_OPERATIONAL;   /* ASN.1 DEFAULT (notes pitfall 7) */
    if ((rc = esimlpa__es10_iccid(ctx, what, &in->iccid, p->iccid)) != ESIMLPA_OK ||
        (rc = esimlpa__es10_string(ctx, what, "serviceProviderName", &in->serviceProviderName,
                                   SPN_MAX_BYTES, &p->service_provider_name)) != ESIMLPA_OK ||
        (rc = esimlpa__es10_string(ctx, what, "profileName", &in->profileName,
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

int esimlpa__metadata_decode(esimlpa_ctx *ctx, const char *what, const uint8_t *p, size_t len,
                             struct esimlpa_profile_info *out)
{
    memset(out, 0, sizeof *out);
    StoreMetadataRequest_t *r = NULL;
    if (!p || len == 0)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: no profile metadata", what);
    if (esimlpa__der_decode(&asn_DEF_StoreMetadataRequest, (void **)&r, p, len) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed profile metadata (%zu bytes)",
                             what, len);
    int rc = decode(ctx, what, r, out);
    ASN_STRUCT_FREE(asn_DEF_StoreMetadataRequest, r);
    if (rc != ESIMLPA_OK)
        esimlpa__profile_info_clear(out);
    return rc;
}

static int str_eq(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "") == 0;
}

static const char *first_difference(const struct esimlpa_profile_info *a,
                                    const struct esimlpa_profile_info *b)
{
    if (strcmp(a->iccid, b->iccid) != 0)
        return "iccid";
    if (!str_eq(a->service_provider_name, b->service_provider_name))
        return "serviceProviderName";
    if (!str_eq(a->profile_name, b->profile_name))
        return "profileName";
    if (a->profile_class != b->profile_class)
        return "profileClass";
    if (a->ppr != b->ppr)
        return "profilePolicyRules";
    if (a->has_owner != b->has_owner ||
        (a->has_owner && (strcmp(a->owner.mcc_mnc, b->owner.mcc_mnc) != 0 ||
                          a->owner.gid1_len != b->owner.gid1_len ||
                          a->owner.gid2_len != b->owner.gid2_len ||
                          memcmp(a->owner.gid1, b->owner.gid1, a->owner.gid1_len) != 0 ||
                          memcmp(a->owner.gid2, b->owner.gid2, a->owner.gid2_len) != 0)))
        return "profileOwner";
    return NULL;
}

int esimlpa__metadata_compare(esimlpa_ctx *ctx, const uint8_t *bpp, size_t bpp_len,
                              const uint8_t *announced, size_t announced_len,
                              const struct esimlpa_profile_info *announced_info)
{
    static const char what[] = "getBoundProfilePackage";
    uint8_t *md = NULL;
    size_t md_len = 0;
    if (esimlpa__bpp_metadata(bpp, bpp_len, &md, &md_len) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EMETADATA_MISMATCH,
                             "%s: no readable metadata in the bound profile package", what);
    int rc = esimlpa__metadata_compare_md(ctx, md, md_len, announced, announced_len,
                                          announced_info);
    free(md);
    return rc;
}

int esimlpa__metadata_compare_md(esimlpa_ctx *ctx, const uint8_t *md, size_t md_len,
                                 const uint8_t *announced, size_t announced_len,
                                 const struct esimlpa_profile_info *announced_info)
{
    static const char what[] = "getBoundProfilePackage";
    if (md_len == announced_len && memcmp(md, announced, md_len) == 0)
        return ESIMLPA_OK;
    /* Different bytes: the same profile may still be described (another
     * encoding, extension fields); compare what the user was shown. */
    struct esimlpa_profile_info inbpp;
    int rc = esimlpa__metadata_decode(ctx, what, md, md_len, &inbpp);
    if (rc != ESIMLPA_OK)
        return esimlpa__fail(ctx, ESIMLPA_EMETADATA_MISMATCH,
                             "%s: metadata in the bound profile package is malformed", what);
    const char *field = first_difference(&inbpp, announced_info);
    esimlpa__profile_info_clear(&inbpp);
    if (field)
        return esimlpa__fail(ctx, ESIMLPA_EMETADATA_MISMATCH,
                             "%s: %s in the bound profile package differs from the metadata "
                             "announced by authenticateClient", what, field);
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "%s: metadata re-encoded but equivalent", what);
    return ESIMLPA_OK;
}

/* One mccMnc digit of a RAT entry: 'E' matches any digit (SGP.22 §2.9.2.2,
 * notes §10.9 UNVERIFIED). */
static int plmn_match(const char *rule, const char *owner)
{
    size_t n = strlen(rule);
    if (n != strlen(owner))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (rule[i] != 'E' && rule[i] != owner[i])
            return 0;
    return 1;
}

static int operator_match(const struct esimlpa_operator_id *rule,
                          const struct esimlpa_operator_id *owner)
{
    if (!plmn_match(rule->mcc_mnc, owner->mcc_mnc))
        return 0;
    if (rule->has_gid1 && (!owner->has_gid1 || rule->gid1_len != owner->gid1_len ||
                           memcmp(rule->gid1, owner->gid1, rule->gid1_len) != 0))
        return 0;
    if (rule->has_gid2 && (!owner->has_gid2 || rule->gid2_len != owner->gid2_len ||
                           memcmp(rule->gid2, owner->gid2, rule->gid2_len) != 0))
        return 0;
    return 1;
}

int esimlpa__ppr_check(esimlpa_ctx *ctx, const struct esimlpa_profile_info *md,
                       int *consent_required)
{
    static const char what[] = "profilePolicyRules";
    *consent_required = 0;
    unsigned pprs = md->ppr & (ESIMLPA_PPR1 | ESIMLPA_PPR2);
    if (!pprs)
        return ESIMLPA_OK;
    if (!md->has_owner)
        return esimlpa__fail(ctx, ESIMLPA_EPPR_NOT_ALLOWED,
                             "%s: profile sets PPRs 0x%X but names no profileOwner", what, pprs);
    struct esimlpa_rat *rat = NULL;
    int rc = esimlpa_rat_get(ctx, &rat);
    if (rc != ESIMLPA_OK)
        return rc;
    for (unsigned bit = ESIMLPA_PPR1; bit <= ESIMLPA_PPR2; bit <<= 1) {
        if (!(pprs & bit))
            continue;
        int allowed = 0;
        for (size_t i = 0; i < rat->count && !allowed; i++) {
            const struct esimlpa_rat_rule *r = &rat->rules[i];
            if (!(r->ppr_ids & bit))
                continue;
            for (size_t k = 0; k < r->n_operators && !allowed; k++)
                if (operator_match(&r->operators[k], &md->owner)) {
                    allowed = 1;
                    if (r->consent_required)
                        *consent_required = 1;
                }
        }
        if (!allowed) {
            esimlpa_rat_free(rat);
            return esimlpa__fail(ctx, ESIMLPA_EPPR_NOT_ALLOWED,
                                 "%s: ppr%u not allowed for profile owner %s by the eUICC's RAT",
                                 what, bit == ESIMLPA_PPR1 ? 1u : 2u, md->owner.mcc_mnc);
        }
    }
    esimlpa_rat_free(rat);
    return ESIMLPA_OK;
}
