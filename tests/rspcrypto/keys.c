/* SPDX-License-Identifier: MIT */
/* Keys and certificates: loading, public points (04||X||Y), one-time key pairs and ECKA
 * (sgp22-notes §7.1, §7.3). OpenSSL 3 EVP/params APIs only. */
#include <stdio.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "rspcrypto.h"

static const char *curve_name(int nid)
{
    switch (nid) {
    case NID_X9_62_prime256v1: return "prime256v1";
    case NID_brainpoolP256r1: return "brainpoolP256r1";
    default: return NULL;
    }
}

EVP_PKEY *rspc_key_from_pem(const uint8_t *pem, size_t len)
{
    if (!pem || !len || len > 0x7FFFFFFF)
        return NULL;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    return k;
}

EVP_PKEY *rspc_key_load_pem_file(const char *path)
{
    if (!path)
        return NULL;
    BIO *bio = BIO_new_file(path, "rb");
    EVP_PKEY *k = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    return k;
}

X509 *rspc_cert_from_der(const uint8_t *der, size_t len)
{
    if (!der || !len || len > 0x7FFFFFFF)
        return NULL;
    const unsigned char *p = der;
    X509 *c = d2i_X509(NULL, &p, (long)len);
    if (c && p != der + len) {
        X509_free(c);
        return NULL;
    }
    return c;
}

X509 *rspc_cert_load_file(const char *path)
{
    if (!path)
        return NULL;
    BIO *bio = BIO_new_file(path, "rb");
    if (!bio)
        return NULL;
    char first = 0;
    X509 *c = NULL;
    if (BIO_read(bio, &first, 1) == 1 && BIO_reset(bio) == 0)
        c = first == 0x30 ? d2i_X509_bio(bio, NULL) : PEM_read_bio_X509(bio, NULL, NULL, NULL);
    BIO_free(bio);
    return c;
}

int rspc_cert_to_der(X509 *cert, uint8_t **der, size_t *len)
{
    if (!cert || !der || !len)
        return RSPC_EINVAL;
    unsigned char *p = NULL;
    int n = i2d_X509(cert, &p);
    if (n <= 0)
        return RSPC_ECRYPTO;
    *der = p;
    *len = (size_t)n;
    return RSPC_OK;
}

int rspc_pkey_curve(EVP_PKEY *key, int *nid)
{
    char name[64];
    size_t nlen = 0;
    if (!key || !nid)
        return RSPC_EINVAL;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        !EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof(name),
                                        &nlen))
        return RSPC_ECURVE;
    int n = OBJ_sn2nid(name);
    if (n == NID_undef)
        n = OBJ_ln2nid(name);
    if (!curve_name(n))
        return RSPC_ECURVE;
    *nid = n;
    return RSPC_OK;
}

int rspc_pkey_point(EVP_PKEY *key, uint8_t point[RSPC_POINT_LEN])
{
    int nid;
    int rc = rspc_pkey_curve(key, &nid);
    if (rc)
        return rc;
    if (!point)
        return RSPC_EINVAL;
    BIGNUM *x = NULL, *y = NULL;
    rc = RSPC_ECRYPTO;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x) &&
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y) &&
        BN_bn2binpad(x, point + 1, 32) == 32 && BN_bn2binpad(y, point + 33, 32) == 32) {
        point[0] = 0x04;
        rc = RSPC_OK;
    }
    BN_free(x);
    BN_free(y);
    return rc;
}

int rspc_cert_point(X509 *cert, uint8_t point[RSPC_POINT_LEN])
{
    if (!cert)
        return RSPC_EINVAL;
    EVP_PKEY *k = X509_get0_pubkey(cert);
    return k ? rspc_pkey_point(k, point) : RSPC_ECRYPTO;
}

/* Build an EC key from params (group, public point, optional private scalar). */
static EVP_PKEY *from_params(int nid, const uint8_t *point, size_t point_len, const BIGNUM *priv)
{
    const char *name = curve_name(nid);
    if (!name)
        return NULL;
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    OSSL_PARAM *params = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, name, 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point, point_len) ||
        (priv && !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, priv)))
        goto out;
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
        EVP_PKEY_fromdata(ctx, &key, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                          params) != 1) {
        key = NULL;
        goto out;
    }
    /* Full public-key validation (on curve, not infinity, correct order). */
    EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    int ok = chk && EVP_PKEY_public_check(chk) == 1;
    EVP_PKEY_CTX_free(chk);
    if (!ok) {
        EVP_PKEY_free(key);
        key = NULL;
    }
out:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    return key;
}

EVP_PKEY *rspc_pkey_from_point(int nid, const uint8_t *point, size_t len)
{
    if (!point || len != RSPC_POINT_LEN || point[0] != 0x04)
        return NULL;
    return from_params(nid, point, len, NULL);
}

EVP_PKEY *rspc_pkey_from_scalar(int nid, const uint8_t d[32])
{
    const char *name = curve_name(nid);
    if (!name || !d)
        return NULL;
    EVP_PKEY *key = NULL;
    EC_GROUP *grp = EC_GROUP_new_by_curve_name(nid);
    EC_POINT *pub = grp ? EC_POINT_new(grp) : NULL;
    BIGNUM *priv = BN_bin2bn(d, 32, NULL);
    uint8_t point[RSPC_POINT_LEN];
    if (!pub || !priv || BN_is_zero(priv) || BN_cmp(priv, EC_GROUP_get0_order(grp)) >= 0 ||
        !EC_POINT_mul(grp, pub, priv, NULL, NULL, NULL) ||
        EC_POINT_point2oct(grp, pub, POINT_CONVERSION_UNCOMPRESSED, point, sizeof(point),
                           NULL) != sizeof(point))
        goto out;
    key = from_params(nid, point, sizeof(point), priv);
out:
    BN_clear_free(priv);
    EC_POINT_free(pub);
    EC_GROUP_free(grp);
    return key;
}

EVP_PKEY *rspc_keygen(int nid)
{
    const char *name = curve_name(nid);
    if (!name)
        return NULL;
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", name);
}

EVP_PKEY *rspc_keygen_for_cert(X509 *cert)
{
    int nid;
    EVP_PKEY *k = cert ? X509_get0_pubkey(cert) : NULL;
    if (!k || rspc_pkey_curve(k, &nid))
        return NULL;
    return rspc_keygen(nid);
}

int rspc_ecka(EVP_PKEY *own, const uint8_t *peer_point, size_t len, uint8_t z[32])
{
    int nid;
    int rc = rspc_pkey_curve(own, &nid);
    if (rc)
        return rc;
    if (!peer_point || !z)
        return RSPC_EINVAL;
    EVP_PKEY *peer = rspc_pkey_from_point(nid, peer_point, len);
    if (!peer)
        return RSPC_EPOINT;
    rc = RSPC_ECRYPTO;
    size_t zlen = 32;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, own, NULL);
    if (ctx && EVP_PKEY_derive_init(ctx) == 1 && EVP_PKEY_derive_set_peer_ex(ctx, peer, 1) == 1 &&
        EVP_PKEY_derive(ctx, z, &zlen) == 1 && zlen == 32)
        rc = RSPC_OK;
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(peer);
    return rc;
}
