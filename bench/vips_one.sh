#!/usr/bin/env bash
# vipsthumbnail for a batch of (variant, photo) items; run.sh's run_tool.sh feeds
# batches of 5 to xargs -P N. Args: OUTDIR VARIANT:FILE...
# One vipsthumbnail invocation per variant present in the batch (vipsthumbnail
# takes many files), so process start-up is paid per batch, not per photo.
# Writes OUTDIR/<stem>_<variant>.webp. --vips-concurrency=1: one thread per
# process, N processes = N workers. "WxH>" only shrinks (edgepix never
# upscales); --smartcrop centre = cover with a centre crop.
set -euo pipefail
out=$1
shift
save="[Q=85,effort=4,strip]"
for variant in thumb medium large; do
  files=()
  for item in "$@"; do [[ ${item%%:*} == "$variant" ]] && files+=("${item#*:}"); done
  [[ ${#files[@]} -gt 0 ]] || continue
  case $variant in
    thumb) size=(--size 150x150 --smartcrop centre) ;;
    medium) size=(--size '640x640>') ;;
    large) size=(--size '1280x1280>') ;;
  esac
  vipsthumbnail --vips-concurrency=1 "${size[@]}" -o "$out/%s_$variant.webp$save" "${files[@]}"
done
