#!/usr/bin/env bash
# One vipsthumbnail invocation for one variant of one photo (run.sh feeds these
# to xargs -P N). Args: OUTDIR VARIANT FILE. Writes OUTDIR/<stem>_<variant>.webp.
# --vips-concurrency=1: one thread per process, N processes = N workers.
# "WxH>" only shrinks (edgepix never upscales); --smartcrop centre = cover crop.
set -euo pipefail
out=$1 variant=$2 file=$3
save="[Q=85,effort=4,strip]"
case $variant in
  thumb) exec vipsthumbnail --vips-concurrency=1 --size 150x150 --smartcrop centre \
           -o "$out/%s_thumb.webp$save" "$file" ;;
  medium) exec vipsthumbnail --vips-concurrency=1 --size '640x640>' \
           -o "$out/%s_medium.webp$save" "$file" ;;
  large) exec vipsthumbnail --vips-concurrency=1 --size '1280x1280>' \
           -o "$out/%s_large.webp$save" "$file" ;;
  *) echo "unknown variant $variant" >&2; exit 2 ;;
esac
