/* SPDX-License-Identifier: MIT */
/* Parsing of AT modem answers: final results, echo, channel numbers in the
 * formats modems send, +CGLA/+CSIM answers with and without prefix. */
#include <stdio.h>
#include <string.h>

#include "apdu/at_internal.h"

static int failures;
#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #c); \
    failures++; } } while (0)

static long ch_of(const char *line)
{
    unsigned long ch = 999;
    return esimlpa__at_parse_channel(line, &ch) == 0 ? (long)ch : -1;
}

int main(void)
{
    CHECK(esimlpa__at_final("OK") == ESIMLPA_AT_FINAL_OK);
    CHECK(esimlpa__at_final("ok ") == ESIMLPA_AT_FINAL_OK);
    CHECK(esimlpa__at_final("ERROR") == ESIMLPA_AT_FINAL_ERROR);
    CHECK(esimlpa__at_final("+CME ERROR: 4") == ESIMLPA_AT_FINAL_ERROR);
    CHECK(esimlpa__at_final("+CMS ERROR: 500") == ESIMLPA_AT_FINAL_ERROR);
    CHECK(esimlpa__at_final("COMMAND NOT SUPPORT") == ESIMLPA_AT_FINAL_ERROR);
    CHECK(esimlpa__at_final("OKAY") == ESIMLPA_AT_NOT_FINAL);
    CHECK(esimlpa__at_final("+CGLA: 4,\"9000\"") == ESIMLPA_AT_NOT_FINAL);
    CHECK(esimlpa__at_is_echo("AT+CGLA=1,10,\"81E2910003\""));
    CHECK(!esimlpa__at_is_echo("+CGLA: 4,\"9000\""));

    CHECK(ch_of("+CCHO: 1") == 1);
    CHECK(ch_of("+CCHO:2") == 2);
    CHECK(ch_of("+CCHO: \"3\"") == 3);
    CHECK(ch_of("+ccho: 0001") == 1);
    CHECK(ch_of("+CCHO: 000A") == 10);
    CHECK(ch_of("+CCHO: 0x0b") == 11);
    CHECK(ch_of("1") == 1);
    CHECK(ch_of(" 19 ") == 19);
    CHECK(ch_of("+CCHO: 1234567") == 1234567);   /* a session id, not a channel */
    CHECK(ch_of("+CREG: 1") == -1);
    CHECK(ch_of("RING") == -1);
    CHECK(ch_of("+CCHO: \"1") == -1);
    CHECK(ch_of("+CCHO: 1 2") == -1);
    CHECK(ch_of("") == -1);

    uint8_t out[300];
    CHECK(esimlpa__at_parse_apdu("+CGLA: 4,\"9000\"", "+CGLA", out, sizeof out) == 2 &&
          out[0] == 0x90 && out[1] == 0x00);
    CHECK(esimlpa__at_parse_apdu("+CGLA: 6,\"01ab9000\"", "+CGLA", out, sizeof out) == -2);
    CHECK(esimlpa__at_parse_apdu("+CGLA: 8,01ab9000", "+CGLA", out, sizeof out) == 4 &&
          out[1] == 0xAB);
    CHECK(esimlpa__at_parse_apdu("8,\"01AB9000\"", "+CGLA", out, sizeof out) == 4);
    CHECK(esimlpa__at_parse_apdu("4,\"01AB9000\"", "+CGLA", out, sizeof out) == 4); /* bytes */
    CHECK(esimlpa__at_parse_apdu("\"6A82\"", "+CGLA", out, sizeof out) == 2 && out[0] == 0x6A);
    CHECK(esimlpa__at_parse_apdu("+CSIM: 4,\"6F00\"", "+CSIM", out, sizeof out) == 2);
    CHECK(esimlpa__at_parse_apdu("+CSIM: 4,\"6F00\"", "+CGLA", out, sizeof out) == -1);
    CHECK(esimlpa__at_parse_apdu("+CREG: 1,\"00C3\"", "+CGLA", out, sizeof out) == -1);
    CHECK(esimlpa__at_parse_apdu("RING", "+CGLA", out, sizeof out) == -1);
    CHECK(esimlpa__at_parse_apdu("+CGLA: 3,\"900\"", "+CGLA", out, sizeof out) == -2);
    CHECK(esimlpa__at_parse_apdu("+CGLA: 4,\"90G0\"", "+CGLA", out, sizeof out) == -2);
    CHECK(esimlpa__at_parse_apdu("+CGLA: 2,\"90\"", "+CGLA", out, sizeof out) == -2);
    CHECK(esimlpa__at_parse_apdu("+CGLA: 4,\"9000", "+CGLA", out, sizeof out) == -2);
    CHECK(esimlpa__at_parse_apdu("+CGLA: 4,\"9000\" x", "+CGLA", out, sizeof out) == -2);
    CHECK(esimlpa__at_parse_apdu("+CGLA: 6,\"AABB9000\"", "+CGLA", out, 2) == -2);
    /* 258 bytes fit, 259 do not */
    char big[600];
    int n = snprintf(big, sizeof big, "+CGLA: 516,\"");
    for (int i = 0; i < 258; i++)
        n += snprintf(big + n, sizeof big - (size_t)n, "%02X", i & 0xFF);
    snprintf(big + n, sizeof big - (size_t)n, "\"");
    CHECK(esimlpa__at_parse_apdu(big, "+CGLA", out, 258) == 258);
    CHECK(esimlpa__at_parse_apdu(big, "+CGLA", out, 257) == -2);

    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}
