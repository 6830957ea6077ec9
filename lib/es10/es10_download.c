/* SPDX-License-Identifier: MIT */
/* ES10b download functions: GetEUICCChallenge (§5.7.7), AuthenticateServer
 * (§5.7.13), PrepareDownload (§5.7.5), CancelSession (§5.7.14). Requests are
 * built from the server's raw blobs; answers are returned raw for the
 * server. Layouts: notes §4.3, §1.4. */
#include "es10_download.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include <GetEuiccChallengeResponse.h>

#include "es10_common.h"
#include "es10_tlv.h"
#include "../apdu/apdu_internal.h"

static const struct esimlpa__result_map auth_errors[] = {
    { 1, ESIMLPA_EAUTH_INVALID_CERTIFICATE, "invalidCertificate" },
    { 2, ESIMLPA_EAUTH_INVALID_SIGNATURE, "invalidSignature" },
    { 3, ESIMLPA_EAUTH_UNSUPPORTED_CURVE, "unsupportedCurve" },
    { 4, ESIMLPA_EAUTH_NO_SESSION, "noSessionContext" },
    { 5, ESIMLPA_EAUTH_INVALID_OID, "invalidOid" },
    { 6, ESIMLPA_EAUTH_CHALLENGE_MISMATCH, "euiccChallengeMismatch" },
    { 7, ESIMLPA_EAUTH_CI_PK_UNKNOWN, "ciPKUnknown" },
    { 127, ESIMLPA_EAUTH_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static const struct esimlpa__result_map download_errors[] = {
    { 1, ESIMLPA_EPREP_INVALID_CERTIFICATE, "invalidCertificate" },
    { 2, ESIMLPA_EPREP_INVALID_SIGNATURE, "invalidSignature" },
    { 3, ESIMLPA_EPREP_UNSUPPORTED_CURVE, "unsupportedCurve" },
    { 4, ESIMLPA_EPREP_NO_SESSION, "noSessionContext" },
    { 5, ESIMLPA_EPREP_INVALID_TRANSACTION, "invalidTransactionId" },
    { 127, ESIMLPA_EPREP_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static const struct esimlpa__result_map cancel_errors[] = {
    { 5, ESIMLPA_ECANCEL_INVALID_TRANSACTION, "invalidTransactionId" },
    { 127, ESIMLPA_ECANCEL_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

/* Map an error-branch code; 0 there is not a success. */
static int error_code(esimlpa_ctx *ctx, const char *what, long code,
                      const struct esimlpa__result_map *map)
{
    int rc = esimlpa__es10_result(ctx, what, code, map);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: error response with code 0", what);
    return rc;
}

/* ---------- GetEUICCChallenge ---------- */

int esimlpa__es10_get_challenge(esimlpa_ctx *ctx, uint8_t challenge[16])
{
    static const char what[] = "GetEUICCChallenge";
    static const uint8_t req[] = { 0xBF, 0x2E, 0x00 };
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    GetEuiccChallengeResponse_t *r = NULL;
    rc = esimlpa__es10_exchange(ctx, what, req, sizeof req, 0xBF2E,
                                &asn_DEF_GetEuiccChallengeResponse, (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    if (r->euiccChallenge.size != 16)
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: challenge of %d bytes", what,
                           r->euiccChallenge.size);
    else
        memcpy(challenge, r->euiccChallenge.buf, 16);
    ASN_STRUCT_FREE(asn_DEF_GetEuiccChallengeResponse, r);
    return rc;
}

/* ---------- request building ---------- */

/* @s must be exactly one TLV with tag @tag. */
static int check_blob(esimlpa_ctx *ctx, const char *what, const char *name,
                      const struct esimlpa__span *s, unsigned tag)
{
    unsigned t;
    size_t hl, vl;
    if (!s->p || s->len == 0)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: %s missing", what, name);
    if (esimlpa__tlv_header(s->p, s->len, &t, &hl, &vl) != 0 || t != tag || hl + vl != s->len)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: %s is not one %X TLV", what, name, tag);
    return ESIMLPA_OK;
}

int esimlpa__build_authenticate_server(esimlpa_ctx *ctx, const struct esimlpa__auth_server_req *in,
                                       uint8_t **der, size_t *der_len)
{
    static const char what[] = "AuthenticateServer";
    *der = NULL;
    *der_len = 0;
    int rc;
    if (!in || !in->device)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no request", what);
    if ((rc = check_blob(ctx, what, "serverSigned1", &in->server_signed1, 0x30)) ||
        (rc = check_blob(ctx, what, "serverSignature1", &in->server_signature1, 0x5F37)) ||
        (rc = check_blob(ctx, what, "euiccCiPKIdToBeUsed", &in->ci_pkid, 0x04)) ||
        (rc = check_blob(ctx, what, "serverCertificate", &in->server_certificate, 0x30)))
        return rc;
    size_t mid_len = in->matching_id ? strlen(in->matching_id) : 0;
    if (mid_len > 255)
        return esimlpa__fail(ctx, ESIMLPA_ETOOLONG, "%s: matchingId of %zu bytes", what, mid_len);
    /* deviceInfo A1 { 80 tac, A1 deviceCapabilities (empty), 82 imei? } */
    size_t di_len = 6 + 2 + (in->device->has_imei ? 10 : 0);
    size_t ctx_len = (in->matching_id ? esimlpa__tlv_size(1, mid_len) : 0) +
                     esimlpa__tlv_size(1, di_len);
    size_t body = in->server_signed1.len + in->server_signature1.len + in->ci_pkid.len +
                  in->server_certificate.len + esimlpa__tlv_size(1, ctx_len);
    struct esimlpa__tlvbuf b;
    if (esimlpa__tlvbuf_init(&b, esimlpa__tlv_size(2, body)) != 0)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    esimlpa__tlvbuf_hdr(&b, 0xBF38, body);
    esimlpa__tlvbuf_raw(&b, in->server_signed1.p, in->server_signed1.len);
    esimlpa__tlvbuf_raw(&b, in->server_signature1.p, in->server_signature1.len);
    esimlpa__tlvbuf_raw(&b, in->ci_pkid.p, in->ci_pkid.len);
    esimlpa__tlvbuf_raw(&b, in->server_certificate.p, in->server_certificate.len);
    esimlpa__tlvbuf_hdr(&b, 0xA0, ctx_len);      /* ctxParamsForCommonAuthentication */
    if (in->matching_id)
        esimlpa__tlvbuf_tlv(&b, 0x80, (const uint8_t *)in->matching_id, mid_len);
    esimlpa__tlvbuf_hdr(&b, 0xA1, di_len);
    esimlpa__tlvbuf_tlv(&b, 0x80, in->device->tac, 4);
    esimlpa__tlvbuf_tlv(&b, 0xA1, NULL, 0);
    if (in->device->has_imei)
        esimlpa__tlvbuf_tlv(&b, 0x82, in->device->imei, 8);
    return esimlpa__tlvbuf_finish(&b, der, der_len) == 0
               ? ESIMLPA_OK
               : esimlpa__fail(ctx, ESIMLPA_EINTERNAL, "%s: request size mismatch", what);
}

int esimlpa__build_prepare_download(esimlpa_ctx *ctx, const struct esimlpa__prepare_req *in,
                                    uint8_t **der, size_t *der_len)
{
    static const char what[] = "PrepareDownload";
    *der = NULL;
    *der_len = 0;
    int rc;
    if (!in)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no request", what);
    if ((rc = check_blob(ctx, what, "smdpSigned2", &in->smdp_signed2, 0x30)) ||
        (rc = check_blob(ctx, what, "smdpSignature2", &in->smdp_signature2, 0x5F37)) ||
        (rc = check_blob(ctx, what, "smdpCertificate", &in->smdp_certificate, 0x30)))
        return rc;
    size_t body = in->smdp_signed2.len + in->smdp_signature2.len +
                  (in->hash_cc ? 34 : 0) + in->smdp_certificate.len;
    struct esimlpa__tlvbuf b;
    if (esimlpa__tlvbuf_init(&b, esimlpa__tlv_size(2, body)) != 0)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    esimlpa__tlvbuf_hdr(&b, 0xBF21, body);
    esimlpa__tlvbuf_raw(&b, in->smdp_signed2.p, in->smdp_signed2.len);
    esimlpa__tlvbuf_raw(&b, in->smdp_signature2.p, in->smdp_signature2.len);
    if (in->hash_cc)   /* universal OCTET STRING 04 20 (notes §2.2) */
        esimlpa__tlvbuf_tlv(&b, 0x04, in->hash_cc, 32);
    esimlpa__tlvbuf_raw(&b, in->smdp_certificate.p, in->smdp_certificate.len);
    return esimlpa__tlvbuf_finish(&b, der, der_len) == 0
               ? ESIMLPA_OK
               : esimlpa__fail(ctx, ESIMLPA_EINTERNAL, "%s: request size mismatch", what);
}

int esimlpa__build_cancel_session(esimlpa_ctx *ctx, const uint8_t *tid, size_t tid_len,
                                  long reason, uint8_t **der, size_t *der_len)
{
    static const char what[] = "CancelSession";
    *der = NULL;
    *der_len = 0;
    if (!tid || tid_len < 1 || tid_len > 16)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: transactionId of %zu bytes", what,
                             tid_len);
    if (reason < 0 || reason > 127)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: reason %ld", what, reason);
    uint8_t r = (uint8_t)reason;   /* 0..127: one content octet */
    size_t body = esimlpa__tlv_size(1, tid_len) + 3;
    struct esimlpa__tlvbuf b;
    if (esimlpa__tlvbuf_init(&b, esimlpa__tlv_size(2, body)) != 0)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    esimlpa__tlvbuf_hdr(&b, 0xBF41, body);
    esimlpa__tlvbuf_tlv(&b, 0x80, tid, tid_len);
    esimlpa__tlvbuf_tlv(&b, 0x81, &r, 1);
    return esimlpa__tlvbuf_finish(&b, der, der_len) == 0
               ? ESIMLPA_OK
               : esimlpa__fail(ctx, ESIMLPA_EINTERNAL, "%s: request size mismatch", what);
}

/* ---------- answers ---------- */

/*
 * Send @req and check the answer is exactly one @tag TLV holding exactly one
 * TLV. inner_tag, inner and inner_len describe that inner TLV's value. On
 * success *resp is the whole answer (malloc'd).
 */
static int send_and_split(esimlpa_ctx *ctx, const char *what, const uint8_t *req,
                          size_t req_len, unsigned tag, uint8_t **resp, size_t *resp_len,
                          unsigned *inner_tag, const uint8_t **inner, size_t *inner_len)
{
    uint8_t *r = NULL;
    size_t rl = 0;
    int rc = esimlpa__es10_transceive(ctx, what, req, req_len, &r, &rl);
    if (rc != ESIMLPA_OK) {
        free(r);
        return rc;
    }
    unsigned t;
    size_t hl, vl, ihl, ivl;
    if (rl == 0) {
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: empty response (expected tag %X)", what,
                           tag);
    } else if (esimlpa__tlv_header(r, rl, &t, &hl, &vl) != 0 || hl + vl != rl) {
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed response (%zu bytes)", what, rl);
    } else if (t != tag) {
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED,
                           "%s: unexpected response (tag %X, expected %X)", what, t, tag);
    } else if (esimlpa__tlv_header(r + hl, vl, inner_tag, &ihl, &ivl) != 0 || ihl + ivl != vl) {
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed response (%zu bytes)", what, rl);
    } else {
        *inner = r + hl + ihl;
        *inner_len = ivl;
        *resp = r;
        *resp_len = rl;
        return ESIMLPA_OK;
    }
    free(r);
    return rc;
}

/* Error branch { 80 transactionId, INTEGER code } with the code tagged 02
 * (X.680 automatic-tagging rule) or 81 (as some implementations send it,
 * notes pitfall 11). */
static int error_branch(esimlpa_ctx *ctx, const char *what, const uint8_t *v, size_t len,
                        const struct esimlpa__result_map *map)
{
    unsigned t;
    size_t hl, vl;
    long code;
    if (esimlpa__tlv_header(v, len, &t, &hl, &vl) != 0 || t != 0x80 || vl < 1 || vl > 16)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: error response without transactionId",
                             what);
    v += hl + vl;
    len -= hl + vl;
    if (esimlpa__tlv_header(v, len, &t, &hl, &vl) != 0 || (t != 0x02 && t != 0x81) ||
        hl + vl != len || esimlpa__tlv_small_int(v + hl, vl, &code) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed error code", what);
    return error_code(ctx, what, code, map);
}

int esimlpa__es10_authenticate_server(esimlpa_ctx *ctx, const struct esimlpa__auth_server_req *in,
                                      uint8_t **resp, size_t *resp_len)
{
    static const char what[] = "AuthenticateServer";
    *resp = NULL;
    *resp_len = 0;
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    uint8_t *req = NULL, *r = NULL;
    size_t req_len = 0, rl = 0, il = 0;
    unsigned it;
    const uint8_t *iv = NULL;
    if ((rc = esimlpa__build_authenticate_server(ctx, in, &req, &req_len)) != ESIMLPA_OK)
        return rc;
    rc = send_and_split(ctx, what, req, req_len, 0xBF38, &r, &rl, &it, &iv, &il);
    free(req);
    if (rc != ESIMLPA_OK)
        return rc;
    if (it == 0xA0) {          /* authenticateResponseOk: forwarded as is */
        *resp = r;
        *resp_len = rl;
        return ESIMLPA_OK;
    }
    if (it == 0xA1)
        rc = error_branch(ctx, what, iv, il, auth_errors);
    else
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: unknown response alternative %X",
                           what, it);
    free(r);
    return rc;
}

int esimlpa__es10_prepare_download(esimlpa_ctx *ctx, const struct esimlpa__prepare_req *in,
                                   uint8_t **resp, size_t *resp_len)
{
    static const char what[] = "PrepareDownload";
    *resp = NULL;
    *resp_len = 0;
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    uint8_t *req = NULL, *r = NULL;
    size_t req_len = 0, rl = 0, il = 0;
    unsigned it;
    const uint8_t *iv = NULL;
    if ((rc = esimlpa__build_prepare_download(ctx, in, &req, &req_len)) != ESIMLPA_OK)
        return rc;
    /* Request and answer both hold hashCc (notes §2.2): not traced. */
    ctx->trace_redact = "PrepareDownload carries hashCc";
    rc = send_and_split(ctx, what, req, req_len, 0xBF21, &r, &rl, &it, &iv, &il);
    ctx->trace_redact = NULL;
    OPENSSL_cleanse(req, req_len);   /* holds the hashCc: wiped and freed at once */
    free(req);
    if (rc != ESIMLPA_OK)
        return rc;
    if (it == 0xA0) {
        *resp = r;
        *resp_len = rl;
        return ESIMLPA_OK;
    }
    if (it == 0xA1)
        rc = error_branch(ctx, what, iv, il, download_errors);
    else
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: unknown response alternative %X",
                           what, it);
    OPENSSL_cleanse(r, rl);   /* euiccSigned2 may carry hashCc */
    free(r);
    return rc;
}

int esimlpa__es10_cancel_session(esimlpa_ctx *ctx, const uint8_t *tid, size_t tid_len,
                                 long reason, uint8_t **resp, size_t *resp_len)
{
    static const char what[] = "CancelSession";
    *resp = NULL;
    *resp_len = 0;
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    uint8_t *req = NULL, *r = NULL;
    size_t req_len = 0, rl = 0, il = 0;
    unsigned it;
    const uint8_t *iv = NULL;
    if ((rc = esimlpa__build_cancel_session(ctx, tid, tid_len, reason, &req, &req_len)) !=
        ESIMLPA_OK)
        return rc;
    rc = send_and_split(ctx, what, req, req_len, 0xBF41, &r, &rl, &it, &iv, &il);
    free(req);
    if (rc != ESIMLPA_OK)
        return rc;
    long code;
    if (it == 0xA0) {
        rc = ESIMLPA_OK;
    } else if (it == 0x81) {
        if (esimlpa__tlv_small_int(iv, il, &code) != 0)
            rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed error code", what);
        else
            rc = error_code(ctx, what, code, cancel_errors);
    } else {
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: unknown response alternative %X",
                           what, it);
    }
    if (rc == ESIMLPA_OK || it == 0x81) {   /* the error answer is forwarded too */
        *resp = r;
        *resp_len = rl;
    } else {
        free(r);
    }
    return rc;
}

/* ---------- smdpSigned2 ---------- */

int esimlpa__smdp_signed2_parse(esimlpa_ctx *ctx, const uint8_t *p, size_t len,
                                uint8_t tid[16], size_t *tid_len, int *cc_required)
{
    static const char what[] = "smdpSigned2";
    unsigned t;
    size_t hl, vl;
    if (esimlpa__tlv_header(p, len, &t, &hl, &vl) != 0 || t != 0x30 || hl + vl != len)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: not one SEQUENCE", what);
    p += hl;
    len = vl;
    /* 80 transactionId */
    if (esimlpa__tlv_header(p, len, &t, &hl, &vl) != 0 || t != 0x80 || vl < 1 || vl > 16)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: bad transactionId", what);
    memcpy(tid, p + hl, vl);
    *tid_len = vl;
    p += hl + vl;
    len -= hl + vl;
    /* 01 ccRequiredFlag: universal BOOLEAN (SmdpSigned2 is not auto-tagged, notes §4.1) */
    if (esimlpa__tlv_header(p, len, &t, &hl, &vl) != 0 || t != 0x01 || vl != 1)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: bad ccRequiredFlag", what);
    *cc_required = p[hl] != 0;
    p += hl + vl;
    len -= hl + vl;
    /* Anything after (5F49 bppEuiccOtpk, extensions) must still be TLVs. */
    while (len) {
        if (esimlpa__tlv_header(p, len, &t, &hl, &vl) != 0)
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: trailing garbage", what);
        p += hl + vl;
        len -= hl + vl;
    }
    return ESIMLPA_OK;
}
