/* SPDX-License-Identifier: MIT */
/* esimlpa profile renew: download a new profile, switch to it, optionally
 * delete the old one, deliver the notifications -- esimlpa_renew_run(). */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include <esimlpa/download.h>
#include <esimlpa/http.h>

struct renew_ui {
    struct cli *cli;
    int delete_old;
    const char *old;        /* ICCID shown in the prompt, or NULL */
};

static int renew_consent(void *user, const struct esimlpa_profile_info *md, int cc_required)
{
    struct renew_ui *ui = user;
    struct cli *cli = ui->cli;
    (void)cc_required;
    if (!cli->json || !cli->yes) {
        fprintf(stderr, "New profile offered by the SM-DP+:\n");
        kv_print(stderr, "  Name", "%s", md->profile_name ? md->profile_name : "-");
        kv_print(stderr, "  Provider", "%s",
                 md->service_provider_name ? md->service_provider_name : "-");
        kv_print(stderr, "  ICCID", "%s", md->iccid[0] ? md->iccid : "-");
        kv_print(stderr, "  Replaces", "%s%s", ui->old ? ui->old : "the enabled profile",
                 ui->delete_old ? " (deleted after the switch)" : " (kept, disabled)");
    }
    return cli_ask_yn(cli, ui->delete_old ? "Install it, switch to it and delete the old profile?"
                                          : "Install it and switch to it?");
}

static int profile_renew(struct cli *cli, int argc, char **argv)
{
    struct cli_download_args da = { 0 };
    const char *old = NULL;
    int delete_old = 0, refresh = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **dst = NULL;
        if (strcmp(a, "--delete-old") == 0) {
            delete_old = 1;
            continue;
        }
        if (strcmp(a, "--refresh") == 0) {
            refresh = 1;
            continue;
        }
        if (strcmp(a, "--old") == 0)
            dst = &old;
        else if (!(dst = cli_download_arg(&da, a)))
            return cli_usage(cli, "unexpected argument '%s'", a);
        if (i + 1 >= argc)
            return cli_usage(cli, "option %s needs a value", a);
        *dst = argv[++i];
    }
    int ust = cli_download_args_check(cli, &da);
    if (ust != EXIT_OK)
        return ust;
    struct esimlpa_profile_id old_id;
    if (old) {
        int prc = esimlpa_profile_id_parse(old, &old_id);
        if (prc != ESIMLPA_OK)
            return cli_usage(cli, "--old: '%s' is not an ICCID or ISD-P AID (%s)", old,
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

    struct renew_ui ui = { cli, delete_old, old };
    struct esimlpa_download_options d;
    cli_download_options(&da, http, &d);
    d.consent = renew_consent;
    d.consent_user = &ui;
    d.progress = cli_download_progress;
    d.progress_user = cli;
    struct esimlpa_renew_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_RENEW_OPTIONS_VERSION;
    o.download = &d;
    o.old_profile = old ? &old_id : NULL;
    o.delete_old = delete_old;
    o.refresh = refresh;
    struct esimlpa_renew_result r;
    rc = esimlpa_renew_run(cli->ctx, &o, &r);
    esimlpa_curl_transport_free(http);
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    if (cli->json) {
        cJSON *j = cJSON_CreateObject();
        json_add_str(j, "newIccid", r.new_iccid[0] ? r.new_iccid : NULL);
        json_add_str(j, "oldIccid", r.old_iccid[0] ? r.old_iccid : NULL);
        json_add_hex(j, "isdpAid", r.download.isdp_aid, r.download.isdp_aid_len);
        cJSON_AddBoolToObject(j, "enabled", r.enabled);
        cJSON_AddBoolToObject(j, "oldDeleted", r.old_deleted);
        cJSON *n = cJSON_AddObjectToObject(j, "notifications");
        cJSON_AddNumberToObject(n, "delivered", (double)r.notifications_delivered);
        cJSON_AddNumberToObject(n, "failed", (double)r.notifications_failed);
        json_add_str(n, "error", r.notification_error ? r.notification_detail : NULL);
        cli_json_ok(j);
    } else {
        printf("Profile %s installed and enabled", r.new_iccid[0] ? r.new_iccid : "?");
        if (r.old_iccid[0])
            printf(r.old_deleted ? "; old profile %s deleted" : "; old profile %s disabled",
                   r.old_iccid);
        printf(".\n");
        printf("%zu notification%s delivered", r.notifications_delivered,
               r.notifications_delivered == 1 ? "" : "s");
        if (r.notifications_failed)
            printf(", %zu kept pending (%s); send them later with "
                   "'esimlpa notification process'",
                   r.notifications_failed, r.notification_detail);
        printf(".\n");
    }
    return EXIT_OK;
}

const struct cli_command cli_renew_commands[] = {
    { "profile", "renew",
      "-a 'LPA:1$...' | --smdp ADDR [--matching-id ID] [--confirmation-code CC] [--imei IMEI] "
      "[--delete-old] [--old ICCID|AID] [--refresh]",
      "Replace the enabled profile: download a new one, enable it, optionally delete the old one.",
      "Steps: download the new profile; enable it (the eUICC disables the old one);\n"
      "only after the switch succeeded, with --delete-old, delete the old profile;\n"
      "then send all pending notifications to their servers.\n"
      "If the download fails nothing changes. If enabling fails the old profile\n"
      "stays enabled (the new one stays installed, disabled) and the exit status\n"
      "says why. Notifications that cannot be delivered stay pending and do not\n"
      "fail the command. --old names the profile to replace (default: the enabled\n"
      "one); --refresh sets the refresh flag of EnableProfile. The new profile\n"
      "must be confirmed on the terminal (or with --yes).\n",
      profile_renew },
    { NULL, NULL, NULL, NULL, NULL, NULL },
};
