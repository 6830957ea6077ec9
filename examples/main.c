/* SPDX-License-Identifier: MIT */
/* esimlpa: command-line front end of libesimlpa (global options, command
 * dispatch, session setup, confirmation prompts). */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char global_help[] =
    "Usage: esimlpa [OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Manage the eSIM profiles of an eUICC (GSMA SGP.22) through a PC/SC reader.\n"
    "\n"
    "Options (anywhere on the command line):\n"
    "  --reader NAME|INDEX  PC/SC reader to use (default: first reader with a card)\n"
    "  --modem DEV[:SPEED]  use the AT modem on serial device DEV instead of PC/SC\n"
    "                       (AT+CCHO/CGLA, or AT+CSIM), e.g. /dev/ttyUSB2:115200\n"
    "  --qmi DEV[:SLOT]     use the QMI modem on DEV (e.g. /dev/cdc-wdm0, slot 1 or 2)\n"
    "  --qmi-proxy          reach it through libqmi's qmi-proxy (ModemManager running)\n"
    "  --qmi-switch-slot MS make SLOT the active slot first, wait MS ms after a switch\n"
    "  --mbim DEV[:SLOT]    use the MBIM modem on DEV (e.g. /dev/cdc-wdm0; SLOT 1 or 2 is\n"
    "                       mapped first)\n"
    "  --mbim-proxy         reach it through libmbim's mbim-proxy (ModemManager running)\n"
    "  --mbim-settle MS     wait MS ms after a slot change (default 1000)\n"
    "  --json               print one JSON object: {\"ok\":true,\"data\":...} or\n"
    "                       {\"ok\":false,\"error\":{\"code\",\"name\",\"message\"}}\n"
    "  --trace              log every APDU to stderr\n"
    "  --mss N              STORE DATA block size, 1..255 (default 255)\n"
    "  --yes                do not ask for confirmation\n"
    "  --ca-file FILE       trust these root certificates (PEM) for SM-DP+/SM-DS TLS\n"
    "                       instead of the bundled GSMA RSP CIs the eUICC lists\n"
    "  --ca-path DIR        directory of hashed trusted root certificates, likewise\n"
    "  --test-ci            trust the bundled GSMA SGP.26 test CIs instead of the\n"
    "                       production ones (test eUICCs and test SM-DP+ servers)\n"
    "  --resolve H:P:ADDR   connect to ADDR for host H port P (repeatable, like curl)\n"
    "  --insecure           do not verify the server's TLS certificate (testing only)\n"
    "  --timeout SECONDS    per-request HTTP timeout (default 60)\n"
    "  --wait SECONDS       how long to wait while another program uses the card\n"
    "                       (default 30; 0: fail at once with exit status 2)\n"
    "  --apdu-timeout S     time the card may take for one APDU (default 30)\n"
    "  --isd-r-aid HEX      ISD-R AID of the eUICC (default: the standard AID, then\n"
    "                       the known removable-eUICC AIDs); also $ESIMLPA_ISD_R_AID\n"
    "  --help               show help (also after a command)\n"
    "  --version            show the program and library version\n"
    "\n"
    "Commands:\n";

static const char exit_help[] =
    "\n"
    "Exit status: 0 success, 1 usage error or declined, 2 card/reader/transport error,\n"
    "3 the eUICC refused the operation, 4 the SM-DP+/SM-DS refused (Failed/Expired).\n"
    "Run 'esimlpa COMMAND --help' for the options of one command.\n";

static const struct cli_command *const groups[] = {
    cli_chip_commands, cli_profile_commands, cli_notification_commands, cli_reader_commands,
    cli_rsp_commands, cli_renew_commands,
};
#define N_GROUPS (sizeof groups / sizeof groups[0])

void cli_command_help(FILE *f, const struct cli_command *c)
{
    fprintf(f, "Usage: esimlpa %s %s%s%s\n\n%s\n", c->group, c->name, c->usage[0] ? " " : "",
            c->usage, c->summary);
    if (c->help)
        fprintf(f, "\n%s", c->help);
}

static void print_commands(FILE *f, const char *group)
{
    for (size_t g = 0; g < N_GROUPS; g++)
        for (const struct cli_command *c = groups[g]; c->group; c++) {
            if (group && strcmp(group, c->group) != 0)
                continue;
            char head[64];
            snprintf(head, sizeof head, "%s %s", c->group, c->name);
            fprintf(f, "  %-28s %s\n", head, c->summary);
        }
}

static void log_cb(void *user, enum esimlpa_log_level level, const char *msg)
{
    (void)user;
    char *safe = text_for_terminal(msg);   /* may quote a card's or server's words */
    if (level == ESIMLPA_LOG_TRACE)
        fprintf(stderr, "esimlpa: trace: %s\n", safe);
    else if (level <= ESIMLPA_LOG_WARN)
        fprintf(stderr, "esimlpa: %s: %s\n", level == ESIMLPA_LOG_ERROR ? "error" : "warning",
                safe);
    else
        fprintf(stderr, "esimlpa: debug: %s\n", safe);
    free(safe);
}

/* The APDU transport: the AT modem of --modem DEVICE[:SPEED], else PC/SC. */
static int transport_new(struct cli *cli)
{
    if (cli->qmi)
        return cli_qmi_transport_new(cli);
    if (cli->mbim)
        return cli_mbim_transport_new(cli);
    if (!cli->modem) {
        struct esimlpa_pcsc_options po = { .version = ESIMLPA_PCSC_OPTIONS_VERSION,
                                           .reader = cli->reader };
        return esimlpa_pcsc_transport_new(&po, &cli->tr);
    }
    char dev[256];
    unsigned long speed = 0;
    snprintf(dev, sizeof dev, "%s", cli->modem);
    char *colon = strrchr(dev, ':');
    if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
        speed = strtoul(colon + 1, NULL, 10);
        *colon = '\0';
    }
    struct esimlpa_at_options ao = { .version = ESIMLPA_AT_OPTIONS_VERSION, .device = dev,
                                     .baud = (unsigned)speed };
    return esimlpa_at_transport_new(&ao, &cli->tr);
}

int cli_open(struct cli *cli)
{
    int rc = transport_new(cli);
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    struct esimlpa_ctx_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    o.transport = cli->tr;
    o.store_data_mss = cli->mss;
    o.log = log_cb;
    o.log_level = cli->trace ? ESIMLPA_LOG_TRACE : ESIMLPA_LOG_WARN;
    o.trace_apdu = cli->trace;
    o.trace_http = cli->trace;
    if (cli->wait_s >= 0)
        o.lock_wait_ms = cli->wait_s > 0 ? cli->wait_s * 1000 : -1;
    o.apdu_timeout_ms = cli->apdu_timeout_s * 1000;
    if (cli->isd_r_aid_len) {
        o.isd_r_aid = cli->isd_r_aid;
        o.isd_r_aid_len = cli->isd_r_aid_len;
    }
    rc = esimlpa_ctx_new(&o, &cli->ctx);
    if (rc == ESIMLPA_OK)
        rc = esimlpa_ctx_open(cli->ctx);
    if (rc != ESIMLPA_OK) {
        /* The modem's own words (who holds the lock, what it answered) go on
         * the same line as the error. */
        if (cli->modem && !cli->qmi && esimlpa_at_transport_last_error(cli->tr)[0])
            cli->fail_extra = esimlpa_at_transport_last_error(cli->tr);
        if (cli->qmi && esimlpa_qmi_transport_last_error(cli->tr)[0])
            cli->fail_extra = esimlpa_qmi_transport_last_error(cli->tr);
        if (cli->mbim && esimlpa_mbim_transport_last_error(cli->tr)[0])
            cli->fail_extra = esimlpa_mbim_transport_last_error(cli->tr);
        int st = cli_fail(cli, rc);
        cli_close(cli);
        return st;
    }
    return EXIT_OK;
}

void cli_close(struct cli *cli)
{
    cli_wipe_confirmation_code(cli);
    esimlpa_ctx_free(cli->ctx);   /* closes the channel if open */
    cli->ctx = NULL;
    if (cli->qmi)
        esimlpa_qmi_transport_free(cli->tr);
    else if (cli->mbim)
        esimlpa_mbim_transport_free(cli->tr);
    else if (cli->modem)
        esimlpa_at_transport_free(cli->tr);
    else
        esimlpa_pcsc_transport_free(cli->tr);
    cli->tr = NULL;
}

int cli_confirm(struct cli *cli, const char *question)
{
    if (cli->yes)
        return EXIT_OK;
    if (!isatty(STDIN_FILENO))
        return cli_usage(cli, "confirmation needed but stdin is not a terminal; pass --yes");
    fprintf(stderr, "%s\nType 'yes' to continue: ", question);
    fflush(stderr);
    char line[32];
    if (!fgets(line, sizeof line, stdin) || strcmp(line, "yes\n") != 0) {
        fprintf(stderr, "esimlpa: %s: cancelled\n", cli->cmd);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* Parse --mss N strictly. */
static int parse_mss(const char *s, unsigned *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 255)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* An AID in hex: 5..16 bytes (ISO 7816-4 §8.2.1.2). */
static int parse_aid(const char *s, uint8_t *out, size_t *len)
{
    size_t n = strlen(s);
    if (n < 10 || n > 32 || n % 2 || strspn(s, "0123456789abcdefABCDEF") != n)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        char byte[3] = { s[2 * i], s[2 * i + 1], '\0' };
        out[i] = (uint8_t)strtoul(byte, NULL, 16);
    }
    *len = n / 2;
    return 0;
}

/* The value in a usage message: printable ASCII only, at most 40 characters. */
static const char *shown(const char *s, char *buf, size_t cap)
{
    size_t k = 0;
    for (; *s && k + 4 < cap && k < 40; s++)
        buf[k++] = (*s >= 0x20 && *s < 0x7F) ? *s : '?';
    if (*s)
        buf[k++] = '.', buf[k++] = '.', buf[k++] = '.';
    buf[k] = '\0';
    return buf;
}

static const struct cli_command *find_command(const char *group, const char *name)
{
    for (size_t g = 0; g < N_GROUPS; g++)
        for (const struct cli_command *c = groups[g]; c->group; c++)
            if (strcmp(c->group, group) == 0 && name && strcmp(c->name, name) == 0)
                return c;
    return NULL;
}

static int known_group(const char *group)
{
    for (size_t g = 0; g < N_GROUPS; g++)
        if (strcmp(groups[g]->group, group) == 0)
            return 1;
    return 0;
}

int main(int argc, char **argv)
{
    struct cli cli;
    memset(&cli, 0, sizeof cli);
    cli.wait_s = -1;
    int help = 0, aid_from_cli = 0;
    /* Global options may appear anywhere; the rest is the command line. */
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    int nrest = 0;
    if (!rest)
        return EXIT_CARD;
    int rc = EXIT_OK;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            while (++i < argc)
                rest[nrest++] = argv[i];
            break;
        } else if (cli_qmi_option(&cli, argc, argv, &i, &rc) ||
                   cli_mbim_option(&cli, argc, argv, &i, &rc)) {
            if (rc != EXIT_OK)
                goto out;
        } else if (strcmp(a, "--json") == 0) {
            cli.json = 1;
        } else if (strcmp(a, "--trace") == 0) {
            cli.trace = 1;
        } else if (strcmp(a, "--yes") == 0 || strcmp(a, "-y") == 0) {
            cli.yes = 1;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help = 1;
        } else if (strcmp(a, "--version") == 0) {
            printf("esimlpa (libesimlpa) %s\n", esimlpa_version());
            goto out;
        } else if (strcmp(a, "--reader") == 0 || strcmp(a, "--mss") == 0 ||
                   strcmp(a, "--modem") == 0) {
            if (i + 1 >= argc) {
                rc = cli_usage(&cli, "option %s needs a value", a);
                goto out;
            }
            const char *v = argv[++i];
            if (a[2] == 'r') {
                cli.reader = v;
            } else if (strcmp(a, "--modem") == 0) {
                cli.modem = v;
            } else if (parse_mss(v, &cli.mss) != 0) {
                rc = cli_usage(&cli, "--mss wants a number from 1 to 255, not '%s'", v);
                goto out;
            }
        } else if (strcmp(a, "--insecure") == 0) {
            cli.insecure = 1;
        } else if (strcmp(a, "--test-ci") == 0) {
            cli.test_ci = 1;
        } else if (strcmp(a, "--ca-file") == 0 || strcmp(a, "--ca-path") == 0 ||
                   strcmp(a, "--resolve") == 0 || strcmp(a, "--timeout") == 0) {
            if (i + 1 >= argc) {
                rc = cli_usage(&cli, "option %s needs a value", a);
                goto out;
            }
            const char *v = argv[++i];
            if (strcmp(a, "--ca-file") == 0) {
                cli.ca_file = v;
            } else if (strcmp(a, "--ca-path") == 0) {
                cli.ca_path = v;
            } else if (strcmp(a, "--resolve") == 0) {
                if (cli.n_resolve >= CLI_MAX_RESOLVE || !strchr(v, ':')) {
                    rc = cli_usage(&cli, "--resolve wants HOST:PORT:ADDRESS (at most %d)",
                                   CLI_MAX_RESOLVE);
                    goto out;
                }
                cli.resolve[cli.n_resolve++] = v;
            } else {
                char *end;
                errno = 0;
                long t = strtol(v, &end, 10);
                if (errno || end == v || *end || t < 1 || t > 3600) {
                    rc = cli_usage(&cli, "--timeout wants seconds from 1 to 3600, not '%s'", v);
                    goto out;
                }
                cli.timeout_s = t;
            }
        } else if (strcmp(a, "--wait") == 0 || strcmp(a, "--apdu-timeout") == 0) {
            /* Seconds: --wait 0..3600 (0: do not wait), --apdu-timeout 1..3600. */
            long lo = a[2] == 'w' ? 0 : 1;
            char *end;
            errno = 0;
            long s = i + 1 < argc ? strtol(argv[i + 1], &end, 10) : -1;
            if (i + 1 >= argc || errno || end == argv[i + 1] || *end || s < lo || s > 3600) {
                rc = cli_usage(&cli, "%s wants seconds from %ld to 3600%s%s%s", a, lo,
                               i + 1 < argc ? ", not '" : "", i + 1 < argc ? argv[i + 1] : "",
                               i + 1 < argc ? "'" : "");
                goto out;
            }
            i++;
            if (a[2] == 'w')
                cli.wait_s = s;
            else
                cli.apdu_timeout_s = s;
        } else if (strcmp(a, "--isd-r-aid") == 0 || strncmp(a, "--isd-r-aid=", 12) == 0) {
            const char *v = a[11] == '=' ? a + 12 : (i + 1 < argc ? argv[++i] : NULL);
            char b[48];
            if (!v) {
                rc = cli_usage(&cli, "option --isd-r-aid needs a value");
                goto out;
            }
            if (parse_aid(v, cli.isd_r_aid, &cli.isd_r_aid_len) != 0) {
                rc = cli_usage(&cli, "--isd-r-aid wants an AID of 5 to 16 bytes in hex, not '%s'",
                               shown(v, b, sizeof b));
                goto out;
            }
            aid_from_cli = 1;
        } else if (strncmp(a, "--reader=", 9) == 0) {
            cli.reader = a + 9;
        } else if (strncmp(a, "--modem=", 8) == 0) {
            cli.modem = a + 8;
        } else if (strncmp(a, "--mss=", 6) == 0) {
            if (parse_mss(a + 6, &cli.mss) != 0) {
                rc = cli_usage(&cli, "--mss wants a number from 1 to 255, not '%s'", a + 6);
                goto out;
            }
        } else {
            rest[nrest++] = argv[i];
        }
    }

    /* $ESIMLPA_READER when --reader is not given (the option wins): a script
     * or test harness pins the one reader it may touch. */
    const char *env_reader = getenv("ESIMLPA_READER");
    if (!cli.reader && !cli.modem && !cli.qmi && !cli.mbim && env_reader && env_reader[0])
        cli.reader = env_reader;

    /* $ESIMLPA_ISD_R_AID when --isd-r-aid is not given (the option wins). */
    const char *env_aid = getenv("ESIMLPA_ISD_R_AID");
    if (!aid_from_cli && env_aid && env_aid[0]) {
        char b[48];
        if (parse_aid(env_aid, cli.isd_r_aid, &cli.isd_r_aid_len) != 0) {
            rc = cli_usage(&cli, "ESIMLPA_ISD_R_AID wants an AID of 5 to 16 bytes in hex, not '%s'",
                           shown(env_aid, b, sizeof b));
            goto out;
        }
    }

    if (cli.mbim && (cli.qmi || cli.modem || cli.reader)) {
        rc = cli_usage(&cli, "--mbim cannot be combined with --qmi, --modem or --reader");
        goto out;
    }
    if (cli.qmi && (cli.modem || cli.reader)) {
        rc = cli_usage(&cli, "--qmi cannot be combined with --modem or --reader");
        goto out;
    }
    if (cli.test_ci && (cli.ca_file || cli.ca_path)) {
        rc = cli_usage(&cli, "--test-ci and --ca-file/--ca-path exclude each other");
        goto out;
    }
    if (nrest == 0) {
        if (!help) {
            rc = cli_usage(&cli, "no command given");
            goto out;
        }
        fputs(global_help, stdout);
        print_commands(stdout, NULL);
        fputs(exit_help, stdout);
        goto out;
    }
    if (!known_group(rest[0])) {
        rc = cli_usage(&cli, "unknown command '%s'", rest[0]);
        goto out;
    }
    const struct cli_command *c = find_command(rest[0], nrest > 1 ? rest[1] : NULL);
    if (!c) {
        if (help || nrest == 1) {
            FILE *f = help ? stdout : stderr;
            fprintf(f, "Usage: esimlpa %s SUBCOMMAND [ARGS]\n\nSubcommands:\n", rest[0]);
            print_commands(f, rest[0]);
            rc = help ? EXIT_OK : EXIT_USAGE;
        } else {
            rc = cli_usage(&cli, "unknown command '%s %s'", rest[0], rest[1]);
        }
        goto out;
    }
    if (help) {
        cli_command_help(stdout, c);
        goto out;
    }
    char cmdname[64];
    snprintf(cmdname, sizeof cmdname, "%s %s", c->group, c->name);
    cli.cmd = cmdname;
    rc = c->run(&cli, nrest - 2, rest + 2);
    cli_close(&cli);
out:
    free(rest);
    return rc;
}
