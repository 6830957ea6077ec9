/* SPDX-License-Identifier: MIT */
/* esimlpa_renew_run end to end in one process: the soft eUICC (tests/sim)
 * behind a real context, the test SM-DP+ (tests/smdpp) over verified HTTPS.
 * Each case starts from a fresh eUICC seeded with the default state
 * (89049032000000000013 enabled, notifications for disable/delete go to the
 * test SM-DP+): renewal with and without deleting the old profile, enabling
 * refused by PPR1 on the old profile (old stays enabled), a failing download
 * (nothing changes), notification delivery failing (renewal succeeds, the
 * notifications stay pending), and an unknown old profile. */
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

#define OLD_ICCID "89049032000000000013"
#define SM "testsmdpplus1.example.com"

/* The fixture's HTTP transport, failing handleNotification on request. */
struct wrap {
    struct inproc_http base;   /* base.pub.post = wrap_post */
    int fail_notifications;
    unsigned notification_posts;
};

static int wrap_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    struct wrap *w = user;
    if (strstr(url, "/handleNotification")) {
        w->notification_posts++;
        if (w->fail_notifications)
            return ESIMLPA_EHTTP_CONNECT;
    }
    return inproc_http_post(&w->base, url, headers, body, body_len, resp);
}

static struct tc t;
static const char *g_seed;
static char g_dir[] = "/tmp/rsp-renew-XXXXXX";
static int g_case;

struct card {
    struct softeuicc *se;
    esimlpa_ctx *ctx;
    char state[128];
    /* the soft eUICC's transport, wrapped: lose_enable_answer makes the
     * EnableProfile (BF31) command reach the card but its answer time out */
    struct esimlpa_apdu_transport tr;
    struct esimlpa_apdu_transport *inner;
    int lose_enable_answer;
    unsigned connects;
};

static int card_connect(void *user)
{
    struct card *c = user;
    c->connects++;
    return c->inner->connect(c->inner->user);
}

static void card_disconnect(void *user)
{
    struct card *c = user;
    c->inner->disconnect(c->inner->user);
}

static int card_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                         size_t *resp_len)
{
    struct card *c = user;
    int rc = c->inner->transmit(c->inner->user, cmd, cmd_len, resp, resp_len);
    if (c->lose_enable_answer && cmd_len > 7 && cmd[1] == 0xE2 && cmd[5] == 0xBF && cmd[6] == 0x31) {
        c->lose_enable_answer = 0;
        return ESIMLPA_ETIMEOUT;
    }
    return rc;
}

/* A fresh soft eUICC from the seed; ppr1_on_old: PPR1 on the enabled profile. */
/* Edit: PPR1 (disabling not allowed) on the seed's enabled profile. */
static void set_ppr1_on_old(cJSON *root, void *arg)
{
    (void)arg;
    cJSON *p0 = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "profiles"), 0);
    REQUIRE(p0 && !strcmp(cJSON_GetObjectItem(p0, "iccid")->valuestring, OLD_ICCID));
    int bits[] = { 1 };
    cJSON_DeleteItemFromObject(p0, "ppr_bits");
    cJSON_AddItemToObject(p0, "ppr_bits", cJSON_CreateIntArray(bits, 1));
}

static void card_new(struct card *c, int ppr1_on_old)
{
    snprintf(c->state, sizeof c->state, "%s/state%d.json", g_dir, ++g_case);
    inproc_state_write(g_seed, c->state, ppr1_on_old ? set_ppr1_on_old : NULL, NULL);
    c->se = inproc_card_open(&t, c->state, NULL);
    struct esimlpa_ctx_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION;
    c->inner = softeuicc_transport(c->se);
    memset(&c->tr, 0, sizeof c->tr);
    c->tr.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    c->tr.user = c;
    c->tr.connect = card_connect;
    c->tr.disconnect = card_disconnect;
    c->tr.transmit = card_transmit;
    c->lose_enable_answer = 0;
    c->connects = 0;
    co.transport = &c->tr;
    c->ctx = NULL;
    REQUIRE(esimlpa_ctx_new(&co, &c->ctx) == 0 && esimlpa_ctx_open(c->ctx) == 0);
}

static void card_free(struct card *c)
{
    esimlpa_ctx_free(c->ctx);
    softeuicc_close(c->se);
    unlink(c->state);
}

/* State of a profile: 1 enabled, 0 disabled, -1 not on the card. */
static int state_of(esimlpa_ctx *ctx, const char *iccid)
{
    struct esimlpa_profile_list *pl = NULL;
    REQUIRE(esimlpa_profiles_list(ctx, NULL, &pl) == 0);
    int st = -1;
    for (size_t i = 0; i < pl->count; i++)
        if (!strcmp(pl->profiles[i].iccid, iccid))
            st = pl->profiles[i].state == ESIMLPA_PROFILE_ENABLED;
    esimlpa_profile_list_free(pl);
    return st;
}

static size_t count_profiles(esimlpa_ctx *ctx)
{
    struct esimlpa_profile_list *pl = NULL;
    REQUIRE(esimlpa_profiles_list(ctx, NULL, &pl) == 0);
    size_t n = pl->count;
    esimlpa_profile_list_free(pl);
    return n;
}

static size_t pending(esimlpa_ctx *ctx, unsigned events)
{
    struct esimlpa_notification_list *nl = NULL;
    REQUIRE(esimlpa_notifications_list(ctx, events, &nl) == 0);
    size_t n = nl->count;
    esimlpa_notification_list_free(nl);
    return n;
}

static int order_is(const char *mid, const char *want)
{
    char st[64];
    return smdpp_order_state(t.srv, mid, st, sizeof st) == 0 && !strcmp(st, want);
}

static int g_refresh;

static int renew(struct card *c, struct wrap *w, const char *mid, const char *cc, int delete_old,
                 struct esimlpa_renew_result *r)
{
    char ac[128];
    snprintf(ac, sizeof ac, "LPA:1$" SM "$%s", mid);
    struct esimlpa_download_options d;
    memset(&d, 0, sizeof d);
    d.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    d.activation_code = ac;
    d.confirmation_code = cc;
    d.http = &w->base.pub;
    struct esimlpa_renew_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_RENEW_OPTIONS_VERSION;
    o.download = &d;
    o.delete_old = delete_old;
    o.refresh = g_refresh;
    int rc = esimlpa_renew_run(c->ctx, &o, r);
    printf("renew %s%s: %s %s\n", mid, delete_old ? " --delete-old" : "", esimlpa_error_name(rc),
           esimlpa_ctx_last_error(c->ctx));
    return rc;
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 4);   /* gen-rsp-pki.sh, profiles dir, soft eUICC seed */
    char cfg[512];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);
    g_seed = argv[3];
    REQUIRE(mkdtemp(g_dir));

    struct wrap w = { .fail_notifications = 0, .notification_posts = 0 };
    inproc_http_init(&w.base, &t);
    w.base.pub.post = wrap_post;
    w.base.pub.user = &w;
    struct esimlpa_renew_result r = { .struct_size = sizeof r };
    struct card c;

    /* 1. Renewal keeping the old profile: new enabled, old disabled and
     *    still there; install, disable and enable notifications delivered. */
    card_new(&c, 0);
    size_t n0 = count_profiles(c.ctx);
    int rc = renew(&c, &w, "TEST-8K", NULL, 0, &r);
    CHECK(rc == 0);
    CHECK(!strcmp(r.old_iccid, OLD_ICCID));
    CHECK(r.new_iccid[0] && strcmp(r.new_iccid, OLD_ICCID) != 0);
    CHECK(r.enabled == 1 && r.old_deleted == 0 && r.old_reenabled == 0);
    CHECK(state_of(c.ctx, r.new_iccid) == 1);
    CHECK(state_of(c.ctx, OLD_ICCID) == 0);
    CHECK(count_profiles(c.ctx) == n0 + 1);
    CHECK(r.notifications_delivered == 3 && r.notifications_failed == 0);
    CHECK(r.notification_error == 0 && r.notification_detail[0] == '\0');
    CHECK(pending(c.ctx, 0) == 0);
    CHECK(order_is("TEST-8K", "installed"));
    CHECK(esimlpa_ctx_last_error(c.ctx)[0] == '\0');
    card_free(&c);

    /* 2. Renewal deleting the old profile: it is gone, and its delete
     *    notification was delivered with the others. With the refresh flag
     *    the session is opened anew after the switch. */
    card_new(&c, 0);
    n0 = count_profiles(c.ctx);
    unsigned posts = w.notification_posts;
    g_refresh = 1;
    rc = renew(&c, &w, "TEST-100K", NULL, 1, &r);
    g_refresh = 0;
    CHECK(rc == 0);
    CHECK(c.connects == 2);
    CHECK(r.enabled == 1 && r.old_deleted == 1);
    CHECK(!strcmp(r.old_iccid, OLD_ICCID));
    CHECK(state_of(c.ctx, r.new_iccid) == 1);
    CHECK(state_of(c.ctx, OLD_ICCID) == -1);
    CHECK(count_profiles(c.ctx) == n0);
    /* install + enable (new profile), disable + delete (old profile) */
    CHECK(r.notifications_delivered == 4 && r.notifications_failed == 0);
    CHECK(w.notification_posts - posts == 4);
    CHECK(pending(c.ctx, 0) == 0);
    CHECK(order_is("TEST-100K", "installed"));
    card_free(&c);

    /* 3. Enabling refused: the old profile has PPR1 (disabling not allowed),
     *    so EnableProfile answers disallowedByPolicy. The old one stays
     *    enabled, the new one stays installed, nothing is deleted even with
     *    delete_old, the install notification still reaches the SM-DP+. */
    card_new(&c, 1);
    rc = renew(&c, &w, "TEST-CC", "12345678", 1, &r);
    CHECK(rc == ESIMLPA_EDISALLOWED_BY_POLICY);
    const char *e = esimlpa_ctx_last_error(c.ctx);
    CHECK(strstr(e, "renew: new profile ") != NULL);
    CHECK(strstr(e, "installed but enabling it failed (") != NULL);
    CHECK(strstr(e, "disallowedByPolicy") != NULL);
    CHECK(strstr(e, "the old profile " OLD_ICCID " stays enabled") != NULL);
    CHECK(r.new_iccid[0] && strstr(e, r.new_iccid) != NULL);
    CHECK(r.enabled == 0 && r.old_deleted == 0 && r.old_reenabled == 0);
    CHECK(state_of(c.ctx, OLD_ICCID) == 1);
    CHECK(state_of(c.ctx, r.new_iccid) == 0);
    CHECK(r.notifications_delivered == 1 && pending(c.ctx, 0) == 0);
    CHECK(order_is("TEST-CC", "installed"));
    card_free(&c);

    /* 4. The download fails (unknown matching ID): nothing changes. */
    card_new(&c, 0);
    n0 = count_profiles(c.ctx);
    posts = w.notification_posts;
    rc = renew(&c, &w, "TEST-NO-SUCH-ORDER", NULL, 1, &r);
    CHECK(rc == ESIMLPA_EES9_FAILED);
    CHECK(strstr(esimlpa_ctx_last_error(c.ctx), "renew: download failed, nothing changed") != NULL);
    CHECK(r.new_iccid[0] == '\0' && r.enabled == 0 && r.old_deleted == 0);
    CHECK(count_profiles(c.ctx) == n0);
    CHECK(state_of(c.ctx, OLD_ICCID) == 1);
    CHECK(pending(c.ctx, 0) == 0);
    CHECK(w.notification_posts == posts);
    CHECK(smdpp_session_count(t.srv) == 0);
    card_free(&c);

    /* 5. Notification delivery failing: the renewal succeeds, every
     *    notification stays pending and is reported. */
    card_new(&c, 0);
    w.fail_notifications = 1;
    rc = renew(&c, &w, "TEST-EID", NULL, 1, &r);
    w.fail_notifications = 0;
    CHECK(rc == 0);
    CHECK(r.enabled == 1 && r.old_deleted == 1);
    CHECK(state_of(c.ctx, r.new_iccid) == 1 && state_of(c.ctx, OLD_ICCID) == -1);
    CHECK(r.notifications_delivered == 0 && r.notifications_failed == 4);
    CHECK(r.notification_error == ESIMLPA_EHTTP_CONNECT);
    CHECK(r.notification_detail[0] != '\0');
    CHECK(pending(c.ctx, 0) == 4);
    CHECK(pending(c.ctx, ESIMLPA_EVENT_INSTALL) == 1);
    CHECK(pending(c.ctx, ESIMLPA_EVENT_DELETE) == 1);
    CHECK(esimlpa_ctx_last_error(c.ctx)[0] == '\0');
    /* ... and a later process delivers them. */
    size_t ok = 0, bad = 0;
    CHECK(esimlpa_notifications_process(c.ctx, &w.base.pub, -1, &ok, &bad) == 0 && ok == 4 && bad == 0);
    CHECK(order_is("TEST-EID", "installed"));
    card_free(&c);

    /* 5b. The answer to EnableProfile is lost but the card switched: the
     *     renewal reads the state back and carries on. */
    card_new(&c, 0);
    c.lose_enable_answer = 1;
    rc = renew(&c, &w, "TEST-30K-PPK", NULL, 0, &r);
    CHECK(rc == 0);
    CHECK(c.lose_enable_answer == 0);   /* the fault fired */
    CHECK(r.enabled == 1 && r.old_deleted == 0);
    CHECK(state_of(c.ctx, r.new_iccid) == 1 && state_of(c.ctx, OLD_ICCID) == 0);
    CHECK(pending(c.ctx, 0) == 0);
    card_free(&c);

    /* 6. Bad input: an old profile that is not there fails before the download;
     *    no options; no HTTP transport. */
    card_new(&c, 0);
    n0 = count_profiles(c.ctx);
    struct esimlpa_http_stats hs0 = { .struct_size = sizeof hs0 }, hs1 = { .struct_size = sizeof hs1 };
    esimlpa_curl_transport_stats_read(w.base.curl, &hs0);
    struct esimlpa_profile_id missing;
    REQUIRE(esimlpa_profile_id_parse("8900000000000000099", &missing) == 0);
    struct esimlpa_download_options d;
    memset(&d, 0, sizeof d);
    d.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    d.activation_code = "LPA:1$" SM "$TEST-8K";
    d.http = &w.base.pub;
    struct esimlpa_renew_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_RENEW_OPTIONS_VERSION;
    o.download = &d;
    o.old_profile = &missing;
    CHECK(esimlpa_renew_run(c.ctx, &o, &r) == ESIMLPA_EICCID_OR_AID_NOT_FOUND);
    CHECK(strstr(esimlpa_ctx_last_error(c.ctx), "8900000000000000099") != NULL);
    esimlpa_curl_transport_stats_read(w.base.curl, &hs1);
    CHECK(hs1.requests == hs0.requests);   /* nothing was asked of the SM-DP+ */
    CHECK(esimlpa_renew_run(c.ctx, NULL, &r) == ESIMLPA_EINVAL);
    d.http = NULL;
    o.old_profile = NULL;
    CHECK(esimlpa_renew_run(c.ctx, &o, NULL) == ESIMLPA_EINVAL);
    CHECK(esimlpa_renew_run(NULL, &o, NULL) == ESIMLPA_EINVAL);
    CHECK(count_profiles(c.ctx) == n0);
    card_free(&c);

    inproc_http_free(&w.base);
    rmdir(g_dir);
    tc_stop(&t);
    if (tc_failures) {
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
