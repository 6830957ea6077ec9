/* SPDX-License-Identifier: MIT */
/* Throwaway TLS PKI for the HTTP tests (see testpki.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testpki.h"

static EVP_PKEY *make_key(void)
{
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *kc = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
    if (kc && EVP_PKEY_keygen_init(kc) == 1 &&
        EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kc, NID_X9_62_prime256v1) == 1)
        EVP_PKEY_keygen(kc, &key);
    EVP_PKEY_CTX_free(kc);
    return key;
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    if (!ext)
        return -1;
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    return ok == 1 ? 0 : -1;
}

/*
 * Certificate for @p key with common name @p cn, valid from now+@p from_days
 * to now+@p to_days, signed by (@p issuer, @p issuer_key) or self-signed.
 * @p san: "DNS:..." or NULL for a CA.
 */
static X509 *make_cert(EVP_PKEY *key, const char *cn, const char *san, long from_days,
                       long to_days, X509 *issuer, EVP_PKEY *issuer_key, long serial)
{
    X509 *c = X509_new();
    if (!c)
        return NULL;
    X509_NAME *name = X509_NAME_new();
    int ok = name && X509_set_version(c, 2) == 1 &&
             ASN1_INTEGER_set(X509_get_serialNumber(c), serial) == 1 &&
             X509_gmtime_adj(X509_getm_notBefore(c), from_days * 86400) &&
             X509_gmtime_adj(X509_getm_notAfter(c), to_days * 86400) &&
             X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
                                        -1, -1, 0) == 1 &&
             X509_set_subject_name(c, name) == 1 &&
             X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name) == 1 &&
             X509_set_pubkey(c, key) == 1;
    X509_NAME_free(name);
    X509 *iss = issuer ? issuer : c;
    if (ok)
        ok = add_ext(c, iss, NID_subject_key_identifier, "hash") == 0 &&
             add_ext(c, iss, NID_authority_key_identifier, "keyid:always") == 0;
    if (ok && san)
        ok = add_ext(c, iss, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
             add_ext(c, iss, NID_key_usage, "critical,digitalSignature") == 0 &&
             add_ext(c, iss, NID_ext_key_usage, "serverAuth,clientAuth") == 0 &&
             add_ext(c, iss, NID_subject_alt_name, san) == 0;
    else if (ok)
        ok = add_ext(c, iss, NID_basic_constraints, "critical,CA:TRUE") == 0 &&
             add_ext(c, iss, NID_key_usage, "critical,keyCertSign,cRLSign") == 0;
    if (ok)
        ok = X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()) > 0;
    if (!ok) {
        X509_free(c);
        return NULL;
    }
    return c;
}

static int write_cert(const char *path, X509 *c)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = PEM_write_X509(f, c) == 1;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

static int write_key(const char *path, EVP_PKEY *k)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL) == 1;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

int testpki_make(struct testpki *p)
{
    memset(p, 0, sizeof(*p));
    snprintf(p->dir, sizeof(p->dir), "/tmp/esimlpa-httptest-XXXXXX");
    if (!mkdtemp(p->dir)) {
        perror("mkdtemp");
        p->dir[0] = '\0';
        return -1;
    }
    snprintf(p->ca, sizeof(p->ca), "%s/ca.pem", p->dir);
    snprintf(p->key, sizeof(p->key), "%s/server.key", p->dir);
    snprintf(p->good, sizeof(p->good), "%s/good.pem", p->dir);
    snprintf(p->wrong_host, sizeof(p->wrong_host), "%s/wronghost.pem", p->dir);
    snprintf(p->expired, sizeof(p->expired), "%s/expired.pem", p->dir);
    snprintf(p->untrusted, sizeof(p->untrusted), "%s/untrusted.pem", p->dir);

    EVP_PKEY *ca_key = make_key(), *other_key = make_key(), *key = make_key();
    X509 *ca = NULL, *other = NULL, *good = NULL, *wrong = NULL, *expired = NULL, *untrusted = NULL;
    int rc = -1;
    if (!ca_key || !other_key || !key)
        goto out;
    ca = make_cert(ca_key, "esimlpa test CI", NULL, -1, 30, NULL, NULL, 1);
    other = make_cert(other_key, "untrusted test CA", NULL, -1, 30, NULL, NULL, 2);
    if (!ca || !other)
        goto out;
    good = make_cert(key, TESTPKI_HOST, "DNS:" TESTPKI_HOST, -1, 30, ca, ca_key, 10);
    wrong = make_cert(key, "other.example.com", "DNS:other.example.com", -1, 30, ca, ca_key, 11);
    expired = make_cert(key, TESTPKI_HOST, "DNS:" TESTPKI_HOST, -30, -1, ca, ca_key, 12);
    untrusted = make_cert(key, TESTPKI_HOST, "DNS:" TESTPKI_HOST, -1, 30, other, other_key, 13);
    if (!good || !wrong || !expired || !untrusted)
        goto out;
    if (write_cert(p->ca, ca) || write_key(p->key, key) || write_cert(p->good, good) ||
        write_cert(p->wrong_host, wrong) || write_cert(p->expired, expired) ||
        write_cert(p->untrusted, untrusted))
        goto out;
    snprintf(p->ca_dir, sizeof(p->ca_dir), "%s/capath", p->dir);
    snprintf(p->ca_hashed, sizeof(p->ca_hashed), "%s/%08lx.0", p->ca_dir,
             X509_subject_name_hash(ca));
    if (mkdir(p->ca_dir, 0700) != 0 || write_cert(p->ca_hashed, ca))
        goto out;
    rc = 0;
out:
    if (rc) {
        fprintf(stderr, "testpki: generation failed\n");
        ERR_print_errors_fp(stderr);
    }
    X509_free(ca);
    X509_free(other);
    X509_free(good);
    X509_free(wrong);
    X509_free(expired);
    X509_free(untrusted);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(other_key);
    EVP_PKEY_free(key);
    return rc;
}

void testpki_remove(struct testpki *p)
{
    if (!p->dir[0])
        return;
    const char *files[] = {p->ca, p->key, p->good, p->wrong_host, p->expired, p->untrusted};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if (files[i][0])
            unlink(files[i]);
    if (p->ca_hashed[0])
        unlink(p->ca_hashed);
    if (p->ca_dir[0])
        rmdir(p->ca_dir);
    rmdir(p->dir);
    p->dir[0] = '\0';
}
