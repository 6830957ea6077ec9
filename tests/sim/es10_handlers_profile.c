/* SPDX-License-Identifier: MIT */
/* ES10c profile handlers: GetProfilesInfo, Enable/Disable/DeleteProfile,
 * SetNickname, eUICCMemoryReset (sgp22-notes §4.3, §10). */
#include <stdlib.h>
#include <string.h>

#include <DeleteProfileRequest.h>
#include <DisableProfileRequest.h>
#include <EnableProfileRequest.h>
#include <EuiccMemoryResetRequest.h>
#include <ProfileInfoListRequest.h>
#include <SetNicknameRequest.h>

#include "es10_handlers.h"
#include "softeuicc_internal.h"

/* ProfileInfo field tags, in ASN.1 order (sgp22-notes §10.1). */
enum { F_ICCID, F_AID, F_STATE, F_NICK, F_SPN, F_NAME, F_ICONTYPE, F_ICON, F_CLASS,
       F_NCI, F_OWNER, F_PPR, F_COUNT };
static const unsigned field_tags[F_COUNT] = { 0x5A, 0x4F, 0x9F70, 0x90, 0x91, 0x92, 0x93,
                                              0x94, 0x95, 0xB6, 0xB7, 0x99 };

/* Parse a 5C tag list (concatenated BER tags) into a field mask.
 * Unknown tags are ignored; a truncated tag is an error. */
static int parse_tag_list(const uint8_t *p, size_t n, unsigned *mask)
{
    *mask = 0;
    for (size_t i = 0; i < n;) {
        unsigned t = p[i++];
        if ((t & 0x1F) == 0x1F) {
            do {
                if (i >= n || t > 0xFFFF)
                    return -1;
                t = (t << 8) | p[i];
            } while (p[i++] & 0x80);
        }
        for (int f = 0; f < F_COUNT; f++)
            if (field_tags[f] == t)
                *mask |= 1u << f;
    }
    return 0;
}

static void put_profile_info(struct dbuf *out, const struct se_profile *p, unsigned mask)
{
    uint8_t iccid[10];
    se_iccid_encode(p->iccid, iccid);
    dbuf_open(out, 0xE3);
    if (mask & (1u << F_ICCID))
        dbuf_tlv(out, 0x5A, iccid, sizeof(iccid));
    if (mask & (1u << F_AID))
        dbuf_tlv(out, 0x4F, p->aid, p->aid_len);
    if (mask & (1u << F_STATE))
        dbuf_tlv_int(out, 0x9F70, p->enabled);
    if ((mask & (1u << F_NICK)) && p->nickname)
        dbuf_tlv_str(out, 0x90, p->nickname);
    if (mask & (1u << F_SPN))
        dbuf_tlv_str(out, 0x91, p->spn);
    if (mask & (1u << F_NAME))
        dbuf_tlv_str(out, 0x92, p->name);
    if ((mask & (1u << F_ICONTYPE)) && p->icon_type >= 0)
        dbuf_tlv_int(out, 0x93, p->icon_type);
    if ((mask & (1u << F_ICON)) && p->icon_type >= 0)
        dbuf_tlv(out, 0x94, p->icon, p->icon_len);
    /* Sent explicitly even for operational, as real eUICCs do; LPAs must also
     * accept it absent (ASN.1 DEFAULT operational, sgp22-notes §11 #7). */
    if (mask & (1u << F_CLASS))
        dbuf_tlv_int(out, 0x95, p->pclass);
    if ((mask & (1u << F_NCI)) && p->has_nci) {
        dbuf_open(out, 0xB6);
        for (size_t i = 0; i < p->n_nci; i++) {
            dbuf_open(out, 0x30);
            dbuf_tlv_bits(out, 0x80, p->nci[i].events);
            dbuf_tlv_str(out, 0x81, p->nci[i].address);
            dbuf_close(out);
        }
        dbuf_close(out);
    }
    if ((mask & (1u << F_OWNER)) && p->has_owner)
        es10_put_operator(out, 0xB7, &p->owner);
    if ((mask & (1u << F_PPR)) && p->has_ppr)
        dbuf_tlv_bits(out, 0x99, p->ppr);
    dbuf_close(out);
}

static void put_result_tag(struct dbuf *out, unsigned tag, unsigned inner, long result)
{
    dbuf_open(out, tag);
    dbuf_tlv_int(out, inner, result);
    dbuf_close(out);
}

static void put_result(struct dbuf *out, unsigned tag, long result)
{
    put_result_tag(out, tag, 0x80, result);
}

unsigned es10_get_profiles_info(struct softeuicc *se, const uint8_t *req, size_t len,
                                struct dbuf *out)
{
    ProfileInfoListRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_ProfileInfoListRequest, (void **)&r, req, len))
        return 0x6A80;
    unsigned mask = (1u << F_COUNT) - 1;
    int bad = 0;
    if (r->tagList && parse_tag_list(r->tagList->buf, (size_t)r->tagList->size, &mask))
        bad = 1;
    const struct ProfileInfoListRequest__searchCriteria *sc = r->searchCriteria;
    if (sc && sc->present == ProfileInfoListRequest__searchCriteria_PR_profileClass &&
        (sc->choice.profileClass < 0 || sc->choice.profileClass > 2))
        bad = 1;
    if (sc && sc->present == ProfileInfoListRequest__searchCriteria_PR_NOTHING)
        bad = 1;
    if (bad) {                         /* incorrectInputValues(1) */
        ASN_STRUCT_FREE(asn_DEF_ProfileInfoListRequest, r);
        put_result_tag(out, 0xBF2D, 0x81, 1); /* BF2D { 81 01 01 }: the error alternative */
        return 0x9000;
    }
    dbuf_open(out, 0xBF2D);
    dbuf_open(out, 0xA0);
    for (size_t i = 0; i < se->st->n_profiles; i++) {
        const struct se_profile *p = &se->st->profiles[i];
        if (sc) {
            uint8_t iccid[10];
            se_iccid_encode(p->iccid, iccid);
            switch (sc->present) {
            case ProfileInfoListRequest__searchCriteria_PR_isdpAid:
                if ((size_t)sc->choice.isdpAid.size != p->aid_len ||
                    memcmp(sc->choice.isdpAid.buf, p->aid, p->aid_len))
                    continue;
                break;
            case ProfileInfoListRequest__searchCriteria_PR_iccid:
                if (memcmp(sc->choice.iccid.buf, iccid, 10))
                    continue;
                break;
            case ProfileInfoListRequest__searchCriteria_PR_profileClass:
                if (sc->choice.profileClass != p->pclass)
                    continue;
                break;
            default:
                continue;
            }
        }
        put_profile_info(out, p, mask);
    }
    dbuf_close(out);
    dbuf_close(out);
    ASN_STRUCT_FREE(asn_DEF_ProfileInfoListRequest, r);
    return 0x9000;
}

/* Find the profile named by a profileIdentifier CHOICE (AID 4F or ICCID 5A). */
static struct se_profile *find_profile(struct softeuicc *se, const OCTET_STRING_t *aid,
                                       const OCTET_STRING_t *iccid)
{
    if (aid)
        return se_state_find_aid(se->st, aid->buf, (size_t)aid->size);
    if (iccid && iccid->size == 10)
        return se_state_find_iccid(se->st, iccid->buf);
    return NULL;
}

static struct se_profile *enabled_profile(struct softeuicc *se)
{
    for (size_t i = 0; i < se->st->n_profiles; i++)
        if (se->st->profiles[i].enabled)
            return &se->st->profiles[i];
    return NULL;
}

static bool has_ppr(const struct se_profile *p, unsigned bit)
{
    return p->has_ppr && (p->ppr & bit);
}

unsigned es10_enable_profile(struct softeuicc *se, const uint8_t *req, size_t len,
                             struct dbuf *out)
{
    EnableProfileRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_EnableProfileRequest, (void **)&r, req, len))
        return 0x6A80;
    const struct EnableProfileRequest__profileIdentifier *id = &r->profileIdentifier;
    struct se_profile *p = find_profile(se,
        id->present == EnableProfileRequest__profileIdentifier_PR_isdpAid ? &id->choice.isdpAid : NULL,
        id->present == EnableProfileRequest__profileIdentifier_PR_iccid ? &id->choice.iccid : NULL);
    int refresh = r->refreshFlag != 0;
    ASN_STRUCT_FREE(asn_DEF_EnableProfileRequest, r);
    long result = 0;
    struct se_profile *cur = enabled_profile(se);
    if (!p)
        result = 1;                    /* iccidOrAidNotFound */
    else if (p->enabled)
        result = 2;                    /* profileNotInDisabledState */
    else if (cur && has_ppr(cur, SE_PPR1))
        result = 3;                    /* the implicit disable is forbidden by PPR1 */
    if (result == 0) {
        /* Implicit disable of the enabled profile first (sgp22-notes §10.3). */
        if (cur) {
            cur->enabled = 0;
            if (se_notify(se, cur, SE_EV_DISABLE))
                result = 127;
        }
        p->enabled = 1;
        if (se_notify(se, p, SE_EV_ENABLE))
            result = 127;
        se_save(se);
    }
    /* refreshFlag: the eUICC asks for a REFRESH (a UICC reset, SGP.22 §3.2.1);
     * like some real cards it refuses ES10 commands until then. */
    if (result == 0 && refresh)
        se->needs_reset = 1;
    put_result(out, 0xBF31, result);
    return 0x9000;
}

unsigned es10_disable_profile(struct softeuicc *se, const uint8_t *req, size_t len,
                              struct dbuf *out)
{
    DisableProfileRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_DisableProfileRequest, (void **)&r, req, len))
        return 0x6A80;
    const struct DisableProfileRequest__profileIdentifier *id = &r->profileIdentifier;
    struct se_profile *p = find_profile(se,
        id->present == DisableProfileRequest__profileIdentifier_PR_isdpAid ? &id->choice.isdpAid : NULL,
        id->present == DisableProfileRequest__profileIdentifier_PR_iccid ? &id->choice.iccid : NULL);
    int refresh = r->refreshFlag != 0;
    ASN_STRUCT_FREE(asn_DEF_DisableProfileRequest, r);
    long result = 0;
    if (!p)
        result = 1;
    else if (!p->enabled)
        result = 2;                    /* profileNotInEnabledState */
    else if (has_ppr(p, SE_PPR1))
        result = 3;                    /* disallowedByPolicy */
    if (result == 0) {
        p->enabled = 0;
        if (se_notify(se, p, SE_EV_DISABLE))
            result = 127;
        se_save(se);
    }
    if (result == 0 && refresh)
        se->needs_reset = 1;   /* as for EnableProfile */
    put_result(out, 0xBF32, result);
    return 0x9000;
}

unsigned es10_delete_profile(struct softeuicc *se, const uint8_t *req, size_t len,
                             struct dbuf *out)
{
    DeleteProfileRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_DeleteProfileRequest, (void **)&r, req, len))
        return 0x6A80;
    struct se_profile *p = find_profile(se,
        r->present == DeleteProfileRequest_PR_isdpAid ? &r->choice.isdpAid : NULL,
        r->present == DeleteProfileRequest_PR_iccid ? &r->choice.iccid : NULL);
    ASN_STRUCT_FREE(asn_DEF_DeleteProfileRequest, r);
    long result = 0;
    if (!p)
        result = 1;
    else if (p->enabled)
        result = 2;                    /* profileNotInDisabledState */
    else if (has_ppr(p, SE_PPR2))
        result = 3;
    if (result == 0) {
        if (se_notify(se, p, SE_EV_DELETE))
            result = 127;
        se_state_remove_profile(se->st, p);
        se_save(se);
    }
    put_result(out, 0xBF33, result);
    return 0x9000;
}

unsigned es10_set_nickname(struct softeuicc *se, const uint8_t *req, size_t len,
                           struct dbuf *out)
{
    SetNicknameRequest_t *r = NULL;
    /* sim_decode enforces SIZE(0..64) on the nickname: longer is 6A80. */
    if (sim_decode(&asn_DEF_SetNicknameRequest, (void **)&r, req, len))
        return 0x6A80;
    long result = 0;
    struct se_profile *p = r->iccid.size == 10 ? se_state_find_iccid(se->st, r->iccid.buf) : NULL;
    if (!p) {
        result = 1;                    /* iccidNotFound */
    } else if (memchr(r->profileNickname.buf, 0, (size_t)r->profileNickname.size)) {
        result = 127;
    } else {
        char *nick = malloc((size_t)r->profileNickname.size + 1);
        if (!nick) {
            ASN_STRUCT_FREE(asn_DEF_SetNicknameRequest, r);
            return 0x6F00;
        }
        memcpy(nick, r->profileNickname.buf, (size_t)r->profileNickname.size);
        nick[r->profileNickname.size] = 0;
        free(p->nickname);
        p->nickname = nick;
        se_save(se);
    }
    ASN_STRUCT_FREE(asn_DEF_SetNicknameRequest, r);
    put_result(out, 0xBF29, result);
    return 0x9000;
}

unsigned es10_memory_reset(struct softeuicc *se, const uint8_t *req, size_t len,
                           struct dbuf *out)
{
    EuiccMemoryResetRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_EuiccMemoryResetRequest, (void **)&r, req, len))
        return 0x6A80;
    unsigned opts = sim_bits_get(&r->resetOptions);
    ASN_STRUCT_FREE(asn_DEF_EuiccMemoryResetRequest, r);
    bool did = false;
    long result = 0;
    /* bit 0 deleteOperationalProfiles, bit 1 deleteFieldLoadedTestProfiles */
    for (size_t i = 0; i < se->st->n_profiles;) {
        struct se_profile *p = &se->st->profiles[i];
        bool del = ((opts & 1) && p->pclass == 2) || ((opts & 2) && p->pclass == 0);
        if (!del) {
            i++;
            continue;
        }
        if (p->pclass == 2 && se_notify(se, p, SE_EV_DELETE))
            result = 127;
        se_state_remove_profile(se->st, p);
        did = true;
    }
    if ((opts & 4) && se->st->default_dp) {   /* resetDefaultSmdpAddress */
        free(se->st->default_dp);
        se->st->default_dp = NULL;
        did = true;
    }
    if (did)
        se_save(se);
    else if (result == 0)
        result = 1;                    /* nothingToDelete */
    put_result(out, 0xBF34, result);
    return 0x9000;
}
