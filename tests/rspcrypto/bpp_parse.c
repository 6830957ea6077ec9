/* SPDX-License-Identifier: MIT */
/* eUICC side: parse InitialiseSecureChannelRequest BF23 and verify smdpSign
 * (sgp22-notes §6.1, §7.2). */
#include <string.h>

#include "rspcrypto.h"

int rspc_bpp_parse_init_sc(const uint8_t *bf23, size_t len, struct rspc_init_sc *out)
{
    struct rspc_tlv top, t, c;
    if (!bf23 || !out)
        return RSPC_EINVAL;
    memset(out, 0, sizeof(*out));
    if (rspc_tlv_parse(bf23, len, &top) || top.tag != 0xBF23 || top.total != len)
        return RSPC_EINVAL;
    const uint8_t *p = top.value, *end = top.value + top.len;

    /* 82 remoteOpId */
    if (rspc_tlv_parse(p, (size_t)(end - p), &t) || t.tag != 0x82 || t.len != 1)
        return RSPC_EINVAL;
    out->remote_op_id = t.value[0];
    p += t.total;
    /* 80 transactionId */
    if (rspc_tlv_parse(p, (size_t)(end - p), &t) || t.tag != 0x80 || t.len < 1 || t.len > 16)
        return RSPC_EINVAL;
    out->txid = t.value;
    out->txid_len = t.len;
    p += t.total;
    /* A6 controlRefTemplate { 80 keyType, 81 keyLen, 84 hostId } */
    if (rspc_tlv_parse(p, (size_t)(end - p), &t) || t.tag != 0xA6)
        return RSPC_EINVAL;
    const uint8_t *q = t.value, *qend = t.value + t.len;
    if (rspc_tlv_parse(q, (size_t)(qend - q), &c) || c.tag != 0x80 || c.len != 1)
        return RSPC_EINVAL;
    out->key_type = c.value[0];
    q += c.total;
    if (rspc_tlv_parse(q, (size_t)(qend - q), &c) || c.tag != 0x81 || c.len != 1)
        return RSPC_EINVAL;
    out->key_len = c.value[0];
    q += c.total;
    if (rspc_tlv_parse(q, (size_t)(qend - q), &c) || c.tag != 0x84 || c.len < 1 || c.len > 16)
        return RSPC_EINVAL;
    out->host_id = c.value;
    out->host_id_len = c.len;
    q += c.total;
    if (q != qend)
        return RSPC_EINVAL;
    p += t.total;
    /* 5F49 smdpOtpk */
    if (rspc_tlv_parse(p, (size_t)(end - p), &t) || t.tag != 0x5F49 || t.len != RSPC_POINT_LEN)
        return RSPC_EINVAL;
    out->smdp_otpk = t.value;
    p += t.total;
    out->signed_part = top.value;
    out->signed_part_len = (size_t)(p - top.value);
    /* 5F37 smdpSign */
    if (rspc_sig_unwrap(p, (size_t)(end - p), out->smdp_sign))
        return RSPC_EINVAL;
    return RSPC_OK;
}

int rspc_bpp_verify_init_sc(const struct rspc_init_sc *isc, EVP_PKEY *dppb_pub,
                            const uint8_t euicc_otpk[RSPC_POINT_LEN])
{
    if (!isc || !isc->signed_part || !dppb_pub || !euicc_otpk)
        return RSPC_EINVAL;
    /* signed bytes: the BF23 content up to smdpOtpk, as received, then 5F49 41 euiccOtpk */
    struct rspc_buf in = { 0 };
    int rc = rspc_buf_append(&in, isc->signed_part, isc->signed_part_len);
    if (!rc)
        rc = rspc_tlv_put(&in, 0x5F49, euicc_otpk, RSPC_POINT_LEN);
    if (!rc)
        rc = rspc_verify(dppb_pub, in.data, in.len, isc->smdp_sign);
    rspc_buf_free(&in);
    return rc;
}
