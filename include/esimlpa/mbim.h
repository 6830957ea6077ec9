/* SPDX-License-Identifier: MIT */
/**
 * @file mbim.h
 * @brief Built-in MBIM transport: the eUICC behind an MBIM modem.
 *
 * Native MBIM framing (no libmbim/GLib): MBIM_OPEN, then the Microsoft UICC
 * low-level access service (c2f6588e-f037-4bc9-8665-f4d44bd09367): Open
 * Channel on the ISD-R, APDU on that channel, Close Channel; MBIM_CLOSE at
 * the end. On a modem with two slots, the Microsoft Basic Connect Extensions
 * device slot mapping makes the asked slot the active one first. Talks to the
 * device node (/dev/cdc-wdm0, /dev/wwan0mbim0) directly, or through libmbim's
 * mbim-proxy so that ModemManager can keep running.
 */
#ifndef ESIMLPA_MBIM_H
#define ESIMLPA_MBIM_H

#include <esimlpa/transport.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Options of the MBIM transport. */
struct esimlpa_mbim_options {
    unsigned version;          /**< set to ESIMLPA_MBIM_OPTIONS_VERSION */
    const char *device;        /**< MBIM device node, e.g. "/dev/cdc-wdm0" (required) */
    unsigned slot;             /**< 0: the active slot as it is; 1 or 2: map that slot first */
    int use_proxy;             /**< 1: through libmbim's mbim-proxy (abstract socket "mbim-proxy") */
    unsigned timeout_ms;       /**< time one MBIM request may take; 0 = 10000 */
    /** Pause after a slot mapping change, for modems whose card is not
     *  ready at once (about 1000 ms in the field); 0 = none. */
    unsigned settle_ms;
};
/** Version of struct esimlpa_mbim_options this header describes. */
#define ESIMLPA_MBIM_OPTIONS_VERSION 1

/**
 * Create the MBIM transport. Nothing is opened until connect.
 * @return 0 or ESIMLPA_EINVAL (bad options), ESIMLPA_ENOMEM.
 */
int esimlpa_mbim_transport_new(const struct esimlpa_mbim_options *opts,
                               struct esimlpa_apdu_transport **out);
/** Free a transport from esimlpa_mbim_transport_new() (NULL is fine); disconnects first. */
void esimlpa_mbim_transport_free(struct esimlpa_apdu_transport *t);

/** Detail of the last MBIM failure ("MS UICC Open Channel: MBIM status
 *  MsNoLogicalChannels (0x87430001)"), "" if none. */
const char *esimlpa_mbim_transport_last_error(const struct esimlpa_apdu_transport *t);

#ifdef __cplusplus
}
#endif
#endif
