/* SPDX-License-Identifier: MIT */
/**
 * @file error.h
 * @brief Error codes of libesimlpa.
 *
 * Every fallible call returns 0 or one of these negative codes. Each eUICC
 * result code of an ES10 function (SGP.22 §5.7) maps to its own code, so a
 * caller never has to parse text. esimlpa_strerror() names a code;
 * esimlpa_ctx_last_error() gives the detail of the last failure (step,
 * status word, raw result code).
 */
#ifndef ESIMLPA_ERROR_H
#define ESIMLPA_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes: every fallible call returns 0 or one of these (negative). */
enum esimlpa_error {
    ESIMLPA_OK = 0,                 /**< success */

    /* Generic (-1 .. -99) */
    ESIMLPA_EINVAL = -1,            /**< invalid argument from the caller */
    ESIMLPA_ENOMEM = -2,            /**< out of memory */
    ESIMLPA_EINTERNAL = -3,         /**< internal error (a bug) */
    ESIMLPA_EUNSUPPORTED = -4,      /**< operation not supported by this transport/card */
    ESIMLPA_ESTATE = -5,            /**< context not open, or already open */
    ESIMLPA_EBADICCID = -6,         /**< malformed ICCID string */
    ESIMLPA_EBADAID = -7,           /**< malformed AID string */
    ESIMLPA_ETOOLONG = -8,          /**< an argument is longer than the spec allows */
    ESIMLPA_EBADTEXT = -9,          /**< text with control characters or not valid UTF-8 */

    /* Transport (-100 .. -199) */
    ESIMLPA_ETRANSPORT = -100,      /**< transport failure without a more precise cause */
    ESIMLPA_ENOREADER = -101,       /**< no (matching) card reader */
    ESIMLPA_ENOCARD = -102,         /**< no card in the reader */
    ESIMLPA_ECARDREMOVED = -103,    /**< card removed or reset during the session */
    ESIMLPA_ETIMEOUT = -104,        /**< the card or modem did not answer in time */
    ESIMLPA_EBUSY = -105,           /**< the card is in use by another program (lock wait ran out) */
    ESIMLPA_ENOSERVICE = -106,      /**< PC/SC service (pcscd) not running */

    /* ISO 7816-4 status words (-200 .. -299) */
    ESIMLPA_ESW = -200,             /**< unexpected status word (see last error) */
    ESIMLPA_ENOCHANNEL = -201,      /**< no logical channel available (MANAGE CHANNEL) */
    ESIMLPA_ENOISDR = -202,         /**< ISD-R not found on SELECT (6A82): not an eUICC */
    ESIMLPA_ESW_WRONG_LENGTH = -203,   /**< 6700 */
    ESIMLPA_ESW_WRONG_DATA = -204,     /**< 6A80 */
    ESIMLPA_ESW_CONDITIONS = -205,     /**< 6985 conditions of use not satisfied */
    ESIMLPA_ESW_INS_UNSUPPORTED = -206,/**< 6D00 */
    ESIMLPA_ESW_CLA_UNSUPPORTED = -207,/**< 6E00 */
    ESIMLPA_ESW_WRONG_P1P2 = -208,     /**< 6A86 / 6B00 */
    ESIMLPA_ESW_TECHNICAL = -209,      /**< 6F00 technical problem */
    ESIMLPA_ESW_SECURITY = -210,       /**< 6982 security status not satisfied */
    ESIMLPA_ESW_MEMORY = -211,         /**< 6581 / 6A84 memory problem */
    ESIMLPA_ESW_NOT_FOUND = -212,      /**< 6A82 file or application not found */
    ESIMLPA_ETOOBIG = -213,            /**< response larger than the library accepts */

    /* Codec (-300 .. -399) */
    ESIMLPA_EDECODE = -300,         /**< malformed (DER/BER) data from the card */
    ESIMLPA_EENCODE = -301,         /**< request could not be encoded */
    ESIMLPA_EUNEXPECTED = -302,     /**< well-formed response of the wrong kind */

    /* eUICC result codes of ES10 functions (-400 .. -499), SGP.22 §5.7 */
    ESIMLPA_EICCID_OR_AID_NOT_FOUND = -401,      /**< iccidOrAidNotFound(1) */
    ESIMLPA_EPROFILE_NOT_DISABLED = -402,        /**< profileNotInDisabledState(2) */
    ESIMLPA_EPROFILE_NOT_ENABLED = -403,         /**< profileNotInEnabledState(2) */
    ESIMLPA_EDISALLOWED_BY_POLICY = -404,        /**< disallowedByPolicy(3) */
    ESIMLPA_EWRONG_PROFILE_REENABLING = -405,    /**< wrongProfileReenabling(4) */
    ESIMLPA_ECAT_BUSY = -406,                    /**< catBusy(5) */
    ESIMLPA_ENOTHING_TO_DELETE = -407,           /**< nothingToDelete(1) */
    ESIMLPA_EICCID_NOT_FOUND = -408,             /**< iccidNotFound(1) (SetNickname) */
    ESIMLPA_EINCORRECT_INPUT = -409,             /**< incorrectInputValues(1) (GetProfilesInfo) */
    ESIMLPA_ENO_RESULT = -410,                   /**< noResultAvailable(1) (RetrieveNotificationsList) */
    ESIMLPA_EEUICC_UNDEFINED = -411,             /**< undefinedError(127) */
    ESIMLPA_EEUICC_UNKNOWN_RESULT = -412,        /**< result code not defined by SGP.22 */

    /* HTTP transport (-500 .. -549) */
    ESIMLPA_EHTTP = -500,           /**< HTTP transport failure without a more precise cause */
    ESIMLPA_EHTTP_CONNECT = -501,   /**< cannot resolve or connect to the server */
    ESIMLPA_EHTTP_TLS = -502,       /**< TLS handshake failed (other than verification) */
    ESIMLPA_EHTTP_CERT = -503,      /**< server certificate not trusted, expired or wrong host name */
    ESIMLPA_EHTTP_STATUS = -504,    /**< unexpected HTTP status (e.g. 5xx) */
    ESIMLPA_EHTTP_TOOBIG = -505,    /**< response larger than the configured cap */
    ESIMLPA_EHTTP_PLAIN = -506,     /**< plain http:// refused */
    ESIMLPA_EHTTP_CLOSED = -507,    /**< connection closed before the whole response arrived */

    /* ES9+/ES11 (-550 .. -599) */
    ESIMLPA_EES9_FAILED = -550,     /**< functionExecutionStatus Failed (subject/reason in last error) */
    ESIMLPA_EES9_EXPIRED = -551,    /**< functionExecutionStatus Expired */
    ESIMLPA_EES9_BADRESPONSE = -552,/**< response JSON malformed or missing a required field */
    ESIMLPA_EBADACTIVATION = -553,  /**< malformed activation code */
    ESIMLPA_EHEADER = -554,         /**< missing or unsupported X-Admin-Protocol / content type */
    ESIMLPA_EBADADDRESS = -555,     /**< not a valid SM-DP+ address (FQDN[:port], as in an activation code) */

    /* Download flow (-560 .. -649) */
    ESIMLPA_EREFUSED = -560,            /**< the user (consent callback) refused the profile */
    ESIMLPA_ECC_REQUIRED = -561,        /**< a confirmation code is required but none was given */
    ESIMLPA_EMETADATA_MISMATCH = -562,  /**< BPP metadata differs from authenticateClient's */
    ESIMLPA_EPPR_NOT_ALLOWED = -563,    /**< profile policy rules not allowed by the RAT */
    ESIMLPA_ENO_DEFAULT_DP = -564,      /**< no SM-DP+ address given and none configured */
    ESIMLPA_EOID_MISMATCH = -565,       /**< CERT.DPauth's SM-DP+ OID differs from the activation code's */
    ESIMLPA_ECANCELLED = -566,          /**< stopped by esimlpa_ctx_cancel() or the progress callback */
    ESIMLPA_EROLLED_BACK = -567,        /**< renewal: the new profile failed its check; the old one is enabled again */
    ESIMLPA_EJOURNAL = -568,            /**< renewal journal unreadable, unwritable or not for this card */
    /* ES10b.AuthenticateServer errors (AuthenticateErrorCode) */
    ESIMLPA_EAUTH_INVALID_CERTIFICATE = -601, /**< invalidCertificate(1) */
    ESIMLPA_EAUTH_INVALID_SIGNATURE = -602,   /**< invalidSignature(2) */
    ESIMLPA_EAUTH_UNSUPPORTED_CURVE = -603,   /**< unsupportedCurve(3) */
    ESIMLPA_EAUTH_NO_SESSION = -604,          /**< noSessionContext(4) */
    ESIMLPA_EAUTH_INVALID_OID = -605,         /**< invalidOid(5) */
    ESIMLPA_EAUTH_CHALLENGE_MISMATCH = -606,  /**< euiccChallengeMismatch(6) */
    ESIMLPA_EAUTH_CI_PK_UNKNOWN = -607,       /**< ciPKUnknown(7) */
    ESIMLPA_EAUTH_UNDEFINED = -608,           /**< undefinedError(127) */
    /* ES10b.PrepareDownload errors (DownloadErrorCode) */
    ESIMLPA_EPREP_INVALID_CERTIFICATE = -611, /**< invalidCertificate(1) */
    ESIMLPA_EPREP_INVALID_SIGNATURE = -612,   /**< invalidSignature(2) */
    ESIMLPA_EPREP_UNSUPPORTED_CURVE = -613,   /**< unsupportedCurve(3) */
    ESIMLPA_EPREP_NO_SESSION = -614,          /**< noSessionContext(4) */
    ESIMLPA_EPREP_INVALID_TRANSACTION = -615, /**< invalidTransactionId(5) */
    ESIMLPA_EPREP_UNDEFINED = -616,           /**< undefinedError(127) */
    /* ProfileInstallationResult errorReason (SGP.22 §5.7.6) */
    ESIMLPA_EINSTALL_INCORRECT_INPUT = -621,     /**< incorrectInputValues(1) */
    ESIMLPA_EINSTALL_INVALID_SIGNATURE = -622,   /**< invalidSignature(2) */
    ESIMLPA_EINSTALL_INVALID_TRANSACTION = -623, /**< invalidTransactionId(3) */
    ESIMLPA_EINSTALL_UNSUPPORTED_CRT = -624,     /**< unsupportedCrtValues(4) */
    ESIMLPA_EINSTALL_UNSUPPORTED_OPERATION = -625, /**< unsupportedRemoteOperationType(5) */
    ESIMLPA_EINSTALL_UNSUPPORTED_CLASS = -626,   /**< unsupportedProfileClass(6) */
    ESIMLPA_EINSTALL_STRUCTURE = -627,           /**< scp03tStructureError(7) */
    ESIMLPA_EINSTALL_SECURITY = -628,            /**< scp03tSecurityError(8) */
    ESIMLPA_EINSTALL_ICCID_EXISTS = -629,        /**< ...IccidAlreadyExistsOnEuicc(9) */
    ESIMLPA_EINSTALL_NO_MEMORY = -630,           /**< ...InsufficientMemoryForProfile(10) */
    ESIMLPA_EINSTALL_INTERRUPTED = -631,         /**< installFailedDueToInterruption(11) */
    ESIMLPA_EINSTALL_PE_PROCESSING = -632,       /**< installFailedDueToPEProcessingError(12) */
    ESIMLPA_EINSTALL_DATA_MISMATCH = -633,       /**< installFailedDueToDataMismatch(13) */
    ESIMLPA_EINSTALL_TEST_NAA_KEY = -634,        /**< testProfileInstallFailedDueToInvalidNaaKey(14) */
    ESIMLPA_EINSTALL_PPR_NOT_ALLOWED = -635,     /**< pprNotAllowed(15) */
    ESIMLPA_EINSTALL_UNKNOWN = -636,             /**< installFailedDueToUnknownError(127) or unlisted */
    /* ES10b.CancelSession errors */
    ESIMLPA_ECANCEL_INVALID_TRANSACTION = -641,  /**< invalidTransactionId(5) */
    ESIMLPA_ECANCEL_UNDEFINED = -642,            /**< undefinedError(127) */
};

/** Name of an error code, e.g. "profile not in disabled state". Never NULL. */
const char *esimlpa_strerror(int code);

/** Symbolic name of an error code, e.g. "ESIMLPA_EPROFILE_NOT_DISABLED". Never NULL. */
const char *esimlpa_error_name(int code);

#ifdef __cplusplus
}
#endif
#endif
