/* SPDX-License-Identifier: MIT */
/* Where the harnesses that host a test double find their files: the test
 * PKI, the soft eUICC seed state and the test SM-DP+ orders/profiles.
 * $ESIMLPA_FUZZ_DATA or <directory of the executable>/fuzz_data, laid out as
 * pki/ (gen-rsp-pki.sh output), seed.json, profiles/orders.json; else the
 * paths compiled in by meson (FUZZ_PKI_DIR, FUZZ_SEED, FUZZ_PROFILES_DIR). */
#ifndef FUZZ_DATA_H
#define FUZZ_DATA_H

enum fuzz_data_kind { FUZZ_DATA_PKI, FUZZ_DATA_SEED, FUZZ_DATA_PROFILES };

/* Path of @file (may be NULL) of that kind; static buffer, aborts if the
 * data directory cannot be found. */
const char *fuzz_data_path(enum fuzz_data_kind kind, const char *file);

#endif
