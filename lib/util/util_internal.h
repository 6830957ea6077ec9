/* SPDX-License-Identifier: MIT */
/* Small internal helpers shared by the library's layers. Not installed. */
#ifndef ESIMLPA_UTIL_INTERNAL_H
#define ESIMLPA_UTIL_INTERNAL_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include <esimlpa/esimlpa.h>

#include "hex.h"

/* One valid UTF-8 sequence at s (n bytes left): its length, with the code
 * point in *cp; 0 when it is not valid UTF-8 (overlong, surrogate, ...). */
size_t esimlpa__utf8_next(const unsigned char *s, size_t n, unsigned long *cp);
/* Non-zero when s (n bytes) is not valid UTF-8 or holds a C0/C1 control
 * character or DEL: text we refuse to write to the card. */
int esimlpa__text_has_controls(const char *s, size_t n);

/* Milliseconds of CLOCK_MONOTONIC (mono_clock.c): the clock of every
 * deadline and duration in the library. */
long long esimlpa__mono_ms(void);

/* fopen(path, "r") for a regular file only: a FIFO or device planted at
 * @path is neither waited on nor read (NULL, errno EINVAL). */
FILE *esimlpa__fopen_regular(const char *path);

/*
 * Swapped-BCD (EF.ICCID / IMEI style, SGP.22 notes §10.5): digit 2i goes to
 * the low nibble of byte i, digit 2i+1 to its high nibble, unused nibbles are
 * F. @digits must be decimal digits only and fit in @out_len bytes.
 * Returns ESIMLPA_OK or ESIMLPA_EINVAL.
 */
int esimlpa__bcd_swapped_encode(const char *digits, uint8_t *out, size_t out_len);

/*
 * Reverse of esimlpa__bcd_swapped_encode: trailing F nibbles are stripped,
 * any other non-decimal nibble is rejected (ESIMLPA_EDECODE). @out needs
 * room for 2 * len + 1 characters (ESIMLPA_ETOOLONG otherwise).
 */
int esimlpa__bcd_swapped_decode(const uint8_t *in, size_t len, char *out, size_t out_size);

/*
 * EID (SGP.22 notes §10.6): 16 bytes, 32 decimal digits, not swapped.
 * ESIMLPA_EDECODE for a wrong length or a non-decimal nibble.
 */
int esimlpa__eid_from_bytes(const uint8_t *in, size_t len, char out[ESIMLPA_EID_LEN + 1]);

/* 1 if a 32-digit EID passes the SGP.29 check (EID mod 97 == 1), else 0. */
int esimlpa__eid_check_digits_ok(const char *eid);

/* VersionType: 3 bytes major, minor, revision (e.g. 02 03 00 = v2.3.0).
 * ESIMLPA_EDECODE for a length other than 3. */
int esimlpa__version3(const uint8_t *in, size_t len, struct esimlpa_version3 *out);

/*
 * mccMnc of an OperatorId (3GPP TS 24.008 PLMN coding, 3 bytes):
 * MCC2|MCC1, MNC3|MCC3, MNC2|MNC1, with MNC3 = F for a 2-digit MNC.
 * Writes "45412" or "310410". ESIMLPA_EDECODE for a malformed value.
 */
int esimlpa__plmn_decode(const uint8_t *in, size_t len, char out[7]);

/* 1 if @s is @n characters long and all decimal digits, else 0. */
int esimlpa__all_digits(const char *s, size_t n);

#endif
