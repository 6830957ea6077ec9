// SPDX-License-Identifier: MIT
// A C++11 program using the public headers: each of them on its own and all
// together must compile warning-free as C++ (no anonymous enums in structs,
// extern "C" everywhere) and link against the library.
#include <esimlpa/activation.h>
#include <esimlpa/ctx.h>
#include <esimlpa/download.h>
#include <esimlpa/error.h>
#include <esimlpa/es10.h>
#include <esimlpa/es9p.h>
#include <esimlpa/esimlpa.h>
#include <esimlpa/http.h>
#include <esimlpa/qmi.h>
#include <esimlpa/mbim.h>
#include <esimlpa/renew.h>
#include <esimlpa/text.h>
#include <esimlpa/transport.h>

#include <cstdio>
#include <cstring>

int main()
{
    int fails = 0;
    if (std::strcmp(esimlpa_error_name(ESIMLPA_EINVAL), "ESIMLPA_EINVAL") != 0) {
        std::puts("FAIL: esimlpa_error_name");
        fails++;
    }
    esimlpa_profile_id id;
    if (esimlpa_profile_id_parse("8944476500001224158", &id) != 0 || id.kind != ESIMLPA_ID_ICCID) {
        std::puts("FAIL: esimlpa_profile_id_parse");
        fails++;
    }
    esimlpa_profile_filter filter;
    std::memset(&filter, 0, sizeof filter);
    filter.by = ESIMLPA_FILTER_ICCID;
    esimlpa_activation_code ac;
    if (esimlpa_activation_code_parse("LPA:1$smdp.example.com$MATCH-1", &ac) != 0 ||
        std::strcmp(ac.smdp_address, "smdp.example.com") != 0) {
        std::puts("FAIL: esimlpa_activation_code_parse");
        fails++;
    } else {
        esimlpa_activation_code_clear(&ac);
    }
    char esc[32];
    esimlpa_text_escape("a\x1b" "b", esc, sizeof esc);
    if (std::strcmp(esc, "a\\x1bb") != 0) {
        std::printf("FAIL: esimlpa_text_escape gave %s\n", esc);
        fails++;
    }
    esimlpa_ctx_options o;
    std::memset(&o, 0, sizeof o);
    o.version = ESIMLPA_CTX_OPTIONS_VERSION;
    esimlpa_ctx *ctx = nullptr;
    if (esimlpa_ctx_new(&o, &ctx) != ESIMLPA_EINVAL) {  // no transport
        std::puts("FAIL: esimlpa_ctx_new without a transport");
        fails++;
    }
    esimlpa_ctx_free(ctx);
    if (fails == 0)
        std::printf("ok: C++11 consumer of libesimlpa %s\n", esimlpa_version());
    return fails ? 1 : 0;
}
