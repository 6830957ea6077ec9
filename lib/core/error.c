/* SPDX-License-Identifier: MIT */
/* Names and descriptions of the error codes of include/esimlpa/error.h. */
#include <stddef.h>

#include <esimlpa/error.h>

struct error_entry {
    int code;
    const char *name;
    const char *text;
};

#define E(code, text) { code, #code, text }

static const struct error_entry errors[] = {
    E(ESIMLPA_OK, "success"),
    E(ESIMLPA_EINVAL, "invalid argument"),
    E(ESIMLPA_ENOMEM, "out of memory"),
    E(ESIMLPA_EINTERNAL, "internal error"),
    E(ESIMLPA_EUNSUPPORTED, "operation not supported"),
    E(ESIMLPA_ESTATE, "context in the wrong state (not open, or already open)"),
    E(ESIMLPA_EBADICCID, "malformed ICCID"),
    E(ESIMLPA_EBADAID, "malformed AID"),
    E(ESIMLPA_ETOOLONG, "argument too long"),
    E(ESIMLPA_EBADTEXT, "text with control characters or not valid UTF-8"),

    E(ESIMLPA_ETRANSPORT, "transport failure"),
    E(ESIMLPA_ENOREADER, "no card reader found"),
    E(ESIMLPA_ENOCARD, "no card in the reader"),
    E(ESIMLPA_ECARDREMOVED, "card removed or reset"),
    E(ESIMLPA_ETIMEOUT, "no answer in time (card, modem or server)"),
    E(ESIMLPA_EBUSY, "the card is in use by another program"),
    E(ESIMLPA_ENOSERVICE, "PC/SC service not running"),

    E(ESIMLPA_ESW, "unexpected status word"),
    E(ESIMLPA_ENOCHANNEL, "no logical channel available"),
    E(ESIMLPA_ENOISDR, "ISD-R not found (not an eUICC)"),
    E(ESIMLPA_ESW_WRONG_LENGTH, "wrong length (6700)"),
    E(ESIMLPA_ESW_WRONG_DATA, "wrong data (6A80)"),
    E(ESIMLPA_ESW_CONDITIONS, "conditions of use not satisfied (6985)"),
    E(ESIMLPA_ESW_INS_UNSUPPORTED, "instruction not supported (6D00)"),
    E(ESIMLPA_ESW_CLA_UNSUPPORTED, "class not supported (6E00)"),
    E(ESIMLPA_ESW_WRONG_P1P2, "wrong parameters P1-P2 (6A86/6B00)"),
    E(ESIMLPA_ESW_TECHNICAL, "technical problem on the card (6F00)"),
    E(ESIMLPA_ESW_SECURITY, "security status not satisfied (6982)"),
    E(ESIMLPA_ESW_MEMORY, "memory problem on the card (6581/6A84)"),
    E(ESIMLPA_ESW_NOT_FOUND, "file or application not found (6A82)"),
    E(ESIMLPA_ETOOBIG, "response too large"),

    E(ESIMLPA_EDECODE, "malformed data from the card"),
    E(ESIMLPA_EENCODE, "request could not be encoded"),
    E(ESIMLPA_EUNEXPECTED, "unexpected response"),

    E(ESIMLPA_EICCID_OR_AID_NOT_FOUND, "ICCID or AID not found"),
    E(ESIMLPA_EPROFILE_NOT_DISABLED, "profile not in disabled state"),
    E(ESIMLPA_EPROFILE_NOT_ENABLED, "profile not in enabled state"),
    E(ESIMLPA_EDISALLOWED_BY_POLICY, "disallowed by policy"),
    E(ESIMLPA_EWRONG_PROFILE_REENABLING, "wrong profile re-enabling"),
    E(ESIMLPA_ECAT_BUSY, "CAT busy"),
    E(ESIMLPA_ENOTHING_TO_DELETE, "nothing to delete"),
    E(ESIMLPA_EICCID_NOT_FOUND, "ICCID not found"),
    E(ESIMLPA_EINCORRECT_INPUT, "incorrect input values"),
    E(ESIMLPA_ENO_RESULT, "no result available"),
    E(ESIMLPA_EEUICC_UNDEFINED, "undefined eUICC error"),
    E(ESIMLPA_EEUICC_UNKNOWN_RESULT, "eUICC result code not defined by SGP.22"),

    E(ESIMLPA_EHTTP, "HTTP transport failure"),
    E(ESIMLPA_EHTTP_CONNECT, "cannot resolve or connect to the server"),
    E(ESIMLPA_EHTTP_TLS, "TLS handshake failed"),
    E(ESIMLPA_EHTTP_CERT, "server certificate not trusted, expired or for another host"),
    E(ESIMLPA_EHTTP_STATUS, "unexpected HTTP status"),
    E(ESIMLPA_EHTTP_TOOBIG, "HTTP response too large"),
    E(ESIMLPA_EHTTP_PLAIN, "plain http:// refused"),
    E(ESIMLPA_EHTTP_CLOSED, "connection closed before the whole response arrived"),

    E(ESIMLPA_EES9_FAILED, "SM-DP+/SM-DS function failed"),
    E(ESIMLPA_EES9_EXPIRED, "SM-DP+/SM-DS function expired"),
    E(ESIMLPA_EES9_BADRESPONSE, "malformed SM-DP+/SM-DS response"),
    E(ESIMLPA_EBADACTIVATION, "malformed activation code"),
    E(ESIMLPA_EHEADER, "missing or unsupported X-Admin-Protocol or content type"),
    E(ESIMLPA_EBADADDRESS, "invalid SM-DP+ address"),

    E(ESIMLPA_EREFUSED, "profile refused by the user"),
    E(ESIMLPA_ECC_REQUIRED, "confirmation code required"),
    E(ESIMLPA_EMETADATA_MISMATCH, "profile metadata in the package differs from the announced one"),
    E(ESIMLPA_EPPR_NOT_ALLOWED, "profile policy rules not allowed on this eUICC"),
    E(ESIMLPA_ENO_DEFAULT_DP, "no SM-DP+ address given and none configured on the eUICC"),
    E(ESIMLPA_EOID_MISMATCH, "the SM-DP+ OID of the server differs from the activation code's"),
    E(ESIMLPA_ECANCELLED, "cancelled"),
    E(ESIMLPA_EROLLED_BACK, "the new profile failed its check; the old profile is enabled again"),
    E(ESIMLPA_EJOURNAL, "the renewal journal cannot be used"),

    E(ESIMLPA_EAUTH_INVALID_CERTIFICATE, "server authentication: invalid certificate"),
    E(ESIMLPA_EAUTH_INVALID_SIGNATURE, "server authentication: invalid signature"),
    E(ESIMLPA_EAUTH_UNSUPPORTED_CURVE, "server authentication: unsupported curve"),
    E(ESIMLPA_EAUTH_NO_SESSION, "server authentication: no session context"),
    E(ESIMLPA_EAUTH_INVALID_OID, "server authentication: invalid OID"),
    E(ESIMLPA_EAUTH_CHALLENGE_MISMATCH, "server authentication: eUICC challenge mismatch"),
    E(ESIMLPA_EAUTH_CI_PK_UNKNOWN, "server authentication: CI public key unknown"),
    E(ESIMLPA_EAUTH_UNDEFINED, "server authentication: undefined error"),

    E(ESIMLPA_EPREP_INVALID_CERTIFICATE, "prepare download: invalid certificate"),
    E(ESIMLPA_EPREP_INVALID_SIGNATURE, "prepare download: invalid signature"),
    E(ESIMLPA_EPREP_UNSUPPORTED_CURVE, "prepare download: unsupported curve"),
    E(ESIMLPA_EPREP_NO_SESSION, "prepare download: no session context"),
    E(ESIMLPA_EPREP_INVALID_TRANSACTION, "prepare download: invalid transaction ID"),
    E(ESIMLPA_EPREP_UNDEFINED, "prepare download: undefined error"),

    E(ESIMLPA_EINSTALL_INCORRECT_INPUT, "install failed: incorrect input values"),
    E(ESIMLPA_EINSTALL_INVALID_SIGNATURE, "install failed: invalid signature"),
    E(ESIMLPA_EINSTALL_INVALID_TRANSACTION, "install failed: invalid transaction ID"),
    E(ESIMLPA_EINSTALL_UNSUPPORTED_CRT, "install failed: unsupported CRT values"),
    E(ESIMLPA_EINSTALL_UNSUPPORTED_OPERATION, "install failed: unsupported remote operation type"),
    E(ESIMLPA_EINSTALL_UNSUPPORTED_CLASS, "install failed: unsupported profile class"),
    E(ESIMLPA_EINSTALL_STRUCTURE, "install failed: SCP03t structure error"),
    E(ESIMLPA_EINSTALL_SECURITY, "install failed: SCP03t security error"),
    E(ESIMLPA_EINSTALL_ICCID_EXISTS, "install failed: ICCID already exists on the eUICC"),
    E(ESIMLPA_EINSTALL_NO_MEMORY, "install failed: insufficient memory for the profile"),
    E(ESIMLPA_EINSTALL_INTERRUPTED, "install failed: interrupted"),
    E(ESIMLPA_EINSTALL_PE_PROCESSING, "install failed: profile element processing error"),
    E(ESIMLPA_EINSTALL_DATA_MISMATCH, "install failed: data mismatch"),
    E(ESIMLPA_EINSTALL_TEST_NAA_KEY, "install failed: invalid NAA key in test profile"),
    E(ESIMLPA_EINSTALL_PPR_NOT_ALLOWED, "install failed: profile policy rules not allowed"),
    E(ESIMLPA_EINSTALL_UNKNOWN, "install failed: unknown error"),

    E(ESIMLPA_ECANCEL_INVALID_TRANSACTION, "cancel session: invalid transaction ID"),
    E(ESIMLPA_ECANCEL_UNDEFINED, "cancel session: undefined error"),
};

#undef E

static const struct error_entry *find(int code)
{
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
        if (errors[i].code == code)
            return &errors[i];
    return NULL;
}

const char *esimlpa_strerror(int code)
{
    const struct error_entry *e = find(code);
    return e ? e->text : "unknown error";
}

const char *esimlpa_error_name(int code)
{
    const struct error_entry *e = find(code);
    return e ? e->name : "ESIMLPA_E_UNKNOWN";
}
