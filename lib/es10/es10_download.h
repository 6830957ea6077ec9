/* SPDX-License-Identifier: MIT */
/*
 * ES10b functions of the profile download (SGP.22 §5.7.7 GetEUICCChallenge,
 * §5.7.13 AuthenticateServer, §5.7.5 PrepareDownload, §5.7.6
 * LoadBoundProfilePackage, §5.7.14 CancelSession), as used by lib/rsp.
 * Internal, not installed.
 *
 * Signed blobs from the server go into the requests byte for byte and the
 * eUICC's answers come back raw, to be forwarded unchanged to the server
 * (re-encoding signed data breaks signatures, notes pitfall 5).
 */
#ifndef ESIMLPA_ES10_DOWNLOAD_H
#define ESIMLPA_ES10_DOWNLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "../core/ctx_internal.h"

/* A read-only byte string. */
struct esimlpa__span {
    const uint8_t *p;
    size_t len;
};

/* DeviceInfo (notes §4.3, pitfall 26): TAC 4 bytes, deviceCapabilities sent
 * empty, IMEI optional (8 bytes swapped BCD). */
struct esimlpa__device_info {
    uint8_t tac[4];
    uint8_t imei[8];
    int has_imei;
};

/* ---------- GetEUICCChallenge ---------- */

int esimlpa__es10_get_challenge(esimlpa_ctx *ctx, uint8_t challenge[16]);

/* ---------- AuthenticateServer ---------- */

struct esimlpa__auth_server_req {
    struct esimlpa__span server_signed1;     /* 30 ... */
    struct esimlpa__span server_signature1;  /* 5F37 ... */
    struct esimlpa__span ci_pkid;            /* 04 14 SKI */
    struct esimlpa__span server_certificate; /* 30 ... */
    const char *matching_id;                 /* NULL: omitted (SM-DS discovery) */
    const struct esimlpa__device_info *device;
};

/* BF38 { serverSigned1, serverSignature1, euiccCiPKIdToBeUsed,
 *        serverCertificate, A0 ctxParams1 { 80 matchingId?, A1 deviceInfo } }.
 * Each blob must be one complete TLV with the expected tag (ESIMLPA_EINVAL). */
int esimlpa__build_authenticate_server(esimlpa_ctx *ctx, const struct esimlpa__auth_server_req *in,
                                       uint8_t **der, size_t *der_len);

/* Send it. On success *resp is the whole BF38 A0 {...} answer (malloc'd).
 * The error branch BF38 A1 { 80 txid, 02|81 code } gives ESIMLPA_EAUTH_*
 * with ctx->last_result_code set. */
int esimlpa__es10_authenticate_server(esimlpa_ctx *ctx, const struct esimlpa__auth_server_req *in,
                                      uint8_t **resp, size_t *resp_len);

/* ---------- PrepareDownload ---------- */

struct esimlpa__prepare_req {
    struct esimlpa__span smdp_signed2;     /* 30 ... */
    struct esimlpa__span smdp_signature2;  /* 5F37 ... */
    const uint8_t *hash_cc;                /* 32 bytes, or NULL */
    struct esimlpa__span smdp_certificate; /* 30 ... */
};

/* BF21 { smdpSigned2, smdpSignature2, (04 20 hashCc)?, smdpCertificate }. */
int esimlpa__build_prepare_download(esimlpa_ctx *ctx, const struct esimlpa__prepare_req *in,
                                    uint8_t **der, size_t *der_len);

/* Send it; *resp is the whole BF21 A0 {...} answer. Error branch ->
 * ESIMLPA_EPREP_*. The hashCc is never logged. */
int esimlpa__es10_prepare_download(esimlpa_ctx *ctx, const struct esimlpa__prepare_req *in,
                                   uint8_t **resp, size_t *resp_len);

/* smdpSigned2 (30 { 80 txid, 01 ccRequiredFlag, 5F49? }): the binary
 * transactionId and the ccRequiredFlag. ESIMLPA_EDECODE if malformed. */
int esimlpa__smdp_signed2_parse(esimlpa_ctx *ctx, const uint8_t *p, size_t len,
                                uint8_t tid[16], size_t *tid_len, int *cc_required);

/* ---------- LoadBoundProfilePackage ---------- */

/* One ES10b command of the cut BPP: bpp[off .. off+len). */
struct esimlpa__bpp_segment {
    size_t off, len;
    unsigned tag;      /* 0xBF23 (with the BF36 header), 0x87, 0xA1 (header only),
                          0x88, 0xA3 (header only), 0x86 */
    size_t hdr_len;    /* header length of the segment's own TLV (87/88/86) */
};

/*
 * Cut a BF36 BoundProfilePackage per notes §6.3: BF36 header + BF23; A0
 * header + first 87, further 87s alone; A1 header; each 88; A2 header + first
 * 87 (if present), further 87s alone; A3 header; each 86. The segments
 * partition the input exactly. Malformed input (wrong tags or order, lengths
 * past the end, trailing bytes, an empty list, an 88 shorter than its MAC)
 * gives -1 with the reason in @why. *segs is malloc'd.
 */
int esimlpa__bpp_cut(const uint8_t *bpp, size_t len, struct esimlpa__bpp_segment **segs,
                     size_t *n_segs, char *why, size_t why_len);

/* The cleartext StoreMetadataRequest of a BPP: the values of its 88
 * segments without their 8-byte MACs, concatenated (malloc'd). -1 if the
 * BPP does not cut. */
int esimlpa__bpp_metadata(const uint8_t *bpp, size_t len, uint8_t **md, size_t *md_len);

/* A decoded ProfileInstallationResult (BF37). */
struct esimlpa__pir {
    int success;
    uint8_t aid[16];
    size_t aid_len;
    long bpp_command_id;     /* errorResult only */
    long error_reason;       /* errorResult only */
    long seq_number;         /* notificationMetadata.seqNumber */
    char *notification_address; /* malloc'd */
    char iccid[ESIMLPA_ICCID_MAX + 1];
    uint8_t *raw;            /* the whole BF37 TLV, to deliver with handleNotification */
    size_t raw_len;
};
void esimlpa__pir_clear(struct esimlpa__pir *pir);

/* Decode a BF37. 0 for a successResult, ESIMLPA_EINSTALL_* (text names the
 * bppCommandId and errorReason; last_result_code = errorReason) for an
 * errorResult (the PIR is filled in both cases), ESIMLPA_EDECODE when
 * malformed (nothing left allocated). */
int esimlpa__pir_decode(esimlpa_ctx *ctx, const uint8_t *p, size_t len, struct esimlpa__pir *pir);

/* Progress after each segment; a non-zero return stops the load before the
 * next segment with ESIMLPA_ECANCELLED (not after the last one). */
typedef int (*esimlpa__bpp_progress_fn)(void *user, size_t done, size_t total);

/*
 * Load a BPP: cut it, send one ES10 command per segment, expect empty
 * intermediate answers, stop at the first BF37 and decode it into @pir
 * (see esimlpa__pir_decode for the return values). A BPP that does not cut
 * is ESIMLPA_EINVAL (nothing sent). All segments sent without a BF37 is
 * ESIMLPA_EUNEXPECTED.
 */
int esimlpa__es10_load_bpp(esimlpa_ctx *ctx, const uint8_t *bpp, size_t len,
                           esimlpa__bpp_progress_fn progress, void *user,
                           struct esimlpa__pir *pir);

/* Loading segment by segment as they arrive (lib/rsp/download_stream.c). */
struct esimlpa__bpp_loader {
    esimlpa_ctx *ctx;
    struct esimlpa__pir *pir;
    size_t sent;      /* segments the eUICC took */
    int begun;
    int over;         /* a BF37 came: the load is over */
    int result;       /* then: esimlpa__pir_decode's value */
};
#define ESIMLPA__BPP_LOAD_OVER 1
void esimlpa__bpp_loader_init(struct esimlpa__bpp_loader *l, esimlpa_ctx *ctx,
                              struct esimlpa__pir *pir);
/* Send one segment (one ES10b command): ESIMLPA_OK when the eUICC wants
 * more (no data back), ESIMLPA__BPP_LOAD_OVER when it answered a BF37
 * (l->result, l->pir), or a negative code (transport, SW, an answer that
 * is not a BF37). */
int esimlpa__bpp_loader_send(struct esimlpa__bpp_loader *l, const uint8_t *seg, size_t len);

/* ---------- CancelSession ---------- */

/* BF41 { 80 transactionId, 81 reason }. */
int esimlpa__build_cancel_session(esimlpa_ctx *ctx, const uint8_t *tid, size_t tid_len,
                                  long reason, uint8_t **der, size_t *der_len);

/* Send it; *resp is the whole BF41 answer (for ES9+ cancelSession). The
 * error branch BF41 81 err gives ESIMLPA_ECANCEL_* and still returns the
 * raw answer in *resp (an SM-DP+ accepts it, notes §1.4). */
int esimlpa__es10_cancel_session(esimlpa_ctx *ctx, const uint8_t *tid, size_t tid_len,
                                 long reason, uint8_t **resp, size_t *resp_len);

#endif
