/* SPDX-License-Identifier: MIT */
/* MBIM transport internals: message codec (header, fragments, information
 * buffers), status names, device / proxy I/O, requests. Not installed; shared
 * with the simulated MBIM modem (tests/mbim). MBIM 1.0 (USB-IF) §9: every
 * control message starts with MessageType, MessageLength, TransactionId (u32,
 * little endian); commands, their answers and indications carry a fragment
 * header (TotalFragments, CurrentFragment) and, in the first fragment, the
 * service UUID, CID and a command type / status before the information buffer. */
#ifndef ESIMLPA_MBIM_INTERNAL_H
#define ESIMLPA_MBIM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#define MBIM_OPEN_MSG 0x00000001u
#define MBIM_CLOSE_MSG 0x00000002u
#define MBIM_COMMAND_MSG 0x00000003u
#define MBIM_HOST_ERROR_MSG 0x00000004u
#define MBIM_OPEN_DONE 0x80000001u
#define MBIM_CLOSE_DONE 0x80000002u
#define MBIM_COMMAND_DONE 0x80000003u
#define MBIM_FUNCTION_ERROR_MSG 0x80000004u
#define MBIM_INDICATE_STATUS_MSG 0x80000007u

#define MBIM_CMD_QUERY 0u
#define MBIM_CMD_SET 1u

/* Sizes: header 12; fragment header 8; command 12 + 8 + 16 + 4 + 4 + 4 = 48
 * bytes before the information buffer; COMMAND_DONE the same (status
 * instead of command type). */
#define MBIM_HDR_LEN 12u
#define MBIM_CMD_HDR_LEN 48u
#define MBIM_FRAG_HDR_LEN 20u
/* Max control transfer the host offers in MBIM_OPEN (libmbim's fallback for
 * a node without USB descriptors is the same 4096). */
#define MBIM_MAX_CONTROL 4096u
/* Largest reassembled message kept: APDU answers are < 300 bytes, device
 * caps < 1 KB. Bigger messages (for other clients) are skipped. */
#define MBIM_MAX_MESSAGE 16384u

/* Services (UUIDs as MBIM sends them: the bytes of the string in order). */
extern const uint8_t esimlpa__mbim_uuid_basic_connect[16];      /* a289cc33-bcbb-8b4f-b6b0-133ec2aae6df */
extern const uint8_t esimlpa__mbim_uuid_ms_uicc_lla[16];        /* c2f6588e-f037-4bc9-8665-f4d44bd09367 */
extern const uint8_t esimlpa__mbim_uuid_ms_basic_connect_ext[16]; /* 3d01dcc5-fef5-4d05-0d3a-bef7058e9aaf */
extern const uint8_t esimlpa__mbim_uuid_proxy_control[16];      /* 838cf7fb-8d0d-4d7f-871e-d71dbefbb39b */

/* Basic Connect CIDs. */
#define MBIM_CID_DEVICE_CAPS 1u
#define MBIM_CID_SUBSCRIBER_READY_STATUS 2u
#define MBIM_CID_RADIO_STATE 3u
/* Microsoft UICC low-level access CIDs (libmbim mbim-service-ms-uicc-low-level-access.json). */
#define MBIM_CID_UICC_ATR 1u
#define MBIM_CID_UICC_OPEN_CHANNEL 2u   /* set: AppId (size, offset), SelectP2Arg, ChannelGroup */
#define MBIM_CID_UICC_CLOSE_CHANNEL 3u  /* set: Channel, ChannelGroup */
#define MBIM_CID_UICC_APDU 4u           /* set: Channel, SecureMessaging, ClassByteType, Command */
/* Microsoft Basic Connect Extensions CIDs. */
#define MBIM_CID_MS_SYS_CAPS 5u
#define MBIM_CID_MS_DEVICE_SLOT_MAPPINGS 7u  /* MapCount + (offset, size) list of u32 slot index */
/* libmbim's proxy control: Configuration (set: DevicePath string, Timeout s). */
#define MBIM_CID_PROXY_CONFIGURATION 1u

#define MBIM_CLASS_BYTE_INTERINDUSTRY 0u
#define MBIM_CLASS_BYTE_EXTENDED 1u

/* Status codes (MBIM 1.0 Table 9-... and the MS UICC extension). */
#define MBIM_STATUS_SUCCESS 0u
#define MBIM_STATUS_BUSY 1u
#define MBIM_STATUS_FAILURE 2u
#define MBIM_STATUS_SIM_NOT_INSERTED 3u
#define MBIM_STATUS_BAD_SIM 4u
#define MBIM_STATUS_NOT_INITIALIZED 14u
#define MBIM_STATUS_NO_DEVICE_SUPPORT 9u
#define MBIM_STATUS_INVALID_PARAMETERS 21u
#define MBIM_STATUS_OPERATION_NOT_ALLOWED 28u
#define MBIM_STATUS_MS_NO_LOGICAL_CHANNELS 0x87430001u
#define MBIM_STATUS_MS_SELECT_FAILED 0x87430002u
#define MBIM_STATUS_MS_INVALID_LOGICAL_CHANNEL 0x87430003u

/* Function error codes (MBIM_FUNCTION_ERROR_MSG / HOST_ERROR). */
#define MBIM_ERR_TIMEOUT_FRAGMENT 1u
#define MBIM_ERR_FRAGMENT_OUT_OF_SEQUENCE 2u
#define MBIM_ERR_LENGTH_MISMATCH 3u
#define MBIM_ERR_DUPLICATED_TID 4u
#define MBIM_ERR_NOT_OPENED 5u
#define MBIM_ERR_UNKNOWN 6u
#define MBIM_ERR_CANCEL 7u
#define MBIM_ERR_MAX_TRANSFER 8u

/* Codec results (negative): why a message was refused. */
enum mbim_codec_error {
    MBIM_CODEC_OK = 0,
    MBIM_CODEC_SHORT = -1,      /* fewer bytes than the headers need */
    MBIM_CODEC_LENGTH = -2,     /* MessageLength disagrees with the bytes given */
    MBIM_CODEC_TOO_BIG = -3,    /* longer than the limit */
    MBIM_CODEC_INFO = -4,       /* information buffer runs past the message */
    MBIM_CODEC_FRAGMENT = -5,   /* bad fragment header or out of sequence */
    MBIM_CODEC_FIELD = -6,      /* a field (offset/size pair) runs outside the buffer */
};
const char *esimlpa__mbim_codec_strerror(int err);

static inline uint32_t mbim_get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void mbim_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* How many bytes the message starting at buf needs (its MessageLength): > 0,
 * 0 when fewer than 8 bytes are there yet, MBIM_CODEC_SHORT when the length is
 * below a header, MBIM_CODEC_TOO_BIG above @limit. */
long esimlpa__mbim_frame_size(const uint8_t *buf, size_t len, size_t limit);

/* One parsed message. For fragmented messages, the fields of the first
 * fragment; info points into the reassembled buffer. */
struct mbim_msg {
    uint32_t type, len, tid;
    uint32_t frag_total, frag_cur;   /* 1 and 0 for unfragmented types */
    const uint8_t *uuid;             /* command / done / indication; else NULL */
    uint32_t cid;
    uint32_t cmd_type_or_status;     /* command: query/set; done: status; open/close done: status;
                                        function/host error: error code; open: max transfer */
    const uint8_t *info;
    uint32_t info_len;               /* bytes of info here */
    uint32_t info_declared;          /* InformationBufferLength field (whole message) */
};
/* Parse one whole unfragmented message (or the first of a set for the
 * fields; frag_total > 1 then and info covers only this fragment). */
int esimlpa__mbim_parse(const uint8_t *buf, size_t len, struct mbim_msg *m);

/* Reassembly of fragmented command / done / indication messages. */
struct mbim_reasm {
    uint8_t buf[MBIM_MAX_MESSAGE];
    size_t len;
    uint32_t tid, type, total, next;   /* next fragment expected; total 0 = idle */
    uint8_t uuid[16];                  /* the first fragment's fields */
    uint32_t cid, word, declared;
};
/* Feed one frame: 1 and *m set when a whole message is ready (info into
 * r->buf or the frame), 0 when more fragments are needed, or a negative
 * enum mbim_codec_error (the set is dropped). */
int esimlpa__mbim_reasm_feed(struct mbim_reasm *r, const uint8_t *frame, size_t len,
                             struct mbim_msg *m);

/* Builder: a command or a done message, split into fragments of at most
 * max_xfer bytes. */
struct mbim_builder {
    uint8_t info[MBIM_MAX_MESSAGE];
    size_t info_len;
    int overflow;
};
void esimlpa__mbim_info_reset(struct mbim_builder *b);
void esimlpa__mbim_info_u32(struct mbim_builder *b, uint32_t v);
/* Reserve a u32 slot and return its offset (for offset / size pairs). */
size_t esimlpa__mbim_info_slot(struct mbim_builder *b);
void esimlpa__mbim_info_set32(struct mbim_builder *b, size_t at, uint32_t v);
/* Append @n bytes padded to 4; returns the offset they start at. */
size_t esimlpa__mbim_info_data(struct mbim_builder *b, const void *v, size_t n);

/* Frame @b's information buffer as fragment @idx of message @type (command or
 * done or indication): writes into out (max_xfer bytes), returns its length,
 * or 0 when idx is past the last fragment. @word is the command type (command)
 * or the status (done). */
size_t esimlpa__mbim_fragment(const struct mbim_builder *b, uint32_t type, uint32_t tid,
                              const uint8_t uuid[16], uint32_t cid, uint32_t word,
                              size_t max_xfer, uint32_t idx, uint8_t *out);
/* A message without fragments: open (word = max transfer), close, open/close
 * done (word = status), function error / host error (word = error code). */
size_t esimlpa__mbim_simple(uint32_t type, uint32_t tid, int has_word, uint32_t word,
                            uint8_t *out);

/* Fields of an information buffer: u32 at @off; an offset / size pair at
 * @off (size first if @size_first, as the MS UICC service's byte arrays
 * are). 0, or MBIM_CODEC_FIELD when it runs outside. */
int esimlpa__mbim_field_u32(const struct mbim_msg *m, size_t off, uint32_t *v);
int esimlpa__mbim_field_bytes(const struct mbim_msg *m, size_t off, int size_first,
                              const uint8_t **p, uint32_t *n);

/* --- mbim_errors.c --- */
/* libmbim's name of a status ("NoDeviceSupport"), or NULL. */
const char *esimlpa__mbim_status_name(uint32_t status);
int esimlpa__mbim_status_code(uint32_t status);
/* libmbim's name of a function error ("FragmentOutOfSequence"), or NULL. */
const char *esimlpa__mbim_error_name(uint32_t err);

/* --- mbim_io.c --- */
struct mbim_reader {
    uint8_t buf[MBIM_MAX_CONTROL * 2];
    size_t len;
    size_t pending;
    size_t skip;
};
/* Read one whole frame (<= MBIM_MAX_CONTROL * 2 bytes kept; bigger ones
 * skipped): its length, ESIMLPA_ETIMEOUT, ESIMLPA_ECARDREMOVED or
 * ESIMLPA_ETRANSPORT (*codec_err says why). */
long esimlpa__mbim_read(int fd, struct mbim_reader *r, const uint8_t **frame,
                        long long deadline_ms, int *codec_err);

/* --- mbim_client.c --- */
struct mbim_conn {
    int fd;
    struct mbim_reader rd;
    struct mbim_reasm ra;
    uint32_t tid;           /* last transaction id */
    unsigned timeout_ms;
    uint32_t max_xfer;
    const char *device;
    int gone;
    char err[256];
};
#define MBIM_FAILED 1   /* the modem answered with a non-success status */

/* Send a command (query / set) with @b's information buffer, fragmented as
 * needed, and wait for its COMMAND_DONE (same tid, service, CID). ESIMLPA_OK
 * with *resp (valid until the next request); MBIM_FAILED with *status; or a
 * negative ESIMLPA_E* code (function errors included). */
int esimlpa__mbim_command(struct mbim_conn *c, const uint8_t uuid[16], uint32_t cid,
                          uint32_t cmd_type, const struct mbim_builder *b, const char *what,
                          struct mbim_msg *resp, uint32_t *status);
/* c->err = "<what>: MBIM status <Name> (0x...)"; the mapped ESIMLPA_E* code. */
int esimlpa__mbim_fail(struct mbim_conn *c, const char *what, uint32_t status);
int esimlpa__mbim_open(struct mbim_conn *c);
void esimlpa__mbim_close(struct mbim_conn *c);
int esimlpa__mbim_proxy_config(struct mbim_conn *c, const char *device);

#endif
