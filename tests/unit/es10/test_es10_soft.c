/* SPDX-License-Identifier: MIT */
/* The ES10 API against the soft eUICC (tests/sim) in-process: real card
 * logic behind the library's transport interface. Flow: read the chip, list,
 * enable (implicit disable) -> list shows the new states -> notifications
 * pending and retrievable, error codes from the card, nickname, delete,
 * remove notifications, default SM-DP+ address, RAT.
 * argv[1] = test PKI dir, argv[2] = seed state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esimlpa/esimlpa.h>

#include "softeuicc.h"
#include "softeuicc_transport.h"

static int failures;

#define CHECK(cond) do { if (!(cond)) { \
    fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)
#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
    if (g_ != w_) { fprintf(stderr, "%s:%d: %s = %lld, want %lld\n", __FILE__, __LINE__, #got, \
                            g_, w_); failures++; } } while (0)
#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
    if (!g_ || strcmp(g_, w_) != 0) { fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", \
        __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_); failures++; } } while (0)

#define ICCID1 "89049032000000000013"   /* enabled in the seed; notifies disable/delete */
#define ICCID2 "8949449999999990031"    /* disabled; notifies enable/disable/delete */
#define ICCID3 "89000123456789012341"   /* test class, PPR2 */

static const struct esimlpa_profile_info *find(const struct esimlpa_profile_list *l,
                                               const char *iccid)
{
    for (size_t i = 0; l && i < l->count; i++)
        if (strcmp(l->profiles[i].iccid, iccid) == 0)
            return &l->profiles[i];
    return NULL;
}

static struct esimlpa_profile_list *list(esimlpa_ctx *ctx)
{
    struct esimlpa_profile_list *l = NULL;
    int rc = esimlpa_profiles_list(ctx, NULL, &l);
    CHECK_INT(rc, ESIMLPA_OK);
    if (rc)
        fprintf(stderr, "  %s\n", esimlpa_ctx_last_error(ctx));
    return l;
}

static void run(esimlpa_ctx *ctx)
{
    char eid[ESIMLPA_EID_LEN + 1];
    CHECK_INT(esimlpa_eid_get(ctx, eid), ESIMLPA_OK);
    CHECK_STR(eid, "89049032123451234512345678901235");

    struct esimlpa_euicc_info2 *i2 = NULL;
    CHECK_INT(esimlpa_euicc_info2_get(ctx, &i2), ESIMLPA_OK);
    if (i2) {
        CHECK_STR(i2->sas_accreditation_number, "ESIMLPA-TEST-1");
        CHECK_INT(i2->svn.major, 2);
        CHECK_INT(i2->svn.minor, 3);
        CHECK_INT(i2->installed_apps, 3);
        CHECK_INT(i2->forbidden_ppr, ESIMLPA_PPR1);
        CHECK_INT(i2->euicc_category, 1);
        CHECK(i2->n_ci_pkid_verification >= 1);
        esimlpa_euicc_info2_free(i2);
    }
    struct esimlpa_euicc_info1 *i1 = NULL;
    CHECK_INT(esimlpa_euicc_info1_get(ctx, &i1), ESIMLPA_OK);
    CHECK(i1 && i1->n_ci_pkid_signing >= 1);
    esimlpa_euicc_info1_free(i1);

    /* Seed: three profiles, the first enabled. */
    struct esimlpa_profile_list *l = list(ctx);
    CHECK(l && l->count == 3);
    const struct esimlpa_profile_info *p1 = find(l, ICCID1), *p2 = find(l, ICCID2),
                                      *p3 = find(l, ICCID3);
    CHECK(p1 && p2 && p3);
    if (p1 && p2 && p3) {
        CHECK_INT(p1->state, ESIMLPA_PROFILE_ENABLED);
        CHECK_STR(p1->nickname, "Work phone");
        CHECK_INT(p1->icon_type, ESIMLPA_ICON_PNG);
        CHECK_STR(p1->owner.mcc_mnc, "26201");
        CHECK_INT(p2->state, ESIMLPA_PROFILE_DISABLED);
        CHECK_INT(p3->profile_class, ESIMLPA_CLASS_TEST);
        CHECK_INT(p3->ppr, ESIMLPA_PPR2);
    }
    esimlpa_profile_list_free(l);

    struct esimlpa_notification_list *nl = NULL;
    CHECK_INT(esimlpa_notifications_list(ctx, 0, &nl), ESIMLPA_OK);
    size_t notif_before = nl ? nl->count : 0;
    esimlpa_notification_list_free(nl);

    /* Enable profile 2: profile 1 is disabled implicitly. */
    struct esimlpa_profile_id id2 = { .kind = ESIMLPA_ID_ICCID, .iccid = ICCID2 };
    struct esimlpa_profile_id id1 = { .kind = ESIMLPA_ID_ICCID, .iccid = ICCID1 };
    CHECK_INT(esimlpa_profile_enable(ctx, &id2, 0), ESIMLPA_OK);
    l = list(ctx);
    p1 = find(l, ICCID1);
    p2 = find(l, ICCID2);
    CHECK(p1 && p1->state == ESIMLPA_PROFILE_DISABLED);
    CHECK(p2 && p2->state == ESIMLPA_PROFILE_ENABLED);
    esimlpa_profile_list_free(l);

    /* The card refuses a second enable with result 2. */
    CHECK_INT(esimlpa_profile_enable(ctx, &id2, 0), ESIMLPA_EPROFILE_NOT_DISABLED);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 2);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "EnableProfile: eUICC result 2 (profileNotInDisabledState)");
    CHECK_INT(esimlpa_profile_disable(ctx, &id1, 0), ESIMLPA_EPROFILE_NOT_ENABLED);

    /* Notifications: enable of profile 2 (and disable of profile 1) are pending. */
    nl = NULL;
    CHECK_INT(esimlpa_notifications_list(ctx, 0, &nl), ESIMLPA_OK);
    long enable_seq = -1;
    if (nl) {
        CHECK(nl->count > notif_before);
        for (size_t i = 0; i < nl->count; i++)
            if (nl->items[i].event == ESIMLPA_EVENT_ENABLE &&
                strcmp(nl->items[i].iccid, ICCID2) == 0) {
                enable_seq = nl->items[i].seq_number;
                CHECK_STR(nl->items[i].address, "testsmdpplus1.example.com");
            }
    }
    CHECK(enable_seq >= 0);
    esimlpa_notification_list_free(nl);
    nl = NULL;
    CHECK_INT(esimlpa_notifications_list(ctx, ESIMLPA_EVENT_ENABLE, &nl), ESIMLPA_OK);
    if (nl)
        for (size_t i = 0; i < nl->count; i++)
            CHECK_INT(nl->items[i].event, ESIMLPA_EVENT_ENABLE);
    esimlpa_notification_list_free(nl);

    struct esimlpa_pending_notification_list *pl = NULL;
    CHECK_INT(esimlpa_notifications_retrieve(ctx, enable_seq, &pl), ESIMLPA_OK);
    CHECK(pl && pl->count == 1);
    if (pl && pl->count == 1) {
        CHECK_INT(pl->items[0].is_install_result, 0);
        CHECK_INT(pl->items[0].meta.seq_number, enable_seq);
        CHECK_INT(pl->items[0].meta.event, ESIMLPA_EVENT_ENABLE);
        CHECK(pl->items[0].der_len > 100 && pl->items[0].der[0] == 0x30);
    }
    esimlpa_pending_notification_list_free(pl);
    pl = NULL;
    CHECK_INT(esimlpa_notifications_retrieve(ctx, -1, &pl), ESIMLPA_OK);
    CHECK(pl && pl->count >= 1);
    esimlpa_pending_notification_list_free(pl);

    /* Nickname. */
    CHECK_INT(esimlpa_profile_nickname_set(ctx, ICCID2, "Roaming \xC3\xA9t\xC3\xA9"), ESIMLPA_OK);
    l = list(ctx);
    p2 = find(l, ICCID2);
    CHECK(p2 && p2->nickname && strcmp(p2->nickname, "Roaming \xC3\xA9t\xC3\xA9") == 0);
    esimlpa_profile_list_free(l);
    CHECK_INT(esimlpa_profile_nickname_set(ctx, "89000000000000000000", "x"),
              ESIMLPA_EICCID_NOT_FOUND);

    /* Delete: an enabled profile is refused, a disabled one goes. */
    CHECK_INT(esimlpa_profile_delete(ctx, &id2), ESIMLPA_EPROFILE_NOT_DISABLED);
    CHECK_INT(esimlpa_profile_delete(ctx, &id1), ESIMLPA_OK);
    l = list(ctx);
    CHECK(l && l->count == 2 && !find(l, ICCID1));
    esimlpa_profile_list_free(l);
    CHECK_INT(esimlpa_profile_delete(ctx, &id1), ESIMLPA_EICCID_OR_AID_NOT_FOUND);

    /* Remove every pending notification. */
    nl = NULL;
    CHECK_INT(esimlpa_notifications_list(ctx, 0, &nl), ESIMLPA_OK);
    for (size_t i = 0; nl && i < nl->count; i++)
        CHECK_INT(esimlpa_notification_remove(ctx, nl->items[i].seq_number), ESIMLPA_OK);
    if (nl && nl->count)
        CHECK_INT(esimlpa_notification_remove(ctx, nl->items[0].seq_number),
                  ESIMLPA_ENOTHING_TO_DELETE);
    esimlpa_notification_list_free(nl);
    nl = NULL;
    CHECK_INT(esimlpa_notifications_list(ctx, 0, &nl), ESIMLPA_OK);
    CHECK(nl && nl->count == 0);
    esimlpa_notification_list_free(nl);

    /* ES10a addresses. */
    struct esimlpa_configured_addresses *a = NULL;
    CHECK_INT(esimlpa_configured_addresses_get(ctx, &a), ESIMLPA_OK);
    CHECK(a && a->default_dp_address == NULL);
    CHECK(a && a->root_ds_address && strcmp(a->root_ds_address, "testrootsmds.example.com") == 0);
    esimlpa_configured_addresses_free(a);
    CHECK_INT(esimlpa_default_dp_address_set(ctx, "smdp.example.org"), ESIMLPA_OK);
    a = NULL;
    CHECK_INT(esimlpa_configured_addresses_get(ctx, &a), ESIMLPA_OK);
    CHECK(a && a->default_dp_address && strcmp(a->default_dp_address, "smdp.example.org") == 0);
    esimlpa_configured_addresses_free(a);

    /* RAT from the seed. */
    struct esimlpa_rat *rat = NULL;
    CHECK_INT(esimlpa_rat_get(ctx, &rat), ESIMLPA_OK);
    CHECK(rat && rat->count == 1);
    if (rat && rat->count == 1) {
        CHECK_INT(rat->rules[0].ppr_ids, ESIMLPA_PPR1 | ESIMLPA_PPR2);
        CHECK_INT(rat->rules[0].consent_required, 1);
        CHECK(rat->rules[0].n_operators == 1 &&
              strcmp(rat->rules[0].operators[0].mcc_mnc, "26201") == 0);
    }
    esimlpa_rat_free(rat);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s PKI_DIR SEED\n", argv[0]);
        return 2;
    }
    char dir[] = "/tmp/es10-soft-XXXXXX", state[64], key[512], cert[512], eum[512], err[256] = "";
    if (!mkdtemp(dir))
        return 2;
    snprintf(state, sizeof state, "%s/state.json", dir);
    snprintf(key, sizeof key, "%s/euicc_nist.key", argv[1]);
    snprintf(cert, sizeof cert, "%s/euicc_nist.der", argv[1]);
    snprintf(eum, sizeof eum, "%s/eum_nist.pem", argv[1]);
    struct softeuicc_options so = {
        .version = SOFTEUICC_OPTIONS_VERSION, .state_path = state, .seed_path = argv[2],
        .euicc_key_path = key, .euicc_cert_path = cert, .eum_cert_path = eum,
        .err = err, .err_len = sizeof err,
    };
    struct softeuicc *se = NULL;
    if (softeuicc_open(&so, &se) != 0) {
        fprintf(stderr, "softeuicc_open: %s\n", err);
        return 2;
    }
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = softeuicc_transport(se);
    o.store_data_mss = 120;   /* several STORE DATA blocks for the longer requests */
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&o, &ctx) != 0 || esimlpa_ctx_open(ctx) != 0) {
        fprintf(stderr, "cannot open the soft eUICC: %s\n", ctx ? esimlpa_ctx_last_error(ctx) : "");
        return 2;
    }
    run(ctx);
    esimlpa_ctx_free(ctx);
    CHECK_INT(softeuicc_save_failures(se), 0);
    softeuicc_close(se);
    unlink(state);
    rmdir(dir);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    else
        fprintf(stderr, "ok   es10 API against the soft eUICC\n");
    return failures ? 1 : 0;
}
