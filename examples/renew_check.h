/* SPDX-License-Identifier: MIT */
/* profile renew --check-cmd: the connectivity check as a shell command. */
#ifndef ESIMLPA_CLI_RENEW_CHECK_H
#define ESIMLPA_CLI_RENEW_CHECK_H

#include <stddef.h>

#include <esimlpa/renew.h>

/* An esimlpa_renew_check_fn; @user is the command (const char *). It runs
 * /bin/sh -c CMD in its own process group with ESIMLPA_NEW_ICCID,
 * ESIMLPA_NEW_ISDP_AID and ESIMLPA_OLD_ICCID in the environment and its
 * standard output on our standard error; passes when it exits 0. At the
 * timeout the whole process group is killed (SIGKILL); likewise at once when
 * a signal asked the CLI to cancel (cli_signalled), which returns
 * ESIMLPA_ECANCELLED. */
int cli_renew_check_cmd(void *user, const struct esimlpa_renew_check_info *info, char *reason,
                        size_t reason_size);

#endif
