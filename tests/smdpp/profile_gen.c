/* SPDX-License-Identifier: MIT */
/* esimlpa-profile-gen: write a test UPP (DER profile-element TLVs) of a chosen size, and
 * optionally a profile JSON for the test SM-DP+ that refers to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"

int main(int argc, char **argv)
{
    const char *iccid = "89000123456789012341", *out = NULL, *json = NULL, *name = NULL;
    const char *spn = "esimlpa test", *cls = "test";
    size_t size = 8192;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help")) {
            puts("usage: esimlpa-profile-gen --out UPP.der [--size BYTES] [--iccid DIGITS]\n"
                 "                          [--json PROFILE.json --name NAME --spn SPN "
                 "--class test|provisioning|operational]");
            return 0;
        }
        if (!v) {
            fprintf(stderr, "esimlpa-profile-gen: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--size")) size = strtoul(v, NULL, 0);
        else if (!strcmp(a, "--iccid")) iccid = v;
        else if (!strcmp(a, "--json")) json = v;
        else if (!strcmp(a, "--name")) name = v;
        else if (!strcmp(a, "--spn")) spn = v;
        else if (!strcmp(a, "--class")) cls = v;
        else {
            fprintf(stderr, "esimlpa-profile-gen: unknown option %s\n", a);
            return 2;
        }
    }
    if (!out) {
        fprintf(stderr, "esimlpa-profile-gen: --out is required\n");
        return 2;
    }
    size_t n;
    uint8_t *upp = smdpp_upp_generate(iccid, size, &n);
    if (!upp) {
        fprintf(stderr, "esimlpa-profile-gen: need an 18..20 digit ICCID and 64 <= size\n");
        return 1;
    }
    FILE *f = fopen(out, "wb");
    if (!f || fwrite(upp, 1, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "esimlpa-profile-gen: cannot write %s\n", out);
        free(upp);
        return 1;
    }
    free(upp);
    if (json) {
        const char *base = strrchr(out, '/');
        f = fopen(json, "w");
        if (!f || fprintf(f, "{\n  \"iccid\": \"%s\",\n  \"spn\": \"%s\",\n  \"name\": \"%s\",\n"
                             "  \"class\": \"%s\",\n  \"upp\": \"%s\"\n}\n", iccid, spn,
                          name ? name : "Test profile", cls, base ? base + 1 : out) < 0 ||
            fclose(f) != 0) {
            fprintf(stderr, "esimlpa-profile-gen: cannot write %s\n", json);
            return 1;
        }
    }
    return 0;
}
