/* SPDX-License-Identifier: MIT */
/* Names for the RSPC_E* codes. */
#include "rspcrypto.h"

const char *rspc_strerror(int rc)
{
    switch (rc) {
    case RSPC_OK: return "ok";
    case RSPC_EINVAL: return "invalid argument or malformed input";
    case RSPC_ENOMEM: return "out of memory";
    case RSPC_ECRYPTO: return "OpenSSL operation failed";
    case RSPC_ESIG: return "signature does not verify";
    case RSPC_ESECURITY: return "segment MAC mismatch (scp03tSecurityError)";
    case RSPC_ESTRUCTURE: return "segment structure or padding wrong (scp03tStructureError)";
    case RSPC_ECERT: return "certificate chain does not verify";
    case RSPC_EROLE: return "certificate lacks the role policy";
    case RSPC_ENOTFOUND: return "extension or attribute not present";
    case RSPC_EPOINT: return "invalid public point";
    case RSPC_ECURVE: return "unsupported curve";
    case RSPC_EEID: return "invalid EID";
    default: return "unknown error";
    }
}
