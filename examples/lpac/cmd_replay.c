/* SPDX-License-Identifier: MIT */
/* notification replay: send notifications exported with "notification dump"
 * (one {"type":"notification",...} object per line on stdin) with ES9+
 * handleNotification, from any machine: no card is opened. Removing them from
 * the eUICC is a later "notification remove" where the card is. */
#include "lpac.h"
#include "jline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_LINE (64 * 1024)

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Strict RFC 4648 base64 (padding required); NULL when malformed. */
static uint8_t *b64_decode(const char *s, size_t *out_len)
{
    size_t n = strlen(s);
    if (n == 0 || n % 4)
        return NULL;
    uint8_t *out = malloc(n / 4 * 3), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        for (int k = 0; k < 4; k++) {
            v[k] = s[i + k] == '=' && i + 4 == n && k >= 2 ? 0 : b64val((unsigned char)s[i + k]);
            if (v[k] < 0 || (s[i + k] == '=' && k == 2 && s[i + 3] != '=')) {
                free(out);
                return NULL;
            }
        }
        uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        *o++ = (uint8_t)(x >> 16);
        if (s[i + 2] != '=')
            *o++ = (uint8_t)(x >> 8);
        if (s[i + 3] != '=')
            *o++ = (uint8_t)x;
    }
    *out_len = (size_t)(o - out);
    return out;
}

/* The context needs an APDU transport; replay never talks to a card. */
static int no_card_connect(void *user) { (void)user; return ESIMLPA_ENOCARD; }
static void no_card_disconnect(void *user) { (void)user; }
static int no_card_transmit(void *user, const uint8_t *c, size_t cl, uint8_t *r, size_t *rl)
{
    (void)user; (void)c; (void)cl; (void)r; (void)rl;
    return ESIMLPA_ENOCARD;
}

static int replay_line(struct lpac *l, const char *line, size_t lineno)
{
    char where[48];
    snprintf(where, sizeof where, "line %zu", lineno);
    cJSON *j = cJSON_Parse(line);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(j, "type");
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seqNumber");
    const cJSON *addr = cJSON_GetObjectItemCaseSensitive(j, "notificationAddress");
    const cJSON *pn = cJSON_GetObjectItemCaseSensitive(j, "pendingNotification");
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "notification") != 0 ||
        !cJSON_IsNumber(seq) || !cJSON_IsString(addr) || !cJSON_IsString(pn)) {
        cJSON_Delete(j);
        char buf[160];
        snprintf(buf, sizeof buf, "%s is not a notification of \"notification dump\"", where);
        jl_error("parse_notification", buf);
        return LPAC_EXIT_FAIL;
    }
    size_t der_len = 0;
    uint8_t *der = b64_decode(pn->valuestring, &der_len);
    if (!der) {
        cJSON_Delete(j);
        char buf[160];
        snprintf(buf, sizeof buf, "%s: pendingNotification is not base64", where);
        jl_error("parse_notification", buf);
        return LPAC_EXIT_FAIL;
    }
    char s[24];
    snprintf(s, sizeof s, "%.0f", seq->valuedouble);
    jl_progress("es9p_handle_notification", s);
    int rc = esimlpa_notification_send(l->ctx, l->http, addr->valuestring, der, der_len);
    free(der);
    cJSON_Delete(j);
    return rc == ESIMLPA_OK ? LPAC_EXIT_OK
                            : lpac_fail(l, rc == ESIMLPA_ECANCELLED ? "cancelled" : "es9p_handle_notification", rc);
}

int lpac_cmd_replay(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return lpac_usage("notification replay takes no arguments (the dump on stdin)");
    if (isatty(STDIN_FILENO))
        return lpac_usage("notification replay reads the output of \"notification dump\" on stdin, not a terminal");
    static struct esimlpa_apdu_transport none = {
        .version = ESIMLPA_APDU_TRANSPORT_VERSION, .connect = no_card_connect,
        .disconnect = no_card_disconnect, .transmit = no_card_transmit };
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = &none;
    struct lpac l = { 0 };
    int rc = esimlpa_ctx_new(&o, &l.ctx);
    if (rc != ESIMLPA_OK)
        return lpac_fail(&l, "euicc_init", rc);
    int st = lpac_http(&l);
    char *line = malloc(MAX_LINE);
    size_t lineno = 0, sent = 0;
    if (!line && st == LPAC_EXIT_OK)
        st = lpac_fail(&l, "euicc_init", ESIMLPA_ENOMEM);
    if (st == LPAC_EXIT_OK)
        lpac_signals_arm(l.ctx);
    while (st == LPAC_EXIT_OK && fgets(line, MAX_LINE, stdin)) {
        lineno++;
        size_t n = strlen(line);
        if (n && line[n - 1] != '\n' && !feof(stdin)) {
            char buf[96];
            snprintf(buf, sizeof buf, "line %zu is longer than %d bytes", lineno, MAX_LINE - 2);
            jl_error("parse_notification", buf);
            st = LPAC_EXIT_FAIL;
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        st = replay_line(&l, line, lineno);
        sent += st == LPAC_EXIT_OK;
    }
    lpac_signals_disarm();
    if (st == LPAC_EXIT_OK && !sent) {
        jl_error("parse_notification", "no notification on stdin");
        st = LPAC_EXIT_FAIL;
    }
    if (st == LPAC_EXIT_OK)
        jl_success(NULL);
    free(line);
    esimlpa_ctx_free(l.ctx);
    l.ctx = NULL;
    esimlpa_curl_transport_free(l.http);
    return st;
}
