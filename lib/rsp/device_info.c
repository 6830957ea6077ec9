/* SPDX-License-Identifier: MIT */
/* DeviceInfo for ctxParams1 (SGP.22 §4.2, notes §4.3 and pitfall 26). */
#include <string.h>

#include "rsp_internal.h"
#include "../util/util_internal.h"

/* lpac's default TAC; any 4 bytes are accepted by the servers seen. */
static const uint8_t default_tac[4] = { 0x35, 0x29, 0x06, 0x11 };

int esimlpa__device_info_init(esimlpa_ctx *ctx, struct esimlpa__device_info *di,
                              const char *imei)
{
    memset(di, 0, sizeof *di);
    memcpy(di->tac, default_tac, sizeof di->tac);
    if (!imei || !imei[0])
        return ESIMLPA_OK;
    size_t n = strlen(imei);
    /* IMEI 15 digits, IMEISV 16 (3GPP TS 23.003). */
    if ((n != 15 && n != 16) || !esimlpa__all_digits(imei, n))
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "IMEI must be 15 or 16 digits");
    if (esimlpa__bcd_swapped_encode(imei, di->imei, sizeof di->imei) != ESIMLPA_OK)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "IMEI cannot be encoded");
    /* The TAC is the first 8 digits: the first 4 bytes of the encoding. */
    memcpy(di->tac, di->imei, 4);
    di->has_imei = 1;
    return ESIMLPA_OK;
}
