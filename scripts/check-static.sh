#!/usr/bin/env bash
# Checks that an EDGEPIX_STATIC binary (any architecture) needs nothing but glibc:
# prints its NEEDED entries and fails on any other shared library.
#   scripts/check-static.sh build-static/edgepix
set -euo pipefail
bin="${1:?usage: check-static.sh BINARY}"
needed="$(readelf -d "$bin" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
echo "shared libraries needed by $(basename "$bin"): $(echo $needed)"
others="$(echo "$needed" | grep -vE '^(libc\.so\.6|libm\.so\.6|ld-linux.*)$' || true)"
if [[ -n "$others" ]]; then
  echo "check-static: linked dynamically besides glibc: $(echo $others)" >&2
  exit 1
fi
