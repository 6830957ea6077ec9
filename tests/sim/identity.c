/* SPDX-License-Identifier: MIT */
#include "identity.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A certificate in DER or PEM. */
static X509 *load_cert(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, errlen, "%s: cannot open certificate", path);
        return NULL;
    }
    X509 *x = d2i_X509_fp(f, NULL);
    if (!x) {
        rewind(f);
        x = PEM_read_X509(f, NULL, NULL, NULL);
    }
    fclose(f);
    if (!x)
        fail(err, errlen, "%s: not an X.509 certificate (DER or PEM)", path);
    return x;
}

static int cert_der(X509 *x, uint8_t **out, size_t *len)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    if (n <= 0)
        return -1;
    *out = p;
    *len = (size_t)n;
    return 0;
}

int se_identity_load(const char *key_path, const char *euicc_cert_path,
                     const char *eum_cert_path, const char *ci_cert_path,
                     struct se_identity **out, char *err, size_t errlen)
{
    struct se_identity *id = calloc(1, sizeof(*id));
    X509 *euicc = NULL, *eum = NULL, *ci = NULL;
    int rc = -1;
    *out = NULL;
    if (!id)
        return fail(err, errlen, "out of memory");
    FILE *f = fopen(key_path, "rb");
    if (!f) {
        fail(err, errlen, "%s: cannot open private key", key_path);
        goto out;
    }
    id->key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!id->key || EVP_PKEY_base_id(id->key) != EVP_PKEY_EC) {
        fail(err, errlen, "%s: not a PEM EC private key", key_path);
        goto out;
    }
    if (!(euicc = load_cert(euicc_cert_path, err, errlen)) ||
        !(eum = load_cert(eum_cert_path, err, errlen)) ||
        (ci_cert_path && !(ci = load_cert(ci_cert_path, err, errlen))))
        goto out;
    if (EVP_PKEY_eq(X509_get0_pubkey(euicc), id->key) != 1) {
        fail(err, errlen, "%s does not match the key in %s", euicc_cert_path, key_path);
        goto out;
    }
    if (cert_der(euicc, &id->euicc_cert, &id->euicc_cert_len) ||
        cert_der(eum, &id->eum_cert, &id->eum_cert_len)) {
        fail(err, errlen, "cannot re-encode the certificates");
        goto out;
    }
    /* CI PKID: the CI's SKI, or else the EUM's AKI (which names the CI). */
    const ASN1_OCTET_STRING *kid = NULL;
    if (ci) {
        kid = X509_get0_subject_key_id(ci);
        if (!kid) {
            fail(err, errlen, "%s: CI certificate has no subjectKeyIdentifier", ci_cert_path);
            goto out;
        }
    } else {
        kid = X509_get0_authority_key_id(eum);
        if (!kid) {
            fail(err, errlen, "%s: EUM certificate has no authorityKeyIdentifier; give --ci-cert",
                 eum_cert_path);
            goto out;
        }
    }
    if (ASN1_STRING_length(kid) <= 0 || ASN1_STRING_length(kid) > 20) {
        fail(err, errlen, "CI key identifier must be 1..20 bytes");
        goto out;
    }
    id->ci_pkid_len = (size_t)ASN1_STRING_length(kid);
    memcpy(id->ci_pkid, ASN1_STRING_get0_data(kid), id->ci_pkid_len);
    /* EID from the subject serialNumber (SGP.22: the SM-DP+ reads it there). */
    int idx = X509_NAME_get_index_by_NID(X509_get_subject_name(euicc), NID_serialNumber, -1);
    if (idx >= 0) {
        ASN1_STRING *s = X509_NAME_ENTRY_get_data(
            X509_NAME_get_entry(X509_get_subject_name(euicc), idx));
        if (s && ASN1_STRING_length(s) == 32)
            memcpy(id->cert_eid, ASN1_STRING_get0_data(s), 32);
    }
    id->ci = ci;                       /* verifies server certificates (sgp22-notes §8.2) */
    ci = NULL;
    rc = 0;
out:
    X509_free(euicc);
    X509_free(eum);
    X509_free(ci);
    if (rc)
        se_identity_free(id);
    else
        *out = id;
    return rc;
}

void se_identity_free(struct se_identity *id)
{
    if (!id)
        return;
    EVP_PKEY_free(id->key);
    X509_free(id->ci);
    OPENSSL_free(id->euicc_cert);
    OPENSSL_free(id->eum_cert);
    free(id);
}

int se_identity_sign(const struct se_identity *id, const uint8_t *data, size_t len,
                     uint8_t sig[64])
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[80];
    size_t der_len = sizeof(der);
    ECDSA_SIG *s = NULL;
    int rc = -1;
    if (!md || EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, id->key) != 1 ||
        EVP_DigestSign(md, der, &der_len, data, len) != 1)
        goto out;
    const unsigned char *p = der;
    s = d2i_ECDSA_SIG(NULL, &p, (long)der_len);
    if (!s)
        goto out;
    const BIGNUM *r, *sv;
    ECDSA_SIG_get0(s, &r, &sv);
    if (BN_bn2binpad(r, sig, 32) != 32 || BN_bn2binpad(sv, sig + 32, 32) != 32)
        goto out;
    rc = 0;
out:
    ECDSA_SIG_free(s);
    EVP_MD_CTX_free(md);
    return rc;
}
