/* SPDX-License-Identifier: MIT */
/* ES10a (SGP.22 §5.7.3, §5.7.4): GetEuiccConfiguredAddresses and
 * SetDefaultDpAddress. */
#include <stdlib.h>
#include <string.h>

#include <EuiccConfiguredAddressesResponse.h>
#include <SetDefaultDpAddressRequest.h>
#include <SetDefaultDpAddressResponse.h>

#include "es10_common.h"
#include "../es9p/es9p_address.h"

/* An FQDN is at most 255 bytes (RFC 1035 §2.3.4). */
#define ADDRESS_MAX 255

static const uint8_t get_addresses_req[] = { 0xBF, 0x3C, 0x00 };

void esimlpa_configured_addresses_free(struct esimlpa_configured_addresses *a)
{
    if (!a)
        return;
    free(a->default_dp_address);
    free(a->root_ds_address);
    free(a);
}

int esimlpa_configured_addresses_get(esimlpa_ctx *ctx, struct esimlpa_configured_addresses **out)
{
    static const char what[] = "GetEuiccConfiguredAddresses";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!out)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no output pointer", what);
    *out = NULL;
    EuiccConfiguredAddressesResponse_t *r = NULL;
    rc = esimlpa__es10_exchange(ctx, what, get_addresses_req, sizeof get_addresses_req,
                                0xBF3C, &asn_DEF_EuiccConfiguredAddressesResponse,
                                (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa_configured_addresses *a = calloc(1, sizeof *a);
    if (!a)
        rc = esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es10_string(ctx, what, "defaultDpAddress", r->defaultDpAddress,
                                  ADDRESS_MAX, &a->default_dp_address);
    /* rootDsAddress is mandatory in the ASN.1; an empty one means "not set". */
    if (rc == ESIMLPA_OK && r->rootDsAddress.size > 0)
        rc = esimlpa__es10_string(ctx, what, "rootDsAddress", &r->rootDsAddress,
                                  ADDRESS_MAX, &a->root_ds_address);
    if (rc == ESIMLPA_OK && a->default_dp_address && !a->default_dp_address[0]) {
        free(a->default_dp_address);
        a->default_dp_address = NULL;
    }
    ASN_STRUCT_FREE(asn_DEF_EuiccConfiguredAddressesResponse, r);
    if (rc != ESIMLPA_OK) {
        esimlpa_configured_addresses_free(a);
        return rc;
    }
    *out = a;
    return ESIMLPA_OK;
}

static const struct esimlpa__result_map set_dp_results[] = {
    { 127, ESIMLPA_EEUICC_UNDEFINED, "undefinedError" },
    { 0, 0, NULL },
};

int esimlpa_default_dp_address_set(esimlpa_ctx *ctx, const char *address)
{
    static const char what[] = "SetDefaultDpAddress";
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    if (!address)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: no address", what);
    size_t n = strlen(address);
    if (n > ADDRESS_MAX)
        return esimlpa__fail(ctx, ESIMLPA_ETOOLONG, "%s: address of %zu bytes (at most %d)",
                             what, n, ADDRESS_MAX);
    /* The eUICC hands this address to the LPA as the SM-DP+ of a download
     * without an activation code (SGP.22 §3.1.1.3 / §5.7.4): it must be what
     * an activation code may carry, an FQDN with an optional port. */
    char why[96];
    if (n > 0 && esimlpa__es9p_address_check(address, n, why, sizeof why) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EBADADDRESS, "%s: SM-DP+ address %s", what, why);
    SetDefaultDpAddressRequest_t req;
    memset(&req, 0, sizeof req);
    req.defaultDpAddress.buf = (uint8_t *)address;  /* not freed: encoded only */
    req.defaultDpAddress.size = (int)n;
    SetDefaultDpAddressResponse_t *r = NULL;
    rc = esimlpa__es10_call(ctx, what, &asn_DEF_SetDefaultDpAddressRequest, &req, 0xBF3F,
                            &asn_DEF_SetDefaultDpAddressResponse, (void **)&r, NULL, NULL);
    if (rc != ESIMLPA_OK)
        return rc;
    rc = esimlpa__es10_result(ctx, what, r->setDefaultDpAddressResult, set_dp_results);
    ASN_STRUCT_FREE(asn_DEF_SetDefaultDpAddressResponse, r);
    return rc;
}
