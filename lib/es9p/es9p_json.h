/* SPDX-License-Identifier: MIT */
/* JSON plumbing shared by the ES9+/ES11 function files. Internal to lib/es9p. */
#ifndef ESIMLPA_ES9P_JSON_H
#define ESIMLPA_ES9P_JSON_H

#include <cjson/cJSON.h>

#include "es9p_internal.h"

/*
 * POST @req (a JSON object, not consumed) to function @path_fn at @address.
 * @fn names the call in messages ("authenticateClient", "ES11 authenticateClient").
 * With @want_json, *resp receives the parsed answer (free with cJSON_Delete)
 * after its header said Executed-Success or Executed-WithWarning; without it
 * (handleNotification) any 2xx answer is a success and *resp may be NULL.
 */
/* prepare() the request esimlpa__es9p_post(c, .., path_fn, address, req)
 * will make (same URL, headers and body length); silent, advisory. */
void esimlpa__es9p_prepare(struct esimlpa__es9p *c, const char *path_fn, const char *address,
                           const cJSON *req);

int esimlpa__es9p_post(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                       const char *address, const cJSON *req, int want_json, cJSON **resp);

/* Add "name": base64(data) to @obj. ESIMLPA_ENOMEM on failure (recorded). */
int esimlpa__es9p_add_b64(struct esimlpa__es9p *c, const char *fn, cJSON *obj,
                          const char *name, const uint8_t *data, size_t len);

/* Required string member @name of @obj; ESIMLPA_EES9_BADRESPONSE if absent
 * or not a string. */
int esimlpa__es9p_get_string(struct esimlpa__es9p *c, const char *fn, const cJSON *obj,
                             const char *name, const char **out);

/* esimlpa__es9p_post (want_json) that also lifts the top-level base64
 * string member @name out of the raw body before it is parsed, decoded in
 * place (no cJSON copy of a large blob; issue 5). If it could not be lifted
 * (absent, escaped, invalid), *blob stays empty and the member is left in
 * *resp for the ordinary decoders and their errors. On failure *blob is
 * empty. */
int esimlpa__es9p_post_take(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                            const char *address, const cJSON *req, const char *name,
                            cJSON **resp, struct esimlpa__bytes *blob);

/* Like esimlpa__es9p_get_b64, but decodes the string in place and moves
 * its buffer into @out (the member becomes JSON null): no second copy of a
 * large blob such as the boundProfilePackage (issue 5, peak heap). */
int esimlpa__es9p_take_b64(struct esimlpa__es9p *c, const char *fn, cJSON *obj,
                           const char *name, struct esimlpa__bytes *out);

/* Required, non-empty base64 member @name of @obj, decoded into @out. */
int esimlpa__es9p_get_b64(struct esimlpa__es9p *c, const char *fn, const cJSON *obj,
                          const char *name, struct esimlpa__bytes *out);

/* Hex transactionId (2..32 hex digits, even) to binary; 0 or -1. */
int esimlpa__es9p_tid_decode(const char *hex, uint8_t bin[ESIMLPA__TID_MAX], size_t *bin_len);

/* Answer's transactionId must be present (if @required) and name the same
 * bytes as @sent (hex case is not significant). */
int esimlpa__es9p_check_tid(struct esimlpa__es9p *c, const char *fn, const cJSON *obj,
                            const char *sent, int required);

struct esimlpa__es9p_stream;
/* esimlpa__es9p_post (want_json) whose body goes to @st while it arrives
 * (es9p_stream.h); *resp is the JSON without the streamed member. */
int esimlpa__es9p_post_stream(struct esimlpa__es9p *c, const char *fn, const char *path_fn,
                              const char *address, const cJSON *req,
                              struct esimlpa__es9p_stream *st, cJSON **resp);

#endif
