/* SPDX-License-Identifier: MIT */
/* Soft eUICC state file: JSON <-> struct se_state. See seed/default.json
 * for the format. Loading validates everything it reads, so a handler can
 * trust the in-memory state. */
#include "state.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STATE_FORMAT_VERSION 1
#define STATE_MAX_FILE (16 * 1024 * 1024)

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ---------- small codecs ---------- */

long se_hex_decode(const char *hex, uint8_t *out, size_t cap)
{
    size_t n = strlen(hex);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v = 0;
        for (int k = 0; k < 2; k++) {
            char c = hex[2 * i + k];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
            else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
            else return -1;
        }
        out[i] = (uint8_t)v;
    }
    return (long)(n / 2);
}

void se_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char d[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = d[in[i] >> 4];
        out[2 * i + 1] = d[in[i] & 15];
    }
    out[2 * len] = 0;
}

static bool all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

int se_iccid_encode(const char *digits, uint8_t out[10])
{
    size_t n = strlen(digits);
    if (n < 18 || n > 20 || !all_digits(digits))
        return -1;
    for (size_t i = 0; i < 10; i++) {
        unsigned lo = 2 * i < n ? (unsigned)(digits[2 * i] - '0') : 0xF;
        unsigned hi = 2 * i + 1 < n ? (unsigned)(digits[2 * i + 1] - '0') : 0xF;
        out[i] = (uint8_t)((hi << 4) | lo);
    }
    return 0;
}

void se_iccid_decode(const uint8_t in[10], char out[21])
{
    size_t k = 0;
    for (size_t i = 0; i < 10; i++) {
        unsigned nib[2] = { in[i] & 15u, in[i] >> 4 };
        for (int j = 0; j < 2; j++)
            out[k++] = nib[j] < 10 ? (char)('0' + nib[j]) : 'F';
    }
    out[k] = 0;
    while (k > 0 && out[k - 1] == 'F')
        out[--k] = 0;
}

int se_eid_encode(const char *digits, uint8_t out[16])
{
    if (strlen(digits) != 32 || !all_digits(digits))
        return -1;
    for (size_t i = 0; i < 16; i++)
        out[i] = (uint8_t)(((digits[2 * i] - '0') << 4) | (digits[2 * i + 1] - '0'));
    return 0;
}

bool se_eid_valid(const char *digits)
{
    if (strlen(digits) != 32 || !all_digits(digits))
        return false;
    unsigned r = 0;
    for (const char *p = digits; *p; p++)
        r = (r * 10 + (unsigned)(*p - '0')) % 97;
    return r == 1;
}

static int parse_version(const char *s, uint8_t out[3])
{
    unsigned a, b, c;
    char tail;
    if (!s || sscanf(s, "%u.%u.%u%c", &a, &b, &c, &tail) != 3 || a > 255 || b > 255 || c > 255)
        return -1;
    out[0] = (uint8_t)a;
    out[1] = (uint8_t)b;
    out[2] = (uint8_t)c;
    return 0;
}

static const char *const event_names[] = { "install", "enable", "disable", "delete" };
static const char *const class_names[] = { "test", "provisioning", "operational" };

/* ---------- JSON reading ---------- */

struct rd {
    const char *path;
    char *err;
    size_t errlen;
};

static const char *get_str(struct rd *r, const cJSON *o, const char *key, bool required,
                           const char *where, int *bad)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v || cJSON_IsNull(v)) {
        if (required) {
            fail(r->err, r->errlen, "%s: %s: missing \"%s\"", r->path, where, key);
            *bad = 1;
        }
        return NULL;
    }
    if (!cJSON_IsString(v)) {
        fail(r->err, r->errlen, "%s: %s: \"%s\" must be a string", r->path, where, key);
        *bad = 1;
        return NULL;
    }
    return v->valuestring;
}

static int dup_str(struct rd *r, const cJSON *o, const char *key, bool required,
                   size_t maxlen, const char *where, char **out)
{
    int bad = 0;
    const char *s = get_str(r, o, key, required, where, &bad);
    *out = NULL;
    if (bad)
        return -1;
    if (!s)
        return 0;
    if (strlen(s) > maxlen)
        return fail(r->err, r->errlen, "%s: %s: \"%s\" longer than %zu bytes",
                    r->path, where, key, maxlen);
    *out = strdup(s);
    return *out ? 0 : fail(r->err, r->errlen, "out of memory");
}

/* A list of bit numbers (or names from names[]) -> mask. */
static int get_bits(struct rd *r, const cJSON *o, const char *key, const char *const *names,
                    size_t n_names, const char *where, unsigned *mask, bool *present)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key), *e;
    *mask = 0;
    if (present)
        *present = v != NULL && !cJSON_IsNull(v);
    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsArray(v))
        return fail(r->err, r->errlen, "%s: %s: \"%s\" must be an array", r->path, where, key);
    cJSON_ArrayForEach(e, v) {
        int bit = -1;
        if (cJSON_IsNumber(e) && e->valuedouble >= 0 && e->valuedouble < 32 &&
            e->valuedouble == (double)e->valueint)
            bit = e->valueint;
        else if (cJSON_IsString(e) && names)
            for (size_t i = 0; i < n_names; i++)
                if (!strcmp(e->valuestring, names[i]))
                    bit = (int)i;
        if (bit < 0)
            return fail(r->err, r->errlen, "%s: %s: bad entry in \"%s\"", r->path, where, key);
        *mask |= 1u << bit;
    }
    return 0;
}

static int get_hex(struct rd *r, const cJSON *o, const char *key, uint8_t *out, size_t cap,
                   size_t minlen, const char *where, size_t *len, bool *present)
{
    int bad = 0;
    const char *s = get_str(r, o, key, present == NULL, where, &bad);
    if (present)
        *present = s != NULL;
    if (bad)
        return -1;
    if (!s)
        return 0;
    long n = se_hex_decode(s, out, cap);
    if (n < (long)minlen)
        return fail(r->err, r->errlen, "%s: %s: \"%s\" must be %zu..%zu bytes of hex",
                    r->path, where, key, minlen, cap);
    *len = (size_t)n;
    return 0;
}

static int read_operator(struct rd *r, const cJSON *o, const char *where, struct se_operator *op)
{
    size_t n;
    if (!cJSON_IsObject(o))
        return fail(r->err, r->errlen, "%s: %s: operator must be an object", r->path, where);
    if (get_hex(r, o, "mcc_mnc", op->mccmnc, 3, 3, where, &n, NULL) ||
        get_hex(r, o, "gid1", op->gid1, sizeof(op->gid1), 0, where, &op->gid1_len, &op->has_gid1) ||
        get_hex(r, o, "gid2", op->gid2, sizeof(op->gid2), 0, where, &op->gid2_len, &op->has_gid2))
        return -1;
    return 0;
}

static int read_version(struct rd *r, const cJSON *o, const char *key, uint8_t out[3],
                        bool *present)
{
    int bad = 0;
    const char *s = get_str(r, o, key, present == NULL, "euicc_info2", &bad);
    if (present)
        *present = s != NULL;
    if (bad)
        return -1;
    if (s && parse_version(s, out))
        return fail(r->err, r->errlen, "%s: euicc_info2: \"%s\" must look like \"2.3.0\"",
                    r->path, key);
    return 0;
}

static int read_info2(struct rd *r, const cJSON *o, struct se_info2 *i)
{
    if (!cJSON_IsObject(o))
        return fail(r->err, r->errlen, "%s: missing object \"euicc_info2\"", r->path);
    const cJSON *cat = cJSON_GetObjectItemCaseSensitive(o, "euicc_category");
    i->euicc_category = -1;
    if (cat && !cJSON_IsNull(cat)) {
        if (!cJSON_IsNumber(cat) || cat->valueint < 0 || cat->valueint > 127)
            return fail(r->err, r->errlen, "%s: euicc_info2: bad \"euicc_category\"", r->path);
        i->euicc_category = cat->valueint;
    }
    if (read_version(r, o, "profile_version", i->profile_version, NULL) ||
        read_version(r, o, "svn", i->svn, NULL) ||
        read_version(r, o, "firmware_version", i->firmware, NULL) ||
        read_version(r, o, "ts102241_version", i->ts102241, &i->has_ts102241) ||
        read_version(r, o, "gp_version", i->gp, &i->has_gp) ||
        read_version(r, o, "pp_version", i->pp_version, NULL) ||
        get_hex(r, o, "ext_card_resource", i->ext_card_resource, sizeof(i->ext_card_resource), 0,
                "euicc_info2", &i->ext_card_resource_len, NULL) ||
        get_bits(r, o, "uicc_capability_bits", NULL, 0, "euicc_info2", &i->uicc_capability, NULL) ||
        get_bits(r, o, "rsp_capability_bits", NULL, 0, "euicc_info2", &i->rsp_capability, NULL) ||
        get_bits(r, o, "forbidden_ppr_bits", NULL, 0, "euicc_info2", &i->forbidden_ppr,
                 &i->has_forbidden_ppr) ||
        dup_str(r, o, "sas_accreditation_number", true, 64, "euicc_info2", &i->sas_number))
        return -1;
    return 0;
}

static int read_profile(struct rd *r, const cJSON *o, size_t idx, struct se_profile *p)
{
    char where[32];
    int bad = 0;
    snprintf(where, sizeof(where), "profiles[%zu]", idx);
    if (!cJSON_IsObject(o))
        return fail(r->err, r->errlen, "%s: %s must be an object", r->path, where);
    const char *iccid = get_str(r, o, "iccid", true, where, &bad);
    uint8_t tmp[10];
    if (bad)
        return -1;
    if (se_iccid_encode(iccid, tmp))
        return fail(r->err, r->errlen, "%s: %s: \"iccid\" must be 18..20 digits", r->path, where);
    strcpy(p->iccid, iccid);
    if (get_hex(r, o, "isdp_aid", p->aid, sizeof(p->aid), 5, where, &p->aid_len, NULL))
        return -1;
    const char *st = get_str(r, o, "state", true, where, &bad);
    if (bad)
        return -1;
    if (!strcmp(st, "enabled")) p->enabled = 1;
    else if (!strcmp(st, "disabled")) p->enabled = 0;
    else return fail(r->err, r->errlen, "%s: %s: \"state\" must be enabled or disabled", r->path, where);
    if (dup_str(r, o, "nickname", false, 64, where, &p->nickname) ||
        dup_str(r, o, "service_provider_name", true, 32, where, &p->spn) ||
        dup_str(r, o, "profile_name", true, 64, where, &p->name))
        return -1;
    const char *cls = get_str(r, o, "profile_class", false, where, &bad);
    if (bad)
        return -1;
    p->pclass = 2;
    if (cls) {
        p->pclass = -1;
        for (int i = 0; i < 3; i++)
            if (!strcmp(cls, class_names[i]))
                p->pclass = i;
        if (p->pclass < 0)
            return fail(r->err, r->errlen, "%s: %s: \"profile_class\" must be test, provisioning or operational", r->path, where);
    }
    const char *it = get_str(r, o, "icon_type", false, where, &bad);
    const char *icon = get_str(r, o, "icon_hex", false, where, &bad);
    if (bad)
        return -1;
    p->icon_type = -1;
    if (it || icon) {
        if (!it || !icon || (strcmp(it, "jpg") && strcmp(it, "png")))
            return fail(r->err, r->errlen, "%s: %s: \"icon_type\" (jpg|png) and \"icon_hex\" go together", r->path, where);
        p->icon_type = !strcmp(it, "png");
        p->icon = malloc(1024);
        long n = p->icon ? se_hex_decode(icon, p->icon, 1024) : -1;
        if (n < 0)
            return fail(r->err, r->errlen, "%s: %s: \"icon_hex\" must be hex, at most 1024 bytes", r->path, where);
        p->icon_len = (size_t)n;
    }
    const cJSON *nci = cJSON_GetObjectItemCaseSensitive(o, "notification_configuration"), *e;
    if (nci && !cJSON_IsNull(nci)) {
        if (!cJSON_IsArray(nci) || cJSON_GetArraySize(nci) > SE_MAX_NCI)
            return fail(r->err, r->errlen, "%s: %s: \"notification_configuration\" must be an array of at most %d", r->path, where, SE_MAX_NCI);
        p->has_nci = true;
        cJSON_ArrayForEach(e, nci) {
            struct se_nci *n = &p->nci[p->n_nci];
            if (!cJSON_IsObject(e) ||
                get_bits(r, e, "events", event_names, 4, where, &n->events, NULL) ||
                dup_str(r, e, "address", true, 255, where, &n->address))
                return fail(r->err, r->errlen, "%s: %s: bad notification_configuration entry", r->path, where);
            p->n_nci++;
        }
    }
    const cJSON *owner = cJSON_GetObjectItemCaseSensitive(o, "profile_owner");
    if (owner && !cJSON_IsNull(owner)) {
        if (read_operator(r, owner, where, &p->owner))
            return -1;
        p->has_owner = true;
    }
    const cJSON *usz = cJSON_GetObjectItemCaseSensitive(o, "upp_size");
    if (usz && !cJSON_IsNull(usz)) {
        size_t n = 0;
        if (!cJSON_IsNumber(usz) || usz->valuedouble < 0 || usz->valuedouble > 1e9 ||
            get_hex(r, o, "upp_sha256", p->upp_sha256, 32, 32, where, &n, NULL))
            return fail(r->err, r->errlen, "%s: %s: \"upp_size\" (a number) and \"upp_sha256\" "
                        "(32 bytes of hex) go together", r->path, where);
        p->has_upp = true;
        p->upp_size = (size_t)usz->valuedouble;
    }
    return get_bits(r, o, "ppr_bits", NULL, 0, where, &p->ppr, &p->has_ppr);
}

static int read_notification(struct rd *r, const cJSON *o, size_t idx, struct se_notification *n)
{
    char where[32];
    int bad = 0;
    snprintf(where, sizeof(where), "notifications[%zu]", idx);
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(o, "seq");
    if (!cJSON_IsObject(o) || !cJSON_IsNumber(seq) || seq->valuedouble < 0 ||
        seq->valuedouble > 2147483647.0)
        return fail(r->err, r->errlen, "%s: %s: needs a \"seq\" number >= 0", r->path, where);
    n->seq = (long)seq->valuedouble;
    const char *ev = get_str(r, o, "event", true, where, &bad);
    if (bad)
        return -1;
    n->event = 0;
    for (int i = 0; i < 4; i++)
        if (!strcmp(ev, event_names[i]))
            n->event = 1u << i;
    if (!n->event)
        return fail(r->err, r->errlen, "%s: %s: bad \"event\"", r->path, where);
    if (dup_str(r, o, "address", true, 255, where, &n->address))
        return -1;
    const char *iccid = get_str(r, o, "iccid", false, where, &bad);
    if (bad || (iccid && strlen(iccid) > 20))
        return fail(r->err, r->errlen, "%s: %s: bad \"iccid\"", r->path, where);
    snprintf(n->iccid, sizeof(n->iccid), "%s", iccid ? iccid : "");
    const char *der = get_str(r, o, "der", true, where, &bad);
    if (bad)
        return -1;
    n->der = malloc(strlen(der) / 2 + 1);
    long len = n->der ? se_hex_decode(der, n->der, strlen(der) / 2 + 1) : -1;
    if (len <= 0)
        return fail(r->err, r->errlen, "%s: %s: \"der\" must be non-empty hex", r->path, where);
    n->der_len = (size_t)len;
    return 0;
}

static int read_rat(struct rd *r, const cJSON *o, size_t idx, struct se_rat_rule *rule)
{
    char where[32];
    snprintf(where, sizeof(where), "rat[%zu]", idx);
    if (!cJSON_IsObject(o) ||
        get_bits(r, o, "ppr_bits", NULL, 0, where, &rule->ppr, NULL) ||
        get_bits(r, o, "flags_bits", NULL, 0, where, &rule->flags, NULL))
        return fail(r->err, r->errlen, "%s: %s: bad rule", r->path, where);
    const cJSON *ops = cJSON_GetObjectItemCaseSensitive(o, "allowed_operators"), *e;
    if (!cJSON_IsArray(ops) || cJSON_GetArraySize(ops) > SE_MAX_OPERATORS)
        return fail(r->err, r->errlen, "%s: %s: \"allowed_operators\" must be an array of at most %d", r->path, where, SE_MAX_OPERATORS);
    cJSON_ArrayForEach(e, ops) {
        if (read_operator(r, e, where, &rule->ops[rule->n_ops]))
            return -1;
        rule->n_ops++;
    }
    return 0;
}

static char *slurp(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(STATE_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, STATE_MAX_FILE + 1, f) : 0;
    int rerr = ferror(f);
    fclose(f);
    if (!buf || rerr || n > STATE_MAX_FILE) {
        fail(err, errlen, "%s: cannot read (or larger than %d bytes)", path, STATE_MAX_FILE);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

int se_state_load(const char *path, struct se_state **out, char *err, size_t errlen)
{
    struct rd r = { path, err, errlen };
    *out = NULL;
    char *text = slurp(path, err, errlen);
    if (!text)
        return -1;
    cJSON *root = cJSON_Parse(text);
    if (!root) {
        const char *e = cJSON_GetErrorPtr();   /* points into text */
        long at = e && e >= text && e <= text + strlen(text) ? (long)(e - text) : 0;
        free(text);
        return fail(err, errlen, "%s: not valid JSON (near byte %ld)", path, at);
    }
    free(text);
    struct se_state *st = calloc(1, sizeof(*st));
    int rc = -1, bad = 0;
    if (!st) {
        fail(err, errlen, "out of memory");
        goto out;
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "format_version");
    if (!cJSON_IsObject(root) || !cJSON_IsNumber(ver) || ver->valueint != STATE_FORMAT_VERSION) {
        fail(err, errlen, "%s: not a soft-eUICC state file (need \"format_version\": %d)", path,
             STATE_FORMAT_VERSION);
        goto out;
    }
    const char *eid = get_str(&r, root, "eid", true, "top level", &bad);
    if (bad)
        goto out;
    if (strlen(eid) != 32 || se_eid_encode(eid, (uint8_t[16]){0})) {
        fail(err, errlen, "%s: \"eid\" must be 32 decimal digits", path);
        goto out;
    }
    strcpy(st->eid, eid);
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(root, "next_seq");
    if (!cJSON_IsNumber(seq) || seq->valuedouble < 0 || seq->valuedouble > 2147483647.0) {
        fail(err, errlen, "%s: \"next_seq\" must be a number >= 0", path);
        goto out;
    }
    st->next_seq = (long)seq->valuedouble;
    if (dup_str(&r, root, "default_dp_address", false, 255, "top level", &st->default_dp) ||
        dup_str(&r, root, "root_ds_address", true, 255, "top level", &st->root_ds) ||
        read_info2(&r, cJSON_GetObjectItemCaseSensitive(root, "euicc_info2"), &st->info2))
        goto out;

    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "profiles"), *e;
    if (!cJSON_IsArray(arr)) {
        fail(err, errlen, "%s: \"profiles\" must be an array", path);
        goto out;
    }
    st->profiles = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*st->profiles));
    if (!st->profiles)
        goto out;
    int enabled = 0;
    cJSON_ArrayForEach(e, arr) {
        struct se_profile *p = &st->profiles[st->n_profiles];
        st->n_profiles++;
        if (read_profile(&r, e, st->n_profiles - 1, p))
            goto out;
        enabled += p->enabled;
        for (size_t i = 0; i + 1 < st->n_profiles; i++)
            if (!strcmp(st->profiles[i].iccid, p->iccid) ||
                (st->profiles[i].aid_len == p->aid_len &&
                 !memcmp(st->profiles[i].aid, p->aid, p->aid_len))) {
                fail(err, errlen, "%s: profiles[%zu] repeats the ICCID or ISD-P AID of profiles[%zu]",
                     path, st->n_profiles - 1, i);
                goto out;
            }
    }
    if (enabled > 1) {
        fail(err, errlen, "%s: more than one profile is enabled", path);
        goto out;
    }

    arr = cJSON_GetObjectItemCaseSensitive(root, "notifications");
    if (!cJSON_IsArray(arr)) {
        fail(err, errlen, "%s: \"notifications\" must be an array", path);
        goto out;
    }
    st->notifs = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*st->notifs));
    if (!st->notifs)
        goto out;
    cJSON_ArrayForEach(e, arr) {
        st->n_notifs++;
        if (read_notification(&r, e, st->n_notifs - 1, &st->notifs[st->n_notifs - 1]))
            goto out;
    }

    arr = cJSON_GetObjectItemCaseSensitive(root, "rat");
    if (arr && !cJSON_IsNull(arr)) {
        if (!cJSON_IsArray(arr)) {
            fail(err, errlen, "%s: \"rat\" must be an array", path);
            goto out;
        }
        st->rat = calloc((size_t)cJSON_GetArraySize(arr) + 1, sizeof(*st->rat));
        if (!st->rat)
            goto out;
        cJSON_ArrayForEach(e, arr) {
            st->n_rat++;
            if (read_rat(&r, e, st->n_rat - 1, &st->rat[st->n_rat - 1]))
                goto out;
        }
    }
    rc = 0;
out:
    cJSON_Delete(root);
    if (rc) {
        if (err && errlen && !err[0])
            fail(err, errlen, "%s: cannot load state (out of memory?)", path);
        se_state_free(st);
    } else {
        *out = st;
    }
    return rc;
}

/* ---------- JSON writing ---------- */

static cJSON *bits_json(unsigned mask, const char *const *names, size_t n_names)
{
    cJSON *a = cJSON_CreateArray();
    for (unsigned i = 0; a && i < 32; i++) {
        if (!(mask & (1u << i)))
            continue;
        cJSON *item = (names && i < n_names) ? cJSON_CreateString(names[i])
                                             : cJSON_CreateNumber(i);
        if (!item || !cJSON_AddItemToArray(a, item)) {
            cJSON_Delete(item);
            cJSON_Delete(a);
            return NULL;
        }
    }
    return a;
}

static bool add_hex(cJSON *o, const char *key, const uint8_t *b, size_t len)
{
    char *h = malloc(2 * len + 1);
    if (!h)
        return false;
    se_hex_encode(b, len, h);
    bool ok = cJSON_AddStringToObject(o, key, h) != NULL;
    free(h);
    return ok;
}

static bool add_version(cJSON *o, const char *key, const uint8_t v[3])
{
    char s[16];
    snprintf(s, sizeof(s), "%u.%u.%u", v[0], v[1], v[2]);
    return cJSON_AddStringToObject(o, key, s) != NULL;
}

static bool add_item(cJSON *o, const char *key, cJSON *item)
{
    if (!item)
        return false;
    if (!cJSON_AddItemToObject(o, key, item)) {
        cJSON_Delete(item);
        return false;
    }
    return true;
}

static cJSON *operator_json(const struct se_operator *op)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !add_hex(o, "mcc_mnc", op->mccmnc, 3) ||
        (op->has_gid1 && !add_hex(o, "gid1", op->gid1, op->gid1_len)) ||
        (op->has_gid2 && !add_hex(o, "gid2", op->gid2, op->gid2_len))) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *profile_json(const struct se_profile *p)
{
    cJSON *o = cJSON_CreateObject();
    bool ok = o && cJSON_AddStringToObject(o, "iccid", p->iccid) &&
              add_hex(o, "isdp_aid", p->aid, p->aid_len) &&
              cJSON_AddStringToObject(o, "state", p->enabled ? "enabled" : "disabled") &&
              (!p->nickname || cJSON_AddStringToObject(o, "nickname", p->nickname)) &&
              cJSON_AddStringToObject(o, "service_provider_name", p->spn) &&
              cJSON_AddStringToObject(o, "profile_name", p->name) &&
              cJSON_AddStringToObject(o, "profile_class", class_names[p->pclass]);
    if (ok && p->icon_type >= 0)
        ok = cJSON_AddStringToObject(o, "icon_type", p->icon_type ? "png" : "jpg") &&
             add_hex(o, "icon_hex", p->icon, p->icon_len);
    if (ok && p->has_nci) {
        cJSON *a = cJSON_CreateArray();
        ok = add_item(o, "notification_configuration", a);
        for (size_t i = 0; ok && i < p->n_nci; i++) {
            cJSON *n = cJSON_CreateObject();
            ok = n && cJSON_AddItemToArray(a, n) &&
                 add_item(n, "events", bits_json(p->nci[i].events, event_names, 4)) &&
                 cJSON_AddStringToObject(n, "address", p->nci[i].address);
        }
    }
    if (ok && p->has_owner)
        ok = add_item(o, "profile_owner", operator_json(&p->owner));
    if (ok && p->has_ppr)
        ok = add_item(o, "ppr_bits", bits_json(p->ppr, NULL, 0));
    if (ok && p->has_upp)
        ok = cJSON_AddNumberToObject(o, "upp_size", (double)p->upp_size) &&
             add_hex(o, "upp_sha256", p->upp_sha256, 32);
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static cJSON *state_json(const struct se_state *st)
{
    cJSON *root = cJSON_CreateObject(), *a = NULL;   /* NULL: GCC -Os warns */
    bool ok = root && cJSON_AddNumberToObject(root, "format_version", STATE_FORMAT_VERSION) &&
              cJSON_AddStringToObject(root, "eid", st->eid) &&
              (st->default_dp ? cJSON_AddStringToObject(root, "default_dp_address", st->default_dp)
                              : cJSON_AddNullToObject(root, "default_dp_address")) &&
              cJSON_AddStringToObject(root, "root_ds_address", st->root_ds) &&
              cJSON_AddNumberToObject(root, "next_seq", (double)st->next_seq);
    const struct se_info2 *i2 = &st->info2;
    cJSON *info = ok ? cJSON_CreateObject() : NULL;
    ok = ok && add_item(root, "euicc_info2", info) &&
         add_version(info, "profile_version", i2->profile_version) &&
         add_version(info, "svn", i2->svn) &&
         add_version(info, "firmware_version", i2->firmware) &&
         add_hex(info, "ext_card_resource", i2->ext_card_resource, i2->ext_card_resource_len) &&
         add_item(info, "uicc_capability_bits", bits_json(i2->uicc_capability, NULL, 0)) &&
         (!i2->has_ts102241 || add_version(info, "ts102241_version", i2->ts102241)) &&
         (!i2->has_gp || add_version(info, "gp_version", i2->gp)) &&
         add_item(info, "rsp_capability_bits", bits_json(i2->rsp_capability, NULL, 0)) &&
         (i2->euicc_category < 0 || cJSON_AddNumberToObject(info, "euicc_category", i2->euicc_category)) &&
         (!i2->has_forbidden_ppr || add_item(info, "forbidden_ppr_bits", bits_json(i2->forbidden_ppr, NULL, 0))) &&
         add_version(info, "pp_version", i2->pp_version) &&
         cJSON_AddStringToObject(info, "sas_accreditation_number", i2->sas_number);
    ok = ok && (a = cJSON_CreateArray()) && add_item(root, "profiles", a);
    for (size_t i = 0; ok && i < st->n_profiles; i++) {
        cJSON *p = profile_json(&st->profiles[i]);
        ok = p && cJSON_AddItemToArray(a, p);
        if (!ok)
            cJSON_Delete(p);
    }
    ok = ok && (a = cJSON_CreateArray()) && add_item(root, "notifications", a);
    for (size_t i = 0; ok && i < st->n_notifs; i++) {
        const struct se_notification *n = &st->notifs[i];
        cJSON *o = cJSON_CreateObject();
        int ev = 0;
        while (ev < 3 && !(n->event & (1u << ev)))
            ev++;
        ok = o && cJSON_AddItemToArray(a, o) &&
             cJSON_AddNumberToObject(o, "seq", (double)n->seq) &&
             cJSON_AddStringToObject(o, "event", event_names[ev]) &&
             cJSON_AddStringToObject(o, "address", n->address) &&
             (!n->iccid[0] || cJSON_AddStringToObject(o, "iccid", n->iccid)) &&
             add_hex(o, "der", n->der, n->der_len);
    }
    ok = ok && (a = cJSON_CreateArray()) && add_item(root, "rat", a);
    for (size_t i = 0; ok && i < st->n_rat; i++) {
        const struct se_rat_rule *r = &st->rat[i];
        cJSON *o = cJSON_CreateObject(), *ops = NULL;
        ok = o && cJSON_AddItemToArray(a, o) &&
             add_item(o, "ppr_bits", bits_json(r->ppr, NULL, 0)) &&
             add_item(o, "flags_bits", bits_json(r->flags, NULL, 0)) &&
             (ops = cJSON_CreateArray()) && add_item(o, "allowed_operators", ops);
        for (size_t k = 0; ok && k < r->n_ops; k++) {
            cJSON *op = operator_json(&r->ops[k]);
            ok = op && cJSON_AddItemToArray(ops, op);
        }
    }
    if (!ok) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

int se_state_save(const struct se_state *st, const char *path, int sync, char *err,
                  size_t errlen)
{
    cJSON *root = state_json(st);
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return fail(err, errlen, "out of memory while saving the state");
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 8), *dircopy = strdup(path);
    int rc = -1, fd = -1;
    if (!tmp || !dircopy) {
        fail(err, errlen, "out of memory while saving the state");
        goto out;
    }
    snprintf(tmp, plen + 8, "%s.tmpXX", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fail(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        goto out;
    }
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            fail(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
            goto out;
        }
        off += (size_t)w;
    }
    if (write(fd, "\n", 1) != 1 || (sync && fsync(fd)) || close(fd)) {
        fd = -1;
        fail(err, errlen, "%s: write/fsync failed: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, path)) {
        fail(err, errlen, "%s: rename failed: %s", path, strerror(errno));
        goto out;
    }
    int dfd = sync ? open(dirname(dircopy), O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (rc && tmp)
        unlink(tmp);
    free(tmp);
    free(dircopy);
    free(text);
    return rc;
}

/* ---------- in-memory helpers ---------- */

void se_profile_clear(struct se_profile *p)
{
    free(p->nickname);
    free(p->spn);
    free(p->name);
    free(p->icon);
    for (size_t i = 0; i < p->n_nci; i++)
        free(p->nci[i].address);
    memset(p, 0, sizeof(*p));
}

static void notif_clear(struct se_notification *n)
{
    free(n->address);
    free(n->der);
    memset(n, 0, sizeof(*n));
}

void se_state_free(struct se_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->n_profiles; i++)
        se_profile_clear(&st->profiles[i]);
    for (size_t i = 0; i < st->n_notifs; i++)
        notif_clear(&st->notifs[i]);
    free(st->profiles);
    free(st->notifs);
    free(st->rat);
    free(st->default_dp);
    free(st->root_ds);
    free(st->info2.sas_number);
    free(st);
}

struct se_profile *se_state_find_iccid(struct se_state *st, const uint8_t iccid_bcd[10])
{
    for (size_t i = 0; i < st->n_profiles; i++) {
        uint8_t b[10];
        if (!se_iccid_encode(st->profiles[i].iccid, b) && !memcmp(b, iccid_bcd, 10))
            return &st->profiles[i];
    }
    return NULL;
}

struct se_profile *se_state_find_aid(struct se_state *st, const uint8_t *aid, size_t len)
{
    for (size_t i = 0; i < st->n_profiles; i++)
        if (st->profiles[i].aid_len == len && !memcmp(st->profiles[i].aid, aid, len))
            return &st->profiles[i];
    return NULL;
}

void se_state_remove_profile(struct se_state *st, struct se_profile *p)
{
    size_t idx = (size_t)(p - st->profiles);
    se_profile_clear(p);
    memmove(&st->profiles[idx], &st->profiles[idx + 1],
            (st->n_profiles - idx - 1) * sizeof(*p));
    st->n_profiles--;
}

int se_state_add_profile(struct se_state *st, const struct se_profile *p)
{
    struct se_profile *a = realloc(st->profiles, (st->n_profiles + 1) * sizeof(*a));
    if (!a)
        return -1;
    st->profiles = a;
    a[st->n_profiles++] = *p;
    return 0;
}

int se_state_add_notification(struct se_state *st, const struct se_notification *n)
{
    struct se_notification *a = realloc(st->notifs, (st->n_notifs + 1) * sizeof(*a));
    if (!a)
        return -1;
    st->notifs = a;
    a[st->n_notifs++] = *n;
    return 0;
}

void se_state_remove_notification(struct se_state *st, size_t idx)
{
    notif_clear(&st->notifs[idx]);
    memmove(&st->notifs[idx], &st->notifs[idx + 1],
            (st->n_notifs - idx - 1) * sizeof(st->notifs[0]));
    st->n_notifs--;
}
