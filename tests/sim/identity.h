/* SPDX-License-Identifier: MIT */
/* Soft eUICC identity: SK.EUICC, CERT.EUICC, CERT.EUM and the CI PKIDs
 * (SubjectKeyIdentifier of the CI, sgp22-notes §8.2) for EUICCInfo1/2. */
#ifndef SOFTEUICC_IDENTITY_H
#define SOFTEUICC_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

struct se_identity {
    EVP_PKEY *key;                  /* SK.EUICC (never logged) */
    uint8_t *euicc_cert, *eum_cert; /* DER */
    size_t euicc_cert_len, eum_cert_len;
    uint8_t ci_pkid[20];
    size_t ci_pkid_len;
    char cert_eid[33];              /* subject serialNumber of CERT.EUICC, "" if none */
    X509 *ci;                       /* CI certificate (verification list), NULL if not given */
    uint8_t extra_ci_pkid[8][20];   /* listed for verification only (--extra-ci-pkid) */
    size_t n_extra_ci_pkid;
};

/* Load the files; ci_cert_path may be NULL (PKID from the EUM's AKI then).
 * Returns 0, or -1 with a message in err. */
int se_identity_load(const char *key_path, const char *euicc_cert_path,
                     const char *eum_cert_path, const char *ci_cert_path,
                     struct se_identity **out, char *err, size_t errlen);
void se_identity_free(struct se_identity *id);

/* ECDSA-SHA256 over data, as plain r||s (BSI TR-03111, sgp22-notes §7.1).
 * sig must hold 64 bytes. Returns 0 or -1. */
int se_identity_sign(const struct se_identity *id, const uint8_t *data, size_t len,
                     uint8_t sig[64]);

#endif
