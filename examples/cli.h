/* SPDX-License-Identifier: MIT */
/* The esimlpa command-line program: shared state and helpers. The program
 * uses only the public libesimlpa API; all protocol logic is in the library. */
#ifndef ESIMLPA_CLI_H
#define ESIMLPA_CLI_H

#include <stdio.h>

#include <cjson/cJSON.h>
#include <esimlpa/esimlpa.h>

/* Exit statuses. */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,     /* bad command line, or the user declined */
    EXIT_CARD = 2,      /* card, reader or transport failure */
    EXIT_REFUSED = 3,   /* the eUICC refused the operation (ES10 result code) */
    EXIT_SERVER = 4,    /* the SM-DP+/SM-DS refused (ES9+ Failed/Expired) */
    EXIT_CANCELLED = 130, /* stopped by SIGINT/SIGTERM/SIGHUP (128 + SIGINT, as shells do) */
    EXIT_ROLLED_BACK = 5, /* profile renew: the new profile failed its check, the old one is back */
};

#define CLI_MAX_RESOLVE 16

struct cli {
    const char *reader;     /* --reader NAME|INDEX */
    const char *modem;      /* --modem DEVICE[:SPEED]: AT modem instead of PC/SC */
    const char *qmi;        /* --qmi DEVICE[:SLOT]: QMI modem instead of PC/SC */
    int qmi_proxy;          /* --qmi-proxy: through libqmi's qmi-proxy */
    long qmi_switch_ms;     /* --qmi-switch-slot MS: 0 = no switch, else MS + 1 */
    const char *mbim;       /* --mbim DEVICE[:SLOT]: MBIM modem instead of PC/SC */
    int mbim_proxy;         /* --mbim-proxy: through libmbim's mbim-proxy */
    long mbim_settle_ms;    /* --mbim-settle MS: 0 = default, else MS + 1 */
    const char *fail_extra; /* appended to the next cli_fail line (the modem's words) */
    char cc_buf[129];       /* the confirmation code from a file, stdin or the prompt */
    int cc_prompt;          /* no code given: ask on the terminal when the SM-DP+ wants one */
    int json;               /* --json */
    int json_progress;      /* profile download --json --progress: progress lines first */
    int trace;              /* --trace */
    unsigned mss;           /* --mss N, 0 = library default */
    int yes;                /* --yes */
    const char *cmd;        /* "profile enable", for messages */
    /* HTTPS (download, discovery, notification process) */
    const char *ca_file;    /* --ca-file FILE */
    const char *ca_path;    /* --ca-path DIR */
    const char *resolve[CLI_MAX_RESOLVE + 1]; /* --resolve HOST:PORT:ADDR, NULL-terminated */
    int n_resolve;
    int insecure;           /* --insecure */
    int test_ci;            /* --test-ci: bundled SGP.26 test CIs instead of production */
    long timeout_s;         /* --timeout SECONDS, 0 = library default */
    long wait_s;            /* --wait S: wait for another program holding the card; -1 = default */
    long apdu_timeout_s;    /* --apdu-timeout S, 0 = library default */
    uint8_t isd_r_aid[16];  /* --isd-r-aid HEX or $ESIMLPA_ISD_R_AID */
    size_t isd_r_aid_len;   /* 0: the library probes the known AIDs */

    struct esimlpa_apdu_transport *tr;
    esimlpa_ctx *ctx;
};

/* One command: "group name". */
struct cli_command {
    const char *group;
    const char *name;
    const char *usage;      /* arguments, e.g. "ID [--refresh]" */
    const char *summary;
    const char *help;       /* longer description, may be NULL */
    int (*run)(struct cli *cli, int argc, char **argv);
};

extern const struct cli_command cli_chip_commands[];
extern const struct cli_command cli_profile_commands[];
extern const struct cli_command cli_notification_commands[];
extern const struct cli_command cli_reader_commands[];
extern const struct cli_command cli_rsp_commands[];   /* profile download/discovery, notification process */
extern const struct cli_command cli_renew_commands[]; /* profile renew */

/* Open the PC/SC transport and the library context (ISD-R selected).
 * On failure the error is reported and an exit status returned. */
int cli_open(struct cli *cli);
void cli_close(struct cli *cli);

/* Report a library failure (stderr line, and the JSON error object with
 * --json) and return the matching exit status. */
int cli_fail(struct cli *cli, int code);
/* cli_qmi.c: a global QMI option at argv[*i] (1, *i advanced past its value;
 * *rc non-zero on a usage error) or not one (0); the QMI transport. */
int cli_qmi_option(struct cli *cli, int argc, char **argv, int *i, int *rc);
int cli_qmi_transport_new(struct cli *cli);
/* The QMI transport's detail for a transport-class error @code, or NULL. */
const char *cli_qmi_detail(const struct cli *cli, int code);
/* cli_mbim.c: the same for --mbim DEVICE[:SLOT], --mbim-proxy, --mbim-settle MS. */
int cli_mbim_option(struct cli *cli, int argc, char **argv, int *i, int *rc);
int cli_mbim_transport_new(struct cli *cli);
const char *cli_mbim_detail(const struct cli *cli, int code);
/* Report a command-line problem and return EXIT_USAGE. */
int cli_usage(struct cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print {"ok":true,"data":data} (takes ownership of data; NULL -> null). */
void cli_json_ok(cJSON *data);
/* One JSON line on stdout, flushed at once (progress before the result). */
void cli_json_line(cJSON *root);
/* Exit status for a library error code. */
int cli_exit_status(int code);

/* Ask the user to type "yes" on the terminal, unless --yes was given.
 * Returns EXIT_OK to go ahead, or EXIT_USAGE (refused / no terminal). */
int cli_confirm(struct cli *cli, const char *question);

/* Shared by the commands that talk to servers (cmd_rsp.c). */
struct esimlpa_http_transport;
/* The HTTPS transport from the global options (--ca-file, --resolve, ...). */
int cli_http_new(struct cli *cli, struct esimlpa_http_transport **out);
/* Progress callback: a bar while loading the BPP, on a terminal only. */
void cli_download_progress(void *user, enum esimlpa_download_step step, size_t done,
                           size_t total);
/* "question [y/N]" on the terminal: 1 yes, 0 no / no terminal (--yes: 1). */
int cli_ask_yn(struct cli *cli, const char *question);
/* Where a profile comes from: -a, --smdp, --matching-id, --confirmation-code, --imei. */
struct cli_download_args {
    const char *activation_code, *smdp, *matching_id, *confirmation_code, *imei;
    const char *confirmation_code_file;
};
/* The slot for option @opt's value, or NULL when @opt is not a download option. */
const char **cli_download_arg(struct cli_download_args *a, const char *opt);
/* EXIT_OK, or a usage error for contradictory options. */
int cli_download_args_check(struct cli *cli, const struct cli_download_args *a);
void cli_download_options(const struct cli_download_args *a, struct esimlpa_http_transport *http,
                          struct esimlpa_download_options *o);

/* "[SEQ] [--all]" of the notification commands: *seq is the number or -1,
 * *all says --all was given. Usage error for both, a bad number or option. */
int cli_seq_args(struct cli *cli, int argc, char **argv, long *seq, int *all);

/* Signals during a cancellable flow (signals.c): from begin to end, SIGINT,
 * SIGTERM and SIGHUP cancel the flow on cli->ctx (print "cancelling…"); a
 * second one exits 130 at once. cli_signalled(): a signal came. */
void cli_signals_begin(struct cli *cli);
void cli_signals_end(void);
int cli_signalled(void);
/* The one line for a flow stopped by a cancel (exit 130; JSON error with --json). */
int cli_cancelled(struct cli *cli, const char *what);

/* Print the help of one command. */
void cli_command_help(FILE *f, const struct cli_command *c);

/* ---------- output helpers (output.c) ---------- */

/* A table printed with aligned columns. */
struct table {
    size_t ncols, nrows, cap;
    const char **headers;
    char **cells;           /* nrows * ncols, malloc'd strings */
};
void table_init(struct table *t, size_t ncols, const char **headers);
/* Add a row of ncols strings (copied; NULL prints as "-"). */
void table_add(struct table *t, const char **cells);
void table_print(FILE *f, const struct table *t);
void table_free(struct table *t);

/* Print "label   value" lines aligned on the label column. */
void kv_print(FILE *f, const char *label, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Untrusted text escaped for a terminal (esimlpa_text_escape); free() it. */
char *text_for_terminal(const char *s);

/* Hex of bytes into a malloc'd string (uppercase). */
char *hex_string(const uint8_t *p, size_t n);
/* "2.3.0" */
void version_string(const struct esimlpa_version3 *v, char out[16]);
/* cJSON helpers that accept NULL strings (added as JSON null). */
void json_add_str(cJSON *o, const char *key, const char *value);
void json_add_hex(cJSON *o, const char *key, const uint8_t *p, size_t n);

/* $XDG_STATE_HOME/esimlpa (else ~/.local/state/esimlpa), created; NULL if unusable. */
const char *cli_state_dir(char *buf, size_t cap);
/* The download options' recovered callback: one line per recovery action. */
void cli_recovered(void *user, enum esimlpa_recovery_kind kind, size_t count,
                   const char *address, const char *detail);

/* Confirmation code: from --confirmation-code-file, "-" (stdin) or argv (warned
 * about); none: asked on the terminal by cli_confirmation_code_ask when needed. */
int cli_confirmation_code_setup(struct cli *cli, struct cli_download_args *a);
void cli_confirmation_code_ask(struct cli *cli, int cc_required);
void cli_wipe_confirmation_code(struct cli *cli);

/* DEVICE[:SLOT] of --qmi / --mbim: a numeric suffix is the slot, 1 or 2. */
int cli_device_slot_ok(const char *v);
/* Copy the device part of @v to @dev; the slot (0: none given). */
unsigned cli_device_slot_split(const char *v, char *dev, size_t cap);
/* Milliseconds 0..60000 (--qmi-switch-slot, --mbim-settle); 0 or -1. */
int cli_parse_ms(const char *v, long *ms);

#endif
