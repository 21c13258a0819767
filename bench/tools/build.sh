#!/usr/bin/env bash
# Builds one bench tool, bench/tools/NAME.cpp, into OUTDIR against the codecs the
# tools measure (Debian's libwebp, libturbojpeg, libpng), unless it is already
# there and newer than its source; prints the binary's path.
#   bash bench/tools/build.sh NAME OUTDIR
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name=${1:?usage: bench/tools/build.sh NAME OUTDIR}
out=${2:?usage: bench/tools/build.sh NAME OUTDIR}
mkdir -p "$out"
if [[ ! -x "$out/$name" || "$here/$name.cpp" -nt "$out/$name" ]]; then
  echo "building bench tool $name" >&2
  g++ -O2 -std=c++20 -Wall -Wextra -o "$out/$name" "$here/$name.cpp" \
    $(pkg-config --cflags --libs libwebp libturbojpeg libpng)
fi
echo "$out/$name"
