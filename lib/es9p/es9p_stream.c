/* SPDX-License-Identifier: MIT */
/* Receiving a streamed ES9+ answer (issue 14): see es9p_stream.h. */
#include "es9p_stream.h"

#include <stdlib.h>
#include <string.h>

#include "core/ctx_internal.h"

static int sink_pass(void *user, const uint8_t *p, size_t len)
{
    struct esimlpa__es9p_stream *st = user;
    int rc = st->sink ? st->sink(st->sink_user, p, len) : 0;
    if (rc)
        st->sink_rc = rc;
    return rc;
}

void esimlpa__es9p_stream_init(struct esimlpa__es9p_stream *st, struct esimlpa__es9p *c,
                               const char *fn, const char *name, size_t cap,
                               esimlpa__b64_sink_fn sink, void *sink_user)
{
    memset(st, 0, sizeof *st);
    st->c = c;
    st->fn = fn;
    st->cap = cap;
    st->sink = sink;
    st->sink_user = sink_user;
    esimlpa__bpp_json_init(&st->scan, name, cap, sink_pass, st);
}

void esimlpa__es9p_stream_free(struct esimlpa__es9p_stream *st)
{
    esimlpa__bpp_json_free(&st->scan);
    free(st->raw);
    st->raw = NULL;
}

static int ok_status(long s)
{
    return s >= 200 && s <= 299;
}

static int scan_error(struct esimlpa__es9p_stream *st)
{
    if (st->sink_rc)
        return st->sink_rc;
    int code = strcmp(st->scan.why, "out of memory") == 0 ? ESIMLPA_ENOMEM
                                                           : ESIMLPA_EES9_BADRESPONSE;
    return esimlpa__fail(st->c->ctx, code, "%s: %s", st->fn, st->scan.why);
}

int esimlpa__es9p_stream_chunk(void *user, const struct esimlpa_http_response *head,
                               const uint8_t *data, size_t len)
{
    struct esimlpa__es9p_stream *st = user;
    if (st->rc)
        return 1;
    if (!st->head_seen) {
        st->head_seen = 1;
        st->status = head->status;
        int rc = esimlpa__es9p_admin_protocol_ok(st->c, st->fn, head->admin_protocol);
        if (rc != ESIMLPA_OK) {
            st->rc = rc;
            return 1;
        }
    }
    if (len > st->cap - st->got) {
        st->rc = esimlpa__fail(st->c->ctx, ESIMLPA_EHTTP_TOOBIG,
                               "%s: response larger than %zu bytes", st->fn, st->cap);
        return 1;
    }
    st->got += len;
    if (!ok_status(st->status)) {
        /* An error answer: keep its start for the message. */
        size_t room = ESIMLPA__ES9P_ERROR_BODY_MAX - st->raw_len, n = len < room ? len : room;
        if (!n)
            return 0;
        char *nr = realloc(st->raw, st->raw_len + n + 1);
        if (!nr) {
            st->rc = esimlpa__fail(st->c->ctx, ESIMLPA_ENOMEM, "%s: out of memory", st->fn);
            return 1;
        }
        memcpy(nr + st->raw_len, data, n);
        st->raw = nr;
        st->raw_len += n;
        st->raw[st->raw_len] = '\0';
        return 0;
    }
    if (esimlpa__bpp_json_feed(&st->scan, data, len) != 0) {
        st->rc = scan_error(st);
        return 1;
    }
    return 0;
}

int esimlpa__es9p_stream_end(struct esimlpa__es9p_stream *st, long status, const uint8_t **body,
                             size_t *len)
{
    if (!ok_status(status)) {
        *body = (const uint8_t *)st->raw;
        *len = st->raw_len;
        return ESIMLPA_OK;
    }
    if (esimlpa__bpp_json_finish(&st->scan) != 0)
        return scan_error(st);
    *body = (const uint8_t *)st->scan.rest;
    *len = st->scan.rest_len;
    return ESIMLPA_OK;
}
