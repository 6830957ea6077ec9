/* SPDX-License-Identifier: MIT */
/*
 * Refresh and card resets through the real PC/SC stack (libesimlpa ->
 * pcsc-lite -> pcscd -> vpcd -> soft eUICC started by card_manners_test.sh
 * at the 5ber ISD-R AID): after EnableProfile with the refresh flag the next
 * call reopens the session transparently (the card refuses STORE DATA until
 * it is reset); a reset by another program is noticed and the channel
 * reopened at the remembered AID; esimlpa_ctx_reconnect() with and without a
 * power cycle, also inside a card-locked operation's neighbourhood.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

static int failures;
static unsigned selects_std, selects_5ber, terminal_caps;

#define STD "A0000005591010FFFFFFFF8900000100"
#define FIVEBER "A0000005591010FFFFFFFF8900050500"

#define CHECK(cond, ...)                                                          \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                 \
            fprintf(stderr, __VA_ARGS__);                                        \
            fprintf(stderr, "\n");                                               \
            failures++;                                                           \
        }                                                                         \
    } while (0)

#define CHECK_RC(ctx, expr, want)                                                 \
    do {                                                                          \
        int rc_ = (expr);                                                         \
        CHECK(rc_ == (want), "%s = %d (%s; %s), expected %s", #expr, rc_,       \
              esimlpa_error_name(rc_), esimlpa_ctx_last_error(ctx),              \
              esimlpa_error_name(want));                                         \
    } while (0)

/* Count the SELECTs and TERMINAL CAPABILITYs in the APDU trace. */
static void count_apdus(void *user, enum esimlpa_log_level level, const char *msg)
{
    (void)user;
    if (level != ESIMLPA_LOG_TRACE || msg[0] != '>')
        return;
    if (strstr(msg, "A4040010" STD))
        selects_std++;
    if (strstr(msg, "A4040010" FIVEBER))
        selects_5ber++;
    if (strstr(msg, "> 80AA00000AA9088100820101830107"))
        terminal_caps++;
}

static esimlpa_ctx *open_ctx(struct esimlpa_apdu_transport **tr, int traced)
{
    struct esimlpa_pcsc_options po = { .version = ESIMLPA_PCSC_OPTIONS_VERSION,
                                       .reader = getenv("ESIMLPA_READER"), .protocol = 1 };
    if (esimlpa_pcsc_transport_new(&po, tr) != 0)
        return NULL;
    struct esimlpa_ctx_options o = { .version = ESIMLPA_CTX_OPTIONS_VERSION, .transport = *tr };
    if (traced) {
        o.log = count_apdus;
        o.log_level = ESIMLPA_LOG_TRACE;
        o.trace_apdu = 1;
    }
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&o, &ctx) != 0 || esimlpa_ctx_open(ctx) != 0) {
        fprintf(stderr, "FAIL: cannot open the eUICC: %s\n", ctx ? esimlpa_ctx_last_error(ctx) : "");
        esimlpa_ctx_free(ctx);
        esimlpa_pcsc_transport_free(*tr);
        return NULL;
    }
    return ctx;
}

/* State of the profile @iccid in a fresh list: 1 enabled, 0 disabled, -1 error. */
static int enabled(esimlpa_ctx *ctx, const char *iccid)
{
    struct esimlpa_profile_list *l = NULL;
    int rc = esimlpa_profiles_list(ctx, NULL, &l);
    CHECK(rc == ESIMLPA_OK, "profiles list: %s", esimlpa_ctx_last_error(ctx));
    int st = -1;
    for (size_t i = 0; l && i < l->count; i++)
        if (strcmp(l->profiles[i].iccid, iccid) == 0)
            st = l->profiles[i].state == ESIMLPA_PROFILE_ENABLED;
    esimlpa_profile_list_free(l);
    return st;
}

static void check_aid_5ber(esimlpa_ctx *ctx)
{
    uint8_t aid[ESIMLPA_AID_MAX];
    size_t len = 0;
    CHECK_RC(ctx, esimlpa_ctx_isd_r_aid(ctx, aid, &len), ESIMLPA_OK);
    const char *name = esimlpa_isd_r_aid_name(aid, len);
    CHECK(name && strcmp(name, "5ber") == 0, "ISD-R AID in use is %s", name ? name : "unknown");
}

int main(void)
{
    static const char p1[] = "89049032000000000013", p2[] = "8949449999999990031";
    struct esimlpa_apdu_transport *tr = NULL, *tr2 = NULL;
    esimlpa_ctx *ctx = open_ctx(&tr, 1);
    if (!ctx)
        return 1;
    /* The probe: standard AID (6A82), eSIM.me (6A82), then 5ber. */
    CHECK(selects_std == 1 && selects_5ber == 1 && terminal_caps == 1,
          "open: %u standard, %u 5ber SELECTs, %u TERMINAL CAPABILITY", selects_std,
          selects_5ber, terminal_caps);
    check_aid_5ber(ctx);
    char eid[ESIMLPA_EID_LEN + 1];
    CHECK_RC(ctx, esimlpa_eid_get(ctx, eid), ESIMLPA_OK);

    /* 1. Enable with the refresh flag; the card then answers 6985 until reset:
     *    the next call resets it (SCardReconnect) and reopens at 5ber alone. */
    struct esimlpa_profile_id id;
    CHECK_RC(ctx, esimlpa_profile_id_parse(p2, &id), ESIMLPA_OK);
    CHECK_RC(ctx, esimlpa_profile_enable(ctx, &id, 1), ESIMLPA_OK);
    CHECK(enabled(ctx, p2) == 1, "%s not enabled after the refresh", p2);
    CHECK(selects_std == 1 && selects_5ber == 2 && terminal_caps == 2,
          "after refresh: %u standard, %u 5ber SELECTs, %u TERMINAL CAPABILITY", selects_std,
          selects_5ber, terminal_caps);
    check_aid_5ber(ctx);

    /* 2. Another program resets the card: our next call notices the reset
     *    (SCARD_W_RESET_CARD) and reopens the channel transparently. */
    esimlpa_ctx *other = open_ctx(&tr2, 0);
    CHECK(other != NULL, "second context");
    if (other) {
        CHECK_RC(other, esimlpa_ctx_reconnect(other, 1), ESIMLPA_OK);
        CHECK_RC(other, esimlpa_eid_get(other, eid), ESIMLPA_OK);
        esimlpa_ctx_free(other);
        esimlpa_pcsc_transport_free(tr2);
    }
    CHECK_RC(ctx, esimlpa_eid_get(ctx, eid), ESIMLPA_OK);
    CHECK(selects_5ber == 3, "after another program's reset: %u 5ber SELECTs", selects_5ber);

    /* 3. Disable with refresh, then an explicit power cycle: both reopen. */
    CHECK_RC(ctx, esimlpa_profile_disable(ctx, &id, 1), ESIMLPA_OK);
    CHECK_RC(ctx, esimlpa_ctx_reconnect(ctx, 1), ESIMLPA_OK);
    CHECK(enabled(ctx, p2) == 0, "%s still enabled", p2);
    CHECK_RC(ctx, esimlpa_ctx_reconnect(ctx, 0), ESIMLPA_OK);
    CHECK_RC(ctx, esimlpa_profile_id_parse(p1, &id), ESIMLPA_OK);
    CHECK_RC(ctx, esimlpa_profile_enable(ctx, &id, 0), ESIMLPA_OK);
    CHECK(enabled(ctx, p1) == 1, "%s not enabled", p1);
    CHECK(selects_std == 1, "the standard AID was selected %u times", selects_std);
    check_aid_5ber(ctx);

    struct esimlpa_ctx_stats st = { .struct_size = sizeof st };
    esimlpa_ctx_stats_read(ctx, &st);
    printf("# %lu APDUs, %u SELECTs at 5ber, %u TERMINAL CAPABILITY\n", st.apdus, selects_5ber,
           terminal_caps);
    esimlpa_ctx_free(ctx);
    esimlpa_pcsc_transport_free(tr);
    if (failures)
        return 1;
    printf("ok: refresh and reset through pcscd\n");
    return 0;
}
