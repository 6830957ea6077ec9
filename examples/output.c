/* SPDX-License-Identifier: MIT */
/* Output of the esimlpa program: aligned tables and key/value lines for
 * people, one JSON object per command for scripts, and error reporting. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fputs("esimlpa: out of memory\n", stderr);
        exit(EXIT_CARD);
    }
    return p;
}

/* Text from cards, servers and readers is untrusted: every string that
 * reaches the terminal goes through esimlpa_text_escape (escape sequences
 * and invalid UTF-8 shown as \x1b ...), every string that reaches JSON
 * through esimlpa_text_utf8_repair (always valid UTF-8). */
char *text_for_terminal(const char *s)
{
    size_t n = esimlpa_text_escape(s, NULL, 0) + 1;
    char *d = xmalloc(n);
    esimlpa_text_escape(s, d, n);
    return d;
}

static char *text_for_json(const char *s)
{
    size_t n = esimlpa_text_utf8_repair(s, NULL, 0) + 1;
    char *d = xmalloc(n);
    esimlpa_text_utf8_repair(s, d, n);
    return d;
}

/* Columns on a terminal: count UTF-8 lead bytes, not continuation bytes. */
static size_t display_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            w++;
    return w;
}

void table_init(struct table *t, size_t ncols, const char **headers)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->headers = headers;
}

void table_add(struct table *t, const char **cells)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 8;
        char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
        if (!c) {
            fputs("esimlpa: out of memory\n", stderr);
            exit(EXIT_CARD);
        }
        t->cells = c;
        t->cap = cap;
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->cells[t->nrows * t->ncols + i] = text_for_terminal(cells[i] ? cells[i] : "-");
    t->nrows++;
}

void table_print(FILE *f, const struct table *t)
{
    size_t *w = xmalloc(t->ncols * sizeof *w);
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = display_width(t->headers[c]);
        for (size_t r = 0; r < t->nrows; r++) {
            size_t x = display_width(t->cells[r * t->ncols + c]);
            if (x > w[c])
                w[c] = x;
        }
    }
    for (size_t r = 0; r <= t->nrows; r++) {
        for (size_t c = 0; c < t->ncols; c++) {
            const char *s = r == 0 ? t->headers[c] : t->cells[(r - 1) * t->ncols + c];
            int last = c + 1 == t->ncols;
            fputs(s, f);
            if (!last)
                for (size_t k = display_width(s); k < w[c] + 2; k++)
                    fputc(' ', f);
        }
        fputc('\n', f);
    }
    free(w);
}

void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

void kv_print(FILE *f, const char *label, const char *fmt, ...)
{
    va_list ap;
    char value[1024];
    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    char *safe = text_for_terminal(value);
    fprintf(f, "%-22s%s\n", label, safe);
    free(safe);
}

char *hex_string(const uint8_t *p, size_t n)
{
    char *s = xmalloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02X", p[i]);
    s[2 * n] = '\0';
    return s;
}

void version_string(const struct esimlpa_version3 *v, char out[16])
{
    snprintf(out, 16, "%u.%u.%u", v->major, v->minor, v->revision);
}

void json_add_str(cJSON *o, const char *key, const char *value)
{
    if (value) {
        char *v = text_for_json(value);
        cJSON_AddStringToObject(o, key, v);
        free(v);
    } else
        cJSON_AddNullToObject(o, key);
}

void json_add_hex(cJSON *o, const char *key, const uint8_t *p, size_t n)
{
    char *h = hex_string(p, n);
    cJSON_AddStringToObject(o, key, h);
    free(h);
}

static void json_print(cJSON *root)
{
    char *s = cJSON_PrintUnformatted(root);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        cJSON_free(s);
    }
    cJSON_Delete(root);
}

void cli_json_line(cJSON *root)
{
    json_print(root);
    fflush(stdout);
}

void cli_json_ok(cJSON *data)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddBoolToObject(root, "ok", 1);
    cJSON_AddItemToObject(root, "data", data ? data : cJSON_CreateNull());
    json_print(root);
}

static void json_error(int code, const char *message)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddBoolToObject(root, "ok", 0);
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddNumberToObject(e, "code", code);
    cJSON_AddStringToObject(e, "name", esimlpa_error_name(code));
    json_add_str(e, "message", message);
    json_print(root);
}

int cli_exit_status(int code)
{
    if (code == ESIMLPA_OK)
        return EXIT_OK;
    if (code <= -400 && code > -500)
        return EXIT_REFUSED;
    if (code <= -600 && code > -650)    /* AuthenticateServer/PrepareDownload/PIR/CancelSession */
        return EXIT_REFUSED;
    switch (code) {
    case ESIMLPA_ECANCELLED:
        return EXIT_CANCELLED;
    case ESIMLPA_EPPR_NOT_ALLOWED:
        return EXIT_REFUSED;
    case ESIMLPA_EES9_FAILED:
    case ESIMLPA_EES9_EXPIRED:
    case ESIMLPA_EMETADATA_MISMATCH:
    case ESIMLPA_EOID_MISMATCH:     /* not the SM-DP+ the activation code names */
        return EXIT_SERVER;
    case ESIMLPA_EREFUSED:
    case ESIMLPA_ECC_REQUIRED:
    case ESIMLPA_EBADACTIVATION:
    case ESIMLPA_ENO_DEFAULT_DP:
    case ESIMLPA_EINVAL:
    case ESIMLPA_EBADICCID:
    case ESIMLPA_EBADAID:
    case ESIMLPA_ETOOLONG:
    case ESIMLPA_EBADTEXT:
    case ESIMLPA_EBADADDRESS:
        return EXIT_USAGE;
    default:
        return EXIT_CARD;
    }
}

int cli_fail(struct cli *cli, int code)
{
    const char *detail = cli->ctx ? esimlpa_ctx_last_error(cli->ctx) : "";
    char msg[768];
    if (detail && detail[0] && !strstr(detail, esimlpa_strerror(code)))
        snprintf(msg, sizeof msg, "%s (%s)", esimlpa_strerror(code), detail);
    else if (detail && detail[0])
        snprintf(msg, sizeof msg, "%s", detail);
    else
        snprintf(msg, sizeof msg, "%s", esimlpa_strerror(code));
    const char *extra = cli->fail_extra;
    if ((!extra || !extra[0]) && cli->qmi)
        extra = cli_qmi_detail(cli, code);   /* what the QMI modem said */
    if ((!extra || !extra[0]) && cli->mbim)
        extra = cli_mbim_detail(cli, code);  /* what the MBIM modem said */
    if (extra && extra[0]) {
        size_t n = strlen(msg);
        snprintf(msg + n, sizeof msg - n, ": %s", extra);
    }
    char *safe = text_for_terminal(msg);
    fprintf(stderr, "esimlpa: %s: %s\n", cli->cmd ? cli->cmd : "error", safe);
    free(safe);
    if (cli->json)
        json_error(code, msg);
    return cli_exit_status(code);
}

int cli_cancelled(struct cli *cli, const char *what)
{
    fprintf(stderr, "esimlpa: %s: %s\n", cli->cmd ? cli->cmd : "error", what);
    if (cli->json)
        json_error(ESIMLPA_ECANCELLED, what);
    return EXIT_CANCELLED;
}

int cli_usage(struct cli *cli, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cli->cmd)
        fprintf(stderr, "esimlpa: %s: %s\nTry 'esimlpa %s --help'.\n", cli->cmd, msg, cli->cmd);
    else
        fprintf(stderr, "esimlpa: %s\nTry 'esimlpa --help'.\n", msg);
    if (cli->json)
        json_error(ESIMLPA_EINVAL, msg);
    return EXIT_USAGE;
}
