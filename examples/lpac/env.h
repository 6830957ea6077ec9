/* SPDX-License-Identifier: MIT */
/* Reading lpac's environment variables with lpac's value rules
 * (docs/backends/types.md of lpac: booleans 1/y/on/yes/true, 0/n/off/no/false;
 * an empty string means "use the default"). */
#ifndef ESIMLPA_LPAC_ENV_H
#define ESIMLPA_LPAC_ENV_H

/* The value, or NULL when unset or empty. */
const char *env_str(const char *name);
/* 1 / 0 for the boolean spellings, @p dflt otherwise. */
int env_bool(const char *name, int dflt);

#endif
