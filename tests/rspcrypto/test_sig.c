/* SPDX-License-Identifier: MIT */
/* ECDSA-SHA256 with r||s signatures (sgp22-notes §7.1) on P-256 and brainpoolP256r1. */
#include <openssl/obj_mac.h>

#include "rspcrypto.h"
#include "test_util.h"

/* RFC 6979 A.2.5: P-256, SHA-256, message "sample" (a deterministic signature, so it fixes
 * the r||s order and the 32-byte padding independently of our signer). */
static void test_known_vector(void)
{
    size_t l1, l2, l3;
    uint8_t *x = t_hex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721", &l1);
    uint8_t *pub = t_hex("0460FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
                         "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299", &l2);
    uint8_t *rs = t_hex("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
                        "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8", &l3);
    EVP_PKEY *k = rspc_pkey_from_scalar(NID_X9_62_prime256v1, x);
    EVP_PKEY *p = rspc_pkey_from_point(NID_X9_62_prime256v1, pub, l2);
    uint8_t point[RSPC_POINT_LEN];
    CHECK(k && p);
    CHECK_RC(rspc_pkey_point(k, point), RSPC_OK);
    CHECK_MEM(point, sizeof(point), pub, l2);
    CHECK_RC(rspc_verify(p, (const uint8_t *)"sample", 6, rs), RSPC_OK);
    CHECK_RC(rspc_verify(p, (const uint8_t *)"samplE", 6, rs), RSPC_ESIG);
    rs[63] ^= 1;
    CHECK_RC(rspc_verify(p, (const uint8_t *)"sample", 6, rs), RSPC_ESIG);
    EVP_PKEY_free(k);
    EVP_PKEY_free(p);
    free(x);
    free(pub);
    free(rs);
}

static void test_curve(int nid)
{
    EVP_PKEY *k = rspc_keygen(nid), *other = rspc_keygen(nid);
    uint8_t msg[300], sig[RSPC_SIG_LEN], tlv[RSPC_SIG_TLV_LEN], back[RSPC_SIG_LEN];
    uint8_t point[RSPC_POINT_LEN];
    CHECK(k && other);
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7);
    CHECK_RC(rspc_pkey_point(k, point), RSPC_OK);
    EVP_PKEY *pub = rspc_pkey_from_point(nid, point, sizeof(point));
    CHECK(pub != NULL);
    for (int round = 0; round < 20; round++) {  /* r or s with leading zero bytes do occur */
        CHECK_RC(rspc_sign(k, msg, sizeof(msg), sig), RSPC_OK);
        CHECK_RC(rspc_verify(pub, msg, sizeof(msg), sig), RSPC_OK);
        CHECK_RC(rspc_verify(k, msg, sizeof(msg), sig), RSPC_OK);
        msg[round] ^= 0x20;
        CHECK_RC(rspc_verify(pub, msg, sizeof(msg), sig), RSPC_ESIG);
        msg[round] ^= 0x20;
        CHECK_RC(rspc_verify(other, msg, sizeof(msg), sig), RSPC_ESIG);
        /* DER round trip */
        uint8_t *der = NULL, rs2[RSPC_SIG_LEN];
        size_t der_len = 0;
        CHECK_RC(rspc_sig_rs_to_der(sig, &der, &der_len), RSPC_OK);
        CHECK(der_len >= 8 && der_len <= 72 && der[0] == 0x30);
        CHECK_RC(rspc_sig_der_to_rs(der, der_len, rs2), RSPC_OK);
        CHECK(memcmp(rs2, sig, sizeof(sig)) == 0);
        CHECK_RC(rspc_sig_der_to_rs(der, der_len - 1, rs2), RSPC_EINVAL);
        OPENSSL_free(der);
    }
    /* 5F37 40 wrapping */
    rspc_sig_wrap(sig, tlv);
    CHECK(tlv[0] == 0x5F && tlv[1] == 0x37 && tlv[2] == 0x40 && memcmp(tlv + 3, sig, 64) == 0);
    CHECK_RC(rspc_sig_unwrap(tlv, sizeof(tlv), back), RSPC_OK);
    CHECK(memcmp(back, sig, sizeof(sig)) == 0);
    CHECK_RC(rspc_sig_unwrap(tlv, sizeof(tlv) - 1, back), RSPC_EINVAL);
    tlv[2] = 0x3F;
    CHECK_RC(rspc_sig_unwrap(tlv, sizeof(tlv), back), RSPC_EINVAL);
    /* an all-zero signature never verifies */
    memset(sig, 0, sizeof(sig));
    CHECK_RC(rspc_verify(pub, msg, sizeof(msg), sig), RSPC_ESIG);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(k);
    EVP_PKEY_free(other);
}

static void test_cross_curve(void)
{
    EVP_PKEY *a = rspc_keygen(NID_X9_62_prime256v1), *b = rspc_keygen(NID_brainpoolP256r1);
    uint8_t sig[RSPC_SIG_LEN];
    CHECK_RC(rspc_sign(a, (const uint8_t *)"x", 1, sig), RSPC_OK);
    CHECK_RC(rspc_verify(b, (const uint8_t *)"x", 1, sig), RSPC_ESIG);
    EVP_PKEY *big = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "secp384r1");
    CHECK_RC(rspc_sign(big, (const uint8_t *)"x", 1, sig), RSPC_ECURVE);
    EVP_PKEY_free(big);
    EVP_PKEY_free(a);
    EVP_PKEY_free(b);
}

int main(void)
{
    test_known_vector();
    test_curve(NID_X9_62_prime256v1);
    test_curve(NID_brainpoolP256r1);
    test_cross_curve();
    return t_done("rspcrypto-sig");
}
