/* SPDX-License-Identifier: MIT */
/* Soft eUICC: turning a BPP's StoreMetadataRequest (BF25) into a profile record,
 * the install-time checks and the ISD-P AID (sgp22-notes §7.6, §10.2, §10.9). */
#ifndef SOFTEUICC_PROFILE_INSTALL_H
#define SOFTEUICC_PROFILE_INSTALL_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

struct softeuicc;

/* Decode BF25 strictly into p (cleared first). Returns 0, or an ErrorReason
 * (1 incorrectInputValues for values the state cannot hold, 7 if BF25 does not
 * decode). p is cleared on failure; *iccid_known tells whether p->iccid is set. */
int se_metadata_to_profile(const uint8_t *bf25, size_t len, struct se_profile *p,
                           int *iccid_known);

/* Checks before installing: ICCID already present (9), profile class not
 * supported (6: test needs rspCapability testProfileSupport), PPRs not allowed
 * by the RAT for the profile owner (15). Returns 0 or the ErrorReason. */
int se_profile_install_check(struct softeuicc *se, const struct se_profile *p);

/* A free ISD-P AID: A0000005591010FFFFFFFF89 00 00 NN 00, NN from 10 upwards. */
int se_alloc_isdp_aid(struct se_state *st, uint8_t aid[16], size_t *len);

#endif
