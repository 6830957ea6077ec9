/* SPDX-License-Identifier: MIT */
/* Names of SGP.22 enumerations and bit strings as lpac prints them (they are
 * the ASN.1 identifiers of asn1/rsp.asn). */
#ifndef ESIMLPA_LPAC_NAMES_H
#define ESIMLPA_LPAC_NAMES_H

#include <stdint.h>
#include <cJSON.h>
#include <esimlpa/esimlpa.h>

/* A JSON array of the names of the set bits (bit n = BIT STRING bit n). */
cJSON *names_uicc_capability(uint32_t bits);
cJSON *names_rsp_capability(uint32_t bits);
cJSON *names_ppr(uint32_t bits);
cJSON *names_ppr_flags(int consent_required);
/* euiccCategory [11] INTEGER (SGP.22 §5.7.8 EUICCInfo2); NULL when absent. */
const char *names_euicc_category(int category);
const char *names_profile_state(enum esimlpa_profile_state s);
const char *names_profile_class(enum esimlpa_profile_class c);
const char *names_icon_type(enum esimlpa_icon_type t);   /* NULL for none */
const char *names_operation(unsigned event);              /* NotificationEvent */
/* "major.minor.revision" (VersionType, 3 octets). */
void names_version(cJSON *obj, const char *key, const struct esimlpa_version3 *v);
/* An OperatorId's PLMN as the 3 BCD octets of TS 24.008 in hex (lpac's format). */
void names_plmn_hex(const char *mcc_mnc, char out[7]);

#endif
