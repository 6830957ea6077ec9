/* SPDX-License-Identifier: MIT */
/*
 * The PC/SC backend without a reader: pcsc-lite is pointed at a socket that
 * does not exist (PCSCLITE_CSOCK_NAME), so every call must fail cleanly with
 * ENOSERVICE (or ENOREADER), never crash.
 */
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "check.h"

int main(void)
{
    setenv("PCSCLITE_CSOCK_NAME", "/nonexistent/esimlpa-test/pcscd.comm", 1);

    char **names = (char **)&names;
    int rc = esimlpa_pcsc_readers_list(&names);
    CHECK(rc == ESIMLPA_ENOSERVICE || rc == ESIMLPA_ENOREADER);
    CHECK(names == NULL);
    esimlpa_pcsc_readers_free(NULL);
    CHECK_INT(esimlpa_pcsc_readers_list(NULL), ESIMLPA_EINVAL);

    /* Option validation. */
    struct esimlpa_apdu_transport *t = NULL;
    struct esimlpa_pcsc_options o = { ESIMLPA_PCSC_OPTIONS_VERSION, NULL, 3 };
    CHECK_INT(esimlpa_pcsc_transport_new(&o, &t), ESIMLPA_EINVAL);
    o.protocol = -1;
    CHECK_INT(esimlpa_pcsc_transport_new(&o, &t), ESIMLPA_EINVAL);
    o.protocol = 0;
    o.version = 0;
    CHECK_INT(esimlpa_pcsc_transport_new(&o, &t), ESIMLPA_EINVAL);
    o.version = ESIMLPA_PCSC_OPTIONS_VERSION;
    o.reader = "";
    CHECK_INT(esimlpa_pcsc_transport_new(&o, &t), ESIMLPA_EINVAL);
    CHECK(t == NULL);
    CHECK_INT(esimlpa_pcsc_transport_new(NULL, NULL), ESIMLPA_EINVAL);

    /* Defaults, then a context whose open fails with no service. */
    CHECK_INT(esimlpa_pcsc_transport_new(NULL, &t), ESIMLPA_OK);
    CHECK(t != NULL);
    if (!t)
        return check_report("test_pcsc");
    CHECK_INT(t->version, ESIMLPA_APDU_TRANSPORT_VERSION);
    CHECK(t->transmit != NULL && t->connect != NULL && t->disconnect != NULL);
    CHECK(t->open_logical_channel == NULL);
    CHECK(esimlpa_pcsc_transport_reader(t) == NULL);

    struct esimlpa_ctx_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION;
    co.transport = t;
    esimlpa_ctx *ctx = NULL;
    CHECK_INT(esimlpa_ctx_new(&co, &ctx), ESIMLPA_OK);
    rc = esimlpa_ctx_open(ctx);
    CHECK(rc == ESIMLPA_ENOSERVICE || rc == ESIMLPA_ENOREADER);
    CHECK(strstr(esimlpa_ctx_last_error(ctx), "connect") != NULL);
    esimlpa_ctx_free(ctx);
    CHECK(esimlpa_pcsc_transport_reader(t) == NULL);

    /* transmit before connect: no card. */
    uint8_t resp[ESIMLPA_APDU_MAX_RESPONSE];
    size_t rlen = sizeof resp;
    const uint8_t cmd[] = { 0x00, 0x70, 0x00, 0x00, 0x01 };
    CHECK_INT(t->transmit(t->user, cmd, sizeof cmd, resp, &rlen), ESIMLPA_ENOCARD);
    esimlpa_pcsc_transport_free(t);

    /* A named reader and a protocol choice build fine; free without connect. */
    o.reader = "1";
    o.protocol = 1;
    CHECK_INT(esimlpa_pcsc_transport_new(&o, &t), ESIMLPA_OK);
    CHECK_INT(t->connect(t->user), ESIMLPA_ENOSERVICE);
    t->disconnect(t->user);
    esimlpa_pcsc_transport_free(t);
    esimlpa_pcsc_transport_free(NULL);

    /* A transport that is not ours is left alone. */
    struct esimlpa_apdu_transport other;
    memset(&other, 0, sizeof other);
    CHECK(esimlpa_pcsc_transport_reader(&other) == NULL);
    esimlpa_pcsc_transport_free(&other);
    return check_report("test_pcsc");
}
