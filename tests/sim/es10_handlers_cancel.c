/* SPDX-License-Identifier: MIT */
/* ES10b CancelSession (BF41, sgp22-notes §1.4): valid after AuthenticateServer and
 * before the end of LoadBPP. A partly loaded BPP is dropped; nothing is installed.
 * Without a session, or with another transactionId, the answer is
 * invalidTransactionId(5) (our reading: the eUICC has no such transaction). */
#include <string.h>

#include <CancelSessionRequest.h>

#include "es10_handlers.h"
#include "softeuicc_internal.h"

unsigned es10_cancel_session(struct softeuicc *se, const uint8_t *req, size_t len,
                             struct dbuf *out)
{
    CancelSessionRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_CancelSessionRequest, (void **)&r, req, len))
        return 0x6A80;
    struct se_session *ss = &se->session;
    long reason = r->reason;
    bool ok = ss->authenticated && (size_t)r->transactionId.size == ss->txid_len &&
              !memcmp(r->transactionId.buf, ss->txid, ss->txid_len);
    ASN_STRUCT_FREE(asn_DEF_CancelSessionRequest, r);
    struct dbuf s;
    uint8_t sig[64];
    dbuf_init(&s);
    if (ok) {
        /* EuiccCancelSessionSigned = 30 { 80 txid, 81 smdpOid (CERT.DPauth), 82 reason } */
        dbuf_open(&s, 0x30);
        dbuf_tlv(&s, 0x80, ss->txid, ss->txid_len);
        dbuf_tlv(&s, 0x81, ss->dpauth_oid, ss->dpauth_oid_len);
        dbuf_tlv_int(&s, 0x82, reason);
        dbuf_close(&s);
        ok = !dbuf_ok(&s) && !se_identity_sign(se->id, s.p, s.len, sig);
    }
    dbuf_open(out, 0xBF41);
    if (ok) {
        dbuf_open(out, 0xA0);
        dbuf_put(out, s.p, s.len);
        dbuf_tlv(out, 0x5F37, sig, sizeof(sig));
        dbuf_close(out);
        se_log(se, "CancelSession: reason %ld, session ended%s", reason,
               ss->bpp ? " (partly loaded BPP dropped)" : "");
        se_session_end(se);
    } else {
        dbuf_tlv_int(out, 0x81, 5);    /* invalidTransactionId */
    }
    dbuf_close(out);
    dbuf_free(&s);
    return 0x9000;
}
