/* SPDX-License-Identifier: MIT */
/* lpac's output line protocol (see jline.h). Every line is printed whole and
 * flushed at once: front ends read stdout line by line while a download runs. */
#include "jline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/text.h>

#include "../base64_encode.h"

static void print_line(const char *type, cJSON *payload)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "type", type);
    cJSON_AddItemToObject(root, "payload", payload);
    char *s = cJSON_PrintUnformatted(root);
    if (s) {
        fputs(s, stdout);
        fputc('\n', stdout);
        fflush(stdout);
    }
    cJSON_free(s);
    cJSON_Delete(root);
}

static void lpa_line(const char *type, int code, const char *message, cJSON *data)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddNumberToObject(p, "code", code);
    jl_add_text(p, "message", message);
    cJSON_AddItemToObject(p, "data", data ? data : cJSON_CreateNull());
    print_line(type, p);
}

void jl_success(cJSON *data) { lpa_line("lpa", 0, "success", data); }

void jl_error(const char *function, const char *detail)
{
    cJSON *d = cJSON_CreateObject();   /* a holder for the repaired text */
    jl_add_text(d, "v", detail ? detail : "");
    cJSON *v = cJSON_DetachItemFromObject(d, "v");
    cJSON_Delete(d);
    lpa_line("lpa", -1, function, v);
}

void jl_progress(const char *function, const char *detail)
{
    cJSON *d = cJSON_CreateObject();
    jl_add_text(d, "v", detail);
    cJSON *v = cJSON_DetachItemFromObject(d, "v");
    cJSON_Delete(d);
    lpa_line("progress", 0, function, v);
}

void jl_progress_obj(const char *function, cJSON *data) { lpa_line("progress", 0, function, data); }

void jl_driver(cJSON *payload) { print_line("driver", payload); }

void jl_add_text(cJSON *obj, const char *key, const char *untrusted)
{
    if (!untrusted) {
        cJSON_AddNullToObject(obj, key);
        return;
    }
    size_t n = esimlpa_text_utf8_repair(untrusted, NULL, 0) + 1;
    char *s = malloc(n);
    if (!s) {
        cJSON_AddNullToObject(obj, key);
        return;
    }
    esimlpa_text_utf8_repair(untrusted, s, n);
    cJSON_AddStringToObject(obj, key, s);
    free(s);
}

void jl_add_hex(cJSON *obj, const char *key, const uint8_t *p, size_t n)
{
    if (!n) {
        cJSON_AddNullToObject(obj, key);
        return;
    }
    char *s = malloc(2 * n + 1);
    if (!s) {
        cJSON_AddNullToObject(obj, key);
        return;
    }
    for (size_t i = 0; i < n; i++)
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    cJSON_AddStringToObject(obj, key, s);
    free(s);
}

char *jl_base64(const uint8_t *p, size_t n) { return base64_encode(p, n); }

void jl_add_base64(cJSON *obj, const char *key, const uint8_t *p, size_t n)
{
    char *s = n ? jl_base64(p, n) : NULL;
    if (s)
        cJSON_AddStringToObject(obj, key, s);
    else
        cJSON_AddNullToObject(obj, key);
    free(s);
}
