/* SPDX-License-Identifier: MIT */
/**
 * @file qmi.h
 * @brief Built-in QMI transport: the eUICC behind a Qualcomm QMI modem.
 *
 * Native QMUX framing (no libqmi/GLib): the transport allocates a client of
 * the UIM service through the CTL service, opens a logical channel on the
 * ISD-R with UIM Open Logical Channel, sends each APDU with UIM Send APDU
 * and closes the channel with UIM Logical Channel. It talks to the device
 * node (/dev/cdc-wdm0, /dev/wwan0qmi0) directly, or through libqmi's
 * qmi-proxy so that ModemManager can keep running.
 */
#ifndef ESIMLPA_QMI_H
#define ESIMLPA_QMI_H

#include <esimlpa/transport.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Options of the QMI transport. */
struct esimlpa_qmi_options {
    unsigned version;          /**< set to ESIMLPA_QMI_OPTIONS_VERSION */
    const char *device;        /**< QMI device node, e.g. "/dev/cdc-wdm0" (required) */
    unsigned slot;             /**< UIM slot of the eUICC, 1 or 2; 0 = 1 */
    int use_proxy;             /**< 1: through libqmi's qmi-proxy (abstract socket "qmi-proxy") */
    unsigned timeout_ms;       /**< time one QMI request may take; 0 = 10000 */
    /** 1: make @ref slot the active physical slot first (UIM Switch Slot,
     *  logical slot 1), then talk to logical slot 1. */
    int switch_slot;
    /** Pause after a slot switch that changed something, for modems whose
     *  card is not ready at once; 0 = none. */
    unsigned switch_delay_ms;
};
/** Version of struct esimlpa_qmi_options. */
#define ESIMLPA_QMI_OPTIONS_VERSION 1

/**
 * Create the QMI transport. Nothing is opened until connect.
 * @param opts device, slot, proxy, timeouts (version ESIMLPA_QMI_OPTIONS_VERSION).
 * @param out receives the transport; free it with esimlpa_qmi_transport_free().
 * @return 0 or ESIMLPA_EINVAL (bad options), ESIMLPA_ENOMEM.
 */
int esimlpa_qmi_transport_new(const struct esimlpa_qmi_options *opts,
                              struct esimlpa_apdu_transport **out);
/** Disconnect (if connected) and free a QMI transport. NULL-safe. */
void esimlpa_qmi_transport_free(struct esimlpa_apdu_transport *t);

/** Detail of the last QMI failure ("UIM Open Logical Channel: QMI error
 *  AccessDenied (82)"), "" if none. */
const char *esimlpa_qmi_transport_last_error(const struct esimlpa_apdu_transport *t);

#ifdef __cplusplus
}
#endif
#endif
