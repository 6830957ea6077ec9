/* SPDX-License-Identifier: MIT */
/* ES10b.LoadBoundProfilePackage (SGP.22 §5.7.6, §2.5.5): cutting the BF36
 * into its ES10 commands (notes §6.3), sending them, and decoding the
 * ProfileInstallationResult (BF37, notes §6.5). */
#include "es10_download.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ProfileInstallationResult.h>

#include "es10_common.h"
#include "../apdu/apdu_internal.h"
#include "../asn1util/asn1util.h"

#define PIR_ADDRESS_MAX 255
#define MAC_LEN 8   /* every protected segment ends with 8 bytes of MAC (notes §7.5) */

/* ---------- cutting ---------- */

struct cutter {
    const uint8_t *bpp;
    size_t len;
    struct esimlpa__bpp_segment *segs;
    size_t n, cap;
    char *why;
    size_t why_len;
};

static int bad(struct cutter *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct cutter *c, const char *fmt, ...)
{
    if (c->why && c->why_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->why, c->why_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int add(struct cutter *c, size_t off, size_t len, unsigned tag, size_t hdr_len)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        struct esimlpa__bpp_segment *s = realloc(c->segs, cap * sizeof *s);
        if (!s)
            return bad(c, "out of memory");
        c->segs = s;
        c->cap = cap;
    }
    c->segs[c->n].off = off;
    c->segs[c->n].len = len;
    c->segs[c->n].tag = tag;
    c->segs[c->n].hdr_len = hdr_len;
    c->n++;
    return 0;
}

/* Header of the TLV at @off, which must lie within [off, end). */
static int header_at(struct cutter *c, size_t off, size_t end, unsigned *tag, size_t *hl,
                     size_t *vl)
{
    if (off >= end || esimlpa__tlv_header(c->bpp + off, end - off, tag, hl, vl) != 0)
        return bad(c, "truncated or malformed TLV at offset %zu", off);
    return 0;
}

/*
 * A list [tag] { item* } at @off: with @with_first the list header goes
 * with the first item in one segment (A0, A2), else the header alone (A1,
 * A3). Each item must carry @item_tag and the items must fill the list.
 */
static int cut_list(struct cutter *c, size_t *off, size_t end, unsigned list_tag,
                    unsigned item_tag, int with_first)
{
    unsigned t;
    size_t hl, vl;
    if (header_at(c, *off, end, &t, &hl, &vl) != 0)
        return -1;
    if (t != list_tag)
        return bad(c, "expected %X at offset %zu, found %X", list_tag, *off, t);
    size_t start = *off, p = *off + hl, lend = *off + hl + vl;
    if (vl == 0)
        return bad(c, "%X at offset %zu is empty", list_tag, start);
    if (!with_first && add(c, start, hl, list_tag, hl) != 0)
        return -1;
    for (int first = 1; p < lend; first = 0) {
        unsigned it;
        size_t ihl, ivl;
        if (header_at(c, p, lend, &it, &ihl, &ivl) != 0)
            return -1;
        if (it != item_tag)
            return bad(c, "expected %X inside %X at offset %zu, found %X", item_tag, list_tag,
                       p, it);
        if (ivl < MAC_LEN)
            return bad(c, "%X segment at offset %zu shorter than its MAC", item_tag, p);
        int rc = (with_first && first) ? add(c, start, p + ihl + ivl - start, item_tag, ihl)
                                       : add(c, p, ihl + ivl, item_tag, ihl);
        if (rc != 0)
            return -1;
        p += ihl + ivl;
    }
    *off = lend;
    return 0;
}

int esimlpa__bpp_cut(const uint8_t *bpp, size_t len, struct esimlpa__bpp_segment **segs,
                     size_t *n_segs, char *why, size_t why_len)
{
    struct cutter c = { bpp, len, NULL, 0, 0, why, why_len };
    unsigned t;
    size_t hl, vl, off;
    *segs = NULL;
    *n_segs = 0;
    if (why && why_len)
        why[0] = '\0';
    if (!bpp || len == 0)
        return bad(&c, "empty");
    if (header_at(&c, 0, len, &t, &hl, &vl) != 0)
        goto fail;
    if (t != 0xBF36) {
        bad(&c, "not a BoundProfilePackage (tag %X)", t);
        goto fail;
    }
    if (hl + vl != len) {
        bad(&c, "%zu bytes after the BF36", len - hl - vl);
        goto fail;
    }
    /* 1. BF36 header + the whole BF23 */
    off = hl;
    size_t ihl, ivl;
    if (header_at(&c, off, len, &t, &ihl, &ivl) != 0)
        goto fail;
    if (t != 0xBF23) {
        bad(&c, "expected BF23 at offset %zu, found %X", off, t);
        goto fail;
    }
    off += ihl + ivl;
    if (add(&c, 0, off, 0xBF23, hl) != 0)
        goto fail;
    /* 2. A0 header + first 87, further 87s alone; 3./4. A1 header, each 88 */
    if (cut_list(&c, &off, len, 0xA0, 0x87, 1) != 0 || cut_list(&c, &off, len, 0xA1, 0x88, 0))
        goto fail;
    /* 5. optional A2 (ReplaceSessionKeys) like A0 */
    if (header_at(&c, off, len, &t, &ihl, &ivl) != 0)
        goto fail;
    if (t == 0xA2 && cut_list(&c, &off, len, 0xA2, 0x87, 1) != 0)
        goto fail;
    /* 6./7. A3 header, each 86 */
    if (cut_list(&c, &off, len, 0xA3, 0x86, 0) != 0)
        goto fail;
    if (off != len) {
        bad(&c, "unexpected data after A3 at offset %zu", off);
        goto fail;
    }
    *segs = c.segs;
    *n_segs = c.n;
    return 0;
fail:
    free(c.segs);
    return -1;
}

int esimlpa__bpp_metadata(const uint8_t *bpp, size_t len, uint8_t **md, size_t *md_len)
{
    struct esimlpa__bpp_segment *s = NULL;
    size_t n = 0, total = 0;
    *md = NULL;
    *md_len = 0;
    if (esimlpa__bpp_cut(bpp, len, &s, &n, NULL, 0) != 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (s[i].tag == 0x88)
            total += s[i].len - s[i].hdr_len - MAC_LEN;
    uint8_t *out = malloc(total ? total : 1);
    if (!out) {
        free(s);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i].tag != 0x88)
            continue;
        size_t m = s[i].len - s[i].hdr_len - MAC_LEN;
        memcpy(out + k, bpp + s[i].off + s[i].hdr_len, m);
        k += m;
    }
    free(s);
    *md = out;
    *md_len = total;
    return 0;
}

/* ---------- ProfileInstallationResult ---------- */

static const struct {
    long value;
    int code;
    const char *name;
} install_errors[] = {
    { 1, ESIMLPA_EINSTALL_INCORRECT_INPUT, "incorrectInputValues" },
    { 2, ESIMLPA_EINSTALL_INVALID_SIGNATURE, "invalidSignature" },
    { 3, ESIMLPA_EINSTALL_INVALID_TRANSACTION, "invalidTransactionId" },
    { 4, ESIMLPA_EINSTALL_UNSUPPORTED_CRT, "unsupportedCrtValues" },
    { 5, ESIMLPA_EINSTALL_UNSUPPORTED_OPERATION, "unsupportedRemoteOperationType" },
    { 6, ESIMLPA_EINSTALL_UNSUPPORTED_CLASS, "unsupportedProfileClass" },
    { 7, ESIMLPA_EINSTALL_STRUCTURE, "scp03tStructureError" },
    { 8, ESIMLPA_EINSTALL_SECURITY, "scp03tSecurityError" },
    { 9, ESIMLPA_EINSTALL_ICCID_EXISTS, "installFailedDueToIccidAlreadyExistsOnEuicc" },
    { 10, ESIMLPA_EINSTALL_NO_MEMORY, "installFailedDueToInsufficientMemoryForProfile" },
    { 11, ESIMLPA_EINSTALL_INTERRUPTED, "installFailedDueToInterruption" },
    { 12, ESIMLPA_EINSTALL_PE_PROCESSING, "installFailedDueToPEProcessingError" },
    { 13, ESIMLPA_EINSTALL_DATA_MISMATCH, "installFailedDueToDataMismatch" },
    { 14, ESIMLPA_EINSTALL_TEST_NAA_KEY, "testProfileInstallFailedDueToInvalidNaaKey" },
    { 15, ESIMLPA_EINSTALL_PPR_NOT_ALLOWED, "pprNotAllowed" },
    { 127, ESIMLPA_EINSTALL_UNKNOWN, "installFailedDueToUnknownError" },
};

static const char *const bpp_commands[] = {
    "initialiseSecureChannel", "configureISDP", "storeMetadata", "storeMetadata2",
    "replaceSessionKeys", "loadProfileElements",
};

void esimlpa__pir_clear(struct esimlpa__pir *pir)
{
    if (!pir)
        return;
    free(pir->notification_address);
    free(pir->raw);
    memset(pir, 0, sizeof *pir);
}

int esimlpa__pir_decode(esimlpa_ctx *ctx, const uint8_t *p, size_t len, struct esimlpa__pir *pir)
{
    static const char what[] = "LoadBoundProfilePackage";
    memset(pir, 0, sizeof *pir);
    ProfileInstallationResult_t *r = NULL;
    if (esimlpa__der_decode(&asn_DEF_ProfileInstallationResult, (void **)&r, p, len) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EDECODE,
                             "%s: malformed ProfileInstallationResult (%zu bytes)", what, len);
    const ProfileInstallationResultData_t *d = &r->profileInstallationResultData;
    const NotificationMetadata_t *md = &d->notificationMetadata;
    int rc = ESIMLPA_OK;
    pir->seq_number = md->seqNumber;
    if (md->seqNumber < 0)
        rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: PIR seqNumber %ld", what, md->seqNumber);
    if (rc == ESIMLPA_OK)
        rc = esimlpa__es10_string(ctx, what, "notificationAddress", &md->notificationAddress,
                                  PIR_ADDRESS_MAX, &pir->notification_address);
    if (rc == ESIMLPA_OK && md->iccid)
        rc = esimlpa__es10_iccid(ctx, what, md->iccid, pir->iccid);
    if (rc == ESIMLPA_OK) {
        pir->raw = malloc(len);
        if (!pir->raw)
            rc = esimlpa__fail(ctx, ESIMLPA_ENOMEM, "%s: out of memory", what);
        else {
            memcpy(pir->raw, p, len);
            pir->raw_len = len;
        }
    }
    if (rc == ESIMLPA_OK) {
        switch (d->finalResult.present) {
        case ProfileInstallationResultData__finalResult_PR_successResult: {
            const SuccessResult_t *s = &d->finalResult.choice.successResult;
            if (s->aid.size < 5 || s->aid.size > 16) {
                rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: ISD-P AID of %d bytes", what,
                                   s->aid.size);
                break;
            }
            pir->success = 1;
            memcpy(pir->aid, s->aid.buf, (size_t)s->aid.size);
            pir->aid_len = (size_t)s->aid.size;
            break;
        }
        case ProfileInstallationResultData__finalResult_PR_errorResult: {
            const ErrorResult_t *e = &d->finalResult.choice.errorResult;
            pir->bpp_command_id = e->bppCommandId;
            pir->error_reason = e->errorReason;
            int code = ESIMLPA_EINSTALL_UNKNOWN;
            const char *rname = "not defined by SGP.22";
            for (size_t i = 0; i < sizeof install_errors / sizeof install_errors[0]; i++)
                if (install_errors[i].value == e->errorReason) {
                    code = install_errors[i].code;
                    rname = install_errors[i].name;
                }
            const char *cname = (e->bppCommandId >= 0 &&
                                 e->bppCommandId < (long)(sizeof bpp_commands /
                                                          sizeof bpp_commands[0]))
                                    ? bpp_commands[e->bppCommandId]
                                    : "unknown command";
            rc = esimlpa__fail(ctx, code,
                               "%s: installation failed at %s (bppCommandId %ld): %s (%ld)",
                               what, cname, e->bppCommandId, rname, e->errorReason);
            ctx->last_result_code = (int)e->errorReason;
            break;
        }
        default:
            rc = esimlpa__fail(ctx, ESIMLPA_EDECODE, "%s: PIR without a final result", what);
        }
    }
    ASN_STRUCT_FREE(asn_DEF_ProfileInstallationResult, r);
    if (rc != ESIMLPA_OK && (rc < ESIMLPA_EINSTALL_UNKNOWN || rc > ESIMLPA_EINSTALL_INCORRECT_INPUT))
        esimlpa__pir_clear(pir);   /* malformed: nothing kept */
    return rc;
}

/* ---------- loading ---------- */

void esimlpa__bpp_loader_init(struct esimlpa__bpp_loader *l, esimlpa_ctx *ctx,
                              struct esimlpa__pir *pir)
{
    memset(l, 0, sizeof *l);
    l->ctx = ctx;
    l->pir = pir;
    memset(pir, 0, sizeof *pir);
}

int esimlpa__bpp_loader_send(struct esimlpa__bpp_loader *l, const uint8_t *seg, size_t len)
{
    static const char what[] = "LoadBoundProfilePackage";
    int rc;
    if (!l->begun) {
        if ((rc = esimlpa__es10_begin(l->ctx, what)) != ESIMLPA_OK)
            return rc;
        l->begun = 1;
    }
    uint8_t *r = NULL;
    size_t rl = 0;
    rc = esimlpa__es10_transceive(l->ctx, what, seg, len, &r, &rl);
    if (rc != ESIMLPA_OK) {
        free(r);
        return rc;
    }
    l->sent++;
    if (rl == 0)
        return ESIMLPA_OK;   /* intermediate segment: no data (notes pitfall 23) */
    if (rl < 2 || r[0] != 0xBF || r[1] != 0x37) {
        rc = esimlpa__fail(l->ctx, ESIMLPA_EUNEXPECTED,
                           "%s: unexpected response to segment %zu (tag %02X...)", what, l->sent,
                           r[0]);
        free(r);
        return rc;
    }
    /* The first BF37 ends the load, early on an error (pitfall 23). */
    l->result = esimlpa__pir_decode(l->ctx, r, rl, l->pir);
    free(r);
    l->over = 1;
    return ESIMLPA__BPP_LOAD_OVER;
}


int esimlpa__es10_load_bpp(esimlpa_ctx *ctx, const uint8_t *bpp, size_t len,
                           esimlpa__bpp_progress_fn progress, void *user,
                           struct esimlpa__pir *pir)
{
    static const char what[] = "LoadBoundProfilePackage";
    memset(pir, 0, sizeof *pir);
    int rc = esimlpa__es10_begin(ctx, what);
    if (rc != ESIMLPA_OK)
        return rc;
    struct esimlpa__bpp_segment *s = NULL;
    size_t n = 0;
    char why[160];
    if (esimlpa__bpp_cut(bpp, len, &s, &n, why, sizeof why) != 0)
        return esimlpa__fail(ctx, ESIMLPA_EINVAL, "%s: malformed BoundProfilePackage: %s",
                             what, why);
    esimlpa__log(ctx, ESIMLPA_LOG_DEBUG, "%s: %zu bytes in %zu segments", what, len, n);
    size_t done = 0;
    if (progress && progress(user, 0, len)) {
        free(s);
        return esimlpa__fail(ctx, ESIMLPA_ECANCELLED, "%s: cancelled before the first segment",
                             what);
    }
    int failed = 0;
    for (size_t i = 0; i < n && !failed; i++) {
        uint8_t *r = NULL;
        size_t rl = 0;
        int trc = esimlpa__es10_transceive(ctx, what, bpp + s[i].off, s[i].len, &r, &rl);
        if (trc != ESIMLPA_OK) {
            free(r);
            rc = trc;
            failed = 1;
            break;
        }
        done += s[i].len;
        int stop = progress && progress(user, done, len);
        if (rl == 0 && stop && i + 1 < n) {
            /* Cancelled between two segments: the caller cancels the session
             * (a partly loaded BPP is dropped, SGP.22 §5.7.14). A BF37 (below)
             * means the load is over: too late to cancel. */
            free(r);
            rc = esimlpa__fail(ctx, ESIMLPA_ECANCELLED,
                               "%s: cancelled after segment %zu of %zu", what, i + 1, n);
            failed = 1;
            break;
        }
        if (rl == 0)
            continue;      /* intermediate segment: no data (notes pitfall 23) */
        if (rl < 2 || r[0] != 0xBF || r[1] != 0x37) {
            rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED,
                               "%s: unexpected response to segment %zu (tag %02X...)", what,
                               i + 1, r[0]);
        } else {
            /* The first BF37 ends the load, early on an error (pitfall 23). */
            rc = esimlpa__pir_decode(ctx, r, rl, pir);
            if (i + 1 < n && rc == ESIMLPA_OK)
                esimlpa__log(ctx, ESIMLPA_LOG_WARN,
                             "%s: success result after segment %zu of %zu", what, i + 1, n);
        }
        free(r);
        free(s);
        return rc;
    }
    if (!failed)
        rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED,
                           "%s: no ProfileInstallationResult after the last segment", what);
    free(s);
    return rc;
}
