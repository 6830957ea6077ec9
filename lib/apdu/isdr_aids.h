/* SPDX-License-Identifier: MIT */
/* The ISD-R AIDs the library tries when the caller names none (not installed). */
#ifndef ESIMLPA_ISDR_AIDS_H
#define ESIMLPA_ISDR_AIDS_H

#include <stddef.h>
#include <stdint.h>

struct esimlpa__isdr_aid {
    const char *name;       /* "standard", "5ber", ... */
    uint8_t len;
    uint8_t aid[16];
};

/* In probing order: the standard AID first, then the removable eUICCs. */
extern const struct esimlpa__isdr_aid esimlpa__isdr_aids[];
extern const size_t esimlpa__n_isdr_aids;

#endif
