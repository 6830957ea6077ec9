/* SPDX-License-Identifier: MIT */
/* lpac's output line protocol: one JSON object per line on stdout,
 * {"type":"lpa"|"progress"|"driver","payload":{"code","message","data"}}. */
#ifndef ESIMLPA_LPAC_JLINE_H
#define ESIMLPA_LPAC_JLINE_H

#include <stddef.h>
#include <stdint.h>
#include <cJSON.h>

/* The final line of a successful command; takes ownership of data (NULL: null). */
void jl_success(cJSON *data);
/* The final line of a failed command: code -1, message = the failed step, data = detail. */
void jl_error(const char *function, const char *detail);
/* A progress line: message = the step, data = a string (NULL: null). */
void jl_progress(const char *function, const char *detail);
/* A progress line with an object as data (ownership taken). */
void jl_progress_obj(const char *function, cJSON *data);
/* A "driver" line whose payload is @p payload (ownership taken). */
void jl_driver(cJSON *payload);

/* Add text that came from the card or a server: always valid UTF-8 (cJSON
 * escapes control characters); NULL adds null. */
void jl_add_text(cJSON *obj, const char *key, const char *untrusted);
/* Lower-case hex of bytes, or null when n is 0. */
void jl_add_hex(cJSON *obj, const char *key, const uint8_t *p, size_t n);
/* Base64 of bytes (RFC 4648), or null when n is 0. */
void jl_add_base64(cJSON *obj, const char *key, const uint8_t *p, size_t n);
char *jl_base64(const uint8_t *p, size_t n);

#endif
