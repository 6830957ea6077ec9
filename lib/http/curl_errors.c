/* SPDX-License-Identifier: MIT */
/* CURLcode → ESIMLPA_E* mapping for the libcurl backend. */
#include "esimlpa/error.h"
#include "http/http_internal.h"

int esimlpa__curl_map_error(CURLcode rc, int too_big)
{
    if (too_big)
        return ESIMLPA_EHTTP_TOOBIG;
    switch (rc) {
    case CURLE_OK:
        return 0;
    case CURLE_OUT_OF_MEMORY:
        return ESIMLPA_ENOMEM;
    case CURLE_URL_MALFORMAT:
        return ESIMLPA_EINVAL;
    case CURLE_UNSUPPORTED_PROTOCOL:
        return ESIMLPA_EHTTP_PLAIN;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return ESIMLPA_EHTTP_CONNECT;
    /* Peer not trusted, expired, wrong host name, bad CA file (§8.4).
     * CURLE_SSL_CACERT is an alias of CURLE_PEER_FAILED_VERIFICATION. */
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return ESIMLPA_EHTTP_CERT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
        return ESIMLPA_EHTTP_TLS;
    case CURLE_OPERATION_TIMEDOUT:
        return ESIMLPA_ETIMEOUT;
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
        return ESIMLPA_EHTTP_CLOSED;
    case CURLE_FILESIZE_EXCEEDED:
        return ESIMLPA_EHTTP_TOOBIG;
    default:
        return ESIMLPA_EHTTP;
    }
}
