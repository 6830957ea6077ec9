/* SPDX-License-Identifier: MIT */
/* Replays fuzz/regressions/asn1/: inputs that once crashed, hung or were
 * mis-decoded by the asn1c runtime (fixed by asn1/patches/). A file is
 * named <Type>-<what>[-accept|-reject].der; it is decoded as <Type> with
 * the strict wrapper (bounded stack) and, if decoded, re-encoded. Names
 * ending in -accept / -reject must decode / must be refused. Under
 * ASan/UBSan this also proves the absence of memory errors and UB. */
#include <dirent.h>

#include <AuthenticateServerResponse.h>
#include <BoundProfilePackage.h>
#include <EUICCInfo2.h>
#include <EnableProfileRequest.h>
#include <ProfileInfo.h>
#include <ProfileInfoListResponse.h>
#include <RetrieveNotificationsListResponse.h>
#include <StoreMetadataRequest.h>

#include "asn1_test_util.h"

static const asn_TYPE_descriptor_t *type_by_name(const char *name, size_t len)
{
    static const asn_TYPE_descriptor_t *const types[] = {
        &asn_DEF_AuthenticateServerResponse, &asn_DEF_BoundProfilePackage,
        &asn_DEF_EUICCInfo2, &asn_DEF_EnableProfileRequest,
        &asn_DEF_ProfileInfoListResponse, &asn_DEF_RetrieveNotificationsListResponse,
        &asn_DEF_StoreMetadataRequest,
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i]->name) == len && memcmp(types[i]->name, name, len) == 0)
            return types[i];
    return NULL;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *b = malloc(cap);
    size_t r;
    while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            uint8_t *nb = realloc(b, cap *= 2);
            if (!nb) { free(b); b = NULL; }
            else b = nb;
        }
    }
    fclose(f);
    *len = n;
    return b;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s fuzz/regressions/asn1\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 1;
    }
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!ends_with(e->d_name, ".der"))
            continue;
        const char *dash = strchr(e->d_name, '-');
        const asn_TYPE_descriptor_t *td =
            dash ? type_by_name(e->d_name, (size_t)(dash - e->d_name)) : NULL;
        if (!td) {
            fprintf(stderr, "%s: unknown type prefix\n", e->d_name);
            failures++;
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
        size_t n = 0;
        uint8_t *buf = read_file(path, &n);
        if (!buf) {
            fprintf(stderr, "%s: cannot read\n", path);
            failures++;
            continue;
        }
        void *p = NULL;
        int rc = esimlpa__der_decode(td, &p, buf, n);
        if (rc == 0) {
            uint8_t *out = NULL;
            size_t on = 0;
            if (esimlpa__der_encode(td, p, &out, &on) == 0) {
                void *q = NULL;
                if (esimlpa__der_decode(td, &q, out, on) != 0) {
                    fprintf(stderr, "%s: own DER does not decode\n", e->d_name);
                    failures++;
                }
                ASN_STRUCT_FREE(*(asn_TYPE_descriptor_t *)td, q);
                free(out);
            }
            ASN_STRUCT_FREE(*(asn_TYPE_descriptor_t *)td, p);
        } else if (p) {
            fprintf(stderr, "%s: failed decode left a structure\n", e->d_name);
            failures++;
        }
        if (ends_with(e->d_name, "-accept.der") && rc != 0) {
            fprintf(stderr, "%s: should decode but was refused\n", e->d_name);
            failures++;
        }
        if (ends_with(e->d_name, "-reject.der") && rc == 0) {
            fprintf(stderr, "%s: should be refused but decoded\n", e->d_name);
            failures++;
        }
        free(buf);
        count++;
    }
    closedir(d);
    CHECK(count > 0);
    if (failures) {
        fprintf(stderr, "test_asn1_regressions: %d failure(s) in %d inputs\n", failures, count);
        return 1;
    }
    printf("test_asn1_regressions: %d inputs ok\n", count);
    return 0;
}
