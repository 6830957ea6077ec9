/* SPDX-License-Identifier: MIT */
/* The in-process end-to-end fixture; see inproc.h. */
#include "inproc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "https://HOST/..." -> "https://HOST:PORT/..." (the test SM-DP+'s port). */
static void with_port(const struct inproc_http *w, const char *url, char *u, size_t cap)
{
    size_t hl = strlen(w->host);
    if (strncmp(url, "https://", 8) == 0 && strncmp(url + 8, w->host, hl) == 0 &&
        url[8 + hl] == '/')
        snprintf(u, cap, "https://%s:%u%s", w->host, w->port, url + 8 + hl);
    else
        snprintf(u, cap, "%s", url);
}

int inproc_http_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    struct inproc_http *w = user;
    char u[1024];
    with_port(w, url, u, sizeof u);
    return w->curl->post(w->curl->user, u, headers, body, body_len, resp);
}

/* Connect-ahead passes through (issue 14), so these tests run it too. */
static int inproc_http_prepare(void *user, const char *url, const char *const *headers,
                               size_t body_len)
{
    struct inproc_http *w = user;
    char u[1024];
    if (url)
        with_port(w, url, u, sizeof u);
    return w->curl->prepare(w->curl->user, url ? u : NULL, headers, body_len);
}

void inproc_http_init(struct inproc_http *w, struct tc *t)
{
    char ca[512], res[128];
    snprintf(ca, sizeof ca, "%s", tc_path(t, "ci_nist.pem"));
    snprintf(res, sizeof res, "%s:%u:127.0.0.1", t->host, t->port);
    const char *resolve[] = { res, NULL };
    struct esimlpa_curl_options ho;
    memset(&ho, 0, sizeof ho);
    ho.version = ESIMLPA_CURL_OPTIONS_VERSION;
    ho.ca_file = ca;
    ho.resolve = resolve;
    memset(w, 0, sizeof *w);
    REQUIRE(esimlpa_curl_transport_new(&ho, &w->curl) == 0);
    w->pub.version = ESIMLPA_HTTP_TRANSPORT_VERSION;
    w->pub.user = w;
    w->pub.post = inproc_http_post;
    w->pub.prepare = inproc_http_prepare;
    w->host = t->host;
    w->port = t->port;
}

void inproc_http_free(struct inproc_http *w)
{
    esimlpa_curl_transport_free(w->curl);
    w->curl = NULL;
}

void inproc_state_write(const char *seed, const char *state, void (*edit)(cJSON *root, void *arg),
                        void *arg)
{
    FILE *f = fopen(seed, "r");
    REQUIRE(f);
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    cJSON *root = cJSON_Parse(text);
    REQUIRE(root);
    if (edit)
        edit(root, arg);
    char *out = cJSON_Print(root);
    f = fopen(state, "w");
    REQUIRE(f && out);
    fputs(out, f);
    fclose(f);
    free(out);
    cJSON_Delete(root);
}

void inproc_state_empty(cJSON *root, void *arg)
{
    (void)arg;
    cJSON_ReplaceItemInObject(root, "profiles", cJSON_CreateArray());
    cJSON_ReplaceItemInObject(root, "notifications", cJSON_CreateArray());
}

struct softeuicc *inproc_card_open(struct tc *t, const char *state, const char *seed)
{
    char key[512], cert[512], eum[512], ci[512], err[256] = "";
    snprintf(key, sizeof key, "%s", tc_path(t, "euicc_nist.key"));
    snprintf(cert, sizeof cert, "%s", tc_path(t, "euicc_nist.der"));
    snprintf(eum, sizeof eum, "%s", tc_path(t, "eum_nist.pem"));
    snprintf(ci, sizeof ci, "%s", tc_path(t, "ci_nist.der"));
    struct softeuicc_options so = {
        .version = SOFTEUICC_OPTIONS_VERSION, .state_path = state, .seed_path = seed,
        .euicc_key_path = key, .euicc_cert_path = cert, .eum_cert_path = eum,
        .ci_cert_path = ci, .err = err, .err_len = sizeof err,
    };
    struct softeuicc *se = NULL;
    if (softeuicc_open(&so, &se) != 0) {
        fprintf(stderr, "softeuicc_open: %s\n", err);
        exit(1);
    }
    return se;
}
