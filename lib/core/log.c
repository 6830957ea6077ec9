/* SPDX-License-Identifier: MIT */
/* Per-context last-error detail and the caller's logging callback. */
#include "ctx_internal.h"

#include <stdio.h>
#include <string.h>

int esimlpa__fail(esimlpa_ctx *ctx, int code, const char *fmt, ...)
{
    if (!ctx)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->last_error, sizeof ctx->last_error, fmt, ap);
    va_end(ap);
    esimlpa__log(ctx, ESIMLPA_LOG_DEBUG, "error %s: %s", esimlpa_error_name(code),
                 ctx->last_error);
    return code;
}

int esimlpa__fail_result(esimlpa_ctx *ctx, int code, long result, const char *function,
                         const char *result_name)
{
    if (!ctx)
        return code;
    ctx->last_result_code = (result >= -2147483647L - 1 && result <= 2147483647L)
                                ? (int)result : -1;
    return esimlpa__fail(ctx, code, "%s: eUICC result %ld (%s)",
                         function ? function : "ES10", result,
                         result_name ? result_name : "unknown");
}

void esimlpa__clear_error(esimlpa_ctx *ctx)
{
    if (!ctx)
        return;
    ctx->last_error[0] = '\0';
    ctx->last_result_code = -1;
}

void esimlpa__log(esimlpa_ctx *ctx, enum esimlpa_log_level level, const char *fmt, ...)
{
    if (!ctx || !ctx->log || !fmt || level > ctx->log_level)
        return;
    char line[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    ctx->log(ctx->log_user, level, line);
}
