/* SPDX-License-Identifier: MIT */
/* Limits of the ES10 decoders (issue 4 item 7): every SEQUENCE OF list
 * the library copies out has a cap; a response one element over it fails
 * with ESIMLPA_ETOOBIG naming the list, one at it is accepted. The whole
 * response is capped at ESIMLPA_ES10_MAX_RESPONSE bytes (64 KiB): exactly
 * that passes reassembly, one byte more does not. */
#include "es10_test.h"

#include <stdarg.h>
#include <stdlib.h>

#include "apdu/apdu_internal.h"
#include "es10/es10_common.h"

#define RESP_LIMIT_BUF (80 * 1024)

#define ICCID_BCD "98001032547698103214"
#define CERT "30( 30(0500) 30(0500) 03(00) )"

/* Growing spec string. */
struct spec {
    char *s;
    size_t len, cap;
};

static void add(struct spec *sp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct spec *sp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (sp->len + (size_t)n + 1 > sp->cap) {
        sp->cap = (sp->len + (size_t)n + 1) * 2;
        sp->s = realloc(sp->s, sp->cap);
        if (!sp->s)
            exit(99);
    }
    va_start(ap, fmt);
    vsnprintf(sp->s + sp->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sp->len += (size_t)n;
}

/* "@head ( @item x n ) @tail" */
static char *repeat(const char *head, const char *item, int n, const char *tail)
{
    struct spec sp = {0};
    add(&sp, "%s (", head);
    for (int i = 0; i < n; i++)
        add(&sp, " %s", item);
    add(&sp, " ) %s", tail);
    return sp.s;
}

static int has(const char *hay, const char *needle)
{
    return hay && strstr(hay, needle) != NULL;
}

/* ---- the calls ---- */

static int c_profiles(esimlpa_ctx *ctx, size_t *count)
{
    struct esimlpa_profile_list *l = NULL;
    int rc = esimlpa_profiles_list(ctx, NULL, &l);
    *count = l ? l->count : 0;
    CHECK(rc == ESIMLPA_OK || l == NULL);
    esimlpa_profile_list_free(l);
    return rc;
}

static int c_notifications(esimlpa_ctx *ctx, size_t *count)
{
    struct esimlpa_notification_list *l = NULL;
    int rc = esimlpa_notifications_list(ctx, 0, &l);
    *count = l ? l->count : 0;
    CHECK(rc == ESIMLPA_OK || l == NULL);
    esimlpa_notification_list_free(l);
    return rc;
}

static int c_pending(esimlpa_ctx *ctx, size_t *count)
{
    struct esimlpa_pending_notification_list *l = NULL;
    int rc = esimlpa_notifications_retrieve(ctx, -1, &l);
    *count = l ? l->count : 0;
    CHECK(rc == ESIMLPA_OK || l == NULL);
    esimlpa_pending_notification_list_free(l);
    return rc;
}

static int c_rat(esimlpa_ctx *ctx, size_t *count)
{
    struct esimlpa_rat *r = NULL;
    int rc = esimlpa_rat_get(ctx, &r);
    *count = r ? r->count : 0;
    if (r && r->count)
        *count = r->count == 1 ? r->rules[0].n_operators : r->count;
    CHECK(rc == ESIMLPA_OK || r == NULL);
    esimlpa_rat_free(r);
    return rc;
}

static int c_info1(esimlpa_ctx *ctx, size_t *count)
{
    struct esimlpa_euicc_info1 *i = NULL;
    int rc = esimlpa_euicc_info1_get(ctx, &i);
    *count = i ? i->n_ci_pkid_verification : 0;
    CHECK(rc == ESIMLPA_OK || i == NULL);
    esimlpa_euicc_info1_free(i);
    return rc;
}

static int c_configs(esimlpa_ctx *ctx, size_t *count)
{
    struct esimlpa_profile_list *l = NULL;
    int rc = esimlpa_profiles_list(ctx, NULL, &l);
    *count = (l && l->count) ? l->profiles[0].n_notification_configs : 0;
    CHECK(rc == ESIMLPA_OK || l == NULL);
    esimlpa_profile_list_free(l);
    return rc;
}

struct list_case {
    const char *fn;          /* ES10 function named in the error */
    const char *list;        /* list named in the error */
    const char *req;
    const char *head, *item, *tail;
    int max;
    int (*call)(esimlpa_ctx *ctx, size_t *count);
};

static const struct list_case cases[] = {
    { "GetProfilesInfo", "profileInfoListOk", "BF2D00", "BF2D ( A0",
      "E3 ( 5A(" ICCID_BCD ") )", ")", ESIMLPA__ES10_MAX_PROFILES, c_profiles },
    { "ListNotification", "notificationMetadataList", "BF2800", "BF28 ( A0",
      "BF2F ( 80(01) 81(0780) 0C('n.example') )", ")", ESIMLPA__ES10_MAX_NOTIFICATIONS,
      c_notifications },
    { "RetrieveNotificationsList", "notificationList", "BF2B00", "BF2B ( A0",
      "30 ( BF2F ( 80(01) 81(0640) 0C('n.example') ) 5F37(01) " CERT " " CERT " )", ")",
      ESIMLPA__ES10_MAX_PENDING, c_pending },
    { "GetRAT", "RulesAuthorisationTable", "BF4300", "BF43 ( A0",
      "30 ( 80(0640) A1( 30( 80(54F421) ) ) 82(0780) )", ")", ESIMLPA__ES10_MAX_RAT_RULES,
      c_rat },
    { "GetRAT", "allowedOperators", "BF4300", "BF43 ( A0 ( 30 ( 80(0640) A1",
      "30( 80(54F421) )", "82(0780) ) ) )", ESIMLPA__ES10_MAX_OPERATORS, c_rat },
    { "GetEUICCInfo1", "CI public key identifier list", "BF2000", "BF20 ( 82(020300) A9",
      "04(0102)", "AA( 04(0102) ) )", ESIMLPA__ES10_MAX_PKIDS, c_info1 },
    { "GetProfilesInfo", "notificationConfigurationInfo", "BF2D00",
      "BF2D ( A0 ( E3 ( 5A(" ICCID_BCD ") B6", "30( 80(0780) 81('n.example') )", ") ) )",
      ESIMLPA__ES10_MAX_NOTIF_CONFIGS, c_configs },
};

static void run_case(const struct list_case *lc, int n, int want_ok)
{
    struct fake_card *fc = fake_card_new();
    esimlpa_ctx *ctx = t_open(fc);
    char *resp = repeat(lc->head, lc->item, n, lc->tail);
    fake_card_expect(fc, lc->req, resp);
    free(resp);
    size_t count = 0;
    int rc = lc->call(ctx, &count);
    if (want_ok) {
        CHECK_INT(rc, ESIMLPA_OK);
        CHECK_INT(count, n);
    } else {
        char want[160];
        snprintf(want, sizeof want, "%s: %s has %d entries, more than the limit of %d", lc->fn,
                 lc->list, n, lc->max);
        CHECK_INT(rc, ESIMLPA_ETOOBIG);
        if (!has(esimlpa_ctx_last_error(ctx), want))
            fprintf(stderr, "error \"%s\", want \"%s\"\n", esimlpa_ctx_last_error(ctx), want);
        CHECK(has(esimlpa_ctx_last_error(ctx), want));
    }
    CHECK(fake_card_ok(fc));
    esimlpa_ctx_free(ctx);
    fake_card_free(fc);
    fprintf(stderr, "%s %s %s with %d\n", t_failures ? "FAIL" : "ok  ", lc->fn, lc->list, n);
}

/* GetProfilesInfo answer of exactly @total bytes: 64 profiles with a
 * 1000-byte icon, then one whose icon pads to the size. */
static char *profiles_of_size(size_t total)
{
    uint8_t *buf = malloc(RESP_LIMIT_BUF);
    for (int m = 0; m < 128; m++) {
        struct spec sp = {0};
        add(&sp, "BF2D ( A0 (");
        for (int i = 0; i < 65; i++) {
            add(&sp, " E3 ( 5A(" ICCID_BCD ") 93(00) 94(");
            for (int k = 0; k < (i < 64 ? 1000 : m); k++)
                add(&sp, "AA");
            add(&sp, ") )");
        }
        add(&sp, " ) )");
        if (t_bytes(sp.s, buf, RESP_LIMIT_BUF) == total) {
            free(buf);
            return sp.s;
        }
        free(sp.s);
    }
    free(buf);
    return NULL;
}

static void t_response_cap(void)
{
    for (int over = 0; over <= 1; over++) {
        char *spec = profiles_of_size(ESIMLPA_ES10_MAX_RESPONSE + (size_t)over);
        CHECK(spec != NULL);
        if (!spec)
            return;
        struct fake_card *fc = fake_card_new();
        esimlpa_ctx *ctx = t_open(fc);
        fake_card_expect(fc, "BF2D00", spec);
        free(spec);
        size_t count = 0;
        int rc = c_profiles(ctx, &count);
        if (over) {
            CHECK_INT(rc, ESIMLPA_ETOOBIG);
            CHECK(has(esimlpa_ctx_last_error(ctx), "response larger than 65536 bytes"));
        } else {
            CHECK_INT(rc, ESIMLPA_OK);
            CHECK_INT(count, 65);
        }
        esimlpa_ctx_free(ctx);
        fake_card_free(fc);
        fprintf(stderr, "%s ES10 response of 65536%s bytes\n", t_failures ? "FAIL" : "ok  ",
                over ? "+1" : "");
    }
}

int main(void)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run_case(&cases[i], cases[i].max, 1);
        run_case(&cases[i], cases[i].max + 1, 0);
    }
    t_response_cap();
    if (t_failures)
        fprintf(stderr, "%d check(s) failed\n", t_failures);
    return t_failures ? 1 : 0;
}
