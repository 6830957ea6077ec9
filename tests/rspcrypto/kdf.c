/* SPDX-License-Identifier: MIT */
/* BSP / SCP03t session key derivation (sgp22-notes §7.4): ANSI X9.63 KDF with SHA-256,
 * SharedInfo = keyType(88) || keyLen(10) || len(hostId) || hostId || len(EID) || EID.
 * Output: MCV0 || S-ENC || S-MAC, 16 bytes each. */
#include <string.h>

#include <openssl/crypto.h>

#include "rspcrypto.h"

int rspc_kdf_session_keys(const uint8_t z[32], const uint8_t *host_id, size_t host_id_len,
                          const uint8_t eid[16], struct rspc_session_keys *out)
{
    if (!z || !host_id || host_id_len < 1 || host_id_len > 16 || !eid || !out)
        return RSPC_EINVAL;
    uint8_t si[2 + 1 + 16 + 1 + 16];
    size_t si_len = 0;
    si[si_len++] = 0x88;  /* keyType AES, as in the CRT of BF23 */
    si[si_len++] = 0x10;  /* keyLen 16 */
    si[si_len++] = (uint8_t)host_id_len;
    memcpy(si + si_len, host_id, host_id_len);
    si_len += host_id_len;
    si[si_len++] = 16;
    memcpy(si + si_len, eid, 16);
    si_len += 16;

    uint8_t k[64];
    int rc = RSPC_ECRYPTO;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md)
        return RSPC_ENOMEM;
    for (uint32_t counter = 1; counter <= 2; counter++) {
        uint8_t c[4] = { 0, 0, 0, (uint8_t)counter };
        unsigned int hl = 0;
        if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
            EVP_DigestUpdate(md, z, 32) != 1 || EVP_DigestUpdate(md, c, 4) != 1 ||
            EVP_DigestUpdate(md, si, si_len) != 1 ||
            EVP_DigestFinal_ex(md, k + 32 * (counter - 1), &hl) != 1 || hl != 32)
            goto out;
    }
    memcpy(out->mcv0, k, 16);
    memcpy(out->s_enc, k + 16, 16);
    memcpy(out->s_mac, k + 32, 16);
    rc = RSPC_OK;
out:
    OPENSSL_cleanse(k, sizeof(k));
    EVP_MD_CTX_free(md);
    return rc;
}
