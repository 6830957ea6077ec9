/* SPDX-License-Identifier: MIT */
/* Test profiles: JSON description -> StoreMetadataRequest BF25 (notes §10.2) + UPP bytes. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "es9p/base64.h"
#include "profile.h"
#include "rspcrypto.h"

#define MAX_PROFILE_FILE ((size_t)4 << 20)

static void seterr(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && n)
        vsnprintf(err, n, fmt, ap);
    va_end(ap);
}

int smdpp_iccid_encode(const char *d, uint8_t out[10])
{
    size_t n = d ? strlen(d) : 0;
    if (n < 18 || n > 20)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)d[i]))
            return -1;
    for (size_t i = 0; i < 10; i++) {
        uint8_t lo = 2 * i < n ? (uint8_t)(d[2 * i] - '0') : 0xF;
        uint8_t hi = 2 * i + 1 < n ? (uint8_t)(d[2 * i + 1] - '0') : 0xF;
        out[i] = (uint8_t)(hi << 4 | lo);  /* nibble-swapped BCD, F padded (§10.5) */
    }
    return 0;
}

static int read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    struct rspc_buf b = {0};
    uint8_t tmp[8192];
    size_t n;
    int rc = 0;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b.len + n > max || rspc_buf_append(&b, tmp, n) != RSPC_OK) {
            rc = -1;
            break;
        }
    }
    if (ferror(f))
        rc = -1;
    fclose(f);
    if (rc) {
        rspc_buf_free(&b);
        return -1;
    }
    if (!b.data && !(b.data = malloc(1)))
        return -1;
    *out = b.data;
    *len = b.len;
    return 0;
}

/* Path relative to the directory of base. */
static char *rel_path(const char *base, const char *p)
{
    if (p[0] == '/')
        return strdup(p);
    const char *slash = strrchr(base, '/');
    size_t dl = slash ? (size_t)(slash - base + 1) : 0;
    char *r = malloc(dl + strlen(p) + 1);
    if (r) {
        memcpy(r, base, dl);
        strcpy(r + dl, p);
    }
    return r;
}

/* ---- UPP generator ------------------------------------------------------------------------ */

static void put_hdr(uint8_t *p, size_t *o, uint8_t tag, size_t len)
{
    p[(*o)++] = tag;
    if (len < 0x80) {
        p[(*o)++] = (uint8_t)len;
    } else if (len <= 0xFF) {
        p[(*o)++] = 0x81;
        p[(*o)++] = (uint8_t)len;
    } else {
        p[(*o)++] = 0x82;
        p[(*o)++] = (uint8_t)(len >> 8);
        p[(*o)++] = (uint8_t)len;
    }
}

/* Filler length d giving an A1 {04 d-bytes} element of exactly total bytes; 0 if none
 * (some totals are impossible where a length field grows by one byte). */
static size_t filler_len(size_t total)
{
    for (size_t d = total; d-- > 0;) {
        size_t inner = 1 + rspc_tlv_len_size(d) + d;
        if (1 + rspc_tlv_len_size(inner) + inner == total)
            return d + 1;  /* +1 so that d = 0 is distinguishable */
    }
    return 0;
}

static void filler_elem(uint8_t *p, size_t *o, size_t total, uint32_t *seed)
{
    size_t d = filler_len(total) - 1;
    put_hdr(p, o, 0xA1, 1 + rspc_tlv_len_size(d) + d);
    put_hdr(p, o, 0x04, d);
    for (size_t i = 0; i < d; i++) {
        *seed = *seed * 1103515245u + 12345u;
        p[(*o)++] = (uint8_t)(*seed >> 16);
    }
}

uint8_t *smdpp_upp_generate(const char *iccid, size_t size, size_t *out_len)
{
    uint8_t ic[10];
    static const char ptype[] = "esimlpa test profile";
    if (smdpp_iccid_encode(iccid, ic) != 0 || size < 64 || size > ((size_t)16 << 20))
        return NULL;
    uint8_t *p = malloc(size);
    if (!p)
        return NULL;
    size_t o = 0;
    /* ProfileHeader-like: A0 {80 01 02, 81 01 03, 82 profileType, 83 0A iccid} */
    size_t hv = 3 + 3 + 2 + (sizeof ptype - 1) + 12;
    put_hdr(p, &o, 0xA0, hv);
    memcpy(p + o, "\x80\x01\x02\x81\x01\x03", 6), o += 6;
    put_hdr(p, &o, 0x82, sizeof ptype - 1);
    memcpy(p + o, ptype, sizeof ptype - 1), o += sizeof ptype - 1;
    put_hdr(p, &o, 0x83, 10);
    memcpy(p + o, ic, 10), o += 10;
    const size_t end_len = 5;  /* AA 03 80 01 00 */
    uint32_t seed = 0x5eed0000u ^ (uint32_t)size;
    for (size_t k = 0; k < 10; k++)
        seed = seed * 31u + ic[k];
    while (size - o > end_len) {
        size_t rem = size - o - end_len;
        size_t t = rem > 1024 ? 1024 : rem;
        /* the element must be constructible and leave 0 or a constructible rest (>= 4) */
        while (t >= 4 && (!filler_len(t) || (rem - t > 0 && (rem - t < 4 ||
                                                              (rem - t <= 1024 &&
                                                               !filler_len(rem - t))))))
            t--;
        if (t < 4) {
            free(p);
            return NULL;
        }
        filler_elem(p, &o, t, &seed);
    }
    memcpy(p + o, "\xAA\x03\x80\x01\x00", end_len), o += end_len;
    *out_len = o;
    return p;
}

/* ---- metadata ----------------------------------------------------------------------------- */

static int put_bits(struct rspc_buf *b, uint32_t tag, unsigned mask)
{
    /* DER-minimal named-bit BIT STRING (X.690 §11.2.2), bits 0..7 only here. */
    uint8_t v[2] = {0, 0};
    int last = -1;
    for (int i = 0; i < 8; i++)
        if (mask & (1u << i)) {
            v[1] |= (uint8_t)(0x80 >> i);
            last = i;
        }
    if (last < 0)
        return rspc_tlv_put(b, tag, v, 1);
    v[0] = (uint8_t)(7 - last);
    return rspc_tlv_put(b, tag, v, 2);
}

static int hex_to(const char *h, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(h);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (!isxdigit((unsigned char)h[2 * i]) || !isxdigit((unsigned char)h[2 * i + 1]) ||
            sscanf(h + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return 0;
}

static unsigned event_bit(const char *e)
{
    if (!strcmp(e, "install")) return 1u << 0;
    if (!strcmp(e, "enable")) return 1u << 1;
    if (!strcmp(e, "disable")) return 1u << 2;
    if (!strcmp(e, "delete")) return 1u << 3;
    return 0;
}

static int notif_entry(struct rspc_buf *seq, unsigned mask, const char *addr)
{
    struct rspc_buf e = {0};
    int rc = put_bits(&e, 0x80, mask);
    if (!rc)
        rc = rspc_tlv_put(&e, 0x81, (const uint8_t *)addr, strlen(addr));
    if (!rc)
        rc = rspc_tlv_put(seq, 0x30, e.data, e.len);
    rspc_buf_free(&e);
    return rc;
}

static int build_metadata(const cJSON *j, const char *defaddr, struct smdpp_profile *p, char *err,
                          size_t errlen)
{
    struct rspc_buf v = {0}, nb = {0};
    uint8_t ic[10], tmp[64];
    size_t tl;
    int rc = -1;
    const cJSON *it;
    const char *spn = cJSON_GetStringValue(cJSON_GetObjectItem(j, "spn"));
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItem(j, "name"));
    const char *cls = cJSON_GetStringValue(cJSON_GetObjectItem(j, "class"));
    smdpp_iccid_encode(p->iccid, ic);
    if (!spn) spn = "esimlpa test";
    if (!name) name = "Test profile";
    if (strlen(spn) > 32 || strlen(name) > 64) {
        seterr(err, errlen, "%s: spn > 32 or name > 64 bytes", p->path);
        goto out;
    }
    rspc_tlv_put(&v, 0x5A, ic, 10);
    rspc_tlv_put(&v, 0x91, (const uint8_t *)spn, strlen(spn));
    rspc_tlv_put(&v, 0x92, (const uint8_t *)name, strlen(name));
    const char *icon = cJSON_GetStringValue(cJSON_GetObjectItem(j, "icon"));
    if (icon) {
        const char *ity = cJSON_GetStringValue(cJSON_GetObjectItem(j, "iconType"));
        uint8_t *ib;
        size_t il;
        if (esimlpa__b64_decode(icon, strlen(icon), 1024, &ib, &il) != 0) {
            seterr(err, errlen, "%s: icon is not base64 of at most 1024 bytes", p->path);
            goto out;
        }
        uint8_t t = (ity && !strcmp(ity, "jpg")) ? 0 : 1;
        rspc_tlv_put(&v, 0x93, &t, 1);
        rspc_tlv_put(&v, 0x94, ib, il);
        free(ib);
    }
    if (cls && strcmp(cls, "operational")) {  /* DEFAULT operational: omitted (DER) */
        uint8_t c;
        if (!strcmp(cls, "test")) c = 0;
        else if (!strcmp(cls, "provisioning")) c = 1;
        else {
            seterr(err, errlen, "%s: class must be test, provisioning or operational", p->path);
            goto out;
        }
        rspc_tlv_put(&v, 0x95, &c, 1);
    }
    it = cJSON_GetObjectItem(j, "notifications");
    if (!it) {
        notif_entry(&nb, 0xE, defaddr);  /* enable, disable, delete -> the server (§9) */
    } else if (cJSON_IsArray(it)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, it) {
            const cJSON *evs = cJSON_GetObjectItem(e, "events"), *ev;
            const char *addr = cJSON_GetStringValue(cJSON_GetObjectItem(e, "address"));
            unsigned mask = 0;
            cJSON_ArrayForEach(ev, evs) {
                unsigned bit = cJSON_IsString(ev) ? event_bit(ev->valuestring) : 0;
                if (!bit) {
                    seterr(err, errlen, "%s: unknown notification event", p->path);
                    goto out;
                }
                mask |= bit;
            }
            notif_entry(&nb, mask, addr ? addr : defaddr);
        }
    }
    if (nb.len)
        rspc_tlv_put(&v, 0xB6, nb.data, nb.len);
    it = cJSON_GetObjectItem(j, "owner");
    if (it) {
        struct rspc_buf ob = {0};
        static const char *const keys[] = {"mccMnc", "gid1", "gid2"};
        for (int k = 0; k < 3; k++) {
            const char *h = cJSON_GetStringValue(cJSON_GetObjectItem(it, keys[k]));
            if (!h)
                continue;
            if (hex_to(h, tmp, sizeof tmp, &tl) != 0 || (k == 0 && tl != 3)) {
                rspc_buf_free(&ob);
                seterr(err, errlen, "%s: owner.%s must be hex (mccMnc 3 bytes)", p->path, keys[k]);
                goto out;
            }
            rspc_tlv_put(&ob, 0x80u + (uint32_t)k, tmp, tl);
        }
        rspc_tlv_put(&v, 0xB7, ob.data, ob.len);
        rspc_buf_free(&ob);
    }
    it = cJSON_GetObjectItem(j, "ppr");
    if (it) {
        unsigned mask = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, it) {
            const char *n = cJSON_GetStringValue(e);
            if (n && !strcmp(n, "pprUpdateControl")) mask |= 1;
            else if (n && !strcmp(n, "ppr1")) mask |= 2;
            else if (n && !strcmp(n, "ppr2")) mask |= 4;
            else {
                seterr(err, errlen, "%s: ppr entries: pprUpdateControl, ppr1, ppr2", p->path);
                goto out;
            }
        }
        put_bits(&v, 0x99, mask);
    }
    struct rspc_buf m = {0};
    if (rspc_tlv_put(&m, 0xBF25, v.data, v.len) != RSPC_OK) {
        seterr(err, errlen, "out of memory");
        goto out;
    }
    p->metadata = m.data;
    p->metadata_len = m.len;
    rc = 0;
out:
    rspc_buf_free(&v);
    rspc_buf_free(&nb);
    return rc;
}

static int check_upp(const uint8_t *u, size_t n)
{
    size_t off = 0;
    if (!n)
        return -1;
    while (off < n) {  /* a sequence of complete TLVs */
        struct rspc_tlv t;
        if (rspc_tlv_parse(u + off, n - off, &t) != RSPC_OK)
            return -1;
        off += t.total;
    }
    return 0;
}

struct smdpp_profile *smdpp_profile_load(const char *path, const char *defaddr, char *err,
                                         size_t errlen)
{
    uint8_t *text = NULL;
    size_t tlen;
    cJSON *j = NULL;
    struct smdpp_profile *p = calloc(1, sizeof *p);
    if (!p || !(p->path = strdup(path))) {
        seterr(err, errlen, "out of memory");
        goto fail;
    }
    if (read_file(path, MAX_PROFILE_FILE, &text, &tlen) != 0) {
        seterr(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto fail;
    }
    j = cJSON_ParseWithLength((const char *)text, tlen);
    if (!cJSON_IsObject(j)) {
        seterr(err, errlen, "%s: not a JSON object", path);
        goto fail;
    }
    const char *iccid = cJSON_GetStringValue(cJSON_GetObjectItem(j, "iccid"));
    uint8_t ic[10];
    if (!iccid || smdpp_iccid_encode(iccid, ic) != 0) {
        seterr(err, errlen, "%s: iccid must be 18..20 digits", path);
        goto fail;
    }
    strcpy(p->iccid, iccid);
    if (build_metadata(j, defaddr, p, err, errlen) != 0)
        goto fail;
    const cJSON *up = cJSON_GetObjectItem(j, "upp");
    const cJSON *uh = cJSON_GetObjectItem(j, "uppHex");
    const cJSON *us = cJSON_GetObjectItem(j, "uppSize");
    if (cJSON_IsString(up)) {
        char *fp = rel_path(path, up->valuestring);
        int r = fp ? read_file(fp, (size_t)16 << 20, &p->upp, &p->upp_len) : -1;
        free(fp);
        if (r) {
            seterr(err, errlen, "%s: cannot read upp file %s", path, up->valuestring);
            goto fail;
        }
    } else if (cJSON_IsString(uh)) {
        size_t n = strlen(uh->valuestring);
        p->upp = malloc(n / 2 + 1);
        if (!p->upp || hex_to(uh->valuestring, p->upp, n / 2, &p->upp_len) != 0) {
            seterr(err, errlen, "%s: uppHex is not hex", path);
            goto fail;
        }
    } else if (cJSON_IsNumber(us)) {
        p->upp = us->valuedouble >= 64 && us->valuedouble <= (16 << 20)
                     ? smdpp_upp_generate(iccid, (size_t)us->valuedouble, &p->upp_len) : NULL;
        if (!p->upp) {
            seterr(err, errlen, "%s: uppSize must be 64..16777216", path);
            goto fail;
        }
    } else {
        seterr(err, errlen, "%s: needs upp (file), uppHex or uppSize", path);
        goto fail;
    }
    if (check_upp(p->upp, p->upp_len) != 0) {
        seterr(err, errlen, "%s: the UPP is not a sequence of complete TLVs", path);
        goto fail;
    }
    cJSON_Delete(j);
    free(text);
    return p;
fail:
    cJSON_Delete(j);
    free(text);
    smdpp_profile_free(p);
    return NULL;
}

void smdpp_profile_free(struct smdpp_profile *p)
{
    if (!p)
        return;
    free(p->path);
    free(p->metadata);
    free(p->upp);
    free(p);
}
