/* SPDX-License-Identifier: MIT */
/* esimlpa profile download / profile discovery / notification process:
 * the commands that talk to SM-DP+ and SM-DS servers over HTTPS. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <esimlpa/download.h>
#include <esimlpa/http.h>

/* Notes of the HTTPS transport (a skipped expired bundled CI root): warnings
 * always, the rest with --trace. */
static void http_log(void *user, enum esimlpa_log_level level, const char *msg)
{
    const struct cli *cli = user;
    if (level <= ESIMLPA_LOG_WARN)
        fprintf(stderr, "esimlpa: warning: %s\n", msg);
    else if (cli->trace)
        fprintf(stderr, "esimlpa: debug: %s\n", msg);
}

/* The HTTPS transport from the global options (one per command: one
 * connection serves the whole session). Trust: --ca-file/--ca-path, else
 * the bundled RSP CIs (--test-ci: the SGP.26 test set) that the eUICC lists. */
int cli_http_new(struct cli *cli, struct esimlpa_http_transport **out)
{
    struct esimlpa_curl_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CURL_OPTIONS_VERSION;
    o.ca_file = cli->ca_file;
    o.ca_path = cli->ca_path;
    o.insecure_no_verify = cli->insecure;
    o.use_test_ci = cli->test_ci;
    o.log = http_log;
    o.log_user = cli;
    o.resolve = cli->n_resolve ? cli->resolve : NULL;
    o.total_timeout_ms = cli->timeout_s * 1000;
    if (cli->insecure)
        fprintf(stderr, "esimlpa: warning: TLS verification disabled (--insecure)\n");
    int rc = esimlpa_curl_transport_new(&o, out);
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    return EXIT_OK;
}

/* ---------- download options shared by profile download and renew ---------- */

const char **cli_download_arg(struct cli_download_args *a, const char *opt)
{
    if (strcmp(opt, "-a") == 0 || strcmp(opt, "--activation-code") == 0)
        return &a->activation_code;
    if (strcmp(opt, "--smdp") == 0)
        return &a->smdp;
    if (strcmp(opt, "--matching-id") == 0)
        return &a->matching_id;
    if (strcmp(opt, "--confirmation-code") == 0)
        return &a->confirmation_code;
    if (strcmp(opt, "--confirmation-code-file") == 0)
        return &a->confirmation_code_file;
    if (strcmp(opt, "--imei") == 0)
        return &a->imei;
    return NULL;
}

int cli_download_args_check(struct cli *cli, const struct cli_download_args *a)
{
    if (a->activation_code && (a->smdp || a->matching_id))
        return cli_usage(cli, "give -a ACTIVATION_CODE or --smdp/--matching-id, not both");
    if (a->matching_id && !a->smdp)
        return cli_usage(cli, "--matching-id needs --smdp");
    return EXIT_OK;
}

void cli_download_options(const struct cli_download_args *a, struct esimlpa_http_transport *http,
                          struct esimlpa_download_options *o)
{
    memset(o, 0, sizeof *o);
    o->version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    o->activation_code = a->activation_code;
    o->smdp_address = a->smdp;
    o->matching_id = a->matching_id;
    o->confirmation_code = a->confirmation_code;
    o->imei = a->imei;
    o->http = http;
}

/* ---------- profile download ---------- */

static const char *class_name(enum esimlpa_profile_class c)
{
    return c == ESIMLPA_CLASS_TEST ? "test" : c == ESIMLPA_CLASS_PROVISIONING ? "provisioning"
                                                                                : "operational";
}

static int consent(void *user, const struct esimlpa_profile_info *md, int cc_required)
{
    struct cli *cli = user;
    if (!cli->json || !cli->yes) {
        fprintf(stderr, "Profile offered by the SM-DP+:\n");
        kv_print(stderr, "  Name", "%s", md->profile_name ? md->profile_name : "-");
        kv_print(stderr, "  Provider", "%s",
                 md->service_provider_name ? md->service_provider_name : "-");
        kv_print(stderr, "  ICCID", "%s", md->iccid[0] ? md->iccid : "-");
        kv_print(stderr, "  Class", "%s", class_name(md->profile_class));
    }
    if (!cli_ask_yn(cli, "Install this profile?"))
        return 0;
    cli_confirmation_code_ask(cli, cc_required);
    return 1;
}

int cli_ask_yn(struct cli *cli, const char *question)
{
    if (cli->yes)
        return 1;
    if (!isatty(STDIN_FILENO)) {
        fprintf(stderr, "esimlpa: %s: consent needed but stdin is not a terminal; pass --yes\n",
                cli->cmd);
        return 0;
    }
    fprintf(stderr, "%s [y/N] ", question);
    fflush(stderr);
    char line[16];
    if (!fgets(line, sizeof line, stdin))
        return 0;
    return line[0] == 'y' || line[0] == 'Y';
}

/* --json --progress: {"progress":{"step":NAME,"done":D,"total":T}} per step
 * before the result line; LOAD_BPP (done/total = bytes) every 10 % and at the end. */
static void json_progress_line(enum esimlpa_download_step step, size_t done, size_t total)
{
    static enum esimlpa_download_step last_step;
    static int last_tenth = -1;
    if (step == ESIMLPA_STEP_LOAD_BPP && total) {
        int tenth = (int)(done * 10 / total);
        if (step == last_step && tenth == last_tenth)
            return;
        last_tenth = tenth;
    } else if (step == last_step) {
        return;
    }
    last_step = step;
    cJSON *root = cJSON_CreateObject();
    cJSON *p = cJSON_AddObjectToObject(root, "progress");
    cJSON_AddStringToObject(p, "step", esimlpa_download_step_name(step));
    cJSON_AddNumberToObject(p, "done", (double)done);
    cJSON_AddNumberToObject(p, "total", (double)total);
    cli_json_line(root);
}

void cli_download_progress(void *user, enum esimlpa_download_step step, size_t done,
                           size_t total)
{
    struct cli *cli = user;
    if (cli->json && cli->json_progress) {
        json_progress_line(step, done, total);
        return;
    }
    if (cli->json || !isatty(STDERR_FILENO))
        return;
    static int bar_open;   /* the progress bar's line is not ended yet */
    if (step == ESIMLPA_STEP_LOAD_BPP && total) {
        int width = 30, fill = (int)((double)done / (double)total * width);
        fprintf(stderr, "\rInstalling [%.*s%*s] %3d%%", fill, "##############################",
                width - fill, "", (int)(100.0 * (double)done / (double)total));
        bar_open = done != total;
        if (done == total)
            fprintf(stderr, "\n");
    } else if (step != ESIMLPA_STEP_LOAD_BPP && step != ESIMLPA_STEP_DONE) {
        /* e.g. cancelSession after a load that stopped half way */
        fprintf(stderr, "%s  %s...\n", bar_open ? "\n" : "", esimlpa_download_step_name(step));
        bar_open = 0;
    }
    fflush(stderr);
}

/* Where the session file of a running download is kept (XDG base directory
 * spec): $XDG_STATE_HOME/esimlpa, else ~/.local/state/esimlpa; created.
 * NULL when neither is usable. */
const char *cli_state_dir(char *buf, size_t cap)
{
    const char *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, cap, "%s/esimlpa", xdg);
    else if (home && home[0] == '/')
        n = snprintf(buf, cap, "%s/.local/state/esimlpa", home);
    else
        return NULL;
    if (n < 0 || (size_t)n >= cap)
        return NULL;
    for (char *p = buf + 1; *p; p++)   /* mkdir -p */
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0700);
            *p = '/';
        }
    if (mkdir(buf, 0700) != 0 && access(buf, W_OK) != 0)
        return NULL;
    return buf;
}

/* One line per thing the recovery before a download did (issue 10 item 3). */
void cli_recovered(void *user, enum esimlpa_recovery_kind kind, size_t count,
                   const char *address, const char *detail)
{
    struct cli *cli = user;
    if (kind == ESIMLPA_RECOVERED_NOTIFICATIONS)
        fprintf(stderr, "esimlpa: %s: delivered %zu pending notification(s) to %s first\n",
                cli->cmd, count, address);
    else
        fprintf(stderr, "esimlpa: %s: recovered: cancelled the session %s that an interrupted "
                "download left with %s\n", cli->cmd, detail, address);
}

static int profile_download(struct cli *cli, int argc, char **argv)
{
    struct cli_download_args da = { 0 };
    int no_recover = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--no-recover") == 0) {
            no_recover = 1;
            continue;
        }
        if (strcmp(a, "--progress") == 0) {
            cli->json_progress = 1;
            continue;
        }
        const char **dst = cli_download_arg(&da, a);
        if (!dst)
            return cli_usage(cli, "unexpected argument '%s'", a);
        if (i + 1 >= argc)
            return cli_usage(cli, "option %s needs a value", a);
        *dst = argv[++i];
    }
    if (cli->json_progress && !cli->json)
        return cli_usage(cli, "--progress needs --json (the human output shows progress anyway)");
    int ust = cli_download_args_check(cli, &da);
    if (ust == EXIT_OK)
        ust = cli_confirmation_code_setup(cli, &da);
    if (ust != EXIT_OK)
        return ust;
    struct esimlpa_http_transport *http = NULL;
    int st = cli_http_new(cli, &http);
    if (st != EXIT_OK)
        return st;
    st = cli_open(cli);
    if (st != EXIT_OK) {
        esimlpa_curl_transport_free(http);
        return st;
    }
    struct esimlpa_download_options o;
    cli_download_options(&da, http, &o);
    o.consent = consent;
    o.consent_user = cli;
    o.progress = cli_download_progress;
    o.progress_user = cli;
    o.no_recover = no_recover;
    char sdir[512];
    o.state_dir = cli_state_dir(sdir, sizeof sdir);
    o.recovered = cli_recovered;
    o.recovered_user = cli;
    struct esimlpa_download_result r = { .struct_size = sizeof r };
    cli_signals_begin(cli);
    int rc = esimlpa_download_run(cli->ctx, &o, &r);
    int signalled = cli_signalled();
    cli_signals_end();
    esimlpa_curl_transport_free(http);
    if (rc == ESIMLPA_ECANCELLED) {
        const char *e = esimlpa_ctx_last_error(cli->ctx);
        if (strstr(e, "not on the server") || strstr(e, "cancel failed"))
            return cli_cancelled(cli, "cancelled, but the SM-DP+ was not told; "
                                      "the next download of this profile tells it");
        return cli_cancelled(cli, "cancelled: the order is free again");
    }
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    if (signalled)
        fprintf(stderr, "esimlpa: %s: too late to cancel: the profile was already installed\n",
                cli->cmd);
    char *aid = hex_string(r.isdp_aid, r.isdp_aid_len);
    if (cli->json) {
        cJSON *d = cJSON_CreateObject();
        json_add_str(d, "iccid", r.iccid[0] ? r.iccid : NULL);
        json_add_str(d, "isdpAid", aid);
        cJSON_AddNumberToObject(d, "notificationSeq", (double)r.notification_seq);
        cJSON_AddBoolToObject(d, "notificationDelivered", r.notification_delivered);
        cli_json_ok(d);
    } else {
        printf("Profile %s installed (ISD-P %s).\n", r.iccid[0] ? r.iccid : "?", aid ? aid : "?");
        if (r.notification_delivered)
            printf("Install notification %ld sent to the SM-DP+.\n", r.notification_seq);
        else
            printf("Install notification %ld is still pending; send it with "
                   "'esimlpa notification process %ld'.\n",
                   r.notification_seq, r.notification_seq);
    }
    free(aid);
    return EXIT_OK;
}

/* ---------- profile discovery ---------- */

static int profile_discovery(struct cli *cli, int argc, char **argv)
{
    const char *smds = NULL, *imei = NULL;
    for (int i = 0; i < argc; i++) {
        const char **dst = NULL;
        if (strcmp(argv[i], "--smds") == 0)
            dst = &smds;
        else if (strcmp(argv[i], "--imei") == 0)
            dst = &imei;
        else
            return cli_usage(cli, "unexpected argument '%s'", argv[i]);
        if (i + 1 >= argc)
            return cli_usage(cli, "option %s needs a value", argv[i]);
        *dst = argv[++i];
    }
    struct esimlpa_http_transport *http = NULL;
    int st = cli_http_new(cli, &http);
    if (st != EXIT_OK)
        return st;
    st = cli_open(cli);
    if (st != EXIT_OK) {
        esimlpa_curl_transport_free(http);
        return st;
    }
    struct esimlpa_event_list *ev = NULL;
    cli_signals_begin(cli);
    int rc = esimlpa_discovery_run(cli->ctx, http, smds, imei, &ev);
    cli_signals_end();
    esimlpa_curl_transport_free(http);
    if (rc == ESIMLPA_ECANCELLED)
        return cli_cancelled(cli, "cancelled");
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    if (cli->json) {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < ev->count; i++) {
            cJSON *o = cJSON_CreateObject();
            json_add_str(o, "eventId", ev->items[i].event_id);
            json_add_str(o, "rspServerAddress", ev->items[i].rsp_server_address);
            cJSON_AddItemToArray(a, o);
        }
        cli_json_ok(a);
    } else if (ev->count == 0) {
        printf("No profiles waiting.\n");
    } else {
        static const char *hdr[] = { "EVENT ID", "SM-DP+ ADDRESS" };
        struct table t;
        table_init(&t, 2, hdr);
        for (size_t i = 0; i < ev->count; i++) {
            const char *row[] = { ev->items[i].event_id, ev->items[i].rsp_server_address };
            table_add(&t, row);
        }
        table_print(stdout, &t);
        table_free(&t);
    }
    esimlpa_event_list_free(ev);
    return EXIT_OK;
}

/* ---------- notification process ---------- */

static int notification_process(struct cli *cli, int argc, char **argv)
{
    int all;   /* no SEQ and no --all: all pending, as --all */
    long seq;
    int ust = cli_seq_args(cli, argc, argv, &seq, &all);
    if (ust != EXIT_OK)
        return ust;
    struct esimlpa_http_transport *http = NULL;
    int st = cli_http_new(cli, &http);
    if (st != EXIT_OK)
        return st;
    st = cli_open(cli);
    if (st != EXIT_OK) {
        esimlpa_curl_transport_free(http);
        return st;
    }
    size_t ok = 0, bad = 0;
    cli_signals_begin(cli);
    int rc = esimlpa_notifications_process(cli->ctx, http, seq, &ok, &bad);
    cli_signals_end();
    esimlpa_curl_transport_free(http);
    if (rc != ESIMLPA_OK && ok == 0 && bad == 0)
        return cli_fail(cli, rc);
    if (cli->json && rc == ESIMLPA_OK) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddNumberToObject(d, "delivered", (double)ok);
        cJSON_AddNumberToObject(d, "failed", (double)bad);
        cli_json_ok(d);
    } else if (!cli->json) {
        printf("%zu notification%s delivered, %zu failed (kept pending).\n", ok,
               ok == 1 ? "" : "s", bad);
    }
    return rc == ESIMLPA_OK ? EXIT_OK : cli_fail(cli, rc);
}

const struct cli_command cli_rsp_commands[] = {
    { "profile", "download",
      "-a 'LPA:1$...' | --smdp ADDR [--matching-id ID] [--confirmation-code-file F|\n"
      "                                --confirmation-code -|CC] [--imei IMEI] [--no-recover]\n"
      "                               [--progress]",
      "Download and install a profile from an SM-DP+.",
      "Without -a and --smdp the eUICC's default SM-DP+ address is used.\n"
      "The profile's name, provider, ICCID and class are shown and the install\n"
      "must be confirmed on the terminal (or with --yes). The install notification\n"
      "is sent to the SM-DP+ afterwards; if that fails it stays pending.\n"
      "With --json --progress a line {\"progress\":{\"step\",\"done\",\"total\"}} comes\n"
      "on standard output for each step before the result.\n"
      "\n"
      "A confirmation code the SM-DP+ asks for is read from --confirmation-code-file F\n"
      "(first line), from standard input with --confirmation-code -, or else asked\n"
      "for on the terminal without echo. On the command line it is visible to other\n"
      "users (ps, /proc) and a warning says so.\n"
      "\n"
      "Before downloading, the pending notifications for the same SM-DP+ are\n"
      "delivered (an error result is what releases an order stuck by an earlier\n"
      "failure), and a session left open by an interrupted download is cancelled\n"
      "on the eUICC and the SM-DP+; each says so in one line. --no-recover skips\n"
      "both.\n"
      "\n"
      "Ctrl-C (SIGINT, SIGTERM, SIGHUP) cancels the download on the eUICC and the\n"
      "SM-DP+ (reason postponed), so the order is free again, and exits 130; a\n"
      "second Ctrl-C exits at once. Once the profile is installed it is too late\n"
      "to cancel: the download finishes.\n",
      profile_download },
    { "profile", "discovery", "[--smds ADDR] [--imei IMEI]",
      "Ask an SM-DS (default: the eUICC's root SM-DS) for profiles waiting for this eUICC.",
      NULL, profile_discovery },
    { "notification", "process", "[SEQ | --all]",
      "Send pending notifications to their servers; remove each one once accepted.",
      "Without arguments all pending notifications are sent. A notification that\n"
      "cannot be delivered stays pending.\n",
      notification_process },
    { NULL, NULL, NULL, NULL, NULL, NULL },
};
