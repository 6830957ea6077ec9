/* SPDX-License-Identifier: MIT */
/* Fake card transports for the fuzz harnesses (see fuzz_card.h). */
#include "fuzz_card.h"

#include <string.h>

#define MAX_TRANSMITS 4096

static int fc_connect(void *user)
{
    (void)user;
    return 0;
}

static void fc_disconnect(void *user)
{
    (void)user;
}

static void sw(uint8_t *resp, size_t *len, uint8_t sw1, uint8_t sw2)
{
    resp[(*len)++] = sw1;
    resp[(*len)++] = sw2;
}

/* Next chunk of the pending answer, with 61xx when more follows. */
static void chunk(struct fuzz_card *c, uint8_t *resp, size_t *resp_len)
{
    size_t n = c->pending_len > 256 ? 256 : c->pending_len;
    if (n)
        memcpy(resp, c->pending, n);
    *resp_len = n;
    c->pending += n;
    c->pending_len -= n;
    if (c->pending_len)
        sw(resp, resp_len, 0x61, c->pending_len >= 256 ? 0x00 : (uint8_t)c->pending_len);
    else
        sw(resp, resp_len, 0x90, 0x00);
}

static int answers_transmit(struct fuzz_card *c, const uint8_t *cmd, size_t cmd_len,
                            uint8_t *resp, size_t *resp_len)
{
    *resp_len = 0;
    if (cmd_len < 4) {
        sw(resp, resp_len, 0x67, 0x00);
        return 0;
    }
    uint8_t ins = cmd[1];
    if (ins == 0x70 && cmd[2] == 0x00) {           /* MANAGE CHANNEL open */
        resp[(*resp_len)++] = 0x01;
        sw(resp, resp_len, 0x90, 0x00);
    } else if (ins == 0xC0) {                      /* GET RESPONSE */
        chunk(c, resp, resp_len);
    } else if (ins == 0xE2 && (cmd[2] & 0x80)) {   /* last STORE DATA block */
        c->pending = NULL;
        c->pending_len = 0;
        if (c->next_ans < c->n_ans) {
            c->pending = c->ans[c->next_ans];
            c->pending_len = c->ans_len[c->next_ans];
            c->next_ans++;
        }
        chunk(c, resp, resp_len);
    } else {                                       /* SELECT, other STORE DATA blocks, close */
        sw(resp, resp_len, 0x90, 0x00);
    }
    return 0;
}

static int raw_transmit(struct fuzz_card *c, uint8_t *resp, size_t *resp_len)
{
    if (c->raw_len < 1)
        return ESIMLPA_ECARDREMOVED;
    size_t n = c->raw[0];
    if (n < 2 || n > c->raw_len - 1)
        return ESIMLPA_ECARDREMOVED;
    memcpy(resp, c->raw + 1, n);
    *resp_len = n;
    c->raw += 1 + n;
    c->raw_len -= 1 + n;
    return 0;
}

static int fc_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                       size_t *resp_len)
{
    struct fuzz_card *c = user;
    if (*resp_len < ESIMLPA_APDU_MAX_RESPONSE)
        return ESIMLPA_EINVAL;
    if (++c->transmits > MAX_TRANSMITS)
        return ESIMLPA_ECARDREMOVED;
    if (c->mode == FUZZ_CARD_RAW)
        return raw_transmit(c, resp, resp_len);
    return answers_transmit(c, cmd, cmd_len, resp, resp_len);
}

void fuzz_card_init(struct fuzz_card *c, enum fuzz_card_mode mode)
{
    memset(c, 0, sizeof *c);
    c->mode = mode;
    c->tr.version = ESIMLPA_APDU_TRANSPORT_VERSION;
    c->tr.user = c;
    c->tr.connect = fc_connect;
    c->tr.disconnect = fc_disconnect;
    c->tr.transmit = fc_transmit;
}

void fuzz_card_add_answer(struct fuzz_card *c, const uint8_t *p, size_t len)
{
    if (c->n_ans < FUZZ_CARD_MAX_ANSWERS) {
        c->ans[c->n_ans] = p;
        c->ans_len[c->n_ans] = len;
        c->n_ans++;
    }
}

void fuzz_card_split_answers(struct fuzz_card *c, const uint8_t *data, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i + 4 <= len; i++) {
        if (memcmp(data + i, FUZZ_ANSWER_SEP, 4) == 0) {
            fuzz_card_add_answer(c, data + start, i - start);
            start = i + 4;
            i += 3;
        }
    }
    fuzz_card_add_answer(c, data + start, len - start);
}

esimlpa_ctx *fuzz_card_ctx(struct fuzz_card *c)
{
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = &c->tr;
    o.store_data_mss = 120;
    esimlpa_ctx *ctx = NULL;
    if (esimlpa_ctx_new(&o, &ctx) != 0)
        return NULL;
    if (esimlpa_ctx_open(ctx) != 0) {
        esimlpa_ctx_free(ctx);
        return NULL;
    }
    return ctx;
}
