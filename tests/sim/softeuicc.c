/* SPDX-License-Identifier: MIT */
/* Soft eUICC: lifetime (open/close/reset), the APDU entry point, logging
 * and state persistence. */
#include "softeuicc_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* UICC-like ATR offering T=0 (TD1 = 80) with T=15 global bytes (TD2 = 1F,
 * TA3 = C7: clock stop, classes A/B/C), historical bytes in compact-TLV,
 * and TCK because T=15 is indicated. Real eUICCs offer T=0 (design.md). */
static const uint8_t atr[] = {
    0x3B, 0x9F, 0x96, 0x80, 0x1F, 0xC7,
    0x80, 0x31, 0xE0, 0x73, 0xFE, 0x21, 0x13, 0x65, 0x53, 0x49, 0x4D, 0x83, 0x00, 0x90, 0x00,
    0x00 /* TCK, computed below */
};

const uint8_t *softeuicc_atr(size_t *len)
{
    static uint8_t a[sizeof(atr)];
    uint8_t x = 0;
    memcpy(a, atr, sizeof(atr));
    for (size_t i = 1; i + 1 < sizeof(a); i++)
        x ^= a[i];
    a[sizeof(a) - 1] = x;
    *len = sizeof(a);
    return a;
}

void se_log(const struct softeuicc *se, const char *fmt, ...)
{
    if (!se->verbose)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("soft-euicc: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void se_save(struct softeuicc *se)
{
    char err[512] = "";
    if (se_state_save(se->st, se->state_path, !se->no_sync, err, sizeof(err))) {
        se->save_failures++;
        fprintf(stderr, "soft-euicc: cannot save state: %s\n", err);
    }
}

unsigned softeuicc_save_failures(const struct softeuicc *se) { return se->save_failures; }

static int set_err(const struct softeuicc_options *o, const char *fmt, ...)
{
    if (o && o->err && o->err_len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(o->err, o->err_len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Copy seed to path unless path exists (O_EXCL: never overwrite). */
static int copy_seed(const char *seed, const char *path, int sync, char *err, size_t errlen)
{
    struct stat sb;
    if (stat(path, &sb) == 0)
        return 0;
    FILE *in = fopen(seed, "rb");
    if (!in) {
        snprintf(err, errlen, "%s: cannot open seed: %s", seed, strerror(errno));
        return -1;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        fclose(in);
        return -1;
    }
    char buf[8192];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (write(fd, buf, n) != (ssize_t)n)
            rc = -1;
    if (ferror(in) || (sync && fsync(fd)))
        rc = -1;
    fclose(in);
    if (close(fd))
        rc = -1;
    if (rc)
        snprintf(err, errlen, "%s: cannot copy seed %s", path, seed);
    return rc;
}

int softeuicc_open(const struct softeuicc_options *o, struct softeuicc **out)
{
    char err[512] = "";
    *out = NULL;
    if (!o || o->version != SOFTEUICC_OPTIONS_VERSION || !o->state_path ||
        !o->euicc_key_path || !o->euicc_cert_path || !o->eum_cert_path)
        return set_err(o, "options: need version, state, eUICC key, eUICC and EUM certificates");
    struct softeuicc *se = calloc(1, sizeof(*se));
    if (!se || !(se->state_path = strdup(o->state_path))) {
        free(se);
        return set_err(o, "out of memory");
    }
    se->verbose = o->verbose;
    se->t0_get_response = o->t0_get_response;
    se->fail_at_segment = o->fail_at_segment;
    se->fail_sw = o->fail_sw;
    se->no_sync = o->no_sync;
    static const uint8_t std_isdr[16] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                          0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00 };
    if (o->isdr_aid_len >= 5 && o->isdr_aid_len <= 16) {
        memcpy(se->isdr_aid, o->isdr_aid, o->isdr_aid_len);
        se->isdr_aid_len = o->isdr_aid_len;
    } else {
        memcpy(se->isdr_aid, std_isdr, sizeof std_isdr);
        se->isdr_aid_len = sizeof std_isdr;
    }
    se->max_block = (o->max_block >= 1 && o->max_block <= 255) ? o->max_block : 255;
    iso_init(&se->iso);
    if ((o->seed_path && copy_seed(o->seed_path, o->state_path, !o->no_sync, err, sizeof(err))) ||
        se_state_load(o->state_path, &se->st, err, sizeof(err)) ||
        se_identity_load(o->euicc_key_path, o->euicc_cert_path, o->eum_cert_path,
                         o->ci_cert_path, &se->id, err, sizeof(err))) {
        softeuicc_close(se);
        return set_err(o, "%s", err);
    }
    for (size_t i = 0; i < o->n_extra_ci_pkid && i < 8; i++)
        memcpy(se->id->extra_ci_pkid[se->id->n_extra_ci_pkid++], o->extra_ci_pkid[i], 20);
    if (se->id->cert_eid[0] && strcmp(se->id->cert_eid, se->st->eid))
        fprintf(stderr, "soft-euicc: warning: EID %s in the state differs from the "
                "certificate's serialNumber %s\n", se->st->eid, se->id->cert_eid);
    *out = se;
    return 0;
}

void softeuicc_close(struct softeuicc *se)
{
    if (!se)
        return;
    iso_reset(&se->iso);
    se_session_end(se);
    se_state_free(se->st);
    se_identity_free(se->id);
    free(se->state_path);
    free(se);
}

void softeuicc_reset(struct softeuicc *se)
{
    iso_reset(&se->iso);
    se->needs_reset = 0;               /* the REFRESH is done */
    se_session_end(se);                /* a partly loaded BPP is dropped: nothing installed */
}

static void log_hex(const struct softeuicc *se, const char *dir, const uint8_t *b, size_t n)
{
    if (!se->verbose)
        return;
    char h[2 * 261 + 1];
    size_t m = n > 260 ? 260 : n;
    se_hex_encode(b, m, h);
    fprintf(stderr, "soft-euicc: %s %s%s\n", dir, h, m < n ? "..." : "");
}

void softeuicc_process_apdu(struct softeuicc *se, const uint8_t *cmd, size_t cmd_len,
                            uint8_t *resp, size_t *resp_len)
{
    log_hex(se, ">>", cmd, cmd_len);
    iso_process(se, cmd, cmd_len, resp, resp_len);
    log_hex(se, "<<", resp, *resp_len);
}

int softeuicc_needs_reset(const struct softeuicc *se)
{
    return se->needs_reset;
}
