/* SPDX-License-Identifier: MIT */
/* ES10 handlers about the eUICC itself: GetEID, GetEUICCInfo1/2,
 * configured addresses (ES10a), GetRAT, GetEUICCChallenge (sgp22-notes §4.3). */
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include <EuiccConfiguredAddressesRequest.h>
#include <GetEuiccChallengeRequest.h>
#include <GetEuiccDataRequest.h>
#include <GetEuiccInfo1Request.h>
#include <GetEuiccInfo2Request.h>
#include <GetRatRequest.h>
#include <SetDefaultDpAddressRequest.h>

#include "es10_handlers.h"
#include "softeuicc_internal.h"

#define DECODE(type, var, req, len)                                         \
    type##_t *var = NULL;                                                   \
    if (sim_decode(&asn_DEF_##type, (void **)&var, req, len))               \
        return 0x6A80

/* An empty request SEQUENCE (e.g. BF20 00): only check it decodes. */
static int empty_request(asn_TYPE_descriptor_t *td, const uint8_t *req, size_t len)
{
    void *s = NULL;
    if (sim_decode(td, &s, req, len))
        return -1;
    td->free_struct(td, s, 0);
    return 0;
}

unsigned es10_get_eid(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out)
{
    DECODE(GetEuiccDataRequest, r, req, len);
    int ok = r->tagList.size == 1 && r->tagList.buf[0] == 0x5A;
    ASN_STRUCT_FREE(asn_DEF_GetEuiccDataRequest, r);
    if (!ok)
        return 0x6A80;                 /* only the EID (5A) can be asked for */
    uint8_t eid[16];
    se_eid_encode(se->st->eid, eid);
    dbuf_open(out, 0xBF3E);
    dbuf_tlv(out, 0x5A, eid, sizeof(eid));
    dbuf_close(out);
    return 0x9000;
}

static void put_pkid_list(struct softeuicc *se, struct dbuf *out, unsigned tag)
{
    dbuf_open(out, tag);
    dbuf_tlv(out, 0x04, se->id->ci_pkid, se->id->ci_pkid_len);
    /* Verification may name more CIs than the one the card's own chain is under. */
    for (size_t i = 0; tag == 0xA9 && i < se->id->n_extra_ci_pkid; i++)
        dbuf_tlv(out, 0x04, se->id->extra_ci_pkid[i], 20);
    dbuf_close(out);
}

unsigned es10_get_euicc_info1(struct softeuicc *se, const uint8_t *req, size_t len,
                              struct dbuf *out)
{
    if (empty_request(&asn_DEF_GetEuiccInfo1Request, req, len))
        return 0x6A80;
    dbuf_open(out, 0xBF20);
    dbuf_tlv(out, 0x82, se->st->info2.svn, 3);
    put_pkid_list(se, out, 0xA9);      /* euiccCiPKIdListForVerification */
    put_pkid_list(se, out, 0xAA);      /* euiccCiPKIdListForSigning */
    dbuf_close(out);
    return 0x9000;
}

void es10_encode_euicc_info2(struct softeuicc *se, struct dbuf *out)
{
    const struct se_info2 *i = &se->st->info2;
    dbuf_open(out, 0xBF22);
    dbuf_tlv(out, 0x81, i->profile_version, 3);
    dbuf_tlv(out, 0x82, i->svn, 3);
    dbuf_tlv(out, 0x83, i->firmware, 3);
    dbuf_tlv(out, 0x84, i->ext_card_resource, i->ext_card_resource_len);
    dbuf_tlv_bits(out, 0x85, i->uicc_capability);
    if (i->has_ts102241)
        dbuf_tlv(out, 0x86, i->ts102241, 3);
    if (i->has_gp)
        dbuf_tlv(out, 0x87, i->gp, 3);
    dbuf_tlv_bits(out, 0x88, i->rsp_capability);
    put_pkid_list(se, out, 0xA9);
    put_pkid_list(se, out, 0xAA);
    if (i->euicc_category >= 0)
        dbuf_tlv_int(out, 0x8B, i->euicc_category);
    if (i->has_forbidden_ppr)
        dbuf_tlv_bits(out, 0x99, i->forbidden_ppr);
    dbuf_tlv(out, 0x04, i->pp_version, 3);          /* untagged VersionType */
    dbuf_tlv_str(out, 0x0C, i->sas_number);         /* untagged UTF8String */
    dbuf_close(out);
}

unsigned es10_get_euicc_info2(struct softeuicc *se, const uint8_t *req, size_t len,
                              struct dbuf *out)
{
    if (empty_request(&asn_DEF_GetEuiccInfo2Request, req, len))
        return 0x6A80;
    es10_encode_euicc_info2(se, out);
    return 0x9000;
}

unsigned es10_get_configured_addresses(struct softeuicc *se, const uint8_t *req, size_t len,
                                       struct dbuf *out)
{
    if (empty_request(&asn_DEF_EuiccConfiguredAddressesRequest, req, len))
        return 0x6A80;
    dbuf_open(out, 0xBF3C);
    if (se->st->default_dp)
        dbuf_tlv_str(out, 0x80, se->st->default_dp);
    dbuf_tlv_str(out, 0x81, se->st->root_ds);
    dbuf_close(out);
    return 0x9000;
}

unsigned es10_set_default_dp_address(struct softeuicc *se, const uint8_t *req, size_t len,
                                     struct dbuf *out)
{
    DECODE(SetDefaultDpAddressRequest, r, req, len);
    const OCTET_STRING_t *a = &r->defaultDpAddress;
    long result = 0;
    if (a->size > 255 || memchr(a->buf, 0, (size_t)a->size)) {
        result = 127;                  /* undefinedError */
    } else {
        char *addr = NULL;
        if (a->size > 0) {             /* an empty address clears it */
            addr = malloc((size_t)a->size + 1);
            if (!addr) {
                ASN_STRUCT_FREE(asn_DEF_SetDefaultDpAddressRequest, r);
                return 0x6F00;
            }
            memcpy(addr, a->buf, (size_t)a->size);
            addr[a->size] = 0;
        }
        free(se->st->default_dp);
        se->st->default_dp = addr;
        se_save(se);
    }
    ASN_STRUCT_FREE(asn_DEF_SetDefaultDpAddressRequest, r);
    dbuf_open(out, 0xBF3F);
    dbuf_tlv_int(out, 0x80, result);
    dbuf_close(out);
    return 0x9000;
}

void es10_put_operator(struct dbuf *out, unsigned tag, const struct se_operator *op)
{
    dbuf_open(out, tag);
    dbuf_tlv(out, 0x80, op->mccmnc, 3);
    if (op->has_gid1)
        dbuf_tlv(out, 0x81, op->gid1, op->gid1_len);
    if (op->has_gid2)
        dbuf_tlv(out, 0x82, op->gid2, op->gid2_len);
    dbuf_close(out);
}

unsigned es10_get_rat(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out)
{
    if (empty_request(&asn_DEF_GetRatRequest, req, len))
        return 0x6A80;
    dbuf_open(out, 0xBF43);
    dbuf_open(out, 0xA0);
    for (size_t i = 0; i < se->st->n_rat; i++) {
        const struct se_rat_rule *r = &se->st->rat[i];
        dbuf_open(out, 0x30);
        dbuf_tlv_bits(out, 0x80, r->ppr);
        dbuf_open(out, 0xA1);
        for (size_t k = 0; k < r->n_ops; k++)
            es10_put_operator(out, 0x30, &r->ops[k]);
        dbuf_close(out);
        dbuf_tlv_bits(out, 0x82, r->flags);
        dbuf_close(out);
    }
    dbuf_close(out);
    dbuf_close(out);
    return 0x9000;
}

unsigned es10_get_euicc_challenge(struct softeuicc *se, const uint8_t *req, size_t len,
                                  struct dbuf *out)
{
    if (empty_request(&asn_DEF_GetEuiccChallengeRequest, req, len))
        return 0x6A80;
    se_session_end(se);                /* a new challenge starts a new session */
    if (RAND_bytes(se->session.challenge, sizeof(se->session.challenge)) != 1)
        return 0x6F00;
    se->session.have_challenge = true;  /* needed by AuthenticateServer */
    dbuf_open(out, 0xBF2E);
    dbuf_tlv(out, 0x80, se->session.challenge, sizeof(se->session.challenge));
    dbuf_close(out);
    return 0x9000;
}
