/* SPDX-License-Identifier: MIT */
/* ES9+ cancelSession (notes §1.4): verify the eUICC's signed cancel, release the order. */
#include <stdlib.h>
#include <string.h>

#include "smdpp_internal.h"

static void release(struct smdpp *s, struct smdpp_session *sess, const char *why)
{
    struct smdpp_order *o = sess->order;
    if (o && (o->state == ORDER_IN_PROGRESS || o->state == ORDER_DOWNLOADED)) {
        o->state = ORDER_AVAILABLE;  /* re-downloadable (notes §1.4: UNVERIFIED, our choice) */
        snprintf(o->last_result, sizeof o->last_result, "cancelled: %s", why);
    }
    smdpp_log(s, "cancelSession: session %s ended: %s", sess->txid_hex, why);
    smdpp_session_drop(s, sess);
}

int smdpp_cancel_session(struct smdpp *s, const cJSON *req, struct smdpp_reply *r)
{
    const char *txid = smdpp_json_str(req, "transactionId");
    struct smdpp_session *sess = smdpp_session_find(s, txid);
    /* The reply is the header only (SGP.22 §6.5, ES9+.CancelSession response
     * has no transactionId; osmo-smdpp adds one, notes §5). */
    if (!sess)
        return smdpp_fail(s, r, "8.10.1", "3.9", "unknown transactionId %.40s",
                          txid ? txid : "(none)");
    uint8_t *csr = NULL;
    size_t cl;
    struct rspc_tlv top, ch, sd, sig, t;
    char why[64];
    if (smdpp_json_b64(s, req, "cancelSessionResponse", 4096, &csr, &cl, r))
        goto out;
    if (smdpp_tlv_whole(csr, cl, 0xBF41, &top) || rspc_tlv_parse(top.value, top.len, &ch) ||
        ch.total != top.len || (ch.tag != 0xA0 && ch.tag != 0x81)) {
        smdpp_fail(s, r, "1.3.1", "2.1", "cancelSessionResponse is not a BF41");
        goto out;
    }
    if (ch.tag == 0x81) {  /* the eUICC's error branch: accepted quietly */
        snprintf(why, sizeof why, "eUICC error %d", ch.len == 1 ? ch.value[0] : -1);
        release(s, sess, why);
        goto out;
    }
    if (rspc_tlv_parse(ch.value, ch.len, &sd) || sd.tag != 0x30 || sd.total >= ch.len ||
        rspc_tlv_parse(ch.value + sd.total, ch.len - sd.total, &sig) ||
        sd.total + sig.total != ch.len) {
        smdpp_fail(s, r, "1.3.1", "2.1", "CancelSessionResponseOk malformed");
        goto out;
    }
    if (sess->euicc_cert &&
        smdpp_verify_sig(sess->euicc_cert, sd.value - sd.hdr_len, sd.total, &sig) != RSPC_OK) {
        smdpp_fail(s, r, "8.1", "6.1", "euiccCancelSessionSignature does not verify");
        goto out;
    }
    if (smdpp_tlv_find(sd.value, sd.len, 0x81, &t) || t.len != s->oid_len ||
        memcmp(t.value, s->oid, t.len)) {
        smdpp_fail(s, r, "8.8", "3.10", "smdpOid is not ours");
        goto out;
    }
    if (smdpp_tlv_find(sd.value, sd.len, 0x80, &t) || t.len != sizeof sess->txid ||
        memcmp(t.value, sess->txid, t.len)) {
        smdpp_fail(s, r, "8.10.1", "3.9", "signed transactionId differs from the session's");
        goto out;
    }
    int reason = smdpp_tlv_find(sd.value, sd.len, 0x82, &t) == RSPC_OK && t.len == 1
                     ? t.value[0] : -1;
    snprintf(why, sizeof why, "reason %d%s", reason, sess->euicc_cert ? "" : " (unverified)");
    release(s, sess, why);
out:
    free(csr);
    return 0;
}
