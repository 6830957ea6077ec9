/* SPDX-License-Identifier: MIT */
/*
 * The library's ES10 API through the AT-modem transport against the
 * simulated modem on a pseudo-terminal (served from a thread of this
 * process), one quirk variant per run: argv = PKI dir, seed, variant.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "sim_modem.h"
#include "test_util.h"

#define ICCID1 "89049032000000000013"   /* enabled in the seed */
#define ICCID2 "8949449999999990031"    /* disabled in the seed */

struct modem_thread {
    struct sim_modem *m;
    pthread_t th;
    volatile int stop;
    int rc;
    char path[128];
};

static void *serve(void *arg)
{
    struct modem_thread *mt = arg;
    mt->rc = sim_modem_run(mt->m, &mt->stop);
    return NULL;
}

static void modem_start(struct modem_thread *mt, struct tcard *c,
                        const struct sim_modem_options *o)
{
    memset(mt, 0, sizeof *mt);
    if (sim_modem_open(o, c->se, &mt->m, mt->path, sizeof mt->path) != 0) {
        fprintf(stderr, "cannot open the simulated modem\n");
        exit(1);
    }
    pthread_create(&mt->th, NULL, serve, mt);
}

static void modem_stop(struct modem_thread *mt, struct sim_modem_stats *st)
{
    mt->stop = 1;
    pthread_join(mt->th, NULL);
    if (st)
        sim_modem_get_stats(mt->m, st);
    sim_modem_close(mt->m);
}

static int open_ctx(const char *path, unsigned timeout_ms, unsigned probe_ms, int force_csim,
                    struct esimlpa_apdu_transport **tr, esimlpa_ctx **ctx)
{
    struct esimlpa_at_options ao = { .version = ESIMLPA_AT_OPTIONS_VERSION, .device = path,
                                     .baud = 115200, .timeout_ms = timeout_ms,
                                     .probe_timeout_ms = probe_ms, .force_csim = force_csim };
    *ctx = NULL;
    int rc = esimlpa_at_transport_new(&ao, tr);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa_ctx_options o = { .version = ESIMLPA_CTX_OPTIONS_VERSION, .transport = *tr,
                                     .store_data_mss = 120 };
    rc = esimlpa_ctx_new(&o, ctx);
    if (rc == ESIMLPA_OK)
        rc = esimlpa_ctx_open(*ctx);
    return rc;
}

static const struct esimlpa_profile_info *find(const struct esimlpa_profile_list *l,
                                               const char *iccid)
{
    for (size_t i = 0; l && i < l->count; i++)
        if (strcmp(l->profiles[i].iccid, iccid) == 0)
            return &l->profiles[i];
    return NULL;
}

static void expected_eid(char *eid, size_t cap)
{
    eid[0] = '\0';
    FILE *f = fopen(t_pki("eid.txt"), "r");
    if (f) {
        if (!fgets(eid, (int)cap, f))
            eid[0] = '\0';
        fclose(f);
    }
    eid[strcspn(eid, "\r\n ")] = '\0';
}

/* GetEID, profile list, enable -> list, notification list, close and reopen. */
static void es10_round(const struct sim_modem_options *o, int force_csim, unsigned probe_ms)
{
    struct tcard c;
    t_open(&c, "nist");
    struct modem_thread mt;
    modem_start(&mt, &c, o);

    struct esimlpa_apdu_transport *tr = NULL;
    esimlpa_ctx *ctx = NULL;
    int rc = open_ctx(mt.path, 3000, probe_ms, force_csim, &tr, &ctx);
    CHECK_EQ(rc, ESIMLPA_OK);
    if (rc != ESIMLPA_OK)
        fprintf(stderr, "open: %s / %s\n", esimlpa_ctx_last_error(ctx),
                esimlpa_at_transport_last_error(tr));
    int expect_csim = o->csim_only || force_csim;
    CHECK_EQ(esimlpa_at_transport_uses_csim(tr), expect_csim);

    char eid[ESIMLPA_EID_LEN + 1] = "", want[64];
    expected_eid(want, sizeof want);
    CHECK_EQ(esimlpa_eid_get(ctx, eid), ESIMLPA_OK);
    CHECK(strlen(want) == 32 && strcmp(eid, want) == 0);

    struct esimlpa_profile_list *l = NULL;
    CHECK_EQ(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_OK);
    CHECK_EQ(l ? l->count : 0, 3);
    const struct esimlpa_profile_info *p1 = find(l, ICCID1), *p2 = find(l, ICCID2);
    CHECK(p1 && p1->state == ESIMLPA_PROFILE_ENABLED);
    CHECK(p2 && p2->state == ESIMLPA_PROFILE_DISABLED);
    CHECK(p1 && p1->profile_name && p1->profile_name[0]);  /* long answers via 61xx */
    esimlpa_profile_list_free(l);

    struct esimlpa_profile_id id2 = { .kind = ESIMLPA_ID_ICCID, .iccid = ICCID2 };
    CHECK_EQ(esimlpa_profile_enable(ctx, &id2, 0), ESIMLPA_OK);
    CHECK_EQ(esimlpa_profile_enable(ctx, &id2, 0), ESIMLPA_EPROFILE_NOT_DISABLED);
    l = NULL;
    CHECK_EQ(esimlpa_profiles_list(ctx, NULL, &l), ESIMLPA_OK);
    p1 = find(l, ICCID1);
    p2 = find(l, ICCID2);
    CHECK(p1 && p1->state == ESIMLPA_PROFILE_DISABLED);
    CHECK(p2 && p2->state == ESIMLPA_PROFILE_ENABLED);
    esimlpa_profile_list_free(l);

    struct esimlpa_notification_list *nl = NULL;
    CHECK_EQ(esimlpa_notifications_list(ctx, 0, &nl), ESIMLPA_OK);
    int seen_enable = 0;
    for (size_t i = 0; nl && i < nl->count; i++)
        if ((nl->items[i].event & ESIMLPA_EVENT_ENABLE) && strcmp(nl->items[i].iccid, ICCID2) == 0)
            seen_enable = 1;
    CHECK(seen_enable);
    esimlpa_notification_list_free(nl);

    /* Enable with the refresh flag: the modem resets the card (REFRESH), the
     * next call reopens the logical channel by itself; a modem cannot be
     * asked for a power cycle. */
    struct esimlpa_profile_id id1 = { .kind = ESIMLPA_ID_ICCID, .iccid = ICCID1 };
    CHECK_EQ(esimlpa_profile_enable(ctx, &id1, 1), ESIMLPA_OK);
    CHECK_EQ(esimlpa_eid_get(ctx, eid), ESIMLPA_OK);
    CHECK(strcmp(eid, want) == 0);
    CHECK_EQ(esimlpa_ctx_reconnect(ctx, 1), ESIMLPA_EUNSUPPORTED);
    CHECK_EQ(esimlpa_ctx_reconnect(ctx, 0), ESIMLPA_OK);
    CHECK_EQ(esimlpa_eid_get(ctx, eid), ESIMLPA_OK);

    /* Close (AT+CCHC or MANAGE CHANNEL close) and open again on the same line. */
    esimlpa_ctx_close(ctx);
    CHECK_EQ(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    CHECK_EQ(esimlpa_eid_get(ctx, eid), ESIMLPA_OK);
    esimlpa_ctx_free(ctx);
    esimlpa_at_transport_free(tr);

    struct sim_modem_stats st;
    modem_stop(&mt, &st);
    CHECK_EQ(mt.rc, 0);
    fprintf(stderr, "modem served %u commands: %u CCHO, %u CGLA, %u CCHC, %u CSIM, %u =?\n",
            st.commands, st.ccho, st.cgla, st.cchc, st.csim, st.test_commands);
    if (expect_csim) {
        CHECK(st.csim >= 8);
        CHECK_EQ(st.cgla, 0);
        CHECK_EQ(st.ccho, o->csim_only && !force_csim ? 2 : 0);
    } else {
        CHECK(st.cgla >= 8);
        CHECK_EQ(st.csim, 0);
        /* CCHO: open, reopen after the REFRESH (its channel went with the
         * reset: no CCHC), reconnect, open after close; CCHC: reconnect,
         * close, free. */
        CHECK_EQ(st.ccho, 4);
        CHECK_EQ(st.cchc, 3);
    }
    t_close(&c);
}

/* The modem stops answering (hang) or closes the line (exit) mid-session. */
static void fault_round(int hang)
{
    struct tcard c;
    t_open(&c, "nist");
    struct sim_modem_options o;
    memset(&o, 0, sizeof o);
    if (hang)
        o.hang_after = 3;
    else
        o.exit_after = 3;
    struct modem_thread mt;
    modem_start(&mt, &c, &o);

    struct esimlpa_apdu_transport *tr = NULL;
    esimlpa_ctx *ctx = NULL;
    CHECK_EQ(open_ctx(mt.path, 400, 400, 0, &tr, &ctx), ESIMLPA_OK);
    char eid[ESIMLPA_EID_LEN + 1];
    CHECK_EQ(esimlpa_eid_get(ctx, eid), ESIMLPA_OK);       /* APDU 1 */
    CHECK_EQ(esimlpa_eid_get(ctx, eid), ESIMLPA_OK);       /* APDU 2 */
    int rc = esimlpa_eid_get(ctx, eid);                     /* APDU 3: no answer */
    const char *detail = esimlpa_at_transport_last_error(tr);
    if (hang) {
        CHECK_EQ(rc, ESIMLPA_ETIMEOUT);
        CHECK(strstr(detail, "AT+CGLA") && strstr(detail, "400 ms"));
    } else {
        CHECK_EQ(rc, ESIMLPA_ECARDREMOVED);
        CHECK(strstr(detail, "closed the line") != NULL);
    }
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "GetEID") != NULL);
    fprintf(stderr, "expected failure: %s; %s\n", esimlpa_ctx_last_error(ctx), detail);
    esimlpa_ctx_free(ctx);
    esimlpa_at_transport_free(tr);
    modem_stop(&mt, NULL);
    CHECK_EQ(mt.rc, hang ? 0 : 1);
    t_close(&c);
}

/* No modem: a missing device, a file that is not a tty, a pty nobody serves. */
static void no_modem(void)
{
    struct esimlpa_apdu_transport *tr = NULL;
    esimlpa_ctx *ctx = NULL;
    CHECK_EQ(open_ctx("/nonexistent/ttyUSB9", 300, 300, 0, &tr, &ctx), ESIMLPA_ENOREADER);
    CHECK(strstr(esimlpa_at_transport_last_error(tr), "/nonexistent/ttyUSB9") != NULL);
    esimlpa_ctx_free(ctx);
    esimlpa_at_transport_free(tr);

    CHECK_EQ(open_ctx("/dev/null", 300, 300, 0, &tr, &ctx), ESIMLPA_ETRANSPORT);
    CHECK(strstr(esimlpa_at_transport_last_error(tr), "not a serial line") != NULL);
    esimlpa_ctx_free(ctx);
    esimlpa_at_transport_free(tr);

    struct tcard c;
    t_open(&c, "nist");
    struct sim_modem_options o;
    memset(&o, 0, sizeof o);
    struct sim_modem *m = NULL;
    char path[128];
    CHECK_EQ(sim_modem_open(&o, c.se, &m, path, sizeof path), 0);   /* never served */
    CHECK_EQ(open_ctx(path, 300, 200, 0, &tr, &ctx), ESIMLPA_ETIMEOUT);
    CHECK(strstr(esimlpa_at_transport_last_error(tr), "ATE0") != NULL);
    esimlpa_ctx_free(ctx);
    esimlpa_at_transport_free(tr);
    sim_modem_close(m);
    t_close(&c);

    struct esimlpa_at_options bad = { .version = ESIMLPA_AT_OPTIONS_VERSION, .device = "x",
                                      .baud = 12345 };
    CHECK_EQ(esimlpa_at_transport_new(NULL, &tr), ESIMLPA_EINVAL);
    CHECK_EQ(esimlpa_at_transport_new(&bad, &tr), ESIMLPA_OK);
    CHECK_EQ(tr->connect(tr->user), ESIMLPA_EINVAL);     /* unsupported speed */
    CHECK(strstr(esimlpa_at_transport_last_error(tr), "12345") != NULL);
    esimlpa_at_transport_free(tr);
    esimlpa_at_transport_free(NULL);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s PKI_DIR SEED VARIANT\n", argv[0]);
        return 2;
    }
    const char *v = argv[3];
    t_setup(3, argv);
    struct sim_modem_options o;
    memset(&o, 0, sizeof o);
    unsigned probe = 1000;
    int force_csim = 0;

    if (strcmp(v, "plain") == 0) {
    } else if (strcmp(v, "quoted") == 0) {
        o.channel_format = SIM_CH_QUOTED;
    } else if (strcmp(v, "hex4") == 0) {
        o.channel_format = SIM_CH_HEX4;
    } else if (strcmp(v, "bare") == 0) {
        o.channel_format = SIM_CH_BARE;
    } else if (strcmp(v, "no-test-commands") == 0) {
        o.no_test_commands = 1;
    } else if (strcmp(v, "silent-test-commands") == 0) {
        o.no_test_commands = 2;
        probe = 200;
    } else if (strcmp(v, "no-cgla-prefix") == 0) {
        o.no_cgla_prefix = 1;
    } else if (strcmp(v, "csim-only") == 0) {
        o.csim_only = 1;
    } else if (strcmp(v, "force-csim") == 0) {
        force_csim = 1;
    } else if (strcmp(v, "urc") == 0) {
        o.urc = 1;
    } else if (strcmp(v, "lowercase") == 0) {
        o.lowercase = 1;
        o.no_quotes = 1;
    } else if (strcmp(v, "all-quirks") == 0) {
        o.no_test_commands = 1;
        o.no_cgla_prefix = 1;
        o.channel_format = SIM_CH_BARE;
        o.urc = 1;
        o.lowercase = 1;
    } else if (strcmp(v, "timeout") == 0) {
        fault_round(1);
        return t_done();
    } else if (strcmp(v, "closed") == 0) {
        fault_round(0);
        return t_done();
    } else if (strcmp(v, "no-modem") == 0) {
        no_modem();
        return t_done();
    } else {
        fprintf(stderr, "unknown variant %s\n", v);
        return 2;
    }
    es10_round(&o, force_csim, probe);
    return t_done();
}
