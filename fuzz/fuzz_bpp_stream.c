/* SPDX-License-Identifier: MIT */
/* Streaming getBoundProfilePackage (issue 14): the JSON/base64 scanner
 * feeding the BPP cutter. Byte 0 seeds the piece sizes; the rest is the
 * body. Fed at once and in pieces, the results must be the same; a package
 * the streaming cutter accepts must cut the same way whole. */
#include <stdlib.h>
#include <string.h>

#include "es10/es10_bpp_stream.h"
#include "es10/es10_download.h"
#include "es9p/bpp_stream_json.h"

#define MAX_OUT (1u << 20)
#define MAX_SEGS 4096

struct run {
    struct esimlpa__bpp_stream cut;
    uint8_t *out;
    size_t n_out;
    struct esimlpa__bpp_segment segs[MAX_SEGS];
    size_t n_segs;
    int cut_rc;
};

static int on_piece(void *user, const struct esimlpa__bpp_piece *pc)
{
    struct run *r = user;
    if (r->n_segs < MAX_SEGS) {
        r->segs[r->n_segs].off = pc->off;
        r->segs[r->n_segs].len = pc->len;
        r->segs[r->n_segs].tag = pc->tag;
        r->segs[r->n_segs].hdr_len = pc->hdr_len;
    }
    r->n_segs++;
    if (pc->len == 0 || pc->hdr_len > pc->len || pc->off + pc->len > r->n_out)
        abort();
    return 0;
}

static int on_bytes(void *user, const uint8_t *p, size_t len)
{
    struct run *r = user;
    if (r->n_out + len > MAX_OUT)
        abort();   /* the scanner's cap */
    memcpy(r->out + r->n_out, p, len);
    r->n_out += len;
    int rc = esimlpa__bpp_stream_feed(&r->cut, p, len);
    if (rc && !r->cut_rc)
        r->cut_rc = rc;
    return 0;   /* keep scanning: the JSON verdict is compared too */
}

/* Scan @body in pieces of sizes from @seed (0: at once). */
static int go(const uint8_t *body, size_t n, unsigned seed, struct run *r,
              struct esimlpa__bpp_json *j)
{
    memset(r, 0, sizeof *r);
    r->out = malloc(MAX_OUT);
    if (!r->out)
        abort();
    esimlpa__bpp_stream_init(&r->cut, on_piece, r);
    esimlpa__bpp_json_init(j, "boundProfilePackage", MAX_OUT, on_bytes, r);
    int rc = 0;
    for (size_t off = 0; off < n && rc == 0;) {
        size_t k = n - off;
        if (seed) {
            seed = seed * 1103515245u + 12345u;
            k = 1 + (seed >> 16) % 97;
            if (k > n - off)
                k = n - off;
        }
        rc = esimlpa__bpp_json_feed(j, body + off, k);
        off += k;
    }
    if (rc == 0)
        rc = esimlpa__bpp_json_finish(j);
    if (!r->cut_rc)
        r->cut_rc = esimlpa__bpp_stream_finish(&r->cut);
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static struct run a, b;
    struct esimlpa__bpp_json ja, jb;
    int ra = go(data + 1, size - 1, 0, &a, &ja);
    int rb = go(data + 1, size - 1, data[0] | 1u, &b, &jb);
    /* The same verdict; on a refused body the bytes handed on before the
     * error depend on the piece sizes (what was flushed), so only a whole
     * body's results are compared in full. */
    if (ra != rb || strcmp(ja.why, jb.why) != 0)
        abort();
    if (ra == 0 && (a.n_out != b.n_out || memcmp(a.out, b.out, a.n_out) != 0 ||
                    ja.found != jb.found || ja.rest_len != jb.rest_len ||
                    memcmp(ja.rest, jb.rest, ja.rest_len) != 0 || a.cut_rc != b.cut_rc ||
                    strcmp(a.cut.why, b.cut.why) != 0 || a.n_segs != b.n_segs))
        abort();
    /* Only the whole body is compared with the whole-package cutter. */
    if (ra == 0 && a.n_out) {
        struct esimlpa__bpp_segment *segs = NULL;
        size_t n = 0;
        int whole = esimlpa__bpp_cut(a.out, a.n_out, &segs, &n, NULL, 0);
        if ((whole == 0) != (a.cut_rc == 0))
            abort();
        if (whole == 0) {
            if (n != a.n_segs)
                abort();
            for (size_t i = 0; i < n && i < MAX_SEGS; i++)
                if (segs[i].off != a.segs[i].off || segs[i].len != a.segs[i].len ||
                    segs[i].tag != a.segs[i].tag || segs[i].hdr_len != a.segs[i].hdr_len)
                    abort();
            free(segs);
        }
    }
    esimlpa__bpp_json_free(&ja);
    esimlpa__bpp_json_free(&jb);
    esimlpa__bpp_stream_free(&a.cut);
    esimlpa__bpp_stream_free(&b.cut);
    free(a.out);
    free(b.out);
    return 0;
}
