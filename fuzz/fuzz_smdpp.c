/* SPDX-License-Identifier: MIT */
/* The test SM-DP+ / SM-DS request handling (tests/smdpp): the first byte
 * picks the server (SM-DP+ or SM-DS), the ES9+/ES11 function and the header
 * variant, the rest is the request body given to smdpp_handle(). With the
 * top bit set the rest is an HTTP request head for the httpd parser. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_data.h"
#include "httpd_internal.h"
#include "smdpp_internal.h"

static struct smdpp *servers[2];

static struct smdpp *start(enum smdpp_role role)
{
    int ds = role == SMDPP_ROLE_SMDS;
    char ac[1024], ak[1024], pc[1024], pk[1024], ci[1024], orders[1024], err[256] = "";
    snprintf(ac, sizeof ac, "%s", fuzz_data_path(FUZZ_DATA_PKI, ds ? "dsauth_nist.der" : "dpauth_nist.der"));
    snprintf(ak, sizeof ak, "%s", fuzz_data_path(FUZZ_DATA_PKI, ds ? "dsauth_nist.key" : "dpauth_nist.key"));
    snprintf(pc, sizeof pc, "%s", fuzz_data_path(FUZZ_DATA_PKI, "dppb_nist.der"));
    snprintf(pk, sizeof pk, "%s", fuzz_data_path(FUZZ_DATA_PKI, "dppb_nist.key"));
    snprintf(ci, sizeof ci, "%s", fuzz_data_path(FUZZ_DATA_PKI, "ci_nist.der"));
    snprintf(orders, sizeof orders, "%s", fuzz_data_path(FUZZ_DATA_PROFILES, "orders.json"));
    struct smdpp_options o;
    memset(&o, 0, sizeof o);
    o.role = role;
    o.auth_cert = ac;
    o.auth_key = ak;
    o.pb_cert = pc;
    o.pb_key = pk;
    o.ci_certs[o.n_ci++] = ci;
    o.orders = orders;
    struct smdpp *s = smdpp_new(&o, err, sizeof err);
    if (!s) {
        fprintf(stderr, "smdpp_new: %s\n", err);
        abort();
    }
    return s;
}

static void head(const uint8_t *data, size_t size)
{
    struct req_head h;
    memset(&h, 0, sizeof h);
    char *buf = malloc(size + 1);
    if (!buf)
        return;
    memcpy(buf, data, size);
    buf[size] = 0;
    httpd__parse_head(buf, size, 1 << 20, &h);
    httpd__head_free(&h);   /* the owner frees after a refusal too */
    free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] & 0x80) {
        head(data + 1, size - 1);
        return 0;
    }
    int ds = (data[0] >> 3) & 1;
    if (!servers[ds])
        servers[ds] = start(ds ? SMDPP_ROLE_SMDS : SMDPP_ROLE_SMDP);
    struct smdpp *s = servers[ds];

    char path[96];
    snprintf(path, sizeof path, "/gsma/rsp2/%s/%s", ds && (data[0] & 0x10) ? "es11" : "es9plus",
             smdpp_fn_names[(data[0] & 7) % FN_COUNT]);
    struct httpd_header hdrs[2] = {
        { "Content-Type", "application/json" },
        { "X-Admin-Protocol", (data[0] & 0x20) ? "gsma/rsp/v2.1.0" : "gsma/rsp/v2.2.0" },
    };
    uint8_t *body = malloc(size);   /* NUL-terminated copy */
    if (!body)
        return 0;
    memcpy(body, data + 1, size - 1);
    body[size - 1] = 0;
    struct httpd_request req;
    memset(&req, 0, sizeof req);
    req.method = (data[0] & 0x40) ? "GET" : "POST";
    req.path = path;
    req.version = "HTTP/1.1";
    req.headers = hdrs;
    req.n_headers = 2;
    req.body = body;
    req.body_len = size - 1;
    req.conn_id = 1;
    req.conn_request = 1;
    struct httpd_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = 200;
    smdpp_handle(s, &req, &resp);
    httpd__response_free(&resp);
    free(body);
    /* bound the state kept between inputs */
    smdpp_session_free_all(s);
    return 0;
}
