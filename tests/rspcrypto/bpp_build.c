/* SPDX-License-Identifier: MIT */
/* SM-DP+ side: build a BoundProfilePackage BF36 (sgp22-notes §6.1, §7.2-§7.5):
 *   BF23 { 82 01 01, 80 txid, A6 {80 01 88, 81 01 10, 84 hostId}, 5F49 otPK.DP, 5F37 smdpSign }
 *   A0 { 87 (BF24) }  A1 { 88 (BF25 chunks of <= 1008) }  [A2 { 87 (BF26) }]
 *   A3 { 86 (UPP chunks of 1007) } */
#include <string.h>

#include <openssl/crypto.h>

#include "rspcrypto.h"

/* 82 01 01 | 80 txid | A6 crt: the part of BF23 that both the TLV and smdpSign start with. */
static int put_sc_head(struct rspc_buf *b, const uint8_t *txid, size_t txid_len,
                       const uint8_t *host_id, size_t host_id_len)
{
    static const uint8_t op[] = { 0x82, 0x01, 0x01 };  /* installBoundProfilePackage(1) */
    struct rspc_buf crt = { 0 };
    int rc = rspc_buf_append(b, op, sizeof(op));
    if (!rc)
        rc = rspc_tlv_put(b, 0x80, txid, txid_len);
    static const uint8_t kt[] = { 0x80, 0x01, 0x88, 0x81, 0x01, 0x10 };  /* AES, 16 bytes */
    if (!rc)
        rc = rspc_buf_append(&crt, kt, sizeof(kt));
    if (!rc)
        rc = rspc_tlv_put(&crt, 0x84, host_id, host_id_len);
    if (!rc)
        rc = rspc_tlv_put(b, 0xA6, crt.data, crt.len);
    rspc_buf_free(&crt);
    return rc;
}

int rspc_bpp_smdp_sign_input(const uint8_t *txid, size_t txid_len, const uint8_t *host_id,
                             size_t host_id_len, const uint8_t smdp_otpk[RSPC_POINT_LEN],
                             const uint8_t euicc_otpk[RSPC_POINT_LEN], struct rspc_buf *out)
{
    if (!txid || txid_len < 1 || txid_len > 16 || !host_id || host_id_len < 1 ||
        host_id_len > 16 || !smdp_otpk || !euicc_otpk || !out)
        return RSPC_EINVAL;
    int rc = put_sc_head(out, txid, txid_len, host_id, host_id_len);
    if (!rc)
        rc = rspc_tlv_put(out, 0x5F49, smdp_otpk, RSPC_POINT_LEN);
    if (!rc)
        rc = rspc_tlv_put(out, 0x5F49, euicc_otpk, RSPC_POINT_LEN);
    return rc;
}

/* Protect data in chunks of at most max bytes with one tag; append the segments to out. */
static int wrap_chunks(struct rspc_bsp *st, uint8_t tag, const uint8_t *data, size_t len,
                       size_t max, struct rspc_buf *out)
{
    size_t off = 0;
    do {
        size_t n = len - off < max ? len - off : max;
        int rc = rspc_bsp_wrap(st, tag, data + off, n, out);
        if (rc)
            return rc;
        off += n;
    } while (off < len);
    return RSPC_OK;
}

static int build(const struct rspc_bpp_params *p, struct rspc_buf *out)
{
    struct rspc_buf bf23 = { 0 }, sign_in = { 0 }, seq = { 0 }, body = { 0 }, bf26 = { 0 };
    struct rspc_session_keys keys;
    struct rspc_bsp st;
    uint8_t smdp_otpk[RSPC_POINT_LEN], sig[RSPC_SIG_LEN], sig_tlv[RSPC_SIG_TLV_LEN], z[32];
    static const uint8_t empty_bf24[] = { 0xBF, 0x24, 0x00 };

    memset(&st, 0, sizeof(st));
    int rc = rspc_pkey_point(p->smdp_otsk, smdp_otpk);
    /* BF23 InitialiseSecureChannelRequest with smdpSign (§7.2) */
    if (!rc)
        rc = rspc_bpp_smdp_sign_input(p->txid, p->txid_len, p->host_id, p->host_id_len,
                                      smdp_otpk, p->euicc_otpk, &sign_in);
    if (!rc)
        rc = rspc_sign(p->dppb_key, sign_in.data, sign_in.len, sig);
    if (!rc)
        rc = put_sc_head(&bf23, p->txid, p->txid_len, p->host_id, p->host_id_len);
    if (!rc)
        rc = rspc_tlv_put(&bf23, 0x5F49, smdp_otpk, RSPC_POINT_LEN);
    if (!rc) {
        rspc_sig_wrap(sig, sig_tlv);
        rc = rspc_buf_append(&bf23, sig_tlv, sizeof(sig_tlv));
    }
    if (!rc)
        rc = rspc_tlv_put(&body, 0xBF23, bf23.data, bf23.len);

    /* Session keys: ECKA + KDF (§7.3, §7.4) */
    if (!rc)
        rc = rspc_ecka(p->smdp_otsk, p->euicc_otpk, p->euicc_otpk_len, z);
    if (!rc)
        rc = rspc_kdf_session_keys(z, p->host_id, p->host_id_len, p->eid, &keys);
    if (!rc)
        rspc_bsp_init(&st, &keys);

    /* A0: ConfigureISDPRequest in one 87 */
    if (!rc)
        rc = p->configure_isdp
                 ? rspc_bsp_wrap(&st, 0x87, p->configure_isdp, p->configure_isdp_len, &seq)
                 : rspc_bsp_wrap(&st, 0x87, empty_bf24, sizeof(empty_bf24), &seq);
    if (!rc)
        rc = rspc_tlv_put(&body, 0xA0, seq.data, seq.len);
    seq.len = 0;

    /* A1: StoreMetadataRequest, MAC only */
    if (!rc)
        rc = wrap_chunks(&st, 0x88, p->metadata, p->metadata_len, RSPC_BSP_MAX_MAC_PLAIN, &seq);
    if (!rc)
        rc = rspc_tlv_put(&body, 0xA1, seq.data, seq.len);
    seq.len = 0;

    /* A2: ReplaceSessionKeysRequest BF26 {80 mcv, 81 ppkEnc, 82 ppkCmac}, then switch keys */
    if (!rc && p->ppk) {
        struct rspc_buf in = { 0 };
        rc = rspc_tlv_put(&in, 0x80, p->ppk->mcv, 16);
        if (!rc)
            rc = rspc_tlv_put(&in, 0x81, p->ppk->enc, 16);
        if (!rc)
            rc = rspc_tlv_put(&in, 0x82, p->ppk->cmac, 16);
        if (!rc)
            rc = rspc_tlv_put(&bf26, 0xBF26, in.data, in.len);
        rspc_buf_free(&in);
        if (!rc)
            rc = rspc_bsp_wrap(&st, 0x87, bf26.data, bf26.len, &seq);
        if (!rc)
            rc = rspc_tlv_put(&body, 0xA2, seq.data, seq.len);
        seq.len = 0;
        if (!rc)
            rspc_bsp_replace_keys(&st, p->ppk->enc, p->ppk->cmac, p->ppk->mcv);
    }

    /* A3: the profile element stream, cut at arbitrary byte positions (§6.4) */
    if (!rc)
        rc = wrap_chunks(&st, 0x86, p->upp, p->upp_len, RSPC_BSP_MAX_ENC_PLAIN, &seq);
    if (!rc)
        rc = rspc_tlv_put(&body, 0xA3, seq.data, seq.len);

    if (!rc)
        rc = rspc_tlv_put(out, 0xBF36, body.data, body.len);

    OPENSSL_cleanse(z, sizeof(z));
    OPENSSL_cleanse(&keys, sizeof(keys));
    rspc_bsp_clear(&st);
    rspc_buf_free(&bf23);
    rspc_buf_free(&sign_in);
    rspc_buf_free(&seq);
    rspc_buf_free(&body);
    rspc_buf_free(&bf26);
    return rc;
}

int rspc_bpp_build(const struct rspc_bpp_params *p, struct rspc_buf *out)
{
    if (!p || !out || !p->smdp_otsk || !p->dppb_key || !p->eid || !p->euicc_otpk ||
        p->euicc_otpk_len != RSPC_POINT_LEN || !p->metadata || !p->metadata_len ||
        !p->upp || !p->upp_len || (p->configure_isdp && !p->configure_isdp_len))
        return RSPC_EINVAL;
    /* txid / hostId ranges are checked by rspc_bpp_smdp_sign_input */
    return build(p, out);
}
