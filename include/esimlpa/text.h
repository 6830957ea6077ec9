/* SPDX-License-Identifier: MIT */
/**
 * @file text.h
 * @brief Showing untrusted text: names, addresses and messages that come
 * from a card, an SM-DP+/SM-DS or a reader.
 *
 * The library hands such strings over as received (profile names, service
 * provider names, nicknames, notification and default SM-DP+ addresses, the
 * message of an ES9+ status): they may hold escape sequences that clear a
 * terminal or rewrite a prompt, and bytes that are not UTF-8. Pass them
 * through esimlpa_text_escape() before showing them to a person and through
 * esimlpa_text_utf8_repair() before putting them into JSON or a UI toolkit.
 */
#ifndef ESIMLPA_TEXT_H
#define ESIMLPA_TEXT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Copy @p in to @p out so that it is safe to print on a terminal: valid,
 * printable UTF-8 is kept; control characters (C0, DEL, C1), the Unicode
 * direction overrides and isolates (U+200E/F, U+202A..E, U+2066..9) and
 * U+FEFF are written as `\xHH` or `\uHHHH`; bytes that are not UTF-8 as
 * `\xHH`; a backslash as `\\`. Like snprintf: writes at most @p out_size
 * bytes including the terminating NUL (never cutting an escape or a
 * character in half) and returns the length the whole result needs, so a
 * buffer of the returned value + 1 is enough. @p in NULL counts as "".
 */
size_t esimlpa_text_escape(const char *in, char *out, size_t out_size);

/**
 * Copy @p in to @p out as valid UTF-8: every byte that does not belong to a
 * valid UTF-8 sequence becomes U+FFFD (EF BF BD); everything else is kept.
 * Same size rules and return value as esimlpa_text_escape().
 */
size_t esimlpa_text_utf8_repair(const char *in, char *out, size_t out_size);

#ifdef __cplusplus
}
#endif

#endif
