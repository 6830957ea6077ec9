/* SPDX-License-Identifier: MIT */
/* smdpp-profile-gen: generated UPPs have the exact size, are complete DER TLVs starting with a
 * ProfileHeader-like A0 that carries the ICCID, are deterministic; the CLI writes the same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile.h"
#include "rspcrypto.h"

static int fails;
#define CHECK(c) do { if (!(c)) { fails++; fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); } } while (0)

static void check_upp(const char *iccid, size_t size)
{
    size_t n, n2, off = 0, count = 0;
    uint8_t *u = smdpp_upp_generate(iccid, size, &n);
    uint8_t *u2 = smdpp_upp_generate(iccid, size, &n2);
    CHECK(u && u2 && n == size && n2 == n && !memcmp(u, u2, n));
    if (!u) {
        free(u2);
        return;
    }
    while (off < n) {
        struct rspc_tlv t;
        if (rspc_tlv_parse(u + off, n - off, &t) != RSPC_OK) {
            fails++;
            fprintf(stderr, "size %zu: bad TLV at %zu\n", size, off);
            break;
        }
        CHECK(t.total <= 1024 || count == 0);
        if (count == 0) {
            uint8_t ic[10];
            struct rspc_tlv h;
            size_t o = 0;
            int found = 0;
            CHECK(t.tag == 0xA0);
            smdpp_iccid_encode(iccid, ic);
            while (o < t.len && rspc_tlv_parse(t.value + o, t.len - o, &h) == RSPC_OK) {
                if (h.tag == 0x83 && h.len == 10 && !memcmp(h.value, ic, 10))
                    found = 1;
                o += h.total;
            }
            CHECK(found);
        }
        off += t.total;
        count++;
    }
    CHECK(u[n - 5] == 0xAA);
    free(u);
    free(u2);
}

int main(int argc, char **argv)
{
    for (size_t s = 64; s < 3000; s++)
        check_upp("89000123456789012341", s);
    check_upp("8949449999999990031", 8192);
    check_upp("89000123456789012341", 30 * 1024);
    check_upp("89000123456789012341", 100 * 1024);
    size_t n;
    CHECK(smdpp_upp_generate("123", 8192, &n) == NULL);
    CHECK(smdpp_upp_generate("89000123456789012341", 10, &n) == NULL);
    uint8_t ic[10];
    CHECK(smdpp_iccid_encode("89000123456789012341", ic) == 0 &&
          !memcmp(ic, "\x98\x00\x10\x32\x54\x76\x98\x10\x32\x14", 10));
    CHECK(smdpp_iccid_encode("8949449999999990031", ic) == 0 && ic[9] == 0xF1);
    if (argc == 2) {  /* the CLI, through meson's exe wrapper (qemu-user) in a cross build */
        const char *wrap = getenv("MESON_EXE_WRAPPER") ? getenv("MESON_EXE_WRAPPER") : "";
        char dir[] = "/tmp/smdpp-gen-XXXXXX", cmd[1024], path[256], json[256];
        CHECK(mkdtemp(dir) != NULL);
        snprintf(path, sizeof path, "%s/p.der", dir);
        snprintf(json, sizeof json, "%s/p.json", dir);
        snprintf(cmd, sizeof cmd, "%s '%s' --out %s --size 30000 --iccid 89000123456789012358 "
                 "--json %s --name X", wrap, argv[1], path, json);
        CHECK(system(cmd) == 0);
        FILE *f = fopen(path, "rb");
        uint8_t *buf = malloc(40000);
        size_t got = f && buf ? fread(buf, 1, 40000, f) : 0;
        if (f)
            fclose(f);
        uint8_t *u = smdpp_upp_generate("89000123456789012358", 30000, &n);
        CHECK(got == 30000 && u && !memcmp(buf, u, n));
        char err[256];
        struct smdpp_profile *p = smdpp_profile_load(json, "host.example", err, sizeof err);
        CHECK(p && p->upp_len == 30000 && !memcmp(p->upp, u, n));
        smdpp_profile_free(p);
        free(u);
        free(buf);
        snprintf(cmd, sizeof cmd, "%s '%s' --size 8 --out %s 2>/dev/null", wrap, argv[1], path);
        CHECK(system(cmd) != 0);
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        CHECK(system(cmd) == 0);
    }
    if (fails)
        fprintf(stderr, "%d check(s) failed\n", fails);
    return fails ? 1 : 0;
}
