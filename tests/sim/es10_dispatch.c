/* SPDX-License-Identifier: MIT */
#include "es10_dispatch.h"

#include "es10_handlers.h"
#include "softeuicc_internal.h"

/* ES10 functions by request tag (sgp22-notes §4.2). The download half
 * (BF38 AuthenticateServer, BF21 PrepareDownload, BF36 LoadBPP segments,
 * BF41 CancelSession) slots in here later. */
static const struct {
    unsigned tag;
    const char *name;
    es10_handler_fn fn;
} handlers[] = {
    { 0xBF20, "GetEUICCInfo1", es10_get_euicc_info1 },
    { 0xBF22, "GetEUICCInfo2", es10_get_euicc_info2 },
    { 0xBF28, "ListNotification", es10_list_notification },
    { 0xBF29, "SetNickname", es10_set_nickname },
    { 0xBF2B, "RetrieveNotificationsList", es10_retrieve_notifications },
    { 0xBF2D, "GetProfilesInfo", es10_get_profiles_info },
    { 0xBF2E, "GetEUICCChallenge", es10_get_euicc_challenge },
    { 0xBF30, "RemoveNotificationFromList", es10_remove_notification },
    { 0xBF31, "EnableProfile", es10_enable_profile },
    { 0xBF32, "DisableProfile", es10_disable_profile },
    { 0xBF33, "DeleteProfile", es10_delete_profile },
    { 0xBF34, "eUICCMemoryReset", es10_memory_reset },
    { 0xBF3C, "GetEuiccConfiguredAddresses", es10_get_configured_addresses },
    { 0xBF3E, "GetEID", es10_get_eid },
    { 0xBF3F, "SetDefaultDpAddress", es10_set_default_dp_address },
    { 0xBF43, "GetRAT", es10_get_rat },
};

unsigned es10_dispatch(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out)
{
    unsigned tag;
    size_t hdr, vlen;
    if (sim_tlv_header(req, len, &tag, &hdr, &vlen) || hdr + vlen != len) {
        se_log(se, "ES10: malformed request TLV (%zu bytes)", len);
        return 0x6A80;
    }
    for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
        if (handlers[i].tag != tag)
            continue;
        unsigned sw = handlers[i].fn(se, req, len, out);
        se_log(se, "ES10 %s (%zu bytes) -> SW %04X, %zu bytes", handlers[i].name, len, sw,
               sw == 0x9000 ? out->len : 0);
        return sw;
    }
    se_log(se, "ES10: unknown function tag %X", tag);
    return 0x6A88;
}
