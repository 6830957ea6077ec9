/* SPDX-License-Identifier: MIT */
/* smdpp-download: full ES9+ runs (8K, 30K with ReplaceSessionKeys, 100K) to a BPP that
 * decrypts back to the profile's UPP and metadata; PIR success/error; re-download refused. */
#include <string.h>

#include "test_client.h"

static void run(struct tc *t, const char *dir, const char *mid, const char *pfile, int want_ppk)
{
    char path[512], err[256], st[64];
    snprintf(path, sizeof path, "%s/%s", dir, pfile);
    struct smdpp_profile *p = smdpp_profile_load(path, t->host, err, sizeof err);
    REQUIRE(p);
    cJSON *r = tc_download(t, mid, NULL);
    tc_expect(r, NULL, NULL, mid);
    const char *b = cJSON_GetStringValue(cJSON_GetObjectItem(r, "boundProfilePackage"));
    CHECK(b != NULL);
    CHECK(!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "transactionId")), t->txid_hex));
    struct rspc_buf md = {0}, upp = {0};
    int ppk = -1;
    CHECK(b && tc_unwrap_bpp(t, b, &md, &upp, &ppk) == 0);
    CHECK(ppk == want_ppk);
    CHECK(upp.len == p->upp_len && upp.len && !memcmp(upp.data, p->upp, upp.len));
    CHECK(md.len == p->metadata_len && md.len && !memcmp(md.data, p->metadata, md.len));
    CHECK(smdpp_order_state(t->srv, mid, st, sizeof st) == 0 &&
          !strcmp(st, "downloaded-pending-confirmation"));
    printf("%s: BPP %zu chars, UPP %zu bytes, ppk %d\n", mid, b ? strlen(b) : 0, upp.len, ppk);
    rspc_buf_free(&md);
    rspc_buf_free(&upp);
    cJSON_Delete(r);
    smdpp_profile_free(p);
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 3);
    struct tc t;
    char cfg[512], st[64];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);

    run(&t, argv[2], "TEST-8K", "profile_8k.json", 0);
    size_t n;
    uint8_t *pir = tc_pir(&t, 1, 0, &n);
    CHECK(tc_notify(&t, pir, n) == 204);
    free(pir);
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 && !strcmp(st, "installed"));
    long rec, ver, rej;
    smdpp_notif_counts(t.srv, &rec, &ver, &rej);
    CHECK(rec == 1 && ver == 1 && rej == 0);
    CHECK(smdpp_session_count(t.srv) == 0);  /* the PIR ends the session */

    /* installed: a second download is refused */
    cJSON *r = tc_download(&t, "TEST-8K", NULL);
    tc_expect(r, "8.2.6", "3.8", "re-download of an installed order");
    cJSON_Delete(r);

    run(&t, argv[2], "TEST-30K-PPK", "profile_30k.json", 1);
    run(&t, argv[2], "TEST-100K", "profile_100k.json", 0);
    /* an error PIR releases the order for a retry */
    pir = tc_pir(&t, 0, 0, &n);
    CHECK(tc_notify(&t, pir, n) == 204);
    free(pir);
    CHECK(smdpp_order_state(t.srv, "TEST-100K", st, sizeof st) == 0 && !strcmp(st, "available"));
    run(&t, argv[2], "TEST-100K", "profile_100k.json", 0);

    /* EID-bound order with the right EID */
    run(&t, argv[2], "TEST-EID", "profile_8k.json", 0);

    CHECK(smdpp_count(t.srv, "getBoundProfilePackage") == 5);
    char *js = smdpp_status_json(t.srv);
    CHECK(js && strstr(js, "\"handshakes\"") && !strstr(js, "\"12345678\""));  /* no cc */
    free(js);
    tc_stop(&t);
    if (tc_failures)
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
    return tc_failures ? 1 : 0;
}
