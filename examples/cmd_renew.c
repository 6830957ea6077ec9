/* SPDX-License-Identifier: MIT */
/* esimlpa profile renew: download a new profile, switch to it, optionally
 * delete the old one, deliver the notifications -- esimlpa_renew_run(). */
#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/download.h>
#include <esimlpa/http.h>

#include "renew_check.h"

struct renew_ui {
    struct cli *cli;
    int delete_old;
    const char *old;        /* ICCID shown in the prompt, or NULL */
};

static int renew_consent(void *user, const struct esimlpa_profile_info *md, int cc_required)
{
    struct renew_ui *ui = user;
    struct cli *cli = ui->cli;
    if (!cli->json || !cli->yes) {
        fprintf(stderr, "New profile offered by the SM-DP+:\n");
        kv_print(stderr, "  Name", "%s", md->profile_name ? md->profile_name : "-");
        kv_print(stderr, "  Provider", "%s",
                 md->service_provider_name ? md->service_provider_name : "-");
        kv_print(stderr, "  ICCID", "%s", md->iccid[0] ? md->iccid : "-");
        kv_print(stderr, "  Replaces", "%s%s", ui->old ? ui->old : "the enabled profile",
                 ui->delete_old ? " (deleted after the switch)" : " (kept, disabled)");
    }
    int yes = cli_ask_yn(cli, ui->delete_old ? "Install it, switch to it and delete the old profile?"
                                          : "Install it and switch to it?");
    if (yes)
        cli_confirmation_code_ask(cli, cc_required);
    return yes;
}

/* Test hooks: ESIMLPA_TEST_RENEW_KILL=STEP kills this process with SIGKILL
 * (as kill -9 would) right after the journal for STEP was written (the crash
 * tests); ESIMLPA_TEST_RENEW_SIGNAL=STEP sends it SIGINT there instead (as
 * Ctrl-C would; the cancel tests). =load: in the middle of
 * LoadBoundProfilePackage; =downloaded: once the download has finished. */
static void test_kill_at(const char *what)
{
    const char *k = getenv("ESIMLPA_TEST_RENEW_KILL");
    if (k && strcmp(k, what) == 0)
        raise(SIGKILL);
    const char *i = getenv("ESIMLPA_TEST_RENEW_SIGNAL");
    static int sent;
    if (i && strcmp(i, what) == 0 && !sent++)
        raise(SIGINT);
}

static void renew_step(void *user, enum esimlpa_renew_step step)
{
    (void)user;
    test_kill_at(esimlpa_renew_step_name(step));
}

static void renew_progress(void *user, enum esimlpa_download_step step, size_t done, size_t total)
{
    cli_download_progress(user, step, done, total);
    if (step == ESIMLPA_STEP_LOAD_BPP && done > 0 && done < total)
        test_kill_at("load");
    if (step == ESIMLPA_STEP_DONE)
        test_kill_at("downloaded");
}

struct renew_args {
    struct cli_download_args da;
    const char *old, *check_cmd, *check_timeout, *journal;
    int delete_old, refresh, discard_failed, resume;
    long check_timeout_s;
};

static int parse_args(struct cli *cli, int argc, char **argv, struct renew_args *a)
{
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        const char **dst = NULL;
        int *flag = strcmp(s, "--delete-old") == 0       ? &a->delete_old
                    : strcmp(s, "--refresh") == 0        ? &a->refresh
                    : strcmp(s, "--discard-failed") == 0 ? &a->discard_failed
                    : strcmp(s, "--resume") == 0         ? &a->resume
                                                         : NULL;
        if (flag) {
            *flag = 1;
            continue;
        }
        if (strcmp(s, "--old") == 0)
            dst = &a->old;
        else if (strcmp(s, "--check-cmd") == 0)
            dst = &a->check_cmd;
        else if (strcmp(s, "--check-timeout") == 0)
            dst = &a->check_timeout;
        else if (strcmp(s, "--journal") == 0)
            dst = &a->journal;
        else if (!(dst = cli_download_arg(&a->da, s)))
            return cli_usage(cli, "unexpected argument '%s'", s);
        if (i + 1 >= argc)
            return cli_usage(cli, "option %s needs a value", s);
        *dst = argv[++i];
    }
    a->check_timeout_s = 120;
    if (a->check_timeout) {
        char *end = NULL;
        errno = 0;
        long v = strtol(a->check_timeout, &end, 10);
        if (errno || end == a->check_timeout || *end || v < 1 || v > 86400)
            return cli_usage(cli, "--check-timeout: '%s' is not a number of seconds (1..86400)",
                             a->check_timeout);
        if (!a->check_cmd)
            return cli_usage(cli, "--check-timeout needs --check-cmd");
        a->check_timeout_s = v;
    }
    if (a->check_cmd && !a->check_cmd[0])
        return cli_usage(cli, "--check-cmd: empty command");
    if (a->journal && !a->journal[0])
        return cli_usage(cli, "--journal: empty file name");
    if (a->resume) {
        if (!a->journal)
            return cli_usage(cli, "--resume needs --journal FILE");
        if (a->da.activation_code || a->da.smdp || a->da.matching_id || a->da.confirmation_code ||
            a->da.confirmation_code_file || a->da.imei || a->old || a->check_cmd || a->delete_old || a->refresh || a->discard_failed)
            return cli_usage(cli, "--resume takes only --journal FILE: the rest is in the journal");
        return EXIT_OK;
    }
    int st = cli_download_args_check(cli, &a->da);
    return st != EXIT_OK ? st : cli_confirmation_code_setup(cli, &a->da);
}

static void print_result(struct cli *cli, const struct esimlpa_renew_result *r)
{
    if (cli->json) {
        cJSON *j = cJSON_CreateObject();
        json_add_str(j, "newIccid", r->new_iccid[0] ? r->new_iccid : NULL);
        json_add_str(j, "oldIccid", r->old_iccid[0] ? r->old_iccid : NULL);
        if (r->download && r->download->isdp_aid_len)
            json_add_hex(j, "isdpAid", r->download->isdp_aid, r->download->isdp_aid_len);
        else
            cJSON_AddNullToObject(j, "isdpAid");   /* resume: the download was in another run */
        cJSON_AddBoolToObject(j, "enabled", r->enabled);
        cJSON_AddBoolToObject(j, "oldDeleted", r->old_deleted);
        if (r->resumed)
            cJSON_AddStringToObject(j, "resumedAt", esimlpa_renew_step_name(r->resumed_at));
        cJSON *n = cJSON_AddObjectToObject(j, "notifications");
        cJSON_AddNumberToObject(n, "delivered", (double)r->notifications_delivered);
        cJSON_AddNumberToObject(n, "failed", (double)r->notifications_failed);
        json_add_str(n, "error", r->notification_error ? r->notification_detail : NULL);
        cli_json_ok(j);
        return;
    }
    if (r->resumed)
        printf("Renewal resumed at step '%s'. ", esimlpa_renew_step_name(r->resumed_at));
    printf("Profile %s installed and enabled", r->new_iccid[0] ? r->new_iccid : "?");
    if (r->old_iccid[0])
        printf(r->old_deleted ? "; old profile %s deleted" : "; old profile %s disabled",
               r->old_iccid);
    printf(".\n");
    printf("%zu notification%s delivered", r->notifications_delivered,
           r->notifications_delivered == 1 ? "" : "s");
    if (r->notifications_failed)
        printf(", %zu kept pending (%s); send them later with "
               "'esimlpa notification process'",
               r->notifications_failed, r->notification_detail);
    printf(".\n");
}

/* A rollback is an outcome, not a failure of the program: one line that
 * says why and what is enabled now (the library's text), exit 5. */
static void report_rollback(struct cli *cli, const struct esimlpa_renew_result *r)
{
    const char *msg = esimlpa_ctx_last_error(cli->ctx);
    fprintf(stderr, "esimlpa: %s: %s\n", cli->cmd, msg);
    if (!cli->json)
        return;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddBoolToObject(root, "ok", 0);
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddNumberToObject(e, "code", ESIMLPA_EROLLED_BACK);
    cJSON_AddStringToObject(e, "name", esimlpa_error_name(ESIMLPA_EROLLED_BACK));
    cJSON_AddStringToObject(e, "message", msg);
    cJSON_AddStringToObject(e, "reason", r->rollback_reason);
    cJSON_AddBoolToObject(e, "newDeleted", r->new_deleted);
    cJSON_AddNumberToObject(e, "notificationsDelivered", (double)r->notifications_delivered);
    cJSON_AddNumberToObject(e, "notificationsFailed", (double)r->notifications_failed);
    char *s = cJSON_PrintUnformatted(root);
    if (s) {
        puts(s);
        cJSON_free(s);
    }
    cJSON_Delete(root);
}

static int profile_renew(struct cli *cli, int argc, char **argv)
{
    struct renew_args a;
    memset(&a, 0, sizeof a);
    int ust = parse_args(cli, argc, argv, &a);
    if (ust != EXIT_OK)
        return ust;
    struct esimlpa_profile_id old_id;
    if (a.old) {
        int prc = esimlpa_profile_id_parse(a.old, &old_id);
        if (prc != ESIMLPA_OK)
            return cli_usage(cli, "--old: '%s' is not an ICCID or ISD-P AID (%s)", a.old,
                             esimlpa_strerror(prc));
    }

    struct esimlpa_http_transport *http = NULL;
    int rc = cli_http_new(cli, &http);
    if (rc != EXIT_OK)
        return rc;
    int st = cli_open(cli);
    if (st != EXIT_OK) {
        esimlpa_curl_transport_free(http);
        return st;
    }

    struct renew_ui ui = { cli, a.delete_old, a.old };
    struct esimlpa_download_options d;
    cli_download_options(&a.da, http, &d);
    d.consent = renew_consent;
    d.consent_user = &ui;
    d.progress = renew_progress;
    d.progress_user = cli;
    /* The session file and recovery lines of a plain download: a renewal
     * killed mid-download is released by --resume (or the next download). */
    char sdir[512];
    d.state_dir = cli_state_dir(sdir, sizeof sdir);
    d.recovered = cli_recovered;
    d.recovered_user = cli;
    struct esimlpa_renew_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_RENEW_OPTIONS_VERSION;
    o.download = &d;
    o.old_profile = a.old ? &old_id : NULL;
    o.delete_old = a.delete_old;
    o.refresh = a.refresh;
    o.check = a.check_cmd ? cli_renew_check_cmd : NULL;
    o.check_user = (void *)a.check_cmd;
    o.check_timeout_ms = a.check_timeout_s * 1000;
    o.discard_failed = a.discard_failed;
    o.journal_path = a.journal;
    o.step = renew_step;
    struct esimlpa_download_result dr = { .struct_size = sizeof dr };
    struct esimlpa_renew_result r = { .struct_size = sizeof r, .download = &dr };
    int signalled = 0;
    if (a.resume) {
        /* A resume only finishes what the journal says: Ctrl-C keeps its
         * default action (the journal is still there for the next resume). */
        rc = esimlpa_renew_resume(cli->ctx, &o, &r);
    } else {
        /* Ctrl-C: the download is cancelled on both sides; after it, the
         * renewal stops or rolls back until the old profile is deleted. */
        cli_signals_begin(cli);
        rc = esimlpa_renew_run(cli->ctx, &o, &r);
        signalled = cli_signalled();
        cli_signals_end();
    }
    esimlpa_curl_transport_free(http);
    if (rc == ESIMLPA_ECANCELLED)
        return cli_cancelled(cli, esimlpa_ctx_last_error(cli->ctx));
    if (signalled && (rc == ESIMLPA_OK || r.old_deleted))
        fprintf(stderr, "esimlpa: %s: too late to cancel: the new profile was proven and the "
                "renewal finished\n", cli->cmd);
    if (rc == ESIMLPA_EROLLED_BACK) {
        report_rollback(cli, &r);
        return EXIT_ROLLED_BACK;
    }
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    print_result(cli, &r);
    return EXIT_OK;
}

const struct cli_command cli_renew_commands[] = {
    { "profile", "renew",
      "-a 'LPA:1$...' | --smdp ADDR [--matching-id ID] [--confirmation-code-file F|--confirmation-code -|CC] [--imei IMEI] "
      "[--delete-old] [--old ICCID|AID] [--refresh] [--check-cmd CMD [--check-timeout S]] "
      "[--discard-failed] [--journal FILE]  |  --resume --journal FILE",
      "Replace the enabled profile: download a new one, enable it, prove it works, then "
      "optionally delete the old one.",
      "Steps: download the new profile; enable it (the eUICC disables the old one);\n"
      "run the check; only when it passed, with --delete-old, delete the old\n"
      "profile; then send all pending notifications to their servers.\n"
      "If the download fails nothing changes. If enabling fails the old profile\n"
      "stays enabled (the new one stays installed, disabled) and the exit status\n"
      "says why. Notifications that cannot be delivered stay pending and do not\n"
      "fail the command. --old names the profile to replace (default: the enabled\n"
      "one); --refresh sets the refresh flag of EnableProfile. The new profile\n"
      "must be confirmed on the terminal (or with --yes).\n"
      "\n"
      "Check: --check-cmd CMD runs '/bin/sh -c CMD' once the new profile is enabled,\n"
      "with ESIMLPA_NEW_ICCID, ESIMLPA_NEW_ISDP_AID and ESIMLPA_OLD_ICCID set; its\n"
      "output goes to standard error. Exit 0 proves the new profile. It gets\n"
      "--check-timeout S seconds (default 120), then its process group is killed.\n"
      "The card stays held meanwhile: CMD must not run esimlpa on the same card.\n"
      "\n"
      "Rollback: when the check fails or times out, the old profile is enabled\n"
      "again, the new one is kept disabled (deleted with --discard-failed), all\n"
      "notifications are delivered, and the command exits 5 with one line, e.g.\n"
      "'renew: rolled back: check command exited 3; the old profile ICCID is\n"
      "enabled again'.\n"
      "\n"
      "Journal: --journal FILE is rewritten atomically before every step (EID,\n"
      "old and new profile, step, options; no activation or confirmation code)\n"
      "and removed when the renewal ended; an existing FILE is refused. After a\n"
      "crash or power loss, '--resume --journal FILE' ends the renewal: after a\n"
      "passed check it finishes (deletes the old profile if asked); before that\n"
      "it rolls back (the check is not run again) and exits 5; an interrupted\n"
      "rollback is finished. A profile whose replacement was not proven is never\n"
      "deleted. A missing or unreadable journal, or one for another eUICC, exits 2.\n"
      "\n"
      "Ctrl-C (SIGINT, SIGTERM, SIGHUP): during the download it is cancelled on\n"
      "both sides (nothing changes); after the download and before the switch the\n"
      "new profile stays installed, disabled; after the switch and during the\n"
      "check (its process group is killed) the renewal rolls back as for a\n"
      "failed check. Exit 130 with one line. Once the old profile is being\n"
      "deleted it is too late: the renewal finishes.\n"
      "\n"
      "Exit status: 0 done; 5 rolled back; 130 cancelled; others as for every command.\n",
      profile_renew },
    { NULL, NULL, NULL, NULL, NULL, NULL },
};
