/* SPDX-License-Identifier: MIT */
/* One owner per card for the length of an operation (not installed). */
#ifndef ESIMLPA_CARD_LOCK_H
#define ESIMLPA_CARD_LOCK_H

#include "ctx_internal.h"

/* Take the card for operation @what (waits up to ctx->lock_wait_ms while
 * another program holds it: ESIMLPA_EBUSY after that). Nested calls only
 * count. Every successful call is paired with esimlpa__card_unlock(). */
int esimlpa__card_lock(esimlpa_ctx *ctx, const char *what);
void esimlpa__card_unlock(esimlpa_ctx *ctx);

#endif
