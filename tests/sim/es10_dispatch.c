/* SPDX-License-Identifier: MIT */
#include "es10_dispatch.h"

#include "es10_bpp.h"
#include "es10_faults.h"
#include "es10_handlers.h"
#include "softeuicc_internal.h"

/* ES10 functions by request tag (sgp22-notes §4.2). LoadBoundProfilePackage has
 * no request tag of its own: its segment commands (§6.3) go to es10_load_bpp. */
static const struct {
    unsigned tag;
    const char *name;
    es10_handler_fn fn;
} handlers[] = {
    { 0xBF20, "GetEUICCInfo1", es10_get_euicc_info1 },
    { 0xBF21, "PrepareDownload", es10_prepare_download },
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
    { 0xBF38, "AuthenticateServer", es10_authenticate_server },
    { 0xBF3C, "GetEuiccConfiguredAddresses", es10_get_configured_addresses },
    { 0xBF3E, "GetEID", es10_get_eid },
    { 0xBF3F, "SetDefaultDpAddress", es10_set_default_dp_address },
    { 0xBF41, "CancelSession", es10_cancel_session },
    { 0xBF43, "GetRAT", es10_get_rat },
};

/* One LoadBPP segment command, with the --fail-at fault knob in front. */
static unsigned load_bpp(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out)
{
    if (len >= 2 && req[0] == 0xBF && req[1] == 0x36)
        se->bpp_commands = 0;
    se->bpp_commands++;
    int hit;
    unsigned fsw = se_es10_fault(se, 0xBF36, se->bpp_commands, out, &hit);
    if (hit)
        return fsw;
    if (se->fail_at_segment && se->bpp_commands == se->fail_at_segment) {
        se_log(se, "LoadBPP command %u: injected fault (%s)", se->bpp_commands,
               se->fail_sw ? "status word" : "garbage data");
        if (se->fail_sw)
            return se->fail_sw;
        static const uint8_t garbage[] = { 0xDE, 0xAD, 0xBE, 0xEF };
        dbuf_put(out, garbage, sizeof(garbage));
        return 0x9000;
    }
    unsigned sw = es10_load_bpp(se, req, len, out);
    se_log(se, "ES10 LoadBoundProfilePackage segment %02X (%zu bytes) -> SW %04X, %zu bytes",
           req[0], len, sw, sw == 0x9000 ? out->len : 0);
    return sw;
}

unsigned es10_dispatch(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out)
{
    unsigned tag;
    size_t hdr, vlen;
    if (es10_is_bpp_command(req, len))
        return load_bpp(se, req, len, out);
    /* Anything but CancelSession in the middle of a load aborts it (§6.3). */
    if (se->session.bpp && !(len >= 2 && req[0] == 0xBF && req[1] == 0x41))
        es10_bpp_interrupt(se);
    if (sim_tlv_header(req, len, &tag, &hdr, &vlen) || hdr + vlen != len) {
        se_log(se, "ES10: malformed request TLV (%zu bytes)", len);
        return 0x6A80;
    }
    int hit;
    unsigned fsw = se_es10_fault(se, tag, 0, out, &hit);
    if (hit)
        return fsw;
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
