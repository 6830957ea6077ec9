/* SPDX-License-Identifier: MIT */
/* The renewal journal: a small JSON file rewritten before every step so a
 * resume after a crash or power loss knows where the renewal stopped.
 * Atomic: written to FILE.tmp, fsync'd, renamed over FILE, and the
 * directory fsync'd (the rename itself must survive a power loss).
 * It holds no secret: no activation code, no confirmation code. */
#include <cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "renew_internal.h"
#include "util/util_internal.h"

#define JOURNAL_FORMAT "esimlpa-renew-journal/1"

static const char *const step_names[] = {
    [ESIMLPA_RENEW_DOWNLOAD] = "download",
    [ESIMLPA_RENEW_ENABLE] = "enable",
    [ESIMLPA_RENEW_CHECK] = "check",
    [ESIMLPA_RENEW_DELETE_OLD] = "delete-old",
    [ESIMLPA_RENEW_NOTIFY] = "notify",
    [ESIMLPA_RENEW_ROLLBACK] = "rollback",
    [ESIMLPA_RENEW_DISCARD] = "discard",
    [ESIMLPA_RENEW_ROLLBACK_NOTIFY] = "rollback-notify",
};
#define N_STEPS (sizeof step_names / sizeof step_names[0])

const char *esimlpa_renew_step_name(enum esimlpa_renew_step step)
{
    if ((unsigned)step < N_STEPS && step_names[step])
        return step_names[step];
    return "unknown";
}

/* fsync the directory holding @path, so a rename in it is durable. */
static int fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(copy);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static cJSON *state_to_json(const struct renew_state *st)
{
    char b[RENEW_ID_TEXT];
    cJSON *j = cJSON_CreateObject();
    if (!j)
        return NULL;
    cJSON_AddStringToObject(j, "format", JOURNAL_FORMAT);
    cJSON_AddStringToObject(j, "eid", st->eid);
    cJSON_AddStringToObject(j, "step", esimlpa_renew_step_name(st->step));
    if (st->have_old)
        cJSON_AddStringToObject(j, "old", renew__id_text(&st->old_id, b));
    if (st->have_new)
        cJSON_AddStringToObject(j, "new", renew__id_text(&st->new_id, b));
    cJSON *before = cJSON_AddArrayToObject(j, "before");
    for (size_t i = 0; before && i < st->n_before; i++)
        cJSON_AddItemToArray(before, cJSON_CreateString(st->before[i]));
    cJSON *o = cJSON_AddObjectToObject(j, "options");
    if (o) {
        cJSON_AddBoolToObject(o, "deleteOld", st->delete_old);
        cJSON_AddBoolToObject(o, "discardFailed", st->discard_failed);
        cJSON_AddBoolToObject(o, "refresh", st->refresh);
        cJSON_AddBoolToObject(o, "check", st->check_requested);
        cJSON_AddNumberToObject(o, "checkTimeoutMs", (double)st->check_timeout_ms);
    }
    if (st->reason[0])
        cJSON_AddStringToObject(j, "reason", st->reason);
    return j;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int journal_write(esimlpa_ctx *ctx, const char *path, const struct renew_state *st)
{
    cJSON *j = state_to_json(st);
    char *text = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (!text)
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "renew: journal %s: out of memory", path);
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 5);
    if (!tmp) {
        free(text);
        return esimlpa__fail(ctx, ESIMLPA_ENOMEM, "renew: journal %s: out of memory", path);
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    int err = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        err = errno;
    } else {
        if (write_all(fd, text, strlen(text)) != 0 || write_all(fd, "\n", 1) != 0 || fsync(fd) != 0)
            err = errno ? errno : EIO;
        if (close(fd) != 0 && !err)
            err = errno;
        if (!err && rename(tmp, path) != 0)
            err = errno;
        if (!err && fsync_dir_of(path) != 0)
            err = errno;
        if (err)
            unlink(tmp);
    }
    free(tmp);
    free(text);
    if (err)
        return esimlpa__fail(ctx, ESIMLPA_EJOURNAL, "renew: journal %s: cannot write it (%s)", path,
                             strerror(err));
    return ESIMLPA_OK;
}

int renew__enter(struct renew_run *r, enum esimlpa_renew_step step)
{
    r->st.step = step;
    if (r->journal) {
        int rc = journal_write(r->ctx, r->journal, &r->st);
        if (rc != ESIMLPA_OK)
            return rc;
    }
    esimlpa__log(r->ctx, ESIMLPA_LOG_DEBUG, "renew: step %s", esimlpa_renew_step_name(step));
    if (r->step_fn)
        r->step_fn(r->step_user, step);
    return ESIMLPA_OK;
}

void renew__journal_remove(struct renew_run *r)
{
    if (!r->journal)
        return;
    if (unlink(r->journal) != 0 && errno != ENOENT) {
        esimlpa__log(r->ctx, ESIMLPA_LOG_WARN, "renew: journal %s: cannot remove it (%s)",
                     r->journal, strerror(errno));
        return;
    }
    fsync_dir_of(r->journal);
}

/* ---- reading ---- */

static int bad(esimlpa_ctx *ctx, const char *path, const char *what)
{
    return esimlpa__fail(ctx, ESIMLPA_EJOURNAL, "renew: journal %s is not a usable renewal journal (%s)",
                         path, what);
}

static const char *str_field(const cJSON *j, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int bool_field(const cJSON *o, const char *name)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, name));
}

static int parse_state(const cJSON *j, struct renew_state *st, const char **what)
{
    const char *s = str_field(j, "format");
    if (!s || strcmp(s, JOURNAL_FORMAT) != 0)
        return *what = "unknown format", -1;
    s = str_field(j, "eid");
    if (!s || strlen(s) != ESIMLPA_EID_LEN || strspn(s, "0123456789") != ESIMLPA_EID_LEN)
        return *what = "bad eid", -1;
    memcpy(st->eid, s, ESIMLPA_EID_LEN + 1);
    s = str_field(j, "step");
    st->step = 0;
    for (unsigned i = 1; s && i < N_STEPS; i++)
        if (step_names[i] && strcmp(s, step_names[i]) == 0)
            st->step = (enum esimlpa_renew_step)i;
    if (!st->step)
        return *what = "bad step", -1;
    if ((s = str_field(j, "old"))) {
        if (renew__id_parse(s, &st->old_id) != ESIMLPA_OK)
            return *what = "bad old profile", -1;
        st->have_old = 1;
    }
    if ((s = str_field(j, "new"))) {
        if (renew__id_parse(s, &st->new_id) != ESIMLPA_OK)
            return *what = "bad new profile", -1;
        st->have_new = 1;
    }
    const cJSON *before = cJSON_GetObjectItemCaseSensitive(j, "before");
    if (!cJSON_IsArray(before))
        return *what = "no profile list", -1;
    const cJSON *it;
    cJSON_ArrayForEach(it, before) {
        if (!cJSON_IsString(it) || strlen(it->valuestring) >= RENEW_ID_TEXT ||
            st->n_before == RENEW_MAX_BEFORE)
            return *what = "bad profile list", -1;
        snprintf(st->before[st->n_before++], RENEW_ID_TEXT, "%s", it->valuestring);
    }
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(j, "options");
    if (!cJSON_IsObject(o))
        return *what = "no options", -1;
    st->delete_old = bool_field(o, "deleteOld");
    st->discard_failed = bool_field(o, "discardFailed");
    st->refresh = bool_field(o, "refresh");
    st->check_requested = bool_field(o, "check");
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "checkTimeoutMs");
    double ms = cJSON_IsNumber(t) ? t->valuedouble : 0;
    if (!(ms >= 0 && ms <= 86400000.0))   /* the CLI allows 1..86400 s */
        return *what = "bad checkTimeoutMs", -1;
    st->check_timeout_ms = (long)ms;
    s = str_field(j, "reason");
    snprintf(st->reason, sizeof st->reason, "%s", s ? s : "");
    return 0;
}

int renew__journal_read(esimlpa_ctx *ctx, const char *path, struct renew_state *st)
{
    memset(st, 0, sizeof *st);
    FILE *f = esimlpa__fopen_regular(path);
    if (!f)
        return esimlpa__fail(ctx, ESIMLPA_EJOURNAL, "renew: cannot read journal %s (%s)", path,
                             strerror(errno));
    char buf[16384];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    int too_big = !feof(f);
    fclose(f);
    if (too_big)
        return bad(ctx, path, "too large");
    buf[n] = '\0';
    cJSON *j = cJSON_ParseWithLength(buf, n);
    if (!j)
        return bad(ctx, path, "not JSON");
    const char *what = NULL;
    int prc = parse_state(j, st, &what);
    cJSON_Delete(j);
    if (prc != 0)
        return bad(ctx, path, what);
    return ESIMLPA_OK;
}
