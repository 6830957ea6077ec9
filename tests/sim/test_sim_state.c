/* SPDX-License-Identifier: MIT */
/* sim-state: the state file survives a reopen (nickname, default address,
 * notifications and their sequence counter); corrupt or invalid state files
 * and bad identity files give a clear error, not a crash. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state.h"
#include "test_util.h"

#define P3 "98001032547698103214"

static void es10(struct tcard *c, int ch, const char *req, const char *want_hex)
{
    uint8_t *out, want[256];
    size_t n, wn = t_unhex(want_hex, want, sizeof(want));
    CHECK_EQ(t_es10_hex(c, ch, req, &out, &n), 0x9000);
    CHECK(n == wn && !memcmp(out, want, wn));
    free(out);
}

static void test_persistence(void)
{
    struct tcard c = { 0 };
    t_open(&c, "nist");
    int ch = t_open_isdr(&c);
    es10(&c, ch, "BF2912 5A0A" P3 " 9004 4E657721", "BF2903800100");
    es10(&c, ch, "BF3F0D800B6578616D706C652E636F6D", "BF3F03800100");
    es10(&c, ch, "BF3111A00C5A0A989444999999990930F1810100", "BF3103800100");
    t_reopen(&c, "nist");
    ch = t_open_isdr(&c);
    es10(&c, ch, "BF2D11A00C5A0A" P3 "5C0190", "BF2D0AA008E306 90044E657721");
    es10(&c, ch, "BF3C00", "BF3C27 800B6578616D706C652E636F6D "
                           "8118 74657374726F6F74736D64732E6578616D706C652E636F6D");
    /* two notifications kept (seq 1, 2); the counter continues at 3 */
    uint8_t *out;
    size_t n, vl;
    CHECK_EQ(t_es10_hex(&c, ch, "BF2800", &out, &n), 0x9000);
    const uint8_t *a0 = t_find(out, n, 0xA0, &vl);
    CHECK(a0 && vl == 2 * 0x31);
    free(out);
    es10(&c, ch, "BF3211A00C5A0A989444999999990930F1810100", "BF3203800100");
    CHECK_EQ(t_es10_hex(&c, ch, "BF2B05A003800103", &out, &n), 0x9000);
    const uint8_t *seq = t_find(out, n, 0x80, &vl);   /* first 80 inside BF2F */
    CHECK(seq && vl == 1 && seq[0] == 3);
    free(out);
    t_close(&c);
}

/* Write text to a state file and try to open it; expect failure with a
 * message containing want. */
static void expect_bad_state(const char *text, const char *want)
{
    char path[] = "/tmp/sim-bad-state-XXXXXX", err[512] = "";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK_EQ(write(fd, text, strlen(text)), (long)strlen(text));
    close(fd);
    struct softeuicc_options o = {
        .version = SOFTEUICC_OPTIONS_VERSION, .state_path = path,
        .euicc_key_path = t_pki("euicc_nist.key"), .euicc_cert_path = t_pki("euicc_nist.der"),
        .eum_cert_path = t_pki("eum_nist.der"), .err = err, .err_len = sizeof(err),
    };
    struct softeuicc *se = (struct softeuicc *)1;
    CHECK_EQ(softeuicc_open(&o, &se), -1);
    CHECK(se == NULL);
    if (!strstr(err, want)) {
        fprintf(stderr, "error \"%s\" does not mention \"%s\"\n", err, want);
        t_failures++;
    }
    unlink(path);
}

static char *seed_with(const char *from, const char *to)
{
    FILE *f = fopen(t_seed(), "rb");
    static char buf[16384], out[16384];
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = 0;
    char *p = strstr(buf, from);
    if (!p) {
        fprintf(stderr, "seed has no %s\n", from);
        exit(2);
    }
    snprintf(out, sizeof(out), "%.*s%s%s", (int)(p - buf), buf, to, p + strlen(from));
    return out;
}

static void test_bad_states(void)
{
    expect_bad_state("{ not json", "not valid JSON");
    expect_bad_state("", "not valid JSON");
    expect_bad_state("[1,2,3]", "not a soft-eUICC state file");
    expect_bad_state("{\"format_version\": 99}", "format_version");
    expect_bad_state(seed_with("\"eid\": \"8904", "\"eid\": \"89X4"), "eid");
    expect_bad_state(seed_with("\"iccid\": \"89049032000000000013\"", "\"iccid\": \"12\""),
                     "profiles[0]: \"iccid\"");
    expect_bad_state(seed_with("\"state\": \"disabled\"", "\"state\": \"enabled\""),
                     "more than one profile is enabled");
    expect_bad_state(seed_with("\"svn\": \"2.3.0\"", "\"svn\": \"two\""), "svn");
    expect_bad_state(seed_with("\"next_seq\": 1", "\"next_seq\": -1"), "next_seq");
    expect_bad_state(seed_with("\"notifications\": []", "\"notifications\": [{\"seq\": 1}]"),
                     "notifications[0]");
    /* missing file, and identity errors */
    char err[512] = "";
    struct softeuicc *se;
    struct softeuicc_options o = {
        .version = SOFTEUICC_OPTIONS_VERSION, .state_path = "/nonexistent/state.json",
        .euicc_key_path = t_pki("euicc_nist.key"), .euicc_cert_path = t_pki("euicc_nist.der"),
        .eum_cert_path = t_pki("eum_nist.der"), .err = err, .err_len = sizeof(err),
    };
    CHECK_EQ(softeuicc_open(&o, &se), -1);
    CHECK(strstr(err, "/nonexistent/state.json") != NULL);
    o.state_path = t_seed();
    o.euicc_key_path = t_pki("euicc_brp.key");          /* key of another certificate */
    CHECK_EQ(softeuicc_open(&o, &se), -1);
    CHECK(strstr(err, "does not match") != NULL);
    o.euicc_key_path = t_pki("euicc_nist.der");         /* not a key */
    CHECK_EQ(softeuicc_open(&o, &se), -1);
    CHECK(strstr(err, "private key") != NULL);
    o.euicc_key_path = t_pki("euicc_nist.key");
    o.ci_cert_path = t_pki("ci_nist.pem");             /* works, PKID from the CI */
    CHECK_EQ(softeuicc_open(&o, &se), 0);
    softeuicc_close(se);
}

int main(int argc, char **argv)
{
    t_setup(argc, argv);
    test_persistence();
    test_bad_states();
    return t_done();
}
