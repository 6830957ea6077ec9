/* SPDX-License-Identifier: MIT */
/* lpac profile list | enable ID [1|0] | disable ID [1|0] | delete ID |
 * nickname ICCID [NAME] | download ... | discovery ... */
#include "lpac.h"
#include "jline.h"
#include "names.h"

#include <string.h>

/* ProfileInfo (SGP.22 §5.7.15) with lpac's field names; icons inline in base64. */
static int profile_list(struct lpac *l)
{
    struct esimlpa_profile_list *list = NULL;
    int rc = esimlpa_profiles_list(l->ctx, NULL, &list);
    if (rc != ESIMLPA_OK)
        return lpac_fail(l, "es10c_get_profiles_info", rc);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < list->count; i++) {
        const struct esimlpa_profile_info *p = &list->profiles[i];
        cJSON *o = cJSON_CreateObject();
        jl_add_text(o, "iccid", p->iccid[0] ? p->iccid : NULL);
        jl_add_hex(o, "isdpAid", p->aid, p->aid_len);
        if (p->has_state)
            cJSON_AddStringToObject(o, "profileState", names_profile_state(p->state));
        else
            cJSON_AddNullToObject(o, "profileState");
        jl_add_text(o, "profileNickname", p->nickname);
        jl_add_text(o, "serviceProviderName", p->service_provider_name);
        jl_add_text(o, "profileName", p->profile_name);
        const char *it = p->icon_len ? names_icon_type(p->icon_type) : NULL;
        if (it)
            cJSON_AddStringToObject(o, "iconType", it);
        else
            cJSON_AddNullToObject(o, "iconType");
        jl_add_base64(o, "icon", p->icon, p->icon_len);
        cJSON_AddStringToObject(o, "profileClass", names_profile_class(p->profile_class));
        cJSON_AddItemToArray(a, o);
    }
    esimlpa_profile_list_free(list);
    jl_success(a);
    return LPAC_EXIT_OK;
}

/* The optional refreshFlag argument: "1" (default) or "0" (SGP.22 §5.7.16). */
static int parse_refresh(int argc, char **argv, int *refresh)
{
    *refresh = 1;
    if (argc < 4)
        return 0;
    if (strcmp(argv[3], "1") == 0 || strcmp(argv[3], "0") == 0) {
        *refresh = argv[3][0] == '1';
        return 0;
    }
    return -1;
}

int lpac_cmd_profile(int argc, char **argv)
{
    static const char *const subs[] = { "list", "enable", "disable", "delete", "nickname",
                                        "download", "discovery" };
    if (argc < 2)
        return lpac_usage("profile wants list, enable, disable, delete, nickname, download or discovery");
    const char *sub = argv[1];
    int known = 0;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known |= strcmp(sub, subs[i]) == 0;
    if (!known)
        return lpac_usage("unknown profile command '%.40s' (list, enable, disable, delete, nickname, download, discovery)", sub);

    if (strcmp(sub, "download") == 0)
        return lpac_cmd_download(argc - 1, argv + 1);
    if (strcmp(sub, "discovery") == 0)
        return lpac_cmd_discovery(argc - 1, argv + 1);

    struct esimlpa_profile_id id;
    int refresh = 1;
    int by_id = strcmp(sub, "enable") == 0 || strcmp(sub, "disable") == 0 || strcmp(sub, "delete") == 0;
    if (by_id) {
        if (argc < 3 || argc > (strcmp(sub, "delete") == 0 ? 3 : 4))
            return lpac_usage("profile %s wants an ICCID or ISD-P AID%s", sub,
                              strcmp(sub, "delete") == 0 ? "" : " and optionally 1 or 0 (refresh)");
        if (esimlpa_profile_id_parse(argv[2], &id) != ESIMLPA_OK)
            return lpac_usage("'%.40s' is neither an ICCID (18 to 20 digits) nor an ISD-P AID (hex)", argv[2]);
        if (parse_refresh(argc, argv, &refresh) != 0)
            return lpac_usage("profile %s: the refresh flag is 1 or 0, not '%.20s'", sub, argv[3]);
    }
    if (strcmp(sub, "nickname") == 0 && (argc < 3 || argc > 4))
        return lpac_usage("profile nickname wants an ICCID and a nickname");
    if (strcmp(sub, "list") == 0 && argc != 2)
        return lpac_usage("profile list takes no arguments");

    struct lpac l = { 0 };
    int st = lpac_open(&l);
    if (st != LPAC_EXIT_OK)
        return st;
    int rc = ESIMLPA_OK;
    const char *step = NULL;
    if (strcmp(sub, "list") == 0) {
        st = profile_list(&l);
    } else if (strcmp(sub, "enable") == 0) {
        rc = esimlpa_profile_enable(l.ctx, &id, refresh);
        step = "es10c_enable_profile";
    } else if (strcmp(sub, "disable") == 0) {
        rc = esimlpa_profile_disable(l.ctx, &id, refresh);
        step = "es10c_disable_profile";
    } else if (strcmp(sub, "delete") == 0) {
        rc = esimlpa_profile_delete(l.ctx, &id);
        step = "es10c_delete_profile";
    } else {
        rc = esimlpa_profile_nickname_set(l.ctx, argv[2], argc == 4 ? argv[3] : "");
        step = "es10c_set_nickname";
    }
    if (step) {
        if (rc != ESIMLPA_OK)
            st = lpac_fail(&l, step, rc);
        else
            jl_success(NULL);
    }
    lpac_close(&l);
    return st;
}
