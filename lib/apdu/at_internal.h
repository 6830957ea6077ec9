/* SPDX-License-Identifier: MIT */
/* AT-modem APDU transport: serial I/O and response parsing (not installed). */
#ifndef ESIMLPA_AT_INTERNAL_H
#define ESIMLPA_AT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "card_lockfile.h"   /* esimlpa__mono_ms: the clock of every deadline */

/* Longest line kept: "+CGLA: 516," + 516 hex digits + quotes, with room to spare.
 * Longer lines (long URCs) are dropped. */
#define ESIMLPA_AT_LINE_MAX 1100

/* --- at_serial.c --- */

/* Open @path for reading and writing without making it the controlling
 * terminal, raw 8N1 at @baud. Returns the fd or a negative ESIMLPA_E* code
 * (detail in err). */
int esimlpa__at_serial_open(const char *path, unsigned baud, char *err, size_t err_len);
/* Write all of buf before the absolute deadline (CLOCK_MONOTONIC ms).
 * 0, ESIMLPA_ETIMEOUT or ESIMLPA_ECARDREMOVED (line gone). */
int esimlpa__at_serial_write(int fd, const char *buf, size_t len, long long deadline_ms);
/* Wait for input until the deadline and read what is there into buf.
 * Returns the byte count (> 0), ESIMLPA_ETIMEOUT or ESIMLPA_ECARDREMOVED
 * (end of file / EIO: the modem went away). */
long esimlpa__at_serial_read(int fd, char *buf, size_t cap, long long deadline_ms);
/* Drop any pending input (a late answer to a command that timed out). */
void esimlpa__at_serial_drain(int fd);

/* --- at_parse.c --- */

enum esimlpa_at_final {
    ESIMLPA_AT_NOT_FINAL = 0,
    ESIMLPA_AT_FINAL_OK,
    ESIMLPA_AT_FINAL_ERROR,      /* ERROR, +CME ERROR: n, +CMS ERROR: n */
};

/* Is the line a final result code? */
enum esimlpa_at_final esimlpa__at_final(const char *line);
/* A line that is an echo of a command we sent (modem without ATE0). */
int esimlpa__at_is_echo(const char *line);

/* Channel number of an AT+CCHO answer: "+CCHO: 1", "+CCHO: \"1\"", "1",
 * "+CCHO: 0001", "+CCHO: 0x0A", "+CCHO: 000A". Returns 0 and *ch, or -1 when
 * the line is not a channel answer. */
int esimlpa__at_parse_channel(const char *line, unsigned long *ch);

/* Response APDU of an AT+CGLA / AT+CSIM answer. @prefix is "+CGLA" or "+CSIM";
 * accepted forms: "<prefix>: <len>,\"<hex>\"", without the prefix, without
 * quotes, any case, <len> in hex digits or in bytes. Returns the byte count,
 * -1 when the line does not look like an APDU answer, -2 when it does but
 * is malformed (odd hex, length mismatch, too long for cap). */
long esimlpa__at_parse_apdu(const char *line, const char *prefix, uint8_t *out, size_t cap);

#endif
