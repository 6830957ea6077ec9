/* SPDX-License-Identifier: MIT */
/* Scripted in-process card and test-data notation for the ES10 tests. */
#include "es10_test.h"

#include <stdlib.h>

int t_failures;

/* ---------- notation ---------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void die(const char *why, const char *at)
{
    fprintf(stderr, "bad test data spec (%s) at: %.40s\n", why, at);
    exit(99);
}

/* Parse until ')' or end; returns bytes written. */
static size_t parse(const char **sp, uint8_t *out, size_t cap, int nested)
{
    const char *s = *sp;
    size_t n = 0;
    for (;;) {
        char c = *s;
        if (c == '\0') {
            if (nested)
                die("missing )", s);
            break;
        }
        if (c == ' ' || c == '\n' || c == '\t') {
            s++;
        } else if (c == ')') {
            if (!nested)
                die("unbalanced )", s);
            s++;
            break;
        } else if (c == '(') {
            s++;
            uint8_t *inner = malloc(65536);
            if (!inner)
                die("out of memory", s);
            size_t m = parse(&s, inner, 65536, 1);
            uint8_t hdr[4];
            size_t h = 0;
            if (m < 0x80) {
                hdr[h++] = (uint8_t)m;
            } else if (m < 0x100) {
                hdr[h++] = 0x81;
                hdr[h++] = (uint8_t)m;
            } else {
                hdr[h++] = 0x82;
                hdr[h++] = (uint8_t)(m >> 8);
                hdr[h++] = (uint8_t)m;
            }
            if (n + h + m > cap)
                die("too long", s);
            memcpy(out + n, hdr, h);
            memcpy(out + n + h, inner, m);
            n += h + m;
            free(inner);
        } else if (c == '\'') {
            s++;
            while (*s && *s != '\'') {
                if (n >= cap)
                    die("too long", s);
                out[n++] = (uint8_t)*s++;
            }
            if (*s != '\'')
                die("missing '", s);
            s++;
        } else {
            int hi = hexval(s[0]), lo = hi >= 0 ? hexval(s[1]) : -1;
            if (hi < 0 || lo < 0)
                die("not hex", s);
            if (n >= cap)
                die("too long", s);
            out[n++] = (uint8_t)(hi << 4 | lo);
            s += 2;
        }
    }
    *sp = s;
    return n;
}

size_t t_bytes(const char *spec, uint8_t *out, size_t cap)
{
    const char *s = spec;
    return parse(&s, out, cap, 0);
}

/* ---------- the card ---------- */

#define MAX_STEPS 32
#define BUF_MAX 8192
#define RESP_MAX (80 * 1024)   /* scripted responses: above the 64 KiB ES10 cap */

struct step {
    uint8_t *req, *resp;
    size_t req_len, resp_len;
    uint16_t sw;
};

struct fake_card {
    struct esimlpa_apdu_transport tr;
    struct step steps[MAX_STEPS];
    unsigned n_steps, next;
    unsigned requests;
    int bad;
    int channel_open;
    uint8_t in[BUF_MAX];
    size_t in_len;
    unsigned next_block;
    const uint8_t *out;      /* pending response data for GET RESPONSE */
    size_t out_left;
    uint16_t out_sw;
};

static void dump(const char *label, const uint8_t *p, size_t n)
{
    fprintf(stderr, "  %s:", label);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "%02X", p[i]);
    fprintf(stderr, "\n");
}

static int fc_connect(void *user)
{
    (void)user;
    return 0;
}

static void fc_disconnect(void *user)
{
    (void)user;
}

static int reply(uint8_t *resp, size_t *resp_len, const uint8_t *data, size_t n, uint16_t sw)
{
    if (n)
        memcpy(resp, data, n);
    resp[n] = (uint8_t)(sw >> 8);
    resp[n + 1] = (uint8_t)sw;
    *resp_len = n + 2;
    return 0;
}

/* Serve the next piece of a pending response: 256 bytes at most, then 61xx. */
static int serve(struct fake_card *fc, uint8_t *resp, size_t *resp_len)
{
    size_t n = fc->out_left > 256 ? 256 : fc->out_left;
    const uint8_t *p = fc->out;
    fc->out += n;
    fc->out_left -= n;
    if (fc->out_left)
        return reply(resp, resp_len, p, n, (uint16_t)(0x6100 | (fc->out_left > 255 ? 0 : fc->out_left)));
    return reply(resp, resp_len, p, n, fc->out_sw);
}

static int fc_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                       size_t *resp_len)
{
    struct fake_card *fc = user;
    static const uint8_t isdr[] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                    0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00 };
    static const uint8_t fci[] = { 0x6F, 0x00 };
    if (cmd_len < 4) {
        fc->bad = 1;
        return reply(resp, resp_len, NULL, 0, 0x6700);
    }
    uint8_t cla = cmd[0], ins = cmd[1], p1 = cmd[2], p2 = cmd[3];
    if (cla == 0x00 && ins == 0x70 && p1 == 0x00 && p2 == 0x00) {
        static const uint8_t ch[] = { 0x01 };
        fc->channel_open = 1;
        return reply(resp, resp_len, ch, 1, 0x9000);
    }
    if (cla == 0x00 && ins == 0x70 && p1 == 0x80 && p2 == 0x01) {
        fc->channel_open = 0;
        return reply(resp, resp_len, NULL, 0, 0x9000);
    }
    if (cla == 0x01 && ins == 0xA4 && p1 == 0x04 && cmd_len >= 5 + sizeof isdr &&
        cmd[4] == sizeof isdr && memcmp(cmd + 5, isdr, sizeof isdr) == 0)
        return reply(resp, resp_len, fci, sizeof fci, 0x9000);
    if (cla == 0x81 && ins == 0xC0) {
        if (!fc->out_left) {
            fc->bad = 1;
            return reply(resp, resp_len, NULL, 0, 0x6985);
        }
        return serve(fc, resp, resp_len);
    }
    if (cla == 0x81 && ins == 0xE2 && cmd_len >= 5 && cmd_len == 5u + cmd[4]) {
        if (p2 != fc->next_block || (p1 != 0x11 && p1 != 0x91) ||
            fc->in_len + cmd[4] > sizeof fc->in) {
            fprintf(stderr, "fake card: STORE DATA P1 %02X P2 %02X out of sequence\n", p1, p2);
            fc->bad = 1;
            return reply(resp, resp_len, NULL, 0, 0x6A86);
        }
        memcpy(fc->in + fc->in_len, cmd + 5, cmd[4]);
        fc->in_len += cmd[4];
        fc->next_block++;
        if (p1 == 0x11)
            return reply(resp, resp_len, NULL, 0, 0x9000);
        size_t in_len = fc->in_len;
        fc->in_len = 0;
        fc->next_block = 0;
        fc->requests++;
        if (fc->next >= fc->n_steps) {
            fprintf(stderr, "fake card: unexpected ES10 request\n");
            dump("got", fc->in, in_len);
            fc->bad = 1;
            return reply(resp, resp_len, NULL, 0, 0x6F00);
        }
        struct step *st = &fc->steps[fc->next++];
        if (in_len != st->req_len || memcmp(fc->in, st->req, in_len) != 0) {
            fprintf(stderr, "fake card: request %u differs\n", fc->next);
            dump("want", st->req, st->req_len);
            dump("got ", fc->in, in_len);
            fc->bad = 1;
            return reply(resp, resp_len, NULL, 0, 0x6A80);
        }
        fc->out = st->resp;
        fc->out_left = st->resp_len;
        fc->out_sw = st->sw;
        return serve(fc, resp, resp_len);
    }
    fprintf(stderr, "fake card: unexpected APDU\n");
    dump("apdu", cmd, cmd_len);
    fc->bad = 1;
    return reply(resp, resp_len, NULL, 0, 0x6D00);
}

struct fake_card *fake_card_new(void)
{
    struct fake_card *fc = calloc(1, sizeof *fc);
    if (!fc)
        exit(99);
    fc->tr.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    fc->tr.user = fc;
    fc->tr.connect = fc_connect;
    fc->tr.disconnect = fc_disconnect;
    fc->tr.transmit = fc_transmit;
    return fc;
}

void fake_card_free(struct fake_card *fc)
{
    if (!fc)
        return;
    for (unsigned i = 0; i < fc->n_steps; i++) {
        free(fc->steps[i].req);
        free(fc->steps[i].resp);
    }
    free(fc);
}

struct esimlpa_apdu_transport *fake_card_transport(struct fake_card *fc)
{
    return &fc->tr;
}

void fake_card_expect_sw(struct fake_card *fc, const char *req_spec, const char *resp_spec,
                         uint16_t sw)
{
    if (fc->n_steps >= MAX_STEPS)
        exit(99);
    struct step *st = &fc->steps[fc->n_steps++];
    uint8_t *buf = malloc(RESP_MAX);
    if (!buf)
        exit(99);
    st->req_len = t_bytes(req_spec, buf, BUF_MAX);
    st->req = malloc(st->req_len ? st->req_len : 1);
    memcpy(st->req, buf, st->req_len);
    st->resp_len = t_bytes(resp_spec ? resp_spec : "", buf, RESP_MAX);
    st->resp = malloc(st->resp_len ? st->resp_len : 1);
    memcpy(st->resp, buf, st->resp_len);
    st->sw = sw;
    free(buf);
}

unsigned fake_card_requests(const struct fake_card *fc)
{
    return fc->requests;
}

int fake_card_ok(const struct fake_card *fc)
{
    return !fc->bad && fc->next == fc->n_steps;
}

int fake_card_channel_open(const struct fake_card *fc)
{
    return fc->channel_open;
}

esimlpa_ctx *t_open(struct fake_card *fc)
{
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = fake_card_transport(fc);
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&o, &ctx) != 0 || esimlpa_ctx_open(ctx) != 0) {
        fprintf(stderr, "cannot open a context on the fake card: %s\n",
                ctx ? esimlpa_ctx_last_error(ctx) : "");
        exit(99);
    }
    return ctx;
}
