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
