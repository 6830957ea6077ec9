/* SPDX-License-Identifier: MIT */
/* QMI transport internals: QMUX framing and TLV codec, device / proxy I/O,
 * QMI error names (not installed). Shared with the simulated QMI modem. */
#ifndef ESIMLPA_QMI_INTERNAL_H
#define ESIMLPA_QMI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "card_lockfile.h"   /* esimlpa__mono_ms: the clock of every deadline */

/* QMUX: marker 0x01, u16 length (of everything after the marker), flags
 * (0x00 from the host, 0x80 from the modem), service, client id; then the
 * service's header: flags (CTL: 0 request, 1 response, 2 indication; other
 * services: 0, 2, 4), a transaction id (CTL one byte, others two), u16
 * message id, u16 length of the TLVs. All little endian. */
#define QMI_MARKER 0x01
#define QMI_QMUX_FROM_MODEM 0x80
#define QMI_SVC_CTL 0x00
#define QMI_SVC_UIM 0x0B
#define QMI_CID_BROADCAST 0xFF

#define QMI_CTL_RESPONSE 0x01
#define QMI_CTL_INDICATION 0x02
#define QMI_SVC_RESPONSE 0x02
#define QMI_SVC_INDICATION 0x04

/* CTL messages. */
#define QMI_CTL_GET_VERSION_INFO 0x0021
#define QMI_CTL_ALLOCATE_CID 0x0022
#define QMI_CTL_RELEASE_CID 0x0023
#define QMI_CTL_SYNC 0x0027
#define QMI_CTL_PROXY_OPEN 0xFF00   /* libqmi's qmi-proxy: TLV 0x01 device path */

/* UIM messages. */
#define QMI_UIM_RESET 0x0000
#define QMI_UIM_GET_CARD_STATUS 0x002F
#define QMI_UIM_SEND_APDU 0x003B        /* 0x01 slot, 0x02 APDU (u16 len), 0x10 channel */
#define QMI_UIM_LOGICAL_CHANNEL 0x003F  /* close: 0x01 slot, 0x11 channel */
#define QMI_UIM_OPEN_LOGICAL_CHANNEL 0x0042 /* 0x01 slot, 0x10 AID (u8 len) */
#define QMI_UIM_SWITCH_SLOT 0x0046      /* 0x01 logical slot, 0x02 physical slot (u32) */
#define QMI_UIM_GET_SLOT_STATUS 0x0047

/* Result TLV of every response: u16 status (0 success, 1 failure), u16 error. */
#define QMI_TLV_RESULT 0x02

/* QMI protocol errors the transport reacts to. */
#define QMI_ERR_INTERNAL 3
#define QMI_ERR_CLIENT_IDS_EXHAUSTED 5
#define QMI_ERR_INVALID_CLIENT_ID 7
#define QMI_ERR_DEVICE_IN_USE 23
#define QMI_ERR_NO_EFFECT 26
#define QMI_ERR_SIM_FILE_NOT_FOUND 80
#define QMI_ERR_ACCESS_DENIED 82
#define QMI_ERR_INSUFFICIENT_RESOURCES 68
#define QMI_ERR_DEVICE_NOT_READY 52
#define QMI_ERR_UIM_UNINITIALIZED 37
#define QMI_ERR_INVALID_QMI_COMMAND 71
#define QMI_ERR_MALFORMED_MESSAGE 1
#define QMI_ERR_MISSING_ARGUMENT 17
#define QMI_ERR_INVALID_ARGUMENT 48

/* Largest frame accepted or built: a Send APDU answer is < 300 bytes; real
 * modems' indications stay well below this. Longer frames are refused. */
#define QMI_MAX_FRAME 8192

/* Codec results (negative): why a frame was refused. */
enum qmi_codec_error {
    QMI_CODEC_OK = 0,
    QMI_CODEC_SHORT = -1,       /* fewer bytes than the headers need */
    QMI_CODEC_MARKER = -2,      /* first byte is not 0x01 */
    QMI_CODEC_LENGTH = -3,      /* QMUX length disagrees with the bytes given */
    QMI_CODEC_TOO_BIG = -4,     /* longer than QMI_MAX_FRAME */
    QMI_CODEC_TLV = -5,         /* TLV length runs past the message */
    QMI_CODEC_MSG_LENGTH = -6,  /* message length disagrees with the QMUX length */
};
const char *esimlpa__qmi_codec_strerror(int err);

/* One parsed QMUX message (pointers into the frame buffer). */
struct qmi_msg {
    uint8_t qmux_flags;
    uint8_t service;
    uint8_t client;
    uint8_t flags;        /* request / response / indication */
    uint16_t txn;
    uint16_t msg_id;
    const uint8_t *tlv;   /* all TLVs, already checked to fit */
    size_t tlv_len;
};

/* Parse one whole frame of exactly @len bytes. QMI_CODEC_OK or a negative
 * enum qmi_codec_error. */
int esimlpa__qmi_parse(const uint8_t *buf, size_t len, struct qmi_msg *m);
/* How many bytes the frame starting at buf needs in total, from its first
 * three bytes: > 0, or a negative enum qmi_codec_error (bad marker, too big);
 * 0 when fewer than three bytes are there yet. */
long esimlpa__qmi_frame_size(const uint8_t *buf, size_t len);

/* Value of TLV @type: 0 and *v, *n when present, -1 when absent. */
int esimlpa__qmi_tlv(const struct qmi_msg *m, uint8_t type, const uint8_t **v, size_t *n);
/* The result TLV: 0 success, 1 failure (*qmi_error set), -1 missing or
 * malformed. */
int esimlpa__qmi_result(const struct qmi_msg *m, uint16_t *qmi_error);

/* Frame builder. */
struct qmi_builder {
    uint8_t buf[QMI_MAX_FRAME];
    size_t len;
    int overflow;   /* a TLV did not fit: esimlpa__qmi_finish fails */
};
void esimlpa__qmi_begin(struct qmi_builder *b, uint8_t qmux_flags, uint8_t service,
                        uint8_t client, uint8_t flags, uint16_t txn, uint16_t msg_id);
void esimlpa__qmi_add_tlv(struct qmi_builder *b, uint8_t type, const void *v, size_t n);
void esimlpa__qmi_add_u8(struct qmi_builder *b, uint8_t type, uint8_t v);
/* Result TLV (status 0 / 1 and the error code). */
void esimlpa__qmi_add_result(struct qmi_builder *b, uint16_t qmi_error);
/* Fill in the lengths; 0, or QMI_CODEC_TOO_BIG when something did not fit. */
int esimlpa__qmi_finish(struct qmi_builder *b);

/* --- qmi_errors.c --- */
/* libqmi's name of a QMI protocol error ("AccessDenied"), or NULL. */
const char *esimlpa__qmi_error_name(uint16_t err);
/* The ESIMLPA_E* code a QMI error maps to. */
int esimlpa__qmi_error_code(uint16_t err);

/* --- qmi_io.c --- */
/* Open the device node read/write (raw mode if it is a tty, e.g. a pty).
 * Returns the fd or a negative ESIMLPA_E* code (detail in err). */
int esimlpa__qmi_open_device(const char *path, char *err, size_t err_len);
/* Connect to a libqmi/libmbim proxy at the abstract unix socket @name
 * ("qmi-proxy", "mbim-proxy"), giving up after 2 s. Returns the
 * non-blocking fd or a negative ESIMLPA_E* code (detail in err). */
int esimlpa__proxy_socket_open(const char *name, char *err, size_t err_len);

/* Stream reader: a pty or socket may split or join frames. */
struct qmi_reader {
    uint8_t buf[QMI_MAX_FRAME];
    size_t len;
    size_t pending;   /* the frame handed out last, dropped on the next read */
    size_t skip;      /* bytes still to drop of a frame larger than buf */
    unsigned skipped; /* frames dropped for their size */
};
/* Write one frame before the deadline (CLOCK_MONOTONIC ms): 0,
 * ESIMLPA_ETIMEOUT or ESIMLPA_ECARDREMOVED. */
int esimlpa__qmi_write(int fd, const uint8_t *buf, size_t len, long long deadline_ms);
/* poll(2) @fd for @ev (POLLIN, POLLOUT) until @deadline_ms (esimlpa__mono_ms):
 * 0 when ready (or hung up: the read/write then says so), ESIMLPA_ETIMEOUT,
 * ESIMLPA_ECARDREMOVED on POLLERR/POLLNVAL, ESIMLPA_ETRANSPORT if poll fails.
 * The QMI and MBIM readers and writers share it. */
int esimlpa__fd_wait(int fd, short ev, long long deadline_ms);
/* Read one whole frame into *frame (valid until the next call): its length
 * (> 0), ESIMLPA_ETIMEOUT, ESIMLPA_ECARDREMOVED (end of file, EIO) or
 * ESIMLPA_ETRANSPORT (a malformed frame; *codec_err says why; the buffered
 * bytes are dropped). Frames longer than QMI_MAX_FRAME are skipped whole. */
long esimlpa__qmi_read(int fd, struct qmi_reader *r, const uint8_t **frame, long long deadline_ms,
                       int *codec_err);

/* --- qmi_client.c: requests and their responses, CTL client ids --- */
struct qmi_conn {
    int fd;                 /* device node or proxy socket; -1 when closed */
    struct qmi_reader rd;
    uint8_t ctl_txn;        /* last CTL transaction id (1..255) */
    uint16_t txn;           /* last service transaction id (1..65535) */
    unsigned timeout_ms;
    const char *device;     /* for messages */
    int gone;               /* the device or proxy went away: no more requests */
    char err[256];          /* detail of the last failure */
};
/* esimlpa__qmi_request: the modem answered with a failure result. */
#define QMI_FAILED 1

/* Start a request to @service / @client with the next transaction id. */
void esimlpa__qmi_new_request(struct qmi_conn *c, struct qmi_builder *b, uint8_t service,
                              uint8_t client, uint16_t msg_id);
/*
 * Send the request in @b and wait for its response (same service, client,
 * transaction id and message id; indications and other clients' messages are
 * skipped). ESIMLPA_OK with *resp (valid until the next request) when the
 * result TLV says success; QMI_FAILED with *qmi_err (and *resp) when it says
 * failure; a negative ESIMLPA_E* code otherwise. @what names the message in
 * c->err ("UIM Send APDU").
 */
int esimlpa__qmi_request(struct qmi_conn *c, struct qmi_builder *b, const char *what,
                         struct qmi_msg *resp, uint16_t *qmi_err);
/* c->err = "<what>: QMI error <Name> (<code>)"; returns the mapped ESIMLPA_E* code. */
int esimlpa__qmi_fail(struct qmi_conn *c, const char *what, uint16_t qmi_err);
/* libqmi's qmi-proxy: CTL Internal Proxy Open with the device path. */
int esimlpa__qmi_proxy_open(struct qmi_conn *c, const char *device);
/* CTL Allocate CID / Release CID for @service. */
int esimlpa__qmi_alloc_cid(struct qmi_conn *c, uint8_t service, uint8_t *cid);
int esimlpa__qmi_release_cid(struct qmi_conn *c, uint8_t service, uint8_t cid);

#endif
