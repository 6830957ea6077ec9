/* SPDX-License-Identifier: MIT */
/* ES10b AuthenticateServer (BF38) and PrepareDownload (BF21): the eUICC side of
 * mutual authentication and the one-time ECKA key (sgp22-notes §1.3, §4.3, §7.2,
 * §7.6). Signatures are checked over the raw received bytes, never a re-encoding. */
#include <stdlib.h>
#include <string.h>

#include <AuthenticateServerRequest.h>
#include <PrepareDownloadRequest.h>

#include "es10_handlers.h"
#include "rspcrypto.h"
#include "softeuicc_internal.h"

/* AuthenticateErrorCode / DownloadErrorCode values */
enum { E_CERT = 1, E_SIG = 2, E_CURVE = 3, E_NOSESSION = 4, E_OID = 5, E_CHALLENGE = 6,
       E_CIPK = 7, E_TXID = 5, E_UNDEFINED = 127 };

/* tag { A1 { 80 txid, 02 code } } */
static unsigned error_response(struct dbuf *out, unsigned tag, const uint8_t *txid,
                               size_t txid_len, long code)
{
    dbuf_free(out);
    dbuf_open(out, tag);
    dbuf_open(out, 0xA1);
    dbuf_tlv(out, 0x80, txid, txid_len);
    dbuf_tlv_int(out, 0x02, code);
    dbuf_close(out);
    dbuf_close(out);
    return 0x9000;
}

/* The n-th child TLV of a constructed TLV (the request was already checked by asn1c). */
static int child(const uint8_t *req, size_t len, int n, struct sim_tlv *t)
{
    unsigned tag;
    size_t h, l, off = 0;
    if (sim_tlv_header(req, len, &tag, &h, &l))
        return -1;
    for (int i = 0; i <= n; i++)
        if (sim_tlv_next(req + h, l, &off, t) != 1)
            return -1;
    return 0;
}

/* Parse a server certificate and check it against the CI and the allowed roles.
 * Returns 0 with *out, or E_CURVE / E_CERT. */
static int check_cert(struct softeuicc *se, X509 *ci, const struct sim_tlv *der,
                      const enum rspc_role *roles, size_t n_roles, X509 **out)
{
    int nid, rc = E_CERT;
    *out = NULL;
    X509 *x = rspc_cert_from_der(der->tlv, der->tlv_len);
    if (!x) {
        se_log(se, "server certificate does not parse");
        return E_CERT;
    }
    if (rspc_pkey_curve(X509_get0_pubkey(x), &nid) != RSPC_OK) {
        se_log(se, "server certificate key is not on P-256 or brainpoolP256r1");
        rc = E_CURVE;
        goto out;
    }
    if (!ci) {
        se_log(se, "no CI certificate loaded (--ci-cert): cannot verify server certificates");
        goto out;
    }
    if (rspc_cert_verify_chain(x, NULL, 0, ci, 0) != RSPC_OK) {
        se_log(se, "server certificate does not chain to the CI");
        goto out;
    }
    for (size_t i = 0; i < n_roles; i++)
        if (rspc_cert_check_role(x, roles[i]) == RSPC_OK) {
            *out = x;
            return 0;
        }
    se_log(se, "server certificate lacks the required role policy");
out:
    X509_free(x);
    return rc;
}

static char *dup_utf8(const uint8_t *p, size_t n)
{
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, p, n);
        s[n] = 0;
    }
    return s;
}

unsigned es10_authenticate_server(struct softeuicc *se, const uint8_t *req, size_t len,
                                  struct dbuf *out)
{
    AuthenticateServerRequest_t *r = NULL;
    struct sim_tlv signed1, sig1, pkid, cert, ctx;
    if (sim_decode(&asn_DEF_AuthenticateServerRequest, (void **)&r, req, len))
        return 0x6A80;
    if (child(req, len, 0, &signed1) || child(req, len, 1, &sig1) ||
        child(req, len, 2, &pkid) || child(req, len, 3, &cert) || child(req, len, 4, &ctx)) {
        ASN_STRUCT_FREE(asn_DEF_AuthenticateServerRequest, r);
        return 0x6A80;
    }
    const ServerSigned1_t *s1 = &r->serverSigned1;
    const uint8_t *txid = s1->transactionId.buf;
    size_t txid_len = (size_t)s1->transactionId.size;
    struct se_session *ss = &se->session;
    static const enum rspc_role roles[] = { RSPC_ROLE_DP_AUTH, RSPC_ROLE_DS_AUTH };
    X509 *x = NULL;
    long code = 0;
    uint8_t oid[32];
    size_t oid_len = 0;
    /* The checks in the order of sgp22-notes §7.6. */
    if (!ss->have_challenge || ss->authenticated) {
        code = E_NOSESSION;
    } else if (pkid.val_len != se->id->ci_pkid_len ||
               memcmp(pkid.val, se->id->ci_pkid, pkid.val_len)) {
        code = E_CIPK;
    } else if ((code = check_cert(se, se->id->ci, &cert, roles, 2, &x)) != 0) {
        /* code set */
    } else if (r->serverSignature1.size != RSPC_SIG_LEN ||
               rspc_verify(X509_get0_pubkey(x), signed1.tlv, signed1.tlv_len,
                           r->serverSignature1.buf) != RSPC_OK) {
        code = E_SIG;
    } else if (s1->euiccChallenge.size != 16 ||
               memcmp(s1->euiccChallenge.buf, ss->challenge, 16)) {
        code = E_CHALLENGE;
    } else if (rspc_cert_registered_id(x, oid, sizeof(oid), &oid_len) != RSPC_OK) {
        code = E_OID;                  /* no SM-DP+/SM-DS OID in subjectAltName */
    }
    X509_free(x);
    if (code) {
        se_log(se, "AuthenticateServer: error %ld", code);
        if (code != E_NOSESSION)
            se_session_end(se);        /* the challenge is used up */
        unsigned sw = error_response(out, 0xBF38, txid, txid_len, code);
        ASN_STRUCT_FREE(asn_DEF_AuthenticateServerRequest, r);
        return sw;
    }
    /* euiccSigned1 = 30 { 80 txid, 83 serverAddress, 84 serverChallenge, BF22, A0 ctxParams1 } */
    struct dbuf s;
    dbuf_init(&s);
    dbuf_open(&s, 0x30);
    dbuf_tlv(&s, 0x80, txid, txid_len);
    dbuf_tlv(&s, 0x83, s1->serverAddress.buf, (size_t)s1->serverAddress.size);
    dbuf_tlv(&s, 0x84, s1->serverChallenge.buf, (size_t)s1->serverChallenge.size);
    es10_encode_euicc_info2(se, &s);
    dbuf_put(&s, ctx.tlv, ctx.tlv_len);
    dbuf_close(&s);
    const UTF8String_t *mid =
        r->ctxParams1.present == CtxParams1_PR_ctxParamsForCommonAuthentication
            ? r->ctxParams1.choice.ctxParamsForCommonAuthentication.matchingId : NULL;
    ss->server_address = dup_utf8(s1->serverAddress.buf, (size_t)s1->serverAddress.size);
    ss->matching_id = mid ? dup_utf8(mid->buf, (size_t)mid->size) : NULL;
    unsigned sw = 0x9000;
    if (dbuf_ok(&s) || !ss->server_address || (mid && !ss->matching_id) ||
        se_identity_sign(se->id, s.p, s.len, ss->euicc_sig1)) {
        se_session_end(se);
        sw = error_response(out, 0xBF38, txid, txid_len, E_UNDEFINED);
        goto done;
    }
    memcpy(ss->txid, txid, txid_len);
    ss->txid_len = txid_len;
    memcpy(ss->dpauth_oid, oid, oid_len);
    ss->dpauth_oid_len = oid_len;
    ss->ci = se->id->ci;
    ss->authenticated = true;
    dbuf_open(out, 0xBF38);
    dbuf_open(out, 0xA0);
    dbuf_put(out, s.p, s.len);
    dbuf_tlv(out, 0x5F37, ss->euicc_sig1, 64);
    dbuf_put(out, se->id->euicc_cert, se->id->euicc_cert_len);
    dbuf_put(out, se->id->eum_cert, se->id->eum_cert_len);
    dbuf_close(out);
    dbuf_close(out);
    se_log(se, "AuthenticateServer: ok, server %s, matchingId %s", ss->server_address,
           ss->matching_id ? ss->matching_id : "(none)");
done:
    dbuf_free(&s);
    ASN_STRUCT_FREE(asn_DEF_AuthenticateServerRequest, r);
    return sw;
}

unsigned es10_prepare_download(struct softeuicc *se, const uint8_t *req, size_t len,
                               struct dbuf *out)
{
    PrepareDownloadRequest_t *r = NULL;
    struct sim_tlv signed2, last;
    if (sim_decode(&asn_DEF_PrepareDownloadRequest, (void **)&r, req, len))
        return 0x6A80;
    int n_children = r->hashCc ? 4 : 3;
    if (child(req, len, 0, &signed2) || child(req, len, n_children - 1, &last)) {
        ASN_STRUCT_FREE(asn_DEF_PrepareDownloadRequest, r);
        return 0x6A80;
    }
    const SmdpSigned2_t *s2 = &r->smdpSigned2;
    const uint8_t *txid = s2->transactionId.buf;
    size_t txid_len = (size_t)s2->transactionId.size;
    struct se_session *ss = &se->session;
    static const enum rspc_role roles[] = { RSPC_ROLE_DP_PB };
    X509 *x = NULL;
    long code = 0;
    uint8_t oid[32];
    size_t oid_len = 0;
    if (!ss->authenticated || ss->bpp) {
        code = E_NOSESSION;
    } else if (txid_len != ss->txid_len || memcmp(txid, ss->txid, txid_len)) {
        code = E_TXID;
    } else if ((code = check_cert(se, ss->ci, &last, roles, 1, &x)) != 0) {
        /* code set */
    } else if (rspc_cert_registered_id(x, oid, sizeof(oid), &oid_len) != RSPC_OK) {
        code = E_CERT;                 /* the PIR needs the SM-DP+ OID of CERT.DPpb */
    } else {
        /* smdpSignature2 covers smdpSigned2 || 5F37 40 euiccSignature1 (§7.2) */
        struct dbuf m;
        dbuf_init(&m);
        dbuf_put(&m, signed2.tlv, signed2.tlv_len);
        dbuf_tlv(&m, 0x5F37, ss->euicc_sig1, 64);
        if (dbuf_ok(&m))
            code = E_UNDEFINED;
        else if (r->smdpSignature2.size != RSPC_SIG_LEN ||
                 rspc_verify(X509_get0_pubkey(x), m.p, m.len, r->smdpSignature2.buf) != RSPC_OK)
            code = E_SIG;
        dbuf_free(&m);
    }
    /* ccRequiredFlag set but no hashCc: our choice is undefinedError(127); the
     * SM-DP+ checks the value itself (sgp22-notes §1.3 step 9). */
    if (!code && s2->ccRequiredFlag && !r->hashCc)
        code = E_UNDEFINED;
    if (code) {
        X509_free(x);
        se_log(se, "PrepareDownload: error %ld", code);
        unsigned sw = error_response(out, 0xBF21, txid, txid_len, code);
        ASN_STRUCT_FREE(asn_DEF_PrepareDownloadRequest, r);
        return sw;
    }
    /* A retry names the otPK it already got (bppEuiccOtpk): keep that pair if we still have it. */
    bool reuse = ss->prepared && ss->otsk && s2->bppEuiccOtpk &&
                 s2->bppEuiccOtpk->size == RSPC_POINT_LEN &&
                 !memcmp(s2->bppEuiccOtpk->buf, ss->otpk, RSPC_POINT_LEN);
    if (!reuse) {
        EVP_PKEY_free(ss->otsk);
        ss->otsk = rspc_keygen_for_cert(x);   /* on the curve of CERT.DPpb (§7.3) */
        if (!ss->otsk || rspc_pkey_point(ss->otsk, ss->otpk) != RSPC_OK) {
            X509_free(x);
            EVP_PKEY_free(ss->otsk);
            ss->otsk = NULL;
            unsigned sw = error_response(out, 0xBF21, txid, txid_len, E_UNDEFINED);
            ASN_STRUCT_FREE(asn_DEF_PrepareDownloadRequest, r);
            return sw;
        }
    }
    X509_free(ss->dppb);
    ss->dppb = x;
    memcpy(ss->dppb_oid, oid, oid_len);
    ss->dppb_oid_len = oid_len;
    /* euiccSigned2 = 30 { 80 txid, 5F49 otpk, [04 hashCc] }; signed with || 5F37 smdpSignature2 */
    struct dbuf s;
    uint8_t sig[64];
    dbuf_init(&s);
    dbuf_open(&s, 0x30);
    dbuf_tlv(&s, 0x80, txid, txid_len);
    dbuf_tlv(&s, 0x5F49, ss->otpk, RSPC_POINT_LEN);
    if (r->hashCc)
        dbuf_tlv(&s, 0x04, r->hashCc->buf, (size_t)r->hashCc->size);
    dbuf_close(&s);
    size_t signed_len = s.len;
    dbuf_tlv(&s, 0x5F37, r->smdpSignature2.buf, RSPC_SIG_LEN);
    unsigned sw = 0x9000;
    if (dbuf_ok(&s) || se_identity_sign(se->id, s.p, s.len, sig)) {
        sw = error_response(out, 0xBF21, txid, txid_len, E_UNDEFINED);
    } else {
        ss->prepared = true;
        dbuf_open(out, 0xBF21);
        dbuf_open(out, 0xA0);
        dbuf_put(out, s.p, signed_len);
        dbuf_tlv(out, 0x5F37, sig, sizeof(sig));
        dbuf_close(out);
        dbuf_close(out);
        se_log(se, "PrepareDownload: ok%s", reuse ? " (otPK reused)" : "");
    }
    dbuf_free(&s);
    ASN_STRUCT_FREE(asn_DEF_PrepareDownloadRequest, r);
    return sw;
}
