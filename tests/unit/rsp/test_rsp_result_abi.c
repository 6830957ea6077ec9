/* SPDX-License-Identifier: MIT */
/* The result structs byte by byte, through real downloads and renewals (soft
 * eUICC behind a real context, test SM-DP+ over verified HTTPS):
 * - programs built before the size rule (download/renew options 1 and 2,
 *   layouts of result_v1.h) get their old layout filled and not one byte
 *   more (guard bytes after it stay as they were);
 * - version-3 callers with an older, smaller struct_size get only that many
 *   bytes, and struct_size says how many were written;
 * - the current layout is filled completely. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <esimlpa/esimlpa.h>

#include "inproc.h"
#include "result_v1.h"
#include "softeuicc.h"
#include "softeuicc_transport.h"
#include "test_client.h"

#define SM "testsmdpplus1.example.com"
#define GUARD 64
#define FILL 0xA5

static struct tc t;
static const char *g_seed;
static char g_dir[] = "/tmp/rsp-result-abi-XXXXXX";
static int g_case;
static struct inproc_http g_http;

struct card {
    char state[300];
    struct softeuicc *se;
    esimlpa_ctx *ctx;
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

static void dl_options(struct esimlpa_download_options *d, unsigned version, char *ac, size_t n,
                       const char *mid)
{
    snprintf(ac, n, "LPA:1$" SM "$%s", mid);
    memset(d, 0, sizeof *d);
    d->version = version;
    d->activation_code = ac;
    d->http = &g_http.pub;
    d->no_recover = 1;
}

/* A buffer of @size bytes plus GUARD, all FILL (malloc: aligned for any struct). */
static unsigned char *buf_new(size_t size)
{
    unsigned char *b = malloc(size + GUARD);
    REQUIRE(b);
    memset(b, FILL, size + GUARD);
    return b;
}

/* 1 when bytes [from, to) of @b are all FILL. */
static int untouched(const unsigned char *b, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (b[i] != FILL)
            return 0;
    return 1;
}

static int renew(struct card *c, unsigned version, const char *mid, void *result)
{
    char ac[128];
    struct esimlpa_download_options d;
    dl_options(&d, ESIMLPA_DOWNLOAD_OPTIONS_VERSION, ac, sizeof ac, mid);
    if (!strcmp(mid, "TEST-CC"))
        d.confirmation_code = "12345678";
    struct esimlpa_renew_options o;
    memset(&o, 0, sizeof o);
    o.version = version;
    o.download = &d;
    o.delete_old = 1;
    int rc = esimlpa_renew_run(c->ctx, &o, result);
    printf("renew v%u %s: %s %s\n", version, mid, esimlpa_error_name(rc),
           esimlpa_ctx_last_error(c->ctx));
    return rc;
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 4);   /* gen-rsp-pki.sh, profiles dir, soft eUICC seed */
    char cfg[512], ac[128];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);
    g_seed = argv[3];
    REQUIRE(mkdtemp(g_dir));
    inproc_http_init(&g_http, &t);
    struct card c;

    /* 1. Download options version 2, the old download result. */
    card_new(&c);
    struct esimlpa_download_options d;
    dl_options(&d, 2, ac, sizeof ac, "TEST-8K");
    unsigned char *b = buf_new(sizeof(struct old_download_result));
    struct old_download_result *od = (struct old_download_result *)b;
    CHECK(esimlpa_download_run(c.ctx, &d, (struct esimlpa_download_result *)b) == 0);
    CHECK(strlen(od->iccid) >= 18 && od->isdp_aid_len == 16 && od->bpp_size > 1000);
    CHECK(od->notification_seq >= 0 && od->notification_delivered == 1);
    CHECK(untouched(b, sizeof *od, sizeof *od + GUARD));
    free(b);
    card_free(&c);

    /* 2. Renew options version 1: the old result up to rolled_back only. */
    card_new(&c);
    b = buf_new(sizeof(struct old_renew_result));
    struct old_renew_result *o1 = (struct old_renew_result *)b;
    CHECK(renew(&c, 1, "TEST-100K", b) == 0);
    CHECK(o1->enabled == 1 && o1->old_deleted == 1 && strlen(o1->new_iccid) >= 18);
    CHECK(!strcmp(o1->download.iccid, o1->new_iccid) && o1->download.bpp_size > 1000);
    CHECK(o1->notifications_failed == 0 && o1->notifications_delivered >= 3);
    CHECK(untouched(b, offsetof(struct old_renew_result, rolled_back),
                    sizeof *o1 + GUARD));
    free(b);
    card_free(&c);

    /* 3. Renew options version 2: the whole old result, nothing after it. */
    card_new(&c);
    b = buf_new(sizeof(struct old_renew_result));
    struct old_renew_result *o2 = (struct old_renew_result *)b;
    CHECK(renew(&c, 2, "TEST-30K-PPK", b) == 0);
    CHECK(o2->enabled == 1 && o2->old_deleted == 1 && o2->rolled_back == 0 &&
          o2->resumed == 0 && o2->rollback_reason[0] == '\0');
    CHECK(!strcmp(o2->download.iccid, o2->new_iccid) && o2->download.isdp_aid_len == 16);
    CHECK(untouched(b, sizeof *o2, sizeof *o2 + GUARD));
    free(b);
    card_free(&c);

    /* 4. Version 3 from a program whose structs are smaller (built against
     *    a header of an earlier size): that many bytes, no more. */
    card_new(&c);
    const size_t rsize = offsetof(struct esimlpa_renew_result, rolled_back);
    const size_t dsize = offsetof(struct esimlpa_download_result, bpp_size);
    b = buf_new(sizeof(struct esimlpa_renew_result));
    unsigned char *db = buf_new(sizeof(struct esimlpa_download_result));
    struct esimlpa_renew_result *r3 = (struct esimlpa_renew_result *)b;
    struct esimlpa_download_result *d3 = (struct esimlpa_download_result *)db;
    r3->struct_size = rsize;
    r3->download = d3;
    d3->struct_size = dsize;
    CHECK(renew(&c, 3, "TEST-EID", b) == 0);
    CHECK(r3->struct_size == rsize && r3->download == d3 && d3->struct_size == dsize);
    CHECK(r3->enabled == 1 && r3->old_deleted == 1 && !strcmp(d3->iccid, r3->new_iccid));
    CHECK(d3->notification_seq >= 0 && d3->isdp_aid_len == 16);
    CHECK(untouched(b, rsize, sizeof *r3 + GUARD));
    CHECK(untouched(db, dsize, sizeof *d3 + GUARD));
    /* struct_size smaller than the member itself: nothing written at all. */
    memset(b, FILL, sizeof *r3 + GUARD);
    r3->struct_size = 3;
    struct esimlpa_renew_options bad;
    memset(&bad, 0, sizeof bad);
    bad.version = ESIMLPA_RENEW_OPTIONS_VERSION;   /* no download options */
    CHECK(esimlpa_renew_run(c.ctx, &bad, r3) == ESIMLPA_EINVAL);
    CHECK(r3->struct_size == 3 && untouched(b, sizeof(size_t), sizeof *r3 + GUARD));
    free(db);
    free(b);
    card_free(&c);

    /* 5. The current layout: filled completely, struct_size kept. */
    card_new(&c);
    struct esimlpa_download_result dl = { .struct_size = sizeof dl };
    dl_options(&d, ESIMLPA_DOWNLOAD_OPTIONS_VERSION, ac, sizeof ac, "TEST-CC");
    d.confirmation_code = "12345678";
    CHECK(esimlpa_download_run(c.ctx, &d, &dl) == 0);
    CHECK(dl.struct_size == sizeof dl && strlen(dl.iccid) >= 18 && dl.bpp_size > 1000 &&
          dl.notification_delivered == 1);
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
