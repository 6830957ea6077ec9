/* SPDX-License-Identifier: MIT */
/* MBIM status codes and function error codes: the names libmbim and mbimcli
 * print (MBIM 1.0 §9.4.5 status codes; the Microsoft UICC low-level access
 * extension adds 0x87430001-3) and the ESIMLPA_E* codes they map to. */
#include "mbim_internal.h"

#include <stddef.h>

#include <esimlpa/error.h>

static const struct {
    uint32_t code;
    const char *name;
} status_names[] = {
    { 1, "Busy" },                    { 2, "Failure" },
    { 3, "SimNotInserted" },          { 4, "BadSim" },
    { 5, "PinRequired" },             { 6, "PinDisabled" },
    { 7, "NotRegistered" },           { 8, "ProvidersNotFound" },
    { 9, "NoDeviceSupport" },         { 14, "NotInitialized" },
    { 20, "RadioPowerOff" },          { 21, "InvalidParameters" },
    { 22, "ReadFailure" },            { 23, "WriteFailure" },
    { 26, "ParameterTooLong" },       { 28, "OperationNotAllowed" },
    { MBIM_STATUS_MS_NO_LOGICAL_CHANNELS, "MsNoLogicalChannels" },
    { MBIM_STATUS_MS_SELECT_FAILED, "MsSelectFailed" },
    { MBIM_STATUS_MS_INVALID_LOGICAL_CHANNEL, "MsInvalidLogicalChannel" },
};

static const char *const error_names[] = {
    NULL, "TimeoutFragment", "FragmentOutOfSequence", "LengthMismatch", "DuplicatedTid",
    "NotOpened", "Unknown", "Cancel", "MaxTransfer",
};

const char *esimlpa__mbim_status_name(uint32_t status)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0]; i++)
        if (status_names[i].code == status)
            return status_names[i].name;
    return NULL;
}

int esimlpa__mbim_status_code(uint32_t status)
{
    switch (status) {
    case MBIM_STATUS_BUSY:
        return ESIMLPA_EBUSY;
    case MBIM_STATUS_SIM_NOT_INSERTED:
    case MBIM_STATUS_BAD_SIM:
    case MBIM_STATUS_NOT_INITIALIZED:
        return ESIMLPA_ENOCARD;
    case MBIM_STATUS_NO_DEVICE_SUPPORT:
        return ESIMLPA_EUNSUPPORTED;
    case MBIM_STATUS_MS_NO_LOGICAL_CHANNELS:
        return ESIMLPA_ENOCHANNEL;
    case MBIM_STATUS_MS_SELECT_FAILED:
        return ESIMLPA_ENOISDR;
    default:
        return ESIMLPA_ETRANSPORT;
    }
}

const char *esimlpa__mbim_error_name(uint32_t err)
{
    if (err < sizeof error_names / sizeof error_names[0])
        return error_names[err];
    return NULL;
}
