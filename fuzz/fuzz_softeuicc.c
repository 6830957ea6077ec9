/* SPDX-License-Identifier: MIT */
/* The soft eUICC's command handler (tests/sim): the input is a list of
 * command APDUs (one length byte, then that many bytes), processed in
 * order by a soft eUICC opened on a fresh copy of the seed state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_data.h"
#include "softeuicc.h"

#define MAX_APDUS 64

static char state_path[256];
static char key[1024], cert[1024], eum[1024], ci[1024], seed[1024];

static void setup(void)
{
    if (state_path[0])
        return;
    char dir[] = "/tmp/fuzz-softeuicc-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    snprintf(state_path, sizeof state_path, "%s/state.json", dir);
    snprintf(key, sizeof key, "%s", fuzz_data_path(FUZZ_DATA_PKI, "euicc_nist.key"));
    snprintf(cert, sizeof cert, "%s", fuzz_data_path(FUZZ_DATA_PKI, "euicc_nist.der"));
    snprintf(eum, sizeof eum, "%s", fuzz_data_path(FUZZ_DATA_PKI, "eum_nist.pem"));
    snprintf(ci, sizeof ci, "%s", fuzz_data_path(FUZZ_DATA_PKI, "ci_nist.der"));
    snprintf(seed, sizeof seed, "%s", fuzz_data_path(FUZZ_DATA_SEED, NULL));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    unlink(state_path);
    char err[256] = "";
    struct softeuicc_options o = {
        .version = SOFTEUICC_OPTIONS_VERSION, .state_path = state_path, .seed_path = seed,
        .euicc_key_path = key, .euicc_cert_path = cert, .eum_cert_path = eum,
        .ci_cert_path = ci, .err = err, .err_len = sizeof err,
        .t0_get_response = size > 0 && (data[0] & 1),
        .no_sync = 1,   /* thousands of throwaway cards: durability is not under test */
    };
    struct softeuicc *se = NULL;
    if (softeuicc_open(&o, &se) != 0) {
        fprintf(stderr, "softeuicc_open: %s\n", err);
        abort();
    }
    size_t off = size > 0 ? 1 : 0;
    for (int i = 0; i < MAX_APDUS && off < size; i++) {
        size_t n = data[off++];
        if (n > size - off)
            n = size - off;
        uint8_t resp[300];
        size_t resp_len = sizeof resp;
        /* an exact-size copy so reads past the command are caught */
        uint8_t *cmd = malloc(n ? n : 1);
        if (!cmd)
            break;
        memcpy(cmd, data + off, n);
        softeuicc_process_apdu(se, cmd, n, resp, &resp_len);
        free(cmd);
        if (resp_len < 2 || resp_len > 258)
            abort();   /* every answer ends with a status word and fits a short APDU */
        off += n;
    }
    softeuicc_close(se);
    return 0;
}
