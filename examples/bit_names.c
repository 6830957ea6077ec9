/* SPDX-License-Identifier: MIT */
#include "bit_names.h"

static const char *const uicc[] = {
    "contactlessSupport", "usimSupport", "isimSupport", "csimSupport", "akaMilenage",
    "akaCave", "akaTuak128", "akaTuak256", "rfu1", "rfu2", "gbaAuthenUsim",
    "gbaAuthenISim", "mbmsAuthenUsim", "eapClient", "javacard", "multos",
    "multipleUsimSupport", "multipleIsimSupport", "multipleCsimSupport",
    "berTlvFileSupport", "dfLinkSupport", "catTp", "getIdentity", "profile-a-x25519",
    "profile-b-p256", "suciCalculatorApi" };
static const char *const rsp[] = { "additionalProfile", "crlSupport", "rpmSupport",
                                   "testProfileSupport", "deviceInfoExtensibilitySupport" };
static const char *const ppr[] = { "pprUpdateControl", "ppr1", "ppr2" };

cJSON *bit_names_json(enum bit_names_kind kind, uint32_t bits)
{
    const char *const *names = uicc;
    unsigned n = sizeof uicc / sizeof uicc[0];
    if (kind == BIT_NAMES_RSP_CAPABILITY) {
        names = rsp;
        n = sizeof rsp / sizeof rsp[0];
    } else if (kind == BIT_NAMES_PPR) {
        names = ppr;
        n = sizeof ppr / sizeof ppr[0];
    }
    cJSON *a = cJSON_CreateArray();
    for (unsigned i = 0; i < n; i++)
        if (bits & (1u << i))
            cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    return a;
}
