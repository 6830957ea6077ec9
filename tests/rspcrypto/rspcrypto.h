/* SPDX-License-Identifier: MIT */
/* rspcrypto: the SGP.22 cryptography shared by the test doubles (soft eUICC, test SM-DP+).
 * Not part of libesimlpa. References are to /work/shared/sgp22-notes.md (§n).
 *
 * Conventions: functions return RSPC_OK (0) or a negative RSPC_E* code; functions that
 * return a pointer return NULL on failure. Output buffers (struct rspc_buf) are appended to;
 * the caller frees them with rspc_buf_free(). Only 256-bit curves are supported:
 * NIST P-256 and brainpoolP256r1 (§7.1). */
#ifndef RSPCRYPTO_H
#define RSPCRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

/* ---- errors ------------------------------------------------------------------------------ */
enum {
    RSPC_OK = 0,
    RSPC_EINVAL = -1,      /* bad argument or malformed input */
    RSPC_ENOMEM = -2,
    RSPC_ECRYPTO = -3,     /* an OpenSSL call failed */
    RSPC_ESIG = -4,        /* signature does not verify */
    RSPC_ESECURITY = -5,   /* segment MAC wrong: scp03tSecurityError (8), §7.5 */
    RSPC_ESTRUCTURE = -6,  /* segment TLV/padding wrong: scp03tStructureError (7), §7.5 */
    RSPC_ECERT = -7,       /* certificate chain does not verify */
    RSPC_EROLE = -8,       /* certificate lacks the role policy (§8.1) */
    RSPC_ENOTFOUND = -9,   /* extension or attribute absent */
    RSPC_EPOINT = -10,     /* public point invalid / not on the curve */
    RSPC_ECURVE = -11,     /* key is not on a supported curve */
    RSPC_EEID = -12,       /* EID malformed, bad check digits or outside the EUM's range */
};
const char *rspc_strerror(int rc);

/* ---- growable byte buffer (buf.c) ---------------------------------------------------------- */
struct rspc_buf {
    uint8_t *data;
    size_t len, cap;
};
int rspc_buf_append(struct rspc_buf *b, const void *p, size_t n);
int rspc_buf_append_byte(struct rspc_buf *b, uint8_t v);
void rspc_buf_free(struct rspc_buf *b); /* cleanses, frees and zeroes the struct */

/* ---- BER-TLV (tlv.c) ----------------------------------------------------------------------- */
/* One TLV at the start of p[0..avail). Tags of 1..3 bytes, definite lengths (short form or
 * 81..84). The value must lie inside avail. */
struct rspc_tlv {
    uint32_t tag;          /* e.g. 0x87, 0xBF36, 0x5F49 */
    size_t hdr_len;        /* tag + length bytes */
    size_t len;            /* value length */
    const uint8_t *value;
    size_t total;          /* hdr_len + len */
};
int rspc_tlv_parse(const uint8_t *p, size_t avail, struct rspc_tlv *out);
size_t rspc_tlv_len_size(size_t len);                 /* minimal DER length field size */
int rspc_tlv_put_tag(struct rspc_buf *b, uint32_t tag);
int rspc_tlv_put_len(struct rspc_buf *b, size_t len); /* minimal DER form */
int rspc_tlv_put(struct rspc_buf *b, uint32_t tag, const uint8_t *v, size_t len);

/* ---- signatures (sig.c), §7.1 ---------------------------------------------------------------- */
#define RSPC_SIG_LEN 64      /* r||s, TR-03111 */
#define RSPC_SIG_TLV_LEN 67  /* 5F37 40 <r||s> */
int rspc_sign(EVP_PKEY *key, const uint8_t *msg, size_t len, uint8_t sig[RSPC_SIG_LEN]);
/* RSPC_OK if valid, RSPC_ESIG if not. */
int rspc_verify(EVP_PKEY *pub, const uint8_t *msg, size_t len, const uint8_t sig[RSPC_SIG_LEN]);
/* *der is freed with OPENSSL_free(). */
int rspc_sig_rs_to_der(const uint8_t rs[RSPC_SIG_LEN], uint8_t **der, size_t *der_len);
int rspc_sig_der_to_rs(const uint8_t *der, size_t len, uint8_t rs[RSPC_SIG_LEN]);
void rspc_sig_wrap(const uint8_t sig[RSPC_SIG_LEN], uint8_t out[RSPC_SIG_TLV_LEN]);
/* Input must be exactly 5F37 40 <64 bytes>. */
int rspc_sig_unwrap(const uint8_t *tlv, size_t len, uint8_t sig[RSPC_SIG_LEN]);

/* ---- keys and ECKA (keys.c), §7.3 ------------------------------------------------------------ */
#define RSPC_POINT_LEN 65    /* 04||X||Y */
EVP_PKEY *rspc_key_load_pem_file(const char *path);
EVP_PKEY *rspc_key_from_pem(const uint8_t *pem, size_t len);
X509 *rspc_cert_load_file(const char *path);               /* DER or PEM */
X509 *rspc_cert_from_der(const uint8_t *der, size_t len);  /* must consume all bytes */
int rspc_cert_to_der(X509 *cert, uint8_t **der, size_t *len);  /* OPENSSL_free() */
/* NID_X9_62_prime256v1 or NID_brainpoolP256r1; RSPC_ECURVE for anything else. */
int rspc_pkey_curve(EVP_PKEY *key, int *nid);
int rspc_pkey_point(EVP_PKEY *key, uint8_t point[RSPC_POINT_LEN]);
int rspc_cert_point(X509 *cert, uint8_t point[RSPC_POINT_LEN]);
/* Public key from 04||X||Y, validated on the curve. */
EVP_PKEY *rspc_pkey_from_point(int nid, const uint8_t *point, size_t len);
EVP_PKEY *rspc_pkey_from_scalar(int nid, const uint8_t d[32]);  /* private + public */
EVP_PKEY *rspc_keygen(int nid);
EVP_PKEY *rspc_keygen_for_cert(X509 *cert);  /* one-time pair on the certificate's curve */
/* Z = x(own × peer), 32 bytes; the peer point is validated on own's curve. */
int rspc_ecka(EVP_PKEY *own, const uint8_t *peer_point, size_t len, uint8_t z[32]);

/* ---- session key derivation (kdf.c), §7.4 ---------------------------------------------------- */
struct rspc_session_keys {
    uint8_t mcv0[16], s_enc[16], s_mac[16];
};
/* X9.63 KDF SHA-256, SharedInfo = 88 10 len(hostId) hostId 10 EID. hostId 1..16 bytes. */
int rspc_kdf_session_keys(const uint8_t z[32], const uint8_t *host_id, size_t host_id_len,
                          const uint8_t eid[16], struct rspc_session_keys *out);

/* ---- segment protection (bsp.c), §7.5 ------------------------------------------------------- */
#define RSPC_BSP_MAX_ENC_PLAIN 1007  /* 86/87: 1020-byte segment limit, §6.4 */
#define RSPC_BSP_MAX_MAC_PLAIN 1008  /* 88 */
struct rspc_bsp {
    uint8_t s_enc[16], s_mac[16], mcv[16];
    uint32_t n;  /* block counter, starts at 1 */
};
void rspc_bsp_init(struct rspc_bsp *st, const struct rspc_session_keys *k);
/* Switch to the PPK keys of ReplaceSessionKeys (BF26), counter back to 1. */
void rspc_bsp_replace_keys(struct rspc_bsp *st, const uint8_t ppk_enc[16],
                           const uint8_t ppk_cmac[16], const uint8_t mcv[16]);
void rspc_bsp_clear(struct rspc_bsp *st);
/* Append T||L||C||MAC8 to out. tag 0x86/0x87 (encrypted) or 0x88 (MAC only). */
int rspc_bsp_wrap(struct rspc_bsp *st, uint8_t tag, const uint8_t *pt, size_t len,
                  struct rspc_buf *out);
/* seg must be exactly one 86/87/88 TLV. Appends the plaintext to out and sets *tag.
 * MAC checked first (RSPC_ESECURITY), then length/padding (RSPC_ESTRUCTURE). On any error
 * the state is unchanged and nothing is appended. */
int rspc_bsp_unwrap(struct rspc_bsp *st, const uint8_t *seg, size_t len, uint8_t *tag,
                    struct rspc_buf *out);

/* ---- Bound Profile Package (bpp_build.c, bpp_segments.c, bpp_parse.c), §6, §7.2 ------------- */
struct rspc_ppk {  /* ReplaceSessionKeysRequest BF26 */
    uint8_t mcv[16], enc[16], cmac[16];
};
struct rspc_bpp_params {
    const uint8_t *txid; size_t txid_len;         /* 1..16 */
    const uint8_t *host_id; size_t host_id_len;   /* 1..16 */
    EVP_PKEY *smdp_otsk;                          /* otSK.DP.ECKA; its public half goes in 5F49 */
    const uint8_t *euicc_otpk; size_t euicc_otpk_len;  /* 04||X||Y from PrepareDownload */
    const uint8_t *eid;                           /* 16 bytes (from CERT.EUICC) */
    EVP_PKEY *dppb_key;                           /* SK.DPpb, signs smdpSign */
    const uint8_t *configure_isdp; size_t configure_isdp_len;  /* BF24 TLV; NULL: BF24 00 */
    const uint8_t *metadata; size_t metadata_len; /* StoreMetadataRequest BF25 TLV */
    const uint8_t *upp; size_t upp_len;           /* profile element stream, > 0 bytes */
    const struct rspc_ppk *ppk;                   /* NULL: no A2 */
};
/* The bytes smdpSign covers (§7.2): 82 01 01 | 80 txid | A6 crt | 5F49 smdpOtpk | 5F49 euiccOtpk. */
int rspc_bpp_smdp_sign_input(const uint8_t *txid, size_t txid_len, const uint8_t *host_id,
                             size_t host_id_len, const uint8_t smdp_otpk[RSPC_POINT_LEN],
                             const uint8_t euicc_otpk[RSPC_POINT_LEN], struct rspc_buf *out);
/* Appends the whole BF36 to out. */
int rspc_bpp_build(const struct rspc_bpp_params *p, struct rspc_buf *out);

/* One ES10b.LoadBoundProfilePackage command (§6.3): bytes [off, off+len) of the BPP.
 * skip = container header bytes before the payload TLV (BF36 / A0 / A2 header), payload_tag =
 * tag of the payload TLV (0xBF23, 0x87, 0x88, 0x86) or 0 for a header-only command (A1 / A3),
 * container = 0xBF36, 0xA0, 0xA1, 0xA2 or 0xA3. */
struct rspc_bpp_seg {
    size_t off, len, skip;
    uint32_t payload_tag, container;
};
/* Cut a BPP (strict: BF36 must span all of len; children BF23, A0, A1, A2?, A3 in order,
 * each sequence non-empty and holding only its segment tag). *segs is malloc()ed. */
int rspc_bpp_segments(const uint8_t *bpp, size_t len, struct rspc_bpp_seg **segs, size_t *count);

/* InitialiseSecureChannelRequest BF23 (§6.1), pointers into the input. */
struct rspc_init_sc {
    uint8_t remote_op_id;
    const uint8_t *txid; size_t txid_len;
    uint8_t key_type, key_len;
    const uint8_t *host_id; size_t host_id_len;
    const uint8_t *smdp_otpk;  /* 65 bytes */
    uint8_t smdp_sign[RSPC_SIG_LEN];
    const uint8_t *signed_part; size_t signed_part_len;  /* 82..5F49 as received */
};
/* Parse one BF23 TLV (exactly len bytes). Does not judge values (op id, CRT): the caller maps
 * them to the errorReasons of §7.6. */
int rspc_bpp_parse_init_sc(const uint8_t *bf23, size_t len, struct rspc_init_sc *out);
/* Verify smdpSign with CERT.DPpb's key: RSPC_OK or RSPC_ESIG. */
int rspc_bpp_verify_init_sc(const struct rspc_init_sc *isc, EVP_PKEY *dppb_pub,
                            const uint8_t euicc_otpk[RSPC_POINT_LEN]);

/* ---- certificates (certchk.c), §8 ------------------------------------------------------------ */
enum rspc_role {  /* last arc of id-rspRole 2.23.146.1.2.1 */
    RSPC_ROLE_CI = 0, RSPC_ROLE_EUICC = 1, RSPC_ROLE_EUM = 2, RSPC_ROLE_DP_TLS = 3,
    RSPC_ROLE_DP_AUTH = 4, RSPC_ROLE_DP_PB = 5, RSPC_ROLE_DS_TLS = 6, RSPC_ROLE_DS_AUTH = 7,
};
/* leaf <- intermediates <- ci (trust anchor). check_time = 0 skips validity dates.
 * An EUM's nameConstraints serialNumber is applied as an EID prefix (SGP.22 reading) instead of
 * the literal X.509 rule. RSPC_OK or RSPC_ECERT / RSPC_EEID. */
int rspc_cert_verify_chain(X509 *leaf, X509 *const *intermediates, size_t n_intermediates,
                           X509 *ci, int check_time);
int rspc_cert_check_role(X509 *cert, enum rspc_role role);  /* RSPC_OK or RSPC_EROLE */
/* Key identifiers (20 bytes normally) copied to out (cap bytes). */
int rspc_cert_ski(X509 *cert, uint8_t *out, size_t cap, size_t *len);
int rspc_cert_aki(X509 *cert, uint8_t *out, size_t cap, size_t *len);
int rspc_cert_subject_serial(X509 *cert, char *out, size_t cap);  /* NUL-terminated */
int rspc_cert_eid(X509 *cert, uint8_t eid[16]);  /* serialNumber as 16 bytes, check digits ok */
/* registeredID of subjectAltName, raw OID contents (no 06/len), e.g. 2.999.10 -> 88 37 0A. */
int rspc_cert_registered_id(X509 *cert, uint8_t *out, size_t cap, size_t *len);

/* ---- EID (eid.c), §10.6 ---------------------------------------------------------------------- */
/* digits: 32 decimal digits; RSPC_OK if int(EID) mod 97 == 1, else RSPC_EEID. */
int rspc_eid_verify(const char *digits);
/* digits: the first 30 (or all 32; the last two are replaced); out: 33 bytes incl. NUL. */
int rspc_eid_complete(const char *digits, char out[33]);
int rspc_eid_to_bytes(const char *digits, uint8_t eid[16]);   /* 32 digits -> 16 bytes */
void rspc_eid_from_bytes(const uint8_t eid[16], char out[33]);  /* hex digits, NUL */

#endif
