#!/usr/bin/env bash
# Checks that an EDGEPIX_STATIC binary (any architecture) needs nothing but glibc
# and the small libraries that stay dynamic on purpose (see below): prints its
# NEEDED entries and fails on any other shared library.
#   scripts/check-static.sh build-static/edgepix
#
# Dynamic on purpose, each a small Debian package the target installs:
#   libcurl.so.4     (libcurl4)     Debian's static libcurl needs archives of
#                                   Kerberos, LDAP, libssh2 and more;
#   libqrencode.so.4 (libqrencode4) Debian ships no static archive, and its source
#                                   package cannot always be fetched whole;
#   libpq.so.5       (libpq5)       its static archive needs libpgcommon/libpgport
#                                   (not in libpq-dev), Kerberos and LDAP.
set -euo pipefail
bin="${1:?usage: check-static.sh BINARY}"
needed="$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
echo "shared libraries needed by $(basename "$bin"): $(echo $needed)"
allowed='^(libc\.so\.6|libm\.so\.6|ld-linux.*|libcurl\.so\.4|libqrencode\.so\.4|libpq\.so\.5)$'
others="$(echo "$needed" | grep -vE "$allowed" || true)"
if [[ -n "$others" ]]; then
  echo "check-static: linked dynamically besides glibc, libcurl, libqrencode and libpq: $(echo $others)" >&2
  exit 1
fi
extra="$(echo "$needed" | grep -E '^(libcurl|libqrencode|libpq)\.' | sed -E 's/\.so\.([0-9]+)$/\1/' | tr '\n' ' ')"
if [[ -n "$extra" ]]; then
  echo "check-static: on the target, install: sudo apt-get install ${extra}"
fi
