/* SPDX-License-Identifier: MIT */
/* lpac chip info | defaultsmdp ADDRESS | purge */
#include "lpac.h"
#include "jline.h"
#include "names.h"

#include <string.h>

static void add_pkids(cJSON *obj, const char *key, const struct esimlpa_pkid *ids, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *holder = cJSON_CreateObject();
        jl_add_hex(holder, "v", ids[i].bytes, ids[i].len);
        cJSON_AddItemToArray(a, cJSON_DetachItemFromObject(holder, "v"));
        cJSON_Delete(holder);
    }
    cJSON_AddItemToObject(obj, key, a);
}

static void add_count(cJSON *obj, const char *key, long v)
{
    if (v < 0)
        cJSON_AddNullToObject(obj, key);
    else
        cJSON_AddNumberToObject(obj, key, (double)v);
}

/* EUICCInfo2 (SGP.22 §5.7.8) with lpac's field names; euiccCategory is read
 * from its own tag [11] (8B), which lpac looks for under AB. */
static cJSON *info2_json(const struct esimlpa_euicc_info2 *i)
{
    cJSON *o = cJSON_CreateObject();
    names_version(o, "profileVersion", &i->profile_version);
    names_version(o, "svn", &i->svn);
    names_version(o, "euiccFirmwareVer", &i->firmware_version);
    cJSON *ext = cJSON_CreateObject();
    add_count(ext, "installedApplication", i->installed_apps);
    add_count(ext, "freeNonVolatileMemory", i->free_nvram);
    add_count(ext, "freeVolatileMemory", i->free_ram);
    cJSON_AddItemToObject(o, "extCardResource", ext);
    cJSON_AddItemToObject(o, "uiccCapability", names_uicc_capability(i->uicc_capability));
    if (i->has_ts102241_version)
        names_version(o, "ts102241Version", &i->ts102241_version);
    else
        cJSON_AddNullToObject(o, "ts102241Version");
    if (i->has_globalplatform_version)
        names_version(o, "globalplatformVersion", &i->globalplatform_version);
    else
        cJSON_AddNullToObject(o, "globalplatformVersion");
    cJSON_AddItemToObject(o, "rspCapability", names_rsp_capability(i->rsp_capability));
    add_pkids(o, "euiccCiPKIdListForVerification", i->ci_pkid_verification, i->n_ci_pkid_verification);
    add_pkids(o, "euiccCiPKIdListForSigning", i->ci_pkid_signing, i->n_ci_pkid_signing);
    const char *cat = names_euicc_category(i->euicc_category);
    if (cat)
        cJSON_AddStringToObject(o, "euiccCategory", cat);
    else
        cJSON_AddNullToObject(o, "euiccCategory");
    cJSON_AddItemToObject(o, "forbiddenProfilePolicyRules", names_ppr(i->forbidden_ppr));
    names_version(o, "ppVersion", &i->pp_version);
    /* SGP.22 spells it sasAcreditationNumber; so does lpac. */
    jl_add_text(o, "sasAcreditationNumber", i->sas_accreditation_number);
    cJSON *cdo = cJSON_CreateObject();
    jl_add_text(cdo, "platformLabel", i->platform_label);
    jl_add_text(cdo, "discoveryBaseURL", i->discovery_base_url);
    cJSON_AddItemToObject(o, "certificationDataObject", cdo);
    return o;
}

/* RulesAuthorisationTable (SGP.22 §2.9.2.2), as lpac's rulesAuthorisationTable. */
static cJSON *rat_json(const struct esimlpa_rat *rat)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t r = 0; r < rat->count; r++) {
        const struct esimlpa_rat_rule *rule = &rat->rules[r];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObject(o, "pprIds", names_ppr(rule->ppr_ids));
        cJSON *ops = cJSON_CreateArray();
        for (size_t k = 0; k < rule->n_operators; k++) {
            const struct esimlpa_operator_id *op = &rule->operators[k];
            cJSON *jo = cJSON_CreateObject();
            char plmn[7];
            names_plmn_hex(op->mcc_mnc, plmn);
            if (plmn[0])
                cJSON_AddStringToObject(jo, "plmn", plmn);
            else
                cJSON_AddNullToObject(jo, "plmn");
            jl_add_hex(jo, "gid1", op->gid1, op->has_gid1 ? op->gid1_len : 0);
            jl_add_hex(jo, "gid2", op->gid2, op->has_gid2 ? op->gid2_len : 0);
            cJSON_AddItemToArray(ops, jo);
        }
        cJSON_AddItemToObject(o, "allowedOperators", ops);
        cJSON_AddItemToObject(o, "pprFlags", names_ppr_flags(rule->consent_required));
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static int chip_info(struct lpac *l)
{
    char eid[ESIMLPA_EID_LEN + 1];
    int rc = esimlpa_eid_get(l->ctx, eid);
    if (rc != ESIMLPA_OK)
        return lpac_fail(l, "es10c_get_eid", rc);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "eidValue", eid);

    struct esimlpa_configured_addresses *addr = NULL;
    if (esimlpa_configured_addresses_get(l->ctx, &addr) == ESIMLPA_OK) {
        cJSON *a = cJSON_CreateObject();
        jl_add_text(a, "defaultDpAddress", addr->default_dp_address);
        jl_add_text(a, "rootDsAddress", addr->root_ds_address);
        cJSON_AddItemToObject(d, "EuiccConfiguredAddresses", a);
        esimlpa_configured_addresses_free(addr);
    } else {
        cJSON_AddNullToObject(d, "EuiccConfiguredAddresses");
    }

    struct esimlpa_euicc_info2 *info2 = NULL;
    if (esimlpa_euicc_info2_get(l->ctx, &info2) == ESIMLPA_OK) {
        cJSON_AddItemToObject(d, "EUICCInfo2", info2_json(info2));
        esimlpa_euicc_info2_free(info2);
    } else {
        cJSON_AddNullToObject(d, "EUICCInfo2");
    }

    struct esimlpa_rat *rat = NULL;
    if (esimlpa_rat_get(l->ctx, &rat) == ESIMLPA_OK) {
        cJSON_AddItemToObject(d, "rulesAuthorisationTable", rat_json(rat));
        esimlpa_rat_free(rat);
    }
    jl_success(d);
    return LPAC_EXIT_OK;
}

int lpac_cmd_chip(int argc, char **argv)
{
    if (argc < 2)
        return lpac_usage("chip wants info, defaultsmdp or purge");
    const char *sub = argv[1];
    if (strcmp(sub, "info") != 0 && strcmp(sub, "defaultsmdp") != 0 && strcmp(sub, "purge") != 0)
        return lpac_usage("unknown chip command '%.40s' (info, defaultsmdp, purge)", sub);
    if (strcmp(sub, "defaultsmdp") == 0 && argc != 3)
        return lpac_usage("chip defaultsmdp wants one SM-DP+ address");
    if (strcmp(sub, "purge") == 0 && argc != 3)
        return lpac_usage("chip purge wants the confirmation 'yes'");
    if (strcmp(sub, "purge") == 0 && strcmp(argv[2], "yes") != 0)
        return lpac_usage("chip purge wants the confirmation 'yes', not '%.40s'", argv[2]);
    struct lpac l = { 0 };
    int st = lpac_open(&l);
    if (st != LPAC_EXIT_OK)
        return st;
    if (strcmp(sub, "info") == 0) {
        st = chip_info(&l);
    } else if (strcmp(sub, "defaultsmdp") == 0) {
        int rc = esimlpa_default_dp_address_set(l.ctx, argv[2]);
        if (rc != ESIMLPA_OK)
            st = lpac_fail(&l, "es10a_set_default_dp_address", rc);
        else
            jl_success(NULL);
    } else {
        /* eUICCMemoryReset (SGP.22 §5.7.19): all profiles and the default SM-DP+ address. */
        int rc = esimlpa_euicc_memory_reset(l.ctx, ESIMLPA_RESET_OPERATIONAL_PROFILES |
                                            ESIMLPA_RESET_TEST_PROFILES | ESIMLPA_RESET_DEFAULT_DP_ADDRESS);
        if (rc != ESIMLPA_OK)
            st = lpac_fail(&l, "es10c_euicc_memory_reset", rc);
        else
            jl_success(NULL);
    }
    lpac_close(&l);
    return st;
}
