/* SPDX-License-Identifier: MIT */
/* Small helpers of the test SM-DP+: JSON fields, base64 (notes §5.3), hex, TLV lookups, signature
 * checks over raw bytes (notes §7.2). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "es9p/base64.h"
#include "smdpp_internal.h"

const char *smdpp_json_str(const cJSON *o, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(it) ? it->valuestring : NULL;
}

int smdpp_json_b64(struct smdpp *s, const cJSON *o, const char *name, size_t max, uint8_t **out,
                   size_t *len, struct smdpp_reply *r)
{
    const char *v = smdpp_json_str(o, name);
    *out = NULL;
    *len = 0;
    if (!v) {
        smdpp_fail(s, r, "1.3.1", "2.2", "mandatory element %s missing", name);
        return -1;
    }
    if (esimlpa__b64_decode(v, strlen(v), max, out, len) != 0) {
        smdpp_fail(s, r, "1.3.1", "2.1", "%s is not valid base64 (or too big)", name);
        return -1;
    }
    return 0;
}

char *smdpp_b64(const uint8_t *p, size_t n)
{
    return esimlpa__b64_encode(p, n);
}

void smdpp_hex(const uint8_t *p, size_t n, char *out)
{
    static const char d[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = 0;
}

int smdpp_tlv_find(const uint8_t *v, size_t len, uint32_t tag, struct rspc_tlv *out)
{
    size_t off = 0;
    while (off < len) {
        struct rspc_tlv t;
        if (rspc_tlv_parse(v + off, len - off, &t) != RSPC_OK)
            return RSPC_EINVAL;
        if (t.tag == tag) {
            *out = t;
            return RSPC_OK;
        }
        off += t.total;
    }
    return RSPC_ENOTFOUND;
}

int smdpp_tlv_whole(const uint8_t *p, size_t len, uint32_t tag, struct rspc_tlv *out)
{
    if (rspc_tlv_parse(p, len, out) != RSPC_OK || out->total != len || out->tag != tag)
        return RSPC_EINVAL;
    return RSPC_OK;
}

int smdpp_verify_sig(X509 *cert, const uint8_t *msg, size_t len, const struct rspc_tlv *sig_tlv)
{
    if (!cert || sig_tlv->tag != 0x5F37 || sig_tlv->len != RSPC_SIG_LEN)
        return RSPC_ESIG;
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    if (!pub)
        return RSPC_ESIG;
    return rspc_verify(pub, msg, len, sig_tlv->value);
}
