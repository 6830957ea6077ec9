/* SPDX-License-Identifier: MIT */
/* The renewal's check, rollback and journal through the API, in one process:
 * the soft eUICC (tests/sim) behind a real context, the test SM-DP+
 * (tests/smdpp) over verified HTTPS (old result layouts:
 * test_rsp_result_abi.c). Cases: a passing check sees the new profile and the journal is written before each
 * step, holds no secret and is removed at the end; a failing check rolls
 * back with a one-line reason; a check that returns after its timeout counts
 * as a timeout; an unwritable journal stops the renewal before anything
 * happens; a rollback that the eUICC refuses (PPR1 on the new profile)
 * keeps both profiles and the journal; resume without a journal or with a
 * malformed one. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <esimlpa/esimlpa.h>

#include "inproc.h"
#include "softeuicc.h"
#include "softeuicc_transport.h"
#include "test_client.h"

#define OLD_ICCID "89049032000000000013"
#define SM "testsmdpplus1.example.com"

static struct tc t;
static const char *g_seed;
static char g_dir[] = "/tmp/rsp-renew-check-XXXXXX";
static int g_case;
static struct inproc_http g_http;

struct card {
    struct softeuicc *se;
    esimlpa_ctx *ctx;
    char state[128];
};

static void card_new(struct card *c)
{
    snprintf(c->state, sizeof c->state, "%s/state%d.json", g_dir, ++g_case);
    inproc_state_write(g_seed, c->state, NULL, NULL);
    c->se = inproc_card_open(&t, c->state, NULL);
    struct esimlpa_ctx_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION;
    co.transport = softeuicc_transport(c->se);
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

static size_t pending(esimlpa_ctx *ctx)
{
    struct esimlpa_notification_list *nl = NULL;
    REQUIRE(esimlpa_notifications_list(ctx, 0, &nl) == 0);
    size_t n = nl->count;
    esimlpa_notification_list_free(nl);
    return n;
}

/* ---- the check and step callbacks ---- */

struct probe {
    int verdict;                  /* what the check returns */
    const char *reason;           /* and the reason it gives */
    long sleep_ms;                /* how long it takes */
    int calls;
    char seen_new[32], seen_old[32], seen_aid[40];
    long seen_timeout;
    const char *journal;          /* read at every step */
    char steps[256];              /* "download,enable,..." as read from the journal */
    int secret_seen;              /* the activation code was in the journal */
    int bad_mode;                 /* the journal was not 0600 */
};

static int probe_check(void *user, const struct esimlpa_renew_check_info *info, char *reason,
                       size_t reason_size)
{
    struct probe *p = user;
    p->calls++;
    snprintf(p->seen_new, sizeof p->seen_new, "%s", info->new_iccid);
    snprintf(p->seen_old, sizeof p->seen_old, "%s", info->old_iccid);
    snprintf(p->seen_aid, sizeof p->seen_aid, "%s", info->new_isdp_aid);
    p->seen_timeout = info->timeout_ms;
    if (p->sleep_ms) {
        struct timespec ts = { p->sleep_ms / 1000, (p->sleep_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
    }
    if (p->reason)
        snprintf(reason, reason_size, "%s", p->reason);
    return p->verdict;
}

static void probe_step(void *user, enum esimlpa_renew_step step)
{
    struct probe *p = user;
    if (!p->journal)
        return;
    char buf[8192];
    FILE *f = fopen(p->journal, "r");
    REQUIRE(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    struct stat sb;
    REQUIRE(stat(p->journal, &sb) == 0);
    if ((sb.st_mode & 0777) != 0600)
        p->bad_mode = 1;
    /* The EID holds "12345678" too: look for the activation code instead. */
    if (strstr(buf, "LPA:") || strstr(buf, "TEST-"))
        p->secret_seen = 1;
    cJSON *j = cJSON_Parse(buf);
    REQUIRE(j);
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(j, "step"));
    REQUIRE(s && !strcmp(s, esimlpa_renew_step_name(step)));
    size_t len = strlen(p->steps);
    snprintf(p->steps + len, sizeof p->steps - len, "%s%s", len ? "," : "", s);
    cJSON_Delete(j);
}

static int renew(struct card *c, const char *mid, const char *cc, unsigned version,
                 struct probe *p, long timeout_ms, const char *journal, int discard,
                 struct esimlpa_renew_result *r)
{
    char ac[128];
    snprintf(ac, sizeof ac, "LPA:1$" SM "$%s", mid);
    struct esimlpa_download_options d;
    memset(&d, 0, sizeof d);
    d.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    d.activation_code = ac;
    d.confirmation_code = cc;
    d.http = &g_http.pub;
    struct esimlpa_renew_options o;
    memset(&o, 0, sizeof o);
    o.version = version;
    o.download = &d;
    o.delete_old = 1;
    if (version >= 2) {
        o.check = p ? probe_check : NULL;
        o.check_user = p;
        o.check_timeout_ms = timeout_ms;
        o.journal_path = journal;
        o.discard_failed = discard;
        o.step = probe_step;
        o.step_user = p;
    }
    int rc = esimlpa_renew_run(c->ctx, &o, r);
    printf("renew %s: %s %s\n", mid, esimlpa_error_name(rc), esimlpa_ctx_last_error(c->ctx));
    return rc;
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 4);   /* gen-rsp-pki.sh, profiles dir, soft eUICC seed */
    char cfg[512], journal[256];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);
    g_seed = argv[3];
    REQUIRE(mkdtemp(g_dir));
    snprintf(journal, sizeof journal, "%s/renew.journal", g_dir);
    inproc_http_init(&g_http, &t);
    struct card c;

    /* 2. A passing check (confirmation code order): it sees the new
     *    profile; the journal is written before each step, 0600, without
     *    the activation code, and removed at the end. */
    card_new(&c);
    struct probe p;
    memset(&p, 0, sizeof p);
    p.journal = journal;
    struct esimlpa_renew_result r = { .struct_size = sizeof r };
    CHECK(renew(&c, "TEST-CC", "12345678", ESIMLPA_RENEW_OPTIONS_VERSION, &p, 0, journal, 0, &r) == 0);
    CHECK(p.calls == 1);
    CHECK(!strcmp(p.seen_new, r.new_iccid) && !strcmp(p.seen_old, OLD_ICCID));
    CHECK(strlen(p.seen_aid) == 32);
    CHECK(p.seen_timeout == 120000);
    CHECK(!strcmp(p.steps, "download,enable,check,delete-old,notify"));
    CHECK(!p.secret_seen && !p.bad_mode);
    CHECK(access(journal, F_OK) != 0);
    CHECK(r.enabled == 1 && r.old_deleted == 1 && r.rolled_back == 0);
    CHECK(state_of(c.ctx, r.new_iccid) == 1 && state_of(c.ctx, OLD_ICCID) == -1);
    CHECK(pending(c.ctx) == 0);
    card_free(&c);

    /* 3. A failing check (its reason has a line break): rolled back, the
     *    reason on one line, the new profile discarded, all delivered. */
    card_new(&c);
    memset(&p, 0, sizeof p);
    p.journal = journal;
    p.verdict = 7;
    p.reason = "no network\nattach refused";
    CHECK(renew(&c, "TEST-100K", NULL, ESIMLPA_RENEW_OPTIONS_VERSION, &p, 5000, journal, 1, &r) == ESIMLPA_EROLLED_BACK);
    char want[512];
    snprintf(want, sizeof want,
             "renew: rolled back: no network?attach refused; the old profile " OLD_ICCID
             " is enabled again; the new profile %s was deleted", r.new_iccid);
    CHECK(!strcmp(esimlpa_ctx_last_error(c.ctx), want));
    CHECK(!strcmp(p.steps, "download,enable,check,rollback,discard,rollback-notify"));
    CHECK(r.rolled_back == 1 && r.new_deleted == 1 && r.old_reenabled == 1 && r.enabled == 0);
    CHECK(!strcmp(r.rollback_reason, "no network?attach refused"));
    CHECK(state_of(c.ctx, OLD_ICCID) == 1 && state_of(c.ctx, r.new_iccid) == -1);
    CHECK(pending(c.ctx) == 0 && r.notifications_failed == 0);
    CHECK(access(journal, F_OK) != 0);
    card_free(&c);

    /* 4. A check that passes, but after its timeout: a timeout. */
    card_new(&c);
    memset(&p, 0, sizeof p);
    p.sleep_ms = 300;
    CHECK(renew(&c, "TEST-EID", NULL, ESIMLPA_RENEW_OPTIONS_VERSION, &p, 100, NULL, 0, &r) == ESIMLPA_EROLLED_BACK);
    CHECK(!strcmp(esimlpa_ctx_last_error(c.ctx), "renew: rolled back: check timed out after 1 s; "
                                                 "the old profile " OLD_ICCID " is enabled again"));
    CHECK(state_of(c.ctx, OLD_ICCID) == 1 && state_of(c.ctx, r.new_iccid) == 0);
    CHECK(pending(c.ctx) == 0);
    card_free(&c);

    /* 5. An unwritable journal: nothing happens, the file is named. */
    card_new(&c);
    memset(&p, 0, sizeof p);
    CHECK(renew(&c, "TEST-30K-PPK", NULL, ESIMLPA_RENEW_OPTIONS_VERSION, &p, 0, "/nonexistent-dir/renew.journal", 0, &r) ==
          ESIMLPA_EJOURNAL);
    CHECK(!strcmp(esimlpa_ctx_last_error(c.ctx), "renew: journal /nonexistent-dir/renew.journal: "
                                                 "cannot write it (No such file or directory)"));
    CHECK(p.calls == 0 && r.new_iccid[0] == '\0');
    CHECK(state_of(c.ctx, OLD_ICCID) == 1);
    char order[64];
    CHECK(smdpp_order_state(t.srv, "TEST-30K-PPK", order, sizeof order) == 0 &&
          !strcmp(order, "available"));
    card_free(&c);

    /* 6. The rollback itself fails: the new profile has PPR1 (disabling not
     *    allowed), so the old one cannot be enabled again. The new profile
     *    stays enabled, the old one is kept, the journal too. */
    card_new(&c);
    memset(&p, 0, sizeof p);
    p.verdict = 1;
    p.reason = "no network";
    CHECK(renew(&c, "TEST-30K-PPK", NULL, ESIMLPA_RENEW_OPTIONS_VERSION, &p, 0, journal, 1, &r) == ESIMLPA_EDISALLOWED_BY_POLICY);
    snprintf(want, sizeof want,
             "renew: rollback after 'no network' failed: EnableProfile: eUICC result 3 "
             "(disallowedByPolicy); the old profile " OLD_ICCID " is kept; journal %s kept for a "
             "resume", journal);
    CHECK(!strcmp(esimlpa_ctx_last_error(c.ctx), want));
    CHECK(state_of(c.ctx, r.new_iccid) == 1 && state_of(c.ctx, OLD_ICCID) == 0);
    CHECK(access(journal, F_OK) == 0);
    unlink(journal);

    /* 7. Resume without a journal path, or with version-1 options (on
     *    case 6's card). */
    struct esimlpa_download_options d;
    memset(&d, 0, sizeof d);
    d.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    d.http = &g_http.pub;
    struct esimlpa_renew_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_RENEW_OPTIONS_VERSION;
    o.download = &d;
    CHECK(esimlpa_renew_resume(c.ctx, &o, &r) == ESIMLPA_EINVAL);
    CHECK(!strcmp(esimlpa_ctx_last_error(c.ctx), "renew: resume needs the journal path"));
    o.version = 1;
    CHECK(esimlpa_renew_resume(c.ctx, &o, NULL) == ESIMLPA_EINVAL);

    /* 8. Malformed journals: ESIMLPA_EJOURNAL naming the file and the fault. */
    static const struct { const char *text, *what; } bad[] = {
        { "{\"format\":\"other/1\"}", "unknown format" },
        { "{\"format\":\"esimlpa-renew-journal/1\",\"eid\":\"123\"}", "bad eid" },
        { "{\"format\":\"esimlpa-renew-journal/1\",\"eid\":\"89049032123451234512345678901235\","
          "\"step\":\"jump\"}", "bad step" },
        { "{\"format\":\"esimlpa-renew-journal/1\",\"eid\":\"89049032123451234512345678901235\","
          "\"step\":\"check\",\"old\":\"xyz\",\"before\":[],\"options\":{}}", "bad old profile" },
        { "{\"format\":\"esimlpa-renew-journal/1\",\"eid\":\"89049032123451234512345678901235\","
          "\"step\":\"check\",\"options\":{}}", "no profile list" },
        /* hostile review: an out-of-range double must not reach (long) */
        { "{\"format\":\"esimlpa-renew-journal/1\",\"eid\":\"89049032123451234512345678901235\","
          "\"step\":\"check\",\"before\":[],\"options\":{\"check\":true,"
          "\"checkTimeoutMs\":1e300}}", "bad checkTimeoutMs" },
    };
    o.version = ESIMLPA_RENEW_OPTIONS_VERSION;
    o.journal_path = journal;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = fopen(journal, "w");
        REQUIRE(f);
        fputs(bad[i].text, f);
        fclose(f);
        CHECK(esimlpa_renew_resume(c.ctx, &o, &r) == ESIMLPA_EJOURNAL);
        snprintf(want, sizeof want, "renew: journal %s is not a usable renewal journal (%s)",
                 journal, bad[i].what);
        CHECK(!strcmp(esimlpa_ctx_last_error(c.ctx), want));
    }
    unlink(journal);
    /* A FIFO planted as the journal is refused at once, not waited on. */
    REQUIRE(mkfifo(journal, 0600) == 0);
    CHECK(esimlpa_renew_resume(c.ctx, &o, &r) == ESIMLPA_EJOURNAL);
    snprintf(want, sizeof want, "renew: cannot read journal %s (Invalid argument)", journal);
    CHECK(!strcmp(esimlpa_ctx_last_error(c.ctx), want));
    unlink(journal);
    CHECK(state_of(c.ctx, OLD_ICCID) == 0);   /* case 6's state, untouched */
    card_free(&c);

    inproc_http_free(&g_http);
    rmdir(g_dir);
    tc_stop(&t);
    if (tc_failures) {
        fprintf(stderr, "%d check(s) failed\n", tc_failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
