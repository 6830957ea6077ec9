/* SPDX-License-Identifier: MIT */
/* QMI protocol error codes: the names libqmi and qmicli print (so a user can
 * search for them) and the ESIMLPA_E* codes they map to. */
#include "qmi_internal.h"

#include <stddef.h>

#include <esimlpa/error.h>

static const struct {
    uint16_t code;
    const char *name;
} names[] = {
    { 1, "MalformedMessage" },      { 2, "NoMemory" },
    { 3, "Internal" },              { 4, "Aborted" },
    { 5, "ClientIdsExhausted" },    { 6, "UnabortableTransaction" },
    { 7, "InvalidClientId" },       { 9, "InvalidHandle" },
    { 16, "NotProvisioned" },       { 17, "MissingArgument" },
    { 19, "ArgumentTooLong" },      { 22, "InvalidTransactionId" },
    { 23, "DeviceInUse" },          { 25, "DeviceUnsupported" },
    { 26, "NoEffect" },             { 35, "PinBlocked" },
    { 36, "PinAlwaysBlocked" },     { 37, "UimUninitialized" },
    { 45, "InvalidDataFormat" },    { 46, "GeneralError" },
    { 47, "UnknownError" },         { 48, "InvalidArgument" },
    { 49, "InvalidIndex" },         { 50, "NoEntry" },
    { 51, "DeviceStorageFull" },    { 52, "DeviceNotReady" },
    { 60, "InvalidTransition" },    { 65, "SessionInactive" },
    { 66, "SessionInvalid" },       { 67, "SessionOwnership" },
    { 68, "InsufficientResources" },{ 69, "Disabled" },
    { 70, "InvalidOperation" },     { 71, "InvalidQmiCommand" },
    { 74, "InformationUnavailable" },{ 80, "SimFileNotFound" },
    { 81, "ExtendedInternal" },     { 82, "AccessDenied" },
    { 94, "NotSupported" },
};

const char *esimlpa__qmi_error_name(uint16_t err)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == err)
            return names[i].name;
    return NULL;
}

int esimlpa__qmi_error_code(uint16_t err)
{
    switch (err) {
    case QMI_ERR_DEVICE_IN_USE:
    case QMI_ERR_CLIENT_IDS_EXHAUSTED:
        return ESIMLPA_EBUSY;
    case QMI_ERR_UIM_UNINITIALIZED:
    case QMI_ERR_DEVICE_NOT_READY:
        return ESIMLPA_ENOCARD;
    case QMI_ERR_INSUFFICIENT_RESOURCES:
        return ESIMLPA_ENOCHANNEL;
    case QMI_ERR_SIM_FILE_NOT_FOUND:
        return ESIMLPA_ENOISDR;
    case QMI_ERR_INVALID_QMI_COMMAND:
    case 94: /* NotSupported */
        return ESIMLPA_EUNSUPPORTED;
    default:
        return ESIMLPA_ETRANSPORT;
    }
}
