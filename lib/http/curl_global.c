/* SPDX-License-Identifier: MIT */
/* One-time libcurl initialisation: the only global state of the HTTP layer. */
#include <pthread.h>

#include "esimlpa/error.h"
#include "http/http_internal.h"

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init_once(void)
{
    curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

int esimlpa__curl_global_init(void)
{
    if (pthread_once(&curl_once, curl_init_once) != 0)
        return ESIMLPA_EHTTP;
    return curl_init_rc == CURLE_OK ? 0 : ESIMLPA_EHTTP;
}
