/* SPDX-License-Identifier: MIT */
/**
 * @file esimlpa.h
 * @brief libesimlpa: a GSMA SGP.22 Local Profile Assistant library.
 *
 * Include this header; it pulls in the others.
 */
#ifndef ESIMLPA_ESIMLPA_H
#define ESIMLPA_ESIMLPA_H

#include <esimlpa/error.h>
#include <esimlpa/transport.h>
#include <esimlpa/ctx.h>
#include <esimlpa/es10.h>
#include <esimlpa/http.h>
#include <esimlpa/activation.h>
#include <esimlpa/es9p.h>
#include <esimlpa/download.h>

#endif
