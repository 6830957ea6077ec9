/* SPDX-License-Identifier: MIT */
/* esimlpa chip ...: EID, EUICCInfo2 highlights, configured addresses,
 * SetDefaultDpAddress and eUICCMemoryReset. */
#include "cli.h"
#include "bit_names.h"

#include <stdlib.h>
#include <string.h>

static const char *category_name(int c)
{
    switch (c) {
    case 0: return "other";
    case 1: return "basic";
    case 2: return "medium";
    case 3: return "contactless";
    default: return NULL;
    }
}

static cJSON *pkid_array(const struct esimlpa_pkid *p, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        char *h = hex_string(p[i].bytes, p[i].len);
        cJSON_AddItemToArray(a, cJSON_CreateString(h));
        free(h);
    }
    return a;
}

static void print_pkids(const char *label, const struct esimlpa_pkid *p, size_t n)
{
    if (n == 0)
        kv_print(stdout, label, "(none)");
    for (size_t i = 0; i < n; i++) {
        char *h = hex_string(p[i].bytes, p[i].len);
        kv_print(stdout, i == 0 ? label : "", "%s", h);
        free(h);
    }
}

static void print_resource(const char *label, long v, const char *unit)
{
    if (v < 0)
        kv_print(stdout, label, "(not reported)");
    else
        kv_print(stdout, label, "%ld%s", v, unit);
}

static int no_args(struct cli *cli, int argc, char **argv)
{
    if (argc > 0)
        return cli_usage(cli, "unexpected argument '%s'", argv[0]);
    return EXIT_OK;
}

static int chip_info(struct cli *cli, int argc, char **argv)
{
    int st = no_args(cli, argc, argv);
    if (st != EXIT_OK || (st = cli_open(cli)) != EXIT_OK)
        return st;
    char eid[ESIMLPA_EID_LEN + 1];
    struct esimlpa_euicc_info2 *i2 = NULL;
    struct esimlpa_configured_addresses *a = NULL;
    int rc = esimlpa_eid_get(cli->ctx, eid);
    if (rc == ESIMLPA_OK)
        rc = esimlpa_euicc_info2_get(cli->ctx, &i2);
    if (rc == ESIMLPA_OK)
        rc = esimlpa_configured_addresses_get(cli->ctx, &a);
    if (rc != ESIMLPA_OK) {
        esimlpa_euicc_info2_free(i2);
        return cli_fail(cli, rc);
    }
    /* The ISD-R AID the library selected (given, or found by probing). */
    uint8_t aid[ESIMLPA_AID_MAX];
    size_t aid_len = 0;
    char *aid_hex = NULL;
    const char *aid_name = NULL;
    if (esimlpa_ctx_isd_r_aid(cli->ctx, aid, &aid_len) == ESIMLPA_OK) {
        aid_hex = hex_string(aid, aid_len);
        aid_name = esimlpa_isd_r_aid_name(aid, aid_len);
    }
    char svn[16], fw[16], pv[16], ppv[16];
    version_string(&i2->svn, svn);
    version_string(&i2->firmware_version, fw);
    version_string(&i2->profile_version, pv);
    version_string(&i2->pp_version, ppv);
    if (cli->json) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "eid", eid);
        json_add_str(d, "defaultDpAddress", a->default_dp_address);
        json_add_str(d, "rootDsAddress", a->root_ds_address);
        json_add_str(d, "isdRAid", aid_hex);
        json_add_str(d, "isdRAidName", aid_name);
        cJSON *j = cJSON_AddObjectToObject(d, "euiccInfo2");
        cJSON_AddStringToObject(j, "svn", svn);
        cJSON_AddStringToObject(j, "firmwareVersion", fw);
        cJSON_AddStringToObject(j, "profileVersion", pv);
        cJSON_AddStringToObject(j, "ppVersion", ppv);
        if (i2->free_nvram >= 0)
            cJSON_AddNumberToObject(j, "freeNvram", (double)i2->free_nvram);
        else
            cJSON_AddNullToObject(j, "freeNvram");
        if (i2->free_ram >= 0)
            cJSON_AddNumberToObject(j, "freeRam", (double)i2->free_ram);
        else
            cJSON_AddNullToObject(j, "freeRam");
        if (i2->installed_apps >= 0)
            cJSON_AddNumberToObject(j, "installedApps", (double)i2->installed_apps);
        else
            cJSON_AddNullToObject(j, "installedApps");
        json_add_str(j, "euiccCategory", category_name(i2->euicc_category));
        cJSON_AddNumberToObject(j, "uiccCapability", i2->uicc_capability);
        cJSON_AddNumberToObject(j, "rspCapability", i2->rsp_capability);
        cJSON_AddNumberToObject(j, "forbiddenPpr", i2->forbidden_ppr);
        cJSON_AddItemToObject(j, "uiccCapabilityNames",
                              bit_names_json(BIT_NAMES_UICC_CAPABILITY, i2->uicc_capability));
        cJSON_AddItemToObject(j, "rspCapabilityNames",
                              bit_names_json(BIT_NAMES_RSP_CAPABILITY, i2->rsp_capability));
        cJSON_AddItemToObject(j, "forbiddenPprNames", bit_names_json(BIT_NAMES_PPR, i2->forbidden_ppr));
        json_add_str(j, "sasAccreditationNumber", i2->sas_accreditation_number);
        cJSON_AddItemToObject(j, "ciPkidVerification",
                              pkid_array(i2->ci_pkid_verification, i2->n_ci_pkid_verification));
        cJSON_AddItemToObject(j, "ciPkidSigning",
                              pkid_array(i2->ci_pkid_signing, i2->n_ci_pkid_signing));
        cli_json_ok(d);
    } else {
        kv_print(stdout, "EID", "%s", eid);
        if (aid_hex)
            kv_print(stdout, "ISD-R AID", "%s%s%s%s", aid_hex, aid_name ? " (" : "",
                     aid_name ? aid_name : "", aid_name ? ")" : "");
        kv_print(stdout, "SGP.22 version", "%s", svn);
        kv_print(stdout, "Firmware version", "%s", fw);
        kv_print(stdout, "Profile package", "%s (ppVersion %s)", pv, ppv);
        print_resource("Free NVM", i2->free_nvram, " bytes");
        print_resource("Free RAM", i2->free_ram, " bytes");
        print_resource("Installed apps", i2->installed_apps, "");
        if (category_name(i2->euicc_category))
            kv_print(stdout, "Category", "%s", category_name(i2->euicc_category));
        kv_print(stdout, "SAS accreditation", "%s",
                 i2->sas_accreditation_number[0] ? i2->sas_accreditation_number : "(none)");
        print_pkids("CI PKIDs (verify)", i2->ci_pkid_verification, i2->n_ci_pkid_verification);
        print_pkids("CI PKIDs (sign)", i2->ci_pkid_signing, i2->n_ci_pkid_signing);
        kv_print(stdout, "Default SM-DP+", "%s",
                 a->default_dp_address ? a->default_dp_address : "(not set)");
        kv_print(stdout, "Root SM-DS", "%s", a->root_ds_address ? a->root_ds_address : "(not set)");
    }
    free(aid_hex);
    esimlpa_euicc_info2_free(i2);
    esimlpa_configured_addresses_free(a);
    return EXIT_OK;
}

static int chip_set_default_dp(struct cli *cli, int argc, char **argv)
{
    if (argc != 1)
        return cli_usage(cli, argc ? "too many arguments" : "missing ADDRESS");
    if (argv[0][0] == '-' && argv[0][1])
        return cli_usage(cli, "unknown option '%s'", argv[0]);
    int st = cli_open(cli);
    if (st != EXIT_OK)
        return st;
    int rc = esimlpa_default_dp_address_set(cli->ctx, argv[0]);
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    if (cli->json) {
        cJSON *d = cJSON_CreateObject();
        json_add_str(d, "defaultDpAddress", argv[0][0] ? argv[0] : NULL);
        cli_json_ok(d);
    } else if (argv[0][0]) {
        printf("Default SM-DP+ address set to %s.\n", argv[0]);
    } else {
        printf("Default SM-DP+ address cleared.\n");
    }
    return EXIT_OK;
}

static int chip_reset(struct cli *cli, int argc, char **argv)
{
    int st = no_args(cli, argc, argv);
    if (st != EXIT_OK)
        return st;
    st = cli_confirm(cli, "This deletes ALL profiles (operational and test) on the eUICC and "
                          "clears its default SM-DP+ address.");
    if (st != EXIT_OK || (st = cli_open(cli)) != EXIT_OK)
        return st;
    int rc = esimlpa_euicc_memory_reset(cli->ctx, ESIMLPA_RESET_OPERATIONAL_PROFILES |
                                                  ESIMLPA_RESET_TEST_PROFILES |
                                                  ESIMLPA_RESET_DEFAULT_DP_ADDRESS);
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    if (cli->json)
        cli_json_ok(cJSON_CreateObject());
    else
        printf("eUICC memory reset.\n");
    return EXIT_OK;
}

const struct cli_command cli_chip_commands[] = {
    { "chip", "info", "", "Show the EID, eUICC information and configured addresses.",
      "Prints the EID, SGP.22 and firmware versions, free memory, the CI public key\n"
      "identifiers the eUICC trusts and signs with, and the default SM-DP+ / root\n"
      "SM-DS addresses.\n", chip_info },
    { "chip", "set-default-dp", "ADDRESS", "Set the default SM-DP+ address (\"\" clears it).",
      NULL, chip_set_default_dp },
    { "chip", "reset", "[--yes]", "Delete all profiles and reset the eUICC (eUICCMemoryReset).",
      "Asks you to type 'yes' on the terminal unless --yes is given; without a\n"
      "terminal and without --yes it refuses.\n", chip_reset },
    { NULL, NULL, NULL, NULL, NULL, NULL },
};
