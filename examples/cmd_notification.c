/* SPDX-License-Identifier: MIT */
/* esimlpa notification ...: list pending notifications, remove them. */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *event_name(unsigned ev)
{
    switch (ev) {
    case ESIMLPA_EVENT_INSTALL: return "install";
    case ESIMLPA_EVENT_ENABLE: return "enable";
    case ESIMLPA_EVENT_DISABLE: return "disable";
    case ESIMLPA_EVENT_DELETE: return "delete";
    default: return "other";
    }
}

static int notification_list(struct cli *cli, int argc, char **argv)
{
    if (argc > 0)
        return cli_usage(cli, "unexpected argument '%s'", argv[0]);
    int st = cli_open(cli);
    if (st != EXIT_OK)
        return st;
    struct esimlpa_notification_list *l = NULL;
    int rc = esimlpa_notifications_list(cli->ctx, 0, &l);
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    if (cli->json) {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < l->count; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "seqNumber", (double)l->items[i].seq_number);
            cJSON_AddStringToObject(o, "operation", event_name(l->items[i].event));
            json_add_str(o, "iccid", l->items[i].iccid[0] ? l->items[i].iccid : NULL);
            json_add_str(o, "address", l->items[i].address);
            cJSON_AddItemToArray(a, o);
        }
        cli_json_ok(a);
    } else if (l->count == 0) {
        printf("No pending notifications.\n");
    } else {
        static const char *hdr[] = { "SEQ", "OPERATION", "ICCID", "ADDRESS" };
        struct table t;
        table_init(&t, 4, hdr);
        for (size_t i = 0; i < l->count; i++) {
            char seq[24];
            snprintf(seq, sizeof seq, "%ld", l->items[i].seq_number);
            const char *row[] = { seq, event_name(l->items[i].event),
                                  l->items[i].iccid[0] ? l->items[i].iccid : NULL,
                                  l->items[i].address };
            table_add(&t, row);
        }
        table_print(stdout, &t);
        table_free(&t);
    }
    esimlpa_notification_list_free(l);
    return EXIT_OK;
}

int cli_seq_args(struct cli *cli, int argc, char **argv, long *seq, int *all)
{
    const char *seq_text = NULL;
    *seq = -1;
    *all = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            *all = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage(cli, "unknown option '%s'", argv[i]);
        else if (seq_text)
            return cli_usage(cli, "too many arguments");
        else
            seq_text = argv[i];
    }
    if (*all && seq_text)
        return cli_usage(cli, "give either a sequence number or --all");
    if (seq_text) {
        char *end;
        errno = 0;
        long v = strtol(seq_text, &end, 10);
        if (errno || end == seq_text || *end || v < 0)
            return cli_usage(cli, "'%s' is not a sequence number", seq_text);
        *seq = v;
    }
    return EXIT_OK;
}

static int notification_remove(struct cli *cli, int argc, char **argv)
{
    int all;
    long seq;
    int ust = cli_seq_args(cli, argc, argv, &seq, &all);
    if (ust != EXIT_OK)
        return ust;
    if (!all && seq < 0)
        return cli_usage(cli, "give either a sequence number or --all");
    int st = cli_open(cli);
    if (st != EXIT_OK)
        return st;

    long *seqs = &seq;
    size_t n = 1;
    struct esimlpa_notification_list *l = NULL;
    if (all) {
        int rc = esimlpa_notifications_list(cli->ctx, 0, &l);
        if (rc != ESIMLPA_OK)
            return cli_fail(cli, rc);
        n = l->count;
        seqs = calloc(n ? n : 1, sizeof *seqs);
        if (!seqs) {
            esimlpa_notification_list_free(l);
            return cli_fail(cli, ESIMLPA_ENOMEM);
        }
        for (size_t i = 0; i < n; i++)
            seqs[i] = l->items[i].seq_number;
        esimlpa_notification_list_free(l);
    }
    cJSON *removed = cJSON_CreateArray();
    int rc = ESIMLPA_OK;
    for (size_t i = 0; i < n && rc == ESIMLPA_OK; i++) {
        rc = esimlpa_notification_remove(cli->ctx, seqs[i]);
        if (rc == ESIMLPA_OK) {
            cJSON_AddItemToArray(removed, cJSON_CreateNumber((double)seqs[i]));
            if (!cli->json)
                printf("Notification %ld removed.\n", seqs[i]);
        }
    }
    if (seqs != &seq)
        free(seqs);
    if (rc != ESIMLPA_OK) {
        cJSON_Delete(removed);
        return cli_fail(cli, rc);
    }
    if (cli->json) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddItemToObject(d, "removed", removed);
        cli_json_ok(d);
    } else {
        if (n == 0)
            printf("No pending notifications.\n");
        cJSON_Delete(removed);
    }
    return EXIT_OK;
}

const struct cli_command cli_notification_commands[] = {
    { "notification", "list", "", "List the pending notifications.", NULL, notification_list },
    { "notification", "remove", "SEQ | --all", "Remove one or all pending notifications.",
      "Removing a notification without sending it means the SM-DP+ never learns\n"
      "about that install/enable/disable/delete.\n", notification_remove },
    { NULL, NULL, NULL, NULL, NULL, NULL },
};
