/* SPDX-License-Identifier: MIT */
/**
 * @file es10.h
 * @brief ES10a/b/c functions (SGP.22 §5.7): chip information, profile and
 *        notification management. Each call runs on an open context.
 */
#ifndef ESIMLPA_ES10_H
#define ESIMLPA_ES10_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------- identifiers ---------- */

#define ESIMLPA_EID_LEN 32      /**< EID: 32 decimal digits */
#define ESIMLPA_ICCID_MAX 20    /**< ICCID: 19 or 20 digits (18..20 accepted) */
#define ESIMLPA_AID_MAX 16      /**< ISD-P AID: 5..16 bytes */

/** Which identifier a struct esimlpa_profile_id holds. */
enum esimlpa_profile_id_kind {
    ESIMLPA_ID_ICCID = 0,               /**< the ICCID (iccid) */
    ESIMLPA_ID_AID = 1,                 /**< the ISD-P AID (aid, aid_len) */
};

/** How a profile is named in Enable/Disable/Delete: ICCID or ISD-P AID. */
struct esimlpa_profile_id {
    enum esimlpa_profile_id_kind kind;  /**< which of the two below is set */
    char iccid[ESIMLPA_ICCID_MAX + 1];  /**< digits, when kind == ICCID */
    uint8_t aid[ESIMLPA_AID_MAX];       /**< when kind == AID */
    size_t aid_len;
};

/**
 * Parse a user's profile identifier: 32 hex digits are an ISD-P AID, 18..20
 * decimal digits (optionally ending in 'F') an ICCID. ESIMLPA_EBADICCID /
 * ESIMLPA_EBADAID name what is wrong.
 */
int esimlpa_profile_id_parse(const char *text, struct esimlpa_profile_id *out);

/* ---------- ES10c.GetEID / ES10b.GetEUICCInfo ---------- */

int esimlpa_eid_get(esimlpa_ctx *ctx, char eid[ESIMLPA_EID_LEN + 1]);

struct esimlpa_version3 { uint8_t major, minor, revision; };

/** A CI public key identifier (SubjectKeyIdentifier, 20 bytes as a rule). */
struct esimlpa_pkid { uint8_t bytes[32]; size_t len; };

/** EUICCInfo1 (GetEUICCInfo1, tag BF20). */
struct esimlpa_euicc_info1 {
    struct esimlpa_version3 svn;
    struct esimlpa_pkid *ci_pkid_verification; size_t n_ci_pkid_verification;
    struct esimlpa_pkid *ci_pkid_signing;      size_t n_ci_pkid_signing;
    uint8_t *raw; size_t raw_len;   /**< the whole BF20 TLV as the card sent it */
};
int esimlpa_euicc_info1_get(esimlpa_ctx *ctx, struct esimlpa_euicc_info1 **out);
void esimlpa_euicc_info1_free(struct esimlpa_euicc_info1 *info);

/** EUICCInfo2 (GetEUICCInfo2, tag BF22). Absent optional fields: has_* = 0. */
struct esimlpa_euicc_info2 {
    struct esimlpa_version3 profile_version, svn, firmware_version, pp_version;
    int has_ts102241_version; struct esimlpa_version3 ts102241_version;
    int has_globalplatform_version; struct esimlpa_version3 globalplatform_version;
    /* extCardResource (ETSI TS 102 226): -1 when not reported */
    long installed_apps;
    long free_nvram;
    long free_ram;
    uint32_t uicc_capability;   /**< bit n = UICCCapability bit n */
    uint32_t rsp_capability;    /**< bit n = RspCapability bit n */
    int euicc_category;         /**< -1 absent, 0 other, 1 basic, 2 medium, 3 contactless */
    uint32_t forbidden_ppr;     /**< PprIds bits */
    char *sas_accreditation_number;
    struct esimlpa_pkid *ci_pkid_verification; size_t n_ci_pkid_verification;
    struct esimlpa_pkid *ci_pkid_signing;      size_t n_ci_pkid_signing;
    char *platform_label;       /**< certificationDataObject, or NULL */
    char *discovery_base_url;
    uint8_t *raw; size_t raw_len;
};
int esimlpa_euicc_info2_get(esimlpa_ctx *ctx, struct esimlpa_euicc_info2 **out);
void esimlpa_euicc_info2_free(struct esimlpa_euicc_info2 *info);

/* ---------- ES10a ---------- */

struct esimlpa_configured_addresses {
    char *default_dp_address;   /**< NULL when not set */
    char *root_ds_address;      /**< NULL when not set */
};
int esimlpa_configured_addresses_get(esimlpa_ctx *ctx, struct esimlpa_configured_addresses **out);
void esimlpa_configured_addresses_free(struct esimlpa_configured_addresses *a);
/** SetDefaultDpAddress; "" clears the address. */
int esimlpa_default_dp_address_set(esimlpa_ctx *ctx, const char *address);

/* ---------- ES10c.GetProfilesInfo ---------- */

enum esimlpa_profile_state { ESIMLPA_PROFILE_DISABLED = 0, ESIMLPA_PROFILE_ENABLED = 1 };
enum esimlpa_profile_class { ESIMLPA_CLASS_TEST = 0, ESIMLPA_CLASS_PROVISIONING = 1,
                             ESIMLPA_CLASS_OPERATIONAL = 2 };
enum esimlpa_icon_type { ESIMLPA_ICON_NONE = -1, ESIMLPA_ICON_JPG = 0, ESIMLPA_ICON_PNG = 1 };

/** NotificationEvent bits (SGP.22 NotificationEvent BIT STRING). */
enum esimlpa_notification_event {
    ESIMLPA_EVENT_INSTALL = 1u << 0,
    ESIMLPA_EVENT_ENABLE = 1u << 1,
    ESIMLPA_EVENT_DISABLE = 1u << 2,
    ESIMLPA_EVENT_DELETE = 1u << 3,
};

struct esimlpa_notification_config {
    unsigned events;        /**< esimlpa_notification_event bits */
    char *address;
};

struct esimlpa_operator_id {
    char mcc_mnc[7];        /**< decoded digits, e.g. "45412" or "310410" */
    uint8_t gid1[16]; size_t gid1_len; int has_gid1;
    uint8_t gid2[16]; size_t gid2_len; int has_gid2;
};

/** PprIds bits */
enum esimlpa_ppr {
    ESIMLPA_PPR_UPDATE_CONTROL = 1u << 0,
    ESIMLPA_PPR1 = 1u << 1,  /**< disabling not allowed */
    ESIMLPA_PPR2 = 1u << 2,  /**< deletion not allowed */
};

struct esimlpa_profile_info {
    char iccid[ESIMLPA_ICCID_MAX + 1];  /**< "" if not reported */
    uint8_t aid[ESIMLPA_AID_MAX]; size_t aid_len;
    enum esimlpa_profile_state state;
    int has_state;
    char *nickname;             /**< NULL if absent */
    char *service_provider_name;
    char *profile_name;
    enum esimlpa_icon_type icon_type;
    uint8_t *icon; size_t icon_len;
    enum esimlpa_profile_class profile_class; /**< absent: operational (ASN.1 DEFAULT) */
    struct esimlpa_notification_config *notification_configs; size_t n_notification_configs;
    int has_owner; struct esimlpa_operator_id owner;
    unsigned ppr;               /**< esimlpa_ppr bits */
};

struct esimlpa_profile_list {
    struct esimlpa_profile_info *profiles;
    size_t count;
};

/** What a struct esimlpa_profile_filter selects by (SGP.22 ProfileInfoListRequest
 *  searchCriteria). */
enum esimlpa_filter_by {
    ESIMLPA_FILTER_NONE = 0,            /**< every profile */
    ESIMLPA_FILTER_ICCID,               /**< the profile with iccid */
    ESIMLPA_FILTER_AID,                 /**< the profile with ISD-P AID aid */
    ESIMLPA_FILTER_CLASS,               /**< the profiles of profile_class */
};

/** Filter for GetProfilesInfo. All zero: every profile, every field. */
struct esimlpa_profile_filter {
    enum esimlpa_filter_by by;          /**< the search criterion */
    char iccid[ESIMLPA_ICCID_MAX + 1];
    uint8_t aid[ESIMLPA_AID_MAX]; size_t aid_len;
    enum esimlpa_profile_class profile_class;
    /** Optional tag list (e.g. 0x5A, 0x9F70, 0x90); 0 entries: all fields. */
    const unsigned *tags; size_t n_tags;
};

int esimlpa_profiles_list(esimlpa_ctx *ctx, const struct esimlpa_profile_filter *filter,
                          struct esimlpa_profile_list **out);
void esimlpa_profile_list_free(struct esimlpa_profile_list *list);

/* ---------- ES10c profile operations ---------- */

int esimlpa_profile_enable(esimlpa_ctx *ctx, const struct esimlpa_profile_id *id, int refresh);
int esimlpa_profile_disable(esimlpa_ctx *ctx, const struct esimlpa_profile_id *id, int refresh);
/** DeleteProfile. SGP.22 DeleteProfileRequest carries no refresh flag. */
int esimlpa_profile_delete(esimlpa_ctx *ctx, const struct esimlpa_profile_id *id);
/** SetNickname: UTF-8, at most 64 bytes; "" clears it. Control characters
 * (C0, DEL, C1) or invalid UTF-8: ESIMLPA_EBADTEXT, nothing is sent. */
int esimlpa_profile_nickname_set(esimlpa_ctx *ctx, const char *iccid, const char *nickname);

/** eUICCMemoryReset option bits (ResetOptions). */
enum esimlpa_reset_option {
    ESIMLPA_RESET_OPERATIONAL_PROFILES = 1u << 0,
    ESIMLPA_RESET_TEST_PROFILES = 1u << 1,
    ESIMLPA_RESET_DEFAULT_DP_ADDRESS = 1u << 2,
};
int esimlpa_euicc_memory_reset(esimlpa_ctx *ctx, unsigned options);

/* ---------- ES10b notifications ---------- */

struct esimlpa_notification {
    long seq_number;
    unsigned event;             /**< one esimlpa_notification_event bit (or several, as seen in the field) */
    char *address;              /**< notificationAddress */
    char iccid[ESIMLPA_ICCID_MAX + 1]; /**< "" if absent */
};

struct esimlpa_notification_list {
    struct esimlpa_notification *items;
    size_t count;
};

/** ListNotification; @p events = 0 lists all, else only those event bits. */
int esimlpa_notifications_list(esimlpa_ctx *ctx, unsigned events,
                               struct esimlpa_notification_list **out);
void esimlpa_notification_list_free(struct esimlpa_notification_list *list);

/** A signed pending notification as retrieved from the eUICC. */
struct esimlpa_pending_notification {
    struct esimlpa_notification meta;
    int is_install_result;      /**< 1: ProfileInstallationResult (BF37), 0: OtherSignedNotification (30) */
    uint8_t *der; size_t der_len; /**< the whole TLV, to send with handleNotification */
};
struct esimlpa_pending_notification_list {
    struct esimlpa_pending_notification *items;
    size_t count;
};

/** RetrieveNotificationsList; @p seq_number < 0 retrieves all. */
int esimlpa_notifications_retrieve(esimlpa_ctx *ctx, long seq_number,
                                   struct esimlpa_pending_notification_list **out);
void esimlpa_pending_notification_list_free(struct esimlpa_pending_notification_list *list);

/** RemoveNotificationFromList (NotificationSent). */
int esimlpa_notification_remove(esimlpa_ctx *ctx, long seq_number);

/* ---------- ES10b.GetRAT ---------- */

struct esimlpa_rat_rule {
    unsigned ppr_ids;           /**< esimlpa_ppr bits */
    struct esimlpa_operator_id *operators; size_t n_operators;
    int consent_required;       /**< pprFlags bit 0 */
};
struct esimlpa_rat {
    struct esimlpa_rat_rule *rules;
    size_t count;
};
int esimlpa_rat_get(esimlpa_ctx *ctx, struct esimlpa_rat **out);
void esimlpa_rat_free(struct esimlpa_rat *rat);

/* ---------- helpers ---------- */

/** ICCID digits -> 10-byte EF.ICCID coding (nibble-swapped, F-padded). */
int esimlpa_iccid_encode(const char *iccid, uint8_t out[10]);
/** 10-byte EF.ICCID coding -> digits (trailing F stripped). */
int esimlpa_iccid_decode(const uint8_t *in, size_t len, char out[ESIMLPA_ICCID_MAX + 1]);

#ifdef __cplusplus
}
#endif
#endif
