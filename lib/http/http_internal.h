/* SPDX-License-Identifier: MIT */
/* Internals of the HTTP layer (lib/http): libcurl backend helpers. */
#ifndef ESIMLPA_HTTP_INTERNAL_H
#define ESIMLPA_HTTP_INTERNAL_H

#include <curl/curl.h>

/* curl_global_init exactly once per process, thread-safe. 0 or ESIMLPA_EHTTP. */
int esimlpa__curl_global_init(void);

/*
 * Map a failed transfer to an ESIMLPA_E* code (SGP.22 §5.1, §8.4: certificate
 * problems are distinct from other TLS failures). @p too_big is non-zero when
 * our own size cap aborted the transfer.
 */
int esimlpa__curl_map_error(CURLcode rc, int too_big);

#endif
