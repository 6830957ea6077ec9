/* SPDX-License-Identifier: MIT */
/* Generic ES10 fault knob for tests (--fault-es10): "TAG[/N]:KIND[:count=C]"
 *   TAG   the ES10 request tag in hex (BF2E, BF20, BF38, BF21, BF30, BF41, ...);
 *         BF36/N is the N-th LoadBoundProfilePackage command of a load (1 = BF36+BF23)
 *   KIND  sw=XXXX   answer that status word (6100..6FFF) without processing
 *         garbage   answer DE AD BE EF + 9000 without processing
 *         remove    the card is removed: no answer, the vpcd connection closes
 *                   and the program exits (its state file is as before the command)
 *         silent    a hung card: the command is never answered (the reader waits)
 *         pause=FILE  create FILE, hold the command until FILE is removed, then
 *                   process it normally (a test sends a signal to the LPA while
 *                   it waits for this command: deterministic, no timing guess)
 *   count=C  only the first C matching commands (default: every one). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "es10_faults.h"
#include "softeuicc_internal.h"

int softeuicc_add_es10_fault(struct softeuicc *se, const char *spec, char *err, size_t errlen)
{
    char buf[256];
    struct se_es10_fault f = { 0 };
    if (se->n_es10_faults >= SE_MAX_ES10_FAULTS || !spec || strlen(spec) >= sizeof(buf)) {
        snprintf(err, errlen, "--fault-es10: too many faults or spec too long");
        return -1;
    }
    strcpy(buf, spec);
    char *save = NULL, *end;
    char *tag = strtok_r(buf, ":", &save);
    if (!tag)
        goto bad;
    unsigned long t = strtoul(tag, &end, 16);
    if (end == tag || t < 0x80 || t > 0xFFFF)
        goto bad;
    f.tag = (unsigned)t;
    if (*end == '/') {
        unsigned long n = strtoul(end + 1, &end, 10);
        if (f.tag != 0xBF36 || n == 0 || n > 100000)
            goto bad;
        f.segment = (unsigned)n;
    } else if (f.tag == 0xBF36) {
        f.segment = 1;
    }
    if (*end)
        goto bad;
    for (char *tok; (tok = strtok_r(NULL, ":", &save));) {
        if (!strncmp(tok, "sw=", 3) && !f.kind) {
            unsigned long sw = strtoul(tok + 3, &end, 16);
            if (*end || end == tok + 3 || sw < 0x6100 || sw > 0x6FFF)
                goto bad;
            f.kind = SE_FAULT_SW;
            f.sw = (unsigned)sw;
        } else if (!strcmp(tok, "garbage") && !f.kind) {
            f.kind = SE_FAULT_GARBAGE;
        } else if (!strcmp(tok, "remove") && !f.kind) {
            f.kind = SE_FAULT_REMOVE;
        } else if (!strcmp(tok, "silent") && !f.kind) {
            f.kind = SE_FAULT_SILENT;
        } else if (!strncmp(tok, "pause=", 6) && tok[6] && !f.kind &&
                   strlen(tok + 6) < sizeof f.pause_file) {
            f.kind = SE_FAULT_PAUSE;
            strcpy(f.pause_file, tok + 6);
        } else if (!strncmp(tok, "count=", 6)) {
            unsigned long c = strtoul(tok + 6, &end, 10);
            if (*end || c == 0 || c > 100000)
                goto bad;
            f.count = (unsigned)c;
        } else {
            goto bad;
        }
    }
    if (!f.kind)
        goto bad;
    se->es10_faults[se->n_es10_faults++] = f;
    return 0;
bad:
    snprintf(err, errlen, "--fault-es10 '%s': want TAG[/N]:sw=XXXX|garbage|remove|silent|pause=FILE[:count=C] "
             "(TAG hex, e.g. BF38 or BF36/3)", spec);
    return -1;
}

unsigned se_es10_fault(struct softeuicc *se, unsigned tag, unsigned segment, struct dbuf *out,
                       int *hit)
{
    *hit = 0;
    for (size_t i = 0; i < se->n_es10_faults; i++) {
        struct se_es10_fault *f = &se->es10_faults[i];
        if (f->tag != tag || f->segment != segment || (f->count && f->used >= f->count))
            continue;
        f->used++;
        if (f->kind == SE_FAULT_PAUSE) {
            se_log(se, "ES10 %04X%s: paused until %s is removed", tag,
                   segment ? " segment" : "", f->pause_file);
            int fd = open(f->pause_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd >= 0)
                close(fd);
            const struct timespec tick = { 0, 10 * 1000 * 1000 };
            while (fd >= 0 && access(f->pause_file, F_OK) == 0)
                nanosleep(&tick, NULL);
            continue;   /* then processed as usual */
        }
        *hit = 1;
        se_log(se, "ES10 %04X%s: injected fault %s", tag, segment ? " segment" : "",
               f->kind == SE_FAULT_SW ? "sw" : f->kind == SE_FAULT_GARBAGE ? "garbage"
               : f->kind == SE_FAULT_SILENT ? "silent" : "remove");
        if (f->kind == SE_FAULT_SW)
            return f->sw;
        if (f->kind == SE_FAULT_REMOVE) {
            se->removed = 1;
            return 0x6F00;     /* never sent: the connection closes first */
        }
        if (f->kind == SE_FAULT_SILENT) {
            se->silent = 1;
            return 0x6F00;     /* never sent: the card does not answer */
        }
        static const uint8_t garbage[] = { 0xDE, 0xAD, 0xBE, 0xEF };
        dbuf_put(out, garbage, sizeof(garbage));
        return 0x9000;
    }
    return 0;
}

int softeuicc_removed(const struct softeuicc *se)
{
    return se->removed;
}

int softeuicc_take_silent(struct softeuicc *se)
{
    int s = se->silent;
    se->silent = 0;
    return s;
}
