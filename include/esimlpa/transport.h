/* SPDX-License-Identifier: MIT */
/**
 * @file transport.h
 * @brief APDU transport interface: how libesimlpa reaches the eUICC.
 *
 * An integrator with their own modem fills a struct esimlpa_apdu_transport
 * with callbacks; the built-in PC/SC backend (esimlpa_pcsc_transport_new)
 * returns one ready to use. The library owns the ISO 7816-4 logic above it
 * (logical channel, SELECT ISD-R, STORE DATA segmentation, GET RESPONSE).
 */
#ifndef ESIMLPA_TRANSPORT_H
#define ESIMLPA_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Version of struct esimlpa_apdu_transport this header describes. Version 2
 *  added lock, unlock and reconnect; version-1 structs are still accepted. */
#define ESIMLPA_APDU_TRANSPORT_VERSION 2

/** Largest response a transmit callback must be able to return (256 data + SW). */
#define ESIMLPA_APDU_MAX_RESPONSE 258

/**
 * Callbacks of an APDU transport. All return 0 or a negative ESIMLPA_E* code
 * (ESIMLPA_ENOCARD, ESIMLPA_ECARDREMOVED, ESIMLPA_ETIMEOUT, ...).
 */
struct esimlpa_apdu_transport {
    unsigned version;   /**< set to ESIMLPA_APDU_TRANSPORT_VERSION */
    void *user;         /**< passed to every callback */

    /** Power up / connect to the card. */
    int (*connect)(void *user);
    /** Release the card. Must be safe to call after a failed connect. */
    void (*disconnect)(void *user);
    /**
     * Send one command APDU (ISO 7816-4 short APDU, CLA already carries the
     * logical channel) and receive the response data followed by SW1 SW2.
     * On entry *resp_len is the capacity of resp (>= ESIMLPA_APDU_MAX_RESPONSE);
     * on success it is set to the number of bytes written (>= 2).
     */
    int (*transmit)(void *user, const uint8_t *cmd, size_t cmd_len,
                    uint8_t *resp, size_t *resp_len);
    /**
     * Optional. Open a logical channel with the application @p aid selected
     * (for modems with AT+CCHO, or QMI/MBIM). Sets *channel (1..19).
     * NULL: the library sends MANAGE CHANNEL and SELECT through transmit.
     */
    int (*open_logical_channel)(void *user, const uint8_t *aid, size_t aid_len,
                                uint8_t *channel);
    /** Optional, paired with open_logical_channel (AT+CCHC). */
    int (*close_logical_channel)(void *user, uint8_t channel);

    /* version 2 */
    /**
     * Optional. Take exclusive use of the card for one whole operation (a
     * download is one): PC/SC SCardBeginTransaction, a lock on a modem's
     * device. Waits at most @p wait_ms (< 0: not at all) while another
     * program holds it, then returns ESIMLPA_EBUSY.
     */
    int (*lock)(void *user, long wait_ms);
    /** Optional, paired with lock. */
    void (*unlock)(void *user);
    /**
     * Optional. Re-establish the connection after the card was reset (a
     * REFRESH after EnableProfile, or the card reported reset); with @p
     * power_cycle non-zero, power-cycle the card first where the reader can
     * (PC/SC SCardReconnect with SCARD_RESET_CARD / SCARD_UNPOWER_CARD).
     * Logical channels are gone afterwards: the library opens its own again.
     */
    int (*reconnect)(void *user, int power_cycle);
};

/** Options of the built-in PC/SC (pcsc-lite) backend. */
struct esimlpa_pcsc_options {
    unsigned version;        /**< set to ESIMLPA_PCSC_OPTIONS_VERSION */
    const char *reader;      /**< reader name, or its index as a decimal string; NULL: first reader with a card */
    int protocol;            /**< 0 = T=0 or T=1 (card's choice), 1 = T=0 only, 2 = T=1 only */
};
/** Version of struct esimlpa_pcsc_options. */
#define ESIMLPA_PCSC_OPTIONS_VERSION 1

/**
 * Create the PC/SC transport. Nothing is contacted until connect.
 * @param opts may be NULL for defaults.
 * @param out  receives the transport; free it with esimlpa_pcsc_transport_free().
 */
int esimlpa_pcsc_transport_new(const struct esimlpa_pcsc_options *opts,
                               struct esimlpa_apdu_transport **out);
/** Disconnect (if connected) and free a PC/SC transport. NULL-safe. */
void esimlpa_pcsc_transport_free(struct esimlpa_apdu_transport *t);

/**
 * List the PC/SC readers. *names receives a NULL-terminated array of strings
 * (free with esimlpa_pcsc_readers_free()); ESIMLPA_ENOREADER if there are none.
 */
int esimlpa_pcsc_readers_list(char ***names);
/** Free what esimlpa_pcsc_readers_list() returned. NULL-safe. */
void esimlpa_pcsc_readers_free(char **names);

/** Name of the reader the transport connected to, or NULL before connect. */
const char *esimlpa_pcsc_transport_reader(const struct esimlpa_apdu_transport *t);


/** Options of the built-in AT-modem backend (3GPP TS 27.007 AT+CCHO/CGLA/CCHC,
 * AT+CSIM as a fallback for modems that lack logical-channel commands). */
struct esimlpa_at_options {
    unsigned version;          /**< set to ESIMLPA_AT_OPTIONS_VERSION */
    const char *device;        /**< serial device, e.g. "/dev/ttyUSB2" (required) */
    unsigned baud;             /**< line speed in bit/s (9600 .. 4000000); 0 = 115200 */
    unsigned timeout_ms;       /**< time one command may take; 0 = 10000 */
    unsigned probe_timeout_ms; /**< time for ATE0 and the =? test commands; 0 = 2000 */
    int force_csim;            /**< 1: never use AT+CCHO/CGLA, only AT+CSIM */
};
/** Version of struct esimlpa_at_options. */
#define ESIMLPA_AT_OPTIONS_VERSION 1

/**
 * Create the AT-modem transport. Nothing is opened until connect. Its
 * open_logical_channel uses AT+CCHO; when the modem refuses it, it returns
 * ESIMLPA_EUNSUPPORTED and the library opens the channel with MANAGE CHANNEL
 * and SELECT through AT+CSIM.
 * @param opts device, speed, timeouts (version ESIMLPA_AT_OPTIONS_VERSION).
 * @param out receives the transport; free it with esimlpa_at_transport_free().
 */
int esimlpa_at_transport_new(const struct esimlpa_at_options *opts,
                             struct esimlpa_apdu_transport **out);
/** Close (if open) and free an AT-modem transport. NULL-safe. */
void esimlpa_at_transport_free(struct esimlpa_apdu_transport *t);

/** Detail of the last AT transport failure ("AT+CGLA: +CME ERROR: 4"), "" if none. */
const char *esimlpa_at_transport_last_error(const struct esimlpa_apdu_transport *t);

/** 1 when the transport exchanges APDUs through AT+CSIM (fallback), 0 with AT+CGLA. */
int esimlpa_at_transport_uses_csim(const struct esimlpa_apdu_transport *t);

#ifdef __cplusplus
}
#endif
#endif
