/* SPDX-License-Identifier: MIT */
/* Result structs in the caller's layout. The library fills the current
 * layout (include/esimlpa/download.h, renew.h) in its own memory, then hands
 * it over by the size rule of esimlpa.h ("Out structs"): the caller's
 * struct_size bytes at most. Callers of options versions from before that
 * rule (download options 1-2, renew options 1-2) have the frozen layouts
 * below, without struct_size, and get exactly what they got before. */
#ifndef ESIMLPA_RESULT_LAYOUT_H
#define ESIMLPA_RESULT_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/download.h>

#include "../util/out_struct.h"

/* First options versions whose results follow the size rule. */
#define ESIMLPA__DOWNLOAD_SIZED_VERSION 3
#define ESIMLPA__RENEW_SIZED_VERSION 3

/* struct esimlpa_download_result as of download options version 1 and 2. */
struct esimlpa__download_result_v1 {
    char iccid[ESIMLPA_ICCID_MAX + 1];
    uint8_t isdp_aid[ESIMLPA_AID_MAX]; size_t isdp_aid_len;
    long notification_seq;
    int notification_delivered;
    size_t bpp_size;
};

/* struct esimlpa_renew_result as of renew options version 1 (up to
 * rolled_back) and 2 (all of it). */
struct esimlpa__renew_result_v1 {
    char new_iccid[ESIMLPA_ICCID_MAX + 1];
    char old_iccid[ESIMLPA_ICCID_MAX + 1];
    struct esimlpa__download_result_v1 download;
    int enabled;
    int old_deleted;
    int old_reenabled;
    size_t notifications_delivered;
    size_t notifications_failed;
    int notification_error;
    char notification_detail[256];
    /* renew options version 2 */
    int rolled_back;
    int new_deleted;
    int resumed;
    enum esimlpa_renew_step resumed_at;
    char rollback_reason[256];
};

/* Hand a download result over in the layout of options version @version. */
void esimlpa__download_result_give(unsigned version, const struct esimlpa_download_result *full,
                                   void *out);
/* Hand a renew result (and its download, from @download) over in the layout
 * of renew options version @version. */
void esimlpa__renew_result_give(unsigned version, const struct esimlpa_renew_result *full,
                                const struct esimlpa_download_result *download, void *out);

#endif
