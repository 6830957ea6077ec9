/* SPDX-License-Identifier: MIT */
/* Certificate checks (sgp22-notes §8) against the PKI of tests/pki/gen-rsp-pki.sh, generated
 * into a temporary directory. argv[1] = path of gen-rsp-pki.sh. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/x509v3.h>

#include "rspcrypto.h"
#include "test_util.h"

static char dir[128];

static X509 *cert(const char *role, const char *curve, const char *ext)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s_%s.%s", dir, role, curve, ext);
    X509 *c = rspc_cert_load_file(path);
    if (!c)
        fprintf(stderr, "cannot load %s\n", path);
    CHECK(c != NULL);
    return c;
}

static EVP_PKEY *key(const char *role, const char *curve)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s_%s.key", dir, role, curve);
    EVP_PKEY *k = rspc_key_load_pem_file(path);
    CHECK(k != NULL);
    return k;
}

/* An eUICC certificate with the given subject serialNumber (NULL: none), signed by the EUM. */
static X509 *mint_euicc_o(X509 *eum, EVP_PKEY *eum_key, EVP_PKEY *pub, const char *serial,
                          const char *org)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC, (const unsigned char *)org, -1, -1, 0);
    if (serial)
        X509_NAME_add_entry_by_NID(n, NID_serialNumber, MBSTRING_ASC,
                                   (const unsigned char *)serial, -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)"minted", -1, -1, 0);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 77);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, X509_get_subject_name(eum));
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, pub);
    CHECK(X509_sign(x, eum_key, EVP_sha256()) > 0);
    X509_NAME_free(n);
    return x;
}

static X509 *mint_euicc(X509 *eum, EVP_PKEY *eum_key, EVP_PKEY *pub, const char *serial)
{
    return mint_euicc_o(eum, eum_key, pub, serial, "RSP Test EUM");
}

/* RSP_PKI_EUM_NC=o: the EUM constrains O only, which plain X.509 validation handles. */
static void check_o_variant(const char *script)
{
    char cmd[600], base[100];
    snprintf(base, sizeof(base), "%.64s", dir);
    snprintf(dir, sizeof(dir), "%s/o", base);
    snprintf(cmd, sizeof(cmd), "RSP_PKI_EUM_NC=o sh '%s' '%s' nist", script, dir);
    CHECK(system(cmd) == 0);
    X509 *ci = cert("ci", "nist", "der"), *eum = cert("eum", "nist", "der");
    X509 *euicc = cert("euicc", "nist", "der");
    EVP_PKEY *k_eum = key("eum", "nist"), *k_euicc = key("euicc", "nist");
    X509 *other_org = mint_euicc_o(eum, k_eum, k_euicc, "89049032123451234512345678901235",
                                   "Other EUM");
    CHECK_RC(rspc_cert_verify_chain(euicc, &eum, 1, ci, 1), RSPC_OK);
    CHECK_RC(rspc_cert_verify_chain(other_org, &eum, 1, ci, 1), RSPC_ECERT);
    X509_free(ci);
    X509_free(eum);
    X509_free(euicc);
    X509_free(other_org);
    EVP_PKEY_free(k_eum);
    EVP_PKEY_free(k_euicc);
    snprintf(dir, sizeof(dir), "%s", base);
}

static void check_curve(const char *c, const char *other_c)
{
    X509 *ci = cert("ci", c, "der"), *ci_pem = cert("ci", c, "pem");
    X509 *eum = cert("eum", c, "der"), *euicc = cert("euicc", c, "der");
    X509 *dpauth = cert("dpauth", c, "der"), *dppb = cert("dppb", c, "der");
    X509 *dptls = cert("dptls", c, "pem"), *dsauth = cert("dsauth", c, "der");
    X509 *dstls = cert("dstls", c, "der"), *expired = cert("dptls_expired", c, "der");
    X509 *wronghost = cert("dptls_wronghost", c, "der");
    X509 *untrusted_ci = cert("ci_untrusted", c, "der");
    X509 *untrusted = cert("dptls_untrusted", c, "der");
    X509 *other_ci = cert("ci", other_c, "der");
    X509 *other_eum = cert("eum", other_c, "der");

    CHECK(X509_cmp(ci, ci_pem) == 0);  /* DER and PEM load alike */

    /* chains */
    CHECK_RC(rspc_cert_verify_chain(euicc, &eum, 1, ci, 1), RSPC_OK);
    CHECK_RC(rspc_cert_verify_chain(eum, NULL, 0, ci, 1), RSPC_OK);
    CHECK_RC(rspc_cert_verify_chain(euicc, NULL, 0, ci, 1), RSPC_ECERT);  /* EUM missing */
    CHECK_RC(rspc_cert_verify_chain(euicc, &other_eum, 1, other_ci, 1), RSPC_ECERT);
    X509 *leaves[] = { dpauth, dppb, dptls, dsauth, dstls, wronghost };
    for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
        CHECK_RC(rspc_cert_verify_chain(leaves[i], NULL, 0, ci, 1), RSPC_OK);
        CHECK_RC(rspc_cert_verify_chain(leaves[i], NULL, 0, other_ci, 1), RSPC_ECERT);
        CHECK_RC(rspc_cert_verify_chain(leaves[i], NULL, 0, untrusted_ci, 1), RSPC_ECERT);
    }
    CHECK_RC(rspc_cert_verify_chain(expired, NULL, 0, ci, 1), RSPC_ECERT);
    CHECK_RC(rspc_cert_verify_chain(expired, NULL, 0, ci, 0), RSPC_OK);  /* dates not checked */
    CHECK_RC(rspc_cert_verify_chain(untrusted, NULL, 0, ci, 1), RSPC_ECERT);
    CHECK_RC(rspc_cert_verify_chain(untrusted, NULL, 0, untrusted_ci, 1), RSPC_OK);
    /* an EUM cannot act as a CI of something it did not sign */
    CHECK_RC(rspc_cert_verify_chain(dpauth, NULL, 0, eum, 1), RSPC_ECERT);

    /* roles */
    struct { X509 *c; enum rspc_role r; } roles[] = {
        { ci, RSPC_ROLE_CI }, { eum, RSPC_ROLE_EUM }, { euicc, RSPC_ROLE_EUICC },
        { dpauth, RSPC_ROLE_DP_AUTH }, { dppb, RSPC_ROLE_DP_PB }, { dptls, RSPC_ROLE_DP_TLS },
        { dsauth, RSPC_ROLE_DS_AUTH }, { dstls, RSPC_ROLE_DS_TLS },
    };
    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
        for (int r = RSPC_ROLE_CI; r <= RSPC_ROLE_DS_AUTH; r++)
            CHECK_RC(rspc_cert_check_role(roles[i].c, (enum rspc_role)r),
                     r == (int)roles[i].r ? RSPC_OK : RSPC_EROLE);

    /* key identifiers: the CI's SKI is the AKI of everything it issued (CI PKID, §8.2) */
    uint8_t ski[32], aki[32], x[32];
    size_t ski_len = 0, aki_len = 0, xl = 0;
    CHECK_RC(rspc_cert_ski(ci, ski, sizeof(ski), &ski_len), RSPC_OK);
    CHECK(ski_len == 20);
    X509 *issued[] = { eum, dpauth, dppb, dptls, dsauth, dstls };
    for (size_t i = 0; i < sizeof(issued) / sizeof(issued[0]); i++) {
        CHECK_RC(rspc_cert_aki(issued[i], aki, sizeof(aki), &aki_len), RSPC_OK);
        CHECK_MEM(aki, aki_len, ski, ski_len);
    }
    CHECK_RC(rspc_cert_ski(eum, x, sizeof(x), &xl), RSPC_OK);
    CHECK_RC(rspc_cert_aki(euicc, aki, sizeof(aki), &aki_len), RSPC_OK);
    CHECK_MEM(aki, aki_len, x, xl);
    CHECK_RC(rspc_cert_ski(ci, x, 10, &xl), RSPC_EINVAL);

    /* EID */
    char serial[40], eid_txt[40] = "", path[256];
    uint8_t eid[16], eid_want[16];
    snprintf(path, sizeof(path), "%s/euicc_%s.eid", dir, c);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (f) {
        CHECK(fgets(eid_txt, sizeof(eid_txt), f) != NULL);
        fclose(f);
    }
    eid_txt[strcspn(eid_txt, "\n")] = '\0';
    CHECK(strcmp(eid_txt, "89049032123451234512345678901235") == 0);
    CHECK_RC(rspc_cert_subject_serial(euicc, serial, sizeof(serial)), RSPC_OK);
    CHECK(strcmp(serial, eid_txt) == 0);
    CHECK_RC(rspc_cert_eid(euicc, eid), RSPC_OK);
    CHECK_RC(rspc_eid_to_bytes(eid_txt, eid_want), RSPC_OK);
    CHECK(memcmp(eid, eid_want, 16) == 0);
    CHECK_RC(rspc_cert_subject_serial(dpauth, serial, sizeof(serial)), RSPC_ENOTFOUND);

    /* SM-DP+ / SM-DS / CI OIDs from subjectAltName registeredID */
    uint8_t oid[16];
    size_t ol = 0;
    CHECK_RC(rspc_cert_registered_id(dppb, oid, sizeof(oid), &ol), RSPC_OK);
    CHECK_MEM(oid, ol, "\x88\x37\x0A", 3);  /* 2.999.10 */
    CHECK_RC(rspc_cert_registered_id(dpauth, oid, sizeof(oid), &ol), RSPC_OK);
    CHECK_MEM(oid, ol, "\x88\x37\x0A", 3);
    CHECK_RC(rspc_cert_registered_id(dptls, oid, sizeof(oid), &ol), RSPC_OK);  /* after DNS */
    CHECK_MEM(oid, ol, "\x88\x37\x0A", 3);
    CHECK_RC(rspc_cert_registered_id(dsauth, oid, sizeof(oid), &ol), RSPC_OK);
    CHECK_MEM(oid, ol, "\x88\x37\x14", 3);  /* 2.999.20 */
    CHECK_RC(rspc_cert_registered_id(ci, oid, sizeof(oid), &ol), RSPC_OK);
    CHECK_MEM(oid, ol, "\x88\x37\x01", 3);  /* 2.999.1 */
    CHECK_RC(rspc_cert_registered_id(euicc, oid, sizeof(oid), &ol), RSPC_ENOTFOUND);

    /* keys match their certificates; one-time keys on the certificate's curve */
    EVP_PKEY *k_euicc = key("euicc", c), *k_eum = key("eum", c), *k_dppb = key("dppb", c);
    uint8_t p1[RSPC_POINT_LEN], p2[RSPC_POINT_LEN], sig[RSPC_SIG_LEN];
    CHECK_RC(rspc_pkey_point(k_dppb, p1), RSPC_OK);
    CHECK_RC(rspc_cert_point(dppb, p2), RSPC_OK);
    CHECK(memcmp(p1, p2, sizeof(p1)) == 0);
    CHECK_RC(rspc_sign(k_dppb, (const uint8_t *)"abc", 3, sig), RSPC_OK);
    CHECK_RC(rspc_verify(X509_get0_pubkey(dppb), (const uint8_t *)"abc", 3, sig), RSPC_OK);
    CHECK_RC(rspc_verify(X509_get0_pubkey(dpauth), (const uint8_t *)"abc", 3, sig), RSPC_ESIG);
    EVP_PKEY *ot = rspc_keygen_for_cert(dppb);
    int nid_ot = 0, nid_cert = 0;
    CHECK(ot != NULL);
    CHECK_RC(rspc_pkey_curve(ot, &nid_ot), RSPC_OK);
    CHECK_RC(rspc_pkey_curve(X509_get0_pubkey(dppb), &nid_cert), RSPC_OK);
    CHECK(nid_ot == nid_cert);
    EVP_PKEY_free(ot);

    /* the EUM's permitted EID range (nameConstraints serialNumber=89049032 as a prefix) */
    char ok_eid[33];
    CHECK_RC(rspc_eid_complete("890490320000000000000000000001", ok_eid), RSPC_OK);
    X509 *m_ok = mint_euicc(eum, k_eum, k_euicc, ok_eid);
    X509 *m_range = mint_euicc(eum, k_eum, k_euicc, "89049099123451234512345678901235");
    X509 *m_none = mint_euicc(eum, k_eum, k_euicc, NULL);
    X509 *m_cd = mint_euicc(eum, k_eum, k_euicc, "89049032123451234512345678901236");
    CHECK_RC(rspc_cert_ski(m_ok, x, sizeof(x), &xl), RSPC_ENOTFOUND);
    CHECK_RC(rspc_cert_verify_chain(m_ok, &eum, 1, ci, 1), RSPC_OK);
    CHECK_RC(rspc_cert_verify_chain(m_range, &eum, 1, ci, 1), RSPC_EEID);
    CHECK_RC(rspc_cert_verify_chain(m_none, &eum, 1, ci, 1), RSPC_EEID);
    CHECK_RC(rspc_cert_verify_chain(m_cd, &eum, 1, ci, 1), RSPC_OK);
    CHECK_RC(rspc_cert_eid(m_cd, eid), RSPC_EEID);  /* bad check digits */
    CHECK_RC(rspc_cert_eid(m_none, eid), RSPC_ENOTFOUND);
    /* DER round trip of a loaded certificate */
    uint8_t *der = NULL;
    size_t der_len = 0;
    CHECK_RC(rspc_cert_to_der(euicc, &der, &der_len), RSPC_OK);
    X509 *again = rspc_cert_from_der(der, der_len);
    CHECK(again && X509_cmp(again, euicc) == 0);
    CHECK(rspc_cert_from_der(der, der_len - 1) == NULL);
    X509_free(again);
    OPENSSL_free(der);

    X509 *all[] = { ci, ci_pem, eum, euicc, dpauth, dppb, dptls, dsauth, dstls, expired,
                    wronghost, untrusted_ci, untrusted, other_ci, other_eum, m_ok, m_range,
                    m_none, m_cd };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        X509_free(all[i]);
    EVP_PKEY_free(k_euicc);
    EVP_PKEY_free(k_eum);
    EVP_PKEY_free(k_dppb);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s gen-rsp-pki.sh\n", argv[0]);
        return 2;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/rspc-pki-XXXXXX", tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "sh '%s' '%s' both", argv[1], dir);
    int st = system(cmd);
    CHECK(st == 0);
    if (st == 0) {
        /* a second run leaves a complete PKI untouched (idempotent) */
        X509 *before = cert("ci", "nist", "der");
        CHECK(system(cmd) == 0);
        X509 *after = cert("ci", "nist", "der");
        CHECK(before && after && X509_cmp(before, after) == 0);
        X509_free(before);
        X509_free(after);
        check_curve("nist", "brp");
        check_curve("brp", "nist");
        check_o_variant(argv[1]);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", dir);
    return t_done("rspcrypto-certchk");
}
