/* SPDX-License-Identifier: MIT */
/* smdpp-cc: confirmation code right, wrong (8.2.7/3.8), missing (8.2.7/2.2), retries exceeded
 * (8.2.7/6.4, then 8.8.5/6.4 on a new attempt); ccRequiredFlag set only for cc orders. */
#include <string.h>

#include "test_client.h"

int main(int argc, char **argv)
{
    REQUIRE(argc == 3);
    struct tc t;
    char cfg[512], st[64];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);

    cJSON *r = tc_download(&t, "TEST-CC", NULL);
    CHECK(t.cc_required == 1);
    tc_expect(r, "8.2.7", "2.2", "confirmation code missing");
    cJSON_Delete(r);
    r = tc_download(&t, "TEST-CC", "00000000");
    tc_expect(r, "8.2.7", "3.8", "wrong confirmation code (1)");
    cJSON_Delete(r);
    r = tc_download(&t, "TEST-CC", "12345678");
    tc_expect(r, NULL, NULL, "right confirmation code");
    struct rspc_buf md = {0}, upp = {0};
    int ppk;
    const char *b = cJSON_GetStringValue(cJSON_GetObjectItem(r, "boundProfilePackage"));
    CHECK(b && tc_unwrap_bpp(&t, b, &md, &upp, &ppk) == 0 && upp.len == 4096);
    rspc_buf_free(&md);
    rspc_buf_free(&upp);
    cJSON_Delete(r);
    r = tc_download(&t, "TEST-8K", NULL);
    CHECK(t.cc_required == 0);
    tc_expect(r, NULL, NULL, "no cc needed");
    cJSON_Delete(r);

    /* a fresh server: three wrong codes lock the order */
    tc_stop(&t);
    tc_pki(&t, argv[1]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);
    r = tc_download(&t, "TEST-CC", "1");
    tc_expect(r, "8.2.7", "3.8", "wrong cc 1");
    cJSON_Delete(r);
    r = tc_download(&t, "TEST-CC", "2");
    tc_expect(r, "8.2.7", "3.8", "wrong cc 2");
    cJSON_Delete(r);
    r = tc_download(&t, "TEST-CC", "3");
    tc_expect(r, "8.2.7", "6.4", "wrong cc 3: retries exceeded");
    cJSON_Delete(r);
    CHECK(smdpp_order_state(t.srv, "TEST-CC", st, sizeof st) == 0 && !strcmp(st, "cc-locked"));
    r = tc_download(&t, "TEST-CC", "12345678");
    tc_expect(r, "8.8.5", "6.4", "locked order");
    cJSON_Delete(r);
    char *js = smdpp_status_json(t.srv);
    CHECK(js && !strstr(js, "\"12345678\""));
    free(js);
    tc_stop(&t);
    if (tc_failures)
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
    return tc_failures ? 1 : 0;
}
