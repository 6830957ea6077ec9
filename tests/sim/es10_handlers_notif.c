/* SPDX-License-Identifier: MIT */
/* ES10b notification handlers: ListNotification, RetrieveNotificationsList,
 * RemoveNotificationFromList (sgp22-notes §4.3, §9). */
#include <string.h>

#include <ListNotificationRequest.h>
#include <NotificationSentRequest.h>
#include <RetrieveNotificationsListRequest.h>

#include "es10_handlers.h"
#include "softeuicc_internal.h"

/* NotificationMetadata (BF2F) as listed; the signed copy is in n->der. */
static void put_metadata(struct dbuf *out, const struct se_notification *n)
{
    dbuf_open(out, 0xBF2F);
    dbuf_tlv_int(out, 0x80, n->seq);
    dbuf_tlv_bits(out, 0x81, n->event);
    dbuf_tlv_str(out, 0x0C, n->address);
    if (n->iccid[0]) {
        uint8_t iccid[10];
        if (!se_iccid_encode(n->iccid, iccid))
            dbuf_tlv(out, 0x5A, iccid, sizeof(iccid));
    }
    dbuf_close(out);
}

unsigned es10_list_notification(struct softeuicc *se, const uint8_t *req, size_t len,
                                struct dbuf *out)
{
    ListNotificationRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_ListNotificationRequest, (void **)&r, req, len))
        return 0x6A80;
    unsigned filter = r->profileManagementOperation ? sim_bits_get(r->profileManagementOperation) : 0;
    bool filtered = r->profileManagementOperation != NULL;
    ASN_STRUCT_FREE(asn_DEF_ListNotificationRequest, r);
    dbuf_open(out, 0xBF28);
    dbuf_open(out, 0xA0);
    for (size_t i = 0; i < se->st->n_notifs; i++)
        if (!filtered || (se->st->notifs[i].event & filter))
            put_metadata(out, &se->st->notifs[i]);
    dbuf_close(out);
    dbuf_close(out);
    return 0x9000;
}

unsigned es10_retrieve_notifications(struct softeuicc *se, const uint8_t *req, size_t len,
                                     struct dbuf *out)
{
    RetrieveNotificationsListRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_RetrieveNotificationsListRequest, (void **)&r, req, len))
        return 0x6A80;
    int mode = 0;                      /* 0 all, 1 by seq, 2 by event */
    long seq = 0;
    unsigned events = 0;
    if (r->searchCriteria) {
        switch (r->searchCriteria->present) {
        case RetrieveNotificationsListRequest__searchCriteria_PR_seqNumber:
            mode = 1;
            seq = r->searchCriteria->choice.seqNumber;
            break;
        case RetrieveNotificationsListRequest__searchCriteria_PR_profileManagementOperation:
            mode = 2;
            events = sim_bits_get(&r->searchCriteria->choice.profileManagementOperation);
            break;
        default:
            mode = 3;                  /* unknown criterion: matches nothing */
            break;
        }
    }
    ASN_STRUCT_FREE(asn_DEF_RetrieveNotificationsListRequest, r);
    size_t found = 0;
    dbuf_open(out, 0xBF2B);
    dbuf_open(out, 0xA0);
    for (size_t i = 0; i < se->st->n_notifs; i++) {
        const struct se_notification *n = &se->st->notifs[i];
        if ((mode == 1 && n->seq != seq) || (mode == 2 && !(n->event & events)) || mode == 3)
            continue;
        dbuf_put(out, n->der, n->der_len);
        found++;
    }
    dbuf_close(out);
    dbuf_close(out);
    if (found == 0 && mode != 0) {     /* noResultAvailable(1) */
        dbuf_free(out);
        dbuf_open(out, 0xBF2B);
        dbuf_tlv_int(out, 0x81, 1);
        dbuf_close(out);
    }
    return 0x9000;
}

unsigned es10_remove_notification(struct softeuicc *se, const uint8_t *req, size_t len,
                                  struct dbuf *out)
{
    NotificationSentRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_NotificationSentRequest, (void **)&r, req, len))
        return 0x6A80;
    long seq = r->seqNumber, result = 1; /* nothingToDelete */
    ASN_STRUCT_FREE(asn_DEF_NotificationSentRequest, r);
    for (size_t i = 0; i < se->st->n_notifs; i++) {
        if (se->st->notifs[i].seq == seq) {
            se_state_remove_notification(se->st, i);
            se_save(se);
            result = 0;
            break;
        }
    }
    dbuf_open(out, 0xBF30);
    dbuf_tlv_int(out, 0x80, result);
    dbuf_close(out);
    return 0x9000;
}
