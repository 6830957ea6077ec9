/* SPDX-License-Identifier: MIT */
/* Soft eUICC: ES10b LoadBoundProfilePackage, one command per BPP segment
 * (sgp22-notes §6.3), and the ProfileInstallationResult (§6.5). */
#ifndef SOFTEUICC_ES10_BPP_H
#define SOFTEUICC_ES10_BPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "der.h"

struct softeuicc;
struct se_bpp;

/* BppCommandId (§6.5) */
enum { BPP_CMD_INIT_SC = 0, BPP_CMD_CONFIGURE_ISDP = 1, BPP_CMD_STORE_METADATA = 2,
       BPP_CMD_REPLACE_KEYS = 4, BPP_CMD_LOAD_PE = 5 };

void se_bpp_free(struct se_bpp *b);

/* Does this ES10 command look like a LoadBPP segment (BF36, A0..A3, 86..88)? */
bool es10_is_bpp_command(const uint8_t *req, size_t len);
/* Process one segment: 9000 with no data (more to come), 9000 with BF37 (the end,
 * success or error), or an error SW when there is no prepared session. */
unsigned es10_load_bpp(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out);
/* A non-BPP command arrived during a load: queue an error PIR
 * (installFailedDueToInterruption) and end the session. */
void es10_bpp_interrupt(struct softeuicc *se);

/* pir.c: build, sign and queue the PIR for the current session (reason 0 =
 * success with isdp_aid; else errorResult cmd_id/reason), end the session and
 * save. iccid may be NULL. On success out holds the BF37 TLV; returns 0 or -1. */
int se_pir_finish(struct softeuicc *se, const char *iccid, const uint8_t *isdp_aid,
                  size_t aid_len, int cmd_id, int reason, struct dbuf *out);

#endif
