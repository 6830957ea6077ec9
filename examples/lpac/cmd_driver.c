/* SPDX-License-Identifier: MIT */
/* lpac driver list | driver apdu list: "driver" lines naming the backends and
 * the devices of the selected APDU backend with the variable that picks one. */
#include "lpac.h"
#include "env.h"
#include "jline.h"

#include <glob.h>
#include <stdio.h>
#include <string.h>

static void add_string_array(cJSON *obj, const char *key, const char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    cJSON_AddItemToObject(obj, key, a);
}

static int list_backends(void)
{
    static const char *const apdu[] = { "pcsc", "at", "at_csim", "qmi" };
    static const char *const http[] = { "curl" };
    cJSON *p = cJSON_CreateObject();
    add_string_array(p, "LPAC_APDU", apdu, sizeof apdu / sizeof apdu[0]);
    add_string_array(p, "LPAC_HTTP", http, sizeof http / sizeof http[0]);
    jl_driver(p);
    return LPAC_EXIT_OK;
}

static int list_pcsc(void)
{
    char **names = NULL;
    int rc = esimlpa_pcsc_readers_list(&names);
    if (rc != ESIMLPA_OK)
        return lpac_fail(NULL, "driver_apdu_list", rc);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "env", "LPAC_APDU_PCSC_DRV_IFID");
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; names[i]; i++) {
        cJSON *o = cJSON_CreateObject();
        char idx[24];
        snprintf(idx, sizeof idx, "%zu", i);
        cJSON_AddStringToObject(o, "env", idx);
        jl_add_text(o, "name", names[i]);
        cJSON_AddItemToArray(a, o);
    }
    esimlpa_pcsc_readers_free(names);
    cJSON_AddItemToObject(p, "data", a);
    jl_driver(p);
    return LPAC_EXIT_OK;
}

/* Device nodes of a modem backend: serial ports for AT, cdc-wdm / wwan QMI nodes. */
static int list_nodes(const char *env, const char *const *patterns, size_t np)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "env", env);
    cJSON *a = cJSON_CreateArray();
    for (size_t k = 0; k < np; k++) {
        glob_t g;
        if (glob(patterns[k], 0, NULL, &g) != 0)
            continue;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            cJSON *o = cJSON_CreateObject();
            jl_add_text(o, "env", g.gl_pathv[i]);
            jl_add_text(o, "name", g.gl_pathv[i]);
            cJSON_AddItemToArray(a, o);
        }
        globfree(&g);
    }
    cJSON_AddItemToObject(p, "data", a);
    jl_driver(p);
    return LPAC_EXIT_OK;
}

int lpac_cmd_driver(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "list") == 0)
        return list_backends();
    if (argc != 3 || strcmp(argv[1], "apdu") != 0 || strcmp(argv[2], "list") != 0)
        return lpac_usage("driver wants 'list' or 'apdu list'");
    const char *apdu = env_str("LPAC_APDU");
    if (!apdu || strcmp(apdu, "pcsc") == 0)
        return list_pcsc();
    if (strcmp(apdu, "at") == 0 || strcmp(apdu, "at_csim") == 0) {
        static const char *const pat[] = { "/dev/ttyUSB*", "/dev/ttyACM*" };
        return list_nodes("LPAC_APDU_AT_DEVICE", pat, 2);
    }
    if (strcmp(apdu, "qmi") == 0) {
        static const char *const pat[] = { "/dev/cdc-wdm*", "/dev/wwan*qmi*" };
        return list_nodes("LPAC_APDU_QMI_DEVICE", pat, 2);
    }
    char buf[160];
    snprintf(buf, sizeof buf, "LPAC_APDU '%.40s' is not supported here (pcsc, at, at_csim, qmi)", apdu);
    jl_error("euicc_init", buf);
    return LPAC_EXIT_FAIL;
}
