/* SPDX-License-Identifier: MIT */
/*
 * Recovery before a download (issue 10 item 3), so that a user never has to
 * know the protocol to get an order back:
 *  - the pending notifications addressed to the same SM-DP+ are delivered
 *    first: an error PIR (SGP.22 §3.1.3.3, §3.5) is what tells the SM-DP+
 *    that an earlier attempt failed and releases its order;
 *  - a session left open by a process that was killed is cancelled with
 *    ES10b.CancelSession (reason postponed, SGP.22 §5.7.14 / §5.6.5) and the
 *    eUICC's answer is passed on with ES9+ cancelSession (§5.6.5), which
 *    releases the order on the SM-DP+. The session is remembered in a small
 *    file written before AuthenticateServer and removed when it ends.
 * Nothing here fails a download: problems are logged and the download goes on.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "../util/hex.h"
#include "rsp_internal.h"
#include "util/util_internal.h"

/* ---------- pending notifications for the same SM-DP+ ---------- */

size_t esimlpa__recover_notifications(esimlpa_ctx *ctx, struct esimlpa__es9p *es9,
                                      const char *address)
{
    struct esimlpa_notification_list *list = NULL;
    if (esimlpa_notifications_list(ctx, 0, &list) != ESIMLPA_OK) {
        esimlpa__clear_error(ctx);
        return 0;
    }
    size_t delivered = 0;
    for (size_t i = 0; i < list->count; i++) {
        const struct esimlpa_notification *n = &list->items[i];
        if (!n->address || strcasecmp(n->address, address) != 0)
            continue;
        struct esimlpa_pending_notification_list *one = NULL;
        if (esimlpa_notifications_retrieve(ctx, n->seq_number, &one) != ESIMLPA_OK) {
            esimlpa__log(ctx, ESIMLPA_LOG_WARN, "recovery: notification %ld: %s", n->seq_number,
                         ctx->last_error);
            continue;
        }
        for (size_t j = 0; j < one->count; j++)
            if (one->items[j].meta.seq_number == n->seq_number &&
                esimlpa__notification_deliver(ctx, es9, address, one->items[j].der,
                                              one->items[j].der_len,
                                              n->seq_number) == ESIMLPA_OK)
                delivered++;
        esimlpa_pending_notification_list_free(one);
    }
    esimlpa_notification_list_free(list);
    esimlpa__clear_error(ctx);
    return delivered;
}

/* ---------- the session file ---------- */

int esimlpa__session_file_init(esimlpa_ctx *ctx, const char *state_dir, char *path, size_t cap)
{
    path[0] = '\0';
    if (!state_dir || !state_dir[0])
        return 0;   /* no session file */
    char eid[ESIMLPA_EID_LEN + 1];
    if (esimlpa_eid_get(ctx, eid) != ESIMLPA_OK) {
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "recovery: no EID (%s): no session file",
                     ctx->last_error);
        esimlpa__clear_error(ctx);
        return 0;
    }
    int n = snprintf(path, cap, "%s/session-%s", state_dir, eid);
    if (n < 0 || (size_t)n >= cap) {
        path[0] = '\0';
        return 0;
    }
    return 1;
}

void esimlpa__session_file_write(esimlpa_ctx *ctx, const char *path, const char *txid,
                                 const char *address)
{
    if (!path || !path[0])
        return;
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "recovery: cannot write %s: %s", tmp, strerror(errno));
        return;
    }
    char line[400];
    int n = snprintf(line, sizeof line, "%s %s\n", txid, address);
    int ok = n > 0 && (size_t)n < sizeof line && write(fd, line, (size_t)n) == n &&
             fsync(fd) == 0;
    close(fd);
    if (!ok || rename(tmp, path) != 0) {
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "recovery: cannot write %s", path);
        unlink(tmp);
    }
}

void esimlpa__session_file_remove(const char *path)
{
    if (path && path[0])
        unlink(path);
}

/* A session left by an interrupted download: "TRANSACTIONID ADDRESS". */
int esimlpa__recover_session(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                             const char *path, char *txid, size_t txid_cap, char *address,
                             size_t address_cap)
{
    if (!path || !path[0])
        return 0;
    FILE *f = esimlpa__fopen_regular(path);
    if (!f)
        return 0;
    char line[400] = "";
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    unlink(path);   /* one attempt: a broken file must not block later downloads */
    char t[80], a[300];
    uint8_t bin[ESIMLPA__TID_MAX];
    size_t bin_len = 0;
    if (!got || sscanf(line, "%79s %299s", t, a) != 2 ||
        esimlpa__hex_decode(t, bin, sizeof bin, &bin_len) != ESIMLPA_OK || bin_len == 0 ||
        esimlpa__es9p_address_check(a, strlen(a), NULL, 0) != 0) {
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "recovery: %s is not a session file; removed", path);
        return 0;
    }
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "recovery: cancelling the session %s with %s", t, a);
    /* SGP.22 §5.6.5 CancelSessionReason postponed(1): the download was
     * interrupted, not refused. The eUICC answers with its signed cancel, or
     * invalidTransactionId when the session is already gone (card reset):
     * either answer releases the order on the SM-DP+ (notes §1.4). */
    uint8_t *resp = NULL;
    size_t resp_len = 0;
    int crc = esimlpa__es10_cancel_session(ctx, bin, bin_len, ESIMLPA__CANCEL_POSTPONED, &resp,
                                           &resp_len);
    if (crc != ESIMLPA_OK && crc != ESIMLPA_ECANCEL_INVALID_TRANSACTION)
        esimlpa__log(ctx, ESIMLPA_LOG_WARN, "recovery: %s", ctx->last_error);
    int told = 0;
    if (resp) {
        struct esimlpa__es9p es9;
        memset(&es9, 0, sizeof es9);
        es9.ctx = ctx;
        es9.http = http;
        told = esimlpa__es9p_cancel_session(&es9, a, t, resp, resp_len) == ESIMLPA_OK;
        if (!told)
            esimlpa__log(ctx, ESIMLPA_LOG_WARN, "recovery: %s", ctx->last_error);
        free(resp);
    }
    esimlpa__clear_error(ctx);
    esimlpa__ctx_set_es9_status(ctx, NULL);
    snprintf(txid, txid_cap, "%s", t);
    snprintf(address, address_cap, "%s", a);
    return told || crc == ESIMLPA_OK;
}
