/* SPDX-License-Identifier: MIT */
/*
 * A firmware-like program that links libesimlpa.a next to its own,
 * independently generated asn1c module (static_clash.sh generates it with
 * Debian's pristine asn1c runtime, which defines the same symbols as ours).
 * Both must work: the program encodes and decodes its own Msg with its
 * runtime, and the library reads the EID from a scripted card with its own.
 */
#include <stdio.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "Msg.h"

/* A card that opens logical channel 1, selects anything and answers
 * GetEuiccData (BF3E, SGP.22 §5.7.20) with a fixed EID. */
static const uint8_t eid[16] = { 0x89, 0x04, 0x90, 0x32, 0x12, 0x34, 0x51, 0x23,
                                 0x45, 0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x35 };

static int card_connect(void *user) { (void)user; return 0; }
static void card_disconnect(void *user) { (void)user; }
static int card_transmit(void *user, const uint8_t *cmd, size_t cmd_len, uint8_t *resp,
                         size_t *resp_len)
{
    (void)user;
    size_t n = 0;
    if (cmd_len >= 4 && cmd[1] == 0x70 && cmd[3] == 0x00) {          /* MANAGE CHANNEL open */
        resp[n++] = 0x01;
    } else if (cmd_len >= 7 && cmd[1] == 0xE2 && cmd[5] == 0xBF && cmd[6] == 0x3E) {
        const uint8_t head[] = { 0xBF, 0x3E, 0x12, 0x5A, 0x10 };
        memcpy(resp, head, sizeof head);
        memcpy(resp + sizeof head, eid, sizeof eid);
        n = sizeof head + sizeof eid;
    }
    resp[n++] = 0x90;
    resp[n++] = 0x00;
    *resp_len = n;
    return 0;
}

int main(void)
{
    /* The program's own asn1c module. */
    Msg_t m;
    memset(&m, 0, sizeof m);
    m.id = 42;
    OCTET_STRING_fromBuf(&m.data, "hello", 5);
    uint8_t der[64];
    asn_enc_rval_t er = der_encode_to_buffer(&asn_DEF_Msg, &m, der, sizeof der);
    ASN_STRUCT_FREE_CONTENTS_ONLY(asn_DEF_Msg, &m);
    if (er.encoded <= 0) {
        fprintf(stderr, "own module: encode failed\n");
        return 1;
    }
    Msg_t *back = NULL;
    asn_dec_rval_t dr = ber_decode(NULL, &asn_DEF_Msg, (void **)&back, der, (size_t)er.encoded);
    if (dr.code != RC_OK || !back || back->id != 42 || back->data.size != 5 ||
        memcmp(back->data.buf, "hello", 5) != 0) {
        fprintf(stderr, "own module: decode failed\n");
        return 1;
    }
    ASN_STRUCT_FREE(asn_DEF_Msg, back);

    /* The library's asn1c runtime, through the public API. */
    struct esimlpa_apdu_transport tr;
    memset(&tr, 0, sizeof tr);
    tr.version = 1;
    tr.connect = card_connect;
    tr.disconnect = card_disconnect;
    tr.transmit = card_transmit;
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = 1;
    o.transport = &tr;
    esimlpa_ctx *ctx = NULL;
    char got[ESIMLPA_EID_LEN + 1] = "";
    int rc = esimlpa_ctx_new(&o, &ctx);
    if (rc == 0)
        rc = esimlpa_ctx_open(ctx);
    if (rc == 0)
        rc = esimlpa_eid_get(ctx, got);
    if (rc != 0 || strcmp(got, "89049032123451234512345678901235") != 0) {
        fprintf(stderr, "library: EID %s (%s: %s)\n", got, esimlpa_error_name(rc),
                ctx ? esimlpa_ctx_last_error(ctx) : "");
        esimlpa_ctx_free(ctx);
        return 1;
    }
    esimlpa_ctx_free(ctx);
    printf("static clash: own asn1c module and libesimlpa.a both work (EID %s)\n", got);
    return 0;
}
