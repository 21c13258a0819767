#!/usr/bin/env bash
# The release binary to copy onto a machine: image, database, TLS and HTTP libraries
# linked in (EDGEPIX_STATIC=ON, see third_party/static_libraries.cmake), glibc dynamic,
# so it runs on Debian 12 / Raspberry Pi OS bookworm (glibc >= 2.36) with nothing
# installed.
#
#   scripts/static-build.sh              this machine's architecture -> build-static/edgepix
#   scripts/static-build.sh aarch64      64-bit Pi -> build-aarch64-static/edgepix (via cross-build.sh)
#   scripts/static-build.sh armhf        32-bit Pi -> build-armhf-static/edgepix
#
# Cross builds run the test suite under qemu too; all of them finish by converting
# a corpus photo with the built binary (`edgepix process`) when ../shared/corpus exists.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [[ -n "${1:-}" ]]; then
  exec "$root/scripts/cross-build.sh" "$1" --static "${@:2}"
fi

"$root/scripts/setup.sh" --build
build="$root/build-static"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DEDGEPIX_STATIC=ON \
  -DEDGEPIX_TESTS=OFF -DEDGEPIX_HEIF=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target edgepix
bin="$build/edgepix"
strip -o "$bin.stripped" "$bin"
echo "edgepix (static, $(uname -m)): $(stat -c %s "$bin") bytes, stripped $(stat -c %s "$bin.stripped")"
"$root/scripts/check-static.sh" "$bin"

photo="$root/../shared/corpus/photos/HMD_Nokia_8.3_5G.jpg"
if [[ -f "$photo" ]]; then
  out="$(mktemp -d)"
  trap 'rm -rf "$out"' EXIT
  "$bin" process "$photo" --out "$out"
  ls -l "$out"/*/
fi
