/* SPDX-License-Identifier: MIT */
/* lpac notification list | process [-a] [-r] [SEQ...] | remove [-a] [SEQ...]
 *                  | dump [-a] [SEQ...] | replay (cmd_replay.c) */
#include "lpac.h"
#include "jline.h"
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SEQ 64

/* NotificationMetadata (SGP.22 §5.7.9 ListNotification) with lpac's names. */
static int notif_list(struct lpac *l)
{
    struct esimlpa_notification_list *list = NULL;
    int rc = esimlpa_notifications_list(l->ctx, 0, &list);
    if (rc != ESIMLPA_OK)
        return lpac_fail(l, "es10b_list_notification", rc);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < list->count; i++) {
        const struct esimlpa_notification *n = &list->items[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "seqNumber", (double)n->seq_number);
        cJSON_AddStringToObject(o, "profileManagementOperation", names_operation(n->event));
        jl_add_text(o, "notificationAddress", n->address);
        jl_add_text(o, "iccid", n->iccid[0] ? n->iccid : NULL);
        cJSON_AddItemToArray(a, o);
    }
    esimlpa_notification_list_free(list);
    jl_success(a);
    return LPAC_EXIT_OK;
}

/* The sequence numbers to act on: -a lists them from the card. */
static int all_seqs(struct lpac *l, long *seq, size_t *n, int quiet)
{
    struct esimlpa_notification_list *list = NULL;
    if (!quiet)   /* dump prints notification lines only, as lpac's */
        jl_progress("es10b_list_notification", NULL);
    int rc = esimlpa_notifications_list(l->ctx, 0, &list);
    if (rc != ESIMLPA_OK)
        return lpac_fail(l, "es10b_list_notification", rc);
    *n = 0;
    for (size_t i = 0; i < list->count && *n < MAX_SEQ; i++)
        seq[(*n)++] = list->items[i].seq_number;
    esimlpa_notification_list_free(list);
    return LPAC_EXIT_OK;
}

/* Deliver: removed from the eUICC only after the server accepted it (HTTP
 * 2xx, SGP.22 §3.5), with or without -r; a failed one stays pending. */
static int notif_process(struct lpac *l, const long *seq, size_t n)
{
    int st = lpac_http(l);
    if (st != LPAC_EXIT_OK)
        return st;
    lpac_signals_arm(l->ctx);
    for (size_t i = 0; i < n && st == LPAC_EXIT_OK; i++) {
        char s[24];
        snprintf(s, sizeof s, "%ld", seq[i]);
        /* the library retrieves it, sends it, then removes it */
        jl_progress("es10b_retrieve_notifications_list", s);
        jl_progress("es9p_handle_notification", s);
        int rc = esimlpa_notifications_process(l->ctx, l->http, seq[i], NULL, NULL);
        if (rc != ESIMLPA_OK)
            st = lpac_fail(l, rc == ESIMLPA_ECANCELLED ? "cancelled" : "es9p_handle_notification", rc);
        else
            jl_progress("es10b_remove_notification_from_list", s);
    }
    lpac_signals_disarm();
    if (st == LPAC_EXIT_OK)
        jl_success(NULL);
    return st;
}

static int notif_remove(struct lpac *l, const long *seq, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char s[24];
        snprintf(s, sizeof s, "%ld", seq[i]);
        jl_progress("es10b_remove_notification_from_list", s);
        int rc = esimlpa_notification_remove(l->ctx, seq[i]);
        if (rc != ESIMLPA_OK)
            return lpac_fail(l, "es10b_remove_notification_from_list", rc);
    }
    jl_success(NULL);
    return LPAC_EXIT_OK;
}

/* One line per notification, {"type":"notification","eid","seqNumber",
 * "notificationAddress","pendingNotification"} with the signed
 * PendingNotification (SGP.22 §5.7.10) in base64, and nothing else: the
 * output is the file that "notification replay" reads (lpac's format). */
static int notif_dump(struct lpac *l, const long *seq, size_t n)
{
    char eid[ESIMLPA_EID_LEN + 1];
    int rc = esimlpa_eid_get(l->ctx, eid);
    if (rc != ESIMLPA_OK)
        return lpac_fail(l, "es10c_get_eid", rc);
    for (size_t i = 0; i < n; i++) {
        struct esimlpa_pending_notification_list *pl = NULL;
        rc = esimlpa_notifications_retrieve(l->ctx, seq[i], &pl);
        if (rc == ESIMLPA_OK && pl->count == 0)
            rc = ESIMLPA_ENO_RESULT;
        if (rc != ESIMLPA_OK) {
            esimlpa_pending_notification_list_free(pl);
            return lpac_fail(l, "es10b_retrieve_notifications_list", rc);
        }
        const struct esimlpa_pending_notification *p = &pl->items[0];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "notification");
        cJSON_AddStringToObject(o, "eid", eid);
        cJSON_AddNumberToObject(o, "seqNumber", (double)p->meta.seq_number);
        jl_add_text(o, "notificationAddress", p->meta.address);
        jl_add_base64(o, "pendingNotification", p->der, p->der_len);
        char *s = cJSON_PrintUnformatted(o);
        if (s)
            printf("%s\n", s);
        fflush(stdout);
        cJSON_free(s);
        cJSON_Delete(o);
        esimlpa_pending_notification_list_free(pl);
    }
    return LPAC_EXIT_OK;
}

int lpac_cmd_notification(int argc, char **argv)
{
    if (argc < 2)
        return lpac_usage("notification wants list, process, remove, dump or replay");
    const char *sub = argv[1];
    if (strcmp(sub, "replay") == 0)
        return lpac_cmd_replay(argc - 1, argv + 1);
    int is_list = strcmp(sub, "list") == 0, is_process = strcmp(sub, "process") == 0;
    int is_remove = strcmp(sub, "remove") == 0, is_dump = strcmp(sub, "dump") == 0;
    if (!is_list && !is_process && !is_remove && !is_dump)
        return lpac_usage("unknown notification command '%.40s' (list, process, remove, dump, replay)", sub);
    int all = 0, opt;
    long seq[MAX_SEQ];
    size_t n = 0;
    if (is_list) {
        if (argc != 2)
            return lpac_usage("notification list takes no arguments");
    } else {
        optind = 1;
        opterr = 0;
        const char *opts = is_process ? "ar" : "a";
        while ((opt = getopt(argc - 1, argv + 1, opts)) != -1) {
            if (opt == 'a')
                all = 1;
            else if (opt != 'r')   /* -r: removal after acceptance is what we always do */
                return lpac_usage("notification %s: unknown option '%.40s' (%s)", sub,
                                  argv[optind], is_process ? "-a -r" : "-a");
        }
        for (int i = optind + 1; i < argc; i++) {
            char *end;
            errno = 0;
            long v = strtol(argv[i], &end, 10);
            if (errno || end == argv[i] || *end || v < 0)
                return lpac_usage("notification %s: '%.40s' is not a sequence number", sub, argv[i]);
            if (n >= MAX_SEQ)
                return lpac_usage("notification %s: at most %d sequence numbers", sub, MAX_SEQ);
            seq[n++] = v;
        }
        if (all && n)
            return lpac_usage("notification %s: -a and sequence numbers exclude each other", sub);
        if (!all && !n)
            return lpac_usage("notification %s wants -a or sequence numbers", sub);
    }
    struct lpac l = { 0 };
    int st = lpac_open(&l);
    if (st != LPAC_EXIT_OK)
        return st;
    if (all)
        st = all_seqs(&l, seq, &n, is_dump);
    if (st == LPAC_EXIT_OK) {
        if (is_list)
            st = notif_list(&l);
        else if (is_process)
            st = notif_process(&l, seq, n);
        else if (is_remove)
            st = notif_remove(&l, seq, n);
        else
            st = notif_dump(&l, seq, n);
    }
    lpac_close(&l);
    return st;
}
