/* SPDX-License-Identifier: MIT */
/*
 * esimlpa_strerror / esimlpa_error_name cover every code of error.h: the
 * header (path in argv[1]) is read and each "ESIMLPA_X = -n" checked.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "check.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s path/to/error.h\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    char line[512];
    int seen = 0;
    int codes[256];
    while (fgets(line, sizeof line, f)) {
        char name[128];
        int value;
        if (sscanf(line, " %127[A-Z0-9_] = %d", name, &value) != 2 ||
            strncmp(name, "ESIMLPA_", 8) != 0)
            continue;
        CHECK_STR(esimlpa_error_name(value), name);
        const char *text = esimlpa_strerror(value);
        CHECK(text != NULL && text[0] != '\0');
        CHECK(strcmp(text, "unknown error") != 0);
        for (int i = 0; i < seen && i < 256; i++)
            if (codes[i] == value) {
                CHECK(!"duplicate code in error.h");
                fprintf(stderr, "duplicate %d (%s)\n", value, name);
            }
        if (seen < 256)
            codes[seen] = value;
        seen++;
    }
    fclose(f);
    /* Sanity: the header defines at least the codes this test was written with. */
    CHECK(seen >= 49);

    /* Distinct texts for distinct codes. */
    for (int i = 0; i < seen && i < 256; i++)
        for (int j = i + 1; j < seen && j < 256; j++)
            CHECK(strcmp(esimlpa_strerror(codes[i]), esimlpa_strerror(codes[j])) != 0);

    CHECK_STR(esimlpa_strerror(-9999), "unknown error");
    CHECK_STR(esimlpa_strerror(1), "unknown error");
    CHECK(esimlpa_error_name(-9999) != NULL);
    CHECK_STR(esimlpa_error_name(ESIMLPA_EPROFILE_NOT_DISABLED), "ESIMLPA_EPROFILE_NOT_DISABLED");
    CHECK_STR(esimlpa_strerror(ESIMLPA_EPROFILE_NOT_DISABLED), "profile not in disabled state");
    return check_report("test_error");
}
