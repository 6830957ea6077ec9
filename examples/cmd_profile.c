/* SPDX-License-Identifier: MIT */
/* esimlpa profile ...: list, enable, disable, delete, nickname. */
#include "cli.h"
#include "base64_encode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *class_name(enum esimlpa_profile_class c)
{
    switch (c) {
    case ESIMLPA_CLASS_TEST: return "test";
    case ESIMLPA_CLASS_PROVISIONING: return "provisioning";
    default: return "operational";
    }
}

static const char *state_name(const struct esimlpa_profile_info *p)
{
    if (!p->has_state)
        return NULL;
    return p->state == ESIMLPA_PROFILE_ENABLED ? "enabled" : "disabled";
}

static cJSON *event_array(unsigned events)
{
    static const char *names[] = { "install", "enable", "disable", "delete" };
    cJSON *a = cJSON_CreateArray();
    for (unsigned i = 0; i < 4; i++)
        if (events & (1u << i))
            cJSON_AddItemToArray(a, cJSON_CreateString(names[i]));
    return a;
}

static cJSON *profile_json(const struct esimlpa_profile_info *p, const char *icon_file)
{
    cJSON *o = cJSON_CreateObject();
    json_add_str(o, "iccid", p->iccid[0] ? p->iccid : NULL);
    if (p->aid_len)
        json_add_hex(o, "isdpAid", p->aid, p->aid_len);
    else
        cJSON_AddNullToObject(o, "isdpAid");
    json_add_str(o, "state", state_name(p));
    cJSON_AddStringToObject(o, "profileClass", class_name(p->profile_class));
    json_add_str(o, "serviceProviderName", p->service_provider_name);
    json_add_str(o, "profileName", p->profile_name);
    json_add_str(o, "nickname", p->nickname);
    json_add_str(o, "iconType", p->icon_type == ESIMLPA_ICON_PNG ? "png"
                                : p->icon_type == ESIMLPA_ICON_JPG ? "jpg" : NULL);
    json_add_str(o, "iconFile", icon_file);
    cJSON_AddNumberToObject(o, "ppr", p->ppr);
    if (p->has_owner)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "owner"), "mccMnc", p->owner.mcc_mnc);
    else
        cJSON_AddNullToObject(o, "owner");
    cJSON *nc = cJSON_AddArrayToObject(o, "notificationConfigs");
    for (size_t i = 0; i < p->n_notification_configs; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddItemToObject(e, "operations", event_array(p->notification_configs[i].events));
        json_add_str(e, "address", p->notification_configs[i].address);
        cJSON_AddItemToArray(nc, e);
    }
    return o;
}

/* --icons inline: the icon itself in base64 (SGP.22 ProfileInfo icon, PNG or
 * JPG as iconType says), null for a profile without one. */
static void add_icon_base64(cJSON *o, const struct esimlpa_profile_info *p)
{
    char *b = p->icon && p->icon_len && p->icon_type != ESIMLPA_ICON_NONE
                  ? base64_encode(p->icon, p->icon_len) : NULL;
    json_add_str(o, "icon", b);
    free(b);
}

/* Write a profile's icon (SGP.22 ProfileInfo icon, PNG or JPG) to
 * DIR/<ICCID or ISD-P AID>.<png|jpg>. Returns the path (malloc'd), NULL if the
 * profile has no icon; @err says why when writing failed. */
static char *save_icon(const char *dir, const struct esimlpa_profile_info *p, char *err,
                       size_t err_len)
{
    if (!p->icon || !p->icon_len || p->icon_type == ESIMLPA_ICON_NONE)
        return NULL;
    char *aid = p->iccid[0] ? NULL : hex_string(p->aid, p->aid_len);
    const char *base = p->iccid[0] ? p->iccid : aid;
    size_t n = strlen(dir) + strlen(base) + 8;
    char *path = malloc(n);
    if (!path) {
        free(aid);
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    snprintf(path, n, "%s/%s.%s", dir, base, p->icon_type == ESIMLPA_ICON_PNG ? "png" : "jpg");
    free(aid);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p->icon, 1, p->icon_len, f) != p->icon_len || fclose(f) != 0) {
        if (f)
            fclose(f);
        snprintf(err, err_len, "cannot write the icon %s: %s", path, strerror(errno));
        free(path);
        return NULL;
    }
    return path;
}

static int profile_list(struct cli *cli, int argc, char **argv)
{
    const char *icon_dir = NULL;
    int inline_icons = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--save-icons") == 0 && i + 1 < argc && !icon_dir)
            icon_dir = argv[++i];
        else if (strcmp(argv[i], "--save-icons") == 0)
            return cli_usage(cli, "--save-icons wants one directory");
        else if (strcmp(argv[i], "--icons") == 0 && i + 1 < argc && strcmp(argv[i + 1], "inline") == 0)
            inline_icons = 1, i++;
        else if (strcmp(argv[i], "--icons") == 0)
            return cli_usage(cli, "--icons wants 'inline'");
        else
            return cli_usage(cli, "unexpected argument '%s'", argv[i]);
    }
    if (icon_dir && !*icon_dir)
        return cli_usage(cli, "--save-icons wants a directory, not \"\"");
    if (inline_icons && !cli->json)
        return cli_usage(cli, "--icons inline needs --json");
    int st = cli_open(cli);
    if (st != EXIT_OK)
        return st;
    struct esimlpa_profile_list *l = NULL;
    int rc = esimlpa_profiles_list(cli->ctx, NULL, &l);
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    char **icons = calloc(l->count ? l->count : 1, sizeof *icons);
    char icon_err[600] = "";
    if (!icons)
        snprintf(icon_err, sizeof icon_err, "out of memory");
    for (size_t i = 0; icons && icon_dir && i < l->count && !icon_err[0]; i++)
        icons[i] = save_icon(icon_dir, &l->profiles[i], icon_err, sizeof icon_err);
    if (icon_err[0]) {
        for (size_t i = 0; icons && i < l->count; i++)
            free(icons[i]);
        free(icons);
        esimlpa_profile_list_free(l);
        return cli_usage(cli, "%s", icon_err);
    }
    if (cli->json) {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < l->count; i++) {
            cJSON *o = profile_json(&l->profiles[i], icons[i]);
            if (inline_icons)
                add_icon_base64(o, &l->profiles[i]);
            cJSON_AddItemToArray(a, o);
        }
        cli_json_ok(a);
    } else if (l->count == 0) {
        printf("No profiles.\n");
    } else {
        static const char *hdr[] = { "ICCID", "STATE", "CLASS", "PROVIDER", "NAME", "NICKNAME" };
        struct table t;
        table_init(&t, 6, hdr);
        for (size_t i = 0; i < l->count; i++) {
            const struct esimlpa_profile_info *p = &l->profiles[i];
            char *aid = NULL;
            if (!p->iccid[0] && p->aid_len)
                aid = hex_string(p->aid, p->aid_len);
            const char *row[] = { p->iccid[0] ? p->iccid : aid, state_name(p),
                                  class_name(p->profile_class), p->service_provider_name,
                                  p->profile_name, p->nickname };
            table_add(&t, row);
            free(aid);
        }
        table_print(stdout, &t);
        table_free(&t);
        for (size_t i = 0; i < l->count; i++)
            if (icons[i])
                printf("Icon of %s saved to %s\n",
                       l->profiles[i].iccid[0] ? l->profiles[i].iccid : "profile", icons[i]);
    }
    for (size_t i = 0; i < l->count; i++)
        free(icons[i]);
    free(icons);
    esimlpa_profile_list_free(l);
    return EXIT_OK;
}

/* ID [--refresh] [--reset] for enable/disable (*flags: SWITCH_*); ID for delete. */
#define SWITCH_REFRESH 1
#define SWITCH_RESET 2
static int parse_id_args(struct cli *cli, int argc, char **argv, int allow_refresh,
                         struct esimlpa_profile_id *id, int *flags, const char **text)
{
    const char *arg = NULL;
    *flags = 0;
    for (int i = 0; i < argc; i++) {
        if (allow_refresh && strcmp(argv[i], "--refresh") == 0)
            *flags |= SWITCH_REFRESH;
        else if (allow_refresh && strcmp(argv[i], "--reset") == 0)
            *flags |= SWITCH_RESET;
        else if (argv[i][0] == '-' && argv[i][1])
            return cli_usage(cli, "unknown option '%s'", argv[i]);
        else if (arg)
            return cli_usage(cli, "too many arguments");
        else
            arg = argv[i];
    }
    if (!arg)
        return cli_usage(cli, "missing profile ID (ICCID or ISD-P AID)");
    int rc = esimlpa_profile_id_parse(arg, id);
    if (rc != ESIMLPA_OK)
        return cli_usage(cli, "'%s' is not an ICCID (18..20 digits) or ISD-P AID (32 hex digits)",
                         arg);
    *text = arg;
    return EXIT_OK;
}

static int finish_op(struct cli *cli, int rc, const char *id, const char *done)
{
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    if (cli->json) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "id", id);
        cli_json_ok(d);
    } else {
        printf("Profile %s %s.\n", id, done);
    }
    return EXIT_OK;
}

/* Enable or disable, then with --reset power-cycle the card so the device
 * (a modem, a phone) starts over with the new profile. */
static int profile_switch(struct cli *cli, int argc, char **argv, int enable)
{
    struct esimlpa_profile_id id;
    int flags;
    const char *text;
    int st = parse_id_args(cli, argc, argv, 1, &id, &flags, &text);
    if (st != EXIT_OK || (st = cli_open(cli)) != EXIT_OK)
        return st;
    int refresh = (flags & SWITCH_REFRESH) != 0;
    int rc = enable ? esimlpa_profile_enable(cli->ctx, &id, refresh)
                    : esimlpa_profile_disable(cli->ctx, &id, refresh);
    /* A failed reset is reported as "reset: ..." (the switch itself is done). */
    if (rc == ESIMLPA_OK && (flags & SWITCH_RESET))
        rc = esimlpa_ctx_reconnect(cli->ctx, 1);
    return finish_op(cli, rc, text, enable ? "enabled" : "disabled");
}

static int profile_enable(struct cli *cli, int argc, char **argv)
{
    return profile_switch(cli, argc, argv, 1);
}

static int profile_disable(struct cli *cli, int argc, char **argv)
{
    return profile_switch(cli, argc, argv, 0);
}

static int profile_delete(struct cli *cli, int argc, char **argv)
{
    struct esimlpa_profile_id id;
    int flags;
    const char *text;
    int st = parse_id_args(cli, argc, argv, 0, &id, &flags, &text);
    if (st != EXIT_OK)
        return st;
    char q[160];
    snprintf(q, sizeof q, "This permanently deletes profile %s from the eUICC.", text);
    if ((st = cli_confirm(cli, q)) != EXIT_OK || (st = cli_open(cli)) != EXIT_OK)
        return st;
    return finish_op(cli, esimlpa_profile_delete(cli->ctx, &id), text, "deleted");
}

static int profile_nickname(struct cli *cli, int argc, char **argv)
{
    if (argc != 2)
        return cli_usage(cli, argc < 2 ? "needs ICCID and NAME" : "too many arguments");
    struct esimlpa_profile_id id;
    if (esimlpa_profile_id_parse(argv[0], &id) != ESIMLPA_OK || id.kind != ESIMLPA_ID_ICCID)
        return cli_usage(cli, "'%s' is not an ICCID (18..20 digits)", argv[0]);
    if (strlen(argv[1]) > 64)
        return cli_usage(cli, "nickname is %zu bytes long; at most 64 bytes", strlen(argv[1]));
    int st = cli_open(cli);
    if (st != EXIT_OK)
        return st;
    int rc = esimlpa_profile_nickname_set(cli->ctx, id.iccid, argv[1]);
    if (rc != ESIMLPA_OK)
        return cli_fail(cli, rc);
    if (cli->json) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "iccid", id.iccid);
        json_add_str(d, "nickname", argv[1][0] ? argv[1] : NULL);   /* cleared: null */
        cli_json_ok(d);
    } else if (argv[1][0]) {
        printf("Nickname of %s set to \"%s\".\n", id.iccid, argv[1]);
    } else {
        printf("Nickname of %s cleared.\n", id.iccid);
    }
    return EXIT_OK;
}

static const char id_help[] =
    "ID is an ICCID (18..20 digits, optionally ending in F) or an ISD-P AID\n"
    "(32 hex digits).\n";

const struct cli_command cli_profile_commands[] = {
    { "profile", "list", "[--save-icons DIR] [--icons inline]", "List the profiles on the eUICC.",
      "--save-icons writes each profile's icon to DIR/<ICCID>.png or .jpg (the\n"
      "directory must exist); with --json each profile's \"iconFile\" names it.\n"
      "--icons inline (with --json) adds each profile's icon in base64 as \"icon\".\n",
      profile_list },
    { "profile", "enable", "ID [--refresh] [--reset]", "Enable a profile (the enabled one is disabled).",
      "--refresh asks the eUICC to refresh the device (REFRESH proactive command);\n"
      "over PC/SC esimlpa is the device and resets the card itself.\n"
      "--reset power-cycles the card afterwards (readers that can), so a modem or\n"
      "phone behind the reader sees the new profile.\n"
      "ID is an ICCID (18..20 digits, optionally ending in F) or an ISD-P AID\n"
      "(32 hex digits).\n", profile_enable },
    { "profile", "disable", "ID [--refresh] [--reset]", "Disable the enabled profile.",
      "--refresh asks the eUICC to refresh the device (REFRESH proactive command);\n"
      "over PC/SC esimlpa is the device and resets the card itself.\n"
      "--reset power-cycles the card afterwards (readers that can).\n"
      "ID is an ICCID (18..20 digits, optionally ending in F) or an ISD-P AID\n"
      "(32 hex digits).\n", profile_disable },
    { "profile", "delete", "ID [--yes]", "Delete a disabled profile (asks for confirmation).",
      id_help, profile_delete },
    { "profile", "nickname", "ICCID NAME", "Set a profile's nickname (\"\" clears it).",
      "NAME is UTF-8, at most 64 bytes.\n", profile_nickname },
    { NULL, NULL, NULL, NULL, NULL, NULL },
};
