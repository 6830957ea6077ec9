#!/bin/sh
# SPDX-License-Identifier: MIT
#
# gen-rsp-pki.sh OUTDIR [nist|brp|both]
#
# Creates a complete SGP.22 test PKI (sgp22-notes §8) with the OpenSSL command line only:
# CI, EUM, eUICC, SM-DP+ (DPauth, DPpb, DPtls), SM-DS (DSauth, DStls), plus negative-test
# material (expired DPtls, DPtls for a wrong host name, an unrelated "untrusted" CI with its own
# DPtls). Curves: NIST P-256 ("nist") and brainpoolP256r1 ("brp"); default "both".
#
# File names (per curve C):
#   <role>_C.key  private key (PEM, PKCS#8)      <role>_C.der / <role>_C.pem  certificate
#   roles: ci eum euicc dpauth dppb dptls dsauth dstls dptls_expired dptls_wronghost
#          ci_untrusted dptls_untrusted
#   dptls_chain_C.pem, dstls_chain_C.pem, dptls_untrusted_chain_C.pem  leaf + CI (TLS servers)
#   euicc_C.eid, eid.txt   the EID of CERT.EUICC (32 digits, newline)
#   ci_bundle.pem the trusted CI certificates of all curves present (TLS client trust file)
#
# Choices (see tests/pki/README.md):
#   * SM-DP+ OID (registeredID) 2.999.10 as in SGP.26; SM-DS OID 2.999.20 (our choice, SGP.26
#     does not fix one here); CI RID 2.999.1.
#   * certificatePolicies are marked critical on every certificate; role OIDs as in §8.1.
#   * The EUM carries nameConstraints permitted directoryName O=RSP Test EUM, serialNumber=89049032
#     like the SGP.26 test EUM. SGP.22 reads it as an EID *prefix*; a generic X.509 validator
#     (openssl verify) applies it literally and reports "permitted subtree violation" for the
#     eUICC certificate. tests/rspcrypto/certchk.c applies the SGP.22 reading instead.
#
# Environment: RSP_PKI_EID = 30 or 32 digits (check digits are always recomputed, SGP.29).
#   RSP_PKI_EUM_NC = serial (default: O=RSP Test EUM + serialNumber=89049032, as SGP.26),
#                    o (only O=RSP Test EUM: passes plain "openssl verify"), none (no constraint).
# Idempotent: a curve whose files are complete and were made by this same script is skipped;
# set RSP_PKI_FORCE=1 to regenerate.
set -eu

usage() { echo "usage: $0 OUTDIR [nist|brp|both]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
OUT=$1
CURVES=${2:-both}
case $CURVES in
    nist|brp) ;;
    both) CURVES="nist brp" ;;
    *) usage ;;
esac
command -v openssl >/dev/null 2>&1 || { echo "$0: openssl not found" >&2; exit 1; }

# --- EID with SGP.29 check digits: int(EID) mod 97 == 1 (sgp22-notes §10.6) ---------------
eid_with_check_digits() {
    base=$1
    case $base in
        *[!0-9]*|'') echo "$0: EID must be decimal digits" >&2; return 1 ;;
    esac
    case ${#base} in
        30) ;;
        32) base=${base%??} ;;
        *) echo "$0: EID must have 30 or 32 digits" >&2; return 1 ;;
    esac
    rest=${base}00
    r=0
    while [ -n "$rest" ]; do
        d=${rest%"${rest#?}"}
        rest=${rest#?}
        r=$(( (r * 10 + d) % 97 ))
    done
    cd=$(( 98 - r ))
    [ "$cd" -lt 10 ] && cd=0$cd
    echo "$base$cd"
}
EID=$(eid_with_check_digits "${RSP_PKI_EID:-890490321234512345123456789012}")
case $EID in
    89049032*) ;;
    *) echo "$0: EID $EID is outside the EUM's permitted prefix 89049032" >&2; exit 1 ;;
esac

mkdir -p "$OUT"
EUM_NC=${RSP_PKI_EUM_NC:-serial}
case $EUM_NC in
    serial|o|none) ;;
    *) echo "$0: RSP_PKI_EUM_NC must be serial, o or none" >&2; exit 2 ;;
esac
STAMP_ID="$(cksum < "$0" | cut -d' ' -f1) $EID $EUM_NC"
ROLES="ci eum euicc dpauth dppb dptls dsauth dstls dptls_expired dptls_wronghost ci_untrusted dptls_untrusted"

complete() { # curve
    [ -f "$OUT/.stamp_$1" ] && [ "$(cat "$OUT/.stamp_$1")" = "$STAMP_ID" ] || return 1
    for r in $ROLES; do
        for e in key der pem; do [ -s "$OUT/${r}_$1.$e" ] || return 1; done
    done
    return 0
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rsp-pki.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

CNF=$WORK/ext.cnf
cat > "$CNF" <<'EOF'
# SPDX-License-Identifier: MIT
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused

[ci_ext]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
certificatePolicies = critical, 2.23.146.1.2.1.0
subjectAltName = RID:2.999.1

[eum_ext]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.2
EOF
case $EUM_NC in
    serial) printf '%s\n' 'nameConstraints = critical, permitted;dirName:eum_nc' '[eum_nc]' \
                'O = RSP Test EUM' 'serialNumber = 89049032' >> "$CNF" ;;
    o) printf '%s\n' 'nameConstraints = critical, permitted;dirName:eum_nc' '[eum_nc]' \
                'O = RSP Test EUM' >> "$CNF" ;;
    none) ;;
esac
cat >> "$CNF" <<'EOF'

[euicc_ext]
keyUsage = critical, digitalSignature
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.1

[dpauth_ext]
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.4
subjectAltName = RID:2.999.10

[dppb_ext]
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.5
subjectAltName = RID:2.999.10

[dptls_ext]
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.3
subjectAltName = DNS:testsmdpplus1.example.com, RID:2.999.10

[dptls_wronghost_ext]
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.3
subjectAltName = DNS:wronghost.example.com, RID:2.999.10

[dsauth_ext]
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.7
subjectAltName = RID:2.999.20

[dstls_ext]
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, serverAuth, clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.6
subjectAltName = DNS:testsmds.example.com, RID:2.999.20

# "openssl ca" (only for the expired certificate, which needs explicit dates)
[ca]
default_ca = ca_default
[ca_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = ca_policy
unique_subject = no
[ca_policy]
commonName = optional
EOF

DAYS=10950

curve_opt() { # curve -> -pkeyopt value
    case $1 in
        nist) echo ec_paramgen_curve:P-256 ;;
        brp) echo ec_paramgen_curve:brainpoolP256r1 ;;
    esac
}

# PEM -> DER without another openssl run (base64 is in coreutils).
pem2der() {
    sed -e '/^-----/d' "$1" | base64 -d > "$2"
}

# mkcert role curve subject ext issuer(role or "self"): key and certificate in one openssl run
mkcert() {
    r=$1; c=$2; subj=$3; ext=$4; iss=$5
    set -- -new -x509 -config "$CNF" -newkey ec -pkeyopt "$(curve_opt "$c")" \
        -pkeyopt ec_param_enc:named_curve -noenc -keyout "$WORK/${r}_$c.key" -subj "$subj" \
        -extensions "$ext" -days $DAYS -sha256 -out "$WORK/${r}_$c.pem"
    if [ "$iss" != self ]; then
        set -- "$@" -CA "$WORK/${iss}_$c.pem" -CAkey "$WORK/${iss}_$c.key"
    fi
    openssl req "$@" 2>/dev/null || { echo "$0: openssl req failed for $r ($c)" >&2; exit 1; }
    pem2der "$WORK/${r}_$c.pem" "$WORK/${r}_$c.der"
}

# An expired DPtls (valid 2020-01-01 .. 2021-01-01) issued by the CI: needs "openssl ca".
mkexpired() { # curve
    c=$1
    openssl req -new -config "$CNF" -newkey ec -pkeyopt "$(curve_opt "$c")" \
        -pkeyopt ec_param_enc:named_curve -noenc -keyout "$WORK/dptls_expired_$c.key" \
        -subj "/CN=testsmdpplus1.example.com/O=ACME" -out "$WORK/exp_$c.csr" 2>/dev/null ||
        { echo "$0: openssl req failed for the expired DPtls" >&2; exit 1; }
    (cd "$WORK" && : > index.txt && echo 01 > serial &&
        openssl ca -config "$CNF" -batch -notext -preserveDN -keyfile "ci_$c.key" \
            -cert "ci_$c.pem" -in "exp_$c.csr" -startdate 20200101000000Z \
            -enddate 20210101000000Z -extfile "$CNF" -extensions dptls_ext \
            -out "dptls_expired_$c.pem" >/dev/null 2>&1) ||
        { echo "$0: openssl ca failed for the expired DPtls" >&2; exit 1; }
    pem2der "$WORK/dptls_expired_$c.pem" "$WORK/dptls_expired_$c.der"
}

gen_curve() { # curve
    c=$1
    C=$(echo "$c" | tr a-z A-Z)
    mkcert ci "$c" "/C=IT/O=RSPTEST/OU=TESTCERT/CN=Test CI $C" ci_ext self
    mkcert eum "$c" "/C=ES/O=RSP Test EUM/CN=EUM Test $C" eum_ext ci
    mkcert euicc "$c" "/O=RSP Test EUM/serialNumber=$EID/CN=Test eUICC $C" euicc_ext eum
    mkcert dpauth "$c" "/CN=TEST SM-DP\\+/O=ACME" dpauth_ext ci
    mkcert dppb "$c" "/CN=TEST SM-DP\\+/O=ACME" dppb_ext ci
    mkcert dptls "$c" "/CN=testsmdpplus1.example.com/O=ACME" dptls_ext ci
    mkcert dsauth "$c" "/CN=TEST SM-DS/O=ACME" dsauth_ext ci
    mkcert dstls "$c" "/CN=testsmds.example.com/O=ACME" dstls_ext ci
    mkcert dptls_wronghost "$c" "/CN=wronghost.example.com/O=ACME" dptls_wronghost_ext ci
    mkexpired "$c"
    mkcert ci_untrusted "$c" "/C=IT/O=UNTRUSTED/CN=Untrusted Test CI $C" ci_ext self
    mkcert dptls_untrusted "$c" "/CN=testsmdpplus1.example.com/O=EVIL" dptls_ext ci_untrusted
    cat "$WORK/dptls_$c.pem" "$WORK/ci_$c.pem" > "$WORK/dptls_chain_$c.pem"
    cat "$WORK/dstls_$c.pem" "$WORK/ci_$c.pem" > "$WORK/dstls_chain_$c.pem"
    cat "$WORK/dptls_untrusted_$c.pem" "$WORK/ci_untrusted_$c.pem" \
        > "$WORK/dptls_untrusted_chain_$c.pem"
    echo "$EID" > "$WORK/euicc_$c.eid"
    echo "$EID" > "$WORK/eid.txt"
    chmod 600 "$WORK"/*_"$c".key
    for r in $ROLES; do
        mv -f "$WORK/${r}_$c.key" "$WORK/${r}_$c.der" "$WORK/${r}_$c.pem" "$OUT/"
    done
    mv -f "$WORK/dptls_chain_$c.pem" "$WORK/dstls_chain_$c.pem" \
        "$WORK/dptls_untrusted_chain_$c.pem" "$WORK/euicc_$c.eid" "$WORK/eid.txt" "$OUT/"
    echo "$STAMP_ID" > "$OUT/.stamp_$c"
}

for c in $CURVES; do
    if [ "${RSP_PKI_FORCE:-0}" != 1 ] && complete "$c"; then
        continue
    fi
    rm -f "$OUT/.stamp_$c"
    gen_curve "$c"
done

# Trust bundle of all trusted CIs present in OUTDIR.
: > "$WORK/ci_bundle.pem"
for c in nist brp; do
    [ -f "$OUT/ci_$c.pem" ] && cat "$OUT/ci_$c.pem" >> "$WORK/ci_bundle.pem"
done
mv -f "$WORK/ci_bundle.pem" "$OUT/ci_bundle.pem"
exit 0
