/* SPDX-License-Identifier: MIT */
/* The streaming BPP cutter (lib/es10/es10_bpp_stream.c) against the
 * whole-package cutter esimlpa__bpp_cut: the same segments for generated
 * packages (with and without A2, short and long length forms) fed at once,
 * byte by byte and in random pieces; the same verdict on mutated and
 * truncated packages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "es10/es10_bpp_stream.h"
#include "es10/es10_download.h"

static int g_checks, g_failures;
#define CHECK(c)                                                                  \
    do {                                                                          \
        g_checks++;                                                               \
        if (!(c)) {                                                               \
            g_failures++;                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); \
        }                                                                         \
    } while (0)

static unsigned g_seed = 12345;
static unsigned rnd(unsigned n)
{
    g_seed = g_seed * 1103515245u + 12345u;
    return (g_seed >> 16) % n;
}

/* ---- a generated BF36 ---- */

struct buf {
    uint8_t p[200000];
    size_t n;
};

static void put_hdr(struct buf *b, unsigned tag, size_t len)
{
    if (tag > 0xFF)
        b->p[b->n++] = (uint8_t)(tag >> 8);
    b->p[b->n++] = (uint8_t)tag;
    if (len < 0x80) {
        b->p[b->n++] = (uint8_t)len;
    } else if (len < 0x100) {
        b->p[b->n++] = 0x81;
        b->p[b->n++] = (uint8_t)len;
    } else if (len < 0x10000) {
        b->p[b->n++] = 0x82;
        b->p[b->n++] = (uint8_t)(len >> 8);
        b->p[b->n++] = (uint8_t)len;
    } else {
        b->p[b->n++] = 0x83;
        b->p[b->n++] = (uint8_t)(len >> 16);
        b->p[b->n++] = (uint8_t)(len >> 8);
        b->p[b->n++] = (uint8_t)len;
    }
}

static size_t hdr_size(unsigned tag, size_t len)
{
    return (tag > 0xFF ? 2 : 1) + (len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 4);
}

/* A list [tag] of n items [item_tag] of the given value lengths. */
static void put_list(struct buf *b, unsigned tag, unsigned item, const size_t *lens, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += hdr_size(item, lens[i]) + lens[i];
    put_hdr(b, tag, total);
    for (size_t i = 0; i < n; i++) {
        put_hdr(b, item, lens[i]);
        for (size_t k = 0; k < lens[i]; k++)
            b->p[b->n++] = (uint8_t)rnd(256);
    }
}

static void gen_bpp(struct buf *out, int with_a2, size_t n86, size_t max86)
{
    static struct buf v;
    v.n = 0;
    size_t l23 = 60 + rnd(100);
    put_hdr(&v, 0xBF23, l23);
    for (size_t k = 0; k < l23; k++)
        v.p[v.n++] = (uint8_t)rnd(256);
    size_t a0[2] = { 8 + rnd(30), 8 + rnd(300) };
    put_list(&v, 0xA0, 0x87, a0, 1 + rnd(2));
    size_t a1[3] = { 8 + rnd(200), 8 + rnd(1000), 8 + rnd(20) };
    put_list(&v, 0xA1, 0x88, a1, 1 + rnd(3));
    if (with_a2) {
        size_t a2[2] = { 8 + rnd(60), 8 + rnd(60) };
        put_list(&v, 0xA2, 0x87, a2, 1 + rnd(2));
    }
    size_t a3[256];
    for (size_t i = 0; i < n86 && i < 256; i++)
        a3[i] = 8 + rnd((unsigned)max86);
    put_list(&v, 0xA3, 0x86, a3, n86 < 256 ? n86 : 256);
    out->n = 0;
    put_hdr(out, 0xBF36, v.n);
    memcpy(out->p + out->n, v.p, v.n);
    out->n += v.n;
}

/* ---- what the streaming cutter produced ---- */

struct got {
    struct esimlpa__bpp_segment seg[512];
    int last[512];
    size_t n;
    int bad;            /* a piece not contiguous with the one before */
    size_t next_off;
};

static int on_piece(void *user, const struct esimlpa__bpp_piece *pc)
{
    struct got *g = user;
    if (g->n >= 512 || pc->off != g->next_off)
        g->bad = 1;
    if (g->n < 512) {
        g->seg[g->n].off = pc->off;
        g->seg[g->n].len = pc->len;
        g->seg[g->n].tag = pc->tag;
        g->seg[g->n].hdr_len = pc->hdr_len;
        g->last[g->n] = pc->last;
        g->n++;
    }
    g->next_off = pc->off + pc->len;
    return 0;
}

/* Feed @p in pieces: 0 = at once, 1 = byte by byte, 2 = random sizes.
 * Returns 0 if the package was cut whole, -1 if refused. */
static int stream_cut(const uint8_t *p, size_t n, int mode, struct got *g, char *why, size_t cap)
{
    struct esimlpa__bpp_stream s;
    memset(g, 0, sizeof *g);
    esimlpa__bpp_stream_init(&s, on_piece, g);
    int rc = 0;
    for (size_t off = 0; off < n && rc == 0;) {
        size_t k = mode == 0 ? n - off : mode == 1 ? 1 : 1 + rnd(700);
        if (k > n - off)
            k = n - off;
        rc = esimlpa__bpp_stream_feed(&s, p + off, k);
        off += k;
    }
    if (rc == 0)
        rc = esimlpa__bpp_stream_finish(&s);
    snprintf(why, cap, "%s", s.why);
    esimlpa__bpp_stream_free(&s);
    return rc;
}

/* The streamed cut equals the whole cut (or both refuse). */
static void compare(const uint8_t *p, size_t n, int expect_ok)
{
    struct esimlpa__bpp_segment *segs = NULL;
    size_t nseg = 0;
    char why[160];
    int whole = esimlpa__bpp_cut(p, n, &segs, &nseg, why, sizeof why);
    if (expect_ok >= 0)
        CHECK(whole == (expect_ok ? 0 : -1));
    static struct got g;
    for (int mode = 0; mode < 3; mode++) {
        char swhy[160];
        int rc = stream_cut(p, n, mode, &g, swhy, sizeof swhy);
        CHECK(rc == whole);
        if (rc != whole)
            fprintf(stderr, "  mode %d: whole %d (%s), streamed %d (%s)\n", mode, whole,
                    whole ? why : "", rc, swhy);
        if (rc == 0 && whole == 0) {
            CHECK(!g.bad);
            CHECK(g.n == nseg);
            for (size_t i = 0; i < nseg && i < g.n; i++) {
                CHECK(g.seg[i].off == segs[i].off && g.seg[i].len == segs[i].len);
                CHECK(g.seg[i].tag == segs[i].tag && g.seg[i].hdr_len == segs[i].hdr_len);
            }
            CHECK(g.n && g.last[g.n - 1] == 1);
        }
        if (rc != 0)
            CHECK(swhy[0] != '\0');
    }
    free(segs);
}

int main(void)
{
    static struct buf b;
    /* Well-formed packages of several shapes and sizes. */
    for (int i = 0; i < 40; i++) {
        gen_bpp(&b, i % 3 == 0, 1 + rnd(40), i % 2 ? 1012 : 120);
        compare(b.p, b.n, 1);
    }
    /* A large one: 3-byte lengths. */
    gen_bpp(&b, 1, 200, 1012);
    CHECK(b.n > 0x10000);
    compare(b.p, b.n, 1);

    /* Truncated at every offset of a small package: refused both ways. */
    gen_bpp(&b, 1, 3, 40);
    for (size_t cut = 0; cut < b.n; cut++)
        compare(b.p, cut, 0);
    /* Trailing bytes. */
    static uint8_t x[200100];
    memcpy(x, b.p, b.n);
    x[b.n] = 0x00;
    compare(x, b.n + 1, 0);

    /* Random single-byte mutations: the same verdict and segments. */
    for (int i = 0; i < 3000; i++) {
        gen_bpp(&b, i % 2, 1 + rnd(5), 200);
        size_t at = rnd((unsigned)b.n);
        b.p[at] = (uint8_t)rnd(256);
        compare(b.p, b.n, -1);
    }

    /* Messages name the place. */
    gen_bpp(&b, 0, 2, 40);
    b.p[0] = 0xBF;
    b.p[1] = 0x37;
    struct got g;
    char why[160];
    CHECK(stream_cut(b.p, b.n, 1, &g, why, sizeof why) == -1);
    CHECK(strcmp(why, "not a BoundProfilePackage (tag BF37)") == 0);
    CHECK(stream_cut(b.p, 0, 0, &g, why, sizeof why) == -1);
    CHECK(strcmp(why, "empty") == 0);

    printf("%d checks, %d failed\n", g_checks, g_failures);
    return g_failures ? 1 : 0;
}
