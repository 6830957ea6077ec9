/* SPDX-License-Identifier: MIT */
/* Ctrl-C and friends during a flow that can be cancelled (issue 10 item 2):
 * SIGINT, SIGTERM and SIGHUP ask the library to stop (esimlpa_ctx_cancel,
 * async-signal-safe); the flow cancels the session on both sides and the
 * command exits 130. A second signal exits at once with 130. Outside such a
 * flow the signals keep their default action. */
#include "cli.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

static esimlpa_ctx *volatile g_ctx;
static volatile sig_atomic_t g_count;

static void on_signal(int sig)
{
    (void)sig;
    if (g_count++ > 0)
        _exit(EXIT_CANCELLED);
    static const char msg[] = "esimlpa: cancelling\xE2\x80\xA6\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    esimlpa_ctx *ctx = g_ctx;
    if (ctx)
        esimlpa_ctx_cancel(ctx);
}

static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

void cli_signals_begin(struct cli *cli)
{
    g_ctx = cli->ctx;
    g_count = 0;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;   /* no SA_RESTART: a prompt's read ends, the flow sees the cancel */
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
}

void cli_signals_end(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    g_ctx = NULL;
}

int cli_signalled(void)
{
    return g_count > 0;
}
