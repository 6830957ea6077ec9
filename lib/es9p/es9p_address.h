/* SPDX-License-Identifier: MIT */
/* The SM-DP+ / SM-DS address check of the ES9+ layer, also used by ES10a
 * SetDefaultDpAddress: an address is what an activation code may carry
 * (SGP.22 §4.1: FQDN with an optional ":port"), nothing that could change
 * the URL https://<address>/gsma/rsp2/es9plus/... */
#ifndef ESIMLPA_ES9P_ADDRESS_H
#define ESIMLPA_ES9P_ADDRESS_H

#include <stddef.h>

/* 0 when @addr (@len bytes) is FQDN[:port] (no scheme, path or spaces), else
 * -1 with a reason ("has an invalid character '/'"...) written into @why. */
int esimlpa__es9p_address_check(const char *addr, size_t len, char *why, size_t why_len);

#endif
