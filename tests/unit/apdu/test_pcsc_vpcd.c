/* SPDX-License-Identifier: MIT */
/*
 * The PC/SC backend against a real pcscd with the vpcd driver and the test
 * card vpcd_card.py on reader 0 (reader 1 empty). Run by test_pcsc_vpcd.sh
 * inside its own mount and network namespace.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <esimlpa/esimlpa.h>

#include "apdu/apdu_internal.h"
#include "check.h"

static const uint8_t challenge_req[] = { 0xBF, 0x2E, 0x00 };

static int open_with(const char *reader, int protocol, struct esimlpa_apdu_transport **t,
                     esimlpa_ctx **ctx)
{
    struct esimlpa_pcsc_options po = { ESIMLPA_PCSC_OPTIONS_VERSION, reader, protocol };
    *ctx = NULL;
    CHECK_INT(esimlpa_pcsc_transport_new(&po, t), ESIMLPA_OK);
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = *t;
    CHECK_INT(esimlpa_ctx_new(&o, ctx), ESIMLPA_OK);
    return esimlpa_ctx_open(*ctx);
}

static void done(struct esimlpa_apdu_transport *t, esimlpa_ctx *ctx)
{
    esimlpa_ctx_free(ctx);
    esimlpa_pcsc_transport_free(t);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* pcscd polls card presence about every 400 ms: wait (up to 10 s) until the
 * card on reader 0 can be connected. */
static void wait_for_card(void)
{
    struct esimlpa_apdu_transport *t = NULL;
    struct esimlpa_pcsc_options po = { ESIMLPA_PCSC_OPTIONS_VERSION, "0", 0 };
    if (esimlpa_pcsc_transport_new(&po, &t) != ESIMLPA_OK)
        return;
    for (int i = 0; i < 100; i++) {
        int rc = t->connect(t->user);
        t->disconnect(t->user);
        if (rc == ESIMLPA_OK)
            break;
        sleep_ms(100);
    }
    esimlpa_pcsc_transport_free(t);
}

int main(void)
{
    wait_for_card();
    char **names = NULL;
    CHECK_INT(esimlpa_pcsc_readers_list(&names), ESIMLPA_OK);
    if (!names || !names[0] || !names[1]) {
        fprintf(stderr, "expected two vpcd readers\n");
        return 1;
    }
    CHECK(strstr(names[0], "Virtual PCD") != NULL);
    char reader0[256];
    snprintf(reader0, sizeof reader0, "%s", names[0]);
    esimlpa_pcsc_readers_free(names);

    struct esimlpa_apdu_transport *t;
    esimlpa_ctx *ctx;

    /* First reader with a card; T=0 passes 61xx up, GET RESPONSE fetches the data. */
    CHECK_INT(open_with(NULL, 0, &t, &ctx), ESIMLPA_OK);
    CHECK_STR(esimlpa_pcsc_transport_reader(t), reader0);
    uint8_t *resp = NULL;
    size_t len = 0;
    CHECK_INT(esimlpa__es10_transceive(ctx, "GetEUICCChallenge", challenge_req, 3, &resp, &len),
              ESIMLPA_OK);
    CHECK_INT(len, 21);
    CHECK(resp && resp[0] == 0xBF && resp[20] == 0x0F);
    free(resp);
    struct esimlpa_ctx_stats st = { .struct_size = sizeof st };
    esimlpa_ctx_stats_read(ctx, &st);
    CHECK_INT(st.get_responses, 1);
    done(t, ctx);

    /* By index, T=0 only; then by exact name. */
    CHECK_INT(open_with("0", 1, &t, &ctx), ESIMLPA_OK);
    done(t, ctx);
    CHECK_INT(open_with(reader0, 0, &t, &ctx), ESIMLPA_OK);
    CHECK_STR(esimlpa_pcsc_transport_reader(t), reader0);
    done(t, ctx);

    /* T=1 only against a T=0-only card; unknown names and indexes; empty reader. */
    CHECK_INT(open_with(reader0, 2, &t, &ctx), ESIMLPA_EUNSUPPORTED);
    done(t, ctx);
    CHECK_INT(open_with("No such reader", 0, &t, &ctx), ESIMLPA_ENOREADER);
    done(t, ctx);
    CHECK_INT(open_with("7", 0, &t, &ctx), ESIMLPA_ENOREADER);
    done(t, ctx);
    CHECK_INT(open_with("1", 0, &t, &ctx), ESIMLPA_ENOCARD);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "connect") != NULL);
    done(t, ctx);

    /* The card vanishes mid-session (BF2D00 makes it close its socket). */
    CHECK_INT(open_with(NULL, 0, &t, &ctx), ESIMLPA_OK);
    static const uint8_t vanish[] = { 0xBF, 0x2D, 0x00 };
    int rc = esimlpa__es10_transceive(ctx, "GetProfilesInfo", vanish, 3, &resp, &len);
    fprintf(stderr, "after removal: %s (%s)\n", esimlpa_error_name(rc),
            esimlpa_ctx_last_error(ctx));
    /* vpcd answers the command in flight with an empty frame. */
    CHECK(rc == ESIMLPA_ECARDREMOVED || rc == ESIMLPA_EDECODE);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "STORE DATA (GetProfilesInfo)") != NULL);
    /* Once pcscd has polled the reader (~400 ms), the removal is reported as such. */
    for (int i = 0; i < 50; i++) {
        sleep_ms(200);
        rc = esimlpa__es10_transceive(ctx, "GetEID", challenge_req, 3, &resp, &len);
        /* vpcd meanwhile: empty frames or a failed exchange. */
        if (rc != ESIMLPA_EDECODE && rc != ESIMLPA_ETRANSPORT)
            break;
    }
    CHECK_INT(rc, ESIMLPA_ECARDREMOVED);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "STORE DATA (GetEID): card removed") != NULL);
    done(t, ctx);
    return check_report("test_pcsc_vpcd");
}
