/* SPDX-License-Identifier: MIT */
/* esimlpa_profile_id_parse: AID (32 hex) or ICCID (18..20 digits, optional F). */
#include <string.h>

#include <esimlpa/esimlpa.h>

#include "check.h"

static void fill(struct esimlpa_profile_id *id)
{
    memset(id, 0x5A, sizeof *id);
}

static void bad(const char *text, int want)
{
    struct esimlpa_profile_id id, sentinel;
    fill(&id);
    fill(&sentinel);
    CHECK_INT(esimlpa_profile_id_parse(text, &id), want);
    /* No partial output on failure. */
    CHECK(memcmp(&id, &sentinel, sizeof id) == 0);
}

int main(void)
{
    struct esimlpa_profile_id id;

    CHECK_INT(esimlpa_profile_id_parse("A0000005591010FFFFFFFF8900001100", &id), ESIMLPA_OK);
    CHECK_INT(id.kind, ESIMLPA_ID_AID);
    CHECK_INT(id.aid_len, 16);
    static const uint8_t aid[16] = { 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                                     0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x11, 0x00 };
    CHECK(memcmp(id.aid, aid, 16) == 0);
    CHECK_INT(esimlpa_profile_id_parse("a0000005591010ffffffff8900001100", &id), ESIMLPA_OK);
    CHECK(memcmp(id.aid, aid, 16) == 0);

    CHECK_INT(esimlpa_profile_id_parse("89000123456789012341", &id), ESIMLPA_OK);
    CHECK_INT(id.kind, ESIMLPA_ID_ICCID);
    CHECK_STR(id.iccid, "89000123456789012341");
    CHECK_INT(esimlpa_profile_id_parse("8949449999999990031F", &id), ESIMLPA_OK);
    CHECK_INT(id.kind, ESIMLPA_ID_ICCID);
    CHECK_STR(id.iccid, "8949449999999990031");
    CHECK_INT(esimlpa_profile_id_parse("8949449999999990031f", &id), ESIMLPA_OK);
    CHECK_STR(id.iccid, "8949449999999990031");
    CHECK_INT(esimlpa_profile_id_parse("894944999999999003", &id), ESIMLPA_OK);
    CHECK_STR(id.iccid, "894944999999999003");

    bad("", ESIMLPA_EBADICCID);
    bad("89000123456789012", ESIMLPA_EBADICCID);        /* 17 digits */
    bad("890001234567890123412", ESIMLPA_EBADICCID);    /* 21 digits */
    bad("8900012345F789012341", ESIMLPA_EBADAID);       /* hex, but not 32 of them */
    bad("8900012345-789012341", ESIMLPA_EBADICCID);
    bad("89000123456789012341FF", ESIMLPA_EBADAID);
    bad("A0000005591010FFFFFFFF890000110G", ESIMLPA_EBADAID);
    bad("A0000005591010FFFFFFFF89000011000", ESIMLPA_EBADAID); /* 33 hex */
    bad("A0000005591010FFFFFFFF890000110", ESIMLPA_EBADAID);   /* 31 hex */
    bad(" 89000123456789012341", ESIMLPA_EBADICCID);
    CHECK_INT(esimlpa_profile_id_parse(NULL, &id), ESIMLPA_EINVAL);
    CHECK_INT(esimlpa_profile_id_parse("89000123456789012341", NULL), ESIMLPA_EINVAL);
    return check_report("test_profile_id");
}
