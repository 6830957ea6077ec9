/* SPDX-License-Identifier: MIT */
/* Soft eUICC: build and queue OtherSignedNotification (SGP.22 §5.7.9,
 * sgp22-notes §9, §7.2): 30 { BF2F metadata, 5F37 40 r||s over the whole
 * BF2F TLV, CERT.EUICC, CERT.EUM }. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "softeuicc_internal.h"

static int queue_one(struct softeuicc *se, const struct se_profile *p, unsigned event,
                     const char *address)
{
    struct se_notification n = { .seq = se->st->next_seq, .event = event };
    struct dbuf meta, all;
    uint8_t iccid[10], sig[64];
    int rc = -1;
    dbuf_init(&meta);
    dbuf_init(&all);
    se_iccid_encode(p->iccid, iccid);
    dbuf_open(&meta, 0xBF2F);
    dbuf_tlv_int(&meta, 0x80, n.seq);
    dbuf_tlv_bits(&meta, 0x81, event);        /* DER-minimal: enable 06 40, ... */
    dbuf_tlv_str(&meta, 0x0C, address);
    dbuf_tlv(&meta, 0x5A, iccid, sizeof(iccid));
    dbuf_close(&meta);
    if (dbuf_ok(&meta) || se_identity_sign(se->id, meta.p, meta.len, sig))
        goto out;
    dbuf_open(&all, 0x30);
    dbuf_put(&all, meta.p, meta.len);
    dbuf_tlv(&all, 0x5F37, sig, sizeof(sig));
    dbuf_put(&all, se->id->euicc_cert, se->id->euicc_cert_len);
    dbuf_put(&all, se->id->eum_cert, se->id->eum_cert_len);
    dbuf_close(&all);
    if (dbuf_ok(&all))
        goto out;
    n.address = strdup(address);
    if (!n.address)
        goto out;
    snprintf(n.iccid, sizeof(n.iccid), "%s", p->iccid);
    n.der = all.p;
    n.der_len = all.len;
    if (se_state_add_notification(se->st, &n)) {
        free(n.address);
        goto out;
    }
    all.p = NULL;                              /* now owned by the state */
    se->st->next_seq++;
    se_log(se, "queued notification seq %ld (event bits %x) for %s to %s", n.seq, event,
           p->iccid, address);
    rc = 0;
out:
    dbuf_free(&meta);
    dbuf_free(&all);
    return rc;
}

int se_notify(struct softeuicc *se, const struct se_profile *p, unsigned event)
{
    for (size_t i = 0; i < p->n_nci; i++)
        if ((p->nci[i].events & event) && queue_one(se, p, event, p->nci[i].address))
            return -1;
    return 0;
}
