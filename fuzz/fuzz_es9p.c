/* SPDX-License-Identifier: MIT */
/* ES9+ / ES11 JSON response parsers (SGP.22 §6.5, notes §5): a fake HTTP
 * transport answers with the input as the body. The first byte picks the
 * function (low 3 bits) and the HTTP status / X-Admin-Protocol variant
 * (high bits). The transactionId sent is the one found in the body, so that
 * recorded answers pass the "same transactionId" check. */
#include <stdlib.h>
#include <string.h>

#include "es9p/es9p_internal.h"

struct fake_http {
    struct esimlpa_http_transport t;
    const uint8_t *body;
    size_t len;
    long status;
    const char *admin;
};

static int fake_post(void *user, const char *url, const char *const *headers,
                     const uint8_t *body, size_t body_len, struct esimlpa_http_response *resp)
{
    struct fake_http *h = user;
    (void)url;
    (void)headers;
    (void)body;
    (void)body_len;
    memset(resp, 0, sizeof *resp);
    resp->status = h->status;
    resp->body = malloc(h->len + 1);
    if (!resp->body)
        return ESIMLPA_ENOMEM;
    if (h->len)
        memcpy(resp->body, h->body, h->len);
    resp->body[h->len] = 0;
    resp->body_len = h->len;
    if (h->admin && !(resp->admin_protocol = strdup(h->admin))) {
        esimlpa_http_response_clear(resp);
        return ESIMLPA_ENOMEM;
    }
    return 0;
}

/* The transactionId value of the body, if any (hex, at most 32 chars). */
static void find_tid(const uint8_t *p, size_t n, char out[33])
{
    static const char key[] = "\"transactionId\":\"";
    size_t kl = sizeof key - 1;
    strcpy(out, "0102030405060708");
    for (size_t i = 0; i + kl <= n; i++) {
        if (memcmp(p + i, key, kl) == 0) {
            size_t j = 0;
            for (i += kl; i < n && j < 32 && p[i] != '"'; i++)
                out[j++] = (char)p[i];
            out[j] = 0;
            return;
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const long statuses[] = { 200, 200, 204, 500 };
    static const char *const admins[] = { "gsma/rsp/v2.2.0", "gsma/rsp/v2.2.0", NULL, "x" };
    struct fake_http h = { { ESIMLPA_HTTP_TRANSPORT_VERSION, NULL, fake_post, NULL, NULL, NULL, NULL, NULL, NULL },
                           data + 1, size - 1, statuses[(data[0] >> 3) & 3],
                           admins[(data[0] >> 5) & 3] };
    h.t.user = &h;
    struct esimlpa__es9p c;
    memset(&c, 0, sizeof c);
    c.http = &h.t;
    c.max_response = 1 << 20;
    char tid[33];
    find_tid(data + 1, size - 1, tid);
    static const uint8_t challenge[16] = { 1, 2, 3 };
    static const uint8_t info1[] = { 0xBF, 0x20, 0x03, 0x82, 0x01, 0x02 };
    static const uint8_t der[] = { 0xBF, 0x38, 0x03, 0xA0, 0x01, 0x00 };
    const char *addr = "smdp.example.com";

    switch (data[0] & 7) {
    case 0: {
        struct esimlpa__es9p_init_auth r;
        memset(&r, 0, sizeof r);
        esimlpa__es9p_initiate_authentication(&c, addr, challenge, info1, sizeof info1, &r);
        esimlpa__es9p_init_auth_clear(&r);
        break;
    }
    case 1: {
        struct esimlpa__es9p_init_auth r;
        memset(&r, 0, sizeof r);
        esimlpa__es11_initiate_authentication(&c, addr, challenge, info1, sizeof info1, &r);
        esimlpa__es9p_init_auth_clear(&r);
        break;
    }
    case 2: {
        struct esimlpa__es9p_auth_client r;
        memset(&r, 0, sizeof r);
        esimlpa__es9p_authenticate_client(&c, addr, tid, der, sizeof der, &r);
        esimlpa__es9p_auth_client_clear(&r);
        break;
    }
    case 3: {
        struct esimlpa__es11_auth_client r;
        memset(&r, 0, sizeof r);
        esimlpa__es11_authenticate_client(&c, addr, tid, der, sizeof der, &r);
        esimlpa__es11_auth_client_clear(&r);
        break;
    }
    case 4: {
        struct esimlpa__bytes bpp = { NULL, 0 };
        esimlpa__es9p_get_bound_profile_package(&c, addr, tid, der, sizeof der, &bpp);
        esimlpa__bytes_clear(&bpp);
        break;
    }
    case 5:
        esimlpa__es9p_handle_notification(&c, " smdp.example .com ", der, sizeof der);
        break;
    case 6:
        esimlpa__es9p_cancel_session(&c, addr, tid, der, sizeof der);
        break;
    default: {
        /* the SM-DP+ address checker on the body text */
        char why[96];
        char *a = strndup((const char *)data + 1, size - 1);
        if (a) {
            esimlpa__es9p_address_check(a, strlen(a), why, sizeof why);
            free(a);
        }
        break;
    }
    }
    return 0;
}
