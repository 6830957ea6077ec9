#!/bin/sh
# SPDX-License-Identifier: MIT
# Create the libesimlpa test PKI (SGP.22 §4.5 hierarchy, sgp22-notes §8) with
# the OpenSSL command line only:
#   CI  (self-signed root, policy id-rspRole-ci 2.23.146.1.2.1.0)
#    └─ EUM (CA, pathLen 0, policy 2.23.146.1.2.1.2, EIN-prefix name constraint)
#        └─ eUICC (subject serialNumber=<EID>, policy 2.23.146.1.2.1.1)
# for NIST P-256 (prime256v1) and/or brainpoolP256r1.
#
# usage: gen-test-pki.sh OUTDIR [nist|brp|both]      (default: both)
# environment: EID   32-digit EID; default 89049032123451234512345678901235.
#                    If the last two digits are "00", SGP.29 check digits
#                    (int(EID) mod 97 == 1) are filled in; otherwise they are checked.
#              DAYS  validity in days (default 10950)
# Output (deterministic names; <c> is nist or brp):
#   ci_<c>.key ci_<c>.pem ci_<c>.der   eum_<c>.key eum_<c>.pem eum_<c>.der
#   euicc_<c>.key euicc_<c>.pem euicc_<c>.der   eid.txt
# Keys are PEM (PKCS#8). Later issues add SM-DP+ / SM-DS certificates: add a
# make_<role> function next to make_euicc and call it from the loop at the end.
set -eu

usage() { echo "usage: $0 OUTDIR [nist|brp|both]" >&2; exit 2; }
[ $# -ge 1 ] && [ $# -le 2 ] || usage
OUT=$1
WHICH=${2:-both}
case $WHICH in nist|brp|both) ;; *) usage ;; esac
EID=${EID:-89049032123451234512345678901235}
DAYS=${DAYS:-10950}
EIN_PREFIX=89049032

# int(EID) mod 97, one digit at a time (the number is too big for shell arithmetic).
mod97() {
    r=0; s=$1
    while [ -n "$s" ]; do
        d=${s%"${s#?}"}; s=${s#?}
        r=$(( (r * 10 + d) % 97 ))
    done
    echo "$r"
}

case $EID in
    *[!0-9]*) echo "$0: EID must be 32 digits" >&2; exit 2 ;;
esac
[ ${#EID} -eq 32 ] || { echo "$0: EID must be 32 digits" >&2; exit 2; }
case $EID in
    *00) cd=$(( 98 - $(mod97 "$EID") )); EID=${EID%00}$(printf '%02d' "$cd") ;;
esac
[ "$(mod97 "$EID")" -eq 1 ] || { echo "$0: EID $EID fails the SGP.29 check (mod 97 != 1)" >&2; exit 2; }

mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

cat > "$TMP/ext.cnf" <<CNF
[ ci ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
certificatePolicies = critical, 2.23.146.1.2.1.0
subjectAltName = RID:2.999.1

[ eum ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.2
nameConstraints = critical, permitted;dirName:eum_nc

[ eum_nc ]
O = ESIMLPA Test EUM

[ euicc ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
certificatePolicies = critical, 2.23.146.1.2.1.1
CNF

serial() { echo "0x$(openssl rand -hex 16 | sed 's/^./1/')"; }

# genkey NAME CURVE
genkey() {
    openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:$2" \
        -pkeyopt ec_param_enc:named_curve -out "$OUT/$1.key" 2>/dev/null
    chmod 600 "$OUT/$1.key"
}

# sign NAME SUBJECT SECTION ISSUER(name or "self")
sign() {
    openssl req -new -key "$OUT/$1.key" -subj "$2" -out "$TMP/$1.csr"
    if [ "$4" = self ]; then
        openssl x509 -req -in "$TMP/$1.csr" -signkey "$OUT/$1.key" -sha256 \
            -days "$DAYS" -set_serial "$(serial)" -extfile "$TMP/ext.cnf" -extensions "$3" \
            -out "$OUT/$1.pem" 2>/dev/null
    else
        openssl x509 -req -in "$TMP/$1.csr" -CA "$OUT/$4.pem" -CAkey "$OUT/$4.key" -sha256 \
            -days "$DAYS" -set_serial "$(serial)" -extfile "$TMP/ext.cnf" -extensions "$3" \
            -out "$OUT/$1.pem" 2>/dev/null
    fi
    openssl x509 -in "$OUT/$1.pem" -outform DER -out "$OUT/$1.der"
}

make_ci()    { genkey "ci_$1" "$2";    sign "ci_$1" "/O=ESIMLPA Test/CN=ESIMLPA Test CI $1" ci self; }
# The EUM name constraint: GSMA "variant O" EUMs constrain serialNumber to the
# EIN prefix ($EIN_PREFIX). OpenSSL matches dirName constraints as an exact
# RDN prefix, which an EID can never equal, so the constraint here is on O=
# (eUICC subjects start with it); the EID itself starts with $EIN_PREFIX.
make_eum()   { genkey "eum_$1" "$2";   sign "eum_$1" "/O=ESIMLPA Test EUM/CN=ESIMLPA Test EUM $1" eum "ci_$1"; }
make_euicc() { genkey "euicc_$1" "$2"; sign "euicc_$1" "/O=ESIMLPA Test EUM/serialNumber=$EID/CN=ESIMLPA Test eUICC" euicc "eum_$1"; }

for c in nist brp; do
    [ "$WHICH" = both ] || [ "$WHICH" = "$c" ] || continue
    case $c in nist) curve=prime256v1 ;; brp) curve=brainpoolP256r1 ;; esac
    make_ci "$c" "$curve"
    make_eum "$c" "$curve"
    make_euicc "$c" "$curve"
    openssl verify -x509_strict -CAfile "$OUT/ci_$c.pem" -untrusted "$OUT/eum_$c.pem" \
        "$OUT/euicc_$c.pem" >/dev/null
done
echo "$EID" > "$OUT/eid.txt"
