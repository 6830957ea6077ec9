/* SPDX-License-Identifier: MIT */
/* esimlpa-lpac: lpac's command line and JSON lines over libesimlpa, so that
 * front ends written for lpac run unchanged (with verified TLS, the card
 * lock and cancellation of libesimlpa). See README.md, "esimlpa-lpac". */
#include "lpac.h"
#include "jline.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc < 2)
        return lpac_usage("esimlpa-lpac wants one of chip, profile, notification, driver, version");
    const char *cmd = argv[1];
    if (strcmp(cmd, "chip") == 0)
        return lpac_cmd_chip(argc - 1, argv + 1);
    if (strcmp(cmd, "profile") == 0)
        return lpac_cmd_profile(argc - 1, argv + 1);
    if (strcmp(cmd, "notification") == 0)
        return lpac_cmd_notification(argc - 1, argv + 1);
    if (strcmp(cmd, "driver") == 0)
        return lpac_cmd_driver(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0) {
        if (argc != 2)
            return lpac_usage("version takes no arguments");
        jl_success(cJSON_CreateString(esimlpa_version()));
        return LPAC_EXIT_OK;
    }
    return lpac_usage("unknown command '%.40s' (chip, profile, notification, driver, version)", cmd);
}
