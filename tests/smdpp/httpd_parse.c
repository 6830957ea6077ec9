/* SPDX-License-Identifier: MIT */
/* HTTP/1.1 message handling of the test server: request heads, response building. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httpd_internal.h"

static int is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        *--e = '\0';
    return s;
}

/* Does a comma-separated header value contain @p token (case-insensitive)? */
static int has_token(const char *value, const char *token)
{
    size_t tl = strlen(token);
    const char *p = value;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *e = p;
        while (*e && *e != ',')
            e++;
        const char *te = e;
        while (te > p && (te[-1] == ' ' || te[-1] == '\t'))
            te--;
        if ((size_t)(te - p) == tl && strncasecmp(p, token, tl) == 0)
            return 1;
        p = e;
    }
    return 0;
}

static int parse_length(const char *s, size_t max, size_t *out)
{
    size_t v = 0;
    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > (max - (size_t)(*s - '0')) / 10)
            return 1;   /* above the cap */
        v = v * 10 + (size_t)(*s - '0');
    }
    *out = v;
    return 0;
}

int httpd__parse_head(const char *buf, size_t len, size_t max_body, struct req_head *h)
{
    memset(h, 0, sizeof(*h));
    h->storage = malloc(len + 1);
    if (!h->storage)
        return 500;
    memcpy(h->storage, buf, len);
    h->storage[len] = '\0';
    if (memchr(h->storage, '\0', len))
        return 400;

    /* Request line: method SP target SP version CRLF */
    char *line = h->storage;
    char *eol = strstr(line, "\r\n");
    if (!eol)
        return 400;
    *eol = '\0';
    char *sp1 = strchr(line, ' ');
    if (!sp1 || sp1 == line)
        return 400;
    *sp1 = '\0';
    char *target = sp1 + 1;
    char *sp2 = strchr(target, ' ');
    if (!sp2 || sp2 == target || target[0] != '/')
        return 400;
    *sp2 = '\0';
    char *version = sp2 + 1;
    for (const char *m = line; *m; m++)
        if (!is_tchar(*m))
            return 400;
    for (const char *t = target; *t; t++)
        if ((unsigned char)*t <= 0x20 || (unsigned char)*t >= 0x7f)
            return 400;
    if (strcmp(version, "HTTP/1.1") == 0)
        h->keep_alive = 1;
    else if (strcmp(version, "HTTP/1.0") == 0)
        h->keep_alive = 0;
    else if (strncmp(version, "HTTP/", 5) == 0)
        return 505;
    else
        return 400;
    h->method = line;
    h->path = target;
    h->version = version;

    int have_cl = 0;
    char *p = eol + 2;
    while (*p && strncmp(p, "\r\n", 2) != 0) {
        eol = strstr(p, "\r\n");
        if (!eol)
            return 400;
        *eol = '\0';
        char *colon = strchr(p, ':');
        if (!colon || colon == p)
            return 400;
        *colon = '\0';
        for (const char *n = p; *n; n++)
            if (!is_tchar(*n))
                return 400;   /* also refuses obsolete line folding */
        char *value = trim(colon + 1);
        for (const char *v = value; *v; v++)
            if ((unsigned char)*v < 0x20 && *v != '\t')
                return 400;
        if (h->n_headers == HTTPD_MAX_REQ_HEADERS)
            return 431;
        h->headers[h->n_headers].name = p;
        h->headers[h->n_headers].value = value;
        h->n_headers++;

        if (strcasecmp(p, "Transfer-Encoding") == 0) {
            return 411;   /* only Content-Length bodies */
        } else if (strcasecmp(p, "Content-Length") == 0) {
            size_t cl = 0;
            int r = parse_length(value, max_body, &cl);
            if (r < 0)
                return 400;
            if (r > 0)
                return 413;
            if (have_cl && cl != h->content_length)
                return 400;
            have_cl = 1;
            h->content_length = cl;
        } else if (strcasecmp(p, "Connection") == 0) {
            if (has_token(value, "close"))
                h->keep_alive = 0;
            else if (has_token(value, "keep-alive"))
                h->keep_alive = 1;
        } else if (strcasecmp(p, "Expect") == 0) {
            if (strcasecmp(value, "100-continue") != 0)
                return 417;
            h->expect_continue = 1;
        }
        p = eol + 2;
    }
    if (!*p)
        return 400;   /* no terminating empty line */
    if (!have_cl && (strcmp(h->method, "POST") == 0 || strcmp(h->method, "PUT") == 0))
        return 411;
    return 0;
}

void httpd__head_free(struct req_head *head)
{
    free(head->storage);
    memset(head, 0, sizeof(*head));
}

const char *httpd__reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
    }
}

const char *httpd_request_header(const struct httpd_request *req, const char *name)
{
    if (!req || !name)
        return NULL;
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

int httpd_response_add_header(struct httpd_response *resp, const char *name, const char *value)
{
    if (!resp || !name || !value || resp->n_headers >= HTTPD_MAX_RESPONSE_HEADERS ||
        strpbrk(name, "\r\n:") || strpbrk(value, "\r\n"))
        return -1;
    size_t n = strlen(name) + strlen(value) + 3;
    char *line = malloc(n);
    if (!line)
        return -1;
    memcpy(line, name, strlen(name));
    memcpy(line + strlen(name), ": ", 2);
    memcpy(line + strlen(name) + 2, value, strlen(value) + 1);
    resp->headers[resp->n_headers++] = line;
    return 0;
}

int httpd_response_set_body(struct httpd_response *resp, const void *data, size_t len)
{
    if (!resp || (!data && len))
        return -1;
    uint8_t *b = malloc(len + 1);
    if (!b)
        return -1;
    if (len)
        memcpy(b, data, len);
    b[len] = '\0';
    free(resp->body);
    resp->body = b;
    resp->body_len = len;
    return 0;
}

int httpd_response_set_body_str(struct httpd_response *resp, const char *s)
{
    return s ? httpd_response_set_body(resp, s, strlen(s)) : -1;
}

void httpd__response_free(struct httpd_response *resp)
{
    for (size_t i = 0; i < resp->n_headers; i++)
        free(resp->headers[i]);
    free(resp->body);
    memset(resp, 0, sizeof(*resp));
}
