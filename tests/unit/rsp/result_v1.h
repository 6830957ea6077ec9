/* SPDX-License-Identifier: MIT */
/* The result structs as the headers declared them before the size rule
 * (download options 1-2, renew options 1-2): what a program built then has
 * in its memory. Deliberately a copy, not the library's own definition. */
#ifndef RESULT_V1_H
#define RESULT_V1_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/esimlpa.h>

struct old_download_result {
    char iccid[ESIMLPA_ICCID_MAX + 1];
    uint8_t isdp_aid[ESIMLPA_AID_MAX]; size_t isdp_aid_len;
    long notification_seq;
    int notification_delivered;
    size_t bpp_size;
};

struct old_renew_result {
    char new_iccid[ESIMLPA_ICCID_MAX + 1];
    char old_iccid[ESIMLPA_ICCID_MAX + 1];
    struct old_download_result download;
    int enabled;
    int old_deleted;
    int old_reenabled;
    size_t notifications_delivered;
    size_t notifications_failed;
    int notification_error;
    char notification_detail[256];
    /* ---- filled only with options version >= 2 ---- */
    int rolled_back;
    int new_deleted;
    int resumed;
    enum esimlpa_renew_step resumed_at;
    char rollback_reason[256];
};

#endif
