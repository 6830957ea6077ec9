/* SPDX-License-Identifier: MIT */
/* SCardTransmit with a time limit (not installed). */
#ifndef ESIMLPA_PCSC_WORKER_H
#define ESIMLPA_PCSC_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include <winscard.h>

struct pcsc_worker;

/* Start the worker thread that runs SCardTransmit for one card handle. */
int esimlpa__pcsc_worker_start(struct pcsc_worker **out);

/*
 * SCardTransmit on the worker, waiting at most @timeout_ms. Returns 0 with
 * *rv set to SCardTransmit's result, or ESIMLPA_ETIMEOUT: the call is still
 * blocked in pcsc-lite (SCardTransmit has no timeout of its own and cannot be
 * interrupted: pcsc-lite holds the context's lock for the whole exchange, so
 * SCardCancel/SCardDisconnect from another thread would block too). The
 * worker is then abandoned: it frees itself whenever the call returns, and
 * the caller must not use this card handle or its context again.
 */
int esimlpa__pcsc_worker_transmit(struct pcsc_worker *w, SCARDHANDLE card,
                                  const SCARD_IO_REQUEST *pci, const uint8_t *cmd,
                                  size_t cmd_len, uint8_t *resp, size_t *resp_len,
                                  long timeout_ms, LONG *rv);

/* Stop and free an idle worker. NULL-safe. */
void esimlpa__pcsc_worker_stop(struct pcsc_worker *w);

#endif
