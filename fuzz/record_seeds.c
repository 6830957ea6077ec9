/* SPDX-License-Identifier: MIT */
/* Seed recorder: runs real exchanges in one process (soft eUICC behind a
 * real context, test SM-DP+ over verified HTTPS, like tests/unit/rsp
 * rsp-e2e) through recording wrappers and writes the seed corpora:
 *   corpus/fuzz_es10/           selector + reassembled card answer
 *   corpus/fuzz_es10_download/  selector + answer (LoadBPP: answers joined)
 *   corpus/fuzz_apdu/           raw transmit answers of open + one command
 *   corpus/fuzz_softeuicc/      the command APDUs of each ES10 function
 *   corpus/fuzz_es9p/           selector + ES9+ response body
 *   corpus/fuzz_smdpp/          selector + ES9+ request body
 *   corpus/fuzz_bpp/            the bound profile package
 * Usage: record_seeds GEN_PKI_SH PROFILES_DIR SEED_JSON OUTDIR */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <esimlpa/esimlpa.h>

#include "es9p/base64.h"
#include "fuzz_card.h"
#include "softeuicc.h"
#include "softeuicc_transport.h"
#include "inproc.h"
#include "test_client.h"

static const char *outdir;
static unsigned counter;

static void save(const char *harness, const char *name, uint8_t sel, int with_sel,
                 const uint8_t *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/fuzz_%s", outdir, harness);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/fuzz_%s/%s-%03u", outdir, harness, name, counter++);
    FILE *f = fopen(path, "wb");
    REQUIRE(f);
    if (with_sel)
        fputc(sel, f);
    if (n)
        fwrite(p, 1, n, f);
    fclose(f);
}

/* ---- APDU recording ---- */
struct buf { uint8_t *p; size_t n; };
static void put(struct buf *b, const void *p, size_t n)
{
    b->p = realloc(b->p, b->n + n + 1);
    REQUIRE(b->p);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

struct rec_card {
    struct esimlpa_apdu_transport pub, *inner;
    struct buf cmds, raw, answer, load_answers;
    unsigned tag;          /* request tag of the current ES10 command */
    int in_cmd;
};

/* es10 harness selectors (fuzz_es10.c) and es10_download ones. */
static int es10_sel(unsigned tag)
{
    switch (tag) {
    case 0xBF3E: return 0;  case 0xBF20: return 1;  case 0xBF22: return 2;
    case 0xBF3C: return 3;  case 0xBF2D: return 4;  case 0xBF28: return 6;
    case 0xBF2B: return 7;  case 0xBF43: return 8;  case 0xBF31: return 9;
    case 0xBF32: return 10; case 0xBF33: return 11; case 0xBF29: return 12;
    case 0xBF34: return 13; case 0xBF30: return 14; case 0xBF3F: return 15;
    default: return -1;
    }
}
static int dl_sel(unsigned tag)
{
    switch (tag) {
    case 0xBF2E: return 0; case 0xBF38: return 1; case 0xBF21: return 2;
    case 0xBF36: return 3; case 0xBF41: return 4; default: return -1;
    }
}

static void finish_command(struct rec_card *r)
{
    int s = es10_sel(r->tag), d = dl_sel(r->tag);
    char name[32];
    snprintf(name, sizeof name, "%04X", r->tag);
    if (s >= 0)
        save("es10", name, (uint8_t)s, 1, r->answer.p, r->answer.n);
    if (d >= 0 && d != 3)
        save("es10_download", name, (uint8_t)d, 1, r->answer.p, r->answer.n);
    if (r->tag == 0xBF36 && r->answer.n) {
        save("es10_download", "pir", 5, 1, r->answer.p, r->answer.n);
        save("es10_download", name, 3, 1, r->answer.p, r->answer.n);
    }
    /* both harnesses start on a fresh card: prepend the channel opening */
    static const uint8_t open_cmds[] = { 5, 0x00, 0x70, 0x00, 0x00, 0x01,
        21, 0x01, 0xA4, 0x04, 0x00, 0x10, 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
        0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00 };
    static const uint8_t open_answers[] = { 3, 0x01, 0x90, 0x00, 2, 0x90, 0x00 };
    struct buf b = { NULL, 0 };
    put(&b, open_cmds, sizeof open_cmds);
    put(&b, r->cmds.p, r->cmds.n);
    save("softeuicc", name, 0, 1, b.p, b.n);
    b.n = 0;
    put(&b, open_answers, sizeof open_answers);
    put(&b, r->raw.p, r->raw.n);
    if (b.n < 4096)
        save("apdu", name, 0, 0, b.p, b.n);
    free(b.p);
    r->cmds.n = r->raw.n = r->answer.n = 0;
}

static int rec_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                        size_t *resp_len)
{
    struct rec_card *r = user;
    int rc = r->inner->transmit(r->inner->user, cmd, cmd_len, resp, resp_len);
    if (rc != 0)
        return rc;
    uint8_t l = (uint8_t)cmd_len;
    put(&r->cmds, &l, 1);
    put(&r->cmds, cmd, cmd_len);
    l = (uint8_t)*resp_len;
    put(&r->raw, &l, 1);
    put(&r->raw, resp, *resp_len);
    if (cmd_len >= 7 && cmd[1] == 0xE2 && cmd[3] == 0) {   /* first STORE DATA block */
        r->tag = cmd[5] == 0xBF ? (unsigned)(0xBF00 | cmd[6]) : cmd[5];
        r->answer.n = 0;
    }
    if (cmd[1] == 0xE2 || cmd[1] == 0xC0)
        put(&r->answer, resp, *resp_len - 2);
    uint8_t sw1 = resp[*resp_len - 2];
    if ((cmd[1] == 0xE2 && (cmd[2] & 0x80)) || cmd[1] == 0xC0) {
        if (sw1 != 0x61)
            finish_command(r);
    }
    return 0;
}
static int rec_connect(void *u) { struct rec_card *r = u; return r->inner->connect(r->inner->user); }
static void rec_disconnect(void *u) { struct rec_card *r = u; r->inner->disconnect(r->inner->user); }

/* ---- HTTP recording (and the port rewrite of rsp-e2e) ---- */
struct rec_http {
    struct inproc_http base;   /* base.pub.post = rec_post */
};

static int fn_sel(const char *fn, int es11)
{
    static const char *const names[] = { "initiateAuthentication", "authenticateClient",
        "getBoundProfilePackage", "handleNotification", "cancelSession" };
    static const int es9p_sel[] = { 0, 2, 4, 5, 6 };
    for (int i = 0; i < 5; i++)
        if (!strcmp(fn, names[i]))
            return es11 ? (i == 0 ? 1 : 3) : es9p_sel[i];
    return -1;
}

static int rec_post(void *user, const char *url, const char *const *headers,
                    const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    struct rec_http *w = user;
    int rc = inproc_http_post(&w->base, url, headers, body, body_len, resp);
    const char *fn = strrchr(url, '/');
    fn = fn ? fn + 1 : url;
    int s = fn_sel(fn, strstr(url, "/es11/") != NULL);
    static const char *const order[] = { "initiateAuthentication", "authenticateClient",
        "getBoundProfilePackage", "handleNotification", "cancelSession" };
    for (int i = 0; i < 5; i++)
        if (!strcmp(fn, order[i]))
            save("smdpp", fn, (uint8_t)i, 1, body, body_len);
    if (rc == 0 && s >= 0 && resp->body_len)
        save("es9p", fn, (uint8_t)s, 1, resp->body, resp->body_len);
    if (rc == 0 && !strcmp(fn, "getBoundProfilePackage") && resp->body_len) {
        cJSON *j = cJSON_ParseWithLength((const char *)resp->body, resp->body_len);
        const char *b64 = cJSON_GetStringValue(cJSON_GetObjectItem(j, "boundProfilePackage"));
        uint8_t *bpp = NULL;
        size_t bl = 0;
        if (b64 && esimlpa__b64_decode(b64, strlen(b64), 1 << 20, &bpp, &bl) == 0) {
            save("bpp", "bpp", 0, 0, bpp, bl);
            free(bpp);
        }
        cJSON_Delete(j);
    }
    return rc;
}

int main(int argc, char **argv)
{
    REQUIRE(argc == 5);
    outdir = argv[4];
    mkdir(outdir, 0755);
    struct tc t;
    char cfg[512], dir[] = "/tmp/fuzz-rec-XXXXXX", state[64];
    tc_pki(&t, argv[1]);
    snprintf(cfg, sizeof cfg, "%s/orders.json", argv[2]);
    tc_start(&t, SMDPP_ROLE_SMDP, cfg, NULL);
    REQUIRE(mkdtemp(dir));
    snprintf(state, sizeof state, "%s/state.json", dir);
    struct softeuicc *se = inproc_card_open(&t, state, argv[3]);
    struct rec_card rc;
    memset(&rc, 0, sizeof rc);
    rc.inner = softeuicc_transport(se);
    rc.pub = (struct esimlpa_apdu_transport){ ESIMLPA_APDU_TRANSPORT_VERSION, &rc, rec_connect,
                                              rec_disconnect, rec_transmit, NULL, NULL,
                                              NULL, NULL, NULL };
    struct esimlpa_ctx_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION;
    co.transport = &rc.pub;
    co.store_data_mss = 120;
    esimlpa_ctx *ctx = NULL;
    REQUIRE(esimlpa_ctx_new(&co, &ctx) == 0 && esimlpa_ctx_open(ctx) == 0);

    struct rec_http w;
    inproc_http_init(&w.base, &t);
    w.base.pub.post = rec_post;
    w.base.pub.user = &w;

    /* ES10 queries on the seeded card */
    char eid[ESIMLPA_EID_LEN + 1];
    struct esimlpa_euicc_info1 *i1 = NULL;
    struct esimlpa_euicc_info2 *i2 = NULL;
    struct esimlpa_configured_addresses *ad = NULL;
    struct esimlpa_profile_list *pl = NULL;
    struct esimlpa_notification_list *nl = NULL;
    struct esimlpa_pending_notification_list *pn = NULL;
    struct esimlpa_rat *rat = NULL;
    esimlpa_eid_get(ctx, eid);
    if (esimlpa_euicc_info1_get(ctx, &i1) == 0) esimlpa_euicc_info1_free(i1);
    if (esimlpa_euicc_info2_get(ctx, &i2) == 0) esimlpa_euicc_info2_free(i2);
    if (esimlpa_configured_addresses_get(ctx, &ad) == 0) esimlpa_configured_addresses_free(ad);
    if (esimlpa_rat_get(ctx, &rat) == 0) esimlpa_rat_free(rat);

    /* downloads: one kept notification, one refused by the user, one with a bad CC */
    const char *acs[] = { "LPA:1$testsmdpplus1.example.com$TEST-8K",
                          "LPA:1$testsmdpplus1.example.com$TEST-CC",
                          "LPA:1$testsmdpplus1.example.com$NO-SUCH-ORDER" };
    for (int i = 0; i < 3; i++) {
        struct esimlpa_download_options o;
        memset(&o, 0, sizeof o);
        o.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
        o.activation_code = acs[i];
        o.http = &w.base.pub;
        o.confirmation_code = "12345678";
        o.keep_notification = 1;
        struct esimlpa_download_result r = { .struct_size = sizeof r };
        int x = esimlpa_download_run(ctx, &o, &r);
        fprintf(stderr, "download %s: %d %s\n", acs[i], x, esimlpa_ctx_last_error(ctx));
    }
    if (esimlpa_profiles_list(ctx, NULL, &pl) == 0) {
        for (size_t i = 0; i < pl->count; i++) {
            struct esimlpa_profile_id id;
            memset(&id, 0, sizeof id);
            snprintf(id.iccid, sizeof id.iccid, "%s", pl->profiles[i].iccid);
            esimlpa_profile_nickname_set(ctx, id.iccid, "seed");
            esimlpa_profile_enable(ctx, &id, 0);
            esimlpa_profile_disable(ctx, &id, 0);
        }
        esimlpa_profile_list_free(pl);
    }
    if (esimlpa_notifications_list(ctx, 0, &nl) == 0) esimlpa_notification_list_free(nl);
    if (esimlpa_notifications_retrieve(ctx, -1, &pn) == 0)
        esimlpa_pending_notification_list_free(pn);
    size_t ok = 0, bad = 0;
    esimlpa_notifications_process(ctx, &w.base.pub, -1, &ok, &bad);
    fprintf(stderr, "notifications: %zu delivered, %zu failed\n", ok, bad);
    esimlpa_default_dp_address_set(ctx, "testsmdpplus1.example.com");
    esimlpa_ctx_free(ctx);
    inproc_http_free(&w.base);
    softeuicc_close(se);
    tc_stop(&t);
    return 0;
}
