/* SPDX-License-Identifier: MIT */
/* ES9+ handleNotification (notes §9): PIR (BF37) and OtherSignedNotification (30).
 * Always HTTP 204 for a decodable request, like osmo-smdpp; results are recorded. */
#include <stdlib.h>
#include <string.h>

#include "smdpp_internal.h"

static void pir(struct smdpp *s, const struct rspc_tlv *top)
{
    struct rspc_tlv data, sig, t, fr, res;
    char hex[33];
    if (rspc_tlv_parse(top->value, top->len, &data) || data.tag != 0xBF27 ||
        data.total >= top->len ||
        rspc_tlv_parse(top->value + data.total, top->len - data.total, &sig) ||
        data.total + sig.total != top->len ||
        smdpp_tlv_find(data.value, data.len, 0x80, &t) || t.len < 1 || t.len > 16 ||
        smdpp_tlv_find(data.value, data.len, 0xA2, &fr) ||
        rspc_tlv_parse(fr.value, fr.len, &res) || (res.tag != 0xA0 && res.tag != 0xA1)) {
        s->notif_rejected++;
        smdpp_log(s, "handleNotification: malformed PIR");
        return;
    }
    smdpp_hex(t.value, t.len, hex);
    struct smdpp_session *sess = smdpp_session_find(s, hex);
    if (!sess || !sess->euicc_cert) {
        smdpp_log(s, "handleNotification: PIR for unknown session %s (ignored)", hex);
        return;
    }
    if (smdpp_verify_sig(sess->euicc_cert, data.value - data.hdr_len, data.total, &sig)) {
        s->notif_rejected++;
        smdpp_log(s, "handleNotification: PIR signature of session %s does not verify", hex);
        return;
    }
    s->notif_verified++;
    struct smdpp_order *o = sess->order;
    if (res.tag == 0xA0) {
        if (o) {
            o->state = ORDER_INSTALLED;  /* consumed */
            snprintf(o->last_result, sizeof o->last_result, "installed");
        }
        smdpp_log(s, "handleNotification: session %s: install success", hex);
    } else {
        struct rspc_tlv cmd, why;
        int c = smdpp_tlv_find(res.value, res.len, 0x80, &cmd) == RSPC_OK && cmd.len == 1
                    ? cmd.value[0] : -1;
        int w = smdpp_tlv_find(res.value, res.len, 0x81, &why) == RSPC_OK && why.len == 1
                    ? why.value[0] : -1;
        if (o) {
            o->state = ORDER_AVAILABLE;  /* released for a retry */
            snprintf(o->last_result, sizeof o->last_result,
                     "install failed: bppCommandId %d errorReason %d", c, w);
        }
        smdpp_log(s, "handleNotification: session %s: install error %d/%d", hex, c, w);
    }
    smdpp_session_drop(s, sess);
}

static void other(struct smdpp *s, const struct rspc_tlv *top)
{
    struct rspc_tlv meta, sig, cu, cm, t;
    size_t off = 0;
    X509 *euicc = NULL, *eum = NULL, *ci = NULL;
    const char *bad = NULL;
    if (rspc_tlv_parse(top->value, top->len, &meta) || meta.tag != 0xBF2F ||
        (off = meta.total) >= top->len ||
        rspc_tlv_parse(top->value + off, top->len - off, &sig) || sig.tag != 0x5F37 ||
        (off += sig.total) >= top->len ||
        rspc_tlv_parse(top->value + off, top->len - off, &cu) || cu.tag != 0x30 ||
        (off += cu.total) >= top->len ||
        rspc_tlv_parse(top->value + off, top->len - off, &cm) || cm.tag != 0x30 ||
        off + cm.total != top->len) {
        bad = "malformed";
        goto out;
    }
    euicc = rspc_cert_from_der(cu.value - cu.hdr_len, cu.total);
    eum = rspc_cert_from_der(cm.value - cm.hdr_len, cm.total);
    uint8_t aki[64], ski[64];
    size_t al, sl;
    if (eum && rspc_cert_aki(eum, aki, sizeof aki, &al) == RSPC_OK)
        for (size_t i = 0; i < s->n_ci && !ci; i++)
            if (rspc_cert_ski(s->ci[i], ski, sizeof ski, &sl) == RSPC_OK && sl == al &&
                !memcmp(ski, aki, al))
                ci = s->ci[i];
    if (!euicc || !ci || rspc_cert_verify_chain(euicc, &eum, 1, ci, 0) != RSPC_OK) {
        bad = "certificate chain does not verify";
        goto out;
    }
    if (smdpp_verify_sig(euicc, meta.value - meta.hdr_len, meta.total, &sig)) {
        bad = "signature does not verify";
        goto out;
    }
    s->notif_verified++;
    int seq = -1;
    unsigned ops = 0;
    if (smdpp_tlv_find(meta.value, meta.len, 0x80, &t) == RSPC_OK && t.len <= 3) {
        seq = 0;
        for (size_t i = 0; i < t.len; i++)
            seq = seq << 8 | t.value[i];
    }
    if (smdpp_tlv_find(meta.value, meta.len, 0x81, &t) == RSPC_OK && t.len >= 2)
        ops = t.value[1];  /* ignore the unused-bits octet (notes §9) */
    smdpp_log(s, "handleNotification: seq %d event bits %02X verified", seq, ops);
out:
    if (bad) {
        s->notif_rejected++;
        smdpp_log(s, "handleNotification: other notification rejected: %s", bad);
    }
    X509_free(euicc);
    X509_free(eum);
}

int smdpp_handle_notification(struct smdpp *s, const cJSON *req, struct smdpp_reply *r)
{
    uint8_t *pn = NULL;
    size_t pl;
    struct rspc_tlv top;
    if (smdpp_json_b64(s, req, "pendingNotification", 65536, &pn, &pl, r))
        return 0;
    s->notif_received++;
    if (rspc_tlv_parse(pn, pl, &top) || top.total != pl) {
        s->notif_rejected++;
        smdpp_log(s, "handleNotification: not one TLV");
    } else if (top.tag == 0xBF37) {
        pir(s, &top);
    } else if (top.tag == 0x30) {
        other(s, &top);
    } else {
        s->notif_rejected++;
        smdpp_log(s, "handleNotification: unknown notification tag %X", (unsigned)top.tag);
    }
    free(pn);
    r->http_status = 204;  /* notes §5.5 */
    return 0;
}
