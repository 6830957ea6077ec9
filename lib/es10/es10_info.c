/* SPDX-License-Identifier: MIT */
/* ES10b.GetEUICCInfo (SGP.22 §5.7.8): EUICCInfo1 (BF20) and EUICCInfo2 (BF22). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <EUICCInfo1.h>
#include <EUICCInfo2.h>
#include <CertificationDataObject.h>

#include "es10_common.h"
#include "../asn1util/asn1util.h"
#include "../util/util_internal.h"

static const uint8_t get_info1_req[] = { 0xBF, 0x20, 0x00 };
static const uint8_t get_info2_req[] = { 0xBF, 0x22, 0x00 };

/* Both lists of EUICCInfo1/2 have this shape: SEQUENCE OF SubjectKeyIdentifier. */
struct ski_list {
    A_SEQUENCE_OF(SubjectKeyIdentifier_t) list;
};

static int copy_pkids(esimlpa_ctx *ctx, const char *what, const void *seq,
                      struct esimlpa_pkid **out, size_t *n_out)
{
    const struct ski_list *l = seq;
    *out = NULL;
    *n_out = 0;
    if (l->list.count <= 0)
        return ESIMLPA_OK;
    int rc = esimlpa__es10_count_ok(ctx, what, "CI public key identifier list", l->list.count,
                                    ESIMLPA__ES10_MAX_PKIDS);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa_pkid *a = calloc((size_t)l->list.count, sizeof *a);
    if (!a)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    for (int i = 0; i < l->list.count; i++) {
        const SubjectKeyIdentifier_t *ski = l->list.array[i];
        if (!ski || ski->size <= 0 || (size_t)ski->size > sizeof a[i].bytes) {
            free(a);
            return esimlpa__fail(ctx, ESIMLPA_EDECODE,
                                 "%s: CI public key identifier of %d bytes", what,
                                 ski ? ski->size : 0);
        }
        memcpy(a[i].bytes, ski->buf, (size_t)ski->size);
        a[i].len = (size_t)ski->size;
    }
    *out = a;
    *n_out = (size_t)l->list.count;
    return ESIMLPA_OK;
}

static int version(esimlpa_ctx *ctx, const char *what, const char *field,
                   const OCTET_STRING_t *os, struct esimlpa_version3 *out)
{
    if (esimlpa__version3(os->buf, (size_t)os->size, out) != ESIMLPA_OK)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: %s is %d bytes, not 3",
                             what, field, os->size);
    return ESIMLPA_OK;
}

/* ---------- EUICCInfo1 ---------- */

void esimlpa_euicc_info1_free(struct esimlpa_euicc_info1 *info)
{
    if (!info)
        return;
    free(info->ci_pkid_verification);
    free(info->ci_pkid_signing);
    free(info->raw);
    free(info);
}

int esimlpa_euicc_info1_get(esimlpa_ctx *ctx, struct esimlpa_euicc_info1 **out)
{
    static const char what[] = "GetEUICCInfo1";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!out)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no output pointer", what);
    *out = NULL;
    struct esimlpa_euicc_info1 *info = calloc(1, sizeof *info);
    if (!info)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    EUICCInfo1_t *r = NULL;
    rc = esimlpa__es10_exchange(ctx, what, get_info1_req, sizeof get_info1_req, 0xBF20,
                                &asn_DEF_EUICCInfo1, (void **)&r, &info->raw, &info->raw_len);
    if (rc == ESIMLPA_OK)
        rc = version(ctx, what, "svn", &r->svn, &info->svn);
    if (rc == ESIMLPA_OK)
        rc = copy_pkids(ctx, what, &r->euiccCiPKIdListForVerification,
                        &info->ci_pkid_verification, &info->n_ci_pkid_verification);
    if (rc == ESIMLPA_OK)
        rc = copy_pkids(ctx, what, &r->euiccCiPKIdListForSigning,
                        &info->ci_pkid_signing, &info->n_ci_pkid_signing);
    if (r)
        ASN_STRUCT_FREE(asn_DEF_EUICCInfo1, r);
    if (rc != ESIMLPA_OK) {
        esimlpa_euicc_info1_free(info);
        return rc;
    }
    *out = info;
    return ESIMLPA_OK;
}

/* ---------- EUICCInfo2 ---------- */

/* extCardResource (ETSI TS 102 226 §8.2.1.3.2): TLVs 81 installed
 * applications, 82 free non-volatile memory, 83 free volatile memory, each an
 * unsigned big-endian number. Unknown tags are skipped. */
static int ext_card_resource(esimlpa_ctx *ctx, const char *what, const OCTET_STRING_t *os,
                             struct esimlpa_euicc_info2 *info)
{
    const uint8_t *p = os->buf;
    size_t left = os->size > 0 ? (size_t)os->size : 0;
    while (left > 0) {
        unsigned tag;
        size_t hl, vl;
        if (esimlpa__tlv_header(p, left, &tag, &hl, &vl) != 0)
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed extCardResource", what);
        long *dst = tag == 0x81 ? &info->installed_apps
                  : tag == 0x82 ? &info->free_nvram
                  : tag == 0x83 ? &info->free_ram : NULL;
        if (dst) {
            if (vl == 0 || vl > 4)
                return esimlpa__fail(ctx, ESIMLPA_EDECODE,
                                     "%s: extCardResource value %02X of %zu bytes", what, tag, vl);
            unsigned long long v = 0;
            for (size_t i = 0; i < vl; i++)
                v = (v << 8) | p[hl + i];
            if (v > (unsigned long long)LONG_MAX)
                return esimlpa__fail(ctx, ESIMLPA_EDECODE,
                                     "%s: extCardResource value %02X too large", what, tag);
            *dst = (long)v;
        }
        p += hl + vl;
        left -= hl + vl;
    }
    return ESIMLPA_OK;
}

void esimlpa_euicc_info2_free(struct esimlpa_euicc_info2 *info)
{
    if (!info)
        return;
    free(info->sas_accreditation_number);
    free(info->ci_pkid_verification);
    free(info->ci_pkid_signing);
    free(info->platform_label);
    free(info->discovery_base_url);
    free(info->raw);
    free(info);
}

/* UTF8String (SIZE(0..64)) in characters: up to 4 bytes each. */
#define SAS_MAX_BYTES (64 * 4)
#define URL_MAX_BYTES 1024

static int decode_info2(esimlpa_ctx *ctx, const char *what, const EUICCInfo2_t *r,
                        struct esimlpa_euicc_info2 *info)
{
    int rc;
    if ((rc = version(ctx, what, "profileVersion", &r->profileVersion,
                      &info->profile_version)) != ESIMLPA_OK ||
        (rc = version(ctx, what, "svn", &r->svn, &info->svn)) != ESIMLPA_OK ||
        (rc = version(ctx, what, "euiccFirmwareVer", &r->euiccFirmwareVer,
                      &info->firmware_version)) != ESIMLPA_OK ||
        (rc = version(ctx, what, "ppVersion", &r->ppVersion, &info->pp_version)) != ESIMLPA_OK)
        return rc;
    if (r->ts102241Version) {
        if ((rc = version(ctx, what, "ts102241Version", r->ts102241Version,
                          &info->ts102241_version)) != ESIMLPA_OK)
            return rc;
        info->has_ts102241_version = 1;
    }
    if (r->globalplatformVersion) {
        if ((rc = version(ctx, what, "globalplatformVersion", r->globalplatformVersion,
                          &info->globalplatform_version)) != ESIMLPA_OK)
            return rc;
        info->has_globalplatform_version = 1;
    }
    if ((rc = ext_card_resource(ctx, what, &r->extCardResource, info)) != ESIMLPA_OK)
        return rc;
    info->uicc_capability = esimlpa__bits_get(&r->uiccCapability);
    info->rsp_capability = esimlpa__bits_get(&r->rspCapability);
    if (r->euiccCategory) {
        if (*r->euiccCategory < 0 || *r->euiccCategory > 3)
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: euiccCategory %ld out of range",
                                 what, *r->euiccCategory);
        info->euicc_category = (int)*r->euiccCategory;
    }
    info->forbidden_ppr = esimlpa__bits_get(r->forbiddenProfilePolicyRules);
    if ((rc = esimlpa__es10_string(ctx, what, "sasAcreditationNumber",
                                   &r->sasAcreditationNumber, SAS_MAX_BYTES,
                                   &info->sas_accreditation_number)) != ESIMLPA_OK)
        return rc;
    if ((rc = copy_pkids(ctx, what, &r->euiccCiPKIdListForVerification,
                         &info->ci_pkid_verification, &info->n_ci_pkid_verification))
            != ESIMLPA_OK ||
        (rc = copy_pkids(ctx, what, &r->euiccCiPKIdListForSigning,
                         &info->ci_pkid_signing, &info->n_ci_pkid_signing)) != ESIMLPA_OK)
        return rc;
    if (r->certificationDataObject) {
        if ((rc = esimlpa__es10_string(ctx, what, "platformLabel",
                                       &r->certificationDataObject->platformLabel,
                                       URL_MAX_BYTES, &info->platform_label)) != ESIMLPA_OK ||
            (rc = esimlpa__es10_string(ctx, what, "discoveryBaseURL",
                                       &r->certificationDataObject->discoveryBaseURL,
                                       URL_MAX_BYTES, &info->discovery_base_url)) != ESIMLPA_OK)
            return rc;
    }
    return ESIMLPA_OK;
}

int esimlpa_euicc_info2_get(esimlpa_ctx *ctx, struct esimlpa_euicc_info2 **out)
{
    static const char what[] = "GetEUICCInfo2";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!out)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no output pointer", what);
    *out = NULL;
    struct esimlpa_euicc_info2 *info = calloc(1, sizeof *info);
    if (!info)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    info->installed_apps = info->free_nvram = info->free_ram = -1;
    info->euicc_category = -1;
    EUICCInfo2_t *r = NULL;
    rc = esimlpa__es10_exchange(ctx, what, get_info2_req, sizeof get_info2_req, 0xBF22,
                                &asn_DEF_EUICCInfo2, (void **)&r, &info->raw, &info->raw_len);
    if (rc == ESIMLPA_OK)
        rc = decode_info2(ctx, what, r, info);
    if (r)
        ASN_STRUCT_FREE(asn_DEF_EUICCInfo2, r);
    if (rc != ESIMLPA_OK) {
        esimlpa_euicc_info2_free(info);
        return rc;
    }
    *out = info;
    return ESIMLPA_OK;
}
