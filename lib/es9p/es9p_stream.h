/* SPDX-License-Identifier: MIT */
/* The receiving side of a streamed ES9+ answer (getBoundProfilePackage,
 * issue 14): body pieces go through the JSON/base64 scanner to a sink while
 * they arrive; what is left (or a non-2xx body) is checked like any answer
 * by es9p_http.c. Internal to lib/es9p. */
#ifndef ESIMLPA_ES9P_STREAM_H
#define ESIMLPA_ES9P_STREAM_H

#include <esimlpa/http.h>

#include "bpp_stream_json.h"
#include "es9p_internal.h"

#define ESIMLPA__ES9P_ERROR_BODY_MAX ((size_t)16 << 10)   /* non-2xx body kept */

struct esimlpa__es9p_stream {
    struct esimlpa__es9p *c;
    const char *fn;
    size_t cap;                 /* body bytes allowed */
    size_t got;                 /* body bytes received */
    int head_seen;
    long status;                /* HTTP status, from the first piece */
    int rc;                     /* error that stopped the transfer (already reported) */
    int sink_rc;                /* the sink's error, passed through the scanner */
    esimlpa__b64_sink_fn sink;
    void *sink_user;
    struct esimlpa__bpp_json scan;
    char *raw;                  /* a non-2xx body, NUL-terminated, bounded */
    size_t raw_len;
};

void esimlpa__es9p_stream_init(struct esimlpa__es9p_stream *st, struct esimlpa__es9p *c,
                               const char *fn, const char *name, size_t cap,
                               esimlpa__b64_sink_fn sink, void *sink_user);
void esimlpa__es9p_stream_free(struct esimlpa__es9p_stream *st);
/* esimlpa_http_chunk_fn for the transport; user is the stream. */
int esimlpa__es9p_stream_chunk(void *user, const struct esimlpa_http_response *head,
                               const uint8_t *data, size_t len);
/* The transfer is over (status @status): the text to check as the body
 * (the JSON without the package, or the non-2xx body). ESIMLPA_OK or an
 * error (reported). */
int esimlpa__es9p_stream_end(struct esimlpa__es9p_stream *st, long status, const uint8_t **body,
                             size_t *len);

/* X-Admin-Protocol check of every answer: ESIMLPA_OK or ESIMLPA_EHEADER (reported). */
int esimlpa__es9p_admin_protocol_ok(struct esimlpa__es9p *c, const char *fn, const char *ap);

#endif
