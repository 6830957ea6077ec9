/* SPDX-License-Identifier: MIT */
/* The CLI's QMI options: --qmi DEVICE[:SLOT], --qmi-proxy, --qmi-switch-slot MS,
 * and the QMI transport they describe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "cli.h"

int cli_qmi_option(struct cli *cli, int argc, char **argv, int *i, int *rc)
{
    const char *a = argv[*i];
    *rc = EXIT_OK;
    if (strcmp(a, "--qmi-proxy") == 0) {
        cli->qmi_proxy = 1;
        return 1;
    }
    const char *v = NULL;
    if (strncmp(a, "--qmi=", 6) == 0) {
        v = a + 6;
        goto device;
    }
    if (strcmp(a, "--qmi") != 0 && strcmp(a, "--qmi-switch-slot") != 0)
        return 0;
    if (*i + 1 >= argc) {
        *rc = cli_usage(cli, "option %s needs a value", a);
        return 1;
    }
    v = argv[++*i];
    if (strcmp(a, "--qmi") == 0)
        goto device;
    long ms;
    if (cli_parse_ms(v, &ms) != 0) {
        *rc = cli_usage(cli, "--qmi-switch-slot wants milliseconds from 0 to 60000, not '%s'", v);
        return 1;
    }
    cli->qmi_switch_ms = ms + 1;   /* 0 stays "no switch" */
    return 1;
device:
    if (!cli_device_slot_ok(v)) {
        *rc = cli_usage(cli, "--qmi wants DEVICE[:SLOT] with slot 1 or 2, not '%s'", v);
        return 1;
    }
    cli->qmi = v;
    return 1;
}

int cli_qmi_transport_new(struct cli *cli)
{
    char dev[256];
    unsigned slot = cli_device_slot_split(cli->qmi, dev, sizeof dev);
    struct esimlpa_qmi_options qo = {
        .version = ESIMLPA_QMI_OPTIONS_VERSION,
        .device = dev,
        .slot = slot,
        .use_proxy = cli->qmi_proxy,
        .timeout_ms = cli->apdu_timeout_s > 0 ? (unsigned)(cli->apdu_timeout_s * 1000) : 0,
        .switch_slot = cli->qmi_switch_ms > 0,
        .switch_delay_ms = cli->qmi_switch_ms > 0 ? (unsigned)(cli->qmi_switch_ms - 1) : 0,
    };
    return esimlpa_qmi_transport_new(&qo, &cli->tr);
}

const char *cli_qmi_detail(const struct cli *cli, int code)
{
    /* Transport errors only (ESIMLPA_ETRANSPORT .. ESIMLPA_ENOSERVICE); the
     * transport keeps the detail of its last failed operation. */
    if (!cli->tr || code > ESIMLPA_ETRANSPORT || code <= -200)
        return NULL;
    return esimlpa_qmi_transport_last_error(cli->tr);
}
