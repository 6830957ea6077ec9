/* SPDX-License-Identifier: MIT */
/*
 * renew-example: what a device maker's firmware does to renew the eSIM
 * profile, through the public libesimlpa API with its OWN APDU transport.
 *
 * The transport below talks to a PC/SC reader with the winscard API
 * directly, standing in for whatever reaches the eUICC on a device (a modem
 * AT channel, QMI, a vendor HAL): the library only needs connect,
 * disconnect and transmit callbacks; it does the ISO 7816-4 work (logical
 * channel, SELECT ISD-R, STORE DATA, GET RESPONSE) itself.
 *
 *   renew-example [--reader NAME] [--ca-file PEM] [--resolve HOST:PORT:ADDR]
 *                 [--confirmation-code CC] [--delete-old] 'LPA:1$host$matchingId'
 *
 * Exit status 0 when the new profile is enabled, 1 otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winscard.h>

#include <esimlpa/esimlpa.h>

/* ---------- the integrator's APDU transport ---------- */

struct my_reader {
    const char *wanted;        /* reader name, or NULL for the first one */
    SCARDCONTEXT sc;
    SCARDHANDLE card;
    DWORD protocol;
    int have_sc, have_card;
};

static int my_connect(void *user)
{
    struct my_reader *r = user;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &r->sc) != SCARD_S_SUCCESS)
        return ESIMLPA_ENOSERVICE;
    r->have_sc = 1;
    char names[4096];
    DWORD len = sizeof names;
    if (SCardListReaders(r->sc, NULL, names, &len) != SCARD_S_SUCCESS)
        return ESIMLPA_ENOREADER;
    /* names: a list of NUL-terminated strings, ended by an empty one */
    for (const char *n = names; *n; n += strlen(n) + 1) {
        if (r->wanted && strcmp(n, r->wanted) != 0)
            continue;
        LONG rv = SCardConnect(r->sc, n, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                               &r->card, &r->protocol);
        if (rv == SCARD_S_SUCCESS) {
            r->have_card = 1;
            fprintf(stderr, "renew-example: using reader '%s'\n", n);
            return 0;
        }
        if (r->wanted)
            return rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_REMOVED_CARD ? ESIMLPA_ENOCARD
                                                                           : ESIMLPA_ETRANSPORT;
    }
    return r->wanted ? ESIMLPA_ENOREADER : ESIMLPA_ENOCARD;
}

static void my_disconnect(void *user)
{
    struct my_reader *r = user;
    if (r->have_card)
        SCardDisconnect(r->card, SCARD_LEAVE_CARD);
    if (r->have_sc)
        SCardReleaseContext(r->sc);
    r->have_card = r->have_sc = 0;
}

static int my_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                       size_t *resp_len)
{
    struct my_reader *r = user;
    const SCARD_IO_REQUEST *pci = r->protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
    DWORD rlen = (DWORD)*resp_len;
    LONG rv = SCardTransmit(r->card, pci, cmd, (DWORD)cmd_len, NULL, resp, &rlen);
    if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_W_RESET_CARD)
        return ESIMLPA_ECARDREMOVED;
    if (rv != SCARD_S_SUCCESS || rlen < 2)
        return ESIMLPA_ETRANSPORT;
    *resp_len = rlen;
    return 0;
}

/* ---------- logging and consent ---------- */

static void my_log(void *user, enum esimlpa_log_level level, const char *msg)
{
    (void)user;
    fprintf(stderr, "renew-example: [%d] %s\n", (int)level, msg);
}

static int my_consent(void *user, const struct esimlpa_profile_info *md, int cc_required)
{
    (void)user;
    (void)cc_required;
    /* A device would check the operator or ask its user here. */
    fprintf(stderr, "renew-example: accepting profile %s (%s)\n", md->iccid,
            md->profile_name ? md->profile_name : "-");
    return 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: renew-example [--reader NAME] [--ca-file PEM] "
                    "[--resolve HOST:PORT:ADDR] [--confirmation-code CC] [--delete-old] "
                    "ACTIVATION_CODE\n");
    return 1;
}

int main(int argc, char **argv)
{
    struct my_reader reader = { 0 };
    const char *ca_file = NULL, *resolve[2] = { NULL, NULL }, *cc = NULL, *ac = NULL;
    int delete_old = 0;
    for (int i = 1; i < argc; i++) {
        const char **dst = NULL;
        if (!strcmp(argv[i], "--delete-old")) {
            delete_old = 1;
            continue;
        } else if (!strcmp(argv[i], "--reader")) {
            dst = &reader.wanted;
        } else if (!strcmp(argv[i], "--ca-file")) {
            dst = &ca_file;
        } else if (!strcmp(argv[i], "--resolve")) {
            dst = &resolve[0];
        } else if (!strcmp(argv[i], "--confirmation-code")) {
            dst = &cc;
        } else if (argv[i][0] != '-' && !ac) {
            ac = argv[i];
            continue;
        } else {
            return usage();
        }
        if (++i >= argc)
            return usage();
        *dst = argv[i];
    }
    if (!ac)
        return usage();

    /* 1. The APDU transport: our callbacks, our state. */
    struct esimlpa_apdu_transport tr = {
        .version = ESIMLPA_APDU_TRANSPORT_VERSION,
        .user = &reader,
        .connect = my_connect,
        .disconnect = my_disconnect,
        .transmit = my_transmit,
        /* open/close_logical_channel left NULL: the library sends MANAGE CHANNEL */
    };

    /* 2. The context: one eUICC session. */
    struct esimlpa_ctx_options co;
    memset(&co, 0, sizeof co);
    co.version = ESIMLPA_CTX_OPTIONS_VERSION;
    co.transport = &tr;
    co.log = my_log;
    co.log_level = ESIMLPA_LOG_INFO;
    esimlpa_ctx *ctx = NULL;
    int rc = esimlpa_ctx_new(&co, &ctx);
    if (rc == ESIMLPA_OK)
        rc = esimlpa_ctx_open(ctx);
    if (rc != ESIMLPA_OK) {
        fprintf(stderr, "renew-example: cannot open the eUICC: %s (%s)\n", esimlpa_strerror(rc),
                ctx ? esimlpa_ctx_last_error(ctx) : "");
        esimlpa_ctx_free(ctx);
        return 1;
    }

    /* 3. HTTPS to the SM-DP+: the built-in libcurl transport (any
     *    struct esimlpa_http_transport would do). */
    struct esimlpa_curl_options ho;
    memset(&ho, 0, sizeof ho);
    ho.version = ESIMLPA_CURL_OPTIONS_VERSION;
    ho.ca_file = ca_file;
    ho.resolve = resolve[0] ? resolve : NULL;
    struct esimlpa_http_transport *http = NULL;
    rc = esimlpa_curl_transport_new(&ho, &http);
    if (rc != ESIMLPA_OK) {
        fprintf(stderr, "renew-example: HTTP transport: %s\n", esimlpa_strerror(rc));
        esimlpa_ctx_free(ctx);
        return 1;
    }

    /* 4. The renewal: one call. */
    struct esimlpa_download_options d;
    memset(&d, 0, sizeof d);
    d.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    d.activation_code = ac;
    d.confirmation_code = cc;
    d.http = http;
    d.consent = my_consent;
    struct esimlpa_renew_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_RENEW_OPTIONS_VERSION;
    o.download = &d;
    o.delete_old = delete_old;
    struct esimlpa_renew_result r = { .struct_size = sizeof r };  /* see esimlpa.h "Out structs" */
    rc = esimlpa_renew_run(ctx, &o, &r);
    if (rc != ESIMLPA_OK) {
        /* e.g. "renew: new profile ... installed but enabling it failed (...);
         * the old profile ... stays enabled" */
        fprintf(stderr, "renew-example: renewal failed: %s: %s\n", esimlpa_error_name(rc),
                esimlpa_ctx_last_error(ctx));
    } else {
        printf("new profile %s enabled (replaced %s%s)\n", r.new_iccid,
               r.old_iccid[0] ? r.old_iccid : "nothing", r.old_deleted ? ", deleted" : "");
        printf("notifications: %zu delivered, %zu pending\n", r.notifications_delivered,
               r.notifications_failed);
    }
    esimlpa_curl_transport_free(http);
    esimlpa_ctx_free(ctx);
    return rc == ESIMLPA_OK ? 0 : 1;
}
