/* SPDX-License-Identifier: MIT */
/*
 * A scripted in-process APDU transport for unit tests: each transmit must
 * match the next expected command byte for byte and gets its scripted
 * response (or transport error).
 */
#ifndef ESIMLPA_TEST_FAKE_TRANSPORT_H
#define ESIMLPA_TEST_FAKE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/transport.h>

struct fake_step {
    const char *cmd;    /* expected command APDU, hex (spaces allowed) */
    const char *resp;   /* response data + SW, hex (spaces allowed); may be "" */
    int rc;             /* non-zero: transmit returns this instead */
};

struct fake {
    struct esimlpa_apdu_transport tr;
    const struct fake_step *steps;
    size_t n, pos;
    int allow_extra;        /* after the script: answer 9000 to anything */
    int mismatches;         /* unexpected or wrong commands */
    int connects, disconnects;
    int connect_rc;         /* returned by connect */
    size_t min_capacity;    /* smallest *resp_len seen on entry */
    /* open_logical_channel mode (fake_use_channel_callbacks) */
    uint8_t channel;        /* channel to hand out */
    int channel_rc;
    int channel_opens, channel_closes;
    uint8_t closed_channel;
    uint8_t aid[16];
    size_t aid_len;
};

void fake_init(struct fake *f, const struct fake_step *steps, size_t n);
/* Install open/close_logical_channel callbacks that hand out @channel. */
void fake_use_channel_callbacks(struct fake *f, uint8_t channel);
/* From now on, commands past the end of the script get 9000 (for teardown). */
void fake_allow_extra(struct fake *f);
/* 1 when every step was consumed and no command mismatched. */
int fake_done(const struct fake *f);

/* Hex of @n bytes b[i] = (start + i) & 0xFF, into a static-lifetime pool. */
const char *fake_pattern_hex(size_t n, unsigned start);
/* Concatenate hex strings into a pool-allocated string (NULL-terminated list). */
const char *fake_cat(const char *first, ...);
/* Free every string fake_pattern_hex / fake_cat made. */
void fake_pool_free(void);

#endif
