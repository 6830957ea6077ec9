/* SPDX-License-Identifier: MIT */
/* Confirmation-code hash (SGP.22 §3.1.3.2, notes §2.2):
 * hashCc = SHA-256(SHA-256(CC) || binary transactionId). */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <esimlpa/activation.h>
#include <esimlpa/error.h>

#define TID_MAX 16   /* TransactionId ::= OCTET STRING (SIZE(1..16)) */

int esimlpa_hash_cc(const char *cc, const uint8_t *transaction_id, size_t tid_len,
                    uint8_t out[32])
{
    if (!cc || !*cc || !transaction_id || tid_len == 0 || tid_len > TID_MAX || !out)
        return ESIMLPA_EINVAL;
    uint8_t inner[32];
    unsigned n1 = 0, n2 = 0;
    int ok = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(md, cc, strlen(cc)) == 1 &&
        EVP_DigestFinal_ex(md, inner, &n1) == 1 && n1 == 32 &&
        EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
        EVP_DigestUpdate(md, inner, sizeof inner) == 1 &&
        EVP_DigestUpdate(md, transaction_id, tid_len) == 1 &&
        EVP_DigestFinal_ex(md, out, &n2) == 1 && n2 == 32)
        ok = 1;
    EVP_MD_CTX_free(md);
    /* SHA-256(CC) is as good as the code for a brute-force: wipe it. */
    OPENSSL_cleanse(inner, sizeof inner);
    if (!ok) {
        memset(out, 0, 32);
        return ESIMLPA_EINTERNAL;
    }
    return ESIMLPA_OK;
}
