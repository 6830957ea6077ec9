/* SPDX-License-Identifier: MIT */
/* getBoundProfilePackage streamed into LoadBoundProfilePackage (issue 14;
 * SGP.22 §3.1.3.3, §5.7.6, §2.5.5): the body's base64 is decoded as it
 * arrives (lib/es9p/bpp_stream_json.c), cut into ES10b commands
 * (lib/es10/es10_bpp_stream.c) and each command goes to the eUICC while the
 * kernel keeps receiving the rest. Held back until the metadata matched:
 * BF23, A0 and A1 with its 88s (nothing reaches the eUICC before that
 * check). Peak memory: the segment being cut, the held ones and the
 * scanner's small rest of the JSON, whatever the profile's size. */
#include <stdlib.h>
#include <string.h>

#include "rsp_internal.h"
#include "../es10/es10_bpp_stream.h"

#define MAC_LEN 8
/* What is held before the metadata check: BF23, A0 with its 87s (one
 * ConfigureISDP), the A1 header and the 88s (StoreMetadata, a few KB with
 * an icon of at most 1024 bytes). More is refused: a hostile package must
 * not make the held part grow with the body. */
#define HELD_MAX ((size_t)64 << 10)

struct rx {
    esimlpa_ctx *ctx;
    const struct esimlpa__bpp_stream_job *job;
    struct esimlpa__bpp_stream cut;
    struct esimlpa__bpp_loader load;
    uint8_t *held;            /* held segments back to back */
    size_t held_len;
    size_t *held_seg;         /* their lengths */
    size_t n_held;
    uint8_t *md;              /* the 88 values without their MACs */
    size_t md_len;
    int md_ok;                /* metadata matched: segments go straight on */
    int rc;                   /* the error that stopped it (reported) */
    long reason;
    size_t done;              /* BF36 bytes the eUICC took */
    int last;                 /* the piece is the package's last segment */
};

static int oom(struct rx *x)
{
    return x->rc = esimlpa__fail(x->ctx, ESIMLPA_ENOMEM, "LoadBoundProfilePackage: out of memory");
}

static int append(struct rx *x, uint8_t **buf, size_t *len, const uint8_t *p, size_t n)
{
    uint8_t *nb = realloc(*buf, *len + n + 1);
    if (!nb)
        return oom(x);
    memcpy(nb + *len, p, n);
    *buf = nb;
    *len += n;
    return 0;
}

static int hold(struct rx *x, const struct esimlpa__bpp_piece *pc)
{
    if (pc->len > HELD_MAX - x->held_len) {
        x->reason = ESIMLPA__CANCEL_METADATA_MISMATCH;
        return x->rc = esimlpa__fail(x->ctx, ESIMLPA_EMETADATA_MISMATCH,
                                     "getBoundProfilePackage: no readable metadata in the bound "
                                     "profile package (more than %zu bytes before the end of A1)",
                                     HELD_MAX);
    }
    size_t *ns = realloc(x->held_seg, (x->n_held + 1) * sizeof *ns);
    if (!ns)
        return oom(x);
    x->held_seg = ns;
    x->held_seg[x->n_held++] = pc->len;
    return append(x, &x->held, &x->held_len, pc->p, pc->len);
}

/* One segment to the eUICC: 0, ESIMLPA__BPP_LOAD_OVER, or an error. */
static int send(struct rx *x, const uint8_t *p, size_t len)
{
    int rc = esimlpa__bpp_loader_send(&x->load, p, len);
    x->reason = ESIMLPA__CANCEL_LOAD_BPP_ERROR;   /* the eUICC holds part of it now */
    if (rc < 0)
        return x->rc = rc;
    x->done += len;
    const struct esimlpa__bpp_stream_job *j = x->job;
    int stop = j->progress && j->progress(j->progress_user, x->done, x->cut.total);
    if (rc == ESIMLPA__BPP_LOAD_OVER)
        /* Too late to cancel: the load is over. After the last segment the
         * answer's end is read as usual (the connection stays usable);
         * earlier (an error result) the transfer stops. */
        return x->last ? 0 : rc;
    if (stop)
        return x->rc = esimlpa__fail(x->ctx, ESIMLPA_ECANCELLED,
                                     "LoadBoundProfilePackage: cancelled after segment %zu",
                                     x->load.sent);
    return 0;
}

/* A1 is whole: compare, then send what was held. */
static int metadata_check(struct rx *x)
{
    const struct esimlpa__bpp_stream_job *j = x->job;
    int rc = esimlpa__metadata_compare_md(x->ctx, x->md ? x->md : (const uint8_t *)"", x->md_len,
                                          j->announced, j->announced_len, j->announced_info);
    if (rc != ESIMLPA_OK) {
        x->reason = ESIMLPA__CANCEL_METADATA_MISMATCH;
        return x->rc = rc;
    }
    x->md_ok = 1;
    esimlpa__log(x->ctx, ESIMLPA_LOG_DEBUG, "%s: metadata matched, loading (%zu bytes)",
                 "getBoundProfilePackage", x->cut.total);
    if (j->progress && j->progress(j->progress_user, 0, x->cut.total))
        return x->rc = esimlpa__fail(x->ctx, ESIMLPA_ECANCELLED,
                                     "LoadBoundProfilePackage: cancelled before the first segment");
    size_t off = 0;
    for (size_t i = 0; i < x->n_held; i++) {
        rc = send(x, x->held + off, x->held_seg[i]);
        off += x->held_seg[i];
        if (rc)
            return rc;
    }
    free(x->held);
    free(x->held_seg);
    x->held = NULL;
    x->held_seg = NULL;
    x->n_held = x->held_len = 0;
    return 0;
}

static int on_piece(void *user, const struct esimlpa__bpp_piece *pc)
{
    struct rx *x = user;
    x->last = pc->tag == 0x86 && pc->last;
    if (x->md_ok)
        return send(x, pc->p, pc->len);
    int rc = hold(x, pc);
    if (!rc && pc->tag == 0x88)
        rc = append(x, &x->md, &x->md_len, pc->p + pc->hdr_len, pc->len - pc->hdr_len - MAC_LEN);
    if (!rc && pc->tag == 0x88 && pc->last)
        rc = metadata_check(x);
    return rc;
}

/* The cutter found the package malformed. */
static int malformed(struct rx *x)
{
    if (strcmp(x->cut.why, "out of memory") == 0)
        return oom(x);
    if (!x->md_ok) {   /* as esimlpa__metadata_compare on a package that does not cut */
        x->reason = ESIMLPA__CANCEL_METADATA_MISMATCH;
        return x->rc = esimlpa__fail(x->ctx, ESIMLPA_EMETADATA_MISMATCH,
                                     "getBoundProfilePackage: no readable metadata in the bound "
                                     "profile package (%s)", x->cut.why);
    }
    /* Segments before it are on the eUICC: the caller cancels the session. */
    return x->rc = esimlpa__fail(x->ctx, ESIMLPA_EES9_BADRESPONSE,
                                 "getBoundProfilePackage: malformed boundProfilePackage after "
                                 "%zu segments: %s", x->load.sent, x->cut.why);
}

static int on_bytes(void *user, const uint8_t *p, size_t len)
{
    struct rx *x = user;
    int rc = esimlpa__bpp_stream_feed(&x->cut, p, len);
    if (rc == -1 && !x->rc)
        return malformed(x);
    return rc;
}

int esimlpa__download_bpp_stream(esimlpa_ctx *ctx, const struct esimlpa__bpp_stream_job *job,
                                 struct esimlpa__pir *pir, size_t *bpp_len, long *reason)
{
    struct rx x;
    memset(&x, 0, sizeof x);
    x.ctx = ctx;
    x.job = job;
    x.reason = ESIMLPA__CANCEL_UNDEFINED;
    esimlpa__bpp_stream_init(&x.cut, on_piece, &x);
    esimlpa__bpp_loader_init(&x.load, ctx, pir);
    size_t got = 0;
    int rc = esimlpa__es9p_get_bpp_stream(job->es9, job->address, job->transaction_id,
                                          job->prep_resp, job->prep_resp_len, on_bytes, &x, &got);
    if (x.load.over) {
        /* The eUICC ended the load (a BF37): its result is the outcome,
         * whatever the rest of the answer would have said. */
        if (rc != ESIMLPA_OK && rc != ESIMLPA__BPP_LOAD_OVER)
            esimlpa__log(ctx, ESIMLPA_LOG_WARN, "getBoundProfilePackage: after the eUICC's "
                         "result: %s", esimlpa_ctx_last_error(ctx));
        rc = x.load.result;
        if (x.load.result == ESIMLPA_OK && !esimlpa__bpp_stream_done(&x.cut))
            esimlpa__log(ctx, ESIMLPA_LOG_WARN, "LoadBoundProfilePackage: success result after "
                         "segment %zu, before the package's end", x.load.sent);
    } else if (rc == ESIMLPA_OK) {
        if (esimlpa__bpp_stream_finish(&x.cut) != 0)
            rc = malformed(&x);
        else
            rc = esimlpa__fail(ctx, ESIMLPA_EUNEXPECTED,
                               "LoadBoundProfilePackage: no ProfileInstallationResult after the "
                               "last segment");
    }
    *bpp_len = x.cut.total ? x.cut.total : got;
    *reason = x.reason;
    esimlpa__bpp_stream_free(&x.cut);
    free(x.held);
    free(x.held_seg);
    free(x.md);
    return rc;
}
