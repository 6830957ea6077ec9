/* SPDX-License-Identifier: MIT */
/* Soft eUICC ES10 handlers. Each gets the complete request TLV, returns
 * 0x9000 with the response TLV in out, or an error SW (6A80 malformed). */
#ifndef SOFTEUICC_ES10_HANDLERS_H
#define SOFTEUICC_ES10_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

#include "der.h"

struct softeuicc;

typedef unsigned (*es10_handler_fn)(struct softeuicc *se, const uint8_t *req, size_t len,
                                    struct dbuf *out);

/* es10_handlers_info.c */
unsigned es10_get_eid(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_get_euicc_info1(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_get_euicc_info2(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_get_configured_addresses(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_set_default_dp_address(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_get_rat(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_get_euicc_challenge(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
/* OperatorId TLV under the given tag (B7 profileOwner, 30 in the RAT). */
struct se_operator;
void es10_put_operator(struct dbuf *out, unsigned tag, const struct se_operator *op);
/* EUICCInfo2 TLV (BF22), also part of euiccSigned1 in AuthenticateServer. */
void es10_encode_euicc_info2(struct softeuicc *se, struct dbuf *out);

/* es10_handlers_profile.c */
unsigned es10_get_profiles_info(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_enable_profile(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_disable_profile(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_delete_profile(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_set_nickname(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_memory_reset(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);

/* es10_handlers_notif.c */
unsigned es10_list_notification(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_retrieve_notifications(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_remove_notification(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);

/* es10_handlers_auth.c */
unsigned es10_authenticate_server(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);
unsigned es10_prepare_download(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);

/* es10_handlers_cancel.c */
unsigned es10_cancel_session(struct softeuicc *, const uint8_t *, size_t, struct dbuf *);

#endif
