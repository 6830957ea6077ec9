/* SPDX-License-Identifier: MIT */
/* Loading the bundled GSMA RSP CI roots (CERT.CI.ECDSA is the root of every
 * SM-DP+/SM-DS certificate, CERT.DPtls / CERT.DStls included; sgp22-notes
 * §8.1, §8.4) and turning a selection of them into PEM for curl. */
#define _GNU_SOURCE   /* secure_getenv */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "esimlpa/error.h"
#include "http/rsp_ci_bundle.h"
#include "util/util_internal.h"

static void logf_(const struct esimlpa__ci_log *log, enum esimlpa_log_level lv, const char *fmt,
                  ...) __attribute__((format(printf, 3, 4)));
static void logf_(const struct esimlpa__ci_log *log, enum esimlpa_log_level lv, const char *fmt,
                  ...)
{
    if (!log || !log->fn)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log->fn(log->user, lv, msg);
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_pem_name(const char *n)
{
    size_t l = strlen(n);
    return n[0] != '.' && l > 4 && strcmp(n + l - 4, ".pem") == 0;
}

/* Take @x into the bundle unless expired or without an SKI (then logged and freed). */
static int take_root(struct esimlpa__ci_bundle *b, size_t *cap, X509 *x, const char *file,
                     const struct esimlpa__ci_log *log)
{
    const ASN1_OCTET_STRING *ski = X509_get0_subject_key_id(x);
    if (!ski || ASN1_STRING_length(ski) < 4 || ASN1_STRING_length(ski) > 32) {   /* logged as 4 bytes */
        logf_(log, ESIMLPA_LOG_WARN, "RSP CI root %s has no usable SubjectKeyIdentifier: skipped",
              file);
        X509_free(x);
        return 0;
    }
    const unsigned char *id = ASN1_STRING_get0_data(ski);
    if (X509_cmp_current_time(X509_get0_notAfter(x)) <= 0) {
        char when[64] = "?";
        BIO *m = BIO_new(BIO_s_mem());
        if (m && ASN1_TIME_print(m, X509_get0_notAfter(x)) == 1) {
            int n = BIO_read(m, when, (int)sizeof when - 1);
            when[n > 0 ? n : 0] = '\0';
        }
        BIO_free(m);
        logf_(log, ESIMLPA_LOG_INFO, "RSP CI root %s (%02X%02X%02X%02X…) expired %s: skipped", file,
              id[0], id[1], id[2], id[3], when);
        X509_free(x);
        return 0;
    }
    if (b->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        struct esimlpa__ci_root *nr = realloc(b->roots, nc * sizeof *nr);
        if (!nr) {
            X509_free(x);
            return ESIMLPA_ENOMEM;
        }
        b->roots = nr;
        *cap = nc;
    }
    struct esimlpa__ci_root *r = &b->roots[b->n++];
    r->cert = x;
    r->ski_len = (size_t)ASN1_STRING_length(ski);
    memcpy(r->ski, id, r->ski_len);
    return 0;
}

static int load_file(struct esimlpa__ci_bundle *b, size_t *cap, const char *path,
                     const char *name, const struct esimlpa__ci_log *log)
{
    FILE *f = esimlpa__fopen_regular(path);   /* not a FIFO planted in the directory */
    if (!f) {
        logf_(log, ESIMLPA_LOG_WARN, "RSP CI root %s cannot be read: skipped", name);
        return 0;
    }
    int rc = 0, any = 0;
    X509 *x;
    while (rc == 0 && (x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        any = 1;
        rc = take_root(b, cap, x, name, log);
    }
    ERR_clear_error();
    fclose(f);
    if (!any)
        logf_(log, ESIMLPA_LOG_WARN, "RSP CI root file %s holds no certificate: skipped", name);
    return rc;
}

int esimlpa__ci_bundle_load(const char *set, const struct esimlpa__ci_log *log,
                            struct esimlpa__ci_bundle *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *base = secure_getenv(ESIMLPA_RSP_CI_ENV);
    if (!base || !base[0])
        base = ESIMLPA_RSP_CI_DEFAULT_DIR;
    snprintf(out->dir, sizeof out->dir, "%s/%s", base, set);

    DIR *d = opendir(out->dir);
    if (!d) {
        snprintf(err, errlen, "TLS: no bundled RSP CI roots: cannot open %s (set %s, or give "
                 "--ca-file)", out->dir, ESIMLPA_RSP_CI_ENV);
        return ESIMLPA_EHTTP_CERT;
    }
    char **names = NULL;
    size_t nn = 0, ncap = 0;
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (!is_pem_name(e->d_name))
            continue;
        if (nn == ncap) {
            size_t nc = ncap ? ncap * 2 : 16;
            char **nv = realloc(names, nc * sizeof *nv);
            if (!nv) { rc = ESIMLPA_ENOMEM; break; }
            names = nv;
            ncap = nc;
        }
        if (!(names[nn] = strdup(e->d_name)))
            rc = ESIMLPA_ENOMEM;
        else
            nn++;
    }
    closedir(d);
    if (names)
        qsort(names, nn, sizeof *names, name_cmp);   /* stable order for messages */
    size_t cap = 0;
    for (size_t i = 0; i < nn && rc == 0; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", out->dir, names[i]);
        rc = load_file(out, &cap, path, names[i], log);
    }
    for (size_t i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    if (rc == 0 && out->n == 0) {
        snprintf(err, errlen, "TLS: no usable RSP CI root in %s", out->dir);
        rc = ESIMLPA_EHTTP_CERT;
    }
    if (rc)
        esimlpa__ci_bundle_free(out);
    return rc;
}

void esimlpa__ci_bundle_free(struct esimlpa__ci_bundle *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++)
        X509_free(b->roots[i].cert);
    free(b->roots);
    b->roots = NULL;
    b->n = 0;
}

int esimlpa__ci_root_matches(const struct esimlpa__ci_root *r, const uint8_t *id, size_t len)
{
    return id && len == r->ski_len && memcmp(r->ski, id, len) == 0;
}

void esimlpa__ski_list_text(const uint8_t *const *ids, const size_t *lens, size_t n, char *buf,
                            size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (lens[i] < 4)
            continue;
        int dup = 0;   /* two issues of one CI share the SKI: name it once */
        for (size_t j = 0; j < i && !dup; j++)
            dup = lens[j] >= 4 && memcmp(ids[j], ids[i], 4) == 0;
        if (dup)
            continue;
        int w = snprintf(buf + used, cap - used, "%s%02X%02X%02X%02X…", used ? ", " : "",
                         ids[i][0], ids[i][1], ids[i][2], ids[i][3]);
        if (w < 0 || (size_t)w >= cap - used) {
            buf[used] = '\0';
            return;
        }
        used += (size_t)w;
    }
}

char *esimlpa__ci_bundle_pem(const struct esimlpa__ci_bundle *b, const unsigned char *sel,
                             size_t *len)
{
    BIO *m = BIO_new(BIO_s_mem());
    if (!m)
        return NULL;
    int ok = 1;
    for (size_t i = 0; i < b->n && ok; i++)
        if (sel[i])
            ok = PEM_write_bio_X509(m, b->roots[i].cert) == 1;
    char *data = NULL, *out = NULL;
    long n = ok ? BIO_get_mem_data(m, &data) : -1;
    if (n >= 0 && (out = malloc((size_t)n + 1)) != NULL) {
        if (n)
            memcpy(out, data, (size_t)n);
        out[n] = '\0';
        *len = (size_t)n;
    }
    BIO_free(m);
    return out;
}
