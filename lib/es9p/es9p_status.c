/* SPDX-License-Identifier: MIT */
/* Readable names of ES9+/ES11 subject/reason code pairs (SGP.22 §8.5,
 * notes §5.5). Where sources disagree, every variant they use is listed. */
#include "es9p_internal.h"

#include <string.h>

struct status_text {
    const char *subject;
    const char *reason;
    const char *text;
};

static const struct status_text STATUS_TEXTS[] = {
    {"1.2.1", "2.1", "invalid Content-Type"},
    {"1.2.2", "2.1", "unsupported X-Admin-Protocol"},
    {"1.3.1", "2.2", "mandatory element missing"},
    {"8.1", "4.8", "eUICC does not have enough space for this profile"},
    {"8.1", "6.1", "eUICC signature or server challenge invalid"},
    {"8.1.1", "2.2", "EID missing"},
    {"8.1.1", "3.1", "a different EID is associated"},
    {"8.1.1", "3.8", "EID does not match"},
    {"8.1.2", "6.1", "EUM certificate invalid"},
    {"8.1.2", "6.3", "EUM certificate expired"},
    {"8.1.3", "6.1", "eUICC certificate invalid"},
    {"8.1.3", "6.3", "eUICC certificate expired"},
    {"8.1.4", "6.1", "EID outside the EUM's permitted range"},
    {"8.2", "1.2", "profile not released yet"},
    {"8.2", "3.7", "BPP not available for a new binding"},
    {"8.2.1", "1.2", "ICCID not allowed"},
    {"8.2.1", "3.1", "a different EID is associated with this ICCID"},
    {"8.2.1", "3.3", "ICCID not available"},
    {"8.2.1", "3.5", "profile cannot be released"},
    {"8.2.1", "3.9", "ICCID unknown"},
    {"8.2.1", "3.10", "a different EID is associated with this ICCID"},
    {"8.2.5", "1.2", "profile type not allowed"},
    {"8.2.5", "3.7", "no profile of this type left"},
    {"8.2.5", "3.8", "profile type mismatch"},
    {"8.2.5", "3.9", "profile type unknown"},
    {"8.2.5", "4.3", "no eligible profile for this device"},
    {"8.2.6", "3.1", "a different matching ID is associated with this ICCID"},
    {"8.2.6", "3.3", "matching ID conflicting"},
    {"8.2.6", "3.8", "matching ID refused"},
    {"8.2.6", "3.10", "a different matching ID is associated with this ICCID"},
    {"8.2.7", "2.2", "confirmation code missing"},
    {"8.2.7", "3.8", "confirmation code refused"},
    {"8.2.7", "6.4", "confirmation code retries exceeded"},
    {"8.8", "3.1", "SM-DP+ OID invalid"},
    {"8.8", "3.10", "SM-DP+ OID invalid"},
    {"8.8.1", "3.8", "invalid SM-DP+ address"},
    {"8.8.2", "3.1", "none of the proposed CI public key ids is supported"},
    {"8.8.3", "3.1", "eUICC SVN not supported"},
    {"8.8.4", "3.7", "no CERT.DPauth under a CI the eUICC supports"},
    {"8.8.5", "4.1", "download order expired"},
    {"8.8.5", "4.10", "download order expired"},
    {"8.8.5", "6.4", "maximum number of download retries exceeded"},
    {"8.9", "4.2", "SM-DS raised an error"},
    {"8.9", "5.1", "SM-DS unreachable"},
    {"8.9.1", "3.8", "invalid SM-DS address"},
    {"8.9.2", "3.1", "none of the proposed CI public key ids is supported by the SM-DS"},
    {"8.9.3", "3.1", "eUICC SVN not supported by the SM-DS"},
    {"8.9.4", "3.7", "no SM-DS certificate under a CI the eUICC supports"},
    {"8.9.5", "3.3", "event already registered"},
    {"8.9.5", "3.9", "event unknown"},
    {"8.10.1", "3.9", "unknown transactionId / RSP session"},
    {"8.11.1", "3.9", "unknown CI public key"},
};

const char *esimlpa__es9p_status_text(const char *subject, const char *reason)
{
    if (!subject || !reason)
        return NULL;
    for (size_t i = 0; i < sizeof STATUS_TEXTS / sizeof STATUS_TEXTS[0]; i++)
        if (strcmp(STATUS_TEXTS[i].subject, subject) == 0 &&
            strcmp(STATUS_TEXTS[i].reason, reason) == 0)
            return STATUS_TEXTS[i].text;
    return NULL;
}

const char *esimlpa_es9_status_describe(const char *subject_code, const char *reason_code)
{
    return esimlpa__es9p_status_text(subject_code, reason_code);
}

const char *esimlpa_es9_exec_status_name(enum esimlpa_es9_exec_status status)
{
    switch (status) {
    case ESIMLPA_ES9_STATUS_NONE: return "none";
    case ESIMLPA_ES9_STATUS_SUCCESS: return "Executed-Success";
    case ESIMLPA_ES9_STATUS_WARNING: return "Executed-WithWarning";
    case ESIMLPA_ES9_STATUS_FAILED: return "Failed";
    case ESIMLPA_ES9_STATUS_EXPIRED: return "Expired";
    }
    return "unknown";
}
