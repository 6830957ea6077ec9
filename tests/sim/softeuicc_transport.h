/* SPDX-License-Identifier: MIT */
/* In-process APDU transport to a soft eUICC: unit and fuzz tests run the real
 * card logic through the library's transport interface without pcscd. */
#ifndef SOFTEUICC_TRANSPORT_H
#define SOFTEUICC_TRANSPORT_H

#include <esimlpa/transport.h>

#include "softeuicc.h"

/* The transport belongs to se and lives until softeuicc_close(se).
 * connect() resets the card (like a power-up); disconnect() resets it too. */
struct esimlpa_apdu_transport *softeuicc_transport(struct softeuicc *se);

#endif
