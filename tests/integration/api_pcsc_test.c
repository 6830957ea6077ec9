/* SPDX-License-Identifier: MIT */
/*
 * End-to-end test of the public API through the real PC/SC stack:
 * libesimlpa -> pcsc-lite -> pcscd -> vpcd -> soft eUICC (started by
 * api_pcsc_test.sh with the seed state). Links only the shared library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

static int failures;

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

static const struct esimlpa_profile_info *find_profile(const struct esimlpa_profile_list *l,
                                                       const char *iccid)
{
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(l->profiles[i].iccid, iccid) == 0)
            return &l->profiles[i];
    return NULL;
}

/* Index of the first profile in the wanted state, or -1. */
static int first_in_state(const struct esimlpa_profile_list *l, enum esimlpa_profile_state st)
{
    for (size_t i = 0; i < l->count; i++)
        if (l->profiles[i].has_state && l->profiles[i].state == st)
            return (int)i;
    return -1;
}

int main(void)
{
    struct esimlpa_apdu_transport *tr = NULL;
    struct esimlpa_pcsc_options popts = { .version = ESIMLPA_PCSC_OPTIONS_VERSION,
                                          .reader = getenv("ESIMLPA_READER"),
                                          .protocol = 1 /* T=0 only, as real eUICCs */ };
    if (esimlpa_pcsc_transport_new(&popts, &tr) != 0) {
        fprintf(stderr, "FAIL: cannot create the PC/SC transport\n");
        return 1;
    }
    struct esimlpa_ctx_options copts = { .version = ESIMLPA_CTX_OPTIONS_VERSION,
                                         .transport = tr };
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&copts, &ctx) != 0 || esimlpa_ctx_open(ctx) != 0) {
        fprintf(stderr, "FAIL: cannot open the eUICC: %s\n", ctx ? esimlpa_ctx_last_error(ctx) : "");
        esimlpa_ctx_free(ctx);
        esimlpa_pcsc_transport_free(tr);
        return 1;
    }
    printf("# reader: %s\n", esimlpa_pcsc_transport_reader(tr));

    /* GetEID: 32 digits passing the SGP.29 mod-97 check. */
    char eid[ESIMLPA_EID_LEN + 1];
    CHECK_RC(ctx, esimlpa_eid_get(ctx, eid), ESIMLPA_OK);
    CHECK(strlen(eid) == 32, "EID length %zu", strlen(eid));
    unsigned mod = 0;
    for (const char *p = eid; *p; p++)
        mod = (mod * 10 + (unsigned)(*p - '0')) % 97;
    CHECK(mod == 1, "EID %s fails the mod-97 check", eid);
    printf("# EID %s\n", eid);

    struct esimlpa_euicc_info2 *info2 = NULL;
    CHECK_RC(ctx, esimlpa_euicc_info2_get(ctx, &info2), ESIMLPA_OK);
    if (info2) {
        CHECK(info2->svn.major == 2, "SVN major %u", info2->svn.major);
        CHECK(info2->n_ci_pkid_signing >= 1, "no CI PKID for signing");
    }
    esimlpa_euicc_info2_free(info2);

    /* Profiles: the seed has one enabled and at least one disabled profile. */
    struct esimlpa_profile_list *list = NULL;
    CHECK_RC(ctx, esimlpa_profiles_list(ctx, NULL, &list), ESIMLPA_OK);
    if (!list) {
        fprintf(stderr, "FAIL: no profile list\n");
        return 1;
    }
    CHECK(list->count >= 2, "seed has %zu profiles", list->count);
    int en = first_in_state(list, ESIMLPA_PROFILE_ENABLED);
    int dis = first_in_state(list, ESIMLPA_PROFILE_DISABLED);
    CHECK(en >= 0 && dis >= 0, "seed needs an enabled and a disabled profile");
    if (en < 0 || dis < 0)
        return 1;
    char old_iccid[ESIMLPA_ICCID_MAX + 1], new_iccid[ESIMLPA_ICCID_MAX + 1];
    strcpy(old_iccid, list->profiles[en].iccid);
    strcpy(new_iccid, list->profiles[dis].iccid);
    esimlpa_profile_list_free(list);

    struct esimlpa_notification_list *before = NULL;
    CHECK_RC(ctx, esimlpa_notifications_list(ctx, 0, &before), ESIMLPA_OK);
    size_t n_before = before ? before->count : 0;
    esimlpa_notification_list_free(before);

    /* Enable the disabled one: it becomes enabled, the old one disabled. */
    struct esimlpa_profile_id id;
    CHECK_RC(ctx, esimlpa_profile_id_parse(new_iccid, &id), ESIMLPA_OK);
    CHECK_RC(ctx, esimlpa_profile_enable(ctx, &id, 0), ESIMLPA_OK);
    CHECK_RC(ctx, esimlpa_profiles_list(ctx, NULL, &list), ESIMLPA_OK);
    if (list) {
        const struct esimlpa_profile_info *p = find_profile(list, new_iccid);
        const struct esimlpa_profile_info *o = find_profile(list, old_iccid);
        CHECK(p && p->state == ESIMLPA_PROFILE_ENABLED, "%s not enabled after enable", new_iccid);
        CHECK(o && o->state == ESIMLPA_PROFILE_DISABLED, "%s not disabled implicitly", old_iccid);
        esimlpa_profile_list_free(list);
    }

    /* Enabling again: the eUICC refuses with profileNotInDisabledState. */
    CHECK_RC(ctx, esimlpa_profile_enable(ctx, &id, 0), ESIMLPA_EPROFILE_NOT_DISABLED);
    CHECK(esimlpa_ctx_last_result_code(ctx) == 2, "last result code %d",
          esimlpa_ctx_last_result_code(ctx));
    /* Deleting the enabled profile is refused too, and nothing changes. */
    CHECK_RC(ctx, esimlpa_profile_delete(ctx, &id), ESIMLPA_EPROFILE_NOT_DISABLED);

    /* A notification is now pending for the enable (the seed configures it). */
    struct esimlpa_notification_list *after = NULL;
    CHECK_RC(ctx, esimlpa_notifications_list(ctx, 0, &after), ESIMLPA_OK);
    long enable_seq = -1;
    if (after) {
        CHECK(after->count > n_before, "no new notification (%zu -> %zu)", n_before, after->count);
        for (size_t i = 0; i < after->count; i++)
            if ((after->items[i].event & ESIMLPA_EVENT_ENABLE) &&
                strcmp(after->items[i].iccid, new_iccid) == 0)
                enable_seq = after->items[i].seq_number;
        CHECK(enable_seq >= 0, "no enable notification for %s", new_iccid);
    }
    esimlpa_notification_list_free(after);

    /* Retrieve it signed, then remove it. */
    if (enable_seq >= 0) {
        struct esimlpa_pending_notification_list *pend = NULL;
        CHECK_RC(ctx, esimlpa_notifications_retrieve(ctx, enable_seq, &pend), ESIMLPA_OK);
        if (pend) {
            CHECK(pend->count == 1, "retrieve by seq gave %zu", pend->count);
            if (pend->count == 1) {
                CHECK(!pend->items[0].is_install_result, "enable notification is a PIR");
                CHECK(pend->items[0].der_len > 100 && pend->items[0].der[0] == 0x30,
                      "OtherSignedNotification DER looks wrong");
            }
        }
        esimlpa_pending_notification_list_free(pend);
        CHECK_RC(ctx, esimlpa_notification_remove(ctx, enable_seq), ESIMLPA_OK);
        CHECK_RC(ctx, esimlpa_notification_remove(ctx, enable_seq), ESIMLPA_ENOTHING_TO_DELETE);
    }

    /* Nickname round trip; an unknown ICCID is named as such. */
    CHECK_RC(ctx, esimlpa_profile_nickname_set(ctx, new_iccid, "work phone"), ESIMLPA_OK);
    CHECK_RC(ctx, esimlpa_profiles_list(ctx, NULL, &list), ESIMLPA_OK);
    if (list) {
        const struct esimlpa_profile_info *p = find_profile(list, new_iccid);
        CHECK(p && p->nickname && strcmp(p->nickname, "work phone") == 0, "nickname not set");
        esimlpa_profile_list_free(list);
    }
    CHECK_RC(ctx, esimlpa_profile_nickname_set(ctx, "89000000000000000007", "x"),
             ESIMLPA_EICCID_NOT_FOUND);
    CHECK_RC(ctx, esimlpa_profile_nickname_set(ctx, "8900000000000000000X", "x"),
             ESIMLPA_EBADICCID);

    /* Configured addresses: set and read back the default SM-DP+ address. */
    CHECK_RC(ctx, esimlpa_default_dp_address_set(ctx, "smdp.example.org"), ESIMLPA_OK);
    struct esimlpa_configured_addresses *addr = NULL;
    CHECK_RC(ctx, esimlpa_configured_addresses_get(ctx, &addr), ESIMLPA_OK);
    if (addr)
        CHECK(addr->default_dp_address && strcmp(addr->default_dp_address, "smdp.example.org") == 0,
              "default DP address not stored");
    esimlpa_configured_addresses_free(addr);

    struct esimlpa_ctx_stats st = { .struct_size = sizeof st };
    esimlpa_ctx_stats_read(ctx, &st);
    printf("# %lu APDUs, %lu bytes sent, %lu received\n", st.apdus, st.bytes_sent, st.bytes_received);

    esimlpa_ctx_free(ctx);
    esimlpa_pcsc_transport_free(tr);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
