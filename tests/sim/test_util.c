/* SPDX-License-Identifier: MIT */
#include "test_util.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "der.h"
#include "state.h"

int t_failures;
unsigned t_fail_at, t_fail_sw;
static const char *pki_dir, *seed_path;
static char tmpdir[128];

void t_setup(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s PKI_DIR SEED\n", argv[0]);
        exit(2);
    }
    pki_dir = argv[1];
    seed_path = argv[2];
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/sim-test-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        exit(2);
    }
}

const char *t_pki(const char *file)
{
    static char ring[8][512];
    static int i;
    char *p = ring[i++ % 8];
    snprintf(p, 512, "%s/%s", pki_dir, file);
    return p;
}

const char *t_seed(void) { return seed_path; }

static int open_card(struct tcard *c, const char *curve, int fresh)
{
    char key[64], cert[64], eum[64], ci[64], err[512] = "";
    static int n;
    if (fresh) {
        snprintf(c->state_path, sizeof(c->state_path), "%s/state%d.json", tmpdir, n++);
        unlink(c->state_path);
    }
    snprintf(key, sizeof(key), "euicc_%s.key", curve);
    snprintf(cert, sizeof(cert), "euicc_%s.der", curve);
    snprintf(eum, sizeof(eum), "eum_%s.pem", curve);
    snprintf(ci, sizeof(ci), "ci_%s.der", curve);
    struct softeuicc_options o = {
        .version = SOFTEUICC_OPTIONS_VERSION,
        .state_path = c->state_path,
        .seed_path = seed_path,
        .euicc_key_path = t_pki(key),
        .euicc_cert_path = t_pki(cert),
        .eum_cert_path = t_pki(eum),
        .ci_cert_path = t_pki(ci),
        .err = err, .err_len = sizeof(err),
        .fail_at_segment = t_fail_at,
        .fail_sw = t_fail_sw,
    };
    if (softeuicc_open(&o, &c->se)) {
        fprintf(stderr, "softeuicc_open: %s\n", err);
        exit(2);
    }
    c->tr = softeuicc_transport(c->se);
    if (c->tr->connect(c->tr->user)) {
        fprintf(stderr, "connect failed\n");
        exit(2);
    }
    return 0;
}

void t_open(struct tcard *c, const char *curve) { open_card(c, curve, 1); }

void t_reopen(struct tcard *c, const char *curve)
{
    t_close(c);
    open_card(c, curve, 0);
}

void t_close(struct tcard *c)
{
    if (c->se) {
        c->tr->disconnect(c->tr->user);
        softeuicc_close(c->se);
    }
    c->se = NULL;
    c->tr = NULL;
}

size_t t_unhex(const char *hex, uint8_t *out, size_t cap)
{
    char clean[8192];
    size_t k = 0;
    for (const char *p = hex; *p && k + 1 < sizeof(clean); p++)
        if (*p != ' ')
            clean[k++] = *p;
    clean[k] = 0;
    long n = se_hex_decode(clean, out, cap);
    if (n < 0) {
        fprintf(stderr, "bad hex in test: %s\n", hex);
        exit(2);
    }
    return (size_t)n;
}

unsigned t_apdu_bin(struct tcard *c, const uint8_t *cmd, size_t len, uint8_t *out, size_t *out_len)
{
    uint8_t resp[ESIMLPA_APDU_MAX_RESPONSE];
    size_t rlen = sizeof(resp);
    if (c->tr->transmit(c->tr->user, cmd, len, resp, &rlen) || rlen < 2) {
        fprintf(stderr, "transmit failed\n");
        exit(2);
    }
    if (out) {
        memcpy(out, resp, rlen - 2);
        *out_len = rlen - 2;
    }
    return (unsigned)resp[rlen - 2] << 8 | resp[rlen - 1];
}

unsigned t_apdu(struct tcard *c, const char *hex, uint8_t *out, size_t *out_len)
{
    uint8_t cmd[300];
    size_t n = t_unhex(hex, cmd, sizeof(cmd));
    return t_apdu_bin(c, cmd, n, out, out_len);
}

uint8_t t_cla(uint8_t base, int ch)
{
    if (ch < 4)
        return (uint8_t)((base & 0x9C) | ch);
    return (uint8_t)((base & 0xB0) | 0x40 | (ch - 4));
}

int t_open_isdr(struct tcard *c)
{
    uint8_t r[260];
    size_t n = 0;
    unsigned sw = t_apdu(c, "0070000001", r, &n);
    if (sw != 0x9000 || n != 1) {
        fprintf(stderr, "MANAGE CHANNEL failed: %04X\n", sw);
        exit(2);
    }
    int ch = r[0];
    uint8_t sel[21];
    t_unhex("00A4040010A0000005591010FFFFFFFF8900000100", sel, sizeof(sel));
    sel[0] = t_cla(0x00, ch);
    sw = t_apdu_bin(c, sel, sizeof(sel), r, &n);
    if (sw != 0x9000) {
        fprintf(stderr, "SELECT ISD-R failed: %04X\n", sw);
        exit(2);
    }
    return ch;
}

unsigned t_es10(struct tcard *c, int ch, const uint8_t *req, size_t len, size_t mss,
                uint8_t **out, size_t *out_len)
{
    uint8_t cmd[5 + 255], r[260];
    size_t n = 0, off = 0;
    unsigned sw = 0, block = 0;
    *out = NULL;
    *out_len = 0;
    while (off < len) {
        size_t chunk = len - off < mss ? len - off : mss;
        bool last = off + chunk == len;
        cmd[0] = t_cla(0x80, ch);
        cmd[1] = 0xE2;
        cmd[2] = last ? 0x91 : 0x11;
        cmd[3] = (uint8_t)block++;
        cmd[4] = (uint8_t)chunk;
        memcpy(cmd + 5, req + off, chunk);
        off += chunk;
        sw = t_apdu_bin(c, cmd, 5 + chunk, r, &n);
        if (!last && sw != 0x9000)
            return sw;
    }
    uint8_t *acc = NULL;
    size_t acc_len = 0;
    for (;;) {
        if (n) {
            acc = realloc(acc, acc_len + n);
            memcpy(acc + acc_len, r, n);
            acc_len += n;
        }
        if ((sw & 0xFF00) != 0x6100)
            break;
        uint8_t gr[5] = { t_cla(0x80, ch), 0xC0, 0x00, 0x00, (uint8_t)(sw & 0xFF) };
        sw = t_apdu_bin(c, gr, 5, r, &n);
    }
    *out = acc;
    *out_len = acc_len;
    return sw;
}

unsigned t_es10_hex(struct tcard *c, int ch, const char *hex, uint8_t **out, size_t *out_len)
{
    uint8_t req[4096];
    size_t n = t_unhex(hex, req, sizeof(req));
    return t_es10(c, ch, req, n, 120, out, out_len);
}

const uint8_t *t_find(const uint8_t *buf, size_t len, unsigned tag, size_t *vlen)
{
    size_t off = 0;
    while (off < len) {
        unsigned t;
        size_t h, l;
        if (sim_tlv_header(buf + off, len - off, &t, &h, &l))
            return NULL;
        if (t == tag) {
            *vlen = l;
            return buf + off + h;
        }
        unsigned first = t > 0xFFFF ? t >> 16 : t > 0xFF ? t >> 8 : t;
        if (first & 0x20) {
            const uint8_t *f = t_find(buf + off + h, l, tag, vlen);
            if (f)
                return f;
        }
        off += h + l;
    }
    return NULL;
}

int t_done(void)
{
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", tmpdir);
    if (t_failures)
        fprintf(stderr, "%d check(s) failed\n", t_failures);
    return t_failures ? 1 : 0;
}
