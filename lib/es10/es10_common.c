/* SPDX-License-Identifier: MIT */
/* Shared plumbing of the ES10 layer; see es10_common.h. */
#include "es10_common.h"

#include <stdlib.h>
#include <string.h>

#include <NotificationConfigurationInformation.h>
#include <NotificationMetadata.h>
#include <OperatorId.h>

#include "../apdu/apdu_internal.h"
#include "../asn1util/asn1util.h"
#include "../core/card_lock.h"
#include "../util/util_internal.h"

int esimlpa__es10_begin(esimlpa_ctx *ctx, const char *what)
{
    if (!ctx)
        return ESIMLPA_EINVAL;
    esimlpa__clear_error(ctx);
    if (!ctx->open)
        return esimlpa__fail(ctx, ESIMLPA_ESTATE, "%s: context is not open", what);
    return ESIMLPA_OK;
}

int esimlpa__es10_encode(esimlpa_ctx *ctx, const char *what,
                         const asn_TYPE_descriptor_t *td, const void *req,
                         uint8_t **out, size_t *out_len)
{
    if (esimlpa__der_encode(td, req, out, out_len) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EENCODE, "%s: request could not be encoded", what);
    return ESIMLPA_OK;
}

/* The encoded form of a tag number as the big-endian integer of its bytes
 * (0x5A, 0xBF3E, ...): compare with the first bytes of a TLV. */
static size_t tag_bytes(unsigned tag, uint8_t out[4])
{
    size_t n = tag > 0xFFFFFF ? 4 : tag > 0xFFFF ? 3 : tag > 0xFF ? 2 : 1;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(tag >> (8 * (n - 1 - i)));
    return n;
}

int esimlpa__es10_exchange(esimlpa_ctx *ctx, const char *what,
                           const uint8_t *req, size_t req_len, unsigned tag,
                           const asn_TYPE_descriptor_t *td, void **out,
                           uint8_t **raw, size_t *raw_len)
{
    *out = NULL;
    if (raw) {
        *raw = NULL;
        *raw_len = 0;
    }
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    int rc = esimlpa__card_lock(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_transceive(ctx, what, req, req_len, &resp, &resp_len);
    esimlpa__card_unlock(ctx);
    if (rc != ESIMLPA_OK) {
        free(resp);
        return rc;
    }
    uint8_t tb[4];
    size_t tn = tag_bytes(tag, tb);
    if (resp_len == 0) {
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: empty response (expected tag %X)",
                           what, tag);
    } else if (resp_len < tn || memcmp(resp, tb, tn) != 0) {
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED,
                           "%s: unexpected response (tag %02X..., expected %X)",
                           what, resp[0], tag);
    } else if (esimlpa__der_decode(td, out, resp, resp_len) != 0) {
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE,
                           "%s: malformed response (%zu bytes)", what, resp_len);
    }
    if (rc == ESIMLPA_OK && raw) {
        *raw = resp;
        *raw_len = resp_len;
    } else {
        free(resp);
    }
    return rc;
}

int esimlpa__es10_call(esimlpa_ctx *ctx, const char *what,
                       const asn_TYPE_descriptor_t *req_td, const void *req,
                       unsigned tag, const asn_TYPE_descriptor_t *resp_td, void **out,
                       uint8_t **raw, size_t *raw_len)
{
    *out = NULL;
    uint8_t *der = NULL;
    size_t der_len = 0;
    int rc = esimlpa__es10_encode(ctx, what, req_td, req, &der, &der_len);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_exchange(ctx, what, der, der_len, tag, resp_td, out, raw, raw_len);
    free(der);
    return rc;
}

int esimlpa__es10_result(esimlpa_ctx *ctx, const char *what, long result,
                         const struct esimlpa__result_map *map)
{
    if (result == 0)
        return ESIMLPA_OK;
    for (; map && map->name; map++)
        if (map->value == result)
            return esimlpa__fail_result(ctx, map->code, result, what, map->name);
    return esimlpa__fail_result(ctx, ESIMLPA_EEUICC_UNKNOWN_RESULT, result, what,
                                "not defined by SGP.22");
}

int esimlpa__tlv_header(const uint8_t *buf, size_t len, unsigned *tag,
                        size_t *hdr_len, size_t *val_len)
{
    size_t i = 0;
    if (!buf || len < 2)
        return -1;
    unsigned t = buf[i++];
    if ((t & 0x1F) == 0x1F) {           /* high tag number form */
        for (int k = 0;; k++) {
            if (i >= len || k >= 2)     /* tags of at most 3 bytes */
                return -1;
            uint8_t b = buf[i++];
            t = (t << 8) | b;
            if (!(b & 0x80))
                break;
        }
    }
    if (i >= len)
        return -1;
    size_t l = buf[i++];
    if (l & 0x80) {
        size_t nb = l & 0x7F;
        /* Deliberate: no indefinite form (0x80); at most 3 length bytes
         * (< 16 MiB, far above any ES10/BPP object). Non-minimal forms
         * (81 05) are accepted as BER allows them, and the value is still
         * checked against the bytes left below. */
        if (nb == 0 || nb > 3 || len - i < nb)
            return -1;
        l = 0;
        for (size_t k = 0; k < nb; k++)
            l = (l << 8) | buf[i++];
    }
    if (len - i < l)
        return -1;
    *tag = t;
    *hdr_len = i;
    *val_len = l;
    return 0;
}

int esimlpa__es10_string(esimlpa_ctx *ctx, const char *what, const char *field,
                         const OCTET_STRING_t *os, size_t max, char **out)
{
    *out = NULL;
    if (!os)
        return ESIMLPA_OK;
    if (os->size >= 0 && (size_t)os->size > max)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: %s longer than %zu bytes",
                             what, field, max);
    if (esimlpa__octets_to_cstr(os, max, out) != 0) {
        if (os->size >= 0 && os->buf && memchr(os->buf, 0, (size_t)os->size))
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: %s contains a NUL byte",
                                 what, field);
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    }
    return ESIMLPA_OK;
}

int esimlpa__es10_iccid(esimlpa_ctx *ctx, const char *what, const OCTET_STRING_t *os,
                        char out[ESIMLPA_ICCID_MAX + 1])
{
    out[0] = '\0';
    if (!os || os->size != 10 || esimlpa_iccid_decode(os->buf, 10, out) != ESIMLPA_OK) {
        out[0] = '\0';
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed ICCID (%d bytes)",
                             what, os ? os->size : 0);
    }
    return ESIMLPA_OK;
}

/* One BCD digit of an mccMnc. Digits A..E appear as wildcards in RAT
 * entries (sgp22-notes §10.9, UNVERIFIED); they are kept as hex letters. */
static int plmn_digit(unsigned nib, char *c)
{
    if (nib > 0x0E)
        return -1;
    *c = (char)(nib < 10 ? '0' + nib : 'A' + (nib - 10));
    return 0;
}

int esimlpa__es10_operator(esimlpa_ctx *ctx, const char *what,
                           const struct OperatorId *in, struct esimlpa_operator_id *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *m = in->mccMnc.buf;
    if (in->mccMnc.size != 3)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: mccMnc is %d bytes, not 3",
                             what, in->mccMnc.size);
    /* 3GPP TS 24.008: MCC2|MCC1, MNC3|MCC3, MNC2|MNC1; MNC3 = F: 2-digit MNC. */
    unsigned d[6] = { m[0] & 0x0Fu, m[0] >> 4, m[1] & 0x0Fu, m[2] & 0x0Fu, m[2] >> 4, m[1] >> 4 };
    size_t n = d[5] == 0x0F ? 5 : 6;
    for (size_t i = 0; i < n; i++)
        if (plmn_digit(d[i], &out->mcc_mnc[i]) != 0) {
            memset(out, 0, sizeof *out);
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: malformed mccMnc %02X%02X%02X",
                                 what, m[0], m[1], m[2]);
        }
    out->mcc_mnc[n] = '\0';
    const OCTET_STRING_t *g[2] = { in->gid1, in->gid2 };
    for (int k = 0; k < 2; k++) {
        if (!g[k])
            continue;
        if (g[k]->size < 0 || (size_t)g[k]->size > sizeof out->gid1) {
            memset(out, 0, sizeof *out);
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: gid%d longer than 16 bytes",
                                 what, k + 1);
        }
        uint8_t *dst = k ? out->gid2 : out->gid1;
        if (g[k]->size)
            memcpy(dst, g[k]->buf, (size_t)g[k]->size);
        if (k) {
            out->gid2_len = (size_t)g[k]->size;
            out->has_gid2 = 1;
        } else {
            out->gid1_len = (size_t)g[k]->size;
            out->has_gid1 = 1;
        }
    }
    return ESIMLPA_OK;
}

/* Notification addresses are FQDNs; cap well above 255 to stay tolerant. */
#define NOTIF_ADDR_MAX 1024

int esimlpa__es10_notification_meta(esimlpa_ctx *ctx, const char *what,
                                    const struct NotificationMetadata *in,
                                    struct esimlpa_notification *out)
{
    memset(out, 0, sizeof *out);
    if (in->seqNumber < 0)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: negative seqNumber %ld",
                             what, in->seqNumber);
    out->seq_number = in->seqNumber;
    /* Decode by bits, whatever the unused-bits octet says (notes §9). */
    out->event = esimlpa__bits_get(&in->profileManagementOperation);
    if (in->iccid) {
        int rc = esimlpa__es10_iccid(ctx, what, in->iccid, out->iccid);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    int rc = esimlpa__es10_string(ctx, what, "notificationAddress",
                                  &in->notificationAddress, NOTIF_ADDR_MAX, &out->address);
    if (rc != ESIMLPA_OK)
        memset(out, 0, sizeof *out);
    return rc;
}

int esimlpa__es10_profile_id(esimlpa_ctx *ctx, const char *what,
                             const struct esimlpa_profile_id *id,
                             uint8_t buf[ESIMLPA_AID_MAX], size_t *len, int *is_aid)
{
    if (!id)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no profile identifier", what);
    if (id->kind == ESIMLPA_ID_ICCID) {
        if (!memchr(id->iccid, '\0', sizeof id->iccid) ||
            esimlpa_iccid_encode(id->iccid, buf) != ESIMLPA_OK)
            return esimlpa__fail(ctx, ESIMLPA_EBADICCID, "%s: malformed ICCID \"%.24s\"",
                                 what, id->iccid);
        *len = 10;
        *is_aid = 0;
        return ESIMLPA_OK;
    }
    if (id->kind == ESIMLPA_ID_AID) {
        /* An ISD-P AID is 5..16 bytes (ISO 7816-5 RID + PIX). */
        if (id->aid_len < 5 || id->aid_len > ESIMLPA_AID_MAX)
            return esimlpa__fail(ctx, ESIMLPA_EBADAID, "%s: ISD-P AID of %zu bytes (5..16)",
                                 what, id->aid_len);
        memcpy(buf, id->aid, id->aid_len);
        *len = id->aid_len;
        *is_aid = 1;
        return ESIMLPA_OK;
    }
    return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: unknown profile identifier kind %d",
                         what, (int)id->kind);
}

int esimlpa__es10_count_ok(esimlpa_ctx *ctx, const char *what, const char *list, int n,
                           int max)
{
    if (n >= 0 && n <= max)
        return ESIMLPA_OK;
    return esimlpa__fail(ctx, ESIMLPA_ETOOBIG, "%s: %s has %d entries, more than the limit of %d",
                         what, list, n, max);
}

/* Longest notification address accepted from the card or a server. */
#define CONFIG_ADDRESS_MAX 1024

int esimlpa__es10_notification_configs(esimlpa_ctx *ctx, const char *what,
                                       struct NotificationConfigurationInformation *const *items,
                                       int count, struct esimlpa_profile_info *p)
{
    if (count <= 0)
        return ESIMLPA_OK;
    int rc0 = esimlpa__es10_count_ok(ctx, what, "notificationConfigurationInfo", count,
                                     ESIMLPA__ES10_MAX_NOTIF_CONFIGS);
    if (rc0 != ESIMLPA_OK)
        return rc0;
    p->notification_configs = calloc((size_t)count, sizeof *p->notification_configs);
    if (!p->notification_configs)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    for (int i = 0; i < count; i++) {
        const NotificationConfigurationInformation_t *c = items[i];
        struct esimlpa_notification_config *o = &p->notification_configs[i];
        o->events = esimlpa__bits_get(&c->profileManagementOperation);
        int rc = esimlpa__es10_string(ctx, what, "notificationAddress",
                                      &c->notificationAddress, CONFIG_ADDRESS_MAX, &o->address);
        if (rc != ESIMLPA_OK)
            return rc;
        p->n_notification_configs = (size_t)i + 1;
    }
    return ESIMLPA_OK;
}

/* Longest icon SGP.22 allows (ProfileInfo / StoreMetadataRequest icon, SIZE(0..1024)). */
#define ICON_MAX 1024

int esimlpa__es10_metadata_fields(esimlpa_ctx *ctx, const char *what,
                                  const struct esimlpa__metadata_fields *f,
                                  struct esimlpa_profile_info *p)
{
    int rc;
    if (f->icon_type) {
        if (*f->icon_type != 0 && *f->icon_type != 1)
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: iconType %ld", what, *f->icon_type);
        p->icon_type = *f->icon_type ? ESIMLPA_ICON_PNG : ESIMLPA_ICON_JPG;
    }
    if (f->icon && f->icon->size > 0) {
        if (f->icon->size > ICON_MAX)
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: icon of %d bytes", what,
                                 f->icon->size);
        p->icon = malloc((size_t)f->icon->size);
        if (!p->icon)
            return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
        memcpy(p->icon, f->icon->buf, (size_t)f->icon->size);
        p->icon_len = (size_t)f->icon->size;
    }
    if (f->profile_class) {
        if (*f->profile_class < 0 || *f->profile_class > 2)
            return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: profileClass %ld", what,
                                 *f->profile_class);
        p->profile_class = (enum esimlpa_profile_class)*f->profile_class;
    }
    if ((rc = esimlpa__es10_notification_configs(ctx, what, f->configs, f->n_configs, p)) !=
        ESIMLPA_OK)
        return rc;
    if (f->owner) {
        if ((rc = esimlpa__es10_operator(ctx, what, f->owner, &p->owner)) != ESIMLPA_OK)
            return rc;
        p->has_owner = 1;
    }
    p->ppr = esimlpa__bits_get(f->ppr);
    return ESIMLPA_OK;
}
