/* SPDX-License-Identifier: MIT */
/* Soft eUICC: end of an ES10 download session (sgp22-notes §1.3, §1.4). */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "es10_bpp.h"
#include "softeuicc_internal.h"

void se_session_end(struct softeuicc *se)
{
    struct se_session *s = &se->session;
    se_bpp_free(s->bpp);
    free(s->server_address);
    free(s->matching_id);
    X509_free(s->dppb);
    EVP_PKEY_free(s->otsk);
    OPENSSL_cleanse(s, sizeof(*s));
    memset(s, 0, sizeof(*s));
}
