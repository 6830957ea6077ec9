/* SPDX-License-Identifier: MIT */
/* Activation code parser (SGP.22 §4.1 "LPA:1$address$matchingId$oid$ccFlag"). */
#include <stdlib.h>
#include <string.h>

#include <esimlpa/esimlpa.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct esimlpa_activation_code ac;
    char err[128];
    int rc = esimlpa_activation_code_parse_ex(text, &ac, err, sizeof err);
    if (rc == 0) {
        if (!ac.matching_id)
            abort();   /* documented: never NULL after success */
        esimlpa_activation_code_clear(&ac);
    } else if (strlen(err) >= sizeof err) {
        abort();
    }
    rc = esimlpa_activation_code_parse(text, &ac);
    if (rc == 0)
        esimlpa_activation_code_clear(&ac);
    free(text);
    return 0;
}
