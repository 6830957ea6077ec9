/* SPDX-License-Identifier: MIT */
/* Handing result structs over in the caller's layout (result_layout.h). */
#include <string.h>

#include "result_layout.h"

static void download_v1(struct esimlpa__download_result_v1 *o,
                        const struct esimlpa_download_result *r)
{
    memset(o, 0, sizeof *o);
    memcpy(o->iccid, r->iccid, sizeof o->iccid);
    memcpy(o->isdp_aid, r->isdp_aid, sizeof o->isdp_aid);
    o->isdp_aid_len = r->isdp_aid_len;
    o->notification_seq = r->notification_seq;
    o->notification_delivered = r->notification_delivered;
    o->bpp_size = r->bpp_size;
}

void esimlpa__download_result_give(unsigned version, const struct esimlpa_download_result *full,
                                   void *out)
{
    if (!out)
        return;
    if (version >= ESIMLPA__DOWNLOAD_SIZED_VERSION) {
        esimlpa__out_copy(out, full, sizeof *full);
        return;
    }
    struct esimlpa__download_result_v1 v1;
    download_v1(&v1, full);
    memcpy(out, &v1, sizeof v1);
}

void esimlpa__renew_result_give(unsigned version, const struct esimlpa_renew_result *full,
                                const struct esimlpa_download_result *download, void *out)
{
    if (!out)
        return;
    if (version >= ESIMLPA__RENEW_SIZED_VERSION) {
        /* The caller's download pointer is its own: kept as it was. */
        struct esimlpa_renew_result tmp = *full;
        tmp.download = NULL;
        memcpy(&tmp.download, (const char *)out + offsetof(struct esimlpa_renew_result, download),
               esimlpa__out_size(out) >= offsetof(struct esimlpa_renew_result, download) +
                                              sizeof tmp.download ? sizeof tmp.download : 0);
        esimlpa__out_copy(out, &tmp, sizeof tmp);
        if (tmp.download)
            esimlpa__out_copy(tmp.download, download, sizeof *download);
        return;
    }
    struct esimlpa__renew_result_v1 v1;
    memset(&v1, 0, sizeof v1);
    memcpy(v1.new_iccid, full->new_iccid, sizeof v1.new_iccid);
    memcpy(v1.old_iccid, full->old_iccid, sizeof v1.old_iccid);
    download_v1(&v1.download, download);
    v1.enabled = full->enabled;
    v1.old_deleted = full->old_deleted;
    v1.old_reenabled = full->old_reenabled;
    v1.notifications_delivered = full->notifications_delivered;
    v1.notifications_failed = full->notifications_failed;
    v1.notification_error = full->notification_error;
    memcpy(v1.notification_detail, full->notification_detail, sizeof v1.notification_detail);
    v1.rolled_back = full->rolled_back;
    v1.new_deleted = full->new_deleted;
    v1.resumed = full->resumed;
    v1.resumed_at = full->resumed_at;
    memcpy(v1.rollback_reason, full->rollback_reason, sizeof v1.rollback_reason);
    /* Version 1 callers have the part up to rolled_back only. */
    memcpy(out, &v1, version >= 2 ? sizeof v1 : offsetof(struct esimlpa__renew_result_v1, rolled_back));
}
