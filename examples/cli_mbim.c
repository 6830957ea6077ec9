/* SPDX-License-Identifier: MIT */
/* The CLI's MBIM options: --mbim DEVICE[:SLOT], --mbim-proxy, --mbim-settle MS,
 * and the MBIM transport they describe. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "cli.h"

/* Pause after a slot mapping change when --mbim-settle is not given: field
 * modems need about a second before the card behind the new slot answers. */
#define DEFAULT_SETTLE_MS 1000

int cli_mbim_option(struct cli *cli, int argc, char **argv, int *i, int *rc)
{
    const char *a = argv[*i];
    *rc = EXIT_OK;
    if (strcmp(a, "--mbim-proxy") == 0) {
        cli->mbim_proxy = 1;
        return 1;
    }
    const char *v = NULL;
    if (strncmp(a, "--mbim=", 7) == 0) {
        v = a + 7;
        goto device;
    }
    if (strcmp(a, "--mbim") != 0 && strcmp(a, "--mbim-settle") != 0)
        return 0;
    if (*i + 1 >= argc) {
        *rc = cli_usage(cli, "option %s needs a value", a);
        return 1;
    }
    v = argv[++*i];
    if (strcmp(a, "--mbim") == 0)
        goto device;
    long ms;
    if (cli_parse_ms(v, &ms) != 0) {
        *rc = cli_usage(cli, "--mbim-settle wants milliseconds from 0 to 60000, not '%s'", v);
        return 1;
    }
    cli->mbim_settle_ms = ms + 1;   /* 0 stays "default" */
    return 1;
device:
    if (!cli_device_slot_ok(v)) {
        *rc = cli_usage(cli, "--mbim wants DEVICE[:SLOT] with slot 1 or 2, not '%s'", v);
        return 1;
    }
    cli->mbim = v;
    return 1;
}

int cli_mbim_transport_new(struct cli *cli)
{
    char dev[256];
    unsigned slot = cli_device_slot_split(cli->mbim, dev, sizeof dev);
    struct esimlpa_mbim_options mo = {
        .version = ESIMLPA_MBIM_OPTIONS_VERSION,
        .device = dev,
        .slot = slot,
        .use_proxy = cli->mbim_proxy,
        .timeout_ms = cli->apdu_timeout_s > 0 ? (unsigned)(cli->apdu_timeout_s * 1000) : 0,
        .settle_ms = cli->mbim_settle_ms > 0 ? (unsigned)(cli->mbim_settle_ms - 1)
                                             : DEFAULT_SETTLE_MS,
    };
    return esimlpa_mbim_transport_new(&mo, &cli->tr);
}

const char *cli_mbim_detail(const struct cli *cli, int code)
{
    if (!cli->tr || code > ESIMLPA_ETRANSPORT || code <= -200)
        return NULL;
    return esimlpa_mbim_transport_last_error(cli->tr);
}
