/* SPDX-License-Identifier: MIT */
/* ES10a/b/c response decoders (SGP.22 §5.6, §5.7): the first input byte
 * picks a public ES10 function, the rest is the card's answer to it (split
 * at FUZZ_ANSWER_SEP when a function sends several commands). */
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "fuzz_card.h"

enum { F_EID, F_INFO1, F_INFO2, F_ADDR, F_LIST, F_LIST_FILTER, F_NOTIF_LIST, F_NOTIF_RETR,
       F_RAT, F_ENABLE, F_DISABLE, F_DELETE, F_NICK, F_RESET, F_REMOVE, F_SET_DP, F_COUNT };

static void call(esimlpa_ctx *ctx, unsigned fn)
{
    static const unsigned tags[] = { 0x5A, 0x9F70, 0x90, 0x4F, 0x92, 0x95 };
    struct esimlpa_profile_id id;
    memset(&id, 0, sizeof id);
    id.kind = ESIMLPA_ID_ICCID;
    strcpy(id.iccid, "8944476500001224158");
    char eid[ESIMLPA_EID_LEN + 1];

    switch (fn) {
    case F_EID: esimlpa_eid_get(ctx, eid); break;
    case F_INFO1: {
        struct esimlpa_euicc_info1 *i = NULL;
        if (esimlpa_euicc_info1_get(ctx, &i) == 0)
            esimlpa_euicc_info1_free(i);
        break;
    }
    case F_INFO2: {
        struct esimlpa_euicc_info2 *i = NULL;
        if (esimlpa_euicc_info2_get(ctx, &i) == 0)
            esimlpa_euicc_info2_free(i);
        break;
    }
    case F_ADDR: {
        struct esimlpa_configured_addresses *a = NULL;
        if (esimlpa_configured_addresses_get(ctx, &a) == 0)
            esimlpa_configured_addresses_free(a);
        break;
    }
    case F_LIST:
    case F_LIST_FILTER: {
        struct esimlpa_profile_filter f;
        memset(&f, 0, sizeof f);
        f.tags = tags;
        f.n_tags = sizeof tags / sizeof tags[0];
        struct esimlpa_profile_list *l = NULL;
        if (esimlpa_profiles_list(ctx, fn == F_LIST ? NULL : &f, &l) == 0)
            esimlpa_profile_list_free(l);
        break;
    }
    case F_NOTIF_LIST: {
        struct esimlpa_notification_list *l = NULL;
        if (esimlpa_notifications_list(ctx, 0, &l) == 0)
            esimlpa_notification_list_free(l);
        break;
    }
    case F_NOTIF_RETR: {
        struct esimlpa_pending_notification_list *l = NULL;
        if (esimlpa_notifications_retrieve(ctx, -1, &l) == 0)
            esimlpa_pending_notification_list_free(l);
        break;
    }
    case F_RAT: {
        struct esimlpa_rat *r = NULL;
        if (esimlpa_rat_get(ctx, &r) == 0)
            esimlpa_rat_free(r);
        break;
    }
    case F_ENABLE: esimlpa_profile_enable(ctx, &id, 1); break;
    case F_DISABLE: esimlpa_profile_disable(ctx, &id, 0); break;
    case F_DELETE: esimlpa_profile_delete(ctx, &id); break;
    case F_NICK: esimlpa_profile_nickname_set(ctx, id.iccid, "fuzz"); break;
    case F_RESET: esimlpa_euicc_memory_reset(ctx, 0x3); break;
    case F_REMOVE: esimlpa_notification_remove(ctx, 7); break;
    case F_SET_DP: esimlpa_default_dp_address_set(ctx, "smdp.example.com"); break;
    default: break;
    }
    /* The error text must always be a valid string. */
    (void)strlen(esimlpa_ctx_last_error(ctx));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct fuzz_card c;
    fuzz_card_init(&c, FUZZ_CARD_ANSWERS);
    fuzz_card_split_answers(&c, data + 1, size - 1);
    esimlpa_ctx *ctx = fuzz_card_ctx(&c);
    if (!ctx)
        abort();   /* the fake card always opens */
    call(ctx, data[0] % F_COUNT);
    esimlpa_ctx_free(ctx);
    return 0;
}
