/* SPDX-License-Identifier: MIT */
/* lpac profile download [-s SMDP] [-m MATCHING_ID] [-c CODE] [-i IMEI]
 *                        [-a ACTIVATION_CODE] [-p]
 * and profile discovery [-s SMDS] [-i IMEI].
 * Progress lines name the step as lpac does; the install notification is
 * delivered (and removed from the eUICC only once the server accepted it). */
#include "lpac.h"
#include "jline.h"
#include "names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct dl_state {
    const char *last_step;     /* lpac's name of the step in progress */
    enum esimlpa_download_step shown;
    int preview;               /* -p: ask y/n on stdin after the metadata */
    const char *smdp;
};

/* lpac's names of the download steps (SGP.22 §3.1.3). */
static const char *step_name(enum esimlpa_download_step s)
{
    switch (s) {
    case ESIMLPA_STEP_EUICC_CHALLENGE: return "es10b_get_euicc_challenge_and_info";
    case ESIMLPA_STEP_INITIATE_AUTH: return "es9p_initiate_authentication";
    case ESIMLPA_STEP_AUTHENTICATE_SERVER: return "es10b_authenticate_server";
    case ESIMLPA_STEP_AUTHENTICATE_CLIENT: return "es9p_authenticate_client";
    case ESIMLPA_STEP_CONSENT: return NULL;   /* the metadata line stands for it */
    case ESIMLPA_STEP_PREPARE_DOWNLOAD: return "es10b_prepare_download";
    case ESIMLPA_STEP_GET_BPP: return "es9p_get_bound_profile_package";
    case ESIMLPA_STEP_LOAD_BPP: return "es10b_load_bound_profile_package";
    case ESIMLPA_STEP_NOTIFICATION: return "es9p_handle_notification";
    case ESIMLPA_STEP_CANCEL: return "es10b_cancel_session";
    case ESIMLPA_STEP_DONE: return NULL;
    }
    return NULL;
}

static int on_progress(void *user, enum esimlpa_download_step step, size_t done, size_t total)
{
    (void)done;
    (void)total;
    struct dl_state *s = user;
    if (step == s->shown)   /* LOAD_BPP reports every segment */
        return 0;
    s->shown = step;
    const char *name = step_name(step);
    if (name) {
        /* a failed install's result is still sent (NOTIFICATION): the
         * failure stays the install's */
        if (step != ESIMLPA_STEP_CANCEL && step != ESIMLPA_STEP_NOTIFICATION)
            s->last_step = name;
        jl_progress(name, s->smdp);
    }
    return 0;
}

/* The profile metadata (SGP.22 §4.4 StoreMetadataRequest) as lpac's
 * "es8p_metadata_parse" progress line; with -p the user answers y or n. */
static int on_consent(void *user, const struct esimlpa_profile_info *m, int cc_required)
{
    (void)cc_required;
    struct dl_state *s = user;
    cJSON *o = cJSON_CreateObject();
    jl_add_text(o, "iccid", m->iccid[0] ? m->iccid : NULL);
    jl_add_text(o, "serviceProviderName", m->service_provider_name);
    jl_add_text(o, "profileName", m->profile_name);
    const char *it = m->icon_len ? names_icon_type(m->icon_type) : NULL;
    if (it)
        cJSON_AddStringToObject(o, "iconType", it);
    else
        cJSON_AddNullToObject(o, "iconType");
    jl_add_base64(o, "icon", m->icon, m->icon_len);
    cJSON_AddStringToObject(o, "profileClass", names_profile_class(m->profile_class));
    jl_progress_obj("es8p_metadata_parse", o);
    if (!s->preview)
        return 1;
    jl_progress("preview", "y/n");
    int c = getchar();
    return c == 'y' || c == 'Y';
}

/* lpac's error names for failures before or around the steps. */
static const char *fail_step(int rc, const struct dl_state *s)
{
    switch (rc) {
    case ESIMLPA_EBADACTIVATION: return "activation_code";
    case ESIMLPA_ENO_DEFAULT_DP: return "smdp";
    case ESIMLPA_ECC_REQUIRED: return "confirmation_code";
    case ESIMLPA_EREFUSED: return "cancelled";
    case ESIMLPA_ECANCELLED: return "cancelled";
    }
    return s->last_step ? s->last_step : "es10b_get_euicc_challenge_and_info";
}

int lpac_cmd_download(int argc, char **argv)
{
    const char *smdp = NULL, *mid = NULL, *imei = NULL, *ac = NULL;
    char cc[64] = "";
    int have_cc = 0, preview = 0, opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt(argc, argv, "s:m:i:c:a:p")) != -1) {
        switch (opt) {
        case 's': smdp = optarg; break;
        case 'm': mid = optarg; break;
        case 'i': imei = optarg; break;
        case 'a': ac = optarg; break;
        case 'p': preview = 1; break;
        case 'c':
            /* A secret: "-c -" reads it from stdin; a value on the command
             * line (lpac's way) is copied and wiped from argv at once. */
            if (strcmp(optarg, "-") == 0) {
                if (!fgets(cc, sizeof cc, stdin)) {
                    explicit_bzero(cc, sizeof cc);
                    return lpac_usage("-c -: no confirmation code on stdin");
                }
                cc[strcspn(cc, "\r\n")] = '\0';
            } else {
                if (strlen(optarg) >= sizeof cc) {
                    explicit_bzero(optarg, strlen(optarg));
                    return lpac_usage("-c: the confirmation code is longer than %zu characters", sizeof cc - 1);
                }
                snprintf(cc, sizeof cc, "%s", optarg);
                explicit_bzero(optarg, strlen(optarg));
                fprintf(stderr, "esimlpa-lpac: warning: -c on the command line is visible to other "
                        "users (ps, /proc) until it is wiped; \"-c -\" reads it from stdin\n");
            }
            have_cc = 1;
            break;
        default:
            explicit_bzero(cc, sizeof cc);
            if (optopt && strchr("smicap", optopt))
                return lpac_usage("profile download: -%c wants a value", optopt);
            return lpac_usage("profile download: unknown option '%.40s' (-s -m -c -i -a -p)",
                              argv[optind - 1]);
        }
    }
    if (optind < argc) {
        explicit_bzero(cc, sizeof cc);
        return lpac_usage("profile download: unexpected argument '%.40s'", argv[optind]);
    }
    /* lpac takes the activation code with or without its "LPA:" scheme (SGP.22 §4.1). */
    char acbuf[ESIMLPA_AC_MAX_LEN + 8];
    if (ac) {
        if (strncasecmp(ac, "LPA:", 4) == 0)
            snprintf(acbuf, sizeof acbuf, "LPA:%s", ac + 4);
        else
            snprintf(acbuf, sizeof acbuf, "LPA:%s", ac);
    }

    struct lpac l = { 0 };
    int st = lpac_open(&l);
    if (st == LPAC_EXIT_OK)
        st = lpac_http(&l);
    if (st != LPAC_EXIT_OK) {
        explicit_bzero(cc, sizeof cc);
        lpac_close(&l);
        return st;
    }
    struct dl_state s = { .preview = preview, .smdp = smdp };
    struct esimlpa_activation_code parsed = { 0 };
    if (ac && esimlpa_activation_code_parse(acbuf, &parsed) == ESIMLPA_OK)
        s.smdp = parsed.smdp_address;
    struct esimlpa_download_options o;
    memset(&o, 0, sizeof o);
    o.version = ESIMLPA_DOWNLOAD_OPTIONS_VERSION;
    o.activation_code = ac ? acbuf : NULL;
    o.smdp_address = ac ? NULL : smdp;
    o.matching_id = ac ? NULL : (mid ? mid : "");
    o.confirmation_code = have_cc ? cc : NULL;
    o.imei = imei;
    o.http = l.http;
    o.consent = on_consent;
    o.consent_user = &s;
    o.progress2 = on_progress;
    o.progress_user = &s;
    struct esimlpa_download_result r;
    memset(&r, 0, sizeof r);
    r.struct_size = sizeof r;   /* the size rule of out structs (esimlpa.h) */
    lpac_signals_arm(l.ctx);
    int rc = esimlpa_download_run(l.ctx, &o, &r);
    lpac_signals_disarm();
    explicit_bzero(cc, sizeof cc);
    if (rc != ESIMLPA_OK) {
        st = lpac_fail(&l, fail_step(rc, &s), rc);
    } else {
        /* lpac's result object; bppCommandId and errorReason describe a
         * failed ProfileInstallationResult (SGP.22 §5.7.7) and are null here. */
        cJSON *d = cJSON_CreateObject();
        cJSON_AddNumberToObject(d, "seqNumber", (double)r.notification_seq);
        jl_add_text(d, "iccid", r.iccid[0] ? r.iccid : NULL);
        cJSON_AddNullToObject(d, "bppCommandId");
        cJSON_AddNullToObject(d, "errorReason");
        jl_success(d);
    }
    esimlpa_activation_code_clear(&parsed);
    lpac_close(&l);
    return st;
}

/* lpac's name of the discovery step that failed, from the last ES11 call:
 * none yet (the eUICC challenge), initiateAuthentication failed or passed
 * (then AuthenticateServer on the card failed), authenticateClient. */
static const char *discovery_step(esimlpa_ctx *ctx, int rc)
{
    if (rc == ESIMLPA_ECANCELLED)
        return "cancelled";
    const struct esimlpa_es9_status *es = esimlpa_ctx_last_es9_status(ctx);
    if (!es || !es->function[0])
        return "es10b_get_euicc_challenge_and_info";
    if (strstr(es->function, "initiateAuthentication"))
        return es->status == ESIMLPA_ES9_STATUS_SUCCESS || es->status == ESIMLPA_ES9_STATUS_WARNING
                   ? "es10b_authenticate_server" : "es9p_initiate_authentication";
    return "es11_authenticate_client";
}

/* ES11 discovery (SGP.22 §3.1.3.2 / §5.8): the SM-DP+ addresses of the
 * events the SM-DS holds for this eUICC. */
int lpac_cmd_discovery(int argc, char **argv)
{
    const char *smds = NULL, *imei = NULL;
    int opt;
    optind = 1;
    opterr = 0;
    while ((opt = getopt(argc, argv, "s:i:")) != -1) {
        switch (opt) {
        case 's': smds = optarg; break;
        case 'i': imei = optarg; break;
        default:
            if (optopt && strchr("si", optopt))
                return lpac_usage("profile discovery: -%c wants a value", optopt);
            return lpac_usage("profile discovery: unknown option '%.40s' (-s -i)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return lpac_usage("profile discovery: unexpected argument '%.40s'", argv[optind]);
    struct lpac l = { 0 };
    int st = lpac_open(&l);
    if (st == LPAC_EXIT_OK)
        st = lpac_http(&l);
    if (st != LPAC_EXIT_OK) {
        lpac_close(&l);
        return st;
    }
    struct esimlpa_event_list *ev = NULL;
    lpac_signals_arm(l.ctx);
    int rc = esimlpa_discovery_run(l.ctx, l.http, smds, imei, &ev);
    lpac_signals_disarm();
    if (rc != ESIMLPA_OK) {
        st = lpac_fail(&l, discovery_step(l.ctx, rc), rc);
    } else {
        cJSON *a = cJSON_CreateArray();
        for (size_t i = 0; i < ev->count; i++) {
            cJSON *h = cJSON_CreateObject();
            jl_add_text(h, "v", ev->items[i].rsp_server_address);
            cJSON_AddItemToArray(a, cJSON_DetachItemFromObject(h, "v"));
            cJSON_Delete(h);
        }
        esimlpa_event_list_free(ev);
        jl_success(a);
    }
    lpac_close(&l);
    return st;
}
