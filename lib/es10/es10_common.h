/* SPDX-License-Identifier: MIT */
/* Shared plumbing of the ES10 layer (SGP.22 §5.7): state checks, request
 * encoding, the exchange with strict response decoding, result-code mapping
 * and decoders for types several functions share. Not installed. */
#ifndef ESIMLPA_ES10_COMMON_H
#define ESIMLPA_ES10_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <asn_application.h>
#include <BIT_STRING.h>
#include <OCTET_STRING.h>

#include "../core/ctx_internal.h"

struct NotificationMetadata;
struct OperatorId;

/* Start of every ES10 call: NULL context -> ESIMLPA_EINVAL; clears the last
 * error; a context that is not open -> ESIMLPA_ESTATE. */
int esimlpa__es10_begin(esimlpa_ctx *ctx, const char *what);

/* DER-encode a request structure (ESIMLPA_EENCODE / ESIMLPA_ENOMEM named
 * after @what on failure). */
int esimlpa__es10_encode(esimlpa_ctx *ctx, const char *what,
                         const asn_TYPE_descriptor_t *td, const void *req,
                         uint8_t **out, size_t *out_len);

/*
 * Send @req and decode the response as @td, whose outer tag must be @tag
 * (e.g. 0xBF3E). A response with another tag (or none) is
 * ESIMLPA_EUNEXPECTED; malformed, truncated or trailing bytes are
 * ESIMLPA_EDECODE. On success *out holds the structure (free with
 * ASN_STRUCT_FREE); if @raw is non-NULL it receives the response bytes
 * (malloc'd, caller frees) and @raw_len their length.
 */
int esimlpa__es10_exchange(esimlpa_ctx *ctx, const char *what,
                           const uint8_t *req, size_t req_len, unsigned tag,
                           const asn_TYPE_descriptor_t *td, void **out,
                           uint8_t **raw, size_t *raw_len);

/* esimlpa__es10_encode + esimlpa__es10_exchange. */
int esimlpa__es10_call(esimlpa_ctx *ctx, const char *what,
                       const asn_TYPE_descriptor_t *req_td, const void *req,
                       unsigned tag, const asn_TYPE_descriptor_t *resp_td, void **out,
                       uint8_t **raw, size_t *raw_len);

/* One eUICC result code of an ES10 function and the error it maps to. */
struct esimlpa__result_map {
    long value;
    int code;
    const char *name;   /* SGP.22 ASN.1 name, e.g. "profileNotInDisabledState" */
};

/* Map @result through @map (terminated by an entry with name NULL).
 * 0 -> ESIMLPA_OK. A listed value -> its code; any other value ->
 * ESIMLPA_EEUICC_UNKNOWN_RESULT. Failures go through esimlpa__fail_result,
 * so last_result_code and "Fn: eUICC result N (name)" are set. */
int esimlpa__es10_result(esimlpa_ctx *ctx, const char *what, long result,
                         const struct esimlpa__result_map *map);

/* ---- caps on SEQUENCE OF element counts (issue 4 item 7) ----
 * A response is at most ESIMLPA_ES10_MAX_RESPONSE bytes, but a list of
 * tiny elements could still make us allocate and walk tens of thousands of
 * entries; no real eUICC comes near these numbers. */
#define ESIMLPA__ES10_MAX_PROFILES 256            /* ProfileInfoListOk */
#define ESIMLPA__ES10_MAX_NOTIFICATIONS 1024      /* NotificationMetadataList */
#define ESIMLPA__ES10_MAX_PENDING 256             /* RetrieveNotificationsList (signed, >=100 B each) */
#define ESIMLPA__ES10_MAX_RAT_RULES 256           /* RulesAuthorisationTable */
#define ESIMLPA__ES10_MAX_OPERATORS 256           /* allowedOperators of one rule */
#define ESIMLPA__ES10_MAX_PKIDS 64                /* euiccCiPKIdListForVerification/Signing */
#define ESIMLPA__ES10_MAX_NOTIF_CONFIGS 64        /* notificationConfigurationInfo */

/* ESIMLPA_OK if 0 <= @n <= @max, else ESIMLPA_ETOOBIG with
 * "@what: @list has N entries, more than the limit of MAX". */
int esimlpa__es10_count_ok(esimlpa_ctx *ctx, const char *what, const char *list, int n,
                           int max);

/* ---- TLV walking (for raw copies of list elements) ---- */

/* Read one BER TLV header at buf[*off..len): tag bytes (1..3, returned as a
 * big-endian number, e.g. 0xBF37), definite length only. On success
 * *hdr_len is the header size, *val_len the value length, and the whole
 * TLV fits in the buffer. Returns 0 or -1. */
int esimlpa__tlv_header(const uint8_t *buf, size_t len, unsigned *tag,
                        size_t *hdr_len, size_t *val_len);

/* ---- decoders of shared types ---- */

/* Copy an OCTET STRING / UTF8String into a new C string (at most @max
 * bytes); ESIMLPA_EDECODE naming @what/@field if too long or containing NUL,
 * ESIMLPA_ENOMEM. */
struct NotificationConfigurationInformation;
struct esimlpa_profile_info;
struct OperatorId;

/*
 * The profile metadata fields ProfileInfo (GetProfilesInfo) and
 * StoreMetadataRequest (profileMetadata, BPP) share (SGP.22 §2.4a, §5.4):
 * iconType, icon, profileClass, notificationConfigurationInfo, profileOwner,
 * profilePolicyRules. Absent pointers are absent fields.
 */
struct esimlpa__metadata_fields {
    const long *icon_type;
    const OCTET_STRING_t *icon;
    const long *profile_class;
    struct NotificationConfigurationInformation *const *configs;
    int n_configs;
    const struct OperatorId *owner;
    const BIT_STRING_t *ppr;
};
/* Decode them into p (icon_type and profile_class defaults set by the caller). */
int esimlpa__es10_metadata_fields(esimlpa_ctx *ctx, const char *what,
                                  const struct esimlpa__metadata_fields *f,
                                  struct esimlpa_profile_info *p);
/*
 * Decode a notificationConfigurationInfo list (SGP.22
 * NotificationConfigurationInformation, shared by ProfileInfo and
 * StoreMetadataRequest) into p->notification_configs. Several event bits may
 * share one entry (notes §9, CMLINK).
 */
int esimlpa__es10_notification_configs(esimlpa_ctx *ctx, const char *what,
                                       struct NotificationConfigurationInformation *const *items,
                                       int count, struct esimlpa_profile_info *p);

int esimlpa__es10_string(esimlpa_ctx *ctx, const char *what, const char *field,
                         const OCTET_STRING_t *os, size_t max, char **out);

/* Iccid (10 bytes EF.ICCID coding) -> digits. ESIMLPA_EDECODE if malformed. */
int esimlpa__es10_iccid(esimlpa_ctx *ctx, const char *what, const OCTET_STRING_t *os,
                        char out[ESIMLPA_ICCID_MAX + 1]);

/* OperatorId -> struct esimlpa_operator_id. */
int esimlpa__es10_operator(esimlpa_ctx *ctx, const char *what,
                           const struct OperatorId *in, struct esimlpa_operator_id *out);

/* NotificationMetadata -> struct esimlpa_notification (address malloc'd;
 * on failure nothing is left allocated in @out). */
int esimlpa__es10_notification_meta(esimlpa_ctx *ctx, const char *what,
                                    const struct NotificationMetadata *in,
                                    struct esimlpa_notification *out);

/* Encode a profile identifier into an ICCID (10 bytes) or an ISD-P AID.
 * Sets *is_aid; ESIMLPA_EBADICCID / ESIMLPA_EBADAID / ESIMLPA_EINVAL. */
int esimlpa__es10_profile_id(esimlpa_ctx *ctx, const char *what,
                             const struct esimlpa_profile_id *id,
                             uint8_t buf[ESIMLPA_AID_MAX], size_t *len, int *is_aid);

#endif
