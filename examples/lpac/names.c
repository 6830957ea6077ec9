/* SPDX-License-Identifier: MIT */
#include "names.h"
#include "../bit_names.h"

#include <stdio.h>
#include <string.h>

cJSON *names_uicc_capability(uint32_t bits) { return bit_names_json(BIT_NAMES_UICC_CAPABILITY, bits); }
cJSON *names_rsp_capability(uint32_t bits) { return bit_names_json(BIT_NAMES_RSP_CAPABILITY, bits); }
cJSON *names_ppr(uint32_t bits) { return bit_names_json(BIT_NAMES_PPR, bits); }

/* ProfilePolicyAuthorisationRule.pprFlags { consentRequired(0) }, SGP.22 §2.9.2.2. */
cJSON *names_ppr_flags(int consent_required)
{
    cJSON *a = cJSON_CreateArray();
    if (consent_required)
        cJSON_AddItemToArray(a, cJSON_CreateString("consentRequired"));
    return a;
}

const char *names_euicc_category(int category)
{
    switch (category) {
    case 0: return "other";
    case 1: return "basicEuicc";
    case 2: return "mediumEuicc";
    case 3: return "contactlessEuicc";
    case -1: return NULL;
    default: return "unknown";
    }
}

const char *names_profile_state(enum esimlpa_profile_state s)
{
    return s == ESIMLPA_PROFILE_ENABLED ? "enabled" : "disabled";
}

const char *names_profile_class(enum esimlpa_profile_class c)
{
    switch (c) {
    case ESIMLPA_CLASS_TEST: return "test";
    case ESIMLPA_CLASS_PROVISIONING: return "provisioning";
    case ESIMLPA_CLASS_OPERATIONAL: return "operational";
    }
    return "unknown";
}

const char *names_icon_type(enum esimlpa_icon_type t)
{
    switch (t) {
    case ESIMLPA_ICON_JPG: return "jpeg";
    case ESIMLPA_ICON_PNG: return "png";
    case ESIMLPA_ICON_NONE: return NULL;
    }
    return "unknown";
}

/* NotificationEvent bits, SGP.22 §5.7.9 NotificationMetadata. */
const char *names_operation(unsigned event)
{
    if (event == ESIMLPA_EVENT_INSTALL) return "install";
    if (event == ESIMLPA_EVENT_ENABLE) return "enable";
    if (event == ESIMLPA_EVENT_DISABLE) return "disable";
    if (event == ESIMLPA_EVENT_DELETE) return "delete";
    return "unknown";
}

void names_version(cJSON *obj, const char *key, const struct esimlpa_version3 *v)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%u.%u.%u", v->major, v->minor, v->revision);
    cJSON_AddStringToObject(obj, key, buf);
}

/* TS 24.008 §10.5.1.13: MCC2 MCC1 | MNC3 MCC3 | MNC2 MNC1, MNC3 = F for two digits. */
void names_plmn_hex(const char *mcc_mnc, char out[7])
{
    size_t n = strlen(mcc_mnc);
    if (n != 5 && n != 6) {
        out[0] = '\0';
        return;
    }
    char d[6];
    memcpy(d, mcc_mnc, 5);
    d[5] = n == 6 ? mcc_mnc[5] : 'f';
    const char nib[6] = { d[1], d[0], n == 6 ? d[5] : 'f', d[2], d[4], d[3] };
    for (int i = 0; i < 6; i++)
        out[i] = (char)((nib[i] >= 'A' && nib[i] <= 'F') ? nib[i] - 'A' + 'a' : nib[i]);
    out[6] = '\0';
}
