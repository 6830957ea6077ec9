/* SPDX-License-Identifier: MIT */
/* Handing the eUICC's trusted CIs to the HTTP transport (issue 9): the
 * SKIs of euiccCiPKIdListForVerification (EUICCInfo1, SGP.22 §5.7.8) are
 * cached on the context, and the transport then trusts for ES9+/ES11 TLS
 * only the bundled RSP CI roots the card itself can verify with. */
#include <string.h>

#include "rsp_internal.h"

static void cache(esimlpa_ctx *ctx, const struct esimlpa_euicc_info1 *info1)
{
    size_t n = info1->n_ci_pkid_verification;
    if (n > sizeof ctx->euicc_ci / sizeof ctx->euicc_ci[0])
        n = sizeof ctx->euicc_ci / sizeof ctx->euicc_ci[0];
    memcpy(ctx->euicc_ci, info1->ci_pkid_verification, n * sizeof ctx->euicc_ci[0]);
    ctx->n_euicc_ci = n;
    ctx->euicc_ci_known = 1;
}

int esimlpa__euicc_ci_apply(esimlpa_ctx *ctx, struct esimlpa_http_transport *http,
                            const struct esimlpa_euicc_info1 *info1)
{
    if (info1)
        cache(ctx, info1);
    if (!ctx->euicc_ci_known || !http || http->version < 3 || !http->set_euicc_ci)
        return ESIMLPA_OK;
    struct esimlpa_ci_pkid ids[sizeof ctx->euicc_ci / sizeof ctx->euicc_ci[0]];
    for (size_t i = 0; i < ctx->n_euicc_ci; i++) {
        ids[i].id = ctx->euicc_ci[i].bytes;
        ids[i].len = ctx->euicc_ci[i].len;
    }
    int rc = http->set_euicc_ci(http->user, ids, ctx->n_euicc_ci);
    if (rc != ESIMLPA_OK) {
        const char *why = http->last_error ? http->last_error(http->user) : NULL;
        return esimlpa__fail(ctx, rc, "HTTP transport: setting the eUICC's CIs: %s",
                             why && why[0] ? why : esimlpa_strerror(rc));
    }
    return ESIMLPA_OK;
}
