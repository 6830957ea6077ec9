/* SPDX-License-Identifier: MIT */
/* A program outside the source tree: built against the installed library
 * with nothing but `pkg-config --cflags --libs libesimlpa`. */
#include <stdio.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

int main(void)
{
    const char *v = esimlpa_version();
    if (!v || strcmp(v, ESIMLPA_CONSUMER_EXPECT_VERSION) != 0) {
        fprintf(stderr, "version: got %s, want %s\n", v ? v : "(null)",
                ESIMLPA_CONSUMER_EXPECT_VERSION);
        return 1;
    }
    const char *e = esimlpa_strerror(ESIMLPA_EBADACTIVATION);
    if (!e || !*e || strcmp(esimlpa_error_name(ESIMLPA_EBADACTIVATION), "ESIMLPA_EBADACTIVATION")) {
        fprintf(stderr, "strerror/error_name wrong: %s / %s\n", e ? e : "(null)",
                esimlpa_error_name(ESIMLPA_EBADACTIVATION));
        return 1;
    }
    struct esimlpa_activation_code ac;
    int rc = esimlpa_activation_code_parse("LPA:1$smdp.example.com$MATCH-1", &ac);
    if (rc != ESIMLPA_OK || strcmp(ac.smdp_address, "smdp.example.com") != 0 ||
        strcmp(ac.matching_id, "MATCH-1") != 0) {
        fprintf(stderr, "activation code parse: rc %d\n", rc);
        return 1;
    }
    esimlpa_activation_code_clear(&ac);
    if (esimlpa_activation_code_parse("LPA:2$x$y", &ac) != ESIMLPA_EBADACTIVATION) {
        fprintf(stderr, "bad activation code accepted\n");
        return 1;
    }
    printf("consumer ok: libesimlpa %s, \"%s\"\n", v, e);
    return 0;
}
