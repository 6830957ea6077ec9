/* SPDX-License-Identifier: MIT */
/* ES9+ getBoundProfilePackage (notes §1.3 step 9, §2.2 hashCc, §6, §7.2-7.5). */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "smdpp_internal.h"

/* hashCc = SHA-256(SHA-256(CC) || transactionId) with the binary transactionId (notes §2.2). */
static int hash_cc(const char *cc, const uint8_t *txid, size_t txl, uint8_t out[32])
{
    uint8_t in[32 + 16];
    unsigned n;
    if (txl > 16 || !EVP_Digest(cc, strlen(cc), in, &n, EVP_sha256(), NULL))
        return -1;
    memcpy(in + 32, txid, txl);
    int ok = EVP_Digest(in, 32 + txl, out, &n, EVP_sha256(), NULL);
    OPENSSL_cleanse(in, sizeof in);
    return ok ? 0 : -1;
}

/* Confirmation code (8.2.7): 0 accepted, -1 refused (r set). */
static int check_cc(struct smdpp *s, struct smdpp_order *o, const uint8_t *txid,
                    const struct rspc_tlv *es2, struct smdpp_reply *r)
{
    struct rspc_tlv h;
    uint8_t want[32];
    if (!o->cc)
        return 0;
    if (smdpp_tlv_find(es2->value, es2->len, 0x04, &h) != RSPC_OK) {
        snprintf(o->last_result, sizeof o->last_result, "confirmation code missing");
        smdpp_fail(s, r, "8.2.7", "2.2", "confirmation code missing");
        return -1;
    }
    if (hash_cc(o->cc, txid, 16, want) != 0)
        return -1;
    int ok = h.len == 32 && CRYPTO_memcmp(h.value, want, 32) == 0;
    OPENSSL_cleanse(want, sizeof want);
    if (ok)
        return 0;
    o->cc_failures++;
    if (o->cc_failures >= s->cc_max_attempts) {
        o->state = ORDER_CC_LOCKED;
        snprintf(o->last_result, sizeof o->last_result, "confirmation code retries exceeded");
        smdpp_fail(s, r, "8.2.7", "6.4", "confirmation code retries exceeded (%u)",
                   o->cc_failures);
    } else {
        snprintf(o->last_result, sizeof o->last_result, "confirmation code refused (%u)",
                 o->cc_failures);
        smdpp_fail(s, r, "8.2.7", "3.8", "confirmation code refused (%u of %u)", o->cc_failures,
                   s->cc_max_attempts);
    }
    return -1;
}

static int build_bpp(struct smdpp *s, struct smdpp_session *sess, const struct rspc_tlv *otpk,
                     struct rspc_buf *bpp)
{
    struct smdpp_order *o = sess->order;
    struct rspc_ppk ppk;
    EVP_PKEY *ot = rspc_keygen_for_cert(s->pb_cert);  /* on the DPpb curve (notes §7.3) */
    if (!ot)
        return -1;
    if (o->ppk && (RAND_bytes(ppk.mcv, 16) != 1 || RAND_bytes(ppk.enc, 16) != 1 ||
                   RAND_bytes(ppk.cmac, 16) != 1)) {
        EVP_PKEY_free(ot);
        return -1;
    }
    struct rspc_bpp_params p = {
        .txid = sess->txid, .txid_len = sizeof sess->txid,
        .host_id = (const uint8_t *)s->host_id, .host_id_len = strlen(s->host_id),
        .smdp_otsk = ot,
        .euicc_otpk = otpk->value, .euicc_otpk_len = otpk->len,
        .eid = sess->eid,
        .dppb_key = s->pb_key,
        .metadata = o->profile->metadata, .metadata_len = o->profile->metadata_len,
        .upp = o->profile->upp, .upp_len = o->profile->upp_len,
        .ppk = o->ppk ? &ppk : NULL,
    };
    int rc = rspc_bpp_build(&p, bpp);
    OPENSSL_cleanse(&ppk, sizeof ppk);
    EVP_PKEY_free(ot);
    return rc == RSPC_OK ? 0 : -1;
}

/* Fault bpp-tlv: the tag of the middle 86 of A3 becomes 85. 0 or -1. */
static int garble_middle_86(uint8_t *bpp, size_t len)
{
    struct rspc_tlv top, t;
    if (rspc_tlv_parse(bpp, len, &top) || top.tag != 0xBF36)
        return -1;
    uint8_t *p = bpp + top.hdr_len, *end = bpp + top.total;
    while (p < end && !rspc_tlv_parse(p, (size_t)(end - p), &t) && t.tag != 0xA3)
        p += t.total;
    if (p >= end || t.tag != 0xA3)
        return -1;
    uint8_t *items[1024];
    size_t n = 0;
    uint8_t *a3_end = p + t.total;
    for (uint8_t *q = p + t.hdr_len; q < a3_end && n < 1024;) {
        struct rspc_tlv it;
        if (rspc_tlv_parse(q, (size_t)(a3_end - q), &it))
            return -1;
        items[n++] = q;
        q += it.total;
    }
    if (!n)
        return -1;
    items[n / 2][0] = 0x85;
    return 0;
}

int smdpp_get_bpp(struct smdpp *s, const cJSON *req, struct smdpp_reply *r)
{
    const char *txid = smdpp_json_str(req, "transactionId");
    struct smdpp_session *sess = smdpp_session_find(s, txid);
    if (txid)
        cJSON_AddStringToObject(r->body, "transactionId", txid);
    if (!sess || sess->state != SESS_AUTHENTICATED)
        return smdpp_fail(s, r, "8.10.1", "3.9", "unknown transactionId %.40s",
                          txid ? txid : "(none)");
    if (!sess->order)
        return smdpp_fail(s, r, "8.2", "3.7", "the order was taken over by another session");
    uint8_t *pdr = NULL;
    size_t pl;
    struct rspc_tlv top, ok, es2, sig, t, otpk;
    struct rspc_buf tbs = {0}, bpp = {0};
    int rc = 0;
    size_t off;
    if (smdpp_json_b64(s, req, "prepareDownloadResponse", 16384, &pdr, &pl, r))
        goto out;
    if (smdpp_tlv_whole(pdr, pl, 0xBF21, &top) || rspc_tlv_parse(top.value, top.len, &ok) ||
        ok.total != top.len) {
        smdpp_fail(s, r, "1.3.1", "2.1", "prepareDownloadResponse is not a BF21");
        goto out;
    }
    if (ok.tag == 0xA1) {
        struct rspc_tlv code;
        int c = smdpp_tlv_find(ok.value, ok.len, 0x02, &code) == RSPC_OK && code.len == 1
                    ? code.value[0] : -1;
        smdpp_fail(s, r, "8.1", "6.1", "the eUICC refused: downloadErrorCode %d", c);
        goto out;
    }
    off = 0;
    if (ok.tag != 0xA0 || rspc_tlv_parse(ok.value, ok.len, &es2) || es2.tag != 0x30 ||
        (off = es2.total) >= ok.len || rspc_tlv_parse(ok.value + off, ok.len - off, &sig) ||
        sig.tag != 0x5F37 || off + sig.total != ok.len) {
        smdpp_fail(s, r, "1.3.1", "2.1", "PrepareDownloadResponseOk malformed");
        goto out;
    }
    /* euiccSignature2 over euiccSigned2 || 5F37 40 smdpSignature2 (notes §7.2) */
    uint8_t s2tlv[RSPC_SIG_TLV_LEN];
    rspc_sig_wrap(sess->smdp_sig2, s2tlv);
    if (rspc_buf_append(&tbs, es2.value - es2.hdr_len, es2.total) ||
        rspc_buf_append(&tbs, s2tlv, sizeof s2tlv)) {
        rc = -1;
        goto out;
    }
    if (smdpp_verify_sig(sess->euicc_cert, tbs.data, tbs.len, &sig) != RSPC_OK) {
        smdpp_fail(s, r, "8.1", "6.1", "euiccSignature2 does not verify");
        goto out;
    }
    if (smdpp_tlv_find(es2.value, es2.len, 0x80, &t) || t.len != sizeof sess->txid ||
        memcmp(t.value, sess->txid, t.len)) {
        smdpp_fail(s, r, "8.10.1", "3.9", "signed transactionId differs from the session's");
        goto out;
    }
    if (smdpp_tlv_find(es2.value, es2.len, 0x5F49, &otpk) || otpk.len != RSPC_POINT_LEN) {
        smdpp_fail(s, r, "1.3.1", "2.1", "euiccOtpk missing or not 65 bytes");
        goto out;
    }
    if (check_cc(s, sess->order, sess->txid, &es2, r))
        goto out;
    if (build_bpp(s, sess, &otpk, &bpp) != 0) {
        smdpp_fail(s, r, "8.1", "6.1", "cannot bind the profile (bad euiccOtpk?)");
        goto out;
    }
    if (smdpp_fault_take_bpp_tlv(s) && garble_middle_86(bpp.data, bpp.len) == 0)
        smdpp_log(s, "getBoundProfilePackage: fault injected: middle 86 tag changed to 85");
    char *b = smdpp_b64(bpp.data, bpp.len);
    if (!b || !cJSON_AddStringToObject(r->body, "boundProfilePackage", b)) {
        free(b);
        rc = -1;
        goto out;
    }
    free(b);
    struct smdpp_order *o = sess->order;
    o->state = ORDER_DOWNLOADED;
    o->downloads++;
    snprintf(o->last_result, sizeof o->last_result, "BPP delivered (%zu bytes%s)", bpp.len,
             o->ppk ? ", PPK" : "");
    sess->state = SESS_BPP_SENT;
    smdpp_log(s, "getBoundProfilePackage: session %s order %s: BPP %zu bytes", sess->txid_hex,
              o->matching_id, bpp.len);
out:
    free(pdr);
    rspc_buf_free(&tbs);
    rspc_buf_free(&bpp);
    return rc;
}
