/* SPDX-License-Identifier: MIT */
/* SIGINT, SIGTERM and SIGHUP during a download, discovery or notification
 * delivery ask the library to stop (esimlpa_ctx_cancel is async-signal-safe):
 * the session is cancelled on both sides and the command exits 130. A second
 * signal exits at once. */
#include "lpac.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static esimlpa_ctx *volatile g_ctx;
static volatile sig_atomic_t g_count;
static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
    (void)sig;
    if (g_count++ > 0)
        _exit(LPAC_EXIT_CANCELLED);
    esimlpa_ctx *ctx = g_ctx;
    if (ctx)
        esimlpa_ctx_cancel(ctx);
}

static void set_all(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

void lpac_signals_arm(esimlpa_ctx *ctx)
{
    g_ctx = ctx;
    g_count = 0;
    set_all(on_signal);
}

void lpac_signals_disarm(void)
{
    set_all(SIG_DFL);
    g_ctx = NULL;
}

int lpac_signals_caught(void) { return g_count > 0; }
