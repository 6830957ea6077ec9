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
    size_t aid_len;                     /**< bytes in aid (5..16) */
};

/**
 * Parse a user's profile identifier: 32 hex digits are an ISD-P AID, 18..20
 * decimal digits (optionally ending in 'F') an ICCID. ESIMLPA_EBADICCID /
 * ESIMLPA_EBADAID name what is wrong.
 */
int esimlpa_profile_id_parse(const char *text, struct esimlpa_profile_id *out);

/* ---------- ES10c.GetEID / ES10b.GetEUICCInfo ---------- */

/** ES10c.GetEID: the EID as 32 decimal digits and a NUL into @p eid. */
int esimlpa_eid_get(esimlpa_ctx *ctx, char eid[ESIMLPA_EID_LEN + 1]);

/** A three-part version number (SGP.22 VersionType, e.g. 2.2.0). */
struct esimlpa_version3 {
    uint8_t major;      /**< first byte */
    uint8_t minor;      /**< second byte */
    uint8_t revision;   /**< third byte */
};

/** A CI public key identifier (SubjectKeyIdentifier, 20 bytes as a rule). */
struct esimlpa_pkid {
    uint8_t bytes[32];  /**< the identifier */
    size_t len;         /**< bytes used in bytes */
};

/** EUICCInfo1 (GetEUICCInfo1, tag BF20). */
struct esimlpa_euicc_info1 {
    struct esimlpa_version3 svn;                /**< SGP.22 version the eUICC implements */
    struct esimlpa_pkid *ci_pkid_verification;  /**< euiccCiPKIdListForVerification */
    size_t n_ci_pkid_verification;              /**< entries in ci_pkid_verification */
    struct esimlpa_pkid *ci_pkid_signing;       /**< euiccCiPKIdListForSigning */
    size_t n_ci_pkid_signing;                   /**< entries in ci_pkid_signing */
    uint8_t *raw;       /**< the whole BF20 TLV as the card sent it */
    size_t raw_len;     /**< bytes in raw */
};
/** ES10b.GetEUICCInfo1 (SGP.22 §5.7.8); free *out with esimlpa_euicc_info1_free(). */
int esimlpa_euicc_info1_get(esimlpa_ctx *ctx, struct esimlpa_euicc_info1 **out);
/** Free what esimlpa_euicc_info1_get() returned. NULL-safe. */
void esimlpa_euicc_info1_free(struct esimlpa_euicc_info1 *info);

/** EUICCInfo2 (GetEUICCInfo2, tag BF22). Absent optional fields: has_* = 0. */
struct esimlpa_euicc_info2 {
    struct esimlpa_version3 profile_version;   /**< profileVersion (SIMalliance profile package) */
    struct esimlpa_version3 svn;               /**< SGP.22 version the eUICC implements */
    struct esimlpa_version3 firmware_version;  /**< euiccFirmwareVer */
    struct esimlpa_version3 pp_version;        /**< ppVersion (profile policy) */
    int has_ts102241_version;                  /**< 1: ts102241_version is set */
    struct esimlpa_version3 ts102241_version;  /**< ts102241Version */
    int has_globalplatform_version;            /**< 1: globalplatform_version is set */
    struct esimlpa_version3 globalplatform_version; /**< globalplatformVersion */
    long installed_apps;        /**< extCardResource (ETSI TS 102 226) installed applications; -1 when not reported */
    long free_nvram;            /**< extCardResource free non-volatile memory in bytes; -1 when not reported */
    long free_ram;              /**< extCardResource free volatile memory in bytes; -1 when not reported */
    uint32_t uicc_capability;   /**< bit n = UICCCapability bit n */
    uint32_t rsp_capability;    /**< bit n = RspCapability bit n */
    int euicc_category;         /**< -1 absent, 0 other, 1 basic, 2 medium, 3 contactless */
    uint32_t forbidden_ppr;     /**< PprIds bits */
    char *sas_accreditation_number;             /**< sasAcreditationNumber (as the card sent it) */
    struct esimlpa_pkid *ci_pkid_verification;  /**< euiccCiPKIdListForVerification */
    size_t n_ci_pkid_verification;              /**< entries in ci_pkid_verification */
    struct esimlpa_pkid *ci_pkid_signing;       /**< euiccCiPKIdListForSigning */
    size_t n_ci_pkid_signing;                   /**< entries in ci_pkid_signing */
    char *platform_label;       /**< certificationDataObject, or NULL */
    char *discovery_base_url;   /**< certificationDataObject discoveryBaseURL, or NULL */
    uint8_t *raw;               /**< the whole BF22 TLV as the card sent it */
    size_t raw_len;             /**< bytes in raw */
};
/** ES10b.GetEUICCInfo2 (SGP.22 §5.7.8); free *out with esimlpa_euicc_info2_free(). */
int esimlpa_euicc_info2_get(esimlpa_ctx *ctx, struct esimlpa_euicc_info2 **out);
/** Free what esimlpa_euicc_info2_get() returned. NULL-safe. */
void esimlpa_euicc_info2_free(struct esimlpa_euicc_info2 *info);

/* ---------- ES10a ---------- */

/** EuiccConfiguredAddresses (SGP.22 §5.7.3). Card text: show it escaped (text.h). */
struct esimlpa_configured_addresses {
    char *default_dp_address;   /**< NULL when not set */
    char *root_ds_address;      /**< NULL when not set */
};
/** ES10a.GetEuiccConfiguredAddresses; free *out with esimlpa_configured_addresses_free(). */
int esimlpa_configured_addresses_get(esimlpa_ctx *ctx, struct esimlpa_configured_addresses **out);
/** Free what esimlpa_configured_addresses_get() returned. NULL-safe. */
void esimlpa_configured_addresses_free(struct esimlpa_configured_addresses *a);
/** ES10a.SetDefaultDpAddress (SGP.22 §5.7.4); "" clears the address. Anything
 *  else must be an SM-DP+ address as an activation code carries it, FQDN with
 *  an optional ":port" (no scheme, path, spaces or brackets): otherwise
 *  ESIMLPA_EBADADDRESS, naming what is wrong, and nothing is sent. */
int esimlpa_default_dp_address_set(esimlpa_ctx *ctx, const char *address);

/* ---------- ES10c.GetProfilesInfo ---------- */

/** ProfileState (SGP.22 §5.7.15). */
enum esimlpa_profile_state { ESIMLPA_PROFILE_DISABLED = 0, ESIMLPA_PROFILE_ENABLED = 1 };
/** ProfileClass (SGP.22 §5.7.15). */
enum esimlpa_profile_class { ESIMLPA_CLASS_TEST = 0, ESIMLPA_CLASS_PROVISIONING = 1,
                             ESIMLPA_CLASS_OPERATIONAL = 2 };
/** IconType (SGP.22 §5.7.15); NONE: no icon. */
enum esimlpa_icon_type { ESIMLPA_ICON_NONE = -1, ESIMLPA_ICON_JPG = 0, ESIMLPA_ICON_PNG = 1 };

/** NotificationEvent bits (SGP.22 NotificationEvent BIT STRING). */
enum esimlpa_notification_event {
    ESIMLPA_EVENT_INSTALL = 1u << 0,
    ESIMLPA_EVENT_ENABLE = 1u << 1,
    ESIMLPA_EVENT_DISABLE = 1u << 2,
    ESIMLPA_EVENT_DELETE = 1u << 3,
};

/** NotificationConfigurationInformation: which events go to which server. */
struct esimlpa_notification_config {
    unsigned events;        /**< esimlpa_notification_event bits */
    char *address;          /**< notificationAddress (card text: show it escaped) */
};

/** OperatorId (SGP.22 §2.4a.1): MCC/MNC and optional GID1/GID2. */
struct esimlpa_operator_id {
    char mcc_mnc[7];        /**< decoded digits, e.g. "45412" or "310410" */
    uint8_t gid1[16];       /**< gid1 bytes */
    size_t gid1_len;        /**< bytes in gid1 */
    int has_gid1;           /**< 1: gid1 was present */
    uint8_t gid2[16];       /**< gid2 bytes */
    size_t gid2_len;        /**< bytes in gid2 */
    int has_gid2;           /**< 1: gid2 was present */
};

/** PprIds bits */
enum esimlpa_ppr {
    ESIMLPA_PPR_UPDATE_CONTROL = 1u << 0,
    ESIMLPA_PPR1 = 1u << 1,  /**< disabling not allowed */
    ESIMLPA_PPR2 = 1u << 2,  /**< deletion not allowed */
};

/** ProfileInfo (GetProfilesInfo, SGP.22 §5.7.15), also the metadata shown for
 *  consent. Strings are card/server text: show them escaped (text.h). */
struct esimlpa_profile_info {
    char iccid[ESIMLPA_ICCID_MAX + 1];  /**< "" if not reported */
    uint8_t aid[ESIMLPA_AID_MAX];       /**< ISD-P AID */
    size_t aid_len;                     /**< bytes in aid (0 if not reported) */
    enum esimlpa_profile_state state;   /**< enabled or disabled (when has_state) */
    int has_state;                      /**< 1: state was reported */
    char *nickname;             /**< NULL if absent */
    char *service_provider_name; /**< serviceProviderName, NULL if absent */
    char *profile_name;         /**< profileName, NULL if absent */
    enum esimlpa_icon_type icon_type; /**< type of icon */
    uint8_t *icon;              /**< the icon image, NULL if none */
    size_t icon_len;            /**< bytes in icon */
    enum esimlpa_profile_class profile_class; /**< absent: operational (ASN.1 DEFAULT) */
    struct esimlpa_notification_config *notification_configs; /**< notificationConfigurationInfo */
    size_t n_notification_configs; /**< entries in notification_configs */
    int has_owner;              /**< 1: owner (profileOwner) was reported */
    struct esimlpa_operator_id owner; /**< profileOwner */
    unsigned ppr;               /**< esimlpa_ppr bits */
};

/** The profiles of GetProfilesInfo; free with esimlpa_profile_list_free(). */
struct esimlpa_profile_list {
    struct esimlpa_profile_info *profiles;  /**< count entries */
    size_t count;                           /**< number of profiles */
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
    char iccid[ESIMLPA_ICCID_MAX + 1];  /**< with ESIMLPA_FILTER_ICCID */
    uint8_t aid[ESIMLPA_AID_MAX];       /**< with ESIMLPA_FILTER_AID */
    size_t aid_len;                     /**< bytes in aid */
    enum esimlpa_profile_class profile_class; /**< with ESIMLPA_FILTER_CLASS */
    /** Optional tag list (e.g. 0x5A, 0x9F70, 0x90); 0 entries: all fields. */
    const unsigned *tags;
    size_t n_tags;                      /**< entries in tags */
};

/** ES10c.GetProfilesInfo (SGP.22 §5.7.15); @p filter NULL: all profiles, all
 *  fields. Free *out with esimlpa_profile_list_free(). */
int esimlpa_profiles_list(esimlpa_ctx *ctx, const struct esimlpa_profile_filter *filter,
                          struct esimlpa_profile_list **out);
/** Free what esimlpa_profiles_list() returned. NULL-safe. */
void esimlpa_profile_list_free(struct esimlpa_profile_list *list);

/* ---------- ES10c profile operations ---------- */

/** ES10c.EnableProfile (SGP.22 §5.7.16) with refreshFlag @p refresh; the
 *  enabled profile is disabled implicitly. */
int esimlpa_profile_enable(esimlpa_ctx *ctx, const struct esimlpa_profile_id *id, int refresh);
/** ES10c.DisableProfile (SGP.22 §5.7.17) with refreshFlag @p refresh. */
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
/** ES10c.eUICCMemoryReset (SGP.22 §5.7.19): @p options are esimlpa_reset_option bits. */
int esimlpa_euicc_memory_reset(esimlpa_ctx *ctx, unsigned options);

/* ---------- ES10b notifications ---------- */

/** NotificationMetadata (SGP.22 §5.7.9). */
struct esimlpa_notification {
    long seq_number;            /**< seqNumber */
    unsigned event;             /**< one esimlpa_notification_event bit (or several, as seen in the field) */
    char *address;              /**< notificationAddress */
    char iccid[ESIMLPA_ICCID_MAX + 1]; /**< "" if absent */
};

/** The notifications of ListNotification; free with esimlpa_notification_list_free(). */
struct esimlpa_notification_list {
    struct esimlpa_notification *items; /**< count entries */
    size_t count;                       /**< number of notifications */
};

/** ListNotification; @p events = 0 lists all, else only those event bits. */
int esimlpa_notifications_list(esimlpa_ctx *ctx, unsigned events,
                               struct esimlpa_notification_list **out);
/** Free what esimlpa_notifications_list() returned. NULL-safe. */
void esimlpa_notification_list_free(struct esimlpa_notification_list *list);

/** A signed pending notification as retrieved from the eUICC. */
struct esimlpa_pending_notification {
    struct esimlpa_notification meta; /**< its metadata */
    int is_install_result;      /**< 1: ProfileInstallationResult (BF37), 0: OtherSignedNotification (30) */
    uint8_t *der;               /**< the whole TLV, to send with handleNotification */
    size_t der_len;             /**< bytes in der */
};
/** The notifications of RetrieveNotificationsList; free with
 *  esimlpa_pending_notification_list_free(). */
struct esimlpa_pending_notification_list {
    struct esimlpa_pending_notification *items; /**< count entries */
    size_t count;                               /**< number of notifications */
};

/** RetrieveNotificationsList; @p seq_number < 0 retrieves all. */
int esimlpa_notifications_retrieve(esimlpa_ctx *ctx, long seq_number,
                                   struct esimlpa_pending_notification_list **out);
/** Free what esimlpa_notifications_retrieve() returned. NULL-safe. */
void esimlpa_pending_notification_list_free(struct esimlpa_pending_notification_list *list);

/** RemoveNotificationFromList (NotificationSent). */
int esimlpa_notification_remove(esimlpa_ctx *ctx, long seq_number);

/* ---------- ES10b.GetRAT ---------- */

/** ProfilePolicyAuthorisationRule (SGP.22 §2.9.2.2). */
struct esimlpa_rat_rule {
    unsigned ppr_ids;           /**< esimlpa_ppr bits */
    struct esimlpa_operator_id *operators; /**< allowedOperators */
    size_t n_operators;         /**< entries in operators */
    int consent_required;       /**< pprFlags bit 0 */
};
/** RulesAuthorisationTable; free with esimlpa_rat_free(). */
struct esimlpa_rat {
    struct esimlpa_rat_rule *rules; /**< count entries */
    size_t count;                   /**< number of rules */
};
/** ES10b.GetRAT (SGP.22 §5.7.22); free *out with esimlpa_rat_free(). */
int esimlpa_rat_get(esimlpa_ctx *ctx, struct esimlpa_rat **out);
/** Free what esimlpa_rat_get() returned. NULL-safe. */
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
