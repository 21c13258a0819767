#!/usr/bin/env bash
# Peak RSS of `edgepix process` per hostile image (issue 18 item 5) and per
# ordinary photo, one image per run, measured with GNU time (/usr/bin/time -v,
# "Maximum resident set size"). Light: one core, each run a few seconds.
#   bash bench/memory/run.sh BINARY [edgepix process flags...]
# e.g. bash bench/memory/run.sh build-rel/edgepix --workers 1
#      bash bench/memory/run.sh build-rel/edgepix --workers 1 --max-megapixels 24 --memory-budget-mb 64
# The hostile images are generated into $EDGEPIX_MEM_DIR (default
# /tmp/edgepix-mem-hostile) by make_hostile.py, never committed. Prints one
# Markdown table row per image: file, outcome, peak RSS in MB (10^6 bytes).
set -euo pipefail
bin=$(realpath "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
dir=${EDGEPIX_MEM_DIR:-/tmp/edgepix-mem-hostile}
corpus=${EDGEPIX_CORPUS:-$here/../../../shared/corpus}
[[ -f $dir/webp-lossless-6000x4000.webp ]] || python3 "$here/make_hostile.py" "$dir"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

files=("$dir"/*.png "$dir"/*.webp)
for f in "$corpus"/photos/*.jpg "$corpus"/photos/*.png "$corpus"/photos/*.webp; do
  [[ -f $f ]] && files+=("$f")
done
echo "| image | outcome | peak RSS (MB) |"
echo "|---|---|---:|"
for f in "${files[@]}"; do
  log=$(mktemp)
  /usr/bin/time -v "$bin" process "$f" --out "$out" "$@" >"$log.out" 2>"$log" || true
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  outcome=$(grep -o '"status":"[A-Z]*"' "$log.out" | head -1 | cut -d'"' -f4)
  code=$(grep -o '"code":"[a-z_]*"' "$log.out" | head -1 | cut -d'"' -f4)
  if grep -q "Command terminated by signal" "$log"; then outcome="killed"; fi
  echo "| $(basename "$f") | ${outcome:-?}${code:+ $code} | $((kb * 1024 / 1000000)) |"
  rm -f "$log" "$log.out"
  rm -rf "${out:?}"/*
done
