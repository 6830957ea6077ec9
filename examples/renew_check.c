/* SPDX-License-Identifier: MIT */
/* profile renew --check-cmd: run the user's connectivity check command with
 * a timeout; a process-group kill takes its children down with it. */
#include "renew_check.h"
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <esimlpa/error.h>

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

extern char **environ;

/* The child's environment, built before fork (the child only calls
 * async-signal-safe functions): ours without any ESIMLPA_NEW_ICCID,
 * ESIMLPA_NEW_ISDP_AID, ESIMLPA_OLD_ICCID, then those three. */
static char **check_env(const struct esimlpa_renew_check_info *info, char vars[3][128])
{
    size_t n = 0;
    while (environ[n])
        n++;
    char **env = calloc(n + 4, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "ESIMLPA_NEW_ICCID=", 18) != 0 &&
            strncmp(environ[i], "ESIMLPA_NEW_ISDP_AID=", 21) != 0 &&
            strncmp(environ[i], "ESIMLPA_OLD_ICCID=", 18) != 0)
            env[k++] = environ[i];
    snprintf(vars[0], 128, "ESIMLPA_NEW_ICCID=%s", info->new_iccid ? info->new_iccid : "");
    snprintf(vars[1], 128, "ESIMLPA_NEW_ISDP_AID=%s", info->new_isdp_aid ? info->new_isdp_aid : "");
    snprintf(vars[2], 128, "ESIMLPA_OLD_ICCID=%s", info->old_iccid ? info->old_iccid : "");
    for (int i = 0; i < 3; i++)
        env[k++] = vars[i];
    env[k] = NULL;
    return env;
}

static void child(const char *cmd, char **env)
{
    setpgid(0, 0);
    /* If esimlpa dies (crash, kill -9) the check is pointless: end it too. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* Our stdout may be JSON: the command's output goes to stderr. */
    dup2(STDERR_FILENO, STDOUT_FILENO);
    signal(SIGPIPE, SIG_DFL);
    char *argv[] = { (char *)"sh", (char *)"-c", (char *)cmd, NULL };
    execve("/bin/sh", argv, env);
    _exit(127);
}

int cli_renew_check_cmd(void *user, const struct esimlpa_renew_check_info *info, char *reason,
                        size_t reason_size)
{
    const char *cmd = user;
    long timeout_s = (info->timeout_ms + 999) / 1000;
    char vars[3][128];
    char **env = check_env(info, vars);
    if (!env) {
        snprintf(reason, reason_size, "check command could not be started (out of memory)");
        return ESIMLPA_ENOMEM;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        free(env);
        snprintf(reason, reason_size, "check command could not be started (%s)", strerror(errno));
        return ESIMLPA_EINTERNAL;
    }
    if (pid == 0)
        child(cmd, env);
    free(env);
    setpgid(pid, pid);   /* also here: no race with the kill below */
    long deadline = now_ms() + info->timeout_ms;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            snprintf(reason, reason_size, "check command lost (%s)", strerror(errno));
            return ESIMLPA_EINTERNAL;
        }
        if (cli_signalled()) {
            /* Ctrl-C: the check is in its own process group, so the
             * terminal's SIGINT reached only us; end the check's group and
             * let the library roll back (esimlpa_renew_run, cancel). */
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            snprintf(reason, reason_size, "check command stopped: cancelled");
            return ESIMLPA_ECANCELLED;
        }
        if (now_ms() >= deadline) {
            kill(-pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            snprintf(reason, reason_size, "check command timed out after %ld s", timeout_s);
            return ESIMLPA_ETIMEOUT;
        }
        struct timespec nap = { 0, 20 * 1000000L };
        nanosleep(&nap, NULL);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        snprintf(reason, reason_size, "check command exited %d", WEXITSTATUS(status));
    else
        snprintf(reason, reason_size, "check command killed by signal %d",
                 WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return 1;
}
