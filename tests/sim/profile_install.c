/* SPDX-License-Identifier: MIT */
#include "profile_install.h"

#include <stdlib.h>
#include <string.h>

#include <NotificationConfigurationInformation.h>
#include <OperatorId.h>
#include <StoreMetadataRequest.h>

#include "softeuicc_internal.h"

/* ErrorReason values (sgp22-notes §6.5) */
enum { R_INPUT = 1, R_CLASS = 6, R_STRUCTURE = 7, R_ICCID = 9, R_PPR = 15 };

static char *dup_str(const OCTET_STRING_t *s)
{
    if (memchr(s->buf, 0, (size_t)s->size))
        return NULL;
    char *d = malloc((size_t)s->size + 1);
    if (d) {
        memcpy(d, s->buf, (size_t)s->size);
        d[s->size] = 0;
    }
    return d;
}

static int copy_operator(const OperatorId_t *o, struct se_operator *op)
{
    memcpy(op->mccmnc, o->mccMnc.buf, 3);
    if (o->gid1) {
        if ((size_t)o->gid1->size > sizeof(op->gid1))
            return -1;
        memcpy(op->gid1, o->gid1->buf, (size_t)o->gid1->size);
        op->gid1_len = (size_t)o->gid1->size;
        op->has_gid1 = true;
    }
    if (o->gid2) {
        if ((size_t)o->gid2->size > sizeof(op->gid2))
            return -1;
        memcpy(op->gid2, o->gid2->buf, (size_t)o->gid2->size);
        op->gid2_len = (size_t)o->gid2->size;
        op->has_gid2 = true;
    }
    return 0;
}

static int fill(const StoreMetadataRequest_t *m, struct se_profile *p)
{
    if (!(p->spn = dup_str(&m->serviceProviderName)) || !(p->name = dup_str(&m->profileName)))
        return R_INPUT;
    p->icon_type = -1;
    if ((m->iconType != NULL) != (m->icon != NULL))
        return R_INPUT;                        /* iconType only together with icon */
    if (m->icon) {
        if (*m->iconType < 0 || *m->iconType > 1)
            return R_INPUT;
        p->icon_type = (int)*m->iconType;
        p->icon_len = (size_t)m->icon->size;
        if (!(p->icon = malloc(p->icon_len + 1)))
            return R_INPUT;
        memcpy(p->icon, m->icon->buf, p->icon_len);
    }
    p->pclass = 2;                             /* DEFAULT operational (§10.1) */
    if (m->profileClass) {
        if (*m->profileClass < 0 || *m->profileClass > 2)
            return R_INPUT;
        p->pclass = (int)*m->profileClass;
    }
    if (m->notificationConfigurationInfo) {
        int n = m->notificationConfigurationInfo->list.count;
        if (n > SE_MAX_NCI)
            return R_INPUT;
        p->has_nci = true;
        for (int i = 0; i < n; i++) {
            const NotificationConfigurationInformation_t *c =
                m->notificationConfigurationInfo->list.array[i];
            struct se_nci *d = &p->nci[p->n_nci];
            d->events = sim_bits_get(&c->profileManagementOperation) & 0xF;
            if (!(d->address = dup_str(&c->notificationAddress)) ||
                c->notificationAddress.size > 255)
                return R_INPUT;
            p->n_nci++;
        }
    }
    if (m->profileOwner) {
        if (copy_operator(m->profileOwner, &p->owner))
            return R_INPUT;
        p->has_owner = true;
    }
    if (m->profilePolicyRules) {
        p->has_ppr = true;
        p->ppr = sim_bits_get(m->profilePolicyRules) & 7;
    }
    return 0;
}

int se_metadata_to_profile(const uint8_t *bf25, size_t len, struct se_profile *p,
                           int *iccid_known)
{
    StoreMetadataRequest_t *m = NULL;
    memset(p, 0, sizeof(*p));
    *iccid_known = 0;
    if (sim_decode(&asn_DEF_StoreMetadataRequest, (void **)&m, bf25, len))
        return R_STRUCTURE;
    se_iccid_decode(m->iccid.buf, p->iccid);
    uint8_t check[10];
    int rc = R_INPUT;
    if (!se_iccid_encode(p->iccid, check) && !memcmp(check, m->iccid.buf, 10)) {
        *iccid_known = 1;
        rc = fill(m, p);
    }
    ASN_STRUCT_FREE(asn_DEF_StoreMetadataRequest, m);
    if (rc) {
        char keep[21];
        memcpy(keep, p->iccid, sizeof(keep));
        se_profile_clear(p);
        memcpy(p->iccid, keep, sizeof(keep));  /* still reported in the PIR */
    }
    return rc;
}

static bool operator_matches(const struct se_operator *rule, const struct se_operator *owner)
{
    if (memcmp(rule->mccmnc, owner->mccmnc, 3))
        return false;
    if (rule->has_gid1 && (!owner->has_gid1 || rule->gid1_len != owner->gid1_len ||
                           memcmp(rule->gid1, owner->gid1, rule->gid1_len)))
        return false;
    if (rule->has_gid2 && (!owner->has_gid2 || rule->gid2_len != owner->gid2_len ||
                           memcmp(rule->gid2, owner->gid2, rule->gid2_len)))
        return false;
    return true;
}

/* Each PPR the profile sets (ppr1, ppr2) needs a RAT rule for it that lists the
 * profile owner (sgp22-notes §10.9; exact wildcard rules UNVERIFIED, not supported). */
static bool ppr_allowed(const struct se_state *st, const struct se_profile *p)
{
    unsigned want = p->has_ppr ? p->ppr & (SE_PPR1 | SE_PPR2) : 0;
    for (unsigned bit = SE_PPR1; bit <= SE_PPR2; bit <<= 1) {
        if (!(want & bit))
            continue;
        bool ok = false;
        for (size_t i = 0; !ok && i < st->n_rat; i++)
            if (st->rat[i].ppr & bit)
                for (size_t k = 0; !ok && k < st->rat[i].n_ops; k++)
                    ok = p->has_owner && operator_matches(&st->rat[i].ops[k], &p->owner);
        if (!ok)
            return false;
    }
    return true;
}

int se_profile_install_check(struct softeuicc *se, const struct se_profile *p)
{
    uint8_t iccid[10];
    if (se_iccid_encode(p->iccid, iccid) || se_state_find_iccid(se->st, iccid))
        return R_ICCID;
    if (p->pclass == 0 && !(se->st->info2.rsp_capability & (1u << 3)))
        return R_CLASS;                        /* testProfileSupport not set */
    if (!ppr_allowed(se->st, p))
        return R_PPR;
    return 0;
}

int se_alloc_isdp_aid(struct se_state *st, uint8_t aid[16], size_t *len)
{
    static const uint8_t base[16] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                      0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x10, 0x00 };
    memcpy(aid, base, 16);
    *len = 16;
    for (unsigned n = 0x10; n <= 0xFF; n++) {
        aid[14] = (uint8_t)n;
        if (!se_state_find_aid(st, aid, 16))
            return 0;
    }
    return -1;
}
