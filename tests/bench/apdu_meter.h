/* SPDX-License-Identifier: MIT */
/*
 * An APDU transport that wraps another one (the PC/SC backend) and meters
 * what goes through it: APDUs by kind, bytes, time spent in the card, and
 * every ES10 command reassembled from its STORE DATA blocks and GET
 * RESPONSEs (request/response length, APDUs used). The BF36 bound profile
 * package is captured from the LoadBoundProfilePackage commands so the
 * protocol minimum can be computed from its segments.
 */
#ifndef BENCH_APDU_METER_H
#define BENCH_APDU_METER_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/transport.h>

struct es10_cmd {
    unsigned tag;          /* first tag of the request, e.g. 0xBF2E; 0xBF36.. for BPP parts */
    int bpp;               /* part of the LoadBoundProfilePackage sequence */
    size_t req_len, resp_len;
    unsigned apdus;        /* STORE DATA blocks + GET RESPONSEs used */
};

struct apdu_meter {
    struct esimlpa_apdu_transport tr;       /* give this to the context */
    struct esimlpa_apdu_transport *inner;
    unsigned long apdus, bytes_sent, bytes_received;
    unsigned long manage_channel, select, store_data, get_response, other;
    unsigned long select_get_responses;
    double card_ms;                         /* wall time inside inner->transmit */
    struct es10_cmd *cmds;
    size_t n_cmds, cap_cmds;
    /* current command */
    uint8_t *req;
    size_t req_len, req_cap;
    int pending;                            /* 1: ES10 response open, 2: SELECT response open */
    struct es10_cmd cur;
    uint8_t resp_head[2];
    /* BPP capture */
    int bpp_on, bpp_done;
    uint8_t *bpp;
    size_t bpp_len, bpp_cap;
};

void apdu_meter_init(struct apdu_meter *m, struct esimlpa_apdu_transport *inner);
void apdu_meter_clear(struct apdu_meter *m);

/* APDUs an ES10 command needs at the least: ceil(req/255) STORE DATA blocks
 * plus a GET RESPONSE for each further 256 bytes of response. */
unsigned es10_min_apdus(size_t req_len, size_t resp_len);

#endif
