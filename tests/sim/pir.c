/* SPDX-License-Identifier: MIT */
/* Soft eUICC: ProfileInstallationResult (BF37, sgp22-notes §6.5, §9). It is answered to
 * the last (or the first failing) LoadBPP segment and queued as a pending notification
 * for the install event, addressed to the session's SM-DP+ (serverAddress). */
#include <stdlib.h>
#include <string.h>

#include "es10_bpp.h"
#include "softeuicc_internal.h"

/* simaResponse: a fixed SAIP EUICCResponse, peStatus { { status ok(0) } } (our choice;
 * the soft eUICC does not interpret profile elements). */
static const uint8_t sima_ok[] = { 0x30, 0x07, 0xA0, 0x05, 0x30, 0x03, 0x80, 0x01, 0x00 };

int se_pir_finish(struct softeuicc *se, const char *iccid, const uint8_t *isdp_aid,
                  size_t aid_len, int cmd_id, int reason, struct dbuf *out)
{
    struct se_session *ss = &se->session;
    struct se_notification n = { .seq = se->st->next_seq, .event = SE_EV_INSTALL };
    struct dbuf data;
    uint8_t sig[64], iccid_bcd[10];
    int rc = -1;
    bool have_iccid = iccid && iccid[0] && !se_iccid_encode(iccid, iccid_bcd);
    const char *addr = ss->server_address ? ss->server_address : "";
    dbuf_init(&data);
    dbuf_open(&data, 0xBF27);
    dbuf_tlv(&data, 0x80, ss->txid, ss->txid_len);
    dbuf_open(&data, 0xBF2F);
    dbuf_tlv_int(&data, 0x80, n.seq);
    dbuf_tlv_bits(&data, 0x81, SE_EV_INSTALL);         /* 07 80 */
    dbuf_tlv_str(&data, 0x0C, addr);
    if (have_iccid)
        dbuf_tlv(&data, 0x5A, iccid_bcd, sizeof(iccid_bcd));
    dbuf_close(&data);
    dbuf_tlv(&data, 0x06, ss->dppb_oid, ss->dppb_oid_len);
    dbuf_open(&data, 0xA2);
    if (reason == 0) {
        dbuf_open(&data, 0xA0);
        dbuf_tlv(&data, 0x4F, isdp_aid, aid_len);
        dbuf_tlv(&data, 0x04, sima_ok, sizeof(sima_ok));
    } else {
        dbuf_open(&data, 0xA1);
        dbuf_tlv_int(&data, 0x80, cmd_id);
        dbuf_tlv_int(&data, 0x81, reason);
    }
    dbuf_close(&data);
    dbuf_close(&data);
    dbuf_close(&data);
    if (dbuf_ok(&data) || se_identity_sign(se->id, data.p, data.len, sig))
        goto out;
    dbuf_open(out, 0xBF37);
    dbuf_put(out, data.p, data.len);
    dbuf_tlv(out, 0x5F37, sig, sizeof(sig));
    dbuf_close(out);
    if (dbuf_ok(out))
        goto out;
    n.address = strdup(addr);
    n.der = malloc(out->len);
    if (!n.address || !n.der)
        goto fail_n;
    memcpy(n.der, out->p, out->len);
    n.der_len = out->len;
    if (have_iccid)
        memcpy(n.iccid, iccid, strlen(iccid) + 1);
    if (se_state_add_notification(se->st, &n))
        goto fail_n;
    se->st->next_seq++;
    se_log(se, "PIR seq %ld: %s (bppCommandId %d, errorReason %d)", n.seq,
           reason ? "error" : "success", cmd_id, reason);
    rc = 0;
    goto out;
fail_n:
    free(n.address);
    free(n.der);
out:
    dbuf_free(&data);
    se_session_end(se);
    se_save(se);
    return rc;
}
