/* SPDX-License-Identifier: MIT */
/* Card-side ISO 7816-4 for the soft eUICC.
 * SW choices (UNVERIFIED for real eUICCs, sgp22-notes App. B 3): 6700 bad
 * length, 6A86 bad P1/P2 or STORE DATA block gap, 6A84 command too large,
 * 6985 STORE DATA without ISD-R selected / GET RESPONSE with nothing pending,
 * 6881 channel not open, 6A81 no channel free, 6A82 unknown AID, 6D00/6E00.
 * The ISD-R answers at se->isdr_aid only (the standard AID, or a removable
 * eUICC's); TERMINAL CAPABILITY is accepted with 9000 as UICCs do. */
#include "card_iso.h"

#include <stdlib.h>
#include <string.h>

#include "es10_dispatch.h"
#include "softeuicc_internal.h"

int iso_cla_channel(uint8_t cla, bool *proprietary)
{
    if (cla == 0xFF)
        return -1;
    *proprietary = (cla & 0x80) != 0;
    if (cla & 0x40) {                  /* further interindustry: 0x40 | (ch - 4) */
        if (cla & 0x20)                /* secure messaging: not supported */
            return -1;
        if (cla & 0x10)                /* command chaining: not supported */
            return -1;
        return 4 + (cla & 0x0F);
    }
    if (cla & 0x3C)                    /* RFU, command chaining, secure messaging */
        return -1;
    return cla & 0x03;
}

void iso_init(struct iso_card *c)
{
    memset(c, 0, sizeof(*c));
    c->ch[0].open = true;              /* the basic channel is always open */
}

static void drop_cmd(struct iso_channel *ch)
{
    free(ch->cmd);
    ch->cmd = NULL;
    ch->cmd_len = 0;
    ch->cmd_active = false;
    ch->next_block = 0;
}

static void drop_resp(struct iso_channel *ch)
{
    free(ch->resp);
    ch->resp = NULL;
    ch->resp_len = ch->resp_off = 0;
}

static void close_channel(struct iso_channel *ch)
{
    drop_cmd(ch);
    drop_resp(ch);
    ch->isdr = false;
    ch->open = false;
}

void iso_reset(struct iso_card *c)
{
    for (int i = 0; i < ISO_CHANNELS; i++)
        close_channel(&c->ch[i]);
    c->ch[0].open = true;
}

struct apdu {
    uint8_t cla, ins, p1, p2;
    const uint8_t *data;
    size_t lc;
    bool has_le;
    size_t le;                         /* 1..256 */
};

/* Short APDUs only: case 1 (4), case 2 (5), case 3 (5+Lc), case 4 (5+Lc+1).
 * A case-4 APDU as sent under T=1 (or by pcscd for T=0) is accepted. */
static int parse_apdu(const uint8_t *c, size_t len, struct apdu *a)
{
    memset(a, 0, sizeof(*a));
    if (len < 4)
        return -1;
    a->cla = c[0];
    a->ins = c[1];
    a->p1 = c[2];
    a->p2 = c[3];
    if (len == 4)
        return 0;
    if (len == 5) {
        a->has_le = true;
        a->le = c[4] ? c[4] : 256;
        return 0;
    }
    if (c[4] == 0)                     /* extended length: not supported */
        return -1;
    a->lc = c[4];
    a->data = c + 5;
    if (len == 5 + a->lc)
        return 0;
    if (len == 6 + a->lc) {
        a->has_le = true;
        a->le = c[len - 1] ? c[len - 1] : 256;
        return 0;
    }
    return -1;
}

static void put_sw(uint8_t *resp, size_t *resp_len, unsigned sw)
{
    resp[*resp_len] = (uint8_t)(sw >> 8);
    resp[*resp_len + 1] = (uint8_t)sw;
    *resp_len += 2;
}

/* Send the next chunk of the pending response (at most max bytes). */
static void serve_chunk(struct iso_channel *ch, size_t max, uint8_t *resp, size_t *resp_len)
{
    size_t left = ch->resp_len - ch->resp_off, n = left < max ? left : max;
    memcpy(resp, ch->resp + ch->resp_off, n);
    ch->resp_off += n;
    *resp_len = n;
    left -= n;
    if (left == 0) {
        drop_resp(ch);
        put_sw(resp, resp_len, 0x9000);
    } else {
        put_sw(resp, resp_len, 0x6100 | (left >= 256 ? 0 : left));
    }
}

/* Hand over a complete response: inline if it fits (and T=0 style is off),
 * else 61xx and GET RESPONSE (sgp22-notes §3.3). Takes ownership of data. */
static void respond(struct softeuicc *se, struct iso_channel *ch, uint8_t *data, size_t len,
                    uint8_t *resp, size_t *resp_len)
{
    drop_resp(ch);
    *resp_len = 0;
    if (len == 0) {
        free(data);
        put_sw(resp, resp_len, 0x9000);
        return;
    }
    ch->resp = data;
    ch->resp_len = len;
    if (se->t0_get_response) {
        put_sw(resp, resp_len, 0x6100 | (len >= 256 ? 0 : len));
        return;
    }
    serve_chunk(ch, 256, resp, resp_len);
}

static unsigned do_manage_channel(struct iso_card *c, const struct apdu *a,
                                  uint8_t *resp, size_t *resp_len)
{
    if (a->lc)
        return 0x6700;
    if (a->p1 == 0x00) {               /* open */
        if (a->p2 != 0) {              /* open a given channel */
            if (a->p2 >= ISO_CHANNELS)
                return 0x6A86;
            if (c->ch[a->p2].open)
                return 0x6A86;
            c->ch[a->p2].open = true;
            return 0x9000;
        }
        for (int i = 1; i < ISO_CHANNELS; i++) {
            if (!c->ch[i].open) {
                c->ch[i].open = true;
                resp[0] = (uint8_t)i;
                *resp_len = 1;
                return 0x9000;
            }
        }
        return 0x6A81;
    }
    if (a->p1 == 0x80) {               /* close channel P2 */
        if (a->p2 == 0 || a->p2 >= ISO_CHANNELS)
            return 0x6A86;
        if (!c->ch[a->p2].open)
            return 0x6A88;
        close_channel(&c->ch[a->p2]);
        return 0x9000;
    }
    return 0x6A86;
}

static unsigned do_select(struct softeuicc *se, struct iso_channel *ch, const struct apdu *a,
                          uint8_t *resp, size_t *resp_len)
{
    if (a->p1 != 0x04)
        return 0x6A86;
    if (a->p2 != 0x00 && a->p2 != 0x0C)
        return 0x6A86;
    if (a->lc < 5 || a->lc > 16)
        return 0x6700;
    if (a->lc != se->isdr_aid_len || memcmp(a->data, se->isdr_aid, se->isdr_aid_len))
        return 0x6A82;
    ch->isdr = true;
    drop_cmd(ch);
    drop_resp(ch);
    if (a->p2 == 0x0C)
        return 0x9000;
    /* FCI: 6F { 84 AID, E0 { 82 svn } } (ISDRProprietaryApplicationTemplate) */
    struct dbuf b;
    dbuf_init(&b);
    dbuf_open(&b, 0x6F);
    dbuf_tlv(&b, 0x84, se->isdr_aid, se->isdr_aid_len);
    dbuf_open(&b, 0xE0);
    dbuf_tlv(&b, 0x82, se->st->info2.svn, 3);
    dbuf_close(&b);
    dbuf_close(&b);
    if (dbuf_ok(&b)) {
        dbuf_free(&b);
        return 0x6F00;
    }
    respond(se, ch, b.p, b.len, resp, resp_len);
    return 0;
}

static unsigned do_store_data(struct softeuicc *se, struct iso_channel *ch, const struct apdu *a,
                              uint8_t *resp, size_t *resp_len)
{
    bool last = (a->p1 & 0x80) != 0;
    if ((a->p1 & 0x7F) != 0x11 && (a->p1 & 0x7F) != 0x10)
        return 0x6A86;
    if (!ch->isdr) {
        drop_cmd(ch);
        return 0x6985;
    }
    if (a->lc == 0 || a->lc > se->max_block) {   /* --max-block: a card with a small buffer */
        drop_cmd(ch);
        return 0x6700;
    }
    if (se->needs_reset) {             /* after a REFRESH request, until the reset */
        drop_cmd(ch);
        return 0x6985;
    }
    drop_resp(ch);
    if (a->p2 == 0) {
        drop_cmd(ch);                  /* a new ES10 command starts at block 0 */
        ch->cmd_active = true;
    } else if (!ch->cmd_active || a->p2 != ch->next_block) {
        se_log(se, "STORE DATA block %u, expected %u: discarding the command",
               a->p2, ch->cmd_active ? ch->next_block : 0);
        drop_cmd(ch);
        return 0x6A86;
    }
    if (ch->cmd_len + a->lc > ISO_MAX_COMMAND) {
        drop_cmd(ch);
        return 0x6A84;
    }
    uint8_t *n = realloc(ch->cmd, ch->cmd_len + a->lc);
    if (!n) {
        drop_cmd(ch);
        return 0x6F00;
    }
    ch->cmd = n;
    memcpy(ch->cmd + ch->cmd_len, a->data, a->lc);
    ch->cmd_len += a->lc;
    ch->next_block = a->p2 + 1u;
    if (!last) {
        if (ch->next_block > 0xFF) {   /* P2 cannot count further */
            drop_cmd(ch);
            return 0x6A84;
        }
        return 0x9000;
    }
    struct dbuf out;
    dbuf_init(&out);
    unsigned sw = es10_dispatch(se, ch->cmd, ch->cmd_len, &out);
    drop_cmd(ch);
    if (sw != 0x9000 || dbuf_ok(&out)) {
        dbuf_free(&out);
        return sw != 0x9000 ? sw : 0x6F00;
    }
    respond(se, ch, out.p, out.len, resp, resp_len);
    return 0;
}

static unsigned do_get_response(struct iso_channel *ch, const struct apdu *a,
                                uint8_t *resp, size_t *resp_len)
{
    if (a->p1 || a->p2)
        return 0x6A86;
    if (a->lc || !a->has_le)
        return 0x6700;
    if (!ch->resp)
        return 0x6985;
    serve_chunk(ch, a->le, resp, resp_len);
    return 0;
}

void iso_process(struct softeuicc *se, const uint8_t *cmd, size_t len,
                 uint8_t *resp, size_t *resp_len)
{
    struct apdu a;
    bool prop = false;
    unsigned sw;
    *resp_len = 0;
    if (parse_apdu(cmd, len, &a)) {
        sw = 0x6700;
        goto sw_only;
    }
    int chn = iso_cla_channel(a.cla, &prop);
    if (chn < 0 || chn >= ISO_CHANNELS) {
        sw = 0x6E00;
        goto sw_only;
    }
    struct iso_channel *ch = &se->iso.ch[chn];
    switch (a.ins) {
    case 0x70:                         /* MANAGE CHANNEL */
        if (prop) { sw = 0x6E00; break; }
        if (!ch->open) { sw = 0x6881; break; }
        sw = do_manage_channel(&se->iso, &a, resp, resp_len);
        break;
    case 0xA4:                         /* SELECT */
        if (prop) { sw = 0x6E00; break; }
        if (!ch->open) { sw = 0x6881; break; }
        sw = do_select(se, ch, &a, resp, resp_len);
        break;
    case 0xE2:                         /* STORE DATA (GlobalPlatform, CLA 8x) */
        if (!prop) { sw = 0x6E00; break; }
        if (!ch->open) { sw = 0x6881; break; }
        sw = do_store_data(se, ch, &a, resp, resp_len);
        break;
    case 0xAA:                         /* TERMINAL CAPABILITY (ETSI TS 102 221 §11.1.19) */
        if (!prop) { sw = 0x6E00; break; }
        if (a.p1 || a.p2) { sw = 0x6A86; break; }
        sw = (a.lc >= 2 && a.data[0] == 0xA9 && a.data[1] == a.lc - 2) ? 0x9000 : 0x6A80;
        break;
    case 0xC0:                         /* GET RESPONSE (0x or 8x accepted) */
        if (!ch->open) { sw = 0x6881; break; }
        sw = do_get_response(ch, &a, resp, resp_len);
        break;
    default:
        sw = 0x6D00;
        break;
    }
    if (sw == 0)                       /* response already complete */
        return;
    if (sw != 0x9000)
        *resp_len = 0;
sw_only:
    put_sw(resp, resp_len, sw);
}
