/* SPDX-License-Identifier: MIT */
/* ES10b notifications (SGP.22 §5.7.9 ListNotification, §5.7.10
 * RetrieveNotificationsList, §5.7.11 RemoveNotificationFromList). */
#include <stdlib.h>
#include <string.h>

#include <ListNotificationRequest.h>
#include <ListNotificationResponse.h>
#include <NotificationSentRequest.h>
#include <NotificationSentResponse.h>
#include <PendingNotification.h>
#include <RetrieveNotificationsListRequest.h>
#include <RetrieveNotificationsListResponse.h>

#include "es10_common.h"
#include "../asn1util/asn1util.h"

#define EVENTS_ALL (ESIMLPA_EVENT_INSTALL | ESIMLPA_EVENT_ENABLE | ESIMLPA_EVENT_DISABLE | \
                    ESIMLPA_EVENT_DELETE)

static const struct esimlpa__result_map list_errors[] = {
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static const struct esimlpa__result_map retrieve_errors[] = {
    { 1, ESIMLPA_ENO_RESULT, "noResultAvailable" },
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

static const struct esimlpa__result_map remove_results[] = {
    { 1, ESIMLPA_ENOTHING_TO_DELETE, "nothingToDelete" },
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

/* An error alternative carrying 0 is not a success. */
static int error_alternative(esimlpa_ctx *ctx, const char *what, long code,
                             const struct esimlpa__result_map *map)
{
    int rc = esimlpa__es10_result(ctx, what, code, map);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: error response with code 0", what);
    return rc;
}

/* ---------- ListNotification ---------- */

void esimlpa_notification_list_free(struct esimlpa_notification_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++)
        free(list->items[i].address);
    free(list->items);
    free(list);
}

int esimlpa_notifications_list(esimlpa_ctx *ctx, unsigned events,
                               struct esimlpa_notification_list **out)
{
    static const char what[] = "ListNotification";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!out)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no output pointer", what);
    *out = NULL;
    if (events & ~(unsigned)EVENTS_ALL)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: unknown event bits 0x%X", what, events);
    /* BF28 00, or BF28 { 81 <NotificationEvent> } (DER-minimal: install = 07 80). */
    ListNotificationRequest_t req;
    NotificationEvent_t ev;
    memset(&req, 0, sizeof req);
    memset(&ev, 0, sizeof ev);
    if (events) {
        if (esimlpa__bits_set(&ev, events, 4) != 0)
            return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
        req.profileManagementOperation = &ev;
    }
    ListNotificationResponse_t *r = NULL;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_ListNotificationRequest, &req, 0xBF28,
                            &asn_DEF_ListNotificationResponse, (void **)&r, NULL, NULL);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_NotificationEvent, &ev);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa_notification_list *list = NULL;
    if (r->present == ListNotificationResponse_PR_listNotificationsResultError) {
        rc = error_alternative(ctx, what, r->choice.listNotificationsResultError, list_errors);
    } else if (r->present == ListNotificationResponse_PR_notificationMetadataList) {
        int n = r->choice.notificationMetadataList.list.count;
        rc = esimlpa__es10_count_ok(ctx, what, "notificationMetadataList", n,
                                    ESIMLPA__ES10_MAX_NOTIFICATIONS);
        if (rc == ESIMLPA_OK)
            list = calloc(1, sizeof *list);
        if (list && n > 0)
            list->items = calloc((size_t)n, sizeof *list->items);
        if (rc == ESIMLPA_OK && (!list || (n > 0 && !list->items)))
            rc = esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
        for (int i = 0; rc == ESIMLPA_OK && i < n; i++) {
            rc = esimlpa__es10_notification_meta(ctx, what,
                                                 r->choice.notificationMetadataList.list.array[i],
                                                 &list->items[i]);
            if (rc == ESIMLPA_OK)
                list->count = (size_t)i + 1;
        }
    } else {
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: unknown response alternative", what);
    }
    ASN_STRUCT_FREE(asn_DEF_ListNotificationResponse, r);
    if (rc != ESIMLPA_OK) {
        esimlpa_notification_list_free(list);
        return rc;
    }
    *out = list;
    return ESIMLPA_OK;
}

/* ---------- RetrieveNotificationsList ---------- */

void esimlpa_pending_notification_list_free(struct esimlpa_pending_notification_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->count; i++) {
        free(list->items[i].meta.address);
        free(list->items[i].der);
    }
    free(list->items);
    free(list);
}

/* Copy each PendingNotification TLV of BF2B { A0 { (BF37 | 30)* } } as sent,
 * so it can be forwarded byte for byte (re-encoding signed data breaks it,
 * notes §11 #5). The structure was already decoded, so a walk that does not
 * match it means the data was not DER (e.g. indefinite lengths). */
static int copy_raw_items(esimlpa_ctx *ctx, const char *what, const uint8_t *raw,
                          size_t raw_len, struct esimlpa_pending_notification_list *list,
                          size_t n)
{
    unsigned tag;
    size_t hl, vl;
    if (esimlpa__tlv_header(raw, raw_len, &tag, &hl, &vl) != 0 || tag != 0xBF2B)
        goto bad;
    raw += hl;
    raw_len = vl;
    if (esimlpa__tlv_header(raw, raw_len, &tag, &hl, &vl) != 0 || tag != 0xA0 ||
        hl + vl != raw_len)
        goto bad;
    raw += hl;
    raw_len = vl;
    for (size_t i = 0; i < n; i++) {
        if (esimlpa__tlv_header(raw, raw_len, &tag, &hl, &vl) != 0)
            goto bad;
        size_t tl = hl + vl;
        list->items[i].der = malloc(tl);
        if (!list->items[i].der)
            return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
        memcpy(list->items[i].der, raw, tl);
        list->items[i].der_len = tl;
        raw += tl;
        raw_len -= tl;
    }
    if (raw_len == 0)
        return ESIMLPA_OK;
bad:
    return esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: response is not DER", what);
}

int esimlpa_notifications_retrieve(esimlpa_ctx *ctx, long seq_number,
                                   struct esimlpa_pending_notification_list **out)
{
    static const char what[] = "RetrieveNotificationsList";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!out)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no output pointer", what);
    *out = NULL;
    /* BF2B 00 (all), or BF2B { A0 { 80 seqNumber } }. */
    RetrieveNotificationsListRequest_t req;
    struct RetrieveNotificationsListRequest__searchCriteria sc;
    memset(&req, 0, sizeof req);
    memset(&sc, 0, sizeof sc);
    if (seq_number >= 0) {
        sc.present = RetrieveNotificationsListRequest__searchCriteria_PR_seqNumber;
        sc.choice.seqNumber = seq_number;
        req.searchCriteria = &sc;
    }
    RetrieveNotificationsListResponse_t *r = NULL;
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_RetrieveNotificationsListRequest, &req,
                            0xBF2B, &asn_DEF_RetrieveNotificationsListResponse, (void **)&r,
                            &raw, &raw_len);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa_pending_notification_list *list = NULL;
    if (r->present == RetrieveNotificationsListResponse_PR_notificationsListResultError) {
        rc = error_alternative(ctx, what, r->choice.notificationsListResultError,
                               retrieve_errors);
    } else if (r->present == RetrieveNotificationsListResponse_PR_notificationList) {
        int n = r->choice.notificationList.list.count;
        rc = esimlpa__es10_count_ok(ctx, what, "notificationList", n, ESIMLPA__ES10_MAX_PENDING);
        if (rc == ESIMLPA_OK)
            list = calloc(1, sizeof *list);
        if (list && n > 0)
            list->items = calloc((size_t)n, sizeof *list->items);
        if (rc == ESIMLPA_OK && (!list || (n > 0 && !list->items)))
            rc = esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
        if (rc == ESIMLPA_OK && n > 0) {
            list->count = (size_t)n;   /* items are zeroed: freeing a partial list is safe */
            rc = copy_raw_items(ctx, what, raw, raw_len, list, (size_t)n);
        }
        for (int i = 0; rc == ESIMLPA_OK && i < n; i++) {
            const PendingNotification_t *pn = r->choice.notificationList.list.array[i];
            const NotificationMetadata_t *md;
            if (pn->present == PendingNotification_PR_profileInstallationResult) {
                md = &pn->choice.profileInstallationResult.profileInstallationResultData
                          .notificationMetadata;
                list->items[i].is_install_result = 1;
            } else if (pn->present == PendingNotification_PR_otherSignedNotification) {
                md = &pn->choice.otherSignedNotification.tbsOtherNotification;
            } else {
                rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED,
                                   "%s: unknown PendingNotification alternative", what);
                break;
            }
            rc = esimlpa__es10_notification_meta(ctx, what, md, &list->items[i].meta);
        }
    } else {
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED, "%s: unknown response alternative", what);
    }
    ASN_STRUCT_FREE(asn_DEF_RetrieveNotificationsListResponse, r);
    free(raw);
    if (rc != ESIMLPA_OK) {
        esimlpa_pending_notification_list_free(list);
        return rc;
    }
    *out = list;
    return ESIMLPA_OK;
}

/* ---------- RemoveNotificationFromList ---------- */

int esimlpa_notification_remove(esimlpa_ctx *ctx, long seq_number)
{
    static const char what[] = "RemoveNotificationFromList";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (seq_number < 0)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: negative seqNumber %ld", what,
                             seq_number);
    /* BF30 { 80 seqNumber } (seq 0 is valid: 80 01 00, notes §9). */
    NotificationSentRequest_t req;
    memset(&req, 0, sizeof req);
    req.seqNumber = seq_number;
    NotificationSentResponse_t *r = NULL;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_NotificationSentRequest, &req, 0xBF30,
                            &asn_DEF_NotificationSentResponse, (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_result(ctx, what, r->deleteNotificationStatus, remove_results);
    ASN_STRUCT_FREE(asn_DEF_NotificationSentResponse, r);
    return rc;
}
