/* SPDX-License-Identifier: MIT */
/*
 * Streaming cutter of a BF36 BoundProfilePackage (SGP.22 §2.5.5, §5.7.6;
 * notes §6.3): fed the package's bytes in pieces of any size as they arrive,
 * it hands over each ES10b LoadBoundProfilePackage command as soon as its
 * last byte is in. The same cut as esimlpa__bpp_cut: BF36 header + BF23; A0
 * header + first 87, further 87s alone; A1 header alone; each 88; optional
 * A2 like A0; A3 header alone; each 86. Only the segment being assembled is
 * buffered (at most ESIMLPA__BPP_STREAM_MAX_SEGMENT bytes). Internal.
 */
#ifndef ESIMLPA_ES10_BPP_STREAM_H
#define ESIMLPA_ES10_BPP_STREAM_H

#include <stddef.h>
#include <stdint.h>

/* A protected segment is at most 1020 bytes (notes §6.4); BF23 and the
 * list headers are far smaller. Anything larger is refused as malformed. */
#define ESIMLPA__BPP_STREAM_MAX_SEGMENT ((size_t)64 << 10)

/* One ES10 command of the package. */
struct esimlpa__bpp_piece {
    unsigned tag;        /* as esimlpa__bpp_segment.tag: 0xBF23 (with the BF36
                            header), 0x87, 0xA1 / 0xA3 (header alone), 0x88, 0x86 */
    const uint8_t *p;    /* the command's bytes, valid during the call only */
    size_t len;
    size_t off;          /* offset of p[0] in the BF36 */
    size_t hdr_len;      /* header length of the segment's own TLV */
    int last;            /* the last item of its list (A0, A1, A2, A3) */
};

/* Receives each piece; a non-zero return stops the feed and is returned. */
typedef int (*esimlpa__bpp_piece_fn)(void *user, const struct esimlpa__bpp_piece *pc);

struct esimlpa__bpp_stream {
    esimlpa__bpp_piece_fn emit;
    void *user;
    uint8_t *buf;          /* the segment being assembled */
    size_t len, cap;
    size_t seg_off;        /* offset in the BF36 of buf[0] */
    size_t pos;            /* bytes of the BF36 taken so far */
    size_t total;          /* BF36 header + value; 0 until its header is in */
    size_t bound;          /* end of the list (or BF36) the current TLV lies in */
    size_t item_end;       /* end of the TLV being completed */
    unsigned list_tag, item_tag;
    int with_first, first;
    int phase;
    int in_hdr;            /* a header is being read, from hdr_start */
    size_t hdr_start;
    unsigned pend_tag;     /* tag and header length of the unit being completed */
    size_t pend_hl;
    int failed;
    char why[160];         /* why the input is malformed */
};

/* Start a cutter; @emit is called for every segment. */
void esimlpa__bpp_stream_init(struct esimlpa__bpp_stream *s, esimlpa__bpp_piece_fn emit,
                              void *user);
/* Feed the next @len bytes. 0: fine so far; -1: malformed (reason in s->why,
 * "out of memory" included); any other value: what the callback returned. */
int esimlpa__bpp_stream_feed(struct esimlpa__bpp_stream *s, const uint8_t *p, size_t len);
/* The input ended: 0 if the package was whole, else -1 with s->why. */
int esimlpa__bpp_stream_finish(struct esimlpa__bpp_stream *s);
/* 1 once the whole BF36 has been cut. */
int esimlpa__bpp_stream_done(const struct esimlpa__bpp_stream *s);
void esimlpa__bpp_stream_free(struct esimlpa__bpp_stream *s);

#endif
