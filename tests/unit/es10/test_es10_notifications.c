/* SPDX-License-Identifier: MIT */
/* ES10b notifications through a real context and a scripted card:
 * ListNotification (filter, bit strings 07 80 / 04 80, seq 0 and 2^30),
 * RetrieveNotificationsList (all / by seq; raw BF37 and 30 TLVs kept byte for
 * byte), RemoveNotificationFromList and their result codes. */
#include "es10_test.h"

#include <stdlib.h>

#define ICCID_A "89000123456789012341"
#define ICCID_A_BCD "98001032547698103214"
#define CERT "30( 30(0500) 30(0500) 03(00) )"

#define PIR "BF37 ( BF27 ( 80(01020304) BF2F ( 80(00) 81(0780) 0C('smdp.example.com') 5A(" \
            ICCID_A_BCD ") ) 06(88370A) A2 ( A0 ( 4F(A0000005591010FFFFFFFF8900001000) 04() ) ) )" \
            " 5F37(0102030405060708) )"
#define OTHER "30 ( BF2F ( 80(40000000) 81(0440) 0C('smdp.example.com') 5A(" ICCID_A_BCD ") )" \
              " 5F37(0A0B0C0D) " CERT " " CERT " )"

static void t_list(esimlpa_ctx *ctx, struct fake_card *fc)
{
    fake_card_expect(fc, "BF28 00",
                     "BF28 ( A0 ("
                     " BF2F ( 80(00) 81(0780) 0C('smdp.example.com') 5A(" ICCID_A_BCD ") )"
                     " BF2F ( 80(40000000) 81(0480) 0C('smdp.example.com') )"
                     " BF2F ( 80(02) 81(0640) 0C('rsp.example') 5A(" ICCID_A_BCD ") )"
                     " BF2F ( 80(0080) 81(0410) 0C('rsp.example') 5A(" ICCID_A_BCD ") )"
                     " ) )");
    struct esimlpa_notification_list *l = NULL;
    CHECK_INT(esimlpa_notifications_list(ctx, 0, &l), ESIMLPA_OK);
    if (!l) {
        fprintf(stderr, "  %s\n", esimlpa_ctx_last_error(ctx));
        return;
    }
    CHECK_INT(l->count, 4);
    if (l->count == 4) {
        CHECK_INT(l->items[0].seq_number, 0);
        CHECK_INT(l->items[0].event, ESIMLPA_EVENT_INSTALL);
        CHECK_STR(l->items[0].address, "smdp.example.com");
        CHECK_STR(l->items[0].iccid, ICCID_A);
        CHECK_INT(l->items[1].seq_number, 1L << 30);
        CHECK_INT(l->items[1].event, ESIMLPA_EVENT_INSTALL);   /* 04 80: same bits */
        CHECK_STR(l->items[1].iccid, "");
        CHECK_INT(l->items[2].event, ESIMLPA_EVENT_ENABLE);
        CHECK_INT(l->items[3].seq_number, 128);
        CHECK_INT(l->items[3].event, ESIMLPA_EVENT_DELETE);
    }
    esimlpa_notification_list_free(l);
}

static void t_list_filter(esimlpa_ctx *ctx, struct fake_card *fc)
{
    /* DER-minimal filter bits (Appendix A shows euicc-go's 04 80). */
    fake_card_expect(fc, "BF28 04 81 02 07 80", "BF28 02 A0 00");
    fake_card_expect(fc, "BF28 04 81 02 05 60", "BF28 02 A0 00");
    fake_card_expect(fc, "BF28 00", "BF28 03 81 01 7F");
    struct esimlpa_notification_list *l = NULL;
    CHECK_INT(esimlpa_notifications_list(ctx, ESIMLPA_EVENT_INSTALL, &l), ESIMLPA_OK);
    CHECK(l && l->count == 0);
    esimlpa_notification_list_free(l);
    l = NULL;
    CHECK_INT(esimlpa_notifications_list(ctx, ESIMLPA_EVENT_ENABLE | ESIMLPA_EVENT_DISABLE, &l),
              ESIMLPA_OK);
    esimlpa_notification_list_free(l);
    l = (void *)1;
    CHECK_INT(esimlpa_notifications_list(ctx, 0, &l), ESIMLPA_EEUICC_UNDEFINED);
    CHECK(l == NULL);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 127);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "ListNotification: eUICC result 127 (undefinedError)");
    unsigned before = fake_card_requests(fc);
    CHECK_INT(esimlpa_notifications_list(ctx, 0x10, &l), ESIMLPA_EINVAL);
    CHECK_INT(fake_card_requests(fc), before);
}

static void t_retrieve_all(esimlpa_ctx *ctx, struct fake_card *fc)
{
    uint8_t pir[512], other[512];
    size_t pir_len = t_bytes(PIR, pir, sizeof pir);
    size_t other_len = t_bytes(OTHER, other, sizeof other);
    fake_card_expect(fc, "BF2B 00", "BF2B ( A0 ( " PIR " " OTHER " ) )");
    struct esimlpa_pending_notification_list *l = NULL;
    CHECK_INT(esimlpa_notifications_retrieve(ctx, -1, &l), ESIMLPA_OK);
    if (!l) {
        fprintf(stderr, "  %s\n", esimlpa_ctx_last_error(ctx));
        return;
    }
    CHECK_INT(l->count, 2);
    if (l->count == 2) {
        CHECK_INT(l->items[0].is_install_result, 1);
        CHECK_INT(l->items[0].meta.seq_number, 0);
        CHECK_INT(l->items[0].meta.event, ESIMLPA_EVENT_INSTALL);
        CHECK_STR(l->items[0].meta.address, "smdp.example.com");
        CHECK_STR(l->items[0].meta.iccid, ICCID_A);
        CHECK_INT(l->items[0].der_len, pir_len);
        CHECK(l->items[0].der && memcmp(l->items[0].der, pir, pir_len) == 0);
        CHECK_INT(l->items[1].is_install_result, 0);
        CHECK_INT(l->items[1].meta.seq_number, 1L << 30);
        CHECK_INT(l->items[1].meta.event, ESIMLPA_EVENT_ENABLE);
        CHECK_INT(l->items[1].der_len, other_len);
        CHECK(l->items[1].der && memcmp(l->items[1].der, other, other_len) == 0);
    }
    esimlpa_pending_notification_list_free(l);
}

static void t_retrieve_by_seq(esimlpa_ctx *ctx, struct fake_card *fc)
{
    /* Appendix A: BF2B08 A006 80 04 40000000. */
    fake_card_expect(fc, "BF2B08 A006 80 04 40000000", "BF2B ( A0 ( " OTHER " ) )");
    fake_card_expect(fc, "BF2B 05 A0 03 80 01 00", "BF2B ( A0 ( " PIR " ) )");
    fake_card_expect(fc, "BF2B 05 A0 03 80 01 07", "BF2B 03 81 01 01");
    fake_card_expect(fc, "BF2B 05 A0 03 80 01 07", "BF2B 03 81 01 7F");
    struct esimlpa_pending_notification_list *l = NULL;
    CHECK_INT(esimlpa_notifications_retrieve(ctx, 1L << 30, &l), ESIMLPA_OK);
    CHECK(l && l->count == 1 && l->items[0].meta.seq_number == (1L << 30));
    esimlpa_pending_notification_list_free(l);
    l = NULL;
    CHECK_INT(esimlpa_notifications_retrieve(ctx, 0, &l), ESIMLPA_OK);
    CHECK(l && l->count == 1 && l->items[0].is_install_result == 1);
    esimlpa_pending_notification_list_free(l);
    l = NULL;
    CHECK_INT(esimlpa_notifications_retrieve(ctx, 7, &l), ESIMLPA_ENO_RESULT);
    CHECK(l == NULL);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 1);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "RetrieveNotificationsList: eUICC result 1 (noResultAvailable)");
    CHECK_INT(esimlpa_notifications_retrieve(ctx, 7, &l), ESIMLPA_EEUICC_UNDEFINED);
}

static void t_remove(esimlpa_ctx *ctx, struct fake_card *fc)
{
    /* Appendix A: BF3006 80 04 40000000; seq 0 is 80 01 00 (notes §9). */
    fake_card_expect(fc, "BF3006 80 04 40000000", "BF30 03 80 01 00");
    fake_card_expect(fc, "BF30 03 80 01 00", "BF30 03 80 01 00");
    fake_card_expect(fc, "BF30 03 80 01 05", "BF30 03 80 01 01");
    fake_card_expect(fc, "BF30 03 80 01 05", "BF30 03 80 01 7F");
    fake_card_expect(fc, "BF30 03 80 01 05", "BF30 03 80 01 09");
    CHECK_INT(esimlpa_notification_remove(ctx, 1L << 30), ESIMLPA_OK);
    CHECK_INT(esimlpa_notification_remove(ctx, 0), ESIMLPA_OK);
    CHECK_INT(esimlpa_notification_remove(ctx, 5), ESIMLPA_ENOTHING_TO_DELETE);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "RemoveNotificationFromList: eUICC result 1 (nothingToDelete)");
    CHECK_INT(esimlpa_notification_remove(ctx, 5), ESIMLPA_EEUICC_UNDEFINED);
    CHECK_INT(esimlpa_notification_remove(ctx, 5), ESIMLPA_EEUICC_UNKNOWN_RESULT);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 9);
    unsigned before = fake_card_requests(fc);
    CHECK_INT(esimlpa_notification_remove(ctx, -1), ESIMLPA_EINVAL);
    CHECK_INT(fake_card_requests(fc), before);
}

int main(void)
{
    RUN(t_list);
    RUN(t_list_filter);
    RUN(t_retrieve_all);
    RUN(t_retrieve_by_seq);
    RUN(t_remove);
    if (t_failures)
        fprintf(stderr, "%d check(s) failed\n", t_failures);
    return t_failures ? 1 : 0;
}
