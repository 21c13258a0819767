#!/usr/bin/env bash
# The WebP encoder alone, edgepix's (Debian's libwebp, called directly as
# src/image/encode_webp.cpp does: WebPPictureImportRGB + WebPEncode, q85,
# method 4) against sharp's (its bundled libwebp through libvips webpsave,
# quality 85, effort 4, sharp.concurrency(1)), on the same RGB buffers: each
# photo's large (inside 1280), medium (inside 640) and thumb (150 cover) made
# once by sharp and stored raw. Prints CPU ms (best of REPS per buffer, summed)
# and the bytes written, which should be equal if the encoders agree.
#   bash bench/encoder/run.sh [ROUNDS] [REPS] FILE...   (default: the corpus's JPEGs)
# Needs bench/node_modules (bash bench/run.sh installs it, or npm ci in bench/).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROUNDS=${1:-3}
REPS=${2:-3}
shift 2 || true
files=("$@")
if ((${#files[@]} == 0)); then
  mapfile -t files < <(ls "$HERE/../../../shared/corpus/photos/"*.jpg)
fi
WORK="$(mktemp -d /tmp/edgepix-encoder.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
export NODE_PATH="$HERE/../node_modules"
node "$HERE/make_raw.js" "$WORK" "${files[@]}"
g++ -O2 -std=c++20 -o "$WORK/encode_libwebp" "$HERE/encode_libwebp.cpp" $(pkg-config --cflags --libs libwebp)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$ROUNDS"); do
  # alternate which goes first
  if ((r % 2)); then
    "$WORK/encode_libwebp" "$REPS" "$WORK"/*.rgb
    node "$HERE/encode_sharp.js" "$REPS" "$WORK"/*.rgb
  else
    node "$HERE/encode_sharp.js" "$REPS" "$WORK"/*.rgb
    "$WORK/encode_libwebp" "$REPS" "$WORK"/*.rgb
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
