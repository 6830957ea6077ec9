/* SPDX-License-Identifier: MIT */
/* esimlpa reader list: the PC/SC readers, with the index --reader accepts. */
#include "cli.h"

static int reader_list(struct cli *cli, int argc, char **argv)
{
    if (argc > 0)
        return cli_usage(cli, "unexpected argument '%s'", argv[0]);
    char **names = NULL;
    int rc = esimlpa_pcsc_readers_list(&names);
    if (rc == ESIMLPA_ENOREADER) {
        names = NULL;
    } else if (rc != ESIMLPA_OK) {
        return cli_fail(cli, rc);
    }
    if (cli->json) {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; names && names[i]; i++) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "index", (double)i);
            json_add_str(o, "name", names[i]);
            cJSON_AddItemToArray(a, o);
        }
        cli_json_ok(a);
    } else if (!names || !names[0]) {
        printf("No PC/SC readers.\n");
    } else {
        static const char *hdr[] = { "INDEX", "READER" };
        struct table t;
        table_init(&t, 2, hdr);
        for (size_t i = 0; names[i]; i++) {
            char idx[24];
            snprintf(idx, sizeof idx, "%zu", i);
            const char *row[] = { idx, names[i] };
            table_add(&t, row);
        }
        table_print(stdout, &t);
        table_free(&t);
    }
    esimlpa_pcsc_readers_free(names);
    return EXIT_OK;
}

const struct cli_command cli_reader_commands[] = {
    { "reader", "list", "", "List the PC/SC readers (the index works with --reader).", NULL,
      reader_list },
    { NULL, NULL, NULL, NULL, NULL, NULL },
};
