/* SPDX-License-Identifier: MIT */
#include "softeuicc_transport.h"

#include <string.h>

#include <esimlpa/error.h>

#include "softeuicc_internal.h"

static int tr_connect(void *user)
{
    struct se_transport *h = user;
    softeuicc_reset(h->se);            /* power-up: basic channel only */
    h->connected = 1;
    return 0;
}

static void tr_disconnect(void *user)
{
    struct se_transport *h = user;
    if (h->connected)
        softeuicc_reset(h->se);
    h->connected = 0;
}

static int tr_transmit(void *user, const uint8_t *cmd, size_t cmd_len,
                       uint8_t *resp, size_t *resp_len)
{
    struct se_transport *h = user;
    uint8_t buf[ESIMLPA_APDU_MAX_RESPONSE];
    size_t n = 0;
    if (!h->connected)
        return ESIMLPA_ENOCARD;
    if (!cmd || !resp || !resp_len || *resp_len < 2)
        return ESIMLPA_EINVAL;
    softeuicc_process_apdu(h->se, cmd, cmd_len, buf, &n);
    if (n > *resp_len)
        return ESIMLPA_ETOOBIG;
    memcpy(resp, buf, n);
    *resp_len = n;
    return 0;
}

struct esimlpa_apdu_transport *softeuicc_transport(struct softeuicc *se)
{
    struct se_transport *h = &se->transport;
    if (h->se != se) {
        memset(h, 0, sizeof(*h));
        h->se = se;
        h->t.version = ESIMLPA_APDU_TRANSPORT_VERSION;
        h->t.user = h;
        h->t.connect = tr_connect;
        h->t.disconnect = tr_disconnect;
        h->t.transmit = tr_transmit;
    }
    return &h->t;
}
