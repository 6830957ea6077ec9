/* SPDX-License-Identifier: MIT */
/* struct esimlpa_http_response lifetime. */
#include <stdlib.h>
#include <string.h>

#include "esimlpa/http.h"

void esimlpa_http_response_clear(struct esimlpa_http_response *resp)
{
    if (!resp)
        return;
    free(resp->body);
    free(resp->admin_protocol);
    memset(resp, 0, sizeof(*resp));
}
