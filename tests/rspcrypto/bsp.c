/* SPDX-License-Identifier: MIT */
/* BSP segment protection, SCP03t style (sgp22-notes §7.5):
 *   ICV = AES-ECB(S-ENC, n as 16-byte big-endian), P' = P || 80 00.., C = AES-CBC(S-ENC, ICV, P')
 *   (86/87 only; 88 is cleartext), L = len(C) + 8, M = AES-CMAC(S-MAC, MCV || T || L || C),
 *   MCV <- M, output T || L || C || M[0..7]. The counter n counts every segment, 88 included. */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include "rspcrypto.h"

void rspc_bsp_init(struct rspc_bsp *st, const struct rspc_session_keys *k)
{
    memcpy(st->s_enc, k->s_enc, 16);
    memcpy(st->s_mac, k->s_mac, 16);
    memcpy(st->mcv, k->mcv0, 16);
    st->n = 1;
}

void rspc_bsp_replace_keys(struct rspc_bsp *st, const uint8_t ppk_enc[16],
                           const uint8_t ppk_cmac[16], const uint8_t mcv[16])
{
    memcpy(st->s_enc, ppk_enc, 16);
    memcpy(st->s_mac, ppk_cmac, 16);
    memcpy(st->mcv, mcv, 16);
    st->n = 1;
}

void rspc_bsp_clear(struct rspc_bsp *st)
{
    OPENSSL_cleanse(st, sizeof(*st));
}

/* AES-128 without padding; ecb when iv == NULL. len must be a multiple of 16. */
static int aes(const uint8_t key[16], const uint8_t *iv, int enc, const uint8_t *in, size_t len,
               uint8_t *out)
{
    int rc = RSPC_ECRYPTO, n1 = 0, n2 = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    if (!c || len > 0x7FFFFFF0)
        goto out;
    if (EVP_CipherInit_ex(c, iv ? EVP_aes_128_cbc() : EVP_aes_128_ecb(), NULL, key, iv, enc) == 1 &&
        EVP_CIPHER_CTX_set_padding(c, 0) == 1 &&
        EVP_CipherUpdate(c, out, &n1, in, (int)len) == 1 &&
        EVP_CipherFinal_ex(c, out + n1, &n2) == 1 && (size_t)(n1 + n2) == len)
        rc = RSPC_OK;
out:
    EVP_CIPHER_CTX_free(c);
    return rc;
}

static int icv(const struct rspc_bsp *st, uint8_t out[16])
{
    uint8_t blk[16] = { 0 };
    blk[12] = (uint8_t)(st->n >> 24);
    blk[13] = (uint8_t)(st->n >> 16);
    blk[14] = (uint8_t)(st->n >> 8);
    blk[15] = (uint8_t)st->n;
    return aes(st->s_enc, NULL, 1, blk, 16, out);
}

/* M = AES-CMAC(S-MAC, MCV || hdr || body) */
static int cmac(const struct rspc_bsp *st, const uint8_t *hdr, size_t hdr_len,
                const uint8_t *body, size_t body_len, uint8_t mac[16])
{
    int rc = RSPC_ECRYPTO;
    size_t ml = 0;
    EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
    EVP_MAC_CTX *c = m ? EVP_MAC_CTX_new(m) : NULL;
    OSSL_PARAM p[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)"AES-128-CBC", 0),
        OSSL_PARAM_construct_end(),
    };
    if (c && EVP_MAC_init(c, st->s_mac, 16, p) == 1 && EVP_MAC_update(c, st->mcv, 16) == 1 &&
        EVP_MAC_update(c, hdr, hdr_len) == 1 && EVP_MAC_update(c, body, body_len) == 1 &&
        EVP_MAC_final(c, mac, &ml, 16) == 1 && ml == 16)
        rc = RSPC_OK;
    EVP_MAC_CTX_free(c);
    EVP_MAC_free(m);
    return rc;
}

int rspc_bsp_wrap(struct rspc_bsp *st, uint8_t tag, const uint8_t *pt, size_t len,
                  struct rspc_buf *out)
{
    if (!st || !out || (!pt && len))
        return RSPC_EINVAL;
    int enc = tag == 0x86 || tag == 0x87;
    if (!enc && tag != 0x88)
        return RSPC_EINVAL;
    if (len > (enc ? RSPC_BSP_MAX_ENC_PLAIN : RSPC_BSP_MAX_MAC_PLAIN))
        return RSPC_EINVAL;

    size_t clen = enc ? (len / 16 + 1) * 16 : len;
    uint8_t *c = malloc(clen ? clen : 1);
    if (!c)
        return RSPC_ENOMEM;
    int rc = RSPC_OK;
    if (enc) {
        uint8_t iv[16];
        if (len)
            memcpy(c, pt, len);
        c[len] = 0x80;
        memset(c + len + 1, 0, clen - len - 1);
        rc = icv(st, iv);
        if (!rc)
            rc = aes(st->s_enc, iv, 1, c, clen, c);
    } else if (len) {
        memcpy(c, pt, len);
    }

    struct rspc_buf hdr = { 0 };
    uint8_t mac[16];
    if (!rc)
        rc = rspc_tlv_put_tag(&hdr, tag);
    if (!rc)
        rc = rspc_tlv_put_len(&hdr, clen + 8);
    if (!rc)
        rc = cmac(st, hdr.data, hdr.len, c, clen, mac);
    if (!rc)
        rc = rspc_buf_append(out, hdr.data, hdr.len);
    if (!rc)
        rc = rspc_buf_append(out, c, clen);
    if (!rc)
        rc = rspc_buf_append(out, mac, 8);
    if (!rc) {
        memcpy(st->mcv, mac, 16);
        st->n++;
    }
    rspc_buf_free(&hdr);
    OPENSSL_cleanse(c, clen ? clen : 1);
    free(c);
    return rc;
}

int rspc_bsp_unwrap(struct rspc_bsp *st, const uint8_t *seg, size_t len, uint8_t *tag,
                    struct rspc_buf *out)
{
    struct rspc_tlv t;
    if (!st || !seg || !out)
        return RSPC_EINVAL;
    if (rspc_tlv_parse(seg, len, &t) || t.total != len || t.len < 8 ||
        (t.tag != 0x86 && t.tag != 0x87 && t.tag != 0x88))
        return RSPC_ESTRUCTURE;
    int enc = t.tag != 0x88;
    size_t clen = t.len - 8;
    uint8_t mac[16];
    int rc = cmac(st, seg, t.hdr_len, t.value, clen, mac);
    if (rc)
        return rc;
    if (CRYPTO_memcmp(mac, t.value + clen, 8) != 0)
        return RSPC_ESECURITY;
    if (!enc) {
        rc = rspc_buf_append(out, t.value, clen);
    } else {
        if (clen == 0 || clen % 16)
            return RSPC_ESTRUCTURE;
        uint8_t iv[16];
        uint8_t *p = malloc(clen);
        if (!p)
            return RSPC_ENOMEM;
        rc = icv(st, iv);
        if (!rc)
            rc = aes(st->s_enc, iv, 0, t.value, clen, p);
        size_t plen = clen;
        if (!rc) {  /* strip 80 00.. : the last non-zero byte must be 80, within one block */
            while (plen > 0 && p[plen - 1] == 0x00 && clen - plen < 16)
                plen--;
            if (plen == 0 || p[plen - 1] != 0x80 || clen - plen >= 16)
                rc = RSPC_ESTRUCTURE;
            else
                plen--;
        }
        if (!rc)
            rc = rspc_buf_append(out, p, plen);
        OPENSSL_cleanse(p, clen);
        free(p);
    }
    if (rc)
        return rc;
    *tag = (uint8_t)t.tag;
    memcpy(st->mcv, mac, 16);
    st->n++;
    return RSPC_OK;
}
