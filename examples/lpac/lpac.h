/* SPDX-License-Identifier: MIT */
/* esimlpa-lpac: a command line and JSON output compatible with lpac's, over
 * libesimlpa's public API. Shared declarations of its small parts. */
#ifndef ESIMLPA_LPAC_H
#define ESIMLPA_LPAC_H

#include <esimlpa/esimlpa.h>

/* Exit statuses: lpac's applets return -1 on failure (status 255). */
#define LPAC_EXIT_OK 0
#define LPAC_EXIT_FAIL 255
#define LPAC_EXIT_CANCELLED 130

/* The backends chosen by the environment (backend.c). */
struct lpac {
    int apdu_kind;                          /* LPAC_APDU_PCSC / _AT / _QMI */
    struct esimlpa_apdu_transport *tr;
    esimlpa_ctx *ctx;
    struct esimlpa_http_transport *http;
};
enum { LPAC_APDU_PCSC = 0, LPAC_APDU_AT, LPAC_APDU_AT_CSIM, LPAC_APDU_QMI };

/* Open the card as the environment says; on failure prints the error line
 * and returns LPAC_EXIT_FAIL. */
int lpac_open(struct lpac *l);
/* Create the HTTP transport (TLS verified unless explicitly switched off). */
int lpac_http(struct lpac *l);
void lpac_close(struct lpac *l);
/* Print the error line for a failed library call (function: lpac's name of
 * the step) and return the exit status for it. */
int lpac_fail(struct lpac *l, const char *function, int rc);
/* A usage error: the error line with message "usage" and the detail. */
int lpac_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Applets: argv[0] is the applet's name. */
int lpac_cmd_chip(int argc, char **argv);
int lpac_cmd_profile(int argc, char **argv);
int lpac_cmd_notification(int argc, char **argv);
int lpac_cmd_download(int argc, char **argv);
int lpac_cmd_discovery(int argc, char **argv);
int lpac_cmd_driver(int argc, char **argv);
int lpac_cmd_replay(int argc, char **argv);

/* Signals ask the library to cancel the flow on this context. */
void lpac_signals_arm(esimlpa_ctx *ctx);
void lpac_signals_disarm(void);
int lpac_signals_caught(void);

#endif
