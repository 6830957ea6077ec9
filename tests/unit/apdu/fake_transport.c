/* SPDX-License-Identifier: MIT */
#include "fake_transport.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/error.h>

#include "util/hex.h"

static char **pool;
static size_t pool_n;

static char *pool_add(char *s)
{
    char **p = realloc(pool, (pool_n + 1) * sizeof *p);
    if (!p || !s) {
        fprintf(stderr, "fake: out of memory\n");
        exit(2);
    }
    pool = p;
    pool[pool_n++] = s;
    return s;
}

void fake_pool_free(void)
{
    for (size_t i = 0; i < pool_n; i++)
        free(pool[i]);
    free(pool);
    pool = NULL;
    pool_n = 0;
}

const char *fake_pattern_hex(size_t n, unsigned start)
{
    char *s = pool_add(malloc(2 * n + 1));
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02X", (start + (unsigned)i) & 0xFF);
    s[2 * n] = '\0';
    return s;
}

const char *fake_cat(const char *first, ...)
{
    size_t len = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *))
        len += strlen(p);
    va_end(ap);
    char *s = pool_add(malloc(len + 1));
    s[0] = '\0';
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *))
        strcat(s, p);
    va_end(ap);
    return s;
}

/* Parse hex with optional spaces; returns byte count or (size_t)-1. */
static size_t parse_hex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (; *h; h++) {
        if (*h == ' ')
            continue;
        int v = esimlpa__hex_nibble(*h);
        if (v < 0)
            return (size_t)-1;
        if (hi < 0) {
            hi = v;
        } else {
            if (n >= cap)
                return (size_t)-1;
            out[n++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    return hi < 0 ? n : (size_t)-1;
}

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    fprintf(stderr, "%s", label);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%02X", p[i]);
    fprintf(stderr, "\n");
}

static int f_connect(void *user)
{
    struct fake *f = user;
    f->connects++;
    return f->connect_rc;
}

static void f_disconnect(void *user)
{
    struct fake *f = user;
    f->disconnects++;
}

static int f_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                      size_t *resp_len)
{
    struct fake *f = user;
    if (*resp_len < f->min_capacity)
        f->min_capacity = *resp_len;
    if (f->pos >= f->n && f->allow_extra && *resp_len >= 2) {
        resp[0] = 0x90;
        resp[1] = 0x00;
        *resp_len = 2;
        return ESIMLPA_OK;
    }
    if (f->pos >= f->n) {
        f->mismatches++;
        print_hex("fake: unexpected extra command ", cmd, cmd_len);
        return ESIMLPA_ETRANSPORT;
    }
    const struct fake_step *s = &f->steps[f->pos++];
    uint8_t want[600];
    size_t want_len = parse_hex(s->cmd, want, sizeof want);
    if (want_len == (size_t)-1 || want_len != cmd_len || memcmp(want, cmd, cmd_len) != 0) {
        f->mismatches++;
        fprintf(stderr, "fake: step %zu: command mismatch\n", f->pos - 1);
        print_hex("  got  ", cmd, cmd_len);
        fprintf(stderr, "  want %s\n", s->cmd);
        return ESIMLPA_ETRANSPORT;
    }
    if (s->rc)
        return s->rc;
    size_t n = parse_hex(s->resp, resp, *resp_len);
    if (n == (size_t)-1) {
        f->mismatches++;
        fprintf(stderr, "fake: step %zu: bad scripted response\n", f->pos - 1);
        return ESIMLPA_ETRANSPORT;
    }
    *resp_len = n;
    return ESIMLPA_OK;
}

static int f_open_channel(void *user, const uint8_t *aid, size_t aid_len, uint8_t *channel)
{
    struct fake *f = user;
    f->channel_opens++;
    f->aid_len = aid_len < sizeof f->aid ? aid_len : sizeof f->aid;
    memcpy(f->aid, aid, f->aid_len);
    if (f->channel_rc)
        return f->channel_rc;
    *channel = f->channel;
    return ESIMLPA_OK;
}

static int f_close_channel(void *user, uint8_t channel)
{
    struct fake *f = user;
    f->channel_closes++;
    f->closed_channel = channel;
    return ESIMLPA_OK;
}

void fake_init(struct fake *f, const struct fake_step *steps, size_t n)
{
    memset(f, 0, sizeof *f);
    f->tr.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    f->tr.user = f;
    f->tr.connect = f_connect;
    f->tr.disconnect = f_disconnect;
    f->tr.transmit = f_transmit;
    f->steps = steps;
    f->n = n;
    f->min_capacity = (size_t)-1;
}

void fake_use_channel_callbacks(struct fake *f, uint8_t channel)
{
    f->tr.open_logical_channel = f_open_channel;
    f->tr.close_logical_channel = f_close_channel;
    f->channel = channel;
}

void fake_allow_extra(struct fake *f)
{
    f->n = f->pos;
    f->allow_extra = 1;
}

int fake_done(const struct fake *f)
{
    if (f->pos != f->n)
        fprintf(stderr, "fake: %zu of %zu steps used\n", f->pos, f->n);
    return f->pos == f->n && f->mismatches == 0;
}
