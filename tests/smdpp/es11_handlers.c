/* SPDX-License-Identifier: MIT */
/* ES11 (SM-DS) authenticateClient answer: eventEntries for the eUICC's EID (notes §1.5, §5.4). */
#include <string.h>

#include "smdpp_internal.h"

int smdpp_es11_events(struct smdpp *s, struct smdpp_session *sess, struct smdpp_reply *r)
{
    char eid[33];
    rspc_eid_from_bytes(sess->eid, eid);
    if (!cJSON_AddStringToObject(r->body, "transactionId", sess->txid_hex))
        return -1;
    cJSON *arr = cJSON_AddArrayToObject(r->body, "eventEntries");
    if (!arr)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < s->n_events; i++) {
        const struct smdpp_event *e = &s->events[i];
        if (strcmp(e->eid, "*") && strcmp(e->eid, eid))
            continue;
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddStringToObject(o, "eventId", e->event_id) ||
            !cJSON_AddStringToObject(o, "rspServerAddress", e->address)) {
            cJSON_Delete(o);
            return -1;
        }
        cJSON_AddItemToArray(arr, o);
        n++;
    }
    smdpp_log(s, "ES11 authenticateClient: EID %s, %zu event(s)", eid, n);
    return 0;
}
