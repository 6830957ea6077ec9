/* SPDX-License-Identifier: MIT */
/* esimlpa_download_run end to end, in one process: the soft eUICC
 * (tests/sim) behind a real context, the test SM-DP+ (tests/smdpp) behind
 * HTTPS with the generated test PKI, the libcurl transport verifying TLS
 * against the test CI. Covers a real download with the install notification
 * (one TLS handshake for the whole session), a server refusal and a user
 * refusal (both cancelled, the order released), a confirmation code, and
 * delivery of a kept notification. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esimlpa/download.h>
#include <esimlpa/esimlpa.h>
#include <esimlpa/http.h>

#include "test_client.h"
#include "softeuicc.h"
#include "softeuicc_transport.h"
#include "inproc.h"

static int g_answer = 1, g_consents;
static int consent(void *user, const struct esimlpa_profile_info *md, int cc)
{
    (void)user;
    (void)cc;
    g_consents++;
    return g_answer && md->iccid[0];
}

/* progress2: stop once the BPP load is under way (issue 10 item 2); count
 * the ESIMLPA_STEP_CANCEL reports (the session cancel, after it). */
static int g_cancel_steps, g_steps_after_cancel;
static int stop_in_load(void *user, enum esimlpa_download_step step, size_t done, size_t total)
{
    (void)user;
    if (g_cancel_steps)
        g_steps_after_cancel++;
    if (step == ESIMLPA_STEP_CANCEL)
        g_cancel_steps++;
    return step == ESIMLPA_STEP_LOAD_BPP && done > 0 && done < total;
}

/* progress (version 1 kind) that cancels through the context, as another
 * thread or a signal handler would, when getBoundProfilePackage starts. */
static esimlpa_ctx *g_ctx;
static void cancel_at_bpp(void *user, enum esimlpa_download_step step, size_t done, size_t total)
{
    (void)user;
    (void)done;
    (void)total;
    if (step == ESIMLPA_STEP_GET_BPP)
        esimlpa_ctx_cancel(g_ctx);
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 4);   /* gen-rsp-pki.sh, profiles dir, soft eUICC seed */
    struct tc t;
    char cfg[512], st[64], dir[] = "/tmp/rsp-e2e-XXXXXX", state[64];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);

    REQUIRE(mkdtemp(dir));
    snprintf(state, sizeof state, "%s/state.json", dir);
    inproc_state_write(argv[3], state, inproc_state_empty, NULL);
    struct softeuicc *se = inproc_card_open(&t, state, NULL);
    struct esimlpa_ctx_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION;
    co.transport = softeuicc_transport(se);
    co.store_data_mss = 120;
    esimlpa_ctx *ctx = NULL;
    REQUIRE(esimlpa_ctx_new(&co, &ctx) == 0 && esimlpa_ctx_open(ctx) == 0);
    struct inproc_http w;
    inproc_http_init(&w, &t);

    /* 1. a real download: installed, notification delivered and removed,
     *    one TLS handshake for the whole session */
    struct esimlpa_download_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    o.activation_code = "LPA:1$testsmdpplus1.example.com$TEST-8K";
    o.http = &w.pub;
    o.consent = consent;
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    int rc = esimlpa_download_run(ctx, &o, &r);
    if (rc)
        fprintf(stderr, "download: %s: %s\n", esimlpa_error_name(rc), esimlpa_ctx_last_error(ctx));
    CHECK(rc == 0);
    CHECK(r.notification_delivered == 1);
    CHECK(r.isdp_aid_len >= 5);
    CHECK(r.iccid[0] != '\0');
    CHECK(smdpp_order_state(t.srv, "TEST-8K", st, sizeof st) == 0 && !strcmp(st, "installed"));
    struct esimlpa_http_stats hs = { .struct_size = sizeof hs };
    esimlpa_curl_transport_stats_read(w.curl, &hs);
    CHECK(hs.requests == 4);
    CHECK(hs.tls_handshakes == 1);
    printf("TEST-8K: ICCID %s, BPP %zu bytes, %lu requests, %lu TLS handshake(s)\n", r.iccid,
           r.bpp_size, hs.requests, hs.tls_handshakes);
    struct esimlpa_profile_list *pl = NULL;
    CHECK(esimlpa_profiles_list(ctx, NULL, &pl) == 0);
    int found = 0;
    for (size_t i = 0; pl && i < pl->count; i++)
        found |= !strcmp(pl->profiles[i].iccid, r.iccid);
    CHECK(found);
    esimlpa_profile_list_free(pl);
    struct esimlpa_notification_list *nl = NULL;
    CHECK(esimlpa_notifications_list(ctx, 0, &nl) == 0 && nl && nl->count == 0);
    esimlpa_notification_list_free(nl);

    /* 2. refused by the user: cancelled on both sides, the order is free again */
    g_answer = 0;
    o.activation_code = "LPA:1$testsmdpplus1.example.com$TEST-CC";
    rc = esimlpa_download_run(ctx, &o, &r);
    if (rc != ESIMLPA_EREFUSED)
        fprintf(stderr, "refusal: %s: %s\n", esimlpa_error_name(rc), esimlpa_ctx_last_error(ctx));
    CHECK(rc == ESIMLPA_EREFUSED);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "session cancelled") != NULL);
    CHECK(smdpp_order_state(t.srv, "TEST-CC", st, sizeof st) == 0 && !strcmp(st, "available"));
    CHECK(smdpp_session_count(t.srv) == 0);

    /* 2b. the installed order again: authenticateClient fails, session cancelled */
    o.activation_code = "LPA:1$testsmdpplus1.example.com$TEST-8K";
    rc = esimlpa_download_run(ctx, &o, &r);
    CHECK(rc == ESIMLPA_EES9_FAILED);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "authenticateClient: Failed") != NULL);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "session cancelled") != NULL);
    CHECK(smdpp_session_count(t.srv) == 0);

    /* 3. confirmation code: missing, then wrong is refused by the server,
     *    then right; the notification is kept and delivered afterwards */
    g_answer = 1;
    o.activation_code = "LPA:1$testsmdpplus1.example.com$TEST-CC";
    rc = esimlpa_download_run(ctx, &o, &r);
    CHECK(rc == ESIMLPA_ECC_REQUIRED);
    o.confirmation_code = "87654321";
    rc = esimlpa_download_run(ctx, &o, &r);
    CHECK(rc == ESIMLPA_EES9_FAILED);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "getBoundProfilePackage") != NULL);
    CHECK(!strcmp(esimlpa_ctx_last_es9_status(ctx)->subject_code, "8.2.7"));
    o.confirmation_code = "12345678";
    o.keep_notification = 1;
    rc = esimlpa_download_run(ctx, &o, &r);
    if (rc)
        fprintf(stderr, "download CC: %s\n", esimlpa_ctx_last_error(ctx));
    CHECK(rc == 0 && r.notification_delivered == 0);
    CHECK(smdpp_order_state(t.srv, "TEST-CC", st, sizeof st) == 0 &&
          !strcmp(st, "downloaded-pending-confirmation"));
    size_t ok = 0, bad = 0;
    CHECK(esimlpa_notifications_process(ctx, &w.pub, r.notification_seq, &ok, &bad) == 0);
    CHECK(ok == 1 && bad == 0);
    CHECK(smdpp_order_state(t.srv, "TEST-CC", st, sizeof st) == 0 && !strcmp(st, "installed"));

    /* 4. cancelled: by the progress2 callback in the middle of the BPP load,
     *    then through esimlpa_ctx_cancel() before getBoundProfilePackage;
     *    each time cancelled on both sides, nothing installed, the order is
     *    free again; then it installs */
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    o.activation_code = "LPA:1$testsmdpplus1.example.com$TEST-30K-PPK";
    o.http = &w.pub;
    o.progress2 = stop_in_load;
    CHECK(esimlpa_profiles_list(ctx, NULL, &pl) == 0);
    size_t nprof = pl ? pl->count : 0;
    esimlpa_profile_list_free(pl);
    rc = esimlpa_download_run(ctx, &o, &r);
    if (rc != ESIMLPA_ECANCELLED)
        fprintf(stderr, "progress2 cancel: %s: %s\n", esimlpa_error_name(rc),
                esimlpa_ctx_last_error(ctx));
    CHECK(rc == ESIMLPA_ECANCELLED);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "LoadBoundProfilePackage: cancelled after segment") != NULL);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "; session cancelled") != NULL);
    CHECK(smdpp_order_state(t.srv, "TEST-30K-PPK", st, sizeof st) == 0 && !strcmp(st, "available"));
    CHECK(smdpp_session_count(t.srv) == 0);
    /* the cancel of the session was reported once, as the last step */
    CHECK(g_cancel_steps == 1 && g_steps_after_cancel == 0);
    o.progress2 = NULL;
    o.progress = cancel_at_bpp;
    g_ctx = ctx;
    rc = esimlpa_download_run(ctx, &o, &r);
    CHECK(rc == ESIMLPA_ECANCELLED);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "download cancelled before getBoundProfilePackage; session cancelled") != NULL);
    CHECK(smdpp_order_state(t.srv, "TEST-30K-PPK", st, sizeof st) == 0 && !strcmp(st, "available"));
    CHECK(smdpp_session_count(t.srv) == 0);
    CHECK(esimlpa_profiles_list(ctx, NULL, &pl) == 0 && pl && pl->count == nprof);
    esimlpa_profile_list_free(pl);
    CHECK(esimlpa_notifications_list(ctx, 0, &nl) == 0 && nl && nl->count == 0);
    esimlpa_notification_list_free(nl);
    o.progress = NULL;   /* the flag was cleared when the cancelled download returned */
    rc = esimlpa_download_run(ctx, &o, &r);
    CHECK(rc == 0 && r.notification_delivered == 1);

    esimlpa_ctx_free(ctx);
    inproc_http_free(&w);
    softeuicc_close(se);
    unlink(state);
    rmdir(dir);
    tc_stop(&t);
    if (tc_failures) {
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
        return 1;
    }
    return 0;
}
