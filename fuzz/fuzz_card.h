/* SPDX-License-Identifier: MIT */
/* Fake cards for the fuzz harnesses: an in-process APDU transport whose
 * answers come from the fuzz input, and an esimlpa_ctx opened on it. */
#ifndef FUZZ_CARD_H
#define FUZZ_CARD_H

#include <stddef.h>
#include <stdint.h>

#include <esimlpa/esimlpa.h>

enum fuzz_card_mode {
    /* Channel management and SELECT succeed; every last STORE DATA block is
     * answered with the next answer of the list (in 256-byte chunks chained
     * with 61xx / GET RESPONSE), other blocks with 9000. */
    FUZZ_CARD_ANSWERS = 0,
    /* Every transmit returns the next record of the raw input: one length
     * byte n, then n bytes (data + SW, n >= 2). Input exhausted: card removed. */
    FUZZ_CARD_RAW = 1,
};

#define FUZZ_CARD_MAX_ANSWERS 64

struct fuzz_card {
    struct esimlpa_apdu_transport tr;
    enum fuzz_card_mode mode;
    /* ANSWERS mode */
    const uint8_t *ans[FUZZ_CARD_MAX_ANSWERS];
    size_t ans_len[FUZZ_CARD_MAX_ANSWERS];
    size_t n_ans, next_ans;
    const uint8_t *pending;   /* rest of the answer being chained */
    size_t pending_len;
    /* RAW mode */
    const uint8_t *raw;
    size_t raw_len;
    unsigned transmits;       /* bound on work per input */
};

/* Set up the transport (mode ANSWERS with no answers). */
void fuzz_card_init(struct fuzz_card *c, enum fuzz_card_mode mode);
/* Append one answer (not copied). */
void fuzz_card_add_answer(struct fuzz_card *c, const uint8_t *p, size_t len);
/* Split @p data at each occurrence of the 4-byte separator "\xFE\xED\xFA\xCE"
 * into answers. */
void fuzz_card_split_answers(struct fuzz_card *c, const uint8_t *data, size_t len);

/* A context on the card, opened (NULL if the open failed). */
esimlpa_ctx *fuzz_card_ctx(struct fuzz_card *c);

#define FUZZ_ANSWER_SEP "\xFE\xED\xFA\xCE"

#endif
