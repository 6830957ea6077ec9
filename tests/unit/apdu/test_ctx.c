/* SPDX-License-Identifier: MIT */
/* Context options validation, accessors, logging and APDU tracing. */
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "apdu/apdu_internal.h"
#include "check.h"
#include "fake_transport.h"

#define ISDR "A0000005591010FFFFFFFF8900000100"
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct log_capture {
    char lines[32][600];
    int levels[32];
    int n;
};

static void capture(void *user, enum esimlpa_log_level level, const char *msg)
{
    struct log_capture *c = user;
    if (c->n < 32) {
        snprintf(c->lines[c->n], sizeof c->lines[0], "%s", msg);
        c->levels[c->n] = (int)level;
        c->n++;
    }
}

static int has_line(const struct log_capture *c, const char *line)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->lines[i], line) == 0)
            return 1;
    return 0;
}

static struct esimlpa_ctx_options opts_for(struct fake *f)
{
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = &f->tr;
    return o;
}

static void test_new_validation(void)
{
    struct fake f;
    fake_init(&f, NULL, 0);
    esimlpa_ctx *ctx = (esimlpa_ctx *)&f;
    struct esimlpa_ctx_options o = opts_for(&f);

    CHECK_INT(esimlpa_ctx_new(NULL, &ctx), ESIMLPA_EINVAL);
    CHECK(ctx == NULL);
    CHECK_INT(esimlpa_ctx_new(&o, NULL), ESIMLPA_EINVAL);
    o.version = 0;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_EINVAL);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION + 1;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_EINVAL);
    o = opts_for(&f);
    o.transport = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_EINVAL);
    o = opts_for(&f);
    f.tr.transmit = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_EINVAL);
    fake_init(&f, NULL, 0);
    f.tr.version = 99;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_EINVAL);
    fake_init(&f, NULL, 0);
    o.store_data_mss = 256;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_EINVAL);
    CHECK(ctx == NULL);

    o.store_data_mss = 0;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    CHECK(ctx != NULL);
    if (!ctx)
        return;
    CHECK_INT(ctx->mss, 255);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "");
    CHECK_INT(esimlpa_ctx_last_sw(ctx), 0);
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), -1);
    CHECK_INT(f.connects, 0);   /* nothing touched before open */
    esimlpa_ctx_free(ctx);

    o.store_data_mss = 1;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    CHECK_INT(ctx->mss, 1);
    esimlpa_ctx_free(ctx);
    o.store_data_mss = 255;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    CHECK_INT(ctx->mss, 255);
    esimlpa_ctx_free(ctx);

    /* NULL-safe accessors. */
    esimlpa_ctx_free(NULL);
    esimlpa_ctx_close(NULL);
    CHECK_STR(esimlpa_ctx_last_error(NULL), "");
    CHECK_INT(esimlpa_ctx_last_sw(NULL), 0);
    CHECK_INT(esimlpa_ctx_last_result_code(NULL), -1);
    CHECK_INT(esimlpa_ctx_open(NULL), ESIMLPA_EINVAL);
    struct esimlpa_ctx_stats st = { .struct_size = sizeof st };
    memset(&st, 0xFF, sizeof st);
    st.struct_size = sizeof st;
    esimlpa_ctx_stats_read(NULL, &st);
    CHECK_INT(st.apdus, 0);
    CHECK_STR(esimlpa_version(), "0.1.0");
}

static void test_errors_and_log(void)
{
    struct fake f;
    fake_init(&f, NULL, 0);
    struct esimlpa_ctx_options o = opts_for(&f);
    struct log_capture cap;
    memset(&cap, 0, sizeof cap);
    o.log = capture;
    o.log_user = &cap;
    o.log_level = ESIMLPA_LOG_WARN;
    esimlpa_ctx *ctx = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);

    CHECK_INT(esimlpa__fail(ctx, ESIMLPA_EDECODE, "GetEID: %s", "truncated"), ESIMLPA_EDECODE);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "GetEID: truncated");
    CHECK_INT(esimlpa__fail_result(ctx, ESIMLPA_EPROFILE_NOT_DISABLED, 2, "EnableProfile",
                                   "profileNotInDisabledState"),
              ESIMLPA_EPROFILE_NOT_DISABLED);
    CHECK_STR(esimlpa_ctx_last_error(ctx),
              "EnableProfile: eUICC result 2 (profileNotInDisabledState)");
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), 2);
    esimlpa__clear_error(ctx);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "");
    CHECK_INT(esimlpa_ctx_last_result_code(ctx), -1);

    /* Level filter: DEBUG and INFO dropped at WARN. */
    esimlpa__log(ctx, ESIMLPA_LOG_ERROR, "e %d", 1);
    esimlpa__log(ctx, ESIMLPA_LOG_WARN, "w %d", 2);
    esimlpa__log(ctx, ESIMLPA_LOG_INFO, "i %d", 3);
    esimlpa__log(ctx, ESIMLPA_LOG_DEBUG, "d %d", 4);
    CHECK_INT(cap.n, 2);
    CHECK(has_line(&cap, "e 1") && has_line(&cap, "w 2"));

    /* A long message is cut, not overflowed. */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s", big), ESIMLPA_EINVAL);
    CHECK_INT(strlen(esimlpa_ctx_last_error(ctx)), sizeof ctx->last_error - 1);
    esimlpa__log(ctx, ESIMLPA_LOG_ERROR, "%s", big);
    esimlpa_ctx_free(ctx);

    /* No callback: logging is a no-op; NULL context too. */
    o.log = NULL;
    o.log_level = ESIMLPA_LOG_TRACE;
    o.trace_apdu = 1;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    esimlpa__log(ctx, ESIMLPA_LOG_ERROR, "nobody listens");
    esimlpa__log(NULL, ESIMLPA_LOG_ERROR, "nobody listens");
    CHECK_INT(esimlpa__fail(NULL, ESIMLPA_EINVAL, "x"), ESIMLPA_EINVAL);
    esimlpa__clear_error(NULL);
    esimlpa_ctx_free(ctx);
}

static void test_trace(void)
{
    const struct fake_step steps[] = {
        { "0070000001", "019000", 0 },
        { "01A4040010" ISDR, "9000", 0 },
        { "81E2910003BF2E00", "BF2E03800101 9000", 0 },
        { "0070800100", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    struct esimlpa_ctx_options o = opts_for(&f);
    struct log_capture cap;
    memset(&cap, 0, sizeof cap);
    o.log = capture;
    o.log_user = &cap;
    o.log_level = ESIMLPA_LOG_TRACE;
    o.trace_apdu = 1;
    esimlpa_ctx *ctx = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    uint8_t *resp = NULL;
    size_t len = 0;
    const uint8_t req[] = { 0xBF, 0x2E, 0x00 };
    CHECK_INT(esimlpa__es10_transceive(ctx, "GetEUICCChallenge", req, 3, &resp, &len),
              ESIMLPA_OK);
    free(resp);
    esimlpa_ctx_free(ctx);
    CHECK(fake_done(&f));
    CHECK(has_line(&cap, "> 0070000001"));
    CHECK(has_line(&cap, "< 019000"));
    CHECK(has_line(&cap, "> 01A4040010" ISDR));
    CHECK(has_line(&cap, "> 81E2910003BF2E00"));
    CHECK(has_line(&cap, "< BF2E038001019000"));
    CHECK(has_line(&cap, "> 0070800100"));
    int traces = 0;
    for (int i = 0; i < cap.n; i++)
        if (cap.levels[i] == ESIMLPA_LOG_TRACE)
            traces++;
    CHECK_INT(traces, 8);

    /* trace_apdu off: no APDU lines even at TRACE level. */
    const struct fake_step steps2[] = { steps[0], steps[1], steps[3] };
    fake_init(&f, steps2, COUNT(steps2));
    memset(&cap, 0, sizeof cap);
    o.trace_apdu = 0;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    esimlpa_ctx_free(ctx);
    CHECK(fake_done(&f));
    CHECK(!has_line(&cap, "> 0070000001"));
    CHECK(cap.n > 0);   /* the INFO line about the channel */
}

/* A successful open clears an earlier failure's detail. */
static void test_open_clears_error(void)
{
    const struct fake_step steps[] = {
        { "0070000001", "6A81", 0 },
        { "0070000001", "039000", 0 },
        { "03A4040010" ISDR, "9000", 0 },
        { "0070800300", "9000", 0 },
    };
    struct fake f;
    fake_init(&f, steps, COUNT(steps));
    struct esimlpa_ctx_options o = opts_for(&f);
    esimlpa_ctx *ctx = NULL;
    CHECK_INT(esimlpa_ctx_new(&o, &ctx), ESIMLPA_OK);
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_ENOCHANNEL);
    CHECK(esimlpa_ctx_last_error(ctx)[0] != '\0');
    CHECK_INT(esimlpa_ctx_open(ctx), ESIMLPA_OK);
    CHECK_STR(esimlpa_ctx_last_error(ctx), "");
    CHECK_INT(f.connects, 2);
    esimlpa_ctx_free(ctx);
    CHECK_INT(f.disconnects, 2);
    CHECK(fake_done(&f));
}

int main(void)
{
    test_new_validation();
    test_errors_and_log();
    test_trace();
    test_open_clears_error();
    fake_pool_free();
    return check_report("test_ctx");
}
