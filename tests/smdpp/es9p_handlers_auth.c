/* SPDX-License-Identifier: MIT */
/* ES9+/ES11 initiateAuthentication and authenticateClient (notes §1.3 steps 4-6, §1.5, §5.4,
 * §7.2, §8.2). Signed parts are checked over the bytes as received. */
#include <stdlib.h>
#include <string.h>

#include <EUICCInfo1.h>

#include "asn1util/asn1util.h"
#include "smdpp_internal.h"

#define DS(s) ((s)->role == SMDPP_ROLE_SMDS)

static int add_b64(cJSON *o, const char *k, const uint8_t *p, size_t n)
{
    char *b = smdpp_b64(p, n);
    if (!b)
        return -1;
    cJSON *it = cJSON_AddStringToObject(o, k, b);
    free(b);
    return it ? 0 : -1;
}

static int add_cert(cJSON *o, const char *k, X509 *c)
{
    uint8_t *der = NULL;
    size_t n;
    if (rspc_cert_to_der(c, &der, &n) != RSPC_OK)
        return -1;
    int rc = add_b64(o, k, der, n);
    OPENSSL_free(der);
    return rc;
}

static int ski_eq(X509 *c, const uint8_t *ski, size_t n)
{
    uint8_t k[64];
    size_t kl;
    return rspc_cert_ski(c, k, sizeof k, &kl) == RSPC_OK && kl == n && !memcmp(k, ski, n);
}

/* The CI from the eUICC's signing list that also issued our auth certificate (notes §8.2). */
static int choose_ci(struct smdpp *s, const EUICCInfo1_t *ei)
{
    uint8_t aki[64];
    size_t al;
    if (rspc_cert_aki(s->auth_cert, aki, sizeof aki, &al) != RSPC_OK)
        return -1;
    for (int i = 0; i < ei->euiccCiPKIdListForSigning.list.count; i++) {
        const OCTET_STRING_t *k = ei->euiccCiPKIdListForSigning.list.array[i];
        if (k->size != (int)al || memcmp(k->buf, aki, al))
            continue;
        for (size_t c = 0; c < s->n_ci; c++)
            if (ski_eq(s->ci[c], k->buf, (size_t)k->size))
                return (int)c;
    }
    return -1;
}

static int in_verification_list(struct smdpp *s, const EUICCInfo1_t *ei, int ci)
{
    int n = ei->euiccCiPKIdListForVerification.list.count;
    if (n == 0)
        return 1;
    for (int i = 0; i < n; i++) {
        const OCTET_STRING_t *k = ei->euiccCiPKIdListForVerification.list.array[i];
        if (ski_eq(s->ci[ci], k->buf, (size_t)k->size))
            return 1;
    }
    return 0;
}

int smdpp_initiate_authentication(struct smdpp *s, const cJSON *req, struct smdpp_reply *r)
{
    uint8_t *chal = NULL, *info1 = NULL;
    size_t cl, il;
    EUICCInfo1_t *ei = NULL;
    struct rspc_buf ss1 = {0}, v = {0};
    int rc = 0;
    const char *addr = smdpp_json_str(req, "smdpAddress");
    if (!addr) {
        smdpp_fail(s, r, "1.3.1", "2.2", "mandatory element smdpAddress missing");
        goto out;
    }
    if (smdpp_json_b64(s, req, "euiccChallenge", 64, &chal, &cl, r) ||
        smdpp_json_b64(s, req, "euiccInfo1", 8192, &info1, &il, r))
        goto out;
    if (cl != 16) {
        smdpp_fail(s, r, "1.3.1", "2.1", "euiccChallenge must be 16 bytes");
        goto out;
    }
    if (strcmp(addr, s->name)) {  /* exact comparison, as osmo-smdpp (notes §5.3) */
        smdpp_fail(s, r, DS(s) ? "8.9.1" : "8.8.1", "3.8", "address %.64s is not %s", addr,
                   s->name);
        goto out;
    }
    if (esimlpa__der_decode(&asn_DEF_EUICCInfo1, (void **)&ei, info1, il) != 0) {
        smdpp_fail(s, r, "1.3.1", "2.1", "euiccInfo1 is not a valid EUICCInfo1 (BF20)");
        goto out;
    }
    int ci = choose_ci(s, ei);
    if (ci < 0) {
        smdpp_fail(s, r, DS(s) ? "8.9.2" : "8.8.2", "3.1",
                   "none of the eUICC's CI PKIDs for signing issued our certificate");
        goto out;
    }
    if (!in_verification_list(s, ei, ci)) {
        smdpp_fail(s, r, DS(s) ? "8.9.4" : "8.8.4", "3.7",
                   "the eUICC cannot verify a certificate under our CI");
        goto out;
    }
    struct smdpp_session *sess = smdpp_session_new(s);
    if (!sess)
        return -1;
    sess->ci = ci;
    /* serverSigned1 = 30 {80 txid, 81 euiccChallenge, 83 serverAddress, 84 serverChallenge} */
    uint8_t sig[RSPC_SIG_LEN], sigtlv[RSPC_SIG_TLV_LEN], pkid[22] = {0x04, 0x14};
    size_t kl;
    if (rspc_tlv_put(&v, 0x80, sess->txid, sizeof sess->txid) ||
        rspc_tlv_put(&v, 0x81, chal, 16) ||
        rspc_tlv_put(&v, 0x83, (const uint8_t *)s->name, strlen(s->name)) ||
        rspc_tlv_put(&v, 0x84, sess->server_challenge, 16) ||
        rspc_tlv_put(&ss1, 0x30, v.data, v.len) ||
        rspc_sign(s->auth_key, ss1.data, ss1.len, sig) ||
        rspc_cert_ski(s->ci[ci], pkid + 2, 20, &kl) || kl != 20) {
        rc = -1;
        goto out;
    }
    rspc_sig_wrap(sig, sigtlv);
    if (!cJSON_AddStringToObject(r->body, "transactionId", sess->txid_hex) ||
        add_b64(r->body, "serverSigned1", ss1.data, ss1.len) ||
        add_b64(r->body, "serverSignature1", sigtlv, sizeof sigtlv) ||
        add_b64(r->body, "euiccCiPKIdToBeUsed", pkid, sizeof pkid) ||
        add_cert(r->body, "serverCertificate", s->auth_cert))
        rc = -1;
    smdpp_log(s, "initiateAuthentication: session %s", sess->txid_hex);
out:
    if (ei)
        ASN_STRUCT_FREE(asn_DEF_EUICCInfo1, ei);
    free(chal);
    free(info1);
    rspc_buf_free(&ss1);
    rspc_buf_free(&v);
    return rc;
}

/* Next child TLV of a constructed value, in order. */
static int next_child(const uint8_t *v, size_t len, size_t *off, struct rspc_tlv *t)
{
    if (*off >= len || rspc_tlv_parse(v + *off, len - *off, t) != RSPC_OK)
        return -1;
    *off += t->total;
    return 0;
}

int smdpp_verify_auth_response(struct smdpp *s, struct smdpp_session *sess, const uint8_t *der,
                               size_t len, char **matching_id, uint8_t sig1[RSPC_SIG_LEN],
                               struct smdpp_reply *r)
{
    struct rspc_tlv top, ok, es1, sig, cu, cm, t;
    size_t off = 0;
    X509 *euicc = NULL, *eum = NULL;
    X509 *ci = s->ci[sess->ci];
    uint8_t aki[64], ski[64];
    size_t al, sl;
    *matching_id = NULL;
    if (smdpp_tlv_whole(der, len, 0xBF38, &top) || rspc_tlv_parse(top.value, top.len, &ok) ||
        ok.total != top.len)
        return smdpp_fail(s, r, "1.3.1", "2.1", "authenticateServerResponse is not a BF38"), -1;
    if (ok.tag == 0xA1) {
        struct rspc_tlv code;
        int c = smdpp_tlv_find(ok.value, ok.len, 0x02, &code) == RSPC_OK && code.len == 1
                    ? code.value[0] : -1;
        return smdpp_fail(s, r, "8.1", "6.1", "the eUICC refused: authenticateErrorCode %d", c),
               -1;
    }
    if (ok.tag != 0xA0 || next_child(ok.value, ok.len, &off, &es1) || es1.tag != 0x30 ||
        next_child(ok.value, ok.len, &off, &sig) || sig.tag != 0x5F37 ||
        next_child(ok.value, ok.len, &off, &cu) || cu.tag != 0x30 ||
        next_child(ok.value, ok.len, &off, &cm) || cm.tag != 0x30)
        return smdpp_fail(s, r, "1.3.1", "2.1", "AuthenticateResponseOk malformed"), -1;
    int rc = -1;
    const uint8_t *p;
    p = cm.value - cm.hdr_len;
    if (!(eum = rspc_cert_from_der(p, cm.total))) {
        smdpp_fail(s, r, "8.1.2", "6.1", "CERT.EUM does not parse");
        goto out;
    }
    if (rspc_cert_aki(eum, aki, sizeof aki, &al) || rspc_cert_ski(ci, ski, sizeof ski, &sl) ||
        al != sl || memcmp(aki, ski, al)) {
        smdpp_fail(s, r, "8.11.1", "3.9", "CERT.EUM is not issued by the chosen CI");
        goto out;
    }
    if (rspc_cert_verify_chain(eum, NULL, 0, ci, 0) || rspc_cert_check_role(eum, RSPC_ROLE_EUM)) {
        smdpp_fail(s, r, "8.1.2", "6.1", "CERT.EUM does not verify under the CI");
        goto out;
    }
    p = cu.value - cu.hdr_len;
    if (!(euicc = rspc_cert_from_der(p, cu.total))) {
        smdpp_fail(s, r, "8.1.3", "6.1", "CERT.EUICC does not parse");
        goto out;
    }
    if (rspc_cert_eid(euicc, sess->eid) != RSPC_OK) {
        smdpp_fail(s, r, "8.1.3", "6.1", "CERT.EUICC carries no valid EID");
        goto out;
    }
    int vr = rspc_cert_verify_chain(euicc, &eum, 1, ci, 0);
    if (vr == RSPC_EEID) {
        smdpp_fail(s, r, "8.1.4", "6.1", "EID outside the EUM's permitted range");
        goto out;
    }
    if (vr != RSPC_OK || rspc_cert_check_role(euicc, RSPC_ROLE_EUICC)) {
        smdpp_fail(s, r, "8.1.3", "6.1", "CERT.EUICC does not verify under CERT.EUM");
        goto out;
    }
    p = es1.value - es1.hdr_len;
    if (smdpp_verify_sig(euicc, p, es1.total, &sig) != RSPC_OK) {
        smdpp_fail(s, r, "8.1", "6.1", "euiccSignature1 does not verify");
        goto out;
    }
    if (smdpp_tlv_find(es1.value, es1.len, 0x80, &t) || t.len != sizeof sess->txid ||
        memcmp(t.value, sess->txid, t.len)) {
        smdpp_fail(s, r, "8.10.1", "3.9", "signed transactionId differs from the session's");
        goto out;
    }
    if (smdpp_tlv_find(es1.value, es1.len, 0x84, &t) || t.len != 16 ||
        memcmp(t.value, sess->server_challenge, 16)) {
        smdpp_fail(s, r, "8.1", "6.1", "serverChallenge does not match");
        goto out;
    }
    struct rspc_tlv cp1, mid;
    if (smdpp_tlv_find(es1.value, es1.len, 0xA0, &cp1) == RSPC_OK &&
        smdpp_tlv_find(cp1.value, cp1.len, 0x80, &mid) == RSPC_OK) {
        if (mid.len > 255 || memchr(mid.value, 0, mid.len)) {
            smdpp_fail(s, r, "8.2.6", "3.8", "matchingId malformed");
            goto out;
        }
        *matching_id = strndup((const char *)mid.value, mid.len);
        if (!*matching_id)
            goto out;
    }
    memcpy(sig1, sig.value, RSPC_SIG_LEN);
    X509_free(sess->euicc_cert);
    X509_free(sess->eum_cert);
    sess->euicc_cert = euicc;
    sess->eum_cert = eum;
    euicc = eum = NULL;
    rc = 0;
out:
    X509_free(euicc);
    X509_free(eum);
    return rc;
}

static int smdp_tail(struct smdpp *s, struct smdpp_session *sess, const char *mid,
                     const uint8_t sig1[RSPC_SIG_LEN], struct smdpp_reply *r)
{
    char eid[33];
    rspc_eid_from_bytes(sess->eid, eid);
    struct smdpp_order *o = smdpp_order_find(s, mid ? mid : "");
    if (!o)
        return smdpp_fail(s, r, "8.2.6", "3.8", "matchingId %.64s unknown", mid ? mid : "");
    if (o->state == ORDER_CC_LOCKED)
        return smdpp_fail(s, r, "8.8.5", "6.4", "order %s: confirmation code retries exceeded",
                          o->matching_id);
    if (o->state == ORDER_DOWNLOADED || o->state == ORDER_INSTALLED)
        return smdpp_fail(s, r, "8.2.6", "3.8", "order %s already downloaded (%s)",
                          o->matching_id, smdpp_order_state_name(o->state));
    if (o->eid && strcmp(o->eid, eid))
        return smdpp_fail(s, r, "8.1.1", "3.8", "order %s is bound to another EID",
                          o->matching_id);
    for (struct smdpp_session *x = s->sessions; x; x = x->next)
        if (x != sess && x->order == o)
            x->order = NULL;  /* a new attempt takes the order over */
    /* smdpSigned2 = 30 {80 txid, 01 ccRequiredFlag}; signed with euiccSignature1 (§7.2) */
    struct rspc_buf v = {0}, ss2 = {0}, tbs = {0};
    uint8_t flag = o->cc ? 0xFF : 0x00, sigtlv[RSPC_SIG_TLV_LEN], sig[RSPC_SIG_LEN];
    rspc_sig_wrap(sig1, sigtlv);
    int rc = -1;
    if (rspc_tlv_put(&v, 0x80, sess->txid, sizeof sess->txid) || rspc_tlv_put(&v, 0x01, &flag, 1) ||
        rspc_tlv_put(&ss2, 0x30, v.data, v.len) || rspc_buf_append(&tbs, ss2.data, ss2.len) ||
        rspc_buf_append(&tbs, sigtlv, sizeof sigtlv) ||
        rspc_sign(s->pb_key, tbs.data, tbs.len, sig))
        goto out;
    memcpy(sess->smdp_sig2, sig, sizeof sig);
    rspc_sig_wrap(sig, sigtlv);
    if (!cJSON_AddStringToObject(r->body, "transactionId", sess->txid_hex) ||
        add_b64(r->body, "profileMetadata", o->profile->metadata, o->profile->metadata_len) ||
        add_b64(r->body, "smdpSigned2", ss2.data, ss2.len) ||
        add_b64(r->body, "smdpSignature2", sigtlv, sizeof sigtlv) ||
        add_cert(r->body, "smdpCertificate", s->pb_cert))
        goto out;
    o->state = ORDER_IN_PROGRESS;
    sess->order = o;
    sess->state = SESS_AUTHENTICATED;
    snprintf(o->last_result, sizeof o->last_result, "authenticated (EID %s)", eid);
    smdpp_log(s, "authenticateClient: session %s order %s EID %s cc %s", sess->txid_hex,
              o->matching_id, eid, o->cc ? "required" : "no");
    rc = 0;
out:
    rspc_buf_free(&v);
    rspc_buf_free(&ss2);
    rspc_buf_free(&tbs);
    return rc;
}

int smdpp_authenticate_client(struct smdpp *s, const cJSON *req, struct smdpp_reply *r)
{
    const char *txid = smdpp_json_str(req, "transactionId");
    struct smdpp_session *sess = smdpp_session_find(s, txid);
    if (txid)
        cJSON_AddStringToObject(r->body, "transactionId", txid);
    if (!sess || sess->state != SESS_INITIATED)
        return smdpp_fail(s, r, "8.10.1", "3.9", "unknown transactionId %.40s",
                          txid ? txid : "(none)");
    uint8_t *asr = NULL, sig1[RSPC_SIG_LEN];
    size_t al;
    char *mid = NULL;
    int rc = 0;
    if (smdpp_json_b64(s, req, "authenticateServerResponse", 65536, &asr, &al, r) ||
        smdpp_verify_auth_response(s, sess, asr, al, &mid, sig1, r))
        goto out;
    cJSON_DeleteItemFromObject(r->body, "transactionId");
    if (DS(s)) {
        rc = smdpp_es11_events(s, sess, r);
        smdpp_session_drop(s, sess);  /* ES11 has no further step (notes §1.5) */
    } else {
        rc = smdp_tail(s, sess, mid, sig1, r);
    }
out:
    free(asr);
    free(mid);
    return rc;
}
