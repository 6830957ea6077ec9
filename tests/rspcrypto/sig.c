/* SPDX-License-Identifier: MIT */
/* ECDSA-SHA256 with plain r||s signatures (BSI TR-03111), as used in SGP.22 protocol messages
 * (sgp22-notes §7.1). OpenSSL speaks DER, so r||s is converted only at the API boundary. */
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>

#include "rspcrypto.h"

int rspc_sig_rs_to_der(const uint8_t rs[RSPC_SIG_LEN], uint8_t **der, size_t *der_len)
{
    if (!rs || !der || !der_len)
        return RSPC_EINVAL;
    int rc = RSPC_ECRYPTO;
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(rs, 32, NULL);
    BIGNUM *sv = BN_bin2bn(rs + 32, 32, NULL);
    if (!s || !r || !sv)
        goto out;
    if (!ECDSA_SIG_set0(s, r, sv))
        goto out;
    r = sv = NULL;  /* owned by s now */
    unsigned char *p = NULL;
    int n = i2d_ECDSA_SIG(s, &p);
    if (n <= 0)
        goto out;
    *der = p;
    *der_len = (size_t)n;
    rc = RSPC_OK;
out:
    BN_free(r);
    BN_free(sv);
    ECDSA_SIG_free(s);
    return rc;
}

int rspc_sig_der_to_rs(const uint8_t *der, size_t len, uint8_t rs[RSPC_SIG_LEN])
{
    if (!der || !rs || len > 0x7FFFFFFF)
        return RSPC_EINVAL;
    const unsigned char *p = der;
    ECDSA_SIG *s = d2i_ECDSA_SIG(NULL, &p, (long)len);
    if (!s)
        return RSPC_EINVAL;
    int rc = RSPC_EINVAL;
    const BIGNUM *r, *sv;
    ECDSA_SIG_get0(s, &r, &sv);
    if (p == der + len && BN_num_bytes(r) <= 32 && BN_num_bytes(sv) <= 32 &&
        BN_bn2binpad(r, rs, 32) == 32 && BN_bn2binpad(sv, rs + 32, 32) == 32)
        rc = RSPC_OK;
    ECDSA_SIG_free(s);
    return rc;
}

static int check_256(EVP_PKEY *key)
{
    int nid;
    return rspc_pkey_curve(key, &nid);
}

int rspc_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t sig[RSPC_SIG_LEN])
{
    if (!key || (!msg && len) || !sig)
        return RSPC_EINVAL;
    int rc = check_256(key);
    if (rc)
        return rc;
    rc = RSPC_ECRYPTO;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[80];
    size_t der_len = sizeof(der);
    if (md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
        EVP_DigestSign(md, der, &der_len, msg, len) == 1)
        rc = rspc_sig_der_to_rs(der, der_len, sig) ? RSPC_ECRYPTO : RSPC_OK;
    EVP_MD_CTX_free(md);
    return rc;
}

int rspc_verify(EVP_PKEY *pub, const uint8_t *msg, size_t len, const uint8_t sig[RSPC_SIG_LEN])
{
    if (!pub || (!msg && len) || !sig)
        return RSPC_EINVAL;
    int rc = check_256(pub);
    if (rc)
        return rc;
    uint8_t *der = NULL;
    size_t der_len = 0;
    rc = rspc_sig_rs_to_der(sig, &der, &der_len);
    if (rc)
        return rc;
    rc = RSPC_ECRYPTO;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, pub) == 1) {
        int v = EVP_DigestVerify(md, der, der_len, msg, len);
        rc = v == 1 ? RSPC_OK : RSPC_ESIG;
    }
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    return rc;
}

void rspc_sig_wrap(const uint8_t sig[RSPC_SIG_LEN], uint8_t out[RSPC_SIG_TLV_LEN])
{
    out[0] = 0x5F;
    out[1] = 0x37;
    out[2] = 0x40;
    memcpy(out + 3, sig, RSPC_SIG_LEN);
}

int rspc_sig_unwrap(const uint8_t *tlv, size_t len, uint8_t sig[RSPC_SIG_LEN])
{
    if (!tlv || !sig || len != RSPC_SIG_TLV_LEN || tlv[0] != 0x5F || tlv[1] != 0x37 ||
        tlv[2] != 0x40)
        return RSPC_EINVAL;
    memcpy(sig, tlv + 3, RSPC_SIG_LEN);
    return RSPC_OK;
}
