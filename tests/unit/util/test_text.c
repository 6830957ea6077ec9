/* SPDX-License-Identifier: MIT */
/* esimlpa_text_escape / esimlpa_text_utf8_repair (esimlpa/text.h): hostile
 * text from cards and servers made safe for a terminal and for JSON. */
#include <stdio.h>
#include <string.h>

#include <esimlpa/text.h>

#include "util/util_internal.h"

static int failures;
#define CHECK(c) do { if (!(c)) { failures++; \
    fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); } } while (0)

static void escape_is(const char *in, const char *want)
{
    char out[256];
    size_t n = esimlpa_text_escape(in, out, sizeof out);
    if (strcmp(out, want) != 0 || n != strlen(want)) {
        failures++;
        fprintf(stderr, "escape: got \"%s\" (%zu), want \"%s\"\n", out, n, want);
    }
}

static void repair_is(const char *in, const char *want)
{
    char out[256];
    size_t n = esimlpa_text_utf8_repair(in, out, sizeof out);
    if (strcmp(out, want) != 0 || n != strlen(want)) {
        failures++;
        fprintf(stderr, "repair: got \"%s\" (%zu), want \"%s\"\n", out, n, want);
    }
}

int main(void)
{
    /* The hostile names of the review: screen clear, window title, bell. */
    escape_is("\x1b[2J\x1b]0;pwned\x07" "Evil Corp", "\\x1b[2J\\x1b]0;pwned\\x07Evil Corp");
    escape_is("plain ASCII", "plain ASCII");
    escape_is("Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb1", "Caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\xb1");
    escape_is("a\nb\tc\r\x7f", "a\\x0ab\\x09c\\x0d\\x7f");
    escape_is("C1 \xc2\x9b" "31m", "C1 \\x9b31m");                 /* CSI as U+009B */
    escape_is("rtl \xe2\x80\xae" "gpj.exe", "rtl \\u202egpj.exe");  /* direction override */
    escape_is("bom \xef\xbb\xbf", "bom \\ufeff");
    escape_is("back\\slash", "back\\\\slash");
    escape_is("bad \xff \xc0\xaf \xed\xa0\x80 \xe2\x82", "bad \\xff \\xc0\\xaf \\xed\\xa0\\x80 \\xe2\\x82");
    escape_is(NULL, "");
    repair_is("ok \xc3\xa9", "ok \xc3\xa9");
    repair_is("bad \xff!", "bad \xef\xbf\xbd!");
    repair_is("cut \xe2\x82", "cut \xef\xbf\xbd\xef\xbf\xbd");
    repair_is("\x1b[2J", "\x1b[2J");   /* valid UTF-8: JSON escapes it itself */

    /* snprintf rules: the whole length is returned, nothing cut in half. */
    char small[6];
    CHECK(esimlpa_text_escape("ab\x1b" "cd", small, sizeof small) == 8);
    CHECK(strcmp(small, "ab") == 0);                  /* "\x1b" does not fit whole */
    CHECK(esimlpa_text_escape("abc", NULL, 0) == 3);
    char one[1] = { 'x' };
    CHECK(esimlpa_text_escape("abc", one, 1) == 3 && one[0] == '\0');
    char four[4];
    CHECK(esimlpa_text_utf8_repair("a\xe2\x82\xac", four, sizeof four) == 4 && !strcmp(four, "a"));

    /* What the library refuses to write to the card as a nickname. */
    CHECK(!esimlpa__text_has_controls("Work phone \xc3\xa9", 13));
    CHECK(esimlpa__text_has_controls("\x1b[2J", 4));
    CHECK(esimlpa__text_has_controls("two\nlines", 9));
    CHECK(esimlpa__text_has_controls("c1 \xc2\x85", 5));
    CHECK(esimlpa__text_has_controls("bad \xff", 5));

    if (failures)
        return 1;
    printf("text: escape, repair and control checks ok\n");
    return 0;
}
