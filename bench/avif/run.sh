#!/usr/bin/env bash
# AVIF vs WebP for the 640 px variant (issue 14, AVIF output): encode time and
# bytes of the same 640 px pixels, with Debian's encoders as command-line tools
# (libwebp 1.2.4's cwebp at edgepix's settings, quality 85 and method 4;
# libavif 0.11.1's avifenc with aom at speed 6, cq-level 25 (~quality 60), 4:2:0,
# one thread). The 640 px pixels come from edgepix itself (medium 640x640 inside,
# quality 100, decoded back to PNG with dwebp), so both encoders get the same input.
# Quality: PSNR (RGB) of each against that input (psnr.py; the AVIF decoded by
# avifdec and carried losslessly through cwebp -lossless -exact / dwebp -ppm).
# Needs: webp and libavif-bin (apt-get install webp libavif-bin). Figures: RESULTS.md.
#   bash bench/avif/run.sh [build-dir]     (default: build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${1:-$root/build}/edgepix
photos=$root/../shared/corpus/photos
for tool in cwebp dwebp avifenc; do
  command -v $tool >/dev/null || { echo "missing $tool (apt-get install webp libavif-bin)"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inputs=()
for f in "$photos"/*.jpg; do inputs+=("$f"); done
"$bin" process --workers 1 --variant medium:640x640:inside:100 --out "$work/src" -- "${inputs[@]}" >/dev/null 2>&1
printf '%-30s %8s %8s %9s %7s %7s %8s %8s\n' image webp_B avif_B avif/webp webp_s avif_s webp_dB avif_dB
tw=0; ta=0; sw=0; sa=0; n=0
for d in "$work"/src/*/; do
  name=$(basename "$d")
  dwebp -quiet "$d/medium.webp" -o "$work/$name.png"
  /usr/bin/time -f "%U %S" -o "$work/tw" cwebp -quiet -q 85 -m 4 "$work/$name.png" -o "$work/$name.webp"
  /usr/bin/time -f "%U %S" -o "$work/ta" avifenc -s 6 -j 1 -y 420 --min 0 --max 63 \
    -a end-usage=q -a cq-level=25 "$work/$name.png" "$work/$name.avif" >/dev/null
  dwebp -quiet -ppm "$d/medium.webp" -o "$work/ref.ppm"
  dwebp -quiet -ppm "$work/$name.webp" -o "$work/w.ppm"
  avifdec "$work/$name.avif" "$work/a.png" >/dev/null
  cwebp -quiet -lossless -exact "$work/a.png" -o "$work/a.webp"
  dwebp -quiet -ppm "$work/a.webp" -o "$work/a.ppm"
  pw=$(python3 "$here/psnr.py" "$work/ref.ppm" "$work/w.ppm")
  pa=$(python3 "$here/psnr.py" "$work/ref.ppm" "$work/a.ppm")
  bw=$(stat -c %s "$work/$name.webp"); ba=$(stat -c %s "$work/$name.avif")
  cw=$(awk '{print $1 + $2}' "$work/tw"); ca=$(awk '{print $1 + $2}' "$work/ta")
  printf '%-30s %8d %8d %8.0f%% %7.2f %7.2f %8s %8s\n' "$name" "$bw" "$ba" "$(echo "100 * $ba / $bw" | bc -l)" "$cw" "$ca" "$pw" "$pa"
  tw=$((tw + bw)); ta=$((ta + ba)); n=$((n + 1))
  sw=$(echo "$sw + $cw" | bc -l); sa=$(echo "$sa + $ca" | bc -l)
done
printf '%-30s %8d %8d %8.0f%% %7.2f %7.2f\n' "total ($n images)" "$tw" "$ta" "$(echo "100 * $ta / $tw" | bc -l)" "$sw" "$sa"
