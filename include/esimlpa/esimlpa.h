/* SPDX-License-Identifier: MIT */
/**
 * @file esimlpa.h
 * @brief libesimlpa: a GSMA SGP.22 Local Profile Assistant library.
 *
 * Include this header; it pulls in the others.
 *
 * @par Threads
 * Contexts are independent: any number of them may run at once, each on its
 * own thread (the library has no mutable global state of its own; the asn1c
 * type tables are read-only and the one cJSON parse global is taken under a
 * lock). One context is used by one thread at a time; only
 * esimlpa_ctx_cancel() may be called on it from another thread or a signal
 * handler. Callbacks (log, consent, progress, transports) run on the thread
 * that called into the library, while it holds that context: they may use
 * other contexts but must not call back into their own, except
 * esimlpa_ctx_cancel(). libcurl and OpenSSL are initialised once, thread-safely,
 * by the first transport created. A program that also parses JSON with cJSON
 * on other threads shares cJSON's global error position with the library
 * (cJSON_GetErrorPtr may then report the library's parse): use
 * cJSON_ParseWithLengthOpts' return_parse_end instead.
 *
 * @par Out structs (the size rule)
 * Every struct the library fills in the caller's memory (struct
 * esimlpa_download_result, esimlpa_renew_result, esimlpa_ctx_stats,
 * esimlpa_http_stats) starts with `size_t struct_size`. Set it to the
 * struct's size before the call:
 * @code
 * struct esimlpa_download_result r = { .struct_size = sizeof r };
 * @endcode
 * The library writes at most struct_size bytes (the members that fit; never
 * a byte past it) and leaves the number it wrote in struct_size. New members
 * are only ever appended, so a program built against an older header keeps
 * working with a newer library, and a newer program can tell from
 * struct_size whether a member was filled. Fewer than sizeof(size_t):
 * nothing is written. Programs built before the rule keep their layouts:
 * download and renew options of version 1 and 2 get the old result layouts
 * (without struct_size), and esimlpa_ctx_stats_get() /
 * esimlpa_curl_transport_stats() fill the frozen *_v1 structs.
 * Option structs grow the other way: by their version member. Structs the
 * library allocates or owns (lists, struct esimlpa_es9_status behind
 * esimlpa_ctx_last_es9_status()) only ever gain members at their end. The
 * small value types struct esimlpa_profile_id and esimlpa_activation_code
 * keep their layout; new data would come in a new struct.
 */
#ifndef ESIMLPA_ESIMLPA_H
#define ESIMLPA_ESIMLPA_H

#include <esimlpa/error.h>
#include <esimlpa/transport.h>
#include <esimlpa/qmi.h>
#include <esimlpa/mbim.h>
#include <esimlpa/ctx.h>
#include <esimlpa/es10.h>
#include <esimlpa/http.h>
#include <esimlpa/activation.h>
#include <esimlpa/es9p.h>
#include <esimlpa/download.h>
#include <esimlpa/text.h>

#endif
