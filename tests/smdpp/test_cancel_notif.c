/* SPDX-License-Identifier: MIT */
/* smdpp-cancel-notif: cancelSession checks (8.10.1/3.9, 8.1/6.1, 8.8/3.10) and release of the
 * order; handleNotification answers 204 and verifies PIR / other notifications. */
#include <string.h>

#include "test_client.h"

static cJSON *to_auth(struct tc *t, const char *mid)
{
    cJSON *r = tc_initiate(t, t->host);
    size_t n;
    uint8_t *asr = tc_auth_server(t, r, mid, 0, NULL, NULL, NULL, &n);
    cJSON_Delete(r);
    r = tc_authenticate(t, asr, n);
    free(asr);
    return r;
}

static void cancel_expect(struct tc *t, int err_branch, const uint8_t *oid, int bad_sig,
                          int wrong_tx, const char *subj, const char *reas, const char *what)
{
    size_t n;
    uint8_t *c = tc_cancel_resp(t, 1, oid, oid ? 3 : 0, err_branch, bad_sig, wrong_tx, &n);
    cJSON *r = tc_cancel(t, c, n);
    free(c);
    tc_expect(r, subj, reas, what);
    /* The reply carries the header only, no transactionId (issue 9 item 5). */
    CHECK(cJSON_GetObjectItem(r, "transactionId") == NULL);
    CHECK(cJSON_GetObjectItem(r, "header") != NULL);
    cJSON_Delete(r);
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 3);
    struct tc t;
    char cfg[512], st[64];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);

    /* cancel after authenticateClient: order back to available */
    cJSON *r = to_auth(&t, "TEST-8K");
    tc_expect(r, NULL, NULL, "authenticateClient");
    cJSON_Delete(r);
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 && !strcmp(st, "in-progress"));
    cancel_expect(&t, 0, (const uint8_t *)"\x88\x37\x0B", 0, 0, "8.8", "3.10", "wrong smdpOid");
    cancel_expect(&t, 0, NULL, 1, 0, "8.1", "6.1", "bad cancel signature");
    cancel_expect(&t, 0, NULL, 0, 1, "8.10.1", "3.9", "signed txid differs");
    cancel_expect(&t, 0, NULL, 0, 0, NULL, NULL, "valid cancel");
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 && !strcmp(st, "available"));
    cancel_expect(&t, 0, NULL, 0, 0, "8.10.1", "3.9", "cancel of a dropped session");
    CHECK(smdpp_session_count(t.srv) == 0);

    /* cancel after the BPP (e.g. loadBppExecutionError): re-downloadable */
    r = tc_download(&t, "TEST-8K", NULL);
    tc_expect(r, NULL, NULL, "download");
    cJSON_Delete(r);
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 &&
          !strcmp(st, "downloaded-pending-confirmation"));
    cancel_expect(&t, 1, NULL, 0, 0, NULL, NULL, "eUICC error branch accepted");
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 && !strcmp(st, "available"));

    /* download again, then the PIR: verified, installed, 204 */
    r = tc_download(&t, "TEST-8K", NULL);
    tc_expect(r, NULL, NULL, "download after cancel");
    cJSON_Delete(r);
    size_t n;
    uint8_t *p = tc_pir(&t, 1, 1, &n);  /* bad signature: recorded, order unchanged */
    CHECK(tc_notify(&t, p, n) == 204);
    free(p);
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 &&
          !strcmp(st, "downloaded-pending-confirmation"));
    p = tc_pir(&t, 1, 0, &n);
    CHECK(tc_notify(&t, p, n) == 204);
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 && !strcmp(st, "installed"));
    CHECK(tc_notify(&t, p, n) == 204);  /* again: session gone, still 204 */
    free(p);
    long rec, ver, rej;
    smdpp_notif_counts(t.srv, &rec, &ver, &rej);
    CHECK(rec == 3 && ver == 1 && rej == 1);

    /* other signed notifications (enable / disable / delete) */
    p = tc_other_notif(&t, 0x40, 0, &n);
    CHECK(tc_notify(&t, p, n) == 204);
    free(p);
    p = tc_other_notif(&t, 0x10, 1, &n);
    CHECK(tc_notify(&t, p, n) == 204);
    free(p);
    CHECK(tc_notify(&t, (const uint8_t *)"\x04\x01\x00", 3) == 204);
    smdpp_notif_counts(t.srv, &rec, &ver, &rej);
    CHECK(rec == 6 && ver == 2 && rej == 3);
    /* missing field: a JSON error */
    long http;
    r = tc_call(&t, "handleNotification", cJSON_CreateObject(), &http);
    CHECK(http == 200);
    tc_expect(r, "1.3.1", "2.2", "pendingNotification missing");
    cJSON_Delete(r);

    tc_stop(&t);
    if (tc_failures)
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
    return tc_failures ? 1 : 0;
}
