/* SPDX-License-Identifier: MIT */
/* Soft eUICC: the persistent card state (a JSON file, read with cJSON).
 * Everything an ES10 handler changes lives here and is saved atomically
 * (temp file + fsync + rename) after each change. */
#ifndef SOFTEUICC_STATE_H
#define SOFTEUICC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SE_MAX_NCI 8
#define SE_MAX_OPERATORS 8

/* NotificationEvent / PMO bits (SGP.22 §2.4a, sgp22-notes §9) */
enum { SE_EV_INSTALL = 1, SE_EV_ENABLE = 2, SE_EV_DISABLE = 4, SE_EV_DELETE = 8 };
/* PprIds bits */
enum { SE_PPR_UPDATE_CONTROL = 1, SE_PPR1 = 2, SE_PPR2 = 4 };

struct se_operator {
    uint8_t mccmnc[3];
    uint8_t gid1[16], gid2[16];
    size_t gid1_len, gid2_len;
    bool has_gid1, has_gid2;
};

struct se_nci {            /* NotificationConfigurationInformation */
    unsigned events;
    char *address;
};

struct se_profile {
    char iccid[21];        /* 19 or 20 digits */
    uint8_t aid[16];
    size_t aid_len;
    int enabled;           /* profileState: 0 disabled, 1 enabled */
    char *nickname;        /* NULL: none */
    char *spn, *name;
    int pclass;            /* 0 test, 1 provisioning, 2 operational */
    int icon_type;         /* -1: no icon */
    uint8_t *icon;
    size_t icon_len;
    struct se_nci nci[SE_MAX_NCI];
    size_t n_nci;
    bool has_nci;
    bool has_owner;
    struct se_operator owner;
    bool has_ppr;
    unsigned ppr;
    bool has_upp;          /* installed by LoadBPP: size and SHA-256 of the UPP */
    size_t upp_size;
    uint8_t upp_sha256[32];
};

struct se_notification {
    long seq;
    unsigned event;        /* exactly one SE_EV_* bit */
    char *address;
    char iccid[21];        /* "" if none */
    uint8_t *der;          /* the signed PendingNotification TLV */
    size_t der_len;
};

struct se_rat_rule {
    unsigned ppr;
    unsigned flags;
    struct se_operator ops[SE_MAX_OPERATORS];
    size_t n_ops;
};

struct se_info2 {
    uint8_t profile_version[3], svn[3], firmware[3], ts102241[3], gp[3], pp_version[3];
    bool has_ts102241, has_gp;
    uint8_t ext_card_resource[32];
    size_t ext_card_resource_len;
    unsigned uicc_capability, rsp_capability;
    int euicc_category;            /* -1: absent */
    bool has_forbidden_ppr;
    unsigned forbidden_ppr;
    char *sas_number;
};

struct se_state {
    char eid[33];
    char *default_dp;              /* NULL: not set */
    char *root_ds;
    long next_seq;
    struct se_info2 info2;
    struct se_profile *profiles;
    size_t n_profiles;
    struct se_notification *notifs;
    size_t n_notifs;
    struct se_rat_rule *rat;
    size_t n_rat;
};

/* Load the state from path. On failure returns -1 and writes a message
 * naming the file and the problem into err. */
int se_state_load(const char *path, struct se_state **out, char *err, size_t errlen);
/* Save atomically. Returns 0 or -1 (message in err). */
/* Write the state atomically (temp file + rename); sync: also fsync the file
 * and its directory, so a power cut cannot lose a change (what a card does). */
int se_state_save(const struct se_state *st, const char *path, int sync, char *err,
                  size_t errlen);
void se_state_free(struct se_state *st);

/* Helpers used by handlers. */
struct se_profile *se_state_find_iccid(struct se_state *st, const uint8_t iccid_bcd[10]);
struct se_profile *se_state_find_aid(struct se_state *st, const uint8_t *aid, size_t len);
void se_state_remove_profile(struct se_state *st, struct se_profile *p);
/* Append a copy of *p (the state takes over its allocations). Returns 0 or -1. */
int se_state_add_profile(struct se_state *st, const struct se_profile *p);
int se_state_add_notification(struct se_state *st, const struct se_notification *n);
void se_state_remove_notification(struct se_state *st, size_t idx);
void se_profile_clear(struct se_profile *p);

/* ICCID digits <-> EF.ICCID (swapped nibbles, F padded, sgp22-notes §10.5). */
int se_iccid_encode(const char *digits, uint8_t out[10]);
void se_iccid_decode(const uint8_t in[10], char out[21]);
/* EID digits -> 16 bytes (plain BCD). -1 if not 32 digits. */
int se_eid_encode(const char *digits, uint8_t out[16]);
/* SGP.29 check: int(EID) mod 97 == 1 (sgp22-notes §10.6). */
bool se_eid_valid(const char *digits);
/* Hex helpers; hex_decode returns the length or -1. */
long se_hex_decode(const char *hex, uint8_t *out, size_t cap);
void se_hex_encode(const uint8_t *in, size_t len, char *out);

#endif
