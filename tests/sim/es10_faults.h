/* SPDX-License-Identifier: MIT */
/* Generic ES10 fault knob (see es10_faults.c). */
#ifndef SE_ES10_FAULTS_H
#define SE_ES10_FAULTS_H

#include "der.h"

struct softeuicc;

/* If a fault matches request tag (segment: the LoadBPP command number for
 * BF36, else 0), count it, set *hit and return the status word to answer
 * (data in out); otherwise *hit = 0. */
unsigned se_es10_fault(struct softeuicc *se, unsigned tag, unsigned segment, struct dbuf *out,
                       int *hit);

#endif
