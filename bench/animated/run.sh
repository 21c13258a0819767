#!/usr/bin/env bash
# Animated GIF/APNG -> animated WebP variants (issue 14): time, peak RSS and
# bytes of the three default variants against the input, for the first 100
# frames of the corpus's Muybridge horse (472x298), the 42-frame iss634.gif
# and the same animation as an APNG (corpus2 iss634.apng, 41 frames).
# One worker, one core: `edgepix process --workers 1`. Figures: RESULTS.md.
#   bash bench/animated/run.sh [build-dir]     (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build}/edgepix
corpus=$root/../shared/corpus
corpus2=$root/../shared/corpus2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/trim_gif.py" "$corpus/formats/gif/gifplayer-muybridge.gif" "$work/muybridge100.gif" 100
cp "$corpus2/formats/gif/iss634.gif" "$work/iss634.gif"
cp "$corpus2/formats/png/iss634.apng" "$work/iss634-apng.png"
for gif in "$work/muybridge100.gif" "$work/iss634.gif" "$work/iss634-apng.png"; do
  name=$(basename "${gif%.*}")
  /usr/bin/time -f "%e s wall, %U s user, %M KB peak RSS" -o "$work/time.txt" \
    "$bin" process --workers 1 --max-frames 300 --out "$work/out" -- "$gif" >/dev/null
  in_bytes=$(stat -c %s "$gif")
  echo "$name: input $in_bytes bytes; $(cat "$work/time.txt")"
  for v in thumb medium large; do
    f="$work/out/$name/$v.webp"
    echo "  $v.webp: $(stat -c %s "$f") bytes ($(( $(stat -c %s "$f") * 100 / in_bytes ))% of the input)"
  done
done
