/* SPDX-License-Identifier: MIT */
/* ES10b LoadBoundProfilePackage (sgp22-notes §6, §7): a per-session state machine
 * over the segment commands of §6.3:
 *   BF36 hdr + BF23 | A0 hdr + 87 (87...) | A1 hdr | 88... | [A2 hdr + 87 (87...)] | A3 hdr | 86...
 * The container lengths announced by the headers say when a sequence ends. Any
 * other BPP command where a segment is expected ends the load with
 * scp03tStructureError(7); an unrelated ES10 command with installFailedDueToInterruption(11)
 * (our choices; sgp22-notes §6.3 leaves it UNVERIFIED). The profile is installed
 * only after the last 86, so a failed or cancelled load leaves nothing behind. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <ConfigureISDPRequest.h>
#include <ReplaceSessionKeysRequest.h>

#include "es10_bpp.h"
#include "profile_install.h"
#include "rspcrypto.h"
#include "softeuicc_internal.h"

/* ErrorReason (§6.5) */
enum { R_INPUT = 1, R_SIG = 2, R_TXID = 3, R_CRT = 4, R_OPTYPE = 5, R_STRUCTURE = 7,
       R_SECURITY = 8, R_MEMORY = 10, R_INTERRUPTED = 11, R_PE = 12, R_UNKNOWN = 127 };

#define UPP_MAX (4u * 1024 * 1024)     /* "memory" for profile elements */

enum step { EXP_A0, EXP_A0_87, EXP_A1, EXP_88, EXP_A2_A3, EXP_A2_87, EXP_A3, EXP_86 };

struct se_bpp {
    enum step expect;
    size_t bf36_left;                  /* BF36 value bytes still to come */
    size_t cont_left;                  /* bytes still to come in the current A0..A3 */
    struct rspc_bsp bsp;
    struct rspc_buf seq;               /* plaintext of the current A0/A1/A2 sequence */
    struct rspc_buf upp;               /* profile element stream (86 plaintexts) */
    uint8_t aid[16];
    size_t aid_len;
    struct se_profile prof;            /* from BF25; installed at the end */
    int iccid_known;
};

void se_bpp_free(struct se_bpp *b)
{
    if (!b)
        return;
    rspc_bsp_clear(&b->bsp);
    rspc_buf_free(&b->seq);
    rspc_buf_free(&b->upp);
    se_profile_clear(&b->prof);
    OPENSSL_cleanse(b, sizeof(*b));
    free(b);
}

bool es10_is_bpp_command(const uint8_t *req, size_t len)
{
    if (len >= 2 && req[0] == 0xBF && req[1] == 0x36)
        return true;
    return len >= 1 && ((req[0] >= 0xA0 && req[0] <= 0xA3) || (req[0] >= 0x86 && req[0] <= 0x88));
}

static int step_cmd_id(enum step s)
{
    switch (s) {
    case EXP_A0: case EXP_A0_87: return BPP_CMD_CONFIGURE_ISDP;
    case EXP_A1: case EXP_88: return BPP_CMD_STORE_METADATA;
    case EXP_A2_87: return BPP_CMD_REPLACE_KEYS;
    case EXP_A2_A3: case EXP_A3: case EXP_86: return BPP_CMD_LOAD_PE;
    }
    return BPP_CMD_INIT_SC;
}

/* End the load with an error PIR answered to this command. */
static unsigned fail(struct softeuicc *se, int cmd_id, int reason, struct dbuf *out)
{
    struct se_bpp *b = se->session.bpp;
    const char *iccid = b && b->iccid_known ? b->prof.iccid : NULL;
    char keep[21] = "";
    if (iccid)
        memcpy(keep, iccid, sizeof(keep));     /* se_pir_finish frees the BPP state */
    dbuf_free(out);
    if (se_pir_finish(se, iccid ? keep : NULL, NULL, 0, cmd_id, reason, out))
        return 0x6F00;
    return 0x9000;
}

void es10_bpp_interrupt(struct softeuicc *se)
{
    struct dbuf out;
    dbuf_init(&out);
    se_log(se, "LoadBPP interrupted by another ES10 command");
    fail(se, step_cmd_id(se->session.bpp->expect), R_INTERRUPTED, &out);
    dbuf_free(&out);
}

/* A header alone (tag + length, no value bytes needed). Tags 1..2 bytes. */
static int read_header(const uint8_t *p, size_t len, unsigned *tag, size_t *hlen, size_t *vlen)
{
    size_t i = 0;
    if (len < 2)
        return -1;
    unsigned t = p[i++];
    if ((t & 0x1F) == 0x1F) {
        if (p[i] & 0x80)
            return -1;
        t = (t << 8) | p[i++];
    }
    if (i >= len)
        return -1;
    size_t l = p[i++];
    if (l & 0x80) {
        size_t n = l & 0x7F;
        if (n == 0 || n > 3 || i + n > len)
            return -1;
        l = 0;
        for (size_t k = 0; k < n; k++)
            l = (l << 8) | p[i++];
    }
    *tag = t;
    *hlen = i;
    *vlen = l;
    return 0;
}

/* Exactly one complete TLV with this tag in p[0..len). */
static int one_tlv(const uint8_t *p, size_t len, unsigned want)
{
    unsigned tag;
    size_t h, l;
    return sim_tlv_header(p, len, &tag, &h, &l) || tag != want || h + l != len ? -1 : 0;
}

static int bsp_reason(int rc)
{
    return rc == RSPC_ESECURITY ? R_SECURITY : rc == RSPC_ESTRUCTURE ? R_STRUCTURE : R_UNKNOWN;
}

/* ---- the first command: BF36 header + BF23 ------------------------------------------- */

static unsigned begin(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out)
{
    struct se_session *ss = &se->session;
    unsigned tag;
    size_t h, l;
    struct rspc_init_sc isc;
    if (!ss->prepared) {
        /* No prepared session: there is no transaction a PIR could report on
         * (a replayed BPP after the end of its session lands here). */
        se_log(se, "LoadBPP: no session context (PrepareDownload first)");
        return 0x6985;
    }
    if (read_header(req, len, &tag, &h, &l) || l < len - h ||
        rspc_bpp_parse_init_sc(req + h, len - h, &isc) != RSPC_OK)
        return fail(se, BPP_CMD_INIT_SC, R_INPUT, out);
    if (isc.remote_op_id != 1)
        return fail(se, BPP_CMD_INIT_SC, R_OPTYPE, out);
    if (isc.txid_len != ss->txid_len || memcmp(isc.txid, ss->txid, ss->txid_len))
        return fail(se, BPP_CMD_INIT_SC, R_TXID, out);
    if (isc.key_type != 0x88 || isc.key_len != 0x10)
        return fail(se, BPP_CMD_INIT_SC, R_CRT, out);
    if (rspc_bpp_verify_init_sc(&isc, X509_get0_pubkey(ss->dppb), ss->otpk) != RSPC_OK)
        return fail(se, BPP_CMD_INIT_SC, R_SIG, out);
    uint8_t z[32], eid[16];
    struct rspc_session_keys keys;
    struct se_bpp *b = calloc(1, sizeof(*b));
    int ok = b && !se_eid_encode(se->st->eid, eid) &&
             rspc_ecka(ss->otsk, isc.smdp_otpk, RSPC_POINT_LEN, z) == RSPC_OK &&
             rspc_kdf_session_keys(z, isc.host_id, isc.host_id_len, eid, &keys) == RSPC_OK;
    OPENSSL_cleanse(z, sizeof(z));
    if (!ok) {
        free(b);
        OPENSSL_cleanse(&keys, sizeof(keys));
        return fail(se, BPP_CMD_INIT_SC, R_INPUT, out);
    }
    rspc_bsp_init(&b->bsp, &keys);
    OPENSSL_cleanse(&keys, sizeof(keys));
    b->expect = EXP_A0;
    b->bf36_left = l - (len - h);
    ss->bpp = b;
    se_log(se, "LoadBPP: secure channel set up (%zu BPP bytes to follow)", b->bf36_left);
    return 0x9000;
}

/* ---- sequence contents ----------------------------------------------------------------- */

static int configure_isdp(struct softeuicc *se, struct se_bpp *b)
{
    void *r = NULL;
    if (sim_decode(&asn_DEF_ConfigureISDPRequest, &r, b->seq.data, b->seq.len))
        return R_STRUCTURE;
    ASN_STRUCT_FREE(asn_DEF_ConfigureISDPRequest, r);
    if (se_alloc_isdp_aid(se->st, b->aid, &b->aid_len))
        return R_MEMORY;
    return 0;
}

static int store_metadata(struct softeuicc *se, struct se_bpp *b)
{
    int rc = se_metadata_to_profile(b->seq.data, b->seq.len, &b->prof, &b->iccid_known);
    return rc ? rc : se_profile_install_check(se, &b->prof);
}

static int replace_keys(struct se_bpp *b)
{
    ReplaceSessionKeysRequest_t *r = NULL;
    if (sim_decode(&asn_DEF_ReplaceSessionKeysRequest, (void **)&r, b->seq.data, b->seq.len))
        return R_STRUCTURE;
    int rc = R_STRUCTURE;
    if (r->initialMacChainingValue.size == 16 && r->ppkEnc.size == 16 && r->ppkCmac.size == 16) {
        rspc_bsp_replace_keys(&b->bsp, r->ppkEnc.buf, r->ppkCmac.buf,
                              r->initialMacChainingValue.buf);
        rc = 0;
    }
    ASN_STRUCT_FREE(asn_DEF_ReplaceSessionKeysRequest, r);
    return rc;
}

/* The profile elements must be a well-formed sequence of DER TLVs (no SAIP interpreter). */
static int check_pe_stream(const struct rspc_buf *u)
{
    size_t off = 0;
    while (off < u->len) {
        struct rspc_tlv t;
        if (rspc_tlv_parse(u->data + off, u->len - off, &t) != RSPC_OK)
            return R_PE;
        off += t.total;
    }
    return u->len ? 0 : R_PE;
}

static unsigned finish(struct softeuicc *se, struct se_bpp *b, struct dbuf *out)
{
    int rc = b->bf36_left ? R_STRUCTURE : check_pe_stream(&b->upp);
    if (!rc)
        rc = se_profile_install_check(se, &b->prof);   /* nothing changed since BF25? */
    if (rc)
        return fail(se, BPP_CMD_LOAD_PE, rc, out);
    struct se_profile p = b->prof;                      /* the state takes it over */
    memcpy(p.aid, b->aid, b->aid_len);
    p.aid_len = b->aid_len;
    p.enabled = 0;
    p.has_upp = true;
    p.upp_size = b->upp.len;
    SHA256(b->upp.data, b->upp.len, p.upp_sha256);
    if (se_state_add_profile(se->st, &p))
        return fail(se, BPP_CMD_LOAD_PE, R_UNKNOWN, out);
    memset(&b->prof, 0, sizeof(b->prof));
    se_log(se, "LoadBPP: installed %s (%zu UPP bytes)", p.iccid, p.upp_size);
    char iccid[21];
    uint8_t aid[16];
    size_t aid_len = p.aid_len;
    memcpy(iccid, p.iccid, sizeof(iccid));
    memcpy(aid, p.aid, aid_len);
    dbuf_free(out);
    return se_pir_finish(se, iccid, aid, aid_len, 0, 0, out) ? 0x6F00 : 0x9000;
}

/* One protected segment: unwrap it into dst; cont_left shrinks by its size. */
static int segment(struct se_bpp *b, const uint8_t *p, size_t len, unsigned tag,
                   struct rspc_buf *dst)
{
    uint8_t got;
    if (one_tlv(p, len, tag) || len > b->cont_left)
        return R_STRUCTURE;
    int rc = rspc_bsp_unwrap(&b->bsp, p, len, &got, dst);
    if (rc != RSPC_OK)
        return bsp_reason(rc);
    if (dst == &b->upp && b->upp.len > UPP_MAX)
        return R_MEMORY;
    b->cont_left -= len;
    return 0;
}

/* A0 / A2 header + first 87, or A1 / A3 header only. */
static int container(struct se_bpp *b, const uint8_t *req, size_t len, unsigned want,
                     bool with_87)
{
    unsigned tag;
    size_t h, l;
    if (read_header(req, len, &tag, &h, &l) || tag != want || l == 0)
        return R_STRUCTURE;
    if (!with_87)
        return len == h ? (b->cont_left = l, 0) : R_STRUCTURE;
    b->cont_left = l;
    rspc_buf_free(&b->seq);
    return segment(b, req + h, len - h, 0x87, &b->seq);
}

unsigned es10_load_bpp(struct softeuicc *se, const uint8_t *req, size_t len, struct dbuf *out)
{
    struct se_bpp *b = se->session.bpp;
    if (len >= 2 && req[0] == 0xBF && req[1] == 0x36 && !b)
        return begin(se, req, len, out);
    if (!b) {
        se_log(se, "LoadBPP segment without a BF36 first");
        return 0x6985;
    }
    enum step st = b->expect;
    int cmd = step_cmd_id(st), rc = R_STRUCTURE;
    if (len > b->bf36_left)
        return fail(se, cmd, R_STRUCTURE, out);
    b->bf36_left -= len;
    switch (st) {
    case EXP_A0:
    case EXP_A0_87:
        rc = st == EXP_A0 ? container(b, req, len, 0xA0, true)
                          : segment(b, req, len, 0x87, &b->seq);
        if (!rc && b->cont_left == 0 && !(rc = configure_isdp(se, b)))
            b->expect = EXP_A1;
        else if (!rc)
            b->expect = EXP_A0_87;
        break;
    case EXP_A1:
        rspc_buf_free(&b->seq);
        if (!(rc = container(b, req, len, 0xA1, false)))
            b->expect = EXP_88;
        break;
    case EXP_88:
        rc = segment(b, req, len, 0x88, &b->seq);
        if (!rc && b->cont_left == 0 && !(rc = store_metadata(se, b)))
            b->expect = EXP_A2_A3;
        break;
    case EXP_A2_A3:
        if (req[0] == 0xA2) {
            cmd = BPP_CMD_REPLACE_KEYS;
            rc = container(b, req, len, 0xA2, true);
            if (!rc)
                b->expect = b->cont_left ? EXP_A2_87 : EXP_A3;
            if (!rc && b->cont_left == 0)
                rc = replace_keys(b);
        } else if (!(rc = container(b, req, len, 0xA3, false))) {
            b->expect = EXP_86;
        }
        break;
    case EXP_A2_87:
        rc = segment(b, req, len, 0x87, &b->seq);
        if (!rc && b->cont_left == 0 && !(rc = replace_keys(b)))
            b->expect = EXP_A3;
        break;
    case EXP_A3:
        if (!(rc = container(b, req, len, 0xA3, false)))
            b->expect = EXP_86;
        break;
    case EXP_86:
        rc = segment(b, req, len, 0x86, &b->upp);
        if (!rc && b->cont_left == 0)
            return finish(se, b, out);
        break;
    }
    if (rc) {
        se_log(se, "LoadBPP: segment refused (bppCommandId %d, errorReason %d)", cmd, rc);
        return fail(se, cmd, rc, out);
    }
    return 0x9000;
}
