/* SPDX-License-Identifier: MIT */
/* ECKA (sgp22-notes §7.3) and BSP KDF (§7.4) test vectors. */
#include <openssl/obj_mac.h>

#include "rspcrypto.h"
#include "test_util.h"

static void test_ecka(void)
{
    size_t dl, pl, el, zl;
    uint8_t *d = t_hex("FB68A38CCEDB69E15CBE03C256228998AC398587E5DC7117F948145C839D61A4", &dl);
    uint8_t *pk = t_hex("04A27E2BDBD94DCF67D4C9AE5CB149D9D0F093BE7A16DC41EC9DB0318E4DB72D09"
                        "234A7D7631979A5D150EEC40AFE17CE41673DF9D2F2E4246D60051C74EBA7964", &pl);
    uint8_t *epk = t_hex("0400F7B8D71403F21D84B00CD9E561178D737D3F4D065E62FEE279271298DD4F07"
                         "4794AB791B9939D4461296EFE388AA26731064263AF988B7D2C4D77DA44801B5", &el);
    uint8_t *zw = t_hex("C9A993DD4879A8F7161F2085410EDD4F9652F1DF37BE097BA96BA2CA6BE528FE", &zl);

    EVP_PKEY *sk = rspc_pkey_from_scalar(NID_X9_62_prime256v1, d);
    CHECK(sk != NULL);
    uint8_t point[RSPC_POINT_LEN], z[32];
    CHECK_RC(rspc_pkey_point(sk, point), RSPC_OK);
    CHECK_MEM(point, sizeof(point), pk, pl);  /* otPK.DP = otSK.DP x G */
    CHECK_RC(rspc_ecka(sk, epk, el, z), RSPC_OK);
    CHECK_MEM(z, sizeof(z), zw, zl);

    /* the peer point is validated: off-curve, wrong length, compressed form */
    uint8_t bad[RSPC_POINT_LEN];
    memcpy(bad, epk, sizeof(bad));
    bad[64] ^= 1;
    CHECK_RC(rspc_ecka(sk, bad, sizeof(bad), z), RSPC_EPOINT);
    CHECK_RC(rspc_ecka(sk, epk, el - 1, z), RSPC_EPOINT);
    memcpy(bad, epk, sizeof(bad));
    bad[0] = 0x02;
    CHECK_RC(rspc_ecka(sk, bad, sizeof(bad), z), RSPC_EPOINT);
    /* a P-256 point is not a brainpool point */
    EVP_PKEY *bk = rspc_keygen(NID_brainpoolP256r1);
    CHECK(bk != NULL);
    CHECK_RC(rspc_ecka(bk, epk, el, z), RSPC_EPOINT);
    int nid = 0;
    CHECK_RC(rspc_pkey_curve(bk, &nid), RSPC_OK);
    CHECK(nid == NID_brainpoolP256r1);
    CHECK(rspc_pkey_from_scalar(NID_secp384r1, d) == NULL);

    /* both sides agree with generated keys on both curves */
    int curves[] = { NID_X9_62_prime256v1, NID_brainpoolP256r1 };
    for (size_t i = 0; i < 2; i++) {
        EVP_PKEY *a = rspc_keygen(curves[i]), *b = rspc_keygen(curves[i]);
        uint8_t pa[RSPC_POINT_LEN], pb[RSPC_POINT_LEN], za[32], zb[32];
        CHECK(a && b);
        CHECK_RC(rspc_pkey_point(a, pa), RSPC_OK);
        CHECK_RC(rspc_pkey_point(b, pb), RSPC_OK);
        CHECK_RC(rspc_ecka(a, pb, sizeof(pb), za), RSPC_OK);
        CHECK_RC(rspc_ecka(b, pa, sizeof(pa), zb), RSPC_OK);
        CHECK(memcmp(za, zb, 32) == 0);
        EVP_PKEY_free(a);
        EVP_PKEY_free(b);
    }
    EVP_PKEY_free(bk);
    EVP_PKEY_free(sk);
    free(d);
    free(pk);
    free(epk);
    free(zw);
}

static void kdf_vector(const char *z_hex, const char *eid_digits, const char *mcv, const char *enc,
                       const char *mac)
{
    size_t zl, l1, l2, l3;
    uint8_t *z = t_hex(z_hex, &zl);
    uint8_t *w_mcv = t_hex(mcv, &l1), *w_enc = t_hex(enc, &l2), *w_mac = t_hex(mac, &l3);
    uint8_t eid[16];
    static const uint8_t host[8] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80 };
    struct rspc_session_keys k;
    CHECK_RC(rspc_eid_to_bytes(eid_digits, eid), RSPC_OK);
    CHECK_RC(rspc_kdf_session_keys(z, host, sizeof(host), eid, &k), RSPC_OK);
    CHECK_MEM(k.mcv0, 16, w_mcv, l1);
    CHECK_MEM(k.s_enc, 16, w_enc, l2);
    CHECK_MEM(k.s_mac, 16, w_mac, l3);
    CHECK_RC(rspc_kdf_session_keys(z, host, 0, eid, &k), RSPC_EINVAL);
    CHECK_RC(rspc_kdf_session_keys(z, host, 17, eid, &k), RSPC_EINVAL);
    free(z);
    free(w_mcv);
    free(w_enc);
    free(w_mac);
}

int main(void)
{
    test_ecka();
    kdf_vector("C9A993DD4879A8F7161F2085410EDD4F9652F1DF37BE097BA96BA2CA6BE528FE",
               "89049032123451234512345678901235", "406D507B448A699E7A36A38494DEBBDE",
               "472F5BFADD97F21D34F3CE9B51B92751", "9EC07F5B36A13E12A991D66E294E6242");
    kdf_vector("8902DCA391BBB22570FE60C176076246F568B1941265DFF1D729E63039658089",
               "89049032123451234512345678901335", "734BC93DDB10C71C5AD13D420DC08B5B",
               "D782D575B22A38334556A3D9A1E2AE6B", "A35ADDC192AE8F934E2932116C7E89E7");
    return t_done("rspcrypto-ecka-kdf");
}
