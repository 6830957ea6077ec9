/* SPDX-License-Identifier: MIT */
/* ES10b.GetRAT (SGP.22 §5.7.22, §2.9.2.2): the Rules Authorisation Table. */
#include <stdlib.h>
#include <string.h>

#include <GetRatResponse.h>
#include <OperatorId.h>
#include <ProfilePolicyAuthorisationRule.h>

#include "es10_common.h"
#include "../asn1util/asn1util.h"

static const uint8_t get_rat_req[] = { 0xBF, 0x43, 0x00 };

void esimlpa_rat_free(struct esimlpa_rat *rat)
{
    if (!rat)
        return;
    for (size_t i = 0; i < rat->count; i++)
        free(rat->rules[i].operators);
    free(rat->rules);
    free(rat);
}

static int decode_rule(esimlpa_ctx *ctx, const char *what,
                       const ProfilePolicyAuthorisationRule_t *in, struct esimlpa_rat_rule *out)
{
    out->ppr_ids = esimlpa__bits_get(&in->pprIds);
    out->consent_required = (esimlpa__bits_get(&in->pprFlags) & 1u) != 0;
    int n = in->allowedOperators.list.count;
    if (n <= 0)
        return ESIMLPA_OK;
    int rc0 = esimlpa__es10_count_ok(ctx, what, "allowedOperators", n, ESIMLPA__ES10_MAX_OPERATORS);
    if (rc0 != ESIMLPA_OK)
        return rc0;
    out->operators = calloc((size_t)n, sizeof *out->operators);
    if (!out->operators)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    out->n_operators = (size_t)n;
    for (int i = 0; i < n; i++) {
        int rc = esimlpa__es10_operator(ctx, what, in->allowedOperators.list.array[i],
                                        &out->operators[i]);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    return ESIMLPA_OK;
}

int esimlpa_rat_get(esimlpa_ctx *ctx, struct esimlpa_rat **out)
{
    static const char what[] = "GetRAT";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!out)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no output pointer", what);
    *out = NULL;
    GetRatResponse_t *r = NULL;
    rc = esimlpa__es10_exchange(ctx, what, get_rat_req, sizeof get_rat_req, 0xBF43,
                                &asn_DEF_GetRatResponse, (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    int n = r->rat.list.count;
    struct esimlpa_rat *rat = NULL;
    rc = esimlpa__es10_count_ok(ctx, what, "RulesAuthorisationTable", n,
                                ESIMLPA__ES10_MAX_RAT_RULES);
    if (rc == ESIMLPA_OK)
        rat = calloc(1, sizeof *rat);
    if (rat && n > 0)
        rat->rules = calloc((size_t)n, sizeof *rat->rules);
    if (rc == ESIMLPA_OK && (!rat || (n > 0 && !rat->rules)))
        rc = esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    for (int i = 0; rc == ESIMLPA_OK && i < n; i++) {
        rat->count = (size_t)i + 1;
        rc = decode_rule(ctx, what, r->rat.list.array[i], &rat->rules[i]);
    }
    ASN_STRUCT_FREE(asn_DEF_GetRatResponse, r);
    if (rc != ESIMLPA_OK) {
        esimlpa_rat_free(rat);
        return rc;
    }
    *out = rat;
    return ESIMLPA_OK;
}
